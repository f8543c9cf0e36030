//! The board model: one typed view of a PCB, whatever file it came from.
//!
//! Lengths are `f64` millimetres (field names end in `_mm`, points are [`PointMm`]),
//! in KiCad page coordinates: x to the right, y down, origin at the page corner.
//! Angles are degrees, counter-clockwise as KiCad shows them (field names end in `_deg`).
//! Readers convert exactly from KiCad's integer nanometres; writers round to 1 nm.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A point or vector in millimetres, KiCad page frame (y down).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PointMm {
    pub x: f64,
    pub y: f64,
}

impl PointMm {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
    /// Rotates this vector by `angle_deg` as KiCad does on the page (y down): a positive
    /// angle turns the x axis towards -y (counter-clockwise as seen on screen).
    pub fn rotated_deg(self, angle_deg: f64) -> Self {
        if angle_deg == 0.0 {
            return self;
        }
        let (s, c) = angle_deg.to_radians().sin_cos();
        Self {
            x: self.x * c + self.y * s,
            y: -self.x * s + self.y * c,
        }
    }
    pub fn distance_mm(self, other: PointMm) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

impl std::ops::Add for PointMm {
    type Output = PointMm;
    fn add(self, o: PointMm) -> PointMm {
        PointMm::new(self.x + o.x, self.y + o.y)
    }
}

impl std::ops::Sub for PointMm {
    type Output = PointMm;
    fn sub(self, o: PointMm) -> PointMm {
        PointMm::new(self.x - o.x, self.y - o.y)
    }
}

/// A width x height in millimetres (a pad's size before rotation).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SizeMm {
    pub w: f64,
    pub h: f64,
}

/// Axis-aligned box [left, top, right, bottom] in page coordinates (mm, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxMm {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Default for BoxMm {
    fn default() -> Self {
        BoxMm::EMPTY
    }
}

impl BoxMm {
    pub const EMPTY: BoxMm = BoxMm {
        left: f64::INFINITY,
        top: f64::INFINITY,
        right: f64::NEG_INFINITY,
        bottom: f64::NEG_INFINITY,
    };
    pub fn is_empty(&self) -> bool {
        self.left > self.right || self.top > self.bottom
    }
    pub fn include(&mut self, p: PointMm) {
        self.left = self.left.min(p.x);
        self.top = self.top.min(p.y);
        self.right = self.right.max(p.x);
        self.bottom = self.bottom.max(p.y);
    }
    pub fn as_array(&self) -> [f64; 4] {
        [self.left, self.top, self.right, self.bottom]
    }
    /// This box grown by `margin_mm` on every side (an empty box stays empty).
    pub fn grown(&self, margin_mm: f64) -> BoxMm {
        if self.is_empty() {
            return *self;
        }
        BoxMm {
            left: self.left - margin_mm,
            top: self.top - margin_mm,
            right: self.right + margin_mm,
            bottom: self.bottom + margin_mm,
        }
    }
}

/// The side of the board a thing sits on or is probed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Top,
    Bottom,
}

impl Side {
    pub fn opposite(self) -> Side {
        match self {
            Side::Top => Side::Bottom,
            Side::Bottom => Side::Top,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Top => "top",
            Side::Bottom => "bottom",
        }
    }
}

/// Which file format a board came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceFormat {
    /// A `.kicad_pcb` file; `version` is its `(version N)` (e.g. 20171130 for KiCad 5,
    /// 20241229 for KiCad 9), `generator` what wrote it.
    KicadPcb {
        version: u32,
        generator: String,
        generator_version: Option<String>,
    },
    /// An IPC-D-356 / IPC-D-356A netlist.
    Ipc356 { units: String },
    /// An IPC-2581 document; `revision` is its `revision` attribute (`B`, `C`),
    /// `units` its `CadHeader` units (`MILLIMETER`, `INCH`, `MICRON`).
    Ipc2581 { revision: String, units: String },
    /// An ODB++ job (directory, `.tgz` or `.zip`); `units` of its `misc/info`
    /// (`MM` or `INCH`, or `INCH` by default when the job has none).
    OdbPlusPlus { units: String },
}

/// Index into [`Board::nets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NetId(pub u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Net {
    pub name: String,
    /// KiCad net class where the file says it (KiCad 5 `net_class`, or `None`).
    pub class: Option<String>,
}

/// A copper, technical or user layer as declared in the file's `(layers ...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub ordinal: i32,
    /// Canonical name, e.g. `F.Cu`, `B.Mask`, `Edge.Cuts`.
    pub name: String,
    /// `signal`, `power`, `mixed`, `jumper`, `user`.
    pub kind: String,
    pub user_name: Option<String>,
}

/// A closed ring of points (first point not repeated), page frame.
pub type Ring = Vec<PointMm>;

/// A polygon with holes: `outer` and zero or more `holes`, all closed rings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PolygonMm {
    pub outer: Ring,
    pub holes: Vec<Ring>,
}

/// The board outline from Edge.Cuts (board-level and footprint-level graphics):
/// one polygon per separate board piece, each with its cut-outs as holes.
/// Arcs and circles are flattened to chords no more than 1 um from the true curve.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Outline {
    pub polygons: Vec<PolygonMm>,
    /// Edge.Cuts pieces that did not close into a ring (reported, not guessed).
    pub open_chains: Vec<Vec<PointMm>>,
    /// Bounding box of all Edge.Cuts graphics as KiCad computes it (line ends, arc
    /// extents, circle extents), grown by half the stroke width.
    pub bbox: BoxMm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FootprintAttributes {
    pub smd: bool,
    pub through_hole: bool,
    pub board_only: bool,
    pub exclude_from_pos_files: bool,
    pub exclude_from_bom: bool,
    pub dnp: bool,
    pub allow_missing_courtyard: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    /// Reference designator, e.g. `TP3`.
    pub reference: String,
    pub value: String,
    /// Library id, e.g. `TestPoint:TestPoint_Pad_D1.0mm`.
    pub lib_id: String,
    pub side: Side,
    pub position: PointMm,
    pub rotation_deg: f64,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PadKind {
    Smd,
    ThruHole,
    NpThruHole,
    Connect,
}

impl PadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PadKind::Smd => "smd",
            PadKind::ThruHole => "thru_hole",
            PadKind::NpThruHole => "np_thru_hole",
            PadKind::Connect => "connect",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Chamfers {
    pub top_left: bool,
    pub top_right: bool,
    pub bottom_left: bool,
    pub bottom_right: bool,
}

/// A custom pad's graphic primitive, in the pad's own frame (mm, before the pad's
/// rotation, relative to the pad centre).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PadPrimitive {
    Polygon {
        points: Vec<PointMm>,
        width_mm: f64,
        filled: bool,
    },
    Line {
        start: PointMm,
        end: PointMm,
        width_mm: f64,
    },
    Arc {
        start: PointMm,
        mid: PointMm,
        end: PointMm,
        width_mm: f64,
    },
    Circle {
        center: PointMm,
        radius_mm: f64,
        width_mm: f64,
        filled: bool,
    },
    Rect {
        start: PointMm,
        end: PointMm,
        width_mm: f64,
        filled: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PadShape {
    Circle,
    Rect,
    Oval,
    /// `delta_mm` as KiCad's `rect_delta`: (dx, dy) added/subtracted at opposite ends.
    Trapezoid {
        delta_mm: PointMm,
    },
    /// Corner radius = `ratio` x min(w, h).
    RoundRect {
        ratio: f64,
    },
    ChamferedRect {
        chamfer_ratio: f64,
        chamfers: Chamfers,
        round_ratio: f64,
    },
    /// `anchor` is `Circle` or `Rect` sized by the pad's size.
    Custom {
        anchor_is_circle: bool,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drill {
    /// True for an oblong (slot) drill.
    pub oblong: bool,
    /// Drill size; `w == h` for a round drill.
    pub size_mm: SizeMm,
    /// Offset of the pad shape from the hole centre, pad frame, mm.
    pub offset_mm: PointMm,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pad {
    /// Index into [`Board::footprints`]; `None` for IPC-D-356 access points whose
    /// reference is not a footprint the file describes.
    pub footprint: Option<usize>,
    /// Reference designator of the owning footprint (`ref` in KiCad's view).
    pub reference: String,
    /// Pad number (may be empty, e.g. mechanical pads).
    pub number: String,
    pub kind: PadKind,
    pub shape: PadShape,
    /// Size before rotation.
    pub size_mm: SizeMm,
    /// Absolute position of the pad (its anchor), page coordinates. For a pad with a
    /// drill offset this is the hole centre, as KiCad reports the pad position.
    pub position: PointMm,
    /// Absolute orientation, footprint rotation included.
    pub rotation_deg: f64,
    pub drill: Option<Drill>,
    /// Every layer name the pad lists, wildcards expanded (`*.Cu` -> `F.Cu`, `B.Cu`, ...).
    pub layers: Vec<String>,
    pub front_copper: bool,
    pub back_copper: bool,
    /// Mask opened on F.Mask / B.Mask.
    pub front_mask: bool,
    pub back_mask: bool,
    pub front_paste: bool,
    pub back_paste: bool,
    /// Pad-level solder mask margin (expansion), mm, when the pad sets one.
    pub mask_margin_mm: Option<f64>,
    pub net: Option<NetId>,
    /// The pad carries KiCad's `pad_prop_testpoint` fabrication property.
    pub test_point_property: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Via {
    pub position: PointMm,
    pub diameter_mm: f64,
    pub drill_mm: f64,
    /// Copper layer span, e.g. (`F.Cu`, `B.Cu`).
    pub layers: (String, String),
    /// `through`, `blind`, `buried` or `micro`.
    pub via_type: String,
    pub net: Option<NetId>,
    /// Solder mask opened over the via on the front / back (not tented).
    pub front_mask_open: bool,
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
    pub format: SourceFormat,
    /// Board thickness from setup/stackup; `None` where the file does not say
    /// (an IPC-D-356 netlist).
    pub thickness_mm: Option<f64>,
    /// Edge.Cuts outline; `None` where the file has none to give (an IPC-D-356 netlist
    /// without `389 BOARD_EDGE` records).
    pub outline: Option<Outline>,
    pub layers: Vec<Layer>,
    /// Nets in file order; index 0 is KiCad's unnamed net `""` when the file has one.
    pub nets: Vec<Net>,
    /// `false` for formats that carry no footprints (IPC-D-356): the list is empty
    /// because the file does not say, not because the board has none.
    pub footprints_known: bool,
    pub footprints: Vec<Footprint>,
    pub pads: Vec<Pad>,
    pub vias: Vec<Via>,
    /// IPC-D-356 only: the test records, in file order.
    pub access_records: Vec<AccessRecord>,
}

impl Board {
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
