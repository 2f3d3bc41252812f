//! Derived metrics with the srt-slurm definitions (DESIGN.md § Metrics) and the Pareto frontier.
//!
//! Output TPS/GPU = output throughput / GPUs; Total TPS/GPU = total token throughput / GPUs;
//! Output TPS/User = 1000 / mean TPOT (ms). Missing or zero inputs give `None`, never 0 or NaN,
//! so charts drop such points instead of plotting them at the origin.

use super::stats::percentile;
use crate::model::{BenchmarkPoint, DerivedMetrics, GpuCounts, InvalidPoint, RequestSamples, Run};

/// `numerator / gpus`, `None` when either is missing or the denominator is zero.
pub fn per_gpu(numerator: Option<f64>, gpus: Option<u32>) -> Option<f64> {
    match (numerator, gpus) {
        (Some(n), Some(g)) if g > 0 && n.is_finite() => Some(n / f64::from(g)),
        _ => None,
    }
}

/// Output tokens per second seen by one user: `1000 / tpot_ms`.
pub fn tps_per_user(tpot_ms: Option<f64>) -> Option<f64> {
    tpot_ms
        .filter(|t| t.is_finite() && *t > 0.0)
        .map(|t| 1000.0 / t)
}

/// Input tokens per second: total − output.
pub fn input_throughput(point: &BenchmarkPoint) -> Option<f64> {
    Some(point.total_token_throughput? - point.output_throughput?).filter(|v| *v >= 0.0)
}

/// E2E-normalized interactivity at percentile `q` (0–1) of the requests, tokens/s/user:
/// `1 / quantile_q(E2E latency (s) / output tokens)`, so p90 is the token rate of the slowest
/// tenth (InferenceX's and AIPerf's definition). A request counts when its latency and output
/// tokens are positive and finite, and its TTFT and prompt tokens too where recorded (AIPerf's
/// filter). `None` without such requests.
pub fn e2e_interactivity(requests: &RequestSamples, q: f64) -> Option<f64> {
    let n = requests.len();
    let mut ratios: Vec<f64> = (0..n)
        .filter(|&i| {
            requests.ttft_ms.get(i).is_none_or(|t| *t > 0.0)
                && requests.input_tokens.get(i).is_none_or(|t| *t > 0)
        })
        .filter_map(|i| {
            let e2el_s = f64::from(*requests.e2el_ms.get(i)?) / 1e3;
            let osl = f64::from(*requests.output_tokens.get(i)?);
            (e2el_s > 0.0 && osl > 0.0).then(|| e2el_s / osl)
        })
        .filter(|r| r.is_finite())
        .collect();
    if ratios.is_empty() {
        return None;
    }
    let p = percentile(&mut ratios, q);
    Some(1.0 / p).filter(|v| p > 0.0 && v.is_finite())
}

/// Every derived metric of one point given its run's GPU counts.
pub fn derive(point: &BenchmarkPoint, counts: &GpuCounts) -> DerivedMetrics {
    let gpus = counts.total();
    let rows = point.requests.as_deref();
    DerivedMetrics {
        output_tps_per_decode_gpu: per_gpu(point.output_throughput, counts.decode),
        input_tps_per_prefill_gpu: per_gpu(input_throughput(point), counts.prefill),
        output_tps_per_gpu: per_gpu(point.output_throughput, gpus)
            .or(point.reported_output_tps_per_gpu),
        total_tps_per_gpu: per_gpu(point.total_token_throughput, gpus)
            .or(point.reported_total_tps_per_gpu),
        output_tps_per_user: tps_per_user(point.tpot_ms.mean),
        output_tps_per_user_median: tps_per_user(point.tpot_ms.median),
        e2e_interactivity_p90: rows
            .and_then(|r| e2e_interactivity(r, 0.90))
            .or(point.reported_e2e_interactivity_p90),
        e2e_interactivity_p75: rows
            .and_then(|r| e2e_interactivity(r, 0.75))
            .or(point.reported_e2e_interactivity_p75),
    }
}

/// Derive every point's metrics from its run's GPU counts.
pub fn derive_all(runs: &mut [Run]) {
    for run in runs {
        let gpus = run.gpus;
        for p in &mut run.points {
            p.derived = derive(p, &gpus);
            p.invalid = validity(p);
        }
    }
}

/// The validity gate: why a point is not a real measurement, from what its file states. A
/// count the file does not state never invalidates a point.
pub fn validity(p: &BenchmarkPoint) -> Option<InvalidPoint> {
    if p.submission_valid == Some(false) {
        return Some(InvalidPoint::MarkedInvalid {
            reasons: p.invalid_reasons.clone(),
        });
    }
    let sent = p.num_prompts.filter(|&n| n > 0);
    if let (None, Some(failed)) = (p.completed, p.failed_requests) {
        if failed > 0 && sent == Some(failed) {
            return Some(InvalidPoint::AllRequestsFailed { sent: failed });
        }
    }
    match (p.completed, sent) {
        (Some(0), Some(sent)) => return Some(InvalidPoint::AllRequestsFailed { sent }),
        (Some(completed), Some(sent))
            if completed.saturating_mul(100)
                < sent.saturating_mul(InvalidPoint::MIN_COMPLETED_PCT) =>
        {
            return Some(InvalidPoint::FewCompleted { completed, sent });
        }
        _ => {}
    }
    let completed = p.completed.unwrap_or(0);
    let no_tokens = p.total_output_tokens == Some(0)
        || (p.total_output_tokens.is_none() && p.output_throughput == Some(0.0));
    if completed > 0 && no_tokens {
        return Some(InvalidPoint::NoOutputTokens { completed });
    }
    if p.completed == Some(0) && p.output_throughput.is_none_or(|t| t == 0.0) {
        return Some(InvalidPoint::AllRequestsFailed { sent: 0 });
    }
    None
}

/// Indices of the non-dominated points (maximising both x and y), ordered by increasing x.
///
/// A point is dominated when another has x' ≥ x and y' ≥ y with one strict. Points with a missing
/// or non-finite coordinate are ignored. O(n log n): sort by x descending, sweep keeping the best y.
pub fn pareto_frontier(points: &[(Option<f64>, Option<f64>)]) -> Vec<usize> {
    let mut idx: Vec<(usize, f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match *p {
            (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Some((i, x, y)),
            _ => None,
        })
        .collect();
    idx.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.total_cmp(&a.2)));
    let mut frontier = Vec::new();
    let mut best_y = f64::NEG_INFINITY;
    for (i, _, y) in idx {
        if y > best_y {
            frontier.push(i);
            best_y = y;
        }
    }
    frontier.reverse();
    frontier
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_gate_reasons() {
        let point = |completed, sent, tokens, tps| BenchmarkPoint {
            completed,
            num_prompts: sent,
            total_output_tokens: tokens,
            output_throughput: tps,
            ..Default::default()
        };
        assert_eq!(
            validity(&point(Some(100), Some(100), Some(5000), Some(9.0))),
            None
        );
        assert_eq!(
            validity(&point(None, None, None, Some(9.0))),
            None,
            "silence is not failure"
        );
        assert_eq!(
            validity(&point(Some(0), Some(80), Some(0), Some(0.0))),
            Some(InvalidPoint::AllRequestsFailed { sent: 80 })
        );
        assert_eq!(
            validity(&point(Some(10), Some(80), Some(900), Some(3.0))),
            Some(InvalidPoint::FewCompleted {
                completed: 10,
                sent: 80
            })
        );
        assert_eq!(
            validity(&point(Some(80), Some(80), Some(0), Some(0.0))),
            Some(InvalidPoint::NoOutputTokens { completed: 80 })
        );
        assert_eq!(
            validity(&point(Some(0), None, None, None)),
            Some(InvalidPoint::AllRequestsFailed { sent: 0 })
        );
        let marked = BenchmarkPoint {
            submission_valid: Some(false),
            invalid_reasons: vec!["too few requests".into()],
            ..point(Some(100), Some(100), Some(5000), Some(9.0))
        };
        assert_eq!(
            validity(&marked),
            Some(InvalidPoint::MarkedInvalid {
                reasons: vec!["too few requests".into()]
            })
        );
    }

    #[test]
    fn frontier_keeps_only_non_dominated_points() {
        let pts = [
            (Some(10.0), Some(100.0)),
            (Some(20.0), Some(80.0)),
            (Some(15.0), Some(70.0)), // dominated by (20, 80)
            (Some(30.0), Some(20.0)),
            (None, Some(1000.0)),     // ignored
            (Some(20.0), Some(80.0)), // duplicate of a frontier point: dominated (not strictly better)
            (Some(5.0), Some(f64::NAN)),
        ];
        assert_eq!(pareto_frontier(&pts), vec![0, 1, 3]);
    }

    #[test]
    fn frontier_matches_quadratic_definition_on_a_grid() {
        let pts: Vec<_> = (0..200)
            .map(|i| (Some(((i * 37) % 101) as f64), Some(((i * 53) % 97) as f64)))
            .collect();
        let fast: std::collections::BTreeSet<_> = pareto_frontier(&pts)
            .into_iter()
            .map(|i| (pts[i].0.unwrap() as i64, pts[i].1.unwrap() as i64))
            .collect();
        let slow: std::collections::BTreeSet<_> = pts
            .iter()
            .filter(|a| {
                !pts.iter()
                    .any(|b| b.0 >= a.0 && b.1 >= a.1 && (b.0 > a.0 || b.1 > a.1))
            })
            .map(|a| (a.0.unwrap() as i64, a.1.unwrap() as i64))
            .collect();
        assert_eq!(fast, slow);
    }

    /// Two requests of 50 output tokens, 1 s and 2 s end to end: 0.02 and 0.04 s per token
    /// (AIPerf's own test case). Linear p90 = 0.038 s → 26.3158 tok/s; p75 = 0.035 → 28.5714.
    #[test]
    fn e2e_interactivity_inverts_the_slow_tail_ratio() {
        let rows = RequestSamples {
            ttft_ms: vec![30.0, 40.0, 0.0],
            tpot_ms: vec![10.0, 20.0, 5.0],
            e2el_ms: vec![1000.0, 2000.0, 10.0],
            output_tokens: vec![50, 50, 50],
            input_tokens: vec![100, 100, 100],
        };
        // The third request has a zero TTFT and is left out, as AIPerf does.
        let p90 = e2e_interactivity(&rows, 0.90).unwrap();
        let p75 = e2e_interactivity(&rows, 0.75).unwrap();
        assert!((p90 - 1.0 / 0.038).abs() < 1e-3, "{p90}");
        assert!((p75 - 1.0 / 0.035).abs() < 1e-3, "{p75}");

        let mut point = BenchmarkPoint {
            requests: Some(Box::new(rows)),
            reported_e2e_interactivity_p90: Some(99.0),
            ..Default::default()
        };
        let d = derive(&point, &GpuCounts::default());
        assert_eq!(
            d.e2e_interactivity_p90,
            Some(p90),
            "rows win over the reported value"
        );
        point.requests = None;
        let d = derive(&point, &GpuCounts::default());
        assert_eq!(d.e2e_interactivity_p90, Some(99.0));
        assert_eq!(d.e2e_interactivity_p75, None);
        assert_eq!(e2e_interactivity(&RequestSamples::default(), 0.9), None);
    }

    #[test]
    fn decode_and_prefill_denominators() {
        let p = BenchmarkPoint {
            output_throughput: Some(100.0),
            total_token_throughput: Some(900.0),
            ..Default::default()
        };
        let counts = GpuCounts {
            node_based: Some(12),
            prefill: Some(4),
            decode: Some(8),
            ..Default::default()
        };
        let d = derive(&p, &counts);
        assert_eq!(d.output_tps_per_gpu, Some(100.0 / 12.0));
        assert_eq!(d.output_tps_per_decode_gpu, Some(12.5));
        assert_eq!(d.input_tps_per_prefill_gpu, Some(200.0));
    }

    #[test]
    fn missing_inputs_give_none_not_zero() {
        assert_eq!(per_gpu(Some(100.0), Some(0)), None);
        assert_eq!(per_gpu(None, Some(8)), None);
        assert_eq!(per_gpu(Some(100.0), Some(8)), Some(12.5));
        assert_eq!(tps_per_user(Some(0.0)), None);
        assert_eq!(tps_per_user(Some(20.0)), Some(50.0));
    }
}
