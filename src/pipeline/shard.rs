//! Past one machine: a run split into shards that a cluster's own scheduler (a Slurm job
//! array, a Kubernetes Indexed Job) runs side by side, then merged into one output.
//!
//! 1. [`plan`] lists the inputs (in the order a single run takes them), hashes each, leaves out
//!    what `OUT/.jixiao/` already stores, and balances the rest by page count over N shards:
//!    `OUT/shards/plan.json` and one `OUT/shards/NNN.list` per shard;
//! 2. [`run_shard`] processes shard I (0-based, as `SLURM_ARRAY_TASK_ID` and
//!    `JOB_COMPLETION_INDEX` count) into its own directory `OUT/shards/NNN/` with its own
//!    store, so shards never share a lock or a file, and marks it done (`done.json`);
//! 3. [`merge`] refuses while a shard with inputs has not finished, gathers the shards' stored
//!    readings and results into `OUT/.jixiao/` (hard links, content-keyed names: nothing
//!    clashes) and builds the outputs once over the whole plan, in the plan's order, without
//!    reading any page: name repair and the checks see the whole corpus, and the outputs are
//!    those of a single run over the same inputs. `OUT/merged.json` is written last, the
//!    marker a caller waits for.
//!
//! A rerun plans only the inputs whose results are not stored yet (new or changed files), so
//! adding one file to an archive sends one file to the cluster.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{Error, Result};

use super::inputs::{self, InputFile, InputKind};
use super::versions::Versions;
use super::{store, RunOptions, RunSummary, STATE_DIR};

/// Directory inside OUT holding the plan, the shard lists and the shards' own output dirs.
pub const SHARDS_DIR: &str = "shards";
pub const PLAN_FILE: &str = "plan.json";
/// Written into a shard's directory when its run returned (exit 0 or 1).
pub const DONE_FILE: &str = "done.json";
/// Written into OUT when a merge has built the outputs: the marker schedulers wait for.
pub const MERGED_FILE: &str = "merged.json";
/// Bumped whenever `Plan`'s layout changes.
pub const PLAN_FORMAT: u32 = 1;

/// One input of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedInput {
    /// Absolute, so a task started in another working directory finds it.
    pub path: PathBuf,
    /// As a single run names it in `source.path` (the path as given or found).
    pub display: String,
    /// None when the file could not be read when planned (its shard reports why).
    pub sha256: Option<String>,
    pub bytes: u64,
    pub kind: Option<InputKind>,
    /// Pages counted when planned (1 for text and for a file that could not be opened); 0
    /// for inputs not sent to a shard (not counted).
    pub pages: u32,
    /// The shard that processes it; None when OUT already stores its result or reading, or
    /// it repeats an earlier input's bytes.
    pub shard: Option<usize>,
    pub stored: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

/// `OUT/shards/plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format: u32,
    /// Tells this plan from an earlier one: a shard's `done.json` and `merged.json` carry it.
    pub plan_id: String,
    pub created_unix: u64,
    pub shards: usize,
    /// Every input, in the order a single `jixiao run` over the same arguments takes them.
    pub inputs: Vec<PlannedInput>,
    /// Per shard: inputs and pages to process.
    pub shard_inputs: Vec<usize>,
    pub shard_pages: Vec<u64>,
}

impl Plan {
    pub fn path(out: &Path) -> PathBuf {
        out.join(SHARDS_DIR).join(PLAN_FILE)
    }

    pub fn load(out: &Path) -> Result<Plan> {
        let path = Plan::path(out);
        let bytes = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Config(format!(
                    "{} holds no plan ({} missing): run `jixiao plan INPUT... --shards N -o {}` first",
                    out.display(),
                    path.display(),
                    out.display()
                ))
            } else {
                Error::io(&path, e)
            }
        })?;
        let plan: Plan = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        if plan.format != PLAN_FORMAT {
            return Err(Error::Config(format!(
                "{}: plan format {} (this jixiao writes {PLAN_FORMAT}): plan again",
                path.display(),
                plan.format
            )));
        }
        Ok(plan)
    }

    /// The inputs shard `i` processes, in plan order.
    pub fn shard_files(&self, i: usize) -> Vec<InputFile> {
        self.inputs
            .iter()
            .filter(|p| p.shard == Some(i))
            .map(|p| InputFile {
                path: p.path.clone(),
                display: p.display.clone(),
            })
            .collect()
    }

    /// Inputs sent to shards.
    pub fn to_process(&self) -> usize {
        self.shard_inputs.iter().sum()
    }
}

/// A shard's directory name: its 0-based index, zero-padded so the names sort.
pub fn shard_name(i: usize, n: usize) -> String {
    let width = n.saturating_sub(1).to_string().len().max(3);
    format!("{i:0width$}")
}

pub fn shard_dir(out: &Path, i: usize, n: usize) -> PathBuf {
    out.join(SHARDS_DIR).join(shard_name(i, n))
}

/// `I/N` (0 ≤ I < N) as given to `jixiao run --shard`.
pub fn parse_shard(s: &str) -> std::result::Result<(usize, usize), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: expected I/N, e.g. 0/4"))?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: shard index {i:?} is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: shard count {n:?} is not a number"))?;
    if i >= n {
        return Err(format!(
            "{s:?}: shards are numbered from 0 to N-1 (as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count)"
        ));
    }
    Ok((i, n))
}

pub struct PlanOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub config: Config,
    pub shards: usize,
}

/// `jixiao plan`: see the module documentation. Results left in `OUT/shards/` by an earlier
/// plan whose merge never ran are gathered first (they are complete and content-keyed), then
/// the old shards, their lists and the merge marker are removed.
pub fn plan(opts: &PlanOptions) -> Result<Plan> {
    let cfg = &opts.config;
    cfg.validate()?;
    if opts.shards == 0 {
        return Err(Error::Config("--shards must be at least 1".into()));
    }
    let files = inputs::discover(&opts.inputs, &cfg.input)?;
    let state = opts.out.join(STATE_DIR);
    std::fs::create_dir_all(&state).map_err(|e| Error::io(&state, e))?;
    let _lock = store::lock_dir(&state)?;
    let shards_dir = opts.out.join(SHARDS_DIR);
    // The old shards are about to be removed: none may still be running (each holds its own
    // store's lock while it runs).
    let _shard_locks = lock_shards(&shards_dir)?;
    gather(&shards_dir, &state)?;
    if shards_dir.exists() {
        std::fs::remove_dir_all(&shards_dir).map_err(|e| Error::io(&shards_dir, e))?;
    }
    remove_if_present(&opts.out.join(MERGED_FILE))?;
    std::fs::create_dir_all(&shards_dir).map_err(|e| Error::io(&shards_dir, e))?;

    let versions = Versions::with_cache(cfg, &state);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| Error::Config(format!("thread pool: {e}")))?;
    let mut planned: Vec<PlannedInput> = pool.install(|| {
        files
            .par_iter()
            .map(|f| look(f, cfg, &versions, &state))
            .collect()
    });
    let mut first: std::collections::HashMap<String, String> = Default::default();
    for p in &mut planned {
        let Some(sha) = &p.sha256 else { continue };
        match first.get(sha) {
            Some(d) => {
                p.duplicate_of = Some(d.clone());
                p.pages = 0;
            }
            None => {
                first.insert(sha.clone(), p.display.clone());
            }
        }
    }
    let shard_pages = balance(&mut planned, opts.shards);
    let mut shard_inputs = vec![0usize; opts.shards];
    for s in planned.iter().filter_map(|p| p.shard) {
        shard_inputs[s] += 1;
    }
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let plan_id = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(created.as_nanos().to_le_bytes());
        h.update(std::process::id().to_le_bytes());
        for p in &planned {
            h.update(p.display.as_bytes());
            h.update(p.sha256.as_deref().unwrap_or("-").as_bytes());
        }
        hex::encode(&h.finalize()[..8])
    };
    let plan = Plan {
        format: PLAN_FORMAT,
        plan_id,
        created_unix: created.as_secs(),
        shards: opts.shards,
        inputs: planned,
        shard_inputs,
        shard_pages,
    };
    for i in 0..plan.shards {
        let list = shards_dir.join(format!("{}.list", shard_name(i, plan.shards)));
        store::write_atomic(&list, |w| {
            for f in plan.shard_files(i) {
                writeln!(w, "{}", f.path.display())?;
            }
            Ok(())
        })?;
    }
    // Last: a plan.json on disk means the lists beside it are complete.
    store::write_atomic(&Plan::path(&opts.out), |w| {
        serde_json::to_writer_pretty(&mut *w, &plan)?;
        w.write_all(b"\n")
    })?;
    Ok(plan)
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// One input as the plan sees it: hashed, and for one that must be processed, its pages
/// counted. A file that cannot be read is sent to a shard all the same, whose run reports it
/// as a single run would.
fn look(f: &InputFile, cfg: &Config, versions: &Versions, state: &Path) -> PlannedInput {
    let mut p = PlannedInput {
        path: std::path::absolute(&f.path).unwrap_or_else(|_| f.path.clone()),
        display: f.display.clone(),
        sha256: None,
        bytes: 0,
        kind: None,
        pages: 1,
        shard: None,
        stored: false,
        duplicate_of: None,
    };
    let readable = std::fs::metadata(&f.path)
        .map(|m| m.is_file() && m.len() <= cfg.limits.max_file_bytes)
        .unwrap_or(false);
    let Some(bytes) = readable.then(|| std::fs::read(&f.path).ok()).flatten() else {
        return p;
    };
    let sha = inputs::sha256_bytes(&bytes);
    p.bytes = bytes.len() as u64;
    p.kind = inputs::sniff(&bytes, &f.path).ok();
    // What the probe of a run would reuse or re-derive (existence is enough here: the merge
    // loads and checks each file, and a damaged one becomes that input's error there).
    let result = super::candidate_keys(versions, cfg, p.kind)
        .iter()
        .any(|k| store::result_path(state, &sha, k).is_file());
    let reading = versions
        .reading_keys(cfg, p.kind)
        .iter()
        .any(|k| store::reading_path(state, &sha, k).is_file());
    p.stored = result || reading;
    p.pages = if p.stored {
        0
    } else {
        count_pages(&f.path, &bytes, p.kind, cfg)
    };
    p.sha256 = Some(sha);
    p
}

/// Pages of a file for balancing: the PDF page tree, TIFF directories; 1 for anything else
/// or anything that cannot be opened (its shard reports why).
fn count_pages(path: &Path, bytes: &[u8], kind: Option<InputKind>, cfg: &Config) -> u32 {
    let n = catch_unwind(AssertUnwindSafe(|| match kind {
        Some(InputKind::Pdf) => crate::render::PdfFile::open(path, bytes, cfg)
            .map(|d| d.n_pages())
            .ok(),
        Some(InputKind::Image) => crate::render::ImageFile::open(path, bytes, cfg)
            .map(|i| i.n_pages())
            .ok(),
        _ => Some(1),
    }));
    n.ok().flatten().unwrap_or(1).max(1)
}

/// Longest first onto the least loaded shard (ties: the earlier input, the lower shard): the
/// inputs to process over `n` shards by pages. Returns the pages per shard.
fn balance(planned: &mut [PlannedInput], n: usize) -> Vec<u64> {
    let mut todo: Vec<usize> = (0..planned.len())
        .filter(|&i| !planned[i].stored && planned[i].duplicate_of.is_none())
        .collect();
    todo.sort_by(|&a, &b| planned[b].pages.cmp(&planned[a].pages).then(a.cmp(&b)));
    let mut load = vec![0u64; n];
    for i in todo {
        let s = (0..n).min_by_key(|&s| (load[s], s)).unwrap_or(0);
        load[s] += planned[i].pages as u64;
        planned[i].shard = Some(s);
    }
    load
}

/// Locks every shard directory's store under `shards_dir`; an error names a shard whose run
/// still holds its lock.
fn lock_shards(shards_dir: &Path) -> Result<Vec<std::fs::File>> {
    let Ok(rd) = std::fs::read_dir(shards_dir) else {
        return Ok(Vec::new());
    };
    let mut locks = Vec::new();
    for e in rd.flatten() {
        let state = e.path().join(STATE_DIR);
        if !state.is_dir() {
            continue;
        }
        let lock = store::lock_dir(&state).map_err(|_| {
            Error::Config(format!(
                "shard {} of an earlier plan is still running (its store {} is locked): wait for it or stop it before planning again",
                e.file_name().to_string_lossy(),
                state.display()
            ))
        })?;
        locks.push(lock);
    }
    Ok(locks)
}

/// Hard-links (or copies, across filesystems) every stored reading and result of the shard
/// directories under `shards_dir` into the state directory `state`, skipping names already
/// there: names are content keys, so the same name is the same result. Returns how many
/// files were added.
fn gather(shards_dir: &Path, state: &Path) -> Result<usize> {
    let Ok(rd) = std::fs::read_dir(shards_dir) else {
        return Ok(0);
    };
    let mut dirs: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path().join(STATE_DIR))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut added = 0;
    for dir in dirs {
        for (name, src) in store::stored_files(&dir) {
            let dst = state.join(&name);
            if dst.exists() {
                continue;
            }
            if let Some(parent) = dst.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            // A hard link appears whole or not at all; a copy goes through a temporary name.
            if std::fs::hard_link(&src, &dst).is_err() && !dst.exists() {
                let mut f = std::fs::File::open(&src).map_err(|e| Error::io(&src, e))?;
                store::write_atomic(&dst, |w| std::io::copy(&mut f, w).map(|_| ()))?;
            }
            added += 1;
        }
    }
    Ok(added)
}

/// `done.json` in a shard's directory, and one entry of `merged.json` `shards`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardDone {
    pub plan_id: String,
    pub shard: usize,
    pub shards: usize,
    /// The shard run's exit status: 0, or 1 when some of its inputs failed (the shard is done
    /// all the same; the failures are in the merged errors.jsonl).
    pub exit_code: i32,
    pub inputs: usize,
    pub processed: usize,
    pub reused: usize,
    pub rederived: usize,
    pub pages_read: u64,
    pub failed: usize,
    pub partial: usize,
}

impl ShardDone {
    fn new(plan: &Plan, shard: usize, s: &RunSummary) -> Self {
        ShardDone {
            plan_id: plan.plan_id.clone(),
            shard,
            shards: plan.shards,
            exit_code: s.exit_code(),
            inputs: s.inputs,
            processed: s.processed,
            reused: s.reused,
            rederived: s.rederived,
            pages_read: s.pages_read,
            failed: s.failed,
            partial: s.partial,
        }
    }

    fn load(path: &Path) -> Option<ShardDone> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }
}

/// `jixiao run --shard I/N -o OUT`: the plan's shard `shard` into `OUT/shards/NNN/` (a run
/// like any other there: outputs, run.json, its own store), then its `done.json`. Returns the
/// run's summary and the shard's directory.
pub fn run_shard(
    out: &Path,
    shard: usize,
    of: usize,
    config: Config,
    force: bool,
    progress: bool,
) -> Result<(RunSummary, PathBuf)> {
    let plan = Plan::load(out)?;
    if of != plan.shards || shard >= of {
        return Err(Error::Config(format!(
            "--shard {shard}/{of}: the plan in {} has {} shards (0 to {})",
            Plan::path(out).display(),
            plan.shards,
            plan.shards.saturating_sub(1)
        )));
    }
    let dir = shard_dir(out, shard, of);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    // A task run again must not look done before it is.
    remove_if_present(&dir.join(DONE_FILE))?;
    let opts = RunOptions {
        inputs: Vec::new(),
        out: dir.clone(),
        config,
        force,
        progress,
    };
    let s = super::run_files(&opts, plan.shard_files(shard))?;
    let done = ShardDone::new(&plan, shard, &s);
    store::write_atomic(&dir.join(DONE_FILE), |w| {
        serde_json::to_writer_pretty(&mut *w, &done)?;
        w.write_all(b"\n")
    })?;
    Ok((s, dir))
}

/// What a merge did (also `OUT/merged.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Merged {
    pub plan_id: String,
    /// The merged run's exit status (0, or 1 when some inputs failed).
    pub exit_code: i32,
    /// Stored files gathered from the shards into `OUT/.jixiao/`.
    pub gathered: usize,
    pub counts: RunSummary,
    pub shards: Vec<ShardDone>,
}

/// `jixiao merge OUT`: see the module documentation. Refuses (an error naming each shard)
/// while a shard that has inputs has no `done.json` of this plan.
pub fn merge(out: &Path, config: Config, progress: bool) -> Result<Merged> {
    let plan = Plan::load(out)?;
    let mut shards = Vec::new();
    let mut missing = Vec::new();
    for i in 0..plan.shards {
        let path = shard_dir(out, i, plan.shards).join(DONE_FILE);
        let what = format!(
            "shard {i} ({} inputs, {} pages)",
            plan.shard_inputs[i], plan.shard_pages[i]
        );
        match ShardDone::load(&path) {
            Some(d) if d.plan_id == plan.plan_id => shards.push(d),
            Some(d) => missing.push(format!(
                "{what}: {} is from another plan ({}); the task did not run for this one",
                path.display(),
                d.plan_id
            )),
            None if plan.shard_inputs[i] == 0 => {}
            None => missing.push(format!(
                "{what}: did not finish (no {}): its task failed or never ran",
                path.display()
            )),
        }
    }
    if !missing.is_empty() {
        return Err(Error::Other(format!(
            "merge refused: {} of {} shards of plan {} did not finish, so the outputs would lack their inputs:\n  {}\nRun each again (`jixiao run --shard I/{} -o {}`, or resubmit it), then merge.",
            missing.len(),
            plan.shards,
            plan.plan_id,
            missing.join("\n  "),
            plan.shards,
            out.display()
        )));
    }
    let state = out.join(STATE_DIR);
    std::fs::create_dir_all(&state).map_err(|e| Error::io(&state, e))?;
    let gathered = {
        let _lock = store::lock_dir(&state)?;
        gather(&out.join(SHARDS_DIR), &state)?
    };
    remove_if_present(&out.join(MERGED_FILE))?;
    let files: Vec<InputFile> = plan
        .inputs
        .iter()
        .map(|p| InputFile {
            path: p.path.clone(),
            display: p.display.clone(),
        })
        .collect();
    let opts = RunOptions {
        inputs: Vec::new(),
        out: out.to_path_buf(),
        config,
        force: false,
        progress,
    };
    let counts = super::run_inner(&opts, files, false)?;
    let merged = Merged {
        plan_id: plan.plan_id.clone(),
        exit_code: counts.exit_code(),
        gathered,
        counts,
        shards,
    };
    store::write_atomic(&out.join(MERGED_FILE), |w| {
        serde_json::to_writer_pretty(&mut *w, &merged)?;
        w.write_all(b"\n")
    })?;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, pages: u32) -> PlannedInput {
        PlannedInput {
            path: name.into(),
            display: name.into(),
            sha256: Some(name.into()),
            bytes: 1,
            kind: Some(InputKind::Pdf),
            pages,
            shard: None,
            stored: false,
            duplicate_of: None,
        }
    }

    #[test]
    fn shards_parse_from_zero_to_n_minus_one() {
        assert_eq!(parse_shard("0/3"), Ok((0, 3)));
        assert_eq!(parse_shard("2/3"), Ok((2, 3)));
        assert!(parse_shard("3/3").is_err());
        assert!(parse_shard("1").is_err());
        assert!(parse_shard("a/3").is_err());
        assert!(parse_shard("0/0").is_err());
    }

    #[test]
    fn shard_names_sort_as_numbers() {
        assert_eq!(shard_name(7, 3), "007");
        assert_eq!(shard_name(7, 5000), "0007");
        assert_eq!(shard_name(999, 1000), "999");
    }

    #[test]
    fn pages_are_balanced_longest_first_and_stored_inputs_stay_out() {
        let mut v = vec![
            input("a", 10),
            input("b", 1),
            input("c", 6),
            input("d", 5),
            input("e", 1),
        ];
        v[4].stored = true;
        let load = balance(&mut v, 2);
        let shards: Vec<_> = v.iter().map(|p| p.shard).collect();
        // a (10) → 0, c (6) → 1, d (5) → 1, b (1) → 0; e is stored.
        assert_eq!(shards, vec![Some(0), Some(0), Some(1), Some(1), None]);
        assert_eq!(load, vec![11, 11]);
    }

    #[test]
    fn a_running_shard_keeps_a_new_plan_from_removing_it() {
        let d = tempfile::tempdir().expect("tempdir");
        let state = d.path().join("shards/001").join(STATE_DIR);
        std::fs::create_dir_all(&state).expect("mkdir");
        let running = store::lock_dir(&state).expect("lock");
        let e = lock_shards(&d.path().join("shards")).expect_err("locked");
        assert!(e.to_string().contains("shard 001"), "{e}");
        drop(running);
        assert_eq!(
            lock_shards(&d.path().join("shards")).map(|l| l.len()).ok(),
            Some(1)
        );
    }

    #[test]
    fn gathering_links_stored_files_once_and_keeps_what_is_there() {
        let d = tempfile::tempdir().expect("tempdir");
        let sha = "ab".repeat(32);
        let shard = d.path().join("shards/000").join(STATE_DIR);
        std::fs::create_dir_all(shard.join(store::READING_DIR)).expect("mkdir");
        std::fs::write(shard.join(format!("{sha}-k1.json")), "new").expect("write");
        std::fs::write(
            shard
                .join(store::READING_DIR)
                .join(format!("{sha}-r1.json")),
            "r",
        )
        .expect("write");
        std::fs::write(shard.join("last-run.json"), "{}").expect("write");
        let state = d.path().join(STATE_DIR);
        std::fs::create_dir_all(&state).expect("mkdir");
        std::fs::write(state.join(format!("{sha}-k1.json")), "old").expect("write");
        assert_eq!(gather(&d.path().join("shards"), &state).ok(), Some(1));
        let read = |p: PathBuf| std::fs::read_to_string(p).unwrap_or_default();
        assert_eq!(read(state.join(format!("{sha}-k1.json"))), "old");
        assert_eq!(
            read(
                state
                    .join(store::READING_DIR)
                    .join(format!("{sha}-r1.json"))
            ),
            "r"
        );
        assert!(
            !state.join("last-run.json").exists(),
            "only stored results are gathered"
        );
        assert_eq!(gather(&d.path().join("shards"), &state).ok(), Some(0));
    }

    proptest::proptest! {
        #[test]
        fn every_input_to_process_lands_in_exactly_one_shard(
            pages in proptest::collection::vec(1u32..500, 0..60),
            n in 1usize..9,
        ) {
            let mut v: Vec<_> = pages.iter().enumerate().map(|(i, &p)| input(&i.to_string(), p)).collect();
            let load = balance(&mut v, n);
            proptest::prop_assert!(v.iter().all(|p| p.shard.is_some_and(|s| s < n)));
            let total: u64 = pages.iter().map(|&p| p as u64).sum();
            proptest::prop_assert_eq!(load.iter().sum::<u64>(), total);
            // Greedy longest-first: no shard exceeds the ideal share by more than one input.
            let max_one = pages.iter().copied().max().unwrap_or(0) as u64;
            let heaviest = load.iter().copied().max().unwrap_or(0);
            proptest::prop_assert!(heaviest <= total / n as u64 + max_one);
        }
    }
}
