//! Clipped-name repair across a run (twin in the other period, same indicator elsewhere in the
//! document, the run's corpus). Never invents characters: a name is only ever replaced by a
//! longer name printed elsewhere of which it is a strict prefix.
//!
//! A source must be the same indicator, not one that merely starts the same way: it has the
//! same 二级指标 (or is the other period's cell of the same printed row with the same value),
//! and either the same printed value or it is the only candidate. A name is
//! suspected clipped when it fills its column: it is as long as the longest names of its
//! period in the form, and at least two different names reach that length (an exporter cuts
//! every long cell at the same width). A suspected name that finds no source, or whose source
//! is itself suspected, keeps a warning.

use std::collections::{HashMap, HashSet};

use crate::model::{Indicator, Period, Record};

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn ws_free(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

type ColKey = (Period, Option<(String, usize)>);

fn col_key(i: &Indicator) -> ColKey {
    (i.period, i.cell.as_ref().map(|c| (c.table.clone(), c.col)))
}

/// Per printed column (period, table, column), the length at which names are cut, if the
/// column shows one: the largest length (of at least 12 characters) that three or more
/// different names share exactly. Longer names in the same column happen (rows exported from
/// a wider cell), so the longest name is not the width. The width is only believed when one
/// of the names at it is visibly cut: a strict prefix of a longer name of the form.
fn clip_widths(r: &Record) -> HashMap<ColKey, usize> {
    let mut groups: HashMap<ColKey, HashSet<String>> = HashMap::new();
    for i in &r.indicators {
        groups
            .entry(col_key(i))
            .or_default()
            .insert(ws_free(&i.name_raw));
    }
    let mut out = HashMap::new();
    for (k, names) in groups {
        let mut by_len: HashMap<usize, usize> = HashMap::new();
        for n in &names {
            *by_len.entry(chars(n)).or_default() += 1;
        }
        let Some(w) = by_len
            .iter()
            .filter(|(l, n)| **l >= 12 && **n >= 3)
            .map(|(l, _)| *l)
            .max()
        else {
            continue;
        };
        // A longer name that merely starts with this one ("…利息支出" beside "…利息支出时间")
        // is no evidence where the short name is printed too: there it was not cut.
        let visibly_cut = names.iter().filter(|n| chars(n) == w).any(|n| {
            let bare = crate::extract::vocab::indicator_name(n);
            r.indicators.iter().any(|o| {
                o.name.len() > bare.len()
                    && o.name.starts_with(bare.as_str())
                    && !r
                        .indicators
                        .iter()
                        .any(|x| x.name == bare && col_key(x) == col_key(o))
            })
        });
        if visibly_cut {
            out.insert(k, w);
        }
    }
    out
}

fn at_width(i: &Indicator, widths: &HashMap<ColKey, usize>) -> bool {
    widths
        .get(&col_key(i))
        .is_some_and(|w| chars(&ws_free(&i.name_raw)) == *w)
}

/// At its column's width, and not printed identically somewhere it was not cut.
fn suspected_in(r: &Record, i: &Indicator, widths: &HashMap<ColKey, usize>) -> bool {
    at_width(i, widths)
        && !r
            .indicators
            .iter()
            .any(|o| o.name == i.name && !at_width(o, widths))
}

/// A number followed by a percent sign: "(100%", "≥95％".
fn carries_percentage(rest: &str) -> bool {
    let cs: Vec<char> = rest.chars().filter(|c| !c.is_whitespace()).collect();
    cs.windows(2).any(|w| {
        (w[0].is_ascii_digit() || ('０'..='９').contains(&w[0])) && matches!(w[1], '%' | '％')
    })
}

/// Only a bracketed note or unit: "（%）", "(人次)".
fn is_bracketed_note(rest: &str) -> bool {
    rest.starts_with(['(', '（', '[', '【']) && rest.ends_with([')', '）', ']', '】'])
}

/// The one repair among candidates (names of which `name` is a strict prefix): prefer those
/// printed with the same value; the candidates must be one name or a chain of prefixes of the
/// longest (which is then taken).
fn choose<'a>(name: &str, value: &str, cands: &[(&'a str, &'a str)]) -> Option<&'a str> {
    let cands: Vec<(&str, &str)> = cands
        .iter()
        .copied()
        .filter(|(n, _)| n.len() > name.len() && n.starts_with(name))
        .filter(|(n, v)| {
            let rest = &n[name.len()..];
            // A continuation carrying a percentage is a value merged into the name cell
            // ("…完成率(100%"), not the rest of a clipped name. A bare unit is not a value:
            // rejecting every '%' lost "…覆盖率" → "…覆盖率（%）" and "…验收" → "…验收合格率
            // （%）": 34 twins in one seed document (seed 004), now repaired.
            !carries_percentage(rest)
                // A name that is a whole phrase without its bracketed unit ("…满意度" beside
                // "…满意度（%）") may be a different row: only the same value makes it the
                // same indicator (the form printed both "…满意度(%) ≥95%" and "…满意度 ≥96%").
                && (!is_bracketed_note(rest) || (!value.is_empty() && *v == value))
        })
        .collect();
    if cands.is_empty() {
        return None;
    }
    let same: Vec<&str> = cands
        .iter()
        .filter(|(_, v)| !value.is_empty() && *v == value)
        .map(|(n, _)| *n)
        .collect();
    let pool: Vec<&str> = if same.is_empty() {
        cands.iter().map(|(n, _)| *n).collect()
    } else {
        same
    };
    let longest = pool.iter().copied().max_by_key(|n| n.len())?;
    pool.iter()
        .all(|n| longest.starts_with(n))
        .then_some(longest)
}

/// Repairs the run's clipped indicator names (every source as read, before any repair), then
/// its department and implementer names.
pub fn repair_run(records: &mut [Record]) {
    let widths: Vec<HashMap<ColKey, usize>> = records.iter().map(clip_widths).collect();
    let all = snapshot(records, &widths);
    let doc_of = document_keys(records);
    for (ri, w) in widths.iter().enumerate() {
        repair_record(records, ri, &all, &doc_of, w);
    }
    repair_units(records, &doc_of);
}

/// Snapshot of every indicator: (record, period, level2, name, value, suspected).
struct Entry {
    rec: usize,
    period: Period,
    level2: Option<String>,
    name: String,
    value: String,
    suspected: bool,
    /// (table, row) of the name cell.
    row: Option<(String, usize)>,
}

/// Every indicator of the run as read, before any is repaired: the sources repairs look in.
fn snapshot(records: &[Record], widths: &[HashMap<ColKey, usize>]) -> Vec<Entry> {
    let mut all: Vec<Entry> = Vec::new();
    for (ri, r) in records.iter().enumerate() {
        for i in &r.indicators {
            all.push(Entry {
                rec: ri,
                period: i.period,
                level2: i.level2.clone(),
                name: i.name.clone(),
                value: i.value_raw.clone(),
                suspected: suspected_in(r, i, &widths[ri]),
                row: i.cell.as_ref().map(|c| (c.table.clone(), c.row)),
            });
        }
    }
    all
}

/// The document each record came from: its file's hash, else its path.
fn document_keys(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            r.source
                .sha256
                .clone()
                .unwrap_or_else(|| r.source.path.clone())
        })
        .collect()
}

/// Repairs the clipped names of record `ri` from the snapshot `all`, warning of a suspected
/// name left clipped or repaired from a source itself suspected.
fn repair_record(
    records: &mut [Record],
    ri: usize,
    all: &[Entry],
    doc_of: &[String],
    widths: &HashMap<ColKey, usize>,
) {
    let mut warnings = Vec::new();
    let susp: Vec<bool> = records[ri]
        .indicators
        .iter()
        .map(|i| suspected_in(&records[ri], i, widths))
        .collect();
    for (k, ind) in records[ri].indicators.iter_mut().enumerate() {
        if chars(&ind.name) < 2 {
            continue;
        }
        match full_name(ind, ri, all, doc_of, susp[k]) {
            Some((full, src_clipped)) => {
                ind.name = full;
                if src_clipped {
                    warnings.push(format!(
                        "indicator {}: name truncated, only partially repaired",
                        k + 1
                    ));
                }
            }
            None if susp[k] => {
                warnings.push(format!("indicator {}: name truncated, not repaired", k + 1));
            }
            None => {}
        }
    }
    records[ri].warnings.extend(warnings);
}

/// The full name of indicator `ind` of record `ri` and whether its source is itself suspected
/// clipped: looked for in the other period of the form, then elsewhere in the document, then
/// (for a `suspected` name only) in other documents.
fn full_name(
    ind: &Indicator,
    ri: usize,
    all: &[Entry],
    doc_of: &[String],
    suspected: bool,
) -> Option<(String, bool)> {
    type Tier<'a> = Box<dyn Fn(&&Entry) -> bool + 'a>;
    let name = ind.name.clone();
    let same_l2 = |e: &&Entry| e.level2 == ind.level2;
    // The other period's cell in the same printed row with the same value is the
    // twin even where the two columns print different 二级 (seed 004: "…及时率" under
    // 时效指标 beside "…及时率（%）" under a merged 质量指标; two twins so repaired).
    let row = ind.cell.as_ref().map(|c| (c.table.clone(), c.row));
    let same_row = |e: &&Entry| {
        e.rec == ri
            && e.period != ind.period
            && row.is_some()
            && e.row == row
            && !ind.value_raw.is_empty()
            && e.value == ind.value_raw
    };
    // That cell printing the very same name is the twin, and it adds nothing: a longer
    // name starting with it in another row of the other period is another indicator
    // (seed 004: an annual 满意度 name printed whole in both columns of its row was
    // lengthened from the row above). Names cut alike in both columns still find
    // their source elsewhere in the document.
    let row_twin_alike = all.iter().any(|e| same_row(&e) && e.name == name);
    let tiers: [Tier<'_>; 3] = [
        Box::new(|e: &&Entry| e.rec == ri && e.period != ind.period),
        Box::new(|e: &&Entry| e.rec != ri && doc_of[e.rec] == doc_of[ri]),
        Box::new(|e: &&Entry| doc_of[e.rec] != doc_of[ri]),
    ];
    for (t, tier) in tiers.iter().enumerate() {
        if t == 0 && row_twin_alike {
            continue;
        }
        let pool: Vec<&Entry> = all
            .iter()
            .filter(|e| same_l2(e) || (t == 0 && same_row(e)))
            .filter(|e| tier(e))
            .collect();
        let cands: Vec<(&str, &str)> = pool
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str()))
            .collect();
        // Beyond the form itself, only a source printed with the same value counts,
        // and a complete name followed elsewhere by a note ("…满意度（%）") is not cut;
        // from other documents, only a name seen cut at its column's width is repaired.
        if t == 2 && !suspected {
            continue;
        }
        let cands: Vec<(&str, &str)> = if t == 0 {
            cands
        } else {
            cands
                .into_iter()
                .filter(|(_, v)| !ind.value_raw.is_empty() && *v == ind.value_raw)
                .filter(|(n, _)| {
                    !n.get(name.len()..)
                        .is_some_and(|rest| rest.starts_with(['(', '（', '[', '【']))
                })
                .collect()
        };
        if let Some(full) = choose(&name, &ind.value_raw, &cands) {
            let src_clipped = pool.iter().any(|e| e.name == full && e.suspected);
            return Some((full.to_string(), src_clipped));
        }
    }
    None
}

/// Organisation names end in a unit word; one that does not was probably cut by its cell.
fn looks_complete_org(s: &str) -> bool {
    const ENDS: [char; 24] = [
        '场', '科', '组', '团', '局', '心', '院', '校', '会', '部', '厅', '委', '办', '站', '所',
        '处', '司', '队', '室', '馆', '社', '府', '位', '行',
    ];
    s.chars()
        .last()
        .is_some_and(|c| ENDS.contains(&c) || c == ')' || c == '）')
}

/// Department and implementer names: repaired from the longest name of the same document
/// that they are a strict prefix of (when that is unique), else flagged if they look cut.
fn repair_units(records: &mut [Record], doc_of: &[String]) {
    let mut by_doc: HashMap<&str, Vec<String>> = HashMap::new();
    for (ri, r) in records.iter().enumerate() {
        let v = by_doc.entry(doc_of[ri].as_str()).or_default();
        for n in [&r.project.department, &r.project.implementer]
            .into_iter()
            .flatten()
        {
            if !n.is_empty() {
                v.push(n.clone());
            }
        }
    }
    let mut fixes: Vec<(usize, bool, Option<String>, bool)> = Vec::new();
    for (ri, r) in records.iter().enumerate() {
        let names = by_doc.get(doc_of[ri].as_str()).cloned().unwrap_or_default();
        for (is_dept, field) in [
            (true, &r.project.department),
            (false, &r.project.implementer),
        ] {
            let Some(n) = field.as_deref().filter(|n| chars(n) >= 2) else {
                continue;
            };
            let cands: Vec<(&str, &str)> = names.iter().map(|x| (x.as_str(), "")).collect();
            let full = choose(n, "", &cands).map(String::from);
            let still_cut = match &full {
                Some(f) => !looks_complete_org(f),
                None => !looks_complete_org(n),
            };
            if full.is_some() || still_cut {
                fixes.push((ri, is_dept, full, still_cut));
            }
        }
    }
    for (ri, is_dept, full, still_cut) in fixes {
        let r = &mut records[ri];
        let label = if is_dept { "department" } else { "implementer" };
        if let Some(f) = &full {
            if is_dept {
                r.project.department = Some(f.clone());
            } else {
                r.project.implementer = Some(f.clone());
            }
        }
        if still_cut {
            r.warnings.push(format!(
                "project.{label}: truncated, {}",
                if full.is_some() {
                    "only partially repaired"
                } else {
                    "not repaired"
                }
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Indicator;

    fn ind(p: Period, l2: &str, name: &str, v: &str) -> Indicator {
        Indicator {
            period: p,
            level1: None,
            level2: Some(l2.into()),
            level2_code: None,
            name: name.into(),
            name_raw: name.into(),
            value_raw: v.into(),
            value: None,
            cell: None,
        }
    }

    #[test]
    fn clipped_annual_name_is_repaired_from_its_twin_only() {
        let r = Record {
            indicators: vec![
                ind(
                    Period::Midterm,
                    "数量指标",
                    "学院建筑物及附属、测试站",
                    "≥9项",
                ),
                ind(
                    Period::Midterm,
                    "时效指标",
                    "学院建筑物及附属维修时间",
                    "寒暑假",
                ),
                ind(Period::Annual, "数量指标", "学院建筑物及附属", "≥9项"),
                ind(Period::Annual, "质量指标", "学院建筑物", "≥95%"),
            ],
            ..Record::default()
        };
        let mut rs = vec![r];
        repair_run(&mut rs);
        let names: Vec<&str> = rs[0].indicators.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names[2], "学院建筑物及附属、测试站");
        // No 质量指标 source: other indicators starting the same way are not sources.
        assert_eq!(names[3], "学院建筑物");
    }

    #[test]
    fn complete_names_that_start_another_name_are_not_suspected() {
        // Three names of the same (long) length, one the start of another printed name; the
        // short one is printed in that name's column too, so nothing was cut.
        let names = [
            "政府专项债券资金利息支出",
            "中长期贷款本金及利息支出",
            "政府专项债券利息支出时间",
            "中长期贷款本金及利息支出时间",
        ];
        let mut inds = Vec::new();
        for p in [Period::Midterm, Period::Annual] {
            for n in names {
                inds.push(ind(p, "数量指标", n, "≥1笔"));
            }
        }
        let mut rs = vec![Record {
            indicators: inds,
            ..Record::default()
        }];
        repair_run(&mut rs);
        assert_eq!(rs[0].warnings, Vec::<String>::new());
        // Cut for real: the twin column prints the whole name, never the short one.
        let mut inds = Vec::new();
        for n in &names[..3] {
            inds.push(ind(Period::Midterm, "数量指标", n, "≥1笔"));
        }
        inds.push(ind(Period::Annual, "数量指标", names[3], "≥1笔"));
        let mut rs = vec![Record {
            indicators: inds,
            ..Record::default()
        }];
        repair_run(&mut rs);
        assert_eq!(rs[0].indicators[1].name, names[3]);
    }

    #[test]
    fn ambiguous_sources_are_not_used() {
        assert_eq!(choose("ab", "", &[("abc", ""), ("abd", "")]), None);
        assert_eq!(
            choose("ab", "1", &[("abc", "1"), ("abd", "2")]),
            Some("abc")
        );
        assert_eq!(choose("ab", "", &[("abc", ""), ("abcd", "")]), Some("abcd"));
        assert_eq!(choose("ab", "", &[("ab", "")]), None);
        assert_eq!(choose("ab", "", &[("abc(100%", "")]), None);
        assert_eq!(choose("ab", "", &[("abc(≥95％", "")]), None);
        // A unit is no value; after a whole phrase it needs the same value.
        assert_eq!(choose("ab", "", &[("abc（%）", "")]), Some("abc（%）"));
        assert_eq!(choose("ab", "1", &[("ab（%）", "2")]), None);
        assert_eq!(choose("ab", "1", &[("ab（%）", "1")]), Some("ab（%）"));
    }

    #[test]
    fn a_twin_ending_in_a_bracketed_unit_completes_its_clipped_name() {
        // A made-up two-period form whose annual name column is narrow.
        let mid = [
            ("质量指标", "路灯更换完好率（%）", "≥90%"),
            ("质量指标", "巡检终端验收合格率（%）", "100%"),
            ("服务对象满意度指标", "住户满意度(%)", "≥95%"),
            ("服务对象满意度指标", "住户满意度", "≥97%"),
        ];
        let ann = [
            ("质量指标", "路灯更换完好率", "≥90%"),
            ("质量指标", "巡检终端验收", "100%"),
            ("服务对象满意度指标", "住户满意度", "≥95%"),
            ("服务对象满意度指标", "住户满意度", "≥97%"),
        ];
        let mut inds = Vec::new();
        for (l2, n, v) in mid {
            inds.push(ind(Period::Midterm, l2, n, v));
        }
        for (l2, n, v) in ann {
            inds.push(ind(Period::Annual, l2, n, v));
        }
        let mut rs = vec![Record {
            indicators: inds,
            ..Record::default()
        }];
        repair_run(&mut rs);
        let names: Vec<&str> = rs[0].indicators[4..]
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "路灯更换完好率（%）",
                "巡检终端验收合格率（%）",
                "住户满意度(%)",
                // Another value: the whole phrase printed without its unit is another row.
                "住户满意度",
            ]
        );
        // The midterm names were complete and stay so.
        assert_eq!(rs[0].indicators[3].name, "住户满意度");
        assert_eq!(rs[0].warnings, Vec::<String>::new());
    }

    /// `i` as read from row `row` of table t1.
    fn at(mut i: Indicator, row: usize) -> Indicator {
        i.cell = Some(crate::model::CellRef {
            table: "t1".into(),
            page: 1,
            row,
            col: 3,
        });
        i
    }

    #[test]
    fn a_twin_in_the_same_printed_row_may_print_another_level() {
        let mut rs = vec![Record {
            indicators: vec![
                at(
                    ind(Period::Midterm, "质量指标", "补贴拨付及时率（%）", "100%"),
                    4,
                ),
                at(
                    ind(Period::Midterm, "质量指标", "巡查记录完整率", "100%"),
                    5,
                ),
                at(ind(Period::Annual, "时效指标", "补贴拨付及时", "100%"), 4),
                // Another row: the level tells them apart, no repair.
                at(ind(Period::Annual, "时效指标", "巡查记录", "100%"), 6),
            ],
            ..Record::default()
        }];
        repair_run(&mut rs);
        assert_eq!(rs[0].indicators[2].name, "补贴拨付及时率（%）");
        assert_eq!(rs[0].indicators[3].name, "巡查记录");
    }

    #[test]
    fn a_name_its_row_twin_prints_identically_is_whole() {
        let l2 = "服务对象满意度指标";
        let mut rs = vec![Record {
            indicators: vec![
                at(ind(Period::Midterm, l2, "来访群众办事满意度", "满意"), 8),
                at(ind(Period::Midterm, l2, "来访群众", "满意"), 9),
                at(ind(Period::Annual, l2, "窗口人员满意度", "≥95%"), 8),
                // Printed the same in the midterm column of its row: whole, not cut.
                at(ind(Period::Annual, l2, "来访群众", "满意"), 9),
                // No row twin of the same name: still completed from the other period.
                at(ind(Period::Annual, l2, "来访群众办事", "满意"), 10),
            ],
            ..Record::default()
        }];
        // Another form of the same document prints one of them whole.
        let mut other = Record {
            indicators: vec![ind(Period::Midterm, l2, "来访群众满意度", "满意")],
            ..Record::default()
        };
        other.source.sha256 = Some("d1".into());
        rs[0].source.sha256 = Some("d1".into());
        let mut alone = rs.clone();
        repair_run(&mut alone);
        let names: Vec<&str> = alone[0]
            .indicators
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(names[1], "来访群众");
        assert_eq!(names[3], "来访群众");
        assert_eq!(names[4], "来访群众办事满意度");
        rs.push(other);
        repair_run(&mut rs);
        let names: Vec<&str> = rs[0].indicators.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names[1], "来访群众满意度");
        assert_eq!(names[3], "来访群众满意度");
    }

    #[test]
    fn department_is_completed_from_the_same_document() {
        let mut a = Record::default();
        a.project.department = Some("六安市人力资源和社".into());
        let mut b = Record::default();
        b.project.department = Some("六安市人力资源和社会保障局".into());
        let mut rs = vec![a, b];
        repair_run(&mut rs);
        assert_eq!(
            rs[0].project.department.as_deref(),
            Some("六安市人力资源和社会保障局")
        );
        assert!(rs[0].warnings.is_empty());
    }
}
