#!/usr/bin/env bash
# Shared preamble of the two fresh-machine commands: host (Docker, compose, base image),
# node modules, stack secrets, and the api/worker bundles. Every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-host.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
[ -x scripts/secrets.sh ] && bash scripts/secrets.sh
[ -f scripts/build-services.mjs ] && node scripts/build-services.mjs
exit 0
