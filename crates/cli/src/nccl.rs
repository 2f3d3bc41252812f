//! The `nccl` printer: the P2P NCCL connection timeline of each folder of vLLM connector logs
//! — ranks, connections with durations, incomplete ones (hangs), warnings — as text or JSON.

use std::io::{self, Write};

use runlens_core::model::{P2pAnalysis, Severity};
use runlens_core::Dataset;
use serde_json::{json, Value};

use crate::cli::ReportFormat;

fn nccl_json(a: &P2pAnalysis) -> Value {
    let f = |v: Option<f64>| {
        v.filter(|v| v.is_finite())
            .map_or(Value::Null, |v| json!(v))
    };
    json!({
        "dir": a.dir,
        "files": a.files,
        "start": a.start_label,
        "ranks": a.lanes.iter().map(|l| json!({
            "name": l.name, "rank": l.rank, "role": l.role.label(), "address": l.address, "file": l.file,
            "events": l.events, "last_s": f(l.last_s),
        })).collect::<Vec<_>>(),
        "connections": a.connections.iter().map(|c| json!({
            "sender": c.sender_address, "receiver": c.receiver_address, "complete": c.complete,
            "duration_s": f(c.duration_s),
            "sender_duration_s": f(c.sender.as_ref().and_then(|s| s.duration_s())),
            "receiver_duration_s": f(c.receiver.as_ref().and_then(|s| s.duration_s())),
        })).collect::<Vec<_>>(),
        "incomplete": a.connections.iter().filter(|c| !c.complete).count(),
        "time_to_first_connection_s": f(a.time_to_first_connection_s),
        "findings": a.findings.iter().filter(|x| x.severity() != Severity::Info).map(|x| json!({
            "severity": x.severity(), "kind": x.kind, "message": x.to_string(), "file": x.file, "line": x.line,
        })).collect::<Vec<_>>(),
        "kv_warnings": a.kv_warnings.iter().map(|w| json!({
            "request_id": w.request_id, "mismatches": w.mismatches, "none": w.none,
        })).collect::<Vec<_>>(),
    })
}

fn render(ds: &Dataset, format: ReportFormat) -> String {
    if format == ReportFormat::Json {
        let v: Vec<Value> = ds.p2p.iter().map(nccl_json).collect();
        return serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    }
    let secs = |v: Option<f64>| {
        v.filter(|v| v.is_finite())
            .map_or("–".to_string(), |v| format!("{v:.2} s"))
    };
    let mut out = format!("P2P NCCL log sets: {}\n", ds.p2p.len());
    for a in &ds.p2p {
        out.push_str(&format!(
            "\n{} (t=0 at {})\n  ranks:\n",
            a.dir,
            a.start_label.as_deref().unwrap_or("?")
        ));
        for l in &a.lanes {
            out.push_str(&format!(
                "    {}  address {}  events {}\n",
                l.name,
                l.address.as_deref().unwrap_or("?"),
                l.events
            ));
        }
        out.push_str("  connections:\n");
        for c in &a.connections {
            out.push_str(&format!(
                "    {} -> {}  {}  {}\n",
                c.sender_address.as_deref().unwrap_or("?"),
                c.receiver_address.as_deref().unwrap_or("?"),
                if c.complete { "complete" } else { "INCOMPLETE" },
                secs(c.duration_s)
            ));
        }
        out.push_str(&format!(
            "  incomplete connections: {}   first connection after: {}\n",
            a.connections.iter().filter(|c| !c.complete).count(),
            secs(a.time_to_first_connection_s)
        ));
        for x in a.findings.iter().filter(|x| x.severity() != Severity::Info) {
            let at = x.line.map(|l| format!(":{l}")).unwrap_or_default();
            let sev = if x.severity() == Severity::Error {
                "error"
            } else {
                "warning"
            };
            out.push_str(&format!("  {sev}: {}{at}: {x}\n", x.file));
        }
    }
    out
}

pub fn write(ds: &Dataset, format: ReportFormat, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(ds, format).as_bytes())
}
