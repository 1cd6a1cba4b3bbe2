//! The library's one error type. Every variant names what failed and where, so a batch run can
//! write it to `errors.jsonl` as is and go on with the next file.

use std::path::PathBuf;

/// Pipeline stage an error came from (written to `errors.jsonl` as `stage`). The one place a
/// stage is named: error lines, panics caught by the batch driver and page failures all take
/// their stage from here, so `errors.jsonl` can only hold the names the README lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Input,
    Render,
    /// Reading a PDF's text layer (born-digital pages).
    Digital,
    Preprocess,
    Grid,
    Ocr,
    Table,
    Extract,
    /// Completing clipped names across the whole run.
    Repair,
    /// Arithmetic checks on the records.
    Check,
    /// Budget tables typed into lines and reconciled.
    Budget,
    Emit,
    Config,
}

impl Stage {
    /// Every stage, in pipeline order (for docs and tests).
    pub const ALL: [Stage; 13] = [
        Stage::Input,
        Stage::Render,
        Stage::Digital,
        Stage::Preprocess,
        Stage::Grid,
        Stage::Ocr,
        Stage::Table,
        Stage::Extract,
        Stage::Repair,
        Stage::Check,
        Stage::Budget,
        Stage::Emit,
        Stage::Config,
    ];

    /// The stage's schema name (as in `errors.jsonl`); the same as its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Input => "input",
            Stage::Render => "render",
            Stage::Digital => "digital",
            Stage::Preprocess => "preprocess",
            Stage::Grid => "grid",
            Stage::Ocr => "ocr",
            Stage::Table => "table",
            Stage::Extract => "extract",
            Stage::Repair => "repair",
            Stage::Check => "check",
            Stage::Budget => "budget",
            Stage::Emit => "emit",
            Stage::Config => "config",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not what its name or content claims, or is damaged.
    #[error("{path}{}: {stage}: {reason}", page.map(|p| format!(" page {p}")).unwrap_or_default())]
    BadInput {
        path: PathBuf,
        page: Option<u32>,
        stage: Stage,
        reason: String,
    },
    /// Refused before decoding because it exceeds a configured limit (pixels, pages, bytes).
    #[error("{path}{}: refused: {reason}", page.map(|p| format!(" page {p}")).unwrap_or_default())]
    Limit {
        path: PathBuf,
        page: Option<u32>,
        reason: String,
    },
    #[error("OCR engine {engine}: {reason}")]
    Engine { engine: String, reason: String },
    #[error("configuration: {0}")]
    Config(String),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn bad_input(
        path: impl Into<PathBuf>,
        page: Option<u32>,
        stage: Stage,
        reason: impl Into<String>,
    ) -> Self {
        Error::BadInput {
            path: path.into(),
            page,
            stage,
            reason: reason.into(),
        }
    }

    /// The page the error concerns, if any (1-based).
    pub fn page(&self) -> Option<u32> {
        match self {
            Error::BadInput { page, .. } | Error::Limit { page, .. } => *page,
            _ => None,
        }
    }

    pub fn stage(&self) -> Stage {
        match self {
            Error::BadInput { stage, .. } => *stage,
            Error::Limit { .. } | Error::Io { .. } => Stage::Input,
            Error::Engine { .. } => Stage::Ocr,
            Error::Config(_) => Stage::Config,
            Error::Other(_) => Stage::Extract,
        }
    }
}

/// Runs one stage's `f`; a panic in it becomes an error of that `stage` (reason "internal error
/// (panic): …"). A caller that runs several stages in one call (a scanned page is prepared,
/// gridded and read in one) guards each, so the error line names the stage with the bug rather
/// than the caller's.
pub fn catch_stage<T>(page: Option<u32>, stage: Stage, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = panic_message(p.as_ref());
        Err(Error::bad_input(
            PathBuf::new(),
            page,
            stage,
            format!("internal error (panic): {msg}"),
        ))
    })
}

/// The message a panic was raised with, if it was a string.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::{catch_stage, Error, Stage};

    #[test]
    fn a_panic_in_a_guarded_stage_is_an_error_of_that_stage() {
        let r: super::Result<u8> = catch_stage(Some(3), Stage::Grid, || panic!("index {}", 7));
        match r {
            Err(e @ Error::BadInput { .. }) => {
                assert_eq!(e.stage(), Stage::Grid);
                assert_eq!(e.page(), Some(3));
                assert!(
                    e.to_string().contains("internal error (panic): index 7"),
                    "{e}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(catch_stage(None, Stage::Preprocess, || Ok(5)).unwrap(), 5);
    }

    #[test]
    fn a_stage_name_is_its_serde_name_and_round_trips() {
        for st in Stage::ALL {
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
            assert_eq!(serde_json::from_str::<Stage>(&json).unwrap(), st);
            assert_eq!(st.to_string(), st.as_str());
        }
    }

    #[test]
    fn the_readme_lists_every_stage_an_error_can_name() {
        let readme = include_str!("../README.md");
        let at = readme.find("`stage` is one of").expect("README stage list");
        let rest = &readme[at..];
        let list = &rest[..rest.find(')').expect("end of the stage list")];
        let names: Vec<&str> = list
            .split(|c: char| !c.is_ascii_lowercase() && c != '_')
            .collect();
        for st in Stage::ALL {
            assert!(names.contains(&st.as_str()), "README lacks stage {st}");
        }
    }
}
