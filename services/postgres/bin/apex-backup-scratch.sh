# shellcheck shell=bash
# The verification restore's own throwaway cluster. A backup is restored to prove it, and a
# restore evaluates whatever the dump holds (CHECK constraints, the functions they call).
# So it never happens in the live cluster, and never as a superuser:
#   - a fresh cluster (initdb) in a private directory on the backups volume, with no TCP
#     listener (socket only, in that 0700 directory), no secrets, and fsync off (it is
#     thrown away);
#   - its superuser only creates the extensions the dump names (parsed, never run as SQL)
#     and the roles globals.sql names (NOLOGIN, no attributes);
#   - the dump itself is restored and compared by apex_verify, an ordinary role that owns
#     the scratch database: no COPY ... PROGRAM, no server files, no untrusted languages.

SCRATCH_SU=apex_scratch
SCRATCH_ROLE=apex_verify
SCRATCH_DB=verify

# conninfo of the scratch cluster as ROLE (default: the restoring role) into DB
scratch_cs() { printf "host='%s' port=5432 dbname='%s' user='%s'" "$SCRATCH_DIR" "${2:-$SCRATCH_DB}" "${1:-$SCRATCH_ROLE}"; }

# Leftovers of runs killed before their trap ran (SIGKILL, container gone): a scratch
# directory whose server is not running is garbage.
scratch_sweep() {
  local d
  for d in "$BACKUP_DIR"/.scratch-*; do
    [[ -d $d ]] || continue
    pg_ctl -D "$d/data" status >/dev/null 2>&1 && continue
    rm -rf -- "$d"
  done
}

scratch_start() {
  scratch_sweep
  SCRATCH_DIR=$(mktemp -d "$BACKUP_DIR/.scratch-XXXXXX") || { STEP_DETAIL="cannot create a scratch directory in $BACKUP_DIR"; return 1; }
  local out
  out=$(initdb -D "$SCRATCH_DIR/data" -U "$SCRATCH_SU" --auth=trust --no-sync --no-instructions \
    -E UTF8 --locale=C.UTF-8 --set huge_pages=off 2>&1) || { STEP_DETAIL="initdb of the scratch cluster failed: $(err_summary "$out")"; return 1; }
  out=$(pg_ctl -D "$SCRATCH_DIR/data" -w -t 60 -l "$SCRATCH_DIR/server.log" -o "-c listen_addresses='' \
    -c unix_socket_directories='$SCRATCH_DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c shared_buffers=64MB -c max_connections=16 -c max_wal_size=1GB -c dynamic_shared_memory_type=mmap \
    -c logging_collector=off -c shared_preload_libraries=''" start 2>&1) ||
    { STEP_DETAIL="the scratch cluster did not start: $(err_summary "$out$(tail -n 3 "$SCRATCH_DIR/server.log" 2>/dev/null)")"; return 1; }
  out=$(q -d "$(scratch_cs "$SCRATCH_SU" postgres)" \
    -c "CREATE ROLE $SCRATCH_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
    -c "CREATE DATABASE $SCRATCH_DB OWNER $SCRATCH_ROLE TEMPLATE template0" 2>&1) ||
    { STEP_DETAIL="cannot prepare the scratch database: $(err_summary "$out")"; return 1; }
}

scratch_remove() {
  pg_ctl -D "$SCRATCH_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf -- "$SCRATCH_DIR"
  SCRATCH_DIR=""
}

# The roles the dump's objects name (policies, grants): NOLOGIN, no attributes, so that the
# restore finds them and nothing can log in as them.
scratch_roles() { # GLOBALS_SQL
  local name sql=""
  while IFS= read -r name; do
    [[ $name =~ ^[a-z_][a-z0-9_]*$ && $name != "$SCRATCH_SU" && $name != "$SCRATCH_ROLE" ]] || continue
    sql+="CREATE ROLE \"$name\" NOLOGIN;"$'\n'
  done < <(sed -n 's/^CREATE ROLE \([a-z_][a-z0-9_]*\);$/\1/p' "$1")
  [[ -z $sql ]] || q -d "$(scratch_cs "$SCRATCH_SU")" <<<"$sql"
}

# CREATE EXTENSION lines of the dump, read as data: "name<TAB>schema" for each, and only
# plain identifiers. Their entries (and their schemas') are left out of the restore list.
dump_extensions() { # DUMP TOC
  pg_restore -f - -L <(grep -E '^[0-9]+; [0-9]+ [0-9]+ EXTENSION - ' "$2") "$1" |
    sed -n 's/^CREATE EXTENSION IF NOT EXISTS \([a-z_][a-z0-9_]*\) WITH SCHEMA \([a-z_][a-z0-9_]*\);$/\1\t\2/p'
}

# Restore DUMP into the scratch database as the unprivileged role. Sets STEP_DETAIL.
scratch_restore() { # DUMP GLOBALS_SQL
  local dump=$1 globals=$2 out toc="$SCRATCH_DIR/toc.list" list="$SCRATCH_DIR/restore.list"
  out=$(pg_restore --list "$dump" 2>&1 >"$toc") || { STEP_DETAIL=$(err_summary "$out"); return 1; }
  out=$(scratch_roles "$globals" 2>&1) || { STEP_DETAIL="cannot create the dump's roles: $(err_summary "$out")"; return 1; }
  local ext schema sql="" skip='^[0-9]+; [0-9]+ [0-9]+ (EXTENSION|COMMENT - EXTENSION) '
  while IFS=$'\t' read -r ext schema; do
    [[ -n $ext ]] || continue
    [[ $schema == public ]] || { sql+="CREATE SCHEMA IF NOT EXISTS \"$schema\" AUTHORIZATION $SCRATCH_ROLE;"$'\n'; skip+="|^[0-9]+; [0-9]+ [0-9]+ SCHEMA - $schema "; }
    sql+="CREATE EXTENSION IF NOT EXISTS \"$ext\" WITH SCHEMA \"$schema\";"$'\n'
    sql+="GRANT ALL ON ALL TABLES IN SCHEMA \"$schema\" TO $SCRATCH_ROLE;"$'\n'
    sql+="GRANT ALL ON ALL SEQUENCES IN SCHEMA \"$schema\" TO $SCRATCH_ROLE;"$'\n'
  done < <(dump_extensions "$dump" "$toc")
  if [[ -n $sql ]]; then
    out=$(q -d "$(scratch_cs "$SCRATCH_SU")" <<<"$sql" 2>&1) || { STEP_DETAIL="cannot create the dump's extensions: $(err_summary "$out")"; return 1; }
  fi
  grep -vE "$skip" "$toc" >"$list"
  out=$(pg_restore --exit-on-error --no-owner --no-privileges -j "$RESTORE_JOBS" -L "$list" -d "$(scratch_cs)" "$dump" 2>&1) ||
    { STEP_DETAIL=$(err_summary "$out"); return 1; }
  STEP_DETAIL="restored as $SCRATCH_ROLE (not a superuser) into a throwaway cluster"
}
