#!/usr/bin/env bash
# Chaos check of a live worker fleet: probe jobs drain while workers are SIGKILLed at random moments; passes when
# every probe had its effect exactly once (`glavito jobs probe`), fails otherwise.
#
#   infra/chaos.sh [KILLS] [WORKERS] [JOBS]      defaults: 100 kills, 3 workers, 5000 jobs
#
# Uses the local cluster (.data/glavito.env) unless GLAVITO_DATABASE_URL is set, bin/glavito and bin/glavito-worker
# (make build), and the tenant in tenants/demo.yaml (slug demo) unless CHAOS_TENANT names another.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
kills="${1:-100}" workers="${2:-3}" jobs="${3:-5000}"
tenant="${CHAOS_TENANT:-demo}"
if [ -z "${GLAVITO_DATABASE_URL:-}" ] && [ -f "$root/.data/glavito.env" ]; then
  set -a; . "$root/.data/glavito.env"; set +a
fi
export GLAVITO_JOBS_LEASE_SECONDS="${GLAVITO_JOBS_LEASE_SECONDS:-5}" GLAVITO_JOBS_MAINTENANCE_SECONDS="${GLAVITO_JOBS_MAINTENANCE_SECONDS:-1}"
export GLAVITO_WORKER_DIR="${GLAVITO_WORKER_DIR:-$root/.data/chaos-workers}"

"$here/workers.sh" scale "$workers" >/dev/null
"$root/bin/glavito" jobs probe --tenant "$tenant" --count "$jobs" --sleep-ms 20 --wait $((kills + 300)) &
probe=$!
for ((i = 1; i <= kills; i++)); do
  sleep "0.$((RANDOM % 9 + 1))"
  mapfile -t pids < <(cat "$GLAVITO_WORKER_DIR"/worker-*.pid 2>/dev/null || true)
  [ "${#pids[@]}" -gt 0 ] || continue
  kill -KILL "${pids[$((RANDOM % ${#pids[@]}))]}" 2>/dev/null || true
  "$here/workers.sh" scale "$workers" >/dev/null
done
echo "chaos: $kills SIGKILLs done; waiting for the probes"
status=0
wait "$probe" || status=$?
"$here/workers.sh" stop >/dev/null
exit $status
