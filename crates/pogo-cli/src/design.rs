//! `pogo design` and `pogo check` (owned by the probe-layout work).

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct DesignArgs {
    /// Board file (.kicad_pcb, .d356; plain, .gz or .xz)
    pub board: PathBuf,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Board file (.kicad_pcb, .d356; plain, .gz or .xz)
    pub board: PathBuf,
}

pub fn run_design(args: DesignArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("pogo design is not built yet ({})", args.board.display()))
}

pub fn run_check(args: CheckArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("pogo check is not built yet ({})", args.board.display()))
}
