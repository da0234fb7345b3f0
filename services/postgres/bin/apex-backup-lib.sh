# shellcheck shell=bash
# Functions behind apex-backup. Sourced, never run. Bash because the postgres image carries
# bash, psql and coreutils and nothing else we would need (no node, no jq, no python).
export LC_ALL=C
umask 077 # dumps hold every row and the roles' password hashes

BACKUP_DIR=${APEX_BACKUP_DIR:-/var/lib/postgresql/backups}
# the schedule's own state, on the service's /tmp tmpfs (a restarted service starts afresh)
SCHEDULE_STARTED=${APEX_SCHEDULE_STATE:-/tmp}/apex-schedule.started
SCHEDULE_LAST=${APEX_SCHEDULE_STATE:-/tmp}/apex-schedule.last
RESTORE_JOBS=${APEX_RESTORE_JOBS:-2}
# zstd at level 1: on the benchmark database 3x faster than pg_dump's default gzip, and a
# smaller file (scripts/bench-backup.mjs prints both)
COMPRESS=${APEX_BACKUP_COMPRESS:-zstd:1}
CLEANUP_DIRS=()
CLEANUP_DBS=()
SNAP_PID=""
SCRATCH_DIR=""

log() { printf '%s\n' "$*" >&2; }
json_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}; s=${s//$'\r'/}
  printf '"%s"' "$s"
}
# One line for people on stderr, one JSON line for programs on stdout.
die() { log "error: $1"; printf '{"ok": false, "error": %s}\n' "$(json_str "$1")"; exit "${2:-1}"; }
die_usage() { die "$1" 2; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
iso_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
rand4() { printf '%04x' "$RANDOM"; }
# The interesting lines of a failed tool's stderr, joined on one line.
err_summary() {
  local m; m=$(grep -iE 'error|fatal|could not|no space|terminat|closed' <<<"$1" | tail -n 3)
  [[ -n $m ]] || m=$(tail -n 2 <<<"$1")
  tr '\n' ' ' <<<"$m" | sed 's/ *$//'
}

cleanup() {
  local rc=$?
  [[ -n $SNAP_PID ]] && kill "$SNAP_PID" 2>/dev/null || true
  # a run that leads its own process group (backup) stops everything it started
  if [[ ${OWN_GROUP:-0} -eq 1 ]]; then trap '' TERM INT; kill -TERM -- "-$$" 2>/dev/null || true; fi
  local d
  for d in "${CLEANUP_DBS[@]}"; do dropdb --if-exists --force --maintenance-db="$(cs "${DB:-apex}")" "$d" >/dev/null 2>&1 || true; done
  [[ -n $SCRATCH_DIR ]] && scratch_remove
  for d in "${CLEANUP_DIRS[@]}"; do rm -rf -- "$d"; done
  exit "$rc"
}
arm_cleanup() { trap cleanup EXIT; trap 'exit 143' TERM; trap 'exit 130' INT; }

# Every session of ours resolves names through pg_catalog only (CVE-2018-1058): nothing
# another role planted in a schema can stand in for a function or operator we call.
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c search_path=pg_catalog,pg_temp"

setup_conn() {
  export PGHOST=${PGHOST:-postgres} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-apex_backup}
  export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10} PGAPPNAME=apex-backup
  DB=${APEX_DB:-apex}
  local pwf=${APEX_PG_PASSWORD_FILE:-}
  # the password reaches libpq through a pgpass file (PGPASSFILE) or the environment of our
  # own children only: never through argv (ps) or the container config (docker inspect)
  if [[ -z ${PGPASSWORD:-} && -n $pwf && -r $pwf ]]; then PGPASSWORD=$(<"$pwf"); export PGPASSWORD; fi
  local out
  out=$(pg_isready -d "$(cs "$DB")" 2>&1) || die "postgres at $PGHOST:$PGPORT is not accepting connections ($out)"
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# Connection string with TCP keepalives: if the server vanishes without closing the socket
# (container killed, network gone) a client notices within ~25 s instead of waiting forever.
cs() { printf "dbname='%s' keepalives=1 keepalives_idle=10 keepalives_interval=5 keepalives_count=3" "$1"; }

ensure_dir() {
  [[ -d $BACKUP_DIR ]] || die "backup directory $BACKUP_DIR does not exist (is the backups volume mounted?)"
  [[ -w $BACKUP_DIR ]] || die "backup directory $BACKUP_DIR is not writable by uid $(id -u)"
}

# The one option parser of apex-backup: parse_opts COMMAND SPEC ARGS... SPEC lists
# "--name=var" (an option with a value: --name V or --name=V) and "--name:var=VALUE" (a
# flag that sets var to VALUE). Variables are the caller's locals (bash's dynamic scope);
# positional arguments land in POSITIONAL; -h/--help prints the usage.
parse_opts() {
  local cmd_=$1 spec_=$2 item_ opt_ var_ matched_; shift 2
  POSITIONAL=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage; exit 0 ;;
      -*)
        matched_=0
        for item_ in $spec_; do
          opt_=${item_%%[=:]*}
          if [[ $item_ == "$opt_="* ]]; then
            var_=${item_#*=}
            if [[ $1 == "$opt_" ]]; then printf -v "$var_" '%s' "${2:-}"; shift; matched_=1
            elif [[ $1 == "$opt_="* ]]; then printf -v "$var_" '%s' "${1#*=}"; matched_=1; fi
          elif [[ $1 == "$opt_" ]]; then
            var_=${item_#*:}; printf -v "${var_%%=*}" '%s' "${var_#*=}"; matched_=1
          fi
          [[ $matched_ -eq 1 ]] && break
        done
        [[ $matched_ -eq 1 ]] || die_usage "$cmd_: unknown option \"$1\"" ;;
      *) POSITIONAL+=("$1") ;;
    esac
    shift
  done
}
# The one backup a command names (verify, restore).
one_backup() { # COMMAND
  [[ ${#POSITIONAL[@]} -le 1 ]] || die_usage "$1: one backup at a time"
  printf '%s' "${POSITIONAL[0]:-}"
}
no_arguments() { [[ ${#POSITIONAL[@]} -eq 0 ]] || die_usage "$1: unexpected argument \"${POSITIONAL[0]}\""; }

valid_db_name() { [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]]; }

# Per-table row count and content checksum, one "schema.table<TAB>rows<TAB>sum" line each,
# optionally inside an exported snapshot (the dump's own). Order-independent sums, so they
# need no primary key and no sort, and stream (string_agg of a whole table would hit the
# 1 GB text limit). Two methods:
#   hash/1 (manifests with "checksums": "hash/1"): the sum of hash_record_extended(row),
#     each column hashed by its type's own hash function (equal values hash equal), "h:"
#     prefixed; a table with a column type that has no extended hash of its own (json,
#     point, arrays, ...) falls back to md5, "m:" prefixed. About 4x cheaper than md5.
#   md5 (older manifests): the sum of a 60-bit slice of md5(row::text), unprefixed.
# Rendering settings are pinned so that row::text is the same in every session.
CHECKSUMS=hash/1
table_stats() { # CONNINFO [SNAPSHOT] [METHOD]
  local conn=$1 snap=${2:-} method=${3:-$CHECKSUMS}
  local md5="coalesce(pg_catalog.sum(('x' OPERATOR(pg_catalog.||) pg_catalog.substr(pg_catalog.md5(apex_row_::pg_catalog.text), 1, 15))::pg_catalog.bit(60)::pg_catalog.int8), 0)"
  local hash="coalesce(pg_catalog.sum(pg_catalog.hash_record_extended(apex_row_, 0)), 0)"
  {
    echo "SET datestyle TO ISO, YMD; SET timezone TO 'UTC'; SET extra_float_digits TO 3;"
    echo "SET bytea_output TO hex; SET intervalstyle TO postgres;"
    echo "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
    [[ -n $snap ]] && echo "SET TRANSACTION SNAPSHOT '$snap';"
    if [[ $method == md5 ]]; then
      echo "SELECT pg_catalog.format(\$f\$SELECT %L, pg_catalog.count(*), $md5 FROM %I.%I apex_row_\$f\$, pg_catalog.format('%s.%s', n.nspname, c.relname), n.nspname, c.relname)"
    else
      # a column type is hashable here when it (or a domain's base type) is an enum or has a
      # default hash operator class with an extended hash function of its own
      echo "SELECT pg_catalog.format(\$f\$SELECT %L, pg_catalog.count(*), %s FROM %I.%I apex_row_\$f\$, pg_catalog.format('%s.%s', n.nspname, c.relname),"
      echo "  CASE WHEN h.hashable THEN \$h\$'h:' OPERATOR(pg_catalog.||) $hash\$h\$ ELSE \$m\$'m:' OPERATOR(pg_catalog.||) $md5\$m\$ END, n.nspname, c.relname)"
    fi
    cat <<'SQL'
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (SELECT NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT (t.typtype = 'e' OR EXISTS (
        SELECT 1 FROM pg_catalog.pg_opclass oc
        JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod AND am.amname = 'hash'
        JOIN pg_catalog.pg_amproc ap ON ap.amprocfamily = oc.opcfamily AND ap.amprocnum = 2
             AND ap.amproclefttype = oc.opcintype AND ap.amprocrighttype = oc.opcintype
        WHERE oc.opcdefault AND oc.opcintype = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END))
  ) AS hashable) h
WHERE c.relkind = 'r' AND c.relpersistence IN ('p', 'u')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp)'
  -- extension tables are dumped only when registered as configuration tables
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e'
                    AND NOT (c.oid = ANY (coalesce(e.extconfig, '{}'))))
ORDER BY n.nspname, c.relname
\gexec
COMMIT;
SQL
  } | q -F $'\t' -d "$conn" | sort
}

resolve_backup() {
  local ref=$1
  [[ -n $ref ]] || die_usage "which backup? give its id (see: apex-backup list)"
  [[ $ref == */* ]] || ref="$BACKUP_DIR/$ref"
  [[ $ref != *..* ]] || die_usage "backup reference must not contain '..'"
  [[ -d $ref ]] || die_usage "no backup \"$1\" in $BACKUP_DIR (see: list)"
  [[ -f $ref/manifest.json ]] || die_usage "\"$1\" has no manifest.json: it is not a finished backup"
  printf '%s' "${ref%/}"
}
manifest_field() { sed -n "s/^  \"$2\": \"\\([^\"]*\\)\".*/\\1/p" "$1/manifest.json" | head -n1; }
verification_status() {
  sed -n 's/^  "verification": {"status": "\([a-z]*\)".*/\1/p' "$1/manifest.json" | head -n1
}

# Replace the manifest's verification line (always the second-to-last line) atomically.
record_verification() {
  local dir=$1 json=$2 body
  body=$(head -n -2 "$dir/manifest.json")
  printf '%s\n  "verification": %s\n}\n' "$body" "$json" >"$dir/manifest.json.tmp" &&
    mv "$dir/manifest.json.tmp" "$dir/manifest.json" ||
    { rm -f "$dir/manifest.json.tmp"; log "warning: could not record the verification result in the manifest"; }
}
