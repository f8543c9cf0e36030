//! Force gauge and lid switch through their built-in profiles, against scripted
//! instruments (a Mark-10 and a lid switch reader behind a serial-to-LAN bridge).

use pogo_fixture::Fixture;
use pogo_qc::Verdict;
use pogo_qc::measurements::{self, Limits};
use pogo_station::StationError;
use pogo_station::force::{self, ForceGauge, Step};
use pogo_station::lid::{self, CountUntil, LidSwitch};
use pogo_station::profile::Profile;
use pogo_station::resource::Resource;
use pogo_station::sim::LineSim;
use std::time::Duration;

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fixture_small.json");
    Fixture::read(std::path::Path::new(path)).unwrap()
}

fn over_tcp(name: &str) -> Profile {
    let mut p = Profile::load(name).unwrap();
    p.timeout_ms = 300;
    p
}

#[test]
fn force_readings_are_judged_and_written_for_qc_evaluate() {
    // P1 (P100, 1.5 N nominal): 1.52 N pass; P3 (P75, 1.0 N): 70 gF = 0.686 N fails
    // (below 0.8 N); P2 skipped by the operator.
    let gauge = LineSim::start("?", vec!["1.520 N".into(), "70.0 gF".into()]).unwrap();
    let r = Resource::parse(&gauge.resource()).unwrap();
    let mut g = ForceGauge::connect(&r, &over_tcp("mark-10")).unwrap();
    let f = fixture();
    let pins: Vec<String> = ["P1", "P2", "P3"].map(String::from).to_vec();
    let mut asked = Vec::new();
    let rows = force::guided_readings(
        &mut g,
        &f,
        &pins,
        &Limits::default(),
        &mut |pin| {
            asked.push(pin.to_string());
            if pin == "P2" { Step::Skip } else { Step::Read }
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(asked, ["P1", "P2", "P3"]);
    assert_eq!(gauge.served(), 2);
    let got: Vec<(&str, Verdict)> = rows.iter().map(|r| (r.pin.as_str(), r.verdict)).collect();
    assert_eq!(got, [("P1", Verdict::Pass), ("P3", Verdict::Fail)]);
    let csv = force::to_csv(&rows);
    let ms = measurements::read_measurements("force.csv", &csv).unwrap();
    assert!((ms[1].value - 0.070 * 9.806_65).abs() < 1e-9);
    let e = measurements::evaluate(&ms, Some(&f), &Limits::default());
    assert_eq!(e.pins[1].verdict, Verdict::Fail);

    // A pin the fixture does not have is refused before the gauge is read.
    let e = force::guided_readings(
        &mut g,
        &f,
        &["P99".into()],
        &Limits::default(),
        &mut |_| Step::Read,
        &mut |_| {},
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("P99"), "{e}");
}

#[test]
fn a_gauge_reply_without_a_unit_is_garbage() {
    let gauge = LineSim::start("?", vec!["4.285".into()]).unwrap();
    let r = Resource::parse(&gauge.resource()).unwrap();
    let mut g = ForceGauge::connect(&r, &over_tcp("mark-10")).unwrap();
    assert!(matches!(g.read(), Err(StationError::Garbage { .. })));
}

#[test]
fn lid_closures_are_counted() {
    // Open, closed (1), open, a bounce, closed (2), open, closed (3).
    let script = [
        "0", "0", "1", "1", "0", "0", "1", "0", "1", "1", "0", "0", "1", "1",
    ];
    let sw = LineSim::start("read_switch", script.map(String::from).to_vec()).unwrap();
    let r = Resource::parse(&sw.resource()).unwrap();
    let mut l = LidSwitch::connect(&r, &over_tcp("lid-switch")).unwrap();
    let n = lid::count_closures(
        &mut l,
        Duration::from_millis(1),
        2,
        CountUntil {
            closures: Some(3),
            duration: Some(Duration::from_secs(5)),
        },
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(n, 3);

    let bad = LineSim::start("read_switch", vec!["maybe".into()]).unwrap();
    let r = Resource::parse(&bad.resource()).unwrap();
    let mut l = LidSwitch::connect(&r, &over_tcp("lid-switch")).unwrap();
    assert!(matches!(l.read(), Err(StationError::Garbage { .. })));
}
