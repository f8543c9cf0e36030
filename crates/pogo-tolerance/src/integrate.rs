//! Hit probabilities (analytic), the joint contact yield (randomized quasi-Monte
//! Carlo over the shared variables) and the Monte Carlo cross-checks.

use crate::geom::Pt;
use crate::model::{Law, Model, ProbeModel, SharedSource};
use crate::normal::{Xoshiro256PlusPlusX8, Ziggurat};
use crate::prob::{Cov, normal_quantile, probability_in_region, probability_isotropic};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre recurrence).
pub(crate) fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=n {
                let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                p0 = p1;
                p1 = p2;
            }
            let pn = if n == 0 {
                1.0
            } else if n == 1 {
                x
            } else {
                p1
            };
            let pn1 = if n == 1 { 1.0 } else { p0 };
            dp = n as f64 * (x * pn - pn1) / (x * x - 1.0);
            let dx = pn / dp;
            x -= dx;
            if dx.abs() < 1e-16 {
                break;
            }
        }
        out.push((x, 2.0 / ((1.0 - x * x) * dp * dp)));
    }
    out
}

/// A uniform source seen at one probe: a 2 x k map of its k variables.
#[derive(Clone, Debug)]
struct UniformAt {
    /// Planar (disc of radius `size`) when two columns, interval otherwise.
    cols: Vec<Pt>,
    size: f64,
}

/// Quadrature rule (weight, shift) over the uniform sources at a probe, given the
/// smallest normal sigma they are smoothed by: the tensor rule when it has at most
/// [`MAX_TENSOR_NODES`] nodes, else randomized quasi-Monte Carlo with 4096 points.
fn uniform_rule(sources: &[UniformAt], sigma: f64, seed: u64) -> Vec<(f64, Pt)> {
    tensor_rule(sources, sigma).unwrap_or_else(|| qmc_uniform(sources, 4096, seed, 1))
}

/// The most nodes of a tensor rule over uniform sources.
const MAX_TENSOR_NODES: usize = 8192;

/// Gauss-Legendre tensor rule (weight, shift) over the uniform sources, with nodes
/// enough for the smallest normal sigma that smooths them; None when it would need
/// more than [`MAX_TENSOR_NODES`] nodes.
fn tensor_rule(sources: &[UniformAt], sigma: f64) -> Option<Vec<(f64, Pt)>> {
    let mut rule = vec![(1.0, Pt::default())];
    let mut total = 1usize;
    let mut groups: Vec<Vec<(f64, Pt)>> = Vec::new();
    for s in sources {
        let reach = s.size * s.cols.iter().map(|c| c.norm()).fold(0.0, f64::max);
        let ratio = reach / sigma.max(1e-12);
        let nodes = if s.cols.len() == 2 {
            let nr = ((2.0 * ratio).ceil() as usize + 4).clamp(6, 32);
            let nphi = (2 * nr).clamp(12, 64);
            let gl = gauss_legendre(nr);
            let mut v = Vec::with_capacity(nr * nphi);
            for &(x, w) in &gl {
                let rho = s.size * (1.0 + x) / 2.0;
                let wr = w / 2.0 * 2.0 * rho / s.size; // normalised area weight
                for j in 0..nphi {
                    let phi = std::f64::consts::TAU * (j as f64 + 0.5) / nphi as f64;
                    let (sn, cs) = phi.sin_cos();
                    let shift = s.cols[0] * (rho * cs) + s.cols[1] * (rho * sn);
                    v.push((wr / nphi as f64, shift));
                }
            }
            v
        } else {
            let n = ((3.0 * ratio).ceil() as usize + 4).clamp(8, 64);
            gauss_legendre(n)
                .into_iter()
                .map(|(x, w)| (w / 2.0, s.cols[0] * (s.size * x)))
                .collect()
        };
        total = total.saturating_mul(nodes.len());
        groups.push(nodes);
    }
    if total > MAX_TENSOR_NODES {
        return None;
    }
    for g in groups {
        let mut next = Vec::with_capacity(rule.len() * g.len());
        for &(w0, s0) in &rule {
            for &(w1, s1) in &g {
                next.push((w0 * w1, s0 + s1));
            }
        }
        rule = next;
    }
    Some(rule)
}

/// Halton points `first..first + n` (equal weights 1/n) over the uniform sources,
/// randomly shifted (Cranley-Patterson) by a shift drawn from `seed`.
fn qmc_uniform(sources: &[UniformAt], n: usize, seed: u64, first: usize) -> Vec<(f64, Pt)> {
    let dims: usize = sources.iter().map(|s| s.cols.len()).sum();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let shift: Vec<f64> = (0..dims).map(|_| rng.r#gen::<f64>()).collect();
    (first..first + n)
        .map(|i| {
            let mut k = 0;
            let mut p = Pt::default();
            for s in sources {
                if s.cols.len() == 2 {
                    let u1 = (halton(i, k) + shift[k]).fract();
                    let u2 = (halton(i, k + 1) + shift[k + 1]).fract();
                    let rho = s.size * u1.sqrt();
                    let phi = std::f64::consts::TAU * u2;
                    p = p + s.cols[0] * (rho * phi.cos()) + s.cols[1] * (rho * phi.sin());
                    k += 2;
                } else {
                    let u = (halton(i, k) + shift[k]).fract();
                    p = p + s.cols[0] * (s.size * (2.0 * u - 1.0));
                    k += 1;
                }
            }
            (1.0 / n as f64, p)
        })
        .collect()
}

const PRIMES: [u64; 16] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

/// Radical inverse of `i` in the base of the `dim`-th prime.
pub(crate) fn halton(i: usize, dim: usize) -> f64 {
    let b = PRIMES[dim % PRIMES.len()];
    let mut f = 1.0;
    let mut r = 0.0;
    let mut i = i as u64;
    while i > 0 {
        f /= b as f64;
        r += f * (i % b) as f64;
        i /= b;
    }
    r
}

/// The distribution of one probe's tip: normal part (mean, cov) and uniform sources.
pub(crate) struct TipLaw {
    pub mean: Pt,
    pub normal_cov: Cov,
    uniform: Vec<UniformAt>,
}

impl TipLaw {
    /// Full covariance (uniform sources included), mm^2.
    pub(crate) fn total_cov(&self) -> Cov {
        let mut c = self.normal_cov;
        for u in &self.uniform {
            let v = crate::model::uniform_var(u.size, u.cols.len() == 2);
            for col in &u.cols {
                c[0][0] += v * col.x * col.x;
                c[0][1] += v * col.x * col.y;
                c[1][0] += v * col.x * col.y;
                c[1][1] += v * col.y * col.y;
            }
        }
        c
    }
}

fn add_outer(c: &mut Cov, v: Pt, w: f64) {
    c[0][0] += w * v.x * v.x;
    c[0][1] += w * v.x * v.y;
    c[1][0] += w * v.x * v.y;
    c[1][1] += w * v.y * v.y;
}

/// The marginal law of probe i's tip offset (shared sources included).
pub(crate) fn tip_law(m: &Model, p: &ProbeModel) -> TipLaw {
    let lv = p.local_normal_var();
    let mut cov = [[lv, 0.0], [0.0, lv]];
    let mut uniform = Vec::new();
    for s in &m.shared {
        let cols: Vec<Pt> = s.cols.iter().map(|c| p.jz(c)).collect();
        match s.law {
            Law::Normal => cols
                .iter()
                .for_each(|c| add_outer(&mut cov, *c, s.size * s.size)),
            Law::Uniform => uniform.push(UniformAt { cols, size: s.size }),
        }
    }
    for s in p.local.iter().filter(|s| s.law == Law::Uniform) {
        uniform.push(UniformAt {
            cols: vec![Pt::new(1.0, 0.0), Pt::new(0.0, 1.0)],
            size: s.size,
        });
    }
    TipLaw {
        mean: p.mean,
        normal_cov: cov,
        uniform,
    }
}

impl UniformAt {
    /// The farthest the source can move the tip, mm (a bound: for a disc through two
    /// columns, |c0 u0 + c1 u1| <= sqrt(|c0|^2 + |c1|^2) for |u| <= 1).
    fn reach(&self) -> f64 {
        self.size * self.cols.iter().map(|c| c.dot(*c)).sum::<f64>().sqrt()
    }
}

/// The smallest and largest standard deviations of a covariance (roots of its
/// eigenvalues).
fn sigma_range(c: &Cov) -> (f64, f64) {
    let tr = c[0][0] + c[1][1];
    let det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    let spread = (tr * tr / 4.0 - det).max(0.0).sqrt();
    let root = |v: f64| v.max(0.0).sqrt();
    (root(tr / 2.0 - spread), root(tr / 2.0 + spread))
}

/// Hit probability of a tip law on a probe's region.
///
/// With uniform sources the normal probability is averaged over them: by a tensor
/// Gauss-Legendre rule when that is small enough, otherwise by randomized quasi-Monte
/// Carlo whose error is controlled: [`RQMC_SHIFTS`] independent random shifts of a
/// Halton sequence, the points doubled until the shifts' standard error is within
/// [`rqmc_tolerance`] (a fifth of a 10^6-sample Monte Carlo's standard error) at two
/// doublings running, or [`RQMC_MOST`] points per shift.
pub(crate) fn hit_probability(p: &ProbeModel, law: &TipLaw, seed: u64) -> f64 {
    let centre = p.pos + law.mean;
    let at =
        |s: Pt| probability_in_region(&p.region, [centre.x + s.x, centre.y + s.y], &law.normal_cov);
    if law.uniform.is_empty() {
        return at(Pt::default());
    }
    // Far from the region's boundary (inside or outside) for every uniform shift, by
    // nine normal sigmas: the shifts cannot matter above 1e-18.
    let reach: f64 = law.uniform.iter().map(UniformAt::reach).sum();
    let (sigma_min, sigma_max) = sigma_range(&law.normal_cov);
    if p.region.margin(centre).abs() > reach + 9.0 * sigma_max {
        return at(Pt::default());
    }
    if let Some(rule) = tensor_rule(&law.uniform, sigma_min) {
        let sum: f64 = rule.iter().map(|(w, s)| w * at(*s)).sum();
        return sum.clamp(0.0, 1.0);
    }
    rqmc_mean(&law.uniform, at, seed).0.clamp(0.0, 1.0)
}

/// Independent random shifts of the error-controlled quasi-Monte Carlo.
const RQMC_SHIFTS: usize = 16;
/// Points per shift: first and most.
const RQMC_FIRST: usize = 256;
const RQMC_MOST: usize = 16_384;

/// The standard error the quasi-Monte Carlo of a hit probability `p` aims at: a
/// fifth of the standard error of a 10^6-sample Monte Carlo of it, at least 1e-7
/// (so a Monte Carlo cross-check's spread grows by at most 2%).
fn rqmc_tolerance(p: f64) -> f64 {
    (0.2 * (p * (1.0 - p) / 1e6).sqrt()).max(1e-7)
}

/// Mean of `f` over the uniform sources and its standard error, by randomized
/// quasi-Monte Carlo with the points doubled until the error is within tolerance.
fn rqmc_mean(sources: &[UniformAt], f: impl Fn(Pt) -> f64, seed: u64) -> (f64, f64) {
    let mut sums = [0.0; RQMC_SHIFTS];
    let mut n = 0;
    let mut add = RQMC_FIRST;
    // The shifts' spread is itself an estimate: stop when it is within tolerance
    // twice running.
    let mut within_before = false;
    loop {
        for (k, sum) in sums.iter_mut().enumerate() {
            let shift_seed = seed.wrapping_mul(RQMC_SHIFTS as u64).wrapping_add(k as u64);
            *sum += qmc_uniform(sources, add, shift_seed, n + 1)
                .iter()
                .map(|(_, s)| f(*s))
                .sum::<f64>();
        }
        n += add;
        let means: Vec<f64> = sums.iter().map(|s| s / n as f64).collect();
        let mean = means.iter().sum::<f64>() / RQMC_SHIFTS as f64;
        let var =
            means.iter().map(|m| (m - mean) * (m - mean)).sum::<f64>() / (RQMC_SHIFTS - 1) as f64;
        let se = (var / RQMC_SHIFTS as f64).sqrt();
        let within = se <= rqmc_tolerance(mean);
        if (within && within_before) || n >= RQMC_MOST {
            return (mean, se);
        }
        within_before = within;
        add = n;
    }
}

/// Lower Cholesky factor of a 4x4 positive semi-definite matrix.
pub(crate) fn cholesky4(a: &[[f64; 4]; 4]) -> [[f64; 4]; 4] {
    let mut l = [[0.0; 4]; 4];
    let scale = (0..4).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    for j in 0..4 {
        let mut d = a[j][j];
        for k in 0..j {
            d -= l[j][k] * l[j][k];
        }
        if d <= 1e-14 * scale || d <= 0.0 {
            continue;
        }
        let ljj = d.sqrt();
        l[j][j] = ljj;
        for i in j + 1..4 {
            let mut s = a[i][j];
            for k in 0..j {
                s -= l[i][k] * l[j][k];
            }
            l[i][j] = s / ljj;
        }
    }
    l
}

/// A probe's law given the shared variables: local normal covariance, the
/// quadrature rule over its local uniform sources and, for a round pad, its hit
/// probability as a function of the distance from the pad centre.
type Conditional = (Cov, Vec<(f64, Pt)>, Option<Radial>);

/// Yield points evaluated together, probe by probe.
const Z_CHUNK: usize = 32;

/// Nodes of a [`Radial`] table.
const RADIAL_NODES: usize = 48;

/// The conditional hit probability of a round pad (a disc region) under an isotropic
/// normal depends only on the distance d from the disc's centre: a Chebyshev
/// interpolant of it over the distances the yield's points reach. Built only when
/// it reproduces direct evaluations between its nodes to 1e-10 (the boundary
/// integral's own accuracy).
struct Radial {
    centre: Pt,
    lo: f64,
    hi: f64,
    coef: Vec<f64>,
}

/// cos(j theta_k), theta_k = pi (k + 1/2) / n, for the [`Radial`] tables' n nodes
/// (row j, column k), computed once.
fn radial_cosines() -> &'static [f64] {
    static COSINES: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    COSINES.get_or_init(|| {
        let n = RADIAL_NODES;
        let theta = |k: usize| std::f64::consts::PI * (k as f64 + 0.5) / n as f64;
        (0..n * n)
            .map(|i| ((i / n) as f64 * theta(i % n)).cos())
            .collect()
    })
}

impl Radial {
    /// The table for a disc region over distances [lo, hi] (mm), or None when the
    /// region is not a disc or the interpolant misses its checks.
    fn build(region: &crate::geom::Region, sigma: f64, lo: f64, hi: f64) -> Option<Radial> {
        let f = region.round_rect_frame()?;
        if f.inner_half_w_mm != 0.0
            || f.inner_half_h_mm != 0.0
            || hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater)
        {
            return None;
        }
        let at = |d: f64| probability_isotropic(region, f.centre + Pt::new(d, 0.0), sigma);
        let n = RADIAL_NODES;
        let half = 0.5 * (hi - lo);
        let mid = 0.5 * (hi + lo);
        let theta = |k: usize| std::f64::consts::PI * (k as f64 + 0.5) / n as f64;
        let values: Vec<f64> = (0..n).map(|k| at(mid + half * theta(k).cos())).collect();
        let cosines = radial_cosines();
        let mut coef: Vec<f64> = (0..n)
            .map(|j| {
                let s: f64 = (0..n).map(|k| values[k] * cosines[j * n + k]).sum();
                s * 2.0 / n as f64
            })
            .collect();
        // The tail whose coefficients add up to under 1e-15 changes no value by more
        // (|T_j| <= 1): left out of every evaluation.
        let mut tail = 0.0;
        while coef.len() > 1 {
            tail += coef[coef.len() - 1].abs();
            if tail > 1e-15 {
                break;
            }
            coef.pop();
        }
        let table = Radial {
            centre: f.centre,
            lo,
            hi,
            coef,
        };
        // Checks between the nodes, where an interpolant errs most.
        for t in [0.013, 0.29, 0.5, 0.71, 0.987] {
            let d = lo + (hi - lo) * t;
            if (table.at_distance(d) - at(d)).abs() > 1e-10 {
                return None;
            }
        }
        Some(table)
    }

    /// Clenshaw's sum of the Chebyshev series at distance d (clamped to the table).
    fn at_distance(&self, d: f64) -> f64 {
        let x = ((2.0 * d - self.lo - self.hi) / (self.hi - self.lo)).clamp(-1.0, 1.0);
        let (mut b1, mut b2) = (0.0, 0.0);
        for &c in self.coef[1..].iter().rev() {
            let b0 = 2.0 * x * b1 - b2 + c;
            b2 = b1;
            b1 = b0;
        }
        (x * b1 - b2 + 0.5 * self.coef[0]).clamp(0.0, 1.0)
    }

    fn at(&self, p: Pt) -> f64 {
        self.at_distance((p - self.centre).norm())
    }

    /// [`Radial::at_distance`] of many distances in lockstep (the same operations on
    /// each, so the same values; the loop over the distances vectorises).
    fn at_distances(&self, d: &[f64; Z_CHUNK], out: &mut [f64; Z_CHUNK]) {
        let (lo, hi) = (self.lo, self.hi);
        let x = d.map(|d| ((2.0 * d - lo - hi) / (hi - lo)).clamp(-1.0, 1.0));
        let (mut b1, mut b2) = ([0.0; Z_CHUNK], [0.0; Z_CHUNK]);
        for &c in self.coef[1..].iter().rev() {
            for k in 0..Z_CHUNK {
                let b0 = 2.0 * x[k] * b1[k] - b2[k] + c;
                b2[k] = b1[k];
                b1[k] = b0;
            }
        }
        for k in 0..Z_CHUNK {
            out[k] = (x[k] * b1[k] - b2[k] + 0.5 * self.coef[0]).clamp(0.0, 1.0);
        }
    }
}

/// Joint contact yield and its standard error by randomized quasi-Monte Carlo over the
/// shared variables (Halton points, `shifts` random shifts), exact conditional
/// per-probe probabilities multiplied.
pub(crate) fn contact_yield(m: &Model, points: usize, seed: u64) -> (f64, f64) {
    contact_yield_and_head(m, points, points, seed).0
}

/// [`contact_yield`] with `points`, and the yield estimated from the head of the same
/// run: the first `head` points (as [`contact_yield`] with `head` points draws them,
/// the Halton points of each shift being the same), without evaluating them twice.
pub(crate) fn contact_yield_and_head(
    m: &Model,
    points: usize,
    head: usize,
    seed: u64,
) -> ((f64, f64), f64) {
    let shifts = 8usize;
    let per = (points / shifts).max(8);
    let lz = cholesky4(&m.z_cov());
    let uni: Vec<&SharedSource> = m.shared.iter().filter(|s| s.law == Law::Uniform).collect();
    let dims = 4 + uni.iter().map(|s| s.cols.len()).sum::<usize>();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    let shift_sets: Vec<Vec<f64>> = (0..shifts)
        .map(|_| (0..dims).map(|_| rng.r#gen::<f64>()).collect())
        .collect();
    // Outer points: z for every (shift, index).
    let uni = &uni;
    let zs: Vec<[f64; 4]> = shift_sets
        .iter()
        .flat_map(|sh| {
            (1..=per).map(move |i| {
                let u: Vec<f64> = (0..dims).map(|k| (halton(i, k) + sh[k]).fract()).collect();
                let xi: Vec<f64> = u[..4]
                    .iter()
                    .map(|&x| normal_quantile(x.clamp(1e-15, 1.0 - 1e-15)))
                    .collect();
                let mut z = [0.0; 4];
                for (a, row) in lz.iter().enumerate() {
                    z[a] = (0..4).map(|b| row[b] * xi[b]).sum();
                }
                let mut k = 4;
                for s in uni {
                    let v: Vec<f64> = if s.cols.len() == 2 {
                        let rho = s.size * u[k].sqrt();
                        let phi = std::f64::consts::TAU * u[k + 1];
                        vec![rho * phi.cos(), rho * phi.sin()]
                    } else {
                        vec![s.size * (2.0 * u[k] - 1.0)]
                    };
                    for (col, x) in s.cols.iter().zip(&v) {
                        for a in 0..4 {
                            z[a] += col[a] * x;
                        }
                    }
                    k += s.cols.len();
                }
                z
            })
        })
        .collect();
    // Per probe: the conditional law (local sources only) and whether it can miss.
    let cond: Vec<Option<Conditional>> = m
        .probes
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let lv = p.local_normal_var();
            let cov = [[lv, 0.0], [0.0, lv]];
            let uni_local: Vec<UniformAt> = p
                .local
                .iter()
                .filter(|s| s.law == Law::Uniform)
                .map(|s| UniformAt {
                    cols: vec![Pt::new(1.0, 0.0), Pt::new(0.0, 1.0)],
                    size: s.size,
                })
                .collect();
            let reach_local: f64 = uni_local.iter().map(|u| u.size).sum();
            let max_shift = zs.iter().map(|z| p.jz(z).norm()).fold(0.0, f64::max);
            let margin = p.region.margin(p.pos + p.mean);
            let sigma = lv.sqrt().max(1e-6);
            if margin - max_shift - reach_local > 9.0 * sigma {
                return None; // misses with probability below 1e-17 at every point
            }
            let rule = if uni_local.is_empty() {
                vec![(1.0, Pt::default())]
            } else {
                uniform_rule(&uni_local, sigma, seed.wrapping_add(i as u64))
            };
            let radial = p.region.round_rect_frame().and_then(|f| {
                // Distances from the pad centre the points reach (rule shifts included).
                let base = p.pos + p.mean - f.centre;
                let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
                for z in &zs {
                    let d = (base + p.jz(z)).norm();
                    lo = lo.min(d);
                    hi = hi.max(d);
                }
                // Enough points to pay for the table's nodes and checks.
                if zs.len() * rule.len() < 2 * RADIAL_NODES {
                    return None;
                }
                Radial::build(
                    &p.region,
                    cov[0][0].sqrt(),
                    (lo - reach_local).max(0.0),
                    hi + reach_local + 1e-9,
                )
            });
            Some((cov, rule, radial))
        })
        .collect();
    let active: Vec<usize> = (0..m.probes.len()).filter(|&i| cond[i].is_some()).collect();
    // Each point's product over the active probes, in probe order; a chunk of points
    // at a time, probe by probe (each probe's figures are read once per chunk, not
    // once per point). A product at 0 stays there: its later probes are skipped.
    let values: Vec<f64> = zs
        .par_chunks(Z_CHUNK)
        .flat_map_iter(|chunk| {
            let mut prods = vec![1.0; chunk.len()];
            for &i in &active {
                let p = &m.probes[i];
                let (cov, rule, radial) = cond[i].as_ref().expect("active");
                let base = p.pos + p.mean;
                if let (Some(table), [(w, shift)]) = (radial, rule.as_slice()) {
                    // A round pad without local uniform sources: its table at every
                    // point of the chunk at once.
                    let mut d = [0.0; Z_CHUNK];
                    for (d, z) in d.iter_mut().zip(chunk) {
                        *d = (base + p.jz(z) + *shift - table.centre).norm();
                    }
                    let mut ph = [0.0; Z_CHUNK];
                    table.at_distances(&d, &mut ph);
                    for (prod, ph) in prods.iter_mut().zip(ph) {
                        if *prod != 0.0 {
                            *prod *= (w * ph).clamp(0.0, 1.0);
                        }
                    }
                    continue;
                }
                // The local law is isotropic: closed forms where the region allows.
                let sigma = cov[0][0].sqrt();
                for (prod, z) in prods.iter_mut().zip(chunk) {
                    if *prod == 0.0 {
                        continue;
                    }
                    let c = base + p.jz(z);
                    let ph: f64 = match radial {
                        Some(table) => rule.iter().map(|(w, s)| w * table.at(c + *s)).sum(),
                        None => rule
                            .iter()
                            .map(|(w, s)| w * probability_isotropic(&p.region, c + *s, sigma))
                            .sum(),
                    };
                    *prod *= ph.clamp(0.0, 1.0);
                }
            }
            prods
        })
        .collect();
    let means: Vec<f64> = values
        .chunks(per)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect();
    let y = means.iter().sum::<f64>() / means.len() as f64;
    let var =
        means.iter().map(|v| (v - y) * (v - y)).sum::<f64>() / (means.len() as f64 - 1.0).max(1.0);
    let head_per = (head / shifts).max(8).min(per);
    let head_y = values
        .chunks(per)
        .map(|c| c[..head_per].iter().sum::<f64>() / head_per as f64)
        .sum::<f64>()
        / shifts as f64;
    (
        (y.clamp(0.0, 1.0), (var / means.len() as f64).sqrt()),
        head_y.clamp(0.0, 1.0),
    )
}

/// A sampler of every random source of the model.
pub(crate) struct Sampler<'a> {
    m: &'a Model,
    lz: [[f64; 4]; 4],
    zig: Ziggurat,
}

impl<'a> Sampler<'a> {
    pub(crate) fn new(m: &'a Model) -> Self {
        Sampler {
            m,
            lz: cholesky4(&m.z_cov()),
            zig: Ziggurat::new(),
        }
    }

    fn disc<R: Rng>(rng: &mut R, a: f64) -> (f64, f64) {
        let rho = a * rng.r#gen::<f64>().sqrt();
        let phi = std::f64::consts::TAU * rng.r#gen::<f64>();
        (rho * phi.cos(), rho * phi.sin())
    }

    /// One draw of the shared variables z.
    pub(crate) fn shared<R: Rng>(&self, rng: &mut R) -> [f64; 4] {
        let (x0, x1) = self.zig.pair(rng);
        let (x2, x3) = self.zig.pair(rng);
        let xi = [x0, x1, x2, x3];
        let mut z = [0.0; 4];
        for a in 0..4 {
            z[a] = (0..4).map(|b| self.lz[a][b] * xi[b]).sum();
        }
        for s in self.m.shared.iter().filter(|s| s.law == Law::Uniform) {
            let v: Vec<f64> = if s.cols.len() == 2 {
                let (x, y) = Self::disc(rng, s.size);
                vec![x, y]
            } else {
                vec![s.size * (2.0 * rng.r#gen::<f64>() - 1.0)]
            };
            for (col, x) in s.cols.iter().zip(&v) {
                for a in 0..4 {
                    z[a] += col[a] * x;
                }
            }
        }
        z
    }

    /// One draw of a probe's local offset.
    pub(crate) fn local<R: Rng>(&self, p: &ProbeModel, rng: &mut R) -> Pt {
        let mut d = Pt::default();
        for s in &p.local {
            match s.law {
                Law::Normal => {
                    let (x, y) = self.zig.pair(rng);
                    d = d + Pt::new(x, y) * s.size;
                }
                Law::Uniform => {
                    let (x, y) = Self::disc(rng, s.size);
                    d = d + Pt::new(x, y);
                }
            }
        }
        d
    }
}

/// Chunk of samples drawn from one random stream.
const CHUNK: u64 = 1 << 16;

/// Samples drawn, transformed and tested together (normals first, then the tests:
/// the loops stay tight, free of each other's branches, and vectorise).
const BLOCK: usize = 512;

/// The key stream of chunk `c` of probe `i`'s Monte Carlo: ChaCha8 on the user's seed,
/// stream `(i << 24) | c`, so every chunk has its own independent random stream and
/// the result does not depend on the thread count.
fn chunk_key(seed: u64, i: usize, c: u64) -> ChaCha8Rng {
    let mut key = ChaCha8Rng::seed_from_u64(seed);
    key.set_stream(((i as u64) << 24) | c);
    key
}

/// What one chunk of an all-normal Monte Carlo needs: tip = centre + L (a, b) with
/// a, b independent standard normals, L the lower Cholesky factor of the covariance.
struct NormalChunk<'a> {
    zig: &'a Ziggurat,
    region: &'a crate::geom::Region,
    centre: Pt,
    l: [[f64; 2]; 2],
}

impl NormalChunk<'_> {
    /// Hits among `n` samples drawn from the chunk's key stream.
    fn hits(&self, key: &mut ChaCha8Rng, n: usize) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above), the only requirement of
            // `hits_avx2`; it computes exactly what `hits_portable` does.
            #[allow(unsafe_code)]
            return unsafe { self.hits_avx2(key, n) };
        }
        self.hits_portable(key, n)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn hits_avx2(&self, key: &mut ChaCha8Rng, n: usize) -> u64 {
        self.hits_body(key, n)
    }

    fn hits_portable(&self, key: &mut ChaCha8Rng, n: usize) -> u64 {
        self.hits_body(key, n)
    }

    /// The body, compiled once per instruction set. Integer and floating-point
    /// operations only (no fused multiply-add), so every variant counts the same hits.
    #[inline(always)]
    fn hits_body(&self, key: &mut ChaCha8Rng, n: usize) -> u64 {
        let mut wide = Xoshiro256PlusPlusX8::from_rng(key);
        let mut spare = Xoshiro256PlusPlus::from_seed(key.r#gen());
        let mut words = [0u64; BLOCK];
        let mut a = [0.0f64; BLOCK];
        let mut b = [0.0f64; BLOCK];
        let (bbox, disc, disc_r2) = self.region.quick_tests();
        let (c, l) = (self.centre, self.l);
        let tip = |a: f64, b: f64| (c.x + l[0][0] * a, c.y + l[1][0] * a + l[1][1] * b);
        // Region::contains split in two: the box and disc tests for every sample
        // (branch-free), the exact test for the few in the box but not in the disc.
        let quick = |x: f64, y: f64| {
            let in_box = (x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3]);
            let (dx, dy) = (x - disc.x, y - disc.y);
            (in_box, dx * dx + dy * dy < disc_r2)
        };
        let mut hits = 0u64;
        let mut done = 0;
        while done < n {
            let k = BLOCK.min(n - done);
            self.zig
                .fill_pairs(&mut wide, &mut spare, &mut words, &mut a, &mut b);
            let mut sure = 0u64;
            let mut unsure = false;
            for (&a, &b) in a[..k].iter().zip(&b[..k]) {
                let (x, y) = tip(a, b);
                let (in_box, in_disc) = quick(x, y);
                sure += u64::from(in_box & in_disc);
                unsure |= in_box & !in_disc;
            }
            hits += sure;
            if unsure {
                for (&a, &b) in a[..k].iter().zip(&b[..k]) {
                    let (x, y) = tip(a, b);
                    let (in_box, in_disc) = quick(x, y);
                    if in_box && !in_disc && self.region.contains_exact(Pt::new(x, y)) {
                        hits += 1;
                    }
                }
            }
            done += k;
        }
        hits
    }
}

/// Monte Carlo hits of probe `i` out of `samples` (marginal: shared sources drawn
/// afresh for every sample). Deterministic for a seed, whatever the thread count.
pub(crate) fn mc_probe(m: &Model, i: usize, law: &TipLaw, samples: u64, seed: u64) -> u64 {
    let p = &m.probes[i];
    let chunks = samples.div_ceil(CHUNK);
    let sampler = Sampler::new(m);
    let normal = NormalChunk {
        zig: &sampler.zig,
        region: &p.region,
        centre: p.pos + law.mean,
        l: crate::prob::cholesky(&law.normal_cov),
    };
    let all_normal = law.uniform.is_empty();
    let run = |c: u64| {
        let mut key = chunk_key(seed, i, c);
        let n = CHUNK.min(samples - c * CHUNK) as usize;
        if all_normal {
            normal.hits(&mut key, n)
        } else {
            let mut rng = Xoshiro256PlusPlus::from_seed(key.r#gen());
            let mut hits = 0u64;
            for _ in 0..n {
                let z = sampler.shared(&mut rng);
                let t = p.pos + p.mean + p.jz(&z) + sampler.local(p, &mut rng);
                hits += p.region.contains(t) as u64;
            }
            hits
        }
    };
    (0..chunks).into_par_iter().map(run).sum()
}

/// Monte Carlo of whole insertions: (insertions with every probe on its pad, total).
pub(crate) fn mc_yield(m: &Model, insertions: u64, seed: u64) -> u64 {
    let sampler = Sampler::new(m);
    let chunk = 4096u64;
    let chunks = insertions.div_ceil(chunk);
    (0..chunks)
        .into_par_iter()
        .map(|c| {
            // Own stream per chunk, as in mc_probe: ChaCha8 key, Xoshiro256++ bulk.
            let mut key = ChaCha8Rng::seed_from_u64(seed ^ 0x5bd1_e995);
            key.set_stream(c);
            let mut rng = Xoshiro256PlusPlus::from_seed(key.r#gen());
            let n = chunk.min(insertions - c * chunk);
            let mut good = 0u64;
            for _ in 0..n {
                let z = sampler.shared(&mut rng);
                let mut all = true;
                for p in &m.probes {
                    let t = p.pos + p.mean + p.jz(&z) + sampler.local(p, &mut rng);
                    if !p.region.contains(t) {
                        all = false;
                    }
                }
                good += all as u64;
            }
            good
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials() {
        for n in [1, 2, 5, 8, 16, 32] {
            let r = gauss_legendre(n);
            let w: f64 = r.iter().map(|x| x.1).sum();
            assert!((w - 2.0).abs() < 1e-13, "n={n} weights {w}");
            let x2: f64 = r.iter().map(|(x, w)| w * x * x).sum();
            if n >= 2 {
                assert!((x2 - 2.0 / 3.0).abs() < 1e-13);
            }
        }
    }

    #[test]
    fn halton_first_points() {
        assert_eq!(halton(1, 0), 0.5);
        assert_eq!(halton(2, 0), 0.25);
        assert!((halton(1, 1) - 1.0 / 3.0).abs() < 1e-15);
        assert!((halton(5, 1) - (2.0 / 3.0 + 1.0 / 9.0)).abs() < 1e-15);
    }
}
