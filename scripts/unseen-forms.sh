#!/usr/bin/env bash
# Degraded copies of forms the scanned path was never developed on, with gold from their text
# layer: the five 财政项目支出绩效目标填报表 of the Wanli 2023 budget (pp. 31–35 of
# ../shared/real/shanghai-putuo-wanli-2023-budget.pdf; a light Song face, one form of 43
# indicators in ~11 px print), rendered at 300 DPI and put through tools/degrade.py. The
# real PDF is read where it lies; nothing of it is copied into the repository.
#   scripts/unseen-forms.sh OUT [SEED] [STYLES]    then: scripts/score-scans.sh RUN OUT/deg/*.pdf
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
seed=${2:-41}
styles=${3:-photo,speckle,bilevel,curl,rot90,lowres}
src=${REAL_PDF:-$here/../shared/real/shanghai-putuo-wanli-2023-budget.pdf}
mkdir -p "$out"
python3 - "$src" "$out/wanli-forms.pdf" <<'PY'
import sys, pymupdf
d = pymupdf.open(sys.argv[1]); o = pymupdf.open()
o.insert_pdf(d, from_page=30, to_page=34); o.save(sys.argv[2])
PY
"$here/target/release/jixiao" run --no-progress -o "$out/text-layer" "$out/wanli-forms.pdf" >/dev/null
cp "$out/text-layer/records.jsonl" "$out/wanli-forms.jsonl"
python3 "$here/tools/degrade.py" "$out/wanli-forms.pdf" "$out/deg" --styles="$styles" \
  --gold="$out/wanli-forms.jsonl" --seed="$seed"
