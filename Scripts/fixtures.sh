#!/usr/bin/env bash
# Generates test fixtures that are made, not committed (speech from espeak-ng, prompts,
# noise, echo): runs every Scripts/fixtures.d/*.sh in name order. Each generator writes
# under $PARLEY_FIXTURES (default .data/fixtures), skips work already done (it keeps a
# stamp of its own inputs), and exits non-zero with a clear message when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
export PARLEY_FIXTURES=${PARLEY_FIXTURES:-$PWD/.data/fixtures}
mkdir -p "$PARLEY_FIXTURES"
shopt -s nullglob
for generator in Scripts/fixtures.d/*.sh; do
  echo "fixtures: $generator"
  bash "$generator"
done
