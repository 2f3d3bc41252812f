//! Comparing runs and deciding. A baseline [`Side`] and a candidate side (one run each, or a
//! group of runs) have their points matched by (concurrency, request rate); every metric of a
//! matched pair gets its relative change, an interval at [`CONFIDENCE`], the minimum detectable
//! effect and a [`Verdict`] with the [`Basis`] it rests on: a bootstrap of per-request rows,
//! a Welch test on repeated trials or on the summaries' mean ± std, the producer's own interval,
//! or nothing (one summary per side: "can't tell", never a guess). [`curves`] compares the
//! Pareto frontiers, [`config`] lists the configuration that differs.

pub mod bootstrap;
pub mod config;
pub mod curves;
pub mod report;

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use self::bootstrap::{Field, Resampler, Stat};
use crate::analysis::export::run_id;
use crate::analysis::stats::percentile;
use crate::model::{BenchmarkPoint, Dataset, NodeConfig, Run};

/// Confidence level of every interval.
pub const CONFIDENCE: f64 = 0.99;
/// Two-sided standard-normal quantile of [`CONFIDENCE`].
const Z: f64 = 2.575_829_303_548_901;
/// Standard-normal quantile of the power the minimum detectable effect is stated at (80 %).
const Z_POWER: f64 = 0.841_621_233_572_914_3;
/// A change whose whole interval lies within ± this fraction is "unchanged".
pub const UNCHANGED_MARGIN: f64 = 0.02;
/// "Better" and "worse" need the whole interval beyond ± this fraction: a change is called only
/// when it is surely larger than this, so noise almost never gets a verdict.
pub const MIN_EFFECT: f64 = 0.01;
/// Per-request rows a point needs for a bootstrap (fewer say too little about the spread).
pub const MIN_REQUESTS: usize = 30;
/// Bootstrap resamples per point.
pub const RESAMPLES: usize = 1000;
/// Seed of the bootstrap: the same inputs always give the same verdicts.
pub const SEED: u64 = 0x5EED_2026_1202;

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// The decision for one metric of one matched point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    Unchanged,
    CantTell,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Unchanged => "unchanged",
            Verdict::CantTell => "can't tell",
        })
    }
}

impl std::str::FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s
            .to_ascii_lowercase()
            .replace(['\'', '_', '-', ' '], "")
            .as_str()
        {
            "better" => Ok(Verdict::Better),
            "worse" => Ok(Verdict::Worse),
            "unchanged" => Ok(Verdict::Unchanged),
            "canttell" => Ok(Verdict::CantTell),
            _ => Err(format!(
                "unknown verdict {s:?} (better, worse, unchanged, cant-tell)"
            )),
        }
    }
}

/// What a verdict rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basis {
    /// Bootstrap of the per-request rows of both points.
    Bootstrap {
        baseline_requests: usize,
        candidate_requests: usize,
        resamples: usize,
        /// The scheduler files whose server-side rows stood in for a side's missing client
        /// rows (`baseline: …; candidate: …`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rows_from: Option<String>,
    },
    /// Welch's t-test over repeated measurements of the point (several runs of a group, or the
    /// same concurrency measured again).
    Trials {
        baseline_trials: usize,
        candidate_trials: usize,
    },
    /// Welch's test on the summaries' mean, standard deviation and request count (no
    /// per-request rows; means only).
    MeanAndSpread {
        baseline_requests: u64,
        candidate_requests: u64,
    },
    /// The producer's own confidence intervals over its trials (AIPerf aggregates).
    ProducerInterval {
        baseline_trials: Option<u32>,
        candidate_trials: Option<u32>,
    },
    /// One summary per side and no spread: no interval can be given.
    SingleMeasurement,
    /// The metric is missing on one side (or zero on the baseline).
    Missing,
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Basis::Bootstrap {
                baseline_requests,
                candidate_requests,
                resamples,
                rows_from,
            } => {
                write!(
                    f,
                    "bootstrap of {baseline_requests} vs {candidate_requests} requests, {resamples} resamples"
                )?;
                match rows_from {
                    Some(from) => write!(f, " (server-side rows: {from})"),
                    None => Ok(()),
                }
            }
            Basis::Trials {
                baseline_trials,
                candidate_trials,
            } => write!(
                f,
                "Welch test over {baseline_trials} vs {candidate_trials} trials"
            ),
            Basis::MeanAndSpread {
                baseline_requests,
                candidate_requests,
            } => write!(
                f,
                "Welch test on the summaries' mean ± std of {baseline_requests} vs {candidate_requests} requests"
            ),
            Basis::ProducerInterval { .. } => f.write_str("the producer's confidence intervals"),
            Basis::SingleMeasurement => f.write_str("one summary per side, no spread known"),
            Basis::Missing => f.write_str("missing on one side"),
        }
    }
}

/// Mean, standard deviation and request count of a metric, from a point's summary.
type SpreadOf = fn(&BenchmarkPoint) -> Option<(f64, f64, u64)>;

/// Interval, standard error of the relative change, and what they rest on.
type Evidence = ((f64, f64), f64, Basis);

/// A metric that comparisons report.
#[derive(Clone, Copy)]
pub struct MetricDef {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub direction: Direction,
    value: fn(&BenchmarkPoint) -> Option<f64>,
    /// The per-request statistic the bootstrap resamples for it.
    stat: Option<Stat>,
    /// Mean, std and count from the summary, for a Welch test on means.
    spread: Option<SpreadOf>,
}

impl MetricDef {
    pub fn value(&self, p: &BenchmarkPoint) -> Option<f64> {
        (self.value)(p).filter(|v| v.is_finite())
    }
}

impl fmt::Debug for MetricDef {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! latency_metrics {
    ($($field:ident, $key:literal, $name:literal, $rows:expr);* $(;)?) => {
        [$(
            MetricDef { id: concat!($key, "_mean"), label: concat!("Mean ", $name), unit: "ms", direction: Direction::LowerIsBetter,
                value: |p| p.$field.mean, stat: $rows.map(Stat::Mean),
                spread: Some(|p| Some((p.$field.mean?, p.$field.std?, p.completed?))) },
            MetricDef { id: concat!($key, "_median"), label: concat!("Median ", $name), unit: "ms", direction: Direction::LowerIsBetter,
                value: |p| p.$field.median, stat: $rows.map(|f| Stat::Percentile(f, 50)), spread: None },
            MetricDef { id: concat!($key, "_p90"), label: concat!("P90 ", $name), unit: "ms", direction: Direction::LowerIsBetter,
                value: |p| p.$field.p90, stat: $rows.map(|f| Stat::Percentile(f, 90)), spread: None },
            MetricDef { id: concat!($key, "_p99"), label: concat!("P99 ", $name), unit: "ms", direction: Direction::LowerIsBetter,
                value: |p| p.$field.p99, stat: $rows.map(|f| Stat::Percentile(f, 99)), spread: None },
        )*]
    };
}

const THROUGHPUT_METRICS: [MetricDef; 7] = [
    MetricDef {
        id: "output_tps",
        label: "Output TPS",
        unit: "tok/s",
        direction: Direction::HigherIsBetter,
        value: |p| p.output_throughput,
        stat: Some(Stat::TokensPerLatency),
        spread: None,
    },
    MetricDef {
        id: "output_tps_per_gpu",
        label: "Output TPS/GPU",
        unit: "tok/s/GPU",
        direction: Direction::HigherIsBetter,
        value: |p| p.derived.output_tps_per_gpu,
        stat: Some(Stat::TokensPerLatency),
        spread: None,
    },
    MetricDef {
        id: "total_tps",
        label: "Total TPS",
        unit: "tok/s",
        direction: Direction::HigherIsBetter,
        value: |p| p.total_token_throughput,
        stat: Some(Stat::TotalTokensPerLatency),
        spread: None,
    },
    MetricDef {
        id: "request_throughput",
        label: "Request throughput",
        unit: "req/s",
        direction: Direction::HigherIsBetter,
        value: |p| p.request_throughput,
        stat: Some(Stat::RequestsPerLatency),
        spread: None,
    },
    MetricDef {
        id: "tps_per_user",
        label: "TPS/User",
        unit: "tok/s/user",
        direction: Direction::HigherIsBetter,
        value: |p| p.derived.output_tps_per_user,
        stat: Some(Stat::InverseMean(Field::Tpot)),
        spread: None,
    },
    MetricDef {
        id: "request_goodput",
        label: "Request goodput",
        unit: "req/s",
        direction: Direction::HigherIsBetter,
        value: |p| p.request_goodput,
        stat: None,
        spread: None,
    },
    MetricDef {
        id: "energy_j_per_output_token",
        label: "Energy per output token",
        unit: "J/tok",
        direction: Direction::LowerIsBetter,
        value: |p| p.energy_j_per_output_token,
        stat: None,
        spread: None,
    },
];

/// Every metric a comparison reports, in report order.
pub fn metrics() -> Vec<MetricDef> {
    let mut all = THROUGHPUT_METRICS.to_vec();
    all.extend(latency_metrics!(
        ttft_ms, "ttft", "TTFT", Some(Field::Ttft);
        tpot_ms, "tpot", "TPOT", Some(Field::Tpot);
        itl_ms, "itl", "ITL", None::<Field>;
        e2el_ms, "e2el", "E2EL", Some(Field::E2el);
    ));
    // The token-weighted mean ITL can be resampled; the percentiles of ITL cannot (per-token
    // rows are summed while reading).
    if let Some(m) = all.iter_mut().find(|m| m.id == "itl_mean") {
        m.stat = Some(Stat::TokenWeightedItl);
    }
    all
}

/// Which point of a sweep: the configured concurrency and request rate (`inf`: unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PointKey {
    pub concurrency: Option<u32>,
    #[serde(default, with = "crate::model::serde_nan::option_inf_as_string")]
    pub request_rate: Option<f64>,
}

impl PointKey {
    pub fn of(p: &BenchmarkPoint) -> Self {
        PointKey {
            concurrency: p.concurrency,
            request_rate: p.request_rate.filter(|r| !r.is_nan()),
        }
    }

    /// Total order for sorting and matching (rates equal to 1e-9).
    fn sort_key(&self) -> (u32, i64) {
        let rate = match self.request_rate {
            None => -1,
            Some(r) if r.is_infinite() => i64::MAX,
            Some(r) => (r * 1e9).round() as i64,
        };
        (self.concurrency.map_or(0, |c| c + 1), rate)
    }
}

impl fmt::Display for PointKey {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match (self.concurrency, self.request_rate) {
            (Some(c), None) => write!(f, "c={c}"),
            (Some(c), Some(r)) if r.is_infinite() => write!(f, "c={c}"),
            (Some(c), Some(r)) => write!(f, "c={c} rate={r}/s"),
            (None, Some(r)) if r.is_infinite() => f.write_str("rate=inf"),
            (None, Some(r)) => write!(f, "rate={r}/s"),
            (None, None) => f.write_str("(no concurrency)"),
        }
    }
}

/// One side of a comparison: its runs, the node configurations read beside them and the
/// launch flags of their workers' logs.
#[derive(Debug, Clone)]
pub struct Side<'a> {
    pub label: String,
    pub runs: Vec<&'a Run>,
    pub configs: Vec<&'a NodeConfig>,
    pub launch_flags: Vec<&'a [(String, String)]>,
}

impl<'a> Side<'a> {
    /// The runs of `ds` that `keep` accepts, with the node configurations read beside them.
    pub fn of_dataset(
        label: impl Into<String>,
        ds: &'a Dataset,
        keep: impl Fn(&Run) -> bool,
    ) -> Self {
        let runs: Vec<&Run> = ds.runs.iter().filter(|r| keep(r)).collect();
        let configs = ds
            .node_configs
            .iter()
            .filter(|c| runs.iter().any(|r| r.key == c.run_key))
            .map(|c| &c.config)
            .collect();
        let launch_flags = ds
            .worker_logs
            .iter()
            .filter(|l| runs.iter().any(|r| r.key == l.run_key))
            .flat_map(|l| l.log.launches.iter().map(|c| c.flags.as_slice()))
            .collect();
        Side {
            label: label.into(),
            runs,
            configs,
            launch_flags,
        }
    }
}

/// One metric of one matched point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricComparison {
    pub point: PointKey,
    pub metric: Cow<'static, str>,
    pub label: Cow<'static, str>,
    pub unit: Cow<'static, str>,
    pub direction: Direction,
    pub baseline: Option<f64>,
    pub candidate: Option<f64>,
    /// (candidate − baseline) / baseline.
    pub change: Option<f64>,
    /// Interval of `change` at [`CONFIDENCE`].
    pub interval: Option<(f64, f64)>,
    /// Smallest relative change this data would detect with 80 % power.
    pub min_detectable: Option<f64>,
    pub verdict: Verdict,
    pub basis: Basis,
}

/// A point one side has and the other lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnmatchedPoint {
    pub side: Cow<'static, str>,
    pub point: PointKey,
}

/// Runs on one side of the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideSummary {
    pub label: String,
    pub runs: Vec<String>,
    pub points: usize,
    /// Points left out because they are not valid measurements.
    pub invalid_points: usize,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub baseline: SideSummary,
    pub candidate: SideSummary,
    pub confidence: f64,
    pub rows: Vec<MetricComparison>,
    pub unmatched: Vec<UnmatchedPoint>,
    pub curves: curves::CurveComparison,
    pub config: Vec<config::ConfigDifference>,
    /// Configuration entries equal on both sides (hidden from `config`).
    pub config_same: usize,
}

impl Comparison {
    /// Rows with this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.rows.iter().filter(|r| r.verdict == verdict).count()
    }
}

/// The valid points of a side grouped by key, sorted.
fn points_by_key<'a>(side: &Side<'a>) -> (Vec<(PointKey, Vec<&'a BenchmarkPoint>)>, usize) {
    let mut all: Vec<&BenchmarkPoint> = Vec::new();
    let mut invalid = 0;
    for run in &side.runs {
        for p in &run.points {
            if p.invalid.is_some() {
                invalid += 1;
            } else {
                all.push(p);
            }
        }
    }
    all.sort_by_key(|p| PointKey::of(p).sort_key());
    let mut groups: Vec<(PointKey, Vec<&BenchmarkPoint>)> = Vec::new();
    for p in all {
        let key = PointKey::of(p);
        match groups.last_mut() {
            Some((k, v)) if k.sort_key() == key.sort_key() => v.push(p),
            _ => groups.push((key, vec![p])),
        }
    }
    (groups, invalid)
}

/// Compare `candidate` against `baseline`.
pub fn compare(baseline: &Side, candidate: &Side) -> Comparison {
    compare_with(baseline, candidate, curves::CurveChoice::default())
}

/// [`compare`], with the curves summarised as the user chose (a ratio at one TPS/User, the mean
/// heights over a range).
pub fn compare_with(baseline: &Side, candidate: &Side, choice: curves::CurveChoice) -> Comparison {
    let (base, base_invalid) = points_by_key(baseline);
    let (cand, cand_invalid) = points_by_key(candidate);
    let defs = metrics();
    let mut rows = Vec::new();
    let mut unmatched = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < base.len() || j < cand.len() {
        let order = match (base.get(i), cand.get(j)) {
            (Some(b), Some(c)) => b.0.sort_key().cmp(&c.0.sort_key()),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                unmatched.push(UnmatchedPoint {
                    side: Cow::Borrowed("baseline"),
                    point: base[i].0,
                });
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                unmatched.push(UnmatchedPoint {
                    side: Cow::Borrowed("candidate"),
                    point: cand[j].0,
                });
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                rows.extend(compare_point(base[i].0, &base[i].1, &cand[j].1, &defs));
                i += 1;
                j += 1;
            }
        }
    }
    let (config, config_same) = config::differences(baseline, candidate);
    Comparison {
        baseline: summary(baseline, &base, base_invalid),
        candidate: summary(candidate, &cand, cand_invalid),
        confidence: CONFIDENCE,
        rows,
        unmatched,
        curves: curves::compare_curves(baseline, candidate, choice),
        config,
        config_same,
    }
}

fn summary(
    side: &Side,
    groups: &[(PointKey, Vec<&BenchmarkPoint>)],
    invalid: usize,
) -> SideSummary {
    SideSummary {
        label: side.label.clone(),
        runs: side.runs.iter().map(|r| run_id(r)).collect(),
        points: groups.iter().map(|(_, v)| v.len()).sum(),
        invalid_points: invalid,
    }
}

/// Bootstrap fluctuations of one side's point, when it is one point with per-request rows.
struct RowDraws {
    requests: usize,
    /// The scheduler file the rows came from, when not the point's result.
    from: Option<String>,
    stats: Vec<Stat>,
    draws: Vec<Vec<f64>>,
}

fn row_draws(points: &[&BenchmarkPoint], defs: &[MetricDef], seed: u64) -> Option<RowDraws> {
    let [p] = points else { return None };
    let rows = p.requests.as_deref().filter(|r| r.len() >= MIN_REQUESTS)?;
    let sampler = Resampler::new(rows);
    let mut stats: Vec<Stat> = defs
        .iter()
        .filter_map(|d| d.stat)
        .filter(|s| sampler.supports(*s))
        .collect();
    stats.dedup();
    Some(RowDraws {
        requests: rows.len(),
        from: p.requests_from.clone(),
        draws: sampler.fluctuations(&stats, RESAMPLES, seed),
        stats,
    })
}

fn compare_point(
    key: PointKey,
    base: &[&BenchmarkPoint],
    cand: &[&BenchmarkPoint],
    defs: &[MetricDef],
) -> Vec<MetricComparison> {
    let base_draws = row_draws(base, defs, SEED);
    let cand_draws = row_draws(cand, defs, SEED ^ 0xC0FF_EE00);
    defs.iter()
        .filter_map(|def| {
            let b: Vec<f64> = base.iter().filter_map(|p| def.value(p)).collect();
            let c: Vec<f64> = cand.iter().filter_map(|p| def.value(p)).collect();
            if b.is_empty() && c.is_empty() {
                return None;
            }
            Some(compare_metric(
                key,
                def,
                base,
                cand,
                &b,
                &c,
                &base_draws,
                &cand_draws,
            ))
        })
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn variance(v: &[f64]) -> f64 {
    let m = mean(v);
    v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)
}

/// Two-sided Student t quantile at [`CONFIDENCE`] for `df` degrees of freedom (table to 30,
/// Cornish–Fisher beyond; the degrees of freedom are rounded down, which is conservative).
fn t_quantile(df: f64) -> f64 {
    const T995: [f64; 30] = [
        63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169, 3.106, 3.055, 3.012,
        2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845, 2.831, 2.819, 2.807, 2.797, 2.787, 2.779,
        2.771, 2.763, 2.756, 2.750,
    ];
    let d = df.floor().max(1.0);
    if d <= 30.0 {
        return T995[d as usize - 1];
    }
    let z = Z;
    z + (z.powi(3) + z) / (4.0 * d)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
}

#[allow(clippy::too_many_arguments)]
fn compare_metric(
    key: PointKey,
    def: &MetricDef,
    base_points: &[&BenchmarkPoint],
    cand_points: &[&BenchmarkPoint],
    b: &[f64],
    c: &[f64],
    base_draws: &Option<RowDraws>,
    cand_draws: &Option<RowDraws>,
) -> MetricComparison {
    let mut row = MetricComparison {
        point: key,
        metric: Cow::Borrowed(def.id),
        label: Cow::Borrowed(def.label),
        unit: Cow::Borrowed(def.unit),
        direction: def.direction,
        baseline: (!b.is_empty()).then(|| mean(b)),
        candidate: (!c.is_empty()).then(|| mean(c)),
        change: None,
        interval: None,
        min_detectable: None,
        verdict: Verdict::CantTell,
        basis: Basis::Missing,
    };
    let (Some(bm), Some(cm)) = (row.baseline, row.candidate) else {
        return row;
    };
    if bm == 0.0 {
        return row;
    }
    let change = cm / bm - 1.0;
    row.change = Some(change);
    // (interval, standard error of the relative change, basis)
    let evidence: Option<Evidence> = if b.len() >= 2 && c.len() >= 2 {
        let (vb, vc) = (variance(b) / b.len() as f64, variance(c) / c.len() as f64);
        let se = (vb + vc).sqrt();
        let df = (vb + vc).powi(2)
            / (vb * vb / (b.len() as f64 - 1.0) + vc * vc / (c.len() as f64 - 1.0))
                .max(f64::MIN_POSITIVE);
        let half = t_quantile(if df.is_finite() { df } else { 1.0 }) * se / bm;
        Some((
            (change - half, change + half),
            se / bm,
            Basis::Trials {
                baseline_trials: b.len(),
                candidate_trials: c.len(),
            },
        ))
    } else if let (Some(stat), Some(bd), Some(cd)) = (def.stat, base_draws, cand_draws) {
        let pos = bd.stats.iter().position(|s| *s == stat);
        let pos_c = cd.stats.iter().position(|s| *s == stat);
        match (pos, pos_c) {
            (Some(pb), Some(pc)) => {
                let mut ratios: Vec<f64> = bd.draws[pb]
                    .iter()
                    .zip(&cd.draws[pc])
                    .map(|(fb, fc)| (cm * fc) / (bm * fb) - 1.0)
                    .filter(|r| r.is_finite())
                    .collect();
                let sd = if ratios.len() < RESAMPLES / 2 {
                    0.0
                } else {
                    variance(&ratios).sqrt()
                };
                // Identical rows resample to one value (up to rounding): no evidence of a spread.
                if sd.is_nan() || sd <= 1e-9 {
                    None
                } else {
                    let alpha = (1.0 - CONFIDENCE) / 2.0;
                    let lo = percentile(&mut ratios, alpha);
                    let hi = percentile(&mut ratios, 1.0 - alpha);
                    Some((
                        (lo, hi),
                        sd,
                        Basis::Bootstrap {
                            baseline_requests: bd.requests,
                            candidate_requests: cd.requests,
                            resamples: RESAMPLES,
                            rows_from: match (&bd.from, &cd.from) {
                                (None, None) => None,
                                (Some(b), None) => Some(format!("baseline: {b}")),
                                (None, Some(c)) => Some(format!("candidate: {c}")),
                                (Some(b), Some(c)) => {
                                    Some(format!("baseline: {b}; candidate: {c}"))
                                }
                            },
                        },
                    ))
                }
            }
            _ => None,
        }
    } else {
        None
    };
    let evidence = evidence
        .or_else(|| summary_spread(def, base_points, cand_points, bm, change))
        .or_else(|| producer_interval(def, base_points, cand_points, bm, cm, change));
    match evidence {
        Some((interval, se, basis)) => {
            row.interval = Some(interval);
            row.min_detectable = Some((Z + Z_POWER) * se);
            row.verdict = decide(interval, def.direction);
            row.basis = basis;
        }
        None => row.basis = Basis::SingleMeasurement,
    }
    row
}

fn summary_spread(
    def: &MetricDef,
    base: &[&BenchmarkPoint],
    cand: &[&BenchmarkPoint],
    bm: f64,
    change: f64,
) -> Option<Evidence> {
    let spread = def.spread?;
    let ([pb], [pc]) = (base, cand) else {
        return None;
    };
    let ((_, sb, nb), (_, sc, nc)) = (spread(pb)?, spread(pc)?);
    if nb < 2 || nc < 2 || !sb.is_finite() || !sc.is_finite() {
        return None;
    }
    let se = (sb * sb / nb as f64 + sc * sc / nc as f64).sqrt() / bm;
    let half = Z * se;
    Some((
        (change - half, change + half),
        se,
        Basis::MeanAndSpread {
            baseline_requests: nb,
            candidate_requests: nc,
        },
    ))
}

fn producer_interval(
    def: &MetricDef,
    base: &[&BenchmarkPoint],
    cand: &[&BenchmarkPoint],
    bm: f64,
    cm: f64,
    change: f64,
) -> Option<Evidence> {
    if def.id != "output_tps" && def.id != "output_tps_per_gpu" {
        return None;
    }
    let ([pb], [pc]) = (base, cand) else {
        return None;
    };
    let ((bl, bh), (cl, ch)) = (pb.output_throughput_ci?, pc.output_throughput_ci?);
    let (tb, tc) = (pb.output_throughput?, pc.output_throughput?);
    if tb <= 0.0 || tc <= 0.0 {
        return None;
    }
    // AIPerf's intervals are 95 %: standard errors back from their half-widths, relative.
    let rel_se = |lo: f64, hi: f64, v: f64| (hi - lo) / (2.0 * 1.959_963_984_540_054) / v;
    let se = (rel_se(bl, bh, tb).powi(2) + rel_se(cl, ch, tc).powi(2)).sqrt() * (cm / bm);
    let half = Z * se;
    Some((
        (change - half, change + half),
        se,
        Basis::ProducerInterval {
            baseline_trials: pb.trials,
            candidate_trials: pc.trials,
        },
    ))
}

/// The verdict of a relative change's interval: better (worse) when the whole interval is
/// an improvement (a loss) larger than [`MIN_EFFECT`], unchanged when it lies within
/// ± [`UNCHANGED_MARGIN`], otherwise can't tell.
pub fn decide((lo, hi): (f64, f64), direction: Direction) -> Verdict {
    let (lo, hi) = match direction {
        Direction::HigherIsBetter => (lo, hi),
        Direction::LowerIsBetter => (-hi, -lo),
    };
    if lo > MIN_EFFECT {
        Verdict::Better
    } else if hi < -MIN_EFFECT {
        Verdict::Worse
    } else if lo >= -UNCHANGED_MARGIN && hi <= UNCHANGED_MARGIN {
        Verdict::Unchanged
    } else {
        Verdict::CantTell
    }
}

#[cfg(test)]
mod tests;
