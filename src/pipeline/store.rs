//! Per-file results on disk and atomic file replacement. The store has two levels:
//!
//! 1. `OUT/.jixiao/reading/<sha256>-<key>.json`: what is expensive, the reading of a PDF's or
//!    image's pages (cells, text, boxes, confidences), keyed by the file's bytes, the reading
//!    version, the engine, the models' content and the reading-affecting configuration;
//! 2. `OUT/.jixiao/<sha256>-<key>.json`: the result derived from it by this build (records,
//!    tables and page records before the run-wide repair and checks), keyed by the reading's
//!    key and the build. A new build re-derives it from level 1 in milliseconds; text files,
//!    whose reading costs milliseconds too, have level 2 only.
//!
//! Every file is written to a temporary name, fsynced and renamed, so after a crash it is
//! either complete or absent: a rerun trusts every file it finds. A change of anything in a key
//! makes old files invisible rather than wrong.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{PageRecord, Record, TableRecord};

use super::inputs::InputKind;
use super::ErrorLine;

/// Bumped whenever `FileResult`'s layout changes, so old result files are ignored.
pub const FORMAT: u32 = 1;

/// Everything one input file yielded, before the run-wide repair and checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileResult {
    pub format: u32,
    pub sha256: String,
    pub key: String,
    pub kind: Option<InputKind>,
    pub bytes: u64,
    pub pages: Vec<PageRecord>,
    pub tables: Vec<TableRecord>,
    /// As extracted: `repair_run` and `check_record` run over the whole run's records later.
    pub records: Vec<Record>,
    pub errors: Vec<ErrorLine>,
    pub warnings: Vec<String>,
    /// Wall time the file took when it was processed.
    pub ms: u64,
    /// Milliseconds of the file-level stages ("read", "open", "extract"); page stages are in
    /// each page's `ms`.
    #[serde(default)]
    pub stage_ms: std::collections::BTreeMap<String, u64>,
    /// Pages the input holds as counted when it was opened (PDF page tree, TIFF directories,
    /// text pages); `None` when it could not be opened. Checked against `pages` by the ledger.
    #[serde(default)]
    pub pages_in: Option<u32>,
    /// The key of the stored reading this result was derived from (none for text files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
}

/// Bumped whenever `Reading`'s layout changes (with [`super::versions::READING_VERSION`]).
pub const READING_FORMAT: u32 = 1;

/// Level 1: one input's pages as read (rendered and OCR'd, or from the text layer), before
/// extraction. What a run spends its time on, so it is kept across builds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub format: u32,
    pub sha256: String,
    pub key: String,
    pub kind: InputKind,
    /// The input's path as the run that read it named it (for `jixiao prune`'s listing).
    pub source: String,
    pub bytes: u64,
    pub pages: Vec<crate::ir::Page>,
    /// Errors and warnings of reading (file- and page-level).
    pub errors: Vec<ErrorLine>,
    pub warnings: Vec<String>,
    pub pages_in: Option<u32>,
    /// Milliseconds of the file-level reading stages ("open", "digital", "read_text").
    pub stage_ms: std::collections::BTreeMap<String, u64>,
    /// Wall time reading took.
    pub ms: u64,
}

impl Reading {
    /// Readings with errors that may not recur (time budget, engine or I/O trouble) are not
    /// kept: the next run reads the file again.
    pub fn is_reusable(&self) -> bool {
        self.errors.iter().all(|e| !e.transient)
    }

    /// True when every page came from the text layer (none OCR'd or failed).
    pub fn all_text_layer(&self) -> bool {
        !self.pages.is_empty()
            && self.errors.is_empty()
            && self
                .pages
                .iter()
                .all(|p| p.info.source == crate::ir::PageSource::BornDigital)
    }
}

/// Subdirectory of the state directory holding the readings.
pub const READING_DIR: &str = "reading";

pub fn reading_path(state_dir: &Path, sha256: &str, key: &str) -> PathBuf {
    state_dir
        .join(READING_DIR)
        .join(format!("{sha256}-{key}.json"))
}

/// Loads a stored reading; anything unreadable, of another format or for other bytes/key is a
/// miss (the file is read again), never an error.
pub fn load_reading(path: &Path, sha256: &str, key: &str) -> Option<Reading> {
    let bytes = std::fs::read(path).ok()?;
    let r: Reading = serde_json::from_slice(&bytes).ok()?;
    (r.format == READING_FORMAT && r.sha256 == sha256 && r.key == key).then_some(r)
}

pub fn save_reading(path: &Path, r: &Reading) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let bytes = serde_json::to_vec(r).map_err(|e| Error::Other(e.to_string()))?;
    write_atomic(path, |w| w.write_all(&bytes))
}

/// The stored files of the state directory, both levels, as names relative to it (a reading
/// as `reading/<name>`), sorted.
pub fn stored_files(state: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for (prefix, dir) in [
        ("", state.to_path_buf()),
        ("reading/", state.join(READING_DIR)),
    ] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if result_sha(&p).is_some() {
                let name = format!("{prefix}{}", e.file_name().to_string_lossy());
                out.push((name, p));
            }
        }
    }
    out.sort();
    out
}

impl FileResult {
    /// Re-labels a result for the path it is used under now (the same bytes may have been
    /// processed under another name or place).
    pub fn relabel(&mut self, display: &str) {
        for p in &mut self.pages {
            p.source.path = display.to_owned();
        }
        for t in &mut self.tables {
            t.source.path = display.to_owned();
        }
        for r in &mut self.records {
            r.source.path = display.to_owned();
        }
        for e in &mut self.errors {
            e.file = display.to_owned();
        }
    }

    /// Results with errors that may not recur (time budget, engine or I/O trouble) are not
    /// kept: the next run tries the file again.
    pub fn is_reusable(&self) -> bool {
        self.errors.iter().all(|e| !e.transient)
    }
}

pub fn result_path(state_dir: &Path, sha256: &str, key: &str) -> PathBuf {
    state_dir.join(format!("{sha256}-{key}.json"))
}

/// The input sha256 a stored result file is for, from its name; `None` for anything in the
/// state directory that is not a result file.
pub fn result_sha(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".json")?;
    let (sha, key) = stem.split_once('-')?;
    (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) && !key.is_empty())
        .then(|| sha.to_owned())
}

/// The state directory's record of the results the last run used (`last-run.json`).
const LAST_RUN: &str = "last-run.json";

/// A stored result the last run used, and the input file it was used for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsedResult {
    /// Path relative to the state directory (`<name>`, or `reading/<name>` for a reading).
    pub result: String,
    /// The input's absolute path when the run read it.
    pub input: PathBuf,
}

pub fn write_last_run(state: &Path, used: &[UsedResult]) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(&serde_json::json!({ "results": used }))
        .map_err(|e| Error::Other(e.to_string()))?;
    write_atomic(&state.join(LAST_RUN), |w| w.write_all(&bytes))
}

fn read_last_run(state: &Path) -> Result<Vec<UsedResult>> {
    #[derive(Deserialize)]
    struct LastRun {
        results: Vec<UsedResult>,
    }
    let path = state.join(LAST_RUN);
    let bytes = std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Config(format!(
                "{} has no record of a run ({} missing): run jixiao into it first",
                state.display(),
                path.display()
            ))
        } else {
            Error::io(&path, e)
        }
    })?;
    serde_json::from_slice::<LastRun>(&bytes)
        .map(|l| l.results)
        .map_err(|e| Error::Config(format!("{}: {e}", path.display())))
}

/// One stored result `prune` removed (or would remove).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pruned {
    pub result: String,
    pub sha256: String,
    /// The input the result was read from, as the run that stored it named it.
    pub input: Option<String>,
    pub bytes: u64,
    /// "not in the last run" or "input gone".
    pub why: String,
}

/// Removes the stored results the last run did not use, and those whose input file no longer
/// exists where the last run read it; with `dry_run`, only lists them. The caller holds the
/// directory's lock.
pub fn prune(state: &Path, dry_run: bool) -> Result<Vec<Pruned>> {
    let used = read_last_run(state)?;
    let live: std::collections::HashSet<&str> = used
        .iter()
        .filter(|u| u.input.exists())
        .map(|u| u.result.as_str())
        .collect();
    let named: std::collections::HashSet<&str> = used.iter().map(|u| u.result.as_str()).collect();
    let mut out = Vec::new();
    std::fs::read_dir(state).map_err(|e| Error::io(state, e))?;
    for (name, p) in stored_files(state) {
        let Some(sha) = result_sha(&p) else { continue };
        if live.contains(name.as_str()) {
            continue;
        }
        let why = if named.contains(name.as_str()) {
            "input gone"
        } else {
            "not in the last run"
        };
        let bytes = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        let input = std::fs::read(&p).ok().and_then(|b| {
            if let Ok(r) = serde_json::from_slice::<Reading>(&b) {
                return Some(r.source);
            }
            let r = serde_json::from_slice::<FileResult>(&b).ok()?;
            r.pages
                .first()
                .map(|pg| pg.source.path.clone())
                .or_else(|| r.errors.first().map(|e| e.file.clone()))
        });
        if !dry_run {
            std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
        }
        out.push(Pruned {
            result: name,
            sha256: sha,
            input,
            bytes,
            why: why.into(),
        });
    }
    Ok(out)
}

/// Loads a stored result; anything unreadable, of another format or for other bytes/key is a
/// miss (the file is simply redone), never an error.
pub fn load(path: &Path, sha256: &str, key: &str) -> Option<FileResult> {
    let bytes = std::fs::read(path).ok()?;
    let r: FileResult = serde_json::from_slice(&bytes).ok()?;
    (r.format == FORMAT && r.sha256 == sha256 && r.key == key).then_some(r)
}

pub fn save(path: &Path, r: &FileResult) -> Result<()> {
    let bytes = serde_json::to_vec(r).map_err(|e| Error::Other(e.to_string()))?;
    write_atomic(path, |w| w.write_all(&bytes))
}

/// A file being replaced atomically: written to a temporary name in the same directory, then
/// fsynced, renamed over the target and the directory fsynced. Readers and crashes see the old
/// content or the new, never a mix. Dropped without `commit`, it leaves the target untouched.
pub struct AtomicFile {
    path: PathBuf,
    w: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        // Outputs are ordinary files (0666 less the umask), not tempfile's private 0600.
        let tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .permissions(std::fs::Permissions::from_mode(0o666))
            .tempfile_in(parent_dir(path))
            .map_err(|e| Error::io(parent_dir(path), e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            w: std::io::BufWriter::new(tmp),
        })
    }

    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let tmp = self
            .w
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        // The rename itself is durable only once the directory is synced.
        if let Ok(d) = std::fs::File::open(parent_dir(&path)) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Replaces `path` atomically with what `fill` writes.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    fill(&mut f).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// Takes an exclusive lock on the state directory for the life of the returned file, so two
/// runs into the same OUT (overlapping nightly jobs) cannot interleave. The kernel drops the
/// lock when the process ends, however it ends.
pub fn lock_dir(state: &Path) -> Result<std::fs::File> {
    use std::os::fd::AsRawFd;
    let path = state.join("lock");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    // SAFETY: flock on a file descriptor we own; no memory is passed.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        return Err(Error::Config(format!(
            "another jixiao run is writing to {} (lock {})",
            state.parent().unwrap_or(state).display(),
            path.display()
        )));
    }
    Ok(f)
}

/// Removes temporary files a killed run left behind.
pub fn sweep_temporaries(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        if e.file_name().to_string_lossy().starts_with(".tmp-") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FileResult {
        FileResult {
            format: FORMAT,
            sha256: "ab".repeat(32),
            key: "k1".into(),
            kind: Some(InputKind::Text),
            bytes: 3,
            pages: vec![],
            tables: vec![],
            records: vec![Record::default()],
            errors: vec![],
            warnings: vec![],
            ms: 1,
            stage_ms: Default::default(),
            pages_in: Some(0),
            reading: None,
        }
    }

    #[test]
    fn saved_result_loads_only_under_its_own_key() {
        let d = tempfile::tempdir().unwrap();
        let r = sample();
        let p = result_path(d.path(), &r.sha256, &r.key);
        save(&p, &r).unwrap();
        assert_eq!(load(&p, &r.sha256, "k1"), Some(r.clone()));
        assert_eq!(load(&p, &r.sha256, "k2"), None);
        std::fs::write(&p, b"{\"format\":1, trunc").unwrap();
        assert_eq!(load(&p, &r.sha256, "k1"), None);
    }

    #[test]
    fn a_locked_state_directory_refuses_a_second_run() {
        let d = tempfile::tempdir().unwrap();
        let held = lock_dir(d.path()).unwrap();
        assert!(matches!(lock_dir(d.path()), Err(Error::Config(_))));
        drop(held);
        assert!(lock_dir(d.path()).is_ok());
    }

    #[test]
    fn atomic_write_leaves_no_temporary_and_failed_write_keeps_old_content() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.json");
        write_atomic(&p, |w| w.write_all(b"old")).unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.json")]);
    }
}
