#!/usr/bin/env bash
# Fuzz target "rtp": RTP header, RTCP compound and RFC 4733 parsing, jitter buffer feed.
# Run through Scripts/fuzz.sh rtp [seconds]; uses FUZZ_SECONDS and FUZZ_WORK from it.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/rtp}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus"
swiftc -swift-version 6 -O -sanitize=fuzzer,address -parse-as-library -module-name FuzzRTP \
  Sources/ParleyRTP/*.swift Fuzz/RTP/main.swift -o "$work/fuzz-rtp"
cp -n Fuzz/RTP/seeds/* "$work/corpus/" 2>/dev/null || true
exec "$work/fuzz-rtp" -max_total_time="$seconds" -max_len=1500 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus"
