//! The command line's grammar: every subcommand, option and format as clap derive types, the
//! help texts (with the exit statuses) and the shell completion scripts generated from them.
//! Parsing only: what each command does lives in `main.rs` and the printer modules.

use std::path::PathBuf;

use clap::builder::{PathBufValueParser, TypedValueParser};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// Exit statuses, shown at the end of `runlens --help` (lines short enough not to be rewrapped).
const EXIT_STATUS: &str = "\
Exit status:
  0  something was read: a run with results (summary, points), a run or a
     worker log (nodes, diagnose), a set of scheduler CSVs (sched), a set of
     P2P NCCL logs (nccl); bench or completions succeeded; or the reader
     closed stdout early (broken pipe)
  1  nothing was read, or the output could not be written
  2  bad arguments: unknown command or option, unsupported format, missing
     path
  3  compare: a verdict named by --fail-on occurred";

/// How PATH arguments are read, shown at the end of each reading command's help (one
/// paragraph: clap wraps it to the terminal).
const PATHS_HELP: &str = "PATH may be a run directory, a parent of many runs, a loose result \
    file, an archive (.tar.gz, .tgz, .tar, .tar.zst, .tar.xz, .zip, a compressed file; archives \
    inside archives too) or a saved dataset (.runlens, from `runlens save` or the page). \
    Directories are walked in name order; dot folders (.git, .hg, .svn, ...) are skipped, \
    symbolic links are followed except back into a folder being walked, and FIFOs, sockets and \
    devices are skipped with a warning. Problems go to stderr with the file name.";

/// The end of a reading command's help: how paths are read, and its exit status.
fn reading_help(what: &str) -> String {
    format!(
        "{PATHS_HELP}\n\nExit status: 0 when {what} was read, 1 when nothing was (or the output \
         could not be written), 2 on bad arguments."
    )
}

/// runlens: LLM-inference benchmark runs (srt-slurm, SGLang, vLLM, TRT-LLM) on the command line.
#[derive(Debug, Parser)]
#[command(
    name = "runlens",
    version,
    after_help = EXIT_STATUS,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One line per run (id, generation, topology, GPUs, ISL/OSL, points, missing
    /// concurrencies), then skipped runs and files not understood.
    #[command(after_help = reading_help("a run with results"))]
    Summary {
        /// text: the aligned table; csv: one row per run; json: runs, skipped runs, unread files.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// One row per (run, concurrency): the srt-slurm dashboard's columns in its order, then
    /// runlens' extra columns. Missing values are empty (csv), `-` (text) or null (json).
    #[command(after_help = reading_help("a run with results"))]
    Points {
        /// csv: RFC 4180 with a header; json: an array of objects; text: an aligned table.
        #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
        format: TableFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// One row per worker-log sample: run, worker, node, service, dp, tp, ep, timestamp,
    /// elapsed_s, kind, then every field.
    #[command(after_help = reading_help("a run or a worker log"))]
    Nodes {
        /// csv: RFC 4180 with a header; json: an array of objects; text: an aligned table.
        #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
        format: TableFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Per worker log: format, lines understood / ignored, ignored lines that look like
    /// metrics, health findings; then every diagnostic and file not understood.
    #[command(after_help = reading_help("a run or a worker log"))]
    Diagnose {
        /// text: per log, indented; json: worker_logs (coverage, findings), diagnostics, unread files.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// vLLM scheduler-logging CSVs, per folder: requests, TTFT/TPOT/E2E mean p50 p90 p99 (ms),
    /// preemption rate, KV cache utilisation, mean batch size.
    #[command(after_help = reading_help("a set of scheduler CSVs"))]
    Sched {
        /// text: one block per folder; json: an array, one object per folder.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// vLLM P2P NCCL connector logs, per folder: ranks, connections with durations,
    /// incomplete connections (hangs), warnings.
    #[command(after_help = reading_help("a set of P2P NCCL logs"))]
    Nccl {
        /// text: one block per folder; json: an array, one object per folder.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Compare a candidate against a baseline: every matched (concurrency, request rate) point
    /// and metric with its change, a 99 % interval, the minimum detectable effect and a verdict
    /// (better / worse / unchanged / can't tell) with its basis; the Pareto curves' ratio at
    /// equal interactivity; the configuration that differs.
    #[command(after_help = COMPARE_HELP)]
    Compare {
        /// The baseline: a run directory, a parent of several runs (compared as one group: repeated
        /// points are trials), a result file or an archive.
        #[arg(value_name = "BASELINE", value_hint = clap::ValueHint::AnyPath,
              value_parser = PathBufValueParser::new().try_map(readable_path))]
        baseline: PathBuf,
        /// The candidate, read the same way; give several to compare each with the baseline.
        #[arg(value_name = "CANDIDATE", value_hint = clap::ValueHint::AnyPath, required = true,
              num_args = 1.., value_parser = PathBufValueParser::new().try_map(readable_path))]
        candidates: Vec<PathBuf>,
        /// text: tables; json: the whole comparison (rows: one object per point and metric), an
        /// array of them for several candidates; markdown: a summary to paste into a pull
        /// request; csv: the rows at full precision (behind a `candidate` column for several).
        #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
        format: CompareFormat,
        /// Exit with status 3 when any row gets one of these verdicts (comma-separated:
        /// worse, better, unchanged, cant-tell).
        #[arg(long, value_name = "VERDICTS", value_delimiter = ',')]
        fail_on: Vec<runlens_core::analysis::compare::Verdict>,
        /// Also give the throughput ratio at this TPS/User.
        #[arg(long, value_name = "TPS_PER_USER")]
        at: Option<f64>,
        /// Take the curves' mean heights (area ÷ width) over this TPS/User range, cut to the
        /// range both frontiers cover, instead of the whole shared range: `--area 20,60`.
        #[arg(long, value_name = "LO,HI", value_parser = tps_range)]
        area: Option<(f64, f64)>,
    },
    /// Judge every point against a service-level objective — TTFT, TPOT and E2E latency limits
    /// that a share of requests must meet — and give each run's fastest point that meets it.
    /// Attainment and goodput come from per-request rows when the result files have them
    /// (bench_serving arrays, AIPerf profile_export.jsonl), else the summary percentile
    /// matching the share decides (50, 90 or 99 %), else the verdict is "can't tell".
    #[command(after_help = reading_help("a run or result files"))]
    #[command(group(clap::ArgGroup::new("limits").required(true).multiple(true).args(["ttft", "tpot", "e2el"])))]
    Slo {
        /// Time to first token limit, ms.
        #[arg(long, value_name = "MS")]
        ttft: Option<f64>,
        /// Time per output token limit, ms.
        #[arg(long, value_name = "MS")]
        tpot: Option<f64>,
        /// End-to-end latency limit, ms.
        #[arg(long, value_name = "MS")]
        e2el: Option<f64>,
        /// Share of requests that must meet every limit, percent.
        #[arg(long, value_name = "PERCENT", default_value_t = 90.0, value_parser = percent)]
        attainment: f64,
        /// text: per run, its points and the best one; json: the same as objects.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Each run's health lints, with the file and line that shows each: worker-log findings (KV
    /// cache saturated, growing queues, preemptions, CUDA graphs off, tracebacks, logs that stop
    /// while serving), failed requests, invalid points, concurrency above the servers'
    /// running-request cap, conflicting run facts.
    #[command(after_help = reading_help("a run"))]
    Health {
        /// text: per run, one line per lint; json: the same as objects.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Each run's benchmark windows on its servers' clock (from the result files' time stamps
    /// and durations) with their steady state: the longest stretch whose requests in flight stay
    /// at or above a share of the window's peak, and in-flight requests and generation
    /// throughput over the window and over that stretch.
    #[command(after_help = reading_help("a run with worker logs"))]
    Windows {
        /// The share of a window's peak in-flight requests the steady state keeps, percent.
        #[arg(long, value_name = "PERCENT", default_value_t = 90.0, value_parser = percent)]
        steady: f64,
        /// text: per run, one row per window; json: the same as objects.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Save the parsed dataset as a `.runlens` file: every command (and the page) reads it back
    /// in a fraction of the parse time.
    #[command(after_help = reading_help("a run, a worker log, a scheduler or P2P set"))]
    Save {
        /// The file to write (conventionally `*.runlens`).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Write a self-contained HTML report (the one-file app with the dataset embedded): it opens
    /// offline on any machine with every tab live. `--redact` replaces host names, IPs, user
    /// names, paths, model names, environment values or tags by stable pseudonyms (node-1, ...).
    #[command(after_help = reading_help("a run, a worker log, a scheduler or P2P set"))]
    Report {
        /// The HTML file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// What to replace (comma-separated): hosts, ips, users, paths, models, env, tags, or all.
        #[arg(long, value_name = "KINDS", value_delimiter = ',')]
        redact: Vec<String>,
        /// The view to open on, as the page's URL hash (e.g. `#tab=latency&stat=p99`).
        #[arg(long, value_name = "HASH", default_value = "")]
        view: String,
        #[command(flatten)]
        inputs: Inputs,
    },
    /// Worker-log and scheduler-CSV parse speed on generated inputs, as one JSON line.
    Bench {
        /// Size of each generated input, in MiB.
        #[arg(long, value_name = "N", default_value_t = 100)]
        mb: usize,
    },
    /// Print a shell completion script to stdout, e.g.
    /// `runlens completions bash > ~/.local/share/bash-completion/completions/runlens`.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// The inputs of every reading command.
#[derive(Debug, Args)]
pub struct Inputs {
    /// Run directories, parents of runs, loose result files or archives.
    #[arg(
        value_name = "PATH",
        required = true,
        value_hint = clap::ValueHint::AnyPath,
        value_parser = PathBufValueParser::new().try_map(readable_path)
    )]
    pub paths: Vec<PathBuf>,
}

/// Formats of the commands that print a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Text,
    Csv,
    Json,
}

/// `LO,HI`: two positive TPS/User values.
fn tps_range(text: &str) -> Result<(f64, f64), String> {
    let bad = || format!("expected LO,HI (two positive numbers), got `{text}`");
    let (lo, hi) = text.split_once(',').ok_or_else(bad)?;
    let num = |v: &str| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    Ok((num(lo).ok_or_else(bad)?, num(hi).ok_or_else(bad)?))
}

/// Formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Text,
    Json,
    Markdown,
    Csv,
}

const COMPARE_HELP: &str =
    "Verdicts: intervals at 99 % confidence from a bootstrap of per-request \
    rows (result files with ttfts/itls/output_lens), from repeated trials (several runs per side), \
    from the summaries' mean ± std, or from the producer's own intervals; better/worse when the \
    whole interval is beyond ±1 %, unchanged when it lies within ±2 %, otherwise can't tell. One \
    summary per side gives no interval: can't tell.\n\nExit status: 0 compared, 1 no point \
    matched (or nothing read, or the output failed), 2 bad arguments, 3 a verdict named by \
    --fail-on occurred (for any candidate).";

/// Formats of the commands that print a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// A share of requests in percent: above 0, at most 100.
fn percent(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|v| *v > 0.0 && *v <= 100.0)
        .ok_or_else(|| format!("{text:?} is not a percentage above 0 and at most 100"))
}

/// A PATH argument must exist and be reachable: a missing one is a usage error (exit 2).
fn readable_path(path: PathBuf) -> Result<PathBuf, String> {
    match std::fs::metadata(&path) {
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err("no such file or directory".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The completion script of `shell`, generated from the grammar above.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    // Generated into memory: clap_complete panics when its writer fails.
    clap_complete::generate(shell, &mut Cli::command(), "runlens", &mut script);
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }
}
