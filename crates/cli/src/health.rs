//! The `health` and `windows` printers: each run's health lints with file and line, and each
//! run's benchmark windows with their steady state. The core finds them (`analysis::health`,
//! `analysis::windows`); this module lays them out.

use std::io::{self, Write};

use runlens_core::analysis::health::lints_by_run;
use runlens_core::analysis::windows::{benchmark_windows, steady_state};
use runlens_core::model::Severity;
use runlens_core::Dataset;
use serde_json::json;

use crate::cli::ReportFormat;
use crate::table::{self, number};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Per run, its lints (`severity: file:line: finding`).
pub fn write_health(ds: &Dataset, format: ReportFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        ReportFormat::Json => {
            let runs: Vec<serde_json::Value> = ds
                .runs
                .iter()
                .zip(lints_by_run(ds))
                .map(|(run, lints)| {
                    let lints: Vec<_> = lints
                        .iter()
                        .map(|l| {
                            json!({
                                "severity": severity(l.severity()),
                                "file": l.file(),
                                "line": l.line(),
                                "finding": l.to_string(),
                            })
                        })
                        .collect();
                    json!({ "run": run.label(), "lints": lints })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json!({ "runs": runs }))?;
            writeln!(out)
        }
        ReportFormat::Text => {
            for (run, lints) in ds.runs.iter().zip(lints_by_run(ds)) {
                writeln!(out, "{} — {} finding(s)", run.label(), lints.len())?;
                for l in &lints {
                    writeln!(out, "  {}: {}: {l}", severity(l.severity()), l.place())?;
                }
            }
            Ok(())
        }
    }
}

/// Per run with worker logs and stamped results, its windows and their steady state.
pub fn write_windows(
    ds: &Dataset,
    ratio: f64,
    format: ReportFormat,
    out: &mut dyn Write,
) -> io::Result<()> {
    let runs: Vec<_> = ds
        .runs
        .iter()
        .map(|run| (run, benchmark_windows(ds, &run.key)))
        .filter(|(_, w)| !w.is_empty())
        .collect();
    match format {
        ReportFormat::Json => {
            let runs: Vec<serde_json::Value> = runs
                .iter()
                .map(|(run, windows)| {
                    let windows: Vec<_> = windows
                        .iter()
                        .map(|w| {
                            json!({
                                "concurrency": w.concurrency,
                                "request_rate": w.request_rate.filter(|r| r.is_finite()),
                                "start_s": w.start_s,
                                "end_s": w.end_s,
                                "source": w.source,
                                "steady": steady_state(w, ratio),
                            })
                        })
                        .collect();
                    json!({ "run": run.label(), "windows": windows })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut *out,
                &json!({ "steady_ratio": ratio, "runs": runs }),
            )?;
            writeln!(out)
        }
        ReportFormat::Text => {
            writeln!(
                out,
                "steady state: requests in flight >= {} % of each window's peak",
                ratio * 100.0
            )?;
            for (run, windows) in &runs {
                writeln!(out)?;
                writeln!(out, "{}", run.label())?;
                let mut lines = vec![[
                    "window",
                    "from s",
                    "to s",
                    "steady from",
                    "steady to",
                    "in flight",
                    "steady",
                    "gen tok/s",
                    "steady",
                ]
                .map(str::to_owned)
                .to_vec()];
                for w in windows {
                    let s = steady_state(w, ratio);
                    let whole = s.map(|s| s.whole).unwrap_or_default();
                    let steady = s.map(|s| s.steady).unwrap_or_default();
                    lines.push(vec![
                        w.label(),
                        number(Some(w.start_s), 1),
                        number(Some(w.end_s), 1),
                        number(s.map(|s| s.start_s), 1),
                        number(s.map(|s| s.end_s), 1),
                        number(whole.in_flight, 1),
                        number(steady.in_flight, 1),
                        number(whole.gen_throughput, 1),
                        number(steady.gen_throughput, 1),
                    ]);
                }
                out.write_all(table::aligned(&lines).as_bytes())?;
            }
            if runs.is_empty() {
                writeln!(
                    out,
                    "no run has worker logs and result files stamped with their time and duration"
                )?;
            }
            Ok(())
        }
    }
}
