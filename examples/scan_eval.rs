//! Runs `table::image::read_scanned_page` over the pages of scanned PDFs and writes
//! `OUT/tables.jsonl` (the SCHEMA.md `table` format) and `OUT/pages.jsonl` for
//! `eval/score_cells.py`.
//!
//! usage: cargo run --release --example scan_eval -- [--engine null|tesseract|ENGINE] [--pages N]
//!        OUT FILE.pdf...
//!
//! `null` returns empty text (measures the grid alone: cell recall); `tesseract` shells out to
//! the tesseract binary (a stand-in until the library's engines land); any other name goes to
//! `ocr::new_engine`. Pages come from `render::PdfFile`, or from `pdfimages -j` while the render
//! stage is a stub.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use jixiao::config::{Config, EngineKind};
use jixiao::ocr::{OcrEngine, Recognized};
use jixiao::render::{PageRaster, PdfFile};
use jixiao::table::image::read_scanned_page;
use sha2::{Digest, Sha256};

struct NullEngine;

impl OcrEngine for NullEngine {
    fn name(&self) -> &'static str {
        "null"
    }
    fn recognize_line(&mut self, _img: &image::RgbImage) -> jixiao::Result<Recognized> {
        Ok(Recognized {
            text: String::new(),
            conf: 0.0,
        })
    }
}

/// The tesseract command line, one call per region (slow; development stand-in only).
struct TesseractCli {
    dir: tempfile::TempDir,
}

impl OcrEngine for TesseractCli {
    fn name(&self) -> &'static str {
        "tesseract-cli"
    }
    fn recognize_line(&mut self, img: &image::RgbImage) -> jixiao::Result<Recognized> {
        let err = |reason: String| jixiao::Error::Engine {
            engine: "tesseract-cli".into(),
            reason,
        };
        let path = self.dir.path().join("crop.png");
        img.save(&path).map_err(|e| err(e.to_string()))?;
        let psm = if img.height() as f32 > img.width() as f32 * 0.5 || img.height() > 90 {
            "6"
        } else {
            "7"
        };
        let out = Command::new("tesseract")
            .env("OMP_THREAD_LIMIT", "1")
            .arg(&path)
            .arg("stdout")
            .args(["-l", "chi_sim", "--psm", psm])
            .output()
            .map_err(|e| err(e.to_string()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<String> = text
            .lines()
            .map(|l| l.split_whitespace().collect::<String>())
            .filter(|l| !l.is_empty())
            .collect();
        Ok(Recognized {
            text: lines.join("\n"),
            conf: 0.5,
        })
    }
}

fn pages_of(pdf: &Path, cfg: &Config, tmp: &Path) -> Result<Vec<PageRaster>> {
    let bytes = std::fs::read(pdf)?;
    if let Ok(f) = PdfFile::open(pdf, &bytes, cfg) {
        return (1..=f.n_pages())
            .map(|n| f.page_raster(n, cfg).map_err(Into::into))
            .collect();
    }
    let prefix = tmp.join("p");
    let st = Command::new("pdfimages")
        .arg("-j")
        .arg(pdf)
        .arg(&prefix)
        .status()
        .context("pdfimages")?;
    if !st.success() {
        bail!("pdfimages failed on {}", pdf.display());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(tmp)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let t = std::time::Instant::now();
            let image = image::open(p)?.to_rgb8();
            let _ = std::fs::remove_file(p);
            Ok(PageRaster {
                dpi: Some(image.width().min(image.height()) as f32 / 8.27),
                image,
                ms: t.elapsed().as_millis() as u64,
                from_jpeg: true,
                loss: None,
            })
        })
        .collect()
}

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut engine_name = "null".to_string();
    let mut max_pages = u32::MAX;
    let mut debug: Option<PathBuf> = None;
    while args.first().is_some_and(|a| a.starts_with("--")) {
        let flag = args.remove(0);
        let val = if args.is_empty() {
            bail!("{flag} needs a value")
        } else {
            args.remove(0)
        };
        match flag.as_str() {
            "--engine" => engine_name = val,
            "--pages" => max_pages = val.parse()?,
            "--debug" => debug = Some(PathBuf::from(val)),
            _ => bail!("unknown flag {flag}"),
        }
    }
    if args.len() < 2 {
        bail!("usage: scan_eval [--engine null|tesseract|ppocr] [--pages N] OUT FILE.pdf...");
    }
    let out = PathBuf::from(args.remove(0));
    std::fs::create_dir_all(&out)?;
    let mut cfg = Config::default();
    let mut engine: Box<dyn OcrEngine> = match engine_name.as_str() {
        "null" => Box::new(NullEngine),
        "tesseract" => Box::new(TesseractCli {
            dir: tempfile::tempdir()?,
        }),
        other => {
            cfg.ocr.engine = other.parse::<EngineKind>().map_err(anyhow::Error::msg)?;
            jixiao::ocr::new_engine(&cfg.ocr)?
        }
    };
    let mut tables_out = std::io::BufWriter::new(std::fs::File::create(out.join("tables.jsonl"))?);
    let mut pages_out = std::io::BufWriter::new(std::fs::File::create(out.join("pages.jsonl"))?);
    let mut stage_total: std::collections::BTreeMap<String, u64> = Default::default();
    let mut n_pages = 0u64;
    for pdf in &args {
        let path = Path::new(pdf);
        let sha = hex::encode(Sha256::digest(std::fs::read(path)?));
        let tmp = tempfile::tempdir()?;
        let rasters = pages_of(path, &cfg, tmp.path())?;
        for (i, raster) in rasters.iter().enumerate().take(max_pages as usize) {
            let number = i as u32 + 1;
            let page = read_scanned_page(raster, number, engine.as_mut(), &cfg)?;
            if let Some(dir) = &debug {
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                let name = format!("{}-p{number}.png", stem.unwrap_or_default());
                draw_debug(raster, &cfg, &dir.join(name))?;
            }
            n_pages += 1;
            for (k, v) in &page.info.ms {
                *stage_total.entry(k.clone()).or_default() += v;
            }
            for t in page.tables() {
                let rec = serde_json::json!({
                    "kind": "table",
                    "id": t.id(&sha),
                    "source": {"path": pdf, "sha256": sha, "pages": [number]},
                    "title": null,
                    "unit": null,
                    "n_rows": t.n_rows,
                    "n_cols": t.n_cols,
                    "cells": t.cells,
                });
                writeln!(tables_out, "{rec}")?;
            }
            let rec = serde_json::json!({
                "kind": "page",
                "source": {"path": pdf, "sha256": sha, "pages": [number]},
                "width_px": page.info.width_px,
                "height_px": page.info.height_px,
                "dpi": page.info.dpi,
                "skew_deg": page.info.skew_deg,
                "text": page.text(),
                "mean_conf": page.info.mean_conf,
                "ms": page.info.ms,
            });
            writeln!(pages_out, "{rec}")?;
            eprintln!(
                "{pdf} p{number}: {} tables, {} cells, ms {:?}",
                page.tables().count(),
                page.tables().map(|t| t.cells.len()).sum::<usize>(),
                page.info.ms
            );
        }
    }
    let per_page: std::collections::BTreeMap<&String, u64> = stage_total
        .iter()
        .map(|(k, v)| (k, v / n_pages.max(1)))
        .collect();
    eprintln!(
        "engine {}: {n_pages} pages, mean ms/page {per_page:?}",
        engine.name()
    );
    Ok(())
}

/// Draws the rulings (blue) and cells (red) found on a page, at half size.
fn draw_debug(raster: &PageRaster, cfg: &Config, path: &Path) -> Result<()> {
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let prep = jixiao::preprocess::prepare(&raster.image, cfg)?;
    let g = jixiao::grid::detect(&prep.gray);
    if std::env::var_os("SCAN_EVAL_VERBOSE").is_some() {
        dump(&g);
        let m = jixiao::grid::binarize(&prep.gray, g.unit);
        let (hs, vs) = jixiao::grid::candidates(&m, g.unit);
        for s in hs.iter().chain(&vs) {
            eprintln!(
                "  cand h={} lo={:.0} hi={:.0} at={:.1} thick={:.1} side={:.2} both={:.2}",
                s.horizontal,
                s.lo,
                s.hi,
                s.at(s.lo),
                s.thick,
                s.side_ink,
                s.side_both
            );
        }
    }
    let mut img = prep.rgb.clone();
    let (w, h) = (img.width() as i64, img.height() as i64);
    let mut put = |x: f32, y: f32, c: [u8; 3]| {
        let (x, y) = (x.round() as i64, y.round() as i64);
        for dy in -1..=1 {
            for dx in -1..=1 {
                let (xx, yy) = (x + dx, y + dy);
                if xx >= 0 && yy >= 0 && xx < w && yy < h {
                    img.put_pixel(xx as u32, yy as u32, image::Rgb(c));
                }
            }
        }
    };
    for s in &g.rulings {
        let mut t = s.lo;
        while t <= s.hi {
            let p = s.at(t);
            if s.horizontal {
                put(t, p, [0, 0, 255]);
            } else {
                put(p, t, [0, 0, 255]);
            }
            t += 1.0;
        }
    }
    for (k, t) in g.tables.iter().enumerate() {
        let color = [[255, 0, 0], [0, 160, 0], [200, 0, 200], [255, 128, 0]][k % 4];
        for c in &t.cells {
            let b = c.inner;
            let mut x = b[0];
            while x <= b[2] {
                put(x, b[1], color);
                put(x, b[3], color);
                x += 1.0;
            }
            let mut y = b[1];
            while y <= b[3] {
                put(b[0], y, color);
                put(b[2], y, color);
                y += 1.0;
            }
        }
    }
    let small = image::imageops::resize(
        &img,
        img.width() / 2,
        img.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    small.save(path)?;
    Ok(())
}

/// Prints every table's bbox and size (SCAN_EVAL_VERBOSE=1).
#[allow(dead_code)]
fn dump(g: &jixiao::grid::Grid) {
    for t in &g.tables {
        eprintln!(
            "  table {:?} {}x{} cells {}",
            t.bbox.map(|v| v as i32),
            t.n_rows,
            t.n_cols,
            t.cells.len()
        );
    }
    for s in &g.rulings {
        eprintln!(
            "  seg h={} lo={:.0} hi={:.0} at={:.1} a={:.4} thick={:.1} side={:.2}",
            s.horizontal,
            s.lo,
            s.hi,
            s.at(s.lo),
            s.a,
            s.thick,
            s.side_ink
        );
    }
}
