//! `OUT/records.xlsx` for people who open Excel: sheets `records`, `indicators`, `tables`
//! (an index, one row per table), `budget_lines` (when the run wrote them) and `warnings`.
//! Every sheet has a bold frozen header row and an autofilter; amounts are numbers in yuan,
//! dates are Excel dates, and column widths are measured with CJK characters counted double
//! (they are drawn about twice as wide as Latin ones).

use std::path::Path;

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{export_err, RecordOut};
use crate::error::Result;
use crate::model::FundKey;

/// Widest column, in Excel's character units (long narratives would make a sheet unusable).
const MAX_WIDTH: f64 = 60.0;

/// One value of a row.
enum X {
    S(String),
    N(f64),
    /// An ISO date (`YYYY-MM-DD`); written as text when Excel cannot take it.
    D(String),
    Empty,
}

fn s(v: &Option<String>) -> X {
    v.as_ref()
        .filter(|v| !v.is_empty())
        .map_or(X::Empty, |v| X::S(v.clone()))
}

fn n(v: Option<f64>) -> X {
    v.map_or(X::Empty, X::N)
}

fn d(v: &Option<String>) -> X {
    v.as_ref().map_or(X::Empty, |v| X::D(v.clone()))
}

/// Display width of a text: CJK and full-width characters count two.
pub fn display_width(t: &str) -> usize {
    t.lines()
        .map(|l| {
            l.chars()
                .map(|c| {
                    let u = c as u32;
                    let wide = (0x2E80..=0x9FFF).contains(&u)
                        || (0xF900..=0xFAFF).contains(&u)
                        || (0xFF00..=0xFF60).contains(&u);
                    if wide {
                        2
                    } else {
                        1
                    }
                })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Vec<usize>,
    row: u32,
    date: Format,
}

impl<'a> Sheet<'a> {
    fn new(
        ws: &'a mut Worksheet,
        name: &str,
        header: &[&str],
    ) -> std::result::Result<Self, XlsxError> {
        ws.set_name(name)?;
        let bold = Format::new().set_bold();
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        Ok(Sheet {
            widths: header.iter().map(|h| display_width(h) + 3).collect(),
            ws,
            row: 0,
            date: Format::new().set_num_format("yyyy-mm-dd"),
        })
    }

    fn push(&mut self, vals: Vec<X>) -> std::result::Result<(), XlsxError> {
        self.row += 1;
        for (c, v) in vals.into_iter().enumerate() {
            let col = c as u16;
            let w = match v {
                X::S(t) => {
                    self.ws.write_string(self.row, col, &t)?;
                    display_width(&t)
                }
                X::N(x) => {
                    self.ws.write_number(self.row, col, x)?;
                    format!("{x}").len()
                }
                X::D(t) => {
                    match ExcelDateTime::parse_from_str(&t) {
                        Ok(dt) => {
                            self.ws
                                .write_datetime_with_format(self.row, col, &dt, &self.date)?;
                        }
                        Err(_) => {
                            self.ws.write_string(self.row, col, &t)?;
                        }
                    }
                    10
                }
                X::Empty => 0,
            };
            if let Some(m) = self.widths.get_mut(c) {
                *m = (*m).max(w);
            }
        }
        Ok(())
    }

    fn finish(self) -> std::result::Result<(), XlsxError> {
        let last_col = self.widths.len().saturating_sub(1) as u16;
        self.ws.set_freeze_panes(1, 0)?;
        self.ws.autofilter(0, 0, self.row.max(1), last_col)?;
        for (c, w) in self.widths.iter().enumerate() {
            self.ws
                .set_column_width(c as u16, ((*w as f64) + 1.0).min(MAX_WIDTH))?;
        }
        Ok(())
    }
}

/// The header of the records sheet (the fund columns are `midterm_total` … `annual_self_raised`).
pub fn record_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "id",
        "source_path",
        "pages",
        "title",
        "fiscal_year",
        "project",
        "department_code",
        "department",
        "implementer",
        "attribute",
        "origin",
        "term",
        "category",
        "start_date",
        "end_date",
        "declared_unit",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for p in ["midterm", "annual"] {
        for k in FundKey::ALL {
            h.push(format!("{p}_{}_yuan", k.as_str()));
        }
    }
    h.extend(
        ["indicators", "warnings", "goal_annual"]
            .iter()
            .map(|s| s.to_string()),
    );
    h
}

/// An xlsx writer's error as the export's.
fn xlsx_err(x: XlsxError) -> crate::error::Error {
    export_err("xlsx", x)
}

/// Writes the workbook to `path` (a temporary file renamed over it), sheet by sheet.
pub fn write(path: &Path, out: &Path, records: &[RecordOut]) -> Result<()> {
    let mut wb = Workbook::new();
    records_sheet(&mut wb, records)?;
    indicators_sheet(&mut wb, records)?;
    tables_sheet(&mut wb, out)?;
    budget_lines_sheet(&mut wb, out)?;
    warnings_sheet(&mut wb, out, records)?;

    let tmp = path.with_extension("xlsx.tmp");
    wb.save(&tmp).map_err(xlsx_err)?;
    std::fs::rename(&tmp, path).map_err(|x| crate::error::Error::io(path, x))?;
    Ok(())
}

/// Sheet `records`: one row per record, its fund amounts by period and key in yuan.
fn records_sheet(wb: &mut Workbook, records: &[RecordOut]) -> Result<()> {
    let header = record_header();
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut sh = Sheet::new(wb.add_worksheet(), "records", &hdr).map_err(xlsx_err)?;
    for ro in records {
        let r = &ro.record;
        let p = &r.project;
        let pages = crate::emit::pages_list(&r.source.pages);
        let mut row = vec![
            X::S(r.id.clone()),
            X::S(r.source.path.clone()),
            X::S(pages),
            s(&r.title),
            n(r.fiscal_year.map(f64::from)),
            s(&p.name),
            s(&p.department_code),
            s(&p.department),
            s(&p.implementer),
            s(&p.attribute),
            s(&p.origin),
            s(&p.term),
            s(&p.category),
            d(&p.start_date),
            d(&p.end_date),
            s(&r.funds.declared_unit),
        ];
        for set in [&r.funds.midterm, &r.funds.annual] {
            for k in FundKey::ALL {
                let v = set
                    .as_ref()
                    .and_then(|m| m.get(&k).copied().flatten())
                    .and_then(|v| v.0.to_f64());
                row.push(n(v));
            }
        }
        row.push(X::N(r.indicators.len() as f64));
        row.push(X::N(r.warnings.len() as f64));
        row.push(s(&r.goals.annual));
        sh.push(row).map_err(xlsx_err)?;
    }
    sh.finish().map_err(xlsx_err)?;
    Ok(())
}

/// Sheet `indicators`: one row per indicator, its parsed value and the cell it was read from.
fn indicators_sheet(wb: &mut Workbook, records: &[RecordOut]) -> Result<()> {
    let mut sh = Sheet::new(
        wb.add_worksheet(),
        "indicators",
        &[
            "record_id",
            "idx",
            "project",
            "fiscal_year",
            "period",
            "level1",
            "level2",
            "name",
            "value_raw",
            "op",
            "number",
            "unit",
            "date",
            "kind",
            "table",
            "page",
            "row",
            "col",
        ],
    )
    .map_err(xlsx_err)?;
    for ro in records {
        let r = &ro.record;
        for (k, i) in r.indicators.iter().enumerate() {
            let v = i.value.as_ref();
            let c = i.cell.as_ref();
            sh.push(vec![
                X::S(r.id.clone()),
                X::N((k + 1) as f64),
                s(&r.project.name),
                n(r.fiscal_year.map(f64::from)),
                X::S(i.period.as_str().into()),
                s(&i.level1),
                s(&i.level2),
                X::S(i.name.clone()),
                X::S(i.value_raw.clone()),
                s(&v.and_then(|v| v.op)
                    .map(|o| crate::emit::op_str(o).to_string())),
                n(v.and_then(|v| v.number.as_ref()).and_then(|n| n.0.to_f64())),
                s(&v.and_then(|v| v.unit.clone())),
                d(&v.and_then(|v| v.date.clone())),
                s(&v.map(|v| crate::emit::kind_str(v.kind).to_string())),
                s(&c.map(|c| c.table.clone())),
                n(c.map(|c| f64::from(c.page))),
                n(c.map(|c| c.row as f64)),
                n(c.map(|c| c.col as f64)),
            ])
            .map_err(xlsx_err)?;
        }
    }
    sh.finish().map_err(xlsx_err)?;
    Ok(())
}

/// Sheet `tables`: an index of `tables.jsonl`, one row per table, streamed.
fn tables_sheet(wb: &mut Workbook, out: &Path) -> Result<()> {
    let mut sh = Sheet::new(
        wb.add_worksheet(),
        "tables",
        &[
            "id",
            "source_path",
            "page",
            "title",
            "unit",
            "department",
            "n_rows",
            "n_cols",
            "n_cells",
        ],
    )
    .map_err(xlsx_err)?;
    let mut failed: Option<XlsxError> = None;
    super::for_each_table(out, |t| {
        if failed.is_none() {
            let r = sh.push(vec![
                X::S(t.id.clone()),
                X::S(t.source.path.clone()),
                n(t.source.pages.first().map(|p| f64::from(*p))),
                s(&t.title),
                s(&t.unit),
                s(&t.department),
                X::N(t.n_rows as f64),
                X::N(t.n_cols as f64),
                X::N(t.cells.len() as f64),
            ]);
            failed = r.err();
        }
        Ok(())
    })?;
    if let Some(x) = failed {
        return Err(xlsx_err(x));
    }
    sh.finish().map_err(xlsx_err)?;
    Ok(())
}

/// Sheet `budget_lines` (only when the run wrote budget lines): one column per key seen.
fn budget_lines_sheet(wb: &mut Workbook, out: &Path) -> Result<()> {
    let lines = super::read_budget_lines(out)?;
    if !lines.is_empty() {
        let cols = super::object_columns(&lines);
        let hdr: Vec<&str> = cols.iter().map(String::as_str).collect();
        let mut sh = Sheet::new(wb.add_worksheet(), "budget_lines", &hdr).map_err(xlsx_err)?;
        for l in &lines {
            let row = cols
                .iter()
                .map(|c| match l.get(c) {
                    None | Some(serde_json::Value::Null) => X::Empty,
                    Some(serde_json::Value::Number(x)) => n(x.as_f64()),
                    Some(serde_json::Value::String(t)) => X::S(t.clone()),
                    Some(other) => X::S(other.to_string()),
                })
                .collect();
            sh.push(row).map_err(xlsx_err)?;
        }
        sh.finish().map_err(xlsx_err)?;
    }
    Ok(())
}

/// Sheet `warnings`: every record's typed warnings, then every page's (streamed).
fn warnings_sheet(wb: &mut Workbook, out: &Path, records: &[RecordOut]) -> Result<()> {
    let mut sh = Sheet::new(
        wb.add_worksheet(),
        "warnings",
        &[
            "record_id",
            "source_path",
            "code",
            "message",
            "page",
            "field",
            "indicator",
            "table",
            "row",
            "col",
        ],
    )
    .map_err(xlsx_err)?;
    for ro in records {
        for w in &ro.warnings_at {
            sh.push(vec![
                X::S(ro.record.id.clone()),
                X::S(ro.record.source.path.clone()),
                X::S(w.code.as_str().into()),
                X::S(w.message.clone()),
                n(w.page.map(f64::from)),
                s(&w.field),
                n(w.indicator.map(|k| k as f64)),
                s(&w.table),
                n(w.row.map(|k| k as f64)),
                n(w.col.map(|k| k as f64)),
            ])
            .map_err(xlsx_err)?;
        }
    }
    let mut failed: Option<XlsxError> = None;
    super::for_each_page(out, |po| {
        for w in &po.warnings_at {
            if failed.is_some() {
                break;
            }
            failed = sh
                .push(vec![
                    X::Empty,
                    X::S(po.page.source.path.clone()),
                    X::S(w.code.as_str().into()),
                    X::S(w.message.clone()),
                    n(w.page.map(f64::from)),
                    s(&w.field),
                    X::Empty,
                    X::Empty,
                    X::Empty,
                    X::Empty,
                ])
                .err();
        }
        Ok(())
    })?;
    if let Some(x) = failed {
        return Err(xlsx_err(x));
    }
    sh.finish().map_err(xlsx_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double_and_the_longest_line_wins() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("满意度"), 6);
        assert_eq!(display_width("ab\n满意度≥95%"), 10);
        assert_eq!(display_width(""), 0);
    }
}
