//! `pogo tolerance fixture.json [--mc N] [--seed S] [--format json|text]`: recomputes
//! the positional tolerance analysis of a fixture (hit probability per probe, contact
//! yield, sensitivity) and, with `--mc`, a seeded Monte Carlo beside the analytic
//! figures. Exit 0, or 1 when a Monte Carlo estimate lies 4 standard errors or more
//! from the analytic probability.

use crate::progress;
use clap::{Args, ValueEnum};
use miette::IntoDiagnostic;
use pogo_fixture::{Fixture, ToleranceModel, ToleranceSummary};
use pogo_tolerance::MonteCarlo;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct ToleranceArgs {
    /// fixture.json written by `pogo design`
    pub fixture: PathBuf,
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
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: ToleranceArgs) -> miette::Result<ExitCode> {
    let mut fixture = Fixture::read(&args.fixture).into_diagnostic()?;
    let model = match &args.config {
        Some(path) => crate::config::read(path)?
            .tolerance
            .resolve_for(&fixture)
            .map_err(|e| miette::miette!("{}: {e}", path.display()))?,
        None => match &fixture.tolerance {
            Some(t) => {
                pogo_tolerance::check_model(&t.model).map_err(|e| {
                    miette::miette!("{}: tolerance.model: {e}", args.fixture.display())
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
        .map_err(|e| miette::miette!("{}: {e}", args.fixture.display()))?;
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
            .map_err(|e| miette::miette!("{}: {e}", args.fixture.display()))?;
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
        pogo_fixture::write_atomic(&args.fixture, fixture.to_json().as_bytes())
            .into_diagnostic()?;
    }
    let disagree = mc
        .as_ref()
        .map(|m| m.probes.iter().filter(|p| p.z.abs() >= 4.0).count())
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let text = json_report(&args.fixture, &fixture, &summary, mc.as_ref())?;
            out.write_all(text.as_bytes()).into_diagnostic()?;
        }
        Format::Text => text_report(&mut out, &args.fixture, &fixture, &summary, mc.as_ref())
            .into_diagnostic()?,
    }
    if args.write {
        writeln!(out, "wrote {}", args.fixture.display()).into_diagnostic()?;
    }
    Ok(if disagree > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn json_report(
    path: &Path,
    fixture: &Fixture,
    summary: &ToleranceSummary,
    mc: Option<&MonteCarlo>,
) -> miette::Result<String> {
    let probes: Vec<serde_json::Value> = fixture
        .probes
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v = serde_json::json!({
                "id": p.id,
                "net": p.net,
                "side": p.side,
                "hit_probability": p.hit_probability,
                "tip_mean_offset_mm": p.tip_mean_offset_mm,
                "tip_cov_mm2": p.tip_cov_mm2,
                "tip_contact_radius_mm": p.tip_contact_radius_mm,
            });
            if let Some(m) = mc.and_then(|m| m.probes.get(i)) {
                v["monte_carlo"] = serde_json::json!({
                    "samples": m.samples,
                    "hits": m.hits,
                    "hit_probability": m.estimate,
                    "std_error": m.std_error,
                    "z": if m.z.is_finite() { serde_json::json!(m.z) } else { serde_json::Value::Null },
                });
            }
            v
        })
        .collect();
    let report = serde_json::json!({
        "fixture": path.display().to_string(),
        "tolerance": summary,
        "probes": probes,
    });
    let mut text = serde_json::to_string_pretty(&report).into_diagnostic()?;
    text.push('\n');
    Ok(text)
}

/// A probability for people: near 1, the miss probability shows (`1 - 3.2e-9`).
fn prob(p: f64) -> String {
    if p > 0.9999 && p < 1.0 {
        format!("1 - {:.2e}", 1.0 - p)
    } else {
        format!("{p:.6}")
    }
}

fn text_report(
    out: &mut impl Write,
    path: &Path,
    fixture: &Fixture,
    s: &ToleranceSummary,
    mc: Option<&MonteCarlo>,
) -> std::io::Result<()> {
    writeln!(
        out,
        "fixture        {} ({} probes)",
        path.display(),
        fixture.probes.len()
    )?;
    writeln!(
        out,
        "datum          ({:.3}, {:.3}), span {:.3} mm: {}",
        s.datum.x, s.datum.y, s.datum.span_mm, s.datum.source
    )?;
    writeln!(
        out,
        "contact yield  {} ± {:.1e} (all probes on their pads on one insertion)",
        prob(s.contact_yield),
        s.contact_yield_std_error
    )?;
    writeln!(
        out,
        "               independent product {:.6}, expected misses per insertion {:.6}",
        s.independent_product, s.expected_misses
    )?;
    if let Some(m) = &s.contact_yield_mc {
        writeln!(
            out,
            "MC yield       {:.6} ± {:.6} ({} insertions, seed {})",
            m.contact_yield, m.std_error, m.insertions, m.seed
        )?;
    }
    writeln!(
        out,
        "worst case     max {:.4} mm at {}, {} probes off their pad",
        s.worst_case.max_offset_mm, s.worst_case.probe, s.worst_case.probes_failing
    )?;
    writeln!(
        out,
        "RSS            max {:.4} mm at {}, {} probes off their pad",
        s.rss.max_offset_mm, s.rss.probe, s.rss.probes_failing
    )?;
    writeln!(
        out,
        "\nsensitivity (each contributor halved, the rest unchanged)"
    )?;
    writeln!(
        out,
        "  {:<22} {:<10} {:>8} {:>10} {:>14} {:>11}  tolerance",
        "contributor", "law", "share", "max mm", "yield halved", "gain"
    )?;
    for r in &s.sensitivity {
        writeln!(
            out,
            "  {:<22} {:<10} {:>8.4} {:>10.5} {:>14.6} {:>+11.6}  {}",
            r.contributor,
            r.distribution,
            r.variance_share,
            r.max_offset_mm,
            r.yield_if_halved,
            r.yield_gain,
            r.tolerance
        )?;
    }
    match mc {
        Some(m) => {
            writeln!(
                out,
                "\nprobes: analytic and Monte Carlo ({} samples each)",
                m.probes.first().map(|p| p.samples).unwrap_or(0)
            )?;
            writeln!(
                out,
                "  {:<8} {:<16} {:>14} {:>14} {:>10} {:>7}",
                "probe", "net", "analytic", "monte carlo", "std err", "z"
            )?;
            for (p, probe) in m.probes.iter().zip(&fixture.probes) {
                writeln!(
                    out,
                    "  {:<8} {:<16} {:>14} {:>14} {:>10.2e} {:>7.2}",
                    p.id,
                    probe.net,
                    prob(p.analytic),
                    prob(p.estimate),
                    p.std_error,
                    p.z
                )?;
            }
            let bad = m.probes.iter().filter(|p| p.z.abs() >= 4.0).count();
            writeln!(
                out,
                "{bad} of {} probes differ by 4 standard errors or more",
                m.probes.len()
            )?;
        }
        None => {
            writeln!(out, "\nweakest probes")?;
            writeln!(
                out,
                "  {:<8} {:<16} {:>14} {:>10} {:>10} {:>10}  dominant",
                "probe", "net", "hit prob", "margin", "worst", "rss"
            )?;
            for w in &s.weakest_probes {
                writeln!(
                    out,
                    "  {:<8} {:<16} {:>14} {:>10.4} {:>10.4} {:>10.4}  {}",
                    w.id,
                    w.net,
                    prob(w.hit_probability),
                    w.margin_mm,
                    w.worst_case_offset_mm,
                    w.rss_offset_mm,
                    w.dominant_contributor
                )?;
            }
        }
    }
    Ok(())
}
