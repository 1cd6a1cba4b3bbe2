//! `jixiao bench` on text input (the scanned path needs render and OCR; the harness is the
//! same): a report with throughput per worker count, per-stage times, peak memory, and the
//! memory-flatness figures.

mod batch_common;

use batch_common::*;

#[test]
fn bench_reports_throughput_stages_and_memory_on_text() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..6 {
        write(d.path(), &format!("c/f{i}.txt"), form_text(i));
    }
    let report = d.path().join("bench.json");
    let o = bin()
        .arg("bench")
        .arg(d.path().join("c"))
        .args(["--workers", "1,2", "--pages", "120", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let runs = r["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for (run, w) in runs.iter().zip([1, 2]) {
        assert_eq!(run["workers"], w);
        assert!(run["files_per_s"].as_f64().unwrap() > 0.0, "{run}");
        assert!(run["stage_ms"].get("extract").is_some(), "{run}");
        assert_eq!(run["errors"], 0);
        assert!(run["cpu_seconds"].as_f64().unwrap() > 0.0, "{run}");
        assert!(run["pages_per_s_per_core"].as_f64().is_some(), "{run}");
        // Text input never reaches the recogniser: no calls, no lines, no padding ratio.
        assert_eq!(run["recogniser"]["runs"], 0, "{run}");
        assert_eq!(run["lines_per_page"].as_f64(), Some(0.0), "{run}");
        assert!(run["padding"].is_null(), "{run}");
    }
    assert!(r["speedup"].as_f64().is_some());
    let m = &r["memory"];
    assert!(m["pages"].as_u64().unwrap() >= 120, "{m}");
    if let (Some(a), Some(b)) = (
        m["peak_rss_mib_at_100"].as_f64(),
        m["peak_rss_mib_at_end"].as_f64(),
    ) {
        assert!(a > 0.0 && b >= a, "{m}");
    }
}
