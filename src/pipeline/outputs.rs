//! The run's outputs, rebuilt from every input's stored result at the end of each run: the
//! records need the run-wide repair, so they cannot be appended file by file. Tables and pages
//! are streamed (one file's result in memory at a time); only records are gathered.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::Record;

use super::store::{self, AtomicFile, FileResult};
use super::versions::Versions;
use super::{guarded, ErrorLine, Held, Outcome, RunSummary, Status};

/// One input as listed in `run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub path: String,
    pub sha256: Option<String>,
    pub bytes: u64,
    pub kind: Option<super::inputs::InputKind>,
    pub status: Status,
    /// The result was stored by an earlier run and reused.
    pub reused: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    pub pages: usize,
    pub tables: usize,
    pub records: usize,
    pub errors: usize,
    pub ms: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

pub struct Assembled {
    pub inputs: Vec<InputSummary>,
    pub stage_ms: BTreeMap<String, u64>,
    pub warnings: Vec<String>,
}

fn status_of(r: &FileResult) -> Status {
    if r.errors.is_empty() {
        return Status::Ok;
    }
    let file_level = r.errors.iter().any(|e| e.page.is_none());
    let failed_pages: std::collections::BTreeSet<u32> =
        r.errors.iter().filter_map(|e| e.page).collect();
    let good_pages = r
        .pages
        .iter()
        .filter(|p| !p.source.pages.iter().any(|n| failed_pages.contains(n)))
        .count();
    if good_pages == 0 || (file_level && r.tables.is_empty() && r.records.is_empty()) {
        Status::Failed
    } else {
        Status::Partial
    }
}

fn jsonl_line<T: Serialize>(w: &mut impl Write, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")
}

pub(super) fn assemble(
    out: &Path,
    outcomes: &[Outcome],
    summary: &mut RunSummary,
) -> Result<Assembled> {
    let mut tables_f = AtomicFile::create(&out.join("tables.jsonl"))?;
    let mut pages_f = AtomicFile::create(&out.join("pages.jsonl"))?;
    let mut records: Vec<Record> = Vec::new();
    // Record index → position in `errors` order is not needed; the file is enough.
    let mut errors: Vec<ErrorLine> = Vec::new();
    let mut inputs = Vec::with_capacity(outcomes.len());
    let mut stage_ms: BTreeMap<String, u64> = BTreeMap::new();
    let mut warnings: Vec<String> = Vec::new();
    let io = |p: &str, e: std::io::Error| Error::io(out.join(p), e);

    for o in outcomes {
        let display = o.input.display.as_str();
        let mut s = InputSummary {
            path: display.to_owned(),
            sha256: o.sha256.clone(),
            bytes: o.bytes,
            kind: o.kind,
            status: Status::Ok,
            reused: o.reused,
            duplicate_of: o.duplicate_of.clone(),
            pages: 0,
            tables: 0,
            records: 0,
            errors: 0,
            ms: 0,
            warnings: Vec::new(),
        };
        if let Some(d) = &o.duplicate_of {
            s.status = Status::Duplicate;
            warnings.push(format!(
                "{display}: same content as {d}, not processed twice"
            ));
            inputs.push(s);
            continue;
        }
        let loaded: Option<FileResult> = match &o.held {
            Held::Nothing(errs) => {
                s.status = Status::Failed;
                s.errors = errs.len();
                errors.extend(errs.iter().cloned());
                None
            }
            Held::Memory(r) => Some((**r).clone()),
            Held::Stored(path) => {
                let sha = o.sha256.as_deref().unwrap_or_default();
                let r = std::fs::read(path)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<FileResult>(&b).ok())
                    .filter(|r| r.sha256 == sha);
                if r.is_none() {
                    // Removed or damaged between probe and now: report rather than guess.
                    let e = ErrorLine {
                        transient: true,
                        ..ErrorLine::new(
                            display,
                            None,
                            "emit",
                            "stored result vanished during the run; rerun",
                        )
                    };
                    errors.push(e);
                    s.status = Status::Failed;
                    s.errors = 1;
                }
                r
            }
        };
        if let Some(mut r) = loaded {
            r.relabel(display);
            s.status = status_of(&r);
            s.pages = r.pages.len();
            s.tables = r.tables.len();
            s.records = r.records.len();
            s.errors = r.errors.len();
            s.ms = r.ms;
            s.warnings = r.warnings.clone();
            for (k, v) in &r.stage_ms {
                *stage_ms.entry(k.clone()).or_default() += v;
            }
            for p in &r.pages {
                for (k, v) in &p.ms {
                    *stage_ms.entry(k.clone()).or_default() += v;
                }
                jsonl_line(&mut pages_f, p).map_err(|e| io("pages.jsonl", e))?;
            }
            for t in &r.tables {
                jsonl_line(&mut tables_f, t).map_err(|e| io("tables.jsonl", e))?;
            }
            summary.pages += r.pages.len();
            summary.tables += r.tables.len();
            records.extend(r.records);
            errors.extend(r.errors);
            warnings.extend(r.warnings.iter().map(|w| format!("{display}: {w}")));
        }
        match s.status {
            Status::Ok => summary.ok += 1,
            Status::Partial => summary.partial += 1,
            Status::Failed => summary.failed += 1,
            Status::Duplicate => {}
        }
        inputs.push(s);
    }

    // Run-wide repair, then checks; a panic in either must not cost the run its outputs.
    if let Err(e) = guarded("", None, "repair", || {
        crate::repair::repair_run(&mut records)
    }) {
        warnings.push(format!("repair skipped: {}", e.reason));
        errors.push(e);
    }
    for r in &mut records {
        match guarded(&r.source.path, None, "check", || {
            crate::check::check_record(r)
        }) {
            Ok(w) => r.warnings.extend(w),
            Err(e) => errors.push(e),
        }
    }
    summary.records = records.len();
    summary.indicators = records.iter().map(|r| r.indicators.len()).sum();
    summary.errors = errors.len();
    summary.warnings = warnings.len() + records.iter().map(|r| r.warnings.len()).sum::<usize>();

    tables_f.commit()?;
    pages_f.commit()?;
    store::write_atomic(&out.join("records.jsonl"), |w| {
        crate::emit::write_jsonl(w, &records)
    })?;
    store::write_atomic(&out.join("indicators.csv"), |w| {
        crate::emit::write_indicators_csv(w, &records)
    })?;
    store::write_atomic(&out.join("errors.jsonl"), |w| {
        crate::emit::write_jsonl(w, &errors)
    })?;
    Ok(Assembled {
        inputs,
        stage_ms,
        warnings,
    })
}

/// Removes stored results that no input of this run uses (old versions of changed files,
/// results under another configuration), so the state directory does not grow without bound.
pub(super) fn collect_garbage(
    state: &Path,
    outcomes: &[Outcome],
    versions: &Versions,
    cfg: &Config,
) {
    let keep: std::collections::HashSet<std::path::PathBuf> = outcomes
        .iter()
        .filter_map(|o| Some((o.sha256.as_deref()?, o.kind)))
        .flat_map(|(sha, kind)| {
            super::candidate_keys(versions, cfg, kind)
                .into_iter()
                .map(move |k| store::result_path(state, sha, &k))
        })
        .collect();
    let Ok(rd) = std::fs::read_dir(state) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") && !keep.contains(&p) {
            let _ = std::fs::remove_file(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::page_records;
    use crate::ir::Document;

    #[test]
    fn a_result_with_some_failed_pages_is_partial() {
        let d = Document {
            display_path: "a.pdf".into(),
            sha256: "00".into(),
            pages: (1..=2)
                .map(|n| crate::ir::Page {
                    number: n,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let mut r = FileResult {
            format: store::FORMAT,
            sha256: "00".into(),
            key: "k".into(),
            kind: None,
            bytes: 0,
            pages: page_records(&d),
            tables: vec![],
            records: vec![],
            errors: vec![ErrorLine::new("a.pdf", Some(2), "render", "x")],
            warnings: vec![],
            ms: 0,
            stage_ms: Default::default(),
        };
        assert_eq!(status_of(&r), Status::Partial);
        r.errors.push(ErrorLine::new("a.pdf", Some(1), "ocr", "y"));
        assert_eq!(status_of(&r), Status::Failed);
        r.errors.clear();
        assert_eq!(status_of(&r), Status::Ok);
    }
}
