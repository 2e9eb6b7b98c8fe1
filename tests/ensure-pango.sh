#!/bin/sh
# Make sure Debian's Pango is installed for WeasyPrint (the PDF edition and its tests).
set -e
if ldconfig -p | grep -q "libpangoft2-1.0.so.0"; then exit 0; fi
echo "Installing Pango (Debian packages) for WeasyPrint..."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
  >/dev/null
ldconfig -p | grep -q "libpangoft2-1.0.so.0" || { echo "Pango could not be installed" >&2; exit 1; }
