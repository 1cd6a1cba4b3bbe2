//! Ruling-line detection and the cell graph (rows, cols, spans, pixel boxes) of each table.
//!
//! A pure function of the prepared grey page: binarise against an estimated paper level, find
//! long horizontal and vertical ink runs (tolerant of slight skew and of dotted/faint lines),
//! link them into fitted line segments, keep the ones that form ruled structures, group
//! intersecting segments into tables, and derive each table's cells. A cell is a region bounded
//! by line segments that are really there, so a missing separator gives a row- or column-span.
//!
//! Every threshold is expressed in inches through [`page_unit`] (pixels per inch estimated from
//! the sheet size), never in pixels, so 150 DPI and 300 DPI pages behave alike.

use image::GrayImage;

/// Binary ink mask, row-major, 1 = ink.
#[derive(Debug, Clone, PartialEq)]
pub struct Mask {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Mask {
    pub fn new(width: u32, height: u32) -> Self {
        Mask {
            width,
            height,
            data: vec![0; width as usize * height as usize],
        }
    }

    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.data[self.idx(x, y)] != 0
    }

    pub fn set(&mut self, x: u32, y: u32, v: bool) {
        if x < self.width && y < self.height {
            let i = self.idx(x, y);
            self.data[i] = u8::from(v);
        }
    }

    fn idx(&self, x: u32, y: u32) -> usize {
        y as usize * self.width as usize + x as usize
    }

    /// Ink pixels in the clamped rectangle [x0, x1) × [y0, y1).
    pub fn count_rect(&self, x0: i64, y0: i64, x1: i64, y1: i64) -> usize {
        let (x0, x1) = (
            x0.max(0) as usize,
            x1.min(self.width as i64).max(0) as usize,
        );
        let (y0, y1) = (
            y0.max(0) as usize,
            y1.min(self.height as i64).max(0) as usize,
        );
        if x0 >= x1 {
            return 0;
        }
        let w = self.width as usize;
        (y0..y1)
            .map(|y| {
                self.data[y * w + x0..y * w + x1]
                    .iter()
                    .filter(|&&v| v != 0)
                    .count()
            })
            .sum()
    }

    /// Tight box [x0, y0, x1, y1) of the ink inside the clamped rectangle, if any.
    pub fn ink_box(&self, x0: i64, y0: i64, x1: i64, y1: i64) -> Option<[u32; 4]> {
        let (x0, x1) = (x0.max(0) as u32, x1.min(self.width as i64).max(0) as u32);
        let (y0, y1) = (y0.max(0) as u32, y1.min(self.height as i64).max(0) as u32);
        let mut b: Option<[u32; 4]> = None;
        for y in y0..y1 {
            for x in x0..x1 {
                if self.data[self.idx(x, y)] != 0 {
                    b = Some(match b {
                        None => [x, y, x + 1, y + 1],
                        Some([a, c, d, e]) => [a.min(x), c.min(y), d.max(x + 1), e.max(y + 1)],
                    });
                }
            }
        }
        b
    }

    fn transposed(&self) -> Mask {
        let mut t = Mask::new(self.height, self.width);
        let (w, h) = (self.width as usize, self.height as usize);
        for y in 0..h {
            let row = &self.data[y * w..(y + 1) * w];
            for (x, &v) in row.iter().enumerate() {
                t.data[x * h + y] = v;
            }
        }
        t
    }
}

/// Pixels per inch of the page, estimated from its short side as an A4 sheet (8.27 in). Used
/// instead of the file's DPI claim, which scanners and PDF writers often get wrong.
pub fn page_unit(width: u32, height: u32) -> f32 {
    (width.min(height) as f32 / 8.27).max(40.0)
}

/// Ink where a pixel is clearly darker than the local paper level. The paper level is a high
/// percentile per block, interpolated, so shadows and uneven lighting do not turn into ink.
pub fn binarize(gray: &GrayImage, unit: f32) -> Mask {
    let (w, h) = gray.dimensions();
    let mut mask = Mask::new(w, h);
    if w == 0 || h == 0 {
        return mask;
    }
    let bs = ((unit * 0.3) as u32).clamp(16, 256);
    let (bw, bh) = (w.div_ceil(bs), h.div_ceil(bs));
    let mut bg = vec![255f32; (bw * bh) as usize];
    let raw = gray.as_raw();
    for by in 0..bh {
        for bx in 0..bw {
            let mut hist = [0u32; 256];
            let (x0, x1) = (bx * bs, ((bx + 1) * bs).min(w));
            let (y0, y1) = (by * bs, ((by + 1) * bs).min(h));
            for y in y0..y1 {
                let row = &raw[(y * w + x0) as usize..(y * w + x1) as usize];
                for &v in row {
                    hist[v as usize] += 1;
                }
            }
            let n = (x1 - x0) * (y1 - y0);
            // 90th percentile: paper even in a block crowded with text and lines.
            let target = n - n / 10;
            let mut acc = 0;
            let mut level = 255;
            for (v, &c) in hist.iter().enumerate() {
                acc += c;
                if acc >= target {
                    level = v;
                    break;
                }
            }
            bg[(by * bw + bx) as usize] = level as f32;
        }
    }
    let half = bs as f32 / 2.0;
    for y in 0..h {
        let fy = ((y as f32 - half) / bs as f32).clamp(0.0, (bh - 1) as f32);
        let y0 = fy.floor() as u32;
        let y1 = (y0 + 1).min(bh - 1);
        let ty = fy - y0 as f32;
        for x in 0..w {
            let fx = ((x as f32 - half) / bs as f32).clamp(0.0, (bw - 1) as f32);
            let x0 = fx.floor() as u32;
            let x1 = (x0 + 1).min(bw - 1);
            let tx = fx - x0 as f32;
            let b = |xx: u32, yy: u32| bg[(yy * bw + xx) as usize];
            let top = b(x0, y0) * (1.0 - tx) + b(x1, y0) * tx;
            let bot = b(x0, y1) * (1.0 - tx) + b(x1, y1) * tx;
            let paper = top * (1.0 - ty) + bot * ty;
            let g = raw[(y * w + x) as usize] as f32;
            if g < paper - (paper * 0.25).max(36.0) {
                mask.data[(y * w + x) as usize] = 1;
            }
        }
    }
    mask
}

/// Least-squares sums of the pixels of a segment (t along the line, p across it).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Acc {
    n: f64,
    st: f64,
    sp: f64,
    stt: f64,
    stp: f64,
}

impl Acc {
    /// Adds the pixels t in [t0, t1) at position p.
    fn add_run(&mut self, t0: u32, t1: u32, p: u32) {
        let (a, b) = (t0 as f64, t1 as f64 - 1.0);
        let n = b - a + 1.0;
        let st = (a + b) * n / 2.0;
        let sq = |x: f64| x * (x + 1.0) * (2.0 * x + 1.0) / 6.0;
        let stt = sq(b) - if a > 0.0 { sq(a - 1.0) } else { 0.0 };
        let p = p as f64;
        self.n += n;
        self.st += st;
        self.sp += n * p;
        self.stt += stt;
        self.stp += st * p;
    }

    /// Adds one point (t, p) with weight `w`.
    fn add_point(&mut self, t: f64, p: f64, w: f64) {
        self.n += w;
        self.st += w * t;
        self.sp += w * p;
        self.stt += w * t * t;
        self.stp += w * t * p;
    }

    /// Standard deviation of t.
    fn spread(&self) -> f64 {
        if self.n <= 0.0 {
            return 0.0;
        }
        (self.stt / self.n - (self.st / self.n).powi(2))
            .max(0.0)
            .sqrt()
    }

    fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.st += o.st;
        self.sp += o.sp;
        self.stt += o.stt;
        self.stp += o.stp;
    }

    /// (slope, intercept) of p = slope·t + intercept.
    fn fit(&self) -> (f64, f64) {
        if self.n <= 0.0 {
            return (0.0, 0.0);
        }
        let den = self.n * self.stt - self.st * self.st;
        let a = if den.abs() < 1e-9 {
            0.0
        } else {
            (self.n * self.stp - self.st * self.sp) / den
        };
        (a, (self.sp - a * self.st) / self.n)
    }
}

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
    acc: Acc,
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

/// Where horizontal line `h` (y = a·x + b) meets vertical line `v` (x = a·y + b).
fn cross(ha: f32, hb: f32, va: f32, vb: f32) -> (f32, f32) {
    let den = 1.0 - va * ha;
    let den = if den.abs() < 1e-6 { 1e-6 } else { den };
    let x = (va * hb + vb) / den;
    (x, ha * x + hb)
}

/// Thresholds of the detector, all derived from the page unit (pixels per inch).
#[derive(Debug, Clone, Copy)]
struct Params {
    unit: f32,
    /// Dilation across the line so that skewed lines still give long runs.
    dil: u32,
    /// Gaps this short are closed along a line (dotted or faint printing).
    gap: u32,
    /// Shortest run considered part of a line.
    min_run: u32,
    /// Segments at least this long are lines on their own; shorter ones need support at both ends.
    strong: f32,
    /// Thicker than this is a filled area or text mass, not a ruling.
    max_thick: f32,
    /// Positions within this distance are the same grid boundary.
    cluster: f32,
    /// Tolerance for two segments meeting.
    touch: f32,
}

impl Params {
    fn new(unit: f32) -> Self {
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
    let mut acc = Acc::default();
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
            let mut core_acc = Acc::default();
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

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
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
fn meets(h: &Segment, v: &Segment, p: &Params) -> bool {
    let (x, y) = cross(h.a, h.b, v.a, v.b);
    x >= h.lo - p.touch && x <= h.hi + p.touch && y >= v.lo - p.touch && y <= v.hi + p.touch
}

/// A long segment, or a short one that runs from one perpendicular line to another (the
/// separator of a single small cell) — a text stroke seldom touches lines at both ends.
fn accept(segs: Vec<Segment>, perp: &[Segment], p: &Params) -> Vec<Segment> {
    segs.into_iter()
        .filter(|s| {
            s.len() >= p.strong
                || ((s.side_ink <= 0.15 || solid(s))
                    && perp.iter().any(|q| end_touches(s, s.lo, q, p))
                    && perp.iter().any(|q| end_touches(s, s.hi, q, p)))
        })
        .collect()
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
        hs.iter()
            .chain(&vs)
            .filter(|s| s.len() >= p.strong && s.side_ink <= 0.15 && s.fill >= MIN_FILL)
            .map(|s| s.thick)
            .collect(),
    );
    let slim = |s: &Segment| typical.is_none_or(|t| s.thick <= 2.0 * t + 2.0);
    let lone = |s: &Segment| (s.side_ink <= 0.3 || (solid(s) && slim(s))) && s.fill >= MIN_FILL;
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
                        cross(s.a, s.b, q.a, q.b)
                    } else {
                        cross(q.a, q.b, s.a, s.b)
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

fn median(mut v: Vec<f32>) -> Option<f32> {
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied()
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

#[derive(Debug, Clone)]
pub struct Grid {
    /// Tables top to bottom.
    pub tables: Vec<GridTable>,
    /// Pixels per inch used for every threshold.
    pub unit: f32,
    pub mask: Mask,
    /// Every accepted ruling (in tables or not: underlines, frames).
    pub rulings: Vec<Segment>,
}

/// Finds the ruled tables of a prepared page.
pub fn detect(gray: &GrayImage) -> Grid {
    let unit = page_unit(gray.width(), gray.height());
    let mask = binarize(gray, unit);
    let (hs, vs) = find_rulings(&mask, unit);
    let p = Params::new(unit);
    let tables = build_tables(&hs, &vs, &p);
    let mut rulings = hs;
    rulings.extend(vs);
    Grid {
        tables,
        unit,
        mask,
        rulings,
    }
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
                let mut acc = Acc::default();
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

fn build_tables(hs: &[Segment], vs: &[Segment], p: &Params) -> Vec<GridTable> {
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
    // Open sides (no frame line): lines that run well past the outermost perpendicular
    // boundary end at a virtual edge.
    let margin = p.unit * 0.15;
    let xs = |b: &Boundary, rows: &[Boundary]| -> (f32, f32) {
        let ys: Vec<f32> = rows.iter().map(|r| cross(r.a, r.b, b.a, b.b).0).collect();
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
    let (fc_min, _) = xs(&first_col, &rows);
    let (_, lc_max) = xs(&last_col, &rows);
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
        .map(|c| cross(first_row.a, first_row.b, c.a, c.b).1)
        .fold(f32::MAX, f32::min);
    let bot_max = cols
        .iter()
        .map(|c| cross(last_row.a, last_row.b, c.a, c.b).1)
        .fold(f32::MIN, f32::max);
    if v_lo < top_min - margin {
        rows.insert(0, virtual_line(row_slope, v_lo, mid_x));
    }
    if v_hi > bot_max + margin {
        rows.push(virtual_line(row_slope, v_hi, mid_x));
    }
    let (nr, nc) = (rows.len().checked_sub(1)?, cols.len().checked_sub(1)?);
    if nr == 0 || nc == 0 {
        return None;
    }
    // Corner points: pts[i][j] = row boundary i ∩ column boundary j.
    let pts: Vec<Vec<(f32, f32)>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| cross(r.a, r.b, c.a, c.b)).collect())
        .collect();
    // hsep[i][j]: row boundary i closes column interval j; vsep[j][i]: column boundary j
    // closes row interval i.
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
    if rects.len() < 2 {
        return None;
    }
    let extent = hull(&[pts[0][0], pts[0][nc], pts[nr][nc], pts[nr][0]]);
    if extent[2] - extent[0] < p.unit * 0.25 || extent[3] - extent[1] < p.unit * 0.25 {
        return None;
    }
    // Drop boundaries that no cell uses as an edge.
    let mut used_r = vec![false; nr + 1];
    let mut used_c = vec![false; nc + 1];
    for &(r0, c0, r1, c1) in &rects {
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
                bbox: hull(&quad),
                inner,
            }
        })
        .collect();
    cells.sort_by_key(|c| (c.row, c.col));
    let corners = [pts[0][0], pts[0][nc], pts[nr][nc], pts[nr][0]];
    let mut bbox = hull(&corners);
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

/// The segments parallel to the group's (length-weighted) median direction.
fn aligned<'a>(segs: &[&'a Segment], p: &Params) -> Vec<&'a Segment> {
    let slope = slope_model(segs, p);
    segs.iter()
        .copied()
        .filter(|s| {
            let d = (s.a - slope(s)).abs();
            // A short segment's own slope is noisy (a blurred 70 px line fits ±0.01): judged by
            // how far it drifts from the expected slope over its length.
            d <= 0.01 || d * s.len() <= 1.5
        })
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
    let mut acc = Acc::default();
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

fn hull(pts: &[(f32, f32)]) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for &(x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Paints a line of given thickness from (x0,y0) to (x1,y1).
    fn line(img: &mut GrayImage, (x0, y0): (f32, f32), (x1, y1): (f32, f32), t: f32) {
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = (dx * dx + dy * dy).sqrt();
        let steps = (len * 2.0) as usize + 1;
        for k in 0..=steps {
            let f = k as f32 / steps as f32;
            let (cx, cy) = (x0 + dx * f, y0 + dy * f);
            let r = t / 2.0;
            for yy in (cy - r).floor() as i64..=(cy + r).ceil() as i64 {
                for xx in (cx - r).floor() as i64..=(cx + r).ceil() as i64 {
                    if ((xx as f32 - cx).powi(2) + (yy as f32 - cy).powi(2)).sqrt() <= r + 0.3
                        && xx >= 0
                        && yy >= 0
                        && (xx as u32) < img.width()
                        && (yy as u32) < img.height()
                    {
                        img.put_pixel(xx as u32, yy as u32, Luma([20]));
                    }
                }
            }
        }
    }

    /// A page of 1654×2339 (A4 at 200 DPI) with one table, rotated by `deg` about the centre:
    /// 4 columns × 5 rows; row 1..3 of column 0 merged (rowspan 3); row 0 cols 2..4 merged
    /// (colspan 2); some "text" blobs, one touching a line.
    fn synthetic(deg: f32) -> GrayImage {
        let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
        let (cx, cy) = (827.0, 1170.0);
        let (s, c) = deg.to_radians().sin_cos();
        let rot = |x: f32, y: f32| {
            let (dx, dy) = (x - cx, y - cy);
            (cx + dx * c - dy * s, cy + dx * s + dy * c)
        };
        let xs = [200.0, 500.0, 800.0, 1150.0, 1450.0];
        let ys = [600.0, 700.0, 800.0, 900.0, 1000.0, 1100.0];
        let mut seg =
            |a: (f32, f32), b: (f32, f32)| line(&mut img, rot(a.0, a.1), rot(b.0, b.1), 3.0);
        for (i, &y) in ys.iter().enumerate() {
            if i == 2 || i == 3 {
                // rowspan in column 0: the separator skips it
                seg((xs[1], y), (xs[4], y));
            } else {
                seg((xs[0], y), (xs[4], y));
            }
        }
        for (j, &x) in xs.iter().enumerate() {
            if j == 3 {
                seg((x, ys[1]), (x, ys[5]));
            } else {
                seg((x, ys[0]), (x, ys[5]));
            }
        }
        // a second, small table further down: 2×2
        for y in [1500.0, 1580.0, 1660.0] {
            seg((300.0, y), (1300.0, y));
        }
        for x in [300.0, 800.0, 1300.0] {
            seg((x, 1500.0), (x, 1660.0));
        }
        // text-like strokes: inside cells, one touching a line, a title and an underline
        for k in 0..6 {
            let x = 560.0 + k as f32 * 30.0;
            seg((x, 730.0), (x, 770.0));
            seg((x - 10.0, 750.0), (x + 10.0, 750.0));
        }
        seg((860.0, 805.0), (860.0, 850.0));
        for k in 0..10 {
            let x = 500.0 + k as f32 * 60.0;
            seg((x, 400.0), (x + 45.0, 400.0));
            seg((x + 20.0, 380.0), (x + 20.0, 430.0));
        }
        seg((300.0, 1300.0), (900.0, 1300.0));
        img
    }

    fn check(deg: f32) {
        let g = detect(&synthetic(deg));
        assert_eq!(g.tables.len(), 2, "deg {deg}: {:?}", g.tables.len());
        let t = &g.tables[0];
        assert_eq!((t.n_rows, t.n_cols), (5, 4), "deg {deg}");
        // 20 units − 2 (rowspan 3) − 1 (colspan 2)
        assert_eq!(t.cells.len(), 17, "deg {deg}: {:?}", t.cells);
        let merged_r = t.cells.iter().find(|c| c.row == 1 && c.col == 0).unwrap();
        assert_eq!((merged_r.rowspan, merged_r.colspan), (3, 1));
        let merged_c = t.cells.iter().find(|c| c.row == 0 && c.col == 2).unwrap();
        assert_eq!((merged_c.rowspan, merged_c.colspan), (1, 2));
        assert!(t.cells.iter().all(|c| c.inner[0] < c.inner[2]));
        // the cell at row 2, col 1 sits where drawn (within a few pixels after rotation)
        let c = t.cells.iter().find(|c| c.row == 2 && c.col == 1).unwrap();
        let mid = ((c.bbox[0] + c.bbox[2]) / 2.0, (c.bbox[1] + c.bbox[3]) / 2.0);
        let (s, co) = deg.to_radians().sin_cos();
        let (dx, dy) = (650.0 - 827.0, 850.0 - 1170.0);
        let want = (827.0 + dx * co - dy * s, 1170.0 + dx * s + dy * co);
        assert!(
            (mid.0 - want.0).abs() < 4.0 && (mid.1 - want.1).abs() < 4.0,
            "{mid:?} {want:?}"
        );
        let t2 = &g.tables[1];
        assert_eq!((t2.n_rows, t2.n_cols, t2.cells.len()), (2, 2, 4));
    }

    #[test]
    fn finds_merged_cells_upright() {
        check(0.0);
    }

    #[test]
    fn tolerates_residual_skew() {
        check(0.8);
        check(-1.5);
    }

    #[test]
    fn broken_lines_still_separate_cells() {
        let mut img = synthetic(0.0);
        // knock gaps into every line of the big table
        for x in (210..1440).step_by(97) {
            for y in 590..1110 {
                for dx in 0..4 {
                    img.put_pixel(x + dx, y, Luma([240]));
                }
            }
        }
        let g = detect(&img);
        let t = &g.tables[0];
        assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (5, 4, 17));
    }

    #[test]
    fn open_sides_end_at_the_lines_extent() {
        // No left/right frame: the outer columns end where the horizontal rules end.
        let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
        for y in [500.0, 600.0, 700.0] {
            line(&mut img, (200.0, y), (1400.0, y), 3.0);
        }
        for x in [600.0, 1000.0] {
            line(&mut img, (x, 500.0), (x, 700.0), 3.0);
        }
        let g = detect(&img);
        assert_eq!(g.tables.len(), 1);
        let t = &g.tables[0];
        assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (2, 3, 6));
        assert!((t.bbox[0] - 200.0).abs() < 6.0 && (t.bbox[2] - 1400.0).abs() < 6.0);
    }

    #[test]
    fn a_row_whose_frame_end_is_broken_off_is_still_a_row() {
        // 3 rows × 3 columns; the left frame line stops short of the top row (a curled sheet
        // bends it away, a threshold eats it): the top row is open on its left side only.
        let mut img = GrayImage::from_pixel(1654, 2339, Luma([240]));
        for y in [500.0, 600.0, 700.0, 800.0] {
            line(&mut img, (200.0, y), (1400.0, y), 3.0);
        }
        line(&mut img, (200.0, 600.0), (200.0, 800.0), 3.0);
        for x in [600.0, 1000.0, 1400.0] {
            line(&mut img, (x, 500.0), (x, 800.0), 3.0);
        }
        let g = detect(&img);
        assert_eq!(g.tables.len(), 1);
        let t = &g.tables[0];
        assert_eq!((t.n_rows, t.n_cols), (3, 3));
        assert!(
            t.cells.iter().any(|c| c.row == 0 && c.col == 0),
            "{:?}",
            t.cells
        );
    }

    #[test]
    fn blank_page_has_no_tables() {
        let g = detect(&GrayImage::from_pixel(800, 1100, Luma([250])));
        assert!(g.tables.is_empty());
        let g = detect(&GrayImage::new(0, 0));
        assert!(g.tables.is_empty());
    }

    #[test]
    fn lsq_sums_fit_a_sloped_run_set() {
        let mut acc = Acc::default();
        for k in 0..10u32 {
            acc.add_run(k * 10, k * 10 + 10, 100 + k);
        }
        let (a, b) = acc.fit();
        assert!((a - 0.1).abs() < 0.01, "{a}");
        assert!((b - 99.55).abs() < 0.5, "{b}");
    }
}
