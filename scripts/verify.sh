#!/usr/bin/env bash
# The main job (README): prepares the host, then verifies the stack and writes report/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec npx apex verify "$@"
