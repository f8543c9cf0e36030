//! A rounded rectangle under an isotropic normal when a rounded corner is within
//! reach of it: the boundary integral of [`crate::prob`] done in the pad's own frame,
//! in standard units about the mean, over the near parts of the boundary only.
//!
//! Green's theorem gives P = sum over the boundary of the integral of g(|w|^2)
//! (w x dw), g(s) = (1 - exp(-s/2)) / (2 pi s). Its 1/(2 pi s) part integrates to the
//! boundary's winding number about the mean, W (1 inside, 0 outside), so
//! P = W - sum over the pieces of (angle - full), `angle` the piece's subtended angle
//! over 2 pi and `full` its integral of g. Beyond [`FAR`] standard units of the mean
//! the two agree to within 3e-18, so only the parts of the pieces within [`FAR`]
//! count: each is split at its point nearest the mean (where the integrand peaks)
//! and each half integrated by a fixed Gauss-Legendre rule whose node count follows
//! its length (error below 1e-12, checked against the whole adaptive integral in
//! the tests). Segments are integrated along their length, arcs in their angle from
//! the point nearest the mean through the half-angle substitution (no sine or
//! cosine per node).

use crate::geom::Pt;
use crate::prob::FAR;
use std::f64::consts::{FRAC_PI_2, PI, TAU};
use std::sync::OnceLock;

/// Node counts of the rules kept.
const MIN_NODES: usize = 4;
const MAX_NODES: usize = 24;

/// A Gauss-Legendre rule on [-1, 1]: nodes and weights.
struct Rule {
    x: Vec<f64>,
    w: Vec<f64>,
}

/// Gauss-Legendre rules with [`MIN_NODES`]..=[`MAX_NODES`] nodes, computed once.
fn rule(n: usize) -> &'static Rule {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    let rules = RULES.get_or_init(|| {
        (0..=MAX_NODES)
            .map(|n| {
                let nodes = if n < MIN_NODES {
                    Vec::new()
                } else {
                    crate::integrate::gauss_legendre(n)
                };
                Rule {
                    x: nodes.iter().map(|p| p.0).collect(),
                    w: nodes.iter().map(|p| p.1).collect(),
                }
            })
            .collect()
    });
    &rules[n.clamp(MIN_NODES, MAX_NODES)]
}

/// Nodes for a half piece of `len` standard units starting at its peak.
#[inline]
fn nodes_for(len: f64) -> usize {
    ((len * NODES_PER_UNIT).ceil() as usize + BASE_NODES).clamp(MIN_NODES, MAX_NODES)
}
const NODES_PER_UNIT: f64 = 1.5;
const BASE_NODES: usize = 6;

/// P(mean + sigma Z in the rounded rectangle), the mean at (`x0`, `y0`) in the
/// frame's axes and every length in units of sigma (`a`, `b` the inner half sizes,
/// `r` the corner radius); `outside` the mean's signed distance to the boundary.
/// None on the boundary itself (within 1e-9), where W is not defined: the caller
/// integrates.
pub(crate) fn round_rect_near(
    x0: f64,
    y0: f64,
    a: f64,
    b: f64,
    r: f64,
    outside: f64,
) -> Option<f64> {
    if outside.abs() < 1e-9 {
        return None;
    }
    let winding = if outside < 0.0 { 1.0 } else { 0.0 };
    let m = Pt::new(x0, y0);
    let (big_a, big_b) = (a + r, b + r);
    // Sum of the near parts' angles; their integrals of g gathered as nodes.
    let mut angles = 0.0;
    let mut nodes = Nodes::new();
    // Counter-clockwise: right side, top-right corner, top, ...
    let sides = [
        ((big_a, -b), (big_a, b)),
        ((a, big_b), (-a, big_b)),
        ((-big_a, b), (-big_a, -b)),
        ((-a, -big_b), (a, -big_b)),
    ];
    let corners = [(a, b), (-a, b), (-a, -b), (a, -b)];
    // Start directions of the corner arcs (each a quarter turn counter-clockwise).
    let starts = [
        Pt::new(1.0, 0.0),
        Pt::new(0.0, 1.0),
        Pt::new(-1.0, 0.0),
        Pt::new(0.0, -1.0),
    ];
    for k in 0..4 {
        let (p, q) = sides[k];
        let (p, q) = (Pt::new(p.0, p.1) - m, Pt::new(q.0, q.1) - m);
        if p != q {
            angles += segment_near(p, q, &mut nodes);
        }
        if r > 0.0 {
            let c = Pt::new(corners[k].0, corners[k].1) - m;
            angles += arc_near(c, r, starts[k], &mut nodes)?;
        }
    }
    Some((winding - angles + nodes.integral()).clamp(0.0, 1.0))
}

/// Nodes gathered before their g is evaluated (a loop the compiler vectorises).
const BATCH: usize = 64;

/// The quadrature nodes of the near parts of one evaluation: |w|^2 and the weight
/// times w x dw / d(variable), in batches; `sum` the integral of g over the nodes of
/// the batches done.
struct Nodes {
    s: [f64; BATCH],
    wf: [f64; BATCH],
    len: usize,
    sum: f64,
}

impl Nodes {
    fn new() -> Nodes {
        Nodes {
            s: [0.0; BATCH],
            wf: [0.0; BATCH],
            len: 0,
            sum: 0.0,
        }
    }

    /// The next `n` slots (|w|^2, weight factor), n <= [`BATCH`]; the batch is
    /// evaluated first when they do not fit.
    #[inline]
    fn slots(&mut self, n: usize) -> (&mut [f64], &mut [f64]) {
        if self.len + n > BATCH {
            self.flush();
        }
        let (lo, hi) = (self.len, self.len + n);
        self.len = hi;
        (&mut self.s[lo..hi], &mut self.wf[lo..hi])
    }

    fn flush(&mut self) {
        let n = self.len;
        crate::fastmath::weighted_g(&self.s[..n], &mut self.wf[..n]);
        self.sum += self.wf[..n].iter().sum::<f64>();
        self.len = 0;
    }

    /// The sum of weight x g(s) over every node.
    fn integral(mut self) -> f64 {
        self.flush();
        self.sum
    }
}

/// Subtended angle of the chord from wa to wb about the origin, over 2 pi.
#[inline]
fn chord_angle(wa: Pt, wb: Pt) -> f64 {
    crate::fastmath::atan2(wa.cross(wb), wa.dot(wb)) / TAU
}

/// The angle of the part of the segment p -> q within [`FAR`] of the origin (over 2
/// pi); its integral of g goes to `nodes`.
fn segment_near(p: Pt, q: Pt, nodes: &mut Nodes) -> f64 {
    let d = q - p;
    let len = d.norm();
    let u = d * (1.0 / len);
    let h = p.cross(u); // w x dw / dt, constant along the segment
    let reach2 = FAR * FAR - h * h;
    if reach2 <= 0.0 {
        return 0.0;
    }
    let reach = reach2.sqrt();
    // Parameters along the segment from its foot (the point nearest the origin).
    let foot = -p.dot(u);
    let (t0, t1) = ((-foot).max(-reach), (len - foot).min(reach));
    if t0 >= t1 {
        return 0.0;
    }
    let f = p + u * foot;
    let h2 = h * h;
    let mut half = |lo: f64, hi: f64| {
        let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
        let rule = rule(nodes_for(hi - lo));
        let (s, wf) = nodes.slots(rule.x.len());
        for (((s, wf), &x), &w) in s.iter_mut().zip(wf).zip(&rule.x).zip(&rule.w) {
            let t = mid + half * x;
            *s = h2 + t * t;
            *wf = w * half * h;
        }
    };
    // Split at the foot, where the integrand peaks.
    if t0 < 0.0 && t1 > 0.0 {
        half(t0, 0.0);
        half(0.0, t1);
    } else {
        half(t0, t1);
    }
    chord_angle(f + u * t0, f + u * t1)
}

/// An angle psi about a corner's centre, from the direction towards the mean, with
/// its cosine and sine (so the parts of an arc need no sine or cosine).
#[derive(Clone, Copy)]
struct Angle {
    psi: f64,
    cos: f64,
    sin: f64,
}

impl Angle {
    fn new(psi: f64, cos: f64, sin: f64) -> Angle {
        Angle { psi, cos, sin }
    }
    const ZERO: Angle = Angle {
        psi: 0.0,
        cos: 1.0,
        sin: 0.0,
    };
    fn min(self, other: Angle) -> Angle {
        if other.psi < self.psi { other } else { self }
    }
    fn max(self, other: Angle) -> Angle {
        if other.psi > self.psi { other } else { self }
    }
}

/// The angle (over 2 pi) of the part within [`FAR`] of the origin of the quarter arc
/// of radius `r` about `c` starting in direction `start` (counter-clockwise); its
/// integral of g goes to `nodes`. None when the mean lies on the arc's chord (the
/// caller integrates).
fn arc_near(c: Pt, r: f64, start: Pt, nodes: &mut Nodes) -> Option<f64> {
    let rho = c.norm();
    let h = r - rho; // the mean's distance inside the circle
    if h.abs() >= FAR {
        return Some(0.0);
    }
    if rho < 1e-12 {
        // The mean at the centre: every point at distance r.
        let (s, wf) = nodes.slots(1);
        (s[0], wf[0]) = (r * r, r * r * FRAC_PI_2);
        return Some(0.25);
    }
    // Angles psi from the direction n (centre -> mean, the point nearest the mean).
    let n = c * (-1.0 / rho);
    let (c0, s0) = (n.dot(start), n.cross(start));
    let a0 = Angle::new(crate::fastmath::atan2(s0, c0), c0, s0);
    // A quarter turn on.
    let a1 = Angle::new(a0.psi + FRAC_PI_2, -s0, c0);
    // Within FAR: 2 r rho (1 - cos psi) <= FAR^2 - h^2.
    let kappa = 1.0 - (FAR * FAR - h * h) / (2.0 * r * rho);
    let (lo_reach, hi_reach) = if kappa <= -1.0 {
        (Angle::new(-PI, -1.0, 0.0), Angle::new(PI, -1.0, 0.0))
    } else {
        let (reach, sin) = (kappa.acos(), (1.0 - kappa * kappa).max(0.0).sqrt());
        (
            Angle::new(-reach, kappa, -sin),
            Angle::new(reach, kappa, sin),
        )
    };
    // The arc's psi range, split where it passes the far side (psi = pi).
    let ranges = if a1.psi > PI {
        [
            (a0, Angle::new(PI, -1.0, 0.0)),
            (
                Angle::new(-PI, -1.0, 0.0),
                Angle::new(a1.psi - TAU, a1.cos, a1.sin),
            ),
        ]
    } else {
        [(a0, a1), (Angle::ZERO, Angle::ZERO)]
    };
    let mut total = 0.0;
    for (lo, hi) in ranges {
        let (lo, hi) = (lo.max(lo_reach), hi.min(hi_reach));
        if lo.psi >= hi.psi {
            continue;
        }
        total += arc_part(c, r, rho, h, n, lo, hi, nodes)?;
    }
    Some(total)
}

/// The angle of the arc part psi in [lo, hi] (-pi <= lo < hi <= pi); its integral of
/// g goes to `nodes`.
#[allow(clippy::too_many_arguments)]
fn arc_part(
    c: Pt,
    r: f64,
    rho: f64,
    h: f64,
    n: Pt,
    lo: Angle,
    hi: Angle,
    nodes: &mut Nodes,
) -> Option<f64> {
    let at = |a: Angle| c + (n * a.cos + n.left() * a.sin) * r;
    let (wa, wb) = (at(lo), at(hi));
    // The part's angle: its chord's, plus a whole turn when the mean lies between
    // the arc and the chord: inside the circle and on the arc's side of the chord
    // (its right: the arc turns counter-clockwise, by less than half a turn).
    let side = wa.cross(wb); // (wb - wa) x (origin - wa)
    if h > 0.0 && side == 0.0 {
        return None;
    }
    let between = h > 0.0 && side < 0.0;
    // Split at psi = 0, where the integrand peaks.
    if lo.psi < 0.0 && hi.psi > 0.0 {
        arc_nodes(r, rho, h, lo, Angle::ZERO, nodes);
        arc_nodes(r, rho, h, Angle::ZERO, hi, nodes);
    } else {
        arc_nodes(r, rho, h, lo, hi, nodes);
    }
    Some(chord_angle(wa, wb) + if between { 1.0 } else { 0.0 })
}

/// The nodes of the integral of g(|w|^2) (w x dw) over psi in [lo, hi] (less than a
/// half turn): |w|^2 = h^2 + 2 r rho (1 - cos psi), w x dw / dpsi = r (h + rho (1 -
/// cos psi)). Half-angle substitution about the middle: psi = mid + 2 atan(T x), x
/// in [-1, 1], T = tan(half / 2), so the nodes need no sine or cosine.
fn arc_nodes(r: f64, rho: f64, h: f64, lo: Angle, hi: Angle, nodes: &mut Nodes) {
    // The middle's direction bisects the ends'; cos and sin of the half width from it.
    let (bx, by) = (lo.cos + hi.cos, lo.sin + hi.sin);
    let bn = (bx * bx + by * by).sqrt();
    let (cm, sm) = (bx / bn, by / bn);
    let (cos_half, sin_half) = (cm * hi.cos + sm * hi.sin, cm * hi.sin - sm * hi.cos);
    let big_t = sin_half / (1.0 + cos_half);
    let (two_r_rho, h2) = (2.0 * r * rho, h * h);
    // Standard units along the part, for the node count: at most sqrt(r rho) per
    // radian.
    let len = (two_r_rho * 0.5).sqrt() * (hi.psi - lo.psi);
    let n = nodes_for(len).max(substitution_nodes(big_t));
    let rule = rule(n);
    let (s, wf) = nodes.slots(rule.x.len());
    for (((s, wf), &x), &w) in s.iter_mut().zip(wf).zip(&rule.x).zip(&rule.w) {
        let tau = big_t * x;
        let q = 1.0 / (1.0 + tau * tau);
        let (cr, sr) = ((1.0 - tau * tau) * q, 2.0 * tau * q);
        let cos_psi = cm * cr - sm * sr;
        // 1 - cos psi, accurate near psi = 0 too.
        let sin_psi = sm * cr + cm * sr;
        let one_minus_cos = if cos_psi > 0.0 {
            sin_psi * sin_psi / (1.0 + cos_psi)
        } else {
            1.0 - cos_psi
        };
        let dpsi = 2.0 * big_t * q;
        *s = h2 + two_r_rho * one_minus_cos;
        *wf = w * r * (h + rho * one_minus_cos) * dpsi;
    }
}

/// Nodes the half-angle substitution needs by itself: it puts poles at x = +-i / T,
/// and a Gauss-Legendre rule converges like e^(-2 n a), a = asinh(1 / T) (the
/// Bernstein ellipse through the poles): 1e-14 needs n >= 16 / a.
fn substitution_nodes(big_t: f64) -> usize {
    // a = asinh(1 / T) >= ln(2 / T): n >= 16 / ln(2 / T) (T <= tan(pi / 8) here).
    let a = (2.0 / big_t.max(1e-300)).ln();
    if a <= 0.0 {
        MAX_NODES
    } else {
        ((16.0 / a).ceil() as usize).min(MAX_NODES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Region;
    use crate::prob::probability_in_region;

    /// Means about a rounded corner (the arc within reach, so this path runs) agree
    /// with the adaptive boundary integral of the whole outline.
    #[test]
    fn near_parts_match_the_adaptive_integral_about_a_corner() {
        // (half w, half h, corner radius, sigma): a roundrect, an oval (corners of 25
        // sigma) and a corner of half a sigma.
        for (hw, hh, cr, sigma) in [
            (0.6, 0.4, 0.15, 0.02),
            (0.9, 0.3, 0.3, 0.01),
            (0.6, 0.3, 0.06, 0.02),
        ] {
            let region = Region::rounded_rect(Pt::new(0.0, 0.0), hw, hh, cr, 0.0, 0.05);
            let f = region.round_rect_frame().expect("rounded rectangle");
            let (a, b, r) = (
                f.inner_half_w_mm / sigma,
                f.inner_half_h_mm / sigma,
                f.corner_radius_mm / sigma,
            );
            let cov = [[sigma * sigma, 0.0], [0.0, sigma * sigma]];
            let mut ran = 0;
            for i in -12..=12 {
                for j in -12..=12 {
                    // About the top-right corner's centre, out to r + 6 sigma.
                    let (x0, y0) = (
                        a + 0.6 * i as f64 * (r + 6.0) / 7.0,
                        b + 0.55 * j as f64 * (r + 6.0) / 7.0,
                    );
                    let (lx, ly) = (x0.abs() - a, y0.abs() - b);
                    let outside = if lx > 0.0 || ly > 0.0 {
                        lx.max(0.0).hypot(ly.max(0.0)) - r
                    } else {
                        lx.max(ly) - r
                    };
                    let Some(got) = round_rect_near(x0, y0, a, b, r, outside) else {
                        continue;
                    };
                    let want = probability_in_region(&region, [x0 * sigma, y0 * sigma], &cov);
                    assert!(
                        (got - want).abs() < 5e-12,
                        "{hw} x {hh} r {cr}, sigma {sigma}, mean ({x0}, {y0}) sigmas: {got} vs {want}"
                    );
                    ran += 1;
                }
            }
            assert!(ran > 600, "{ran} means");
        }
    }
}
