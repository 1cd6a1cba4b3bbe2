//! Born-digital reading on the real disclosures in /work/shared/real (read at run time, never
//! copied). Skips cleanly when the directory, models/libpdfium.so or pdftotext is absent.
//!
//! Checks that hold for any well-formed budget disclosure: every page keeps its text layer,
//! the characters we emit are exactly those `pdftotext` reads from the page (nothing lost,
//! nothing doubled), and every page that opens a table prints its title and unit as lines
//! above it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao::config::Config;
use jixiao::digital::{self, DigitalPage};
use jixiao::ir::Block;

fn setup() -> Option<(Vec<PathBuf>, Config)> {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let real = Path::new("/work/shared/real");
    if !models.join("libpdfium.so").exists() || !real.is_dir() {
        eprintln!("skipped: no models/libpdfium.so or /work/shared/real");
        return None;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(real)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    let mut cfg = Config::default();
    cfg.ocr.models_dir = models;
    Some((files, cfg))
}

fn char_counts(s: &str) -> BTreeMap<char, i64> {
    let mut m = BTreeMap::new();
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '\u{c}') {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

fn pdftotext(file: &Path, page: u32) -> Option<String> {
    let n = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-layout", "-f", &n, "-l", &n])
        .arg(file)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn real_disclosures_read_from_their_text_layer() {
    let Some((files, cfg)) = setup() else {
        return;
    };
    let (mut pages, mut differing, mut compared) = (0, Vec::new(), 0);
    for f in &files {
        let bytes = std::fs::read(f).expect("read PDF");
        let out = digital::read_pdf(f, &bytes, &cfg).expect("read_pdf");
        for p in &out {
            pages += 1;
            let DigitalPage::Page(page) = p else {
                panic!("{} p{} sent to OCR: {p:?}", f.display(), p.number());
            };
            if let Some(reference) = pdftotext(f, page.number) {
                compared += 1;
                if char_counts(&page.text()) != char_counts(&reference) {
                    differing.push(format!("{} p{}", f.display(), page.number));
                }
            }
            // A page that opens a table (anything printed above it) names it and its unit.
            let first_table = page
                .blocks
                .iter()
                .position(|b| matches!(b, Block::Table(_)));
            if let Some(i) = first_table.filter(|&i| i > 0) {
                let above: Vec<&str> = page.blocks[..i]
                    .iter()
                    .filter_map(|b| match b {
                        Block::Line(l) => Some(l.text.as_str()),
                        Block::Table(_) => None,
                    })
                    .collect();
                let is_title = |l: &&str| {
                    let core = l.split(['（', '(']).next().unwrap_or(l);
                    core.ends_with('表')
                };
                let is_unit = |l: &&str| l.contains("单位：") || l.contains("单位:");
                // Narrative pages may carry a small table after paragraphs; a page that
                // titles a table also prints its unit.
                if above.iter().any(is_title) {
                    assert!(
                        above.iter().any(is_unit),
                        "{} p{}: {above:?}",
                        f.display(),
                        page.number
                    );
                }
            }
        }
    }
    eprintln!("{pages} pages, {compared} compared with pdftotext, differing: {differing:?}");
    // Text placed partly outside the crop box (an export's overflow) is read differently by
    // pdftotext; allow one page in a hundred.
    assert!(differing.len() * 100 <= compared.max(1), "{differing:?}");
}
