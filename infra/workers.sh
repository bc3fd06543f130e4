#!/usr/bin/env bash
# Scales the worker processes on this host.
#
#   infra/workers.sh scale N   start or stop workers until exactly N run (stopping is graceful: SIGTERM, then
#                              in-flight jobs finish within GLAVITO_SHUTDOWN_TIMEOUT before SIGKILL)
#   infra/workers.sh status    list running workers
#   infra/workers.sh stop      stop all workers (scale 0)
#
# Workers read the same GLAVITO_* environment as the control plane; when GLAVITO_DATABASE_URL is unset the local
# cluster's .data/glavito.env is used. Pid files and logs live in .data/workers/ (GLAVITO_WORKER_DIR).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dir="${GLAVITO_WORKER_DIR:-$root/.data/workers}"
binary="${GLAVITO_WORKER_BIN:-$root/bin/glavito-worker}"
timeout="${GLAVITO_SHUTDOWN_TIMEOUT:-30}"
mkdir -p "$dir"

if [ -z "${GLAVITO_DATABASE_URL:-}" ] && [ -f "$root/.data/glavito.env" ]; then
  set -a; . "$root/.data/glavito.env"; set +a
fi

alive() { # pid file -> 0 when that worker process still runs
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null && grep -q glavito-worker "/proc/$pid/cmdline" 2>/dev/null
}

running_slots() {
  local f
  for f in "$dir"/worker-*.pid; do
    [ -e "$f" ] || continue
    if alive "$f"; then basename "$f" .pid | sed 's/worker-//'; else rm -f "$f"; fi
  done | sort -n
}

start_slot() {
  local slot="$1"
  [ -x "$binary" ] || { echo "workers.sh: $binary not found; run 'make build' first" >&2; exit 1; }
  (
    # A daemon keeps no descriptor of whoever started it (a caller waiting for EOF on one would hang).
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    # With GLAVITO_WORKER_METRICS_BASE_PORT set, worker N serves /metrics on base + N.
    if [ -n "${GLAVITO_WORKER_METRICS_BASE_PORT:-}" ]; then
      export GLAVITO_WORKER_METRICS_PORT=$((GLAVITO_WORKER_METRICS_BASE_PORT + slot))
    fi
    exec nohup "$binary" >>"$dir/worker-$slot.log" 2>&1 </dev/null
  ) &
  local pid=$! tries=0
  echo "$pid" >"$dir/worker-$slot.pid"
  # Until the forked shell has exec'd the binary its command line is not the worker's yet: wait for it, so that
  # a status check right after start-up does not mistake the new worker for a stale pid file.
  while ! grep -q glavito-worker "/proc/$pid/cmdline" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -ge 100 ]; then
      echo "workers.sh: worker $slot failed to start; see $dir/worker-$slot.log" >&2
      rm -f "$dir/worker-$slot.pid"
      return 1
    fi
    sleep 0.05; tries=$((tries + 1))
  done
  echo "workers.sh: started worker $slot (pid $pid)"
}

stop_slot() {
  local slot="$1" f="$dir/worker-$1.pid" pid waited=0
  alive "$f" || { rm -f "$f"; return; }
  pid="$(cat "$f")"
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((timeout * 10)) ]; then
      echo "workers.sh: worker $slot did not stop within ${timeout}s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  rm -f "$f"
  echo "workers.sh: stopped worker $slot (pid $pid)"
}

scale() {
  local want="$1" slots count slot
  [[ "$want" =~ ^[0-9]+$ ]] || { echo "workers.sh: scale needs a whole number, got '$want'" >&2; exit 2; }
  mapfile -t slots < <(running_slots)
  count="${#slots[@]}"
  if [ "$count" -lt "$want" ]; then
    slot=1
    while [ "$count" -lt "$want" ]; do
      if ! alive "$dir/worker-$slot.pid"; then start_slot "$slot"; count=$((count + 1)); fi
      slot=$((slot + 1))
    done
  elif [ "$count" -gt "$want" ]; then
    # stop the highest slots first, in parallel so a large scale-down takes one shutdown timeout, not N
    local victims=("${slots[@]:$want}")
    for slot in "${victims[@]}"; do stop_slot "$slot" & done
    wait
  fi
  echo "workers.sh: $(running_slots | wc -l) worker(s) running"
}

case "${1:-}" in
  scale) scale "${2:?usage: $0 scale N}" ;;
  stop) scale 0 ;;
  status)
    mapfile -t slots < <(running_slots)
    echo "${#slots[@]} worker(s) running"
    for slot in "${slots[@]}"; do echo "  worker $slot: pid $(cat "$dir/worker-$slot.pid")"; done ;;
  *) echo "usage: $0 scale N|status|stop" >&2; exit 2 ;;
esac
