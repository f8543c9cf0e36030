//! Mechanics section of `fixture.json`: stack-up, tooling, force, channels.
//! Filled by `pogo-mechanics`; read by the writers (`pogo-output`) and the report.
//!
//! Heights are measured along the probe axis, in mm, from the **top face of the probe
//! plate** (the face the receptacles are pressed in from) towards the board. The
//! *set height* is the distance from that face to the probed face of the board when
//! the fixture is closed (the board resting on its support posts). A probe whose tip
//! stands `tip_height_mm` above the plate when free is compressed by
//! `tip_height_mm - set_height_mm` when closed.

use pogo_geom::{PolygonMm, Side};
use serde::{Deserialize, Serialize};

/// Stack-up of the fixture: one entry per probed side.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Stackup {
    /// Press process as configured (`vacuum`, `pneumatic`, `mechanical`).
    #[serde(default)]
    pub process: PressProcess,
    /// True when the fixture closes in two stages (dual-level contact).
    #[serde(default)]
    pub dual_level: bool,
    /// How the spring pins of the probe board are soldered (`[mechanics]
    /// probe_board_pins`): `through_hole` (absent from the file) or `smt`.
    #[serde(
        default,
        skip_serializing_if = "pogo_catalog::PinMounting::is_through_hole"
    )]
    pub probe_board_pins: pogo_catalog::PinMounting,
    /// One stack-up per probed side.
    pub sides: Vec<SideStackup>,
}

/// How the fixture presses the board onto the probes (`[mechanics] process`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PressProcess {
    /// Atmospheric pressure on the board over a vacuum chamber.
    #[default]
    Vacuum,
    /// A pneumatic press.
    Pneumatic,
    /// A hand lever, toggle clamp or hinged lid.
    Mechanical,
}

json_names!(PressProcess {
    Vacuum => "vacuum",
    Pneumatic => "pneumatic",
    Mechanical => "mechanical",
});

/// An edge of the fixture, as the board is drawn (page y down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixtureEdge {
    /// The edge at the top of the drawing (smallest y).
    Top,
    /// The edge at the bottom of the drawing (largest y).
    #[default]
    Bottom,
    /// The left edge (smallest x).
    Left,
    /// The right edge (largest x).
    Right,
}

json_names!(FixtureEdge {
    Top => "top",
    Bottom => "bottom",
    Left => "left",
    Right => "right",
});

/// The stack-up under one probed side of the board, bottom (plate) to top (lid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideStackup {
    /// The board side these probes touch.
    pub side: Side,
    /// Thickness of the probe plate (receptacles pressed in), mm.
    pub probe_plate_thickness_mm: f64,
    /// Board thickness (from the board file), mm.
    pub board_thickness_mm: f64,
    /// Plate top face to the probed board face, fixture closed (final stage), mm.
    pub set_height_mm: f64,
    /// Height of the board support posts / rails the board rests on (= set height), mm.
    pub board_support_height_mm: f64,
    /// Plate top face to the probed board face at the first stage of a dual-level
    /// fixture (only the staged, long-travel probes touch), mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage1_set_height_mm: Option<f64>,
    /// Tallest part on the probed side (faces the probe plate), its height and
    /// the clearance kept between it and the plate, mm.
    pub tallest_part: String,
    /// Its height, mm.
    pub tallest_part_height_mm: f64,
    /// Clearance kept between the tallest part and the plate, mm.
    pub part_clearance_mm: f64,
    /// Pockets milled into the probe plate for parts taller than the set height
    /// minus the clearance.
    #[serde(default)]
    pub relief_pockets: Vec<ReliefPocket>,
    /// The pressure plate (lid) on the other face of the board: its thickness, the
    /// tallest part on that face and the push finger length that clears it, mm.
    /// `None` when both sides are probed (the other probe plate presses instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pressure_plate: Option<PressurePlate>,
    /// Per probe part used on this side: receptacle, press depth, free tip height,
    /// compression and its fraction of full travel.
    pub levels: Vec<ProbeLevel>,
    /// Overall height: plate bottom face to lid top face (closed), mm.
    pub total_height_mm: f64,
}

/// A relief pocket in the probe plate under a tall part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliefPocket {
    /// The part the pocket clears.
    pub reference: String,
    /// Pocket outline: the part's courtyard (or a box round its centre) grown by the
    /// clearance, absolute page coordinates.
    pub outline: Vec<PolygonMm>,
    /// Depth below the plate top face, mm (equal to the plate thickness: cut through).
    pub depth_mm: f64,
    /// Whether the pocket goes through the plate.
    pub through: bool,
}

/// The lid side of a single-sided fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PressurePlate {
    /// Lid plate thickness, mm.
    pub thickness_mm: f64,
    /// Tallest part on the lid face.
    pub tallest_part: String,
    /// Its height, mm.
    pub tallest_part_height_mm: f64,
    /// Push finger length: board face to lid face, mm (tallest part + clearance).
    pub push_finger_length_mm: f64,
}

/// One probe part's level in the stack-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeLevel {
    /// Catalog part id.
    pub part: String,
    /// Its receptacle id.
    pub receptacle: String,
    /// `1` for probes that touch in the first stage of a dual-level fixture (long
    /// travel), `2` for the final stage; `1` everywhere in a single-stage fixture.
    pub stage: u8,
    /// Probes of this part on the side.
    pub probes: usize,
    /// Receptacle collar below the plate top face (catalog seating depth, or the
    /// press depth chosen to level this part), mm.
    pub seating_depth_mm: f64,
    /// Free tip height above the plate top face, mm.
    pub tip_height_mm: f64,
    /// Compression at the closed position, mm, and as a fraction of full travel.
    pub compression_mm: f64,
    /// Compression as a fraction of full travel.
    pub working_travel_fraction: f64,
    /// Full travel of the part, mm.
    pub full_travel_mm: f64,
    /// Spring force of one probe at that compression, N.
    pub force_n: f64,
    /// Compression at the first stage (dual-level only; 0 when clear), mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage1_compression_mm: Option<f64>,
}

/// A guide (tooling) pin: a pin in the probe plate that enters a board hole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolingPin {
    /// Pin centre, mm.
    pub x: f64,
    /// Pin centre y, mm.
    pub y: f64,
    /// Pin diameter (hole diameter minus the fit clearance), mm.
    pub diameter_mm: f64,
    /// The board hole it enters.
    #[serde(default)]
    pub hole_diameter_mm: f64,
    /// Reference of the footprint the hole belongs to (`MH1`), or empty.
    #[serde(default)]
    pub hole_ref: String,
}

/// A place where a tooling hole could be added to the board (when it has none usable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolingSuggestion {
    /// Suggested hole centre, mm.
    pub x: f64,
    /// Suggested hole centre y, mm.
    pub y: f64,
    /// Suggested hole diameter, mm.
    pub diameter_mm: f64,
    /// Why there, in words.
    pub reason: String,
}

/// Push finger (on the lid, pressing the face opposite the probes) or support post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Support {
    /// Support centre, mm.
    pub x: f64,
    /// Support centre y, mm.
    pub y: f64,
    /// The board face it touches.
    pub side: Side,
    /// Push finger or support post.
    pub kind: SupportKind,
    /// Why it is there.
    pub reason: SupportReason,
    /// Reaction force at this support from the plate model, N.
    #[serde(default)]
    pub reaction_n: f64,
    /// Diameter of its flat tip, mm (0 in files written before it was recorded).
    #[serde(default)]
    pub tip_diameter_mm: f64,
    /// The part whose body it presses (a connector, socket or shield), when it presses
    /// a part rather than the bare board: the finger is shorter by the part's height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_part: Option<PartPress>,
}

/// What a support is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    /// A finger on the lid pressing the face opposite the probes (`push_finger`).
    PushFinger,
    /// A post under the probed face, beside the probes (`support_post`).
    SupportPost,
}

json_names!(SupportKind {
    PushFinger => "push_finger",
    SupportPost => "support_post",
});

/// Why a support is where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportReason {
    /// Near a corner of the board.
    Corner,
    /// Along an edge of the board.
    Edge,
    /// Over a cluster of probes.
    Cluster,
    /// Added next to a finger that carried more than `push_finger_max_load_n`.
    LoadShare,
    /// Suggested to bring the strain under the limit.
    Suggested,
}

json_names!(SupportReason {
    Corner => "corner",
    Edge => "edge",
    Cluster => "cluster",
    LoadShare => "load_share",
    Suggested => "suggested",
});

/// A push finger pressing on a part's body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartPress {
    /// Reference of the part (`J3`).
    pub reference: String,
    /// The part's body height above the board the finger is cut to, mm.
    pub height_mm: f64,
    /// Where that height comes from.
    pub height_from: HeightSource,
}

/// Where a part's height comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeightSource {
    /// The board file (a `Height` property or the 3D model).
    Board,
    /// `[mechanics.part_heights_mm]` in pogo.toml.
    PogoToml,
}

json_names!(HeightSource {
    Board => "board",
    PogoToml => "pogo_toml",
});

/// Spring force and board strain.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ForceSummary {
    /// Total spring force at working travel per side, N (`{"bottom": 40.0}`).
    pub total_n: crate::BySide<f64>,
    /// Largest principal surface strain of the board (plate model), microstrain.
    pub max_strain_ue: f64,
    /// Where it occurs (page mm).
    #[serde(default)]
    pub max_strain_at: [f64; 2],
    /// Largest deflection of the board between its supports, mm.
    #[serde(default)]
    pub max_deflection_mm: f64,
    /// Strain limit, microstrain (500 by default).
    pub limit_ue: f64,
    /// Whether `max_strain_ue` exceeds `limit_ue`.
    pub exceeded: bool,
    /// Push fingers and support posts of the design.
    #[serde(default)]
    pub supports: Vec<Support>,
    /// Further supports that bring the strain under the limit (empty when within).
    #[serde(default)]
    pub suggested_supports: Vec<Support>,
    /// Strain with the suggested supports added, microstrain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strain_with_suggestions_ue: Option<f64>,
    /// The plate model used: material, grid and figures.
    #[serde(default)]
    pub model: PlateModelInfo,
    /// When the strain stays over the limit with every support pogo could place: what
    /// to change (absent when within).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_limit: Option<StrainOverLimit>,
}

/// What to change when no support brings the board strain under the limit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StrainOverLimit {
    /// Probes pressing within `radius_mm` of the strain peak, nearest first: moving them
    /// (to test points nearer a support, or to the other side) or giving them lighter
    /// springs lowers the peak.
    pub probes_to_move: Vec<String>,
    /// Their total spring force, N.
    pub force_n: f64,
    /// Radius round the peak the probes were taken from, mm.
    pub radius_mm: f64,
    /// Distance from the peak to the nearest support, mm.
    pub nearest_support_mm: f64,
    /// Sturdy parts (connectors, sockets, shields) on the pushed face whose height the
    /// board does not give: with `[mechanics.part_heights_mm]` a finger may press them.
    pub parts_without_height: Vec<String>,
}

/// What the strain figure rests on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlateModelInfo {
    /// `kirchhoff plate, ACM rectangles`.
    pub method: String,
    /// Young's modulus of the board, GPa.
    pub youngs_modulus_gpa: f64,
    /// Poisson's ratio of the board.
    pub poisson_ratio: f64,
    /// Board thickness in the model, mm.
    pub thickness_mm: f64,
    /// Element edge length, mm.
    pub element_mm: f64,
    /// Number of elements.
    pub elements: usize,
    /// Side of the square strain gauge `max_strain_ue` is read with, mm (0 in files
    /// written before the gauge: their strain was an element-centre peak).
    #[serde(default)]
    pub gauge_mm: f64,
}

/// Interface channels: which probe goes to which connector pin.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Channels {
    /// Interface name (`header` by default).
    pub interface: String,
    /// Fixture edge the interface connectors sit on (`top`, `bottom`, `left`, `right`
    /// of the board as drawn).
    #[serde(default)]
    pub edge: FixtureEdge,
    /// The interface connectors, in channel order.
    #[serde(default)]
    pub connectors: Vec<InterfaceConnector>,
    /// One per probe, in channel order.
    #[serde(default)]
    pub assignments: Vec<ChannelAssignment>,
    /// Sum of the straight-line wire lengths, probe to connector pin, mm.
    #[serde(default)]
    pub total_wire_mm: f64,
}

/// An interface connector the probe wires go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterfaceConnector {
    /// Connector name (`J1`).
    pub name: String,
    /// Channels it carries: `first_channel ..= first_channel + pins - 1`.
    pub first_channel: u32,
    /// Number of pins.
    pub pins: u32,
}

/// The interface pin of one probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelAssignment {
    /// Interface channel, 1-based.
    pub channel: u32,
    /// The connector.
    pub connector: String,
    /// Pin of that connector, 1-based.
    pub pin: u32,
    /// The probe id.
    pub probe: String,
    /// The probe's net.
    pub net: String,
    /// Connector group the net belongs to (configured), or empty.
    #[serde(default)]
    pub group: String,
    /// Straight-line wire length, probe to pin, mm.
    pub wire_length_mm: f64,
}
