//! Inputs found by the fuzz targets (fuzz/fuzz_targets/fixture_*.rs), kept as tests.

use pogo_fixture::{Fixture, FixtureError};

const HUGE_PAD: &str = include_str!("data/huge-pad-width.json");

/// fixture_pipeline: a hand-edited pad width of 1e300 mm read fine and then hung the
/// tolerance analysis (its integration never ended). It is now refused on read, with
/// the line and column of the figure and the field's path.
#[test]
fn huge_pad_width_is_refused_on_read() {
    let e = Fixture::from_json("fixture.json", HUGE_PAD).unwrap_err();
    match &e {
        FixtureError::Figure {
            line,
            column,
            message,
            ..
        } => {
            assert_eq!(*line, 51);
            let at = HUGE_PAD.lines().nth(50).unwrap();
            assert!(at.contains("\"w\": 1e+300"), "{at}");
            assert!(*column > at.find("1e").unwrap(), "{column} in `{at}`");
            assert!(
                message.contains("`probes[0].target.w` = 1e300"),
                "{message}"
            );
        }
        other => panic!("expected a figure error, got {other:?}"),
    }
    assert!(e.to_string().starts_with("fixture.json:51:"), "{e}");
    // The same file with a real width reads.
    let fixed = HUGE_PAD.replace("\"w\": 1e+300", "\"w\": 1.0");
    let f = Fixture::from_json("fixture.json", &fixed).unwrap();
    assert_eq!(f.probes[0].target.w, 1.0);
}

#[test]
fn negative_sizes_and_far_coordinates_are_refused() {
    for (from, to, field) in [
        ("\"w\": 1e+300", "\"w\": -0.5", "probes[0].target.w"),
        (
            "\"thickness_mm\": 1.6",
            "\"thickness_mm\": -1.6",
            "board.thickness_mm",
        ),
        (
            "\"w\": 1e+300",
            "\"w\": 1.0, \"drill_mm\": -1",
            "probes[0].target.drill_mm",
        ),
    ] {
        let text = HUGE_PAD.replacen(from, to, 1);
        let e = Fixture::from_json("f.json", &text).unwrap_err();
        let FixtureError::Figure { message, .. } = &e else {
            panic!("{to}: {e:?}");
        };
        assert!(message.contains(&format!("`{field}`")), "{message}");
        assert!(message.contains("0 or more"), "{message}");
    }
    let text = HUGE_PAD
        .replace("\"w\": 1e+300", "\"w\": 1.0")
        .replacen("100.0", "-2e7", 1);
    let e = Fixture::from_json("f.json", &text).unwrap_err();
    assert!(
        e.to_string().contains("`board.outline_bbox[0]` = -2e7"),
        "{e}"
    );
}
