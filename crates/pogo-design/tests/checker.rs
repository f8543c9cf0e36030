//! An independent checker: re-verifies every design rule on every shared board from
//! `fixture.json` (serialised and read back) and the board itself, with its own
//! simple geometry. It does not use the selection code or pogo-design's geometry.

use pogo_board::{Board, PadKind, PadShape, PointMm, PolygonMm, Side};
use pogo_catalog::{Catalog, TipStyle};
use pogo_design::DesignConfig;
use pogo_fixture::{Fixture, Probe, TargetKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The example board of the repository, always; then every shared board when the
/// shared data is there.
fn board_files() -> Vec<(String, PathBuf)> {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
    let mut out = vec![("pogo-demo".to_string(), example)];
    for dir in pogo_testdata::board_folders("checker (every shared board)") {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".kicad_pcb"))
            .collect();
        files.sort();
        if let Some(f) = files.into_iter().next() {
            out.push((name, f));
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------- simple geometry

fn seg_dist(p: PointMm, a: PointMm, b: PointMm) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let l2 = dx * dx + dy * dy;
    let t = if l2 == 0.0 {
        0.0
    } else {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / l2).clamp(0.0, 1.0)
    };
    (p.x - a.x - t * dx).hypot(p.y - a.y - t * dy)
}

fn crossings(ring: &[PointMm], p: PointMm) -> usize {
    let n = ring.len();
    (0..n)
        .filter(|&i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y)
        })
        .count()
}

fn rings(polys: &[PolygonMm]) -> impl Iterator<Item = &Vec<PointMm>> {
    polys
        .iter()
        .flat_map(|p| std::iter::once(&p.outer).chain(p.holes.iter()))
}

/// Inside by the even-odd rule over all rings, and the distance to the nearest edge.
fn inside_and_distance(polys: &[PolygonMm], p: PointMm) -> (bool, f64) {
    let mut odd = false;
    let mut d = f64::INFINITY;
    for ring in rings(polys) {
        odd ^= crossings(ring, p) % 2 == 1;
        for i in 0..ring.len() {
            d = d.min(seg_dist(p, ring[i], ring[(i + 1) % ring.len()]));
        }
    }
    (odd, d)
}

/// Largest circle centred on `p` inside a pad, computed in the pad's own frame for
/// the standard shapes (exact), from the fixture's exposed polygon for the others.
fn pad_clearance(board_pad: &pogo_board::Pad, exposed: &[PolygonMm], p: PointMm) -> f64 {
    let offset = board_pad
        .drill
        .as_ref()
        .map(|d| d.offset_mm)
        .unwrap_or_default();
    // Into the pad frame: undo the translation and the rotation (KiCad: y down).
    let d = PointMm::new(p.x - board_pad.position.x, p.y - board_pad.position.y);
    let (s, c) = (-board_pad.rotation_deg).to_radians().sin_cos();
    let local = PointMm::new(d.x * c + d.y * s - offset.x, -d.x * s + d.y * c - offset.y);
    let (w, h) = (board_pad.size_mm.w / 2.0, board_pad.size_mm.h / 2.0);
    let (x, y) = (local.x.abs(), local.y.abs());
    let rounded = |r: f64| {
        // Signed distance to a rounded rectangle (half sizes w, h, corner radius r).
        let (qx, qy) = (x - (w - r), y - (h - r));
        let outside = qx.max(0.0).hypot(qy.max(0.0));
        let inside = qx.max(qy).min(0.0);
        r - (outside + inside)
    };
    match &board_pad.shape {
        PadShape::Circle => w.min(h) - local.x.hypot(local.y),
        PadShape::Rect => (w - x).min(h - y),
        PadShape::Oval => rounded(w.min(h)),
        PadShape::RoundRect { ratio } => rounded(ratio * 2.0 * w.min(h)),
        _ => {
            let (inside, dist) = inside_and_distance(exposed, p);
            if inside { dist } else { -dist }
        }
    }
}

// ---------------------------------------------------------------- the checker

struct Ctx<'a> {
    name: &'a str,
    board: &'a Board,
    fx: &'a Fixture,
    catalog: &'a Catalog,
}

fn is_test_point(board: &Board, fp: &pogo_board::Footprint) -> bool {
    let r = &fp.reference;
    (r.starts_with("TP") && r[2..].starts_with(|c: char| c.is_ascii_digit()))
        || fp.lib_id.to_lowercase().contains("testpoint")
        || board.pads[fp.pads.clone()]
            .iter()
            .any(|p| p.test_point_property)
}

fn check(ctx: &Ctx) -> Vec<String> {
    let (board, fx) = (ctx.board, ctx.fx);
    let rules = &fx.rules;
    let mut errors = Vec::new();
    let mut err = |probe: &Probe, what: String| {
        errors.push(format!(
            "{}: {} {} at ({:.3}, {:.3}): {what}",
            ctx.name, probe.id, probe.net, probe.x, probe.y
        ))
    };
    // Nets by the board itself.
    let mut pads_of: BTreeMap<&str, usize> = BTreeMap::new();
    for pad in &board.pads {
        if pad.kind != PadKind::NpThruHole {
            *pads_of.entry(board.net_name(pad.net)).or_default() += 1;
        }
    }
    let outline: Vec<PolygonMm> = board
        .outline
        .as_ref()
        .map(|o| o.polygons.clone())
        .unwrap_or_default();
    // Tooling holes: non-plated or mounting holes of at least the rule's size.
    let tooling: Vec<(PointMm, f64)> = board
        .pads
        .iter()
        .filter_map(|p| {
            let d = p.drill.as_ref()?;
            let dia = d.size_mm.w.min(d.size_mm.h);
            let mh = p.footprint.is_some_and(|f| {
                board.footprints[f]
                    .lib_id
                    .to_lowercase()
                    .contains("mountinghole")
            });
            ((p.kind == PadKind::NpThruHole || mh) && dia >= rules.tooling_hole_min_diameter_mm)
                .then_some((p.position, dia))
        })
        .collect();

    for probe in &fx.probes {
        let p = PointMm::new(probe.x, probe.y);
        let part = fx.part(&probe.part).expect("part listed in fixture");
        assert_eq!(part.class, probe.class);
        assert!(rules.classes.contains(&probe.class), "class allowed");
        if !rules.sides.contains(&probe.side) {
            err(probe, "side not allowed".into());
        }
        if rules.no_probe_nets.contains(&probe.net) {
            err(probe, "no-probe net".into());
        }
        if pads_of.get(probe.net.as_str()).copied().unwrap_or(0) < 2 {
            err(probe, "net with fewer than two pads needs no probe".into());
        }
        let min_pad = rules.class_min_pad_mm[&probe.class];
        let t = &probe.target;
        let own_fp;
        match t.kind {
            TargetKind::Pad => {
                let number = t.number.as_deref().unwrap_or("");
                let pad = board
                    .pads
                    .iter()
                    .find(|q| {
                        q.reference == t.reference
                            && q.number == number
                            && (q.position.x - t.x).abs() < 1e-5
                            && (q.position.y - t.y).abs() < 1e-5
                    })
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: target {}.{} not on the board",
                            ctx.name, t.reference, number
                        )
                    });
                own_fp = pad.footprint;
                if board.net_name(pad.net) != probe.net {
                    err(probe, format!("pad net is {}", board.net_name(pad.net)));
                }
                let (cu, mask) = match probe.side {
                    Side::Top => (pad.front_copper, pad.front_mask),
                    Side::Bottom => (pad.back_copper, pad.back_mask),
                };
                if !(cu && mask) {
                    err(probe, "pad copper not exposed on the probed side".into());
                }
                let shrink = (-pad.mask_margin_mm.unwrap_or(0.0)).max(0.0);
                let r = pad_clearance(pad, &t.exposed, p) - shrink;
                if r < min_pad / 2.0 - 0.003 {
                    err(
                        probe,
                        format!("usable copper admits r {r:.3} < {:.3}", min_pad / 2.0),
                    );
                }
                let fp = pad.footprint.map(|f| &board.footprints[f]);
                let tp = fp.is_some_and(|f| is_test_point(board, f)) || pad.test_point_property;
                if pad.kind == PadKind::ThruHole && !tp {
                    // Probed from the side opposite the component, with a tip for leads.
                    if fp.is_some_and(|f| f.side == probe.side) {
                        err(
                            probe,
                            "through-hole pad probed from its component's side".into(),
                        );
                    }
                    if !part
                        .suits
                        .contains(&pogo_catalog::TargetSuit::ThroughHoleLead)
                    {
                        err(probe, "tip does not suit a lead".into());
                    }
                } else if pad.kind == PadKind::ThruHole {
                    let drill = pad.drill.as_ref().unwrap().size_mm;
                    let dmin = drill.w.min(drill.h);
                    let made = matches!(part.tip, TipStyle::Cup | TipStyle::Crown);
                    if !(made
                        || dmin <= rules.via_drill_max_tip_fraction * part.tip_diameter_mm + 1e-9)
                    {
                        err(probe, "open hole not bridged by the tip".into());
                    }
                } else if !tp && !rules.probe_component_pads && !probe.locked {
                    err(
                        probe,
                        "component SMD pad probed though component pads are off".into(),
                    );
                }
            }
            TargetKind::Via => {
                let via = board
                    .vias
                    .iter()
                    .find(|v| {
                        (v.position.x - t.x).abs() < 1e-5 && (v.position.y - t.y).abs() < 1e-5
                    })
                    .unwrap_or_else(|| panic!("{}: via target not on the board", ctx.name));
                own_fp = None;
                if board.net_name(via.net) != probe.net {
                    err(probe, "via net differs".into());
                }
                let open = match probe.side {
                    Side::Top => {
                        via.front_mask_open && (via.layers.0 == "F.Cu" || via.layers.1 == "F.Cu")
                    }
                    Side::Bottom => {
                        via.back_mask_open && (via.layers.0 == "B.Cu" || via.layers.1 == "B.Cu")
                    }
                };
                if !open {
                    err(probe, "via tented on the probed side".into());
                }
                let r = via.diameter_mm / 2.0 - p.distance_mm(via.position);
                if r < min_pad / 2.0 - 0.003 {
                    err(probe, format!("via admits r {r:.3} < {:.3}", min_pad / 2.0));
                }
                let made = matches!(part.tip, TipStyle::Cup | TipStyle::Crown);
                if !(made
                    || via.drill_mm
                        <= rules.via_drill_max_tip_fraction * part.tip_diameter_mm + 1e-9)
                {
                    err(
                        probe,
                        format!("via drill {} vs tip {}", via.drill_mm, part.tip_diameter_mm),
                    );
                }
            }
        }
        if probe.locked {
            continue; // forced/locked probes may break rules; they are listed as violations
        }
        // Outline, cut-outs included.
        if !outline.is_empty() {
            let (inside, d) = inside_and_distance(&outline, p);
            if !inside || d < rules.outline_clearance_mm - 1e-6 {
                err(probe, format!("outline: inside {inside}, {d:.3} mm"));
            }
        }
        // Courtyards of other parts on the probed side.
        for (fi, fp) in board.footprints.iter().enumerate() {
            if Some(fi) == own_fp || fp.side != probe.side {
                continue;
            }
            if !rules.test_point_courtyards && is_test_point(board, fp) {
                continue;
            }
            let tall = match fp.body_height_mm {
                Some(h) => h > rules.tall_part_height_mm,
                None => rules.unknown_tht_part_is_tall && fp.attributes.through_hole,
            };
            let need = if tall {
                rules.tall_courtyard_clearance_mm
            } else {
                rules.courtyard_clearance_mm
            };
            let polys: Vec<PolygonMm> = if !fp.courtyard.is_empty() {
                fp.courtyard.clone()
            } else if let Some(b) = fp.courtyard_bbox.filter(|b| !b.is_empty()) {
                vec![PolygonMm {
                    outer: vec![
                        PointMm::new(b.left, b.top),
                        PointMm::new(b.right, b.top),
                        PointMm::new(b.right, b.bottom),
                        PointMm::new(b.left, b.bottom),
                    ],
                    holes: vec![],
                }]
            } else if !fp.fab.is_empty() {
                fp.fab.clone()
            } else {
                continue; // pads-only keep-out: not re-checked here
            };
            // Each polygon on its own (overlapping courtyards are separate keep-outs).
            for poly in &polys {
                let far = poly.outer.iter().all(|q| q.x < p.x - need - 1.0)
                    || poly.outer.iter().all(|q| q.x > p.x + need + 1.0)
                    || poly.outer.iter().all(|q| q.y < p.y - need - 1.0)
                    || poly.outer.iter().all(|q| q.y > p.y + need + 1.0);
                if far {
                    continue;
                }
                let (inside, d) = inside_and_distance(std::slice::from_ref(poly), p);
                if inside || d < need - 1e-6 {
                    err(
                        probe,
                        format!(
                            "courtyard of {}: inside {inside}, {d:.3} mm < {need}",
                            fp.reference
                        ),
                    );
                }
            }
        }
        for (c, dia) in &tooling {
            let need = rules.tooling_hole_clearance_mm + dia / 2.0;
            if p.distance_mm(*c) < need - 1e-6 {
                err(probe, format!("tooling hole at ({:.2}, {:.2})", c.x, c.y));
            }
        }
    }
    // Spacing: sweep over x.
    let mut idx: Vec<usize> = (0..fx.probes.len()).collect();
    idx.sort_by(|a, b| fx.probes[*a].x.total_cmp(&fx.probes[*b].x));
    let max_spacing = rules.class_spacing_mm.values().copied().fold(0.0, f64::max);
    for (k, &i) in idx.iter().enumerate() {
        for &j in &idx[k + 1..] {
            let (a, b) = (&fx.probes[i], &fx.probes[j]);
            if b.x - a.x >= max_spacing {
                break;
            }
            if a.side != b.side || (a.locked && b.locked) {
                continue;
            }
            let need = rules.class_spacing_mm[&a.class].max(rules.class_spacing_mm[&b.class]);
            let d = (a.x - b.x).hypot(a.y - b.y);
            if d < need - 1e-6 {
                errors.push(format!(
                    "{}: {} and {} are {d:.3} mm apart (< {need})",
                    ctx.name, a.id, b.id
                ));
            }
        }
    }
    // Coverage and reasons.
    let probed: BTreeSet<&str> = fx.probes.iter().map(|p| p.net.as_str()).collect();
    assert_eq!(fx.coverage.nets_probed, probed.len(), "{}", ctx.name);
    let testable: BTreeSet<&str> = pads_of
        .iter()
        .filter(|(n, c)| !n.is_empty() && **c >= 2 && !rules.no_probe_nets.contains(&n.to_string()))
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(fx.coverage.nets_testable, testable.len(), "{}", ctx.name);
    assert!(
        fx.coverage.nets_probed <= fx.coverage.nets_reachable,
        "{}",
        ctx.name
    );
    assert!(
        fx.coverage.nets_reachable <= fx.coverage.nets_testable,
        "{}",
        ctx.name
    );
    let unreachable: BTreeSet<&str> = fx.unreachable.iter().map(|u| u.net.as_str()).collect();
    for net in &testable {
        if !probed.contains(net) && !unreachable.contains(net) {
            errors.push(format!(
                "{}: net {net} neither probed nor explained",
                ctx.name
            ));
        }
    }
    for u in &fx.unreachable {
        assert!(!u.reason.is_empty(), "{}: {u:?}", ctx.name);
    }
    let by_class: usize = fx
        .coverage
        .probes_by_class
        .values()
        .flat_map(|m| m.iter().map(|(_, n)| n))
        .sum();
    assert_eq!(by_class, fx.probes.len());
    for (i, p) in fx.probes.iter().enumerate() {
        assert_eq!(p.id, format!("P{}", i + 1));
    }
    let _ = ctx.catalog;
    errors
}

fn run(config: &DesignConfig, label: &str) -> Vec<(String, usize, usize, usize)> {
    let catalog = Catalog::builtin();
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for (name, path) in board_files() {
        let board = pogo_board::read_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let fx = pogo_design::design(&board, &catalog, config).unwrap();
        let fx =
            Fixture::from_json("fixture.json", &fx.to_json()).expect("fixture.json reads back");
        if config.rules == Default::default() {
            // The defaults, as written in fixture.json.
            let r = &fx.rules;
            // The edge rule follows the kind of fixture and the registration
            // (mechanical by default: the nest wall or the board's own tolerance).
            let edge = fx
                .registration
                .as_ref()
                .and_then(|reg| {
                    reg.rules
                        .iter()
                        .find(|k| k.rule == pogo_fixture::RuleId::OutlineClearance)
                })
                .expect("the edge rule is recorded with its reason");
            assert_eq!(r.outline_clearance_mm, edge.value_mm);
            assert!([0.85, 1.15].contains(&r.outline_clearance_mm), "{edge:?}");
            assert_eq!(
                (r.courtyard_clearance_mm, r.tall_courtyard_clearance_mm),
                (1.0, 2.5)
            );
            assert_eq!(
                (
                    r.tall_part_height_mm,
                    r.tooling_hole_clearance_mm,
                    r.via_drill_max_tip_fraction
                ),
                (3.0, 2.54, 0.75)
            );
            let spacing: Vec<f64> = ["P100", "P75", "P50", "P39"]
                .iter()
                .map(|c| r.class_spacing_mm[*c])
                .collect();
            assert_eq!(spacing, [2.54, 1.91, 1.27, 1.00]);
            let min_pad: Vec<f64> = ["P100", "P75", "P50", "P39"]
                .iter()
                .map(|c| r.class_min_pad_mm[*c])
                .collect();
            assert_eq!(min_pad, [0.9, 0.8, 0.6, 0.5]);
        }
        failures.extend(check(&Ctx {
            name: &name,
            board: &board,
            fx: &fx,
            catalog: &catalog,
        }));
        table.push((
            name,
            fx.coverage.nets_testable,
            fx.coverage.nets_reachable,
            fx.coverage.nets_probed,
        ));
    }
    assert!(
        failures.is_empty(),
        "{label}: {} rule failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    table
}

#[test]
fn every_probe_on_every_shared_board_obeys_every_rule() {
    let table = run(&DesignConfig::default(), "defaults");
    let get = |n: &str| table.iter().find(|t| t.0 == n).unwrap().clone();
    assert!(get("pogo-demo").3 > 0, "the example board gets probes");
    if pogo_testdata::boards("every_probe_on_every_shared_board_obeys_every_rule").is_some() {
        assert_eq!(table.len(), 21, "the example and all 20 shared boards");
        // Boards with test points or open vias get probes.
        assert!(get("bms-c1").3 >= 25 && get("test_points-v9").3 == 4);
    }
    for (name, _, reachable, probed) in &table {
        eprintln!("{name}: reachable {reachable}, probed {probed}");
    }
}

#[test]
fn component_pads_and_single_side_obey_every_rule() {
    let config = DesignConfig {
        component_pads: true,
        sides: pogo_design::config::SidesConfig::One(pogo_design::config::SideChoice::Bottom),
        ..Default::default()
    };
    let table = run(&config, "component pads, bottom only");
    assert!(table.iter().any(|t| t.3 > 0));
    let config = DesignConfig {
        component_pads: true,
        ..Default::default()
    };
    run(&config, "component pads, both sides");
}

#[test]
fn design_is_deterministic() {
    let catalog = Catalog::builtin();
    let Some(dir) = pogo_testdata::board_dir("glasgow-c2-v9", "design_is_deterministic") else {
        return;
    };
    let path = dir.join("glasgow.kicad_pcb");
    let board = pogo_board::read_file(&path).unwrap();
    let config = DesignConfig {
        component_pads: true,
        ..Default::default()
    };
    let a = pogo_design::design(&board, &catalog, &config)
        .unwrap()
        .to_json();
    let b = pogo_design::design(&board, &catalog, &config)
        .unwrap()
        .to_json();
    assert_eq!(a, b);
}
