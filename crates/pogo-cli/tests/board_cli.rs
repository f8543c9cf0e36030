//! `pogo board info|pads` end to end: output on a real board, exit code 2 and a
//! located message on a broken one.

mod support;

use support::{board, pogo, temp_file};

#[test]
fn info_json_on_a_real_board() {
    let Some(p) = board("test_points-v9/test_points.kicad_pcb") else {
        return;
    };
    let out = pogo(&["board", "info", p.to_str().unwrap(), "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "kicad_pcb");
    assert_eq!(v["version"], 20241229);
    assert_eq!(v["footprints"], 8);
    assert_eq!(v["pads"], 11);
    assert_eq!(v["vias"], 0);
    assert_eq!(v["thickness"], 1.6);
    assert_eq!(v["outline_bbox"].as_array().unwrap().len(), 4);
    let text = pogo(&["board", "info", p.to_str().unwrap()]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("version 20241229 (KiCad 9)"), "{text}");
    assert!(text.contains("pads:        11"), "{text}");
}

#[test]
fn pads_csv_and_json_list_every_pad() {
    let Some(p) = board("expansion-card-v5/Expansion_Card.kicad_pcb") else {
        return;
    };
    let out = pogo(&["board", "pads", p.to_str().unwrap(), "--format", "csv"]);
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("ref,number,type,shape,x,y,w,h,rotation,drill_x,drill_y,"));
    assert_eq!(csv.lines().count(), 1 + 41);
    let out = pogo(&["board", "pads", p.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pads = v.as_array().unwrap();
    assert_eq!(pads.len(), 41);
    for key in [
        "ref",
        "number",
        "type",
        "shape",
        "x",
        "y",
        "w",
        "h",
        "rotation",
        "drill",
        "front",
        "back",
        "front_mask",
        "back_mask",
        "net",
    ] {
        assert!(pads[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn broken_board_exits_2_with_file_line_column() {
    let (dir, bad) = temp_file(
        "broken.kicad_pcb",
        "(kicad_pcb (version 20241229)\n  (footprint \"X\" (layer \"F.Cu\") (at 1 2)\n    (pad \"1\" smd circle (at 0 zero) (size 1 1) (layers \"F.Cu\"))))\n",
    );
    let out = pogo(&["board", "info", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.kicad_pcb:3:31"), "{err}");
    assert!(err.contains("expected a y coordinate (mm)"), "{err}");
    assert!(err.contains("`zero`"), "{err}");
    // The offending line is shown.
    assert!(err.contains("(pad \"1\" smd circle (at 0 zero)"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let out = pogo(&[
        "board",
        "pads",
        dir.path().join("missing.kicad_pcb").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.kicad_pcb"));
}
