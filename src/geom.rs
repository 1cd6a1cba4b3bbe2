//! The geometry and statistics kit of the image stages: least-squares line fits, line
//! intersection, union-find, bounding hulls, Otsu's threshold, median and percentile.
//!
//! One implementation of each, so that a fix reaches every stage. Where two stages used to
//! compute the same thing slightly differently (raw sums vs mean-centred sums, f32 vs f64, a
//! clamped vs a refused intersection) the difference is kept as a parameter or a second named
//! function, because outputs must not change when a helper is shared.

use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Sub};

/// The float types the kit works in (f32 for pixel geometry, f64 for fits that need it).
pub trait Real:
    Copy
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
{
    const ZERO: Self;
    fn from_usize(n: usize) -> Self;
    fn abs(self) -> Self;
}

impl Real for f32 {
    const ZERO: f32 = 0.0;
    fn from_usize(n: usize) -> f32 {
        n as f32
    }
    fn abs(self) -> f32 {
        f32::abs(self)
    }
}

impl Real for f64 {
    const ZERO: f64 = 0.0;
    fn from_usize(n: usize) -> f64 {
        n as f64
    }
    fn abs(self) -> f64 {
        f64::abs(self)
    }
}

/// Running weighted least-squares sums for a line p = slope·t + intercept. Sums (not points)
/// so that whole pixel runs are added in O(1) and fits of pieces merge exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineSums {
    pub n: f64,
    pub st: f64,
    pub sp: f64,
    pub stt: f64,
    pub stp: f64,
}

impl LineSums {
    /// Adds the pixels t in [t0, t1) at position p, each with weight 1.
    pub fn add_run(&mut self, t0: u32, t1: u32, p: u32) {
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
    pub fn add_point(&mut self, t: f64, p: f64, w: f64) {
        self.n += w;
        self.st += w * t;
        self.sp += w * p;
        self.stt += w * t * t;
        self.stp += w * t * p;
    }

    /// Weighted standard deviation of t.
    pub fn spread(&self) -> f64 {
        if self.n <= 0.0 {
            return 0.0;
        }
        (self.stt / self.n - (self.st / self.n).powi(2))
            .max(0.0)
            .sqrt()
    }

    pub fn merge(&mut self, o: &LineSums) {
        self.n += o.n;
        self.st += o.st;
        self.sp += o.sp;
        self.stt += o.stt;
        self.stp += o.stp;
    }

    /// (slope, intercept) of p = slope·t + intercept; slope 0 when t does not vary.
    pub fn fit(&self) -> (f64, f64) {
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

/// Least-squares line y = slope·x + intercept through `pts`, from mean-centred sums (better
/// conditioned than raw sums for points far from the origin). `(slope, intercept)`; None for
/// fewer than two points or when the spread of x, Σ(x − x̄)², is at most `min_sxx`.
pub fn fit_line<T: Real>(pts: &[(T, T)], min_sxx: T) -> Option<(T, T)> {
    if pts.len() < 2 {
        return None;
    }
    let n = T::from_usize(pts.len());
    let (sx, sy) = pts
        .iter()
        .fold((T::ZERO, T::ZERO), |a, p| (a.0 + p.0, a.1 + p.1));
    let (mx, my) = (sx / n, sy / n);
    let (mut sxx, mut sxy) = (T::ZERO, T::ZERO);
    for &(x, y) in pts {
        sxx = sxx + (x - mx) * (x - mx);
        sxy = sxy + (x - mx) * (y - my);
    }
    if sxx <= min_sxx {
        return None;
    }
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}

/// `fit_line`, then refitted `rounds` times to the points within `tol` of the previous fit
/// (dropping strokes that touch a line); None when fewer than `min_kept` points remain.
pub fn fit_line_refit<T: Real>(
    pts: &[(T, T)],
    min_sxx: T,
    tol: T,
    rounds: usize,
    min_kept: usize,
) -> Option<(T, T)> {
    let mut f = fit_line(pts, min_sxx)?;
    for _ in 0..rounds {
        let kept: Vec<(T, T)> = pts
            .iter()
            .copied()
            .filter(|&(x, y)| (y - (f.0 * x + f.1)).abs() < tol)
            .collect();
        if kept.len() < min_kept {
            return None;
        }
        f = fit_line(&kept, min_sxx)?;
    }
    Some(f)
}

/// Where the "horizontal" line y = ha·x + hb meets the "vertical" line x = va·y + vb (each
/// written as a function of its own running coordinate, so both slopes are near 0). None when
/// they are (nearly) parallel: |1 − va·ha| < `eps`.
pub fn cross<T: Real>(h: (T, T), v: (T, T), eps: T) -> Option<(T, T)> {
    let den = one::<T>() - v.0 * h.0;
    if den.abs() < eps {
        return None;
    }
    Some(cross_with(h, v, den))
}

/// [`cross`] for lines that must meet somewhere (every row boundary of a grid with every
/// column boundary): a (nearly) parallel pair meets far away instead of not at all.
pub fn cross_or_far(h: (f32, f32), v: (f32, f32)) -> (f32, f32) {
    let den = 1.0 - v.0 * h.0;
    let den = if den.abs() < 1e-6 { 1e-6 } else { den };
    cross_with(h, v, den)
}

fn cross_with<T: Real>(h: (T, T), v: (T, T), den: T) -> (T, T) {
    let x = (v.0 * h.1 + v.1) / den;
    (x, h.0 * x + h.1)
}

fn one<T: Real>() -> T {
    T::from_usize(1)
}

/// Disjoint sets over 0..n with path halving; the root of a set is its smallest member, so
/// groups keyed by root come out in order of their first member.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    pub fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Axis-aligned bounding box [x0, y0, x1, y1] of the points; inverted (MAX, MAX, MIN, MIN)
/// when there are none.
pub fn hull(pts: impl IntoIterator<Item = (f32, f32)>) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    b
}

/// Otsu's threshold of a grey histogram: the level t that best separates the classes at or
/// below t and above it (largest between-class variance, the first on ties), with the
/// difference of the class means. None when all pixels are one grey.
pub fn otsu(hist: &[u64; 256]) -> Option<(u8, f32)> {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return None;
    }
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * n as f64)
        .sum();
    let (mut w0, mut sum0) = (0u64, 0f64);
    let mut best: Option<(f64, u8, f32)> = None;
    for (t, &n) in hist.iter().enumerate().take(255) {
        w0 += n;
        sum0 += t as f64 * n as f64;
        let w1 = total - w0;
        if w0 == 0 || w1 == 0 {
            continue;
        }
        let m0 = sum0 / w0 as f64;
        let m1 = (sum_all - sum0) / w1 as f64;
        let between = w0 as f64 * w1 as f64 * (m0 - m1) * (m0 - m1);
        if best.is_none_or(|(b, _, _)| between > b) {
            best = Some((between, t as u8, (m1 - m0) as f32));
        }
    }
    best.map(|(_, t, contrast)| (t, contrast))
}

/// The median of `v` (the upper one for an even count), sorting `v` in place; None when empty.
pub fn median(v: &mut [f32]) -> Option<f32> {
    v.sort_unstable_by(f32::total_cmp);
    v.get(v.len() / 2).copied()
}

/// The `q`-quantile of `v` by nearest rank (index round((n − 1)·q) of the sorted values),
/// sorting `v` in place; None when empty.
pub fn percentile<T: Copy>(v: &mut [T], q: f32, cmp: impl FnMut(&T, &T) -> Ordering) -> Option<T> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(cmp);
    let i = ((v.len() - 1) as f32 * q).round() as usize;
    v.get(i).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn line_sums_fit_a_sloped_run_set() {
        let mut acc = LineSums::default();
        for k in 0..10u32 {
            acc.add_run(k * 10, k * 10 + 10, 100 + k);
        }
        let (a, b) = acc.fit();
        assert!((a - 0.1).abs() < 0.01, "{a}");
        assert!((b - 99.55).abs() < 0.5, "{b}");
    }

    #[test]
    fn fit_line_refuses_too_few_or_vertical_points() {
        assert_eq!(fit_line(&[(1.0f64, 2.0)], 0.0), None);
        assert_eq!(fit_line(&[(1.0f64, 2.0), (1.0, 5.0)], 0.0), None);
        let (s, i) = fit_line(&[(0.0f32, 1.0), (2.0, 2.0), (4.0, 3.0)], f32::EPSILON).unwrap();
        assert!((s - 0.5).abs() < 1e-6 && (i - 1.0).abs() < 1e-6, "{s} {i}");
    }

    #[test]
    fn refit_drops_an_outlier() {
        let mut pts: Vec<(f64, f64)> = (0..20).map(|x| (x as f64, 3.0 + 0.1 * x as f64)).collect();
        pts.push((10.0, 30.0));
        let (s, i) = fit_line_refit(&pts, 0.0, 1.5, 2, 5).unwrap();
        assert!((s - 0.1).abs() < 1e-9 && (i - 3.0).abs() < 1e-9, "{s} {i}");
        assert_eq!(fit_line_refit(&pts, 0.0, 1.5, 2, 30), None);
    }

    #[test]
    fn lines_cross_where_both_equations_hold() {
        let (x, y) = cross((0.1f64, 5.0), (-0.2, 40.0), 1e-9).unwrap();
        assert!((y - (0.1 * x + 5.0)).abs() < 1e-9 && (x - (-0.2 * y + 40.0)).abs() < 1e-9);
        assert_eq!(cross((1.0f64, 0.0), (1.0, 0.0), 1e-9), None);
        let (x, _) = cross_or_far((1.0, 0.0), (1.0, 1.0));
        assert!(x > 1e5);
    }

    #[test]
    fn union_find_roots_are_smallest_members() {
        let mut uf = UnionFind::new(5);
        uf.union(4, 2);
        uf.union(2, 3);
        assert_eq!(uf.find(4), 2);
        assert_eq!(uf.find(3), 2);
        assert_eq!(uf.find(0), 0);
        uf.union(3, 0);
        assert_eq!(uf.find(4), 0);
    }

    #[test]
    fn otsu_splits_two_levels_and_refuses_one() {
        let mut h = [0u64; 256];
        h[30] = 100;
        h[200] = 300;
        let (t, c) = otsu(&h).unwrap();
        assert!((30..200).contains(&t));
        assert!((c - 170.0).abs() < 1e-3);
        let mut one = [0u64; 256];
        one[128] = 10;
        assert_eq!(otsu(&one), None);
        assert_eq!(otsu(&[0; 256]), None);
    }

    proptest! {
        #[test]
        fn median_is_the_percentile_half(mut v in proptest::collection::vec(-1e6f32..1e6, 1..50)) {
            let mut w = v.clone();
            let m = median(&mut v).unwrap();
            prop_assert_eq!(Some(m), percentile(&mut w, 0.5, f32::total_cmp));
            let below = v.iter().filter(|&&x| x < m).count();
            prop_assert!(below <= v.len() / 2);
        }

        #[test]
        fn hull_holds_every_point(pts in proptest::collection::vec((-1e4f32..1e4, -1e4f32..1e4), 1..30)) {
            let b = hull(pts.iter().copied());
            for (x, y) in pts {
                prop_assert!(b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3]);
            }
        }
    }
}
