//! The one component that owns an ECharts instance: created on first render, updated in place
//! when its option changes, resized with its box, disposed when it leaves the page. Tabs hand
//! it a finished option as JSON text (built with charming) and, as typed props, what the page
//! adds around ECharts: tooltip lines named by value dimension, point picking, the CSV behind
//! the chart.

use leptos::html::Div;
use leptos::prelude::*;

use crate::js;

#[component]
pub fn Chart(
    /// DOM id of the chart box (tests and PNG file names use it).
    #[prop(into)]
    id: String,
    /// ECharts option as JSON; `None` shows `empty` instead.
    option: Signal<Option<String>>,
    /// What to say when there is nothing to draw.
    empty: Signal<String>,
    /// The data behind the chart as CSV, offered as a download.
    #[prop(optional)]
    csv: Option<Signal<String>>,
    /// Height of the chart box in pixels, when the default does not suit (lane charts).
    #[prop(optional)]
    height: Option<u32>,
    /// Names of each data point's value dimensions: the tooltip shows one line per name.
    #[prop(optional)]
    tooltip_fields: Option<Signal<Vec<String>>>,
    /// Clicks near a point emit a `runlens-point` DOM event (A/B comparison).
    #[prop(optional)]
    pick_points: bool,
) -> impl IntoView {
    let node: NodeRef<Div> = NodeRef::new();
    Effect::new(move |_| {
        let opt = option.get();
        let fields = tooltip_fields.map(|f| f.get()).unwrap_or_default();
        if let Some(el) = node.get() {
            match opt {
                Some(json) => js::chart_render(
                    &el,
                    &json,
                    &serde_json::to_string(&fields).unwrap_or_default(),
                    pick_points,
                ),
                None => js::chart_dispose(&el),
            }
        }
    });
    let png_name = format!("{id}.png");
    let csv_name = format!("{id}.csv");
    on_cleanup(move || {
        if let Some(el) = node.get_untracked() {
            js::chart_dispose(&el);
        }
    });
    let has_data = move || option.with(Option::is_some);
    view! {
        <figure class="chart">
            <div class="chart-tools" class:hidden=move || !has_data()>
                <button class="small" on:click=move |_| {
                    if let Some(el) = node.get() { js::chart_download_png(&el, &png_name) }
                }>"PNG"</button>
                {csv.map(|csv| view! {
                    <button class="small" on:click=move |_| js::download_text(&csv_name, "text/csv", &csv.get())>"CSV"</button>
                })}
            </div>
            <div id=id class="chart-box" node_ref=node class:hidden=move || !has_data()
                style=height.map(|h| format!("height: {h}px"))></div>
            <p class="empty" class:hidden=has_data>{move || empty.get()}</p>
        </figure>
    }
}
