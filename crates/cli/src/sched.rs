//! The `sched` printer: headline statistics of vLLM scheduler-logging CSVs, one block per
//! folder of CSVs — requests, TTFT/TPOT/E2E mean p50 p90 p99, preemption rate, KV cache
//! utilisation, mean batch size — as text or JSON.

use std::io::{self, Write};

use runlens_core::model::{SchedulerAnalysis, Summary};
use runlens_core::Dataset;
use serde_json::{json, Value};

use crate::cli::ReportFormat;
use crate::table;

fn num(v: f64, digits: usize) -> String {
    table::number(Some(v), digits)
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

fn render(ds: &Dataset, format: ReportFormat) -> String {
    if format == ReportFormat::Json {
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

pub fn write(ds: &Dataset, format: ReportFormat, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(ds, format).as_bytes())
}
