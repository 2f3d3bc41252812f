//! Chart options and CSVs of the Scheduler tab: iteration series by iteration or elapsed time,
//! request-metric histograms and CDFs, waiting vs execution, and request state timelines.

use charming::component::{Axis, Grid, Legend, Title};
use charming::element::{AxisType, ItemStyle, NameLocation, Tooltip, Trigger};
use charming::series::Bar;
use charming::Chart;
use runlens_core::analysis::stats::bucket_means;
use runlens_core::model::scheduler::{Distribution, SchedulerAnalysis, SlowRequest};

use super::metric_name;
use crate::tabs::charts::{bar_chart, cell, csv, fmt_num, xy_chart, XySeries};

/// X axis of the iteration charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IterationAxis {
    Iteration,
    Elapsed,
}

fn x_values(a: &SchedulerAnalysis, axis: IterationAxis) -> (&[f64], &'static str) {
    match axis {
        IterationAxis::Iteration => (&a.iterations.iteration_id, "Iteration"),
        IterationAxis::Elapsed => (&a.iterations.t_s, "Time since scheduler start (s)"),
    }
}

fn stride_note(a: &SchedulerAnalysis) -> String {
    if a.iterations.stride > 1 {
        format!(
            "{} iterations, each point the mean of {}",
            a.iterations.total, a.iterations.stride
        )
    } else {
        format!("{} iterations", a.iterations.total)
    }
}

/// The iteration charts by id: `(id, option)`.
pub fn iteration_options(
    a: &SchedulerAnalysis,
    axis: IterationAxis,
) -> Vec<(&'static str, Option<String>)> {
    let (x, x_name) = x_values(a, axis);
    let it = &a.iterations;
    let note = stride_note(a);
    let st = &a.iteration_stats;
    vec![
        (
            "sched-batch",
            xy_chart(
                "Batch size",
                &note,
                x_name,
                "Requests in the batch",
                vec![XySeries::new("Batch size", x, &it.batch_size)],
            ),
        ),
        (
            "sched-tokens",
            xy_chart(
                "Prefill vs decode tokens per iteration",
                &note,
                x_name,
                "Tokens",
                vec![
                    XySeries::new("Prefill tokens", x, &it.prefill_tokens).stacked("tokens"),
                    XySeries::new("Decode tokens", x, &it.decode_tokens).stacked("tokens"),
                ],
            ),
        ),
        (
            "sched-queues",
            xy_chart(
                "Running, waiting and preempted requests",
                &note,
                x_name,
                "Requests",
                vec![
                    XySeries::new("Running", x, &it.running),
                    XySeries::new("Waiting", x, &it.waiting),
                    XySeries::new("Preempted", x, &it.preempted),
                ],
            ),
        ),
        (
            "sched-kv",
            xy_chart(
                "KV cache utilisation (used / total blocks)",
                &format!(
                    "mean {} %, max {} % over every iteration",
                    fmt_num(st.kv_util_pct.mean),
                    fmt_num(st.kv_util_pct.max)
                ),
                x_name,
                "KV cache used (%)",
                vec![XySeries::new("KV cache utilisation", x, &it.kv_util_pct)],
            ),
        ),
        (
            "sched-iter-time",
            xy_chart(
                "Iteration time: scheduling overhead vs forward pass",
                &format!(
                    "scheduling is {} % of iteration time; mean iteration {} ms",
                    fmt_num(st.overhead_share_pct),
                    fmt_num(st.duration_ms.mean)
                ),
                x_name,
                "Time (ms)",
                vec![
                    XySeries::new("Scheduling overhead", x, &it.overhead_ms).stacked("time"),
                    XySeries::new("Forward pass", x, &it.forward_ms).stacked("time"),
                    XySeries::new("Iteration duration", x, &it.duration_ms),
                ],
            ),
        ),
    ]
}

/// Every iteration column as CSV.
pub fn iterations_csv(a: &SchedulerAnalysis) -> String {
    let it = &a.iterations;
    csv(
        &[
            "iteration_id",
            "t_s",
            "duration_ms",
            "scheduling_overhead_ms",
            "forward_ms",
            "batch_size",
            "prefill_tokens",
            "decode_tokens",
            "running",
            "waiting",
            "preempted",
            "kv_util_pct",
        ],
        (0..it.iteration_id.len()).map(|i| {
            [
                &it.iteration_id,
                &it.t_s,
                &it.duration_ms,
                &it.overhead_ms,
                &it.forward_ms,
                &it.batch_size,
                &it.prefill_tokens,
                &it.decode_tokens,
                &it.running,
                &it.waiting,
                &it.preempted,
                &it.kv_util_pct,
            ]
            .iter()
            .map(|c| cell(c, i))
            .collect()
        }),
    )
}

/// Every request column as CSV.
pub fn requests_csv(a: &SchedulerAnalysis) -> String {
    let r = &a.requests;
    csv(
        &[
            "request_id",
            "arrival_s",
            "ttft_ms",
            "tpot_ms",
            "e2e_ms",
            "waiting_ms",
            "execution_ms",
            "input_tokens",
            "output_tokens",
            "preemptions",
            "evictions",
            "state_waiting_ms",
            "state_running_ms",
            "state_preempted_ms",
        ],
        (0..r.id.len()).map(|i| {
            let mut row = vec![r.id[i].clone()];
            row.extend(
                [
                    &r.arrival_s,
                    &r.ttft_ms,
                    &r.tpot_ms,
                    &r.e2e_ms,
                    &r.waiting_ms,
                    &r.execution_ms,
                    &r.input_tokens,
                    &r.output_tokens,
                    &r.preemptions,
                    &r.evictions,
                    &r.state_waiting_ms,
                    &r.state_running_ms,
                    &r.state_preempted_ms,
                ]
                .iter()
                .map(|c| cell(c, i)),
            );
            row
        }),
    )
}

/// Histogram or CDF of one request metric.
pub fn distribution_option(d: &Distribution, cdf: bool) -> Option<String> {
    let (name, unit) = (metric_name(d.metric), d.metric.unit());
    let subtitle = format!(
        "n={}, mean {}, p50 {}, p99 {} {}",
        d.summary.count,
        fmt_num(d.summary.mean),
        fmt_num(d.summary.p50),
        fmt_num(d.summary.p99),
        unit
    );
    if cdf {
        let xs: Vec<f64> = d.cdf.iter().map(|p| p[0]).collect();
        let ys: Vec<f64> = d.cdf.iter().map(|p| p[1] * 100.0).collect();
        xy_chart(
            &format!("{name} CDF"),
            &subtitle,
            &format!("{name} ({unit})"),
            "Requests at or below (%)",
            vec![XySeries::new(format!("{name} CDF"), &xs, &ys)],
        )
    } else {
        bar_chart(
            &format!("{name} distribution"),
            &subtitle,
            d.histogram
                .iter()
                .map(|b| format!("{}–{}", fmt_num(b.lo), fmt_num(b.hi)))
                .collect(),
            &format!("{name} ({unit})"),
            "Requests",
            vec![(
                "Requests".into(),
                d.histogram.iter().map(|b| b.count as f64).collect(),
                None,
            )],
        )
    }
}

/// Waiting vs execution time per request, stacked, in arrival order.
pub fn wait_exec_option(a: &SchedulerAnalysis) -> Option<String> {
    let r = &a.requests;
    if r.waiting_ms
        .iter()
        .chain(&r.execution_ms)
        .all(|v| !v.is_finite())
    {
        return None;
    }
    // Thousands of bars are unreadable: past MAX_BARS, each bar is the mean of consecutive requests.
    const MAX_BARS: usize = 1500;
    let (waiting, stride) = bucket_means(&r.waiting_ms, MAX_BARS);
    let (execution, _) = bucket_means(&r.execution_ms, MAX_BARS);
    let (labels, subtitle) = if stride == 1 {
        (
            r.id.clone(),
            "requests in arrival order; waiting includes time preempted".to_string(),
        )
    } else {
        (
            r.id.chunks(stride)
                .map(|c| format!("{} … {}", c[0], c[c.len() - 1]))
                .collect(),
            format!(
                "{} requests in arrival order, each bar the mean of {stride}; waiting includes time preempted",
                r.id.len()
            ),
        )
    };
    bar_chart(
        "Waiting vs execution time per request",
        &subtitle,
        labels,
        "Request (arrival order)",
        "Time (ms)",
        vec![
            ("Waiting".into(), waiting, Some("t")),
            ("Execution".into(), execution, Some("t")),
        ],
    )
}

fn state_colour(state: &str) -> &'static str {
    match state {
        "waiting" => "#e0a030",
        "running" => "#3a9a4a",
        "preempted" => "#c0392b",
        _ => "#7f8c8d",
    }
}

/// One request's state timeline as a horizontal stacked bar from scheduler start.
pub fn request_timeline_option(r: &SlowRequest) -> Option<String> {
    let first = r.spans.first()?;
    let mut chart = Chart::new()
        .title(
            Title::new()
                .text(format!("Request {} — state timeline", r.id))
                .subtext(r.timeline_source.clone().unwrap_or_default())
                .left(10),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(Legend::new().bottom(0))
        .grid(Grid::new().left(120).right(30).top(60).bottom(70))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name("Time since scheduler start (ms)")
                .name_location(NameLocation::Middle)
                .name_gap(28)
                .min(first.start_ms.floor()),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(vec![r.id.clone()]),
        );
    chart = chart.series(
        Bar::new()
            .name("before arrival")
            .stack("t")
            .item_style(ItemStyle::new().color("transparent"))
            .data(vec![first.start_ms]),
    );
    for s in &r.spans {
        chart = chart.series(
            Bar::new()
                .name(s.state.as_str())
                .stack("t")
                .item_style(ItemStyle::new().color(state_colour(&s.state)))
                .data(vec![s.end_ms - s.start_ms]),
        );
    }
    Some(crate::tabs::charts::chart_text(&chart))
}

/// `waiting 12.00 · running 700.50 · preempted 5` from a request's timeline.
pub fn time_per_state(r: &SlowRequest) -> String {
    let mut totals: Vec<(&str, f64)> = Vec::new();
    for s in &r.spans {
        match totals.iter_mut().find(|(state, _)| *state == s.state) {
            Some(t) => t.1 += s.end_ms - s.start_ms,
            None => totals.push((&s.state, s.end_ms - s.start_ms)),
        }
    }
    if totals.is_empty() {
        return "–".into();
    }
    totals
        .iter()
        .map(|(state, ms)| format!("{state} {}", fmt_num(*ms)))
        .collect::<Vec<_>>()
        .join(" · ")
}
