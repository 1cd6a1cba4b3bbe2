//! Input sniffing and text decoding on arbitrary bytes (what a batch meets in the wild).
#![no_main]

use jixiao::pipeline::inputs::{decode_text, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(jixiao::pipeline::inputs::InputKind::Text) = sniff(bytes, std::path::Path::new("f.txt")) {
        let _ = decode_text(bytes);
    }
});
