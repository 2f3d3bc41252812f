//! Benchmark windows on the servers' clock, and the steady state inside each.
//!
//! A point's window comes from its result file: bench_serving, sa-bench and vLLM stamp `date`
//! when the benchmark ends, AIPerf `start_time` when it starts, and each states its duration.
//! Worker-log timestamps and these stamps are both the machines' local time, read the same way
//! (`text::time`), so the window lands on the node charts' axis (seconds since the run's first
//! log sample).
//!
//! Inside a window, the servers' requests in flight — the cluster's sum of SGLang decode
//! `#running-req`, vLLM `Running` or TRT-LLM scheduled requests — give the **steady state**: the
//! longest stretch whose in-flight count stays at or above a ratio of the window's peak
//! (sglang#30918's definition). Generation throughput and in-flight requests are averaged over
//! it and over the whole window, so warm-up and drain show as the difference.

use serde::{Deserialize, Serialize};

use super::aggregate::{aggregate, bucket_width, Grouping, Reducer};
use crate::model::{
    serde_nan, BenchmarkPoint, Dataset, InvalidPoint, RunWorkerLog, SampleKind, Service,
};
use crate::text::time::{civil_from_days, date_time, days_from_civil, normalize_date, year_of};

/// The ratio of the peak offered by default.
pub const DEFAULT_STEADY_RATIO: f64 = 0.9;

/// Where the servers' in-flight requests and generation throughput are read, in preference
/// order: (sample kind, in-flight field, throughput field; TRT-LLM iterations log none).
const SOURCES: [(SampleKind, &str, Option<&str>); 3] = [
    (SampleKind::Decode, "running_req", Some("gen_throughput")),
    (
        SampleKind::EngineStats,
        "running",
        Some("generation_throughput"),
    ),
    (SampleKind::Iteration, "num_scheduled_requests", None),
];

/// One benchmark point's measurement window, in seconds since the run's first log sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkWindow {
    pub concurrency: Option<u32>,
    #[serde(default, with = "serde_nan::option_inf_as_string")]
    pub request_rate: Option<f64>,
    pub start_s: f64,
    pub end_s: f64,
    /// Result file whose timestamp and duration place it.
    pub source: String,
    /// Width of the buckets below, seconds.
    pub bucket_s: f64,
    /// The cluster's requests in flight inside the window: `[bucket start, sum]`.
    pub in_flight: Vec<[f64; 2]>,
    /// The cluster's generation throughput inside the window (tokens/s): `[bucket start, sum]`.
    pub gen_throughput: Vec<[f64; 2]>,
}

impl BenchmarkWindow {
    /// Share of the window inside `[from, to]`, 0–1 (0 for an empty window).
    pub fn covered_share(&self, from: f64, to: f64) -> f64 {
        let span = self.end_s - self.start_s;
        if span > 0.0 {
            ((to.min(self.end_s) - from.max(self.start_s)) / span).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// `c=64`, `4 req/s`, `c=64 @ 4 req/s`: what the shading on a chart says.
    pub fn label(&self) -> String {
        let rate = self
            .request_rate
            .filter(|r| r.is_finite())
            .map(|r| format!("{r} req/s"));
        match (self.concurrency, rate) {
            (Some(c), Some(r)) => format!("c={c} @ {r}"),
            (Some(c), None) => format!("c={c}"),
            (None, Some(r)) => r,
            (None, None) => "window".into(),
        }
    }
}

/// Means over a stretch of a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StretchMeans {
    pub in_flight: Option<f64>,
    pub gen_throughput: Option<f64>,
}

/// The steady state of one window at one ratio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SteadyState {
    pub ratio: f64,
    /// Most requests in flight at once in the window.
    pub peak_in_flight: f64,
    /// The steady stretch, seconds since the run's start (end exclusive: last bucket's end).
    pub start_s: f64,
    pub end_s: f64,
    /// Over the whole window.
    pub whole: StretchMeans,
    /// Over the steady stretch.
    pub steady: StretchMeans,
}

impl SteadyState {
    /// Share of the window the steady stretch covers, 0–1.
    pub fn share_of(&self, window: &BenchmarkWindow) -> f64 {
        window.covered_share(self.start_s, self.end_s)
    }
}

/// When a point's measurement started and ended, epoch seconds on the client's clock.
pub fn point_interval(p: &BenchmarkPoint) -> Option<(f64, f64)> {
    let duration = p.duration_s.filter(|d| d.is_finite() && *d > 0.0)?;
    let stamp = normalize_date(p.date.as_deref()?)?;
    let (t, _) = date_time(stamp.as_bytes())?;
    if p.tool.starts_with("aiperf") {
        Some((t, t + duration))
    } else {
        Some((t - duration, t))
    }
}

/// `t` on the same month, day and time of `year`.
fn in_year(t: f64, year: i64) -> f64 {
    let days = (t / 86_400.0).floor();
    let (_, m, d) = civil_from_days(days as i64);
    days_from_civil(year, m, d) as f64 * 86_400.0 + (t - days * 86_400.0)
}

/// The windows of one run's points that overlap its worker logs, in time order, each with the
/// cluster's in-flight requests and generation throughput inside it. Empty when the run has no
/// worker logs with such samples or its results carry no timestamps.
pub fn benchmark_windows(ds: &Dataset, run_key: &str) -> Vec<BenchmarkWindow> {
    let Some(run) = ds.runs.iter().find(|r| r.key == run_key) else {
        return Vec::new();
    };
    let logs: Vec<&RunWorkerLog> = ds
        .worker_logs
        .iter()
        .filter(|l| l.run_key == run_key && l.log.identity.service != Service::Prefill)
        .collect();
    let Some(start) = logs
        .iter()
        .filter_map(|l| l.run_start_s.or_else(|| l.log.start_s()))
        .reduce(f64::min)
    else {
        return Vec::new();
    };
    let Some((kind, in_flight_field, tps_field)) = SOURCES.into_iter().find(|(kind, f, _)| {
        logs.iter().any(|l| {
            l.log
                .series
                .iter()
                .any(|s| s.kind == *kind && s.column(f).is_some())
        })
    }) else {
        return Vec::new();
    };
    let end = logs
        .iter()
        .flat_map(|l| l.log.series.iter().filter(|s| s.kind == kind))
        .filter_map(|s| s.time_s.iter().rev().find(|t| t.is_finite()).copied())
        .fold(start, f64::max);
    let bucket_s = bucket_width(end - start, 1.0);
    let cluster = |field: &str| -> Vec<[f64; 2]> {
        aggregate(
            &logs,
            kind,
            field,
            Grouping::Cluster,
            Reducer::Sum,
            bucket_s,
        )
        .into_iter()
        .next()
        .map(|s| {
            s.elapsed_s
                .iter()
                .zip(&s.values)
                .map(|(t, v)| [*t, *v])
                .collect()
        })
        .unwrap_or_default()
    };
    let in_flight = cluster(in_flight_field);
    let tps = tps_field.map(cluster).unwrap_or_default();
    // vLLM stamps `MM-DD HH:MM:SS` without a year; a log that states none is read in a
    // placeholder year no benchmark ran in. Result stamps are then taken into that year (month,
    // day and time kept) so they land on the log's axis.
    let log_year = year_of(start);
    let redate = !InvalidPoint::PLAUSIBLE_YEARS.contains(&log_year);
    let inside = |rows: &[[f64; 2]], from: f64, to: f64| -> Vec<[f64; 2]> {
        rows.iter()
            .filter(|r| r[0] >= from && r[0] < to)
            .copied()
            .collect()
    };
    let mut windows: Vec<BenchmarkWindow> = run
        .points
        .iter()
        .filter_map(|p| {
            let (from, to) = point_interval(p)?;
            let (from, to) = if redate {
                (in_year(from, log_year), in_year(to, log_year))
            } else {
                (from, to)
            };
            let (from, to) = (from - start, to - start);
            // Windows wholly outside the logs (another clock, another day) are not shown.
            if to <= 0.0 || from >= end - start + bucket_s {
                return None;
            }
            Some(BenchmarkWindow {
                concurrency: p.concurrency,
                request_rate: p.request_rate,
                start_s: from,
                end_s: to,
                source: p.source.clone(),
                bucket_s,
                in_flight: inside(&in_flight, from, to),
                gen_throughput: inside(&tps, from, to),
            })
        })
        .collect();
    windows.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    windows
}

fn mean(rows: &[[f64; 2]], from: f64, to: f64) -> Option<f64> {
    let v: Vec<f64> = rows
        .iter()
        .filter(|r| r[0] >= from && r[0] < to && r[1].is_finite())
        .map(|r| r[1])
        .collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The longest run of consecutive buckets whose in-flight count is at least `ratio` × the
/// window's peak (the first such run on a tie), ending one sample spacing after its last
/// sample; `None` without in-flight samples or a peak above zero. A gap of over three sample
/// spacings breaks a run: the servers logged nothing there.
pub fn steady_state(window: &BenchmarkWindow, ratio: f64) -> Option<SteadyState> {
    let ratio = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        DEFAULT_STEADY_RATIO
    };
    let rows = &window.in_flight;
    let peak = rows
        .iter()
        .map(|r| r[1])
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if peak.is_nan() || peak <= 0.0 {
        return None;
    }
    let floor = ratio * peak;
    // The servers' cadence: the median spacing of the samples (never under a bucket). A gap
    // over three times it breaks a stretch: the servers logged nothing there.
    let mut gaps: Vec<f64> = rows.windows(2).map(|w| w[1][0] - w[0][0]).collect();
    gaps.sort_by(f64::total_cmp);
    let step = gaps
        .get(gaps.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(window.bucket_s)
        .max(window.bucket_s);
    // Stretches as (first row, last row).
    let mut best: Option<(usize, usize)> = None;
    let mut current: Option<(usize, usize)> = None;
    for (i, r) in rows.iter().enumerate() {
        let contiguous = i > 0 && r[0] - rows[i - 1][0] <= 3.0 * step + 1e-9;
        current = if r[1] >= floor {
            match current {
                Some((s, _)) if contiguous => Some((s, i)),
                _ => Some((i, i)),
            }
        } else {
            None
        };
        if let Some((s, e)) = current {
            if best.is_none_or(|(bs, be)| e - s > be - bs) {
                best = Some((s, e));
            }
        }
    }
    let (s, e) = best?;
    let (start_s, end_s) = (rows[s][0], (rows[e][0] + step).min(window.end_s));
    let means = |from: f64, to: f64| StretchMeans {
        in_flight: mean(rows, from, to),
        gen_throughput: mean(&window.gen_throughput, from, to),
    };
    Some(SteadyState {
        ratio,
        peak_in_flight: peak,
        start_s,
        end_s,
        whole: means(window.start_s, window.end_s),
        steady: means(start_s, end_s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(in_flight: &[f64]) -> BenchmarkWindow {
        BenchmarkWindow {
            concurrency: Some(64),
            request_rate: None,
            start_s: 0.0,
            end_s: in_flight.len() as f64,
            source: "r.json".into(),
            bucket_s: 1.0,
            in_flight: in_flight
                .iter()
                .enumerate()
                .map(|(i, v)| [i as f64, *v])
                .collect(),
            gen_throughput: in_flight
                .iter()
                .enumerate()
                .map(|(i, v)| [i as f64, v * 10.0])
                .collect(),
        }
    }

    #[test]
    fn steady_state_is_the_longest_stretch_above_the_ratio_of_the_peak() {
        // Warm-up 0–2, a dip at 6, a longer plateau 7–11, drain 12–13.
        let w = window(&[
            10.0, 30.0, 60.0, 62.0, 64.0, 60.0, 40.0, 63.0, 64.0, 61.0, 62.0, 60.0, 30.0, 5.0,
        ]);
        let s = steady_state(&w, 0.9).unwrap();
        assert_eq!(s.peak_in_flight, 64.0);
        assert_eq!((s.start_s, s.end_s), (7.0, 12.0));
        assert_eq!(s.steady.in_flight, Some(62.0));
        assert_eq!(s.steady.gen_throughput, Some(620.0));
        let whole: f64 = w.in_flight.iter().map(|r| r[1]).sum::<f64>() / 14.0;
        assert_eq!(s.whole.in_flight, Some(whole));
        assert!((s.share_of(&w) - 5.0 / 14.0).abs() < 1e-12);
        // A lower ratio takes the dip in: one stretch from 2 to 11.
        let s = steady_state(&w, 0.6).unwrap();
        assert_eq!((s.start_s, s.end_s), (2.0, 12.0));
        // Ratio 0 keeps everything.
        assert_eq!(steady_state(&w, 0.0).unwrap().start_s, 0.0);
    }

    #[test]
    fn gaps_break_a_stretch_and_empty_windows_have_none() {
        let mut w = window(&[64.0; 10]);
        // The servers logged nothing from 3 to 6: the stretch before (0–2) ties with the one
        // after (7–9), and the first longest wins.
        w.in_flight.drain(3..7);
        let s = steady_state(&w, 0.9).unwrap();
        assert_eq!((s.start_s, s.end_s), (0.0, 3.0));
        // A gap within three spacings does not break it.
        let mut w = window(&[64.0; 6]);
        w.in_flight.drain(2..4);
        assert_eq!(steady_state(&w, 0.9).unwrap().start_s, 0.0);
        assert_eq!(steady_state(&w, 0.9).unwrap().end_s, 6.0);
        assert_eq!(steady_state(&window(&[]), 0.9), None);
        assert_eq!(steady_state(&window(&[0.0, 0.0]), 0.9), None);
        assert!(steady_state(&window(&[1.0]), f64::NAN).is_some());
    }

    #[test]
    fn intervals_end_at_the_stamp_except_aiperf_which_starts_there() {
        let p = BenchmarkPoint {
            tool: "sa-bench-json".into(),
            date: Some("20260512-083000".into()),
            duration_s: Some(100.0),
            ..Default::default()
        };
        let (from, to) = point_interval(&p).unwrap();
        assert_eq!(to - from, 100.0);
        assert_eq!(
            crate::text::time::format_date_time(to),
            "2026-05-12 08:30:00"
        );
        let a = BenchmarkPoint {
            tool: "aiperf-json".into(),
            ..p.clone()
        };
        assert_eq!(point_interval(&a), Some((to, to + 100.0)));
        let none = BenchmarkPoint {
            duration_s: None,
            ..p
        };
        assert_eq!(point_interval(&none), None);
    }
}
