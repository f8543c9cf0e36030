//! `pogo tolerance`: recomputation, Monte Carlo beside the analytic figures, errors.

mod support;

use pogo_board::Side;
use pogo_fixture::test_support::FixtureBuilder;
use std::path::Path;
use std::process::{Command, Output};
use support::{code, expect_exit, pogo, s, stderr, stdout};

/// `pogo tolerance FIXTURE`, then `extra`.
fn tolerance(fixture: &Path, extra: &[&str]) -> Output {
    let args: Vec<&str> = ["tolerance", s(fixture)]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    pogo(&args)
}

/// A small fixture: four probes on pads of different shapes, one of them small, and two
/// board holes (no guide pins).
fn write_fixture(dir: &Path) -> std::path::PathBuf {
    use pogo_fixture::TargetShape::{Circle, Oval, Rect, Roundrect};
    let catalog = pogo_catalog::Catalog::builtin();
    // (x, y, shape, w, h, rotation) of each probe's pad, the probe on its centre.
    let pads = [
        (10.0, 10.0, Circle, 0.4, 0.4, 0.0),
        (70.0, 12.0, Rect, 0.6, 0.35, 30.0),
        (40.0, 50.0, Roundrect, 1.0, 0.5, 90.0),
        (20.0, 45.0, Oval, 1.2, 0.5, 0.0),
    ];
    let mut builder = FixtureBuilder::new([0.0, 0.0, 80.0, 60.0])
        .hole(3.0, 3.0, 3.0, false, "H1")
        .hole(77.0, 57.0, 3.0, false, "H2");
    for (i, &(x, y, ..)) in pads.iter().enumerate() {
        let net = format!("NET{}", i + 1);
        builder = builder.probe(&catalog, "P75-SPEAR", &net, Side::Bottom, x, y);
    }
    let mut f = builder.build();
    for (probe, (_, _, shape, w, h, rotation)) in f.probes.iter_mut().zip(pads) {
        let t = &mut probe.target;
        (t.shape, t.w, t.h, t.rotation, t.corner_radius_mm) = (shape, w, h, rotation, 0.1);
    }
    let path = dir.join("fixture.json");
    std::fs::write(&path, f.to_json()).unwrap();
    path
}

#[test]
fn json_report_has_every_probe_and_the_yield() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    let out = tolerance(&path, &["--format", "json"]);
    expect_exit(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let probes = v["probes"].as_array().unwrap();
    assert_eq!(probes.len(), 4);
    let mut product = 1.0;
    for p in probes {
        let h = p["hit_probability"].as_f64().unwrap();
        assert!(h > 0.0 && h <= 1.0, "{p}");
        product *= h;
        assert_eq!(p["tip_cov_mm2"].as_array().unwrap().len(), 2);
        assert!(p["tip_contact_radius_mm"].as_f64().unwrap() > 0.0);
    }
    let t = &v["tolerance"];
    let y = t["contact_yield"].as_f64().unwrap();
    assert!(y > 0.0 && y < 1.0);
    assert!((t["independent_product"].as_f64().unwrap() - product).abs() < 1e-6);
    assert_eq!(t["sensitivity"].as_array().unwrap().len(), 8);
    assert!(
        t["datum"]["source"]
            .as_str()
            .unwrap()
            .contains("board holes")
    );
    // The narrow rect (0.35 mm: half-height 0.175 minus the contact radius) is the
    // weakest, then the 0.4 mm circle.
    assert_eq!(t["weakest_probes"][0]["id"], "P2");
    assert_eq!(t["weakest_probes"][1]["id"], "P1");
    // Deterministic: a second run prints the same bytes.
    let again = tolerance(&path, &["--format", "json"]);
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn monte_carlo_beside_analytic_for_every_probe() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    let text = expect_exit(&tolerance(&path, &["--mc", "200000", "--seed", "5"]), 0);
    assert!(
        text.contains("analytic and Monte Carlo (200000 samples each)"),
        "{text}"
    );
    for id in ["P1", "P2", "P3", "P4"] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(id)),
            "{id} missing:\n{text}"
        );
    }
    assert!(
        text.contains("0 of 4 probes differ by 4 standard errors or more"),
        "{text}"
    );
    assert!(text.contains("MC yield"), "{text}");
    // JSON form carries the estimates.
    let out = tolerance(&path, &["--mc", "100000", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in v["probes"].as_array().unwrap() {
        let mc = &p["monte_carlo"];
        assert_eq!(mc["samples"], 100000);
        let (a, e, se) = (
            p["hit_probability"].as_f64().unwrap(),
            mc["hit_probability"].as_f64().unwrap(),
            mc["std_error"].as_f64().unwrap(),
        );
        assert!((a - e).abs() < 4.0 * se + 1e-9, "{p}");
    }
    assert!(
        v["tolerance"]["contact_yield_mc"]["insertions"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn write_updates_the_fixture_and_config_overrides_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_fixture(dir.path());
    expect_exit(&tolerance(&path, &["--write"]), 0);
    let f = pogo_fixture::Fixture::read(&path).unwrap();
    let y0 = f.tolerance.as_ref().unwrap().contact_yield;
    assert!(f.probes.iter().all(|p| p.hit_probability.is_some()));
    // A sloppier plate process lowers the yield; the model used is recorded.
    let cfg = dir.path().join("pogo.toml");
    std::fs::write(
        &cfg,
        "[design]\nsides = \"bottom\"\n\n[tolerance]\nplate_process = \"print3d\"\n",
    )
    .unwrap();
    expect_exit(&tolerance(&path, &["--config", s(&cfg), "--write"]), 0);
    let f = pogo_fixture::Fixture::read(&path).unwrap();
    let t = f.tolerance.unwrap();
    assert_eq!(t.model.plate_process, pogo_fixture::PlateProcess::Print3d);
    assert!(t.contact_yield < y0, "{} vs {y0}", t.contact_yield);
}

#[test]
fn bad_input_is_one_clear_error_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = tolerance(&dir.path().join("nope.json"), &[]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("nope.json"));

    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"schema\": \"pogo.fixture/1\",\n  \"probes\": [1,\n",
    )
    .unwrap();
    let out = tolerance(&broken, &[]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("broken.json:4:"), "{err}");
    assert!(out.stdout.is_empty());

    let path = write_fixture(dir.path());
    let cfg = dir.path().join("pogo.toml");
    // (config text, what stderr must hold)
    let cases: [(&str, &[&str]); 2] = [
        (
            "[tolerance]\nplate_process = \"cnc\"\npad_registraton_mm = 0.1\n",
            &["pogo.toml:3:1", "pad_registraton_mm"],
        ),
        (
            "[tolerance]\nplate_process = \"waterjet\"\n",
            &["waterjet", "cnc, laser, print3d"],
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&cfg, text).unwrap();
        let out = tolerance(&path, &["--config", s(&cfg)]);
        assert_eq!(code(&out), 2);
        let err = stderr(&out);
        assert!(expected.iter().all(|e| err.contains(e)), "{err}");
    }
    // The fixture was not touched.
    assert!(
        pogo_fixture::Fixture::read(&path)
            .unwrap()
            .tolerance
            .is_none()
    );
}

/// `pogo design` on shared real boards, then the tolerance recomputed with sloppy
/// figures (so probabilities are far from 1), the Monte Carlo beside it, and the
/// independent numpy check from the reported mean, covariance and exposed copper.
#[test]
fn design_of_shared_boards_checked_by_monte_carlo_and_numpy() {
    let Some(boards) =
        pogo_testdata::boards("design_of_shared_boards_checked_by_monte_carlo_and_numpy")
    else {
        return;
    };
    for board in [
        "test_points-v9/test_points.kicad_pcb",
        "bms-c1/bms-c1.kicad_pcb",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = pogo(&["design", s(&boards.join(board)), "--out", s(dir.path())]);
        assert!(expect_exit(&out, 0).contains("contact yield"), "{board}");
        let path = dir.path().join("fixture.json");
        let f = pogo_fixture::Fixture::read(&path).unwrap();
        assert!(
            f.tolerance.is_some() && f.probes.iter().all(|p| p.hit_probability.is_some()),
            "{board}"
        );
        let cfg = dir.path().join("sloppy.toml");
        std::fs::write(
            &cfg,
            "[tolerance]\nplate_process = \"print3d\"\npad_registration_mm = 0.45\ntooling_hole_position_mm = 0.4\n",
        )
        .unwrap();
        let args = [
            "--config",
            s(&cfg),
            "--mc",
            "200000",
            "--write",
            "--format",
            "json",
        ];
        expect_exit(&tolerance(&path, &args), 0);
        let f = pogo_fixture::Fixture::read(&path).unwrap();
        let uncertain = f
            .probes
            .iter()
            .filter(|p| p.hit_probability.unwrap() < 0.999)
            .count();
        assert!(uncertain > 0, "{board}: every probe certain");
        let t = f.tolerance.as_ref().unwrap();
        let mc = t.contact_yield_mc.as_ref().unwrap();
        let se = (mc.std_error.powi(2) + t.contact_yield_std_error.powi(2))
            .sqrt()
            .max(1e-9);
        assert!(
            (mc.contact_yield - t.contact_yield).abs() < 4.0 * se,
            "{board}: {t:?}"
        );
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../pogo-tolerance/tests/independent_check.py"
        );
        let check = Command::new("python3")
            .arg(script)
            .arg(&path)
            .arg("200000")
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{board}: numpy check\n{}\n{}",
            stdout(&check),
            stderr(&check)
        );
    }
}
