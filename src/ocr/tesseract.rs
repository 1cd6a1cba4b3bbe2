//! Tesseract (chi_sim, LSTM) through the system libtesseract, one line at a time (PSM 7).
//!
//! Known limits: the chi_sim charset has no ≥ or ≤ (indicator thresholds come out as > / < or
//! garbage), and libtesseract's OpenMP runs 3–4× slower unless `OMP_THREAD_LIMIT=1` is set before
//! the process starts — see [`super::ensure_omp_thread_limit`].

use std::ffi::CStr;

use image::RgbImage;
use tesseract_plumbing::tesseract_sys::TessPageSegMode_PSM_SINGLE_LINE;
use tesseract_plumbing::TessBaseApi;

use super::{OcrEngine, Recognized};
use crate::config::OcrConfig;
use crate::error::{Error, Result};

/// White border added around a line: Tesseract's line finder misses ink that touches the edge.
const BORDER: u32 = 10;

pub struct Tesseract {
    api: TessBaseApi,
    max_chars: usize,
}

fn engine_err(reason: impl Into<String>) -> Error {
    Error::Engine {
        engine: "tesseract".into(),
        reason: reason.into(),
    }
}

impl Tesseract {
    pub fn new(cfg: &OcrConfig) -> Result<Self> {
        let mut api = TessBaseApi::create();
        api.init_2(None, Some(c"chi_sim"))
            .map_err(|e| engine_err(format!("{e} (is tesseract-ocr-chi-sim installed?)")))?;
        // Warnings (e.g. "Empty page!!") would otherwise go to stderr once per blank line.
        api.set_variable(c"debug_file", c"/dev/null")
            .map_err(|e| engine_err(e.to_string()))?;
        api.set_page_seg_mode(TessPageSegMode_PSM_SINGLE_LINE);
        Ok(Tesseract {
            api,
            max_chars: cfg.max_cell_chars,
        })
    }

    fn read(&mut self, img: &RgbImage) -> Result<Recognized> {
        if img.width() == 0 || img.height() == 0 {
            return Ok(Recognized::default());
        }
        let padded = pad_white(img, BORDER);
        let (w, h) = padded.dimensions();
        let (wi, hi) = (to_c_int(w)?, to_c_int(h)?);
        self.api
            .set_image(padded.as_raw(), wi, hi, 3, wi.saturating_mul(3))
            .map_err(|e| engine_err(e.to_string()))?;
        // Crops carry no resolution; without one Tesseract warns and guesses.
        self.api.set_source_resolution(300);
        self.api
            .recognize()
            .map_err(|e| engine_err(e.to_string()))?;
        let raw = self
            .api
            .get_utf8_text()
            .map_err(|e| engine_err(e.to_string()))?;
        let raw: &CStr = raw.as_ref();
        let text = tidy(&raw.to_string_lossy(), self.max_chars);
        let conf = if text.is_empty() {
            0.0
        } else {
            (self.api.mean_text_conf() as f32 / 100.0).clamp(0.0, 1.0)
        };
        Ok(Recognized { text, conf })
    }
}

impl OcrEngine for Tesseract {
    fn name(&self) -> &'static str {
        "tesseract"
    }

    fn recognize_line(&mut self, img: &RgbImage) -> Result<Recognized> {
        self.read(img)
    }
}

fn to_c_int(v: u32) -> Result<i32> {
    i32::try_from(v).map_err(|_| engine_err("image too large"))
}

fn pad_white(img: &RgbImage, b: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let mut out = RgbImage::from_pixel(w + 2 * b, h + 2 * b, image::Rgb([255, 255, 255]));
    image::imageops::replace(&mut out, img, b as i64, b as i64);
    out
}

/// Tesseract separates CJK characters with spaces and ends lines with '\n': keep line breaks
/// between lines, drop spaces next to a CJK character, collapse the rest, cap the length.
fn tidy(raw: &str, max_chars: usize) -> String {
    let lines: Vec<String> = raw
        .lines()
        .map(|l| {
            let chars: Vec<char> = l
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .collect();
            chars
                .iter()
                .enumerate()
                .filter(|&(i, &ch)| {
                    ch != ' '
                        || !(i > 0 && is_cjk(chars[i - 1])
                            || chars.get(i + 1).is_some_and(|&n| is_cjk(n)))
                })
                .map(|(_, &ch)| ch)
                .collect()
        })
        .filter(|l: &String| !l.is_empty())
        .collect();
    lines.join("\n").chars().take(max_chars).collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_drops_spaces_around_cjk_only() {
        assert_eq!(tidy("项 目 名 称\n", 100), "项目名称");
        assert_eq!(tidy("合 计 100 万 元 ", 100), "合计100万元");
        assert_eq!(
            tidy("ISO 9001  认 证\n\n第 二 行\n", 100),
            "ISO 9001认证\n第二行"
        );
        assert_eq!(tidy("一 二 三", 2), "一二");
        assert_eq!(tidy("  \n ", 10), "");
    }
}
