//! vLLM P2P NCCL connector logs (spec 003): lines `LEVEL MM-DD HH:MM:SS [file.py:line] message`
//! whose messages carry the engine's emoji markers — 💯 engine init, 🤝 `ncclCommInitRank
//! Success` (👉 sending side, 👈 receiving side), 🔍 `[Rank N] location | k=v, …` debug
//! breakpoints, 🚨 critical, 🚧 kv_cache warnings. Any prefix before the level (`(pid)`,
//! `(EngineCore_DP0 pid=N)`, a container timestamp, ANSI colour) is skipped.
//!
//! Such a file is usually a whole vLLM server log too: this is a line extractor, so it shares
//! the one pass over the file with the worker-log extractor (engine stats are kept) instead of
//! wrapping it.

use super::{Format, LineExtractor, Reader, Record};
use crate::model::{FormatError, P2pEvent, P2pKind, P2pLog};
use crate::text::ansi::strip_ansi_str;
use crate::text::contains;
use crate::text::pairs::message_pairs;
use crate::text::time::month_day_time;

pub struct P2pNcclLog;

/// Head markers of a P2P NCCL (or P2P-configured vLLM) log.
const SNIFF_MARKERS: &[&[u8]] = &[
    b"P2pNcclEngine",
    b"P2pNcclConnector",
    b"ncclCommInitRank",
    b"p2p_nccl",
    "🔍 [Rank".as_bytes(),
];

impl Format for P2pNcclLog {
    fn name(&self) -> &'static str {
        "vllm-p2p-nccl-log"
    }

    fn describes(&self) -> &'static str {
        "vLLM P2P NCCL connector lines in vLLM logs (engine init, ncclCommInitRank, breakpoints, kv_cache warnings)"
    }

    /// P2P markers in the head, or any vLLM log (the engine prints its first P2P line after model
    /// loading, often past the head): sharing the worker-log pass makes that nearly free for logs
    /// without P2P lines.
    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        SNIFF_MARKERS.iter().any(|m| contains(head, m))
            || (super::worker_log::WorkerLogFormat.sniff(path, head)
                && head.windows(4).any(|w| w.eq_ignore_ascii_case(b"vllm")))
    }

    fn reader(&self, path: &str) -> Reader {
        Reader::Lines(Box::new(P2pParser::new(path)))
    }
}

/// Longest line kept; longer ones are cut (a P2P line is short).
const MAX_LINE: usize = 64 << 10;

pub struct P2pParser {
    log: P2pLog,
    source_finder: memchr::memmem::Finder<'static>,
}

impl P2pParser {
    pub fn new(path: &str) -> Self {
        Self {
            log: P2pLog {
                path: path.to_owned(),
                lines: 0,
                events: Vec::new(),
            },
            source_finder: memchr::memmem::Finder::new(b"p2p_nccl"),
        }
    }
}

impl LineExtractor for P2pParser {
    fn line(&mut self, line_no: u64, bytes: &[u8]) {
        self.log.lines = line_no;
        let bytes = &bytes[..bytes.len().min(MAX_LINE)];
        // Cheap pre-filter: every P2P line has an emoji or symbol (lead byte 0xE2 or 0xF0), or
        // names the P2P source file.
        if memchr::memchr2(0xF0, 0xE2, bytes).is_none() && self.source_finder.find(bytes).is_none()
        {
            return;
        }
        let text = String::from_utf8_lossy(bytes);
        if let Some(e) = parse_p2p_line(&text, line_no) {
            self.log.events.push(e);
        }
    }

    fn finish(self: Box<Self>, out: &mut Vec<Record>) -> Result<bool, FormatError> {
        let found = !self.log.events.is_empty();
        if found {
            out.push(Record::P2p(Box::new(self.log)));
        }
        Ok(found)
    }
}

const LEVELS: &[&str] = &["INFO", "WARNING", "ERROR", "DEBUG", "CRITICAL", "WARN"];

/// Remove ANSI colour sequences and a trailing CR.
fn clean(line: &str) -> String {
    strip_ansi_str(line.trim_end_matches(['\r', '\n']))
}

/// `(level, time, rest)` of a vLLM-formatted line, after any prefix.
fn header(line: &str) -> Option<(&'static str, f64, &str)> {
    let mut from = 0;
    while from < line.len() {
        let (at, level) = LEVELS
            .iter()
            .filter_map(|l| {
                line.get(from..)
                    .unwrap_or("")
                    .find(l)
                    .map(|i| (from + i, *l))
            })
            .min_by_key(|(i, _)| *i)?;
        let after = line.get(at + level.len()..).unwrap_or("");
        if let Some(rest) = after.strip_prefix(' ') {
            if let Some((t, used)) = month_day_time(rest.trim_start().as_bytes(), 1970) {
                let rest = rest.trim_start();
                return Some((level, t, rest.get(used..).unwrap_or("").trim_start()));
            }
        }
        from = at + level.len();
    }
    None
}

/// `[Rank N] rest` → (N, rest).
fn rank_prefix(s: &str) -> (Option<u32>, &str) {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix("[Rank ") {
        if let Some((n, rest)) = rest.split_once(']') {
            return (n.trim().parse().ok(), rest.trim_start());
        }
    }
    (None, t)
}

/// Parse one P2P line; `None` for lines that are not P2P events.
pub fn parse_p2p_line(raw: &str, line: u64) -> Option<P2pEvent> {
    let cleaned = clean(raw);
    let pid = cleaned
        .find("pid=")
        .filter(|&i| cleaned.get(..i).unwrap_or("").contains('('))
        .and_then(|i| {
            let digits: String = cleaned
                .get(i + 4..)
                .unwrap_or("")
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        });
    let (level, t_s, rest) = match header(&cleaned) {
        Some((level, t, rest)) => (level, Some(t), rest),
        None => ("", None, cleaned.trim()),
    };
    let (source, msg) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((src, msg)) if src.contains(".py") => (src.to_owned(), msg.trim()),
        _ => (String::new(), rest),
    };
    let mut e = P2pEvent {
        line,
        t_s,
        level: level.to_owned(),
        source: source.clone(),
        kind: P2pKind::Breakpoint,
        rank: None,
        pid,
        location: String::new(),
        details: Vec::new(),
    };
    if let Some(i) = msg.find("P2pNcclEngine init") {
        e.kind = P2pKind::EngineInit;
        e.location = "P2pNcclEngine init".into();
        let body = msg
            .get(i + "P2pNcclEngine init".len()..)
            .unwrap_or("")
            .trim_start_matches([',', ' ']);
        e.details = message_pairs(body, ':');
        e.rank = e.detail("rank").and_then(|r| r.parse().ok());
    } else if let Some(i) = msg.find("ncclCommInitRank Success,") {
        e.kind = P2pKind::CommSuccess;
        e.location = "ncclCommInitRank Success".into();
        let body = msg
            .get(i + "ncclCommInitRank Success,".len()..)
            .unwrap_or("");
        let (link, my_rank) = body.rsplit_once(", MyRank:").unwrap_or((body, ""));
        e.rank = my_rank.trim().parse().ok();
        let (own, remote, dir) = if let Some((a, b)) = link.split_once('👉') {
            (a, b, "send")
        } else if let Some((a, b)) = link.split_once('👈') {
            (a, b, "recv")
        } else {
            (link, "", "")
        };
        e.details = vec![
            ("own_address".into(), own.trim().into()),
            ("remote_address".into(), remote.trim().into()),
            ("direction".into(), dir.into()),
        ];
    } else if let Some(body) = msg.strip_prefix("🔍") {
        let (rank, rest) = rank_prefix(body);
        e.rank = rank;
        let (location, details) = rest.split_once(" | ").unwrap_or((rest, ""));
        e.location = location.trim().to_owned();
        e.details = message_pairs(details, '=');
    } else if let Some(body) = msg.strip_prefix("🚨") {
        e.kind = P2pKind::Critical;
        let (rank, rest) = rank_prefix(body);
        e.rank = rank;
        e.location = rest.trim().to_owned();
    } else if let Some(i) = msg.find("kv_cache does not match") {
        e.kind = P2pKind::KvMismatch;
        e.location = "kv_cache does not match".into();
        e.details = message_pairs(
            msg.get(i + "kv_cache does not match".len()..).unwrap_or(""),
            ':',
        );
    } else if let Some(i) = msg.find("kv_cache is None") {
        e.kind = P2pKind::KvNone;
        e.location = "kv_cache is None".into();
        let id = msg
            .get(i + "kv_cache is None".len()..)
            .unwrap_or("")
            .trim_start_matches([',', ' ']);
        e.details = vec![("request_id".into(), id.trim().to_owned())];
    } else {
        let p2p = source.contains("p2p_nccl")
            || ['✅', '✉', '⚠'].iter().any(|m| msg.contains(*m))
            || msg.contains("P2pNccl");
        if !p2p {
            return None;
        }
        e.kind = match level {
            "ERROR" | "CRITICAL" => P2pKind::Error,
            "WARNING" | "WARN" => P2pKind::Warning,
            _ => P2pKind::Breakpoint,
        };
        let (rank, rest) = rank_prefix(msg);
        e.rank = rank;
        e.location = rest.chars().take(300).collect();
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_of_the_spec() {
        let l = parse_p2p_line("INFO 11-01 10:30:45 [p2p_nccl_engine.py:226] 💯P2pNcclEngine init, rank:0, local_rank:0, http_address:, zmq_address:127.0.0.1:14579, proxy_address:, send_type:PUT_ASYNC, buffer_size_threshold:1000000000.00, nccl_num_channels:8", 3).unwrap();
        assert_eq!(l.kind, P2pKind::EngineInit);
        assert_eq!(l.rank, Some(0));
        assert_eq!(l.detail("zmq_address"), Some("127.0.0.1:14579"));
        assert_eq!(l.detail("send_type"), Some("PUT_ASYNC"));
        assert_eq!(l.source, "p2p_nccl_engine.py:226");
        assert_eq!(
            l.t_s,
            Some(f64::from((304 * 86_400) + 10 * 3600 + 30 * 60 + 45))
        );

        let l = parse_p2p_line("\u{1b}[1;36m(EngineCore_DP0 pid=812)\u{1b}[0;0m INFO 11-01 10:30:51 [p2p_nccl_engine.py:473] 🤝ncclCommInitRank Success, 127.0.0.1:14580👈127.0.0.1:14579, MyRank:1\r", 9).unwrap();
        assert_eq!(l.kind, P2pKind::CommSuccess);
        assert_eq!(l.rank, Some(1));
        assert_eq!(l.detail("direction"), Some("recv"));
        assert_eq!(l.detail("own_address"), Some("127.0.0.1:14580"));

        let l = parse_p2p_line("INFO 11-01 10:30:50 [p2p_nccl_engine.py:234] 🔍 [Rank 0] create_connect START | remote_address=127.0.0.1:14580, existing_comms=[a, b]", 1).unwrap();
        assert_eq!(l.kind, P2pKind::Breakpoint);
        assert_eq!(l.location, "create_connect START");
        assert_eq!(l.detail("existing_comms"), Some("[a, b]"));

        let l = parse_p2p_line("WARNING 11-01 10:30:50 [p2p_nccl_engine.py:267] 🚨 [Rank 0] ENTERING ncclCommInitRank - This will block until decode side also calls it!", 1).unwrap();
        assert_eq!((l.kind, l.rank), (P2pKind::Critical, Some(0)));

        let l = parse_p2p_line("WARNING 11-01 10:31:02 [p2p_nccl_connector.py:210] 🚧kv_cache does not match, block_ids:12, num_block:10, request_id:cmpl-7", 1).unwrap();
        assert_eq!(l.kind, P2pKind::KvMismatch);
        assert_eq!(l.detail("request_id"), Some("cmpl-7"));
        let l = parse_p2p_line(
            "WARNING 11-01 10:31:02 [p2p_nccl_connector.py:215] 🚧kv_cache is None, cmpl-8",
            1,
        )
        .unwrap();
        assert_eq!(l.detail("request_id"), Some("cmpl-8"));

        assert!(
            parse_p2p_line("INFO 11-01 10:30:45 [api_server.py:1] Started server", 1).is_none()
        );
        assert!(parse_p2p_line("", 1).is_none());
        assert!(parse_p2p_line("🔍", 1).is_some());
    }
}
