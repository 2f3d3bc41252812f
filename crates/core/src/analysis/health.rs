//! Health lints of one run: what makes its numbers suspect, each tied to the file (and line)
//! that shows it — the worker logs' findings (KV cache saturated, a growing queue, preempted or
//! retracted requests, CUDA graphs off, tracebacks, a log that stops while serving), points
//! whose requests failed or that the validity gate rejected, a concurrency above what the
//! servers were launched to run at once (SGLang `--max-running-requests`, vLLM `--max-num-seqs`,
//! TRT-LLM `max_batch_size`: the rest queue), and the run's own findings (GPU counts that
//! disagree, a node's clock off, prefill and decode capacities mismatched). One list per run; the page shows it as the run's health panel and a badge.

use std::collections::HashMap;
use std::fmt;

use super::clock_skew::clock_skews;
use super::rate_match::rate_match_of;
use crate::model::node_config::flag_key;
use crate::model::{
    Dataset, InvalidPoint, LogFinding, Run, RunFinding, RunWorkerLog, Service, Severity,
};

/// Launch flags that cap the requests a server runs at once, by their [`flag_key`] spelling.
const MAX_RUNNING_FLAGS: [&str; 3] = ["max_running_requests", "max_num_seqs", "max_batch_size"];

/// One health lint of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunLint {
    /// A worker log's finding.
    Log(LogFinding),
    /// Requests of a point failed (as its file counts them, else sent − completed).
    FailedRequests {
        source: String,
        concurrency: Option<u32>,
        failed: u64,
        sent: Option<u64>,
    },
    /// A point the validity gate rejected (left off the frontier unless put back).
    Invalid {
        source: String,
        concurrency: Option<u32>,
        reason: InvalidPoint,
    },
    /// The highest concurrency asked for exceeds what the serving workers run at once: the
    /// excess queues in the server, so latencies there include queueing.
    AboveMaxRunning {
        /// The launch log that set the cap (the first one), and its line.
        file: String,
        line: u64,
        flag: String,
        /// The cap summed over the run's serving workers.
        capacity: u64,
        workers: usize,
        concurrency: u32,
        /// Points above the cap.
        points: usize,
    },
    /// A run-level finding from discovery.
    Run { root: String, finding: RunFinding },
}

impl RunLint {
    pub fn severity(&self) -> Severity {
        match self {
            RunLint::Log(f) => f.severity(),
            RunLint::Invalid { .. } => Severity::Error,
            RunLint::FailedRequests { .. }
            | RunLint::AboveMaxRunning { .. }
            | RunLint::Run { .. } => Severity::Warning,
        }
    }

    /// The file that shows it.
    pub fn file(&self) -> &str {
        match self {
            RunLint::Log(f) => &f.file,
            RunLint::FailedRequests { source, .. } | RunLint::Invalid { source, .. } => source,
            RunLint::AboveMaxRunning { file, .. } => file,
            RunLint::Run { root, finding } => finding.file().unwrap_or(root),
        }
    }

    /// Its line in [`Self::file`], where one line shows it.
    /// `file:line`, or the file alone when no line shows the lint.
    pub fn place(&self) -> String {
        match self.line() {
            Some(line) => format!("{}:{line}", self.file()),
            None => self.file().to_owned(),
        }
    }

    pub fn line(&self) -> Option<u64> {
        match self {
            RunLint::Log(f) => Some(f.finding.line()),
            RunLint::AboveMaxRunning { line, .. } => Some(*line),
            RunLint::Run { finding, .. } => finding.line(),
            _ => None,
        }
    }
}

fn at(concurrency: &Option<u32>) -> String {
    concurrency.map_or_else(|| "a point".into(), |c| format!("concurrency {c}"))
}

impl fmt::Display for RunLint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunLint::Log(l) => write!(f, "{}", l.finding),
            RunLint::FailedRequests {
                concurrency,
                failed,
                sent,
                ..
            } => match sent {
                Some(sent) => write!(
                    f,
                    "{failed} of {sent} requests failed at {}",
                    at(concurrency)
                ),
                None => write!(f, "{failed} requests failed at {}", at(concurrency)),
            },
            RunLint::Invalid {
                concurrency,
                reason,
                ..
            } => write!(
                f,
                "{} is not a valid measurement: {reason}",
                at(concurrency)
            ),
            RunLint::AboveMaxRunning {
                flag,
                capacity,
                workers,
                concurrency,
                points,
                ..
            } => write!(
                f,
                "concurrency {concurrency} exceeds the {capacity} requests the {workers} serving \
                 worker(s) run at once (--{}){}: the excess queues in the server",
                flag.replace('_', "-"),
                if *points > 1 {
                    format!(" — {points} points above it")
                } else {
                    String::new()
                }
            ),
            RunLint::Run { finding, .. } => write!(f, "{finding}"),
        }
    }
}

/// The cap on running requests of one worker log: (flag, value, line) of its first launch that
/// sets one.
fn max_running(log: &crate::model::WorkerLog) -> Option<(String, u64, u64)> {
    log.launches.iter().find_map(|l| {
        l.flags.iter().find_map(|(k, v)| {
            let key = flag_key(k);
            let n = v.trim().parse::<u64>().ok().filter(|n| *n > 0)?;
            MAX_RUNNING_FLAGS
                .contains(&key.as_str())
                .then_some((key, n, l.line))
        })
    })
}

/// Every health lint of `run`, worker-log findings first, in file order.
pub fn run_lints(ds: &Dataset, run: &Run) -> Vec<RunLint> {
    let logs: Vec<_> = ds
        .worker_logs
        .iter()
        .filter(|l| l.run_key == run.key)
        .collect();
    lints_of(run, &logs)
}

fn lints_of(run: &Run, logs: &[&RunWorkerLog]) -> Vec<RunLint> {
    let mut out: Vec<RunLint> = logs
        .iter()
        .flat_map(|l| l.log.findings.iter().cloned().map(RunLint::Log))
        .collect();
    for p in &run.points {
        if let Some(reason) = &p.invalid {
            out.push(RunLint::Invalid {
                source: p.source.clone(),
                concurrency: p.concurrency,
                reason: reason.clone(),
            });
        } else if let Some(failed) = p
            .failed_requests
            .or_else(|| p.num_prompts?.checked_sub(p.completed?))
            .filter(|f| *f > 0)
        {
            out.push(RunLint::FailedRequests {
                source: p.source.clone(),
                concurrency: p.concurrency,
                failed,
                sent: p.num_prompts.filter(|n| *n > 0),
            });
        }
    }
    let serving: Vec<_> = logs
        .iter()
        .filter(|l| matches!(l.log.identity.service, Service::Decode | Service::Agg))
        .filter_map(|l| max_running(&l.log).map(|cap| (l.log.path.clone(), cap)))
        .collect();
    if let Some((file, (flag, _, line))) = serving.first().cloned() {
        let capacity: u64 = serving.iter().map(|(_, (_, n, _))| n).sum();
        let above: Vec<u32> = run
            .points
            .iter()
            .filter_map(|p| p.concurrency)
            .filter(|c| u64::from(*c) > capacity)
            .collect();
        if let Some(&concurrency) = above.iter().max() {
            out.push(RunLint::AboveMaxRunning {
                file,
                line,
                flag,
                capacity,
                workers: serving.len(),
                concurrency,
                points: above.len(),
            });
        }
    }
    out.extend(run.findings.iter().cloned().map(|finding| RunLint::Run {
        root: run.root.clone(),
        finding,
    }));
    out
}

/// Add to each run the findings only its worker logs' samples show — nodes whose clocks are
/// off ([`clock_skews`]) and a prefill/decode capacity mismatch ([`rate_match`]) — while the
/// samples are at hand (the page receives the dataset without them). Logs are indexed once.
pub fn attach_sample_findings(ds: &mut Dataset) {
    let by_run = logs_by_run(ds);
    let found: Vec<(usize, Vec<RunFinding>)> = ds
        .runs
        .iter()
        .enumerate()
        .filter_map(|(i, run)| {
            let logs = by_run.get(run.key.as_str())?;
            let mut f: Vec<RunFinding> = clock_skews(logs).iter().map(|s| s.finding()).collect();
            f.extend(rate_match_of(run, logs, &[]).and_then(|m| m.finding()));
            (!f.is_empty()).then_some((i, f))
        })
        .collect();
    for (i, f) in found {
        if let Some(run) = ds.runs.get_mut(i) {
            run.findings.extend(f);
        }
    }
}

/// The worker logs of each run, by run key (indexed once, so 10 000 runs stay cheap).
fn logs_by_run(ds: &Dataset) -> HashMap<&str, Vec<&RunWorkerLog>> {
    let mut by_run: HashMap<&str, Vec<&RunWorkerLog>> = HashMap::new();
    for l in &ds.worker_logs {
        by_run.entry(l.run_key.as_str()).or_default().push(l);
    }
    by_run
}

/// Every run's lints, in the order of `ds.runs` (what [`run_lints`] gives each run, with the
/// logs indexed once instead of scanned per run).
pub fn lints_by_run(ds: &Dataset) -> Vec<Vec<RunLint>> {
    let by_run = logs_by_run(ds);
    ds.runs
        .iter()
        .map(|r| lints_of(r, by_run.get(r.key.as_str()).map_or(&[][..], Vec::as_slice)))
        .collect()
}

/// The number of warning and error lints of each run by run key; informational ones are
/// listed but not counted.
pub fn lint_counts(ds: &Dataset) -> HashMap<String, usize> {
    ds.runs
        .iter()
        .zip(lints_by_run(ds))
        .map(|(r, lints)| {
            let n = lints
                .iter()
                .filter(|l| l.severity() != Severity::Info)
                .count();
            (r.key.clone(), n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ingest;

    #[test]
    fn lints_name_their_file_and_line() {
        let mut ingest = Ingest::new();
        let result = |c: u32, failed: u32| {
            format!(
                r#"{{"date": "20260101-000000", "max_concurrency": {c}, "num_prompts": 100, "completed": {},
                "duration": 10.0, "request_throughput": 1.0, "output_throughput": 100.0, "total_token_throughput": 200.0,
                "mean_ttft_ms": 10.0, "mean_tpot_ms": 5.0}}"#,
                100 - failed
            )
        };
        ingest.add_bytes("r/results_concurrency_8.json", result(8, 3).as_bytes());
        ingest.add_bytes("r/results_concurrency_64.json", result(64, 0).as_bytes());
        ingest.add_bytes("r/results_concurrency_128.json", result(128, 0).as_bytes());
        ingest.add_bytes(
            "r/logs/n1_decode_w0.err",
            b"+ python3 -m sglang.launch_server --model-path m --max-running-requests 48\n\
              [2026-01-01 00:00:00] Decode batch, #running-req: 10, gen throughput (token/s): 100\n\
              Traceback (most recent call last):\n",
        );
        let ds = ingest.dataset();
        assert_eq!(ds.runs.len(), 1, "{:?}", ds.skipped);
        // Loose result files and the logs folder beside them are one run.
        assert_eq!(ds.worker_logs[0].run_key, ds.runs[0].key);
        let lints = run_lints(&ds, &ds.runs[0]);
        assert_eq!(lints_by_run(&ds), vec![lints.clone()], "indexed = per run");
        assert_eq!(
            lints[0].place(),
            format!("{}:{}", lints[0].file(), lints[0].line().unwrap())
        );
        assert!(
            lints
                .iter()
                .any(|l| matches!(l, RunLint::Log(f) if f.file.ends_with("n1_decode_w0.err"))),
            "{lints:?}"
        );
        let failed = lints
            .iter()
            .find(|l| matches!(l, RunLint::FailedRequests { .. }))
            .expect("failed requests");
        assert!(failed.file().ends_with("results_concurrency_8.json"));
        assert_eq!(
            failed.to_string(),
            "3 of 100 requests failed at concurrency 8"
        );
        let above = lints
            .iter()
            .find(|l| matches!(l, RunLint::AboveMaxRunning { .. }))
            .expect("above the cap");
        assert!(matches!(
            above,
            RunLint::AboveMaxRunning {
                capacity: 48,
                concurrency: 128,
                points: 2,
                line: 1,
                ..
            }
        ));
        assert_eq!(above.line(), Some(1));
        let serious = lints
            .iter()
            .filter(|l| l.severity() != Severity::Info)
            .count();
        assert_eq!(lint_counts(&ds)[&ds.runs[0].key], serious);
    }
}
