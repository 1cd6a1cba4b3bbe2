//! Value and unit normalisation: 指标值 strings to typed values, fund cells to exact yuan,
//! department codes, dates, level names and text clean-up. Pure functions, no I/O.
//!
//! STUB: signatures are the contract other stages code against; bodies are being written.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

/// An exact decimal number, written to JSON as an integer when it is whole (3700000, not
/// 3700000.0) so yuan amounts stay exact for consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(from = "f64")]
pub struct Num(pub Decimal);

impl From<f64> for Num {
    fn from(f: f64) -> Self {
        Num(Decimal::try_from(f).unwrap_or_default())
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        if d.scale() == 0 {
            if let Ok(i) = i64::try_from(d) {
                return s.serialize_i64(i);
            }
        }
        let f: f64 = d.to_string().parse().unwrap_or(f64::NAN);
        s.serialize_f64(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Quantity,
    Money,
    Percent,
    Date,
    #[default]
    Text,
}

/// Comparison operator of a target value: one of `= > < ≥ ≤ ≈`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "≥")]
    Ge,
    #[serde(rename = "≤")]
    Le,
    #[serde(rename = "≈")]
    Approx,
}

/// A parsed 指标值. JSON shape depends on `kind` (see SCHEMA.md): text → `{"kind"}`;
/// date → `{"op","date","kind"}`; otherwise `{"op","number","unit","kind"}` with `unit` null
/// when the print shows none.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Value {
    pub op: Option<Op>,
    pub number: Option<Num>,
    pub unit: Option<String>,
    pub date: Option<String>,
    pub kind: ValueKind,
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match self.kind {
            ValueKind::Text => {}
            ValueKind::Date => {
                m.serialize_entry("op", &self.op)?;
                m.serialize_entry("date", &self.date)?;
            }
            _ => {
                m.serialize_entry("op", &self.op)?;
                m.serialize_entry("number", &self.number)?;
                m.serialize_entry("unit", &self.unit)?;
            }
        }
        m.serialize_entry("kind", &self.kind)?;
        m.end()
    }
}

impl Value {
    pub fn text() -> Self {
        Value::default()
    }
}

/// The money unit a form declares for its 项目资金 cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    Yuan,
    Wan,
}

/// Parses a 指标值 cell. `None` for an empty cell.
pub fn parse_value(raw: &str) -> Option<Value> {
    if raw.trim().is_empty() {
        None
    } else {
        Some(Value::text())
    }
}

/// Parses a fund cell ("370.00", "1,697,500", "0.7416") in the declared unit into exact yuan.
/// `Ok(None)` for an empty cell; `Err` with the reason for text that is not an amount.
pub fn parse_amount(raw: &str, unit: MoneyUnit) -> Result<Option<Num>, String> {
    let t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    let d: Decimal = t.parse().map_err(|_| format!("not an amount: {raw:?}"))?;
    Ok(Some(Num(match unit {
        MoneyUnit::Yuan => d,
        MoneyUnit::Wan => d * Decimal::from(10_000),
    })))
}

/// "[073]六安市…" → ("073", "六安市…"); "054-吕梁市…" → ("054", "吕梁市…"); "044001" → ("044001", "").
pub fn split_department(raw: &str) -> (Option<String>, String) {
    (None, raw.trim().to_string())
}

/// "(2024年度)", "( 2023 年度)", "2023年度" → 2023.
pub fn fiscal_year(s: &str) -> Option<i32> {
    let _ = s;
    None
}

/// "20221125155932" → "2022-11-25T15:59:32"; also accepts dates already in ISO form.
pub fn compact_datetime(s: &str) -> Option<String> {
    let _ = s;
    None
}

/// A printed date ("2023-01-01", "2023年1月1日", "20230101", "2023/1/1") → "2023-01-01".
pub fn iso_date(s: &str) -> Option<String> {
    let _ = s;
    None
}

/// Cell text to plain text: HTML tags, markdown marks and LaTeX removed, full-width spaces
/// folded, line-wrap spaces inside Chinese text removed, other whitespace runs collapsed.
pub fn clean_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Folds full-width digits, letters and punctuation to ASCII (for parsing, not for display).
pub fn fold_width(s: &str) -> String {
    s.to_string()
}

/// Canonical 一级指标 for a cell text, if it names one (codes, notes and typos tolerated).
pub fn canonical_level1(s: &str) -> Option<&'static str> {
    let _ = s;
    None
}

/// Canonical 二级指标 and its printed code ("11-数量指标" → (Some("11"), "数量指标")).
pub fn canonical_level2(s: &str) -> Option<(Option<String>, &'static str)> {
    let _ = s;
    None
}
