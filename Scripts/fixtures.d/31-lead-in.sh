#!/usr/bin/env bash
# Speech for the embedded recognizer's compound second pass (CompoundSecondPassTests): each
# line of Tests/ParleySpeechTests/Fixtures/lead-in-utterances.tsv spoken by flite's kal, awb
# and slt voices and by espeak-ng en-us, trimmed, at 8 kHz 16-bit mono:
# $PARLEY_FIXTURES/lead-in/NNN_<expected>_<voice>.wav
# Deterministic (sox -R: fixed dither seed). Idempotent: skips when the stamp (hash of the
# list and this script) matches.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="${PARLEY_FIXTURES:-$repo/.data/fixtures}"
list="$repo/Tests/ParleySpeechTests/Fixtures/lead-in-utterances.tsv"
out="$fixtures/lead-in"
for tool in flite espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "31-lead-in: $tool is missing (apt-get install flite espeak-ng sox)" >&2; exit 1; }
done
stamp="$(cat "$list" "$0" | sha1sum | cut -d' ' -f1)"
if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$stamp" ]]; then
  echo "31-lead-in: up to date"
  exit 0
fi
rm -rf "$out"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
trim() { sox -R "$1" -r 8000 -c 1 -b 16 "$2" gain -n -6 silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse; }
index=0
while IFS=$'\t' read -r expected text; do
  [[ -z "$expected" || "$expected" == \#* ]] && continue
  for voice in kal awb slt espeak; do
    index=$((index + 1))
    name="$(printf '%03d_%s_%s' "$index" "$expected" "$voice")"
    if [[ "$voice" == espeak ]]; then
      espeak-ng -v en-us -s 160 -w "$tmp/raw.wav" "$text"
    else
      flite -voice "$voice" -t "$text" -o "$tmp/raw.wav"
    fi
    trim "$tmp/raw.wav" "$out/$name.wav"
  done
done < "$list"
echo "$stamp" > "$out/.stamp"
echo "31-lead-in: $index clips in $out"
