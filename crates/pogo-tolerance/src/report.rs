//! What `pogo tolerance` prints, made here so that a Rust user gets the same report as
//! the command line: the analysis of a fixture ([`ToleranceSummary`], each probe's
//! figures, the Monte Carlo cross-check when one was run) as text tables
//! ([`Report::write_text`]) or JSON ([`Report::to_json`]).

use crate::MonteCarlo;
use pogo_fixture::{Fixture, ToleranceSummary};
use pogo_geom::Side;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The tolerance analysis of one fixture file, ready to print.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The fixture file the analysis is of (named in the report).
    pub path: &'a Path,
    /// The fixture, its probes carrying their hit probabilities and tip laws.
    pub fixture: &'a Fixture,
    /// The fixture-wide figures.
    pub summary: &'a ToleranceSummary,
    /// The Monte Carlo cross-check, when one was run.
    pub monte_carlo: Option<&'a MonteCarlo>,
}

/// The JSON report: the file, the summary and every probe.
#[derive(Serialize)]
struct JsonReport<'a> {
    fixture: String,
    tolerance: &'a ToleranceSummary,
    probes: Vec<JsonProbe<'a>>,
}

/// One probe of the JSON report (`null` for a figure the analysis did not give).
#[derive(Serialize)]
struct JsonProbe<'a> {
    id: &'a str,
    net: &'a str,
    side: Side,
    hit_probability: Option<f64>,
    tip_mean_offset_mm: Option<[f64; 2]>,
    tip_cov_mm2: Option<[[f64; 2]; 2]>,
    tip_contact_radius_mm: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    monte_carlo: Option<JsonMonteCarlo>,
}

/// A probe's Monte Carlo figures in the JSON report (`z` is `null` when not finite).
#[derive(Serialize)]
struct JsonMonteCarlo {
    samples: u64,
    hits: u64,
    hit_probability: f64,
    std_error: f64,
    z: Option<f64>,
}

impl Report<'_> {
    /// How many probes' Monte Carlo estimates lie 4 standard errors or more from their
    /// analytic probability (0 without a Monte Carlo).
    pub fn disagreeing_probes(&self) -> usize {
        self.monte_carlo
            .map(|m| m.probes.iter().filter(|p| p.z.abs() >= 4.0).count())
            .unwrap_or(0)
    }

    /// The report as pretty JSON text, ending in a newline: `fixture` (the path),
    /// `tolerance` (the summary) and `probes` (each probe's figures, with
    /// `monte_carlo` when one was run); keys in alphabetical order at every level.
    pub fn to_json(&self) -> serde_json::Result<String> {
        let probes = self
            .fixture
            .probes
            .iter()
            .enumerate()
            .map(|(i, p)| JsonProbe {
                id: &p.id,
                net: &p.net,
                side: p.side,
                hit_probability: p.hit_probability,
                tip_mean_offset_mm: p.tip_mean_offset_mm,
                tip_cov_mm2: p.tip_cov_mm2,
                tip_contact_radius_mm: p.tip_contact_radius_mm,
                monte_carlo: self.monte_carlo.and_then(|m| m.probes.get(i)).map(|m| {
                    JsonMonteCarlo {
                        samples: m.samples,
                        hits: m.hits,
                        hit_probability: m.estimate,
                        std_error: m.std_error,
                        z: m.z.is_finite().then_some(m.z),
                    }
                }),
            })
            .collect();
        let report = JsonReport {
            fixture: self.path.display().to_string(),
            tolerance: self.summary,
            probes,
        };
        // Through a JSON value, whose maps keep their keys sorted.
        let mut text = serde_json::to_string_pretty(&serde_json::to_value(&report)?)?;
        text.push('\n');
        Ok(text)
    }

    /// The report as text: the yield and the deterministic stacks, the sensitivity
    /// table, then the Monte Carlo beside the analytic figure of each probe, or the
    /// weakest probes without a Monte Carlo.
    pub fn write_text(&self, out: &mut impl Write) -> std::io::Result<()> {
        let s = self.summary;
        writeln!(
            out,
            "fixture        {} ({} probes)",
            self.path.display(),
            self.fixture.probes.len()
        )?;
        writeln!(
            out,
            "datum          ({:.3}, {:.3}), span {:.3} mm: {}",
            s.datum.x, s.datum.y, s.datum.span_mm, s.datum.source
        )?;
        writeln!(
            out,
            "contact yield  {} ± {:.1e} (all probes on their pads on one insertion)",
            probability_text(s.contact_yield),
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
        for (name, stack) in [("worst case", &s.worst_case), ("RSS", &s.rss)] {
            writeln!(
                out,
                "{name:<15}max {:.4} mm at {}, {} probes off their pad",
                stack.max_offset_mm, stack.probe, stack.probes_failing
            )?;
        }
        self.write_sensitivity(out)?;
        match self.monte_carlo {
            Some(m) => self.write_monte_carlo(out, m),
            None => self.write_weakest(out),
        }
    }

    fn write_sensitivity(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "\nsensitivity (each contributor halved, the rest unchanged)"
        )?;
        writeln!(
            out,
            "  {:<22} {:<10} {:>8} {:>10} {:>14} {:>11}  tolerance",
            "contributor", "law", "share", "max mm", "yield halved", "gain"
        )?;
        for r in &self.summary.sensitivity {
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
        Ok(())
    }

    fn write_monte_carlo(&self, out: &mut impl Write, m: &MonteCarlo) -> std::io::Result<()> {
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
        for (p, probe) in m.probes.iter().zip(&self.fixture.probes) {
            writeln!(
                out,
                "  {:<8} {:<16} {:>14} {:>14} {:>10.2e} {:>7.2}",
                p.id,
                probe.net,
                probability_text(p.analytic),
                probability_text(p.estimate),
                p.std_error,
                p.z
            )?;
        }
        writeln!(
            out,
            "{} of {} probes differ by 4 standard errors or more",
            self.disagreeing_probes(),
            m.probes.len()
        )
    }

    fn write_weakest(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "\nweakest probes")?;
        writeln!(
            out,
            "  {:<8} {:<16} {:>14} {:>10} {:>10} {:>10}  dominant",
            "probe", "net", "hit prob", "margin", "worst", "rss"
        )?;
        for w in &self.summary.weakest_probes {
            writeln!(
                out,
                "  {:<8} {:<16} {:>14} {:>10.4} {:>10.4} {:>10.4}  {}",
                w.id,
                w.net,
                probability_text(w.hit_probability),
                w.margin_mm,
                w.worst_case_offset_mm,
                w.rss_offset_mm,
                w.dominant_contributor
            )?;
        }
        Ok(())
    }
}

/// A probability for people: near 1, the miss probability shows (`1 - 3.2e-9`).
pub fn probability_text(p: f64) -> String {
    if p > 0.9999 && p < 1.0 {
        format!("1 - {:.2e}", 1.0 - p)
    } else {
        format!("{p:.6}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_near_one_show_the_miss() {
        assert_eq!(probability_text(0.5), "0.500000");
        assert_eq!(probability_text(1.0 - 3.2e-9), "1 - 3.20e-9");
        assert_eq!(probability_text(1.0), "1.000000");
    }
}
