//! Prefill/decode rate matching of a disaggregated run: what each side was measured to deliver,
//! which side bounds the cluster's throughput, and the xPyD ratio those rates suggest.
//!
//! **Capacity** of a side is the sustained peak of its cluster rate — the 95th percentile of the
//! busy (non-zero) buckets of prefill input tok/s or decode generation tok/s, summed over the
//! side's workers — turned into requests per second by the run's ISL (prefill) or OSL (decode)
//! and divided by the side's worker count. A side that never saturated was measured below what
//! it can do, so a capacity is a lower bound, and the side with the lower one bounds throughput.
//!
//! **Matching** xP and yD means x × prefill capacity = y × decode capacity: the suggested ratio is
//! prefill workers per decode worker = decode capacity ÷ prefill capacity, written as the
//! nearest `xPyD` with at most [`MAX_SUGGESTED_WORKERS`] workers a side.
//!
//! **Per window**, the demand is the requests decode retired per second (mean generation tok/s
//! ÷ OSL); each side's utilisation is that demand over its cluster capacity, and the bound side
//! is the one closer to saturation — where it changes between windows, the bottleneck flips.

use serde::{Deserialize, Serialize};

use super::aggregate::{aggregate, bucket_width, Grouping, Reducer};
use super::stats::percentile;
use super::windows::BenchmarkWindow;
use crate::model::{Dataset, Run, RunFinding, RunWorkerLog, SampleKind, Service, Topology};

/// How far apart (as a ratio) the two sides' capacities may be before one bounds throughput
/// enough to lint.
pub const MISMATCH_RATIO: f64 = 1.5;

/// The most workers a side of a suggested ratio has.
pub const MAX_SUGGESTED_WORKERS: u32 = 8;

/// The busy-bucket percentile taken as a side's sustained peak.
const PEAK_QUANTILE: f64 = 0.95;

/// One side (prefill or decode) of a disaggregated run, as measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideCapacity {
    pub workers: u32,
    /// Sustained peak of the side's cluster rate, tokens/s.
    pub peak_tokens_s: f64,
    /// Per worker, requests/s (tokens ÷ ISL for prefill, ÷ OSL for decode).
    pub requests_s_per_worker: f64,
    /// The log of the side's highest sample and its line: where to look.
    pub file: String,
    pub line: u64,
}

impl SideCapacity {
    /// Requests/s the whole side delivers at its measured capacity.
    pub fn cluster_requests_s(&self) -> f64 {
        self.requests_s_per_worker * f64::from(self.workers)
    }
}

pub use crate::model::PdSide as Side;

/// One benchmark window's demand against both sides' capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowDemand {
    pub label: String,
    pub concurrency: Option<u32>,
    /// Requests decode retired per second over the window (mean gen tok/s ÷ OSL).
    pub requests_s: f64,
    /// Demand ÷ the side's cluster capacity (1 = at its measured peak).
    pub prefill_utilisation: f64,
    pub decode_utilisation: f64,
    pub bound: Side,
}

/// The rate match of one disaggregated run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateMatch {
    pub isl: u32,
    pub osl: u32,
    /// Width of the buckets the peaks are taken over, seconds.
    pub bucket_s: f64,
    pub prefill: SideCapacity,
    pub decode: SideCapacity,
    /// Prefill's cluster capacity over decode's (1 = matched; above 1, decode bounds).
    pub ratio: f64,
    /// Prefill workers per decode worker that would match the measured capacities.
    pub prefill_per_decode: f64,
    /// That ratio as the nearest `(x, y)` of at most [`MAX_SUGGESTED_WORKERS`] a side.
    pub suggested: (u32, u32),
    pub windows: Vec<WindowDemand>,
}

impl RateMatch {
    /// The side that bounds the cluster's throughput at the measured capacities.
    pub fn bound(&self) -> Side {
        if self.ratio >= 1.0 {
            Side::Decode
        } else {
            Side::Prefill
        }
    }

    /// Whether the capacities differ by more than [`MISMATCH_RATIO`].
    pub fn mismatched(&self) -> bool {
        self.ratio > MISMATCH_RATIO || self.ratio < 1.0 / MISMATCH_RATIO
    }

    /// The lint when [`Self::mismatched`].
    pub fn finding(&self) -> Option<RunFinding> {
        if !self.mismatched() {
            return None;
        }
        let bound = self.bound();
        let at = if bound == Side::Prefill {
            &self.prefill
        } else {
            &self.decode
        };
        Some(RunFinding::RateMismatch {
            bound,
            ratio: self.ratio,
            prefill_workers: self.prefill.workers,
            prefill_requests_s: self.prefill.requests_s_per_worker,
            decode_workers: self.decode.workers,
            decode_requests_s: self.decode.requests_s_per_worker,
            suggested: self.suggested,
            file: at.file.clone(),
            line: at.line,
        })
    }

    /// The suggestion as `2P3D`.
    pub fn suggested_label(&self) -> String {
        format!("{}P{}D", self.suggested.0, self.suggested.1)
    }

    /// Concurrencies (or window labels) after which the bound side changes, in window order.
    pub fn flips(&self) -> Vec<(String, Side)> {
        self.windows
            .windows(2)
            .filter(|w| w[0].bound != w[1].bound)
            .map(|w| (w[1].label.clone(), w[1].bound))
            .collect()
    }
}

/// `(x, y)` with x, y ≤ `max` whose x ÷ y is nearest `r` (relative error; fewer workers on a
/// tie).
pub fn nearest_ratio(r: f64, max: u32) -> (u32, u32) {
    let mut best = (1, 1, f64::INFINITY);
    if !(r.is_finite() && r > 0.0) {
        return (1, 1);
    }
    for y in 1..=max {
        for x in 1..=max {
            let err = (f64::from(x) / f64::from(y) / r).ln().abs();
            if err + 1e-12 < best.2 {
                best = (x, y, err);
            }
        }
    }
    (best.0, best.1)
}

/// Worker count of one side: the topology's, else the distinct workers of its logs.
fn worker_count(run: &Run, logs: &[&RunWorkerLog], service: Service) -> u32 {
    if let Some(Topology::Disaggregated {
        prefill_workers,
        decode_workers,
    }) = run.topology.as_ref().map(|t| t.value)
    {
        let n = if service == Service::Prefill {
            prefill_workers
        } else {
            decode_workers
        };
        if n > 0 {
            return n;
        }
    }
    let mut ids: Vec<String> = logs
        .iter()
        .map(|l| {
            let id = &l.log.identity;
            match (&id.node, &id.worker_id) {
                (_, Some(w)) => format!("{:?}/{w}", id.node),
                (Some(n), None) => n.clone(),
                (None, None) => l.log.path.clone(),
            }
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids.len().max(1) as u32
}

/// The side's capacity from its logs' `field` samples of `kind`, or `None` without samples.
fn side(
    run: &Run,
    logs: &[&RunWorkerLog],
    service: Service,
    kind: SampleKind,
    field: &str,
    tokens_per_request: u32,
    bucket_s: f64,
) -> Option<SideCapacity> {
    let logs: Vec<&RunWorkerLog> = logs
        .iter()
        .copied()
        .filter(|l| l.log.identity.service == service)
        .collect();
    let cluster = aggregate(
        &logs,
        kind,
        field,
        Grouping::Cluster,
        Reducer::Sum,
        bucket_s,
    );
    let mut busy: Vec<f64> = cluster
        .first()?
        .values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    if busy.is_empty() || tokens_per_request == 0 {
        return None;
    }
    let peak_tokens_s = percentile(&mut busy, PEAK_QUANTILE);
    let (file, line) = logs
        .iter()
        .flat_map(|l| {
            l.log
                .series
                .iter()
                .filter(|s| s.kind == kind)
                .filter_map(|s| {
                    let (i, v) = s
                        .column(field)?
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| v.is_finite())
                        .reduce(|a, b| if b.1 > a.1 { b } else { a })?;
                    Some((*v, l.log.path.as_str(), s.line.get(i).copied().unwrap_or(0)))
                })
        })
        .reduce(|a, b| if b.0 > a.0 { b } else { a })
        .map(|(_, f, l)| (f.to_owned(), l))?;
    let workers = worker_count(run, &logs, service);
    Some(SideCapacity {
        workers,
        peak_tokens_s,
        requests_s_per_worker: peak_tokens_s / f64::from(tokens_per_request) / f64::from(workers),
        file,
        line,
    })
}

fn mean_in(rows: &[[f64; 2]]) -> Option<f64> {
    let v: Vec<f64> = rows
        .iter()
        .map(|r| r[1])
        .filter(|v| v.is_finite())
        .collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The rate match of `run` (SGLang prefill and decode worker logs, ISL and OSL known) with its
/// benchmark `windows`; `None` when it is not disaggregated or a side logged no rates.
pub fn rate_match(ds: &Dataset, run: &Run, windows: &[BenchmarkWindow]) -> Option<RateMatch> {
    let logs: Vec<&RunWorkerLog> = ds
        .worker_logs
        .iter()
        .filter(|l| l.run_key == run.key)
        .collect();
    rate_match_of(run, &logs, windows)
}

pub(crate) fn rate_match_of(
    run: &Run,
    logs: &[&RunWorkerLog],
    windows: &[BenchmarkWindow],
) -> Option<RateMatch> {
    let (isl, osl) = (run.isl.as_ref()?.value, run.osl.as_ref()?.value);
    let start = logs
        .iter()
        .filter_map(|l| l.run_start_s.or_else(|| l.log.start_s()))
        .reduce(f64::min)?;
    let end = logs
        .iter()
        .flat_map(|l| l.log.series.iter())
        .filter_map(|s| s.time_s.iter().rev().find(|t| t.is_finite()).copied())
        .fold(start, f64::max);
    let bucket_s = bucket_width(end - start, 1.0);
    let prefill = side(
        run,
        logs,
        Service::Prefill,
        SampleKind::Prefill,
        "input_throughput",
        isl,
        bucket_s,
    )?;
    let decode = side(
        run,
        logs,
        Service::Decode,
        SampleKind::Decode,
        "gen_throughput",
        osl,
        bucket_s,
    )?;
    let (p, d) = (prefill.cluster_requests_s(), decode.cluster_requests_s());
    if !(p > 0.0 && d > 0.0) {
        return None;
    }
    let prefill_per_decode = decode.requests_s_per_worker / prefill.requests_s_per_worker;
    let windows = windows
        .iter()
        .filter_map(|w| {
            let requests_s = mean_in(&w.gen_throughput)? / f64::from(osl);
            let (pu, du) = (requests_s / p, requests_s / d);
            Some(WindowDemand {
                label: w.label(),
                concurrency: w.concurrency,
                requests_s,
                prefill_utilisation: pu,
                decode_utilisation: du,
                bound: if pu > du { Side::Prefill } else { Side::Decode },
            })
        })
        .collect();
    Some(RateMatch {
        isl,
        osl,
        bucket_s,
        ratio: p / d,
        prefill_per_decode,
        suggested: nearest_ratio(prefill_per_decode, MAX_SUGGESTED_WORKERS),
        prefill,
        decode,
        windows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ingest;

    #[test]
    fn nearest_ratios() {
        assert_eq!(nearest_ratio(1.0, 8), (1, 1));
        assert_eq!(nearest_ratio(0.25, 8), (1, 4));
        assert_eq!(nearest_ratio(2.4, 8), (7, 3));
        assert_eq!(nearest_ratio(0.5, 8), (1, 2));
        assert_eq!(nearest_ratio(100.0, 8), (8, 1));
        assert_eq!(nearest_ratio(f64::NAN, 8), (1, 1));
    }

    /// A 1P1D run whose prefill sustains 20 000 input tok/s (ISL 1000: 20 req/s) and whose
    /// decode peaks at 5 000 gen tok/s (OSL 1000: 5 req/s): decode bounds, 1P4D would match.
    fn mismatched() -> crate::model::Dataset {
        let mut ingest = Ingest::new();
        let mut prefill = String::from(
            "+ python3 -m sglang.launch_server --model-path m --disaggregation-mode prefill\n",
        );
        let mut decode = String::from(
            "+ python3 -m sglang.launch_server --model-path m --disaggregation-mode decode\n",
        );
        for s in 0..60 {
            let input = if s % 2 == 0 { 20_000 } else { 0 };
            prefill += &format!(
                "[2026-01-01 00:00:{s:02}] Prefill batch, #new-seq: 1, #new-token: 1000, #cached-token: 0, token usage: 0.10, #running-req: 0, #queue-req: 0, input throughput (token/s): {input}.00,\n"
            );
            // Ramps up over the first 10 s, then holds 5 000.
            let gen = 500 * (s + 1).min(10);
            decode += &format!(
                "[2026-01-01 00:00:{s:02}] Decode batch, #running-req: 64, #token: 1000, token usage: 0.50, gen throughput (token/s): {gen}.00, #queue-req: 0,\n"
            );
        }
        ingest.add_bytes(
            "1234_1P_1D_20260101_000000/logs/n1_prefill_w0.err",
            prefill.as_bytes(),
        );
        ingest.add_bytes(
            "1234_1P_1D_20260101_000000/logs/n2_decode_w0.err",
            decode.as_bytes(),
        );
        ingest.add_bytes(
            "1234_1P_1D_20260101_000000/vllm_isl_1000_osl_1000/results_concurrency_64.json",
            br#"{"date": "20260101-000100", "max_concurrency": 64, "num_prompts": 100, "completed": 100,
            "duration": 50.0, "request_throughput": 5.0, "output_throughput": 5000.0, "total_token_throughput": 10000.0,
            "mean_ttft_ms": 10.0, "mean_tpot_ms": 5.0}"#,
        );
        ingest.dataset()
    }

    #[test]
    fn decode_bound_run_suggests_more_decode() {
        let ds = mismatched();
        let run = &ds.runs[0];
        let windows = super::super::windows::benchmark_windows(&ds, &run.key);
        let m = rate_match(&ds, run, &windows).expect("rate match");
        assert_eq!((m.prefill.workers, m.decode.workers), (1, 1));
        assert!(
            (m.prefill.requests_s_per_worker - 20.0).abs() < 1e-9,
            "{m:?}"
        );
        assert!((m.decode.requests_s_per_worker - 5.0).abs() < 1e-9, "{m:?}");
        assert!((m.ratio - 4.0).abs() < 1e-9);
        assert_eq!(m.bound(), Side::Decode);
        assert!(m.mismatched());
        assert_eq!(m.suggested_label(), "1P4D");
        assert!(m.decode.file.ends_with("n2_decode_w0.err"));
        assert_eq!(
            m.decode.line, 11,
            "first sample at the peak: line 1 is the launch"
        );
        let w = &m.windows[0];
        assert_eq!(w.concurrency, Some(64));
        assert_eq!(w.bound, Side::Decode);
        assert!(
            w.decode_utilisation > 0.8 && w.decode_utilisation <= 1.0,
            "{w:?}"
        );
        assert!((w.prefill_utilisation * 4.0 - w.decode_utilisation).abs() < 1e-9);
        // The ingest lints it, tied to decode's peak line.
        let lints = super::super::health::run_lints(&ds, run);
        let lint = lints
            .iter()
            .find(|l| {
                matches!(
                    l,
                    super::super::health::RunLint::Run {
                        finding: RunFinding::RateMismatch {
                            bound: Side::Decode,
                            suggested: (1, 4),
                            ..
                        },
                        ..
                    }
                )
            })
            .expect("rate mismatch lint");
        assert!(lint.file().ends_with("n2_decode_w0.err"));
        assert_eq!(lint.line(), Some(11));
        assert_eq!(
            lint.to_string(),
            "prefill can take 4.0× the requests decode can: prefill measured 20.00 req/s per \
             worker × 1, decode 5.00 × 1, so decode bounds throughput; 1P4D would match these rates"
        );
    }

    #[test]
    fn matched_rates_are_not_linted() {
        // Within MISMATCH_RATIO of each other, the capacities are a match.
        let ds = mismatched();
        let run = &ds.runs[0];
        let mut m = rate_match(&ds, run, &[]).expect("rate match");
        m.ratio = 1.2;
        assert!(!m.mismatched() && m.finding().is_none());
    }
}
