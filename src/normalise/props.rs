//! Property tests over the normalisers (proptest).

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

/// A non-negative decimal with up to four places, as printed ("13459.00" keeps its zeros).
fn decimal() -> impl Strategy<Value = (Decimal, String)> {
    // Small numbers often: they are the ones that look like codes, doubled cells or years.
    prop_oneof![(0u64..10_000, 0u32..3), (0u64..1_000_000_000_000, 0u32..5)].prop_map(
        |(m, scale)| {
            let d = Decimal::from_i128_with_scale(i128::from(m), scale);
            (d, d.to_string())
        },
    )
}

fn op() -> impl Strategy<Value = (&'static str, Op)> {
    prop::sample::select(vec![
        ("", Op::Eq),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("≥", Op::Ge),
        ("≤", Op::Le),
        ("≈", Op::Approx),
        ("＞", Op::Gt),
        ("≧", Op::Ge),
        (">=", Op::Ge),
        ("不低于", Op::Ge),
        ("不少于", Op::Ge),
        ("至少", Op::Ge),
        ("不超过", Op::Le),
        ("不高于", Op::Le),
        ("约", Op::Approx),
    ])
}

fn with_thousands(int: &str) -> String {
    let b = int.as_bytes();
    let mut out = String::new();
    for (i, c) in b.iter().enumerate() {
        if i > 0 && (b.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c as char);
    }
    out
}

/// Strings from the alphabet 指标值 cells are made of, so the parser's branches get exercised.
fn value_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "1",
            "2",
            "0",
            "9",
            "2024",
            "12",
            ".",
            ",",
            "-",
            "—",
            "/",
            "%",
            "％",
            "万",
            "亿",
            "元",
            "年",
            "月",
            "日",
            "底",
            "前",
            "内",
            "以上",
            "以内",
            "左右",
            "约",
            "≥",
            "≤",
            ">",
            "<",
            "=",
            "≈",
            "人",
            "次",
            "(",
            ")",
            "平方米",
            " ",
            "\u{3000}",
            "$",
            "\\geq",
            "<b>",
            "</b>",
            "至",
            "完成",
            "季度",
            "百分之",
            "不低于",
            "１",
            "．",
        ]),
        0..12,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn wan_yuan_scales((d, s) in decimal(), (o, op) in op()) {
        let v = parse_value(&format!("{o}{s}万元")).expect("non-empty");
        prop_assert_eq!(v.kind, ValueKind::Money);
        prop_assert_eq!(v.op, Some(op));
        prop_assert_eq!(v.number, Some(Num(d * Decimal::from(10_000))));
        prop_assert_eq!(v.unit.as_deref(), Some("元"));
    }

    #[test]
    fn percent_parses((d, s) in decimal(), (o, op) in op()) {
        let v = parse_value(&format!("{o}{s}%")).expect("non-empty");
        prop_assert_eq!(v.kind, ValueKind::Percent);
        prop_assert_eq!(v.op, Some(op));
        prop_assert_eq!(v.number, Some(Num(d)));
    }

    #[test]
    fn quantity_keeps_unit(
        (d, s) in decimal(),
        (o, op) in op(),
        unit in prop::sample::select(vec!["人", "次", "人次", "批次", "平方米", "名", "份", "个", "天", "场"]),
    ) {
        let v = parse_value(&format!("{o}{s}{unit}")).expect("non-empty");
        prop_assert_eq!(v.kind, ValueKind::Quantity);
        prop_assert_eq!(v.op, Some(op));
        prop_assert_eq!(v.number, Some(Num(d)));
        prop_assert_eq!(v.unit.as_deref(), Some(unit));
    }

    #[test]
    fn bare_number_is_itself((d, s) in decimal(), (o, op) in op()) {
        let v = parse_value(&format!("{o}{s}")).expect("non-empty");
        prop_assert_eq!(v.kind, ValueKind::Quantity);
        prop_assert_eq!(v.op, Some(op));
        prop_assert_eq!(v.number, Some(Num(d)));
        prop_assert_eq!(v.unit, None);
    }

    #[test]
    fn parse_value_total(s in "\\PC{0,40}") {
        let _ = parse_value(&s);
    }

    #[test]
    fn parse_value_total_on_value_alphabet(s in value_like()) {
        if let Some(v) = parse_value(&s) {
            // Shape invariants of the JSON contract.
            match v.kind {
                ValueKind::Text => prop_assert!(v.op.is_none() && v.number.is_none() && v.date.is_none()),
                ValueKind::Date => prop_assert!(v.op.is_some() && v.date.is_some() && v.number.is_none()),
                ValueKind::Money => prop_assert!(v.unit.as_deref().is_some_and(|u| u.starts_with('元'))),
                ValueKind::Percent => prop_assert_eq!(v.unit.as_deref(), Some("%")),
                ValueKind::Quantity => prop_assert!(v.op.is_some() && v.number.is_some()),
            }
        } else {
            prop_assert!(clean_text(&s).trim().is_empty());
        }
    }

    #[test]
    fn amount_round_trips((d, s) in decimal(), sep in any::<bool>()) {
        let printed = if sep {
            match s.split_once('.') {
                Some((i, f)) => format!("{}.{f}", with_thousands(i)),
                None => with_thousands(&s),
            }
        } else {
            s.clone()
        };
        prop_assert_eq!(parse_amount(&printed, MoneyUnit::Yuan), Ok(Some(Num(d))));
        prop_assert_eq!(parse_amount(&printed, MoneyUnit::Wan), Ok(Some(Num(d * Decimal::from(10_000)))));
    }

    #[test]
    fn parse_amount_total(s in "\\PC{0,30}") {
        let _ = parse_amount(&s, MoneyUnit::Wan);
        let _ = speckled_amount(&s);
    }

    /// An amount printed with thousands commas and two decimals, with a speck read as a sign
    /// beside one of its separators, is repaired to the amount printed.
    #[test]
    fn a_speck_beside_a_separator_is_taken_out(
        cents in 0u64..100_000_000_000_000,
        at in 0usize..8,
        sign in prop::sample::select(vec![".", ",", ":", ";", "·", "'"]),
        after in any::<bool>(),
    ) {
        let d = Decimal::from_i128_with_scale(i128::from(cents), 2);
        let s = d.to_string();
        let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
        let printed = format!("{}.{frac}", with_thousands(int));
        let seps: Vec<usize> = printed.match_indices([',', '.']).map(|(i, _)| i).collect();
        let i = seps[at % seps.len()] + usize::from(after);
        let specked = format!("{}{sign}{}", &printed[..i], &printed[i..]);
        let fixed = speckled_amount(&specked).map(|(f, _)| f).unwrap_or(printed.clone());
        prop_assert_eq!(parse_amount(&fixed, MoneyUnit::Yuan), Ok(Some(Num(d.normalize()))), "{}", specked);
    }

    #[test]
    fn clean_text_idempotent(s in "\\PC{0,60}") {
        let once = clean_text(&s);
        prop_assert_eq!(clean_text(&once), once.clone());
    }

    #[test]
    fn clean_text_idempotent_on_markup(s in prop::collection::vec(prop::sample::select(vec![
        "<b>", "</b>", "<p>", "<", ">", "$", "\\geq", "\\%", "**", "# ", "\n", " ", "\u{3000}",
        "\u{a0}", "中", "文", "，", "a", "1", "&lt;", "&amp;", "b", "/",
    ]), 0..20).prop_map(|v| v.concat())) {
        let once = clean_text(&s);
        prop_assert_eq!(clean_text(&once), once.clone());
    }

    #[test]
    fn fold_width_idempotent(s in "\\PC{0,40}") {
        let once = fold_width(&s);
        prop_assert_eq!(fold_width(&once), once.clone());
    }

    #[test]
    fn levels_with_codes(code in 1u32..100, i in 0usize..LEVEL2.len(), sep in prop::sample::select(vec!["-", "．", "、", ""])) {
        let name = LEVEL2[i];
        let got = canonical_level2(&format!("{code}{sep}{name}"));
        prop_assert_eq!(got, Some((Some(code.to_string()), name)));
    }

    #[test]
    fn iso_dates_round_trip(y in 1990i32..2100, m in 1u32..13, d in 1u32..29) {
        let want = format!("{y:04}-{m:02}-{d:02}");
        prop_assert_eq!(iso_date(&format!("{y}年{m}月{d}日")), Some(want.clone()));
        prop_assert_eq!(iso_date(&format!("{y}/{m}/{d}")), Some(want.clone()));
        prop_assert_eq!(iso_date(&format!("{y:04}{m:02}{d:02}")), Some(want.clone()));
        let v = parse_value(&format!("{y}年{m}月{d}日前")).expect("non-empty");
        prop_assert_eq!(v.date, Some(want));
        prop_assert_eq!(v.op, Some(Op::Le));
    }
}
