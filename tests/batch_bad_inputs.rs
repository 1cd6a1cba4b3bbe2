//! The bad-input corpus, built here. Every bad file is run together with a good text file, and
//! each test asserts the documented outcome:
//!
//! | input | outcome |
//! |---|---|
//! | not a PDF, named .pdf | error: page null, stage input, "not a PDF" |
//! | empty file | error: page null, stage input, "empty file" |
//! | truncated PDF | error(s) with stage render |
//! | encrypted PDF (user password) | error: page null, stage render, "encrypted" |
//! | PDF with zero pages | error: page null, stage render, "no pages" |
//! | page with no image (after a good page) | error: page 2, stage render; page 1 kept (partial) |
//! | 20000×20000 JPEG (PDF page or .jpg) | error: page 1, "refused", before decoding |
//! | page with /Rotate 90 | ok: page listed upright (width < height for a landscape image) |
//! | blank page | ok: the page is listed, no table, no record |
//! | text-only born-digital PDF | ok: the page is listed |
//! | corrupt JPEG stream | error: page 1, stage render |
//! | GBK text file | ok, warning "text decoded as GB18030" |
//! | bytes that are no text encoding | error: page null, stage input |
//! | binary garbage named .txt | error: page null, stage input |
//! | text with no forms | ok, no record, no error |
//! | huge single line (8 MB) | ok, no error |
//! | file over limits.max_file_bytes | error: page null, stage input, "refused" |
//! | path that does not exist | error: page null, stage input |
//! | same bytes under two names | the second is `duplicate`, no error |
//! | a directory of good and bad files | one error per bad file, good files ok |
//! | FORM.TXT, Scan.JPG, DIGITAL.PDF in a directory | all three taken (globs ignore case) |
//! | 3-page TIFF | 3 pages, each ok |
//! | TIFF whose page chain loops | each page once, warning "loops" |
//! | JPEG cut short (file, or inside a PDF) | page partial, `why` and `lost_fraction` (~0.5), input partial, exit 1 |
//! | progressive JPEG cut in a late / the first scan | page partial: detail lost over the whole page / the bottom share lost |
//! | PDF page tree with a loop, a page listed twice, a lying /Count | each page once, in order, warnings |
//! | WebP, HEIC, GIF in a directory (any case) | taken; error per file naming the format, stage input |
//!
//! In every case with an error the exit status is 1 and the good file's result is still there;
//! without one it is 0. Usage and configuration errors exit 2.

mod batch_common;

use std::path::Path;

use batch_common::*;
use serde_json::Value;

/// Runs `bad` together with a good form text; returns the output dir's tempdir.
fn run_with_good(
    dir: &Path,
    bad: &Path,
    extra: &[&str],
) -> (std::process::Output, std::path::PathBuf) {
    let good = write(dir, "good.txt", form_text(1));
    let out = dir.join("out");
    let o = run(&[bad, &good], &out, extra);
    assert_ne!(
        code(&o),
        2,
        "usage error: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(input_entry(&out, "good.txt")["status"], "ok");
    assert!(errors_of(&out, "good.txt").is_empty());
    (o, out)
}

/// Asserts exactly one error line for `name` and returns it.
fn one_error(out: &Path, name: &str) -> Value {
    let e = errors_of(out, name);
    assert_eq!(e.len(), 1, "errors for {name}: {e:?}");
    e.into_iter().next().unwrap_or_default()
}

/// Runs `bytes` saved as `name` beside a good input: the run goes on (exit 1) and `name` has
/// exactly one error line, which is returned.
fn only_failure(name: &str, bytes: impl AsRef<[u8]>) -> Value {
    let d = tempfile::tempdir().unwrap();
    let bad = write(d.path(), name, bytes);
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 1);
    one_error(&out, name)
}

fn reason(e: &Value) -> String {
    e["reason"].as_str().unwrap_or_default().to_lowercase()
}

#[test]
fn not_a_pdf_with_pdf_name() {
    let d = tempfile::tempdir().unwrap();
    let bad = write(
        d.path(),
        "report.pdf",
        "<!DOCTYPE html><html>404 Not Found</html>",
    );
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 1);
    let e = one_error(&out, "report.pdf");
    assert_eq!(
        (e["page"].clone(), e["stage"].clone()),
        (Value::Null, "input".into())
    );
    assert!(reason(&e).contains("not a pdf"), "{e}");
    assert_eq!(input_entry(&out, "report.pdf")["status"], "failed");
}

#[test]
fn empty_file() {
    let e = only_failure("empty.txt", "");
    assert_eq!(e["stage"], "input");
    assert!(reason(&e).contains("empty"), "{e}");
}

#[test]
fn truncated_pdf() {
    let d = tempfile::tempdir().unwrap();
    let full = pdf_bytes(pdf_of(&[Some((jpeg(400, 600, false), 400, 600))], 0));
    let bad = write(d.path(), "cut.pdf", &full[..full.len() * 6 / 10]);
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 1);
    let e = errors_of(&out, "cut.pdf");
    assert!(!e.is_empty());
    assert!(e.iter().all(|e| e["stage"] == "render"), "{e:?}");
}

#[test]
fn encrypted_pdf() {
    let e = only_failure("locked.pdf", pdf_encrypted());
    assert_eq!(
        (e["page"].clone(), e["stage"].clone()),
        (Value::Null, "render".into())
    );
    assert!(reason(&e).contains("encrypt"), "{e}");
}

#[test]
fn pdf_with_zero_pages() {
    let e = only_failure("zero.pdf", pdf_bytes(pdf_of(&[], 0)));
    assert_eq!(
        (e["page"].clone(), e["stage"].clone()),
        (Value::Null, "render".into())
    );
    assert!(reason(&e).contains("no pages"), "{e}");
}

fn pages_of(out: &Path, name: &str) -> Vec<Value> {
    jsonl(&out.join("pages.jsonl"))
        .into_iter()
        .filter(|p| {
            p["source"]["path"]
                .as_str()
                .unwrap_or_default()
                .ends_with(name)
        })
        .collect()
}

fn tables_of(out: &Path, name: &str) -> Vec<Value> {
    jsonl(&out.join("tables.jsonl"))
        .into_iter()
        .filter(|p| {
            p["source"]["path"]
                .as_str()
                .unwrap_or_default()
                .ends_with(name)
        })
        .collect()
}

#[test]
fn page_with_no_image() {
    let d = tempfile::tempdir().unwrap();
    let pdf = pdf_of(&[Some((jpeg(300, 400, false), 300, 400)), None], 0);
    let bad = write(d.path(), "noimage.pdf", pdf_bytes(pdf));
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    let pdfium = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/libpdfium.so");
    if pdfium.exists() {
        // The text layer reads the empty page as a blank born-digital page: not an error.
        assert_eq!(code(&o), 0);
        let pages = pages_of(&out, "noimage.pdf");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0]["page_source"], "scan");
        assert_eq!(pages[1]["page_source"], "born-digital");
        return;
    }
    assert_eq!(code(&o), 1);
    let e = one_error(&out, "noimage.pdf");
    assert_eq!(
        (e["page"].clone(), e["stage"].clone()),
        (2.into(), "render".into())
    );
    // The failed page does not cost the file its other page; both are listed.
    assert_eq!(input_entry(&out, "noimage.pdf")["status"], "partial");
    let pages = pages_of(&out, "noimage.pdf");
    assert_eq!(pages.len(), 2);
    assert!(
        pages[1]["warnings"].to_string().contains("render"),
        "{}",
        pages[1]
    );
}

#[test]
fn huge_image_page_is_refused_before_decoding() {
    let d = tempfile::tempdir().unwrap();
    let pdf = pdf_of(&[Some((jpeg_claiming(20000, 20000), 20000, 20000))], 0);
    let bad = write(d.path(), "huge.pdf", pdf_bytes(pdf));
    let t = std::time::Instant::now();
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    assert_eq!(code(&o), 1);
    let e = one_error(&out, "huge.pdf");
    assert_eq!(e["page"], 1);
    assert!(reason(&e).contains("refused"), "{e}");
}

#[test]
fn huge_jpeg_file_is_refused_before_decoding() {
    let e = only_failure("huge.jpg", jpeg_claiming(20000, 20000));
    assert_eq!(e["page"], 1);
    assert!(reason(&e).contains("refused"), "{e}");
}

#[test]
fn page_rotated_90_is_upright() {
    let d = tempfile::tempdir().unwrap();
    // A landscape image on a page turned by 90°: upright, the page is portrait.
    let pdf = pdf_of(&[Some((jpeg(600, 400, false), 600, 400))], 90);
    let bad = write(d.path(), "rotated.pdf", pdf_bytes(pdf));
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 0, "{:?}", errors(&out));
    let p = &pages_of(&out, "rotated.pdf")[0];
    assert_eq!(
        (p["width_px"].clone(), p["height_px"].clone()),
        (400.into(), 600.into())
    );
}

#[test]
fn blank_page() {
    let d = tempfile::tempdir().unwrap();
    let pdf = pdf_of(&[Some((jpeg(500, 700, true), 500, 700))], 0);
    let bad = write(d.path(), "blank.pdf", pdf_bytes(pdf));
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 0, "{:?}", errors(&out));
    assert_eq!(pages_of(&out, "blank.pdf").len(), 1);
    assert!(tables_of(&out, "blank.pdf").is_empty());
    assert_eq!(input_entry(&out, "blank.pdf")["records"], 0);
}

#[test]
fn text_only_born_digital_pdf() {
    let d = tempfile::tempdir().unwrap();
    let bad = write(
        d.path(),
        "digital.pdf",
        pdf_bytes(pdf_text_only("Budget 2024")),
    );
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 0, "{:?}", errors(&out));
    assert_eq!(pages_of(&out, "digital.pdf").len(), 1);
}

#[test]
fn corrupt_jpeg_stream() {
    let d = tempfile::tempdir().unwrap();
    let pdf = pdf_of(&[Some((jpeg_corrupt(), 200, 150))], 0);
    let bad = write(d.path(), "corrupt.pdf", pdf_bytes(pdf));
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 1);
    let e = one_error(&out, "corrupt.pdf");
    assert_eq!(
        (e["page"].clone(), e["stage"].clone()),
        (1.into(), "render".into())
    );
    // The failed page is still listed, with the reason.
    assert_eq!(pages_of(&out, "corrupt.pdf").len(), 1);
}

#[test]
fn gbk_text_is_decoded_with_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let text = form_text(7);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let f = write(d.path(), "gbk.txt", gbk);
    let (o, out) = run_with_good(d.path(), &f, &[]);
    assert_eq!(code(&o), 0);
    let i = input_entry(&out, "gbk.txt");
    assert_eq!(i["status"], "ok");
    assert!(i["warnings"].to_string().contains("GB18030"), "{i}");
}

#[test]
fn text_in_no_known_encoding() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = "项目名称\t".as_bytes().to_vec();
    bytes.extend([0x81, 0x20, 0xFF, 0xFE, 0x80, 0x0A]);
    let bad = write(d.path(), "latin.txt", bytes);
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 1);
    let e = one_error(&out, "latin.txt");
    assert_eq!(
        (e["page"].clone(), e["stage"].clone()),
        (Value::Null, "input".into())
    );
    assert!(reason(&e).contains("utf-8"), "{e}");
}

#[test]
fn binary_garbage_named_txt() {
    let d = tempfile::tempdir().unwrap();
    let bad = write(
        d.path(),
        "notes.txt",
        [0u8, 1, 2, 3, 0, 0, 7, 8].repeat(100),
    );
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 1);
    assert_eq!(one_error(&out, "notes.txt")["stage"], "input");
}

#[test]
fn text_with_no_forms() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "prose.txt",
        "本单位2024年度工作总结。\n没有表格。\n".repeat(50),
    );
    let (o, out) = run_with_good(d.path(), &f, &[]);
    assert_eq!(code(&o), 0);
    let i = input_entry(&out, "prose.txt");
    assert_eq!(
        (i["status"].clone(), i["records"].clone()),
        ("ok".into(), 0.into())
    );
}

#[test]
fn huge_single_line() {
    let d = tempfile::tempdir().unwrap();
    let line = "项目名称\t样例\t".repeat(8 * 1024 * 1024 / 24);
    let f = write(d.path(), "oneline.txt", line);
    let t = std::time::Instant::now();
    let (o, out) = run_with_good(d.path(), &f, &[]);
    assert_eq!(code(&o), 0, "{:?}", errors(&out));
    assert!(t.elapsed().as_secs() < 60, "took {:?}", t.elapsed());
    assert_eq!(input_entry(&out, "oneline.txt")["status"], "ok");
}

#[test]
fn file_over_the_size_limit_is_refused_unread() {
    let d = tempfile::tempdir().unwrap();
    let cfg = write(d.path(), "small.toml", "[limits]\nmax_file_bytes = 4096\n");
    let big = write(d.path(), "big.txt", "年".repeat(5000));
    let (o, out) = run_with_good(d.path(), &big, &["--config", cfg.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let e = one_error(&out, "big.txt");
    assert_eq!(
        (e["page"].clone(), e["stage"].clone()),
        (Value::Null, "input".into())
    );
    assert!(reason(&e).contains("refused"), "{e}");
    assert_eq!(input_entry(&out, "big.txt")["sha256"], Value::Null);
}

#[test]
fn missing_input_path() {
    let d = tempfile::tempdir().unwrap();
    let (o, out) = run_with_good(d.path(), &d.path().join("nope.pdf"), &[]);
    assert_eq!(code(&o), 1);
    assert_eq!(one_error(&out, "nope.pdf")["stage"], "input");
}

#[test]
fn same_bytes_under_two_names_is_processed_once() {
    let d = tempfile::tempdir().unwrap();
    let copy = write(d.path(), "copy.txt", form_text(1));
    let good = write(d.path(), "good.txt", form_text(1));
    let out = d.path().join("out");
    let o = run(&[&copy, &good], &out, &[]);
    assert_eq!(code(&o), 0);
    assert_eq!(input_entry(&out, "copy.txt")["status"], "ok");
    let i = input_entry(&out, "good.txt");
    assert_eq!(i["status"], "duplicate");
    assert!(i["duplicate_of"]
        .as_str()
        .unwrap_or_default()
        .ends_with("copy.txt"));
}

#[test]
fn directory_of_mixed_good_and_bad_files() {
    let d = tempfile::tempdir().unwrap();
    let corpus = d.path().join("corpus");
    for i in 0..5 {
        write(&corpus, &format!("y2024/form{i}.txt"), form_text(100 + i));
    }
    write(&corpus, "y2023/html.pdf", "<html>saved error page</html>");
    write(&corpus, "y2023/empty.txt", "");
    write(
        &corpus,
        "y2023/readme.docx",
        "not an input by the include globs",
    );
    write(&corpus, "y2023/skip-me.txt", "");
    let out = d.path().join("out");
    let o = run(&[&corpus], &out, &["--exclude", "skip-*"]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let rj = run_json(&out);
    let paths: Vec<String> = rj["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths.len(), 7, "{paths:?}");
    assert!(!paths
        .iter()
        .any(|p| p.ends_with(".docx") || p.contains("skip-")));
    // Sorted walk: results come out in a stable order.
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    let errs = errors(&out);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(
        (rj["counts"]["ok"].clone(), rj["counts"]["failed"].clone()),
        (5.into(), 2.into())
    );
}

#[test]
fn text_only_run_loads_no_model() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "a.txt", form_text(3));
    let out = d.path().join("out");
    let o = run(&[&f], &out, &["--models-dir", "/nonexistent/models"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(run_json(&out)["counts"]["engines_created"], 0);
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "a.txt", form_text(3));
    let out = d.path().join("out");
    let bad_key = write(d.path(), "bad.toml", "[ocr]\nengin = \"ppocr\"\n");
    let bad_val = write(d.path(), "bad2.toml", "[limits]\npage_seconds = -1\n");
    for extra in [
        vec!["--engine", "easyocr"],
        vec!["--config", bad_key.to_str().unwrap()],
        vec!["--config", bad_val.to_str().unwrap()],
        vec!["--config", "/nonexistent.toml"],
        vec!["--include", "[unclosed"],
    ] {
        let o = run(&[&f], &out, &extra);
        assert_eq!(
            code(&o),
            2,
            "{extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = bin().arg("run").arg(&f).output().unwrap();
    assert_eq!(code(&o), 2, "missing -o");
}

#[test]
fn upper_case_extensions_are_taken_from_directories() {
    let d = tempfile::tempdir().unwrap();
    let corpus = d.path().join("corpus");
    write(&corpus, "FORM.TXT", form_text(41));
    write(&corpus, "sub/Scan.JPG", jpeg(300, 400, true));
    write(
        &corpus,
        "DIGITAL.PDF",
        pdf_bytes(pdf_text_only("Budget 2024")),
    );
    write(&corpus, "README.DOCX", "not an input");
    let out = d.path().join("out");
    let o = run(&[&corpus], &out, &[]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let rj = run_json(&out);
    let mut paths: Vec<String> = rj["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    paths.sort();
    assert_eq!(paths, ["DIGITAL.PDF", "FORM.TXT", "Scan.JPG"]);
    assert_eq!(input_entry(&out, "FORM.TXT")["records"], 1);
    assert_eq!(pages_of(&out, "Scan.JPG").len(), 1);
}

/// Page statuses of `name` in pages.jsonl, in page order: (page, status, why, lost_fraction).
fn ledger_of(out: &Path, name: &str) -> Vec<(u64, String, String, Option<f64>)> {
    pages_of(out, name)
        .iter()
        .map(|p| {
            (
                p["source"]["pages"][0].as_u64().unwrap_or(0),
                p["status"].as_str().unwrap_or_default().to_owned(),
                p["why"].as_str().unwrap_or_default().to_owned(),
                p["lost_fraction"].as_f64(),
            )
        })
        .collect()
}

#[test]
fn every_page_of_a_multi_page_tiff_is_read() {
    let d = tempfile::tempdir().unwrap();
    let pages: Vec<_> = (1..=3).map(|n| grey_page(400, 560, n)).collect();
    let bad = write(d.path(), "fax.tif", tiff_of(&pages, None));
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 0, "{:?}", errors(&out));
    let l = ledger_of(&out, "fax.tif");
    assert_eq!(
        l.iter().map(|p| (p.0, p.1.as_str())).collect::<Vec<_>>(),
        [(1, "ok"), (2, "ok"), (3, "ok")]
    );
    let i = input_entry(&out, "fax.tif");
    assert_eq!(
        (i["pages"].clone(), i["pages_in"].clone()),
        (3.into(), 3.into())
    );
}

#[test]
fn a_tiff_whose_page_chain_loops_reads_each_page_once() {
    let d = tempfile::tempdir().unwrap();
    let pages: Vec<_> = (1..=2).map(|n| grey_page(300, 420, n)).collect();
    let bad = write(d.path(), "loop.tiff", tiff_of(&pages, Some(0)));
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 0, "{:?}", errors(&out));
    assert_eq!(ledger_of(&out, "loop.tiff").len(), 2);
    let w = input_entry(&out, "loop.tiff")["warnings"].to_string();
    assert!(w.contains("loops"), "{w}");
}

#[test]
fn a_jpeg_cut_short_says_how_much_of_the_page_is_lost() {
    let d = tempfile::tempdir().unwrap();
    let full = jpeg(600, 800, false);
    let bad = write(d.path(), "cut.jpg", jpeg_cut(&full, 0.5));
    let pdf = pdf_of(&[Some((jpeg_cut(&full, 0.5), 600, 800))], 0);
    let bad_pdf = write(d.path(), "cut-in.pdf", pdf_bytes(pdf));
    let good = write(d.path(), "good.txt", form_text(1));
    let out = d.path().join("out");
    let o = run(&[&bad, &bad_pdf, &good], &out, &[]);
    // Read, but not silently: the page is partial, so is the input, and the run says so.
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    for name in ["cut.jpg", "cut-in.pdf"] {
        let l = ledger_of(&out, name);
        assert_eq!(l.len(), 1, "{name}: {l:?}");
        let (page, status, why, lost) = &l[0];
        assert_eq!((*page, status.as_str()), (1, "partial"), "{name}");
        assert!(
            why.contains("ends early") && why.contains('%'),
            "{name}: {why}"
        );
        let lost = lost.unwrap_or(0.0);
        assert!((0.3..0.7).contains(&lost), "{name}: lost {lost}");
        let i = input_entry(&out, name);
        assert_eq!(i["status"], "partial", "{name}");
        assert!(i["warnings"].to_string().contains("page 1"), "{i}");
    }
    assert_eq!(input_entry(&out, "good.txt")["status"], "ok");
}

#[test]
fn a_progressive_jpeg_cut_short_says_the_page_lost_detail() {
    let d = tempfile::tempdir().unwrap();
    // Cut in a late scan: every row is there, blurred.
    let bad = write(d.path(), "late.jpg", progressive_jpeg_cut(600, 800, 4));
    // Cut in the first scan: the bottom has no data at all.
    let early = write(d.path(), "early.jpg", progressive_jpeg_cut(600, 800, 1));
    let good = write(d.path(), "good.txt", form_text(1));
    let out = d.path().join("out");
    let o = run(&[&bad, &early, &good], &out, &[]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let (_, status, why, lost) = ledger_of(&out, "late.jpg").remove(0);
    assert_eq!(status, "partial");
    assert!(
        why.contains("progressive") && why.contains("whole page"),
        "{why}"
    );
    assert_eq!(lost, None);
    let (_, status, why, lost) = ledger_of(&out, "early.jpg").remove(0);
    assert_eq!(status, "partial");
    assert!(why.contains("bottom"), "{why}");
    assert!(lost.unwrap_or(0.0) > 0.1, "{why}");
}

#[test]
fn a_pdf_page_tree_that_loops_and_lies_reads_each_page_once() {
    let d = tempfile::tempdir().unwrap();
    let mut doc = pdf_of(
        &[
            Some((jpeg(300, 400, false), 300, 400)),
            Some((jpeg(400, 300, false), 400, 300)),
        ],
        0,
    );
    let root = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let kids = doc
        .get_dictionary(root)
        .unwrap()
        .get(b"Kids")
        .unwrap()
        .clone();
    let kids = kids.as_array().unwrap().clone();
    // A node that holds the root again (a loop), and page 1 listed twice; /Count lies.
    use lopdf::dictionary;
    let back = doc.add_object(dictionary! {
        "Type" => "Pages", "Parent" => root, "Kids" => vec![root.into()], "Count" => 2,
    });
    let mut lying = kids.clone();
    lying.push(kids[0].clone());
    lying.push(back.into());
    let node = doc.get_dictionary_mut(root).unwrap();
    node.set("Kids", lying);
    node.set("Count", 5);
    let bad = write(d.path(), "loop.pdf", pdf_bytes(doc));
    let (o, out) = run_with_good(d.path(), &bad, &[]);
    assert_eq!(code(&o), 0, "{:?}", errors(&out));
    let pages = pages_of(&out, "loop.pdf");
    let sizes: Vec<_> = pages
        .iter()
        .map(|p| (p["source"]["pages"][0].clone(), p["width_px"].clone()))
        .collect();
    assert_eq!(sizes, [(1.into(), 300.into()), (2.into(), 400.into())]);
    let w = input_entry(&out, "loop.pdf")["warnings"].to_string();
    assert!(
        w.contains("loops") && w.contains("more than once") && w.contains("/Count"),
        "{w}"
    );
}

#[test]
fn unsupported_image_formats_in_a_directory_each_get_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let corpus = d.path().join("corpus");
    let mut webp = b"RIFF\x24\0\0\0WEBPVP8 ".to_vec();
    webp.extend([0u8; 32]);
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.extend([0u8; 32]);
    write(&corpus, "photo.WEBP", webp);
    write(&corpus, "IMG_0001.HEIC", heic);
    write(&corpus, "scan.gif", b"GIF89a\x01\0\x01\0\0\0\0;");
    let good = write(d.path(), "good.txt", form_text(1));
    let out = d.path().join("out");
    let o = run(&[&corpus, &good], &out, &[]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    for (name, format) in [
        ("photo.WEBP", "webp"),
        ("IMG_0001.HEIC", "heic"),
        ("scan.gif", "gif"),
    ] {
        let e = one_error(&out, name);
        assert_eq!(e["stage"], "input", "{name}");
        let r = reason(&e);
        assert!(
            r.contains(format) && r.contains("not a format"),
            "{name}: {r}"
        );
    }
    assert_eq!(input_entry(&out, "good.txt")["status"], "ok");
}
