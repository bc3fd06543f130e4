#!/usr/bin/env bash
# The MIME parser benchmark (issue 7). Parses CPython's email test corpus (test/test_email/data/msg_*.txt), repeated
# until BENCH_MIME_MB megabytes went through, with MIMEParser in a release build (swiftc -O -wmo of Core/Email, the
# same sources as GlavitoCore) and with Python's email package (policy.default, get_body and attachments) in the same
# run, and prints both throughputs and their ratio (target: >= 5x Python).
# Environment: BENCH_MIME_MB (Swift megabytes, default 50), BENCH_MIME_PY_MB (Python megabytes, default 5: Python is
# slow, and MB/s does not depend on the amount), BENCH_MIME_DIR (another directory of messages).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
python="$root/.venv/bin/python"
[ -x "$python" ] || python="python3"
dir="${BENCH_MIME_DIR:-$("$python" Tests/e2e/email_expect.py --corpus-dir)}"
out="$root/.build/bench"
binary="$out/mime-bench"
mkdir -p "$out"
if [ ! -x "$binary" ] || [ -n "$(find Core/Email Core/Conversations/HTMLText.swift bench/lib/MIMEBench.swift -newer "$binary" -name '*.swift' | head -1)" ]; then
  echo "bench/mime: building $binary (release: -O -wmo)"
  swiftc -swift-version 6 -O -wmo -module-name MIMEBench Core/Email/*.swift Core/Conversations/HTMLText.swift bench/lib/MIMEBench.swift -o "$binary"
fi
corpus="$(mktemp -d /tmp/glavito-bench-mime.XXXXXX)"
trap 'rm -rf "$corpus"' EXIT
if [ -z "${BENCH_MIME_DIR:-}" ]; then cp "$dir"/msg_*.txt "$corpus"/; else cp "$dir"/* "$corpus"/; fi
echo "bench/mime: $(ls "$corpus" | wc -l) messages, $(cat "$corpus"/* | wc -c) bytes a round, from $dir; $(nproc) cores"
swift_json="$("$binary" "$corpus" "${BENCH_MIME_MB:-50}")"
python_json="$("$python" "$here/lib/mime_bench.py" "$corpus" "${BENCH_MIME_PY_MB:-5}")"
"$python" - "$swift_json" "$python_json" <<'PY'
import json, sys
s, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"swift  MIMEParser: {s['mb_per_s']:8.2f} MB/s ({s['bytes'] / 1e6:.1f} MB, {s['messages']} messages in {s['seconds']:.2f} s)")
print(f"python email     : {p['mb_per_s']:8.2f} MB/s ({p['bytes'] / 1e6:.1f} MB, {p['messages']} messages in {p['seconds']:.2f} s)")
ratio = s['mb_per_s'] / p['mb_per_s']
print(f"ratio: {ratio:.1f}x Python (target >= 5x) {'OK' if ratio >= 5 else 'BELOW TARGET'}")
PY
