//! The text track end to end on arbitrary text: reader, extraction, repair and checks must
//! never panic, whatever the OCR produced.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let doc = jixiao::ir::Document {
        display_path: "fuzz.txt".into(),
        sha256: "00000000".into(),
        pages: jixiao::table::text::read_text(text),
        ..Default::default()
    };
    let mut records = jixiao::extract::extract_document(&doc).records;
    jixiao::repair::repair_run(&mut records);
    for r in &records {
        let _ = jixiao::check::check_record(r);
    }
});
