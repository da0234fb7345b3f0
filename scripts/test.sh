#!/usr/bin/env bash
# The test command (README): prepares the host, then runs every vitest project.
# Extra arguments go to vitest (e.g. `npm test -- --project unit`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec npx vitest run --reporter=default --reporter=json --outputFile=.vitest-results.json "$@"
