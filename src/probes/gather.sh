#!/bin/sh
# apex runtime probe: gathers every runtime fact of one container in a single run.
# Invoked as: sh -c "$(cat gather.sh)" apex-probe NONCE MODE UID GID [DECLARED_PATH...]
#   MODE exec    = run inside the target by docker exec (as the container's default user)
#   MODE sidecar = run in a probe container sharing the target's PID namespace (no shell in
#                  the target), as the target's uid; paths are reached through /proc/1/root.
# Reads only, except write tests on files named .apex-probe-NONCE, removed at once.
# POSIX sh, shell builtins where possible: the image may lack tools.
# Output: sections, each starting with a line "@@apex:<name>".
n=$1; mode=$2; au=$3; ag=$4; shift 4
R=""; [ "$mode" = sidecar ] && R=/proc/1/root
# Whose mounts, cgroup, limits and sockets are read: docker exec's own shell is in the
# container's namespaces (with pid: host, PID 1 is the host's init); the sidecar has PID 1.
M=1; [ "$mode" = exec ] && M=$$
# A sidecar sees the target's files only through /proc/1/root, which needs the target's uid.
NR=""; if [ -n "$R" ] && ! ( cd "$R/" ) 2>/dev/null; then NR="unavailable /proc/1/root unreadable from the sidecar (target runs as another uid)"; fi
sec() { printf '@@apex:%s\n' "$1"; }
has() { command -v "$1" >/dev/null 2>&1; }
# a write test: create and remove a uniquely named file; print exit code and error text
wtest() { out=$( ( : > "$1/.apex-probe-$n" ) 2>&1 ); rc=$?; [ $rc -eq 0 ] && rm -f "$1/.apex-probe-$n"; }
sec self
printf 'pid %s\nmode %s\n' "$$" "$mode"
while IFS= read -r l; do case $l in Uid:*|Gid:*|Groups:*) printf '%s\n' "$l";; esac; done < /proc/$$/status
if [ -z "$au" ] && [ "$mode" = exec ]; then
  while read -r k a b; do case $k in Uid:) au=$a;; Gid:) ag=$a;; esac; done < /proc/$$/status
fi
printf 'check-user %s %s\n' "$au" "$ag"
# Declared paths as the kernel sees them (compose may say /var/run/x, mountinfo /run/x).
sec resolve
resolve() {
  out=""; rest=${1#/}; hops=0
  while [ -n "$rest" ] && [ $hops -lt 40 ]; do
    c=${rest%%/*}; case $rest in */*) rest=${rest#*/};; *) rest="";; esac
    case $c in ""|.) continue;; ..) out=${out%/*}; continue;; esac
    if [ -L "$R$out/$c" ] && has readlink; then
      t=$(readlink "$R$out/$c"); hops=$((hops+1))
      case $t in /*) out=""; rest="${t#/}${rest:+/$rest}";; *) rest="$t${rest:+/$rest}";; esac
    else out="$out/$c"; fi
  done
  printf '%s\t%s\n' "$1" "${out:-/}"
}
for p in "$@"; do resolve "$p"; done
sec procs
# One grep for every process when the image has it (fewer forks); else shell builtins.
# Each process's cgroup too (pids or unified hierarchy): with a shared PID namespace
# (pid: host) only those in the container's cgroup are its own.
if has grep; then
  grep -E '^(Name|PPid|Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Seccomp):' /proc/[0-9]*/status 2>/dev/null
  grep -HE '^(0::|[0-9]+:([^:]*,)?pids(,[^:]*)?:)' /proc/[0-9]*/cgroup 2>/dev/null
else
  for d in /proc/[0-9]*; do
    ( while IFS= read -r l; do
        case $l in Name:*|PPid:*|Uid:*|Gid:*|Groups:*|Cap*|NoNewPrivs:*|Seccomp:*) printf '%s %s\n' "${d#/proc/}" "$l";; esac
      done < "$d/status"
      while IFS= read -r l; do
        case $l in 0::*|*:pids:*|*:pids,*|*,pids:*) printf '%s cgroup %s\n' "${d#/proc/}" "$l";; esac
      done < "$d/cgroup" ) 2>/dev/null
  done
fi
sec mountinfo
while IFS= read -r l; do printf '%s\n' "$l"; done < /proc/$M/mountinfo
# Write tests go through the target's own mounts: directly (exec), or via /proc/1/root
# from the sidecar, which runs as the target's uid, so permissions are judged the same.
sec rootwrite
if [ -n "$NR" ]; then echo "$NR"; else wtest "$R"; printf 'rc %s\n%s\n' "$rc" "$out"; fi
sec writable
if [ -z "$NR" ]; then
  while read -r _i _p _d _r mp opts rest; do
    case ",$opts," in *,rw,*) ;; *) continue;; esac
    rest=" $rest"; fs=${rest#* - }; fs=${fs%% *}
    case $fs in proc|sysfs|cgroup|cgroup2|devpts|mqueue) continue;; esac
    case $mp in /|/proc/*|/sys/*) continue;; esac
    if [ -d "$R$mp" ]; then wtest "$R$mp"; else [ -w "$R$mp" ]; rc=$?; out="test -w"; fi
    printf '%s\t%s\t%s\t%s\n' "$mp" "$fs" "$rc" "$out"
  done < /proc/$M/mountinfo
else echo "$NR"; fi
sec stat
if [ -n "$NR" ]; then echo "$NR"
elif has stat; then
  set --
  while read -r _i _p _d _r mp opts rest; do
    case $mp in /proc|/proc/*|/sys|/sys/*|/dev|/dev/pts|/dev/mqueue) continue;; esac
    [ -d "$R$mp" ] && set -- "$@" "$R$mp"
  done < /proc/$M/mountinfo
  [ -d "$R/app" ] && set -- "$@" "$R/app"
  stat -c '%n|%u|%g|%a|%F' "$@" 2>&1
else echo 'unavailable no stat in image'; fi
sec app
if [ -n "$NR" ]; then echo "$NR"
elif [ ! -d "$R/app" ]; then echo 'absent'
elif has find && [ -n "$au" ]; then
  find "$R/app" -xdev \( ! -uid "$au" -o ! -gid "$ag" \) -printf '%U:%G %m %y %p\n' 2>&1 | head -n 300
  find "$R/app" -xdev -printf . 2>/dev/null | wc -c | { read -r c; printf 'total %s\n' "$c"; }
else echo 'unavailable no find in image or no user to compare'; fi
sec perms
if [ -n "$NR" ]; then echo "$NR"
elif has find; then
  find "$R/" -xdev \( -type f -perm /6000 -printf 'S %U:%G %m %p\n' \) -o \( -perm -0002 ! -type l ! \( -type d -perm -1000 \) -printf 'W %U:%G %m %y %p\n' \) -o \( -type s -name docker.sock -printf 'K %p\n' \) 2>&1 | head -n 300
else echo 'unavailable no find in image'; fi
sec cgroup
[ -n "$NR" ] && echo "$NR"
for f in pids/pids.max memory/memory.limit_in_bytes pids.max memory.max; do
  [ -r "$R/sys/fs/cgroup/$f" ] && { read -r v < "$R/sys/fs/cgroup/$f"; printf '%s %s\n' "$f" "$v"; }
done
while IFS= read -r l; do printf 'proc1 %s\n' "$l"; done < /proc/$M/cgroup
sec sock
[ -n "$NR" ] && echo "$NR"
for f in /var/run/docker.sock /run/docker.sock; do [ -e "$R$f" ] && printf 'exists %s\n' "$f"; done
# PID 1's core dump limit: a core file is the process's memory (its secrets) on disk.
# (docker exec starts with the container's own rlimits: its shell's are PID 1's.)
sec limits
while IFS= read -r l; do case $l in "Max core file size"*) printf '%s\n' "$l";; esac; done < /proc/$M/limits
# TCP sockets listening in the container's network namespace (hex local address:port), so
# the other containers' probes know which ports of this one they must not reach.
sec listen
for f in /proc/$M/net/tcp /proc/$M/net/tcp6; do
  [ -r "$f" ] && while read -r _ local _ st _; do [ "$st" = 0A ] && printf '%s\n' "$local"; done < "$f"
done
# PID 1's AppArmor profile (CIS 5.2), and whether the host kernel has AppArmor at all: the
# module's parameter is the host kernel's, seen through the container's read-only /sys.
sec apparmor
if [ -r /sys/module/apparmor/parameters/enabled ]; then read -r v < /sys/module/apparmor/parameters/enabled; printf 'enabled %s\n' "$v"
elif [ -d /sys/module/apparmor ]; then echo 'enabled unreadable'
else echo 'enabled absent'; fi
for f in /proc/1/attr/apparmor/current /proc/1/attr/current; do
  if [ -e "$f" ]; then v=$( { read -r l < "$f"; printf '%s' "$l"; } 2>&1 ); printf 'current %s\t%s\n' "$f" "$v"; break; fi
done
sec end
