//! Registration section of `fixture.json`: how the fixture holds the board where the
//! probes expect it (guide pins in the board's tooling holes, or a nest: a plate with a
//! pocket cut to the board outline), the kind of fixture, and the edge rules that follow
//! from both. Owned by the registration work (`pogo-design` decides, `pogo-mechanics`
//! draws the nest, `pogo-output` writes it); documented in `docs/fixture-schema.md`.
//!
//! Coordinates are page coordinates (mm, x right, y down), as everywhere in the file.

use pogo_geom::{PointMm, PolygonMm, Side};
use serde::{Deserialize, Serialize};

/// What `pogo.toml` asks for: `registration = "auto" | "tooling_pins" | "nest"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationRequest {
    /// Tooling pins when the board has at least two usable holes placed to stop
    /// rotation, else a nest.
    #[default]
    Auto,
    /// Guide pins in the board's tooling holes.
    ToolingPins,
    /// A nest cut to the board outline.
    Nest,
}

/// How the fixture registers the board (the choice made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    /// Guide pins through the board's non-plated tooling holes.
    ToolingPins,
    /// A plate with a pocket: the board outline offset outward by the clearance.
    Nest,
}

impl RegistrationKind {
    /// The name as written in `fixture.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationKind::ToolingPins => "tooling_pins",
            RegistrationKind::Nest => "nest",
        }
    }
}

/// `fixture_kind = "mechanical" | "vacuum" | "programming_jig"`: how the board is held
/// down on the probes, which decides the edge rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixtureKind {
    /// Clamped by a lid, lever or press with push fingers (no seal).
    #[default]
    Mechanical,
    /// Pulled down by vacuum under a gasket that seals round the board edge.
    Vacuum,
    /// A small jig that holds a board for programming through pogo pins.
    ProgrammingJig,
}

impl FixtureKind {
    /// The name as written in `fixture.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            FixtureKind::Mechanical => "mechanical",
            FixtureKind::Vacuum => "vacuum",
            FixtureKind::ProgrammingJig => "programming_jig",
        }
    }
}

/// `outline_edge = "routed" | "v_scored"`: how the board edge was cut, which sets the
/// default nest clearance (0.1 mm routed, 0.2 mm V-scored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutlineEdge {
    /// A routed (milled) edge.
    #[default]
    Routed,
    /// A V-scored edge (broken out of a panel).
    VScored,
}

impl OutlineEdge {
    /// Default nest clearance for this edge, mm (FixturFab "Cradles": 0.1 mm for routed
    /// edges, at least 0.2 mm for V-scored ones).
    pub fn default_clearance_mm(self) -> f64 {
        match self {
            OutlineEdge::Routed => 0.1,
            OutlineEdge::VScored => 0.2,
        }
    }
}

/// One edge or registration rule as applied to this fixture: its value and why it
/// applies to this kind of fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindRule {
    /// Rule id (`outline_clearance`, `nest_clearance`, ...).
    pub rule: crate::RuleId,
    /// The figure, mm.
    pub value_mm: f64,
    /// Why it applies (and with which value) to this kind of fixture.
    pub why: String,
}

/// The registration of the board in the fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    /// The choice: `tooling_pins` or `nest`.
    pub kind: RegistrationKind,
    /// What `pogo.toml` asked for (`auto` unless set).
    pub requested: RegistrationRequest,
    /// Why this registration, in words.
    pub reason: String,
    /// How the board is held down on the probes.
    pub fixture_kind: FixtureKind,
    /// How the board edge was cut.
    pub outline_edge: OutlineEdge,
    /// Nest pocket clearance: the outline is offset outward by this much, mm (the
    /// clearance a nest would have when the kind is `tooling_pins`).
    pub clearance_mm: f64,
    /// Fab tolerance of the board outline, plus/minus mm.
    pub outline_tolerance_mm: f64,
    /// The nest pocket: the board outline (cut-outs and concave parts included) offset
    /// outward by `clearance_mm`; empty with tooling pins.
    #[serde(default)]
    pub pocket: Vec<PolygonMm>,
    /// The edge and registration rules of this kind of fixture, each with its value
    /// and why.
    #[serde(default)]
    pub rules: Vec<KindRule>,
    /// The nest plate, when the kind is `nest` and the mechanics are built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nest: Option<Nest>,
}

/// A probe clearance hole through the nest is the probe's tip diameter plus this, mm
/// (FixturFab "Cradles"): the design keeps such holes off the pocket wall, the mechanics
/// drill them.
pub const NEST_HOLE_MARGIN_MM: f64 = 1.0;

/// A probe clearance hole through the nest (probe tip + [`NEST_HOLE_MARGIN_MM`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NestHole {
    /// The probe that passes through it.
    pub probe: String,
    /// Hole centre, mm.
    pub x: f64,
    /// Hole centre y, mm.
    pub y: f64,
    /// Hole diameter, mm.
    pub diameter_mm: f64,
}

/// A relief cut into the nest for a part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NestRelief {
    /// The part it clears.
    pub reference: String,
    /// Why the relief is cut.
    pub kind: NestReliefKind,
    /// The relief area, page coordinates.
    pub area: Vec<PolygonMm>,
}

/// Why a relief is cut into the nest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NestReliefKind {
    /// The part hangs over the board outline: the pocket is widened round it.
    Overhang,
    /// A part on the nest face sits over the support ledge: cut through.
    Ledge,
}

/// The nest plate: a plate whose top face has the pocket the board drops into, with a
/// support ledge round a through opening (where the probes and the parts of the board's
/// nest face are), clearance holes where a probe passes through the ledge, a lead-in
/// chamfer round the pocket and a finger notch to lift the board out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nest {
    /// The board face that rests in the nest (the face the nest's probes touch).
    pub side: Side,
    /// Plate outline, closed ring.
    pub plate_outline: Vec<PointMm>,
    /// Plate thickness, mm.
    pub thickness_mm: f64,
    /// Pocket depth: the board thickness.
    pub pocket_depth_mm: f64,
    /// Lead-in chamfer round the pocket's top edge (45 degrees), mm.
    pub lead_in_chamfer_mm: f64,
    /// Width of the ledge the board rests on, from the board edge inward, mm.
    pub ledge_width_mm: f64,
    /// What is milled to the pocket depth: the pocket, the finger notch and the
    /// overhang reliefs.
    pub cut: Vec<PolygonMm>,
    /// What goes through the plate inside the ledge: the outline eroded by the ledge
    /// width, the probe clearance holes and the ledge reliefs.
    pub opening: Vec<PolygonMm>,
    /// Probe clearance holes through the ledge.
    pub probe_holes: Vec<NestHole>,
    /// Reliefs for parts (overhanging the outline or over the ledge).
    pub reliefs: Vec<NestRelief>,
    /// Centre of the finger notch (on the pocket wall) and its radius, mm.
    pub finger_notch: [f64; 3],
    /// Screw holes through the whole plate (in a clamshell: the four the nest shares
    /// with the lower plate's standoffs, whose screws fix it); none on its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub screw_holes: Vec<NestScrewHole>,
}

/// A screw hole through the nest plate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NestScrewHole {
    /// Hole centre x, mm.
    pub x: f64,
    /// Hole centre y, mm.
    pub y: f64,
    /// Hole diameter, mm.
    pub diameter_mm: f64,
}
