//! The limits of the checks ([`Limits`], read from an optional `limits.toml`) and what
//! the fixture says about one pin ([`PinContext`]: its probe, catalog part, stack-up
//! level and seating depth), from which each check takes its nominal values.

use crate::{QcError, Result};
use pogo_fixture::Fixture;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Limits of the checks. Every figure has a default from the seeds and the catalog
/// part; a `limits.toml` overrides any of them. Each range has a marginal band
/// inside it (as OpenHTF's `in_range` has a marginal range): a value inside the
/// limits but within the band of one is marginal.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// `[contact_resistance]`.
    pub contact_resistance: ResistanceLimits,
    /// `[spring_force]`.
    pub spring_force: ForceLimits,
    /// `[compression]`.
    pub compression: CompressionLimits,
    /// `[seating_depth]`.
    pub seating_depth: SeatingLimits,
    /// `[return_height]`.
    pub return_height: ReturnLimits,
    /// `[height]`.
    pub height: HeightLimits,
    /// `[tilt]`.
    pub tilt: TiltLimits,
}

/// Contact resistance limits (`[contact_resistance]`).
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

/// Spring force limits (`[spring_force]`).
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

/// Compression limits at the set height (`[compression]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompressionLimits {
    /// Full travel; default: the catalog part's.
    pub full_travel_mm: Option<f64>,
    /// Compression must lie within these fractions of full travel (60-80 %): the
    /// lower one.
    pub min_fraction: f64,
    /// The upper fraction of full travel.
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

/// Receptacle seating depth limits (`[seating_depth]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeatingLimits {
    /// Nominal depth; default: the receptacle's seating depth from the catalog.
    pub nominal_mm: Option<f64>,
    /// Pass range: nominal +/- this.
    pub tolerance_mm: f64,
    /// Marginal band inside either end of the range.
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

/// Return height limits over a cycling run (`[return_height]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReturnLimits {
    /// Fail when the tip returns this much lower than its first reading (slow or
    /// sticking return).
    pub max_loss_mm: f64,
    /// Marginal above this fraction of `max_loss_mm`.
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

/// Tip height uniformity limits (`[height]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HeightLimits {
    /// Largest allowed spread (max - min) of tip heights across the pins of one plate;
    /// a pin farther than half of it from the plate's median fails.
    pub max_spread_mm: f64,
    /// Marginal above this fraction of the spread (and of the half spread per pin).
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

/// Tilt limits of a pin and of a plate (`[tilt]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TiltLimits {
    /// Largest tilt of one pin.
    pub max_deg: f64,
    /// Marginal above this fraction of either tilt limit.
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
    /// Reads a `limits.toml` file ([`Limits::from_toml`]); `None` gives the defaults.
    pub fn read(path: Option<&Path>) -> Result<Limits> {
        let Some(path) = path else {
            return Ok(Limits::default());
        };
        let (shown, text) =
            pogo_text::read_text_file(path, |path, source| QcError::Read { path, source })?;
        Limits::from_toml(&shown, &text)
    }

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

/// What the fixture says about one pin: its probe, the probe's catalog part, the
/// stack-up's level of that part and the receptacle's seating depth. Everything is
/// `None` without a fixture or for a pin the fixture does not place.
pub(crate) struct PinContext<'a> {
    pub(crate) part: Option<&'a pogo_catalog::ProbePart>,
    pub(crate) probe: Option<&'a pogo_fixture::Probe>,
    pub(crate) seating_depth_mm: Option<f64>,
    /// Force at the closed position from the stack-up.
    pub(crate) level_force_n: Option<f64>,
}

impl<'a> PinContext<'a> {
    /// The context of `pin` in `fixture`.
    pub(crate) fn of(fixture: Option<&'a Fixture>, pin: &str) -> PinContext<'a> {
        let probe = fixture.and_then(|f| f.probes.iter().find(|p| p.id == pin));
        let (Some(fixture), Some(probe)) = (fixture, probe) else {
            return PinContext {
                part: None,
                probe: None,
                seating_depth_mm: None,
                level_force_n: None,
            };
        };
        let part = fixture.part(&probe.part);
        let receptacle_id = probe
            .receptacle
            .clone()
            .or_else(|| part.map(|p| p.receptacle.clone()));
        // The stack-up's press depth for this part (when the mechanics are filled)
        // comes before the catalog's seating depth.
        let level = stackup_of(fixture, probe).1;
        let seating_depth_mm = level.map(|l| l.seating_depth_mm).or_else(|| {
            receptacle_id
                .and_then(|r| fixture.receptacle(&r))
                .map(|r| r.seating_depth_mm)
        });
        PinContext {
            part,
            probe: Some(probe),
            seating_depth_mm,
            level_force_n: level.map(|l| l.force_n),
        }
    }

    /// The plate the pin belongs to: its side in the fixture, else the station of its
    /// readings, else `all`.
    pub(crate) fn plate(&self, station: Option<&str>) -> String {
        match (self.probe, station) {
            (Some(p), _) => format!("{:?}", p.side).to_lowercase(),
            (None, Some(s)) => s.to_string(),
            (None, None) => "all".to_string(),
        }
    }
}

/// The stack-up side a probe sits on and its part's level there, once the mechanics
/// are filled in.
pub(crate) fn stackup_of<'a>(
    fixture: &'a Fixture,
    probe: &pogo_fixture::Probe,
) -> (
    Option<&'a pogo_fixture::SideStackup>,
    Option<&'a pogo_fixture::ProbeLevel>,
) {
    let side = fixture
        .stackup
        .as_ref()
        .and_then(|s| s.sides.iter().find(|x| x.side == probe.side));
    let level = side.and_then(|s| s.levels.iter().find(|l| l.part == probe.part));
    (side, level)
}
