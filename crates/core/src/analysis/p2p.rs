//! The P2P NCCL disaggregation timeline (spec 003): the P2P lines of the logs in one directory
//! (one combined log, or separate prefill and decode logs) become lanes — one per engine rank
//! and file, its role inferred — with every event on a shared time axis, the connections
//! between ranks from `create_connect` to `ncclCommInitRank` success on both sides, and
//! findings: hangs, missing sides, where each lane stopped, time to first connection, kv_cache
//! warnings per request.

use std::collections::BTreeMap;

use crate::model::p2p::{
    Connection, KvWarning, Lane, OtherSide, P2pAnalysis, P2pEvent, P2pFinding, P2pFindingKind,
    P2pKind, P2pLog, Role, Side, Stall, TimelineEvent,
};
use crate::text::paths::file_name;
use crate::text::time::format_month_day_time;

fn file_role(path: &str) -> Role {
    let name = file_name(path).to_ascii_lowercase();
    if name.contains("prefill") {
        Role::Prefill
    } else if name.contains("decode") {
        Role::Decode
    } else {
        Role::Unknown
    }
}

/// The role an event states. Criticals name the *other* side ("block until decode side also
/// calls it"), so they state none.
fn event_role(e: &P2pEvent) -> Role {
    let loc = e.location.to_ascii_uppercase();
    if e.kind == P2pKind::Critical {
        Role::Unknown
    } else if loc.contains("PREFILL:") || e.location.contains("create_connect") {
        Role::Prefill
    } else if loc.contains("DECODE:") || loc.contains("RECEIVED NEW") {
        Role::Decode
    } else if e.kind == P2pKind::CommSuccess {
        match e.detail("direction") {
            Some("send") => Role::Prefill,
            Some("recv") => Role::Decode,
            _ => Role::Unknown,
        }
    } else {
        Role::Unknown
    }
}

fn event_label(e: &P2pEvent) -> String {
    let rank = e.rank.map(|r| format!("[Rank {r}] ")).unwrap_or_default();
    let details: Vec<String> = e
        .details
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut s = format!("{rank}{}", e.location);
    if !details.is_empty() {
        s.push_str(" | ");
        s.push_str(&details.join(", "));
    }
    s.chars().take(400).collect()
}

/// The analysis of one directory's P2P logs.
pub fn analyse(dir: &str, logs: &[&P2pLog]) -> P2pAnalysis {
    let mut a = P2pAnalysis {
        dir: dir.to_owned(),
        files: logs.iter().map(|l| l.path.clone()).collect(),
        ..Default::default()
    };
    let t0 = logs
        .iter()
        .flat_map(|l| l.events.iter().filter_map(|e| e.t_s))
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))));
    a.start_label = t0.map(format_month_day_time);
    let rel = |t: Option<f64>| Some(t? - t0?);

    // Lanes: (file, rank). Events without a rank join the file's only rank when it has one.
    let mut lane_of: BTreeMap<(String, Option<u32>), usize> = BTreeMap::new();
    for log in logs {
        let rank_of = rank_resolver(log);
        for e in &log.events {
            let rank = rank_of(e);
            let key = (log.path.clone(), rank);
            let lane = *lane_of.entry(key).or_insert_with(|| {
                a.lanes.push(Lane {
                    name: String::new(),
                    file: log.path.clone(),
                    rank,
                    role: Role::Unknown,
                    address: None,
                    first_s: None,
                    last_s: None,
                    last_event: None,
                    events: 0,
                });
                a.lanes.len() - 1
            });
            let t = rel(e.t_s);
            let l = &mut a.lanes[lane];
            l.events += 1;
            if l.role == Role::Unknown {
                l.role = event_role(e);
            }
            if l.address.is_none() {
                l.address = match e.kind {
                    P2pKind::EngineInit => e.detail("zmq_address").map(str::to_owned),
                    P2pKind::CommSuccess => e.detail("own_address").map(str::to_owned),
                    _ if e.location.contains("ZMQ address") => {
                        e.detail("zmq_address").map(str::to_owned)
                    }
                    _ => None,
                }
                .filter(|s| !s.is_empty());
            }
            if let Some(t) = t {
                l.first_s = Some(l.first_s.map_or(t, |f| f.min(t)));
                l.last_s = Some(l.last_s.map_or(t, |f| f.max(t)));
            }
            l.last_event = Some(a.events.len());
            a.events.push(TimelineEvent {
                lane,
                t_s: t,
                kind: e.kind,
                label: event_label(e),
                file: log.path.clone(),
                line: e.line,
            });
        }
    }
    for l in &mut a.lanes {
        if l.role == Role::Unknown {
            l.role = file_role(&l.file);
        }
        let file = file_name(&l.file);
        l.name = match l.rank {
            Some(r) => format!("Rank {r} · {} · {file}", l.role.label()),
            None => format!("{} · {file}", l.role.label()),
        };
    }

    // `a.events` holds every event of `logs`, in order, each with its lane.
    let event_lanes: Vec<usize> = a.events.iter().map(|e| e.lane).collect();
    a.connections = connections(logs, &event_lanes, &a.lanes, &rel);
    a.time_to_first_connection_s = {
        let init = a
            .events
            .iter()
            .filter(|e| e.kind == P2pKind::EngineInit)
            .filter_map(|e| e.t_s)
            .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))));
        let first = a
            .connections
            .iter()
            .flat_map(|c| [&c.sender, &c.receiver])
            .flatten()
            .filter_map(|s| s.success_s)
            .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))));
        first.map(|f| f - init.unwrap_or(0.0))
    };
    a.kv_warnings = kv_warnings(logs);
    a.findings = findings(&a, logs);
    a
}

/// The rank of an event: its own, else that of its process (pid), else the file's only rank.
fn rank_resolver(log: &P2pLog) -> impl Fn(&P2pEvent) -> Option<u32> {
    let mut ranks: Vec<u32> = log.events.iter().filter_map(|e| e.rank).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let only = (ranks.len() == 1).then(|| ranks[0]);
    let by_pid: BTreeMap<u32, u32> = log
        .events
        .iter()
        .filter_map(|e| Some((e.pid?, e.rank?)))
        .collect();
    move |e: &P2pEvent| {
        e.rank
            .or_else(|| e.pid.and_then(|p| by_pid.get(&p).copied()))
            .or(only)
    }
}

/// Connection sides from the events of `logs`; `event_lanes` is the lane of each event, in order.
fn connections(
    logs: &[&P2pLog],
    event_lanes: &[usize],
    lanes: &[Lane],
    rel: &dyn Fn(Option<f64>) -> Option<f64>,
) -> Vec<Connection> {
    // Sides per lane, in file order; `open[lane]` is the side a remote-less line (🚨) concerns.
    let mut senders: Vec<Side> = Vec::new();
    let mut receivers: Vec<Side> = Vec::new();
    let mut open: BTreeMap<usize, (bool, usize)> = BTreeMap::new();
    let mut event_lane = event_lanes.iter().copied();
    for log in logs {
        for e in &log.events {
            let Some(lane) = event_lane.next() else {
                break;
            };
            let t = rel(e.t_s);
            let remote = e.detail("remote_address").unwrap_or("").to_owned();
            let loc = e.location.as_str();
            let is_sender = match event_role(e) {
                Role::Prefill => true,
                Role::Decode => false,
                Role::Unknown => lanes[lane].role != Role::Decode,
            };
            let starts =
                loc.contains("create_connect START") || loc.contains("Received NEW command");
            let enters = loc.contains("About to call ncclCommInitRank")
                || (e.kind == P2pKind::Critical && loc.contains("ncclCommInitRank"));
            let succeeds =
                e.kind == P2pKind::CommSuccess || (loc.contains("ncclCommInitRank SUCCESS"));
            if !(starts || enters || succeeds) {
                continue;
            }
            let list = if is_sender {
                &mut senders
            } else {
                &mut receivers
            };
            // The side this line concerns: the open one of this lane and remote, or a new one.
            let existing = if remote.is_empty() {
                open.get(&lane)
                    .filter(|(s, _)| *s == is_sender)
                    .map(|(_, i)| *i)
            } else {
                list.iter().rposition(|s| {
                    s.lane == lane && s.remote == remote && (s.success_s.is_none() || !starts)
                })
            };
            let i = match existing {
                Some(i) if !(starts && list[i].start_s.is_some()) => i,
                _ => {
                    list.push(Side {
                        lane,
                        remote: remote.clone(),
                        start_s: None,
                        enter_s: None,
                        success_s: None,
                        file: log.path.clone(),
                        last_line: e.line,
                    });
                    list.len() - 1
                }
            };
            let side = &mut list[i];
            side.last_line = e.line;
            if side.remote.is_empty() {
                side.remote = remote;
            }
            if starts && side.start_s.is_none() {
                side.start_s = t;
            }
            if enters && side.enter_s.is_none() {
                side.enter_s = t;
            }
            if succeeds && side.success_s.is_none() {
                side.success_s = t.or(Some(f64::NAN));
            }
            open.insert(lane, (is_sender, i));
        }
    }
    let address = |lane: usize| lanes[lane].address.clone();
    let mut used = vec![false; receivers.len()];
    let mut out = Vec::new();
    for s in senders {
        let own = address(s.lane);
        let pair = receivers.iter().enumerate().position(|(j, r)| {
            !used[j]
                && address(r.lane).is_none_or(|a| a == s.remote)
                && own.as_ref().is_none_or(|o| *o == r.remote)
        });
        let receiver = pair.map(|j| {
            used[j] = true;
            receivers[j].clone()
        });
        out.push(connection(Some(s), receiver, lanes));
    }
    for (j, r) in receivers.into_iter().enumerate() {
        if !used[j] {
            out.push(connection(None, Some(r), lanes));
        }
    }
    out
}

fn connection(sender: Option<Side>, receiver: Option<Side>, lanes: &[Lane]) -> Connection {
    let sender_address = sender
        .as_ref()
        .and_then(|s| lanes[s.lane].address.clone())
        .or_else(|| receiver.as_ref().map(|r| r.remote.clone()))
        .filter(|s| !s.is_empty());
    let receiver_address = receiver
        .as_ref()
        .and_then(|r| lanes[r.lane].address.clone())
        .or_else(|| sender.as_ref().map(|s| s.remote.clone()))
        .filter(|s| !s.is_empty());
    let sides: Vec<&Side> = [&sender, &receiver].into_iter().flatten().collect();
    let complete = sides.iter().any(|s| s.success_s.is_some());
    let start = sides
        .iter()
        .filter_map(|s| s.start_s.or(s.enter_s))
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))));
    let end = sides
        .iter()
        .filter_map(|s| s.success_s)
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))));
    Connection {
        duration_s: match (start, end) {
            (Some(s), Some(e)) if complete => Some(e - s),
            _ => None,
        },
        sender,
        receiver,
        sender_address,
        receiver_address,
        complete,
    }
}

fn kv_warnings(logs: &[&P2pLog]) -> Vec<KvWarning> {
    let mut by_id: BTreeMap<String, KvWarning> = BTreeMap::new();
    for log in logs {
        for e in &log.events {
            if !matches!(e.kind, P2pKind::KvMismatch | P2pKind::KvNone) {
                continue;
            }
            let id = e
                .detail("request_id")
                .unwrap_or("(no request id)")
                .to_owned();
            let w = by_id.entry(id.clone()).or_insert(KvWarning {
                request_id: id,
                mismatches: 0,
                none: 0,
                file: log.path.clone(),
                line: e.line,
            });
            if e.kind == P2pKind::KvMismatch {
                w.mismatches += 1;
            } else {
                w.none += 1;
            }
        }
    }
    let mut v: Vec<KvWarning> = by_id.into_values().collect();
    v.sort_by_key(|w| std::cmp::Reverse(w.mismatches + w.none));
    v
}

fn findings(a: &P2pAnalysis, logs: &[&P2pLog]) -> Vec<P2pFinding> {
    let mut out = Vec::new();
    let lane_name = |i: usize| a.lanes[i].name.clone();
    for c in &a.connections {
        if c.complete {
            continue;
        }
        let target = c.receiver_address.clone().unwrap_or_else(|| "?".into());
        let from = c.sender_address.clone().unwrap_or_else(|| "?".into());
        let (side, other) = match (&c.sender, &c.receiver) {
            (Some(s), r) => (s, r.as_ref()),
            (None, Some(r)) => (r, None),
            (None, None) => continue,
        };
        let stall = match (side.enter_s, side.start_s) {
            (Some(at_s), _) => Stall::InInit { at_s },
            (None, Some(at_s)) => Stall::BeforeInit { at_s },
            _ => Stall::Unknown,
        };
        let other = match other {
            Some(r) if r.enter_s.is_some() => OtherSide::AlsoBlocked {
                lane: lane_name(r.lane),
                at_s: r.enter_s,
            },
            Some(r) => OtherSide::NeverCalledInit {
                lane: lane_name(r.lane),
            },
            None if c.sender.is_some()
                && !a
                    .lanes
                    .iter()
                    .any(|l| l.address.as_deref() == Some(target.as_str())) =>
            {
                OtherSide::NoLog {
                    address: target.clone(),
                }
            }
            None if c.sender.is_some() => OtherSide::NeverReceived {
                address: target.clone(),
            },
            None => OtherSide::Unknown,
        };
        out.push(P2pFinding {
            kind: P2pFindingKind::IncompleteConnection {
                from,
                target,
                lane: lane_name(side.lane),
                stall,
                other,
            },
            file: side.file.clone(),
            line: Some(side.last_line),
        });
    }
    for log in logs {
        for e in log.events.iter().filter(|e| e.kind == P2pKind::Error) {
            out.push(P2pFinding {
                kind: P2pFindingKind::EngineError {
                    label: event_label(e),
                },
                file: log.path.clone(),
                line: Some(e.line),
            });
        }
    }
    for w in &a.kv_warnings {
        out.push(P2pFinding {
            kind: P2pFindingKind::KvCacheWarnings {
                request_id: w.request_id.clone(),
                mismatches: w.mismatches,
                none: w.none,
            },
            file: w.file.clone(),
            line: Some(w.line),
        });
    }
    let first_file = a.files.first().cloned().unwrap_or_default();
    match a.time_to_first_connection_s {
        Some(after_s) => out.push(P2pFinding {
            kind: P2pFindingKind::FirstConnection { after_s },
            file: first_file,
            line: None,
        }),
        None if !a.connections.is_empty() => out.push(P2pFinding {
            kind: P2pFindingKind::NoConnectionCompleted,
            file: first_file,
            line: None,
        }),
        None => {}
    }
    for l in &a.lanes {
        if let Some(i) = l.last_event {
            let e = &a.events[i];
            out.push(P2pFinding {
                kind: P2pFindingKind::LaneStopped {
                    lane: l.name.clone(),
                    t_s: e.t_s,
                    label: e.label.clone(),
                },
                file: e.file.clone(),
                line: Some(e.line),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::p2p_nccl::parse_p2p_line;
    use crate::model::Severity;

    fn log(path: &str, text: &str) -> P2pLog {
        P2pLog {
            path: path.into(),
            lines: text.lines().count() as u64,
            events: text
                .lines()
                .enumerate()
                .filter_map(|(i, l)| parse_p2p_line(l, i as u64 + 1))
                .collect(),
        }
    }

    const PREFILL: &str = "\
INFO 11-01 10:30:45 [p2p_nccl_engine.py:226] 💯P2pNcclEngine init, rank:0, local_rank:0, http_address:, zmq_address:127.0.0.1:14579, proxy_address:, send_type:PUT_ASYNC, buffer_size_threshold:1000000000.00, nccl_num_channels:8
INFO 11-01 10:30:50 [p2p_nccl_engine.py:234] 🔍 [Rank 0] create_connect START | remote_address=127.0.0.1:14580, existing_comms=[]
INFO 11-01 10:30:50 [p2p_nccl_engine.py:265] 🔍 [Rank 0] ⚠️ PREFILL: About to call ncclCommInitRank | nprocs=2, my_rank=0, remote_address=127.0.0.1:14580
WARNING 11-01 10:30:50 [p2p_nccl_engine.py:267] 🚨 [Rank 0] ENTERING ncclCommInitRank - This will block until decode side also calls it!
";

    #[test]
    fn a_prefill_log_alone_is_a_hang_with_a_missing_side() {
        let p = log("x/prefill.log", PREFILL);
        let a = analyse("x", &[&p]);
        assert_eq!(a.lanes.len(), 1);
        assert_eq!(a.lanes[0].role, Role::Prefill);
        assert_eq!(a.connections.len(), 1);
        let c = &a.connections[0];
        assert!(!c.complete);
        assert_eq!(c.sender.as_ref().unwrap().enter_s, Some(5.0));
        let hang = &a.findings[0];
        assert_eq!(hang.severity(), Severity::Error);
        assert!(
            matches!(
                &hang.kind,
                P2pFindingKind::IncompleteConnection {
                    stall: Stall::InInit { at_s },
                    other: OtherSide::NoLog { address },
                    ..
                } if *at_s == 5.0 && address == "127.0.0.1:14580"
            ),
            "{hang:?}"
        );
        assert_eq!(hang.line, Some(4));
        assert_eq!(a.start_label.as_deref(), Some("11-01 10:30:45"));
    }

    #[test]
    fn both_sides_succeed() {
        let p = log(
            "x/prefill.log",
            &format!("{PREFILL}INFO 11-01 10:30:51 [p2p_nccl_engine.py:287] 🤝ncclCommInitRank Success, 127.0.0.1:14579👉127.0.0.1:14580, MyRank:0\n"),
        );
        let d = log("x/decode.log", "\
INFO 11-01 10:30:47 [p2p_nccl_engine.py:226] 💯P2pNcclEngine init, rank:1, local_rank:0, http_address:, zmq_address:127.0.0.1:14580, proxy_address:, send_type:PUT_ASYNC, buffer_size_threshold:1.00, nccl_num_channels:8
INFO 11-01 10:30:50 [p2p_nccl_engine.py:443] 🔍 [Rank 1] ✉️ DECODE: Received NEW command | remote_address=127.0.0.1:14579, unique_id_hex=a1
INFO 11-01 10:30:50 [p2p_nccl_engine.py:452] 🔍 [Rank 1] ⚠️ DECODE: About to call ncclCommInitRank | nprocs=2, my_rank=1, remote_address=127.0.0.1:14579
INFO 11-01 10:30:51 [p2p_nccl_engine.py:473] 🤝ncclCommInitRank Success, 127.0.0.1:14580👈127.0.0.1:14579, MyRank:1
");
        let a = analyse("x", &[&p, &d]);
        assert_eq!(a.lanes.len(), 2);
        assert_eq!(a.connections.len(), 1, "{:#?}", a.connections);
        let c = &a.connections[0];
        assert!(c.complete);
        assert!(c.receiver.is_some());
        assert_eq!(c.duration_s, Some(1.0));
        assert_eq!(a.time_to_first_connection_s, Some(6.0));
        assert!(a.findings.iter().all(|f| f.severity() == Severity::Info));
    }
}
