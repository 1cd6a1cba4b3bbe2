//! Serialisation of results: JSON Lines (UTF-8, Chinese kept), indicators.csv, page records.
//! Pure functions over writers; the driver does the file I/O.

use std::io::Write;

use serde::Serialize;

use crate::ir::Document;
use crate::model::{PageRecord, Record, Source};
use crate::normalise::{Op, ValueKind};

/// Writes one JSON object per line.
pub fn write_jsonl<W: Write, T: Serialize>(mut w: W, items: &[T]) -> std::io::Result<()> {
    for it in items {
        serde_json::to_writer(&mut w, it)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

pub const INDICATOR_COLUMNS: [&str; 19] = [
    "record_id",
    "project",
    "department",
    "fiscal_year",
    "period",
    "level1",
    "level2",
    "name",
    "name_raw",
    "value_raw",
    "op",
    "number",
    "unit",
    "date",
    "kind",
    "source_path",
    "pages",
    "table",
    "row",
];

pub fn op_str(op: Op) -> &'static str {
    match op {
        Op::Eq => "=",
        Op::Gt => ">",
        Op::Lt => "<",
        Op::Ge => "≥",
        Op::Le => "≤",
        Op::Approx => "≈",
    }
}

pub fn kind_str(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Quantity => "quantity",
        ValueKind::Money => "money",
        ValueKind::Percent => "percent",
        ValueKind::Date => "date",
        ValueKind::Text => "text",
    }
}

/// A record's pages as the flat outputs (CSV, Excel, SQLite) write them: "4;5".
pub fn pages_list(pages: &[u32]) -> String {
    pages
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(";")
}

/// `indicators.csv`: one row per indicator, flattened with its project and source.
pub fn write_indicators_csv<W: Write>(w: W, records: &[Record]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(INDICATOR_COLUMNS)?;
    for r in records {
        let pages = crate::emit::pages_list(&r.source.pages);
        for i in &r.indicators {
            let v = i.value.as_ref();
            let row = [
                r.id.clone(),
                r.project.name.clone().unwrap_or_default(),
                r.project.department.clone().unwrap_or_default(),
                r.fiscal_year.map(|y| y.to_string()).unwrap_or_default(),
                i.period.as_str().into(),
                i.level1.clone().unwrap_or_default(),
                i.level2.clone().unwrap_or_default(),
                i.name.clone(),
                i.name_raw.clone(),
                i.value_raw.clone(),
                v.and_then(|v| v.op).map(op_str).unwrap_or_default().into(),
                v.and_then(|v| v.number)
                    .map(|n| n.0.normalize().to_string())
                    .unwrap_or_default(),
                v.and_then(|v| v.unit.clone()).unwrap_or_default(),
                v.and_then(|v| v.date.clone()).unwrap_or_default(),
                v.map(|v| kind_str(v.kind)).unwrap_or_default().into(),
                r.source.path.clone(),
                pages.clone(),
                i.cell.as_ref().map(|c| c.table.clone()).unwrap_or_default(),
                i.cell
                    .as_ref()
                    .map(|c| c.row.to_string())
                    .unwrap_or_default(),
            ];
            out.write_record(&row)?;
        }
    }
    out.flush()
}

/// One `page` record per page of a document.
pub fn page_records(doc: &Document) -> Vec<PageRecord> {
    doc.pages
        .iter()
        .map(|p| PageRecord {
            kind: "page".into(),
            source: Source {
                path: doc.display_path.clone(),
                sha256: Some(doc.sha256.clone()),
                pages: vec![p.number],
                tables: Vec::new(),
            },
            width_px: p.info.width_px,
            height_px: p.info.height_px,
            dpi: p.info.dpi,
            skew_deg: p.info.skew_deg,
            text: p.text(),
            mean_conf: p.info.mean_conf,
            ms: p.info.ms.clone(),
            page_source: Some(p.info.source),
            warnings: p.info.warnings.clone(),
            quality: p.info.quality.clone(),
            status: p.info.status,
            why: p
                .info
                .failure
                .clone()
                .or_else(|| p.info.loss.as_ref().map(|l| l.reason.clone())),
            lost_fraction: p.info.loss.as_ref().and_then(|l| l.lost_fraction),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Indicator, Period};

    #[test]
    fn csv_has_a_header_and_one_row_per_indicator() {
        let mut r = Record {
            id: "abcd1234-p1-t1".into(),
            ..Record::default()
        };
        r.project.name = Some("项目, 甲".into());
        r.source.pages = vec![1, 2];
        r.indicators.push(Indicator {
            period: Period::Annual,
            level1: Some("产出指标".into()),
            level2: Some("数量指标".into()),
            level2_code: None,
            name: "人数".into(),
            name_raw: "人数".into(),
            value_raw: "".into(),
            value: None,
            cell: None,
        });
        let mut buf = Vec::new();
        write_indicators_csv(&mut buf, &[r]).unwrap();
        let s = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("record_id,project,"));
        assert!(lines[1].contains("\"项目, 甲\""));
        assert!(lines[1].contains(",annual,产出指标,数量指标,人数,"));
        assert!(lines[1].contains(",1;2,"));
    }

    #[test]
    fn jsonl_keeps_chinese() {
        let mut buf = Vec::new();
        write_jsonl(&mut buf, &["绩效"]).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "\"绩效\"\n");
    }

    #[test]
    fn pages_carry_text_and_source() {
        let doc = Document {
            display_path: "a.txt".into(),
            sha256: "ff".into(),
            pages: crate::table::text::read_text("标题\na\tb\n"),
            ..Document::default()
        };
        let p = page_records(&doc);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].text, "标题\na\tb\n");
        assert_eq!(p[0].source.pages, vec![1]);
    }
}
