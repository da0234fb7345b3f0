# shellcheck shell=bash
# `restore`, `list` and `prune`.

db_exists() { [[ $(echo "SELECT 1 FROM pg_catalog.pg_database WHERE datname = :'n'" | q -d "$(cs postgres)" -v n="$1") == 1 ]]; }

# A restore into the live cluster runs as its superuser, and evaluates what the dump holds
# (CHECK constraints and the functions they call) as that superuser. So it takes only dumps
# whose every object belongs to a role no service logs in as. Prints the offending owners.
untrusted_owners() { # DUMP
  local trusted=" ${APEX_RESTORE_TRUSTED_OWNERS:-postgres apex_owner apex_partman} "
  pg_restore --list "$1" | grep -E '^[0-9]+; ' | grep -v ' $' | awk '{ print $NF }' | sort -u |
    while IFS= read -r owner; do [[ $trusted == *" $owner "* ]] || printf '%s ' "$owner"; done
}

# Restore into a fresh database under a temporary name, check it, and only then swap it in:
# whatever fails, the existing database is left as it was.
cmd_restore() {
  local ref="" into="" force=0 verify=0
  parse_opts restore "--into=into --force:force=1 --verify:verify=1" "$@"
  ref=$(one_backup restore) || { printf "%s\n" "$ref"; exit 2; }
  local dir; dir=$(resolve_backup "$ref") || { printf '%s\n' "$dir"; exit 2; }
  local src owner id t0
  id=$(basename "$dir"); src=$(manifest_field "$dir" database); owner=$(manifest_field "$dir" owner)
  into=${into:-$src}
  valid_db_name "$into" || die_usage "--into \"$into\" is not a plain database name ([A-Za-z_][A-Za-z0-9_]*, at most 63)"
  setup_conn
  arm_cleanup
  t0=$(now_ms)
  local exists=0
  db_exists "$into" && exists=1
  if [[ $exists -eq 1 && $force -eq 0 ]]; then
    die_usage "database \"$into\" already exists: refusing to overwrite it (nothing was changed); pass --force to replace it"
  fi
  STEP_DETAIL=""
  check_sums "$dir" || die "backup $id is damaged, nothing restored: $STEP_DETAIL"
  local bad; bad=$(untrusted_owners "$dir/$src.dump")
  [[ -z $bad ]] || die "backup $id holds objects owned by ${bad% } (not in APEX_RESTORE_TRUSTED_OWNERS): restoring them as the superuser would run their code as the superuser; nothing restored"
  local tmpdb="${into:0:40}_restoring_$(rand4)"
  log "==> restoring $id into $tmpdb"
  CLEANUP_DBS+=("$tmpdb")
  local out
  out=$(createdb -T template0 ${owner:+-O "$owner"} --maintenance-db="$(cs postgres)" "$tmpdb" 2>&1) || die "cannot create $tmpdb: $(err_summary "$out")"
  out=$(pg_restore --exit-on-error -j "$RESTORE_JOBS" -d "$(cs "$tmpdb")" "$dir/$src.dump" 2>&1) ||
    die "restore failed, \"$into\" untouched: $(err_summary "$out")"
  local acl; acl=$(manifest_field "$dir" databaseAcl)
  if [[ -n $acl ]]; then
    out=$(q -d "$(cs postgres)" -v db="$tmpdb" -v acl="$acl" 2>&1 <<'SQL'
SELECT pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db')
\gexec
SELECT pg_catalog.format('GRANT %s ON DATABASE %I TO %s', a.privilege_type, :'db',
         CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(r.rolname) END)
  FROM pg_catalog.aclexplode(:'acl'::pg_catalog.aclitem[]) a
  LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
 WHERE a.grantee = 0 OR r.oid IS NOT NULL
\gexec
SQL
    ) || die "cannot give $tmpdb the database privileges of the backup: $(err_summary "$out")"
  fi
  local vstatus=null
  if [[ $verify -eq 1 ]]; then
    log "==> comparing row counts and checksums with the manifest"
    compare_stats "$dir" "$(cs "$tmpdb")" "$tmpdb" || die "restored data $STEP_DETAIL; \"$into\" untouched"
    log "    $STEP_DETAIL"
    vstatus='"passed"'
  fi
  if [[ $exists -eq 1 ]]; then
    log "==> --force: replacing existing database $into"
    out=$(echo "DROP DATABASE :\"n\" WITH (FORCE)" | q -d "$(cs postgres)" -v n="$into" 2>&1) || die "cannot drop $into: $(err_summary "$out")"
  fi
  out=$(echo "ALTER DATABASE :\"t\" RENAME TO :\"n\"" | q -d "$(cs postgres)" -v t="$tmpdb" -v n="$into" 2>&1) ||
    die "cannot rename $tmpdb to $into: $(err_summary "$out")"
  CLEANUP_DBS=()
  log "==> restored $id into $into in $(($(now_ms) - t0)) ms"
  printf '{"ok": true, "id": "%s", "database": "%s", "replaced": %s, "verification": %s, "durationMs": %s}\n' \
    "$id" "$into" "$([[ $exists -eq 1 ]] && echo true || echo false)" "$vstatus" "$(($(now_ms) - t0))"
}

# Finished backups (a manifest, not a .partial- name), newest first: "id<TAB>status<TAB>bytes".
list_backups() {
  local d
  for d in "$BACKUP_DIR"/apex-*; do
    [[ -f $d/manifest.json ]] || continue
    printf '%s\t%s\t%s\n' "$(basename "$d")" "$(verification_status "$d" || true)" \
      "$(sed -n 's/^  "bytes": \([0-9]*\),/\1/p' "$d/manifest.json")"
  done | sort -r
}

cmd_list() {
  [[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
  [[ $# -eq 0 ]] || die_usage "list takes no arguments"
  ensure_dir
  local json="" id status bytes
  while IFS=$'\t' read -r id status bytes; do
    log "$(printf '%-32s %-9s %12s bytes' "$id" "${status:-unverified}" "$bytes")"
    json+="${json:+, }{\"id\": \"$id\", \"verification\": \"${status:-none}\", \"bytes\": ${bytes:-0}}"
  done < <(list_backups)
  printf '{"ok": true, "backups": [%s]}\n' "$json"
}

# Seconds since the timestamp embedded in a backup id (apex-YYYYmmddTHHMMSSZ-xxxx).
backup_age() {
  local ts=${1#apex-}; ts=${ts%%-*}
  local iso="${ts:0:4}-${ts:4:2}-${ts:6:2}T${ts:9:2}:${ts:11:2}:${ts:13:2}Z"
  echo $(($(date -u +%s) - $(date -u -d "$iso" +%s)))
}

# Delete backups older than the retention, but only those older than the newest VERIFIED
# backup: never leave the volume without a backup that is known to restore.
prune_backups() {
  local keep_days=$1 id status bytes newest_verified="" pruned=() kept=0
  while IFS=$'\t' read -r id status bytes; do
    if [[ -z $newest_verified ]]; then
      [[ $status == passed ]] && newest_verified=$id
      kept=$((kept + 1)); continue
    fi
    if [[ $(backup_age "$id") -gt $((keep_days * 86400)) ]]; then
      rm -rf -- "${BACKUP_DIR:?}/$id" && pruned+=("$id")
    else
      kept=$((kept + 1))
    fi
  done < <(list_backups)
  # leftovers of interrupted runs, once they are surely not in progress any more
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -name '.partial-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
  scratch_sweep
  local names="" p
  for p in "${pruned[@]}"; do names+="${names:+, }\"$p\""; done
  if [[ -z $newest_verified ]]; then
    log "    prune: no verified backup exists, nothing deleted"
    PRUNE_JSON="{\"pruned\": [], \"kept\": $kept, \"newestVerified\": null, \"note\": \"no verified backup yet, nothing deleted\"}"
  else
    log "    prune: newest verified $newest_verified; deleted ${#pruned[@]} older than $keep_days days; kept $kept"
    PRUNE_JSON="{\"pruned\": [$names], \"kept\": $kept, \"newestVerified\": \"$newest_verified\", \"keepDays\": $keep_days}"
  fi
}

parse_keep_days() {
  [[ $1 =~ ^[0-9]+$ ]] || die_usage "--keep-days must be a whole number of days, got \"$1\""
}

cmd_prune() {
  local keep=${APEX_BACKUP_RETENTION_DAYS:-7}
  parse_opts prune "--keep-days=keep" "$@"
  no_arguments prune
  parse_keep_days "$keep"
  ensure_dir
  prune_backups "$keep"
  printf '{"ok": true, "prune": %s}\n' "$PRUNE_JSON"
}
