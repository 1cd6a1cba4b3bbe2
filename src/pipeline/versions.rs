//! What a result depends on besides the input's bytes: the program build, the configuration
//! that changes results, and the engine's model files. Hashed into the key of each stored
//! per-file result and written to `run.json`.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::{Config, EngineKind};

use super::inputs::InputKind;

/// A file identified cheaply by size and modification time (hashing a 100 MB model on every
/// run would cost more than the runs it lets us skip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileStamp {
    pub file: String,
    pub bytes: u64,
    pub mtime: u64,
}

fn stamp(path: &Path) -> Option<FileStamp> {
    let md = std::fs::metadata(path).ok()?;
    let mtime = md
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Some(FileStamp {
        file: path.to_string_lossy().into_owned(),
        bytes: md.len(),
        mtime,
    })
}

/// Where tesseract looks for chi_sim (TESSDATA_PREFIX first, then Debian's places).
fn tessdata_file() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("TESSDATA_PREFIX")
        .map(|p| vec![PathBuf::from(&p), PathBuf::from(p).join("tessdata")])
        .unwrap_or_default();
    dirs.extend(
        [
            "/usr/share/tesseract-ocr/5/tessdata",
            "/usr/share/tesseract-ocr/4.00/tessdata",
            "/usr/share/tessdata",
            "/usr/local/share/tessdata",
        ]
        .map(PathBuf::from),
    );
    dirs.into_iter()
        .map(|d| d.join("chi_sim.traineddata"))
        .find(|f| f.is_file())
}

/// Models and native libraries; licence notices and the like do not change results.
fn is_model_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".onnx") || name.ends_with(".traineddata") || name.contains(".so")
}

/// Everything result-relevant that is not configuration text.
#[derive(Debug, Clone, Serialize)]
pub struct Versions {
    pub jixiao: String,
    /// The running executable, so a rebuilt program does not reuse an older build's results.
    pub build: Option<FileStamp>,
    pub engine: EngineKind,
    /// Model and native library files the scanned track uses.
    pub models: Vec<FileStamp>,
    /// Hash of the result-affecting configuration.
    pub config_hash: String,
}

impl Versions {
    pub fn new(cfg: &Config) -> Self {
        let mut models: Vec<FileStamp> = std::fs::read_dir(&cfg.ocr.models_dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file() && is_model_file(p))
                    .filter_map(|p| stamp(&p))
                    .collect()
            })
            .unwrap_or_default();
        if cfg.ocr.engine == EngineKind::Tesseract {
            models.extend(tessdata_file().and_then(|p| stamp(&p)));
        }
        models.sort_by(|a, b| a.file.cmp(&b.file));
        Versions {
            jixiao: env!("CARGO_PKG_VERSION").to_owned(),
            build: std::env::current_exe().ok().and_then(|p| stamp(&p)),
            engine: cfg.ocr.engine,
            models,
            config_hash: short_hash(&result_config(cfg, true)),
        }
    }

    /// The key of a stored result for an input of `kind`. Text input does not depend on the
    /// OCR engine, models or render settings, so switching engines keeps text results.
    pub fn key(&self, cfg: &Config, kind: Option<InputKind>) -> String {
        let scanned = !matches!(kind, Some(InputKind::Text));
        let mut v = serde_json::json!({
            "format": super::store::FORMAT,
            "jixiao": self.jixiao,
            "build": self.build,
            "config": result_config(cfg, scanned),
        });
        if scanned {
            v["models"] = serde_json::json!(self.models);
        }
        short_hash(&v)
    }

    /// The key of a PDF result read wholly from the text layer (no page OCR'd): it depends on
    /// pdfium but not on the OCR engine, its models or render settings, so switching engines
    /// keeps it. Probing tries the full key first, then this one.
    pub fn digital_key(&self, cfg: &Config) -> String {
        let pdfium: Vec<&FileStamp> = self
            .models
            .iter()
            .filter(|m| m.file.contains("pdfium"))
            .collect();
        short_hash(&serde_json::json!({
            "format": super::store::FORMAT,
            "jixiao": self.jixiao,
            "build": self.build,
            "config": result_config(cfg, false),
            "reader": "text-layer",
            "pdfium": pdfium,
        }))
    }
}

/// The configuration minus what cannot change a result (threads, input globs, the time budget:
/// a page over budget is an error that is never stored).
fn result_config(cfg: &Config, scanned: bool) -> serde_json::Value {
    let mut v = serde_json::json!({ "limits": {
        "max_pixels": cfg.limits.max_pixels,
        "max_pages": cfg.limits.max_pages,
        "max_file_bytes": cfg.limits.max_file_bytes,
    }});
    if scanned {
        v["ocr"] = serde_json::json!({
            "engine": cfg.ocr.engine,
            "low_conf": cfg.ocr.low_conf,
            "max_cell_chars": cfg.ocr.max_cell_chars,
        });
        v["render"] = serde_json::to_value(&cfg.render).unwrap_or_default();
    }
    v
}

fn short_hash(v: &serde_json::Value) -> String {
    let h = Sha256::digest(v.to_string().as_bytes());
    hex::encode(&h[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_changes_scanned_keys_but_not_text_keys() {
        let a = Config::default();
        let mut b = a.clone();
        b.ocr.engine = EngineKind::Tesseract;
        b.threads = 7;
        let (va, vb) = (Versions::new(&a), Versions::new(&b));
        let t = Some(InputKind::Text);
        let p = Some(InputKind::Pdf);
        assert_eq!(va.key(&a, t), vb.key(&b, t));
        assert_ne!(va.key(&a, p), vb.key(&b, p));
        let mut c = a.clone();
        c.threads = 3;
        c.input.exclude.push("x".into());
        assert_eq!(va.key(&a, p), Versions::new(&c).key(&c, p));
        c.render.dpi = 150.0;
        assert_ne!(va.key(&a, p), va.key(&c, p));
        assert_eq!(va.digital_key(&a), vb.digital_key(&b));
        assert_eq!(va.digital_key(&a), va.digital_key(&c));
        assert_ne!(va.digital_key(&a), va.key(&a, p));
    }
}
