//! `pogo diff` and `pogo design --reuse` as a user runs them.

mod support;

use std::path::Path;
use support::{pogo_text as pogo, s};

#[test]
fn diff_and_reuse_on_the_same_board_and_on_another_one() {
    let Some(root) = pogo_testdata::boards("diff_and_reuse_on_the_same_board_and_on_another_one")
    else {
        return;
    };
    let board = root.join("test_points-v9/test_points.kicad_pcb");
    let other = root.join("glasgow-c2-v9/glasgow.kicad_pcb");
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    let (code, out, err) = pogo(&["design", s(&board), "--out", s(&first)]);
    assert_eq!(code, 0, "{out}\n{err}");
    let fixture = first.join("fixture.json");

    // The same board: no change, in text and JSON.
    let (code, out, err) = pogo(&["diff", s(&fixture), s(&board)]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("no change: all 4 probes stay"), "{out}");
    let (code, out, err) = pogo(&["diff", s(&fixture), s(&board), "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["no_change"], true);
    assert_eq!(v["kept"].as_array().unwrap().len(), 4);
    for key in ["moved", "added", "removed"] {
        assert_eq!(v[key].as_array().unwrap().len(), 0, "{key}");
    }
    assert!(v["kept"][0]["id"].is_string() && v["kept"][0]["net"].is_string());

    // `pogo design BOARD --reuse FIXTURE --out OUT`.
    let design_reusing_fixture = |board: &Path, out: &Path| {
        pogo(&["design", s(board), "--reuse", s(&fixture), "--out", s(out)])
    };

    // Reusing the fixture on its own board keeps every probe and id.
    let second = tmp.path().join("second");
    let (code, out, err) = design_reusing_fixture(&board, &second);
    assert_eq!(code, 0, "{out}\n{err}");
    let ids = |p: &Path| -> Vec<(String, String)> {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        let mut ids: Vec<(String, String)> = v["probes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["id"].to_string(), p["net"].to_string()))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&second.join("fixture.json")), ids(&fixture));

    // A fixture of another board: one clear error, exit 2, no files.
    let third = tmp.path().join("third");
    let (code, out, err) = design_reusing_fixture(&other, &third);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("nothing in common"), "{err}");
    assert!(!third.exists(), "no output folder on a refused reuse");
    let (code, out, err) = pogo(&["diff", s(&fixture), s(&other)]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("nothing in common") && out.is_empty(),
        "{out}\n{err}"
    );
}
