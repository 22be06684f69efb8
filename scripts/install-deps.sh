#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine (run as root,
# reaching only the npm registry and Debian's packages). Idempotent and quiet:
# what is already there is left alone.
#   - Debian's Chromium for the end-to-end tests (Playwright cannot download browsers here)
#   - Debian's PostgreSQL for the reference server's PostgreSQL tests and benchmark
#     (the tests start a throwaway cluster of their own; the package's default
#     cluster is not used)
#   - the npm packages, without the Electron binary (it cannot be downloaded here;
#     better-sqlite3 compiles from source in about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "install-deps: missing ${missing[*]}; install Debian's packages (as root), or set CHROMIUM_PATH / PG_BIN" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]} from Debian's packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "install-deps: npm ci (ELECTRON_SKIP_BINARY_DOWNLOAD=1)…"
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
