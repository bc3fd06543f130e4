#!/usr/bin/env bash
# Identity benchmark: Argon2id hash time and memory on this machine, and successful sign-ins per second that one
# control plane sustains (POST /login with the right password: throttle check, Argon2id verify, session, audit).
# Starts its own throwaway PostgreSQL like infra/test.sh. Uses bin/glavito (release, `make build`) when present.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

if [ -x bin/glavito ]; then
  glavito="$root/bin/glavito"; build=release
else
  swift build --product glavito >/dev/null
  glavito="$(swift build --show-bin-path)/glavito"; build="debug (run 'make build' first for release figures)"
fi
echo "identity bench: binary $glavito [$build]; $(nproc) cores"

state="$(mktemp -d /tmp/glavito-bench.XXXXXX)"
chmod 755 "$state"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
export GLAVITO_PGDATA="$state/pg" GLAVITO_PGPORT="$(free_port)" GLAVITO_PG_FSYNC=off GLAVITO_ENV_FILE="$state/glavito.env"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  "$root/infra/postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT INT TERM

"$root/infra/postgres.sh" start >/dev/null
set -a; . "$GLAVITO_ENV_FILE"; set +a
export GLAVITO_MASTER_KEY="$(head -c 32 /dev/urandom | base64)" GLAVITO_LOG_LEVEL=error GLAVITO_LOG_FORMAT=text
"$glavito" migrate >/dev/null

"$glavito" benchmark password-hash --count 20

cat >"$state/bench.yaml" <<YAML
slug: bench
name: Bench
users:
  - email: bench@example.com
    name: Bench User
    role: agent
YAML
"$glavito" tenants apply "$state/bench.yaml" --logins-file "$state/logins.txt" >/dev/null
password="$(awk '{print $4}' "$state/logins.txt")"

http_port="$(free_port)"
GLAVITO_HTTP_PORT="$http_port" GLAVITO_BASE_DOMAIN=localhost GLAVITO_LOGIN_MAX_FAILURES=1000 "$glavito" serve &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
python3 "$here/login_load.py" --port "$http_port" --host bench.localhost --email bench@example.com --password "$password" \
  --concurrency "${BENCH_CONCURRENCY:-8}" --seconds "${BENCH_SECONDS:-15}"
