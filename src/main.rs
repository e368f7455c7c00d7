//! The `lever` binary: parses arguments and hands over to the command line.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    lever::cli::run(lever::cli::Args::parse())
}
