//! The `sched` and `nccl` printers: headline statistics of vLLM scheduler-logging CSVs, and
//! the P2P NCCL connection timeline (ranks, connections with durations, incomplete ones,
//! warnings) — as text or JSON.

use runlens_core::model::{P2pAnalysis, SchedulerAnalysis, Severity, Summary};
use runlens_core::Dataset;
use serde_json::{json, Value};

fn num(v: f64, digits: usize) -> String {
    if v.is_finite() {
        format!("{v:.digits$}")
    } else {
        "–".into()
    }
}

fn summary_row(name: &str, s: &Summary) -> String {
    format!(
        "  {name:<6} {:>10} {:>10} {:>10} {:>10}   (n={})\n",
        num(s.mean, 2),
        num(s.p50, 2),
        num(s.p90, 2),
        num(s.p99, 2),
        s.count
    )
}

fn summary_json(s: &Summary) -> Value {
    let f = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
    json!({ "count": s.count, "mean": f(s.mean), "p50": f(s.p50), "p90": f(s.p90), "p99": f(s.p99) })
}

fn sched_json(a: &SchedulerAnalysis) -> Value {
    let h = &a.headline;
    let f = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
    json!({
        "dir": a.dir,
        "files": a.files.iter().map(|f| json!({"path": f.path, "rows": f.rows})).collect::<Vec<_>>(),
        "requests": h.requests,
        "ttft_ms": summary_json(&h.ttft_ms),
        "tpot_ms": summary_json(&h.tpot_ms),
        "e2e_ms": summary_json(&h.e2e_ms),
        "preemption_rate": f(h.preemption_rate),
        "kv_util_mean_pct": f(h.kv_util_mean_pct),
        "kv_util_max_pct": f(h.kv_util_max_pct),
        "batch_size_mean": f(h.batch_size_mean),
    })
}

pub fn render_sched(ds: &Dataset, json: bool) -> String {
    if json {
        let v: Vec<Value> = ds.scheduler.iter().map(sched_json).collect();
        return serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    }
    let mut out = format!("scheduler log sets: {}\n", ds.scheduler.len());
    for a in &ds.scheduler {
        let h = &a.headline;
        let files: Vec<String> = a.files.iter().map(|f| f.label()).collect();
        out.push_str(&format!("\n{}\n  files: {}\n", a.dir, files.join(", ")));
        out.push_str(&format!("  requests: {}\n", h.requests));
        out.push_str(&format!(
            "  {:<6} {:>10} {:>10} {:>10} {:>10}\n",
            "ms", "mean", "p50", "p90", "p99"
        ));
        out.push_str(&summary_row("TTFT", &h.ttft_ms));
        out.push_str(&summary_row("TPOT", &h.tpot_ms));
        out.push_str(&summary_row("E2E", &h.e2e_ms));
        out.push_str(&format!(
            "  preemption rate: {} %   KV cache utilisation: mean {} %, max {} %   mean batch size: {}\n",
            num(h.preemption_rate * 100.0, 1),
            num(h.kv_util_mean_pct, 1),
            num(h.kv_util_max_pct, 1),
            num(h.batch_size_mean, 2)
        ));
    }
    out
}

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

pub fn render_nccl(ds: &Dataset, json: bool) -> String {
    if json {
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
