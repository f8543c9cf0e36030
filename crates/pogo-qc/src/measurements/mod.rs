//! Measurement verdicts: a measurement CSV, limits from the catalog part (and an
//! optional `limits.toml`), and a verdict per pin with reasons and actions, plus
//! set-level checks across the pins of one plate.
//!
//! CSV columns: `pin`, `kind`, `value`, `unit`, optional `cycle`, `timestamp`,
//! `lot`, `station` (other columns are ignored, so a filled-in inspection plan CSV
//! can be evaluated directly). Kinds and their quantities:
//!
//! | kind                 | quantity                                               | unit          |
//! |----------------------|--------------------------------------------------------|---------------|
//! | `contact_resistance` | resistance of the pin's contact                        | mohm, mΩ, ohm, Ω |
//! | `spring_force`       | force at working travel                                | N, gf         |
//! | `compression_height` | plunger compression (travel) at the set height         | mm, um, µm    |
//! | `seating_depth`      | receptacle collar depth below the plate top face       | mm, um, µm    |
//! | `return_height`      | tip height after release (cycling run)                 | mm, um, µm    |
//! | `height`             | tip height above the plate (set uniformity)            | mm, um, µm    |
//! | `tilt`               | tilt of the pin axis from the plate normal             | deg, °        |
//!
//! A sheet written by `pogo qc inspection-plan --format csv` (it has a `step` column)
//! can be evaluated as it is: its rows left without a value were not measured and are
//! skipped. In any other file a row without a value is an error.
//!
//! The module in order: `sheet` reads the CSV, `limits` holds the [`Limits`] and what
//! the fixture says about a pin, `pin_checks` judges one pin's readings, `set_checks`
//! the pins of a plate together, and `evaluate` runs these phases in turn.

mod evaluate;
mod limits;
mod pin_checks;
mod set_checks;
mod sheet;

pub use evaluate::{evaluate, evaluate_sheet};
pub(crate) use limits::stackup_of;
pub use limits::{
    CompressionLimits, ForceLimits, HeightLimits, Limits, ResistanceLimits, ReturnLimits,
    SeatingLimits, TiltLimits,
};
/// Natural order of pin ids (`P2` < `P10`), from pogo-text.
pub use pogo_text::natural_key;
pub use set_checks::plane_tilt_deg;
pub use sheet::{read_measurement_sheet, read_measurements};

use crate::RowError;
use crate::units::Quantity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Pin verdict, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Within the limits, clear of the marginal bands.
    Pass,
    /// Within the limits but inside a marginal band.
    Marginal,
    /// Outside the limits.
    Fail,
}

impl Verdict {
    /// The name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Marginal => "marginal",
            Verdict::Fail => "fail",
        }
    }
}

/// What the seeds tell the fixture builder to do, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Clean the tip and the pad (contamination, oxide).
    Clean,
    /// Reseat the probe or press the receptacle home.
    Reseat,
    /// Adjust the set height, plate spacing or pin height.
    Adjust,
    /// Replace the probe.
    Replace,
}

impl Action {
    /// The name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Action::Clean => "clean",
            Action::Reseat => "reseat",
            Action::Adjust => "adjust",
            Action::Replace => "replace",
        }
    }
}

/// What a measurement row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Resistance of the pin's contact.
    ContactResistance,
    /// Spring force at working travel.
    SpringForce,
    /// Plunger compression (travel) at the set height.
    CompressionHeight,
    /// Receptacle collar depth below the plate top face.
    SeatingDepth,
    /// Tip height after release (cycling run).
    ReturnHeight,
    /// Tip height above the plate (set uniformity).
    Height,
    /// Tilt of the pin axis from the plate normal.
    Tilt,
}

impl Kind {
    /// Every kind, in the order of the table above.
    pub const ALL: [Kind; 7] = [
        Kind::ContactResistance,
        Kind::SpringForce,
        Kind::CompressionHeight,
        Kind::SeatingDepth,
        Kind::ReturnHeight,
        Kind::Height,
        Kind::Tilt,
    ];
    /// The kind named `s` (as in CSV and JSON, any case), `None` for an unknown name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s.trim().to_ascii_lowercase())
    }
    /// The name, as in CSV and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::ContactResistance => "contact_resistance",
            Kind::SpringForce => "spring_force",
            Kind::CompressionHeight => "compression_height",
            Kind::SeatingDepth => "seating_depth",
            Kind::ReturnHeight => "return_height",
            Kind::Height => "height",
            Kind::Tilt => "tilt",
        }
    }
    /// The quantity a reading of this kind is (resistance, force, length, angle).
    pub fn quantity(self) -> Quantity {
        match self {
            Kind::ContactResistance => Quantity::Resistance,
            Kind::SpringForce => Quantity::Force,
            Kind::Tilt => Quantity::Angle,
            _ => Quantity::Length,
        }
    }
}

/// One measurement row, its value converted to the canonical unit of its quantity
/// (mOhm, N, mm, deg).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// 1-based line in the CSV file.
    pub line: u64,
    /// The pin (probe id of the fixture).
    pub pin: String,
    /// What was measured.
    pub kind: Kind,
    /// Value in the canonical unit (`Kind::quantity().canonical_unit()`).
    pub value: f64,
    /// Value as written.
    pub value_as_written: f64,
    /// Unit as written.
    pub unit_as_written: String,
    /// Cycle of a cycling run the reading was taken at.
    pub cycle: Option<u64>,
    /// When the reading was taken, as written.
    pub timestamp: Option<String>,
    /// Lot of the probes.
    pub lot: Option<String>,
    /// Station (or plate) that took the reading.
    pub station: Option<String>,
}

/// A measurement CSV as read: its good rows, and each bad row with its line and why.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MeasurementSheet {
    /// The good rows, in file order.
    pub measurements: Vec<Measurement>,
    /// Rows that could not be read (never judged).
    pub bad_rows: Vec<RowError>,
}

/// One check of one pin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// What was read.
    pub kind: Kind,
    /// How the reading fares against its limits.
    pub verdict: Verdict,
    /// The reading judged (canonical unit), or what the check derived from the pin's
    /// readings (a rise, a loss).
    pub value: f64,
    /// The canonical unit of `value`, `min` and `max` (`mohm`, `N`, `mm`, `deg`).
    pub unit: &'static str,
    /// The CSV line of the reading judged.
    pub line: u64,
    /// Lower end of the pass range in the canonical unit (`null` when open).
    pub min: Option<f64>,
    /// Upper end of the pass range in the canonical unit (`null` when open).
    pub max: Option<f64>,
    /// The check in words, with its figures.
    pub message: String,
    /// What to do when the check does not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// The verdict of one pin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PinReport {
    /// The pin (probe id of the fixture, or as the sheet names it).
    pub pin: String,
    /// Catalog part of the probe, when the fixture names it.
    pub part: Option<String>,
    /// Plate the pin belongs to (`top`/`bottom` from the fixture, else the station).
    pub plate: String,
    /// The worst verdict of its checks.
    pub verdict: Verdict,
    /// Why the pin is marginal or failed (empty when it passes).
    pub reasons: Vec<String>,
    /// What to do, mildest first.
    pub actions: Vec<Action>,
    /// Every check made, in order: per reading kind, then against the plate.
    pub checks: Vec<Check>,
    /// How many readings of the sheet are the pin's.
    pub readings: usize,
}

/// A check across the pins of one plate or a whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetCheck {
    /// Which check.
    pub check: SetCheckKind,
    /// The plate (`top`, `bottom`, a station) or `all` for the whole run.
    pub plate: String,
    /// How the set fares against the limit.
    pub verdict: Verdict,
    /// The figure judged (a spread, a tilt, a rise) in `unit`.
    pub value: f64,
    /// The largest allowed `value`.
    pub limit: f64,
    /// The unit of `value` and `limit` (`mm`, `deg`, `mohm`).
    pub unit: &'static str,
    /// The check in words, with its figures.
    pub message: String,
    /// Pins involved in a marginal or failed result.
    pub pins: Vec<String>,
    /// What to do when the check does not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// The checks across pins, named in JSON as `height_spread`, `plate_tilt`,
/// `return_spread` and `resistance_change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetCheckKind {
    /// Spread (max - min) of the tip heights of one plate.
    HeightSpread,
    /// Tilt of the least-squares plane through the tip heights of one plate.
    PlateTilt,
    /// Spread of the last return heights of one plate.
    ReturnSpread,
    /// Rise of contact resistance over a cycling run, first to last reading.
    ResistanceChange,
}

impl SetCheckKind {
    /// The name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            SetCheckKind::HeightSpread => "height_spread",
            SetCheckKind::PlateTilt => "plate_tilt",
            SetCheckKind::ReturnSpread => "return_spread",
            SetCheckKind::ResistanceChange => "resistance_change",
        }
    }
}

/// Counts of the evaluation and its overall verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Pins judged.
    pub pins: usize,
    /// Pins that pass.
    pub pass: usize,
    /// Pins that are marginal.
    pub marginal: usize,
    /// Pins that fail.
    pub fail: usize,
    /// Set checks that fail.
    pub set_checks_failed: usize,
    /// Worst of every pin and set check.
    pub verdict: Verdict,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Counts and the overall verdict.
    pub summary: Summary,
    /// Each pin's verdict, in natural pin order.
    pub pins: Vec<PinReport>,
    /// Checks across pins, plate by plate.
    pub set_checks: Vec<SetCheck>,
    /// Pins of the fixture with no measurement at all.
    pub not_measured: Vec<String>,
    /// Checks that could not be made (no limit known), pins not in the fixture.
    pub notes: Vec<String>,
    /// Rows of the sheet that could not be read, with line and reason: not judged.
    pub bad_rows: Vec<RowError>,
    /// Resistance readings per pin in order (for charts): (cycle or index, mOhm).
    #[serde(skip)]
    pub resistance_series: BTreeMap<String, Vec<(f64, f64)>>,
    /// Effective resistance limit per pin, mOhm (for charts).
    #[serde(skip)]
    pub resistance_limits: BTreeMap<String, f64>,
    /// Latest tip height per pin, mm (for charts).
    #[serde(skip)]
    pub heights: BTreeMap<String, f64>,
}
