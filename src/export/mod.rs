//! What people open: `OUT/jixiao.sqlite`, `OUT/records.xlsx` and the review pages
//! `OUT/review/index.html`, each rebuilt on every run from the run's JSONL outputs (which are
//! themselves rebuilt from the store), each switched on or off in `pipeline.toml` `[export]`.
//!
//! The JSONL files are read back rather than handed over in memory so that the exports see
//! exactly what a JSONL consumer sees (the read-back test compares them) and so that tables
//! and pages can be streamed one document at a time.

pub mod review;
pub mod sqlite;
pub mod xlsx;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{PageRecord, Record, TableRecord};
use crate::warning::WarningAt;

/// A record as read back from `records.jsonl`: the v1 record and its typed warnings.
#[derive(Debug, Clone)]
pub struct RecordOut {
    pub record: Record,
    pub warnings_at: Vec<WarningAt>,
}

/// A page as read back from `pages.jsonl`, with its typed warnings.
#[derive(Debug, Clone)]
pub struct PageOut {
    pub page: PageRecord,
    pub warnings_at: Vec<WarningAt>,
}

/// One input of the run, as the exports need it: where its bytes are (to draw its pages).
#[derive(Debug, Clone)]
pub struct DocInput {
    /// `source.path` in the outputs.
    pub display: String,
    pub path: PathBuf,
    pub sha256: Option<String>,
}

fn export_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("export {what}: {e}"))
}

/// Reads a JSON Lines file, one item per line; a missing file is empty.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for_each_jsonl(path, |t| {
        out.push(t);
        Ok(())
    })?;
    Ok(out)
}

/// Calls `f` on each line of a JSON Lines file in order (streamed); a missing file is empty.
pub fn for_each_jsonl<T: DeserializeOwned>(
    path: &Path,
    mut f: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, e)),
    };
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let t = serde_json::from_str(&line)
            .map_err(|e| export_err(&format!("{} line {}", path.display(), n + 1), e))?;
        f(t)?;
    }
    Ok(())
}

fn warnings_at_of(v: &mut serde_json::Value) -> Vec<WarningAt> {
    v.get_mut("warnings_at")
        .map(serde_json::Value::take)
        .and_then(|w| serde_json::from_value(w).ok())
        .unwrap_or_default()
}

pub fn read_records(out: &Path) -> Result<Vec<RecordOut>> {
    let vals: Vec<serde_json::Value> = read_jsonl(&out.join("records.jsonl"))?;
    vals.into_iter()
        .map(|mut v| {
            let warnings_at = warnings_at_of(&mut v);
            let record = serde_json::from_value(v).map_err(|e| export_err("records.jsonl", e))?;
            Ok(RecordOut {
                record,
                warnings_at,
            })
        })
        .collect()
}

pub fn page_out(mut v: serde_json::Value) -> Result<PageOut> {
    let warnings_at = warnings_at_of(&mut v);
    let page = serde_json::from_value(v).map_err(|e| export_err("pages.jsonl", e))?;
    Ok(PageOut { page, warnings_at })
}

/// Streams `tables.jsonl`.
pub fn for_each_table(out: &Path, f: impl FnMut(TableRecord) -> Result<()>) -> Result<()> {
    for_each_jsonl(&out.join("tables.jsonl"), f)
}

/// Streams `pages.jsonl`.
pub fn for_each_page(out: &Path, mut f: impl FnMut(PageOut) -> Result<()>) -> Result<()> {
    for_each_jsonl(&out.join("pages.jsonl"), |v: serde_json::Value| {
        f(page_out(v)?)
    })
}

/// Budget lines (issue 12's `budget_lines.jsonl`) when a run wrote them: kept as JSON objects
/// so the exports take whatever columns they have without depending on their type.
pub fn read_budget_lines(out: &Path) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
    let vals: Vec<serde_json::Value> = read_jsonl(&out.join("budget_lines.jsonl"))?;
    Ok(vals
        .into_iter()
        .filter_map(|v| match v {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        })
        .collect())
}

/// The scalar columns of a set of JSON objects, in first-seen order (nested values are written
/// as JSON text).
pub fn object_columns(rows: &[serde_json::Map<String, serde_json::Value>]) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    for r in rows {
        for k in r.keys() {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
    }
    cols
}

/// Runs the exports `cfg.export` asks for; returns milliseconds per export and warnings (an
/// export that fails is a warning of the run, never the loss of the JSONL outputs).
pub fn write_all(
    out: &Path,
    docs: &[DocInput],
    cfg: &Config,
) -> (BTreeMap<String, u64>, Vec<String>) {
    let mut ms = BTreeMap::new();
    let mut warnings = Vec::new();
    let e = &cfg.export;
    if !(e.sqlite || e.xlsx || e.review) {
        return (ms, warnings);
    }
    let t = Instant::now();
    let records = match read_records(out) {
        Ok(r) => r,
        Err(err) => {
            warnings.push(format!("exports skipped: {err}"));
            return (ms, warnings);
        }
    };
    ms.insert("export_load".into(), t.elapsed().as_millis() as u64);
    let mut step = |name: &str, f: &mut dyn FnMut() -> Result<()>| {
        let t = Instant::now();
        if let Err(err) = f() {
            warnings.push(format!("{name} not written: {err}"));
        }
        ms.insert(format!("export_{name}"), t.elapsed().as_millis() as u64);
    };
    if e.sqlite {
        step("sqlite", &mut || {
            sqlite::write(&out.join("jixiao.sqlite"), out, &records)
        });
    }
    if e.xlsx {
        step("xlsx", &mut || {
            xlsx::write(&out.join("records.xlsx"), out, &records)
        });
    }
    if e.review {
        step("review", &mut || review::write(out, docs, &records, cfg));
    }
    (ms, warnings)
}
