//! Drives the stages over a batch of inputs.
//!
//! STUB (minimal, sequential, text input only): the batch driver (page-parallel, incremental,
//! per-file errors, progress) is being written (issues 3 and 4).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{Error, Result, Stage};
use crate::ir::Document;
use crate::model::{Record, TableRecord};

pub struct RunOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub config: Config,
}

#[derive(Debug, Default)]
pub struct RunSummary {
    pub files: usize,
    pub records: usize,
    pub tables: usize,
    pub errors: Vec<String>,
}

fn collect_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p.clone());
        }
    }
    out
}

pub fn read_document(path: &Path) -> Result<Document> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::bad_input(path, None, Stage::Input, "text file is not UTF-8"))?;
    let pages = crate::table::text::read_text(&text);
    Ok(Document {
        path: path.to_path_buf(),
        display_path: path.to_string_lossy().into_owned(),
        sha256,
        pages,
    })
}

pub fn run(opts: &RunOptions) -> Result<RunSummary> {
    let mut summary = RunSummary::default();
    let mut records: Vec<Record> = Vec::new();
    let mut tables: Vec<TableRecord> = Vec::new();
    for path in collect_inputs(&opts.inputs) {
        summary.files += 1;
        match read_document(&path) {
            Ok(doc) => {
                let ex = crate::extract::extract_document(&doc);
                records.extend(ex.records);
                tables.extend(ex.tables);
            }
            Err(e) => summary.errors.push(e.to_string()),
        }
    }
    crate::repair::repair_run(&mut records);
    for r in &mut records {
        let w = crate::check::check_record(r);
        r.warnings.extend(w);
    }
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;
    let write = |name: &str, f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| -> Result<()> {
        let p = opts.out.join(name);
        let mut buf = Vec::new();
        f(&mut buf).map_err(|e| Error::io(&p, e))?;
        std::fs::write(&p, buf).map_err(|e| Error::io(&p, e))
    };
    write("records.jsonl", &|b| crate::emit::write_jsonl(b, &records))?;
    write("tables.jsonl", &|b| crate::emit::write_jsonl(b, &tables))?;
    summary.records = records.len();
    summary.tables = tables.len();
    Ok(summary)
}
