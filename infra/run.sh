#!/usr/bin/env bash
# `make run`: PostgreSQL, migrations, the demo tenant, two workers and the control plane, in the foreground.
# Ctrl-C stops the control plane, the workers and PostgreSQL gracefully; the next run reuses the cluster and data.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

"$here/postgres.sh" start
set -a; . "$root/.data/glavito.env"; set +a
export GLAVITO_HTTP_PORT="${GLAVITO_HTTP_PORT:-8080}"
export GLAVITO_BASE_DOMAIN="${GLAVITO_BASE_DOMAIN:-localhost}"
export GLAVITO_LOG_FORMAT="${GLAVITO_LOG_FORMAT:-text}"

# The master key wrapping tenant data keys: generated once into .data/master.key (mode 600), never committed.
if [ -z "${GLAVITO_MASTER_KEY:-}" ] && [ -z "${GLAVITO_MASTER_KEY_FILE:-}" ]; then
  if [ ! -s "$root/.data/master.key" ]; then
    (umask 077; bin/glavito keys generate > "$root/.data/master.key")
    echo "run.sh: generated a master key in .data/master.key (back it up: without it encrypted data is lost)"
  fi
  export GLAVITO_MASTER_KEY_FILE="$root/.data/master.key"
fi

bin/glavito migrate
# Demo users get generated passwords on first run, kept only in .data/demo-logins.txt (git-ignored).
bin/glavito tenants apply tenants/ --logins-file "$root/.data/demo-logins.txt"

server_pid=""
shutdown() {
  trap - INT TERM
  echo
  echo "run.sh: stopping"
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  "$here/workers.sh" stop || true
  "$here/postgres.sh" stop || true
  exit 0
}
trap shutdown INT TERM

"$here/workers.sh" scale "${GLAVITO_WORKERS:-2}"
bin/glavito serve &
server_pid=$!

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$GLAVITO_HTTP_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "run.sh: the control plane failed to start" >&2; shutdown; }
  sleep 0.2
done

cat <<MSG

  Glavito is running.
    Demo workspace:   http://demo.$GLAVITO_BASE_DOMAIN:$GLAVITO_HTTP_PORT/
    Health:           http://127.0.0.1:$GLAVITO_HTTP_PORT/readyz   metrics: /metrics
    Workers:          $("$here/workers.sh" status | head -n 1)   (scale with: make workers N=4)
    Sign in at:       http://demo.$GLAVITO_BASE_DOMAIN:$GLAVITO_HTTP_PORT/login
    Demo logins (tenant, role, email, password; kept in .data/demo-logins.txt):
$(sed 's/^/      /' "$root/.data/demo-logins.txt" 2>/dev/null || echo "      none")
  Press Ctrl-C to stop everything.

MSG
wait "$server_pid" || true
shutdown
