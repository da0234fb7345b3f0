#!/usr/bin/env bash
# Prepare this host to run the apex stack: Docker Engine, compose v2, buildx, and a base image;
# and to release it: cosign (signs attestations) and docker-registry (the release tests' registry).
# Idempotent: every step first checks whether its result is already there.
# Exit 0 ready; exit 2 when the host is not one we can prepare (prints what to install).
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-debian:trixie-slim}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
log() { printf 'setup: %s\n' "$*" >&2; }
die2() { printf 'setup: %s\n' "$*" >&2; exit 2; }

docker_ready() { docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; }

is_debian_root() { [ -r /etc/debian_version ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { log "apt-get update"; apt-get update -qq; apt_updated=1; }
  log "installing: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# trixie only for what bookworm lacks (compose v2, buildx, cosign) and the registry the
# release tests run: everything else stays on the host's release. The pin file is rewritten
# when it differs (an older one pinned fewer packages), so the step stays idempotent.
TRIXIE_PACKAGES="docker-compose docker-buildx cosign docker-registry"
pin_trixie() {
  local list=/etc/apt/sources.list.d/apex-trixie.list pref=/etc/apt/preferences.d/apex-trixie want
  want=$(printf 'Package: *\nPin: release n=trixie\nPin-Priority: 1\n\nPackage: %s\nPin: release n=trixie\nPin-Priority: 600\n' "$TRIXIE_PACKAGES")
  [ -f "$list" ] && [ -f "$pref" ] && [ "$(cat "$pref")" = "$want" ] && return 0
  log "adding trixie (pinned: only $TRIXIE_PACKAGES)"
  echo "deb $DEBIAN_MIRROR trixie main" >"$list"
  printf '%s\n' "$want" >"$pref"
  apt_updated=""
}

start_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  log "starting dockerd"
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    systemctl start docker
  else
    mkdir -p /var/log
    nohup dockerd >/var/log/apex-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return 0; sleep 0.5; done
  die2 "dockerd did not start; see /var/log/apex-dockerd.log"
}

ensure_docker() {
  if docker_ready; then return 0; fi
  if ! is_debian_root; then
    die2 "need a running Docker Engine with compose v2 (docker compose) and buildx; install them, or run this script as root on Debian"
  fi
  command -v dockerd >/dev/null || apt_install docker.io
  if ! docker compose version >/dev/null 2>&1 || ! docker buildx version >/dev/null 2>&1; then
    pin_trixie
    apt_install docker-compose docker-buildx
  fi
  # A docker CLI outside /usr/bin (e.g. /usr/local/bin) looks for plugins under /usr/local/lib.
  for p in docker-compose docker-buildx; do
    if [ -x /usr/libexec/docker/cli-plugins/$p ] && [ ! -e /usr/local/lib/docker/cli-plugins/$p ]; then
      mkdir -p /usr/local/lib/docker/cli-plugins
      ln -s /usr/libexec/docker/cli-plugins/$p /usr/local/lib/docker/cli-plugins/$p
    fi
  done
  start_dockerd
  docker_ready || die2 "docker is running but 'docker compose' is missing"
}

# The base every image starts FROM. Pull it; where no registry answers, build it from
# Debian's archive with mmdebstrap (the supported air-gapped mode).
ensure_base() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return 0; fi
  if timeout 20 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then return 0; fi
  log "cannot pull $BASE_IMAGE: building it offline with mmdebstrap (trixie, minbase)"
  is_debian_root || die2 "cannot pull $BASE_IMAGE and cannot build it here; pull it, or set BASE_IMAGE to an image you have"
  command -v mmdebstrap >/dev/null || apt_install mmdebstrap
  [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || apt_install debian-archive-keyring
  local tar; tar=$(mktemp --suffix=.tar)
  trap 'rm -f "$tar"' RETURN
  # No docs or man pages; apt keeps no package lists or caches: the image stays small.
  mmdebstrap --quiet --variant=minbase \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    trixie "$tar" "$DEBIAN_MIRROR"
  docker import --change 'CMD ["bash"]' "$tar" "$BASE_IMAGE" >/dev/null
  log "built $BASE_IMAGE"
}

# cosign signs the release's attestations; docker-registry is the registry the release
# tests push to (its packaged service is never started: policy-rc.d says no while it installs).
ensure_release_tools() {
  local missing=()
  command -v cosign >/dev/null || missing+=(cosign)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  [ ${#missing[@]} = 0 ] && return 0
  is_debian_root || die2 "need ${missing[*]} on PATH (Debian trixie packages cosign, docker-registry); install them, or run this script as root on Debian"
  pin_trixie
  local policy=/usr/sbin/policy-rc.d created=""
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1; fi
  apt_install "${missing[@]}" || { [ -n "$created" ] && rm -f "$policy"; die2 "apt-get install ${missing[*]} failed"; }
  [ -n "$created" ] && rm -f "$policy"
  return 0
}

ensure_docker
ensure_base
ensure_release_tools
log "ready: $(docker version --format 'engine {{.Server.Version}}') / $(docker compose version --short | sed 's/^/compose /') / base $BASE_IMAGE / cosign $(dpkg-query -W -f '${Version}' cosign 2>/dev/null || echo '(not from apt)')"
