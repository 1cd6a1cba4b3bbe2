#!/usr/bin/env python3
"""Degraded copies of scanned PDFs, for measuring the scanned path on captures it was not
developed on (issue 9): phone photos never enhanced, office bilevel scans, curled sheets,
pages turned 90°, heavy speckle, low resolution.

usage: degrade.py SRC.pdf[,SRC2.pdf…] OUT_DIR [--styles=a,b,…] [--gold=SRC.jsonl,…] [--seed=N]

For every source PDF and style, OUT_DIR/<src>-<style>.pdf holds the same pages degraded
(one image per page, as scanners and phone apps write them); with --gold, the matching gold
records are copied to OUT_DIR/<src>-<style>.jsonl with `source.path` renamed, so
`../shared/eval/score.py` scores the copy like the original. The degradations are random but
seeded: the same seed gives the same files.

Styles (each a class of capture, not a particular file):
  photo    sheet on a desk, 2-4° turn, perspective, a hard-edged shadow, light fall-off, sensor
           noise and specks, 150-170 DPI, JPEG 60 (a phone photo nobody enhanced)
  bilevel  office MFP, 200 DPI black and white (CCITT G4 in the PDF), thin strokes broken by
           the threshold, salt-and-pepper speckle, 0.5° skew
  speckle  a grey scan at 200 DPI under heavy speckle and dust, JPEG 70
  curl     a curled sheet photographed: rows bend (up to ~1.2 % of the page height), one side
           compressed, 170 DPI, JPEG 70
  rot90    the page turned 90° clockwise with no /Rotate in the PDF (and 1° skew), 200 DPI
  rot270   the same turned the other way, with perspective
  lowres   a 120 DPI copy, JPEG 75
  plain    a clean 200 DPI render, JPEG 85, nothing else (the baseline: what the
           scanned path makes of the page when the capture adds no damage)

Needs Pillow, numpy, opencv-python-headless and pymupdf (pip).
"""
import io
import json
import os
import sys

import cv2
import numpy as np
import pymupdf
from PIL import Image

STYLES = ["photo", "bilevel", "speckle", "curl", "rot90", "rot270", "lowres", "plain"]


def page_images(pdf):
    """(image as RGB numpy array, dpi) for each page: the embedded image if the page is one,
    else a 300-DPI render."""
    doc = pymupdf.open(pdf)
    out = []
    for page in doc:
        imgs = page.get_images()
        if len(imgs) == 1:
            info = doc.extract_image(imgs[0][0])
            im = Image.open(io.BytesIO(info["image"])).convert("RGB")
            dpi = im.width / (page.rect.width / 72.0)
        else:
            pix = page.get_pixmap(dpi=300)
            im = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
            dpi = 300.0
        out.append((np.asarray(im), dpi))
    return out


def rescale(img, dpi, target):
    f = target / dpi
    h, w = img.shape[:2]
    return cv2.resize(img, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


def rotate(img, deg, border):
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def jpeg(img, q):
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, q])
    assert ok
    return cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def desk(rng, h, w):
    """A wood-or-cloth-like desk texture, darker than paper."""
    base = np.array(rng.choice([[92, 70, 52], [60, 62, 66], [120, 104, 88], [40, 40, 44]]), np.float32)
    noise = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 9) * 60
    streak = cv2.GaussianBlur(rng.normal(0, 1, (h, 1)).astype(np.float32), (0, 0), 3) * 25
    tex = base[None, None, :] + (noise + streak)[:, :, None]
    return np.clip(tex, 0, 255)


def photo(img, dpi, rng, turn=None, target=None):
    target = target or rng.uniform(150, 170)
    img = rescale(img, dpi, target).astype(np.float32)
    h, w = img.shape[:2]
    # Canvas with the desk around the sheet.
    mx, my = int(w * rng.uniform(0.04, 0.09)), int(h * rng.uniform(0.03, 0.07))
    H, W = h + 2 * my, w + 2 * mx
    canvas = desk(rng, H, W)
    # Perspective: the sheet's corners moved independently, then a turn.
    j = lambda s: rng.uniform(-s, s)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    k = 0.025
    dst = np.float32([
        [mx + j(k) * w, my + j(k) * h], [mx + w + j(k) * w, my + j(k) * h],
        [mx + w + j(k) * w, my + h + j(k) * h], [mx + j(k) * w, my + h + j(k) * h],
    ])
    ang = np.deg2rad(turn if turn is not None else rng.choice([-1, 1]) * rng.uniform(2, 4))
    c = np.float32([W / 2, H / 2])
    rot = np.float32([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    dst = (dst - c) @ rot.T + c
    m = cv2.getPerspectiveTransform(src, dst)
    sheet = cv2.warpPerspective(img, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.ones((h, w), np.float32), m, (W, H), flags=cv2.INTER_LINEAR)
    out = sheet * mask[:, :, None] + canvas * (1 - mask[:, :, None])
    # Paper tint and light: fall-off from a point, plus a hard-edged shadow (a hand or phone).
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    lx, ly = rng.uniform(0, W), rng.uniform(0, H)
    d = np.sqrt((xx - lx) ** 2 + (yy - ly) ** 2) / np.hypot(W, H)
    light = 1.0 - 0.35 * d
    p0 = np.array([rng.uniform(0, W), 0]); p1 = np.array([rng.uniform(0, W), H])
    side = (xx - p0[0]) * (p1[1] - p0[1]) - (yy - p0[1]) * (p1[0] - p0[0])
    corner = rng.uniform(0.3, 0.6)
    sh = (side > 0).astype(np.float32)
    sh = cv2.GaussianBlur(sh, (0, 0), rng.uniform(2, 8))
    light *= 1.0 - (1.0 - corner) * sh * (yy / H > rng.uniform(0.0, 0.5))
    tint = np.array([1.0, rng.uniform(0.95, 1.0), rng.uniform(0.85, 0.97)], np.float32)
    out = out * light[:, :, None] * tint[None, None, :]
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 0.9))
    out += rng.normal(0, 6, out.shape)
    specks(out, rng, 0.0004)
    return jpeg(np.clip(out, 0, 255).astype(np.uint8), 60), target


def specks(img, rng, density, light=False, binary=False):
    h, w = img.shape[:2]
    n = int(h * w * density)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    r = rng.integers(1, 3, n)
    for y, x, rr in zip(ys, xs, r):
        v = (255 if binary else rng.uniform(200, 255)) if light else (0 if binary else rng.uniform(0, 80))
        img[max(0, y - rr // 2): y + rr, max(0, x - rr // 2): x + rr] = v


def bilevel(img, dpi, rng):
    target = 200.0
    g = cv2.cvtColor(rescale(img, dpi, target), cv2.COLOR_RGB2GRAY).astype(np.float32)
    g = rotate(g, rng.uniform(-0.6, 0.6), 255)
    g += rng.normal(0, 18, g.shape)  # toner / sensor: breaks thin strokes at the threshold
    bw = (g > rng.uniform(150, 175)).astype(np.float32) * 255
    specks(bw, rng, 0.0008, binary=True)
    specks(bw, rng, 0.0004, light=True, binary=True)
    return bw.astype(np.uint8), target


def speckle(img, dpi, rng):
    target = 200.0
    g = rescale(img, dpi, target).astype(np.float32)
    g = rotate(g, rng.uniform(-1.5, 1.5), (255, 255, 255))
    specks(g, rng, 0.004)
    g += rng.normal(0, 10, g.shape)
    return jpeg(np.clip(g, 0, 255).astype(np.uint8), 70), target


def curl(img, dpi, rng):
    target = 170.0
    img = rescale(img, dpi, target)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amp = h * rng.uniform(0.008, 0.012)
    # A curl toward one side: rows bend down near that edge, and that side is compressed.
    t = xx / w if rng.random() < 0.5 else 1 - xx / w
    bend = amp * t ** 2 + 0.3 * amp * np.sin(np.pi * yy / h)
    mapy = yy - bend
    mapx = xx + 0.02 * w * t ** 3 * np.sign(0.5 - (xx / w))
    out = cv2.remap(img, mapx, mapy, cv2.INTER_LINEAR, borderValue=(255, 255, 255)).astype(np.float32)
    shade = 1.0 - 0.25 * t ** 3
    out *= shade[:, :, None]
    out = rotate(out, rng.uniform(-1.5, 1.5), (200, 200, 200))
    out += rng.normal(0, 5, out.shape)
    return jpeg(np.clip(out, 0, 255).astype(np.uint8), 70), target


def rot90(img, dpi, rng, k):
    target = 200.0
    img = rescale(img, dpi, target)
    img = rotate(img.astype(np.float32), rng.uniform(-1, 1), (250, 250, 250))
    img = np.rot90(img, k=k).copy()
    img += rng.normal(0, 5, img.shape)
    return jpeg(np.clip(img, 0, 255).astype(np.uint8), 75), target


def rot270(img, dpi, rng):
    out, target = photo(img, dpi, rng, turn=rng.uniform(-2, 2), target=180)
    return np.rot90(out, k=1).copy(), target


def lowres(img, dpi, rng):
    target = 120.0
    return jpeg(rescale(img, dpi, target), 75), target


def plain(img, dpi):
    target = 200.0
    return jpeg(rescale(img, dpi, target), 85), target


def degrade(style, img, dpi, rng):
    return {
        "photo": lambda: photo(img, dpi, rng),
        "bilevel": lambda: bilevel(img, dpi, rng),
        "speckle": lambda: speckle(img, dpi, rng),
        "curl": lambda: curl(img, dpi, rng),
        "rot90": lambda: rot90(img, dpi, rng, k=-1),
        "rot270": lambda: rot270(img, dpi, rng),
        "lowres": lambda: lowres(img, dpi, rng),
        "plain": lambda: plain(img, dpi),
    }[style]()


def write_pdf(pages, path):
    """One image per page, the page sized to the image at its resolution (A4-ish)."""
    if all(a.ndim == 2 and set(np.unique(a)) <= {0, 255} for a, _ in pages):
        # Bilevel pages as office scanners store them: Pillow writes mode "1" as CCITT G4.
        ims = [Image.fromarray(a).convert("1") for a, _ in pages]
        ims[0].save(path, save_all=True, append_images=ims[1:], resolution=pages[0][1])
        return
    doc = pymupdf.open()
    for arr, dpi in pages:
        buf = io.BytesIO()
        if arr.ndim == 2:
            Image.fromarray(arr).save(buf, format="JPEG", quality=90)
        else:
            # Already JPEG-degraded above; stored at high quality so the PDF adds no loss.
            Image.fromarray(arr).save(buf, format="JPEG", quality=95)
        h, w = arr.shape[:2]
        page = doc.new_page(width=w * 72.0 / dpi, height=h * 72.0 / dpi)
        page.insert_image(page.rect, stream=buf.getvalue())
    doc.save(path, deflate=True)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    if len(args) != 2:
        sys.exit(__doc__)
    srcs, out_dir = args[0].split(","), args[1]
    styles = opts.get("styles", ",".join(STYLES)).split(",")
    golds = opts.get("gold", "").split(",") if opts.get("gold") else [None] * len(srcs)
    seed = int(opts.get("seed", "7"))
    os.makedirs(out_dir, exist_ok=True)
    for src, gold in zip(srcs, golds):
        stem = os.path.basename(src).rsplit(".", 1)[0]
        pages = page_images(src)
        for si, style in enumerate(styles):
            rng = np.random.default_rng(seed * 1000 + si)
            name = f"{stem}-{style}"
            write_pdf([degrade(style, img, dpi, rng) for img, dpi in pages], os.path.join(out_dir, name + ".pdf"))
            if gold:
                with open(gold, encoding="utf-8") as f, open(os.path.join(out_dir, name + ".jsonl"), "w", encoding="utf-8") as g:
                    for line in f:
                        if line.strip():
                            r = json.loads(line)
                            r["source"]["path"] = name + ".pdf"
                            g.write(json.dumps(r, ensure_ascii=False) + "\n")
            print(name, len(pages), "pages", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
