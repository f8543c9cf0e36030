//! The boundary integral's g(s) = (1 - exp(-s/2)) / (2 pi s) over many nodes at once:
//! branch-free arithmetic (its own exp) that the compiler vectorises, with an AVX2
//! build picked at run time. Plain IEEE operations only (no fused multiply-add), so
//! every build gives the same bits.

use std::f64::consts::{LOG2_E, PI};

/// wf[i] *= g(s[i]) for s[i] in [0, 1400] (the boundary integral's nodes lie within
/// 9 standard units: s <= 81).
pub(crate) fn weighted_g(s: &[f64], wf: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above), the only requirement of
        // `weighted_g_avx2`; it computes exactly what the portable build does.
        #[allow(unsafe_code)]
        return unsafe { weighted_g_avx2(s, wf) };
    }
    weighted_g_body(s, wf);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn weighted_g_avx2(s: &[f64], wf: &mut [f64]) {
    weighted_g_body(s, wf);
}

#[inline(always)]
fn weighted_g_body(s: &[f64], wf: &mut [f64]) {
    for (w, &s) in wf.iter_mut().zip(s) {
        *w *= g(s);
    }
}

/// 1 / (k + 1)!, k = 0..=13: the Taylor series of (exp(r) - 1) / r on |r| <= ln 2 / 2
/// (remainder under 3e-18 relative).
const EXPM1_RATIO: [f64; 14] = {
    let mut c = [0.0; 14];
    let mut f = 1.0;
    let mut k = 0;
    while k < 14 {
        f *= (k + 1) as f64;
        c[k] = 1.0 / f;
        k += 1;
    }
    c
};

/// g(s) = (1 - exp(-s/2)) / (2 pi s) = (1 - exp(-x)) / (4 pi x), x = s/2, for s in
/// [0, 1400]. exp(-x) = 2^k exp(r), k = round(-x log2 e), r = -x - k ln 2 (Cody-Waite:
/// ln 2 in two parts, k ln2_hi exact), exp(r) = 1 + r q(r), q by its Taylor series;
/// then 1 - exp(-x) = (1 - 2^k) - 2^k r q: with k = 0 (x < 0.35), r = -x exactly and
/// the ratio is q(r) itself (no cancellation, no division); otherwise 1 - 2^k >= 1/2
/// and nothing cancels either. 2^k is built in the exponent bits. Relative error a
/// few 1e-16.
#[inline(always)]
pub(crate) fn g(s: f64) -> f64 {
    const LOG2_E_HALF: f64 = 0.5 * LOG2_E;
    // fdlibm's split of ln 2: the high part has 32 trailing zero bits.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1.5 * 2^52: adding it rounds to an integer, kept in the low mantissa bits.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let s = s.clamp(0.0, 1400.0);
    let x = 0.5 * s;
    let kd = -s * LOG2_E_HALF + ROUND;
    let k = kd - ROUND;
    let r = (-x - k * LN2_HI) - k * LN2_LO;
    let mut q = 0.0;
    for &c in EXPM1_RATIO.iter().rev() {
        q = q * r + c;
    }
    // The low 12 bits of kd's bits are k's (two's complement): k + 1023 into the
    // exponent field is 2^k (k in [-1010, 0]).
    let two_k = f64::from_bits(kd.to_bits().wrapping_add(1023) << 52);
    let general = ((1.0 - two_k) - two_k * r * q) / x.max(0.25);
    let ratio = if k == 0.0 { q } else { general };
    ratio * (1.0 / (4.0 * PI))
}

/// atan2(y, x) with an absolute error of a few 1e-16 (the chord angles of the near
/// parts; the library's is correctly rounded and several times slower): reduced to
/// t in [0, 1], then below tan(pi / 12) by atan t = pi / 6 + atan((sqrt 3 t - 1) /
/// (sqrt 3 + t)), then an odd Taylor series (remainder under 1e-17).
#[inline]
pub(crate) fn atan2(y: f64, x: f64) -> f64 {
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_6};
    const SQRT_3: f64 = 1.732_050_807_568_877_2;
    const TAN_PI_12: f64 = 0.267_949_192_431_122_7;
    let (ax, ay) = (x.abs(), y.abs());
    if ax == 0.0 && ay == 0.0 {
        return y.atan2(x);
    }
    let swap = ay > ax;
    let t = if swap { ax / ay } else { ay / ax };
    let (u, base) = if t > TAN_PI_12 {
        ((SQRT_3 * t - 1.0) / (SQRT_3 + t), FRAC_PI_6)
    } else {
        (t, 0.0)
    };
    let u2 = u * u;
    let mut p = 0.0;
    for k in (0..14).rev() {
        let term = 1.0 / (2 * k + 1) as f64;
        p = p * -u2 + term;
    }
    let mut a = base + u * p;
    if swap {
        a = FRAC_PI_2 - a;
    }
    if x.is_sign_negative() {
        a = PI - a;
    }
    if y.is_sign_negative() { -a } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atan2_matches_the_library_atan2() {
        let mut worst: f64 = 0.0;
        for i in 0..2000 {
            for j in 0..50 {
                let ang = std::f64::consts::TAU * i as f64 / 2000.0 + 1e-3 * j as f64;
                let r = 10f64.powi(j % 7 - 3);
                let (y, x) = (r * ang.sin(), r * ang.cos());
                worst = worst.max((atan2(y, x) - y.atan2(x)).abs());
            }
        }
        assert!(worst < 1e-15, "worst {worst:e}");
        for (y, x) in [
            (0.0, 1.0),
            (0.0, -1.0),
            (-0.0, -1.0),
            (1.0, 0.0),
            (-1.0, 0.0),
            (0.0, 0.0),
        ] {
            assert_eq!(atan2(y, x), y.atan2(x), "({y}, {x})");
        }
    }

    #[test]
    fn g_matches_its_definition() {
        let mut worst: f64 = 0.0;
        for i in 0..=100_000 {
            let s = 100.0 * (i as f64 / 100_000.0).powi(3);
            let x = 0.5 * s;
            let want = if s == 0.0 {
                1.0 / (4.0 * PI)
            } else {
                -(-x).exp_m1() / (4.0 * PI * x)
            };
            worst = worst.max(((g(s) - want) / want).abs());
        }
        assert!(worst < 1e-15, "worst relative error {worst:e}");
        let (s, wf) = ([0.0, 0.3, 1.0, 2.5, 81.0], [1.0, 2.0, -1.0, 0.5, 3.0]);
        let mut out = wf;
        weighted_g(&s, &mut out);
        for i in 0..5 {
            assert_eq!(out[i], wf[i] * g(s[i]));
        }
    }
}
