//! Which way the text runs: a page photographed or scanned turned by 90° (common: a landscape
//! table, or a phone held sideways) has its lines running top to bottom, and a PDF often has
//! no usable /Rotate for it. Decided from the ink alone: ruling lines removed, the text is
//! smeared along each axis across gaps narrower than the space between characters; along the
//! lines the smeared runs are whole words, across them one character tall. Up or down (0° vs
//! 180°) cannot be told from ink shapes; `table::image` asks the recogniser for that.

use image::GrayImage;

use super::geometry::{block_min, long_runs};

/// Ratio of mean run lengths (along one axis ÷ the other) needed to call a direction;
/// measured on dev form pages (mostly tables, short cell texts): 1.4–1.5 along the lines,
/// 0.5–0.55 across them.
const DECISIVE: f64 = 1.3;
/// Turning a page wrongly loses it, so "vertical" needs more: dev pages turned by 90° give
/// 0.42–0.55, but a speckled photo with a shadow, turned, gives up to 0.65 (1.55 the other
/// way). The least upright ratio over the 100 dev and degraded-copy pages is 0.86 (a page
/// holding one table row and a signature line), so 1/1.45 = 0.69 still leaves a margin.
const TURN: f64 = 1.45;

/// `Some(true)` when the text runs vertically (the page is turned by 90° or 270°),
/// `Some(false)` when it runs horizontally, `None` when the page has too little text to say.
pub fn text_is_vertical(grey: &GrayImage) -> Option<bool> {
    vertical_from_ratio(run_ratio(grey)?)
}

/// [`text_is_vertical`] from a [`run_ratio`]: `None` in the band between the two thresholds.
pub fn vertical_from_ratio(r: f64) -> Option<bool> {
    if r >= DECISIVE {
        Some(false)
    } else if r <= 1.0 / TURN {
        Some(true)
    } else {
        None
    }
}

/// Mean length of ink runs along rows over that along columns (ruling lines removed): text
/// set in rows gives long runs along them. `None` when the page has too little ink to say.
pub fn run_ratio(grey: &GrayImage) -> Option<f64> {
    let (w, h) = grey.dimensions();
    // ~100 pixels per inch: characters of 10-pt print are ~14 px, their gaps ~1-2 px.
    let unit = crate::grid::page_unit(w, h);
    let f = ((unit / 100.0).round() as u32).max(1);
    let small = block_min(grey, f);
    let (sw, sh) = (small.width() as usize, small.height() as usize);
    if sw < 50 || sh < 50 {
        return None;
    }
    let mut ink: Vec<bool> = small.as_raw().iter().map(|&v| v < 128).collect();
    let sunit = unit / f as f32;
    // Ruling lines (and the sheet's edge) are runs longer than ~0.6 in: removed both ways.
    let long = (sunit * 0.6) as usize;
    let rules_h = long_runs(&ink, sw, sh, true, long);
    let rules_v = long_runs(&ink, sw, sh, false, long);
    for i in 0..ink.len() {
        if rules_h[i] || rules_v[i] {
            ink[i] = false;
        }
    }
    let gap = ((sunit * 0.04).round() as usize).max(2);
    let (lh, nh) = mean_run(&ink, sw, sh, true, gap);
    let (lv, nv) = mean_run(&ink, sw, sh, false, gap);
    if nh < 200 || nv < 200 {
        return None;
    }
    Some(lh / lv.max(1e-9))
}

/// Mean length and number of ink runs along rows (`along_x`) or columns once gaps of up to
/// `gap` pixels are bridged.
fn mean_run(ink: &[bool], w: usize, h: usize, along_x: bool, gap: usize) -> (f64, usize) {
    let (n_lines, len) = if along_x { (h, w) } else { (w, h) };
    let idx = |line: usize, pos: usize| {
        if along_x {
            line * w + pos
        } else {
            pos * w + line
        }
    };
    let (mut total, mut runs) = (0usize, 0usize);
    for line in 0..n_lines {
        let mut run: Option<(usize, usize)> = None; // (start, last ink)
        for pos in 0..len {
            if !ink[idx(line, pos)] {
                continue;
            }
            run = match run {
                Some((s, last)) if pos - last <= gap + 1 => Some((s, pos)),
                Some((s, last)) => {
                    total += last - s + 1;
                    runs += 1;
                    Some((pos, pos))
                }
                None => Some((pos, pos)),
            };
        }
        if let Some((s, last)) = run {
            total += last - s + 1;
            runs += 1;
        }
    }
    (total as f64 / runs.max(1) as f64, runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// An A4 page at 150 DPI with 30 lines of "characters" (20-px squares as dense in strokes
    /// as Chinese print: a stroke every 4-5 px both ways) and a ruled box.
    fn text_page() -> GrayImage {
        let mut img = GrayImage::from_pixel(1240, 1754, Luma([245]));
        let mut ink = |x0: u32, y0: u32, x1: u32, y1: u32| {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, Luma([20]));
                }
            }
        };
        for line in 0..30u32 {
            let y = 150 + line * 40;
            for ch in 0..(20 + line % 7 * 3) {
                let x = 120 + ch * 24;
                for k in [0, 5, 10, 15, 18] {
                    ink(x, y + k, x + 20, y + k + 2);
                    ink(x + k, y, x + k + 2, y + 20);
                }
            }
        }
        // a table frame
        ink(100, 1400, 1140, 1403);
        ink(100, 1600, 1140, 1603);
        ink(100, 1400, 103, 1603);
        ink(1137, 1400, 1140, 1603);
        img
    }

    #[test]
    fn horizontal_text_is_not_vertical_and_its_turn_is() {
        let page = text_page();
        assert_eq!(text_is_vertical(&page), Some(false));
        assert_eq!(
            text_is_vertical(&image::imageops::rotate90(&page)),
            Some(true)
        );
        assert_eq!(
            text_is_vertical(&image::imageops::rotate270(&page)),
            Some(true)
        );
    }

    #[test]
    fn a_blank_page_has_no_direction() {
        assert_eq!(
            text_is_vertical(&GrayImage::from_pixel(1240, 1754, Luma([250]))),
            None
        );
    }
}
