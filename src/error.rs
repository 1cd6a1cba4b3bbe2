//! The library's one error type. Every variant names what failed and where, so a batch run can
//! write it to `errors.jsonl` as is and go on with the next file.

use std::path::PathBuf;

/// Pipeline stage an error came from (written to `errors.jsonl` as `stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Input,
    Render,
    Preprocess,
    Grid,
    Ocr,
    Table,
    Extract,
    Emit,
    Config,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        f.write_str(&s)
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
