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

use crate::units::{Quantity, Unit};
use crate::{QcError, Result, RowError, fmt_fixed};
use pogo_fixture::Fixture;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Pin verdict, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Marginal,
    Fail,
}

impl Verdict {
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
    ContactResistance,
    SpringForce,
    CompressionHeight,
    SeatingDepth,
    ReturnHeight,
    Height,
    Tilt,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::ContactResistance,
        Kind::SpringForce,
        Kind::CompressionHeight,
        Kind::SeatingDepth,
        Kind::ReturnHeight,
        Kind::Height,
        Kind::Tilt,
    ];
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s.trim().to_ascii_lowercase())
    }
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
    pub pin: String,
    pub kind: Kind,
    /// Value in the canonical unit (`Kind::quantity().canonical_unit()`).
    pub value: f64,
    /// Value and unit as written.
    pub value_as_written: f64,
    pub unit_as_written: String,
    pub cycle: Option<u64>,
    pub timestamp: Option<String>,
    pub lot: Option<String>,
    pub station: Option<String>,
}

/// A measurement CSV as read: its good rows, and each bad row with its line and why.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MeasurementSheet {
    pub measurements: Vec<Measurement>,
    /// Rows that could not be read (never judged).
    pub bad_rows: Vec<RowError>,
}

/// Reads a measurement CSV, strictly: any bad row makes the whole file an error that
/// lists every bad row with its line (see [`read_measurement_sheet`] to keep the good
/// rows).
pub fn read_measurements(path: &str, text: &str) -> Result<Vec<Measurement>> {
    let sheet = read_measurement_sheet(path, text)?;
    if !sheet.bad_rows.is_empty() {
        return Err(QcError::Rows {
            path: path.into(),
            errors: sheet.bad_rows,
        });
    }
    Ok(sheet.measurements)
}

/// Reads a measurement CSV, keeping every good row and reporting each bad row
/// (unknown kind, missing or non-numeric value, missing, unknown or wrong unit, bad
/// cycle) with its line number. Only a file that cannot be read as a table at all
/// (no header, a missing column, broken CSV) is an error.
pub fn read_measurement_sheet(path: &str, text: &str) -> Result<MeasurementSheet> {
    let table = crate::csvutil::read_table(path, text)?;
    let need = |name: &str| {
        table.column(name).ok_or_else(|| QcError::Csv {
            path: path.into(),
            line: 1,
            message: format!(
                "missing column `{name}`: expected pin, kind, value, unit [, cycle, timestamp, lot, station]; found {}",
                table.headers.join(", ")
            ),
        })
    };
    let (c_pin, c_kind, c_value, c_unit) =
        (need("pin")?, need("kind")?, need("value")?, need("unit")?);
    let opt = |name: &str| table.column(name);
    let (c_cycle, c_ts, c_lot, c_station) =
        (opt("cycle"), opt("timestamp"), opt("lot"), opt("station"));
    // An inspection sheet from `pogo qc inspection-plan --format csv` has a `step`
    // column; its rows left blank were not measured.
    let is_sheet = opt("step").is_some();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (line, f) in &table.rows {
        let line = *line;
        let err = |col: &str, message: String| RowError {
            line,
            column: Some(col.into()),
            message,
        };
        let pin = f[c_pin].clone();
        if is_sheet && f[c_value].is_empty() {
            continue;
        }
        if pin.is_empty() {
            errors.push(err("pin", "missing pin name".into()));
            continue;
        }
        let Some(kind) = Kind::parse(&f[c_kind]) else {
            errors.push(err(
                "kind",
                format!(
                    "unknown kind `{}` (expected one of {})",
                    f[c_kind],
                    Kind::ALL
                        .iter()
                        .map(|k| k.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        };
        let value = match crate::csvutil::parse_number(&f[c_value]) {
            Ok(v) => v,
            Err(m) => {
                errors.push(err("value", m));
                continue;
            }
        };
        let unit_text = f[c_unit].clone();
        let q = kind.quantity();
        let unit = match Unit::parse(&unit_text) {
            None if unit_text.is_empty() => {
                errors.push(err(
                    "unit",
                    format!(
                        "missing unit for {} (expected {})",
                        kind.name(),
                        q.accepted_units()
                    ),
                ));
                continue;
            }
            None => {
                errors.push(err(
                    "unit",
                    format!(
                        "unknown unit `{unit_text}` for {} (expected {})",
                        kind.name(),
                        q.accepted_units()
                    ),
                ));
                continue;
            }
            Some(u) if u.quantity() != q => {
                errors.push(err(
                    "unit",
                    format!(
                        "unit `{unit_text}` is a {} unit, but {} is a {} (expected {})",
                        u.quantity().name(),
                        kind.name(),
                        q.name(),
                        q.accepted_units()
                    ),
                ));
                continue;
            }
            Some(u) => u,
        };
        let canonical = unit.to_canonical(value);
        if canonical < 0.0 && !matches!(kind, Kind::Tilt | Kind::SeatingDepth) {
            errors.push(err(
                "value",
                format!("{} cannot be negative ({value})", kind.name()),
            ));
            continue;
        }
        let cycle = match c_cycle.map(|c| f[c].as_str()) {
            None | Some("") => None,
            Some(s) => match s.parse::<u64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errors.push(err(
                        "cycle",
                        format!("`{s}` is not a cycle number (a whole number >= 0)"),
                    ));
                    continue;
                }
            },
        };
        let text_col = |c: Option<usize>| c.map(|c| f[c].clone()).filter(|s| !s.is_empty());
        out.push(Measurement {
            line,
            pin,
            kind,
            value: canonical,
            value_as_written: value,
            unit_as_written: unit_text,
            cycle,
            timestamp: text_col(c_ts),
            lot: text_col(c_lot),
            station: text_col(c_station),
        });
    }
    Ok(MeasurementSheet {
        measurements: out,
        bad_rows: errors,
    })
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

/// Limits of the checks. Every figure has a default from the seeds and the catalog
/// part; a `limits.toml` overrides any of them. Each range has a marginal band
/// inside it (as OpenHTF's `in_range` has a marginal range): a value inside the
/// limits but within the band of one is marginal.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub contact_resistance: ResistanceLimits,
    pub spring_force: ForceLimits,
    pub compression: CompressionLimits,
    pub seating_depth: SeatingLimits,
    pub return_height: ReturnLimits,
    pub height: HeightLimits,
    pub tilt: TiltLimits,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResistanceLimits {
    /// Overrides the catalog part's maximum for every pin.
    pub max_mohm: Option<f64>,
    /// Limit when the pin's part is not known (no fixture, or not in it).
    pub unknown_part_max_mohm: f64,
    /// Marginal above this fraction of the limit.
    pub marginal_fraction: f64,
    /// Fail when a reading is this much above the pin's own baseline (first reading).
    pub max_rise_mohm: f64,
}

impl Default for ResistanceLimits {
    fn default() -> Self {
        Self {
            max_mohm: None,
            unknown_part_max_mohm: 50.0,
            marginal_fraction: 0.8,
            max_rise_mohm: 10.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForceLimits {
    /// Nominal force at working travel; default: the fixture's probe force or the
    /// catalog part's spring force at working travel.
    pub nominal_n: Option<f64>,
    /// Pass range: nominal x (1 -/+ tolerance_fraction).
    pub tolerance_fraction: f64,
    /// Marginal band inside the range, as a fraction of nominal.
    pub marginal_fraction: f64,
}

impl Default for ForceLimits {
    fn default() -> Self {
        Self {
            nominal_n: None,
            tolerance_fraction: 0.2,
            marginal_fraction: 0.05,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompressionLimits {
    /// Full travel; default: the catalog part's.
    pub full_travel_mm: Option<f64>,
    /// Compression must lie within these fractions of full travel (60-80 %).
    pub min_fraction: f64,
    pub max_fraction: f64,
    /// Marginal band inside the range, as a fraction of full travel.
    pub marginal_fraction: f64,
}

impl Default for CompressionLimits {
    fn default() -> Self {
        Self {
            full_travel_mm: None,
            min_fraction: 0.6,
            max_fraction: 0.8,
            marginal_fraction: 0.02,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeatingLimits {
    /// Nominal depth; default: the receptacle's seating depth from the catalog.
    pub nominal_mm: Option<f64>,
    pub tolerance_mm: f64,
    pub marginal_mm: f64,
}

impl Default for SeatingLimits {
    fn default() -> Self {
        Self {
            nominal_mm: None,
            tolerance_mm: 0.10,
            marginal_mm: 0.03,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReturnLimits {
    /// Fail when the tip returns this much lower than its first reading (slow or
    /// sticking return).
    pub max_loss_mm: f64,
    pub marginal_fraction: f64,
}

impl Default for ReturnLimits {
    fn default() -> Self {
        Self {
            max_loss_mm: 0.05,
            marginal_fraction: 0.5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HeightLimits {
    /// Largest allowed spread (max - min) of tip heights across the pins of one plate;
    /// a pin farther than half of it from the plate's median fails.
    pub max_spread_mm: f64,
    pub marginal_fraction: f64,
}

impl Default for HeightLimits {
    fn default() -> Self {
        Self {
            max_spread_mm: 0.10,
            marginal_fraction: 0.8,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TiltLimits {
    /// Largest tilt of one pin.
    pub max_deg: f64,
    pub marginal_fraction: f64,
    /// Largest tilt of the plane fitted through the tip heights of one plate.
    pub plate_max_deg: f64,
}

impl Default for TiltLimits {
    fn default() -> Self {
        Self {
            max_deg: 1.0,
            marginal_fraction: 0.8,
            plate_max_deg: 0.1,
        }
    }
}

impl Limits {
    /// Parses a `limits.toml`; unknown keys are errors (a typo never silently keeps
    /// a default).
    pub fn from_toml(path: &str, text: &str) -> Result<Limits> {
        let limits: Limits = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| pogo_text::line_column(text.as_bytes(), s.start))
                .unwrap_or((1, 1));
            QcError::Limits {
                path: path.into(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        limits.validate(path)?;
        Ok(limits)
    }

    fn validate(&self, path: &str) -> Result<()> {
        let bad = |what: &str| QcError::Limits {
            path: path.into(),
            line: 1,
            column: 1,
            message: what.to_string(),
        };
        let c = &self.compression;
        if !(0.0 < c.min_fraction && c.min_fraction < c.max_fraction && c.max_fraction <= 1.0) {
            return Err(bad(
                "compression: need 0 < min_fraction < max_fraction <= 1",
            ));
        }
        for (name, v) in [
            (
                "contact_resistance.unknown_part_max_mohm",
                self.contact_resistance.unknown_part_max_mohm,
            ),
            (
                "contact_resistance.max_rise_mohm",
                self.contact_resistance.max_rise_mohm,
            ),
            (
                "spring_force.tolerance_fraction",
                self.spring_force.tolerance_fraction,
            ),
            (
                "seating_depth.tolerance_mm",
                self.seating_depth.tolerance_mm,
            ),
            ("return_height.max_loss_mm", self.return_height.max_loss_mm),
            ("height.max_spread_mm", self.height.max_spread_mm),
            ("tilt.max_deg", self.tilt.max_deg),
            ("tilt.plate_max_deg", self.tilt.plate_max_deg),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(&format!("{name} must be a positive number")));
            }
        }
        for (name, v) in [
            (
                "contact_resistance.marginal_fraction",
                self.contact_resistance.marginal_fraction,
            ),
            ("height.marginal_fraction", self.height.marginal_fraction),
            ("tilt.marginal_fraction", self.tilt.marginal_fraction),
            (
                "return_height.marginal_fraction",
                self.return_height.marginal_fraction,
            ),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                return Err(bad(&format!("{name} must lie in (0, 1]")));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/// One check of one pin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub kind: Kind,
    pub verdict: Verdict,
    /// The reading judged (canonical unit), and its CSV line.
    pub value: f64,
    pub unit: &'static str,
    pub line: u64,
    /// Pass range in the canonical unit (`null` for an open side).
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// The verdict of one pin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PinReport {
    pub pin: String,
    /// Catalog part of the probe, when the fixture names it.
    pub part: Option<String>,
    /// Plate the pin belongs to (`top`/`bottom` from the fixture, else the station).
    pub plate: String,
    pub verdict: Verdict,
    /// Why the pin is marginal or failed (empty when it passes).
    pub reasons: Vec<String>,
    /// What to do, mildest first.
    pub actions: Vec<Action>,
    pub checks: Vec<Check>,
    pub readings: usize,
}

/// A check across the pins of one plate or a whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetCheck {
    /// `height_spread`, `plate_tilt`, `return_spread`, `resistance_change`.
    pub check: String,
    pub plate: String,
    pub verdict: Verdict,
    pub value: f64,
    pub limit: f64,
    pub unit: &'static str,
    pub message: String,
    /// Pins involved in a marginal or failed result.
    pub pins: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub pins: usize,
    pub pass: usize,
    pub marginal: usize,
    pub fail: usize,
    pub set_checks_failed: usize,
    /// Worst of every pin and set check.
    pub verdict: Verdict,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub summary: Summary,
    pub pins: Vec<PinReport>,
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

pub use pogo_text::natural_key;

struct PinContext<'a> {
    part: Option<&'a pogo_catalog::ProbePart>,
    probe: Option<&'a pogo_fixture::Probe>,
    seating_depth_mm: Option<f64>,
    /// Force at the closed position from the stack-up.
    level_force_n: Option<f64>,
}

fn range_verdict(
    v: f64,
    min: Option<f64>,
    max: Option<f64>,
    band_lo: f64,
    band_hi: f64,
) -> Verdict {
    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
        Verdict::Fail
    } else if min.is_some_and(|m| v < m + band_lo) || max.is_some_and(|m| v > m - band_hi) {
        Verdict::Marginal
    } else {
        Verdict::Pass
    }
}

fn f3(v: f64) -> String {
    fmt_fixed(v, 3)
}

/// Evaluates measurements against limits (and the fixture's parts, when given).
pub fn evaluate(
    measurements: &[Measurement],
    fixture: Option<&Fixture>,
    limits: &Limits,
) -> Evaluation {
    let mut notes = Vec::new();
    // Keyed by natural order, then the exact name (`P01` and `P1` stay two pins).
    type PinKey = ((String, u64, String), String);
    let mut by_pin: BTreeMap<PinKey, (String, Vec<&Measurement>)> = BTreeMap::new();
    for m in measurements {
        by_pin
            .entry((natural_key(&m.pin), m.pin.clone()))
            .or_insert_with(|| (m.pin.clone(), Vec::new()))
            .1
            .push(m);
    }
    let ctx_of = |pin: &str| -> PinContext<'_> {
        let probe = fixture.and_then(|f| f.probes.iter().find(|p| p.id == pin));
        let part = probe.and_then(|p| fixture.and_then(|f| f.part(&p.part)));
        let receptacle_id = probe
            .and_then(|p| p.receptacle.clone())
            .or_else(|| part.map(|p| p.receptacle.clone()));
        // The stack-up's press depth for this part (when the mechanics are filled)
        // comes before the catalog's seating depth.
        let level = match (fixture, probe) {
            (Some(f), Some(p)) => crate::inspection::stackup_of(f, p).1,
            _ => None,
        };
        let seating_depth_mm = level.map(|l| l.seating_depth_mm).or_else(|| {
            receptacle_id
                .and_then(|r| fixture.and_then(|f| f.receptacle(&r)))
                .map(|r| r.seating_depth_mm)
        });
        PinContext {
            part,
            probe,
            seating_depth_mm,
            level_force_n: level.map(|l| l.force_n),
        }
    };

    let mut pins = Vec::new();
    let mut resistance_series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut resistance_limits: BTreeMap<String, f64> = BTreeMap::new();
    let mut heights: BTreeMap<String, f64> = BTreeMap::new();
    let mut plate_of: BTreeMap<String, String> = BTreeMap::new();
    let mut missing_limit_notes: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for (pin, ms) in by_pin.values() {
        let ctx = ctx_of(pin);
        if fixture.is_some() && ctx.probe.is_none() {
            notes.push(format!(
                "pin {pin} is not in the fixture: checked against default limits"
            ));
        }
        let plate = match (ctx.probe, ms.iter().find_map(|m| m.station.clone())) {
            (Some(p), _) => format!("{:?}", p.side).to_lowercase(),
            (None, Some(s)) => s,
            (None, None) => "all".to_string(),
        };
        plate_of.insert(pin.clone(), plate.clone());
        let mut checks = Vec::new();

        // --- contact resistance ---
        let rs: Vec<&&Measurement> = ms
            .iter()
            .filter(|m| m.kind == Kind::ContactResistance)
            .collect();
        if !rs.is_empty() {
            let (limit, source) = match (limits.contact_resistance.max_mohm, ctx.part) {
                (Some(v), _) => (v, "limits.toml".to_string()),
                (None, Some(p)) => (
                    p.max_contact_resistance_mohm,
                    format!("catalog part {}", p.id),
                ),
                (None, None) => (
                    limits.contact_resistance.unknown_part_max_mohm,
                    "part not known".to_string(),
                ),
            };
            resistance_limits.insert(pin.clone(), limit);
            let marginal_at = limit * limits.contact_resistance.marginal_fraction;
            let mut ordered: Vec<&&Measurement> = rs.clone();
            ordered.sort_by_key(|m| (m.cycle.unwrap_or(0), m.line));
            resistance_series.insert(
                pin.clone(),
                ordered
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (m.cycle.map(|c| c as f64).unwrap_or(i as f64), m.value))
                    .collect(),
            );
            for m in &ordered {
                let v = m.value;
                let (verdict, message, action) = if v > limit {
                    (
                        Verdict::Fail,
                        format!(
                            "contact resistance {} mOhm above the limit {} mOhm ({source}){}",
                            f3(v),
                            f3(limit),
                            cycle_text(m)
                        ),
                        Some(Action::Replace),
                    )
                } else if v > marginal_at {
                    (
                        Verdict::Marginal,
                        format!(
                            "contact resistance {} mOhm above {:.0} % of the limit {} mOhm{}",
                            f3(v),
                            limits.contact_resistance.marginal_fraction * 100.0,
                            f3(limit),
                            cycle_text(m)
                        ),
                        Some(Action::Clean),
                    )
                } else {
                    (
                        Verdict::Pass,
                        format!("contact resistance {} mOhm <= {} mOhm", f3(v), f3(limit)),
                        None,
                    )
                };
                checks.push(Check {
                    kind: Kind::ContactResistance,
                    verdict,
                    value: v,
                    unit: "mohm",
                    line: m.line,
                    min: None,
                    max: Some(limit),
                    message,
                    action,
                });
            }
            // Rise over the pin's own baseline.
            if ordered.len() >= 2 {
                let base = ordered[0];
                let worst = ordered[1..]
                    .iter()
                    .max_by(|a, b| a.value.total_cmp(&b.value))
                    .expect("two readings");
                let rise = worst.value - base.value;
                let max_rise = limits.contact_resistance.max_rise_mohm;
                let verdict = if rise > max_rise {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                };
                checks.push(Check {
                    kind: Kind::ContactResistance,
                    verdict,
                    value: rise,
                    unit: "mohm",
                    line: worst.line,
                    min: None,
                    max: Some(max_rise),
                    message: format!(
                        "contact resistance rose {} mOhm over its baseline {} mOhm (line {}){}; limit {} mOhm",
                        f3(rise),
                        f3(base.value),
                        base.line,
                        cycle_text(worst),
                        f3(max_rise)
                    ),
                    action: (verdict == Verdict::Fail).then_some(Action::Replace),
                });
            }
        }

        // --- spring force ---
        let nominal_force = limits
            .spring_force
            .nominal_n
            .or_else(|| ctx.probe.and_then(|p| p.force_n))
            .or(ctx.level_force_n)
            .or_else(|| ctx.part.map(|p| p.force_at_travel_n(p.working_travel_mm)));
        for m in ms.iter().filter(|m| m.kind == Kind::SpringForce) {
            let Some(nominal) = nominal_force else {
                missing_limit_notes
                    .entry("spring_force")
                    .or_default()
                    .push(pin.clone());
                continue;
            };
            let tol = limits.spring_force.tolerance_fraction;
            let (lo, hi) = (nominal * (1.0 - tol), nominal * (1.0 + tol));
            let band = nominal * limits.spring_force.marginal_fraction;
            let verdict = range_verdict(m.value, Some(lo), Some(hi), band, band);
            let action = match verdict {
                Verdict::Pass => None,
                _ if m.value < lo || (verdict == Verdict::Marginal && m.value < nominal) => {
                    Some(Action::Replace)
                }
                _ => Some(Action::Adjust),
            };
            let message = format!(
                "spring force {} N, expected {}..{} N (nominal {} N at working travel){}",
                f3(m.value),
                f3(lo),
                f3(hi),
                f3(nominal),
                cycle_text(m)
            );
            checks.push(Check {
                kind: Kind::SpringForce,
                verdict,
                value: m.value,
                unit: "N",
                line: m.line,
                min: Some(lo),
                max: Some(hi),
                message,
                action,
            });
        }

        // --- compression height (travel at set height) ---
        let full_travel = limits
            .compression
            .full_travel_mm
            .or_else(|| ctx.part.map(|p| p.full_travel_mm));
        for m in ms.iter().filter(|m| m.kind == Kind::CompressionHeight) {
            let Some(full) = full_travel else {
                missing_limit_notes
                    .entry("compression_height")
                    .or_default()
                    .push(pin.clone());
                continue;
            };
            let c = &limits.compression;
            let (lo, hi) = (full * c.min_fraction, full * c.max_fraction);
            let band = full * c.marginal_fraction;
            let verdict = range_verdict(m.value, Some(lo), Some(hi), band, band);
            checks.push(Check {
                kind: Kind::CompressionHeight,
                verdict,
                value: m.value,
                unit: "mm",
                line: m.line,
                min: Some(lo),
                max: Some(hi),
                message: format!(
                    "compression {} mm = {:.1} % of full travel {} mm, expected {:.0}-{:.0} %",
                    f3(m.value),
                    m.value / full * 100.0,
                    f3(full),
                    c.min_fraction * 100.0,
                    c.max_fraction * 100.0
                ),
                action: (verdict != Verdict::Pass).then_some(Action::Adjust),
            });
        }

        // --- seating depth ---
        let nominal_seat = limits.seating_depth.nominal_mm.or(ctx.seating_depth_mm);
        for m in ms.iter().filter(|m| m.kind == Kind::SeatingDepth) {
            let Some(nominal) = nominal_seat else {
                missing_limit_notes
                    .entry("seating_depth")
                    .or_default()
                    .push(pin.clone());
                continue;
            };
            let s = &limits.seating_depth;
            let (lo, hi) = (nominal - s.tolerance_mm, nominal + s.tolerance_mm);
            let verdict = range_verdict(m.value, Some(lo), Some(hi), s.marginal_mm, s.marginal_mm);
            checks.push(Check {
                kind: Kind::SeatingDepth,
                verdict,
                value: m.value,
                unit: "mm",
                line: m.line,
                min: Some(lo),
                max: Some(hi),
                message: format!(
                    "seating depth {} mm, expected {} +/- {} mm",
                    f3(m.value),
                    f3(nominal),
                    f3(s.tolerance_mm)
                ),
                action: (verdict != Verdict::Pass).then_some(Action::Reseat),
            });
        }

        // --- return height (cycling run) ---
        let mut rets: Vec<&&Measurement> =
            ms.iter().filter(|m| m.kind == Kind::ReturnHeight).collect();
        rets.sort_by_key(|m| (m.cycle.unwrap_or(0), m.line));
        if rets.len() >= 2 {
            let base = rets[0];
            let lowest = rets[1..]
                .iter()
                .min_by(|a, b| a.value.total_cmp(&b.value))
                .expect("two readings");
            let loss = (base.value - lowest.value).max(0.0);
            let r = &limits.return_height;
            let verdict = if loss > r.max_loss_mm {
                Verdict::Fail
            } else if loss > r.max_loss_mm * r.marginal_fraction {
                Verdict::Marginal
            } else {
                Verdict::Pass
            };
            checks.push(Check {
                kind: Kind::ReturnHeight,
                verdict,
                value: loss,
                unit: "mm",
                line: lowest.line,
                min: None,
                max: Some(r.max_loss_mm),
                message: format!(
                    "tip returned {} mm short of its first height {} mm{}; limit {} mm",
                    f3(loss),
                    f3(base.value),
                    cycle_text(lowest),
                    f3(r.max_loss_mm)
                ),
                action: match verdict {
                    Verdict::Fail => Some(Action::Replace),
                    Verdict::Marginal => Some(Action::Clean),
                    Verdict::Pass => None,
                },
            });
        } else if rets.len() == 1 {
            missing_limit_notes
                .entry("return_height (one reading, no baseline)")
                .or_default()
                .push(pin.clone());
        }

        // --- tilt of the pin ---
        for m in ms.iter().filter(|m| m.kind == Kind::Tilt) {
            let t = &limits.tilt;
            let a = m.value.abs();
            let verdict = if a > t.max_deg {
                Verdict::Fail
            } else if a > t.max_deg * t.marginal_fraction {
                Verdict::Marginal
            } else {
                Verdict::Pass
            };
            checks.push(Check {
                kind: Kind::Tilt,
                verdict,
                value: m.value,
                unit: "deg",
                line: m.line,
                min: Some(-t.max_deg),
                max: Some(t.max_deg),
                message: format!("tilt {} deg, limit {} deg", f3(m.value), f3(t.max_deg)),
                action: (verdict != Verdict::Pass).then_some(Action::Reseat),
            });
        }

        if let Some(h) = ms
            .iter()
            .filter(|m| m.kind == Kind::Height)
            .max_by_key(|m| (m.cycle.unwrap_or(0), m.line))
        {
            heights.insert(pin.clone(), h.value);
        }

        pins.push(PinReport {
            pin: pin.clone(),
            part: ctx.probe.map(|p| p.part.clone()),
            plate,
            verdict: Verdict::Pass,
            reasons: Vec::new(),
            actions: Vec::new(),
            checks,
            readings: ms.len(),
        });
    }

    // --- set level: height spread per plate, pin deviation from the median ---
    let mut set_checks = Vec::new();
    let mut plates: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for (pin, h) in &heights {
        plates
            .entry(plate_of[pin].clone())
            .or_default()
            .push((pin.clone(), *h));
    }
    let hl = &limits.height;
    for (plate, hs) in &plates {
        if hs.len() < 2 {
            continue;
        }
        let mut sorted: Vec<f64> = hs.iter().map(|x| x.1).collect();
        sorted.sort_by(f64::total_cmp);
        let median = if sorted.len() % 2 == 1 {
            sorted[sorted.len() / 2]
        } else {
            (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
        };
        let spread = sorted[sorted.len() - 1] - sorted[0];
        let verdict = if spread > hl.max_spread_mm {
            Verdict::Fail
        } else if spread > hl.max_spread_mm * hl.marginal_fraction {
            Verdict::Marginal
        } else {
            Verdict::Pass
        };
        let half = hl.max_spread_mm / 2.0;
        let mut outliers = Vec::new();
        for (pin, h) in hs {
            let dev = h - median;
            let v = if dev.abs() > half {
                Verdict::Fail
            } else if dev.abs() > half * hl.marginal_fraction {
                Verdict::Marginal
            } else {
                Verdict::Pass
            };
            if v != Verdict::Pass {
                outliers.push(pin.clone());
            }
            let line = measurements
                .iter()
                .filter(|m| &m.pin == pin && m.kind == Kind::Height)
                .map(|m| m.line)
                .max()
                .unwrap_or(0);
            if let Some(p) = pins.iter_mut().find(|p| &p.pin == pin) {
                p.checks.push(Check {
                    kind: Kind::Height,
                    verdict: v,
                    value: *h,
                    unit: "mm",
                    line,
                    min: Some(median - half),
                    max: Some(median + half),
                    message: format!(
                        "tip height {} mm is {} mm from the {plate} plate median {} mm; limit +/- {} mm",
                        f3(*h),
                        f3(dev),
                        f3(median),
                        f3(half)
                    ),
                    action: (v != Verdict::Pass).then_some(Action::Adjust),
                });
            }
        }
        set_checks.push(SetCheck {
            check: "height_spread".into(),
            plate: plate.clone(),
            verdict,
            value: spread,
            limit: hl.max_spread_mm,
            unit: "mm",
            message: format!(
                "tip heights of {} pins on the {plate} plate spread {} mm (limit {} mm)",
                hs.len(),
                f3(spread),
                f3(hl.max_spread_mm)
            ),
            pins: if verdict == Verdict::Pass {
                Vec::new()
            } else {
                outliers
            },
            action: (verdict != Verdict::Pass).then_some(Action::Adjust),
        });

        // Plate tilt: least-squares plane through (x, y, height) of pins the fixture places.
        if let Some(f) = fixture {
            let pts: Vec<(f64, f64, f64)> = hs
                .iter()
                .filter_map(|(pin, h)| {
                    f.probes
                        .iter()
                        .find(|p| &p.id == pin)
                        .map(|p| (p.x, p.y, *h))
                })
                .collect();
            if let Some(tilt_deg) = plane_tilt_deg(&pts) {
                let t = &limits.tilt;
                let verdict = if tilt_deg > t.plate_max_deg {
                    Verdict::Fail
                } else if tilt_deg > t.plate_max_deg * t.marginal_fraction {
                    Verdict::Marginal
                } else {
                    Verdict::Pass
                };
                set_checks.push(SetCheck {
                    check: "plate_tilt".into(),
                    plate: plate.clone(),
                    verdict,
                    value: tilt_deg,
                    limit: t.plate_max_deg,
                    unit: "deg",
                    message: format!(
                        "plane through {} tip heights on the {plate} plate is tilted {} deg (limit {} deg)",
                        pts.len(),
                        fmt_fixed(tilt_deg, 4),
                        f3(t.plate_max_deg)
                    ),
                    pins: Vec::new(),
                    action: (verdict != Verdict::Pass).then_some(Action::Adjust),
                });
            }
        }
    }

    // --- set level: return heights uneven across pins (last reading per pin) ---
    let mut last_return: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for p in &pins {
        if let Some(m) = measurements
            .iter()
            .filter(|m| m.pin == p.pin && m.kind == Kind::ReturnHeight)
            .max_by_key(|m| (m.cycle.unwrap_or(0), m.line))
        {
            last_return
                .entry(p.plate.clone())
                .or_default()
                .push((p.pin.clone(), m.value));
        }
    }
    for (plate, rs) in &last_return {
        if rs.len() < 2 {
            continue;
        }
        let lo = rs.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
        let hi = rs.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        let spread = hi - lo;
        let verdict = if spread > hl.max_spread_mm {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        set_checks.push(SetCheck {
            check: "return_spread".into(),
            plate: plate.clone(),
            verdict,
            value: spread,
            limit: hl.max_spread_mm,
            unit: "mm",
            message: format!(
                "last return heights of {} pins on the {plate} plate spread {} mm (limit {} mm)",
                rs.len(),
                f3(spread),
                f3(hl.max_spread_mm)
            ),
            pins: if verdict == Verdict::Pass {
                Vec::new()
            } else {
                rs.iter()
                    .filter(|r| r.1 == lo || r.1 == hi)
                    .map(|r| r.0.clone())
                    .collect()
            },
            action: (verdict != Verdict::Pass).then_some(Action::Replace),
        });
    }

    // --- set level: resistance change over a cycling run ---
    let cycled: Vec<(&String, f64)> = resistance_series
        .iter()
        .filter(|(pin, s)| {
            s.len() >= 2
                && measurements
                    .iter()
                    .any(|m| &m.pin == *pin && m.cycle.is_some())
        })
        .map(|(pin, s)| (pin, s[s.len() - 1].1 - s[0].1))
        .collect();
    if !cycled.is_empty() {
        let max_rise = limits.contact_resistance.max_rise_mohm;
        let mean = cycled.iter().map(|c| c.1).sum::<f64>() / cycled.len() as f64;
        let worst = cycled
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("non-empty");
        let over: Vec<String> = cycled
            .iter()
            .filter(|c| c.1 > max_rise)
            .map(|c| c.0.clone())
            .collect();
        let verdict = if over.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        set_checks.push(SetCheck {
            check: "resistance_change".into(),
            plate: "all".into(),
            verdict,
            value: worst.1,
            limit: max_rise,
            unit: "mohm",
            message: format!(
                "over the cycling run, {} pin(s) changed {} mOhm on average (first to last reading); largest rise {} mOhm on {}",
                cycled.len(),
                f3(mean),
                f3(worst.1),
                worst.0
            ),
            pins: over,
            action: (verdict != Verdict::Pass).then_some(Action::Replace),
        });
    }

    // --- pin verdicts ---
    for p in &mut pins {
        p.verdict = p
            .checks
            .iter()
            .map(|c| c.verdict)
            .max()
            .unwrap_or(Verdict::Pass);
        p.reasons = p
            .checks
            .iter()
            .filter(|c| c.verdict != Verdict::Pass)
            .map(|c| c.message.clone())
            .collect();
        let mut actions: Vec<Action> = p.checks.iter().filter_map(|c| c.action).collect();
        actions.sort();
        actions.dedup();
        p.actions = actions;
    }
    for (what, pins) in missing_limit_notes {
        notes.push(format!(
            "{what} not checked on {} (no limit known: pass --fixture or set it in limits.toml)",
            pins.join(", ")
        ));
    }
    let not_measured = match fixture {
        Some(f) => {
            let mut v: Vec<String> = f
                .probes
                .iter()
                .filter(|p| !by_pin.contains_key(&(natural_key(&p.id), p.id.clone())))
                .map(|p| p.id.clone())
                .collect();
            v.sort_by_key(|s| natural_key(s));
            v
        }
        None => Vec::new(),
    };
    let count = |v: Verdict| pins.iter().filter(|p| p.verdict == v).count();
    let set_worst = set_checks
        .iter()
        .map(|s| s.verdict)
        .max()
        .unwrap_or(Verdict::Pass);
    let summary = Summary {
        pins: pins.len(),
        pass: count(Verdict::Pass),
        marginal: count(Verdict::Marginal),
        fail: count(Verdict::Fail),
        set_checks_failed: set_checks
            .iter()
            .filter(|s| s.verdict == Verdict::Fail)
            .count(),
        verdict: pins
            .iter()
            .map(|p| p.verdict)
            .max()
            .unwrap_or(Verdict::Pass)
            .max(set_worst),
    };
    Evaluation {
        summary,
        pins,
        set_checks,
        not_measured,
        notes,
        bad_rows: Vec::new(),
        resistance_series,
        resistance_limits,
        heights,
    }
}

/// Judges the good rows of a sheet ([`evaluate`]) and carries its bad rows along, so
/// the report lists them beside the verdicts; a bad row is never judged.
pub fn evaluate_sheet(
    sheet: &MeasurementSheet,
    fixture: Option<&Fixture>,
    limits: &Limits,
) -> Evaluation {
    let mut e = evaluate(&sheet.measurements, fixture, limits);
    e.bad_rows = sheet.bad_rows.clone();
    e
}

fn cycle_text(m: &Measurement) -> String {
    match m.cycle {
        Some(c) => format!(" at cycle {c}"),
        None => String::new(),
    }
}

/// Tilt (deg) of the least-squares plane z = a x + b y + c through the points;
/// `None` for fewer than 3 points or collinear ones.
pub fn plane_tilt_deg(pts: &[(f64, f64, f64)]) -> Option<f64> {
    if pts.len() < 3 {
        return None;
    }
    let n = pts.len() as f64;
    let (mx, my, mz) = pts.iter().fold((0.0, 0.0, 0.0), |a, p| {
        (a.0 + p.0 / n, a.1 + p.1 / n, a.2 + p.2 / n)
    });
    let (mut sxx, mut sxy, mut syy, mut sxz, mut syz) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(x, y, z) in pts {
        let (dx, dy, dz) = (x - mx, y - my, z - mz);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
        sxz += dx * dz;
        syz += dy * dz;
    }
    let det = sxx * syy - sxy * sxy;
    let scale = (sxx + syy).max(1e-300);
    if det.abs() <= 1e-12 * scale * scale {
        return None;
    }
    let a = (sxz * syy - syz * sxy) / det;
    let b = (syz * sxx - sxz * sxy) / det;
    Some((a * a + b * b).sqrt().atan().to_degrees())
}

/// Text form of an evaluation (what `pogo qc evaluate` prints by default).
pub fn to_text(e: &Evaluation) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} pins: {} pass, {} marginal, {} fail; overall {}",
        e.summary.pins,
        e.summary.pass,
        e.summary.marginal,
        e.summary.fail,
        e.summary.verdict.name().to_uppercase()
    );
    for p in &e.pins {
        let actions = if p.actions.is_empty() {
            String::new()
        } else {
            format!(
                "  -> {}",
                p.actions
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let _ = writeln!(s, "{:<8} {:<8}{}", p.pin, p.verdict.name(), actions);
        for r in &p.reasons {
            let _ = writeln!(s, "         - {r}");
        }
    }
    if !e.bad_rows.is_empty() {
        let _ = writeln!(s, "{} bad row(s), not judged:", e.bad_rows.len());
        let _ = writeln!(s, "{}", crate::RowErrors(&e.bad_rows));
    }
    if !e.set_checks.is_empty() {
        let _ = writeln!(s, "set checks:");
        for c in &e.set_checks {
            let _ = writeln!(
                s,
                "  {:<18} {:<8} {:<8} {}",
                c.check,
                c.plate,
                c.verdict.name(),
                c.message
            );
        }
    }
    if !e.not_measured.is_empty() {
        let _ = writeln!(s, "not measured: {}", e.not_measured.join(", "));
    }
    for n in &e.notes {
        let _ = writeln!(s, "note: {n}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_tilt_of_known_plane() {
        // z = 0.001 x: tilt = atan(0.001)
        let pts = [
            (0.0, 0.0, 0.0),
            (100.0, 0.0, 0.1),
            (0.0, 50.0, 0.0),
            (100.0, 50.0, 0.1),
        ];
        let t = plane_tilt_deg(&pts).unwrap();
        assert!((t - 0.001f64.atan().to_degrees()).abs() < 1e-9);
        assert!(plane_tilt_deg(&[(0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (2.0, 2.0, 1.0)]).is_none());
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["P10", "P2", "P1", "TP3"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(v, ["P1", "P2", "P10", "TP3"]);
    }
}
