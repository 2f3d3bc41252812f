//! `cargo xtask`: every piece of project automation, in Rust so it runs the same everywhere.
//!
//! - `setup`    install what is missing, from registries only (idempotent)
//! - `build`    build the static site into `dist/` and print file sizes
//! - `serve`    setup + build + serve `dist/` on 127.0.0.1
//! - `test`     everything CI runs: fmt, clippy, unit tests, wasm build, browser end-to-end tests
//! - `bench`    throughput benchmarks against the budgets (`--full`: 1 GB and the browser test)
//! - `fixtures` regenerate the committed synthetic runs under `fixtures/` with their ground truth

#![recursion_limit = "256"]

mod bench;
mod build;
mod fixtures;
mod onefile;
mod serve;
mod setup;
mod test;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Run a command in the workspace root, echoing it; fail with its status.
pub fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| format!("{}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed with {status}", describe(cmd)))
    }
}

/// Output of a command, if it ran and succeeded.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.current_dir(root()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().into_owned())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

const USAGE: &str =
    "usage: cargo xtask <setup|build|serve [--port N]|test|bench [--full]|fixtures>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(),
        Some("build") => setup::setup().and_then(|_| build::build()),
        Some("serve") => setup::setup()
            .and_then(|_| build::build())
            .and_then(|_| serve::serve(&args[1..])),
        Some("test") => test::test(),
        Some("bench") => bench::bench(&args[1..]),
        Some("fixtures") => fixtures::command(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
