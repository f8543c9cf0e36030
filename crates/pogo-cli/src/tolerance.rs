//! `pogo tolerance fixture.json [--mc N] [--seed S] [--format json|text]`: recomputes
//! the positional tolerance analysis of a fixture (hit probability per probe, contact
//! yield, sensitivity) and, with `--mc`, a seeded Monte Carlo beside the analytic
//! figures. Exit 0, or 1 when a Monte Carlo estimate lies 4 standard errors or more
//! from the analytic probability.

use crate::args::{DesignedFixture, TextOrJson};
use crate::progress;
use clap::Args;
use miette::IntoDiagnostic;
use pogo_fixture::{Fixture, ToleranceModel};
use pogo_tolerance::report::Report;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ToleranceArgs {
    #[command(flatten)]
    pub file: DesignedFixture,
    /// Monte Carlo samples per probe (and insertions for the yield, at most
    /// 10^8 probe samples in all); 0 or absent: analytic only
    #[arg(long, value_name = "N")]
    pub mc: Option<u64>,
    /// Seed of the Monte Carlo (default: the model's seed)
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Take the contributors from this pogo.toml's [tolerance] table instead of the
    /// model stored in the fixture
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Write the recomputed figures back into the fixture file
    #[arg(long)]
    pub write: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

pub fn run(args: ToleranceArgs) -> miette::Result<ExitCode> {
    let mut fixture = Fixture::read(&args.file.fixture).into_diagnostic()?;
    let model = match &args.config {
        Some(path) => crate::config::read(path)?
            .tolerance
            .resolve_for(&fixture)
            .map_err(|e| miette::miette!("{}: {e}", path.display()))?,
        None => match &fixture.tolerance {
            Some(t) => {
                pogo_tolerance::check_model(&t.model).map_err(|e| {
                    miette::miette!("{}: tolerance.model: {e}", args.file.fixture.display())
                })?;
                t.model.clone()
            }
            None => ToleranceModel::default(),
        },
    };
    let spinner = progress::spinner(&format!(
        "tolerance analysis of {} probes",
        fixture.probes.len()
    ));
    let mut summary = pogo_tolerance::analyse_with_model(&mut fixture, &model)
        .map_err(|e| miette::miette!("{}: {e}", args.file.fixture.display()))?;
    spinner.finish_and_clear();
    let samples = args.mc.unwrap_or(0);
    let seed = args.seed.unwrap_or(model.seed);
    let mc = if samples > 0 {
        let n = fixture.probes.len().max(1) as u64;
        let insertions = samples.min((100_000_000 / n).max(1_000));
        let spinner = progress::spinner(&format!(
            "Monte Carlo: {samples} samples per probe, {insertions} insertions"
        ));
        let mc = pogo_tolerance::monte_carlo(&fixture, &model, samples, insertions, seed)
            .map_err(|e| miette::miette!("{}: {e}", args.file.fixture.display()))?;
        spinner.finish_and_clear();
        summary.contact_yield_mc = Some(mc.contact_yield.clone());
        if let Some(t) = fixture.tolerance.as_mut() {
            t.contact_yield_mc = Some(mc.contact_yield.clone());
        }
        Some(mc)
    } else {
        None
    };
    if args.write {
        pogo_fixture::write_atomic(&args.file.fixture, fixture.to_json().as_bytes())
            .into_diagnostic()?;
    }
    let report = Report {
        path: &args.file.fixture,
        fixture: &fixture,
        summary: &summary,
        monte_carlo: mc.as_ref(),
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        TextOrJson::Json => {
            let text = report.to_json().into_diagnostic()?;
            out.write_all(text.as_bytes()).into_diagnostic()?;
        }
        TextOrJson::Text => report.write_text(&mut out).into_diagnostic()?,
    }
    if args.write {
        writeln!(out, "wrote {}", args.file.fixture.display()).into_diagnostic()?;
    }
    Ok(if report.disagreeing_probes() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
