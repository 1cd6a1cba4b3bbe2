//! One 项目支出绩效目标表 (any family) from its rows.
//!
//! Header rows are read as label → value segments: a cell whose text is a form label (exact,
//! or a clipped prefix of exactly one label) starts a segment and the non-label cells after it
//! are its value. Column numbers are never trusted for roles; they only break ties between the
//! two periods of a two-period form. Indicator rows are read by the closed vocabulary of level
//! names: level cells split a row into its midterm and annual sides, names and values follow.

mod header;
mod indicators;
#[cfg(test)]
mod label_tests;
mod labels;

pub(crate) use labels::is_name_label;
pub use labels::narrative_key;

use header::read_header;
use indicators::{header_levels, read_indicators};

use super::{narrative_line, FormInput, SCell, TableRef};
use crate::ir::Document;
use crate::model::{CellRef, Record, Source};
use crate::normalise;

pub(super) struct Ctx<'a> {
    tables: &'a [TableRef<'a>],
}

impl Ctx<'_> {
    pub(super) fn cref(&self, table: usize, c: &SCell) -> Option<CellRef> {
        let t = self.tables.get(table)?;
        Some(CellRef {
            table: t.id.clone(),
            page: t.table.page,
            row: c.row,
            col: c.col,
        })
    }
}

pub fn parse_form(doc: &Document, tables: &[TableRef<'_>], fi: &FormInput) -> Record {
    let ctx = Ctx { tables };
    let mut r = Record::default();
    let mut tids: Vec<usize> = fi.head_tables.clone();
    for (t, _) in &fi.rows {
        if !tids.contains(t) {
            tids.push(*t);
        }
    }
    tids.sort_unstable();
    let mut pages: Vec<u32> = tids
        .iter()
        .filter_map(|&t| tables.get(t).map(|x| x.table.page))
        .collect();
    pages.dedup();
    r.id = tids
        .first()
        .and_then(|&t| tables.get(t))
        .map(|t| t.id.clone())
        .unwrap_or_default();
    r.source = Source {
        path: doc.display_path.clone(),
        sha256: Some(doc.sha256.clone()),
        pages,
        tables: tids
            .iter()
            .filter_map(|&t| tables.get(t).map(|x| x.id.clone()))
            .collect(),
    };
    r.title = fi.title.clone();
    r.fiscal_year = fi.year_text.as_deref().and_then(normalise::fiscal_year);
    for l in &fi.narrative_lines {
        if let Some((k, v)) = narrative_line(l) {
            r.narrative.entry(k.to_string()).or_insert(v);
        }
    }
    let hdr = fi
        .rows
        .iter()
        .position(|(_, cells)| header_levels(cells).contains(&Some(3)));
    let (head, body) = match hdr {
        Some(h) => (&fi.rows[..h], &fi.rows[h..]),
        None => (&fi.rows[..], &fi.rows[fi.rows.len()..]),
    };
    read_header(&ctx, head, fi, &mut r);
    if let Some((_, hcells)) = body.first() {
        read_indicators(&ctx, hcells, &body[1..], &mut r);
    }
    r
}
