//! Diagnostics: what went wrong or was not understood, always tied to a file (and line when
//! one applies). Formats return [`FormatError`]; ingestion turns every error into a
//! [`Diagnostic`] so one bad file never aborts a load.

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is for the person reading the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Data was lost: a file or archive could not be read.
    Error,
    /// Data was read but something about it is suspicious or incomplete.
    Warning,
    /// Worth knowing, nothing lost.
    Info,
}

/// One problem report, naming the file it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path of the file inside the dropped tree (archive members as `archive.tar.gz/inner/path`).
    pub file: String,
    /// 1-based line number when the problem is on one line.
    pub line: Option<u64>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            message: message.into(),
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            file: file.into(),
            line: None,
            message: message.into(),
        }
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        match self.line {
            Some(line) => write!(f, "{sev}: {}:{line}: {}", self.file, self.message),
            None => write!(f, "{sev}: {}: {}", self.file, self.message),
        }
    }
}

/// Why a format could not turn a file into records.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("expected {expected}, found {found}")]
    Shape {
        expected: &'static str,
        found: String,
    },
    #[error("file is empty")]
    Empty,
}

impl FormatError {
    /// Line number the error points at, if any.
    pub fn line(&self) -> Option<u64> {
        match self {
            FormatError::Json { line, .. } if *line > 0 => Some(*line as u64),
            _ => None,
        }
    }
}

impl From<serde_json::Error> for FormatError {
    fn from(e: serde_json::Error) -> Self {
        let message = e.to_string();
        // serde_json appends " at line L column C"; keep only the reason.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        FormatError::Json {
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

/// Why an input (a dropped file or archive) could not be expanded.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("corrupt or truncated {kind} archive: {reason}")]
    CorruptArchive { kind: &'static str, reason: String },
    #[error("read failed: {0}")]
    Io(String),
}
