//! Fixtures made up for the tolerance tests: probes on pads of known shapes.
#![allow(dead_code)]

use pogo_fixture::{Fixture, ToleranceModel};
use serde_json::{Value, json};

/// One exposed copper polygon: outer ring and holes, [x, y] points.
pub type Copper = (Vec<[f64; 2]>, Vec<Vec<[f64; 2]>>);

/// A pad for a made-up probe: shape figures and optional exposed polygons
/// ([[x, y], ...] outer rings with holes).
pub struct Pad {
    pub x: f64,
    pub y: f64,
    pub shape: &'static str,
    pub w: f64,
    pub h: f64,
    pub rotation: f64,
    pub corner_radius_mm: f64,
    pub exposed: Vec<Copper>,
}

impl Pad {
    pub fn shape(shape: &'static str, x: f64, y: f64, w: f64, h: f64) -> Pad {
        Pad {
            x,
            y,
            shape,
            w,
            h,
            rotation: 0.0,
            corner_radius_mm: 0.0,
            exposed: Vec::new(),
        }
    }
}

fn ring(r: &[[f64; 2]]) -> Value {
    Value::Array(r.iter().map(|p| json!({"x": p[0], "y": p[1]})).collect())
}

/// A fixture whose probes (probe centre, part id, pad) are given; board box as given.
pub fn fixture(probes: &[([f64; 2], &str, Pad)], bbox: [f64; 4], holes: &[[f64; 2]]) -> Fixture {
    let catalog = pogo_catalog::Catalog::builtin();
    let mut parts: Vec<Value> = Vec::new();
    let mut probe_values = Vec::new();
    for (i, (at, part, pad)) in probes.iter().enumerate() {
        let p = catalog
            .part(part)
            .unwrap_or_else(|| panic!("catalog part {part}"));
        if !parts.iter().any(|v| v["id"] == json!(part)) {
            parts.push(serde_json::to_value(p).unwrap());
        }
        let exposed: Vec<Value> = pad
            .exposed
            .iter()
            .map(|(outer, holes)| json!({"outer": ring(outer), "holes": holes.iter().map(|h| ring(h)).collect::<Vec<_>>()}))
            .collect();
        probe_values.push(json!({
            "id": format!("P{}", i + 1),
            "net": format!("N{}", i + 1),
            "side": "top",
            "x": at[0], "y": at[1],
            "target": {
                "kind": "pad", "ref": format!("TP{}", i + 1), "number": "1",
                "x": pad.x, "y": pad.y, "shape": pad.shape, "w": pad.w, "h": pad.h,
                "rotation": pad.rotation, "corner_radius_mm": pad.corner_radius_mm,
                "exposed": exposed
            },
            "class": p.class, "part": part, "tip": p.tip
        }));
    }
    let holes: Vec<Value> = holes
        .iter()
        .map(|h| json!({"x": h[0], "y": h[1], "diameter_mm": 3.0, "plated": false, "reference": "H"}))
        .collect();
    let text = json!({
        "schema": pogo_fixture::SCHEMA,
        "generator": "test",
        "board": {
            "file": "made-up.kicad_pcb", "sha256": "0", "format": "test",
            "outline_bbox": bbox, "thickness_mm": 1.6, "outline": [], "parts": [], "holes": holes
        },
        "rules": {
            "sides": ["top"], "classes": ["P100"], "outline_clearance_mm": 1.0,
            "courtyard_clearance_mm": 0.5, "tall_courtyard_clearance_mm": 2.0, "tall_part_height_mm": 5.0,
            "tooling_hole_clearance_mm": 1.0, "via_drill_max_tip_fraction": 0.5,
            "probe_component_pads": false, "no_probe_nets": [], "probes_per_net": []
        },
        "probes": probe_values,
        "parts": parts,
        "receptacles": [],
        "coverage": {"nets_total": 0, "nets_testable": 0, "nets_probed": 0, "nets_reachable": 0, "probes_by_class": {}},
        "unreachable": [],
        "violations": []
    })
    .to_string();
    Fixture::from_json("made-up", &text).expect("made-up fixture parses")
}

/// A model with every contributor zero except a local isotropic normal of `sigma` per
/// axis (the plate drill position figure is 3 sigma).
pub fn local_only(sigma: f64) -> ToleranceModel {
    ToleranceModel {
        pointing_scale: 0.0,
        receptacle_clearance_mm: 0.0,
        plate_drill_position_mm: 3.0 * sigma,
        plate_scale_ppm: 0.0,
        tooling_pin_clearance_mm: 0.0,
        tooling_hole_position_mm: 0.0,
        pad_registration_mm: 0.0,
        board_delta_t_k: 0.0,
        plate_delta_t_k: 0.0,
        ..ToleranceModel::default()
    }
}

/// Regular n-gon ring (counter-clockwise) of radius r about (x, y).
pub fn ngon(x: f64, y: f64, r: f64, n: usize) -> Vec<[f64; 2]> {
    (0..n)
        .map(|k| {
            let a = std::f64::consts::TAU * k as f64 / n as f64;
            [x + r * a.cos(), y + r * a.sin()]
        })
        .collect()
}

/// An L-shaped custom pad (2 x 2 mm box, its copper an L) at (5, 55).
fn ell_pad() -> Pad {
    let mut ell = Pad::shape("custom", 5.0, 55.0, 2.0, 2.0);
    ell.exposed = vec![(
        vec![
            [4.0, 54.0],
            [6.0, 54.0],
            [6.0, 54.8],
            [4.8, 54.8],
            [4.8, 56.0],
            [4.0, 56.0],
        ],
        vec![],
    )];
    ell
}

/// A 1.0 x 0.7 mm rounded rectangle (0.15 mm corners) turned 37 degrees at (80, 10).
fn turned_roundrect_pad() -> Pad {
    let mut round = Pad::shape("roundrect", 80.0, 10.0, 1.0, 0.7);
    round.rotation = 37.0;
    round.corner_radius_mm = 0.15;
    round
}

/// A 1.4 mm round pad with a 0.4 mm drill in it (a via) at (60, 30).
fn via_pad() -> Pad {
    let mut via = Pad::shape("circle", 60.0, 30.0, 1.4, 1.4);
    via.exposed = vec![(ngon(60.0, 30.0, 0.7, 96), vec![ngon(60.0, 30.0, 0.2, 48)])];
    via
}

/// Probes on made-up pads of every kind: round (the probe a little off centre), rect
/// (the pad a little off the probe), a turned roundrect, an oval turned a quarter, a
/// chamfered rect, an L, a via, a polygon circle and a turned rect with its copper;
/// spread over a 100 x 62 mm board with two tooling holes so that rotation and scale
/// matter.
pub fn pads_of_every_kind() -> Fixture {
    let mut oval = Pad::shape("oval", 95.0, 58.0, 1.6, 0.6);
    oval.rotation = 90.0;
    let mut chamfer = Pad::shape("chamfered_rect", 40.0, 60.0, 1.0, 1.0);
    chamfer.exposed = vec![(
        vec![
            [39.5, 59.5],
            [40.3, 59.5],
            [40.5, 59.7],
            [40.5, 60.5],
            [39.5, 60.5],
        ],
        vec![],
    )];
    let mut poly_circle = Pad::shape("circle", 15.0, 15.0, 1.0, 1.0);
    poly_circle.exposed = vec![(ngon(15.0, 15.0, 0.5, 72), vec![])];
    let mut rotated_rect = Pad::shape("rect", 50.0, 50.0, 0.9, 0.5);
    rotated_rect.rotation = 30.0;
    rotated_rect.exposed = vec![(
        {
            let (s, c) = 30f64.to_radians().sin_cos();
            [[-0.45, -0.25], [0.45, -0.25], [0.45, 0.25], [-0.45, 0.25]]
                .iter()
                .map(|[x, y]| [50.0 + x * c + y * s, 50.0 - x * s + y * c])
                .collect()
        },
        vec![],
    )];
    fixture(
        &[
            (
                [30.02, 30.0],
                "P100-SPEAR",
                Pad::shape("circle", 30.0, 30.0, 0.5, 0.5),
            ),
            (
                [2.0, 2.0],
                "P75-SPEAR",
                Pad::shape("rect", 2.05, 2.0, 0.8, 0.5),
            ),
            ([80.0, 10.0], "P100-SPEAR", turned_roundrect_pad()),
            ([95.0, 58.0], "P50-SPEAR", oval),
            ([40.05, 60.0], "P100-SPEAR", chamfer),
            ([4.4, 54.4], "P50-SPEAR", ell_pad()),
            ([60.0, 30.0], "P100-CROWN", via_pad()),
            ([15.0, 15.05], "P75-SPEAR", poly_circle),
            ([50.05, 50.0], "P75-SPEAR", rotated_rect),
        ],
        [0.0, 0.0, 100.0, 62.0],
        &[[3.0, 3.0], [97.0, 59.0]],
    )
}

/// Asserts the analysed contact yield agrees with a Monte Carlo of `insertions`
/// whole insertions (seeded) within 4 combined standard errors; returns that error.
pub fn assert_yield_matches_monte_carlo(
    f: &Fixture,
    tm: &ToleranceModel,
    s: &pogo_fixture::ToleranceSummary,
    insertions: u64,
    seed: u64,
) -> f64 {
    let mc = pogo_tolerance::monte_carlo(f, tm, 0, insertions, seed)
        .unwrap()
        .contact_yield;
    let se = (mc.std_error.powi(2) + s.contact_yield_std_error.powi(2)).sqrt();
    assert!(
        (mc.contact_yield - s.contact_yield).abs() < 4.0 * se,
        "yield {} ± {} vs MC {} ± {}",
        s.contact_yield,
        s.contact_yield_std_error,
        mc.contact_yield,
        mc.std_error
    );
    se
}
