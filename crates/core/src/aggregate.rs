//! Node-metric aggregation for charts: per worker, grouped by DP rank, or the whole cluster,
//! with the reduction (mean or sum) stated in the result so a chart can label it.
//!
//! Samples are put in time buckets (seconds since the run's start). Within a bucket each member
//! series is first averaged over its own samples, so a chatty rank does not outweigh a quiet
//! one; members are then reduced with the chosen mean or sum. A DP-attention file carrying
//! several DP ranks contributes one member per rank.

use serde::{Deserialize, Serialize};

use crate::model::RunWorkerLog;
use crate::timeseries::SampleKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// One line per worker and rank.
    PerWorker,
    /// One line per DP rank across workers.
    ByDpRank,
    /// One line for every worker of the run.
    Cluster,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

struct Member<'a> {
    group: String,
    time: &'a [f64],
    values: &'a [f32],
    start: f64,
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
            let group = match grouping {
                Grouping::PerWorker => match s.ranks.dp {
                    Some(dp) => format!("{} DP{dp}", worker_label(l)),
                    None => worker_label(l),
                },
                Grouping::ByDpRank => format!("DP{}", s.ranks.dp.unwrap_or(0)),
                Grouping::Cluster => "all workers".to_owned(),
            };
            members.push(Member {
                group,
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
            // bucket → per-member (sum, count)
            let mut buckets: std::collections::BTreeMap<i64, Vec<(f64, u32)>> = Default::default();
            for (mi, m) in in_group.iter().enumerate() {
                for (t, v) in m.time.iter().zip(m.values) {
                    if !t.is_finite() || !v.is_finite() {
                        continue;
                    }
                    let b = ((t - m.start) / bucket_s).floor() as i64;
                    let slot = buckets
                        .entry(b)
                        .or_insert_with(|| vec![(0.0, 0); in_group.len()]);
                    slot[mi].0 += f64::from(*v);
                    slot[mi].1 += 1;
                }
            }
            let single = in_group.len() == 1;
            let (mut elapsed_s, mut values) = (Vec::new(), Vec::new());
            for (b, slots) in buckets {
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
                    log: *l,
                },
                _ => unreachable!(),
            })
            .collect()
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
