//! The nest: a plate with a pocket cut to the board outline, for boards registered by
//! their edge (no usable tooling holes, or `registration = "nest"`).
//!
//! The pocket is the board outline, cut-outs and concave parts included, offset
//! outward by the registration's clearance ([`crate::offset`]); it is as deep as the
//! board is thick, with a 45 degree lead-in chamfer round its top edge. The board
//! rests on a ledge round a through opening (the outline shrunk by the ledge width):
//! probes and the parts of the nest face are in the opening; a probe over the ledge
//! gets a clearance hole (tip + 1 mm, FixturFab "Cradles"), a part of the nest face
//! over the ledge a relief through it, a part that hangs over the outline a relief
//! round it at pocket depth, and a finger notch in the pocket wall lets a finger lift
//! the board out.

use crate::offset;
use pogo_fixture::{Fixture, Nest, NestHole, NestRelief, RegistrationKind, Violation};
use pogo_geom::{PointMm, PolygonMm, Side};
use pogo_geom::{bbox_of, polygon_contains, polygon_edge_distance, rect_ring};

/// Width of the support ledge from the board edge inward, mm.
pub const LEDGE_WIDTH_MM: f64 = 2.0;
/// Lead-in chamfer round the pocket's top edge, mm.
pub const LEAD_IN_CHAMFER_MM: f64 = 0.5;
/// Least nest plate thickness, mm (FixturFab cradles: about 10 mm).
pub const NEST_THICKNESS_MM: f64 = 10.0;
/// Plate margin round the pocket, mm.
pub const NEST_MARGIN_MM: f64 = 10.0;
/// Finger notch radius, mm (at most a quarter of the board's shorter side).
pub const FINGER_NOTCH_MM: f64 = 8.0;
/// Clearance round a part's courtyard in a relief, mm.
pub const RELIEF_CLEARANCE_MM: f64 = 0.5;
/// Material kept between the through opening and the pocket wall, mm (so the ledge
/// never has a knife edge).
pub const MIN_WALL_GAP_MM: f64 = 0.05;
/// A probe clearance hole is the tip diameter plus this, mm (FixturFab "Cradles").
pub const NEST_HOLE_MARGIN_MM: f64 = 1.0;

/// The nest face: the probed side with the most probes (bottom on a tie or with none).
pub fn nest_side(fx: &Fixture) -> Side {
    let top = fx.probes.iter().filter(|p| p.side == Side::Top).count();
    let bottom = fx.probes.len() - top;
    if top > bottom {
        Side::Top
    } else {
        Side::Bottom
    }
}

/// Draws the nest when the fixture is registered by one: fills `registration.pocket`
/// and `registration.nest`, and adds a `nest_probe_hole` violation for every probe
/// whose clearance hole would cut the pocket wall (only forced or locked probes, or
/// an `outline_clearance_mm` set below the nest's need, can do that).
pub fn build(fx: &mut Fixture) {
    let Some(reg) = fx.registration.as_ref() else {
        return;
    };
    if reg.kind != RegistrationKind::Nest || fx.board.outline.is_empty() {
        return;
    }
    let clearance = reg.clearance_mm;
    let outline = fx.board.outline.clone();
    let pocket = offset::offset(&outline, clearance);
    let side = nest_side(fx);
    // Probe clearance holes where a probe's hole reaches the ledge.
    let mut probe_holes = Vec::new();
    let mut violations = Vec::new();
    for p in fx.probes.iter().filter(|p| p.side == side) {
        let tip = fx.part(&p.part).map_or(1.0, |part| part.tip_diameter_mm);
        let r = (tip + NEST_HOLE_MARGIN_MM) / 2.0;
        let at = PointMm::new(p.x, p.y);
        let edge = distance_to_edge(&outline, at);
        if edge.is_some_and(|(d, inside)| inside && d >= LEDGE_WIDTH_MM + r) {
            continue;
        }
        probe_holes.push(NestHole {
            probe: p.id.clone(),
            x: p.x,
            y: p.y,
            diameter_mm: 2.0 * r,
        });
        let wall = distance_to_edge(&pocket, at);
        if !wall.is_some_and(|(d, inside)| inside && d >= r - 1e-9) {
            violations.push(Violation {
                rule: "nest_probe_hole".into(),
                message: format!(
                    "probe {}'s {:.2} mm clearance hole cuts the nest's pocket wall ({:.2} mm from the centre)",
                    p.id,
                    2.0 * r,
                    wall.map_or(0.0, |w| w.0)
                ),
                probes: vec![p.id.clone()],
                x: p.x,
                y: p.y,
            });
        }
    }
    // Parts: over the ledge on the nest face (through relief), or over the outline
    // (relief round them at pocket depth).
    let inner = offset::offset(&outline, -LEDGE_WIDTH_MM);
    let mut reliefs = Vec::new();
    for part in &fx.board.parts {
        if part.courtyard.is_empty() {
            continue;
        }
        let outside = offset::area_mm2(&part.courtyard)
            - offset::area_mm2(&offset::intersection(&part.courtyard, &outline));
        if outside > 1e-3 {
            reliefs.push(NestRelief {
                reference: part.reference.clone(),
                kind: "overhang".into(),
                area: offset::offset(&part.courtyard, clearance.max(RELIEF_CLEARANCE_MM)),
            });
        }
        if part.side == side {
            let grown = offset::offset(&part.courtyard, RELIEF_CLEARANCE_MM);
            let over_ledge =
                offset::area_mm2(&grown) - offset::area_mm2(&offset::intersection(&grown, &inner));
            if over_ledge > 1e-3 {
                reliefs.push(NestRelief {
                    reference: part.reference.clone(),
                    kind: "ledge".into(),
                    area: grown,
                });
            }
        }
    }
    let [l, t, r, b] = bbox_of(pocket.iter().flat_map(|p| p.outer.iter().copied()));
    let notch_r = FINGER_NOTCH_MM.min((r - l).min(b - t) / 4.0).max(1.0);
    let notch = finger_notch(&outline, [l, t, r, b]);
    let mut cut_parts: Vec<PolygonMm> = pocket.clone();
    for rel in reliefs.iter().filter(|r| r.kind == "overhang") {
        cut_parts.extend(rel.area.iter().cloned());
    }
    let cut = offset::union(&cut_parts, &[(notch.x, notch.y, notch_r)]);
    let mut open_parts = inner.clone();
    for rel in reliefs.iter().filter(|r| r.kind == "ledge") {
        open_parts.extend(rel.area.iter().cloned());
    }
    let circles: Vec<(f64, f64, f64)> = probe_holes
        .iter()
        .map(|h| (h.x, h.y, h.diameter_mm / 2.0))
        .collect();
    let opening = offset::intersection(
        &offset::union(&open_parts, &circles),
        &offset::offset(&pocket, -MIN_WALL_GAP_MM),
    );
    let [cl, ct, cr, cb] = bbox_of(cut.iter().flat_map(|p| p.outer.iter().copied()));
    let thickness = NEST_THICKNESS_MM.max(fx.board.thickness_mm + 3.0);
    let nest = Nest {
        side,
        plate_outline: rect_ring(
            cl - NEST_MARGIN_MM,
            ct - NEST_MARGIN_MM,
            cr + NEST_MARGIN_MM,
            cb + NEST_MARGIN_MM,
        ),
        thickness_mm: thickness,
        pocket_depth_mm: fx.board.thickness_mm,
        lead_in_chamfer_mm: LEAD_IN_CHAMFER_MM.min(fx.board.thickness_mm / 2.0),
        ledge_width_mm: LEDGE_WIDTH_MM,
        cut,
        opening,
        probe_holes,
        reliefs,
        finger_notch: [notch.x, notch.y, notch_r],
    };
    fx.violations.extend(violations);
    if let Some(reg) = fx.registration.as_mut() {
        reg.pocket = pocket;
        reg.nest = Some(nest);
    }
}

/// Distance from a point to the nearest polygon boundary, and whether it is inside.
fn distance_to_edge(polys: &[PolygonMm], p: PointMm) -> Option<(f64, bool)> {
    let inside = polys.iter().any(|q| polygon_contains(q, p));
    polys
        .iter()
        .map(|q| polygon_edge_distance(q, p))
        .reduce(f64::min)
        .map(|d| (d, inside))
}

/// The finger notch centre: the outline point nearest the middle of the box's longer
/// lower (page y max) or right side.
fn finger_notch(outline: &[PolygonMm], [l, t, r, b]: [f64; 4]) -> PointMm {
    let target = if r - l >= b - t {
        PointMm::new((l + r) / 2.0, b)
    } else {
        PointMm::new(r, (t + b) / 2.0)
    };
    let mut best = (f64::INFINITY, target);
    for poly in outline {
        let ring = &poly.outer;
        for i in 0..ring.len() {
            let (a, c) = (ring[i], ring[(i + 1) % ring.len()]);
            let (dx, dy) = (c.x - a.x, c.y - a.y);
            let len2 = dx * dx + dy * dy;
            let s = if len2 > 0.0 {
                (((target.x - a.x) * dx + (target.y - a.y) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let q = PointMm::new(a.x + s * dx, a.y + s * dy);
            let d = (q.x - target.x).hypot(q.y - target.y);
            if d < best.0 {
                best = (d, q);
            }
        }
    }
    best.1
}
