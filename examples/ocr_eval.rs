//! Character error rate of the OCR engines on table-cell crops of the dev scans.
//!
//! For every `DIR/*.cells.json` (default DIR: ../shared/dev) the page JPEGs are taken out of the
//! PDF next to it, every cell is cropped by its gold `bbox` and read with `recognize_blocks`, and
//! the text is compared with the cell's visible text after the scorer's folding (NFKC, no
//! whitespace). Cells without text check that blanks stay blank. Single-threaded.
//!
//! ```text
//! cargo run --release --example ocr_eval -- [--engine ppocr|tesseract|both] [--dir DIR]
//!     [--only SUBSTR] [--pages N] [--show N] [--dump DIR] [--models DIR]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::RgbImage;
use jixiao::config::{EngineKind, OcrConfig};
use jixiao::ocr::{self, OcrEngine};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

struct Args {
    engines: Vec<EngineKind>,
    dir: PathBuf,
    only: Option<String>,
    pages: usize,
    show: usize,
    dump: Option<PathBuf>,
    models: PathBuf,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut a = Args {
        engines: vec![EngineKind::Ppocr, EngineKind::Tesseract],
        dir: PathBuf::from("../shared/dev"),
        only: None,
        pages: usize::MAX,
        show: 0,
        dump: None,
        models: PathBuf::from("models"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || {
            it.next()
                .ok_or_else(|| anyhow::anyhow!("{k} needs a value"))
        };
        match k.as_str() {
            "--engine" => {
                let e = v()?;
                a.engines = if e == "both" {
                    vec![EngineKind::Ppocr, EngineKind::Tesseract]
                } else {
                    vec![e.parse().map_err(anyhow::Error::msg)?]
                };
            }
            "--dir" => a.dir = v()?.into(),
            "--only" => a.only = Some(v()?),
            "--pages" => a.pages = v()?.parse()?,
            "--show" => a.show = v()?.parse()?,
            "--dump" => a.dump = Some(v()?.into()),
            "--models" => a.models = v()?.into(),
            _ => anyhow::bail!("unknown argument {k}"),
        }
    }
    Ok(a)
}

fn fold(s: &str) -> Vec<char> {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j + 1] + 1)
                    .min(cur[j] + 1)
                    .min(prev[j] + usize::from(ca != cb)),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The page JPEGs of a one-image-per-page PDF, in page order.
fn page_images(pdf: &Path, max_pages: usize) -> anyhow::Result<Vec<RgbImage>> {
    let doc = lopdf::Document::load(pdf)?;
    let mut out = Vec::new();
    for (_, id) in doc.get_pages().into_iter().take(max_pages) {
        let imgs = doc.get_page_images(id)?;
        let jpeg = imgs
            .iter()
            .find(|i| {
                i.filters
                    .as_ref()
                    .is_some_and(|f| f.iter().any(|f| f == "DCTDecode"))
            })
            .ok_or_else(|| anyhow::anyhow!("{}: page without a JPEG", pdf.display()))?;
        out.push(image::load_from_memory(jpeg.content)?.to_rgb8());
    }
    Ok(out)
}

struct Cell {
    page: usize,
    text: String,
    img: RgbImage,
}

fn crop(page: &RgbImage, bbox: &[f64]) -> Option<RgbImage> {
    let (w, h) = page.dimensions();
    let x0 = (bbox.first()?.floor().max(0.0) as u32).min(w);
    let y0 = (bbox.get(1)?.floor().max(0.0) as u32).min(h);
    let x1 = (bbox.get(2)?.ceil().max(0.0) as u32).min(w);
    let y1 = (bbox.get(3)?.ceil().max(0.0) as u32).min(h);
    (x1 > x0 && y1 > y0)
        .then(|| image::imageops::crop_imm(page, x0, y0, x1 - x0, y1 - y0).to_image())
}

fn load_cells(cells_json: &Path, max_pages: usize) -> anyhow::Result<Vec<Cell>> {
    let gold: Value = serde_json::from_str(&std::fs::read_to_string(cells_json)?)?;
    let pdf_name = gold["pdf"].as_str().unwrap_or_default();
    let pdf = cells_json.with_file_name(pdf_name.rsplit('/').next().unwrap_or(pdf_name));
    let pages = page_images(&pdf, max_pages)?;
    let mut cells = Vec::new();
    for pg in gold["pages"].as_array().into_iter().flatten() {
        let n = pg["page"].as_u64().unwrap_or(0) as usize;
        let Some(img) = n.checked_sub(1).and_then(|i| pages.get(i)) else {
            continue;
        };
        for c in pg["cells"].as_array().into_iter().flatten() {
            let bbox: Vec<f64> = c["bbox"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_f64)
                .collect();
            if let Some(crop) = crop(img, &bbox) {
                cells.push(Cell {
                    page: n,
                    text: c["text"].as_str().unwrap_or_default().to_owned(),
                    img: crop,
                });
            }
        }
    }
    Ok(cells)
}

#[derive(Default)]
struct Score {
    cells: usize,
    exact: usize,
    cer_sum: f64,
    edits: usize,
    ref_chars: usize,
    blanks: usize,
    blank_ok: usize,
    secs: f64,
    cpu_secs: f64,
}

impl Score {
    fn add(&mut self, o: &Score) {
        self.cells += o.cells;
        self.exact += o.exact;
        self.cer_sum += o.cer_sum;
        self.edits += o.edits;
        self.ref_chars += o.ref_chars;
        self.blanks += o.blanks;
        self.blank_ok += o.blank_ok;
        self.secs += o.secs;
        self.cpu_secs += o.cpu_secs;
    }

    fn line(&self, name: &str, engine: &str) -> String {
        let n = self.cells.max(1) as f64;
        format!(
            "{engine:9} {name:28} cells {:5}  exact {:6.2}%  CER {:6.3}%  (chars {:6.3}%)  blank ok {:4}/{:<4}  {:6.1} cells/s ({:.1} per CPU-second)",
            self.cells,
            100.0 * self.exact as f64 / n,
            100.0 * self.cer_sum / n,
            100.0 * self.edits as f64 / self.ref_chars.max(1) as f64,
            self.blank_ok,
            self.blanks,
            (self.cells + self.blanks) as f64 / self.secs.max(1e-9),
            (self.cells + self.blanks) as f64 / self.cpu_secs.max(1e-9),
        )
    }
}

/// CPU time of the calling thread: on a shared machine wall-clock rates mostly measure the
/// neighbours' load.
fn thread_cpu_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn main() -> anyhow::Result<()> {
    ocr::ensure_omp_thread_limit()?;
    let args = parse_args()?;
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&args.dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".cells.json"))
        .filter(|p| {
            args.only
                .as_ref()
                .is_none_or(|o| p.to_string_lossy().contains(o.as_str()))
        })
        .collect();
    docs.sort();
    if let Some(d) = &args.dump {
        std::fs::create_dir_all(d)?;
    }

    let mut report = Vec::new();
    for &kind in &args.engines {
        let cfg = OcrConfig {
            engine: kind,
            models_dir: args.models.clone(),
            ..OcrConfig::default()
        };
        let mut engine: Box<dyn OcrEngine> = ocr::new_engine(&cfg)?;
        let mut total = Score::default();
        for doc in &docs {
            let cells = load_cells(doc, args.pages)?;
            let name = doc
                .file_name()
                .map(|n| {
                    n.to_string_lossy()
                        .trim_end_matches(".cells.json")
                        .to_owned()
                })
                .unwrap_or_default();
            let mut s = Score::default();
            let mut shown = 0;
            // One batch per page, as the pipeline will call it.
            let mut by_page: Vec<Vec<&Cell>> = Vec::new();
            for c in &cells {
                if by_page.last().is_none_or(|p| p[0].page != c.page) {
                    by_page.push(Vec::new());
                }
                if let Some(p) = by_page.last_mut() {
                    p.push(c);
                }
            }
            for page in by_page {
                let imgs: Vec<RgbImage> = page.iter().map(|c| c.img.clone()).collect();
                let (t, cpu) = (Instant::now(), thread_cpu_secs());
                let read = ocr::recognize_blocks(engine.as_mut(), &imgs)?;
                s.secs += t.elapsed().as_secs_f64();
                s.cpu_secs += thread_cpu_secs() - cpu;
                for (k, (c, r)) in page.iter().zip(read).enumerate() {
                    let (gold, pred) = (fold(&c.text), fold(&r.text));
                    if gold.is_empty() {
                        s.blanks += 1;
                        s.blank_ok += usize::from(pred.is_empty());
                        continue;
                    }
                    let d = edit_distance(&gold, &pred);
                    s.cells += 1;
                    s.exact += usize::from(d == 0);
                    s.cer_sum += (d as f64 / gold.len() as f64).min(1.0);
                    s.edits += d;
                    s.ref_chars += gold.len();
                    if d > 0 {
                        if shown < args.show {
                            shown += 1;
                            println!(
                                "  miss {name} p{} #{k} conf {:.2} | {} | {}",
                                c.page,
                                r.conf,
                                c.text,
                                r.text.replace('\n', "⏎")
                            );
                        }
                        if let Some(dir) = &args.dump {
                            let f =
                                dir.join(format!("{}-{name}-p{}-{k}.png", engine.name(), c.page));
                            c.img.save(&f)?;
                            for (i, l) in ocr::split_lines(&c.img).iter().enumerate() {
                                l.img.save(dir.join(format!(
                                    "{}-{name}-p{}-{k}-line{i}.png",
                                    engine.name(),
                                    c.page
                                )))?;
                            }
                        }
                    }
                }
            }
            let line = s.line(&name, engine.name());
            println!("{line}");
            report.push(line);
            total.add(&s);
        }
        let line = total.line("ALL", engine.name());
        println!("{line}");
        report.push(line);
    }
    println!("\n{}", report.join("\n"));
    Ok(())
}
