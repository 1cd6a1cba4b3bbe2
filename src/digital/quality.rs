//! Whether a page's text layer can be trusted, from counts gathered while reading it.
//!
//! A layer is refused when its characters are not real text (unmapped CID glyphs come out as
//! private-use or replacement characters, or as control codes), or when it does not describe
//! the ink: an invisible OCR layer over a scan, a scanned image with a stray header, outlined
//! glyphs drawn as paths with no characters at all.

/// What was counted on one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerStats {
    /// Characters the PDF holds (pdfium-generated spaces and line breaks excluded).
    pub chars: usize,
    /// Of those: private-use, U+FFFD, U+0000 or control characters, or no unicode at all.
    pub unmapped: usize,
    /// Of those: drawn invisibly (render mode 3, white fill, or painted before an opaque
    /// page-filling image).
    pub invisible: usize,
    /// Fraction of the page area covered by images (each clipped to the page; overlaps may
    /// double-count, capped at 1).
    pub image_cover: f32,
    /// Visible characters whose centre lies over an image.
    pub chars_over_images: usize,
    /// Path segments drawn on the page (outlined text has thousands).
    pub path_segments: usize,
}

/// The verdict for one page.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The text layer describes the page (possibly an empty page).
    TextLayer,
    /// The page must be OCR'd; the reason says why, for `pages.jsonl`.
    NeedsOcr(String),
}

/// A character that says the font had no usable unicode mapping.
pub fn is_unmapped(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => {
            let u = c as u32;
            u == 0
                || u == 0xFFFD
                || (0xE000..=0xF8FF).contains(&u)
                || (0xF0000..=0x10FFFF).contains(&u)
                || (c.is_control() && !c.is_whitespace())
        }
    }
}

pub fn verdict(s: &LayerStats) -> Verdict {
    let visible = s.chars.saturating_sub(s.invisible);
    if s.chars == 0 {
        if s.image_cover > 0.1 {
            return Verdict::NeedsOcr(format!(
                "no text layer; images cover {:.0}% of the page",
                s.image_cover * 100.0
            ));
        }
        if s.path_segments > 2000 {
            return Verdict::NeedsOcr(format!(
                "no text layer; {} drawn path segments (outlined text?)",
                s.path_segments
            ));
        }
        return Verdict::TextLayer;
    }
    // Glyphs drawn as outlines next to a stray page number or header.
    if visible < 20 && s.path_segments > 2000 {
        return Verdict::NeedsOcr(format!(
            "only {visible} characters but {} drawn path segments (outlined text?)",
            s.path_segments
        ));
    }
    if s.unmapped >= 3 && s.unmapped as f32 > 0.05 * s.chars as f32 {
        return Verdict::NeedsOcr(format!(
            "{} of {} characters have no unicode mapping (private-use/replacement/control)",
            s.unmapped, s.chars
        ));
    }
    if s.invisible as f32 > 0.5 * s.chars as f32 {
        return Verdict::NeedsOcr(format!(
            "{} of {} characters are invisible or hidden under an image (an OCR layer?)",
            s.invisible, s.chars
        ));
    }
    // A page-filling picture with few characters on it is a scan with a stamp, header or
    // page number added; a sizeable picture with next to no text is too. Either way the
    // characters do not describe the ink. (A decorated cover — picture plus a title — is not.)
    if (s.image_cover > 0.85 && s.chars_over_images < 40) || (s.image_cover > 0.3 && visible < 10) {
        return Verdict::NeedsOcr(format!(
            "images cover {:.0}% of the page but only {} of {visible} visible characters lie on them",
            s.image_cover * 100.0,
            s.chars_over_images
        ));
    }
    // A large picture with no text on it — a scanned table pasted into a typed report —
    // holds content only OCR can read; the whole page goes there.
    if s.image_cover > 0.4 && s.chars_over_images < 5 {
        return Verdict::NeedsOcr(format!(
            "images cover {:.0}% of the page and carry no text layer",
            s.image_cover * 100.0
        ));
    }
    Verdict::TextLayer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(chars: usize) -> LayerStats {
        LayerStats {
            chars,
            ..Default::default()
        }
    }

    #[test]
    fn sound_layer_is_used() {
        assert_eq!(verdict(&stats(500)), Verdict::TextLayer);
        // A blank page is read (as nothing), not sent to OCR.
        assert_eq!(verdict(&stats(0)), Verdict::TextLayer);
    }

    #[test]
    fn private_use_glyphs_need_ocr() {
        let s = LayerStats {
            unmapped: 120,
            ..stats(400)
        };
        assert!(matches!(verdict(&s), Verdict::NeedsOcr(r) if r.contains("unicode")));
        // A stray symbol or two is tolerated.
        let s = LayerStats {
            unmapped: 2,
            ..stats(400)
        };
        assert_eq!(verdict(&s), Verdict::TextLayer);
        assert!(is_unmapped(Some('\u{E123}')));
        assert!(is_unmapped(Some('\u{FFFD}')));
        assert!(is_unmapped(None));
        assert!(!is_unmapped(Some('预')));
        assert!(!is_unmapped(Some('≥')));
    }

    #[test]
    fn scans_need_ocr() {
        let scan = LayerStats {
            image_cover: 0.95,
            ..stats(0)
        };
        assert!(matches!(verdict(&scan), Verdict::NeedsOcr(_)));
        let stamped = LayerStats {
            image_cover: 0.95,
            ..stats(6)
        };
        assert!(matches!(verdict(&stamped), Verdict::NeedsOcr(_)));
        let ocr_layer = LayerStats {
            image_cover: 0.95,
            invisible: 800,
            ..stats(800)
        };
        assert!(matches!(verdict(&ocr_layer), Verdict::NeedsOcr(r) if r.contains("invisible")));
        let outlined = LayerStats {
            path_segments: 30_000,
            ..stats(0)
        };
        assert!(matches!(verdict(&outlined), Verdict::NeedsOcr(_)));
        let outlined_with_folio = LayerStats {
            path_segments: 30_000,
            ..stats(3)
        };
        assert!(matches!(
            verdict(&outlined_with_folio),
            Verdict::NeedsOcr(_)
        ));
        // A cover: a decorative picture under a printed title.
        let cover = LayerStats {
            image_cover: 0.54,
            chars_over_images: 17,
            ..stats(17)
        };
        assert_eq!(verdict(&cover), Verdict::TextLayer);
        // A typed page with a pasted scan of a table half a page high.
        let pasted = LayerStats {
            image_cover: 0.45,
            ..stats(400)
        };
        assert!(matches!(verdict(&pasted), Verdict::NeedsOcr(_)));
        // A logo beside real text does not.
        let logo = LayerStats {
            image_cover: 0.05,
            ..stats(400)
        };
        assert_eq!(verdict(&logo), Verdict::TextLayer);
        // A page with a picture and real text keeps its text layer.
        let figure = LayerStats {
            image_cover: 0.6,
            chars_over_images: 250,
            ..stats(300)
        };
        assert_eq!(verdict(&figure), Verdict::TextLayer);
    }
}
