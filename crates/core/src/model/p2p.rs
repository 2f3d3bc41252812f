//! vLLM P2P NCCL connector logs (spec 003): the lines formats read ([`P2pLog`] of
//! [`P2pEvent`]s) and the timeline the analysis builds from one directory of them
//! ([`P2pAnalysis`]: lanes, connections, typed [`P2pFinding`]s, kv_cache warnings).

use serde::{Deserialize, Serialize};

use super::diagnostics::Severity;

/// What a P2P line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum P2pKind {
    /// 💯 `P2pNcclEngine init, rank:…, zmq_address:…, send_type:…`.
    EngineInit,
    /// 🤝 `ncclCommInitRank Success, A👉B, MyRank:R`.
    CommSuccess,
    /// 🔍 `[Rank N] location | k=v, …`.
    Breakpoint,
    /// 🚨 `[Rank N] message`.
    Critical,
    /// 🚧 `kv_cache does not match, block_ids:…, num_block:…, request_id:…`.
    KvMismatch,
    /// 🚧 `kv_cache is None, <request id>`.
    KvNone,
    /// Another WARNING line of the P2P connector or engine.
    Warning,
    /// An ERROR line of the P2P connector or engine.
    Error,
}

/// One P2P line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct P2pEvent {
    /// 1-based line in the file.
    pub line: u64,
    /// Seconds since the start of the (unstated) year: logs carry `MM-DD HH:MM:SS` only.
    pub t_s: Option<f64>,
    pub level: String,
    /// `[file.py:line]` of the log call, when printed.
    pub source: String,
    pub kind: P2pKind,
    /// `[Rank N]` of breakpoints and criticals, `rank:` of engine init, `MyRank:` of success.
    pub rank: Option<u32>,
    /// Process id of a `(… pid=N)` or `(pid=N)` prefix: lines without a rank get the rank of
    /// their process.
    #[serde(default)]
    pub pid: Option<u32>,
    /// Breakpoint location, or the message's gist for other kinds.
    pub location: String,
    /// `k=v` / `k:v` pairs of the message (engine init, breakpoints, success, kv warnings).
    pub details: Vec<(String, String)>,
}

impl P2pEvent {
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.details
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The P2P lines of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct P2pLog {
    pub path: String,
    pub lines: u64,
    pub events: Vec<P2pEvent>,
}
/// Which side of disaggregation a lane is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Prefill,
    Decode,
    Unknown,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Prefill => "prefill",
            Role::Decode => "decode",
            Role::Unknown => "role unknown",
        }
    }
}

/// One engine rank in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    pub name: String,
    pub file: String,
    pub rank: Option<u32>,
    pub role: Role,
    /// Its ZMQ address (from engine init, the ZMQ breakpoint or a 🤝 line).
    pub address: Option<String>,
    pub first_s: Option<f64>,
    pub last_s: Option<f64>,
    /// Index into [`P2pAnalysis::events`] of its last event.
    pub last_event: Option<usize>,
    pub events: usize,
}

/// One event on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub lane: usize,
    /// Seconds from the first timestamp of the directory's logs.
    pub t_s: Option<f64>,
    pub kind: P2pKind,
    pub label: String,
    pub file: String,
    pub line: u64,
}

/// One side of a connection attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub lane: usize,
    /// The address this side connects to (or was contacted from).
    pub remote: String,
    /// `create_connect START` (sender) or `Received NEW command` (receiver).
    pub start_s: Option<f64>,
    /// Called `ncclCommInitRank` (the blocking call).
    pub enter_s: Option<f64>,
    pub success_s: Option<f64>,
    pub file: String,
    /// Last line that concerned this side.
    pub last_line: u64,
}

impl Side {
    pub fn duration_s(&self) -> Option<f64> {
        Some(self.success_s? - self.start_s.or(self.enter_s)?)
    }
}

/// A connection between a sending (prefill) and a receiving (decode) rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub sender: Option<Side>,
    pub receiver: Option<Side>,
    pub sender_address: Option<String>,
    pub receiver_address: Option<String>,
    /// `ncclCommInitRank` returned on at least one side (it returns on both or neither).
    pub complete: bool,
    /// From the first start to the last success.
    pub duration_s: Option<f64>,
}

/// Something a person debugging the connector should look at, where it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct P2pFinding {
    pub kind: P2pFindingKind,
    pub file: String,
    pub line: Option<u64>,
}

/// What a [`P2pFinding`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum P2pFindingKind {
    /// A connection from `from` to `target` never completed; `lane` is the side with a log.
    IncompleteConnection {
        from: String,
        target: String,
        lane: String,
        stall: Stall,
        other: OtherSide,
    },
    /// An ERROR line of the connector or engine.
    EngineError { label: String },
    /// kv_cache warnings of one request.
    KvCacheWarnings {
        request_id: String,
        mismatches: u64,
        none: u64,
    },
    /// The first connection succeeded `after_s` seconds after the first engine init.
    FirstConnection { after_s: f64 },
    /// Connections were attempted and none completed.
    NoConnectionCompleted,
    /// Where a lane's log stops: its last event.
    LaneStopped {
        lane: String,
        t_s: Option<f64>,
        label: String,
    },
}

/// Where the side with a log stalled in an incomplete connection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stall", rename_all = "snake_case")]
pub enum Stall {
    /// Entered `ncclCommInitRank` (which blocks until both sides call it) and never returned.
    InInit { at_s: f64 },
    /// Started the connection and never reached `ncclCommInitRank`.
    BeforeInit { at_s: f64 },
    /// Began a connection that never completed (no timestamps).
    Unknown,
}

/// What is known of the other side of an incomplete connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "other", rename_all = "snake_case")]
pub enum OtherSide {
    /// The other side entered `ncclCommInitRank` too: both sides blocked.
    AlsoBlocked { lane: String, at_s: Option<f64> },
    /// The other side received the request but never called `ncclCommInitRank`.
    NeverCalledInit { lane: String },
    /// No log of the other side is loaded.
    NoLog { address: String },
    /// The other side's log is loaded but it never received the NEW command.
    NeverReceived { address: String },
    /// Nothing is known (the side with a log is the receiver).
    Unknown,
}

impl P2pFinding {
    pub fn severity(&self) -> Severity {
        match self.kind {
            P2pFindingKind::IncompleteConnection { .. } | P2pFindingKind::EngineError { .. } => {
                Severity::Error
            }
            P2pFindingKind::KvCacheWarnings { .. } | P2pFindingKind::NoConnectionCompleted => {
                Severity::Warning
            }
            P2pFindingKind::FirstConnection { .. } | P2pFindingKind::LaneStopped { .. } => {
                Severity::Info
            }
        }
    }
}

/// `t=1.5 s`, or `an unknown time`.
fn secs(t: Option<f64>) -> String {
    t.filter(|t| t.is_finite())
        .map(|t| format!("t={t:.1} s"))
        .unwrap_or_else(|| "an unknown time".into())
}

impl std::fmt::Display for P2pFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            P2pFindingKind::IncompleteConnection {
                from,
                target,
                lane,
                stall,
                other,
            } => {
                write!(f, "Connection {from} → {target} incomplete: {lane} ")?;
                match stall {
                    Stall::InInit { at_s } => write!(
                        f,
                        "entered ncclCommInitRank at {} and never returned",
                        secs(Some(*at_s))
                    )?,
                    Stall::BeforeInit { at_s } => write!(
                        f,
                        "started the connection at {} and never reached ncclCommInitRank",
                        secs(Some(*at_s))
                    )?,
                    Stall::Unknown => f.write_str("began a connection that never completed")?,
                }
                match other {
                    OtherSide::AlsoBlocked { lane, at_s } => write!(
                        f,
                        "; {lane} entered it too at {} — both sides blocked",
                        secs(*at_s)
                    )?,
                    OtherSide::NeverCalledInit { lane } => write!(
                        f,
                        "; {lane} received the request but never called ncclCommInitRank (it blocks until both sides call it)"
                    )?,
                    OtherSide::NoLog { address } => write!(
                        f,
                        "; no log of the other side ({address}) is loaded — it never started, or its log was not dropped"
                    )?,
                    OtherSide::NeverReceived { address } => write!(
                        f,
                        "; the other side ({address}) never received the NEW command, so it never called ncclCommInitRank"
                    )?,
                    OtherSide::Unknown => {}
                }
                f.write_str(".")
            }
            P2pFindingKind::EngineError { label } => write!(f, "error: {label}"),
            P2pFindingKind::KvCacheWarnings {
                request_id,
                mismatches,
                none,
            } => {
                let mut parts = Vec::new();
                if *mismatches > 0 {
                    parts.push(format!("{mismatches} kv_cache mismatch warning(s)"));
                }
                if *none > 0 {
                    parts.push(format!("{none} kv_cache is None warning(s)"));
                }
                write!(f, "Request {request_id}: {}.", parts.join(" and "))
            }
            P2pFindingKind::FirstConnection { after_s } => write!(
                f,
                "First successful connection {after_s:.1} s after the first engine init."
            ),
            P2pFindingKind::NoConnectionCompleted => f.write_str("No connection ever completed."),
            P2pFindingKind::LaneStopped { lane, t_s, label } => {
                write!(f, "{lane} stopped at {}: {label}", secs(*t_s))
            }
        }
    }
}

/// kv_cache warnings of one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KvWarning {
    pub request_id: String,
    pub mismatches: u64,
    pub none: u64,
    pub file: String,
    pub line: u64,
}

/// Everything derived from the P2P logs of one directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct P2pAnalysis {
    pub dir: String,
    pub files: Vec<String>,
    /// `MM-DD HH:MM:SS` of time zero, as the logs print it.
    pub start_label: Option<String>,
    pub lanes: Vec<Lane>,
    pub events: Vec<TimelineEvent>,
    pub connections: Vec<Connection>,
    pub findings: Vec<P2pFinding>,
    pub kv_warnings: Vec<KvWarning>,
    /// From the first engine init to the first successful connection.
    pub time_to_first_connection_s: Option<f64>,
}
