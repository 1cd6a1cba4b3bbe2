//! Page image clean-up before the grid: illumination flattening, deskew, perspective, red seals,
//! watermark. Every correction is recorded so boxes can be mapped back to the original page.
//!
//! STUB: being written (issue 3).
