//! A classified table's data rows as typed lines: code (as printed digits, 类/款/项 split),
//! name, amounts in exact yuan under their column keys, and the structure the checks need
//! (totals, numbering levels, 其中 rows, row-spanning groups).

use rust_decimal::Decimal;

use super::header::{
    code_digits, column_roles, has_han, header_paths, header_rows, is_numbering_row,
    is_total_label, misread_code, ColKey, ColRole, Column, Grid, Slot,
};
use super::kind::squash;
use crate::normalise::{fold_width, parse_amount, MoneyUnit};

/// One printed amount.
#[derive(Debug, Clone)]
pub struct Amount {
    /// Exact yuan.
    pub yuan: Decimal,
    /// One unit of the last printed decimal, in yuan (the rounding tolerance of this term).
    pub ulp: Decimal,
    pub raw: String,
    pub row: usize,
    pub col: usize,
    /// Printed in 万元 (for suggestions written in the printed unit).
    pub wan: bool,
}

/// One value cell of a line: the key, the column and the amount (None for an empty cell).
#[derive(Debug, Clone)]
pub struct ValueCell {
    pub key: ColKey,
    pub col: usize,
    pub amount: Option<Amount>,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub row: usize,
    pub block: usize,
    pub section: Option<String>,
    pub code: Option<String>,
    pub code_cell: Option<(usize, usize)>,
    pub name: String,
    pub name_cell: Option<(usize, usize)>,
    pub values: Vec<ValueCell>,
    pub is_total: bool,
    /// Numbering level of the name: 0 none, 1 一、, 2 （一）, 3 1. , 4 （1）, 5 ①.
    pub level: u8,
    /// "其中：…": a part of the line above, never a term of a sum.
    pub of_which: bool,
    /// The row-spanning label cell grouping this line with its neighbours, if any.
    pub group: Option<usize>,
    /// The group's own 小计 line ("一般公共预算资金 | 小计"): the parent of the group's lines,
    /// not a table total.
    pub subtotal: bool,
    /// (code, message): `budget_not_an_amount`, `budget_amount_repaired`, `budget_code_repaired`,
    /// `budget_unit_assumed`.
    pub warnings: Vec<(&'static str, String)>,
}

impl Line {
    pub fn get(&self, k: ColKey) -> Option<&ValueCell> {
        self.values.iter().find(|v| v.key == k)
    }
    pub fn has_amount(&self) -> bool {
        self.values.iter().any(|v| v.amount.is_some())
    }
}

/// The layout of a table: header rows, columns, blocks (a name/code part followed by its
/// amount columns; side-by-side 收入 | 支出 halves are two blocks).
pub struct Layout {
    pub n_header: usize,
    pub columns: Vec<Column>,
    /// Grid column → index into `columns`.
    pub column_at: Vec<Option<usize>>,
    /// Per block: its columns.
    pub blocks: Vec<Vec<usize>>,
    pub sections: Vec<Option<String>>,
}

/// Numbering level of a name ("一、", "（一）", "1.", "（1）", "①").
pub fn numbering_level(name: &str) -> u8 {
    let t = fold_width(name.trim());
    let cn = |c: char| "一二三四五六七八九十".contains(c);
    let mut it = t.chars().peekable();
    let first = match it.peek() {
        Some(c) => *c,
        None => return 0,
    };
    if cn(first) {
        let rest: String = t.chars().skip_while(|c| cn(*c)).collect();
        if rest.starts_with('、') || rest.starts_with('.') {
            return 1;
        }
        return 0;
    }
    if first == '(' || first == '（' {
        let inner: String = t
            .chars()
            .skip(1)
            .take_while(|c| *c != ')' && *c != '）')
            .collect();
        if !inner.is_empty() && inner.chars().all(cn) {
            return 2;
        }
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
            return 4;
        }
        return 0;
    }
    if first.is_ascii_digit() {
        let rest: String = t.chars().skip_while(|c| c.is_ascii_digit()).collect();
        let mut r = rest.chars();
        if let (Some('.' | '、'), Some(n)) = (r.next(), r.next()) {
            if !n.is_ascii_digit() {
                return 3;
            }
        }
        return 0;
    }
    if ('①'..='⑳').contains(&first) {
        return 5;
    }
    0
}

/// "2080101" → ["208", "01", "01"]; economic "30101" → ["301", "01"]; anything else → [code].
pub fn code_levels(code: &str) -> Vec<String> {
    if code.len() >= 3 && code.len() % 2 == 1 && code.chars().all(|c| c.is_ascii_digit()) {
        let mut v = vec![code[..3].to_string()];
        let mut i = 3;
        while i + 2 <= code.len() {
            v.push(code[i..i + 2].to_string());
            i += 2;
        }
        v
    } else {
        vec![code.to_string()]
    }
}

/// The money unit a table's unit line names, as "万元" or "元": "万元" also with one misread
/// character before 元 ("力元", "方元": the only two-character unit of these tables), `None`
/// for no unit line or one that names no unit.
pub fn printed_unit(unit: Option<&str>) -> Option<&'static str> {
    let u: String = squash(unit?);
    if u.contains('万') {
        return Some("万元");
    }
    match u.chars().collect::<Vec<_>>()[..] {
        ['元'] => Some("元"),
        [c, '元'] if !matches!(c, '千' | '百' | '亿') => Some("万元"),
        _ => None,
    }
}

fn money_unit(unit: Option<&str>) -> MoneyUnit {
    match unit {
        Some(u) if u.contains("万") => MoneyUnit::Wan,
        _ => MoneyUnit::Yuan,
    }
}

/// Parses one amount cell; `Err` keeps the reason for a warning.
pub fn amount_of(
    raw: &str,
    unit: Option<&str>,
    row: usize,
    col: usize,
) -> Result<Option<Amount>, String> {
    let mu = money_unit(unit);
    let Some(n) = parse_amount(raw, mu)? else {
        return Ok(None);
    };
    let folded: String = fold_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let decimals = folded
        .split_once('.')
        .map(|(_, f)| f.chars().take_while(char::is_ascii_digit).count())
        .unwrap_or(0) as u32;
    let wan = mu == MoneyUnit::Wan && !folded.ends_with('元') || folded.ends_with("万元");
    let unit_yuan = if wan {
        Decimal::from(10_000)
    } else {
        Decimal::ONE
    };
    let ulp = unit_yuan / Decimal::from(10u64.pow(decimals.min(12)));
    Ok(Some(Amount {
        yuan: n.0,
        ulp,
        raw: raw.trim().to_string(),
        row,
        col,
        wan,
    }))
}

/// One amount cell as a scan gives it: text that is no amount as read ("363,38", "80:00",
/// "13,297..11", "16726725.44:") is repaired where the misreading is unambiguous (a comma or
/// colon for the point, specks read as signs; see [`crate::normalise::speckled_amount`]), with
/// a warning saying so; otherwise `None` with the reason.
pub fn read_amount(
    raw: &str,
    unit: Option<&str>,
    row: usize,
    col: usize,
    warnings: &mut Vec<(&'static str, String)>,
) -> Option<Amount> {
    // Lines of a cell with no digit in them are specks or rules read as text ("_\n2.71",
    // "元\n268.58"); digits stacked one a line ("4\n8") are specks, never a wrapped amount.
    if raw.trim().contains('\n') {
        let kept: Vec<&str> = raw
            .lines()
            .map(str::trim)
            .filter(|l| l.chars().any(|c| c.is_ascii_digit()))
            .collect();
        // A lone digit beside specks ("■\n4", "1\n●") is one more speck.
        if !kept.is_empty() && kept.iter().all(|l| l.chars().count() == 1) {
            warnings.push((
                "budget_not_an_amount",
                format!("row {row} col {col}: {raw:?} taken for specks (lone digits among specks)"),
            ));
            return None;
        }
        if let [one] = kept[..] {
            if amount_of(raw, unit, row, col).is_err() {
                let a = read_amount(one, unit, row, col, warnings)?;
                warnings.push((
                    "budget_amount_repaired",
                    format!("row {row} col {col}: {raw:?} read as {one} (lines without digits taken for specks)"),
                ));
                return Some(Amount {
                    raw: raw.trim().to_string(),
                    ..a
                });
            }
        }
    }
    match amount_of(raw, unit, row, col) {
        Ok(a) => a,
        Err(e) => {
            let repaired = crate::normalise::speckled_amount(raw).and_then(|(fixed, why)| {
                let a = amount_of(&fixed, unit, row, col).ok().flatten()?;
                Some((a, fixed, why))
            });
            match repaired {
                Some((mut a, fixed, why)) => {
                    warnings.push((
                        "budget_amount_repaired",
                        format!("row {row} col {col}: {raw:?} read as {fixed} ({why})"),
                    ));
                    a.raw = raw.trim().to_string();
                    Some(a)
                }
                None => {
                    warnings.push(("budget_not_an_amount", format!("row {row} col {col}: {e}")));
                    None
                }
            }
        }
    }
}

/// Reads the layout of a table: header rows, column roles and keys, blocks and sections.
pub fn layout(g: &Grid<'_>) -> Layout {
    let n_header = header_rows(g);
    let paths = header_paths(g, n_header);
    let roles = column_roles(g, n_header, &paths);
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    let mut prev_value = true;
    for (c, role) in roles.iter().enumerate() {
        match role {
            ColRole::Skip => continue,
            ColRole::Code | ColRole::Name => {
                if prev_value || blocks.is_empty() {
                    blocks.push(Vec::new());
                }
                prev_value = false;
            }
            ColRole::Value(_) => {
                if blocks.is_empty() {
                    blocks.push(Vec::new());
                }
                prev_value = true;
            }
        }
        if let Some(b) = blocks.last_mut() {
            b.push(c);
        }
    }
    let sections: Vec<Option<String>> = if blocks.len() < 2 {
        vec![None; blocks.len()]
    } else {
        blocks
            .iter()
            .map(|b| section_of(g, n_header, b, &paths))
            .collect()
    };
    let mut columns = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        for &c in b {
            let role = roles[c].clone();
            let key = match &role {
                ColRole::Code => "code".to_string(),
                ColRole::Name => "name".to_string(),
                ColRole::Value(k) => k.as_str().to_string(),
                ColRole::Skip => continue,
            };
            columns.push(Column {
                col: c,
                header: paths[c].join(" / "),
                role,
                key,
                section: sections[bi].clone(),
            });
        }
    }
    let mut column_at = vec![None; g.n_cols()];
    for (i, c) in columns.iter().enumerate() {
        if let Some(slot) = column_at.get_mut(c.col) {
            *slot = Some(i);
        }
    }
    Layout {
        n_header,
        columns,
        column_at,
        blocks,
        sections,
    }
}

/// 收入 / 支出 (/ 支出 by purpose) for one half of a side-by-side table.
fn section_of(
    g: &Grid<'_>,
    n_header: usize,
    block: &[usize],
    paths: &[Vec<String>],
) -> Option<String> {
    let c0 = *block.first()?;
    let mut top = String::new();
    for r in 0..n_header.max(1).min(g.n_rows()) {
        // Text input carries no spans: a heading printed once over several columns is found
        // to the left of the block's first column.
        let mut t = g.text(r, c0).to_string();
        let mut c = c0;
        while t.trim().is_empty() && c > 0 && r == 0 {
            c -= 1;
            t = g.text(r, c).to_string();
        }
        top.push_str(&squash(&t));
        top.push('|');
    }
    let path: String = block
        .iter()
        .flat_map(|&c| paths[c].iter())
        .map(|s| squash(s))
        .collect();
    let exp = top.contains("支出");
    let inc = top.contains("收入");
    if exp && (path.contains("用途") || top.contains("用途")) {
        Some("expenditure_purpose".into())
    } else if exp && (!inc || top.find("支出") < top.find("收入")) {
        Some("expenditure".into())
    } else if inc {
        Some("income".into())
    } else {
        None
    }
}

/// The lines of a table, block by block in row order.
pub fn lines(g: &Grid<'_>, lay: &Layout, unit: Option<&str>) -> Vec<Line> {
    let header_texts: Vec<String> = (0..lay.n_header).map(|r| row_text(g, r)).collect();
    let mut out = Vec::new();
    for (bi, block) in lay.blocks.iter().enumerate() {
        for r in lay.n_header..g.n_rows() {
            if is_numbering_row(g, r) || header_texts.contains(&row_text(g, r)) {
                continue;
            }
            if let Some(l) = line_of(g, lay, bi, block, r, unit) {
                out.push(l);
            }
        }
    }
    drop_lone_digits(&mut out);
    undouble_decimals(&mut out, unit);
    out
}

/// Decimals of each amount read, whitespace left out.
fn decimals_of(raw: &str) -> Option<usize> {
    let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    t.rsplit_once('.').map(|(_, f)| f.len())
}

/// In a table whose amounts are printed with two decimals, an amount read with three whose
/// decimals hold a digit twice in a row ("13,907.778") had one decimal read twice: a glyph
/// stretched over two of the recogniser's frames, as on a curled page (33 cells of five unseen
/// budget tables photographed curled). The digit is taken once (which of the pair is dropped
/// gives the same text), with a warning. No table is taken for two-decimal when any amount has
/// four decimals or more (万元 printed to the yuan), or when fewer than five amounts, or no more
/// than twice those with three, have two (a table where the doubling is that common is left as
/// read: one of the five curled tables, still 22 cells).
fn undouble_decimals(lines: &mut [Line], unit: Option<&str>) {
    let decimals: Vec<Option<usize>> = lines
        .iter()
        .flat_map(|l| l.values.iter().filter_map(|v| v.amount.as_ref()))
        .map(|a| decimals_of(&a.raw))
        .collect();
    let two = decimals.iter().filter(|d| **d == Some(2)).count();
    let three = decimals.iter().filter(|d| **d == Some(3)).count();
    if two < 5 || two <= 2 * three || decimals.iter().any(|d| d.is_some_and(|d| d >= 4)) {
        return;
    }
    for l in lines.iter_mut() {
        let mut notes = Vec::new();
        for v in &mut l.values {
            let Some(a) = v.amount.as_mut() else { continue };
            let t: String = a.raw.chars().filter(|c| !c.is_whitespace()).collect();
            let Some((int, frac)) = t.rsplit_once('.') else {
                continue;
            };
            let Some(once) = crate::normalise::decimals_read_once(frac) else {
                continue;
            };
            let fixed = format!("{int}.{once}");
            if let Ok(Some(mut b)) = amount_of(&fixed, unit, a.row, a.col) {
                notes.push(format!(
                    "row {} col {}: {:?} read as {fixed} (a decimal read twice among amounts printed with two decimals)",
                    a.row, a.col, a.raw
                ));
                b.raw = std::mem::take(&mut a.raw);
                *a = b;
            }
        }
        l.warnings
            .extend(notes.into_iter().map(|n| ("budget_amount_repaired", n)));
    }
}

/// In a table whose amounts are printed with two decimals, a cell read as one bare digit
/// ("1", "4") is a speck in an empty cell, not an amount: it is dropped with a warning. A bare
/// "0" is left alone: real tables print zero so among two-decimal amounts (a 三公 table's 0).
fn drop_lone_digits(lines: &mut [Line]) {
    let raws: Vec<String> = lines
        .iter()
        .flat_map(|l| l.values.iter().filter_map(|v| v.amount.as_ref()))
        .map(|a| a.raw.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let two = raws
        .iter()
        .filter(|r| r.split_once('.').is_some_and(|(_, f)| f.len() == 2))
        .count();
    let lone = raws
        .iter()
        .filter(|r| r.chars().count() == 1 && r.chars().all(|c| c.is_ascii_digit()))
        .count();
    let others = raws.len() - lone;
    if others < 5 || two * 10 < others * 9 {
        return;
    }
    for l in lines.iter_mut() {
        for v in &mut l.values {
            let lone = v.amount.as_ref().is_some_and(|a| {
                let t = a.raw.trim();
                t.chars().count() == 1 && t.chars().all(|c| matches!(c, '1'..='9'))
            });
            if lone {
                let a = v.amount.take();
                let (r, c) = a.map(|a| (a.row, a.col)).unwrap_or_default();
                l.warnings.push((
                    "budget_not_an_amount",
                    format!("row {r} col {c}: a lone digit among amounts printed with two decimals taken for a speck"),
                ));
            }
        }
    }
}

fn row_text(g: &Grid<'_>, r: usize) -> String {
    (0..g.n_cols())
        .map(|c| squash(g.text(r, c)))
        .collect::<Vec<_>>()
        .join("|")
}

/// Row `r` of block `bi` (its columns `block`) as a typed line: its label and amount cells (the
/// amounts in `unit`), a code printed in the name, names repaired, then what kind of line it
/// is; `None` for an empty row.
fn line_of(
    g: &Grid<'_>,
    lay: &Layout,
    bi: usize,
    block: &[usize],
    r: usize,
    unit: Option<&str>,
) -> Option<Line> {
    let mut row = RowRead::default();
    for &c in block {
        let Some(col) = lay
            .column_at
            .get(c)
            .copied()
            .flatten()
            .map(|i| &lay.columns[i])
        else {
            continue;
        };
        let slot = g.slot(r, c);
        match &col.role {
            ColRole::Code | ColRole::Name => {
                if let Some(s) = slot {
                    row.label_cell(g, &col.role, s, block.len(), r, c);
                }
            }
            ColRole::Value(k) => {
                // Under a label spanning into this half ("当年支出小计" over the next half's
                // name column) the amount is not printed here.
                if slot.is_some_and(|s| !s.origin) {
                    continue;
                }
                let raw = g.own_text(r, c);
                let amount = read_amount(raw, unit, r, c, &mut row.warnings);
                row.values.push(ValueCell {
                    key: *k,
                    col: c,
                    amount,
                });
            }
            ColRole::Skip => {}
        }
    }
    row.code_from_name();
    row.repair_names(r);
    row.into_line(g, lay, bi, block, r)
}

/// One row of one block as its cells are read: the code and name parts, the amounts, the
/// warnings.
#[derive(Default)]
struct RowRead {
    code: String,
    code_cell: Option<(usize, usize)>,
    names: Vec<String>,
    name_cell: Option<(usize, usize)>,
    group: Option<usize>,
    values: Vec<ValueCell>,
    warnings: Vec<(&'static str, String)>,
    last_label_cell: Option<usize>,
}

impl RowRead {
    /// A code or name column's cell (at `slot`, once per spanning cell): code digits (a
    /// misread code repaired, with a warning) onto the code, any other text onto the names.
    fn label_cell(
        &mut self,
        g: &Grid<'_>,
        role: &ColRole,
        s: Slot,
        block_len: usize,
        r: usize,
        c: usize,
    ) {
        if self.last_label_cell == Some(s.cell) {
            return;
        }
        self.last_label_cell = Some(s.cell);
        let cell = &g.table.cells[s.cell];
        let t = cell.text.trim();
        if t.is_empty() {
            return;
        }
        let mut digits = code_digits(t);
        if *role == ColRole::Code && digits.is_none() {
            digits = misread_code(t);
            if let Some(d) = &digits {
                self.warnings.push((
                    "budget_code_repaired",
                    format!("row {r} col {c}: code {t:?} read as {d}"),
                ));
            }
        }
        if *role == ColRole::Code && digits.is_some() {
            let d = digits.unwrap_or_default();
            // A 款 or 项 printed in its own column as "2" is "02".
            if !self.code.is_empty() && d.len() == 1 {
                self.code.push('0');
            }
            self.code.push_str(&d);
            self.code_cell.get_or_insert((cell.row, cell.col));
        } else {
            if cell.rowspan > 1 && block_len > 1 {
                self.group = Some(s.cell);
            }
            self.names.push(t.replace('\n', ""));
            self.name_cell = Some((cell.row, cell.col));
        }
    }

    /// A code printed in the name cell ("2080101 行政运行", "[208]社会保障和就业支出"), when
    /// no code column gave one.
    fn code_from_name(&mut self) {
        if self.code.is_empty() {
            if let Some((c, rest)) = self.names.first().and_then(|n| code_in_name(n)) {
                self.code = c;
                self.code_cell = self.name_cell;
                self.names[0] = rest;
            }
        }
    }

    /// Names with a known misreading repaired, each with a warning.
    fn repair_names(&mut self, r: usize) {
        for n in &mut self.names {
            if let Some((fixed, why)) = misread_name(n) {
                self.warnings.push((
                    "budget_name_repaired",
                    format!("row {r}: name {n:?} read as {fixed:?} ({why})"),
                ));
                *n = fixed;
            }
        }
    }

    /// The typed line, or `None` for an empty row: whether it is a total, a group's 小计 or
    /// a 其中 part, from its last name.
    fn into_line(
        self,
        g: &Grid<'_>,
        lay: &Layout,
        bi: usize,
        block: &[usize],
        r: usize,
    ) -> Option<Line> {
        let RowRead {
            code,
            code_cell,
            names,
            name_cell,
            mut group,
            values,
            warnings,
            last_label_cell: _,
        } = self;
        let name = names.join(" / ");
        // An empty row, or one whose only text has no Chinese character: on a scan, specks and
        // dust in an empty row read as "#", "●", "e", "11"; no budget line is named that way.
        if code.is_empty() && !has_han(&name) && values.iter().all(|v| v.amount.is_none()) {
            return None;
        }
        let last_name = names.last().map(String::as_str).unwrap_or("");
        let subtotal = names.len() >= 2
            && is_total_label(last_name)
            && !is_total_label(&names[0])
            && !names[0].trim().is_empty();
        if subtotal && group.is_none() {
            group = first_label_cell(g, block, r);
        }
        let is_total = code.is_empty() && is_total_label(last_name) && !subtotal;
        let of_which = squash(last_name).starts_with("其中");
        Some(Line {
            row: r,
            block: bi,
            section: lay.sections.get(bi).cloned().flatten(),
            code: (!code.is_empty()).then_some(code),
            code_cell,
            level: numbering_level(last_name),
            name,
            name_cell,
            values,
            is_total,
            of_which,
            group,
            subtotal,
            warnings,
        })
    }
}

/// A name a scan misread in ways no printed budget name has: specks after its last character
/// read as a colon or point ("邮电费：", "上年结转资金:"), or the 一 of 一般 lost (a lone
/// horizontal stroke the recogniser drops: "般公共服务支出"). The name repaired, and why.
fn misread_name(n: &str) -> Option<(String, &'static str)> {
    let trimmed = n.trim_end_matches([':', '：', '.', '·', ',', '，', ';', '；']);
    if trimmed.len() < n.len() && has_han(trimmed) {
        return Some((
            trimmed.to_string(),
            "signs after its last character taken for specks",
        ));
    }
    if n.starts_with('般') {
        return Some((format!("一{n}"), "the 一 of 一般 taken as lost"));
    }
    None
}

/// "2080101 行政运行" → ("2080101", "行政运行"): a 3-, 5- or 7-digit code, then a separator.
fn code_in_name(n: &str) -> Option<(String, String)> {
    let f = fold_width(n.trim());
    let f = f.trim_start_matches(['[', '【']);
    let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
    if !matches!(digits.len(), 3 | 5 | 7) {
        return None;
    }
    let rest = &f[digits.len()..];
    let sep = rest.chars().next()?;
    if !(sep.is_whitespace() || matches!(sep, ']' | '】' | '-' | ':' | '：' | '、')) {
        return None;
    }
    let name = rest.trim_start_matches(|c: char| c.is_whitespace() || "]】-:：、".contains(c));
    (!name.is_empty()).then(|| (digits, name.to_string()))
}

fn first_label_cell(g: &Grid<'_>, block: &[usize], r: usize) -> Option<usize> {
    block
        .iter()
        .filter_map(|&c| g.slot(r, c))
        .find(|s| !g.table.cells[s.cell].text.trim().is_empty())
        .map(|s| s.cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, TableCell, TableRecord};

    /// A line of one amount column per raw text, in 万元.
    fn amount_line(row: usize, raws: &[&str]) -> Line {
        Line {
            row,
            block: 0,
            section: None,
            code: None,
            code_cell: None,
            name: format!("行{row}"),
            name_cell: None,
            values: raws
                .iter()
                .enumerate()
                .map(|(col, r)| ValueCell {
                    key: ColKey::Total,
                    col,
                    amount: amount_of(r, Some("万元"), row, col).ok().flatten(),
                })
                .collect(),
            is_total: false,
            level: 0,
            of_which: false,
            group: None,
            subtotal: false,
            warnings: Vec::new(),
        }
    }

    /// One line per raw amount text.
    fn one_per_line(raws: &[&str]) -> Vec<Line> {
        raws.iter()
            .enumerate()
            .map(|(r, t)| amount_line(r, &[t]))
            .collect()
    }

    #[test]
    fn a_decimal_read_twice_is_taken_once_among_two_decimal_amounts() {
        let mut lines = one_per_line(&[
            "12.30",
            "4.50",
            "13,907.778",
            "7.25",
            "1.00",
            "3.785",
            "2.00",
        ]);
        undouble_decimals(&mut lines, Some("万元"));
        let yuan = |l: &Line| l.values[0].amount.as_ref().map(|a| a.yuan);
        assert_eq!(yuan(&lines[2]), Some(Decimal::from(139_077_800)));
        assert_eq!(lines[2].warnings.len(), 1);
        // three decimals with no digit twice in a row cannot be told: left as read
        assert_eq!(yuan(&lines[5]), Some(Decimal::from(37_850)));
        // a table printed with three or four decimals is left alone
        let mut lines = one_per_line(&[
            "12.3001",
            "4.50",
            "13,907.778",
            "7.25",
            "1.00",
            "2.00",
            "3.00",
        ]);
        undouble_decimals(&mut lines, Some("万元"));
        assert!(lines.iter().all(|l| l.warnings.is_empty()));
    }

    /// A table of plain cells, one string per cell.
    pub(crate) fn table_of(rows: &[&[&str]]) -> TableRecord {
        let n_cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        TableRecord {
            kind: "table".into(),
            id: "t-p1-t1".into(),
            source: Source {
                path: "a.pdf".into(),
                sha256: None,
                pages: vec![1],
                tables: vec![],
            },
            title: None,
            unit: Some("万元".into()),
            department: None,
            n_rows: rows.len(),
            n_cols,
            cells: rows
                .iter()
                .enumerate()
                .flat_map(|(row, r)| {
                    r.iter().enumerate().map(move |(col, t)| TableCell {
                        row,
                        col,
                        rowspan: 1,
                        colspan: 1,
                        text: t.to_string(),
                        conf: 0.9,
                        bbox: None,
                    })
                })
                .collect(),
        }
    }

    fn names(rows: &[&[&str]]) -> Vec<String> {
        let t = table_of(rows);
        let g = Grid::new(&t);
        let lay = layout(&g);
        lines(&g, &lay, t.unit.as_deref())
            .into_iter()
            .map(|l| l.name)
            .collect()
    }

    #[test]
    fn names_with_a_scans_specks_or_lost_stroke() {
        let m = |n: &str| misread_name(n).map(|(f, _)| f);
        assert_eq!(m("邮电费：").as_deref(), Some("邮电费"));
        assert_eq!(m("上年结转资金:").as_deref(), Some("上年结转资金"));
        assert_eq!(m("般公共服务支出").as_deref(), Some("一般公共服务支出"));
        assert_eq!(m("一般公共服务支出"), None);
        assert_eq!(m("其中：动用上年结转"), None);
        assert_eq!(m("1."), None);
    }

    #[test]
    fn a_mostly_empty_amount_column_with_specks_is_still_amounts() {
        // The 收入 half's amounts are mostly empty, and specks read as "è", "i1": still the
        // amount column, so the halves stay two sections.
        let t = table_of(&[
            &["收入", "", "支出", ""],
            &["项目", "金额", "项目", "金额"],
            &["一、财政拨款", "100.00", "一、一般公共服务支出", "100.00"],
            &["二、事业收入", "è", "二、外交支出", ""],
            &["三、其他收入", "i1", "三、国防支出", "1"],
            &["四、经营收入", "■", "四、公共安全支出", ""],
            &["收入合计", "100.00", "支出合计", "100.00"],
        ]);
        let g = Grid::new(&t);
        let lay = layout(&g);
        assert_eq!(lay.blocks.len(), 2);
        assert!(matches!(lay.columns[1].role, ColRole::Value(ColKey::Total)));
    }

    #[test]
    fn specks_in_empty_amount_cells_are_no_amounts() {
        let mut w = Vec::new();
        assert!(read_amount("4\n8", Some("万元"), 0, 0, &mut w).is_none());
        assert!(read_amount("■\n4", Some("万元"), 0, 0, &mut w).is_none());
        let a = read_amount("_\n2.71", Some("万元"), 0, 0, &mut w).map(|a| a.yuan);
        assert_eq!(a, Some(Decimal::from(27_100)));
        let a = read_amount("元\n268.58", Some("万元"), 0, 0, &mut w).map(|a| a.yuan);
        assert_eq!(a, Some(Decimal::from(2_685_800)));
        let t = table_of(&[
            &["科目名称", "金额"],
            &["合计", "18.00"],
            &["一、工资", "10.00"],
            &["二、商品", "8.00"],
            &["三、其他", "1"],
            &["四、国防", "0.00"],
            &["五、外交", "0.00"],
        ]);
        let g = Grid::new(&t);
        let ls = lines(&g, &layout(&g), t.unit.as_deref());
        let third = ls.iter().find(|l| l.name == "三、其他").unwrap();
        assert!(third.values[0].amount.is_none() && !third.warnings.is_empty());
        assert!(ls[1].values[0].amount.is_some());
    }

    #[test]
    fn units_as_printed_and_misread() {
        assert_eq!(printed_unit(Some("万元")), Some("万元"));
        assert_eq!(printed_unit(Some("万元元")), Some("万元"));
        assert_eq!(printed_unit(Some("力元")), Some("万元"));
        assert_eq!(printed_unit(Some("元")), Some("元"));
        assert_eq!(printed_unit(Some("千元")), None);
        assert_eq!(printed_unit(Some("")), None);
        assert_eq!(printed_unit(None), None);
    }

    #[test]
    fn speck_debris_in_an_empty_row_is_no_line() {
        let got = names(&[
            &["科目名称", "金额"],
            &["合计", "18.00"],
            &["#", ""],
            &["●", ""],
            &["I6E", ""],
            &["11", ""],
            &["十三、交通运输支出", ""],
            &["", "4.00"],
        ]);
        // A named row with no amount is kept (printed empty); a stray amount is kept too.
        assert_eq!(got, ["合计", "十三、交通运输支出", ""]);
    }

    #[test]
    fn numbering_levels() {
        assert_eq!(numbering_level("一、一般公共预算"), 1);
        assert_eq!(numbering_level("二十三、其他支出"), 1);
        assert_eq!(numbering_level("（一）工资"), 2);
        assert_eq!(numbering_level("1.一般公共预算"), 3);
        assert_eq!(numbering_level("（2）其他"), 4);
        assert_eq!(numbering_level("②公务用车运行维护费"), 5);
        assert_eq!(numbering_level("行政运行"), 0);
        assert_eq!(numbering_level("2023年预算"), 0);
        assert_eq!(numbering_level("1.5万"), 0);
    }

    #[test]
    fn a_code_in_the_name_cell_is_split_off() {
        assert_eq!(
            code_in_name("2080101 行政运行"),
            Some(("2080101".into(), "行政运行".into()))
        );
        assert_eq!(
            code_in_name("[208]社会保障和就业支出"),
            Some(("208".into(), "社会保障和就业支出".into()))
        );
        assert_eq!(code_in_name("2023年预算"), None);
        assert_eq!(code_in_name("一、一般公共预算"), None);
    }

    #[test]
    fn code_levels_split() {
        assert_eq!(code_levels("2080101"), vec!["208", "01", "01"]);
        assert_eq!(code_levels("20801"), vec!["208", "01"]);
        assert_eq!(code_levels("208"), vec!["208"]);
        assert_eq!(code_levels("30101"), vec!["301", "01"]);
        assert_eq!(code_levels("0408"), vec!["0408"]);
    }

    #[test]
    fn amounts_are_exact_yuan_with_their_rounding_unit() {
        let a = amount_of("1,463.84", Some("万元"), 0, 0).unwrap().unwrap();
        assert_eq!(a.yuan, Decimal::from(14_638_400));
        assert_eq!(a.ulp, Decimal::from(100));
        let b = amount_of("96,282,213.44", Some("元"), 0, 0)
            .unwrap()
            .unwrap();
        assert_eq!(b.yuan, "96282213.44".parse::<Decimal>().unwrap());
        assert_eq!(b.ulp, "0.01".parse::<Decimal>().unwrap());
        assert!(amount_of("", Some("元"), 0, 0).unwrap().is_none());
        assert!(amount_of("abc", Some("元"), 0, 0).is_err());
    }

    #[test]
    fn a_scans_misread_point_or_speck_is_repaired_with_a_warning() {
        let read = |raw: &str| {
            let mut w = Vec::new();
            let a = read_amount(raw, Some("万元"), 3, 1, &mut w).map(|a| (a.yuan, a.ulp));
            (a, w.len())
        };
        let wan = |s: &str| {
            Some((
                s.parse::<Decimal>().unwrap() * Decimal::from(10_000),
                Decimal::from(100),
            ))
        };
        for raw in [
            "363,38", "363:38", "363..38", "363.:38", "363.38:", "3,6,3.38",
        ] {
            let (a, n) = read(raw);
            if raw == "3,6,3.38" {
                // Commas that do not group by threes: no reading is guessed.
                assert_eq!((a, n), (None, 1), "{raw}");
            } else {
                assert_eq!((a, n), (wan("363.38"), 1), "{raw}");
            }
        }
        assert_eq!(read("13,297..11"), (wan("13297.11"), 1));
        assert_eq!(read("96,282;213.44"), (wan("96282213.44"), 1));
        assert_eq!(read("1,463.84"), (wan("1463.84"), 0));
        assert_eq!(read("●"), (None, 1));
    }
}
