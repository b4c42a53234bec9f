#!/usr/bin/env bash
# Start Kamailio (examples/cluster) on loopback and wait until it answers.
#
#   Scripts/cluster/start.sh [RUN_DIR] [NODE_URI ...]
#
# RUN_DIR defaults to <repo>/.data/cluster. Same environment as render.sh, plus
# READY_TIMEOUT_S [10]. Kamailio daemonizes (pid in RUN_DIR/kamailio.pid, log in
# RUN_DIR/kamailio.log, ctl socket RUN_DIR/kamailio_ctl); the script returns once
# `kamcmd dispatcher.list` answers on that socket, or fails after READY_TIMEOUT_S with
# the log tail. Stop it with Scripts/cluster/stop.sh RUN_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
run_dir=${1:-$here/.data/cluster}
[ "$#" -gt 0 ] && shift
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
listen_ip=${LISTEN_IP:-127.0.0.1}
listen_port=${LISTEN_PORT:-5060}

"$here/Scripts/cluster/render.sh" "$run_dir" "$@"

if [ -f "$run_dir/kamailio.pid" ] && kill -0 "$(cat "$run_dir/kamailio.pid")" 2>/dev/null; then
    echo "cluster: Kamailio already running (pid $(cat "$run_dir/kamailio.pid")); stop it first" >&2
    exit 1
fi
rm -f "$run_dir/kamailio.pid" "$run_dir/kamailio_ctl"

kamailio -c -f "$run_dir/kamailio.cfg" >"$run_dir/check.log" 2>&1 || {
    echo "cluster: configuration check failed:" >&2
    cat "$run_dir/check.log" >&2
    exit 1
}

# -E: log to stderr (captured in kamailio.log); -P: daemonize with a pid file;
# -Y: runtime directory; small shared/private memory for a test front.
# perl (Debian perl-base) first clears the signal mask — a parent that starts children
# with signals blocked (some runtimes do) would otherwise leave SIGTERM ignored — and
# closes every inherited descriptor above stderr, so the daemon keeps no pipe or socket
# of whoever ran this script (a parent waiting for EOF or for its child's exit socket).
perl -MPOSIX -e 'sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die "sigprocmask: $!"; opendir(my $d, "/proc/self/fd") or die; my @fds = grep { /^\d+$/ && $_ > 2 } readdir($d); closedir($d); POSIX::close($_) for @fds; exec @ARGV or die "exec: $!"' \
    kamailio -f "$run_dir/kamailio.cfg" -P "$run_dir/kamailio.pid" -Y "$run_dir" \
    -E -m 64 -M 8 >>"$run_dir/kamailio.log" 2>&1 </dev/null

# Readiness: poll the control socket until the dispatcher answers. Kamailio binds its
# SIP socket before it forks the ctl process, so an answer means SIP is listening too.
deadline=$((SECONDS + ${READY_TIMEOUT_S:-10}))
while :; do
    if [ -S "$run_dir/kamailio_ctl" ] &&
        kamcmd -s "unix:$run_dir/kamailio_ctl" dispatcher.list >/dev/null 2>&1; then
        echo "cluster: Kamailio ready on $listen_ip:$listen_port (pid $(cat "$run_dir/kamailio.pid"))"
        exit 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "cluster: Kamailio not ready after ${READY_TIMEOUT_S:-10}s; log tail:" >&2
        tail -n 30 "$run_dir/kamailio.log" >&2 || true
        exit 1
    fi
    sleep 0.1
done
