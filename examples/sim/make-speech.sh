#!/usr/bin/env bash
# Generates the simulated callers' speech with espeak-ng (a different voice from the
# bot's prompts), as 8 kHz mono 16-bit WAV under speech/. Idempotent: existing files are
# kept (use --force to redo). Needs: espeak-ng, sox.
set -euo pipefail
cd "$(dirname "$0")"
force=${1:-}
voice=${ESPEAK_VOICE:-en-gb+m3}
mkdir -p speech

say() {  # say FILE TEXT
  local out=speech/$1 text=$2
  [ -f "$out" ] && [ "$force" != "--force" ] && return 0
  local tmp; tmp=$(mktemp --suffix=.wav)
  espeak-ng -v "$voice" -s 150 -w "$tmp" "$text"
  sox "$tmp" -r 8000 -c 1 -b 16 "$out" gain -n -6 silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  rm -f "$tmp"
}

say yes-please.wav "yes please"
say yes.wav "yes"
say sure.wav "sure"
say no-thanks.wav "no thanks"
say no.wav "no"
say driving.wav "sorry I'm driving, call me later"
say who-is-this.wav "who is this?"
say how-much.wav "how much is the coupon"
say repeat.wav "can you repeat that"
say weather.wav "the weather is lovely"
say elephants.wav "purple elephants"
say banana.wav "banana"
say real-person.wav "can I speak to a real person"
say stop-calling.wav "stop calling me"
say ridiculous.wav "this is ridiculous"
say long-story.wav "well, you know, I was just thinking about the shopping list for the weekend and the car needs washing too"
echo "speech: $(find speech -name '*.wav' | wc -l) files, $(du -sh speech | cut -f1)"
