#!/usr/bin/env bash
# Bootstrap → fixtures → test servers → build → run every test. Non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

./Scripts/bootstrap.sh
./Scripts/fixtures.sh
# The Vosk-protocol test server (PyPI pocketsphinx in a venv under .data/) the network
# recognizer is tested against.
./Scripts/asr-test-server/setup.sh
jobs=${PARLEY_BUILD_JOBS:-$(nproc)}
echo "test: building (debug, $jobs jobs)"
swift build --build-tests -j "$jobs"
echo "test: running the suite"
# Serially: several suites drive real peers (SIPp, Kamailio, HTTP and WebSocket servers) and
# wait on them synchronously, which holds threads of Swift's cooperative pool (2 on a
# 2-core machine). Run side by side, they starve the tasks other suites' servers answer
# with, and those suites time out. One suite at a time takes ~2 min here.
swift test --skip-build --no-parallel
