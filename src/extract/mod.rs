//! Tables and lines of a document → `performance_target` records and `table` records.
//!
//! The document is flattened into one stream of items (text lines and table rows, in reading
//! order across pages), so a form split by a blank line or a page break is read as one. A form
//! starts at a 项目名称 row that is followed by other form labels (a budget table may also have a
//! 项目名称 column, but never 主管部门/项目属性/项目资金 under it); its heading and year are the
//! items just before it, its narrative paragraphs (旌德 family) the numbered lines before those.
//! Every table not inside a form is a `table` record; one continued across a break (same width,
//! no new title) is one record. Form tables are also emitted, one record per source table.

mod form;
pub mod vocab;

use crate::ir::{Block, Document, Table};
use crate::model::{Record, Source, TableCell, TableRecord};

pub use form::parse_form;

/// What one document yields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub records: Vec<Record>,
    pub tables: Vec<TableRecord>,
}

/// A non-empty cell of the stream, with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct SCell {
    pub text: String,
    pub col: usize,
    pub row: usize,
}

/// One item of the flattened document.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Line { text: String, page: u32 },
    Row { table: usize, cells: Vec<SCell> },
}

/// A table of the document with its id.
pub struct TableRef<'a> {
    pub table: &'a Table,
    pub id: String,
}

/// The items of one form and what surrounds it.
#[derive(Debug, Clone, Default)]
pub struct FormInput {
    pub title: Option<String>,
    pub year_text: Option<String>,
    /// Numbered narrative lines printed before the form.
    pub narrative_lines: Vec<String>,
    /// Rows from the 项目名称 row on (plus a name printed on the row above its label).
    pub rows: Vec<(usize, Vec<SCell>)>,
    pub name_above: Option<String>,
    /// Tables holding heading rows only (the heading printed as a table row).
    pub head_tables: Vec<usize>,
}

/// The labels of merged level cells cut by a page break and printed on the far side: a
/// 二级指标 cell spanning rows on both pages prints its text once, centred, so on one page its
/// part is blank. Each blank cell at the foot of the last table of a page, in a column where
/// the first table of the next page starts (row 0) with a level label, takes that label;
/// without it the foot's rows took the label above (held-out photo of a two-period 申报表: six
/// 成本指标 rows read as 时效指标). The mirror case (label at the foot, blank at the top of the
/// next page) needs nothing: the reader carries the last label down. Returns (table index,
/// row, col, label).
fn labels_over_page_breaks(doc: &Document) -> Vec<(usize, usize, usize, String)> {
    let tables: Vec<&Table> = doc
        .pages
        .iter()
        .flat_map(|p| p.blocks.iter())
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Line(_) => None,
        })
        .collect();
    let mut out = Vec::new();
    for (k, pair) in tables.windows(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        if b.page != a.page + 1 || b.ordinal != 1 {
            continue;
        }
        // The same column: by index in tables of one width; otherwise (a 三级 column merged
        // over two grid columns on one page only) where the boxes stand, each cell's centre
        // inside the other's span across the page.
        let same_col = |c: &crate::ir::Cell, d: &crate::ir::Cell| {
            if a.n_cols == b.n_cols {
                return d.col == c.col;
            }
            let inside = |p: &[f32; 4], q: &[f32; 4]| {
                let m = (p[0] + p[2]) / 2.0;
                q[0] <= m && m <= q[2]
            };
            matches!((&c.bbox, &d.bbox), (Some(p), Some(q)) if inside(p, q) && inside(q, p))
        };
        for c in &a.cells {
            if !c.is_blank() || c.colspan != 1 || c.row + c.rowspan != a.n_rows || c.row == 0 {
                continue;
            }
            let top = b
                .cells
                .iter()
                .filter(|d| same_col(c, d) && !d.is_blank())
                .min_by_key(|d| d.row);
            if let Some(d) = top.filter(|d| d.row == 0 && vocab::level_cell(&d.text).is_some()) {
                out.push((k, c.row, c.col, d.text.trim().to_string()));
            }
        }
    }
    out
}

fn flatten(doc: &Document) -> (Vec<TableRef<'_>>, Vec<Item>) {
    let carried = labels_over_page_breaks(doc);
    let mut tables = Vec::new();
    let mut items = Vec::new();
    for p in &doc.pages {
        for b in &p.blocks {
            match b {
                // A scanner app's watermark, once OCR'd, is neither a title nor the end of
                // a form continued on the next page.
                Block::Line(l) if vocab::is_page_furniture(&l.text) => {}
                Block::Line(l) => items.push(Item::Line {
                    text: l.text.trim().to_string(),
                    page: p.number,
                }),
                Block::Table(t) => {
                    let ti = tables.len();
                    tables.push(TableRef {
                        table: t,
                        id: t.id(&doc.sha256),
                    });
                    for (r, row) in t.rows().into_iter().enumerate() {
                        let cells: Vec<SCell> = row
                            .iter()
                            .filter_map(|c| {
                                let text = if c.is_blank() {
                                    carried
                                        .iter()
                                        .find(|(k, r0, c0, _)| {
                                            (*k, *r0, *c0) == (ti, c.row, c.col)
                                        })?
                                        .3
                                        .clone()
                                } else {
                                    c.text.trim().to_string()
                                };
                                Some(SCell {
                                    text,
                                    col: c.col,
                                    row: r,
                                })
                            })
                            .collect();
                        let furniture =
                            cells.len() == 1 && vocab::is_page_furniture(&cells[0].text);
                        if !cells.is_empty() && !furniture {
                            items.push(Item::Row { table: ti, cells });
                        }
                    }
                }
            }
        }
    }
    (tables, items)
}

const HEADER_LABELS: [&str; 8] = [
    "主管部门",
    "实施单位",
    "项目属性",
    "项目来源",
    "项目期",
    "项目资金",
    "项目类别",
    "项目日期",
];

fn is_form_start(items: &[Item], i: usize) -> bool {
    let Some(Item::Row { cells, .. }) = items.get(i) else {
        return false;
    };
    // The same label reading as the form's own: "项目名称：" (a printed colon, or a speck
    // read as one) once lost a whole form here while the form reader took it.
    if !cells.iter().any(|c| form::is_name_label(&c.text)) {
        return false;
    }
    items[i + 1..].iter().take(3).any(|it| match it {
        Item::Row { cells, .. } => cells.iter().any(|c| {
            let t = vocab::compact(&c.text);
            HEADER_LABELS.iter().any(|l| {
                let n = l.chars().count();
                let head: String = t.chars().take(n).collect();
                reads_as(&head, l)
            })
        }),
        Item::Line { .. } => false,
    })
}

/// `text` is `label`, or `label` with one character misread when the label is long enough
/// (four characters) that the other three still identify it: 目 read as 自 under a speck made
/// "项自名称", and the whole form was lost.
fn reads_as(text: &str, label: &str) -> bool {
    text == label || (label.chars().count() >= 4 && vocab::edit1(text, label))
}

/// Scan debris, never content between a form and its continuation: a lone character (a speck,
/// a sheet edge or a stamp's rim read as "L", "=", "扫") and a few Latin letters, digits or signs
/// with no Chinese character ("3+", "PRF", "S=").
fn is_debris(c: &str) -> bool {
    let n = c.chars().count();
    n == 1 || (n <= 3 && !c.chars().any(crate::normalise::is_cjk))
}

/// Lines that are never content of a form (signature prompts, page numbers "- 3 -", "第3页",
/// a scanner app's watermark, scan debris).
pub fn is_junk_line(t: &str) -> bool {
    let c = vocab::compact(t);
    c.is_empty()
        || c.chars()
            .all(|ch| ch.is_ascii_digit() || ch == '-' || ch == '/')
        || (c.starts_with('第') && c.ends_with('页') && c.chars().count() <= 8)
        || is_debris(&c)
        || vocab::is_page_furniture(&c)
        || {
            // Signature labels, alone or side by side on one printed line ("项目负责人
            // (签字):  单位(盖章):"), which a scan may read as one line.
            let hits = ["负责人", "责任人", "盖章", "签字", "经办人"]
                .iter()
                .filter(|k| c.contains(*k))
                .count();
            let n = c.chars().count();
            // Side by side, little else is printed: what is left without the labels' words
            // and punctuation is a few characters at most.
            let mut rest = c.clone();
            for w in [
                "项目",
                "负责人",
                "责任人",
                "单位",
                "盖章",
                "签字",
                "经办人",
                "日期",
            ] {
                rest = rest.replace(w, "");
            }
            let rest = rest.chars().filter(|ch| ch.is_alphanumeric()).count();
            (hits >= 1 && n <= 12) || (hits >= 2 && rest <= 4)
        }
}

fn single_text(it: &Item) -> Option<&str> {
    match it {
        Item::Line { text, .. } => Some(text),
        Item::Row { cells, .. } if cells.len() == 1 => Some(&cells[0].text),
        _ => None,
    }
}

fn is_year_text(t: &str) -> bool {
    let c = vocab::compact(t);
    c.contains("年度") && c.chars().count() <= 14 && c.chars().any(|ch| ch.is_ascii_digit())
}

/// "部门项目支出预算绩效目标表（2023年度）" → heading and year printed on one line.
fn split_title_year(t: &str) -> (String, Option<String>) {
    let tidy = vocab::tidy(t);
    for open in ['(', '（'] {
        if let Some(i) = tidy.rfind(open) {
            let tail = &tidy[i..];
            if i > 0 && is_year_text(tail) {
                return (tidy[..i].trim().to_string(), Some(tail.to_string()));
            }
        }
    }
    (tidy, None)
}

fn is_title_text(t: &str) -> bool {
    let c = vocab::compact(t);
    (c.contains("绩效目标") && !c.contains('。')) || c.ends_with("目标表") || c.chars().count() <= 3
}

/// Narrative paragraph "(1) 项目概述。…" / "（3）实施主体。…".
pub fn narrative_line(t: &str) -> Option<(&'static str, String)> {
    let s = t.trim();
    let s = s.trim_start_matches(['(', '（']);
    let d: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if d.is_empty() {
        return None;
    }
    let s = s[d.len()..]
        .trim_start_matches([')', '）', '.', '、'])
        .trim_start();
    // The label ends at its '。' (or a colon); the text after it is kept verbatim.
    let cut = s.find(['。', '：', ':'])?;
    let (label, rest) = s.split_at(cut);
    let sep = rest.chars().next().map(char::len_utf8).unwrap_or(0);
    let key = form::narrative_key(&vocab::compact(label))?;
    Some((key, rest[sep..].trim().to_string()))
}

/// The records of a document (one per form) and its tables, each marked as a form's or not.
pub fn extract_document(doc: &Document) -> Extracted {
    let (tables, items) = flatten(doc);
    let starts: Vec<usize> = (0..items.len())
        .filter(|&i| is_form_start(&items, i))
        .collect();
    let mut in_form = vec![false; tables.len()];
    let mut form_title: Vec<Option<String>> = vec![None; tables.len()];
    // Heading region of each form: walk back over year, junk, title and a name printed above
    // its label, never past the previous form's 项目名称 row.
    let mut heads: Vec<(usize, FormInput)> = starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let floor = if k == 0 { 0 } else { starts[k - 1] + 1 };
            form_head(&items, s, floor)
        })
        .collect();
    let mut records = Vec::new();
    let mut prev_end = 0usize;
    for k in 0..starts.len() {
        let s = starts[k];
        let b = heads[k].0;
        let mut fi = std::mem::take(&mut heads[k].1);
        for it in &items[prev_end.min(b)..b] {
            if let Item::Line { text, .. } = it {
                if narrative_line(text).is_some() {
                    fi.narrative_lines.push(text.clone());
                }
            }
        }
        // Body: rows until the next form's heading region or a line that is not junk.
        let limit = heads.get(k + 1).map(|h| h.0).unwrap_or(items.len());
        let (e, stopped_by) = form_body(&items, s, limit, &mut fi, &mut in_form);
        let unjoined =
            stopped_by.and_then(|line| unjoined_continuation(&tables, &items[e..limit], line));
        mark_form_tables(&fi, &mut in_form, &mut form_title);
        let mut record = parse_form(doc, &tables, &fi);
        record.warnings.extend(unjoined);
        records.push(record);
        prev_end = e;
    }
    let table_records = table_records(doc, &tables, &items, &in_form, &form_title);
    Extracted {
        records,
        tables: table_records,
    }
}

/// The heading region of the form starting at item `s` (not before `floor`): where it begins,
/// and the year, title, name printed above the label and tables found in it.
fn form_head(items: &[Item], s: usize, floor: usize) -> (usize, FormInput) {
    let mut fi = FormInput::default();
    let mut b = s;
    while b > floor {
        let it = &items[b - 1];
        let Some(t) = single_text(it) else { break };
        if is_year_text(t) {
            fi.year_text.get_or_insert_with(|| t.to_string());
        } else if matches!(it, Item::Line { .. }) && is_junk_line(t) {
        } else if is_title_text(t) {
            let (title, year) = split_title_year(t);
            if year.is_some() && fi.year_text.is_none() {
                fi.year_text = year;
            }
            fi.title = Some(title);
            b -= 1;
            break;
        } else if fi.name_above.is_none() && b == s && matches!(it, Item::Row { .. }) {
            fi.name_above = Some(t.to_string());
        } else {
            break;
        }
        b -= 1;
    }
    for it in &items[b..s] {
        if let Item::Row { table, .. } = it {
            if !fi.head_tables.contains(table) {
                fi.head_tables.push(*table);
            }
        }
    }
    (b, fi)
}

/// The form's body rows from item `s` into `fi` (their tables marked as forms'), up to `limit`
/// or the first line that is not junk: where it ended, and that line.
fn form_body<'i>(
    items: &'i [Item],
    s: usize,
    limit: usize,
    fi: &mut FormInput,
    in_form: &mut [bool],
) -> (usize, Option<&'i str>) {
    let mut e = s;
    let mut stopped_by: Option<&str> = None;
    while e < limit {
        match &items[e] {
            Item::Row { table, cells } => {
                fi.rows.push((*table, cells.clone()));
                in_form[*table] = true;
            }
            Item::Line { text, .. } => {
                if !is_junk_line(text) {
                    stopped_by = Some(text);
                    break;
                }
            }
        }
        e += 1;
    }
    (e, stopped_by)
}

/// Marks the tables of the form's heading as forms' and gives every table of the form the
/// form's title when it has none yet.
fn mark_form_tables(fi: &FormInput, in_form: &mut [bool], form_title: &mut [Option<String>]) {
    for &t in &fi.head_tables {
        in_form[t] = true;
    }
    for t in fi
        .rows
        .iter()
        .map(|(t, _)| *t)
        .chain(fi.head_tables.iter().copied())
    {
        if form_title[t].is_none() {
            form_title[t] = fi.title.clone();
        }
    }
}

/// A form's body stopped at `line`, and indicator rows follow before any other form: the
/// form's continuation was cut off from it (a line OCR'd between the pages that is not page
/// furniture). The record says so, rather than silently lacking those indicators.
fn unjoined_continuation(tables: &[TableRef<'_>], after: &[Item], line: &str) -> Option<String> {
    let (table, cells) = after.iter().find_map(|it| match it {
        Item::Row { table, cells } => Some((*table, cells)),
        Item::Line { .. } => None,
    })?;
    cells
        .iter()
        .any(|c| vocab::level_cell(&c.text).is_some())
        .then(|| {
            format!(
                "the form seems to continue on page {} (indicator rows after the line \"{line}\"), but was not joined to it: what is there is not in this record",
                tables[table].table.page
            )
        })
}

fn cells_of(t: &Table) -> Vec<TableCell> {
    t.cells
        .iter()
        .map(|c| TableCell {
            row: c.row,
            col: c.col,
            rowspan: c.rowspan,
            colspan: c.colspan,
            text: c.text.clone(),
            conf: c.conf,
            bbox: c.bbox,
        })
        .collect()
}

/// Text after a "label：" in a line, up to the next wide gap or the next label.
fn after_label<'a>(t: &'a str, label: &str) -> Option<&'a str> {
    let t = t.trim();
    let mut from = 0;
    while let Some(i) = t[from..].find(label) {
        let at = from + i;
        let rest = t[at + label.len()..].trim_start();
        if let Some(r) = rest.strip_prefix([':', '：']) {
            let r = r.trim_start();
            let end = r
                .find("  ")
                .or_else(|| r.find('\u{3000}'))
                .or_else(|| r.find("单位：").or_else(|| r.find("单位:")))
                .unwrap_or(r.len());
            return Some(r[..end].trim());
        }
        from = at + label.len();
    }
    None
}

/// "单位：万元" / "金额单位：元" anywhere in a line (not "编制单位：" / "单位名称：").
fn unit_of(t: &str) -> Option<String> {
    let c = vocab::compact(t);
    let mut from = 0;
    while let Some(i) = c[from..].find("单位:") {
        let at = from + i;
        from = at + "单位:".len();
        if c[..at].ends_with("编制") || c[..at].ends_with("预算") {
            continue;
        }
        let rest: String = c[from..]
            .chars()
            .take_while(|ch| !matches!(ch, ' ' | ',' | ';' | '部' | '编'))
            .collect();
        let rest = rest.trim_matches(['(', ')']);
        if !rest.is_empty() && rest.chars().count() <= 6 && rest.contains('元') {
            return Some(rest.to_string());
        }
    }
    // A scan's OCR may drop the colon: a line that is only "单位 万元" is still the unit.
    unit_without_colon(&c).map(str::to_string)
}

fn unit_without_colon(c: &str) -> Option<&str> {
    let rest = c
        .strip_prefix("金额单位")
        .or_else(|| c.strip_prefix("单位"))?;
    matches!(rest, "万元" | "元").then_some(rest)
}

// Longer labels first: "部门" is also the tail of "编制部门".
const DEPT_LABELS: [&str; 7] = [
    "部门名称",
    "单位名称",
    "编制部门",
    "编制单位",
    "预算单位",
    "部门（单位）名称",
    "部门",
];

fn department_of(t: &str) -> Option<String> {
    DEPT_LABELS
        .iter()
        .find_map(|l| after_label(t, l))
        .map(vocab::tidy)
        .or_else(|| dept_without_colon(t))
        .filter(|d| !d.is_empty())
}

/// "部门名称 某局" with the colon dropped by OCR: a line that starts with a long label (not the
/// bare "部门", which starts titles like 部门预算…) and holds nothing else after the name.
fn dept_without_colon(t: &str) -> Option<String> {
    let c = vocab::compact(t);
    DEPT_LABELS[..5].iter().find_map(|l| {
        let rest = c.strip_prefix(*l)?;
        let ok = !rest.is_empty()
            && !rest.starts_with(':')
            && !rest.contains(':')
            && !rest.ends_with('表')
            && rest.chars().count() <= 40;
        ok.then(|| vocab::tidy(rest))
    })
}

/// "表一", "表1", "附表3", "表1-2", "公开01表": a table's number printed above its title.
fn is_numbering_line(t: &str) -> bool {
    let c = vocab::compact(t);
    let c = c.strip_prefix('附').unwrap_or(&c);
    let c = c.strip_prefix("公开").unwrap_or(c);
    let c = c.strip_prefix("预算").unwrap_or(c);
    let Some(rest) = c.strip_prefix('表').or_else(|| c.strip_suffix('表')) else {
        return false;
    };
    !rest.is_empty()
        && rest.chars().count() <= 6
        && rest
            .chars()
            .all(|ch| ch.is_ascii_digit() || "一二三四五六七八九十-－_.、:".contains(ch))
}

/// A line that is only a unit and/or department and/or year, never a title.
fn is_meta_line(t: &str) -> bool {
    if is_year_text(t) || is_bare_label(t) {
        return true;
    }
    let has_meta = unit_of(t).is_some() || department_of(t).is_some();
    if !has_meta {
        return false;
    }
    let c = vocab::compact(t);
    c.contains("单位:")
        || unit_without_colon(&c).is_some()
        || dept_without_colon(t).is_some()
        || DEPT_LABELS.iter().any(|l| c.contains(&vocab::compact(l)))
}

/// "部门：" or "单位：" with nothing after it: on a scan the value printed far to its right is
/// read as a line of its own, and the label alone is no title.
fn is_bare_label(t: &str) -> bool {
    let c = vocab::compact(t);
    c.strip_suffix(':').is_some_and(|l| {
        l == "单位" || l == "金额单位" || DEPT_LABELS.iter().any(|d| vocab::compact(d) == l)
    })
}

/// The printed title among the lines before a table: the last line that is not meta, skipping a
/// numbering line when a real title is also there, and preferring a line that names a table
/// (…表) to short lines below it (on a scan the department's name, printed apart from its
/// "部门：" label, is a line of its own below the title) but never to prose ("…单位包括：").
fn title_of(lines: &[&String]) -> Option<String> {
    let cands: Vec<&&String> = lines.iter().filter(|l| !is_meta_line(l)).collect();
    let named = cands
        .iter()
        .rev()
        .filter(|l| !is_numbering_line(l))
        .take_while(|l| {
            let c = vocab::compact(l);
            c.contains('表') || (c.chars().count() <= 20 && !c.contains('。') && !c.ends_with(':'))
        })
        .find(|l| vocab::compact(l).contains('表'));
    named
        .or_else(|| cands.iter().rev().find(|l| !is_numbering_line(l)))
        .or_else(|| cands.last())
        .map(|l| vocab::tidy(l))
}

/// `table` records: form tables one per source table; other tables merged with their
/// continuations, titled by the lines before them.
fn table_records(
    doc: &Document,
    tables: &[TableRef<'_>],
    items: &[Item],
    in_form: &[bool],
    form_title: &[Option<String>],
) -> Vec<TableRecord> {
    // Context lines before each table's first row.
    let mut ctx: Vec<Vec<String>> = vec![Vec::new(); tables.len()];
    let mut pending: Vec<String> = Vec::new();
    let mut seen = vec![false; tables.len()];
    for it in items {
        match it {
            Item::Line { text, .. } => pending.push(text.clone()),
            Item::Row { table, .. } => {
                if !seen[*table] {
                    seen[*table] = true;
                    ctx[*table] = std::mem::take(&mut pending);
                } else {
                    pending.clear();
                }
            }
        }
    }
    let mut out: Vec<TableRecord> = Vec::new();
    let mut last_free: Option<(usize, usize)> = None; // (index in out, n_cols)
    for (i, tr) in tables.iter().enumerate() {
        let t = tr.table;
        let lines: Vec<&String> = ctx[i].iter().filter(|l| !is_junk_line(l)).collect();
        let unit = lines.iter().rev().find_map(|l| unit_of(l));
        let department = lines.iter().rev().find_map(|l| department_of(l));
        let title = match &form_title[i] {
            Some(t) => Some(t.clone()),
            None => title_of(&lines),
        };
        let source = Source {
            path: doc.display_path.clone(),
            sha256: Some(doc.sha256.clone()),
            pages: vec![t.page],
            tables: Vec::new(),
        };
        if !in_form[i] {
            if let Some((oi, ncols)) = last_free {
                // A continuation may repeat the unit line but never prints a new title.
                let untitled = lines.iter().all(|l| is_meta_line(l));
                let next_page = out[oi]
                    .source
                    .pages
                    .last()
                    .is_some_and(|&p| p == t.page || p + 1 == t.page);
                if untitled && next_page && ncols == t.n_cols {
                    let o = &mut out[oi];
                    let off = o.n_rows;
                    o.cells.extend(cells_of(t).into_iter().map(|mut c| {
                        c.row += off;
                        c
                    }));
                    o.n_rows += t.n_rows;
                    if !o.source.pages.contains(&t.page) {
                        o.source.pages.push(t.page);
                    }
                    continue;
                }
            }
        }
        out.push(TableRecord {
            kind: "table".into(),
            id: tr.id.clone(),
            source,
            title,
            unit,
            department,
            n_rows: t.n_rows,
            n_cols: t.n_cols,
            cells: cells_of(t),
        });
        last_free = (!in_form[i]).then(|| (out.len() - 1, t.n_cols));
    }
    out
}

#[cfg(test)]
mod tests;
