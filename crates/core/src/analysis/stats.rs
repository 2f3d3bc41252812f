//! Statistics of one column of numbers, NaN-tolerant: count, mean and percentiles (linear
//! between ranks, as pandas), equal-width histograms, empirical CDFs and bucket means for
//! drawing long columns with fewer points.

use crate::model::summary::{Bin, Summary};

/// Percentile (`q` in 0–1) of values, sorting them in place; linear between closest ranks
/// (pandas' and numpy's default). NaN when there are none.
pub fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    quantile(values, q)
}

/// Percentile of sorted values, linear between closest ranks (pandas' default `quantile`).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

fn finite_sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Summary of the finite values (NaN fields when there are none).
pub fn summarize(values: &[f64]) -> Summary {
    let v = finite_sorted(values);
    if v.is_empty() {
        return Summary {
            count: 0,
            mean: f64::NAN,
            p50: f64::NAN,
            p90: f64::NAN,
            p95: f64::NAN,
            p99: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
        };
    }
    Summary {
        count: v.len(),
        mean: v.iter().sum::<f64>() / v.len() as f64,
        p50: quantile(&v, 0.50),
        p90: quantile(&v, 0.90),
        p95: quantile(&v, 0.95),
        p99: quantile(&v, 0.99),
        min: v[0],
        max: v[v.len() - 1],
    }
}

/// Equal-width histogram of the finite values.
pub fn histogram(values: &[f64], bins: usize) -> Vec<Bin> {
    let v = finite_sorted(values);
    let (Some(&lo), Some(&hi)) = (v.first(), v.last()) else {
        return Vec::new();
    };
    let bins = bins.max(1);
    if hi <= lo {
        return vec![Bin {
            lo,
            hi,
            count: v.len() as u64,
        }];
    }
    let width = (hi - lo) / bins as f64;
    let mut out: Vec<Bin> = (0..bins)
        .map(|i| Bin {
            lo: lo + width * i as f64,
            hi: lo + width * (i + 1) as f64,
            count: 0,
        })
        .collect();
    for x in v {
        let i = (((x - lo) / width) as usize).min(bins - 1);
        out[i].count += 1;
    }
    out
}

/// Empirical CDF as `(value, fraction ≤ value)` at up to `points` evenly spaced ranks.
pub fn cdf(values: &[f64], points: usize) -> Vec<[f64; 2]> {
    let v = finite_sorted(values);
    let n = v.len();
    if n == 0 {
        return Vec::new();
    }
    let points = points.clamp(2, n.max(2));
    let mut out: Vec<[f64; 2]> = (0..points)
        .map(|i| {
            let rank = (i * (n - 1)) / (points - 1);
            [v[rank], (rank + 1) as f64 / n as f64]
        })
        .collect();
    out.dedup_by(|a, b| a[0] == b[0] && a[1] == b[1]);
    out
}

/// Mean of the finite values of a bucket (NaN when none).
pub(crate) fn bucket_mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

/// A column averaged in buckets of `stride` consecutive values, with `stride` chosen so that at
/// most `max_points` remain (NaN values are skipped within a bucket).
pub fn bucket_means(values: &[f64], max_points: usize) -> (Vec<f64>, usize) {
    let stride = values.len().div_ceil(max_points.max(1)).max(1);
    (
        values
            .chunks(stride)
            .map(|c| bucket_mean(c.iter().copied()))
            .collect(),
        stride,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_pandas() {
        let s = summarize(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(s.count, 4);
        assert_eq!(s.mean, 2.5);
        assert_eq!(s.p50, 2.5);
        assert!((s.p90 - 3.7).abs() < 1e-9);
        assert!((s.p99 - 3.97).abs() < 1e-9);
        assert!(summarize(&[]).mean.is_nan());
    }

    #[test]
    fn bucket_means_keep_at_most_the_asked_points() {
        let v: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(bucket_means(&v, 20), (v.clone(), 1));
        assert_eq!(bucket_means(&v, 4), (vec![1.0, 4.0, 7.0, 9.0], 3));
        assert_eq!(bucket_means(&[f64::NAN, 2.0], 1).0, vec![2.0]);
    }

    #[test]
    fn histogram_counts_every_value() {
        let h = histogram(&[0.0, 1.0, 2.0, 10.0], 5);
        assert_eq!(h.len(), 5);
        assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), 4);
        assert_eq!(h[4].count, 1);
        let c = cdf(&[3.0, 1.0, 2.0], 10);
        assert_eq!(c.last().unwrap(), &[3.0, 1.0]);
    }
}
