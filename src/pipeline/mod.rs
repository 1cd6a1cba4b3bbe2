//! The batch driver: every input file of a run through the stages, page-parallel, incremental
//! and crash-safe, with a machine-readable error for every failure and none stopping the batch.
//!
//! A run has three phases:
//! 1. *probe* — each input is stat'ed, size-checked, hashed (sha256) and sniffed; an input whose
//!    result for these bytes, this build and this configuration is already stored is reused, a
//!    duplicate of an earlier input is dropped; for the others a stored reading of their pages
//!    (level 1 of the store, see [`store`]) is looked for;
//! 2. *process* — the remaining files run on one rayon pool, file-level tasks fanning out into
//!    page tasks so the workers share all files' pages. A file with a stored reading is only
//!    re-derived from it (extraction: milliseconds, no page read again); the others are read,
//!    their reading stored, and derived. Each file's result (pages, tables, records before
//!    repair) is stored atomically the moment the file is done;
//! 3. *assemble* — the run's outputs are rebuilt from all per-file results in input order, with
//!    the run-wide repair and checks, each output replaced atomically.
//!
//! Past one machine, [`shard`] splits a run into shards a cluster's scheduler runs side by side
//! (`jixiao plan`, `run --shard I/N`) and merges their stored results into one output.
//!
//! A kill at any point loses at most the files in flight: their results are absent, everything
//! stored is complete, and the next run redoes only what is missing.

pub mod bench;
mod engines;
pub mod inputs;
mod outputs;
mod pages;
pub mod shard;
pub mod store;
pub mod versions;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{Error, Result, Stage};
use crate::ir::{Document, Page, PageSource};

use engines::EnginePool;
use inputs::{InputFile, InputKind};
use pages::{image_pages, pdf_pages};
use store::FileResult;
use versions::Versions;

/// Directory inside OUT holding the per-file results.
pub const STATE_DIR: &str = ".jixiao";

pub struct RunOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub config: Config,
    /// Redo every file even when a stored result matches.
    pub force: bool,
    /// Draw a progress bar on stderr (the caller checks that stderr is a terminal).
    pub progress: bool,
}

/// One line of `OUT/errors.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorLine {
    pub file: String,
    /// 1-based page, absent for errors about the whole file.
    pub page: Option<u32>,
    pub stage: Stage,
    pub reason: String,
    /// True when the failure may not recur (time budget, engine, I/O): the file is retried on
    /// the next run instead of its result being kept.
    #[serde(default)]
    pub transient: bool,
}

impl ErrorLine {
    pub fn new(file: &str, page: Option<u32>, stage: Stage, reason: impl Into<String>) -> Self {
        ErrorLine {
            file: file.to_owned(),
            page,
            stage,
            reason: reason.into(),
            transient: false,
        }
    }

    /// From a library error: the reason without the path (the line has its own `file`).
    pub fn from_error(file: &str, page: Option<u32>, e: &Error) -> Self {
        let (reason, transient) = match e {
            Error::BadInput { reason, .. } => (reason.clone(), false),
            Error::Limit { reason, .. } => (format!("refused: {reason}"), false),
            Error::Io { source, .. } => (source.to_string(), true),
            Error::Engine { .. } => (e.to_string(), true),
            _ => (e.to_string(), false),
        };
        ErrorLine {
            transient,
            ..ErrorLine::new(file, e.page().or(page), e.stage(), reason)
        }
    }
}

/// How an input fared, for `run.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    /// Some pages failed; the others' results are in the outputs.
    Partial,
    Failed,
    /// Same bytes as an earlier input of the run; not processed twice.
    Duplicate,
}

/// Where an input's result comes from.
enum Held {
    /// Stored in the state directory (computed now or by an earlier run).
    Stored(PathBuf),
    /// Kept in memory: not reusable (transient errors) or the store failed.
    Memory(Box<FileResult>),
    /// Nothing to assemble (duplicate, or failed before reading).
    Nothing(Vec<ErrorLine>),
}

struct Outcome {
    input: InputFile,
    sha256: Option<String>,
    bytes: u64,
    kind: Option<InputKind>,
    reused: bool,
    duplicate_of: Option<String>,
    held: Held,
    /// A stored reading of these bytes found by the probe (path and key): the result is
    /// derived from it rather than from reading the file again.
    reading: Option<(PathBuf, String)>,
    /// The result was derived from a stored reading.
    rederived: bool,
    /// Pages read from the input by this run (rendered and OCR'd, or from the text layer).
    pages_read: u64,
}

impl Outcome {
    fn new(input: &InputFile) -> Self {
        Outcome {
            input: input.clone(),
            sha256: None,
            bytes: 0,
            kind: None,
            reused: false,
            duplicate_of: None,
            held: Held::Nothing(Vec::new()),
            reading: None,
            rederived: false,
            pages_read: 0,
        }
    }
}

/// What a run did, returned to the caller and written to `run.json`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RunSummary {
    pub inputs: usize,
    /// Inputs read (pages rendered and OCR'd, or read from their text layer or text).
    pub processed: usize,
    /// Inputs whose stored result for this build was used as it is.
    pub reused: usize,
    /// Inputs whose result was derived again from their stored reading (a new build): no page
    /// of theirs was read.
    pub rederived: usize,
    /// Pages read from their input in this run; a rerun that re-derives reads none.
    pub pages_read: u64,
    pub duplicates: usize,
    pub ok: usize,
    pub partial: usize,
    pub failed: usize,
    pub pages: usize,
    pub records: usize,
    pub tables: usize,
    pub indicators: usize,
    pub errors: usize,
    pub warnings: usize,
    /// OCR engines created (0 for a text-only run: no model was loaded).
    pub engines_created: usize,
    /// Inputs whose pages were not all accounted for (see `run.json` `ledger`); a bug in
    /// jixiao, never expected, so the exit status says so.
    pub ledger_violations: usize,
    /// Budget lines written to budget_lines.jsonl, reconciliation checks made and failed
    /// (additive to schema v1; details in `run.json` `budget`).
    pub budget_lines: usize,
    pub budget_checks: usize,
    pub budget_checks_failed: usize,
}

impl RunSummary {
    /// 0 when every input succeeded, 1 when some failed (the rest were processed).
    pub fn exit_code(&self) -> i32 {
        if self.failed + self.partial + self.ledger_violations > 0 {
            1
        } else {
            0
        }
    }
}

/// Page-level shared state of the process phase.
pub(crate) struct Ctx<'a> {
    pub cfg: &'a Config,
    pub engines: &'a EnginePool,
    pub progress: &'a Progress,
}

/// Runs the pipeline over `opts.inputs` into `opts.out`.
pub fn run(opts: &RunOptions) -> Result<RunSummary> {
    opts.config.validate()?;
    let inputs = inputs::discover(&opts.inputs, &opts.config.input)?;
    run_files(opts, inputs)
}

/// Runs the pipeline over files already listed (`--files-from`, a shard of a plan) into
/// `opts.out`, in the order given; `opts.inputs` is not looked at.
pub fn run_files(opts: &RunOptions, inputs: Vec<InputFile>) -> Result<RunSummary> {
    run_inner(opts, inputs, true)
}

/// The run itself. With `read_pages` false (`jixiao merge`) no PDF or image is read: its
/// result must be stored already (or be re-derived from a stored reading); one that is not
/// becomes that input's error, since reading it is its shard's work.
fn run_inner(opts: &RunOptions, inputs: Vec<InputFile>, read_pages: bool) -> Result<RunSummary> {
    let t_run = Instant::now();
    let started = std::time::SystemTime::now();
    let cfg = &opts.config;
    cfg.validate()?;
    let state = opts.out.join(STATE_DIR);
    std::fs::create_dir_all(&state).map_err(|e| Error::io(&state, e))?;
    let _lock = store::lock_dir(&state)?;
    store::sweep_temporaries(&state);
    store::sweep_temporaries(&opts.out);
    let versions = Versions::with_cache(cfg, &state);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| Error::Config(format!("thread pool: {e}")))?;
    let engines = EnginePool::new(&cfg.ocr, pool.current_num_threads());

    // Phase 1: probe.
    let t_probe = Instant::now();
    let mut outcomes: Vec<Outcome> = pool.install(|| {
        inputs
            .par_iter()
            .map(|inp| probe(inp, cfg, &versions, &state, opts.force))
            .collect()
    });
    mark_duplicates(&mut outcomes);
    if !read_pages {
        mark_unread(&mut outcomes);
    }
    let probe_ms = ms(t_probe);

    // Phase 2: process what is not reused.
    let t_process = Instant::now();
    let todo: Vec<usize> = (0..outcomes.len())
        .filter(|&i| {
            matches!(outcomes[i].held, Held::Nothing(ref e) if e.is_empty())
                && outcomes[i].duplicate_of.is_none()
        })
        .collect();
    start_engine(&pool, &engines, cfg, &outcomes, &todo)?;
    process_all(
        &pool,
        opts,
        &engines,
        &versions,
        &state,
        &mut outcomes,
        &todo,
    );
    let process_ms = ms(t_process);

    // Phase 3: assemble.
    let t_assemble = Instant::now();
    let mut summary = run_counts(&outcomes, todo.len(), &engines);
    let mut assembled = outputs::assemble(&opts.out, &outcomes, &mut summary)?;
    let assemble_ms = ms(t_assemble);

    // Phase 4: exports (SQLite, Excel, review pages), rebuilt from the outputs just written.
    let t_export = Instant::now();
    let (export_parts_ms, export_warnings) =
        crate::export::write_all(&opts.out, &export_docs(&outcomes), cfg);
    assembled.warnings.extend(export_warnings);
    let export_ms = ms(t_export);

    let run_json = serde_json::json!({
        "schema_version": crate::model::SCHEMA_VERSION,
        "jixiao_version": env!("CARGO_PKG_VERSION"),
        "started_unix": started.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
        "threads": pool.current_num_threads(),
        "versions": versions,
        "config": cfg,
        "force": opts.force,
        "inputs": assembled.inputs,
        "counts": summary,
        "timings_ms": {
            "total": ms(t_run),
            "probe": probe_ms,
            "process": process_ms,
            "assemble": assemble_ms,
            "export": export_ms,
        },
        "export_ms": export_parts_ms,
        "stage_ms": assembled.stage_ms,
        "warnings": assembled.warnings,
        "ledger": assembled.ledger,
        "budget": assembled.budget,
    });
    let path = opts.out.join("run.json");
    store::write_atomic(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, &run_json)?;
        w.write_all(b"\n")
    })?;
    outputs::collect_garbage(&state, &outcomes, &versions, cfg);
    Ok(summary)
}

/// `jixiao merge` reads no page: an input with neither a stored result nor a stored reading
/// becomes a transient input error telling to run its shard (or plan) again.
fn mark_unread(outcomes: &mut [Outcome]) {
    for o in outcomes {
        let unread = matches!(o.held, Held::Nothing(ref e) if e.is_empty())
            && o.duplicate_of.is_none()
            && o.reading.is_none()
            && o.kind != Some(InputKind::Text);
        if unread {
            o.held = Held::Nothing(vec![ErrorLine {
                transient: true,
                ..ErrorLine::new(
                    &o.input.display,
                    None,
                    Stage::Input,
                    "no shard stored a result or reading of these bytes (the file is new or changed since it was planned, or its shard lost it): run its shard again, or plan again",
                )
            }]);
        }
    }
}

/// Starts (or checks) the OCR engine before any page is read when some input to process
/// needs it.
fn start_engine(
    pool: &rayon::ThreadPool,
    engines: &EnginePool,
    cfg: &Config,
    outcomes: &[Outcome],
    todo: &[usize],
) -> Result<()> {
    // An engine that cannot start (models missing where this binary looks) would fail every
    // scanned page one by one; it is a usage error before any page is read instead. Images
    // always need it, so it is started; PDFs may be born-digital and need none, so only its
    // files are checked (a text-layer run loads no model).
    let kind_todo = |k: InputKind| {
        todo.iter()
            .any(|&i| outcomes[i].kind == Some(k) && outcomes[i].reading.is_none())
    };
    let start = if kind_todo(InputKind::Image) {
        pool.install(|| engines.with_engine(|_| ()))
    } else if kind_todo(InputKind::Pdf) {
        crate::ocr::preflight(&cfg.ocr)
    } else {
        Ok(())
    };
    start.map_err(cannot_start)
}

/// Processes the inputs `todo` in parallel (one input per task), each outcome replacing its
/// probe's, with the progress bar.
fn process_all(
    pool: &rayon::ThreadPool,
    opts: &RunOptions,
    engines: &EnginePool,
    versions: &Versions,
    state: &Path,
    outcomes: &mut [Outcome],
    todo: &[usize],
) {
    let progress = Progress::new(opts.progress, todo.len());
    let ctx = Ctx {
        cfg: &opts.config,
        engines,
        progress: &progress,
    };
    let done: Vec<(usize, Outcome)> = pool.install(|| {
        todo.par_iter()
            .with_max_len(1)
            .map(|&i| (i, process_input(&outcomes[i], &ctx, versions, state)))
            .collect()
    });
    for (i, o) in done {
        outcomes[i] = o;
    }
    progress.finish();
}

/// The run's counts known before assembly: inputs processed, reused, re-derived, duplicate.
fn run_counts(outcomes: &[Outcome], n_todo: usize, engines: &EnginePool) -> RunSummary {
    let rederived = outcomes.iter().filter(|o| o.rederived).count();
    RunSummary {
        inputs: outcomes.len(),
        processed: n_todo - rederived,
        reused: outcomes.iter().filter(|o| o.reused).count(),
        rederived,
        pages_read: outcomes.iter().map(|o| o.pages_read).sum(),
        duplicates: outcomes.iter().filter(|o| o.duplicate_of.is_some()).count(),
        engines_created: engines.created(),
        ..RunSummary::default()
    }
}

/// The documents the exports draw: every input but the duplicates.
fn export_docs(outcomes: &[Outcome]) -> Vec<crate::export::DocInput> {
    outcomes
        .iter()
        .filter(|o| o.duplicate_of.is_none())
        .map(|o| crate::export::DocInput {
            display: o.input.display.clone(),
            path: o.input.path.clone(),
            sha256: o.sha256.clone(),
        })
        .collect()
}

/// `jixiao prune OUT`: removes the stored results in `OUT` that the last run did not use (inputs
/// since dropped from the run, old versions of changed files) or whose input file is gone, and
/// returns what was removed. A run never removes them itself: only this explicit command does.
pub fn prune(out: &Path, dry_run: bool) -> Result<Vec<store::Pruned>> {
    let state = out.join(STATE_DIR);
    if !state.is_dir() {
        return Err(Error::Config(format!(
            "{} holds no jixiao results (no {STATE_DIR}/)",
            out.display()
        )));
    }
    let _lock = store::lock_dir(&state)?;
    store::prune(&state, dry_run)
}

/// The usage error for an OCR engine that cannot start: what to do about it.
fn cannot_start(e: Error) -> Error {
    match e {
        Error::Engine { engine, reason } => Error::Engine {
            engine,
            reason: format!(
                "cannot start, so no page was read: {reason}. Fetch the models with {} or name their directory with --models-dir or ${}",
                crate::config::FETCH_MODELS,
                crate::config::MODELS_ENV
            ),
        },
        other => other,
    }
}

fn ms(t: Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

/// Phase 1 for one input. `held` is `Nothing(vec![])` for an input still to be processed.
fn probe(inp: &InputFile, cfg: &Config, versions: &Versions, state: &Path, force: bool) -> Outcome {
    let mut o = Outcome::new(inp);
    let fail = |o: &mut Outcome, e: ErrorLine| o.held = Held::Nothing(vec![e]);
    let head = match read_head_and_hash(&inp.path, cfg.limits.max_file_bytes) {
        Ok((sha, n, head)) => {
            o.sha256 = Some(sha);
            o.bytes = n;
            head
        }
        Err(e) => {
            fail(&mut o, ErrorLine::from_error(&inp.display, None, &e));
            return o;
        }
    };
    match inputs::sniff(&head, &inp.path) {
        Ok(k) => o.kind = Some(k),
        Err(reason) => {
            fail(
                &mut o,
                ErrorLine::new(&inp.display, None, Stage::Input, reason),
            );
            return o;
        }
    }
    if !force {
        let sha = o.sha256.as_deref().unwrap_or_default();
        for key in candidate_keys(versions, cfg, o.kind) {
            let path = store::result_path(state, sha, &key);
            if store::load(&path, sha, &key).is_some() {
                o.reused = true;
                o.held = Held::Stored(path);
                return o;
            }
        }
        o.reading = versions
            .reading_keys(cfg, o.kind)
            .into_iter()
            .map(|key| (store::reading_path(state, sha, &key), key))
            .find(|(p, _)| p.is_file());
    }
    o
}

/// The keys a stored result for an input of `kind` may be under, most specific first: a PDF
/// read wholly from its text layer is stored under a key that ignores the OCR engine.
pub(crate) fn candidate_keys(
    versions: &Versions,
    cfg: &Config,
    kind: Option<InputKind>,
) -> Vec<String> {
    let mut keys = vec![versions.key(cfg, kind)];
    if kind == Some(InputKind::Pdf) {
        keys.push(versions.digital_key(cfg));
    }
    keys
}

/// sha256 and size of a file, and its first 8 KiB for sniffing. Files over the size limit are
/// refused from their metadata, before any byte is read.
fn read_head_and_hash(path: &Path, max_bytes: u64) -> Result<(String, u64, Vec<u8>)> {
    let md = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !md.is_file() {
        return Err(Error::bad_input(
            path,
            None,
            Stage::Input,
            "not a regular file",
        ));
    }
    check_size(path, md.len(), max_bytes)?;
    inputs::sha256_file(path, 8192).map_err(|e| Error::io(path, e))
}

fn check_size(path: &Path, n: u64, max_bytes: u64) -> Result<()> {
    if n > max_bytes {
        return Err(Error::Limit {
            path: path.to_path_buf(),
            page: None,
            reason: format!("{n} bytes exceeds limits.max_file_bytes = {max_bytes}"),
        });
    }
    Ok(())
}

/// Later inputs with the bytes of an earlier one are dropped (their ids would collide).
fn mark_duplicates(outcomes: &mut [Outcome]) {
    let mut first: std::collections::HashMap<String, String> = Default::default();
    for o in outcomes.iter_mut() {
        let Some(sha) = o.sha256.clone() else {
            continue;
        };
        match first.get(&sha) {
            Some(d) => {
                o.duplicate_of = Some(d.clone());
                o.reused = false;
                o.reading = None;
                o.held = Held::Nothing(Vec::new());
            }
            None => {
                first.insert(sha, o.input.display.clone());
            }
        }
    }
}

/// Phase 2 for one input: derive its result from the stored reading the probe found, or read
/// it (storing the reading) and derive; store the result.
fn process_input(probe: &Outcome, ctx: &Ctx, versions: &Versions, state: &Path) -> Outcome {
    let inp = &probe.input;
    let mut o = Outcome::new(inp);
    if let (Some((path, key)), Some(sha), Some(kind)) = (&probe.reading, &probe.sha256, probe.kind)
    {
        // A miss (damaged, another format) falls through to reading the file.
        if let Some(reading) = store::load_reading(path, sha, key) {
            o.sha256 = Some(sha.clone());
            o.bytes = probe.bytes;
            o.kind = Some(kind);
            o.rederived = true;
            let key = versions.derived_key(&reading.key);
            let result = derive(inp, reading, key, ctx.cfg);
            ctx.progress.file_done();
            o.held = hold(state, result);
            return o;
        }
    }
    let bytes = std::fs::metadata(&inp.path)
        .map_err(|e| Error::io(&inp.path, e))
        .and_then(|md| check_size(&inp.path, md.len(), ctx.cfg.limits.max_file_bytes))
        .and_then(|_| std::fs::read(&inp.path).map_err(|e| Error::io(&inp.path, e)));
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            o.held = Held::Nothing(vec![ErrorLine::from_error(&inp.display, None, &e)]);
            ctx.progress.file_done();
            return o;
        }
    };
    // Hashed again: the file may have changed since the probe, and the result must be stored
    // under the hash of the bytes it was computed from.
    let sha = inputs::sha256_bytes(&bytes);
    o.bytes = bytes.len() as u64;
    o.sha256 = Some(sha.clone());
    let kind = match inputs::sniff(&bytes, &inp.path) {
        Ok(k) => k,
        Err(reason) => {
            o.held = Held::Nothing(vec![ErrorLine::new(
                &inp.display,
                None,
                Stage::Input,
                reason,
            )]);
            ctx.progress.file_done();
            return o;
        }
    };
    o.kind = Some(kind);
    let mut reading = read_input(inp, bytes, sha.clone(), kind, ctx);
    o.pages_read = reading.pages.len() as u64;
    let key = if kind == InputKind::Text {
        versions.key(ctx.cfg, Some(kind))
    } else {
        // A PDF read wholly from its text layer is kept under a key that ignores the OCR
        // engine and its models.
        reading.key = if kind == InputKind::Pdf && reading.all_text_layer() {
            versions.digital_reading_key(ctx.cfg)
        } else {
            versions.reading_key(ctx.cfg)
        };
        if reading.is_reusable() {
            let path = store::reading_path(state, &sha, &reading.key);
            if let Err(e) = store::save_reading(&path, &reading) {
                reading.warnings.push(format!("reading not stored: {e}"));
            }
        }
        versions.derived_key(&reading.key)
    };
    let result = derive(inp, reading, key, ctx.cfg);
    ctx.progress.file_done();
    o.held = hold(state, result);
    o
}

/// Stores a result when it may be reused (kept in memory otherwise).
fn hold(state: &Path, result: FileResult) -> Held {
    if !result.is_reusable() {
        return Held::Memory(Box::new(result));
    }
    let path = store::result_path(state, &result.sha256, &result.key);
    match store::save(&path, &result) {
        Ok(()) => Held::Stored(path),
        Err(e) => {
            let mut r = result;
            r.warnings.push(format!("result not stored: {e}"));
            Held::Memory(Box::new(r))
        }
    }
}

/// Runs `f`, turning a panic into an error for `stage`.
fn guarded<T>(
    file: &str,
    page: Option<u32>,
    stage: Stage,
    f: impl FnOnce() -> T,
) -> std::result::Result<T, ErrorLine> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = panic_message(p.as_ref());
        ErrorLine::new(file, page, stage, format!("internal error (panic): {msg}"))
    })
}

/// The message a panic was raised with (kept here for callers of `pipeline::panic_message`).
pub use crate::error::panic_message;

/// One file's bytes to its result: [`read_input`] then [`derive`]. Never panics; every
/// failure is an error line.
pub(crate) fn process_bytes(
    inp: &InputFile,
    bytes: Vec<u8>,
    sha256: String,
    kind: InputKind,
    key: String,
    ctx: &Ctx,
) -> FileResult {
    let reading = read_input(inp, bytes, sha256, kind, ctx);
    derive(inp, reading, key, ctx.cfg)
}

/// Level 1: one file's bytes to its pages as read (the expensive part: rendering and OCR, or
/// the text layer), with the errors and warnings of reading. Never panics. The reading's `key`
/// is left empty for the caller to set.
pub(crate) fn read_input(
    inp: &InputFile,
    bytes: Vec<u8>,
    sha256: String,
    kind: InputKind,
    ctx: &Ctx,
) -> store::Reading {
    let t = Instant::now();
    let file = inp.display.as_str();
    let n_bytes = bytes.len() as u64;
    let mut errors: Vec<ErrorLine> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut stage_ms: BTreeMap<String, u64> = BTreeMap::new();
    // Pages the input holds, counted where it is opened (the PDF's page tree, the TIFF's
    // directories), independently of the pages that come out: the page ledger compares them.
    let mut pages_in: Option<u32> = None;
    let pages: Vec<Page> = match kind {
        InputKind::Text => match inputs::decode_text(&bytes) {
            Ok((text, enc)) => {
                drop(bytes);
                if let Some(enc) = enc {
                    warnings.push(format!("text decoded as {enc}"));
                }
                ctx.progress.add_pages(1);
                let t_read = Instant::now();
                let r = guarded(file, None, Stage::Table, || {
                    crate::table::text::read_text(&text)
                });
                stage_ms.insert("read_text".into(), ms(t_read));
                ctx.progress.page_done();
                let pages = r.unwrap_or_else(|e| {
                    errors.push(e);
                    Vec::new()
                });
                pages_in = Some(pages.len() as u32);
                pages
            }
            Err(reason) => {
                errors.push(ErrorLine::new(file, None, Stage::Input, reason));
                Vec::new()
            }
        },
        InputKind::Pdf => pdf_pages(
            inp,
            bytes,
            ctx,
            &mut errors,
            &mut warnings,
            &mut stage_ms,
            &mut pages_in,
        ),
        InputKind::Image => {
            let pages = image_pages(inp, &bytes, ctx, &mut errors, &mut warnings, &mut pages_in);
            drop(bytes);
            pages
        }
    };
    store::Reading {
        format: store::READING_FORMAT,
        sha256,
        key: String::new(),
        kind,
        source: inp.display.clone(),
        bytes: n_bytes,
        pages,
        errors,
        warnings,
        pages_in,
        stage_ms,
        ms: ms(t),
    }
}

/// Level 2: a reading to the file's result (records, tables, page records), stored under
/// `key`. Costs milliseconds: a new build re-derives every result from stored readings.
pub(crate) fn derive(
    inp: &InputFile,
    reading: store::Reading,
    key: String,
    cfg: &Config,
) -> FileResult {
    let t = Instant::now();
    let file = inp.display.as_str();
    let store::Reading {
        sha256,
        key: reading_key,
        kind,
        bytes: n_bytes,
        pages,
        mut errors,
        mut warnings,
        pages_in,
        mut stage_ms,
        ms: read_ms,
        ..
    } = reading;
    // The same bytes may have been read under another name.
    for e in &mut errors {
        e.file = file.to_owned();
    }
    let doc = Document {
        path: inp.path.clone(),
        display_path: inp.display.clone(),
        sha256: sha256.clone(),
        pages,
    };
    let t_extract = Instant::now();
    let mut extracted = guarded(file, None, Stage::Extract, || {
        crate::extract::extract_document(&doc)
    })
    .unwrap_or_else(|e| {
        errors.push(e);
        Default::default()
    });
    for r in &mut extracted.records {
        let w = crate::check::low_confidence(r, &extracted.tables, cfg.ocr.low_conf);
        r.warnings.extend(w);
        r.warnings.extend(losses_under(r, &doc.pages));
    }
    stage_ms.insert(Stage::Extract.as_str().into(), ms(t_extract));
    for p in &doc.pages {
        if let Some(loss) = &p.info.loss {
            warnings.push(format!("page {}: {}", p.number, loss.reason));
        }
    }
    let pages = crate::emit::page_records(&doc);
    FileResult {
        format: store::FORMAT,
        sha256,
        key,
        kind: Some(kind),
        bytes: n_bytes,
        pages,
        tables: extracted.tables,
        records: extracted.records,
        errors,
        warnings,
        ms: read_ms + ms(t),
        stage_ms,
        pages_in,
        reading: (kind != InputKind::Text).then_some(reading_key),
    }
}

/// A record read (partly) from a page that lost part of its image, or that was captured at
/// too low a resolution to trust its small print, says so: the values there may be missing
/// from the record or misread, not empty or so on the form.
fn losses_under(r: &crate::model::Record, pages: &[Page]) -> Vec<String> {
    let mut out = Vec::new();
    for &n in &r.source.pages {
        let Some(p) = pages.iter().find(|p| p.number == n) else {
            continue;
        };
        if let Some(loss) = &p.info.loss {
            out.push(format!(
                "page {n} partly lost, the record may miss what was on it: {}",
                loss.reason
            ));
        }
        let dpi = p.info.quality.as_ref().map(|q| q.estimated_dpi);
        if let Some(w) = dpi.and_then(crate::table::image::low_resolution) {
            out.push(format!("page {n}: {w}"));
        }
    }
    out
}

/// Progress on stderr: pages done of pages known (PDFs add theirs when opened) and files.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    files_total: usize,
    files_done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    fn new(show: bool, files_total: usize) -> Self {
        let bar = (show && files_total > 0).then(|| {
            let b = indicatif::ProgressBar::new(0);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} pages, {msg}, ETA {eta}",
            ) {
                b.set_style(style);
            }
            b.set_message(format!("0/{files_total} files"));
            b
        });
        Progress {
            bar,
            files_total,
            files_done: Default::default(),
        }
    }

    pub(crate) fn hidden() -> Self {
        Progress::new(false, 0)
    }

    fn add_pages(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc_length(n);
        }
    }

    fn page_done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    fn file_done(&self) {
        let d = self
            .files_done
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        if let Some(b) = &self.bar {
            b.set_message(format!("{d}/{} files", self.files_total));
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_carry_the_reason_without_the_path() {
        let e = Error::bad_input("/x/a.pdf", Some(3), Stage::Render, "encrypted");
        let l = ErrorLine::from_error("a.pdf", None, &e);
        assert_eq!(
            (l.file.as_str(), l.page, l.stage.as_str(), l.reason.as_str()),
            ("a.pdf", Some(3), "render", "encrypted")
        );
        assert!(!l.transient);
        let io = Error::io("a", std::io::Error::other("gone"));
        assert!(ErrorLine::from_error("a", None, &io).transient);
    }

    #[test]
    fn a_panicking_stage_becomes_an_error_line() {
        let r: std::result::Result<(), _> =
            guarded("f", Some(2), Stage::Ocr, || panic!("boom {}", 1));
        let e = r.unwrap_err();
        assert_eq!((e.page, e.stage.as_str()), (Some(2), "ocr"));
        assert!(e.reason.contains("boom 1"), "{}", e.reason);
    }

    #[test]
    fn later_inputs_with_the_same_bytes_are_duplicates() {
        let mk = |name: &str, sha: &str| Outcome {
            sha256: Some(sha.into()),
            ..Outcome::new(&InputFile {
                path: name.into(),
                display: name.into(),
            })
        };
        let mut v = vec![mk("a", "1"), mk("b", "2"), mk("c", "1")];
        mark_duplicates(&mut v);
        let d: Vec<_> = v.iter().map(|o| o.duplicate_of.clone()).collect();
        assert_eq!(d, vec![None, None, Some("a".to_string())]);
    }
}
