//! PDF and image input → page rasters: the embedded JPEG taken straight out of the PDF where a
//! page is one image (honouring /Rotate), pdfium rendering otherwise.
//!
//! STUB: signatures are the contract; bodies are being written (issue 3).

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result, Stage};

/// One page as pixels, upright (after /Rotate), exactly as the PDF shows it.
#[derive(Debug, Clone)]
pub struct PageRaster {
    pub image: image::RgbImage,
    pub dpi: Option<f32>,
    /// Milliseconds spent decoding or rendering.
    pub ms: u64,
    /// True when the pixels came from an embedded JPEG (no rendering).
    pub from_jpeg: bool,
}

/// An opened PDF, shared read-only by the workers that process its pages.
pub struct PdfFile {
    path: PathBuf,
    n_pages: u32,
}

impl PdfFile {
    /// Parses the PDF's structure (no page is decoded yet). Errors name the file.
    pub fn open(path: &Path, bytes: &[u8], cfg: &Config) -> Result<PdfFile> {
        let _ = (bytes, cfg);
        Err(Error::bad_input(
            path,
            None,
            Stage::Render,
            "PDF input not implemented yet",
        ))
    }

    pub fn n_pages(&self) -> u32 {
        self.n_pages
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Page `n` (1-based) as pixels.
    pub fn page_raster(&self, n: u32, cfg: &Config) -> Result<PageRaster> {
        let _ = cfg;
        Err(Error::bad_input(
            &self.path,
            Some(n),
            Stage::Render,
            "not implemented",
        ))
    }
}

/// A JPEG/PNG/TIFF file as one page. Refuses absurd sizes before decoding.
pub fn load_image(path: &Path, bytes: &[u8], cfg: &Config) -> Result<PageRaster> {
    let _ = (bytes, cfg);
    Err(Error::bad_input(
        path,
        Some(1),
        Stage::Render,
        "image input not implemented yet",
    ))
}
