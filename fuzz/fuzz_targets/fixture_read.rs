//! Fuzz the fixture.json reader: a fixture that writes back and reads to the same
//! value, or one error with a line and column inside the text (a figure out of range
//! names its field); never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_fixture::{Fixture, FixtureError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Fixture::from_json("fixture.json", text) {
        Ok(f) => {
            let json = f.to_json();
            let back = Fixture::from_json("again.json", &json).expect("a written fixture reads");
            assert!(back == f, "fixture changed on a write and read");
        }
        Err(FixtureError::Parse { line, column, .. }) => {
            let lines = text.matches('\n').count() + 1;
            assert!(line <= lines, "line {line} of {lines}");
            let _ = column;
        }
        Err(FixtureError::Figure {
            line,
            column,
            message,
            ..
        }) => {
            // A figure out of range: its line, column and field are named.
            let lines = text.matches('\n').count() + 1;
            assert!(line >= 1 && line <= lines && column >= 1, "{line}:{column}");
            assert!(message.contains("` = "), "{message}");
        }
        Err(FixtureError::Schema { .. }) => {}
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
});
