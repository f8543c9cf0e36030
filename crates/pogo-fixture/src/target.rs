//! What a probe lands on: the [`Target`] of a [`crate::Probe`], its kind, shape and
//! why it was a candidate.

use pogo_geom::PolygonMm;
use serde::{Deserialize, Serialize};

/// Whether a probe lands on a pad or on a via.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A pad of a footprint.
    Pad,
    /// A via.
    Via,
}

/// The shape of a target, by KiCad's pad shape names (`circle` for a via).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetShape {
    /// `circle`: a round pad or a via.
    Circle,
    /// `rect`.
    Rect,
    /// `oval`: a stadium (a rectangle with half-round ends).
    Oval,
    /// `trapezoid`.
    Trapezoid,
    /// `roundrect`: a rectangle with rounded corners (`corner_radius_mm`).
    Roundrect,
    /// `chamfered_rect`.
    ChamferedRect,
    /// `custom`: a pad of drawn primitives (its copper is in `exposed`).
    Custom,
}

json_names!(TargetShape {
    Circle => "circle",
    Rect => "rect",
    Oval => "oval",
    Trapezoid => "trapezoid",
    Roundrect => "roundrect",
    ChamferedRect => "chamfered_rect",
    Custom => "custom",
});

/// Why a pad or via was a candidate for a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetOrigin {
    /// A test point pad.
    TestPoint,
    /// A through-hole pad probed from the side opposite its component (lead in the hole).
    ThroughHole,
    /// A via whose mask is open on the probed side.
    Via,
    /// An SMD pad of a component (`component_pads = true`).
    ComponentPad,
    /// A pad `forced` in pogo.toml, probed whatever the rules say.
    Forced,
    /// Not recorded (files written before the origin was); written as `""`.
    #[default]
    #[serde(rename = "")]
    Unknown,
}

json_names!(TargetOrigin {
    TestPoint => "test_point",
    ThroughHole => "through_hole",
    Via => "via",
    ComponentPad => "component_pad",
    Forced => "forced",
    Unknown => "",
});

/// What a probe lands on, with the exposed copper it may touch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Pad or via.
    pub kind: TargetKind,
    /// Footprint reference (empty for a via).
    #[serde(rename = "ref")]
    pub reference: String,
    /// Pad number, `null` for a via.
    pub number: Option<String>,
    /// Centre of the target (pad position or via centre), mm.
    pub x: f64,
    /// Centre y, mm.
    pub y: f64,
    /// KiCad pad shape name (`circle`, `rect`, `oval`, `roundrect`, ...; `circle` for a via).
    pub shape: TargetShape,
    /// Width before rotation, mm.
    pub w: f64,
    /// Height before rotation, mm.
    pub h: f64,
    /// Absolute rotation, degrees.
    pub rotation: f64,
    /// Corner radius for rounded rectangles, mm (0 otherwise).
    #[serde(default)]
    pub corner_radius_mm: f64,
    /// Plated hole diameter for vias and through-hole pads, mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill_mm: Option<f64>,
    /// Why this is a candidate: `test_point`, `through_hole` (probed opposite its
    /// component, lead in the hole), `via`, `component_pad`, `forced`.
    #[serde(default)]
    pub origin: TargetOrigin,
    /// Radius of the largest circle centred on the probe that fits in `exposed`, mm.
    #[serde(default)]
    pub inscribed_radius_mm: f64,
    /// The exposed copper the tip may touch (copper where the mask is open on the
    /// probed side), absolute page coordinates: the polygon every independent check
    /// uses. A plated hole in it (via, through-hole pad) is not cut out: the design
    /// rules only allow a hole the tip bridges (drill <= 75% of the tip diameter) or
    /// one the tip is made for (cup/crown on a via, a tip for leads on a soldered
    /// through-hole pad, whose hole is filled by lead and solder).
    pub exposed: Vec<PolygonMm>,
}
