#!/usr/bin/env bash
# Fixtures for ParleyMedia tests: a short prompt and a longer one (espeak-ng speech,
# 8 kHz 16-bit mono WAV) played to a test RTP peer, and a caller utterance the peer
# sends to barge in. Idempotent: a stamp records the inputs.
set -euo pipefail
root=${PARLEY_FIXTURES:-$(cd "$(dirname "$0")/../.." && pwd)/.data/fixtures}
out="$root/media"
short="Hello, this is Parley."
long="Thank you for calling. Your payment of forty two dollars is due on the ninth of March. Say yes to pay now."
caller="Yes, I would like to pay my bill right now please."
stamp="v1|$short|$long|$caller"

if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] \
   && [ -s "$out/prompt-short-8k.wav" ] && [ -s "$out/prompt-long-8k.wav" ] && [ -s "$out/caller-8k.wav" ]; then
  echo "fixtures(media): up to date"
  exit 0
fi
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "fixtures(media): $tool is missing (run Scripts/bootstrap.sh)" >&2; exit 1; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 160 -w "$tmp/short.wav" "$short"
espeak-ng -v en-us -s 150 -w "$tmp/long.wav" "$long"
espeak-ng -v en-us -s 150 -w "$tmp/caller.wav" "$caller"
sox "$tmp/short.wav" -r 8000 -b 16 -c 1 "$out/prompt-short-8k.wav"
sox "$tmp/long.wav" -r 8000 -b 16 -c 1 "$out/prompt-long-8k.wav"
sox "$tmp/caller.wav" -r 8000 -b 16 -c 1 "$out/caller-8k.wav" gain -n -3
printf '%s' "$stamp" > "$out/stamp"
echo "fixtures(media): wrote $out/{prompt-short,prompt-long,caller}-8k.wav"
