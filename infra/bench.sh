#!/usr/bin/env bash
# `make bench`: every benchmark prints its figures and ratios against the baseline its issue names.
# The harness runs each executable script in bench/ in order.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
shopt -s nullglob
scripts=("$root"/bench/*.sh)
if [ "${#scripts[@]}" -eq 0 ]; then
  echo "bench: no benchmarks yet"
  exit 0
fi
for script in "${scripts[@]}"; do
  echo "== $(basename "$script")"
  "$script"
done
