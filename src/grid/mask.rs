//! The binary ink mask of a prepared page and the page unit every threshold is expressed in.

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

    pub(super) fn transposed(&self) -> Mask {
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
