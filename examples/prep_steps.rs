//! Times each preprocessing step on one page: cargo run --release --example prep_steps -- PDF PAGE
use std::time::Instant;

use jixiao::config::Config;
use jixiao::preprocess;
use jixiao::render::PdfFile;

fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().collect();
    let path = std::path::PathBuf::from(&a[1]);
    let page: u32 = a.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let bytes = std::fs::read(&path)?;
    let cfg = Config::default();
    let f = PdfFile::open(&path, &bytes, &cfg)?;
    for _ in 0..3 {
        let t = Instant::now();
        let r = f.page_raster(page, &cfg)?;
        let t_render = t.elapsed();
        let t = Instant::now();
        let g = preprocess::gray_without_seals(&r.image);
        let t1 = t.elapsed();
        let t = Instant::now();
        let mut fl = preprocess::flatten(&g);
        let t2 = t.elapsed();
        let t = Instant::now();
        preprocess::remove_light_marks(&mut fl);
        let t3 = t.elapsed();
        let t = Instant::now();
        let s = preprocess::estimate_skew(&fl);
        let t4 = t.elapsed();
        let (cw, ch, rot) =
            preprocess::geometry_rotation_canvas(r.image.width(), r.image.height(), s);
        let t = Instant::now();
        let k = preprocess::geometry_keystone(&fl, &rot, cw, ch);
        let t6 = t.elapsed();
        let t = Instant::now();
        let wp = preprocess::geometry_warp(&fl, &rot, cw, ch);
        let t7 = t.elapsed();
        let t = Instant::now();
        let _rgb = image::DynamicImage::ImageLuma8(wp).to_rgb8();
        let t8 = t.elapsed();
        println!("keystone {t6:?} {} warp {t7:?} rgb {t8:?}", k.is_some());
        let t = Instant::now();
        let p = preprocess::prepare(&r.image, &cfg)?;
        let t5 = t.elapsed();
        println!(
            "render {t_render:?} grey {t1:?} flatten {t2:?} marks {t3:?} skew {t4:?} ({s:.3}) prepare total {t5:?} ({})",
            p.skew_deg
        );
    }
    Ok(())
}
