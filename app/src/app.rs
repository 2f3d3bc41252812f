//! The page: loader and progress on top, then the tabs. Tab and toggles live in the URL hash.

use leptos::prelude::*;

use crate::components::loader::Loader;
use crate::components::notices::Notices;
use crate::components::progress::LoadProgress;
use crate::components::run_table::RunTable;
use crate::components::sidebar::Sidebar;
use crate::components::worker_client::WorkerClient;
use crate::data::DatasetRef;
use crate::state::ViewState;
use crate::tabs::compare::CompareTab;
use crate::tabs::configuration::ConfigurationTab;
use crate::tabs::latency::LatencyTab;
use crate::tabs::node_metrics::NodeMetricsTab;
use crate::tabs::p2p::P2pTab;
use crate::tabs::pareto::ParetoTab;
use crate::tabs::rate_match::RateMatchTab;
use crate::tabs::scheduler::SchedulerTab;
use crate::tabs::Tab;

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn replace_hash(hash: &str) {
    if let Some(w) = web_sys::window() {
        if let Ok(history) = w.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let client = WorkerClient::spawn();
    let dataset = Signal::from(client.dataset);
    let initial = ViewState::from_hash(&current_hash());
    let tab = RwSignal::new(initial.tab);
    let pareto = RwSignal::new(initial.pareto);
    let latency = RwSignal::new(initial.latency);
    let filters = RwSignal::new(initial.filters);
    let scheduler = RwSignal::new(initial.scheduler);
    let p2p_set = RwSignal::new(initial.p2p_set);
    let compare = RwSignal::new(initial.compare);
    let steady_ratio = RwSignal::new(initial.steady_ratio);
    provide_context(crate::tabs::Navigator {
        tab,
        node_focus: RwSignal::new(None),
    });
    // What the result tabs (Pareto, Latency, Rate Match) and the notices show: the runs that
    // pass the sidebar, with this browser's tags. Computed once per change of the dataset or
    // the filters, shared by every reader. Node Metrics, Configuration, Scheduler, P2P NCCL and
    // Runs & files show everything loaded (they describe files and nodes, not runs' points).
    let shown = Memo::new(move |_| {
        dataset.with(|ds: &Option<DatasetRef>| {
            ds.as_ref()
                .map(|ds| DatasetRef::new(filters.with(|f| f.apply(ds))))
        })
    });
    let shown = Signal::from(shown);
    Effect::new(move |_| {
        let state = ViewState {
            tab: tab.get(),
            pareto: pareto.get(),
            latency: latency.get(),
            filters: filters.get(),
            scheduler: scheduler.get(),
            p2p_set: p2p_set.get(),
            compare: compare.get(),
            steady_ratio: steady_ratio.get(),
        };
        replace_hash(&state.to_hash());
    });
    // A scheduler-log folder or P2P log dropped alone (no benchmark runs) opens its own tab.
    Effect::new(move |_| {
        dataset.with(|ds: &Option<DatasetRef>| {
            let Some(ds) = ds else { return };
            let run_tab = matches!(
                tab.get_untracked(),
                Tab::Pareto | Tab::Latency | Tab::RateMatch
            );
            if ds.runs.is_empty() && run_tab {
                if !ds.scheduler.is_empty() {
                    tab.set(Tab::Scheduler);
                } else if !ds.p2p.is_empty() {
                    tab.set(Tab::P2p);
                }
            }
        })
    });
    let tab_bar = Tab::ALL
        .iter()
        .map(|&t| {
            view! {
                <button role="tab" id=format!("tab-{}", t.id()) class="tab" class:active=move || tab.get() == t
                    aria-selected=move || (tab.get() == t).to_string()
                    on:click=move |_| tab.set(t)>{t.title()}</button>
            }
        })
        .collect_view();
    view! {
        <header>
            <h1>"runlens"</h1>
            <p class="tagline">"LLM-inference benchmark runs, analysed in your browser."</p>
        </header>
        <div class="layout">
            <Sidebar dataset=dataset filters=filters />
            <main>
                <Loader client=client />
                <LoadProgress client=client />
                <Notices dataset=shown />
                <nav class="tabs" role="tablist">{tab_bar}</nav>
                {move || match tab.get() {
                    Tab::Pareto => view! { <ParetoTab dataset=shown opts=pareto /> }.into_any(),
                    Tab::Latency => view! { <LatencyTab dataset=shown opts=latency pareto=pareto /> }.into_any(),
                    Tab::NodeMetrics => view! { <NodeMetricsTab dataset=dataset client=client steady_ratio=steady_ratio /> }.into_any(),
                    Tab::RateMatch => view! { <RateMatchTab dataset=shown client=client /> }.into_any(),
                    Tab::Configuration => view! { <ConfigurationTab dataset=dataset /> }.into_any(),
                    Tab::Scheduler => view! { <SchedulerTab dataset=dataset view_state=scheduler /> }.into_any(),
                    Tab::P2p => view! { <P2pTab dataset=dataset chosen=p2p_set /> }.into_any(),
                    Tab::Compare => view! { <CompareTab dataset=dataset filters=filters view=compare client=client /> }.into_any(),
                    Tab::Runs => view! { <RunTable dataset=dataset client=client /> }.into_any(),
                }}
            </main>
        </div>
    }
}
