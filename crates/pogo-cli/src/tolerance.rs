//! `pogo tolerance` (owned by the tolerance work).

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ToleranceArgs {
    /// fixture.json written by `pogo design`
    pub fixture: PathBuf,
}

pub fn run(args: ToleranceArgs) -> miette::Result<ExitCode> {
    Err(miette::miette!("pogo tolerance is not built yet ({})", args.fixture.display()))
}
