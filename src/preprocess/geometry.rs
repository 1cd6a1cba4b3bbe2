//! Homographies, the deskew canvas, keystone estimation from a table's outer ruling lines, and
//! the one resampling pass.

use image::GrayImage;

use crate::geom;

/// Row-major 3×3 projective map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homography(pub [f64; 9]);

impl Homography {
    pub fn identity() -> Self {
        Homography([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0])
    }

    pub fn is_identity(&self, eps: f64) -> bool {
        self.0
            .iter()
            .zip(Self::identity().0.iter())
            .all(|(a, b)| (a - b).abs() <= eps)
    }

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let h = &self.0;
        let w = h[6] * x + h[7] * y + h[8];
        let w = if w.abs() < 1e-12 { 1e-12 } else { w };
        (
            (h[0] * x + h[1] * y + h[2]) / w,
            (h[3] * x + h[4] * y + h[5]) / w,
        )
    }

    /// `self ∘ other`: apply `other` first, then `self`.
    pub fn compose(&self, other: &Homography) -> Homography {
        let (a, b) = (&self.0, &other.0);
        let mut m = [0.0; 9];
        for r in 0..3 {
            for c in 0..3 {
                m[r * 3 + c] = (0..3).map(|k| a[r * 3 + k] * b[k * 3 + c]).sum();
            }
        }
        Homography(m)
    }

    pub fn inverse(&self) -> Option<Homography> {
        let m = &self.0;
        let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
            + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if det.abs() < 1e-15 || !det.is_finite() {
            return None;
        }
        let inv = [
            (m[4] * m[8] - m[5] * m[7]) / det,
            (m[2] * m[7] - m[1] * m[8]) / det,
            (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det,
            (m[0] * m[8] - m[2] * m[6]) / det,
            (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det,
            (m[1] * m[6] - m[0] * m[7]) / det,
            (m[0] * m[4] - m[1] * m[3]) / det,
        ];
        Some(Homography(inv))
    }

    /// The homography taking each `from[i]` to `to[i]` (four points, no three collinear).
    pub fn from_points(from: &[(f64, f64); 4], to: &[(f64, f64); 4]) -> Option<Homography> {
        let mut a = [[0f64; 9]; 8];
        for i in 0..4 {
            let (x, y) = from[i];
            let (u, v) = to[i];
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        // Gaussian elimination with partial pivoting on the 8×8 system.
        for col in 0..8 {
            let piv = (col..8).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
            if a[piv][col].abs() < 1e-12 {
                return None;
            }
            a.swap(col, piv);
            let pivot_row = a[col];
            for (r, row) in a.iter_mut().enumerate() {
                if r != col {
                    let f = row[col] / pivot_row[col];
                    for (v, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                        *v -= f * p;
                    }
                }
            }
        }
        let mut h = [0f64; 9];
        for i in 0..8 {
            h[i] = a[i][8] / a[i][i];
        }
        h[8] = 1.0;
        h.iter().all(|v| v.is_finite()).then_some(Homography(h))
    }
}

/// Canvas large enough to hold the page turned back by `skew_deg`, and the map from that
/// canvas (prepared pixels) to the original raster.
pub fn rotation_canvas(w: u32, h: u32, skew_deg: f64) -> (u32, u32, Homography) {
    let a = skew_deg.to_radians();
    let (s, c) = a.sin_cos();
    let cw = (w as f64 * c.abs() + h as f64 * s.abs()).round().max(1.0);
    let ch = (w as f64 * s.abs() + h as f64 * c.abs()).round().max(1.0);
    let (ox, oy) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
    let (px, py) = ((cw - 1.0) / 2.0, (ch - 1.0) / 2.0);
    // Content turned counter-clockwise by `a` (y down): (dx, dy) → (dx·c + dy·s, −dx·s + dy·c).
    let hm = Homography([
        c,
        s,
        ox - c * px - s * py,
        -s,
        c,
        oy + s * px - c * py,
        0.0,
        0.0,
        1.0,
    ]);
    (cw as u32, ch as u32, hm)
}

/// Resamples `src` (original raster) onto a `w`×`h` canvas through `h_prep_to_src`, bilinear,
/// white outside the source.
pub fn warp(src: &GrayImage, h_prep_to_src: &Homography, w: u32, h: u32) -> GrayImage {
    let (sw, sh) = (src.width() as i64, src.height() as i64);
    let data = src.as_raw();
    let m = &h_prep_to_src.0;
    let affine = m[6] == 0.0 && m[7] == 0.0 && m[8] == 1.0;
    let mut out = vec![255u8; w as usize * h as usize];
    let (maxx, maxy) = (sw as f64 - 0.5, sh as f64 - 0.5);
    for y in 0..h {
        let yf = y as f64;
        // Numerators and denominator are linear in x: step them instead of recomputing.
        let (mut nx, mut ny, mut d) = (m[1] * yf + m[2], m[4] * yf + m[5], m[7] * yf + m[8]);
        let row = &mut out[(y * w) as usize..((y + 1) * w) as usize];
        for o in row.iter_mut() {
            let (sx, sy) = if affine {
                (nx, ny)
            } else {
                let dd = if d.abs() < 1e-12 { 1e-12 } else { d };
                (nx / dd, ny / dd)
            };
            nx += m[0];
            ny += m[3];
            d += m[6];
            if !(-0.5..=maxx).contains(&sx) || !(-0.5..=maxy).contains(&sy) {
                continue;
            }
            // 8-bit fixed-point bilinear weights.
            let fx = (sx.max(0.0) * 256.0) as i64;
            let fy = (sy.max(0.0) * 256.0) as i64;
            let (x0, y0) = ((fx >> 8).min(sw - 1), (fy >> 8).min(sh - 1));
            let (tx, ty) = ((fx & 255) as u32, (fy & 255) as u32);
            let x1 = (x0 + 1).min(sw - 1);
            let i0 = (y0 * sw) as usize;
            let i1 = ((y0 + 1).min(sh - 1) * sw) as usize;
            let (a, b) = (data[i0 + x0 as usize] as u32, data[i0 + x1 as usize] as u32);
            let (c, e) = (data[i1 + x0 as usize] as u32, data[i1 + x1 as usize] as u32);
            let top = a * (256 - tx) + b * tx;
            let bot = c * (256 - tx) + e * tx;
            *o = ((top * (256 - ty) + bot * ty + (1 << 15)) >> 16) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Block minimum: keeps one-pixel lines dark when shrinking.
pub(super) fn block_min(src: &GrayImage, f: u32) -> GrayImage {
    let (w, h) = src.dimensions();
    let (sw, sh) = (w.div_ceil(f), h.div_ceil(f));
    let mut out = vec![255u8; (sw * sh) as usize];
    let data = src.as_raw();
    for y in 0..h {
        let row = &data[(y * w) as usize..((y + 1) * w) as usize];
        let orow = &mut out[((y / f) * sw) as usize..((y / f + 1) * sw) as usize];
        for (x, &v) in row.iter().enumerate() {
            let o = &mut orow[x / f as usize];
            if v < *o {
                *o = v;
            }
        }
    }
    GrayImage::from_raw(sw, sh, out).unwrap_or_else(|| GrayImage::new(sw, sh))
}

/// A straight ruling line fitted in the small deskewed image: `v = a·u + b`, where (u, v) is
/// (x, y) for horizontal lines and (y, x) for vertical ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Fit {
    pub(super) a: f64,
    pub(super) b: f64,
}

impl Fit {
    /// `v` at `u`.
    pub(super) fn at(&self, u: f64) -> f64 {
        self.a * u + self.b
    }
}

/// Pixels of long runs along rows (`horizontal`) or columns, as a mask.
pub(super) fn long_runs(
    bin: &[bool],
    w: usize,
    h: usize,
    horizontal: bool,
    min_run: usize,
) -> Vec<bool> {
    let mut out = vec![false; bin.len()];
    let (outer, inner) = if horizontal { (h, w) } else { (w, h) };
    let idx = |o: usize, i: usize| if horizontal { o * w + i } else { i * w + o };
    for o in 0..outer {
        let mut i = 0;
        while i < inner {
            if !bin[idx(o, i)] {
                i += 1;
                continue;
            }
            let start = i;
            while i < inner && bin[idx(o, i)] {
                i += 1;
            }
            if i - start >= min_run {
                for k in start..i {
                    out[idx(o, k)] = true;
                }
            }
        }
    }
    out
}

/// The outermost two long lines in one direction, fitted by least squares.
fn outer_lines(mask: &[bool], w: usize, h: usize, horizontal: bool) -> Option<(Fit, Fit)> {
    let (along, across) = if horizontal { (w, h) } else { (h, w) };
    let at = |u: usize, v: usize| {
        if horizontal {
            mask[v * w + u]
        } else {
            mask[u * w + v]
        }
    };
    let mut profile = vec![0usize; across];
    for (v, p) in profile.iter_mut().enumerate() {
        *p = (0..along).filter(|&u| at(u, v)).count();
    }
    // A line tilted by residual keystone spreads over a few rows: sum a small window.
    let win = 3usize;
    let smooth: Vec<usize> = (0..across)
        .map(|v| {
            profile[v.saturating_sub(win)..(v + win + 1).min(across)]
                .iter()
                .sum()
        })
        .collect();
    let thr = along * 2 / 5;
    let peaks: Vec<usize> = (0..across)
        .filter(|&v| {
            smooth[v] >= thr
                && (v == 0 || smooth[v] >= smooth[v - 1])
                && (v + 1 == across || smooth[v] > smooth[v + 1])
        })
        .collect();
    let (&first, &last) = (peaks.first()?, peaks.last()?);
    if last - first < across / 4 {
        return None;
    }
    let fit = |center: usize| -> Option<Fit> {
        let lo = center.saturating_sub(2 * win + 2);
        let hi = (center + 2 * win + 3).min(across);
        let mut pts = Vec::new();
        for u in 0..along {
            let (mut s, mut n) = (0.0, 0.0);
            for v in lo..hi {
                if at(u, v) {
                    s += v as f64;
                    n += 1.0;
                }
            }
            if n > 0.0 {
                pts.push((u as f64, s / n));
            }
        }
        if pts.len() < along / 3 {
            return None;
        }
        // Refitted twice to the points within 1.5 px: text touching the line drops out.
        let (a, b) = geom::fit_line_refit(&pts, 0.0, 1.5, 2, along / 3)?;
        Some(Fit { a, b })
    };
    Some((fit(first)?, fit(last)?))
}

/// Least-squares line through `pts` (mean-centred sums, see [`geom::fit_line`]).
pub(super) fn least_squares(pts: &[(f64, f64)]) -> Option<Fit> {
    geom::fit_line(pts, 0.0).map(|(a, b)| Fit { a, b })
}

/// Intersection of a horizontal fit (y = a·x + b) with a vertical one (x = c·y + d).
pub(super) fn cross(hz: Fit, vt: Fit) -> Option<(f64, f64)> {
    geom::cross((hz.a, hz.b), (vt.a, vt.b), 1e-9)
}

/// Keystone left after deskew, from the page's outermost long horizontal and vertical ruling
/// lines: on the flat sheet they are parallel pairs at right angles, so the quad they form
/// maps to a rectangle. Returns the map from the corrected canvas to the deskewed canvas, or
/// `None` when the lines are missing or the correction would be negligible or implausible.
pub fn keystone(flat: &GrayImage, rot: &Homography, cw: u32, ch: u32) -> Option<Homography> {
    let f = flat.width().div_ceil(1000).max(1);
    let small = block_min(flat, f);
    let (sw, sh) = (cw.div_ceil(f), ch.div_ceil(f));
    // Small canvas → full canvas → original → small original.
    let fs = f as f64;
    let to_full = Homography([
        fs,
        0.0,
        (fs - 1.0) / 2.0,
        0.0,
        fs,
        (fs - 1.0) / 2.0,
        0.0,
        0.0,
        1.0,
    ]);
    let to_small = to_full.inverse()?;
    let m = to_small.compose(&rot.compose(&to_full));
    let deskewed = if m.is_identity(1e-12) {
        small
    } else {
        warp(&small, &m, sw, sh)
    };
    let (sw, sh) = deskewed.dimensions();
    let (w, h) = (sw as usize, sh as usize);
    let bin: Vec<bool> = deskewed.as_raw().iter().map(|&v| v < 160).collect();
    let hmask = long_runs(&bin, w, h, true, (w / 25).max(12));
    let vmask = long_runs(&bin, w, h, false, (h / 40).max(12));
    let (top, bottom) = outer_lines(&hmask, w, h, true)?;
    let (left, right) = outer_lines(&vmask, w, h, false)?;
    let quad_small = [
        cross(top, left)?,
        cross(top, right)?,
        cross(bottom, right)?,
        cross(bottom, left)?,
    ];
    let quad = quad_small.map(|(x, y)| to_full.apply(x, y));
    let x0 = (quad[0].0 + quad[3].0) / 2.0;
    let x1 = (quad[1].0 + quad[2].0) / 2.0;
    let y0 = (quad[0].1 + quad[1].1) / 2.0;
    let y1 = (quad[2].1 + quad[3].1) / 2.0;
    let rect = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
    let shift = quad
        .iter()
        .zip(rect.iter())
        .map(|(q, r)| (q.0 - r.0).hypot(q.1 - r.1))
        .fold(0.0, f64::max);
    let size = cw.min(ch) as f64;
    if !(1.25..=0.03 * size).contains(&shift) {
        return None;
    }
    Homography::from_points(&rect, &quad)
}
