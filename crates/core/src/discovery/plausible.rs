//! Numbers no benchmark produces: a negative, non-finite or astronomically large throughput, a
//! negative latency, a date in year 0. Such a point is kept and listed with
//! [`InvalidPoint::ImplausibleValue`], and left off charts by default like other invalid points.

use crate::model::{BenchmarkPoint, InvalidPoint, Run};
use crate::text::time::normalize_date;

/// The year of a date as results write it, when it parses.
pub fn year(date: &str) -> Option<i64> {
    normalize_date(date)?.get(..4)?.parse().ok()
}

/// Whether a date's year is one a benchmark could have run in (unparseable dates pass).
pub fn plausible_date(date: &str) -> bool {
    year(date).is_none_or(|y| InvalidPoint::PLAUSIBLE_YEARS.contains(&y))
}

/// The first implausible number of a point, if any.
pub fn implausible(p: &BenchmarkPoint) -> Option<InvalidPoint> {
    let bad = |metric: &str, value: f64| InvalidPoint::ImplausibleValue {
        metric: metric.to_owned(),
        value: value.to_string(),
    };
    let d = &p.derived;
    let rates = [
        ("output_throughput", p.output_throughput),
        ("total_token_throughput", p.total_token_throughput),
        ("request_throughput", p.request_throughput),
        ("request_goodput", p.request_goodput),
        ("peak_output_throughput", p.peak_output_throughput),
        ("output_tps_per_gpu", d.output_tps_per_gpu),
        ("total_tps_per_gpu", d.total_tps_per_gpu),
        ("output_tps_per_user", d.output_tps_per_user),
    ];
    for (metric, v) in rates {
        if let Some(v) = v.filter(|v| !(0.0..=InvalidPoint::MAX_PLAUSIBLE_TPS).contains(v)) {
            return Some(bad(metric, v));
        }
    }
    let latencies = [
        ("ttft_ms", &p.ttft_ms),
        ("tpot_ms", &p.tpot_ms),
        ("itl_ms", &p.itl_ms),
        ("e2el_ms", &p.e2el_ms),
    ];
    for (metric, l) in latencies {
        for v in [l.mean, l.median, l.p90, l.p99].into_iter().flatten() {
            if !v.is_finite() || v < 0.0 {
                return Some(bad(metric, v));
            }
        }
    }
    if let Some(date) = p.date.as_deref().filter(|d| !plausible_date(d)) {
        return Some(InvalidPoint::ImplausibleValue {
            metric: "date".into(),
            value: date.to_owned(),
        });
    }
    None
}

/// Mark every point with an implausible number that is not already invalid for another reason
/// (run after the derived metrics, which it checks too).
pub fn flag_implausible(runs: &mut [Run]) {
    for p in runs.iter_mut().flat_map(|r| r.points.iter_mut()) {
        if p.invalid.is_none() {
            p.invalid = implausible(p);
        }
    }
}
