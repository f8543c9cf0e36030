//! Figures no real fixture has are refused, not integrated for ever.

mod common;

use common::{Pad, fixture, local_only};
use pogo_tolerance::{ToleranceError, analyse_with_model};

fn one_pad() -> pogo_fixture::Fixture {
    fixture(
        &[(
            [10.0, 10.0],
            "P100-SPEAR",
            Pad::shape("rect", 10.0, 10.0, 1.0, 1.0),
        )],
        [0.0, 0.0, 20.0, 20.0],
        &[],
    )
}

#[test]
fn a_huge_pad_is_an_error() {
    // A 1e300 mm pad (reachable through the API; fixture.json's reader refuses it
    // too) made the analysis run for ever.
    let mut f = one_pad();
    f.probes[0].target.w = 1e300;
    let err = analyse_with_model(&mut f, &local_only(0.05)).unwrap_err();
    assert!(
        matches!(
            err,
            ToleranceError::NotFinite {
                what: "target size",
                ..
            }
        ),
        "{err}"
    );
    let mut f = one_pad();
    f.probes[0].target.exposed = vec![pogo_board::PolygonMm {
        outer: vec![
            pogo_board::PointMm { x: 9.5, y: 9.5 },
            pogo_board::PointMm { x: 2e9, y: 9.5 },
            pogo_board::PointMm { x: 9.5, y: 10.5 },
        ],
        holes: vec![],
    }];
    let err = analyse_with_model(&mut f, &local_only(0.05)).unwrap_err();
    assert!(err.to_string().contains("exposed copper"), "{err}");
    // The same fixture with real figures analyses.
    let mut f = one_pad();
    analyse_with_model(&mut f, &local_only(0.05)).unwrap();
    assert!(f.probes[0].hit_probability.unwrap() > 0.99);
}
