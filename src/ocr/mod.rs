//! OCR behind one engine interface: PP-OCRv6 through ONNX Runtime (default) and Tesseract.
//! One engine instance per worker thread (engines hold mutable session state).
//!
//! STUB: signatures are the contract; bodies are being written (issue 3).

use crate::config::OcrConfig;
use crate::error::{Error, Result};

/// Text read from an image region, with the recogniser's confidence in 0..1.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recognized {
    pub text: String,
    pub conf: f32,
}

pub trait OcrEngine: Send {
    fn name(&self) -> &'static str;
    /// Reads one line of text (a crop holding a single line).
    fn recognize_line(&mut self, img: &image::RgbImage) -> Result<Recognized>;
}

/// Reads a cell or text region that may hold several wrapped lines: splits it into lines and
/// recognises each; lines joined with '\n'. Blank regions give empty text without running the
/// recogniser.
pub fn recognize_block(engine: &mut dyn OcrEngine, img: &image::RgbImage) -> Result<Recognized> {
    engine.recognize_line(img)
}

/// A new engine of the configured kind (call once per worker thread).
pub fn new_engine(cfg: &OcrConfig) -> Result<Box<dyn OcrEngine>> {
    Err(Error::Engine {
        engine: format!("{:?}", cfg.engine),
        reason: "not implemented yet".into(),
    })
}
