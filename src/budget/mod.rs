//! Budget tables as typed lines, reconciled (schema v1.1, additive): every table of the
//! 部门预算/决算 family is classified ([`kind`]), its header mapped to a closed vocabulary of
//! column keys ([`header`]), its data rows typed into [`BudgetLine`]s ([`lines`]) and the
//! printed figures checked against each other ([`reconcile`]).
//!
//! Runs per input file at the outputs phase (the cross-table checks need all of a disclosure's
//! tables, and its 绩效目标表 records): `budget_lines.jsonl`, `budget_lines.csv`,
//! `budget_tables.jsonl` and the `budget` block of `run.json`. Checks never change a value:
//! a failed one is a warning on the lines it involves, naming the cells, and on a scanned page
//! it lowers the confidence of the cells concerned so a reviewer sees them.

pub mod header;
pub mod kind;
pub mod lines;
#[cfg(test)]
mod props;
pub mod reconcile;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{CellRef, Record, TableRecord};
use crate::normalise::Num;

use header::{ColRole, Column, Grid};
use kind::{Stage, TableKind};
use lines::Line;
use reconcile::{Check, TLine, TableFacts, Term};

/// A suggestion for a failed check: one cell whose single misread digit would explain it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub cell: CellRef,
    pub read: String,
    /// The printed value that would balance the check.
    pub balancing: String,
    /// How many failed checks this same change balances (2 or more pins the cell down).
    pub balances_checks: usize,
}

/// A typed warning: a code, a message, the cells involved and, when one digit explains the
/// failure, the suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetWarning {
    pub code: String,
    pub message: String,
    pub cells: Vec<CellRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

/// One data row (one half of a side-by-side row) of a budget table: `kind = "budget_line"`.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetLine {
    pub kind: &'static str,
    pub table: String,
    pub table_kind: TableKind,
    pub stage: Stage,
    pub fiscal_year: Option<i32>,
    pub department: Option<String>,
    pub source: crate::model::Source,
    /// `income`, `expenditure` or `expenditure_purpose` for the halves of a 收支总表.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub row: usize,
    pub code: Option<String>,
    pub code_levels: Option<Vec<String>>,
    pub name: Option<String>,
    /// Column key → exact yuan (null for an empty cell).
    pub values: BTreeMap<&'static str, Option<Num>>,
    pub is_total: bool,
    /// Where each part was read: `code`, `name` and every value key.
    pub cell: BTreeMap<&'static str, CellRef>,
    pub warnings: Vec<BudgetWarning>,
}

/// One budget table's classification and column mapping: `kind = "budget_table"`.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetTable {
    pub kind: &'static str,
    pub table: String,
    pub table_kind: TableKind,
    pub stage: Stage,
    /// The title as printed.
    pub title: Option<String>,
    pub fiscal_year: Option<i32>,
    pub department: Option<String>,
    pub unit: Option<String>,
    pub header_rows: usize,
    /// Every column: its key and its printed header.
    pub columns: Vec<Column>,
    pub lines: usize,
    pub checks: usize,
    pub checks_failed: usize,
}

/// A failed check as listed in `run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct FailedCheck {
    pub file: String,
    pub code: &'static str,
    pub message: String,
    pub pages: Vec<u32>,
}

/// What one input file gives.
#[derive(Debug, Default)]
pub struct FileBudget {
    pub tables: Vec<BudgetTable>,
    pub lines: Vec<BudgetLine>,
    pub checks: usize,
    /// Per rule code: checks made and failed.
    pub by_rule: BTreeMap<&'static str, (usize, usize)>,
    pub failed: Vec<FailedCheck>,
    /// Cells (table id, row, col) whose confidence a failed check lowers on scanned pages.
    pub doubtful_cells: Vec<(String, usize, usize)>,
}

/// `run.json` `budget`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BudgetSummary {
    pub tables: usize,
    pub lines: usize,
    pub checks: usize,
    pub checks_failed: usize,
    pub by_kind: BTreeMap<String, usize>,
    /// Per rule code: `[made, failed]`.
    pub by_rule: BTreeMap<&'static str, (usize, usize)>,
    pub failed: Vec<FailedCheck>,
}

impl BudgetSummary {
    pub fn add(&mut self, f: &FileBudget) {
        self.tables += f.tables.len();
        self.lines += f.lines.len();
        self.checks += f.checks;
        self.checks_failed += f.failed.len();
        for t in &f.tables {
            let k = serde_json::to_value(t.table_kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            *self.by_kind.entry(k).or_default() += 1;
        }
        for (k, (n, x)) in &f.by_rule {
            let e = self.by_rule.entry(k).or_default();
            e.0 += n;
            e.1 += x;
        }
        self.failed.extend(f.failed.iter().cloned());
    }
}

/// An amount in yuan written in the unit the whole was printed in ("1,000.00 万元").
fn printed(yuan: rust_decimal::Decimal, like: Option<&lines::Amount>) -> String {
    match like {
        Some(a) if a.wan => format!(
            "{} 万元",
            (yuan / rust_decimal::Decimal::from(10_000)).normalize()
        ),
        _ => format!("{} 元", yuan.normalize()),
    }
}

fn fiscal_year_of(s: &str) -> Option<i32> {
    let f = crate::normalise::fold_width(s);
    let b = f.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = f.get(i..i + 4)?;
        let y: i32 = w.parse().ok()?;
        let before_ok = i == 0 || !b[i - 1].is_ascii_digit();
        let after_ok = b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        ((2000..=2100).contains(&y) && before_ok && after_ok).then_some(y)
    })
}

/// Widest table taken as a budget table.
const MAX_COLS: usize = 64;

/// The unit most of a file's tables print ("万元" or "元"), for a table whose unit line a scan
/// lost or garbled; `None` when no table prints one or they are evenly split.
fn file_unit(tables: &[TableRecord]) -> Option<&'static str> {
    let (mut wan, mut yuan) = (0, 0);
    for t in tables {
        match lines::printed_unit(t.unit.as_deref()) {
            Some("万元") => wan += 1,
            Some(_) => yuan += 1,
            None => {}
        }
    }
    match wan.cmp(&yuan) {
        std::cmp::Ordering::Greater => Some("万元"),
        std::cmp::Ordering::Less => Some("元"),
        std::cmp::Ordering::Equal => None,
    }
}

struct Prepared<'a> {
    table: &'a TableRecord,
    kind: TableKind,
    stage: Stage,
    layout: lines::Layout,
    lines: Vec<Line>,
    year: Option<i32>,
}

/// Types and checks the budget tables of one input file. `cover` is the text of the file's
/// first pages, where a disclosure prints its year when its table titles do not.
pub fn analyse_file(tables: &[TableRecord], records: &[Record], cover: &str) -> FileBudget {
    let file_unit = file_unit(tables);
    let prepared: Vec<Prepared<'_>> = tables
        .iter()
        .filter_map(|t| prepare(t, file_unit))
        .collect();
    let doc_year = document_year(&prepared, records, cover);
    let tl: Vec<TLine<'_>> = prepared
        .iter()
        .enumerate()
        .flat_map(|(ti, p)| p.lines.iter().map(move |l| TLine { table: ti, line: l }))
        .collect();
    let checks = make_checks(&prepared, &tl, records);
    let path = tables
        .first()
        .map(|t| t.source.path.clone())
        .unwrap_or_default();
    let Failures {
        mut line_warnings,
        failed,
        doubtful,
    } = report_failures(&prepared, &checks, &path);

    // Output lines and tables.
    let per_table_checks = tally(&checks, |c| c.whole.table);
    let out_lines = tl
        .iter()
        .enumerate()
        .map(|(li, t)| {
            let found = line_warnings.remove(&li).unwrap_or_default();
            budget_line(&prepared[t.table], t.line, doc_year, found)
        })
        .collect();
    let out_tables = prepared
        .iter()
        .enumerate()
        .map(|(ti, p)| {
            let counts = per_table_checks.get(&ti).copied().unwrap_or_default();
            budget_table(p, counts, doc_year)
        })
        .collect();
    FileBudget {
        tables: out_tables,
        lines: out_lines,
        checks: checks.len(),
        by_rule: tally(&checks, |c| c.rule.code()),
        failed,
        doubtful_cells: doubtful,
    }
}

/// Classifies one table and types its data rows; `None` for a table that is not a budget
/// table (too wide, a 绩效 form, no known kind or no amount column). `file_unit` stands in
/// for a unit line the scan lost.
fn prepare<'a>(t: &'a TableRecord, file_unit: Option<&'static str>) -> Option<Prepared<'a>> {
    // Budget tables have a few dozen columns at most; a one-line text file of a million
    // cells is not one, and must not cost quadratic time.
    if t.n_cols > MAX_COLS || t.n_cols == 0 {
        return None;
    }
    let title = t.title.clone().unwrap_or_default();
    let by_title = kind::classify_title(&title);
    // A clipped title is looked up in the header, unless the table is a form.
    if by_title.is_none() && title.contains("绩效") {
        return None;
    }
    let g = Grid::new(t);
    let lay = lines::layout(&g);
    let header: String = lay
        .columns
        .iter()
        .map(|c| c.header.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let kind = by_title.or_else(|| kind::classify_header(&header))?;
    if !lay
        .columns
        .iter()
        .any(|c| matches!(c.role, ColRole::Value(_)))
    {
        return None;
    }
    let (unit, unit_note) = match lines::printed_unit(t.unit.as_deref()) {
        Some(u) => (Some(u), None),
        None => (
            file_unit,
            file_unit.map(|u| {
                format!(
                    "unit line read as {:?}: amounts taken in {u}, the unit of the file's other tables",
                    t.unit.as_deref().unwrap_or("")
                )
            }),
        ),
    };
    let mut ls = lines::lines(&g, &lay, unit);
    if let Some(n) = unit_note {
        for l in &mut ls {
            l.warnings.push(("budget_unit_assumed", n.clone()));
        }
    }
    let year = fiscal_year_of(&title).or_else(|| fiscal_year_of(&header));
    Some(Prepared {
        table: t,
        kind,
        stage: kind::stage_of(&title, &header),
        layout: lay,
        lines: ls,
        year,
    })
}

/// The disclosure's year, for a table without a year in its title or header: the year most
/// tables print, else a record's, else the first cover line naming a 预算/决算 year.
fn document_year(prepared: &[Prepared<'_>], records: &[Record], cover: &str) -> Option<i32> {
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for p in prepared {
        if let Some(y) = p.year {
            *years.entry(y).or_default() += 1;
        }
    }
    years
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(y, _)| *y)
        .or_else(|| records.iter().find_map(|r| r.fiscal_year))
        .or_else(|| {
            cover
                .lines()
                .filter(|l| l.contains('年') && (l.contains("预算") || l.contains("决算")))
                .find_map(fiscal_year_of)
        })
}

/// Every check of one file: across and down each block of each table (no down checks on a
/// procurement table), the balance of each table, then the cross-table checks.
fn make_checks(prepared: &[Prepared<'_>], tl: &[TLine<'_>], records: &[Record]) -> Vec<Check> {
    let facts: Vec<TableFacts> = prepared
        .iter()
        .map(|p| TableFacts {
            kind: p.kind,
            stage: p.stage,
            id: p.table.id.clone(),
        })
        .collect();
    let mut checks: Vec<Check> = Vec::new();
    let mut by_block: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, l) in tl.iter().enumerate() {
        by_block.entry((l.table, l.line.block)).or_default().push(i);
    }
    for (ti, p) in prepared.iter().enumerate() {
        for b in 0..p.layout.blocks.len() {
            let idx: Vec<usize> = by_block.get(&(ti, b)).cloned().unwrap_or_default();
            reconcile::across_checks(tl, &idx, &mut checks);
            if p.kind != TableKind::Procurement {
                reconcile::down_checks(tl, &idx, &mut checks);
            }
        }
        let idx: Vec<usize> = by_block
            .range((ti, 0)..(ti + 1, 0))
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        reconcile::balance_checks(tl, &idx, &mut checks);
    }
    reconcile::cross_checks(tl, &facts, records, &mut checks);
    checks
}

/// Checks made and failed per key (a table, a rule code).
fn tally<K: Ord>(checks: &[Check], key: impl Fn(&Check) -> K) -> BTreeMap<K, (usize, usize)> {
    let mut counts: BTreeMap<K, (usize, usize)> = BTreeMap::new();
    for c in checks {
        let e = counts.entry(key(c)).or_default();
        e.0 += 1;
        e.1 += usize::from(!c.ok);
    }
    counts
}

/// The cell a check's term was read from, as the outputs name it.
fn cell_ref(prepared: &[Prepared<'_>], t: &Term) -> CellRef {
    CellRef {
        table: prepared[t.table].table.id.clone(),
        page: prepared[t.table]
            .table
            .source
            .pages
            .first()
            .copied()
            .unwrap_or(0),
        row: t.row,
        col: t.col,
    }
}

/// What the failed checks of one file leave: warnings per line index, the `run.json` list
/// and the cells whose confidence they lower.
struct Failures {
    line_warnings: BTreeMap<usize, Vec<BudgetWarning>>,
    failed: Vec<FailedCheck>,
    doubtful: Vec<(String, usize, usize)>,
}

/// Turns each failed check into a warning on the lines it involves (the whole's line; every
/// line of a cross-table check), a `run.json` entry and the cells it doubts: the suggested
/// cells when one to three single digits explain it, else every term's cell.
fn report_failures(prepared: &[Prepared<'_>], checks: &[Check], path: &str) -> Failures {
    let shared = shared_candidates(checks);
    let mut line_warnings: BTreeMap<usize, Vec<BudgetWarning>> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut doubtful = Vec::new();
    for c in checks.iter().filter(|c| !c.ok) {
        let terms: Vec<&Term> = std::iter::once(&c.whole).chain(c.parts.iter()).collect();
        let mut sugg = suggestions(prepared, c, &terms, &shared);
        let cells: Vec<CellRef> = terms
            .iter()
            .filter(|t| t.row != usize::MAX)
            .map(|t| cell_ref(prepared, t))
            .collect();
        let msg = failure_message(prepared, c, &sugg);
        // No single digit explains it, or too many would: every term is doubtful (asked before
        // the suggestions are cut to three, which had left this branch dead and marked only
        // three of the many cells that could be the misread one).
        let ambiguous = sugg.is_empty() || sugg.len() > 3;
        sugg.truncate(3);
        if ambiguous {
            doubtful.extend(
                terms
                    .iter()
                    .filter(|t| t.row != usize::MAX)
                    .map(|t| (prepared[t.table].table.id.clone(), t.row, t.col)),
            );
        } else {
            doubtful.extend(
                sugg.iter()
                    .map(|s| (s.cell.table.clone(), s.cell.row, s.cell.col)),
            );
        }
        let w = BudgetWarning {
            code: c.rule.code().into(),
            message: msg.clone(),
            cells,
            suggestions: sugg,
        };
        let mut pages: Vec<u32> = terms
            .iter()
            .flat_map(|t| prepared[t.table].table.source.pages.iter().copied())
            .collect();
        pages.sort_unstable();
        pages.dedup();
        failed.push(FailedCheck {
            file: path.to_owned(),
            code: c.rule.code(),
            message: msg,
            pages,
        });
        let mut on: Vec<usize> = vec![c.whole.line];
        if c.rule == reconcile::Rule::CrossTable {
            on.extend(c.parts.iter().map(|p| p.line));
        }
        on.dedup();
        for li in on {
            line_warnings.entry(li).or_default().push(w.clone());
        }
    }
    Failures {
        line_warnings,
        failed,
        doubtful,
    }
}

/// How many failed checks each one-digit candidate (table, row, col, balancing text)
/// balances: candidates shared by several failed checks pin the cell down.
fn shared_candidates(checks: &[Check]) -> BTreeMap<(usize, usize, usize, String), usize> {
    let mut shared: BTreeMap<(usize, usize, usize, String), usize> = BTreeMap::new();
    for c in checks.iter().filter(|c| !c.ok) {
        for (ti, v) in &c.candidates {
            let t = if *ti == 0 { &c.whole } else { &c.parts[ti - 1] };
            *shared
                .entry((t.table, t.row, t.col, v.clone()))
                .or_default() += 1;
        }
    }
    shared
}

/// A failed check's one-digit suggestions, those balancing the most checks first; when some
/// balance two or more, only those.
fn suggestions(
    prepared: &[Prepared<'_>],
    c: &Check,
    terms: &[&Term],
    shared: &BTreeMap<(usize, usize, usize, String), usize>,
) -> Vec<Suggestion> {
    let mut sugg: Vec<Suggestion> = c
        .candidates
        .iter()
        .filter_map(|(ti, v)| {
            let t = terms.get(*ti)?;
            let a = t.amount.as_ref()?;
            Some(Suggestion {
                cell: cell_ref(prepared, t),
                read: a.raw.clone(),
                balancing: v.clone(),
                balances_checks: shared
                    .get(&(t.table, t.row, t.col, v.clone()))
                    .copied()
                    .unwrap_or(1),
            })
        })
        .collect();
    sugg.sort_by_key(|s| std::cmp::Reverse(s.balances_checks));
    let best = sugg.first().map(|s| s.balances_checks).unwrap_or(0);
    if best >= 2 {
        sugg.retain(|s| s.balances_checks == best);
    }
    sugg
}

/// The message of a failed check: what is read, what the terms give and by how much they
/// differ, in the printed unit, then the suggestions (named when three or fewer).
fn failure_message(prepared: &[Prepared<'_>], c: &Check, sugg: &[Suggestion]) -> String {
    let read = |t: &Term| {
        t.amount
            .as_ref()
            .map(|a| a.raw.clone())
            .unwrap_or_else(|| "empty".into())
    };
    let whole_t = &prepared[c.whole.table];
    let verb = if c.rule == reconcile::Rule::CrossTable || c.rule == reconcile::Rule::Balance {
        "disagree"
    } else {
        "does not add up"
    };
    let sum: rust_decimal::Decimal = c
        .parts
        .iter()
        .map(|p| p.amount.as_ref().map(|a| a.yuan).unwrap_or_default())
        .sum();
    let mut msg = format!(
        "{} {verb} in {} (p{}): row {} col {} reads {}, the {} term(s) give {}, off by {}",
        c.what,
        whole_t.table.title.as_deref().unwrap_or(&whole_t.table.id),
        whole_t.table.source.pages.first().copied().unwrap_or(0),
        c.whole.row,
        c.whole.col,
        read(&c.whole),
        c.parts.len(),
        printed(sum, c.whole.amount.as_ref()),
        printed(c.diff, c.whole.amount.as_ref()),
    );
    if !sugg.is_empty() && sugg.len() <= 3 {
        let s: Vec<String> = sugg
            .iter()
            .map(|s| {
                format!(
                    "row {} col {} read {} — {} would balance it",
                    s.cell.row, s.cell.col, s.read, s.balancing
                )
            })
            .collect();
        msg.push_str(&format!(
            "; a single misread digit would explain it: {}",
            s.join(" or ")
        ));
    } else if sugg.len() > 3 {
        msg.push_str(&format!(
            "; {} cells could each be one misread digit",
            sugg.len()
        ));
    }
    msg
}

/// One typed line as written to `budget_lines.jsonl`: values and the cells they were read
/// from keyed by column (a second column of the same key is `unknown`), the line's own
/// warnings, an unknown-column warning and the `found` warnings of failed checks.
fn budget_line(
    p: &Prepared<'_>,
    l: &Line,
    doc_year: Option<i32>,
    found: Vec<BudgetWarning>,
) -> BudgetLine {
    let tid = p.table.id.clone();
    let page = p.table.source.pages.first().copied().unwrap_or(0);
    let at = |row: usize, col: usize| CellRef {
        table: tid.clone(),
        page,
        row,
        col,
    };
    let mut values = BTreeMap::new();
    let mut cell = BTreeMap::new();
    for v in &l.values {
        let k = v.key.as_str();
        let k = if values.contains_key(k) { "unknown" } else { k };
        values.insert(k, v.amount.as_ref().map(|a| Num(a.yuan.normalize())));
        cell.insert(k, at(l.row, v.col));
    }
    if let Some((r, c)) = l.code_cell {
        cell.insert("code", at(r, c));
    }
    if let Some((r, c)) = l.name_cell {
        cell.insert("name", at(r, c));
    }
    let mut warnings: Vec<BudgetWarning> = l
        .warnings
        .iter()
        .map(|(code, m)| BudgetWarning {
            code: (*code).into(),
            message: m.clone(),
            cells: vec![],
            suggestions: vec![],
        })
        .collect();
    if l.values.iter().any(|v| v.key == header::ColKey::Unknown) {
        warnings.push(BudgetWarning {
            code: "budget_unknown_column".into(),
            message: "an amount column whose header names no known key".into(),
            cells: vec![],
            suggestions: vec![],
        });
    }
    warnings.extend(found);
    BudgetLine {
        kind: "budget_line",
        table: tid.clone(),
        table_kind: p.kind,
        stage: p.stage,
        fiscal_year: p.year.or(doc_year),
        department: p.table.department.clone(),
        source: crate::model::Source {
            tables: vec![],
            ..p.table.source.clone()
        },
        section: l.section.clone(),
        row: l.row,
        code: l.code.clone(),
        code_levels: l.code.as_deref().map(lines::code_levels),
        name: (!l.name.is_empty()).then(|| l.name.clone()),
        values,
        is_total: l.is_total,
        cell,
        warnings,
    }
}

/// One table as written to `budget_tables.jsonl`, with its (made, failed) check counts.
fn budget_table(p: &Prepared<'_>, counts: (usize, usize), doc_year: Option<i32>) -> BudgetTable {
    let (n, f) = counts;
    BudgetTable {
        kind: "budget_table",
        table: p.table.id.clone(),
        table_kind: p.kind,
        stage: p.stage,
        title: p.table.title.clone(),
        fiscal_year: p.year.or(doc_year),
        department: p.table.department.clone(),
        unit: p.table.unit.clone(),
        header_rows: p.layout.n_header,
        columns: p.layout.columns.clone(),
        lines: p.lines.len(),
        checks: n,
        checks_failed: f,
    }
}

/// The confidence a failed check leaves on a scanned cell it doubts: under any sensible
/// `ocr.low_conf` threshold (0.80 by default), so the review lists the cell.
pub const DOUBTED_CONF: f32 = 0.5;

/// Lowers the confidence of the cells a failed check doubts, on tables read from scanned
/// pages (text and born-digital pages have no reading to doubt).
pub fn lower_confidence(
    tables: &mut [TableRecord],
    scanned_pages: &[u32],
    doubtful: &[(String, usize, usize)],
    to: f32,
) -> usize {
    let mut n = 0;
    for t in tables.iter_mut() {
        if !t.source.pages.iter().any(|p| scanned_pages.contains(p)) {
            continue;
        }
        for (id, r, c) in doubtful {
            if *id != t.id {
                continue;
            }
            for cell in t.cells.iter_mut().filter(|x| x.row == *r && x.col == *c) {
                if cell.conf > to {
                    cell.conf = to;
                    n += 1;
                }
            }
        }
    }
    n
}

fn plain<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => String::new(),
            o => o.to_string(),
        })
        .unwrap_or_default()
}

/// `budget_lines.csv`: one row per line, the values in a column per key (yuan).
pub fn write_lines_csv<W: std::io::Write>(w: W, lines: &[BudgetLine]) -> std::io::Result<()> {
    let mut keys: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.values.keys().copied())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut wr = csv::Writer::from_writer(w);
    let mut head = vec![
        "table",
        "table_kind",
        "stage",
        "fiscal_year",
        "department",
        "file",
        "pages",
        "section",
        "row",
        "code",
        "code_levels",
        "name",
        "is_total",
    ];
    head.extend(keys.iter().copied());
    head.push("warnings");
    wr.write_record(&head)?;
    for l in lines {
        let mut rec = vec![
            l.table.clone(),
            plain(&l.table_kind),
            plain(&l.stage),
            l.fiscal_year.map(|y| y.to_string()).unwrap_or_default(),
            l.department.clone().unwrap_or_default(),
            l.source.path.clone(),
            l.source
                .pages
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(";"),
            l.section.clone().unwrap_or_default(),
            l.row.to_string(),
            l.code.clone().unwrap_or_default(),
            l.code_levels
                .as_ref()
                .map(|v| v.join("-"))
                .unwrap_or_default(),
            l.name.clone().unwrap_or_default(),
            l.is_total.to_string(),
        ];
        for k in &keys {
            rec.push(match l.values.get(k) {
                Some(Some(n)) => n.0.normalize().to_string(),
                _ => String::new(),
            });
        }
        rec.push(
            l.warnings
                .iter()
                .map(|w| w.message.as_str())
                .collect::<Vec<_>>()
                .join(" | "),
        );
        wr.write_record(&rec)?;
    }
    wr.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, TableCell};

    fn table(id: &str, page: u32) -> TableRecord {
        TableRecord {
            kind: "table".into(),
            id: id.into(),
            source: Source {
                path: "a.pdf".into(),
                sha256: None,
                pages: vec![page],
                tables: vec![],
            },
            title: None,
            unit: None,
            department: None,
            n_rows: 1,
            n_cols: 2,
            cells: (0..2)
                .map(|col| TableCell {
                    row: 0,
                    col,
                    rowspan: 1,
                    colspan: 1,
                    text: "1.00".into(),
                    conf: 0.97,
                    bbox: None,
                })
                .collect(),
        }
    }

    #[test]
    fn a_doubted_cell_loses_confidence_on_scanned_pages_only() {
        let mut ts = vec![table("s", 1), table("d", 2)];
        let doubted = vec![("s".to_string(), 0, 1), ("d".to_string(), 0, 1)];
        let n = lower_confidence(&mut ts, &[1], &doubted, DOUBTED_CONF);
        assert_eq!(n, 1);
        assert_eq!(ts[0].cells[1].conf, DOUBTED_CONF);
        assert_eq!(ts[0].cells[0].conf, 0.97);
        assert_eq!(ts[1].cells[1].conf, 0.97, "page 2 was not scanned");
    }

    #[test]
    fn fiscal_year_from_a_title_or_header() {
        assert_eq!(fiscal_year_of("2023年预算收支总表"), Some(2023));
        assert_eq!(fiscal_year_of("项目 / 2024年预算数"), Some(2024));
        assert_eq!(fiscal_year_of("收支预算总表"), None);
        assert_eq!(fiscal_year_of("12345"), None);
    }
}
