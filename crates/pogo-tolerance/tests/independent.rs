//! The reported hit probabilities checked by an independent numpy computation
//! (tests/independent_check.py) from the reported mean, covariance and pad shape:
//! on made-up pads of every kind and on test points of a shared real board.

mod common;

use common::{Pad, fixture, pads_of_every_kind};
use pogo_fixture::{Fixture, ToleranceModel};
use std::process::Command;

fn numpy_check(f: &Fixture, samples: u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixture.json");
    std::fs::write(&path, f.to_json()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/independent_check.py");
    // numpy is installed by scripts/ci-deps.d/tolerance.sh.
    let stdout = pogo_testdata::stdout_of(
        Command::new("python3")
            .arg(script)
            .arg(&path)
            .arg(samples.to_string()),
    );
    let last = stdout.lines().last().unwrap_or("");
    assert!(
        last.contains(&format!("\"probes\": {}", f.probes.len())),
        "{stdout}"
    );
}

#[test]
fn numpy_agrees_on_made_up_pads() {
    let mut f = pads_of_every_kind();
    let tm = ToleranceModel {
        tooling_hole_position_mm: 0.2,
        pad_registration_mm: 0.2,
        ..ToleranceModel::default()
    };
    pogo_tolerance::analyse_with_model(&mut f, &tm).unwrap();
    let uncertain = f
        .probes
        .iter()
        .filter(|p| p.hit_probability.unwrap() < 0.999)
        .count();
    assert!(
        uncertain >= 4,
        "{:?}",
        f.probes
            .iter()
            .map(|p| p.hit_probability)
            .collect::<Vec<_>>()
    );
    numpy_check(&f, 500_000);
}

/// Probes on the front SMD pads of a shared real board (shape figures as KiCad
/// reports them; every other pad, up to 40).
#[test]
fn numpy_agrees_on_a_shared_board() {
    let Some(dir) = pogo_testdata::board_dir("bms-c1", "numpy_agrees_on_a_shared_board") else {
        return;
    };
    let view = pogo_testdata::kicad_view(&dir);
    let bbox = pogo_testdata::view_outline_bbox(&view);
    let mut probes = Vec::new();
    for pad in view["pads"].as_array().unwrap().iter().step_by(2) {
        let shape = pad["shape"].as_str().unwrap();
        if pad["type"] != "smd"
            || pad["front_mask"] != true
            || !["circle", "rect", "roundrect", "oval"].contains(&shape)
        {
            continue;
        }
        let (w, h) = (pad["w"].as_f64().unwrap(), pad["h"].as_f64().unwrap());
        if w.min(h) < 0.3 {
            continue;
        }
        let shape: &'static str = match shape {
            "circle" => "circle",
            "rect" => "rect",
            "roundrect" => "roundrect",
            _ => "oval",
        };
        let (x, y) = (pad["x"].as_f64().unwrap(), pad["y"].as_f64().unwrap());
        let mut p = Pad::shape(shape, x, y, w, h);
        p.rotation = pad["rotation"].as_f64().unwrap();
        p.corner_radius_mm = 0.25 * w.min(h);
        probes.push(([x, y], "P50-SPEAR", p));
        if probes.len() == 40 {
            break;
        }
    }
    assert_eq!(probes.len(), 40);
    let mut f = fixture(&probes, bbox, &[]);
    let s = pogo_tolerance::analyse(&mut f, &pogo_tolerance::ToleranceConfig::default()).unwrap();
    assert!(
        s.contact_yield > 0.0 && s.contact_yield < 1.0,
        "{}",
        s.contact_yield
    );
    numpy_check(&f, 200_000);
}
