#!/bin/sh
# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
exec sh "$(dirname "$0")/apt-install.sh" Chromium "command -v chromium" chromium
