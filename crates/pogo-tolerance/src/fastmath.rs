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

/// 1 / (k + 1)!, k = 0..=14: the series of (1 - exp(-x)) / x.
const SERIES: [f64; 15] = {
    let mut c = [0.0; 15];
    let mut f = 1.0;
    let mut k = 0;
    while k < 15 {
        f *= (k + 1) as f64;
        c[k] = 1.0 / f;
        k += 1;
    }
    c
};

/// g(s) = (1 - exp(-s/2)) / (2 pi s) = (1 - exp(-x)) / (4 pi x), x = s/2: below
/// x = 1/2 by its series (alternating, 15 terms: remainder under 2e-18 relative),
/// above from [`exp_neg`] (1 - exp(-x) then loses under 2 bits).
#[inline(always)]
pub(crate) fn g(s: f64) -> f64 {
    let x = 0.5 * s;
    let mut series = 0.0;
    for &c in SERIES.iter().rev() {
        series = series * -x + c;
    }
    let direct = (1.0 - exp_neg(x)) / x.max(0.5);
    let ratio = if x < 0.5 { series } else { direct };
    ratio * (1.0 / (4.0 * PI))
}

/// 1 / k!, k = 0..=13: Taylor series of exp on |r| <= ln 2 / 2 (remainder under 5e-18
/// relative).
const EXP_TAYLOR: [f64; 14] = {
    let mut c = [0.0; 14];
    let mut f = 1.0;
    let mut k = 0;
    while k < 14 {
        if k > 0 {
            f *= k as f64;
        }
        c[k] = 1.0 / f;
        k += 1;
    }
    c
};

/// exp(-x) for x in [0, 700]: exp(-x) = 2^k exp(r), k = round(-x log2 e), r = -x - k
/// ln 2 (Cody-Waite: ln 2 in two parts, k ln2_hi exact), exp(r) by its Taylor series;
/// 2^k built in the exponent bits. Relative error a few 1e-16.
#[inline(always)]
pub(crate) fn exp_neg(x: f64) -> f64 {
    // fdlibm's split of ln 2: the high part has 32 trailing zero bits.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1.5 * 2^52: adding it rounds to an integer, kept in the low mantissa bits.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let y = -x.clamp(0.0, 700.0);
    let kd = y * LOG2_E + ROUND;
    let k = kd - ROUND;
    let r = (y - k * LN2_HI) - k * LN2_LO;
    let mut p = 0.0;
    for &c in EXP_TAYLOR.iter().rev() {
        p = p * r + c;
    }
    // The low 12 bits of kd's bits are k's (two's complement): k + 1023 into the
    // exponent field is 2^k (k in [-1010, 0]).
    let two_k = f64::from_bits(kd.to_bits().wrapping_add(1023) << 52);
    p * two_k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_neg_matches_the_library_exp() {
        let mut worst: f64 = 0.0;
        for i in 0..=200_000 {
            let x = 700.0 * i as f64 / 200_000.0;
            let want = (-x).exp();
            let got = exp_neg(x);
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 5e-16, "worst relative error {worst:e}");
        assert_eq!(exp_neg(0.0), 1.0);
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
