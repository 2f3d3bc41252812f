//! `runlens`: the native command line over runlens-core.
//!
//! `runlens summary PATH...` prints one line per run and the skipped runs, exactly what the web
//! page's summary shows. Paths may be run directories, parents of many runs, loose result files
//! or archives. Exit status: 0 when some runs were read, 1 when none, 2 on bad arguments.

mod inputs;
mod summary;

use std::process::ExitCode;

const USAGE: &str = "usage: runlens summary PATH...\n\n\
  summary   one line per run (id, generation, topology, GPUs, ISL/OSL, points, missing\n            concurrencies), then skipped runs and unreadable files with reasons";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, paths)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match command.as_str() {
        "summary" if !paths.is_empty() => {
            let dataset = match inputs::ingest_paths(paths) {
                Ok(ds) => ds,
                Err(e) => {
                    eprintln!("runlens: {e}");
                    return ExitCode::from(2);
                }
            };
            print!("{}", summary::render(&dataset));
            for d in &dataset.diagnostics {
                eprintln!("{d}");
            }
            if dataset.runs.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
