//! The scanned path on captures it was not developed on (issue 9): a project-made form
//! (`samples/scan/c-yuan-form.pdf`, 200 DPI) degraded here, in Rust, the ways phones and
//! office scanners degrade pages — turned 90° and 180° with no /Rotate, bilevel with broken
//! strokes and heavy speckle, photographed on a desk (turned, in perspective, with a shadow),
//! a curled sheet — then read by `jixiao run` and compared with the form's gold records. What
//! is checked is the record (project, funds, every indicator), not that something came out.
//! Skips cleanly when the OCR models are absent.

use std::path::Path;

use image::{GrayImage, Luma, Rgb, RgbImage};
use imageproc::geometric_transformations::{warp_into, Border, Interpolation, Projection};
use jixiao::config::Config;
use jixiao::render::PdfFile;

mod scan_common;
use scan_common::{fold, jsonl, models_present, run_jixiao, score_record};

/// Field accuracy each degraded copy must reach. Measured 0.97–1.0 (see the report the test
/// prints); a lost form, a lost row or a page read sideways falls far below.
const MIN_FIELD_ACC: f64 = 0.9;

/// Variants read badly today, reported but not asserted (see README "Known limits"). Empty
/// since the desk photo's shadow edge and the footer debris were dealt with (2026-12-07:
/// desk-photo 1.000).
const KNOWN_WEAK: [&str; 0] = [];

/// Deterministic noise (xorshift), so the pages are the same on every run.
struct Noise(u64);
impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f32 {
        (self.next() % 1_000_000) as f32 / 1_000_000.0
    }
}

fn grey(img: &RgbImage) -> GrayImage {
    image::DynamicImage::ImageRgb8(img.clone()).to_luma8()
}

/// Office MFP in black and white: a threshold with noise that breaks thin strokes, then
/// salt-and-pepper speckle (1–2 px, ~0.2 % of the page).
fn bilevel_speckled(page: &RgbImage, n: &mut Noise) -> GrayImage {
    let g = grey(page);
    let mut out = GrayImage::from_fn(g.width(), g.height(), |x, y| {
        let v = g.get_pixel(x, y).0[0] as f32 + (n.unit() - 0.5) * 60.0;
        Luma([if v < 165.0 { 0 } else { 255 }])
    });
    let (w, h) = out.dimensions();
    for _ in 0..(w * h / 500) {
        let (x, y) = ((n.next() % w as u64) as u32, (n.next() % h as u64) as u32);
        let v = if n.unit() < 0.7 { 0 } else { 255 };
        let s = 1 + (n.next() % 2) as u32;
        for yy in y..(y + s).min(h) {
            for xx in x..(x + s).min(w) {
                out.put_pixel(xx, yy, Luma([v]));
            }
        }
    }
    out
}

/// A phone photo nobody enhanced: the sheet on a dark textured desk, turned 2.5°, in
/// perspective, a hard-edged shadow over a third of it, sensor noise.
fn desk_photo(page: &RgbImage, n: &mut Noise) -> RgbImage {
    let (w, h) = (page.width() as f32, page.height() as f32);
    let (cw, ch) = ((w * 1.14) as u32, (h * 1.1) as u32);
    let src = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let (mx, my) = (w * 0.07, h * 0.05);
    let a = 2.5f32.to_radians();
    let (cx, cy) = (cw as f32 / 2.0, ch as f32 / 2.0);
    let turn = |(x, y): (f32, f32)| {
        let (dx, dy) = (x - cx, y - cy);
        (
            cx + dx * a.cos() - dy * a.sin(),
            cy + dx * a.sin() + dy * a.cos(),
        )
    };
    let dst = [
        turn((mx + w * 0.02, my)),
        turn((mx + w * 0.99, my + h * 0.01)),
        turn((mx + w, my + h * 0.99)),
        turn((mx, my + h)),
    ];
    let proj = Projection::from_control_points(src, dst).expect("projection");
    let mut canvas = RgbImage::new(cw, ch);
    let mut placed = RgbImage::new(cw, ch);
    warp_into(
        page,
        proj,
        Interpolation::Bilinear,
        Border::Constant(Rgb([1, 2, 3])),
        &mut placed,
    );
    for (x, y, p) in canvas.enumerate_pixels_mut() {
        let s = *placed.get_pixel(x, y);
        let desk = 70.0 + ((x / 9 + y / 23) % 7) as f32 * 6.0 + n.unit() * 20.0;
        let base = if s == Rgb([1, 2, 3]) {
            [desk * 1.1, desk * 0.9, desk * 0.75]
        } else {
            [s.0[0] as f32, s.0[1] as f32 * 0.97, s.0[2] as f32 * 0.9]
        };
        // shadow: the left third, hard-edged, along a slanted line
        let shade = if (x as f32) < cw as f32 * 0.3 + y as f32 * 0.05 {
            0.55
        } else {
            1.0
        };
        let noise = (n.unit() - 0.5) * 16.0;
        *p = Rgb(base.map(|c| (c * shade + noise).clamp(0.0, 255.0) as u8));
    }
    canvas
}

/// Scaled by `f` (a 200-DPI page at 0.75 is a 150-DPI capture).
fn scaled(page: &RgbImage, f: f32) -> RgbImage {
    let (w, h) = page.dimensions();
    image::imageops::resize(
        page,
        (w as f32 * f) as u32,
        (h as f32 * f) as u32,
        image::imageops::FilterType::Triangle,
    )
}

/// Dust and toner specks of 1–3 px over the whole page, ~0.3 % of it, many landing right beside
/// characters where they pass for decimal points and colons.
fn dusty(page: &RgbImage, n: &mut Noise) -> RgbImage {
    let mut out = page.clone();
    let (w, h) = out.dimensions();
    for _ in 0..(w * h / 1000) {
        let (x, y) = ((n.next() % w as u64) as u32, (n.next() % h as u64) as u32);
        let s = 1 + (n.next() % 3) as u32;
        let v = (20.0 + n.unit() * 60.0) as u8;
        for yy in y..(y + s).min(h) {
            for xx in x..(x + s).min(w) {
                out.put_pixel(xx, yy, Rgb([v, v, v]));
            }
        }
    }
    out
}

/// A curled sheet: rows bend down toward the right edge by up to 1 % of the page height.
fn curled(page: &RgbImage) -> RgbImage {
    let (w, h) = page.dimensions();
    let amp = h as f32 * 0.01;
    RgbImage::from_fn(w, h, |x, y| {
        let t = x as f32 / w as f32;
        let sy = y as f32 - amp * t * t;
        if sy < 0.0 || sy >= (h - 1) as f32 {
            Rgb([250, 250, 250])
        } else {
            *page.get_pixel(x, sy as u32)
        }
    })
}

#[test]
fn degraded_copies_of_a_form_give_its_records() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !models_present(root) {
        return;
    }
    let src = root.join("samples/scan/c-yuan-form.pdf");
    let bytes = std::fs::read(&src).unwrap();
    let cfg = Config::default();
    let page = PdfFile::open(&src, &bytes, &cfg)
        .unwrap()
        .page_raster(1, &cfg)
        .unwrap()
        .image;
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    let mut n = Noise(0x9E37_79B9_7F4A_7C15);
    // JIXIAO_DUMP=DIR keeps a copy of the degraded pages for a look.
    let dump = std::env::var_os("JIXIAO_DUMP").map(std::path::PathBuf::from);
    let save = |name: &str, img: image::DynamicImage| {
        img.save(inp.join(format!("{name}.png"))).unwrap();
        if let Some(d) = &dump {
            img.save(d.join(format!("{name}.png"))).unwrap();
        }
        name.to_string()
    };
    let variants = [
        save(
            "turned90",
            image::DynamicImage::ImageRgb8(image::imageops::rotate90(&page)),
        ),
        save(
            "upside-down",
            image::DynamicImage::ImageRgb8(image::imageops::rotate180(&page)),
        ),
        save(
            "bilevel-speckle",
            image::DynamicImage::ImageLuma8(bilevel_speckled(&page, &mut n)),
        ),
        save(
            "desk-photo",
            image::DynamicImage::ImageRgb8(desk_photo(&page, &mut n)),
        ),
        save("curled", image::DynamicImage::ImageRgb8(curled(&page))),
        // a phone photo taken with the sheet sideways, at 150 DPI
        save(
            "desk-photo-turned",
            image::DynamicImage::ImageRgb8(desk_photo(
                &scaled(&image::imageops::rotate90(&page), 0.75),
                &mut n,
            )),
        ),
        save(
            "dusty-150dpi",
            image::DynamicImage::ImageRgb8(dusty(&scaled(&page, 0.75), &mut n)),
        ),
    ];
    // A continuation page held sideways: a few rows of the form and blank paper below (too
    // little text for the ink to say which way it runs). Only its orientation is checked.
    let sparse = {
        let (w, h) = page.dimensions();
        let mut p = RgbImage::from_pixel(w, h, Rgb([250, 250, 250]));
        let keep = image::imageops::crop_imm(&page, 0, 0, w, h / 4).to_image();
        image::imageops::replace(&mut p, &keep, 0, 0);
        image::imageops::rotate90(&p)
    };
    save("sparse-turned", image::DynamicImage::ImageRgb8(sparse));
    let out = dir.path().join("out");
    run_jixiao(root, &inp, &out);
    let gold = jsonl(&root.join("samples/scan/c-yuan-form.expected.jsonl"));
    let records = jsonl(&out.join("records.jsonl"));
    let pages = jsonl(&out.join("pages.jsonl"));
    // A variant's records and its page's quality, by file name.
    let of = |v: &str, r: &serde_json::Value| {
        r["source"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(&format!("{v}.png")))
    };
    let q = |v: &str| {
        pages
            .iter()
            .find(|p| of(v, p))
            .map(|p| p["quality"].clone())
            .unwrap_or_default()
    };
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for v in &variants {
        let (mut ok, mut total) = (0, 0);
        let weak = KNOWN_WEAK.contains(&v.as_str());
        for g in &gold {
            let found = records
                .iter()
                .filter(|p| of(v, p))
                .find(|p| fold(&p["project"]["name"]) == fold(&g["project"]["name"]));
            match found {
                Some(p) => {
                    let (a, b) = score_record(g, p);
                    ok += a;
                    total += b;
                }
                None if weak => {}
                None => failures.push(format!("{v}: form {} not found", g["project"]["name"])),
            }
        }
        let acc = if total > 0 {
            ok as f64 / total as f64
        } else {
            0.0
        };
        report.push(format!("{v}: field_acc {acc:.3} ({ok}/{total}) {}", q(v)));
        if acc < MIN_FIELD_ACC && !weak {
            failures.push(format!("{v}: field_acc {acc:.3} < {MIN_FIELD_ACC}"));
        }
    }
    // What preprocessing reports must match what was done to the page.
    assert_eq!(q("turned90")["turned_deg"], 270, "{}", report.join("\n"));
    assert_eq!(q("upside-down")["turned_deg"], 180, "{}", report.join("\n"));
    assert_eq!(
        q("sparse-turned")["turned_deg"],
        270,
        "{}",
        report.join("\n")
    );
    assert_eq!(
        q("desk-photo-turned")["turned_deg"],
        270,
        "{}",
        report.join("\n")
    );
    assert!(
        q("desk-photo")["sheet_quad"].is_array(),
        "{}",
        report.join("\n")
    );
    assert!(q("curled")["sheet_quad"].is_null(), "{}", report.join("\n"));
    assert!(
        q("bilevel-speckle")["specks_per_in2"]
            .as_f64()
            .unwrap_or(0.0)
            > 1.0,
        "{}",
        report.join("\n")
    );
    eprintln!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.join("\n"),
        report.join("\n")
    );
}
