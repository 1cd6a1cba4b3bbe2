//! Born-digital PDFs → records.jsonl + tables.jsonl, bypassing the batch driver (which does not
//! yet call the digital reader): read_pdf → Document → extract → repair → check.
//!
//! cargo run --release --example real_extract -- -o OUT [FILES…]   (default /work/shared/real/*.pdf)

use std::io::Write;
use std::path::PathBuf;

use jixiao::config::Config;
use jixiao::digital::{self, DigitalPage};
use jixiao::ir::Document;
use sha2::{Digest, Sha256};

fn main() -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut out = PathBuf::from("/tmp/real_extract");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-o" => out = args.next().map(PathBuf::from).unwrap_or(out),
            _ => files.push(a.into()),
        }
    }
    if files.is_empty() {
        let mut v: Vec<PathBuf> = std::fs::read_dir("/work/shared/real")?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        v.sort();
        files = v;
    }
    std::fs::create_dir_all(&out)?;
    let mut rec_f = std::fs::File::create(out.join("records.jsonl"))?;
    let mut tab_f = std::fs::File::create(out.join("tables.jsonl"))?;
    let cfg = Config::default();
    let mut all_records = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f)?;
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let pages = digital::read_pdf(f, &bytes, &cfg)?
            .into_iter()
            .filter_map(|p| match p {
                DigitalPage::Page(p) => Some(p),
                DigitalPage::NeedsOcr { .. } => None,
            })
            .collect();
        let doc = Document {
            path: f.clone(),
            display_path: f.display().to_string(),
            sha256,
            pages,
        };
        let ex = jixiao::extract::extract_document(&doc);
        for t in &ex.tables {
            writeln!(tab_f, "{}", serde_json::to_string(t)?)?;
        }
        all_records.extend(ex.records);
    }
    jixiao::repair::repair_run(&mut all_records);
    for r in &mut all_records {
        let w = jixiao::check::check_record(r);
        r.warnings.extend(w);
        writeln!(rec_f, "{}", serde_json::to_string(r)?)?;
    }
    Ok(())
}
