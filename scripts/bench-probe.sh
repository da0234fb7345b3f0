#!/usr/bin/env bash
# Time `apex probe` over a whole RUNNING compose project (goal: under 3 s wall), the way a
# user runs it: the CLI end to end (node + tsx start, compose config, docker ps/inspect,
# one docker exec per container in parallel, evaluation, report.json).
#   scripts/bench-probe.sh -p <project> [-f infra/compose.yaml] [-n runs]
# Uses hyperfine (Debian package `hyperfine`) when installed, else /usr/bin/time.
# Exit 0 when the mean is under BENCH_GOAL_S (default 3), 1 otherwise; the probe's own
# verdict (pass/fail) does not matter here, only its duration.
set -euo pipefail
cd "$(dirname "$0")/.."

project="" file="infra/compose.yaml" runs=10 goal=${BENCH_GOAL_S:-3}
while getopts "p:f:n:" o; do
  case $o in p) project=$OPTARG ;; f) file=$OPTARG ;; n) runs=$OPTARG ;; *) exit 2 ;; esac
done
[ -n "$project" ] || { echo "usage: $0 -p <running compose project> [-f compose.yaml] [-n runs]" >&2; exit 2; }
running=$(docker ps -q --filter "label=com.docker.compose.project=$project" | wc -l)
[ "$running" -gt 0 ] || { echo "bench-probe: no running container in project $project" >&2; exit 2; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cmd=(node bin/apex.mjs probe -f "$file" -p "$project" --format json -o "$out")
echo "bench-probe: $running running container(s) in $project, $runs run(s), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

if command -v hyperfine >/dev/null; then
  # -i: a failing probe exits 1, which is a result, not a benchmark error.
  hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$out/h.json" "${cmd[*]}" >&2
  mean=$(node -e 'const r=require(process.argv[1]).results[0]; console.log(r.mean.toFixed(2), r.min.toFixed(2), r.max.toFixed(2))' "$out/h.json")
else
  times=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f %e -o "$out/t" "${cmd[@]}" >/dev/null 2>&1 || true
    times+=("$(cat "$out/t")")
  done
  mean=$(printf '%s\n' "${times[@]}" | awk '{s+=$1; if(min==""||$1<min)min=$1; if($1>max)max=$1} END {printf "%.2f %.2f %.2f", s/NR, min, max}')
fi
read -r m lo hi <<<"$mean"
echo "probe wall time over $runs run(s): mean ${m}s (min ${lo}s, max ${hi}s), goal < ${goal}s"
awk -v m="$m" -v g="$goal" 'BEGIN { exit !(m < g) }'
