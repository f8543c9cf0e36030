//! Statistical process control: Shewhart charts with the standard constants,
//! capability indices and run rules.
//!
//! - subgroup size 1: individuals and moving range (I-MR), sigma = MR-bar / d2(2);
//! - 2 to 10: X-bar and R, sigma = R-bar / d2;
//! - above 10: X-bar and S, sigma = S-bar / c4.
//!
//! Constants A2, A3, B3, B4, c4, d2, D3, D4 are the tabulated values (ASTM E2587,
//! Montgomery Appendix VI) for n = 2..25, E2 = 3 / d2. Above 25, c4 = 4(n-1)/(4n-3)
//! and A3, B3, B4 follow from c4.
//!
//! Violations are numbered from 0 in the plotted series (subgroup means, or the
//! individual values for I-MR). Western Electric rules: 1 one point beyond 3 sigma;
//! 2 two of three beyond 2 sigma on one side; 3 four of five beyond 1 sigma on one
//! side; 4 eight in a row on one side. Nelson rules: 1 beyond 3 sigma; 2 nine in a row
//! on one side; 3 six in a row steadily increasing or decreasing; 4 fourteen in a row
//! alternating up and down; 5 two of three beyond 2 sigma (same side); 6 four of five
//! beyond 1 sigma (same side); 7 fifteen in a row within 1 sigma; 8 eight in a row
//! beyond 1 sigma on either side. A pattern is reported at each point that completes it.

use crate::{QcError, Result, RowError};
use serde::Serialize;

/// Control chart constants for subgroup size n.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Constants {
    /// Subgroup size.
    pub n: usize,
    /// X-bar limits from the mean range: centre +/- A2 R-bar.
    pub a2: f64,
    /// X-bar limits from the mean standard deviation: centre +/- A3 s-bar.
    pub a3: f64,
    /// S chart lower limit factor: B3 s-bar.
    pub b3: f64,
    /// S chart upper limit factor: B4 s-bar.
    pub b4: f64,
    /// Bias of the sample standard deviation: sigma = s-bar / c4.
    pub c4: f64,
    /// Bias of the range: sigma = R-bar / d2.
    pub d2: f64,
    /// R chart lower limit factor: D3 R-bar.
    pub d3_lower: f64,
    /// R chart upper limit factor: D4 R-bar.
    pub d4: f64,
    /// Individuals limits from the mean moving range: centre +/- E2 MR-bar.
    pub e2: f64,
}

/// n, A2, A3, c4, B3, B4, d2, D3, D4.
type Row = (usize, f64, f64, f64, f64, f64, f64, f64, f64);
const TABLE: [Row; 24] = [
    (2, 1.880, 2.659, 0.7979, 0.0, 3.267, 1.128, 0.0, 3.267),
    (3, 1.023, 1.954, 0.8862, 0.0, 2.568, 1.693, 0.0, 2.574),
    (4, 0.729, 1.628, 0.9213, 0.0, 2.266, 2.059, 0.0, 2.282),
    (5, 0.577, 1.427, 0.9400, 0.0, 2.089, 2.326, 0.0, 2.114),
    (6, 0.483, 1.287, 0.9515, 0.030, 1.970, 2.534, 0.0, 2.004),
    (7, 0.419, 1.182, 0.9594, 0.118, 1.882, 2.704, 0.076, 1.924),
    (8, 0.373, 1.099, 0.9650, 0.185, 1.815, 2.847, 0.136, 1.864),
    (9, 0.337, 1.032, 0.9693, 0.239, 1.761, 2.970, 0.184, 1.816),
    (10, 0.308, 0.975, 0.9727, 0.284, 1.716, 3.078, 0.223, 1.777),
    (11, 0.285, 0.927, 0.9754, 0.321, 1.679, 3.173, 0.256, 1.744),
    (12, 0.266, 0.886, 0.9776, 0.354, 1.646, 3.258, 0.283, 1.717),
    (13, 0.249, 0.850, 0.9794, 0.382, 1.618, 3.336, 0.307, 1.693),
    (14, 0.235, 0.817, 0.9810, 0.406, 1.594, 3.407, 0.328, 1.672),
    (15, 0.223, 0.789, 0.9823, 0.428, 1.572, 3.472, 0.347, 1.653),
    (16, 0.212, 0.763, 0.9835, 0.448, 1.552, 3.532, 0.363, 1.637),
    (17, 0.203, 0.739, 0.9845, 0.466, 1.534, 3.588, 0.378, 1.622),
    (18, 0.194, 0.718, 0.9854, 0.482, 1.518, 3.640, 0.391, 1.608),
    (19, 0.187, 0.698, 0.9862, 0.497, 1.503, 3.689, 0.403, 1.597),
    (20, 0.180, 0.680, 0.9869, 0.510, 1.490, 3.735, 0.415, 1.585),
    (21, 0.173, 0.663, 0.9876, 0.523, 1.477, 3.778, 0.425, 1.575),
    (22, 0.167, 0.647, 0.9882, 0.534, 1.466, 3.819, 0.434, 1.566),
    (23, 0.162, 0.633, 0.9887, 0.545, 1.455, 3.858, 0.443, 1.557),
    (24, 0.157, 0.619, 0.9892, 0.555, 1.445, 3.895, 0.451, 1.548),
    (25, 0.153, 0.606, 0.9896, 0.565, 1.435, 3.931, 0.459, 1.541),
];

/// The constants for subgroup size `n` (2..=25 tabulated; above 25 from c4, and
/// only the S-chart constants are meaningful there).
pub fn constants(n: usize) -> Option<Constants> {
    if let Some(&(n, a2, a3, c4, b3, b4, d2, d3, d4)) = TABLE.iter().find(|r| r.0 == n) {
        return Some(Constants {
            n,
            a2,
            a3,
            b3,
            b4,
            c4,
            d2,
            d3_lower: d3,
            d4,
            e2: 3.0 / d2,
        });
    }
    if n > 25 {
        let nf = n as f64;
        let c4 = 4.0 * (nf - 1.0) / (4.0 * nf - 3.0);
        let k = 3.0 * (1.0 - c4 * c4).sqrt() / c4;
        return Some(Constants {
            n,
            a2: f64::NAN,
            a3: 3.0 / (c4 * nf.sqrt()),
            b3: (1.0 - k).max(0.0),
            b4: 1.0 + k,
            c4,
            d2: f64::NAN,
            d3_lower: f64::NAN,
            d4: f64::NAN,
            e2: f64::NAN,
        });
    }
    None
}

/// Which pair of control charts, by subgroup size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChartKind {
    /// Subgroup means and ranges (subgroups of 2 to 10).
    #[serde(rename = "xbar_r")]
    XbarR,
    /// Subgroup means and standard deviations (subgroups above 10).
    #[serde(rename = "xbar_s")]
    XbarS,
    /// Individual values and moving ranges (subgroups of 1).
    #[serde(rename = "i_mr")]
    IMr,
}

impl ChartKind {
    /// Titles of the location and dispersion charts.
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            ChartKind::XbarR => ("X-bar", "R"),
            ChartKind::XbarS => ("X-bar", "S"),
            ChartKind::IMr => ("Individuals", "Moving range"),
        }
    }
}

/// Which run rules judge the location chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleSet {
    /// Western Electric rules 1-4.
    WesternElectric,
    /// Nelson rules 1-8.
    Nelson,
}

impl RuleSet {
    /// The rule set named `s` (`western-electric`, `we`, `nelson`).
    pub fn parse(s: &str) -> Result<RuleSet> {
        match s.trim().to_ascii_lowercase().as_str() {
            "western-electric" | "we" | "western_electric" => Ok(RuleSet::WesternElectric),
            "nelson" => Ok(RuleSet::Nelson),
            _ => Err(QcError::Invalid(format!(
                "rules `{s}` is not one of western-electric, nelson"
            ))),
        }
    }
}

/// Centre line and control limits of one chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ControlLimits {
    /// Centre line.
    pub center: f64,
    /// Upper control limit.
    pub ucl: f64,
    /// Lower control limit.
    pub lcl: f64,
}

/// A run-rule violation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Rule number within its set (Western Electric 1-4, Nelson 1-8).
    pub rule: u8,
    /// Point index in the plotted series, from 0.
    pub point: usize,
    /// The rule in words.
    pub description: &'static str,
}

/// How to analyse a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpcOptions {
    /// Subgroup size: 1 = I-MR, 2-10 = X-bar/R, above 10 = X-bar/S.
    pub subgroup: usize,
    /// Lower specification limit, for capability.
    pub lsl: Option<f64>,
    /// Upper specification limit, for capability.
    pub usl: Option<f64>,
    /// Run rules to apply.
    pub rules: RuleSet,
}

/// The result of an SPC analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpcResult {
    /// The pair of charts drawn.
    pub chart: ChartKind,
    /// Values per subgroup.
    pub subgroup_size: usize,
    /// Subgroups (points plotted).
    pub subgroups: usize,
    /// Values read.
    pub values: usize,
    /// Run rules applied.
    pub rules: RuleSet,
    /// Centre line of the location chart.
    pub center: f64,
    /// Upper control limit of the location chart.
    pub ucl: f64,
    /// Lower control limit of the location chart.
    pub lcl: f64,
    /// Limits of the dispersion chart (R, S or MR).
    pub dispersion: ControlLimits,
    /// Within-subgroup sigma (from R-bar, s-bar or MR-bar).
    pub sigma_within: f64,
    /// Overall sample standard deviation.
    pub sigma_overall: f64,
    /// Lower specification limit given.
    pub lsl: Option<f64>,
    /// Upper specification limit given.
    pub usl: Option<f64>,
    /// Potential capability (within sigma), with both limits.
    pub cp: Option<f64>,
    /// Capability (within sigma), with either limit.
    pub cpk: Option<f64>,
    /// Potential performance (overall sigma), with both limits.
    pub pp: Option<f64>,
    /// Performance (overall sigma), with either limit.
    pub ppk: Option<f64>,
    /// Run-rule violations on the location chart (X-bar or individuals).
    pub violations: Vec<Violation>,
    /// Points of the dispersion chart (R, S or MR) beyond its limits.
    pub dispersion_violations: Vec<Violation>,
    /// The plotted series: subgroup means (or individual values).
    pub points: Vec<f64>,
    /// The dispersion series: ranges, standard deviations or moving ranges.
    pub dispersion_points: Vec<f64>,
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sample_sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
}

/// The Shewhart constants one chart pair uses: the mean chart's limits are
/// `center ± mean_limit × bar`, the dispersion chart's `dispersion_lower × bar` to
/// `dispersion_upper × bar`, and sigma within subgroups is `bar / sigma_divisor`, where `bar` is
/// the mean moving range, range or standard deviation.
struct ChartFactors {
    mean_limit: f64,
    dispersion_lower: f64,
    dispersion_upper: f64,
    sigma_divisor: f64,
}

impl ChartFactors {
    /// A chart whose dispersion is a range (moving or within subgroups): D3, D4 and d2,
    /// with the mean chart's own factor (E2 for individuals, A2 for subgroup means).
    fn on_ranges(c: &Constants, mean_limit: f64) -> ChartFactors {
        ChartFactors {
            mean_limit,
            dispersion_lower: c.d3_lower,
            dispersion_upper: c.d4,
            sigma_divisor: c.d2,
        }
    }
}

/// The chart for subgroups of `k`: individuals and moving ranges (k = 1), means and ranges
/// (k <= 10) or means and standard deviations; returns its points, its dispersion points and
/// its constants.
fn chart_points(values: &[f64], k: usize) -> (ChartKind, Vec<f64>, Vec<f64>, ChartFactors) {
    if k == 1 {
        let c = constants(2).expect("n=2");
        let mrs: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let factors = ChartFactors::on_ranges(&c, c.e2);
        return (ChartKind::IMr, values.to_vec(), mrs, factors);
    }
    let c = constants(k).expect("k >= 2");
    let subgroups: Vec<&[f64]> = values.chunks_exact(k).collect();
    let means: Vec<f64> = subgroups.iter().map(|g| mean(g)).collect();
    if k <= 10 {
        let ranges: Vec<f64> = subgroups
            .iter()
            .map(|g| {
                let (lo, hi) = g.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, &x| {
                    (a.0.min(x), a.1.max(x))
                });
                hi - lo
            })
            .collect();
        let factors = ChartFactors::on_ranges(&c, c.a2);
        (ChartKind::XbarR, means, ranges, factors)
    } else {
        let sds: Vec<f64> = subgroups.iter().map(|g| sample_sd(g)).collect();
        let factors = ChartFactors {
            mean_limit: c.a3,
            dispersion_lower: c.b3,
            dispersion_upper: c.b4,
            sigma_divisor: c.c4,
        };
        (ChartKind::XbarS, means, sds, factors)
    }
}

/// Analyses values in order, grouped into consecutive subgroups of `subgroup`.
pub fn analyze(values: &[f64], opts: &SpcOptions) -> Result<SpcResult> {
    let k = opts.subgroup;
    if k == 0 {
        return Err(QcError::Invalid("subgroup size must be at least 1".into()));
    }
    if let (Some(l), Some(u)) = (opts.lsl, opts.usl)
        && l >= u
    {
        return Err(QcError::Invalid(format!(
            "lower specification limit {l} is not below the upper {u}"
        )));
    }
    if !values.len().is_multiple_of(k) {
        return Err(QcError::Invalid(format!(
            "{} values do not make whole subgroups of {k} ({} left over)",
            values.len(),
            values.len() % k
        )));
    }
    let groups = values.len() / k;
    let min_groups = 2;
    if groups < min_groups {
        return Err(QcError::Invalid(format!(
            "{} value(s) make {groups} subgroup(s) of {k}: at least {} values are needed",
            values.len(),
            min_groups * k
        )));
    }
    let sigma_overall = sample_sd(values);
    let (chart, points, dpoints, factors) = chart_points(values, k);
    let center = mean(&points);
    let bar = mean(&dpoints);
    let ucl = center + factors.mean_limit * bar;
    let lcl = center - factors.mean_limit * bar;
    let dispersion = ControlLimits {
        center: bar,
        ucl: factors.dispersion_upper * bar,
        lcl: factors.dispersion_lower * bar,
    };
    let sigma_within = bar / factors.sigma_divisor;
    let (cp, cpk) = capability(center, sigma_within, opts.lsl, opts.usl);
    let (pp, ppk) = capability(center, sigma_overall, opts.lsl, opts.usl);
    let violations = run_rules(&points, center, (ucl - center) / 3.0, opts.rules);
    let dispersion_violations = dpoints
        .iter()
        .enumerate()
        .filter(|(_, d)| **d > dispersion.ucl || **d < dispersion.lcl)
        .map(|(i, _)| Violation {
            rule: 1,
            point: i,
            description: "point beyond the control limits",
        })
        .collect();
    Ok(SpcResult {
        chart,
        subgroup_size: k,
        subgroups: groups,
        values: values.len(),
        rules: opts.rules,
        center,
        ucl,
        lcl,
        dispersion,
        sigma_within,
        sigma_overall,
        lsl: opts.lsl,
        usl: opts.usl,
        cp,
        cpk,
        pp,
        ppk,
        violations,
        dispersion_violations,
        points,
        dispersion_points: dpoints,
    })
}

fn capability(
    mu: f64,
    sigma: f64,
    lsl: Option<f64>,
    usl: Option<f64>,
) -> (Option<f64>, Option<f64>) {
    if sigma.is_nan() || sigma <= 0.0 {
        return (None, None);
    }
    let cp = match (lsl, usl) {
        (Some(l), Some(u)) => Some((u - l) / (6.0 * sigma)),
        _ => None,
    };
    let upper = usl.map(|u| (u - mu) / (3.0 * sigma));
    let lower = lsl.map(|l| (mu - l) / (3.0 * sigma));
    let cpk = match (upper, lower) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    (cp, cpk)
}

const BEYOND_LIMITS: &str = "one point beyond 3 sigma (control limits)";
const TWO_OF_THREE: &str = "2 of 3 points beyond 2 sigma on one side";
const FOUR_OF_FIVE: &str = "4 of 5 points beyond 1 sigma on one side";

/// Applies a rule set to a plotted series with its center line and sigma of the
/// plotted statistic.
pub fn run_rules(points: &[f64], center: f64, sigma: f64, rules: RuleSet) -> Vec<Violation> {
    let mut out = Vec::new();
    let side = |x: f64| -> i8 {
        if x > center {
            1
        } else if x < center {
            -1
        } else {
            0
        }
    };
    let zone = |x: f64| -> f64 {
        if sigma > 0.0 {
            (x - center) / sigma
        } else {
            0.0
        }
    };
    let beyond = |i: usize, k: f64| -> i8 {
        let z = zone(points[i]);
        if z > k {
            1
        } else if z < -k {
            -1
        } else {
            0
        }
    };
    // k of the last m points (ending at i, which must itself qualify) beyond s sigma, same side.
    let k_of_m = |i: usize, k: usize, m: usize, s: f64| -> bool {
        let b = beyond(i, s);
        if b == 0 || i + 1 < m {
            return false;
        }
        (i + 1 - m..=i).filter(|&j| beyond(j, s) == b).count() >= k
    };
    let same_side_run = |i: usize, n: usize| -> bool {
        if i + 1 < n {
            return false;
        }
        let s = side(points[i]);
        s != 0 && (i + 1 - n..=i).all(|j| side(points[j]) == s)
    };
    let monotone_run = |i: usize, n: usize| -> bool {
        if i + 1 < n {
            return false;
        }
        let w = &points[i + 1 - n..=i];
        w.windows(2).all(|p| p[1] > p[0]) || w.windows(2).all(|p| p[1] < p[0])
    };
    let alternating_run = |i: usize, n: usize| -> bool {
        if i + 1 < n {
            return false;
        }
        let d: Vec<f64> = points[i + 1 - n..=i]
            .windows(2)
            .map(|p| p[1] - p[0])
            .collect();
        d.iter().all(|x| *x != 0.0) && d.windows(2).all(|p| (p[0] > 0.0) != (p[1] > 0.0))
    };
    let within_one_sigma_run = |i: usize, n: usize| -> bool {
        i + 1 >= n && sigma > 0.0 && (i + 1 - n..=i).all(|j| zone(points[j]).abs() < 1.0)
    };
    let outside_one_sigma_run =
        |i: usize, n: usize| -> bool { i + 1 >= n && (i + 1 - n..=i).all(|j| beyond(j, 1.0) != 0) };
    for i in 0..points.len() {
        let beyond_limits = beyond(i, 3.0) != 0;
        let (two_of_three, four_of_five) = (k_of_m(i, 2, 3, 2.0), k_of_m(i, 4, 5, 1.0));
        // (rule number in the set's numbering, broken at this point, what it says)
        let checks: Vec<(u8, bool, &'static str)> = match rules {
            RuleSet::WesternElectric => vec![
                (1, beyond_limits, BEYOND_LIMITS),
                (2, two_of_three, TWO_OF_THREE),
                (3, four_of_five, FOUR_OF_FIVE),
                (
                    4,
                    same_side_run(i, 8),
                    "8 points in a row on one side of the center line",
                ),
            ],
            RuleSet::Nelson => vec![
                (1, beyond_limits, BEYOND_LIMITS),
                (
                    2,
                    same_side_run(i, 9),
                    "9 points in a row on one side of the center line",
                ),
                (
                    3,
                    monotone_run(i, 6),
                    "6 points in a row steadily increasing or decreasing",
                ),
                (
                    4,
                    alternating_run(i, 14),
                    "14 points in a row alternating up and down",
                ),
                (5, two_of_three, TWO_OF_THREE),
                (6, four_of_five, FOUR_OF_FIVE),
                (
                    7,
                    within_one_sigma_run(i, 15),
                    "15 points in a row within 1 sigma",
                ),
                (
                    8,
                    outside_one_sigma_run(i, 8),
                    "8 points in a row beyond 1 sigma on either side",
                ),
            ],
        };
        out.extend(
            checks
                .into_iter()
                .filter(|c| c.1)
                .map(|(rule, _, description)| Violation {
                    rule,
                    point: i,
                    description,
                }),
        );
    }
    out
}

/// Reads one numeric column of a CSV with a header row. A missing or non-numeric
/// cell is an error naming its line.
pub fn read_column(path: &str, text: &str, column: &str) -> Result<Vec<f64>> {
    let table = crate::csvutil::read_table(path, text)?;
    let c = table.require(path, column, "a header row naming the column of numbers")?;
    let mut out = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    for (line, f) in &table.rows {
        match crate::csvutil::parse_number(&f[c]) {
            Ok(v) => out.push(v),
            Err(m) => errors.push(RowError::in_column(*line, &table.headers[c], m)),
        }
    }
    QcError::unless_rows(path, errors, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e2_is_three_over_d2() {
        assert!((constants(2).unwrap().e2 - 2.660).abs() < 1e-3);
        assert!((constants(5).unwrap().e2 - 1.290).abs() < 1e-3);
    }

    #[test]
    fn western_electric_run_of_8() {
        let mut pts = vec![0.0, -0.5, 0.5, -0.5];
        pts.extend(std::iter::repeat_n(0.5, 9));
        let v = run_rules(&pts, 0.0, 1.0, RuleSet::WesternElectric);
        let run: Vec<usize> = v.iter().filter(|v| v.rule == 4).map(|v| v.point).collect();
        assert_eq!(run, vec![11, 12]);
        let n = run_rules(&pts, 0.0, 1.0, RuleSet::Nelson);
        let run: Vec<usize> = n.iter().filter(|v| v.rule == 2).map(|v| v.point).collect();
        assert_eq!(run, vec![12]);
    }
}
