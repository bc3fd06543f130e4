#!/usr/bin/env bash
# The ticket list API at scale (issue 6: filters "that stay fast at a million tickets per tenant"). On a fresh local
# PostgreSQL 15 cluster with fsync on, a release `glavito serve` answers GET /api/v1/tickets for a tenant seeded with
# BENCH_SMALL tickets (default 10,000), then again after seeding up to BENCH_TICKETS (default 1,000,000): the first page
# with each filter (status, assignee, unassigned, team, channel, tag, priority, updated since, two combined) and 40 pages
# deep by following `next`, one request at a time (bench/tickets_load.py), p50 and p99 in ms, and the ratio of the large
# tenant's p99 to the small one's. Tickets get assignees, teams, tags and channels by a hash of their id, so each filter
# selects a fixed share (assignee 1/5, team 1/7, email 1/3, vip 1/50) at both sizes.
# Environment: BENCH_SMALL, BENCH_TICKETS, BENCH_REPEATS (requests per query, default 30), BENCH_BIN_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SMALL="${BENCH_SMALL:-10000}"
TICKETS="${BENCH_TICKETS:-1000000}"
REPEATS="${BENCH_REPEATS:-30}"

# shellcheck source=lib/cluster.bash
. "$here/lib/cluster.bash"
bench_setup tickets glavito
export GLAVITO_LOG_LEVEL=warning GLAVITO_LOG_FORMAT=json GLAVITO_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"
bench_start_cluster
psql() { "$root/infra/postgres.sh" psql -d glavito -v ON_ERROR_STOP=1 "$@"; }
"$bin/glavito" benchmark workspace-seed --tickets "$SMALL" --contacts "$((SMALL / 5 + 1))" >/dev/null
password="bench-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
email="agent-$RANDOM@bench.example"
echo "$password" | "$bin/glavito" users create --tenant bench-events --email "$email" --name "Bench Agent" --role admin --password-stdin >/dev/null
assignee="$(psql -At -c "SELECT id FROM users WHERE email = '$email'")"
# Assignees, teams, tags and channels by a hash of the id: the same shares at every size.
enrich() {
  psql -q -c "UPDATE tickets SET
      assignee_id = CASE WHEN abs(hashtext(id::text)) % 5 = 0 THEN '$assignee'::uuid END,
      team = CASE WHEN abs(hashtext(id::text || 't')) % 7 = 0 THEN 'billing' END,
      tags = CASE WHEN abs(hashtext(id::text || 'g')) % 50 = 0 THEN ARRAY['vip'] ELSE '{}' END,
      last_channel = (ARRAY['email', 'whatsapp', 'whatsapp', 'email', 'instagram', 'whatsapp', 'email', 'webchat',
                            'whatsapp', 'email', 'whatsapp', 'whatsapp', 'email', 'whatsapp', 'whatsapp'])[1 + abs(hashtext(id::text || 'c')) % 15]
    WHERE tenant_id = (SELECT tenant_id FROM users WHERE id = '$assignee')"
  psql -q -c "VACUUM ANALYZE tickets" >/dev/null
}
enrich
http_port="$(bench_free_port)"
GLAVITO_HTTP_PORT="$http_port" GLAVITO_SMTP_PORT=0 GLAVITO_DB_POOL_SIZE=10 GLAVITO_API_RATE_LIMIT=100000 "$bin/glavito" serve >"$state/serve.log" 2>&1 &
bench_pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http_port/healthz" >/dev/null && break; sleep 0.2; done
echo "bench/tickets: PostgreSQL $("$root/infra/postgres.sh" psql -At -c 'SHOW server_version') on 127.0.0.1:$port, fsync on, $(nproc) cores"
settings="{\"host\":\"bench-events.localhost\",\"port\":$http_port,\"email\":\"$email\",\"password\":\"$password\",\"assignee\":\"$assignee\",\"repeats\":$REPEATS}"
small="$(python3 "$here/tickets_load.py" "$settings")"
started=$(date +%s)
"$bin/glavito" benchmark workspace-seed --tickets "$((TICKETS - SMALL))" --contacts "$((TICKETS / 5))" >/dev/null
enrich
echo "  seeded up to $(psql -At -c 'SELECT count(*) FROM tickets') tickets in $(( $(date +%s) - started )) s"
large="$(python3 "$here/tickets_load.py" "$settings")"
python3 - "$small" "$large" "$SMALL" "$TICKETS" <<'PY'
import json, sys
small, large = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"  {'query':32} {'p50 / p99 at ' + sys.argv[3]:>24} {'p50 / p99 at ' + sys.argv[4]:>26} {'p99 ratio':>10}")
for name, s in small.items():
    l = large[name]
    print(f"  {name:32} {s['p50']:>10.1f} / {s['p99']:>6.1f} ms {l['p50']:>12.1f} / {l['p99']:>6.1f} ms {l['p99'] / s['p99']:>9.2f}x")
PY
