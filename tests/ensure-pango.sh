#!/bin/sh
# Debian's Pango for WeasyPrint (the PDF edition and its tests).
exec sh "$(dirname "$0")/apt-install.sh" Pango 'ldconfig -p | grep -q libpangoft2-1.0.so.0' \
  libpango-1.0-0 libpangoft2-1.0-0
