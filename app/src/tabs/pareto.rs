//! Pareto tab: Output (or Total) TPS/GPU against Output TPS/User, one line per run in
//! concurrency order, each point labelled with its concurrency; the Pareto frontier over every
//! plotted point, a TPS/User cutoff line, the frontier's table and the CSV of all points. Numbers
//! come from the core (`DerivedMetrics`, `pareto_frontier`, `export`); this module lays them out.

use crate::data::DatasetRef;
use charming::component::{Axis, Grid, Legend, Title};
use charming::datatype::DataPointItem;
use charming::element::{
    AxisType, Label, LabelPosition, LineStyle, LineStyleType, NameLocation, Symbol, Tooltip,
    Trigger,
};
use charming::series::Line;
use charming::Chart;
use leptos::prelude::*;
use runlens_core::analysis::export::{point_columns, point_rows};
use runlens_core::analysis::metrics::pareto_frontier;
use runlens_core::model::BenchmarkPoint;
use runlens_core::Dataset;

use crate::components::chart::Chart as ChartView;
use crate::js;

/// Which throughput per GPU is on the Y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YMetric {
    Output,
    Total,
}

/// Which TPOT statistic TPS/User is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TpotBasis {
    Mean,
    Median,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParetoOptions {
    pub y: YMetric,
    pub tpot: TpotBasis,
    /// TPS/User cutoff line, when shown.
    pub cutoff: Option<f64>,
    pub frontier: bool,
    /// Divide output throughput by decode GPUs only (InferenceX's definition for disaggregated
    /// runs) instead of all GPUs.
    pub decode_gpus: bool,
}

impl Default for ParetoOptions {
    fn default() -> Self {
        Self {
            y: YMetric::Output,
            tpot: TpotBasis::Mean,
            cutoff: None,
            frontier: true,
            decode_gpus: false,
        }
    }
}

impl ParetoOptions {
    fn y_name(&self) -> &'static str {
        match self.y {
            YMetric::Output => "Output TPS/GPU",
            YMetric::Total => "Total TPS/GPU",
        }
    }

    fn x_of(&self, p: &BenchmarkPoint) -> Option<f64> {
        match self.tpot {
            TpotBasis::Mean => p.derived.output_tps_per_user,
            TpotBasis::Median => p.derived.output_tps_per_user_median,
        }
    }

    fn y_of(&self, p: &BenchmarkPoint) -> Option<f64> {
        match (self.y, self.decode_gpus) {
            (YMetric::Output, true) => p
                .derived
                .output_tps_per_decode_gpu
                .or(p.derived.output_tps_per_gpu),
            (YMetric::Output, false) => p.derived.output_tps_per_gpu,
            (YMetric::Total, _) => p.derived.total_tps_per_gpu,
        }
    }
}

/// Dimension names of each data point's value array, shown in the tooltip.
pub const TOOLTIP_FIELDS: [&str; 6] = [
    "Output TPS/User",
    "TPS/GPU",
    "Concurrency",
    "Output TPS",
    "Mean TTFT (ms)",
    "Mean TPOT (ms)",
];

/// One plotted series: run label and its points `[x, y, concurrency, tps, ttft, tpot]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoSeries {
    pub name: String,
    pub points: Vec<[f64; 6]>,
}

/// Series of every run with at least one plottable point.
pub fn pareto_series(ds: &Dataset, opts: &ParetoOptions) -> Vec<ParetoSeries> {
    ds.runs
        .iter()
        .filter_map(|run| {
            let points: Vec<[f64; 6]> = run
                .points
                .iter()
                .filter_map(|p| {
                    let nan = f64::NAN;
                    Some([
                        opts.x_of(p)?,
                        opts.y_of(p)?,
                        p.concurrency.map(f64::from).unwrap_or(nan),
                        p.output_throughput.unwrap_or(nan),
                        p.ttft_ms.mean.unwrap_or(nan),
                        p.tpot_ms.mean.unwrap_or(nan),
                    ])
                })
                .collect();
            (!points.is_empty()).then(|| ParetoSeries {
                name: run.label(),
                points,
            })
        })
        .collect()
}

/// Frontier points `(series name, point)` over every plotted point, ordered by TPS/User.
pub fn frontier_points(series: &[ParetoSeries]) -> Vec<(String, [f64; 6])> {
    let all: Vec<(&str, [f64; 6])> = series
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| (s.name.as_str(), *p)))
        .collect();
    let xy: Vec<(Option<f64>, Option<f64>)> =
        all.iter().map(|(_, p)| (Some(p[0]), Some(p[1]))).collect();
    pareto_frontier(&xy)
        .into_iter()
        .map(|i| (all[i].0.to_owned(), all[i].1))
        .collect()
}

fn point_item(p: &[f64; 6]) -> DataPointItem {
    let values: Vec<Option<f64>> = p.iter().map(|v| v.is_finite().then_some(*v)).collect();
    let name = if p[2].is_finite() {
        format!("{}", p[2])
    } else {
        String::new()
    };
    DataPointItem::new(values).name(name)
}

/// The ECharts option as JSON, or `None` when nothing can be plotted.
pub fn pareto_option(ds: &Dataset, opts: &ParetoOptions) -> Option<String> {
    let series = pareto_series(ds, opts);
    if series.is_empty() {
        return None;
    }
    let y_name = opts.y_name();
    let mut chart = Chart::new()
        .title(
            Title::new()
                .text(format!("{y_name} vs Output TPS/User"))
                .left("center"),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(
            Legend::new()
                .bottom(0)
                .type_(charming::component::LegendType::Scroll),
        )
        .grid(Grid::new().left(80).right(40).top(50).bottom(80))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name("Output TPS/User (tokens/s per user)")
                .name_location(NameLocation::Middle)
                .name_gap(30)
                .scale(true),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name(format!("{y_name} (tokens/s per GPU)"))
                .name_location(NameLocation::Middle)
                .name_gap(60)
                .scale(true),
        );
    if opts.frontier {
        let frontier = frontier_points(&series);
        let data: Vec<DataPointItem> = frontier.iter().map(|(_, p)| point_item(p)).collect();
        chart = chart.series(
            Line::new()
                .name(format!("Pareto frontier ({} points)", frontier.len()))
                .symbol(Symbol::Diamond)
                .symbol_size(14)
                .line_style(LineStyle::new().width(6).opacity(0.35).color("#d4a017"))
                .z(1)
                .data(data),
        );
    }
    for s in &series {
        let data: Vec<DataPointItem> = s.points.iter().map(point_item).collect();
        chart = chart.series(
            Line::new()
                .name(s.name.as_str())
                .show_symbol(true)
                .symbol(Symbol::Circle)
                .symbol_size(8)
                .z(3)
                .label(
                    Label::new()
                        .show(true)
                        .position(LabelPosition::Top)
                        .formatter("{b}"),
                )
                .data(data),
        );
    }
    if let Some(cutoff) = opts.cutoff {
        let y_max = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p[1]))
            .fold(0.0, f64::max)
            * 1.05;
        chart = chart.series(
            Line::new()
                .name(format!("Target: {cutoff} TPS/User"))
                .symbol(Symbol::None)
                .line_style(
                    LineStyle::new()
                        .type_(LineStyleType::Dashed)
                        .color("#c0392b")
                        .width(2),
                )
                .data(vec![
                    DataPointItem::new(vec![cutoff, 0.0]),
                    DataPointItem::new(vec![cutoff, y_max]),
                ]),
        );
    }
    serde_json::to_string(&chart).ok()
}

/// Tooltip lines of a Pareto point, the y dimension named as plotted.
pub fn tooltip_fields(y_name: &str) -> Vec<String> {
    let mut fields: Vec<String> = TOOLTIP_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    fields[1] = y_name.to_owned();
    fields
}

/// The per-point table as CSV text (the reference's column names first).
pub fn points_csv(ds: &Dataset) -> String {
    let quote = |s: String| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out = point_columns()
        .into_iter()
        .map(|c| quote(c.to_owned()))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for row in point_rows(ds) {
        out.push_str(
            &row.iter()
                .map(|c| quote(c.to_csv()))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// One picked point of the A/B comparison: run label and `[x, y, concurrency, tps, ttft, tpot]`.
pub type PickedPoint = (String, [f64; 6]);

/// A chart click (the `runlens-point` event's detail) as a picked point. Clicks on the cutoff
/// line are not points; a click on the frontier is resolved to the run it came from.
pub fn picked_point(detail: &str, frontier: &[PickedPoint]) -> Option<PickedPoint> {
    #[derive(serde::Deserialize)]
    struct Click {
        series: String,
        index: usize,
        value: Vec<Option<f64>>,
    }
    let click: Click = serde_json::from_str(detail).ok()?;
    if click.series.starts_with("Pareto frontier") {
        return frontier.get(click.index).cloned();
    }
    if click.series.starts_with("Target: ") || click.value.len() < 6 {
        return None;
    }
    let mut p = [f64::NAN; 6];
    for (slot, v) in p.iter_mut().zip(&click.value) {
        *slot = v.unwrap_or(f64::NAN);
    }
    Some((click.series, p))
}

/// Adds a click to the comparison: the first pick is A, the second B, later picks replace B.
pub fn add_pick(picks: &mut Vec<PickedPoint>, p: PickedPoint) {
    if picks.len() >= 2 {
        picks.truncate(1);
    }
    picks.push(p);
}

/// Relative change from `a` to `b` in percent, when both are known and `a` is not zero.
pub fn percent_change(a: f64, b: f64) -> Option<f64> {
    (a.is_finite() && b.is_finite() && a != 0.0).then(|| (b - a) / a.abs() * 100.0)
}

/// Rows of the comparison: label, index into the point array, and whether higher is better
/// (`None`: neither, like concurrency).
const COMPARE_ROWS: [(&str, usize, Option<bool>); 6] = [
    ("Output TPS/User", 0, Some(true)),
    ("TPS/GPU", 1, Some(true)),
    ("Concurrency", 2, None),
    ("Output TPS", 3, Some(true)),
    ("Mean TTFT (ms)", 4, Some(false)),
    ("Mean TPOT (ms)", 5, Some(false)),
];

/// A/B comparison of two clicked points with the change from A to B, green when better.
#[component]
fn Comparison(picks: RwSignal<Vec<PickedPoint>>, y_name: Signal<&'static str>) -> impl IntoView {
    let fmt = |v: f64| {
        if v.is_finite() && v.fract() == 0.0 {
            format!("{v:.0}")
        } else if v.is_finite() {
            format!("{v:.2}")
        } else {
            "–".to_string()
        }
    };
    view! {
        <div id="ab-compare" class="compare">
            {move || {
                let p = picks.get();
                match p.len() {
                    0 => view! { <p class="caption">"Click a point to pick A, then another to pick B for a side-by-side comparison."</p> }.into_any(),
                    _ => {
                        let a = p[0].clone();
                        let b = p.get(1).cloned();
                        let rows = COMPARE_ROWS.iter().map(|(label, i, higher)| {
                            let label = if *i == 1 { y_name.get() } else { *label };
                            let va = a.1[*i];
                            let vb = b.as_ref().map(|b| b.1[*i]).unwrap_or(f64::NAN);
                            let change = percent_change(va, vb);
                            let class = match (change, higher) {
                                (Some(c), Some(h)) if c != 0.0 => if (c > 0.0) == *h { "num better" } else { "num worse" },
                                _ => "num",
                            };
                            view! {
                                <tr><td>{label}</td><td class="num">{fmt(va)}</td><td class="num">{fmt(vb)}</td>
                                <td class=class>{change.map(|c| format!("{c:+.1} %")).unwrap_or_else(|| "–".into())}</td></tr>
                            }
                        }).collect_view();
                        view! {
                            <table>
                                <thead><tr><th></th>
                                    <th>"A: " {a.0.clone()}</th>
                                    <th>"B: " {b.as_ref().map(|b| b.0.clone()).unwrap_or_else(|| "click a second point".into())}</th>
                                    <th>"B vs A"</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                            <button class="small" id="ab-swap" disabled=p.len() < 2 on:click=move |_| picks.update(|p| p.reverse())>"Swap A/B"</button>
                            <button class="small" id="ab-clear" on:click=move |_| picks.set(Vec::new())>"Clear"</button>
                        }.into_any()
                    }
                }
            }}
        </div>
    }
}

/// Summary cards: runs, points, max Output TPS, max concurrency, profilers.
#[component]
fn SummaryCards(dataset: Signal<Option<DatasetRef>>) -> impl IntoView {
    move || {
        let ds = dataset.get()?;
        let points: Vec<_> = ds.runs.iter().flat_map(|r| r.points.iter()).collect();
        let max_tps = points
            .iter()
            .filter_map(|p| p.output_throughput)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let max_conc = points.iter().filter_map(|p| p.concurrency).max();
        let mut profilers: Vec<String> = ds
            .runs
            .iter()
            .filter_map(|r| r.profiler.as_ref().map(|p| p.value.clone()))
            .collect();
        profilers.sort();
        profilers.dedup();
        let mut containers: Vec<String> = ds
            .runs
            .iter()
            .filter_map(|r| r.container.as_ref().map(|c| c.value.clone()))
            .collect();
        containers.sort();
        containers.dedup();
        let card = |label: &'static str, value: String| view! { <div class="card"><div class="value">{value}</div><div class="label">{label}</div></div> };
        Some(view! {
            <p class="caption">{if containers.is_empty() { String::new() } else { format!("Containers: {}", containers.join(", ")) }}</p>
            <div class="cards" id="summary-cards">
                {card("Runs", ds.runs.len().to_string())}
                {card("Data points", points.len().to_string())}
                {card("Max output TPS", max_tps.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into()))}
                {card("Max concurrency", max_conc.map(|v| v.to_string()).unwrap_or_else(|| "–".into()))}
                {card("Profilers", profilers.len().to_string())}
            </div>
        })
    }
}

#[component]
pub fn ParetoTab(
    dataset: Signal<Option<DatasetRef>>,
    opts: RwSignal<ParetoOptions>,
) -> impl IntoView {
    let option = Signal::derive(move || {
        let o = opts.get();
        dataset.with(|ds| ds.as_ref().and_then(|ds| pareto_option(ds, &o)))
    });
    let empty = Signal::derive(move || {
        match dataset.get() {
        None => "Load runs to see the Pareto chart.".to_string(),
        Some(ds) if ds.runs.is_empty() => "No benchmark results were found in what was loaded.".to_string(),
        Some(_) => format!(
            "No point has both {} (needs its throughput and a GPU count) and Output TPS/User (needs {} TPOT).",
            opts.get().y_name(),
            if opts.get().tpot == TpotBasis::Mean { "mean" } else { "median" }
        ),
    }
    });
    let frontier = Signal::derive(move || {
        let o = opts.get();
        dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| frontier_points(&pareto_series(ds, &o)))
                .unwrap_or_default()
        })
    });
    let total_points = Signal::derive(move || {
        let o = opts.get();
        dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| {
                    pareto_series(ds, &o)
                        .iter()
                        .map(|s| s.points.len())
                        .sum::<usize>()
                })
                .unwrap_or(0)
        })
    });
    let set = move |f: fn(&mut ParetoOptions)| opts.update(f);
    let picks: RwSignal<Vec<PickedPoint>> = RwSignal::new(Vec::new());
    let on_point = move |ev: web_sys::Event| {
        use wasm_bindgen::JsCast;
        let Some(detail) = ev
            .dyn_ref::<web_sys::CustomEvent>()
            .and_then(|e| e.detail().as_string())
        else {
            return;
        };
        if let Some(p) = frontier.with_untracked(|f| picked_point(&detail, f)) {
            picks.update(|picks| add_pick(picks, p));
        }
    };
    view! {
        <SummaryCards dataset=dataset />
        <div class="controls" id="pareto-controls">
            <label><input type="radio" name="y" id="y-output" prop:checked=move || opts.get().y == YMetric::Output
                on:change=move |_| set(|o| o.y = YMetric::Output) />"Output TPS/GPU"</label>
            <label><input type="radio" name="y" id="y-total" prop:checked=move || opts.get().y == YMetric::Total
                on:change=move |_| set(|o| o.y = YMetric::Total) />"Total TPS/GPU"</label>
            <span class="sep"></span>
            <label><input type="radio" name="tpot" id="tpot-mean" prop:checked=move || opts.get().tpot == TpotBasis::Mean
                on:change=move |_| set(|o| o.tpot = TpotBasis::Mean) />"TPS/User from mean TPOT"</label>
            <label><input type="radio" name="tpot" id="tpot-median" prop:checked=move || opts.get().tpot == TpotBasis::Median
                on:change=move |_| set(|o| o.tpot = TpotBasis::Median) />"from median TPOT"</label>
            <span class="sep"></span>
            <label><input type="checkbox" id="show-frontier" prop:checked=move || opts.get().frontier
                on:change=move |_| set(|o| o.frontier = !o.frontier) />"Pareto frontier"</label>
            <label title="InferenceX divides output throughput by decode GPUs only"><input type="checkbox" id="decode-gpus" prop:checked=move || opts.get().decode_gpus
                on:change=move |_| set(|o| o.decode_gpus = !o.decode_gpus) />"per decode GPU"</label>
            <label><input type="checkbox" id="show-cutoff" prop:checked=move || opts.get().cutoff.is_some()
                on:change=move |_| opts.update(|o| o.cutoff = if o.cutoff.is_some() { None } else { Some(30.0) }) />"TPS/User cutoff"</label>
            <input type="number" id="cutoff-value" min="0" max="1000" step="1" disabled=move || opts.get().cutoff.is_none()
                prop:value=move || opts.get().cutoff.unwrap_or(30.0).to_string()
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        opts.update(|o| o.cutoff = Some(v))
                    }
                } />
            <button class="small" id="download-points" on:click=move |_| {
                if let Some(ds) = dataset.get_untracked() {
                    js::download_text("benchmark_data.csv", "text/csv", &points_csv(&ds));
                }
            }>"Download CSV (all points)"</button>
        </div>
        <div on:runlens-point=on_point>
            <ChartView id="pareto-chart" option=option empty=empty pick_points=true
                tooltip_fields=Signal::derive(move || tooltip_fields(opts.get().y_name()))
                csv=Signal::derive(move || dataset.with(|ds| ds.as_deref().map(points_csv).unwrap_or_default())) />
        </div>
        <Comparison picks=picks y_name=Signal::derive(move || opts.get().y_name()) />
        <p class="caption" id="frontier-count">
            {move || format!("Frontier: {} points of {} plotted.", frontier.get().len(), total_points.get())}
        </p>
        <details id="frontier-table">
            <summary>"Frontier points"</summary>
            <table>
                <thead><tr><th>"Run"</th><th>"Concurrency"</th><th>"Output TPS/User"</th><th>{move || opts.get().y_name()}</th></tr></thead>
                <tbody>
                    {move || frontier.get().into_iter().map(|(name, p)| view! {
                        <tr><td>{name}</td><td class="num">{p[2]}</td><td class="num">{format!("{:.2}", p[0])}</td><td class="num">{format!("{:.2}", p[1])}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
        <p class="formula">
            {move || format!(
                "{} = {} / {}. Output TPS/User = 1000 / {} TPOT (ms).",
                opts.get().y_name(),
                if opts.get().y == YMetric::Output { "output_throughput" } else { "total_token_throughput" },
                if opts.get().decode_gpus && opts.get().y == YMetric::Output {
                    "decode GPUs (disaggregated runs; all GPUs for aggregated ones)"
                } else {
                    "total GPUs (nodes × GPUs per node, else working GPUs)"
                },
                if opts.get().tpot == TpotBasis::Mean { "mean" } else { "median" }
            )}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Ingest;

    fn demo() -> Dataset {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        ingest.dataset()
    }

    #[test]
    fn demo_run_gives_one_series_per_run_with_every_point() {
        let ds = demo();
        let opts = ParetoOptions {
            frontier: false,
            ..Default::default()
        };
        let series = pareto_series(&ds, &opts);
        assert_eq!(series.len(), ds.runs.len());
        for (s, r) in series.iter().zip(&ds.runs) {
            assert_eq!(s.points.len(), r.points.len(), "{}", s.name);
        }
        let json: serde_json::Value =
            serde_json::from_str(&pareto_option(&ds, &opts).unwrap()).unwrap();
        assert_eq!(json["series"].as_array().unwrap().len(), series.len());
    }

    #[test]
    fn frontier_and_cutoff_are_extra_series() {
        let ds = demo();
        let opts = ParetoOptions {
            cutoff: Some(30.0),
            ..Default::default()
        };
        let json: serde_json::Value =
            serde_json::from_str(&pareto_option(&ds, &opts).unwrap()).unwrap();
        let names: Vec<&str> = json["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(names[0].starts_with("Pareto frontier ("));
        assert_eq!(names.last(), Some(&"Target: 30 TPS/User"));
        assert_eq!(names.len(), ds.runs.len() + 2);
    }

    #[test]
    fn clicks_pick_a_then_b_and_resolve_frontier_points() {
        let frontier = vec![("run 7".to_string(), [40.0, 900.0, 16.0, 1.0, 2.0, 3.0])];
        let run_click = r#"{"series":"run 9","index":2,"value":[20,1500,64,9000,null,50]}"#;
        let a = picked_point(run_click, &frontier).unwrap();
        assert_eq!(a.0, "run 9");
        assert_eq!(a.1[2], 64.0);
        assert!(a.1[4].is_nan());
        let b = picked_point(
            r#"{"series":"Pareto frontier (1 points)","index":0,"value":[40,900]}"#,
            &frontier,
        )
        .unwrap();
        assert_eq!(b, frontier[0]);
        assert!(picked_point(
            r#"{"series":"Target: 30 TPS/User","index":0,"value":[30,0]}"#,
            &frontier
        )
        .is_none());
        assert!(picked_point("not json", &frontier).is_none());

        let mut picks = Vec::new();
        add_pick(&mut picks, a.clone());
        add_pick(&mut picks, b.clone());
        add_pick(&mut picks, b.clone());
        assert_eq!(picks.len(), 2);
        assert_eq!(picks[0].0, "run 9");
        assert_eq!(percent_change(20.0, 40.0), Some(100.0));
        assert_eq!(percent_change(0.0, 40.0), None);
        assert_eq!(percent_change(f64::NAN, 40.0), None);
    }

    #[test]
    fn csv_has_the_reference_header_and_a_row_per_point() {
        let ds = demo();
        let csv = points_csv(&ds);
        assert!(csv.starts_with("Run ID,Run Date,Profiler,ISL,OSL,"));
        assert_eq!(
            csv.lines().count(),
            1 + ds.runs.iter().map(|r| r.points.len()).sum::<usize>()
        );
    }
}
