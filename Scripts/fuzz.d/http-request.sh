#!/usr/bin/env bash
# Fuzz the admin API's HTTP/1.1 request parser (called by Scripts/fuzz.sh http-request [seconds]).
# Builds Fuzz/HTTPRequest with the parser sources under -sanitize=fuzzer,address and runs it
# seeded from Fuzz/HTTPRequest/corpus. The driver also checks that split delivery parses
# the same as whole delivery. Crash inputs land in $FUZZ_WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/http-request}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus"
cp -n Fuzz/HTTPRequest/corpus/* "$work/corpus/" 2>/dev/null || true
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ParleyHTTPFuzz \
  Sources/ParleyAdmin/HTTP/HTTPRequest.swift Sources/ParleyAdmin/HTTP/HTTPRequestParser.swift \
  Fuzz/HTTPRequest/*.swift -o "$work/fuzz-http-request"
cd "$work"
./fuzz-http-request -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/" corpus
