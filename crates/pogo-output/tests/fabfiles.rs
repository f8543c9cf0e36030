//! Fabrication files of a small hand-made fixture, opened by independent readers:
//! gerbonara (Excellon), ezdxf (DXF), trimesh (STL), openscad (the .scad model).

mod common;

use common::*;
use pogo_output::{OutputOptions, render_all, write_all};
use serde_json::json;

#[test]
fn excellon_holes_read_back_by_gerbonara() {
    if !python_has("gerbonara") {
        return;
    }
    let fixture = small_fixture();
    let dir = tempfile::tempdir().unwrap();
    write_all(&fixture, dir.path(), &OutputOptions::default()).unwrap();
    let centre = (fixture.board.outline_bbox[0] + fixture.board.outline_bbox[2]) / 2.0;
    for side in ["top", "bottom"] {
        for (file, mirror) in [
            (format!("plate-{side}.drl"), None),
            (format!("plate-{side}-mirrored.drl"), Some(centre)),
        ] {
            let expected = expected_drills(&fixture, side, mirror);
            let probes = fixture
                .probes
                .iter()
                .filter(|p| p.side.as_str() == side)
                .count();
            assert_eq!(expected.len(), probes + fixture.tooling.len());
            let drl = dir.path().join(&file);
            read_back("check_excellon.py", &drl, &json!({ "holes": expected }));
        }
    }
}

#[test]
fn dxf_and_stl_read_back_by_ezdxf_and_trimesh() {
    if !python_has("ezdxf") || !python_has("trimesh") {
        return;
    }
    let fixture = small_fixture();
    for kerf in [0.0, 0.2] {
        let dir = tempfile::tempdir().unwrap();
        let opts = OutputOptions {
            kerf_mm: kerf,
            ..OutputOptions::default()
        };
        write_all(&fixture, dir.path(), &opts).unwrap();
        let [l, t, r, b] = fixture.board.outline_bbox;
        let m = opts.plate_margin_mm;
        let half = kerf / 2.0;
        for side in ["top", "bottom"] {
            // Expected circles, from the fixture and the options alone.
            let mut probe_c = Vec::new();
            for p in fixture.probes.iter().filter(|p| p.side.as_str() == side) {
                let rec = fixture
                    .receptacle(&fixture.part(&p.part).unwrap().receptacle)
                    .unwrap();
                probe_c.push([p.x, -p.y, rec.mounting_drill_mm / 2.0 - half]);
            }
            let tool_c: Vec<_> = fixture
                .tooling
                .iter()
                .map(|t| [t.x, -t.y, t.diameter_mm / 2.0 - half])
                .collect();
            let i = opts.mounting_hole_inset_mm;
            let mr = opts.mounting_hole_mm / 2.0 - half;
            let mount_c = vec![
                [l - m + i, -(t - m + i), mr],
                [r + m - i, -(t - m + i), mr],
                [r + m - i, -(b + m - i), mr],
                [l - m + i, -(b + m - i), mr],
            ];
            let expected = json!({
                "circles": {"PROBE_HOLES": probe_c, "TOOLING_HOLES": tool_c, "MOUNTING_HOLES": mount_c},
                "cutouts": 1,
                "outline_box": [l - m - half, -(b + m) - half, r + m + half, -(t - m) + half],
            });
            let dxf = dir.path().join(format!("plate-{side}.dxf"));
            let out = read_back("check_dxf.py", &dxf, &expected);
            if kerf == 0.0 {
                // The STL's volume against the area the DXF reader measured.
                let area = dxf_area(&out);
                let stl = dir.path().join(format!("plate-{side}.stl"));
                let out = run_py(
                    "check_stl.py",
                    &[
                        stl.to_str().unwrap(),
                        &opts.plate_thickness_mm.to_string(),
                        area,
                    ],
                );
                assert!(out.starts_with("ok"), "{out}");
            }
        }
    }
}

#[test]
fn kerf_shrinks_the_cut_out_and_grows_the_outline() {
    let fixture = small_fixture();
    let plates = pogo_output::plates(&fixture, &OutputOptions::default()).unwrap();
    let nominal = pogo_output::dxf::cut_paths(&plates[0], 0.0);
    let kerfed = pogo_output::dxf::cut_paths(&plates[0], 0.3);
    let area = |r: &[pogo_board::PointMm]| pogo_geom::signed_area(r).abs();
    // The 10 x 10 cut-out shrinks by 0.15 on each side: 9.7 x 9.7.
    assert!(
        (area(&kerfed.cutouts[0]) - 9.7 * 9.7).abs() < 1e-9,
        "{}",
        area(&kerfed.cutouts[0])
    );
    assert!(area(&kerfed.outline) > area(&nominal.outline));
    for (a, b) in nominal.holes.iter().zip(&kerfed.holes) {
        assert!((a.2 - b.2 - 0.15).abs() < 1e-12);
    }
}

#[test]
fn openscad_compiles_the_model() {
    if !have_openscad() {
        return;
    }
    let fixture = small_fixture();
    let dir = tempfile::tempdir().unwrap();
    write_all(&fixture, dir.path(), &OutputOptions::default()).unwrap();
    let scad = dir.path().join("fixture.scad");
    let stl = dir.path().join("x.stl");
    let stderr = openscad_compile(&scad, &stl);
    assert!(
        !stderr.contains("WARNING") && !stderr.contains("ERROR"),
        "openscad warned:\n{stderr}"
    );
    let bytes = std::fs::read(&stl).unwrap();
    assert!(bytes.len() > 1000, "openscad wrote {} bytes", bytes.len());
    // The model is parametric: its figures are variables at the top.
    let text = std::fs::read_to_string(&scad).unwrap();
    for var in [
        "plate_thickness_top =",
        "set_height_bottom =",
        "hole_clearance =",
        "drill_r100 =",
        "plate_margin =",
    ] {
        assert!(text.contains(var), "{var} missing");
    }
    assert!(text.contains("[105, -65, drill_r100], // P1"));
}

#[test]
fn output_is_deterministic() {
    let fixture = small_fixture();
    let a = render_all(&fixture, &OutputOptions::default()).unwrap();
    let b = render_all(&fixture.clone(), &OutputOptions::default()).unwrap();
    assert_eq!(a, b);
    let names: Vec<&str> = a.iter().map(|f| f.name.as_str()).collect();
    for want in [
        "plate-top.drl",
        "plate-top-mirrored.drl",
        "plate-bottom.dxf",
        "plate-bottom.svg",
        "plate-top.stl",
        "fixture.scad",
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
}

#[test]
fn excellon_and_svg_snapshots() {
    let fixture = small_fixture();
    let files = render_all(&fixture, &OutputOptions::default()).unwrap();
    let text = |name: &str| {
        String::from_utf8(files.iter().find(|f| f.name == name).unwrap().bytes.clone()).unwrap()
    };
    insta::assert_snapshot!("plate_top_drl", text("plate-top.drl"));
    insta::assert_snapshot!(
        "plate_bottom_mirrored_drl",
        text("plate-bottom-mirrored.drl")
    );
    insta::assert_snapshot!("plate_bottom_svg", text("plate-bottom.svg"));
}

#[test]
fn overlapping_probe_holes_are_refused_and_nothing_is_written() {
    let mut value = small_fixture_json();
    // P4 moved onto P3: their receptacle holes overlap.
    value["probes"][3]["x"] = json!(126.5);
    let fixture = pogo_fixture::Fixture::from_json("f.json", &value.to_string()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = write_all(&fixture, &out, &OutputOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("P3") && err.contains("P4") && err.contains("overlap"),
        "{err}"
    );
    assert!(
        !out.exists(),
        "a failed export created the output directory"
    );
}

#[test]
fn unknown_receptacle_is_a_clear_error() {
    let mut value = small_fixture_json();
    value["receptacles"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["id"] != "R50");
    let fixture = pogo_fixture::Fixture::from_json("f.json", &value.to_string()).unwrap();
    let err = render_all(&fixture, &OutputOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bottom probe plate") && err.contains("R50"),
        "{err}"
    );
}

#[test]
fn cut_out_that_would_cut_a_probe_hole_is_left_out_with_a_note() {
    let mut value = small_fixture_json();
    value["probes"][4]["x"] = json!(145.0);
    value["probes"][4]["y"] = json!(70.5);
    let fixture = pogo_fixture::Fixture::from_json("f.json", &value.to_string()).unwrap();
    let plates = pogo_output::plates(&fixture, &OutputOptions::default()).unwrap();
    let top = plates
        .iter()
        .find(|p| p.side == pogo_board::Side::Top)
        .unwrap();
    assert!(top.cutouts.is_empty());
    assert!(
        top.notes[0].contains("board cut-out") && top.notes[0].contains("P5"),
        "{:?}",
        top.notes
    );
    let bottom = plates
        .iter()
        .find(|p| p.side == pogo_board::Side::Bottom)
        .unwrap();
    assert_eq!(bottom.cutouts.len(), 1);
}

#[test]
fn bad_options_are_refused() {
    let fixture = small_fixture();
    for opts in [
        OutputOptions {
            kerf_mm: -0.1,
            ..OutputOptions::default()
        },
        OutputOptions {
            kerf_mm: f64::NAN,
            ..OutputOptions::default()
        },
        OutputOptions {
            plate_thickness_mm: 0.0,
            ..OutputOptions::default()
        },
    ] {
        assert!(render_all(&fixture, &opts).is_err());
    }
}

#[test]
fn relief_pockets_become_cut_outs_or_blind_pockets() {
    if !python_has("ezdxf") || !python_has("trimesh") {
        return;
    }
    let mut value = small_fixture_json();
    let rect = |l: f64, t: f64, r: f64, b: f64| json!([{"outer": [{"x": l, "y": t}, {"x": r, "y": t}, {"x": r, "y": b}, {"x": l, "y": b}], "holes": []}]);
    let side = |name: &str, pockets: serde_json::Value| {
        json!({
            "side": name, "probe_plate_thickness_mm": 6.0, "board_thickness_mm": 1.6, "set_height_mm": 4.0,
            "board_support_height_mm": 4.0, "tallest_part": "U1", "tallest_part_height_mm": 9.0,
            "part_clearance_mm": 1.0, "relief_pockets": pockets, "levels": [], "total_height_mm": 30.0
        })
    };
    value["stackup"] = json!({"process": "mechanical", "dual_level": false, "sides": [
        side("top", json!([
            // Blind, 2.5 mm deep; and two overlapping blind pockets merged into one box.
            {"reference": "U1", "outline": rect(115.0, 82.0, 125.0, 88.0), "depth_mm": 2.5, "through": false},
            {"reference": "U2", "outline": rect(140.0, 75.0, 146.0, 80.0), "depth_mm": 1.0, "through": false},
            {"reference": "U3", "outline": rect(144.0, 77.0, 150.0, 84.0), "depth_mm": 2.0, "through": false},
        ])),
        side("bottom", json!([
            {"reference": "J1", "outline": rect(120.0, 75.0, 130.0, 85.0), "depth_mm": 6.0, "through": true},
        ])),
    ]});
    let fixture = pogo_fixture::Fixture::from_json("f.json", &value.to_string()).unwrap();
    let opts = OutputOptions::default();
    let plates = pogo_output::plates(&fixture, &opts).unwrap();
    let top = &plates[0];
    assert_eq!(
        top.thickness_mm, 6.0,
        "plate thickness comes from the stack-up"
    );
    assert_eq!(top.pockets.len(), 2, "{:?}", top.pockets);
    assert!(top.pockets[1].reason.contains("U2") && top.pockets[1].reason.contains("U3"));
    assert_eq!(top.pockets[1].depth_mm, 2.0);
    let bottom = &plates[1];
    assert_eq!(
        bottom.cutouts.len(),
        2,
        "board cut-out and the through pocket"
    );
    let dir = tempfile::tempdir().unwrap();
    write_all(&fixture, dir.path(), &opts).unwrap();
    for plate in &plates {
        let s = plate.side.as_str();
        let dxf = dir.path().join(format!("plate-{s}.dxf"));
        let out = read_back("check_dxf.py", &dxf, &plate_dxf_expected(plate));
        let area = dxf_area(&out).to_string();
        // Pocket volume from the rectangles given above (merged U2+U3: box 140..150 x 75..84).
        let pockets = if s == "top" {
            10.0 * 6.0 * 2.5 + 10.0 * 9.0 * 2.0
        } else {
            0.0
        };
        let out = run_py(
            "check_stl.py",
            &[
                dir.path().join(format!("plate-{s}.stl")).to_str().unwrap(),
                "6",
                &area,
                &pockets.to_string(),
            ],
        );
        assert!(out.starts_with("ok"), "{out}");
    }
    let scad = std::fs::read_to_string(dir.path().join("fixture.scad")).unwrap();
    assert!(scad.contains("// relief pocket for U1"));
}
