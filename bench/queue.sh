#!/usr/bin/env bash
# The job queue benchmark (issue 4). On a fresh local PostgreSQL 15 cluster with fsync on and otherwise default
# settings, it measures and prints:
#   - our end-to-end throughput of no-op jobs (batched producers while a worker claims and completes) and drain rate
#   - PgQueuer's (PyPI pgqueuer, batched producers and consumers) on the same cluster, and the ratios
#   - a pgbench ceiling: batched claim-and-delete SQL alone, and our share of it
#   - the cost of fairness: draining 20 tenants' jobs with fair claims vs strictly global claims
#   - single-job enqueue rates with NOTIFY in every transaction vs coalesced after-commit wake-ups
#   - p50/p99 latency from enqueue to handler start at a steady 1,000 jobs/s, and the worker's peak RSS
# Environment: BENCH_JOBS (default 200000), BENCH_SECONDS (PgQueuer throughput timer, default 15), BENCH_BIN_DIR
# (use these binaries instead of building release ones).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
JOBS="${BENCH_JOBS:-200000}"
SECONDS_PGQ="${BENCH_SECONDS:-15}"

# shellcheck source=lib/cluster.bash
. "$here/lib/cluster.bash"
bench_setup queue glavito glavito-worker

venv="$root/.data/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pgqueuer, asyncpg, uvloop' 2>/dev/null; then
  echo "bench/queue: installing pgqueuer into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check pgqueuer asyncpg uvloop
fi

export GLAVITO_LOG_LEVEL=warning GLAVITO_LOG_FORMAT=json
bench_start_cluster
sql() { "$root/infra/postgres.sh" psql -At "$@"; }
now() { date +%s.%N; }
rate() { python3 -c "print(round($1 / ($3 - $2)))"; }
wait_empty() { while [ "$(sql -c "SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = 'maintenance.noop')")" = t ]; do sleep 0.02; done; }

start_worker() { # extra env assignments as arguments
  env GLAVITO_LOG_LEVEL=info GLAVITO_WORKER_CONCURRENCY=1000 GLAVITO_JOBS_CLAIM_BATCH=500 GLAVITO_JOBS_POLL_MS=100 "$@" \
    "$bin/glavito-worker" >"$state/worker.log" 2>&1 &
  bench_pids+=($!)
  until grep -qs "worker ready" "$state/worker.log"; do sleep 0.01; done
}
stop_workers() {
  for pid in "${bench_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bench_pids=()
}

echo "bench/queue: PostgreSQL $(sql -c 'SHOW server_version') on 127.0.0.1:$port, fsync $(sql -c 'SHOW fsync'), $(nproc) cores; $JOBS jobs per run"

# 1. Ours, end to end: producers (2 connections, 1,000-job transactions) while one worker drains.
t0="$(now)"
start_worker
worker_pid="${bench_pids[0]}"
"$bin/glavito" jobs load --count "$JOBS" --batch 1000 --producers 2 --tenants 1 >/dev/null
wait_empty
t1="$(now)"
ours_e2e="$(rate "$JOBS" "$t0" "$t1")"
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$worker_pid/status")"
stop_workers

# 2. Ours, drain: enqueue first, then time one worker emptying the queue.
"$bin/glavito" jobs load --count "$JOBS" --batch 5000 --producers 2 --tenants 1 >/dev/null
t0="$(now)"; start_worker; wait_empty; t1="$(now)"
ours_drain="$(rate "$JOBS" "$t0" "$t1")"
stop_workers

# 3. Fairness cost: 20 tenants, fair claims vs global claims (global needs an index not led by tenant_id, which
#    the migrations deliberately do not create; it exists only on this throwaway cluster).
"$bin/glavito" jobs load --count "$JOBS" --batch 5000 --producers 2 --tenants 20 >/dev/null
t0="$(now)"; start_worker; wait_empty; t1="$(now)"
fair_drain="$(rate "$JOBS" "$t0" "$t1")"
stop_workers
sql -c "CREATE INDEX jobs_bench_global_claim ON jobs (priority, run_at, id) WHERE state = 'available'" >/dev/null
"$bin/glavito" jobs load --count "$JOBS" --batch 5000 --producers 2 --tenants 20 >/dev/null
t0="$(now)"; start_worker GLAVITO_JOBS_CLAIM_STRATEGY=global; wait_empty; t1="$(now)"
global_drain="$(rate "$JOBS" "$t0" "$t1")"
stop_workers
sql -c "DROP INDEX jobs_bench_global_claim" >/dev/null

# 4. Single-job enqueues (a request path): 8 producers, NOTIFY in each transaction vs coalesced after commit.
single=$((JOBS / 10))
notify_tx="$("$bin/glavito" jobs load --count "$single" --batch 1 --producers 8 --notify in-transaction | sed -n 's/.*: \([0-9]*\) jobs\/s.*/\1/p')"
sql -c "DELETE FROM jobs" >/dev/null
notify_coalesced="$("$bin/glavito" jobs load --count "$single" --batch 1 --producers 8 --notify after-commit | sed -n 's/.*: \([0-9]*\) jobs\/s.*/\1/p')"
sql -c "DELETE FROM jobs" >/dev/null

# 5. Latency from enqueue to handler start at a steady 1,000 jobs/s (single-job transactions, coalesced wake-ups).
#    job_history.started_at is the claim's time, created_at the enqueue transaction's.
start_worker GLAVITO_JOBS_HISTORY=on GLAVITO_JOBS_POLL_MS=1000
"$bin/glavito" jobs load --count 15000 --batch 1 --producers 4 --rate 1000 >/dev/null
wait_empty
stop_workers
latency="$(sql -c "SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::numeric, 2) || ' ' ||
                          round((percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::numeric, 2)
                   FROM (SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms FROM job_history) l")"

# 6. PgQueuer on the same cluster, its own database.
sql -c "CREATE DATABASE pgqueuer_bench OWNER glavito_owner" >/dev/null
owner_url="$GLAVITO_OWNER_DATABASE_URL"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=glavito_owner PGDATABASE=pgqueuer_bench
PGPASSWORD="$(python3 -c "import sys, urllib.parse as u; print(u.unquote(u.urlparse(sys.argv[1]).password))" "$owner_url")"
export PGPASSWORD
"$venv/bin/python" -m pgqueuer install >/dev/null
pgq_e2e="$("$venv/bin/python" "$here/pgqueuer_bench.py" throughput "$SECONDS_PGQ" 2 1000 5 100 | awk '{print $2}')"
pgq_drain="$("$venv/bin/python" "$here/pgqueuer_bench.py" drain "$JOBS" 5 100 | awk '{print $2}')"

# 7. The raw SQL ceiling: pgbench running batched claim-and-delete (100 rows a statement) on a plain table.
sql -c "CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload jsonb NOT NULL DEFAULT '{}')" >/dev/null
sql -c "INSERT INTO bench_raw (payload) SELECT '{}' FROM generate_series(1, 2000000)" >/dev/null
sql -c "VACUUM ANALYZE bench_raw" >/dev/null
cat >"$state/claim.sql" <<'SQL'
WITH picked AS (SELECT id FROM bench_raw ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
DELETE FROM bench_raw b USING picked WHERE b.id = picked.id;
SQL
chmod 644 "$state/claim.sql"
pgbench_bin="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_ctl)")/pgbench"
[ -x "$pgbench_bin" ] || pgbench_bin=/usr/lib/postgresql/15/bin/pgbench
tps="$(runuser -u postgres -- "$pgbench_bin" -n -h "$(dirname "$GLAVITO_PGDATA")/pg-socket" -p "$port" -U postgres -c 4 -j 2 -T 10 \
  -f "$state/claim.sql" glavito 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
ceiling="$(python3 -c "print(round($tps * 100))")"

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo
echo "== job queue: no-op jobs, fsync on, $(nproc) cores"
echo "ours end-to-end (2 producers x 1000-job batches, 1 worker x 1000 slots):  $ours_e2e jobs/s"
echo "PgQueuer end-to-end (2 producers x 1000, 5 consumers x batch 100):        $pgq_e2e jobs/s"
echo "ratio ours / PgQueuer end-to-end:                                         $(ratio "$ours_e2e" "$pgq_e2e")  (target >= 2)"
echo "ours drain ($JOBS queued, 1 tenant):                                      $ours_drain jobs/s"
echo "PgQueuer drain ($JOBS queued, 5 consumers x batch 100):                   $pgq_drain jobs/s"
echo "ratio ours / PgQueuer drain:                                              $(ratio "$ours_drain" "$pgq_drain")"
echo "pgbench ceiling (claim-and-delete, 100 per statement, 4 clients):         $ceiling jobs/s"
echo "ratio ours end-to-end / ceiling:                                          $(ratio "$ours_e2e" "$ceiling")  (target >= 0.5)"
echo "ratio ours drain / ceiling:                                               $(ratio "$ours_drain" "$ceiling")"
echo "drain over 20 tenants, fair claims:                                       $fair_drain jobs/s"
echo "drain over 20 tenants, global claims (no fairness, bench-only index):     $global_drain jobs/s"
echo "fairness cost vs global claims:                                           $(python3 -c "print(f'{(1 - $fair_drain / $global_drain) * 100:.1f} %')")  (target <= 25 %; negative: fair is faster)"
echo "fair claims, 20 tenants vs 1 tenant:                                      $(ratio "$fair_drain" "$ours_drain")"
echo "single-job enqueue, 8 producers, NOTIFY in each transaction:              $notify_tx jobs/s"
echo "single-job enqueue, 8 producers, coalesced after-commit wake-ups:         $notify_coalesced jobs/s"
echo "ratio coalesced / in-transaction NOTIFY:                                  $(ratio "$notify_coalesced" "$notify_tx")"
echo "latency enqueue -> handler start at 1,000 jobs/s, p50 / p99:              $(echo "$latency" | awk '{print $1 " ms / " $2 " ms"}')"
echo "worker peak RSS (end-to-end run):                                         $((rss_kb / 1024)) MiB"
