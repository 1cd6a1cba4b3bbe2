//! Every normaliser on arbitrary text: no panic, and the contract's invariants hold.
#![no_main]

use jixiao::normalise::{self, MoneyUnit, ValueKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match normalise::parse_value(s) {
        None => assert!(
            normalise::clean_text(s).trim().is_empty(),
            "{s:?}: None for non-empty"
        ),
        Some(v) => {
            match v.kind {
                ValueKind::Text => assert!(v.op.is_none() && v.number.is_none(), "{s:?}"),
                ValueKind::Date => assert!(v.op.is_some() && v.date.is_some(), "{s:?}"),
                ValueKind::Money => assert!(v.unit.as_deref().is_some_and(|u| u.starts_with('元'))),
                ValueKind::Percent => assert_eq!(v.unit.as_deref(), Some("%")),
                ValueKind::Quantity => assert!(v.number.is_some(), "{s:?}"),
            }
            // The record writer must always be able to write it.
            assert!(serde_json::to_string(&v).is_ok());
        }
    }
    for unit in [MoneyUnit::Yuan, MoneyUnit::Wan] {
        if let Ok(Some(n)) = normalise::parse_amount(s, unit) {
            assert!(serde_json::to_string(&n).is_ok());
        }
    }
    let c = normalise::clean_text(s);
    assert_eq!(
        normalise::clean_text(&c),
        c,
        "clean_text not idempotent on {s:?}"
    );
    let f = normalise::fold_width(s);
    assert_eq!(normalise::fold_width(&f), f);
    let _ = normalise::canonical_level1(s);
    let _ = normalise::canonical_level2(s);
    let _ = normalise::split_department(s);
    let _ = normalise::fiscal_year(s);
    let _ = normalise::iso_date(s);
    let _ = normalise::compact_datetime(s);
});
