//! `pogo design`, `pogo board info` and bad input with IPC-2581 and ODB++ files, as a
//! user runs them.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use support::pogo_text as pogo;
use support::temp_file;

/// (net with spaces as underscores, x, y, side) of every probe `pogo design` chose.
fn probes(board: &Path) -> BTreeSet<(String, String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = pogo(&[
        "design",
        board.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        code == 0 || code == 1,
        "{}: exit {code}\n{out}\n{err}",
        board.display()
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("fixture.json")).unwrap()).unwrap();
    v["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["net"].as_str().unwrap().replace(' ', "_"),
                format!("{:.4}", p["x"].as_f64().unwrap()),
                format!("{:.4}", p["y"].as_f64().unwrap()),
                p["side"].to_string(),
            )
        })
        .collect()
}

/// The first file in `dir` whose name ends with one of `endings`.
fn file_ending(dir: &Path, endings: &[&str]) -> Option<std::path::PathBuf> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    names.into_iter().find(|p| {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        endings.iter().any(|e| n.ends_with(e))
    })
}

#[test]
fn design_from_the_exports_chooses_the_kicad_files_probes() {
    let mut compared = 0;
    for dir in pogo_testdata::board_folders("design_from_the_exports") {
        let (Some(board), Some(ipc), Some(odb)) = (
            file_ending(&dir, &[".kicad_pcb", ".kicad_pcb.xz"]),
            file_ending(&dir, &[".ipc2581.xml.xz"]),
            file_ending(&dir, &["-odb.tgz"]),
        ) else {
            continue;
        };
        let kicad = probes(&board);
        // ODB++ cannot hold a space in a net name: compared with spaces as underscores.
        for export in [ipc, odb] {
            let ours = probes(&export);
            assert_eq!(ours, kicad, "{}", export.display());
        }
        if dir.ends_with("bms-c1") {
            assert!(kicad.len() >= 30, "{}", kicad.len());
        }
        compared += 1;
    }
    if !pogo_testdata::board_folders("design_from_the_exports").is_empty() {
        // Every shared board but the panel has both exports.
        assert!(compared >= 19, "{compared} boards compared");
    }
}

#[test]
fn design_runs_on_other_tools_files() {
    if let Some(dir) = pogo_testdata::shared("data/ipc2581-allegro", "design_on_other_tools") {
        // No test points and tented vias: the design runs and reports every net unprobed.
        let _ = probes(&dir.join("testcase3-revc-full.xml.xz"));
    }
    if let Some(dir) = pogo_testdata::shared("data/odb-altium", "design_on_other_tools") {
        let _ = probes(&dir.join("sandbox-odb_wifi.tgz"));
    }
}

#[test]
fn board_info_names_the_format() {
    let Some(dir) = pogo_testdata::board_dir("test_points-v9", "board_info_names_the_format")
    else {
        return;
    };
    for (file, format, count) in [
        (
            "test_points.ipc2581.xml.xz",
            "IPC-2581 revision C (MILLIMETER)",
            "pads:        11",
        ),
        ("test_points-odb.tgz", "ODB++ job (MM)", "footprints:  8"),
    ] {
        let (code, out, _) = pogo(&["board", "info", dir.join(file).to_str().unwrap()]);
        assert_eq!(code, 0, "{file}");
        assert!(out.contains(format) && out.contains(count), "{out}");
    }
}

#[test]
fn truncated_ipc2581_exits_2_with_file_line_column() {
    let (_dir, f) = temp_file(
        "cut.xml",
        "<?xml version=\"1.0\"?>\n<IPC-2581 revision=\"C\" xmlns=\"http://webstds.ipc.org/2581\">\n  <Content>\n",
    );
    let (code, _, err) = pogo(&["board", "info", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cut.xml:4:1") || err.contains("cut.xml:3:"),
        "{err}"
    );
    assert!(err.contains("end"), "{err}");
}

#[test]
fn broken_odb_archive_exits_2() {
    let Some(dir) = pogo_testdata::board_dir("test_points-v9", "broken_odb_archive") else {
        return;
    };
    let bytes = std::fs::read(dir.join("test_points-odb.tgz")).unwrap();
    let (_tmp, f) = temp_file("cut.tgz", &bytes[..bytes.len() / 2]);
    let (code, _, err) = pogo(&["board", "info", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cut.tgz"), "{err}");
}
