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
# The helpers (speech, beeps, music, noise, the floor and mu-law round trip) are in
# amd_clips.py, shared with 42-amd-dev.sh and 43-amd-fresh.sh.
# Idempotent: skips when the stamp matches the contents of this script and amd_clips.py.
set -euo pipefail
for tool in espeak-ng sox python3; do
  command -v "$tool" >/dev/null || { echo "41-amd-heldout: $tool is missing (apt-get install -y espeak-ng sox python3)" >&2; exit 1; }
done
dir=$(cd "$(dirname "$0")" && pwd)
root=${PARLEY_FIXTURES:-$(cd "$dir/../.." && pwd)/.data/fixtures}
out=$root/amd-heldout
stamp=$out/.stamp
want=$(cat "$0" "$dir/amd_clips.py" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/labels.tsv" ]; then
  echo "41-amd-heldout: up to date"; exit 0
fi
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

python3 -B - "$out" "$work" "$dir" <<'PY'
import math, random, sys

sys.path.insert(0, sys.argv[3])
from amd_clips import RATE, add_noise, db, music, noise, rms, setup, silence, speak, tone, write, write_labels

setup(sys.argv[1], sys.argv[2])

voices = ['en-gb-scotland+m7', 'en-029+f4', 'en-us-nyc+f1', 'en-gb-x-gbclan+m1', 'en-gb-x-gbcwmd+f5',
          'en+m2', 'en-us+f4', 'en-gb+m7']
speeds = [130, 145, 160, 175, 190, 205]
pitches = [25, 35, 45, 60, 70, 80]
levels_db = [-3, -6, -10, -14]
snrs = [None, 30, 20, 15, 10]

# Humans: a brief answer after a pause, then they wait for the caller. A few say it twice
# ("hello? ... hello?"), as people do when nobody answers.
humans = ["hello?", "yes, who is this?", "hi", "Maria speaking.", "hello, Maria speaking.", "yes?",
          "good afternoon.", "hi there.", "who's this?", "hello, this is Tom.", "uh, hello?", "yes, hello?",
          "Johnson residence.", "hey.", "David here.", "hello, yes, go ahead.", "mhm, hello?", "sorry, who?"]
for i, text in enumerate(humans):
    for v in range(2):
        seed = 4100 + 10 * i + v
        rng = random.Random(seed)
        voice, speed, pitch = rng.choice(voices), rng.choice(speeds), rng.choice(pitches)
        level, snr = rng.choice(levels_db), rng.choice(snrs)
        utter = [db(level) * s for s in speak(voice, speed, pitch, text)]
        twice = (i + v) % 6 == 5
        lead = rng.uniform(0.2, 1.2)
        body = silence(lead) + utter
        if twice:
            body += silence(rng.uniform(1.0, 1.6)) + utter
        body += silence(4.0)
        desc = f'voice={voice} speed={speed} pitch={pitch} level={level}dB'
        if snr is not None:
            body, kind = add_noise(rng, body, rms(utter), snr)
            desc += f' noise={kind}@{snr}dB'
        if twice:
            desc += ' twice'
        write(f'human-{i:02d}-{v}', 'human', body, None, len(utter) * 1000 // RATE, desc, rng)

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
beep_hz = [800, 850, 900, 950, 1000, 1050, 1100, 1200, 1300, 1400]
for i, text in enumerate(machines):
    for v in range(2):
        seed = 4300 + 10 * i + v
        rng = random.Random(seed)
        voice, speed, pitch = rng.choice(voices), rng.choice(speeds), rng.choice(pitches)
        level, snr = rng.choice(levels_db), rng.choice(snrs)
        greeting = [db(level) * s for s in speak(voice, speed, pitch, text)]
        lead = rng.uniform(0.1, 0.6)
        body = silence(lead) + greeting
        desc = f'voice={voice} speed={speed} pitch={pitch} level={level}dB'
        beep = None
        if (i + v) % 2 == 0:
            gap = rng.uniform(0.3, 1.0)
            hz, dur, peak = rng.choice(beep_hz), rng.uniform(0.25, 1.0), db(rng.choice([-6, -9, -12]))
            start_ms = int(round((lead + len(greeting) / RATE + gap) * 1000))
            body += silence(gap)
            beep_samples = tone(rng, hz, dur, peak)
            body += beep_samples
            beep = (start_ms, start_ms + len(beep_samples) * 1000 // RATE)
            desc += f' beep={hz}Hz/{len(beep_samples) * 1000 // RATE}ms'
        body += silence(2.0)
        if (i + 2 * v) % 3 == 0:
            # music under the greeting only (ends with the greeting, before any beep)
            end = int((lead + len(greeting) / RATE) * RATE)
            bed_db = rng.choice([-14, -18, -24])
            bed = music(rng, end, rms(greeting) * db(bed_db) * 2.5)
            body = [s + (bed[k] if k < end else 0.0) for k, s in enumerate(body)]
            desc += f' music={bed_db}dB'
        if snr is not None:
            body, kind = add_noise(rng, body, rms(greeting), snr)
            desc += f' noise={kind}@{snr}dB'
        write(f'machine-{i:02d}-{v}', 'machine', body, beep, len(greeting) * 1000 // RATE, desc, rng)

# Unknown: nobody speaks: line noise of several colours and levels, mains hum, near silence.
unknowns = [('white', -38), ('pink', -30), ('brown', -26), ('white', -52), ('pink', -44), ('brown', -36),
            ('hum', -30), ('hum', -42), ('silence', None), ('pink', -36)]
for n, (kind, level) in enumerate(unknowns):
    rng = random.Random(4700 + n)
    count = 6 * RATE
    if kind == 'silence':
        body, desc = [0.0] * count, 'silence'
    elif kind == 'hum':
        hz = rng.choice([50, 60])
        body = [db(level) * math.sqrt(2) * (math.sin(2 * math.pi * hz * k / RATE) + 0.3 * math.sin(2 * math.pi * 3 * hz * k / RATE))
                for k in range(count)]
        desc = f'hum={hz}Hz@{level}dBFS'
    else:
        body = [db(level) * v for v in noise(rng, kind, count)]
        desc = f'noise={kind}@{level}dBFS'
    write(f'unknown-{n:02d}', 'unknown', body, None, 0, desc, rng)

write_labels()
PY
echo "$want" > "$stamp"
echo "41-amd-heldout: $(wc -l < "$out/labels.tsv") clips in $out"
