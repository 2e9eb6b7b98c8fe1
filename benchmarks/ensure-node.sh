#!/bin/sh
# Node.js and npm for `make lighthouse` (Debian's packages when missing), then
# Lighthouse as pinned in benchmarks/lighthouse/package-lock.json.
set -e
if ! command -v npm >/dev/null 2>&1; then
  echo "Installing Node.js and npm (Debian packages) for Lighthouse..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
dir="$(dirname "$0")/lighthouse"
if [ ! -x "$dir/node_modules/.bin/lighthouse" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
