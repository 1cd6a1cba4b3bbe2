//! OCR'd text input (`../shared/seeds/*.txt` format) → pages of lines and tables.
//!
//! Rows are lines, cells are tab-separated fields (column = field index; merged cells in the
//! source shift later fields left, so columns are only a hint). A run of consecutive lines that
//! contain tabs is one [`Table`]; a blank line ends it (extraction re-joins tables that a blank
//! line or page break split). Form feeds separate pages. Markup left by the OCR export (markdown
//! headings and bold, HTML tags, LaTeX maths) is removed from every cell and line here, so later
//! stages see the text as printed.

use crate::ir::{Block, Cell, Page, Table, TextLine};

/// Reads a whole text file into pages.
pub fn read_text(text: &str) -> Vec<Page> {
    text.split('\x0c')
        .enumerate()
        .map(|(i, chunk)| read_page(chunk, (i + 1) as u32))
        .collect()
}

fn read_page(chunk: &str, number: u32) -> Page {
    let mut blocks = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut ordinal = 0u32;
    let flush = |rows: &mut Vec<Vec<String>>, blocks: &mut Vec<Block>, ordinal: &mut u32| {
        if rows.is_empty() {
            return;
        }
        *ordinal += 1;
        let cells = rows
            .drain(..)
            .enumerate()
            .flat_map(|(r, fields)| {
                fields
                    .into_iter()
                    .enumerate()
                    .map(move |(c, t)| Cell::new(r, c, t))
            })
            .collect();
        blocks.push(Block::Table(Table::from_cells(number, *ordinal, cells)));
    };
    for raw in chunk.lines() {
        let line = raw.trim_end_matches('\r');
        if is_watermark(line) {
            continue;
        }
        if line.contains('\t') {
            let fields: Vec<String> = line.split('\t').map(clean_markup).collect();
            if is_rule_row(&fields) {
                continue;
            }
            if fields.iter().all(|f| f.is_empty()) {
                flush(&mut rows, &mut blocks, &mut ordinal);
                continue;
            }
            rows.push(fields);
        } else {
            flush(&mut rows, &mut blocks, &mut ordinal);
            let t = clean_markup(line);
            if !t.is_empty() && !is_rule_row(std::slice::from_ref(&t)) {
                blocks.push(Block::Line(TextLine::new(t)));
            }
        }
    }
    flush(&mut rows, &mut blocks, &mut ordinal);
    Page {
        number,
        blocks,
        ..Page::default()
    }
}

/// CamScanner stamps "扫描全能王 创建" on every page; it is never content.
fn is_watermark(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("扫描全能王")
}

/// A markdown table rule (`-- | ---- | ---`): layout, not content.
fn is_rule_row(fields: &[String]) -> bool {
    fields.iter().any(|f| !f.is_empty())
        && fields
            .iter()
            .all(|f| f.chars().all(|c| matches!(c, '-' | ':' | '|' | ' ')))
}

/// Removes export markup: HTML tags, markdown heading/bold marks, LaTeX maths (`$\geq 95\%$`
/// → `≥95%`), and trims. Inner spaces are kept (they may be line wraps the extractor judges).
pub fn clean_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                // An HTML tag is '<' + letter or '/' … '>'; a bare '<' is a comparison ("<94人").
                let is_tag =
                    matches!(chars.peek(), Some(n) if n.is_ascii_alphabetic() || *n == '/');
                if is_tag {
                    let rest: String = chars.clone().collect();
                    if let Some(end) = rest.find('>') {
                        let n = rest[..end].chars().count() + 1;
                        for _ in 0..n {
                            chars.next();
                        }
                        continue;
                    }
                    // A tag cut off at the end of the cell ("…</h2").
                    if rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '/') {
                        break;
                    }
                }
                out.push(c);
            }
            '$' => {
                let rest: String = chars.clone().collect();
                if let Some(end) = rest.find('$') {
                    out.push_str(&latex_to_text(&rest[..end]));
                    let n = rest[..end].chars().count() + 1;
                    for _ in 0..n {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    let t = out.replace("**", "").replace("&nbsp;", " ");
    let t = t.trim();
    let t = t.trim_start_matches('#').trim();
    t.to_string()
}

fn latex_to_text(s: &str) -> String {
    let mut t = s.to_string();
    for (from, to) in [
        ("\\geqslant", "≥"),
        ("\\leqslant", "≤"),
        ("\\geq", "≥"),
        ("\\leq", "≤"),
        ("\\ge", "≥"),
        ("\\le", "≤"),
        ("\\times", "×"),
        ("\\approx", "≈"),
        ("\\sim", "~"),
        ("\\%", "%"),
        ("\\lt", "<"),
        ("\\gt", ">"),
        ("\\,", ""),
        ("\\ ", ""),
        ("\\mathrm", ""),
        ("\\text", ""),
    ] {
        t = t.replace(from, to);
    }
    t.chars()
        .filter(|c| !matches!(c, '{' | '}' | '\\') && !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_split_at_blank_lines_and_lines_are_cleaned() {
        let pages =
            read_text("# 标题\n\na\tb\n\tc\n\n<b>x</b>\ty\n扫描全能王 创建\n-- | --\n(2024年度)\n");
        assert_eq!(pages.len(), 1);
        let b = &pages[0].blocks;
        assert_eq!(b.len(), 4);
        assert!(matches!(&b[0], Block::Line(l) if l.text == "标题"));
        match &b[1] {
            Block::Table(t) => {
                assert_eq!((t.n_rows, t.n_cols, t.ordinal), (2, 2, 1));
                assert_eq!(t.cell_at(1, 1).map(|c| c.text.as_str()), Some("c"));
                assert_eq!(t.cell_at(1, 0).map(|c| c.text.as_str()), Some(""));
            }
            _ => panic!("expected a table"),
        }
        match &b[2] {
            Block::Table(t) => {
                assert_eq!(t.ordinal, 2);
                assert_eq!(t.cells[0].text, "x");
            }
            _ => panic!("expected a table"),
        }
        assert!(matches!(&b[3], Block::Line(l) if l.text == "(2024年度)"));
    }

    #[test]
    fn form_feed_starts_a_new_page_with_its_own_ordinals() {
        let pages = read_text("a\tb\n\x0cc\td\n");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].number, 2);
        assert_eq!(pages[1].tables().next().map(|t| t.ordinal), Some(1));
    }

    #[test]
    fn markup_is_removed_but_comparisons_stay() {
        assert_eq!(clean_markup("$\\geq 95\\%$"), "≥95%");
        assert_eq!(clean_markup("<p>通过</p>"), "通过");
        assert_eq!(clean_markup("<94人"), "<94人");
        assert_eq!(clean_markup("<h2 style=\"margin: 0;\">部"), "部");
        assert_eq!(clean_markup("## 部门表"), "部门表");
        assert_eq!(clean_markup("<h2 style=\"m\">部门表</h2"), "部门表");
    }
}
