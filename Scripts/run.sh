#!/usr/bin/env bash
# Bootstrap → release build → start parleyd on the bundled demo with embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

./Scripts/bootstrap.sh
echo "run: building (release)"
swift build -c release
bin=$(swift build -c release --show-bin-path)

config=examples/demo/parleyd.yaml
if [ ! -f "$config" ]; then
  echo "run: the build is complete, but the demo cannot start yet:"
  [ -f "$config" ] || echo "  - $config (the demo configuration) is not there yet"
  echo "  - parleyd's call layer (SIP + media + dialogue) is not there yet"
  echo "run: what exists now: $bin/parley (try: $bin/parley help)"
  exit 0
fi
exec "$bin/parleyd" --config "$config" "$@"
