//! A synthetic fixture for tests: a 100 x 80 mm board, probes on a grid.
#![allow(dead_code)]

use pogo_board::Side;
use pogo_catalog::Catalog;
use pogo_fixture::Fixture;
use pogo_fixture::test_support::FixtureBuilder;

pub struct Spec {
    pub probes: Vec<(f64, f64, &'static str, &'static str, &'static str)>, // x, y, side, part, net
    pub holes: Vec<(f64, f64, f64, bool, &'static str)>,
    pub parts: Vec<(&'static str, &'static str, [f64; 4], Option<f64>)>, // ref, side, box, height
    pub outline: [f64; 4],
}

fn side(name: &str) -> Side {
    match name {
        "top" => Side::Top,
        "bottom" => Side::Bottom,
        other => panic!("side {other}"),
    }
}

pub fn fixture(spec: &Spec) -> Fixture {
    let catalog = Catalog::builtin();
    let mut b = FixtureBuilder::new(spec.outline);
    for &(x, y, s, part, net) in &spec.probes {
        b = b.probe(&catalog, part, net, side(s), x, y);
    }
    for &(x, y, d, plated, r) in &spec.holes {
        b = b.hole(x, y, d, plated, r);
    }
    for &(r, s, courtyard, h) in &spec.parts {
        b = b.part(r, side(s), courtyard, h);
    }
    b.build()
}

/// 8 x 5 probes on the bottom, P100 and P75 mixed, nets N1..N20 (two probes each).
pub fn grid_spec() -> Spec {
    let mut probes = Vec::new();
    const NETS: [&str; 20] = [
        "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N10", "N11", "N12", "N13", "N14",
        "N15", "N16", "N17", "N18", "N19", "N20",
    ];
    for j in 0..5 {
        for i in 0..8 {
            let k = j * 8 + i;
            let part = if k % 3 == 0 {
                "P75-SPEAR"
            } else {
                "P100-SPEAR"
            };
            probes.push((
                20.0 + i as f64 * 8.0,
                20.0 + j as f64 * 9.0,
                "bottom",
                part,
                NETS[k % 20],
            ));
        }
    }
    Spec {
        probes,
        holes: vec![
            (5.0, 5.0, 3.2, false, "H1"),
            (95.0, 5.0, 3.2, false, "H2"),
            (50.0, 75.0, 3.2, false, "H3"),
            (95.0, 75.0, 3.2, true, "H4"),
            (70.0, 60.0, 0.5, false, ""),
        ],
        parts: vec![
            ("U1", "top", [30.0, 30.0, 60.0, 50.0], Some(2.0)),
            ("C1", "bottom", [80.0, 60.0, 88.0, 68.0], Some(12.0)),
            ("J1", "top", [2.0, 60.0, 20.0, 78.0], None),
        ],
        outline: [0.0, 0.0, 100.0, 80.0],
    }
}
