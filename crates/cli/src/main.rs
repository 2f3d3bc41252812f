//! `runlens`: the native command line over runlens-core.
//!
//! - `runlens summary PATH...` — one line per run and the skipped runs, as the web page shows them.
//! - `runlens points PATH... [--format csv|json]` — one row per (run, concurrency) on stdout, with
//!   the reference dashboard's column names in its order, then runlens' extra columns.
//! - `runlens nodes PATH... [--format csv|json]` — one row per parsed worker-log sample.
//! - `runlens diagnose PATH...` — per-file coverage of worker logs and health findings.
//! - `runlens sched PATH... [--format json]` — headline statistics of vLLM scheduler-logging CSVs.
//! - `runlens nccl PATH... [--format json]` — P2P NCCL ranks, connections, hangs and warnings.
//!
//! Paths may be run directories, parents of many runs, loose result files or archives. Problems
//! go to stderr with the file name. Exit status: 0 when some runs were read, 1 when none, 2 on
//! bad arguments.

mod bench;
mod diagnose;
mod inputs;
mod points;
mod sched;
mod summary;

use std::process::ExitCode;

const USAGE: &str = "usage: runlens <command> PATH...\n\n\
  summary PATH...                      one line per run (id, generation, topology, GPUs, ISL/OSL,\n\
                                       points, missing concurrencies), then skipped runs with reasons\n\
  points PATH... [--format csv|json]   one row per (run, concurrency); CSV by default\n\
  nodes PATH... [--format csv|json]    one row per worker-log sample (run, worker, node, service,\n\
                                       dp, tp, ep, timestamp, elapsed_s, kind, then every field)\n\
  diagnose PATH...                     per-file coverage of worker logs, and health findings\n\
  sched PATH... [--format json]        vLLM scheduler CSVs: requests, TTFT/TPOT/E2E mean p50 p90 p99,\n\
                                       preemption rate, KV utilisation, mean batch size\n\
  nccl PATH... [--format json]         P2P NCCL logs: ranks, connections with durations, incomplete\n\
                                       connections, warnings\n\
  bench [--mb N]                       worker-log parse speed on a generated N MB SGLang log";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Json,
}

/// Split `--format X` out of the arguments.
fn parse_format(args: &[String]) -> Result<(Format, Vec<String>), String> {
    let mut format = Format::Csv;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = match a.as_str() {
            "--format" => Some(it.next().ok_or("--format needs csv or json")?.as_str()),
            _ => a.strip_prefix("--format="),
        };
        match value {
            Some("csv") => format = Format::Csv,
            Some("json") => format = Format::Json,
            Some(other) => return Err(format!("unknown format {other:?} (csv or json)")),
            None if a.starts_with("--") => return Err(format!("unknown option {a}")),
            None => paths.push(a.clone()),
        }
    }
    Ok((format, paths))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if command == "bench" {
        let mb = match rest {
            [] => 100,
            [flag, n] if flag == "--mb" => match n.parse() {
                Ok(n) => n,
                Err(_) => {
                    eprintln!("runlens: bad size {n}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("usage: runlens bench [--mb N]");
                return ExitCode::from(2);
            }
        };
        return match bench::run(mb) {
            Ok(report) => {
                println!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("runlens bench: {e}");
                ExitCode::from(1)
            }
        };
    }
    if matches!(command.as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (format, paths) = match parse_format(rest) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("runlens: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if paths.is_empty()
        || !matches!(
            command.as_str(),
            "summary" | "points" | "nodes" | "diagnose" | "sched" | "nccl"
        )
    {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let dataset = match inputs::ingest_paths(&paths) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("runlens: {e}");
            return ExitCode::from(2);
        }
    };
    for d in &dataset.diagnostics {
        eprintln!("{d}");
    }
    let printed = match command.as_str() {
        "summary" => {
            print!("{}", summary::render(&dataset));
            Ok(())
        }
        "diagnose" => {
            print!("{}", diagnose::render(&dataset));
            Ok(())
        }
        "sched" => {
            print!("{}", sched::render_sched(&dataset, format == Format::Json));
            Ok(())
        }
        "nccl" => {
            print!("{}", sched::render_nccl(&dataset, format == Format::Json));
            Ok(())
        }
        "nodes" => match format {
            Format::Csv => points::write_nodes_csv(&dataset, std::io::stdout().lock()),
            Format::Json => points::write_nodes_json(&dataset, std::io::stdout().lock()),
        },
        _ => match format {
            Format::Csv => points::write_csv(&dataset, std::io::stdout().lock()),
            Format::Json => points::write_json(&dataset, std::io::stdout().lock()),
        },
    };
    if let Err(e) = printed {
        eprintln!("runlens: cannot write output: {e}");
        return ExitCode::from(1);
    }
    let read_something = match command.as_str() {
        "nodes" | "diagnose" => !dataset.worker_logs.is_empty() || !dataset.runs.is_empty(),
        "sched" => !dataset.scheduler.is_empty(),
        "nccl" => !dataset.p2p.is_empty(),
        _ => !dataset.runs.is_empty(),
    };
    if !read_something {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
