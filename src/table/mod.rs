//! The `table` stage: cell text into `ir::Table`s. `text` reads OCR'd text files (rows = lines,
//! cells = tabs); `image` assembles grid cells and OCR results of a scanned page.

pub mod image;
pub mod text;
