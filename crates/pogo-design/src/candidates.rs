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
use pogo_fixture::{DesignRules, TargetKind};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Candidate {
    pub kind: TargetKind,
    pub pad: Option<usize>,
    pub via: Option<usize>,
    pub reference: String,
    pub number: Option<String>,
    /// Index into `Board::nets`.
    pub net: usize,
    pub side: Side,
    /// `test_point`, `through_hole`, `via`, `component_pad`, `forced`.
    pub origin: &'static str,
    /// Probe place and the radius of the largest circle there inside `exposed`.
    pub pos: PointMm,
    pub radius_mm: f64,
    pub exposed: Vec<PolygonMm>,
    pub tip_target: TipTarget,
    pub footprint: Option<usize>,
    pub forced: bool,
    pub drill_mm: Option<f64>,
}

/// Why pads and vias of a net are not candidates: reason -> count.
pub type Exclusions = BTreeMap<usize, BTreeMap<String, usize>>;

fn exclude(ex: &mut Exclusions, net: usize, why: &str) {
    *ex.entry(net)
        .or_default()
        .entry(why.to_string())
        .or_default() += 1;
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

/// All candidates of the board (on every side: the allowed sides are applied later).
pub fn enumerate(board: &Board, rules: &DesignRules) -> (Vec<Candidate>, Exclusions) {
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
            exclude(&mut ex, net, "pads forbidden in pogo.toml");
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
        let (origin, sides, tip_target): (&'static str, Vec<Side>, TipTarget) = if is_tp {
            let t = match (&pad.drill, thru) {
                (Some(d), true) => TipTarget::Hole {
                    drill_mm: d.size_mm.w.min(d.size_mm.h),
                },
                _ => TipTarget::FlatPad,
            };
            ("test_point", open, t)
        } else if thru {
            if !rules.probe_through_hole_pads && !forced {
                exclude(&mut ex, net, "through-hole pads (through_hole_pads off)");
                continue;
            }
            let probe_side = fp.map(|f| f.side.opposite());
            let sides: Vec<Side> = open
                .iter()
                .copied()
                .filter(|s| probe_side.is_none_or(|ps| ps == *s))
                .collect();
            ("through_hole", sides, TipTarget::Lead)
        } else if rules.probe_component_pads || forced {
            let own = fp.map(|f| f.side);
            let sides: Vec<Side> = open
                .iter()
                .copied()
                .filter(|s| own.is_none_or(|o| o == *s))
                .collect();
            ("component_pad", sides, TipTarget::FlatPad)
        } else {
            exclude(&mut ex, net, "SMD pads of components (component_pads off)");
            continue;
        };
        let mut sides = sides;
        let mut origin = origin;
        if sides.is_empty() {
            if forced {
                // A forced pad is probed even under the mask (reported as a violation).
                origin = "forced";
                if pad.front_copper {
                    sides.push(Side::Top);
                }
                if pad.back_copper {
                    sides.push(Side::Bottom);
                }
            } else {
                let why = if !(pad.front_copper || pad.back_copper) {
                    "pads on no outer copper layer"
                } else if thru {
                    "through-hole pads under solder mask on the side opposite their component"
                } else {
                    "pads under solder mask"
                };
                exclude(&mut ex, net, why);
                continue;
            }
        }
        if forced {
            origin = "forced";
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
                kind: TargetKind::Pad,
                pad: Some(pi),
                via: None,
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
            exclude(&mut ex, net, "vias (vias off)");
            continue;
        }
        let on = |l: &str| via.layers.0 == l || via.layers.1 == l;
        let sides = sides_open(
            (on("F.Cu"), via.front_mask_open),
            (on("B.Cu"), via.back_mask_open),
        );
        if sides.is_empty() {
            exclude(&mut ex, net, "tented vias");
            continue;
        }
        let exposed = vec![via_copper(via.position, via.diameter_mm)];
        for side in sides {
            out.push(Candidate {
                kind: TargetKind::Via,
                pad: None,
                via: Some(vi),
                reference: String::new(),
                number: None,
                net,
                side,
                origin: "via",
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
