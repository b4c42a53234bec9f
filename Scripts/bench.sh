#!/usr/bin/env bash
# The standard benchmark set. Writes bench/results.json and bench/results.md.
# Speed and memory targets live here, never in timed unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

./Scripts/bootstrap.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)
mkdir -p bench

rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm)"

core=$("$bin/parley" bench core --json)

cat > bench/results.json <<JSON
{"revision": "$rev", "machine": "$machine", "command": "Scripts/bench.sh",
 "core": $core}
JSON
{
  echo "# Parley benchmarks ($rev)"
  echo
  echo "Machine: $machine"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "$core" | tr -d '{}' | tr ',' '\n' | sed -E 's/^ *"([^"]+)": *(.*)$/| \1 | \2 |/'
} > bench/results.md
cat bench/results.md
