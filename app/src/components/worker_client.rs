//! The page's handle on the parsing worker: spawns it, queues requests until it reports
//! `Ready`, and turns its messages into signal updates.

use crate::data::DatasetRef;
use leptos::prelude::*;
use runlens_core::analysis::aggregate::{Grouping, Reducer};
use runlens_core::analysis::redact::{RedactKind, Redaction};
use runlens_core::Progress;

use crate::tabs::node_catalogue::{charts_of, NodeChart};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use crate::protocol::{FromWorker, ToWorker};

/// Node Metrics charts for (run key, grouping, reducer).
pub type NodeChartsAnswer = (
    String,
    Grouping,
    Reducer,
    Vec<NodeChart>,
    Vec<runlens_core::analysis::windows::BenchmarkWindow>,
);

/// Where loading stands, as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum LoadState {
    /// Nothing loaded yet.
    #[default]
    Idle,
    Loading {
        progress: Progress,
        elapsed_ms: f64,
    },
    Done {
        elapsed_ms: f64,
    },
    Failed(String),
}

/// A comparison the worker made: what was asked, the comparison, and its milliseconds.
pub type ComparedAnswer = (
    crate::protocol::CompareRequest,
    std::sync::Arc<[runlens_core::analysis::compare::Comparison]>,
    f64,
);

/// The kinds a redaction plan was asked for, and what they would replace.
pub type RedactPlanAnswer = (Vec<RedactKind>, Vec<Redaction>);

/// Signals the worker writes and the page reads.
#[derive(Clone, Copy)]
pub struct WorkerClient {
    pub dataset: RwSignal<Option<DatasetRef>>,
    /// Last Node Metrics answer.
    pub node_charts: RwSignal<Option<NodeChartsAnswer>>,
    /// Last rate-match answer: the run and its rate match.
    pub rate_match: RwSignal<
        Option<(
            String,
            Option<runlens_core::analysis::rate_match::RateMatch>,
        )>,
    >,
    /// Points of the results shown while a long load still reads its logs (`None` once
    /// loaded).
    pub previewing: RwSignal<Option<usize>>,
    /// Last comparison answer: what was asked, the comparison, the worker's milliseconds.
    pub compared: RwSignal<Option<ComparedAnswer>>,
    pub state: RwSignal<LoadState>,
    /// The formats the worker reads (sent with `Ready`).
    pub formats: RwSignal<Vec<runlens_core::FormatInfo>>,
    /// Last answer to a redaction plan query: the kinds asked and what they would replace.
    pub redact_plan: RwSignal<Option<RedactPlanAnswer>>,
    worker: StoredValue<Option<Worker>, LocalStorage>,
    /// Why the worker was last replaced (a crash), until the next Clear.
    pub crash: RwSignal<Option<String>>,
    ready: RwSignal<bool>,
    queue: StoredValue<Vec<JsValue>, LocalStorage>,
    /// Every request that loaded, in order: read again by a fresh worker after a crash.
    history: StoredValue<Vec<JsValue>, LocalStorage>,
    /// The load being answered, and what it is, for the crash report.
    in_flight: StoredValue<Option<(JsValue, String)>, LocalStorage>,
    /// Answers still due to replayed requests.
    replaying: StoredValue<usize>,
    /// The file the worker last said it was reading.
    reading: StoredValue<String>,
    /// The first worker has said Ready (a saved report loads its data only then).
    started: StoredValue<bool>,
}

impl WorkerClient {
    /// Spawn the worker: `worker_loader.js` next to the page, or in the one-file app the Blob
    /// URL it publishes as `window.runlensWorkerUrl` (then `window.runlensWorkerStart(worker)`
    /// hands the worker its wasm).
    pub fn spawn() -> Self {
        let client = WorkerClient {
            dataset: RwSignal::new(None),
            node_charts: RwSignal::new(None),
            rate_match: RwSignal::new(None),
            compared: RwSignal::new(None),
            previewing: RwSignal::new(None),
            state: RwSignal::new(LoadState::Idle),
            formats: RwSignal::new(Vec::new()),
            redact_plan: RwSignal::new(None),
            crash: RwSignal::new(None),
            worker: StoredValue::new_local(None),
            ready: RwSignal::new(false),
            queue: StoredValue::new_local(Vec::new()),
            history: StoredValue::new_local(Vec::new()),
            in_flight: StoredValue::new_local(None),
            replaying: StoredValue::new(0),
            reading: StoredValue::new(String::new()),
            started: StoredValue::new(false),
        };
        client.start_worker();
        // The e2e test's stand-in for an out-of-memory or a parser bug in the worker.
        let crash = Closure::<dyn Fn()>::new(move || client.send(&ToWorker::Crash, None));
        if let Some(w) = web_sys::window() {
            let _ = js_sys::Reflect::set(&w, &"runlensCrashWorker".into(), crash.as_ref());
        }
        crash.forget();
        client
    }

    fn start_worker(self) {
        let global = |name: &str| {
            web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str(name)).ok())
                .filter(|v| !v.is_undefined() && !v.is_null())
        };
        let url = global("runlensWorkerUrl")
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "./worker_loader.js".into());
        let client = self;
        self.ready.set(false);
        match Worker::new(&url) {
            Ok(worker) => {
                if let Some(start) =
                    global("runlensWorkerStart").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                {
                    let _ = start.call1(&JsValue::NULL, &worker);
                }
                let onmessage = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
                    if js_sys::Array::is_array(&ev.data()) {
                        client.on_saved(js_sys::Array::from(&ev.data()));
                        return;
                    }
                    let text = ev.data().as_string().unwrap_or_default();
                    match serde_json::from_str::<FromWorker>(&text) {
                        Ok(msg) => client.on_message(msg),
                        Err(e) => {
                            let at = e.column().saturating_sub(1).min(text.len());
                            let from = text[..at]
                                .char_indices()
                                .rev()
                                .nth(80)
                                .map_or(0, |(i, _)| i);
                            let near: String = text[from..].chars().take(160).collect();
                            client.state.set(LoadState::Failed(format!(
                                "unreadable worker message: {e} near `{near}`"
                            )))
                        }
                    }
                });
                worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
                onmessage.forget();
                let onerror =
                    Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
                        ev.prevent_default();
                        client.restart_after_crash(&ev.message());
                    });
                worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
                onerror.forget();
                client.worker.set_value(Some(worker));
            }
            Err(e) => client.state.set(LoadState::Failed(format!(
                "cannot start the parser worker: {e:?}"
            ))),
        }
    }

    /// The worker died (a trap: out of memory, or a bug): say what it was reading, replace it
    /// with a fresh one and read again everything that had loaded before, leaving out the load
    /// that killed it.
    fn restart_after_crash(self, error: &str) {
        self.worker.update_value(|w| {
            if let Some(w) = w.take() {
                w.terminate();
            }
        });
        let what = self
            .in_flight
            .try_update_value(Option::take)
            .flatten()
            .map(|(_, what)| what);
        let file = self.reading.get_value();
        let mut message = String::from("The parser worker crashed");
        match (&what, file.is_empty()) {
            (Some(what), false) => message.push_str(&format!(" while reading {file} ({what})")),
            (Some(what), true) => message.push_str(&format!(" while {what}")),
            (None, false) => message.push_str(&format!(" after reading {file}")),
            (None, true) => {}
        }
        message.push_str(&format!(": {error}. "));
        let history = self.history.get_value();
        message.push_str(if what.is_some() {
            "That load was left out; "
        } else {
            ""
        });
        message.push_str(if history.is_empty() {
            "a fresh worker is ready for the next one."
        } else {
            "a fresh worker is reading again what was loaded before it."
        });
        self.crash.set(Some(message));
        self.state.set(if history.is_empty() {
            LoadState::Idle
        } else {
            LoadState::Loading {
                progress: Progress::default(),
                elapsed_ms: 0.0,
            }
        });
        self.queue.set_value(Vec::new());
        self.start_worker();
        self.replaying.set_value(history.len());
        for m in history {
            self.post_raw(m);
        }
    }

    fn on_saved(self, answer: js_sys::Array) {
        // `["saved", report, bytes, redactions]`: a saved dataset, to download or embed (with
        // the view's hash redacted the same way as the data).
        let bytes: js_sys::Uint8Array = answer.get(2).unchecked_into();
        let plan: Vec<Redaction> = answer
            .get(3)
            .as_string()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        if answer.get(1).as_bool() == Some(true) {
            let hash = crate::state::redact_hash(&crate::js::location_hash(), &plan);
            crate::js::save_report(&bytes, &hash);
        } else {
            crate::js::download_bytes(
                "runlens-dataset.runlens",
                "application/octet-stream",
                &bytes,
            );
        }
    }

    /// A load ended (loaded or failed as a whole): the request that caused it joins the history
    /// replayed after a crash when it loaded, unless it is the answer to a replayed one.
    fn load_ended(self, loaded: bool) {
        let replayed = self.replaying.get_value();
        if replayed > 0 {
            self.replaying.set_value(replayed - 1);
            return;
        }
        if let Some((message, _)) = self.in_flight.try_update_value(Option::take).flatten() {
            if loaded {
                self.history.update_value(|h| h.push(message));
            }
        }
    }

    fn on_message(self, msg: FromWorker) {
        match msg {
            FromWorker::Ready { formats } => {
                self.formats.set(formats);
                self.ready.set(true);
                let first_start = !self.started.get_value();
                self.started.set_value(true);
                let queued = self
                    .queue
                    .try_update_value(std::mem::take)
                    .unwrap_or_default();
                for m in queued {
                    self.post_raw(m);
                }
                // A saved report opens with the dataset embedded in it.
                let report = web_sys::window()
                    .and_then(|w| {
                        js_sys::Reflect::get(&w, &JsValue::from_str("runlensReportFile")).ok()
                    })
                    .filter(|f| f.is_instance_of::<web_sys::Blob>());
                if let Some(file) = report.filter(|_| first_start) {
                    self.send(
                        &ToWorker::Ingest {
                            paths: vec!["report.runlens".into()],
                        },
                        Some(js_sys::Array::of1(&file)),
                    );
                }
            }
            FromWorker::Progress {
                progress,
                elapsed_ms,
            } => {
                self.reading.set_value(progress.current.clone());
                self.state.set(LoadState::Loading {
                    progress,
                    elapsed_ms,
                })
            }
            FromWorker::Preview { dataset, .. } => {
                if matches!(self.state.get_untracked(), LoadState::Loading { .. }) {
                    let points = dataset.runs.iter().map(|r| r.points.len()).sum();
                    self.previewing.set(Some(points));
                    self.dataset.set(Some(DatasetRef::new(*dataset)));
                }
            }
            FromWorker::Loaded {
                dataset,
                elapsed_ms,
            } => {
                self.previewing.set(None);
                self.dataset.set(Some(DatasetRef::new(*dataset)));
                self.state.set(LoadState::Done { elapsed_ms });
                self.load_ended(true);
            }
            FromWorker::NodeCharts {
                run_key,
                grouping,
                reducer,
                series,
                windows,
            } => self.node_charts.set(Some((
                run_key,
                grouping,
                reducer,
                charts_of(series),
                windows,
            ))),
            FromWorker::RateMatch {
                run_key,
                rate_match,
            } => self.rate_match.set(Some((run_key, rate_match))),
            FromWorker::Compared {
                request,
                comparisons,
                elapsed_ms,
            } => self
                .compared
                .set(Some((request, comparisons.into(), elapsed_ms))),
            FromWorker::RedactPlan { kinds, redactions } => {
                self.redact_plan.set(Some((kinds, redactions)))
            }
            FromWorker::Failed { message } => {
                self.state.set(LoadState::Failed(message));
                self.load_ended(false);
            }
        }
    }

    fn post_raw(self, message: JsValue) {
        if !self.ready.get_untracked() {
            self.queue.update_value(|q| q.push(message));
            return;
        }
        self.worker.with_value(|w| {
            if let Some(w) = w {
                if let Err(e) = w.post_message(&message) {
                    self.state.set(LoadState::Failed(format!(
                        "cannot send to the parser worker: {e:?}"
                    )));
                }
            }
        });
    }

    /// Send a request with optional files (`[json, File[]]` on the wire).
    pub fn send(self, request: &ToWorker, files: Option<js_sys::Array>) {
        let message = js_sys::Array::new();
        message.push(&JsValue::from_str(&request.to_json()));
        message.push(&files.map(JsValue::from).unwrap_or(JsValue::NULL));
        self.state.set(LoadState::Loading {
            progress: Progress::default(),
            elapsed_ms: 0.0,
        });
        self.reading.set_value(String::new());
        if *request == ToWorker::Clear {
            // Nothing before a Clear needs reading again after a crash.
            self.history.set_value(Vec::new());
            self.crash.set(None);
        }
        let message: JsValue = message.into();
        self.in_flight
            .set_value(Some((message.clone(), request.describe())));
        self.post_raw(message);
    }

    /// Ask something of the worker without starting a load (no progress shown).
    pub fn query(self, request: &ToWorker) {
        let message = js_sys::Array::new();
        message.push(&JsValue::from_str(&request.to_json()));
        message.push(&JsValue::NULL);
        self.post_raw(message.into());
    }

    /// Send `{paths, files}` as produced by `js/runlens.js`.
    pub fn send_files(self, picked: JsValue) {
        let get = |k: &str| {
            js_sys::Reflect::get(&picked, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
        };
        let paths: Vec<String> = js_sys::Array::from(&get("paths"))
            .iter()
            .filter_map(|p| p.as_string())
            .collect();
        if paths.is_empty() {
            return;
        }
        let files = js_sys::Array::from(&get("files"));
        self.send(&ToWorker::Ingest { paths }, Some(files));
    }
}
