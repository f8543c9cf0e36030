//! The board model: one typed view of a PCB, whatever file it came from.
//!
//! Lengths are `f64` millimetres (field names end in `_mm`, points are [`PointMm`]),
//! in KiCad page coordinates: x to the right, y down, origin at the page corner.
//! Angles are degrees, counter-clockwise as KiCad shows them (field names end in `_deg`).
//! Readers convert exactly from KiCad's integer nanometres; writers round to 1 nm.

pub use pogo_geom::{BoxMm, PointMm, PolygonMm, Ring, Side, SizeMm};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which file format a board came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceFormat {
    /// A `.kicad_pcb` file; `version` is its `(version N)` (e.g. 20171130 for KiCad 5,
    /// 20241229 for KiCad 9), `generator` what wrote it.
    KicadPcb {
        /// The file's `(version N)`.
        version: u32,
        /// The `(generator ...)` that wrote it.
        generator: String,
        /// The `(generator_version ...)` (KiCad 8+), if any.
        generator_version: Option<String>,
    },
    /// An IPC-D-356 / IPC-D-356A netlist.
    Ipc356 {
        /// The units the header declares (`CUST 0`: inch, `CUST 1`: mm, ...).
        units: String,
    },
    /// An IPC-2581 document; `revision` is its `revision` attribute (`B`, `C`),
    /// `units` its `CadHeader` units (`MILLIMETER`, `INCH`, `MICRON`).
    Ipc2581 {
        /// The document's `revision` attribute.
        revision: String,
        /// The `CadHeader` units.
        units: String,
    },
    /// An ODB++ job (directory, `.tgz` or `.zip`); `units` of its `misc/info`
    /// (`MM` or `INCH`, or `INCH` by default when the job has none).
    OdbPlusPlus {
        /// The job's units.
        units: String,
    },
}

/// Index into [`Board::nets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NetId(
    /// The index.
    pub u32,
);

/// A net: a set of connected copper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Net {
    /// Its name as the file gives it (`""` for KiCad's unnamed net).
    pub name: String,
    /// KiCad net class where the file says it (KiCad 5 `net_class`, or `None`).
    pub class: Option<String>,
}

/// A copper, technical or user layer as declared in the file's `(layers ...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// The layer's number in the file.
    pub ordinal: i32,
    /// Canonical name, e.g. `F.Cu`, `B.Mask`, `Edge.Cuts`.
    pub name: String,
    /// `signal`, `power`, `mixed`, `jumper`, `user`.
    pub kind: String,
    /// The user's name for it, where the file gives one.
    pub user_name: Option<String>,
}

/// The board outline from Edge.Cuts (board-level and footprint-level graphics):
/// one polygon per separate board piece, each with its cut-outs as holes.
/// Arcs and circles are flattened to chords no more than 1 um from the true curve.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Outline {
    /// The board pieces.
    pub polygons: Vec<PolygonMm>,
    /// Edge.Cuts pieces that did not close into a ring (reported, not guessed).
    pub open_chains: Vec<Vec<PointMm>>,
    /// Bounding box of all Edge.Cuts graphics as KiCad computes it (line ends, arc
    /// extents, circle extents), grown by half the stroke width.
    pub bbox: BoxMm,
}

/// A footprint's `(attr ...)` flags as KiCad names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FootprintAttributes {
    /// `smd`: a surface-mount part.
    pub smd: bool,
    /// `through_hole`: a through-hole part.
    pub through_hole: bool,
    /// `board_only`: not a part (a logo, a test point drawn on the board only).
    pub board_only: bool,
    /// `exclude_from_pos_files`.
    pub exclude_from_pos_files: bool,
    /// `exclude_from_bom`.
    pub exclude_from_bom: bool,
    /// `dnp`: do not populate.
    pub dnp: bool,
    /// `allow_missing_courtyard`.
    pub allow_missing_courtyard: bool,
}

/// A placed footprint (a part, a test point, a mechanical item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    /// Reference designator, e.g. `TP3`.
    pub reference: String,
    /// Its value, e.g. `10k`.
    pub value: String,
    /// Library id, e.g. `TestPoint:TestPoint_Pad_D1.0mm`.
    pub lib_id: String,
    /// The side it is placed on.
    pub side: Side,
    /// Its anchor, page coordinates.
    pub position: PointMm,
    /// Its rotation, degrees counter-clockwise as KiCad shows it.
    pub rotation_deg: f64,
    /// Its `(attr ...)` flags.
    pub attributes: FootprintAttributes,
    /// Every property the file gives (KiCad 8+ `property`, KiCad 5-7 fields and `fp_text`
    /// reference/value), name -> value.
    pub properties: BTreeMap<String, String>,
    /// Courtyard outlines on the footprint's own side, absolute page coordinates.
    pub courtyard: Vec<PolygonMm>,
    /// Bounding box of the courtyard graphics as KiCad reports it, or `None` when the
    /// footprint has no courtyard.
    pub courtyard_bbox: Option<BoxMm>,
    /// Fabrication-layer outlines (F.Fab / B.Fab), absolute.
    pub fab: Vec<PolygonMm>,
    /// Bounding box of the silkscreen graphics on the footprint's own side (F.SilkS /
    /// B.SilkS, line width included), or `None` when it has none: the part body's extent
    /// on older footprints drawn without a courtyard or fabrication outline.
    #[serde(default)]
    pub silk_bbox: Option<BoxMm>,
    /// Component body height above the board (mm), from a `Height` property or a 3D
    /// model offset where the file gives one; `None` when unknown.
    pub body_height_mm: Option<f64>,
    /// Indices into [`Board::pads`] of this footprint's pads.
    pub pads: std::ops::Range<usize>,
}

/// What a pad is, as KiCad's pad type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PadKind {
    /// A surface-mount pad.
    Smd,
    /// A plated through-hole pad.
    ThruHole,
    /// A non-plated hole.
    NpThruHole,
    /// An edge-connector pad (copper without mask or paste openings).
    Connect,
}

impl PadKind {
    /// KiCad's name of the type (`smd`, `thru_hole`, `np_thru_hole`, `connect`).
    pub fn as_str(self) -> &'static str {
        match self {
            PadKind::Smd => "smd",
            PadKind::ThruHole => "thru_hole",
            PadKind::NpThruHole => "np_thru_hole",
            PadKind::Connect => "connect",
        }
    }
}

/// Which corners of a chamfered rectangle are cut (pad frame, before rotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Chamfers {
    /// The corner at (-x, -y).
    pub top_left: bool,
    /// The corner at (+x, -y).
    pub top_right: bool,
    /// The corner at (-x, +y).
    pub bottom_left: bool,
    /// The corner at (+x, +y).
    pub bottom_right: bool,
}

/// A custom pad's graphic primitive, in the pad's own frame (mm, before the pad's
/// rotation, relative to the pad centre).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PadPrimitive {
    /// `gr_poly`: a polygon.
    Polygon {
        /// Its ring.
        points: Vec<PointMm>,
        /// Stroke width (0: none).
        width_mm: f64,
        /// Whether its inside is copper.
        filled: bool,
    },
    /// `gr_line`: a stroke with round ends.
    Line {
        /// One end.
        start: PointMm,
        /// The other end.
        end: PointMm,
        /// Stroke width.
        width_mm: f64,
    },
    /// `gr_arc`: a stroked arc through three points.
    Arc {
        /// Where it starts.
        start: PointMm,
        /// A point on it between the ends.
        mid: PointMm,
        /// Where it ends.
        end: PointMm,
        /// Stroke width.
        width_mm: f64,
    },
    /// `gr_circle`: a circle, stroked or filled.
    Circle {
        /// Its centre.
        center: PointMm,
        /// Its radius (to the stroke's middle).
        radius_mm: f64,
        /// Stroke width.
        width_mm: f64,
        /// Whether its inside is copper.
        filled: bool,
    },
    /// `gr_rect`: an axis-aligned rectangle, stroked or filled.
    Rect {
        /// One corner.
        start: PointMm,
        /// The opposite corner.
        end: PointMm,
        /// Stroke width.
        width_mm: f64,
        /// Whether its inside is copper.
        filled: bool,
    },
}

/// A pad's shape, sized by [`Pad::size_mm`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PadShape {
    /// A circle of the smaller of width and height.
    Circle,
    /// A rectangle.
    Rect,
    /// A rectangle with half-circle ends (a stadium).
    Oval,
    /// `delta_mm` as KiCad's `rect_delta`: (dx, dy) added/subtracted at opposite ends.
    Trapezoid {
        /// KiCad's `rect_delta`, mm.
        delta_mm: PointMm,
    },
    /// Corner radius = `ratio` x min(w, h).
    RoundRect {
        /// KiCad's `roundrect_rratio`.
        ratio: f64,
    },
    /// A rectangle with cut corners.
    ChamferedRect {
        /// Chamfer length = `chamfer_ratio` x min(w, h).
        chamfer_ratio: f64,
        /// The corners cut.
        chamfers: Chamfers,
        /// Corner radius ratio of the corners not cut.
        round_ratio: f64,
    },
    /// `anchor` is `Circle` or `Rect` sized by the pad's size.
    Custom {
        /// Whether the anchor is a circle (else a rectangle).
        anchor_is_circle: bool,
        /// The graphic primitives joined to the anchor.
        primitives: Vec<PadPrimitive>,
    },
}

impl PadShape {
    /// The KiCad shape name used in `kicad-view.json` (`circle`, `rect`, `oval`,
    /// `trapezoid`, `roundrect`, `chamfered_rect`, `custom`).
    pub fn kicad_name(&self) -> &'static str {
        match self {
            PadShape::Circle => "circle",
            PadShape::Rect => "rect",
            PadShape::Oval => "oval",
            PadShape::Trapezoid { .. } => "trapezoid",
            PadShape::RoundRect { .. } => "roundrect",
            PadShape::ChamferedRect { .. } => "chamfered_rect",
            PadShape::Custom { .. } => "custom",
        }
    }
}

/// A pad's drilled hole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drill {
    /// True for an oblong (slot) drill.
    pub oblong: bool,
    /// Drill size; `w == h` for a round drill.
    pub size_mm: SizeMm,
    /// Offset of the pad shape from the hole centre, pad frame, mm.
    pub offset_mm: PointMm,
}

/// A pad: copper (or a bare hole) of a footprint, or a test access point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pad {
    /// Index into [`Board::footprints`]; `None` for IPC-D-356 access points whose
    /// reference is not a footprint the file describes.
    pub footprint: Option<usize>,
    /// Reference designator of the owning footprint (`ref` in KiCad's view).
    pub reference: String,
    /// Pad number (may be empty, e.g. mechanical pads).
    pub number: String,
    /// Its type.
    pub kind: PadKind,
    /// Its shape.
    pub shape: PadShape,
    /// Size before rotation.
    pub size_mm: SizeMm,
    /// Absolute position of the pad (its anchor), page coordinates. For a pad with a
    /// drill offset this is the hole centre, as KiCad reports the pad position.
    pub position: PointMm,
    /// Absolute orientation, footprint rotation included.
    pub rotation_deg: f64,
    /// Its hole, if drilled.
    pub drill: Option<Drill>,
    /// Every layer name the pad lists, wildcards expanded (`*.Cu` -> `F.Cu`, `B.Cu`, ...).
    pub layers: Vec<String>,
    /// Copper on F.Cu.
    pub front_copper: bool,
    /// Copper on B.Cu.
    pub back_copper: bool,
    /// Mask opened on F.Mask.
    pub front_mask: bool,
    /// Mask opened on B.Mask.
    pub back_mask: bool,
    /// Paste on F.Paste.
    pub front_paste: bool,
    /// Paste on B.Paste.
    pub back_paste: bool,
    /// Pad-level solder mask margin (expansion), mm, when the pad sets one.
    pub mask_margin_mm: Option<f64>,
    /// Its net, if any.
    pub net: Option<NetId>,
    /// The pad carries KiCad's `pad_prop_testpoint` fabrication property.
    pub test_point_property: bool,
}

/// A via.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Via {
    /// Its centre.
    pub position: PointMm,
    /// Copper land diameter.
    pub diameter_mm: f64,
    /// Drill diameter.
    pub drill_mm: f64,
    /// Copper layer span, e.g. (`F.Cu`, `B.Cu`).
    pub layers: (String, String),
    /// `through`, `blind`, `buried` or `micro`.
    pub via_type: String,
    /// Its net, if any.
    pub net: Option<NetId>,
    /// Solder mask opened over the via on the front (not tented).
    pub front_mask_open: bool,
    /// Solder mask opened over the via on the back (not tented).
    pub back_mask_open: bool,
}

/// One IPC-D-356A test-access record that carries facts a KiCad pad does not:
/// kept so a netlist can be compared with the board it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessRecord {
    /// 317 (through hole), 327 (SMD) or 017 (continuation of a previous record's net).
    pub code: u16,
    /// 1-based line of the record in the file.
    pub line: usize,
    /// Access side the record names: `Some(Top)`, `Some(Bottom)`, or `None` for both
    /// (or an inner layer only; see `access_code`).
    pub access: Option<Side>,
    /// The record's raw access code: 0 both sides, 1 primary (top), n copper layer n
    /// (KiCad writes the copper layer count for the bottom).
    pub access_code: u32,
    /// Index into [`Board::pads`] or, for vias (`VIA` reference), `None`.
    pub pad: Option<usize>,
}

/// The whole board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    /// File name the board was read from (as given).
    pub source_name: String,
    /// The file format and what it says of itself.
    pub format: SourceFormat,
    /// Board thickness from setup/stackup; `None` where the file does not say
    /// (an IPC-D-356 netlist).
    pub thickness_mm: Option<f64>,
    /// Edge.Cuts outline; `None` where the file has none to give (an IPC-D-356 netlist
    /// without `389 BOARD_EDGE` records).
    pub outline: Option<Outline>,
    /// The layers the file declares.
    pub layers: Vec<Layer>,
    /// Nets in file order; index 0 is KiCad's unnamed net `""` when the file has one.
    pub nets: Vec<Net>,
    /// `false` for formats that carry no footprints (IPC-D-356): the list is empty
    /// because the file does not say, not because the board has none.
    pub footprints_known: bool,
    /// Footprints in file order.
    pub footprints: Vec<Footprint>,
    /// Every pad, footprint by footprint ([`Footprint::pads`]).
    pub pads: Vec<Pad>,
    /// Vias in file order.
    pub vias: Vec<Via>,
    /// IPC-D-356 only: the test records, in file order.
    pub access_records: Vec<AccessRecord>,
}

impl Board {
    /// A board with no parts, pads or vias: one outline `polygon`, `thickness_mm`, and
    /// only the "no net" net (id 0). For boards built in code (tests, generated boards).
    pub fn blank(source_name: &str, polygon: PolygonMm, thickness_mm: f64) -> Board {
        let bbox = BoxMm::of_outers(std::slice::from_ref(&polygon));
        Board {
            source_name: source_name.into(),
            format: SourceFormat::KicadPcb {
                version: 20241229,
                generator: "pogo".into(),
                generator_version: None,
            },
            thickness_mm: Some(thickness_mm),
            outline: Some(Outline {
                polygons: vec![polygon],
                open_chains: vec![],
                bbox,
            }),
            layers: vec![],
            nets: vec![Net {
                name: String::new(),
                class: None,
            }],
            footprints_known: true,
            footprints: vec![],
            pads: vec![],
            vias: vec![],
            access_records: vec![],
        }
    }

    /// Name of a net, `""` for none.
    pub fn net_name(&self, net: Option<NetId>) -> &str {
        net.and_then(|id| self.nets.get(id.0 as usize))
            .map(|n| n.name.as_str())
            .unwrap_or("")
    }
    /// Looks a net up by name.
    pub fn net_id(&self, name: &str) -> Option<NetId> {
        self.nets
            .iter()
            .position(|n| n.name == name)
            .map(|i| NetId(i as u32))
    }
}
