//! Splitting a cell crop into single text lines for a line recogniser.
//!
//! Cells hold wrapped multi-line text, and a crop taken from a cell's box usually carries remnants
//! of the ruling lines around it (and, when the cell is tilted, slivers of its neighbours). The
//! crop is binarised (Otsu); its ink is split into connected components; components shaped like
//! ruling lines and specks are dropped, and everything beyond the cell's own rules is cleared.
//! Tilted text is straightened by a small vertical shear (slope from the rules, else from the
//! sharpest row profile), then cut into lines by the horizontal projection profile. Bands thinner
//! than a line (the strokes of 三, the top of 元) are merged with their neighbours when the result
//! still fits one character height; bands taller than ~1.6 lines (touching lines) are cut at the
//! profile's valleys.

use image::{Rgb, RgbImage};

use crate::components::{components, Component};
use crate::geom;

/// Two classes closer than this in mean grey level are one class: the crop is blank paper.
/// Values printed in grey (#808080, common in exported forms) and then phone-scanned come out
/// at ~60 (thin strokes blurred into the paper), so the bar sits well below that; an unevenly
/// lit blank cell never gets here (the grid's local binarisation finds no ink in it).
const MIN_CONTRAST: f32 = 40.0;
/// Components smaller than this many pixels are scanner noise.
const MIN_COMPONENT_AREA: usize = 4;
/// A ruling line is at least this many times longer than its mean thickness (see
/// [`Component::is_rule`] for the other conditions).
const RULE_ELONGATION: f32 = 12.0;

/// One text line cut out of a block: the crop (ink of other lines and ruling lines painted over
/// with the background colour) and its box `[x0, y0, x1, y1)` in the block's pixels (for tilted
/// text the box is that of the straightened line, so it is off by up to the tilt's drift).
#[derive(Debug, Clone)]
pub struct LineCrop {
    pub img: RgbImage,
    pub bbox: [u32; 4],
}

/// Splits `img` into its text lines, top to bottom. A blank crop (no ink besides ruling lines
/// and specks) gives no lines.
pub fn split_lines(img: &RgbImage) -> Vec<LineCrop> {
    let (w, h) = img.dimensions();
    if w < 4 || h < 4 {
        return Vec::new();
    }
    let gray = to_gray(img);
    let Some(threshold) = ink_threshold(&gray) else {
        return Vec::new();
    };
    let (w, h) = (w as usize, h as usize);
    let ink: Vec<bool> = gray.iter().map(|&g| g <= threshold).collect();
    let (comps, labels) = components(&ink, w, h);
    let rule: Vec<bool> = comps.iter().map(|c| c.is_rule(w, h)).collect();
    let Some(char_size) = char_size(&comps, &rule, w, h) else {
        return Vec::new();
    };

    // Keep text components; paint everything else over. A speck (far smaller than a
    // character) is kept only beside a character: a decimal point or a comma sits within
    // a character of its neighbours, noise lands anywhere. Without this, every speck of a
    // noisy phone photo became a "line" of its own (a "0.00" cell read as "t⏎5AO⏎0.⏎v.vv").
    let candidate: Vec<bool> = comps
        .iter()
        .zip(&rule)
        .map(|(c, &r)| !(r || c.area < MIN_COMPONENT_AREA || c.is_crumb(w, h, char_size)))
        .collect();
    let body = |c: &Component| !c.is_speck(char_size);
    let bodies: Vec<&Component> = comps
        .iter()
        .zip(&candidate)
        .filter(|(c, &k)| k && body(c))
        .map(|(c, _)| c)
        .collect();
    let keep: Vec<bool> = comps
        .iter()
        .zip(&candidate)
        .map(|(c, &k)| k && (body(c) || bodies.iter().any(|b| c.beside(b, char_size))))
        .collect();
    let mut text: Vec<bool> = labels
        .iter()
        .map(|&l| keep.get(l as usize).copied().unwrap_or(false))
        .collect();
    let rule_px: Vec<bool> = labels
        .iter()
        .map(|&l| rule.get(l as usize).copied().unwrap_or(false))
        .collect();
    let slope = mask_beyond_rules(&mut text, &rule_px, w, h);

    // Straighten skewed text by shifting columns (a vertical shear): rows of a tilted line
    // otherwise blur into their neighbours in the projection.
    let slope = slope.unwrap_or_else(|| text_slope(&text, w, h));
    let bg = background(img, &gray, threshold);
    let (img, mut text, h, shift) = if (slope * w as f32).abs() >= 3.0 {
        shear(img, &text, w, h, slope, bg)
    } else {
        (img.clone(), text, h, 0)
    };
    trim_edge_rules(&mut text, w, h);

    let mut rows = vec![0usize; h];
    for (y, r) in rows.iter_mut().enumerate() {
        *r = text[y * w..(y + 1) * w].iter().filter(|&&t| t).count();
    }
    let bands = line_bands(&rows, stroke_face_size(&rows, char_size));
    bands
        .into_iter()
        .filter_map(|(y0, y1)| crop_line(&img, &text, w, h, y0, y1, char_size, bg))
        .map(|mut l| {
            let [_, y0, _, y1] = &mut l.bbox;
            *y0 = y0.saturating_sub(shift);
            *y1 = y1.saturating_sub(shift).max(*y0 + 1);
            l
        })
        .collect()
}

/// Character size (em, in pixels) from the text components away from the crop's border (text
/// intruding from a neighbouring cell or cut by the crop would skew it). The 80th percentile
/// of component sizes, raised to the tallest component not far above it: a line of digits
/// (0.7 em) with one Chinese character must not make that character taller than "a line".
fn char_size(comps: &[Component], rule: &[bool], w: usize, h: usize) -> Option<f32> {
    let text = |inner: bool| {
        comps
            .iter()
            .zip(rule)
            .filter(move |(c, &r)| {
                !r && c.area >= MIN_COMPONENT_AREA && (!inner || !c.touches_border(w, h))
            })
            .map(|(c, _)| c)
    };
    let inner = text(true).next().is_some();
    // Specks must not decide the size: on a noisy photo they outnumber the characters'
    // components. Components under a quarter of the area-weighted median size (characters
    // carry nearly all the ink) are left out.
    let floor = weighted_median_size(text(inner)) / 4;
    let mut sizes: Vec<usize> = text(inner)
        .map(Component::size)
        .filter(|&s| s >= floor)
        .collect();
    let p80 = geom::percentile(&mut sizes, 0.8, usize::cmp)? as f32;
    let tallest = text(inner)
        .map(|c| c.height() as f32)
        .filter(|&ch| ch <= 1.5 * p80)
        .fold(p80, f32::max);
    Some(tallest.max(4.0))
}

/// The size of the component holding the median ink pixel (sizes weighted by area).
fn weighted_median_size<'a>(comps: impl Iterator<Item = &'a Component>) -> usize {
    weighted_median(comps.map(|c| (c.size(), c.area)).collect()).unwrap_or(0)
}

/// The value holding the median weight of `(value, weight)` pairs.
fn weighted_median(mut v: Vec<(usize, usize)>) -> Option<usize> {
    v.sort_unstable();
    let half = v.iter().map(|p| p.1).sum::<usize>() / 2;
    let mut acc = 0;
    v.into_iter().find_map(|(value, weight)| {
        acc += weight;
        (acc > half).then_some(value)
    })
}

/// Runs of rows with ink, as row ranges `[y0, y1)`.
fn ink_runs(rows: &[usize]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (y, &n) in rows.iter().chain(std::iter::once(&0)).enumerate() {
        match (n > 0, start) {
            (true, None) => start = Some(y),
            (false, Some(s)) => {
                runs.push((s, y));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Finds the cell's own ruling lines among the rule pixels (the innermost along each side) and
/// clears text beyond them: a box around a tilted cell takes in slivers of its neighbours.
/// Returns the mean slope of the horizontal rules found (dy/dx), if any.
fn mask_beyond_rules(text: &mut [bool], rule: &[bool], w: usize, h: usize) -> Option<f32> {
    let mut slopes = Vec::new();
    // Horizontal sides: per column, the innermost run of rule pixels in the top (bottom) 40%,
    // unless that run is long (a crossing vertical rule, not the horizontal one).
    let max_run = |n: usize| (n / 10).max(8);
    for top in [true, false] {
        let band = h * 2 / 5;
        let mut pts = Vec::new();
        for x in w / 10..w - w / 10 {
            let inward: Vec<usize> = if top {
                (0..band).rev().collect()
            } else {
                (h - band..h).collect()
            };
            if let Some((edge, run)) = innermost_run(inward.iter().map(|&y| (y, rule[y * w + x]))) {
                if run <= max_run(h) {
                    pts.push((x as f32, edge as f32));
                }
            }
        }
        let Some((a, b)) = robust_line(&pts, w) else {
            continue;
        };
        slopes.push(b);
        for x in 0..w {
            let edge = a + b * x as f32;
            for y in 0..h {
                let yf = y as f32;
                if (top && yf <= edge + 1.0) || (!top && yf >= edge - 1.0) {
                    text[y * w + x] = false;
                }
            }
        }
    }
    // Vertical sides: per row, the innermost run in the left (right) 30%.
    for left in [true, false] {
        let band = w * 3 / 10;
        let mut pts = Vec::new();
        for y in h / 10..h - h / 10 {
            let inward: Vec<usize> = if left {
                (0..band).rev().collect()
            } else {
                (w - band..w).collect()
            };
            if let Some((edge, run)) = innermost_run(inward.iter().map(|&x| (x, rule[y * w + x]))) {
                if run <= max_run(w) {
                    pts.push((y as f32, edge as f32));
                }
            }
        }
        let Some((a, b)) = robust_line(&pts, h) else {
            continue;
        };
        for y in 0..h {
            let edge = a + b * y as f32;
            for x in 0..w {
                let xf = x as f32;
                if (left && xf <= edge + 1.0) || (!left && xf >= edge - 1.0) {
                    text[y * w + x] = false;
                }
            }
        }
    }
    (!slopes.is_empty()).then(|| slopes.iter().sum::<f32>() / slopes.len() as f32)
}

/// Walking inward from the crop's edge, the first rule pixel met from inside — i.e. scanning
/// `(pos, is_rule)` from the inside out — and the length of its run.
fn innermost_run(inward_to_out: impl Iterator<Item = (usize, bool)>) -> Option<(usize, usize)> {
    let mut edge = None;
    let mut run = 0;
    for (pos, r) in inward_to_out {
        match (edge, r) {
            (None, true) => {
                edge = Some(pos);
                run = 1;
            }
            (Some(_), true) => run += 1,
            (Some(_), false) => break,
            (None, false) => {}
        }
    }
    edge.map(|e| (e, run))
}

/// A line through points that cover at least 30% of the side (`len`), refitted without points
/// more than 3 px off; nearly axis-parallel or nothing.
fn robust_line(pts: &[(f32, f32)], len: usize) -> Option<(f32, f32)> {
    if pts.len() * 10 < len * 3 {
        return None;
    }
    let (b, a) = geom::fit_line(pts, f32::EPSILON)?;
    let near: Vec<(f32, f32)> = pts
        .iter()
        .copied()
        .filter(|&(x, y)| (a + b * x - y).abs() <= 3.0)
        .collect();
    if near.len() * 10 < len * 3 {
        return None;
    }
    let (b, a) = geom::fit_line(&near, f32::EPSILON)?;
    (b.abs() <= 0.06).then_some((a, b))
}

/// Skew of the text (dy/dx) within ±3°: the shear that makes the row profile sharpest.
fn text_slope(text: &[bool], w: usize, h: usize) -> f32 {
    let px: Vec<(usize, usize)> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| text[y * w + x])
        .collect();
    if px.len() < 50 || w < 3 * h / 2 {
        return 0.0;
    }
    let margin = (0.05 * w as f32).ceil() as usize + 1;
    let mut hist = vec![0u32; h + 2 * margin];
    let mut best = (0.0f32, 0u64);
    for k in -20i32..=20 {
        let b = k as f32 * 0.0025;
        hist.fill(0);
        for &(x, y) in &px {
            let r = y as f32 - b * (x as f32 - w as f32 / 2.0) + margin as f32;
            if let Some(v) = hist.get_mut(r.round().max(0.0) as usize) {
                *v += 1;
            }
        }
        let score: u64 = hist.iter().map(|&v| v as u64 * v as u64).sum();
        // prefer no shear on ties
        if score > best.1 || (score == best.1 && b.abs() < best.0.abs()) {
            best = (b, score);
        }
    }
    best.0
}

/// Shifts each column up by `slope * (x - w/2)`, padding top and bottom so nothing is lost.
/// Returns the new image, mask, height and the padding added at the top.
fn shear(
    img: &RgbImage,
    text: &[bool],
    w: usize,
    h: usize,
    slope: f32,
    bg: Rgb<u8>,
) -> (RgbImage, Vec<bool>, usize, u32) {
    let m = (slope.abs() * w as f32 / 2.0).ceil() as usize + 1;
    let nh = h + 2 * m;
    let mut out = RgbImage::from_pixel(w as u32, nh as u32, bg);
    let mut mask = vec![false; w * nh];
    for x in 0..w {
        let s = (slope * (x as f32 - w as f32 / 2.0)).round() as isize;
        for y in 0..h {
            let ny = y as isize - s + m as isize;
            if (0..nh as isize).contains(&ny) {
                let ny = ny as usize;
                out.put_pixel(x as u32, ny as u32, *img.get_pixel(x as u32, y as u32));
                mask[ny * w + x] = text[y * w + x];
            }
        }
    }
    (out, mask, nh, m as u32)
}

fn to_gray(img: &RgbImage) -> Vec<u8> {
    img.pixels()
        .map(|p| {
            let [r, g, b] = p.0;
            ((299 * r as u32 + 587 * g as u32 + 114 * b as u32 + 500) / 1000) as u8
        })
        .collect()
}

/// Otsu's threshold (ink is `<= t`), or `None` when the two classes are too close to be ink on
/// paper.
pub(crate) fn ink_threshold(gray: &[u8]) -> Option<u8> {
    let mut hist = [0u64; 256];
    for &g in gray {
        hist[g as usize] += 1;
    }
    match geom::otsu(&hist) {
        Some((t, contrast)) if contrast >= MIN_CONTRAST => Some(t),
        _ => None,
    }
}

impl Component {
    /// A ruling line or a piece of the cell's frame. Straight rules are long (most of the crop),
    /// thin (mean thickness = area / length, so skewed lines count too) and nearly axis-parallel
    /// (so a tall "(" or "/" is not one), and reach the crop's border unless they span it.
    /// Frame pieces (L, U or closed frames of joined rules) touch the border, span most of the
    /// crop and are thin for their extent.
    fn is_rule(&self, w: usize, h: usize) -> bool {
        let (cw, ch, area) = (self.width() as f32, self.height() as f32, self.area as f32);
        let (w, h) = (w as f32, h as f32);
        let border = self.touches_border(w as usize, h as usize);
        let horizontal = cw >= 0.6 * w
            && area / cw <= cw / RULE_ELONGATION
            && ch <= 0.1 * cw + 4.0
            && (border || cw >= 0.9 * w);
        let vertical = ch >= 0.75 * h
            && area / ch <= ch / RULE_ELONGATION
            && cw <= 0.15 * ch + 4.0
            && (border || ch >= 0.9 * h);
        let frame = border
            && (cw >= 0.6 * w || ch >= 0.75 * h)
            && area / (cw + ch) <= (0.1 * w.min(h)).max(8.0);
        horizontal || vertical || frame
    }
    /// Far smaller than a character: a dot, a comma, or noise.
    fn is_speck(&self, char_size: f32) -> bool {
        (self.size() as f32) < 0.3 * char_size
    }
    /// Close enough to `b` to belong to its line: within one character beside it (a
    /// full-width "，" or "。" sits at the left of its own em box, up to ~0.7 em from the
    /// character before it; at half a character the commas of small print were dropped) and
    /// within its height (extended by a quarter character, for commas below the baseline).
    fn beside(&self, b: &Component, char_size: f32) -> bool {
        let (gx, gy) = (char_size, 0.25 * char_size);
        (self.x0 as f32) <= b.x1 as f32 + gx
            && (b.x0 as f32) <= self.x1 as f32 + gx
            && (self.y0 as f32) <= b.y1 as f32 + gy
            && (b.y0 as f32) <= self.y1 as f32 + gy
    }
    /// Crumbs of a neighbour's text or of a rule's end, cut by the crop edge: small, or thin
    /// slivers, touching the border.
    fn is_crumb(&self, w: usize, h: usize, char_size: f32) -> bool {
        let (lo, hi) = (self.width().min(self.height()) as f32, self.size() as f32);
        self.touches_border(w, h)
            && (hi < 0.3 * char_size || (lo <= (0.2 * char_size).max(3.0) && hi >= 3.0 * lo))
    }
}

/// Clears rows near the top/bottom and columns near the left/right edge that are mostly ink:
/// a ruling line that text touches joins the text's component and escapes [`Component::is_rule`].
fn trim_edge_rules(text: &mut [bool], w: usize, h: usize) {
    let band_y = (h / 6).max(2);
    for y in (0..band_y).chain(h.saturating_sub(band_y)..h) {
        let row = &mut text[y * w..(y + 1) * w];
        if row.iter().filter(|&&t| t).count() * 10 >= w * 6 {
            row.fill(false);
        }
    }
    let band_x = (w / 10).max(2).min(w);
    for x in (0..band_x).chain(w.saturating_sub(band_x)..w) {
        let n = (0..h).filter(|&y| text[y * w + x]).count();
        if n * 10 >= h * 7 {
            for y in 0..h {
                text[y * w + x] = false;
            }
        }
    }
}

/// The character size for cutting lines, from the row ink counts of the straightened text and
/// the size of its components. A brush (Kai) face draws a character as separate strokes, so its
/// components are strokes about half a character tall: on a 300 DPI Kai page they gave 21-22 px
/// for 37 px characters, every one-line cell was taller than 1.6 "lines" and was cut through its
/// middle, read as two rows of half-characters ("绩效指标" → "生北北上一⏎须效拍你"). The runs of
/// inked rows are the lines themselves; when they are clearly taller than the components
/// (1.25-1.9x: a connected face gives about 1x, two touching lines 2x or more), the characters
/// are as tall as the runs.
fn stroke_face_size(rows: &[usize], char_size: f32) -> f32 {
    let runs = ink_runs(rows)
        .into_iter()
        .map(|(y0, y1)| (y1 - y0, rows[y0..y1].iter().sum()))
        .collect();
    match weighted_median(runs) {
        Some(height) if (1.25 * char_size..1.9 * char_size).contains(&(height as f32)) => {
            height as f32
        }
        _ => char_size,
    }
}

/// Text lines as row ranges `[y0, y1)` from the row ink counts, given the character size.
pub(crate) fn line_bands(rows: &[usize], char_size: f32) -> Vec<(usize, usize)> {
    let mut bands = ink_runs(rows);

    // Merge neighbours while the union still fits one line: the pair with the smallest gap first,
    // so the strokes of one character join before a stray band joins the wrong line.
    let max_line = 1.2 * char_size;
    loop {
        let best = bands
            .windows(2)
            .enumerate()
            .filter(|(_, p)| (p[1].1 - p[0].0) as f32 <= max_line)
            .min_by_key(|(_, p)| p[1].0 - p[0].1)
            .map(|(i, _)| i);
        let Some(i) = best else { break };
        bands[i].1 = bands[i + 1].1;
        bands.remove(i + 1);
    }

    // Touching lines: cut bands taller than ~1.6 lines at the emptiest row near a line's height.
    let mut out = Vec::new();
    for (mut y0, y1) in bands {
        while (y1 - y0) as f32 > 1.6 * char_size {
            let lo = y0 + (0.6 * char_size) as usize;
            let hi = (y0 + (1.4 * char_size) as usize).min(y1 - 1);
            if lo >= hi {
                break;
            }
            let Some(cut) =
                (lo..=hi).min_by_key(|&y| (rows[y], y.abs_diff(y0 + char_size as usize)))
            else {
                break;
            };
            out.push((y0, cut));
            y0 = cut;
        }
        out.push((y0, y1));
    }
    // A band of a pixel or two is residue (a dot, an underline crumb), not a line; so is a thin
    // band with a tenth of the ink of the fullest line (a stray rule end beside real lines).
    let ink = |&(a, b): &(usize, usize)| rows[a..b].iter().sum::<usize>();
    let fullest = out.iter().map(ink).max().unwrap_or(0);
    out.retain(|band| {
        let (a, b) = *band;
        let thin_and_faint = ((b - a) as f32) < 0.3 * char_size && ink(band) * 10 < fullest;
        b - a >= 2 && ink(band) >= MIN_COMPONENT_AREA && !thin_and_faint
    });
    out
}

/// Mean colour of the paper (pixels brighter than the ink threshold).
fn background(img: &RgbImage, gray: &[u8], threshold: u8) -> Rgb<u8> {
    let (mut s, mut n) = ([0u64; 3], 0u64);
    for (p, &g) in img.pixels().zip(gray) {
        if g > threshold {
            for (acc, &v) in s.iter_mut().zip(&p.0) {
                *acc += v as u64;
            }
            n += 1;
        }
    }
    if n == 0 {
        return Rgb([255, 255, 255]);
    }
    Rgb([(s[0] / n) as u8, (s[1] / n) as u8, (s[2] / n) as u8])
}

#[allow(clippy::too_many_arguments)]
fn crop_line(
    img: &RgbImage,
    text: &[bool],
    w: usize,
    h: usize,
    y0: usize,
    y1: usize,
    char_size: f32,
    bg: Rgb<u8>,
) -> Option<LineCrop> {
    let cols = (0..w).filter(|&x| (y0..y1).any(|y| text[y * w + x]));
    let (mut x0, mut x1) = (usize::MAX, 0usize);
    for x in cols {
        x0 = x0.min(x);
        x1 = x1.max(x + 1);
    }
    if x0 >= x1 {
        return None;
    }
    // A margin like the detector's (it unclips boxes by about a fifth of the line height).
    let m = (0.2 * char_size.max((y1 - y0) as f32)).round() as usize + 2;
    let (cx0, cx1) = (x0.saturating_sub(m), (x1 + m).min(w));
    let (cy0, cy1) = (y0.saturating_sub(m), (y1 + m).min(h));
    let mut out = RgbImage::new((cx1 - cx0) as u32, (cy1 - cy0) as u32);
    for (ox, oy, px) in out.enumerate_pixels_mut() {
        let (x, y) = (cx0 + ox as usize, cy0 + oy as usize);
        let orig = *img.get_pixel(x as u32, y as u32);
        // Only this line's text keeps its ink; rules, specks and other lines' ink become paper.
        let is_text = text[y * w + x] && (y0..y1).contains(&y);
        *px = if is_text || !is_inkish(orig, bg) {
            orig
        } else {
            bg
        };
    }
    Some(LineCrop {
        img: out,
        bbox: [cx0 as u32, cy0 as u32, cx1 as u32, cy1 as u32],
    })
}

/// Darker than the paper by enough to be (anti-aliased) ink rather than paper texture.
fn is_inkish(p: Rgb<u8>, bg: Rgb<u8>) -> bool {
    let l = |c: Rgb<u8>| (299 * c.0[0] as i32 + 587 * c.0[1] as i32 + 114 * c.0[2] as i32) / 1000;
    l(bg) - l(p) > 40
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(w: u32, h: u32) -> RgbImage {
        RgbImage::from_pixel(w, h, Rgb([245, 245, 240]))
    }

    fn bar(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Rgb([20, 20, 20]));
            }
        }
    }

    /// A row of square "characters" (hollow boxes with a cross) of side `s` starting at (x, y).
    fn glyphs(img: &mut RgbImage, x: u32, y: u32, s: u32, n: u32) {
        for k in 0..n {
            let gx = x + k * (s + s / 4);
            bar(img, gx, y, gx + s, y + 3);
            bar(img, gx, y + s - 3, gx + s, y + s);
            bar(img, gx, y, gx + 3, y + s);
            bar(img, gx + s - 3, y, gx + s, y + s);
            bar(img, gx + s / 2 - 1, y, gx + s / 2 + 2, y + s);
        }
    }

    #[test]
    fn blank_and_noise_give_no_lines() {
        assert!(split_lines(&page(200, 60)).is_empty());
        let mut img = page(200, 60);
        img.put_pixel(50, 30, Rgb([0, 0, 0]));
        img.put_pixel(120, 10, Rgb([0, 0, 0]));
        assert!(split_lines(&img).is_empty());
        assert!(split_lines(&page(2, 2)).is_empty());
    }

    #[test]
    fn frame_of_ruling_lines_alone_is_blank() {
        let mut img = page(300, 80);
        bar(&mut img, 0, 0, 300, 3);
        bar(&mut img, 0, 77, 300, 80);
        bar(&mut img, 0, 0, 3, 80);
        bar(&mut img, 297, 0, 300, 80);
        assert!(split_lines(&img).is_empty());
    }

    #[test]
    fn three_lines_are_found_in_order_despite_rules() {
        let mut img = page(400, 200);
        glyphs(&mut img, 20, 20, 40, 6);
        glyphs(&mut img, 20, 80, 40, 6);
        glyphs(&mut img, 20, 140, 40, 2);
        // ruling lines at the top and right edge
        bar(&mut img, 0, 0, 400, 3);
        bar(&mut img, 396, 0, 400, 200);
        let lines = split_lines(&img);
        assert_eq!(
            lines.len(),
            3,
            "{:?}",
            lines.iter().map(|l| l.bbox).collect::<Vec<_>>()
        );
        assert!(lines[0].bbox[1] < 20 && lines[0].bbox[3] > 60 && lines[0].bbox[3] < 80);
        assert!(lines[1].bbox[1] > 60 && lines[1].bbox[1] < 80);
        // the short third line is cropped tightly, far from the right-hand rule
        assert!(lines[2].bbox[2] < 150);
        // the ruling lines are not inside any crop as ink
        for l in &lines {
            let dark_top = (0..l.img.width()).filter(|&x| l.img.get_pixel(x, 0).0[0] < 100);
            assert_eq!(dark_top.count(), 0);
        }
    }

    #[test]
    fn strokes_of_one_line_are_not_split() {
        // 三-like: three horizontal strokes within one character height
        let mut img = page(120, 80);
        bar(&mut img, 40, 20, 80, 24);
        bar(&mut img, 44, 38, 76, 42);
        bar(&mut img, 36, 55, 84, 59);
        assert_eq!(split_lines(&img).len(), 1);
    }

    #[test]
    fn tall_thin_punctuation_is_text_not_a_rule() {
        // "(" and "/"-like strokes as tall as the line in a single-line cell
        let mut img = page(300, 70);
        bar(&mut img, 20, 12, 24, 58);
        glyphs(&mut img, 40, 14, 40, 2);
        for k in 0..44 {
            bar(&mut img, 150 + k / 3, 57 - k, 154 + k / 3, 58 - k);
        }
        let lines = split_lines(&img);
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].bbox[0] <= 20 && lines[0].bbox[2] >= 164,
            "{:?}",
            lines[0].bbox
        );
    }

    #[test]
    fn text_beyond_the_cells_own_rule_is_ignored() {
        // a neighbour's text above the top rule, the cell's own text below it
        let mut img = page(400, 120);
        glyphs(&mut img, 30, 0, 30, 5);
        bar(&mut img, 0, 36, 400, 39);
        glyphs(&mut img, 30, 60, 40, 4);
        let lines = split_lines(&img);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].bbox[1] > 39);
    }

    #[test]
    fn text_next_to_a_tilted_frame_is_kept() {
        // a closed frame whose top and bottom rules tilt by ~1°, text starting near the left rule
        let mut img = page(600, 110);
        for x in 0..600 {
            let dy = x * 2 / 100;
            bar(&mut img, x, 2 + dy, x + 1, 5 + dy);
            bar(&mut img, x, 95 + dy, x + 1, 98 + dy);
        }
        bar(&mut img, 0, 2, 3, 98);
        bar(&mut img, 597, 14, 600, 110);
        glyphs(&mut img, 12, 35, 40, 8);
        let lines = split_lines(&img);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].bbox[0] <= 12, "{:?}", lines[0].bbox);
        assert!(lines[0].bbox[2] >= 12 + 7 * 50 + 40, "{:?}", lines[0].bbox);
    }

    #[test]
    fn skewed_lines_are_separated() {
        // two lines of glyphs tilted by ~1.5° across a wide cell, close together
        let mut img = page(900, 150);
        for line in 0..2u32 {
            for k in 0..14u32 {
                let x = 20 + k * 60;
                let y = 15 + line * 52 + (x as f32 * 0.026) as u32;
                glyphs(&mut img, x, y, 40, 1);
            }
        }
        let lines = split_lines(&img);
        assert_eq!(lines.len(), 2);
        // straightened: each crop is one glyph height plus margins, not the tilt's drift
        for l in &lines {
            assert!(l.img.height() <= 64, "{}", l.img.height());
        }
    }

    #[test]
    fn a_line_of_a_stroke_built_face_is_not_cut_in_two() {
        // One line 38 rows tall whose components (strokes) measured 22 px: read whole.
        let mut rows = vec![0usize; 60];
        rows[10..48].iter_mut().for_each(|r| *r = 30);
        assert_eq!(stroke_face_size(&rows, 22.0), 38.0);
        assert_eq!(
            line_bands(&rows, stroke_face_size(&rows, 22.0)),
            vec![(10, 48)]
        );
        // Two touching lines (2x the components' size) are still two lines.
        let mut rows = vec![0usize; 60];
        rows[5..51].iter_mut().for_each(|r| *r = 30);
        assert_eq!(stroke_face_size(&rows, 22.0), 22.0);
        assert_eq!(line_bands(&rows, 22.0).len(), 2);
        // A connected face: the runs are the components' height.
        let mut rows = vec![0usize; 60];
        rows[10..33].iter_mut().for_each(|r| *r = 30);
        assert_eq!(stroke_face_size(&rows, 22.0), 22.0);
    }

    #[test]
    fn touching_lines_are_cut_at_the_valley() {
        let rows: Vec<usize> = (0..100)
            .map(|y| if y == 48 || y == 49 { 1 } else { 30 })
            .collect();
        let bands = line_bands(&rows, 45.0);
        assert_eq!(bands.len(), 2);
        assert!((47..=50).contains(&bands[0].1));
    }

    #[test]
    fn otsu_needs_contrast() {
        let flat: Vec<u8> = (0..1000).map(|i| 200 + (i % 7) as u8).collect();
        assert_eq!(ink_threshold(&flat), None);
        let mut two = vec![240u8; 900];
        two.extend(std::iter::repeat_n(30u8, 100));
        let t = ink_threshold(&two).unwrap();
        assert!((30..240).contains(&t));
        // Grey print, scanned: strokes averaging ~190 on paper at ~250.
        let mut grey = vec![252u8; 900];
        grey.extend(std::iter::repeat_n(192u8, 100));
        assert!(ink_threshold(&grey).is_some());
    }
}
