#!/usr/bin/env bash
# Development answering-machine-detection set: the third labelled set, the one the
# detector's thresholds are tuned on (with 40-amd.sh's), so that 41-amd-heldout.sh's set
# stays unseen. Made like the others (espeak-ng speech, beeps, noise, G.711 mu-law round
# trip) but with other voices (espeak-ng's named variants), wordings, speeds and levels:
# slow humans (up to 1.5 s before they speak, answers up to ~2.5 s, some repeating
# themselves), short machine greetings (one to four words), greetings over music beds
# (plucked chords or a square-wave melody, under the greeting only or from the moment of
# answer through the beep), beeps of 600-2000 Hz, a few humans with a radio behind them.
# Built for speed: sox synthesises noise, music and tones; Python only mixes.
# Deterministic: one fixed seed per clip (Python's random.Random), sox run with -R.
#
# Writes $PARLEY_FIXTURES/amd-dev/<name>.raw (8 kHz mono signed 16-bit little-endian PCM,
# headerless, starting at the moment of answer) and labels.tsv, in 41-amd-heldout.sh's format:
#   name <TAB> label (human|machine|unknown) <TAB> beep start ms or "-" <TAB> beep end ms or "-"
#   <TAB> speech ms (answer or greeting length; 0 for unknown) <TAB> description
# The helpers shared with 41-amd-heldout.sh and 43-amd-fresh.sh (espeak-ng speech, the mu-law
# round trip, labels) are in amd_clips.py; the sox-made noise, tones and music are here.
# Idempotent: skips when the stamp matches this script, amd_set.bash and amd_clips.py.
set -euo pipefail
source "$(dirname "$0")/amd_set.bash"
amd_set_begin 42-amd-dev amd-dev espeak-ng sox python3

python3 -B - "$out" "$work" "$dir" <<'PY'
import math, os, random, sys

out, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from amd_clips import RATE, RAW, db, read_raw, rms, run, save, setup, silence, speak, write_labels

setup(out, work)

def sox_samples(*effects_or_inputs):
    """Runs sox (repeatable, -R) into a raw file and returns the samples scaled to ±1."""
    path = os.path.join(work, 'sox.raw')
    run('sox', '-R', *effects_or_inputs[0], *RAW, path, *effects_or_inputs[1])
    return [x / 32768 for x in read_raw(path)]

# Long unit-RMS noise beds, made once; clips take seeded slices of them.
NOISE_S = 12
def bed(kind):
    s = sox_samples(['-n'], ['synth', str(NOISE_S), kind])
    r = math.sqrt(sum(v * v for v in s) / len(s))
    return [v / r for v in s]
beds = {k: bed(k) for k in ('whitenoise', 'pinknoise', 'brownnoise')}

def noise(rng, kind, n):
    src = beds[kind]
    start = rng.randrange(0, len(src) - n) if n < len(src) else 0
    return (src[start:start + n] + [0.0] * n)[:n]

def tone(hz, seconds, peak):
    n = int(round(seconds * RATE))
    s = sox_samples(['-n'], ['synth', '%.4f' % (n / RATE), 'sine', str(hz), 'fade', 't', '0.004', '0', '0.004'])
    return [peak * v for v in s[:n]] + [0.0] * max(0, n - len(s))

def music(rng, n, style):
    """Unit-RMS music bed of n samples: plucked chords changing every 0.4-0.9 s, or a
    square-wave melody of 0.15-0.35 s notes over a held bass note."""
    notes = [174.6, 185.0, 207.7, 233.1, 277.2, 311.1, 370.0, 415.3, 466.2, 554.4, 622.3, 740.0]
    s = []
    while len(s) < n:
        if style == 'pluck':
            length = rng.uniform(0.4, 0.9)
            chord = rng.sample(notes, 3)
            synth = ['synth', '%.3f' % length] + [w for hz in chord for w in ('pluck', str(hz))]
            s += sox_samples(['-n'], synth + ['remix', '-', 'fade', 't', '0.01', '0', '0.05'])
        else:
            bass = rng.choice(notes[:4]) / 2
            for _ in range(rng.randint(3, 6)):
                length = rng.uniform(0.15, 0.35)
                hz = rng.choice(notes[4:])
                s += sox_samples(['-n'], ['synth', '%.3f' % length, 'square', str(hz), 'sine', str(bass),
                                          'remix', '-', 'lowpass', '1800', 'fade', 't', '0.01', '0', '0.03'])
    s = s[:n]
    r = math.sqrt(sum(v * v for v in s) / max(1, len(s))) or 1.0
    return [v / r for v in s]

def mix(body, extra, gain, at=0):
    for k, v in enumerate(extra):
        if at + k < len(body):
            body[at + k] += gain * v

def write(name, label, body, beep, speech_ms, desc, rng):
    """save(), after a low line floor (a slice of the pink bed at -64 dBFS) under everything."""
    mix(body, noise(rng, 'pinknoise', len(body)), db(-64))
    save(name, label, body, beep, speech_ms, desc)

def add_noise(rng, body, speech_rms, snr, desc):
    if snr is None:
        return desc
    kind = rng.choice(['whitenoise', 'pinknoise', 'brownnoise'])
    mix(body, noise(rng, kind, len(body)), speech_rms * db(-snr))
    return desc + f' noise={kind[:-5]}@{snr}dB'

voices = ['en-us+Annie', 'en-gb+belinda', 'en-029+announcer', 'en-gb-x-rp+grandpa', 'en-us-nyc+caleb',
          'en-gb-scotland+linda', 'en-gb-x-gbcwmd+adam', 'en+klatt3', 'en-us+edward', 'en-gb+aunty']
speeds = [120, 140, 155, 170, 185, 200, 220]
pitches = [20, 30, 40, 50, 65, 75, 90]
levels_db = [-2, -5, -8, -12, -16]
snrs = [None, None, 35, 25, 18, 12]

# Humans: an answer after a pause of 0.2-1.5 s, then they wait for the caller; some say it
# again after 1.0-1.8 s of nobody answering; a few have a radio playing behind them.
humans = ["hello", "yeah, hello?", "hi, this is Karen.", "good morning, Smith's.", "speaking.",
          "yes, can I help you?", "Bob's phone.", "what?", "hello, who's calling please?", "hiya.",
          "it's Jenny.", "hello, Patterson household, Margaret speaking.", "yep?", "evening.", "um, yes?",
          "go ahead.", "hello, this is doctor Rivera.", "yes, hello, who is it?"]
for i, text in enumerate(humans):
    for v in range(2 if i < 12 else 1):
        rng = random.Random(4200 + 10 * i + v)
        voice, speed, pitch = rng.choice(voices), rng.choice(speeds), rng.choice(pitches)
        level, snr = rng.choice(levels_db), rng.choice(snrs)
        utter = [db(level) * s for s in speak(voice, speed, pitch, text, gap=rng.choice([0, 1, 3]))]
        lead = rng.uniform(0.2, 1.5)
        twice = (i + v) % 5 == 4
        body = silence(lead) + utter
        if twice:
            body += silence(rng.uniform(1.0, 1.8)) + utter
        body += silence(3.2)
        desc = f'voice={voice} speed={speed} pitch={pitch} level={level}dB lead={int(lead * 1000)}ms'
        if (i + 3 * v) % 9 == 4:
            bed_db = rng.choice([-26, -32])
            mix(body, music(rng, len(body), rng.choice(['pluck', 'square'])), rms(utter) * db(bed_db))
            desc += f' radio={bed_db}dB'
        desc = add_noise(rng, body, rms(utter), snr, desc)
        if twice:
            desc += ' twice'
        write(f'human-{i:02d}-{v}', 'human', body, None, len(utter) * 1000 // RATE, desc, rng)

# Machines: greetings from one word to long announcements; about half end with a beep;
# some over music (under the greeting only, or from answer until the beep).
machines = [
    "Leave it at the tone.", "Message please.", "Gone fishing.", "You've reached Sara.",
    "Can't talk. Leave a message.", "This is Frank. Leave a message.", "Hi, we're not home right now.",
    "Yo, it's Chris. Leave one.", "The subscriber cannot be reached.",
    "Please leave a message after the tone.", "Hello, you have reached five five five, zero one nine two.",
    "Hey! It's Lily. You know what to do.", "Your call cannot be taken at the moment. Please leave a message.",
    "The number you have called is not available. Please try again later.",
    "Hi, this is Dan from Parker Plumbing. We're on a job right now, leave your details and we'll call back.",
    "Hello, you've reached the Garcias. Please leave a message after the beep and we'll call you back.",
    "Thanks for calling Blue Sky Travel. Our lines are open from eight until six. Please leave a message and we'll return your call.",
    "Welcome to Oak Street Pharmacy. For opening hours, press one. To leave a message, stay on the line.",
    "At the tone, please record your message. When you have finished recording, you may hang up.",
]
beep_hz = [600, 700, 750, 900, 1000, 1150, 1250, 1450, 1600, 1800, 2000]
for i, text in enumerate(machines):
    for v in range(2):
        rng = random.Random(4400 + 10 * i + v)
        voice, speed, pitch = rng.choice(voices), rng.choice(speeds), rng.choice(pitches)
        level, snr = rng.choice(levels_db), rng.choice(snrs)
        greeting = [db(level) * s for s in speak(voice, speed, pitch, text, gap=rng.choice([0, 1, 2]))]
        lead = rng.uniform(0.05, 0.8)
        body = silence(lead) + greeting
        end_speech = len(body)
        desc = f'voice={voice} speed={speed} pitch={pitch} level={level}dB lead={int(lead * 1000)}ms'
        beep = None
        if (i + v) % 2 == 1:
            gap = rng.uniform(0.2, 1.2)
            hz, dur, peak = rng.choice(beep_hz), rng.uniform(0.2, 0.8), db(rng.choice([-4, -8, -12, -16]))
            start_ms = int(round((len(body) / RATE + gap) * 1000))
            body += silence(gap)
            b = tone(hz, dur, peak)
            body += b
            beep = (start_ms, start_ms + len(b) * 1000 // RATE)
            desc += f' beep={hz}Hz/{len(b) * 1000 // RATE}ms'
        before_tail = len(body)
        body += silence(1.5)
        style = (i + 2 * v) % 4
        if style in (1, 2):
            # under the greeting only, or from answer until the beep (or the end of the greeting)
            start, end = (int(lead * RATE), end_speech) if style == 1 else (0, before_tail if beep is None else end_speech)
            bed_db = rng.choice([-10, -16, -22])
            kind = rng.choice(['pluck', 'square'])
            mix(body, music(rng, end - start, kind), rms(greeting) * db(bed_db), at=start)
            desc += f' music={kind}@{bed_db}dB' + ('' if style == 1 else ' from-answer')
        desc = add_noise(rng, body, rms(greeting), snr, desc)
        write(f'machine-{i:02d}-{v}', 'machine', body, beep, len(greeting) * 1000 // RATE, desc, rng)

# Unknown: nobody speaks: line noise of several colours and levels, mains hum, near silence.
unknowns = [('whitenoise', -42), ('pinknoise', -28), ('brownnoise', -22), ('whitenoise', -56), ('pinknoise', -48),
            ('hum', -34), ('silence', None), ('brownnoise', -40)]
for n, (kind, level) in enumerate(unknowns):
    rng = random.Random(4800 + n)
    count = 4 * RATE
    if kind == 'silence':
        body, desc = [0.0] * count, 'silence'
    elif kind == 'hum':
        hz = rng.choice([50, 60])
        body = [db(level) * math.sqrt(2) * (math.sin(2 * math.pi * hz * k / RATE) + 0.2 * math.sin(2 * math.pi * 5 * hz * k / RATE))
                for k in range(count)]
        desc = f'hum={hz}Hz@{level}dBFS'
    else:
        body = [db(level) * v for v in noise(rng, kind, count)]
        desc = f'noise={kind[:-5]}@{level}dBFS'
    write(f'unknown-{n:02d}', 'unknown', body, None, 0, desc, rng)

write_labels()
PY
amd_set_end
