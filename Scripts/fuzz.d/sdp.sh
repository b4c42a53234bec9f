#!/usr/bin/env bash
# Fuzz target "sdp": SDP parser, serializer round trip and offer/answer.
# Run through Scripts/fuzz.sh sdp [seconds]; uses FUZZ_SECONDS and FUZZ_WORK from it.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/sdp}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus"
swiftc -swift-version 6 -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzSDP \
  Sources/ParleySDP/*.swift Fuzz/SDP/main.swift -o "$work/fuzz-sdp"
cp -n Fuzz/SDP/seeds/* Fuzz/SDP/malformed/* "$work/corpus/" 2>/dev/null || true
exec "$work/fuzz-sdp" -max_total_time="$seconds" -max_len=4096 -dict=Fuzz/SDP/sdp.dict \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus"
