#!/bin/sh
# Bundles the pages' scripts (make web). esbuild's output is deterministic,
# so a test rebuilds it and compares with the committed dist/.
set -eu
cd "$(dirname "$0")"
out=${1:-dist}
for page in watch publish dashboard; do
  ../../../node_modules/.bin/esbuild "src/$page.js" --bundle --minify --format=iife --target=es2020 \
    --legal-comments=none --log-level=warning --outfile="$out/$page.js"
done
