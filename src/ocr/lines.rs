//! Splitting a cell crop into single text lines for a line recogniser.
//!
//! Cells hold wrapped multi-line text, and a crop taken from a cell's box usually carries remnants
//! of the ruling lines around it. The crop is binarised (Otsu), its ink split into connected
//! components, components shaped like ruling lines and specks are dropped, and the rest is cut
//! into lines by the horizontal projection profile. Bands thinner than a line (the strokes of
//! 三, a lone 一) are merged with their neighbours when the result still fits one line height;
//! bands taller than about two lines (touching lines) are cut at the profile's valleys.

use image::{Rgb, RgbImage};

/// Two classes closer than this in mean grey level are one class: the crop is blank paper.
const MIN_CONTRAST: f32 = 60.0;
/// Components smaller than this many pixels are scanner noise.
const MIN_COMPONENT_AREA: usize = 4;
/// A component at least this many times longer than its mean thickness, spanning at least half
/// of the crop, is a ruling line (a Chinese character's longest stroke is ~10× its width at most
/// relative to the crop, and never spans a cell padded around it).
const RULE_ELONGATION: f32 = 12.0;

/// One text line cut out of a block: the crop (ink of other lines and ruling lines painted over
/// with the background colour) and its box `[x0, y0, x1, y1)` in the block's pixels.
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

    // Character size from the components away from the crop's border (text intruding from a
    // neighbouring cell or cut by the crop would skew it).
    let inner: Vec<&Component> = comps
        .iter()
        .filter(|c| c.area >= MIN_COMPONENT_AREA && !c.touches_border(w, h) && !c.is_rule(w, h))
        .collect();
    let sizes: Vec<usize> = if inner.is_empty() {
        comps
            .iter()
            .filter(|c| c.area >= MIN_COMPONENT_AREA && !c.is_rule(w, h))
            .map(Component::size)
            .collect()
    } else {
        inner.iter().map(|c| c.size()).collect()
    };
    let Some(char_size) = percentile(sizes, 0.8) else {
        return Vec::new();
    };
    let char_size = char_size.max(4) as f32;

    // Keep text components; paint everything else over.
    let mut keep = vec![false; comps.len()];
    for (k, c) in comps.iter().enumerate() {
        let speck = c.area < MIN_COMPONENT_AREA;
        // Crumbs of a neighbour's text or of a ruling line's end, cut by the crop edge.
        let crumb = c.touches_border(w, h) && (c.size() as f32) < 0.3 * char_size;
        keep[k] = !(speck || crumb || c.is_rule(w, h));
    }
    let mut text: Vec<bool> = labels
        .iter()
        .map(|&l| keep.get(l as usize).copied().unwrap_or(false))
        .collect();
    trim_edge_rules(&mut text, w, h);

    let mut rows = vec![0usize; h];
    for (y, r) in rows.iter_mut().enumerate() {
        *r = text[y * w..(y + 1) * w].iter().filter(|&&t| t).count();
    }
    let bands = line_bands(&rows, char_size);
    if bands.is_empty() {
        return Vec::new();
    }
    let bg = background(img, &gray, threshold);
    bands
        .into_iter()
        .filter_map(|(y0, y1)| crop_line(img, &text, w, h, y0, y1, char_size, bg))
        .collect()
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
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return None;
    }
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * n as f64)
        .sum();
    let (mut w0, mut sum0) = (0u64, 0f64);
    let mut best: Option<(f64, u8, f32)> = None;
    for t in 0..255usize {
        w0 += hist[t];
        sum0 += t as f64 * hist[t] as f64;
        let w1 = total - w0;
        if w0 == 0 || w1 == 0 {
            continue;
        }
        let m0 = sum0 / w0 as f64;
        let m1 = (sum_all - sum0) / w1 as f64;
        let between = w0 as f64 * w1 as f64 * (m0 - m1) * (m0 - m1);
        if best.is_none_or(|(b, _, _)| between > b) {
            best = Some((between, t as u8, (m1 - m0) as f32));
        }
    }
    match best {
        Some((_, t, contrast)) if contrast >= MIN_CONTRAST => Some(t),
        _ => None,
    }
}

#[derive(Debug, Clone)]
struct Component {
    x0: usize,
    y0: usize,
    x1: usize, // inclusive
    y1: usize, // inclusive
    area: usize,
}

impl Component {
    fn width(&self) -> usize {
        self.x1 - self.x0 + 1
    }
    fn height(&self) -> usize {
        self.y1 - self.y0 + 1
    }
    fn size(&self) -> usize {
        self.width().max(self.height())
    }
    fn touches_border(&self, w: usize, h: usize) -> bool {
        self.x0 == 0 || self.y0 == 0 || self.x1 + 1 == w || self.y1 + 1 == h
    }
    /// Long and thin along either axis and spanning at least half the crop. Mean thickness
    /// (area / length) rather than the box's other side, so skewed lines and the L/T-shaped
    /// corners of a cell's frame count too.
    fn is_rule(&self, w: usize, h: usize) -> bool {
        let (cw, ch, area) = (self.width() as f32, self.height() as f32, self.area as f32);
        let horizontal = cw >= 0.5 * w as f32 && area / cw <= cw / RULE_ELONGATION;
        let vertical = ch >= 0.5 * h as f32 && area / ch <= ch / RULE_ELONGATION;
        horizontal || vertical
    }
}

/// 8-connected components of `ink`, and per pixel the index of its component.
fn components(ink: &[bool], w: usize, h: usize) -> (Vec<Component>, Vec<u32>) {
    let mut label = vec![NO_LABEL; ink.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..ink.len() {
        if !ink[start] || label[start] != NO_LABEL {
            continue;
        }
        let id = out.len() as u32;
        label[start] = id;
        stack.push(start);
        let (sx, sy) = (start % w, start / w);
        let mut c = Component {
            x0: sx,
            y0: sy,
            x1: sx,
            y1: sy,
            area: 0,
        };
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            c.area += 1;
            c.x0 = c.x0.min(x);
            c.x1 = c.x1.max(x);
            c.y0 = c.y0.min(y);
            c.y1 = c.y1.max(y);
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if ink[j] && label[j] == NO_LABEL {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        out.push(c);
    }
    (out, label)
}

const NO_LABEL: u32 = u32::MAX;

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

fn percentile(mut v: Vec<usize>, q: f32) -> Option<usize> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let i = ((v.len() - 1) as f32 * q).round() as usize;
    v.get(i).copied()
}

/// Text lines as row ranges `[y0, y1)` from the row ink counts, given the character size.
pub(crate) fn line_bands(rows: &[usize], char_size: f32) -> Vec<(usize, usize)> {
    let mut bands: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (y, &n) in rows.iter().enumerate() {
        match (n > 0, start) {
            (true, None) => start = Some(y),
            (false, Some(s)) => {
                bands.push((s, y));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        bands.push((s, rows.len()));
    }

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
    // A band of a pixel or two is residue (a dot, an underline crumb), not a line.
    out.retain(|&(a, b)| b - a >= 2 && rows[a..b].iter().sum::<usize>() >= MIN_COMPONENT_AREA);
    out
}

/// Mean colour of the paper (pixels brighter than the ink threshold).
fn background(img: &RgbImage, gray: &[u8], threshold: u8) -> Rgb<u8> {
    let (mut s, mut n) = ([0u64; 3], 0u64);
    for (p, &g) in img.pixels().zip(gray) {
        if g > threshold {
            for c in 0..3 {
                s[c] += p.0[c] as u64;
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
    }
}
