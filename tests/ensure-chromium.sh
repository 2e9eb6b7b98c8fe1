#!/bin/sh
# Make sure Debian's Chromium is installed for the browser tests.
set -e
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "Installing Chromium (Debian package) for the browser tests..."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "Chromium could not be installed" >&2; exit 1; }
