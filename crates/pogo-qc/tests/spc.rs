//! SPC against Montgomery's piston ring data and an independent numpy computation.

use pogo_qc::spc::{self, ChartKind, RuleSet, SpcOptions};
use std::process::Command;

fn piston_rings() -> Vec<f64> {
    spc::read_column(
        "piston_rings.csv",
        include_str!("data/piston_rings.csv"),
        "diameter_mm",
    )
    .unwrap()
}

fn opts(k: usize) -> SpcOptions {
    SpcOptions {
        subgroup: k,
        lsl: None,
        usl: None,
        rules: RuleSet::WesternElectric,
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Points of the location chart violating run rule `rule`.
fn rule_points(r: &spc::SpcResult, rule: u8) -> Vec<usize> {
    r.violations
        .iter()
        .filter(|x| x.rule == rule)
        .map(|x| x.point)
        .collect()
}

/// An I-MR analysis of `v` under `rules`.
fn individuals(v: &[f64], rules: RuleSet) -> spc::SpcResult {
    spc::analyze(v, &SpcOptions { rules, ..opts(1) }).unwrap()
}

#[test]
fn montgomery_piston_rings_xbar_r() {
    let v = piston_rings();
    assert_eq!(v.len(), 125);
    let r = spc::analyze(
        &v,
        &SpcOptions {
            lsl: Some(73.95),
            usl: Some(74.05),
            ..opts(5)
        },
    )
    .unwrap();
    assert_eq!(r.chart, ChartKind::XbarR);
    assert_eq!(r.subgroups, 25);
    // Montgomery: x-double-bar 74.001, R-bar 0.023, UCL 74.014, LCL 73.988 (3 decimals).
    assert_eq!(format!("{:.3}", r.center), "74.001");
    assert_eq!(format!("{:.3}", r.dispersion.center), "0.023");
    assert_eq!(format!("{:.3}", r.ucl), "74.014");
    assert_eq!(format!("{:.3}", r.lcl), "73.988");
    // Unrounded (R qcc on the same data): 74.00118, 0.02276, 74.01431, 73.98804, UCL_R 0.04812.
    assert!(close(r.center, 74.001176, 1e-9));
    assert!(close(r.dispersion.center, 0.02276, 1e-12));
    assert!(close(r.ucl, 74.0143085, 1e-6));
    assert!(close(r.lcl, 73.9880435, 1e-6));
    assert!(close(r.dispersion.ucl, 0.04811464, 1e-8));
    assert_eq!(r.dispersion.lcl, 0.0);
    // sigma = R-bar / d2 = 0.02276 / 2.326; Cp = 0.1 / (6 sigma) = 1.70, Cpk = 1.66 (qcc).
    assert!(close(r.sigma_within, 0.02276 / 2.326, 1e-12));
    assert_eq!(format!("{:.2}", r.cp.unwrap()), "1.70");
    assert_eq!(format!("{:.2}", r.cpk.unwrap()), "1.66");
    // The trial samples are in control.
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert!(r.dispersion_violations.is_empty());
}

fn python() -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "python3 with numpy is needed (scripts/ci-deps.d/qc.sh installs it)"
    );
    Some("python3")
}

fn script() -> String {
    format!("{}/tests/py/spc_reference.py", env!("CARGO_MANIFEST_DIR"))
}

fn numpy_chart(values: &[f64], k: usize) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("values.txt");
    std::fs::write(
        &f,
        values
            .iter()
            .map(|v| format!("{v:.17e}\n"))
            .collect::<String>(),
    )
    .unwrap();
    numpy(&["chart", f.to_str().unwrap(), &k.to_string()])
}

/// What the numpy reference script prints for `args`, as JSON.
fn numpy(args: &[&str]) -> serde_json::Value {
    let out = pogo_testdata::stdout_of(Command::new(python().unwrap()).arg(script()).args(args));
    serde_json::from_str(&out).unwrap()
}

fn series(v: &serde_json::Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// A deterministic pseudo-random normal series (Box-Muller over an LCG).
fn normal_series(n: usize, seed: u64, mean: f64, sd: f64) -> Vec<f64> {
    let mut s = seed;
    let mut u = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (a, b) = (u(), u());
            mean + sd * (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
        })
        .collect()
}

#[test]
fn equals_independent_numpy_computation() {
    let cases: Vec<(Vec<f64>, usize)> = vec![
        (piston_rings(), 5),
        (normal_series(60, 7, 25.0, 1.5), 1),
        (normal_series(96, 11, 0.030, 0.004), 4),
        (normal_series(240, 13, 10.0, 0.2), 12),
        (normal_series(250, 17, 1.0, 0.01), 25),
    ];
    for (values, k) in cases {
        let ours = spc::analyze(&values, &opts(k)).unwrap();
        let np = numpy_chart(&values, k);
        let tol = 1e-9 * values.iter().fold(1.0f64, |a, v| a.max(v.abs()));
        for (a, b) in ours.points.iter().zip(series(&np, "points")) {
            assert!(close(*a, b, tol), "k={k} point {a} vs {b}");
        }
        assert_eq!(
            ours.dispersion_points.len(),
            series(&np, "dispersion_points").len()
        );
        for (a, b) in ours
            .dispersion_points
            .iter()
            .zip(series(&np, "dispersion_points"))
        {
            assert!(close(*a, b, tol), "k={k} dispersion {a} vs {b}");
        }
        assert!(close(
            ours.dispersion.center,
            np["dispersion_center"].as_f64().unwrap(),
            tol
        ));
        assert!(close(
            ours.sigma_overall,
            np["sigma_overall"].as_f64().unwrap(),
            tol
        ));
        assert!(close(ours.center, np["mean"].as_f64().unwrap(), tol));
        let expected_chart = match k {
            1 => ChartKind::IMr,
            2..=10 => ChartKind::XbarR,
            _ => ChartKind::XbarS,
        };
        assert_eq!(ours.chart, expected_chart);
    }
}

#[test]
fn tabulated_constants_equal_their_definitions() {
    let reference: Vec<serde_json::Value> = serde_json::from_value(numpy(&["constants"])).unwrap();
    assert_eq!(reference.len(), 24);
    for r in reference {
        let n = r["n"].as_u64().unwrap() as usize;
        let c = spc::constants(n).unwrap();
        // Tables give 3 decimals (4 for c4); allow half a unit of the last place plus
        // the integration error of the reference.
        for (name, ours, tol) in [
            ("d2", c.d2, 6e-4),
            ("c4", c.c4, 6e-5),
            ("a2", c.a2, 6e-4),
            ("a3", c.a3, 6e-4),
            ("b3", c.b3, 6e-4),
            ("b4", c.b4, 6e-4),
            ("d3_lower", c.d3_lower, 1.1e-3),
            ("d4", c.d4, 1.1e-3),
            ("e2", c.e2, 1e-3),
        ] {
            let theirs = r[name].as_f64().unwrap();
            assert!(
                close(ours, theirs, tol),
                "n={n} {name}: table {ours} vs definition {theirs}"
            );
        }
    }
}

#[test]
fn xbar_s_and_imr_limits_use_the_right_constants() {
    let v = normal_series(240, 5, 10.0, 0.2);
    let r = spc::analyze(&v, &opts(12)).unwrap();
    let c = spc::constants(12).unwrap();
    let s_bar = r.dispersion.center;
    assert!(close(r.ucl, r.center + c.a3 * s_bar, 1e-12));
    assert!(close(r.dispersion.ucl, c.b4 * s_bar, 1e-12));
    assert!(close(r.dispersion.lcl, c.b3 * s_bar, 1e-12));
    assert!(close(r.sigma_within, s_bar / c.c4, 1e-12));
    let r = spc::analyze(&v, &opts(1)).unwrap();
    assert_eq!(r.points.len(), 240);
    assert_eq!(r.dispersion_points.len(), 239);
    assert!(close(
        r.ucl - r.center,
        2.660 * r.dispersion.center,
        1e-3 * r.dispersion.center
    ));
    assert!(close(r.dispersion.ucl, 3.267 * r.dispersion.center, 1e-12));
}

#[test]
fn run_rules_find_planted_patterns() {
    // Individuals around 0 with MR about 1: a shift of 9 points upward.
    let mut v: Vec<f64> = (0..50)
        .map(|i| if i % 2 == 0 { 0.5 } else { -0.5 })
        .collect();
    for x in v.iter_mut().skip(12).take(9) {
        *x = 0.2;
    }
    let we = individuals(&v, RuleSet::WesternElectric);
    let run = rule_points(&we, 4);
    // 0.5 at 10 (even) precedes the run; 11 is -0.5; the run is 12..=20 -> 8 in a row at 19, 20.
    assert_eq!(run, [19, 20]);
    let ne = individuals(&v, RuleSet::Nelson);
    let run = rule_points(&ne, 2);
    assert_eq!(run, [20]);
    // 14 points alternating up and down: 20..=33 (19 -> 20 is flat), so Nelson 4 from 33.
    let alt = rule_points(&ne, 4);
    assert_eq!(alt, (33..50).collect::<Vec<_>>());
    // An outlier beyond 3 sigma.
    let mut w = normal_series(50, 3, 0.0, 1.0);
    w[30] = 25.0;
    let r = spc::analyze(&w, &opts(1)).unwrap();
    assert!(r.violations.iter().any(|x| x.rule == 1 && x.point == 30));
    // Trend of 6 increasing.
    let mut t = normal_series(40, 9, 0.0, 1.0);
    for (i, x) in t.iter_mut().enumerate().skip(20).take(6) {
        *x = -1.0 + 0.3 * (i - 20) as f64;
    }
    t[19] = 2.0;
    let r = spc::analyze(
        &t,
        &SpcOptions {
            rules: RuleSet::Nelson,
            ..opts(1)
        },
    )
    .unwrap();
    assert!(
        r.violations.iter().any(|x| x.rule == 3 && x.point == 25),
        "{:?}",
        r.violations
    );
}

#[test]
fn bad_input() {
    assert!(
        spc::analyze(&[1.0, 2.0, 3.0], &opts(2)).is_err(),
        "left-over values"
    );
    assert!(spc::analyze(&[1.0], &opts(1)).is_err());
    assert!(spc::analyze(&[1.0, 2.0], &opts(0)).is_err());
    assert!(
        spc::analyze(
            &[1.0, 2.0, 3.0, 4.0],
            &SpcOptions {
                lsl: Some(2.0),
                usl: Some(1.0),
                ..opts(1)
            }
        )
        .is_err()
    );
    let e = spc::read_column("d.csv", "x,y\n1,2\n3,oops\n5,\n", "y")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 3") && e.contains("oops") && e.contains("line 4"),
        "{e}"
    );
    let e = spc::read_column("d.csv", "x,y\n1,2\n", "z")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("d.csv:1: missing column `z` in the header `x,y`"),
        "{e}"
    );
}
