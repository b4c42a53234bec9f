#!/usr/bin/env bash
# Generates the demo's placeholder prompt recordings with espeak-ng, as 8 kHz mono
# G.711 µ-law WAV files (the telephone format, half the size of 16-bit PCM) under
# prompts/. The transcripts below are what each file says; they match the `text:` of the prompts in member-care.yaml. Real deployments replace these
# files with studio recordings of the same text.
# Needs: espeak-ng, sox. Idempotent: existing files are kept (use --force to redo).
set -euo pipefail
cd "$(dirname "$0")"
force=${1:-}
voice=${ESPEAK_VOICE:-en-us}
mkdir -p prompts/say prompts/names

say() {  # say FILE TEXT
  local out=prompts/$1 text=$2
  [ -f "$out" ] && [ "$force" != "--force" ] && return 0
  local tmp; tmp=$(mktemp --suffix=.wav)
  espeak-ng -v "$voice" -s 165 -w "$tmp" "$text"
  sox "$tmp" -r 8000 -c 1 -e u-law "$out" gain -n -3 silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  rm -f "$tmp"
}

# Prompts (file → transcript).
say hello-1.wav "Hi"
say hello-2.wav "this is Maple Pharmacy member care, calling with a birthday gift for you."
say offer-a-1.wav "We have a birthday coupon worth"
say offer-a-2.wav "dollars off your next visit. Would you like us to text it to you? Press 1 for yes or 2 for no."
say offer-b-1.wav "To celebrate your birthday, we would love to send you"
say offer-b-2.wav "dollars off. Shall I text the coupon to you? Press 1 for yes or 2 for no."
say offer-unclear.wav "Sorry, I didn't catch that. Would you like the coupon? You can say yes or no, or press 1 or 2."
say offer-unclear-2.wav "Just say yes to get your coupon by text message, or no if you don't want it."
say offer-silence.wav "Are you still there? Would you like your birthday coupon?"
say one-moment.wav "Great, one moment while I send it."
say coupon-sent.wav "Done. We've just texted your coupon. Happy birthday, and have a wonderful day!"
say send-failed.wav "I'm sorry, I couldn't send the text just now. Let me connect you with someone who can help."
say goodbye-decline.wav "No problem at all. Thank you for being a member, and happy birthday. Goodbye!"
say busy.wav "I understand you're busy. We'll try you another time. Goodbye!"
say who.wav "This is the member care line of Maple Pharmacy. We're calling our members about a birthday coupon."
say price-1.wav "It costs you nothing. The coupon is worth"
say price-2.wav "dollars off your next visit."
say transferring.wav "Of course. Let me connect you with a member care agent. Please hold."
say dnc.wav "I'm sorry for the trouble. We'll take your number off our call list. Goodbye."
say apology.wav "I'm very sorry to have bothered you. We'll let you go now. Goodbye."
say no-response.wav "It seems this isn't a good time. We'll try again later. Goodbye."

# Member names spoken in the greeting (names/<lowercased>.wav).
for n in Alice Bob Maria Wei James; do say "names/${n,,}.wav" "$n"; done

# Number vocabulary for `say: … as: number` (say/<word>.wav) and digits (say/digit-N.wav).
for w in zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen \
         sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety \
         hundred thousand million; do
  say "say/$w.wav" "$w"
done
for d in 0 1 2 3 4 5 6 7 8 9; do say "say/digit-$d.wav" "$d"; done
echo "prompts: $(find prompts -name '*.wav' | wc -l) files, $(du -sh prompts | cut -f1)"
