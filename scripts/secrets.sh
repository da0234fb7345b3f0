#!/usr/bin/env bash
# Generate the stack's passwords into infra/secrets/ (git-ignored) and derive the files each
# service reads. Idempotent: an existing password is kept; derived files are rewritten from
# it. Never prints a secret.
#
# A compose file secret is a bind mount: the container sees the host file's owner and mode.
# So every consumer gets its own copy under infra/secrets/uid-<uid>/, owned by its uid,
# mode 0400 (the canonical files stay root-only). Without root we cannot chown: copies are
# then 0444 inside 0700 directories, and we say so.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077

DIR=${APEX_SECRETS_DIR:-infra/secrets}
log() { printf 'secrets: %s\n' "$*" >&2; }

mkdir -p "$DIR"
chmod 0700 "$DIR"

# 40 characters from [A-Za-z0-9]: ~238 bits, and safe inside userlist, pgpass and ACL lines.
random_password() {
  local s=""
  while [ "${#s}" -lt 40 ]; do
    s+=$(head -c 256 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  done
  printf '%s' "${s:0:40}"
}

ensure_password() {
  local f="$DIR/$1"
  if [ ! -s "$f" ]; then
    random_password >"$f.tmp"
    mv "$f.tmp" "$f"
    log "generated $1"
  fi
  chmod 0400 "$f"
}

read_secret() { cat "$DIR/$1"; }

can_chown=""
[ "$(id -u)" = 0 ] && can_chown=1
[ -n "$can_chown" ] || log "not root: per-service copies are mode 0444 (cannot chown to service uids)"

# put UID NAME: write stdin to uid-UID/NAME, owned by UID, only if the content changed.
put() {
  local uid=$1 name=$2 d="$DIR/uid-$1" tmp
  mkdir -p "$d"
  chmod 0700 "$d"
  tmp=$(mktemp "$d/.tmp.XXXXXX")
  cat >"$tmp"
  if [ -f "$d/$name" ] && cmp -s "$tmp" "$d/$name"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$d/$name"
  fi
  if [ -n "$can_chown" ]; then
    chown "$uid:$uid" "$d/$name"
    chmod 0400 "$d/$name"
  else
    chmod 0444 "$d/$name"
  fi
}

for name in postgres_password owner_db_password app_db_password backup_db_password valkey_password pghero_password pghero_db_password pgbouncer_stats_password; do
  ensure_password "$name"
done

# The api's callers, "<caller> <token>" a line: verify (apex's own workflow checks) and
# operator (people and scripts). Kept as written once, so callers added by hand stay.
if [ ! -s "$DIR/api_tokens" ]; then
  printf '# api callers: "<caller> <token>" per line; the api reads this file at start\nverify %s\noperator %s\n' \
    "$(random_password)" "$(random_password)" >"$DIR/api_tokens.tmp"
  mv "$DIR/api_tokens.tmp" "$DIR/api_tokens"
  log "generated api_tokens"
fi
chmod 0400 "$DIR/api_tokens"

# postgres (uid 999): the superuser password for initdb (the superuser then logs in only on
# the server's own socket) and the role passwords the first-start SQL sets.
read_secret postgres_password | put 999 postgres_password
read_secret owner_db_password | put 999 owner_db_password
read_secret app_db_password | put 999 app_db_password
read_secret backup_db_password | put 999 backup_db_password
read_secret pghero_db_password | put 999 pghero_db_password
# logical_backup (same uid, another container): only the backup role's login, never the
# superuser's.
rm -f "$DIR/uid-999/postgres.pgpass"
printf 'postgres:5432:apex:apex_backup:%s\n' "$(read_secret backup_db_password)" | put 999 backup.pgpass

# api and worker (1000): the app role's password and valkey's; db_migrate (same uid): the
# owner role's, which no long-running service holds.
read_secret app_db_password | put 1000 app_db_password
read_secret owner_db_password | put 1000 owner_db_password
read_secret valkey_password | put 1000 valkey_password
read_secret api_tokens | put 1000 api_tokens

# pgbouncer (1001): its auth_file. Plain text, because pgbouncer also logs in to postgres
# with it (SCRAM to the server); readable by uid 1001 only. apex_stats exists only here: it
# may read pgbouncer's SHOW console (stats_users) and reaches no database.
{
  printf '"apex_app" "%s"\n' "$(read_secret app_db_password)"
  printf '"apex_stats" "%s"\n' "$(read_secret pgbouncer_stats_password)"
} | put 1001 pgbouncer_userlist

# valkey (1002): the ACL holds only the password's sha256; the healthcheck needs the password.
# The app user is "default" (AUTH <password>), allowed what the api's caches use (GET, SET
# with EX, DEL), on keys under apex: only, no pub/sub channels, no scripting; plus the few
# commands the healthcheck and the operator checks need (PING, INFO, BGSAVE, LASTSAVE).
hash=$(read_secret valkey_password | sha256sum | cut -d' ' -f1)
printf 'user default on #%s ~apex:* resetchannels -@all +auth +hello +ping +echo +quit +client|setname +client|setinfo +get +set +del +exists +expire +ttl +info +bgsave +lastsave\n' "$hash" | put 1002 valkey_users.acl
read_secret valkey_password | put 1002 valkey_password

# pghero (profile "pghero", run as 1004): basic-auth password and its database login.
read_secret pghero_password | put 1004 pghero_password
printf 'postgres:5432:apex:pghero:%s\n' "$(read_secret pghero_db_password)" | put 1004 pghero.pgpass

log "ready in $DIR"
