//! The sheet's outline in a photo: where the paper meets whatever it lies on (a desk, a
//! lap, another sheet). Phone photos that no app has cropped show the desk around the page;
//! left in, its texture is read as "text", its edge as a ruling, and its width inflates the
//! page's estimated resolution. The outline is also the only perspective cue on a page
//! without a table.
//!
//! Each side is searched separately on a ~500 px copy: along every scanline across that side,
//! the outermost place where the brightness steps up by a factor ≥ [`MIN_STEP`] into the page
//! (medians of a few pixels on either side, in log brightness, so a shadow that darkens desk
//! and paper alike cancels out and a thin ruling line does not count); a robust line through
//! those places, nearly parallel to the image border, covering much of the side. A side with
//! no such line is taken to run past the image (a cropped scan has no desk at all).

use image::GrayImage;

// A side is a `Fit` `pos = a·t + b`: `t` runs along the side, `pos` is the distance
// coordinate (x for left/right, y for top/bottom), both in original pixels.
use super::geometry::{cross, least_squares, Fit};
use crate::geom;

/// Paper must be this many times brighter than what surrounds it (log domain). Desks seen in
/// photos run 2–4× darker than the paper; a light desk that is not found costs nothing worse
/// than today's behaviour (the desk stays in).
const MIN_STEP: f32 = 0.26; // ln 1.3
/// The outline is searched within this share of the image from each border.
const BAND: f32 = 0.3;
/// Half-width, in small-image pixels, of the windows compared across the edge.
const K: usize = 3;

/// The sheet's corners in original pixels, clockwise from top-left, and which sides were
/// found (top, right, bottom, left); a side not found is the image border.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub quad: [(f64, f64); 4],
    pub found: [bool; 4],
}

impl Sheet {
    /// Width and height of the upright rectangle the quad maps to (mean opposite sides).
    pub fn rect_size(&self) -> (u32, u32) {
        let d = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1);
        let q = &self.quad;
        let w = (d(q[0], q[1]) + d(q[3], q[2])) / 2.0;
        let h = (d(q[0], q[3]) + d(q[1], q[2])) / 2.0;
        (w.round().max(1.0) as u32, h.round().max(1.0) as u32)
    }
}

/// Finds the sheet, if at least one side of it shows against a darker surround.
pub fn find(grey: &GrayImage) -> Option<Sheet> {
    let (w, h) = grey.dimensions();
    let f = w.max(h).div_ceil(500).max(1);
    let (sw, sh) = ((w / f) as usize, (h / f) as usize);
    if sw < 8 * K || sh < 8 * K {
        return None;
    }
    let small = block_log_mean(grey, f, sw, sh);
    let at = |x: usize, y: usize| small[y * sw + x];
    let scale = f as f64;
    let half = (f as f64 - 1.0) / 2.0;
    // (top, right, bottom, left): the scanline runs inward from the border.
    let mut lines: [Option<Fit>; 4] = [None; 4];
    for (side, line) in lines.iter_mut().enumerate() {
        let vertical_side = side % 2 == 1;
        let (n_t, n_p) = if vertical_side { (sh, sw) } else { (sw, sh) };
        let band = ((n_p as f32 * BAND) as usize).max(2 * K + 2);
        let mut pts: Vec<(f64, f64)> = Vec::new();
        let mut out = [0f32; K];
        let mut inn = [0f32; K];
        for t in 0..n_t {
            // Profile inward: p = distance from the border.
            let val = |p: usize| -> f32 {
                let q = if side == 1 || side == 2 {
                    n_p - 1 - p
                } else {
                    p
                };
                if vertical_side {
                    at(q, t)
                } else {
                    at(t, q)
                }
            };
            // The strongest step up into the page within the band (the outermost of equals):
            // a textured desk has steps of its own (wood grain, a cloth's pattern) outside the
            // paper's edge, but none as large as desk to paper.
            let mut hit: Option<(usize, f32)> = None;
            for p in K..band.min(n_p - K) {
                for i in 0..K {
                    out[i] = val(p - K + i);
                    inn[i] = val(p + i);
                }
                let step = median(&mut inn) - median(&mut out);
                if step >= MIN_STEP && hit.is_none_or(|(_, s)| step > s) {
                    hit = Some((p, step));
                }
            }
            // The steepest place of that step (the windows peak over a few positions).
            let hit = hit.map(|(p, _)| {
                (p.saturating_sub(K).max(1)..(p + K).min(n_p - K))
                    .max_by(|&x, &y| (val(x) - val(x - 1)).total_cmp(&(val(y) - val(y - 1))))
                    .unwrap_or(p)
            });
            if let Some(p) = hit {
                // The edge lies between small pixels p-1 and p.
                let pos = if side == 1 || side == 2 {
                    (n_p - p) as f64
                } else {
                    p as f64
                };
                pts.push((t as f64 * scale + half, pos * scale));
            }
        }
        *line = robust_side(&pts, n_t, scale).filter(|l| {
            // What lies beyond the line must be mostly darker than the paper just inside it
            // on the same scanline: a desk, not a shaded table column or a grey band printed
            // on the page (on clean scans those were taken for the border and cut a fifth of
            // the page away). Compared scanline by scanline, since a shadow darkens paper and
            // desk alike and the page's overall paper level says nothing under it. Only the
            // scanlines that see the line as an edge (paper just inside, something darker just
            // beyond, by the step asked of any edge) have a say: a shadow falling on the sheet
            // but not on the desk beyond it (an arm over a page lying near the desk's edge)
            // leaves the shaded paper as dark as the desk, and a scanline without a step
            // cannot tell desk from paper. Counted over every scanline, a photographed sheet
            // shaded over half its top edge lost that edge (44 % of the surround darker, 70 %
            // asked) and was rectified with the desk in.
            let (mut dark, mut all) = (0usize, 0usize);
            let inward: isize = if side == 1 || side == 2 { -1 } else { 1 };
            let get = |t: usize, p: usize| if vertical_side { at(p, t) } else { at(t, p) };
            for t in 0..n_t {
                let edge = l.at(t as f64 * scale + half) / scale;
                let off_edge = |d: isize| {
                    let p = (edge.round() as isize + d).clamp(0, n_p as isize - 1);
                    get(t, p as usize)
                };
                let (mut inside, mut outside) = ([0f32; K], [0f32; K]);
                for i in 0..K {
                    inside[i] = off_edge(inward * (2 + i as isize));
                    outside[i] = off_edge(-inward * (2 + i as isize));
                }
                let paper_here = median(&mut inside);
                if paper_here - median(&mut outside) < MIN_STEP {
                    continue;
                }
                for p in 0..n_p {
                    let pos = p as f64;
                    let beyond = if inward < 0 {
                        pos > edge + 1.0
                    } else {
                        pos < edge - 1.0
                    };
                    if beyond {
                        all += 1;
                        dark += usize::from(get(t, p) < paper_here - MIN_STEP);
                    }
                }
            }
            all > 0 && dark * 10 >= all * 7
        });
    }
    if lines.iter().all(Option::is_none) {
        return None;
    }
    let (wf, hf) = (w as f64, h as f64);
    let found = [0, 1, 2, 3].map(|i| lines[i].is_some());
    // A side not found runs past the image: it is put just outside the image, at the slope
    // the found sides imply (its opposite's, else perpendicular to its neighbours'), so the
    // quad is the turned sheet and not a sheared one.
    let slope = |i: usize| -> f64 {
        if let Some(l) = lines[(i + 2) % 4] {
            return l.a;
        }
        let n: Vec<f64> = [(i + 1) % 4, (i + 3) % 4]
            .iter()
            .filter_map(|&j| lines[j].map(|l| -l.a))
            .collect();
        if n.is_empty() {
            0.0
        } else {
            n.iter().sum::<f64>() / n.len() as f64
        }
    };
    let l = [0, 1, 2, 3].map(|i| {
        lines[i].unwrap_or_else(|| {
            let a = slope(i);
            // t runs over [0, w] for horizontal sides, [0, h] for vertical ones.
            let t_end = if i % 2 == 0 { wf } else { hf };
            let b = match i {
                0 | 3 => (-a * t_end).min(0.0),
                1 => (wf - a * t_end).max(wf),
                _ => (hf - a * t_end).max(hf),
            };
            Fit { a, b }
        })
    });
    // Corners: top∩left, top∩right, bottom∩right, bottom∩left.
    let quad = [
        cross(l[0], l[3])?,
        cross(l[0], l[1])?,
        cross(l[2], l[1])?,
        cross(l[2], l[3])?,
    ];
    // The edge is located to within a small pixel or so; inset found sides by two, so no
    // sliver of the surround survives as a "ruling" along the rectified page's border (a
    // sheet's printed margin is far wider than this).
    let c = (
        quad.iter().map(|p| p.0).sum::<f64>() / 4.0,
        quad.iter().map(|p| p.1).sum::<f64>() / 4.0,
    );
    let inset = 2.0 * scale;
    let quad = [0, 1, 2, 3].map(|i| {
        let (x, y) = quad[i];
        // Corner i lies on sides (i+3)%4 (vertical for i = 0, 3: left) and i (top/bottom).
        let horiz_side = if i < 2 { 0 } else { 2 };
        let vert_side = if i == 0 || i == 3 { 3 } else { 1 };
        let dx = if found[vert_side] {
            inset * (c.0 - x).signum()
        } else {
            0.0
        };
        let dy = if found[horiz_side] {
            inset * (c.1 - y).signum()
        } else {
            0.0
        };
        (x + dx, y + dy)
    });
    let sheet = Sheet { quad, found };
    plausible(&sheet, wf, hf).then_some(sheet)
}

/// Convex, most of the image, and not narrower than half the image either way: anything
/// else is a shadow's edge or a dark table header taken for the border.
fn plausible(s: &Sheet, w: f64, h: f64) -> bool {
    let q = &s.quad;
    let mut area = 0.0;
    let mut sign = 0.0f64;
    for i in 0..4 {
        let (a, b, c) = (q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        let z = (b.0 - a.0) * (c.1 - b.1) - (b.1 - a.1) * (c.0 - b.0);
        if sign != 0.0 && z * sign <= 0.0 {
            return false;
        }
        sign = z.signum();
        area += a.0 * b.1 - b.0 * a.1;
    }
    let (rw, rh) = s.rect_size();
    (area / 2.0).abs() >= 0.45 * w * h
        && rw as f64 >= 0.6 * w.min(h)
        && rh as f64 >= 0.6 * w.min(h)
        && (rw as f64) < 1.5 * w.max(h)
        && (rh as f64) < 1.5 * w.max(h)
}

/// A line through `pts` ((t, pos) pairs, in original pixels, from `n_lines` scanlines
/// `scale` pixels apart) that most of them agree with: the pair of points whose line has the
/// most inliers, refitted by least squares on those. It must hold a third of the scanlines,
/// spread over 40 % of the side, and lean at most ~10° from the border.
fn robust_side(pts: &[(f64, f64)], n_lines: usize, scale: f64) -> Option<Fit> {
    if pts.len() < 8 {
        return None;
    }
    let len = n_lines as f64 * scale;
    let tol = 1.5 * scale;
    // Deterministic subsample of candidate pairs: every point with the one a third further.
    let step = (pts.len() / 60).max(1);
    let mut best: Option<(usize, Fit)> = None;
    for i in (0..pts.len()).step_by(step) {
        let j = (i + pts.len() / 3) % pts.len();
        let ((t0, p0), (t1, p1)) = (pts[i], pts[j]);
        if (t1 - t0).abs() < len * 0.1 {
            continue;
        }
        let b = (p1 - p0) / (t1 - t0);
        if b.abs() > 0.18 {
            continue;
        }
        let line = Fit {
            a: b,
            b: p0 - b * t0,
        };
        let n = pts
            .iter()
            .filter(|&&(t, p)| (line.at(t) - p).abs() <= tol)
            .count();
        if best.is_none_or(|(m, _)| n > m) {
            best = Some((n, line));
        }
    }
    let (_, line) = best?;
    let inl: Vec<(f64, f64)> = pts
        .iter()
        .copied()
        .filter(|&(t, p)| (line.at(t) - p).abs() <= tol)
        .collect();
    let (t_lo, t_hi) = inl.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &(t, _)| {
        (lo.min(t), hi.max(t))
    });
    if inl.len() * 3 < n_lines || t_hi - t_lo < 0.4 * len {
        return None;
    }
    least_squares(&inl).filter(|l| l.a.abs() <= 0.18)
}

fn median(v: &mut [f32; K]) -> f32 {
    // K > 0, so there always is one.
    geom::median(v).unwrap_or_default()
}

/// ln(mean grey + 8) of each f×f block.
fn block_log_mean(grey: &GrayImage, f: u32, sw: usize, sh: usize) -> Vec<f32> {
    let w = grey.width() as usize;
    let raw = grey.as_raw();
    let f = f as usize;
    let mut sums = vec![0u32; sw * sh];
    for y in 0..sh * f {
        let row = &raw[y * w..y * w + sw * f];
        let srow = &mut sums[(y / f) * sw..(y / f + 1) * sw];
        for (x, &v) in row.iter().enumerate() {
            srow[x / f] += v as u32;
        }
    }
    let n = (f * f) as f32;
    sums.iter().map(|&s| (s as f32 / n + 8.0).ln()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A light sheet (with a few ruled lines near its edges) on a dark desk, the sheet's
    /// corners at `q` (clockwise from top-left).
    fn photo(w: u32, h: u32, q: [(f64, f64); 4], desk: u8) -> GrayImage {
        let inside = |x: f64, y: f64| {
            (0..4).all(|i| {
                let (a, b) = (q[i], q[(i + 1) % 4]);
                (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0) >= 0.0
            })
        };
        GrayImage::from_fn(w, h, |x, y| {
            let (xf, yf) = (x as f64, y as f64);
            if !inside(xf, yf) {
                // textured desk
                Luma([desk.saturating_add(((x * 7 + y * 13) % 23) as u8)])
            } else if (x as f64 - q[0].0 - 60.0).abs() < 1.5
                || (y as f64 - q[0].1 - 80.0).abs() < 1.5
            {
                Luma([30])
            } else {
                Luma([225])
            }
        })
    }

    #[test]
    fn finds_a_turned_sheet_on_a_desk() {
        let q = [
            (90.0, 60.0),
            (1100.0, 95.0),
            (1060.0, 1560.0),
            (55.0, 1520.0),
        ];
        let s = find(&photo(1200, 1650, q, 70)).expect("sheet");
        assert_eq!(s.found, [true; 4]);
        for (a, b) in s.quad.iter().zip(q.iter()) {
            assert!(
                (a.0 - b.0).abs() < 14.0 && (a.1 - b.1).abs() < 14.0,
                "{:?} vs {:?}",
                s.quad,
                q
            );
        }
    }

    #[test]
    fn a_cropped_scan_has_no_sheet_outline() {
        // the whole image is paper with a table frame close to the border
        let q = [
            (-10.0, -10.0),
            (1210.0, -10.0),
            (1210.0, 1660.0),
            (-10.0, 1660.0),
        ];
        assert_eq!(find(&photo(1200, 1650, q, 70)), None);
        let mut img = GrayImage::from_pixel(1200, 1650, Luma([235]));
        for y in 0..1650 {
            for x in [40u32, 41, 42, 1150, 1151] {
                img.put_pixel(x, y, Luma([20]));
            }
        }
        assert_eq!(find(&img), None);
    }

    #[test]
    fn a_sheet_running_off_one_side_keeps_that_border() {
        let q = [
            (80.0, 70.0),
            (1250.0, 70.0),
            (1250.0, 1600.0),
            (80.0, 1600.0),
        ];
        let s = find(&photo(1200, 1650, q, 50)).expect("sheet");
        assert_eq!(s.found, [true, false, true, true]);
        assert!(
            s.quad[1].0 >= 1200.0 && s.quad[1].0 < 1210.0,
            "{:?}",
            s.quad
        );
    }

    #[test]
    fn a_shadow_over_part_of_an_edge_leaves_the_edge_found() {
        // The sheet's middle third is shaded down to the desk's brightness while the desk
        // above it is not: those scanlines see no edge and must not veto the ones that do.
        let q = [
            (90.0, 60.0),
            (1100.0, 95.0),
            (1060.0, 1560.0),
            (55.0, 1520.0),
        ];
        let mut img = photo(1200, 1650, q, 70);
        let lit = img.clone();
        for (x, y, p) in img.enumerate_pixels_mut() {
            let on_sheet = lit.get_pixel(x, y).0[0] >= 200;
            if on_sheet && (400..800).contains(&x) {
                p.0[0] = 80;
            }
        }
        let s = find(&img).expect("sheet");
        assert!(s.found[0], "top edge lost under the shadow: {:?}", s);
        assert!((s.quad[0].1 - 60.0).abs() < 14.0 && (s.quad[1].1 - 95.0).abs() < 14.0);
    }
}
