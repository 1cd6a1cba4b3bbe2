//! Form fields other than 指标值: fund amounts, department codes, fiscal year, dates.

use rust_decimal::Decimal;

use super::text::fold_char;
use super::{MoneyUnit, Num};

/// Text of a cell that means "nothing here" in a fund column.
fn is_blank_mark(t: &str) -> bool {
    matches!(
        t,
        "" | "-" | "--" | "—" | "——" | "/" | "\\" | "无" | "－" | "–"
    )
}

/// Parses a decimal with optional sign, thousands separators and surrounding spaces (already
/// width-folded). `None` when it is not exactly a number.
pub(crate) fn parse_decimal(t: &str) -> Option<Decimal> {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    if body.is_empty() || body.starts_with(',') || body.ends_with(',') || body.contains(",,") {
        return None;
    }
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int.is_empty() && frac.is_none_or(str::is_empty) {
        return None;
    }
    // Separators must group by three, or the "," is something else (a list, a typo).
    if int.contains(',') {
        let groups: Vec<&str> = int.split(',').collect();
        let ok = groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return None;
        }
    }
    let digits: String = int.chars().filter(|c| *c != ',').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac {
        if !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let s = match frac {
        Some(f) if !f.is_empty() => {
            format!("{}.{}", if digits.is_empty() { "0" } else { &digits }, f)
        }
        _ => digits,
    };
    let d: Decimal = s.parse().ok()?;
    Some(if neg { -d } else { d })
}

/// Parses a fund cell ("370.00", "1,697,500", "0.7416") in the declared unit into exact yuan.
/// `Ok(None)` for an empty cell or a dash; `Err` with the reason for text that is not an amount.
/// A unit printed in the cell itself ("12.5万元") overrides the declared one.
pub fn parse_amount(raw: &str, unit: MoneyUnit) -> Result<Option<Num>, String> {
    let t: String = raw
        .chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .collect();
    if is_blank_mark(&t) {
        return Ok(None);
    }
    let (body, unit) = if let Some(b) = t.strip_suffix("万元") {
        (b, MoneyUnit::Wan)
    } else if let Some(b) = t.strip_suffix('元') {
        (b, MoneyUnit::Yuan)
    } else {
        (t.as_str(), unit)
    };
    let d = parse_decimal(body).ok_or_else(|| format!("not an amount: {raw:?}"))?;
    let y = match unit {
        MoneyUnit::Yuan => Some(d),
        MoneyUnit::Wan => d.checked_mul(Decimal::from(10_000)),
    }
    .ok_or_else(|| format!("amount out of range: {raw:?}"))?;
    Ok(Some(Num(y.normalize())))
}

/// Signs a speck beside or between an amount's digits is read as, and the separators they
/// may stand for.
const SPECK_SIGNS: &[char] = &['.', ',', ':', ';', '·', '\'', '`', '、', '。'];

/// A fund amount as a scan's recogniser gives it with specks read into it, repaired:
/// "4,563:800.00", "4,563,80Q.:00", "0..Q0", "4,563,800,00", "31:79", "5.0.0", "5.00.-" →
/// the amount as printed, with why it was read so. Every run of signs between digits is one
/// separator: the run after which exactly two digits remain is the decimal point (fund
/// amounts are printed with two decimals), and the runs before it must group the integer by
/// threes (thousands) — otherwise the text is left unread (and flagged) rather than guessed.
/// An O, Q, D or 〇 beside a digit or sign is a 0, an l or I a 1; signs before the first and
/// after the last digit are specks. `None` when the text needs no repair or cannot be
/// repaired so. A unit printed after it ("万元", "元") is kept.
pub fn speckled_amount(raw: &str) -> Option<(String, &'static str)> {
    let c: String = raw
        .chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .collect();
    let (body, unit) = if let Some(b) = c.strip_suffix("万元") {
        (b, "万元")
    } else if let Some(b) = c.strip_suffix('元') {
        (b, "元")
    } else {
        (c.as_str(), "")
    };
    let chars: Vec<char> = body.chars().collect();
    let is_sign = |ch: char| SPECK_SIGNS.contains(&ch);
    let mapped = letters_as_digits(&chars);
    let first = mapped.iter().position(char::is_ascii_digit)?;
    let last = mapped.iter().rposition(char::is_ascii_digit)?;
    let lead_ok = mapped[..first].iter().all(|&ch| is_sign(ch));
    let tail_ok = mapped[last + 1..]
        .iter()
        .all(|&ch| is_sign(ch) || matches!(ch, '-' | '_' | '~' | '一'));
    if !lead_ok || !tail_ok {
        return None;
    }
    let core = &mapped[first..=last];
    let (mut digits, seps) = digit_runs(core)?;
    // A printed point with three digits after it is no thousands separator: either the
    // recogniser read one decimal twice (a glyph stretched across two of its frames, as on a
    // curled page: "13,907.778" for 13,907.78; which of the pair is dropped gives the same
    // text), or it cannot be told and is left alone — taken for a separator it had made the
    // amount a thousand times larger.
    let mut doubled = false;
    if seps.last().is_some_and(|s| s == ".") && digits.last().is_some_and(|d| d.len() == 3) {
        *digits.last_mut()? = decimals_read_once(digits.last()?)?;
        doubled = true;
    }
    let point = decimal_point(&digits);
    let int_end = point.unwrap_or(digits.len());
    let groups = &digits[..int_end];
    let grouped = groups.len() == 1
        || ((1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped {
        return None;
    }
    let mut fixed: String = groups.concat();
    if point.is_some() {
        fixed.push('.');
        fixed.push_str(&digits[int_end..].concat());
    }
    fixed.push_str(unit);
    // Nothing to repair when the text already reads as this amount.
    let as_printed = parse_amount(&c, MoneyUnit::Yuan).ok().flatten();
    if as_printed.is_some() && as_printed == parse_amount(&fixed, MoneyUnit::Yuan).ok().flatten() {
        return None;
    }
    let only_point = point.is_some_and(|k| {
        matches!(seps[k - 1].as_str(), "," | ":" | ";")
            && seps[..k - 1].iter().all(|s| s == ",")
            && mapped == chars
            && core.len() == mapped.len()
    });
    Some((
        fixed,
        if doubled {
            "a decimal read twice (three after its point) taken once"
        } else if only_point {
            "its last comma or colon taken for a decimal point"
        } else {
            "specks read as signs or letters in it taken for what they stand for"
        },
    ))
}

/// Three decimals where two are printed, one read twice: "778" → "78" (a glyph stretched over
/// two of the recogniser's frames; which of the pair is dropped gives the same text). `None`
/// unless three digits hold one twice in a row.
pub fn decimals_read_once(decimals: &str) -> Option<String> {
    let d: Vec<char> = decimals.chars().collect();
    if d.len() != 3 || !d.iter().all(char::is_ascii_digit) {
        return None;
    }
    let k = (0..2).find(|&i| d[i] == d[i + 1])?;
    Some(d[..k].iter().chain(&d[k + 1..]).collect())
}

/// Letters the recogniser gives for digits (O, Q, D, 〇 for 0; l, I for 1) as those digits,
/// where they stand beside a digit or a speck sign.
fn letters_as_digits(chars: &[char]) -> Vec<char> {
    let is_sign = |ch: char| SPECK_SIGNS.contains(&ch);
    // Letters the recogniser gives for digits, taken as digits only beside a digit or sign.
    let mut mapped: Vec<char> = Vec::with_capacity(chars.len());
    for (i, &ch) in chars.iter().enumerate() {
        let near = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|&n| n.is_ascii_digit() || is_sign(n))
        };
        let beside = near(i.checked_sub(1)) || near(Some(i + 1));
        mapped.push(match ch {
            'O' | 'o' | 'Q' | 'D' | '〇' if beside => '0',
            'l' | 'I' if beside => '1',
            _ => ch,
        });
    }
    mapped
}

/// The digit runs of an amount's core (first to last digit) and the sign runs between them;
/// `None` when anything else is in it.
fn digit_runs(core: &[char]) -> Option<(Vec<String>, Vec<String>)> {
    let is_sign = |ch: char| SPECK_SIGNS.contains(&ch);
    // Digit runs and the sign runs between them.
    let mut digits: Vec<String> = vec![String::new()];
    let mut seps: Vec<String> = Vec::new();
    for &ch in core {
        if ch.is_ascii_digit() {
            if digits.len() == seps.len() {
                digits.push(String::new());
            }
            if let Some(d) = digits.last_mut() {
                d.push(ch);
            }
        } else if is_sign(ch) {
            if seps.len() < digits.len() {
                seps.push(String::new());
            }
            if let Some(s) = seps.last_mut() {
                s.push(ch);
            }
        } else {
            return None;
        }
    }
    Some((digits, seps))
}

/// The decimal point: the digit run after which exactly two digits remain (fund amounts
/// print two decimals), if any.
fn decimal_point(digits: &[String]) -> Option<usize> {
    // The decimal point: the run after which exactly two digits remain.
    let mut remaining = 0;
    let mut point = None;
    for k in (1..digits.len()).rev() {
        remaining += digits[k].len();
        if remaining == 2 {
            point = Some(k);
            break;
        }
        if remaining > 2 {
            break;
        }
    }
    point
}

/// "\[073\]六安市…" → ("073", "六安市…"); "054-吕梁市…" → ("054", "吕梁市…"); "044001" → ("044001", "");
/// "【061】…", "(061)…" alike; no leading code → (None, name).
pub fn split_department(raw: &str) -> (Option<String>, String) {
    let s = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let folded: Vec<char> = chars.iter().map(|&(_, c)| fold_char(c)).collect();
    let mut i = 0;
    let open = folded.first().copied();
    let bracket = match open {
        Some('[') => Some(']'),
        Some('【') => Some('】'),
        Some('(') => Some(')'),
        Some('〔') => Some('〕'),
        _ => None,
    };
    if bracket.is_some() {
        i = 1;
    }
    while i < folded.len() && folded[i].is_whitespace() {
        i += 1;
    }
    let d0 = i;
    while i < folded.len() && folded[i].is_ascii_digit() {
        i += 1;
    }
    if i == d0 {
        return (None, s.to_string());
    }
    let code: String = folded[d0..i].iter().collect();
    while i < folded.len() && folded[i].is_whitespace() {
        i += 1;
    }
    if let Some(close) = bracket {
        if folded.get(i) != Some(&close) {
            return (None, s.to_string());
        }
        i += 1;
    } else {
        // Without brackets a code needs a separator or a non-digit name right after it:
        // "2023年…" is a name starting with a year, not a code.
        match folded.get(i) {
            None => {}
            Some('-' | '_' | '.' | '、' | ' ' | '—' | '–' | ':') => {}
            Some(c) if *c == '年' || *c == '月' || *c == '%' => return (None, s.to_string()),
            Some(_) => {}
        }
    }
    while i < folded.len() && matches!(folded[i], '-' | '_' | '.' | '、' | ' ' | '—' | '–' | ':')
    {
        i += 1;
    }
    let name = chars.get(i).map(|&(b, _)| s[b..].trim()).unwrap_or("");
    (Some(code), name.to_string())
}

/// "(2024年度)", "( 2023 年度)", "（2023年度）", "2023年度" → 2023; a bare "2023年" is accepted
/// when nothing says 年度.
pub fn fiscal_year(s: &str) -> Option<i32> {
    let f: Vec<char> = s
        .chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut fallback = None;
    let mut i = 0;
    while i + 4 < f.len() + 1 {
        // A speck between the digits and 年 on a scan reads as a sign: "(2024:年度)".
        let nian = if matches!(f.get(i + 4), Some(':' | '.' | '·' | ',' | '\'' | '`')) {
            i + 5
        } else {
            i + 4
        };
        if (i == 0 || !f[i - 1].is_ascii_digit())
            && f[i..i + 4].iter().all(char::is_ascii_digit)
            && f.get(nian) == Some(&'年')
        {
            let y: i32 = f[i..i + 4].iter().collect::<String>().parse().ok()?;
            if (1949..=2200).contains(&y) {
                if f.get(nian + 1) == Some(&'度') {
                    return Some(y);
                }
                fallback.get_or_insert(y);
            }
        }
        i += 1;
    }
    fallback
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

pub(crate) fn ymd(y: i32, m: u32, d: u32) -> Option<String> {
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The last day of month `m` of year `y` (a 指标值 such as "2025年6月底").
pub(crate) fn month_end(y: i32, m: u32) -> Option<String> {
    if !(1..=12).contains(&m) {
        return None;
    }
    ymd(y, m, days_in_month(y, m))
}

/// Splits a date-ish string into its numeric fields, with the separators between them.
fn fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars().map(fold_char) {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A printed date ("2023-01-01", "2023年1月1日", "2023/1/1", "20230101", "2023.01.01", also
/// with a time after it) → "2023-01-01". `None` for anything else.
pub fn iso_date(s: &str) -> Option<String> {
    let t: String = s
        .chars()
        .map(fold_char)
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    let ok_chars = t
        .chars()
        .all(|c| c.is_ascii_digit() || " -/.年月日号:T".contains(c));
    if !ok_chars {
        return None;
    }
    let f = fields(t);
    match f.as_slice() {
        [one] if one.len() == 8 || one.len() == 14 => {
            let y = one[0..4].parse().ok()?;
            let m = one[4..6].parse().ok()?;
            let d = one[6..8].parse().ok()?;
            ymd(y, m, d)
        }
        [y, m, d, ..] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

/// "20221125155932" → "2022-11-25T15:59:32"; "2022-11-25 15:59:32" → "2022-11-25T15:59:32";
/// a date alone ("20221125", "2022-11-25") → "2022-11-25".
pub fn compact_datetime(s: &str) -> Option<String> {
    let t: String = s
        .chars()
        .map(fold_char)
        .collect::<String>()
        .trim()
        .to_string();
    if t.is_empty() {
        return None;
    }
    // A line-wrapped compact stamp ("202212130 90154") is still one number.
    let digits: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let t = if digits.chars().all(|c| c.is_ascii_digit()) {
        digits
    } else {
        t
    };
    let f = fields(&t);
    let (date, time): (String, Vec<u32>) = match f.as_slice() {
        [one] if one.len() == 14 || one.len() == 12 => {
            let d = iso_date(&one[..8])?;
            let mut hms = vec![one[8..10].parse().ok()?, one[10..12].parse().ok()?];
            if one.len() == 14 {
                hms.push(one[12..14].parse().ok()?);
            }
            (d, hms)
        }
        [one] if one.len() == 8 => (iso_date(one)?, vec![]),
        [d8, rest @ ..] if d8.len() == 8 && rest.iter().all(|x| x.len() <= 2) => {
            let hms = rest
                .iter()
                .map(|x| x.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            (iso_date(d8)?, hms)
        }
        [y, m, d, rest @ ..] => {
            if !t
                .chars()
                .all(|c| c.is_ascii_digit() || " -/.年月日号:T时分秒".contains(c))
            {
                return None;
            }
            let date = iso_date(&format!("{y}-{m}-{d}"))?;
            let hms = rest
                .iter()
                .map(|x| x.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            (date, hms)
        }
        _ => return None,
    };
    match time.as_slice() {
        [] => Some(date),
        [h, m] if *h < 24 && *m < 60 => Some(format!("{date}T{h:02}:{m:02}:00")),
        [h, m, s] if *h < 24 && *m < 60 && *s < 61 => Some(format!("{date}T{h:02}:{m:02}:{s:02}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_speckled_amount_is_read_as_printed_or_not_at_all() {
        let r = |s: &str| super::speckled_amount(s).map(|(f, _)| f);
        assert_eq!(r("4,563:800.00").as_deref(), Some("4563800.00"));
        assert_eq!(r("4,563,80Q.:00").as_deref(), Some("4563800.00"));
        assert_eq!(r("4,563,800..00").as_deref(), Some("4563800.00"));
        assert_eq!(r("4,563; 800.00").as_deref(), Some("4563800.00"));
        assert_eq!(r("0..Q0").as_deref(), Some("0.00"));
        assert_eq!(r("D..00").as_deref(), Some("0.00"));
        assert_eq!(r("4,563,800,00").as_deref(), Some("4563800.00"));
        assert_eq!(r("31:79").as_deref(), Some("31.79"));
        assert_eq!(r("5.0.0").as_deref(), Some("5.00"));
        assert_eq!(r("5.00.-").as_deref(), Some("5.00"));
        assert_eq!(r(".12.50万元").as_deref(), Some("12.50万元"));
        // clean amounts need no repair
        assert_eq!(r("10,903,043.00"), None);
        assert_eq!(r("0.00"), None);
        assert_eq!(r("1697500"), None);
        // what cannot be told is not guessed: groups not of three, a lost digit, words
        assert_eq!(r("759:5500.00"), None);
        assert_eq!(r("4,56,800.00"), None);
        assert_eq!(r("7595500. 0"), None);
        assert_eq!(r("约5万元"), None);
        assert_eq!(r("2023-01-01"), None);
        // a decimal doubled after a printed point is taken once; three other decimals are
        // no thousands group
        assert_eq!(r("13,907.778").as_deref(), Some("13907.78"));
        assert_eq!(r("1,234.566万元").as_deref(), Some("1234.56万元"));
        assert_eq!(r("13,907.785"), None);
        assert_eq!(r("13,907,778"), None);
        // the reason names the comma taken for a point when that is all there was
        let why = |s: &str| super::speckled_amount(s).map(|(_, w)| w);
        assert_eq!(
            why("4,563,800,00"),
            Some("its last comma or colon taken for a decimal point")
        );
        assert!(why("0..Q0").is_some_and(|w| w.contains("specks")));
    }

    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Num {
        Num(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn amounts() {
        use MoneyUnit::*;
        let ok = [
            ("370.00", Wan, Some("3700000")),
            ("0.7416", Wan, Some("7416")),
            ("1,697,500", Yuan, Some("1697500")),
            ("1,697,500.50", Yuan, Some("1697500.5")),
            ("１２３．４", Wan, Some("1234000")),
            (" 12 ", Yuan, Some("12")),
            ("0.00", Wan, Some("0")),
            ("0", Yuan, Some("0")),
            ("", Wan, None),
            ("  ", Wan, None),
            ("-", Wan, None),
            ("—", Yuan, None),
            ("-12.5", Yuan, Some("-12.5")),
            ("12.5万元", Yuan, Some("125000")),
            ("1200元", Wan, Some("1200")),
            ("６，４５０．００", Wan, Some("64500000")),
            (".5", Wan, Some("5000")),
        ];
        for (raw, u, want) in ok {
            assert_eq!(parse_amount(raw, u), Ok(want.map(d)), "{raw:?}");
        }
        for bad in ["abc", "1,2", "12,34", "1.2.3", "12万人", ",", ".", "1 2 3a"] {
            assert!(parse_amount(bad, Wan).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn departments() {
        let cases = [
            (
                "[073]六安市人力资源和社会保障局",
                Some("073"),
                "六安市人力资源和社会保障局",
            ),
            (
                "054-吕梁市人力资源和社会保障局",
                Some("054"),
                "吕梁市人力资源和社会保障局",
            ),
            ("044001", Some("044001"), ""),
            ("44", Some("44"), ""),
            ("【061】某某局", Some("061"), "某某局"),
            ("［061］某某局", Some("061"), "某某局"),
            ("(061)某某局", Some("061"), "某某局"),
            (" 061 某某局 ", Some("061"), "某某局"),
            ("061某某局", Some("061"), "某某局"),
            ("六安市人社局", None, "六安市人社局"),
            ("", None, ""),
            ("2023年某项目", None, "2023年某项目"),
            ("[abc]某局", None, "[abc]某局"),
        ];
        for (raw, code, name) in cases {
            assert_eq!(
                split_department(raw),
                (code.map(str::to_string), name.to_string()),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn years() {
        assert_eq!(fiscal_year("(2024年度)"), Some(2024));
        assert_eq!(fiscal_year("( 2023 年度)"), Some(2023));
        assert_eq!(fiscal_year("（2023年度）"), Some(2023));
        assert_eq!(fiscal_year("2023年度"), Some(2023));
        assert_eq!(fiscal_year("２０２３年度"), Some(2023));
        assert_eq!(fiscal_year("2022年—2024年 (2024年度)"), Some(2024));
        assert_eq!(fiscal_year("2023年"), Some(2023));
        assert_eq!(fiscal_year("项目支出绩效目标表"), None);
        assert_eq!(fiscal_year("12023年度"), None);
        assert_eq!(fiscal_year("1000年度"), None);
        assert_eq!(fiscal_year("(2024:年度)"), Some(2024));
        assert_eq!(fiscal_year("(2024.年度)"), Some(2024));
    }

    #[test]
    fn dates() {
        for s in [
            "2023-01-01",
            "2023年1月1日",
            "2023/1/1",
            "20230101",
            "2023.01.01",
            "2023-1-1",
            "２０２３年１月１日",
            "2023-01-01 00:00:00",
            " 2023 年 1 月 1 日 ",
        ] {
            assert_eq!(iso_date(s).as_deref(), Some("2023-01-01"), "{s:?}");
        }
        assert_eq!(iso_date("2024-02-29").as_deref(), Some("2024-02-29"));
        for s in [
            "2023-02-29",
            "2023-13-01",
            "2023年",
            "2023年12月",
            "abc",
            "",
            "12345678x",
        ] {
            assert_eq!(iso_date(s), None, "{s:?}");
        }
    }

    #[test]
    fn datetimes() {
        let cases = [
            ("20221125155932", Some("2022-11-25T15:59:32")),
            ("202212130 90154", Some("2022-12-13T09:01:54")),
            ("2022-11-25 15:59:32", Some("2022-11-25T15:59:32")),
            ("2022-11-25T15:59:32", Some("2022-11-25T15:59:32")),
            ("2022/11/25 15:59", Some("2022-11-25T15:59:00")),
            ("20221125", Some("2022-11-25")),
            ("2022-11-25", Some("2022-11-25")),
            ("2022年11月25日", Some("2022-11-25")),
            ("20221125255932", None),
            ("20221325", None),
            ("", None),
            ("张三", None),
        ];
        for (s, want) in cases {
            assert_eq!(compact_datetime(s).as_deref(), want, "{s:?}");
        }
    }
}
