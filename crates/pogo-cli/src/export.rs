//! `pogo export fixture.json --out DIR [--kerf-mm K]`: regenerates every output file
//! from a `fixture.json` alone (the fixture file is the single source of truth).

use crate::args::DesignedFixture;
use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub file: DesignedFixture,
    /// Output directory (created when missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Laser kerf width to compensate in the DXF and SVG plate drawings, mm
    #[arg(long, value_name = "K", default_value_t = 0.0)]
    pub kerf_mm: f64,
}

pub fn run(args: ExportArgs) -> miette::Result<ExitCode> {
    let fixture = pogo_fixture::Fixture::read(&args.file.fixture).into_diagnostic()?;
    let opts = pogo_output::OutputOptions {
        kerf_mm: args.kerf_mm,
        ..pogo_output::OutputOptions::default()
    };
    let spinner = crate::progress::spinner("writing fixture files");
    let mut written = pogo_output::write_all(&fixture, &args.out, &opts)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot export {}", args.file.fixture.display()))?;
    // Keep a copy of the source of truth beside the files made from it.
    let json_path = args.out.join("fixture.json");
    let same = match (
        std::fs::canonicalize(&json_path),
        std::fs::canonicalize(&args.file.fixture),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        pogo_fixture::write_atomic(&json_path, fixture.to_json().as_bytes()).into_diagnostic()?;
        written.insert(0, json_path);
    }
    spinner.finish_and_clear();
    let mut out = std::io::stdout().lock();
    for path in &written {
        use std::io::Write as _;
        writeln!(out, "{}", path.display()).into_diagnostic()?;
    }
    Ok(ExitCode::SUCCESS)
}
