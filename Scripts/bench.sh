#!/usr/bin/env bash
# The standard benchmark set. Writes bench/results.json and bench/results.md.
# Speed and memory targets live here, never in timed unit tests.
#   ./Scripts/bench.sh                 every suite
#   ./Scripts/bench.sh core audio      only these suites
# Each suite is `parley bench <suite> --json`, printing one flat JSON object.
set -euo pipefail
cd "$(dirname "$0")/.."

./Scripts/bootstrap.sh
./Scripts/fixtures.sh
swift build -c release --product parley
bin=$(swift build -c release --show-bin-path)
mkdir -p bench

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
  suites=(core sip media audio speech dialogue store)
fi

rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm)"
json="{\"revision\": \"$rev\", \"machine\": \"$machine\", \"command\": \"Scripts/bench.sh\""
table="# Parley benchmarks ($rev)"$'\n\n'"Machine: $machine"$'\n'
failed=()

for suite in "${suites[@]}"; do
  echo "bench: $suite" >&2
  if out=$("$bin/parley" bench "$suite" --json); then
    json+=", \"$suite\": $out"
    table+=$'\n'"## $suite"$'\n\n'"| measure | value |"$'\n'"|---|---|"$'\n'
    table+=$(echo "$out" | python3 -c '
import json, sys
for k, v in json.load(sys.stdin).items():
    print(f"| {k} | {v} |")')
    table+=$'\n'
  else
    failed+=("$suite")
    json+=", \"$suite\": null"
  fi
done
json+="}"

echo "$json" | python3 -m json.tool > bench/results.json
printf '%s\n' "$table" > bench/results.md
cat bench/results.md
if [ ${#failed[@]} -ne 0 ]; then
  echo "bench: failed suites: ${failed[*]}" >&2
  exit 1
fi
