//! A table broken across pages is printed with the same column rules, but the part on one
//! page may lack some of them (a last page holding only the 合计 row spans the code
//! columns). Where one part's column edges are a subset of the other's, the poorer part is
//! re-gridded onto the richer one's columns so both come out with the same structure and
//! extraction can join them row by row.

use crate::ir::{Block, Page, Table};

/// Two edges closer than this (fraction of page width, ≈ 3 pt on A4) are the same rule.
const TOL: f32 = 0.005;

/// The x of every column edge (0..=n_cols) from the cells' boxes; None when an edge has no
/// cell starting or ending on it, or a cell has no box.
fn col_edges(t: &Table) -> Option<Vec<f32>> {
    let mut sum = vec![0.0f32; t.n_cols + 1];
    let mut n = vec![0u32; t.n_cols + 1];
    for c in &t.cells {
        let b = c.bbox?;
        let end = c.col + c.colspan;
        if end > t.n_cols {
            return None;
        }
        sum[c.col] += b[0];
        n[c.col] += 1;
        sum[end] += b[2];
        n[end] += 1;
    }
    sum.iter()
        .zip(&n)
        .map(|(&s, &k)| (k > 0).then(|| s / k as f32))
        .collect()
}

/// For each edge of `sub`, the index of the matching edge of `sup`, if all match in order
/// and the outer edges coincide.
fn edge_map(sub: &[f32], sup: &[f32]) -> Option<Vec<usize>> {
    if sub.len() >= sup.len() {
        return None;
    }
    let (first, last) = (sub.first()?, sub.last()?);
    if (first - sup.first()?).abs() > TOL || (last - sup.last()?).abs() > TOL {
        return None;
    }
    let mut map = Vec::with_capacity(sub.len());
    let mut from = 0;
    for &x in sub {
        let k = (from..sup.len()).find(|&k| (sup[k] - x).abs() <= TOL)?;
        map.push(k);
        from = k + 1;
    }
    Some(map)
}

fn regrid(t: &mut Table, map: &[usize], n_cols: usize) {
    for c in &mut t.cells {
        let (a, b) = (map[c.col], map[c.col + c.colspan]);
        c.col = a;
        c.colspan = b - a;
    }
    t.n_cols = n_cols;
}

/// Re-grids whichever of the two parts has a subset of the other's column edges. Returns
/// true when one was changed.
pub fn align_pair(prev: &mut Table, next: &mut Table) -> bool {
    let (Some(a), Some(b)) = (col_edges(prev), col_edges(next)) else {
        return false;
    };
    if let Some(map) = edge_map(&b, &a) {
        regrid(next, &map, prev.n_cols);
        return true;
    }
    if let Some(map) = edge_map(&a, &b) {
        regrid(prev, &map, next.n_cols);
        return true;
    }
    false
}

/// A line that is only a page number or decoration ("- 3 -", "12").
fn is_folio(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || "-—–·.第页/()（）".contains(c))
}

/// Aligns the last table of each page with the first table of the next page when nothing
/// but page numbers separates them (a new title means a new table).
pub fn align_continuations(pages: &mut [Page]) {
    for k in 1..pages.len() {
        let (head, tail) = pages.split_at_mut(k);
        let (Some(prev_page), Some(next_page)) = (head.last_mut(), tail.first_mut()) else {
            continue;
        };
        if next_page.number != prev_page.number + 1 {
            continue;
        }
        let prev = prev_page
            .blocks
            .iter()
            .rposition(|b| matches!(b, Block::Table(_)));
        let next = next_page
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Table(_)));
        let (Some(pi), Some(ni)) = (prev, next) else {
            continue;
        };
        let only_folios = |bs: &[Block]| {
            bs.iter().all(|b| match b {
                Block::Line(l) => is_folio(&l.text),
                Block::Table(_) => true,
            })
        };
        if !only_folios(&prev_page.blocks[pi + 1..]) || !only_folios(&next_page.blocks[..ni]) {
            continue;
        }
        if let (Block::Table(a), Block::Table(b)) =
            (&mut prev_page.blocks[pi], &mut next_page.blocks[ni])
        {
            align_pair(a, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Cell, TextLine};

    fn cell(row: usize, col: usize, colspan: usize, x0: f32, x1: f32, text: &str) -> Cell {
        let mut c = Cell::new(row, col, text);
        c.colspan = colspan;
        c.bbox = Some([x0, 0.1, x1, 0.2]);
        c
    }

    fn four_cols() -> Table {
        let xs = [0.1, 0.2, 0.3, 0.6, 0.9];
        let cells = (0..4)
            .map(|c| cell(0, c, 1, xs[c], xs[c + 1], "x"))
            .collect();
        Table::from_cells(1, 1, cells)
    }

    #[test]
    fn a_total_row_is_regridded_onto_the_previous_columns() {
        let mut prev = four_cols();
        // The continuation holds only "合计" over the three code columns, then the amount.
        let mut next = Table::from_cells(
            2,
            1,
            vec![
                cell(0, 0, 1, 0.101, 0.6, "合计"),
                cell(0, 1, 1, 0.6, 0.899, "1,000"),
            ],
        );
        assert!(align_pair(&mut prev, &mut next));
        assert_eq!(next.n_cols, 4);
        let total = next
            .cell_at(0, 2)
            .map(|c| (c.col, c.colspan, c.text.as_str()));
        assert_eq!(total, Some((0, 3, "合计")));
        assert_eq!(next.cell_at(0, 3).map(|c| c.text.as_str()), Some("1,000"));
        assert_eq!(prev.n_cols, 4, "the richer part is untouched");
    }

    #[test]
    fn different_tables_are_left_alone() {
        let mut prev = four_cols();
        let mut other = Table::from_cells(
            2,
            1,
            vec![cell(0, 0, 1, 0.1, 0.45, "a"), cell(0, 1, 1, 0.45, 0.9, "b")],
        );
        assert!(!align_pair(&mut prev, &mut other));
        assert_eq!(other.n_cols, 2);
    }

    #[test]
    fn a_new_title_stops_alignment() {
        let page = |n: u32, blocks: Vec<Block>| Page {
            number: n,
            blocks,
            ..Default::default()
        };
        let next = Table::from_cells(
            2,
            1,
            vec![
                cell(0, 0, 1, 0.1, 0.6, "合计"),
                cell(0, 1, 1, 0.6, 0.9, "1"),
            ],
        );
        let mut pages = vec![
            page(1, vec![Block::Table(four_cols())]),
            page(
                2,
                vec![
                    Block::Line(TextLine::new("支出预算总表")),
                    Block::Table(next.clone()),
                ],
            ),
        ];
        align_continuations(&mut pages);
        assert_eq!(pages[1].tables().next().map(|t| t.n_cols), Some(2));
        let mut pages = vec![
            page(
                1,
                vec![
                    Block::Table(four_cols()),
                    Block::Line(TextLine::new("- 3 -")),
                ],
            ),
            page(2, vec![Block::Table(next)]),
        ];
        align_continuations(&mut pages);
        assert_eq!(pages[1].tables().next().map(|t| t.n_cols), Some(4));
    }
}
