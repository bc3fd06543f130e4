#!/usr/bin/env bash
# The event log benchmark (issue 5). On a fresh local PostgreSQL 15 cluster with fsync on and otherwise default
# settings, it measures and prints:
#   - append throughput through EventStore.append (`glavito benchmark event-append`), one event per transaction
#     and 100 per transaction, 8 connections, 1,000 streams over the 16 partitions
#   - the same statements (tenant bind, partition head update, INSERT … SELECT) run by pgbench as the same role
#     with the same concurrency, and our share of it (target >= 0.8)
#   - consumer-group throughput with 1, 2 and 4 member processes reading the whole log (no-op handler)
# Environment: BENCH_EVENTS (single-event appends, default 40000; batched appends are 10x), BENCH_BIN_DIR (use these
# binaries instead of building release ones).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
EVENTS="${BENCH_EVENTS:-40000}"
BATCHED=$((EVENTS * 10))
PRODUCERS=8

# shellcheck source=lib/cluster.bash
. "$here/lib/cluster.bash"
bench_setup events glavito
export GLAVITO_LOG_LEVEL=warning GLAVITO_LOG_FORMAT=json
bench_start_cluster
sql() { "$root/infra/postgres.sh" psql -At "$@"; }
now() { date +%s.%N; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
per_second() { sed -n 's/.*: \([0-9]*\) events\/s.*/\1/p'; }

echo "bench/events: PostgreSQL $(sql -c 'SHOW server_version') on 127.0.0.1:$port, fsync $(sql -c 'SHOW fsync'), $(nproc) cores"

# 1. Ours: single events per transaction, then 100 per transaction.
single="$("$bin/glavito" benchmark event-append --count "$EVENTS" --batch 1 --producers "$PRODUCERS" | per_second)"
batched="$("$bin/glavito" benchmark event-append --count "$BATCHED" --batch 100 --producers "$PRODUCERS" | per_second)"
tenant="$(sql -c "SELECT id FROM tenants WHERE slug = 'bench-events'")"

# 2. pgbench: the statements EventStore.append runs, as the application role (row-level security on), over TCP
#    like our pool, with the same concurrency. Each event's document is parsed as JSON per row, as ours are (a
#    constant '…'::jsonb would be parsed once per statement, which no real append of distinct documents gets).
read -r app_user app_password <<<"$(python3 -c "import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(u.unquote(p.username), u.unquote(p.password))" "$GLAVITO_DATABASE_URL")"
write_script() { # $1 = events per transaction, $2 = file
  cat >"$2" <<SQL
\\set s random(0, 999)
BEGIN;
SELECT glavito_bind_tenant('$tenant');
UPDATE event_partitions SET head = head + $1 WHERE partition = glavito_event_partition('$tenant', 'pgbench/' || :s) RETURNING partition AS p, head AS h \\gset
INSERT INTO events (tenant_id, stream, version, partition, position, type, data, metadata)
SELECT '$tenant', 'pgbench/' || :s, current.version + e.n, :p, :h - $1 + e.n, 'bench.appended',
       ('{"ticket":' || (41 + e.n - e.n + 1) || ',"status":"open","channel":"whatsapp"}')::jsonb, '{}'::jsonb
FROM (SELECT coalesce(max(version), 0) AS version FROM events WHERE tenant_id = '$tenant' AND stream = 'pgbench/' || :s) AS current,
     generate_series(1, $1) AS e(n)
RETURNING version, position;
COMMIT;
SQL
  chmod 644 "$2"
}
write_script 1 "$state/append1.sql"
write_script 100 "$state/append100.sql"
pgbench_bin="$(dirname "$(command -v pg_ctl 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_ctl)")/pgbench"
[ -x "$pgbench_bin" ] || pgbench_bin=/usr/lib/postgresql/15/bin/pgbench
pgbench_tps() { # $1 = script, $2 = transactions per client
  PGPASSWORD="$app_password" "$pgbench_bin" -n -h 127.0.0.1 -p "$port" -U "$app_user" -c "$PRODUCERS" -j 2 -t "$2" \
    -f "$1" glavito 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
pg_single="$(python3 -c "print(round($(pgbench_tps "$state/append1.sql" $((EVENTS / PRODUCERS)))))")"
pg_batched="$(python3 -c "print(round($(pgbench_tps "$state/append100.sql" $((BATCHED / 100 / PRODUCERS))) * 100))")"

# 3. Consumer groups: 1, 2 and 4 member processes of a new group read the whole log from the beginning.
total="$(sql -c "SELECT sum(head) FROM event_partitions")"
consume() { # $1 = members
  local group="bench-$1" t0 t1
  bench_pids=()
  t0="$(now)"
  for m in $(seq 1 "$1"); do
    "$bin/glavito" benchmark event-consume --group "$group" --member "m$m" >"$state/consume-$1-$m.log" 2>&1 &
    bench_pids+=($!)
  done
  for pid in "${bench_pids[@]}"; do wait "$pid"; done
  t1="$(now)"
  bench_pids=()
  python3 -c "print(round($total / ($t1 - $t0)))"
}
consume1="$(consume 1)"
consume2="$(consume 2)"
consume4="$(consume 4)"

echo
echo "== event log: fsync on, $(nproc) cores, $PRODUCERS connections, 1,000 streams over 16 partitions"
echo "ours, 1 event per transaction ($EVENTS events):                   $single events/s"
echo "pgbench, the same statements, 1 event per transaction:            $pg_single events/s"
echo "ratio ours / pgbench, single:                                     $(ratio "$single" "$pg_single")  (target >= 0.8)"
echo "ours, 100 events per transaction ($BATCHED events):               $batched events/s"
echo "pgbench, the same statements, 100 events per transaction:         $pg_batched events/s"
echo "ratio ours / pgbench, batched:                                    $(ratio "$batched" "$pg_batched")  (target >= 0.8)"
echo "consumer group reading $total events, 1 member:                   $consume1 events/s"
echo "consumer group, 2 member processes:                               $consume2 events/s ($(ratio "$consume2" "$consume1")x of 1)"
echo "consumer group, 4 member processes:                               $consume4 events/s ($(ratio "$consume4" "$consume1")x of 1)"
