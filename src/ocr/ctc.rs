//! The recogniser's alphabet and greedy CTC decoding of its per-frame probabilities.

use crate::error::{Error, Result};

use super::Recognized;

/// Class index → text. Class 0 is the CTC blank; the last class may be a space.
#[derive(Debug, Clone, PartialEq)]
pub struct Charset {
    classes: Vec<String>,
}

impl Charset {
    /// Builds the class list from the model's `character` metadata: one character per line
    /// (PaddleOCR's dictionary file, without blank or space). `n_classes` is the model's output
    /// width, which says whether PaddleOCR appended a space class (`use_space_char`).
    pub fn from_metadata(dict: &str, n_classes: usize) -> Result<Self> {
        let mut classes = vec![String::new()];
        classes.extend(
            dict.strip_suffix('\n')
                .unwrap_or(dict)
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned()),
        );
        if n_classes == classes.len() + 1 {
            classes.push(" ".to_owned());
        }
        if n_classes != classes.len() {
            return Err(Error::Engine {
                engine: "ppocr".into(),
                reason: format!(
                    "model has {n_classes} output classes but its character list gives {} (+blank)",
                    classes.len() - 1
                ),
            });
        }
        Ok(Charset { classes })
    }

    pub fn len(&self) -> usize {
        self.classes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    pub fn get(&self, class: usize) -> Option<&str> {
        self.classes.get(class).map(String::as_str)
    }
}

/// Greedy CTC decode of `probs`, `t` frames × `c` classes row-major: the best class per frame,
/// repeats collapsed, blanks dropped. Confidence is the mean probability of the emitted
/// characters (taken at the first frame of each run, as PaddleOCR does); with nothing emitted it
/// is the mean probability of the blank, i.e. how sure the model is that the line is empty.
/// At most `max_chars` characters are kept.
pub fn greedy_decode(
    probs: &[f32],
    t: usize,
    c: usize,
    charset: &Charset,
    max_chars: usize,
) -> Recognized {
    let mut text = String::new();
    let (mut n, mut conf_sum, mut blank_sum) = (0usize, 0f32, 0f32);
    let mut prev = usize::MAX;
    for frame in probs.chunks_exact(c.max(1)).take(t) {
        let (best, p) = argmax(frame);
        if best == 0 {
            blank_sum += p;
        } else if best != prev && n < max_chars {
            if let Some(s) = charset.get(best) {
                text.push_str(s);
                conf_sum += p;
                n += 1;
            }
        }
        prev = best;
    }
    let conf = if n > 0 {
        conf_sum / n as f32
    } else if t > 0 {
        blank_sum / t as f32
    } else {
        0.0
    };
    Recognized {
        text,
        conf: conf.clamp(0.0, 1.0),
    }
}

/// The first index of the largest value and the value ((0, `f32::MIN`) when there is none;
/// NaN is never the largest). The recogniser gives ~18 700 classes a frame and this search ran
/// at 3.7 % of a page's CPU as an index-carrying fold; eight independent running maxima
/// compile to vector max instructions, then the first index holding the maximum is found
/// (usually at once: most frames are blank, class 0).
pub(crate) fn argmax(v: &[f32]) -> (usize, f32) {
    const LANES: usize = 8;
    let mut lanes = [f32::MIN; LANES];
    let chunks = v.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for (m, &x) in lanes.iter_mut().zip(c) {
            *m = if x > *m { x } else { *m };
        }
    }
    let mut max = f32::MIN;
    for &x in lanes.iter().chain(tail) {
        if x > max {
            max = x;
        }
    }
    match v.iter().position(|&x| x == max) {
        Some(i) => (i, max),
        None => (0, f32::MIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charset() -> Charset {
        Charset::from_metadata("a\nb\nc\n", 5).unwrap()
    }

    /// One frame per entry: (class, probability), the rest spread evenly.
    fn frames(spec: &[(usize, f32)], c: usize) -> Vec<f32> {
        let mut v = Vec::new();
        for &(k, p) in spec {
            let rest = (1.0 - p) / (c - 1) as f32;
            v.extend((0..c).map(|i| if i == k { p } else { rest }));
        }
        v
    }

    #[test]
    fn charset_adds_blank_and_space_when_the_model_has_them() {
        let cs = charset();
        assert_eq!(cs.len(), 5);
        assert_eq!(cs.get(0), Some(""));
        assert_eq!(cs.get(1), Some("a"));
        assert_eq!(cs.get(4), Some(" "));
        let no_space = Charset::from_metadata("a\nb\nc", 4).unwrap();
        assert_eq!(no_space.get(3), Some("c"));
        assert_eq!(no_space.get(4), None);
        assert!(Charset::from_metadata("a\nb\nc", 9).is_err());
        let crlf = Charset::from_metadata("≥\r\n≤", 3).unwrap();
        assert_eq!(crlf.get(1), Some("≥"));
    }

    #[test]
    fn repeats_collapse_and_blank_separates_doubles() {
        let c = 5;
        let p = frames(
            &[
                (1, 0.9),
                (1, 0.8),
                (0, 0.9),
                (1, 0.7),
                (2, 0.6),
                (2, 0.9),
                (4, 0.5),
                (3, 1.0),
            ],
            c,
        );
        let r = greedy_decode(&p, 8, c, &charset(), 100);
        assert_eq!(r.text, "aab c");
        // first frame of each run: 0.9, 0.7, 0.6, 0.5, 1.0
        assert!((r.conf - 0.74).abs() < 1e-4, "{}", r.conf);
    }

    #[test]
    fn all_blank_gives_empty_text_with_blank_confidence() {
        let p = frames(&[(0, 0.9), (0, 0.7)], 5);
        let r = greedy_decode(&p, 2, 5, &charset(), 100);
        assert_eq!(r.text, "");
        assert!((r.conf - 0.8).abs() < 1e-5);
        assert_eq!(greedy_decode(&[], 0, 5, &charset(), 100).conf, 0.0);
    }

    #[test]
    fn output_is_capped() {
        let p = frames(&[(1, 0.9), (0, 0.9), (2, 0.9), (0, 0.9), (3, 0.9)], 5);
        assert_eq!(greedy_decode(&p, 5, 5, &charset(), 2).text, "ab");
    }

    fn naive_argmax(v: &[f32]) -> (usize, f32) {
        v.iter().copied().enumerate().fold(
            (0usize, f32::MIN),
            |a, (i, p)| if p > a.1 { (i, p) } else { a },
        )
    }

    #[test]
    fn argmax_takes_the_first_of_equal_maxima_and_ignores_nan() {
        assert_eq!(argmax(&[]), (0, f32::MIN));
        assert_eq!(argmax(&[0.1, 0.5, 0.5, 0.2]), (1, 0.5));
        let mut v = vec![0.0f32; 37];
        v[36] = 0.9;
        v[3] = f32::NAN;
        assert_eq!(argmax(&v), (36, 0.9));
    }

    proptest::proptest! {
        #[test]
        fn argmax_agrees_with_the_index_carrying_fold(
            v in proptest::collection::vec(proptest::prop_oneof![0f32..1.0, proptest::strategy::Just(0.5f32)], 0..100)
        ) {
            proptest::prop_assert_eq!(argmax(&v), naive_argmax(&v));
        }
    }
}
