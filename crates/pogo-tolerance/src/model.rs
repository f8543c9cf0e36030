//! The tolerance model: contributors turned into random sources, per probe.
//!
//! The tip position of probe i relative to its pad is
//!   d_i = mean_i + J_i z + sum of its own (local) planar sources,
//! with z = (tx, ty, theta, s) the shared board shift, board rotation about the datum
//! and plate scale, and J_i z = (tx - theta ry + s rx, ty + theta rx + s ry), (rx, ry)
//! the probe's place relative to the datum. The locating contributors follow the
//! registration: tooling pin clearance and hole position with guide pins; with a nest,
//! the pocket clearance and the board's outline tolerance at the two ends of the
//! board's longer side. The signs are a convention: every source
//! is symmetric about zero.

use crate::geom::{Pt, Region};
use crate::prob::Cov;
use pogo_fixture::{Contributor, Fixture, ToleranceDatum, ToleranceModel};

/// The contributors, in report order (with tooling pins; a nest's two take the places
/// of the tooling pin clearance and hole position).
pub const CONTRIBUTORS: [Contributor; 8] = [
    Contributor::Pointing,
    Contributor::ReceptacleClearance,
    Contributor::PlateDrillPosition,
    Contributor::PlateScale,
    Contributor::ToolingPinClearance,
    Contributor::ToolingHolePosition,
    Contributor::PadRegistration,
    Contributor::ThermalExpansion,
];
pub(crate) const POINTING: usize = 0;
pub(crate) const RECEPTACLE: usize = 1;
pub(crate) const DRILL: usize = 2;
pub(crate) const SCALE: usize = 3;
pub(crate) const TOOLING_CLEARANCE: usize = 4;
pub(crate) const TOOLING_HOLE: usize = 5;
pub(crate) const REGISTRATION: usize = 6;
pub(crate) const THERMAL: usize = 7;

/// IDI pointing accuracy of a spring probe: e = c (0.625 a/b + 0.125), c the
/// barrel inner minus plunger outer diameter, a the extended plunger length, b the
/// retained length (all mm).
pub fn idi_pointing_accuracy_mm(c: f64, a: f64, b: f64) -> f64 {
    if b <= 0.0 {
        return c.max(0.0);
    }
    c.max(0.0) * (0.625 * a / b + 0.125)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Law {
    /// `size` is sigma.
    Normal,
    /// Uniform over a disc (planar pairs) or an interval (single variables) of
    /// radius / half-width `size`.
    Uniform,
}

/// A shared source: variables v (1 or 2 of them, a planar pair when 2), mapped into
/// z-space by `cols` (one 4-vector per variable).
#[derive(Debug, Clone)]
pub(crate) struct SharedSource {
    pub contributor: usize,
    pub law: Law,
    pub size: f64,
    pub cols: Vec<[f64; 4]>,
}

/// A local planar isotropic source of one probe.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalSource {
    pub contributor: usize,
    pub law: Law,
    pub size: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct ProbeModel {
    /// Nominal tip centre, page mm.
    pub pos: Pt,
    /// Place relative to the datum.
    pub rel: Pt,
    pub region: Region,
    /// Systematic offset of the tip (thermal), mm.
    pub mean: Pt,
    pub local: Vec<LocalSource>,
    pub contact_radius_mm: f64,
}

impl ProbeModel {
    /// The 2x4 map from z to the tip offset at this probe.
    #[inline]
    pub(crate) fn jz(&self, z: &[f64; 4]) -> Pt {
        Pt::new(
            z[0] - z[2] * self.rel.y + z[3] * self.rel.x,
            z[1] + z[2] * self.rel.x + z[3] * self.rel.y,
        )
    }
    /// Variance (per axis) of the local normal sources.
    pub(crate) fn local_normal_var(&self) -> f64 {
        self.local
            .iter()
            .filter(|s| s.law == Law::Normal)
            .map(|s| s.size * s.size)
            .sum()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub probes: Vec<ProbeModel>,
    pub shared: Vec<SharedSource>,
}

impl Model {
    /// Covariance of z from the shared normal sources.
    pub(crate) fn z_cov(&self) -> [[f64; 4]; 4] {
        let mut c = [[0.0; 4]; 4];
        for s in self.shared.iter().filter(|s| s.law == Law::Normal) {
            let v = s.size * s.size;
            for col in &s.cols {
                for a in 0..4 {
                    for b in 0..4 {
                        c[a][b] += v * col[a] * col[b];
                    }
                }
            }
        }
        c
    }
}

/// The fixture's registration when it is a nest (the board located by its outline).
pub(crate) fn nest_registration(fixture: &Fixture) -> Option<&pogo_fixture::Registration> {
    fixture
        .registration
        .as_ref()
        .filter(|r| r.kind == pogo_fixture::RegistrationKind::Nest)
}

/// Contributor ids as reported for this fixture: with a nest, the two locating
/// contributors are the pocket clearance and the board's outline tolerance.
pub fn contributor_names(fixture: &Fixture) -> [Contributor; 8] {
    let mut names = CONTRIBUTORS;
    if nest_registration(fixture).is_some() {
        names[TOOLING_CLEARANCE] = Contributor::NestClearance;
        names[TOOLING_HOLE] = Contributor::OutlineTolerance;
    }
    names
}

/// Which contributors are uniform.
pub(crate) fn uniform_flags(model: &ToleranceModel) -> [bool; 8] {
    let mut f = [false; 8];
    for (i, name) in CONTRIBUTORS.iter().enumerate() {
        f[i] = model.uniform.contains(name);
    }
    f
}

/// Tolerance figures (± at 3 sigma or uniform half-width) of the scalar contributors,
/// with each scaled by `scale[c]` (1.0, or 0.5 to halve one).
pub(crate) fn build(
    fixture: &Fixture,
    tm: &ToleranceModel,
    datum: &ToleranceDatum,
    pair: Option<(Pt, Pt)>,
    regions: &[Region],
    scale: &[f64; 8],
) -> Model {
    let uniform = uniform_flags(tm);
    let law = |c: usize| {
        if uniform[c] {
            Law::Uniform
        } else {
            Law::Normal
        }
    };
    // A figure t at 3 sigma gives sigma t/3; a uniform figure is the half-width itself.
    let size = |c: usize, t: f64| {
        if uniform[c] {
            t * scale[c]
        } else {
            t * scale[c] / 3.0
        }
    };
    let d = Pt::new(datum.x, datum.y);
    let mut shared = Vec::new();
    // Tooling: each of the two locating holes is off its pin by a planar error; the
    // board's shift is their mean, its rotation their difference across the span.
    let v = match pair {
        Some((a, b)) => {
            let u = b - a;
            let n = u.norm().max(1e-9);
            u.left() * (1.0 / n)
        }
        None => Pt::new(0.0, 1.0),
    };
    let span = datum.span_mm.max(1e-6);
    let hole_cols = |sign: f64| {
        vec![
            [0.5, 0.0, sign * v.x / span, 0.0],
            [0.0, 0.5, sign * v.y / span, 0.0],
        ]
    };
    // With a nest the board is located by its edge: each end of the locating span is
    // anywhere within the pocket clearance (uniform over a disc of that radius: the
    // board lies where it dropped) and off by the fab's outline tolerance (normal, 3
    // sigma, or uniform when listed); so the board shifts by up to the clearance and
    // turns by up to twice the clearance over its length.
    let locating = match nest_registration(fixture) {
        Some(n) => [
            (
                TOOLING_CLEARANCE,
                Law::Uniform,
                n.clearance_mm * scale[TOOLING_CLEARANCE],
            ),
            (
                TOOLING_HOLE,
                law(TOOLING_HOLE),
                size(TOOLING_HOLE, n.outline_tolerance_mm),
            ),
        ],
        None => [
            (
                TOOLING_CLEARANCE,
                law(TOOLING_CLEARANCE),
                size(TOOLING_CLEARANCE, tm.tooling_pin_clearance_mm / 2.0),
            ),
            (
                TOOLING_HOLE,
                law(TOOLING_HOLE),
                size(TOOLING_HOLE, tm.tooling_hole_position_mm),
            ),
        ],
    };
    for (c, l, s) in locating {
        for sign in [-1.0, 1.0] {
            shared.push(SharedSource {
                contributor: c,
                law: l,
                size: s,
                cols: hole_cols(sign),
            });
        }
    }
    shared.push(SharedSource {
        contributor: REGISTRATION,
        law: law(REGISTRATION),
        size: size(REGISTRATION, tm.pad_registration_mm),
        cols: vec![[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]],
    });
    shared.push(SharedSource {
        contributor: SCALE,
        law: law(SCALE),
        size: size(SCALE, tm.plate_scale_ppm * 1e-6),
        cols: vec![[0.0, 0.0, 0.0, 1.0]],
    });
    shared.retain(|s| s.size > 0.0);
    // Thermal: the board grows about the datum by its CTE x dT, the plate by its own;
    // the tip lands off the pad by the difference (systematic).
    let k = (tm.plate_cte_ppm_per_k * tm.plate_delta_t_k
        - tm.board_cte_ppm_per_k * tm.board_delta_t_k)
        * 1e-6
        * scale[THERMAL];
    let mut probes = Vec::with_capacity(fixture.probes.len());
    for (probe, region) in fixture.probes.iter().zip(regions) {
        let part = fixture.part(&probe.part);
        let pos = Pt::new(probe.x, probe.y);
        let rel = pos - d;
        let e = part
            .map(|p| {
                idi_pointing_accuracy_mm(
                    p.barrel_inner_diameter_mm - p.plunger_diameter_mm,
                    p.plunger_extended_mm,
                    p.plunger_retained_mm,
                )
            })
            .unwrap_or(0.0)
            * tm.pointing_scale;
        let mut local = Vec::new();
        for (c, t) in [
            (POINTING, e),
            (RECEPTACLE, tm.receptacle_clearance_mm / 2.0),
            (DRILL, tm.plate_drill_position_mm),
        ] {
            let s = size(c, t);
            if s > 0.0 {
                local.push(LocalSource {
                    contributor: c,
                    law: law(c),
                    size: s,
                });
            }
        }
        probes.push(ProbeModel {
            pos,
            rel,
            region: region.clone(),
            mean: rel * k,
            local,
            contact_radius_mm: part.map(|p| p.tip_contact_radius_mm).unwrap_or(0.0),
        });
    }
    Model { probes, shared }
}

/// Per-axis variance of one coordinate of a uniform source of half-width / radius a.
pub(crate) fn uniform_var(a: f64, planar: bool) -> f64 {
    if planar { a * a / 4.0 } else { a * a / 3.0 }
}

/// Covariance contribution of each contributor at a probe (mm^2).
pub(crate) fn contributor_covs(m: &Model, p: &ProbeModel) -> [Cov; 8] {
    let mut out = [[[0.0; 2]; 2]; 8];
    for s in &p.local {
        let v = match s.law {
            Law::Normal => s.size * s.size,
            Law::Uniform => uniform_var(s.size, true),
        };
        out[s.contributor][0][0] += v;
        out[s.contributor][1][1] += v;
    }
    for s in &m.shared {
        let planar = s.cols.len() == 2;
        let v = match s.law {
            Law::Normal => s.size * s.size,
            Law::Uniform => uniform_var(s.size, planar),
        };
        for col in &s.cols {
            let j = p.jz(col);
            let c = &mut out[s.contributor];
            c[0][0] += v * j.x * j.x;
            c[0][1] += v * j.x * j.y;
            c[1][0] += v * j.x * j.y;
            c[1][1] += v * j.y * j.y;
        }
    }
    out
}

/// Full-figure (worst-case) radial tip offset each contributor can cause at a probe:
/// 3 sigma (or the uniform half-width) of every variable, mapped to the probe.
pub(crate) fn contributor_extents(m: &Model, p: &ProbeModel) -> [f64; 8] {
    let mut out = [0.0; 8];
    for s in &p.local {
        let full = match s.law {
            Law::Normal => 3.0 * s.size,
            Law::Uniform => s.size,
        };
        out[s.contributor] += full;
    }
    for s in &m.shared {
        let full = match s.law {
            Law::Normal => 3.0 * s.size,
            Law::Uniform => s.size,
        };
        let cols: Vec<Pt> = s.cols.iter().map(|c| p.jz(c)).collect();
        // Largest singular value of the mapped 2 x n matrix.
        let (a, b, c) = cols.iter().fold((0.0, 0.0, 0.0), |(a, b, c), v| {
            (a + v.x * v.x, b + v.x * v.y, c + v.y * v.y)
        });
        let tr = a + c;
        let det = a * c - b * b;
        let lmax = tr / 2.0 + ((tr * tr / 4.0 - det).max(0.0)).sqrt();
        out[s.contributor] += full * lmax.sqrt();
    }
    out[THERMAL] = p.mean.norm();
    out
}
