#!/usr/bin/env bash
# jixiao on a Slurm cluster, end to end:
#   deploy/slurm/submit.sh INPUT OUT N
# plans INPUT into N shards (jixiao plan), submits the job array (one task per shard) and the
# merge job that depends on it, waits for both, and reports. Exit status: 0 merged, every
# input read; 1 merged, some inputs failed (OUT/errors.jsonl); 2 usage; 3 the merge did not run
# (a shard failed: the report names it and shows its log). Uses the sbatch/squeue on PATH and
# SLURM_CONF as set. OUT must be on a filesystem every node sees; logs go to OUT/logs/.
#
# Environment: JIXIAO (binary, default jixiao on PATH), JIXIAO_OPTS (options for plan, run and
# merge: --config, --models-dir, --engine), JIXIAO_PLAN_OPTS (options for the plan alone:
# --include, --exclude), JIXIAO_CPUS_PER_TASK (CPUs per shard task, passed
# to --threads; default 1), JIXIAO_SBATCH_ARGS (more sbatch options: partition, account, time),
# JIXIAO_POLL (seconds between squeue polls, default 2), JIXIAO_TIMEOUT (seconds to wait before
# giving up, default none).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 3 ]; then
  echo "usage: $0 INPUT OUT N" >&2
  exit 2
fi
input=$1
out=$2
n=$3
case "$n" in '' | *[!0-9]* | 0)
  echo "submit: N must be a positive number, not '$n'" >&2
  exit 2
  ;;
esac
jixiao=${JIXIAO:-$(command -v jixiao || true)}
if [ -z "$jixiao" ] || [ ! -x "$jixiao" ]; then
  echo "submit: no jixiao binary (set JIXIAO=/path/to/jixiao or put it on PATH)" >&2
  exit 2
fi
JIXIAO=$(cd "$(dirname "$jixiao")" && pwd)/$(basename "$jixiao")
export JIXIAO
mkdir -p "$out/logs" # Slurm never creates the directory of -o itself
out=$(cd "$out" && pwd)

# shellcheck disable=SC2086 # JIXIAO_OPTS is a list of options
"$JIXIAO" plan "$input" --shards "$n" -o "$out" ${JIXIAO_OPTS:-} ${JIXIAO_PLAN_OPTS:-}
plan_id=$(sed -n 's/^  "plan_id": "\([0-9a-f]*\)",$/\1/p' "$out/shards/plan.json")
[ -n "$plan_id" ] || { echo "submit: no plan_id in $out/shards/plan.json" >&2; exit 2; }

cpus=()
[ -n "${JIXIAO_CPUS_PER_TASK:-}" ] && cpus=(--cpus-per-task="$JIXIAO_CPUS_PER_TASK")
# shellcheck disable=SC2206 # JIXIAO_SBATCH_ARGS is a list of options
extra=(${JIXIAO_SBATCH_ARGS:-})
array=$(sbatch --parsable --array="0-$((n - 1))" "${cpus[@]}" "${extra[@]}" \
  --output="$out/logs/shard-%a.out" "$here/shard.sbatch" "$out" "$n")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "${extra[@]}" \
  --output="$out/logs/merge.out" "$here/merge.sbatch" "$out")
merge=${merge%%;*}
echo "submit: plan $plan_id, array job $array ($n tasks), merge job $merge (afterok)"

# Wait until neither job is queued or running (finished jobs drop out of squeue's default
# listing; an id Slurm no longer knows makes squeue fail, which also means gone).
start=$(date +%s)
while [ -n "$(squeue -h -o %i -j "$array,$merge" 2>/dev/null || true)" ]; do
  if [ -n "${JIXIAO_TIMEOUT:-}" ] && [ $(($(date +%s) - start)) -ge "$JIXIAO_TIMEOUT" ]; then
    echo "submit: still running after ${JIXIAO_TIMEOUT} s: jobs $array and $merge left queued" >&2
    exit 3
  fi
  sleep "${JIXIAO_POLL:-2}"
done

# sbatch's own view is not enough (a cancelled merge looks finished): the marker decides.
marker="$out/merged.json"
if [ -f "$marker" ] && grep -q "\"plan_id\": \"$plan_id\"" "$marker"; then
  rc=$(sed -n 's/^  "exit_code": \([0-9]*\),$/\1/p' "$marker")
  echo "submit: merged plan $plan_id into $out (records.jsonl, tables.jsonl, indicators.csv, run.json; marker $marker)"
  [ "${rc:-0}" -eq 0 ] || echo "submit: some inputs failed: see $out/errors.jsonl" >&2
  exit "${rc:-0}"
fi

echo "submit: FAILED: the merge did not run (no $marker for plan $plan_id)." >&2
last=$((n - 1))
width=$((${#last} > 3 ? ${#last} : 3)) # shard directories are named as jixiao names them
for ((i = 0; i < n; i++)); do
  d=$(printf '%s/shards/%0*d' "$out" "$width" "$i")
  if [ -f "$d/done.json" ] && grep -q "\"plan_id\": \"$plan_id\"" "$d/done.json"; then
    echo "  shard $i: done" >&2
  else
    # Slurm's word on the task while it still remembers it (MinJobAge); no accounting needed.
    st=$(scontrol -o show job "${array}_$i" 2>/dev/null | grep -o 'JobState=[A-Z_]*\|Reason=[^ ]*\|ExitCode=[0-9:]*' | tr '\n' ' ' || true)
    echo "  shard $i: FAILED or did not run (no done.json)${st:+; Slurm: $st}; last lines of $out/logs/shard-$i.out:" >&2
    tail -n 5 "$out/logs/shard-$i.out" 2>/dev/null | sed 's/^/    | /' >&2 || true
  fi
done
if [ -s "$out/logs/merge.out" ]; then
  echo "  merge job $merge ran but wrote no marker; last lines of $out/logs/merge.out:" >&2
  tail -n 5 "$out/logs/merge.out" | sed 's/^/    | /' >&2
else
  echo "  merge job $merge never started: cancelled by Slurm once a shard failed (afterok, --kill-on-invalid-dep=yes)" >&2
fi
echo "  rerun: $0 $input $out $n (shards that finished are kept: only the rest are processed again)" >&2
exit 3
