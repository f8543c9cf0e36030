//! Board revisions on real boards: the Glasgow C2 saved by KiCad 6, 7, 8 and 9 is one
//! revision (no change), and a copy of a shared board with test points moved, deleted
//! and added reports exactly those.

use pogo_catalog::Catalog;
use pogo_design::DesignConfig;
use pogo_design::revision::{
    RevisionDiff, RevisionError, RevisionOptions, WireChange, design_revision, diff, diff_board,
};
use pogo_fixture::Fixture;
use std::path::Path;

fn design_file(path: &Path) -> (pogo_board::Board, Fixture) {
    let board = pogo_board::read_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fixture = pogo_design::design(&board, &Catalog::builtin(), &DesignConfig::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (board, fixture)
}

fn compare(old: &Fixture, board: &pogo_board::Board) -> (Fixture, RevisionDiff) {
    diff_board(
        old,
        board,
        &Catalog::builtin(),
        &DesignConfig::default(),
        &RevisionOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", board.source_name))
}

/// Why a revision of `old` for `board` (built-in catalog, default pogo.toml) is refused.
fn refusal(old: &Fixture, board: &pogo_board::Board, options: &RevisionOptions) -> RevisionError {
    design_revision(
        board,
        &Catalog::builtin(),
        &DesignConfig::default(),
        old,
        options,
    )
    .unwrap_err()
}

#[test]
fn glasgow_saved_by_every_kicad_is_no_change() {
    let versions = [
        "glasgow-c2-v6",
        "glasgow-c2-v7",
        "glasgow-c2-v8",
        "glasgow-c2-v9",
    ];
    let mut designs = Vec::new();
    for v in versions {
        let Some(dir) = pogo_testdata::board_dir(v, "glasgow_saved_by_every_kicad_is_no_change")
        else {
            return;
        };
        designs.push((v, design_file(&dir.join("glasgow.kicad_pcb"))));
    }
    for (old_name, (_, old)) in &designs {
        assert!(
            old.probes.len() > 20,
            "{old_name}: {} probes",
            old.probes.len()
        );
        for (new_name, (board, _)) in &designs {
            let (new, d) = compare(old, board);
            assert!(
                d.no_change,
                "{old_name} fixture against the {new_name} board:\n{}",
                d.to_text()
            );
            assert_eq!(d.kept.len(), old.probes.len());
            assert!(d.plate.holes_to_drill.is_empty() && d.plate.holes_to_plug.is_empty());
            // The reused design is the old one, probe for probe, ids included.
            let place = |f: &Fixture| -> Vec<(String, String, i64, i64)> {
                let mut v: Vec<_> = f
                    .probes
                    .iter()
                    .map(|p| {
                        let nm = |v: f64| (v * 1e3).round() as i64;
                        (p.id.clone(), p.net.clone(), nm(p.x), nm(p.y))
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(place(&new), place(old), "{old_name} -> {new_name}");
        }
    }
}

/// The text of one footprint block `(footprint ... )` whose reference is `reference`:
/// its byte range in `text`.
fn footprint_block(text: &str, reference: &str) -> std::ops::Range<usize> {
    let needle = format!("(property \"Reference\" \"{reference}\"");
    let at = text
        .find(&needle)
        .unwrap_or_else(|| panic!("no {reference}"));
    let start = text[..at].rfind("(footprint ").expect("footprint start");
    let mut depth = 0i32;
    let mut in_string = false;
    let mut prev = ' ';
    for (i, ch) in text[start..].char_indices() {
        match ch {
            '"' if prev != '\\' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return start..start + i + 1;
                }
            }
            _ => {}
        }
        prev = ch;
    }
    panic!("unclosed footprint {reference}");
}

/// Replaces the first occurrence of `from` in `s` (which must be there).
fn replace_once(s: &str, from: &str, to: &str) -> String {
    assert!(s.contains(from), "`{from}` not found");
    s.replacen(from, to, 1)
}

#[test]
fn moved_deleted_and_added_test_points_are_reported_exactly() {
    let Some(dir) = pogo_testdata::board_dir(
        "test_points-v9",
        "moved_deleted_and_added_test_points_are_reported_exactly",
    ) else {
        return;
    };
    let original = std::fs::read_to_string(dir.join("test_points.kicad_pcb")).unwrap();
    let (_, old) = design_file(&dir.join("test_points.kicad_pcb"));
    let probe_on = |reference: &str| {
        old.probes
            .iter()
            .find(|p| p.target.reference == reference)
            .unwrap_or_else(|| panic!("the original design probes {reference}: {:?}", old.probes))
            .clone()
    };
    let (tp1, tp2) = (probe_on("TP1"), probe_on("TP2"));

    // The revision: TP2 moved 5 mm down, TP1 deleted, a new TP9 (a copy of TP4) on
    // TP1's net elsewhere.
    let mut text = original.clone();
    let tp2_block = footprint_block(&text, "TP2");
    let moved = replace_once(&text[tp2_block.clone()], "(at 120 65)", "(at 120 70)");
    text.replace_range(tp2_block, &moved);
    let tp4 = text[footprint_block(&text, "TP4")].to_string();
    let mut tp9 = replace_once(&tp4, "\"Reference\" \"TP4\"", "\"Reference\" \"TP9\"");
    tp9 = replace_once(&tp9, "(at 142 71)", "(at 110 84)");
    tp9 = replace_once(
        &tp9,
        "(net 2 \"Net-(C1-Pad2)\")",
        "(net 4 \"Net-(R1-Pad1)\")",
    );
    let tp1_block = footprint_block(&text, "TP1");
    text.replace_range(tp1_block, &tp9);
    let tmp = tempfile::tempdir().unwrap();
    let revised = tmp.path().join("test_points.kicad_pcb");
    std::fs::write(&revised, &text).unwrap();
    let board = pogo_board::read_file(&revised).unwrap();

    let (new, d) = compare(&old, &board);
    let ids = |v: &[pogo_design::revision::ProbeChange]| -> Vec<String> {
        v.iter()
            .map(|c| {
                format!(
                    "{}:{}.{}",
                    c.id,
                    c.reference,
                    c.number.as_deref().unwrap_or("")
                )
            })
            .collect()
    };
    assert!(!d.no_change);
    assert_eq!(
        ids(&d.moved),
        [format!("{}:TP2.1", tp2.id)],
        "{}",
        d.to_text()
    );
    assert_eq!(
        ids(&d.removed),
        [format!("{}:TP1.1", tp1.id)],
        "{}",
        d.to_text()
    );
    let next_id = format!("P{}", old.probes.len() + 1);
    assert_eq!(
        ids(&d.added),
        [format!("{next_id}:TP9.1")],
        "{}",
        d.to_text()
    );
    assert_eq!(d.kept.len(), old.probes.len() - 2, "{}", d.to_text());
    assert!(
        d.nets_lost.is_empty() && d.nets_gained.is_empty(),
        "{}",
        d.to_text()
    );
    // The moved probe is where its pad went; the added one on TP9, on TP1's net.
    let m = &d.moved[0];
    assert_eq!(m.from, Some([tp2.x, tp2.y]));
    assert!(
        (m.x - tp2.x).abs() < 1e-6 && (m.y - (tp2.y + 5.0)).abs() < 1e-6,
        "{m:?}"
    );
    assert_eq!(d.added[0].net, tp1.net);
    assert!((d.added[0].x - 110.0).abs() < 0.5 && (d.added[0].y - 84.0).abs() < 0.5);
    // Plate: TP1's hole and TP2's old hole plugged; TP2's new hole and TP9's drilled.
    let holes = |v: &[pogo_design::revision::PlateHole]| -> Vec<String> {
        let mut h: Vec<String> = v.iter().map(|h| h.probe.clone()).collect();
        h.sort();
        h
    };
    let mut plug = vec![tp1.id.clone(), tp2.id.clone()];
    plug.sort();
    let mut drill = vec![tp2.id.clone(), next_id.clone()];
    drill.sort();
    assert_eq!(holes(&d.plate.holes_to_plug), plug);
    assert_eq!(holes(&d.plate.holes_to_drill), drill);
    assert_eq!(d.plate.receptacles_to_move.len(), 1);
    assert!((d.plate.receptacles_to_move[0].distance_mm - 5.0).abs() < 1e-6);
    let wires: Vec<(String, WireChange)> = d
        .rewiring
        .iter()
        .map(|r| (r.probe.clone(), r.change))
        .collect();
    assert!(
        wires.contains(&(tp1.id.clone(), WireChange::Disconnect)),
        "{wires:?}"
    );
    assert!(
        wires.contains(&(next_id.clone(), WireChange::Connect)),
        "{wires:?}"
    );
    assert!(
        wires.contains(&(tp2.id.clone(), WireChange::Reroute)),
        "{wires:?}"
    );
    assert_eq!(wires.len(), 3, "{wires:?}");
    // The reuse design keeps the old ids and gives the new probe the next one.
    let mut new_ids: Vec<&str> = new.probes.iter().map(|p| p.id.as_str()).collect();
    new_ids.sort();
    let mut want: Vec<String> = old
        .probes
        .iter()
        .map(|p| p.id.clone())
        .filter(|id| *id != tp1.id)
        .chain([next_id])
        .collect();
    want.sort();
    assert_eq!(new_ids, want);
    // The JSON names the four lists with id, net and target.
    let json = serde_json::to_value(&d).unwrap();
    for key in ["kept", "moved", "added", "removed"] {
        assert!(json[key].is_array(), "{key}");
    }
    assert_eq!(json["moved"][0]["ref"], "TP2");
    assert_eq!(json["moved"][0]["number"], "1");
    assert_eq!(json["removed"][0]["net"], tp1.net.as_str());
    // Comparing the new design with itself: no change.
    assert!(diff(&new, &new, &RevisionOptions::default()).no_change);
}

#[test]
fn a_fixture_of_another_board_is_one_clear_error() {
    let Some(root) = pogo_testdata::boards("a_fixture_of_another_board_is_one_clear_error") else {
        return;
    };
    let (_, tp) = design_file(&root.join("test_points-v9/test_points.kicad_pcb"));
    let (glasgow, _) = design_file(&root.join("glasgow-c2-v9/glasgow.kicad_pcb"));
    let err = refusal(&tp, &glasgow, &RevisionOptions::default());
    assert!(
        matches!(err, RevisionError::NothingInCommon { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("nothing in common") && text.contains("glasgow"),
        "{text}"
    );
    let bad = RevisionOptions {
        position_tolerance_mm: -1.0,
    };
    let err = refusal(&tp, &glasgow, &bad);
    assert!(matches!(err, RevisionError::BadTolerance { .. }), "{err}");
}

/// A probe that stays in its hole while its pad's net is renamed gets a change-net
/// wire naming both nets, and a moved probe on another net one too (the example board,
/// so this runs without the shared data).
#[test]
fn a_renamed_net_is_a_change_net_wire_with_the_previous_net() {
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
    let (_, old) = design_file(&example);
    assert!(old.probes.len() >= 2, "the example board gets probes");
    let mut new = old.clone();
    let (kept, moved) = (new.probes[0].id.clone(), new.probes[1].id.clone());
    let kept_was = new.probes[0].net.clone();
    let moved_was = new.probes[1].net.clone();
    new.probes[0].net = "RENAMED".to_string();
    new.probes[1].net = "OTHER".to_string();
    new.probes[1].x += 3.0;
    let d = diff(&old, &new, &RevisionOptions::default());
    assert!(!d.no_change, "{}", d.to_text());
    let wire = |id: &str| {
        d.rewiring
            .iter()
            .find(|r| r.probe == id)
            .unwrap_or_else(|| panic!("a wire for {id}: {:?}", d.rewiring))
    };
    let k = wire(&kept);
    assert_eq!(k.change, WireChange::ChangeNet);
    assert_eq!(
        (k.net.as_str(), k.previous_net.as_deref()),
        ("RENAMED", Some(kept_was.as_str()))
    );
    let m = wire(&moved);
    assert_eq!(m.change, WireChange::ChangeNet);
    assert_eq!(
        (m.net.as_str(), m.previous_net.as_deref()),
        ("OTHER", Some(moved_was.as_str()))
    );
    assert_eq!(d.rewiring.len(), 2, "{:?}", d.rewiring);
    assert!(
        d.kept
            .iter()
            .any(|c| c.id == kept && c.previous_net.as_deref() == Some(kept_was.as_str()))
    );
    assert_eq!(d.moved.len(), 1, "{}", d.to_text());
    let json = serde_json::to_value(&d).unwrap();
    let wires = json["rewiring"].as_array().unwrap();
    assert!(
        wires
            .iter()
            .any(|w| w["change"] == "change_net" && w["previous_net"] == kept_was.as_str()),
        "{wires:?}"
    );
}
