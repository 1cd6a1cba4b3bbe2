//! Tables and lines of a document → `performance_target` records and `table` records.
//!
//! STUB: being written (issue 2).

use crate::ir::Document;
use crate::model::{Record, TableRecord};

/// What one document yields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub records: Vec<Record>,
    pub tables: Vec<TableRecord>,
}

pub fn extract_document(doc: &Document) -> Extracted {
    let _ = doc;
    Extracted::default()
}
