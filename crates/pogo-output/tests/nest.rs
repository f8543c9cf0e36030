//! The nest: boards without usable tooling holes get a nest whose pocket is the board
//! outline offset by the clearance (checked by shapely), no probe clearance hole cuts
//! the pocket wall, the nest STL is watertight (trimesh); coverage is never below the
//! old 2 mm edge rule's; a USB-stick board with pads 1.45 mm from its edge gets them
//! probed; bad settings are one clear error.

mod common;

use common::python_has;
use pogo_board::geometry::rect_ring;
use pogo_board::*;
use pogo_catalog::Catalog;
use pogo_design::DesignConfig;
use pogo_fixture::{Fixture, RegistrationKind, RegistrationRequest, RuleId};
use std::path::{Path, PathBuf};

fn board_file(dir: &Path) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.ends_with(".kicad_pcb") || name.ends_with(".kicad_pcb.xz")
        })
        .collect();
    files.sort();
    files.into_iter().next()
}

fn designed(board: &Board, config: &DesignConfig) -> Fixture {
    let config = pogo_config::PogoConfig {
        design: config.clone(),
        ..Default::default()
    };
    let stage = pogo_config::pipeline::Stage::Mechanics;
    pogo_config::pipeline::run(board, &Catalog::builtin(), &config, stage).expect("design")
}

/// Every shared board (the 120 MB panel aside) without usable tooling holes: the nest
/// checked by shapely and trimesh; on every board the coverage at least the old 2 mm
/// edge rule's.
#[test]
fn shared_boards_without_tooling_holes_get_a_true_nest() {
    let folders = pogo_testdata::board_folders("nest on shared boards");
    let have_py = python_has("shapely") && python_has("trimesh");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/check_nest.py");
    let mut nests = 0;
    for dir in folders {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if name == "video-panel-4x4" {
            continue;
        }
        let Some(file) = board_file(&dir) else {
            continue;
        };
        let board = pogo_board::read_file(&file).expect("board reads");
        let fixture = designed(&board, &DesignConfig::default());
        // Coverage never below the old default (a 2 mm edge rule for every fixture).
        let mut old = DesignConfig::default();
        old.rules.outline_clearance_mm = Some(2.0);
        let before = pogo_design::design(&board, &Catalog::builtin(), &old).unwrap();
        assert!(
            fixture.coverage.nets_probed >= before.coverage.nets_probed,
            "{name}: {} nets probed, {} with the old 2 mm edge rule",
            fixture.coverage.nets_probed,
            before.coverage.nets_probed
        );
        let reg = fixture
            .registration
            .as_ref()
            .expect("registration recorded");
        assert!(!reg.reason.is_empty() && !reg.rules.is_empty(), "{name}");
        if reg.kind != RegistrationKind::Nest {
            assert!(
                fixture.tooling.len() >= 2,
                "{name}: pins, yet {} of them",
                fixture.tooling.len()
            );
            continue;
        }
        nests += 1;
        assert!(fixture.tooling.is_empty() && fixture.tooling_suggestions.is_empty());
        let nest = reg.nest.as_ref().expect("nest drawn");
        assert!(!reg.pocket.is_empty(), "{name}: empty pocket");
        assert!(
            !fixture
                .violations
                .iter()
                .any(|v| v.rule == RuleId::NestProbeHole),
            "{name}: a probe clearance hole cuts the pocket wall"
        );
        assert!((nest.pocket_depth_mm - fixture.board.thickness_mm).abs() < 1e-9);
        let files = pogo_output::render_all(&fixture, &pogo_output::OutputOptions::default())
            .expect("outputs render");
        for want in ["nest.dxf", "nest.svg", "nest.stl", "nest.scad"] {
            assert!(files.iter().any(|f| f.name == want), "{name}: no {want}");
        }
        // The report names the choice, its reason and every rule with its value.
        let report = &files
            .iter()
            .find(|f| f.name == "report.html")
            .unwrap()
            .bytes;
        let report = String::from_utf8_lossy(report);
        assert!(report.contains("Registration and edge rules"), "{name}");
        assert!(report.contains("outline_clearance") && report.contains("nest_clearance"));
        if !have_py {
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let json = tmp.path().join("fixture.json");
        std::fs::write(&json, fixture.to_json()).unwrap();
        let stl = tmp.path().join("nest.stl");
        let bytes = &files.iter().find(|f| f.name == "nest.stl").unwrap().bytes;
        std::fs::write(&stl, bytes).unwrap();
        let out = std::process::Command::new("python3")
            .arg(&script)
            .arg(&json)
            .arg(&stl)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        eprintln!("{name}: {text}");
        assert!(
            out.status.success(),
            "{name}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if pogo_testdata::boards("nest on shared boards").is_some() {
        assert!(nests >= 3, "only {nests} shared boards got a nest");
    }
}

fn pad(fi: usize, reference: &str, net: u32, at: PointMm, dia: f64, top: bool) -> Pad {
    Pad {
        footprint: Some(fi),
        reference: reference.into(),
        number: "1".into(),
        kind: PadKind::Smd,
        shape: PadShape::Circle,
        size_mm: SizeMm { w: dia, h: dia },
        position: at,
        rotation_deg: 0.0,
        drill: None,
        layers: vec![],
        front_copper: top,
        back_copper: !top,
        front_mask: top,
        back_mask: !top,
        front_paste: false,
        back_paste: false,
        mask_margin_mm: None,
        net: Some(NetId(net)),
        test_point_property: false,
    }
}

fn footprint(
    reference: &str,
    lib: &str,
    side: Side,
    at: PointMm,
    half: f64,
    pads: std::ops::Range<usize>,
) -> Footprint {
    Footprint {
        reference: reference.into(),
        value: String::new(),
        lib_id: lib.into(),
        side,
        position: at,
        rotation_deg: 0.0,
        attributes: FootprintAttributes {
            smd: true,
            ..Default::default()
        },
        properties: Default::default(),
        courtyard: vec![PolygonMm {
            outer: rect_ring(at.x - half, at.y - half, at.x + half, at.y + half),
            holes: vec![],
        }],
        courtyard_bbox: Some(BoxMm {
            left: at.x - half,
            top: at.y - half,
            right: at.x + half,
            bottom: at.y + half,
        }),
        fab: vec![],
        silk_bbox: None,
        body_height_mm: Some(0.5),
        pads,
    }
}

/// Adds part `reference` with one pad `size_mm` wide at `at` on the board's last net,
/// its courtyard `half` mm either side of `at`.
fn add_one_pad_part(
    board: &mut Board,
    reference: &str,
    lib: &str,
    side: Side,
    at: PointMm,
    size_mm: f64,
    half: f64,
) {
    let net = board.nets.len() as u32 - 1;
    let fi = board.footprints.len();
    let start = board.pads.len();
    let top = side == Side::Top;
    board.pads.push(pad(fi, reference, net, at, size_mm, top));
    let part = footprint(reference, lib, side, at, half, start..start + 1);
    board.footprints.push(part);
}

/// A USB-stick board made to be programmed through pogo pins: 16 x 40 mm, no holes,
/// 21 bottom test pads (1.0 mm) in a 2 mm grid whose outer row and column lie 1.45 mm
/// from the edge; each pad's net also reaches a top-side part.
fn usb_stick() -> Board {
    let mut board = Board::blank(
        "usb-stick.kicad_pcb",
        PolygonMm {
            outer: rect_ring(0.0, 0.0, 40.0, 16.0),
            holes: vec![],
        },
        1.2,
    );
    let mut k = 0;
    for row in 0..3 {
        for col in 0..7 {
            k += 1;
            board.nets.push(Net {
                name: format!("/PROG{k}"),
                class: None,
            });
            let (col, row) = (col as f64, row as f64);
            // The test pad, and the other end of the net: a small top-side part in the
            // middle.
            for (prefix, lib, side, at, size_mm, half) in [
                (
                    "TP",
                    "TestPoint:TestPoint_Pad_D1.0mm",
                    Side::Bottom,
                    PointMm::new(1.45 + 2.0 * col, 1.45 + 2.0 * row),
                    1.0,
                    0.6,
                ),
                (
                    "C",
                    "Capacitor_SMD:C_0402",
                    Side::Top,
                    PointMm::new(22.0 + 2.0 * col, 4.0 + 4.0 * row),
                    0.5,
                    0.5,
                ),
            ] {
                add_one_pad_part(
                    &mut board,
                    &format!("{prefix}{k}"),
                    lib,
                    side,
                    at,
                    size_mm,
                    half,
                );
            }
        }
    }
    board
}

/// With default settings the USB stick gets every one of its 21 pads probed, in a
/// nest (it has no holes), with 75-mil class probes at its 2 mm pitch; the old 2 mm
/// edge rule would have left 12 of them (the outer row and column) unprobed.
#[test]
fn usb_stick_pads_near_the_edge_are_probed_with_defaults() {
    let board = usb_stick();
    let f = designed(&board, &DesignConfig::default());
    let reg = f.registration.as_ref().unwrap();
    assert_eq!(reg.kind, RegistrationKind::Nest, "{}", reg.reason);
    assert_eq!(f.coverage.nets_testable, 21);
    assert_eq!(
        f.coverage.nets_probed, 21,
        "unreachable: {:?}",
        f.unreachable
    );
    assert!(f.probes.iter().all(|p| p.side == Side::Bottom));
    assert!(
        f.probes
            .iter()
            .all(|p| ["P75", "P50", "P39"].contains(&p.class.as_str())),
        "{:?}",
        f.probes.iter().map(|p| &p.class).collect::<Vec<_>>()
    );
    assert!(f.violations.is_empty(), "{:?}", f.violations);
    let nest = reg.nest.as_ref().unwrap();
    // The pads of the outer row and column (7 + 2) pass through the 2 mm ledge: each
    // has a clearance hole; the next row and column (3.45 mm in) clear it.
    assert_eq!(nest.probe_holes.len(), 9, "{:?}", nest.probe_holes);
    let edge = reg
        .rules
        .iter()
        .find(|r| r.rule == RuleId::OutlineClearance)
        .unwrap();
    assert!(
        edge.value_mm < 1.45 && edge.why.contains("nest"),
        "{edge:?}"
    );
    // The same board in a vacuum fixture keeps the 3.2 mm gasket edge: the outer pads
    // are blocked, and unreachable[] says what relaxing the rule would need.
    let vacuum = DesignConfig {
        fixture_kind: pogo_fixture::FixtureKind::Vacuum,
        ..Default::default()
    };
    let v = pogo_design::design(&board, &Catalog::builtin(), &vacuum).unwrap();
    assert_eq!(v.rules.outline_clearance_mm, 3.175);
    assert!(v.coverage.nets_probed < 21);
    let u = v
        .unreachable
        .iter()
        .find(|u| u.rule == RuleId::OutlineClearance)
        .unwrap();
    assert!(u.reason.contains("relax"), "{}", u.reason);
}

/// A nest on a board without a closed outline, or a negative clearance: one error
/// naming the cause.
#[test]
fn bad_nest_settings_are_one_clear_error() {
    let mut board = usb_stick();
    board.outline = None;
    let nest = DesignConfig {
        registration: RegistrationRequest::Nest,
        ..Default::default()
    };
    let e = pogo_design::design(&board, &Catalog::builtin(), &nest).unwrap_err();
    assert!(e.to_string().contains("no closed outline"), "{e}");
    let negative = DesignConfig {
        nest_clearance_mm: Some(-0.1),
        ..Default::default()
    };
    let e = pogo_design::design(&usb_stick(), &Catalog::builtin(), &negative).unwrap_err();
    assert!(e.to_string().contains("nest_clearance_mm: -0.1"), "{e}");
}
