//! Phase 6: the probes sorted and named, the parts they use, coverage and the
//! violations with probe ids: the [`Fixture`].

use super::layout::{Layout, Placed};
use super::{Ctx, nm};
use crate::candidates::{Candidate, CandidateSource};
use crate::geometry::inscribed_radius;
use crate::summary::{board_summary, unchecked};
use pogo_board::{Board, PadShape, PointMm, PolygonMm};
use pogo_fixture::{
    BySide, Coverage, DesignRules, Fixture, Probe, Registration, SCHEMA, Target, TargetShape,
    Unreachable, Violation,
};
use std::collections::{BTreeMap, BTreeSet};

/// What the report phase found.
pub(crate) struct Findings {
    pub(crate) unreachable: Vec<Unreachable>,
    pub(crate) nets_reachable: usize,
}

/// The fixture of the layout.
pub(crate) fn fixture(
    ctx: &Ctx,
    layout: Layout,
    findings: Findings,
    registration: Registration,
) -> Fixture {
    let order = probe_order(ctx, &layout.placed);
    let mut new_id = vec![0usize; layout.placed.len()];
    for (k, &i) in order.iter().enumerate() {
        new_id[i] = k;
    }
    let probes: Vec<Probe> = order
        .iter()
        .enumerate()
        .map(|(k, &i)| probe(ctx, k, &layout.placed[i]))
        .collect();
    let parts_used: BTreeSet<usize> = layout.placed.iter().map(|p| p.part).collect();
    let mut parts: Vec<_> = parts_used
        .iter()
        .map(|&i| ctx.catalog.parts[i].clone())
        .collect();
    parts.sort_by(|a, b| a.id.cmp(&b.id));
    let rec_ids: BTreeSet<&str> = parts.iter().map(|p| p.receptacle.as_str()).collect();
    let receptacles = ctx
        .catalog
        .receptacles
        .iter()
        .filter(|r| rec_ids.contains(r.id.as_str()))
        .cloned()
        .collect();
    let violations = layout
        .violations
        .into_iter()
        .map(|v| {
            let mut ids: Vec<usize> = v.probes.iter().map(|&i| new_id[i]).collect();
            ids.sort_unstable();
            Violation {
                rule: v.rule,
                message: v.message,
                probes: ids.into_iter().map(probe_id).collect(),
                x: nm(v.at.x),
                y: nm(v.at.y),
            }
        })
        .collect();
    let nets_probed = ctx
        .nets
        .testable
        .iter()
        .filter(|&&n| layout.placed.iter().any(|p| ctx.cands[p.cand].net == n))
        .count();
    let coverage = Coverage {
        nets_total: ctx.nets.nets_total,
        nets_testable: ctx.nets.testable.len(),
        nets_probed,
        nets_reachable: findings.nets_reachable,
        probes_by_class: probes_by_class(&probes),
    };
    Fixture {
        schema: SCHEMA.to_string(),
        generator: format!("pogo {}", env!("CARGO_PKG_VERSION")),
        board: board_summary(ctx.board),
        rules: DesignRules {
            sides: ctx.sides.clone(),
            ..ctx.rules.clone()
        },
        probes,
        parts,
        receptacles,
        coverage,
        unreachable: findings.unreachable,
        violations,
        unchecked: unchecked(ctx.board),
        stackup: None,
        set_height_mm: None,
        tooling: Vec::new(),
        tooling_suggestions: Vec::new(),
        force: None,
        channels: None,
        registration: Some(registration),
        tolerance: None,
        clamshell: None,
    }
}

/// `P1`, `P2`, ... from a 0-based index.
fn probe_id(k: usize) -> String {
    format!("P{}", k + 1)
}

/// Indices into `placed` in probe order: side, then y, then x (to 1 nm), then net.
fn probe_order(ctx: &Ctx, placed: &[Placed]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..placed.len()).collect();
    order.sort_by(|a, b| {
        let (pa, pb) = (&placed[*a], &placed[*b]);
        let (ca, cb) = (&ctx.cands[pa.cand], &ctx.cands[pb.cand]);
        ca.side
            .cmp(&cb.side)
            .then(nm(pa.pos.y).total_cmp(&nm(pb.pos.y)))
            .then(nm(pa.pos.x).total_cmp(&nm(pb.pos.x)))
            .then(ca.net.cmp(&cb.net))
            .then(a.cmp(b))
    });
    order
}

fn probe(ctx: &Ctx, k: usize, p: &Placed) -> Probe {
    let c = &ctx.cands[p.cand];
    Probe::placed(
        probe_id(k),
        ctx.board.nets[c.net].name.clone(),
        c.side,
        (nm(p.pos.x), nm(p.pos.y)),
        target_of(ctx.board, c, p.pos),
        &ctx.catalog.parts[p.part],
        p.locked,
    )
}

/// Probes per class and side.
fn probes_by_class(probes: &[Probe]) -> BTreeMap<String, BySide<usize>> {
    let mut by_class: BTreeMap<String, BySide<usize>> = BTreeMap::new();
    for p in probes {
        *by_class.entry(p.class.clone()).or_default().entry(p.side) += 1;
    }
    by_class
}

/// Polygons with every point rounded to 1 nm.
fn round_polygons(polys: &[PolygonMm]) -> Vec<PolygonMm> {
    let r = |ring: &Vec<PointMm>| {
        ring.iter()
            .map(|p| PointMm::new(nm(p.x), nm(p.y)))
            .collect()
    };
    polys
        .iter()
        .map(|p| PolygonMm {
            outer: r(&p.outer),
            holes: p.holes.iter().map(r).collect(),
        })
        .collect()
}

/// The target of a probe at `at` on candidate `c`.
pub(crate) fn target_of(board: &Board, c: &Candidate, at: PointMm) -> Target {
    let (centre, shape, w, h, rotation, corner) = match c.source {
        CandidateSource::Pad(pi) => {
            let pad = &board.pads[pi];
            let corner = match pad.shape {
                PadShape::RoundRect { ratio } => ratio * pad.size_mm.w.min(pad.size_mm.h),
                PadShape::Oval => pad.size_mm.w.min(pad.size_mm.h) / 2.0,
                _ => 0.0,
            };
            (
                pad.position,
                target_shape(&pad.shape),
                pad.size_mm.w,
                pad.size_mm.h,
                pad.rotation_deg,
                corner,
            )
        }
        CandidateSource::Via(vi) => {
            let v = &board.vias[vi];
            let d = v.diameter_mm;
            (v.position, TargetShape::Circle, d, d, 0.0, 0.0)
        }
    };
    Target {
        kind: c.kind(),
        reference: c.reference.clone(),
        number: c.number.clone(),
        x: nm(centre.x),
        y: nm(centre.y),
        shape,
        w,
        h,
        rotation,
        corner_radius_mm: nm(corner),
        drill_mm: c.drill_mm,
        origin: c.origin,
        inscribed_radius_mm: nm(inscribed_radius(&c.exposed, at)),
        exposed: round_polygons(&c.exposed),
    }
}

/// The fixture's name for the shape of a board pad.
fn target_shape(shape: &PadShape) -> TargetShape {
    match shape {
        PadShape::Circle => TargetShape::Circle,
        PadShape::Rect => TargetShape::Rect,
        PadShape::Oval => TargetShape::Oval,
        PadShape::Trapezoid { .. } => TargetShape::Trapezoid,
        PadShape::RoundRect { .. } => TargetShape::Roundrect,
        PadShape::ChamferedRect { .. } => TargetShape::ChamferedRect,
        PadShape::Custom { .. } => TargetShape::Custom,
    }
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    #[test]
    fn pad_shapes_keep_kicad_names() {
        for shape in [
            PadShape::Circle,
            PadShape::Rect,
            PadShape::Oval,
            PadShape::RoundRect { ratio: 0.25 },
        ] {
            assert_eq!(target_shape(&shape).as_str(), shape.kicad_name());
        }
    }
}
