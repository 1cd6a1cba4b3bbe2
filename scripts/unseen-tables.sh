#!/usr/bin/env bash
# Degraded copies of real budget tables the scanned path was never developed on, with gold from
# their text layer: 16 table pages of five born-digital disclosures in ../shared/real/ (three
# producers, portrait and landscape, A4 and A3, 万元 and 元, one to three tables a page), rendered
# at 300 DPI and put through tools/degrade.py. The real PDFs are read where they lie; nothing of
# them is copied into the repository.
#   scripts/unseen-tables.sh OUT [SEED] [STYLES]
# writes OUT/NAME.pdf (the chosen pages), OUT/text-layer/ (the text-layer run: the gold
# budget_lines.jsonl and budget_tables.jsonl) and OUT/deg/NAME-STYLE.pdf; then
#   scripts/score-tables.sh RUN OUT [STYLES]
# reads every style's copies into RUN/STYLE and scores them with tools/score_budget.py.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
seed=${2:-43}
styles=${3:-plain,photo,speckle,bilevel,curl,rot90,lowres}
real=${REAL_DIR:-$here/../shared/real}
mkdir -p "$out"
# name  source  pages (1-based)
sets="
cppcc         jiangsu-cppcc-office-2019-budget-tables.pdf       1,4,5,8,9
npc           jiangsu-npc-office-2019-budget-tables.pdf         2,7,11
procuratorate jiangsu-procuratorate-2017-budget.pdf             11,14
justice       shanghai-putuo-justice-2026-budget.pdf            10,12,19,21
socialwork    shanghai-putuo-social-work-2024-final-account.pdf 5,12
"
pdfs=""
while read -r name src pages; do
  [ -n "$name" ] || continue
  python3 - "$real/$src" "$out/$name.pdf" "$pages" <<'PY'
import sys, pymupdf
d = pymupdf.open(sys.argv[1]); o = pymupdf.open()
for p in sys.argv[3].split(","):
    o.insert_pdf(d, from_page=int(p) - 1, to_page=int(p) - 1)
o.save(sys.argv[2])
PY
  pdfs="${pdfs:+$pdfs,}$out/$name.pdf"
done <<<"$sets"
# shellcheck disable=SC2086
nice -n 10 "$here/target/release/jixiao" run --no-progress --force -o "$out/text-layer" ${pdfs//,/ } >/dev/null || [ $? -eq 1 ]
python3 "$here/tools/degrade.py" "$pdfs" "$out/deg" --styles="$styles" --seed="$seed"
