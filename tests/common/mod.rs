//! Helpers shared by the tests that run the `lever` binary (each test file
//! uses a part of them).
#![allow(dead_code)]

pub mod libreoffice;

use std::process::{Command, Output};

/// Runs `lever` with `args` from the project folder.
pub fn lever(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lever"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("lever runs")
}

/// What the run printed on stdout.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What the run printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
