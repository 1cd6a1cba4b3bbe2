//! A born-digital PDF (real text layer, built here with lopdf) goes through `jixiao run` from
//! its text layer: no OCR engine is created and pages.jsonl marks the page "born-digital".
//! Skips cleanly when models/libpdfium.so is absent.

use std::path::Path;
use std::process::Command;

use jixiao::testing::{a4, PdfBuilder};
use lopdf::dictionary;

fn text_pdf() -> Vec<u8> {
    let mut b = PdfBuilder::new();
    let font = b.helvetica();
    let mut s = String::from("BT /F1 16 Tf 200 780 Td (Budget 2023) Tj ET\n");
    s += "0.5 w 50 740 m 350 740 l S\n50 720 m 350 720 l S\n50 700 m 350 700 l S\n";
    for x in [50, 150, 250, 350] {
        s += &format!("{x} 700 m {x} 740 l S\n");
    }
    for (x, y, t) in [
        (55, 725, "Item"),
        (155, 725, "Amount"),
        (255, 725, "Note"),
        (55, 705, "Total"),
        (155, 705, "1,234,567.00"),
    ] {
        s += &format!("BT /F1 10 Tf {x} {y} Td ({t}) Tj ET\n");
    }
    let cid = b.content(s);
    b.page(dictionary! {
        "MediaBox" => a4(),
        "Contents" => cid,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    b.bytes()
}

#[test]
fn a_born_digital_pdf_is_read_without_ocr() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("models/libpdfium.so").exists() {
        eprintln!("skipped: models/libpdfium.so absent (scripts/fetch-models.sh)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("digital.pdf");
    std::fs::write(&pdf, text_pdf()).unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(root)
        .arg("run")
        .arg(&pdf)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
    let pages = std::fs::read_to_string(out.join("pages.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = pages
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{pages}");
    assert_eq!(lines[0]["page_source"], "born-digital", "{pages}");
    assert!(lines[0]["text"].as_str().unwrap().contains("1,234,567.00"));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        run["ledger"]["holds"], true,
        "page ledger: {}",
        run["ledger"]
    );
    assert_eq!(
        run["counts"]["engines_created"], 0,
        "an OCR engine was loaded"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("errors.jsonl")).unwrap(),
        ""
    );
}
