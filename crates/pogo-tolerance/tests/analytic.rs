//! Hit probabilities against closed forms, and against a seeded Monte Carlo.

mod common;

use common::{Pad, assert_yield_matches_monte_carlo, fixture, local_only, pads_of_every_kind};
use pogo_fixture::{Contributor, ToleranceModel};
use pogo_tolerance::{Pt, Region, analyse_with_model, erf, monte_carlo, probability_in_region};

fn phi(x: f64) -> f64 {
    0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

#[test]
fn circle_under_isotropic_normal_is_rayleigh() {
    // P100-SPEAR contact radius from the catalog; circle pad radius R.
    let r_tip = pogo_catalog::Catalog::builtin()
        .part("P100-SPEAR")
        .unwrap()
        .tip_contact_radius_mm;
    for (radius, sigma) in [(0.5, 0.1), (0.45, 0.05), (1.0, 0.4), (0.3, 0.02)] {
        let mut f = fixture(
            &[(
                [10.0, 20.0],
                "P100-SPEAR",
                Pad::shape("circle", 10.0, 20.0, 2.0 * radius, 2.0 * radius),
            )],
            [0.0, 0.0, 50.0, 40.0],
            &[],
        );
        analyse_with_model(&mut f, &local_only(sigma)).unwrap();
        let p = f.probes[0].hit_probability.unwrap();
        let rr = radius - r_tip;
        let expected = 1.0 - (-rr * rr / (2.0 * sigma * sigma)).exp();
        assert!(
            (p - expected).abs() < 1e-10,
            "R={radius} sigma={sigma}: {p} vs Rayleigh {expected}"
        );
        assert_eq!(f.probes[0].tip_contact_radius_mm, Some(r_tip));
        let cov = f.probes[0].tip_cov_mm2.unwrap();
        assert!((cov[0][0] - sigma * sigma).abs() < 1e-12 && cov[0][1].abs() < 1e-15);
    }
}

#[test]
fn axis_aligned_rectangle_is_a_product_of_erf_differences() {
    // Through the public integral with an anisotropic, uncorrelated covariance.
    let (hw, hh) = (0.6, 0.35);
    let region = Region::rounded_rect(Pt::new(5.0, 7.0), hw, hh, 0.0, 0.0, 0.0);
    for (mx, my, sx, sy) in [
        (5.0, 7.0, 0.2, 0.1),
        (5.3, 6.9, 0.15, 0.3),
        (4.5, 7.2, 0.05, 0.02),
        (5.0, 7.0, 1.0, 1.0),
    ] {
        let p = probability_in_region(&region, [mx, my], &[[sx * sx, 0.0], [0.0, sy * sy]]);
        let px = phi((5.0 + hw - mx) / sx) - phi((5.0 - hw - mx) / sx);
        let py = phi((7.0 + hh - my) / sy) - phi((7.0 - hh - my) / sy);
        assert!((p - px * py).abs() < 1e-11, "{p} vs {}", px * py);
    }
    // Through the whole analysis: a rect pad, probe off centre, isotropic local sigma.
    let sigma = 0.08;
    let tip = pogo_catalog::Catalog::builtin()
        .part("P100-SPEAR")
        .unwrap()
        .tip_contact_radius_mm;
    let mut f = fixture(
        &[(
            [20.1, 30.05],
            "P100-SPEAR",
            Pad::shape("rect", 20.0, 30.0, 1.2, 0.8),
        )],
        [0.0, 0.0, 50.0, 50.0],
        &[],
    );
    analyse_with_model(&mut f, &local_only(sigma)).unwrap();
    let p = f.probes[0].hit_probability.unwrap();
    let (a, b) = (0.6 - tip, 0.4 - tip);
    let px = phi((a - 0.1) / sigma) - phi((-a - 0.1) / sigma);
    let py = phi((b - 0.05) / sigma) - phi((-b - 0.05) / sigma);
    assert!((p - px * py).abs() < 1e-10, "{p} vs {}", px * py);
}

#[test]
fn rotated_pad() {
    // A rect rotated by 30 degrees under an isotropic normal: rotation does not
    // change the probability (product of erf differences in the pad frame).
    let sigma = 0.12;
    let rot = Region::rounded_rect(Pt::new(1.0, 2.0), 0.5, 0.25, 0.0, 30.0, 0.0);
    let offset_local = (0.1, -0.05);
    let (s, c) = 30f64.to_radians().sin_cos();
    // KiCad rotation of the local offset into the page.
    let m = [
        1.0 + offset_local.0 * c + offset_local.1 * s,
        2.0 - offset_local.0 * s + offset_local.1 * c,
    ];
    let p = probability_in_region(&rot, m, &[[sigma * sigma, 0.0], [0.0, sigma * sigma]]);
    let px = phi((0.5 - 0.1) / sigma) - phi((-0.5 - 0.1) / sigma);
    let py = phi((0.25 + 0.05) / sigma) - phi((-0.25 + 0.05) / sigma);
    assert!((p - px * py).abs() < 1e-11, "{p} vs {}", px * py);
    // Anisotropic covariance: rotating the pad by +30 deg equals rotating the
    // covariance the other way on the unrotated pad.
    let axis = Region::rounded_rect(Pt::new(0.0, 0.0), 0.5, 0.25, 0.1, 0.0, 0.0);
    let turned = Region::rounded_rect(Pt::new(0.0, 0.0), 0.5, 0.25, 0.1, 30.0, 0.0);
    let d = [[0.04, 0.0], [0.0, 0.01]];
    // Page-frame covariance whose pad-frame form is d: R d R^T with R the KiCad rotation.
    let r = [[c, s], [-s, c]];
    let mut cov = [[0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            cov[i][j] = (0..2).map(|k| r[i][k] * d[k][k] * r[j][k]).sum();
        }
    }
    let a = probability_in_region(&axis, [0.0, 0.0], &d);
    let b = probability_in_region(&turned, [0.0, 0.0], &cov);
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    assert!(a > 0.5 && a < 0.99);
}

/// Asserts the analysed hit probabilities agree with a Monte Carlo under `tm` (shared
/// terms on) on pads of every kind.
fn assert_mc_agrees(tm: &ToleranceModel, what: &str) {
    let f = pads_of_every_kind();
    let mc = monte_carlo(&f, tm, 1_000_000, 0, 42).unwrap();
    let mut interesting = 0;
    for p in &mc.probes {
        assert!(
            p.z.abs() < 4.0,
            "{what}: probe {} analytic {} MC {} (se {}, z {})",
            p.id,
            p.analytic,
            p.estimate,
            p.std_error,
            p.z
        );
        if p.analytic > 0.01 && p.analytic < 0.999 {
            interesting += 1;
        }
    }
    // The made-up pads are chosen so most probabilities are neither 0 nor 1.
    assert!(
        interesting >= 4,
        "{what}: only {interesting} probes with an uncertain hit: {:?}",
        mc.probes
    );
}

#[test]
fn monte_carlo_agrees_on_every_pad_kind() {
    let tm = ToleranceModel {
        tooling_hole_position_mm: 0.2,
        pad_registration_mm: 0.25,
        ..ToleranceModel::default()
    };
    assert_mc_agrees(&tm, "normal");
}

#[test]
fn monte_carlo_agrees_with_uniform_contributors() {
    let tm = ToleranceModel {
        tooling_hole_position_mm: 0.2,
        pad_registration_mm: 0.2,
        uniform: vec![
            Contributor::Pointing,
            Contributor::ToolingPinClearance,
            Contributor::PlateScale,
        ],
        tooling_pin_clearance_mm: 0.3,
        plate_scale_ppm: 3000.0,
        ..ToleranceModel::default()
    };
    assert_mc_agrees(&tm, "uniform");
}

#[test]
fn joint_yield_agrees_with_monte_carlo_and_is_not_the_product() {
    // 24 small pads over a board: the shared board shift makes misses coincide.
    let mut probes = Vec::new();
    for i in 0..24 {
        let x = 5.0 + (i % 6) as f64 * 15.0;
        let y = 5.0 + (i / 6) as f64 * 12.0;
        probes.push(([x, y], "P50-SPEAR", Pad::shape("circle", x, y, 0.55, 0.55)));
    }
    let mut f = fixture(&probes, [0.0, 0.0, 90.0, 45.0], &[]);
    let tm = ToleranceModel {
        pad_registration_mm: 0.3,
        yield_points: 1024,
        ..ToleranceModel::default()
    };
    let s = analyse_with_model(&mut f, &tm).unwrap();
    assert!(s.contact_yield > 0.2 && s.contact_yield < 0.98, "{s:?}");
    let se = assert_yield_matches_monte_carlo(&f, &tm, &s, 100_000, 7);
    // Shared terms make the misses coincide: the joint yield beats the product.
    assert!(
        s.contact_yield > s.independent_product + 10.0 * se,
        "{} vs product {}",
        s.contact_yield,
        s.independent_product
    );
    // Datum from the outline box (no holes, no tooling), said so.
    assert!(s.datum.source.contains("outline box"), "{}", s.datum.source);
    assert!((s.datum.x - 45.0).abs() < 1e-9 && (s.datum.y - 22.5).abs() < 1e-9);
    // Sensitivity: halving the dominant term (registration) helps most.
    let best = s
        .sensitivity
        .iter()
        .max_by(|a, b| a.yield_gain.total_cmp(&b.yield_gain))
        .unwrap();
    assert_eq!(
        best.contributor,
        Contributor::PadRegistration,
        "{:?}",
        s.sensitivity
    );
    let shares: f64 = s.sensitivity.iter().map(|r| r.variance_share).sum();
    assert!((shares - 1.0).abs() < 1e-6, "{shares}");
    assert!(
        s.sensitivity
            .iter()
            .all(|r| r.yield_if_halved >= s.contact_yield - 4.0 * s.contact_yield_std_error)
    );
    assert_eq!(s.weakest_probes.len(), 10);
    assert!(s.worst_case.max_offset_mm > s.rss.max_offset_mm);
    assert!(s.worst_case.probes_failing >= s.rss.probes_failing);
}

#[test]
fn rotation_about_the_datum_grows_with_distance() {
    // Only tooling hole position: shift + rotation. Far probes get a larger spread.
    let probes: Vec<_> = [10.0, 50.0, 90.0]
        .iter()
        .map(|&x| {
            (
                [x, 50.0],
                "P100-SPEAR",
                Pad::shape("circle", x, 50.0, 1.0, 1.0),
            )
        })
        .collect();
    let mut f = fixture(
        &probes,
        [0.0, 0.0, 100.0, 100.0],
        &[[45.0, 50.0], [55.0, 50.0]],
    );
    let mut tm = local_only(0.0);
    tm.plate_drill_position_mm = 0.0;
    tm.tooling_hole_position_mm = 0.05;
    let s = analyse_with_model(&mut f, &tm).unwrap();
    assert!(
        s.datum.source.contains("non-plated board holes"),
        "{}",
        s.datum.source
    );
    assert!((s.datum.span_mm - 10.0).abs() < 1e-12);
    let cov: Vec<[[f64; 2]; 2]> = f.probes.iter().map(|p| p.tip_cov_mm2.unwrap()).collect();
    // Holes on a horizontal line: rotation moves far probes in y.
    // y variance at distance d: sigma^2/2 (shift) + (sqrt2 sigma / span)^2 d^2.
    let sig = 0.05 / 3.0;
    for (p, d) in cov.iter().zip([40.0, 0.0, 40.0]) {
        let expected = sig * sig / 2.0 + 2.0 * sig * sig / 100.0 * d * d;
        assert!(
            (p[1][1] - expected).abs() < 1e-8 * expected,
            "{} vs {expected}",
            p[1][1]
        );
        assert!((p[0][0] - sig * sig / 2.0).abs() < 1e-8 * expected);
    }
    assert!(f.probes[1].hit_probability.unwrap() > f.probes[0].hit_probability.unwrap());
}

#[test]
fn joint_yield_of_many_marginal_pads_of_every_kind_agrees_with_monte_carlo() {
    // 160 marginal probes on rect, roundrect, oval and round pads, some off centre
    // and rotated: the yield goes through the closed forms (crosses of rectangles),
    // the round pads' distance tables and the boundary integral near corners.
    let shapes = ["rect", "roundrect", "oval", "circle"];
    let mut probes = Vec::new();
    for i in 0..160 {
        let x = 4.0 + (i % 16) as f64 * 6.0;
        let y = 4.0 + (i / 16) as f64 * 5.0;
        let shape = shapes[i % 4];
        let w = 0.5 + 0.05 * (i % 7) as f64;
        let h = if shape == "circle" { w } else { 0.75 * w };
        let mut pad = Pad::shape(shape, x, y, w, h);
        pad.rotation = (i % 8) as f64 * 22.5;
        pad.corner_radius_mm = 0.2 * w;
        let off = 0.02 * (i % 3) as f64;
        probes.push(([x + off, y], "P75-SPEAR", pad));
    }
    let mut f = fixture(
        &probes,
        [0.0, 0.0, 100.0, 52.0],
        &[[2.0, 2.0], [98.0, 50.0]],
    );
    let tm = ToleranceModel {
        pad_registration_mm: 0.12,
        tooling_hole_position_mm: 0.1,
        yield_points: 1024,
        ..ToleranceModel::default()
    };
    let s = analyse_with_model(&mut f, &tm).unwrap();
    let marginal = f
        .probes
        .iter()
        .filter(|p| p.hit_probability.is_some_and(|h| h < 0.9999))
        .count();
    assert!(marginal >= 60, "only {marginal} marginal probes");
    assert!(s.contact_yield > 0.05 && s.contact_yield < 0.95, "{s:?}");
    assert_yield_matches_monte_carlo(&f, &tm, &s, 40_000, 11);
}
