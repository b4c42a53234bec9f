#!/usr/bin/env bash
# Places one demo call with SIPp against a running parleyd (./Scripts/run.sh): the caller
# says "yes" to the birthday-coupon offer. Prints SIPp's summary and the bot's disposition.
# usage: Scripts/call-demo.sh [HOST:PORT]   (default 127.0.0.1:5060)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-127.0.0.1:5060}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
espeak-ng -w "$work/yes.wav" "yes"
sox "$work/yes.wav" -r 8000 -c 1 -e u-law -t raw "$work/yes.ulaw"
sox -n -r 8000 -c 1 -e u-law -t raw "$work/silence.ulaw" trim 0 14.5
sed "s#AUDIO_DIR#$work#g" examples/demo/sipp/say-yes.xml > "$work/say-yes.xml"
(cd "$work" && sipp "$target" -sf say-yes.xml -m 1 -i 127.0.0.1 -mp 16000 -nostdin -trace_msg \
    -timeout 60s -timeout_error) || { echo "call-demo: the call failed (SIPp exit $?)"; exit 1; }
grep -h -i "^X-Parley-Disposition" "$work"/*_messages.log | tail -1 || true
