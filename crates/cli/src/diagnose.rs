//! The `diagnose` printer: what each worker log was understood as, what was ignored that looks
//! like a metric, and the health findings — then every other diagnostic and unread file.

use runlens_core::model::LogDialect;
use runlens_core::Dataset;

fn dialect(d: LogDialect) -> &'static str {
    match d {
        LogDialect::SglangScheduler => "sglang",
        LogDialect::VllmEngineStats => "vllm",
        LogDialect::TrtllmIteration => "trtllm",
    }
}

pub fn render(ds: &Dataset) -> String {
    let mut out = String::new();
    out.push_str(&format!("worker logs: {}\n", ds.worker_logs.len()));
    for l in &ds.worker_logs {
        let c = &l.log.coverage;
        let formats: Vec<&str> = c.dialects.iter().map(|d| dialect(*d)).collect();
        let formats = if formats.is_empty() {
            "launch/memory only".to_string()
        } else {
            formats.join("+")
        };
        out.push_str(&format!(
            "{}\n  format: {formats}; service: {}; lines: {} total, {} understood, {} ignored; samples: {}; memory snapshots: {}; launch commands: {}\n",
            l.log.path,
            l.log.identity.service.label(),
            c.lines_total,
            c.lines_understood,
            c.lines_ignored,
            l.log.sample_count(),
            l.log.memory.len(),
            l.log.launches.len()
        ));
        for (line, text) in &c.ignored_metric_samples {
            out.push_str(&format!("  ignored metric-looking line {line}: {text}\n"));
        }
        for f in &l.log.findings {
            out.push_str(&format!("  {f}\n"));
        }
    }
    for d in &ds.diagnostics {
        out.push_str(&format!("{d}\n"));
    }
    for u in &ds.unrecognized {
        out.push_str(&format!(
            "not understood: {} ({} bytes): {}\n",
            u.path, u.size, u.reason
        ));
    }
    out
}
