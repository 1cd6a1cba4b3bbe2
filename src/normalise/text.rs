//! Display-text clean-up (`clean_text`) and parse-only width folding (`fold_width`).

/// CJK ideographs and the CJK / full-width punctuation that sits between them. A space between
/// two of these is a line-wrap artefact, never meaningful in Chinese text.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'          // extension A
        | '\u{4E00}'..='\u{9FFF}'        // unified ideographs
        | '\u{F900}'..='\u{FAFF}'        // compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}'      // extensions B.. and compatibility supplement
    )
}

/// Punctuation that behaves like a CJK character for line wrapping: CJK symbols (、。《》「」【】〔〕),
/// full-width punctuation (，：；（）！？％), and the typographic dashes, quotes and ellipsis used in
/// Chinese text.
pub(crate) fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{2014}' | '\u{2015}' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'
        | '\u{2026}' | '\u{00B7}' | '\u{2027}'
    )
}

fn is_cjkish(c: char) -> bool {
    is_cjk(c) || is_cjk_punct(c)
}

/// Folds full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII. Only for parsing:
/// display text keeps its full-width punctuation.
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

pub(crate) fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Cell text to plain text: HTML tags and entities, markdown heading/bold marks and LaTeX math
/// removed or rendered, odd spaces folded, line-wrap spaces inside Chinese text removed, other
/// whitespace runs collapsed to one space, trimmed.
pub fn clean_text(s: &str) -> String {
    // Each pass can expose markup that was split by markup ("<<b>b>"); iterate to a fixed point
    // so the function is idempotent, with a bound so hostile input stays linear-ish.
    let mut cur = clean_once(s);
    for _ in 0..8 {
        let next = clean_once(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

fn clean_once(s: &str) -> String {
    let s = strip_html(s);
    let s = decode_entities(&s);
    let s = render_latex(&s);
    let s = strip_markdown(&s);
    squeeze_spaces(&s)
}

/// Removes `<tag …>` / `</tag>` / `<tag/>`. Block-level tags become a space (they separate
/// words); inline ones vanish. A `<` not followed by a tag name ("<5%") is kept.
fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        match tag_len(after) {
            Some((len, block)) => {
                if block {
                    out.push(' ');
                }
                rest = &after[len..];
            }
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length in bytes of an HTML tag at the start of `s`, and whether it is block-level.
fn tag_len(s: &str) -> Option<(usize, bool)> {
    let body = s.strip_prefix('<')?;
    let body_t = body.strip_prefix('/').unwrap_or(body);
    let name_len = body_t
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .unwrap_or(body_t.len());
    let name = &body_t[..name_len];
    if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let tail = &body_t[name_len..];
    let next = tail.chars().next()?;
    if !(next == '>' || next == '/' || next.is_whitespace()) {
        return None;
    }
    // The tag must close before the line does, and before another '<' opens.
    let close = tail.find(['>', '<', '\n'])?;
    if tail.as_bytes()[close] != b'>' {
        return None;
    }
    let total = s.len() - tail.len() + close + 1;
    let lname = name.to_ascii_lowercase();
    let block = matches!(
        lname.as_str(),
        "br" | "p"
            | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "tbody"
            | "thead"
            | "hr"
    );
    Some((total, block))
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    const ENT: [(&str, &str); 8] = [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&le;", "≤"),
        ("&ge;", "≥"),
        ("&amp;", "&"),
    ];
    let mut out = s.to_string();
    for (e, r) in ENT {
        out = out.replace(e, r);
    }
    out
}

/// LaTeX commands seen in OCR'd cells, longest first so `\leq` wins over `\le`.
const LATEX: [(&str, &str); 22] = [
    ("\\geqslant", "≥"),
    ("\\leqslant", "≤"),
    ("\\approx", "≈"),
    ("\\times", "×"),
    ("\\cdot", "·"),
    ("\\circ", "°"),
    ("\\left", ""),
    ("\\right", ""),
    ("\\geq", "≥"),
    ("\\leq", "≤"),
    ("\\neq", "≠"),
    ("\\div", "÷"),
    ("\\sim", "~"),
    ("\\pm", "±"),
    ("\\ge", "≥"),
    ("\\le", "≤"),
    ("\\ne", "≠"),
    ("\\gt", ">"),
    ("\\lt", "<"),
    ("\\%", "%"),
    ("\\,", ""),
    ("\\;", ""),
];

/// Renders `$…$` / `$$…$$` math to plain characters (`$\geq 95\%$` → "≥95%"). Spaces inside
/// math are insignificant and dropped. A lone `$` is kept.
fn render_latex(s: &str) -> String {
    if !s.contains('$') && !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&latex_commands(&rest[..i]));
        let after = rest[i..].trim_start_matches('$');
        let opened = rest.len() - i - after.len();
        let close = after.find('$');
        match close {
            Some(j) if !after[..j].contains('\n') => {
                out.push_str(&render_math(&after[..j]));
                let tail = &after[j..];
                let closers = tail.len() - tail.trim_start_matches('$').len();
                rest = &tail[closers.min(opened)..];
            }
            _ => {
                out.push_str(&rest[i..i + opened]);
                rest = after;
            }
        }
    }
    out.push_str(&latex_commands(rest));
    out
}

fn render_math(m: &str) -> String {
    let mut t = m.to_string();
    // \text{万元}, \mathrm{m} → their argument.
    for cmd in ["\\text", "\\mathrm", "\\mathbf", "\\textbf", "\\rm"] {
        t = t.replace(cmd, "");
    }
    let t = latex_commands(&t);
    t.chars()
        .filter(|c| !c.is_whitespace() && *c != '{' && *c != '}')
        .map(|c| if c == '^' || c == '_' { '\u{0}' } else { c })
        .filter(|c| *c != '\u{0}')
        .collect()
}

/// Replaces known LaTeX commands; outside `$…$` only when followed by a non-letter, so words
/// like a path "\legal" are not mangled.
fn latex_commands(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    'outer: while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        // "\\" is an escaped backslash: kept whole, so "\\%" is not read as "\" + "\%"
        // (which would make clean_text shed one backslash per call).
        if let Some(tail) = after.strip_prefix("\\\\") {
            out.push_str("\\\\");
            rest = tail;
            continue;
        }
        for (cmd, rep) in LATEX {
            if let Some(tail) = after.strip_prefix(cmd) {
                let letter_cmd = cmd.as_bytes()[1].is_ascii_alphabetic();
                if !letter_cmd || !tail.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    out.push_str(rep);
                    rest = tail;
                    continue 'outer;
                }
            }
        }
        out.push('\\');
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

/// Markdown heading marks at line starts and `**` bold marks.
fn strip_markdown(s: &str) -> String {
    let s = s.replace("**", "");
    let mut out = String::with_capacity(s.len());
    for (k, line) in s.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let t = line.trim_start();
        let hashes = t.len() - t.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(|c: char| c.is_whitespace()) {
            out.push_str(&t[hashes..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00A0}' | '\u{3000}' | '\u{200B}' | '\u{FEFF}')
}

/// Collapses whitespace: dropped between two CJK characters (or CJK punctuation), one ASCII
/// space elsewhere, none at the ends. Zero-width spaces vanish.
fn squeeze_spaces(s: &str) -> String {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{200C}' | '\u{200D}'))
        .collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_space(c) {
            let start = i;
            while i < chars.len() && is_space(chars[i]) {
                i += 1;
            }
            let prev = if start > 0 {
                Some(chars[start - 1])
            } else {
                None
            };
            let next = chars.get(i).copied();
            match (prev, next) {
                (Some(p), Some(n)) if is_cjkish(p) && is_cjkish(n) => {}
                (Some(_), Some(_)) => out.push(' '),
                _ => {}
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_cases() {
        let cases = [
            ("<b>产出指标</b>", "产出指标"),
            (
                "<h2 style=\"text-align:center\">项目支出绩效目标表</h2>",
                "项目支出绩效目标表",
            ),
            ("<p>通过该项目</p><p>的实施</p>", "通过该项目的实施"),
            ("满意度$\\geq 95\\%$", "满意度≥95%"),
            ("$\\leq 60$天", "≤60天"),
            ("$3 \\times 5$", "3×5"),
            ("$\\text{万元}$", "万元"),
            ("## 一、项目概况", "一、项目概况"),
            ("**重要**内容", "重要内容"),
            ("社保\u{3000}基金", "社保基金"),
            ("社保\u{00A0}基金 管理", "社保基金管理"),
            ("通过该项目的实 施，完成了", "通过该项目的实施，完成了"),
            ("完成 ， 了", "完成，了"),
            ("（ 必填 ）", "（必填）"),
            ("  a   b\t\nc  ", "a b c"),
            ("2023 年", "2023 年"),
            ("<5%", "<5%"),
            ("x < y and a<b", "x < y and a<b"),
            ("人数 >135万人", "人数 >135万人"),
            ("&lt;5% &amp; 其他", "<5% & 其他"),
            ("价格 $5", "价格 $5"),
            ("a\\\\%", "a\\\\%"),
            ("a\\\\\\%", "a\\\\%"),
            ("", ""),
        ];
        for (i, o) in cases {
            assert_eq!(clean_text(i), o, "input {i:?}");
        }
    }

    /// Found by the `value_parser` fuzz target: runs of backslashes lost one per call.
    #[test]
    fn idempotent_on_backslash_runs() {
        let s = "<b>\\\\\\61-数\\\\\\\\\\\\\\\\\\\\%\\\\\\\0量指标</b>\n>\n";
        let once = clean_text(s);
        assert_eq!(clean_text(&once), once);
    }

    #[test]
    fn fold_width_cases() {
        assert_eq!(fold_width("１２３．５％"), "123.5%");
        assert_eq!(fold_width("＞＜＝，：（）"), "><=,:()");
        assert_eq!(fold_width("ＡＢｃ\u{3000}中文"), "ABc 中文");
        assert_eq!(fold_width("中文、。"), "中文、。");
    }
}
