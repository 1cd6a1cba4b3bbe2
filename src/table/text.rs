//! OCR'd text input (`../shared/seeds/*.txt` format) → pages of lines and tables.
//!
//! STUB: being written (issue 2).

use crate::ir::Page;

/// Reads a whole text file into pages.
pub fn read_text(text: &str) -> Vec<Page> {
    let _ = text;
    Vec::new()
}
