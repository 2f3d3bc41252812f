//! `cargo xtask test`: everything CI runs, in order, stopping at the first failure.

use std::process::Command;

use crate::{build, fixtures, run, setup, Result};

pub fn test() -> Result {
    setup::setup()?;
    run(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    fixtures::check()?;
    run(Command::new("cargo").args(["test", "--workspace"]))?;
    build::build()?;
    run(Command::new("node").args(["--test", "--test-reporter=spec", "tests/"]))
}
