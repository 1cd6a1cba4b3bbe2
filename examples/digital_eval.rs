//! Runs the born-digital reader over PDFs and prints, per page, the decision (text layer or
//! OCR and why), the tables with their first rows, the lines, and the time per page.
//!
//! cargo run --release --example digital_eval -- [FILES…] [--page N] [--rows K] [--full]
//!     [--dump DIR]   (writes DIR/<file stem>.pN.txt: each page's text, for comparing with
//!                     `pdftotext`)
//! Defaults to /work/shared/real/*.pdf, 3 rows per table.

use std::path::PathBuf;
use std::time::Instant;

use jixiao::config::Config;
use jixiao::digital::{self, DigitalPage};
use jixiao::ir::Block;

fn main() -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut only_page: Option<u32> = None;
    let mut rows = 3usize;
    let mut full = false;
    let mut dump: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--page" => only_page = args.next().and_then(|s| s.parse().ok()),
            "--rows" => rows = args.next().and_then(|s| s.parse().ok()).unwrap_or(rows),
            "--full" => full = true,
            "--dump" => dump = args.next().map(PathBuf::from),
            _ => files.push(a.into()),
        }
    }
    if files.is_empty() {
        let dir = PathBuf::from("/work/shared/real");
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        v.sort();
        files = v;
    }
    let cfg = Config::default();
    let (mut total_pages, mut total_ms) = (0usize, 0f64);
    for f in &files {
        let bytes = std::fs::read(f)?;
        let t0 = Instant::now();
        let pages = digital::read_pdf(f, &bytes, &cfg)?;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        total_pages += pages.len();
        total_ms += ms;
        let n_text = pages
            .iter()
            .filter(|p| matches!(p, DigitalPage::Page(_)))
            .count();
        let n_tables: usize = pages
            .iter()
            .map(|p| match p {
                DigitalPage::Page(p) => p.tables().count(),
                DigitalPage::NeedsOcr { .. } => 0,
            })
            .sum();
        println!(
            "=== {} : {} pages, {} text layer, {} OCR, {} tables, {:.1} ms/page",
            f.display(),
            pages.len(),
            n_text,
            pages.len() - n_text,
            n_tables,
            ms / pages.len().max(1) as f64
        );
        for p in &pages {
            if only_page.is_some_and(|n| n != p.number()) {
                continue;
            }
            match p {
                DigitalPage::NeedsOcr { number, reason } => {
                    println!("--- p{number}: OCR ({reason})");
                }
                DigitalPage::Page(page) => {
                    if let Some(dir) = &dump {
                        std::fs::create_dir_all(dir)?;
                        let stem = f.file_stem().unwrap_or_default().to_string_lossy();
                        let out = dir.join(format!("{stem}.p{}.txt", page.number));
                        std::fs::write(out, page.text())?;
                    }
                    println!(
                        "--- p{}: text layer, {} tables, {} ms {:?}",
                        page.number,
                        page.tables().count(),
                        page.info.ms.get("digital").copied().unwrap_or(0),
                        page.info.warnings
                    );
                    for b in &page.blocks {
                        match b {
                            Block::Line(l) => println!("  L {}", l.text),
                            Block::Table(t) => {
                                println!(
                                    "  T{} {}x{} cells={}",
                                    t.ordinal,
                                    t.n_rows,
                                    t.n_cols,
                                    t.cells.len()
                                );
                                let take = if full { usize::MAX } else { rows };
                                for row in t.rows().iter().take(take) {
                                    let cells: Vec<String> = row
                                        .iter()
                                        .map(|c| {
                                            let span = if c.rowspan > 1 || c.colspan > 1 {
                                                format!("[{}x{}]", c.rowspan, c.colspan)
                                            } else {
                                                String::new()
                                            };
                                            format!("{}{}", span, c.text.replace('\n', "⏎"))
                                        })
                                        .collect();
                                    println!("    | {}", cells.join(" | "));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    println!(
        "TOTAL {total_pages} pages, {:.2} ms/page",
        total_ms / total_pages.max(1) as f64
    );
    Ok(())
}
