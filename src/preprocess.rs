//! Page image clean-up before the grid: red-seal suppression, illumination flattening, light
//! watermark removal, deskew and keystone (perspective) correction from the table's ruling
//! lines. Every geometric correction is kept in a [`Transform`] so boxes found on the cleaned
//! image can be mapped back to the page as it came out of the PDF.
//!
//! All estimation runs on downsampled copies; the full-resolution image is touched only by
//! per-pixel passes (grey conversion, flattening, one final warp).

use image::{GrayImage, RgbImage};

use crate::config::Config;
use crate::error::Result;

mod geometry;
pub mod orientation;
pub mod sheet;
pub use geometry::Homography;
#[doc(hidden)]
pub use geometry::{
    keystone as geometry_keystone, rotation_canvas as geometry_rotation_canvas,
    warp as geometry_warp,
};

/// Maps pixel coordinates of the prepared image back to the original raster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transform {
    /// Row-major 3×3 homography from prepared to original pixel coordinates; `None` = identity.
    pub homography: Option<[f64; 9]>,
}

impl Transform {
    /// Prepared-image pixel (x, y) → original-raster pixel (x, y).
    pub fn to_original(&self, x: f64, y: f64) -> (f64, f64) {
        match self.homography {
            None => (x, y),
            Some(h) => {
                let w = h[6] * x + h[7] * y + h[8];
                let w = if w.abs() < 1e-12 { 1e-12 } else { w };
                (
                    (h[0] * x + h[1] * y + h[2]) / w,
                    (h[3] * x + h[4] * y + h[5]) / w,
                )
            }
        }
    }

    /// Original-raster pixel → prepared-image pixel (the inverse mapping).
    pub fn to_prepared(&self, x: f64, y: f64) -> (f64, f64) {
        match self.homography.and_then(|h| Homography(h).inverse()) {
            None => (x, y),
            Some(inv) => inv.apply(x, y),
        }
    }
}

/// A page ready for grid detection and OCR.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Cleaned grey image: paper ≈ 255, ink ≈ 0; seals and shading removed, upright, flat.
    pub gray: image::GrayImage,
    /// The same geometry in colour-free RGB for the recogniser (grey replicated is fine).
    pub rgb: image::RgbImage,
    pub transform: Transform,
    /// Skew that was corrected, in degrees (positive = counter-clockwise on the original).
    pub skew_deg: f32,
    pub quality: Quality,
    /// The ink did not say for certain whether the text runs across or down the page: it could
    /// not tell (a sparse page: a few table rows, a signature line; left as captured), or it
    /// said "down" and the page was turned, which a sparse page of a stroke-built face can say
    /// wrongly. `table::image` lets the recogniser compare both ways.
    pub orientation_undecided: bool,
}

/// Largest skew searched for, in degrees.
const MAX_SKEW_DEG: f64 = 5.0;
/// Skews smaller than this are left alone (resampling costs more sharpness than it gains).
const MIN_SKEW_DEG: f64 = 0.04;

/// Cleans one page raster.
pub fn prepare(raster: &RgbImage, cfg: &Config) -> Result<Prepared> {
    prepare_turned(raster, cfg, false)
}

/// [`prepare`], with the page turned a further 180° (`table::image` asks for this when the
/// recogniser reads the page better upside down).
pub fn prepare_turned(raster: &RgbImage, cfg: &Config, half_turn: bool) -> Result<Prepared> {
    prepare_oriented(raster, cfg, None, half_turn)
}

/// [`prepare_turned`] with the quarter turn given (`Some(true)`: the text runs down the page as
/// captured) instead of judged from the ink.
pub fn prepare_oriented(
    raster: &RgbImage,
    cfg: &Config,
    quarter: Option<bool>,
    half_turn: bool,
) -> Result<Prepared> {
    let _ = cfg;
    let grey = gray_without_seals(raster);
    let bilevel = is_bilevel(&grey);
    if grey.width() < 32 || grey.height() < 32 {
        // Too small to estimate anything from; passed through so the caller decides.
        return Ok(Prepared {
            rgb: grey_to_rgb(&grey),
            gray: grey,
            transform: Transform::default(),
            skew_deg: 0.0,
            quality: Quality::default(),
            orientation_undecided: false,
        });
    }
    // Flattening, the sheet's outline and the orientation check do not depend on which way
    // the page is turned, so they run once, on the page as captured.
    let mut flat = flatten(&grey);
    remove_light_marks(&mut flat);
    // The sheet against the desk, on the plain luminance (flattening erases the step in
    // brightness that marks the paper's edge, and the seal-free grey makes a brown desk
    // paper-bright: a wood desk, r ≈ 110 over g ≈ 70, came out at 140, brighter than the
    // shaded half of a photographed sheet, whose top edge was then lost and the desk kept in).
    let luma = luma(raster);
    let sheet_found = sheet::find(&luma);
    // Text running top to bottom: the page is turned a quarter clockwise (the recogniser's
    // check on up/down then settles 90° vs 270°). Judged on the sheet alone: the grain of a
    // desk around it is long dark runs too, and on a photo turned 270° it outvoted the text
    // (3 of 6 pages of the rot270 copy were left sideways).
    let seal_fraction = seal_fraction(raster, sheet_found.as_ref());
    let given = quarter;
    let ratio = match given {
        Some(_) => None,
        None => match &sheet_found {
            Some(s) => orientation::run_ratio(&inside(&flat, s)),
            None => orientation::run_ratio(&flat),
        },
    };
    let verdict = ratio.and_then(orientation::vertical_from_ratio);
    let quarter = given.unwrap_or(verdict == Some(true));
    // A quarter turn is confirmed by the recogniser too: a continuation page holding one table
    // row in a brush (Kai) face, whose characters are separate strokes with short runs across
    // and long ones down, measured as "down" and was read sideways as single characters. Pages
    // really turned are few and reading their sample lines the other way is cheap beside a
    // page lost.
    let orientation_undecided = given.is_none() && ratio.is_some() && verdict != Some(false);
    let turns = u8::from(quarter) + 2 * u8::from(half_turn);
    let (grey, turned) = turn(grey, turns);
    let (mut flat, _) = turn(flat, turns);
    let (w, h) = grey.dimensions();
    let sheet_found = if turns == 0 {
        sheet_found
    } else {
        sheet::find(&turn(luma, turns).0)
    };
    // Specks go once the text is upright (whether a mark is level with a character decides
    // it), before the resample; the page's scale is the sheet's when it shows, not the whole
    // photo's.
    let unit = match &sheet_found {
        Some(s) => {
            let (rw, rh) = s.rect_size();
            crate::grid::page_unit(rw, rh)
        }
        None => crate::grid::page_unit(w, h),
    };
    let specks = despeckle(&mut flat, unit);
    // Skew and keystone are estimated on the sheet rectified, and the page is resampled once
    // through all three maps.
    let (base, bw, bh) = match &sheet_found {
        Some(s) => {
            let (rw, rh) = s.rect_size();
            let rect = [
                (0.0, 0.0),
                (rw as f64 - 1.0, 0.0),
                (rw as f64 - 1.0, rh as f64 - 1.0),
                (0.0, rh as f64 - 1.0),
            ];
            match Homography::from_points(&rect, &s.quad) {
                Some(hm) => (hm, rw, rh),
                None => (Homography::identity(), w, h),
            }
        }
        None => (Homography::identity(), w, h),
    };
    let rectified = if base.is_identity(1e-9) {
        std::borrow::Cow::Borrowed(&flat)
    } else {
        std::borrow::Cow::Owned(geometry::warp(&flat, &base, bw, bh))
    };

    let skew = estimate_skew(&rectified);
    let (cw, ch, rot) = if skew.abs() >= MIN_SKEW_DEG {
        geometry::rotation_canvas(bw, bh, skew)
    } else {
        (bw, bh, Homography::identity())
    };
    let keystone = geometry::keystone(&rectified, &rot, cw, ch);
    drop(rectified);
    // Prepared → turned page (resampled once), and prepared → original (reported boxes).
    let total = base.compose(&rot.compose(&keystone.unwrap_or_else(Homography::identity)));
    let to_original = turned.compose(&total);
    let transform = Transform {
        homography: (!to_original.is_identity(1e-9)).then_some(to_original.0),
    };
    let gray = if total.is_identity(1e-9) {
        flat
    } else {
        geometry::warp(&flat, &total, cw, ch)
    };
    let rgb = grey_to_rgb(&gray);
    Ok(Prepared {
        gray,
        rgb,
        transform,
        skew_deg: skew as f32,
        quality: Quality {
            sheet: sheet_found.map(|s| s.quad.map(|(x, y)| turned.apply(x, y))),
            specks,
            turned_deg: 90 * u16::from(turns),
            seal_fraction,
            bilevel,
        },
        orientation_undecided,
    })
}

/// The part of `img` inside the sheet's outline: the largest upright box within the quad.
pub fn inside(img: &GrayImage, s: &sheet::Sheet) -> GrayImage {
    let q = &s.quad;
    let (w, h) = (img.width() as f64, img.height() as f64);
    let x0 = q[0].0.max(q[3].0).clamp(0.0, w - 1.0);
    let x1 = q[1].0.min(q[2].0).clamp(x0 + 1.0, w);
    let y0 = q[0].1.max(q[1].1).clamp(0.0, h - 1.0);
    let y1 = q[2].1.min(q[3].1).clamp(y0 + 1.0, h);
    image::imageops::crop_imm(
        img,
        x0 as u32,
        y0 as u32,
        (x1 - x0) as u32,
        (y1 - y0) as u32,
    )
    .to_image()
}

/// `img` turned clockwise by `quarters` × 90°, and the map from the turned image's pixels back
/// to the original's.
fn turn(img: GrayImage, quarters: u8) -> (GrayImage, Homography) {
    use image::imageops::{rotate180, rotate270, rotate90};
    let (w, h) = (img.width() as f64, img.height() as f64);
    match quarters % 4 {
        1 => (
            rotate90(&img),
            Homography([0.0, 1.0, 0.0, -1.0, 0.0, h - 1.0, 0.0, 0.0, 1.0]),
        ),
        2 => (
            rotate180(&img),
            Homography([-1.0, 0.0, w - 1.0, 0.0, -1.0, h - 1.0, 0.0, 0.0, 1.0]),
        ),
        3 => (
            rotate270(&img),
            Homography([0.0, -1.0, w - 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]),
        ),
        _ => (img, Homography::identity()),
    }
}

/// What preprocessing saw of the page's capture, for `pages.jsonl`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quality {
    /// The sheet's corners in original pixels when its outline showed against a surround.
    pub sheet: Option<[(f64, f64); 4]>,
    /// Isolated specks removed.
    pub specks: usize,
    /// Clockwise turn applied to make the text upright (0, 90, 180, 270).
    pub turned_deg: u16,
    /// Share of the sheet covered by red or pink marks (seals, stamps) that were made paper.
    pub seal_fraction: f32,
    /// The capture is black and white (an office scanner's bilevel mode: CCITT, JBIG2).
    pub bilevel: bool,
}

/// Whether `grey` is a black-and-white capture: next to no pixels between ink and paper,
/// counted against the ink. A grey scan's anti-aliased stroke edges are 0.3–1.3× its black
/// pixels (dev clean and CamScanner pages; phone photos and JPEG copies far more), a bilevel
/// image has none; a near-blank grey page has few of either (0.09 % of one dev page is
/// mid-grey), so a share of the page would not do.
pub fn is_bilevel(grey: &GrayImage) -> bool {
    // Every 7th pixel is plenty for a share and keeps this off the profile.
    let (mut n, mut dark, mut mid) = (0usize, 0usize, 0usize);
    for &v in grey.as_raw().iter().step_by(7) {
        n += 1;
        dark += usize::from(v < 16);
        mid += usize::from((16..240).contains(&v));
    }
    dark * 1000 >= n && mid * 20 < dark
}

/// Removes isolated specks (dust, sensor noise, toner) from the page: dark components no
/// larger than ~0.025 in that belong to no character. A mark belongs to a character when it
/// lies beside a character-sized body, within ~0.05 in of it and level with it (a decimal
/// point, the dot of 主, a colon's two dots); marks above or below a line of text, beside a
/// ruling, or in open paper go. Returns how many were removed. Without this every speck near
/// a text line reached the line splitter and the recogniser, and a noisy page took 5× as long;
/// with a square "anything near" test, heavy speckle around a cell's text was kept and read
/// (a "31.79" cell came back as ":\ni\n日").
pub fn despeckle(gray: &mut GrayImage, unit: f32) -> usize {
    let (w, h) = gray.dimensions();
    let (w, h) = (w as usize, h as usize);
    let max_size = ((unit * 0.025).round() as usize).max(3);
    let reach = ((unit * 0.05).round() as usize).max(3);
    // A character body: larger than a speck, no larger than the largest print (~0.4 in, a
    // 28-pt title). Anything larger is a ruling, a frame or print fused with one.
    let max_glyph = (unit * 0.4) as usize;
    // Components of everything darker than paper, faint grey included: small print in grey
    // falls apart at a dark threshold into fragments as small as specks (处 printed at ~11 px
    // in grey lost all but two dots and was read as "："); at this light one its strokes hold
    // together, while a speck on paper is a speck either way.
    let ink: Vec<bool> = gray.as_raw().iter().map(|&v| v < 200).collect();
    let (comps, labels) = crate::components::components(&ink, w, h);
    let px: &mut [u8] = gray.as_mut();
    let small: Vec<bool> = comps.iter().map(|c| c.size() <= max_size).collect();
    let mut removed = 0;
    for (id, c) in comps.iter().enumerate().filter(|&(i, _)| small[i]) {
        let (x0, y0) = (c.x0.saturating_sub(reach), c.y0.saturating_sub(reach));
        let (x1, y1) = ((c.x1 + reach).min(w - 1), (c.y1 + reach).min(h - 1));
        // Kept: level with a character body nearby, or touching any large ink, or among much
        // other small ink: under heavy noise every speck has another within reach (so a
        // neighbouring speck must not keep it), but a small thin character printed at ~11 px
        // falls apart at the threshold into fragments as small as specks, lying close
        // together (处 lost all but two dots and read as "：").
        let mut other = 0usize;
        let mut keep = false;
        let cy = (c.y0 + c.y1) as f32 / 2.0;
        'scan: for y in y0..=y1 {
            for (x, &l) in labels[y * w + x0..=y * w + x1].iter().enumerate() {
                if l == crate::components::NO_LABEL || l as usize == id {
                    continue;
                }
                let l = l as usize;
                if small.get(l).copied().unwrap_or(true) {
                    other += 1;
                    continue;
                }
                let b = &comps[l];
                let x = x0 + x;
                let touching = x + 2 >= c.x0 && x <= c.x1 + 2 && y + 2 >= c.y0 && y <= c.y1 + 2;
                // Level: the mark's centre within the body's rows, give or take a sixth of
                // its height (a full stop sits on the baseline, a quote mark at the top).
                let tol = b.height() as f32 / 6.0;
                let level = cy >= b.y0 as f32 - tol && cy <= b.y1 as f32 + tol;
                if touching || (b.size() <= max_glyph && level) {
                    keep = true;
                    break 'scan;
                }
            }
        }
        if keep || other > 2 * max_size * max_size {
            continue;
        }
        removed += 1;
        // The speck and its blurred rim (lighter than the threshold) become paper.
        for y in c.y0.saturating_sub(1)..=(c.y1 + 1).min(h - 1) {
            for x in c.x0.saturating_sub(1)..=(c.x1 + 1).min(w - 1) {
                px[y * w + x] = 255;
            }
        }
    }
    removed
}

fn grey_to_rgb(g: &GrayImage) -> RgbImage {
    let (w, h) = g.dimensions();
    let mut v = Vec::with_capacity(g.as_raw().len() * 3);
    for &p in g.as_raw() {
        v.extend_from_slice(&[p, p, p]);
    }
    RgbImage::from_raw(w, h, v).unwrap_or_else(|| RgbImage::new(w, h))
}

/// Share of the sheet's pixels (the whole raster when no outline was found: a desk's warm wood
/// must not count as a seal) that are clearly red or pink: red above both other channels by
/// 40 levels, twice the grey conversion's bar, so warm paper and JPEG colour fringes stay out.
fn seal_fraction(raster: &RgbImage, sheet: Option<&sheet::Sheet>) -> f32 {
    let (w, h) = raster.dimensions();
    let (x0, y0, x1, y1) = match sheet {
        Some(s) => {
            let xs = s.quad.iter().map(|p| p.0);
            let ys = s.quad.iter().map(|p| p.1);
            let cl = |v: f64, m: u32| v.clamp(0.0, m as f64) as u32;
            (
                cl(xs.clone().fold(f64::MAX, f64::min), w),
                cl(ys.clone().fold(f64::MAX, f64::min), h),
                cl(xs.fold(f64::MIN, f64::max), w),
                cl(ys.fold(f64::MIN, f64::max), h),
            )
        }
        None => (0, 0, w, h),
    };
    let (mut red, mut all) = (0u64, 0u64);
    for y in y0..y1 {
        for x in x0..x1 {
            let p = raster.get_pixel(x, y).0;
            let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
            all += 1;
            if r > g.max(b) + 40 && r > 80 {
                red += 1;
            }
        }
    }
    if all == 0 {
        return 0.0;
    }
    ((red as f64 / all as f64) * 10_000.0).round() as f32 / 10_000.0
}

/// Grey conversion in which red and pink marks (seals, stamps, red-ink annotations) become
/// paper: for those pixels the red channel is roughly the paper's brightness under the ink.
/// Black print over a seal stays dark in every channel, so it survives.
pub fn gray_without_seals(img: &RgbImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for p in img.as_raw().chunks_exact(3) {
        let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
        let other = g.max(b);
        // A low bar (20 levels), so a seal in a shadow (r ≈ 90, g, b ≈ 45) and the
        // chroma-blurred rims of its strokes (JPEG halves colour resolution) count too:
        // their dark remains were read as "0" and "源" beside the text they cover.
        // Seal ink absorbs some red too (r ≈ 150 on paper at 200 in a phone photo): the
        // excess of red over the other channels is added back, so a stroke becomes paper
        // rather than a light grey ring that the binariser still takes for ink.
        let v = if r > other + 20 && r > 48 {
            (r + (r - other) * 3 / 4).min(255) as u8
        } else {
            luma_of(p)
        };
        out.push(v);
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// BT.601 luminance of one RGB pixel, in integers.
fn luma_of(p: &[u8]) -> u8 {
    ((77 * p[0] as u32 + 150 * p[1] as u32 + 29 * p[2] as u32 + 128) >> 8) as u8
}

/// Plain luminance, every colour weighed alike everywhere (what the sheet's edge is seen in).
pub fn luma(img: &RgbImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let out = img.as_raw().chunks_exact(3).map(luma_of).collect();
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Divides out uneven lighting (shadows, vignetting, a phone's flash): the paper's brightness
/// is estimated as a smooth large-scale maximum and every pixel is expressed relative to it,
/// then stretched so paper is white and print keeps its contrast.
pub fn flatten(grey: &GrayImage) -> GrayImage {
    let (w, h) = grey.dimensions();
    // Blocks larger than a character's stroke width but much smaller than a shadow.
    let bs = (w.min(h) / 160).clamp(4, 32);
    let (sw, sh) = (w.div_ceil(bs), h.div_ceil(bs));
    let src = grey.as_raw();
    let mut small = vec![0u8; (sw * sh) as usize];
    for y in 0..h {
        let row = &src[(y * w) as usize..((y + 1) * w) as usize];
        let srow = &mut small[((y / bs) * sw) as usize..((y / bs + 1) * sw) as usize];
        for (x, &v) in row.iter().enumerate() {
            let s = &mut srow[x / bs as usize];
            if v > *s {
                *s = v;
            }
        }
    }
    // A block inside a large dark area (a filled header, a character's body) has no paper in
    // it; a wider maximum reaches the paper around it.
    let small = max_filter(&small, sw, sh, 2);
    let small = box_blur(&small, sw, sh, 2);
    let bg: Vec<f32> = small.iter().map(|&v| (v as f32).max(48.0)).collect();
    // The block estimate is smooth, so across a hard-edged shadow (a hand or a phone over the
    // sheet) it blends the lit and the shaded paper: the shaded side near the edge comes out
    // as a dark band, which the grid took for ink and lost every ruling it crossed (the
    // photo-style copy of part-002-02: 2 of 6 forms found). A grey closing keeps a step
    // exactly (a monotone edge is unchanged by max-then-min) while erasing anything narrower
    // than its window, i.e. print; it caps the block estimate. The closing reads the upper
    // envelope of noisy paper a little low, so it caps only where the block estimate is more
    // than 12 % brighter: the shaded side of an edge, not a page of fine print whose faint
    // strokes the cap would wash out.
    let r = (w.min(h) as f32 / 8.27 * 0.06).round().max(3.0) as usize;
    let cap = closing(src, w as usize, h as usize, r);

    // Bilinear interpolation of the background, one row at a time.
    let mut out = vec![0u8; (w * h) as usize];
    let mut rowbg = vec![0f32; sw as usize];
    let xs: Vec<(usize, usize, f32)> = (0..w)
        .map(|x| {
            let fx = ((x as f32 + 0.5) / bs as f32 - 0.5).clamp(0.0, (sw - 1) as f32);
            let x0 = fx.floor() as usize;
            (x0, (x0 + 1).min(sw as usize - 1), fx - x0 as f32)
        })
        .collect();
    for y in 0..h {
        let fy = ((y as f32 + 0.5) / bs as f32 - 0.5).clamp(0.0, (sh - 1) as f32);
        let y0 = fy.floor() as usize;
        let y1 = (y0 + 1).min(sh as usize - 1);
        let ty = fy - y0 as f32;
        for (i, v) in rowbg.iter_mut().enumerate() {
            *v = bg[y0 * sw as usize + i] * (1.0 - ty) + bg[y1 * sw as usize + i] * ty;
        }
        let srow = &src[(y * w) as usize..((y + 1) * w) as usize];
        let orow = &mut out[(y * w) as usize..((y + 1) * w) as usize];
        let crow = &cap[(y * w) as usize..((y + 1) * w) as usize];
        for (x, (&(x0, x1, tx), (&v, o))) in
            xs.iter().zip(srow.iter().zip(orow.iter_mut())).enumerate()
        {
            let b = rowbg[x0] * (1.0 - tx) + rowbg[x1] * tx;
            let b = b.min((crow[x] as f32 * 1.12).max(48.0));
            *o = (v as f32 * 255.0 / b).min(255.0) as u8;
        }
    }
    stretch(&mut out);
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Maps the darkest print to black and near-paper greys to white (the scanner-app "enhance"
/// look), keeping the mid-tones of anti-aliased strokes.
fn stretch(px: &mut [u8]) {
    let mut hist = [0u64; 256];
    for &v in px.iter() {
        hist[v as usize] += 1;
    }
    let ink: u64 = hist[..160].iter().sum();
    // Black point: the darkest 5 % of the ink, so noise does not decide it.
    let mut black = 0usize;
    if ink > 0 {
        let mut acc = 0;
        for (i, &c) in hist[..160].iter().enumerate() {
            acc += c;
            if acc * 20 >= ink {
                black = i;
                break;
            }
        }
    }
    let black = black.min(100) as f32;
    let white = 235.0f32;
    let mut lut = [0u8; 256];
    for (i, l) in lut.iter_mut().enumerate() {
        let v = (i as f32 - black) * 255.0 / (white - black);
        *l = v.clamp(0.0, 255.0) as u8;
    }
    for v in px.iter_mut() {
        *v = lut[*v as usize];
    }
}

/// Grey closing (maximum then minimum) over a (2r+1)² square: dark marks narrower than the
/// window become the paper around them, while a step in brightness stays where it is.
fn closing(src: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
    let dilated = extremum_2d(src, w, h, r, true);
    extremum_2d(&dilated, w, h, r, false)
}

/// Maximum (or minimum) over a (2r+1)² square, separably, in constant time per pixel (van
/// Herk / Gil-Werman: prefix and suffix extrema over blocks of the window's length).
fn extremum_2d(src: &[u8], w: usize, h: usize, r: usize, max: bool) -> Vec<u8> {
    let mut tmp = vec![0u8; src.len()];
    let mut line = Vec::new();
    let mut out_line = Vec::new();
    for y in 0..h {
        line.clear();
        line.extend_from_slice(&src[y * w..(y + 1) * w]);
        extremum_1d(&line, r, max, &mut out_line);
        tmp[y * w..(y + 1) * w].copy_from_slice(&out_line);
    }
    let mut out = vec![0u8; src.len()];
    for x in 0..w {
        line.clear();
        line.extend((0..h).map(|y| tmp[y * w + x]));
        extremum_1d(&line, r, max, &mut out_line);
        for (y, &v) in out_line.iter().enumerate() {
            out[y * w + x] = v;
        }
    }
    out
}

/// `out[i]` = extremum of `src[i-r ..= i+r]` (clipped to the line).
fn extremum_1d(src: &[u8], r: usize, max: bool, out: &mut Vec<u8>) {
    let n = src.len();
    out.clear();
    if n == 0 {
        return;
    }
    let pick = |a: u8, b: u8| if max { a.max(b) } else { a.min(b) };
    let k = 2 * r + 1;
    // Prefix extrema from each block start, suffix extrema to each block end.
    let mut pre = vec![0u8; n];
    let mut suf = vec![0u8; n];
    for i in 0..n {
        pre[i] = if i % k == 0 {
            src[i]
        } else {
            pick(pre[i - 1], src[i])
        };
    }
    for i in (0..n).rev() {
        suf[i] = if i % k == k - 1 || i == n - 1 {
            src[i]
        } else {
            pick(suf[i + 1], src[i])
        };
    }
    out.extend((0..n).map(|i| {
        let lo = i.saturating_sub(r);
        let hi = (i + r).min(n - 1);
        // [lo, hi] spans at most two blocks: the suffix of lo's block and the prefix of hi's.
        if lo / k == hi / k {
            src[lo..=hi].iter().copied().fold(src[lo], pick)
        } else {
            pick(suf[lo], pre[hi])
        }
    }));
}

fn max_filter(src: &[u8], w: u32, h: u32, r: i64) -> Vec<u8> {
    let (w, h) = (w as i64, h as i64);
    let mut tmp = vec![0u8; src.len()];
    for y in 0..h {
        for x in 0..w {
            let mut m = 0;
            for dx in -r..=r {
                let xx = (x + dx).clamp(0, w - 1);
                m = m.max(src[(y * w + xx) as usize]);
            }
            tmp[(y * w + x) as usize] = m;
        }
    }
    let mut out = vec![0u8; src.len()];
    for y in 0..h {
        for x in 0..w {
            let mut m = 0;
            for dy in -r..=r {
                let yy = (y + dy).clamp(0, h - 1);
                m = m.max(tmp[(yy * w + x) as usize]);
            }
            out[(y * w + x) as usize] = m;
        }
    }
    out
}

fn box_blur(src: &[u8], w: u32, h: u32, r: i64) -> Vec<u8> {
    let (w, h) = (w as i64, h as i64);
    let n = (2 * r + 1) as u32;
    let mut tmp = vec![0u8; src.len()];
    for y in 0..h {
        for x in 0..w {
            let s: u32 = (-r..=r)
                .map(|d| src[(y * w + (x + d).clamp(0, w - 1)) as usize] as u32)
                .sum();
            tmp[(y * w + x) as usize] = (s / n) as u8;
        }
    }
    let mut out = vec![0u8; src.len()];
    for y in 0..h {
        for x in 0..w {
            let s: u32 = (-r..=r)
                .map(|d| tmp[((y + d).clamp(0, h - 1) * w + x) as usize] as u32)
                .sum();
            out[(y * w + x) as usize] = (s / n) as u8;
        }
    }
    out
}

/// Erases marks printed in light grey only — scanner-app watermarks such as "扫描全能王 创建" in
/// the bottom margin — while anything with real ink in it stays. Works on connected blobs: a
/// blob with (almost) no pixel darker than light grey is not print.
pub fn remove_light_marks(img: &mut GrayImage) {
    let (w, h) = img.dimensions();
    let (w, h) = (w as usize, h as usize);
    let px: &mut [u8] = img.as_mut();
    // Ink level of the page: the darkest pixels decide how dark real print is here.
    let mut hist = [0u64; 256];
    for &v in px.iter() {
        hist[v as usize] += 1;
    }
    let total: u64 = hist[..200].iter().sum();
    if total == 0 {
        return;
    }
    let mut acc = 0;
    let mut ink_level = 0usize;
    for (i, &c) in hist[..200].iter().enumerate() {
        acc += c;
        if acc * 50 >= total {
            ink_level = i;
            break;
        }
    }
    let mask_thr = 200u8;
    // A blob with no pixel darker than this is a light mark.
    let light = (ink_level as f32 + 0.4 * (255.0 - ink_level as f32)) as u8;
    if light <= ink_level as u8 + 40 {
        return;
    }
    let mut seen = vec![false; w * h];
    let mut stack = Vec::new();
    // Every blob of the bottom margin: its pixels (a range of `members`), box, and whether
    // it is light (a few dark pixels are JPEG ringing, not ink: print is dark through its body).
    let mut members: Vec<usize> = Vec::new();
    let mut blobs: Vec<(std::ops::Range<usize>, [usize; 4], bool)> = Vec::new();
    // Scanner apps stamp their mark in the bottom margin; elsewhere faint strokes of small
    // print at low resolution can be as light as a watermark, so they are not touched.
    for start in (h * 9 / 10) * w..w * h {
        if px[start] >= mask_thr || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let first = members.len();
        let mut dark = 0usize;
        let mut bb = [usize::MAX, usize::MAX, 0, 0];
        while let Some(i) = stack.pop() {
            members.push(i);
            dark += usize::from(px[i] < light);
            let (x, y) = (i % w, i / w);
            bb = [bb[0].min(x), bb[1].min(y), bb[2].max(x), bb[3].max(y)];
            let mut visit = |j: usize| {
                if px[j] < mask_thr && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        let n = members.len() - first;
        blobs.push((first..members.len(), bb, dark * 50 <= n));
    }
    // A light blob beside dark print on the same line is a faint character of that print (a
    // table's last rows, phone-scanned, reach into the margin), not a watermark.
    let beside_print = |b: &[usize; 4]| {
        let reach = b[3] - b[1] + 1;
        blobs.iter().any(|(_, d, is_light)| {
            !*is_light
                && d[0] <= b[2] + reach
                && b[0] <= d[2] + reach
                && d[1].max(b[1]) <= d[3].min(b[3])
                && 2 * (d[3].min(b[3]) - d[1].max(b[1]) + 1) >= (b[3] - b[1] + 1)
        })
    };
    for (range, bb, is_light) in &blobs {
        if *is_light && !beside_print(bb) {
            for &i in &members[range.clone()] {
                px[i] = 255;
            }
        }
    }
}

/// Skew of the page's horizontal structure (ruling lines and text lines), in degrees,
/// positive = the content is turned counter-clockwise. Projection-profile search on a
/// downsampled ink map: coarse over ±5°, then fine, then a parabola through the best three.
pub fn estimate_skew(grey: &GrayImage) -> f64 {
    let (w, h) = grey.dimensions();
    // ~800 px wide is enough: the fine search still resolves 0.01° through the plateau centre.
    let f = w.div_ceil(800).max(1);
    let (sw, sh) = (w / f, h / f);
    if sw < 16 || sh < 16 {
        return 0.0;
    }
    // Block minimum keeps thin lines visible after downsampling.
    let src = grey.as_raw();
    let mut pts: Vec<(f32, f32)> = Vec::new();
    let cx = sw as f32 / 2.0;
    for by in 0..sh {
        for bx in 0..sw {
            let mut m = 255u8;
            for y in by * f..(by + 1) * f {
                let row = (y * w) as usize;
                for x in bx * f..(bx + 1) * f {
                    m = m.min(src[row + x as usize]);
                }
            }
            if m < 128 {
                pts.push((bx as f32 - cx, by as f32));
            }
        }
    }
    if pts.len() < 50 {
        return 0.0;
    }
    let margin = (sw as f32 * (MAX_SKEW_DEG as f32).to_radians().tan()).ceil() as usize + 2;
    let nb = sh as usize + 2 * margin;
    let mut bins = vec![0u32; nb];
    // Each point is split between its two nearest bins so the score varies smoothly with the
    // angle instead of in steps.
    // The coarse pass only has to land within ±0.3° of the peak: a quarter of the points do.
    let mut score = |deg: f64, stride: usize| -> f64 {
        let t = (deg.to_radians().tan()) as f32;
        bins.iter_mut().for_each(|b| *b = 0);
        for &(x, y) in pts.iter().step_by(stride) {
            let yy = y - x * t + margin as f32;
            if yy < 0.0 {
                continue;
            }
            let i = yy.floor() as usize;
            if i + 1 >= nb {
                continue;
            }
            let frac = ((yy - i as f32) * 16.0) as u32;
            bins[i] += 16 - frac;
            bins[i + 1] += frac;
        }
        bins.iter().map(|&c| (c as f64) * (c as f64)).sum()
    };
    let scan = |score: &mut dyn FnMut(f64, usize) -> f64, lo: f64, step: f64, n: usize, stride| {
        (0..=n)
            .map(|i| score(lo + i as f64 * step, stride))
            .collect::<Vec<f64>>()
    };
    let argmax = |v: &[f64]| {
        v.iter().enumerate().fold(
            (0usize, f64::MIN),
            |b, (i, &s)| if s > b.1 { (i, s) } else { b },
        )
    };
    let coarse_step = 0.2;
    let n = (2.0 * MAX_SKEW_DEG / coarse_step).round() as usize;
    let coarse = scan(&mut score, -MAX_SKEW_DEG, coarse_step, n, 4);
    let centre = -MAX_SKEW_DEG + argmax(&coarse).0 as f64 * coarse_step;
    let step = 0.01;
    let lo = centre - 0.3;
    let fine = scan(&mut score, lo, step, 60, 1);
    let (bi, best) = argmax(&fine);
    let floor = fine.iter().cloned().fold(f64::MAX, f64::min);
    // Thick lines leave a flat-topped peak: fit a parabola to its upper part (contiguous
    // around the best angle) and take the vertex, which sits in the plateau's middle.
    let near = |i: usize| fine[i] >= best - 0.15 * (best - floor);
    let mut a = bi;
    while a > 0 && near(a - 1) {
        a -= 1;
    }
    let mut b = bi;
    while b + 1 < fine.len() && near(b + 1) {
        b += 1;
    }
    let mid = (a + b) as f64 / 2.0;
    let vertex = quadratic_vertex(
        &(a..=b)
            .map(|i| (i as f64 - mid, fine[i]))
            .collect::<Vec<_>>(),
    )
    .filter(|v| v.abs() <= (b - a) as f64 / 2.0)
    .unwrap_or(0.0);
    let theta = lo + (mid + vertex) * step;
    if !theta.is_finite() {
        return 0.0;
    }
    // The projection angle θ that levels the lines is minus the content's rotation.
    -theta
}

/// Vertex x of the least-squares parabola through `pts`, if it opens downwards.
fn quadratic_vertex(pts: &[(f64, f64)]) -> Option<f64> {
    if pts.len() < 3 {
        return None;
    }
    // Normal equations for y = a·x² + b·x + c.
    let mut m = [[0f64; 4]; 3];
    for &(x, y) in pts {
        let row = [x * x, x, 1.0];
        for r in 0..3 {
            for c in 0..3 {
                m[r][c] += row[r] * row[c];
            }
            m[r][3] += row[r] * y;
        }
    }
    for col in 0..3 {
        let piv = (col..3).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[piv][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, piv);
        let p = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / p[col];
                for (v, q) in row.iter_mut().zip(p.iter()) {
                    *v -= f * q;
                }
            }
        }
    }
    let (a, b) = (m[0][3] / m[0][0], m[1][3] / m[1][1]);
    (a < 0.0 && a.is_finite() && b.is_finite()).then(|| -b / (2.0 * a))
}

#[cfg(test)]
mod tests;
