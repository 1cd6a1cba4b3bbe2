//! Crash safety and incremental runs, through the built binary.
//!
//! - kill -9 in the middle of a run, rerun: the outputs equal a clean run's, the rerun reuses
//!   every result the killed run completed and redoes only the rest;
//! - a second run over an unchanged corpus reuses everything; a changed or new file is redone;
//!   `--force` redoes all; a result-affecting configuration change redoes the affected files;
//! - the nightly pattern (archive, new files, archive into one OUT): the third run reads
//!   nothing again; `jixiao prune` removes what is stored for files gone or not in the last run.

mod batch_common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use batch_common::*;

/// `n` distinct synthetic form texts, each made of `reps` forms (bigger files make a run last
/// long enough to be killed in the middle).
fn corpus(dir: &Path, n: usize, reps: usize) -> PathBuf {
    let c = dir.join("corpus");
    for i in 0..n {
        let text: String = (0..reps).map(|r| form_text(i * 1000 + r)).collect();
        write(&c, &format!("f{i:04}.txt"), text);
    }
    c
}

fn stored_results(out: &Path) -> usize {
    std::fs::read_dir(out.join(".jixiao"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    // `<sha256>-<key>.json`, not the state's own files (last-run.json).
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.ends_with(".json") && n.find('-') == Some(64)
                })
                .count()
        })
        .unwrap_or(0)
}

fn temporaries(out: &Path) -> Vec<String> {
    [out.to_path_buf(), out.join(".jixiao")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp-"))
        .collect()
}

fn counts(out: &Path) -> (u64, u64) {
    let c = &run_json(out)["counts"];
    (
        c["processed"].as_u64().unwrap_or(u64::MAX),
        c["reused"].as_u64().unwrap_or(u64::MAX),
    )
}

fn assert_same_outputs(a: &Path, b: &Path) {
    for f in [
        "records.jsonl",
        "tables.jsonl",
        "indicators.csv",
        "errors.jsonl",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap_or_default(),
            std::fs::read(b.join(f)).unwrap_or_default(),
        );
        assert!(x == y, "{f} differs");
    }
    assert_eq!(pages_without_ms(a), pages_without_ms(b));
}

#[test]
fn kill_mid_run_then_rerun_equals_a_clean_run() {
    const N: usize = 200;
    let d = tempfile::tempdir().unwrap();
    let c = corpus(d.path(), N, 3);
    let (killed, clean) = (d.path().join("killed"), d.path().join("clean"));

    let mut child = bin()
        .arg("run")
        .arg(&c)
        .arg("-o")
        .arg(&killed)
        .args(["--threads", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while stored_results(&killed) < 5 && t.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before it could be killed; make the corpus bigger"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let done = stored_results(&killed);
    assert!((5..N).contains(&done), "{done} results at kill time");
    assert!(!killed.join("run.json").exists(), "killed before the end");

    let o = run(&[&c], &killed, &[]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let (processed, reused) = counts(&killed);
    assert_eq!(
        reused as usize, done,
        "everything completed before the kill is reused"
    );
    assert_eq!(processed as usize, N - done, "only the rest is redone");
    assert!(
        temporaries(&killed).is_empty(),
        "{:?}",
        temporaries(&killed)
    );

    let o = run(&[&c], &clean, &[]);
    assert_eq!(code(&o), 0);
    assert_same_outputs(&killed, &clean);
}

#[test]
fn unchanged_corpus_is_skipped_changed_files_redone() {
    const N: usize = 40;
    let d = tempfile::tempdir().unwrap();
    let c = corpus(d.path(), N, 1);
    let out = d.path().join("out");

    assert_eq!(code(&run(&[&c], &out, &[])), 0);
    assert_eq!(counts(&out), (N as u64, 0));
    let first = std::fs::read(out.join("records.jsonl")).unwrap();

    assert_eq!(code(&run(&[&c], &out, &[])), 0);
    assert_eq!(counts(&out), (0, N as u64), "second run skips everything");
    assert_eq!(std::fs::read(out.join("records.jsonl")).unwrap(), first);

    // One file changed, one new: exactly those two are redone.
    write(&c, "f0003.txt", form_text(999_999));
    write(&c, "new.txt", form_text(888_888));
    assert_eq!(code(&run(&[&c], &out, &[])), 0);
    assert_eq!(counts(&out), (2, N as u64 - 1));
    assert_eq!(run_json(&out)["counts"]["inputs"], N + 1);

    assert_eq!(code(&run(&[&c], &out, &["--force"])), 0);
    assert_eq!(counts(&out), (N as u64 + 1, 0), "--force redoes all");

    // Switching the OCR engine does not touch text results (they do not depend on it) ...
    assert_eq!(code(&run(&[&c], &out, &["--engine", "tesseract"])), 0);
    assert_eq!(counts(&out), (0, N as u64 + 1));
    // ... but a result-affecting limit does.
    let cfg = write(d.path(), "cfg.toml", "[limits]\nmax_pages = 50\n");
    assert_eq!(
        code(&run(&[&c], &out, &["--config", cfg.to_str().unwrap()])),
        0
    );
    assert_eq!(counts(&out), (N as u64 + 1, 0));
    // Results of the superseded configuration are collected, not accumulated; the result of
    // f0003's earlier content (a file this run was not given) stays until `jixiao prune`.
    assert_eq!(stored_results(&out), N + 2);
    assert_eq!(code(&bin().arg("prune").arg(&out).output().unwrap()), 0);
    assert_eq!(stored_results(&out), N + 1);
}

#[test]
fn moved_file_reuses_its_result_under_the_new_path() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a/form.txt", form_text(5));
    let out = d.path().join("out");
    assert_eq!(code(&run(&[&a], &out, &[])), 0);
    let b = d.path().join("b/form.txt");
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    std::fs::rename(&a, &b).unwrap();
    assert_eq!(code(&run(&[&b], &out, &[])), 0);
    assert_eq!(counts(&out), (0, 1));
    let entry = input_entry(&out, "form.txt");
    assert!(entry["path"].as_str().unwrap().contains("/b/"), "{entry}");
    for r in jsonl(&out.join("records.jsonl")) {
        assert!(r["source"]["path"].as_str().unwrap().contains("/b/"));
    }
}

/// The nightly pattern: the archive's files, then only the new files, then the archive again,
/// all into one OUT. No run deletes the results of files it was not given, so the third run
/// reads nothing again; `jixiao prune` is what removes results, and it says which.
#[test]
fn runs_over_other_files_keep_stored_results_and_prune_is_explicit() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("archive");
    let b = d.path().join("new");
    for i in 0..3 {
        write(&a, &format!("a{i}.txt"), form_text(500 + i));
    }
    // A scanned page too: what a re-read would cost is OCR.
    write(&a, "scan.jpg", jpeg(300, 400, false));
    write(&b, "b0.txt", form_text(600));
    let out = d.path().join("out");
    for (dir, processed, reused) in [(&a, 4, 0), (&b, 1, 0), (&a, 0, 4)] {
        let o = run(&[dir], &out, &[]);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(counts(&out), (processed, reused), "{}", dir.display());
    }
    // The third run read nothing again.
    let c = &run_json(&out)["counts"];
    assert_eq!(
        (c["pages_read"].as_u64(), c["engines_created"].as_u64()),
        (Some(0), Some(0)),
        "{c}"
    );
    assert_eq!(stored_results(&out), 5);
    // The last run was over the archive: b0's result goes, and prune names it.
    let o = bin()
        .arg("prune")
        .arg(&out)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    assert_eq!(stored_results(&out), 5);
    let o = bin().arg("prune").arg(&out).output().unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let listed = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.contains("b0.txt") && listed.contains("not in the last run"),
        "{listed}"
    );
    assert_eq!(stored_results(&out), 4);
    // Archive files deleted since: their results (and the scan's reading) go at the next
    // prune.
    std::fs::remove_file(a.join("a1.txt")).unwrap();
    std::fs::remove_file(a.join("scan.jpg")).unwrap();
    let o = bin().arg("prune").arg(&out).output().unwrap();
    let listed = String::from_utf8_lossy(&o.stdout).into_owned();
    let gone: Vec<&str> = listed
        .lines()
        .filter(|l| l.contains("input gone"))
        .collect();
    assert_eq!(gone.len(), 3, "{listed}");
    assert!(
        gone.iter().any(|l| l.contains("a1.txt"))
            && gone
                .iter()
                .any(|l| l.contains("reading/") && l.contains("scan.jpg")),
        "{listed}"
    );
    assert_eq!(stored_results(&out), 2);
    let o = run(&[&a], &out, &[]);
    assert_eq!(code(&o), 0);
    assert_eq!(counts(&out), (0, 2));
}
