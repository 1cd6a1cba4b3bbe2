//! Golden test on samples/scan: the four project-made scans through `jixiao run` with the
//! default ppocr engine in one run, compared in Rust to each sample's gold records
//! (`NAME.expected.jsonl`) and cell truth (`NAME.cells.json`). Skips cleanly when the OCR
//! models are absent.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

mod scan_common;
use scan_common::{basename, fold, jsonl, models_present, run_jixiao, score_record};

/// Minimum field accuracy per sample. Measured (this scorer) at 0.938 for the two-period split
/// form and 1.0 for the others; a regression that loses a field family or a row breaks it.
const MIN_FIELD_ACC: f64 = 0.88;
const MIN_CELL_RECALL: f64 = 0.99;

fn iou(a: [f64; 4], b: [f64; 4]) -> f64 {
    let (x0, y0) = (a[0].max(b[0]), a[1].max(b[1]));
    let (x1, y1) = (a[2].min(b[2]), a[3].min(b[3]));
    let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    let u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    if u > 0.0 {
        inter / u
    } else {
        0.0
    }
}

fn bbox(v: &Value) -> Option<[f64; 4]> {
    let a = v.as_array()?;
    let f = |i: usize| a.get(i).and_then(Value::as_f64);
    Some([f(0)?, f(1)?, f(2)?, f(3)?])
}

/// Share of non-blank truth cells with a predicted cell of IoU ≥ 0.5 on the same page.
fn cell_recall(truth: &Value, tables: &[Value]) -> f64 {
    let file = truth["pdf"].as_str().unwrap_or_default();
    let file = file.rsplit('/').next().unwrap_or_default();
    let mut pred: HashMap<u64, Vec<[f64; 4]>> = HashMap::new();
    for t in tables.iter().filter(|t| basename(t) == file) {
        let page = t["source"]["pages"][0].as_u64().unwrap_or(0);
        let cells = t["cells"].as_array().into_iter().flatten();
        pred.entry(page)
            .or_default()
            .extend(cells.filter_map(|c| bbox(&c["bbox"])));
    }
    let (mut n, mut found) = (0usize, 0usize);
    for pg in truth["pages"].as_array().into_iter().flatten() {
        let (w, h) = (
            pg["width"].as_f64().unwrap(),
            pg["height"].as_f64().unwrap(),
        );
        let cands = pred.get(&pg["page"].as_u64().unwrap_or(0));
        for c in pg["cells"].as_array().into_iter().flatten() {
            if fold(&c["text"]).is_empty() {
                continue;
            }
            let Some(b) = bbox(&c["bbox"]) else { continue };
            let g = [b[0] / w, b[1] / h, b[2] / w, b[3] / h];
            n += 1;
            found += cands.into_iter().flatten().any(|&p| iou(g, p) >= 0.5) as usize;
        }
    }
    assert!(n > 0, "{file}: no truth cells");
    found as f64 / n as f64
}

#[test]
fn scan_samples_match_their_gold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !models_present(root) {
        return;
    }
    let samples = root.join("samples/scan");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // One run for all samples: OCR costs seconds per page.
    run_jixiao(root, Path::new("samples/scan"), &out);
    let errors = std::fs::read_to_string(out.join("errors.jsonl")).unwrap();
    assert!(errors.trim().is_empty(), "errors.jsonl:\n{errors}");
    let records = jsonl(&out.join("records.jsonl"));
    let tables = jsonl(&out.join("tables.jsonl"));

    let mut names: Vec<String> = std::fs::read_dir(&samples)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".expected.jsonl").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for name in &names {
        let gold = jsonl(&samples.join(format!("{name}.expected.jsonl")));
        let (mut ok, mut n) = (0, 0);
        for g in &gold {
            let found = records.iter().find(|p| {
                basename(p) == basename(g)
                    && fold(&p["project"]["name"]) == fold(&g["project"]["name"])
            });
            match found {
                Some(p) => {
                    let (a, b) = score_record(g, p);
                    ok += a;
                    n += b;
                }
                None => failures.push(format!("{name}: record {} not found", g["project"]["name"])),
            }
        }
        let acc = if n > 0 { ok as f64 / n as f64 } else { 0.0 };
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(samples.join(format!("{name}.cells.json"))).unwrap(),
        )
        .unwrap();
        let recall = cell_recall(&truth, &tables);
        report.push(format!(
            "{name}: field_acc {acc:.3} ({ok}/{n}), cell_recall {recall:.3}"
        ));
        if acc < MIN_FIELD_ACC {
            failures.push(format!("{name}: field_acc {acc:.3} < {MIN_FIELD_ACC}"));
        }
        if recall < MIN_CELL_RECALL {
            failures.push(format!(
                "{name}: cell_recall {recall:.3} < {MIN_CELL_RECALL}"
            ));
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.join("\n"),
        report.join("\n")
    );
}
