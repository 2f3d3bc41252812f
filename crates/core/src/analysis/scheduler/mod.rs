//! Analysis of vLLM v1 scheduler logs (spec 004): the CSV tables of one directory become one
//! [`SchedulerAnalysis`] — request latency statistics with histograms and CDFs, waiting vs
//! execution, preemption, iteration series (batch, tokens, queues, KV utilisation, iteration
//! time split), event counts, time per state and the state timelines of the slowest requests.
//! Times arrive in nanoseconds from scheduler start and leave in ms (latencies) or s (time axis).

use std::collections::{BTreeMap, HashMap};

use crate::model::{Dataset, RequestSamples, SchedulerFile};

use crate::analysis::stats::{bucket_mean, cdf, histogram, summarize};
use crate::model::scheduler::{
    Distribution, EventRow, Headline, IterationColumns, IterationRow, IterationStats, Preemption,
    RequestColumns, RequestMetric, RequestRow, SchedulerAnalysis, SchedulerFileInfo, SchedulerRows,
    SchedulerTable, SlowRequest, MAX_ITERATION_POINTS, SLOWEST_REQUESTS,
};

mod timeline;

use timeline::{state_time, timelines_from_events, timelines_from_transitions, Timelines};

/// Give a run's one benchmark point the rows of the scheduler's `per_request.csv` under the
/// run's directory, when the point's result holds no per-request rows of its own: the
/// comparison then bootstraps them (and says they are server-side). Only a run of one point
/// and one scheduler directory: the rows carry no client concurrency, so with several points
/// there is no telling which rows belong to which. A run of loose result files
/// (`dir/results_concurrency_*`) looks in `dir`.
pub fn lend_request_rows(ds: &mut Dataset) {
    let inside = |dir: &str, root: &str| {
        root.is_empty() || dir == root || dir.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
    };
    for run in &mut ds.runs {
        let [point] = run.points.as_mut_slice() else {
            continue;
        };
        if point.requests.is_some() {
            continue;
        }
        let dir = if run.root.contains('*') {
            crate::text::paths::parent(&run.root)
        } else {
            run.root.as_str()
        };
        let mut under = ds.scheduler.iter().filter(|a| inside(&a.dir, dir));
        let (Some(a), None) = (under.next(), under.next()) else {
            continue;
        };
        let Some(file) = a.files.iter().find(|f| f.kind == SchedulerFile::PerRequest) else {
            continue;
        };
        let r = &a.requests;
        let ttft_s: Vec<f64> = r.ttft_ms.iter().map(|v| v / 1e3).collect();
        let itl_sum_s: Vec<f64> = r
            .e2e_ms
            .iter()
            .zip(&r.ttft_ms)
            .map(|(e2e, ttft)| (e2e - ttft) / 1e3)
            .collect();
        let inputs: &[f64] = if r.input_tokens.iter().all(|v| v.is_finite()) {
            &r.input_tokens
        } else {
            &[]
        };
        if let Some(rows) =
            RequestSamples::from_client_arrays(&ttft_s, &itl_sum_s, &r.output_tokens, inputs)
        {
            point.requests = Some(Box::new(rows));
            point.requests_from = Some(file.path.clone());
        }
    }
}

const NS_PER_MS: f64 = 1e6;
const NS_PER_S: f64 = 1e9;

/// A request metric with its distribution.
fn distribution(metric: RequestMetric, values: &[f64]) -> Distribution {
    Distribution {
        metric,
        summary: summarize(values),
        histogram: histogram(values, 30),
        cdf: cdf(values, 200),
    }
}

pub(crate) fn ms(ns: f64) -> f64 {
    ns / NS_PER_MS
}

/// Rows of the first table of a kind (a directory has one file of each).
fn rows_of<'t, T>(
    tables: &[&'t SchedulerTable],
    pick: impl Fn(&'t SchedulerRows) -> Option<&'t Vec<T>>,
) -> (&'t [T], Option<&'t str>) {
    tables
        .iter()
        .find_map(|t| pick(&t.rows).map(|r| (r.as_slice(), Some(t.path.as_str()))))
        .unwrap_or((&[], None))
}

/// The analysis of one directory's tables.
pub fn analyse(dir: &str, tables: &[&SchedulerTable]) -> SchedulerAnalysis {
    let mut a = SchedulerAnalysis {
        dir: dir.to_owned(),
        ..Default::default()
    };
    let mut files: Vec<SchedulerFileInfo> = tables
        .iter()
        .map(|t| SchedulerFileInfo {
            path: t.path.clone(),
            kind: t.kind,
            rows: t.rows.len(),
            missing_columns: t.missing_columns.clone(),
            extra_columns: t.extra_columns.clone(),
        })
        .collect();
    files.sort_by_key(|f| f.kind);
    a.files = files;

    let (requests, _) = rows_of(tables, |r| match r {
        SchedulerRows::Requests(v) => Some(v),
        _ => None,
    });
    let (iterations, _) = rows_of(tables, |r| match r {
        SchedulerRows::Iterations(v) => Some(v),
        _ => None,
    });
    let iteration_counts = tables.iter().find_map(|t| match &t.rows {
        SchedulerRows::IterationRequests(c) => Some(c),
        _ => None,
    });
    let (events, events_path) = rows_of(tables, |r| match r {
        SchedulerRows::Events(v) => Some(v),
        _ => None,
    });
    let (transitions, transitions_path) = rows_of(tables, |r| match r {
        SchedulerRows::Transitions(v) => Some(v),
        _ => None,
    });

    a.requests = request_columns(requests);
    let r = &a.requests;
    a.latencies = vec![
        distribution(RequestMetric::Ttft, &r.ttft_ms),
        distribution(RequestMetric::Tpot, &r.tpot_ms),
        distribution(RequestMetric::E2eLatency, &r.e2e_ms),
        distribution(RequestMetric::WaitingTime, &r.waiting_ms),
        distribution(RequestMetric::ExecutionTime, &r.execution_ms),
    ];
    a.tokens = vec![
        distribution(RequestMetric::InputTokens, &r.input_tokens),
        distribution(RequestMetric::OutputTokens, &r.output_tokens),
    ];
    a.preemption = preemption(r, events);
    a.iteration_stats = iteration_stats(iterations);
    a.iterations = iteration_columns(iterations);

    let mut counts: HashMap<&str, u64> = HashMap::new();
    for e in events {
        *counts.entry(e.event_type.as_str()).or_default() += 1;
    }
    a.event_counts = sorted_counts(counts);
    if let Some(c) = iteration_counts {
        let sorted = |m: &BTreeMap<String, u64>| {
            sorted_counts(m.iter().map(|(k, n)| (k.as_str(), *n)).collect())
        };
        a.waiting_reasons = sorted(&c.waiting_reasons);
        a.iteration_request_states = sorted(&c.states);
    }

    let arrival: HashMap<&str, &RequestRow> = requests
        .iter()
        .map(|r| (r.request_id.as_str(), r))
        .collect();
    let (timelines, source) = if !transitions.is_empty() {
        (
            timelines_from_transitions(transitions, &arrival),
            transitions_path,
        )
    } else if !events.is_empty() {
        (timelines_from_events(events, &arrival), events_path)
    } else {
        (HashMap::new(), None)
    };
    a.state_time = state_time(&timelines);
    let per_request = |state: &str| -> Vec<f64> {
        a.requests
            .id
            .iter()
            .map(|id| match timelines.get(id) {
                Some(spans) => spans
                    .iter()
                    .filter(|s| s.state == state)
                    .map(|s| s.end_ms - s.start_ms)
                    .sum(),
                None => f64::NAN,
            })
            .collect()
    };
    a.requests.state_waiting_ms = per_request("waiting");
    a.requests.state_running_ms = per_request("running");
    a.requests.state_preempted_ms = per_request("preempted");
    a.slowest = slowest(&a.requests, &timelines, source);

    let kv = &a.iteration_stats.kv_util_pct;
    a.headline = Headline {
        requests: requests.len(),
        ttft_ms: a.latencies[0].summary,
        tpot_ms: a.latencies[1].summary,
        e2e_ms: a.latencies[2].summary,
        preemption_rate: a.preemption.rate,
        kv_util_mean_pct: kv.mean,
        kv_util_max_pct: kv.max,
        batch_size_mean: a.iteration_stats.batch_size.mean,
    };
    a
}

fn sorted_counts(counts: HashMap<&str, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.into_iter().map(|(k, n)| (k.to_owned(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

fn request_columns(rows: &[RequestRow]) -> RequestColumns {
    let mut order: Vec<&RequestRow> = rows.iter().collect();
    order.sort_by(|a, b| a.arrival_ns.total_cmp(&b.arrival_ns));
    let col = |f: fn(&RequestRow) -> f64| order.iter().map(|r| f(r)).collect::<Vec<f64>>();
    RequestColumns {
        id: order.iter().map(|r| r.request_id.clone()).collect(),
        arrival_s: col(|r| r.arrival_ns / NS_PER_S),
        ttft_ms: col(|r| ms(r.ttft_ns)),
        tpot_ms: col(|r| ms(r.tpot_ns)),
        e2e_ms: col(|r| {
            if r.e2e_ns.is_finite() {
                ms(r.e2e_ns)
            } else {
                ms(r.completion_ns - r.arrival_ns)
            }
        }),
        waiting_ms: col(|r| ms(r.waiting_ns)),
        execution_ms: col(|r| ms(r.execution_ns)),
        input_tokens: col(|r| r.input_tokens),
        output_tokens: col(|r| r.output_tokens),
        preemptions: col(|r| r.preemption_count),
        evictions: col(|r| r.eviction_count),
        // Filled from the timelines once they are built.
        ..Default::default()
    }
}

fn preemption(r: &RequestColumns, events: &[EventRow]) -> Preemption {
    let known: Vec<u64> = r
        .preemptions
        .iter()
        .filter(|v| v.is_finite() && **v >= 0.0)
        .map(|v| *v as u64)
        .collect();
    let preempted = known.iter().filter(|&&n| n > 0).count();
    let mut distribution: BTreeMap<u64, u64> = BTreeMap::new();
    for &n in &known {
        *distribution.entry(n).or_default() += 1;
    }
    Preemption {
        requests: r.id.len(),
        preempted_requests: preempted,
        rate: if known.is_empty() {
            f64::NAN
        } else {
            preempted as f64 / known.len() as f64
        },
        // Saturating: a count of 1e30 (a corrupt cell) reads as u64::MAX, and two of them
        // must not overflow.
        total_preemptions: known.iter().fold(0, |a: u64, &n| a.saturating_add(n)),
        total_evictions: r
            .evictions
            .iter()
            .filter(|v| v.is_finite() && **v > 0.0)
            .fold(0, |a: u64, v| a.saturating_add(*v as u64)),
        distribution: distribution.into_iter().collect(),
        preempted_events: (!events.is_empty()).then(|| {
            events
                .iter()
                .filter(|e| e.event_type == "request_preempted")
                .count() as u64
        }),
    }
}

/// Iteration duration: the `duration` column, else `end - start`.
fn duration_ns(r: &IterationRow) -> f64 {
    if r.duration_ns.is_finite() {
        r.duration_ns
    } else {
        r.end_ns - r.start_ns
    }
}

fn kv_pct(r: &IterationRow) -> f64 {
    if r.kv_total > 0.0 {
        r.kv_used / r.kv_total * 100.0
    } else {
        f64::NAN
    }
}

fn iteration_stats(rows: &[IterationRow]) -> IterationStats {
    let col = |f: &dyn Fn(&IterationRow) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    let duration = col(&|r| ms(duration_ns(r)));
    let overhead = col(&|r| ms(r.scheduling_overhead_ns));
    let (sum_overhead, sum_duration) = rows
        .iter()
        .filter(|r| r.scheduling_overhead_ns.is_finite() && duration_ns(r).is_finite())
        .fold((0.0, 0.0), |(o, d), r| {
            (o + r.scheduling_overhead_ns, d + duration_ns(r))
        });
    IterationStats {
        batch_size: summarize(&col(&|r| r.batch_size)),
        kv_util_pct: summarize(&col(&kv_pct)),
        duration_ms: summarize(&duration),
        overhead_ms: summarize(&overhead),
        forward_ms: summarize(&col(&|r| ms(r.forward_ns))),
        overhead_share_pct: if sum_duration > 0.0 {
            sum_overhead / sum_duration * 100.0
        } else {
            f64::NAN
        },
    }
}

fn iteration_columns(rows: &[IterationRow]) -> IterationColumns {
    let mut order: Vec<&IterationRow> = rows.iter().collect();
    order.sort_by(|a, b| a.iteration_id.total_cmp(&b.iteration_id));
    let stride = order.len().div_ceil(MAX_ITERATION_POINTS).max(1);
    let col = |f: &dyn Fn(&IterationRow) -> f64| {
        order
            .chunks(stride)
            .map(|c| bucket_mean(c.iter().map(|r| f(r))))
            .collect::<Vec<f64>>()
    };
    IterationColumns {
        total: rows.len(),
        stride,
        iteration_id: order.chunks(stride).map(|c| c[0].iteration_id).collect(),
        t_s: order
            .chunks(stride)
            .map(|c| c[0].start_ns / NS_PER_S)
            .collect(),
        duration_ms: col(&|r| ms(duration_ns(r))),
        overhead_ms: col(&|r| ms(r.scheduling_overhead_ns)),
        forward_ms: col(&|r| ms(r.forward_ns)),
        batch_size: col(&|r| r.batch_size),
        prefill_tokens: col(&|r| r.prefill_tokens),
        decode_tokens: col(&|r| r.decode_tokens),
        running: col(&|r| r.running),
        waiting: col(&|r| r.waiting),
        preempted: col(&|r| r.preempted),
        kv_util_pct: col(&kv_pct),
    }
}

fn slowest(r: &RequestColumns, timelines: &Timelines, source: Option<&str>) -> Vec<SlowRequest> {
    let mut idx: Vec<usize> = (0..r.id.len())
        .filter(|&i| r.e2e_ms[i].is_finite())
        .collect();
    idx.sort_by(|&a, &b| r.e2e_ms[b].total_cmp(&r.e2e_ms[a]));
    idx.truncate(SLOWEST_REQUESTS);
    idx.into_iter()
        .map(|i| {
            let spans = timelines.get(&r.id[i]).cloned().unwrap_or_default();
            SlowRequest {
                id: r.id[i].clone(),
                e2e_ms: r.e2e_ms[i],
                ttft_ms: r.ttft_ms[i],
                waiting_ms: r.waiting_ms[i],
                execution_ms: r.execution_ms[i],
                preemptions: r.preemptions[i],
                timeline_source: (!spans.is_empty())
                    .then(|| source.map(str::to_owned))
                    .flatten(),
                spans,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_huge_preemption_counts_saturate_instead_of_overflowing() {
        // Found by fuzzing the ingest: two cells of 1e30 overflowed the u64 sum.
        let r = RequestColumns {
            id: vec!["a".into(), "b".into()],
            preemptions: vec![1e30, 1e30],
            evictions: vec![1e30, 1e30],
            ..Default::default()
        };
        let p = preemption(&r, &[]);
        assert_eq!(p.total_preemptions, u64::MAX);
        assert_eq!(p.total_evictions, u64::MAX);
        assert_eq!(p.preempted_requests, 2);
    }
    use crate::formats::scheduler_csv::parse_table;
    use crate::model::SchedulerFile;

    #[test]
    fn transitions_give_time_per_state() {
        let req = parse_table(
            "s/per_request.csv",
            SchedulerFile::PerRequest,
            b"request_id,arrival_time,completion_time,e2e_latency,preemption_count\n\
              a,0,10000000,10000000,1\nb,0,4000000,4000000,0\n",
        );
        let tr = parse_table(
            "s/state_transitions.csv",
            SchedulerFile::StateTransitions,
            b"request_id,timestamp,state,duration_in_prev_state\n\
              a,1000000,running,1000000\na,3000000,preempted,2000000\n\
              a,6000000,running,3000000\na,10000000,completed,4000000\n\
              b,2000000,running,2000000\nb,4000000,completed,2000000\n",
        );
        let a = analyse("s", &[&req, &tr]);
        let st: Vec<(&str, f64)> = a
            .state_time
            .iter()
            .map(|s| (s.state.as_str(), s.total_ms))
            .collect();
        assert_eq!(
            st,
            vec![("waiting", 3.0), ("running", 8.0), ("preempted", 3.0)]
        );
        assert_eq!(a.slowest[0].id, "a");
        assert_eq!(a.slowest[0].spans.len(), 4);
        // Per request: a waited 1, ran 2 + 4, was preempted 3 (ms).
        let i = a.requests.id.iter().position(|id| id == "a").unwrap();
        assert_eq!(
            (
                a.requests.state_waiting_ms[i],
                a.requests.state_running_ms[i],
                a.requests.state_preempted_ms[i]
            ),
            (1.0, 6.0, 3.0)
        );
        assert_eq!(a.preemption.rate, 0.5);
        assert_eq!(a.preemption.distribution, vec![(0, 1), (1, 1)]);
    }
}
