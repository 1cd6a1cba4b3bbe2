//! A scanned page (raster) → `ir::Page`: preprocess, grid, OCR of every cell and of the lines
//! outside tables, boxes mapped back to the original page.

use std::time::Instant;

use image::RgbImage;

use crate::config::Config;
use crate::error::{catch_stage, Result, Stage};
use crate::grid::{self, Grid, Mask};
use crate::ir::{BBox, Block, Cell, Page, PageSource, Table, TextLine};
use crate::ocr::{self, OcrEngine, Recognized};
use crate::preprocess::{self, Transform};
use crate::render::PageRaster;

/// Reads page `number` (1-based) of a scan.
pub fn read_scanned_page(
    raster: &PageRaster,
    number: u32,
    engine: &mut dyn OcrEngine,
    cfg: &Config,
) -> Result<Page> {
    let mut page = Page {
        number,
        ..Page::default()
    };
    page.info.source = PageSource::Scan;
    let (ow, oh) = raster.image.dimensions();
    page.info.width_px = Some(ow);
    page.info.height_px = Some(oh);
    page.info.dpi = raster.dpi;
    if raster.ms > 0 {
        page.info.ms.insert("render".into(), raster.ms);
    }
    if ow == 0 || oh == 0 {
        return Ok(page);
    }

    let t = Instant::now();
    // Each stage guarded on its own: a panic in preprocess or grid is reported as that stage,
    // not as the OCR the pipeline runs this page under.
    let prep = catch_stage(Some(number), Stage::Preprocess, || {
        preprocess::prepare(&raster.image, cfg)
    })?;
    page.info.ms.insert("preprocess".into(), ms(t));

    let t = Instant::now();
    let mut laid = catch_stage(Some(number), Stage::Grid, || Ok(Laid::of(prep)))?;
    page.info.ms.insert("grid".into(), ms(t));
    let t = Instant::now();
    let mut quarter = laid.prep.quality.turned_deg % 180 == 90;
    let undecided = laid.prep.orientation_undecided;
    let mut dirs = reading_dirs(engine, &laid, undecided)?;
    if undecided {
        // The ink could not tell across from down (a sparse page), or said down and the page
        // was turned (confirmed here, as a sparse page can mislead it): the page is prepared the
        // other way too and whichever the recogniser reads better is kept. A sideways copy's
        // continuation pages (a few rows and a signature) were left sideways and their rows
        // read as single characters (4 of 14 pages of a held-out turned copy).
        let other = Laid::guarded(number, || {
            preprocess::prepare_oriented(&raster.image, cfg, Some(!quarter), false)
        })?;
        let other_dirs = reading_dirs(engine, &other, true)?;
        let best = |d: Option<(f32, f32)>| d.map_or(0.0, |(up, down)| up.max(down));
        if best(other_dirs) > best(dirs) + 0.1 {
            laid = other;
            dirs = other_dirs;
            quarter = !quarter;
        }
    }
    // Upside down: ink shapes cannot tell up from down; the recogniser, trained on upright
    // lines, reads upside-down text with far lower confidence (a flip needs the mean to be
    // 0.15 higher).
    let flip = dirs.is_some_and(|(up, down)| down > up + FLIP_MARGIN);
    page.info.ms.insert("orient".into(), ms(t));
    let t = Instant::now();
    if flip {
        laid = Laid::guarded(number, || {
            preprocess::prepare_oriented(&raster.image, cfg, Some(quarter), true)
        })?;
    }
    let Laid {
        prep,
        grid,
        line_boxes,
    } = laid;
    page.info.skew_deg = Some(prep.skew_deg);
    let q = quality(&prep, (ow, oh));
    if let Some(w) = low_resolution(q.estimated_dpi) {
        page.info.warnings.push(w);
    }
    page.info.quality = Some(q);
    *page.info.ms.entry("grid".into()).or_default() += ms(t);

    let t = Instant::now();
    let frame = Frame {
        transform: &prep.transform,
        width: ow as f32,
        height: oh as f32,
    };
    let reader = Reader {
        rgb: &prep.rgb,
        mask: &grid.mask,
        unit: grid.unit,
    };
    // Every region of the page goes to the engine in one batch: cells first, then the lines
    // around the tables. `None` = blank, not read.
    let mut crops: Vec<image::RgbImage> = Vec::new();
    let mut slot = |c: Option<image::RgbImage>| {
        c.map(|img| {
            crops.push(img);
            crops.len() - 1
        })
    };
    let cell_slots: Vec<Vec<Option<usize>>> = grid
        .tables
        .iter()
        .map(|gt| {
            gt.cells
                .iter()
                .map(|gc| slot(reader.cell_crop(gc.inner)))
                .collect()
        })
        .collect();
    let line_slots: Vec<Option<usize>> = line_boxes
        .iter()
        .map(|lb| slot(reader.line_crop(*lb)))
        .collect();
    let read = if prep.quality.bilevel {
        ocr::recognize_bilevel_block_lines(engine, &crops)?
    } else {
        ocr::recognize_block_lines(engine, &crops)?
    };
    let cap = |mut r: Recognized| {
        if r.text.chars().count() > cfg.ocr.max_cell_chars {
            r.text = r.text.chars().take(cfg.ocr.max_cell_chars).collect();
        }
        r
    };
    let get = |k: Option<usize>| -> Option<Recognized> {
        let lines = ocr::without_debris_lines(read.get(k?)?);
        Some(cap(ocr::join_lines(lines)))
    };
    let mut confs: Vec<f32> = Vec::new();
    // (top in prepared pixels, block)
    let mut blocks: Vec<(f32, Block)> = Vec::new();
    for (k, (gt, slots)) in grid.tables.iter().zip(&cell_slots).enumerate() {
        let mut cells = Vec::with_capacity(gt.cells.len());
        for (gc, &sl) in gt.cells.iter().zip(slots) {
            let mut cell = Cell::new(gc.row, gc.col, String::new());
            cell.rowspan = gc.rowspan;
            cell.colspan = gc.colspan;
            if let Some(r) = get(sl) {
                if !r.text.is_empty() {
                    confs.push(r.conf);
                }
                cell.text = r.text;
                cell.conf = r.conf;
            }
            cell.bbox = Some(frame.map_quad(&gc.quad));
            cells.push(cell);
        }
        let mut table = Table::from_cells(number, k as u32 + 1, cells);
        table.bbox = Some(frame.map_box(gt.bbox));
        blocks.push((gt.bbox[1], Block::Table(table)));
    }
    // Each line of a region around the tables is a line of the page with its own box and
    // confidence: a title must not swallow the signature line under it, and a speck read as a
    // letter must not pass for text (see `is_noise_read`).
    for (lb, &sl) in line_boxes.iter().zip(&line_slots) {
        let Some(lines) = sl.and_then(|k| read.get(k)) else {
            continue;
        };
        let origin = reader.line_origin(*lb);
        let page_h = prep.rgb.height() as f32;
        for l in lines {
            let r = cap(l.read.clone());
            let text = ocr::strip_debris(r.text.trim());
            let b = [
                origin.0 + l.bbox[0],
                origin.1 + l.bbox[1],
                origin.0 + l.bbox[2],
                origin.1 + l.bbox[3],
            ];
            let in_footer = b[1] > page_h * (1.0 - FOOTER);
            if text.is_empty() || is_noise_read(&text, r.conf, in_footer) {
                continue;
            }
            confs.push(r.conf);
            blocks.push((
                b[1],
                Block::Line(TextLine {
                    text,
                    conf: r.conf,
                    bbox: Some(frame.map_box(b)),
                }),
            ));
        }
    }
    page.info.ms.insert("ocr".into(), ms(t));
    blocks.sort_by(|a, b| a.0.total_cmp(&b.0));
    page.blocks = blocks.into_iter().map(|(_, b)| b).collect();
    if !confs.is_empty() {
        page.info.mean_conf = Some(confs.iter().sum::<f32>() / confs.len() as f32);
    }
    Ok(page)
}

/// Below this confidence a short read outside the tables is a speck, a sheet edge or a shadow
/// read as a character. On the dev hard pages (150 DPI phone photos) such reads ("X", "1", "3+",
/// "扫出纯") scored 0.10–0.64 and stopped a form before its continuation on the next page;
/// printed text around the tables reads at 0.9 and above.
const NOISE_CONF: f32 = 0.65;

/// The bottom of the sheet where scanning apps print their watermark and where a photo's
/// sheet edge, shadow and desk leave debris: reads there are held to a higher bar.
const FOOTER: f32 = 0.06;
/// Confidence below which a few characters in the footer are debris.
const FOOTER_CONF: f32 = 0.8;

/// A read of at most three characters at low confidence, or of a few characters in the footer
/// below [`FOOTER_CONF`]: not text. The CamScanner watermark on a 150-DPI photo reads as
/// "扫出纯", "蘇和", "图日" at 0.19–0.56.
fn is_noise_read(text: &str, conf: f32, in_footer: bool) -> bool {
    let n = text.chars().filter(|c| !c.is_whitespace()).count();
    (conf < NOISE_CONF && n <= 3) || (in_footer && conf < FOOTER_CONF && n <= 8)
}

/// A prepared page with its grid and the boxes of the text lines around its tables.
struct Laid {
    prep: preprocess::Prepared,
    grid: Grid,
    line_boxes: Vec<[u32; 4]>,
}

impl Laid {
    /// `prepare`, then [`Laid::of`], each guarded as its own stage (see [`catch_stage`]).
    fn guarded(
        number: u32,
        prepare: impl FnOnce() -> Result<preprocess::Prepared>,
    ) -> Result<Self> {
        let prep = catch_stage(Some(number), Stage::Preprocess, prepare)?;
        catch_stage(Some(number), Stage::Grid, || Ok(Laid::of(prep)))
    }

    fn of(prep: preprocess::Prepared) -> Self {
        let grid = grid::detect(&prep.gray);
        let line_boxes = text_line_boxes(&outside_tables(&grid), grid.unit);
        Laid {
            prep,
            grid,
            line_boxes,
        }
    }
}

/// How much better (mean confidence) the sample lines must read turned by 180° for the page to
/// be turned.
const FLIP_MARGIN: f32 = 0.15;

/// The recogniser's mean confidence on the page's sample lines read as they are and turned by
/// 180° (the widest few lines: more characters to judge by); `None` when it has fewer than three
/// line-shaped texts (text running down the page gives tall crops, not lines).
/// Unless `both` is asked for, the turned lines are read only when they could win: a confidence
/// is at most 1, so lines read upright at 1 − [`FLIP_MARGIN`] or better never flip the page, and
/// "down" is then given as 0. That is most pages, and half of this stage's recogniser work
/// (measured on the dev hard pages: 325 ms a page for both readings).
fn reading_dirs(engine: &mut dyn OcrEngine, laid: &Laid, both: bool) -> Result<Option<(f32, f32)>> {
    let lines = sample_lines(laid);
    if lines.len() < 3 {
        return Ok(None);
    }
    let mean = |v: &[Recognized]| v.iter().map(|r| r.conf).sum::<f32>() / v.len().max(1) as f32;
    let up = mean(&engine.recognize_lines(&lines)?);
    if !both && up + FLIP_MARGIN >= 1.0 {
        return Ok(Some((up, 0.0)));
    }
    let flipped: Vec<RgbImage> = lines.iter().map(image::imageops::rotate180).collect();
    let down = mean(&engine.recognize_lines(&flipped)?);
    Ok(Some((up, down)))
}

/// Up to six of the page's widest text lines, each cut to ~8 characters.
fn sample_lines(laid: &Laid) -> Vec<RgbImage> {
    let reader = Reader {
        rgb: &laid.prep.rgb,
        mask: &laid.grid.mask,
        unit: laid.grid.unit,
    };
    let mut regions: Vec<[f32; 4]> = laid
        .grid
        .tables
        .iter()
        .flat_map(|t| t.cells.iter().map(|c| c.inner))
        .collect();
    regions.extend(
        laid.line_boxes
            .iter()
            .map(|b| [b[0] as f32, b[1] as f32, b[2] as f32, b[3] as f32]),
    );
    regions.sort_by(|a, b| (b[2] - b[0]).total_cmp(&(a[2] - a[0])));
    let mut lines: Vec<RgbImage> = Vec::new();
    // Six lines of at most ~8 characters each: measured on the dev pages, ten full-width
    // lines cost 1.3 s a page (a third of the page's OCR) for the same verdicts.
    for r in regions.iter().take(24) {
        let Some(crop) = reader.cell_crop(*r) else {
            continue;
        };
        if let Some(l) = ocr::split_lines(&crop)
            .into_iter()
            .filter(|l| l.img.width() >= 3 * l.img.height())
            .max_by_key(|l| l.img.width())
        {
            let (w, h) = l.img.dimensions();
            let keep = w.min(8 * h);
            lines.push(image::imageops::crop_imm(&l.img, 0, 0, keep, h).to_image());
        }
        if lines.len() == 6 {
            break;
        }
    }
    lines
}

/// Below this many pixels per inch of the sheet, small print (fund amounts, indicator values)
/// is read wrong or not at all: a 100-DPI copy loses fields that a 150-DPI one keeps.
pub const LOW_DPI: f32 = 125.0;

/// The page warning for a sheet captured at `dpi`, when that is too low to trust small print.
pub fn low_resolution(dpi: f32) -> Option<String> {
    (dpi > 0.0 && dpi < LOW_DPI).then(|| {
        format!(
            "low resolution: the sheet was captured at about {dpi:.0} DPI (under {LOW_DPI:.0}); small print may be misread or missing, rescan at 200 DPI or more"
        )
    })
}

/// What the page's capture looked like: for `pages.jsonl`, so a user can see why a page reads
/// badly.
fn quality(prep: &preprocess::Prepared, (w, h): (u32, u32)) -> crate::ir::PageQuality {
    let q = &prep.quality;
    let (pw, ph) = prep.gray.dimensions();
    let area_in2 = {
        let u = grid::page_unit(pw, ph);
        (pw as f32 / u) * (ph as f32 / u)
    };
    crate::ir::PageQuality {
        // Resolution of the sheet itself (the prepared page is the sheet when its outline was
        // found), taking it as A4: what the characters were captured at.
        estimated_dpi: grid::page_unit(pw, ph).round(),
        sheet_quad: q
            .sheet
            .map(|quad| quad.map(|(x, y)| [(x / w as f64) as f32, (y / h as f64) as f32])),
        turned_deg: q.turned_deg,
        specks_per_in2: (q.specks as f32 / area_in2.max(1.0) * 100.0).round() / 100.0,
        seal_fraction: q.seal_fraction,
        bilevel: q.bilevel,
    }
}

fn ms(t: Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

/// Maps prepared-image geometry to fractions of the original raster.
struct Frame<'a> {
    transform: &'a Transform,
    width: f32,
    height: f32,
}

impl Frame<'_> {
    fn map_box(&self, b: [f32; 4]) -> BBox {
        self.map_quad(&[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]])
    }

    fn map_quad(&self, quad: &[[f32; 2]; 4]) -> BBox {
        let b = crate::geom::hull(quad.iter().map(|&[x, y]| {
            let (ox, oy) = self.transform.to_original(x as f64, y as f64);
            (ox as f32, oy as f32)
        }));
        let fx = |v: f32| (v / self.width).clamp(0.0, 1.0);
        let fy = |v: f32| (v / self.height).clamp(0.0, 1.0);
        [fx(b[0]), fy(b[1]), fx(b[2]), fy(b[3])]
    }
}

/// Cuts regions out of the prepared page and hands them to the engine.
struct Reader<'a> {
    rgb: &'a RgbImage,
    mask: &'a Mask,
    unit: f32,
}

impl Reader<'_> {
    /// Less ink than a short dash is noise or an empty cell: the engine is not called.
    fn min_ink(&self) -> usize {
        ((self.unit * 0.02).powi(2) as usize).max(4)
    }

    /// The ink inside `region` (a cell's interior) with a little paper around it; None when
    /// the cell is blank.
    fn cell_crop(&self, region: [f32; 4]) -> Option<RgbImage> {
        let (x0, y0) = (region[0].ceil() as i64, region[1].ceil() as i64);
        let (x1, y1) = (region[2].floor() as i64, region[3].floor() as i64);
        // Blank or not is judged a little further in, where no sliver of a (slightly skewed or
        // blurred) ruling reaches.
        let m = (self.unit * 0.015) as i64;
        if x1 <= x0
            || y1 <= y0
            || self.mask.count_rect(x0 + m, y0 + m, x1 - m, y1 - m) < self.min_ink()
        {
            return None;
        }
        let ink = self.mask.ink_box(x0, y0, x1, y1)?;
        // Recognisers are trained on padded lines. The pad never takes pixels from past the
        // interior, where the ruling lines are; where the text comes close to a ruling (small
        // print in tight rows) the missing pad is paper. Without it the characters touch the
        // crop's edge and fill its height, and the line splitter takes them for rule remnants.
        let pad = (self.unit * 0.03) as i64;
        let want = [
            ink[0] as i64 - pad,
            ink[1] as i64 - pad,
            ink[2] as i64 + pad,
            ink[3] as i64 + pad,
        ];
        let got = [
            want[0].max(x0),
            want[1].max(y0),
            want[2].min(x1),
            want[3].min(y1),
        ];
        let img = self.crop(got)?;
        if got == want {
            return Some(img);
        }
        let (w, h) = ((want[2] - want[0]) as u32, (want[3] - want[1]) as u32);
        let mut out = RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
        image::imageops::replace(&mut out, &img, got[0] - want[0], got[1] - want[1]);
        Some(out)
    }

    fn line_pad(&self) -> i64 {
        (self.unit * 0.03) as i64
    }

    /// A text line outside the tables (its box found from the ink itself), padded.
    fn line_crop(&self, b: [u32; 4]) -> Option<RgbImage> {
        let pad = self.line_pad();
        self.crop([
            b[0] as i64 - pad,
            b[1] as i64 - pad,
            b[2] as i64 + pad,
            b[3] as i64 + pad,
        ])
    }

    /// Where [`Self::line_crop`]'s image starts in the page (the pad is clipped at its edges).
    fn line_origin(&self, b: [u32; 4]) -> (f32, f32) {
        let pad = self.line_pad();
        let (w, h) = (self.rgb.width() as i64, self.rgb.height() as i64);
        (
            (b[0] as i64 - pad).clamp(0, w) as f32,
            (b[1] as i64 - pad).clamp(0, h) as f32,
        )
    }

    fn crop(&self, c: [i64; 4]) -> Option<RgbImage> {
        let (w, h) = (self.rgb.width() as i64, self.rgb.height() as i64);
        let (x0, y0) = (c[0].clamp(0, w), c[1].clamp(0, h));
        let (x1, y1) = (c[2].clamp(x0, w), c[3].clamp(y0, h));
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        Some(
            image::imageops::crop_imm(
                self.rgb,
                x0 as u32,
                y0 as u32,
                (x1 - x0) as u32,
                (y1 - y0) as u32,
            )
            .to_image(),
        )
    }
}

/// The page's ink with the tables' cells and every ruling line removed: what is left is the
/// text around the tables (titles, units, signature lines, footers) and any text inside a
/// table's outline that no cell holds (an L-shaped table's corner, a row whose frame is too
/// broken to close it), which is read as lines rather than lost.
fn outside_tables(grid: &Grid) -> Mask {
    let mut m = grid.mask.clone();
    let (w, h) = (m.width as i64, m.height as i64);
    let clear = |m: &mut Mask, x0: i64, y0: i64, x1: i64, y1: i64| {
        for y in y0.max(0)..y1.min(h) {
            let row = y as usize * w as usize;
            m.data[row + x0.clamp(0, w) as usize..row + x1.clamp(0, w) as usize].fill(0);
        }
    };
    let grow = (grid.unit * 0.03) as i64;
    for c in grid.tables.iter().flat_map(|t| &t.cells) {
        let b = c.bbox;
        clear(
            &mut m,
            b[0] as i64 - grow,
            b[1] as i64 - grow,
            b[2] as i64 + grow + 1,
            b[3] as i64 + grow + 1,
        );
    }
    for s in &grid.rulings {
        let r = (s.thick / 2.0 + 2.0).ceil() as i64;
        let mut t = s.lo as i64;
        while t <= s.hi as i64 {
            let c = s.at(t as f32).round() as i64;
            if s.horizontal {
                clear(&mut m, t, c - r, t + 1, c + r + 1);
            } else {
                clear(&mut m, c - r, t, c + r + 1, t + 1);
            }
            t += 1;
        }
    }
    m
}

/// Boxes [x0, y0, x1, y1) of the text lines in `m`: bands of rows holding ink, each split where
/// a wide empty gap separates two pieces of text on the same line ("项目负责人：" … "单位：").
/// A piece made of specks alone (no blob the size of a character's stroke group) is not a line:
/// on a phone photo's blank paper, speckle that survived despeckling (clusters of dust, JPEG
/// grain) gathered into "lines" that read as "i", "X", "3+" — junk between a form and its
/// continuation that stopped the form there (002-04-hard lost a page of indicators).
fn text_line_boxes(m: &Mask, unit: f32) -> Vec<[u32; 4]> {
    let (w, h) = (m.width as usize, m.height as usize);
    let min_ink = ((unit * 0.02).powi(2) as usize).max(4);
    // The smallest print on these forms (7 pt) has characters ~0.07 in tall with a main
    // stroke group at least 0.05 in across; specks are a few hundredths of an inch.
    let ink: Vec<bool> = m.data.iter().map(|&v| v != 0).collect();
    let (comps, _) = crate::components::components(&ink, w, h);
    let body = (unit * 0.05).max(3.0) as usize;
    let bodies: Vec<&crate::components::Component> =
        comps.iter().filter(|c| c.size() >= body).collect();
    let has_body = |b: &[u32; 4]| {
        bodies.iter().any(|c| {
            c.x0 < b[2] as usize
                && c.x1 >= b[0] as usize
                && c.y0 < b[3] as usize
                && c.y1 >= b[1] as usize
        })
    };
    let row_ink: Vec<usize> = (0..h)
        .map(|y| {
            m.data[y * w..(y + 1) * w]
                .iter()
                .filter(|&&v| v != 0)
                .count()
        })
        .collect();
    // A row with only a pixel or two is speckle, not text.
    let on = |y: usize| row_ink[y] >= 2;
    let join = (unit * 0.025).ceil() as usize;
    let mut bands: Vec<(usize, usize)> = Vec::new();
    let mut y = 0;
    while y < h {
        if !on(y) {
            y += 1;
            continue;
        }
        let s = y;
        while y < h && on(y) {
            y += 1;
        }
        match bands.last_mut() {
            Some(b) if s - b.1 <= join => b.1 = y,
            _ => bands.push((s, y)),
        }
    }
    let min_h = (unit * 0.04).ceil() as usize;
    let mut out = Vec::new();
    for (y0, y1) in bands {
        if y1 - y0 < min_h {
            continue;
        }
        let col_ink: Vec<bool> = (0..w)
            .map(|x| (y0..y1).any(|y| m.data[y * w + x] != 0))
            .collect();
        let split = ((y1 - y0) as f32 * 2.0).max(unit * 0.4) as usize;
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut x = 0;
        while x < w {
            if !col_ink[x] {
                x += 1;
                continue;
            }
            let s = x;
            while x < w && col_ink[x] {
                x += 1;
            }
            match pieces.last_mut() {
                Some(p) if s - p.1 < split => p.1 = x,
                _ => pieces.push((s, x)),
            }
        }
        for (x0, x1) in pieces {
            if m.count_rect(x0 as i64, y0 as i64, x1 as i64, y1 as i64) < min_ink {
                continue;
            }
            if let Some(b) = m.ink_box(x0 as i64, y0 as i64, x1 as i64, y1 as i64) {
                if has_body(&b) {
                    out.push(b);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// Echoes the crop size so tests can see which regions were read.
    struct SizeEngine {
        calls: usize,
    }

    impl OcrEngine for SizeEngine {
        fn name(&self) -> &'static str {
            "size"
        }
        fn recognize_line(&mut self, img: &RgbImage) -> Result<Recognized> {
            self.calls += 1;
            Ok(Recognized {
                text: format!("{}x{}", img.width(), img.height()),
                conf: 0.9,
            })
        }
    }

    fn fill(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Rgb([10, 10, 10]));
            }
        }
    }

    /// A4 at 150 DPI: a title line, a 2×2 table with text in three cells, a footer line.
    fn page() -> RgbImage {
        let mut img = RgbImage::from_pixel(1240, 1754, Rgb([245, 245, 245]));
        fill(&mut img, 400, 200, 800, 240); // title
        for y in [400, 500, 600] {
            fill(&mut img, 150, y, 1100, y + 3);
        }
        for x in [150, 600, 1100] {
            fill(&mut img, x, 400, x + 3, 603);
        }
        fill(&mut img, 200, 430, 300, 460);
        fill(&mut img, 650, 430, 700, 460);
        fill(&mut img, 200, 530, 260, 560);
        fill(&mut img, 150, 900, 300, 930); // footer left
        fill(&mut img, 900, 900, 1000, 930); // footer right, far away on the same line
        img
    }

    #[test]
    fn assembles_tables_and_lines_in_reading_order() {
        let raster = PageRaster {
            image: page(),
            dpi: Some(150.0),
            ms: 0,
            from_jpeg: true,
            loss: None,
        };
        let mut eng = SizeEngine { calls: 0 };
        let p = read_scanned_page(&raster, 3, &mut eng, &Config::default()).unwrap();
        let kinds: Vec<&str> = p
            .blocks
            .iter()
            .map(|b| match b {
                Block::Line(_) => "line",
                Block::Table(_) => "table",
            })
            .collect();
        assert_eq!(kinds, ["line", "table", "line", "line"]);
        let t = p.tables().next().unwrap();
        assert_eq!((t.page, t.ordinal, t.n_rows, t.n_cols), (3, 1, 2, 2));
        // three inked cells read, the blank one skipped; 2 + 1 lines. The page is black and
        // white, and the engine reads every line at 0.9: each region is read once more from a
        // blurred copy (6 + 6), and the first reading kept, as the second is no surer.
        assert_eq!(p.info.quality.as_ref().map(|q| q.bilevel), Some(true));
        assert_eq!(eng.calls, 12);
        let blank = t.cell_at(1, 1).unwrap();
        assert!(blank.is_blank());
        let b = t.cell_at(0, 0).unwrap().bbox.unwrap();
        assert!((b[0] - 151.5 / 1240.0).abs() < 0.003 && (b[3] - 501.5 / 1754.0).abs() < 0.003);
        // the crop of cell (0,0) is the text plus padding, not the whole cell (447×97); being
        // under 40 px tall it reaches the engine at twice its size
        let txt = &t.cell_at(0, 0).unwrap().text;
        let wh: Vec<u32> = txt.split('x').map(|v| v.parse().unwrap()).collect();
        assert!(wh[0] < 2 * 120 && wh[1] < 2 * 40, "{txt}");
        assert!(p.info.ms.contains_key("grid") && p.info.ms.contains_key("ocr"));
        assert!((p.info.mean_conf.unwrap() - 0.9).abs() < 1e-6);
    }

    /// Reads wide crops as a title with full confidence and small ones as a letter at 0.3,
    /// as PP-OCR reads specks and shadows.
    struct DebrisEngine;

    impl OcrEngine for DebrisEngine {
        fn name(&self) -> &'static str {
            "debris"
        }
        fn recognize_line(&mut self, img: &RgbImage) -> Result<Recognized> {
            Ok(if img.width() > 100 {
                Recognized {
                    text: "项目支出绩效目标表".into(),
                    conf: 0.99,
                }
            } else {
                Recognized {
                    text: "X".into(),
                    conf: 0.3,
                }
            })
        }
    }

    #[test]
    fn debris_read_at_low_confidence_is_not_a_line_of_the_page() {
        let mut img = page();
        fill(&mut img, 1000, 1300, 1015, 1318); // a blot the size of a character, alone
        let raster = PageRaster {
            image: img,
            dpi: Some(150.0),
            ms: 0,
            from_jpeg: true,
            loss: None,
        };
        let p = read_scanned_page(&raster, 1, &mut DebrisEngine, &Config::default()).unwrap();
        let lines: Vec<&str> = p.lines().map(|l| l.text.as_str()).collect();
        // title and the two footer pieces are wide enough to read as text; the blot is not
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines.iter().all(|l| *l != "X"), "{lines:?}");
    }

    #[test]
    fn specks_on_blank_paper_are_not_lines() {
        // 150 px per inch: a text line of 20 px characters, then a band of 2 px specks.
        let mut m = Mask::new(1000, 400);
        for k in 0..6 {
            for y in 100..120 {
                for x in 50 + k * 24..68 + k * 24 {
                    m.set(x, y, true);
                }
            }
        }
        for k in 0..12 {
            let (x, y) = (40 + k * 30, 250 + (k % 3) * 2);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                m.set(x + dx, y + dy, true);
            }
        }
        let b = text_line_boxes(&m, 150.0);
        assert_eq!(b, vec![[50, 100, 188, 120]]);
    }

    #[test]
    fn line_boxes_split_far_apart_pieces() {
        let mut m = Mask::new(1000, 300);
        for (x0, x1) in [(50, 150), (160, 250), (700, 800)] {
            for y in 100..130 {
                for x in x0..x1 {
                    m.set(x, y, true);
                }
            }
        }
        let b = text_line_boxes(&m, 120.0);
        assert_eq!(b, vec![[50, 100, 250, 130], [700, 100, 800, 130]]);
    }
}
