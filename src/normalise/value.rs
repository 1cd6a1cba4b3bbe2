//! 指标值 parsing: one printed target value to `Value` (op, exact number scaled by 万/亿, unit,
//! kind; or a date; or text). The rules are SCHEMA.md's `value` section.

use rust_decimal::Decimal;

use super::fields::{month_end, parse_decimal, ymd};
use super::text::{clean_text, fold_width, is_cjk};
use super::{Num, Op, Value, ValueKind};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal, String),
    Text(String),
}

/// Operator words, longest first so "不低于" wins over "低于".
const PREFIX_OPS: [(&str, Op); 27] = [
    ("大于或等于", Op::Ge),
    ("小于或等于", Op::Le),
    ("高于或等于", Op::Ge),
    ("低于或等于", Op::Le),
    ("大于等于", Op::Ge),
    ("小于等于", Op::Le),
    ("不低于", Op::Ge),
    ("不少于", Op::Ge),
    ("不小于", Op::Ge),
    ("不超过", Op::Le),
    ("不高于", Op::Le),
    ("不多于", Op::Le),
    ("不大于", Op::Le),
    ("至少", Op::Ge),
    ("最少", Op::Ge),
    ("最多", Op::Le),
    ("至多", Op::Le),
    ("大于", Op::Gt),
    ("高于", Op::Gt),
    ("超过", Op::Gt),
    ("多于", Op::Gt),
    ("小于", Op::Lt),
    ("低于", Op::Lt),
    ("少于", Op::Lt),
    ("大约", Op::Approx),
    ("约为", Op::Approx),
    ("约", Op::Approx),
];

/// Words after the number (or its unit) that carry the operator.
const SUFFIX_OPS: [(&str, Op); 9] = [
    ("及以上", Op::Ge),
    ("以上", Op::Ge),
    ("以内", Op::Le),
    ("之内", Op::Le),
    ("以下", Op::Le),
    ("及以下", Op::Le),
    ("左右", Op::Approx),
    ("上下", Op::Approx),
    ("内", Op::Le),
];

/// Measure words, longest first. Anything else short and Chinese after a number is kept too;
/// this list only decides where a unit ends when words follow it ("1次团体心理治疗").
const UNITS: [&str; 88] = [
    "个自然日",
    "自然日",
    "个工作日",
    "平方公里",
    "平方米",
    "立方米",
    "工作日",
    "个百分点",
    "百分点",
    "人次",
    "户次",
    "批次",
    "车次",
    "架次",
    "场次",
    "家次",
    "课时",
    "学时",
    "小时",
    "分钟",
    "年度",
    "季度",
    "个月",
    "次数",
    "人数",
    "公里",
    "千米",
    "公顷",
    "千克",
    "公斤",
    "岗位",
    "册数",
    "份数",
    "平米",
    "周",
    "天",
    "日",
    "月",
    "年",
    "次",
    "人",
    "户",
    "名",
    "位",
    "个",
    "件",
    "份",
    "套",
    "台",
    "辆",
    "项",
    "场",
    "块",
    "盒",
    "条",
    "笔",
    "张",
    "本",
    "册",
    "卷",
    "页",
    "期",
    "批",
    "所",
    "家",
    "座",
    "处",
    "间",
    "篇",
    "部",
    "类",
    "种",
    "门",
    "支",
    "岗",
    "米",
    "亩",
    "吨",
    "克",
    "秒",
    "倍",
    "株",
    "棵",
    "头",
    "只",
    "箱",
    "袋",
    "瓶",
];

fn op_symbol(c: char) -> Option<Op> {
    Some(match c {
        '≥' | '≧' | '⩾' => Op::Ge,
        '≤' | '≦' | '⩽' => Op::Le,
        '>' => Op::Gt,
        '<' => Op::Lt,
        '=' => Op::Eq,
        '≈' | '≒' | '~' | '～' => Op::Approx,
        _ => return None,
    })
}

/// Folds, strips spaces and normalises two-character operators.
fn prepare(raw: &str) -> String {
    let t = fold_width(&clean_text(raw));
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t
        .replace(">=", "≥")
        .replace("=>", "≥")
        .replace("≥=", "≥")
        .replace("<=", "≤")
        .replace("=<", "≤")
        .replace("≤=", "≤")
        .replace('−', "-");
    // A doubled cell prints its text twice ("1年1年"). A bare number cannot be told from its
    // double ("11"), so only text with a unit or word is undoubled.
    let n = t.chars().count();
    if n >= 2 && n.is_multiple_of(2) {
        let half: String = t.chars().take(n / 2).collect();
        let numeric = half
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
        if !numeric && t[half.len()..] == half {
            return half;
        }
    }
    t
}

/// Splits into numbers and the text between them. Thousands separators are accepted only in
/// groups of three, so "1,2" stays two numbers.
fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut dotted = false;
    let mut i = 0;
    while i < cs.len() {
        if cs[i].is_ascii_digit() {
            let st = i;
            while i < cs.len() && cs[i].is_ascii_digit() {
                i += 1;
            }
            // ",ddd" groups (only after a first group of at most three digits).
            if i - st <= 3 {
                while i + 3 < cs.len() + 1
                    && cs.get(i) == Some(&',')
                    && cs[i + 1..].len() >= 3
                    && cs[i + 1..i + 4].iter().all(char::is_ascii_digit)
                    && !cs.get(i + 4).is_some_and(char::is_ascii_digit)
                {
                    i += 4;
                }
            }
            if !dotted && cs.get(i) == Some(&'.') && cs.get(i + 1).is_some_and(char::is_ascii_digit)
            {
                let mut j = i + 1;
                while j < cs.len() && cs[j].is_ascii_digit() {
                    j += 1;
                }
                // "2024.6.30" is a date with dots, not the decimal 2024.6.
                if cs.get(j) == Some(&'.') && cs.get(j + 1).is_some_and(char::is_ascii_digit) {
                    dotted = true;
                } else {
                    i = j;
                }
            }
            let lit: String = cs[st..i].iter().collect();
            let d = parse_decimal(&lit)?;
            if !text.is_empty() {
                out.push(Tok::Text(std::mem::take(&mut text)));
            }
            out.push(Tok::Num(d, lit));
        } else {
            text.push(cs[i]);
            i += 1;
        }
    }
    if !text.is_empty() {
        out.push(Tok::Text(text));
    }
    Some(out)
}

/// Parses a 指标值 cell. `None` for an empty cell.
pub fn parse_value(raw: &str) -> Option<Value> {
    let s = prepare(raw);
    if s.is_empty() {
        return None;
    }
    Some(parse_prepared(&s).unwrap_or_else(Value::text))
}

fn parse_prepared(s: &str) -> Option<Value> {
    let toks = tokenize(s)?;
    let nums: Vec<usize> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, Tok::Num(..)))
        .map(|(i, _)| i)
        .collect();
    if nums.is_empty() {
        return None;
    }
    if let Some(v) = date_value(&toks) {
        return v;
    }
    if nums.len() != 1 {
        return None;
    }
    let k = nums[0];
    let Tok::Num(n, _) = &toks[k] else {
        return None;
    };
    let prefix = match k.checked_sub(1).map(|j| &toks[j]) {
        Some(Tok::Text(t)) => t.as_str(),
        _ => "",
    };
    let suffix = match toks.get(k + 1) {
        Some(Tok::Text(t)) => t.as_str(),
        _ => "",
    };
    quantity(prefix, *n, suffix)
}

fn text_str(t: Option<&Tok>) -> &str {
    match t {
        Some(Tok::Text(s)) => s,
        _ => "",
    }
}

fn num_of(t: Option<&Tok>) -> Option<(Decimal, &str)> {
    match t {
        Some(Tok::Num(d, lit)) => Some((*d, lit.as_str())),
        _ => None,
    }
}

fn small_int(d: Decimal, lit: &str) -> Option<u32> {
    if lit.contains(['.', ',']) {
        return None;
    }
    u32::try_from(d).ok()
}

/// Dates: "2024年12月底前", "2024年6月30日", "2023年", "2024-12-31". `Some(None)`: looks like a
/// date but is not one representable value (a period, a month with 底/前 but no year) → text.
/// `None`: not a date; try a quantity.
fn date_value(toks: &[Tok]) -> Option<Option<Value>> {
    let k = toks.iter().position(|t| matches!(t, Tok::Num(..)))?;
    let (first, lit) = num_of(toks.get(k))?;
    let prefix = if k > 0 { text_str(toks.get(k - 1)) } else { "" };
    let after = text_str(toks.get(k + 1));
    let year = small_int(first, lit)
        .filter(|_| lit.len() == 4)
        .filter(|y| (1949..=2200).contains(y))
        .and_then(|y| i32::try_from(y).ok());
    let Some(y) = year else {
        return month_without_year(toks, k);
    };

    let (pre_op, pre_words) = date_prefix(prefix);
    if !pre_words {
        // Words before a year ("截至2024年底完成率…"): a phrase, not a date; if a 年 follows,
        // the number is a year all the same, so it is no quantity either.
        return if after.starts_with('年') {
            Some(None)
        } else {
            None
        };
    }

    // ISO-like: 2024-12-31, 2024.12.31, 2024/12/31 (anything else with "-" is a period).
    if matches!(after, "-" | "/" | ".") {
        let sep = after;
        let (Some((m, mlit)), Some((d, dlit))) = (num_of(toks.get(k + 2)), num_of(toks.get(k + 4)))
        else {
            return (sep == "-").then_some(None);
        };
        if text_str(toks.get(k + 3)) != sep || toks.len() > k + 6 {
            return Some(None);
        }
        let date = ymd(y, small_int(m, mlit)?, small_int(d, dlit)?);
        return Some(finish_date(date, pre_op, text_str(toks.get(k + 5))));
    }

    let rest = after.strip_prefix('年')?;
    let rest = rest.strip_prefix('度').unwrap_or(rest);
    if toks.len() == k + 2 {
        // "2023年", "2023年底", "2023年底前", "2023年内"; other words make it a phrase.
        let end = rest.starts_with(['底', '末']);
        let (tail_op, tail) = tail_markers(rest);
        if !tail.is_empty() {
            return Some(None);
        }
        let date = if end || tail_op.is_some() {
            ymd(y, 12, 31)
        } else {
            Some(format!("{y:04}"))
        };
        return Some(date.map(|d| date_v(pre_op.or(tail_op).unwrap_or(Op::Eq), d)));
    }
    if !rest.is_empty() {
        return Some(None);
    }
    let Some((m, mlit)) = num_of(toks.get(k + 2)) else {
        return Some(None);
    };
    let Some(m) = small_int(m, mlit) else {
        return Some(None);
    };
    let Some(after_m) = text_str(toks.get(k + 3)).strip_prefix('月') else {
        return Some(None);
    };
    if let Some((d, dlit)) = num_of(toks.get(k + 4)).filter(|_| after_m.is_empty()) {
        // "2024年6月30日…"
        let after_d = text_str(toks.get(k + 5));
        let tail = after_d.strip_prefix(['日', '号']);
        return Some(match (tail, small_int(d, dlit)) {
            (Some(tail), Some(d)) if toks.len() <= k + 6 => finish_date(ymd(y, m, d), pre_op, tail),
            _ => None,
        });
    }
    if toks.len() > k + 4 {
        // "2023年1月至12月": a period.
        return Some(None);
    }
    // "2024年6月", "2024年6月底", "2024年6月底前": month precision unless 底/末 names the day.
    let date = if after_m.starts_with(['底', '末']) {
        month_end(y, m)
    } else if (1..=12).contains(&m) {
        Some(format!("{y:04}-{m:02}"))
    } else {
        None
    };
    Some(finish_date(date, pre_op, after_m))
}

/// A month with no year: "11月", "≤12月" are quantities (`None`), but "9月底前完成…" and
/// "12月31日前" name a day of an unknown year and are text.
fn month_without_year(toks: &[Tok], k: usize) -> Option<Option<Value>> {
    let rest = text_str(toks.get(k + 1)).strip_prefix('月')?;
    if rest.starts_with(['底', '末', '前']) || rest.starts_with("中旬") {
        return Some(None);
    }
    let day_follows = rest.is_empty()
        && num_of(toks.get(k + 2)).is_some()
        && text_str(toks.get(k + 3)).starts_with(['日', '号']);
    day_follows.then_some(None)
}

/// The operator before a date and whether the rest of the prefix is a date preposition
/// (在, 于, 截至…) rather than words of a phrase.
fn date_prefix(prefix: &str) -> (Option<Op>, bool) {
    let op = prefix_op(prefix);
    let words = strip_op_words(prefix);
    match words.as_str() {
        "" | "在" | "于" => (op, true),
        "截至" | "截止" | "截止到" | "到" => (op.or(Some(Op::Le)), true),
        _ => (op, false),
    }
}

fn date_v(op: Op, date: String) -> Value {
    Value {
        op: Some(op),
        date: Some(date),
        kind: ValueKind::Date,
        ..Value::default()
    }
}

fn finish_date(date: Option<String>, pre_op: Option<Op>, tail: &str) -> Option<Value> {
    let (tail_op, rest) = tail_markers(tail);
    if !rest.is_empty() {
        return None;
    }
    date.map(|d| date_v(pre_op.or(tail_op).unwrap_or(Op::Eq), d))
}

/// After a date: 前 / 之前 / 以前 / 内 (→ ≤) and a trailing 完成-type verb. Returns the op and
/// whatever is left that is not such a marker.
fn tail_markers(s: &str) -> (Option<Op>, String) {
    let mut t = s.trim_start_matches(['底', '末']);
    let mut op = None;
    for w in ["之前", "以前", "前", "以内", "之内", "内"] {
        if let Some(r) = t.strip_prefix(w) {
            op = Some(Op::Le);
            t = r;
            break;
        }
    }
    for w in [
        "全部完成",
        "前完成",
        "完成",
        "结束",
        "到位",
        "实施完毕",
        "完毕",
    ] {
        if let Some(r) = t.strip_prefix(w) {
            t = r;
            break;
        }
    }
    let t = t.trim_end_matches(['。', '.', ';', '；', ',', '，']);
    (op, t.to_string())
}

/// The operator stated before the number: the last symbol or word in the prefix. A word inside
/// a longer one ("低于" in "不低于") does not count on its own.
fn prefix_op(prefix: &str) -> Option<Op> {
    let mut found: Vec<(usize, usize, Op)> = prefix
        .char_indices()
        .filter_map(|(i, c)| op_symbol(c).map(|op| (i, i + c.len_utf8(), op)))
        .collect();
    for (w, op) in PREFIX_OPS {
        for (i, _) in prefix.match_indices(w) {
            let (s, e) = (i, i + w.len());
            if !found.iter().any(|&(fs, fe, _)| fs <= s && e <= fe) {
                found.push((s, e, op));
            }
        }
    }
    found
        .into_iter()
        .max_by_key(|&(_, e, _)| e)
        .map(|(_, _, op)| op)
}

fn strip_op_words(prefix: &str) -> String {
    let mut t: String = prefix.chars().filter(|c| op_symbol(*c).is_none()).collect();
    for (w, _) in PREFIX_OPS {
        t = t.replace(w, "");
    }
    t
}

fn strip_suffix_op(s: &str) -> (Option<Op>, &str) {
    for (w, op) in SUFFIX_OPS {
        if let Some(r) = s.strip_prefix(w) {
            return (Some(op), r);
        }
    }
    (None, s)
}

fn take_unit(s: &str) -> (Option<String>, &str) {
    if s.is_empty() {
        return (None, s);
    }
    // "(平方米)" — a unit in brackets.
    if let Some(inner) = s.strip_prefix('(') {
        if let Some(end) = inner.find(')') {
            let u = &inner[..end];
            if !u.is_empty() && u.chars().count() <= 4 {
                return (Some(u.to_string()), &inner[end + 1..]);
            }
        }
    }
    for u in UNITS {
        if let Some(r) = s.strip_prefix(u) {
            return (Some(u.to_string()), r);
        }
    }
    // Latin units (m², km, kg, GB) and the like.
    let latin: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || matches!(c, '²' | '³'))
        .collect();
    if !latin.is_empty() && latin.len() <= 4 {
        return (Some(latin.clone()), &s[latin.len()..]);
    }
    if let Some(c) = s.chars().next().filter(|c| matches!(c, '‰' | '℃' | '°')) {
        return (Some(c.to_string()), &s[c.len_utf8()..]);
    }
    // An unlisted measure word ("90分以上"): a short Chinese word standing alone or before an
    // operator word or a "/".
    let word: String = s.chars().take_while(|c| is_cjk(*c)).collect();
    let end = SUFFIX_OPS
        .iter()
        .filter_map(|(w, _)| word.find(w))
        .min()
        .unwrap_or(word.len());
    let unit = &word[..end];
    let n = unit.chars().count();
    let rest = &s[end..];
    let stands_alone =
        rest.is_empty() || rest.starts_with(['/', '(', '·']) || strip_suffix_op(rest).0.is_some();
    if (1..=2).contains(&n) && stands_alone {
        return (Some(unit.to_string()), rest);
    }
    (None, s)
}

fn quantity(prefix: &str, n: Decimal, suffix: &str) -> Option<Value> {
    let mut op = prefix_op(prefix);
    // A minus sign only at the start or right after an operator; elsewhere "-" joins words.
    let neg = prefix
        .strip_suffix('-')
        .is_some_and(|b| b.is_empty() || b.chars().last().and_then(op_symbol).is_some());
    let n = if neg { -n } else { n };
    let mut s = suffix;
    let (o, r) = strip_suffix_op(s);
    set_op(o, &mut op);
    s = bracketed_unit(r);
    let (n, r) = magnitude(n, s)?;
    let (o, r) = strip_suffix_op(r);
    set_op(o, &mut op);
    let (kind, mut unit, r) = kind_and_unit(prefix, r);
    let (o, r) = strip_suffix_op(r);
    set_op(o, &mut op);
    s = r;
    // "/人/月", "/年": per-something parts of the unit (not for percent: "%/年" is rare and
    // "1.5%贷款总量" must not grow a unit).
    if kind != ValueKind::Percent {
        s = per_units(s, &mut unit, &mut op);
    }
    if is_label_or_narrative(prefix, s, kind, unit.is_none()) {
        return None;
    }
    Some(Value {
        op: Some(op.unwrap_or(Op::Eq)),
        number: Some(Num(n.normalize())),
        unit,
        date: None,
        kind,
    })
}

/// Sets the operator `o` read after the number unless one was read before it.
fn set_op(o: Option<Op>, op: &mut Option<Op>) {
    if op.is_none() {
        *op = o;
    }
}

/// The text after the number without the brackets of a unit printed in them.
fn bracketed_unit(s: &str) -> &str {
    // A unit printed in brackets after the number ("=100.00(%)", "≥5(万元)") is the unit itself.
    s.strip_prefix(['(', '（'])
        .and_then(|r| r.strip_suffix([')', '）']))
        .filter(|i| !i.is_empty() && !i.contains(['(', ')', '（', '）']))
        .unwrap_or(s)
}

/// The number scaled by a 万, 亿 or 千元 after it, and the text after that; `None` on
/// overflow.
fn magnitude(n: Decimal, s: &str) -> Option<(Decimal, &str)> {
    Some(if let Some(r) = s.strip_prefix('万') {
        (n.checked_mul(Decimal::from(10_000))?, r)
    } else if let Some(r) = s.strip_prefix('亿') {
        (n.checked_mul(Decimal::from(100_000_000))?, r)
    } else if s.starts_with("千元") {
        // 千元 is a money unit of its own; a bare 千 is left as printed.
        (n.checked_mul(Decimal::from(1_000))?, &s['千'.len_utf8()..])
    } else {
        (n, s)
    })
}

/// What the number is (a percent, money or a quantity) and its unit, from the text after it
/// (or a 百分之 before it), and the text left.
fn kind_and_unit<'s>(prefix: &str, s: &'s str) -> (ValueKind, Option<String>, &'s str) {
    if let Some(r) = s.strip_prefix('%').or_else(|| s.strip_prefix("百分比")) {
        (ValueKind::Percent, Some("%".to_string()), r)
    } else if let Some(r) = s.strip_prefix('元') {
        (ValueKind::Money, Some("元".to_string()), r)
    } else if prefix.ends_with("百分之") {
        (ValueKind::Percent, Some("%".to_string()), s)
    } else {
        let (u, r) = take_unit(s);
        (ValueKind::Quantity, u, r)
    }
}

/// Appends the per-units after the unit ("/人/月", "·月") to it, with any operator after
/// each; the text left.
fn per_units<'s>(mut s: &'s str, unit: &mut Option<String>, op: &mut Option<Op>) -> &'s str {
    // "元/人·月": the middle dot joins per-units like "/".
    while let Some((sep, r)) = s.strip_prefix('/').map(|r| ('/', r)).or_else(|| {
        s.strip_prefix('·')
            .filter(|_| unit.is_some())
            .map(|r| ('·', r))
    }) {
        let (u, r2) = take_unit(r);
        let Some(u) = u else { break };
        unit.get_or_insert_with(String::new)
            .push_str(&format!("{sep}{u}"));
        s = r2;
        let (o, r3) = strip_suffix_op(s);
        set_op(o, op);
        s = r3;
    }
    s
}

/// The number is a label or a numbering, or part of a sentence, not a target: judged by the
/// words around it (`prefix`, and `s` after its unit).
fn is_label_or_narrative(prefix: &str, s: &str, kind: ValueKind, no_unit: bool) -> bool {
    // What the number is embedded in. A bare number inside words ("2023预算数", "(1) 项目概述",
    // "站牌/13") is a label or a numbering, not a target; a sentence around a number is
    // narrative. A phrase around a number with a unit is a target ("开展至少1次团体心理治疗").
    let pre_words = strip_op_words(prefix);
    let pre_words = pre_words.strip_suffix('-').unwrap_or(&pre_words);
    let has_words = |t: &str| t.chars().any(is_cjk);
    let sentence = |t: &str| t.contains(['，', '。', '；', ',', ';']) && has_words(t);
    if sentence(pre_words) || sentence(s) {
        return true;
    }
    if kind == ValueKind::Quantity && no_unit && (has_words(pre_words) || has_words(s)) {
        return true;
    }
    kind == ValueKind::Quantity
        && no_unit
        && (pre_words.ends_with('/')
            || pre_words.ends_with(['、', '.', ')', '）'])
            || s.starts_with(['、', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(raw: &str) -> String {
        serde_json::to_string(&parse_value(raw)).unwrap_or_default()
    }

    /// (raw, expected JSON of the parsed value). Every example of SCHEMA.md's `value` section,
    /// then the shapes that occur in real 指标值 columns.
    const CASES: &[(&str, &str)] = &[
        // SCHEMA.md table
        (
            ">135万人",
            r#"{"op":">","number":1350000,"unit":"人","kind":"quantity"}"#,
        ),
        (
            "≤300万元",
            r#"{"op":"≤","number":3000000,"unit":"元","kind":"money"}"#,
        ),
        (
            "≥95%",
            r#"{"op":"≥","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "95%以上",
            r#"{"op":"≥","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "2177元/人/月",
            r#"{"op":"=","number":2177,"unit":"元/人/月","kind":"money"}"#,
        ),
        (
            "8万元/个",
            r#"{"op":"=","number":80000,"unit":"元/个","kind":"money"}"#,
        ),
        (
            "5000 元左右/年",
            r#"{"op":"≈","number":5000,"unit":"元/年","kind":"money"}"#,
        ),
        (
            "≤60天内",
            r#"{"op":"≤","number":60,"unit":"天","kind":"quantity"}"#,
        ),
        (
            "2024年12月底前",
            r#"{"op":"≤","date":"2024-12-31","kind":"date"}"#,
        ),
        (
            "≥13459.00(平方米)",
            r#"{"op":"≥","number":13459,"unit":"平方米","kind":"quantity"}"#,
        ),
        (
            "=100.00(%)",
            r#"{"op":"=","number":100,"unit":"%","kind":"percent"}"#,
        ),
        ("效果显著", r#"{"kind":"text"}"#),
        // SCHEMA.md prose
        ("", "null"),
        ("   ", "null"),
        (
            "10000/年",
            r#"{"op":"=","number":10000,"unit":"/年","kind":"quantity"}"#,
        ),
        (
            "≤120万",
            r#"{"op":"≤","number":1200000,"unit":null,"kind":"quantity"}"#,
        ),
        (
            "2024年6月30日前",
            r#"{"op":"≤","date":"2024-06-30","kind":"date"}"#,
        ),
        (
            "2024年6月30日",
            r#"{"op":"=","date":"2024-06-30","kind":"date"}"#,
        ),
        (
            "2024年12月31日前完成",
            r#"{"op":"≤","date":"2024-12-31","kind":"date"}"#,
        ),
        (
            "2024年9月底前完成",
            r#"{"op":"≤","date":"2024-09-30","kind":"date"}"#,
        ),
        (
            "2024年12月底",
            r#"{"op":"=","date":"2024-12-31","kind":"date"}"#,
        ),
        (
            "2024年2月底",
            r#"{"op":"=","date":"2024-02-29","kind":"date"}"#,
        ),
        ("2023年", r#"{"op":"=","date":"2023","kind":"date"}"#),
        (
            "≤12月",
            r#"{"op":"≤","number":12,"unit":"月","kind":"quantity"}"#,
        ),
        (
            "11月",
            r#"{"op":"=","number":11,"unit":"月","kind":"quantity"}"#,
        ),
        (
            "4季度",
            r#"{"op":"=","number":4,"unit":"季度","kind":"quantity"}"#,
        ),
        ("1月—12月", r#"{"kind":"text"}"#),
        ("1—12月", r#"{"kind":"text"}"#),
        (
            "1.5%贷款总量",
            r#"{"op":"=","number":1.5,"unit":"%","kind":"percent"}"#,
        ),
        (
            "当年征缴额的2%",
            r#"{"op":"=","number":2,"unit":"%","kind":"percent"}"#,
        ),
        (
            "1年1年",
            r#"{"op":"=","number":1,"unit":"年","kind":"quantity"}"#,
        ),
        (
            "1年 1年",
            r#"{"op":"=","number":1,"unit":"年","kind":"quantity"}"#,
        ),
        ("次数", r#"{"kind":"text"}"#),
        (
            "15次数",
            r#"{"op":"=","number":15,"unit":"次数","kind":"quantity"}"#,
        ),
        (
            "3000人次",
            r#"{"op":"=","number":3000,"unit":"人次","kind":"quantity"}"#,
        ),
        (
            "≥4批次",
            r#"{"op":"≥","number":4,"unit":"批次","kind":"quantity"}"#,
        ),
        (
            "开展至少1次团体心理治疗",
            r#"{"op":"≥","number":1,"unit":"次","kind":"quantity"}"#,
        ),
        (
            "满意率100%",
            r#"{"op":"=","number":100,"unit":"%","kind":"percent"}"#,
        ),
        (
            "＞１３５万人",
            r#"{"op":">","number":1350000,"unit":"人","kind":"quantity"}"#,
        ),
        (
            "≧95%",
            r#"{"op":"≥","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "≦98%",
            r#"{"op":"≤","number":98,"unit":"%","kind":"percent"}"#,
        ),
        (
            ">=95%",
            r#"{"op":"≥","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "不低于95%",
            r#"{"op":"≥","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "不少于10次",
            r#"{"op":"≥","number":10,"unit":"次","kind":"quantity"}"#,
        ),
        (
            "至少3场",
            r#"{"op":"≥","number":3,"unit":"场","kind":"quantity"}"#,
        ),
        (
            "30天以内",
            r#"{"op":"≤","number":30,"unit":"天","kind":"quantity"}"#,
        ),
        (
            "不超过5%",
            r#"{"op":"≤","number":5,"unit":"%","kind":"percent"}"#,
        ),
        (
            "不高于200元/人",
            r#"{"op":"≤","number":200,"unit":"元/人","kind":"money"}"#,
        ),
        (
            "100人左右",
            r#"{"op":"≈","number":100,"unit":"人","kind":"quantity"}"#,
        ),
        (
            "约100人",
            r#"{"op":"≈","number":100,"unit":"人","kind":"quantity"}"#,
        ),
        (
            "=100%",
            r#"{"op":"=","number":100,"unit":"%","kind":"percent"}"#,
        ),
        (
            "<20人",
            r#"{"op":"<","number":20,"unit":"人","kind":"quantity"}"#,
        ),
        (
            "3.03亿元",
            r#"{"op":"=","number":303000000,"unit":"元","kind":"money"}"#,
        ),
        (
            "≤10亿元",
            r#"{"op":"≤","number":1000000000,"unit":"元","kind":"money"}"#,
        ),
        (
            "0.3 万册",
            r#"{"op":"=","number":3000,"unit":"册","kind":"quantity"}"#,
        ),
        (
            "≥200万条",
            r#"{"op":"≥","number":2000000,"unit":"条","kind":"quantity"}"#,
        ),
        (
            "1,000,000",
            r#"{"op":"=","number":1000000,"unit":null,"kind":"quantity"}"#,
        ),
        (
            "1,505,168元",
            r#"{"op":"=","number":1505168,"unit":"元","kind":"money"}"#,
        ),
        (
            "≤ 60 万元",
            r#"{"op":"≤","number":600000,"unit":"元","kind":"money"}"#,
        ),
        (
            "≤1251万 元",
            r#"{"op":"≤","number":12510000,"unit":"元","kind":"money"}"#,
        ),
        (
            "≥ 4000 万元",
            r#"{"op":"≥","number":40000000,"unit":"元","kind":"money"}"#,
        ),
        (
            "0.7416 万元",
            r#"{"op":"=","number":7416,"unit":"元","kind":"money"}"#,
        ),
        (
            "1.2万元/人",
            r#"{"op":"=","number":12000,"unit":"元/人","kind":"money"}"#,
        ),
        (
            "≥904.35元/人/月",
            r#"{"op":"≥","number":904.35,"unit":"元/人/月","kind":"money"}"#,
        ),
        (
            "≤400元/平方米",
            r#"{"op":"≤","number":400,"unit":"元/平方米","kind":"money"}"#,
        ),
        (
            "5200元左右",
            r#"{"op":"≈","number":5200,"unit":"元","kind":"money"}"#,
        ),
        (
            "1次/年",
            r#"{"op":"=","number":1,"unit":"次/年","kind":"quantity"}"#,
        ),
        (
            "20人/月",
            r#"{"op":"=","number":20,"unit":"人/月","kind":"quantity"}"#,
        ),
        (
            "21 万",
            r#"{"op":"=","number":210000,"unit":null,"kind":"quantity"}"#,
        ),
        (
            "100",
            r#"{"op":"=","number":100,"unit":null,"kind":"quantity"}"#,
        ),
        (
            "13459.00",
            r#"{"op":"=","number":13459,"unit":null,"kind":"quantity"}"#,
        ),
        (
            "0百分比",
            r#"{"op":"=","number":0,"unit":"%","kind":"percent"}"#,
        ),
        (
            "≥0%",
            r#"{"op":"≥","number":0,"unit":"%","kind":"percent"}"#,
        ),
        (
            "2季度",
            r#"{"op":"=","number":2,"unit":"季度","kind":"quantity"}"#,
        ),
        (
            "≥60学时",
            r#"{"op":"≥","number":60,"unit":"学时","kind":"quantity"}"#,
        ),
        (
            "3个工作日",
            r#"{"op":"=","number":3,"unit":"个工作日","kind":"quantity"}"#,
        ),
        (
            "12个月",
            r#"{"op":"=","number":12,"unit":"个月","kind":"quantity"}"#,
        ),
        (
            "≥3年",
            r#"{"op":"≥","number":3,"unit":"年","kind":"quantity"}"#,
        ),
        (
            "45期",
            r#"{"op":"=","number":45,"unit":"期","kind":"quantity"}"#,
        ),
        (
            "$\\geq 95\\%$",
            r#"{"op":"≥","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "<b>≥90%</b>",
            r#"{"op":"≥","number":90,"unit":"%","kind":"percent"}"#,
        ),
        (
            "≥95%以上",
            r#"{"op":"≥","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "）95%",
            r#"{"op":"=","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "在2024年12月底前完成",
            r#"{"op":"≤","date":"2024-12-31","kind":"date"}"#,
        ),
        (
            "2023年底",
            r#"{"op":"=","date":"2023-12-31","kind":"date"}"#,
        ),
        (
            "2023年底前",
            r#"{"op":"≤","date":"2023-12-31","kind":"date"}"#,
        ),
        ("2023年度", r#"{"op":"=","date":"2023","kind":"date"}"#),
        (
            "2024-12-31",
            r#"{"op":"=","date":"2024-12-31","kind":"date"}"#,
        ),
        (
            "2024.6.30前",
            r#"{"op":"≤","date":"2024-06-30","kind":"date"}"#,
        ),
        ("≤2024年6月", r#"{"op":"≤","date":"2024-06","kind":"date"}"#),
        ("2023年1月至12月", r#"{"kind":"text"}"#),
        ("2023 年 1 月至 12 月", r#"{"kind":"text"}"#),
        ("2022-2024年", r#"{"kind":"text"}"#),
        ("2023年企业离退休人员民族团结奖", r#"{"kind":"text"}"#),
        ("9月底前完成招录工作", r#"{"kind":"text"}"#),
        ("9月底前完 成招录工 作", r#"{"kind":"text"}"#),
        ("12月31日前", r#"{"kind":"text"}"#),
        ("2024年13月底", r#"{"kind":"text"}"#),
        ("2024年2月30日", r#"{"kind":"text"}"#),
        ("完成任务数", r#"{"kind":"text"}"#),
        ("较高", r#"{"kind":"text"}"#),
        ("人员专业素质 较高", r#"{"kind":"text"}"#),
        ("季度", r#"{"kind":"text"}"#),
        ("不适用", r#"{"kind":"text"}"#),
        ("及时及时", r#"{"kind":"text"}"#),
        (", 每月按时发放", r#"{"kind":"text"}"#),
        (
            "每周两次常态化招聘,不定期举办专场招聘",
            r#"{"kind":"text"}"#,
        ),
        ("(6) 年度预算安排。100 万元。", r#"{"kind":"text"}"#),
        ("100人，200户", r#"{"kind":"text"}"#),
        ("1:3", r#"{"kind":"text"}"#),
        ("1,2", r#"{"kind":"text"}"#),
        ("5-10人", r#"{"kind":"text"}"#),
        (
            "-5%",
            r#"{"op":"=","number":-5,"unit":"%","kind":"percent"}"#,
        ),
        (
            "≥-5%",
            r#"{"op":"≥","number":-5,"unit":"%","kind":"percent"}"#,
        ),
        (
            "百分之95",
            r#"{"op":"=","number":95,"unit":"%","kind":"percent"}"#,
        ),
        (
            "１０元／人／年",
            r#"{"op":"=","number":10,"unit":"元/人/年","kind":"money"}"#,
        ),
        (
            "大于等于90%",
            r#"{"op":"≥","number":90,"unit":"%","kind":"percent"}"#,
        ),
        (
            "超过100人",
            r#"{"op":">","number":100,"unit":"人","kind":"quantity"}"#,
        ),
        (
            "低于5%",
            r#"{"op":"<","number":5,"unit":"%","kind":"percent"}"#,
        ),
        (
            "控制在5%以内",
            r#"{"op":"≤","number":5,"unit":"%","kind":"percent"}"#,
        ),
        (
            "≤3元/页",
            r#"{"op":"≤","number":3,"unit":"元/页","kind":"money"}"#,
        ),
        (
            "100 m²",
            r#"{"op":"=","number":100,"unit":"m²","kind":"quantity"}"#,
        ),
        ("2023预算数", r#"{"kind":"text"}"#),
        (
            "≥90分以上",
            r#"{"op":"≥","number":90,"unit":"分","kind":"quantity"}"#,
        ),
        (
            "≥90分",
            r#"{"op":"≥","number":90,"unit":"分","kind":"quantity"}"#,
        ),
        (
            "≤2‰",
            r#"{"op":"≤","number":2,"unit":"‰","kind":"quantity"}"#,
        ),
        (
            "≥2次/季度",
            r#"{"op":"≥","number":2,"unit":"次/季度","kind":"quantity"}"#,
        ),
        (
            "5个自然日内完成任务",
            r#"{"op":"≤","number":5,"unit":"个自然日","kind":"quantity"}"#,
        ),
        ("95%-100%", r#"{"kind":"text"}"#),
        (
            "１，０００人",
            r#"{"op":"=","number":1000,"unit":"人","kind":"quantity"}"#,
        ),
        ("1,000,00", r#"{"kind":"text"}"#),
        (
            "100万元以上",
            r#"{"op":"≥","number":1000000,"unit":"元","kind":"money"}"#,
        ),
        (
            "100元以下",
            r#"{"op":"≤","number":100,"unit":"元","kind":"money"}"#,
        ),
        (
            "(1) 项目概述。流动人员人事档案公共服务。",
            r#"{"kind":"text"}"#,
        ),
        ("1、绩效管理情况", r#"{"kind":"text"}"#),
        ("3. 村级支出项目", r#"{"kind":"text"}"#),
        ("2024_村级支出", r#"{"kind":"text"}"#),
        ("站牌/13", r#"{"kind":"text"}"#),
        ("预算公开表1", r#"{"kind":"text"}"#),
        ("中心退休1人，需为其缴纳职业年金", r#"{"kind":"text"}"#),
        (
            "全年开展培训2次",
            r#"{"op":"=","number":2,"unit":"次","kind":"quantity"}"#,
        ),
    ];

    #[test]
    fn table() {
        let mut bad = Vec::new();
        for (raw, want) in CASES {
            let got = js(raw);
            if got != *want {
                bad.push(format!("{raw:?}\n   got  {got}\n   want {want}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} mismatches:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    /// Every value_raw in the gold files agrees with the gold value (skipped when /work/shared
    /// is absent).
    #[test]
    fn gold_values() {
        let mut files = Vec::new();
        for dir in ["/work/shared/dev/text", "/work/shared/dev"] {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "jsonl") {
                    files.push(p);
                }
            }
        }
        let mut bad = Vec::new();
        let mut n = 0;
        for f in files {
            let Ok(t) = std::fs::read_to_string(&f) else {
                continue;
            };
            for line in t.lines() {
                let Ok(r) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let Some(inds) = r["indicators"].as_array() else {
                    continue;
                };
                for ind in inds {
                    let raw = ind["value_raw"].as_str().unwrap_or_default();
                    let want = &ind["value"];
                    let got = serde_json::to_value(parse_value(raw)).unwrap_or_default();
                    n += 1;
                    if got != *want {
                        bad.push(format!("{raw:?}: got {got} want {want}"));
                    }
                }
            }
        }
        bad.sort();
        bad.dedup();
        assert!(
            bad.is_empty(),
            "{} of {n} differ:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
}
