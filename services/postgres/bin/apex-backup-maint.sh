# shellcheck shell=bash
# `maintenance` (the daily job) and `schedule` (the logical_backup service's main loop).

partitions() {
  q -F $'\t' -d "$(cs "$DB")" -c "SELECT c.parent_table, i.inhrelid::pg_catalog.regclass::pg_catalog.text
    FROM partman.part_config c JOIN pg_catalog.pg_inherits i ON i.inhparent = c.parent_table::pg_catalog.regclass
    ORDER BY 1, 2" | sort
}
# pg_partman's work runs as the role that owns the partitioned tables, not as the superuser
# (separate -c: a procedure that commits may not run inside a multi-statement string).
q_partman() { q -d "$(cs "$DB")" -c "SET ROLE apex_partman" "$@"; }
json_list() { local out="" x; for x in "$@"; do out+="${out:+, }$(json_str "$x")"; done; printf '[%s]' "$out"; }

cmd_maintenance() {
  local reset=1 keep=${APEX_BACKUP_RETENTION_DAYS:-7} prune=1
  parse_opts maintenance "--no-reset:reset=0 --no-prune:prune=0 --keep-days=keep" "$@"
  no_arguments maintenance
  parse_keep_days "$keep"
  setup_conn
  local out before after t0; t0=$(now_ms)

  log "==> pg_partman: CALL partman.run_maintenance_proc()"
  before=$(partitions 2>&1) || die "cannot read partman.part_config: $(err_summary "$before")"
  # a procedure that commits per partition set: must run outside an explicit transaction
  out=$(q_partman -c "CALL partman.run_maintenance_proc()" 2>&1) || die "run_maintenance_proc failed: $(err_summary "$out")"
  after=$(partitions)
  local created=() removed=() line
  while IFS= read -r line; do [[ -n $line ]] && created+=("${line#*$'\t'}"); done < <(comm -13 <(echo "$before") <(echo "$after"))
  while IFS= read -r line; do [[ -n $line ]] && removed+=("${line#*$'\t'}"); done < <(comm -23 <(echo "$before") <(echo "$after"))
  log "    created ${#created[@]} partition(s), detached or dropped ${#removed[@]}; $(grep -c . <<<"$after") attached now"

  log "==> pg_partman: check_default()"
  local defaults stuck=()
  defaults=$(q_partman -F $'\t' -c "SELECT default_table, count FROM partman.check_default(true) WHERE count > 0" 2>&1) ||
    die "check_default failed: $(err_summary "$defaults")"
  while IFS=$'\t' read -r tbl n; do [[ -n $tbl ]] && stuck+=("$tbl=$n"); done <<<"$defaults"
  [[ ${#stuck[@]} -eq 0 ]] && log "    no rows in default partitions" || log "    WARNING rows in default partitions: ${stuck[*]}"

  # Busy tables: what churned since the last vacuum, plus the queue tables and every
  # partitioned parent (autovacuum never ANALYZEs a partitioned parent).
  log "==> VACUUM (ANALYZE) of busy tables"
  local tables=() t
  mapfile -t tables < <(q -d "$(cs "$DB")" -c "
    SELECT pg_catalog.format('%I.%I', s.schemaname, s.relname) FROM pg_catalog.pg_stat_user_tables s JOIN pg_catalog.pg_class c ON c.oid = s.relid
     WHERE NOT c.relispartition -- a partition is vacuumed with its parent, below
       AND (s.n_dead_tup > 1000 OR s.n_mod_since_analyze > 1000
            OR (s.schemaname = 'app' AND s.relname IN ('jobs', 'job_runs')))
    UNION
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'p' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1")
  local vacuumed=()
  for t in "${tables[@]}"; do
    out=$(q -d "$(cs "$DB")" -c "VACUUM (ANALYZE) $t" 2>&1) || die "VACUUM (ANALYZE) $t failed: $(err_summary "$out")"
    vacuumed+=("$t")
  done
  log "    ${#vacuumed[@]} table(s): ${vacuumed[*]:-none}"

  log "==> pg_stat_statements snapshot"
  local pgss snap_rows=0
  pgss=$(q -d "$(cs "$DB")" -c "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_stat_statements'")
  if [[ -z $pgss ]]; then
    out=$(q -d "$(cs "$DB")" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public" 2>&1) || die "pg_stat_statements unavailable: $(err_summary "$out")"
  fi
  # snapshot and reset in one transaction, so that no statistics fall between two days
  snap_rows=$(q -d "$(cs "$DB")" 2>&1 <<SQL
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.pg_stat_statements_snapshot AS
  SELECT pg_catalog.now() AS taken_at, s.* FROM public.pg_stat_statements s WITH NO DATA;
BEGIN;
WITH ins AS (INSERT INTO ops.pg_stat_statements_snapshot SELECT pg_catalog.now(), s.* FROM public.pg_stat_statements s RETURNING 1)
SELECT pg_catalog.count(*) FROM ins;
$([[ $reset -eq 1 ]] && echo "SELECT 'reset' FROM public.pg_stat_statements_reset(0::oid, 0::oid, 0::bigint, false);")
COMMIT;
SQL
  ) || die "pg_stat_statements snapshot failed: $(err_summary "$snap_rows")"
  snap_rows=$(grep -m1 -E '^[0-9]+$' <<<"$snap_rows" || echo 0)
  log "    $snap_rows statement(s) saved to ops.pg_stat_statements_snapshot$([[ $reset -eq 1 ]] && echo ', statistics reset')"

  PRUNE_JSON=null
  if [[ $prune -eq 1 && -d $BACKUP_DIR ]]; then
    log "==> backup retention ($keep days)"
    if [[ -w $BACKUP_DIR ]]; then prune_backups "$keep"; else log "    $BACKUP_DIR not writable here: skipped"; fi
  fi
  log "==> maintenance finished in $(($(now_ms) - t0)) ms"
  printf '{"ok": true, "partitions": {"created": %s, "removed": %s, "attached": %s}, "defaultRows": %s, "vacuumed": %s, "pgStatStatements": {"saved": %s, "reset": %s}, "prune": %s, "durationMs": %s}\n' \
    "$(json_list "${created[@]}")" "$(json_list "${removed[@]}")" "$(grep -c . <<<"$after")" "$(json_list "${stuck[@]}")" \
    "$(json_list "${vacuumed[@]}")" "${snap_rows:-0}" "$([[ $reset -eq 1 ]] && echo true || echo false)" "$PRUNE_JSON" "$(($(now_ms) - t0))"
}

# Unattended: the same `backup` the operators run, then
# pruning, every N seconds. SIGTERM is forwarded to a running step, which cleans up.
cmd_schedule() {
  local every=${APEX_BACKUP_INTERVAL:-86400} now=0 verify=0 keep=${APEX_BACKUP_RETENTION_DAYS:-7}
  parse_opts schedule "--every=every --now:now=1 --verify:verify=1 --keep-days=keep" "$@"
  no_arguments schedule
  [[ $every =~ ^[0-9]+$ && $every -ge 60 ]] || die_usage "--every must be a number of seconds >= 60, got \"$every\""
  parse_keep_days "$keep"
  local child="" self; self=$(readlink -f "$0")
  trap 'log "schedule: stopping"; [[ -n $child ]] && kill -TERM "$child" 2>/dev/null && wait "$child"; exit 0' TERM INT
  log "schedule: backup every ${every}s (verify=$verify keep-days=$keep)"
  # what `apex-backup health` (the service's healthcheck) judges: when the schedule began,
  # and how its last run ended
  printf '%s %s\n' "$(date -u +%s)" "$every" >"$SCHEDULE_STARTED"
  rm -f "$SCHEDULE_LAST"
  step() { "$self" "$@" & child=$!; local rc=0; wait "$child" || rc=$?; child=""; [[ $rc -eq 0 ]] || log "schedule: '$1' failed (exit $rc)"; return "$rc"; }
  [[ $now -eq 1 ]] || { sleep "$every" & child=$!; wait "$child"; child=""; }
  while true; do
    log "schedule: run at $(iso_now)"
    # the run's result line goes to a file, not through $(...): the step must stay a child
    # of this shell so that SIGTERM reaches it
    local out="${SCHEDULE_LAST}.out" rc=0
    if [[ $verify -eq 1 ]]; then step backup --verify >"$out" || rc=$?; else step backup >"$out" || rc=$?; fi
    cat "$out"
    if [[ $rc -eq 0 ]]; then printf 'ok %s\n' "$(date -u +%s)" >"$SCHEDULE_LAST"
    else
      local why; why=$(sed -n 's/.*"error": "\([^"]*\)".*/\1/p' "$out" | tail -n 1 | cut -c1-200)
      printf 'failed %s %s\n' "$(date -u +%s)" "${why:-exit $rc}" >"$SCHEDULE_LAST"
    fi
    step prune --keep-days "$keep" || true
    sleep "$every" & child=$!
    wait "$child"; child=""
  done
}

# The logical_backup service's healthcheck: healthy while the schedule keeps its promise.
# Unhealthy when the last scheduled backup failed, when the newest verified backup is older
# than the interval (plus a grace of a tenth of it, an hour at most) or, before the first
# one, when the first interval (plus grace) has passed without one.
cmd_health() {
  parse_opts health "" "$@"
  no_arguments health
  [[ -r $SCHEDULE_STARTED ]] || { echo "unhealthy: the backup schedule is not running (no $SCHEDULE_STARTED)"; exit 1; }
  local started every now grace status at reason
  read -r started every <"$SCHEDULE_STARTED"
  now=$(date -u +%s); grace=$((every / 10 < 3600 ? every / 10 : 3600))
  if [[ -r $SCHEDULE_LAST ]]; then
    read -r status at reason <"$SCHEDULE_LAST"
    [[ $status == ok ]] || { echo "unhealthy: the last scheduled backup failed at $(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ): ${reason:-see the service log}"; exit 1; }
  fi
  local id="" s b
  while IFS=$'\t' read -r id s b; do [[ $s == passed ]] && break; id=""; done < <(list_backups)
  if [[ -n $id ]]; then
    local age; age=$(backup_age "$id")
    [[ $age -le $((every + grace)) ]] || { echo "unhealthy: the newest verified backup $id is ${age}s old (interval ${every}s)"; exit 1; }
    echo "healthy: newest verified backup $id, ${age}s old (interval ${every}s)"
    return 0
  fi
  [[ $((now - started)) -le $((every + grace)) ]] || { echo "unhealthy: no verified backup in the $((now - started))s since the schedule began (interval ${every}s)"; exit 1; }
  echo "healthy: first scheduled backup due within $((started + every - now))s"
}
