//! Arithmetic checks on a record's numbers. They only warn: a number that does not add up is
//! flagged for a reviewer, never silently changed. Warnings are machine-readable strings
//! ("funds.annual: fiscal+other != total").

use rust_decimal::Decimal;

use crate::model::{FundKey, FundSet, Record};
use crate::normalise::ValueKind;

/// An indicator amount this many times the project's largest total is implausible.
const FAR_OUTSIDE: i64 = 10;

fn key_name(k: FundKey) -> &'static str {
    match k {
        FundKey::Total => "total",
        FundKey::Fiscal => "fiscal",
        FundKey::Carryover => "carryover",
        FundKey::Other => "other",
        FundKey::Central => "central",
        FundKey::Provincial => "provincial",
        FundKey::Local => "local",
        FundKey::SelfRaised => "self_raised",
    }
}

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
        let names: Vec<&str> = parts.iter().map(|(k, _)| key_name(*k)).collect();
        out.push(format!("funds.{period}: {} != total", names.join("+")));
    }
}

pub fn check_record(r: &Record) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = &r.funds.midterm {
        check_sum("midterm", m, &mut out);
    }
    if let Some(a) = &r.funds.annual {
        check_sum("annual", a, &mut out);
    }
    let mt = r.funds.midterm.as_ref().and_then(total);
    let at = r.funds.annual.as_ref().and_then(total);
    if let (Some(m), Some(a)) = (mt, at) {
        if a > m {
            out.push("funds: annual total > midterm total".to_string());
        }
    }
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
    use crate::normalise::{Num, Op, Value};

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
        r.indicators.push(Indicator {
            period: Period::Annual,
            level1: None,
            level2: None,
            level2_code: None,
            name: "x".into(),
            name_raw: "x".into(),
            value_raw: "≤2万元".into(),
            value: Some(Value {
                op: Some(Op::Le),
                number: Some(Num(Decimal::from(20000))),
                unit: Some("元".into()),
                date: None,
                kind: ValueKind::Money,
            }),
            cell: None,
        });
        assert_eq!(
            check_record(&r),
            vec!["indicator 1: amount 20000 far above project funds 1000".to_string()]
        );
    }
}
