#!/usr/bin/env bash
# The live-updates benchmark (issue 5). On a fresh local PostgreSQL 15 cluster with fsync on, one control plane
# (release build) serves 100 WebSocket clients (API key, topic `dashboard`, four Python client processes of 25) while an
# appender commits single-event transactions at a steady rate (default 1,000 events/s for 10 s, 8 connections).
# Prints p50/p90/p99/max latency from COMMIT returning in the appender to the frame arriving at a client (same
# machine, same clock), over every delivery after the first second of events (warm-up), and the delivered share.
# Environment: BENCH_LIVE_RATE, BENCH_LIVE_SECONDS, BENCH_LIVE_CLIENTS, BENCH_LIVE_CLIENT_PROCESSES,
# BENCH_LIVE_CLIENT (picows, the default: a Cython client that leaves more of the shared cores to the server; or
# websockets, the pure-Python client the tests use),
# BENCH_BIN_DIR (use these binaries instead
# of building release ones).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
RATE="${BENCH_LIVE_RATE:-1000}"
SECONDS_LOAD="${BENCH_LIVE_SECONDS:-10}"
CLIENTS="${BENCH_LIVE_CLIENTS:-100}"
PROCS="${BENCH_LIVE_CLIENT_PROCESSES:-4}"
IMPL="${BENCH_LIVE_CLIENT:-picows}"

# shellcheck source=lib/cluster.bash
. "$here/lib/cluster.bash"
bench_setup live glavito
http_port="$(bench_free_port)"

venv="$root/.data/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import asyncpg, websockets, picows' 2>/dev/null; then
  echo "bench/live: installing asyncpg, websockets and picows into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check asyncpg websockets==15.0.1 picows==2.3.1
fi
py="$venv/bin/python"

export GLAVITO_LOG_LEVEL=warning GLAVITO_LOG_FORMAT=json GLAVITO_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"
bench_start_cluster
printf 'slug: bench\nname: Bench\nbranding:\n  name: Bench\n' >"$state/bench.yaml"
"$bin/glavito" tenants apply "$state/bench.yaml" >/dev/null
tenant="$("$root/infra/postgres.sh" psql -At -c "SELECT id FROM tenants WHERE slug = 'bench'")"
key="$("$py" "$here/live_load.py" key --dsn "$GLAVITO_DATABASE_URL" --tenant "$tenant")"

# One API key holds every client connection: lift the per-key limit (GLAVITO_LIVE_MAX_CONNECTIONS, 20 by default).
GLAVITO_LIVE_MAX_CONNECTIONS=$((CLIENTS + 10)) GLAVITO_HTTP_PORT="$http_port" GLAVITO_LOG_LEVEL=info "$bin/glavito" serve >"$state/serve.log" 2>&1 &
bench_pids+=($!)
until grep -qs "live updates ready" "$state/serve.log"; do sleep 0.05; done

# Client processes of CLIENTS / PROCS connections each (Python is single-threaded); each stops when its fifo closes.
stop_fds=()
for part in $(seq 1 "$PROCS"); do
  count=$((CLIENTS / PROCS)); [ "$part" = "$PROCS" ] && count=$((CLIENTS - (PROCS - 1) * (CLIENTS / PROCS)))
  mkfifo "$state/stop$part"
  "$py" "$here/live_load.py" clients --impl "$IMPL" --port "$http_port" --host "bench.localhost:$http_port" --key "$key" --count "$count" \
    --out "$state/received$part" <"$state/stop$part" >"$state/clients$part.log" 2>&1 &
  bench_pids+=($!)
done
# Opened only once every client runs, so that no client inherits another's writing end.
for part in $(seq 1 "$PROCS"); do exec {fd}>"$state/stop$part"; stop_fds+=("$fd"); done
for part in $(seq 1 "$PROCS"); do until grep -qs ready "$state/clients$part.log"; do sleep 0.05; done; done

echo "bench/live: PostgreSQL $("$root/infra/postgres.sh" psql -At -c 'SHOW server_version') (fsync $("$root/infra/postgres.sh" psql -At -c 'SHOW fsync')), $(nproc) cores; $CLIENTS $IMPL clients, $RATE events/s for $SECONDS_LOAD s"
"$py" "$here/live_load.py" append --dsn "$GLAVITO_DATABASE_URL" --tenant "$tenant" --rate "$RATE" --seconds "$SECONDS_LOAD" --out "$state/commits"
sleep 2
for fd in "${stop_fds[@]}"; do eval "exec $fd>&-"; done
for pid in "${bench_pids[@]:1}"; do wait "$pid" || true; done
cat "$state"/received[0-9]* >"$state/received"
"$py" "$here/live_load.py" report --commits "$state/commits" --received "$state/received" --clients "$CLIENTS" --warmup "${RATE%.*}"
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/${bench_pids[0]}/status")"
echo "control plane peak RSS: $((rss_kb / 1024)) MiB"
