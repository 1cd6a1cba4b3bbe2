#!/usr/bin/env bash
# Degraded copies of the sample forms drawn in faces the project was not developed on: a Song
# face (Noto Serif CJK), a thin-stroked Ming face at 9 pt (AR PL UMing) and a Kai brush face
# (AR PL UKai). tools/make_samples.py --font draws the four layout families of samples/scan
# clean at 300 DPI in each face; the forms of one face go into one PDF, whose gold records are
# the generator's truth; tools/degrade.py then makes the captures (photo, bilevel, speckle, …).
#   scripts/unseen-fonts.sh OUT [SEED] [STYLES]    then: scripts/score-scans.sh RUN OUT/deg/*.pdf
# Needs the Debian packages fonts-noto-cjk-extra fonts-arphic-uming fonts-arphic-ukai.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
seed=${2:-53}
styles=${3:-photo,speckle,bilevel,curl,rot90,lowres}
mkdir -p "$out"
srcs=() golds=()
for spec in "serif|Noto Serif CJK SC|10.5" "ming|AR PL UMing|9" "kai|AR PL UKai|10.5"; do
  IFS='|' read -r name face pt <<<"$spec"
  python3 "$here/tools/make_samples.py" --out "$out/$name" --font "$face" --body-pt "$pt" >/dev/null
  python3 - "$out/$name" "$out/fonts-$name" <<'PY'
import glob, json, os, sys, pymupdf
src, dst = sys.argv[1], sys.argv[2]
merged, recs = pymupdf.open(), []
for pdf in sorted(glob.glob(os.path.join(src, "*.pdf"))):
    first = merged.page_count
    merged.insert_pdf(pymupdf.open(pdf))
    for line in open(pdf[:-4] + ".expected.jsonl", encoding="utf-8"):
        r = json.loads(line)
        r["source"]["pages"] = [first + p for p in r["source"]["pages"]]
        r["source"]["path"] = dst + ".pdf"
        recs.append(r)
merged.save(dst + ".pdf")
with open(dst + ".jsonl", "w", encoding="utf-8") as f:
    f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
PY
  srcs+=("$out/fonts-$name.pdf"); golds+=("$out/fonts-$name.jsonl")
done
IFS=,
python3 "$here/tools/degrade.py" "${srcs[*]}" "$out/deg" --styles="$styles" --gold="${golds[*]}" --seed="$seed"
