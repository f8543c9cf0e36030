//! `pogo qc ...` (owned by the quality-control work).

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum QcCommand {}

pub fn run(cmd: QcCommand) -> miette::Result<ExitCode> {
    match cmd {}
}
