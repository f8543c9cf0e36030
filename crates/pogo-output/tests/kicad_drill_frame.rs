//! The plate drill files use KiCad's own drill frame: a probe placed at the centre of
//! a KiCad plated hole is written with exactly the coordinate text KiCad wrote for that
//! hole in `NAME-PTH.drl` (pad positions from `kicad-view.json`, KiCad's own view).

mod common;

use pogo_output::{OutputOptions, render_all};
use serde_json::{Value, json};

fn check_board(folder: &str, drl: &str, probes_wanted: usize) {
    let Some(dir) = pogo_testdata::board_dir(folder, "kicad_drill_frame") else {
        return;
    };
    let view = pogo_testdata::kicad_view(&dir);
    let kicad = std::fs::read_to_string(dir.join(drl)).unwrap();
    let kicad_lines: std::collections::HashSet<&str> = kicad.lines().collect();
    let bbox = pogo_testdata::view_outline_bbox(&view);
    // Plated through-hole pads, at least 3 mm apart so their receptacle holes fit.
    let mut chosen: Vec<(f64, f64)> = Vec::new();
    for pad in view["pads"].as_array().unwrap() {
        if pad["type"] != "thru_hole" {
            continue;
        }
        let (x, y) = (pad["x"].as_f64().unwrap(), pad["y"].as_f64().unwrap());
        if chosen.iter().all(|(a, b)| (a - x).hypot(b - y) > 3.0) {
            chosen.push((x, y));
        }
        if chosen.len() == probes_wanted {
            break;
        }
    }
    assert!(!chosen.is_empty(), "{folder}: no plated hole");
    let mut value = common::small_fixture_json();
    value["board"]["outline_bbox"] = json!(bbox);
    value["board"]["outline"] = json!([]);
    value["tooling"] = json!([]);
    value["probes"] = Value::Array(
        chosen
            .iter()
            .enumerate()
            .map(|(i, (x, y))| {
                let mut p = value["probes"][0].clone();
                p["id"] = json!(format!("P{}", i + 1));
                p["x"] = json!(x);
                p["y"] = json!(y);
                p
            })
            .collect(),
    );
    let fixture = pogo_fixture::Fixture::from_json("f.json", &value.to_string()).unwrap();
    let files = render_all(&fixture, &OutputOptions::default()).unwrap();
    let ours = String::from_utf8(
        files
            .iter()
            .find(|f| f.name == "plate-top.drl")
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    let coords: Vec<&str> = ours.lines().filter(|l| l.starts_with('X')).collect();
    assert_eq!(coords.len(), chosen.len());
    for line in coords {
        assert!(
            kicad_lines.contains(line),
            "{folder}: `{line}` is not a line of KiCad's {drl}"
        );
    }
    // Same header conventions as KiCad's file.
    for key in ["M48", "FMAT,2", "METRIC", "%", "G90", "G05", "M30"] {
        assert!(ours.lines().any(|l| l == key), "{key} missing");
    }
}

#[test]
fn probe_at_kicad_hole_has_kicad_drill_coordinates_kicad6() {
    check_board("pic_programmer", "pic_programmer-PTH.drl", 40);
}

#[test]
fn probe_at_kicad_hole_has_kicad_drill_coordinates_kicad9() {
    check_board("test_points-v9", "test_points-PTH.drl", 5);
    check_board("glasgow-c2-v9", "glasgow-PTH.drl", 30);
}
