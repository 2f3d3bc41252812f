//! Service-level objectives: thresholds on TTFT, TPOT and E2E latency that a share of requests
//! must meet. For each point, the share of its requests that met them (attainment) and the
//! request rate that did (goodput), recomputed from per-request rows when the file has them,
//! else judged from the summary percentile that matches the share asked for; and, per run, the
//! highest-throughput point that meets the objective.

use serde::{Deserialize, Serialize};

use crate::model::{BenchmarkPoint, LatencyStats, Run};

/// Thresholds (ms; `None`: not constrained) and the share of requests that must meet them all.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Slo {
    pub ttft_ms: Option<f64>,
    pub tpot_ms: Option<f64>,
    pub e2el_ms: Option<f64>,
    /// Share of requests, 0–1 (0.9: "90 % of requests").
    pub attainment: f64,
}

impl Slo {
    /// Whether any threshold is set.
    pub fn is_set(&self) -> bool {
        self.limits().next().is_some()
    }

    /// The summary percentile that decides for this share of requests, where summaries state
    /// one: p50, p90 or p99.
    pub fn matching_percentile(&self) -> Option<u8> {
        match (self.attainment * 100.0).round() as u32 {
            50 => Some(50),
            90 => Some(90),
            99 => Some(99),
            _ => None,
        }
    }

    /// The thresholds that are set, named (`("TTFT", 2000.0)`), for showing the objective.
    pub fn limits(&self) -> impl Iterator<Item = (&'static str, f64)> {
        [
            ("TTFT", self.ttft_ms),
            ("TPOT", self.tpot_ms),
            ("E2E latency", self.e2el_ms),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.map(|v| (name, v)))
    }
}

/// What a point's verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum SloBasis {
    /// Per-request rows: the result file's own (the client's latencies), or, `server_side`, rows
    /// borrowed from a vLLM scheduler's `per_request.csv` (`BenchmarkPoint::requests_from`),
    /// whose latencies start at the scheduler's arrival, not at the client's send.
    Requests {
        requests: usize,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        server_side: bool,
    },
    /// The summary percentile matching the share asked for (p50, p90 or p99).
    Percentile { percentile: u8 },
    /// Neither: no rows, and no summary percentile at that share.
    Unknown,
}

/// One point judged against an objective.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SloPoint {
    /// Share of requests that met every threshold (per-request basis only).
    pub attainment: Option<f64>,
    /// Requests per second that met every threshold (per-request basis with a duration).
    pub goodput_rps: Option<f64>,
    /// Whether the point meets the objective (`None`: cannot tell).
    pub meets: Option<bool>,
    pub basis: SloBasis,
}

fn within(value: f64, limit: Option<f64>) -> bool {
    limit.is_none_or(|l| value <= l)
}

/// Judge one point.
pub fn evaluate(point: &BenchmarkPoint, slo: &Slo) -> SloPoint {
    if let Some(rows) = point.requests.as_deref().filter(|r| !r.is_empty()) {
        let n = rows.len();
        let ok = (0..n)
            .filter(|&i| {
                let get = |v: &[f32]| v.get(i).map(|x| f64::from(*x));
                // A request whose TPOT is undefined (one output token) is not held to it.
                let tpot_ok = match get(&rows.tpot_ms) {
                    Some(t) if t.is_finite() => within(t, slo.tpot_ms),
                    _ => true,
                };
                get(&rows.ttft_ms).is_some_and(|t| t.is_finite() && within(t, slo.ttft_ms))
                    && tpot_ok
                    && get(&rows.e2el_ms).is_some_and(|t| t.is_finite() && within(t, slo.e2el_ms))
            })
            .count();
        let attainment = ok as f64 / n as f64;
        return SloPoint {
            attainment: Some(attainment),
            // The rows may be a sample of the requests (trimmed arrays): scale to those completed.
            goodput_rps: point.duration_s.filter(|d| *d > 0.0).map(|d| {
                attainment * point.completed.map_or(n as f64, |c| c.max(n as u64) as f64) / d
            }),
            meets: Some(attainment + 1e-12 >= slo.attainment),
            basis: SloBasis::Requests {
                requests: n,
                server_side: point.requests_from.is_some(),
            },
        };
    }
    let Some(percentile) = slo.matching_percentile() else {
        return SloPoint {
            attainment: None,
            goodput_rps: None,
            meets: None,
            basis: SloBasis::Unknown,
        };
    };
    let at = |s: &LatencyStats| match percentile {
        50 => s.median,
        90 => s.p90,
        _ => s.p99,
    };
    let checks = [
        (slo.ttft_ms, at(&point.ttft_ms)),
        (slo.tpot_ms, at(&point.tpot_ms)),
        (slo.e2el_ms, at(&point.e2el_ms)),
    ];
    let meets = checks
        .iter()
        .filter(|(limit, _)| limit.is_some())
        .try_fold(true, |all, (limit, value)| {
            value.map(|v| all && within(v, *limit))
        });
    SloPoint {
        attainment: None,
        goodput_rps: None,
        meets,
        basis: if meets.is_some() {
            SloBasis::Percentile { percentile }
        } else {
            SloBasis::Unknown
        },
    }
}

/// The index in `run.points` of the highest output throughput among the points that meet the
/// objective (valid points only), if any does.
pub fn best_under_slo(run: &Run, slo: &Slo) -> Option<usize> {
    run.points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.invalid.is_none())
        .filter(|(_, p)| evaluate(p, slo).meets == Some(true))
        .filter_map(|(i, p)| p.output_throughput.map(|t| (i, t)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RequestSamples;

    fn point(ttfts: &[f32], tput: f64) -> BenchmarkPoint {
        BenchmarkPoint {
            duration_s: Some(10.0),
            output_throughput: Some(tput),
            requests: Some(Box::new(RequestSamples {
                ttft_ms: ttfts.to_vec(),
                tpot_ms: vec![f32::NAN; ttfts.len()],
                e2el_ms: ttfts.iter().map(|t| t + 1000.0).collect(),
                output_tokens: vec![1; ttfts.len()],
                input_tokens: Vec::new(),
            })),
            ..Default::default()
        }
    }

    #[test]
    fn attainment_and_goodput_come_from_the_rows() {
        let slo = Slo {
            ttft_ms: Some(100.0),
            tpot_ms: Some(5.0),
            e2el_ms: None,
            attainment: 0.9,
        };
        // 9 of 10 requests within 100 ms: exactly 90 %.
        let mut ttfts = vec![50.0; 9];
        ttfts.push(500.0);
        let r = evaluate(&point(&ttfts, 1.0), &slo);
        assert_eq!(
            r.basis,
            SloBasis::Requests {
                requests: 10,
                server_side: false
            }
        );
        assert_eq!(r.attainment, Some(0.9));
        assert_eq!(r.goodput_rps, Some(0.9));
        assert_eq!(r.meets, Some(true));
        ttfts[0] = 101.0;
        assert_eq!(evaluate(&point(&ttfts, 1.0), &slo).meets, Some(false));
        // Rows that sample 100 completed requests: goodput counts all of them.
        let mut sampled = point(&[50.0; 10], 1.0);
        sampled.completed = Some(100);
        assert_eq!(evaluate(&sampled, &slo).goodput_rps, Some(10.0));
    }

    #[test]
    fn without_rows_the_matching_percentile_decides_or_nothing_does() {
        let mut p = BenchmarkPoint::default();
        p.ttft_ms.p90 = Some(80.0);
        let slo = Slo {
            ttft_ms: Some(100.0),
            tpot_ms: None,
            e2el_ms: None,
            attainment: 0.9,
        };
        let r = evaluate(&p, &slo);
        assert_eq!(r.basis, SloBasis::Percentile { percentile: 90 });
        assert_eq!(r.meets, Some(true));
        // 95 % has no summary percentile; p99 missing is unknown, not a pass.
        assert_eq!(
            evaluate(
                &p,
                &Slo {
                    attainment: 0.95,
                    ..slo
                }
            )
            .basis,
            SloBasis::Unknown
        );
        assert_eq!(
            evaluate(
                &p,
                &Slo {
                    attainment: 0.99,
                    ..slo
                }
            )
            .meets,
            None
        );
    }

    #[test]
    fn the_best_point_under_the_slo_is_the_fastest_that_meets_it() {
        let run = Run {
            points: vec![
                point(&[50.0; 10], 100.0),
                point(&[90.0; 10], 300.0),
                point(&[400.0; 10], 900.0),
            ],
            ..Default::default()
        };
        let slo = Slo {
            ttft_ms: Some(100.0),
            tpot_ms: None,
            e2el_ms: None,
            attainment: 0.9,
        };
        assert_eq!(best_under_slo(&run, &slo), Some(1));
        let strict = Slo {
            ttft_ms: Some(10.0),
            ..slo
        };
        assert_eq!(best_under_slo(&run, &strict), None);
    }
}
