//! Born-digital pages: the PDF's own text layer (characters with positions from pdfium) placed
//! into cells bounded by the page's drawn ruling lines, instead of OCR.
//!
//! STUB: being written (issue 5).
