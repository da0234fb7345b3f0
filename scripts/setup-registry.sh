#!/usr/bin/env bash
# Installs Debian's docker-registry (the reference "distribution" registry) for the release
# tests. Idempotent: does nothing when the binary is already there. The package's own
# service is never started (policy-rc.d says no): tests start their own registry on
# 127.0.0.1 with a random port and temp storage.
set -euo pipefail
if command -v docker-registry >/dev/null 2>&1; then exit 0; fi
exec 9>/tmp/apex-apt.lock
flock 9
command -v docker-registry >/dev/null 2>&1 && exit 0
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends docker-registry >/tmp/apex-setup-registry.log 2>&1; then
  apt-get update >>/tmp/apex-setup-registry.log 2>&1
  apt-get install -y --no-install-recommends docker-registry >>/tmp/apex-setup-registry.log 2>&1 \
    || { echo "setup-registry: apt-get install docker-registry failed (see /tmp/apex-setup-registry.log)" >&2; exit 1; }
fi
command -v docker-registry >/dev/null
