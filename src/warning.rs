//! Typed warnings: every warning string a record or page carries (schema v1 `warnings[]`) is
//! given a code from a closed list and the place it points at — record field, indicator, table
//! cell (table id, row, col) and page — so a reviewer can be shown the very cell in doubt.
//!
//! The strings stay what they were (v1 consumers see no change); the typed form is written
//! beside them as `warnings_at`. The stages that raise warnings keep one format each
//! ("indicator 3: …", "funds.annual: …", "page 5: low OCR confidence … in cell r1c2 …"), so
//! the code and place are read back from the string here, in one module, rather than threading
//! a location type through extract, repair and check. A message no rule knows becomes
//! [`WarningCode::Other`] with the record's pages, never an error: a new warning is at worst
//! untyped, not lost (and the unit test over every known format catches a renamed one).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{PageRecord, Record, TableRecord};

/// The closed list of warning codes (`warnings_at[].code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// `funds.annual: fiscal+other != total`.
    FundsSum,
    /// `funds: annual total > midterm total`.
    FundsAnnualAboveMidterm,
    /// `funds: unit not printed or not read, assumed 万元`.
    FundsUnitAssumed,
    /// An amount whose last comma or colon was taken for a decimal point.
    AmountMisreadPoint,
    /// An amount that could not be parsed (left null).
    AmountUnparseable,
    /// An amount with specks read as signs or letters in it, read as printed.
    AmountSpecks,
    /// A negative target (a blurred "=" read as "-").
    NegativeValue,
    /// Digits split by a space ("≥1 00(个)").
    DigitsSplit,
    /// A bare target without the two decimals its form's other targets carry.
    LostDecimal,
    /// An indicator amount far above the project's funds.
    AmountFarAboveFunds,
    /// An indicator value that was split off its name cell.
    ValueSplitOffName,
    /// An indicator name cut by its cell (repaired partly or not at all).
    NameTruncated,
    /// A department or implementer name cut by its cell.
    UnitNameTruncated,
    /// A cell the record was read from has low OCR confidence.
    LowOcrConfidence,
    /// The sheet was captured under the resolution small print needs.
    LowResolution,
    /// Part of the page's image data was lost.
    PagePartlyLost,
    /// The form seems to continue on a later page but was not joined.
    FormNotJoined,
    /// Images on a born-digital page whose content is not read.
    ImagesNotRead,
    /// Characters without unicode dropped from a text layer.
    UnmappedCharacters,
    /// A message no rule above knows.
    Other,
}

impl WarningCode {
    pub const ALL: [WarningCode; 20] = [
        WarningCode::FundsSum,
        WarningCode::FundsAnnualAboveMidterm,
        WarningCode::FundsUnitAssumed,
        WarningCode::AmountMisreadPoint,
        WarningCode::AmountUnparseable,
        WarningCode::AmountSpecks,
        WarningCode::NegativeValue,
        WarningCode::DigitsSplit,
        WarningCode::LostDecimal,
        WarningCode::AmountFarAboveFunds,
        WarningCode::ValueSplitOffName,
        WarningCode::NameTruncated,
        WarningCode::UnitNameTruncated,
        WarningCode::LowOcrConfidence,
        WarningCode::LowResolution,
        WarningCode::PagePartlyLost,
        WarningCode::FormNotJoined,
        WarningCode::ImagesNotRead,
        WarningCode::UnmappedCharacters,
        WarningCode::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::FundsSum => "funds_sum",
            WarningCode::FundsAnnualAboveMidterm => "funds_annual_above_midterm",
            WarningCode::FundsUnitAssumed => "funds_unit_assumed",
            WarningCode::AmountMisreadPoint => "amount_misread_point",
            WarningCode::AmountUnparseable => "amount_unparseable",
            WarningCode::AmountSpecks => "amount_specks",
            WarningCode::NegativeValue => "negative_value",
            WarningCode::DigitsSplit => "digits_split",
            WarningCode::LostDecimal => "lost_decimal",
            WarningCode::AmountFarAboveFunds => "amount_far_above_funds",
            WarningCode::ValueSplitOffName => "value_split_off_name",
            WarningCode::NameTruncated => "name_truncated",
            WarningCode::UnitNameTruncated => "unit_name_truncated",
            WarningCode::LowOcrConfidence => "low_ocr_confidence",
            WarningCode::LowResolution => "low_resolution",
            WarningCode::PagePartlyLost => "page_partly_lost",
            WarningCode::FormNotJoined => "form_not_joined",
            WarningCode::ImagesNotRead => "images_not_read",
            WarningCode::UnmappedCharacters => "unmapped_characters",
            WarningCode::Other => "other",
        }
    }
}

impl std::fmt::Display for WarningCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One warning, typed: `message` is the v1 string; the rest says where it points (only the
/// keys that apply are written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningAt {
    pub code: WarningCode,
    pub message: String,
    /// Page number (1-based) in the source file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Record field, dotted as in the JSON ("funds.annual.total", "project.implementer").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Indicator number (1-based, the record's `indicators[]` order, as in the message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<usize>,
    /// The table cell in doubt (`tables.jsonl` id, row, col); `row`/`col` absent when the
    /// warning is about the table as a whole (a funds sum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub col: Option<usize>,
}

impl WarningAt {
    fn new(code: WarningCode, message: &str) -> Self {
        WarningAt {
            code,
            message: message.to_string(),
            page: None,
            field: None,
            indicator: None,
            table: None,
            row: None,
            col: None,
        }
    }
}

/// An output line with its typed warnings appended as `warnings_at` (absent when it has none,
/// so a line without warnings is byte for byte what schema v1 wrote).
#[derive(Debug, Serialize)]
pub struct WithWarnings<'a, T: Serialize> {
    #[serde(flatten)]
    pub item: &'a T,
    #[serde(skip_serializing_if = "<[WarningAt]>::is_empty")]
    pub warnings_at: &'a [WarningAt],
}

/// The same, owning its warnings (for a list built before it is written).
#[derive(Debug, Serialize)]
pub struct WithOwnedWarnings<'a, T: Serialize> {
    #[serde(flatten)]
    pub item: &'a T,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings_at: Vec<WarningAt>,
}

impl<'a, T: Serialize> WithWarnings<'a, T> {
    pub fn owned(item: &'a T, warnings_at: Vec<WarningAt>) -> WithOwnedWarnings<'a, T> {
        WithOwnedWarnings { item, warnings_at }
    }
}

/// What locating needs of a table: its page and its cells' text by (row, col).
#[derive(Debug, Clone, Default)]
pub struct TableCells {
    pub page: u32,
    pub cells: Vec<(usize, usize, String)>,
}

/// Tables by id (only those records point at need to be here).
pub type TableIndex = HashMap<String, TableCells>;

impl TableCells {
    pub fn of(t: &TableRecord) -> Self {
        TableCells {
            page: t.source.pages.first().copied().unwrap_or(0),
            cells: t
                .cells
                .iter()
                .map(|c| (c.row, c.col, c.text.clone()))
                .collect(),
        }
    }
}

/// The code of a message, and the leading number after "indicator " or "page " if any.
pub fn classify(msg: &str) -> WarningCode {
    use WarningCode as C;
    let has = |s: &str| msg.contains(s);
    if has("low OCR confidence") {
        C::LowOcrConfidence
    } else if has("low resolution") {
        C::LowResolution
    } else if has("partly lost") || has("ends early") || has("data is missing") {
        C::PagePartlyLost
    } else if has("but was not joined") {
        C::FormNotJoined
    } else if has("their content is not read") {
        C::ImagesNotRead
    } else if has("characters without unicode") {
        C::UnmappedCharacters
    } else if msg.starts_with("funds: annual total > midterm total") {
        C::FundsAnnualAboveMidterm
    } else if msg.starts_with("funds: unit not printed") {
        C::FundsUnitAssumed
    } else if msg.starts_with("funds.") && msg.contains(" != total") {
        C::FundsSum
    } else if msg.starts_with("funds.") && has("taken for a decimal point") {
        C::AmountMisreadPoint
    } else if msg.starts_with("funds.") && has("taken for what they stand for") {
        C::AmountSpecks
    } else if msg.starts_with("funds.") && has("unparseable amount") {
        C::AmountUnparseable
    } else if msg.starts_with("project.") && has("truncated") {
        C::UnitNameTruncated
    } else if msg.starts_with("indicator ") {
        if has("negative value") {
            C::NegativeValue
        } else if has("digits split by a space") {
            C::DigitsSplit
        } else if has("without the two decimals") {
            C::LostDecimal
        } else if has("far above project funds") {
            C::AmountFarAboveFunds
        } else if has("value split off its name cell") {
            C::ValueSplitOffName
        } else if has("name truncated") {
            C::NameTruncated
        } else {
            C::Other
        }
    } else {
        C::Other
    }
}

/// The number after `prefix` at the start of `msg` ("indicator 3: …" → 3).
fn leading_number(msg: &str, prefix: &str) -> Option<usize> {
    let rest = msg.strip_prefix(prefix)?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// "… in cell r3c2 …" → (3, 2).
fn cell_of(msg: &str) -> Option<(usize, usize)> {
    let at = msg.find(" in cell r")? + " in cell r".len();
    let rest = &msg[at..];
    let (r, rest) = rest.split_once('c')?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    Some((r.parse().ok()?, rest[..end].parse().ok()?))
}

/// The first quoted string in `msg` (as `{:?}` printed it).
fn quoted(msg: &str) -> Option<String> {
    let start = msg.find('"')?;
    let rest = &msg[start..];
    // The Debug form of a string is a JSON-compatible literal for the characters used here.
    let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
    de.next()?.ok()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The typed form of a record's warnings, located through its indicators' cells and the
/// tables it was read from.
pub fn locate_record(r: &Record, tables: &TableIndex) -> Vec<WarningAt> {
    r.warnings
        .iter()
        .map(|m| locate_one(r, tables, m))
        .collect()
}

/// One record warning as a typed warning: its code and where it points (page, field,
/// indicator, table cell), found by its kind.
fn locate_one(r: &Record, tables: &TableIndex, msg: &str) -> WarningAt {
    use WarningCode as C;
    let code = classify(msg);
    let mut w = WarningAt::new(code, msg);
    let first_table = r.source.tables.first();
    w.page = r.source.pages.first().copied();
    if let Some(n) = leading_number(msg, "page ") {
        w.page = u32::try_from(n).ok();
    }
    match code {
        C::LowOcrConfidence => at_low_confidence_cell(&mut w, r, tables, msg),
        C::FormNotJoined => {
            // "… continue on page N …": the page the reviewer should look at.
            if let Some(at) = msg.find("on page ") {
                w.page = leading_number(&msg[at..], "on page ")
                    .and_then(|n| u32::try_from(n).ok())
                    .or(w.page);
            }
        }
        C::FundsSum | C::FundsAnnualAboveMidterm | C::FundsUnitAssumed => {
            w.field = msg.split(':').next().map(str::to_string);
            w.table = first_table.cloned();
            if let Some(t) = first_table.and_then(|t| tables.get(t)) {
                w.page = Some(t.page);
            }
        }
        C::AmountMisreadPoint | C::AmountUnparseable => at_amount_cell(&mut w, r, tables, msg),
        C::UnitNameTruncated => {
            w.field = msg.split(':').next().map(str::to_string);
        }
        C::NegativeValue
        | C::DigitsSplit
        | C::LostDecimal
        | C::AmountFarAboveFunds
        | C::ValueSplitOffName
        | C::NameTruncated
        | C::Other
            if msg.starts_with("indicator ") =>
        {
            at_indicator(&mut w, r, tables, msg)
        }
        _ => {}
    }
    w
}

/// A low-confidence warning ("page P … r R c C …") at the cell of that row and column in the
/// record's table on that page.
fn at_low_confidence_cell(w: &mut WarningAt, r: &Record, tables: &TableIndex, msg: &str) {
    if let (Some(page), Some((row, col))) = (w.page, cell_of(msg)) {
        let t = r.source.tables.iter().find(|id| {
            tables
                .get(*id)
                .is_some_and(|t| t.page == page && t.cells.iter().any(|c| c.0 == row && c.1 == col))
        });
        if let Some(t) = t {
            w.table = Some(t.clone());
            w.row = Some(row);
            w.col = Some(col);
        }
    }
}

/// An amount warning at its field, and at the first cell of the record's tables that holds
/// the quoted amount as read (else at the record's first table).
fn at_amount_cell(w: &mut WarningAt, r: &Record, tables: &TableIndex, msg: &str) {
    let first_table = r.source.tables.first();
    w.field = msg.split(':').next().map(str::to_string);
    w.table = first_table.cloned();
    let raw = quoted(msg).map(|s| squash(&s));
    let found = raw.filter(|s| !s.is_empty()).and_then(|raw| {
        r.source.tables.iter().find_map(|id| {
            let t = tables.get(id)?;
            t.cells
                .iter()
                .find(|c| squash(&c.2) == raw)
                .map(|c| (id, t.page, c.0, c.1))
        })
    });
    if let Some((id, page, row, col)) = found {
        w.table = Some(id.clone());
        w.page = Some(page);
        w.row = Some(row);
        w.col = Some(col);
    }
}

/// An "indicator N: …" warning at indicator N's name or value field and at the cell it was
/// read from.
fn at_indicator(w: &mut WarningAt, r: &Record, tables: &TableIndex, msg: &str) {
    use WarningCode as C;
    let code = w.code;
    let k = leading_number(msg, "indicator ");
    w.indicator = k;
    let ind = k
        .and_then(|k| k.checked_sub(1))
        .and_then(|i| r.indicators.get(i));
    w.field = k.map(|k| {
        let part = if code == C::NameTruncated {
            "name"
        } else {
            "value"
        };
        format!("indicators[{}].{part}", k - 1)
    });
    if let Some((ind, cell)) = ind.and_then(|i| i.cell.as_ref().map(|c| (i, c))) {
        w.table = Some(cell.table.clone());
        w.page = Some(cell.page);
        w.row = Some(cell.row);
        w.col = Some(cell.col);
        // Value warnings point at the value's cell: the first cell right of the name
        // in its row that holds the value as read.
        if code != C::NameTruncated {
            let want = squash(&ind.value_raw);
            let v = tables.get(&cell.table).and_then(|t| {
                t.cells
                    .iter()
                    .filter(|c| c.0 == cell.row && c.1 > cell.col)
                    .find(|c| !want.is_empty() && squash(&c.2) == want)
            });
            if let Some(v) = v {
                w.col = Some(v.1);
            }
        }
    }
}

/// The typed form of a page's warnings (they point at the page only).
pub fn locate_page(p: &PageRecord) -> Vec<WarningAt> {
    let page = p.source.pages.first().copied();
    p.warnings
        .iter()
        .map(|m| {
            let mut w = WarningAt::new(classify(m), m);
            w.page = page;
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CellRef, Indicator, Period};

    /// Every format the stages write today, with the code it must get.
    const KNOWN: &[(&str, WarningCode)] = &[
        ("funds.annual: fiscal+other != total", WarningCode::FundsSum),
        (
            "funds: annual total > midterm total",
            WarningCode::FundsAnnualAboveMidterm,
        ),
        (
            "funds: unit not printed or not read, assumed 万元",
            WarningCode::FundsUnitAssumed,
        ),
        (
            "funds.annual.total: \"4,563,800,00\" read as 4563800 (its last comma or colon taken for a decimal point)",
            WarningCode::AmountMisreadPoint,
        ),
        (
            "funds.annual.other: unparseable amount \"0.0c\"",
            WarningCode::AmountUnparseable,
        ),
        (
            "indicator 2: negative value \"-100.00(%)\" (a misread \"=\"?)",
            WarningCode::NegativeValue,
        ),
        (
            "indicator 2: digits split by a space in \"≥1 00(个)\" (a lost decimal point?)",
            WarningCode::DigitsSplit,
        ),
        (
            "indicator 6: 100 printed without the two decimals of the form's other targets (a lost decimal point?)",
            WarningCode::LostDecimal,
        ),
        (
            "indicator 1: amount 20000 far above project funds 1000",
            WarningCode::AmountFarAboveFunds,
        ),
        (
            "indicator 4: value split off its name cell",
            WarningCode::ValueSplitOffName,
        ),
        (
            "indicator 3: name truncated, not repaired",
            WarningCode::NameTruncated,
        ),
        (
            "indicator 3: name truncated, only partially repaired",
            WarningCode::NameTruncated,
        ),
        (
            "project.implementer: truncated, not repaired",
            WarningCode::UnitNameTruncated,
        ),
        (
            "page 5: low OCR confidence 0.61 in cell r1c2 \"≥95%\"",
            WarningCode::LowOcrConfidence,
        ),
        (
            "page 2: low resolution: the sheet was captured at about 110 DPI (under 125)",
            WarningCode::LowResolution,
        ),
        (
            "page 3 partly lost, the record may miss what was on it: JPEG data ends early",
            WarningCode::PagePartlyLost,
        ),
        (
            "the form seems to continue on page 4 (indicator rows after 总结) but was not joined",
            WarningCode::FormNotJoined,
        ),
        (
            "page 7: images cover 40% of the page; their content is not read",
            WarningCode::ImagesNotRead,
        ),
        (
            "page 7: 3 characters without unicode dropped",
            WarningCode::UnmappedCharacters,
        ),
        (
            "funds.annual.total: \"4,563:800.00\" read as 4563800 (specks read as signs or letters in it taken for what they stand for)",
            WarningCode::AmountSpecks,
        ),
        ("something new", WarningCode::Other),
    ];

    #[test]
    fn every_known_message_gets_its_code() {
        for (m, c) in KNOWN {
            assert_eq!(classify(m), *c, "{m}");
        }
        // Codes are unique strings.
        let mut s: Vec<&str> = WarningCode::ALL.iter().map(|c| c.as_str()).collect();
        s.sort_unstable();
        s.dedup();
        assert_eq!(s.len(), WarningCode::ALL.len());
        for c in WarningCode::ALL {
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::json!(c.as_str())
            );
        }
    }

    fn record() -> (Record, TableIndex) {
        let mut r = Record {
            id: "x".into(),
            ..Record::default()
        };
        r.source.pages = vec![5];
        r.source.tables = vec!["t4".into(), "t5".into()];
        r.indicators.push(Indicator {
            period: Period::Annual,
            level1: None,
            level2: None,
            level2_code: None,
            name: "n".into(),
            name_raw: "n".into(),
            value_raw: "-100.00(%)".into(),
            value: None,
            cell: Some(CellRef {
                table: "t5".into(),
                page: 5,
                row: 7,
                col: 2,
            }),
        });
        let mut idx = TableIndex::new();
        idx.insert(
            "t4".into(),
            TableCells {
                page: 4,
                cells: vec![(1, 2, "x".into())],
            },
        );
        idx.insert(
            "t5".into(),
            TableCells {
                page: 5,
                cells: vec![
                    (1, 2, "≥95%".into()),
                    (7, 2, "n".into()),
                    (7, 3, "-100.00 (%)".into()),
                    (8, 1, "4,563,800,00".into()),
                ],
            },
        );
        (r, idx)
    }

    #[test]
    fn warnings_point_at_their_cells() {
        let (mut r, idx) = record();
        r.warnings = vec![
            "page 5: low OCR confidence 0.61 in cell r1c2 \"≥95%\"".into(),
            "indicator 1: negative value \"-100.00(%)\" (a misread \"=\"?)".into(),
            "indicator 1: name truncated, not repaired".into(),
            "funds.annual.total: \"4,563,800,00\" read as 4563800 (its last comma or colon taken for a decimal point)".into(),
            "funds.annual: fiscal+other != total".into(),
        ];
        let w = locate_record(&r, &idx);
        let at = |i: usize| {
            (
                w[i].table.as_deref(),
                w[i].page,
                w[i].row,
                w[i].col,
                w[i].field.as_deref(),
            )
        };
        // Page 5's table, not page 4's that has the same (row, col).
        assert_eq!(at(0), (Some("t5"), Some(5), Some(1), Some(2), None));
        // The value's cell, right of the name.
        assert_eq!(
            at(1),
            (
                Some("t5"),
                Some(5),
                Some(7),
                Some(3),
                Some("indicators[0].value")
            )
        );
        assert_eq!(w[1].indicator, Some(1));
        assert_eq!(
            at(2),
            (
                Some("t5"),
                Some(5),
                Some(7),
                Some(2),
                Some("indicators[0].name")
            )
        );
        assert_eq!(
            at(3),
            (
                Some("t5"),
                Some(5),
                Some(8),
                Some(1),
                Some("funds.annual.total")
            )
        );
        assert_eq!(
            at(4),
            (Some("t4"), Some(4), None, None, Some("funds.annual"))
        );
        assert!(w.iter().zip(&r.warnings).all(|(a, m)| &a.message == m));
    }

    #[test]
    fn an_indicator_past_the_end_or_an_odd_message_is_still_kept() {
        let (mut r, idx) = record();
        r.warnings = vec![
            "indicator 9: name truncated, not repaired".into(),
            "indicator x: ???".into(),
            "".into(),
        ];
        let w = locate_record(&r, &idx);
        assert_eq!(w.len(), 3);
        assert_eq!(w[0].indicator, Some(9));
        assert_eq!(w[0].table, None);
        assert_eq!(w[1].code, WarningCode::Other);
        assert_eq!(w[2].page, Some(5));
    }
}
