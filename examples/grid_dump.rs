//! Prints what the grid stage finds on one page image (for debugging a page's layout):
//! cargo run --release --example grid_dump -- PAGE.png [CELLS.png [PREPARED.png]]
//!
//! Lists every accepted ruling and each table's rows × columns with its cell boxes; with OUT.png,
//! draws the cells over the prepared page;
//! with PREPARED.png, saves the prepared page (the cells' coordinates are in its frame).
use image::Rgb;
use jixiao::config::Config;
use jixiao::{grid, preprocess};

fn describe(s: &grid::Segment) -> String {
    format!(
        "{} at {:7.1} from {:7.1} to {:7.1} len {:6.1} thick {:4.1} side {:.2}/{:.2} fill {:.2} slope {:.4}",
        if s.horizontal { "H" } else { "V" },
        s.at((s.lo + s.hi) / 2.0),
        s.lo,
        s.hi,
        s.len(),
        s.thick,
        s.side_ink,
        s.side_both,
        s.fill,
        s.a
    )
}

fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().collect();
    let img = image::open(&a[1])?.to_rgb8();
    let prep = preprocess::prepare(&img, &Config::default())?;
    let g = grid::detect(&prep.gray);
    println!("unit {:.1} skew {:.2}°", g.unit, prep.skew_deg);
    for s in &g.rulings {
        println!("{}", describe(s));
    }
    if std::env::var_os("CANDIDATES").is_some() {
        let (hs, vs) = grid::candidates(&g.mask, g.unit);
        for s in hs.iter().chain(&vs) {
            println!("cand {}", describe(s));
        }
    }
    let mut out = prep.rgb.clone();
    for (i, t) in g.tables.iter().enumerate() {
        println!(
            "table {i}: {} rows × {} cols bbox {:?}",
            t.n_rows, t.n_cols, t.bbox
        );
        for c in &t.cells {
            println!(
                "  r{} c{} span {}×{} inner {:?}",
                c.row, c.col, c.rowspan, c.colspan, c.inner
            );
            let [x0, y0, x1, y1] = c.inner;
            let red = Rgb([255, 0, 0]);
            for x in x0 as u32..x1 as u32 {
                for y in [y0 as u32, y1 as u32] {
                    if x < out.width() && y < out.height() {
                        out.put_pixel(x, y, red);
                    }
                }
            }
            for y in y0 as u32..y1 as u32 {
                for x in [x0 as u32, x1 as u32] {
                    if x < out.width() && y < out.height() {
                        out.put_pixel(x, y, red);
                    }
                }
            }
        }
    }
    if let Some(p) = a.get(2) {
        out.save(p)?;
    }
    if let Ok(p) = std::env::var("MASK") {
        let mut m = image::GrayImage::new(g.mask.width, g.mask.height);
        for y in 0..g.mask.height {
            for x in 0..g.mask.width {
                m.put_pixel(x, y, image::Luma([if g.mask.get(x, y) { 0 } else { 255 }]));
            }
        }
        m.save(p)?;
    }
    if let Some(p) = a.get(3) {
        prep.rgb.save(p)?;
    }
    Ok(())
}
