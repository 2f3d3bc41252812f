//! The `runlens` binary as scripts see it: output shape and exit codes.

use std::process::Command;

fn runlens(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_runlens"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn fixture(rel: &str) -> String {
    format!("{}/../../fixtures/demo/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn summary_of_the_demo_archive() {
    let (code, out, _) = runlens(&["summary", &fixture("demo-runs.tar.gz")]);
    assert_eq!(code, 0);
    assert!(out.starts_with("runs: 3  points: 12  skipped: 0"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("3667 "))
        .expect("G1 run line");
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cells,
        ["3667", "G1", "1P/4D", "20", "1024/1024", "3", "128"]
    );
}

#[test]
fn exit_codes() {
    assert_eq!(runlens(&[]).0, 2, "no command");
    assert_eq!(runlens(&["summary"]).0, 2, "no path");
    assert_eq!(
        runlens(&["summary", "/nonexistent/path"]).0,
        2,
        "missing path"
    );
    let (code, out, _) = runlens(&["summary", &fixture("expected.json")]);
    assert_eq!(code, 1, "no runs in a file that is not a result: {out}");
}
