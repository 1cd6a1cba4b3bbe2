//! Dev helper: crop a region of a PNG: crop_png IN OUT X Y W H
fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().collect();
    let n = |i: usize| a[i].parse::<u32>().unwrap_or(0);
    let img = image::open(&a[1])?;
    img.crop_imm(n(3), n(4), n(5), n(6)).save(&a[2])?;
    Ok(())
}
