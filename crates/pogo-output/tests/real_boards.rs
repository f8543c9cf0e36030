//! Real boards from the shared data (pogo-testdata): design the probe layout and mechanics with
//! the library calls, write every fabrication file, and open them with the independent
//! readers (gerbonara, ezdxf, trimesh; openscad on the smallest board).

mod common;

use common::*;
use pogo_config::pipeline::{Stage, run};
use pogo_output::{OutputOptions, write_all};
use serde_json::json;

/// The design of a shared board, or None (the test skips) without the shared data.
fn design(folder: &str, file: &str) -> Option<pogo_fixture::Fixture> {
    let path = pogo_testdata::board_dir(folder, "real_boards (fabrication files)")?.join(file);
    let board = pogo_board::read_file(&path).expect("board reads");
    let catalog = pogo_catalog::Catalog::builtin();
    let config = pogo_config::PogoConfig::default();
    Some(run(&board, &catalog, &config, Stage::Mechanics).expect("design and mechanics succeed"))
}

fn check(folder: &str, file: &str, compile_scad: bool) {
    let have_py = python_has("gerbonara") && python_has("ezdxf") && python_has("trimesh");
    let Some(fixture) = design(folder, file) else {
        return;
    };
    assert!(!fixture.probes.is_empty(), "{folder}: no probes designed");
    let dir = tempfile::tempdir().unwrap();
    let opts = OutputOptions::default();
    let written = write_all(&fixture, dir.path(), &opts).expect("fabrication files are written");
    assert!(written.iter().all(|p| p.exists()));
    if !have_py {
        return;
    }
    let plates = pogo_output::plates(&fixture, &opts).unwrap();
    for plate in &plates {
        let side = plate.side.as_str();
        // Excellon: every probe of this side at its receptacle drill, plus every guide pin.
        let drl = dir.path().join(format!("plate-{side}.drl"));
        let holes = expected_drills(&fixture, side, None);
        read_back("check_excellon.py", &drl, &json!({ "holes": holes }));
        // DXF: circles per layer as the plate says, then the STL against the DXF's area.
        let dxf = dir.path().join(format!("plate-{side}.dxf"));
        let out = read_back("check_dxf.py", &dxf, &plate_dxf_expected(plate));
        let area = dxf_area(&out).to_string();
        let stl = dir.path().join(format!("plate-{side}.stl"));
        let out = run_py(
            "check_stl.py",
            &[
                stl.to_str().unwrap(),
                &plate.thickness_mm.to_string(),
                &area,
            ],
        );
        assert!(out.starts_with("ok"), "{out}");
    }
    if compile_scad && have_openscad() {
        openscad_compile(
            &dir.path().join("fixture.scad"),
            &dir.path().join("model.stl"),
        );
    }
}

#[test]
fn test_points_board_fabrication_files() {
    check("test_points-v9", "test_points.kicad_pcb", true);
}

#[test]
fn pic_programmer_fabrication_files() {
    check("pic_programmer", "pic_programmer.kicad_pcb", false);
}

#[test]
fn bms_board_fabrication_files() {
    check("bms-c1", "bms-c1.kicad_pcb", false);
}
