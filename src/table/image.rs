//! A scanned page (raster) → `ir::Page`: preprocess, grid, OCR of every cell and of the lines
//! outside tables, boxes mapped back to the original page.
//!
//! STUB: being written (issue 3).
