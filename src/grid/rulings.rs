//! Ruling segments: long ink runs linked into fitted lines, merged, trimmed and filtered.

use super::mask::Mask;
use crate::geom::{cross_or_far, median, LineSums, UnionFind};

/// A ruling line segment. For a horizontal one `t` is x and the line is y = a·x + b; for a
/// vertical one `t` is y and the line is x = a·y + b (so both have a ≈ 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub horizontal: bool,
    pub a: f32,
    pub b: f32,
    /// Extent along the line (x for horizontal, y for vertical).
    pub lo: f32,
    pub hi: f32,
    /// Stroke thickness in pixels.
    pub thick: f32,
    /// Fraction of the length with ink just beside the stroke on either side: low for a
    /// ruling (only crossings and touching text), high for a chain of text strokes.
    pub side_ink: f32,
    /// Fraction of the length with ink beside the stroke on both sides at once: text touching a
    /// ruling sits on one side, strokes inside characters are crossed by others.
    pub side_both: f32,
    /// Fraction of the length with ink on the line itself (before gaps are closed): near 1 for
    /// a ruling, even a faint one; a chain of text strokes linked through gaps and crossing
    /// rulings has holes between its strokes.
    pub fill: f32,
    pub(super) acc: LineSums,
}

impl Segment {
    /// Position across the line at `t` along it.
    pub fn at(&self, t: f32) -> f32 {
        self.a * t + self.b
    }

    pub fn len(&self) -> f32 {
        self.hi - self.lo
    }

    pub fn is_empty(&self) -> bool {
        self.hi <= self.lo
    }

    /// Image point (x, y) at `t` along the line.
    fn point(&self, t: f32) -> (f32, f32) {
        if self.horizontal {
            (t, self.at(t))
        } else {
            (self.at(t), t)
        }
    }
}

/// Thresholds of the detector, all derived from the page unit (pixels per inch).
#[derive(Debug, Clone, Copy)]
pub(super) struct Params {
    pub(super) unit: f32,
    /// Dilation across the line so that skewed lines still give long runs.
    pub(super) dil: u32,
    /// Gaps this short are closed along a line (dotted or faint printing).
    pub(super) gap: u32,
    /// Shortest run considered part of a line.
    pub(super) min_run: u32,
    /// Segments at least this long are lines on their own; shorter ones need support at both ends.
    pub(super) strong: f32,
    /// Thicker than this is a filled area or text mass, not a ruling.
    pub(super) max_thick: f32,
    /// Positions within this distance are the same grid boundary.
    pub(super) cluster: f32,
    /// Tolerance for two segments meeting.
    pub(super) touch: f32,
}

impl Params {
    pub(super) fn new(unit: f32) -> Self {
        Params {
            unit,
            dil: ((unit / 150.0).round() as u32).max(1),
            gap: ((unit * 0.02).round() as u32).max(2),
            min_run: ((unit * 0.12).round() as u32).max(8),
            strong: unit * 0.5,
            max_thick: unit * 0.06 + 4.0,
            cluster: unit * 0.05,
            touch: unit * 0.04 + 2.0,
        }
    }
}

/// Long runs of ink along rows of `m` (after dilating across rows by `p.dil` and closing gaps
/// of `p.gap`), linked across adjacent rows into fitted segments.
fn row_segments(m: &Mask, p: &Params, horizontal: bool) -> Vec<Segment> {
    let (w, h) = (m.width as usize, m.height as usize);
    let d = p.dil as usize;
    // runs[y] = runs (t0, t1) of row y
    let mut runs: Vec<Vec<(u32, u32)>> = vec![Vec::new(); h];
    let mut buf = vec![0u8; w];
    for (y, row_runs) in runs.iter_mut().enumerate() {
        buf.iter_mut().for_each(|v| *v = 0);
        for yy in y.saturating_sub(d)..(y + d + 1).min(h) {
            for (b, &v) in buf.iter_mut().zip(&m.data[yy * w..(yy + 1) * w]) {
                *b |= v;
            }
        }
        let mut x = 0;
        let mut cur: Option<(u32, u32)> = None;
        while x < w {
            if buf[x] == 0 {
                x += 1;
                continue;
            }
            let s = x;
            while x < w && buf[x] != 0 {
                x += 1;
            }
            cur = match cur {
                Some((a, e)) if s as u32 - e <= p.gap => Some((a, x as u32)),
                Some(r) => {
                    if r.1 - r.0 >= p.min_run {
                        row_runs.push(r);
                    }
                    Some((s as u32, x as u32))
                }
                None => Some((s as u32, x as u32)),
            };
        }
        if let Some(r) = cur {
            if r.1 - r.0 >= p.min_run {
                row_runs.push(r);
            }
        }
    }
    // Link runs of adjacent rows that touch (8-connectivity).
    let mut offset = vec![0usize; h + 1];
    for y in 0..h {
        offset[y + 1] = offset[y] + runs[y].len();
    }
    let mut uf = UnionFind::new(offset[h]);
    for y in 0..h.saturating_sub(1) {
        let (a, b) = (&runs[y], &runs[y + 1]);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].0 <= b[j].1 && b[j].0 <= a[i].1 {
                uf.union(offset[y] + i, offset[y + 1] + j);
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<(u32, u32, u32)>> =
        std::collections::BTreeMap::new();
    for (y, rr) in runs.iter().enumerate() {
        for (i, r) in rr.iter().enumerate() {
            let root = uf.find(offset[y] + i);
            groups.entry(root).or_default().push((r.0, r.1, y as u32));
        }
    }
    let mut out = Vec::new();
    for rs in groups.values() {
        if let Some(mut s) = fit_segment(rs, p, horizontal) {
            let on = on_line(m, &s, p);
            let (a, b) = solid_span(&on, p);
            if b < a + p.min_run as usize {
                continue;
            }
            let lo = s.lo.max(0.0);
            (s.lo, s.hi) = (lo + a as f32, lo + b as f32);
            s.fill = on[a..b].iter().filter(|&&v| v).count() as f32 / (b - a) as f32;
            (s.side_ink, s.side_both) = side_ink(m, &s, p);
            out.push(s);
        }
    }
    out
}

/// See [`Segment::side_ink`]; `m` is in the segment's own frame (rows along the line).
fn side_ink(m: &Mask, s: &Segment, p: &Params) -> (f32, f32) {
    let off = s.thick / 2.0 + p.dil as f32 + (p.unit * 0.015).max(2.0);
    let (mut n, mut any, mut both) = (0u32, 0u32, 0u32);
    let mut t = s.lo.max(0.0);
    while t < s.hi {
        let c = s.at(t);
        let x = t as u32;
        let above = c - off >= 0.0 && m.get(x, (c - off).round() as u32);
        let below = m.get(x, (c + off).round() as u32);
        n += 1;
        any += u32::from(above || below);
        both += u32::from(above && below);
        t += 1.0;
    }
    if n == 0 {
        (0.0, 0.0)
    } else {
        (any as f32 / n as f32, both as f32 / n as f32)
    }
}

/// Per pixel along `s` from `s.lo`: is there ink on the line itself (within its thickness and
/// the dilation)? `m` is in the segment's own frame (rows along the line).
fn on_line(m: &Mask, s: &Segment, p: &Params) -> Vec<bool> {
    let reach = (s.thick / 2.0).ceil() as i64 + p.dil as i64;
    let mut out = Vec::new();
    let mut t = s.lo.max(0.0);
    while t < s.hi {
        let c = s.at(t).round() as i64;
        let x = t as u32;
        out.push((c - reach..=c + reach).any(|y| y >= 0 && m.get(x, y as u32)));
        t += 1.0;
    }
    out
}

/// The part of a segment between its first and last stretch of solid ink: a ruling that text
/// touches at an end (a label centred against the line) picks up the characters' strokes, with
/// holes between them, as an extension. Returns `[a, b)` indices into `on`.
fn solid_span(on: &[bool], p: &Params) -> (usize, usize) {
    let win = ((p.unit * 0.1) as usize).max(8);
    if on.len() <= win {
        return (0, on.len());
    }
    let mut pre = vec![0usize; on.len() + 1];
    for (i, &v) in on.iter().enumerate() {
        pre[i + 1] = pre[i] + usize::from(v);
    }
    let solid = |i: usize| (pre[i + win] - pre[i]) * 10 >= win * 9;
    let first = (0..=on.len() - win).find(|&i| solid(i));
    let last = (0..=on.len() - win).rev().find(|&i| solid(i));
    match (first, last) {
        (Some(a), Some(b)) => {
            let a = (a..a + win).find(|&i| on[i]).unwrap_or(a);
            let b = (b..b + win)
                .rev()
                .find(|&i| on[i])
                .map_or(b + win, |i| i + 1);
            (a, b)
        }
        // Nowhere solid: left whole, for the fill test to judge.
        _ => (0, on.len()),
    }
}

/// The band of residuals (whole pixels, inclusive) around the heaviest one that holds at least
/// half its weight, runs weighted by length; None for no runs.
fn core_band(
    rs: &[(u32, u32, u32)],
    residual: &dyn Fn(&(u32, u32, u32)) -> f64,
) -> Option<(f64, f64)> {
    let mut w: std::collections::BTreeMap<i64, u64> = std::collections::BTreeMap::new();
    for r in rs {
        *w.entry(residual(r).round() as i64).or_default() += u64::from(r.1 - r.0);
    }
    let (&peak, &top) = w.iter().max_by_key(|(_, &v)| v)?;
    let heavy = |k: i64| w.get(&k).is_some_and(|&v| 2 * v >= top);
    let (mut r0, mut r1) = (peak, peak);
    while heavy(r0 - 1) {
        r0 -= 1;
    }
    while heavy(r1 + 1) {
        r1 += 1;
    }
    Some((r0 as f64, r1 as f64))
}

/// Fits one linked group of runs (t0, t1, p); drops runs far from the first fit (text strokes
/// touching the line), and rejects blobs too thick to be a ruling.
fn fit_segment(rs: &[(u32, u32, u32)], p: &Params, horizontal: bool) -> Option<Segment> {
    let mut acc = LineSums::default();
    for &(t0, t1, y) in rs {
        acc.add_run(t0, t1, y);
    }
    let lo = rs.iter().map(|r| r.0).min()? as f32;
    let hi = rs.iter().map(|r| r.1).max()? as f32;
    let len = (hi - lo).max(1.0);
    let thick = acc.n as f32 / len - 2.0 * p.dil as f32;
    let (a, b) = acc.fit();
    if thick > p.max_thick || a.abs() > 0.1 {
        return None;
    }
    let residual = |&(t0, t1, y): &(u32, u32, u32)| y as f64 - (a * (t0 + t1) as f64 / 2.0 + b);
    // Text set tight against a ruling joins it, pulling a plain fit off the ruling and
    // thickening it (then cell interiors cut into the text). The ruling is the densest band
    // of rows along the fit: keep the runs there when they still cover most of the length.
    let (acc, thick) = match core_band(rs, &residual) {
        Some((r0, r1)) => {
            let core: Vec<_> = rs
                .iter()
                .filter(|r| (r0 - 0.5..=r1 + 0.5).contains(&residual(r)))
                .copied()
                .collect();
            let (clo, chi) = (
                core.iter().map(|r| r.0).min().unwrap_or(0) as f32,
                core.iter().map(|r| r.1).max().unwrap_or(0) as f32,
            );
            let mut core_acc = LineSums::default();
            for &(t0, t1, y) in &core {
                core_acc.add_run(t0, t1, y);
            }
            if chi - clo >= 0.8 * len {
                let t = core_acc.n as f32 / (chi - clo).max(1.0) - 2.0 * p.dil as f32;
                (core_acc, t.min(thick))
            } else {
                (acc, thick)
            }
        }
        None => (acc, thick),
    };
    let (a, b) = acc.fit();
    Some(Segment {
        horizontal,
        a: a as f32,
        b: b as f32,
        lo,
        hi,
        thick: thick.max(1.0),
        side_ink: 0.0,
        side_both: 0.0,
        fill: 0.0,
        acc,
    })
}

/// Joins collinear pieces of one broken line.
fn merge_collinear(mut segs: Vec<Segment>, p: &Params) -> Vec<Segment> {
    let max_gap = p.unit * 0.15;
    let tol = p.unit * 0.015 + 1.5;
    loop {
        segs.sort_by(|a, b| a.lo.total_cmp(&b.lo));
        let mut merged = false;
        'outer: for i in 0..segs.len() {
            for j in i + 1..segs.len() {
                let (s, o) = (&segs[i], &segs[j]);
                if o.lo - s.hi > max_gap {
                    continue;
                }
                let m = if o.lo > s.hi {
                    (o.lo + s.hi) / 2.0
                } else {
                    (o.lo.max(s.lo) + o.hi.min(s.hi)) / 2.0
                };
                if (s.at(m) - o.at(m)).abs() > tol || (s.a - o.a).abs() > 0.01 {
                    continue;
                }
                let mut acc = s.acc;
                acc.merge(&o.acc);
                let (a, b) = acc.fit();
                let (ls, lo_) = (s.len().max(1.0), o.len().max(1.0));
                let seg = Segment {
                    horizontal: s.horizontal,
                    a: a as f32,
                    b: b as f32,
                    lo: s.lo.min(o.lo),
                    hi: s.hi.max(o.hi),
                    thick: (s.thick * ls + o.thick * lo_) / (ls + lo_),
                    side_ink: (s.side_ink * ls + o.side_ink * lo_) / (ls + lo_),
                    side_both: (s.side_both * ls + o.side_both * lo_) / (ls + lo_),
                    fill: (s.fill * ls + o.fill * lo_) / (ls + lo_),
                    acc,
                };
                segs[i] = seg;
                segs.remove(j);
                merged = true;
                break 'outer;
            }
        }
        if !merged {
            return segs;
        }
    }
}

/// Does the end of `s` at `t` rest on the perpendicular segment `q`?
fn end_touches(s: &Segment, t: f32, q: &Segment, p: &Params) -> bool {
    let (x, y) = s.point(t);
    let (along_q, across_q) = if q.horizontal { (x, y) } else { (y, x) };
    along_q >= q.lo - p.touch
        && along_q <= q.hi + p.touch
        && (across_q - q.at(along_q)).abs() <= q.thick / 2.0 + p.dil as f32 + p.unit * 0.02 + 1.0
}

/// Do perpendicular segments `h` and `v` meet (cross, or end on one another)?
pub(super) fn meets(h: &Segment, v: &Segment, p: &Params) -> bool {
    let (x, y) = cross_or_far((h.a, h.b), (v.a, v.b));
    x >= h.lo - p.touch && x <= h.hi + p.touch && y >= v.lo - p.touch && y <= v.hi + p.touch
}

/// A long segment, or a short one that runs from one perpendicular line to another (the
/// separator of a single small cell) — a text stroke seldom touches lines at both ends.
fn accept(segs: Vec<Segment>, perp: &[Segment], p: &Params) -> Vec<Segment> {
    segs.into_iter()
        .filter(|s| {
            s.len() >= p.strong || ((s.side_ink <= 0.15 || solid(s)) && spans_cell(s, perp, p))
        })
        .collect()
}

/// Where the line of `s` meets `q`, as a position along `s`.
fn crossing_along(s: &Segment, t: f32, q: &Segment) -> f32 {
    let (x, y) = s.point(t);
    q.at(if q.horizontal { x } else { y })
}

/// Does the short segment `s` run from one perpendicular line to the next, as a cell's
/// separator does? Both its ends rest on a perpendicular, and its ink fills at least 4/5 of
/// the distance between them: a separator's ink runs into the junctions, while the vertical
/// stroke of a large character in a tight header row (级, 标) stops short of the rulings
/// above and below by its padding. Two such strokes (22 px between rulings 31 px apart, side
/// ink 0.33-0.36 and solid) cut 二级指标 and 三级指标 in two on a curled copy of an unseen form
/// and lost the form's indicators with the header.
fn spans_cell(s: &Segment, perp: &[Segment], p: &Params) -> bool {
    let nearest = |t: f32| {
        perp.iter()
            .filter(|q| end_touches(s, t, q, p))
            .map(|q| crossing_along(s, t, q))
            .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))
    };
    match (nearest(s.lo), nearest(s.hi)) {
        (Some(a), Some(b)) => s.len() >= 0.9 * (b - a).abs(),
        _ => false,
    }
}

/// All ruling segments of a page: horizontal and vertical.
/// Every candidate segment before any filtering (for inspection).
pub fn candidates(mask: &Mask, unit: f32) -> (Vec<Segment>, Vec<Segment>) {
    let p = Params::new(unit);
    (
        row_segments(mask, &p, true),
        row_segments(&mask.transposed(), &p, false),
    )
}

pub fn find_rulings(mask: &Mask, unit: f32) -> (Vec<Segment>, Vec<Segment>) {
    let p = Params::new(unit);
    // Text strokes chained along a row of characters have ink beside them nearly everywhere;
    // a ruling has it only where lines cross or text touches. In small print, strokes of
    // characters in consecutive rows chain through the rulings between them (gaps closed) into
    // long "lines" with little ink beside them; those have holes on the line itself.
    let (hs, vs) = candidates(mask, unit);
    // A row of characters whose horizontal strokes fuse (a blurred 150-DPI photo, JPEG) is an
    // unbroken band with ink on one side, as a ruling with text set tight against it is, but
    // three times as thick as the page's rulings: on a held-out phone photo four such bands
    // (10.7-12.5 px, rulings 1-4.5 px) cut cells in two and lost six indicator rows. The
    // page's ruling thickness is the median of the unambiguous rulings (long, nothing beside).
    let typical = median(
        &mut hs
            .iter()
            .chain(&vs)
            .filter(|s| s.len() >= p.strong && s.side_ink <= 0.15 && s.fill >= MIN_FILL)
            .map(|s| s.thick)
            .collect::<Vec<f32>>(),
    );
    // The same holds for a band with ink on one side only over under a third of it (a text
    // line fused at its foot, 11.9 px against 3.1 px rulings, cut a two-line cell of a
    // shaded phone photo in two): a band that thick passes only with nothing beside it, as
    // the page's unambiguous rulings have.
    let slim = |s: &Segment| typical.is_none_or(|t| s.thick <= 2.0 * t + 2.0);
    let clear = |s: &Segment| s.side_ink <= 0.15 || (s.side_ink <= 0.3 && slim(s));
    let lone = |s: &Segment| (clear(s) || (solid(s) && slim(s))) && s.fill >= MIN_FILL;
    let hs: Vec<Segment> = hs.into_iter().filter(lone).collect();
    let vs: Vec<Segment> = vs.into_iter().filter(lone).collect();
    let strong_v: Vec<Segment> = vs.iter().filter(|s| s.len() >= p.strong).cloned().collect();
    let hs = accept(hs, &strong_v, &p);
    let vs = accept(vs, &hs, &p);
    let hs = trim_text_overhangs(hs, &vs, mask, &p);
    let vs = trim_text_overhangs(vs, &hs, &mask.transposed(), &p);
    (merge_collinear(hs, &p), merge_collinear(vs, &p))
}

/// Ends of rulings that ran on into text: beyond its last crossing a ruling that chained into
/// the strokes of a label level with it (a merged 二级指标 cell's "数量指" in a blurred photo)
/// runs through ink on both sides, and would cut that cell in two. Such an overhang, dangling
/// (no perpendicular where it ends) with ink beside at least half of it, is cut back to the
/// crossing. A real ruling that dangles because its perpendicular was not found runs between
/// cells with little beside it and stays. `m` is in the segments' own frame.
fn trim_text_overhangs(segs: Vec<Segment>, perp: &[Segment], m: &Mask, p: &Params) -> Vec<Segment> {
    segs.into_iter()
        .map(|s| {
            let mut cuts: Vec<f32> = perp
                .iter()
                .filter(|q| {
                    if s.horizontal {
                        meets(&s, q, p)
                    } else {
                        meets(q, &s, p)
                    }
                })
                .map(|q| {
                    let (x, y) = if s.horizontal {
                        cross_or_far((s.a, s.b), (q.a, q.b))
                    } else {
                        cross_or_far((q.a, q.b), (s.a, s.b))
                    };
                    if s.horizontal {
                        x
                    } else {
                        y
                    }
                })
                .filter(|&t| t > s.lo + p.touch && t < s.hi - p.touch)
                .collect();
            cuts.sort_by(f32::total_cmp);
            let texty = |lo: f32, hi: f32| {
                let part = Segment {
                    lo,
                    hi,
                    ..s.clone()
                };
                // Pieces through a level label measured 0.72/0.53 (ink beside / on both
                // sides at once); ruling pieces on the dev hard pages and held-out photos
                // stay under 0.4/0.2.
                let (any, both) = side_ink(m, &part, p);
                any >= 0.5 && both >= 0.3
            };
            let (mut lo, mut hi) = (s.lo, s.hi);
            for c in cuts.iter().copied() {
                if !texty(lo, c) {
                    break;
                }
                lo = c;
            }
            for c in cuts.iter().rev().copied() {
                if c <= lo || !texty(c, hi) {
                    break;
                }
                hi = c;
            }
            Segment { lo, hi, ..s }
        })
        .collect()
}

/// Least [`Segment::fill`] of a ruling: every ruling measured on the dev scans (phone scans
/// included) is above 0.95; text-stroke chains in dense small print are below 0.8.
const MIN_FILL: f32 = 0.85;

/// Unbroken ink along its whole length with ink on both sides at once only rarely: a ruling
/// even where text is set tight against it on both sides (a label cell beside a value cell in
/// a blurred phone scan), unlike a stroke inside a character, which others cross.
fn solid(s: &Segment) -> bool {
    s.fill >= 0.95 && s.side_both <= 0.2 && s.side_ink <= 0.5
}
