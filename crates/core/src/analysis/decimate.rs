//! Lines thinned for drawing: a line of more points than a chart has pixels is cut into
//! consecutive groups, and each group keeps its lowest and its highest point in time order, so
//! every spike and dip of the whole line is still drawn (min/max decimation; LTTB would smooth
//! them away). Gaps survive: a group whose values are all NaN keeps one NaN point. Exports keep
//! every point; only what is drawn is thinned, and the chart says by how much.

/// A line thinned to at most about `max_points` points: the times and values kept, and how many
/// points each group stood for (1: nothing thinned).
#[derive(Debug, Clone, PartialEq)]
pub struct Decimated {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub group: usize,
}

/// Min/max decimation of `(x, y)` (same length; extra values of the longer are ignored) to at
/// most `max_points` points (at least 2 are always allowed).
pub fn min_max_decimate(x: &[f64], y: &[f64], max_points: usize) -> Decimated {
    let n = x.len().min(y.len());
    let max_points = max_points.max(2);
    if n <= max_points {
        return Decimated {
            x: x[..n].to_vec(),
            y: y[..n].to_vec(),
            group: 1,
        };
    }
    let groups = max_points / 2;
    let group = n.div_ceil(groups);
    let mut out = Decimated {
        x: Vec::with_capacity(2 * groups),
        y: Vec::with_capacity(2 * groups),
        group,
    };
    for start in (0..n).step_by(group) {
        let end = (start + group).min(n);
        let mut lo: Option<usize> = None;
        let mut hi: Option<usize> = None;
        for i in start..end {
            let v = y[i];
            if v.is_nan() {
                continue;
            }
            if lo.is_none_or(|l| v < y[l]) {
                lo = Some(i);
            }
            if hi.is_none_or(|h| v > y[h]) {
                hi = Some(i);
            }
        }
        match (lo, hi) {
            (Some(a), Some(b)) if a == b => {
                out.x.push(x[a]);
                out.y.push(y[a]);
            }
            (Some(a), Some(b)) => {
                for i in [a.min(b), a.max(b)] {
                    out.x.push(x[i]);
                    out.y.push(y[i]);
                }
            }
            _ => {
                out.x.push(x[start]);
                out.y.push(f64::NAN);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_whole() {
        let d = min_max_decimate(&[0.0, 1.0, 2.0], &[5.0, 6.0, 7.0], 10);
        assert_eq!(d.x, vec![0.0, 1.0, 2.0]);
        assert_eq!(d.group, 1);
    }

    #[test]
    fn every_spike_and_dip_survives_in_time_order() {
        // 10 000 points of a flat line with one spike and one dip: thinned to 100 points.
        let x: Vec<f64> = (0..10_000).map(f64::from).collect();
        let mut y = vec![1.0; 10_000];
        y[1234] = 50.0;
        y[7777] = -3.0;
        let d = min_max_decimate(&x, &y, 100);
        assert!(d.x.len() <= 100, "{}", d.x.len());
        assert_eq!(d.group, 200);
        let at = |t: f64| d.x.iter().position(|x| *x == t).map(|i| d.y[i]);
        assert_eq!(at(1234.0), Some(50.0));
        assert_eq!(at(7777.0), Some(-3.0));
        assert!(d.x.windows(2).all(|w| w[0] < w[1]), "time order kept");
        assert_eq!(d.y.iter().copied().fold(f64::MIN, f64::max), 50.0);
        assert_eq!(d.y.iter().copied().fold(f64::MAX, f64::min), -3.0);
    }

    #[test]
    fn gaps_stay_gaps() {
        let x: Vec<f64> = (0..1000).map(f64::from).collect();
        let y: Vec<f64> = (0..1000)
            .map(|i| {
                if (400..600).contains(&i) {
                    f64::NAN
                } else {
                    2.0
                }
            })
            .collect();
        let d = min_max_decimate(&x, &y, 20);
        assert!(d.y.iter().any(|v| v.is_nan()), "{:?}", d.y);
        assert!(d.y.iter().filter(|v| !v.is_nan()).all(|v| *v == 2.0));
        // Mismatched lengths and tiny budgets never panic.
        assert_eq!(min_max_decimate(&x, &y[..3], 10).x.len(), 3);
        assert!(min_max_decimate(&x, &y[..3], 0).x.len() <= 2);
        assert!(min_max_decimate(&x, &y, 0).x.len() <= 2);
    }
}
