//! Pareto tab: Output TPS/GPU against Output TPS/User, one line per run in concurrency order,
//! each point labelled with its concurrency. Numbers come precomputed from the core
//! (`DerivedMetrics`); this module only lays them out as an ECharts option.

use charming::component::{Axis, Grid, Legend, Title};
use charming::datatype::DataPointItem;
use charming::element::{AxisType, Label, LabelPosition, NameLocation, Symbol, Tooltip, Trigger};
use charming::series::Line;
use charming::Chart;
use leptos::prelude::*;
use runlens_core::Dataset;

use crate::components::chart::Chart as ChartView;

/// Dimension names of each data point's value array, shown in the tooltip.
pub const TOOLTIP_FIELDS: [&str; 6] = [
    "Output TPS/User",
    "Output TPS/GPU",
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
pub fn pareto_series(ds: &Dataset) -> Vec<ParetoSeries> {
    ds.runs
        .iter()
        .filter_map(|run| {
            let points: Vec<[f64; 6]> = run
                .points
                .iter()
                .filter_map(|p| {
                    let x = p.derived.output_tps_per_user?;
                    let y = p.derived.output_tps_per_gpu?;
                    let nan = f64::NAN;
                    Some([
                        x,
                        y,
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

/// The ECharts option as JSON, or `None` when nothing can be plotted.
pub fn pareto_option(ds: &Dataset) -> Option<String> {
    let series = pareto_series(ds);
    if series.is_empty() {
        return None;
    }
    let mut chart = Chart::new()
        .title(
            Title::new()
                .text("Output TPS/GPU vs Output TPS/User")
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
                .name("Output TPS/GPU (tokens/s per GPU)")
                .name_location(NameLocation::Middle)
                .name_gap(60)
                .scale(true),
        );
    for s in &series {
        let data: Vec<DataPointItem> = s
            .points
            .iter()
            .map(|p| {
                let values: Vec<Option<f64>> =
                    p.iter().map(|v| v.is_finite().then_some(*v)).collect();
                let name = if p[2].is_finite() {
                    format!("{}", p[2])
                } else {
                    String::new()
                };
                DataPointItem::new(values).name(name)
            })
            .collect();
        chart = chart.series(
            Line::new()
                .name(s.name.as_str())
                .show_symbol(true)
                .symbol(Symbol::Circle)
                .symbol_size(8)
                .label(
                    Label::new()
                        .show(true)
                        .position(LabelPosition::Top)
                        .formatter("{b}"),
                )
                .data(data),
        );
    }
    let mut value = serde_json::to_value(&chart).ok()?;
    value["runlensTooltip"] = serde_json::json!(TOOLTIP_FIELDS);
    Some(value.to_string())
}

/// Summary cards: runs, points, max Output TPS, max concurrency.
#[component]
fn SummaryCards(dataset: Signal<Option<Dataset>>) -> impl IntoView {
    move || {
        let ds = dataset.get()?;
        let points: Vec<_> = ds.runs.iter().flat_map(|r| r.points.iter()).collect();
        let max_tps = points
            .iter()
            .filter_map(|p| p.output_throughput)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let max_conc = points.iter().filter_map(|p| p.concurrency).max();
        let card = |label: &'static str, value: String| view! { <div class="card"><div class="value">{value}</div><div class="label">{label}</div></div> };
        Some(view! {
            <div class="cards" id="summary-cards">
                {card("Runs", ds.runs.len().to_string())}
                {card("Data points", points.len().to_string())}
                {card("Max output TPS", max_tps.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into()))}
                {card("Max concurrency", max_conc.map(|v| v.to_string()).unwrap_or_else(|| "–".into()))}
            </div>
        })
    }
}

#[component]
pub fn ParetoTab(dataset: Signal<Option<Dataset>>) -> impl IntoView {
    let option = Signal::derive(move || dataset.with(|ds| ds.as_ref().and_then(pareto_option)));
    let empty = Signal::derive(move || match dataset.get() {
        None => "Load runs to see the Pareto chart.".to_string(),
        Some(ds) if ds.runs.is_empty() => {
            "No benchmark results were found in what was loaded.".to_string()
        }
        Some(_) => {
            "No point has both Output TPS/GPU (needs output_throughput and a GPU count) and \
                    Output TPS/User (needs mean_tpot_ms)."
                .to_string()
        }
    });
    view! {
        <SummaryCards dataset=dataset />
        <ChartView id="pareto-chart" option=option empty=empty />
        <p class="formula">
            "Output TPS/GPU = output_throughput / total GPUs (nodes × GPUs per node). "
            "Output TPS/User = 1000 / mean TPOT (ms)."
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Ingest;

    #[test]
    fn demo_run_gives_one_series_per_run_with_every_point() {
        let mut ingest = Ingest::new();
        ingest.add_bytes(crate::worker::DEMO_NAME, crate::worker::DEMO_ARCHIVE);
        let ds = ingest.dataset();
        let series = pareto_series(&ds);
        assert_eq!(series.len(), ds.runs.len());
        for (s, r) in series.iter().zip(&ds.runs) {
            assert_eq!(s.points.len(), r.points.len(), "{}", s.name);
        }
        let json: serde_json::Value = serde_json::from_str(&pareto_option(&ds).unwrap()).unwrap();
        assert_eq!(json["series"].as_array().unwrap().len(), series.len());
    }
}
