//! The checks: budget tables add up, within a table (合计 = Σ lines, 类 = Σ 款 = Σ 项, columns
//! across) and between tables of one disclosure (the same quantity printed twice agrees). A
//! failed check is a warning naming the cells; where changing one digit of one cell balances
//! it, the warning says which cell and what value (the value stays as read).

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use super::header::ColKey;
use super::kind::{squash, Stage, TableKind};
use super::lines::{Amount, Line};

/// A line of one table of the file, as the checks see it.
pub struct TLine<'a> {
    pub table: usize,
    pub line: &'a Line,
}

/// One term of a check: a line's cell (the amount may be empty: a null counts as 0).
#[derive(Debug, Clone)]
pub struct Term {
    /// Index into the file's lines.
    pub line: usize,
    pub table: usize,
    pub row: usize,
    pub col: usize,
    pub amount: Option<Amount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// 合计 row = Σ its lines.
    TotalSum,
    /// 类 = Σ 款, 款 = Σ 项 by code prefix; a numbered or grouped line = Σ its sub-lines.
    ParentSum,
    /// A line's columns add across (合计 = 基本 + 项目, = Σ sources, 三公 = Σ parts).
    Across,
    /// 收入合计 = 支出合计 in a 收支总表.
    Balance,
    /// The same quantity printed in two tables.
    CrossTable,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::TotalSum => "budget_total_sum",
            Rule::ParentSum => "budget_parent_sum",
            Rule::Across => "budget_across_sum",
            Rule::Balance => "budget_balance",
            Rule::CrossTable => "budget_cross_table",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    pub rule: Rule,
    pub what: String,
    pub whole: Term,
    pub parts: Vec<Term>,
    pub ok: bool,
    /// whole − Σ parts, yuan.
    pub diff: Decimal,
    /// One-digit candidates: (term index: 0 = whole, 1.. = parts; the balancing printed text).
    pub candidates: Vec<(usize, String)>,
}

fn val(t: &Term) -> Decimal {
    t.amount.as_ref().map(|a| a.yuan).unwrap_or_default()
}

fn tol(terms: impl Iterator<Item = Decimal>) -> Decimal {
    terms.sum()
}

/// Evaluates `whole = Σ parts` within the rounding tolerance; `None` when every term is empty
/// (nothing printed, nothing to check).
pub fn evaluate(rule: Rule, what: String, whole: Term, parts: Vec<Term>) -> Option<Check> {
    if whole.amount.is_none() && parts.iter().all(|p| p.amount.is_none()) {
        return None;
    }
    let sum: Decimal = parts.iter().map(val).sum();
    let diff = val(&whole) - sum;
    let t = tol(std::iter::once(&whole)
        .chain(parts.iter())
        .filter_map(|p| p.amount.as_ref().map(|a| a.ulp)));
    let ok = diff.abs() <= t;
    let mut c = Check {
        rule,
        what,
        whole,
        parts,
        ok,
        diff,
        candidates: Vec::new(),
    };
    if !ok {
        c.candidates = one_digit_candidates(&c, t);
    }
    Some(c)
}

/// The printed digits of an amount and the position of its decimal point.
fn digits_of(raw: &str) -> Option<(Vec<u8>, usize, bool)> {
    let f: String = crate::normalise::fold_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let (neg, body) = match f.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, f),
    };
    let (int, frac) = body.split_once('.').unwrap_or((&body, ""));
    let ds: Vec<u8> = int
        .chars()
        .chain(frac.chars())
        .map(|c| c.to_digit(10).map(|d| d as u8))
        .collect::<Option<Vec<u8>>>()?;
    Some((ds, frac.len(), neg))
}

/// Prints digits back with the original grouping style (commas when the original had them).
fn print_like(raw: &str, ds: &[u8], frac: usize, neg: bool) -> String {
    let commas = raw.contains(',');
    let n = ds.len() - frac;
    let mut int: String = ds[..n].iter().map(|d| (b'0' + d) as char).collect();
    if commas {
        let mut g = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (n - i).is_multiple_of(3) {
                g.push(',');
            }
            g.push(ch);
        }
        int = g;
    }
    let mut s = if neg { format!("-{int}") } else { int };
    if frac > 0 {
        s.push('.');
        s.extend(ds[n..].iter().map(|d| (b'0' + d) as char));
    }
    s
}

/// Every single-digit change of one term that balances the check (the residual within the
/// tolerance).
fn one_digit_candidates(c: &Check, tolerance: Decimal) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let terms = std::iter::once(&c.whole).chain(c.parts.iter());
    for (ti, t) in terms.enumerate() {
        let Some(a) = &t.amount else { continue };
        let Some((ds, frac, neg)) = digits_of(&a.raw) else {
            continue;
        };
        for pos in 0..ds.len() {
            let place = ds.len() - 1 - pos; // power of ten from the last printed digit
            let step = a.ulp * pow10(place as u32);
            for d in 0..10u8 {
                if d == ds[pos] || (pos == 0 && d == 0 && ds.len() > frac + 1) {
                    continue;
                }
                let delta = Decimal::from(d as i64 - ds[pos] as i64) * step;
                let delta = if neg { -delta } else { delta };
                // The whole changes the diff by +delta, a part by −delta.
                let residual = if ti == 0 {
                    c.diff + delta
                } else {
                    c.diff - delta
                };
                if residual.abs() <= tolerance {
                    let mut nd = ds.clone();
                    nd[pos] = d;
                    out.push((residual.abs(), ti, print_like(&a.raw, &nd, frac, neg)));
                }
            }
        }
    }
    // Of the changes that balance within the rounding tolerance, the ones closest to exact.
    let best = out.iter().map(|c| c.0).min().unwrap_or_default();
    out.into_iter()
        .filter(|c| c.0 == best)
        .map(|(_, ti, v)| (ti, v))
        .collect()
}

fn pow10(n: u32) -> Decimal {
    let mut d = Decimal::ONE;
    for _ in 0..n.min(20) {
        d *= Decimal::TEN;
    }
    d
}

fn term(lines: &[TLine<'_>], li: usize, key: ColKey) -> Option<Term> {
    let l = lines[li].line;
    let v = l.get(key)?;
    Some(Term {
        line: li,
        table: lines[li].table,
        row: l.row,
        col: v.col,
        amount: v.amount.clone(),
    })
}

/// The first amount column of a line (the only one in one-column tables), or `total`.
fn main_key(l: &Line) -> Option<ColKey> {
    if l.get(ColKey::Total).is_some() {
        Some(ColKey::Total)
    } else {
        l.values.first().map(|v| v.key)
    }
}

const ACROSS: &[(ColKey, &[ColKey])] = {
    use ColKey::*;
    &[
        (
            Total,
            &[
                Basic,
                Project,
                Reserve,
                CarryoverOut,
                RemitSuperior,
                OperatingExpense,
                SubsidyAffiliated,
            ],
        ),
        (
            Total,
            &[
                GeneralBudget,
                FundBudget,
                StateCapitalBudget,
                SpecialAccount,
                UnitFunds,
                FiscalGrant,
                BusinessIncome,
                OperatingIncome,
                OtherIncome,
                SuperiorSubsidy,
                AffiliatedRemit,
            ],
        ),
        (Total, &[CurrentYear, Carryover]),
        (Total, &[Personnel, PublicExpense]),
        (ThreePublic, &[Outbound, Reception, Vehicles]),
        (Vehicles, &[VehiclePurchase, VehicleOperation]),
        (Total, &[ThreePublic, Meeting, Training]),
    ]
};

/// Columns add across, line by line.
pub fn across_checks(lines: &[TLine<'_>], idx: &[usize], out: &mut Vec<Check>) {
    for &li in idx {
        let l = lines[li].line;
        for (whole, parts) in ACROSS {
            let Some(w) = term(lines, li, *whole) else {
                continue;
            };
            let ps: Vec<Term> = parts.iter().filter_map(|k| term(lines, li, *k)).collect();
            if ps.len() < 2 {
                continue;
            }
            let what = format!(
                "{} = {}",
                whole.as_str(),
                parts
                    .iter()
                    .filter(|k| l.get(**k).is_some())
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" + ")
            );
            // The carry-over column sits beside the sources in some 收入总表 and inside the
            // total in others: either reading balances.
            let with_carry = *parts == ACROSS[1].1 && l.get(ColKey::Carryover).is_some();
            let first = evaluate(Rule::Across, what.clone(), w.clone(), ps.clone());
            match first {
                Some(c) if !c.ok && with_carry => {
                    let mut ps2 = ps.clone();
                    ps2.extend(term(lines, li, ColKey::Carryover));
                    let c2 = evaluate(Rule::Across, format!("{what} + carryover"), w, ps2);
                    out.extend(c2.filter(|c| c.ok).or(Some(c)));
                }
                Some(c) => out.push(c),
                None => {}
            }
        }
    }
}

/// The structure of one block's lines: parents and children, and the top-level lines.
struct Tree {
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
}

fn tree(lines: &[TLine<'_>], idx: &[usize]) -> Tree {
    let n = idx.len();
    let mut parent = vec![None; n];
    let coded = idx.iter().any(|&i| lines[i].line.code.is_some());
    if coded {
        let by_code: HashMap<&str, usize> = idx
            .iter()
            .enumerate()
            .filter_map(|(k, &i)| lines[i].line.code.as_deref().map(|c| (c, k)))
            .collect();
        for (k, &i) in idx.iter().enumerate() {
            if let Some(c) = lines[i].line.code.as_deref() {
                if c.len() > 3 {
                    let p = &c[..c.len() - 2];
                    parent[k] = by_code.get(p).copied();
                }
            }
        }
    } else {
        // Row-spanning groups: the group's 小计 line is the parent of the others.
        let mut group_head: HashMap<usize, usize> = HashMap::new();
        for (k, &i) in idx.iter().enumerate() {
            let l = lines[i].line;
            if let (Some(g), true) = (l.group, l.subtotal) {
                group_head.insert(g, k);
            }
        }
        let mut stack: Vec<(u8, usize)> = Vec::new();
        for (k, &i) in idx.iter().enumerate() {
            let l = lines[i].line;
            if let Some(&h) = l.group.and_then(|g| group_head.get(&g)) {
                if h != k {
                    parent[k] = Some(h);
                }
                continue;
            }
            if l.is_total {
                stack.clear();
                continue;
            }
            if l.of_which {
                if let Some(&(_, p)) = stack.last() {
                    parent[k] = Some(p);
                }
                continue;
            }
            let lv = l.level;
            while stack.last().is_some_and(|&(plv, _)| plv >= lv) {
                stack.pop();
            }
            if lv > 0 {
                parent[k] = stack.last().map(|&(_, p)| p);
            }
            stack.push((lv, k));
        }
    }
    let mut children = vec![Vec::new(); n];
    for (k, p) in parent.iter().enumerate() {
        if let Some(p) = p {
            children[*p].push(k);
        }
    }
    Tree { parent, children }
}

fn is_group_head(l: &Line) -> bool {
    l.subtotal
}

/// Column sums: totals and parents, for every amount column of a block.
pub fn down_checks(lines: &[TLine<'_>], idx: &[usize], out: &mut Vec<Check>) {
    if idx.is_empty() {
        return;
    }
    let tr = tree(lines, idx);
    let keys: Vec<ColKey> = lines[idx[0]].line.values.iter().map(|v| v.key).collect();
    let total = |k: usize| {
        let l = lines[idx[k]].line;
        l.is_total && !is_group_head(l)
    };
    let summable = |k: usize| !lines[idx[k]].line.of_which;
    for key in keys {
        // Parents.
        for (k, ch) in tr.children.iter().enumerate() {
            let ch: Vec<usize> = ch.iter().copied().filter(|&c| summable(c)).collect();
            if ch.is_empty() {
                continue;
            }
            let Some(w) = term(lines, idx[k], key) else {
                continue;
            };
            let ps: Vec<Term> = ch
                .iter()
                .filter_map(|&c| term(lines, idx[c], key))
                .collect();
            let l = lines[idx[k]].line;
            let what = format!(
                "{} {} = Σ its {} sub-lines ({})",
                l.code.as_deref().unwrap_or(""),
                l.name,
                ps.len(),
                key.as_str()
            );
            out.extend(evaluate(Rule::ParentSum, what, w, ps));
        }
        // Totals.
        let top: Vec<bool> = (0..idx.len())
            .map(|k| tr.parent[k].is_none() && !total(k) && summable(k))
            .collect();
        let mut prev_total: Option<usize> = None;
        let mut pending: Vec<usize> = Vec::new();
        let mut consumed_until = 0usize;
        for k in 0..idx.len() {
            if total(k) {
                let terms: Vec<usize> = if pending.is_empty() && prev_total.is_none() {
                    // A total printed above its lines (合计 first, as many tables do).
                    let mut v = Vec::new();
                    for (j, &is_top) in top.iter().enumerate().skip(k + 1) {
                        if total(j) {
                            break;
                        }
                        if is_top {
                            v.push(j);
                        }
                        consumed_until = j + 1;
                    }
                    v
                } else {
                    prev_total
                        .into_iter()
                        .chain(pending.iter().copied())
                        .collect()
                };
                if let Some(w) = term(lines, idx[k], key) {
                    let ps: Vec<Term> = terms
                        .iter()
                        .filter_map(|&j| term(lines, idx[j], key))
                        .collect();
                    if !ps.is_empty() {
                        let l = lines[idx[k]].line;
                        let what = format!("{} = Σ {} lines ({})", l.name, ps.len(), key.as_str());
                        if let Some(c) = evaluate(Rule::TotalSum, what.clone(), w.clone(), ps) {
                            out.push(if c.ok {
                                c
                            } else {
                                flat_fallback(lines, idx, &terms, &tr, w, key, &what).unwrap_or(c)
                            });
                        }
                    }
                }
                prev_total = Some(k);
                pending.clear();
            } else if top[k] && k >= consumed_until {
                pending.push(k);
            }
        }
    }
}

/// For uncoded, unnumbered lists whose groups show only in the figures (工资福利支出 followed
/// by its items): a line that equals the sum of the lines right after it is their parent. The
/// total is checked against the top-level lines so found; used only when the flat sum fails.
fn flat_fallback(
    lines: &[TLine<'_>],
    idx: &[usize],
    terms: &[usize],
    tr: &Tree,
    whole: Term,
    key: ColKey,
    what: &str,
) -> Option<Check> {
    if terms.iter().any(|&j| {
        let l = lines[idx[j]].line;
        l.code.is_some() || l.level > 0 || !tr.children[j].is_empty()
    }) {
        return None;
    }
    let vals: Vec<Option<Term>> = terms.iter().map(|&j| term(lines, idx[j], key)).collect();
    let v = |i: usize| vals[i].as_ref().map(val).unwrap_or_default();
    let mut top = Vec::new();
    let mut i = 0;
    while i < vals.len() {
        let target = v(i);
        let mut s = Decimal::ZERO;
        let mut end = None;
        if target > Decimal::ZERO {
            for j in i + 1..vals.len() {
                s += v(j);
                let ulps: Decimal = vals[i..=j]
                    .iter()
                    .flatten()
                    .filter_map(|t| t.amount.as_ref().map(|a| a.ulp))
                    .sum();
                if (s - target).abs() <= ulps {
                    end = Some(j);
                    break;
                }
                if s > target + ulps {
                    break;
                }
            }
        }
        top.push(i);
        i = end.map(|e| e + 1).unwrap_or(i + 1);
    }
    let ps: Vec<Term> = top.iter().filter_map(|&i| vals[i].clone()).collect();
    let c = evaluate(
        Rule::TotalSum,
        format!("{what}, groups found by their sums"),
        whole,
        ps,
    )?;
    c.ok.then_some(c)
}

/// 收入 total = 支出 total in a table with both halves.
pub fn balance_checks(lines: &[TLine<'_>], idx: &[usize], out: &mut Vec<Check>) {
    let mut totals: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in idx {
        let l = lines[i].line;
        if l.is_total && !is_group_head(l) {
            if let Some(s) = &l.section {
                totals.entry(s.clone()).or_default().push(i);
            }
        }
    }
    let Some(inc) = totals.get("income") else {
        return;
    };
    for (s, exp) in &totals {
        if s == "income" {
            continue;
        }
        let mut pairs = vec![(*inc.last().unwrap_or(&0), *exp.last().unwrap_or(&0))];
        if inc.len() == exp.len() && inc.len() > 1 {
            pairs.push((inc[0], exp[0]));
        }
        for (a, b) in pairs {
            let (Some(ka), Some(kb)) = (main_key(lines[a].line), main_key(lines[b].line)) else {
                continue;
            };
            let (Some(w), Some(p)) = (term(lines, a, ka), term(lines, b, kb)) else {
                continue;
            };
            if p.amount.is_none() {
                continue;
            }
            let what = format!("{} = {}", lines[a].line.name, lines[b].line.name);
            out.extend(evaluate(Rule::Balance, what, w, vec![p]));
        }
    }
}

/// What the cross-table checks need to know about each table.
pub struct TableFacts {
    pub kind: TableKind,
    pub stage: Stage,
    pub id: String,
}

/// The name without its numbering ("一、", "1.", "（一）", "①").
fn strip_numbering(name: &str) -> String {
    let t = crate::normalise::fold_width(name.trim());
    let rest = if super::lines::numbering_level(&t) == 0 {
        t.as_str()
    } else if t.starts_with('(') || t.starts_with('（') {
        t.split_once([')', '）']).map(|(_, r)| r).unwrap_or(&t)
    } else if t.starts_with(|c: char| ('①'..='⑳').contains(&c)) {
        t.char_indices().nth(1).map(|(i, _)| &t[i..]).unwrap_or("")
    } else {
        t.split_once(['、', '.']).map(|(_, r)| r).unwrap_or(&t)
    };
    squash(rest)
}

/// The same quantity printed in two tables of one disclosure.
pub fn cross_checks(
    lines: &[TLine<'_>],
    tables: &[TableFacts],
    records: &[crate::model::Record],
    out: &mut Vec<Check>,
) {
    let x = Across { lines, tables };
    for (what, groups) in quantity_sets(&x) {
        compare_groups(&x, what, groups, out);
    }
    let prj = x.of_kind(TableKind::ProjectExpenditure);
    if !prj.is_empty() {
        project_total_check(&x, &prj, out);
        project_fund_checks(&x, &prj, records, out);
    }
}

/// A disclosure's lines and tables as the cross-table checks look lines up in them.
struct Across<'l, 'a> {
    lines: &'l [TLine<'a>],
    tables: &'l [TableFacts],
}

impl Across<'_, '_> {
    /// The lines (indices) of the tables of one kind.
    fn of_kind(&self, k: TableKind) -> Vec<usize> {
        (0..self.lines.len())
            .filter(|&i| self.tables[self.lines[i].table].kind == k)
            .collect::<Vec<usize>>()
    }

    /// The first ungrouped total line among `v`, in `section` when one is given.
    fn first_total(&self, v: &[usize], section: Option<&str>) -> Option<usize> {
        v.iter().copied().find(|&i| {
            let l = self.lines[i].line;
            l.is_total
                && l.group.is_none()
                && (section.is_none() || l.section.as_deref() == section)
        })
    }

    /// The first line among `v` in `section` whose name, numbering stripped, starts `name`.
    fn named(&self, v: &[usize], section: &str, name: &str) -> Option<usize> {
        v.iter().copied().find(|&i| {
            let l = self.lines[i].line;
            l.section.as_deref() == Some(section) && strip_numbering(&l.name).starts_with(name)
        })
    }

    /// The line is in a 预算 (not a 决算) table.
    fn budget(&self, i: usize) -> bool {
        self.tables[self.lines[i].table].stage == Stage::Budget
    }

    /// The line's main amount.
    fn main(&self, i: usize) -> Option<Term> {
        main_key(self.lines[i].line).and_then(|k| term(self.lines, i, k))
    }

    /// A table's grand total: its total line, or the totals of its side-by-side halves
    /// (人员经费合计 | 公用经费合计) taken together.
    fn table_total(&self, v: &[usize], key: Option<ColKey>) -> Vec<Term> {
        let lines = self.lines;
        let mut blocks: Vec<usize> = v.iter().map(|&i| lines[i].line.block).collect();
        blocks.dedup();
        let firsts: Vec<usize> = blocks
            .iter()
            .filter_map(|b| {
                let of_b: Vec<usize> = v
                    .iter()
                    .copied()
                    .filter(|&i| lines[i].line.block == *b)
                    .collect();
                self.first_total(&of_b, None)
            })
            .collect();
        if firsts.len() > 1 && firsts.iter().any(|&i| lines[i].line.section.is_some()) {
            return vec![];
        }
        firsts
            .iter()
            .filter_map(|&i| match key {
                Some(k) => term(lines, i, k),
                None => self.main(i),
            })
            .collect()
    }
}

/// The quantities printed in several tables, each with the groups of terms that print it:
/// the 一般公共预算 total, the 财政拨款 total and the two 基本支出.
fn quantity_sets(x: &Across<'_, '_>) -> Vec<(&'static str, Vec<Vec<Term>>)> {
    use TableKind::*;
    let lines = x.lines;
    let gbe = x.of_kind(GeneralBudgetExpenditure);
    let fgs = x.of_kind(FiscalGrantSummary);
    let ies = x.of_kind(IncomeExpenditureSummary);
    let fge = x.of_kind(FiscalGrantExpenditure);
    let gbb = x.of_kind(GeneralBudgetBasicExpenditure);
    let fgb = x.of_kind(FiscalGrantBasicExpenditure);

    let mut sets: Vec<(&str, Vec<Vec<Term>>)> = Vec::new();
    // 一般公共预算 expenditure.
    let one = |t: Option<Term>| t.into_iter().collect::<Vec<Term>>();
    let gb = vec![
        x.table_total(&gbe, None),
        one(x
            .first_total(&fgs, Some("expenditure"))
            .and_then(|i| term(lines, i, ColKey::GeneralBudget))),
        one(x
            .named(&fgs, "income", "一般公共预算")
            .filter(|&i| x.budget(i))
            .and_then(|i| x.main(i))),
        one(x
            .named(&ies, "income", "一般公共预算")
            .filter(|&i| x.budget(i))
            .and_then(|i| x.main(i))),
    ];
    sets.push(("一般公共预算 total", gb));
    // 财政拨款 total.
    let fg = vec![
        one(x.first_total(&fgs, Some("income")).and_then(|i| x.main(i))),
        x.table_total(&fge, None),
    ];
    sets.push(("财政拨款 total", fg));
    // 基本支出 of the general budget and of the fiscal grants.
    let b = vec![
        x.table_total(&gbe, Some(ColKey::Basic)),
        x.table_total(&gbb, None),
    ];
    sets.push(("一般公共预算 基本支出", b));
    let fb = vec![
        one(x
            .named(&fgs, "expenditure_purpose", "基本支出")
            .and_then(|i| x.main(i))),
        x.table_total(&fgb, None),
    ];
    sets.push(("财政拨款 基本支出", fb));
    sets
}

/// Checks one quantity's groups against the one printed in a single cell (the whole), each
/// group from another table.
fn compare_groups(x: &Across<'_, '_>, what: &str, groups: Vec<Vec<Term>>, out: &mut Vec<Check>) {
    let groups: Vec<Vec<Term>> = groups.into_iter().filter(|g| !g.is_empty()).collect();
    // The whole is a quantity printed in one cell; the others are compared with it.
    let Some(wi) = groups.iter().position(|g| g.len() == 1) else {
        return;
    };
    let w = groups[wi][0].clone();
    for (gi, g) in groups.iter().enumerate() {
        if gi == wi || g.iter().any(|p| p.table == w.table) {
            continue;
        }
        let d = format!(
            "{what}: {} vs {}",
            x.tables[w.table].id, x.tables[g[0].table].id
        );
        out.extend(evaluate(Rule::CrossTable, d, w.clone(), g.clone()));
    }
}

/// 项目支出 in the 支出总表 vs the 项目支出预算表(s): each one's total line, or its lines
/// (not the 其中 ones) when it prints none.
fn project_total_check(x: &Across<'_, '_>, prj: &[usize], out: &mut Vec<Check>) {
    let lines = x.lines;
    let exs = x.of_kind(TableKind::ExpenditureSummary);
    if let Some(w) = x
        .first_total(&exs, None)
        .and_then(|i| term(lines, i, ColKey::Project))
    {
        let mut parts = Vec::new();
        let mut prj_tables: Vec<usize> = prj.iter().map(|&i| lines[i].table).collect();
        prj_tables.dedup();
        for t in prj_tables {
            let of_t: Vec<usize> = prj
                .iter()
                .copied()
                .filter(|&i| lines[i].table == t)
                .collect();
            match x.first_total(&of_t, None) {
                Some(i) => parts.extend(x.main(i)),
                None => parts.extend(
                    of_t.iter()
                        .filter(|&&i| !lines[i].line.of_which)
                        .filter_map(|&i| x.main(i)),
                ),
            }
        }
        let d = "项目支出 of the 支出总表 = Σ the 项目支出预算表".to_string();
        out.extend(evaluate(Rule::CrossTable, d, w, parts));
    }
}

/// A project's amount vs its 绩效目标表's funds, where the name is unambiguous.
fn project_fund_checks(
    x: &Across<'_, '_>,
    prj: &[usize],
    records: &[crate::model::Record],
    out: &mut Vec<Check>,
) {
    let lines = x.lines;
    let mut count: HashMap<String, usize> = HashMap::new();
    for &i in prj {
        *count.entry(squash(&lines[i].line.name)).or_default() += 1;
    }
    let mut rec_count: HashMap<String, usize> = HashMap::new();
    for r in records {
        if let Some(n) = &r.project.name {
            *rec_count.entry(squash(n)).or_default() += 1;
        }
    }
    for &i in prj {
        let l = lines[i].line;
        let n = squash(&l.name);
        if l.is_total || count.get(&n) != Some(&1) || rec_count.get(&n) != Some(&1) {
            continue;
        }
        let Some(r) = records
            .iter()
            .find(|r| r.project.name.as_deref().map(squash).as_deref() == Some(n.as_str()))
        else {
            continue;
        };
        let Some(Some(total)) = r
            .funds
            .annual
            .as_ref()
            .and_then(|a| a.get(&crate::model::FundKey::Total))
        else {
            continue;
        };
        let Some(w) = x.main(i) else { continue };
        let unit_wan = r.funds.declared_unit.as_deref() == Some("万元");
        let p = fund_term(i, lines[i].table, total.0, unit_wan);
        let d = format!(
            "{}: 项目支出预算表 vs 绩效目标表 {} annual total",
            l.name, r.id
        );
        out.extend(evaluate(Rule::CrossTable, d, w, vec![p]));
    }
}

/// A record's annual fund total as a check term on line `line` (no cell: row and col
/// `usize::MAX`), its rounding step that of the unit it was declared in.
fn fund_term(line: usize, table: usize, yuan: Decimal, unit_wan: bool) -> Term {
    Term {
        line,
        table,
        row: usize::MAX,
        col: usize::MAX,
        amount: Some(Amount {
            yuan,
            ulp: if unit_wan {
                Decimal::from(100)
            } else {
                "0.01".parse().unwrap_or(Decimal::ONE)
            },
            raw: yuan.to_string(),
            row: usize::MAX,
            col: usize::MAX,
            wan: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(raw: &str, wan: bool) -> Term {
        let a = super::super::lines::amount_of(raw, Some(if wan { "万元" } else { "元" }), 0, 0)
            .unwrap();
        Term {
            line: 0,
            table: 0,
            row: 0,
            col: 0,
            amount: a,
        }
    }

    #[test]
    fn rounding_within_one_unit_per_term_passes() {
        let c = evaluate(
            Rule::TotalSum,
            "x".into(),
            t("5,584.31", true),
            vec![t("4,930.43", true), t("314.07", true), t("339.82", true)],
        )
        .unwrap();
        assert!(c.ok);
    }

    #[test]
    fn a_misread_digit_is_found_with_its_balancing_value() {
        let c = evaluate(
            Rule::Across,
            "x".into(),
            t("4,194.19", true),
            vec![t("2,730.35", true), t("1,468.84", true)],
        )
        .unwrap();
        assert!(!c.ok);
        assert!(
            c.candidates.contains(&(2, "1,463.84".to_string())),
            "{:?}",
            c.candidates
        );
        assert!(
            c.candidates.contains(&(0, "4,199.19".to_string())),
            "{:?}",
            c.candidates
        );
    }

    #[test]
    fn numbering_is_stripped_from_names() {
        assert_eq!(strip_numbering("一、一般公共预算"), "一般公共预算");
        assert_eq!(strip_numbering("1.一般公共预算"), "一般公共预算");
        assert_eq!(strip_numbering("（一）基本支出"), "基本支出");
        assert_eq!(strip_numbering("②公务用车运行维护费"), "公务用车运行维护费");
        assert_eq!(strip_numbering("一般公共预算"), "一般公共预算");
    }

    #[test]
    fn all_empty_is_no_check() {
        assert!(evaluate(Rule::TotalSum, "x".into(), t("", true), vec![t("-", true)]).is_none());
    }

    #[test]
    fn an_empty_total_with_printed_parts_fails() {
        let c = evaluate(
            Rule::TotalSum,
            "x".into(),
            t("", true),
            vec![t("3.00", true)],
        )
        .unwrap();
        assert!(!c.ok);
    }

    #[test]
    fn digits_print_back_in_the_same_style() {
        let (d, f, n) = digits_of("1,463.84").unwrap();
        assert_eq!(print_like("1,463.84", &d, f, n), "1,463.84");
        let (d, f, n) = digits_of("96282213.44").unwrap();
        assert_eq!(print_like("96282213.44", &d, f, n), "96282213.44");
    }
}
