#!/usr/bin/env bash
# Time the stack to all-healthy, on this machine:
#   cold    = build every apex image with no cache (the base image is kept) + up --wait
#   warm    = images built, fresh volumes (includes postgres' first initdb) + up --wait
#   restart = images built, volumes kept (a second bring-up) + up --wait
# then print each image's size. Uses its own image prefix and project name, so it never
# touches another stack's images or containers, and removes what it made unless
# KEEP_IMAGES=1. Secrets and api/worker bundles must exist (scripts/ensure-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

suffix=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
export APEX_IMAGE_PREFIX=${APEX_IMAGE_PREFIX:-apexbench-$suffix}
export APEX_TAG=${APEX_TAG:-bench}
export APEX_API_PORT=""
project="apexbench-$suffix"
dc() { docker compose -f infra/compose.yaml -p "$project" "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf 'bench: %s\n' "$*" >&2; }

cleanup() {
  dc down -v --remove-orphans --timeout 10 >/dev/null 2>&1 || true
  if [ "${KEEP_IMAGES:-}" != 1 ]; then
    docker image ls -q --filter "reference=$APEX_IMAGE_PREFIX/*:$APEX_TAG" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

[ -s infra/secrets/uid-999/postgres_password ] || bash scripts/secrets.sh
[ -f services/api/dist/server.mjs ] && [ -f services/worker/dist/worker.mjs ] || node scripts/build-services.mjs

log "cold: build all images with --no-cache (base $(docker image ls -q "${BASE_IMAGE:-debian:trixie-slim}" | head -1) kept), then up --wait"
t0=$(now)
dc build --no-cache >/tmp/bench-stack-build.log 2>&1 || { tail -20 /tmp/bench-stack-build.log >&2; exit 1; }
t_built=$(now)
dc up -d --wait --wait-timeout 600 >/dev/null 2>&1 || { dc ps -a >&2; exit 1; }
t1=$(now)
cold=$(elapsed "$t0" "$t1"); cold_build=$(elapsed "$t0" "$t_built"); cold_up=$(elapsed "$t_built" "$t1")

dc down -v --timeout 10 >/dev/null 2>&1
log "warm: images present, fresh volumes, up --wait"
t0=$(now)
dc up -d --wait --wait-timeout 300 >/dev/null 2>&1 || { dc ps -a >&2; exit 1; }
warm=$(elapsed "$t0" "$(now)")

dc down --timeout 10 >/dev/null 2>&1
log "restart: images and volumes present, up --wait"
t0=$(now)
dc up -d --wait --wait-timeout 300 >/dev/null 2>&1 || { dc ps -a >&2; exit 1; }
restart=$(elapsed "$t0" "$(now)")

echo "cold    ${cold}s to all healthy (build ${cold_build}s + up ${cold_up}s)"
echo "warm    ${warm}s to all healthy (fresh volumes: includes initdb)"
echo "restart ${restart}s to all healthy (volumes kept)"
echo
docker image ls --filter "reference=$APEX_IMAGE_PREFIX/*:$APEX_TAG" --format 'table {{.Repository}}:{{.Tag}}\t{{.Size}}'
docker image ls --filter "reference=${BASE_IMAGE:-debian:trixie-slim}" --format 'base {{.Repository}}:{{.Tag}}\t{{.Size}}'
