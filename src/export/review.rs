//! `OUT/review/`: static pages for checking every flagged value against the page, opened from
//! `file://` with no server and no network (no script or style from elsewhere: everything is
//! inline, the page images are JPEGs beside the HTML).
//!
//! - `index.html` links one page per document (so a run over thousands of files stays quick to
//!   open), with its flags counted by warning code; filters by code and by document name.
//! - `doc-NNNN.html`: the document's flags first — for each, a crop of the original page around
//!   the cell with the cell's box drawn, the text as read, the typed value and the warning —
//!   then its records, then every page with every cell box drawn over the page image. Boxes
//!   are fractions of the page (`tables.jsonl` `bbox`), placed in percent, so they scale with
//!   the image. Keys: `j`/`n`/↓ next flag, `k`/`p`/↑ previous; a code filter hides the others.
//!   Text input has no image: its flags show the lines of the text where the cell is.
//! - `img/SHA-pN-WIDTH-KB.jpg`: each page downscaled to `[export] review_width_px` and encoded
//!   under `review_page_kb`; named by content and settings, so a rerun reuses them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{export_err, DocInput, PageOut, RecordOut};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::TableRecord;
use crate::warning::{WarningAt, WarningCode};

/// A page image written for the review: its file name (in `img/`) and pixel size.
#[derive(Debug, Clone)]
struct PageImage {
    file: String,
    width: u32,
    height: u32,
}

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Encodes `img` as a JPEG of at most `budget` bytes. Quality 60 keeps print legible; a page
/// still over budget (a noisy photo) is made smaller rather than blurrier, by the square root
/// of the overshoot (JPEG size goes roughly with the pixel count), so most pages take one or
/// two encodes (each ~50 ms for a 1000 px wide page on the development machine).
pub fn jpeg_under(img: image::RgbImage, budget: usize) -> Result<(Vec<u8>, u32, u32)> {
    let encode = |im: &image::RgbImage, q: u8| -> Result<Vec<u8>> {
        let mut buf = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, q);
        im.write_with_encoder(enc)
            .map_err(|e| export_err("review image", e))?;
        Ok(buf)
    };
    let mut cur = img;
    for attempt in 0..8 {
        let q = if attempt < 3 { 60 } else { 40 };
        let buf = encode(&cur, q)?;
        if buf.len() <= budget {
            return Ok((buf, cur.width(), cur.height()));
        }
        let scale = ((budget as f64 / buf.len() as f64).sqrt() * 0.95).min(0.9);
        let (w, h) = (
            (cur.width() as f64 * scale) as u32,
            (cur.height() as f64 * scale) as u32,
        );
        if w < 100 || h < 100 {
            break;
        }
        cur = image::imageops::thumbnail(&cur, w, h);
    }
    Err(export_err(
        "review image",
        format!("cannot fit a page under {budget} bytes"),
    ))
}

enum Opened<'a> {
    Pdf(Box<crate::render::PdfFile>),
    Image(crate::render::ImageFile<'a>),
}

/// The page images of one input (pages that have one: scans and born-digital pages).
fn page_images(
    doc: &DocInput,
    pages: &[u32],
    dir: &Path,
    cfg: &Config,
) -> (HashMap<u32, PageImage>, Vec<String>) {
    let mut warnings = Vec::new();
    let e = &cfg.export;
    let Some(sha) = doc.sha256.as_deref() else {
        return (HashMap::new(), warnings);
    };
    let name = |n: u32| {
        format!(
            "{}-p{n}-{}-{}.jpg",
            &sha[..sha.len().min(16)],
            e.review_width_px,
            e.review_page_kb
        )
    };
    let (mut out, todo) = stored_images(pages, dir, &name);
    if todo.is_empty() {
        return (out, warnings);
    }
    let bytes = match std::fs::read(&doc.path) {
        Ok(b) => b,
        Err(err) => {
            warnings.push(format!("{}: page images not drawn: {err}", doc.display));
            return (out, warnings);
        }
    };
    // Born-digital pages are drawn by pdfium at a resolution near the review width (an A4
    // page is 8.27 in wide); scans come out of the PDF as stored and are scaled down.
    let mut rcfg = cfg.clone();
    rcfg.render.dpi = (e.review_width_px as f32 / 8.27).clamp(36.0, 300.0);
    let opened = match open_input(doc, &bytes, &rcfg) {
        Ok(o) => o,
        Err(err) => {
            warnings.push(format!("{}: page images not drawn: {err}", doc.display));
            return (out, warnings);
        }
    };
    let budget = e.review_page_kb as usize * 1024;
    for n in todo {
        let made = opened
            .raster(n, &rcfg)
            .and_then(|img| review_jpeg(img, e.review_width_px, budget));
        match made {
            Ok((buf, w, h)) => {
                let path = dir.join(name(n));
                if let Err(err) = std::fs::write(&path, &buf) {
                    warnings.push(format!("{}: {}", path.display(), err));
                    continue;
                }
                out.insert(
                    n,
                    PageImage {
                        file: name(n),
                        width: w,
                        height: h,
                    },
                );
            }
            Err(err) => warnings.push(format!(
                "{} page {n}: page image not drawn: {err}",
                doc.display
            )),
        }
    }
    (out, warnings)
}

/// The page images an earlier run wrote (same content, same settings), and the pages still
/// to draw.
fn stored_images(
    pages: &[u32],
    dir: &Path,
    name: &dyn Fn(u32) -> String,
) -> (HashMap<u32, PageImage>, Vec<u32>) {
    let mut out = HashMap::new();
    // Reuse what an earlier run wrote (same content, same settings); its size is read from
    // the JPEG header without decoding.
    let mut todo = Vec::new();
    for &n in pages {
        let path = dir.join(name(n));
        match image::image_dimensions(&path) {
            Ok((w, h)) => {
                out.insert(
                    n,
                    PageImage {
                        file: name(n),
                        width: w,
                        height: h,
                    },
                );
            }
            Err(_) => todo.push(n),
        }
    }
    (out, todo)
}

/// The input opened once for all its pages: as a PDF when its bytes say so, else as an image.
fn open_input<'b>(doc: &DocInput, bytes: &'b [u8], rcfg: &Config) -> Result<Opened<'b>> {
    let is_pdf = bytes.starts_with(b"%PDF") || bytes.windows(5).take(1024).any(|w| w == b"%PDF-");
    if is_pdf {
        crate::render::PdfFile::open(&doc.path, bytes, rcfg).map(|f| Opened::Pdf(Box::new(f)))
    } else {
        crate::render::ImageFile::open(&doc.path, bytes, rcfg).map(Opened::Image)
    }
}

impl Opened<'_> {
    /// Page `n` drawn.
    fn raster(&self, n: u32, rcfg: &Config) -> Result<image::RgbImage> {
        Ok(match self {
            Opened::Pdf(f) => f.page_raster(n, rcfg)?.image,
            Opened::Image(f) => f.page_raster(n, rcfg)?.image,
        })
    }
}

/// A page image scaled down to `width_px` (never up) and encoded as a JPEG under `budget`
/// bytes, with its size.
fn review_jpeg(img: image::RgbImage, width_px: u32, budget: usize) -> Result<(Vec<u8>, u32, u32)> {
    let w = width_px.min(img.width()).max(1);
    let h = ((img.height() as u64 * w as u64) / img.width().max(1) as u64).max(1) as u32;
    let small = if w < img.width() {
        image::imageops::thumbnail(&img, w, h)
    } else {
        img
    };
    jpeg_under(small, budget)
}

/// One document's pages and tables, gathered from the streamed JSONL files.
#[derive(Default)]
struct DocData {
    pages: Vec<PageOut>,
    tables: Vec<TableRecord>,
}

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:0;background:#f4f4f4;color:#222}
header{position:sticky;top:0;background:#234;color:#fff;padding:6px 12px;z-index:9;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#cde}
main{padding:8px 12px}
h2{font-size:17px;border-bottom:1px solid #aaa}
.flag{background:#fff;border:1px solid #ccc;border-left:5px solid #c33;margin:8px 0;padding:8px;display:flex;gap:12px;align-items:flex-start}
.flag.current{outline:3px solid #f90}
.flag .info{flex:1;min-width:240px}
.code{font-family:monospace;background:#fee;padding:1px 4px;border-radius:3px}
.crop{position:relative;overflow:hidden;width:480px;border:1px solid #888;background:#fff;flex:none}
.crop img{position:absolute;max-width:none}
.box{position:absolute;border:2px solid #e00;box-sizing:border-box;pointer-events:none}
pre.crop{white-space:pre-wrap;padding:4px;margin:0;font-size:13px;max-height:220px;overflow:auto}
pre.crop mark{background:#fd6}
.page{position:relative;display:inline-block;margin:8px 0;border:1px solid #888;width:min(100%,900px)}
.page img{width:100%;display:block}
.cell{position:absolute;border:1px solid rgba(0,90,255,.55);box-sizing:border-box}
.cell.flagged{border:2px solid #e00;background:rgba(255,0,0,.12)}
pre.text{background:#fff;border:1px solid #ccc;padding:8px;white-space:pre-wrap}
table.list{border-collapse:collapse;background:#fff}
table.list td,table.list th{border:1px solid #ccc;padding:3px 6px;text-align:left}
.muted{color:#777}
"#;

const DOC_SCRIPT: &str = r#"
(function(){
  var sel=document.getElementById('code');
  function flags(){return Array.prototype.filter.call(document.querySelectorAll('.flag'),function(f){return f.style.display!=='none';});}
  var cur=-1;
  function go(d){var fs=flags();if(!fs.length)return;cur=Math.max(0,Math.min(fs.length-1,cur+d));
    document.querySelectorAll('.flag.current').forEach(function(f){f.classList.remove('current');});
    fs[cur].classList.add('current');fs[cur].scrollIntoView({block:'center'});
    document.getElementById('pos').textContent=(cur+1)+' / '+fs.length;}
  sel.addEventListener('change',function(){var c=sel.value;
    document.querySelectorAll('.flag').forEach(function(f){f.style.display=(!c||f.dataset.code===c)?'':'none';});cur=-1;
    document.getElementById('pos').textContent=flags().length+' shown';});
  document.addEventListener('keydown',function(e){if(e.target.tagName==='SELECT'||e.target.tagName==='INPUT')return;
    if(e.key==='j'||e.key==='n'||e.key==='ArrowDown'){go(1);e.preventDefault();}
    if(e.key==='k'||e.key==='p'||e.key==='ArrowUp'){go(-1);e.preventDefault();}});
  window.addEventListener('load',function(){var n=0;document.querySelectorAll('.crop img').forEach(function(i){
    if(i.complete&&i.naturalWidth>0){i.parentNode.dataset.loaded='1';n++;}});document.body.dataset.cropsLoaded=n;});
})();
"#;

const INDEX_SCRIPT: &str = r#"
(function(){
  var code=document.getElementById('code'),doc=document.getElementById('doc');
  function apply(){var c=code.value,d=doc.value.toLowerCase();
    document.querySelectorAll('tr.doc').forEach(function(r){
      var ok=(!c||(r.dataset.codes||'').split(' ').indexOf(c)>=0)&&(!d||r.dataset.name.toLowerCase().indexOf(d)>=0);
      r.style.display=ok?'':'none';});}
  code.addEventListener('change',apply);doc.addEventListener('input',apply);
})();
"#;

/// The crop window around a box (fractions), widened so the reader sees the cell's row and
/// neighbours, kept inside the page.
fn crop_window(b: [f32; 4]) -> [f32; 4] {
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    let cx = (b[0] + b[2]) / 2.0;
    let cy = (b[1] + b[3]) / 2.0;
    let half_w = (w / 2.0 + 0.12).clamp(0.15, 0.5);
    let half_h = (h / 2.0 + 0.04).clamp(0.05, 0.5);
    let x0 = (cx - half_w).clamp(0.0, (1.0 - 2.0 * half_w).max(0.0));
    let y0 = (cy - half_h).clamp(0.0, (1.0 - 2.0 * half_h).max(0.0));
    [
        x0,
        y0,
        (x0 + 2.0 * half_w).min(1.0),
        (y0 + 2.0 * half_h).min(1.0),
    ]
}

/// A crop of the page image around `b` with `b` drawn, as inline positioned elements.
fn crop_html(img: &PageImage, b: [f32; 4]) -> String {
    const W: f32 = 480.0;
    let c = crop_window(b);
    let (cw, ch) = ((c[2] - c[0]).max(1e-3), (c[3] - c[1]).max(1e-3));
    let aspect = img.height as f32 / img.width.max(1) as f32;
    let img_w = W / cw;
    let img_h = img_w * aspect;
    let box_h = ch * img_h;
    let pct = |v: f32| v * 100.0;
    format!(
        r#"<div class="crop" style="height:{:.0}px"><img src="img/{}" alt="" style="width:{:.1}px;left:{:.1}px;top:{:.1}px"><div class="box" style="left:{:.2}%;top:{:.2}%;width:{:.2}%;height:{:.2}%"></div></div>"#,
        box_h,
        esc(&img.file),
        img_w,
        -c[0] * img_w,
        -c[1] * img_h,
        pct((b[0] - c[0]) / cw),
        pct((b[1] - c[1]) / ch),
        pct((b[2] - b[0]) / cw),
        pct((b[3] - b[1]) / ch),
    )
}

/// The lines of a text page around the cell text, the cell's line marked.
fn text_crop(text: &str, cell: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first = cell.lines().next().unwrap_or("").trim();
    let at = (!first.is_empty())
        .then(|| lines.iter().position(|l| l.contains(first)))
        .flatten();
    let mut o = String::from(r#"<pre class="crop text-crop">"#);
    match at {
        Some(k) => {
            for (i, l) in lines
                .iter()
                .enumerate()
                .take((k + 3).min(lines.len()))
                .skip(k.saturating_sub(2))
            {
                if i == k {
                    let _ = writeln!(o, "<mark>{}</mark>", esc(l));
                } else {
                    let _ = writeln!(o, "{}", esc(l));
                }
            }
        }
        None => {
            let _ = write!(o, "{}", esc(cell));
        }
    }
    o.push_str("</pre>");
    o
}

/// What to look for in a text page to show where a warning points: the cell's text, else the
/// indicator's name, else the funds row of the table, else its first cell.
fn needle(
    ro: Option<&RecordOut>,
    w: &WarningAt,
    cell: Option<&crate::model::TableCell>,
    tables: &HashMap<&str, &TableRecord>,
) -> String {
    if let Some(c) = cell {
        return c.text.clone();
    }
    let ind = ro.and_then(|ro| {
        let k = w.indicator?.checked_sub(1)?;
        ro.record.indicators.get(k)
    });
    if let Some(i) = ind {
        return i.name_raw.clone();
    }
    let t = w.table.as_deref().and_then(|t| tables.get(t));
    let cells = t.map(|t| t.cells.as_slice()).unwrap_or_default();
    let funds = w.field.as_deref().is_some_and(|f| f.starts_with("funds"));
    cells
        .iter()
        .find(|c| funds && c.text.contains("资金"))
        .or_else(|| cells.iter().find(|c| !c.text.trim().is_empty()))
        .map(|c| c.text.clone())
        .unwrap_or_default()
}

fn typed_value(ro: &RecordOut, w: &WarningAt) -> String {
    let r = &ro.record;
    if let Some(k) = w.indicator.and_then(|k| k.checked_sub(1)) {
        if let Some(i) = r.indicators.get(k) {
            return match &i.value {
                Some(v) => serde_json::to_string(v).unwrap_or_default(),
                None => "null".into(),
            };
        }
    }
    if let Some(f) = w.field.as_deref().and_then(|f| f.strip_prefix("funds.")) {
        let v = serde_json::to_value(&r.funds).unwrap_or_default();
        let mut cur = &v;
        for part in f.split('.') {
            cur = cur.get(part).unwrap_or(&serde_json::Value::Null);
        }
        if !cur.is_null() {
            return format!("{cur} (yuan)");
        }
    }
    if let Some(f) = w.field.as_deref().and_then(|f| f.strip_prefix("project.")) {
        let v = serde_json::to_value(&r.project).unwrap_or_default();
        if let Some(x) = v.get(f) {
            return x.to_string();
        }
    }
    "—".into()
}

fn doc_file(k: usize) -> String {
    format!("doc-{:04}.html", k + 1)
}

/// Writes `OUT/review/`.
pub fn write(out: &Path, docs: &[DocInput], records: &[RecordOut], cfg: &Config) -> Result<()> {
    let dir = out.join("review");
    let img_dir = dir.join("img");
    std::fs::create_dir_all(&img_dir).map_err(|e| Error::io(&img_dir, e))?;

    // Tables and pages, grouped by document (both files are in input order, so one document's
    // lines are consecutive; a map keeps this correct even if they were not).
    let mut data: HashMap<String, DocData> = HashMap::new();
    super::for_each_page(out, |p| {
        data.entry(p.page.source.path.clone())
            .or_default()
            .pages
            .push(p);
        Ok(())
    })?;
    super::for_each_table(out, |t| {
        data.entry(t.source.path.clone())
            .or_default()
            .tables
            .push(t);
        Ok(())
    })?;
    let mut by_doc: HashMap<&str, Vec<&RecordOut>> = HashMap::new();
    for r in records {
        by_doc
            .entry(r.record.source.path.as_str())
            .or_default()
            .push(r);
    }
    // Documents in input order; inputs with no output lines (failed, duplicates) are listed
    // without a page.
    let shown: Vec<&DocInput> = docs
        .iter()
        .filter(|d| data.contains_key(&d.display))
        .collect();

    let results: Vec<DocSummary> = shown
        .par_iter()
        .enumerate()
        .map(|(k, d)| {
            let empty = DocData::default();
            let dd = data.get(&d.display).unwrap_or(&empty);
            let recs = by_doc.get(d.display.as_str()).cloned().unwrap_or_default();
            let with_image: Vec<u32> = dd
                .pages
                .iter()
                .filter(|p| p.page.width_px.is_some() || has_boxes(dd, p))
                .filter_map(|p| p.page.source.pages.first().copied())
                .collect();
            let (images, mut problems) = page_images(d, &with_image, &img_dir, cfg);
            let (html, counts, n_flags) = doc_html(d, dd, &recs, &images);
            if let Err(e) = write_file(&dir.join(doc_file(k)), html.as_bytes()) {
                problems.push(e.to_string());
            }
            DocSummary {
                name: d.display.clone(),
                files: images.values().map(|i| i.file.clone()).collect(),
                counts,
                n_flags,
                n_records: recs.len(),
                problems,
            }
        })
        .collect();

    // Images no page of this run uses (older settings, inputs no longer in the run).
    let used: HashSet<&str> = results
        .iter()
        .flat_map(|r| r.files.iter().map(String::as_str))
        .collect();
    if let Ok(rd) = std::fs::read_dir(&img_dir) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if !used.contains(n.as_str()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    // Document pages of an earlier, larger run.
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let ours = (0..shown.len()).any(|k| doc_file(k) == n);
            if n.starts_with("doc-") && n.ends_with(".html") && !ours {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    let html = index_html(&results);
    write_file(&dir.join("index.html"), html.as_bytes())?;
    let problems: Vec<&String> = results.iter().flat_map(|r| r.problems.iter()).collect();
    if let Some(p) = problems.first() {
        return Err(Error::Other(format!(
            "review: {} problem(s), first: {p}",
            problems.len()
        )));
    }
    Ok(())
}

fn has_boxes(dd: &DocData, p: &PageOut) -> bool {
    let n = p.page.source.pages.first().copied();
    dd.tables
        .iter()
        .any(|t| t.source.pages.first().copied() == n && t.cells.iter().any(|c| c.bbox.is_some()))
}

/// What the index needs of one document's review page.
struct DocSummary {
    name: String,
    /// Page images the page uses (in `img/`).
    files: Vec<String>,
    counts: BTreeMap<WarningCode, usize>,
    n_flags: usize,
    n_records: usize,
    /// Page images that could not be drawn, pages that could not be written.
    problems: Vec<String>,
}

/// Written beside and renamed into place, so a reader never sees half a page.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

fn index_html(results: &[DocSummary]) -> String {
    let mut all: BTreeMap<WarningCode, usize> = BTreeMap::new();
    for r in results {
        for (c, n) in &r.counts {
            *all.entry(*c).or_default() += n;
        }
    }
    let total: usize = all.values().sum();
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>jixiao review</title><style>{STYLE}</style></head><body><header><b>jixiao review</b><span>{} documents, {} records, <span id="nflags">{total}</span> flags</span><label>code <select id="code"><option value="">all</option>"#,
        results.len(),
        results.iter().map(|r| r.n_records).sum::<usize>()
    );
    for (c, n) in &all {
        let _ = write!(o, r#"<option value="{c}">{c} ({n})</option>"#);
    }
    o.push_str(r#"</select></label><label>document <input id="doc" type="search" placeholder="filter by name"></label></header><main><table class="list"><tr><th>document</th><th>records</th><th>flags</th><th>by code</th></tr>"#);
    for (k, r) in results.iter().enumerate() {
        let codes: Vec<&str> = r.counts.keys().map(|c| c.as_str()).collect();
        let by: Vec<String> = r.counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let _ = write!(
            o,
            r#"<tr class="doc" data-name="{}" data-codes="{}"><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td class="muted">{}</td></tr>"#,
            esc(&r.name),
            codes.join(" "),
            doc_file(k),
            esc(&r.name),
            r.n_records,
            r.n_flags,
            esc(&by.join(", "))
        );
    }
    let _ = writeln!(
        o,
        "</table></main><script>{INDEX_SCRIPT}</script></body></html>"
    );
    o
}

/// One document's review page: its flags, its records, then its pages; with its flag counts
/// by code and its number of flags (for the index).
fn doc_html(
    d: &DocInput,
    dd: &DocData,
    recs: &[&RecordOut],
    images: &HashMap<u32, PageImage>,
) -> (String, BTreeMap<WarningCode, usize>, usize) {
    let mut f = Flags::new(dd, images);
    for ro in recs {
        for w in &ro.warnings_at {
            f.flag(Some(ro), w);
        }
    }
    for p in &dd.pages {
        for w in &p.warnings_at {
            f.flag(None, w);
        }
    }
    let Flags {
        counts,
        flagged,
        html: flags,
        n: n_flags,
        ..
    } = f;

    let mut o = String::new();
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{name} — jixiao review</title><style>{STYLE}</style></head><body><header><a href="index.html">◀ index</a><b>{name}</b><span>{} records, {n_flags} flags</span><label>code <select id="code"><option value="">all</option>"#,
        recs.len(),
        name = esc(&d.display),
    );
    for (c, n) in &counts {
        let _ = write!(o, r#"<option value="{c}">{c} ({n})</option>"#);
    }
    o.push_str(r#"</select></label><span id="pos"></span><span class="muted">j/n ↓ next flag · k/p ↑ previous</span></header><main><h2>Flags</h2><div id="flags">"#);
    if n_flags == 0 {
        o.push_str(r#"<p class="muted">nothing flagged</p>"#);
    }
    o.push_str(&flags);
    o.push_str(r#"</div><h2>Records</h2><table class="list"><tr><th>id</th><th>project</th><th>year</th><th>pages</th><th>indicators</th><th>warnings</th></tr>"#);
    record_rows(&mut o, recs);
    o.push_str("</table><h2>Pages</h2>");
    for p in &dd.pages {
        page_html(&mut o, dd, p, images, &flagged);
    }
    let _ = writeln!(o, "</main><script>{DOC_SCRIPT}</script></body></html>");
    (o, counts, n_flags)
}

/// A document's flags as they are written: their HTML, counts by code and the cells flagged
/// (drawn flagged on the pages).
struct Flags<'d> {
    tables: HashMap<&'d str, &'d TableRecord>,
    page_text: HashMap<u32, &'d str>,
    images: &'d HashMap<u32, PageImage>,
    counts: BTreeMap<WarningCode, usize>,
    flagged: HashSet<(String, usize, usize)>,
    html: String,
    n: usize,
}

impl<'d> Flags<'d> {
    /// No flags yet, over the document's tables, page texts and page images.
    fn new(dd: &'d DocData, images: &'d HashMap<u32, PageImage>) -> Self {
        Flags {
            tables: dd.tables.iter().map(|t| (t.id.as_str(), t)).collect(),
            page_text: dd
                .pages
                .iter()
                .filter_map(|p| Some((*p.page.source.pages.first()?, p.page.text.as_str())))
                .collect(),
            images,
            counts: BTreeMap::new(),
            flagged: HashSet::new(),
            html: String::new(),
            n: 0,
        }
    }

    /// One warning (of record `ro`, or of a page) as a flag: what it says, where, the text
    /// read, the typed value and the crop showing it.
    fn flag(&mut self, ro: Option<&RecordOut>, w: &WarningAt) {
        self.n += 1;
        *self.counts.entry(w.code).or_default() += 1;
        let cell = match (w.table.as_deref(), w.row, w.col) {
            (Some(t), Some(r), Some(c)) => self
                .tables
                .get(t)
                .and_then(|t| t.cells.iter().find(|x| x.row == r && x.col == c)),
            _ => None,
        };
        if let (Some(t), Some(r), Some(c)) = (w.table.as_ref(), w.row, w.col) {
            self.flagged.insert((t.clone(), r, c));
        }
        let page = w.page;
        let crop = self.crop(ro, w, cell);
        let rec = ro
            .map(|ro| {
                format!(
                    "{} · {}",
                    esc(&ro.record.id),
                    esc(ro.record.project.name.as_deref().unwrap_or(""))
                )
            })
            .unwrap_or_else(|| "page".into());
        let where_ = flag_place(w);
        let _ = write!(
            self.html,
            r#"<div class="flag" tabindex="-1" data-code="{code}" data-table="{t}" data-row="{r}" data-col="{c}" data-page="{p}"><div class="info"><div><span class="code">{code}</span> {msg}</div><div class="muted">{rec}</div><div class="muted">{where_}</div><div>read: <b class="read">{read}</b></div><div>value: <code class="value">{val}</code></div></div>{crop}</div>"#,
            code = w.code,
            t = esc(w.table.as_deref().unwrap_or("")),
            r = w.row.map(|v| v.to_string()).unwrap_or_default(),
            c = w.col.map(|v| v.to_string()).unwrap_or_default(),
            p = page.map(|v| v.to_string()).unwrap_or_default(),
            msg = esc(&w.message),
            read = esc(cell.map(|c| c.text.as_str()).unwrap_or("—")),
            val = esc(&ro
                .map(|ro| typed_value(ro, w))
                .unwrap_or_else(|| "—".into())),
        );
    }

    /// What shows a flag: a crop of its page image around its cell (else its table, else the
    /// whole page), or on a text page the lines where it is.
    fn crop(
        &self,
        ro: Option<&RecordOut>,
        w: &WarningAt,
        cell: Option<&crate::model::TableCell>,
    ) -> String {
        let page = w.page;
        // The area to show: the cell, else the table named, else nothing (page-level).
        let funds = w.field.as_deref().is_some_and(|f| f.starts_with("funds"));
        let area = cell.and_then(|c| c.bbox).or_else(|| {
            let t = self.tables.get(w.table.as_deref()?)?;
            funds
                .then(|| funds_box(t))
                .flatten()
                .or_else(|| union_box(t))
        });
        match (page.and_then(|p| self.images.get(&p)), area) {
            (Some(img), Some(b)) => crop_html(img, b),
            (Some(img), None) => crop_html(img, [0.0, 0.0, 1.0, 1.0]),
            (None, _) => match page.and_then(|p| self.page_text.get(&p)) {
                Some(text) => text_crop(text, &needle(ro, w, cell, &self.tables)),
                None => r#"<div class="muted">no page image</div>"#.to_string(),
            },
        }
    }
}

/// Where a flag points, as a line: "page 3 · table t1 r4c2 · field funds.annual.total".
fn flag_place(w: &WarningAt) -> String {
    [
        w.page.map(|p| format!("page {p}")),
        w.table.as_ref().map(|t| {
            format!("table {t}")
                + &w.row.map(|r| format!(" r{r}")).unwrap_or_default()
                + &w.col.map(|c| format!("c{c}")).unwrap_or_default()
        }),
        w.field.as_ref().map(|f| format!("field {f}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The document's records, one table row each.
fn record_rows(o: &mut String, recs: &[&RecordOut]) {
    for ro in recs {
        let r = &ro.record;
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.id),
            esc(r.project.name.as_deref().unwrap_or("")),
            r.fiscal_year.map(|y| y.to_string()).unwrap_or_default(),
            r.source.pages,
            r.indicators.len(),
            r.warnings.len()
        );
    }
}

/// One page: its image with every cell box of its tables drawn over it (flagged cells
/// marked), or its text when it has no image.
fn page_html(
    o: &mut String,
    dd: &DocData,
    p: &PageOut,
    images: &HashMap<u32, PageImage>,
    flagged: &HashSet<(String, usize, usize)>,
) {
    let Some(n) = p.page.source.pages.first().copied() else {
        return;
    };
    let _ = write!(o, r#"<h3 id="page-{n}">page {n}</h3>"#);
    match images.get(&n) {
        Some(img) => {
            let _ = write!(
                o,
                r#"<div class="page"><img loading="lazy" src="img/{}" alt="page {n}" width="{}" height="{}">"#,
                esc(&img.file),
                img.width,
                img.height
            );
            for t in dd
                .tables
                .iter()
                .filter(|t| t.source.pages.first() == Some(&n))
            {
                for c in &t.cells {
                    let Some(b) = c.bbox else { continue };
                    let f = flagged.contains(&(t.id.clone(), c.row, c.col));
                    let _ = write!(
                        o,
                        r#"<div class="cell{}" title="{} r{}c{}: {}" style="left:{:.2}%;top:{:.2}%;width:{:.2}%;height:{:.2}%"></div>"#,
                        if f { " flagged" } else { "" },
                        esc(&t.id),
                        c.row,
                        c.col,
                        esc(&c.text),
                        b[0] * 100.0,
                        b[1] * 100.0,
                        (b[2] - b[0]) * 100.0,
                        (b[3] - b[1]) * 100.0
                    );
                }
            }
            o.push_str("</div>");
        }
        None => {
            let _ = write!(o, r#"<pre class="text">{}</pre>"#, esc(&p.page.text));
        }
    }
}

/// The rows of a form that hold its funds (a row with a cell naming 资金), for a funds warning
/// that names no single cell.
fn funds_box(t: &TableRecord) -> Option<[f32; 4]> {
    let rows: HashSet<usize> = t
        .cells
        .iter()
        .filter(|c| c.text.contains("资金"))
        .flat_map(|c| c.row..c.row + c.rowspan.max(1))
        .collect();
    t.cells
        .iter()
        .filter(|c| rows.contains(&c.row))
        .filter_map(|c| c.bbox)
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
}

fn union_box(t: &TableRecord) -> Option<[f32; 4]> {
    t.cells.iter().filter_map(|c| c.bbox).reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    })
}

/// Where the review of `out` starts.
pub fn index_path(out: &Path) -> PathBuf {
    out.join("review").join("index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crop_window_holds_its_box_and_stays_on_the_page() {
        for b in [
            [0.0, 0.0, 0.05, 0.02],
            [0.9, 0.95, 1.0, 1.0],
            [0.1, 0.4, 0.9, 0.45],
            [0.0, 0.0, 1.0, 1.0],
        ] {
            let c = crop_window(b);
            assert!(
                c[0] >= 0.0 && c[1] >= 0.0 && c[2] <= 1.0 && c[3] <= 1.0,
                "{c:?}"
            );
            assert!(
                c[0] <= b[0] && c[1] <= b[1] && c[2] >= b[2] - 1e-6,
                "{b:?} {c:?}"
            );
        }
    }

    #[test]
    fn a_page_is_encoded_under_its_budget() {
        let img = image::RgbImage::from_fn(1200, 1700, |x, y| {
            image::Rgb([
                (x * 7 % 255) as u8,
                (y * 13 % 255) as u8,
                ((x ^ y) % 255) as u8,
            ])
        });
        let (buf, w, _) = jpeg_under(img, 60 * 1024).unwrap();
        assert!(buf.len() <= 60 * 1024);
        assert!(w <= 1200);
        assert_eq!(esc("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
    }

    #[test]
    fn text_crops_mark_the_line_of_the_cell() {
        let t = "a\nb\n项目名称\t甲\nc\nd\ne";
        let h = text_crop(t, "项目名称");
        assert!(h.contains("<mark>项目名称\t甲</mark>"));
        assert!(!h.contains("\ne\n"));
    }
}
