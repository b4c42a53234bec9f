#!/usr/bin/env bash
# Bootstrap → release build → start parleyd on the bundled demo with embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

./Scripts/bootstrap.sh
echo "run: building (release)"
swift build -c release
bin=$(swift build -c release --show-bin-path)

config=examples/demo/parleyd.yaml
cat <<EOT
run: starting parleyd on the demo (member-care.yaml) — SIP on 127.0.0.1:5060 (UDP and TCP),
     admin API on http://127.0.0.1:8080 (GET /healthz, /metrics, /calls), data in .data/demo.
     Call it:
       - SIPp, a caller who says "yes":  ./Scripts/call-demo.sh
       - the simulator:                  $bin/parley sim --target 127.0.0.1:5060 --scenario examples/sim/mix.yaml
       - a softphone: sip:care@127.0.0.1:5060 (PCMU/PCMA/Opus; say "yes" or press 1 after the offer)
     Stop: Ctrl-C (drains: calls in progress finish, then it exits).
EOT
exec "$bin/parleyd" --config "$config" "$@"
