#!/usr/bin/env bash
# Stop the Kamailio started by Scripts/cluster/start.sh.
#
#   Scripts/cluster/stop.sh [RUN_DIR]
#
# Sends SIGTERM to Kamailio's process group (the daemon leads its own session), waits
# up to 5 s for it to go, then SIGKILLs the group. A process started with SIGTERM
# blocked (as children of some runtimes are) is thus still stopped.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
run_dir=${1:-$here/.data/cluster}
pid_file="$run_dir/kamailio.pid"
[ -f "$pid_file" ] || { echo "cluster: no $pid_file, nothing to stop"; exit 0; }
pid=$(cat "$pid_file")
if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    echo "cluster: Kamailio (pid $pid) was not running"
    exit 0
fi
pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
kill -TERM -- "-$pgid" 2>/dev/null || true
deadline=$((SECONDS + 5))
while kill -0 -- "-$pgid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        kill -KILL -- "-$pgid" 2>/dev/null || true
        break
    fi
    sleep 0.1
done
rm -f "$pid_file" "$run_dir/kamailio_ctl"
echo "cluster: Kamailio (pid $pid) stopped"
