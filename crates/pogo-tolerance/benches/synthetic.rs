//! A made-up fixture for the tolerance benchmarks.

use pogo_fixture::Fixture;

/// A made-up fixture of `n` probes on pads of every shape over a 320 x 240 mm panel.
pub fn synthetic(n: usize) -> Fixture {
    use serde_json::json;
    let catalog = pogo_catalog::Catalog::builtin();
    let part_ids = ["P100-SPEAR", "P75-SPEAR", "P50-SPEAR"];
    let parts: Vec<_> = part_ids
        .iter()
        .map(|id| serde_json::to_value(catalog.part(id).unwrap()).unwrap())
        .collect();
    let shapes = ["circle", "rect", "roundrect", "oval"];
    let cols = (n as f64).sqrt().ceil() as usize;
    let probes: Vec<_> = (0..n)
        .map(|i| {
            let x = 10.0 + 300.0 * (i % cols) as f64 / cols as f64;
            let y = 10.0 + 220.0 * (i / cols) as f64 / cols as f64;
            // Pads from 0.5 to 1.2 mm, some probes off centre: a spread of probabilities.
            let w = 0.5 + 0.7 * ((i * 37) % 100) as f64 / 100.0;
            let h = w * (0.6 + 0.4 * ((i * 11) % 10) as f64 / 10.0);
            let shape = shapes[i % 4];
            let (w, h) = if shape == "circle" { (w, w) } else { (w, h) };
            let off = 0.05 * ((i * 7) % 5) as f64 / 4.0;
            let part = part_ids[i % 3];
            json!({
                "id": format!("P{}", i + 1), "net": format!("N{}", i + 1), "side": "bottom",
                "x": x + off, "y": y,
                "target": {"kind": "pad", "ref": format!("TP{}", i + 1), "number": "1", "x": x, "y": y,
                           "shape": shape, "w": w, "h": h, "rotation": (i % 8) as f64 * 45.0,
                           "corner_radius_mm": 0.25 * w.min(h), "exposed": []},
                "class": &part[..part.find('-').unwrap()], "part": part, "tip": "spear"
            })
        })
        .collect();
    let text = json!({
        "schema": pogo_fixture::SCHEMA, "generator": "tolerance_bench",
        "board": {"file": "synthetic", "sha256": "0", "format": "synthetic", "outline_bbox": [0.0, 0.0, 320.0, 240.0],
                  "thickness_mm": 1.6, "outline": [], "parts": [],
                  "holes": [{"x": 4.0, "y": 4.0, "diameter_mm": 3.0, "plated": false, "reference": "H1"},
                            {"x": 316.0, "y": 236.0, "diameter_mm": 3.0, "plated": false, "reference": "H2"}]},
        "rules": {"sides": ["bottom"], "classes": ["P100"], "outline_clearance_mm": 1.0, "courtyard_clearance_mm": 0.5,
                  "tall_courtyard_clearance_mm": 2.0, "tall_part_height_mm": 5.0, "tooling_hole_clearance_mm": 1.0,
                  "via_drill_max_tip_fraction": 0.5, "probe_component_pads": false, "no_probe_nets": [], "probes_per_net": []},
        "probes": probes, "parts": parts, "receptacles": [],
        "coverage": {"nets_total": 0, "nets_testable": 0, "nets_probed": 0, "nets_reachable": 0, "probes_by_class": {}},
        "unreachable": [], "violations": []
    })
    .to_string();
    let mut f = Fixture::from_json("synthetic", &text).expect("synthetic fixture");
    f.generator = "tolerance_bench".into();
    f
}
