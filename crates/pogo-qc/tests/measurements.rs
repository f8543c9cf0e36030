//! Measurement verdicts, units and limits.

use pogo_fixture::Fixture;
use pogo_qc::QcError;
use pogo_qc::measurements::{
    Action, Evaluation, Kind, Limits, SetCheck, SetCheckKind, Verdict, evaluate, read_measurements,
};

fn fixture() -> Fixture {
    Fixture::from_json(
        "fixture_small.json",
        include_str!("data/fixture_small.json"),
    )
    .unwrap()
}

/// Reads a measurement CSV text and evaluates it with the default limits.
fn eval(text: &str, fixture: Option<&Fixture>) -> Evaluation {
    evaluate(
        &read_measurements("m.csv", text).unwrap(),
        fixture,
        &Limits::default(),
    )
}

/// The set check of this kind (on this plate, when given).
fn set_check<'a>(e: &'a Evaluation, kind: SetCheckKind, plate: Option<&str>) -> &'a SetCheck {
    e.set_checks
        .iter()
        .find(|c| c.check == kind && plate.is_none_or(|p| c.plate == p))
        .unwrap_or_else(|| panic!("no {kind:?} check"))
}

fn pin<'a>(e: &'a Evaluation, id: &str) -> &'a pogo_qc::measurements::PinReport {
    e.pins
        .iter()
        .find(|p| p.pin == id)
        .unwrap_or_else(|| panic!("no pin {id}"))
}

/// Asserts a pin's verdict and what to do about it, showing its reasons when they differ.
#[track_caller]
fn assert_pin(e: &Evaluation, id: &str, verdict: Verdict, actions: &[Action]) {
    let p = pin(e, id);
    assert_eq!(
        (p.verdict, p.actions.as_slice()),
        (verdict, actions),
        "{id}: {:?}",
        p.reasons
    );
}

#[test]
fn units_are_converted() {
    let text = "pin,kind,value,unit\n\
        P1,contact_resistance,0.025,Ω\n\
        P1,contact_resistance,25,mΩ\n\
        P1,contact_resistance,0.025,ohm\n\
        P1,contact_resistance,25,mohm\n\
        P1,spring_force,153,gf\n\
        P1,seating_depth,1000,µm\n\
        P1,seating_depth,1000,um\n\
        P1,tilt,0.5,deg\n";
    let ms = read_measurements("m.csv", text).unwrap();
    for m in &ms[..4] {
        assert!((m.value - 25.0).abs() < 1e-12, "{m:?}");
    }
    assert!((ms[4].value - 153.0 * 9.80665e-3).abs() < 1e-12);
    assert!((ms[5].value - 1.0).abs() < 1e-12 && (ms[6].value - 1.0).abs() < 1e-12);
    assert_eq!(ms[7].kind, Kind::Tilt);
    assert_eq!(ms[1].line, 3);
}

#[test]
fn wrong_or_missing_units_are_errors_with_line_numbers() {
    let text = "pin,kind,value,unit\n\
        P1,contact_resistance,25,mohm\n\
        P1,contact_resistance,25,N\n\
        P2,spring_force,1.2,\n\
        P3,height,5.0,kohm\n\
        P4,tilt,0.3,mm\n\
        P5,voltage,3.3,V\n\
        P6,height,abc,mm\n\
        P7,height,,mm\n";
    let err = read_measurements("m.csv", text).unwrap_err();
    let QcError::Rows { errors, .. } = &err else {
        panic!("{err}")
    };
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9]);
    let msg = err.to_string();
    assert!(msg.contains("m.csv: 7 bad rows"), "{msg}");
    assert!(msg.contains("line 3: column `unit`: unit `N` is a force unit, but contact_resistance is a resistance"), "{msg}");
    assert!(msg.contains("line 4: column `unit`: missing unit"), "{msg}");
    assert!(msg.contains("unknown unit `kohm`"), "{msg}");
    assert!(msg.contains("unknown kind `voltage`"), "{msg}");
    assert!(msg.contains("`abc` is not a number"), "{msg}");
}

#[test]
fn missing_columns_and_ragged_rows() {
    assert!(
        read_measurements("m.csv", "pin,kind,value\nP1,height,1\n")
            .unwrap_err()
            .to_string()
            .contains("missing column `unit`")
    );
    let e = read_measurements("m.csv", "pin,kind,value,unit\nP1,height,1,mm,extra\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("5 fields, expected 4"),
        "{e}"
    );
    assert!(read_measurements("m.csv", "").is_err());
}

#[test]
fn contact_resistance_verdicts_without_fixture() {
    // Unknown part: limit 50 mOhm, marginal above 40 mOhm.
    let text = "pin,kind,value,unit\nP1,contact_resistance,30,mohm\nP2,contact_resistance,45,mohm\nP3,contact_resistance,0.055,ohm\n";
    let e = eval(text, None);
    assert_eq!(pin(&e, "P1").verdict, Verdict::Pass);
    assert_pin(&e, "P2", Verdict::Marginal, &[Action::Clean]);
    assert_pin(&e, "P3", Verdict::Fail, &[Action::Replace]);
    assert!(
        pin(&e, "P3").reasons[0].contains("55.000 mOhm above the limit 50.000 mOhm"),
        "{:?}",
        pin(&e, "P3").reasons
    );
    assert_eq!(e.summary.verdict, Verdict::Fail);
    assert_eq!(
        (e.summary.pass, e.summary.marginal, e.summary.fail),
        (1, 1, 1)
    );
}

#[test]
fn catalog_limits_from_the_fixture() {
    // P1 is a P100-SPEAR: max 20 mOhm; marginal above 16.
    let text = "pin,kind,value,unit\n\
        P1,contact_resistance,18,mohm\n\
        P2,contact_resistance,21,mohm\n\
        P3,contact_resistance,21,mohm\n\
        P99,contact_resistance,21,mohm\n";
    let f = fixture();
    let e = eval(text, Some(&f));
    assert_eq!(pin(&e, "P1").verdict, Verdict::Marginal);
    assert_eq!(
        pin(&e, "P2").verdict,
        Verdict::Fail,
        "P100 part limit 20 mOhm"
    );
    assert_eq!(
        pin(&e, "P3").verdict,
        Verdict::Pass,
        "P75 part limit 30 mOhm, marginal above 24"
    );
    assert_eq!(
        pin(&e, "P99").verdict,
        Verdict::Pass,
        "not in the fixture: 50 mOhm default"
    );
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("P99 is not in the fixture"))
    );
    assert_eq!(e.not_measured, ["P4", "P10"]);
    // limits.toml overrides the catalog.
    let limits = Limits::from_toml("l.toml", "[contact_resistance]\nmax_mohm = 25.0\n").unwrap();
    let e = evaluate(
        &read_measurements("m.csv", text).unwrap(),
        Some(&f),
        &limits,
    );
    assert_eq!(pin(&e, "P2").verdict, Verdict::Marginal);
}

#[test]
fn resistance_rise_over_baseline_fails() {
    // 20 -> 31 mOhm over a cycling run: below the 50 mOhm limit but 11 mOhm rise.
    let text = "pin,kind,value,unit,cycle\n\
        P1,contact_resistance,20,mohm,0\n\
        P1,contact_resistance,31,mohm,100\n\
        P2,contact_resistance,20,mohm,0\n\
        P2,contact_resistance,29,mohm,100\n";
    let e = eval(text, None);
    assert_eq!(pin(&e, "P1").verdict, Verdict::Fail);
    assert!(
        pin(&e, "P1")
            .reasons
            .iter()
            .any(|r| r.contains("rose 11.000 mOhm")),
        "{:?}",
        pin(&e, "P1").reasons
    );
    assert_eq!(pin(&e, "P2").verdict, Verdict::Pass);
    let rc = set_check(&e, SetCheckKind::ResistanceChange, None);
    assert_eq!(rc.verdict, Verdict::Fail);
    assert_eq!(rc.pins, ["P1"]);
    assert!((rc.value - 11.0).abs() < 1e-12);
}

#[test]
fn mechanics_checks_from_the_catalog_part() {
    // P1 (P100-SPEAR): full travel 6.35 -> compression 3.81..5.08 mm; force at working
    // travel 1.5 N -> 1.2..1.8 N; receptacle R100-WW seated 1.0 mm +/- 0.1.
    // P3 (P75-SPEAR, force_n 1.2 in the fixture): 0.96..1.44 N.
    let text = "pin,kind,value,unit\n\
        P1,compression_height,4.2,mm\n\
        P1,spring_force,1.5,N\n\
        P1,seating_depth,1.02,mm\n\
        P2,compression_height,3.5,mm\n\
        P2,spring_force,1.1,N\n\
        P2,seating_depth,1.2,mm\n\
        P3,spring_force,1.25,N\n\
        P4,compression_height,3.9,mm\n";
    let f = fixture();
    let e = eval(text, Some(&f));
    assert_eq!(
        pin(&e, "P1").verdict,
        Verdict::Pass,
        "{:?}",
        pin(&e, "P1").reasons
    );
    assert_pin(
        &e,
        "P2",
        Verdict::Fail,
        &[Action::Reseat, Action::Adjust, Action::Replace],
    );
    assert_eq!(pin(&e, "P3").verdict, Verdict::Pass);
    // P4: P75 full travel 4.0 -> 2.4..3.2 mm: 3.9 is too much compression.
    assert_pin(&e, "P4", Verdict::Fail, &[Action::Adjust]);
    // Without a fixture those checks cannot be made: noted, not guessed.
    let e = eval(text, None);
    assert!(e.pins.iter().all(|p| p.checks.is_empty()));
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("spring_force not checked")),
        "{:?}",
        e.notes
    );
}

#[test]
fn set_level_height_spread_and_plate_tilt() {
    // Top plate: P1 (110,60), P2 (190,60), P3 (110,110), P4 (190,110).
    let text = "pin,kind,value,unit\n\
        P1,height,10.00,mm\n\
        P2,height,10.02,mm\n\
        P3,height,10.01,mm\n\
        P4,height,10.13,mm\n\
        P10,height,9.0,mm\n";
    let f = fixture();
    let e = eval(text, Some(&f));
    let spread = set_check(&e, SetCheckKind::HeightSpread, Some("top"));
    assert!((spread.value - 0.13).abs() < 1e-9);
    assert_eq!(spread.verdict, Verdict::Fail);
    assert_eq!(spread.pins, ["P4"]);
    assert_pin(&e, "P4", Verdict::Fail, &[Action::Adjust]);
    // The bottom plate has one pin: no spread check.
    assert!(!e.set_checks.iter().any(|c| c.plate == "bottom"));
    let tilt = set_check(&e, SetCheckKind::PlateTilt, None);
    // Least-squares plane: slope x = (0.02+0.12)/2/80, slope y = (0.01+0.11)/2/50.
    let (a, b): (f64, f64) = (0.07 / 80.0, 0.06 / 50.0);
    let expect = (a * a + b * b).sqrt().atan().to_degrees();
    assert!(
        (tilt.value - expect).abs() < 1e-9,
        "{} vs {expect}",
        tilt.value
    );
}

#[test]
fn return_height_and_tilt() {
    let text = "pin,kind,value,unit,cycle\n\
        P1,return_height,5.00,mm,0\n\
        P1,return_height,4.93,mm,100\n\
        P2,return_height,5.00,mm,0\n\
        P2,return_height,4.97,mm,100\n\
        P3,tilt,1.2,deg,\n\
        P4,tilt,0.5,°,\n";
    let e = eval(text, None);
    assert_pin(&e, "P1", Verdict::Fail, &[Action::Replace]);
    assert_eq!(pin(&e, "P2").verdict, Verdict::Marginal);
    assert_pin(&e, "P3", Verdict::Fail, &[Action::Reseat]);
    assert_eq!(pin(&e, "P4").verdict, Verdict::Pass);
}

#[test]
fn limits_toml_errors() {
    let e = Limits::from_toml("l.toml", "[contact_resistance]\nmax_mohmm = 3\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("l.toml:2:") && e.contains("max_mohmm"), "{e}");
    let e = Limits::from_toml("l.toml", "[compression]\nmin_fraction = 0.9\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("min_fraction"), "{e}");
    assert!(Limits::from_toml("l.toml", "").is_ok());
}

#[test]
fn inspection_plan_takes_the_stack_up_then_the_catalog() {
    let f = fixture();
    let plan = pogo_qc::inspection::inspection_plan(&f, &Limits::default());
    let p1 = plan.pins.iter().find(|p| p.pin == "P1").unwrap();
    // From the stack-up of the top side: set height, free tip height, force at closed position.
    assert_eq!(p1.set_height_mm, Some(3.37));
    assert_eq!(p1.free_tip_height_mm, Some(7.6));
    assert_eq!(p1.force_nominal_n, Some(1.4));
    assert_eq!(p1.working_travel_mm, Some(4.23));
    assert_eq!(p1.max_contact_resistance_mohm, 20.0);
    assert_eq!(
        (p1.compression_min_mm, p1.compression_max_mm),
        (Some(6.35 * 0.6), Some(6.35 * 0.8))
    );
    // P3: the fixture's own fraction and force; P75 part from the catalog; no stack-up level.
    let p3 = plan.pins.iter().find(|p| p.pin == "P3").unwrap();
    assert!((p3.working_travel_mm.unwrap() - 0.7 * 4.0).abs() < 1e-12);
    assert_eq!(p3.force_nominal_n, Some(1.2));
    assert_eq!(p3.seating_depth_mm, Some(0.5));
    assert_eq!(p3.free_tip_height_mm, None);
    // P10 is on the bottom, which has no stack-up entry: no set height known.
    let p10 = plan.pins.iter().find(|p| p.pin == "P10").unwrap();
    assert_eq!(p10.set_height_mm, None);
    assert_eq!(p10.force_nominal_n, Some(1.0));
    assert_eq!(
        plan.pins.iter().map(|p| p.pin.as_str()).collect::<Vec<_>>(),
        ["P1", "P2", "P3", "P4", "P10"]
    );
    assert_eq!(
        plan.batches
            .iter()
            .map(|b| (b.part.as_str(), b.quantity, b.sample_size))
            .collect::<Vec<_>>(),
        [("P100-SPEAR", 2, 2), ("P75-SPEAR", 3, 3)]
    );
    assert_eq!(plan.steps.len(), 7);
    // A receptacle standing proud of the plate is a negative seating depth, not a bad row.
    let ms = read_measurements("m.csv", "pin,kind,value,unit\nP1,seating_depth,-0.2,mm\n").unwrap();
    let e = evaluate(&ms, Some(&f), &Limits::default());
    assert_pin(&e, "P1", Verdict::Fail, &[Action::Reseat]);
}
