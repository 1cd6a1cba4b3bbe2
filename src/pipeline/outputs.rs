//! The run's outputs, rebuilt from every input's stored result at the end of each run: the
//! records need the run-wide repair, so they cannot be appended file by file. Tables and pages
//! are streamed (one file's result in memory at a time); only records are gathered.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result, Stage};
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
    /// The result was derived again from the stored reading of its pages (none read again).
    pub rederived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    pub pages: usize,
    /// The page ledger (additive to schema v1): pages the input holds as counted when it was
    /// opened (null when it could not be), and how each of them ended.
    pub pages_in: Option<u32>,
    pub pages_ok: usize,
    pub pages_partial: usize,
    pub pages_failed: usize,
    pub tables: usize,
    pub records: usize,
    pub errors: usize,
    pub ms: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

pub struct Assembled {
    pub inputs: Vec<InputSummary>,
    /// Budget tables typed into lines and reconciled (`run.json` `budget`).
    pub budget: crate::budget::BudgetSummary,
    pub stage_ms: BTreeMap<String, u64>,
    pub warnings: Vec<String>,
    pub ledger: Ledger,
}

/// The run's page ledger (`run.json` `ledger`): every page of every input ends ok, partial or
/// failed, and the pages counted in must all be accounted for. `holds` false means pages went
/// missing or were doubled inside jixiao: a bug, reported loudly, never a quiet loss.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Ledger {
    pub pages_in: u64,
    pub ok: u64,
    pub partial: u64,
    pub failed: u64,
    /// Inputs that could not be opened, so their pages could not be counted (each has its
    /// error in errors.jsonl).
    pub inputs_unopened: u64,
    pub holds: bool,
    pub violations: Vec<String>,
}

/// What is wrong with one input's page accounting: every page counted in must come out once,
/// numbered 1..=n, and a page with an error must be marked failed.
fn ledger_violations(r: &FileResult) -> Vec<String> {
    use crate::ir::PageStatus;
    let mut v = Vec::new();
    let mut numbers: Vec<u32> = r
        .pages
        .iter()
        .map(|p| p.source.pages.first().copied().unwrap_or(0))
        .collect();
    numbers.sort_unstable();
    match r.pages_in {
        Some(n) if numbers != (1..=n).collect::<Vec<u32>>() => {
            let missing: Vec<u32> = (1..=n)
                .filter(|k| numbers.binary_search(k).is_err())
                .collect();
            let doubled: Vec<u32> = numbers
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0])
                .collect();
            v.push(format!(
                "{n} pages in, {} accounted for (missing {missing:?}, doubled {doubled:?}, out of range {:?})",
                numbers.len(),
                numbers.iter().filter(|&&k| k == 0 || k > n).collect::<Vec<_>>()
            ));
        }
        None if !r.pages.is_empty() => v.push(format!(
            "{} pages accounted for, but none were counted in",
            r.pages.len()
        )),
        _ => {}
    }
    for e in &r.errors {
        let Some(k) = e.page else { continue };
        let marked = r
            .pages
            .iter()
            .any(|p| p.source.pages.first() == Some(&k) && p.status == PageStatus::Failed);
        if !marked {
            v.push(format!(
                "page {k} has an error ({}) but is not marked failed",
                e.reason
            ));
        }
    }
    for p in &r.pages {
        if p.status != PageStatus::Ok && p.why.is_none() {
            v.push(format!(
                "page {:?} is {:?} without a reason",
                p.source.pages, p.status
            ));
        }
    }
    v
}

fn status_of(r: &FileResult) -> Status {
    use crate::ir::PageStatus;
    let failed_pages: std::collections::BTreeSet<u32> =
        r.errors.iter().filter_map(|e| e.page).collect();
    let failed = |p: &crate::model::PageRecord| {
        p.status == PageStatus::Failed || p.source.pages.iter().any(|n| failed_pages.contains(n))
    };
    let lost_some = r
        .pages
        .iter()
        .any(|p| p.status != PageStatus::Ok || failed(p));
    if r.errors.is_empty() && !lost_some {
        return Status::Ok;
    }
    let file_level = r.errors.iter().any(|e| e.page.is_none());
    let good_pages = r.pages.iter().filter(|p| !failed(p)).count();
    if good_pages == 0 || (file_level && r.tables.is_empty() && r.records.is_empty()) {
        Status::Failed
    } else {
        // Some pages failed or lost part of their image; the rest was read.
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
    let mut a = Assembly::open(out)?;
    for o in outcomes {
        a.add_input(o, summary)?;
    }
    a.repair_and_check();
    a.close_ledger();
    a.finish(summary)
}

/// The run's outputs while they are assembled: the streamed files, open, and what is
/// gathered across inputs for the files written at the end.
struct Assembly<'a> {
    out: &'a Path,
    tables_f: AtomicFile,
    pages_f: AtomicFile,
    budget_lines_f: AtomicFile,
    budget_tables_f: AtomicFile,
    budget_csv: Vec<crate::budget::BudgetLine>,
    budget: crate::budget::BudgetSummary,
    records: Vec<Record>,
    // Record index → position in `errors` order is not needed; the file is enough.
    errors: Vec<ErrorLine>,
    inputs: Vec<InputSummary>,
    stage_ms: BTreeMap<String, u64>,
    warnings: Vec<String>,
    ledger: Ledger,
    // The cells of the tables records were read from, to locate their typed warnings.
    table_index: crate::warning::TableIndex,
}

/// The error of a failed write to the output file `p`.
fn io_error<'p>(out: &'p Path, p: &'p str) -> impl FnOnce(std::io::Error) -> Error + 'p {
    move |e| Error::io(out.join(p), e)
}

/// An input's `run.json` entry before its result is read: what the probe knew, status ok.
fn input_summary(o: &Outcome) -> InputSummary {
    InputSummary {
        path: o.input.display.clone(),
        sha256: o.sha256.clone(),
        bytes: o.bytes,
        kind: o.kind,
        status: Status::Ok,
        reused: o.reused,
        rederived: o.rederived,
        duplicate_of: o.duplicate_of.clone(),
        pages: 0,
        pages_in: None,
        pages_ok: 0,
        pages_partial: 0,
        pages_failed: 0,
        tables: 0,
        records: 0,
        errors: 0,
        ms: 0,
        warnings: Vec::new(),
    }
}

impl<'a> Assembly<'a> {
    /// Opens the streamed output files in `out`, each written whole or not at all.
    fn open(out: &'a Path) -> Result<Self> {
        Ok(Assembly {
            out,
            tables_f: AtomicFile::create(&out.join("tables.jsonl"))?,
            pages_f: AtomicFile::create(&out.join("pages.jsonl"))?,
            budget_lines_f: AtomicFile::create(&out.join("budget_lines.jsonl"))?,
            budget_tables_f: AtomicFile::create(&out.join("budget_tables.jsonl"))?,
            budget_csv: Vec::new(),
            budget: crate::budget::BudgetSummary::default(),
            records: Vec::new(),
            errors: Vec::new(),
            inputs: Vec::new(),
            stage_ms: BTreeMap::new(),
            warnings: Vec::new(),
            ledger: Ledger::default(),
            table_index: crate::warning::TableIndex::new(),
        })
    }

    /// Adds one input: a duplicate is only listed; a result is loaded, counted and its pages,
    /// budget lines and tables streamed out, its records and errors gathered.
    fn add_input(&mut self, o: &Outcome, summary: &mut RunSummary) -> Result<()> {
        let display = o.input.display.as_str();
        let mut s = input_summary(o);
        if let Some(d) = &o.duplicate_of {
            s.status = Status::Duplicate;
            self.warnings.push(format!(
                "{display}: same content as {d}, not processed twice"
            ));
            self.inputs.push(s);
            return Ok(());
        }
        if let Some(r) = self.load(o, &mut s) {
            self.add_result(r, display, &mut s, summary)?;
        }
        match s.status {
            Status::Ok => summary.ok += 1,
            Status::Partial => summary.partial += 1,
            Status::Failed => summary.failed += 1,
            Status::Duplicate => {}
        }
        self.inputs.push(s);
        Ok(())
    }

    /// The input's result, from memory or from the store; `None` (the input failed, its
    /// errors gathered) when it could not be opened or its stored result is gone.
    fn load(&mut self, o: &Outcome, s: &mut InputSummary) -> Option<FileResult> {
        match &o.held {
            Held::Nothing(errs) => {
                self.ledger.inputs_unopened += 1;
                s.status = Status::Failed;
                s.errors = errs.len();
                self.errors.extend(errs.iter().cloned());
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
                            o.input.display.as_str(),
                            None,
                            Stage::Emit,
                            "stored result vanished during the run; rerun",
                        )
                    };
                    self.errors.push(e);
                    self.ledger.inputs_unopened += 1;
                    s.status = Status::Failed;
                    s.errors = 1;
                }
                r
            }
        }
    }

    /// Adds one loaded result: counts it, streams its pages, budget lines and tables, and
    /// gathers its records, errors and warnings.
    fn add_result(
        &mut self,
        mut r: FileResult,
        display: &str,
        s: &mut InputSummary,
        summary: &mut RunSummary,
    ) -> Result<()> {
        r.relabel(display);
        s.status = status_of(&r);
        self.count_pages(&r, display, s);
        s.tables = r.tables.len();
        s.records = r.records.len();
        s.errors = r.errors.len();
        s.ms = r.ms;
        s.warnings = r.warnings.clone();
        for (k, v) in &r.stage_ms {
            *self.stage_ms.entry(k.clone()).or_default() += v;
        }
        self.write_pages(&r)?;
        self.add_budget(&mut r, display)?;
        self.write_tables(&r)?;
        summary.pages += r.pages.len();
        summary.tables += r.tables.len();
        self.records.extend(r.records);
        self.errors.extend(r.errors);
        self.warnings
            .extend(r.warnings.iter().map(|w| format!("{display}: {w}")));
        Ok(())
    }

    /// Counts the input's pages by status into its summary and the run's ledger, and reports
    /// what is wrong with its page accounting.
    fn count_pages(&mut self, r: &FileResult, display: &str, s: &mut InputSummary) {
        s.pages = r.pages.len();
        s.pages_in = r.pages_in;
        for p in &r.pages {
            match p.status {
                crate::ir::PageStatus::Ok => s.pages_ok += 1,
                crate::ir::PageStatus::Partial => s.pages_partial += 1,
                crate::ir::PageStatus::Failed => s.pages_failed += 1,
            }
        }
        let ledger = &mut self.ledger;
        ledger.pages_in += r.pages_in.unwrap_or(0) as u64;
        ledger.ok += s.pages_ok as u64;
        ledger.partial += s.pages_partial as u64;
        ledger.failed += s.pages_failed as u64;
        if r.pages_in.is_none() {
            ledger.inputs_unopened += 1;
        }
        for v in ledger_violations(r) {
            let v = format!("page ledger: {display}: {v}");
            self.errors
                .push(ErrorLine::new(display, None, Stage::Emit, v.clone()));
            ledger.violations.push(v);
        }
    }

    /// Streams the input's pages to `pages.jsonl`, each with its located warnings, adding
    /// their stage timings to the run's.
    fn write_pages(&mut self, r: &FileResult) -> Result<()> {
        for p in &r.pages {
            for (k, v) in &p.ms {
                *self.stage_ms.entry(k.clone()).or_default() += v;
            }
            let at = crate::warning::locate_page(p);
            let line = crate::warning::WithWarnings {
                item: p,
                warnings_at: &at,
            };
            jsonl_line(&mut self.pages_f, &line).map_err(io_error(self.out, "pages.jsonl"))?;
        }
        Ok(())
    }

    /// Types and reconciles the input's budget tables, lowering the confidence of the
    /// scanned cells a failed check doubts, and streams its budget lines and tables; a panic
    /// costs only the budget lines (a warning and an error).
    fn add_budget(&mut self, r: &mut FileResult, display: &str) -> Result<()> {
        // Budget tables typed and reconciled per input (a disclosure's cross-table
        // checks need its own tables only); done before the tables are written so a
        // failed check can lower the confidence of the scanned cells it doubts.
        match guarded(display, None, Stage::Budget, || {
            let cover: String = r.pages.iter().take(3).map(|p| p.text.as_str()).collect();
            crate::budget::analyse_file(&r.tables, &r.records, &cover)
        }) {
            Ok(fb) => {
                let scanned: Vec<u32> = r
                    .pages
                    .iter()
                    .filter(|p| p.page_source == Some(crate::ir::PageSource::Scan))
                    .flat_map(|p| p.source.pages.iter().copied())
                    .collect();
                crate::budget::lower_confidence(
                    &mut r.tables,
                    &scanned,
                    &fb.doubtful_cells,
                    crate::budget::DOUBTED_CONF,
                );
                for l in &fb.lines {
                    jsonl_line(&mut self.budget_lines_f, l)
                        .map_err(io_error(self.out, "budget_lines.jsonl"))?;
                }
                for t in &fb.tables {
                    jsonl_line(&mut self.budget_tables_f, t)
                        .map_err(io_error(self.out, "budget_tables.jsonl"))?;
                }
                self.budget.add(&fb);
                self.budget_csv.extend(fb.lines);
            }
            Err(e) => {
                self.warnings
                    .push(format!("{display}: budget lines skipped: {}", e.reason));
                self.errors.push(e);
            }
        }
        Ok(())
    }

    /// Streams the input's tables to `tables.jsonl`, indexing the cells of those its records
    /// were read from.
    fn write_tables(&mut self, r: &FileResult) -> Result<()> {
        let used: std::collections::HashSet<&str> = r
            .records
            .iter()
            .flat_map(|x| x.source.tables.iter().map(String::as_str))
            .collect();
        for t in &r.tables {
            jsonl_line(&mut self.tables_f, t).map_err(io_error(self.out, "tables.jsonl"))?;
            if used.contains(t.id.as_str()) {
                self.table_index
                    .insert(t.id.clone(), crate::warning::TableCells::of(t));
            }
        }
        Ok(())
    }

    /// Run-wide repair, then checks; a panic in either must not cost the run its outputs.
    fn repair_and_check(&mut self) {
        if let Err(e) = guarded("", None, Stage::Repair, || {
            crate::repair::repair_run(&mut self.records)
        }) {
            self.warnings.push(format!("repair skipped: {}", e.reason));
            self.errors.push(e);
        }
        for r in &mut self.records {
            match guarded(&r.source.path, None, Stage::Check, || {
                crate::check::check_record(r)
            }) {
                Ok(w) => r.warnings.extend(w),
                Err(e) => self.errors.push(e),
            }
        }
    }

    /// The whole run: pages in = pages accounted for (reported only when no input's own
    /// accounting already failed).
    fn close_ledger(&mut self) {
        let ledger = &mut self.ledger;
        let accounted = ledger.ok + ledger.partial + ledger.failed;
        if accounted != ledger.pages_in && ledger.violations.is_empty() {
            let v = format!(
                "page ledger: {} pages in, {accounted} accounted for",
                ledger.pages_in
            );
            self.errors
                .push(ErrorLine::new("", None, Stage::Emit, v.clone()));
            ledger.violations.push(v);
        }
        ledger.holds = ledger.violations.is_empty();
    }

    /// Completes the run's counts, commits the streamed files and writes the gathered ones
    /// (`budget_lines.csv`, `records.jsonl`, `indicators.csv`, `errors.jsonl`).
    fn finish(self, summary: &mut RunSummary) -> Result<Assembled> {
        let Assembly {
            out,
            tables_f,
            pages_f,
            budget_lines_f,
            budget_tables_f,
            budget_csv,
            budget,
            records,
            errors,
            inputs,
            stage_ms,
            warnings,
            ledger,
            table_index,
        } = self;
        summary.ledger_violations = ledger.violations.len();
        summary.records = records.len();
        summary.indicators = records.iter().map(|r| r.indicators.len()).sum();
        summary.errors = errors.len();
        summary.warnings = warnings.len() + records.iter().map(|r| r.warnings.len()).sum::<usize>();

        tables_f.commit()?;
        pages_f.commit()?;
        budget_lines_f.commit()?;
        budget_tables_f.commit()?;
        store::write_atomic(&out.join("budget_lines.csv"), |w| {
            crate::budget::write_lines_csv(w, &budget_csv)
        })?;
        summary.budget_lines = budget.lines;
        summary.budget_checks = budget.checks;
        summary.budget_checks_failed = budget.checks_failed;
        // Typed warnings (additive to schema v1): written beside each record's strings.
        let typed: Vec<crate::warning::WithOwnedWarnings<'_, Record>> = records
            .iter()
            .map(|r| {
                crate::warning::WithWarnings::owned(
                    r,
                    crate::warning::locate_record(r, &table_index),
                )
            })
            .collect();
        store::write_atomic(&out.join("records.jsonl"), |w| {
            crate::emit::write_jsonl(w, &typed)
        })?;
        store::write_atomic(&out.join("indicators.csv"), |w| {
            crate::emit::write_indicators_csv(w, &records)
        })?;
        store::write_atomic(&out.join("errors.jsonl"), |w| {
            crate::emit::write_jsonl(w, &errors)
        })?;
        Ok(Assembled {
            inputs,
            budget,
            stage_ms,
            warnings,
            ledger,
        })
    }
}

/// Removes the superseded results and readings of this run's own inputs (the same bytes
/// stored under an older build, reading version or configuration: this run has just replaced
/// them), and records which of both the run used, for `jixiao prune`. What is stored for files
/// the run was not given is never touched: a nightly run over new files into the archive's
/// OUT must not wipe the archive's results.
pub(super) fn collect_garbage(
    state: &Path,
    outcomes: &[Outcome],
    versions: &Versions,
    cfg: &Config,
) {
    let mut keep: std::collections::HashSet<std::path::PathBuf> = Default::default();
    let mut used: Vec<store::UsedResult> = Vec::new();
    for o in outcomes {
        let (Some(sha), kind) = (o.sha256.as_deref(), o.kind) else {
            continue;
        };
        let input = std::path::absolute(&o.input.path).unwrap_or_else(|_| o.input.path.clone());
        let keys = super::candidate_keys(versions, cfg, kind);
        let results = keys.iter().map(|k| store::result_path(state, sha, k));
        let readings = versions
            .reading_keys(cfg, kind)
            .into_iter()
            .map(|k| store::reading_path(state, sha, &k));
        for p in results.chain(readings) {
            if o.duplicate_of.is_none() && p.is_file() {
                if let Ok(rel) = p.strip_prefix(state) {
                    used.push(store::UsedResult {
                        result: rel.to_string_lossy().into_owned(),
                        input: input.clone(),
                    });
                }
            }
            keep.insert(p);
        }
    }
    let ours: std::collections::HashSet<&str> = outcomes
        .iter()
        .filter_map(|o| o.sha256.as_deref())
        .collect();
    for (_, p) in store::stored_files(state) {
        let Some(sha) = store::result_sha(&p) else {
            continue;
        };
        if ours.contains(sha.as_str()) && !keep.contains(&p) {
            let _ = std::fs::remove_file(&p);
        }
    }
    // Best effort: without it `prune` refuses to guess rather than remove too much.
    let _ = store::write_last_run(state, &used);
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
            errors: vec![ErrorLine::new("a.pdf", Some(2), Stage::Render, "x")],
            warnings: vec![],
            ms: 0,
            stage_ms: Default::default(),
            pages_in: Some(2),
            reading: None,
        };
        assert_eq!(status_of(&r), Status::Partial);
        r.errors
            .push(ErrorLine::new("a.pdf", Some(1), Stage::Ocr, "y"));
        assert_eq!(status_of(&r), Status::Failed);
        r.errors.clear();
        assert_eq!(status_of(&r), Status::Ok);
    }
}
