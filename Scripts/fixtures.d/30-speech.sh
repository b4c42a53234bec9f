#!/usr/bin/env bash
# Speech fixtures for ParleySpeech's end-to-end tests and `parley bench speech`: each line
# of Tests/ParleySpeechTests/Fixtures/e2e-utterances.tsv is spoken by espeak-ng, resampled
# to 8 kHz, passed through G.711 μ-law (as on a telephone line) and stored as headerless
# 16-bit little-endian PCM at 8 kHz: $PARLEY_FIXTURES/speech/<id>.s16
# Idempotent: skips when the stamp (hash of the list and this script) matches.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="${PARLEY_FIXTURES:-$repo/.data/fixtures}"
list="$repo/Tests/ParleySpeechTests/Fixtures/e2e-utterances.tsv"
out="$fixtures/speech"
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "30-speech: $tool is missing (apt-get install espeak-ng sox)" >&2; exit 1; }
done
stamp="$(cat "$list" "$0" | sha1sum | cut -d' ' -f1)"
if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$stamp" ]]; then
  echo "30-speech: up to date"
  exit 0
fi
rm -rf "$out"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
count=0
while IFS=$'\t' read -r id expected voice speed text; do
  [[ -z "$id" || "$id" == \#* ]] && continue
  espeak-ng -v "$voice" -s "$speed" -w "$tmp/$id.wav" "$text"
  sox -q "$tmp/$id.wav" -r 8000 -c 1 -e u-law "$tmp/$id.ul.wav" pad 0.2 0.3
  sox -q "$tmp/$id.ul.wav" -e signed-integer -b 16 -L -t raw "$out/$id.s16"
  count=$((count + 1))
done < "$list"
cp "$list" "$out/utterances.tsv"
echo "$stamp" > "$out/.stamp"
echo "30-speech: $count utterances in $out"
