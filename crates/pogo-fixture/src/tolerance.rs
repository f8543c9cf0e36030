//! Positional tolerance section of `fixture.json`. Owned by the tolerance work
//! (`pogo-tolerance` fills these; `docs/tolerance.md` explains the model).
//!
//! Conventions: lengths in mm, page coordinates (x right, y down). Every tolerance is
//! a plus/minus figure at 3 sigma (normal) unless the contributor is listed in
//! [`ToleranceModel::uniform`], where it is the half-width of a uniform law (the
//! radius of a uniform disc for planar contributors).

use serde::{Deserialize, Serialize};

/// The fixture-level result of the positional tolerance analysis.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ToleranceSummary {
    /// Probability that every probe lands fully on its pad on one insertion (joint:
    /// the probes share the board's shift, rotation and the plate's scale).
    pub contact_yield: f64,
    /// Standard error of `contact_yield` from the randomized quasi-Monte Carlo over
    /// the shared (board) variables.
    pub contact_yield_std_error: f64,
    /// How `contact_yield` was computed.
    pub contact_yield_method: String,
    /// The product of the per-probe hit probabilities (what the yield would be if the
    /// probes were independent), for comparison.
    pub independent_product: f64,
    /// Sum over probes of the miss probabilities: expected probes off their pads per
    /// insertion.
    pub expected_misses: f64,
    /// Monte Carlo cross-check of the yield (`pogo tolerance --mc N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_yield_mc: Option<MonteCarloYield>,
    /// The contributor values used, so `pogo tolerance fixture.json` can recompute.
    pub model: ToleranceModel,
    /// The point the board's rotation and the thermal and scale terms act about.
    pub datum: ToleranceDatum,
    /// One row per contributor.
    pub sensitivity: Vec<Sensitivity>,
    /// The probes least likely to hit, worst first (at most 10).
    pub weakest_probes: Vec<WeakProbe>,
    /// Worst-case (arithmetic) stack of every contributor's full tolerance.
    pub worst_case: OffsetStack,
    /// Root-sum-square stack (every contributor at 3 sigma).
    pub rss: OffsetStack,
}

/// The resolved contributor values (what `[tolerance]` of `pogo.toml` gave, with the
/// plate process defaults filled in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToleranceModel {
    /// Multiplier on the IDI pointing accuracy e = c (0.625 a/b + 0.125) of each part
    /// (c barrel inner minus plunger diameter, a extended plunger, b retained plunger);
    /// e is taken as the tip's plus/minus position at 3 sigma per axis.
    pub pointing_scale: f64,
    /// Diametral clearance between receptacle and its plate hole, mm; the receptacle
    /// centre moves by plus/minus half of it.
    pub receptacle_clearance_mm: f64,
    /// Probe plate process: `cnc`, `laser` or `print3d`.
    pub plate_process: PlateProcess,
    /// Probe hole position tolerance in the plate, plus/minus mm per axis.
    pub plate_drill_position_mm: f64,
    /// Plate scale error, plus/minus parts per million (acts about the datum).
    pub plate_scale_ppm: f64,
    /// Diametral clearance between a tooling pin and the board's tooling hole, mm.
    pub tooling_pin_clearance_mm: f64,
    /// Tooling hole position tolerance on the board, plus/minus mm per axis.
    pub tooling_hole_position_mm: f64,
    /// Board fabrication pad (copper) to drilled hole registration, plus/minus mm per axis.
    pub pad_registration_mm: f64,
    /// In-plane coefficients of thermal expansion, ppm/K.
    pub board_cte_ppm_per_k: f64,
    /// Plate coefficient of thermal expansion, ppm/K.
    pub plate_cte_ppm_per_k: f64,
    /// Temperatures of board and plate above the temperature the plate was drilled at, K.
    pub board_delta_t_k: f64,
    /// Plate temperature above its drilling temperature, K.
    pub plate_delta_t_k: f64,
    /// Contributors whose figure is the half-width of a uniform law instead of 3 sigma
    /// of a normal one (ids as in [`Sensitivity::contributor`]).
    #[serde(default)]
    pub uniform: Vec<Contributor>,
    /// Points of the randomized quasi-Monte Carlo over the shared variables.
    pub yield_points: usize,
    /// Seed of the randomization (results are reproducible).
    pub seed: u64,
}

/// The reference point of the rotation, scale and thermal terms.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ToleranceDatum {
    /// Datum, mm.
    pub x: f64,
    /// Datum y, mm.
    pub y: f64,
    /// Distance between the two locating holes, mm (rotation = differential shift / span).
    pub span_mm: f64,
    /// Where the datum comes from, in words (tooling pins, board holes, outline box).
    pub source: String,
}

/// How much one contributor matters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sensitivity {
    /// Which contributor.
    pub contributor: Contributor,
    /// `normal` (figure at 3 sigma), `uniform` or `systematic` (a mean offset).
    pub distribution: Distribution,
    /// The figure used and its unit, e.g. `±0.025 mm`.
    pub tolerance: String,
    /// Share of the tip position variance this contributor explains, averaged over
    /// probes (0..1; a systematic term has none).
    pub variance_share: f64,
    /// Largest 3-sigma (or uniform half-width, or systematic) tip offset it causes at
    /// any probe, mm.
    pub max_offset_mm: f64,
    /// `contact_yield` with this contributor halved (the rest unchanged): the yield
    /// plus the change measured on a quarter of the points, base and halved on the
    /// same points.
    pub yield_if_halved: f64,
    /// `yield_if_halved - contact_yield`.
    pub yield_gain: f64,
}

/// A probe with a low hit probability.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WeakProbe {
    /// Probe id.
    pub id: String,
    /// Its net.
    pub net: String,
    /// Probability that its tip lands fully on the pad.
    pub hit_probability: f64,
    /// Distance from the tip's mean place to the edge of the region its centre may
    /// occupy (pad eroded by the contact radius), mm; negative when outside.
    pub margin_mm: f64,
    /// Worst-case radial tip offset, mm.
    pub worst_case_offset_mm: f64,
    /// Root-sum-square radial tip offset, mm.
    pub rss_offset_mm: f64,
    /// The contributor with the largest variance share at this probe.
    pub dominant_contributor: Contributor,
}

/// Deterministic stack-ups beside the probabilistic result.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OffsetStack {
    /// Largest radial tip offset over the probes, mm, and the probe where it occurs.
    pub max_offset_mm: f64,
    /// The probe where it occurs.
    pub probe: String,
    /// Probes whose offset exceeds their margin (would miss under this stack).
    pub probes_failing: usize,
}

/// Monte Carlo estimate of the contact yield.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MonteCarloYield {
    /// Insertions simulated (every probe sampled on each).
    pub insertions: u64,
    /// Seed of the sampler.
    pub seed: u64,
    /// Share of the samples where every probe hit.
    pub contact_yield: f64,
    /// Standard error of that share.
    pub std_error: f64,
}

/// The process that makes the probe plate (sets the defaults of its figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlateProcess {
    /// CNC-drilled glass-epoxy (G10/FR4) plate.
    #[default]
    Cnc,
    /// Laser-cut acrylic plate.
    Laser,
    /// 3D-printed plate (FDM/SLA).
    Print3d,
}

json_names!(PlateProcess {
    Cnc => "cnc",
    Laser => "laser",
    Print3d => "print3d",
});

impl PlateProcess {
    /// Typical figures: (drill position ± mm, scale ± ppm, plate CTE ppm/K), to be
    /// replaced by the shop's own.
    pub fn figures(self) -> (f64, f64, f64) {
        match self {
            PlateProcess::Cnc => (0.025, 50.0, 14.0),
            PlateProcess::Laser => (0.05, 300.0, 70.0),
            PlateProcess::Print3d => (0.10, 2000.0, 68.0),
        }
    }
}

/// A contributor to the tip's position error. With a nest, the two locating
/// contributors are the pocket clearance and the board's outline tolerance instead of
/// the tooling pin clearance and the tooling hole position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contributor {
    /// The probe's pointing accuracy (IDI formula).
    #[default]
    Pointing,
    /// Receptacle to plate hole clearance.
    ReceptacleClearance,
    /// Probe hole position in the plate.
    PlateDrillPosition,
    /// Plate scale error.
    PlateScale,
    /// Tooling pin to tooling hole clearance.
    ToolingPinClearance,
    /// Tooling hole position on the board.
    ToolingHolePosition,
    /// Copper to drilled hole registration of the board.
    PadRegistration,
    /// Board and plate thermal expansion (systematic).
    ThermalExpansion,
    /// A nest's pocket clearance (in place of the tooling pin clearance).
    NestClearance,
    /// The board outline's fab tolerance, with a nest (in place of the tooling hole
    /// position).
    OutlineTolerance,
}

json_names!(Contributor {
    Pointing => "pointing",
    ReceptacleClearance => "receptacle_clearance",
    PlateDrillPosition => "plate_drill_position",
    PlateScale => "plate_scale",
    ToolingPinClearance => "tooling_pin_clearance",
    ToolingHolePosition => "tooling_hole_position",
    PadRegistration => "pad_registration",
    ThermalExpansion => "thermal_expansion",
    NestClearance => "nest_clearance",
    OutlineTolerance => "outline_tolerance",
});

/// The law of a contributor in the sensitivity table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distribution {
    /// Normal, the figure at 3 sigma.
    #[default]
    Normal,
    /// Uniform, the figure its half-width (radius for a planar contributor).
    Uniform,
    /// A systematic mean offset.
    Systematic,
}

json_names!(Distribution {
    Normal => "normal",
    Uniform => "uniform",
    Systematic => "systematic",
});

impl ToleranceModel {
    /// The defaults for a plate process.
    pub fn for_process(process: PlateProcess) -> ToleranceModel {
        let (drill, scale, cte) = process.figures();
        ToleranceModel {
            pointing_scale: 1.0,
            receptacle_clearance_mm: 0.02,
            plate_process: process,
            plate_drill_position_mm: drill,
            plate_scale_ppm: scale,
            tooling_pin_clearance_mm: 0.05,
            tooling_hole_position_mm: 0.075,
            pad_registration_mm: 0.075,
            board_cte_ppm_per_k: 16.0,
            plate_cte_ppm_per_k: cte,
            board_delta_t_k: 5.0,
            plate_delta_t_k: 0.0,
            uniform: Vec::new(),
            yield_points: 1024,
            seed: 1,
        }
    }
}

impl Default for ToleranceModel {
    /// The CNC-drilled plate defaults.
    fn default() -> Self {
        Self::for_process(PlateProcess::Cnc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names are checked with every closed set's (`json_names_are_the_serde_names`);
    /// here the padding the reports rely on.
    #[test]
    fn closed_sets_pad_their_names() {
        assert_eq!(format!("{:<8}|", PlateProcess::Cnc), "cnc     |");
        assert!(serde_json::from_str::<PlateProcess>("\"waterjet\"").is_err());
    }
}
