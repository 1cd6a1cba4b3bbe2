#!/usr/bin/env bash
# Scores a run over scanned PDFs that have gold beside them: one line per document with
# field_acc and forms found (score.py) and, where NAME.cells.json exists, cell recall and
# exact (score_cells.py).
#   scripts/score-scans.sh OUT DOC.pdf...
# Gold is looked up as DOC.jsonl / DOC.cells.json next to each PDF (as in ../shared/dev/ and
# the directories tools/degrade.py writes).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
eval_dir=${EVAL_DIR:-$here/../shared/eval}
out=$1
shift
printf '%-36s %9s %8s %7s %9s %8s\n' document field_acc forms extra cell_rec cell_ex
for pdf in "$@"; do
  base=${pdf%.pdf}
  name=$(basename "$base")
  [ -f "$base.jsonl" ] || { echo "$name: no gold" >&2; continue; }
  s=$(python3 "$eval_dir/score.py" "$base.jsonl" "$out/records.jsonl" --json 2>/dev/null)
  acc=$(jq -r '.field_acc' <<<"$s" 2>/dev/null || echo '?')
  found=$(jq -r '.records_found' <<<"$s" 2>/dev/null || echo '?')
  extra=$(jq -r '.records_extra' <<<"$s" 2>/dev/null || echo '?')
  rec=- ex=-
  if [ -f "$base.cells.json" ]; then
    c=$(python3 "$eval_dir/score_cells.py" "$base.cells.json" "$out/tables.jsonl" 2>/dev/null)
    rec=$(awk '$1=="cell_recall"{print $2}' <<<"$c")
    ex=$(awk '$1=="cell_exact"{print $2}' <<<"$c")
  fi
  printf '%-36s %9s %8s %7s %9s %8s\n' "$name" "$acc" "$found" "$extra" "${rec:--}" "${ex:--}"
done
