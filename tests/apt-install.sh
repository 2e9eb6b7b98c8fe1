#!/bin/sh
# apt-install.sh WHAT CHECK PACKAGE...: install Debian PACKAGEs unless the shell test
# CHECK already passes, then make sure it does. The ensure-*.sh scripts call it.
set -e
what=$1; check=$2; shift 2
if sh -c "$check" >/dev/null 2>&1; then exit 0; fi
echo "Installing $what (Debian: $*) for the tests..."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
sh -c "$check" >/dev/null 2>&1 || { echo "$what could not be installed" >&2; exit 1; }
