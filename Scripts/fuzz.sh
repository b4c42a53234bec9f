#!/usr/bin/env bash
# Runs one libFuzzer target: ./Scripts/fuzz.sh <target> [seconds]  (default 300 s).
# ./Scripts/fuzz.sh with no target lists them. Each target is Scripts/fuzz.d/<target>.sh,
# which builds its driver with `swiftc -sanitize=fuzzer,address` over the parser's
# sources and runs it seeded from the fixtures. Fuzzing is not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: Scripts/fuzz.sh <target> [seconds]"; echo "targets:"
  for f in Scripts/fuzz.d/*.sh; do [ -e "$f" ] && echo "  $(basename "$f" .sh)"; done
  exit 2
fi
target=$1; seconds=${2:-300}
script=Scripts/fuzz.d/$target.sh
[ -f "$script" ] || { echo "fuzz: no target '$target' (see Scripts/fuzz.sh)" >&2; exit 2; }
export FUZZ_SECONDS=$seconds FUZZ_WORK=${FUZZ_WORK:-$PWD/.build-fuzz/$target}
mkdir -p "$FUZZ_WORK"
exec bash "$script"
