//! Budget tables typed into lines and reconciled, on a made-up disclosure whose figures add up
//! (`tests/budget/qingxi_2024_budget_tables.txt`): every check passes on it as printed, and one
//! digit changed in one amount is caught, with the cell and the value that would balance it.

use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao::budget::{analyse_file, kind::TableKind, FileBudget};
use jixiao::ir::Document;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/budget/qingxi_2024_budget_tables.txt")
}

fn analyse_text(text: &str) -> FileBudget {
    let doc = Document {
        path: fixture(),
        display_path: "qingxi.txt".into(),
        sha256: "00".into(),
        pages: jixiao::table::text::read_text(text),
    };
    let ex = jixiao::extract::extract_document(&doc);
    analyse_file(&ex.tables, &ex.records, "")
}

fn printed() -> String {
    std::fs::read_to_string(fixture()).expect("fixture readable")
}

#[test]
fn every_table_of_the_fixture_is_typed_and_every_check_passes() {
    let b = analyse_text(&printed());
    let kinds: Vec<TableKind> = b.tables.iter().map(|t| t.table_kind).collect();
    for k in [
        TableKind::IncomeExpenditureSummary,
        TableKind::IncomeSummary,
        TableKind::ExpenditureSummary,
        TableKind::FiscalGrantSummary,
        TableKind::GeneralBudgetExpenditure,
        TableKind::GeneralBudgetBasicExpenditure,
        TableKind::ThreePublic,
        TableKind::ProjectExpenditure,
    ] {
        assert!(kinds.contains(&k), "{k:?} missing from {kinds:?}");
    }
    assert!(b.checks >= 100, "only {} checks", b.checks);
    assert!(b.failed.is_empty(), "{:#?}", b.failed);
    // A coded line: 类/款/项 split, exact yuan, cell refs.
    let l = b
        .lines
        .iter()
        .find(|l| {
            l.table_kind == TableKind::ExpenditureSummary && l.code.as_deref() == Some("2070109")
        })
        .expect("line 2070109");
    assert_eq!(
        l.code_levels.as_deref(),
        Some(&["207".to_string(), "01".into(), "09".into()][..])
    );
    assert_eq!(l.name.as_deref(), Some("群众文化"));
    let v = serde_json::to_value(&l.values).unwrap();
    assert_eq!(v["total"], serde_json::json!(1_505_000));
    assert_eq!(v["project"], serde_json::json!(1_505_000));
    assert_eq!(v["basic"], serde_json::Value::Null);
    assert!(l.cell.contains_key("basic") && l.cell.contains_key("code"));
    assert_eq!(l.fiscal_year, Some(2024));
    // The 收支总表's halves are sections; its totals are totals.
    let s: Vec<_> = b
        .lines
        .iter()
        .filter(|l| l.table_kind == TableKind::IncomeExpenditureSummary && l.is_total)
        .map(|l| {
            (
                l.section.clone().unwrap_or_default(),
                l.name.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert!(s.contains(&("income".into(), "收入总计".into())), "{s:?}");
    assert!(
        s.contains(&("expenditure".into(), "支出总计".into())),
        "{s:?}"
    );
}

#[test]
fn one_changed_digit_is_named_with_the_value_that_balances_it() {
    let text = printed();
    let line = "20701\t文化和旅游\t500.00\t300.00\t200.00";
    assert_eq!(text.matches(line).count(), 1, "the 支出总表 line is unique");
    let b = analyse_text(&text.replace(line, "20701\t文化和旅游\t500.00\t800.00\t200.00"));
    assert!(!b.failed.is_empty());
    let target = b
        .lines
        .iter()
        .find(|l| {
            l.table_kind == TableKind::ExpenditureSummary && l.code.as_deref() == Some("20701")
        })
        .expect("line 20701");
    let cell = target.cell.get("basic").expect("basic cell").clone();
    // Every failed check involving it points at the cell and at 300.00; the row and the column
    // sums agree on it.
    let suggestions: Vec<_> = b
        .lines
        .iter()
        .flat_map(|l| l.warnings.iter())
        .flat_map(|w| w.suggestions.iter())
        .collect();
    assert!(!suggestions.is_empty());
    assert!(
        suggestions
            .iter()
            .all(|s| s.cell == cell && s.read == "800.00" && s.balancing == "300.00"),
        "{suggestions:#?}"
    );
    assert!(suggestions.iter().any(|s| s.balances_checks >= 2));
    let w = target
        .warnings
        .iter()
        .find(|w| !w.suggestions.is_empty())
        .expect("a warning on the line");
    assert!(w.cells.contains(&cell));
    assert!(
        w.message.contains("300.00 would balance it"),
        "{}",
        w.message
    );
    // The value stays as read.
    let v = serde_json::to_value(&target.values).unwrap();
    assert_eq!(v["basic"], serde_json::json!(8_000_000));
}

#[test]
fn a_total_changed_by_one_digit_fails_its_checks_across_tables() {
    let text = printed().replace(
        "合计\t\t392.63\t352.63\t40.00",
        "合计\t\t392.68\t352.63\t40.00",
    );
    let b = analyse_text(&text);
    let codes: Vec<&str> = b.failed.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"budget_cross_table"), "{codes:?}");
    assert!(codes.contains(&"budget_across_sum"), "{codes:?}");
    assert!(b
        .failed
        .iter()
        .all(|f| f.message.contains("392.63 would balance it")));
}

fn run_binary(inputs: &[&Path], out: &Path) -> serde_json::Value {
    let status = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("run")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .output()
        .expect("jixiao runs");
    assert!(
        status.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).expect("run.json")).unwrap();
    run
}

#[test]
fn the_run_writes_budget_lines_csv_tables_and_counts() {
    let out = tempfile::tempdir().unwrap();
    let run = run_binary(&[&fixture()], out.path());
    let b = &run["budget"];
    assert_eq!(b["checks_failed"], 0);
    assert!(b["checks"].as_u64().unwrap() >= 100);
    assert_eq!(run["counts"]["budget_checks"], b["checks"]);
    let lines = std::fs::read_to_string(out.path().join("budget_lines.jsonl")).unwrap();
    let n = lines.lines().count();
    assert_eq!(b["lines"].as_u64().unwrap() as usize, n);
    assert!(lines
        .lines()
        .all(|l| l.contains("\"kind\":\"budget_line\"")));
    let csv = std::fs::read_to_string(out.path().join("budget_lines.csv")).unwrap();
    assert_eq!(csv.lines().count(), n + 1);
    assert!(csv.lines().next().unwrap().contains("code_levels"));
    let tables = std::fs::read_to_string(out.path().join("budget_tables.jsonl")).unwrap();
    assert_eq!(tables.lines().count(), 8);
    assert!(
        tables.contains("\"header\":\"2024年预算数 / 合计\""),
        "{tables}"
    );
}

/// The published documents of the shared folder, when present: ≥ 98 % of the checks pass.
#[test]
fn published_disclosures_reconcile() {
    let seeds = Path::new("/work/shared/seeds");
    let real = Path::new("/work/shared/real");
    let mut inputs: Vec<PathBuf> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(seeds) {
        inputs.extend(rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("004"))
        }));
    }
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/libpdfium.so");
    if real.is_dir() && models.is_file() {
        inputs.push(real.to_path_buf());
    }
    if inputs.is_empty() {
        eprintln!("shared documents not present; skipped");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let run = run_binary(&refs, out.path());
    let b = &run["budget"];
    let (n, f) = (
        b["checks"].as_u64().unwrap() as f64,
        b["checks_failed"].as_u64().unwrap() as f64,
    );
    assert!(n > 100.0, "{b}");
    assert!(
        (n - f) / n >= 0.98,
        "{f} of {n} checks failed: {}",
        b["failed"]
    );
}

/// A scanned 支出总表 (drawn by `tools/make_budget_scan.py`) with 20701's 基本支出 printed 800.00
/// instead of 300.00: read by OCR, the row and column sums through the cell fail, the warning
/// names it with 300.00, and its confidence in tables.jsonl drops so the review shows it.
#[test]
fn a_scanned_cell_that_breaks_the_sums_is_named_and_its_confidence_lowered() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    if !models.join("libonnxruntime.so").is_file() {
        eprintln!("OCR models not present; skipped");
        return;
    }
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/budget/expenditure_one_digit.png");
    let out = tempfile::tempdir().unwrap();
    let run = run_binary(&[&page], out.path());
    let b = &run["budget"];
    assert!(b["checks"].as_u64().unwrap() >= 20, "{b}");
    let failed = b["failed"].as_array().unwrap();
    assert!(!failed.is_empty(), "{b}");
    assert!(
        failed.iter().all(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("row 4 col 3 read 800.00 — 300.00 would balance it")),
        "{b}"
    );
    let tables = std::fs::read_to_string(out.path().join("tables.jsonl")).unwrap();
    let t: serde_json::Value = serde_json::from_str(tables.lines().next().unwrap()).unwrap();
    let cell = t["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["row"] == 4 && c["col"] == 3)
        .expect("cell 4,3");
    assert_eq!(cell["text"], "800.00");
    assert!(cell["conf"].as_f64().unwrap() <= 0.5, "{cell}");
    let others_low = t["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["conf"].as_f64().unwrap() <= 0.5)
        .count();
    assert_eq!(others_low, 1, "only the doubted cell is lowered");
}
