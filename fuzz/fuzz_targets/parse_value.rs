//! The value parsers on arbitrary cell text: never a panic, and a parsed value always
//! serialises.
#![no_main]

use jixiao::normalise::{parse_amount, parse_value, MoneyUnit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    if let Some(v) = parse_value(raw) {
        serde_json::to_string(&v).expect("a parsed value serialises");
    }
    let _ = parse_amount(raw, MoneyUnit::Wan);
    let _ = parse_amount(raw, MoneyUnit::Yuan);
});
