//! The text-track reader on arbitrary input: no panic, and every page serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let pages = jixiao::table::text::read_text(s);
    for p in &pages {
        let _ = serde_json::to_string(p);
    }
});
