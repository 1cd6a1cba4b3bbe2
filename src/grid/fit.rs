//! Numeric helpers of the detector: least-squares sums, line intersection, union-find, median, hull.

/// Least-squares sums of the pixels of a segment (t along the line, p across it).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Acc {
    pub(super) n: f64,
    pub(super) st: f64,
    pub(super) sp: f64,
    pub(super) stt: f64,
    pub(super) stp: f64,
}

impl Acc {
    /// Adds the pixels t in [t0, t1) at position p.
    pub(super) fn add_run(&mut self, t0: u32, t1: u32, p: u32) {
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
    pub(super) fn add_point(&mut self, t: f64, p: f64, w: f64) {
        self.n += w;
        self.st += w * t;
        self.sp += w * p;
        self.stt += w * t * t;
        self.stp += w * t * p;
    }

    /// Standard deviation of t.
    pub(super) fn spread(&self) -> f64 {
        if self.n <= 0.0 {
            return 0.0;
        }
        (self.stt / self.n - (self.st / self.n).powi(2))
            .max(0.0)
            .sqrt()
    }

    pub(super) fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.st += o.st;
        self.sp += o.sp;
        self.stt += o.stt;
        self.stp += o.stp;
    }

    /// (slope, intercept) of p = slope·t + intercept.
    pub(super) fn fit(&self) -> (f64, f64) {
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

/// Where horizontal line `h` (y = a·x + b) meets vertical line `v` (x = a·y + b).
pub(super) fn cross(ha: f32, hb: f32, va: f32, vb: f32) -> (f32, f32) {
    let den = 1.0 - va * ha;
    let den = if den.abs() < 1e-6 { 1e-6 } else { den };
    let x = (va * hb + vb) / den;
    (x, ha * x + hb)
}

pub(super) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub(super) fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    pub(super) fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    pub(super) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

pub(super) fn median(mut v: Vec<f32>) -> Option<f32> {
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied()
}

pub(super) fn hull(pts: &[(f32, f32)]) -> [f32; 4] {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for &(x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    b
}
