#!/usr/bin/env bash
# Fuzz the SIP URI, name-addr and header value parsers (called by Scripts/fuzz.sh sip-uri [seconds]).
# Builds Fuzz/SIPURI with the ParleySIP sources under -sanitize=fuzzer,address and runs
# it seeded from the URI fixtures. Crash inputs land in $FUZZ_WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/sip-uri}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus"
cp -n Tests/ParleySIPTests/Fixtures/uris/*.txt "$work/corpus/" 2>/dev/null || true
# The parser sources only: Transport/ and Stack/ run on the realtime event loop.
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ParleySIPFuzz \
  $(find Sources/ParleySIP -name '*.swift' -not -path '*/Transport/*' -not -path '*/Stack/*' | sort) Fuzz/SIPURI/*.swift -o "$work/fuzz-sip-uri"
cd "$work"
./fuzz-sip-uri -max_total_time="$seconds" -max_len=1024 -print_final_stats=1 -artifact_prefix="$work/" corpus
