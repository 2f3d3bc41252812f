//! Small pieces every tab uses: headline cards and the run picker of the per-run tabs.

use leptos::prelude::*;

/// A headline number with its label.
pub fn card(label: &str, value: String) -> impl IntoView {
    let label = label.to_owned();
    view! { <div class="card"><div class="value">{value}</div><div class="label">{label}</div></div> }
}

/// A card for a longer text value (model, GPU name); `–` when unknown.
pub fn text_card(label: &str, value: Option<String>) -> impl IntoView {
    let label = label.to_owned();
    view! { <div class="card"><div class="value small">{value.unwrap_or_else(|| "–".into())}</div><div class="label">{label}</div></div> }
}

/// The run picker of the per-run tabs (Node Metrics, Rate Match, Configuration): `(key, label)`
/// choices; the chosen key lives in `run` (`None`: the first).
#[component]
pub fn RunPicker(
    /// DOM id of the `<select>`.
    #[prop(into)]
    id: String,
    choices: Signal<Vec<(String, String)>>,
    run: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <label>"Run "
            <select id=id on:change=move |ev| run.set(Some(event_target_value(&ev)))>
                {move || choices.get().into_iter().map(|(k, label)| {
                    let selected = run.get().as_deref() == Some(k.as_str());
                    view! { <option value=k selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}
