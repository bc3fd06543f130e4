#!/usr/bin/env bash
# `make test`: a throwaway PostgreSQL cluster on a free port, the whole suite against it, and the cluster stopped
# and removed afterwards, also when tests fail or the run is interrupted.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

state="$(mktemp -d /tmp/glavito-test.XXXXXX)"
chmod 755 "$state"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
export GLAVITO_PGDATA="$state/pg" GLAVITO_PGPORT="$port" GLAVITO_PG_FSYNC=off GLAVITO_ENV_FILE="$state/glavito.env"
# The suite runs many control-plane and worker processes at once, each with its pools: more than the default 200.
export GLAVITO_PG_EXTRA_CONF="max_connections = 800"

cleanup() {
  local status=$?
  "$here/postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$state"
  exit $status
}
trap cleanup EXIT INT TERM

"$here/postgres.sh" start
set -a
# shellcheck disable=SC1090
. "$GLAVITO_ENV_FILE"
set +a
export GLAVITO_TEST_DATABASE_URL="$GLAVITO_DATABASE_URL"
export GLAVITO_TEST_PLATFORM_DATABASE_URL="$GLAVITO_PLATFORM_DATABASE_URL"
export GLAVITO_TEST_OWNER_DATABASE_URL="$GLAVITO_OWNER_DATABASE_URL"
export GLAVITO_LOG_LEVEL="${GLAVITO_LOG_LEVEL:-warning}"
# A throwaway master key for the tenant data keys of this run (tests that need their own make their own).
export GLAVITO_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"

# Two extra databases: one the migration tests migrate from scratch, one that stays empty so that the version
# check's refusal can be seen.
"$here/postgres.sh" psql -d postgres <<SQL
CREATE DATABASE glavito_scratch OWNER glavito_owner;
CREATE DATABASE glavito_empty OWNER glavito_owner;
SQL
export GLAVITO_TEST_SCRATCH_DATABASE_URL="${GLAVITO_OWNER_DATABASE_URL/\/glavito\?//glavito_scratch?}"
export GLAVITO_TEST_EMPTY_DATABASE_URL="${GLAVITO_PLATFORM_DATABASE_URL/\/glavito\?//glavito_empty?}"

swift build --build-tests
bin_dir="$(swift build --show-bin-path)"
export GLAVITO_TEST_BIN_DIR="$bin_dir" GLAVITO_TEST_REPO_ROOT="$root"
# The suite runs against a schema migrated once, by the real command.
"$bin_dir/glavito" migrate
# At most 12 tests at once: the suite starts many servers, workers and browsers, and on two cores running all of
# them together starved timing-sensitive tests.
swift test --skip-build --experimental-maximum-parallelization-width 12 "$@"
# A short libFuzzer run of the MIME parser on its committed corpus (a crash, trap, leak or hang fails `make test`);
# skipped when the run is filtered to some tests, or with GLAVITO_FUZZ_SECONDS=0.
if [ "$#" -eq 0 ] && [ "${GLAVITO_FUZZ_SECONDS:-25}" != 0 ]; then
  "$here/fuzz.sh" "${GLAVITO_FUZZ_SECONDS:-25}"
fi
