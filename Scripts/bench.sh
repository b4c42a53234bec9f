#!/usr/bin/env bash
# The standard benchmark set. Writes bench/results.json and bench/results.md.
# Speed and memory targets live here, never in timed unit tests.
#   ./Scripts/bench.sh                 every suite
#   ./Scripts/bench.sh core audio      only these suites
# Each suite is `parley bench <suite> --json`, printing one flat JSON object, except:
#   sip-load  Scripts/bench-sip-load.sh (release): SIP call setups per second, SIPp driving
#             the Parley stack and SIPp's own UAS (the reference) in the same run
#   e2e       Scripts/bench-e2e.sh: a release parleyd on loopback and `parley sim` against it —
#             capacity with and without the recognizer, latency at 10 % / 80 % of capacity,
#             memory per call, false barge-ins with echo (knobs: see that script)
set -euo pipefail
cd "$(dirname "$0")/.."

./Scripts/bootstrap.sh
./Scripts/fixtures.sh
nice -n 10 swift build -c release --product parley
bin=$(swift build -c release --show-bin-path)
mkdir -p bench

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
  suites=(core sip media pacing audio speech dialogue store sip-load e2e)
fi

rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm)"
command="Scripts/bench.sh${*:+ $*}"
json="{\"revision\": \"$rev\", \"machine\": \"$machine\", \"command\": \"$command\""
table="# Parley benchmarks ($rev)"$'\n\n'"Machine: $machine"$'\n\n'"Command: \`$command\`"$'\n'
failed=()

for suite in "${suites[@]}"; do
  echo "bench: $suite" >&2
  case $suite in
    sip-load) run=(env CONFIG=release ./Scripts/bench-sip-load.sh) ;;
    e2e) run=(env SKIP_BUILD=1 ./Scripts/bench-e2e.sh) ;;
    *) run=("$bin/parley" bench "$suite" --json) ;;
  esac
  if [ "$suite" = e2e ]; then nice -n 10 swift build -c release --product parleyd >&2; fi
  # The scripts print their JSON object on the first line of stdout (a table may follow).
  if out=$("${run[@]}") && [ -n "$out" ]; then
    case $suite in sip-load|e2e) out=$(printf '%s\n' "$out" | sed -n 1p) ;; esac
    json+=", \"$suite\": $out"
    table+=$'\n'"## $suite"$'\n\n'"| measure | value |"$'\n'"|---|---|"$'\n'
    table+=$(echo "$out" | python3 -c '
import json, sys
def rows(prefix, value):
    # Nested objects and lists (e.g. pacing levels) flatten to dotted names.
    if isinstance(value, dict):
        for k, v in value.items(): yield from rows(f"{prefix}.{k}" if prefix else k, v)
    elif isinstance(value, list):
        for i, v in enumerate(value): yield from rows(f"{prefix}[{i}]", v)
    else:
        yield prefix, value
for k, v in rows("", json.load(sys.stdin)):
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
