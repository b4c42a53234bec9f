#!/usr/bin/env bash
# Runs a SIP daemon and a sender in a fresh network namespace that has only loopback, so
# fixtures carrying foreign addresses (RFC 4475, fuzz inputs) can be sent unmodified and
# nothing the daemon sends can leave the machine. The namespace is deleted afterwards, also
# on failure or interruption. Needs root (ip netns).
#
# usage: Scripts/netns/run.sh [--ready-timeout S] --daemon 'CMD ARGS…' -- SENDER ARGS…
#   The daemon must print a line containing `ready sip=HOST:PORT` on stdout (parleyd and
#   parley-sip-standin do). The sender runs with `--target HOST:PORT --daemon-pid PID`
#   appended. Output (stdout): one JSON object
#   {"namespace", "links", "sender": <sender's JSON>, "daemon_exit", "daemon_stdout", "daemon_stderr"}.
#   Exit status: 0 when the sender ran; 1 when the daemon did not become ready or the
#   namespace could not be set up; 77 when `ip netns` is not available (not root).
set -euo pipefail

ready_timeout=20
daemon=""
while [ $# -gt 0 ]; do
    case "$1" in
        --ready-timeout) ready_timeout="$2"; shift 2 ;;
        --daemon) daemon="$2"; shift 2 ;;
        --) shift; break ;;
        *) echo "usage: $0 [--ready-timeout S] --daemon 'CMD' -- SENDER…" >&2; exit 2 ;;
    esac
done
[ -n "$daemon" ] && [ $# -gt 0 ] || { echo "usage: $0 [--ready-timeout S] --daemon 'CMD' -- SENDER…" >&2; exit 2; }

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    echo "ip netns needs root and iproute2" >&2
    exit 77
fi

ns="parley-sip-$$-$RANDOM"
work=$(mktemp -d)
daemon_pid=""
created=0

# The daemon runs as `setsid ip netns exec …`: its own process group, led by $daemon_pid
# (ip, which may fork the daemon and wait for it). SIGTERM goes to the daemon itself (ip's
# child, or ip's own image when it exec'd), so ip exits with the daemon's status; whatever
# is left after 5 s gets SIGKILL, group-wide.
stop_daemon() {
    [ -n "$daemon_pid" ] || return 0
    if kill -0 "$daemon_pid" 2>/dev/null; then
        local children
        children=$(pgrep -P "$daemon_pid" || true)
        # shellcheck disable=SC2086
        kill -TERM ${children:-$daemon_pid} 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$daemon_pid" 2>/dev/null || true
    fi
    wait "$daemon_pid" 2>/dev/null && daemon_exit=0 || daemon_exit=$?
    daemon_pid=""
}

cleanup() {
    local status=$?
    stop_daemon
    if [ "$created" = 1 ]; then ip netns del "$ns" 2>/dev/null || true; fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! ip netns add "$ns" 2>"$work/err"; then
    cat "$work/err" >&2
    exit 77
fi
created=1
ip netns exec "$ns" ip link set lo up
# Every address is local inside the namespace (AnyIP): answers to a foreign Via or Contact
# come back to the sender instead of failing; with lo the only link nothing can leave.
ip netns exec "$ns" ip route add local 0.0.0.0/0 dev lo
ip netns exec "$ns" ip -6 route add local ::/0 dev lo 2>/dev/null || true
links=$(ip netns exec "$ns" ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
if [ "$(echo $links)" != "lo" ]; then
    echo "namespace $ns has links other than lo: $links" >&2
    exit 1
fi

# shellcheck disable=SC2086  # the daemon command is a word list on purpose
setsid ip netns exec "$ns" $daemon >"$work/daemon.out" 2>"$work/daemon.err" &
daemon_pid=$!
target=""
for _ in $(seq $((ready_timeout * 10))); do
    target=$(sed -n 's/.*ready sip=\([^ ]*\).*/\1/p' "$work/daemon.out" | head -1)
    [ -n "$target" ] && break
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$target" ]; then
    echo "daemon did not become ready: $daemon" >&2
    tail -20 "$work/daemon.err" >&2 || true
    exit 1
fi

ip netns exec "$ns" "$@" --target "$target" --daemon-pid "$daemon_pid" >"$work/sender.out" 2>"$work/sender.err" \
    && sender_status=0 || sender_status=$?
daemon_exit=""
stop_daemon
python3 - "$ns" "$links" "$work" "$sender_status" "$daemon_exit" <<'PY'
import json, sys
ns, links, work, sender_status, daemon_exit = sys.argv[1:6]
def text(name, limit=4000):
    try:
        with open(f"{work}/{name}", "rb") as f:
            return f.read()[-limit:].decode("utf-8", "replace")
    except OSError:
        return ""
try:
    sender = json.loads(text("sender.out", 10_000_000))
except ValueError:
    sender = None
json.dump({"namespace": ns, "links": links.split(), "sender": sender, "sender_status": int(sender_status),
           "sender_stderr": text("sender.err"), "daemon_exit": int(daemon_exit) if daemon_exit else None,
           "daemon_stdout": text("daemon.out"), "daemon_stderr": text("daemon.err")}, sys.stdout)
print()
PY
