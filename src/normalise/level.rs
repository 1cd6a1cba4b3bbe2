//! The closed vocabulary of 一级 / 二级 indicator level names, and matching of printed cells to
//! it (codes, notes, markup, short, clipped and misspelt forms). Precision first: a cell that
//! is an ordinary indicator name must not match, since the extractor decides cell roles by it.

use super::text::{fold_char, is_cjk};

pub const LEVEL1: [&str; 4] = ["产出指标", "效益指标", "满意度指标", "成本指标"];

pub const LEVEL2: [&str; 13] = [
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
];

/// A level cell taken apart: printed code, the name core (markup, spaces and notes removed),
/// and whether anything followed the name core in brackets.
struct Parsed {
    code: Option<String>,
    core: Vec<char>,
}

fn parse(s: &str) -> Option<Parsed> {
    // Markup and spaces out, width folded (codes may be full-width digits).
    let plain = super::text::clean_text(s);
    let chars: Vec<char> = plain
        .chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '#'))
        .collect();
    let mut i = 0;
    // Leading code: "11-", "11.", "11、", "[11]", "11" directly before the name.
    let bracketed = matches!(chars.first(), Some('[' | '【' | '('));
    if bracketed {
        i = 1;
    }
    let d0 = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    let code = if i > d0 {
        let code: String = chars[d0..i].iter().collect();
        if bracketed {
            if !matches!(chars.get(i), Some(']' | '】' | ')')) {
                return None;
            }
            i += 1;
        }
        while matches!(
            chars.get(i),
            Some('-' | '.' | '、' | '_' | '—' | '–' | '‐' | ':' | '：')
        ) {
            i += 1;
        }
        Some(code)
    } else {
        i = 0;
        None
    };
    let mut core: Vec<char> = Vec::new();
    let mut note: Option<&[char]> = None;
    for (k, &c) in chars[i..].iter().enumerate() {
        // A bracketed note ("（必填硬性指标）", "(必") ends the name; so does a colon.
        if matches!(c, '(' | '（' | '[' | '【' | ':' | '：') {
            note = Some(&chars[i + k + 1..]);
            break;
        }
        core.push(c);
    }
    // A note is about filling the form (必填, 硬性, 共性, 选填…). Anything else in brackets
    // ("（%）", "(人次)") is a unit, so the cell is an indicator name that looks like a level.
    if let Some(n) = note {
        let n: Vec<char> = n
            .iter()
            .copied()
            .take_while(|c| !matches!(c, ')' | '）' | ']' | '】'))
            .collect();
        if !n.is_empty() && !n.iter().any(|c| "必选填硬性共个核心".contains(*c)) {
            return None;
        }
    }
    while matches!(
        core.last(),
        Some(',' | '.' | '。' | '，' | '、' | ';' | '；')
    ) {
        core.pop();
    }
    if core.is_empty() || !core.iter().all(|&c| is_cjk(c)) {
        return None;
    }
    Some(Parsed { code, core })
}

fn lev(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How well `core` names `canon`, lower is better; `None` if it does not.
fn score(core: &[char], canon: &str, coded: bool, loose: bool) -> Option<u32> {
    let cv: Vec<char> = canon.chars().collect();
    if core == cv.as_slice() {
        return Some(0);
    }
    let stem = &cv[..cv.len() - 2]; // without 指标
                                    // Short form: "22-社会效益" for 社会效益指标. Without a code a stem is also an ordinary
                                    // indicator name ("服务对象满意度 ≥95%" is a 三级 row in real forms), so only a caller that
                                    // knows the cell sits in the 二级 slot may accept it (`loose`).
    if core == stem && (coded || (loose && stem.len() >= 4)) {
        return Some(1);
    }
    // Clipped by a narrow column: a strict prefix. Cut right before 标 always; shorter cuts
    // behind a code, or (loose) long enough to be unambiguous.
    if core.len() < cv.len() && cv.starts_with(core) {
        let ends_zhi = core.len() == cv.len() - 1;
        let long = loose && core.len() >= 5.max(cv.len() / 2 + 1);
        if ends_zhi || (coded && core.len() >= 2) || long {
            return Some(2);
        }
    }
    // Misspelt (OCR or typing): same length, a few substitutions, and the 指标 suffix or the
    // stem intact so that ordinary names ("成本控制") stay out.
    // A four-character name has a two-character stem: one wrong character there is a
    // different word (绩效指标 is not 时效指标), so short names only tolerate suffix errors.
    if cv.len() >= 5 && core.len() >= 4 && core.ends_with(&['指', '标']) {
        let d = lev(core, &cv);
        let allowed = if cv.len() >= 6 && core.len() == cv.len() {
            2
        } else {
            1
        };
        if d <= allowed && d * 3 <= cv.len() {
            return Some(2 + d as u32);
        }
    } else if core.len() == cv.len() && core.starts_with(stem) && core[stem.len()] == '指' {
        // Stem and 指 intact, 标 garbled ("数量指木"); "数量达标" is a word, not a typo.
        if lev(core, &cv) == 1 {
            return Some(3);
        }
    }
    None
}

fn best(vocab: &[&'static str], p: &Parsed, loose: bool) -> Option<&'static str> {
    let coded = p.code.is_some();
    let mut scored: Vec<(u32, &'static str)> = vocab
        .iter()
        .filter_map(|&c| score(&p.core, c, coded, loose).map(|s| (s, c)))
        .collect();
    scored.sort();
    match scored.as_slice() {
        [] => None,
        [(_, c)] => Some(c),
        [(a, c), (b, _), ..] if a < b => Some(c),
        // Tie: only fine if it is the same name (impossible here) — ambiguous, reject.
        _ => None,
    }
}

/// Canonical 一级指标 for a cell text, if it names one (codes, notes and typos tolerated).
pub fn canonical_level1(s: &str) -> Option<&'static str> {
    let p = parse(s)?;
    // Two-digit codes number 二级 names ("14-成本指标" is the 二级 成本指标 under 产出).
    if p.code.as_ref().is_some_and(|c| c.len() > 1) {
        return None;
    }
    best(&LEVEL1, &p, false)
}

/// Canonical 二级指标 and its printed code ("11-数量指标" → (Some("11"), "数量指标")).
/// Strict: only cells that cannot be an ordinary 三级 name (full names, coded short forms,
/// names clipped at 指, misspellings of the full name).
pub fn canonical_level2(s: &str) -> Option<(Option<String>, &'static str)> {
    let p = parse(s)?;
    let c = best(&LEVEL2, &p, false)?;
    Some((p.code, c))
}

/// Like [`canonical_level2`], and also codeless short forms ("社会效益", "服务对象满意度") and long
/// clipped prefixes ("服务对象满"). These double as 三级 names, so call it only for a cell the
/// layout already places in the 二级 slot (e.g. a name-like cell followed by another name
/// before the value).
pub fn canonical_level2_loose(s: &str) -> Option<(Option<String>, &'static str)> {
    let p = parse(s)?;
    let c = best(&LEVEL2, &p, true)?;
    Some((p.code, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level1_positive() {
        let cases = [
            ("产出指标", "产出指标"),
            ("<b>产出指标</b>", "产出指标"),
            ("产出 指标", "产出指标"),
            ("产出\u{3000}指标", "产出指标"),
            ("效益指标", "效益指标"),
            ("效益指", "效益指标"),
            ("产出指", "产出指标"),
            ("满意度指标", "满意度指标"),
            ("满意度指", "满意度指标"),
            ("成本指标", "成本指标"),
            ("1-产出指标", "产出指标"),
            ("2、效益", "效益指标"),
            ("产出指标（必填）", "产出指标"),
            ("满意渡指标", "满意度指标"),
            ("**效益指标**", "效益指标"),
        ];
        for (i, o) in cases {
            assert_eq!(canonical_level1(i), Some(o), "input {i:?}");
        }
    }

    #[test]
    fn level2_positive() {
        let cases = [
            ("数量指标", None, "数量指标"),
            ("11-数量指标", Some("11"), "数量指标"),
            ("１１－数量指标", Some("11"), "数量指标"),
            ("12-质量指标", Some("12"), "质量指标"),
            ("13-时效指标", Some("13"), "时效指标"),
            ("14-成本指标", Some("14"), "成本指标"),
            ("14-成本指", Some("14"), "成本指标"),
            ("21-经济效益", Some("21"), "经济效益指标"),
            ("22-社会效益", Some("22"), "社会效益指标"),
            ("23-生态效益", Some("23"), "生态效益指标"),
            ("24-可持续影响", Some("24"), "可持续影响指标"),
            ("31-服务对象满意度", Some("31"), "服务对象满意度指标"),
            ("11-数量", Some("11"), "数量指标"),
            ("[11]数量指标", Some("11"), "数量指标"),
            ("数量指标（必填硬性指标）", None, "数量指标"),
            ("数量指标(必填)", None, "数量指标"),
            ("数量指标 (", None, "数量指标"),
            ("服务对象满意度指标（必", None, "服务对象满意度指标"),
            ("社会效益指标（必填）", None, "社会效益指标"),
            ("<b>质量指标</b>", None, "质量指标"),
            ("时效 指标", None, "时效指标"),
            ("经济效益指", None, "经济效益指标"),
            ("可持续影响指", None, "可持续影响指标"),
            ("经济效率指标", None, "经济效益指标"),
            ("社会效溢指标", None, "社会效益指标"),
            ("数量指木", None, "数量指标"),
            ("满意度指标", None, "满意度指标"),
            ("成本指标", None, "成本指标"),
            ("经济成本指标", None, "经济成本指标"),
            ("生态环境成本指标", None, "生态环境成本指标"),
            ("社会成本指标", None, "社会成本指标"),
            ("可持续影响指标（必填）", None, "可持续影响指标"),
            ("时效指标（必填）", None, "时效指标"),
        ];
        for (i, code, o) in cases {
            assert_eq!(
                canonical_level2(i),
                Some((code.map(str::to_string), o)),
                "input {i:?}"
            );
        }
    }

    #[test]
    fn level2_loose_only() {
        let cases = [
            ("经济效益", "经济效益指标"),
            ("社会效益", "社会效益指标"),
            ("可持续影响", "可持续影响指标"),
            ("服务对象满意度", "服务对象满意度指标"),
            ("服务对象满", "服务对象满意度指标"),
            ("服务对象满意", "服务对象满意度指标"),
            ("生态环境成本", "生态环境成本指标"),
        ];
        for (i, o) in cases {
            assert_eq!(canonical_level2(i), None, "strict {i:?}");
            assert_eq!(canonical_level2_loose(i), Some((None, o)), "loose {i:?}");
        }
        // Loose still rejects what is no level name at all.
        for s in [
            "满意度",
            "成本",
            "社会公众对政策实施的满意度",
            "成本控制",
            "生态环境",
            "可持续",
        ] {
            assert_eq!(canonical_level2_loose(s), None, "loose {s:?}");
        }
    }

    #[test]
    fn not_level_names() {
        let neg = [
            "社会公众对政策实施的满意度",
            "成本控制",
            "培训合格率",
            "满意度",
            "成本",
            "数量",
            "质量",
            "时效",
            "效益",
            "产出",
            "服务对象满意度（%）",
            "服务对象满意度(%)",
            "社会效益指标（人次）",
            "工作人员满意度",
            "群众满意度",
            "差旅补助标准",
            "办公耗材购置数量",
            "办公耗材购置质量合格率",
            "租赁线路时间",
            "差旅发放及时率(%)",
            "保障单位正常运转",
            "此项指标",
            "不适用",
            "经济效益明显",
            "社会效益显著",
            "生态效益良好",
            "带动就业增长率",
            "指标1:持续辐射优",
            "项目完成还款率",
            "产品质量指标",
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "年度指标值",
            "质量达标率",
            "数量达标",
            "社会效益指标完成情况说明",
            "经济效益指标值",
            "社保工作总体满意度达",
            "≥95%",
            "100%",
            "11",
            "",
            "   ",
            "工作开展便捷程度",
            "服务对象满意度指标满意度",
            "时效性",
            "成本节约率",
            "经济",
            "社会",
            "生态",
            "可持续",
            "可持续发展",
            "服务对象",
            "生态环境",
            "生态环境改善",
            "经济成本控制",
            "群众满意度指标",
            "项目指标",
            "年度指标",
            "目标指标",
        ];
        for s in neg {
            assert_eq!(canonical_level2(s), None, "level2 {s:?}");
            assert_eq!(canonical_level1(s), None, "level1 {s:?}");
        }
    }

    /// No real 三级 name of the gold files reads as a level name, except rows that repeat their
    /// level as the name ("生态效益指标 | 生态效益指标 | 不适用"). Skipped without /work/shared.
    #[test]
    fn gold_names_are_not_levels() {
        let mut bad = Vec::new();
        for dir in ["/work/shared/dev/text", "/work/shared/dev"] {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_none_or(|x| x != "jsonl") {
                    continue;
                }
                let Ok(t) = std::fs::read_to_string(&p) else {
                    continue;
                };
                for line in t.lines() {
                    let Ok(r) = serde_json::from_str::<serde_json::Value>(line) else {
                        continue;
                    };
                    for ind in r["indicators"].as_array().into_iter().flatten() {
                        let name = ind["name_raw"].as_str().unwrap_or_default();
                        if Some(name) == ind["level2"].as_str() {
                            continue;
                        }
                        if canonical_level1(name).is_some() || canonical_level2(name).is_some() {
                            bad.push(name.to_string());
                        }
                    }
                }
            }
        }
        assert!(bad.is_empty(), "names read as levels: {bad:?}");
    }

    #[test]
    fn level1_vs_level2_vocab() {
        // 时效指标 is never 一级; 满意度指标 and 成本指标 are both.
        assert_eq!(canonical_level1("时效指标"), None);
        assert_eq!(canonical_level1("数量指标"), None);
        assert_eq!(canonical_level1("满意度指标"), Some("满意度指标"));
        assert_eq!(canonical_level2("满意度指标"), Some((None, "满意度指标")));
        assert_eq!(canonical_level1("产出指标"), Some("产出指标"));
        assert_eq!(canonical_level2("产出指标"), None);
        assert_eq!(canonical_level2("效益指标"), None);
        assert_eq!(canonical_level1("14-成本指标"), None);
        assert_eq!(
            canonical_level2("14-成本指标"),
            Some((Some("14".into()), "成本指标"))
        );
    }
}
