//! `pogo export` (owned by the fixture-build work).

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ExportArgs {
    /// fixture.json written by `pogo design`
    pub fixture: PathBuf,
}

pub fn run(args: ExportArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("pogo export is not built yet ({})", args.fixture.display()))
}
