#!/usr/bin/env bash
# The inbound channel benchmark (issue 6). On a fresh local PostgreSQL 15 cluster with fsync on, a release
# `glavito serve` takes signed WhatsApp webhooks (one text message each, from 2,000 customers, so contacts and
# tickets are created and then reused) posted by `glavito benchmark whatsapp-inbound`, and prints the rate of
# committed messages and the receipt-to-visible latency percentiles (target: >= 1,000 messages/s, p99 < 100 ms).
# A warm-up of 2,000 messages (one per customer) and ANALYZE come first: the measured runs see the steady state of a
# running system, where autovacuum keeps statistics, not a planner that still thinks the tables empty.
# Environment: BENCH_MESSAGES (default 20000), BENCH_CONNECTIONS (default "8 32 64"), BENCH_BIN_DIR (use these
# binaries instead of building release ones), BENCH_PROFILE=1 (load pg_stat_statements and print the statements that
# took the most database time, with buffers per call; auto_explain logs plans slower than BENCH_EXPLAIN_MS, default 5,
# and the PostgreSQL log is copied to /tmp/postgres.log).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MESSAGES="${BENCH_MESSAGES:-20000}"

# shellcheck source=lib/cluster.bash
. "$here/lib/cluster.bash"
bench_setup channels glavito
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  export GLAVITO_PG_EXTRA_CONF="${GLAVITO_PG_EXTRA_CONF:-}
shared_preload_libraries = 'pg_stat_statements, auto_explain'
pg_stat_statements.track_planning = on
auto_explain.log_min_duration = '${BENCH_EXPLAIN_MS:-5}ms'
auto_explain.log_buffers = on
auto_explain.log_analyze = on
auto_explain.log_timing = off
auto_explain.log_nested_statements = on"
fi
export GLAVITO_LOG_LEVEL=warning GLAVITO_LOG_FORMAT=json GLAVITO_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"
bench_start_cluster
http_port="$(bench_free_port)"
GLAVITO_HTTP_PORT="$http_port" GLAVITO_DB_POOL_SIZE=20 "$bin/glavito" serve >"$state/serve.log" 2>&1 &
bench_pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http_port/healthz" >/dev/null && break; sleep 0.2; done
echo "bench/channels: PostgreSQL $("$root/infra/postgres.sh" psql -At -c 'SHOW server_version') on 127.0.0.1:$port, fsync on, $(nproc) cores"
# Warm-up: every customer writes once, so the contacts and tickets exist; then statistics as autovacuum keeps them
# in a running system (on a table that was empty a minute ago the planner would still think it empty).
"$bin/glavito" benchmark whatsapp-inbound --url "http://127.0.0.1:$http_port" --messages 2000 --concurrency 8 | sed 's/^/warm-up: /'
"$root/infra/postgres.sh" psql -d glavito -c "ANALYZE" >/dev/null
# CPU time, in clock ticks, of PostgreSQL (the postmaster, its live children and the ones it reaped), of the server and
# of this script's finished children (the load client): this VM's speed varies between runs, the CPU per message less.
serve_pid="${bench_pids[-1]}"
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
pg_ticks() {
  local postmaster total child
  postmaster="$(head -1 "$state/pg/postmaster.pid")"
  total="$(ticks "$postmaster")"
  for child in $(ps --ppid "$postmaster" -o pid=); do total=$((total + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0))); done
  echo "$total"
}
run() { # MESSAGES CONNECTIONS
  local pg0 serve0 client0 pg1 serve1 client1 hz
  hz="$(getconf CLK_TCK)"
  pg0="$(pg_ticks)"; serve0="$(ticks "$serve_pid")"; client0="$(awk '{print $16 + $17}' /proc/$$/stat)"
  "$bin/glavito" benchmark whatsapp-inbound --url "http://127.0.0.1:$http_port" --messages "$1" --concurrency "$2"
  pg1="$(pg_ticks)"; serve1="$(ticks "$serve_pid")"; client1="$(awk '{print $16 + $17}' /proc/$$/stat)"
  awk -v pg=$((pg1 - pg0)) -v serve=$((serve1 - serve0)) -v client=$((client1 - client0)) -v n="$1" -v hz="$hz" 'BEGIN {
    f = 1000 / hz / n
    printf "  CPU per message: PostgreSQL %.2f ms, server %.2f ms, client %.2f ms, total %.2f ms\n", pg * f, serve * f, client * f, (pg + serve + client) * f }'
}
# What the idle system costs (background timers, pollers), to tell it apart from the CPU per message.
pg0="$(pg_ticks)"; serve0="$(ticks "$serve_pid")"; sleep 5; pg1="$(pg_ticks)"; serve1="$(ticks "$serve_pid")"
echo "  idle CPU: PostgreSQL $(( (pg1 - pg0) * 1000 / $(getconf CLK_TCK) / 5 )) ms/s, server $(( (serve1 - serve0) * 1000 / $(getconf CLK_TCK) / 5 )) ms/s"
for connections in ${BENCH_CONNECTIONS:-8 32 64}; do
  run "$MESSAGES" "$connections"
done
# A paced run well below the ceiling shows the latency at a steady load.
run 5000 4
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  cp "$state"/*.log /tmp/ 2>/dev/null || true
  cp "$state"/pg/*.log /tmp/ 2>/dev/null || true
  "$root/infra/postgres.sh" psql -d glavito -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  "$root/infra/postgres.sh" psql -d glavito -c "SELECT calls, round(total_exec_time::numeric, 0) AS ms,
      round((total_exec_time / nullif(calls, 0))::numeric, 3) AS ms_each, round((total_plan_time / nullif(calls, 0))::numeric, 3) AS plan_each,
      shared_blks_hit / nullif(calls, 0) AS blocks_each, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 20"
  # Row locks shared by concurrent transactions (foreign key checks on one parent row) create multixacts.
  "$root/infra/postgres.sh" psql -d glavito -c "SELECT name, blks_zeroed, blks_hit, blks_read, blks_written FROM pg_stat_slru"
fi
