#!/usr/bin/env bash
# Generates the simulated callers' speech, as 8 kHz mono 16-bit WAV under speech/: a US
# English male voice (flite's rms), a different voice from the bot's prompts. The demo's
# recognizer has a US English model; espeak-ng's formant voices (en-gb+m3 until now) were
# misheard by it on words a person is understood saying ("no thanks" as "nope" with
# "thanks" taken for silence). Idempotent: existing files are kept (use --force to redo).
# Needs: flite (or espeak-ng with CALLER_TTS=espeak-ng), sox.
set -euo pipefail
cd "$(dirname "$0")"
force=${1:-}
tts=${CALLER_TTS:-flite}
voice=${CALLER_VOICE:-$([ "$tts" = flite ] && echo rms || echo en-gb+m3)}
mkdir -p speech

say() {  # say FILE TEXT
  local out=speech/$1 text=$2
  [ -f "$out" ] && [ "$force" != "--force" ] && return 0
  local tmp; tmp=$(mktemp --suffix=.wav)
  if [ "$tts" = flite ]; then
    flite -voice "$voice" -t "$text" -o "$tmp"
  else
    espeak-ng -v "$voice" -s 150 -w "$tmp" "$text"
  fi
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
