#!/usr/bin/env bash
# The inbound email benchmark (issue 7). On a fresh local PostgreSQL 15 cluster with fsync on, a release
# `glavito serve` takes emails on its SMTP listener from `glavito benchmark smtp-inbound` (one connection per
# message, each a new ticket from one of 500 senders; 250 only after the commit) and prints the rate of committed
# messages and the connect-to-250 latency. The MIME parser's throughput beside Python's is bench/mime.sh.
# Environment: BENCH_MESSAGES (default 3000), BENCH_BIN_DIR (use these binaries instead of building release ones).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MESSAGES="${BENCH_MESSAGES:-3000}"

# shellcheck source=lib/cluster.bash
. "$here/lib/cluster.bash"
bench_setup email glavito
export GLAVITO_LOG_LEVEL=warning GLAVITO_LOG_FORMAT=json GLAVITO_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"
bench_start_cluster
http_port="$(bench_free_port)"
smtp_port="$(bench_free_port)"
GLAVITO_HTTP_PORT="$http_port" GLAVITO_SMTP_PORT="$smtp_port" GLAVITO_SMTP_SENDER_PER_MINUTE=1000000 GLAVITO_DB_POOL_SIZE=20 \
  GLAVITO_ATTACHMENTS_DIR="$state/attachments" "$bin/glavito" serve >"$state/serve.log" 2>&1 &
bench_pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http_port/healthz" >/dev/null && break; sleep 0.2; done
echo "bench/email: PostgreSQL $("$root/infra/postgres.sh" psql -At -c 'SHOW server_version') on 127.0.0.1:$port, fsync on, $(nproc) cores"
for connections in 4 16; do
  "$bin/glavito" benchmark smtp-inbound --port "$smtp_port" --messages "$MESSAGES" --concurrency "$connections"
done
