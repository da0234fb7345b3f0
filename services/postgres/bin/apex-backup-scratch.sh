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
  for d in "$BACKUP_DIR"/.scratch-* "$BACKUP_DIR"/.partial-*/.scratch-*; do
    [[ -d $d ]] || continue
    pg_ctl -D "$d/data" status >/dev/null 2>&1 && continue
    rm -rf -- "$d"
  done
}

scratch_start() { # [PARENT_DIR]
  scratch_sweep
  SCRATCH_DIR=$(mktemp -d "${1:-$BACKUP_DIR}/.scratch-XXXXXX") || { STEP_DETAIL="cannot create a scratch directory in ${1:-$BACKUP_DIR}"; return 1; }
  local out
  out=$(initdb -D "$SCRATCH_DIR/data" -U "$SCRATCH_SU" --auth=trust --no-sync --no-instructions \
    -E UTF8 --locale=C.UTF-8 --set huge_pages=off 2>&1) || { STEP_DETAIL="initdb of the scratch cluster failed: $(err_summary "$out")"; return 1; }
  # wal_level=minimal: the restore runs in one transaction that creates its tables, so their
  # data and indexes are written without WAL
  out=$(pg_ctl -D "$SCRATCH_DIR/data" -w -t 60 -l "$SCRATCH_DIR/server.log" -o "-c listen_addresses='' \
    -c unix_socket_directories='$SCRATCH_DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c wal_level=minimal -c max_wal_senders=0 -c wal_skip_threshold=0 \
    -c shared_buffers=64MB -c max_connections=16 -c max_wal_size=1GB -c dynamic_shared_memory_type=mmap \
    -c logging_collector=off -c shared_preload_libraries='' -c jit=off" start 2>&1) ||
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

# CREATE EXTENSION lines of a dump, read as data: "name<TAB>schema" for each, and only
# plain identifiers.
dump_extensions() { # DUMP
  local toc sql
  toc=$(pg_restore --list "$1") || return 1
  sql=$(pg_restore -f - -L <(grep -E '^[0-9]+; [0-9]+ [0-9]+ EXTENSION - ' <<<"$toc" || true) "$1") || return 1
  sed -n 's/^CREATE EXTENSION IF NOT EXISTS \([a-z_][a-z0-9_]*\) WITH SCHEMA \([a-z_][a-z0-9_]*\);$/\1\t\2/p' <<<"$sql" |
    { grep -v $'^plpgsql\t' || true; } | sort
}

# The extensions of the live database ("name<TAB>schema", as dump_extensions prints them):
# what a dump of it will name, known before the dump is written.
live_extensions() { # CONNINFO
  local out
  out=$(q -F $'\t' -d "$1" -c "SELECT e.extname, n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname OPERATOR(pg_catalog.<>) 'plpgsql'") || return 1
  grep -E $'^[a-z_][a-z0-9_]*\t[a-z_][a-z0-9_]*$' <<<"$out" | sort || true
}

# The scratch superuser creates the extensions (and their schemas) the restore needs, and
# lets the restoring role use them. Sets SCRATCH_EXT_SCHEMAS for scratch_filter.
scratch_extensions() { # "name<TAB>schema" lines
  local ext schema sql=""
  SCRATCH_EXT_SCHEMAS=""
  while IFS=$'\t' read -r ext schema; do
    [[ -n $ext ]] || continue
    [[ $schema == public ]] || { sql+="CREATE SCHEMA IF NOT EXISTS \"$schema\" AUTHORIZATION $SCRATCH_ROLE;"$'\n'; SCRATCH_EXT_SCHEMAS+=" $schema"; }
    sql+="CREATE EXTENSION IF NOT EXISTS \"$ext\" WITH SCHEMA \"$schema\";"$'\n'
    sql+="GRANT ALL ON ALL TABLES IN SCHEMA \"$schema\" TO $SCRATCH_ROLE;"$'\n'
    sql+="GRANT ALL ON ALL SEQUENCES IN SCHEMA \"$schema\" TO $SCRATCH_ROLE;"$'\n'
  done <<<"$1"
  [[ -z $sql ]] || q -d "$(scratch_cs "$SCRATCH_SU")" <<<"$sql"
}
scratch_prepare_extensions() { # "name<TAB>schema" lines; sets STEP_DETAIL on failure
  local err="$SCRATCH_DIR/extensions.err"
  scratch_extensions "$1" 2>"$err" || { STEP_DETAIL="cannot create the dump's extensions: $(err_summary "$(cat "$err")")"; return 1; }
}

# The restore script (pg_restore -f -) minus the entries the scratch superuser made already:
# extensions, their comments and their schemas. Only the schema part, before the first data
# entry, is read here (line by line: bash's read never takes more than a line from a pipe);
# from there on the stream goes through cat, untouched. A header forged inside a function
# body can only make lines go missing, and the restore then fails: it never lets an entry
# through that the scratch superuser would have had to run.
scratch_filter() { # EXTENSION_SCHEMAS (space separated)
  local line skip=0 name type
  while IFS= read -r line || [[ -n $line ]]; do
    case $line in
      "-- Data for Name: "*)
        printf '%s\n' "$line"
        : >"$SCRATCH_DIR/streaming" # the data is flowing (a progress mark for people and tests)
        exec cat ;;
      "-- Name: "*"; Type: "*"; Schema: "*)
        name=${line#-- Name: }; name=${name%%; Type: *}
        type=${line#*; Type: }; type=${type%%; Schema: *}
        skip=0
        case $type in
          EXTENSION) skip=1 ;;
          COMMENT) [[ $name == "EXTENSION "* ]] && skip=1 ;;
          SCHEMA) [[ " $1 " == *" $name "* ]] && skip=1 ;;
        esac ;;
    esac
    [[ $skip -eq 1 ]] || printf '%s\n' "$line"
  done
}

# Restore a custom-format dump (a file, or - for stdin) into the prepared scratch database,
# as the unprivileged role, in one transaction. Sets STEP_DETAIL, and leaves it in
# $SCRATCH_DIR/restore.detail for a caller that ran this as a stage of a pipeline.
scratch_load() { # DUMP_OR_DASH
  local err="$SCRATCH_DIR/restore.err"
  local -a rc
  local errexit=0; [[ $- == *e* ]] && errexit=1
  set +e
  local src=(); [[ $1 == - ]] || src=("$1") # no file: pg_restore reads stdin
  pg_restore --no-owner --no-privileges -f - "${src[@]}" 2>"$err" | scratch_filter "$SCRATCH_EXT_SCHEMAS" |
    psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$(scratch_cs)" >/dev/null 2>>"$err"
  rc=("${PIPESTATUS[@]}")
  [[ $errexit -eq 0 ]] || set -e
  if [[ ${rc[0]} -ne 0 || ${rc[2]} -ne 0 ]]; then
    STEP_DETAIL="restore into the scratch cluster failed (pg_restore exit ${rc[0]}, psql exit ${rc[2]}): $(err_summary "$(cat "$err" 2>/dev/null)")"
    printf '%s\n' "$STEP_DETAIL" >"$SCRATCH_DIR/restore.detail" 2>/dev/null
    return 1
  fi
  STEP_DETAIL="restored as $SCRATCH_ROLE (not a superuser) into a throwaway cluster, in one transaction"
  printf '%s\n' "$STEP_DETAIL" >"$SCRATCH_DIR/restore.detail"
}

# Restore a finished dump into a fresh scratch cluster. Sets STEP_DETAIL.
scratch_restore() { # DUMP GLOBALS_SQL
  local dump=$1 globals=$2 out exts
  out=$(scratch_roles "$globals" 2>&1) || { STEP_DETAIL="cannot create the dump's roles: $(err_summary "$out")"; return 1; }
  exts=$(dump_extensions "$dump" 2>&1) || { STEP_DETAIL="cannot read the dump's extensions: $(err_summary "$exts")"; return 1; }
  scratch_prepare_extensions "$exts" || return 1
  scratch_load "$dump"
}
