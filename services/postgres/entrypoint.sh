#!/bin/sh
# postgres entrypoint, run as 999:999 with no capabilities: no chown, no gosu. PGDATA is
# already owned by 999 (volume_prep). On an empty PGDATA: initdb (superuser password from
# the secret file), apply /apex/initdb.d/*.sql on a socket-only temporary server, then
# exec the server binary so it is PID 1 and gets the signals.
set -eu

SECRETS_DIR=${SECRETS_DIR:-/run/secrets}
APEX_PG_CONF=${APEX_PG_CONF:-/etc/apex/postgresql.conf}
APEX_INITDB_DIR=${APEX_INITDB_DIR:-/apex/initdb.d}
MARKER="$PGDATA/apex-init.done"

log() { echo "entrypoint: $*" >&2; }
die() { log "$*"; exit 1; }

first_init() {
  [ -r "$SECRETS_DIR/postgres_password" ] || die "cannot read $SECRETS_DIR/postgres_password (run scripts/secrets.sh)"
  [ -w "$PGDATA" ] || die "$PGDATA is not writable by uid $(id -u) (volume_prep chowns it)"
  log "empty data directory: running initdb"
  initdb -D "$PGDATA" --username=postgres --pwfile="$SECRETS_DIR/postgres_password" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
    --data-checksums --set huge_pages=off >/dev/null
  # Our settings live in the mounted config; PGDATA's own file only points at it.
  echo "include_if_exists = '$APEX_PG_CONF'" >>"$PGDATA/postgresql.conf"

  # Socket only, no preloaded workers (pg_partman_bgw would chase a database not yet made).
  pg_ctl -D "$PGDATA" -w -t 60 -o "-c listen_addresses='' -c shared_preload_libraries=''" start >/dev/null
  for f in "$APEX_INITDB_DIR"/*.sql; do
    [ -e "$f" ] || continue
    log "applying $(basename "$f")"
    psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres -f "$f" >/dev/null
  done
  pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
  : >"$MARKER"
  log "initialisation complete"
}

if [ "${1:-}" != postgres ]; then exec "$@"; fi
shift
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  first_init
elif [ ! -e "$MARKER" ]; then
  die "$PGDATA holds a cluster whose first initialisation did not finish; remove the volume and start again"
fi
exec postgres -D "$PGDATA" "$@"
