#!/usr/bin/env bash
# Operator helper around infra/compose.yaml:  stack.sh up|down|destroy|status|port [PROJECT]
#   up       build what is missing, start, wait until every service is healthy
#   down     stop and remove containers and network (volumes kept)
#   destroy  down and remove the project's volumes too
#   status   docker compose ps
#   port     the api's host address (127.0.0.1:PORT)
# PROJECT defaults to "apex"; APEX_API_PORT pins the api's host port (default ephemeral).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-}; project=${2:-apex}
dc() { docker compose -f infra/compose.yaml -p "$project" "$@"; }
case "$cmd" in
  up)
    [ -s infra/secrets/uid-999/postgres_password ] || bash scripts/secrets.sh
    dc up -d --build --wait --wait-timeout 600
    echo "api: http://$(dc port api 8080)"
    ;;
  down) dc down --timeout 20 ;;
  destroy) dc down -v --remove-orphans --timeout 20 ;;
  status) dc ps -a ;;
  port) dc port api 8080 ;;
  *) echo "usage: stack.sh up|down|destroy|status|port [PROJECT]" >&2; exit 2 ;;
esac
