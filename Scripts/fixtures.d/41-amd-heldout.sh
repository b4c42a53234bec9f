#!/usr/bin/env bash
# Held-out answering-machine-detection set: made the same way as 40-amd.sh's set (espeak-ng
# speech, beeps, noise) but independent of it, so the detector's shipped thresholds (chosen
# on 40-amd's clips) are measured on audio they were never fitted to. Other voices, speeds,
# pitches and levels; other human answers and machine greetings (2-12 s); beeps of
# 800-1400 Hz and various lengths; some greetings over a music-like bed of tones; white,
# pink or brown noise at several SNRs; every clip through a G.711 mu-law round trip.
# Deterministic: one fixed seed per clip (Python's random.Random), sox run with -R.
#
# Writes $PARLEY_FIXTURES/amd-heldout/<name>.raw (8 kHz mono signed 16-bit little-endian
# PCM, headerless, starting at the moment of answer) and labels.tsv:
#   name <TAB> label (human|machine|unknown) <TAB> beep start ms or "-" <TAB> beep end ms or "-"
#   <TAB> speech ms (greeting or answer length; 0 for unknown) <TAB> description
# This script holds the set's voices, speeds, pitches, wordings and seeds; how a clip is made
# from them (make_humans, make_machines, make_unknowns: lead silence, repeats, levels, beeps,
# music beds, noise and SNRs) is in amd_clips.py, shared with 43-amd-fresh.sh and
# 44-amd-final.sh, as are the helpers under it (speech, beeps, music, noise, the floor and
# mu-law round trip), which 42-amd-dev.sh uses too.
# Idempotent: skips when the stamp matches this script, amd_set.bash and amd_clips.py.
set -euo pipefail
source "$(dirname "$0")/amd_set.bash"
amd_set_begin 41-amd-heldout amd-heldout espeak-ng sox python3

python3 -B - "$out" "$work" "$dir" <<'PY'
import sys

sys.path.insert(0, sys.argv[3])
from amd_clips import espeak_voices, make_humans, make_machines, make_unknowns, setup, write_labels

setup(sys.argv[1], sys.argv[2])

voices = ['en-gb-scotland+m7', 'en-029+f4', 'en-us-nyc+f1', 'en-gb-x-gbclan+m1', 'en-gb-x-gbcwmd+f5',
          'en+m2', 'en-us+f4', 'en-gb+m7']
speeds = [130, 145, 160, 175, 190, 205]
pitches = [25, 35, 45, 60, 70, 80]
say = espeak_voices(voices, speeds, pitches)

# Humans: a brief answer after a pause, then they wait for the caller. A few say it twice
# ("hello? ... hello?"), as people do when nobody answers.
humans = ["hello?", "yes, who is this?", "hi", "Maria speaking.", "hello, Maria speaking.", "yes?",
          "good afternoon.", "hi there.", "who's this?", "hello, this is Tom.", "uh, hello?", "yes, hello?",
          "Johnson residence.", "hey.", "David here.", "hello, yes, go ahead.", "mhm, hello?", "sorry, who?"]
make_humans(humans, 4100, say)

# Machines: greetings of various wordings and lengths; half end with a beep (800-1400 Hz);
# some play over a music-like bed.
machines = [
    "Leave a message.",
    "Not here, leave a message.",
    "Hi, this is Carla, please leave a message.",
    "You've reached Tom and Lisa. Leave us a message.",
    "Hello, you have reached the office of Doctor Patel. Please leave a message.",
    "Hi, it's Jordan. I'm away from my phone, so leave a message and I'll get back to you.",
    "Your call has been forwarded to an automated voice messaging system. The person is not available.",
    "Welcome to the mailbox of Peter Novak. I am out of the office until Monday. For urgent matters please call reception.",
    "Hello and thank you for calling Green Valley Dental. Our office is currently closed. Our opening hours are Monday to Friday, nine to five.",
    "Hi! You've reached Emma and the kids. We can't come to the phone right now, but if you leave your name, your number and a short message, we'll call you back as soon as we can. Thanks, and have a great day!",
    "The mailbox you have dialled is full.",
    "This is the voice mail of four five five, one two three four. Please leave a message after the tone, then press pound.",
    "Hey, Mike here. Text me instead.",
    "Thank you for calling Riverside Insurance. All of our agents are busy helping other customers. Please stay on the line, or leave a message with your policy number and we will return your call within one business day.",
    "Sorry I missed you. Leave a message.",
    "You have reached a number that is not monitored. Please leave a brief message.",
    "Hello, this is Ana, I'm driving. Leave a message.",
    "Good day, you have reached the Henderson family. We are not home at the moment. Please leave a message after the beep.",
]
make_machines(machines, 4300, say)

# Unknown: nobody speaks: line noise of several colours and levels, mains hum, near silence.
make_unknowns(4700)

write_labels()
PY
amd_set_end
