//! Clipped-name repair across a run (twin in the other period, same indicator elsewhere in the
//! document, the run's corpus, canonical level names). Never invents characters.
//!
//! STUB: being written (issue 2).

use crate::model::Record;

pub fn repair_run(records: &mut [Record]) {
    let _ = records;
}
