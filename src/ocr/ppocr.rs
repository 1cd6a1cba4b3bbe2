//! PP-OCRv6 small text-line recogniser run with ONNX Runtime (loaded at run time from
//! `models/libonnxruntime.so`). Model: `PP-OCRv6_rec_small.onnx` from the rapidocr wheel
//! (Apache-2.0, see `models/LICENSE.rapidocr`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use image::RgbImage;
use ort::environment::Environment;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;

use super::ctc::{greedy_decode, Charset};
use super::{OcrEngine, RecogniserStats, Recognized};
use crate::config::OcrConfig;
use crate::error::{Error, Result};

pub const MODEL_FILE: &str = "PP-OCRv6_rec_small.onnx";
pub const RUNTIME_FILE: &str = "libonnxruntime.so";

/// The model's input height.
const HEIGHT: u32 = 48;
/// Narrower lines are padded to this width. PaddleOCR pads to 320 (the width the model was
/// trained at), but half the lines of a form are short cells (median 153 px at the model's
/// height) and the recogniser's cost grows with the padded width: on the dev pages the padded
/// batches were 1.70× the lines' own pixels. Measured on 001-04-hard + 001-02-camscanner (20
/// pages, one worker, same session): 320 → 68.3 s CPU, 240 → 61.2 s (−10 %) with field_acc and
/// cell_exact unchanged; 160 → 56.4 s and 0 (the batch's widest line) → 53.3 s both lost
/// field_acc on 001-04-hard (0.9892 → 0.9861 / 0.9846): short lines need some context.
const MIN_WIDTH: u32 = 240;
/// Guards the tensor size against degenerate crops (a 48-px line this wide holds ~100 characters).
const MAX_WIDTH: u32 = 4800;
/// Padded widths are rounded up to a multiple of this (the recogniser's frame is 8 px wide), so
/// lines of nearly the same width share a batch at the cost of at most 7 px of padding.
const WIDTH_STEP: u32 = 8;
/// Lines per inference call at most, and pixels of padded width per call at most. Only lines of
/// the same padded width share a call: measured with ONNX Runtime 1.32 on this model (one
/// thread), a batch costs exactly the sum of its lines (14.6 ms per 240-px line alone or in
/// eights), so batching saves no work and padding a line to its batch's widest is pure waste;
/// and a batch of eight wide lines made the run's largest tensors (and the arena that keeps
/// them) eight times larger: 310 → 134 MiB peak for the same 120 lines run one width at a time.
const BATCH: usize = 8;
const BATCH_PX: u32 = 8 * MIN_WIDTH;
/// Lines narrower than [`MIN_WIDTH`] are read side by side in strips this wide at most, this
/// far apart (one character's width of padding: each line's frames are decoded apart).
const STRIP_WIDTH: u32 = 960;
const GAP: u32 = 48;
/// Crops narrower than this are read alone, padded; from this width to [`MIN_WIDTH`] they
/// would be read side by side in strips. Strips are off (the range is empty): they cut the
/// recogniser's CPU by 17 % on the dev pages with dev accuracy equal, but on the degraded
/// copies a line read beside others is read worse than alone, padded: 001-01 speckle 0.916 →
/// 0.902, part-002-02 photo 0.983 → 0.971 and speckle 0.976 → 0.963, 001-03 speckle 0.931 →
/// 0.920 (field_acc, one run each way, 2026-12-07). At two characters (96 px) a speck beside a
/// cell's value was read as "1" or "日" at 0.85 in a strip; a lone "0" of a phone-scanned
/// funds table was lost at one (tests/print_scan_real.rs, Wanli p. 34).
const MIN_STRIP_LINE: u32 = MIN_WIDTH;

/// ONNX Runtime allows one environment per process and the library can be loaded only once, so
/// both are set up on first use and shared read-only by every engine afterwards.
static ENVIRONMENT: OnceLock<std::result::Result<Environment, String>> = OnceLock::new();

fn environment(runtime: &Path) -> Result<Environment> {
    ENVIRONMENT
        .get_or_init(|| {
            let builder = ort::init_from(runtime).map_err(|e| e.to_string())?;
            builder
                .with_name("jixiao")
                .build()
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|reason| engine_err(format!("loading {}: {reason}", runtime.display())))
}

fn engine_err(reason: impl Into<String>) -> Error {
    Error::Engine {
        engine: "ppocr".into(),
        reason: reason.into(),
    }
}

pub struct PpOcr {
    session: Session,
    charset: Charset,
    max_chars: usize,
    stats: RecogniserStats,
}

impl PpOcr {
    /// Loads the recogniser from `cfg.models_dir` (one session, one intra-op thread: parallelism
    /// comes from running one engine per page worker).
    pub fn new(cfg: &OcrConfig) -> Result<Self> {
        let dir = absolute(&cfg.models_dir);
        let model = dir.join(MODEL_FILE);
        if !model.is_file() {
            return Err(engine_err(format!(
                "{} not found (run scripts/fetch-models.sh)",
                model.display()
            )));
        }
        let env = environment(&dir.join(RUNTIME_FILE))?;
        let session = build_session(&env, &model)
            .map_err(|e| engine_err(format!("{}: {e}", model.display())))?;
        let n_classes = output_classes(&session)?;
        let dict = session
            .metadata()
            .map_err(|e| engine_err(e.to_string()))?
            .custom("character")
            .ok_or_else(|| engine_err("model has no `character` metadata"))?;
        let charset = Charset::from_metadata(&dict, n_classes)?;
        Ok(PpOcr {
            session,
            charset,
            max_chars: cfg.max_cell_chars,
            stats: RecogniserStats::default(),
        })
    }

    /// Runs one batch of lines (all padded to the widest) and decodes each.
    fn run_batch(&mut self, lines: &[&RgbImage]) -> Result<Vec<Recognized>> {
        let widths: Vec<u32> = lines.iter().map(|l| scaled_width(l)).collect();
        let width = batch_width(&widths);
        self.stats.runs += 1;
        self.stats.lines += lines.len() as u64;
        self.stats.line_px += widths.iter().map(|&w| w as u64).sum::<u64>();
        self.stats.padded_px += lines.len() as u64 * width as u64;
        let mut input = vec![0f32; lines.len() * 3 * (HEIGHT * width) as usize];
        let plane = (HEIGHT * width) as usize;
        for (k, (img, &w)) in lines.iter().zip(&widths).enumerate() {
            fill_input(
                img,
                w,
                width,
                &mut input[k * 3 * plane..(k + 1) * 3 * plane],
            );
        }
        let n = lines.len();
        self.infer(&input, n, width, |probs, t, c, charset, max_chars| {
            probs
                .chunks_exact(t * c)
                .map(|p| greedy_decode(p, t, c, charset, max_chars))
                .collect()
        })
    }

    /// Reads lines narrower than [`MIN_WIDTH`] side by side in one strip, [`GAP`] px of padding
    /// apart, and decodes each from its own frames. Padding each alone to `MIN_WIDTH` spent a
    /// quarter of the recogniser's work on padding (dev hard and camscanner pages: padded width
    /// 1.35× the lines' own), and reading them alone without it lost accuracy: a short cell
    /// needs context, which its neighbours in the strip give.
    fn run_strip(&mut self, lines: &[&RgbImage]) -> Result<Vec<Recognized>> {
        let widths: Vec<u32> = lines.iter().map(|l| scaled_width(l)).collect();
        let mut starts = Vec::with_capacity(lines.len());
        let mut x = 0u32;
        for &w in &widths {
            starts.push(x);
            x += w + GAP;
        }
        let width = batch_width(&[x.saturating_sub(GAP)]);
        self.stats.runs += 1;
        self.stats.lines += lines.len() as u64;
        self.stats.line_px += widths.iter().map(|&w| w as u64).sum::<u64>();
        self.stats.padded_px += width as u64;
        let mut input = vec![0f32; 3 * (HEIGHT * width) as usize];
        for ((img, &w), &x0) in lines.iter().zip(&widths).zip(&starts) {
            fill_input_at(img, w, x0, width, &mut input);
        }
        self.infer(&input, 1, width, |probs, t, c, charset, max_chars| {
            widths
                .iter()
                .zip(&starts)
                .map(|(&w, &x0)| {
                    let (a, b) = frames_of(x0, w, width, t);
                    greedy_decode(&probs[a * c..b * c], b - a, c, charset, max_chars)
                })
                .collect()
        })
    }

    /// Runs the model on `n` lines of `width` (CHW each, in `input`) and hands the output
    /// (`n` × t frames × c classes) to `decode`.
    fn infer<R>(
        &mut self,
        input: &[f32],
        n: usize,
        width: u32,
        decode: impl FnOnce(&[f32], usize, usize, &Charset, usize) -> Vec<R>,
    ) -> Result<Vec<R>> {
        let shape = [n, 3, HEIGHT as usize, width as usize];
        let tensor =
            TensorRef::from_array_view((shape, input)).map_err(|e| engine_err(e.to_string()))?;
        let outputs = self
            .session
            .run(ort::inputs![tensor])
            .map_err(|e| engine_err(e.to_string()))?;
        let (shape, probs) = outputs[0]
            .try_extract_tensor::<f32>()
            .map_err(|e| engine_err(e.to_string()))?;
        let dims: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
        let [on, t, c] = dims[..] else {
            return Err(engine_err(format!("unexpected output shape {dims:?}")));
        };
        if on != n || c != self.charset.len() || probs.len() != n * t * c || t == 0 {
            return Err(engine_err(format!("unexpected output shape {dims:?}")));
        }
        Ok(decode(probs, t, c, &self.charset, self.max_chars))
    }
}

/// The output frames `[a, b)` that belong to a line at `x0..x0 + w` of a strip `width` px wide
/// read as `t` frames: the line's columns and half the gap on either side, at least one frame.
fn frames_of(x0: u32, w: u32, width: u32, t: usize) -> (usize, usize) {
    let scale = t as f64 / width.max(1) as f64;
    let lo = x0.saturating_sub(GAP / 2) as f64 * scale;
    let hi = (x0 + w + GAP / 2) as f64 * scale;
    let a = (lo.floor() as usize).min(t - 1);
    let b = (hi.ceil() as usize).clamp(a + 1, t);
    (a, b)
}

impl OcrEngine for PpOcr {
    fn name(&self) -> &'static str {
        "ppocr"
    }

    fn recognize_line(&mut self, img: &RgbImage) -> Result<Recognized> {
        if img.width() == 0 || img.height() == 0 {
            return Ok(Recognized::default());
        }
        Ok(self.run_batch(&[img])?.pop().unwrap_or_default())
    }

    fn recognize_lines(&mut self, imgs: &[RgbImage]) -> Result<Vec<Recognized>> {
        let mut out = vec![Recognized::default(); imgs.len()];
        let padded: Vec<u32> = imgs
            .iter()
            .map(|i| batch_width(&[scaled_width(i)]))
            .collect();
        let (short, order): (Vec<usize>, Vec<usize>) = (0..imgs.len())
            .filter(|&i| imgs[i].width() > 0 && imgs[i].height() > 0)
            .partition(|&i| (MIN_STRIP_LINE..MIN_WIDTH).contains(&scaled_width(&imgs[i])));
        for strip in strips(short, &imgs.iter().map(scaled_width).collect::<Vec<_>>()) {
            let lines: Vec<&RgbImage> = strip.iter().map(|&i| &imgs[i]).collect();
            for (&i, r) in strip.iter().zip(self.run_strip(&lines)?) {
                out[i] = r;
            }
        }
        for chunk in batches(order, &padded) {
            let batch: Vec<&RgbImage> = chunk.iter().map(|&i| &imgs[i]).collect();
            for (&i, r) in chunk.iter().zip(self.run_batch(&batch)?) {
                out[i] = r;
            }
        }
        Ok(out)
    }

    fn stats(&self) -> RecogniserStats {
        self.stats
    }
}

/// Short lines (indices into `widths`, scaled widths) packed into strips of at most
/// [`STRIP_WIDTH`] px, lines and gaps included, in the given order.
fn strips(lines: Vec<usize>, widths: &[u32]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut x = 0u32;
    for i in lines {
        let w = widths[i] + GAP;
        match out.last_mut() {
            Some(s) if x + w <= STRIP_WIDTH + GAP => {
                s.push(i);
                x += w;
            }
            _ => {
                out.push(vec![i]);
                x = w;
            }
        }
    }
    out
}

/// `order` (line indices) grouped into runs of the same padded width (`padded[i]`), at most
/// [`BATCH`] lines and [`BATCH_PX`] padded pixels of width each (one line at least), narrowest
/// first.
fn batches(mut order: Vec<usize>, padded: &[u32]) -> Vec<Vec<usize>> {
    order.sort_by_key(|&i| (padded[i], i));
    let mut out: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let w = padded[i];
        let cap = ((BATCH_PX / w.max(1)) as usize).clamp(1, BATCH);
        match out.last_mut() {
            Some(b) if padded[b[0]] == w && b.len() < cap => b.push(i),
            _ => out.push(vec![i]),
        }
    }
    out
}

fn build_session(env: &Environment, model: &Path) -> std::result::Result<Session, String> {
    let s = |e: &dyn std::fmt::Display| e.to_string();
    Session::builder(env)
        .map_err(|e| s(&e))?
        .with_intra_threads(1)
        .map_err(|e| s(&e))?
        .with_inter_threads(1)
        .map_err(|e| s(&e))?
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(|e| s(&e))?
        // Memory patterns are planned per input shape and kept for each shape seen; every line
        // width is a new shape, so they only grow the session (and measured no faster).
        .with_memory_pattern(false)
        .map_err(|e| s(&e))?
        .commit_from_file(model)
        .map_err(|e| s(&e))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn output_classes(session: &Session) -> Result<usize> {
    session
        .outputs()
        .first()
        .and_then(|o| o.dtype().tensor_shape())
        .and_then(|s| s.last().copied())
        .filter(|&c| c > 0)
        .map(|c| c as usize)
        .ok_or_else(|| engine_err("model output has no fixed class dimension"))
}

/// The width a batch is padded to: its widest line rounded up to [`WIDTH_STEP`], and at least
/// [`MIN_WIDTH`].
fn batch_width(widths: &[u32]) -> u32 {
    widths
        .iter()
        .copied()
        .max()
        .unwrap_or(MIN_WIDTH)
        .next_multiple_of(WIDTH_STEP)
        .max(MIN_WIDTH)
}

/// Width of `img` scaled to the model's height, keeping its aspect ratio.
fn scaled_width(img: &RgbImage) -> u32 {
    let (w, h) = img.dimensions();
    if h == 0 {
        return 1;
    }
    let sw = (HEIGHT as f64 * w as f64 / h as f64).ceil();
    (sw as u32).clamp(1, MAX_WIDTH)
}

/// Writes `img` resized to `HEIGHT` × `w` into one CHW slot of width `width`, as PaddleOCR
/// does: BGR channel order, (x/255 − 0.5)/0.5, and the padding on the right left at 0 (mid-grey
/// after normalisation — what the model saw in training).
fn fill_input(img: &RgbImage, w: u32, width: u32, out: &mut [f32]) {
    fill_input_at(img, w, 0, width, out)
}

/// [`fill_input`] with the line starting at column `x0` (a line of a strip).
fn fill_input_at(img: &RgbImage, w: u32, x0: u32, width: u32, out: &mut [f32]) {
    let resized = image::imageops::resize(img, w, HEIGHT, image::imageops::FilterType::Triangle);
    let plane = (HEIGHT * width) as usize;
    for (x, y, p) in resized.enumerate_pixels() {
        if x0 + x >= width {
            break;
        }
        let i = (y * width + x0 + x) as usize;
        let [r, g, b] = p.0;
        for (ch, v) in [b, g, r].into_iter().enumerate() {
            out[ch * plane + i] = v as f32 / 127.5 - 1.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_bgr_normalised_and_padded_with_zero() {
        let img = RgbImage::from_pixel(10, 48, image::Rgb([255, 0, 127]));
        let mut out = vec![9f32; 3 * 48 * 320];
        out.fill(0.0);
        fill_input(&img, 10, 320, &mut out);
        let plane = 48 * 320;
        assert!((out[0] - (127.0 / 127.5 - 1.0)).abs() < 1e-6); // B
        assert!((out[plane] + 1.0).abs() < 1e-6); // G
        assert!((out[2 * plane] - 1.0).abs() < 1e-6); // R
        assert_eq!(out[15], 0.0); // padding
    }

    #[test]
    fn a_batch_is_padded_to_its_widest_line_and_no_less_than_the_minimum() {
        assert_eq!(batch_width(&[10, 20]), MIN_WIDTH);
        assert_eq!(batch_width(&[]), MIN_WIDTH);
        assert_eq!(batch_width(&[MIN_WIDTH + 1, 5]), MIN_WIDTH + WIDTH_STEP);
        assert_eq!(batch_width(&[MIN_WIDTH + 8]), MIN_WIDTH + 8);
    }

    #[test]
    fn short_lines_are_packed_into_strips_and_decoded_from_their_own_frames() {
        let widths = [100, 200, 300, 400, 100];
        // 100+48 + 200+48 + 300+48 = 744; + 400+48 > 960 + 48: a new strip.
        let s = strips(vec![0, 1, 2, 3, 4], &widths);
        assert_eq!(s, vec![vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(strips(vec![], &widths), Vec::<Vec<usize>>::new());
        // A 496-px strip read as 62 frames: the second line (x 148..348) owns frames 15..47.
        assert_eq!(frames_of(148, 200, 496, 62), (15, 47));
        assert_eq!(frames_of(0, 100, 496, 62), (0, 16));
        // Never an empty range, never past the end.
        assert_eq!(frames_of(490, 1, 496, 62), (58, 62));
        assert_eq!(frames_of(10_000, 5, 496, 62), (61, 62));
    }

    #[test]
    fn a_line_of_a_strip_is_written_at_its_column() {
        let img = RgbImage::from_pixel(10, 48, image::Rgb([255, 255, 255]));
        let mut out = vec![0f32; 3 * 48 * 64];
        fill_input_at(&img, 10, 20, 64, &mut out);
        assert_eq!(out[19], 0.0);
        assert!((out[20] - 1.0).abs() < 1e-6);
        assert!((out[29] - 1.0).abs() < 1e-6);
        assert_eq!(out[30], 0.0);
        // Clipped at the strip's end rather than written past it.
        fill_input_at(&img, 10, 60, 64, &mut out);
        assert!((out[63] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn only_lines_of_one_padded_width_share_a_batch() {
        let padded = [240, 480, 240, 960, 240, 480, 2000];
        let b = batches((0..padded.len()).collect(), &padded);
        assert_eq!(b, vec![vec![0, 2, 4], vec![1, 5], vec![3], vec![6]]);
        // Ten short lines: eight, then two.
        let b = batches((0..10).collect(), &[240; 10]);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), vec![8, 2]);
        // Wide lines of one width: capped by pixels (8 × 240 / 960 = 2 a batch).
        let b = batches((0..3).collect(), &[960; 3]);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 1]);
    }

    #[test]
    fn width_keeps_aspect() {
        assert_eq!(scaled_width(&RgbImage::new(200, 50)), 192);
        assert_eq!(scaled_width(&RgbImage::new(100_000, 1)), MAX_WIDTH);
    }
}
