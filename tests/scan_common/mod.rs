//! Scoring shared by the tests that run scanned pages through `jixiao run` and compare the
//! records with gold: project fields, funds and indicators, strings compared without
//! whitespace and numbers by value (as `../shared/eval/score.py` does).
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

pub const PROJECT_FIELDS: [&str; 8] = [
    "name",
    "department_code",
    "department",
    "implementer",
    "attribute",
    "category",
    "start_date",
    "end_date",
];
pub const FUND_KEYS: [&str; 6] = [
    "total",
    "central",
    "provincial",
    "local",
    "self_raised",
    "other",
];
pub const INDICATOR_FIELDS: [&str; 5] = ["level1", "level2", "name", "value_raw", "value"];

pub fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn basename(v: &Value) -> String {
    let p = v["source"]["path"].as_str().unwrap_or_default();
    p.rsplit('/').next().unwrap_or_default().to_owned()
}

pub fn fold(v: &Value) -> String {
    v.as_str()
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect())
        .unwrap_or_default()
}

/// Equal as JSON, numbers by value (1000 and 1000.0 agree), strings ignoring whitespace.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64().unwrap_or(f64::NAN) - y.as_f64().unwrap_or(f64::NAN)).abs() < 1e-6
        }
        (Value::String(_), Value::String(_)) => fold(a) == fold(b),
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().all(|k| {
                same(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                )
            })
        }
        _ => a == b,
    }
}

/// (correct, total) over project fields, funds and indicators of one gold record.
pub fn score_record(g: &Value, p: &Value) -> (usize, usize) {
    let (mut ok, mut n) = (0, 0);
    let mut tally = |a: &Value, b: &Value| {
        n += 1;
        ok += same(a, b) as usize;
    };
    for f in PROJECT_FIELDS {
        tally(&g["project"][f], &p["project"][f]);
    }
    for period in ["midterm", "annual"] {
        if g["funds"][period].is_null() {
            continue;
        }
        for k in FUND_KEYS {
            tally(&g["funds"][period][k], &p["funds"][period][k]);
        }
    }
    let empty = Vec::new();
    let gi = g["indicators"].as_array().unwrap_or(&empty);
    let pi = p["indicators"].as_array().unwrap_or(&empty);
    let mut used = vec![false; pi.len()];
    for (k, gx) in gi.iter().enumerate() {
        // The same (period, name) unused, else the same position: a misread name still
        // lets its other fields count.
        let j = (0..pi.len())
            .find(|&j| {
                !used[j]
                    && pi[j]["period"] == gx["period"]
                    && fold(&pi[j]["name"]) == fold(&gx["name"])
            })
            .or_else(|| (k < pi.len() && !used[k]).then_some(k));
        let px = j.map(|j| {
            used[j] = true;
            &pi[j]
        });
        for f in INDICATOR_FIELDS {
            tally(&gx[f], px.map(|p| &p[f]).unwrap_or(&Value::Null));
        }
    }
    (ok, n)
}

/// Whether the OCR models are fetched (scripts/fetch-models.sh); says so when they are not,
/// so the caller can skip.
pub fn models_present(root: &Path) -> bool {
    for need in ["models/PP-OCRv6_rec_small.onnx", "models/libonnxruntime.so"] {
        if !root.join(need).exists() {
            eprintln!("skipped: {need} absent (scripts/fetch-models.sh)");
            return false;
        }
    }
    true
}

/// `jixiao run INPUT -o OUT` from the checkout, which must exit 0.
pub fn run_jixiao(root: &Path, input: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(root)
        .arg("run")
        .arg(input)
        .arg("-o")
        .arg(out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "exit status {status}");
    let rj: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(rj["ledger"]["holds"], true, "page ledger: {}", rj["ledger"]);
}
