//! Prints the text direction decided for page images, as `preprocess` judges it (flattened,
//! inside the sheet's outline when one is found), with the run-length ratio behind it:
//! cargo run --release --example orient -- IMG...
use jixiao::preprocess::{self, orientation, sheet};

fn main() -> anyhow::Result<()> {
    for a in std::env::args().skip(1) {
        let img = image::open(&a)?.to_rgb8();
        let g = preprocess::gray_without_seals(&img);
        let flat = preprocess::flatten(&g);
        let s = sheet::find(&g);
        let judged = match &s {
            Some(s) => preprocess::inside(&flat, s),
            None => flat,
        };
        println!(
            "{a}\tsheet {}\tratio {:?}\tvertical {:?}",
            s.is_some(),
            orientation::run_ratio(&judged),
            orientation::text_is_vertical(&judged)
        );
    }
    Ok(())
}
