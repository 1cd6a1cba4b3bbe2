//! OCR behind one engine interface: PP-OCRv6 through ONNX Runtime (default) and Tesseract.
//! One engine instance per worker thread (engines hold mutable session state).
//!
//! Both engines read single lines; [`recognize_block`] / [`recognize_blocks`] split a cell or
//! text region into lines first ([`lines::split_lines`]) and skip blank regions without running
//! the recogniser.

pub mod ctc;
pub mod lines;
pub mod ppocr;
pub mod tesseract;

use crate::config::{EngineKind, OcrConfig};
use crate::error::{Error, Result};

pub use lines::{split_lines, LineCrop};

/// Text read from an image region, with the recogniser's confidence in 0..1.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recognized {
    pub text: String,
    pub conf: f32,
}

/// What an engine's recogniser has done since it was created (counted by engines that batch;
/// zero for the others): inference calls, lines read, and the lines' own width against the
/// width they were padded to (both in pixels at the model's input height), so padding waste
/// and calls per page can be reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecogniserStats {
    pub runs: u64,
    pub lines: u64,
    pub line_px: u64,
    pub padded_px: u64,
}

impl RecogniserStats {
    /// Counts from `earlier` to `self` (both from the same engine).
    pub fn since(&self, earlier: &RecogniserStats) -> RecogniserStats {
        RecogniserStats {
            runs: self.runs.saturating_sub(earlier.runs),
            lines: self.lines.saturating_sub(earlier.lines),
            line_px: self.line_px.saturating_sub(earlier.line_px),
            padded_px: self.padded_px.saturating_sub(earlier.padded_px),
        }
    }

    pub fn add(&mut self, o: &RecogniserStats) {
        self.runs += o.runs;
        self.lines += o.lines;
        self.line_px += o.line_px;
        self.padded_px += o.padded_px;
    }
}

pub trait OcrEngine: Send {
    fn name(&self) -> &'static str;
    /// Work counters since the engine was created (see [`RecogniserStats`]).
    fn stats(&self) -> RecogniserStats {
        RecogniserStats::default()
    }
    /// Reads one line of text (a crop holding a single line).
    fn recognize_line(&mut self, img: &image::RgbImage) -> Result<Recognized>;
    /// Reads several single-line crops; results in input order. Engines that can batch
    /// (ppocr) do so, which is markedly faster than one call per line.
    fn recognize_lines(&mut self, imgs: &[image::RgbImage]) -> Result<Vec<Recognized>> {
        imgs.iter().map(|i| self.recognize_line(i)).collect()
    }
}

/// Reads a cell or text region that may hold several wrapped lines: splits it into lines and
/// recognises each; lines joined with '\n'. Blank regions give empty text (confidence 1)
/// without running the recogniser. The confidence is the lowest of the lines', so one garbled
/// line flags the whole cell.
pub fn recognize_block(engine: &mut dyn OcrEngine, img: &image::RgbImage) -> Result<Recognized> {
    Ok(recognize_blocks(engine, std::slice::from_ref(img))?
        .pop()
        .unwrap_or_default())
}

/// [`recognize_block`] for many regions at once (e.g. every cell of a page): the lines of all
/// regions go to the engine in one [`OcrEngine::recognize_lines`] call so they batch well.
pub fn recognize_blocks(
    engine: &mut dyn OcrEngine,
    imgs: &[image::RgbImage],
) -> Result<Vec<Recognized>> {
    Ok(recognize_block_lines(engine, imgs)?
        .into_iter()
        .map(|p| join_lines(p.into_iter().map(|l| l.read).collect()))
        .collect())
}

/// One line of a region as read: the recogniser's result and the line's box `[x0, y0, x1, y1)`
/// in the region's pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLine {
    pub read: Recognized,
    pub bbox: [f32; 4],
}

/// The lines of each region, each with its own confidence and box (where [`recognize_blocks`]
/// joins them): text around the tables is judged line by line, so one speck read as "X" does
/// not take the confidence of the title above it.
pub fn recognize_block_lines(
    engine: &mut dyn OcrEngine,
    imgs: &[image::RgbImage],
) -> Result<Vec<Vec<ReadLine>>> {
    let mut owner = Vec::new();
    let mut crops = Vec::new();
    let mut boxes = Vec::new();
    for (k, img) in imgs.iter().enumerate() {
        let big = enlarge_small(img);
        // Boxes back in the region's own pixels.
        let f = img.height().max(1) as f32 / big.height().max(1) as f32;
        for line in split_lines(&big) {
            owner.push(k);
            crops.push(line.img);
            boxes.push(line.bbox.map(|v| v as f32 * f));
        }
    }
    let read = if crops.is_empty() {
        Vec::new()
    } else {
        engine.recognize_lines(&crops)?
    };
    if read.len() != crops.len() {
        return Err(Error::Engine {
            engine: engine.name().into(),
            reason: format!("{} results for {} lines", read.len(), crops.len()),
        });
    }
    let mut parts: Vec<Vec<ReadLine>> = vec![Vec::new(); imgs.len()];
    for ((k, r), bbox) in owner.into_iter().zip(read).zip(boxes) {
        parts[k].push(ReadLine { read: r, bbox });
    }
    Ok(parts)
}

/// A region's lines without those that are a speck or a ruling stub read as a digit or a
/// sign ("1", "4", "1.", "。") above or below the region's text: at most two such characters,
/// in a region that also holds a line of Chinese (two characters or more) or a number (four
/// digits or more), and either lower than 3/4 of that line's height or — beside Chinese —
/// read under confidence 0.8. On a heavily speckled copy of five unseen forms, 30 of 46
/// cells with more than one line had such a line first or last ("1" over 经常性项目, "1."
/// over 产出指标), which cost the header values and the level labels they stood over.
/// A digit wrapped from a number is as tall as the number and stays.
pub fn without_debris_lines(lines: &[ReadLine]) -> Vec<Recognized> {
    let height = |l: &ReadLine| l.bbox[3] - l.bbox[1];
    let count = |t: &str, f: fn(&char) -> bool| t.chars().filter(f).count();
    let cjk = |c: &char| crate::normalise::is_cjk(*c);
    let tallest = |f: fn(&char) -> bool, n: usize| {
        lines
            .iter()
            .filter(|l| count(&l.read.text, f) >= n)
            .map(height)
            .fold(0.0f32, f32::max)
    };
    // Any line of three characters or more anchors (a number of four digits or more, and a
    // short value: a speck over "≥80%" cost the values of five indicators on a speckled copy of
    // forms in a Kai face); a line of two Chinese characters too.
    let (han_h, text_h) = (tallest(cjk, 2), tallest(|c| !c.is_whitespace(), 3));
    if lines.len() < 2 || (han_h <= 0.0 && text_h <= 0.0) {
        return lines.iter().map(|l| l.read.clone()).collect();
    }
    lines
        .iter()
        .filter(|l| {
            let t: Vec<char> = l.read.text.chars().filter(|c| !c.is_whitespace()).collect();
            let debris_text = !t.is_empty()
                && t.len() <= 2
                && t.iter()
                    .all(|c| c.is_ascii_alphanumeric() || ".,:;'`·-_~|/\\、。，…".contains(*c));
            if !debris_text {
                return true;
            }
            let h = height(l);
            let low_beside_han = han_h > 0.0 && (h < 0.75 * han_h || l.read.conf < 0.8);
            let low_beside_text = text_h > 0.0 && h < 0.75 * text_h;
            !(low_beside_han || low_beside_text)
        })
        .map(|l| l.read.clone())
        .collect()
}

/// A region of a black-and-white page with a line read under this confidence is read again
/// from a blurred copy.
pub const BILEVEL_REREAD_CONF: f32 = 0.98;
/// Gaussian σ (region pixels) of that blur.
const BILEVEL_BLUR_SIGMA: f32 = 0.6;
/// The blurred reading replaces the first only when its confidence is this much higher.
const BILEVEL_REREAD_MARGIN: f32 = 0.0;

/// [`recognize_block_lines`] for a black-and-white page (an office scanner's bilevel mode).
/// Its threshold breaks thin strokes, and the recogniser, trained on grey, reads the fragments
/// as other characters (阶段性→阶段件, 三级→二级, 万里→力里), at low confidence. A slight
/// blur gives the strokes back their grey edges and joins hairline gaps, but blurs the
/// commas and points of heavier print. So a region is read again blurred only when one of
/// its lines was read uncertainly, and the blurred reading is kept only when the recogniser
/// is surer of it. Measured on 218 cells of four unseen forms (a light Song face) thresholded
/// at 200 DPI: exact 0.894 as scanned, 0.972 with every cell blurred by σ = 0.6 px (0.940 /
/// 0.963 / 0.936 at σ = 0.45 / 0.75 / 0.9), 0.972 rendered in grey; blurring every region
/// of a bilevel copy of a dev PDF (a heavier face) lowered its field_acc 0.991 → 0.985.
pub fn recognize_bilevel_block_lines(
    engine: &mut dyn OcrEngine,
    imgs: &[image::RgbImage],
) -> Result<Vec<Vec<ReadLine>>> {
    let mut read = recognize_block_lines(engine, imgs)?;
    let weak: Vec<usize> = read
        .iter()
        .enumerate()
        .filter(|(_, lines)| lines.iter().any(|l| l.read.conf < BILEVEL_REREAD_CONF))
        .map(|(k, _)| k)
        .collect();
    if weak.is_empty() {
        return Ok(read);
    }
    let blurred: Vec<image::RgbImage> = weak
        .iter()
        .map(|&k| imageproc::filter::gaussian_blur_f32(&imgs[k], BILEVEL_BLUR_SIGMA))
        .collect();
    let again = recognize_block_lines(engine, &blurred)?;
    for (k, alt) in weak.into_iter().zip(again) {
        if read_score(&alt) > read_score(&read[k]) + BILEVEL_REREAD_MARGIN {
            read[k] = alt;
        }
    }
    Ok(read)
}

/// A region's reading as one number: the mean confidence of its lines weighted by the
/// characters each holds; a region read as nothing scores lowest.
fn read_score(lines: &[ReadLine]) -> f32 {
    let (mut sum, mut n) = (0.0f32, 0usize);
    for l in lines {
        let c = l.read.text.chars().filter(|c| !c.is_whitespace()).count();
        sum += l.read.conf * c as f32;
        n += c;
    }
    if n == 0 {
        -1.0
    } else {
        sum / n as f32
    }
}

/// Regions shorter than this (one line of small print, or low resolution) are read at twice
/// their size.
const SMALL_BLOCK_HEIGHT: u32 = 40;

/// Small print at low resolution (~8 px characters) loses its decimal points and the thin
/// strokes that tell similar characters apart in the line splitter's speck and crumb filters;
/// at twice the size they survive. Measured on 86 cells of a 150-DPI phone scan: exact cells
/// 66 → 69, CER 3.9 % → 2.9 %. Larger regions pass through untouched.
fn enlarge_small(img: &image::RgbImage) -> std::borrow::Cow<'_, image::RgbImage> {
    let (w, h) = img.dimensions();
    if h == 0 || h >= SMALL_BLOCK_HEIGHT {
        return std::borrow::Cow::Borrowed(img);
    }
    std::borrow::Cow::Owned(image::imageops::resize(
        img,
        w * 2,
        h * 2,
        image::imageops::FilterType::CatmullRom,
    ))
}

/// The lines of a region as one text (see [`recognize_block`]). Length is capped by the engines
/// themselves (`OcrConfig::max_cell_chars`) and again per cell by the scan reader.
/// Each line loses the debris a speck beside it is read as ([`strip_debris`]); a line that is
/// nothing but one stray letter or sign, under or over a line of Chinese, is dropped.
pub fn join_lines(lines: Vec<Recognized>) -> Recognized {
    if lines.is_empty() {
        return Recognized {
            text: String::new(),
            conf: 1.0,
        };
    }
    let han = lines
        .iter()
        .any(|l| l.text.chars().any(crate::normalise::is_cjk));
    let kept: Vec<(String, f32)> = lines
        .iter()
        .map(|l| (strip_debris(l.text.trim()), l.conf))
        .filter(|(t, _)| !(t.is_empty() || (han && is_stray(t))))
        .collect();
    let conf = kept
        .iter()
        .map(|&(_, c)| c)
        .fold(None, |m: Option<f32>, c| Some(m.map_or(c, |m| m.min(c))))
        .unwrap_or_else(|| lines.iter().map(|l| l.conf).fold(1.0, f32::min));
    let mut text: Vec<&str> = kept.iter().map(|(t, _)| t.as_str()).collect();
    // A point or dash after the last digit of a region is a speck: a decimal wrapped at a line
    // end ("≤6752." over "63万元") has a line after it, the region's last line does not.
    if let Some(last) = text.last_mut() {
        if let Some(rest) = last.strip_suffix(['.', '-']) {
            if rest.ends_with(|c: char| c.is_ascii_digit()) {
                *last = rest;
            }
        }
    }
    Recognized {
        text: text.join("\n").trim_end().to_owned(),
        conf,
    }
}

/// One Latin letter or sign alone on a line: a speck read as "r", "'" or "·" (a "%" or "-"
/// alone may be the tail of a wrapped value and stays).
fn is_stray(t: &str) -> bool {
    let mut cs = t.chars();
    matches!((cs.next(), cs.next()), (Some(c), None)
        if c.is_ascii_alphabetic() || ".·•・:：`',_~^|".contains(c))
}

/// Signs a speck touching the start or end of a line is read as. No printed line of these forms
/// starts with a full stop, a middle dot or a colon; none ends with a middle dot or a quote,
/// nor with a full stop after anything but a digit (a decimal wrapped at the line end,
/// "≤6752." over "63万元", keeps its point). Commas stay: a wrapped clause may start or end
/// with one. On a 150-DPI copy with heavy speckle, 21 of 60 misread fields were such signs
/// (".≥8814卷.", "服务对象满意度.").
/// Inside a line, a sign between a comparison sign and its number is a speck too: "≥.95%".
pub fn strip_debris(line: &str) -> String {
    const LEAD: &[char] = &['.', '·', '•', '・', ':', '：', '`', '\'', '‘', '’'];
    const TRAIL: &[char] = &['·', '•', '・', '`', '\'', '‘', '’'];
    let mut t = line.trim_start_matches(LEAD).trim_end_matches(TRAIL);
    while let Some(rest) = t.strip_suffix('.') {
        if rest.ends_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        t = rest.trim_end_matches(TRAIL);
    }
    let cs: Vec<char> = t.trim().chars().collect();
    let mut out = String::with_capacity(t.len());
    for (i, &c) in cs.iter().enumerate() {
        let after_op = i > 0 && "≥≤><＞＜=".contains(cs[i - 1]);
        let before_digit = cs.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        if after_op && before_digit && ".·•・:：`'".contains(c) {
            continue;
        }
        out.push(c);
    }
    out
}

/// A new engine of the configured kind (call once per worker thread).
pub fn new_engine(cfg: &OcrConfig) -> Result<Box<dyn OcrEngine>> {
    Ok(match cfg.engine {
        EngineKind::Ppocr => Box::new(ppocr::PpOcr::new(cfg)?),
        EngineKind::Tesseract => Box::new(tesseract::Tesseract::new(cfg)?),
    })
}

/// Whether the engine's files are where it will look, without loading anything (a PDF run may
/// need no engine at all: born-digital pages are read from the text layer). Tesseract's data
/// is the system's and is checked when the engine starts.
pub fn preflight(cfg: &OcrConfig) -> Result<()> {
    if cfg.engine != EngineKind::Ppocr {
        return Ok(());
    }
    for f in [ppocr::MODEL_FILE, ppocr::RUNTIME_FILE] {
        let p = cfg.models_dir.join(f);
        if !p.is_file() {
            return Err(Error::Engine {
                engine: "ppocr".into(),
                reason: format!("{} not found", p.display()),
            });
        }
    }
    Ok(())
}

/// Tesseract's OpenMP reads `OMP_THREAD_LIMIT` only at process start, and without a limit of 1
/// page-parallel workers oversubscribe the cores and run 3–4× slower. Call first thing in
/// `main`: when the variable is unset this re-executes the current program with the same
/// arguments and `OMP_THREAD_LIMIT=1` (it does not return then); when set it returns at once.
/// An error means the re-exec failed and the process goes on unlimited.
pub fn ensure_omp_thread_limit() -> Result<()> {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(|e| Error::io("/proc/self/exe", e))?;
    let mut args = std::env::args_os();
    let mut cmd = std::process::Command::new(&exe);
    if let Some(arg0) = args.next() {
        cmd.arg0(arg0);
    }
    let err = cmd.args(args).env("OMP_THREAD_LIMIT", "1").exec();
    Err(Error::io(exe, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(t: &str, c: f32) -> Recognized {
        Recognized {
            text: t.into(),
            conf: c,
        }
    }

    #[test]
    fn specks_read_at_the_ends_of_a_line_are_stripped() {
        assert_eq!(strip_debris(".≥8814卷."), "≥8814卷");
        assert_eq!(strip_debris("服务对象满意度."), "服务对象满意度");
        assert_eq!(strip_debris("·50000元"), "50000元");
        assert_eq!(strip_debris("：财政拨款"), "财政拨款");
        // a decimal wrapped at the line end, a label's colon and a clause's comma stay
        assert_eq!(strip_debris("≤6752."), "≤6752.");
        assert_eq!(strip_debris("年度资金总额："), "年度资金总额：");
        assert_eq!(strip_debris(", 每月按时发放"), ", 每月按时发放");
        assert_eq!(strip_debris("31.79"), "31.79");
        assert_eq!(strip_debris("≥.95%"), "≥95%");
        assert_eq!(strip_debris("≥0.95"), "≥0.95");
    }

    #[test]
    fn a_stray_letter_under_chinese_is_dropped_but_a_wrapped_tail_is_not() {
        let j = join_lines(vec![rec("数量指标", 0.99), rec("r", 0.4)]);
        assert_eq!((j.text.as_str(), j.conf), ("数量指标", 0.99));
        let j = join_lines(vec![rec("≥95", 0.9), rec("%", 0.8)]);
        assert_eq!(j.text, "≥95\n%");
        let j = join_lines(vec![rec("满意度", 0.9), rec("%", 0.8)]);
        assert_eq!(j.text, "满意度\n%");
        // alone, a letter is what the region holds
        assert_eq!(join_lines(vec![rec("A", 0.9)]).text, "A");
        // a point or dash after the region's last digit is a speck; one at a wrap is not
        assert_eq!(join_lines(vec![rec("4214.13-", 0.9)]).text, "4214.13");
        assert_eq!(join_lines(vec![rec("4214.13.", 0.9)]).text, "4214.13");
        let j = join_lines(vec![rec("≤6752.", 0.9), rec("63万元", 0.9)]);
        assert_eq!(j.text, "≤6752.\n63万元");
    }

    use std::path::Path;

    /// Counts its calls; reads every line as "字".
    struct Fake(usize);
    impl OcrEngine for Fake {
        fn name(&self) -> &'static str {
            "fake"
        }
        fn recognize_line(&mut self, _: &image::RgbImage) -> Result<Recognized> {
            self.0 += 1;
            Ok(Recognized {
                text: "字".into(),
                conf: 0.5 + 0.1 * self.0 as f32,
            })
        }
    }

    fn blank() -> image::RgbImage {
        image::RgbImage::from_pixel(300, 80, image::Rgb([250, 250, 250]))
    }

    fn two_lines() -> image::RgbImage {
        let mut img = blank();
        for (y0, y1) in [(10, 34), (46, 70)] {
            for y in y0..y1 {
                for x in 20..200 {
                    if x % 30 < 24 && (y % 6 < 3 || x % 30 < 3) {
                        img.put_pixel(x, y, image::Rgb([10, 10, 10]));
                    }
                }
            }
        }
        img
    }

    #[test]
    fn blank_block_is_empty_without_running_the_engine() {
        let mut e = Fake(0);
        let r = recognize_block(&mut e, &blank()).unwrap();
        assert_eq!(r.text, "");
        assert_eq!(e.0, 0);
    }

    #[test]
    fn lines_are_joined_and_take_the_lowest_confidence() {
        let mut e = Fake(0);
        let r = recognize_blocks(&mut e, &[two_lines(), blank(), two_lines()]).unwrap();
        assert_eq!(e.0, 4);
        assert_eq!(r[0].text, "字\n字");
        assert_eq!(r[1].text, "");
        assert!((r[0].conf - 0.6).abs() < 1e-6);
        assert!((r[2].conf - 0.8).abs() < 1e-6);
    }

    fn cfg(engine: EngineKind) -> OcrConfig {
        OcrConfig {
            engine,
            models_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("models"),
            ..OcrConfig::default()
        }
    }

    /// Model files are fetched by a script, not committed: skip when absent.
    fn ppocr_available() -> bool {
        let c = cfg(EngineKind::Ppocr);
        c.models_dir.join(ppocr::MODEL_FILE).is_file()
            && c.models_dir.join(ppocr::RUNTIME_FILE).is_file()
    }

    #[test]
    fn missing_models_are_an_engine_error() {
        let mut c = cfg(EngineKind::Ppocr);
        c.models_dir = "/nonexistent".into();
        assert!(matches!(new_engine(&c), Err(Error::Engine { .. })));
    }

    #[test]
    fn ppocr_reads_nothing_from_a_blank_line_and_blank_block() {
        if !ppocr_available() {
            eprintln!("skipped: models/ absent");
            return;
        }
        let mut e = new_engine(&cfg(EngineKind::Ppocr)).unwrap();
        assert_eq!(e.name(), "ppocr");
        let r = e.recognize_line(&blank()).unwrap();
        assert_eq!(r.text, "");
        assert!(r.conf > 0.5, "{}", r.conf);
        assert_eq!(recognize_block(e.as_mut(), &blank()).unwrap().text, "");
        let many = e.recognize_lines(&[blank(), blank()]).unwrap();
        assert_eq!(many.len(), 2);
    }

    #[test]
    fn tesseract_reads_nothing_from_a_blank_line() {
        let Ok(mut e) = new_engine(&cfg(EngineKind::Tesseract)) else {
            eprintln!("skipped: tesseract chi_sim unavailable");
            return;
        };
        assert_eq!(e.recognize_line(&blank()).unwrap().text, "");
    }

    /// Reads any line; "sharp" at low confidence when the crop is pure black and white,
    /// "soft" at high confidence when it has grey (a blurred copy). Counts lines read.
    struct Tones(usize);
    impl OcrEngine for Tones {
        fn name(&self) -> &'static str {
            "tones"
        }
        fn recognize_line(&mut self, img: &image::RgbImage) -> Result<Recognized> {
            self.0 += 1;
            let grey = img.pixels().any(|p| (16..240).contains(&p[0]));
            Ok(if grey {
                rec("soft", 0.99)
            } else {
                rec("sharp", 0.6)
            })
        }
    }

    /// A white region with one black bar of "text" across its middle.
    fn bar_region() -> image::RgbImage {
        image::RgbImage::from_fn(200, 40, |x, y| {
            if (30..170).contains(&x) && (14..26).contains(&y) {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        })
    }

    #[test]
    fn an_uncertain_region_of_a_bilevel_page_is_read_again_blurred() {
        let mut e = Tones(0);
        let read = recognize_bilevel_block_lines(&mut e, &[bar_region()]).unwrap();
        assert_eq!(read[0][0].read.text, "soft");
        // once sharp, once blurred
        assert_eq!(e.0, 2);
    }

    #[test]
    fn a_blurred_reading_no_surer_than_the_first_is_not_kept() {
        let first = vec![ReadLine {
            read: rec("阶段性项目", 0.8),
            bbox: [0.0; 4],
        }];
        let surer = vec![ReadLine {
            read: rec("阶段性项目", 0.81),
            bbox: [0.0; 4],
        }];
        let empty = vec![ReadLine {
            read: rec("", 1.0),
            bbox: [0.0; 4],
        }];
        assert!(read_score(&surer) > read_score(&first));
        // nothing read is never better than something read
        assert!(read_score(&empty) < read_score(&first));
    }

    #[test]
    fn bilevel_is_told_from_grey_by_the_edges_of_the_ink() {
        use crate::preprocess::is_bilevel;
        let bw = image::GrayImage::from_fn(300, 300, |x, _| {
            image::Luma([if x % 10 < 2 { 0 } else { 255 }])
        });
        assert!(is_bilevel(&bw));
        // the same bars with anti-aliased edges, as a grey scan has them
        let grey = image::GrayImage::from_fn(300, 300, |x, _| {
            image::Luma([match x % 10 {
                0 | 1 => 0,
                2 | 9 => 128,
                _ => 255,
            }])
        });
        assert!(!is_bilevel(&grey));
        // a blank grey page is not bilevel for having no mid-tones
        let blank = image::GrayImage::from_pixel(300, 300, image::Luma([250]));
        assert!(!is_bilevel(&blank));
    }

    fn line(t: &str, conf: f32, top: f32, bottom: f32) -> ReadLine {
        ReadLine {
            read: rec(t, conf),
            bbox: [0.0, top, 100.0, bottom],
        }
    }

    #[test]
    fn a_speck_read_as_a_digit_over_a_line_is_not_part_of_the_cell() {
        let texts = |ls: &[ReadLine]| -> Vec<String> {
            without_debris_lines(ls)
                .into_iter()
                .map(|r| r.text)
                .collect()
        };
        // a short "1" over Chinese, a low-confidence "1." over a label, a small "4" over an amount
        assert_eq!(
            texts(&[
                line("1", 0.9, 0.0, 8.0),
                line("经常性项目", 0.99, 10.0, 30.0)
            ]),
            ["经常性项目"]
        );
        assert_eq!(
            texts(&[
                line("1.", 0.5, 0.0, 20.0),
                line("产出指标", 0.99, 22.0, 42.0)
            ]),
            ["产出指标"]
        );
        assert_eq!(
            texts(&[
                line("4", 0.9, 0.0, 9.0),
                line("4,563,800.00", 0.9, 10.0, 30.0)
            ]),
            ["4,563,800.00"]
        );
        // a small "1" over a short value
        assert_eq!(
            texts(&[line("1", 0.9, 0.0, 8.0), line("≥80%", 0.95, 10.0, 30.0)]),
            ["≥80%"]
        );
        // a digit wrapped from a number, as tall as it and read surely, stays
        assert_eq!(
            texts(&[
                line("≥1,000,00", 0.95, 0.0, 20.0),
                line("0", 0.95, 22.0, 42.0)
            ]),
            ["≥1,000,00", "0"]
        );
        assert_eq!(
            texts(&[line("不低于", 0.95, 0.0, 20.0), line("5", 0.95, 22.0, 41.0)]),
            ["不低于", "5"]
        );
        // a unit or a percent sign is never debris
        assert_eq!(
            texts(&[line("满意度", 0.95, 0.0, 20.0), line("%", 0.5, 22.0, 30.0)]),
            ["满意度", "%"]
        );
    }
}
