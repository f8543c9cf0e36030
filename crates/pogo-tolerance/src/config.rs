//! `[tolerance]` of `pogo.toml`.

use crate::ToleranceError;
use crate::model::CONTRIBUTORS;
use pogo_fixture::{Contributor, Fixture, PlateProcess, ToleranceModel};
use serde::{Deserialize, Serialize};

/// The `[tolerance]` table of `pogo.toml`. Every field is optional: an absent one
/// takes the default of the plate process (`cnc` unless `plate_process` says
/// otherwise). Lengths in mm, scale in ppm, CTE in ppm/K, temperatures in K. Every
/// figure is plus/minus at 3 sigma of a normal law, unless its contributor is listed
/// in `uniform` (then it is the half-width of a uniform law, the radius of a uniform
/// disc for planar contributors). Clearances are diametral: the part moves by half.
///
/// ```toml
/// [tolerance]
/// plate_process = "laser"
/// plate_drill_position_mm = 0.04
/// uniform = ["tooling_pin_clearance"]
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToleranceConfig {
    /// `cnc` (drilled G10/FR4), `laser` (laser-cut acrylic) or `print3d`.
    pub plate_process: Option<String>,
    /// Multiplier on the IDI pointing accuracy of each probe part (1.0).
    pub pointing_scale: Option<f64>,
    /// Receptacle to plate-hole clearance, diametral, mm (0.02).
    pub receptacle_clearance_mm: Option<f64>,
    /// Plate drill position tolerance, mm (by process: cnc 0.025, laser 0.05, print3d 0.10).
    pub plate_drill_position_mm: Option<f64>,
    /// Plate scale error, ppm (by process: cnc 50, laser 300, print3d 2000).
    pub plate_scale_ppm: Option<f64>,
    /// Tooling pin to hole clearance; absent: the fixture's own pins' (see
    /// [`ToleranceConfig::resolve_for`]), else 0.05.
    pub tooling_pin_clearance_mm: Option<f64>,
    /// Board tooling hole position tolerance, mm (0.075).
    pub tooling_hole_position_mm: Option<f64>,
    /// Copper (pads) registered against the drilled holes, mm (0.075).
    pub pad_registration_mm: Option<f64>,
    /// Board thermal expansion, ppm/K (16).
    pub board_cte_ppm_per_k: Option<f64>,
    /// Plate thermal expansion, ppm/K (by process: cnc 14, laser 70, print3d 68).
    pub plate_cte_ppm_per_k: Option<f64>,
    /// Board temperature above the plate's reference, K (5).
    pub board_delta_t_k: Option<f64>,
    /// Plate temperature above its reference, K (0).
    pub plate_delta_t_k: Option<f64>,
    /// Contributors taken as uniform (`pointing`, `tooling_pin_clearance`, ...).
    pub uniform: Option<Vec<String>>,
    /// Quasi-Monte Carlo points for the joint yield (1024).
    pub yield_points: Option<usize>,
    /// Seed of the quasi-Monte Carlo's random shifts (1).
    pub seed: Option<u64>,
}

impl ToleranceConfig {
    /// The model with every default filled in, checked.
    pub fn resolve(&self) -> Result<ToleranceModel, ToleranceError> {
        let process = self.plate_process.as_deref().unwrap_or("cnc");
        let process =
            PlateProcess::from_name(process).ok_or_else(|| ToleranceError::UnknownProcess {
                found: process.to_string(),
                expected: PlateProcess::ALL
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let mut m = ToleranceModel::for_process(process);
        let set = |field: &mut f64, v: Option<f64>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(&mut m.pointing_scale, self.pointing_scale);
        set(&mut m.receptacle_clearance_mm, self.receptacle_clearance_mm);
        set(&mut m.plate_drill_position_mm, self.plate_drill_position_mm);
        set(&mut m.plate_scale_ppm, self.plate_scale_ppm);
        set(
            &mut m.tooling_pin_clearance_mm,
            self.tooling_pin_clearance_mm,
        );
        set(
            &mut m.tooling_hole_position_mm,
            self.tooling_hole_position_mm,
        );
        set(&mut m.pad_registration_mm, self.pad_registration_mm);
        set(&mut m.board_cte_ppm_per_k, self.board_cte_ppm_per_k);
        set(&mut m.plate_cte_ppm_per_k, self.plate_cte_ppm_per_k);
        set(&mut m.board_delta_t_k, self.board_delta_t_k);
        set(&mut m.plate_delta_t_k, self.plate_delta_t_k);
        if let Some(u) = &self.uniform {
            m.uniform = u
                .iter()
                .map(|name| {
                    Contributor::from_name(name)
                        .filter(|c| uniform_allowed(*c))
                        .ok_or_else(|| unknown_contributor(name))
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(n) = self.yield_points {
            m.yield_points = n;
        }
        if let Some(s) = self.seed {
            m.seed = s;
        }
        check_model(&m)?;
        Ok(m)
    }

    /// [`ToleranceConfig::resolve`] for a fixture: when `tooling_pin_clearance_mm` is
    /// not given, it is the fixture's own, the largest of its tooling pins' hole
    /// diameter minus pin diameter (the process default when it has no pins).
    pub fn resolve_for(&self, fixture: &Fixture) -> Result<ToleranceModel, ToleranceError> {
        let mut m = self.resolve()?;
        if self.tooling_pin_clearance_mm.is_none()
            && let Some(c) = tooling_pin_clearance_mm(fixture)
        {
            m.tooling_pin_clearance_mm = c;
            check_model(&m)?;
        }
        Ok(m)
    }
}

/// The largest diametral clearance of the fixture's tooling pins in their holes, mm;
/// None when no pin records both diameters.
pub fn tooling_pin_clearance_mm(fixture: &Fixture) -> Option<f64> {
    fixture
        .tooling
        .iter()
        .filter(|t| t.hole_diameter_mm > 0.0 && t.diameter_mm > 0.0)
        .map(|t| (t.hole_diameter_mm - t.diameter_mm).max(0.0))
        .reduce(f64::max)
}

/// Checks a model's figures (also used on a model read back from `fixture.json`).
pub fn check_model(m: &ToleranceModel) -> Result<(), ToleranceError> {
    let non_negative = [
        ("pointing_scale", m.pointing_scale),
        ("receptacle_clearance_mm", m.receptacle_clearance_mm),
        ("plate_drill_position_mm", m.plate_drill_position_mm),
        ("plate_scale_ppm", m.plate_scale_ppm),
        ("tooling_pin_clearance_mm", m.tooling_pin_clearance_mm),
        ("tooling_hole_position_mm", m.tooling_hole_position_mm),
        ("pad_registration_mm", m.pad_registration_mm),
        ("board_cte_ppm_per_k", m.board_cte_ppm_per_k),
        ("plate_cte_ppm_per_k", m.plate_cte_ppm_per_k),
    ];
    for (name, v) in non_negative {
        if !v.is_finite() || !(0.0..=1e6).contains(&v) {
            return Err(ToleranceError::BadValue {
                name,
                value: v,
                expected: "a finite number >= 0",
            });
        }
    }
    for (name, v) in [
        ("board_delta_t_k", m.board_delta_t_k),
        ("plate_delta_t_k", m.plate_delta_t_k),
    ] {
        if !v.is_finite() || v.abs() > 1000.0 {
            return Err(ToleranceError::BadValue {
                name,
                value: v,
                expected: "a temperature difference within ±1000 K",
            });
        }
    }
    if !(16..=1 << 20).contains(&m.yield_points) {
        return Err(ToleranceError::BadValue {
            name: "yield_points",
            value: m.yield_points as f64,
            expected: "16 to 1048576 points",
        });
    }
    if let Some(u) = m.uniform.iter().find(|c| !uniform_allowed(**c)) {
        return Err(unknown_contributor(u.as_str()));
    }
    Ok(())
}

/// Whether a contributor may be listed in `uniform`: the seven random ones of the
/// tooling-pin model (not the systematic thermal term, nor the nest's own, whose
/// laws are fixed).
fn uniform_allowed(c: Contributor) -> bool {
    CONTRIBUTORS[..7].contains(&c)
}

fn unknown_contributor(name: &str) -> ToleranceError {
    ToleranceError::UnknownContributor {
        found: name.to_string(),
        expected: CONTRIBUTORS[..7]
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}
