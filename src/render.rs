//! PDF and image input → page rasters: the embedded JPEG taken straight out of the PDF where a
//! page is one image (honouring /Rotate and the image's placement), pdfium rendering otherwise.
//!
//! A [`PdfFile`] is parsed once (lopdf) and shared by the page workers; each page's content
//! stream is analysed lazily the first time the page is asked for. pdfium is only touched when a
//! page cannot be served from its embedded JPEG.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use image::{DynamicImage, ImageDecoder, RgbImage};
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::config::Config;
use crate::error::{Error, Result, Stage};

/// One page as pixels, upright (after /Rotate), exactly as the PDF shows it.
#[derive(Debug, Clone)]
pub struct PageRaster {
    pub image: image::RgbImage,
    pub dpi: Option<f32>,
    /// Milliseconds spent decoding or rendering.
    pub ms: u64,
    /// True when the pixels came from an embedded JPEG (no rendering).
    pub from_jpeg: bool,
    /// Part of the page's image data was missing (a JPEG that ends early): the pixels are what
    /// the decoder made of the rest, and this says how much is lost.
    pub loss: Option<crate::ir::PageLoss>,
}

/// What a PDF page is made of, decided from its content stream without drawing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// One image covers (nearly) the whole page and nothing visible is drawn over it: a scan.
    SingleImage,
    /// Text, vector drawing, several images, or an image placed at an angle: render it.
    Other,
}

/// Cheap facts about one page (no decoding of images).
#[derive(Debug, Clone, PartialEq)]
pub struct PageInfo {
    pub kind: PageKind,
    /// Text-showing operators that are not invisible (render mode 3 is an OCR layer).
    pub has_visible_text: bool,
    /// An invisible text layer (e.g. a scanner's OCR) is present.
    pub has_invisible_text: bool,
    /// /Rotate, normalised to 0, 90, 180 or 270.
    pub rotate: u16,
    /// Displayed page size in points (crop box, before /Rotate).
    pub width_pt: f32,
    pub height_pt: f32,
}

/// Where the page's dominant image sits: the dihedral transform that makes its pixels upright
/// on the displayed page, and its displayed size.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placement {
    xobject: ObjectId,
    /// Image "right" and "down" directions on the displayed page, as unit axis vectors.
    right: (i8, i8),
    down: (i8, i8),
    /// Displayed size of the image in points (along its own width and height).
    width_pt: f32,
    height_pt: f32,
    is_jpeg: bool,
}

#[derive(Debug, Clone)]
struct PageAnalysis {
    info: PageInfo,
    placement: Option<Placement>,
    empty: bool,
}

/// An opened PDF, shared read-only by the workers that process its pages.
pub struct PdfFile {
    path: PathBuf,
    n_pages: u32,
    doc: Document,
    page_ids: Vec<ObjectId>,
    analysis: Vec<OnceLock<std::result::Result<PageAnalysis, String>>>,
    /// The file's bytes, kept for pdfium (only pages that are not one JPEG need it).
    bytes: Vec<u8>,
    pdfium_doc: OnceLock<std::result::Result<Mutex<PdfiumDoc>, String>>,
    /// What was wrong with the page tree (loops, pages listed twice, a /Count that lies).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for PdfFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFile")
            .field("path", &self.path)
            .field("n_pages", &self.n_pages)
            .finish_non_exhaustive()
    }
}

/// pdfium document with the `'static` borrow of the process-wide binding.
struct PdfiumDoc(pdfium_render::prelude::PdfDocument<'static>);

/// Content streams larger than this are not analysed for the single-image fast path (a scan's
/// content stream is a few dozen bytes); the page is simply rendered.
const MAX_ANALYSED_CONTENT: usize = 1 << 20;
/// Fraction of the page a single image must cover to be taken as the page.
const MIN_COVER: f32 = 0.85;
/// Other images on a scanned page (a watermark logo) may each cover at most this much.
const MAX_EXTRA_IMAGE: f32 = 0.10;

fn bad(path: &Path, page: Option<u32>, reason: impl Into<String>) -> Error {
    Error::bad_input(path, page, Stage::Render, reason)
}

impl PdfFile {
    /// Parses the PDF's structure (no page is decoded yet). Errors name the file.
    pub fn open(path: &Path, bytes: &[u8], cfg: &Config) -> Result<PdfFile> {
        if bytes.is_empty() {
            return Err(bad(path, None, "empty file"));
        }
        check_file_size(path, bytes, cfg)?;
        let head = &bytes[..bytes.len().min(1024)];
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(bad(path, None, "not a PDF (no %PDF- header)"));
        }
        let doc = catch_unwind(AssertUnwindSafe(|| Document::load_mem(bytes)))
            .map_err(|_| bad(path, None, "corrupt PDF (parser failed)"))?
            .map_err(|e| bad(path, None, format!("corrupt or truncated PDF: {e}")))?;
        if doc.is_encrypted() {
            return Err(bad(path, None, "encrypted PDF (a password is required)"));
        }
        let (page_ids, warnings) = catch_unwind(AssertUnwindSafe(|| {
            page_tree(&doc, cfg.limits.max_pages as usize + 1)
        }))
        .map_err(|_| bad(path, None, "corrupt page tree"))?;
        if page_ids.is_empty() {
            return Err(bad(path, None, "PDF has no pages"));
        }
        if page_ids.len() > cfg.limits.max_pages as usize {
            return Err(Error::Limit {
                path: path.into(),
                page: None,
                reason: format!("more than {} pages", cfg.limits.max_pages),
            });
        }
        let n_pages = page_ids.len() as u32;
        Ok(PdfFile {
            path: path.into(),
            n_pages,
            doc,
            analysis: (0..n_pages).map(|_| OnceLock::new()).collect(),
            page_ids,
            bytes: bytes.to_vec(),
            pdfium_doc: OnceLock::new(),
            warnings,
        })
    }

    pub fn n_pages(&self) -> u32 {
        self.n_pages
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_page(&self, n: u32) -> Result<usize> {
        if n == 0 || n > self.n_pages {
            return Err(bad(
                &self.path,
                Some(n),
                format!("no page {n} (the file has {})", self.n_pages),
            ));
        }
        Ok((n - 1) as usize)
    }

    fn analysis(&self, n: u32) -> Result<&PageAnalysis> {
        let i = self.check_page(n)?;
        let id = self.page_ids[i];
        self.analysis[i]
            .get_or_init(|| {
                catch_unwind(AssertUnwindSafe(|| analyse_page(&self.doc, id)))
                    .unwrap_or_else(|_| Err("page structure could not be parsed".into()))
            })
            .as_ref()
            .map_err(|e| bad(&self.path, Some(n), e.clone()))
    }

    /// Facts about page `n` (1-based) from its structure alone.
    pub fn page_info(&self, n: u32) -> Result<PageInfo> {
        Ok(self.analysis(n)?.info.clone())
    }

    /// Is page `n` a single full-page image (a scan) or does it carry text/vector content?
    pub fn page_kind(&self, n: u32) -> Result<PageKind> {
        Ok(self.analysis(n)?.info.kind)
    }

    /// Page `n` (1-based) as pixels.
    pub fn page_raster(&self, n: u32, cfg: &Config) -> Result<PageRaster> {
        let t0 = Instant::now();
        let a = self.analysis(n)?;
        if a.empty {
            return Err(bad(&self.path, Some(n), "page has no image and no content"));
        }
        if let Some(p) = a.placement.filter(|p| p.is_jpeg) {
            if a.info.kind == PageKind::SingleImage {
                let mut r = self.jpeg_page(n, &p, a.info.rotate, cfg)?;
                r.ms = t0.elapsed().as_millis() as u64;
                return Ok(r);
            }
        }
        // A scan stored losslessly (Flate, CCITT, JBIG2) is rendered at its own resolution so
        // no detail is invented or lost; anything else at the configured DPI.
        let dpi = match (a.info.kind, a.placement) {
            (PageKind::SingleImage, Some(p)) => self
                .image_native_dpi(&p)
                .map(|d| d.clamp(100.0, 600.0))
                .unwrap_or(cfg.render.dpi),
            _ => cfg.render.dpi,
        };
        let mut r = self.render_pdfium(n, &a.info, dpi, cfg)?;
        r.ms = t0.elapsed().as_millis() as u64;
        Ok(r)
    }

    fn image_native_dpi(&self, p: &Placement) -> Option<f32> {
        let stream = self.doc.get_object(p.xobject).ok()?.as_stream().ok()?;
        let w = stream.dict.get(b"Width").ok()?.as_i64().ok()? as f32;
        (p.width_pt > 0.0).then(|| w / (p.width_pt / 72.0))
    }

    fn jpeg_page(&self, n: u32, p: &Placement, rotate: u16, cfg: &Config) -> Result<PageRaster> {
        let stream = self
            .doc
            .get_object(p.xobject)
            .and_then(Object::as_stream)
            .map_err(|e| bad(&self.path, Some(n), format!("image object missing: {e}")))?;
        let data = &stream.content;
        let sof = jpeg_sof(data)
            .ok_or_else(|| bad(&self.path, Some(n), "corrupt JPEG stream (no frame header)"))?;
        check_pixels(
            &self.path,
            Some(n),
            sof.width as u64 * sof.height as u64,
            cfg,
        )?;
        let img = decode_jpeg(data)
            .map_err(|e| bad(&self.path, Some(n), format!("corrupt JPEG stream: {e}")))?;
        let loss = jpeg_loss(data, &sof, &img).map_err(|e| bad(&self.path, Some(n), e))?;
        let mut rgb = into_rgb(img);
        if decode_inverted(&stream.dict) && sof.components != 4 {
            image::imageops::invert(&mut rgb);
        }
        let (right, down) = rotate_axes(p.right, p.down, rotate);
        let rgb = orient(rgb, right, down);
        let dpi = if p.width_pt > 0.0 {
            Some(sof.width as f32 / (p.width_pt / 72.0))
        } else {
            None
        };
        Ok(PageRaster {
            image: rgb,
            dpi,
            ms: 0,
            from_jpeg: true,
            loss,
        })
    }

    fn render_pdfium(&self, n: u32, info: &PageInfo, dpi: f32, cfg: &Config) -> Result<PageRaster> {
        use pdfium_render::prelude::{PdfBitmapFormat, PdfRenderConfig};

        let scale = dpi / 72.0;
        let (w, h) = (
            (info.width_pt * scale).ceil() as u64,
            (info.height_pt * scale).ceil() as u64,
        );
        check_pixels(&self.path, Some(n), w * h, cfg)?;
        let doc = self
            .pdfium_doc
            .get_or_init(|| {
                let pdfium =
                    crate::pdfium::pdfium(&cfg.ocr.models_dir).map_err(|e| e.to_string())?;
                pdfium
                    .load_pdf_from_byte_vec(self.bytes.clone(), None)
                    .map(|d| Mutex::new(PdfiumDoc(d)))
                    .map_err(|e| format!("pdfium cannot open the file: {e:?}"))
            })
            .as_ref()
            .map_err(|e| bad(&self.path, Some(n), e.clone()))?;
        let doc = doc
            .lock()
            .map_err(|_| bad(&self.path, Some(n), "pdfium document poisoned"))?;
        let page = doc
            .0
            .pages()
            .get((n - 1) as i32)
            .map_err(|e| bad(&self.path, Some(n), format!("pdfium: {e:?}")))?;
        // BGRA, not Gray: pdfium's Gray format renders blank pages.
        let rc = PdfRenderConfig::new()
            .scale_page_by_factor(scale)
            .set_format(PdfBitmapFormat::BGRA)
            .render_form_data(true)
            .render_annotations(true);
        let bitmap = page
            .render_with_config(&rc)
            .map_err(|e| bad(&self.path, Some(n), format!("pdfium render: {e:?}")))?;
        let (bw, bh) = (bitmap.width().max(0) as u32, bitmap.height().max(0) as u32);
        let raw = bitmap.as_raw_bytes();
        let image = bgra_to_rgb(&raw, bw, bh)
            .ok_or_else(|| bad(&self.path, Some(n), "pdfium returned a malformed bitmap"))?;
        Ok(PageRaster {
            image,
            dpi: Some(dpi),
            ms: 0,
            from_jpeg: false,
            loss: None,
        })
    }
}

fn check_pixels(path: &Path, page: Option<u32>, pixels: u64, cfg: &Config) -> Result<()> {
    if pixels > cfg.limits.max_pixels {
        return Err(Error::Limit {
            path: path.into(),
            page,
            reason: format!(
                "page is {pixels} pixels, limit is {}",
                cfg.limits.max_pixels
            ),
        });
    }
    Ok(())
}

/// BGRA rows (any stride ≥ 4·width) → RGB, alpha dropped (pdfium fills the page white).
fn bgra_to_rgb(raw: &[u8], w: u32, h: u32) -> Option<RgbImage> {
    if w == 0 || h == 0 {
        return None;
    }
    let stride = raw.len() / h as usize;
    if stride < 4 * w as usize {
        return None;
    }
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    for row in raw.chunks_exact(stride).take(h as usize) {
        for px in row[..4 * w as usize].chunks_exact(4) {
            out.extend_from_slice(&[px[2], px[1], px[0]]);
        }
    }
    RgbImage::from_raw(w, h, out)
}

// ---------------------------------------------------------------------------------------------
// Page structure analysis (lopdf)

/// Nodes deeper than this in the page tree are not followed (real trees are a few levels).
const PAGE_TREE_DEPTH: usize = 64;

/// The document's pages in order, each page object once, at most `limit`, and what was wrong
/// with the tree. lopdf's own walk follows a loop until its object budget runs out, which read
/// a two-page file as pages 1,2,1,2,1 with wrong numbers; here a node met again is skipped
/// with a warning, so every page is read once and numbered by its first place in the tree.
fn page_tree(doc: &Document, limit: usize) -> (Vec<ObjectId>, Vec<String>) {
    let mut pages = Vec::new();
    let mut warnings = Vec::new();
    let root = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference);
    let Ok(root) = root else {
        return (pages, warnings);
    };
    let mut seen = std::collections::HashSet::new();
    let (mut loops, mut repeats, mut strays) = (0usize, 0usize, 0usize);
    // Depth-first, kids in order: a stack of (node, depth) pushed in reverse.
    let mut stack = vec![(root, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        if pages.len() >= limit {
            break;
        }
        let Ok(dict) = doc.get_dictionary(id) else {
            strays += 1;
            continue;
        };
        let kids = dict
            .get(b"Kids")
            .ok()
            .and_then(|k| doc.dereference(k).ok())
            .and_then(|(_, k)| k.as_array().ok());
        let is_node = dict.get_type().is_ok_and(|t| t == b"Pages") || kids.is_some();
        if !seen.insert(id) {
            if is_node {
                loops += 1;
            } else {
                repeats += 1;
            }
            continue;
        }
        if !is_node {
            if dict.get_type().is_ok_and(|t| t == b"Page") {
                pages.push(id);
            } else {
                strays += 1;
            }
            continue;
        }
        if depth >= PAGE_TREE_DEPTH {
            warnings.push(format!(
                "page tree deeper than {PAGE_TREE_DEPTH} levels; pages below are not read"
            ));
            continue;
        }
        for kid in kids.into_iter().flatten().rev() {
            match kid.as_reference() {
                Ok(k) => stack.push((k, depth + 1)),
                Err(_) => strays += 1,
            }
        }
    }
    if loops > 0 {
        warnings.push(format!(
            "page tree loops ({loops} node{} reached again); each page is read once",
            if loops == 1 { "" } else { "s" }
        ));
    }
    if repeats > 0 {
        warnings.push(format!(
            "page tree lists {repeats} page{} more than once; each is read once, numbered by its first place",
            if repeats == 1 { "" } else { "s" }
        ));
    }
    if strays > 0 {
        warnings.push(format!(
            "page tree has {strays} entr{} that are not pages (skipped)",
            if strays == 1 { "y" } else { "ies" }
        ));
    }
    let count = doc
        .get_dictionary(root)
        .ok()
        .and_then(|d| d.get(b"Count").ok())
        .and_then(|c| c.as_i64().ok());
    if let Some(c) = count.filter(|&c| c != pages.len() as i64 && pages.len() < limit) {
        warnings.push(format!(
            "page tree's /Count says {c} pages but it holds {}; the {} found are read",
            pages.len(),
            pages.len()
        ));
    }
    (pages, warnings)
}

/// Looks a key up on the page or, for inheritable keys, the nearest ancestor that has it.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn rect(doc: &Document, o: Option<&Object>) -> Option<[f32; 4]> {
    let arr = o?.as_array().ok()?;
    if arr.len() != 4 {
        return None;
    }
    let mut v = [0f32; 4];
    for (i, x) in arr.iter().enumerate() {
        v[i] = num(doc.dereference(x).ok()?.1)?;
    }
    let r = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (r[2] - r[0] > 0.0 && r[3] - r[1] > 0.0 && r.iter().all(|x| x.is_finite())).then_some(r)
}

type Mat = [f32; 6];

fn mul(m: &Mat, n: &Mat) -> Mat {
    // m then n (PDF row-vector convention: [x y 1]·m·n).
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Mat, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Unit axis vector of (dx, dy) when it is axis-aligned, `None` when placed at an angle.
fn axis(dx: f32, dy: f32) -> Option<(i8, i8)> {
    let (ax, ay) = (dx.abs(), dy.abs());
    if ax > 1000.0 * ay && ax > 0.0 {
        Some((dx.signum() as i8, 0))
    } else if ay > 1000.0 * ax && ay > 0.0 {
        Some((0, dy.signum() as i8))
    } else {
        None
    }
}

struct ImageXObject {
    is_jpeg: bool,
}

fn xobject_image(
    doc: &Document,
    resources: Option<&Dictionary>,
    name: &[u8],
) -> Option<(ObjectId, Option<ImageXObject>)> {
    let xobjects = resources?.get(b"XObject").ok()?;
    let xobjects = doc.dereference(xobjects).ok()?.1.as_dict().ok()?;
    let id = xobjects.get(name).ok()?.as_reference().ok()?;
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).ok()?;
    if subtype != b"Image" {
        return Some((id, None));
    }
    let filters: Vec<&[u8]> = match stream.dict.get(b"Filter") {
        Ok(Object::Name(n)) => vec![n.as_slice()],
        Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_name().ok()).collect(),
        _ => Vec::new(),
    };
    Some((
        id,
        Some(ImageXObject {
            is_jpeg: filters == [b"DCTDecode".as_slice()],
        }),
    ))
}

/// What a page is (one image covering it, or anything else), its box and rotation, where its
/// image sits and whether it paints nothing, from its content operators.
fn analyse_page(doc: &Document, id: ObjectId) -> std::result::Result<PageAnalysis, String> {
    let page = doc
        .get_dictionary(id)
        .map_err(|e| format!("page object unreadable: {e}"))?;
    let (crop, rotate) = page_box(doc, page);
    let (pw, ph) = (crop[2] - crop[0], crop[3] - crop[1]);
    let mut info = PageInfo {
        kind: PageKind::Other,
        has_visible_text: false,
        has_invisible_text: false,
        rotate,
        width_pt: pw,
        height_pt: ph,
    };

    let content = doc
        .get_page_content_with_limit(id, MAX_ANALYSED_CONTENT)
        .ok();
    let Some(content) = content else {
        // Too large to analyse cheaply: certainly not a bare scan.
        return Ok(PageAnalysis {
            info,
            placement: None,
            empty: false,
        });
    };
    let resources = doc.get_page_resources(id).ok().and_then(|(direct, ids)| {
        direct.or_else(|| ids.first().and_then(|i| doc.get_dictionary(*i).ok()))
    });
    let ops = lopdf::content::Content::decode(&content)
        .map(|c| c.operations)
        .unwrap_or_default();

    let mut w = PaintWalk {
        crop,
        page_area: pw * ph,
        ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        stack: Vec::new(),
        text_mode: 0,
        big: None,
        big_count: 0,
        drew_after_big: false,
        painted_anything: false,
    };
    for op in &ops {
        w.op(doc, resources, op, &mut info);
    }
    let single = w.big_count == 1 && w.big.is_some() && !w.drew_after_big && !info.has_visible_text;
    info.kind = if single {
        PageKind::SingleImage
    } else {
        PageKind::Other
    };
    Ok(PageAnalysis {
        info,
        placement: w.big,
        empty: !w.painted_anything && content.iter().all(|b| b.is_ascii_whitespace()),
    })
}

/// The page's crop box (clipped to its media box) and its rotation in quarter turns.
fn page_box(doc: &Document, page: &Dictionary) -> ([f32; 4], u16) {
    let media = rect(doc, inherited(doc, page, b"MediaBox")).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let crop = rect(doc, inherited(doc, page, b"CropBox"))
        .map(|c| {
            [
                c[0].max(media[0]),
                c[1].max(media[1]),
                c[2].min(media[2]),
                c[3].min(media[3]),
            ]
        })
        .filter(|c| c[2] > c[0] && c[3] > c[1])
        .unwrap_or(media);
    let rotate = inherited(doc, page, b"Rotate")
        .and_then(num)
        .map(|r| (((r as i64 / 90) % 4 + 4) % 4 * 90) as u16)
        .unwrap_or(0);
    (crop, rotate)
}

/// A walk over a page's content operators: the transform, the text render mode, what was
/// painted, and the page-covering image (and whether anything was drawn over it).
struct PaintWalk {
    crop: [f32; 4],
    page_area: f32,
    ctm: Mat,
    stack: Vec<Mat>,
    text_mode: i64,
    big: Option<Placement>,
    big_count: usize,
    drew_after_big: bool,
    painted_anything: bool,
}

impl PaintWalk {
    /// One content operator: text and paths mark the page painted (and drawn over any big
    /// image), `Do` places an image or form XObject.
    fn op(
        &mut self,
        doc: &Document,
        resources: Option<&Dictionary>,
        op: &lopdf::content::Operation,
        info: &mut PageInfo,
    ) {
        let nums = || -> Vec<f32> { op.operands.iter().filter_map(num).collect() };
        match op.operator.as_str() {
            "q" if self.stack.len() < 256 => self.stack.push(self.ctm),
            "Q" => self.ctm = self.stack.pop().unwrap_or(self.ctm),
            "cm" => {
                let v = nums();
                if v.len() == 6 {
                    self.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &self.ctm);
                }
            }
            "Tr" => {
                self.text_mode = op
                    .operands
                    .first()
                    .and_then(|o| o.as_i64().ok())
                    .unwrap_or(0)
            }
            "Tj" | "TJ" | "'" | "\"" => {
                self.painted_anything = true;
                if self.text_mode == 3 || self.text_mode == 7 {
                    info.has_invisible_text = true;
                } else {
                    info.has_visible_text = true;
                    self.drew_after_big |= self.big.is_some();
                }
            }
            "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "sh" => {
                self.painted_anything = true;
                self.drew_after_big |= self.big.is_some();
            }
            "BI" | "EI" => {
                self.painted_anything = true;
                self.drew_after_big |= self.big.is_some();
            }
            "Do" => {
                self.painted_anything = true;
                let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                    return;
                };
                match xobject_image(doc, resources, name) {
                    Some((xid, Some(img))) => self.image(xid, &img),
                    // A form XObject can hold anything: leave the page to pdfium.
                    Some((_, None)) | None => {
                        self.drew_after_big |= self.big.is_some();
                    }
                }
            }
            _ => {}
        }
    }

    /// An image placed by the current transform: covering the page, it is the page's image
    /// (when placed upright or turned by quarter turns); a smaller one over it is drawing.
    fn image(&mut self, xid: ObjectId, img: &ImageXObject) {
        let ctm = self.ctm;
        let crop = self.crop;
        let corners =
            [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| apply(&ctm, x, y));
        let (x0, x1) = corners
            .iter()
            .fold((f32::MAX, f32::MIN), |a, c| (a.0.min(c.0), a.1.max(c.0)));
        let (y0, y1) = corners
            .iter()
            .fold((f32::MAX, f32::MIN), |a, c| (a.0.min(c.1), a.1.max(c.1)));
        let ix = (x1.min(crop[2]) - x0.max(crop[0])).max(0.0);
        let iy = (y1.min(crop[3]) - y0.max(crop[1])).max(0.0);
        let cover = if self.page_area > 0.0 {
            ix * iy / self.page_area
        } else {
            0.0
        };
        if cover >= MIN_COVER {
            self.big_count += 1;
            // Device space has y down: image right = (a, −b), image down = (−c, d)
            // (image row 0 is at the top of the unit square).
            let right = axis(ctm[0], -ctm[1]);
            let down = axis(-ctm[2], ctm[3]);
            match (right, down) {
                (Some(r), Some(d)) if r.0 * d.0 + r.1 * d.1 == 0 => {
                    self.big = Some(Placement {
                        xobject: xid,
                        right: r,
                        down: d,
                        width_pt: (ctm[0] * ctm[0] + ctm[1] * ctm[1]).sqrt(),
                        height_pt: (ctm[2] * ctm[2] + ctm[3] * ctm[3]).sqrt(),
                        is_jpeg: img.is_jpeg,
                    });
                    self.drew_after_big = false;
                }
                _ => {} // placed at an angle: leave it to pdfium
            }
        } else if cover > MAX_EXTRA_IMAGE {
            self.drew_after_big |= self.big.is_some();
        }
    }
}

/// Applies /Rotate (clockwise, in degrees) to the image's right/down axes on the page.
fn rotate_axes(mut r: (i8, i8), mut d: (i8, i8), rotate: u16) -> ((i8, i8), (i8, i8)) {
    for _ in 0..(rotate / 90) {
        // Clockwise quarter turn with y pointing down: (x, y) → (−y, x).
        r = (-r.1, r.0);
        d = (-d.1, d.0);
    }
    (r, d)
}

/// Reorients decoded pixels so the image's right/down axes point where the page shows them.
fn orient(img: RgbImage, right: (i8, i8), down: (i8, i8)) -> RgbImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate180, rotate270, rotate90};
    match (right, down) {
        ((1, 0), (0, 1)) => img,
        ((0, 1), (-1, 0)) => rotate90(&img),
        ((-1, 0), (0, -1)) => rotate180(&img),
        ((0, -1), (1, 0)) => rotate270(&img),
        ((-1, 0), (0, 1)) => flip_horizontal(&img),
        ((1, 0), (0, -1)) => flip_vertical(&img),
        ((0, 1), (1, 0)) => flip_horizontal(&rotate90(&img)),
        ((0, -1), (-1, 0)) => flip_horizontal(&rotate270(&img)),
        _ => img,
    }
}

fn decode_inverted(dict: &Dictionary) -> bool {
    matches!(dict.get(b"Decode"), Ok(Object::Array(a))
        if a.first().and_then(num) == Some(1.0) && a.get(1).and_then(num) == Some(0.0))
}

// ---------------------------------------------------------------------------------------------
// JPEG helpers

#[derive(Debug, Clone, Copy, PartialEq)]
struct Sof {
    width: u32,
    height: u32,
    components: u8,
    /// Progressive (SOF2/6/10/14): the image arrives in several scans of rising detail.
    progressive: bool,
    /// Offset of the frame header: markers after it belong to the main image (an EXIF
    /// thumbnail, with markers of its own, sits in an APP segment before it).
    offset: usize,
}

/// Reads the frame header (SOFn) by walking the marker segments, so a page's pixel count is
/// known before anything is decoded.
fn jpeg_sof(data: &[u8]) -> Option<Sof> {
    if data.len() < 4 || data[0] != 0xFF || data[1] != 0xD8 {
        return None;
    }
    let mut i = 2;
    while i + 4 <= data.len() {
        if data[i] != 0xFF {
            return None;
        }
        let marker = data[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if (0xD0..=0xD9).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
        if len < 2 {
            return None;
        }
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let seg = data.get(i + 4..i + 2 + len)?;
            if seg.len() < 6 {
                return None;
            }
            let height = u16::from_be_bytes([seg[1], seg[2]]) as u32;
            let width = u16::from_be_bytes([seg[3], seg[4]]) as u32;
            return (width > 0 && height > 0).then_some(Sof {
                width,
                height,
                components: seg[5],
                progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
                offset: i,
            });
        }
        if marker == 0xDA {
            return None;
        }
        i += 2 + len;
    }
    None
}

/// RGB pixels of a decoded image; grey is expanded by hand (the generic conversion is several
/// times slower on a 300 DPI page). Transparency is composited on white paper: a PNG exported
/// with a transparent background stores its paper as (0,0,0,0), which dropping alpha would
/// turn into a black page that reads blank.
fn into_rgb(img: DynamicImage) -> RgbImage {
    if img.color().has_alpha() {
        return on_white(img.into_rgba8());
    }
    match img {
        DynamicImage::ImageLuma8(g) => {
            let (w, h) = g.dimensions();
            let mut v = Vec::with_capacity(g.as_raw().len() * 3);
            for &p in g.as_raw() {
                v.extend_from_slice(&[p, p, p]);
            }
            RgbImage::from_raw(w, h, v).unwrap_or_else(|| RgbImage::new(w, h))
        }
        other => other.into_rgb8(),
    }
}

/// RGBA composited over white (straight, not premultiplied, alpha as PNG and TIFF store it).
fn on_white(rgba: image::RgbaImage) -> RgbImage {
    let (w, h) = rgba.dimensions();
    let mut v = Vec::with_capacity(w as usize * h as usize * 3);
    for p in rgba.as_raw().chunks_exact(4) {
        let a = p[3] as u32;
        for &c in &p[..3] {
            v.push(((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    RgbImage::from_raw(w, h, v).unwrap_or_else(|| RgbImage::new(w, h))
}

/// The value the JPEG decoder (zune-jpeg) writes where its data ran out: a zero coefficient
/// after the level shift, mid-grey in every channel.
const JPEG_FILL: u8 = 128;

/// What a decoded JPEG lost to data that ends early, judged from the bytes (no end-of-image
/// marker after the last scan) and the decoded pixels (the rows the decoder filled with
/// [`JPEG_FILL`] because the data was gone). `Err` when nothing of the image is left.
fn jpeg_loss(
    data: &[u8],
    sof: &Sof,
    img: &DynamicImage,
) -> std::result::Result<Option<crate::ir::PageLoss>, String> {
    let body = data.get(sof.offset..).unwrap_or_default();
    let markers = |m: u8| {
        body.windows(2)
            .enumerate()
            .filter(move |(_, w)| w[0] == 0xFF && w[1] == m)
    };
    // Entropy-coded data never holds 0xFF 0xD9 (0xFF bytes are stuffed), so an EOI after the
    // last scan header means the image's data is complete.
    let last_sos = markers(0xDA).map(|(i, _)| i).max();
    let complete = match last_sos {
        Some(s) => markers(0xD9).any(|(i, _)| i > s),
        None => false,
    };
    if complete {
        return Ok(None);
    }
    let scans = markers(0xDA).count();
    let h = img.height().max(1);
    let filled = filled_rows_at_bottom(img);
    let pct = |rows: u32| 100.0 * rows as f32 / h as f32;
    if filled >= h {
        return Err(format!(
            "JPEG data ends before any of the image was decoded ({} bytes)",
            data.len()
        ));
    }
    if filled > 0 {
        return Ok(Some(crate::ir::PageLoss {
            lost_fraction: Some(filled as f32 / h as f32),
            reason: format!(
                "JPEG data ends early: the bottom {:.0}% of the image is missing ({filled} of {h} pixel rows as stored)",
                pct(filled)
            ),
        }));
    }
    if sof.progressive {
        return Ok(Some(crate::ir::PageLoss {
            lost_fraction: None,
            reason: format!(
                "progressive JPEG data ends early, in scan {scans} (a full one usually has {}): the whole page is decoded from the earlier scans, with fine detail lost",
                if sof.components == 1 { 6 } else { 10 }
            ),
        }));
    }
    // Cut inside the last row of blocks: at most 16 pixel rows are damaged.
    let rows = 16.min(h);
    Ok(Some(crate::ir::PageLoss {
        lost_fraction: Some(rows as f32 / h as f32),
        reason: format!(
            "JPEG data ends early (no end-of-image marker): up to the last {rows} of {h} pixel rows ({:.0}%) may be damaged",
            pct(rows)
        ),
    }))
}

/// Rows at the bottom of a decoded 8-bit image that are wholly [`JPEG_FILL`].
fn filled_rows_at_bottom(img: &DynamicImage) -> u32 {
    let bpp = img.color().bytes_per_pixel() as usize;
    if img.color().bytes_per_pixel() != img.color().channel_count() {
        return 0; // not 8 bits a sample: not what the JPEG decoder gives
    }
    let stride = img.width() as usize * bpp;
    if stride == 0 {
        return 0;
    }
    img.as_bytes()
        .chunks_exact(stride)
        .rev()
        .take_while(|row| row.iter().all(|&b| b == JPEG_FILL))
        .count() as u32
}

fn decode_jpeg(data: &[u8]) -> std::result::Result<DynamicImage, String> {
    let dec =
        image::codecs::jpeg::JpegDecoder::new(Cursor::new(data)).map_err(|e| e.to_string())?;
    let img = catch_unwind(AssertUnwindSafe(|| DynamicImage::from_decoder(dec)))
        .map_err(|_| "decoder failed".to_string())?
        .map_err(|e| e.to_string())?;
    Ok(img)
}

/// A JPEG/PNG/TIFF file's first page (see [`ImageFile`] for all of them).
pub fn load_image(path: &Path, bytes: &[u8], cfg: &Config) -> Result<PageRaster> {
    ImageFile::open(path, bytes, cfg)?.page_raster(1, cfg)
}

/// An image file as pages: one for JPEG and PNG, every page image of a multi-page TIFF (a fax
/// or a document scanner's batch is one TIFF of many pages; reading only the first would lose
/// the rest without a word).
pub struct ImageFile<'a> {
    path: PathBuf,
    bytes: &'a [u8],
    /// The TIFF's page directories, in order; `None` for other formats.
    tiff: Option<TiffLayout>,
    /// What was odd about the file's structure (a looping directory chain, thumbnails skipped).
    pub warnings: Vec<String>,
}

impl<'a> ImageFile<'a> {
    /// Reads the file's structure (no pixel is decoded). Errors name the file.
    pub fn open(path: &Path, bytes: &'a [u8], cfg: &Config) -> Result<ImageFile<'a>> {
        if bytes.is_empty() {
            return Err(bad(path, Some(1), "empty file"));
        }
        check_file_size(path, bytes, cfg)?;
        let format = image::guess_format(bytes)
            .map_err(|_| bad(path, Some(1), "not a JPEG, PNG or TIFF image"))?;
        let mut f = ImageFile {
            path: path.into(),
            bytes,
            tiff: None,
            warnings: Vec::new(),
        };
        if format == image::ImageFormat::Tiff {
            let (layout, warnings) = tiff_layout(bytes, cfg.limits.max_pages as usize)
                .map_err(|e| bad(path, Some(1), format!("corrupt TIFF: {e}")))?;
            if layout.pages.len() > cfg.limits.max_pages as usize {
                return Err(Error::Limit {
                    path: path.into(),
                    page: None,
                    reason: format!("more than {} pages", cfg.limits.max_pages),
                });
            }
            f.tiff = Some(layout);
            f.warnings = warnings;
        }
        Ok(f)
    }

    pub fn n_pages(&self) -> u32 {
        self.tiff.as_ref().map_or(1, |t| t.pages.len() as u32)
    }

    /// Page `n` (1-based) as pixels. Refuses absurd sizes before decoding.
    pub fn page_raster(&self, n: u32, cfg: &Config) -> Result<PageRaster> {
        let t0 = Instant::now();
        if n == 0 || n > self.n_pages() {
            return Err(bad(
                &self.path,
                Some(n),
                format!("no page {n} (the file has {})", self.n_pages()),
            ));
        }
        let (decoded, loss) = match &self.tiff {
            Some(t) => (self.tiff_page(t, n, cfg)?, None),
            None => self.single_page(cfg)?,
        };
        Ok(PageRaster {
            image: into_rgb(decoded),
            dpi: None,
            ms: t0.elapsed().as_millis() as u64,
            from_jpeg: false,
            loss,
        })
    }

    /// A JPEG or PNG (one page), with what a JPEG lost to data that ends early.
    fn single_page(&self, cfg: &Config) -> Result<(DynamicImage, Option<crate::ir::PageLoss>)> {
        let (path, bytes) = (self.path.as_path(), self.bytes);
        let reader = image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| bad(path, Some(1), format!("unreadable image: {e}")))?;
        // The JPEG frame header is read directly: the image crate's header pass wants the
        // tables that follow it, and a bomb need not carry them to be refused.
        let sof = jpeg_sof(bytes);
        let (w, h) = match sof {
            Some(sof) => (sof.width, sof.height),
            None => image::ImageReader::new(Cursor::new(bytes))
                .with_guessed_format()
                .map_err(|e| bad(path, Some(1), format!("unreadable image: {e}")))?
                .into_dimensions()
                .map_err(|e| bad(path, Some(1), format!("corrupt image header: {e}")))?,
        };
        check_pixels(path, Some(1), w as u64 * h as u64, cfg)?;
        let decoded = catch_unwind(AssertUnwindSafe(
            || -> std::result::Result<(DynamicImage, Option<image::metadata::Orientation>), String> {
                let mut dec = reader.into_decoder().map_err(|e| e.to_string())?;
                let orientation = dec.orientation().ok();
                let img = DynamicImage::from_decoder(dec).map_err(|e| e.to_string())?;
                Ok((img, orientation))
            },
        ))
        .map_err(|_| bad(path, Some(1), "image decoder failed"))?
        .map_err(|e| bad(path, Some(1), format!("corrupt image: {e}")))?;
        let (mut img, orientation) = decoded;
        // Judged on the pixels as stored, before the EXIF turn moves the filled rows.
        let loss = match sof {
            Some(sof) => jpeg_loss(bytes, &sof, &img).map_err(|e| bad(path, Some(1), e))?,
            None => None,
        };
        if let Some(o) = orientation {
            img.apply_orientation(o);
        }
        Ok((img, loss))
    }

    /// Page `n` of a TIFF: the file seen through a header that names the page's directory as
    /// the first, so the ordinary TIFF decoder reads it.
    fn tiff_page(&self, t: &TiffLayout, n: u32, cfg: &Config) -> Result<DynamicImage> {
        let path = self.path.as_path();
        let ifd = t.pages[(n - 1) as usize];
        let corrupt = |e: String| bad(path, Some(n), format!("corrupt TIFF page: {e}"));
        let decoded = catch_unwind(AssertUnwindSafe(|| -> Result<DynamicImage> {
            let reader = Patched::new(self.bytes, t.header_for(self.bytes, ifd));
            let mut dec = image::codecs::tiff::TiffDecoder::new(reader)
                .map_err(|e| corrupt(e.to_string()))?;
            let (w, h) = dec.dimensions();
            check_pixels(path, Some(n), w as u64 * h as u64, cfg)?;
            let orientation = dec.orientation().ok();
            let mut img = DynamicImage::from_decoder(dec).map_err(|e| corrupt(e.to_string()))?;
            if let Some(o) = orientation {
                img.apply_orientation(o);
            }
            Ok(img)
        }))
        .map_err(|_| bad(path, Some(n), "TIFF decoder failed"))?;
        decoded
    }
}

/// Where a TIFF's page directories (IFDs) are.
#[derive(Debug, Clone, PartialEq)]
struct TiffLayout {
    little_endian: bool,
    big_tiff: bool,
    /// Byte offsets of the page directories, in chain order.
    pages: Vec<u64>,
}

impl TiffLayout {
    /// The file's header with its first-directory offset replaced by `ifd`.
    fn header_for(&self, bytes: &[u8], ifd: u64) -> Vec<u8> {
        let n = if self.big_tiff { 16 } else { 8 };
        let mut h = bytes[..n.min(bytes.len())].to_vec();
        h.resize(n, 0);
        match (self.big_tiff, self.little_endian) {
            (false, true) => h[4..8].copy_from_slice(&(ifd as u32).to_le_bytes()),
            (false, false) => h[4..8].copy_from_slice(&(ifd as u32).to_be_bytes()),
            (true, true) => h[8..16].copy_from_slice(&ifd.to_le_bytes()),
            (true, false) => h[8..16].copy_from_slice(&ifd.to_be_bytes()),
        }
        h
    }
}

/// Walks a TIFF's chain of image directories. Reduced-resolution copies (thumbnails,
/// NewSubfileType bit 0) are not pages. A chain that loops or points outside the file ends
/// there with a warning: every page before it is still read, each once.
fn tiff_layout(
    bytes: &[u8],
    max_pages: usize,
) -> std::result::Result<(TiffLayout, Vec<String>), String> {
    let le = match bytes.get(..2) {
        Some(b"II") => true,
        Some(b"MM") => false,
        _ => return Err("no byte-order mark".into()),
    };
    let get = |o: u64, n: usize| -> Option<u64> {
        let o = usize::try_from(o).ok()?;
        let b = bytes.get(o..o.checked_add(n)?)?;
        let mut v = 0u64;
        for k in 0..n {
            let byte = if le { b[n - 1 - k] } else { b[k] };
            v = (v << 8) | byte as u64;
        }
        Some(v)
    };
    let big = match get(2, 2) {
        Some(42) => false,
        Some(43) => true,
        _ => return Err("not a TIFF header".into()),
    };
    let (count_len, entry_len, value_at, next_len) = if big {
        (8u64, 20u64, 12u64, 8usize)
    } else {
        (2, 12, 8, 4)
    };
    let mut next = get(if big { 8 } else { 4 }, next_len).ok_or("header cut short")?;
    let mut seen = std::collections::HashSet::new();
    let (mut pages, mut thumbs, mut warnings) = (Vec::new(), 0usize, Vec::new());
    while next != 0 {
        if !seen.insert(next) {
            warnings.push(format!(
                "the TIFF's page directory chain loops back to byte {next}; each page is read once"
            ));
            break;
        }
        // One more than the limit is enough for the caller to refuse the file.
        if pages.len() > max_pages {
            break;
        }
        let Some(count) = get(next, count_len as usize) else {
            warnings.push(format!(
                "TIFF page directory {} points outside the file (byte {next}); pages after page {} are lost",
                seen.len(),
                pages.len()
            ));
            break;
        };
        let entries = next + count_len;
        let mut reduced = false;
        for k in 0..count.min(4096) {
            let e = entries + k * entry_len;
            if get(e, 2) == Some(254) {
                let ty = get(e + 2, 2).unwrap_or(0);
                let v = match ty {
                    3 => get(e + value_at, 2),
                    16 => get(e + value_at, 8),
                    _ => get(e + value_at, 4),
                };
                reduced = v.is_some_and(|v| v & 1 == 1);
            }
        }
        if reduced {
            thumbs += 1;
        } else {
            pages.push(next);
        }
        match get(entries + count * entry_len, next_len) {
            Some(n) => next = n,
            None => {
                warnings.push(format!(
                    "TIFF page directory {} is cut short; pages after page {} are lost",
                    seen.len(),
                    pages.len()
                ));
                break;
            }
        }
    }
    if pages.is_empty() {
        match seen.iter().min() {
            // Only reduced-resolution images: the first is all there is to read.
            Some(&first) if thumbs > 0 => pages.push(first),
            _ => return Err("no image directory".into()),
        }
    } else if thumbs > 0 {
        warnings.push(format!(
            "{thumbs} reduced-resolution cop{} (thumbnails) in the TIFF not read as pages",
            if thumbs == 1 { "y" } else { "ies" }
        ));
    }
    Ok((
        TiffLayout {
            little_endian: le,
            big_tiff: big,
            pages,
        },
        warnings,
    ))
}

/// A byte slice read through a replaced header (the first bytes), without copying the rest.
struct Patched<'a> {
    head: Vec<u8>,
    data: &'a [u8],
    pos: u64,
}

impl<'a> Patched<'a> {
    fn new(data: &'a [u8], head: Vec<u8>) -> Self {
        Patched { head, data, pos: 0 }
    }
}

impl std::io::BufRead for Patched<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let p = usize::try_from(self.pos).unwrap_or(usize::MAX);
        Ok(if p < self.head.len() {
            &self.head[p..]
        } else {
            self.data.get(p..).unwrap_or_default()
        })
    }
    fn consume(&mut self, amt: usize) {
        self.pos = self.pos.saturating_add(amt as u64);
    }
}

impl std::io::Read for Patched<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl std::io::Seek for Patched<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let (base, d) = match to {
            std::io::SeekFrom::Start(o) => (o as i128, 0i128),
            std::io::SeekFrom::End(d) => (self.data.len() as i128, d as i128),
            std::io::SeekFrom::Current(d) => (self.pos as i128, d as i128),
        };
        let p = base + d;
        if p < 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "seek before the start",
            ));
        }
        self.pos = p as u64;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests;

/// Refuses a file over `limits.max_file_bytes` before any parsing.
fn check_file_size(path: &Path, bytes: &[u8], cfg: &Config) -> Result<()> {
    if bytes.len() as u64 > cfg.limits.max_file_bytes {
        return Err(Error::Limit {
            path: path.into(),
            page: None,
            reason: format!(
                "file is {} bytes, limit is {}",
                bytes.len(),
                cfg.limits.max_file_bytes
            ),
        });
    }
    Ok(())
}
