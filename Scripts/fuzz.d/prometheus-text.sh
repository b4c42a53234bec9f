#!/usr/bin/env bash
# Fuzz target `prometheus-text`: the simulator's Prometheus text parser (capacity search
# reading parleyd's /metrics), with sums and histogram quantiles over what it parsed.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${FUZZ_WORK:-$PWD/.build-fuzz/prometheus-text}
seconds=${FUZZ_SECONDS:-300}
mkdir -p "$work/corpus"

swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -O -module-name PrometheusTextFuzz \
  Sources/ParleySim/PrometheusText.swift Fuzz/PrometheusText/*.swift -o "$work/fuzz-prometheus-text"

printf 'parley_calls_active{node="a"} 3\nx_bucket{le="0.1"} 1\nx_bucket{le="+Inf"} 2\n# HELP x y\n' > "$work/corpus/seed-1"
printf 'a{b="c\\"d\\\\e\\n"} -Inf 1700000000\nNaN 1\n' > "$work/corpus/seed-2"
cd "$work"
exec ./fuzz-prometheus-text -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 corpus
