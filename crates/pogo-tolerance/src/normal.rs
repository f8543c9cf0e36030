//! Standard normal deviates for the Monte Carlo cross-checks: a 512-layer ziggurat
//! (Marsaglia & Tsang, "The ziggurat method for generating random variables", 2000)
//! with the layer index, sign and uniform taken from separate bits of the word
//! (Doornik, "An improved ziggurat method to generate normal random samples", 2005),
//! drawing two deviates from one 64-bit word.
//!
//! Each 32-bit half of a word gives one deviate: 9 bits pick the layer, 1 bit the sign
//! and 22 bits the uniform position inside the layer. 22 bits put the deviate on a grid
//! of 2^-22 of its layer's width (at most 9.8e-7 of a standard deviation), far finer than
//! any hit count of 10^6 samples can resolve, and halve the random bits a sample costs.
//! 99.2% of deviates take the fast path; the slow paths (wedges and the tail beyond
//! r = 3.852) draw fresh 64-bit words and are exact.

use rand::RngCore;

/// Number of layers.
const LAYERS: usize = 512;
/// Start of the tail: the right edge of the base layer.
const R: f64 = 3.852_046_150_368_391;
/// Area of every layer (base layer: rectangle plus tail) under f(x) = exp(-x^2/2).
/// R and V solved so that the layers close at x = 0 (checked in the tests).
const V: f64 = 2.456_766_351_541_357e-3;
/// Bits of the uniform position inside a layer.
const U_BITS: u32 = 22;
/// Scale of the uniform bits.
const U_SCALE: f64 = 1.0 / (1u64 << U_BITS) as f64;
/// The sign bit of a 32-bit word (just above the layer bits) and its place.
const SIGN_SHIFT: u32 = LAYERS.trailing_zeros();
const SIGN_BIT: u32 = 1 << SIGN_SHIFT;

fn density(x: f64) -> f64 {
    (-0.5 * x * x).exp()
}

/// Ziggurat tables for the standard normal.
pub(crate) struct Ziggurat {
    /// Layer right edges: x[0] = V / f(R) (the base layer's equal-area width),
    /// x[1] = R, ..., x[LAYERS] = 0.
    x: [f64; LAYERS + 1],
    /// f(x[i]).
    f: [f64; LAYERS + 1],
    /// x[i] * 2^-22: the deviate of uniform bits u in layer i is u * scaled[i].
    scaled: [f64; LAYERS],
    /// Slope of the chord from (x[i], f[i]) to (x[i+1], f[i+1]), i >= 1.
    slope: [f64; LAYERS],
    /// Fast accept when u < accept[i] (the point lies left of the next layer's edge,
    /// wholly under the curve).
    accept: [i32; LAYERS],
}

impl Ziggurat {
    pub(crate) fn new() -> Ziggurat {
        let mut x = [0.0; LAYERS + 1];
        let mut f = [0.0; LAYERS + 1];
        x[0] = V / density(R);
        x[1] = R;
        for i in 1..LAYERS - 1 {
            // Layer i spans [0, x[i]] x [f(x[i]), f(x[i+1])] with area V.
            let fi = density(x[i]) + V / x[i];
            x[i + 1] = (-2.0 * fi.ln()).max(0.0).sqrt();
        }
        x[LAYERS] = 0.0;
        for i in 0..=LAYERS {
            f[i] = density(x[i]);
        }
        f[0] = density(R); // the base layer's top is f(R)
        let mut scaled = [0.0; LAYERS];
        let mut accept = [0i32; LAYERS];
        for i in 0..LAYERS {
            scaled[i] = x[i] * U_SCALE;
            accept[i] = ((x[i + 1] / x[i]) * (1u64 << U_BITS) as f64) as i32;
        }
        let mut slope = [0.0; LAYERS];
        for i in 1..LAYERS {
            slope[i] = (f[i + 1] - f[i]) / (x[i + 1] - x[i]);
        }
        Ziggurat {
            x,
            f,
            slope,
            scaled,
            accept,
        }
    }

    /// The fast path for a 32-bit word: the deviate and whether it stands (false: the
    /// word must go to the slow path). No data-dependent branch, so a loop of these
    /// runs in vector registers.
    #[inline(always)]
    fn fast(&self, w: u32) -> (f64, bool) {
        let i = (w & (LAYERS as u32 - 1)) as usize;
        let u = (w >> (32 - U_BITS)) as i32;
        let x = f64::from(u) * self.scaled[i];
        // The sign bit of the word moved to the float's sign bit.
        let x = f64::from_bits(x.to_bits() ^ (u64::from(w & SIGN_BIT) << (63 - SIGN_SHIFT)));
        (x, u < self.accept[i])
    }

    /// One deviate from a 32-bit word (slow paths draw more words from `rng`).
    #[inline(always)]
    pub(crate) fn deviate<G: RngCore>(&self, w: u32, rng: &mut G) -> f64 {
        match self.fast(w) {
            (x, true) => x,
            _ => self.slow(w, rng),
        }
    }

    /// Standard normal pairs for a block: `a[k]` and `b[k]` from the two halves of
    /// word k, the words drawn from `rng` (their count a multiple of [`LANES`]); the
    /// few rejected draws are redone with words from `spare`.
    #[inline(always)]
    pub(crate) fn fill_pairs<G: RngCore>(
        &self,
        rng: &mut Xoshiro256PlusPlusX8,
        spare: &mut G,
        words: &mut [u64],
        a: &mut [f64],
        b: &mut [f64],
    ) {
        assert!(words.len().is_multiple_of(LANES) && words.len() <= MAX_BLOCK);
        assert!(a.len() == words.len() && b.len() == words.len());
        for c in words.chunks_exact_mut(LANES) {
            rng.fill(c);
        }
        // Pass 1, branch-free: every deviate by the fast path, and a flag per word
        // (bit 0: first half rejected, bit 1: second half rejected).
        let mut flags = [0u8; MAX_BLOCK];
        let flags = &mut flags[..words.len()];
        for (((w, x), y), f) in words
            .iter()
            .zip(a.iter_mut())
            .zip(b.iter_mut())
            .zip(flags.iter_mut())
        {
            let (v0, ok0) = self.fast(*w as u32);
            let (v1, ok1) = self.fast((*w >> 32) as u32);
            *x = v0;
            *y = v1;
            *f = u8::from(!ok0) | (u8::from(!ok1) << 1);
        }
        // Pass 2: the few rejected deviates (about 3 in 100 words), found eight flags at
        // a time, redone by the slow path.
        for (g, eight) in flags.chunks_exact(8).enumerate() {
            let mut bits = u64::from_le_bytes(eight.try_into().expect("eight flags"));
            while bits != 0 {
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                let k = g * 8 + (bit / 8) as usize;
                let w = words[k];
                if bit % 8 == 0 {
                    a[k] = self.slow(w as u32, spare);
                } else {
                    b[k] = self.slow((w >> 32) as u32, spare);
                }
            }
        }
    }

    /// Two deviates from one 64-bit word.
    #[inline(always)]
    pub(crate) fn pair<G: RngCore>(&self, rng: &mut G) -> (f64, f64) {
        let w = rng.next_u64();
        let a = self.deviate(w as u32, rng);
        let b = self.deviate((w >> 32) as u32, rng);
        (a, b)
    }

    /// The rejection part: wedges, the tail and fresh tries.
    #[cold]
    #[inline(never)]
    fn slow<G: RngCore>(&self, mut w: u32, rng: &mut G) -> f64 {
        loop {
            let i = (w & (LAYERS as u32 - 1)) as usize;
            let u = w >> (32 - U_BITS);
            let negative = w & SIGN_BIT != 0;
            let sign = |x: f64| if negative { -x } else { x };
            let x = u as f64 * self.scaled[i];
            if x < self.x[i + 1] {
                return sign(x);
            }
            if i == 0 {
                // Tail beyond R (Marsaglia 1964): exact.
                loop {
                    let a = -open01(rng).ln() / R;
                    let b = -open01(rng).ln();
                    if b + b > a * a {
                        return sign(R + a);
                    }
                }
            }
            let y = self.f[i] + open01(rng) * (self.f[i + 1] - self.f[i]);
            // The chord through the layer's corners settles most wedge points without
            // exp: the density lies above it where it is concave (|x| < 1), below it
            // where it is convex (|x| > 1).
            let chord = self.f[i] + (x - self.x[i]) * self.slope[i];
            let settled = if self.x[i] <= 1.0 && y <= chord {
                Some(true)
            } else if self.x[i + 1] >= 1.0 && y > chord {
                Some(false)
            } else {
                None
            };
            if settled.unwrap_or_else(|| y < density(x)) {
                return sign(x);
            }
            w = rng.next_u32();
        }
    }

    /// The layer edges (for tests).
    #[cfg(test)]
    fn edges(&self) -> &[f64; LAYERS + 1] {
        &self.x
    }
}

/// A uniform in (0, 1) with 53 random bits.
fn open01<G: RngCore>(rng: &mut G) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The most words [`Ziggurat::fill_pairs`] takes at once.
pub(crate) const MAX_BLOCK: usize = 1024;

/// Lanes of [`Xoshiro256PlusPlusX8`].
pub(crate) const LANES: usize = 8;

/// Eight Xoshiro256++ generators (Blackman & Vigna) stepped together: lane j gives
/// words j, j + 8, j + 16, ... Each lane is the generator of `rand_xoshiro`, laid out
/// so that the compiler steps all lanes with vector instructions.
#[derive(Clone, Debug)]
pub(crate) struct Xoshiro256PlusPlusX8 {
    s: [[u64; LANES]; 4],
}

impl Xoshiro256PlusPlusX8 {
    /// Seeds every lane with four words from `seeder` (an all-zero state, which
    /// Xoshiro cannot leave, is drawn again).
    pub(crate) fn from_rng<G: RngCore>(seeder: &mut G) -> Self {
        let mut s = [[0u64; LANES]; 4];
        for j in 0..LANES {
            while (0..4).all(|k| s[k][j] == 0) {
                for row in s.iter_mut() {
                    row[j] = seeder.next_u64();
                }
            }
        }
        Xoshiro256PlusPlusX8 { s }
    }

    /// The next word of every lane, into `out` (LANES long).
    #[inline(always)]
    pub(crate) fn fill(&mut self, out: &mut [u64]) {
        let [s0, s1, s2, s3] = &mut self.s;
        for j in 0..LANES {
            out[j] = s0[j]
                .wrapping_add(s3[j])
                .rotate_left(23)
                .wrapping_add(s0[j]);
            let t = s1[j] << 17;
            s2[j] ^= s0[j];
            s3[j] ^= s1[j];
            s1[j] ^= s2[j];
            s0[j] ^= s3[j];
            s2[j] ^= t;
            s3[j] = s3[j].rotate_left(45);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Standard normal CDF (erfc by the crate's own routine is not used: an
    /// independent continued-fraction-free series good to 1e-12 for |x| < 8).
    fn phi(x: f64) -> f64 {
        // Abramowitz & Stegun 26.2.11-style series: Phi(x) = 1/2 + phi(x) sum x^(2n+1)/(1*3*...*(2n+1)).
        let mut term = x;
        let mut sum = x;
        for n in 1..400 {
            term *= x * x / (2 * n + 1) as f64;
            sum += term;
            if term.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        0.5 + sum * (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
    }

    #[test]
    fn layers_have_equal_area_and_close_at_zero() {
        let z = Ziggurat::new();
        let x = z.edges();
        // The recursion must land at (nearly) the top of the curve: the top layer's
        // area equals the others'.
        let top = x[LAYERS - 1] * (1.0 - density(x[LAYERS - 1]));
        assert!((top - V).abs() < 1e-9 * V, "top layer area {top} vs {V}");
        // Base layer: rectangle to R plus the tail = V.
        let tail = (std::f64::consts::PI / 2.0).sqrt() * 2.0 * (1.0 - phi(R));
        let base = R * density(R) + tail;
        assert!((base - V).abs() < 1e-9 * V, "base area {base} vs {V}");
        for i in 1..LAYERS {
            assert!(x[i + 1] < x[i], "edges decrease");
        }
    }

    #[test]
    fn deviates_follow_the_normal_distribution() {
        let z = Ziggurat::new();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let n = 4_000_000usize;
        // Bins edges chosen to cover the body, the wedges and the tail beyond R.
        let edges = [
            -4.0, -R, -3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, R, 4.0,
        ];
        let mut counts = vec![0u64; edges.len() + 1];
        let (mut s1, mut s2, mut s4) = (0.0, 0.0, 0.0);
        let mut corr = 0.0;
        for _ in 0..n / 2 {
            let (a, b) = z.pair(&mut rng);
            for v in [a, b] {
                let k = edges.iter().take_while(|&&e| v > e).count();
                counts[k] += 1;
                s1 += v;
                s2 += v * v;
                s4 += v * v * v * v;
            }
            corr += a * b;
        }
        let nf = n as f64;
        assert!((s1 / nf).abs() < 5.0 / nf.sqrt(), "mean {}", s1 / nf);
        assert!((s2 / nf - 1.0).abs() < 5.0 * 2f64.sqrt() / nf.sqrt());
        assert!((s4 / nf - 3.0).abs() < 5.0 * 96f64.sqrt() / nf.sqrt());
        // The two halves of a word are independent.
        assert!((corr / (nf / 2.0)).abs() < 5.0 / (nf / 2.0).sqrt());
        // Chi-square over the bins (13 degrees of freedom: 1e-6 quantile ~ 50).
        let mut chi2 = 0.0;
        for k in 0..counts.len() {
            let lo = if k == 0 {
                f64::NEG_INFINITY
            } else {
                edges[k - 1]
            };
            let hi = if k == edges.len() {
                f64::INFINITY
            } else {
                edges[k]
            };
            let p = phi_or(hi) - phi_or(lo);
            let e = p * nf;
            chi2 += (counts[k] as f64 - e).powi(2) / e;
        }
        assert!(chi2 < 50.0, "chi2 {chi2}, counts {counts:?}");
    }

    fn phi_or(x: f64) -> f64 {
        if x == f64::INFINITY {
            1.0
        } else if x == f64::NEG_INFINITY {
            0.0
        } else if x < 0.0 {
            1.0 - phi(-x)
        } else {
            phi(x)
        }
    }

    #[test]
    fn tail_beyond_r_has_the_right_weight() {
        // P(|X| > R) = 2 (1 - Phi(R)) = 1.17e-4: checked over 2e7 deviates.
        let z = Ziggurat::new();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let n = 20_000_000u64;
        let mut beyond = 0u64;
        let mut beyond4 = 0u64;
        for _ in 0..n / 2 {
            let (a, b) = z.pair(&mut rng);
            beyond += (a.abs() > R) as u64 + (b.abs() > R) as u64;
            beyond4 += (a.abs() > 4.0) as u64 + (b.abs() > 4.0) as u64;
        }
        for (count, t) in [(beyond, R), (beyond4, 4.0)] {
            let p = 2.0 * (1.0 - phi(t));
            let e = p * n as f64;
            let sd = e.sqrt();
            assert!(
                (count as f64 - e).abs() < 5.0 * sd,
                "beyond {t}: {count} vs {e:.0} +- {sd:.0}"
            );
        }
    }

    #[test]
    fn every_lane_is_xoshiro256_plus_plus() {
        let mut seeder = Xoshiro256PlusPlus::seed_from_u64(99);
        let mut copy = seeder.clone();
        let mut wide = Xoshiro256PlusPlusX8::from_rng(&mut seeder);
        let mut lanes: Vec<Xoshiro256PlusPlus> = (0..LANES)
            .map(|_| {
                let mut seed = [0u8; 32];
                for k in 0..4 {
                    seed[8 * k..8 * k + 8].copy_from_slice(&copy.next_u64().to_le_bytes());
                }
                seed
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(Xoshiro256PlusPlus::from_seed)
            .collect();
        // from_rng gives lane j the seeder's words 4j..4j+4 (state words 0..3).
        let mut out = [0u64; LANES];
        for _ in 0..1000 {
            wide.fill(&mut out);
            for (j, lane) in lanes.iter_mut().enumerate() {
                assert_eq!(out[j], lane.next_u64(), "lane {j}");
            }
        }
    }

    #[test]
    fn block_fill_equals_one_at_a_time() {
        // fill_pairs gives the same deviates as from_bits word by word, slow paths included.
        let z = Ziggurat::new();
        let mut seeder = Xoshiro256PlusPlus::seed_from_u64(5);
        let mut wide = Xoshiro256PlusPlusX8::from_rng(&mut seeder);
        let mut wide2 = wide.clone();
        let mut spare = Xoshiro256PlusPlus::seed_from_u64(6);
        let mut spare2 = spare.clone();
        let (mut words, mut a, mut b) = (vec![0u64; 256], vec![0.0; 256], vec![0.0; 256]);
        let mut w2 = [0u64; LANES];
        let mut slow_seen = 0;
        for _ in 0..50 {
            z.fill_pairs(&mut wide, &mut spare, &mut words, &mut a, &mut b);
            let mut ws = Vec::new();
            for _ in 0..256 / LANES {
                wide2.fill(&mut w2);
                ws.extend_from_slice(&w2);
            }
            assert_eq!(ws, words);
            for k in 0..256 {
                slow_seen += (!z.fast(ws[k] as u32).1) as usize;
                assert_eq!(a[k], z.deviate(ws[k] as u32, &mut spare2));
                slow_seen += (!z.fast((ws[k] >> 32) as u32).1) as usize;
                assert_eq!(b[k], z.deviate((ws[k] >> 32) as u32, &mut spare2));
            }
        }
        assert!(slow_seen > 100, "slow path exercised {slow_seen} times");
    }
}
