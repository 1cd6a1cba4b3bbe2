//! Prints the sheet outline found on page images: cargo run --release --example sheet_dump -- PNG...
fn main() -> anyhow::Result<()> {
    for p in std::env::args().skip(1) {
        let img = jixiao::preprocess::luma(&image::open(&p)?.to_rgb8());
        let s = jixiao::preprocess::sheet::find(&img);
        let (w, h) = img.dimensions();
        match s {
            Some(s) => {
                let q: Vec<String> = s
                    .quad
                    .iter()
                    .map(|(x, y)| format!("({:.3},{:.3})", x / w as f64, y / h as f64))
                    .collect();
                println!("{p}: found {:?} quad {}", s.found, q.join(" "));
            }
            None => println!("{p}: none"),
        }
    }
    Ok(())
}
