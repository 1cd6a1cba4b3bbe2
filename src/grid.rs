//! Ruling-line detection and the cell graph (rows, cols, spans, pixel boxes) of each table.
//!
//! STUB: being written (issue 3).
