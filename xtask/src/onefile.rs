//! `dist/runlens.html`: the whole app in one file, for `file://` on an air-gapped machine, a USB
//! stick or an e-mail attachment. Built from the trunk output in `dist/`: the stylesheet and
//! favicon, ECharts and the page's helper script inlined; both wasm modules and the worker's
//! script as base64 blocks; the page module instantiated from bytes; the worker started from a
//! Blob URL (`window.runlensWorkerUrl`, which the app prefers to `./worker_loader.js`). Nothing is
//! fetched at run time.

use std::path::Path;

use base64::Engine;

use crate::Result;

/// Inline script text: `</script` would end the element early.
fn inline_js(text: &str) -> String {
    text.replace("</script", "<\\/script")
}

/// The ES module trunk writes, as the body of one inline module script: `export` removed (an
/// inline module exports to no one), the `export { … }` list dropped.
fn module_body(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("export {"))
        .map(|l| l.strip_prefix("export ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn write(dist: &Path) -> Result {
    let read = |name: &str| {
        std::fs::read(dist.join(name))
            .map_err(|e| format!("dist/{name}: {e} (run trunk build first)"))
    };
    let text = |name: &str| -> std::result::Result<String, String> {
        String::from_utf8(read(name)?).map_err(|e| format!("dist/{name}: {e}"))
    };
    let style = text("style.css")?;
    let echarts = text("echarts.min.js")?;
    let helpers = text("runlens.js")?;
    let app_js = text("runlens-app.js")?;
    let worker_js = text("worker.js")?;
    let app_wasm = read("runlens-app_bg.wasm")?;
    let worker_wasm = read("worker_bg.wasm")?;
    let favicon = read("favicon.svg")?;
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval' blob:; worker-src blob:; style-src 'unsafe-inline'; img-src data: blob:; connect-src data: blob:; font-src data:" />
    <title>runlens — LLM-inference benchmark runs in your browser (one-file app)</title>
    <link rel="icon" href="data:image/svg+xml;base64,{favicon}" />
    <style>{style}</style>
    <script>{echarts}</script>
    <script>{helpers}</script>
    <script type="application/octet-stream" id="runlens-app-wasm">{app_wasm}</script>
    <script type="application/octet-stream" id="runlens-worker-wasm">{worker_wasm}</script>
    <script type="application/octet-stream" id="runlens-worker-js">{worker_js}</script>
    <script type="module">
{app_module}
const block = (id) => document.getElementById(id).textContent.trim();
const bytes = (id) => Uint8Array.from(atob(block(id)), (c) => c.charCodeAt(0));
// The worker: its script, then its wasm from bytes handed over in the first message.
const workerSource = atob(block('runlens-worker-js')) +
  '\n;self.onmessage = (e) => {{ self.onmessage = null; wasm_bindgen({{ module_or_path: e.data }}); }};';
const workerUrl = URL.createObjectURL(new Blob([workerSource], {{ type: 'text/javascript' }}));
const workerWasm = bytes('runlens-worker-wasm');
window.runlensWorkerUrl = workerUrl;
// "Save report" copies this file as it arrived; a report carries its dataset and view.
window.runlensOneFileHtml = '<!DOCTYPE html>\n' + document.documentElement.outerHTML;
const report = document.getElementById('runlens-report-dataset');
if (report) {{
  if (!location.hash && report.dataset.hash) history.replaceState(null, '', report.dataset.hash);
  window.runlensReportFile = new File([bytes('runlens-report-dataset')], 'report.runlens');
}}
window.runlensWorkerStart = (worker) => worker.postMessage(workerWasm);
await __wbg_init({{ module_or_path: bytes('runlens-app-wasm') }});
dispatchEvent(new CustomEvent("TrunkApplicationStarted"));
    </script>
  </head>
  <body></body>
</html>
"#,
        favicon = b64(&favicon),
        style = style.replace("</style", "<\\/style"),
        echarts = inline_js(&echarts),
        helpers = inline_js(&helpers),
        app_wasm = b64(&app_wasm),
        worker_wasm = b64(&worker_wasm),
        worker_js = b64(worker_js.as_bytes()),
        app_module = inline_js(&module_body(&app_js)),
    );
    std::fs::write(dist.join("runlens.html"), html)
        .map_err(|e| format!("dist/runlens.html: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_exports_become_plain_declarations() {
        let m = module_body("export class A {}\nexport function f() {}\nlet x = 1;\nexport { initSync, __wbg_init as default };");
        assert_eq!(m, "class A {}\nfunction f() {}\nlet x = 1;");
        assert_eq!(inline_js("a</script>b"), "a<\\/script>b");
    }
}
