//! Load progress: percent, MB/s and the file being read; errors of the load itself.

use leptos::prelude::*;

use super::worker_client::{LoadState, WorkerClient};

#[component]
pub fn LoadProgress(client: WorkerClient) -> impl IntoView {
    let crash = move || {
        client.crash.get().map(|message| {
            view! { <p class="notice warn" id="worker-crash" role="alert">{message}</p> }
        })
    };
    let state = move || match client.state.get() {
        LoadState::Idle => view! { <p class="status">"No data loaded yet."</p> }.into_any(),
        LoadState::Loading {
            progress,
            elapsed_ms,
        } => {
            let pct = if progress.bytes_total > 0 {
                (progress.bytes_done as f64 / progress.bytes_total as f64 * 100.0).min(100.0)
            } else {
                0.0
            };
            let mbps = if elapsed_ms > 0.0 {
                progress.bytes_done as f64 / 1e6 / (elapsed_ms / 1000.0)
            } else {
                0.0
            };
            view! {
                <div class="status loading" role="status">
                    <progress max="100" value=pct></progress>
                    <span class="pct">{format!("{pct:.0}%")}</span>
                    <span>{format!("{:.1} MB/s", mbps)}</span>
                    <span>{format!("{} files", progress.files_seen)}</span>
                    <span class="current">{progress.current}</span>
                    {client.previewing.get().map(|points| view! {
                        <span id="preview-note">{format!("showing the {points} result point(s) read so far; worker logs still loading")}</span>
                    })}
                </div>
            }
            .into_any()
        }
        LoadState::Done { elapsed_ms } => {
            view! { <p class="status done">{format!("Loaded in {:.0} ms.", elapsed_ms)}</p> }
                .into_any()
        }
        LoadState::Failed(message) => {
            view! { <p class="status error" role="alert">{message}</p> }.into_any()
        }
    };
    view! { {crash} {state} }
}
