//! Bindings to `js/runlens.js`, a plain script that defines `window.runlensJs` (a global, not an
//! ES module, so the worker's no-modules build never needs it).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Walk a drop's items (folders recursively, `readEntries` until empty); resolves to
    /// `{paths: string[], files: File[]}`. Must be called synchronously inside the drop handler.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = filesFromDrop)]
    pub fn files_from_drop(data_transfer: &web_sys::DataTransfer) -> js_sys::Promise;

    /// `{paths, files}` of an `<input type=file>` (folder picks keep `webkitRelativePath`).
    #[wasm_bindgen(js_namespace = runlensJs, js_name = filesFromInput)]
    pub fn files_from_input(input: &web_sys::HtmlInputElement) -> JsValue;

    /// Create or update the ECharts instance in `el` with an option given as JSON text;
    /// `tooltip_fields_json` names the value dimensions (`[]`: ECharts' own tooltip), `pick`
    /// turns clicks near a point into `runlens-point` events.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = chartRender)]
    pub fn chart_render(
        el: &web_sys::Element,
        option_json: &str,
        tooltip_fields_json: &str,
        pick: bool,
    );

    /// Dispose the ECharts instance in `el`, if any.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = chartDispose)]
    pub fn chart_dispose(el: &web_sys::Element);

    /// Download the chart in `el` as a PNG file.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = chartDownloadPng)]
    pub fn chart_download_png(el: &web_sys::Element, file_name: &str);

    /// Offer `bytes` as a download.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = downloadBytes)]
    pub fn download_bytes(file_name: &str, mime: &str, bytes: &js_sys::Uint8Array);

    /// Write the report: the one-file app with `dataset` and the view `hash` embedded.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = saveReport)]
    pub fn save_report(dataset: &js_sys::Uint8Array, hash: &str);

    /// Copy the page's address (with the view in its hash) to the clipboard.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = copyLink)]
    pub fn copy_link();

    /// The `?url=` parameters of the page.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = urlsToLoad)]
    pub fn urls_to_load() -> js_sys::Array;

    /// Fetch these URLs with progress; a promise of `{paths, files}`.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = fetchUrls)]
    pub fn fetch_urls(urls: &js_sys::Array) -> js_sys::Promise;

    /// `location.hash`.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = locationHash)]
    pub fn location_hash() -> String;

    /// Offer `text` as a download.
    #[wasm_bindgen(js_namespace = runlensJs, js_name = downloadText)]
    pub fn download_text(file_name: &str, mime: &str, text: &str);
}

/// The JSON text a chart event (`runlens-point`, `runlens-zoom`, `runlens-slo`) carries in its
/// `detail`.
pub fn event_text(ev: &web_sys::Event) -> Option<String> {
    use wasm_bindgen::JsCast;
    ev.dyn_ref::<web_sys::CustomEvent>()?.detail().as_string()
}

/// A chart event's `detail`, read as `T`.
pub fn event_detail<T: serde::de::DeserializeOwned>(ev: &web_sys::Event) -> Option<T> {
    serde_json::from_str(&event_text(ev)?).ok()
}
