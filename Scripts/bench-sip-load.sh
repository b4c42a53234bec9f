#!/usr/bin/env bash
# Full SIP call setups per second (INVITE/100/200/ACK/BYE/200, no media) driven by SIPp at
# increasing rates against the Parley stack, and against SIPp's own `uas` as the reference
# ceiling, in the same run. Prints JSON and a table: for each target the highest rate with
# 0 failed calls and p95 setup ≤ P95_LIMIT_MS, and that p95 (INVITE → 200, SIPp response
# time 1, whose resolution is SIPp's timer: a few ms).
#
# The stack runs as the `LoadServer` test of ParleySIPStackTests (enabled only with
# PARLEY_SIP_LOAD_PORT), so no extra executable target is needed.
#
#   Scripts/bench-sip-load.sh                 # debug build, rates 100 200 400 800 1200 1600 2000 3000
#   CONFIG=release Scripts/bench-sip-load.sh  # release build (builds every test target in release)
#   RATES="500 1000" SECONDS_PER_RATE=5 Scripts/bench-sip-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-debug}
RATES=${RATES:-"100 200 400 800 1200 1600 2000 3000"}
SECONDS_PER_RATE=${SECONDS_PER_RATE:-4}
# A rate passes with 0 failed calls and p95 setup at or under this (past saturation SIPp
# still completes calls through retransmissions, seconds late).
P95_LIMIT_MS=${P95_LIMIT_MS:-5}
WORK=$(mktemp -d /tmp/parley-sip-load.XXXXXX)
SERVER_PID=""; REF_PID=""
cleanup() {
  touch "$WORK/stop"
  [ -n "$REF_PID" ] && kill "$REF_PID" 2>/dev/null || true
  if [ -n "$SERVER_PID" ]; then
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
command -v sipp >/dev/null || { echo "sipp missing: apt-get install -y sip-tester" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Other test targets use @testable imports, so a release test build needs -enable-testing.
EXTRA=(); [ "$CONFIG" = release ] && EXTRA=(-Xswiftc -enable-testing)
swift build -c "$CONFIG" --build-tests "${EXTRA[@]}" >&2
PORT=$(free_port)
PARLEY_SIP_LOAD_PORT=$PORT PARLEY_SIP_LOAD_STOP="$WORK/stop" \
  "$(swift build -c "$CONFIG" "${EXTRA[@]}" --show-bin-path)/ParleyPackageTests.xctest" --testing-library swift-testing \
  --filter 'LoadServer' >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do [ -f "$WORK/stop.ready" ] && break; sleep 0.1; done
[ -f "$WORK/stop.ready" ] || { echo "load server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

REF_PORT=$(free_port)
( cd "$WORK" && exec sipp -sn uas -i 127.0.0.1 -p "$REF_PORT" -nostdin >/dev/null 2>&1 ) &
REF_PID=$!

# run_rate TARGET_PORT RATE → "successful failed p95_ms"
run_rate() {
  local port=$1 rate=$2 dir calls
  dir=$(mktemp -d "$WORK/run.XXXXXX")
  calls=$((rate * SECONDS_PER_RATE))
  ( cd "$dir" && sipp -sn uac "127.0.0.1:$port" -i 127.0.0.1 -r "$rate" -m "$calls" -l $((rate * 2 + 50)) \
      -nostdin -trace_stat -stf stat.csv -trace_rtt -rtt_freq 1 -timeout $((SECONDS_PER_RATE * 4 + 10))s \
      -max_recv_loops 10000 >/dev/null 2>&1 ) || true
  python3 - "$dir" <<'PY'
import csv, glob, sys
d = sys.argv[1]
ok = failed = 0
rows = list(csv.reader(open(d + "/stat.csv"), delimiter=";")) if glob.glob(d + "/stat.csv") else []
if len(rows) >= 2:
    head, last = rows[0], rows[-1]
    ok = int(last[head.index("SuccessfulCall(C)")]); failed = int(last[head.index("FailedCall(C)")])
times = []
for f in glob.glob(d + "/*_rtt.csv"):
    for r in list(csv.reader(open(f), delimiter=";"))[1:]:
        try: times.append(float(r[1]))
        except (ValueError, IndexError): pass
times.sort()
p95 = times[int(0.95 * (len(times) - 1))] if times else -1
print(ok, failed, "%.3f" % p95)
PY
}

declare -A BEST_RATE BEST_P95
echo "target rate successful failed p95_ms" >"$WORK/table"
for target in parley sipp_uas; do
  port=$PORT; [ "$target" = sipp_uas ] && port=$REF_PORT
  BEST_RATE[$target]=0; BEST_P95[$target]=-1
  for rate in $RATES; do
    read -r ok failed p95 < <(run_rate "$port" "$rate")
    echo "$target $rate $ok $failed $p95" >>"$WORK/table"
    if [ "$failed" = 0 ] && [ "$ok" = $((rate * SECONDS_PER_RATE)) ] && \
       python3 -c "import sys; sys.exit(0 if float('$p95') <= float('$P95_LIMIT_MS') else 1)"; then
      BEST_RATE[$target]=$rate; BEST_P95[$target]=$p95
    else
      break
    fi
  done
done
touch "$WORK/stop"
for _ in $(seq 100); do [ -f "$WORK/stop.json" ] && break; sleep 0.1; done
printf '{"config":"%s","seconds_per_rate":%s,"p95_limit_ms":'"$P95_LIMIT_MS"',"parley":{"max_rate_zero_failures":%s,"p95_setup_ms":%s},"sipp_uas":{"max_rate_zero_failures":%s,"p95_setup_ms":%s},"server_counters":%s}\n' \
  "$CONFIG" "$SECONDS_PER_RATE" "${BEST_RATE[parley]}" "${BEST_P95[parley]}" "${BEST_RATE[sipp_uas]}" "${BEST_P95[sipp_uas]}" \
  "$(cat "$WORK/stop.json" 2>/dev/null || echo null)"
column -t "$WORK/table"
