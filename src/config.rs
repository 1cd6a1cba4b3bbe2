//! `pipeline.toml`, parsed into one built configuration (flags on the command line override it).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    #[default]
    Ppocr,
    Tesseract,
}

impl std::str::FromStr for EngineKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "ppocr" => Ok(EngineKind::Ppocr),
            "tesseract" => Ok(EngineKind::Tesseract),
            _ => Err(format!(
                "unknown OCR engine {s:?} (expected ppocr or tesseract)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OcrConfig {
    pub engine: EngineKind,
    /// Directory holding PP-OCRv6_rec_small.onnx, libonnxruntime.so, libpdfium.so.
    pub models_dir: PathBuf,
    /// Cells whose mean confidence is below this get a warning when they feed a value.
    pub low_conf: f32,
    /// Longest text accepted from one cell (guards against runaway decodes).
    pub max_cell_chars: usize,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            engine: EngineKind::Ppocr,
            models_dir: PathBuf::from("models"),
            low_conf: 0.80,
            max_cell_chars: 4000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Pages larger than this many pixels are refused before decoding.
    pub max_pixels: u64,
    pub max_pages: u32,
    pub max_file_bytes: u64,
    /// Per-page time budget in seconds; a page over budget becomes that page's error.
    pub page_seconds: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 60_000_000,
            max_pages: 2_000,
            max_file_bytes: 1 << 30,
            page_seconds: 120.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RenderConfig {
    /// DPI for pages that must be rendered (no single embedded JPEG).
    pub dpi: f32,
}

impl Default for RenderConfig {
    fn default() -> Self {
        RenderConfig { dpi: 300.0 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            include: vec![
                "*.pdf".into(),
                "*.txt".into(),
                "*.jpg".into(),
                "*.jpeg".into(),
                "*.png".into(),
                "*.tif".into(),
                "*.tiff".into(),
            ],
            exclude: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Worker threads (0 = all cores).
    pub threads: usize,
    pub input: InputConfig,
    pub ocr: OcrConfig,
    pub render: RenderConfig,
    pub limits: Limits,
}

impl Config {
    pub fn from_toml_str(s: &str) -> Result<Self> {
        toml::from_str(s).map_err(|e| Error::Config(e.to_string()))
    }

    /// Rejects values no run can use (reported as a configuration error, exit status 2).
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::Config(what.to_string()));
        let l = &self.limits;
        if !(l.page_seconds.is_finite() && l.page_seconds > 0.0) {
            return bad("limits.page_seconds must be a positive number of seconds");
        }
        if l.max_pixels == 0 || l.max_pages == 0 || l.max_file_bytes == 0 {
            return bad("limits.max_pixels, max_pages and max_file_bytes must be positive");
        }
        if !(self.render.dpi.is_finite() && self.render.dpi >= 36.0 && self.render.dpi <= 1200.0) {
            return bad("render.dpi must be between 36 and 1200");
        }
        if !(0.0..=1.0).contains(&self.ocr.low_conf) {
            return bad("ocr.low_conf must be between 0 and 1");
        }
        if self.ocr.max_cell_chars == 0 {
            return bad("ocr.max_cell_chars must be positive");
        }
        if self.threads > 1024 {
            return bad("threads must be at most 1024 (0 = all cores)");
        }
        Ok(())
    }

    /// Reads `path`; a missing file means the defaults.
    pub fn load(path: &Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(s) => Self::from_toml_str(&s),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_not_silently_ignored() {
        assert!(Config::from_toml_str("[ocr]\nengin = \"ppocr\"").is_err());
        let c = Config::from_toml_str("[ocr]\nengine = \"tesseract\"").unwrap();
        assert_eq!(c.ocr.engine, EngineKind::Tesseract);
    }

    #[test]
    fn defaults_validate_and_nonsense_limits_do_not() {
        assert!(Config::default().validate().is_ok());
        let c = Config::from_toml_str("[limits]\npage_seconds = 0").unwrap();
        assert!(c.validate().is_err());
        let c = Config::from_toml_str("[render]\ndpi = -3").unwrap();
        assert!(c.validate().is_err());
    }
}
