#!/usr/bin/env bash
# Bootstrap → fixtures → build → run every test. Non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

./Scripts/bootstrap.sh
./Scripts/fixtures.sh
jobs=${PARLEY_BUILD_JOBS:-$(nproc)}
echo "test: building (debug, $jobs jobs)"
swift build --build-tests -j "$jobs"
echo "test: running the suite"
swift test --skip-build
