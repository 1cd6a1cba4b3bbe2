//! The run's outputs, rebuilt from every input's stored result at the end of each run: the
//! records need the run-wide repair, so they cannot be appended file by file. Tables and pages
//! are streamed (one file's result in memory at a time); only records are gathered.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::ir::Document;
use crate::model::{PageRecord, Record, Source};

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
        write_indicators_csv(w, &records)
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
        .filter_map(|o| {
            let sha = o.sha256.as_deref()?;
            Some(store::result_path(state, sha, &versions.key(cfg, o.kind)))
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

/// `pages.jsonl` lines of a document.
// Local until emit provides `emit::page_records`.
pub(crate) fn page_records(doc: &Document) -> Vec<PageRecord> {
    doc.pages
        .iter()
        .map(|p| PageRecord {
            kind: "page".into(),
            source: Source {
                path: doc.display_path.clone(),
                sha256: Some(doc.sha256.clone()),
                pages: vec![p.number],
                tables: Vec::new(),
            },
            width_px: p.info.width_px,
            height_px: p.info.height_px,
            dpi: p.info.dpi,
            skew_deg: p.info.skew_deg,
            text: p.text(),
            mean_conf: p.info.mean_conf,
            ms: p.info.ms.clone(),
            warnings: p.info.warnings.clone(),
        })
        .collect()
}

/// `indicators.csv`: one row per indicator with its record's project and source.
// Local until emit provides `emit::write_indicators_csv`.
fn write_indicators_csv(w: &mut dyn Write, records: &[Record]) -> std::io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "record_id",
        "path",
        "pages",
        "fiscal_year",
        "project",
        "department",
        "period",
        "level1",
        "level2",
        "name",
        "name_raw",
        "value_raw",
        "op",
        "number",
        "unit",
        "date",
        "value_kind",
    ])?;
    let json_str = |v: serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    for r in records {
        let pages: Vec<String> = r.source.pages.iter().map(u32::to_string).collect();
        for i in &r.indicators {
            let v = i.value.as_ref();
            c.write_record([
                r.id.clone(),
                r.source.path.clone(),
                pages.join(";"),
                r.fiscal_year.map(|y| y.to_string()).unwrap_or_default(),
                r.project.name.clone().unwrap_or_default(),
                r.project.department.clone().unwrap_or_default(),
                json_str(serde_json::to_value(i.period).unwrap_or_default()),
                i.level1.clone().unwrap_or_default(),
                i.level2.clone().unwrap_or_default(),
                i.name.clone(),
                i.name_raw.clone(),
                i.value_raw.clone(),
                json_str(serde_json::to_value(v.and_then(|v| v.op)).unwrap_or_default()),
                json_str(serde_json::to_value(v.and_then(|v| v.number)).unwrap_or_default()),
                v.and_then(|v| v.unit.clone()).unwrap_or_default(),
                v.and_then(|v| v.date.clone()).unwrap_or_default(),
                json_str(serde_json::to_value(v.map(|v| v.kind)).unwrap_or_default()),
            ])?;
        }
    }
    c.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Indicator, Period};
    use crate::normalise::{Num, Op, Value, ValueKind};

    #[test]
    fn indicators_csv_has_one_row_per_indicator_with_parsed_value() {
        let mut r = Record {
            id: "abcd1234-p1-t1".into(),
            ..Record::default()
        };
        r.indicators.push(Indicator {
            period: Period::Annual,
            level1: Some("产出指标".into()),
            level2: Some("数量指标".into()),
            level2_code: None,
            name: "参保人数".into(),
            name_raw: "参保人数".into(),
            value_raw: ">135万人".into(),
            value: Some(Value {
                op: Some(Op::Gt),
                number: Some(Num(1_350_000.into())),
                unit: Some("人".into()),
                date: None,
                kind: ValueKind::Quantity,
            }),
            cell: None,
        });
        let mut buf = Vec::new();
        write_indicators_csv(&mut buf, &[r]).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[1].contains(
                ",annual,产出指标,数量指标,参保人数,参保人数,>135万人,>,1350000,人,,quantity"
            ),
            "{}",
            lines[1]
        );
    }

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
