#!/usr/bin/env bash
# Fuzzes the MIME parser (Core/Email) with libFuzzer: builds .build/fuzz/mime-fuzz from Core/Email/*.swift and
# Tests/fuzz/MIMEFuzz.swift with `swiftc -sanitize=fuzzer,address`, then runs it on the corpus kept in
# Tests/fuzz/corpus/mime (read as seeds; new interesting inputs go to .build/fuzz/corpus, and FUZZ_MERGE=1 merges
# both into a minimal Tests/fuzz/corpus/mime to commit).
#   infra/fuzz.sh [seconds]     run for that long (default 30); exits non-zero on a crash, trap, leak or hang
# Environment: FUZZ_JOBS (parallel fuzzing processes, default 1), FUZZ_MERGE=1 (only minimise the corpus),
# FUZZ_ARGS (extra libFuzzer flags). Crash inputs are written to .build/fuzz/artifacts/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
seconds="${1:-30}"
out="$root/.build/fuzz"
corpus="$root/Tests/fuzz/corpus/mime"
work="$out/corpus"
mkdir -p "$out/artifacts" "$corpus" "$work"
binary="$out/mime-fuzz"

# Rebuild when a source is newer than the binary.
if [ ! -x "$binary" ] || [ -n "$(find Core/Email Core/Conversations/HTMLText.swift Tests/fuzz/MIMEFuzz.swift -newer "$binary" -name '*.swift' | head -1)" ]; then
  echo "fuzz: building $binary"
  swiftc -swift-version 6 -parse-as-library -O -g -sanitize=fuzzer,address -module-name MIMEFuzz \
    Core/Email/*.swift Core/Conversations/HTMLText.swift Tests/fuzz/MIMEFuzz.swift -o "$binary"
fi

export SWIFT_BACKTRACE=enable=no
# Leak detection stays on; the limits turn a hang or a memory blow-up into a failure.
common=(-timeout=10 -rss_limit_mb=2048 -max_len=262144 -artifact_prefix="$out/artifacts/" -print_final_stats=1)
if [ "${FUZZ_MERGE:-0}" = 1 ]; then
  # A set-cover merge keeps the same features in fewer, smaller inputs; the named seeds (CPython's corpus, the
  # comparison test's messages) stay as they are.
  merged="$(mktemp -d "$out/merged.XXXXXX")"
  "$binary" -set_cover_merge=1 "${common[@]}" "$merged" "$corpus" "$work"
  for seed in "$corpus"/cpython_* "$corpus"/built_*; do
    [ -f "$seed" ] || continue
    rm -f "$merged/$(sha1sum "$seed" | cut -d' ' -f1)"  # the merge names inputs by their SHA-1
    cp "$seed" "$merged"/
  done
  rm -rf "$corpus" "$work"
  mv "$merged" "$corpus"
  mkdir -p "$work"
  echo "fuzz: corpus minimised to $(ls "$corpus" | wc -l) inputs, $(du -s --apparent-size --block-size=1K "$corpus" | cut -f1) KiB"
  exit 0
fi
parallel=()
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
# shellcheck disable=SC2086
"$binary" "${common[@]}" "${parallel[@]}" -max_total_time="$seconds" ${FUZZ_ARGS:-} "$work" "$corpus"
echo "fuzz: no crash in ${seconds} s; corpus $(ls "$corpus" | wc -l) seeds + $(ls "$work" | wc -l) found ($work)"
