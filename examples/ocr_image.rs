//! Reads image files as table cells (line splitting included) and prints text and confidence;
//! with --lines also writes each split line as LINE-k.png next to the input:
//! cargo run --release --example ocr_image -- [--lines] IMG...
use jixiao::config::Config;
use jixiao::ocr;

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.first().is_some_and(|a| a == "--lines");
    if dump {
        args.remove(0);
    }
    let cfg = Config::default();
    let mut engine = ocr::new_engine(&cfg.ocr)?;
    for a in &args {
        let img = image::open(a)?.to_rgb8();
        if dump {
            for (k, l) in ocr::lines::split_lines(&img).iter().enumerate() {
                l.img.save(format!("{a}.line-{k}.png"))?;
            }
        }
        let r = ocr::recognize_block(engine.as_mut(), &img)?;
        println!("{a}\t{:.2}\t{}", r.conf, r.text.replace('\n', "⏎"));
    }
    Ok(())
}
