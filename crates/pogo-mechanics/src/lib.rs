//! pogo-mechanics: turns a probe layout into a fixture that can be built.
//!
//! In: a [`Fixture`] with its probes chosen (`pogo-design`), a [`MechanicsConfig`]
//! (`[mechanics]` and `[interface]` of `pogo.toml`) and the catalog. Out: the same
//! fixture with its mechanics filled:
//! - `stackup` and `set_height_mm`: per probed side, plate, receptacle press depths,
//!   board support, lid and push fingers, relief pockets; every probe compressed to its
//!   part's working travel, refused when any probe would lie outside 60-80% of its full
//!   travel ([`stackup`]); dual-level (staged) contact with long-travel parts;
//! - per probe `working_travel_fraction`, `force_n`, `receptacle`, `channel`;
//! - `tooling[]`: guide pins in the board's non-plated holes, or suggested places
//!   ([`tooling`]);
//! - `force`: spring force per side and the board strain from a plate model on its push
//!   fingers, with suggested supports when over the limit ([`strain`], [`plate`]);
//! - `channels`: interface channel per probe ([`channels`]).
//!
//! No I/O, deterministic. The central call is [`build`].
#![warn(missing_docs)]

pub(crate) mod channels;
pub mod clamshell;
pub mod config;
pub mod geom;
pub mod nest;
pub mod offset;
pub mod plate;
pub(crate) mod stackup;
pub mod strain;
pub(crate) mod tooling;

pub use config::{InterfaceConfig, MechanicsConfig, MechanicsSettings, NestSettings, NetGroup};
pub use stackup::{MAX_FRACTION, MIN_FRACTION};

use pogo_catalog::Catalog;
use pogo_fixture::Fixture;
use std::collections::BTreeMap;

/// Why the mechanics cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MechanicsError {
    /// A probe's compression at the set height lies outside 60-80% of its full travel.
    #[error(
        "probe {probe} ({part}, {side} side) would be compressed {compression_mm:.2} mm, {pct:.1}% of its {full_travel_mm:.2} mm full travel at set height {set_height_mm:.2} mm: the stack-up must keep every probe within 60-80% (press its receptacle to another depth, change the set height or the part)",
        pct = fraction * 100.0
    )]
    TravelOutOfRange {
        /// Probe id.
        probe: String,
        /// Its part.
        part: String,
        /// Its side.
        side: String,
        /// Compression over full travel.
        fraction: f64,
        /// Its compression.
        compression_mm: f64,
        /// Its part's full travel.
        full_travel_mm: f64,
        /// The side's set height.
        set_height_mm: f64,
    },
    /// A probe's part is in neither the fixture nor the catalog.
    #[error("probe {probe} uses part `{part}`, which neither fixture.json nor the catalog lists")]
    UnknownPart {
        /// Probe id.
        probe: String,
        /// The unknown part id.
        part: String,
    },
    /// A part's receptacle is in neither the fixture nor the catalog.
    #[error(
        "part `{part}` needs receptacle `{receptacle}`, which neither fixture.json nor the catalog lists"
    )]
    UnknownReceptacle {
        /// Part id.
        part: String,
        /// The unknown receptacle id.
        receptacle: String,
    },
    /// No set height lets the probes of a side reach the board.
    #[error(
        "{side} side: the probes (first {probe}) are too short for any set height (computed {set_height_mm:.2} mm)"
    )]
    TooShort {
        /// The side.
        side: String,
        /// The first probe too short.
        probe: String,
        /// The set height computed.
        set_height_mm: f64,
    },
    /// Dual-level contact needs a long-travel part the catalog lacks.
    #[error(
        "dual-level contact: probe {probe} needs a {class} part with at least {needed_working_travel_mm:.2} mm working travel (to touch at the first stage), and the catalog has none; add a long-travel {class} part to your catalog"
    )]
    NoLongTravelPart {
        /// Probe id.
        probe: String,
        /// Its probe class.
        class: String,
        /// The working travel it needs.
        needed_working_travel_mm: f64,
    },
    /// Dual-level contact: a first-stage probe is compressed too little.
    #[error(
        "dual-level contact: probe {probe} ({part}) would be compressed only {stage1_compression_mm:.2} mm at the first stage (at least {min_mm:.2} mm needed)"
    )]
    Stage1 {
        /// Probe id.
        probe: String,
        /// Its part.
        part: String,
        /// Its compression at the first stage.
        stage1_compression_mm: f64,
        /// The least compression needed.
        min_mm: f64,
    },
    /// The interface has fewer channels than there are probes.
    #[error("the interface has {channels} channels for {probes} probes")]
    TooFewChannels {
        /// The interface's channels.
        channels: u32,
        /// The probes.
        probes: usize,
    },
    /// A setting out of its range.
    #[error("{field}: {message}")]
    Config {
        /// The setting.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The strain model cannot be solved.
    #[error("board strain: {0}")]
    Strain(String),
}

/// A result of the mechanics.
pub type Result<T, E = MechanicsError> = std::result::Result<T, E>;

/// What the engineer should read besides the fixture itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MechanicsReport {
    /// Findings worth a line each (tooling, strain, pockets), in a stable order.
    pub notes: Vec<String>,
}

/// Fills the fixture's mechanics with the built-in catalog for long-travel parts.
pub fn build(fixture: &mut Fixture, config: &MechanicsConfig) -> Result<MechanicsReport> {
    build_with_catalog(fixture, config, &Catalog::builtin())
}

/// Fills the fixture's mechanics; `catalog` supplies long-travel parts for dual-level
/// contact (the fixture's own parts are used first). On error the fixture is unchanged.
pub fn build_with_catalog(
    fixture: &mut Fixture,
    config: &MechanicsConfig,
    catalog: &Catalog,
) -> Result<MechanicsReport> {
    build_alongside(fixture, config, catalog, |_| ()).map(|(report, ())| report)
}

/// [`build_with_catalog`], running `alongside` on the fixture as registered (stack-up,
/// tooling pins or nest) while the board strain model solves, on another thread when
/// one is free: the design pipeline's tolerance analysis, which reads the registration
/// and nothing the strain model, the channels or the clamshell write. `alongside` does
/// not run when the stack-up or the registration fails.
pub fn build_alongside<R: Send>(
    fixture: &mut Fixture,
    config: &MechanicsConfig,
    catalog: &Catalog,
    alongside: impl FnOnce(&Fixture) -> R + Send,
) -> Result<(MechanicsReport, R)> {
    let s = &config.mechanics;
    let mut fx = fixture.clone();
    let mut report = MechanicsReport::default();
    apply_part_heights(&mut fx, s)?;
    let (stackup, states) = stackup::build(&mut fx, s, catalog)?;
    for (p, st) in fx.probes.iter_mut().zip(&states) {
        p.working_travel_fraction = Some(st.fraction);
        p.force_n = Some(st.force_n);
    }
    let receptacles: BTreeMap<String, String> = fx
        .parts
        .iter()
        .map(|p| (p.id.clone(), p.receptacle.clone()))
        .collect();
    for p in &mut fx.probes {
        p.receptacle = receptacles.get(&p.part).cloned();
    }
    for side in &stackup.sides {
        for pocket in &side.relief_pockets {
            report.notes.push(format!(
                "{} side: part {} needs a {} relief pocket {:.2} mm deep in the probe plate",
                side.side.as_str(),
                pocket.reference,
                if pocket.through { "through" } else { "blind" },
                pocket.depth_mm
            ));
        }
    }
    // The primary set height: the side with the most probes.
    fx.set_height_mm = stackup
        .sides
        .iter()
        .max_by_key(|st| {
            (
                st.levels.iter().map(|l| l.probes).sum::<usize>(),
                st.side == pogo_geom::Side::Bottom,
            )
        })
        .map(|st| st.set_height_mm);
    fx.stackup = Some(stackup);
    // Registration: tooling pins, or a nest cut to the outline.
    register(&mut fx, config, &mut report);
    // Force and strain.
    let forces: Vec<f64> = states.iter().map(|st| st.force_n).collect();
    let mut total_n = pogo_fixture::BySide::default();
    for (p, f) in fx.probes.iter().zip(&forces) {
        *total_n.entry(p.side) += f;
    }
    let (strained, beside) = rayon::join(
        || (!fx.probes.is_empty()).then(|| strain::analyse(&fx, &forces, s)),
        || alongside(&fx),
    );
    let mut force = match strained {
        Some(Ok(f)) => f,
        Some(Err(msg)) => {
            report
                .notes
                .push(format!("board strain not computed: {msg}"));
            pogo_fixture::ForceSummary {
                limit_ue: s.strain_limit_ue,
                ..Default::default()
            }
        }
        None => pogo_fixture::ForceSummary {
            limit_ue: s.strain_limit_ue,
            ..Default::default()
        },
    };
    force.total_n = total_n;
    if force.exceeded {
        report.notes.push(match force.strain_with_suggestions_ue {
            Some(e) => format!(
                "board strain {:.0} µε exceeds the {:.0} µε limit; {} more push finger{} bring it to {:.0} µε (see force.suggested_supports)",
                force.max_strain_ue,
                force.limit_ue,
                force.suggested_supports.len(),
                if force.suggested_supports.len() == 1 { "" } else { "s" },
                e
            ),
            None => format!("board strain {:.0} µε exceeds the {:.0} µε limit and no further push finger lowers it", force.max_strain_ue, force.limit_ue),
        });
    }
    if let Some(o) = &force.over_limit {
        report.notes.push(format!(
            "board strain stays over the limit at ({:.1}, {:.1}) mm, {:.1} mm from the nearest support: move probe{} {} ({:.1} N within {:.1} mm of the peak) nearer a support or to the other side{}",
            force.max_strain_at[0],
            force.max_strain_at[1],
            o.nearest_support_mm,
            if o.probes_to_move.len() == 1 { "" } else { "s" },
            if o.probes_to_move.is_empty() { "(none nearby)".to_string() } else { o.probes_to_move.join(", ") },
            o.force_n,
            o.radius_mm,
            if o.parts_without_height.is_empty() {
                String::new()
            } else {
                format!(
                    "; or give the heights of {} in [mechanics.part_heights_mm] so push fingers may press their bodies",
                    o.parts_without_height.join(", ")
                )
            }
        ));
    }
    let limit_n = s.push_finger_max_load_n;
    let over: Vec<&pogo_fixture::Support> = force
        .supports
        .iter()
        .filter(|p| limit_n > 0.0 && p.reaction_n > limit_n)
        .collect();
    if let Some(most) = over
        .iter()
        .max_by(|a, b| a.reaction_n.total_cmp(&b.reaction_n))
    {
        report.notes.push(format!(
            "{} push finger{} carry more than {:.0} N with no free spot nearby to share it (most: {:.1} N at ({:.1}, {:.1}) mm, {} face)",
            over.len(),
            if over.len() == 1 { "" } else { "s" },
            limit_n,
            most.reaction_n,
            most.x,
            most.y,
            most.side.as_str()
        ));
    }
    fx.force = Some(force);
    // Channels.
    let channels = channels::assign(&fx, &config.interface)?;
    let by_probe: BTreeMap<&str, u32> = channels
        .assignments
        .iter()
        .map(|a| (a.probe.as_str(), a.channel))
        .collect();
    for p in &mut fx.probes {
        p.channel = by_probe.get(p.id.as_str()).copied();
    }
    fx.channels = Some(channels);
    if config.mechanism == pogo_fixture::Mechanism::Clamshell {
        build_clamshell(&mut fx, config, &mut report)?;
    }
    *fixture = fx;
    Ok((report, beside))
}

/// The hinged clamshell (`mechanism = "clamshell"`): parts, hinge rule, hardware,
/// interference check and assembly steps.
fn build_clamshell(
    fx: &mut Fixture,
    config: &MechanicsConfig,
    report: &mut MechanicsReport,
) -> Result<()> {
    config
        .clamshell
        .validate()
        .map_err(|(field, message)| MechanicsError::Config { field, message })?;
    if fx.probes.is_empty() {
        report
            .notes
            .push("clamshell: not built, the fixture has no probes".to_string());
        return Ok(());
    }
    let cannot = |message: String| MechanicsError::Config {
        field: "mechanism".into(),
        message: format!("cannot build the clamshell: {message}"),
    };
    let nested = fx
        .registration
        .as_ref()
        .is_some_and(|r| r.kind == pogo_fixture::RegistrationKind::Nest);
    if nested {
        let seat =
            clamshell::nest_seat(fx, &config.clamshell, &config.mechanics).map_err(cannot)?;
        nest::build(fx, &config.mechanics.nest, seat);
        nest_note(fx, report);
    }
    let c = clamshell::build(fx, &config.clamshell, &config.mechanics).map_err(cannot)?;
    report.notes.push(format!(
        "clamshell: {} parts, hinge rule {} ({}), {} interference finding{}, swing path {}",
        c.parts.len(),
        match c.hinge.status {
            pogo_fixture::HingeStatus::Met => "met",
            pogo_fixture::HingeStatus::Refused => "refused",
        },
        c.hinge.reason,
        c.interference.len(),
        if c.interference.len() == 1 { "" } else { "s" },
        match c.swing.as_ref().map_or(0, |w| w.findings.len()) {
            0 => "clear".to_string(),
            n => format!("{n} finding{}", if n == 1 { "" } else { "s" }),
        }
    ));
    fx.clamshell = Some(c);
    Ok(())
}

/// Sets the body heights of `[mechanics.part_heights_mm]` on the board's parts (they
/// override the board file's); a reference the board does not have is refused.
fn apply_part_heights(fx: &mut Fixture, s: &MechanicsSettings) -> Result<()> {
    for (reference, &h) in &s.part_heights_mm {
        let field = || format!("mechanics.part_heights_mm.{reference}");
        if !(h.is_finite() && h > 0.0) {
            return Err(MechanicsError::Config {
                field: field(),
                message: format!("expected a positive height in mm, found {h}"),
            });
        }
        let mut found = false;
        for p in fx
            .board
            .parts
            .iter_mut()
            .filter(|p| &p.reference == reference)
        {
            p.height_mm = Some(h);
            found = true;
        }
        if !found {
            return Err(MechanicsError::Config {
                field: field(),
                message: format!("expected a part reference of the board; it has no {reference}"),
            });
        }
    }
    Ok(())
}

/// Tooling pins in the board's holes, or the nest (`registration.kind`); an `auto`
/// registration whose holes prove unusable once the probes are placed falls back to a
/// nest.
fn register(fx: &mut Fixture, config: &MechanicsConfig, report: &mut MechanicsReport) {
    use pogo_fixture::{RegistrationKind, RegistrationRequest};
    let s = &config.mechanics;
    let nest = fx
        .registration
        .as_ref()
        .is_some_and(|r| r.kind == RegistrationKind::Nest);
    if !nest {
        let choice = tooling::choose(fx, s);
        let fall_back = choice.pins.len() < 2
            && !fx.board.outline.is_empty()
            && fx
                .registration
                .as_ref()
                .is_some_and(|r| r.requested == RegistrationRequest::Auto);
        if !fall_back {
            fx.tooling = choice.pins;
            fx.tooling_suggestions = choice.suggestions;
            if let Some(note) = choice.note {
                report.notes.push(note);
            }
            return;
        }
        if let Some(r) = fx.registration.as_mut() {
            r.kind = RegistrationKind::Nest;
            r.reason = format!(
                "auto: fewer than two of the board's holes can take a tooling pin once the probes are placed ({}), so a nest cut to the outline holds it",
                choice.note.unwrap_or_default()
            );
            r.rules.push(pogo_fixture::KindRule {
                rule: pogo_fixture::RuleId::NestClearance,
                value_mm: r.clearance_mm,
                why: "pocket = outline offset outward by this (the edge rule above was set for tooling pins: a probe hole that cuts the pocket wall is a nest_probe_hole violation)".into(),
            });
        }
    }
    fx.tooling.clear();
    fx.tooling_suggestions.clear();
    // In a clamshell the nest lies on the lower plate, through which the push
    // fingers pass: it is drawn with the clamshell, once they are placed.
    if config.mechanism == pogo_fixture::Mechanism::Clamshell && !fx.probes.is_empty() {
        return;
    }
    nest::build(fx, &s.nest, nest::NestSeat::Free);
    nest_note(fx, report);
}

/// The nest's line in the report.
fn nest_note(fx: &Fixture, report: &mut MechanicsReport) {
    if let Some(n) = fx.registration.as_ref().and_then(|r| r.nest.as_ref()) {
        report.notes.push(format!(
            "nest: pocket {:.2} mm deep, {} probe clearance hole{}, {} relief{}, finger notch at ({:.1}, {:.1})",
            n.pocket_depth_mm,
            n.probe_holes.len(),
            if n.probe_holes.len() == 1 { "" } else { "s" },
            n.reliefs.len(),
            if n.reliefs.len() == 1 { "" } else { "s" },
            n.finger_notch[0],
            n.finger_notch[1]
        ));
    }
}
