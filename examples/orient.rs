//! Prints the text direction decided for page images: cargo run --release --example orient -- IMG...
fn main() -> anyhow::Result<()> {
    for a in std::env::args().skip(1) {
        let img = image::open(&a)?.to_rgb8();
        let g = jixiao::preprocess::gray_without_seals(&img);
        println!(
            "{a}\t{:?}",
            jixiao::preprocess::orientation::text_is_vertical(&g)
        );
    }
    Ok(())
}
