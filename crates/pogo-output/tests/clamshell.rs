//! The hinged clamshell (`mechanism = "clamshell"`) on every shared board (pogo-testdata):
//! designed with the library calls, every file written, then checked by independent
//! readers (tests/py/check_clamshell.py: trimesh for watertight STLs, ezdxf for closed
//! DXF outlines, trimesh + FCL for collisions between the placed part meshes and the
//! board's parts at their heights), the hinge rule met or refused with a reason, no interference
//! found, the OpenSCAD assembly compiling without warnings, and `pogo export`'s path
//! (fixture.json read back) giving the same bytes.

mod common;

use common::*;
use pogo_fixture::{Fixture, FramePartRole, HingeStatus, Mechanism};
use pogo_output::{OutputOptions, render_all, write_all};
use std::path::{Path, PathBuf};

fn config() -> pogo_mechanics::MechanicsConfig {
    pogo_mechanics::MechanicsConfig {
        mechanism: Mechanism::Clamshell,
        ..Default::default()
    }
}

/// The KiCad file of a shared board folder (plain or .xz).
fn kicad_file(dir: &Path) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".kicad_pcb") || n.ends_with(".kicad_pcb.xz")
        })
        .collect();
    files.sort();
    files.into_iter().next()
}

fn design(path: &Path) -> Option<Fixture> {
    let board = pogo_board::read_file(path).expect("board reads");
    let catalog = pogo_catalog::Catalog::builtin();
    let mut fixture =
        pogo_design::design(&board, &catalog, &pogo_design::DesignConfig::default()).ok()?;
    if fixture.probes.is_empty() {
        return None;
    }
    pogo_mechanics::build(&mut fixture, &config()).expect("mechanics with the clamshell");
    Some(fixture)
}

fn check(name: &str, fixture: &Fixture, scad: bool) {
    let c = fixture.clamshell.as_ref().expect("clamshell built");
    // Hinge: met, or refused with the probe and the reason.
    assert!(!c.hinge.sides.is_empty(), "{name}: no hinge side");
    for side in &c.hinge.sides {
        if side.status == HingeStatus::Met {
            assert!(
                side.worst_angle_deg <= c.hinge.max_angle_deg + 1e-9,
                "{name}"
            );
        } else {
            assert_eq!(c.hinge.status, HingeStatus::Refused);
            assert!(
                c.hinge.reason.contains(&side.worst_probe),
                "{name}: {}",
                c.hinge.reason
            );
        }
    }
    // No interference: the strain model keeps push fingers off parts, pads and
    // mounting-hole rings, and the frame clear of the board.
    assert!(
        c.interference.is_empty(),
        "{name}: interference {:#?}",
        c.interference
    );
    // The head swings open clear of the board's parts and the frame.
    let swing = c.swing.as_ref().expect("swing checked");
    assert!(swing.findings.is_empty(), "{name}: {:#?}", swing.findings);
    // A nest lies in the stack-up, under the board, on the lower plate.
    if let Some(nest) = fixture.registration.as_ref().and_then(|r| r.nest.as_ref()) {
        let part = c
            .parts
            .iter()
            .find(|p| p.role == FramePartRole::Nest)
            .expect("the nest is a clamshell part");
        let top = part.placements[0].origin[2] + part.thickness_mm;
        assert!(
            (top - nest.pocket_depth_mm).abs() < 1e-9,
            "{name}: the nest's ledge is not the board's bottom face"
        );
    }
    let opts = OutputOptions::default();
    let dir = tempfile::tempdir().unwrap();
    let written = write_all(fixture, dir.path(), &opts).expect("files written");
    std::fs::write(dir.path().join("fixture.json"), fixture.to_json()).unwrap();
    for part in pogo_output::frame::drawn_parts(c) {
        assert!(
            written
                .iter()
                .any(|p| p.ends_with(format!("frame-{}.stl", part.name))),
            "{name}: frame-{}.stl",
            part.name
        );
    }
    // `pogo export` regenerates every file from fixture.json, byte for byte.
    let back = Fixture::from_json("fixture.json", &fixture.to_json()).unwrap();
    assert_eq!(
        render_all(&back, &opts).unwrap(),
        render_all(fixture, &opts).unwrap(),
        "{name}: export differs"
    );
    if python_has("trimesh") && python_has("ezdxf") && python_has("fcl") {
        let out = run_py("check_clamshell.py", &[dir.path().to_str().unwrap(), "2.0"]);
        eprintln!("{name}: {}", out.trim());
    }
    if scad && have_openscad() {
        eprintln!("{name}: compiling clamshell.scad");
        let stderr = openscad_compile(
            &dir.path().join("clamshell.scad"),
            &dir.path().join("a.stl"),
        );
        assert!(
            !stderr.contains("WARNING") && !stderr.contains("ERROR"),
            "{name}: openscad warned:\n{stderr}"
        );
    }
}

#[test]
fn clamshell_on_every_shared_board() {
    let folders = pogo_testdata::board_folders("clamshell");
    let mut checked = 0;
    for dir in folders {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Some(file) = kicad_file(&dir) else {
            continue;
        };
        let Some(fixture) = design(&file) else {
            eprintln!("{name}: no probes, no clamshell");
            continue;
        };
        check(&name, &fixture, name == "bms-c1");
        checked += 1;
    }
    if checked > 0 {
        assert!(checked >= 10, "only {checked} boards checked");
    }
}

/// A refused hinge rule: with the hinge allowed only 10 mm behind the plate, the
/// probes far from it meet the board too far from vertical, and the reason names one.
#[test]
fn hinge_refused_with_reason() {
    let Some(dir) = pogo_testdata::board_dir("bms-c1", "clamshell") else {
        return;
    };
    let board = pogo_board::read_file(&dir.join("bms-c1.kicad_pcb")).unwrap();
    let mut fixture = pogo_design::design(
        &board,
        &pogo_catalog::Catalog::builtin(),
        &pogo_design::DesignConfig::default(),
    )
    .unwrap();
    let mut cfg = config();
    cfg.clamshell.max_hinge_distance_mm = 10.0;
    pogo_mechanics::build(&mut fixture, &cfg).unwrap();
    let h = &fixture.clamshell.unwrap().hinge;
    assert_eq!(h.status, HingeStatus::Refused);
    assert!(h.reason.contains("max_hinge_distance_mm"), "{}", h.reason);
    let worst = h
        .sides
        .iter()
        .map(|s| s.worst_angle_deg)
        .fold(0.0, f64::max);
    assert!(worst > 0.5, "{worst}");
}

/// A figure as the drawings print it: one decimal, trailing zeros dropped.
fn fig(v: f64) -> String {
    let s = format!("{v:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The open head seen from the side (`open-side.svg`) carries the figures a person
/// builds and places the fixture by: the hinge axis height above the base's underside,
/// the opening angle of the swing check, the hinge axis to the nearest and the farthest
/// probe (named), the frame's depth, and the heights closed and open; written by
/// `write_all` beside the other views.
#[test]
fn open_side_view_is_dimensioned() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
    let fixture = design(&path).expect("the example board has probes");
    let c = fixture.clamshell.as_ref().unwrap();
    let svg = pogo_output::frame::side_view_svg(&fixture, c, true);
    let base = c
        .parts
        .iter()
        .find(|p| p.role == FramePartRole::Base)
        .unwrap();
    let base_bottom = base.placements[0].origin[2];
    let want = format!("{} mm (hinge axis)", fig(c.hinge.axis_z_mm - base_bottom));
    assert!(svg.contains(&want), "{want} not in\n{svg}");
    let open = c.swing.as_ref().unwrap().open_deg;
    assert!(svg.contains(&format!(">{} deg<", fig(open))), "{svg}");
    assert!(svg.contains(&format!("(open {} deg)", fig(open))), "{svg}");
    let angles: Vec<&pogo_fixture::ProbeAngle> =
        c.hinge.sides.iter().flat_map(|s| s.probes.iter()).collect();
    let near = angles
        .iter()
        .min_by(|a, b| a.distance_mm.total_cmp(&b.distance_mm))
        .unwrap();
    let far = angles
        .iter()
        .max_by(|a, b| a.distance_mm.total_cmp(&b.distance_mm))
        .unwrap();
    for (what, pa) in [("nearest", near), ("farthest", far)] {
        let want = format!("{} mm ({what} probe {})", fig(pa.distance_mm), pa.probe);
        assert!(svg.contains(&want), "{want} not in\n{svg}");
    }
    assert!(svg.contains("mm (frame depth)") && svg.contains("mm (closed)"));
    let dir = tempfile::tempdir().unwrap();
    let written = write_all(&fixture, dir.path(), &OutputOptions::default()).unwrap();
    assert!(written.iter().any(|p| p.ends_with("open-side.svg")));
}
