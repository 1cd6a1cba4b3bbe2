//! Upgrading jixiao does not read pages again (issue 10): the per-page readings (level 1 of
//! the store) are kept across builds, and a new build re-derives every record from them.
//!
//! The sample scans are read once; then a *new build* — the binary installed somewhere else,
//! which changes its build identity exactly as a rebuilt or newly released jixiao does — runs
//! over them into the same OUT: every result is re-derived, no page is read, no OCR engine
//! is started, the outputs are the same, and the run takes ≤ 5 % of the first one's time.
//! Skips cleanly when the OCR models are absent.

use std::path::Path;
use std::time::{Instant, SystemTime};

mod batch_common;
mod scan_common;
use batch_common::{code, jsonl, pages_without_ms, run, run_json};

/// The stored files under `dir` (one level), by name, with their modification times.
fn listing(dir: &Path) -> Vec<(String, SystemTime)> {
    let mut v: Vec<(String, SystemTime)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name().to_string_lossy().find('-') == Some(64))
                .map(|e| {
                    let m = e.metadata().unwrap().modified().unwrap();
                    (e.file_name().to_string_lossy().into_owned(), m)
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_new_build_rederives_every_record_without_reading_a_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !scan_common::models_present(root) {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let corpus = root.join("samples/scan");

    let t = Instant::now();
    let o = run(&[&corpus], &out, &[]);
    let first = t.elapsed();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let c1 = run_json(&out)["counts"].clone();
    assert_eq!(
        (c1["processed"].as_u64(), c1["rederived"].as_u64()),
        (Some(4), Some(0))
    );
    let pages = c1["pages_read"].as_u64().unwrap();
    assert!(pages >= 4, "{c1}");
    let records = jsonl(&out.join("records.jsonl"));
    let tables = jsonl(&out.join("tables.jsonl"));
    let page_lines = pages_without_ms(&out);
    let state = out.join(".jixiao");
    let (readings, results) = (listing(&state.join("reading")), listing(&state));
    assert_eq!((readings.len(), results.len()), (4, 4));

    // The new build.
    let exe = d.path().join("new/bin/jixiao");
    std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_jixiao"), &exe).unwrap();
    let t = Instant::now();
    let o = std::process::Command::new(&exe)
        .current_dir(root)
        .arg("run")
        .arg(&corpus)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let second = t.elapsed();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let rj = run_json(&out);
    assert_eq!(rj["ledger"]["holds"], true, "{}", rj["ledger"]);
    let c2 = &rj["counts"];
    assert_eq!(
        (
            c2["processed"].as_u64(),
            c2["reused"].as_u64(),
            c2["rederived"].as_u64(),
            c2["pages_read"].as_u64(),
            c2["engines_created"].as_u64()
        ),
        (Some(0), Some(0), Some(4), Some(0), Some(0)),
        "{c2}"
    );
    // Every result derived anew (new keys, the old ones collected), every reading untouched.
    let results2 = listing(&state);
    assert_eq!(results2.len(), 4);
    assert!(results2.iter().all(|r| !results.iter().any(|o| o.0 == r.0)));
    assert_eq!(listing(&state.join("reading")), readings);
    // The same outputs: this build's extraction is the old one's.
    assert_eq!(jsonl(&out.join("records.jsonl")), records);
    assert_eq!(jsonl(&out.join("tables.jsonl")), tables);
    assert_eq!(pages_without_ms(&out), page_lines);
    let ratio = second.as_secs_f64() / first.as_secs_f64();
    eprintln!(
        "first run {:.2} s ({pages} pages read), re-derived run {:.3} s: {:.1} %",
        first.as_secs_f64(),
        second.as_secs_f64(),
        ratio * 100.0
    );
    assert!(
        ratio <= 0.05,
        "re-derived run took {:.1} % of the first",
        ratio * 100.0
    );
}
