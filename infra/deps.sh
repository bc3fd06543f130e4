#!/usr/bin/env bash
# Installs the system packages Glavito needs when they are missing (Debian 12). Idempotent and quiet when all is there.
#   infra/deps.sh          build and run dependencies
#   infra/deps.sh test     plus what the test suite uses (Python test peers in .venv)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

# libvips-tools: the worker makes image thumbnails with vipsthumbnail (docs/conversations.md, "Thumbnails").
packages=(postgresql-15 postgresql-contrib libargon2-dev libsodium-dev pkg-config python3-venv curl libvips-tools)
# The browser tests drive Debian's Chromium through Playwright; the n8n example's Code node runs under Node.js; the
# MIME parser is compared with Python's email package on CPython's email test corpus (test/test_email/data), which
# Debian ships separately from python3.
[ "${1:-}" = test ] && packages+=(chromium nodejs libpython3.11-testsuite)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "deps.sh: Swift 6.1 or newer must be on PATH (see README)" >&2; exit 1; }

if [ "${1:-}" = test ] && [ -f "$root/Tests/requirements.txt" ]; then
  venv="$root/.venv"
  stamp="$venv/.requirements"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || { rm -rf "$venv"; python3 -m venv --without-pip "$venv"; }
  fi
  if ! cmp -s "$root/Tests/requirements.txt" "$stamp"; then
    echo "deps.sh: installing Python test peers into .venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$root/Tests/requirements.txt"
    cp "$root/Tests/requirements.txt" "$stamp"
  fi
fi
