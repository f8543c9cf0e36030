//! `pogo board ...` (owned by the board-reader work).

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum BoardCommand {}

pub fn run(cmd: BoardCommand) -> miette::Result<ExitCode> {
    match cmd {}
}
