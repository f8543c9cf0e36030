//! `pogo diff FIXTURE.json NEW_BOARD`: what a fixture keeps, moves, adds and removes on
//! a new revision of its board, and the plate and wiring work that costs
//! (`pogo_design::revision`). Also the reuse design behind `pogo design --reuse`.

use crate::args::TextOrJson;
use crate::design::{BoardInputs, load_inputs, stdout_error};
use clap::Args;
use miette::IntoDiagnostic;
use pogo_design::revision::{self, RevisionOptions};
use pogo_fixture::Fixture;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct DiffArgs {
    /// The fixture.json designed for an earlier revision of the board
    pub fixture: PathBuf,
    // The new revision of the board, its pogo.toml and catalog.
    #[command(flatten)]
    pub inputs: BoardInputs,
    /// A probe stays in its hole when its target moved at most this far, mm
    #[arg(long, default_value_t = revision::DEFAULT_POSITION_TOLERANCE_MM)]
    pub tolerance_mm: f64,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

pub fn run(args: DiffArgs) -> miette::Result<ExitCode> {
    let old = Fixture::read(&args.fixture).into_diagnostic()?;
    let inputs = load_inputs(&args.inputs)?;
    let options = RevisionOptions {
        position_tolerance_mm: args.tolerance_mm,
    };
    let (_, diff) = revision::diff_board(
        &old,
        &inputs.board,
        &inputs.catalog,
        &inputs.config.config.design,
        &options,
    )
    .map_err(|e| miette::miette!("{e}"))?;
    let text = match args.format {
        TextOrJson::Json => {
            let mut t = serde_json::to_string_pretty(&diff).into_diagnostic()?;
            t.push('\n');
            t
        }
        TextOrJson::Text => diff.to_text(),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
