#!/usr/bin/env bash
# Fuzzes the webhook client's HTTP/1.1 response parser (status line, headers, body framing).
# Run through Scripts/fuzz.sh http-response [seconds]; FUZZ_SECONDS and FUZZ_WORK come from it.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/HTTPResponse}
seconds=${FUZZ_SECONDS:-60}
mkdir -p "$work/corpus"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ParleyStoreFuzz \
  Fuzz/HTTPResponse/main.swift Sources/ParleyStore/HTTPResponseParser.swift \
  -o "$work/fuzz-http-response"
# Seeds: the first byte sets the read size.
printf '\x00HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' > "$work/corpus/length.seed"
printf '\x03HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' \
  > "$work/corpus/chunked.seed"
printf '\x07HTTP/1.0 503 Service Unavailable\nRetry-After: 5\n\nbusy' > "$work/corpus/lf.seed"
"$work/fuzz-http-response" -max_total_time="$seconds" -max_len=4096 "$work/corpus"
