//! The sidebar: cascading filters (GPU type, topology, ISL/OSL, container — each offering
//! `(none)` so no run vanishes — tags with AND, date range, concurrency range), the run list
//! (`jobid | topology | isl/osl [gpu] tags`, newest first, tick to show), and the tag editor with
//! export and import of a tags file (a browser cannot write into the run folder). Everything here
//! is view state, saved in the URL hash by the page.

use crate::data::DatasetRef;
use leptos::html::Input;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::filters::{Field, Filters};
use crate::js;

#[component]
pub fn Sidebar(dataset: Signal<Option<DatasetRef>>, filters: RwSignal<Filters>) -> impl IntoView {
    let import_input: NodeRef<Input> = NodeRef::new();
    let import_status = RwSignal::new(String::new());
    let field_filter = move |field: Field| {
        move || {
            let options = dataset.with(|ds| {
                ds.as_ref()
                    .map(|ds| filters.with(|f| f.options(ds, field)))
                    .unwrap_or_default()
            });
            if options.is_empty() {
                return None;
            }
            let boxes = options
                .into_iter()
                .map(|(value, n)| {
                    let v = value.clone();
                    let checked = Signal::derive({
                        let v = v.clone();
                        move || filters.with(|f| f.excluded.get(&field).is_none_or(|ex| !ex.contains(&v)))
                    });
                    let id = format!("f-{}-{}", field.key(), value.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
                    view! {
                        <label class="opt"><input type="checkbox" id=id prop:checked=move || checked.get()
                            on:change=move |_| filters.update(|f| {
                                let ex = f.excluded.entry(field).or_default();
                                if !ex.remove(&v) { ex.insert(v.clone()); }
                            }) />{format!("{value} ({n})")}</label>
                    }
                })
                .collect_view();
            Some(
                view! { <details class="filter" open=true><summary>{field.title()}</summary>{boxes}</details> },
            )
        }
    };
    let tag_filter = move || {
        let mut all: Vec<String> = dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| filters.with(|f| ds.runs.iter().flat_map(|r| f.tags_of(r)).collect()))
                .unwrap_or_default()
        });
        all.sort();
        all.dedup();
        (!all.is_empty()).then(|| {
            let boxes = all
                .into_iter()
                .map(|t| {
                    let tv = t.clone();
                    view! {
                        <label class="opt"><input type="checkbox" prop:checked={ let t = t.clone(); move || filters.with(|f| f.tags.contains(&t)) }
                            on:change=move |_| filters.update(|f| { if !f.tags.remove(&tv) { f.tags.insert(tv.clone()); } }) />{t}</label>
                    }
                })
                .collect_view();
            view! { <details class="filter" open=true><summary>"Tags (runs must have all ticked)"</summary>{boxes}</details> }
        })
    };
    // Health lints per run, counted once per dataset (not per filter change).
    let lint_counts = Memo::new(move |_| {
        dataset.with(|ds| {
            ds.as_ref()
                .map(|ds| runlens_core::analysis::health::lint_counts(ds))
                .unwrap_or_default()
        })
    });
    let run_list = move || {
        dataset.with(|ds| {
            let ds = ds.as_ref()?;
            let rows = filters.with(|f| {
                f.matching(ds)
                    .into_iter()
                    .map(|r| {
                        let mut r = r.clone();
                        r.tags = f.tags_of(&r);
                        r
                    })
                    .collect::<Vec<_>>()
            });
            let n = rows.len();
            let items = rows
                .into_iter()
                .map(|r| {
                    let key = r.key.clone();
                    let key2 = key.clone();
                    let key3 = key.clone();
                    let new_tag = RwSignal::new(String::new());
                    let tags = r
                        .tags
                        .iter()
                        .map(|t| {
                            let (k, tv) = (key.clone(), t.clone());
                            view! { <span class="chip">{t.clone()}<button class="x" title="Remove tag" on:click=move |_| filters.update(|f| f.remove_tag(&k, &tv))>"×"</button></span> }
                        })
                        .collect_view();
                    view! {
                        <li class="run-item">
                            <label><input type="checkbox" class="run-toggle" prop:checked=move || filters.with(|f| !f.deselected.contains(&key2))
                                on:change=move |_| filters.update(|f| { if !f.deselected.remove(&key3) { f.deselected.insert(key3.clone()); } }) />
                                {r.label()}</label>
                            {lint_counts.with(|c| c.get(&r.key).copied()).filter(|n| *n > 0).map(|n| view! {
                                <span class="badge health-badge" title=format!("{n} health warning(s): see Runs & files → Health")>{format!("⚠ {n}")}</span>
                            })}
                            <div class="tags">{tags}
                                <input class="tag-input" placeholder="add tag" prop:value=move || new_tag.get()
                                    on:input=move |ev| new_tag.set(event_target_value(&ev))
                                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                                        if ev.key() == "Enter" {
                                            let t = new_tag.get_untracked();
                                            let mut added = Ok(());
                                            filters.update(|f| added = f.add_tag(&key, &t));
                                            import_status.set(match added {
                                                Ok(()) => String::new(),
                                                Err(crate::filters::TagRefused::TooLong) => format!("Tag not added: longer than {} characters.", crate::filters::MAX_TAG_CHARS),
                                                Err(crate::filters::TagRefused::TooMany) => format!("Tag not added: a run holds at most {} added tags.", crate::filters::MAX_TAGS_PER_RUN),
                                            });
                                            new_tag.set(String::new());
                                        }
                                    } />
                            </div>
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <p class="caption" id="match-count">{format!("{n} runs match the filters")}</p>
                <ul class="run-list" id="run-list">{items}</ul>
            })
        })
    };
    let number = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <aside class="sidebar" id="sidebar">
            <h2>"Filters"</h2>
            {field_filter(Field::GpuType)}
            {field_filter(Field::Topology)}
            {field_filter(Field::IslOsl)}
            {field_filter(Field::Container)}
            {tag_filter}
            <details class="filter" open=true>
                <summary>"Date and concurrency"</summary>
                <label class="opt">"From "<input type="date" id="date-from" prop:value=move || filters.with(|f| f.date_from.clone().unwrap_or_default())
                    on:change=move |ev| { let v = event_target_value(&ev); filters.update(|f| f.date_from = (!v.is_empty()).then_some(v)) } /></label>
                <label class="opt">"To "<input type="date" id="date-to" prop:value=move || filters.with(|f| f.date_to.clone().unwrap_or_default())
                    on:change=move |ev| { let v = event_target_value(&ev); filters.update(|f| f.date_to = (!v.is_empty()).then_some(v)) } /></label>
                <label class="opt">"Concurrency ≥ "<input type="number" id="conc-min" min="0" prop:value=move || filters.with(|f| number(f.concurrency_min))
                    on:change=move |ev| { let v = event_target_value(&ev).parse().ok(); filters.update(|f| f.concurrency_min = v) } /></label>
                <label class="opt">"Concurrency ≤ "<input type="number" id="conc-max" min="0" prop:value=move || filters.with(|f| number(f.concurrency_max))
                    on:change=move |ev| { let v = event_target_value(&ev).parse().ok(); filters.update(|f| f.concurrency_max = v) } /></label>
            </details>
            <h2>"Runs"</h2>
            {run_list}
            <div class="actions">
                <button class="small" id="tags-export" on:click=move |_| {
                    if let Some(ds) = dataset.get_untracked() {
                        js::download_text("runlens-tags.json", "application/json", &filters.with_untracked(|f| f.tags_json(&ds)));
                    }
                }>"Export tags"</button>
                <button class="small" on:click=move |_| { if let Some(el) = import_input.get() { el.click() } }>"Import tags"</button>
                <button class="small" id="filters-reset" on:click=move |_| filters.update(|f| {
                    f.excluded.clear();
                    f.tags.clear();
                    f.date_from = None;
                    f.date_to = None;
                    f.concurrency_min = None;
                    f.concurrency_max = None;
                    f.deselected.clear();
                })>"Reset filters"</button>
            </div>
            <input type="file" id="tags-import" accept=".json,application/json" hidden node_ref=import_input on:change=move |_| {
                let Some(el) = import_input.get() else { return };
                let Some(file) = el.files().and_then(|f| f.get(0)) else { return };
                wasm_bindgen_futures::spawn_local(async move {
                    let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()).unwrap_or_default();
                    let Some(ds) = dataset.get_untracked() else { return };
                    let mut result = Err(String::new());
                    filters.update(|f| result = f.import_tags(&ds, &text));
                    import_status.set(match result {
                        Ok(done) => done.to_string(),
                        Err(e) => format!("Import failed: {e}"),
                    });
                });
                el.set_value("");
            } />
            <p class="caption" id="tags-import-status">{move || import_status.get()}</p>
        </aside>
    }
}
