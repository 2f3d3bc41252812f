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
    /// The bound on hostile or pathological input that was reached, when that is what this
    /// diagnostic reports (what came before the limit was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<InputLimit>,
}

/// A bound on input size or shape that a file reached; the part before it was kept. Each limit
/// is a named constant of the module that enforces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "limit", rename_all = "snake_case")]
pub enum InputLimit {
    /// A worker log named more distinct fields than `max`; `dropped_values` values of further
    /// names were counted, not kept as columns.
    FieldNames { max: usize, dropped_values: u64 },
    /// `lines` sample lines held more than `max` fields; the fields after the first `max` of each
    /// were counted (`dropped`), not kept.
    FieldsPerSample {
        max: usize,
        lines: u64,
        dropped: u64,
    },
    /// `lines` lines were longer than `max` bytes; each was cut there.
    LineLength { max: usize, lines: u64 },
    /// `commands` launch commands continued (lines ending in a backslash) past `max` bytes
    /// ended there.
    CommandLength { max: usize, commands: u64 },
    /// JSON nested deeper than `max` levels.
    JsonDepth { max: usize },
    /// The file is text in an encoding other than UTF-8, decoded before parsing (`UTF-16LE`).
    Encoding { encoding: String },
}

impl std::fmt::Display for InputLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputLimit::FieldNames {
                max,
                dropped_values,
            } => write!(
                f,
                "more than {max} distinct field names: {dropped_values} values of further names counted, not kept"
            ),
            InputLimit::FieldsPerSample { max, lines, dropped } => write!(
                f,
                "{lines} lines hold more than {max} fields each: {dropped} further fields skipped"
            ),
            InputLimit::LineLength { max, lines } => {
                write!(f, "{lines} lines longer than {max} bytes were cut there")
            }
            InputLimit::CommandLength { max, commands } => write!(
                f,
                "{commands} launch commands continued past {max} bytes were ended there"
            ),
            InputLimit::JsonDepth { max } => {
                write!(f, "JSON nested deeper than {max} levels")
            }
            InputLimit::Encoding { encoding } => {
                write!(f, "file is {encoding} text, decoded to UTF-8 before reading")
            }
        }
    }
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            message: message.into(),
            limit: None,
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            file: file.into(),
            line: None,
            message: message.into(),
            limit: None,
        }
    }

    /// A limit reached in `file` (a warning: what came before it was kept); the message is the
    /// limit's own sentence.
    pub fn limit(file: impl Into<String>, limit: InputLimit) -> Self {
        let mut d = Self::warning(file, limit.to_string());
        d.limit = Some(limit);
        d
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
    /// The file's name made a format claim it, but it holds nothing that format reads (a
    /// `*bench*.log` with no result table): listed as unrecognized with this reason, not an error.
    #[error("{0}")]
    NothingToRead(&'static str),
    /// A bound on hostile input was reached before anything could be read (`line` 0: none).
    #[error("{limit}")]
    Limit { limit: InputLimit, line: usize },
}

/// Deepest JSON nesting read: serde_json's own recursion limit, reported as
/// [`InputLimit::JsonDepth`] rather than as invalid JSON.
pub const MAX_JSON_DEPTH: usize = 128;

impl FormatError {
    /// Line number the error points at, if any.
    pub fn line(&self) -> Option<u64> {
        match self {
            FormatError::Json { line, .. } | FormatError::Limit { line, .. } if *line > 0 => {
                Some(*line as u64)
            }
            _ => None,
        }
    }
}

impl From<serde_json::Error> for FormatError {
    fn from(e: serde_json::Error) -> Self {
        let message = e.to_string();
        if message.starts_with("recursion limit exceeded") {
            return FormatError::Limit {
                limit: InputLimit::JsonDepth {
                    max: MAX_JSON_DEPTH,
                },
                line: e.line(),
            };
        }
        // serde_json appends " at line L column C"; keep only the reason.
        let message = match message.rfind(" at line ") {
            Some(i) => message.get(..i).unwrap_or("").to_string(),
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
