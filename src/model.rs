//! The output contract (`../shared/SCHEMA.md`, v1) as Rust types. Field order here is the
//! order in the JSON; serde attributes encode the schema's "key present only when …" rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::normalise::{Num, Value};

pub const SCHEMA_VERSION: &str = "1";

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub sha256: Option<String>,
    pub pages: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Project {
    pub name: Option<String>,
    pub department_code: Option<String>,
    pub department: Option<String>,
    pub implementer: Option<String>,
    pub attribute: Option<String>,
    pub origin: Option<String>,
    pub term: Option<String>,
    pub category: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// Keys of a funds block, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundKey {
    Total,
    Fiscal,
    Carryover,
    Other,
    Central,
    Provincial,
    Local,
    SelfRaised,
}

/// One period's amounts in yuan; a key is present only when the form has that cell, and an
/// empty cell is `None` (JSON null).
impl FundKey {
    /// Every key, in output order.
    pub const ALL: [FundKey; 8] = [
        FundKey::Total,
        FundKey::Fiscal,
        FundKey::Carryover,
        FundKey::Other,
        FundKey::Central,
        FundKey::Provincial,
        FundKey::Local,
        FundKey::SelfRaised,
    ];

    /// The key's schema name (as in records.jsonl `funds`); the same as its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
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
}

pub type FundSet = BTreeMap<FundKey, Option<Num>>;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Funds {
    /// "万元" or "元" as the form declares.
    pub declared_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub midterm: Option<FundSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual: Option<FundSet>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Goals {
    pub midterm: Option<String>,
    pub annual: Option<String>,
    pub midterm_span: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Midterm,
    Annual,
}

impl Period {
    /// The period's schema name (indicators.csv `period`, funds keys); its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Midterm => "midterm",
            Period::Annual => "annual",
        }
    }
}

/// Where a value was read: for provenance to page and cell.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CellRef {
    pub table: String,
    pub page: u32,
    pub row: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub period: Period,
    pub level1: Option<String>,
    pub level2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level2_code: Option<String>,
    pub name: String,
    pub name_raw: String,
    pub value_raw: String,
    pub value: Option<Value>,
    /// The 三级指标 cell this indicator was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<CellRef>,
}

/// One 项目支出绩效目标表 (any variant): `kind = "performance_target"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub kind: String,
    pub id: String,
    pub source: Source,
    pub title: Option<String>,
    pub fiscal_year: Option<i32>,
    pub project: Project,
    pub funds: Funds,
    pub goals: Goals,
    pub indicators: Vec<Indicator>,
    /// Keys: overview, basis, necessity, safeguards, plan, content, implementer_note, dates,
    /// budget_note — only those present.
    pub narrative: BTreeMap<String, String>,
    /// Keys: leader, handler, phone, filled_at — only those present.
    pub contact: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

impl Default for Record {
    fn default() -> Self {
        Record {
            kind: "performance_target".into(),
            id: String::new(),
            source: Source::default(),
            title: None,
            fiscal_year: None,
            project: Project::default(),
            funds: Funds::default(),
            goals: Goals::default(),
            indicators: Vec::new(),
            narrative: BTreeMap::new(),
            contact: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }
}

/// A cell as written to `tables.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableCell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub text: String,
    pub conf: f32,
    pub bbox: Option<[f32; 4]>,
}

/// Every table found, forms included: `kind = "table"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRecord {
    pub kind: String,
    pub id: String,
    pub source: Source,
    pub title: Option<String>,
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub n_rows: usize,
    pub n_cols: usize,
    pub cells: Vec<TableCell>,
}

/// One line of `pages.jsonl`: `kind = "page"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    pub kind: String,
    pub source: Source,
    pub width_px: Option<u32>,
    pub height_px: Option<u32>,
    pub dpi: Option<f32>,
    pub skew_deg: Option<f32>,
    pub text: String,
    pub mean_conf: Option<f32>,
    pub ms: BTreeMap<String, u64>,
    /// How the page was read: "text" (text input), "scan" (OCR) or "born-digital" (the PDF's
    /// text layer). Additive to schema v1; absent in results stored before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_source: Option<crate::ir::PageSource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Capture quality of a scanned page (additive to schema v1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<crate::ir::PageQuality>,
    /// The page ledger (additive to schema v1): "ok", "partial" (read, but part of it lost) or
    /// "failed" (nothing read); `why` says what happened to a partial or failed page.
    #[serde(default)]
    pub status: crate::ir::PageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Estimated fraction of a partial page's area that was lost (absent when the loss is
    /// detail over the whole page or unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_fraction: Option<f32>,
}

#[cfg(test)]
mod tests {
    use super::{FundKey, Period};

    #[test]
    fn schema_names_are_the_serde_names() {
        for k in FundKey::ALL {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        for p in [Period::Midterm, Period::Annual] {
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.as_str())
            );
        }
    }
}
