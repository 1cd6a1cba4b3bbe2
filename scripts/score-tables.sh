#!/usr/bin/env bash
# Reads the degraded budget-table copies made by scripts/unseen-tables.sh, one run per style, and
# scores each against the text-layer gold: one JSON line per style (tools/score_budget.py).
#   scripts/score-tables.sh RUN OUT [STYLES]
# RUN/STYLE is reused when it already holds a run (jixiao runs are incremental by file content);
# SHOW=N prints each style's first N mismatches as well.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
run=$1
out=$2
styles=${3:-plain,photo,speckle,bilevel,curl,rot90,lowres}
mkdir -p "$run"
for style in ${styles//,/ }; do
  nice -n 10 "$here/target/release/jixiao" run --no-progress --threads "${THREADS:-2}" \
    -o "$run/$style" "$out"/deg/*-"$style".pdf >/dev/null 2>"$run/$style.stderr"
  printf '%-8s ' "$style"
  python3 "$here/tools/score_budget.py" "$out/text-layer" "$run/$style" --show="${SHOW:-0}"
done
