//! Candidate targets: test point pads, through-hole pads from the side opposite their
//! component, vias with the mask open on the probed side and, when enabled, SMD pads
//! of components. Each candidate carries its usable area (copper where the mask is
//! open) and the best place for the probe in it.

use crate::config::pad_matches;
use crate::geometry::{
    best_probe_point, inscribed_radius, pad_copper, pad_shape_centre, via_copper,
};
use crate::rules::{TipTarget, is_test_point, is_test_point_reference};
use pogo_board::{Board, PadKind, PadShape, PointMm, PolygonMm, Side};
use pogo_fixture::{DesignRules, TargetKind, TargetOrigin};
use std::collections::BTreeMap;

/// The board item a candidate probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CandidateSource {
    /// Index into `Board::pads`.
    Pad(usize),
    /// Index into `Board::vias`.
    Via(usize),
}

/// A place a probe may land: one pad or via seen from one side.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// The pad or via.
    pub(crate) source: CandidateSource,
    /// Footprint reference (empty for a via).
    pub(crate) reference: String,
    /// Pad number (`None` for a via).
    pub(crate) number: Option<String>,
    /// Index into `Board::nets`.
    pub(crate) net: usize,
    /// The side the probe touches.
    pub(crate) side: Side,
    /// Why it is a candidate.
    pub(crate) origin: TargetOrigin,
    /// Probe place.
    pub(crate) pos: PointMm,
    /// The radius of the largest circle at `pos` inside `exposed`, mm.
    pub(crate) radius_mm: f64,
    /// The copper where the mask is open on `side`.
    pub(crate) exposed: Vec<PolygonMm>,
    /// What the tip lands on.
    pub(crate) tip_target: TipTarget,
    /// Index into `Board::footprints` of the pad's footprint.
    pub(crate) footprint: Option<usize>,
    /// A pad `forced` in pogo.toml.
    pub(crate) forced: bool,
    /// Plated hole diameter, mm.
    pub(crate) drill_mm: Option<f64>,
}

impl Candidate {
    /// Pad or via.
    pub(crate) fn kind(&self) -> TargetKind {
        match self.source {
            CandidateSource::Pad(_) => TargetKind::Pad,
            CandidateSource::Via(_) => TargetKind::Via,
        }
    }

    /// The index into `Board::pads`, when the candidate is a pad.
    pub(crate) fn pad(&self) -> Option<usize> {
        match self.source {
            CandidateSource::Pad(i) => Some(i),
            CandidateSource::Via(_) => None,
        }
    }
}

/// Why pads or vias of a net are not candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exclusion {
    /// Matched by `forbidden` in pogo.toml.
    Forbidden,
    /// Through-hole pads while `through_hole_pads = false`.
    ThroughHolePadsOff,
    /// Component SMD pads while `component_pads = false`.
    ComponentPadsOff,
    /// Pads on no outer copper layer.
    NoOuterCopper,
    /// Through-hole pads whose mask is closed on the side opposite their component.
    ThroughHoleUnderMask,
    /// Pads under solder mask.
    UnderMask,
    /// Vias while `vias = false`.
    ViasOff,
    /// Vias tented on both sides.
    TentedVia,
}

impl Exclusion {
    /// The reason in words, as counted in an unreachable net's reason.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Exclusion::Forbidden => "pads forbidden in pogo.toml",
            Exclusion::ThroughHolePadsOff => "through-hole pads (through_hole_pads off)",
            Exclusion::ComponentPadsOff => "SMD pads of components (component_pads off)",
            Exclusion::NoOuterCopper => "pads on no outer copper layer",
            Exclusion::ThroughHoleUnderMask => {
                "through-hole pads under solder mask on the side opposite their component"
            }
            Exclusion::UnderMask => "pads under solder mask",
            Exclusion::ViasOff => "vias (vias off)",
            Exclusion::TentedVia => "tented vias",
        }
    }
}

impl PartialOrd for Exclusion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Ordered by the words (the order the reasons are listed in).
impl Ord for Exclusion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Why pads and vias of a net are not candidates: net -> reason -> count.
pub(crate) type Exclusions = BTreeMap<usize, BTreeMap<Exclusion, usize>>;

fn exclude(ex: &mut Exclusions, net: usize, why: Exclusion) {
    *ex.entry(net).or_default().entry(why).or_default() += 1;
}

fn sides_open(front: (bool, bool), back: (bool, bool)) -> Vec<Side> {
    let mut v = Vec::new();
    if front.0 && front.1 {
        v.push(Side::Top);
    }
    if back.0 && back.1 {
        v.push(Side::Bottom);
    }
    v
}

/// The sides of `open` a probe may come from: all of them, or only `only` when given.
fn open_sides_of(open: &[Side], only: Option<Side>) -> Vec<Side> {
    open.iter()
        .copied()
        .filter(|s| only.is_none_or(|o| o == *s))
        .collect()
}

/// All candidates of the board (on every side: the allowed sides are applied later).
pub(crate) fn enumerate(board: &Board, rules: &DesignRules) -> (Vec<Candidate>, Exclusions) {
    let mut out = Vec::new();
    let mut ex = Exclusions::new();
    let tp_fp: Vec<bool> = board
        .footprints
        .iter()
        .map(|f| is_test_point(board, f))
        .collect();
    for (pi, pad) in board.pads.iter().enumerate() {
        let Some(net) = pad.net.map(|n| n.0 as usize) else {
            continue;
        };
        if board.nets.get(net).is_none_or(|n| n.name.is_empty()) || pad.kind == PadKind::NpThruHole
        {
            continue;
        }
        let fp = pad.footprint.and_then(|f| board.footprints.get(f));
        let forced = rules
            .forced
            .iter()
            .any(|p| pad_matches(p, &pad.reference, &pad.number));
        if !forced
            && rules
                .forbidden
                .iter()
                .any(|p| pad_matches(p, &pad.reference, &pad.number))
        {
            exclude(&mut ex, net, Exclusion::Forbidden);
            continue;
        }
        // A netlist (IPC-D-356) has no footprints: its test points are known by their
        // reference designators alone.
        let is_tp = match pad.footprint {
            Some(f) => tp_fp.get(f).copied().unwrap_or(false),
            None => !board.footprints_known && is_test_point_reference(&pad.reference),
        } || pad.test_point_property;
        let thru = pad.kind == PadKind::ThruHole;
        let open = sides_open(
            (pad.front_copper, pad.front_mask),
            (pad.back_copper, pad.back_mask),
        );
        let (origin, sides, tip_target): (TargetOrigin, Vec<Side>, TipTarget) = if is_tp {
            let t = match (&pad.drill, thru) {
                (Some(d), true) => TipTarget::Hole {
                    drill_mm: d.size_mm.w.min(d.size_mm.h),
                },
                _ => TipTarget::FlatPad,
            };
            (TargetOrigin::TestPoint, open, t)
        } else if thru {
            if !rules.probe_through_hole_pads && !forced {
                exclude(&mut ex, net, Exclusion::ThroughHolePadsOff);
                continue;
            }
            // Through-hole leads from the side opposite the part.
            let sides = open_sides_of(&open, fp.map(|f| f.side.opposite()));
            (TargetOrigin::ThroughHole, sides, TipTarget::Lead)
        } else if rules.probe_component_pads || forced {
            // Component pads on the part's own side.
            let sides = open_sides_of(&open, fp.map(|f| f.side));
            (TargetOrigin::ComponentPad, sides, TipTarget::FlatPad)
        } else {
            exclude(&mut ex, net, Exclusion::ComponentPadsOff);
            continue;
        };
        let mut sides = sides;
        let mut origin = origin;
        if sides.is_empty() {
            if forced {
                // A forced pad is probed even under the mask (reported as a violation).
                origin = TargetOrigin::Forced;
                if pad.front_copper {
                    sides.push(Side::Top);
                }
                if pad.back_copper {
                    sides.push(Side::Bottom);
                }
            } else {
                let why = if !(pad.front_copper || pad.back_copper) {
                    Exclusion::NoOuterCopper
                } else if thru {
                    Exclusion::ThroughHoleUnderMask
                } else {
                    Exclusion::UnderMask
                };
                exclude(&mut ex, net, why);
                continue;
            }
        }
        if forced {
            origin = TargetOrigin::Forced;
        }
        let inset = (-pad.mask_margin_mm.unwrap_or(0.0)).max(0.0);
        let exposed = pad_copper(pad, inset);
        let (pos, radius_mm) = if tip_target == TipTarget::Lead {
            (pad.position, inscribed_radius(&exposed, pad.position))
        } else {
            let custom = matches!(pad.shape, PadShape::Custom { .. });
            best_probe_point(&exposed, pad_shape_centre(pad), custom)
        };
        for side in sides {
            out.push(Candidate {
                source: CandidateSource::Pad(pi),
                reference: pad.reference.clone(),
                number: Some(pad.number.clone()),
                net,
                side,
                origin,
                pos,
                radius_mm,
                exposed: exposed.clone(),
                tip_target,
                footprint: pad.footprint,
                forced,
                drill_mm: pad.drill.as_ref().map(|d| d.size_mm.w.min(d.size_mm.h)),
            });
        }
    }
    for (vi, via) in board.vias.iter().enumerate() {
        let Some(net) = via.net.map(|n| n.0 as usize) else {
            continue;
        };
        if board.nets.get(net).is_none_or(|n| n.name.is_empty()) {
            continue;
        }
        if !rules.probe_vias {
            exclude(&mut ex, net, Exclusion::ViasOff);
            continue;
        }
        let on = |l: &str| via.layers.0 == l || via.layers.1 == l;
        let sides = sides_open(
            (on("F.Cu"), via.front_mask_open),
            (on("B.Cu"), via.back_mask_open),
        );
        if sides.is_empty() {
            exclude(&mut ex, net, Exclusion::TentedVia);
            continue;
        }
        let exposed = vec![via_copper(via.position, via.diameter_mm)];
        for side in sides {
            out.push(Candidate {
                source: CandidateSource::Via(vi),
                reference: String::new(),
                number: None,
                net,
                side,
                origin: TargetOrigin::Via,
                pos: via.position,
                radius_mm: via.diameter_mm / 2.0,
                exposed: exposed.clone(),
                tip_target: TipTarget::Hole {
                    drill_mm: via.drill_mm,
                },
                footprint: None,
                forced: false,
                drill_mm: Some(via.drill_mm),
            });
        }
    }
    (out, ex)
}
