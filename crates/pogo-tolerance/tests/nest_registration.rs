//! The positional tolerance follows the registration: in a nest the board lies
//! anywhere within the pocket clearance (and off by the fab's outline tolerance), and
//! turns by what the clearance allows over its length. The analytic hit probabilities
//! are checked against an independent Monte Carlo of the board dropped in its nest,
//! written here from the physics (a rigid motion of the board), not from the library.

mod common;

use common::{Pad, fixture, local_only};
use pogo_fixture::{FixtureKind, OutlineEdge, Registration, RegistrationKind, RegistrationRequest};
use pogo_tolerance::analyse_with_model;

const CLEARANCE_MM: f64 = 0.1;
const OUTLINE_TOL_MM: f64 = 0.1;

fn nest(f: &mut pogo_fixture::Fixture) {
    f.registration = Some(Registration {
        kind: RegistrationKind::Nest,
        requested: RegistrationRequest::Nest,
        reason: "test".into(),
        fixture_kind: FixtureKind::Mechanical,
        outline_edge: OutlineEdge::Routed,
        clearance_mm: CLEARANCE_MM,
        outline_tolerance_mm: OUTLINE_TOL_MM,
        pocket: Vec::new(),
        rules: Vec::new(),
        nest: None,
    });
}

/// A 60 x 20 mm board with three spear-tip probes on 0.3 mm square pads: one at the
/// centre, two near the ends (where the board's turn adds to its shift).
fn board() -> pogo_fixture::Fixture {
    let probes = [[30.0, 10.0], [3.0, 10.0], [57.0, 2.5]]
        .map(|at| (at, "P100-SPEAR", Pad::shape("rect", at[0], at[1], 0.3, 0.3)));
    fixture(&probes, [0.0, 0.0, 60.0, 20.0], &[])
}

/// splitmix64: a small seeded generator of our own.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A point uniform over the disc of radius r.
    fn disc(&mut self, r: f64) -> (f64, f64) {
        let (rho, a) = (r * self.next().sqrt(), std::f64::consts::TAU * self.next());
        (rho * a.cos(), rho * a.sin())
    }
    /// A standard normal pair (Box-Muller).
    fn normal2(&mut self) -> (f64, f64) {
        let (u, v) = (self.next().max(1e-300), self.next());
        let r = (-2.0 * u.ln()).sqrt();
        let a = std::f64::consts::TAU * v;
        (r * a.cos(), r * a.sin())
    }
}

/// The board dropped in its nest: each end of its length (x = 0 and x = 60 at mid
/// height) lands anywhere within the clearance, off by the outline tolerance (3
/// sigma); the board takes the rigid motion that puts its ends there. A tip hits when
/// its contact circle lies on the pad (centre in the pad shrunk by the contact radius).
fn monte_carlo(f: &pogo_fixture::Fixture, samples: usize) -> Vec<f64> {
    let mut rng = Rng(7);
    let mut hits = vec![0usize; f.probes.len()];
    let (a, b) = ((0.0, 10.0), (60.0, 10.0));
    for _ in 0..samples {
        let mut end = || {
            let (dx, dy) = rng.disc(CLEARANCE_MM);
            let (nx, ny) = rng.normal2();
            (
                dx + nx * OUTLINE_TOL_MM / 3.0,
                dy + ny * OUTLINE_TOL_MM / 3.0,
            )
        };
        let (ea, eb) = (end(), end());
        let (a2, b2) = ((a.0 + ea.0, a.1 + ea.1), (b.0 + eb.0, b.1 + eb.1));
        let theta = (b2.1 - a2.1).atan2(b2.0 - a2.0);
        let centre = ((a2.0 + b2.0) / 2.0, (a2.1 + b2.1) / 2.0);
        let (c, s) = (theta.cos(), theta.sin());
        for (k, p) in f.probes.iter().enumerate() {
            // Where the pad is now, seen by the fixed probe.
            let rel = (p.target.x - 30.0, p.target.y - 10.0);
            let pad = (
                centre.0 + c * rel.0 - s * rel.1,
                centre.1 + s * rel.0 + c * rel.1,
            );
            // The probe in the pad's own frame.
            let (dx, dy) = (p.x - pad.0, p.y - pad.1);
            let (u, v) = (c * dx + s * dy, -s * dx + c * dy);
            let r = f.part(&p.part).unwrap().tip_contact_radius_mm;
            let half = (p.target.w / 2.0 - r, p.target.h / 2.0 - r);
            if u.abs() <= half.0 && v.abs() <= half.1 {
                hits[k] += 1;
            }
        }
    }
    hits.iter().map(|&h| h as f64 / samples as f64).collect()
}

#[test]
fn nest_hit_probabilities_match_a_monte_carlo_of_the_board_in_its_nest() {
    let mut f = board();
    nest(&mut f);
    // Only the nest moves the tips: every other contributor zero.
    let model = local_only(0.0);
    let summary = analyse_with_model(&mut f, &model).unwrap();
    assert!(
        summary.datum.source.starts_with("nest"),
        "{}",
        summary.datum.source
    );
    let names: Vec<&str> = summary
        .sensitivity
        .iter()
        .map(|s| s.contributor.as_str())
        .collect();
    assert!(names.contains(&"nest_clearance") && names.contains(&"outline_tolerance"));
    let n = 400_000;
    let mc = monte_carlo(&f, n);
    for (p, m) in f.probes.iter().zip(&mc) {
        let a = p.hit_probability.unwrap();
        let se = (a * (1.0 - a) / n as f64).sqrt();
        eprintln!("{}: analytic {a:.5}, monte carlo {m:.5} (se {se:.5})", p.id);
        assert!(a > 0.2 && a < 0.999, "{}: {a} is not marginal", p.id);
        assert!(
            (a - m).abs() < 5.0 * se + 2e-3,
            "{}: analytic {a}, monte carlo {m}",
            p.id
        );
    }
    // The probes near the ends miss more than the centre one (the board turns).
    let hit: Vec<f64> = f
        .probes
        .iter()
        .map(|p| p.hit_probability.unwrap())
        .collect();
    assert!(hit[2] < hit[0], "{hit:?}");
}

#[test]
fn a_nest_registers_looser_than_tooling_pins() {
    let mut pins = board();
    pins.tooling = vec![
        pogo_fixture::ToolingPin {
            x: 0.0,
            y: 10.0,
            diameter_mm: 2.95,
            hole_diameter_mm: 3.0,
            hole_ref: String::new(),
        },
        pogo_fixture::ToolingPin {
            x: 60.0,
            y: 10.0,
            diameter_mm: 2.95,
            hole_diameter_mm: 3.0,
            hole_ref: String::new(),
        },
    ];
    let mut nested = pins.clone();
    nest(&mut nested);
    let mut model = local_only(0.0);
    model.tooling_pin_clearance_mm = 0.05;
    model.tooling_hole_position_mm = 0.05;
    let a = analyse_with_model(&mut pins, &model).unwrap();
    let b = analyse_with_model(&mut nested, &model).unwrap();
    assert!(
        b.contact_yield < a.contact_yield,
        "nest {} pins {}",
        b.contact_yield,
        a.contact_yield
    );
}
