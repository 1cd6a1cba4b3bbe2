#!/usr/bin/env bash
# Everything jixiao needs on a Debian 12 machine before `cargo build`: the system packages the
# crates link against or call at build time, then the pinned models (scripts/fetch-models.sh).
# Idempotent and quick when done: dpkg is asked first and apt-get runs only for what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

# Why each package is here:
#   libtesseract-dev libleptonica-dev  tesseract-sys / leptonica-sys link them (pkg-config finds them)
#   libclang-dev clang                 bindgen, run by those two build scripts
#   pkg-config                         how their build scripts locate the libraries
#   tesseract-ocr tesseract-ocr-chi-sim  the tesseract engine's runtime data (chi_sim.traineddata)
#   chromium fonts-wqy-zenhei          tests/exports.rs opens OUT/review/ in headless Chromium (the
#                                      font so its screenshot shows the Chinese text)
# ort (load-dynamic) and pdfium-render load models/libonnxruntime.so and models/libpdfium.so at
# run time and need nothing at build time.
pkgs=(pkg-config clang libclang-dev libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-chi-sim)
pkgs+=(chromium fonts-wqy-zenhei)
pkgs+=("$@")

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: system packages present (${#pkgs[@]})"
fi

bash "$here/scripts/fetch-models.sh"
