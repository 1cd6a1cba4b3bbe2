//! What a result depends on besides the input's bytes, in the two levels of the store:
//!
//! 1. a *reading* (the pages as rendered and OCR'd, or read from the text layer) depends on
//!    the reading code's version ([`READING_VERSION`]), the engine, the models' content and
//!    the reading-affecting configuration — not on the program build, so a new jixiao that
//!    changes extraction re-derives every record from stored readings without re-OCR;
//! 2. a *result* (records, tables, page records) is derived from a reading by this build: its
//!    key is the reading's key plus the build.
//!
//! Both keys are hashes; `run.json` shows what went into them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::UNIX_EPOCH;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::{Config, EngineKind};

use super::inputs::InputKind;

/// Bumped whenever reading changes what it gives for the same input (rendering, preprocessing,
/// grid, OCR, the text-layer reader, or the layout of a stored reading): stored readings of
/// another version are then ignored and the pages read again. A change in extraction, checks
/// or repairs does not bump it: results are re-derived from the readings instead.
/// 2: text around the tables read line by line, speck debris stripped from OCR'd lines.
/// 3: a point or dash after a region's last digit is stripped.
/// 4: a band three times as thick as the page's rulings is fused text, not a ruling; a
///    ruling's end pieces that run through text are cut back to the last crossing.
/// 5: regions of a bilevel page read uncertainly are read again from a blurred copy; a
///    speck or ruling stub read as a digit or sign above or below a cell's text is dropped;
///    a short ruling must fill 9/10 of the distance between the perpendiculars it rests on.
/// 6: ppocr pads short lines to 240 px, not 320 (a few labels read "：" as ":"); only lines of
///    the same width (rounded up to 8 px) share a recogniser call, so a line is no longer padded
///    to its batch's widest.
pub const READING_VERSION: u32 = 6;

/// The models' hash cache in the state directory.
pub const MODEL_CACHE: &str = "models-sha256.json";

/// A file identified cheaply by size and modification time.
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

/// A model or native library by its name and content, wherever it is installed: models
/// fetched again, copied or found in another place key the same readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelHash {
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
}

fn hash_model(path: &Path) -> Option<ModelHash> {
    let (sha256, bytes, _) = super::inputs::sha256_file(path, 0).ok()?;
    Some(ModelHash {
        file: path.file_name()?.to_string_lossy().into_owned(),
        bytes,
        sha256,
    })
}

/// A model file's place, size and modification time (ns), under which its hash is cached.
fn cache_id(path: &Path) -> Option<String> {
    let md = std::fs::metadata(path).ok()?;
    let ns = md
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let abs = std::path::absolute(path).ok()?;
    Some(format!("{}|{}|{ns}", abs.display(), md.len()))
}

/// Hashes of the model files, through a cache file (`models-sha256.json` in the state
/// directory) keyed by place, size and mtime, so a run hashes ~70 MB of models only when
/// they are new or changed.
fn hash_models(files: &[PathBuf], cache: Option<&Path>) -> Vec<ModelHash> {
    type Cache = std::collections::BTreeMap<String, String>;
    let mut known: Cache = cache
        .and_then(|c| std::fs::read(c).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut changed = false;
    let mut out = Vec::new();
    for p in files {
        let id = cache_id(p);
        let hit = id.as_ref().and_then(|id| known.get(id)).and_then(|sha| {
            Some(ModelHash {
                file: p.file_name()?.to_string_lossy().into_owned(),
                bytes: std::fs::metadata(p).ok()?.len(),
                sha256: sha.clone(),
            })
        });
        let Some(m) = hit.or_else(|| hash_model(p)) else {
            continue;
        };
        if let Some(id) = id {
            if known.get(&id) != Some(&m.sha256) {
                known.insert(id, m.sha256.clone());
                changed = true;
            }
        }
        out.push(m);
    }
    if let (Some(c), true) = (cache, changed) {
        if let Ok(b) = serde_json::to_vec_pretty(&known) {
            let _ = super::store::write_atomic(c, |w| w.write_all(&b));
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
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
#[derive(Debug)]
pub struct Versions {
    pub jixiao: String,
    /// The running executable: a rebuilt or new program re-derives its results (from stored
    /// readings: that costs milliseconds a file).
    pub build: Option<FileStamp>,
    pub engine: EngineKind,
    models_dir: PathBuf,
    /// Model and native library files reading uses, hashed on first need (a text-only run
    /// never reads them).
    models: OnceLock<Vec<ModelHash>>,
    /// Where the models' hashes are cached.
    cache: Option<PathBuf>,
    /// Hash of the result-affecting configuration.
    pub config_hash: String,
}

impl Serialize for Versions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serde_json::json!({
            "jixiao": self.jixiao,
            "reading_version": READING_VERSION,
            "build": self.build,
            "engine": self.engine,
            "models": self.models.get(),
            "config_hash": self.config_hash,
        })
        .serialize(s)
    }
}

impl Versions {
    pub fn new(cfg: &Config) -> Self {
        Versions {
            jixiao: env!("CARGO_PKG_VERSION").to_owned(),
            build: std::env::current_exe().ok().and_then(|p| stamp(&p)),
            engine: cfg.ocr.engine,
            models_dir: cfg.ocr.models_dir.clone(),
            models: OnceLock::new(),
            cache: None,
            config_hash: short_hash(&result_config(cfg, true)),
        }
    }

    /// As [`Versions::new`], caching the models' hashes in `state_dir`.
    pub fn with_cache(cfg: &Config, state_dir: &Path) -> Self {
        Versions {
            cache: Some(state_dir.join(MODEL_CACHE)),
            ..Versions::new(cfg)
        }
    }

    /// The models' content hashes, computed once (~0.2 s for the PP-OCR set when not cached).
    pub fn models(&self) -> &[ModelHash] {
        self.models.get_or_init(|| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&self.models_dir)
                .map(|rd| {
                    rd.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.is_file() && is_model_file(p))
                        .collect()
                })
                .unwrap_or_default();
            if self.engine == EngineKind::Tesseract {
                files.extend(tessdata_file());
            }
            hash_models(&files, self.cache.as_deref())
        })
    }

    /// The key of a stored reading of a PDF or image (level 1): OCR'd pages depend on the
    /// engine, its models and the render and OCR settings, never on the program build.
    pub fn reading_key(&self, cfg: &Config) -> String {
        short_hash(&serde_json::json!({
            "reading": READING_VERSION,
            "config": result_config(cfg, true),
            "models": self.models(),
        }))
    }

    /// The key of a reading of a PDF wholly from its text layer (no page OCR'd): it depends on
    /// pdfium but not on the OCR engine, its models or render settings, so switching engines
    /// keeps it.
    pub fn digital_reading_key(&self, cfg: &Config) -> String {
        let pdfium: Vec<&ModelHash> = self
            .models()
            .iter()
            .filter(|m| m.file.contains("pdfium"))
            .collect();
        short_hash(&serde_json::json!({
            "reading": READING_VERSION,
            "config": result_config(cfg, false),
            "reader": "text-layer",
            "pdfium": pdfium,
        }))
    }

    /// The keys a stored reading of an input of `kind` may be under, most specific first;
    /// none for text files (reading them costs milliseconds).
    pub fn reading_keys(&self, cfg: &Config, kind: Option<InputKind>) -> Vec<String> {
        match kind {
            Some(InputKind::Pdf) => vec![self.reading_key(cfg), self.digital_reading_key(cfg)],
            Some(InputKind::Image) => vec![self.reading_key(cfg)],
            _ => Vec::new(),
        }
    }

    /// The key of a result derived by this build from the reading under `reading_key`.
    pub fn derived_key(&self, reading_key: &str) -> String {
        short_hash(&serde_json::json!({
            "format": super::store::FORMAT,
            "jixiao": self.jixiao,
            "build": self.build,
            "reading": reading_key,
        }))
    }

    /// The key of a stored result for an input of `kind`: derived from its reading for a PDF
    /// or image; from the text itself for a text file, which does not depend on the OCR
    /// engine, models or render settings, so switching engines keeps text results.
    pub fn key(&self, cfg: &Config, kind: Option<InputKind>) -> String {
        if matches!(kind, Some(InputKind::Text)) {
            return short_hash(&serde_json::json!({
                "format": super::store::FORMAT,
                "jixiao": self.jixiao,
                "build": self.build,
                "config": result_config(cfg, false),
            }));
        }
        self.derived_key(&self.reading_key(cfg))
    }

    /// The key of a result derived from a PDF's text-layer reading. Probing tries the full key
    /// first, then this one.
    pub fn digital_key(&self, cfg: &Config) -> String {
        self.derived_key(&self.digital_reading_key(cfg))
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
        // Readings do not depend on the build; results derived from them do.
        let mut vc = Versions::new(&a);
        vc.build = None;
        vc.jixiao = "9.9.9".into();
        assert_eq!(va.reading_key(&a), vc.reading_key(&a));
        assert_ne!(va.key(&a, p), vc.key(&a, p));
        assert_eq!(va.reading_keys(&a, t), Vec::<String>::new());
    }

    #[test]
    fn models_are_known_by_name_and_content_wherever_they_are() {
        let d = tempfile::tempdir().unwrap();
        let (m1, m2) = (d.path().join("a/models"), d.path().join("b/models"));
        for m in [&m1, &m2] {
            std::fs::create_dir_all(m).unwrap();
            std::fs::write(m.join("rec.onnx"), b"weights").unwrap();
            std::fs::write(m.join("LICENSE"), b"text").unwrap();
        }
        let cfg_in = |m: &Path| {
            let mut c = Config::default();
            c.ocr.models_dir = m.to_path_buf();
            c
        };
        let (c1, c2) = (cfg_in(&m1), cfg_in(&m2));
        let state = d.path().join("state");
        std::fs::create_dir_all(&state).unwrap();
        let v1 = Versions::with_cache(&c1, &state);
        assert_eq!(v1.models().len(), 1);
        assert!(state.join(MODEL_CACHE).is_file());
        // Another place, the same content: the same readings.
        assert_eq!(v1.reading_key(&c1), Versions::new(&c2).reading_key(&c2));
        // Changed content: another key, also through the cache.
        std::fs::write(m1.join("rec.onnx"), b"other weights").unwrap();
        assert_ne!(
            v1.reading_key(&c1),
            Versions::with_cache(&c1, &state).reading_key(&c1)
        );
    }
}
