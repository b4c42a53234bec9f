#!/usr/bin/env bash
# End-to-end benchmarks: a release parleyd on loopback (its own ports, RTP range and data
# folder; stopped by its PID) and `parley sim` placing real SIP/RTP calls against it.
# Prints one JSON object on stdout (bench.sh's `e2e` suite); progress and tables on stderr.
#
# Suites (E2E_SUITES, in this order by default):
#   capacity-listen  capacity search, callers only listen (the recognizer never runs)
#   capacity-speech  capacity search, every caller turn is speech (the embedded recognizer runs);
#                    each level's calls are placed at RAMP_RATE, so their turns come in a burst
#   capacity-speech-steady
#                    the same with each level's calls placed evenly over STEADY_RAMP_S seconds
#                    (and ended calls replaced at that rate): the turns spread over the
#                    call's length, as in live traffic
#   capacity-listen-relaxed, capacity-speech-relaxed
#                    the same with the pacing limit raised to RELAXED_PACING_MS (20): where
#                    calls start failing, when the 1 ms pacing limit breaks first
#   latency          setup, first prompt, response and barge-in p95 at 10 % and 80 % of the
#                    capacity-speech result (else capacity-speech-relaxed, else LATENCY_CAPACITY)
#                    (examples/sim/capacity-mix.yaml)
#   memory           parleyd RSS idle and with MEMORY_CALLS calls up → per call
#   echo             false barge-ins: silent callers whose line returns the bot's audio
#                    100 ms late at 6 dB echo return loss
#
#   Scripts/bench-e2e.sh                                  # every suite (~30–60 min on 2 cores)
#   E2E_SUITES="capacity-listen" LISTEN_MAX=400 Scripts/bench-e2e.sh
# Knobs: STEP_S (hold per level, 20), LISTEN_START/LISTEN_MAX (50/1600), SPEECH_START/
# SPEECH_MAX (5/400), FACTOR (2), REFINE (1), RAMP_RATE (calls/s, 50), LATENCY_S (30),
# MEMORY_CALLS (100), ECHO_CALLS (10), ECHO_CANCELLATION (aec|aecm|off, aec), MEDIA_THREADS (2),
# FIFO_PRIORITY (parleyd's media.fifo_priority, 0 = normal scheduling; 0), DECODERS (the
# embedded recognizer's grammar decoder pool, all loaded before the first step: the default
# pool of 8 would cap simultaneous caller turns at 8, not the node; ~30 MB each; 64),
# RECOGNIZER_THREADS (its worker threads, parleyd's default 2), STEADY_RAMP_S (seconds over
# which capacity-speech-steady places a level's calls, 20; a capacity-speech call lasts 28–40 s),
# LATENCY_RAMP_S (the same for the latency suite, 10: a capacity-mix call lasts 14–22 s, and
# over 20 s the first calls ended before the last were placed, so the level was never all up),
# MEDIA_TICK_MS (parleyd's media.tick_ms, 20: one pass per 20 ms packet; 10 costs parleyd
# about a fifth more CPU per call and reads a packet's audio up to 10 ms sooner).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

E2E_SUITES=${E2E_SUITES:-"capacity-listen capacity-listen-relaxed capacity-speech capacity-speech-steady capacity-speech-relaxed latency memory echo"}
RELAXED_PACING_MS=${RELAXED_PACING_MS:-20}
STEP_S=${STEP_S:-20}
LISTEN_START=${LISTEN_START:-50}; LISTEN_MAX=${LISTEN_MAX:-1600}
SPEECH_START=${SPEECH_START:-5}; SPEECH_MAX=${SPEECH_MAX:-400}
FACTOR=${FACTOR:-2}; REFINE=${REFINE:-1}; RAMP_RATE=${RAMP_RATE:-50}
LATENCY_S=${LATENCY_S:-30}; MEMORY_CALLS=${MEMORY_CALLS:-100}; ECHO_CALLS=${ECHO_CALLS:-10}
ECHO_CANCELLATION=${ECHO_CANCELLATION:-aec}; MEDIA_THREADS=${MEDIA_THREADS:-2}; FIFO_PRIORITY=${FIFO_PRIORITY:-0}
MEDIA_TICK_MS=${MEDIA_TICK_MS:-20}
DECODERS=${DECODERS:-64}; RECOGNIZER_THREADS=${RECOGNIZER_THREADS:-2}; STEADY_RAMP_S=${STEADY_RAMP_S:-20}
LATENCY_RAMP_S=${LATENCY_RAMP_S:-10}
export DECODERS RECOGNIZER_THREADS STEADY_RAMP_S MEDIA_TICK_MS

if [ -z "${SKIP_BUILD:-}" ]; then
  nice -n 10 swift build -c release --product parleyd >&2
  nice -n 10 swift build -c release --product parley >&2
fi
bin=$(swift build -c release --show-bin-path)
[ -f examples/demo/prompts/hello-1.wav ] || examples/demo/make-prompts.sh >&2
[ -f examples/sim/speech/yes.wav ] || examples/sim/make-speech.sh >&2

work=$(mktemp -d /tmp/parley-bench-e2e.XXXXXX)
PARLEYD_PID=""; SINK_PID=""
cleanup() {
  [ -n "$PARLEYD_PID" ] && kill -9 "$PARLEYD_PID" 2>/dev/null || true
  [ -n "$SINK_PID" ] && kill -9 "$SINK_PID" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The demo's send_coupon webhook answers at once (a local responder, killed by PID).
sink_port=$(free_port)
python3 - "$sink_port" >/dev/null 2>&1 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        body = b'{"ok":true}'
        self.send_response(200); self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
SINK_PID=$!

# RTP ports below the kernel's ephemeral range (where the simulator's own sockets land),
# 8000 ports from a random even base: room for 4000 calls.
rtp_base=$(( (21000 + RANDOM % 1500) / 2 * 2 ))
cat >"$work/parleyd.yaml" <<EOF
node_id: bench-e2e
sip:
  listen:
    - address: "127.0.0.1:0"
      transports: [udp]
  limits: {max_calls: 4000, rate_limit_per_second: 0}
rtp:
  bind_address: 127.0.0.1
  port_range: {start: $rtp_base, end: $((rtp_base + 7999))}
media:
  codecs: [pcmu, pcma]
  ptime_ms: 20
  threads: $MEDIA_THREADS
  tick_ms: $MEDIA_TICK_MS
  fifo_priority: $FIFO_PRIORITY
listening:
  echo_cancellation: $ECHO_CANCELLATION
routing:
  default_script: $repo/examples/demo/member-care.yaml
recognizer:
  engine: embedded
  embedded: {grammar_decoders: $DECODERS, prewarm_decoders: $DECODERS, worker_threads: $RECOGNIZER_THREADS}
data_dir: $work/data
webhooks:
  send_coupon: {url: "http://127.0.0.1:$sink_port/coupons", timeout_ms: 5000}
admin:
  listen: "127.0.0.1:0"
logging: {level: warning}
EOF

# Starts parleyd; sets PARLEYD_PID, SIP_TARGET, METRICS.
start_parleyd() {
  : >"$work/ready"
  "$bin/parleyd" --config "$work/parleyd.yaml" --sip-listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
    --data-dir "$work/data" >"$work/ready" 2>"$work/parleyd.log" &
  PARLEYD_PID=$!
  for _ in $(seq 300); do grep -q '^parleyd: ready' "$work/ready" && break; sleep 0.1; done
  grep -q '^parleyd: ready' "$work/ready" || { echo "parleyd did not start:" >&2; tail -20 "$work/parleyd.log" >&2; exit 1; }
  SIP_TARGET=$(sed -n 's/.*sip=\([^ ]*\).*/\1/p' "$work/ready")
  METRICS="http://$(sed -n 's/.*admin=\([^ ]*\).*/\1/p' "$work/ready")/metrics"
}
stop_parleyd() { kill -9 "$PARLEYD_PID" 2>/dev/null || true; wait "$PARLEYD_PID" 2>/dev/null || true; PARLEYD_PID=""; }
rss_mib() { awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/$PARLEYD_PID/status"; }
# settle: waits (at most 90 s) until parleyd has finished loading (decoders are loaded after
# it reports ready): a second in which it used under 5 % of a core.
settle() {
  local hz last now; hz=$(getconf CLK_TCK)
  last=$(awk '{print $14+$15}' "/proc/$PARLEYD_PID/stat")
  for _ in $(seq 90); do
    sleep 1
    now=$(awk '{print $14+$15}' "/proc/$PARLEYD_PID/stat")
    [ $(( (now - last) * 100 )) -lt $(( hz * 5 )) ] && return 0
    last=$now
  done
}

# capacity NAME SCENARIO START MAX [extra sim options…] → $work/NAME.json
capacity() {
  local name=$1 scenario=$2 start=$3 max=$4; shift 4
  echo "bench-e2e: $name ($scenario, $start…$max)" >&2
  "$bin/parley" sim --capacity --target "$SIP_TARGET" --scenario "$scenario" --start "$start" --max "$max" \
    --factor "$FACTOR" --refine "$REFINE" --step-duration "$STEP_S" ${PLACING:---rate $RAMP_RATE} \
    --metrics "$METRICS" --parleyd-pid "$PARLEYD_PID" --quiet --json "$work/$name.json" "$@" >&2 || true
  [ -s "$work/$name.json" ] || echo null >"$work/$name.json"
}
# held NAME → max_concurrency_held (0 when none)
held() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print((d or {}).get("max_concurrency_held") or 0)' "$work/$1.json"; }

start_parleyd
settle
echo "$(rss_mib)" >"$work/idle_rss"
for suite in $E2E_SUITES; do
  case $suite in
    capacity-listen) capacity capacity-listen examples/sim/capacity-listen.yaml "$LISTEN_START" "$LISTEN_MAX" ;;
    capacity-speech) capacity capacity-speech examples/sim/capacity-speech.yaml "$SPEECH_START" "$SPEECH_MAX" ;;
    capacity-speech-steady)
      PLACING="--ramp-seconds $STEADY_RAMP_S" capacity capacity-speech-steady examples/sim/capacity-speech.yaml "$SPEECH_START" "$SPEECH_MAX" ;;
    capacity-listen-relaxed)
      capacity capacity-listen-relaxed examples/sim/capacity-listen.yaml "$LISTEN_START" "$LISTEN_MAX" --slo-pacing-ms "$RELAXED_PACING_MS" ;;
    capacity-speech-relaxed)
      capacity capacity-speech-relaxed examples/sim/capacity-speech.yaml "$SPEECH_START" "$SPEECH_MAX" --slo-pacing-ms "$RELAXED_PACING_MS" ;;
    latency)
      # At 80 % of the steady-arrival capacity when that suite ran (the level's calls then
      # placed over LATENCY_RAMP_S), else of the burst capacity (calls placed at RAMP_RATE),
      # else of the relaxed capacity or LATENCY_CAPACITY (placed over LATENCY_RAMP_S).
      cap=$(held capacity-speech-steady 2>/dev/null || echo 0); placing="--ramp-seconds $LATENCY_RAMP_S"
      if ! [ "$cap" -gt 0 ] 2>/dev/null; then
        cap=$(held capacity-speech 2>/dev/null || echo 0)
        if [ "$cap" -gt 0 ] 2>/dev/null; then placing="--rate $RAMP_RATE"; fi
      fi
      [ "$cap" -gt 0 ] 2>/dev/null || cap=$(held capacity-speech-relaxed 2>/dev/null || echo 0)
      [ "$cap" -gt 0 ] 2>/dev/null || cap=${LATENCY_CAPACITY:-10}
      for pct in 10 80; do
        level=$(( cap * pct / 100 )); [ "$level" -ge 1 ] || level=1
        # One level held LATENCY_S s; its figures are reported whether or not it held the objective.
        STEP_S=$LATENCY_S PLACING=$placing capacity "latency-$pct" examples/sim/capacity-mix.yaml "$level" "$level" --refine 0
      done
      echo "\"$placing\"" >"$work/latency-placing"
      echo "$cap" >"$work/latency-capacity" ;;
    memory)
      stop_parleyd; start_parleyd; settle
      echo "$(rss_mib)" >"$work/memory-idle"
      capacity memory examples/sim/capacity-listen.yaml "$MEMORY_CALLS" "$MEMORY_CALLS" --refine 0 ;;
    echo)
      sed -e "s|^script: .*|script: $repo/examples/demo/member-care.yaml|" >"$work/echo.yaml" <<'EOF'
scenario: echo-silent-callers
script: (set below)
timeouts: {answer_timeout_ms: 5000, prompt_timeout_ms: 15000, call_timeout_ms: 90000}
line:
  echo: {delay_ms: 100, return_loss_db: 6}
calls:
  - name: listens on an echoing line
    variables: {name: James, coupon_value: "20"}
    turns: [{wait: offer}, {silence_ms: 7000}, {wait: offer_silence}, {silence_ms: 7000}]
    expect: {prompts: [hello, offer, offer_silence, no_response], disposition: no_response}
EOF
      capacity echo "$work/echo.yaml" "$ECHO_CALLS" "$ECHO_CALLS" --refine 0 --step-duration 40 ;;
    *) echo "bench-e2e: unknown suite $suite" >&2; exit 2 ;;
  esac
done
stop_parleyd

python3 - "$work" "$E2E_SUITES" "$ECHO_CANCELLATION" "$MEDIA_THREADS" "$STEP_S" "$RELAXED_PACING_MS" "$FIFO_PRIORITY" <<'PY'
import json, os, sys
work, suites, aec, threads, step_s = sys.argv[1], sys.argv[2].split(), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
relaxed_ms = float(sys.argv[6])
fifo_priority = int(sys.argv[7])
def load(name):
    p = os.path.join(work, name + ".json")
    try: return json.load(open(p)) if os.path.exists(p) else None
    except ValueError: return None
def read(name):
    p = os.path.join(work, name)
    return float(open(p).read().strip() or 0) if os.path.exists(p) else None
def search(name):
    d = load(name)
    if not d: return None
    keep = ["concurrency", "held", "breaches", "peak_active", "calls", "pacing_error_p99_ms", "loss_pct",
            "setup_p95_ms", "first_prompt_p95_ms", "response_p95_ms", "barge_in_p95_ms", "false_barge_ins",
            "caller_tick_lateness_p99_ms", "cpu", "parleyd_rss_mib", "parleyd", "limiting_side", "top_failure"]
    return {"max_concurrency_held": d.get("max_concurrency_held"), "lowest_broken": d.get("lowest_broken"),
            "verdict": d.get("verdict"), "steps": [{k: s.get(k) for k in keep if k in s} for s in d.get("steps", [])]}
def one(name):
    d = search(name)
    return d["steps"][-1] if d and d["steps"] else None
out = {"parleyd": {"build": "release", "media_threads": threads, "echo_cancellation": aec, "step_s": step_s,
                   "fifo_priority": fifo_priority, "grammar_decoders": int(os.environ.get("DECODERS", "64")),
                   "recognizer_threads": int(os.environ.get("RECOGNIZER_THREADS", "2")),
                   "media_tick_ms": int(os.environ.get("MEDIA_TICK_MS", "20"))},
       "relaxed_pacing_ms": relaxed_ms}
for name in ("capacity-listen-relaxed", "capacity-speech-relaxed"):
    if name in suites: out[name.replace("-", "_")] = search(name)
goals = {}
if "capacity-listen" in suites:
    out["capacity_listen"] = search("capacity-listen")
    held = (out["capacity_listen"] or {}).get("max_concurrency_held") or 0
    goals["capacity_without_recognizer_ge_1000"] = {"measured": held, "met": held >= 1000}
if "capacity-speech" in suites:
    out["capacity_speech"] = search("capacity-speech")
    held = (out["capacity_speech"] or {}).get("max_concurrency_held") or 0
    goals["capacity_with_recognizer_ge_100"] = {"measured": held, "met": held >= 100}
if "capacity-speech-steady" in suites:
    out["capacity_speech_steady"] = search("capacity-speech-steady")
    if out["capacity_speech_steady"]: out["capacity_speech_steady"]["ramp_seconds"] = float(os.environ["STEADY_RAMP_S"])
    held = (out["capacity_speech_steady"] or {}).get("max_concurrency_held") or 0
    goals["capacity_with_recognizer_ge_100_steady_arrivals"] = {"measured": held, "met": held >= 100}
if "latency" in suites:
    cap = read("latency-capacity")
    placing = os.path.join(work, "latency-placing")
    lat = {"capacity_used": cap, "placing": json.load(open(placing)) if os.path.exists(placing) else None}
    for pct in (10, 80):
        s = one("latency-%d" % pct)
        lat["at_%dpct" % pct] = s and {k: s.get(k) for k in ["concurrency", "held", "calls", "setup_p95_ms", "first_prompt_p95_ms",
                                                            "response_p95_ms", "barge_in_p95_ms", "pacing_error_p99_ms",
                                                            "loss_pct", "cpu", "parleyd", "breaches"]}
    out["latency"] = lat
    s = lat.get("at_80pct") or {}
    b, r = s.get("barge_in_p95_ms"), s.get("response_p95_ms")
    goals["barge_in_p95_le_100ms_at_80pct"] = {"measured": b, "met": b is not None and b <= 100}
    goals["response_p95_le_300ms_at_80pct"] = {"measured": r, "met": r is not None and r <= 300}
if "memory" in suites:
    s = one("memory")
    idle = read("memory-idle")
    busy = s and s.get("parleyd_rss_mib")
    n = s and s.get("peak_active")
    out["memory"] = {"calls": n, "idle_rss_mib": idle, "rss_mib_with_calls": busy,
                     "per_call_kib": round((busy - idle) * 1024 / n, 1) if busy and idle is not None and n else None}
if "echo" in suites:
    s = one("echo")
    if s:
        sim_false = s.get("false_barge_ins")
        bot = s.get("parleyd") or {}
        out["echo"] = {"delay_ms": 100, "return_loss_db": 6, "calls": s.get("calls"), "false_barge_ins_heard": sim_false,
                       "parleyd_barge_ins": bot.get("barge_ins"), "parleyd_false_barge_ins": bot.get("false_barge_ins"),
                       "failures": s.get("breaches")}
        # Every barge-in on a silent caller is false: parleyd's own count when it reports one,
        # else the prompts the simulator heard stop while its caller was silent.
        seen = bot.get("barge_ins") if bot.get("barge_ins") is not None else (sim_false or 0)
        goals["zero_false_barge_ins_with_echo"] = {"measured": seen, "met": seen == 0}
out["goals"] = goals
print(json.dumps(out))
PY
