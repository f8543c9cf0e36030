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
    /// Every part, with its copies' placements.
    pub parts: Vec<FramePart>,
    /// The hinge rule, checked per probe and side.
    pub hinge: HingeCheck,
    /// The hardware list (screws, nuts, pins, standoffs, latch).
    pub hardware: Vec<HardwareItem>,
    /// Findings of the interference check of the closed assembly (empty: none).
    pub interference: Vec<Interference>,
    /// Board parts the check looked at (every part of the board).
    pub parts_checked: usize,
    /// Numbered assembly steps, in order.
    pub assembly: Vec<String>,
    /// The parts each assembly step adds (by `FramePart::name`, parallel to
    /// `assembly`): what its picture shows besides the parts of the steps before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assembly_parts: Vec<Vec<String>>,
    /// The head swung open about the hinge: its parts checked against the board's parts
    /// and the frame along the arc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swing: Option<SwingCheck>,
}

/// The swing-path check: the head turns about the hinge axis from closed to
/// `open_deg`; at every `step_deg` its parts (head top and sides, upper plate, push
/// fingers) are checked against boxes of the board's parts at their heights and
/// against the frame parts that do not swing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwingCheck {
    /// The opening angle the head swings to, degrees.
    pub open_deg: f64,
    /// The angle step of the check, degrees.
    pub step_deg: f64,
    /// Findings (rule `swing_clearance`), one per head part and obstacle, at the first
    /// angle they meet; empty when the path is clear.
    pub findings: Vec<Interference>,
}

/// What a part is in the fixture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FramePartRole {
    /// The base plate the frame stands on.
    Base,
    /// A side plate carrying the hinge pin.
    SidePlate,
    /// The front plate carrying the latch.
    FrontPlate,
    /// A probe plate (drawn and drilled by the plate files, `plate-SIDE.*`).
    ProbePlate,
    /// The plate carrying the push fingers on the face opposite the probes.
    PressurePlate,
    /// The head's top plate.
    HeadTop,
    /// A side plate of the head (on the hinge pin).
    HeadSide,
    /// A printed push finger.
    PushFinger,
    /// The nest the board lies in (drawn by the nest files, `nest.*`), on the lower
    /// plate under the board's bottom face.
    Nest,
    /// A tooling (guide) pin pressed into the lower plate, standing up through the
    /// board's hole.
    ToolingPin,
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
    /// Made from the nest files (`nest.dxf`, `nest.stl`).
    NestFiles,
    /// Bought (the hardware list orders it); `frame-NAME.stl` models it for the
    /// assembly.
    Bought,
}

/// What a hole in a frame part takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolePurpose {
    /// The M3 screw of a tab-and-slot joint.
    M3Screw,
    /// A standoff's screw holding a plate.
    Standoff,
    /// The hinge pin.
    HingePin,
    /// The draw latch's screws.
    Latch,
    /// The screw holding a printed push finger to the pressure plate.
    FingerScrew,
    /// A tap drill for an M3 thread (in a printed push finger).
    TapM3,
    /// A tooling pin: pressed into the lower plate, or the upper plate's clearance
    /// round the pin's end.
    ToolingPin,
}

json_names!(HolePurpose {
    M3Screw => "m3_screw",
    Standoff => "standoff",
    HingePin => "hinge_pin",
    Latch => "latch",
    FingerScrew => "finger_screw",
    TapM3 => "tap_m3",
    ToolingPin => "tooling_pin",
});

/// What a line of the hardware list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardwareKind {
    /// A screw.
    Screw,
    /// A nut.
    Nut,
    /// A standoff (spacer) between plates.
    Standoff,
    /// The hinge pin.
    HingePin,
    /// A washer.
    Washer,
    /// A retaining clip (E-clip) on the hinge pin.
    Clip,
    /// The draw latch.
    Latch,
    /// A tooling (guide) pin.
    ToolingPin,
    /// A spring probe or its receptacle.
    Probe,
}

json_names!(HardwareKind {
    Screw => "screw",
    Nut => "nut",
    Standoff => "standoff",
    HingePin => "hinge_pin",
    Washer => "washer",
    Clip => "clip",
    Latch => "latch",
    ToolingPin => "tooling_pin",
    Probe => "probe",
});

/// A round hole through a part, in the part's own 2D frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameHole {
    /// Centre x, mm, part frame.
    pub x: f64,
    /// Centre y, mm, part frame.
    pub y: f64,
    /// Diameter, mm.
    pub diameter_mm: f64,
    /// What goes through it.
    pub purpose: HolePurpose,
}

/// A pocket milled into the face at local z = thickness (a probe plate's relief for a
/// tall part); `depth_mm` equal to the thickness goes through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FramePocket {
    /// The pocket's outline, part frame.
    pub ring: Vec<PointMm>,
    /// Depth from the face, mm.
    pub depth_mm: f64,
    /// Why it is there (the board part it clears).
    pub reason: PocketReason,
}

/// Why a pocket is milled into a frame part. Written in `fixture.json` as the words
/// `relief pocket for REF` and `nest pocket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PocketReason {
    /// A probe plate's relief for a tall board part (its reference).
    Relief(String),
    /// The nest's pocket the board drops into (board thickness deep).
    NestPocket,
}

impl PocketReason {
    const RELIEF: &'static str = "relief pocket for ";
    const NEST: &'static str = "nest pocket";
}

impl std::fmt::Display for PocketReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PocketReason::Relief(r) => write!(f, "{}{r}", Self::RELIEF),
            PocketReason::NestPocket => f.write_str(Self::NEST),
        }
    }
}

impl From<PocketReason> for String {
    fn from(r: PocketReason) -> String {
        r.to_string()
    }
}

impl TryFrom<String> for PocketReason {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s == Self::NEST {
            Ok(PocketReason::NestPocket)
        } else if let Some(r) = s.strip_prefix(Self::RELIEF) {
            Ok(PocketReason::Relief(r.to_string()))
        } else {
            Err(format!(
                "expected `{}REF` or `{}`, found `{s}`",
                Self::RELIEF,
                Self::NEST
            ))
        }
    }
}

/// Where a copy of a part sits: local (x, y, z) maps to `origin + x u + y v + z n`, with
/// n = u × v (the extrusion direction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// Where local (0, 0, 0) goes, model mm.
    pub origin: [f64; 3],
    /// The local x axis in the model (unit vector).
    pub u: [f64; 3],
    /// The local y axis in the model (unit vector).
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

    /// The local (x, y, z) of a model point (the inverse of [`Placement::apply`]).
    pub fn local(&self, w: [f64; 3]) -> [f64; 3] {
        let d: [f64; 3] = std::array::from_fn(|k| w[k] - self.origin[k]);
        let dot = |a: [f64; 3]| a[0] * d[0] + a[1] * d[1] + a[2] * d[2];
        [dot(self.u), dot(self.v), dot(self.normal())]
    }

    /// This placement swung about the hinge axis (parallel to X through
    /// (`axis_y`, `axis_z`)) by `open_deg`, the way the head opens: the front (-Y)
    /// rises. `clamshell.scad`'s `open_deg` turns the head the same way.
    pub fn swung(&self, axis_y: f64, axis_z: f64, open_deg: f64) -> Placement {
        let (sin, cos) = open_deg.to_radians().sin_cos();
        let turn = |v: [f64; 3]| [v[0], v[1] * cos + v[2] * sin, -v[1] * sin + v[2] * cos];
        let o = turn([
            self.origin[0],
            self.origin[1] - axis_y,
            self.origin[2] - axis_z,
        ]);
        Placement {
            origin: [o[0], o[1] + axis_y, o[2] + axis_z],
            u: turn(self.u),
            v: turn(self.v),
        }
    }
}

/// One part of the clamshell (one file per part; `placements` gives every copy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FramePart {
    /// File stem after `frame-` (`base`, `side-left`, `finger-12.5`).
    pub name: String,
    /// What the part is in the fixture.
    pub role: FramePartRole,
    /// How it is made.
    pub making: Making,
    /// Thickness (extrusion), mm.
    pub thickness_mm: f64,
    /// Closed outline, counter-clockwise, local 2D frame.
    pub outline: Vec<PointMm>,
    /// Closed rings cut through (slots for tabs, openings).
    #[serde(default)]
    pub cutouts: Vec<Vec<PointMm>>,
    /// Round holes through the part.
    #[serde(default)]
    pub holes: Vec<FrameHole>,
    /// Pockets milled into its top face.
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
    /// Every probe meets the board within the rule's angle.
    Met,
    /// The hinge cannot be placed to meet the rule (the reason says why).
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
    /// Height of the hinge axis, model frame, mm.
    pub axis_z_mm: f64,
    /// Hinge pin diameter, mm.
    pub hinge_pin_diameter_mm: f64,
    /// The rule's largest angle from vertical, degrees (OpenFixture: 0.5).
    pub max_angle_deg: f64,
    /// Met or refused.
    pub status: HingeStatus,
    /// Why it is met, or why refused.
    pub reason: String,
    /// The rule on each probed side.
    pub sides: Vec<HingeSide>,
}

/// The hinge rule on one probed side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HingeSide {
    /// The probed side.
    pub side: Side,
    /// Met or refused on this side.
    pub status: HingeStatus,
    /// The probe meeting the board farthest from vertical, and its angle.
    pub worst_probe: String,
    /// That probe's angle from vertical, degrees.
    pub worst_angle_deg: f64,
    /// Every probe of the side.
    pub probes: Vec<ProbeAngle>,
}

/// The angle from vertical at which one probe meets the board as the head closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeAngle {
    /// The probe id.
    pub probe: String,
    /// Distance from the hinge axis, mm.
    pub distance_mm: f64,
    /// Its compression at working travel, mm.
    pub compression_mm: f64,
    /// The angle from vertical, degrees.
    pub angle_deg: f64,
}

/// One line of the hardware list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardwareItem {
    /// What it is.
    pub kind: HardwareKind,
    /// Metric size (`M3 x 16`, `D6 x 120`).
    pub size: String,
    /// Standard or description (`ISO 4762 socket head cap screw`).
    pub description: String,
    /// How many.
    pub quantity: u32,
    /// What they are for.
    pub used_for: HardwareUse,
}

/// What a line of the hardware list is for (written as the words below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HardwareUse {
    /// The screws of the tab-and-slot joints.
    #[serde(rename = "tab-and-slot joints (into the captive nuts)")]
    JointScrews,
    /// The captive nuts of the T-slots.
    #[serde(rename = "captive nuts of the T-slots")]
    JointNuts,
    /// Standoffs from the base to the lower plate.
    #[serde(rename = "base to lower plate")]
    BaseStandoffs,
    /// Standoffs from the head top to the upper plate.
    #[serde(rename = "head top to upper plate")]
    HeadStandoffs,
    /// Screws into the standoffs.
    #[serde(rename = "standoffs (two per standoff)")]
    StandoffScrews,
    /// Long screws through the nest and the lower plate into the base standoffs.
    #[serde(rename = "nest and lower plate to the base standoffs")]
    NestScrews,
    /// The hinge pin.
    #[serde(rename = "hinge through side plates and head sides")]
    Hinge,
    /// Washers on the hinge pin.
    #[serde(rename = "between the side plates and the head sides")]
    HingeWashers,
    /// Clips on the hinge pin ends.
    #[serde(rename = "hinge pin ends")]
    HingeClips,
    /// The draw latch.
    #[serde(rename = "holds the head closed")]
    Latch,
    /// Screws and nuts of the latch and its keeper.
    #[serde(rename = "latch and keeper")]
    LatchFixing,
    /// Screws holding the printed push fingers.
    #[serde(rename = "push fingers (into the printed finger's M3 tap hole)")]
    FingerScrews,
    /// Tooling (guide) pins.
    #[serde(rename = "board registration")]
    Registration,
    /// Probes and receptacles.
    #[serde(rename = "probes")]
    Probes,
}

json_names!(HardwareUse {
    JointScrews => "tab-and-slot joints (into the captive nuts)",
    JointNuts => "captive nuts of the T-slots",
    BaseStandoffs => "base to lower plate",
    HeadStandoffs => "head top to upper plate",
    StandoffScrews => "standoffs (two per standoff)",
    NestScrews => "nest and lower plate to the base standoffs",
    Hinge => "hinge through side plates and head sides",
    HingeWashers => "between the side plates and the head sides",
    HingeClips => "hinge pin ends",
    Latch => "holds the head closed",
    LatchFixing => "latch and keeper",
    FingerScrews => "push fingers (into the printed finger's M3 tap hole)",
    Registration => "board registration",
    Probes => "probes",
});

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
    /// A push finger on a mounting hole's pad or plated ring.
    FingerOnRing,
    /// A push finger that meets the nest's ledge instead of passing through its opening.
    FingerOnNest,
    /// Two fixture parts of the closed stack-up take the same room.
    PartOverlap,
    /// A head part meets a board part or the frame as the head swings open.
    SwingClearance,
}

json_names!(InterferenceRule {
    PartClearance => "part_clearance",
    ConnectorClearance => "connector_clearance",
    FingerOnPad => "finger_on_pad",
    FingerOnPart => "finger_on_part",
    FingerOnRing => "finger_on_ring",
    FingerOnNest => "finger_on_nest",
    PartOverlap => "part_overlap",
    SwingClearance => "swing_clearance",
});

/// One finding of the interference check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interference {
    /// The rule it breaks.
    pub rule: InterferenceRule,
    /// The fixture part (`frame-NAME`, `finger at (x, y)`).
    pub fixture_part: String,
    /// The board part or pad (`J3`, `P12`).
    pub board_part: String,
    /// What is wrong, with the figures.
    pub message: String,
    /// Page coordinates of the board part, mm.
    pub at: [f64; 2],
}
