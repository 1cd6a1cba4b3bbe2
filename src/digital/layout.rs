//! Page geometry → IR blocks, with no pdfium in sight: glyphs (characters with boxes) and
//! ruling segments, both in display points (origin top-left, y down, after /Rotate), become
//! ruled tables with merged cells plus the text lines outside them, in reading order.
//!
//! Kept pure so the geometry is unit-tested on synthetic pages.

use crate::geom::{hull, UnionFind};
use crate::ir::{BBox, Block, Cell, Table, TextLine};

/// An axis-aligned box in display points (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Self {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }
    pub fn w(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn h(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}

/// One printed character.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub ch: char,
    pub bbox: Rect,
}

/// A ruling line: horizontal at y = `pos` from x = `from` to `to`, or vertical at x = `pos`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub horizontal: bool,
    pub pos: f32,
    pub from: f32,
    pub to: f32,
}

impl Rule {
    pub fn h(y: f32, x0: f32, x1: f32) -> Self {
        Rule {
            horizontal: true,
            pos: y,
            from: x0.min(x1),
            to: x0.max(x1),
        }
    }
    pub fn v(x: f32, y0: f32, y1: f32) -> Self {
        Rule {
            horizontal: false,
            pos: x,
            from: y0.min(y1),
            to: y0.max(y1),
        }
    }
    fn len(&self) -> f32 {
        self.to - self.from
    }
}

/// A filled or stroked shape thinner than this (points) is a line, not a box.
const THIN: f32 = 3.0;
/// Shorter marks than this are not rules (corner dots, tick marks).
const MIN_RULE: f32 = 3.0;
/// Shortest stroked piece worth keeping before collinear pieces are joined.
const MIN_PIECE: f32 = 0.8;
/// Beyond this many rules a page is a drawing (chart, map, hatching), not a ruled table:
/// grid search is skipped rather than spending quadratic time on it.
const MAX_RULES: usize = 4000;
/// Two rules closer than this across their direction are one line; also the reach for
/// rules meeting at a corner.
const SNAP: f32 = 2.5;

/// Rules drawn by one subpath (points already in display space). A filled thin shape is the
/// line it looks like; a stroked shape contributes each axis-aligned edge; a filled box that
/// is not stroked is shading, not ruling.
pub fn rules_from_subpath(points: &[(f32, f32)], filled: bool, stroked: bool) -> Vec<Rule> {
    let mut out = Vec::new();
    if points.len() < 2 {
        return out;
    }
    let [x0, y0, x1, y1] = hull(points.iter().copied());
    let (w, h) = (x1 - x0, y1 - y0);
    if filled && w.min(h) <= THIN && w.max(h) >= MIN_RULE {
        if w >= h {
            out.push(Rule::h((y0 + y1) / 2.0, x0, x1));
        } else {
            out.push(Rule::v((x0 + x1) / 2.0, y0, y1));
        }
        return out;
    }
    if !stroked {
        return out;
    }
    let mut edges: Vec<((f32, f32), (f32, f32))> =
        points.windows(2).map(|p| (p[0], p[1])).collect();
    if let (Some(&first), Some(&last)) = (points.first(), points.last()) {
        if points.len() > 2 {
            edges.push((last, first));
        }
    }
    for ((ax, ay), (bx, by)) in edges {
        let (dx, dy) = ((bx - ax).abs(), (by - ay).abs());
        // Short pieces are kept: a dashed rule arrives as many of them and is joined by
        // `merge_rules`; what stays short is dropped by `find_grids`.
        if dy <= 1.0 && dx >= MIN_PIECE && dx > 2.0 * dy {
            out.push(Rule::h((ay + by) / 2.0, ax, bx));
        } else if dx <= 1.0 && dy >= MIN_PIECE && dy > 2.0 * dx {
            out.push(Rule::v((ax + bx) / 2.0, ay, by));
        }
    }
    out
}

/// Collinear rules that touch or overlap become one; near-duplicate lines (a border drawn
/// twice, a thin rect beside a stroke) collapse.
pub fn merge_rules(rules: &[Rule]) -> Vec<Rule> {
    let mut out = Vec::new();
    for horizontal in [true, false] {
        let mut rs: Vec<Rule> = rules
            .iter()
            .filter(|r| r.horizontal == horizontal)
            .copied()
            .collect();
        rs.sort_by(|a, b| a.pos.total_cmp(&b.pos));
        // Bands of nearly equal position.
        let mut i = 0;
        while i < rs.len() {
            let mut j = i + 1;
            while j < rs.len() && rs[j].pos - rs[j - 1].pos <= SNAP / 2.0 {
                j += 1;
            }
            let band = &mut rs[i..j];
            band.sort_by(|a, b| a.from.total_cmp(&b.from));
            let mut cur: Option<Rule> = None;
            let mut n = 0.0f32;
            let mut pos_sum = 0.0f32;
            for r in band.iter() {
                match cur.as_mut() {
                    Some(c) if r.from <= c.to + SNAP => {
                        c.to = c.to.max(r.to);
                        pos_sum += r.pos;
                        n += 1.0;
                    }
                    _ => {
                        if let Some(mut c) = cur.take() {
                            c.pos = pos_sum / n;
                            out.push(c);
                        }
                        cur = Some(*r);
                        pos_sum = r.pos;
                        n = 1.0;
                    }
                }
            }
            if let Some(mut c) = cur {
                c.pos = pos_sum / n;
                out.push(c);
            }
            i = j;
        }
    }
    out
}

fn crosses(h: &Rule, v: &Rule) -> bool {
    v.pos >= h.from - SNAP && v.pos <= h.to + SNAP && h.pos >= v.from - SNAP && h.pos <= v.to + SNAP
}

/// Sorted positions with those closer than `SNAP` merged (their mean).
fn cluster(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    let mut group: Vec<f32> = Vec::new();
    for x in v {
        if let Some(&last) = group.last() {
            if x - last > SNAP {
                out.push(group.iter().sum::<f32>() / group.len() as f32);
                group.clear();
            }
        }
        group.push(x);
    }
    if !group.is_empty() {
        out.push(group.iter().sum::<f32>() / group.len() as f32);
    }
    out
}

/// How much of [a, b] the rules at `pos` (same direction) cover, as a fraction.
fn coverage(rules: &[&Rule], pos: f32, a: f32, b: f32) -> f32 {
    let len = b - a;
    if len <= 0.0 {
        return 1.0;
    }
    let mut spans: Vec<(f32, f32)> = rules
        .iter()
        .filter(|r| (r.pos - pos).abs() <= SNAP)
        .map(|r| (r.from.max(a), r.to.min(b)))
        .filter(|(s, e)| e > s)
        .collect();
    spans.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut covered = 0.0;
    let mut end = a;
    for (s, e) in spans {
        let s = s.max(end);
        if e > s {
            covered += e - s;
            end = e;
        }
    }
    covered / len
}

/// A ruled grid: column edges `xs`, row edges `ys` and the merged cells over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
    /// (row, col, rowspan, colspan) of each cell, row-major.
    pub cells: Vec<(usize, usize, usize, usize)>,
}

impl Grid {
    pub fn bbox(&self) -> Rect {
        let (x0, x1) = (self.xs[0], self.xs[self.xs.len() - 1]);
        let (y0, y1) = (self.ys[0], self.ys[self.ys.len() - 1]);
        Rect::new(x0, y0, x1, y1)
    }

    fn n_rows(&self) -> usize {
        self.ys.len() - 1
    }

    fn n_cols(&self) -> usize {
        self.xs.len() - 1
    }

    /// Index of the cell containing point (x, y), if inside the grid.
    fn cell_of(&self, x: f32, y: f32, owner: &[usize]) -> Option<usize> {
        let col = self.xs.windows(2).position(|w| x >= w[0] && x < w[1])?;
        let row = self.ys.windows(2).position(|w| y >= w[0] && y < w[1])?;
        owner.get(row * self.n_cols() + col).copied()
    }

    /// For every grid unit, the index of the cell covering it.
    fn owners(&self) -> Vec<usize> {
        let mut owner = vec![0; self.n_rows() * self.n_cols()];
        for (k, &(r, c, rs, cs)) in self.cells.iter().enumerate() {
            for rr in r..r + rs {
                for cc in c..c + cs {
                    owner[rr * self.n_cols() + cc] = k;
                }
            }
        }
        owner
    }
}

/// Grids formed by connected horizontal and vertical rules. A set of rules that encloses
/// fewer than two cells is a frame or an underline, not a table.
pub fn find_grids(rules: &[Rule]) -> Vec<Grid> {
    let rules: Vec<Rule> = rules
        .iter()
        .filter(|r| r.len() >= MIN_RULE)
        .copied()
        .collect();
    if rules.len() > MAX_RULES {
        return Vec::new();
    }
    let n = rules.len();
    let mut uf = UnionFind::new(n);
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&rules[i], &rules[j]);
            let touch = match (a.horizontal, b.horizontal) {
                (true, false) => crosses(a, b),
                (false, true) => crosses(b, a),
                _ => false,
            };
            if touch {
                uf.union(i, j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Rule>> = Default::default();
    for (i, r) in rules.iter().enumerate() {
        let root = uf.find(i);
        groups.entry(root).or_default().push(*r);
    }
    let mut grids: Vec<Grid> = groups
        .into_values()
        .filter_map(|g| grid_from_rules(&g))
        .collect();
    grids.sort_by(|a, b| a.ys[0].total_cmp(&b.ys[0]));
    grids
}

fn grid_from_rules(rules: &[Rule]) -> Option<Grid> {
    let hs: Vec<&Rule> = rules.iter().filter(|r| r.horizontal).collect();
    let vs: Vec<&Rule> = rules.iter().filter(|r| !r.horizontal).collect();
    if hs.len() < 2 || vs.is_empty() {
        return None;
    }
    // The outer frame is where the rules end, even where a border is not drawn.
    let left = hs.iter().map(|r| r.from).fold(f32::MAX, f32::min);
    let right = hs.iter().map(|r| r.to).fold(f32::MIN, f32::max);
    let top = vs.iter().map(|r| r.from).fold(f32::MAX, f32::min);
    let bottom = vs.iter().map(|r| r.to).fold(f32::MIN, f32::max);
    let (left, right) = (
        left.min(vs.iter().map(|r| r.pos).fold(f32::MAX, f32::min)),
        right.max(vs.iter().map(|r| r.pos).fold(f32::MIN, f32::max)),
    );
    let (top, bottom) = (
        top.min(hs.iter().map(|r| r.pos).fold(f32::MAX, f32::min)),
        bottom.max(hs.iter().map(|r| r.pos).fold(f32::MIN, f32::max)),
    );
    let mut xv: Vec<f32> = vs.iter().map(|r| r.pos).collect();
    xv.extend([left, right]);
    let mut yv: Vec<f32> = hs.iter().map(|r| r.pos).collect();
    yv.extend([top, bottom]);
    let xs = cluster(xv);
    let ys = cluster(yv);
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    // A boundary counts as drawn when rules cover most of it; the outer frame always does.
    let vdrawn = |r: usize, c: usize| -> bool {
        c + 1 >= nc || coverage(&vs, xs[c + 1], ys[r], ys[r + 1]) >= 0.5
    };
    let hdrawn = |r: usize, c: usize| -> bool {
        r + 1 >= nr || coverage(&hs, ys[r + 1], xs[c], xs[c + 1]) >= 0.5
    };
    let mut taken = vec![false; nr * nc];
    let mut cells = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if taken[r * nc + c] {
                continue;
            }
            let mut cs = 1;
            while c + cs < nc && !vdrawn(r, c + cs - 1) && !taken[r * nc + c + cs] {
                cs += 1;
            }
            let mut rs = 1;
            // Grow down while no rule closes the span below and no rule splits it in the
            // next row (the merged region must stay a rectangle).
            'down: while r + rs < nr {
                for cc in c..c + cs {
                    let split = cc + 1 < c + cs && vdrawn(r + rs, cc);
                    if hdrawn(r + rs - 1, cc) || taken[(r + rs) * nc + cc] || split {
                        break 'down;
                    }
                }
                rs += 1;
            }
            for rr in r..r + rs {
                for cc in c..c + cs {
                    taken[rr * nc + cc] = true;
                }
            }
            cells.push((r, c, rs, cs));
        }
    }
    if cells.len() < 2 {
        return None;
    }
    Some(Grid { xs, ys, cells })
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || matches!(c, '、' | '。' | '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Glyphs grouped into visual lines (top to bottom), each sorted left to right.
pub fn group_lines(glyphs: &[Glyph]) -> Vec<Vec<Glyph>> {
    let mut gs: Vec<Glyph> = glyphs.to_vec();
    gs.sort_by(|a, b| a.bbox.cy().total_cmp(&b.bbox.cy()));
    let mut lines: Vec<(Rect, Vec<Glyph>)> = Vec::new();
    for g in gs {
        // Glyphs share a line when each one's vertical centre lies within the other's extent.
        let hit = lines.iter_mut().rev().take(4).find(|(r, _)| {
            let c = g.bbox.cy();
            c > r.y0 && c < r.y1 && {
                let lc = r.cy();
                lc > g.bbox.y0 && lc < g.bbox.y1
            }
        });
        match hit {
            Some((r, v)) => {
                *r = r.union(&g.bbox);
                v.push(g);
            }
            None => lines.push((g.bbox, vec![g])),
        }
    }
    lines.sort_by(|a, b| a.0.cy().total_cmp(&b.0.cy()));
    lines
        .into_iter()
        .map(|(_, mut v)| {
            v.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
            dedupe_overprint(v)
        })
        .collect()
}

/// Drops a glyph printed again over itself (poor man's bold: the same character drawn twice
/// with a small offset), which would otherwise read "合合计计".
fn dedupe_overprint(v: Vec<Glyph>) -> Vec<Glyph> {
    let mut out: Vec<Glyph> = Vec::with_capacity(v.len());
    for g in v {
        let twin = out.last().is_some_and(|p| {
            p.ch == g.ch
                && !g.ch.is_whitespace()
                && (p.bbox.x0 - g.bbox.x0).abs() < 0.3 * g.bbox.w().max(1.0)
                && (p.bbox.y0 - g.bbox.y0).abs() < 0.3 * g.bbox.h().max(1.0)
        });
        if !twin {
            out.push(g);
        }
    }
    out
}

/// Median glyph height of a line: the text size, the yardstick for gaps.
pub(super) fn em(line: &[Glyph]) -> f32 {
    let mut hs: Vec<f32> = line
        .iter()
        .filter(|g| !g.ch.is_whitespace())
        .map(|g| g.bbox.h())
        .collect();
    hs.sort_by(f32::total_cmp);
    hs.get(hs.len() / 2).copied().unwrap_or(10.0).max(1.0)
}

/// The text of one line: a space where a visible gap separates two non-CJK characters; CJK
/// text is never spaced (justified or letter-spaced headings read as written).
pub fn line_text(line: &[Glyph]) -> String {
    let em = em(line);
    let mut s = String::new();
    let mut prev: Option<&Glyph> = None;
    let mut printed_space = false;
    for g in line {
        if g.ch.is_whitespace() {
            printed_space = prev.is_some();
            continue;
        }
        if let Some(p) = prev {
            let gap = g.bbox.x0 - p.bbox.x1;
            let latin = !(is_wide(p.ch) || is_wide(g.ch));
            let mixed = !(is_wide(p.ch) && is_wide(g.ch));
            if (latin && (printed_space || gap > 0.25 * em)) || (mixed && gap > 1.5 * em) {
                s.push(' ');
            }
        }
        printed_space = false;
        s.push(g.ch);
        prev = Some(g);
    }
    s
}

/// Splits a line where a gap is both wide and much wider than the line's usual spacing, so
/// "编制单位：…" and "单位：万元" printed on one baseline become two lines, while a
/// letter-spaced heading stays whole.
pub fn split_runs(line: &[Glyph]) -> Vec<Vec<Glyph>> {
    let em = em(line);
    let gaps: Vec<f32> = line
        .windows(2)
        .map(|w| w[1].bbox.x0 - w[0].bbox.x1)
        .collect();
    let mut sorted = gaps.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted
        .get(sorted.len() / 2)
        .copied()
        .unwrap_or(0.0)
        .max(0.0);
    let cut = (2.0 * em).max(3.0 * median + 0.5 * em);
    let mut out = vec![Vec::new()];
    for (i, g) in line.iter().enumerate() {
        // A label ending in a colon keeps its value however far away it is printed.
        let after_label = i > 0 && matches!(line[i - 1].ch, '：' | ':');
        if i > 0 && gaps[i - 1] > cut && !after_label {
            out.push(Vec::new());
        }
        if let Some(last) = out.last_mut() {
            last.push(*g);
        }
    }
    out.retain(|v| v.iter().any(|g| !g.ch.is_whitespace()));
    out
}

fn frac(r: &Rect, w: f32, h: f32) -> BBox {
    [
        (r.x0 / w).clamp(0.0, 1.0),
        (r.y0 / h).clamp(0.0, 1.0),
        (r.x1 / w).clamp(0.0, 1.0),
        (r.y1 / h).clamp(0.0, 1.0),
    ]
}

fn bounds(glyphs: &[Glyph]) -> Option<Rect> {
    let first = glyphs.first()?;
    Some(glyphs.iter().fold(first.bbox, |r, g| r.union(&g.bbox)))
}

/// An unruled table as IR: one row per line, every grid position listed.
fn aligned_table(page: u32, w: f32, h: f32, a: &super::unruled::Aligned) -> (Table, Rect) {
    let mut cells = Vec::new();
    let mut all: Option<Rect> = None;
    for (r, runs) in a.rows.iter().enumerate() {
        let y0 = runs.iter().map(|x| x.rect.y0).fold(f32::MAX, f32::min);
        let y1 = runs.iter().map(|x| x.rect.y1).fold(f32::MIN, f32::max);
        for (c, &(x0, x1)) in a.cols.iter().enumerate() {
            let text: Vec<String> = runs
                .iter()
                .filter(|run| run.rect.cx() >= x0 && run.rect.cx() <= x1)
                .map(|run| line_text(&run.glyphs))
                .collect();
            let rect = Rect::new(x0, y0, x1, y1);
            all = Some(all.map_or(rect, |u| u.union(&rect)));
            cells.push(Cell {
                row: r,
                col: c,
                rowspan: 1,
                colspan: 1,
                text: text.join(" "),
                conf: 1.0,
                bbox: Some(frac(&rect, w, h)),
            });
        }
    }
    let rect = all.unwrap_or(Rect::new(0.0, 0.0, 0.0, 0.0));
    let mut t = Table::from_cells(page, 0, cells);
    t.bbox = Some(frac(&rect, w, h));
    (t, rect)
}

/// The blocks of one page in reading order (top to bottom; lines beside each other left to
/// right). `w`, `h`: the displayed page size in points.
pub fn layout(page: u32, w: f32, h: f32, glyphs: &[Glyph], rules: &[Rule]) -> Vec<Block> {
    let merged = merge_rules(rules);
    let grids = find_grids(&merged);
    let (mut in_cell, mut outside) = glyphs_by_cell(&grids, glyphs);
    // A page border crossed by a header rule encloses a few huge "cells" of running text:
    // that is a frame, and its text is read as lines.
    // (A boxed paragraph smaller than the page stays a table: that box is the print.)
    let is_frame: Vec<bool> = in_cell
        .iter()
        .zip(&grids)
        .map(|(cells, grid)| {
            let b = grid.bbox();
            cells.len() <= 3
                && b.w() * b.h() >= 0.6 * w * h
                && cells.iter().any(|gl| group_lines(gl).len() > 8)
        })
        .collect();
    for (k, cells) in in_cell.iter_mut().enumerate() {
        if is_frame[k] {
            for gl in cells.iter_mut() {
                outside.append(gl);
            }
        }
    }
    // (top, left, block) to sort into reading order.
    let mut placed: Vec<(f32, f32, Block)> = Vec::new();
    for (k, grid) in grids.iter().enumerate() {
        if is_frame[k] {
            continue;
        }
        placed.push(ruled_table(page, w, h, grid, &in_cell[k]));
    }
    place_outside(page, w, h, &outside, &mut placed);
    reading_order(placed)
}

/// The glyphs in each cell of each grid, and those in no cell.
fn glyphs_by_cell(grids: &[Grid], glyphs: &[Glyph]) -> (Vec<Vec<Vec<Glyph>>>, Vec<Glyph>) {
    let owners: Vec<Vec<usize>> = grids.iter().map(Grid::owners).collect();
    let mut in_cell: Vec<Vec<Vec<Glyph>>> = grids
        .iter()
        .map(|g| vec![Vec::new(); g.cells.len()])
        .collect();
    let mut outside = Vec::new();
    for g in glyphs {
        let (cx, cy) = (g.bbox.cx(), g.bbox.cy());
        let hit = grids
            .iter()
            .enumerate()
            .find_map(|(k, grid)| grid.cell_of(cx, cy, &owners[k]).map(|c| (k, c)));
        match hit {
            Some((k, c)) => in_cell[k][c].push(*g),
            None => outside.push(*g),
        }
    }
    (in_cell, outside)
}

/// A ruled grid as a table, each cell's text its glyphs' lines, placed at its top left.
fn ruled_table(
    page: u32,
    w: f32,
    h: f32,
    grid: &Grid,
    in_cell: &[Vec<Glyph>],
) -> (f32, f32, Block) {
    let cells: Vec<Cell> = grid
        .cells
        .iter()
        .zip(in_cell)
        .map(|(&(r, c, rs, cs), gl)| {
            let text: Vec<String> = group_lines(gl)
                .iter()
                .map(|l| line_text(l))
                .filter(|t| !t.is_empty())
                .collect();
            let rect = Rect::new(grid.xs[c], grid.ys[r], grid.xs[c + cs], grid.ys[r + rs]);
            Cell {
                row: r,
                col: c,
                rowspan: rs,
                colspan: cs,
                text: text.join("\n"),
                conf: 1.0,
                bbox: Some(frac(&rect, w, h)),
            }
        })
        .collect();
    let mut t = Table::from_cells(page, 0, cells);
    let b = grid.bbox();
    t.bbox = Some(frac(&b, w, h));
    (b.y0, b.x0, Block::Table(t))
}

/// The glyphs in no ruled cell, placed as tables where their lines align in columns and as
/// text lines (one per run) elsewhere.
fn place_outside(
    page: u32,
    w: f32,
    h: f32,
    outside: &[Glyph],
    placed: &mut Vec<(f32, f32, Block)>,
) {
    let outside_lines = group_lines(outside);
    let aligned = super::unruled::find(&outside_lines);
    for a in &aligned {
        let (t, rect) = aligned_table(page, w, h, a);
        placed.push((rect.y0, rect.x0, Block::Table(t)));
    }
    let taken = |i: usize| aligned.iter().any(|a| a.lines.contains(&i));
    for (i, line) in outside_lines.into_iter().enumerate() {
        if taken(i) {
            continue;
        }
        for run in split_runs(&line) {
            let text = line_text(&run);
            if text.is_empty() {
                continue;
            }
            let r = bounds(&run).unwrap_or(Rect::new(0.0, 0.0, 0.0, 0.0));
            placed.push((
                r.y0,
                r.x0,
                Block::Line(TextLine {
                    text,
                    conf: 1.0,
                    bbox: Some(frac(&r, w, h)),
                }),
            ));
        }
    }
}

/// The placed blocks in reading order, the tables numbered in it.
fn reading_order(mut placed: Vec<(f32, f32, Block)>) -> Vec<Block> {
    // Blocks whose tops lie within a few points share a band and read left to right (a
    // tolerance comparator is not a total order, so bands are formed first).
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut banded: Vec<(f32, f32, Block)> = Vec::with_capacity(placed.len());
    let mut band: Vec<(f32, f32, Block)> = Vec::new();
    for item in placed {
        if band.first().is_some_and(|f| item.0 - f.0 >= 3.0) {
            band.sort_by(|a, b| a.1.total_cmp(&b.1));
            banded.append(&mut band);
        }
        band.push(item);
    }
    band.sort_by(|a, b| a.1.total_cmp(&b.1));
    banded.append(&mut band);
    let mut ordinal = 0;
    banded
        .into_iter()
        .map(|(_, _, mut b)| {
            if let Block::Table(t) = &mut b {
                ordinal += 1;
                t.ordinal = ordinal;
            }
            b
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for `text` starting at (x, y), each `size` wide and high.
    fn word(text: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, ch)| {
                let x0 = x + i as f32 * size;
                Glyph {
                    ch,
                    bbox: Rect::new(x0, y, x0 + size, y + size),
                }
            })
            .collect()
    }

    /// A full grid: horizontal rules at `ys`, vertical at `xs`, all spanning the table.
    fn full_grid(xs: &[f32], ys: &[f32]) -> Vec<Rule> {
        let (x0, x1) = (xs[0], xs[xs.len() - 1]);
        let (y0, y1) = (ys[0], ys[ys.len() - 1]);
        let mut r: Vec<Rule> = ys.iter().map(|&y| Rule::h(y, x0, x1)).collect();
        r.extend(xs.iter().map(|&x| Rule::v(x, y0, y1)));
        r
    }

    fn tables(blocks: &[Block]) -> Vec<&Table> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Line(_) => None,
            })
            .collect()
    }

    fn lines(blocks: &[Block]) -> Vec<&str> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Line(l) => Some(l.text.as_str()),
                Block::Table(_) => None,
            })
            .collect()
    }

    #[test]
    fn thin_filled_rects_are_rules_and_boxes_are_not() {
        // A 1pt-high filled bar is a horizontal rule at its centre.
        let bar = [(10.0, 100.0), (200.0, 100.0), (200.0, 101.0), (10.0, 101.0)];
        assert_eq!(
            rules_from_subpath(&bar, true, false),
            vec![Rule::h(100.5, 10.0, 200.0)]
        );
        // A filled cell background is shading, not ruling.
        let cell = [(10.0, 100.0), (200.0, 100.0), (200.0, 130.0), (10.0, 130.0)];
        assert!(rules_from_subpath(&cell, true, false).is_empty());
        // The same box stroked has four edges (the closing edge included).
        assert_eq!(rules_from_subpath(&cell, false, true).len(), 4);
        // A diagonal stroke is no rule.
        assert!(rules_from_subpath(&[(0.0, 0.0), (50.0, 40.0)], false, true).is_empty());
    }

    #[test]
    fn a_dashed_rule_is_one_rule() {
        let dashes: Vec<Rule> = (0..50)
            .flat_map(|i| {
                let x = 10.0 + 4.0 * i as f32;
                rules_from_subpath(&[(x, 100.0), (x + 2.0, 100.0)], false, true)
            })
            .collect();
        assert_eq!(dashes.len(), 50);
        let m = merge_rules(&dashes);
        assert_eq!(m.len(), 1);
        assert!((m[0].from - 10.0).abs() < 1e-3 && (m[0].to - 208.0).abs() < 1e-3);
    }

    #[test]
    fn collinear_pieces_merge_and_duplicates_collapse() {
        let rs = [
            Rule::h(50.0, 0.0, 100.0),
            Rule::h(50.4, 99.0, 200.0),
            Rule::h(50.2, 10.0, 20.0),
            Rule::h(80.0, 0.0, 200.0),
        ];
        let m = merge_rules(&rs);
        assert_eq!(m.len(), 2);
        assert!(m
            .iter()
            .any(|r| r.from == 0.0 && r.to == 200.0 && (r.pos - 50.2).abs() < 0.3));
    }

    #[test]
    fn chars_fall_into_cells_with_thousands_separators_and_blanks() {
        let rules = full_grid(&[50.0, 150.0, 250.0], &[100.0, 120.0, 140.0]);
        let mut g = word("项目", 55.0, 104.0, 10.0);
        g.extend(word("金额", 155.0, 104.0, 10.0));
        g.extend(word("合计", 55.0, 124.0, 10.0));
        // Row 2, column 2 left blank on purpose.
        let blocks = layout(1, 600.0, 800.0, &g, &rules);
        let t = tables(&blocks);
        assert_eq!(t.len(), 1);
        let t = t[0];
        assert_eq!((t.n_rows, t.n_cols), (2, 2));
        assert_eq!(t.cells.len(), 4, "blank cells are listed");
        assert_eq!(t.cell_at(0, 1).map(|c| c.text.as_str()), Some("金额"));
        assert_eq!(t.cell_at(1, 1).map(|c| c.text.as_str()), Some(""));
        let g2 = word("1,234.50", 160.0, 124.0, 5.0);
        let blocks = layout(1, 600.0, 800.0, &[g, g2].concat(), &rules);
        assert_eq!(
            tables(&blocks)[0].cell_at(1, 1).map(|c| c.text.as_str()),
            Some("1,234.50")
        );
        // Boxes are fractions of the page.
        let b = tables(&blocks)[0]
            .cell_at(0, 0)
            .and_then(|c| c.bbox)
            .unwrap_or_default();
        assert!((b[0] - 50.0 / 600.0).abs() < 1e-4 && (b[3] - 120.0 / 800.0).abs() < 1e-4);
    }

    #[test]
    fn undrawn_boundaries_become_spans() {
        // 3x3 grid; the top row has no inner verticals (a heading over all columns) and the
        // left column has no rule between rows 1 and 2 (a label spanning two rows).
        let xs = [0.0, 100.0, 200.0, 300.0];
        let ys = [0.0, 20.0, 40.0, 60.0];
        let mut rules = vec![
            Rule::h(0.0, 0.0, 300.0),
            Rule::h(20.0, 0.0, 300.0),
            Rule::h(40.0, 100.0, 300.0),
            Rule::h(60.0, 0.0, 300.0),
            Rule::v(0.0, 0.0, 60.0),
            Rule::v(300.0, 0.0, 60.0),
        ];
        rules.extend(xs[1..3].iter().map(|&x| Rule::v(x, 20.0, 60.0)));
        let mut g = word("收支预算总表", 10.0, 5.0, 10.0);
        g.extend(word("产出", 10.0, 25.0, 10.0));
        g.extend(word("指标", 10.0, 45.0, 10.0));
        let blocks = layout(1, 600.0, 800.0, &g, &rules);
        let t = tables(&blocks)[0];
        assert_eq!((t.n_rows, t.n_cols), (3, 3));
        let head = t.cell_at(0, 2).unwrap();
        assert_eq!((head.row, head.col, head.colspan), (0, 0, 3));
        assert_eq!(head.text, "收支预算总表");
        let label = t.cell_at(2, 0).unwrap();
        assert_eq!((label.row, label.rowspan), (1, 2));
        // Wrapped lines inside a cell are kept in reading order.
        assert_eq!(label.text, "产出\n指标");
        assert_eq!(t.cells.len(), 1 + 1 + 4);
        let _ = ys;
    }

    #[test]
    fn text_outside_tables_is_lines_in_reading_order() {
        let rules = full_grid(&[50.0, 150.0, 250.0], &[100.0, 120.0, 140.0]);
        let mut g = word("2023年预算收支总表", 100.0, 40.0, 16.0);
        // Department on the left and unit on the right of one baseline.
        g.extend(word("部门名称：某某局", 50.0, 80.0, 10.0));
        g.extend(word("单位：万元", 400.0, 80.0, 10.0));
        g.extend(word("注：本表为空表。", 50.0, 150.0, 10.0));
        let blocks = layout(1, 600.0, 800.0, &g, &rules);
        assert_eq!(
            lines(&blocks),
            vec![
                "2023年预算收支总表",
                "部门名称：某某局",
                "单位：万元",
                "注：本表为空表。"
            ]
        );
        // Lines before the table, the table, then the note.
        assert!(matches!(blocks[3], Block::Table(_)));
        assert!(matches!(blocks[4], Block::Line(_)));
        assert_eq!(tables(&blocks)[0].ordinal, 1);
    }

    #[test]
    fn labels_keep_their_distant_values_and_latin_words_keep_spaces() {
        let mut g = word("部门：", 50.0, 80.0, 10.0);
        g.extend(word("江苏省某厅", 200.0, 80.0, 10.0));
        let blocks = layout(1, 600.0, 800.0, &g, &[]);
        assert_eq!(lines(&blocks), vec!["部门：江苏省某厅"]);
        let mut g = word("Total", 50.0, 80.0, 6.0);
        g.extend(word("2023", 86.0, 80.0, 6.0));
        let blocks = layout(1, 600.0, 800.0, &g, &[]);
        assert_eq!(lines(&blocks), vec!["Total 2023"]);
    }

    #[test]
    fn a_lone_frame_or_underline_is_not_a_table() {
        let frame = full_grid(&[50.0, 250.0], &[100.0, 140.0]);
        let g = word("说明", 60.0, 110.0, 10.0);
        let blocks = layout(1, 600.0, 800.0, &g, &frame);
        assert!(tables(&blocks).is_empty());
        assert_eq!(lines(&blocks), vec!["说明"]);
        let underline = [Rule::h(90.0, 50.0, 250.0)];
        assert!(find_grids(&underline).is_empty());
    }

    #[test]
    fn an_unruled_table_is_read_by_alignment() {
        let mut g = word("收入预算表", 100.0, 40.0, 16.0);
        g.extend(word("单位：万元", 300.0, 70.0, 10.0));
        for (i, (name, amount, x)) in [
            ("项目", "金额", 250.0),
            ("基本支出", "1,234.00", 210.0),
            ("项目支出", "56.00", 240.0),
        ]
        .iter()
        .enumerate()
        {
            let y = 100.0 + 15.0 * i as f32;
            g.extend(word(name, 50.0, y, 10.0));
            g.extend(word(amount, *x, y, 10.0));
        }
        let blocks = layout(1, 600.0, 800.0, &g, &[]);
        assert_eq!(lines(&blocks), vec!["收入预算表", "单位：万元"]);
        let t = tables(&blocks);
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].n_rows, t[0].n_cols), (3, 2));
        assert_eq!(
            t[0].cell_at(1, 1).map(|c| c.text.as_str()),
            Some("1,234.00")
        );
        assert_eq!(
            t[0].cell_at(2, 0).map(|c| c.text.as_str()),
            Some("项目支出")
        );
    }

    #[test]
    fn overprinted_bold_is_read_once() {
        let mut g = word("合计", 50.0, 100.0, 10.0);
        g.extend(word("合计", 50.4, 100.3, 10.0));
        let blocks = layout(1, 600.0, 800.0, &g, &[]);
        assert_eq!(lines(&blocks), vec!["合计"]);
    }

    #[test]
    fn a_page_border_with_a_header_rule_is_a_frame() {
        let rules = full_grid(&[40.0, 560.0], &[40.0, 100.0, 780.0]);
        let mut g = word("某某局文件", 200.0, 60.0, 16.0);
        for i in 0..12 {
            g.extend(word(
                "正文正文正文正文正文",
                60.0,
                120.0 + 20.0 * i as f32,
                12.0,
            ));
        }
        let blocks = layout(1, 600.0, 800.0, &g, &rules);
        assert!(tables(&blocks).is_empty());
        assert_eq!(lines(&blocks).len(), 13);
    }

    #[test]
    fn a_boxed_paragraph_stays_a_table() {
        let rules = full_grid(&[50.0, 400.0], &[100.0, 120.0, 400.0]);
        let mut g = word("项目概况", 60.0, 105.0, 10.0);
        for i in 0..12 {
            g.extend(word(
                "正文正文正文正文正文",
                60.0,
                130.0 + 20.0 * i as f32,
                12.0,
            ));
        }
        let blocks = layout(1, 600.0, 800.0, &g, &rules);
        let t = tables(&blocks);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].cell_at(1, 0).map(|c| c.text.lines().count()), Some(12));
    }

    #[test]
    fn separate_rule_sets_are_separate_tables() {
        let mut rules = full_grid(&[50.0, 150.0, 250.0], &[100.0, 120.0, 140.0]);
        rules.extend(full_grid(&[50.0, 150.0, 250.0], &[300.0, 320.0, 340.0]));
        let blocks = layout(1, 600.0, 800.0, &[], &rules);
        let t = tables(&blocks);
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].ordinal, t[1].ordinal), (1, 2));
    }
}
