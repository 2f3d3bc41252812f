//! `cargo xtask setup`: install whatever is missing, from registries only, idempotently.
//!
//! - the `wasm32-unknown-unknown` target (rustup);
//! - `trunk` pinned to [`TRUNK_VERSION`] (the newest that builds with rustc 1.95);
//! - `wasm-bindgen-cli` at exactly the `wasm-bindgen` version in Cargo.lock (`--locked` first;
//!   one of its locked dependencies is missing from the registry, so retry without);
//! - npm packages from the committed package-lock.json (`npm ci`): ECharts and playwright-core;
//! - Debian's chromium and chromium-driver for the browser tests.
//!
//! wasm-opt is deliberately skipped (`data-wasm-opt="0"` in index.html): Debian's binaryen is
//! version 108, too old for current wasm-bindgen output, and trunk must never download one.

use std::path::Path;
use std::process::Command;

use crate::{output, root, run, Result};

pub const TRUNK_VERSION: &str = "0.21.14";

/// The `wasm-bindgen` version locked in Cargo.lock.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn tool_version(tool: &str) -> Option<String> {
    output(Command::new(tool).arg("--version"))
        .map(|s| s.split_whitespace().nth(1).unwrap_or("").to_owned())
}

fn ensure_cargo_tool(binary: &str, krate: &str, version: &str) -> Result {
    if tool_version(binary).as_deref() == Some(version) {
        return Ok(());
    }
    // One build directory for every tool install: trunk and wasm-bindgen-cli share many
    // dependencies, which then compile once instead of once per tool.
    let target_dir = root().join("target/tool-builds");
    let target_dir = target_dir.to_string_lossy();
    let install = |locked: bool| {
        let mut cmd = Command::new("cargo");
        cmd.arg("install");
        if locked {
            cmd.arg("--locked");
        }
        cmd.args([krate, "--version", version, "--target-dir", &target_dir]);
        run(&mut cmd)
    };
    if install(true).is_err() {
        eprintln!("xtask: `cargo install --locked {krate}` failed; retrying without --locked");
        install(false)?;
    }
    Ok(())
}

pub fn setup() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION)?;
    ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &locked_wasm_bindgen_version()?,
    )?;
    // trunk builds with `cargo --offline`: every dependency must be in the local registry first.
    run(Command::new("cargo").args(["fetch"]))?;
    let modules = root().join("node_modules");
    let lock = root().join("package-lock.json");
    let stale = match (
        modules.join(".package-lock.json").metadata(),
        lock.metadata(),
    ) {
        (Ok(m), Ok(l)) => m.modified().ok() < l.modified().ok(),
        _ => true,
    };
    if stale {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    }
    ensure_chromium()
}

/// Debian's chromium and chromium-driver (needs root, as on the project's machines).
pub fn ensure_chromium() -> Result {
    // A build-only machine (the Pages workflow) needs no browser.
    if std::env::var_os("RUNLENS_NO_BROWSER").is_some() {
        return Ok(());
    }
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    run(Command::new("apt-get").arg("update").envs(env))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "chromium",
            "chromium-driver",
            "fonts-dejavu-core",
        ])
        .envs(env))
}
