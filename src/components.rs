//! 8-connected components of a binary ink mask, with their boxes: one implementation for the
//! stages that reason about blobs of ink (the line splitter's text/rule/speck sorting,
//! preprocessing's despeckle).

#[derive(Debug, Clone)]
pub struct Component {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize, // inclusive
    pub y1: usize, // inclusive
    pub area: usize,
}

impl Component {
    pub fn width(&self) -> usize {
        self.x1 - self.x0 + 1
    }
    pub fn height(&self) -> usize {
        self.y1 - self.y0 + 1
    }
    pub fn size(&self) -> usize {
        self.width().max(self.height())
    }
    pub fn touches_border(&self, w: usize, h: usize) -> bool {
        self.x0 == 0 || self.y0 == 0 || self.x1 + 1 == w || self.y1 + 1 == h
    }
}

/// 8-connected components of `ink`, and per pixel the index of its component.
pub fn components(ink: &[bool], w: usize, h: usize) -> (Vec<Component>, Vec<u32>) {
    let mut label = vec![NO_LABEL; ink.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..ink.len() {
        if !ink[start] || label[start] != NO_LABEL {
            continue;
        }
        let id = out.len() as u32;
        label[start] = id;
        stack.push(start);
        let (sx, sy) = (start % w, start / w);
        let mut c = Component {
            x0: sx,
            y0: sy,
            x1: sx,
            y1: sy,
            area: 0,
        };
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            c.area += 1;
            c.x0 = c.x0.min(x);
            c.x1 = c.x1.max(x);
            c.y0 = c.y0.min(y);
            c.y1 = c.y1.max(y);
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if ink[j] && label[j] == NO_LABEL {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        out.push(c);
    }
    (out, label)
}

pub const NO_LABEL: u32 = u32::MAX;
