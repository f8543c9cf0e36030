//! Every IPC-D-356 netlist KiCad exported for the shared real boards (found through pogo-testdata) reads
//! to the same test-access pads, vias and nets as KiCad's own view (kicad-view.json).
//!
//! What KiCad's exporter (pcbnew/exporters/export_d356.cpp) writes, and so what is
//! asserted here:
//! - one record per pad that has copper on F.Cu or B.Cu, every pad type (SMD and
//!   connector pads as 327, plated holes as 317, NPTH with copper as 367); pads with
//!   no outer copper (paste/mask-only pads, bare NPTH) are left out; pads with no net
//!   are written as `N/C`;
//! - one `VIA` record per via;
//! - locations relative to the board's aux-axis (drill/place) origin, y up, rounded to
//!   0.0001 in (so within 1.27 um of KiCad's position);
//! - reference designators cut to 6 characters and pin numbers to 4;
//! - net names upper-cased, characters outside printable ASCII replaced by `?`, cut to
//!   their last 14 characters, and made unique with `#n`;
//! - rotation as KiCad's orientation negated (clockwise), size X = pad width, Y = pad
//!   height or 0 for a circle; access 00 (both), 01 (front) or the copper layer count
//!   (back); soldermask code bit 0 = front covered, bit 1 = back covered.

use pogo_board::ipc356::{self, ReadOptions};
use pogo_board::{Board, PadKind, PointMm};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Half of 0.0001 inch, the netlist resolution, plus float slack.
const TOL_MM: f64 = 0.00127 + 1e-9;

fn read_maybe_xz(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    if path.extension().is_some_and(|e| e == "xz") {
        xz2::read::XzDecoder::new(file)
            .read_to_string(&mut text)
            .unwrap();
    } else {
        BufReader::new(file).read_to_string(&mut text).unwrap();
    }
    text
}

/// The board's `(aux_axis_origin x y)` from its setup section and the number of copper
/// layers its `(layers ...)` list declares, read line by line (both come before the
/// first footprint, so a 120 MB board is not read whole).
fn pcb_header(pcb: &Path) -> (PointMm, usize) {
    let file = std::fs::File::open(pcb).unwrap();
    let reader: Box<dyn BufRead> = if pcb.extension().is_some_and(|e| e == "xz") {
        Box::new(BufReader::new(xz2::read::XzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut origin = PointMm::new(0.0, 0.0);
    let mut copper = 0;
    let mut in_layers = false;
    for line in reader.lines() {
        let line = line.unwrap();
        let t = line.trim();
        if t == "(layers" {
            in_layers = true;
        } else if in_layers && t == ")" {
            in_layers = false;
        } else if in_layers
            && t.split_whitespace()
                .nth(1)
                .is_some_and(|name| name.trim_matches('"').ends_with(".Cu"))
        {
            copper += 1;
        }
        if let Some(i) = line.find("(aux_axis_origin ") {
            let rest = &line[i + "(aux_axis_origin ".len()..];
            let rest = &rest[..rest.find(')').unwrap()];
            let v: Vec<f64> = rest
                .split_whitespace()
                .map(|s| s.parse().unwrap())
                .collect();
            origin = PointMm::new(v[0], v[1]);
        }
        if line.contains("(footprint ") || line.contains("(module ") {
            break;
        }
    }
    (origin, copper)
}

fn find_file(dir: &Path, pred: impl Fn(&str) -> bool) -> Option<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&pred))
        .collect();
    v.sort();
    v.into_iter().next()
}

/// KiCad's net-name canonicalisation for D-356 (before the `#n` uniquifier).
fn kicad_d356_net(name: &str) -> String {
    let canon: String = name
        .chars()
        .map(|c| {
            if (c as u32) > 126 || !c.is_ascii_graphic() {
                '?'
            } else {
                c
            }
        })
        .collect::<String>()
        .to_uppercase();
    let n = canon.chars().count();
    if n > 14 {
        canon.chars().skip(n - 14).collect()
    } else {
        canon
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

struct Summary {
    pads: usize,
    vias: usize,
}

fn check_board(dir: &Path) -> Option<Summary> {
    let d356 = find_file(dir, |n| n.ends_with(".d356") || n.ends_with(".d356.xz"))?;
    let view = find_file(dir, |n| n == "kicad-view.json" || n == "kicad-view.json.xz")
        .unwrap_or_else(|| panic!("{}: no kicad-view.json", dir.display()));
    let pcb = find_file(dir, |n| {
        n.ends_with(".kicad_pcb") || n.ends_with(".kicad_pcb.xz")
    })
    .unwrap_or_else(|| panic!("{}: no board", dir.display()));
    let name = dir.file_name().unwrap().to_string_lossy().to_string();

    let view: Value = serde_json::from_str(&read_maybe_xz(&view)).unwrap();
    let text = read_maybe_xz(&d356);
    let (origin, copper_layers) = pcb_header(&pcb);
    let board: Board = ipc356::read_with(
        &d356.to_string_lossy(),
        &text,
        &ReadOptions {
            origin_mm: origin,
            copper_layers: None,
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        !board.footprints_known && board.footprints.is_empty(),
        "{name}"
    );
    assert!(
        board.outline.is_none() && board.thickness_mm.is_none(),
        "{name}"
    );

    let kpads = view["pads"].as_array().unwrap();
    let kvias = view["vias"].as_array().unwrap();

    // Index KiCad's pads by (ref cut to 6, number cut to 4).
    let mut by_key: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, p) in kpads.iter().enumerate() {
        let key = (
            truncate(p["ref"].as_str().unwrap(), 6),
            truncate(p["number"].as_str().unwrap(), 4),
        );
        by_key.entry(key).or_default().push(i);
    }
    let with_copper: Vec<usize> = (0..kpads.len())
        .filter(|&i| kpads[i]["front"].as_bool().unwrap() || kpads[i]["back"].as_bool().unwrap())
        .collect();

    // KiCad net name -> netlist net name must be one function, one to one.
    let mut net_map: BTreeMap<String, String> = BTreeMap::new();
    let mut net_back: BTreeMap<String, String> = BTreeMap::new();
    let mut check_net = |kicad: &str, ours: &str, what: &str| {
        if kicad.is_empty() {
            assert_eq!(
                ours, "",
                "{name} {what}: KiCad has no net, netlist says {ours:?}"
            );
            return;
        }
        let canon = kicad_d356_net(kicad);
        let base: String = {
            let n = canon.chars().count();
            if n > 10 {
                canon.chars().skip(n - 10).collect()
            } else {
                canon.clone()
            }
        };
        let uniquified = ours
            .strip_prefix(&base)
            .and_then(|r| r.strip_prefix('#'))
            .is_some_and(|d| d.parse::<u32>().is_ok());
        assert!(
            ours == canon || uniquified,
            "{name} {what}: net {ours:?} is not KiCad's {kicad:?} ({canon:?})"
        );
        let prev = net_map.insert(kicad.to_string(), ours.to_string());
        assert!(
            prev.is_none() || prev.as_deref() == Some(ours),
            "{name}: KiCad net {kicad:?} read as two nets"
        );
        let prev = net_back.insert(ours.to_string(), kicad.to_string());
        assert!(
            prev.is_none() || prev.as_deref() == Some(kicad),
            "{name}: netlist net {ours:?} is two KiCad nets"
        );
    };

    let mut used = vec![false; kpads.len()];
    let bottom_access = board
        .access_records
        .iter()
        .map(|a| a.access_code)
        .max()
        .unwrap_or(0);
    for (pi, pad) in board.pads.iter().enumerate() {
        let key = (pad.reference.clone(), pad.number.clone());
        let cands = by_key
            .get(&key)
            .unwrap_or_else(|| panic!("{name}: netlist pad {key:?} is no KiCad pad"));
        let found = cands.iter().copied().find(|&i| {
            !used[i]
                && (kpads[i]["x"].as_f64().unwrap() - pad.position.x).abs() <= TOL_MM
                && (kpads[i]["y"].as_f64().unwrap() - pad.position.y).abs() <= TOL_MM
        });
        let i = found.unwrap_or_else(|| {
            panic!(
                "{name}: netlist pad {key:?} at {:?}: no KiCad pad there",
                pad.position
            )
        });
        used[i] = true;
        let k = &kpads[i];
        let what = format!("pad {}-{}", k["ref"], k["number"]);
        check_net(k["net"].as_str().unwrap(), board.net_name(pad.net), &what);

        // Kind: 317 plated, 327 SMD (KiCad's smd and connect pads), 367 NPTH.
        let ktype = k["type"].as_str().unwrap();
        let ok = match pad.kind {
            PadKind::Smd => ktype == "smd" || ktype == "connect",
            PadKind::ThruHole => ktype == "thru_hole",
            PadKind::NpThruHole => ktype == "np_thru_hole",
            PadKind::Connect => false,
        };
        assert!(
            ok,
            "{name} {what}: netlist kind {:?}, KiCad {ktype}",
            pad.kind
        );

        // Size and shape: X = width, Y = height, 0 for circles (0.0001 in resolution).
        let (kw, kh) = (k["w"].as_f64().unwrap(), k["h"].as_f64().unwrap());
        assert!(
            (pad.size_mm.w - kw).abs() <= TOL_MM,
            "{name} {what}: width {} vs {kw}",
            pad.size_mm.w
        );
        let kcircle = k["shape"].as_str().unwrap() == "circle";
        assert_eq!(
            pad.shape.kicad_name() == "circle",
            kcircle,
            "{name} {what}: shape"
        );
        if !kcircle {
            assert!(
                (pad.size_mm.h - kh).abs() <= TOL_MM,
                "{name} {what}: height {} vs {kh}",
                pad.size_mm.h
            );
        }
        // Rotation: whole degrees.
        let krot = k["rotation"].as_f64().unwrap().round().rem_euclid(360.0);
        assert_eq!(pad.rotation_deg, krot, "{name} {what}: rotation");
        // Drill: the smaller drill dimension.
        match (&pad.drill, k["drill"].as_array()) {
            (Some(d), Some(kd)) => {
                let kmin = kd[0].as_f64().unwrap().min(kd[1].as_f64().unwrap());
                assert!(
                    (d.size_mm.w - kmin).abs() <= TOL_MM,
                    "{name} {what}: drill {} vs {kmin}",
                    d.size_mm.w
                );
            }
            (None, None) => {}
            (None, Some(kd)) => assert!(
                kd.iter().all(|v| v.as_f64() == Some(0.0)),
                "{name} {what}: drill missing"
            ),
            (Some(_), None) => panic!("{name} {what}: netlist has a drill KiCad does not"),
        }
        // Copper sides and mask openings.
        for (ours, key, layer) in [
            (pad.front_copper, "front", "front copper"),
            (pad.back_copper, "back", "back copper"),
            (pad.front_mask, "front_mask", "front mask"),
            (pad.back_mask, "back_mask", "back mask"),
        ] {
            assert_eq!(ours, k[key].as_bool().unwrap(), "{name} {what}: {layer}");
        }
        let rec = board
            .access_records
            .iter()
            .find(|a| a.pad == Some(pi))
            .unwrap();
        let expect_code = match (pad.front_copper, pad.back_copper) {
            (true, true) => 0,
            (true, false) => 1,
            _ => bottom_access,
        };
        assert_eq!(rec.access_code, expect_code, "{name} {what}: access code");
    }
    // Every KiCad pad with outer copper is in the netlist, and nothing else.
    let missing: Vec<String> = with_copper
        .iter()
        .filter(|&&i| !used[i])
        .map(|&i| format!("{}-{}", kpads[i]["ref"], kpads[i]["number"]))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "{name}: KiCad pads with copper missing from the netlist: {missing:?}"
    );
    assert_eq!(board.pads.len(), with_copper.len(), "{name}: pad count");

    // Vias: every VIA record is a KiCad via (position, diameter, drill, net) and back.
    assert_eq!(board.vias.len(), kvias.len(), "{name}: via count");
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, v) in kvias.iter().enumerate() {
        let (x, y) = (v["x"].as_f64().unwrap(), v["y"].as_f64().unwrap());
        grid.entry(((x * 10.0).floor() as i64, (y * 10.0).floor() as i64))
            .or_default()
            .push(i);
    }
    let mut via_used = vec![false; kvias.len()];
    for via in &board.vias {
        let (gx, gy) = (
            (via.position.x * 10.0).floor() as i64,
            (via.position.y * 10.0).floor() as i64,
        );
        let mut hit = None;
        'search: for dx in -1..=1 {
            for dy in -1..=1 {
                for &i in grid
                    .get(&(gx + dx, gy + dy))
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    let v = &kvias[i];
                    if !via_used[i]
                        && (v["x"].as_f64().unwrap() - via.position.x).abs() <= TOL_MM
                        && (v["y"].as_f64().unwrap() - via.position.y).abs() <= TOL_MM
                        && (v["diameter"].as_f64().unwrap() - via.diameter_mm).abs() <= TOL_MM
                        && (v["drill"].as_f64().unwrap() - via.drill_mm).abs() <= TOL_MM
                    {
                        hit = Some(i);
                        break 'search;
                    }
                }
            }
        }
        let i = hit
            .unwrap_or_else(|| panic!("{name}: netlist via at {:?} is no KiCad via", via.position));
        via_used[i] = true;
        check_net(
            kvias[i]["net"].as_str().unwrap(),
            board.net_name(via.net),
            "via",
        );
        assert_eq!(via.via_type, "through", "{name}: via type");
    }

    // The netlist's nets are exactly the KiCad nets its pads and vias carry.
    let ours: BTreeSet<&str> = board.nets.iter().map(|n| n.name.as_str()).collect();
    let mapped: BTreeSet<&str> = net_map.values().map(String::as_str).collect();
    assert_eq!(ours, mapped, "{name}: net list");
    assert_eq!(
        board.access_records.len(),
        board.pads.len() + board.vias.len(),
        "{name}: access records"
    );
    // KiCad writes the copper layer count as the bottom's access code, so a netlist with
    // bottom-only pads tells how many copper layers the board has.
    if bottom_access >= 2 {
        let copper = board
            .layers
            .iter()
            .filter(|l| l.name.ends_with(".Cu"))
            .count();
        assert_eq!(copper, copper_layers, "{name}: copper layers");
    }
    Some(Summary {
        pads: board.pads.len(),
        vias: board.vias.len(),
    })
}

#[test]
fn every_kicad_netlist_matches_kicads_view() {
    let dirs = pogo_testdata::board_folders("every_kicad_netlist_matches_kicads_view");
    if dirs.is_empty() {
        return;
    }
    let mut checked = Vec::new();
    for dir in &dirs {
        if let Some(s) = check_board(dir) {
            checked.push((
                dir.file_name().unwrap().to_string_lossy().to_string(),
                s.pads,
                s.vias,
            ));
        }
    }
    // Every board folder ships a netlist; a lost one must not pass silently.
    assert_eq!(
        checked.len(),
        dirs.len(),
        "boards without a netlist: {checked:?}"
    );
    assert!(checked.len() >= 20, "{checked:?}");
    // The figures KiCad's own files give (pads with outer copper; vias).
    let expect = [
        ("StickHub", 274, 87),
        ("video-panel-4x4", 35808, 12928),
        ("bms-c1", 936, 805),
    ];
    for (board, pads, vias) in expect {
        let got = checked.iter().find(|c| c.0 == board).unwrap();
        assert_eq!((got.1, got.2), (pads, vias), "{board}");
    }
}
