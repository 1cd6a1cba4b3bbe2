//! Render + prepare every page of the dev scans and report, per page: render and prepare
//! milliseconds, the skew found (vs the gold skew), and how level the gold cells' horizontal
//! edges are after mapping them into the prepared image (mean and worst drop in pixels per
//! 1000 px of edge length; before = in the original raster).
//!
//! cargo run --release --example preprocess_check [-- DIR_OR_PDFS...]
//! Set DUMP=dir to write each prepared page as PNG.

use std::path::{Path, PathBuf};
use std::time::Instant;

use jixiao::config::Config;
use jixiao::preprocess::prepare;
use jixiao::render::PdfFile;

fn main() -> anyhow::Result<()> {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let args = if args.is_empty() {
        vec![PathBuf::from("/work/shared/dev")]
    } else {
        args
    };
    let mut pdfs = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(&a)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
                .collect();
            v.sort();
            pdfs.extend(v);
        } else {
            pdfs.push(a);
        }
    }
    let mut cfg = Config::default();
    cfg.ocr.models_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let dump = std::env::var_os("DUMP").map(PathBuf::from);
    let (mut tot_r, mut tot_p, mut n) = (0f64, 0f64, 0usize);
    let (mut all_before, mut all_after) = (Vec::new(), Vec::new());
    println!("file                        page  size        render_ms prep_ms skew  gold_skew  level_before(mean/max)  level_after(mean/max)");
    for pdf in pdfs {
        let bytes = std::fs::read(&pdf)?;
        let t = Instant::now();
        let f = PdfFile::open(&pdf, &bytes, &cfg)?;
        let open_ms = t.elapsed().as_secs_f64() * 1e3;
        let gold_path = pdf.with_extension("cells.json");
        let gold: Option<serde_json::Value> = std::fs::read_to_string(&gold_path)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok());
        eprintln!(
            "{}: {} pages, opened in {open_ms:.1} ms",
            pdf.display(),
            f.n_pages()
        );
        for page in 1..=f.n_pages() {
            let t = Instant::now();
            let r = f.page_raster(page, &cfg)?;
            let rms = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let p = prepare(&r.image, &cfg)?;
            let pms = t.elapsed().as_secs_f64() * 1e3;
            tot_r += rms;
            tot_p += pms;
            n += 1;
            let gp = gold.as_ref().and_then(|g| {
                g["pages"]
                    .as_array()?
                    .iter()
                    .find(|pg| pg["page"].as_u64() == Some(page as u64))
            });
            let gold_skew = gp.and_then(|g| g["skew_deg"].as_f64());
            let (mut before, mut after) = (Vec::new(), Vec::new());
            if let Some(cells) = gp.and_then(|g| g["cells"].as_array()) {
                for c in cells {
                    let q = &c["quad"];
                    let pt = |i: usize| -> Option<(f64, f64)> {
                        Some((q[i][0].as_f64()?, q[i][1].as_f64()?))
                    };
                    let (Some(a), Some(b)) = (pt(0), pt(1)) else {
                        continue;
                    };
                    let len = (b.0 - a.0).hypot(b.1 - a.1);
                    if len < 100.0 {
                        continue;
                    }
                    before.push(((b.1 - a.1) / len * 1000.0).abs());
                    let (pa, pb) = (
                        p.transform.to_prepared(a.0, a.1),
                        p.transform.to_prepared(b.0, b.1),
                    );
                    after.push(((pb.1 - pa.1) / len * 1000.0).abs());
                }
            }
            let stat = |v: &[f64]| -> String {
                if v.is_empty() {
                    return "-".into();
                }
                let mean = v.iter().sum::<f64>() / v.len() as f64;
                let max = v.iter().cloned().fold(0.0, f64::max);
                format!("{mean:5.2}/{max:5.2}")
            };
            println!(
                "{:28} {:3}  {:5}x{:<5} {:7.1} {:7.1} {:6.3} {:>8} {:>18} {:>22}",
                pdf.file_name().unwrap_or_default().to_string_lossy(),
                page,
                r.image.width(),
                r.image.height(),
                rms,
                pms,
                p.skew_deg,
                gold_skew.map(|g| format!("{g:.3}")).unwrap_or("-".into()),
                stat(&before),
                stat(&after)
            );
            all_before.extend(before);
            all_after.extend(after);
            if let Some(d) = &dump {
                std::fs::create_dir_all(d)?;
                let stem = pdf.file_stem().unwrap_or_default().to_string_lossy();
                p.gray.save(d.join(format!("{stem}-p{page:02}.png")))?;
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!(
        "\n{n} pages: render {:.1} ms/page, prepare {:.1} ms/page; cell top edges drop {:.2} px/1000 px before, {:.2} after",
        tot_r / n.max(1) as f64,
        tot_p / n.max(1) as f64,
        mean(&all_before),
        mean(&all_after)
    );
    Ok(())
}
