//! The `summary` printer: the same facts as the web page's summary — one row per run (id,
//! generation, topology, GPUs, ISL/OSL, points, missing concurrencies), then skipped runs and
//! files not understood — as aligned text (with a totals line), CSV (runs only) or JSON.

use std::io::{self, Write};

use runlens_core::model::{Run, UnrecognizedFile};
use runlens_core::Dataset;
use serde::Serialize;

use crate::cli::TableFormat;
use crate::table;

const HEADER: [&str; 7] = [
    "RUN", "GEN", "TOPOLOGY", "GPUS", "ISL/OSL", "POINTS", "MISSING",
];

const CSV_HEADER: [&str; 8] = [
    "id",
    "generation",
    "topology",
    "gpus",
    "isl",
    "osl",
    "points",
    "missing",
];

fn text_row(run: &Run) -> [String; 7] {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    [
        run.job_id.value.clone(),
        run.generation.label().to_owned(),
        opt(run.topology.as_ref().map(|t| t.value.label())),
        opt(run.gpus.total().map(|g| g.to_string())),
        opt(run.isl_osl_label()),
        run.points.len().to_string(),
        // No spaces inside a cell: scripts split these lines on whitespace.
        opt(run.missing_label().map(|m| m.replace(", ", ","))),
    ]
}

/// The whole summary as text.
pub fn render(ds: &Dataset) -> String {
    let points: usize = ds.runs.iter().map(|r| r.points.len()).sum();
    let mut out = format!(
        "runs: {}  points: {}  skipped: {}  unrecognized files: {}  files read: {}\n",
        ds.runs.len(),
        points,
        ds.skipped.len(),
        ds.unrecognized.len(),
        ds.files_seen
    );
    if !ds.runs.is_empty() {
        let rows: Vec<[String; 7]> = std::iter::once(HEADER.map(String::from))
            .chain(ds.runs.iter().map(text_row))
            .collect();
        out.push_str(&table::aligned(&rows));
    }
    for run in &ds.runs {
        if let Some(from) = &run.gpus_from {
            out.push_str(&format!("gpus: {}: {from}\n", run.job_id.value));
        }
        for f in &run.findings {
            out.push_str(&format!("warning: {}: {f}\n", run.job_id.value));
        }
        for p in &run.points {
            if let Some(why) = &p.invalid {
                let at = p.concurrency.map_or_else(|| "-".into(), |c| c.to_string());
                out.push_str(&format!(
                    "invalid point: {} concurrency {at}: {why} ({})\n",
                    run.job_id.value, p.source
                ));
            }
        }
    }
    for s in &ds.skipped {
        out.push_str(&format!(
            "skipped: {} ({}): {}\n",
            s.job_id, s.root, s.reason
        ));
    }
    for u in &ds.unrecognized {
        out.push_str(&format!(
            "not understood: {} ({} bytes): {}\n",
            u.path, u.size, u.reason
        ));
    }
    out
}

/// One CSV row per run; empty cells where the text shows `-`.
fn write_csv(ds: &Dataset, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for run in &ds.runs {
        let opt = |v: Option<String>| v.unwrap_or_default();
        w.write_record([
            run.job_id.value.clone(),
            run.generation.label().to_owned(),
            opt(run.topology.as_ref().map(|t| t.value.label())),
            opt(run.gpus.total().map(|g| g.to_string())),
            opt(run.isl.as_ref().map(|v| v.value.to_string())),
            opt(run.osl.as_ref().map(|v| v.value.to_string())),
            run.points.len().to_string(),
            opt(run.missing_label().map(|m| m.replace(", ", ","))),
        ])?;
    }
    w.flush()
}

/// A run in the JSON summary: the text's fields, typed (`missing` a list of concurrencies).
#[derive(Serialize)]
struct RunJson<'a> {
    id: &'a str,
    generation: &'static str,
    topology: Option<String>,
    gpus: Option<u32>,
    gpus_from: Option<String>,
    findings: Vec<String>,
    invalid_points: usize,
    isl: Option<u32>,
    osl: Option<u32>,
    points: usize,
    missing: &'a [u32],
}

#[derive(Serialize)]
struct SkippedJson<'a> {
    id: &'a str,
    root: &'a str,
    reason: String,
}

#[derive(Serialize)]
pub struct UnrecognizedJson<'a> {
    path: &'a str,
    size: u64,
    reason: &'a str,
}

/// The JSON summary: the text's totals line, then `runs`, `skipped` and `unrecognized`.
#[derive(Serialize)]
struct SummaryJson<'a> {
    points: usize,
    files_read: u64,
    runs: Vec<RunJson<'a>>,
    skipped: Vec<SkippedJson<'a>>,
    unrecognized: Vec<UnrecognizedJson<'a>>,
}

fn to_json(ds: &Dataset) -> SummaryJson<'_> {
    SummaryJson {
        points: ds.runs.iter().map(|r| r.points.len()).sum(),
        files_read: ds.files_seen,
        runs: ds
            .runs
            .iter()
            .map(|run| RunJson {
                id: &run.job_id.value,
                generation: run.generation.label(),
                topology: run.topology.as_ref().map(|t| t.value.label()),
                gpus: run.gpus.total(),
                gpus_from: run.gpus_from.as_ref().map(ToString::to_string),
                findings: run.findings.iter().map(ToString::to_string).collect(),
                invalid_points: run.points.iter().filter(|p| p.invalid.is_some()).count(),
                isl: run.isl.as_ref().map(|v| v.value),
                osl: run.osl.as_ref().map(|v| v.value),
                points: run.points.len(),
                missing: &run.missing_concurrencies,
            })
            .collect(),
        skipped: ds
            .skipped
            .iter()
            .map(|s| SkippedJson {
                id: &s.job_id,
                root: &s.root,
                reason: s.reason.to_string(),
            })
            .collect(),
        unrecognized: ds.unrecognized.iter().map(unrecognized_json).collect(),
    }
}

/// A file no format claimed, as `summary` and `diagnose` print it in JSON.
pub fn unrecognized_json(u: &UnrecognizedFile) -> UnrecognizedJson<'_> {
    UnrecognizedJson {
        path: &u.path,
        size: u.size,
        reason: &u.reason,
    }
}

pub fn write(ds: &Dataset, format: TableFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        TableFormat::Text => out.write_all(render(ds).as_bytes()),
        TableFormat::Csv => write_csv(ds, out),
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(ds))?;
            writeln!(out)
        }
    }
}
