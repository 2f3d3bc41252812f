//! Getting data in: the drop zone, the "open files" / "open folder" pickers and the demo
//! button. Everything picked goes straight to the worker; nothing is read here.

use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::DragEvent;

use super::worker_client::WorkerClient;
use crate::js;
use crate::protocol::ToWorker;

#[component]
pub fn Loader(client: WorkerClient) -> impl IntoView {
    let files_input: NodeRef<Input> = NodeRef::new();
    let folder_input: NodeRef<Input> = NodeRef::new();
    let dragging = RwSignal::new(false);
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
                    on:click=move |_| client.query(&ToWorker::Save { report: false })>"Save dataset"</button>
                <button class="secondary" id="save-report" title="Save one HTML file holding the app, the data and this view: it opens offline on any machine"
                    on:click=move |_| client.query(&ToWorker::Save { report: true })>"Save report"</button>
                <button class="secondary" id="copy-link" title="Copy this page's address with the view in it"
                    on:click=move |_| crate::js::copy_link()>"Copy link"</button>
                <span id="save-status" class="status" role="status"></span>
            </div>
            <input id="file-input" type="file" multiple node_ref=files_input hidden on:change=move |_| on_pick(files_input) />
            <input id="folder-input" type="file" multiple node_ref=folder_input hidden
                on:change=move |_| on_pick(folder_input) />
        </section>
    }
}
