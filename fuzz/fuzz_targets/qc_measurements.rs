//! Fuzz the measurement CSV reader and the `limits.toml` reader of pogo-qc, then the
//! evaluation of what they read (with and without a fixture): an error that names a
//! line inside the text, or a verdict; never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_fixture::Fixture;
use pogo_qc::QcError;
use pogo_qc::measurements::{Limits, evaluate, read_measurements};
use pogo_qc::render::evaluation_text;
use std::sync::OnceLock;

const FIXTURE: &str = include_str!("../../crates/pogo-qc/tests/data/fixture_small.json");
const SAMPLE: &str = "pin,kind,value,unit,cycle,station\nP1,contact_resistance,12,mohm,0,A\n\
P1,contact_resistance,0.03,ohm,100,A\nP2,height,10.01,mm,,A\nP3,height,10.2,mm,,A\n\
P2,tilt,0.4,deg,,\nP4,spring_force,150,gf,,B\nP4,return_height,5,mm,0,B\n";

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture::from_json("fixture_small.json", FIXTURE).unwrap())
}

fn lines(text: &str) -> u64 {
    text.matches('\n').count() as u64 + 1
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The text as a measurement CSV.
    match read_measurements("fuzz.csv", text) {
        Ok(ms) => {
            for m in &ms {
                assert!(m.value.is_finite() && m.value_as_written.is_finite());
                assert!(m.line >= 1 && m.line <= lines(text));
            }
            for e in [
                evaluate(&ms, None, &Limits::default()),
                evaluate(&ms, Some(fixture()), &Limits::default()),
            ] {
                assert_eq!(e.summary.pins, e.pins.len());
                let _ = evaluation_text(&e);
                let _ = pogo_qc::report::evaluation_html("fuzz", &e);
            }
        }
        Err(QcError::Csv { line, .. }) => assert!(line <= lines(text), "line {line}"),
        Err(QcError::Rows { errors, .. }) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.line >= 1 && e.line <= lines(text), "line {}", e.line);
            }
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
    // The same text as a limits.toml, applied to a fixed sheet.
    match Limits::from_toml("limits.toml", text) {
        Ok(limits) => {
            let ms = read_measurements("sample.csv", SAMPLE).unwrap();
            let e = evaluate(&ms, Some(fixture()), &limits);
            let _ = evaluation_text(&e);
        }
        Err(QcError::Limits { line, column, .. }) => {
            assert!(line >= 1 && column >= 1);
            assert!(line as u64 <= lines(text), "line {line}");
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
});
