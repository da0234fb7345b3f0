#!/usr/bin/env bash
# Shared preamble of the two fresh-machine commands: host (Docker, compose, base image),
# node modules, stack secrets, and the api/worker bundles. Every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-host.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install --no-save` installs exactly the lock's versions like `npm ci` would; npm ci
  # refuses this lock (npm 11 leaves other platforms' optional packages out of it).
  echo "setup: npm install (from package-lock.json)" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
[ -x scripts/secrets.sh ] && bash scripts/secrets.sh
[ -f scripts/build-services.mjs ] && node scripts/build-services.mjs
exit 0
