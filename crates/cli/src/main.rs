//! `runlens`: the native command line over runlens-core.
//!
//! - `runlens summary PATH... [--format text|csv|json]` — one row per run (id, generation,
//!   topology, GPUs, ISL/OSL, points, missing concurrencies), then skipped runs and files not
//!   understood; text by default.
//! - `runlens points PATH... [--format csv|json|text]` — one row per (run, concurrency), with
//!   the reference dashboard's column names in its order, then runlens' extra columns.
//! - `runlens nodes PATH... [--format csv|json|text]` — one row per parsed worker-log sample.
//! - `runlens diagnose PATH... [--format text|json]` — per-file coverage of worker logs and
//!   health findings.
//! - `runlens sched PATH... [--format text|json]` — headline statistics of vLLM
//!   scheduler-logging CSVs.
//! - `runlens nccl PATH... [--format text|json]` — P2P NCCL ranks, connections, hangs, warnings.
//! - `runlens compare BASELINE CANDIDATE [--format text|json|markdown|csv] [--fail-on worse]` —
//!   verdicts per matched point and metric; exit 3 when a `--fail-on` verdict occurs.
//! - `runlens slo PATH... [--ttft MS] [--tpot MS] [--e2el MS] [--attainment PCT]` — each point
//!   judged against a latency objective, and each run's fastest point that meets it.
//! - `runlens health PATH... [--format text|json]` — each run's health lints with file and line.
//! - `runlens windows PATH... [--steady PCT] [--format text|json]` — each run's benchmark
//!   windows on its servers' clock, with their steady state.
//! - `runlens save PATH... -o FILE` — the parsed dataset as a `.runlens` file.
//! - `runlens report PATH... -o FILE [--redact KINDS]` — a self-contained HTML report.
//! - `runlens bench [--mb N]` — parse speed on generated inputs, one JSON line.
//! - `runlens completions SHELL` — a completion script for bash, zsh, fish, elvish, powershell.
//!
//! Modules: [`cli`] is the grammar (clap derive) and help, [`inputs`] walks the paths and feeds
//! the core, [`progress`] draws the bar, [`output`] owns stdout and stderr, and one printer
//! module per command ([`summary`], [`points`], [`diagnose`], [`health`], [`sched`], [`nccl`], [`bench`],
//! with [`table`] for aligned text). This file only dispatches and decides the exit status.
//!
//! Paths may be run directories, parents of many runs, loose result files or archives. Problems
//! go to stderr with the file name. Exit status (also in `--help`): 0 when something was read
//! (or stdout was closed by its reader), 1 when nothing was or the output failed, 2 on bad
//! arguments, 3 when `compare --fail-on` met its verdict.

mod bench;
mod cli;
mod compare;
mod diagnose;
mod health;
mod inputs;
mod nccl;
mod output;
mod points;
mod progress;
mod report;
mod sched;
mod slo;
mod summary;
mod table;

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use runlens_core::Dataset;

use cli::{Cli, Command, Inputs};
use output::{warn, Stdout};

const WRITE: &str = "cannot write output";

/// Read every path, reporting the core's diagnostics on stderr.
fn read(inputs: &Inputs) -> Result<Dataset> {
    let dataset = inputs::ingest_paths(&inputs.paths)?;
    for d in &dataset.diagnostics {
        warn(d);
    }
    Ok(dataset)
}

/// What a command ended with, beyond errors.
enum Outcome {
    Read,
    /// Nothing it could print was read (exit status 1).
    NothingRead,
    /// `compare --fail-on` met one of its verdicts (exit status 3).
    VerdictFailed,
}

impl From<bool> for Outcome {
    fn from(read: bool) -> Self {
        if read {
            Outcome::Read
        } else {
            Outcome::NothingRead
        }
    }
}

/// `compare`: the baseline and every candidate read, each candidate compared with the baseline,
/// printed; exit 3 on a `--fail-on` verdict of any candidate.
fn run_compare(
    baseline: &std::path::Path,
    candidates: &[std::path::PathBuf],
    format: cli::CompareFormat,
    fail_on: &[runlens_core::analysis::compare::Verdict],
    choice: runlens_core::analysis::compare::curves::CurveChoice,
    out: &mut dyn Write,
) -> Result<Outcome> {
    use runlens_core::analysis::compare::{self as cmp, Side};
    let read_side = |path: &std::path::Path| {
        read(&Inputs {
            paths: vec![path.to_owned()],
        })
    };
    let base_ds = read_side(baseline)?;
    let base = Side::of_dataset(baseline.display().to_string(), &base_ds, |_| true);
    let mut comparisons = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let cand_ds = read_side(candidate)?;
        let cand = Side::of_dataset(candidate.display().to_string(), &cand_ds, |_| true);
        comparisons.push(cmp::compare_with(&base, &cand, choice));
    }
    compare::write(&comparisons, format, out).context(WRITE)?;
    let rows = comparisons.iter().flat_map(|c| &c.rows);
    Ok(if comparisons.iter().all(|c| c.rows.is_empty()) {
        Outcome::NothingRead
    } else if rows.clone().any(|r| fail_on.contains(&r.verdict)) {
        Outcome::VerdictFailed
    } else {
        Outcome::Read
    })
}

/// Run one command; `Outcome::NothingRead` when it read nothing it could print.
fn run(command: Command, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        Command::Summary { format, inputs } => {
            let ds = read(&inputs)?;
            summary::write(&ds, format, out).context(WRITE)?;
            Ok(Outcome::from(!ds.runs.is_empty()))
        }
        Command::Points { format, inputs } => {
            let ds = read(&inputs)?;
            points::write_points(&ds, format, out).context(WRITE)?;
            Ok(Outcome::from(!ds.runs.is_empty()))
        }
        Command::Nodes { format, inputs } => {
            let ds = read(&inputs)?;
            points::write_nodes(&ds, format, out).context(WRITE)?;
            Ok(Outcome::from(
                !ds.worker_logs.is_empty() || !ds.runs.is_empty(),
            ))
        }
        Command::Diagnose { format, inputs } => {
            let ds = read(&inputs)?;
            diagnose::write(&ds, format, out).context(WRITE)?;
            Ok(Outcome::from(
                !ds.worker_logs.is_empty() || !ds.runs.is_empty(),
            ))
        }
        Command::Sched { format, inputs } => {
            let ds = read(&inputs)?;
            sched::write(&ds, format, out).context(WRITE)?;
            Ok(Outcome::from(!ds.scheduler.is_empty()))
        }
        Command::Nccl { format, inputs } => {
            let ds = read(&inputs)?;
            nccl::write(&ds, format, out).context(WRITE)?;
            Ok(Outcome::from(!ds.p2p.is_empty()))
        }
        Command::Slo {
            ttft,
            tpot,
            e2el,
            attainment,
            format,
            inputs,
        } => {
            let objective = runlens_core::analysis::slo::Slo {
                ttft_ms: ttft,
                tpot_ms: tpot,
                e2el_ms: e2el,
                attainment: attainment / 100.0,
            };
            let ds = read(&inputs)?;
            slo::write(&ds, &objective, format, out).context(WRITE)?;
            Ok(Outcome::from(!ds.runs.is_empty()))
        }
        Command::Health { format, inputs } => {
            let ds = read(&inputs)?;
            health::write_health(&ds, format, out).context(WRITE)?;
            Ok(Outcome::from(!ds.runs.is_empty()))
        }
        Command::Windows {
            steady,
            format,
            inputs,
        } => {
            let ds = read(&inputs)?;
            health::write_windows(&ds, steady / 100.0, format, out).context(WRITE)?;
            Ok(Outcome::from(!ds.runs.is_empty()))
        }
        Command::Save { output, inputs } => {
            let ds = read(&inputs)?;
            let bytes = runlens_core::ingest::saved::save_dataset(&ds);
            std::fs::write(&output, &bytes)
                .with_context(|| format!("cannot write {}", output.display()))?;
            warn(format_args!(
                "runlens: wrote {} ({} bytes, {} runs)",
                output.display(),
                bytes.len(),
                ds.runs.len()
            ));
            Ok(Outcome::from(
                !ds.runs.is_empty()
                    || !ds.worker_logs.is_empty()
                    || !ds.scheduler.is_empty()
                    || !ds.p2p.is_empty(),
            ))
        }
        Command::Report {
            output,
            redact,
            view,
            inputs,
        } => {
            use runlens_core::analysis::redact::RedactKind;
            let kinds: Vec<RedactKind> = if redact.iter().any(|k| k == "all") {
                RedactKind::ALL.to_vec()
            } else {
                redact
                    .iter()
                    .map(|k| k.parse::<RedactKind>())
                    .collect::<std::result::Result<_, _>>()
                    .map_err(anyhow::Error::msg)?
            };
            let ds = read(&inputs)?;
            let (ds, replaced) = report::redacted(&ds, &kinds);
            for r in &replaced {
                warn(format_args!(
                    "runlens: redact {}: {} -> {} ({} occurrences)",
                    r.kind, r.original, r.pseudonym, r.occurrences
                ));
            }
            let html = report::report_html(&ds, &view)?;
            std::fs::write(&output, html.as_bytes())
                .with_context(|| format!("cannot write {}", output.display()))?;
            warn(format_args!(
                "runlens: wrote {} ({} bytes, {} runs, {} values redacted)",
                output.display(),
                html.len(),
                ds.runs.len(),
                replaced.len()
            ));
            Ok(Outcome::from(
                !ds.runs.is_empty() || !ds.worker_logs.is_empty(),
            ))
        }
        Command::Bench { mb } => {
            let report = bench::run(mb).context("bench")?;
            writeln!(out, "{report}").context(WRITE)?;
            Ok(Outcome::Read)
        }
        Command::Completions { shell } => {
            out.write_all(&cli::completion_script(shell))
                .context(WRITE)?;
            Ok(Outcome::Read)
        }
        Command::Compare {
            baseline,
            candidates,
            format,
            fail_on,
            at,
            area,
        } => {
            let choice = runlens_core::analysis::compare::curves::CurveChoice { at, range: area };
            run_compare(&baseline, &candidates, format, &fail_on, choice, out)
        }
    }
}

/// Print clap's help, version or usage error; help and version exit 0, errors 2.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    match e.print() {
        Err(err) if code == 0 && err.kind() != ErrorKind::BrokenPipe => {
            warn(format_args!("runlens: {WRITE}: {err}"));
            ExitCode::from(1)
        }
        _ => ExitCode::from(code),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let mut out = Stdout::new();
    let result = run(cli.command, &mut out).and_then(|read| {
        out.flush().context(WRITE)?;
        Ok(read)
    });
    match result {
        Ok(Outcome::Read) => ExitCode::SUCCESS,
        Ok(Outcome::NothingRead) => ExitCode::from(1),
        Ok(Outcome::VerdictFailed) => ExitCode::from(3),
        // The reader has what it wanted (`runlens points DIR | head`): not an error.
        Err(_) if out.broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            warn(format_args!("runlens: {e:#}"));
            ExitCode::from(1)
        }
    }
}
