//! Probability that a 2-D normal lies in a region bounded by segments and arcs.
//!
//! Green's theorem turns the area integral of the standard normal density into a
//! boundary integral: with g(s) = (1 - exp(-s/2)) / (2 pi s) (bounded, smooth, g(0) =
//! 1/(4 pi)), P(w in R) = the sum over the boundary of the integral of
//! g(|w|^2) (w x dw), the region on the left of its boundary. In whitened
//! coordinates w = L^-1 (p - mean) (cov = L L^T) every piece is a segment or an
//! elliptic arc; each is integrated by adaptive Gauss-Kronrod (7-15).

use crate::geom::{Piece, Pt, Region};

/// 2x2 covariance, mm^2: [[xx, xy], [xy, yy]].
pub type Cov = [[f64; 2]; 2];

/// Smallest variance used (1 nm standard deviation): keeps a degenerate covariance
/// (no per-probe contributor) integrable without changing any figure we report.
const MIN_VAR: f64 = 1e-12;

/// Lower-triangular Cholesky factor of a covariance (regularised to stay definite).
pub(crate) fn cholesky(cov: &Cov) -> [[f64; 2]; 2] {
    let a = cov[0][0].max(MIN_VAR);
    let b = cov[0][1];
    let l00 = a.sqrt();
    let l10 = b / l00;
    let rest = (cov[1][1] - l10 * l10).max(MIN_VAR);
    [[l00, 0.0], [l10, rest.sqrt()]]
}

/// Maps page points into the whitened frame of a normal (mean, cov).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Whitener {
    mean: Pt,
    /// Inverse of the Cholesky factor (lower triangular).
    inv: [[f64; 2]; 2],
}

impl Whitener {
    pub(crate) fn new(mean: Pt, cov: &Cov) -> Self {
        let l = cholesky(cov);
        let inv = [
            [1.0 / l[0][0], 0.0],
            [-l[1][0] / (l[0][0] * l[1][1]), 1.0 / l[1][1]],
        ];
        Whitener { mean, inv }
    }
    #[inline]
    pub(crate) fn vec(&self, v: Pt) -> Pt {
        Pt::new(
            self.inv[0][0] * v.x,
            self.inv[1][0] * v.x + self.inv[1][1] * v.y,
        )
    }
    #[inline]
    pub(crate) fn point(&self, p: Pt) -> Pt {
        self.vec(p - self.mean)
    }
    /// Largest factor by which whitening stretches a length (1 / smallest sigma).
    pub(crate) fn max_stretch(&self) -> f64 {
        // Largest singular value of the 2x2 inverse factor.
        let [[a, _], [c, d]] = self.inv;
        let s = a * a + c * c + d * d;
        let det = (a * d).abs();
        ((s + (s * s - 4.0 * det * det).max(0.0).sqrt()) / 2.0).sqrt()
    }
}

/// g(s) = (1 - exp(-s/2)) / (2 pi s).
#[inline]
fn g(s: f64) -> f64 {
    if s < 1e-8 {
        (0.5 - s / 8.0) / std::f64::consts::TAU
    } else {
        -(-s / 2.0).exp_m1() / (std::f64::consts::TAU * s)
    }
}

/// Beyond this whitened distance the density term vanishes in double precision.
const FAR: f64 = 39.0;

/// P(X in region) for X ~ N(mean, cov), mean in page mm.
pub fn probability_in_region(region: &Region, mean: [f64; 2], cov: &Cov) -> f64 {
    if region.pieces.is_empty() {
        return 0.0;
    }
    let wh = Whitener::new(Pt::new(mean[0], mean[1]), cov);
    let mut total = 0.0;
    for piece in &region.pieces {
        total += piece_integral(piece, &wh);
    }
    total.clamp(0.0, 1.0)
}

fn piece_integral(piece: &Piece, wh: &Whitener) -> f64 {
    match *piece {
        Piece::Segment { a, b } => {
            let wa = wh.point(a);
            let wb = wh.point(b);
            let cross = wa.cross(wb);
            if cross == 0.0 {
                return 0.0;
            }
            let d = wb - wa;
            let len = d.norm();
            // Closest distance of the segment to the origin.
            let t0 = if len > 0.0 {
                (-(wa.dot(d)) / (len * len)).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let closest = (wa + d * t0).norm();
            if closest > FAR {
                // Only the 1/(2 pi s) part remains: the subtended angle.
                return cross.atan2(wa.dot(wb)) / std::f64::consts::TAU;
            }
            let f = |t: f64| {
                let w = wa + d * t;
                g(w.dot(w))
            };
            let n = ((len / 6.0).ceil() as usize).clamp(1, 400);
            cross * integrate(&f, n)
        }
        Piece::Arc {
            c,
            radius,
            start,
            sweep,
        } => {
            let f = |t: f64| {
                let ang = start + sweep * t;
                let (s, co) = ang.sin_cos();
                let w = wh.point(Pt::new(c.x + radius * co, c.y + radius * s));
                let dw = wh.vec(Pt::new(-radius * sweep * s, radius * sweep * co));
                g(w.dot(w)) * w.cross(dw)
            };
            let whitened_len = radius * sweep.abs() * wh.max_stretch();
            let n = ((whitened_len / 6.0).ceil() as usize)
                .max((sweep.abs() / (std::f64::consts::PI / 4.0)).ceil() as usize)
                .clamp(1, 400);
            integrate(&f, n)
        }
    }
}

// Gauss-Kronrod 7-15 nodes and weights on [-1, 1].
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

fn gk15(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut k = fc * WGK[7];
    let mut gs = fc * WG[3];
    for j in 0..7 {
        let x = h * XGK[j];
        let s = f(c - x) + f(c + x);
        k += WGK[j] * s;
        if j % 2 == 1 {
            gs += WG[j / 2] * s;
        }
    }
    (k * h, ((k - gs) * h).abs())
}

fn adaptive(f: &dyn Fn(f64) -> f64, a: f64, b: f64, whole: (f64, f64), depth: u32) -> f64 {
    let (val, err) = whole;
    // |K15 - G7| overstates the error of K15 by orders of magnitude on smooth
    // integrands (the K15 error is roughly its 1.5th power): 1e-10 leaves ~1e-14.
    if err <= 1e-10 || depth == 0 || (b - a) < 1e-12 {
        return val;
    }
    let m = 0.5 * (a + b);
    let left = gk15(f, a, m);
    let right = gk15(f, m, b);
    adaptive(f, a, m, left, depth - 1) + adaptive(f, m, b, right, depth - 1)
}

/// Integral of f over [0, 1], starting from `n` equal panels.
fn integrate(f: &dyn Fn(f64) -> f64, n: usize) -> f64 {
    let step = 1.0 / n as f64;
    (0..n)
        .map(|i| {
            let a = i as f64 * step;
            let b = if i + 1 == n { 1.0 } else { a + step };
            adaptive(f, a, b, gk15(f, a, b), 40)
        })
        .sum()
}

/// Standard normal quantile (Acklam's rational approximation refined by one Halley
/// step: relative error below 1e-14 in the body, enough for quasi-Monte Carlo).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let plow = 0.02425;
    let x = if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step on the normal CDF.
    let e = 0.5 * erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Complementary error function: Taylor series of erf below 2, Lentz's continued
/// fraction above (relative error about 1e-14 or better).
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.0 {
        return 1.0 - erf_series(x);
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..300 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
}

fn erf_series(x: f64) -> f64 {
    // erf x = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)).
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    for n in 1..200 {
        term *= -x2 / n as f64;
        let t = term / (2 * n + 1) as f64;
        sum += t;
        if t.abs() < 1e-17 * sum.abs() {
            break;
        }
    }
    sum * 2.0 / std::f64::consts::PI.sqrt()
}

/// Error function.
pub fn erf(x: f64) -> f64 {
    if x.abs() < 2.0 {
        erf_series(x)
    } else {
        1.0 - erfc(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        // Values from Abramowitz & Stegun table 7.1 / high-precision references.
        assert!((erf(0.5) - 0.520_499_877_813_046_5).abs() < 1e-15);
        assert!((erf(1.0) - 0.842_700_792_949_714_9).abs() < 1e-15);
        assert!((erfc(3.0) - 2.209_049_699_858_544e-5).abs() < 1e-19);
        assert!((erf(-1.0) + 0.842_700_792_949_714_9).abs() < 1e-15);
    }

    #[test]
    fn quantile_inverts_cdf() {
        for &p in &[1e-9, 0.001, 0.1, 0.5, 0.77, 0.999, 1.0 - 1e-9] {
            let x = normal_quantile(p);
            let back = 0.5 * erfc(-x / std::f64::consts::SQRT_2);
            assert!(
                (back - p).abs() < 1e-13 * p.max(1e-3),
                "{p} -> {x} -> {back}"
            );
        }
    }
}
