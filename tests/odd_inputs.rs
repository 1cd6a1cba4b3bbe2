//! Odd encodings of real forms (issue 10), built here from the project's samples and read by
//! `jixiao run`: each must give the same records as its clean source, not a silent blank or a
//! lost page.
//!
//! - `a-two-period-split.pdf` (a form continued over two pages) as one two-page grey TIFF: both
//!   pages read, the form joined across them as in the PDF;
//! - `d-coded-levels.png` as ink on a transparent background (alpha = darkness, colour black,
//!   as a drawing program exports it): composited on white, it reads as the original;
//! - the same two-page TIFF with the CamScanner watermark ("CS 扫描全能王 创建", taken from
//!   `b-single-period-camscanner.pdf`) printed black at the foot of page 1, as a bilevel copy
//!   leaves it: OCR reads it, and it neither titles a table nor cuts the form off from its
//!   continuation on page 2.
//!
//! Skips cleanly when the OCR models are absent.

use std::path::Path;

use image::{GrayImage, Rgba, RgbaImage};
use jixiao::config::Config;
use jixiao::render::PdfFile;
use serde_json::Value;

mod batch_common;
mod scan_common;
use scan_common::{basename, jsonl, models_present, run_jixiao, score_record};

fn grey(img: &image::RgbImage) -> GrayImage {
    image::DynamicImage::ImageRgb8(img.clone()).to_luma8()
}

/// Records whose source file is `name`.
fn records_of(out: &Path, name: &str) -> Vec<Value> {
    jsonl(&out.join("records.jsonl"))
        .into_iter()
        .filter(|r| basename(r) == name)
        .collect()
}

#[test]
fn multi_page_tiff_and_transparent_png_read_like_their_clean_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !models_present(root) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let scan = root.join("samples/scan");
    let clean = d.path().join("clean");
    std::fs::create_dir_all(&clean).unwrap();
    for f in ["a-two-period-split.pdf", "d-coded-levels.png"] {
        std::fs::copy(scan.join(f), clean.join(f)).unwrap();
    }

    let odd = d.path().join("odd");
    let cfg = Config::default();
    let bytes = std::fs::read(scan.join("a-two-period-split.pdf")).unwrap();
    let pdf = PdfFile::open(Path::new("a.pdf"), &bytes, &cfg).unwrap();
    let pages: Vec<GrayImage> = (1..=pdf.n_pages())
        .map(|n| grey(&pdf.page_raster(n, &cfg).unwrap().image))
        .collect();
    assert_eq!(pages.len(), 2);
    batch_common::write(&odd, "split.tif", batch_common::tiff_of(&pages, None));
    let mut marked = pages.clone();
    stamp_watermark(&mut marked[0], &scan.join("b-single-period-camscanner.pdf"));
    batch_common::write(
        &odd,
        "split-watermark.tif",
        batch_common::tiff_of(&marked, None),
    );

    let png = image::open(scan.join("d-coded-levels.png"))
        .unwrap()
        .to_luma8();
    let ink = RgbaImage::from_fn(png.width(), png.height(), |x, y| {
        Rgba([0, 0, 0, 255 - png.get_pixel(x, y).0[0]])
    });
    ink.save(odd.join("coded-transparent.png")).unwrap();

    let (out_clean, out_odd) = (d.path().join("out-clean"), d.path().join("out-odd"));
    run_jixiao(root, &clean, &out_clean);
    run_jixiao(root, &odd, &out_odd);

    // The watermark was read (otherwise this proves nothing), and titles no table.
    let text: String = jsonl(&out_odd.join("pages.jsonl"))
        .iter()
        .filter(|p| basename(p) == "split-watermark.tif")
        .map(|p| p["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(text.contains("全能"), "watermark not OCR'd: {text}");
    for t in jsonl(&out_odd.join("tables.jsonl")) {
        let title = t["title"].as_str().unwrap_or_default();
        assert!(!title.contains("全能"), "{title}");
    }
    for (clean_name, odd_name, pages) in [
        ("a-two-period-split.pdf", "split.tif", vec![1, 2]),
        ("a-two-period-split.pdf", "split-watermark.tif", vec![1, 2]),
        ("d-coded-levels.png", "coded-transparent.png", vec![1]),
    ] {
        let (want, got) = (
            records_of(&out_clean, clean_name),
            records_of(&out_odd, odd_name),
        );
        assert_eq!(want.len(), 1, "{clean_name}");
        assert_eq!(got.len(), 1, "{odd_name}: {got:?}");
        assert_eq!(
            got[0]["source"]["pages"],
            serde_json::json!(pages),
            "{odd_name}"
        );
        let (ok, n) = score_record(&want[0], &got[0]);
        eprintln!("{odd_name}: {ok}/{n} fields as read from {clean_name}");
        assert!(n > 20, "{clean_name}: only {n} fields");
        assert_eq!(ok, n, "{odd_name} differs from {clean_name}");
    }
}

/// A copy made at 100 DPI (an office copier's "fast" setting) may lose small print: its
/// records say so, naming the page, while a 150-DPI copy reads with no such warning.
#[test]
fn a_100_dpi_copy_warns_on_its_records() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !models_present(root) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let cfg = Config::default();
    let bytes = std::fs::read(root.join("samples/scan/c-yuan-form.pdf")).unwrap();
    let pdf = PdfFile::open(Path::new("c.pdf"), &bytes, &cfg).unwrap();
    let page = pdf.page_raster(1, &cfg).unwrap().image;
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).unwrap();
    // The sample is A4 at 200 DPI: scaled to 100 and 150 DPI.
    for (name, dpi) in [("copy-100dpi.png", 100.0), ("copy-150dpi.png", 150.0)] {
        let w = (8.27f32 * dpi).round() as u32;
        let h = (page.height() as f32 * w as f32 / page.width() as f32).round() as u32;
        image::imageops::resize(&page, w, h, image::imageops::FilterType::Triangle)
            .save(inp.join(name))
            .unwrap();
    }
    let out = d.path().join("out");
    run_jixiao(root, &inp, &out);
    let pages = jsonl(&out.join("pages.jsonl"));
    for (name, low) in [("copy-100dpi.png", true), ("copy-150dpi.png", false)] {
        let p = pages.iter().find(|p| basename(p) == name).unwrap();
        let w = p["warnings"].to_string();
        assert_eq!(w.contains("low resolution"), low, "{name}: {w}");
        let recs = records_of(&out, name);
        assert!(!recs.is_empty(), "{name}: no record");
        for r in recs {
            let w = r["warnings"].to_string();
            assert_eq!(w.contains("page 1: low resolution"), low, "{name}: {w}");
        }
    }
}

/// Copies the CamScanner watermark from the foot of `camscanner_pdf`'s page (light grey there)
/// onto the foot of `page` in black, scaled to its width: what a bilevel copy of a CamScanner
/// page makes of it.
fn stamp_watermark(page: &mut GrayImage, camscanner_pdf: &Path) {
    let cfg = Config::default();
    let bytes = std::fs::read(camscanner_pdf).unwrap();
    let src = PdfFile::open(camscanner_pdf, &bytes, &cfg).unwrap();
    let src = grey(&src.page_raster(1, &cfg).unwrap().image);
    let (sw, sh) = (src.width() as f32, src.height() as f32);
    let (pw, ph) = (page.width() as f32, page.height() as f32);
    let scale = pw / sw;
    let (x0, x1, y0, y1) = (
        (sw * 0.80) as u32,
        (sw * 0.975) as u32,
        (sh * 0.955) as u32,
        (sh * 0.995) as u32,
    );
    let mut inked = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            if src.get_pixel(x, y).0[0] < 200 {
                let tx = (pw * 0.80 + (x - x0) as f32 * scale) as u32;
                let ty = (ph * 0.955 + (y - y0) as f32 * scale) as u32;
                if tx < page.width() && ty < page.height() {
                    page.put_pixel(tx, ty, image::Luma([0]));
                    inked += 1;
                }
            }
        }
    }
    assert!(inked > 200, "no watermark found ({inked} px)");
}
