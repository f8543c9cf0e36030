//! Every real board of the shared data (found through pogo-testdata) against what KiCad itself reports
//! (kicad-view.json): pads through the independent checker
//! `../shared/tools/compare_pads.py`, and footprints, vias, nets, outline box and
//! thickness here.

use pogo_board::{Board, Side, view};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const UM: f64 = 0.001;

const TEST: &str = "kicad_boards (every shared board against KiCad's view)";

fn shared_tools() -> PathBuf {
    pogo_testdata::shared("tools", TEST).expect("shared/tools beside the boards")
}

/// (board dir, .kicad_pcb[.xz], kicad-view.json[.xz]) for every board dir: the shared
/// boards, or those under `$POGO_KICAD_BOARDS` (same layout: one folder per board with
/// its `kicad-view.json`, e.g. made by `scripts/kicad_view.py`) when that is set.
fn boards() -> Vec<(String, PathBuf, PathBuf)> {
    let extra = std::env::var_os("POGO_KICAD_BOARDS").map(PathBuf::from);
    let Some(dir) = extra.clone().or_else(|| pogo_testdata::boards(TEST)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for e in entries {
        let d = e.unwrap().path();
        if !d.is_dir() {
            continue;
        }
        let mut pcb = None;
        let mut viewf = None;
        for f in std::fs::read_dir(&d).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".kicad_pcb") || name.ends_with(".kicad_pcb.xz") {
                pcb = Some(f);
            } else if name == "kicad-view.json" || name == "kicad-view.json.xz" {
                viewf = Some(f);
            }
        }
        if let (Some(p), Some(v)) = (pcb, viewf) {
            out.push((d.file_name().unwrap().to_string_lossy().into_owned(), p, v));
        }
    }
    out.sort();
    assert!(
        extra.is_some() || out.len() >= 20,
        "expected the 20 shared boards, found {}",
        out.len()
    );
    out
}

fn load_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let text = if path.extension().is_some_and(|e| e == "xz") {
        let mut s = String::new();
        xz2::read::XzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .unwrap();
        s
    } else {
        String::from_utf8(bytes).unwrap()
    };
    serde_json::from_str(&text).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= UM + 1e-9
}

/// Runs compare_pads.py on our pads; returns its last line and whether it passed.
fn compare_pads(name: &str, board: &Board, view_path: &Path) -> (String, bool) {
    let rows = view::pad_rows(board);
    let dir = std::env::temp_dir().join(format!("pogo-board-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ours = dir.join(format!("{name}.json"));
    std::fs::write(&ours, serde_json::to_vec(&rows).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(shared_tools().join("compare_pads.py"))
        .arg(view_path)
        .arg(&ours)
        .output()
        .expect("python3 runs compare_pads.py");
    let _ = std::fs::remove_file(&ours);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let last = stdout.lines().last().unwrap_or("").to_string();
    let ok = out.status.success() && last.starts_with("matched ") && !last.contains("extra");
    if !ok {
        eprintln!(
            "{name}: compare_pads.py said:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (last, ok)
}

/// Adds a disagreement to `bad` where KiCad's count of `what` is not ours.
fn count_differs(bad: &mut Vec<String>, what: &str, kicad: usize, ours: usize) {
    if kicad != ours {
        bad.push(format!("{what}: kicad {kicad} ours {ours}"));
    }
}

/// Everything but pads: returns a list of disagreements.
fn compare_rest(board: &Board, kv: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    // Footprints: count, then each by reference (and position for duplicates).
    let kfps = kv["footprints"].as_array().unwrap();
    count_differs(&mut bad, "footprints", kfps.len(), board.footprints.len());
    let mut ours: BTreeMap<&str, Vec<&pogo_board::Footprint>> = BTreeMap::new();
    for fp in &board.footprints {
        ours.entry(fp.reference.as_str()).or_default().push(fp);
    }
    for k in kfps {
        let r = k["ref"].as_str().unwrap();
        let (kx, ky) = (f(&k["x"]), f(&k["y"]));
        let Some(cands) = ours.get_mut(r) else {
            bad.push(format!("footprint {r} missing"));
            continue;
        };
        let Some(i) = (0..cands.len()).min_by(|&a, &b| {
            let da = (cands[a].position.x - kx).hypot(cands[a].position.y - ky);
            let db = (cands[b].position.x - kx).hypot(cands[b].position.y - ky);
            da.total_cmp(&db)
        }) else {
            bad.push(format!("footprint {r} missing (duplicate)"));
            continue;
        };
        let fp = cands.remove(i);
        let mut why = Vec::new();
        if !close(fp.position.x, kx) || !close(fp.position.y, ky) {
            why.push(format!("position ({}, {})", fp.position.x, fp.position.y));
        }
        let dr = (fp.rotation_deg - f(&k["rotation"])).rem_euclid(360.0);
        if dr.min(360.0 - dr) > 0.01 {
            why.push(format!("rotation {}", fp.rotation_deg));
        }
        if fp.value != k["value"].as_str().unwrap() {
            why.push(format!("value {:?}", fp.value));
        }
        if fp.lib_id != k["footprint"].as_str().unwrap() {
            why.push(format!("lib id {:?}", fp.lib_id));
        }
        let side = match fp.side {
            Side::Top => "top",
            Side::Bottom => "bottom",
        };
        if side != k["side"].as_str().unwrap() {
            why.push(format!("side {side}"));
        }
        if fp.pads.len() as u64 != k["pad_count"].as_u64().unwrap() {
            why.push(format!("pad count {}", fp.pads.len()));
        }
        match (&k["courtyard_bbox"], fp.courtyard_bbox) {
            (Value::Null, None) => {}
            (Value::Array(kb), Some(b)) => {
                let ob = b.as_array();
                if kb.iter().zip(ob).any(|(k, o)| !close(f(k), o)) {
                    why.push(format!("courtyard {ob:?}"));
                }
            }
            (kb, ob) => why.push(format!("courtyard {ob:?} vs {kb}")),
        }
        if !why.is_empty() {
            bad.push(format!("footprint {r}: {} (kicad {k})", why.join(", ")));
        }
    }
    // Vias: count, then as a multiset of (x, y, diameter, drill, net) within 1 um.
    let kvias = kv["vias"].as_array().unwrap();
    count_differs(&mut bad, "vias", kvias.len(), board.vias.len());
    let key = |x: f64, y: f64| ((x * 1000.0).round() as i64, (y * 1000.0).round() as i64);
    let mut ourv: BTreeMap<(i64, i64), Vec<&pogo_board::Via>> = BTreeMap::new();
    for v in &board.vias {
        ourv.entry(key(v.position.x, v.position.y))
            .or_default()
            .push(v);
    }
    let mut via_bad = 0;
    for k in kvias {
        let found = ourv.get_mut(&key(f(&k["x"]), f(&k["y"]))).and_then(|c| {
            let i = c.iter().position(|v| {
                close(v.diameter_mm, f(&k["diameter"]))
                    && close(v.drill_mm, f(&k["drill"]))
                    && board.net_name(v.net) == k["net"].as_str().unwrap()
            })?;
            Some(c.remove(i))
        });
        if found.is_none() {
            via_bad += 1;
            if via_bad <= 5 {
                bad.push(format!("via not matched: {k}"));
            }
        }
    }
    // Nets carried by pads or vias.
    let knets: std::collections::BTreeSet<&str> = kv["nets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let onets: std::collections::BTreeSet<&str> = board
        .pads
        .iter()
        .map(|p| p.net)
        .chain(board.vias.iter().map(|v| v.net))
        .map(|n| board.net_name(n))
        .filter(|n| !n.is_empty())
        .collect();
    let knets: std::collections::BTreeSet<&str> =
        knets.into_iter().filter(|n| !n.is_empty()).collect();
    if knets != onets {
        let missing: Vec<_> = knets.difference(&onets).take(5).collect();
        let extra: Vec<_> = onets.difference(&knets).take(5).collect();
        bad.push(format!("nets differ: missing {missing:?}, extra {extra:?}"));
    }
    // Outline box and thickness.
    let kb: Vec<f64> = kv["outline_bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(f)
        .collect();
    let ob = board.outline.as_ref().unwrap().bbox.as_array();
    if kb.iter().zip(ob).any(|(k, o)| !close(*k, o)) {
        bad.push(format!("outline bbox: kicad {kb:?} ours {ob:?}"));
    }
    // The Edge.Cuts pieces close into rings: one board outline whose own box sits
    // inside KiCad's box (which adds half the line width) by less than 0.5 mm a side.
    let outline = board.outline.as_ref().unwrap();
    if !outline.open_chains.is_empty() || outline.polygons.len() != 1 {
        bad.push(format!(
            "outline: {} polygon(s), {} open piece(s)",
            outline.polygons.len(),
            outline.open_chains.len()
        ));
    } else {
        let mut pb = pogo_board::BoxMm::EMPTY;
        outline.polygons[0]
            .outer
            .iter()
            .for_each(|p| pb.include(*p));
        let inset = [
            pb.left - kb[0],
            pb.top - kb[1],
            kb[2] - pb.right,
            kb[3] - pb.bottom,
        ];
        if inset.iter().any(|d| !(-1e-6..0.5).contains(d)) {
            bad.push(format!(
                "outline polygon box {:?} vs kicad {kb:?}",
                pb.as_array()
            ));
        }
    }
    let kt = f(&kv["thickness"]);
    if board.thickness_mm.is_none_or(|t| !close(t, kt)) {
        bad.push(format!(
            "thickness: kicad {kt} ours {:?}",
            board.thickness_mm
        ));
    }
    bad
}

#[test]
fn every_shared_board_matches_kicads_view() {
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    let boards = boards();
    if boards.is_empty() {
        return;
    }
    for (name, pcb, view_path) in boards {
        let board = match pogo_board::read_file(&pcb) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        assert!(
            matches!(board.format, pogo_board::SourceFormat::KicadPcb { version, .. } if version >= 20171130 || version <= 4)
        );
        let kv = load_json(&view_path);
        let (line, ok) = compare_pads(&name, &board, &view_path);
        summary.push(format!("{name}: {line}"));
        if !ok {
            failures.push(format!("{name}: pads: {line}"));
        }
        for b in compare_rest(&board, &kv) {
            failures.push(format!("{name}: {b}"));
        }
    }
    eprintln!("{}", summary.join("\n"));
    assert!(
        failures.is_empty(),
        "{} disagreement(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
