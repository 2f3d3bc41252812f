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
    let alive = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    // A change only queues the chart: its option is built and drawn in a task of its own, so a
    // tab of a dozen big charts never holds the page's thread for all of them at once.
    let queued = alive.clone();
    let key = id.clone();
    Effect::new(move |_| {
        option.track();
        if let Some(f) = tooltip_fields {
            f.track();
        }
        node.track();
        let alive = queued.clone();
        render_queue::push(key.clone(), move || {
            if !alive.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            let Some(el) = node.get_untracked() else {
                return;
            };
            match option.get_untracked() {
                Some(json) => {
                    let fields = tooltip_fields
                        .map(|f| f.get_untracked())
                        .unwrap_or_default();
                    js::chart_render(
                        &el,
                        &json,
                        &serde_json::to_string(&fields).unwrap_or_default(),
                        pick_points,
                    )
                }
                None => js::chart_dispose(&el),
            }
        });
    });
    let png_name = format!("{id}.png");
    let csv_name = format!("{id}.csv");
    on_cleanup(move || {
        alive.store(false, std::sync::atomic::Ordering::Relaxed);
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

/// Chart renders waiting for the page's thread: one per task (a zero timeout), the latest
/// render of a chart replacing one still waiting.
mod render_queue {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    use wasm_bindgen::prelude::*;

    type Render = Box<dyn FnOnce()>;

    thread_local! {
        static QUEUE: RefCell<VecDeque<(String, Render)>> = const { RefCell::new(VecDeque::new()) };
        static SCHEDULED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    pub fn push(key: String, render: impl FnOnce() + 'static) {
        QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            match q.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = Box::new(render),
                None => q.push_back((key, Box::new(render))),
            }
        });
        schedule();
    }

    fn schedule() {
        if SCHEDULED.with(|s| s.replace(true)) {
            return;
        }
        let step = Closure::once_into_js(run_one);
        let scheduled = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(step.unchecked_ref(), 0)
                .ok()
        });
        if scheduled.is_none() {
            // No window (tests): draw everything now.
            SCHEDULED.with(|s| s.set(false));
            while let Some((_, render)) = QUEUE.with(|q| q.borrow_mut().pop_front()) {
                render();
            }
        }
    }

    fn run_one() {
        SCHEDULED.with(|s| s.set(false));
        let next = QUEUE.with(|q| q.borrow_mut().pop_front());
        if let Some((_, render)) = next {
            render();
        }
        if QUEUE.with(|q| !q.borrow().is_empty()) {
            schedule();
        }
    }
}
