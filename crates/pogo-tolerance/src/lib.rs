//! pogo-tolerance: positional tolerance of a fixture. For every probe, the
//! probability that its tip's whole contact circle lands inside the pad's exposed
//! copper; for the fixture, the contact yield (all probes at once, on one insertion),
//! deterministic worst-case and RSS stacks, the weakest probes and a sensitivity table.
//!
//! The model and its conventions are described in `docs/tolerance.md`. In short:
//! contributors (probe pointing from the IDI formula, receptacle clearance, plate
//! drill position and scale, tooling pin clearance and tooling hole position, pad
//! registration, thermal expansion) are plus/minus figures at 3 sigma (or uniform
//! half-widths); the tip offset of each probe is a 2-D normal whose covariance depends
//! on the probe's place (rotation and scale act about a datum). Hit probabilities are
//! computed by a boundary integral ([`probability_in_region`]) and cross-checked by a
//! seeded Monte Carlo ([`monte_carlo`]).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut fixture = pogo_fixture::Fixture::read("fixture.json".as_ref())?;
//! let summary = pogo_tolerance::analyse(&mut fixture, &pogo_tolerance::ToleranceConfig::default())?;
//! println!("contact yield {:.4}", summary.contact_yield);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]
// Small fixed-size matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

mod config;
mod fastmath;
mod geom;
mod integrate;
mod model;
mod near;
mod normal;
mod prob;
pub mod report;

pub use config::{ToleranceConfig, check_model, tooling_pin_clearance_mm};
pub use geom::{Piece, Pt, Region, shape_polygon};
pub use model::{CONTRIBUTORS, contributor_names, idi_pointing_accuracy_mm};
pub use prob::{Cov, erf, erfc, probability_in_region};

use model::Model;
use pogo_fixture::{
    Distribution, Fixture, MonteCarloYield, OffsetStack, Sensitivity, ToleranceDatum,
    ToleranceModel, ToleranceSummary, WeakProbe,
};
use rayon::prelude::*;

/// Bad `[tolerance]` settings or a fixture the analysis cannot read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToleranceError {
    /// `plate_process` is not `cnc`, `laser` or `print3d`.
    #[error("[tolerance] plate_process `{found}` is not known (expected one of {expected})")]
    UnknownProcess {
        /// What the settings said.
        found: String,
        /// The known processes.
        expected: String,
    },
    /// `uniform` names something that is not a contributor.
    #[error(
        "[tolerance] uniform names `{found}`, which is not a contributor (expected one of {expected})"
    )]
    UnknownContributor {
        /// The name given.
        found: String,
        /// The contributors' names.
        expected: String,
    },
    /// A figure out of its range (negative, not finite, too many points...).
    #[error("[tolerance] {name} = {value} is out of range (expected {expected})")]
    BadValue {
        /// The setting.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The range it must lie in.
        expected: &'static str,
    },
    /// A probe's part is not in the fixture's `parts`.
    #[error("probe {probe} uses part `{part}`, which the fixture's parts list does not hold")]
    MissingPart {
        /// The probe's id.
        probe: String,
        /// The part it names.
        part: String,
    },
    /// A probe's place or its pad's figures are not finite (or absurdly large).
    #[error("probe {probe}: {what} is not a finite number within ±1e6 mm")]
    NotFinite {
        /// The probe's id.
        probe: String,
        /// Which figure.
        what: &'static str,
    },
}

/// The crate's result, [`ToleranceError`] by default.
pub type Result<T, E = ToleranceError> = std::result::Result<T, E>;

/// Runs the analysis with the `[tolerance]` settings and writes the results into the
/// fixture: per probe `hit_probability`, `tip_mean_offset_mm`, `tip_cov_mm2`,
/// `tip_contact_radius_mm`, and the fixture's `tolerance` summary (also returned).
/// The tooling pin clearance is the fixture's own unless the settings give one
/// ([`ToleranceConfig::resolve_for`]).
pub fn analyse(fixture: &mut Fixture, config: &ToleranceConfig) -> Result<ToleranceSummary> {
    Ok(analysis(fixture, config)?.write_into(fixture))
}

/// [`analyse_with_model`] with a resolved model (as stored in `fixture.json`).
pub fn analyse_with_model(fixture: &mut Fixture, tm: &ToleranceModel) -> Result<ToleranceSummary> {
    Ok(analysis_with_model(fixture, tm)?.write_into(fixture))
}

/// What [`analyse`] finds, before it is written into the fixture: the analysis reads
/// the fixture only, so it can run while other stages read the same fixture (the
/// design pipeline runs it beside the board strain model).
#[derive(Debug, Clone)]
pub struct Analysis {
    probes: Vec<ProbeFigures>,
    summary: ToleranceSummary,
}

/// One probe's figures of an [`Analysis`].
#[derive(Debug, Clone)]
struct ProbeFigures {
    hit_probability: f64,
    tip_mean_offset_mm: [f64; 2],
    tip_cov_mm2: [[f64; 2]; 2],
    tip_contact_radius_mm: f64,
}

impl Analysis {
    /// The fixture's tolerance summary.
    pub fn summary(&self) -> &ToleranceSummary {
        &self.summary
    }

    /// Writes the results into the fixture analysed (or one with the same probes):
    /// per probe `hit_probability`, `tip_mean_offset_mm`, `tip_cov_mm2`,
    /// `tip_contact_radius_mm`, and the `tolerance` summary (also returned).
    pub fn write_into(self, fixture: &mut Fixture) -> ToleranceSummary {
        for (probe, r) in fixture.probes.iter_mut().zip(self.probes) {
            probe.hit_probability = Some(r.hit_probability);
            probe.tip_mean_offset_mm = Some(r.tip_mean_offset_mm);
            probe.tip_cov_mm2 = Some(r.tip_cov_mm2);
            probe.tip_contact_radius_mm = Some(r.tip_contact_radius_mm);
        }
        fixture.tolerance = Some(self.summary.clone());
        self.summary
    }
}

/// The analysis of [`analyse`], the fixture left as it is.
pub fn analysis(fixture: &Fixture, config: &ToleranceConfig) -> Result<Analysis> {
    let model = config.resolve_for(fixture)?;
    analysis_with_model(fixture, &model)
}

/// [`analysis`] with a resolved model (as stored in `fixture.json`).
pub fn analysis_with_model(fixture: &Fixture, tm: &ToleranceModel) -> Result<Analysis> {
    check_model(tm)?;
    let prepared = prepare(fixture, tm)?;
    let m = &prepared.model;
    let n = m.probes.len();
    // Per-probe marginal results.
    let per: Vec<PerProbe> = (0..n)
        .into_par_iter()
        .map(|i| per_probe(m, i, tm.seed))
        .collect();
    let probes = per
        .iter()
        .map(|r| ProbeFigures {
            hit_probability: round_sig(r.hit, 12),
            tip_mean_offset_mm: [round_sig(r.mean.x, 9), round_sig(r.mean.y, 9)],
            tip_cov_mm2: r.cov.map(|row| row.map(|v| round_sig(v, 9))),
            tip_contact_radius_mm: r.contact_radius_mm,
        })
        .collect();
    // Sensitivity uses a quarter of the points, base and halved on the same points
    // (common random numbers): the difference is precise, the cost 9 x smaller. The
    // base on those points is the head of the full run (the same Halton points).
    let sens_points = (tm.yield_points / 4).max(64);
    let ((contact_yield, se), base_small) = if n == 0 {
        ((1.0, 0.0), 1.0)
    } else {
        integrate::contact_yield_and_head(m, tm.yield_points, sens_points, tm.seed)
    };
    // Sensitivity: each contributor halved, same quasi-random points.
    let variance_share = {
        let mut s = [0.0; 8];
        for r in &per {
            let tr: f64 = r.contrib_trace.iter().sum();
            if tr > 0.0 {
                for c in 0..8 {
                    s[c] += r.contrib_trace[c] / tr;
                }
            }
        }
        s.map(|v| if n > 0 { v / n as f64 } else { 0.0 })
    };
    let mut uniform = model::uniform_flags(tm);
    let mut figures = contributor_figures(tm);
    if let Some(n) = model::nest_registration(fixture) {
        uniform[4] = true;
        figures[4] = format!(
            "{} mm pocket clearance (uniform: the board lies where it dropped)",
            fmt(n.clearance_mm)
        );
        figures[5] = format!("±{} mm board outline (fab)", fmt(n.outline_tolerance_mm));
    }
    let names = model::contributor_names(fixture);
    let mut sensitivity = Vec::with_capacity(8);
    for (c, name) in names.iter().enumerate() {
        let max_offset = per.iter().map(|r| r.extents[c]).fold(0.0, f64::max);
        let yield_if_halved = if max_offset == 0.0 || n == 0 {
            contact_yield
        } else {
            let mut scale = [1.0; 8];
            scale[c] = 0.5;
            let half = model::build(
                fixture,
                tm,
                &prepared.datum,
                prepared.pair,
                &prepared.regions,
                &scale,
            );
            let half_small = integrate::contact_yield(&half, sens_points, tm.seed).0;
            (contact_yield + half_small - base_small).clamp(0.0, 1.0)
        };
        sensitivity.push(Sensitivity {
            contributor: *name,
            distribution: if c == model::THERMAL {
                Distribution::Systematic
            } else if uniform[c] {
                Distribution::Uniform
            } else {
                Distribution::Normal
            },
            tolerance: figures[c].clone(),
            variance_share: round_sig(variance_share[c], 6),
            max_offset_mm: round_sig(max_offset, 6),
            yield_if_halved: round_sig(yield_if_halved, 9),
            yield_gain: round_sig(yield_if_halved - contact_yield, 6),
        });
    }
    let mut order: Vec<usize> = (0..n).collect();
    // Probabilities equal to 12 digits (all but certain hits) rank by margin in sigmas.
    let key = |r: &PerProbe| {
        let sigma = (r.cov[0][0].max(r.cov[1][1])).sqrt().max(1e-9);
        (round_sig(r.hit, 12), r.margin / sigma)
    };
    order.sort_by(|&a, &b| {
        let (ka, kb) = (key(&per[a]), key(&per[b]));
        ka.0.total_cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(a.cmp(&b))
    });
    let weakest_probes = order
        .iter()
        .take(10)
        .map(|&i| {
            let r = &per[i];
            let dom = (0..8)
                .max_by(|&a, &b| r.contrib_trace[a].total_cmp(&r.contrib_trace[b]))
                .unwrap_or(0);
            WeakProbe {
                id: fixture.probes[i].id.clone(),
                net: fixture.probes[i].net.clone(),
                hit_probability: round_sig(r.hit, 12),
                margin_mm: round_sig(r.margin, 6),
                worst_case_offset_mm: round_sig(r.worst_case, 6),
                rss_offset_mm: round_sig(r.rss, 6),
                dominant_contributor: names[dom],
            }
        })
        .collect();
    let stack = |f: &dyn Fn(&PerProbe) -> f64| {
        let mut s = OffsetStack::default();
        for (i, r) in per.iter().enumerate() {
            let v = f(r);
            if v > s.max_offset_mm || s.probe.is_empty() {
                s.max_offset_mm = round_sig(v, 6);
                s.probe = fixture.probes[i].id.clone();
            }
            if v > r.margin {
                s.probes_failing += 1;
            }
        }
        s
    };
    let summary = ToleranceSummary {
        contact_yield: round_sig(contact_yield, 9),
        contact_yield_std_error: round_sig(se, 3),
        contact_yield_method: format!(
            "randomized quasi-Monte Carlo over the shared board shift, rotation and plate scale ({} Halton points, 8 random shifts, seed {}), per-probe conditional hit probabilities multiplied",
            (tm.yield_points / 8).max(8) * 8,
            tm.seed
        ),
        independent_product: round_sig(per.iter().map(|r| r.hit).product::<f64>(), 9),
        expected_misses: round_sig(per.iter().map(|r| 1.0 - r.hit).sum::<f64>(), 9),
        contact_yield_mc: None,
        model: tm.clone(),
        datum: prepared.datum.clone(),
        sensitivity,
        weakest_probes,
        worst_case: stack(&|r| r.worst_case),
        rss: stack(&|r| r.rss),
    };
    Ok(Analysis { probes, summary })
}

/// Monte Carlo cross-check of one probe.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeMonteCarlo {
    /// The probe's id.
    pub id: String,
    /// Its analytic hit probability.
    pub analytic: f64,
    /// Samples whose tip landed on the pad.
    pub hits: u64,
    /// Samples drawn.
    pub samples: u64,
    /// hits / samples.
    pub estimate: f64,
    /// Standard error of `estimate` (binomial, see [`mc_z`]).
    pub std_error: f64,
    /// (estimate - analytic) / std_error, with a continuity correction ([`mc_z`]).
    pub z: f64,
}

/// Monte Carlo of every probe (`samples` each) and of `insertions` whole insertions,
/// seeded (ChaCha8 streams; the result does not depend on the thread count).
#[derive(Debug, Clone, PartialEq)]
pub struct MonteCarlo {
    /// One cross-check per probe, in the fixture's order.
    pub probes: Vec<ProbeMonteCarlo>,
    /// The whole insertions: how many touched every pad.
    pub contact_yield: MonteCarloYield,
}

/// Runs the Monte Carlo cross-check on a fixture (model as given).
pub fn monte_carlo(
    fixture: &Fixture,
    tm: &ToleranceModel,
    samples: u64,
    insertions: u64,
    seed: u64,
) -> Result<MonteCarlo> {
    check_model(tm)?;
    let prepared = prepare(fixture, tm)?;
    let m = &prepared.model;
    let probes = (0..m.probes.len())
        .map(|i| {
            let law = integrate::tip_law(m, &m.probes[i]);
            let analytic =
                integrate::hit_probability(&m.probes[i], &law, tm.seed.wrapping_add(i as u64));
            let hits = if samples == 0 {
                0
            } else {
                integrate::mc_probe(m, i, &law, samples, seed)
            };
            let estimate = if samples == 0 {
                f64::NAN
            } else {
                hits as f64 / samples as f64
            };
            let (se, z) = mc_z(analytic, estimate, samples);
            ProbeMonteCarlo {
                id: fixture.probes[i].id.clone(),
                analytic,
                hits,
                samples,
                estimate,
                std_error: se,
                z,
            }
        })
        .collect();
    let good = if insertions == 0 {
        0
    } else {
        integrate::mc_yield(m, insertions, seed)
    };
    let y = good as f64 / insertions.max(1) as f64;
    Ok(MonteCarlo {
        probes,
        contact_yield: MonteCarloYield {
            insertions,
            seed,
            contact_yield: y,
            std_error: (y * (1.0 - y) / insertions.max(1) as f64).sqrt(),
        },
    })
}

/// Standard error and z score of a Monte Carlo estimate against the analytic value:
/// the binomial standard error from the larger of the two variances (the estimate's
/// own when the analytic probability is all but certain), and the difference less
/// half a sample (continuity correction: one rare miss is not a disagreement).
pub fn mc_z(analytic: f64, estimate: f64, samples: u64) -> (f64, f64) {
    let n = samples.max(1) as f64;
    let var = (analytic * (1.0 - analytic)).max(estimate * (1.0 - estimate));
    let se = (var / n).sqrt();
    let diff = ((estimate - analytic).abs() - 0.5 / n).max(0.0);
    let z = if diff == 0.0 {
        0.0
    } else if se > 0.0 {
        (diff / se).copysign(estimate - analytic)
    } else {
        f64::INFINITY
    };
    (se, z)
}

/// Monte Carlo hit counts of the given probes only (benchmarks): `samples` each.
pub fn monte_carlo_hits(
    fixture: &Fixture,
    tm: &ToleranceModel,
    probes: &[usize],
    samples: u64,
    seed: u64,
) -> Result<Vec<u64>> {
    let prepared = prepare(fixture, tm)?;
    let m = &prepared.model;
    Ok(probes
        .iter()
        .map(|&i| {
            let law = integrate::tip_law(m, &m.probes[i]);
            integrate::mc_probe(m, i, &law, samples, seed)
        })
        .collect())
}

/// The analytic hit probability of every probe (no yield or sensitivity): the figure
/// the benchmarks time.
pub fn hit_probabilities(fixture: &Fixture, tm: &ToleranceModel) -> Result<Vec<f64>> {
    let prepared = prepare(fixture, tm)?;
    let m = &prepared.model;
    Ok((0..m.probes.len())
        .into_par_iter()
        .map(|i| per_probe(m, i, tm.seed).hit)
        .collect())
}

struct Prepared {
    model: Model,
    datum: ToleranceDatum,
    pair: Option<(Pt, Pt)>,
    regions: Vec<Region>,
}

fn prepare(fixture: &Fixture, tm: &ToleranceModel) -> Result<Prepared> {
    for p in &fixture.probes {
        let part = fixture
            .part(&p.part)
            .ok_or_else(|| ToleranceError::MissingPart {
                probe: p.id.clone(),
                part: p.part.clone(),
            })?;
        // The largest coordinate of the pad's exposed copper (0 when it has none).
        let exposed = p
            .target
            .exposed
            .iter()
            .flat_map(|poly| poly.holes.iter().chain([&poly.outer]))
            .flatten()
            .map(|q| q.x.abs().max(q.y.abs()))
            .fold(0.0, f64::max);
        for (what, v) in [
            ("x", p.x),
            ("y", p.y),
            ("target place", p.target.x.abs() + p.target.y.abs()),
            ("target size", p.target.w + p.target.h),
            ("exposed copper", exposed),
            ("tip_contact_radius_mm", part.tip_contact_radius_mm),
        ] {
            // Beyond a kilometre no figure is a real one (as fixture.json's reader
            // holds), and a 1e300 mm pad would keep the integration busy for ever.
            if !v.is_finite() || v.abs() > pogo_fixture::MAX_FIGURE {
                return Err(ToleranceError::NotFinite {
                    probe: p.id.clone(),
                    what,
                });
            }
        }
    }
    let regions: Vec<Region> = fixture
        .probes
        .par_iter()
        .map(|p| {
            let r = fixture
                .part(&p.part)
                .map(|part| part.tip_contact_radius_mm)
                .unwrap_or(0.0);
            Region::for_target(&p.target, r)
        })
        .collect();
    let (datum, pair) = choose_datum(fixture);
    let model = model::build(fixture, tm, &datum, pair, &regions, &[1.0; 8]);
    Ok(Prepared {
        model,
        datum,
        pair,
        regions,
    })
}

/// The datum: the two tooling pins farthest apart (with the suggested tooling holes
/// when there are fewer than two pins); before the fixture has tooling, the two
/// farthest-apart non-plated board holes (then any holes); failing those, the outline
/// box centre with the box's longer side as the locating span.
fn choose_datum(f: &Fixture) -> (ToleranceDatum, Option<(Pt, Pt)>) {
    let farthest = |pts: &[Pt]| -> Option<(Pt, Pt)> {
        let mut best: Option<(f64, Pt, Pt)> = None;
        for i in 0..pts.len() {
            for j in i + 1..pts.len() {
                let d = (pts[i] - pts[j]).norm();
                if d > 0.0 && best.is_none_or(|b| d > b.0) {
                    best = Some((d, pts[i], pts[j]));
                }
            }
        }
        best.map(|b| (b.1, b.2))
    };
    if model::nest_registration(f).is_some() {
        return outline_box_datum(
            f,
            "nest: the board is located by its outline; the outline box centre, rotation over the box's longer side",
        );
    }
    let pins: Vec<Pt> = f.tooling.iter().map(|t| Pt::new(t.x, t.y)).collect();
    let npth: Vec<Pt> = f
        .board
        .holes
        .iter()
        .filter(|h| !h.plated)
        .map(|h| Pt::new(h.x, h.y))
        .collect();
    let any: Vec<Pt> = f.board.holes.iter().map(|h| Pt::new(h.x, h.y)).collect();
    let planned: Vec<Pt> = pins
        .iter()
        .copied()
        .chain(f.tooling_suggestions.iter().map(|t| Pt::new(t.x, t.y)))
        .collect();
    let candidates = [
        (pins, "tooling pins"),
        (
            planned,
            "tooling pins and suggested tooling holes (the board has too few usable holes)",
        ),
        (
            npth,
            "no tooling pins in the fixture yet: the two farthest-apart non-plated board holes, taken as tooling holes",
        ),
        (
            any,
            "no tooling pins in the fixture yet: the two farthest-apart board holes, taken as tooling holes",
        ),
    ];
    for (pts, words) in candidates {
        if let Some((a, b)) = farthest(&pts) {
            let c = (a + b) * 0.5;
            return (
                ToleranceDatum {
                    x: round_sig(c.x, 9),
                    y: round_sig(c.y, 9),
                    span_mm: round_sig((b - a).norm(), 9),
                    source: format!(
                        "{words} at ({:.3}, {:.3}) and ({:.3}, {:.3})",
                        a.x, a.y, b.x, b.y
                    ),
                },
                Some((a, b)),
            );
        }
    }
    outline_box_datum(
        f,
        "no tooling pins or board holes: the outline box centre, with locating holes assumed at the ends of its longer side",
    )
}

/// The outline box centre as the datum, the box's longer side as the locating span.
fn outline_box_datum(f: &Fixture, source: &str) -> (ToleranceDatum, Option<(Pt, Pt)>) {
    let [l, t, r, b] = f.outline_box_or_probes();
    let c = Pt::new((l + r) / 2.0, (t + b) / 2.0);
    let (a, e) = if r - l >= b - t {
        (Pt::new(l, c.y), Pt::new(r, c.y))
    } else {
        (Pt::new(c.x, t), Pt::new(c.x, b))
    };
    (
        ToleranceDatum {
            x: round_sig(c.x, 9),
            y: round_sig(c.y, 9),
            span_mm: round_sig((e - a).norm(), 9),
            source: source.to_string(),
        },
        Some((a, e)),
    )
}

struct PerProbe {
    hit: f64,
    mean: Pt,
    cov: Cov,
    contact_radius_mm: f64,
    contrib_trace: [f64; 8],
    extents: [f64; 8],
    worst_case: f64,
    rss: f64,
    margin: f64,
}

fn per_probe(m: &Model, i: usize, seed: u64) -> PerProbe {
    let p = &m.probes[i];
    let law = integrate::tip_law(m, p);
    let hit = integrate::hit_probability(p, &law, seed.wrapping_add(i as u64));
    let covs = model::contributor_covs(m, p);
    let extents = model::contributor_extents(m, p);
    let random: Vec<f64> = extents[..model::THERMAL].to_vec();
    PerProbe {
        hit,
        mean: law.mean,
        cov: law.total_cov(),
        contact_radius_mm: p.contact_radius_mm,
        contrib_trace: covs.map(|c| c[0][0] + c[1][1]),
        worst_case: p.mean.norm() + random.iter().sum::<f64>(),
        rss: p.mean.norm() + random.iter().map(|v| v * v).sum::<f64>().sqrt(),
        extents,
        margin: p.region.margin(p.pos),
    }
}

fn contributor_figures(tm: &ToleranceModel) -> [String; 8] {
    [
        format!(
            "IDI e = c (0.625 a/b + 0.125) per part, x {}",
            fmt(tm.pointing_scale)
        ),
        format!("{} mm diametral clearance", fmt(tm.receptacle_clearance_mm)),
        format!(
            "±{} mm ({})",
            fmt(tm.plate_drill_position_mm),
            tm.plate_process
        ),
        format!("±{} ppm ({})", fmt(tm.plate_scale_ppm), tm.plate_process),
        format!(
            "{} mm diametral clearance",
            fmt(tm.tooling_pin_clearance_mm)
        ),
        format!("±{} mm", fmt(tm.tooling_hole_position_mm)),
        format!("±{} mm", fmt(tm.pad_registration_mm)),
        format!(
            "board {} ppm/K x {} K, plate {} ppm/K x {} K",
            fmt(tm.board_cte_ppm_per_k),
            fmt(tm.board_delta_t_k),
            fmt(tm.plate_cte_ppm_per_k),
            fmt(tm.plate_delta_t_k)
        ),
    ]
}

fn fmt(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Rounds to `digits` significant digits (stable JSON text across platforms).
fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let e = v.abs().log10().floor() as i32;
    let k = 10f64.powi(digits - 1 - e);
    if !k.is_finite() || k == 0.0 {
        return v;
    }
    (v * k).round() / k
}
