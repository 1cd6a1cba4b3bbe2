//! Tables printed without ruling lines (some Excel exports): consecutive text lines that
//! break into runs at wide gaps, whose runs stack into the same columns. Each line is a row;
//! columns are the x ranges no run crosses. Conservative: at least three rows and two
//! columns, and a leading or trailing line that does not fit the columns (a unit line, a
//! note) is left out as a text line.

use super::layout::{em, Glyph, Rect};

/// A run of glyphs in one line with its extent.
#[derive(Debug, Clone)]
pub struct Run {
    pub glyphs: Vec<Glyph>,
    pub rect: Rect,
}

/// A table found by alignment: the lines it took (indices into the input) and its grid.
#[derive(Debug, Clone)]
pub struct Aligned {
    pub lines: std::ops::Range<usize>,
    /// Column x ranges, left to right.
    pub cols: Vec<(f32, f32)>,
    /// Per row (line), the runs in it.
    pub rows: Vec<Vec<Run>>,
}

/// Splits a line at gaps wider than about one and a half characters.
pub fn runs(line: &[Glyph]) -> Vec<Run> {
    let em = em(line);
    let mut out: Vec<Run> = Vec::new();
    for g in line.iter().filter(|g| !g.ch.is_whitespace()) {
        match out.last_mut() {
            Some(r) if g.bbox.x0 - r.rect.x1 <= 1.5 * em => {
                r.rect = Rect::new(
                    r.rect.x0.min(g.bbox.x0),
                    r.rect.y0.min(g.bbox.y0),
                    r.rect.x1.max(g.bbox.x1),
                    r.rect.y1.max(g.bbox.y1),
                );
                r.glyphs.push(*g);
            }
            _ => out.push(Run {
                glyphs: vec![*g],
                rect: g.bbox,
            }),
        }
    }
    // Keep printed spaces inside runs so Latin words stay apart.
    for r in &mut out {
        let (x0, x1) = (r.rect.x0, r.rect.x1);
        let spaces = line
            .iter()
            .filter(|g| g.ch.is_whitespace() && g.bbox.cx() > x0 && g.bbox.cx() < x1);
        r.glyphs.extend(spaces);
        r.glyphs.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    }
    out
}

/// Column ranges: the union of the runs' x extents, split where no run reaches.
fn columns(rows: &[Vec<Run>]) -> Vec<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = rows
        .iter()
        .flatten()
        .map(|r| (r.rect.x0, r.rect.x1))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cols: Vec<(f32, f32)> = Vec::new();
    for (a, b) in spans {
        match cols.last_mut() {
            Some(c) if a <= c.1 + 1.0 => c.1 = c.1.max(b),
            _ => cols.push((a, b)),
        }
    }
    cols
}

/// Finds aligned tables among `lines` (top to bottom, each sorted left to right).
pub fn find(lines: &[Vec<Glyph>]) -> Vec<Aligned> {
    let split: Vec<Vec<Run>> = lines.iter().map(|l| runs(l)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if split[i].len() < 2 {
            i += 1;
            continue;
        }
        // Extend over following multi-run lines that sit close below.
        let mut j = i + 1;
        while j < lines.len() && split[j].len() >= 2 {
            let (Some(a), Some(b)) = (split[j - 1].first(), split[j].first()) else {
                break;
            };
            let line_h = a.rect.h().max(b.rect.h()).max(1.0);
            let prev_bottom = split[j - 1]
                .iter()
                .map(|r| r.rect.y1)
                .fold(f32::MIN, f32::max);
            let top = split[j].iter().map(|r| r.rect.y0).fold(f32::MAX, f32::min);
            if top - prev_bottom > 2.0 * line_h {
                break;
            }
            j += 1;
        }
        let (mut lo, mut hi) = (i, j);
        // Leave out an edge line that does not fit the others' columns: it merges two of
        // them or opens one of its own (a unit line above, a note below).
        while hi - lo > 3 && columns(&split[lo + 1..hi]).len() != columns(&split[lo..hi]).len() {
            lo += 1;
        }
        while hi - lo > 3 && columns(&split[lo..hi - 1]).len() != columns(&split[lo..hi]).len() {
            hi -= 1;
        }
        let cols = columns(&split[lo..hi]);
        if hi - lo >= 3 && cols.len() >= 2 {
            out.push(Aligned {
                lines: lo..hi,
                cols,
                rows: split[lo..hi].to_vec(),
            });
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: f32, y: f32) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, ch)| Glyph {
                ch,
                bbox: Rect::new(x + i as f32 * 10.0, y, x + (i + 1) as f32 * 10.0, y + 10.0),
            })
            .collect()
    }

    fn line(parts: &[(&str, f32)], y: f32) -> Vec<Glyph> {
        parts.iter().flat_map(|(t, x)| word(t, *x, y)).collect()
    }

    #[test]
    fn aligned_lines_form_columns_and_a_unit_line_stays_out() {
        let lines = vec![
            line(&[("部门：某局", 50.0), ("单位：万元", 150.0)], 80.0),
            line(&[("项目", 50.0), ("金额", 250.0)], 100.0),
            line(&[("基本支出", 50.0), ("1,234.00", 240.0)], 115.0),
            line(&[("项目支出", 50.0), ("56.00", 270.0)], 130.0),
            line(&[("合计", 50.0), ("1,290.00", 240.0)], 145.0),
        ];
        let found = find(&lines);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].lines, 1..5);
        assert_eq!(found[0].cols.len(), 2);
    }

    #[test]
    fn prose_and_short_runs_are_not_tables() {
        // Justified prose: odd gaps that do not line up.
        let lines = vec![
            line(&[("一二三四五", 50.0), ("六七八", 130.0)], 100.0),
            line(&[("一二三", 50.0), ("四五六七八九", 100.0)], 115.0),
            line(&[("一二三四五六七", 50.0)], 130.0),
        ];
        assert!(find(&lines).is_empty());
        // Two aligned lines are not enough.
        let lines = vec![
            line(&[("项目", 50.0), ("金额", 250.0)], 100.0),
            line(&[("合计", 50.0), ("12", 250.0)], 115.0),
        ];
        assert!(find(&lines).is_empty());
    }
}
