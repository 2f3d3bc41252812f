//! P2P NCCL tab: the disaggregation timeline of vLLM's P2P NCCL connector (spec 003) — one
//! lane per engine rank, every marker line as a point, each connection side as a bar from its
//! start to `ncclCommInitRank` success (red and dashed when it never returned) — with the
//! findings linked to their log lines and a table of connections.

use crate::components::widgets::card;
use crate::data::DatasetRef;
use charming::component::{Axis, Grid, Legend, LegendType, Title};
use charming::datatype::CompositeValue;
use charming::element::{
    AxisType, ItemStyle, LineStyle, LineStyleType, NameLocation, Symbol, Tooltip, Trigger,
};
use charming::series::{Line, Scatter};
use charming::Chart;
use leptos::prelude::*;
use runlens_core::model::p2p::{P2pAnalysis, Side};
use runlens_core::model::P2pKind;
use runlens_core::model::Severity;

use super::charts::csv;
use crate::components::chart::Chart as ChartView;

const KINDS: [(P2pKind, &str, &str); 8] = [
    (P2pKind::EngineInit, "engine init", "#2c7be5"),
    (P2pKind::Breakpoint, "debug breakpoint", "#95a5a6"),
    (P2pKind::CommSuccess, "ncclCommInitRank success", "#27ae60"),
    (P2pKind::Critical, "critical (blocking call)", "#e67e22"),
    (P2pKind::KvMismatch, "kv_cache mismatch", "#8e44ad"),
    (P2pKind::KvNone, "kv_cache is None", "#6c3483"),
    (P2pKind::Warning, "warning", "#f1c40f"),
    (P2pKind::Error, "error", "#c0392b"),
];

fn point(t: f64, lane: &str, label: &str) -> Vec<CompositeValue> {
    vec![t.into(), lane.into(), label.into()]
}

/// Where a side's bar ends: its success, or — blocked — past the end of every log.
fn side_end(a: &P2pAnalysis, s: &Side) -> Option<f64> {
    s.success_s.or_else(|| {
        let last = a.lanes.iter().filter_map(|l| l.last_s).fold(0.0, f64::max);
        let first = a
            .lanes
            .iter()
            .filter_map(|l| l.first_s)
            .fold(last, f64::min);
        Some(last + ((last - first) * 0.1).max(1.0))
    })
}

/// The lane chart; `None` when no event has a time.
pub fn timeline_option(a: &P2pAnalysis) -> Option<String> {
    if a.events.iter().all(|e| e.t_s.is_none()) {
        return None;
    }
    let lanes: Vec<String> = a.lanes.iter().map(|l| l.name.clone()).collect();
    let mut chart = Chart::new()
        .title(
            Title::new()
                .text("P2P NCCL timeline")
                .subtext(format!(
                    "t = 0 at {}",
                    a.start_label.clone().unwrap_or_default()
                ))
                .left(10),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .legend(Legend::new().bottom(0).type_(LegendType::Scroll))
        .grid(Grid::new().left(260).right(30).top(60).bottom(70))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name("Time since the first log line (s)")
                .name_location(NameLocation::Middle)
                .name_gap(28),
        )
        .y_axis(Axis::new().type_(AxisType::Category).data(lanes.clone()));
    for c in &a.connections {
        for s in [&c.sender, &c.receiver].into_iter().flatten() {
            let (Some(start), Some(end)) = (s.start_s.or(s.enter_s), side_end(a, s)) else {
                continue;
            };
            let ok = s.success_s.is_some() || c.complete;
            let label = format!(
                "connection with {} ({})",
                s.remote,
                if ok {
                    "completed"
                } else {
                    "never returned before the log ends"
                }
            );
            let lane = &lanes[s.lane];
            let style = if ok {
                LineStyle::new().width(8).color("#27ae60").opacity(0.5)
            } else {
                LineStyle::new()
                    .width(4)
                    .color("#c0392b")
                    .type_(LineStyleType::Dashed)
            };
            chart = chart.series(
                Line::new()
                    .name(if ok {
                        "connection (completed)"
                    } else {
                        "connection (blocked)"
                    })
                    .symbol(Symbol::None)
                    .line_style(style)
                    .data(vec![point(start, lane, &label), point(end, lane, &label)]),
            );
        }
    }
    for (kind, name, colour) in KINDS {
        let data: Vec<Vec<CompositeValue>> = a
            .events
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| {
                Some(point(
                    e.t_s?,
                    &lanes[e.lane],
                    &format!("{} (line {})", e.label, e.line),
                ))
            })
            .collect();
        if data.is_empty() {
            continue;
        }
        chart = chart.series(
            Scatter::new()
                .name(name)
                .symbol_size(if kind == P2pKind::Breakpoint { 8 } else { 14 })
                .item_style(ItemStyle::new().color(colour))
                .data(data),
        );
    }
    Some(super::charts::chart_text(&chart))
}

/// Tooltip lines of a timeline event.
pub fn timeline_tooltip_fields() -> Vec<String> {
    ["Time (s)", "Lane", "Event"].map(String::from).to_vec()
}

/// Every timeline event as CSV.
pub fn events_csv(a: &P2pAnalysis) -> String {
    csv(
        &["lane", "t_s", "kind", "event", "file", "line"],
        a.events.iter().map(|e| {
            vec![
                a.lanes[e.lane].name.clone(),
                e.t_s.map(|t| t.to_string()).unwrap_or_default(),
                format!("{:?}", e.kind),
                e.label.clone(),
                e.file.clone(),
                e.line.to_string(),
            ]
        }),
    )
}

fn secs(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map(|v| format!("{v:.2}"))
        .unwrap_or_else(|| "–".into())
}

#[component]
pub fn P2pTab(
    dataset: Signal<Option<DatasetRef>>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let analysis = Memo::new(move |_| {
        dataset.with(|ds| {
            ds.as_ref().and_then(|ds| {
                chosen
                    .with(|c| ds.p2p.iter().find(|a| Some(&a.dir) == c.as_ref()))
                    .or(ds.p2p.first())
                    .cloned()
            })
        })
    });
    let sets = move || {
        dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| ds.p2p.iter().map(|a| a.dir.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    view! {
        <Show when=move || analysis.with(Option::is_some) fallback=|| view! {
            <p class="empty" id="p2p-empty">"No P2P NCCL connector logs loaded. Drop the vLLM log (one combined file, or the prefill and decode logs) of a run with the P2pNcclConnector; VLLM_P2P_DEBUG=1 adds the 🔍 breakpoints."</p>
        }>
            <div class="controls">
                <Show when=move || { sets().len() > 1 }>
                    <label>"Log set "<select id="p2p-set" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                        {move || sets().into_iter().map(|d| { let shown = d.clone(); let value = d.clone(); view! { <option value=value selected=move || analysis.with(|a| a.as_ref().is_some_and(|a| a.dir == shown))>{d}</option> } }).collect_view()}
                    </select></label>
                </Show>
            </div>
            {move || analysis.get().map(|a| {
                let complete = a.connections.iter().filter(|c| c.complete).count();
                let option = timeline_option(&a);
                let height = 180 + 70 * a.lanes.len() as u32;
                let csv_text = events_csv(&a);
                view! {
                    <div class="cards" id="p2p-cards">
                        {card("Ranks", a.lanes.len().to_string())}
                        {card("Connections complete", format!("{complete} / {}", a.connections.len()))}
                        {card("First connection after (s)", secs(a.time_to_first_connection_s))}
                        {card("kv_cache warnings", a.kv_warnings.iter().map(|w| w.mismatches + w.none).sum::<u64>().to_string())}
                    </div>
                    <ChartView id="p2p-timeline" option=Signal::derive(move || option.clone()) csv=Signal::derive(move || csv_text.clone()) height=height
                        tooltip_fields=Signal::derive(timeline_tooltip_fields)
                        empty=Signal::derive(|| "The P2P lines carry no timestamps (expected `LEVEL MM-DD HH:MM:SS [file.py:line]`).".to_string()) />
                    <h3>"Findings"</h3>
                    <ul id="p2p-findings" class="findings">
                        {a.findings.iter().map(|f| {
                            let class = match f.severity() { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "info" };
                            let at = format!("{}{}", f.file, f.line.map(|l| format!(":{l}")).unwrap_or_default());
                            view! { <li class=class><span class="where">{at}</span>" "{f.to_string()}</li> }
                        }).collect_view()}
                    </ul>
                    <h3>"Connections"</h3>
                    <div class="table-scroll"><table id="p2p-connections">
                        <thead><tr><th>"Sender (prefill)"</th><th>"Receiver (decode)"</th><th>"Status"</th><th>"Started (s)"</th><th>"Sender side (s)"</th><th>"Receiver side (s)"</th><th>"Total (s)"</th></tr></thead>
                        <tbody>{a.connections.iter().map(|c| {
                            let start = [&c.sender, &c.receiver].into_iter().flatten().filter_map(|s| s.start_s.or(s.enter_s)).fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.min(t))));
                            view! { <tr class:bad=!c.complete>
                                <td>{c.sender_address.clone().unwrap_or_else(|| "?".into())}</td>
                                <td>{c.receiver_address.clone().unwrap_or_else(|| "?".into())}</td>
                                <td>{if c.complete { "complete" } else { "incomplete" }}</td>
                                <td class="num">{secs(start)}</td>
                                <td class="num">{secs(c.sender.as_ref().and_then(|s| s.duration_s()))}</td>
                                <td class="num">{secs(c.receiver.as_ref().and_then(|s| s.duration_s()))}</td>
                                <td class="num">{secs(c.duration_s)}</td>
                            </tr> }
                        }).collect_view()}</tbody>
                    </table></div>
                    <h3>"Ranks"</h3>
                    <div class="table-scroll"><table id="p2p-lanes">
                        <thead><tr><th>"Rank"</th><th>"ZMQ address"</th><th>"Events"</th><th>"First (s)"</th><th>"Last (s)"</th></tr></thead>
                        <tbody>{a.lanes.iter().map(|l| view! { <tr><td>{l.name.clone()}</td><td>{l.address.clone().unwrap_or_else(|| "?".into())}</td>
                            <td class="num">{l.events}</td><td class="num">{secs(l.first_s)}</td><td class="num">{secs(l.last_s)}</td></tr> }).collect_view()}</tbody>
                    </table></div>
                    <Show when={let n = a.kv_warnings.len(); move || n > 0}>
                        <h3>"kv_cache warnings per request"</h3>
                    </Show>
                    <div class="table-scroll"><table id="p2p-kv">
                        <tbody>{a.kv_warnings.iter().map(|w| view! { <tr><td>{w.request_id.clone()}</td><td class="num">{w.mismatches}" mismatch"</td><td class="num">{w.none}" None"</td><td>{format!("{}:{}", w.file, w.line)}</td></tr> }).collect_view()}</tbody>
                    </table></div>
                }
            })}
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::Ingest;

    #[test]
    fn timeline_has_a_lane_per_rank_and_the_connection() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/p2p-nccl/runs/p2p-ok/combined.log"
        );
        let mut ingest = Ingest::new();
        ingest.add_bytes("p2p-ok/combined.log", &std::fs::read(path).unwrap());
        let a = ingest.dataset().p2p.remove(0);
        let v: serde_json::Value = serde_json::from_str(&timeline_option(&a).unwrap()).unwrap();
        assert_eq!(
            v["yAxis"][0]["data"]
                .as_array()
                .map(Vec::len)
                .or_else(|| v["yAxis"]["data"].as_array().map(Vec::len)),
            Some(2)
        );
        let names: Vec<&str> = v["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names
                .iter()
                .filter(|n| **n == "connection (completed)")
                .count(),
            2
        );
        assert!(names.contains(&"ncclCommInitRank success"));
        assert_eq!(events_csv(&a).lines().count(), 1 + a.events.len());
    }
}
