//! The text track end to end on `samples/text/*.txt`: reader → extract → repair → check →
//! emit, compared with golden JSON Lines in `tests/golden/`. Regenerate the golden files with
//! `JIXIAO_BLESS=1 cargo test --test text_track` after checking the diff by eye.

use std::path::{Path, PathBuf};

use jixiao::ir::Document;
use jixiao::model::Record;
use sha2::{Digest, Sha256};

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/text");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("samples/text exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    v.sort();
    v
}

fn load(path: &Path) -> Document {
    let bytes = std::fs::read(path).expect("sample readable");
    let text = String::from_utf8(bytes.clone()).expect("sample is UTF-8");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    Document {
        path: path.to_path_buf(),
        // Relative, so the golden output does not depend on where the checkout lives.
        display_path: format!("samples/text/{name}"),
        sha256: hex::encode(Sha256::digest(&bytes)),
        pages: jixiao::table::text::read_text(&text),
    }
}

fn jsonl<T: serde::Serialize>(items: &[T]) -> String {
    let mut buf = Vec::new();
    jixiao::emit::write_jsonl(&mut buf, items).expect("serialise");
    String::from_utf8(buf).expect("utf-8")
}

/// Compares with (or, under JIXIAO_BLESS=1, writes) a golden file; returns a diff note.
fn golden(name: &str, actual: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("JIXIAO_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write golden");
        return None;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let first = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{name}: differs from golden at line {} (expected {} lines, got {})",
        first + 1,
        expected.lines().count(),
        actual.lines().count()
    ))
}

#[test]
fn samples_match_golden_output() {
    let docs: Vec<Document> = samples().iter().map(|p| load(p)).collect();
    assert!(docs.len() >= 2, "samples/text holds the text-track samples");
    let mut records: Vec<Record> = Vec::new();
    let mut tables = Vec::new();
    let mut pages = Vec::new();
    for d in &docs {
        let ex = jixiao::extract::extract_document(d);
        records.extend(ex.records);
        tables.extend(ex.tables);
        pages.extend(jixiao::emit::page_records(d));
    }
    jixiao::repair::repair_run(&mut records);
    for r in &mut records {
        let w = jixiao::check::check_record(r);
        r.warnings.extend(w);
    }
    let mut csv = Vec::new();
    jixiao::emit::write_indicators_csv(&mut csv, &records).expect("csv");
    let diffs: Vec<String> = [
        golden("records.jsonl", &jsonl(&records)),
        golden("tables.jsonl", &jsonl(&tables)),
        golden("pages.jsonl", &jsonl(&pages)),
        golden("indicators.csv", &String::from_utf8(csv).expect("utf-8")),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn every_family_yields_its_form() {
    let mut n = 0;
    for p in samples() {
        let ex = jixiao::extract::extract_document(&load(&p));
        assert_eq!(ex.records.len(), 1, "{}", p.display());
        let r = &ex.records[0];
        assert!(r.fiscal_year.is_some(), "{}", p.display());
        assert!(!r.indicators.is_empty(), "{}", p.display());
        assert!(r.indicators.iter().all(|i| i.cell.is_some()));
        n += 1;
    }
    assert!(n >= 4);
}

/// The seeds, when present (they are not part of the repository): every form is a record.
#[test]
fn seed_forms_all_become_records() {
    let dir = Path::new("/work/shared/seeds");
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut total = 0;
    for e in rd.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "txt") {
            total += jixiao::extract::extract_document(&load(&p)).records.len();
        }
    }
    if total > 0 {
        assert_eq!(total, 124);
    }
}
