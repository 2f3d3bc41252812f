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

/// Why an input (a dropped file or archive), or one member of it, could not be expanded. The
/// archive layer (`ingest::vfs`) reports each with the path it concerns; each hostile-input
/// guard has its own variant naming its limit.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("corrupt or truncated {kind} archive: {reason}")]
    CorruptArchive { kind: &'static str, reason: String },
    #[error("read failed: {0}")]
    Io(String),
    /// A checksum did not match, or the compressed data is corrupt: nothing read from the
    /// stream it covers is kept.
    #[error("{kind} data is corrupt or its checksum does not match ({reason}); nothing read from it is kept")]
    Checksum { kind: &'static str, reason: String },
    /// The compressed stream ends early: members read in full before the cut are kept.
    #[error("{kind} stream is truncated ({reason}); members read before the cut are kept")]
    Truncated { kind: &'static str, reason: String },
    /// The stream asks for a decoder window or dictionary over the memory allowed
    /// (`MAX_ZSTD_WINDOW_BYTES`, `MAX_XZ_MEMORY_KIB`); what was read before it is kept.
    #[error(
        "{kind} stream needs more decoder memory than allowed ({reason}); the rest is not read"
    )]
    DecoderMemory { kind: &'static str, reason: String },
    #[error("archives nested more than {limit} deep; this one is not opened")]
    NestedTooDeep { limit: usize },
    #[error("more than {limit} archive members in one input; the rest is not read")]
    TooManyEntries { limit: u64 },
    #[error(
        "member of {size} bytes or more is over the {limit}-byte limit for one member; skipped"
    )]
    MemberTooLarge { size: u64, limit: u64 },
    #[error("expands to {inflated} bytes from {compressed} compressed bytes, over {ratio} times its size: a decompression bomb? the rest is not read")]
    ExpansionRatio {
        inflated: u64,
        compressed: u64,
        ratio: u64,
    },
    #[error("zip inside an archive of {size} bytes or more is over the {limit} bytes it may be buffered to; skipped")]
    NestedZipTooLarge { size: u64, limit: u64 },
    #[error("member name is not valid UTF-8; read under this name, the invalid bytes replaced")]
    NonUtf8Name,
    #[error("member appears {count} times in the archive; only the last copy is kept")]
    DuplicateMember { count: u32 },
    #[error("the zip lists some member names more than once; one copy of each is read")]
    DuplicateZipNames,
    #[error("hard link to {target}, whose contents were not kept ({why}); not read")]
    UnresolvedHardLink { target: String, why: &'static str },
    #[error("{kind} member could not be read ({reason}); the other members are read")]
    BadMember { kind: &'static str, reason: String },
}

impl InputError {
    /// Lost data is an error; a member read under a repaired name, or a duplicate of which the
    /// last copy was kept, is a warning.
    pub fn severity(&self) -> Severity {
        match self {
            InputError::NonUtf8Name
            | InputError::DuplicateMember { .. }
            | InputError::DuplicateZipNames => Severity::Warning,
            _ => Severity::Error,
        }
    }
}
