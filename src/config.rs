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

impl EngineKind {
    /// The engine's name (config `ocr.engine`, run.json, error lines); its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Ppocr => "ppocr",
            EngineKind::Tesseract => "tesseract",
        }
    }
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
                // Taken so each gets its clear error ("a WebP image: not a format jixiao
                // reads …") rather than a directory of them giving "0 inputs".
                "*.webp".into(),
                "*.heic".into(),
                "*.heif".into(),
                "*.avif".into(),
                "*.gif".into(),
                "*.bmp".into(),
                "*.jp2".into(),
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
    pub export: ExportConfig,
}

/// `[export]`: what is built beside the JSONL outputs on every run (see `export`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// `OUT/jixiao.sqlite`.
    pub sqlite: bool,
    /// `OUT/records.xlsx`.
    pub xlsx: bool,
    /// `OUT/review/` (static HTML review pages with page images).
    pub review: bool,
    /// Width the review's page images are scaled down to, in pixels.
    pub review_width_px: u32,
    /// Most bytes one page image of the review may take, in KiB.
    pub review_page_kb: u32,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            sqlite: true,
            xlsx: true,
            review: true,
            review_width_px: 1000,
            review_page_kb: 120,
        }
    }
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
        if !(200..=4000).contains(&self.export.review_width_px) {
            return bad("export.review_width_px must be between 200 and 4000");
        }
        if !(8..=4096).contains(&self.export.review_page_kb) {
            return bad("export.review_page_kb must be between 8 and 4096");
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

/// Environment variable naming the models directory (after `--models-dir`, before the file).
pub const MODELS_ENV: &str = "JIXIAO_MODELS";

/// How the models are fetched, for messages about missing ones.
pub const FETCH_MODELS: &str =
    "`JIXIAO_MODELS_DIR=DIR scripts/fetch-models.sh` (in a checkout: `make models`)";

/// Where the models directory was found and every place looked at, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelsSearch {
    pub dir: PathBuf,
    /// What chose it: "--models-dir", the variable, the file, or the place it was found.
    pub how: String,
    pub searched: Vec<PathBuf>,
}

/// A directory that holds the models or pdfium (a half-filled one is still the user's choice:
/// the engine's own error then names the file that is missing).
fn holds_models(dir: &Path) -> bool {
    ["PP-OCRv6_rec_small.onnx", "libpdfium.so"]
        .iter()
        .any(|f| dir.join(f).is_file())
}

/// Finds the models wherever the binary runs: `--models-dir`, then `$JIXIAO_MODELS`, then an
/// `ocr.models_dir` set in pipeline.toml, each taken as given; otherwise the first of
/// `./models` (a checkout), `models/` beside the executable, `../share/jixiao/models` from it
/// (an installed prefix) and the user's data directory (`$XDG_DATA_HOME` or
/// `~/.local/share`, then `jixiao/models`) that holds them. With none, `./models` as before,
/// and the engine's start-up check reports what was searched.
pub fn find_models_dir(
    flag: Option<&Path>,
    env: Option<std::ffi::OsString>,
    configured: &Path,
    cwd: &Path,
    exe: Option<&Path>,
    home: Option<PathBuf>,
    xdg_data: Option<PathBuf>,
) -> ModelsSearch {
    let given = |dir: PathBuf, how: &str| ModelsSearch {
        searched: vec![dir.clone()],
        dir,
        how: how.into(),
    };
    if let Some(d) = flag {
        return given(d.to_path_buf(), "--models-dir");
    }
    if let Some(d) = env.filter(|e| !e.is_empty()) {
        return given(PathBuf::from(d), MODELS_ENV);
    }
    let default = OcrConfig::default().models_dir;
    if configured != default {
        return given(
            configured.to_path_buf(),
            "ocr.models_dir in the configuration",
        );
    }
    let mut places: Vec<(PathBuf, &str)> = vec![(cwd.join(&default), "the working directory")];
    if let Some(bin) = exe.and_then(Path::parent) {
        places.push((bin.join("models"), "beside the executable"));
        places.push((
            bin.join("../share/jixiao/models"),
            "the executable's share directory",
        ));
    }
    let data = xdg_data
        .filter(|d| d.is_absolute())
        .or_else(|| home.map(|h| h.join(".local/share")));
    if let Some(d) = data {
        places.push((d.join("jixiao/models"), "the user's data directory"));
    }
    let searched: Vec<PathBuf> = places.iter().map(|(p, _)| p.clone()).collect();
    match places.into_iter().find(|(p, _)| holds_models(p)) {
        Some((dir, how)) => ModelsSearch {
            dir,
            how: how.into(),
            searched,
        },
        None => ModelsSearch {
            dir: default,
            how: "not found".into(),
            searched,
        },
    }
}

/// [`find_models_dir`] with this process's environment and executable.
pub fn find_models_dir_here(flag: Option<&Path>, configured: &Path) -> ModelsSearch {
    let exe = std::env::current_exe().ok();
    find_models_dir(
        flag,
        std::env::var_os(MODELS_ENV),
        configured,
        Path::new(""),
        exe.as_deref(),
        std::env::var_os("HOME").map(PathBuf::from),
        std::env::var_os("XDG_DATA_HOME").map(PathBuf::from),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_name_is_its_serde_name_and_parses_back() {
        for e in [EngineKind::Ppocr, EngineKind::Tesseract] {
            assert_eq!(
                serde_json::to_string(&e).unwrap(),
                format!("\"{}\"", e.as_str())
            );
            assert_eq!(e.as_str().parse::<EngineKind>(), Ok(e));
        }
    }

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

    #[test]
    fn models_are_searched_in_order_and_given_places_win() {
        let d = tempfile::tempdir().unwrap();
        let (bin, home) = (d.path().join("opt/bin"), d.path().join("home"));
        let share = d.path().join("opt/share/jixiao/models");
        let data = home.join(".local/share/jixiao/models");
        for dir in [&bin, &share, &data] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(data.join("libpdfium.so"), b"x").unwrap();
        let exe = bin.join("jixiao");
        let def = OcrConfig::default().models_dir;
        let find = |flag: Option<&Path>, env: Option<&str>, conf: &Path| {
            find_models_dir(
                flag,
                env.map(Into::into),
                conf,
                d.path(),
                Some(&exe),
                Some(home.clone()),
                None,
            )
        };
        // Only the data directory has them.
        let s = find(None, None, &def);
        assert_eq!(
            (s.dir.clone(), s.how.as_str()),
            (data.clone(), "the user's data directory")
        );
        assert_eq!(s.searched.len(), 4);
        // The installed prefix comes before it.
        std::fs::write(share.join("PP-OCRv6_rec_small.onnx"), b"x").unwrap();
        assert_eq!(
            find(None, None, &def).dir,
            bin.join("../share/jixiao/models")
        );
        // Named places are taken as given, flag first.
        let flag = Path::new("/f");
        assert_eq!(find(Some(flag), Some("/e"), Path::new("/c")).dir, flag);
        assert_eq!(find(None, Some("/e"), Path::new("/c")).dir, Path::new("/e"));
        assert_eq!(find(None, Some(""), Path::new("/c")).dir, Path::new("/c"));
    }
}
