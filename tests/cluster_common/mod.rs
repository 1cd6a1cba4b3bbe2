//! Helpers shared by the cluster tests (Slurm, Kubernetes): input trees, the merged outputs
//! compared with a single run, and what the merge marker says.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;

use serde_json::Value;

/// Copies a directory tree (the samples) so a test can add files to it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        let dst = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dst);
        } else {
            std::fs::copy(&p, &dst).expect("copy");
        }
    }
}

/// The merged outputs equal a single run's byte for byte: records, tables, indicators.csv and
/// errors (pages.jsonl and run.json carry timings, which differ).
pub fn assert_same_outputs(single: &Path, merged: &Path) {
    for f in [
        "records.jsonl",
        "tables.jsonl",
        "indicators.csv",
        "errors.jsonl",
    ] {
        let a =
            std::fs::read(single.join(f)).unwrap_or_else(|e| panic!("{f} of the single run: {e}"));
        let b = std::fs::read(merged.join(f)).unwrap_or_else(|e| panic!("merged {f}: {e}"));
        assert!(
            !a.is_empty() || f == "errors.jsonl",
            "{f} of the single run is empty"
        );
        assert!(
            a == b,
            "merged {f} differs from the single run's ({} vs {} bytes)",
            b.len(),
            a.len()
        );
    }
}

/// `OUT/merged.json`, the marker `jixiao merge` writes last.
pub fn merged(out: &Path) -> Value {
    let s =
        std::fs::read_to_string(out.join("merged.json")).expect("merged.json (the merge marker)");
    serde_json::from_str(&s).expect("merged.json is JSON")
}

/// Inputs the shards of the last plan processed (read), in all.
pub fn processed_by_shards(out: &Path) -> u64 {
    merged(out)["shards"]
        .as_array()
        .expect("shards")
        .iter()
        .map(|s| s["processed"].as_u64().expect("processed"))
        .sum()
}

/// `OUT/shards/plan.json`.
pub fn plan(out: &Path) -> Value {
    let s = std::fs::read_to_string(out.join("shards/plan.json")).expect("plan.json");
    serde_json::from_str(&s).expect("plan.json is JSON")
}

/// One more input for a rerun: a form text that differs from sample 01 in its project name.
pub fn add_one_text(input: &Path) -> std::path::PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/text/01_two_period_wan.txt");
    let text = std::fs::read_to_string(src).expect("sample text");
    assert!(text.contains("非遗展演经费"));
    let p = input.join("text/05_added_later.txt");
    std::fs::write(&p, text.replace("非遗展演经费", "非遗传习经费")).expect("write");
    p
}
