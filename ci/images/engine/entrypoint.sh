#!/bin/sh
# Starts the engine's command (dockerd) inside a container. On cgroup v2 a process in the
# namespace's root cgroup keeps dockerd from enabling controllers for its containers
# ("no internal processes"), so this script first moves every process of the root cgroup
# into a child, init, then enables every available controller for the children. On v1
# each controller is its own hierarchy and nothing needs moving.
#   entrypoint.sh CMD...   nest (v2), then exec CMD
#   entrypoint.sh --ready  exit 0 once dockerd answers on its socket (the healthcheck)
set -eu
CG=${APEX_CGROUP_ROOT:-/sys/fs/cgroup}

if [ "${1:-}" = "--ready" ]; then
  exec test -S /var/run/docker.sock -a -e /var/run/docker.pid
fi

if [ -f "$CG/cgroup.controllers" ]; then
  mkdir -p "$CG/init"
  # a process may exit between the read and the move: keep going
  while read -r pid; do echo "$pid" >>"$CG/init/cgroup.procs" 2>/dev/null || :; done <"$CG/cgroup.procs"
  wanted=$(sed -e 's/^ *//' -e 's/ *$//' -e 's/  */ +/g' -e 's/^./+&/' "$CG/cgroup.controllers")
  # one write enables them all; where one is refused, each on its own (the rest still count)
  if ! echo "$wanted" >>"$CG/cgroup.subtree_control" 2>/dev/null; then
    for c in $wanted; do
      echo "$c" >>"$CG/cgroup.subtree_control" 2>/dev/null || echo "engine: cannot enable cgroup controller ${c#+}" >&2
    done
  fi
  echo "engine: cgroup v2 nested (controllers: $(cat "$CG/cgroup.subtree_control"))" >&2
else
  echo "engine: cgroup v1: nothing to nest" >&2
fi
exec "$@"
