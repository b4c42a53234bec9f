#!/usr/bin/env bash
# Fresh answering-machine-detection set: a fourth labelled set, independent of the three
# before it, all of which have been looked at while the detector's thresholds were chosen
# (40-amd.sh's tuned them, 42-amd-dev.sh's was searched with them, 41-amd-heldout.sh's
# results were read along the way). It exists to measure the shipped detector on audio
# never used to choose its thresholds. Made the way 41-amd-heldout.sh's set is (the same
# kinds of clips; the same distributions of lead silence, repeats, levels, beeps, music
# beds, noise and SNRs; the same low pink floor and G.711 mu-law round trip) but as an
# independent draw: other seeds, other human answers and machine greetings (1-12 s:
# personal voicemail, business after hours, carrier mailbox messages), espeak-ng variants
# none of the other sets use, and about a third of the clips spoken by flite (kal, awb,
# rms, slt; speed varied with sox's tempo, since flite has no pitch or rate option).
# Deterministic: one fixed seed per clip (Python's random.Random), sox run with -R.
#
# Writes $PARLEY_FIXTURES/amd-fresh/<name>.raw (8 kHz mono signed 16-bit little-endian
# PCM, headerless, starting at the moment of answer) and labels.tsv, in 41-amd-heldout.sh's
# format:
#   name <TAB> label (human|machine|unknown) <TAB> beep start ms or "-" <TAB> beep end ms or "-"
#   <TAB> speech ms (greeting or answer length; 0 for unknown) <TAB> description
# This script holds the set's voices (flite's speech is made here), wordings and seeds; how a
# clip is made from them (make_humans, make_machines, make_unknowns: lead silence, repeats,
# levels, beeps, music beds, noise and SNRs) is in amd_clips.py, shared with 41-amd-heldout.sh
# and 44-amd-final.sh, as are the helpers under it (espeak-ng speech, beeps, music, noise, the
# floor and mu-law round trip), which 42-amd-dev.sh uses too.
# Idempotent: skips when the stamp matches this script, amd_set.bash and amd_clips.py.
set -euo pipefail
source "$(dirname "$0")/amd_set.bash"
amd_set_begin 43-amd-fresh amd-fresh espeak-ng flite sox python3

python3 -B - "$out" "$work" "$dir" <<'PY'
import os, sys

out, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from amd_clips import espeak_voices, make_humans, make_machines, make_unknowns, run, setup, to_8k, write_labels

setup(out, work)

def flite(voice, tempo, text):
    """flite utterance, its speed changed by sox's tempo (pitch kept)."""
    wav = os.path.join(work, 'tts.wav')
    run('flite', '-voice', voice, '-t', text, '-o', wav)
    return to_8k(wav, *([] if tempo == 1.0 else ['tempo', '-s', str(tempo)]))

# espeak-ng voices with variants none of the other sets use (en-gb+<variant> is avoided:
# this espeak-ng ignores a variant on "en-gb", "en+<variant>" applies it), and flite's voices.
voices = ['en-us+Alex', 'en-gb-x-rp+Andrea', 'en-029+Hugo', 'en+Jacky', 'en-gb-scotland+Lee',
          'en-us-nyc+Michael', 'en+Alicia', 'en-gb-x-gbclan+david', 'en-us+steph', 'en-gb-x-gbcwmd+max']
flite_voices = ['kal', 'awb', 'rms', 'slt']
speeds = [135, 150, 165, 180, 195, 210]
pitches = [30, 40, 50, 55, 65, 75]
tempos = [0.88, 0.94, 1.0, 1.06, 1.12, 1.2]
espeak = espeak_voices(voices, speeds, pitches)

def say(rng, i, v, text):
    """One clip's voice: every third clip (by position in its list) is flite's, the rest espeak-ng's.
    Returns the unscaled utterance and its description. This set draws a clip's level and SNR
    before its voice (voice_first=False below), 41's and 44's after."""
    if (2 * i + v) % 3 == 1:
        voice, tempo = rng.choice(flite_voices), rng.choice(tempos)
        return flite(voice, tempo, text), f'voice=flite:{voice} tempo={tempo}'
    return espeak(rng, i, v, text)

# Humans: a brief answer after a pause, then they wait for the caller. A few say it twice
# (with a 1.0-1.6 s gap), as people do when nobody answers.
humans = ["hi, this is Priya.", "hello, who am I speaking to?", "yeah, what's up?", "hello, Kowalski residence.",
          "hm? hello?", "hello, anybody there?", "this is Greg.", "hey, what's going on?",
          "Sunrise Bakery, how can I help?", "yes, this is she.", "yeah, hi?", "hello? can you hear me?",
          "Ahmed here, go on.", "hi, sorry, I was out in the garden.", "yello.", "good evening, Walsh speaking.",
          "oh, hi.", "hi, who's there?"]
make_humans(humans, 5100, say, voice_first=False)

# Machines: greetings from a few words to long announcements (personal, business after hours,
# carrier mailboxes); half end with a beep (800-1400 Hz); some play over a music-like bed.
machines = [
    "Leave it at the beep.",
    "Hi, you've got Owen. Leave a message.",
    "The mobile customer you have called is unavailable. Please leave a message after the tone.",
    "Voicemail. Go ahead.",
    "Hey, it's Marcus. I'm probably at the gym, so leave your name and I'll ring you back.",
    "Thank you for calling Northgate Veterinary Clinic. We are now closed. If your pet needs urgent care, please call the emergency animal hospital. Otherwise, leave a message and we will call you back tomorrow morning.",
    "You've reached the Nguyen family. Please speak after the tone.",
    "The voice mailbox for seven one eight, two zero four, nine nine three one has not been set up yet. Goodbye.",
    "Busy right now. Leave a message.",
    "You have reached the after hours line of Hamilton and Burke Accountants. Our office is open weekdays from eight thirty to five. Please leave your name, number and a brief message.",
    "Hiya, Jess here! Can't get to the phone, so you know the drill.",
    "Welcome to voicemail. The person at extension three one seven is on another call or away from the desk.",
    "Hello, you've reached Beth and Raj. We're away on holiday until the twentieth. Leave a message and we'll call when we're back.",
    "Record your message at the tone.",
    "Good morning, Lakeside Hotel reservations. Our team is currently unavailable. Please leave your booking reference and a contact number, and someone will return your call shortly.",
    "Sorry, the mailbox of the person you are trying to reach is full and cannot accept new messages. Goodbye.",
    "Hi, this is Doctor Okafor's office. We're at lunch until two o'clock.",
    "Thanks for calling Metro Cable. Our wait times are longer than usual today. To request a callback, stay on the line and speak after the tone.",
]
make_machines(machines, 5300, say, voice_first=False)

# Unknown: nobody speaks: line noise of several colours and levels, mains hum, near silence.
make_unknowns(5700)

write_labels()
PY
amd_set_end
