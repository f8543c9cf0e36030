//! The installation and verification checklist of a designed fixture, step by step,
//! with each pin's expected values, as Markdown, HTML or a fillable CSV.
//!
//! Expected values come from the fixture (set height, probe force and working
//! travel once the mechanics are filled) and otherwise from the catalog part
//! (`full_travel_mm`, `working_travel_mm`, `spring_force_n`,
//! `max_contact_resistance_mohm`) and its receptacle (`seating_depth_mm`), with the
//! ranges of [`Limits`].

use crate::fmt_fixed;
use crate::measurements::{Limits, stackup_of};
use pogo_fixture::Fixture;
use serde::Serialize;
use std::collections::BTreeMap;

/// Cycles of the compress-and-release run (the seeds: 50-100).
pub const CYCLING_RUN: u32 = 100;

/// What one pin should measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PinExpectation {
    /// Probe id.
    pub pin: String,
    /// Net the probe contacts.
    pub net: String,
    /// `top` or `bottom`.
    pub side: String,
    /// Probe position, mm (KiCad page coordinates).
    pub x: f64,
    /// Probe position, mm (KiCad page coordinates, y down).
    pub y: f64,
    /// Catalog part of the probe.
    pub part: String,
    /// Receptacle it plugs into.
    pub receptacle: Option<String>,
    /// Receptacle collar depth below the plate top face, mm.
    pub seating_depth_mm: Option<f64>,
    /// Allowed deviation of the seating depth, mm.
    pub seating_tolerance_mm: f64,
    /// Set height: probe plate top face to the probed board face when closed, mm,
    /// once the mechanics are computed.
    pub set_height_mm: Option<f64>,
    /// Free tip height above the plate top face, mm (from the stack-up).
    pub free_tip_height_mm: Option<f64>,
    /// Full plunger travel, mm.
    pub full_travel_mm: Option<f64>,
    /// Working travel: the fixture's fraction of full travel, else the part's.
    pub working_travel_mm: Option<f64>,
    /// Allowed compression range at the set height, mm.
    pub compression_min_mm: Option<f64>,
    /// Largest allowed compression at the set height, mm.
    pub compression_max_mm: Option<f64>,
    /// Largest allowed contact resistance, mOhm.
    pub max_contact_resistance_mohm: f64,
    /// Nominal spring force at working travel, N.
    pub force_nominal_n: Option<f64>,
    /// Smallest allowed spring force, N.
    pub force_min_n: Option<f64>,
    /// Largest allowed spring force, N.
    pub force_max_n: Option<f64>,
}

/// Incoming inspection of one part's batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchSample {
    /// Catalog part.
    pub part: String,
    /// Probes of the part in the fixture.
    pub quantity: usize,
    /// Probes to test from the batch (5-10, all of a smaller batch).
    pub sample_size: usize,
}

/// One step of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Step number, from 1.
    pub number: usize,
    /// What the step is.
    pub title: String,
    /// What to do, one checkbox each.
    pub instructions: Vec<String>,
}

/// The whole checklist of one fixture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionPlan {
    /// The board file the fixture was designed from.
    pub board: String,
    /// Probes in the fixture.
    pub probes: usize,
    /// Incoming inspection per part.
    pub batches: Vec<BatchSample>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Each pin's expected values, in natural pin order.
    pub pins: Vec<PinExpectation>,
    /// What could not be planned (parts not described, no set height).
    pub notes: Vec<String>,
}

/// Builds the checklist of a fixture.
pub fn inspection_plan(fixture: &Fixture, limits: &Limits) -> InspectionPlan {
    let mut notes = Vec::new();
    let mut pins = Vec::new();
    let mut missing_parts = Vec::new();
    for p in &fixture.probes {
        let part = fixture.part(&p.part);
        if part.is_none() {
            missing_parts.push(p.part.clone());
        }
        let (side, level) = stackup_of(fixture, p);
        let receptacle = p
            .receptacle
            .clone()
            .or_else(|| level.map(|l| l.receptacle.clone()))
            .or_else(|| part.map(|x| x.receptacle.clone()));
        let seating = receptacle
            .as_deref()
            .and_then(|r| fixture.receptacle(r))
            .map(|r| r.seating_depth_mm);
        let seating = limits
            .seating_depth
            .nominal_mm
            .or(level.map(|l| l.seating_depth_mm))
            .or(seating);
        let full = limits
            .compression
            .full_travel_mm
            .or_else(|| part.map(|x| x.full_travel_mm));
        let working = match (p.working_travel_fraction, full, part) {
            (Some(f), Some(full), _) => Some(f * full),
            _ => level
                .map(|l| l.compression_mm)
                .or_else(|| part.map(|x| x.working_travel_mm)),
        };
        let r_max = limits
            .contact_resistance
            .max_mohm
            .or_else(|| part.map(|x| x.max_contact_resistance_mohm))
            .unwrap_or(limits.contact_resistance.unknown_part_max_mohm);
        let force = limits
            .spring_force
            .nominal_n
            .or(p.force_n)
            .or(level.map(|l| l.force_n))
            .or_else(|| part.map(|x| x.force_at_travel_n(working.unwrap_or(x.working_travel_mm))));
        let tol = limits.spring_force.tolerance_fraction;
        pins.push(PinExpectation {
            pin: p.id.clone(),
            net: p.net.clone(),
            side: format!("{:?}", p.side).to_lowercase(),
            x: p.x,
            y: p.y,
            part: p.part.clone(),
            receptacle,
            seating_depth_mm: seating,
            seating_tolerance_mm: limits.seating_depth.tolerance_mm,
            set_height_mm: side.map(|s| s.set_height_mm).or(fixture.set_height_mm),
            free_tip_height_mm: level.map(|l| l.tip_height_mm),
            full_travel_mm: full,
            working_travel_mm: working,
            compression_min_mm: full.map(|f| f * limits.compression.min_fraction),
            compression_max_mm: full.map(|f| f * limits.compression.max_fraction),
            max_contact_resistance_mohm: r_max,
            force_nominal_n: force,
            force_min_n: force.map(|f| f * (1.0 - tol)),
            force_max_n: force.map(|f| f * (1.0 + tol)),
        });
    }
    pins.sort_by_key(|p| pogo_text::natural_key(&p.pin));
    missing_parts.sort();
    missing_parts.dedup();
    if !missing_parts.is_empty() {
        notes.push(format!(
            "parts not described in the fixture: {} (default limits used)",
            missing_parts.join(", ")
        ));
    }
    if fixture.set_height_mm.is_none() && fixture.stackup.is_none() {
        notes.push("set height not computed yet (mechanics not filled in fixture.json)".into());
    }
    let mut per_part: BTreeMap<String, usize> = BTreeMap::new();
    for p in &fixture.probes {
        *per_part.entry(p.part.clone()).or_default() += 1;
    }
    let batches: Vec<BatchSample> = per_part
        .into_iter()
        .map(|(part, quantity)| BatchSample {
            sample_size: quantity.min(quantity.div_ceil(10).clamp(5, 10)),
            part,
            quantity,
        })
        .collect();

    let c = &limits.compression;
    let h = &limits.height;
    let t = &limits.tilt;
    let r = &limits.contact_resistance;
    let steps = vec![
        Step {
            number: 1,
            title: "Incoming inspection of probes".into(),
            instructions: vec![
                format!(
                    "From each batch, test the sample size below ({}): spring force at working travel, contact resistance, and fit in the receptacle.",
                    batches.iter().map(|b| format!("{} x{} -> {}", b.part, b.quantity, b.sample_size)).collect::<Vec<_>>().join("; ")
                ),
                format!(
                    "Force within +/-{:.0} % of the part's force at working travel; resistance at most the part's maximum. Reject the batch or test it fully if a sample fails.",
                    limits.spring_force.tolerance_fraction * 100.0
                ),
            ],
        },
        Step {
            number: 2,
            title: "Press the receptacles".into(),
            instructions: vec![
                "Press each receptacle square into the probe plate until the collar seats.".into(),
                format!(
                    "Measure the seating depth of every receptacle: expected value per pin below, +/-{} mm. Reseat any outside.",
                    fmt_fixed(limits.seating_depth.tolerance_mm, 3)
                ),
            ],
        },
        Step {
            number: 3,
            title: "Insert the probes and check contact resistance".into(),
            instructions: vec![
                "Insert every probe fully into its receptacle.".into(),
                format!(
                    "At working travel, measure each pin's contact resistance (4-wire): at most the limit below (typically 10-50 mOhm); marginal above {:.0} % of it. Clean and remeasure a marginal pin; replace a pin above the limit.",
                    r.marginal_fraction * 100.0
                ),
            ],
        },
        Step {
            number: 4,
            title: "Set height and compression".into(),
            instructions: vec![
                format!(
                    "Close the fixture on a board and measure each plunger's compression: within {:.0}-{:.0} % of full travel (range per pin below; about 2/3 of full travel is the target). Adjust the set height or plate spacing if not.",
                    c.min_fraction * 100.0,
                    c.max_fraction * 100.0
                ),
            ],
        },
        Step {
            number: 5,
            title: "Cycling".into(),
            instructions: vec![
                format!(
                    "Compress and release each pin {CYCLING_RUN} times (50-100). Record its return height at cycle 0 and cycle {CYCLING_RUN}, and its contact resistance at both."
                ),
                format!(
                    "Reject a pin whose return is slow or uneven (tip more than {} mm short of its first height) or whose resistance rose more than {} mOhm.",
                    fmt_fixed(limits.return_height.max_loss_mm, 3),
                    fmt_fixed(r.max_rise_mohm, 1)
                ),
            ],
        },
        Step {
            number: 6,
            title: "Vibration".into(),
            instructions: vec![
                "Vibrate the closed fixture at 20-50 Hz while pressing a board; record the contact resistance of every channel.".into(),
                "Scan the recording for intermittent contact: `pogo qc discontinuity TRACE --threshold-ohm 10 --min-duration-us 1` (EIA-364-46). Any event fails the pin's channel: reseat or replace.".into(),
            ],
        },
        Step {
            number: 7,
            title: "Final assembly".into(),
            instructions: vec![
                format!(
                    "Measure the tip height of every pin: the spread across one plate at most {} mm (each pin within +/-{} mm of the plate median).",
                    fmt_fixed(h.max_spread_mm, 3),
                    fmt_fixed(h.max_spread_mm / 2.0, 3)
                ),
                format!(
                    "Check tilt: each pin at most {} deg; the plane through the tip heights at most {} deg.",
                    fmt_fixed(t.max_deg, 2),
                    fmt_fixed(t.plate_max_deg, 3)
                ),
                "Check continuity of every net under pressure.".into(),
                "Evaluate the filled-in sheet: `pogo qc evaluate SHEET.csv --fixture fixture.json`.".into(),
            ],
        },
    ];
    InspectionPlan {
        board: fixture.board.file.clone(),
        probes: fixture.probes.len(),
        batches,
        steps,
        pins,
        notes,
    }
}
