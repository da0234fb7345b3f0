# shellcheck shell=bash
# `backup` and `verify`: the dump, its manifest, and the verification ladder
# (sha256 -> pg_restore --list -> pg_restore -f /dev/null -> scratch restore + compare).

cmd_backup() {
  local verify=0 label="" type=full
  parse_opts backup "--verify:verify=1 --type=type --label=label" "$@"
  no_arguments backup
  case $type in
    full) ;;
    diff | differential | incr | incremental)
      die_usage "--type=$type refused: a logical dump (pg_dump) always copies the whole database, there is no differential or incremental logical dump; use --type=full (incrementals need physical backups with WAL archiving, e.g. pgBackRest)" ;;
    *) die_usage "unknown --type \"$type\": the only type is full" ;;
  esac
  setup_conn
  ensure_dir
  arm_cleanup
  local started id part final t0
  started=$(iso_now); t0=$(now_ms)
  id="apex-$(date -u +%Y%m%dT%H%M%SZ)-$(rand4)"
  part="$BACKUP_DIR/.partial-$id"; final="$BACKUP_DIR/$id"
  # written under a temporary name: a half-written backup must never look finished
  mkdir "$part" || die "cannot create $part"
  CLEANUP_DIRS+=("$part")
  log "==> backup $id of database $DB ($PGHOST:$PGPORT)"

  # The database's own ACL is not in a dump made without --create: keep it in the manifest,
  # so that a restore gives the database back its CONNECT/CREATE/TEMP grants.
  local info version version_num owner db_bytes db_acl
  info=$(q -F '|' -d "$(cs "$DB")" -c "SELECT pg_catalog.current_setting('server_version'), pg_catalog.current_setting('server_version_num'), pg_catalog.pg_get_userbyid(datdba), pg_catalog.pg_database_size(datname), coalesce(datacl::pg_catalog.text, '') FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()" 2>&1) ||
    die "cannot read database $DB: $(err_summary "$info")"
  IFS='|' read -r version version_num owner db_bytes db_acl <<<"$info"

  # Hold one snapshot open: the dump and the row counts/checksums both read exactly it.
  coproc SNAP { exec psql -X -q -At -v ON_ERROR_STOP=1 -d "$(cs "$DB")" 2>&1; }
  local snap=""
  printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" "SELECT pg_catalog.pg_export_snapshot();" >&"${SNAP[1]}"
  read -r -t 60 snap <&"${SNAP[0]}" || true
  [[ $snap =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] || die "could not export a snapshot: ${snap:-no answer}"
  log "    snapshot $snap"

  log "==> counting rows and checksumming tables in the snapshot (in parallel with the dump)"
  local stats_err="$part/.stats.err"
  table_stats "$(cs "$DB")" "$snap" >"$part/tables.tsv" 2>"$stats_err" &
  local stats_pid=$!

  log "==> pg_dump -Fc $DB"
  local out rc=0
  out=$(pg_dump -Fc --verbose --snapshot="$snap" -d "$(cs "$DB")" -f "$part/$DB.dump" 2>&1 |
    tee >(grep --line-buffered -E 'dumping contents|error' | sed -u 's/^/    /' >&2)) || rc=$?
  local stats_rc=0
  wait "$stats_pid" || stats_rc=$?
  [[ $rc -eq 0 ]] || die "backup failed while dumping $DB (pg_dump exit $rc): $(err_summary "$out")"
  [[ $stats_rc -eq 0 ]] || die "backup failed while counting rows (exit $stats_rc): $(err_summary "$(cat "$stats_err" 2>/dev/null)")"
  rm -f "$stats_err"
  printf 'COMMIT;\n\\q\n' >&"${SNAP[1]}" 2>/dev/null || true
  wait "$SNAP_PID" 2>/dev/null || true
  SNAP_PID=""

  # roles and their memberships, without the password hashes (nobody's secret is in a backup)
  log "==> pg_dumpall --globals-only --no-role-passwords"
  out=$(pg_dumpall --globals-only --no-role-passwords -l "$(cs "$DB")" -f "$part/globals.sql" 2>&1) || die "backup failed while dumping globals: $(err_summary "$out")"

  log "==> sha256 + manifest"
  out=$(cd "$part" && sha256sum "$DB.dump" globals.sql tables.tsv 2>&1 >SHA256SUMS) || die "could not write SHA256SUMS: $out"
  local files="" f bytes sum first=1 total=0
  for f in "$DB.dump" globals.sql tables.tsv; do
    bytes=$(stat -c %s "$part/$f"); sum=$(grep -F "  $f" "$part/SHA256SUMS" | cut -d' ' -f1)
    total=$((total + bytes))
    [[ $first -eq 1 ]] || files+=","
    files+=$'\n'"    {\"name\": \"$f\", \"bytes\": $bytes, \"sha256\": \"$sum\"}"
    first=0
  done
  local tables rows ntables
  tables=$(awk -F'\t' '{ n=$1; gsub(/\\/, "\\\\", n); gsub(/"/, "\\\"", n);
      printf "%s\n    {\"name\": \"%s\", \"rows\": %s, \"checksum\": \"%s\"}", (NR > 1 ? "," : ""), n, $2, $3 }' "$part/tables.tsv")
  rows=$(awk -F'\t' '{ s += $2 } END { printf "%d", s }' "$part/tables.tsv")
  ntables=$(wc -l <"$part/tables.tsv")
  local manifest
  manifest=$(cat <<EOF
{
  "format": "apex-backup/1",
  "id": "$id",
  "type": "full",
  "database": "$DB",
  "owner": $(json_str "$owner"),
  "databaseAcl": $(json_str "$db_acl"),
  "label": $(json_str "$label"),
  "startedAt": "$started",
  "completedAt": "$(iso_now)",
  "durationMs": $(($(now_ms) - t0)),
  "serverVersion": "$version",
  "serverVersionNum": $version_num,
  "pgDump": "$(pg_dump --version)",
  "snapshot": "$snap",
  "databaseBytes": $db_bytes,
  "bytes": $total,
  "files": [$files
  ],
  "totals": {"tables": $ntables, "rows": $rows},
  "tables": [$tables
  ],
  "verification": null
}
EOF
  )
  printf '%s\n' "$manifest" >"$part/manifest.json" || die "could not write the manifest (backups volume full?)"
  sync "$part"/* "$part" 2>/dev/null || die "could not flush the backup to disk (backups volume full?)"
  mv -T "$part" "$final" || die "could not move $part to $final"
  CLEANUP_DIRS=()
  sync "$BACKUP_DIR" 2>/dev/null || true
  log "==> finished $id: $total bytes, $ntables tables, $rows rows in $(($(now_ms) - t0)) ms"

  local vstatus=null
  if [[ $verify -eq 1 ]]; then
    verify_dir "$final" && vstatus='"passed"' || vstatus='"failed"'
  fi
  printf '{"ok": %s, "id": "%s", "path": "%s", "bytes": %s, "tables": %s, "rows": %s, "durationMs": %s, "verification": %s}\n' \
    "$([[ $vstatus == '"failed"' ]] && echo false || echo true)" "$id" "$final" "$total" "$ntables" "$rows" "$(($(now_ms) - t0))" "$vstatus"
  [[ $vstatus != '"failed"' ]]
}

cmd_verify() {
  local ref=""
  parse_opts verify "" "$@"
  ref=$(one_backup verify) || { printf "%s\n" "$ref"; exit 2; }
  local dir; dir=$(resolve_backup "$ref") || { printf '%s\n' "$dir"; exit 2; }
  setup_conn
  arm_cleanup
  local ok=true
  verify_dir "$dir" || ok=false
  printf '{"ok": %s, "id": "%s", "verification": %s}\n' "$ok" "$(basename "$dir")" "$VERIFY_JSON"
  [[ $ok == true ]]
}

# sha256 of every file, and the manifest names the same digests.
check_sums() {
  local dir=$1 out
  out=$(cd "$dir" && sha256sum --quiet -c SHA256SUMS 2>&1) || { STEP_DETAIL="checksum mismatch: $(tr '\n' ' ' <<<"$out")"; return 1; }
  local sum
  for sum in $(cut -d' ' -f1 "$dir/SHA256SUMS"); do
    grep -qF "\"sha256\": \"$sum\"" "$dir/manifest.json" || { STEP_DETAIL="SHA256SUMS and manifest.json disagree"; return 1; }
  done
  STEP_DETAIL="$(wc -l <"$dir/SHA256SUMS") files match"
}

# Compare a database's tables with the manifest's (tables.tsv, covered by the sha256 step).
compare_stats() { # DIR CONNINFO WHAT
  local dir=$1 conn=$2 what=$3 actual out
  actual=$(table_stats "$conn" 2>&1) || { STEP_DETAIL="could not count rows in $what: $(err_summary "$actual")"; return 1; }
  if ! out=$(diff <(cat "$dir/tables.tsv") <(printf '%s\n' "$actual")); then
    STEP_DETAIL="differs from the manifest: $(grep -E '^[<>]' <<<"$out" | head -n 6 | tr '\t\n' ' |')"
    return 1
  fi
  STEP_DETAIL="$(wc -l <"$dir/tables.tsv") tables: row counts and checksums identical"
}

# Run the ladder, cheapest first; stop at the first failure. Sets VERIFY_JSON; records it.
verify_dir() {
  local dir=$1 id db dump
  id=$(basename "$dir"); db=$(manifest_field "$dir" database); dump="$dir/$db.dump"
  local steps="" status=passed name t0 rc failed=0
  log "==> verifying $id"
  for name in sha256 toc read scratch_restore compare drop_scratch; do
    if [[ $failed -eq 1 && $name != drop_scratch ]]; then
      steps+="${steps:+, }{\"name\": \"$name\", \"status\": \"skipped\"}"
      continue
    fi
    t0=$(now_ms); STEP_DETAIL=""; rc=0
    log "    $name ..."
    case $name in
      sha256) check_sums "$dir" || rc=1 ;;
      toc) STEP_DETAIL=$(pg_restore --list "$dump" 2>&1 >/dev/null) || rc=1
        [[ $rc -eq 1 ]] && STEP_DETAIL=$(err_summary "$STEP_DETAIL") || STEP_DETAIL="$(pg_restore --list "$dump" | grep -vc '^;') entries" ;;
      read) STEP_DETAIL=$(pg_restore -f /dev/null "$dump" 2>&1) || rc=1
        [[ $rc -eq 1 ]] && STEP_DETAIL=$(err_summary "$STEP_DETAIL") || STEP_DETAIL="every entry read and decompressed" ;;
      scratch_restore) { scratch_start && scratch_restore "$dump" "$dir/globals.sql"; } || rc=1 ;;
      compare) compare_stats "$dir" "$(scratch_cs)" "the scratch database" || rc=1 ;;
      drop_scratch)
        if [[ -n $SCRATCH_DIR ]]; then scratch_remove; STEP_DETAIL="scratch cluster stopped and removed"; else STEP_DETAIL="no scratch cluster"; fi ;;
    esac
    if [[ $rc -ne 0 ]]; then failed=1; status=failed; log "    $name FAILED: $STEP_DETAIL"; else log "    $name ok: $STEP_DETAIL"; fi
    steps+="${steps:+, }{\"name\": \"$name\", \"status\": \"$([[ $rc -eq 0 ]] && echo passed || echo failed)\", \"ms\": $(($(now_ms) - t0)), \"detail\": $(json_str "$STEP_DETAIL")}"
  done
  VERIFY_JSON="{\"status\": \"$status\", \"at\": \"$(iso_now)\", \"steps\": [$steps]}"
  record_verification "$dir" "$VERIFY_JSON"
  log "==> verification of $id: $status"
  [[ $status == passed ]]
}
