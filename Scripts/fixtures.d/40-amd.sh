#!/usr/bin/env bash
# Labelled answering-machine-detection set for ParleyCampaign's tests.
# Writes $PARLEY_FIXTURES/amd/<name>.raw (8 kHz mono signed 16-bit little-endian PCM,
# headerless, so tests read it with Foundation alone) and labels.tsv:
#   name <TAB> label (human|machine|unknown) <TAB> beep start in ms or "-" <TAB> beep end in ms or "-"
# Each clip starts at the moment the call is answered. Humans answer briefly after a short
# pause and then wait; machines play a greeting of various lengths, some followed by a beep;
# "unknown" clips are line noise or silence. Every clip carries a low noise floor.
# Idempotent: skips when the stamp matches this script's contents.
set -euo pipefail
command -v espeak-ng >/dev/null || { echo "40-amd: espeak-ng is missing (apt-get install -y espeak-ng)" >&2; exit 1; }
command -v sox >/dev/null || { echo "40-amd: sox is missing (apt-get install -y sox)" >&2; exit 1; }
root=${PARLEY_FIXTURES:-$(cd "$(dirname "$0")/../.." && pwd)/.data/fixtures}
out=$root/amd
stamp=$out/.stamp
want=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/labels.tsv" ]; then
  echo "40-amd: up to date"; exit 0
fi
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
labels=$out/labels.tsv.tmp; : > "$labels"

fmt=(-r 8000 -c 1 -b 16 -e signed-integer)
silence() { sox -n "${fmt[@]}" "$2" trim 0 "$1"; }                    # seconds, file
speak() {  # voice speed text file
  espeak-ng -v "$1" -s "$2" -w "$work/tts.wav" "$3"
  # trim espeak's own leading/trailing silence so the label timing is ours
  sox "$work/tts.wav" "${fmt[@]}" "$4" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse gain -n -3
}
tone() { sox -n "${fmt[@]}" "$3" synth "$2" sine "$1" gain -n -6; }     # hz seconds file
finish() {  # name parts... ; mixes a noise floor under the concatenation and writes raw PCM
  local name=$1; shift
  sox "$@" "${fmt[@]}" "$work/clip.wav"
  local len; len=$(soxi -D "$work/clip.wav")
  sox -n "${fmt[@]}" "$work/floor.wav" synth "$len" pinknoise gain -n -62
  sox -m "$work/clip.wav" "$work/floor.wav" "${fmt[@]}" -t raw -L "$out/$name.raw"
}

voices=(en-us en-gb+f3 en-us+m3 en-gb-x-rp+f2)
speeds=(165 150 180 160)

# Humans: a brief answer, then they wait for the caller to speak.
humans=("hello?" "yes, who is this?" "hello" "hi, who's calling?" "yeah?" "hello, yes?" "speaking." "hello, who is it?")
leads=(0.25 0.5 0.8 0.35)
i=0
for text in "${humans[@]}"; do
  for v in 0 1; do
    k=$(( (i + v) % 4 ))
    speak "${voices[$k]}" "${speeds[$k]}" "$text" "$work/s.wav"
    silence "${leads[$k]}" "$work/lead.wav"; silence 4 "$work/tail.wav"
    name=human-$i-$v
    finish "$name" "$work/lead.wav" "$work/s.wav" "$work/tail.wav"
    printf '%s\thuman\t-\t-\n' "$name" >> "$labels"
  done
  i=$((i + 1))
done

# Machines: greetings of various lengths, half of them followed by a beep.
machines=(
  "Hi, you have reached Anna. Please leave a message."
  "Hello, this is Mark. I can't take your call right now, leave your name and number after the tone."
  "You have reached the voicemail of extension two four one. Please leave a message after the tone."
  "The person you are calling is not available. Please record your message after the beep. When you are finished, hang up."
  "Hey, it's Sam, leave a message."
  "Thank you for calling. Nobody is available to take your call. Please leave your name, your number and a short message, and we will call you back as soon as possible."
  "Hi there, you've reached the Millers. We're out right now."
  "Please leave a message."
)
beeps=(1000 1400 850 1800 1000 1200 1500 1000)
i=0
for text in "${machines[@]}"; do
  for v in 0 1; do
    k=$(( (i + v + 1) % 4 ))
    speak "${voices[$k]}" "${speeds[$k]}" "$text" "$work/s.wav"
    silence 0.3 "$work/lead.wav"
    name=machine-$i-$v
    if [ $(( (i + v) % 2 )) -eq 0 ]; then
      silence 0.6 "$work/gap.wav"; tone "${beeps[$i]}" 0.4 "$work/beep.wav"; silence 2 "$work/tail.wav"
      finish "$name" "$work/lead.wav" "$work/s.wav" "$work/gap.wav" "$work/beep.wav" "$work/tail.wav"
      speech_ms=$(soxi -D "$work/s.wav" | awk '{printf "%d", $1 * 1000}')
      start=$(( 300 + speech_ms + 600 )); end=$(( start + 400 ))
      printf '%s\tmachine\t%d\t%d\n' "$name" "$start" "$end" >> "$labels"
    else
      silence 2 "$work/tail.wav"
      finish "$name" "$work/lead.wav" "$work/s.wav" "$work/tail.wav"
      printf '%s\tmachine\t-\t-\n' "$name" >> "$labels"
    fi
  done
  i=$((i + 1))
done

# Unknown: nobody speaks (line noise of several colours and levels, or near silence).
n=0
for spec in "whitenoise -40" "pinknoise -34" "brownnoise -30" "whitenoise -50" "pinknoise -45" "brownnoise -40"; do
  set -- $spec
  sox -n "${fmt[@]}" "$work/clip.wav" synth 6 "$1" gain -n "$2"
  sox "$work/clip.wav" "${fmt[@]}" -t raw -L "$out/noise-$n.raw"
  printf '%s\tunknown\t-\t-\n' "noise-$n" >> "$labels"
  n=$((n + 1))
done
silence 6 "$work/clip.wav"
sox -n "${fmt[@]}" "$work/floor.wav" synth 6 pinknoise gain -n -62
sox -m "$work/clip.wav" "$work/floor.wav" "${fmt[@]}" -t raw -L "$out/silence-0.raw"
printf 'silence-0\tunknown\t-\t-\n' >> "$labels"

mv "$labels" "$out/labels.tsv"
echo "$want" > "$stamp"
echo "40-amd: $(wc -l < "$out/labels.tsv") clips in $out"
