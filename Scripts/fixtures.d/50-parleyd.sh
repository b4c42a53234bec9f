#!/usr/bin/env bash
# Fixtures for the parleyd end-to-end tests (Tests/ParleydTests): caller speech that SIPp
# plays with rtp_stream, as headerless 8 kHz G.711 files (μ-law *.ulaw, A-law *.alaw):
#   yes, yes-please — answers to the demo's coupon offer;
#   barge-in        — a longer "yes" sentence spoken over the offer prompt;
#   silence-1s      — one second of digital silence (keeps media flowing without speech).
# Each utterance starts with 300 ms of silence (the caller's breath before speaking) and
# ends with 700 ms (the endpointer's trailing silence). Idempotent: a stamp records the inputs.
set -euo pipefail
root=${PARLEY_FIXTURES:-$(cd "$(dirname "$0")/../.." && pwd)/.data/fixtures}
out="$root/parleyd"
yes_text="yes"
yes_please_text="yes please"
barge_text="Yes please, I would really like that coupon, text it to me right now."
stamp="v2|$yes_text|$yes_please_text|$barge_text|pad 0.3 0.7"
files=(yes yes-please barge-in silence-1s)

up_to_date() {
  [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] || return 1
  local f
  for f in "${files[@]}"; do [ -s "$out/$f.ulaw" ] && [ -s "$out/$f.alaw" ] || return 1; done
}
if up_to_date; then
  echo "fixtures(parleyd): up to date"
  exit 0
fi
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "fixtures(parleyd): $tool is missing (run Scripts/bootstrap.sh)" >&2; exit 1; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

speak() {  # speak NAME TEXT
  local name=$1 text=$2
  espeak-ng -v en-us -s 150 -w "$tmp/$name.wav" "$text"
  # Trim espeak's own leading/trailing silence, then pad with a known amount.
  sox "$tmp/$name.wav" -r 8000 -c 1 -b 16 "$tmp/$name-8k.wav" gain -n -3 \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0.3 0.7
  sox -D "$tmp/$name-8k.wav" -t raw -e u-law -b 8 "$out/$name.ulaw"
  sox -D "$tmp/$name-8k.wav" -t raw -e a-law -b 8 "$out/$name.alaw"
}
speak yes "$yes_text"
speak yes-please "$yes_please_text"
speak barge-in "$barge_text"
sox -n -r 8000 -c 1 -b 16 "$tmp/silence-1s.wav" trim 0 1
sox -D "$tmp/silence-1s.wav" -t raw -e u-law -b 8 "$out/silence-1s.ulaw"
sox -D "$tmp/silence-1s.wav" -t raw -e a-law -b 8 "$out/silence-1s.alaw"
printf '%s' "$stamp" > "$out/stamp"
echo "fixtures(parleyd): wrote $out/{$(IFS=,; echo "${files[*]}")}.{ulaw,alaw}"
