//! OCR behind one engine interface: PP-OCRv6 through ONNX Runtime (default) and Tesseract.
//!
//! STUB: being written (issue 3).
