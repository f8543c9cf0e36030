//! Clamshell section of `fixture.json`: the whole fixture as parts a laser cutter or a
//! printer can make (`mechanism = "clamshell"` in `pogo.toml`). Built by
//! `pogo-mechanics` (`clamshell` module), written by `pogo-output` (one DXF and one STL
//! per part, `clamshell.scad`, `hardware.csv`, the report's pictures); documented in
//! `docs/fixture-schema.md`.
//!
//! **Frame.** Unlike the rest of the file, the parts are placed in the 3D model frame of
//! the OpenSCAD files: X = page x, Y = -(page y), Z up, mm; the board's bottom face at
//! Z = 0. Each part is a flat profile (outline, cut-outs, round holes) in its own 2D
//! frame, extruded by its thickness and placed by [`Placement`]s (one per copy).

use pogo_geom::{PointMm, Side};
use serde::{Deserialize, Serialize};

/// `mechanism = "press_plates" | "clamshell"`: what closes the fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// The plate stack alone (probe plates, pressure plate, spacers), for a bought
    /// press, vacuum box or fixture kit.
    #[default]
    PressPlates,
    /// A complete hinged clamshell: base, frame, hinged head, latch.
    Clamshell,
}

/// The clamshell fixture: parts, hinge check, hardware, interference and assembly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clamshell {
    /// Sheet material thickness of the laser-cut frame parts, mm.
    pub sheet_thickness_mm: f64,
    /// Laser kerf the DXF paths are compensated for, mm.
    pub kerf_mm: f64,
    /// Clearance kept between any fixture part and the board's parts, mm.
    pub clearance_mm: f64,
    pub parts: Vec<FramePart>,
    pub hinge: HingeCheck,
    pub hardware: Vec<HardwareItem>,
    /// Findings of the interference check of the closed assembly (empty: none).
    pub interference: Vec<Interference>,
    /// Board parts the check looked at (every part of the board).
    pub parts_checked: usize,
    /// Numbered assembly steps, in order.
    pub assembly: Vec<String>,
}

/// What a part is in the fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FramePartRole {
    Base,
    SidePlate,
    FrontPlate,
    /// A probe plate (drawn and drilled by the plate files, `plate-SIDE.*`).
    ProbePlate,
    /// The plate carrying the push fingers on the face opposite the probes.
    PressurePlate,
    HeadTop,
    HeadSide,
    PushFinger,
}

/// How a part is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Making {
    /// Cut from sheet (`frame-NAME.dxf`); `frame-NAME.stl` prints it instead.
    Laser,
    /// Printed (`frame-NAME.stl`).
    Print,
    /// Made from the probe plate files (`plate-SIDE.drl`, `.dxf`, `.stl`).
    PlateFiles,
}

/// A round hole through a part, in the part's own 2D frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameHole {
    pub x: f64,
    pub y: f64,
    pub diameter_mm: f64,
    /// `m3_screw`, `mounting`, `hinge_pin`, `latch`, `finger_screw`, `tap_m3`.
    pub purpose: String,
}

/// A pocket milled into the face at local z = thickness (a probe plate's relief for a
/// tall part); `depth_mm` equal to the thickness goes through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FramePocket {
    pub ring: Vec<PointMm>,
    pub depth_mm: f64,
    pub reason: String,
}

/// Where a copy of a part sits: local (x, y, z) maps to `origin + x u + y v + z n`, with
/// n = u × v (the extrusion direction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    pub origin: [f64; 3],
    pub u: [f64; 3],
    pub v: [f64; 3],
}

impl Placement {
    /// A flat part lying with its local frame on the model's XY, bottom face at `z`.
    pub fn flat(z: f64) -> Placement {
        Placement {
            origin: [0.0, 0.0, z],
            u: [1.0, 0.0, 0.0],
            v: [0.0, 1.0, 0.0],
        }
    }

    /// The extrusion direction u × v.
    pub fn normal(&self) -> [f64; 3] {
        let (u, v) = (self.u, self.v);
        [
            u[1] * v[2] - u[2] * v[1],
            u[2] * v[0] - u[0] * v[2],
            u[0] * v[1] - u[1] * v[0],
        ]
    }

    /// The model point of local (x, y, z).
    pub fn apply(&self, p: [f64; 3]) -> [f64; 3] {
        let n = self.normal();
        std::array::from_fn(|k| self.origin[k] + p[0] * self.u[k] + p[1] * self.v[k] + p[2] * n[k])
    }
}

/// One part of the clamshell (one file per part; `placements` gives every copy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FramePart {
    /// File stem after `frame-` (`base`, `side-left`, `finger-12.5`).
    pub name: String,
    pub role: FramePartRole,
    pub making: Making,
    pub thickness_mm: f64,
    /// Closed outline, counter-clockwise, local 2D frame.
    pub outline: Vec<PointMm>,
    /// Closed rings cut through (slots for tabs, openings).
    #[serde(default)]
    pub cutouts: Vec<Vec<PointMm>>,
    #[serde(default)]
    pub holes: Vec<FrameHole>,
    #[serde(default)]
    pub pockets: Vec<FramePocket>,
    /// True for the parts that swing with the head.
    pub on_head: bool,
    /// Every copy, closed position.
    pub placements: Vec<Placement>,
}

/// Whether the hinge rule is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HingeStatus {
    Met,
    Refused,
}

/// OpenFixture's hinge rule: every probe meets the board within `max_angle_deg` of
/// vertical. A probe `r` mm from the hinge axis that is compressed `c` mm meets the
/// board with the head still open by asin(c / r); the chord it travels then leans
/// half of that from vertical, so the rule asks r >= c / sin(2 max_angle).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HingeCheck {
    /// Hinge axis: parallel to X through (axis_y_mm, axis_z_mm), model frame.
    pub axis_y_mm: f64,
    pub axis_z_mm: f64,
    pub hinge_pin_diameter_mm: f64,
    pub max_angle_deg: f64,
    pub status: HingeStatus,
    /// Why it is met, or why refused.
    pub reason: String,
    pub sides: Vec<HingeSide>,
}

/// The hinge rule on one probed side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HingeSide {
    pub side: Side,
    pub status: HingeStatus,
    /// The probe meeting the board farthest from vertical, and its angle.
    pub worst_probe: String,
    pub worst_angle_deg: f64,
    pub probes: Vec<ProbeAngle>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeAngle {
    pub probe: String,
    /// Distance from the hinge axis, mm.
    pub distance_mm: f64,
    pub compression_mm: f64,
    pub angle_deg: f64,
}

/// One line of the hardware list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardwareItem {
    /// `screw`, `nut`, `standoff`, `hinge_pin`, `washer`, `latch`, `tooling_pin`, `probe`.
    pub kind: String,
    /// Metric size (`M3 x 16`, `D6 x 120`).
    pub size: String,
    /// Standard or description (`ISO 4762 socket head cap screw`).
    pub description: String,
    pub quantity: u32,
    pub used_for: String,
}

/// The rule an interference finding breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterferenceRule {
    /// A fixture part within the clearance of a board part's body.
    PartClearance,
    /// The head or frame within the clearance of a connector.
    ConnectorClearance,
    /// A push finger on a probed pad.
    FingerOnPad,
    /// A push finger on a part that cannot take it.
    FingerOnPart,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interference {
    pub rule: InterferenceRule,
    /// The fixture part (`frame-NAME`, `finger at (x, y)`).
    pub fixture_part: String,
    /// The board part or pad (`J3`, `P12`).
    pub board_part: String,
    pub message: String,
    /// Page coordinates of the board part, mm.
    pub at: [f64; 2],
}
