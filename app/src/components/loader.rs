//! Getting data in: the drop zone, the "open files" / "open folder" pickers and the demo
//! button. Everything picked goes straight to the worker; nothing is read here.

use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::DragEvent;

use super::worker_client::WorkerClient;
use crate::js;
use crate::protocol::ToWorker;
use runlens_core::analysis::redact::RedactKind;

#[component]
pub fn Loader(client: WorkerClient) -> impl IntoView {
    let files_input: NodeRef<Input> = NodeRef::new();
    let folder_input: NodeRef<Input> = NodeRef::new();
    let dragging = RwSignal::new(false);
    // The save dialog is open (for a report when `Some(true)`, a dataset when `Some(false)`).
    let saving: RwSignal<Option<bool>> = RwSignal::new(None);
    // `webkitdirectory` makes the second picker choose a whole folder (non-standard, so set by hand).
    Effect::new(move |_| {
        if let Some(el) = folder_input.get() {
            let _ = el.set_attribute("webkitdirectory", "");
        }
    });

    let on_pick = move |input: NodeRef<Input>| {
        if let Some(el) = input.get() {
            client.send_files(js::files_from_input(&el));
            el.set_value("");
        }
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let Some(dt) = ev.data_transfer() else { return };
        // Entries must be taken inside the event handler; the walk itself is async.
        let promise = js::files_from_drop(&dt);
        wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(promise).await {
                Ok(picked) => client.send_files(picked),
                Err(e) => client
                    .state
                    .set(super::worker_client::LoadState::Failed(format!(
                        "cannot read the drop: {e:?}"
                    ))),
            }
        });
    };

    // `?url=…`: fetch the data the link names, then load it like a drop.
    let urls = js::urls_to_load();
    if urls.length() > 0 {
        let promise = js::fetch_urls(&urls);
        wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(promise).await {
                Ok(picked) => client.send_files(picked),
                Err(e) => client.state.set(super::worker_client::LoadState::Failed(
                    js_sys::Reflect::get(&e, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                        .unwrap_or_else(|| format!("{e:?}")),
                )),
            }
        });
    }

    view! {
        <section
            class="dropzone"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p class="drop-hint" id="drop-hint">
                "Drop a benchmark run folder (srt-slurm, SGLang, vLLM, TRT-LLM), result files, or a "
                <code>".tar(.gz|.zst|.xz)"</code>" or "<code>".zip"</code>" of them, or a saved "<code>".runlens"</code>
                " dataset here — everything is read in this browser, nothing is uploaded."
            </p>
            <details class="formats" id="what-can-i-drop">
                <summary>"What can I drop here?"</summary>
                <p>"Every file format runlens reads (files it does not know are listed under Runs & files, never dropped silently):"</p>
                <ul>
                    {move || client.formats.get()
                        .into_iter()
                        .map(|f| view! { <li><code>{f.name}</code>" — "{f.describes}</li> })
                        .collect_view()}
                </ul>
            </details>
            <div class="actions">
                <button on:click=move |_| { if let Some(el) = files_input.get() { el.click() } }>"Open files"</button>
                <button on:click=move |_| { if let Some(el) = folder_input.get() { el.click() } }>"Open folder"</button>
                <button id="load-demo" on:click=move |_| client.send(&ToWorker::LoadDemo, None)>"Load demo run"</button>
                <button class="secondary" on:click=move |_| client.send(&ToWorker::Clear, None)>"Clear"</button>
                <button class="secondary" id="save-dataset" title="Save everything loaded as a .runlens file: dropping it back restores every tab without parsing again"
                    on:click=move |_| saving.set(Some(false))>"Save dataset…"</button>
                <button class="secondary" id="save-report" title="Save one HTML file holding the app, the data and this view: it opens offline on any machine"
                    on:click=move |_| saving.set(Some(true))>"Save report…"</button>
                <button class="secondary" id="copy-link" title="Copy this page's address with the view in it"
                    on:click=move |_| crate::js::copy_link()>"Copy link"</button>
                <span id="save-status" class="status" role="status"></span>
            </div>
            <SaveDialog client=client saving=saving />
            <input id="file-input" type="file" multiple node_ref=files_input hidden on:change=move |_| on_pick(files_input) />
            <input id="folder-input" type="file" multiple node_ref=folder_input hidden
                on:change=move |_| on_pick(folder_input) />
        </section>
    }
}

/// Rows of the redaction list shown at most (the counts above it cover every value).
const MAX_LISTED_REDACTIONS: usize = 300;

/// The save dialog: which kinds of value to replace by pseudonyms, the list of what that
/// replaces (with counts, from the worker) before anything is written, then Save or Cancel.
#[component]
fn SaveDialog(client: WorkerClient, saving: RwSignal<Option<bool>>) -> impl IntoView {
    let kinds: RwSignal<Vec<RedactKind>> = RwSignal::new(Vec::new());
    let toggle = move |kind: RedactKind, on: bool| {
        kinds.update(|k| {
            k.retain(|x| *x != kind);
            if on {
                k.push(kind);
                k.sort();
            }
        });
        let asked = kinds.get_untracked();
        if !asked.is_empty() {
            client.query(&ToWorker::RedactPlan { kinds: asked });
        }
    };
    let confirm = move |_| {
        if let Some(report) = saving.get_untracked() {
            client.query(&ToWorker::Save {
                report,
                redact: kinds.get_untracked(),
            });
        }
        saving.set(None);
    };
    let plan_view = move || {
        let asked = kinds.get();
        if asked.is_empty() {
            return view! { <p class="caption" id="redact-summary">"Nothing is replaced: the file holds every name and path as loaded."</p> }.into_any();
        }
        let Some((_, plan)) = client.redact_plan.get().filter(|(k, _)| *k == asked) else {
            return view! { <p class="caption" id="redact-summary">"Counting what would be replaced…"</p> }.into_any();
        };
        if plan.is_empty() {
            return view! { <p class="caption" id="redact-summary">"None of these kinds occurs in what is loaded: nothing to replace."</p> }.into_any();
        }
        let occurrences: usize = plan.iter().map(|r| r.occurrences).sum();
        let per_kind: Vec<String> = asked
            .iter()
            .filter_map(|k| {
                let n = plan.iter().filter(|r| r.kind == *k).count();
                (n > 0).then(|| format!("{n} {k}"))
            })
            .collect();
        let values = plan.len();
        let more = values.saturating_sub(MAX_LISTED_REDACTIONS);
        let rows = plan
            .into_iter()
            .take(MAX_LISTED_REDACTIONS)
            .map(|r| {
                view! {
                    <tr><td>{r.kind.to_string()}</td><td><code>{r.original}</code></td>
                        <td><code>{r.pseudonym}</code></td><td class="num">{r.occurrences}</td></tr>
                }
            })
            .collect_view();
        view! {
            <p class="caption" id="redact-summary">
                {format!("{values} values ({}) will be replaced, {occurrences} occurrences in all:", per_kind.join(", "))}
            </p>
            <div class="redact-list">
                <table id="redact-plan">
                    <thead><tr><th>"Kind"</th><th>"Value"</th><th>"Becomes"</th><th>"Occurrences"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                {(more > 0).then(|| view! { <p class="caption">{format!("… and {more} more values, replaced too.")}</p> })}
            </div>
        }
        .into_any()
    };
    view! {
        <div class="dialog-backdrop" class:hidden=move || saving.get().is_none()>
            <div class="dialog" id="save-dialog" role="dialog" aria-modal="true" aria-labelledby="save-dialog-title">
                <h2 id="save-dialog-title">{move || if saving.get() == Some(true) { "Save report" } else { "Save dataset" }}</h2>
                <p class="caption">"Before sharing, replace these by stable pseudonyms (node-1, node-2, … so the topology stays readable), in the data and in the view:"</p>
                <div class="redact-kinds">
                    {RedactKind::ALL
                        .into_iter()
                        .map(|kind| {
                            let id = format!("redact-{kind}");
                            view! {
                                <label>
                                    <input type="checkbox" id=id
                                        prop:checked=move || kinds.get().contains(&kind)
                                        on:change=move |ev| toggle(kind, event_target_checked(&ev)) />
                                    {kind.label()}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                {plan_view}
                <div class="actions">
                    <button id="save-confirm" on:click=confirm>"Save"</button>
                    <button class="secondary" id="save-cancel" on:click=move |_| saving.set(None)>"Cancel"</button>
                </div>
            </div>
        </div>
    }
}
