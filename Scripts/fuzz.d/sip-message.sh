#!/usr/bin/env bash
# Fuzz the SIP message parser and framer (called by Scripts/fuzz.sh sip-message [seconds]).
# Builds Fuzz/SIPMessage with the ParleySIP sources under -sanitize=fuzzer,address and runs
# it seeded from the RFC 4475 fixtures. Crash inputs land in $FUZZ_WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/sip-message}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus"
cp -n Tests/ParleySIPTests/Fixtures/rfc4475/*.dat "$work/corpus/" 2>/dev/null || true
cp -n Tests/ParleySIPTests/Fixtures/messages/*.sip "$work/corpus/" 2>/dev/null || true
# The parser sources only: Transport/ and Stack/ run on the realtime event loop.
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ParleySIPFuzz \
  $(find Sources/ParleySIP -name '*.swift' -not -path '*/Transport/*' -not -path '*/Stack/*' | sort) Fuzz/SIPMessage/*.swift -o "$work/fuzz-sip-message"
cd "$work"
./fuzz-sip-message -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 -artifact_prefix="$work/" corpus
