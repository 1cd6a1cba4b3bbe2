//! `jixiao bench`: throughput, per-stage times and peak memory of the real page path (the same
//! `process_bytes` a run uses), at several worker counts; the same page images through a plain
//! `tesseract PAGE -l chi_sim --psm 3` CLI pass for a ratio; and a memory-flatness mode that
//! cycles the inputs' pages and reports peak RSS at 100 pages and at the end; and the
//! born-digital pages of the inputs read from their text layer vs the same pages through OCR.
//!
//! Inputs are read into memory first so disk speed is not measured, and each worker count gets
//! its engines loaded before the clock starts (model loading is a one-off, not throughput).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};

use super::engines::EnginePool;
use super::inputs::{self, InputFile, InputKind};
use super::store::FileResult;
use super::{Ctx, Progress};

pub struct BenchOptions {
    pub inputs: Vec<PathBuf>,
    pub config: Config,
    pub workers: Vec<usize>,
    pub tesseract_cli: bool,
    /// Memory-flatness mode: this many pages.
    pub pages: Option<usize>,
    /// Text layer vs OCR on the same born-digital pages: OCR at most this many of them.
    pub digital_vs_ocr: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct WorkerRun {
    pub workers: usize,
    pub pages: usize,
    pub seconds: f64,
    pub pages_per_s: f64,
    /// pages_per_s ÷ workers.
    pub pages_per_s_per_core: f64,
    pub files_per_s: f64,
    /// CPU seconds (user + system) this process spent during the measurement, and per page:
    /// on a machine others share, steadier than wall time.
    pub cpu_seconds: Option<f64>,
    pub cpu_ms_per_page: Option<f64>,
    /// The recogniser's work: inference calls and lines read per page, and the padded width
    /// its calls ran over ÷ the lines' own width (1.0 = no padding).
    pub recogniser: crate::ocr::RecogniserStats,
    pub recogniser_calls_per_page: f64,
    pub lines_per_page: f64,
    pub padding: Option<f64>,
    /// Summed over pages and files (CPU-side work of all workers, not wall time).
    pub stage_ms: BTreeMap<String, u64>,
    pub stage_ms_per_page: BTreeMap<String, f64>,
    /// Peak resident memory of this process during this measurement (MiB).
    pub peak_rss_mib: Option<f64>,
    pub errors: usize,
    /// Per capture style: inputs grouped by the last dash-separated word of their file name
    /// (`001-04-hard.pdf` → `hard`, as `../shared/dev` and `tools/degrade.py` name them).
    /// CPU milliseconds per page (the sum of a page's stages), so styles compare whatever
    /// the worker count.
    pub by_style: BTreeMap<String, StyleRun>,
}

#[derive(Debug, Serialize)]
pub struct StyleRun {
    pub pages: usize,
    pub ms_per_page: f64,
    pub stage_ms_per_page: BTreeMap<String, f64>,
    /// ms_per_page ÷ that of the `camscanner` style in the same run, when there is one.
    pub vs_camscanner: Option<f64>,
}

/// `001-04-hard.pdf` → `hard`; a name without a dash is its own style.
fn style_of(path: &std::path::Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    stem.rsplit('-').next().unwrap_or(&stem).to_string()
}

fn by_style(files: &[Loaded], results: &[FileResult]) -> BTreeMap<String, StyleRun> {
    let mut acc: BTreeMap<String, (usize, BTreeMap<String, u64>)> = BTreeMap::new();
    for (f, r) in files.iter().zip(results) {
        let e = acc.entry(style_of(&f.input.path)).or_default();
        e.0 += r.pages.len();
        for (k, v) in r.pages.iter().flat_map(|p| p.ms.iter()) {
            *e.1.entry(k.clone()).or_default() += v;
        }
    }
    let per_page = |(n, ms): &(usize, BTreeMap<String, u64>)| {
        ms.get("page").copied().unwrap_or(0) as f64 / (*n).max(1) as f64
    };
    let reference = acc.get("camscanner").map(per_page);
    acc.iter()
        .map(|(k, e)| {
            let mpp = per_page(e);
            let run = StyleRun {
                pages: e.0,
                ms_per_page: mpp,
                stage_ms_per_page: e
                    .1
                    .iter()
                    .map(|(s, v)| (s.clone(), *v as f64 / e.0.max(1) as f64))
                    .collect(),
                vs_camscanner: reference.filter(|&r| r > 0.0).map(|r| mpp / r),
            };
            (k.clone(), run)
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct CliRun {
    pub workers: usize,
    pub pages: usize,
    pub seconds: f64,
    pub pages_per_s: f64,
    /// jixiao pages/s ÷ tesseract CLI pages/s at the same worker count.
    pub jixiao_ratio: Option<f64>,
    pub failures: usize,
}

#[derive(Debug, Serialize)]
pub struct MemoryRun {
    pub workers: usize,
    pub pages: usize,
    pub seconds: f64,
    pub peak_rss_mib_at_100: Option<f64>,
    pub peak_rss_mib_at_end: Option<f64>,
    /// End ÷ at-100 peak: ≈ 1 when memory stays flat.
    pub growth: Option<f64>,
}

/// The born-digital pages of the PDF inputs read from their text layer, and the same pages
/// rendered and read through the scanned path (preprocess, grid, OCR), one thread each.
#[derive(Debug, Serialize)]
pub struct DigitalVsOcr {
    /// Pages read from the text layer (every born-digital page of the inputs).
    pub digital_pages: usize,
    pub digital_ms_per_page: f64,
    /// The first of those pages (per file) rendered and OCR'd.
    pub ocr_pages: usize,
    pub ocr_ms_per_page: f64,
    /// OCR ms/page ÷ text-layer ms/page.
    pub ratio: f64,
}

#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub inputs: Vec<String>,
    pub engine: crate::config::EngineKind,
    pub pages_per_pass: usize,
    pub runs: Vec<WorkerRun>,
    /// Pages/s at the largest worker count ÷ pages/s at 1 worker.
    pub speedup: Option<f64>,
    pub tesseract_cli: Vec<CliRun>,
    /// Peak RSS of the largest tesseract child (MiB).
    pub tesseract_peak_rss_mib: Option<f64>,
    pub memory: Option<MemoryRun>,
    pub digital_vs_ocr: Option<DigitalVsOcr>,
    pub notes: Vec<String>,
}

struct Loaded {
    input: InputFile,
    bytes: Vec<u8>,
    sha256: String,
    kind: InputKind,
}

fn load(paths: &[PathBuf], cfg: &Config, notes: &mut Vec<String>) -> Result<Vec<Loaded>> {
    let mut out = Vec::new();
    for inp in inputs::discover(paths, &cfg.input)? {
        let bytes = std::fs::read(&inp.path).map_err(|e| Error::io(&inp.path, e))?;
        match inputs::sniff(&bytes, &inp.path) {
            Ok(kind) => out.push(Loaded {
                sha256: inputs::sha256_bytes(&bytes),
                input: inp,
                bytes,
                kind,
            }),
            Err(reason) => notes.push(format!("{}: skipped: {reason}", inp.display)),
        }
    }
    if out.is_empty() {
        return Err(Error::Config("bench: no readable inputs".into()));
    }
    Ok(out)
}

/// Peak resident set size of this process (VmHWM), in MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU seconds (user + system) of this process so far.
fn cpu_seconds() -> Option<f64> {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (rc == 0).then(|| secs(ru.ru_utime) + secs(ru.ru_stime))
}

/// Resets the peak-RSS mark so the next reading covers only what follows (Linux ≥ 4.0).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn process_all(files: &[Loaded], ctx: &Ctx) -> Vec<FileResult> {
    files
        .par_iter()
        .with_max_len(1)
        .map(|f| {
            super::process_bytes(
                &f.input,
                f.bytes.clone(),
                f.sha256.clone(),
                f.kind,
                String::new(),
                ctx,
            )
        })
        .collect()
}

fn pool(workers: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|e| Error::Config(format!("thread pool: {e}")))
}

/// Loads one engine on every worker thread before timing, when any input needs OCR.
fn warm_engines(pool: &rayon::ThreadPool, engines: &EnginePool, files: &[Loaded]) {
    if files.iter().any(|f| f.kind != InputKind::Text) {
        pool.broadcast(|_| {
            let _ = engines.with_engine(|_| ());
        });
    }
}

fn measure(files: &[Loaded], cfg: &Config, workers: usize) -> Result<WorkerRun> {
    let pool = pool(workers)?;
    let engines = EnginePool::new(&cfg.ocr, pool.current_num_threads());
    let progress = Progress::hidden();
    let ctx = Ctx {
        cfg,
        engines: &engines,
        progress: &progress,
    };
    warm_engines(&pool, &engines, files);
    let reset = reset_peak_rss();
    let stats_before = engines.stats();
    let cpu_before = cpu_seconds();
    let t = Instant::now();
    let results = pool.install(|| process_all(files, &ctx));
    let seconds = t.elapsed().as_secs_f64();
    let cpu = cpu_before.zip(cpu_seconds()).map(|(a, b)| b - a);
    let rec = engines.stats().since(&stats_before);
    let mut stage_ms: BTreeMap<String, u64> = BTreeMap::new();
    for r in &results {
        for (k, v) in r
            .stage_ms
            .iter()
            .chain(r.pages.iter().flat_map(|p| p.ms.iter()))
        {
            *stage_ms.entry(k.clone()).or_default() += v;
        }
    }
    let pages: usize = results.iter().map(|r| r.pages.len()).sum();
    let per = pages.max(1) as f64;
    Ok(WorkerRun {
        workers,
        pages,
        seconds,
        pages_per_s: pages as f64 / seconds.max(1e-9),
        pages_per_s_per_core: pages as f64 / seconds.max(1e-9) / workers.max(1) as f64,
        files_per_s: files.len() as f64 / seconds.max(1e-9),
        cpu_seconds: cpu,
        cpu_ms_per_page: cpu.map(|c| c * 1000.0 / per),
        recogniser: rec,
        recogniser_calls_per_page: rec.runs as f64 / per,
        lines_per_page: rec.lines as f64 / per,
        padding: (rec.line_px > 0).then(|| rec.padded_px as f64 / rec.line_px as f64),
        stage_ms_per_page: stage_ms
            .iter()
            .map(|(k, v)| (k.clone(), *v as f64 / per))
            .collect(),
        stage_ms,
        peak_rss_mib: if reset { peak_rss_mib() } else { None },
        errors: results.iter().map(|r| r.errors.len()).sum(),
        by_style: by_style(files, &results),
    })
}

/// Cycles the inputs until `n` pages are done, in batches of a few files so results are
/// dropped as they come (as a run does after storing them).
fn memory_run(files: &[Loaded], cfg: &Config, workers: usize, n: usize) -> Result<MemoryRun> {
    let pool = pool(workers)?;
    let engines = EnginePool::new(&cfg.ocr, pool.current_num_threads());
    let progress = Progress::hidden();
    let ctx = Ctx {
        cfg,
        engines: &engines,
        progress: &progress,
    };
    let reset = reset_peak_rss();
    let t = Instant::now();
    let done = AtomicUsize::new(0);
    let mut at_100 = None;
    let batch = (pool.current_num_threads() * 2).max(1);
    let mut cursor = 0usize;
    while done.load(Ordering::Relaxed) < n {
        let idx: Vec<usize> = (0..batch).map(|k| (cursor + k) % files.len()).collect();
        cursor += batch;
        let before = done.load(Ordering::Relaxed);
        pool.install(|| {
            idx.par_iter().with_max_len(1).for_each(|&i| {
                let f = &files[i];
                let r = super::process_bytes(
                    &f.input,
                    f.bytes.clone(),
                    f.sha256.clone(),
                    f.kind,
                    String::new(),
                    &ctx,
                );
                done.fetch_add(r.pages.len().max(1), Ordering::Relaxed);
            })
        });
        if at_100.is_none() && before < 100 && done.load(Ordering::Relaxed) >= 100 {
            at_100 = peak_rss_mib();
        }
    }
    let end = peak_rss_mib();
    let (at_100, end) = if reset { (at_100, end) } else { (None, None) };
    Ok(MemoryRun {
        workers,
        pages: done.load(Ordering::Relaxed),
        seconds: t.elapsed().as_secs_f64(),
        peak_rss_mib_at_100: at_100,
        peak_rss_mib_at_end: end,
        growth: at_100.zip(end).map(|(a, b)| b / a),
    })
}

/// Writes every scanned page as PNG (outside any timing) for the tesseract CLI pass.
fn page_images(files: &[Loaded], cfg: &Config, dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in files {
        let rasters: Vec<crate::render::PageRaster> = match f.kind {
            InputKind::Text => Vec::new(),
            InputKind::Image => crate::render::load_image(&f.input.path, &f.bytes, cfg)
                .into_iter()
                .collect(),
            InputKind::Pdf => match crate::render::PdfFile::open(&f.input.path, &f.bytes, cfg) {
                Ok(pdf) => (1..=pdf.n_pages())
                    .filter_map(|n| pdf.page_raster(n, cfg).ok())
                    .collect(),
                Err(_) => Vec::new(),
            },
        };
        for r in rasters {
            let p = dir.join(format!("page-{:05}.png", out.len() + 1));
            if r.image.save(&p).is_ok() {
                out.push(p);
            }
        }
    }
    out
}

fn tesseract_pass(images: &[PathBuf], workers: usize) -> (f64, usize) {
    let next = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(img) = images.get(i) else { break };
                let ok = std::process::Command::new("tesseract")
                    .arg(img)
                    .arg("stdout")
                    .args(["-l", "chi_sim", "--psm", "3"])
                    .env("OMP_THREAD_LIMIT", "1")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                if !ok {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    (t.elapsed().as_secs_f64(), failures.load(Ordering::Relaxed))
}

fn digital_vs_ocr(files: &[Loaded], cfg: &Config, max_ocr: usize) -> Result<Option<DigitalVsOcr>> {
    let mut engine = crate::ocr::new_engine(&cfg.ocr)?;
    let (mut d_pages, mut d_secs, mut o_pages, mut o_secs) = (0usize, 0f64, 0usize, 0f64);
    for f in files.iter().filter(|f| f.kind == InputKind::Pdf) {
        let t = Instant::now();
        let Ok(pages) = crate::digital::read_pdf(&f.input.path, &f.bytes, cfg) else {
            continue;
        };
        let numbers: Vec<u32> = crate::digital::split(pages)
            .0
            .iter()
            .map(|p| p.number)
            .collect();
        d_secs += t.elapsed().as_secs_f64();
        d_pages += numbers.len();
        let budget = max_ocr.saturating_sub(o_pages);
        if numbers.is_empty() || budget == 0 {
            continue;
        }
        let t = Instant::now();
        let pdf = crate::render::PdfFile::open(&f.input.path, &f.bytes, cfg)?;
        for &n in numbers.iter().take(budget) {
            let raster = pdf.page_raster(n, cfg)?;
            crate::table::image::read_scanned_page(&raster, n, engine.as_mut(), cfg)?;
            o_pages += 1;
        }
        o_secs += t.elapsed().as_secs_f64();
    }
    if d_pages == 0 || o_pages == 0 {
        return Ok(None);
    }
    let d = d_secs * 1000.0 / d_pages as f64;
    let o = o_secs * 1000.0 / o_pages as f64;
    Ok(Some(DigitalVsOcr {
        digital_pages: d_pages,
        digital_ms_per_page: d,
        ocr_pages: o_pages,
        ocr_ms_per_page: o,
        ratio: o / d.max(1e-9),
    }))
}

fn children_peak_rss_mib() -> Option<f64> {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    (rc == 0 && ru.ru_maxrss > 0).then(|| ru.ru_maxrss as f64 / 1024.0)
}

pub fn run(opts: &BenchOptions) -> Result<BenchReport> {
    let cfg = &opts.config;
    cfg.validate()?;
    let mut notes = Vec::new();
    let files = load(&opts.inputs, cfg, &mut notes)?;
    let mut runs = Vec::new();
    for &w in &opts.workers {
        runs.push(measure(&files, cfg, w.max(1))?);
    }
    // Files/s when no page came out (text files the reader found nothing in).
    let rate = |r: &WorkerRun| {
        if r.pages > 0 {
            r.pages_per_s
        } else {
            r.files_per_s
        }
    };
    let one = runs.iter().find(|r| r.workers == 1).map(rate);
    let most = runs.iter().max_by_key(|r| r.workers).map(rate);
    let speedup = one.zip(most).map(|(a, b)| b / a.max(1e-9));
    if runs.iter().any(|r| r.errors > 0) {
        notes
            .push("some pages failed (see errors per run): throughput counts them as pages".into());
    }

    let mut tesseract_cli = Vec::new();
    let mut tesseract_peak = None;
    if opts.tesseract_cli {
        let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let images = page_images(&files, cfg, dir.path());
        if images.is_empty() {
            notes.push(
                "tesseract CLI pass skipped: no page images (text inputs, or render unavailable)"
                    .into(),
            );
        } else {
            for &w in &opts.workers {
                let (seconds, failures) = tesseract_pass(&images, w.max(1));
                let pps = images.len() as f64 / seconds.max(1e-9);
                let ours = runs.iter().find(|r| r.workers == w).map(|r| r.pages_per_s);
                tesseract_cli.push(CliRun {
                    workers: w,
                    pages: images.len(),
                    seconds,
                    pages_per_s: pps,
                    jixiao_ratio: ours.map(|o| o / pps.max(1e-9)),
                    failures,
                });
            }
            tesseract_peak = children_peak_rss_mib();
        }
    }

    let memory = match opts.pages {
        Some(n) => Some(memory_run(
            &files,
            cfg,
            opts.workers.iter().copied().max().unwrap_or(1).max(1),
            n,
        )?),
        None => None,
    };
    let digital_vs_ocr = match opts.digital_vs_ocr {
        Some(n) => {
            let r = digital_vs_ocr(&files, cfg, n.max(1))?;
            if r.is_none() {
                notes
                    .push("digital vs OCR skipped: no born-digital PDF pages in the inputs".into());
            }
            r
        }
        None => None,
    };
    if !reset_peak_rss() {
        notes.push("peak RSS could not be reset (/proc/self/clear_refs): not reported".into());
    }
    Ok(BenchReport {
        inputs: files.iter().map(|f| f.input.display.clone()).collect(),
        engine: cfg.ocr.engine,
        pages_per_pass: runs.first().map(|r| r.pages).unwrap_or(0),
        runs,
        speedup,
        tesseract_cli,
        tesseract_peak_rss_mib: tesseract_peak,
        memory,
        digital_vs_ocr,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_rss_is_read_from_proc() {
        let v = peak_rss_mib().expect("Linux /proc/self/status");
        assert!(v > 0.0 && v < 1.0e6, "{v}");
    }
}
