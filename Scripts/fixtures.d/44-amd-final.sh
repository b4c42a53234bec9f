#!/usr/bin/env bash
# Final answering-machine-detection set: the last independent measurement set, made after
# the detector's settings were frozen, exactly as the project's issue describes its test
# set: "a generated labelled set (espeak-ng humans answering briefly; machine greetings of
# various lengths, with and without a beep; noise)". None of its clips, wordings, voices or
# seeds were seen while the detector was built or tuned (40-amd.sh's set tuned it,
# 42-amd-dev.sh's was searched with it, 41-amd-heldout.sh's and 43-amd-fresh.sh's results
# were read along the way). Made the way 41-amd-heldout.sh's set is (the same kinds of
# clips; the same distributions of lead silence, repeats, levels, speeds, pitches, beeps,
# music beds, noise and SNRs; the same low pink floor and G.711 mu-law round trip) but as an
# independent draw: other seeds; 18 other human answers of one to five words, the way people
# pick up a phone; 18 other machine greetings (about 1-12 s: personal voicemail, business
# after hours, carrier and mailbox messages, a few very short ones); and eight espeak-ng
# voice+variant pairs none of the other sets use (espeak-ng only, no flite).
# Deterministic: one fixed seed per clip (Python's random.Random), sox run with -R.
#
# Writes $PARLEY_FIXTURES/amd-final/<name>.raw (8 kHz mono signed 16-bit little-endian
# PCM, headerless, starting at the moment of answer) and labels.tsv, in 41-amd-heldout.sh's
# format:
#   name <TAB> label (human|machine|unknown) <TAB> beep start ms or "-" <TAB> beep end ms or "-"
#   <TAB> speech ms (greeting or answer length; 0 for unknown) <TAB> description
# This script holds the set's voices, speeds, pitches, wordings and seeds; how a clip is made
# from them (make_humans, make_machines, make_unknowns: lead silence, repeats, levels, beeps,
# music beds, noise and SNRs) is in amd_clips.py, shared with 41-amd-heldout.sh and
# 43-amd-fresh.sh, as are the helpers under it (speech, beeps, music, noise, the floor and
# mu-law round trip), which 42-amd-dev.sh uses too.
# Idempotent: skips when the stamp matches this script, amd_set.bash and amd_clips.py.
set -euo pipefail
source "$(dirname "$0")/amd_set.bash"
amd_set_begin 44-amd-final amd-final espeak-ng sox python3

python3 -B - "$out" "$work" "$dir" <<'PY'
import sys

sys.path.insert(0, sys.argv[3])
from amd_clips import espeak_voices, make_humans, make_machines, make_unknowns, setup, write_labels

setup(sys.argv[1], sys.argv[2])

# espeak-ng voices with variants none of the other sets use, four male and four female. Not
# "en-gb+<variant>": this espeak-ng ignores a variant on "en-gb" (and falls back silently on
# an unknown variant name); each pair below was checked to change the audio of its base voice.
voices = ['en-us+m6', 'en+steph2', 'en-029+john', 'en-gb-scotland+anika', 'en-gb-x-rp+travis',
          'en-us-nyc+steph3', 'en-gb-x-gbclan+quincy', 'en-gb-x-gbcwmd+grandma']
speeds = [130, 145, 160, 175, 190, 205]
pitches = [25, 35, 45, 60, 70, 80]
say = espeak_voices(voices, speeds, pitches)

# Humans: a brief answer (one to five words) after a pause, then they wait for the caller.
# A few say it twice (with a 1.0-1.6 s gap), as people do when nobody answers.
humans = ["hullo?", "yup, hello?", "Frank speaking.", "hi, it's Sam.", "who's that, then?", "Reyes household, hello.",
          "uh, yes?", "hiya, who's this?", "hello, Nora here.", "hey, what is it?", "yeah, I'm listening.", "Fischer.",
          "hello there?", "hey, hello?", "sorry, hello?", "good morning, Lin speaking.", "yes, I'm here.", "this is Amir."]
make_humans(humans, 6100, say)

# Machines: greetings from a few words to long announcements (personal voicemail, business
# after hours, carrier and mailbox messages); half end with a beep (800-1400 Hz); some play
# over a music-like bed.
machines = [
    "Not here. Talk after the beep.",
    "It's Theo. Talk to me.",
    "Hi, you've reached Sofia's phone. Say something nice.",
    "This line is temporarily unable to take your call. Please call back later.",
    "Hello, you have reached the Brennan household. Nobody can pick up at the moment, so please leave your details.",
    "Thank you for calling Oakridge Plumbing. Our office hours are seven to four, Monday through Friday. For emergency repairs, press one now.",
    "Sorry, nobody's home.",
    "The mobile subscriber is out of coverage. Please record a message after the signal.",
    "Hey! It's Lena. I'm out of signal, probably hiking. Back on Sunday.",
    "You have reached the voice message service for extension two four six. Please state your name and the reason for your call.",
    "Greetings. You've reached Harbor View Realty. Our agents are out showing properties today. Leave your name and number, and one of us will get back to you this afternoon.",
    "Yo, it's Danny. Do your thing.",
    "Please record your message for Carol Dawson, and she will return your call.",
    "Welcome to the Westfield Public Library. The library is now closed. Our regular hours are ten to eight, Tuesday through Saturday. Renewals can be made online at any time.",
    "The customer you are calling is not accepting calls at this time.",
    "Hi, Grace and Oliver can't come to the phone. Wait for the tone.",
    "You've reached City Dental Group. We're closed for the holiday weekend and reopen Tuesday at eight. If this is an emergency, call five five five, two one nine eight.",
    "Voice messaging. Mailbox two one one.",
]
make_machines(machines, 6300, say)

# Unknown: nobody speaks: line noise of several colours and levels, mains hum, near silence.
make_unknowns(6700)

write_labels()
PY
amd_set_end
