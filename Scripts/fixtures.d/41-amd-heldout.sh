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
# Idempotent: skips when the stamp matches this script's contents.
set -euo pipefail
for tool in espeak-ng sox python3; do
  command -v "$tool" >/dev/null || { echo "41-amd-heldout: $tool is missing (apt-get install -y espeak-ng sox python3)" >&2; exit 1; }
done
root=${PARLEY_FIXTURES:-$(cd "$(dirname "$0")/../.." && pwd)/.data/fixtures}
out=$root/amd-heldout
stamp=$out/.stamp
want=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$out/labels.tsv" ]; then
  echo "41-amd-heldout: up to date"; exit 0
fi
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

python3 - "$out" "$work" <<'PY'
import array, math, os, random, subprocess, sys

out, work = sys.argv[1], sys.argv[2]
RATE = 8000

def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def speak(voice, speed, pitch, text):
    """espeak-ng utterance at 8 kHz, its own leading/trailing silence trimmed, peak-normalised."""
    wav, raw = os.path.join(work, 'tts.wav'), os.path.join(work, 'tts.raw')
    run('espeak-ng', '-v', voice, '-s', str(speed), '-p', str(pitch), '-w', wav, text)
    run('sox', '-R', wav, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', '-L', raw,
        'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse')
    a = array.array('h')
    with open(raw, 'rb') as f:
        a.frombytes(f.read())
    if sys.byteorder == 'big':
        a.byteswap()
    peak = max(1, max(abs(x) for x in a))
    return [x / peak for x in a]

def silence(seconds):
    return [0.0] * int(round(seconds * RATE))

def tone(rng, hz, seconds, peak):
    n = int(round(seconds * RATE))
    ramp = int(0.005 * RATE)   # 5 ms edges, like a real beep generator
    phase = rng.random() * 2 * math.pi
    out = []
    for i in range(n):
        g = min(1.0, i / ramp, (n - 1 - i) / ramp) if ramp else 1.0
        out.append(peak * g * math.sin(phase + 2 * math.pi * hz * i / RATE))
    return out

def music(rng, n, level):
    """A music-like bed: a chord of two or three notes (with a weak second harmonic),
    changing every 0.3-0.8 s, amplitude-modulated like plucked notes."""
    notes = [196.0, 220.0, 246.9, 261.6, 293.7, 329.6, 349.2, 392.0, 440.0, 493.9, 523.3, 587.3, 659.3]
    out = [0.0] * n
    i = 0
    while i < n:
        length = int(rng.uniform(0.3, 0.8) * RATE)
        chord = rng.sample(notes, rng.choice([2, 3]))
        for hz in chord:
            ph = rng.random() * 2 * math.pi
            for j in range(min(length, n - i)):
                env = math.exp(-2.5 * j / RATE) * min(1.0, j / 40)
                t = 2 * math.pi * hz * j / RATE + ph
                out[i + j] += level * env * (math.sin(t) + 0.3 * math.sin(2 * t)) / len(chord)
        i += length
    return out

def noise(rng, kind, n):
    """Unit-RMS white, pink (Kellet's filter) or brown (leaky integrator) noise."""
    x = []
    if kind == 'white':
        x = [rng.gauss(0, 1) for _ in range(n)]
    elif kind == 'pink':
        b0 = b1 = b2 = b3 = b4 = b5 = b6 = 0.0
        for _ in range(n):
            w = rng.gauss(0, 1)
            b0 = 0.99886 * b0 + w * 0.0555179; b1 = 0.99332 * b1 + w * 0.0750759
            b2 = 0.96900 * b2 + w * 0.1538520; b3 = 0.86650 * b3 + w * 0.3104856
            b4 = 0.55000 * b4 + w * 0.5329522; b5 = -0.7616 * b5 - w * 0.0168980
            x.append(b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362); b6 = w * 0.115926
    else:
        y = 0.0
        for _ in range(n):
            y = 0.995 * y + rng.gauss(0, 1)
            x.append(y)
    rms = math.sqrt(sum(v * v for v in x) / max(1, n)) or 1.0
    return [v / rms for v in x]

def rms(x):
    return math.sqrt(sum(v * v for v in x) / max(1, len(x)))

def db(v):
    return 10 ** (v / 20)

labels = []

def write(name, label, samples, beep, speech_ms, desc, rng):
    # a low line floor under everything, then the mu-law round trip of a telephone call
    floor = noise(rng, 'pink', len(samples))
    mixed = [s + db(-66) * f for s, f in zip(samples, floor)]
    pcm = array.array('h', (max(-32768, min(32767, int(round(v * 32767)))) for v in mixed))
    if sys.byteorder == 'big':
        pcm.byteswap()
    lin, ul = os.path.join(work, 'mix.raw'), os.path.join(work, 'mix.ul')
    with open(lin, 'wb') as f:
        f.write(pcm.tobytes())
    fmt = ['-r', '8000', '-c', '1']
    run('sox', '-R', '-t', 'raw', *fmt, '-b', '16', '-e', 'signed-integer', '-L', lin, '-t', 'raw', *fmt, '-e', 'u-law', ul)
    run('sox', '-R', '-t', 'raw', *fmt, '-e', 'u-law', ul, '-t', 'raw', *fmt, '-b', '16', '-e', 'signed-integer', '-L',
        os.path.join(out, name + '.raw'))
    b0, b1 = ('-', '-') if beep is None else (str(beep[0]), str(beep[1]))
    labels.append('\t'.join([name, label, b0, b1, str(speech_ms), desc]))

def add_noise(rng, samples, speech_rms, snr):
    if snr is None:
        return samples
    kind = rng.choice(['white', 'pink', 'brown'])
    nz = noise(rng, kind, len(samples))
    g = speech_rms * db(-snr)
    return [s + g * v for s, v in zip(samples, nz)], kind

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

with open(os.path.join(out, 'labels.tsv'), 'w') as f:
    f.write('\n'.join(labels) + '\n')
PY
echo "$want" > "$stamp"
echo "41-amd-heldout: $(wc -l < "$out/labels.tsv") clips in $out"
