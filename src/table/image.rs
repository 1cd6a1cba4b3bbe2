//! A scanned page (raster) → `ir::Page`: preprocess, grid, OCR of every cell and of the lines
//! outside tables, boxes mapped back to the original page.
//!
//! STUB: signature is the contract; body is being written (issue 3).

use crate::config::Config;
use crate::error::Result;
use crate::ir::{Page, PageSource};
use crate::ocr::OcrEngine;
use crate::render::PageRaster;

/// Reads page `number` (1-based) of a scan.
pub fn read_scanned_page(
    raster: &PageRaster,
    number: u32,
    engine: &mut dyn OcrEngine,
    cfg: &Config,
) -> Result<Page> {
    let _ = (engine, cfg);
    let mut page = Page {
        number,
        ..Page::default()
    };
    page.info.source = PageSource::Scan;
    page.info.width_px = Some(raster.image.width());
    page.info.height_px = Some(raster.image.height());
    Ok(page)
}
