//! The one binding to libpdfium (shipped in the `pypdfium2` wheel, fetched into `models/`).
//!
//! Bound once per process and shared read-only: pdfium is not re-entrant, and pdfium-render's
//! `thread_safe` feature serialises calls into it.

use std::path::Path;
use std::sync::OnceLock;

use pdfium_render::prelude::Pdfium;

use crate::error::{Error, Result};

static PDFIUM: OnceLock<std::result::Result<Pdfium, String>> = OnceLock::new();

/// The process's pdfium, bound on first use to `models_dir/libpdfium.so`.
pub fn pdfium(models_dir: &Path) -> Result<&'static Pdfium> {
    PDFIUM
        .get_or_init(|| {
            let lib = models_dir.join("libpdfium.so");
            Pdfium::bind_to_library(&lib).map(Pdfium::new).map_err(|e| {
                format!(
                    "cannot load {}: {e} (run scripts/fetch-models.sh)",
                    lib.display()
                )
            })
        })
        .as_ref()
        .map_err(|e| Error::Engine {
            engine: "pdfium".into(),
            reason: e.clone(),
        })
}
