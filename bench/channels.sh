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
for connections in ${BENCH_CONNECTIONS:-8 32 64}; do
  "$bin/glavito" benchmark whatsapp-inbound --url "http://127.0.0.1:$http_port" --messages "$MESSAGES" --concurrency "$connections"
done
# A paced run well below the ceiling shows the latency at a steady load.
"$bin/glavito" benchmark whatsapp-inbound --url "http://127.0.0.1:$http_port" --messages 5000 --concurrency 4
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  cp "$state"/*.log /tmp/ 2>/dev/null || true
  cp "$state"/pg/*.log /tmp/ 2>/dev/null || true
  "$root/infra/postgres.sh" psql -d glavito -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  "$root/infra/postgres.sh" psql -d glavito -c "SELECT calls, round(total_exec_time::numeric, 0) AS ms,
      round((total_exec_time / nullif(calls, 0))::numeric, 3) AS ms_each, round((total_plan_time / nullif(calls, 0))::numeric, 3) AS plan_each,
      shared_blks_hit / nullif(calls, 0) AS blocks_each, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 20"
fi
