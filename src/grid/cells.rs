//! The cell graph of a table: boundaries through clustered rulings, spans where a separator is missing.

use super::rulings::{meets, Params, Segment};
use crate::geom::{cross_or_far, hull, LineSums, UnionFind};

/// One grid cell in prepared-image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    /// Corners TL, TR, BR, BL on the ruling lines' centres.
    pub quad: [[f32; 2]; 4],
    /// Axis-aligned hull of `quad`, [x0, y0, x1, y1].
    pub bbox: [f32; 4],
    /// The inside of the cell clear of its ruling lines (where the text is).
    pub inner: [f32; 4],
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridTable {
    pub n_rows: usize,
    pub n_cols: usize,
    /// Row-major by top-left corner; a merged cell appears once.
    pub cells: Vec<GridCell>,
    pub bbox: [f32; 4],
}

/// A grid boundary: the line through one cluster of collinear segments.
#[derive(Debug, Clone)]
struct Boundary {
    a: f32,
    b: f32,
    /// Extents of the segments along the line; empty = virtual (table edge without a line).
    spans: Vec<(f32, f32)>,
    thick: f32,
}

impl Boundary {
    fn covered(&self, t0: f32, t1: f32) -> bool {
        if self.spans.is_empty() {
            return true;
        }
        let (t0, t1) = (t0.min(t1), t0.max(t1));
        let mut iv: Vec<(f32, f32)> = self
            .spans
            .iter()
            .map(|&(a, b)| (a.max(t0), b.min(t1)))
            .filter(|(a, b)| b > a)
            .collect();
        iv.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut cov = 0.0;
        let mut end = f32::MIN;
        for (a, b) in iv {
            let a = a.max(end);
            if b > a {
                cov += b - a;
                end = b;
            }
        }
        cov >= 0.5 * (t1 - t0)
    }
}

fn weighted_median_slope(segs: &[&Segment]) -> f32 {
    let mut v: Vec<(f32, f32)> = segs.iter().map(|s| (s.a, s.len())).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f32 = v.iter().map(|x| x.1).sum();
    let mut acc = 0.0;
    for (a, w) in &v {
        acc += w;
        if acc >= total / 2.0 {
            return *a;
        }
    }
    0.0
}

/// Clusters parallel segments into boundaries, ordered by position.
fn boundaries(segs: &[&Segment], p: &Params) -> Vec<Boundary> {
    let slope = weighted_median_slope(segs);
    let mut keyed: Vec<(f32, &Segment)> = segs
        .iter()
        .map(|s| {
            let m = (s.lo + s.hi) / 2.0;
            (s.at(m) - slope * m, *s)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups: Vec<Vec<(f32, &Segment)>> = Vec::new();
    for k in keyed {
        match groups.last_mut() {
            Some(g) if g.last().is_some_and(|l| k.0 - l.0 <= p.cluster) => g.push(k),
            _ => groups.push(vec![k]),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let total: f32 = g.iter().map(|(_, s)| s.len()).sum();
            let extent = g.iter().map(|(_, s)| s.hi).fold(f32::MIN, f32::max)
                - g.iter().map(|(_, s)| s.lo).fold(f32::MAX, f32::min);
            let (a, b) = if extent >= p.unit {
                let mut acc = LineSums::default();
                for (_, s) in &g {
                    acc.merge(&s.acc);
                }
                let (a, b) = acc.fit();
                (a as f32, b as f32)
            } else {
                // Too short to trust its own slope: the table's slope through the mean position.
                let key = g.iter().map(|(k, s)| k * s.len()).sum::<f32>() / total.max(1.0);
                (slope, key)
            };
            Boundary {
                a,
                b,
                spans: g.iter().map(|(_, s)| (s.lo, s.hi)).collect(),
                thick: g.iter().map(|(_, s)| s.thick * s.len()).sum::<f32>() / total.max(1.0),
            }
        })
        .collect()
}

pub(super) fn build_tables(hs: &[Segment], vs: &[Segment], p: &Params) -> Vec<GridTable> {
    let n = hs.len() + vs.len();
    let mut uf = UnionFind::new(n);
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if meets(h, v, p) {
                uf.union(i, hs.len() + j);
            }
        }
    }
    let mut comps: std::collections::BTreeMap<usize, (Vec<&Segment>, Vec<&Segment>)> =
        std::collections::BTreeMap::new();
    for (i, h) in hs.iter().enumerate() {
        let r = uf.find(i);
        comps.entry(r).or_default().0.push(h);
    }
    for (j, v) in vs.iter().enumerate() {
        let r = uf.find(hs.len() + j);
        comps.entry(r).or_default().1.push(v);
    }
    let mut tables: Vec<GridTable> = comps
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .filter_map(|(h, v)| table_from(&h, &v, p))
        .collect();
    tables.sort_by(|a, b| a.bbox[1].total_cmp(&b.bbox[1]));
    tables
}

/// The cell graph of one group of intersecting segments.
fn table_from(hsegs: &[&Segment], vsegs: &[&Segment], p: &Params) -> Option<GridTable> {
    // The rulings of one table are parallel to within perspective; a segment at an angle to
    // them is a chain of text strokes.
    let (hsegs, vsegs) = (aligned(hsegs, p), aligned(vsegs, p));
    let (hsegs, vsegs) = (hsegs.as_slice(), vsegs.as_slice());
    if hsegs.len() < 2 || vsegs.len() < 2 {
        return None;
    }
    let mut rows = boundaries(hsegs, p);
    let mut cols = boundaries(vsegs, p);
    close_open_sides(&mut rows, &mut cols, hsegs, vsegs, p)?;
    let (nr, nc) = (rows.len().checked_sub(1)?, cols.len().checked_sub(1)?);
    if nr == 0 || nc == 0 {
        return None;
    }
    let pts = corner_points(&rows, &cols);
    let (hsep, vsep) = separators(&rows, &cols, &pts);
    let rects = cell_rects(&hsep, &vsep)?;
    if rects.len() < 2 {
        return None;
    }
    let extent = hull([pts[0][0], pts[0][nc], pts[nr][nc], pts[nr][0]]);
    if extent[2] - extent[0] < p.unit * 0.25 || extent[3] - extent[1] < p.unit * 0.25 {
        return None;
    }
    let (cells, n_rows, n_cols) = cells_of(&rects, &rows, &cols, &pts);
    let corners = [pts[0][0], pts[0][nc], pts[nr][nc], pts[nr][0]];
    let mut bbox = hull(corners);
    for c in &cells {
        bbox = [
            bbox[0].min(c.bbox[0]),
            bbox[1].min(c.bbox[1]),
            bbox[2].max(c.bbox[2]),
            bbox[3].max(c.bbox[3]),
        ];
    }
    Some(GridTable {
        n_rows,
        n_cols,
        cells,
        bbox,
    })
}

/// Open sides (no frame line): lines that run well past the outermost perpendicular boundary
/// end at a virtual edge, added to `rows`/`cols`. None when there are no boundaries.
fn close_open_sides(
    rows: &mut Vec<Boundary>,
    cols: &mut Vec<Boundary>,
    hsegs: &[&Segment],
    vsegs: &[&Segment],
    p: &Params,
) -> Option<()> {
    let margin = p.unit * 0.15;
    let xs = |b: &Boundary, rows: &[Boundary]| -> (f32, f32) {
        let ys: Vec<f32> = rows
            .iter()
            .map(|r| cross_or_far((r.a, r.b), (b.a, b.b)).0)
            .collect();
        (
            ys.iter().copied().fold(f32::MAX, f32::min),
            ys.iter().copied().fold(f32::MIN, f32::max),
        )
    };
    let h_lo = hsegs.iter().map(|s| s.lo).fold(f32::MAX, f32::min);
    let h_hi = hsegs.iter().map(|s| s.hi).fold(f32::MIN, f32::max);
    let v_lo = vsegs.iter().map(|s| s.lo).fold(f32::MAX, f32::min);
    let v_hi = vsegs.iter().map(|s| s.hi).fold(f32::MIN, f32::max);
    let (first_col, last_col) = (cols.first()?.clone(), cols.last()?.clone());
    let (first_row, last_row) = (rows.first()?.clone(), rows.last()?.clone());
    let (fc_min, _) = xs(&first_col, rows);
    let (_, lc_max) = xs(&last_col, rows);
    let col_slope = first_col.a;
    let row_slope = first_row.a;
    let mid_y = (v_lo + v_hi) / 2.0;
    let mid_x = (h_lo + h_hi) / 2.0;
    if h_lo < fc_min - margin {
        cols.insert(0, virtual_line(col_slope, h_lo, mid_y));
    }
    if h_hi > lc_max + margin {
        cols.push(virtual_line(col_slope, h_hi, mid_y));
    }
    let top_min = cols
        .iter()
        .map(|c| cross_or_far((first_row.a, first_row.b), (c.a, c.b)).1)
        .fold(f32::MAX, f32::min);
    let bot_max = cols
        .iter()
        .map(|c| cross_or_far((last_row.a, last_row.b), (c.a, c.b)).1)
        .fold(f32::MIN, f32::max);
    if v_lo < top_min - margin {
        rows.insert(0, virtual_line(row_slope, v_lo, mid_x));
    }
    if v_hi > bot_max + margin {
        rows.push(virtual_line(row_slope, v_hi, mid_x));
    }
    Some(())
}

/// Corner points: `pts[i][j]` = row boundary i ∩ column boundary j.
fn corner_points(rows: &[Boundary], cols: &[Boundary]) -> Vec<Vec<(f32, f32)>> {
    rows.iter()
        .map(|r| {
            cols.iter()
                .map(|c| cross_or_far((r.a, r.b), (c.a, c.b)))
                .collect()
        })
        .collect()
}

/// Which boundary pieces are really drawn. `hsep[i][j]`: row boundary i closes column interval
/// j; `vsep[j][i]`: column boundary j closes row interval i.
fn separators(
    rows: &[Boundary],
    cols: &[Boundary],
    pts: &[Vec<(f32, f32)>],
) -> (Vec<Vec<bool>>, Vec<Vec<bool>>) {
    let (nr, nc) = (rows.len() - 1, cols.len() - 1);
    let hsep: Vec<Vec<bool>> = (0..=nr)
        .map(|i| {
            (0..nc)
                .map(|j| rows[i].covered(pts[i][j].0, pts[i][j + 1].0))
                .collect()
        })
        .collect();
    let vsep: Vec<Vec<bool>> = (0..=nc)
        .map(|j| {
            (0..nr)
                .map(|i| cols[j].covered(pts[i][j].1, pts[i + 1][j].1))
                .collect()
        })
        .collect();
    (hsep, vsep)
}

/// The cells as `(r0, c0, r1, c1)` (exclusive ends) in grid units: the regions of units that
/// no separator divides, minus regions open to the outside. `hsep`/`vsep` as from
/// [`separators`].
pub(super) fn cell_rects(
    hsep: &[Vec<bool>],
    vsep: &[Vec<bool>],
) -> Option<Vec<(usize, usize, usize, usize)>> {
    let (nr, nc) = (vsep.first()?.len(), hsep.first()?.len());
    let mut uf = UnionFind::new(nr * nc);
    for i in 0..nr {
        for j in 0..nc {
            if j + 1 < nc && !vsep[j + 1][i] {
                uf.union(i * nc + j, i * nc + j + 1);
            }
            if i + 1 < nr && !hsep[i + 1][j] {
                uf.union(i * nc + j, (i + 1) * nc + j);
            }
        }
    }
    let mut comps: std::collections::BTreeMap<usize, Vec<(usize, usize)>> =
        std::collections::BTreeMap::new();
    for i in 0..nr {
        for j in 0..nc {
            let r = uf.find(i * nc + j);
            comps.entry(r).or_default().push((i, j));
        }
    }
    // (r0, c0, r1, c1) exclusive ends
    let mut rects: Vec<(usize, usize, usize, usize)> = Vec::new();
    for units in comps.values() {
        // A region open to the outside on two sides is not a cell (an L-shaped table's empty
        // corner). Open on one side only, it is a row or column whose frame line is broken
        // there (a curled sheet bends the frame's end away, a bilevel threshold eats it): its
        // text is part of the table (a curled copy lost its 项目名称 row, and with it the form).
        let open_top = units.iter().any(|&(i, j)| i == 0 && !hsep[0][j]);
        let open_bottom = units.iter().any(|&(i, j)| i + 1 == nr && !hsep[nr][j]);
        let open_left = units.iter().any(|&(i, j)| j == 0 && !vsep[0][i]);
        let open_right = units.iter().any(|&(i, j)| j + 1 == nc && !vsep[nc][i]);
        let open_sides = [open_top, open_bottom, open_left, open_right]
            .iter()
            .filter(|&&o| o)
            .count();
        if open_sides >= 2 || (open_sides == 1 && units.len() == nr * nc) {
            continue;
        }
        let r0 = units.iter().map(|u| u.0).min()?;
        let r1 = units.iter().map(|u| u.0).max()? + 1;
        let c0 = units.iter().map(|u| u.1).min()?;
        let c1 = units.iter().map(|u| u.1).max()? + 1;
        if (r1 - r0) * (c1 - c0) == units.len() {
            rects.push((r0, c0, r1, c1));
        } else {
            // Not a rectangle (a separator missing only part-way): one cell per run of units in
            // each row, so cells never overlap.
            let mut us = units.clone();
            us.sort();
            let mut k = 0;
            while k < us.len() {
                let (i, j) = us[k];
                let mut e = j + 1;
                while k + 1 < us.len() && us[k + 1] == (i, e) {
                    e += 1;
                    k += 1;
                }
                rects.push((i, j, i + 1, e));
                k += 1;
            }
        }
    }
    Some(rects)
}

/// The cells of `rects` with their corners and insides, row-major, numbered over the
/// boundaries some cell uses as an edge (the others dropped); with the row and column counts.
fn cells_of(
    rects: &[(usize, usize, usize, usize)],
    rows: &[Boundary],
    cols: &[Boundary],
    pts: &[Vec<(f32, f32)>],
) -> (Vec<GridCell>, usize, usize) {
    let (nr, nc) = (rows.len() - 1, cols.len() - 1);
    // Drop boundaries that no cell uses as an edge.
    let mut used_r = vec![false; nr + 1];
    let mut used_c = vec![false; nc + 1];
    for &(r0, c0, r1, c1) in rects {
        used_r[r0] = true;
        used_r[r1] = true;
        used_c[c0] = true;
        used_c[c1] = true;
    }
    let remap = |used: &[bool]| -> Vec<usize> {
        let mut k = 0;
        used.iter()
            .map(|&u| {
                let v = k;
                if u {
                    k += 1;
                }
                v
            })
            .collect()
    };
    let (rmap, cmap) = (remap(&used_r), remap(&used_c));
    let n_rows = used_r.iter().filter(|&&u| u).count().saturating_sub(1);
    let n_cols = used_c.iter().filter(|&&u| u).count().saturating_sub(1);
    let mut cells: Vec<GridCell> = rects
        .iter()
        .map(|&(r0, c0, r1, c1)| {
            let quad = [pts[r0][c0], pts[r0][c1], pts[r1][c1], pts[r1][c0]];
            // Just clear of the lines' own pixels: text is often set close to a ruling, and
            // a cut first character is misread.
            let inset_x = cols[c0].thick.max(cols[c1].thick) / 2.0 + 2.0;
            let inset_y = rows[r0].thick.max(rows[r1].thick) / 2.0 + 2.0;
            let inner = [
                quad[0].0.max(quad[3].0) + inset_x,
                quad[0].1.max(quad[1].1) + inset_y,
                quad[1].0.min(quad[2].0) - inset_x,
                quad[2].1.min(quad[3].1) - inset_y,
            ];
            GridCell {
                row: rmap[r0],
                col: cmap[c0],
                rowspan: rmap[r1] - rmap[r0],
                colspan: cmap[c1] - cmap[c0],
                quad: quad.map(|(x, y)| [x, y]),
                bbox: hull(quad),
                inner,
            }
        })
        .collect();
    cells.sort_by_key(|c| (c.row, c.col));
    (cells, n_rows, n_cols)
}

/// The segments parallel to the group's (length-weighted) median direction, and those lying on
/// the line of a long one that is.
fn aligned<'a>(segs: &[&'a Segment], p: &Params) -> Vec<&'a Segment> {
    let slope = slope_model(segs, p);
    // A short segment's own slope is noisy (a blurred 70 px line fits ±0.01): judged by how far
    // it drifts from the expected slope over its length.
    let parallel = |s: &Segment| {
        let d = (s.a - slope(s)).abs();
        d <= 0.01 || d * s.len() <= 1.5
    };
    let long: Vec<&Segment> = segs
        .iter()
        .copied()
        .filter(|s| s.len() >= p.unit && parallel(s))
        .collect();
    // On a phone photo whose perspective is not fully taken out, a column's rulings in the
    // header rows fitted 0.013 off the column's slope (3.5 px over 270 px) though they lie on
    // its line within 2 px at both ends: dropped, they merged every header cell of a two-column
    // form into one (主管部门, 实施单位, the fund rows) on a held-out photographed copy.
    let tol = (0.02 * p.unit).max(2.0);
    let on_a_long_line = |s: &Segment| {
        long.iter().any(|l| {
            (l.at(s.lo) - s.at(s.lo)).abs() <= tol && (l.at(s.hi) - s.at(s.hi)).abs() <= tol
        })
    };
    segs.iter()
        .copied()
        .filter(|s| parallel(s) || on_a_long_line(s))
        .collect()
}

/// The slope a ruling of this table should have where `s` is. Under perspective left in the
/// page (a keystone not fully corrected) the slope of parallel rulings changes steadily across
/// the table — the two side frames lean opposite ways — so it is fitted as a linear function of
/// position over the long segments (a weighted least-squares line); with too few of those, the
/// length-weighted median slope.
fn slope_model<'a>(segs: &[&'a Segment], p: &Params) -> impl Fn(&Segment) -> f32 + 'a {
    let median = weighted_median_slope(segs);
    let pos = |s: &Segment| s.at((s.lo + s.hi) / 2.0) as f64;
    let long: Vec<&Segment> = segs
        .iter()
        .copied()
        .filter(|s| s.len() >= p.unit && (s.a - median).abs() <= 0.03)
        .collect();
    let mut acc = LineSums::default();
    for s in &long {
        acc.add_point(pos(s), s.a as f64, s.len() as f64);
    }
    // Needs long segments spread across the table (at least an inch apart on average).
    let fit = (long.len() >= 3 && acc.spread() >= p.unit as f64).then(|| acc.fit());
    move |s: &Segment| match fit {
        Some((beta, alpha)) => (alpha + beta * pos(s)) as f32,
        None => median,
    }
}

fn virtual_line(slope: f32, pos: f32, at: f32) -> Boundary {
    Boundary {
        a: slope,
        b: pos - slope * at,
        spans: Vec::new(),
        thick: 1.0,
    }
}
