//! The tooling pin clearance comes from the fixture's own pins unless set.

mod common;

use common::{Pad, fixture};
use pogo_fixture::ToolingPin;
use pogo_tolerance::{ToleranceConfig, analyse, tooling_pin_clearance_mm};

fn pin(x: f64, y: f64, hole: f64, pin: f64) -> ToolingPin {
    ToolingPin {
        x,
        y,
        diameter_mm: pin,
        hole_diameter_mm: hole,
        hole_ref: String::new(),
    }
}

fn board() -> pogo_fixture::Fixture {
    fixture(
        &[(
            [40.0, 20.0],
            "P100-SPEAR",
            Pad::shape("circle", 40.0, 20.0, 0.6, 0.6),
        )],
        [0.0, 0.0, 50.0, 40.0],
        &[[3.0, 3.0], [47.0, 37.0]],
    )
}

#[test]
fn clearance_is_the_largest_of_the_fixtures_pins() {
    let mut f = board();
    assert_eq!(tooling_pin_clearance_mm(&f), None);
    f.tooling = vec![pin(3.0, 3.0, 3.0, 2.95), pin(47.0, 37.0, 3.2, 3.0)];
    let c = tooling_pin_clearance_mm(&f).unwrap();
    assert!((c - 0.2).abs() < 1e-12, "{c}");
    let m = ToleranceConfig::default().resolve_for(&f).unwrap();
    assert!((m.tooling_pin_clearance_mm - 0.2).abs() < 1e-12);
    // Given in the settings: the settings win.
    let set = ToleranceConfig {
        tooling_pin_clearance_mm: Some(0.01),
        ..ToleranceConfig::default()
    };
    assert_eq!(set.resolve_for(&f).unwrap().tooling_pin_clearance_mm, 0.01);
    // No pins: the process default.
    let plain = ToleranceConfig::default().resolve().unwrap();
    assert_eq!(
        ToleranceConfig::default()
            .resolve_for(&board())
            .unwrap()
            .tooling_pin_clearance_mm,
        plain.tooling_pin_clearance_mm
    );
}

#[test]
fn a_looser_pin_fit_lowers_the_hit_probability() {
    // Same fixture, pins 0.05 and 0.4 mm smaller than their holes: the looser fit
    // shifts and turns the board more: the miss probability grows many times over.
    let p = |clearance: f64| {
        let mut f = board();
        f.tooling = vec![
            pin(3.0, 3.0, 3.0, 3.0 - clearance),
            pin(47.0, 37.0, 3.0, 3.0 - clearance),
        ];
        analyse(&mut f, &ToleranceConfig::default()).unwrap();
        let model = &f.tolerance.as_ref().unwrap().model;
        assert!((model.tooling_pin_clearance_mm - clearance).abs() < 1e-12);
        f.probes[0].hit_probability.unwrap()
    };
    let (tight, loose) = (p(0.05), p(0.4));
    assert!(
        1.0 - loose > 100.0 * (1.0 - tight),
        "tight {tight}, loose {loose}"
    );
}
