//! Serialisation of results: JSON Lines (UTF-8, Chinese kept), indicators.csv.
//!
//! STUB: being written (issue 2).

use std::io::Write;

use serde::Serialize;

/// Writes one JSON object per line.
pub fn write_jsonl<W: Write, T: Serialize>(mut w: W, items: &[T]) -> std::io::Result<()> {
    for it in items {
        serde_json::to_writer(&mut w, it)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
