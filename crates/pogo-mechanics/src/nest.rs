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

use crate::NestSettings;
use crate::offset;
use pogo_fixture::{
    Fixture, Nest, NestHole, NestRelief, NestReliefKind, NestScrewHole, RegistrationKind, RuleId,
    Violation,
};
use pogo_geom::{PointMm, PolygonMm, Side};
use pogo_geom::{bbox_of, polygon_contains, polygon_edge_distance, rect_ring};

/// A probe clearance hole is the tip diameter plus this, mm (one home: pogo-fixture).
pub use pogo_fixture::NEST_HOLE_MARGIN_MM;
/// Least wall a seated nest keeps round its cut and its screw holes, mm.
const NEST_WALL_MM: f64 = 2.0;

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

/// Where the nest sits in the fixture.
#[derive(Debug, Clone, PartialEq)]
pub enum NestSeat {
    /// On its own, on the probe plate of its face (a press's plate stack): its face
    /// is the probed side with the most probes ([`nest_side`]), its thickness and
    /// margin the settings'.
    Free,
    /// In the clamshell's stack-up, on the lower plate's top face under the board's
    /// bottom face: the board rests on its ledge `gap_mm` above the plate (the set
    /// height, or the pressure plate's push finger length), so the nest is
    /// `gap_mm` + the pocket depth thick; its outline is the lower plate's rectangle
    /// (page coordinates `[x0, y0, x1, y1]`) with the plate's four mounting holes
    /// (`inset_mm` from the edges, `hole_mm` wide; grown to keep a wall round a part
    /// over the outline, and without the holes the cut reaches), whose screws fix it;
    /// its reliefs
    /// keep at least `clearance_mm` round the parts (parts without a courtyard get
    /// one round their box); the push fingers standing on the lower plate pass
    /// through it (a hole of their tip + 1 mm where they would meet the ledge).
    Clamshell {
        /// Lower plate top face to the board's bottom face, mm.
        gap_mm: f64,
        /// The lower plate's rectangle, page coordinates.
        plate: [f64; 4],
        /// Mounting holes' inset from the plate edges, mm.
        inset_mm: f64,
        /// Mounting hole diameter, mm.
        hole_mm: f64,
        /// Least clearance round a part in a relief, mm.
        clearance_mm: f64,
        /// Push fingers on the lower plate: centre x, y and tip diameter, mm.
        fingers: Vec<[f64; 3]>,
    },
}

/// Draws the nest when the fixture is registered by one: fills `registration.pocket`
/// and `registration.nest`, and adds a `nest_probe_hole` violation for every probe
/// whose clearance hole would cut the pocket wall (only forced or locked probes, or
/// an `outline_clearance_mm` set below the nest's need, can do that). The plate's
/// figures (ledge, chamfer, thickness, margin, notch, relief clearance, wall gap)
/// come from `settings` (`[mechanics.nest]`); `seat` says where it sits.
pub fn build(fx: &mut Fixture, settings: &NestSettings, seat: NestSeat) {
    let Some(reg) = fx.registration.as_ref() else {
        return;
    };
    if reg.kind != RegistrationKind::Nest || fx.board.outline.is_empty() {
        return;
    }
    let clearance = reg.clearance_mm;
    let outline = fx.board.outline.clone();
    let pocket = offset::offset(&outline, clearance);
    let seated = matches!(seat, NestSeat::Clamshell { .. });
    let (side, settings) = match seat {
        NestSeat::Free => (nest_side(fx), settings.clone()),
        NestSeat::Clamshell { clearance_mm, .. } => (
            Side::Bottom,
            NestSettings {
                relief_clearance_mm: settings.relief_clearance_mm.max(clearance_mm),
                ..settings.clone()
            },
        ),
    };
    let settings = &settings;
    // Probe clearance holes where a probe's hole reaches the ledge.
    let mut probe_holes = Vec::new();
    let mut violations = Vec::new();
    for p in fx.probes.iter().filter(|p| p.side == side) {
        let tip = fx.part(&p.part).map_or(1.0, |part| part.tip_diameter_mm);
        let r = (tip + NEST_HOLE_MARGIN_MM) / 2.0;
        let at = PointMm::new(p.x, p.y);
        let edge = distance_to_edge(&outline, at);
        if edge.is_some_and(|(d, inside)| inside && d >= settings.ledge_width_mm + r) {
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
                rule: RuleId::NestProbeHole,
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
    let inner = offset::offset(&outline, -settings.ledge_width_mm);
    let mut reliefs = Vec::new();
    for part in &fx.board.parts {
        let courtyard = if !part.courtyard.is_empty() {
            part.courtyard.clone()
        } else if seated {
            vec![crate::geom::rect(crate::geom::part_box(part, 0.0))]
        } else {
            continue;
        };
        let outside = offset::area_mm2(&courtyard)
            - offset::area_mm2(&offset::intersection(&courtyard, &outline));
        if outside > 1e-3 {
            reliefs.push(NestRelief {
                reference: part.reference.clone(),
                kind: NestReliefKind::Overhang,
                area: offset::offset(&courtyard, clearance.max(settings.relief_clearance_mm)),
            });
        }
        if part.side == side {
            let grown = offset::offset(&courtyard, settings.relief_clearance_mm);
            let over_ledge =
                offset::area_mm2(&grown) - offset::area_mm2(&offset::intersection(&grown, &inner));
            if over_ledge > 1e-3 {
                reliefs.push(NestRelief {
                    reference: part.reference.clone(),
                    kind: NestReliefKind::Ledge,
                    area: grown,
                });
            }
        }
    }
    let [l, t, r, b] = bbox_of(pocket.iter().flat_map(|p| p.outer.iter().copied()));
    let notch_r = settings
        .finger_notch_mm
        .min((r - l).min(b - t) / 4.0)
        .max(1.0);
    let notch = finger_notch(&outline, [l, t, r, b]);
    let mut cut_parts: Vec<PolygonMm> = pocket.clone();
    for rel in reliefs
        .iter()
        .filter(|r| r.kind == NestReliefKind::Overhang)
    {
        cut_parts.extend(rel.area.iter().cloned());
    }
    let cut = offset::union(&cut_parts, &[(notch.x, notch.y, notch_r)]);
    let mut open_parts = inner.clone();
    for rel in reliefs.iter().filter(|r| r.kind == NestReliefKind::Ledge) {
        open_parts.extend(rel.area.iter().cloned());
    }
    let mut circles: Vec<(f64, f64, f64)> = probe_holes
        .iter()
        .map(|h| (h.x, h.y, h.diameter_mm / 2.0))
        .collect();
    if let NestSeat::Clamshell { fingers, .. } = &seat {
        circles.extend(
            fingers
                .iter()
                .map(|f| (f[0], f[1], (f[2] + NEST_HOLE_MARGIN_MM) / 2.0)),
        );
    }
    let opening = offset::intersection(
        &offset::union(&open_parts, &circles),
        &offset::offset(&pocket, -settings.min_wall_gap_mm),
    );
    let [cl, ct, cr, cb] = bbox_of(cut.iter().flat_map(|p| p.outer.iter().copied()));
    let (plate_outline, thickness, screw_holes) = match &seat {
        NestSeat::Free => (
            rect_ring(
                cl - settings.margin_mm,
                ct - settings.margin_mm,
                cr + settings.margin_mm,
                cb + settings.margin_mm,
            ),
            settings.thickness_mm.max(fx.board.thickness_mm + 3.0),
            Vec::new(),
        ),
        &NestSeat::Clamshell {
            gap_mm,
            plate: [x0, y0, x1, y1],
            inset_mm: i,
            hole_mm,
            ..
        } => {
            // The plate's rectangle, grown where the cut (a part over the outline)
            // would leave less than the wall round it.
            let w = NEST_WALL_MM;
            let outline = rect_ring(
                x0.min(cl - w),
                y0.min(ct - w),
                x1.max(cr + w),
                y1.max(cb + w),
            );
            // The plate's mounting holes, but where the cut or the opening reaches.
            let cut_or_open: Vec<&PolygonMm> = cut.iter().chain(opening.iter()).collect();
            let holes = [
                (x0 + i, y0 + i),
                (x1 - i, y0 + i),
                (x1 - i, y1 - i),
                (x0 + i, y1 - i),
            ]
            .into_iter()
            .filter(|&(x, y)| {
                let at = PointMm::new(x, y);
                cut_or_open.iter().all(|q| {
                    !polygon_contains(q, at)
                        && polygon_edge_distance(q, at) >= hole_mm / 2.0 + NEST_WALL_MM
                })
            })
            .map(|(x, y)| NestScrewHole {
                x,
                y,
                diameter_mm: hole_mm,
            })
            .collect();
            (outline, gap_mm + fx.board.thickness_mm, holes)
        }
    };
    let nest = Nest {
        side,
        plate_outline,
        thickness_mm: thickness,
        pocket_depth_mm: fx.board.thickness_mm,
        lead_in_chamfer_mm: settings.lead_in_chamfer_mm.min(fx.board.thickness_mm / 2.0),
        ledge_width_mm: settings.ledge_width_mm,
        cut,
        opening,
        probe_holes,
        reliefs,
        finger_notch: [notch.x, notch.y, notch_r],
        screw_holes,
    };
    // A nest built again (seated in the clamshell) replaces its findings.
    fx.violations.retain(|v| v.rule != RuleId::NestProbeHole);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A 60 x 40 mm board registered by a nest, no probes.
    fn nested_board() -> Fixture {
        let text = serde_json::json!({
            "schema": pogo_fixture::SCHEMA, "generator": "test",
            "board": {"file": "t", "sha256": "0", "format": "kicad", "outline_bbox": [0.0, 0.0, 60.0, 40.0],
                      "thickness_mm": 1.6, "parts": [], "holes": [],
                      "outline": [{"outer": [{"x": 0.0, "y": 0.0}, {"x": 60.0, "y": 0.0},
                                             {"x": 60.0, "y": 40.0}, {"x": 0.0, "y": 40.0}], "holes": []}]},
            "rules": {"sides": ["bottom"], "classes": ["P100"], "outline_clearance_mm": 1.0, "courtyard_clearance_mm": 0.5,
                      "tall_courtyard_clearance_mm": 2.0, "tall_part_height_mm": 5.0, "tooling_hole_clearance_mm": 1.0,
                      "via_drill_max_tip_fraction": 0.5, "probe_component_pads": false, "no_probe_nets": [], "probes_per_net": []},
            "probes": [], "parts": [], "receptacles": [],
            "coverage": {"nets_total": 0, "nets_testable": 0, "nets_probed": 0, "nets_reachable": 0, "probes_by_class": {}},
            "unreachable": [], "violations": [],
            "registration": {"kind": "nest", "requested": "nest", "reason": "test", "fixture_kind": "mechanical",
                             "outline_edge": "routed", "clearance_mm": 0.1, "outline_tolerance_mm": 0.1}
        })
        .to_string();
        Fixture::from_json("test", &text).expect("fixture")
    }

    fn nest_with(settings: &NestSettings) -> Nest {
        let mut fx = nested_board();
        build(&mut fx, settings, NestSeat::Free);
        fx.registration.and_then(|r| r.nest).expect("a nest")
    }

    #[test]
    fn nest_settings_change_the_nest() {
        let base = nest_with(&NestSettings::default());
        assert_eq!(base.ledge_width_mm, 2.0);
        assert_eq!(base.thickness_mm, 10.0);
        assert_eq!(base.lead_in_chamfer_mm, 0.5);
        assert_eq!(base.finger_notch[2], 8.0);
        let changed = nest_with(&NestSettings {
            ledge_width_mm: 4.0,
            lead_in_chamfer_mm: 0.3,
            thickness_mm: 15.0,
            margin_mm: 5.0,
            finger_notch_mm: 6.0,
            relief_clearance_mm: 1.0,
            min_wall_gap_mm: 0.1,
        });
        assert_eq!(changed.ledge_width_mm, 4.0);
        assert_eq!(changed.thickness_mm, 15.0);
        assert_eq!(changed.lead_in_chamfer_mm, 0.3);
        assert_eq!(changed.finger_notch[2], 6.0);
        // The through opening is the outline shrunk by the ledge: (60 - 2w) x (40 - 2w).
        let area = |n: &Nest| offset::area_mm2(&n.opening);
        assert!((area(&base) - 56.0 * 36.0).abs() < 0.5, "{}", area(&base));
        assert!(
            (area(&changed) - 52.0 * 32.0).abs() < 0.5,
            "{}",
            area(&changed)
        );
        // The plate is the cut's box plus the margin each side.
        let width = |n: &Nest| {
            let xs = n.plate_outline.iter().map(|p| p.x);
            xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min)
        };
        assert!((width(&base) - width(&changed) - 10.0).abs() < 1e-9);
    }
}
