#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs whatever is missing for ehall-kiosk on Debian 12 (Python 3.11):
# Debian packages from scripts/apt-packages.txt, a virtualenv in .venv, and the
# Python packages of pyproject.toml (+ scripts/requirements-nodeps.txt).
# Idempotent and quiet when everything is already there. Sourced or run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '[bootstrap] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------
want=$(sed -e 's/#.*//' -e '/^\s*$/d' scripts/apt-packages.txt | awk '{print $1}')
missing=()
for p in $want python3-venv; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- virtualenv and Python packages ---------------------------------------
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null || py=python3
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($py --version)"
  "$py" -m venv .venv
fi
stamp=.venv/.ehall-deps
want_hash=$(cat pyproject.toml scripts/requirements-nodeps.txt 2>/dev/null | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want_hash" ]; then
  say "installing Python packages (first run takes a minute; log: .venv/bootstrap.log)"
  log=.venv/bootstrap.log
  if ! { .venv/bin/python -m pip install --upgrade "pip>=24" &&
         .venv/bin/python -m pip install -e ".[test]" &&
         # packages whose declared deps we satisfy otherwise (see the file's comments)
         .venv/bin/python -m pip install --no-deps -r scripts/requirements-nodeps.txt; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    say "installing Python packages failed; the whole log is in $log"
    exit 1
  fi
  echo "$want_hash" > "$stamp"
fi
