//! Shared helpers of the pogo-output tests: a small hand-made fixture, and running
//! the independent Python readers (gerbonara, ezdxf, trimesh) and openscad.
#![allow(dead_code)]

use pogo_fixture::Fixture;
use pogo_output::Plate;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn part(id: &str, class: &str, receptacle: &str, tip: f64) -> Value {
    json!({
        "id": id, "maker": "generic", "part_number": format!("{id} test part"), "class": class,
        "kind": "contact", "tip": "spear", "tip_diameter_mm": tip, "tip_contact_radius_mm": tip / 4.0,
        "suits": ["flat_pad"], "barrel_diameter_mm": 1.3, "barrel_inner_diameter_mm": 1.0,
        "plunger_diameter_mm": 0.9, "plunger_extended_mm": 6.0, "plunger_retained_mm": 3.0,
        "length_mm": 33.0, "full_travel_mm": 6.35, "working_travel_mm": 4.23,
        "preload_force_n": 0.5, "spring_force_n": 1.5, "max_contact_resistance_mohm": 50.0,
        "current_rating_a": 3.0, "rated_life_cycles": 1000000u64, "receptacle": receptacle,
        "source": "test", "typical": true
    })
}

fn receptacle(id: &str, class: &str, drill: f64) -> Value {
    json!({
        "id": id, "maker": "generic", "part_number": format!("{id} receptacle"), "class": class,
        "outer_diameter_mm": drill - 0.03, "mounting_drill_mm": drill, "length_mm": 25.0,
        "seating_depth_mm": 0.0, "source": "test", "typical": true
    })
}

fn probe(id: &str, side: &str, x: f64, y: f64, class: &str, part: &str) -> Value {
    json!({
        "id": id, "net": format!("N{id}"), "side": side, "x": x, "y": y,
        "target": {"kind": "pad", "ref": format!("TP{id}"), "number": "1", "x": x, "y": y,
                   "shape": "circle", "w": 1.5, "h": 1.5, "rotation": 0.0, "exposed": []},
        "class": class, "part": part, "tip": "spear"
    })
}

fn ring(pts: &[(f64, f64)]) -> Value {
    Value::Array(pts.iter().map(|(x, y)| json!({"x": x, "y": y})).collect())
}

/// The fixture as JSON: a 60 x 40 mm board at (100, 50) with one rectangular cut-out,
/// five probes on top (two receptacle sizes), three on the bottom, three guide pins.
pub fn small_fixture_json() -> Value {
    let probes = vec![
        probe("P1", "top", 105.0, 65.0, "P100", "T100"),
        probe("P2", "top", 110.49, 78.867, "P100", "T100"),
        probe("P3", "top", 125.73, 60.325, "P75", "T75"),
        probe("P4", "top", 128.27, 60.325, "P75", "T75"),
        probe("P5", "top", 135.0, 85.0, "P100", "T100"),
        probe("P6", "bottom", 112.0, 70.0, "P50", "T50"),
        probe("P7", "bottom", 113.27, 70.0, "P50", "T50"),
        probe("P8", "bottom", 152.5, 82.25, "P50", "T50"),
    ];
    let outer = ring(&[(100.0, 50.0), (160.0, 50.0), (160.0, 90.0), (100.0, 90.0)]);
    let cut = ring(&[(140.0, 60.0), (150.0, 60.0), (150.0, 70.0), (140.0, 70.0)]);
    json!({
        "schema": pogo_fixture::SCHEMA,
        "generator": "pogo test",
        "board": {
            "file": "small.kicad_pcb", "sha256": "0".repeat(64), "format": "kicad_pcb 20241229",
            "outline_bbox": [100.0, 50.0, 160.0, 90.0], "thickness_mm": 1.6,
            "outline": [{"outer": outer, "holes": [cut]}],
            "parts": [],
            "holes": [
                {"x": 104.0, "y": 54.0, "diameter_mm": 3.0, "plated": false, "reference": "H1"},
                {"x": 156.0, "y": 54.0, "diameter_mm": 3.0, "plated": false, "reference": "H2"},
                {"x": 104.0, "y": 86.0, "diameter_mm": 3.0, "plated": false, "reference": "H3"}
            ]
        },
        "rules": {
            "sides": ["top", "bottom"], "classes": ["P100", "P75", "P50"],
            "outline_clearance_mm": 1.0, "courtyard_clearance_mm": 0.5,
            "tall_courtyard_clearance_mm": 2.0, "tall_part_height_mm": 5.0,
            "tooling_hole_clearance_mm": 1.0, "via_drill_max_tip_fraction": 0.5,
            "probe_component_pads": true, "no_probe_nets": [], "probes_per_net": []
        },
        "probes": probes,
        "parts": [part("T100", "P100", "R100", 1.5), part("T75", "P75", "R75", 1.0), part("T50", "P50", "R50", 0.6)],
        "receptacles": [receptacle("R100", "P100", 1.70), receptacle("R75", "P75", 1.35), receptacle("R50", "P50", 0.94)],
        "coverage": {"nets_total": 8, "nets_testable": 8, "nets_probed": 8, "nets_reachable": 8, "probes_by_class": {}},
        "unreachable": [],
        "violations": [],
        "tooling": [
            {"x": 104.0, "y": 54.0, "diameter_mm": 2.98, "hole_diameter_mm": 3.0, "hole_ref": "H1"},
            {"x": 156.0, "y": 54.0, "diameter_mm": 2.98, "hole_diameter_mm": 3.0, "hole_ref": "H2"},
            {"x": 104.0, "y": 86.0, "diameter_mm": 2.98, "hole_diameter_mm": 3.0, "hole_ref": "H3"}
        ]
    })
}

pub fn small_fixture() -> Fixture {
    let text = serde_json::to_string_pretty(&small_fixture_json()).unwrap();
    Fixture::from_json("small-fixture.json", &text).expect("test fixture parses")
}

/// True when tests must run every external check (CI).
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// Whether a Python module can be imported. Outside CI a missing one skips the check
/// (with a message); in CI it is a failure.
pub fn python_has(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            !in_ci(),
            "python3 module `{module}` is missing in CI (scripts/ci-deps.d/fabfiles.sh installs it)"
        );
        eprintln!(
            "SKIPPED: python3 module `{module}` is not installed (bash scripts/ci-deps.d/fabfiles.sh)"
        );
    }
    ok
}

/// Expected drill holes of one side, computed from the fixture here (not by the writer):
/// probes of that side at their receptacle's drill (the probe's own receptacle, else its
/// part's), and every guide pin; x mirrored about `mirror_about` when given.
pub fn expected_drills(fixture: &Fixture, side: &str, mirror_about: Option<f64>) -> Vec<[f64; 3]> {
    let mx = |x: f64| mirror_about.map_or(x, |c| 2.0 * c - x);
    let mut holes = Vec::new();
    for p in fixture.probes.iter().filter(|p| p.side.as_str() == side) {
        let receptacle = match &p.receptacle {
            Some(r) => r.clone(),
            None => fixture.part(&p.part).unwrap().receptacle.clone(),
        };
        let drill_mm = fixture.receptacle(&receptacle).unwrap().mounting_drill_mm;
        holes.push([mx(p.x), -p.y, drill_mm]);
    }
    for t in &fixture.tooling {
        holes.push([mx(t.x), -t.y, t.diameter_mm]);
    }
    holes
}

/// What `check_dxf.py` must find in a plate's DXF, as the plate says: its holes per
/// layer (x, -y, radius), its cut-outs and its box in the DXF frame (y up).
pub fn plate_dxf_expected(plate: &Plate) -> Value {
    let layer = |name: &str| -> Vec<[f64; 3]> {
        plate
            .holes_of(name)
            .map(|h| [h.x, -h.y, h.diameter_mm / 2.0])
            .collect()
    };
    let [l, t, r, b] = plate.bbox;
    json!({
        "circles": {"PROBE_HOLES": layer("probe"), "TOOLING_HOLES": layer("tooling"), "MOUNTING_HOLES": layer("mounting")},
        "cutouts": plate.cutouts.len(),
        "outline_box": [l, -b, r, -t],
    })
}

/// Reads `file` back with `tests/py/<script> FILE EXPECTED` (`expected` written beside
/// the file as `<file>.expected.json`); the reader must say `ok`. Returns its output.
pub fn read_back(script: &str, file: &Path, expected: &Value) -> String {
    let expected_path = PathBuf::from(format!("{}.expected.json", file.display()));
    std::fs::write(&expected_path, serde_json::to_string(expected).unwrap()).unwrap();
    let out = run_py(
        script,
        &[file.to_str().unwrap(), expected_path.to_str().unwrap()],
    );
    assert!(out.starts_with("ok"), "{script} {}: {out}", file.display());
    out
}

/// The area `check_dxf.py` measured (mm², as it printed it).
pub fn dxf_area(out: &str) -> &str {
    out.split("area_mm2=").nth(1).unwrap().trim()
}

/// Whether openscad is installed. Outside CI a missing one skips the check (with a
/// message); in CI it is a failure.
pub fn have_openscad() -> bool {
    let ok = Command::new("openscad").arg("--version").output().is_ok();
    if !ok {
        assert!(
            !in_ci(),
            "openscad is missing in CI (scripts/ci-deps.d/fabfiles.sh installs it)"
        );
        eprintln!("SKIPPED: openscad is not installed (apt-get install openscad)");
    }
    ok
}

/// Compiles `scad` to `stl` with openscad, which must succeed; returns what it wrote on
/// stderr (its warnings).
pub fn openscad_compile(scad: &Path, stl: &Path) -> String {
    let out = Command::new("openscad")
        .arg("-o")
        .arg(stl)
        .arg(scad)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "openscad failed:\n{stderr}");
    stderr
}

/// Runs `python3 tests/py/<script> args...`; panics with its output when it fails.
/// Returns its stdout.
pub fn run_py(script: &str, args: &[&str]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/py")
        .join(script);
    pogo_testdata::stdout_of(Command::new("python3").arg(&path).args(args))
}
