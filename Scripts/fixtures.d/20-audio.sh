#!/usr/bin/env bash
# Labelled audio test set for the listening pipeline (ParleyAudioTests).
# Writes $PARLEY_FIXTURES/audio/*.raw (headerless 16-bit little-endian mono PCM at 8 kHz,
# every signal passed through G.711 mu-law like a telephone call) and labels.json.
# Sources: espeak-ng speech (bot prompt, caller utterances, backchannels, digits, babble),
# a stdlib-only Python mixer (echo = delayed, attenuated prompt; white and babble noise at
# a given SNR; cough-shaped noise bursts; DTMF tones). Idempotent: skipped when the stamp
# of this script matches.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=${PARLEY_FIXTURES:-$PWD/.data/fixtures}
out="$root/audio"
stamp="$out/.stamp"
want=$(sha256sum "Scripts/fixtures.d/20-audio.sh" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$out/labels.json" ]]; then
  echo "fixtures audio: up to date"
  exit 0
fi
for tool in espeak-ng sox python3; do
  command -v "$tool" >/dev/null || { echo "fixtures audio: $tool is missing (apt-get install -y espeak-ng sox python3)" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out/src"

# speak NAME VOICE TEXT -> src/NAME.raw (8 kHz, mu-law round trip)
speak() {
  local name=$1 voice=$2 text=$3
  espeak-ng -v "$voice" -s 165 -w "$out/src/$name.wav" "$text"
  sox "$out/src/$name.wav" -r 8000 -c 1 -e u-law -t raw "$out/src/$name.ul"
  sox -t raw -r 8000 -c 1 -e u-law "$out/src/$name.ul" -t raw -e signed -b 16 -L "$out/src/$name.raw"
  rm -f "$out/src/$name.wav" "$out/src/$name.ul"
}

speak prompt en-us "Thank you for calling. Your payment of forty two dollars is due on the fifteenth of this month. To pay now, say yes, or say agent to speak with someone from our team."
speak caller0 en-us "Wait, I need to talk to someone."
speak caller1 en+f3 "No, I already paid that bill."
speak caller2 en+m3 "Hello, can you hear me?"
speak caller3 en-gb "Stop, I want an agent please."
speak bc_uhhuh en-us "uh-huh"
speak bc_ok en+f3 "ok"
speak bc_mmhmm en-us "mm-hmm"
i=0
for voice in en-us en+f2 en+m4 en-gb en+f4 en+m2; do
  speak "babble$i" "$voice" "The meeting moved to Thursday afternoon, and everybody was asked to bring the quarterly numbers and a short summary of the open questions."
  i=$((i+1))
done
for d in 0 1 2 3 4 5 6 7 8 9; do
  speak "digit$d" en-us "$d"
done

python3 - "$out" <<'PY'
import array, json, math, os, random, subprocess, sys

out = sys.argv[1]
RATE = 8000
random.seed(20)

def load(name):
    a = array.array('h')
    with open(os.path.join(out, 'src', name + '.raw'), 'rb') as f:
        a.frombytes(f.read())
    if sys.byteorder != 'little':
        a.byteswap()
    return [float(x) for x in a]

def rms(x):
    return math.sqrt(sum(v * v for v in x) / max(1, len(x)))

def active_rms(x):
    # RMS over 10 ms frames within 30 dB of the loudest frame (speech level, pauses excluded)
    frames = [x[i:i + 80] for i in range(0, len(x) - 79, 80)]
    levels = [rms(f) for f in frames]
    top = max(levels)
    act = [l for l in levels if l > top * 10 ** (-30 / 20)]
    return math.sqrt(sum(l * l for l in act) / len(act))

def scale_to(x, level_dbfs):
    g = 32768 * 10 ** (level_dbfs / 20) / active_rms(x)
    return [v * g for v in x]

def onset_ms(x):
    # true speech onset: first 5 ms window above -50 dBFS
    thr = 32768 * 10 ** (-50 / 20)
    for i in range(0, len(x) - 39, 40):
        if rms(x[i:i + 40]) > thr:
            return i * 1000 // RATE
    return None

def audible_onset_ms(x, level_dbfs):
    # first 5 ms window where the speech rises above the noise (what any detector can hear)
    thr = 32768 * 10 ** (max(-50.0, level_dbfs) / 20)
    for i in range(0, len(x) - 39, 40):
        if rms(x[i:i + 40]) > thr:
            return i * 1000 // RATE
    return None

def offset_ms(x):
    thr = 32768 * 10 ** (-50 / 20)
    last = None
    for i in range(0, len(x) - 39, 40):
        if rms(x[i:i + 40]) > thr:
            last = (i + 40) * 1000 // RATE
    return last

def trim(x):
    a, b = onset_ms(x), offset_ms(x)
    return x[a * RATE // 1000: b * RATE // 1000]

def silence(ms):
    return [0.0] * (ms * RATE // 1000)

def mix_into(dst, src, at_sample, gain=1.0):
    for i, v in enumerate(src):
        j = at_sample + i
        if 0 <= j < len(dst):
            dst[j] += v * gain

def white(n, level_dbfs):
    s = 32768 * 10 ** (level_dbfs / 20)
    return [random.gauss(0.0, s) for _ in range(n)]

babble_src = None
def babble(n, level_dbfs):
    global babble_src
    if babble_src is None:
        voices = [trim(load('babble%d' % i)) for i in range(6)]
        length = max(len(v) for v in voices)
        acc = [0.0] * length
        for k, v in enumerate(voices):
            # each talker loops with its own offset so the babble never pauses
            off = k * 1700
            for i in range(length):
                acc[i] += v[(i + off) % len(v)]
        babble_src = acc
    start = random.randrange(0, len(babble_src) - n) if len(babble_src) > n else 0
    seg = [babble_src[(start + i) % len(babble_src)] for i in range(n)]
    return scale_to(seg, level_dbfs) if rms(seg) > 0 else seg

def cough(seed):
    rnd = random.Random(seed)
    x = []
    for burst, (length_ms, gap_ms) in enumerate([(220, 120), (180, 0)]):
        n = length_ms * RATE // 1000
        lp = 0.0
        for i in range(n):
            t = i / RATE
            env = (1 - math.exp(-t / 0.008)) * math.exp(-t / 0.06)
            w = rnd.gauss(0, 1)
            lp = 0.6 * lp + 0.4 * w          # a little low-pass: cough energy sits below 2 kHz
            x.append(lp * env)
        x.extend([0.0] * (gap_ms * RATE // 1000))
    return x

def write(name, x):
    a = array.array('h', [max(-32768, min(32767, int(round(v)))) for v in x])
    if sys.byteorder != 'little':
        a.byteswap()
    lin = os.path.join(out, name + '.lin')
    with open(lin, 'wb') as f:
        f.write(a.tobytes())
    # through G.711 mu-law, as on a telephone line
    subprocess.run(['sox', '-t', 'raw', '-r', '8000', '-c', '1', '-e', 'signed', '-b', '16', '-L', lin,
                    '-t', 'raw', '-e', 'u-law', os.path.join(out, name + '.ul')], check=True)
    subprocess.run(['sox', '-t', 'raw', '-r', '8000', '-c', '1', '-e', 'u-law', os.path.join(out, name + '.ul'),
                    '-t', 'raw', '-e', 'signed', '-b', '16', '-L', os.path.join(out, name + '.raw')], check=True)
    os.remove(lin)
    os.remove(os.path.join(out, name + '.ul'))

SPEECH_DBFS = -20.0
prompt = scale_to(trim(load('prompt')), SPEECH_DBFS)
callers = [scale_to(trim(load('caller%d' % i)), SPEECH_DBFS) for i in range(4)]
backchannels = {k: scale_to(trim(load('bc_' + k)), SPEECH_DBFS) for k in ('uhhuh', 'ok', 'mmhmm')}
labels = []

def clip(name, kind, length_ms, delay_ms=None, erl_db=None, near=None, near_at_ms=None,
         noise=None, snr_db=None, **extra):
    n = length_ms * RATE // 1000
    played = [0.0] * n
    cap = white(n, -70.0)                     # line noise floor
    onset = None
    if near is not None:
        at = near_at_ms * RATE // 1000
        mix_into(cap, near, at)
        onset = near_at_ms + onset_ms(near)
        extra['speechEndMs'] = near_at_ms + offset_ms(near)
        noise_dbfs = SPEECH_DBFS - snr_db if noise is not None else -70.0
        extra['audibleOnsetMs'] = near_at_ms + audible_onset_ms(near, noise_dbfs)
    if noise == 'white':
        mix_into(cap, white(n, SPEECH_DBFS - snr_db), 0)
    elif noise == 'babble':
        mix_into(cap, babble(n, SPEECH_DBFS - snr_db), 0)
    # The near end alone (caller, noise, line): tests that stop playback rebuild the echo
    # from what was actually played.
    write(name + '.near', cap)
    if delay_ms is not None:
        mix_into(played, prompt, 0)
        mix_into(cap, prompt, delay_ms * RATE // 1000, 10 ** (-erl_db / 20))
    write(name + '.cap', cap)
    write(name + '.play', played)
    lab = dict(name=name, kind=kind, lengthMs=length_ms, onsetMs=onset, delayMs=delay_ms, erlDb=erl_db,
               noise=noise, snrDb=snr_db)
    lab.update(extra)
    labels.append(lab)

# Barge-ins: caller speech over the prompt's echo, onset between 1.2 and 2.4 s.
k = 0
for delay in (20, 60, 120, 200):
    for erl in (6, 12, 20, 30):
        c = callers[k % 4]
        at = 1200 + (k * 170) % 1200
        clip('barge_d%d_erl%d' % (delay, erl), 'bargeIn', at + 1800, delay, erl, c, at)
        k += 1
for noise in ('white', 'babble'):
    for snr in (10, 20):
        for delay, erl in ((60, 12), (160, 6)):
            c = callers[k % 4]
            at = 1300 + (k * 230) % 1100
            clip('barge_%s%d_d%d_erl%d' % (noise, snr, delay, erl), 'bargeIn', at + 1800, delay, erl, c, at,
                 noise, snr)
            k += 1
# Echo only: the prompt plays, nothing else but its echo.
for delay in (20, 60, 120, 200):
    for erl in (6, 12, 20, 30):
        clip('echo_d%d_erl%d' % (delay, erl), 'echoOnly', 3000, delay, erl)
# Noise only (with the echo): white and babble at 10 and 20 dB below speech level.
for noise in ('white', 'babble'):
    for snr in (10, 20):
        for delay, erl in ((40, 6), (180, 20)):
            clip('noise_%s%d_d%d_erl%d' % (noise, snr, delay, erl), 'noiseOnly', 3000, delay, erl, None, None,
                 noise, snr)
# Backchannels and coughs over the prompt.
for j, (word, x) in enumerate(sorted(backchannels.items())):
    for delay, erl in ((60, 12), (150, 6)):
        clip('backchannel_%s_d%d_erl%d' % (word, delay, erl), 'backchannel', 3200, delay, erl, x, 1500,
             word=word)
for j in range(3):
    cg = scale_to(cough(j), SPEECH_DBFS + 3)
    clip('cough%d' % j, 'cough', 3000, 80 + 40 * j, 10, cg, 1400 + 100 * j)

# Digits read slowly (listening, no prompt): an 11-digit number, 0.9-1.6 s between digits.
number = '01645550123'
x = silence(500)
digit_times = []
for i, d in enumerate(number):
    w = scale_to(trim(load('digit' + d)), SPEECH_DBFS)
    start = len(x) * 1000 // RATE
    x.extend(w)
    digit_times.append([start, len(x) * 1000 // RATE])
    if i + 1 < len(number):
        x.extend(silence(900 + (i * 137) % 700))
x.extend(silence(3500))
n = len(x)
cap = white(n, -70.0)
mix_into(cap, x, 0)
write('digits_slow.cap', cap)
write('digits_slow.play', [0.0] * n)
labels.append(dict(name='digits_slow', kind='digitsSlow', lengthMs=n * 1000 // RATE, onsetMs=digit_times[0][0],
                   digits=number, digitTimesMs=digit_times))

# DTMF (Q.23 frequencies): good sequence; too short; twisted; off-frequency; within tolerance.
ROWS = (697, 770, 852, 941)
COLS = (1209, 1336, 1477, 1633)
KEYS = ('123A', '456B', '789C', '*0#D')
def key_freqs(key):
    for r, row in enumerate(KEYS):
        if key in row:
            return ROWS[r], COLS[row.index(key)]
def dtmf(name, keys, tone_ms, pause_ms, low_dbfs=-10.0, high_dbfs=-8.0, offset_pct=0.0, expect=True):
    x = silence(300)
    events = []
    for key in keys:
        fl, fh = key_freqs(key)
        fl *= 1 + offset_pct / 100
        fh *= 1 + offset_pct / 100
        al = 32768 * 10 ** (low_dbfs / 20) * math.sqrt(2)
        ah = 32768 * 10 ** (high_dbfs / 20) * math.sqrt(2)
        start = len(x)
        ph = random.random() * 2 * math.pi
        for i in range(tone_ms * RATE // 1000):
            t = i / RATE
            x.append(al * math.sin(2 * math.pi * fl * t + ph) + ah * math.sin(2 * math.pi * fh * t))
        events.append([key, start * 1000 // RATE, len(x) * 1000 // RATE])
        x.extend(silence(pause_ms))
    x.extend(silence(300))
    n = len(x)
    cap = white(n, -60.0)
    mix_into(cap, x, 0)
    write(name + '.cap', cap)
    write(name + '.play', [0.0] * n)
    labels.append(dict(name=name, kind='dtmf', lengthMs=n * 1000 // RATE, onsetMs=None, keys=keys,
                       toneMs=tone_ms, pauseMs=pause_ms, twistDb=high_dbfs - low_dbfs, offsetPct=offset_pct,
                       expectDetected=expect, toneTimesMs=events))

dtmf('dtmf_good', '0123456789*#ABCD', 60, 60)
dtmf('dtmf_min40', '159#', 40, 40)
dtmf('dtmf_short', '2580', 20, 80, expect=False)
dtmf('dtmf_twist_ok', '3698', 60, 60, low_dbfs=-12, high_dbfs=-9)        # high 3 dB over low
dtmf('dtmf_twist_rev_ok', '147*', 60, 60, low_dbfs=-9, high_dbfs=-12)    # low 3 dB over high
dtmf('dtmf_twist_bad', '3698', 60, 60, low_dbfs=-20, high_dbfs=-8, expect=False)   # high 12 dB over low
dtmf('dtmf_twist_rev_bad', '147*', 60, 60, low_dbfs=-6, high_dbfs=-16, expect=False)  # low 10 dB over high
dtmf('dtmf_freq_ok', '2468', 60, 60, offset_pct=1.2)
dtmf('dtmf_freq_ok_neg', '1357', 60, 60, offset_pct=-1.2)
dtmf('dtmf_freq_bad', '2468', 60, 60, offset_pct=4.0, expect=False)
dtmf('dtmf_freq_bad_neg', '1357', 60, 60, offset_pct=-4.0, expect=False)

with open(os.path.join(out, 'labels.json'), 'w') as f:
    json.dump(dict(sampleRate=RATE, format='s16le mono, mu-law round trip', clips=labels), f, indent=1)
print('fixtures audio: %d clips' % len(labels))
PY
rm -rf "$out/src"
echo "$want" > "$stamp"
