//! PDF and image input → page rasters: the embedded JPEG taken straight out of the PDF where a
//! page is one image, pdfium rendering otherwise.
//!
//! STUB: being written (issue 3).
