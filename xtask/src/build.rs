//! `cargo xtask build`: the static site in `dist/` (relative URLs only, so it works from any
//! sub-path such as a GitHub Pages project site) and the one-file app `dist/runlens.html`
//! (`onefile`), then a size table, raw and gzipped.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::{root, run, Result};

pub fn build() -> Result {
    run(Command::new("trunk").args(["build", "--release"]))?;
    let dist = root().join("dist");
    crate::onefile::write(&dist)?;
    cache_bust(&dist)?;
    print_sizes(&dist)
}

/// Cache busting with stable file names (the page starts `./worker_loader.js`): every URL the
/// site loads gets `?v=<hash of the build>`, so a browser never mixes a new page with an old
/// cached worker or wasm after a deploy.
fn cache_bust(dist: &Path) -> Result {
    use std::hash::{Hash, Hasher};
    let read = |n: &str| std::fs::read(dist.join(n)).map_err(|e| format!("dist/{n}: {e}"));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for n in [
        "runlens-app.js",
        "runlens-app_bg.wasm",
        "worker.js",
        "worker_bg.wasm",
        "style.css",
        "runlens.js",
    ] {
        read(n)?.hash(&mut h);
    }
    let v = format!("{:016x}", h.finish());
    let write = |n: &str, text: String| {
        std::fs::write(dist.join(n), text).map_err(|e| format!("dist/{n}: {e}"))
    };
    write(
        "worker_loader.js",
        format!("importScripts(\"./worker.js?v={v}\");wasm_bindgen(\"./worker_bg.wasm?v={v}\");"),
    )?;
    let mut index = String::from_utf8(read("index.html")?).map_err(|e| e.to_string())?;
    for name in [
        "runlens-app.js",
        "runlens-app_bg.wasm",
        "style.css",
        "runlens.js",
        "echarts.min.js",
    ] {
        for quote in ['\'', '"'] {
            index = index.replace(
                &format!("{quote}./{name}{quote}"),
                &format!("{quote}./{name}?v={v}{quote}"),
            );
            index = index.replace(
                &format!("{quote}{name}{quote}"),
                &format!("{quote}./{name}?v={v}{quote}"),
            );
        }
    }
    let marker = "<script type=\"module\">";
    index = index.replacen(
        marker,
        &format!(
            "<script>window.runlensWorkerUrl = \"./worker_loader.js?v={v}\";</script>\n{marker}"
        ),
        1,
    );
    write("index.html", index)
}

/// The one-file app's name in `dist/`.
pub const ONE_FILE: &str = "runlens.html";

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    let _ = enc.write_all(bytes);
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                collect(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

/// Print every file of `dist` with raw and gzipped sizes, and the totals.
pub fn print_sizes(dist: &Path) -> Result {
    let mut files = Vec::new();
    collect(dist, &mut files);
    files.sort();
    let (mut raw_total, mut gz_total) = (0usize, 0usize);
    println!(
        "{:<48} {:>12} {:>12}",
        "dist file", "raw bytes", "gzip bytes"
    );
    let onefile = dist.join(ONE_FILE);
    for f in files.iter().filter(|f| **f != onefile) {
        let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let gz = gzipped_len(&bytes);
        raw_total += bytes.len();
        gz_total += gz;
        let name = f.strip_prefix(dist).unwrap_or(f).display().to_string();
        println!("{name:<48} {:>12} {:>12}", bytes.len(), gz);
    }
    println!(
        "{:<48} {raw_total:>12} {gz_total:>12}",
        "total (the served site)"
    );
    if let Ok(bytes) = std::fs::read(&onefile) {
        println!(
            "{:<48} {:>12} {:>12}",
            format!("{ONE_FILE} (one-file app, all of the above)"),
            bytes.len(),
            gzipped_len(&bytes)
        );
    }
    Ok(())
}
