//! KiCad 9's own IPC-2581 and ODB++ exports of every shared board, read by pogo and
//! checked against KiCad's view of the board (`kicad-view.json`): pads through the
//! independent checker `shared/tools/compare_pads.py`, footprints and the outline box
//! here. Where an export does not carry what KiCad knows (see `docs/cam-readers.md`),
//! the figure asserted is what the file allows, as a floor that must not fall.

use pogo_board::{Board, Side, view};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// (board folder, IPC-2581 pads matched, ODB++ pads matched): pads KiCad's view has
/// that the reader matches today (the rest are what the files do not carry, see
/// docs/cam-readers.md). No board may have an extra pad; boards not listed must match
/// every pad.
const FLOORS: &[(&str, usize, usize)] = &[
    ("StickHub", 269, 269),
    ("bms-c1", 1305, 1249),
    ("custom_pads_test", 6, 6),
    ("glasgow-c2-v6", 1156, 1159),
    ("glasgow-c2-v7", 1157, 1159),
    ("glasgow-c2-v8", 1157, 1159),
    ("glasgow-c2-v9", 1157, 1159),
    ("interf_u", 317, 317),
    ("pic_programmer", 245, 245),
    ("tinytapeout-demo", 741, 741),
    ("video", 1998, 1998),
    ("video-v9", 1998, 1998),
];

fn export(dir: &Path, suffix: &str) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(suffix))
}

/// Runs compare_pads.py on the board's pads; returns (matched, total, extra).
fn compare_pads(board: &Board, view_json: &Path, tag: &str) -> (usize, usize, usize) {
    let tools = pogo_testdata::shared("tools", "cam_boards").expect("shared tools");
    let out = std::env::temp_dir().join(format!("pogo-cam-{}-{tag}.json", std::process::id()));
    std::fs::write(&out, serde_json::to_vec(&view::pad_rows(board)).unwrap()).unwrap();
    let res = Command::new("python3")
        .arg(tools.join("compare_pads.py"))
        .arg(view_json)
        .arg(&out)
        .arg("--quiet")
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_file(&out);
    let text = String::from_utf8_lossy(&res.stdout);
    let last = text.lines().last().unwrap_or_default().to_string();
    // "matched M/N pads[, E extra]"
    let nums: Vec<usize> = last
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(
        nums.len() >= 2,
        "{tag}: unexpected compare_pads output {text}"
    );
    (nums[0], nums[1], nums.get(2).copied().unwrap_or(0))
}

/// Footprints: every footprint of KiCad's view that the file names has its side and
/// position (within 1 um) and rotation (within 0.01 degree, modulo 360).
fn check_footprints(board: &Board, kv: &Value, courtyards: &Value, hulls: &Value, tag: &str) {
    let mut checked = 0;
    for f in kv["footprints"].as_array().unwrap() {
        let r = f["ref"].as_str().unwrap();
        // A reference used twice (`REF**`) names no one footprint.
        if kv["footprints"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["ref"] == r)
            .count()
            > 1
        {
            checked += 1;
            continue;
        }
        let Some(ours) = board.footprints.iter().find(|o| o.reference == r) else {
            continue;
        };
        checked += 1;
        let side = if f["side"] == "bottom" {
            Side::Bottom
        } else {
            Side::Top
        };
        assert_eq!(ours.side, side, "{tag} {r} side");
        let (x, y) = (f["x"].as_f64().unwrap(), f["y"].as_f64().unwrap());
        assert!(
            (ours.position.x - x).abs() <= 0.001 && (ours.position.y - y).abs() <= 0.001,
            "{tag} {r}: at {:?}, KiCad ({x}, {y})",
            ours.position
        );
        check_courtyard(ours, &courtyards[r], hulls, tag);
        let d = (ours.rotation_deg - f["rotation"].as_f64().unwrap()).rem_euclid(360.0);
        assert!(
            d.min(360.0 - d) <= 0.01,
            "{tag} {r}: rotation {} vs KiCad {}",
            ours.rotation_deg,
            f["rotation"]
        );
    }
    // Each footprint holds its own pads, also where several share one reference
    // (tinytapeout-demo's 130 `STITCH1`, one pad each): none holds more than KiCad's
    // footprints of that reference.
    for ours in &board.footprints {
        let most = kv["footprints"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["ref"] == ours.reference.as_str())
            .map(|g| g["pad_count"].as_u64().unwrap() as usize)
            .max();
        if let Some(most) = most {
            assert!(
                ours.pads.len() <= most,
                "{tag} {}: {} pads, KiCad's have at most {most}",
                ours.reference,
                ours.pads.len()
            );
        }
    }
    let total = kv["footprints"].as_array().unwrap().len();
    assert!(
        checked * 10 >= total * 9,
        "{tag}: only {checked} of {total} footprints found"
    );
}

/// A footprint's courtyard against KiCad 9's (`courtyards.json`, page frame): where
/// KiCad builds one, ours has the same box within 10 um, twice KiCad's arc error
/// (ARC_HIGH_DEF, 5 um): a round courtyard is flattened anew for each export and for
/// the board, with other chords (ecc83-pp_v2 `P5` in ODB++: 6.6 um apart); where it
/// builds none, the export's package outline is KiCad's hull of the footprint's
/// drawings, which the reader reports as their extent (`silk_bbox`), not as a
/// courtyard. A courtyard of several outlines is written as one polygon that is
/// neither (tinytapeout-demo `J4`: two 11.8 x 51.8 mm rectangles, exported as one
/// outline from x -23.895 to 23.945): only its presence is checked.
fn check_courtyard(ours: &pogo_board::Footprint, kicad: &Value, hulls: &Value, tag: &str) {
    let r = &ours.reference;
    let rings = kicad.as_array().map(Vec::as_slice).unwrap_or_default();
    if rings.is_empty() {
        assert!(
            ours.courtyard.is_empty() && ours.courtyard_bbox.is_none(),
            "{tag} {r}: KiCad has no courtyard, ours {:?}",
            ours.courtyard_bbox
        );
        let got = ours
            .silk_bbox
            .unwrap_or_else(|| panic!("{tag} {r}: no extent of the hull"))
            .as_array();
        // Within KiCad's coarse arc error (ARC_LOW_DEF, 20 um) of the box of the hull
        // KiCad 9 builds on the board (tests/data/kicad9-hulls.json): the export builds
        // it at rotation 0. A reference several footprints share matches one of them.
        let err = |want: &Value| {
            (0..4)
                .map(|i| (want[i].as_f64().unwrap() - got[i]).abs())
                .fold(0.0, f64::max)
        };
        let best = hulls[r.as_str()]
            .as_array()
            .unwrap_or_else(|| panic!("{tag} {r}: not in kicad9-hulls.json"))
            .iter()
            .map(err)
            .fold(f64::MAX, f64::min);
        assert!(
            best <= 0.021,
            "{tag} {r}: hull box {got:?}, {best} mm off KiCad's"
        );
        return;
    }
    assert!(!ours.courtyard.is_empty(), "{tag} {r}: no courtyard");
    if rings.len() > 1 {
        return;
    }
    let mut want = pogo_board::BoxMm::EMPTY;
    for ring in rings {
        for p in ring["outline"].as_array().unwrap() {
            want.include(pogo_board::PointMm::new(
                p[0].as_f64().unwrap(),
                p[1].as_f64().unwrap(),
            ));
        }
    }
    let got = pogo_board::BoxMm::of_outers(&ours.courtyard).as_array();
    for (a, b) in got.iter().zip(want.as_array()) {
        assert!(
            (a - b).abs() <= 0.010 + 1e-9,
            "{tag} {r}: courtyard box {got:?}, KiCad {:?}",
            want.as_array()
        );
    }
}

/// Vias: each of KiCad's view has one of ours within 1 um with the same drill,
/// diameter and net (ODB++ names cannot hold spaces: KiCad writes `_`, see
/// docs/cam-readers.md). Returns the problems found.
fn check_vias(board: &Board, kv: &Value, tag: &str, odb: bool) -> Vec<String> {
    let mut bad = Vec::new();
    let kvias = kv["vias"].as_array().unwrap();
    if kvias.len() != board.vias.len() {
        bad.push(format!(
            "{tag}: {} vias, KiCad {}",
            board.vias.len(),
            kvias.len()
        ));
    }
    for v in kvias {
        let f = |k: &str| v[k].as_f64().unwrap();
        let ours = board.vias.iter().find(|o| {
            (o.position.x - f("x")).abs() <= 0.001 && (o.position.y - f("y")).abs() <= 0.001
        });
        let Some(o) = ours else {
            bad.push(format!("{tag}: no via at ({}, {})", f("x"), f("y")));
            continue;
        };
        let net = board.net_name(o.net);
        let want = v["net"].as_str().unwrap();
        let want = if odb {
            want.replace(' ', "_")
        } else {
            want.to_string()
        };
        if (o.drill_mm - f("drill")).abs() > 0.001
            || (o.diameter_mm - f("diameter")).abs() > 0.001
            || net != want
        {
            bad.push(format!("{tag}: via {o:?} ({net}), KiCad {v}"));
        }
    }
    bad
}

fn check_board(dir: &Path, file: &Path, kind: usize) -> (usize, usize, usize) {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let tag = format!("{name}-{}", if kind == 0 { "ipc2581" } else { "odb" });
    let board = pogo_board::read_file(file).unwrap_or_else(|e| panic!("{tag}: {e}"));
    let kv = pogo_testdata::kicad_view(dir);
    let courtyards: Value =
        serde_json::from_slice(&std::fs::read(dir.join("courtyards.json")).unwrap()).unwrap();
    let hulls: Value = serde_json::from_str(include_str!("data/kicad9-hulls.json")).unwrap();
    check_footprints(&board, &kv, &courtyards, &hulls[name.as_str()], &tag);
    let bbox = board.outline.as_ref().expect("an outline").bbox.as_array();
    let want = pogo_testdata::view_outline_bbox(&kv);
    // KiCad's box includes half the Edge.Cuts stroke; the profile is the stroke's
    // centre line, grown by half the outline layer's line width (docs/cam-readers.md).
    for (a, b) in bbox.iter().zip(&want) {
        assert!(
            (a - b).abs() <= 0.001 + 1e-9,
            "{tag}: outline box {bbox:?}, KiCad {want:?}"
        );
    }
    let bad = check_vias(&board, &kv, &tag, kind == 1);
    assert!(bad.is_empty(), "{}", bad[..bad.len().min(5)].join("\n"));
    if kind == 0 {
        let t = kv["thickness"].as_f64().unwrap();
        let ours = board.thickness_mm.expect("IPC-2581 stackup thickness");
        assert!(
            (ours - t).abs() <= 0.001,
            "{tag}: thickness {ours}, KiCad {t}"
        );
    }
    compare_pads(&board, &dir.join("kicad-view.json"), &tag)
}

#[test]
fn kicad9_exports_read_to_kicads_view() {
    let mut seen = 0;
    for dir in pogo_testdata::board_folders("kicad9_exports_read_to_kicads_view") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        for (kind, suffix) in [(0, ".ipc2581.xml.xz"), (1, "-odb.tgz")] {
            let Some(file) = export(&dir, suffix) else {
                continue;
            };
            seen += 1;
            let (matched, total, extra) = check_board(&dir, &file, kind);
            eprintln!("{name} {suffix}: matched {matched}/{total}, {extra} extra");
            match FLOORS.iter().find(|f| f.0 == name) {
                Some(f) => {
                    let floor = if kind == 0 { f.1 } else { f.2 };
                    assert!(
                        matched >= floor && extra == 0,
                        "{name} {suffix}: matched {matched}/{total}, {extra} extra, floor {floor}"
                    );
                }
                None => assert!(
                    matched == total && extra == 0,
                    "{name} {suffix}: matched {matched}/{total}, {extra} extra"
                ),
            }
        }
    }
    if seen > 0 {
        assert!(
            seen >= 38,
            "expected both exports of 19 boards, found {seen}"
        );
    }
}
