//! Arithmetic checks on a record's numbers. They only warn: a number that does not add up is
//! flagged for a reviewer, never silently changed. Warnings are machine-readable strings
//! ("funds.annual: fiscal+other != total").

use rust_decimal::Decimal;

use crate::model::{FundKey, FundSet, Period, Record, TableRecord};
use crate::normalise::ValueKind;

/// An indicator amount this many times the project's largest total is implausible.
const FAR_OUTSIDE: i64 = 10;

fn total(set: &FundSet) -> Option<Decimal> {
    set.get(&FundKey::Total).copied().flatten().map(|n| n.0)
}

fn check_sum(period: &str, set: &FundSet, out: &mut Vec<String>) {
    let Some(t) = total(set) else { return };
    let parts: Vec<(FundKey, Decimal)> = set
        .iter()
        .filter(|(k, _)| **k != FundKey::Total)
        .filter_map(|(k, v)| v.map(|n| (*k, n.0)))
        .collect();
    if parts.is_empty() {
        return;
    }
    let sum: Decimal = parts.iter().map(|(_, v)| *v).sum();
    if sum != t {
        let names: Vec<&str> = parts.iter().map(|(k, _)| k.as_str()).collect();
        out.push(format!("funds.{period}: {} != total", names.join("+")));
    }
}

/// "1 00": OCR leaves a gap where it lost a "." or ","; no form prints a number that way. A
/// line break is not one: narrow cells wrap numbers ("≤6752.7\n5万元").
fn digits_split_by_space(raw: &str) -> bool {
    let gap = |c: &char| matches!(c, ' ' | '\t' | '\u{3000}');
    let c: Vec<char> = raw.chars().collect();
    (1..c.len()).any(|i| {
        gap(&c[i]) && c[i - 1].is_ascii_digit() && {
            let next = c[i..].iter().find(|c| !gap(c));
            next.is_some_and(|n| n.is_ascii_digit())
        }
    })
}

/// Targets printed by a form generator ("=12.00(次)", "≥1.00(个)") all carry two decimals; when
/// at least four and two thirds of a record's bare targets do, one that does not ("100(次)")
/// most likely lost its point in OCR (1.00 read as 100).
fn undecimal_targets(r: &Record) -> Vec<String> {
    // A bare target: optional comparison, a number, a unit in brackets, nothing else.
    let bare = |raw: &str| -> Option<String> {
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let t = t.trim_start_matches(['=', '≥', '≤', '>', '<', '＝', '＞', '＜']);
        let (num, rest) = t.split_at(t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?);
        let ok = !num.is_empty()
            && (rest.starts_with('(') || rest.starts_with('（'))
            && (rest.ends_with(')') || rest.ends_with('）'));
        ok.then(|| num.to_string())
    };
    let nums: Vec<(usize, String, bool)> = r
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(k, i)| {
            bare(&i.value_raw).map(|n| (k, n, digits_split_by_space(&i.value_raw)))
        })
        .collect();
    let two = nums
        .iter()
        .filter(|(_, n, _)| n.split_once('.').is_some_and(|(_, d)| d.len() == 2))
        .count();
    if two < 4 || two * 3 < nums.len() * 2 {
        return Vec::new();
    }
    // A number split by a space has its own warning.
    nums.iter()
        .filter(|(_, n, split)| !n.contains('.') && !split)
        .map(|(k, n, _)| {
            format!(
                "indicator {}: {n} printed without the two decimals of the form's other targets (a lost decimal point?)",
                k + 1
            )
        })
        .collect()
}

pub fn check_record(r: &Record) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = &r.funds.midterm {
        check_sum(Period::Midterm.as_str(), m, &mut out);
    }
    if let Some(a) = &r.funds.annual {
        check_sum(Period::Annual.as_str(), a, &mut out);
    }
    let mt = r.funds.midterm.as_ref().and_then(total);
    let at = r.funds.annual.as_ref().and_then(total);
    if let (Some(m), Some(a)) = (mt, at) {
        if a > m {
            out.push("funds: annual total > midterm total".to_string());
        }
    }
    // Targets are counts, rates, amounts and dates; a minus sign before one is OCR reading a
    // blurred "=" (or a dash) as "-", and must not pass as a negative target unnoticed.
    for (k, i) in r.indicators.iter().enumerate() {
        if let Some(n) = i.value.as_ref().and_then(|v| v.number.as_ref()) {
            if n.0 < Decimal::ZERO {
                out.push(format!(
                    "indicator {}: negative value {:?} (a misread \"=\"?)",
                    k + 1,
                    i.value_raw
                ));
            }
        }
    }
    for (k, i) in r.indicators.iter().enumerate() {
        if digits_split_by_space(&i.value_raw) {
            out.push(format!(
                "indicator {}: digits split by a space in {:?} (a lost decimal point?)",
                k + 1,
                i.value_raw
            ));
        }
    }
    out.extend(undecimal_targets(r));
    if let Some(cap) = [mt, at].into_iter().flatten().max() {
        if cap > Decimal::ZERO {
            for (k, i) in r.indicators.iter().enumerate() {
                let Some(v) = &i.value else { continue };
                if v.kind != ValueKind::Money || v.unit.as_deref() != Some("元") {
                    continue;
                }
                if let Some(n) = v.number {
                    if n.0 > cap * Decimal::from(FAR_OUTSIDE) {
                        out.push(format!(
                            "indicator {}: amount {} far above project funds {}",
                            k + 1,
                            n.0.normalize(),
                            cap.normalize()
                        ));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Indicator, Period};
    use crate::normalise::Num;

    /// An indicator printed with `raw` as its value, parsed as extract does.
    fn ind(raw: &str) -> Indicator {
        Indicator {
            period: Period::Annual,
            level1: None,
            level2: None,
            level2_code: None,
            name: "x".into(),
            name_raw: "x".into(),
            value_raw: raw.into(),
            value: crate::normalise::parse_value(raw),
            cell: None,
        }
    }

    fn set(pairs: &[(FundKey, Option<i64>)]) -> FundSet {
        pairs
            .iter()
            .map(|(k, v)| (*k, v.map(|n| Num(Decimal::from(n)))))
            .collect()
    }

    #[test]
    fn sources_must_add_up_and_annual_fit_in_midterm() {
        let mut r = Record::default();
        r.funds.midterm = Some(set(&[
            (FundKey::Total, Some(100)),
            (FundKey::Fiscal, Some(100)),
        ]));
        r.funds.annual = Some(set(&[
            (FundKey::Total, Some(460)),
            (FundKey::Fiscal, Some(160)),
            (FundKey::Other, Some(0)),
        ]));
        let w = check_record(&r);
        assert!(w.contains(&"funds.annual: fiscal+other != total".to_string()));
        assert!(w.contains(&"funds: annual total > midterm total".to_string()));
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn null_sources_are_not_summed_and_far_amounts_flagged() {
        let mut r = Record::default();
        r.funds.annual = Some(set(&[(FundKey::Total, Some(1000)), (FundKey::Other, None)]));
        r.indicators.push(ind("≤2万元"));
        assert_eq!(
            check_record(&r),
            vec!["indicator 1: amount 20000 far above project funds 1000".to_string()]
        );
    }

    #[test]
    fn lost_decimal_points_are_flagged() {
        let raws = [
            "=1.00(次)",
            "≥1 00(个)",
            "=12.00(次)",
            ">6.00(次)",
            "≥8.00(次)",
            "100(次)",
            "满意率100%",
            "不少于20000份",
        ];
        let r = Record {
            indicators: raws.iter().map(|s| ind(s)).collect(),
            ..Record::default()
        };
        let w = check_record(&r);
        assert!(w.iter().any(|w| w.starts_with("indicator 2: digits split")));
        assert!(w
            .iter()
            .any(|w| w.starts_with("indicator 6: 100 printed without")));
        assert_eq!(w.len(), 2, "{w:?}");
        // Wrapped in a narrow cell, not split.
        assert!(!digits_split_by_space("≤6752.7\n5万元"));
        // Where targets are printed without decimals, none is suspected.
        let r = Record {
            indicators: ["=1(次)", "=12(次)", ">6(次)", "≥8(次)", "100(次)"]
                .iter()
                .map(|s| ind(s))
                .collect(),
            ..Record::default()
        };
        assert_eq!(check_record(&r), Vec::<String>::new());
    }

    #[test]
    fn a_negative_target_is_flagged() {
        let r = Record {
            indicators: vec![ind("=100.00(%)"), ind("-100.00(%)"), ind("≥95%")],
            ..Record::default()
        };
        assert_eq!(
            check_record(&r),
            vec![r#"indicator 2: negative value "-100.00(%)" (a misread "="?)"#.to_string()]
        );
    }
}

/// Warnings for table cells a record was read from whose OCR confidence is below `threshold`:
/// a reviewer should look at those before trusting the value (text input and text layers have
/// confidence 1.0 and never warn).
pub fn low_confidence(r: &Record, tables: &[TableRecord], threshold: f32) -> Vec<String> {
    let mut out = Vec::new();
    for t in tables.iter().filter(|t| r.source.tables.contains(&t.id)) {
        let page = t.source.pages.first().copied().unwrap_or(0);
        for c in t.cells.iter().filter(|c| c.conf < threshold) {
            let text: String = c.text.split_whitespace().collect();
            if text.is_empty() {
                continue;
            }
            let shown: String = text.chars().take(20).collect();
            out.push(format!(
                "page {page}: low OCR confidence {:.2} in cell r{}c{} {shown:?}",
                c.conf, c.row, c.col
            ));
        }
    }
    out
}

#[cfg(test)]
mod low_conf_tests {
    use super::*;
    use crate::model::{Source, TableCell};

    #[test]
    fn only_unsure_non_blank_cells_of_the_records_own_tables_warn() {
        let cell = |text: &str, conf| TableCell {
            row: 1,
            col: 2,
            rowspan: 1,
            colspan: 1,
            text: text.into(),
            conf,
            bbox: None,
        };
        let table = |id: &str| TableRecord {
            kind: "table".into(),
            id: id.into(),
            source: Source {
                pages: vec![5],
                ..Source::default()
            },
            title: None,
            unit: None,
            department: None,
            n_rows: 2,
            n_cols: 3,
            cells: vec![cell("≥95%", 0.61), cell("", 0.1), cell("100%", 0.99)],
        };
        let mut r = Record::default();
        r.source.tables = vec!["a-p5-t1".into()];
        let w = low_confidence(&r, &[table("a-p5-t1"), table("b-p5-t1")], 0.8);
        assert_eq!(w, ["page 5: low OCR confidence 0.61 in cell r1c2 \"≥95%\""]);
    }
}
