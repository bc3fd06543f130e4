# Sourced by the bench/*.sh scripts (not a benchmark itself): a fresh PostgreSQL 15 cluster with fsync on in a
# temporary directory, the release binaries, and clean-up of the cluster and of every pid in `bench_pids` on exit.
# Sets: root, state, port, bin (and exports the GLAVITO_PG* variables infra/postgres.sh reads).

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

bench_cleanup() {
  local status=$?
  for pid in "${bench_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  "$root/infra/postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$state"
  exit $status
}

# bench_setup NAME PRODUCT...: the state directory, a free port, the clean-up trap, and release builds of the
# products (or the binaries in BENCH_BIN_DIR, e.g. debug ones while working on a script).
bench_setup() {
  local name="$1"; shift
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  state="$(mktemp -d "/tmp/glavito-bench-$name.XXXXXX")"
  chmod 755 "$state"
  port="$(bench_free_port)"
  export GLAVITO_PGDATA="$state/pg" GLAVITO_PGPORT="$port" GLAVITO_PG_FSYNC=on GLAVITO_ENV_FILE="$state/glavito.env"
  bench_pids=()
  trap bench_cleanup EXIT INT TERM
  if [ -n "${BENCH_BIN_DIR:-}" ]; then
    bin="$BENCH_BIN_DIR"
  else
    echo "bench/$name: building release binaries"
    local product
    for product in "$@"; do swift build -c release --product "$product" >/dev/null; done
    bin="$(swift build -c release --show-bin-path)"
  fi
}

# bench_start_cluster: starts the cluster, loads its connection settings into the environment and migrates.
bench_start_cluster() {
  "$root/infra/postgres.sh" start >/dev/null
  set -a; . "$GLAVITO_ENV_FILE"; set +a
  "$bin/glavito" migrate >/dev/null
}
