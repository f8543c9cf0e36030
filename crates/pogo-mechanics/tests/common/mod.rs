//! A synthetic fixture for tests: a 100 x 80 mm board, probes on a grid.
#![allow(dead_code)]

use pogo_catalog::Catalog;
use pogo_fixture::Fixture;
use serde_json::{Value, json};

pub struct Spec {
    pub probes: Vec<(f64, f64, &'static str, &'static str, &'static str)>, // x, y, side, part, net
    pub holes: Vec<(f64, f64, f64, bool, &'static str)>,
    pub parts: Vec<(&'static str, &'static str, [f64; 4], Option<f64>)>, // ref, side, box, height
    pub outline: [f64; 4],
}

fn rect(b: [f64; 4]) -> Value {
    json!({"outer": [{"x": b[0], "y": b[1]}, {"x": b[2], "y": b[1]}, {"x": b[2], "y": b[3]}, {"x": b[0], "y": b[3]}], "holes": []})
}

pub fn fixture(spec: &Spec) -> Fixture {
    let catalog = Catalog::builtin();
    let mut part_ids: Vec<&str> = spec.probes.iter().map(|p| p.3).collect();
    part_ids.sort();
    part_ids.dedup();
    let parts: Vec<Value> = part_ids
        .iter()
        .map(|id| serde_json::to_value(catalog.part(id).unwrap()).unwrap())
        .collect();
    let mut rec_ids: Vec<String> = part_ids
        .iter()
        .map(|id| catalog.part(id).unwrap().receptacle.clone())
        .collect();
    rec_ids.sort();
    rec_ids.dedup();
    let recs: Vec<Value> = rec_ids
        .iter()
        .map(|id| serde_json::to_value(catalog.receptacle(id).unwrap()).unwrap())
        .collect();
    let probes: Vec<Value> = spec
        .probes
        .iter()
        .enumerate()
        .map(|(i, &(x, y, side, part, net))| {
            let p = catalog.part(part).unwrap();
            json!({
                "id": format!("P{}", i + 1), "net": net, "side": side, "x": x, "y": y,
                "target": {"kind": "pad", "ref": format!("TP{}", i + 1), "number": "1", "x": x, "y": y,
                           "shape": "circle", "w": 1.5, "h": 1.5, "rotation": 0.0, "exposed": []},
                "class": p.class, "part": part, "tip": p.tip,
            })
        })
        .collect();
    let board_parts: Vec<Value> = spec
        .parts
        .iter()
        .map(|&(r, side, b, h)| {
            json!({"reference": r, "side": side, "x": (b[0] + b[2]) / 2.0, "y": (b[1] + b[3]) / 2.0,
                   "courtyard": [rect(b)], "height_mm": h})
        })
        .collect();
    let holes: Vec<Value> = spec
        .holes
        .iter()
        .map(|&(x, y, d, plated, r)| json!({"x": x, "y": y, "diameter_mm": d, "plated": plated, "reference": r}))
        .collect();
    let v = json!({
        "schema": pogo_fixture::SCHEMA,
        "generator": "test",
        "board": {"file": "t.kicad_pcb", "sha256": "", "format": "test", "outline_bbox": spec.outline,
                  "thickness_mm": 1.6, "outline": [rect(spec.outline)], "parts": board_parts, "holes": holes},
        "rules": {"sides": ["bottom"], "classes": ["P100", "P75"], "outline_clearance_mm": 1.0,
                  "courtyard_clearance_mm": 0.5, "tall_courtyard_clearance_mm": 1.5, "tall_part_height_mm": 5.0,
                  "tooling_hole_clearance_mm": 3.0, "via_drill_max_tip_fraction": 0.75,
                  "probe_component_pads": false, "no_probe_nets": [], "probes_per_net": []},
        "probes": probes, "parts": parts, "receptacles": recs,
        "coverage": {"nets_total": 0, "nets_testable": 0, "nets_probed": 0, "nets_reachable": 0, "probes_by_class": {}},
        "unreachable": [], "violations": [],
    });
    serde_json::from_value(v).unwrap()
}

/// 8 x 5 probes on the bottom, P100 and P75 mixed, nets N1..N20 (two probes each).
pub fn grid_spec() -> Spec {
    let mut probes = Vec::new();
    const NETS: [&str; 20] = [
        "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N10", "N11", "N12", "N13", "N14",
        "N15", "N16", "N17", "N18", "N19", "N20",
    ];
    for j in 0..5 {
        for i in 0..8 {
            let k = j * 8 + i;
            let part = if k % 3 == 0 {
                "P75-SPEAR"
            } else {
                "P100-SPEAR"
            };
            probes.push((
                20.0 + i as f64 * 8.0,
                20.0 + j as f64 * 9.0,
                "bottom",
                part,
                NETS[k % 20],
            ));
        }
    }
    Spec {
        probes,
        holes: vec![
            (5.0, 5.0, 3.2, false, "H1"),
            (95.0, 5.0, 3.2, false, "H2"),
            (50.0, 75.0, 3.2, false, "H3"),
            (95.0, 75.0, 3.2, true, "H4"),
            (70.0, 60.0, 0.5, false, ""),
        ],
        parts: vec![
            ("U1", "top", [30.0, 30.0, 60.0, 50.0], Some(2.0)),
            ("C1", "bottom", [80.0, 60.0, 88.0, 68.0], Some(12.0)),
            ("J1", "top", [2.0, 60.0, 20.0, 78.0], None),
        ],
        outline: [0.0, 0.0, 100.0, 80.0],
    }
}
