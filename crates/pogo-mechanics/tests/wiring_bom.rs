//! wiring.csv and bom.csv agree with fixture.json, checked by an independent reader
//! (tests/check_wiring_bom.py: Python's csv and json modules).

mod common;

use pogo_mechanics::{MechanicsConfig, build};
use std::path::Path;
use std::process::Command;

pub fn write_three(fx: &pogo_fixture::Fixture, dir: &Path) {
    pogo_fixture::write_atomic(&dir.join("fixture.json"), fx.to_json().as_bytes()).unwrap();
    pogo_fixture::write_atomic(
        &dir.join("wiring.csv"),
        pogo_output::wiring::render(fx).as_bytes(),
    )
    .unwrap();
    pogo_fixture::write_atomic(
        &dir.join("bom.csv"),
        pogo_output::bom::render(fx).as_bytes(),
    )
    .unwrap();
}

fn python_check(dirs: &[&Path]) -> (bool, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/check_wiring_bom.py");
    let out = Command::new("python3")
        .arg(script)
        .args(dirs)
        .output()
        .expect("python3 runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn wiring_and_bom_agree_with_fixture_json() {
    let mut cfg = MechanicsConfig::default();
    cfg.interface.connector_pins = 16;
    let mut fx = common::fixture(&common::grid_spec());
    // A net name that needs CSV quoting.
    fx.probes[3].net = "Net-(U1-Pad3, \"A\")".into();
    build(&mut fx, &cfg).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_three(&fx, dir.path());
    let (ok, out) = python_check(&[dir.path()]);
    assert!(ok, "{out}");
    assert!(out.contains("ok 40 probes"), "{out}");
    let bom = pogo_output::bom::render(&fx);
    assert!(
        bom.contains("GUIDE-PIN-3.150") && bom.contains("PUSH-FINGER"),
        "{bom}"
    );

    // The checker does catch a disagreement: drop one wiring row.
    let wiring = std::fs::read_to_string(dir.path().join("wiring.csv")).unwrap();
    let cut: Vec<&str> = wiring.lines().filter(|l| !l.starts_with("P7,")).collect();
    std::fs::write(dir.path().join("wiring.csv"), cut.join("\n") + "\n").unwrap();
    let (ok, out) = python_check(&[dir.path()]);
    assert!(!ok, "{out}");
}
