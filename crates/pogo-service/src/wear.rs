//! Judgement and wear of one probe, from figures kept as readings arrive.
//!
//! A reading of contact resistance is judged with pogo-qc's [`ResistanceLimits`]: above
//! the part's maximum it fails, above `marginal_fraction` of it it is marginal, and
//! more than `max_rise_mohm` above the probe's own baseline (its first reading since
//! it was installed) it fails. The wear trend is a least-squares line of resistance
//! against actuations since install, kept as running sums ([`WearFit`]) so that no
//! page ever scans the readings.

use pogo_qc::Verdict;
use pogo_qc::measurements::ResistanceLimits;
use serde::Serialize;

/// Judges one contact resistance reading (mOhm) of a probe whose part allows
/// `limit_mohm`, against the probe's baseline (its first reading since install).
pub fn judge_resistance(
    resistance_mohm: f64,
    baseline_mohm: Option<f64>,
    limit_mohm: f64,
    limits: &ResistanceLimits,
) -> Verdict {
    let rise_mohm = baseline_mohm.map_or(0.0, |b| resistance_mohm - b);
    if resistance_mohm > limit_mohm || rise_mohm > limits.max_rise_mohm {
        Verdict::Fail
    } else if resistance_mohm > limit_mohm * limits.marginal_fraction {
        Verdict::Marginal
    } else {
        Verdict::Pass
    }
}

/// Running sums of a least-squares line `resistance = a + b * actuations`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WearFit {
    /// Points summed.
    pub n: i64,
    /// Sum of x (actuations).
    pub sum_x: f64,
    /// Sum of y (resistance, mOhm).
    pub sum_y: f64,
    /// Sum of x squared.
    pub sum_xx: f64,
    /// Sum of x times y.
    pub sum_xy: f64,
}

/// The fitted wear line of one probe.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WearLine {
    /// Resistance at install (actuations 0), mOhm.
    pub intercept_mohm: f64,
    /// Rise per 1000 actuations, mOhm.
    pub slope_mohm_per_kactuation: f64,
}

/// Fewest readings before a trend is trusted for a forecast.
pub const MIN_READINGS_FOR_TREND: i64 = 5;

impl WearFit {
    /// Adds one reading at `actuations` since install.
    pub fn add(&mut self, actuations: f64, resistance_mohm: f64) {
        self.n += 1;
        self.sum_x += actuations;
        self.sum_y += resistance_mohm;
        self.sum_xx += actuations * actuations;
        self.sum_xy += actuations * resistance_mohm;
    }

    /// The least-squares line, when there are enough readings spread over actuations.
    pub fn line(&self) -> Option<WearLine> {
        if self.n < MIN_READINGS_FOR_TREND {
            return None;
        }
        let n = self.n as f64;
        let sxx = self.sum_xx - self.sum_x * self.sum_x / n;
        if sxx <= 1e-9 * self.sum_xx.max(1.0) {
            return None;
        }
        let sxy = self.sum_xy - self.sum_x * self.sum_y / n;
        let slope = sxy / sxx;
        let intercept = (self.sum_y - slope * self.sum_x) / n;
        (slope.is_finite() && intercept.is_finite()).then_some(WearLine {
            intercept_mohm: intercept,
            slope_mohm_per_kactuation: slope * 1000.0,
        })
    }
}

/// Why a probe's forecast ends where it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastReason {
    /// The wear trend crosses the part's resistance limit first.
    ResistanceLimit,
    /// The part's rated life comes first (or the trend is flat or falling).
    RatedLife,
}

/// Forecast of the actuation count (since install) at which a probe must be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Forecast {
    /// Actuations since install at which the probe is due.
    pub actuations: u64,
    /// What sets it.
    pub reason: ForecastReason,
}

/// Where the wear line crosses `limit_mohm`, or the rated life, whichever comes
/// first. A crossing already behind the probe is the current count (due now).
pub fn forecast(
    line: Option<WearLine>,
    limit_mohm: f64,
    rated_life_actuations: u64,
    actuations_since_install: u64,
) -> Forecast {
    let rated = Forecast {
        actuations: rated_life_actuations,
        reason: ForecastReason::RatedLife,
    };
    let Some(line) = line else { return rated };
    let slope_per_actuation = line.slope_mohm_per_kactuation / 1000.0;
    if slope_per_actuation <= 0.0 {
        return rated;
    }
    let crossing = (limit_mohm - line.intercept_mohm) / slope_per_actuation;
    let crossing = crossing.max(actuations_since_install as f64);
    if crossing < rated_life_actuations as f64 {
        Forecast {
            actuations: crossing.round() as u64,
            reason: ForecastReason::ResistanceLimit,
        }
    } else {
        rated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_limit_marginal_band_and_rise() {
        let l = ResistanceLimits::default();
        assert_eq!(judge_resistance(12.0, Some(11.0), 20.0, &l), Verdict::Pass);
        assert_eq!(
            judge_resistance(17.0, Some(11.0), 20.0, &l),
            Verdict::Marginal
        );
        assert_eq!(judge_resistance(21.0, None, 20.0, &l), Verdict::Fail);
        // 10.5 mOhm above its own baseline fails even under the part's limit.
        assert_eq!(judge_resistance(30.5, Some(20.0), 50.0, &l), Verdict::Fail);
    }

    #[test]
    fn fit_recovers_a_line_and_forecasts_its_crossing() {
        let mut f = WearFit::default();
        for i in 0..100 {
            let x = i as f64 * 1000.0;
            f.add(x, 10.0 + 0.05 * x / 1000.0);
        }
        let line = f.line().unwrap();
        assert!((line.intercept_mohm - 10.0).abs() < 1e-6, "{line:?}");
        assert!((line.slope_mohm_per_kactuation - 0.05).abs() < 1e-9);
        // 20 mOhm is reached at 200,000 actuations, before a rated life of 1,000,000.
        let fc = forecast(Some(line), 20.0, 1_000_000, 99_000);
        assert_eq!(fc.reason, ForecastReason::ResistanceLimit);
        assert!((fc.actuations as i64 - 200_000).abs() <= 1, "{fc:?}");
        // A shorter rated life comes first.
        let fc = forecast(Some(line), 20.0, 150_000, 99_000);
        assert_eq!(fc.reason, ForecastReason::RatedLife);
        assert_eq!(fc.actuations, 150_000);
    }

    #[test]
    fn flat_or_short_history_forecasts_rated_life() {
        let mut f = WearFit::default();
        f.add(0.0, 10.0);
        f.add(1000.0, 11.0);
        assert_eq!(f.line(), None);
        let fc = forecast(f.line(), 20.0, 500_000, 1000);
        assert_eq!(fc.actuations, 500_000);
        let mut flat = WearFit::default();
        for i in 0..10 {
            flat.add(i as f64 * 10.0, 10.0);
        }
        let fc = forecast(flat.line(), 20.0, 500_000, 90);
        assert_eq!(fc.reason, ForecastReason::RatedLife);
    }
}
