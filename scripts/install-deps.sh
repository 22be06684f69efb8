#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine (run as root,
# reaching only the npm registry and Debian's packages):
#   - Debian's Chromium for the end-to-end tests (Playwright cannot download browsers here)
#   - the npm packages, without the Electron binary (it cannot be downloaded here;
#     better-sqlite3 compiles from source in about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "install-deps: /usr/bin/chromium is missing; install Debian's 'chromium' package (as root) or set CHROMIUM_PATH" >&2
    exit 1
  fi
  echo "install-deps: installing Chromium from Debian's packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

echo "install-deps: npm ci (ELECTRON_SKIP_BINARY_DOWNLOAD=1)…"
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
