//! Node-metric aggregation for charts: per worker, grouped by DP rank, or the whole cluster,
//! with the reduction (mean or sum) stated in the result so a chart can label it.
//!
//! Samples are put in time buckets (seconds since the run's start). Within a bucket each member
//! series is first averaged over its own samples, so a chatty rank does not outweigh a quiet
//! one; members are then reduced with the chosen mean or sum. A DP-attention file carrying
//! several DP ranks contributes one member per rank.

use serde::{Deserialize, Serialize};

use crate::model::{RunWorkerLog, SampleKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// One line per worker and rank.
    PerWorker,
    /// One line per DP rank across workers.
    ByDpRank,
    /// One line for every worker of the run.
    Cluster,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reducer {
    Mean,
    Sum,
}

/// One line of a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregatedSeries {
    pub label: String,
    /// How members were combined (`None` for a single member shown as is).
    pub reducer: Option<Reducer>,
    /// Series combined into this line.
    pub members: usize,
    /// Seconds since the run's start (bucket starts).
    pub elapsed_s: Vec<f64>,
    pub values: Vec<f64>,
}

/// An `f32` sample as the decimal it was written as (`0.52`, not `0.5199999809265137`): logs
/// print at most 7 significant digits, which `f32` holds exactly.
pub fn f32_as_decimal(v: f32) -> f64 {
    let d = f64::from(v);
    // Whole numbers (counts: most fields) are exact already.
    if d == d.trunc() || !d.is_finite() {
        return d;
    }
    let scale = 10f64.powi(7 - d.abs().log10().ceil() as i32);
    (d * scale).round() / scale
}

struct Member<'a> {
    group: String,
    time: &'a [f64],
    values: &'a [f32],
    start: f64,
}

/// Which row of the slot table holds each time bucket, rows made in first-seen order. A dense
/// table indexed by bucket when the group's buckets span a bounded range (the usual case: one
/// array index per bucket change), a hash map when outlying timestamps stretch it.
enum BucketRows {
    Dense { first: i64, rows: Vec<u32> },
    Sparse(std::collections::HashMap<i64, usize>),
}

impl BucketRows {
    /// Buckets a dense table may span (4 bytes each).
    const MAX_DENSE: i64 = 1 << 22;

    fn new(members: &[&Member<'_>], bucket_s: f64) -> Self {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for m in members {
            for t in m.time.iter().filter(|t| t.is_finite()) {
                let b = ((t - m.start) / bucket_s).floor() as i64;
                lo = lo.min(b);
                hi = hi.max(b);
            }
        }
        match hi.checked_sub(lo) {
            Some(span) if (0..Self::MAX_DENSE).contains(&span) => BucketRows::Dense {
                first: lo,
                rows: vec![u32::MAX; span as usize + 1],
            },
            _ => BucketRows::Sparse(Default::default()),
        }
    }

    /// The row of bucket `b`, made by `new_row` when first seen.
    fn row(&mut self, b: i64, new_row: impl FnOnce() -> usize) -> usize {
        match self {
            BucketRows::Dense { first, rows } => {
                let Some(slot) = usize::try_from(b - *first)
                    .ok()
                    .and_then(|i| rows.get_mut(i))
                else {
                    return new_row(); // not reached: every bucket is in range
                };
                if *slot == u32::MAX {
                    *slot = new_row() as u32;
                }
                *slot as usize
            }
            BucketRows::Sparse(map) => *map.entry(b).or_insert_with(new_row),
        }
    }

    /// `(bucket, row)` of every bucket seen, in bucket order.
    fn sorted(self) -> Vec<(i64, usize)> {
        match self {
            BucketRows::Dense { first, rows } => rows
                .into_iter()
                .enumerate()
                .filter(|(_, r)| *r != u32::MAX)
                .map(|(i, r)| (first + i as i64, r as usize))
                .collect(),
            BucketRows::Sparse(map) => {
                let mut v: Vec<(i64, usize)> = map.into_iter().collect();
                v.sort_unstable();
                v
            }
        }
    }
}

/// The line a series belongs to under `grouping`.
fn line_label(l: &RunWorkerLog, s: &crate::model::Series, grouping: Grouping) -> String {
    match grouping {
        Grouping::PerWorker => match s.ranks.dp {
            Some(dp) => format!("{} DP{dp}", worker_label(l)),
            None => worker_label(l),
        },
        Grouping::ByDpRank => format!("DP{}", s.ranks.dp.unwrap_or(0)),
        Grouping::Cluster => "all workers".to_owned(),
    }
}

/// How many lines `aggregate` draws for `field` of `kind` under `grouping` (no sample read).
fn line_count(logs: &[&RunWorkerLog], kind: SampleKind, field: &str, grouping: Grouping) -> usize {
    let mut labels: Vec<String> = logs
        .iter()
        .flat_map(|l| {
            l.log
                .series
                .iter()
                .filter(move |s| s.kind == kind && s.column(field).is_some())
                .map(move |s| line_label(l, s, grouping))
        })
        .collect();
    labels.sort();
    labels.dedup();
    labels.len()
}

fn worker_label(l: &RunWorkerLog) -> String {
    let id = &l.log.identity;
    match (&id.node, &id.worker_id) {
        (Some(n), Some(w)) => format!("{n} {} {w}", id.service.label()),
        (Some(n), None) => format!("{n} {}", id.service.label()),
        _ => l
            .log
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&l.log.path)
            .to_owned(),
    }
}

/// Lines of `field` from samples of `kind` in `logs` (one run), bucketed by `bucket_s` seconds.
pub fn aggregate(
    logs: &[&RunWorkerLog],
    kind: SampleKind,
    field: &str,
    grouping: Grouping,
    reducer: Reducer,
    bucket_s: f64,
) -> Vec<AggregatedSeries> {
    let bucket_s = if bucket_s > 0.0 { bucket_s } else { 1.0 };
    let mut members = Vec::new();
    for l in logs {
        for s in l.log.series.iter().filter(|s| s.kind == kind) {
            let Some(values) = s.column(field) else {
                continue;
            };
            let start = l.run_start_s.or_else(|| l.log.start_s()).unwrap_or(0.0);
            members.push(Member {
                group: line_label(l, s, grouping),
                time: &s.time_s,
                values,
                start,
            });
        }
    }
    let mut groups: Vec<String> = members.iter().map(|m| m.group.clone()).collect();
    groups.sort();
    groups.dedup();
    groups
        .into_iter()
        .map(|g| {
            let in_group: Vec<&Member> = members.iter().filter(|m| m.group == g).collect();
            // Per-member (sum, count) of each bucket, in rows of `width` slots. Consecutive
            // samples mostly share a bucket and a value, so the bucket's row is looked up and
            // the value converted only when they change.
            let width = in_group.len();
            let mut row_of = BucketRows::new(&in_group, bucket_s);
            let mut slots: Vec<(f64, u32)> = Vec::new();
            for (mi, m) in in_group.iter().enumerate() {
                let (mut last_bucket, mut row) = (None, 0);
                let (mut last_bits, mut last_value) = (None, 0.0);
                for (t, v) in m.time.iter().zip(m.values) {
                    if !t.is_finite() || !v.is_finite() {
                        continue;
                    }
                    let b = ((t - m.start) / bucket_s).floor() as i64;
                    if last_bucket != Some(b) {
                        last_bucket = Some(b);
                        row = row_of.row(b, || {
                            slots.resize(slots.len() + width, (0.0, 0));
                            slots.len() / width - 1
                        });
                    }
                    if last_bits != Some(v.to_bits()) {
                        last_bits = Some(v.to_bits());
                        last_value = f32_as_decimal(*v);
                    }
                    if let Some(slot) = slots.get_mut(row * width + mi) {
                        slot.0 += last_value;
                        slot.1 += 1;
                    }
                }
            }
            let buckets = row_of.sorted();
            let single = in_group.len() == 1;
            let (mut elapsed_s, mut values) = (Vec::new(), Vec::new());
            for (b, row) in buckets {
                let slots = slots.get(row * width..(row + 1) * width).unwrap_or(&[]);
                let means: Vec<f64> = slots
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(s, n)| s / f64::from(*n))
                    .collect();
                let v = match reducer {
                    Reducer::Sum => means.iter().sum(),
                    Reducer::Mean => means.iter().sum::<f64>() / means.len() as f64,
                };
                elapsed_s.push(b as f64 * bucket_s);
                values.push(v);
            }
            AggregatedSeries {
                label: g,
                reducer: (!single).then_some(reducer),
                members: in_group.len(),
                elapsed_s,
                values,
            }
        })
        .collect()
}

/// Seconds since `start` for each timestamp (NaN stays NaN).
pub fn align(time_s: &[f64], start: f64) -> Vec<f64> {
    time_s.iter().map(|t| t - start).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{worker_log::WorkerLogFormat, Format, Record};

    fn logs() -> Vec<RunWorkerLog> {
        // One DP-attention decode file with two DP ranks, and a second decode worker.
        let a = "[2026-01-01 00:00:00 DP0 TP0 EP0] Decode batch, #running-req: 10, gen throughput (token/s): 100\n\
                 [2026-01-01 00:00:00 DP1 TP1 EP1] Decode batch, #running-req: 20, gen throughput (token/s): 200\n\
                 [2026-01-01 00:00:01 DP0 TP0 EP0] Decode batch, #running-req: 12, gen throughput (token/s): 120\n";
        let b = "[2026-01-01 00:00:00 DP0 TP0 EP0] Decode batch, #running-req: 30, gen throughput (token/s): 300\n\
                 [2026-01-01 00:00:00.500 DP0 TP0 EP0] Decode batch, #running-req: 50, gen throughput (token/s): 500\n";
        let mut out = Vec::new();
        for (path, text) in [("r/n1_decode_w0.out", a), ("r/n2_decode_w1.out", b)] {
            WorkerLogFormat
                .parse(path, text.as_bytes(), &mut out)
                .unwrap();
        }
        out.into_iter()
            .map(|r| match r {
                Record::WorkerLog(l) => RunWorkerLog {
                    run_key: "r".into(),
                    run_start_s: l.start_s(),
                    log: l,
                },
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn samples_that_go_back_to_an_earlier_bucket_land_in_it() {
        // A clock step backwards: the third sample belongs to the first bucket again.
        let text = "[2026-01-01 00:00:00 DP0 TP0 EP0] Decode batch, #running-req: 10, gen throughput (token/s): 1\n\
                    [2026-01-01 00:00:02 DP0 TP0 EP0] Decode batch, #running-req: 20, gen throughput (token/s): 1\n\
                    [2026-01-01 00:00:00 DP0 TP0 EP0] Decode batch, #running-req: 30, gen throughput (token/s): 1\n\
                    [2026-01-01 00:00:02 DP0 TP0 EP0] Decode batch, #running-req: 40, gen throughput (token/s): 1\n";
        let mut out = Vec::new();
        WorkerLogFormat
            .parse("r/n1_decode_w0.out", text.as_bytes(), &mut out)
            .unwrap();
        let Some(Record::WorkerLog(l)) = out.pop() else {
            panic!("a worker log")
        };
        let log = RunWorkerLog {
            run_key: "r".into(),
            run_start_s: l.start_s(),
            log: l,
        };
        let series = aggregate(
            &[&log],
            SampleKind::Decode,
            "running_req",
            Grouping::Cluster,
            Reducer::Mean,
            1.0,
        );
        assert_eq!(series[0].elapsed_s, vec![0.0, 2.0]);
        assert_eq!(series[0].values, vec![20.0, 30.0]);
    }

    #[test]
    fn dp_ranks_of_one_file_are_separate_members() {
        let logs = logs();
        let refs: Vec<&RunWorkerLog> = logs.iter().collect();
        let per_worker = aggregate(
            &refs,
            SampleKind::Decode,
            "running_req",
            Grouping::PerWorker,
            Reducer::Mean,
            1.0,
        );
        assert_eq!(
            per_worker.len(),
            3,
            "{:?}",
            per_worker.iter().map(|s| &s.label).collect::<Vec<_>>()
        );
        let by_dp = aggregate(
            &refs,
            SampleKind::Decode,
            "running_req",
            Grouping::ByDpRank,
            Reducer::Sum,
            1.0,
        );
        assert_eq!(
            by_dp.iter().map(|s| s.label.as_str()).collect::<Vec<_>>(),
            vec!["DP0", "DP1"]
        );
        // DP0 at t=0: worker 1 → 10, worker 2 → mean(30, 50) = 40; summed = 50.
        assert_eq!(by_dp[0].values[0], 50.0);
        assert_eq!(by_dp[0].reducer, Some(Reducer::Sum));
    }

    #[test]
    fn cluster_mean_and_sum_are_stated() {
        let logs = logs();
        let refs: Vec<&RunWorkerLog> = logs.iter().collect();
        let sum = aggregate(
            &refs,
            SampleKind::Decode,
            "gen_throughput",
            Grouping::Cluster,
            Reducer::Sum,
            1.0,
        );
        let mean = aggregate(
            &refs,
            SampleKind::Decode,
            "gen_throughput",
            Grouping::Cluster,
            Reducer::Mean,
            1.0,
        );
        assert_eq!(sum[0].members, 3);
        assert_eq!(sum[0].values[0], 100.0 + 200.0 + 400.0);
        assert_eq!(mean[0].values[0], 700.0 / 3.0);
        assert_eq!(sum[0].elapsed_s, vec![0.0, 1.0]);
    }
}

/// A node metric runlens aggregates: data only (sample kind, field names, scale); titles, sections
/// and chart ids belong to the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeMetric {
    /// Prefill: Input throughput (Input throughput (tokens/s)).
    PrefillInputThroughput,
    /// Prefill: Inflight requests (Inflight requests).
    PrefillInflight,
    /// Prefill: KV cache utilisation (KV cache used (%)).
    PrefillKv,
    /// Prefill: Queued requests (Queued requests).
    PrefillQueue,
    /// Decode: Running requests (Running requests).
    DecodeRunning,
    /// Decode: Generation throughput (Generation throughput (tokens/s)).
    DecodeGenThroughput,
    /// Decode: KV cache utilisation (KV cache used (%)).
    DecodeKv,
    /// Decode: Queued requests (Queued requests).
    DecodeQueue,
    /// Disaggregation flow: Prealloc queue (Requests).
    DecodePrealloc,
    /// Disaggregation flow: Transfer queue (Requests).
    DecodeTransfer,
    /// Disaggregation flow: prefill bootstrap queue (Requests): SGLang `#bootstrap-req`, before
    /// that `#prealloc-req` on prefill lines.
    PrefillBootstrap,
    /// Engine (vLLM): Prompt throughput (Prompt throughput (tokens/s)).
    EnginePromptThroughput,
    /// Engine (vLLM): Generation throughput (Generation throughput (tokens/s)).
    EngineGenerationThroughput,
    /// Engine (vLLM): Running requests (Running requests).
    EngineRunning,
    /// Engine (vLLM): Waiting requests (Waiting requests).
    EngineWaiting,
    /// Engine (vLLM): GPU KV cache usage (KV cache used (%)).
    EngineKv,
    /// Engine (vLLM): KV-connector transfer throughput (MB/s), `KV Transfer metrics: …
    /// Throughput (MB/s)=…`.
    KvTransferThroughput,
    /// Iterations (TRT-LLM): Scheduled requests (Requests).
    IterationScheduled,
    /// Iterations (TRT-LLM): KV cache utilisation (KV cache used (%)).
    IterationKv,
    /// Iterations (TRT-LLM): Host step time (Step time (ms)).
    IterationStepTime,
}

const KV_FIELDS: &[&str] = &["token_usage", "full_token_usage"];

impl NodeMetric {
    /// Every metric, in the order the page shows them.
    pub const ALL: [NodeMetric; 20] = [
        NodeMetric::PrefillInputThroughput,
        NodeMetric::PrefillInflight,
        NodeMetric::PrefillKv,
        NodeMetric::PrefillQueue,
        NodeMetric::DecodeRunning,
        NodeMetric::DecodeGenThroughput,
        NodeMetric::DecodeKv,
        NodeMetric::DecodeQueue,
        NodeMetric::DecodePrealloc,
        NodeMetric::DecodeTransfer,
        NodeMetric::PrefillBootstrap,
        NodeMetric::EnginePromptThroughput,
        NodeMetric::EngineGenerationThroughput,
        NodeMetric::EngineRunning,
        NodeMetric::EngineWaiting,
        NodeMetric::EngineKv,
        NodeMetric::KvTransferThroughput,
        NodeMetric::IterationScheduled,
        NodeMetric::IterationKv,
        NodeMetric::IterationStepTime,
    ];

    /// The sample kind whose lines carry it.
    pub fn kind(self) -> SampleKind {
        match self {
            NodeMetric::PrefillInputThroughput => SampleKind::Prefill,
            NodeMetric::PrefillInflight => SampleKind::Prefill,
            NodeMetric::PrefillKv => SampleKind::Prefill,
            NodeMetric::PrefillQueue => SampleKind::Prefill,
            NodeMetric::DecodeRunning => SampleKind::Decode,
            NodeMetric::DecodeGenThroughput => SampleKind::Decode,
            NodeMetric::DecodeKv => SampleKind::Decode,
            NodeMetric::DecodeQueue => SampleKind::Decode,
            NodeMetric::DecodePrealloc => SampleKind::Decode,
            NodeMetric::DecodeTransfer => SampleKind::Decode,
            NodeMetric::PrefillBootstrap => SampleKind::Prefill,
            NodeMetric::EnginePromptThroughput => SampleKind::EngineStats,
            NodeMetric::EngineGenerationThroughput => SampleKind::EngineStats,
            NodeMetric::EngineRunning => SampleKind::EngineStats,
            NodeMetric::EngineWaiting => SampleKind::EngineStats,
            NodeMetric::EngineKv => SampleKind::EngineStats,
            NodeMetric::KvTransferThroughput => SampleKind::KvTransfer,
            NodeMetric::IterationScheduled => SampleKind::Iteration,
            NodeMetric::IterationKv => SampleKind::Iteration,
            NodeMetric::IterationStepTime => SampleKind::Iteration,
        }
    }

    /// Field names that carry it, in preference order (the first present in a run is used).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            NodeMetric::PrefillInputThroughput => &["input_throughput"],
            NodeMetric::PrefillInflight => &["inflight_req"],
            NodeMetric::PrefillKv => KV_FIELDS,
            NodeMetric::PrefillQueue => &["queue_req"],
            NodeMetric::DecodeRunning => &["running_req"],
            NodeMetric::DecodeGenThroughput => &["gen_throughput"],
            NodeMetric::DecodeKv => KV_FIELDS,
            NodeMetric::DecodeQueue => &["queue_req"],
            NodeMetric::DecodePrealloc => &["prealloc_req"],
            NodeMetric::DecodeTransfer => &["transfer_req"],
            NodeMetric::PrefillBootstrap => &["bootstrap_req", "prealloc_req"],
            NodeMetric::EnginePromptThroughput => &["prompt_throughput"],
            NodeMetric::EngineGenerationThroughput => &["generation_throughput"],
            NodeMetric::EngineRunning => &["running"],
            NodeMetric::EngineWaiting => &["waiting", "pending"],
            NodeMetric::EngineKv => &["gpu_kv_cache_usage"],
            NodeMetric::KvTransferThroughput => &["throughput"],
            NodeMetric::IterationScheduled => &["num_scheduled_requests", "num_active_requests"],
            NodeMetric::IterationKv => &["kv_cache_util"],
            NodeMetric::IterationStepTime => &[
                "host_step_time",
                "iter_latency_ms",
                "iteration_elapsed_time",
            ],
        }
    }

    /// Whether it is a percentage of one cache: averaged across members even when the user sums
    /// counts and rates.
    pub fn is_percent(self) -> bool {
        matches!(
            self,
            NodeMetric::PrefillKv
                | NodeMetric::DecodeKv
                | NodeMetric::EngineKv
                | NodeMetric::IterationKv
        )
    }

    /// Factor from the logged value to the charted unit (KV usage fractions → %).
    pub fn scale(self) -> f64 {
        if matches!(
            self,
            NodeMetric::PrefillKv | NodeMetric::DecodeKv | NodeMetric::IterationKv
        ) {
            100.0
        } else {
            1.0
        }
    }
}

/// Most buckets a chart line gets: longer runs use wider buckets (each bucket is still the mean or
/// sum of every sample in it), so a 1 GB run draws as fast as a small one; CSV exports of the
/// samples keep every value.
pub const MAX_BUCKETS_PER_LINE: f64 = 1500.0;

/// Most points one chart draws over all its lines: a chart of many lines (per worker on a large
/// deployment) gets wider buckets, down to [`MIN_BUCKETS_PER_LINE`] a line, so it draws as fast as
/// a chart of a few.
pub const MAX_POINTS_PER_CHART: f64 = 24_000.0;
/// Fewest buckets a line is cut to by [`MAX_POINTS_PER_CHART`].
pub const MIN_BUCKETS_PER_LINE: f64 = 200.0;

/// The bucket width for a run spanning `span_s` seconds: at least `base_s`, widened to a round
/// number of seconds so no line has more than [`MAX_BUCKETS_PER_LINE`] buckets.
pub fn bucket_width(span_s: f64, base_s: f64) -> f64 {
    bucket_width_for(span_s, base_s, MAX_BUCKETS_PER_LINE)
}

/// [`bucket_width`] for a chart of `lines` lines: at most [`MAX_POINTS_PER_CHART`] points in all
/// (each line keeping at least [`MIN_BUCKETS_PER_LINE`] buckets).
pub fn chart_bucket_width(span_s: f64, base_s: f64, lines: usize) -> f64 {
    let per_line = (MAX_POINTS_PER_CHART / lines.max(1) as f64)
        .clamp(MIN_BUCKETS_PER_LINE, MAX_BUCKETS_PER_LINE);
    bucket_width_for(span_s, base_s, per_line)
}

fn bucket_width_for(span_s: f64, base_s: f64, max_buckets: f64) -> f64 {
    let base = if base_s > 0.0 { base_s } else { 1.0 };
    if !span_s.is_finite() || span_s / base <= max_buckets {
        return base;
    }
    let need = span_s / max_buckets;
    [
        2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
    ]
    .into_iter()
    .find(|w| *w >= need && *w >= base)
    .unwrap_or((need / 3600.0).ceil() * 3600.0)
}

/// The aggregated series of one node metric of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeMetricSeries {
    pub metric: NodeMetric,
    /// From aggregated (`agg`) workers, whose prefill and decode lines are kept apart.
    pub aggregated_workers: bool,
    /// The field that carried it in this run.
    pub field: String,
    /// The reduction actually used (percentages are always averaged).
    pub reducer: Reducer,
    /// Width of the time buckets, seconds (see [`bucket_width`]).
    pub bucket_s: f64,
    pub series: Vec<AggregatedSeries>,
}

/// Every node metric of one run that has data, with the chosen grouping and reduction.
/// Aggregated (`agg`) workers' prefill and decode lines are reported separately.
pub fn node_metric_series(
    ds: &crate::model::Dataset,
    run_key: &str,
    grouping: Grouping,
    reducer: Reducer,
    bucket_s: f64,
) -> Vec<NodeMetricSeries> {
    use crate::model::Service;
    let logs: Vec<&RunWorkerLog> = ds
        .worker_logs
        .iter()
        .filter(|l| l.run_key == run_key)
        .collect();
    let (agg, other): (Vec<&RunWorkerLog>, Vec<&RunWorkerLog>) = logs
        .iter()
        .partition(|l| l.log.identity.service == Service::Agg);
    let span_s = logs
        .iter()
        .flat_map(|l| {
            let start = l.run_start_s.or_else(|| l.log.start_s()).unwrap_or(0.0);
            l.log.series.iter().filter_map(move |s| {
                s.time_s
                    .iter()
                    .rev()
                    .find(|t| t.is_finite())
                    .map(|t| t - start)
            })
        })
        .fold(0.0, f64::max);
    let base_bucket_s = bucket_s;
    let mut out = Vec::new();
    for (group, aggregated_workers) in [(&other, false), (&agg, true)] {
        for metric in NodeMetric::ALL {
            let field = metric.fields().iter().find(|f| {
                group.iter().any(|l| {
                    l.log
                        .series
                        .iter()
                        .any(|s| s.kind == metric.kind() && s.column(f).is_some())
                })
            });
            let Some(field) = field else { continue };
            let reducer = if metric.is_percent() {
                Reducer::Mean
            } else {
                reducer
            };
            let lines = line_count(group, metric.kind(), field, grouping);
            let bucket_s = chart_bucket_width(span_s, base_bucket_s, lines);
            let mut series = aggregate(group, metric.kind(), field, grouping, reducer, bucket_s);
            let scale = metric.scale();
            if scale != 1.0 {
                series
                    .iter_mut()
                    .for_each(|s| s.values.iter_mut().for_each(|v| *v *= scale));
            }
            if series.iter().all(|s| s.values.is_empty()) {
                continue;
            }
            out.push(NodeMetricSeries {
                metric,
                aggregated_workers,
                field: (*field).to_owned(),
                reducer,
                bucket_s,
                series,
            });
        }
    }
    out
}

#[cfg(test)]
mod chart_tests {
    use super::*;

    #[test]
    fn outlying_timestamps_bucket_like_close_ones() {
        // Buckets spanning more than a dense table takes go through the hash map: same lines.
        let members = |far: f64| {
            let time = vec![0.0, 0.2, 1.5, far, f64::NAN];
            let values = vec![1.0f32, 3.0, 5.0, 7.0, 9.0];
            (time, values)
        };
        let rows = |far: f64| {
            let (time, values) = members(far);
            let m = Member {
                group: "g".into(),
                time: &time,
                values: &values,
                start: 0.0,
            };
            let mut table = BucketRows::new(&[&m], 1.0);
            let dense = matches!(table, BucketRows::Dense { .. });
            let mut next = 0;
            for t in time.iter().filter(|t| t.is_finite()) {
                table.row(t.floor() as i64, || {
                    next += 1;
                    next - 1
                });
            }
            (dense, table.sorted())
        };
        let (dense, near) = rows(10.0);
        let (sparse, far) = rows(1e12);
        assert!(dense && !sparse);
        assert_eq!(near, vec![(0, 0), (1, 1), (10, 2)]);
        assert_eq!(far, vec![(0, 0), (1, 1), (1_000_000_000_000, 2)]);
        assert_eq!(f32_as_decimal(0.52), 0.52);
        assert_eq!(f32_as_decimal(64.0), 64.0);
    }

    #[test]
    fn long_runs_get_wider_round_buckets() {
        assert_eq!(bucket_width(600.0, 1.0), 1.0);
        assert_eq!(bucket_width(1500.0, 1.0), 1.0);
        assert_eq!(bucket_width(4.0 * 3600.0, 1.0), 10.0);
        assert_eq!(bucket_width(5.0 * 3600.0, 1.0), 15.0);
        assert_eq!(bucket_width(100.0 * 86400.0, 1.0), 7200.0);
        assert_eq!(bucket_width(f64::NAN, 2.0), 2.0);
        assert!(3600.0 * 24.0 / bucket_width(3600.0 * 24.0, 1.0) <= MAX_BUCKETS_PER_LINE);
        // Charts of many lines get wider buckets: 64 lines over 10 min get 375 buckets each.
        assert_eq!(chart_bucket_width(600.0, 1.0, 4), 1.0);
        assert_eq!(chart_bucket_width(600.0, 1.0, 64), 2.0);
        assert_eq!(
            chart_bucket_width(600.0, 1.0, 10_000),
            5.0,
            "at least 200 a line"
        );
    }

    #[test]
    fn charts_only_where_there_is_data() {
        let text = "[2026-01-01 00:00:00 DP0 TP0 EP0] Decode batch, #running-req: 10, token usage: 0.50, gen throughput (token/s): 100, #queue-req: 1\n\
                    [2026-01-01 00:00:01 DP0 TP0 EP0] Decode batch, #running-req: 11, token usage: 0.52, gen throughput (token/s): 110, #queue-req: 0\n";
        let mut ingest = crate::Ingest::new();
        ingest.add_bytes("r/n1_decode_w0.err", text.as_bytes());
        let ds = ingest.dataset();
        let charts = node_metric_series(
            &ds,
            &ds.worker_logs[0].run_key,
            Grouping::Cluster,
            Reducer::Mean,
            1.0,
        );
        let metrics: Vec<NodeMetric> = charts.iter().map(|c| c.metric).collect();
        assert_eq!(
            metrics,
            vec![
                NodeMetric::DecodeRunning,
                NodeMetric::DecodeGenThroughput,
                NodeMetric::DecodeKv,
                NodeMetric::DecodeQueue
            ]
        );
        let kv = &charts[2];
        assert_eq!(
            kv.series[0].values,
            vec![50.0, 52.0],
            "token usage shown in percent"
        );
        assert_eq!(kv.series[0].elapsed_s, vec![0.0, 1.0]);
        let summed = node_metric_series(
            &ds,
            &ds.worker_logs[0].run_key,
            Grouping::Cluster,
            Reducer::Sum,
            1.0,
        );
        assert_eq!(
            summed[2].series[0].values,
            vec![50.0, 52.0],
            "utilisation is never summed"
        );
        assert_eq!(summed[2].reducer, Reducer::Mean);
        assert_eq!(summed[2].bucket_s, 1.0);
        assert_eq!(summed[1].reducer, Reducer::Sum);
    }
}
