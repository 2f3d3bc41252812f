//! The page: loader on top, progress, then the Pareto chart and the tables of what was found.

use leptos::prelude::*;

use crate::components::loader::Loader;
use crate::components::progress::LoadProgress;
use crate::components::run_table::RunTable;
use crate::components::worker_client::WorkerClient;
use crate::tabs::pareto::ParetoTab;

#[component]
pub fn App() -> impl IntoView {
    let client = WorkerClient::spawn();
    let dataset = Signal::from(client.dataset);
    view! {
        <header>
            <h1>"runlens"</h1>
            <p class="tagline">"LLM-inference benchmark runs, analysed in your browser."</p>
        </header>
        <main>
            <Loader client=client />
            <LoadProgress client=client />
            <ParetoTab dataset=dataset />
            <RunTable dataset=dataset />
        </main>
    }
}
