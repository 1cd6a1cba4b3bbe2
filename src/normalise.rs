//! Value and unit normalisation: 指标值 strings to typed values, fund cells to exact yuan,
//! department codes, dates, level names and text clean-up. Pure functions, no I/O.
//!
//! - `text`: `clean_text` for display text (markup out, Chinese line-wrap spaces out, full-width
//!   punctuation kept) and `fold_width` for parsing only.
//! - `level`: the closed vocabulary of 一级/二级 names; precision first, since the extractor
//!   decides cell roles by it.
//! - `fields`: fund amounts (exact yuan), department codes, fiscal year, dates.
//! - `value`: 指标值 → [`Value`], SCHEMA.md's `value` rules.

mod fields;
mod level;
#[cfg(test)]
mod props;
mod text;
mod value;

pub use fields::{
    compact_datetime, decimals_read_once, fiscal_year, iso_date, parse_amount, speckled_amount,
    split_department,
};
pub use level::{canonical_level1, canonical_level2, canonical_level2_loose, LEVEL1, LEVEL2};
pub(crate) use text::is_cjk;
pub use text::{clean_text, fold_width};
pub use value::parse_value;

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
