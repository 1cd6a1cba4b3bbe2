//! The binary run from anywhere (issue 10): copied to another directory and run from a third,
//! it finds its models without flags — beside itself, in its prefix's share directory, or in
//! the user's data directory — and with no models anywhere it stops with a usage error (exit
//! 2) naming the command that fetches them, before any page is read. Skips cleanly when the
//! checkout's models are absent.

mod batch_common;

use std::path::{Path, PathBuf};
use std::process::Output;

use batch_common::{code, jpeg, jsonl, run_json, write};

fn checkout_models() -> Option<PathBuf> {
    let m = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let ok = [
        "PP-OCRv6_rec_small.onnx",
        "libonnxruntime.so",
        "libpdfium.so",
    ]
    .iter()
    .all(|f| m.join(f).is_file());
    if !ok {
        eprintln!("skipped: models absent (scripts/fetch-models.sh)");
    }
    ok.then_some(m)
}

/// Links every file of the checkout's models into `to`.
fn link_models(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = std::fs::canonicalize(e.path()).unwrap();
        std::os::unix::fs::symlink(target, to.join(e.file_name())).unwrap();
    }
}

/// A copy of the built binary at `dir/bin/jixiao`.
fn install(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("jixiao");
    std::fs::copy(env!("CARGO_BIN_EXE_jixiao"), &exe).unwrap();
    exe
}

/// `exe run INPUT -o OUT` from `cwd`, with `home` as HOME and no models variable.
fn run_from(exe: &Path, cwd: &Path, home: &Path, input: &Path, out: &Path) -> Output {
    std::fs::create_dir_all(cwd).unwrap();
    std::process::Command::new(exe)
        .current_dir(cwd)
        .env("HOME", home)
        .env_remove("JIXIAO_MODELS")
        .env_remove("XDG_DATA_HOME")
        .arg("run")
        .arg(input)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

fn assert_read_with_ocr(o: &Output, out: &Path) {
    assert_eq!(code(o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let rj = run_json(out);
    assert!(
        rj["counts"]["engines_created"].as_u64().unwrap_or(0) >= 1,
        "{rj}"
    );
    assert_eq!(rj["counts"]["errors"], 0);
    assert_eq!(rj["ledger"]["holds"], true, "page ledger: {}", rj["ledger"]);
}

#[test]
fn a_copied_binary_finds_models_beside_it() {
    let Some(models) = checkout_models() else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let exe = install(&d.path().join("opt"));
    link_models(&models, &d.path().join("opt/bin/models"));
    // A real form, so the records show OCR ran with the models found.
    let form = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/scan/d-coded-levels.png");
    let out = d.path().join("out");
    let o = run_from(&exe, &d.path().join("elsewhere"), d.path(), &form, &out);
    assert_read_with_ocr(&o, &out);
    let recs = jsonl(&out.join("records.jsonl"));
    assert_eq!(recs.len(), 1);
    assert!(!recs[0]["indicators"].as_array().unwrap().is_empty());
}

#[test]
fn a_copied_binary_finds_models_in_its_share_or_the_data_directory() {
    let Some(models) = checkout_models() else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let page = write(d.path(), "in/page.jpg", jpeg(300, 400, false));
    // An installed prefix: PREFIX/bin/jixiao and PREFIX/share/jixiao/models.
    let exe = install(&d.path().join("prefix"));
    link_models(&models, &d.path().join("prefix/share/jixiao/models"));
    let out = d.path().join("out1");
    let o = run_from(&exe, &d.path().join("cwd"), d.path(), &page, &out);
    assert_read_with_ocr(&o, &out);
    // The user's data directory (~/.local/share/jixiao/models).
    let exe = install(&d.path().join("other"));
    let home = d.path().join("home");
    link_models(&models, &home.join(".local/share/jixiao/models"));
    let out = d.path().join("out2");
    let o = run_from(&exe, &d.path().join("cwd"), &home, &page, &out);
    assert_read_with_ocr(&o, &out);
}

#[test]
fn no_models_anywhere_is_a_usage_error_before_any_page() {
    let d = tempfile::tempdir().unwrap();
    let exe = install(&d.path().join("opt"));
    let page = write(d.path(), "in/page.jpg", jpeg(300, 400, false));
    let out = d.path().join("out");
    let o = run_from(&exe, &d.path().join("cwd"), d.path(), &page, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(
        err.contains("fetch-models.sh") && err.contains("searched"),
        "{err}"
    );
    assert!(!out.join("pages.jsonl").exists(), "a page was read");
}
