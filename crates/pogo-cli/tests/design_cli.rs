//! `pogo design` and `pogo check` as a user runs them.

mod support;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use support::{board, pogo_text as pogo, s};

/// `pogo design` of the shared test point board into `out`, which succeeds: the board's
/// path and what it printed (`None` without the shared data).
fn design_test_points(out: &Path) -> Option<(PathBuf, String)> {
    let b = board("test_points-v9/test_points.kicad_pcb")?;
    let (code, stdout, err) = pogo(&["design", s(&b), "--out", s(out)]);
    assert_eq!(code, 0, "{stdout}\n{err}");
    Some((b, stdout))
}

#[test]
fn design_writes_fixture_json_and_prints_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, out)) = design_test_points(dir.path()) else {
        return;
    };
    assert!(out.contains("4 total, 4 testable, 4 probed"), "{out}");
    assert!(
        out.contains("P100") && out.contains("violations 0"),
        "{out}"
    );
    let text = std::fs::read_to_string(dir.path().join("fixture.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "pogo.fixture/1");
    let sha: String = Sha256::digest(std::fs::read(&b).unwrap())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect();
    assert_eq!(v["board"]["sha256"], sha.as_str());
    assert_eq!(v["board"]["file"], s(&b));
    assert!(v["board"]["thickness_mm"].as_f64().unwrap() > 0.0);
    assert_eq!(v["board"]["outline_bbox"].as_array().unwrap().len(), 4);
    assert_eq!(v["coverage"]["nets_probed"], 4);
    let probes = v["probes"].as_array().unwrap();
    assert_eq!(probes.len(), 4);
    for (i, p) in probes.iter().enumerate() {
        assert_eq!(p["id"], format!("P{}", i + 1).as_str());
        assert!(p["side"] == "top" || p["side"] == "bottom");
        assert!(p["x"].is_f64() && p["y"].is_f64());
        assert!(p["target"]["kind"] == "pad" || p["target"]["kind"] == "via");
        assert!(p["target"]["ref"].is_string());
        for k in ["class", "part", "tip", "net"] {
            assert!(p[k].is_string(), "{k}");
        }
    }
    assert!(v["unreachable"].is_array() && v["rules"]["outline_clearance_mm"] == 1.15);
}

/// The test point board has no tooling holes: a nest, with the reason and the edge
/// rule of a mechanical fixture in a nest, and the nest plate's files.
#[test]
fn a_board_without_tooling_holes_gets_a_nest() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_, out)) = design_test_points(dir.path()) else {
        return;
    };
    assert!(
        out.contains("registration nest (mechanical fixture): auto"),
        "{out}"
    );
    assert!(out.contains("rule outline_clearance = 1.15 mm"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("fixture.json")).unwrap())
            .unwrap();
    assert_eq!(v["registration"]["kind"], "nest");
    assert_eq!(v["registration"]["clearance_mm"], 0.1);
    assert!(!v["registration"]["pocket"].as_array().unwrap().is_empty());
    for f in ["nest.dxf", "nest.svg", "nest.stl", "nest.scad"] {
        assert!(dir.path().join(f).is_file(), "no {f}");
    }
}

#[test]
fn check_exit_codes_and_json() {
    let (Some(tp), Some(hub)) = (
        board("test_points-v9/test_points.kicad_pcb"),
        board("StickHub/StickHub.kicad_pcb"),
    ) else {
        return;
    };
    let (code, out, _) = pogo(&["check", s(&tp)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS"));
    let (code, out, _) = pogo(&["check", s(&hub), "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pass"], false);
    let first = &v["unreachable"][0];
    assert!(
        first["net"].is_string()
            && first["reason"]
                .as_str()
                .unwrap()
                .contains("no accessible candidate")
    );
    let (code, _, err) = pogo(&["check", "/nonexistent/board.kicad_pcb"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn pogo_toml_beside_the_board_is_used_and_bad_ones_are_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("tp.kicad_pcb");
    let Some(tp) = board("test_points-v9/test_points.kicad_pcb") else {
        return;
    };
    std::fs::copy(tp, &b).unwrap();
    std::fs::write(
        dir.path().join("pogo.toml"),
        "[design]\nsides = \"bottom\"\n",
    )
    .unwrap();
    let (code, out, _) = pogo(&["check", s(&b), "--format", "json"]);
    assert_eq!(code, 1, "test points are on top only: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rules"]["sides"], serde_json::json!(["bottom"]));
    assert_eq!(v["unreachable"][0]["rule"], "side");

    std::fs::write(
        dir.path().join("pogo.toml"),
        "[design]\nsides = \"top\"\nclases = [\"P100\"]\n",
    )
    .unwrap();
    let err = design_refused(&b, &dir.path().join("out"));
    assert!(
        err.contains("pogo.toml:3:1") && err.contains("clases"),
        "{err}"
    );

    let cat = dir.path().join("probes.toml");
    std::fs::write(
        &cat,
        "[[parts]]\nid = \"X\"\nmaker = \"generic\"\npart_number = \"x\"\nclass = \"P100\"\nkind = \"contact\"\n\
         tip = \"spear\"\ntip_diameter_mm = 1.0\ntip_contact_radius_mm = 0.05\nsuits = [\"flat_pad\"]\n\
         barrel_diameter_mm = 1.36\nbarrel_inner_diameter_mm = 1.14\nplunger_diameter_mm = 1.1\n\
         plunger_extended_mm = 8.0\nplunger_retained_mm = 4.0\nlength_mm = 33.0\nfull_travel_mm = 6.0\n\
         working_travel_mm = 5.4\npreload_force_n = 0.5\nspring_force_n = 1.5\nmax_contact_resistance_mohm = 20\n\
         current_rating_a = 3.0\nrated_life_cycles = 100000\nreceptacle = \"R100-WW\"\nsource = \"test\"\ntypical = true\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("pogo.toml")).unwrap();
    let (code, _, err) = pogo(&["check", s(&b), "--catalog", s(&cat)]);
    assert_eq!(code, 2);
    assert!(err.contains("60-80%") && err.contains("90.0%"), "{err}");
}

/// README's first command on the example board of the repository (runs on a fresh clone).
#[test]
fn design_of_the_example_board_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let board = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
    let (code, out, err) = pogo(&["design", s(&board), "--out", s(dir.path())]);
    assert!(code == 0 || code == 1, "{out}\n{err}");
    let text = std::fs::read_to_string(dir.path().join("fixture.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["probes"].as_array().unwrap().len() > 10, "{out}");
    // Every documented list is present, empty or not.
    for key in [
        "tooling",
        "tooling_suggestions",
        "unreachable",
        "violations",
    ] {
        assert!(v[key].is_array(), "fixture.json lacks `{key}`");
    }
    for file in ["report.html", "wiring.csv", "bom.csv"] {
        assert!(dir.path().join(file).is_file(), "{file} missing");
    }
}

/// A netlist without an outline, written beside a `pogo.toml`.
fn netlist_with_config(dir: &Path, config: &str) -> PathBuf {
    let board = dir.join("n.d356");
    std::fs::write(
        &board,
        "P  CODE 00\nP  UNITS CUST 0\n317GND              VIA        MD0118PA00X+061909Y-040335X0197Y0000R000S3\n327GND              U1    -7          A02X+001000Y-002000X0300Y0600R090S1\n999\n",
    )
    .unwrap();
    std::fs::write(dir.join("pogo.toml"), config).unwrap();
    board
}

/// A nest asked for a board with no closed outline, or a negative nest clearance: one
/// clear error, exit 2, and no file written.
#[test]
fn bad_nest_settings_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let b = netlist_with_config(dir.path(), "[design]\nregistration = \"nest\"\n");
    let err = design_refused(&b, &out);
    // miette wraps the message: look for its words, not one line of it.
    assert!(
        err.contains("no closed") && err.contains("Edge.Cuts"),
        "{err}"
    );
    // With `auto`, the same netlist is registered by tooling pins in suggested holes.
    std::fs::write(dir.path().join("pogo.toml"), "").unwrap();
    let (code, stdout, err) = pogo(&["check", s(&b)]);
    assert!(code == 0 || code == 1, "{stdout}\n{err}");
    assert!(stdout.contains("registration tooling_pins"), "{stdout}");
    let b = netlist_with_config(dir.path(), "[design]\nnest_clearance_mm = -0.1\n");
    let err = design_refused(&b, &out);
    assert!(
        err.contains("nest_clearance_mm") && err.contains("-0.1"),
        "{err}"
    );
}

/// `pogo design board --out out` refused as bad input: exit 2, no output folder.
/// Returns what it printed on stderr.
fn design_refused(board: &Path, out: &Path) -> String {
    let (code, stdout, err) = pogo(&["design", s(board), "--out", s(out)]);
    assert_eq!(code, 2, "{stdout}\n{err}");
    assert!(!out.exists(), "files were written on bad input");
    err
}
