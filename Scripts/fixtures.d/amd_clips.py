"""Helpers shared by the answering-machine-detection set generators 41-amd-heldout.sh,
42-amd-dev.sh, 43-amd-fresh.sh and 44-amd-final.sh: each runs a Python program that imports
this module (fixtures.sh runs only fixtures.d/*.sh, so this file is never run by itself).
Each generator's stamp covers this file, so a change here remakes all four sets.

A generator calls setup(out, work) first. 41, 43 and 44 make their clips the same way and
differ only in wordings, voices, seeds and whether a clip's voice is drawn before its level
(41, 44) or after (43): each calls make_humans(), make_machines() and make_unknowns() with
its own lists, seeds and a say() that draws a voice and speaks (espeak_voices() makes one for
espeak-ng; 43 adds flite's), then write_labels(). Under those:
speak() (espeak-ng) or to_8k() (any synthesiser's wav) for speech at 8 kHz; silence(),
tone(), music(), noise() and add_noise() for the rest of a clip, pure Python driven by the
clip's random.Random; write() (a low pink floor, then save()) or save() for each clip.
42-amd-dev.sh makes its noise, tones and music with sox instead, so it uses run, read_raw,
speak, silence, rms, db, save and write_labels and keeps its own versions of the others.

Samples are lists of floats at RATE, ±1 full scale. Deterministic: sox is run with -R and
all randomness comes from the rng passed in (one random.Random per clip, seeded from the
clip's place in its list), drawn in a fixed order: reordering the draws changes the clips.
"""
import array, math, os, random, subprocess, sys

RATE = 8000
RAW = ['-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', '-L']
TRIM = ['silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse']

out_dir = work_dir = None   # set by setup()
labels = []                 # labels.tsv's lines, in the order the clips were saved

def setup(out, work):
    """Where the clips and labels.tsv go (out) and where scratch files go (work)."""
    global out_dir, work_dir
    out_dir, work_dir = out, work

def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def read_raw(path):
    """A headerless signed 16-bit little-endian file as an array of ints."""
    a = array.array('h')
    with open(path, 'rb') as f:
        a.frombytes(f.read())
    if sys.byteorder == 'big':
        a.byteswap()
    return a

def to_8k(wav, *effects):
    """The synthesiser's wav at 8 kHz (after any effects), its own leading/trailing silence
    trimmed, peak-normalised."""
    raw = os.path.join(work_dir, 'tts.raw')
    run('sox', '-R', wav, *RAW, raw, *effects, *TRIM)
    a = read_raw(raw)
    peak = max(1, max(abs(x) for x in a))
    return [x / peak for x in a]

def speak(voice, speed, pitch, text, gap=None):
    """espeak-ng utterance at 8 kHz (see to_8k); gap, when given, is espeak-ng's -g (pause
    between words, in 10 ms units at the default speed)."""
    wav = os.path.join(work_dir, 'tts.wav')
    run('espeak-ng', '-v', voice, '-s', str(speed), '-p', str(pitch), *([] if gap is None else ['-g', str(gap)]),
        '-w', wav, text)
    return to_8k(wav)

def silence(seconds):
    return [0.0] * int(round(seconds * RATE))

def tone(rng, hz, seconds, peak):
    """A sine beep at a random phase, with 5 ms ramps at either end."""
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

def add_noise(rng, samples, speech_rms, snr):
    """samples with white, pink or brown noise (the rng's choice) snr dB below speech_rms;
    returns them and the kind."""
    kind = rng.choice(['white', 'pink', 'brown'])
    nz = noise(rng, kind, len(samples))
    g = speech_rms * db(-snr)
    return [s + g * v for s, v in zip(samples, nz)], kind

def save(name, label, samples, beep, speech_ms, desc):
    """Writes <out>/<name>.raw through the mu-law round trip of a telephone call and adds the
    clip's labels.tsv line (beep is (start ms, end ms) or None)."""
    pcm = array.array('h', (max(-32768, min(32767, int(round(v * 32767)))) for v in samples))
    if sys.byteorder == 'big':
        pcm.byteswap()
    lin, ul = os.path.join(work_dir, 'mix.raw'), os.path.join(work_dir, 'mix.ul')
    with open(lin, 'wb') as f:
        f.write(pcm.tobytes())
    fmt = ['-r', '8000', '-c', '1']
    run('sox', '-R', '-t', 'raw', *fmt, '-b', '16', '-e', 'signed-integer', '-L', lin, '-t', 'raw', *fmt, '-e', 'u-law', ul)
    run('sox', '-R', '-t', 'raw', *fmt, '-e', 'u-law', ul, '-t', 'raw', *fmt, '-b', '16', '-e', 'signed-integer', '-L',
        os.path.join(out_dir, name + '.raw'))
    b0, b1 = ('-', '-') if beep is None else (str(beep[0]), str(beep[1]))
    labels.append('\t'.join([name, label, b0, b1, str(speech_ms), desc]))

def write(name, label, samples, beep, speech_ms, desc, rng):
    """save(), after a low line floor (pink noise at -66 dBFS) under everything."""
    floor = noise(rng, 'pink', len(samples))
    save(name, label, [s + db(-66) * f for s, f in zip(samples, floor)], beep, speech_ms, desc)

def write_labels():
    """Writes <out>/labels.tsv: the saved clips' lines, in order."""
    with open(os.path.join(out_dir, 'labels.tsv'), 'w') as f:
        f.write('\n'.join(labels) + '\n')

# What 41, 43 and 44 draw from (the same distributions in all three sets).
LEVELS_DB = [-3, -6, -10, -14]      # speech level, dBFS peak
SNRS = [None, 30, 20, 15, 10]        # dB below the speech's RMS; None: no added noise
BEEP_HZ = [800, 850, 900, 950, 1000, 1050, 1100, 1200, 1300, 1400]
UNKNOWNS = [('white', -38), ('pink', -30), ('brown', -26), ('white', -52), ('pink', -44), ('brown', -36),
            ('hum', -30), ('hum', -42), ('silence', None), ('pink', -36)]

def espeak_voices(voices, speeds, pitches):
    """A say() for make_humans() and make_machines(): an espeak-ng voice, speed and pitch
    drawn in that order from the clip's rng."""
    def say(rng, i, v, text):
        voice, speed, pitch = rng.choice(voices), rng.choice(speeds), rng.choice(pitches)
        return speak(voice, speed, pitch, text), f'voice={voice} speed={speed} pitch={pitch}'
    return say

def _voice_and_level(rng, i, v, text, say, voice_first):
    """The clip's utterance at its level, description and SNR. say(rng, i, v, text) draws the
    voice from rng and returns (samples at ±1, description); it is called before the level
    and SNR are drawn when voice_first (41, 44), after them otherwise (43)."""
    if voice_first:
        spoken, desc = say(rng, i, v, text)
    level, snr = rng.choice(LEVELS_DB), rng.choice(SNRS)
    if not voice_first:
        spoken, desc = say(rng, i, v, text)
    return [db(level) * s for s in spoken], f'{desc} level={level}dB', snr

def make_humans(texts, seed_base, say, voice_first=True):
    """Two clips per answer in texts, human-<i>-<v> (v 0 and 1) seeded seed_base + 10 i + v:
    0.2-1.2 s of silence, the answer (said twice, 1.0-1.6 s apart, when (i + v) % 6 == 5, as
    people do when nobody answers), then 4 s of waiting for the caller; a level from
    LEVELS_DB, noise at an SNR from SNRS. See _voice_and_level for say and voice_first."""
    for i, text in enumerate(texts):
        for v in range(2):
            rng = random.Random(seed_base + 10 * i + v)
            utter, desc, snr = _voice_and_level(rng, i, v, text, say, voice_first)
            twice = (i + v) % 6 == 5
            lead = rng.uniform(0.2, 1.2)
            body = silence(lead) + utter
            if twice:
                body += silence(rng.uniform(1.0, 1.6)) + utter
            body += silence(4.0)
            if snr is not None:
                body, kind = add_noise(rng, body, rms(utter), snr)
                desc += f' noise={kind}@{snr}dB'
            if twice:
                desc += ' twice'
            write(f'human-{i:02d}-{v}', 'human', body, None, len(utter) * 1000 // RATE, desc, rng)

def make_machines(texts, seed_base, say, voice_first=True):
    """Two clips per greeting in texts, machine-<i>-<v> seeded seed_base + 10 i + v: 0.1-0.6 s
    of silence, the greeting, a beep from BEEP_HZ (0.25-1 s, 0.3-1 s after the greeting)
    when (i + v) % 2 == 0, then 2 s of silence; a music-like bed under the greeting only
    when (i + 2 v) % 3 == 0; level and noise as make_humans()."""
    for i, text in enumerate(texts):
        for v in range(2):
            rng = random.Random(seed_base + 10 * i + v)
            greeting, desc, snr = _voice_and_level(rng, i, v, text, say, voice_first)
            lead = rng.uniform(0.1, 0.6)
            body = silence(lead) + greeting
            beep = None
            if (i + v) % 2 == 0:
                gap = rng.uniform(0.3, 1.0)
                hz, dur, peak = rng.choice(BEEP_HZ), rng.uniform(0.25, 1.0), db(rng.choice([-6, -9, -12]))
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

def make_unknowns(seed_base):
    """One 6 s clip per entry of UNKNOWNS, unknown-<n> seeded seed_base + n: nobody speaks,
    only line noise of several colours and levels, mains hum (50 or 60 Hz, with a third
    harmonic) or silence (under write()'s floor)."""
    for n, (kind, level) in enumerate(UNKNOWNS):
        rng = random.Random(seed_base + n)
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
