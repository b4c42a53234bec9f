#!/usr/bin/env bash
# Speech fixtures for ParleyCodecs tests (resampler SNR on speech, Opus round trip,
# prompt loading): espeak-ng speaks a fixed English text at its native 22,050 Hz, sox
# converts it to 16-bit mono at 16 kHz and 8 kHz. Idempotent: a stamp records the
# inputs, and nothing is redone while it matches.
set -euo pipefail
root=${PARLEY_FIXTURES:-$(cd "$(dirname "$0")/../.." && pwd)/.data/fixtures}
out="$root/codecs"
text="Thank you for calling. Your payment of forty two dollars is due on the ninth of March. Say yes to pay now, or press two to speak with an agent."
stamp="v1|$text"

if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] \
   && [ -s "$out/speech-16k.wav" ] && [ -s "$out/speech-8k.wav" ] && [ -s "$out/speech-22k.wav" ]; then
  echo "fixtures(codecs): up to date"
  exit 0
fi

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "fixtures(codecs): $tool is missing (run Scripts/bootstrap.sh)" >&2; exit 1; }
done

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp/speech.wav" "$text"
sox "$tmp/speech.wav" -b 16 -c 1 "$out/speech-22k.wav"
sox "$tmp/speech.wav" -r 16000 -b 16 -c 1 "$out/speech-16k.wav"
sox "$tmp/speech.wav" -r 8000 -b 16 -c 1 "$out/speech-8k.wav"
printf '%s' "$stamp" > "$out/stamp"
echo "fixtures(codecs): wrote $out/speech-{22k,16k,8k}.wav"
