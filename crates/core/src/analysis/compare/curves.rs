//! Pareto curves compared as curves: each side's frontier of output TPS/GPU over TPS/User, the
//! ratio of candidate to baseline throughput at equal interactivity across the TPS/User range
//! both frontiers cover (the "perf ruler"), the ratio at one chosen interactivity, and each
//! curve's area over the shared range, or over a chosen range within it, divided by its width
//! (its mean height, tok/s/GPU).
//! Between frontier points the curves are linear; outside a frontier's range it has no value.

use serde::{Deserialize, Serialize};

use super::Side;
use crate::analysis::metrics::pareto_frontier;

/// Samples of the perf ruler across the shared range.
pub const RULER_SAMPLES: usize = 33;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveComparison {
    /// The frontiers, `(TPS/User, Output TPS/GPU)` by increasing TPS/User.
    pub baseline_frontier: Vec<(f64, f64)>,
    pub candidate_frontier: Vec<(f64, f64)>,
    /// TPS/User range both frontiers cover.
    pub shared_range: Option<(f64, f64)>,
    /// `(TPS/User, candidate / baseline TPS/GPU)` at evenly spaced points of the shared range.
    pub ruler: Vec<(f64, f64)>,
    /// Geometric mean of the ruler's ratios.
    pub ratio_geomean: Option<f64>,
    pub ratio_min: Option<f64>,
    pub ratio_max: Option<f64>,
    /// The chosen TPS/User and the ratio there (`None` outside the shared range).
    pub at: Option<(f64, Option<f64>)>,
    /// Mean height of each frontier over [`height_range`](Self::height_range):
    /// ∫ TPS/GPU d(TPS/User) / width.
    pub mean_height_baseline: Option<f64>,
    pub mean_height_candidate: Option<f64>,
    /// The TPS/User range of the mean heights: the chosen range cut to the shared range, or the
    /// whole shared range when none was chosen (`None`: they do not overlap).
    #[serde(default)]
    pub height_range: Option<(f64, f64)>,
}

/// What the user chose beside the automatic summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CurveChoice {
    /// The TPS/User the ratio is also given at.
    pub at: Option<f64>,
    /// The TPS/User range the mean heights are taken over.
    pub range: Option<(f64, f64)>,
}

/// A side's frontier: valid points with both coordinates, non-dominated.
pub fn frontier(side: &Side) -> Vec<(f64, f64)> {
    let coords: Vec<(Option<f64>, Option<f64>)> = side
        .runs
        .iter()
        .flat_map(|r| r.points.iter())
        .filter(|p| p.invalid.is_none())
        .map(|p| (p.derived.output_tps_per_user, p.derived.output_tps_per_gpu))
        .collect();
    pareto_frontier(&coords)
        .into_iter()
        .filter_map(|i| Some((coords[i].0?, coords[i].1?)))
        .collect()
}

/// The frontier's TPS/GPU at TPS/User `x` (linear between points).
pub fn height_at(frontier: &[(f64, f64)], x: f64) -> Option<f64> {
    let (first, last) = (frontier.first()?, frontier.last()?);
    if x < first.0 || x > last.0 {
        return None;
    }
    frontier
        .windows(2)
        .find_map(|w| {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            (x >= x0 && x <= x1).then(|| {
                if x1 == x0 {
                    y0.max(y1)
                } else {
                    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
                }
            })
        })
        .or((frontier.len() == 1).then_some(first.1))
}

/// ∫ height dx over [lo, hi] (trapezoids, exact for the piecewise-linear curve).
fn area(frontier: &[(f64, f64)], lo: f64, hi: f64) -> Option<f64> {
    let mut xs: Vec<f64> = vec![lo, hi];
    xs.extend(frontier.iter().map(|p| p.0).filter(|x| *x > lo && *x < hi));
    xs.sort_by(f64::total_cmp);
    let mut sum = 0.0;
    for w in xs.windows(2) {
        sum += (height_at(frontier, w[0])? + height_at(frontier, w[1])?) / 2.0 * (w[1] - w[0]);
    }
    Some(sum)
}

pub fn compare_curves(baseline: &Side, candidate: &Side, choice: CurveChoice) -> CurveComparison {
    let at = choice.at;
    let (b, c) = (frontier(baseline), frontier(candidate));
    let shared = match (b.first(), b.last(), c.first(), c.last()) {
        (Some(b0), Some(b1), Some(c0), Some(c1)) => {
            let (lo, hi) = (b0.0.max(c0.0), b1.0.min(c1.0));
            (hi > lo).then_some((lo, hi))
        }
        _ => None,
    };
    let ratio = |x: f64| {
        let (hb, hc) = (height_at(&b, x)?, height_at(&c, x)?);
        (hb > 0.0).then(|| hc / hb)
    };
    let ruler: Vec<(f64, f64)> = shared
        .map(|(lo, hi)| {
            (0..RULER_SAMPLES)
                .filter_map(|i| {
                    let x = lo + (hi - lo) * i as f64 / (RULER_SAMPLES - 1) as f64;
                    Some((x, ratio(x)?))
                })
                .collect()
        })
        .unwrap_or_default();
    let logs: Vec<f64> = ruler
        .iter()
        .map(|r| r.1)
        .filter(|r| *r > 0.0)
        .map(f64::ln)
        .collect();
    let height_range = match (shared, choice.range) {
        (Some((lo, hi)), Some((a, b))) => {
            let (a, b) = (a.min(b).max(lo), a.max(b).min(hi));
            (b > a).then_some((a, b))
        }
        (shared, None) => shared,
        (None, Some(_)) => None,
    };
    let mean_height =
        |f: &[(f64, f64)]| height_range.and_then(|(lo, hi)| Some(area(f, lo, hi)? / (hi - lo)));
    CurveComparison {
        ratio_geomean: (!logs.is_empty())
            .then(|| (logs.iter().sum::<f64>() / logs.len() as f64).exp()),
        ratio_min: ruler.iter().map(|r| r.1).reduce(f64::min),
        ratio_max: ruler.iter().map(|r| r.1).reduce(f64::max),
        at: at.map(|x| (x, ratio(x))),
        mean_height_baseline: mean_height(&b),
        mean_height_candidate: mean_height(&c),
        height_range,
        shared_range: shared,
        ruler,
        baseline_frontier: b,
        candidate_frontier: c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn height_and_area_of_a_piecewise_linear_frontier() {
        let f = [(10.0, 100.0), (20.0, 80.0), (40.0, 40.0)];
        assert_eq!(height_at(&f, 15.0), Some(90.0));
        assert_eq!(height_at(&f, 30.0), Some(60.0));
        assert_eq!(height_at(&f, 41.0), None);
        // 10..20: mean 90 × 10 = 900; 20..40: mean 60 × 20 = 1200.
        assert_eq!(area(&f, 10.0, 40.0), Some(2100.0));
        assert_eq!(area(&f, 15.0, 30.0), Some(85.0 * 5.0 + 70.0 * 10.0));
    }
}
