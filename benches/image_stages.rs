//! Image-stage benchmarks of the scanned-page path, beside the text-track ones in `stages.rs`:
//! preprocess (flatten, deskew, orient the raster), grid (rulings → cells), line finding (every
//! cell of the page split into text lines) and greedy CTC decoding of one recogniser output.
//! The OCR model itself is not benchmarked here (`jixiao bench` measures it on real pages).
//!
//! Input: the page image in `samples/scan/` (a 300-DPI form, committed), so the bench needs
//! neither pdfium nor the models. As in `stages.rs`, each stage is also reported relative to a
//! reference measured in the same run (sha256 over the page's pixels), because the two cores are
//! shared. Run: `cargo bench --bench image_stages`.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use image::RgbImage;
use sha2::{Digest, Sha256};

use jixiao::config::Config;
use jixiao::ocr::ctc::{greedy_decode, Charset};

fn page() -> RgbImage {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/scan/d-coded-levels.png");
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    jixiao::render::load_image(&p, &bytes, &Config::default())
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .image
}

/// Every cell of every table, cropped from the prepared page (what line finding gets).
fn cell_crops(prep: &jixiao::preprocess::Prepared, grid: &jixiao::grid::Grid) -> Vec<RgbImage> {
    let (w, h) = prep.rgb.dimensions();
    grid.tables
        .iter()
        .flat_map(|t| t.cells.iter().map(|c| c.inner))
        .filter_map(|[x0, y0, x1, y1]| {
            let x0 = x0.max(0.0) as u32;
            let y0 = y0.max(0.0) as u32;
            let x1 = (x1.max(0.0) as u32).min(w);
            let y1 = (y1.max(0.0) as u32).min(h);
            (x1 > x0 + 2 && y1 > y0 + 2)
                .then(|| image::imageops::crop_imm(&prep.rgb, x0, y0, x1 - x0, y1 - y0).to_image())
        })
        .collect()
}

/// A recogniser output of `t` frames over the PP-OCRv6 alphabet's size: mostly blank frames,
/// one character every fourth frame (as a line of print reads).
fn ctc_output(t: usize, c: usize) -> Vec<f32> {
    let mut p = vec![1e-6f32; t * c];
    for f in 0..t {
        let class = if f % 4 == 1 {
            1 + (f * 7919) % (c - 1)
        } else {
            0
        };
        p[f * c + class] = 0.97;
    }
    p
}

fn median_secs(mut f: impl FnMut()) -> f64 {
    let mut v: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn image_stages(c: &mut Criterion) {
    let cfg = Config::default();
    let img = page();
    let prep = jixiao::preprocess::prepare(&img, &cfg).expect("the sample page prepares");
    let grid = jixiao::grid::detect(&prep.gray);
    let crops = cell_crops(&prep, &grid);
    // PP-OCRv6 small: 18 710 classes; a 480-px line gives 60 frames.
    let (t, n_classes) = (60usize, 18_710usize);
    let dict: String = (1..n_classes - 1)
        .map(|i| char::from_u32(0x4e00 + i as u32).unwrap_or('?').to_string() + "\n")
        .collect();
    let charset = Charset::from_metadata(&dict, n_classes).expect("charset");
    let probs = ctc_output(t, n_classes);

    let mut g = c.benchmark_group("image_stages");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));
    g.bench_function("reference_sha256_page", |b| {
        b.iter(|| black_box(Sha256::digest(img.as_raw())))
    });
    g.bench_function("preprocess", |b| {
        b.iter(|| black_box(jixiao::preprocess::prepare(&img, &cfg)))
    });
    g.bench_function("grid", |b| {
        b.iter(|| black_box(jixiao::grid::detect(&prep.gray)))
    });
    g.bench_function("line_finding", |b| {
        b.iter(|| {
            for crop in &crops {
                black_box(jixiao::ocr::split_lines(crop));
            }
        })
    });
    g.bench_function("ctc_decode_60_frames", |b| {
        b.iter(|| black_box(greedy_decode(&probs, t, n_classes, &charset, 4000)))
    });
    g.finish();

    let base = median_secs(|| {
        black_box(Sha256::digest(img.as_raw()));
    })
    .max(1e-9);
    let rel = [
        (
            "preprocess",
            median_secs(|| drop(black_box(jixiao::preprocess::prepare(&img, &cfg)))),
        ),
        (
            "grid",
            median_secs(|| drop(black_box(jixiao::grid::detect(&prep.gray)))),
        ),
        (
            "line_finding",
            median_secs(|| {
                for crop in &crops {
                    black_box(jixiao::ocr::split_lines(crop));
                }
            }),
        ),
        (
            "ctc_decode",
            median_secs(|| {
                drop(black_box(greedy_decode(
                    &probs, t, n_classes, &charset, 4000,
                )))
            }),
        ),
    ];
    println!(
        "\none {}×{} page, {} tables, {} cells; times relative to sha256 of its pixels ({:.3} ms):",
        img.width(),
        img.height(),
        grid.tables.len(),
        crops.len(),
        base * 1e3
    );
    for (name, s) in rel {
        println!(
            "  {name:<14} {:>8.2}× reference  ({:.3} ms)",
            s / base,
            s * 1e3
        );
    }
}

criterion_group!(benches, image_stages);
criterion_main!(benches);
