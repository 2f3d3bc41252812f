//! The `diagnose` printer: what each worker log was understood as, what was ignored that looks
//! like a metric, and the health findings — then every other diagnostic and unread file. As
//! text, or as one JSON object with the same numbers (`worker_logs`, `diagnostics`,
//! `unrecognized`).

use std::io::{self, Write};

use runlens_core::model::{Diagnostic, HealthFinding, LogDialect, RunWorkerLog, Severity};
use runlens_core::Dataset;
use serde::Serialize;

use crate::cli::ReportFormat;
use crate::summary::{unrecognized_json, UnrecognizedJson};

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

/// A finding: severity, file, the sentence the text prints, and the typed finding (`finding`
/// names the kind, `line` and the kind's own numbers follow).
#[derive(Serialize)]
struct FindingJson<'a> {
    severity: Severity,
    file: &'a str,
    message: String,
    #[serde(flatten)]
    finding: &'a HealthFinding,
}

/// One worker log file: what the text prints, as numbers.
#[derive(Serialize)]
struct WorkerLogJson<'a> {
    path: &'a str,
    merged_paths: &'a [String],
    run: &'a str,
    node: Option<&'a str>,
    service: &'static str,
    formats: Vec<&'static str>,
    lines_total: u64,
    lines_understood: u64,
    lines_ignored: u64,
    samples: usize,
    memory_snapshots: usize,
    launch_commands: usize,
    ignored_metric_lines: Vec<IgnoredLineJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct IgnoredLineJson<'a> {
    line: u64,
    text: &'a str,
}

#[derive(Serialize)]
struct DiagnoseJson<'a> {
    worker_logs: Vec<WorkerLogJson<'a>>,
    diagnostics: &'a [Diagnostic],
    unrecognized: Vec<UnrecognizedJson<'a>>,
}

fn worker_log_json(l: &RunWorkerLog) -> WorkerLogJson<'_> {
    let log = &l.log;
    let c = &log.coverage;
    WorkerLogJson {
        path: &log.path,
        merged_paths: &log.merged_paths,
        run: &l.run_key,
        node: log.identity.node.as_deref(),
        service: log.identity.service.label(),
        formats: c.dialects.iter().map(|d| dialect(*d)).collect(),
        lines_total: c.lines_total,
        lines_understood: c.lines_understood,
        lines_ignored: c.lines_ignored,
        samples: log.sample_count(),
        memory_snapshots: log.memory.len(),
        launch_commands: log.launches.len(),
        ignored_metric_lines: c
            .ignored_metric_samples
            .iter()
            .map(|(line, text)| IgnoredLineJson { line: *line, text })
            .collect(),
        findings: log
            .findings
            .iter()
            .map(|f| FindingJson {
                severity: f.severity(),
                file: &f.file,
                message: f.finding.to_string(),
                finding: &f.finding,
            })
            .collect(),
    }
}

fn to_json(ds: &Dataset) -> DiagnoseJson<'_> {
    DiagnoseJson {
        worker_logs: ds.worker_logs.iter().map(worker_log_json).collect(),
        diagnostics: &ds.diagnostics,
        unrecognized: ds.unrecognized.iter().map(unrecognized_json).collect(),
    }
}

pub fn write(ds: &Dataset, format: ReportFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        ReportFormat::Text => out.write_all(render(ds).as_bytes()),
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(ds))?;
            writeln!(out)
        }
    }
}
