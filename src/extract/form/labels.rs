//! Form labels: which cell text is which header label, and a row's label/value segments.

use crate::extract::vocab;
use crate::extract::SCell;
use crate::model::{FundKey, Period};
use crate::normalise::{self, MoneyUnit};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Lab {
    Name,
    Dept,
    Impl,
    Attr,
    Origin,
    Term,
    Category,
    Start,
    End,
    FundsUnit(Option<MoneyUnit>),
    Fund(FundKey, Option<Period>),
    GoalsHead,
    Goal(Period, Option<String>),
    Narr(&'static str),
    Contact(&'static str),
}

pub fn narrative_key(c: &str) -> Option<&'static str> {
    const N: [(&str, &str); 10] = [
        ("项目概况", "overview"),
        ("项目概述", "overview"),
        ("立项依据", "basis"),
        ("项目设立必要性", "necessity"),
        ("保证项目实施的制度、措施", "safeguards"),
        ("项目实施计划", "plan"),
        ("项目内容", "content"),
        ("实施主体", "implementer_note"),
        ("起止时间", "dates"),
        ("年度预算安排", "budget_note"),
    ];
    N.iter().find(|(l, _)| *l == c).map(|(_, k)| *k)
}

const FUND_LABELS: [(&str, FundKey, Option<Period>); 14] = [
    ("中期资金总额", FundKey::Total, Some(Period::Midterm)),
    ("实施期资金总额", FundKey::Total, Some(Period::Midterm)),
    ("项目资金总额", FundKey::Total, Some(Period::Midterm)),
    ("年度资金总额", FundKey::Total, Some(Period::Annual)),
    ("年度资金申请总额", FundKey::Total, Some(Period::Annual)),
    ("财政拨款", FundKey::Fiscal, None),
    ("当年财政拨款", FundKey::Fiscal, None),
    ("财政资金", FundKey::Fiscal, None),
    ("上年结转", FundKey::Carryover, None),
    ("上年结转资金", FundKey::Carryover, None),
    ("其他资金", FundKey::Other, None),
    ("中央财政资金", FundKey::Central, None),
    ("省级财政资金", FundKey::Provincial, None),
    ("市县(区)财政资金", FundKey::Local, None),
];

/// `a` is `label` with one character misread: same length (at least four characters, so
/// that one character is not most of the label) and exactly one position different.
pub(super) fn near(a: &str, label: &str) -> bool {
    label.chars().count() >= 4 && vocab::edit1(a, label)
}

/// The one label `text` is [`near`]; None when none is or several are (then the text is not
/// taken for a label at all rather than for the wrong one).
pub(super) fn unique_near<'a, T>(
    text: &str,
    labels: impl Iterator<Item = (&'a str, T)>,
) -> Option<T> {
    let mut hits = labels.filter(|(l, _)| near(text, l));
    let first = hits.next()?;
    hits.next().is_none().then_some(first.1)
}

/// The cell is a 项目名称 label as the form reader reads labels (a colon after it, one
/// character misread): where a form starts.
pub(crate) fn is_name_label(text: &str) -> bool {
    matches!(label_of(text), Some(Lab::Name))
}

/// Signs a speck on a scan is read as, which no form label contains ("、" and the parentheses
/// are printed in labels; a colon before the value is trimmed above).
const SPECK_SIGNS: [char; 15] = [
    '·', '.', '．', ',', '，', ':', '∶', ';', '；', '\'', '`', '"', '“', '”', '。',
];

/// The label a cell's text is, if any: tried as a project field, the 项目资金 unit, a fund, the
/// goals head, a goal, a narrative or contact field, then as a clipped label, in that order.
pub(super) fn label_of(text: &str) -> Option<Lab> {
    let c = vocab::label_text(text);
    // No label ends in a semicolon: it is a colon misread (or a speck beside the label).
    let full = c.trim_end_matches([':', ';', '；']);
    let despeckled = without_specks(full);
    let c = after_of_which(&despeckled);
    if c.is_empty() {
        return None;
    }
    project_label(c)
        .or_else(|| funds_unit_label(c))
        .or_else(|| fund_label(c))
        .or_else(|| (c == "总体目标").then_some(Lab::GoalsHead))
        .or_else(|| goal_label(full))
        .or_else(|| narrative_key(c).map(Lab::Narr))
        .or_else(|| contact_label(c))
        .or_else(|| clipped_label(c))
}

/// The label without the signs no label prints inside it.
fn without_specks(full: &str) -> String {
    // No label prints these signs inside it: between its characters they are specks read as
    // signs ("项目·资金(元)", "市县(区)财政:资金", "“项目期"), and the label is what is left.
    full.chars()
        .filter(|ch| !SPECK_SIGNS.contains(ch))
        .collect()
}

/// The label after a leading "其中" (the fund it names), else the label.
fn after_of_which(despeckled: &str) -> &str {
    // "其中：财政拨款": the colon may be read as any small sign ("其中·财政拨款", gone with the
    // specks above) or lost with the space that stood for it ("其中 中央财政资金"); what follows
    // names the fund either way.
    match despeckled.strip_prefix("其中") {
        Some(rest) if !rest.is_empty() => rest.trim_start_matches(['、', '-']),
        _ => despeckled,
    }
}

/// A project field's label, read exactly or with one character misread.
fn project_label(c: &str) -> Option<Lab> {
    let simple: [(&str, Lab); 12] = [
        ("项目名称", Lab::Name),
        ("主管部门及代码", Lab::Dept),
        ("主管部门", Lab::Dept),
        ("实施单位", Lab::Impl),
        ("项目属性", Lab::Attr),
        ("项目性质", Lab::Attr),
        ("项目来源", Lab::Origin),
        ("项目期", Lab::Term),
        ("项目日期", Lab::Term),
        ("项目类别", Lab::Category),
        ("计划开始日期", Lab::Start),
        ("计划完成日期", Lab::End),
    ];
    if let Some((_, l)) = simple.iter().find(|(k, _)| *k == c) {
        return Some(l.clone());
    }
    unique_near(c, simple.iter().map(|(k, l)| (*k, l))).cloned()
}

/// The 项目资金 label with the unit it prints, if any (not a 项目资金总额).
fn funds_unit_label(c: &str) -> Option<Lab> {
    // "项目资金(万元)"; OCR often misreads 目 (as 日, 自), so one wrong character there is tolerated.
    let funds_rest = c.strip_prefix("项目资金").or_else(|| {
        let mut it = c.char_indices();
        match (it.next(), it.next()) {
            (Some((_, '项')), Some((i, ch))) => c[i + ch.len_utf8()..].strip_prefix("资金"),
            _ => None,
        }
    });
    let rest = funds_rest?;
    if rest.contains("总额") {
        return None;
    }
    // 万 read as a look-alike (方, 力: its strokes broken by speckle or a threshold) before 元
    // in this label is still 万: no form prints 方元.
    let wan = ["万元", "方元", "力元"].iter().any(|u| rest.contains(u));
    let unit = if wan {
        Some(MoneyUnit::Wan)
    } else if rest.contains('元') {
        Some(MoneyUnit::Yuan)
    } else {
        None
    };
    Some(Lab::FundsUnit(unit))
}

/// A fund's label (单位自筹, or one of [`FUND_LABELS`] read exactly or with one character
/// misread).
fn fund_label(c: &str) -> Option<Lab> {
    if c == "单位自筹" || c == "单位自筹资金" {
        return Some(Lab::Fund(FundKey::SelfRaised, None));
    }
    if let Some((_, k, p)) = FUND_LABELS.iter().find(|(l, _, _)| *l == c) {
        return Some(Lab::Fund(*k, *p));
    }
    unique_near(c, FUND_LABELS.iter().map(|(l, k, p)| (*l, (k, p)))).map(|(k, p)| Lab::Fund(*k, *p))
}

/// A midterm or annual goal's label with the span it prints; read from the `full` label,
/// whose span keeps its points.
fn goal_label(full: &str) -> Option<Lab> {
    for (p, prefixes) in [
        (
            Period::Midterm,
            &["中期目标", "实施期目标", "项目总目标"][..],
        ),
        (Period::Annual, &["年度目标", "年度总体目标"][..]),
    ] {
        // The goal labels carry a span whose points are printed ("(2024.1-2026.12)").
        let c = full;
        for pre in prefixes {
            let rest = c.strip_prefix(pre).or_else(|| {
                // A misread character in the label ("年度总体日标"): same length prefix.
                let n = pre.chars().count();
                let end = c.char_indices().nth(n).map_or(c.len(), |(i, _)| i);
                near(&c[..end], pre).then(|| &c[end..])
            });
            if let Some(rest) = rest {
                if rest.is_empty() || rest.starts_with('(') {
                    let span = rest
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .to_string();
                    return Some(Lab::Goal(p, (!span.is_empty()).then_some(span)));
                }
            }
        }
    }
    None
}

/// A contact field's label.
fn contact_label(c: &str) -> Option<Lab> {
    for (l, k) in [
        ("负责人", "leader"),
        ("经办人", "handler"),
        ("联系电话", "phone"),
        ("填报日期", "filled_at"),
    ] {
        if c == l {
            return Some(Lab::Contact(k));
        }
    }
    None
}

/// A label clipped by its cell: a prefix of exactly one fund label ("市县(区)财政资",
/// "财政拨"), at least three characters long, or of 年度总体目标 (at least four).
fn clipped_label(c: &str) -> Option<Lab> {
    if c.chars().count() >= 3 {
        let cands: Vec<&(&str, FundKey, Option<Period>)> = FUND_LABELS
            .iter()
            .filter(|(l, _, _)| l.starts_with(c))
            .collect();
        let keys: Vec<FundKey> = cands.iter().map(|x| x.1).collect();
        if !cands.is_empty() && keys.iter().all(|k| *k == keys[0]) {
            return Some(Lab::Fund(cands[0].1, cands[0].2));
        }
        for (l, lab) in [("年度总体目标", Lab::Goal(Period::Annual, None))] {
            if l.starts_with(c) && c.chars().count() >= 4 {
                return Some(lab);
            }
        }
    }
    None
}

/// A row split into label segments; `pre` are cells before the first label.
pub(super) struct Segs<'a> {
    pub(super) pre: Vec<&'a SCell>,
    pub(super) segs: Vec<(Lab, &'a SCell, Vec<&'a SCell>)>,
}

pub(super) fn segments(cells: &[SCell]) -> Segs<'_> {
    let mut out = Segs {
        pre: Vec::new(),
        segs: Vec::new(),
    };
    for c in cells {
        if let Some(l) = label_of(&c.text) {
            out.segs.push((l, c, Vec::new()));
        } else if let Some(last) = out.segs.last_mut() {
            last.2.push(c);
        } else {
            out.pre.push(c);
        }
    }
    out
}

/// Splits cells that print a label and its value together ("实施期资金总额：1,697,500",
/// "其中：中央财政资金 0", "负责人：张三") into a label cell and a value cell.
pub(super) fn expand_cells(cells: &[SCell]) -> Vec<SCell> {
    let mut out = Vec::with_capacity(cells.len());
    for c in cells {
        if label_of(&c.text).is_none() {
            if let Some((head, tail)) = split_label_value(&c.text) {
                out.push(SCell {
                    text: head,
                    ..c.clone()
                });
                out.push(SCell {
                    text: tail,
                    ..c.clone()
                });
                continue;
            }
        }
        out.push(c.clone());
    }
    out
}

fn split_label_value(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    // After the last colon ("其中：中央财政资金 0" has its label colon first).
    if let Some(i) = t.rfind([':', '：']) {
        let sep = t[i..].chars().next().map(char::len_utf8).unwrap_or(1);
        let (head, tail) = (&t[..i + sep], t[i + sep..].trim());
        if !tail.is_empty() && label_of(head).is_some() {
            return Some((head.to_string(), tail.to_string()));
        }
    }
    let (head, tail) = t.rsplit_once(char::is_whitespace)?;
    let numeric = !tail.is_empty()
        && tail
            .chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, ',' | '.' | '-'));
    (numeric && label_of(head).is_some()).then(|| (head.trim().to_string(), tail.to_string()))
}

/// Department code and name, the name whitespace-normalised.
pub fn split_department(raw: &str) -> (Option<String>, String) {
    let (code, name) = normalise::split_department(raw);
    (code, vocab::tidy(&name))
}
