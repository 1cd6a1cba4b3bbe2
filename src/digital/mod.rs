//! Born-digital pages: the PDF's own text layer (characters with positions from pdfium) placed
//! into cells bounded by the page's drawn ruling lines, instead of OCR.
//!
//! Per page: gather the characters, the ruling segments of path objects (form XObjects
//! included) and the image coverage; judge the text layer ([`quality`]); if sound, build the
//! blocks ([`layout`]: ruled grids with merged cells, [`unruled`] tables found by column
//! alignment, text lines in reading order). Everything is converted to the page as displayed
//! (after /Rotate, relative to the crop box), so boxes are fractions of the page a viewer
//! shows. Cell text keeps wrapped lines as '\n' (the IR contract), thousands separators and
//! blank cells as printed; conf is 1.0.
//!
//! For the driver: [`read_pdf`] reads every page of a file (one thread; pdfium is serialised
//! anyway and a page takes milliseconds) and returns, per page, either an `ir::Page`
//! (`info.source = BornDigital`) or [`DigitalPage::NeedsOcr`] with the reason, for the pages
//! the scanned path must handle. [`read_page`] does one page of an already opened document
//! (then call [`align_runs`] over the results to give tables continued across pages the
//! same columns).

pub mod continuation;
pub mod layout;
pub mod quality;
pub mod unruled;

use std::path::Path;
use std::time::Instant;

use pdfium_render::prelude::*;

use crate::config::Config;
use crate::error::{Error, Result, Stage};
use crate::ir::{Page, PageInfo, PageSource};
use layout::{Glyph, Rect, Rule};
use quality::{LayerStats, Verdict};

/// The outcome for one page of a PDF.
#[derive(Debug, Clone, PartialEq)]
// One value per page of a file, made once and moved into place: boxing the page would add an
// allocation per page and buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum DigitalPage {
    /// Read from the text layer (`info.source` is `BornDigital`).
    Page(Page),
    /// The text layer is missing or unsound: OCR this page (1-based `number`).
    NeedsOcr { number: u32, reason: String },
}

impl DigitalPage {
    pub fn number(&self) -> u32 {
        match self {
            DigitalPage::Page(p) => p.number,
            DigitalPage::NeedsOcr { number, .. } => *number,
        }
    }
}

/// Separates the pages read from the text layer from those to OCR (number, reason), both in
/// page order.
pub fn split(pages: Vec<DigitalPage>) -> (Vec<Page>, Vec<(u32, String)>) {
    let mut read = Vec::new();
    let mut ocr = Vec::new();
    for p in pages {
        match p {
            DigitalPage::Page(p) => read.push(p),
            DigitalPage::NeedsOcr { number, reason } => ocr.push((number, reason)),
        }
    }
    (read, ocr)
}

/// Reads every page of a PDF given as bytes. Pages that need OCR are reported as such; the
/// caller sends them down the scanned path.
pub fn read_pdf(path: &Path, bytes: &[u8], cfg: &Config) -> Result<Vec<DigitalPage>> {
    let pdfium = crate::pdfium::pdfium(&cfg.ocr.models_dir)?;
    let doc = pdfium
        .load_pdf_from_byte_slice(bytes, None)
        .map_err(|e| Error::bad_input(path, None, Stage::Input, format!("cannot open PDF: {e}")))?;
    let n = u32::try_from(doc.pages().len()).unwrap_or(0);
    if n > cfg.limits.max_pages {
        return Err(Error::Limit {
            path: path.to_path_buf(),
            page: None,
            reason: format!("{n} pages > limit {}", cfg.limits.max_pages),
        });
    }
    // A page pdfium cannot read goes down the scanned path, which reports its own error if
    // it fails too; the rest of the file is not lost to it.
    let mut out: Vec<DigitalPage> = (1..=n)
        .map(|k| {
            read_page(&doc, k, path).unwrap_or_else(|e| DigitalPage::NeedsOcr {
                number: k,
                reason: format!("text layer unreadable: {e}"),
            })
        })
        .collect();
    align_runs(&mut out);
    Ok(out)
}

/// Gives the parts of a table broken across consecutive text-layer pages the same columns
/// (see [`continuation`]). Pages sent to OCR break a run.
pub fn align_runs(pages: &mut [DigitalPage]) {
    let mut start = 0;
    while start < pages.len() {
        let mut end = start;
        while end < pages.len() && matches!(pages[end], DigitalPage::Page(_)) {
            end += 1;
        }
        if end > start + 1 {
            let mut run: Vec<Page> = pages[start..end]
                .iter_mut()
                .filter_map(|p| match p {
                    DigitalPage::Page(p) => Some(std::mem::take(p)),
                    DigitalPage::NeedsOcr { .. } => None,
                })
                .collect();
            continuation::align_continuations(&mut run);
            for (slot, p) in pages[start..end].iter_mut().zip(run) {
                *slot = DigitalPage::Page(p);
            }
        }
        start = end + 1;
    }
}

/// Reads page `n` (1-based) of an open document. `path` only names the file in errors.
pub fn read_page(doc: &PdfDocument, n: u32, path: &Path) -> Result<DigitalPage> {
    let t0 = Instant::now();
    let err = |what: &str, e: PdfiumError| {
        Error::bad_input(path, Some(n), Stage::Render, format!("{what}: {e}"))
    };
    let index = n
        .checked_sub(1)
        .and_then(|i| PdfPageIndex::try_from(i).ok())
        .ok_or_else(|| Error::bad_input(path, Some(n), Stage::Input, "no such page"))?;
    let page = doc.pages().get(index).map_err(|e| err("page", e))?;
    let view = View::of(&page);
    let mut stats = LayerStats::default();
    let mut rules = Vec::new();
    let mut images: Vec<Rect> = Vec::new();
    let mut invisible_objects = 0usize;
    let mut text_objects = 0usize;
    let mut hidden_objects = 0usize;
    walk_objects(
        page.objects().iter(),
        Affine::IDENTITY,
        &view,
        &mut Gather {
            rules: &mut rules,
            images: &mut images,
            segments: &mut stats.path_segments,
            text_objects: &mut text_objects,
            invisible_objects: &mut invisible_objects,
            hidden_objects: &mut hidden_objects,
        },
        0,
    );
    let text = page.text().map_err(|e| err("text layer", e))?;
    let glyphs = page_glyphs(&text, &view, &images, &mut stats);
    // Invisible text (render mode 3, or painted under a page-filling image) is only known
    // per text object: scale the object share to characters.
    let unseen = invisible_objects.max(hidden_objects);
    if text_objects > 0 && unseen > 0 {
        let share = unseen as f32 / text_objects as f32;
        stats.invisible = stats
            .invisible
            .max((share * stats.chars as f32).round() as usize);
    }
    stats.image_cover = image_cover(&images, &view);
    match quality::verdict(&stats) {
        Verdict::NeedsOcr(reason) => Ok(DigitalPage::NeedsOcr { number: n, reason }),
        Verdict::TextLayer => Ok(text_layer_page(n, &view, &glyphs, &rules, &stats, t0)),
    }
}

/// The text layer's visible characters as glyphs (spaces kept to separate Latin words),
/// counting into `stats` the characters, the unmapped, the white and those over images.
fn page_glyphs(
    text: &PdfPageText<'_>,
    view: &View,
    images: &[Rect],
    stats: &mut LayerStats,
) -> Vec<Glyph> {
    let mut glyphs = Vec::new();
    for c in text.chars().iter() {
        if c.is_generated().unwrap_or(false) {
            continue;
        }
        let ch = c.unicode_char();
        let bbox = c.loose_bounds().ok().map(|b| {
            view.rect(
                b.left().value,
                b.bottom().value,
                b.right().value,
                b.top().value,
            )
        });
        // Printed spaces separate Latin words: kept as glyphs for that, never counted.
        if ch.is_some_and(char::is_whitespace) {
            if let Some(bbox) = bbox {
                glyphs.push(Glyph { ch: ' ', bbox });
            }
            continue;
        }
        // Text placed beyond the crop box (overflow of an export) is not on the printed page.
        if bbox.is_some_and(|r| {
            r.cx() < 0.0 || r.cy() < 0.0 || r.cx() > view.width() || r.cy() > view.height()
        }) {
            continue;
        }
        stats.chars += 1;
        if quality::is_unmapped(ch) {
            stats.unmapped += 1;
            continue;
        }
        let white = c
            .fill_color()
            .map(|f| f.alpha() == 0 || (f.red() > 245 && f.green() > 245 && f.blue() > 245))
            .unwrap_or(false);
        if white {
            stats.invisible += 1;
            continue;
        }
        let (Some(ch), Some(bbox)) = (ch, bbox) else {
            continue;
        };
        if images.iter().any(|r| {
            bbox.cx() >= r.x0 && bbox.cx() <= r.x1 && bbox.cy() >= r.y0 && bbox.cy() <= r.y1
        }) {
            stats.chars_over_images += 1;
        }
        glyphs.push(Glyph { ch, bbox });
    }
    glyphs
}

/// The share of the page the images cover (each clipped to the page; overlaps counted twice,
/// at most 1).
fn image_cover(images: &[Rect], view: &View) -> f32 {
    let page_area = (view.width() * view.height()).max(1.0);
    (images
        .iter()
        .map(|r| {
            let (x0, y0) = (r.x0.max(0.0), r.y0.max(0.0));
            let (x1, y1) = (r.x1.min(view.width()), r.y1.min(view.height()));
            ((x1 - x0).max(0.0)) * ((y1 - y0).max(0.0))
        })
        .sum::<f32>()
        / page_area)
        .min(1.0)
}

/// A page read from its text layer: its blocks laid out from the glyphs and rules, with
/// warnings for images covering much of it and characters dropped without unicode.
fn text_layer_page(
    n: u32,
    view: &View,
    glyphs: &[Glyph],
    rules: &[Rule],
    stats: &LayerStats,
    t0: Instant,
) -> DigitalPage {
    let blocks = layout::layout(n, view.width(), view.height(), glyphs, rules);
    let mut info = PageInfo {
        source: PageSource::BornDigital,
        mean_conf: Some(1.0),
        ..Default::default()
    };
    if stats.image_cover > 0.2 {
        info.warnings.push(format!(
            "page {n}: images cover {:.0}% of the page; their content is not read",
            stats.image_cover * 100.0
        ));
    }
    if stats.unmapped > 0 {
        info.warnings.push(format!(
            "page {n}: {} characters without unicode dropped",
            stats.unmapped
        ));
    }
    info.ms
        .insert("digital".into(), t0.elapsed().as_millis() as u64);
    DigitalPage::Page(Page {
        number: n,
        blocks,
        info,
    })
}

/// What the object walk collects.
struct Gather<'a> {
    rules: &'a mut Vec<Rule>,
    images: &'a mut Vec<Rect>,
    segments: &'a mut usize,
    text_objects: &'a mut usize,
    invisible_objects: &'a mut usize,
    /// Text objects painted before a page-filling image, which then covers them.
    hidden_objects: &'a mut usize,
}

/// Form XObjects nest; real files stay shallow, and a cycle must not recurse forever.
const MAX_FORM_DEPTH: usize = 8;

/// Gathers a page's objects into `out` (nested form XObjects too, to [`MAX_FORM_DEPTH`]): rules
/// from paths, image boxes, text objects counted.
fn walk_objects<'a>(
    objects: impl Iterator<Item = PdfPageObject<'a>>,
    parent: Affine,
    view: &View,
    out: &mut Gather,
    depth: usize,
) {
    for obj in objects {
        match &obj {
            PdfPageObject::Path(p) => gather_path(p, parent, view, out),
            PdfPageObject::Image(img) => gather_image(img, parent, view, out),
            PdfPageObject::Text(t) => {
                *out.text_objects += 1;
                if t.render_mode() == PdfPageTextRenderMode::Invisible {
                    *out.invisible_objects += 1;
                }
            }
            PdfPageObject::XObjectForm(f) if depth < MAX_FORM_DEPTH => {
                let m = f
                    .matrix()
                    .map(|m| Affine::from_pdf(&m).then(&parent))
                    .unwrap_or(parent);
                walk_objects(f.iter(), m, view, out, depth + 1);
            }
            _ => {}
        }
    }
}

/// A visible path's straight subpaths as rules (curves break them), its segments counted.
fn gather_path(p: &PdfPagePathObject<'_>, parent: Affine, view: &View, out: &mut Gather) {
    let m = p
        .matrix()
        .map(|m| Affine::from_pdf(&m).then(&parent))
        .unwrap_or(parent);
    let fill_visible = p.fill_mode().is_ok_and(|f| f != PdfPathFillMode::None)
        && p.fill_color().is_ok_and(|c| visible_ink(&c));
    let stroke_visible =
        p.is_stroked().unwrap_or(false) && p.stroke_color().is_ok_and(|c| visible_ink(&c));
    if !fill_visible && !stroke_visible {
        return;
    }
    let mut sub: Vec<(f32, f32)> = Vec::new();
    let mut flush = |sub: &mut Vec<(f32, f32)>| {
        out.rules.extend(layout::rules_from_subpath(
            sub,
            fill_visible,
            stroke_visible,
        ));
        sub.clear();
    };
    let segs = p.segments();
    for s in segs.iter() {
        *out.segments += 1;
        let (x, y) = m.apply(s.x().value, s.y().value);
        let pt = view.point(x, y);
        match s.segment_type() {
            PdfPathSegmentType::MoveTo => {
                flush(&mut sub);
                sub.push(pt);
            }
            PdfPathSegmentType::LineTo => sub.push(pt),
            // Curves are not rules; breaking the subpath keeps the straight
            // pieces on either side.
            _ => {
                flush(&mut sub);
                sub.push(pt);
            }
        }
    }
    flush(&mut sub);
}

/// An image's box on the page; an opaque one covering the page hides the text before it.
fn gather_image(img: &PdfPageImageObject<'_>, parent: Affine, view: &View, out: &mut Gather) {
    if let Ok(q) = img.bounds() {
        let corners = [
            (q.x1().value, q.y1().value),
            (q.x2().value, q.y2().value),
            (q.x3().value, q.y3().value),
            (q.x4().value, q.y4().value),
        ];
        let pts: Vec<(f32, f32)> = corners
            .iter()
            .map(|&(x, y)| {
                let (x, y) = parent.apply(x, y);
                view.point(x, y)
            })
            .collect();
        let xs = pts.iter().map(|p| p.0);
        let ys = pts.iter().map(|p| p.1);
        let r = Rect::new(
            xs.clone().fold(f32::MAX, f32::min),
            ys.clone().fold(f32::MAX, f32::min),
            xs.fold(f32::MIN, f32::max),
            ys.fold(f32::MIN, f32::max),
        );
        // An opaque picture over the whole page hides the text painted before
        // it (a scan laid over its own OCR text); a watermark is translucent.
        if r.w() * r.h() >= 0.85 * view.width() * view.height() && !img.has_transparency() {
            *out.hidden_objects = *out.text_objects;
        }
        out.images.push(r);
    }
}

/// Ink that shows on white paper.
fn visible_ink(c: &PdfColor) -> bool {
    c.alpha() > 0 && !(c.red() > 245 && c.green() > 245 && c.blue() > 245)
}

/// A PDF affine map: (x, y) → (a·x + c·y + e, b·x + d·y + f).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Affine([f32; 6]);

impl Affine {
    const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn from_pdf(m: &PdfMatrix) -> Self {
        Affine([m.a(), m.b(), m.c(), m.d(), m.e(), m.f()])
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// `self` first, then `outer`.
    fn then(&self, outer: &Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = outer.0;
        Affine([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }
}

/// PDF user space → the page as displayed: origin at the top-left of the crop box after
/// /Rotate (clockwise), y down, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
struct View {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    /// Quarter turns clockwise (0..4).
    quarter: u8,
}

impl View {
    fn of(page: &PdfPage) -> View {
        let quarter = match page.rotation() {
            Ok(PdfPageRenderRotation::Degrees90) => 1,
            Ok(PdfPageRenderRotation::Degrees180) => 2,
            Ok(PdfPageRenderRotation::Degrees270) => 3,
            _ => 0,
        };
        let (x0, y0, x1, y1) = match page.boundaries().bounding() {
            Ok(b) => (
                b.bounds.left().value,
                b.bounds.bottom().value,
                b.bounds.right().value,
                b.bounds.top().value,
            ),
            // Without a usable box, the page size as pdfium reports it (already rotated).
            Err(_) => {
                let (w, h) = (page.width().value, page.height().value);
                if quarter % 2 == 1 {
                    (0.0, 0.0, h, w)
                } else {
                    (0.0, 0.0, w, h)
                }
            }
        };
        View {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
            quarter,
        }
    }

    fn width(&self) -> f32 {
        if self.quarter % 2 == 1 {
            self.y1 - self.y0
        } else {
            self.x1 - self.x0
        }
    }

    fn height(&self) -> f32 {
        if self.quarter % 2 == 1 {
            self.x1 - self.x0
        } else {
            self.y1 - self.y0
        }
    }

    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        match self.quarter {
            1 => (y - self.y0, x - self.x0),
            2 => (self.x1 - x, y - self.y0),
            3 => (self.y1 - y, self.x1 - x),
            _ => (x - self.x0, self.y1 - y),
        }
    }

    fn rect(&self, left: f32, bottom: f32, right: f32, top: f32) -> Rect {
        let (ax, ay) = self.point(left, bottom);
        let (bx, by) = self.point(right, top);
        Rect::new(ax, ay, bx, by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_maps_the_crop_box_corners() {
        let v = View {
            x0: 0.0,
            y0: 0.0,
            x1: 600.0,
            y1: 800.0,
            quarter: 0,
        };
        assert_eq!(v.point(0.0, 800.0), (0.0, 0.0));
        assert_eq!((v.width(), v.height()), (600.0, 800.0));
        // Turned clockwise: the user-space bottom-left corner shows at the top-left.
        let r = View { quarter: 1, ..v };
        assert_eq!((r.width(), r.height()), (800.0, 600.0));
        assert_eq!(r.point(0.0, 0.0), (0.0, 0.0));
        assert_eq!(r.point(0.0, 800.0), (800.0, 0.0));
        assert_eq!(r.point(600.0, 0.0), (0.0, 600.0));
        let r = View { quarter: 2, ..v };
        assert_eq!(r.point(600.0, 0.0), (0.0, 0.0));
        let r = View { quarter: 3, ..v };
        assert_eq!(r.point(600.0, 800.0), (0.0, 0.0));
        assert_eq!(r.point(600.0, 0.0), (800.0, 0.0));
    }

    #[test]
    fn split_keeps_page_order_on_both_sides() {
        let page = |n| {
            DigitalPage::Page(Page {
                number: n,
                ..Default::default()
            })
        };
        let ocr = |n| DigitalPage::NeedsOcr {
            number: n,
            reason: "scan".into(),
        };
        let (read, to_ocr) = split(vec![page(1), ocr(2), page(3), ocr(4)]);
        assert_eq!(
            read.iter().map(|p| p.number).collect::<Vec<_>>(),
            vec![1, 3]
        );
        assert_eq!(to_ocr.iter().map(|p| p.0).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn affine_composition_applies_inner_first() {
        let flip = Affine([1.0, 0.0, 0.0, -1.0, 0.0, 100.0]);
        let shift = Affine([2.0, 0.0, 0.0, 2.0, 10.0, 0.0]);
        let both = flip.then(&shift);
        let (x, y) = flip.apply(3.0, 4.0);
        let expect = shift.apply(x, y);
        assert_eq!(both.apply(3.0, 4.0), expect);
    }
}
