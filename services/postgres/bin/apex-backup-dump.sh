# shellcheck shell=bash
# `backup` and `verify`: the dump, its manifest, and the verification ladder.
#
# backup --verify does it in one pass: pg_dump's stream goes to the file and, through tee,
# straight into a restore in a throwaway cluster (scratch.sh), while the snapshot's row
# counts and checksums are taken beside it. The backup is renamed into place only once the
# restored database compared equal to them; a backup whose verification failed is deleted.
# verify <id> runs the ladder on a finished file: sha256 -> pg_restore --list -> scratch
# restore -> compare.

# A run killed by SIGKILL (the OOM killer, kill -9) runs no trap. The guard, in a session of
# its own, outlives it: once the run is gone it stops what the run left running (the dump's
# pipeline, the scratch server) and removes the partial backup and its scratch cluster.
start_guard() { # PARTIAL_DIR
  local run=$$ part=$1
  setsid bash -c '
    run=$1 part=$2
    while kill -0 "$run" 2>/dev/null; do sleep 0.2; done
    kill -KILL -- "-$run" 2>/dev/null
    for d in "$part"/.scratch-*; do [ -d "$d/data" ] && pg_ctl -D "$d/data" -m immediate stop; done
    rm -rf -- "$part"' apex-backup-guard "$run" "$part" </dev/null >/dev/null 2>&1 {LOCK_FD}>&- &
}

# The run's process group, so that cleanup and the guard reach every process it started.
own_process_group() {
  [[ $(ps -o pgid= -p $$ | tr -d ' ') == "$$" ]] || exec setsid "$0" "${ORIGINAL_ARGS[@]}"
  OWN_GROUP=1
}

# Leftovers of runs that are over (their lock is free): never one still in progress.
partial_sweep() {
  local d
  for d in "$BACKUP_DIR"/.partial-*; do
    [[ -d $d ]] || continue
    if [[ -e $d/.lock ]]; then flock -n "$d/.lock" true 2>/dev/null && rm -rf -- "$d"
    else find "$d" -maxdepth 0 -mmin +1440 -exec rm -rf {} + 2>/dev/null; fi
  done
  return 0
}

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
  [[ $COMPRESS =~ ^(zstd|lz4|gzip|none)(:[0-9]{1,2})?$ ]] ||
    die_usage "APEX_BACKUP_COMPRESS=\"$COMPRESS\" refused: give zstd, lz4, gzip or none, optionally with :LEVEL (e.g. zstd:3)"
  own_process_group
  setup_conn
  ensure_dir
  arm_cleanup
  partial_sweep
  local started id part final t0
  started=$(iso_now); t0=$(now_ms)
  id="apex-$(date -u +%Y%m%dT%H%M%SZ)-$(rand4)"
  part="$BACKUP_DIR/.partial-$id"; final="$BACKUP_DIR/$id"
  # written under a temporary name: a half-written backup must never look finished
  mkdir "$part" || die "cannot create $part"
  CLEANUP_DIRS+=("$part")
  exec {LOCK_FD}>"$part/.lock" && flock -n "$LOCK_FD" || die "cannot lock $part"
  start_guard "$part"
  log "==> backup $id of database $DB ($PGHOST:$PGPORT)$([[ $verify -eq 1 ]] && echo ", verified in the same pass")"

  # The database's own ACL is not in a dump made without --create: keep it in the manifest,
  # so that a restore gives the database back its CONNECT/CREATE/TEMP grants.
  local info version version_num owner db_bytes db_acl
  info=$(q -F '|' -d "$(cs "$DB")" -c "SELECT pg_catalog.current_setting('server_version'), pg_catalog.current_setting('server_version_num'), pg_catalog.pg_get_userbyid(datdba), pg_catalog.pg_database_size(datname), coalesce(datacl::pg_catalog.text, '') FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()" 2>&1) ||
    die "cannot read database $DB: $(err_summary "$info")"
  IFS='|' read -r version version_num owner db_bytes db_acl <<<"$info"

  # roles and their memberships, without the password hashes (nobody's secret is in a
  # backup); first, because the scratch restore needs the roles before the stream starts
  log "==> pg_dumpall --globals-only --no-role-passwords"
  local out
  out=$(pg_dumpall --globals-only --no-role-passwords -l "$(cs "$DB")" -f "$part/globals.sql" 2>&1) || die "backup failed while dumping globals: $(err_summary "$out")"

  # Hold one snapshot open: the dump and the row counts/checksums both read exactly it.
  coproc SNAP { exec psql -X -q -At -v ON_ERROR_STOP=1 -d "$(cs "$DB")" 2>&1; }
  local snap=""
  printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" "SELECT pg_catalog.pg_export_snapshot();" >&"${SNAP[1]}"
  read -r -t 60 snap <&"${SNAP[0]}" || true
  [[ $snap =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] || die "could not export a snapshot: ${snap:-no answer}"
  log "    snapshot $snap"

  log "==> counting rows and checksumming tables in the snapshot (in parallel with the dump)"
  local stats_err="$part/.stats.err"
  table_stats "$(cs "$DB")" "$snap" "$CHECKSUMS" >"$part/tables.tsv" 2>"$stats_err" &
  local stats_pid=$!

  # verification, step by step: "name status ms detail" lines, for the manifest
  local steps="" vfailed=0 vdetail="" exts="" ts
  vstep() { # NAME RC MS DETAIL
    local st=passed; [[ $2 -eq 0 ]] || { st=failed; vfailed=1; vdetail="$1: $4"; }
    steps+="${steps:+, }{\"name\": \"$1\", \"status\": \"$st\", \"ms\": $3, \"detail\": $(json_str "$4")}"
    if [[ $st == passed ]]; then log "    $1 ok: $4"; else log "    $1 FAILED: $4"; fi
  }
  if [[ $verify -eq 1 ]]; then
    ts=$(now_ms); STEP_DETAIL=""
    log "==> scratch cluster for the restore"
    local rc=0
    if ! scratch_start "$part"; then rc=1
    elif ! out=$(scratch_roles "$part/globals.sql" 2>&1); then rc=1; STEP_DETAIL="cannot create the dump's roles: $(err_summary "$out")"
    elif ! exts=$(live_extensions "$(cs "$DB")" 2>&1); then rc=1; STEP_DETAIL="cannot list the extensions of $DB: $(err_summary "$exts")"
    elif ! scratch_prepare_extensions "$exts"; then rc=1; fi
    [[ $rc -eq 0 ]] && STEP_DETAIL="initdb, $(wc -l <<<"${exts:-}" | tr -d ' ') extension(s) and the dump's roles made by its own superuser"
    vstep scratch_start "$rc" $(($(now_ms) - ts)) "$STEP_DETAIL"
    [[ $rc -eq 0 ]] || die "backup not made: the scratch cluster for its verification could not be prepared: $STEP_DETAIL"
  fi

  log "==> pg_dump -Fc --compress=$COMPRESS $DB$([[ $verify -eq 1 ]] && echo " | tee $DB.dump | restore into the scratch cluster")"
  local dump_err="$part/.dump.err" rc=0
  ts=$(now_ms)
  # In the background, so that SIGTERM is handled at once (bash runs a trap only between
  # foreground commands). pg_dump's stderr goes through dump_progress, which the subshell
  # waits for: the file then holds all of it, for the error message.
  local -a dump=(pg_dump -Fc --compress="$COMPRESS" --verbose --snapshot="$snap" -d "$(cs "$DB")")
  (
    set +e
    if [[ $verify -eq 1 ]]; then
      # tee stops on the first failure of either side (SIGPIPE)
      { "${dump[@]}" | tee "$part/$DB.dump" 2>"$part/.tee.err" | scratch_load -
        printf '%s\n' "${PIPESTATUS[*]}" >"$part/.stream.rc"; } 2> >(dump_progress "$dump_err")
    else
      { "${dump[@]}" -f "$part/$DB.dump"; printf '%s\n' "$?" >"$part/.stream.rc"; } 2> >(dump_progress "$dump_err")
    fi
    wait $!
  ) &
  wait $! || true
  local prc; read -r -a prc <"$part/.stream.rc" || prc=(1)
  if [[ $verify -eq 1 ]]; then
    # a restore that failed stops the dump too (SIGPIPE, 141): that is the verification's
    # failure, not the dump's
    [[ ${prc[1]} -eq 0 || ${prc[1]} -eq 141 ]] || die "backup failed while writing $DB.dump: $(err_summary "$(cat "$part/.tee.err")")"
    if [[ ${prc[0]} -ne 0 ]] && ! [[ ${prc[0]} -eq 141 && ${prc[2]} -ne 0 ]]; then rc=${prc[0]}; fi
    if [[ $rc -eq 0 ]]; then vstep restore "${prc[2]}" $(($(now_ms) - ts)) "$(cat "$SCRATCH_DIR/restore.detail" 2>/dev/null || echo "the restore stopped (exit ${prc[2]}) without a word")"; fi
  else
    rc=${prc[0]}
  fi
  local stats_rc=0
  wait "$stats_pid" || stats_rc=$?
  if [[ $rc -ne 0 ]]; then die "backup failed while dumping $DB (pg_dump exit $rc): $(err_summary "$(cat "$dump_err" 2>/dev/null)")"; fi
  [[ $stats_rc -eq 0 ]] || die "backup failed while counting rows (exit $stats_rc): $(err_summary "$(cat "$stats_err" 2>/dev/null)")"
  rm -f "$stats_err" "$dump_err" "$part/.stream.rc" "$part/.tee.err"
  printf 'COMMIT;\n\\q\n' >&"${SNAP[1]}" 2>/dev/null || true
  wait "$SNAP_PID" 2>/dev/null || true
  SNAP_PID=""

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

  if [[ $verify -eq 1 && $vfailed -eq 0 ]]; then
    # the file on disk is the stream that was restored, and names the extensions made for it
    ts=$(now_ms)
    local dumped trc=0; dumped=$(dump_extensions "$part/$DB.dump" 2>&1) || trc=$?
    if [[ $trc -ne 0 ]]; then vstep toc 1 $(($(now_ms) - ts)) "cannot read the file's table of contents: $(err_summary "$dumped")"
    elif [[ $dumped == "$exts" ]]; then vstep toc 0 $(($(now_ms) - ts)) "the file's table of contents reads, and names the $(wc -l <<<"${exts:-}" | tr -d ' ') extension(s) made for the restore"
    else vstep toc 1 $(($(now_ms) - ts)) "the dump names the extensions [$(tr '\t\n' ': ' <<<"$dumped")], the scratch cluster was given [$(tr '\t\n' ': ' <<<"$exts")]"; fi
  fi
  if [[ $verify -eq 1 && $vfailed -eq 0 ]]; then
    ts=$(now_ms)
    local crc=0; compare_stats "$part" "$(scratch_cs)" "the scratch database" "$CHECKSUMS" || crc=1
    vstep compare "$crc" $(($(now_ms) - ts)) "$STEP_DETAIL"
  fi
  if [[ $verify -eq 1 ]]; then
    ts=$(now_ms); scratch_remove
    vstep drop_scratch 0 $(($(now_ms) - ts)) "scratch cluster stopped and removed"
  fi
  local vjson=null vstatus=null
  if [[ $verify -eq 1 ]]; then
    vstatus=$([[ $vfailed -eq 0 ]] && echo '"passed"' || echo '"failed"')
    vjson="{\"status\": $vstatus, \"at\": \"$(iso_now)\", \"mode\": \"streamed\", \"steps\": [$steps]}"
    if [[ $vfailed -eq 1 ]]; then
      # a backup that did not restore equal is not kept: nothing may look finished but unproven
      printf '{"ok": false, "id": "%s", "error": %s, "verification": "failed", "steps": [%s]}\n' "$id" \
        "$(json_str "verification of backup $id failed at $vdetail; the backup was discarded")" "$steps"
      log "error: verification of backup $id failed at $vdetail; the backup was discarded"
      exit 1
    fi
  fi
  local manifest
  manifest=$(cat <<EOF
{
  "format": "apex-backup/2",
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
  "checksums": "$CHECKSUMS",
  "compression": "$COMPRESS",
  "databaseBytes": $db_bytes,
  "bytes": $total,
  "files": [$files
  ],
  "totals": {"tables": $ntables, "rows": $rows},
  "tables": [$tables
  ],
  "verification": $vjson
}
EOF
  )
  printf '%s\n' "$manifest" >"$part/manifest.json" || die "could not write the manifest (backups volume full?)"
  rm -f "$part/.lock"
  sync "$part"/* "$part" 2>/dev/null || die "could not flush the backup to disk (backups volume full?)"
  mv -T "$part" "$final" || die "could not move $part to $final"
  CLEANUP_DIRS=()
  sync "$BACKUP_DIR" 2>/dev/null || true
  log "==> finished $id: $total bytes, $ntables tables, $rows rows in $(($(now_ms) - t0)) ms$([[ $verify -eq 1 ]] && echo ", verified")"
  printf '{"ok": true, "id": "%s", "path": "%s", "bytes": %s, "tables": %s, "rows": %s, "durationMs": %s, "verification": %s}\n' \
    "$id" "$final" "$total" "$ntables" "$rows" "$(($(now_ms) - t0))" "$vstatus"
}

# pg_dump --verbose on stderr: the "dumping contents" lines as progress, everything kept
# in FILE for the error message.
dump_progress() { # FILE
  tee "$1" | grep --line-buffered -E 'dumping contents|error' | sed -u 's/^/    /' >&2 || true
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
compare_stats() { # DIR CONNINFO WHAT [METHOD]
  local dir=$1 conn=$2 what=$3 method=${4:-} actual out
  # the manifest's own method (older backups: md5)
  [[ -n $method ]] || method=$(manifest_field "$dir" checksums); method=${method:-md5}
  actual=$(table_stats "$conn" "" "$method" 2>&1) || { STEP_DETAIL="could not count rows in $what: $(err_summary "$actual")"; return 1; }
  if ! out=$(diff <(cat "$dir/tables.tsv") <(printf '%s\n' "$actual")); then
    STEP_DETAIL="differs from the manifest: $(grep -E '^[<>]' <<<"$out" | head -n 6 | tr '\t\n' ' |')"
    return 1
  fi
  STEP_DETAIL="$(wc -l <"$dir/tables.tsv") tables: row counts and checksums identical"
}

# Run the ladder on a finished backup, cheapest first; stop at the first failure. Sets
# VERIFY_JSON; records it. (No separate `pg_restore -f /dev/null` rung: the scratch restore
# reads and decompresses every entry anyway.)
verify_dir() {
  local dir=$1 id db dump
  id=$(basename "$dir"); db=$(manifest_field "$dir" database); dump="$dir/$db.dump"
  local steps="" status=passed name t0 rc failed=0
  log "==> verifying $id"
  for name in sha256 toc scratch_restore compare drop_scratch; do
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
