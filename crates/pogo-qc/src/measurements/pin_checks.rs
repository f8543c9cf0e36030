//! The checks of one pin, one function per kind of reading. Each takes the pin's
//! readings (all kinds; it picks its own), its [`PinContext`] and the [`Limits`], and
//! returns its checks; a check whose nominal value is not known says so with
//! [`Unchecked`] instead.

use super::limits::{Limits, PinContext};
use super::{Action, Check, Kind, Measurement, Verdict};
use crate::fmt_fixed;

/// Readings of one kind that could not be checked: no limit is known for them.
#[derive(Debug, PartialEq)]
pub(crate) struct Unchecked {
    /// What was not checked, as the note names it (`spring_force`, ...).
    pub(crate) what: &'static str,
    /// How many readings (the note names the pin once per reading).
    pub(crate) readings: usize,
}

/// The contact-resistance checks of one pin, with what the charts show of them.
pub(crate) struct ResistanceChecks {
    pub(crate) checks: Vec<Check>,
    /// The pin's limit, mOhm.
    pub(crate) limit_mohm: f64,
    /// (cycle or index, mOhm) in reading order.
    pub(crate) series: Vec<(f64, f64)>,
}

pub(crate) fn f3(v: f64) -> String {
    fmt_fixed(v, 3)
}

fn cycle_text(m: &Measurement) -> String {
    match m.cycle {
        Some(c) => format!(" at cycle {c}"),
        None => String::new(),
    }
}

/// The readings of one kind, in reading order (cycle, then line).
fn of_kind<'m>(ms: &[&'m Measurement], kind: Kind) -> Vec<&'m Measurement> {
    let mut v: Vec<&Measurement> = ms.iter().copied().filter(|m| m.kind == kind).collect();
    v.sort_by_key(|m| (m.cycle.unwrap_or(0), m.line));
    v
}

/// Fail outside [min, max], marginal within the band inside either end.
fn range_verdict(
    v: f64,
    min: Option<f64>,
    max: Option<f64>,
    band_lo: f64,
    band_hi: f64,
) -> Verdict {
    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
        Verdict::Fail
    } else if min.is_some_and(|m| v < m + band_lo) || max.is_some_and(|m| v > m - band_hi) {
        Verdict::Marginal
    } else {
        Verdict::Pass
    }
}

/// Fail above `limit`, marginal above `limit * marginal_fraction`.
pub(crate) fn upper_verdict(v: f64, limit: f64, marginal_fraction: f64) -> Verdict {
    if v > limit {
        Verdict::Fail
    } else if v > limit * marginal_fraction {
        Verdict::Marginal
    } else {
        Verdict::Pass
    }
}

/// Each contact-resistance reading against the pin's limit (limits.toml, else the
/// catalog part's, else the unknown-part default), and the rise over its first
/// reading. `None` without a resistance reading.
pub(crate) fn resistance(
    ms: &[&Measurement],
    ctx: &PinContext,
    limits: &Limits,
) -> Option<ResistanceChecks> {
    let ordered = of_kind(ms, Kind::ContactResistance);
    if ordered.is_empty() {
        return None;
    }
    let rl = &limits.contact_resistance;
    let (limit, source) = match (rl.max_mohm, ctx.part) {
        (Some(v), _) => (v, "limits.toml".to_string()),
        (None, Some(p)) => (
            p.max_contact_resistance_mohm,
            format!("catalog part {}", p.id),
        ),
        (None, None) => (rl.unknown_part_max_mohm, "part not known".to_string()),
    };
    let series = ordered
        .iter()
        .enumerate()
        .map(|(i, m)| (m.cycle.map(|c| c as f64).unwrap_or(i as f64), m.value))
        .collect();
    let mut checks: Vec<Check> = ordered
        .iter()
        .map(|m| resistance_reading(m, limit, &source, rl.marginal_fraction))
        .collect();
    checks.extend(resistance_rise(&ordered, rl.max_rise_mohm));
    Some(ResistanceChecks {
        checks,
        limit_mohm: limit,
        series,
    })
}

fn resistance_reading(m: &Measurement, limit: f64, source: &str, marginal_fraction: f64) -> Check {
    let v = m.value;
    let verdict = upper_verdict(v, limit, marginal_fraction);
    let (message, action) = match verdict {
        Verdict::Fail => (
            format!(
                "contact resistance {} mOhm above the limit {} mOhm ({source}){}",
                f3(v),
                f3(limit),
                cycle_text(m)
            ),
            Some(Action::Replace),
        ),
        Verdict::Marginal => (
            format!(
                "contact resistance {} mOhm above {:.0} % of the limit {} mOhm{}",
                f3(v),
                marginal_fraction * 100.0,
                f3(limit),
                cycle_text(m)
            ),
            Some(Action::Clean),
        ),
        Verdict::Pass => (
            format!("contact resistance {} mOhm <= {} mOhm", f3(v), f3(limit)),
            None,
        ),
    };
    reading_check(m, verdict, (None, Some(limit)), message, action)
}

/// The check of reading `m` itself against the pass range `(min, max)`, both in the
/// canonical unit of its kind.
fn reading_check(
    m: &Measurement,
    verdict: Verdict,
    (min, max): (Option<f64>, Option<f64>),
    message: String,
    action: Option<Action>,
) -> Check {
    Check {
        kind: m.kind,
        verdict,
        value: m.value,
        unit: m.kind.quantity().canonical_unit(),
        line: m.line,
        min,
        max,
        message,
        action,
    }
}

/// The largest rise of a later reading over the first (the pin's own baseline).
fn resistance_rise(ordered: &[&Measurement], max_rise: f64) -> Option<Check> {
    let (base, later) = ordered.split_first()?;
    let worst = later.iter().max_by(|a, b| a.value.total_cmp(&b.value))?;
    let rise = worst.value - base.value;
    let verdict = if rise > max_rise {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    Some(Check {
        kind: Kind::ContactResistance,
        verdict,
        value: rise,
        unit: "mohm",
        line: worst.line,
        min: None,
        max: Some(max_rise),
        message: format!(
            "contact resistance rose {} mOhm over its baseline {} mOhm (line {}){}; limit {} mOhm",
            f3(rise),
            f3(base.value),
            base.line,
            cycle_text(worst),
            f3(max_rise)
        ),
        action: (verdict == Verdict::Fail).then_some(Action::Replace),
    })
}

/// Readings of `kind` checked against a nominal value, or [`Unchecked`] when none is
/// known.
fn against_nominal(
    ms: &[&Measurement],
    kind: Kind,
    what: &'static str,
    nominal: Option<f64>,
    check: impl Fn(&Measurement, f64) -> Check,
) -> Result<Vec<Check>, Unchecked> {
    let readings: Vec<&Measurement> = ms.iter().copied().filter(|m| m.kind == kind).collect();
    match nominal {
        Some(n) => Ok(readings.iter().map(|m| check(m, n)).collect()),
        None if readings.is_empty() => Ok(Vec::new()),
        None => Err(Unchecked {
            what,
            readings: readings.len(),
        }),
    }
}

/// Spring force at working travel within nominal x (1 -/+ tolerance); the nominal is
/// limits.toml's, the fixture's probe force, the stack-up's, or the part's.
pub(crate) fn spring_force(
    ms: &[&Measurement],
    ctx: &PinContext,
    limits: &Limits,
) -> Result<Vec<Check>, Unchecked> {
    let nominal = limits
        .spring_force
        .nominal_n
        .or_else(|| ctx.probe.and_then(|p| p.force_n))
        .or(ctx.level_force_n)
        .or_else(|| ctx.part.map(|p| p.force_at_travel_n(p.working_travel_mm)));
    let fl = &limits.spring_force;
    against_nominal(
        ms,
        Kind::SpringForce,
        "spring_force",
        nominal,
        |m, nominal| {
            let (lo, hi) = (
                nominal * (1.0 - fl.tolerance_fraction),
                nominal * (1.0 + fl.tolerance_fraction),
            );
            let band = nominal * fl.marginal_fraction;
            let verdict = range_verdict(m.value, Some(lo), Some(hi), band, band);
            let action = match verdict {
                Verdict::Pass => None,
                _ if m.value < lo || (verdict == Verdict::Marginal && m.value < nominal) => {
                    Some(Action::Replace)
                }
                _ => Some(Action::Adjust),
            };
            let message = format!(
                "spring force {} N, expected {}..{} N (nominal {} N at working travel){}",
                f3(m.value),
                f3(lo),
                f3(hi),
                f3(nominal),
                cycle_text(m)
            );
            reading_check(m, verdict, (Some(lo), Some(hi)), message, action)
        },
    )
}

/// Plunger compression at the set height within its fractions of full travel.
pub(crate) fn compression(
    ms: &[&Measurement],
    ctx: &PinContext,
    limits: &Limits,
) -> Result<Vec<Check>, Unchecked> {
    let c = &limits.compression;
    let full_travel = c
        .full_travel_mm
        .or_else(|| ctx.part.map(|p| p.full_travel_mm));
    let kind = Kind::CompressionHeight;
    against_nominal(ms, kind, "compression_height", full_travel, |m, full| {
        let (lo, hi) = (full * c.min_fraction, full * c.max_fraction);
        let band = full * c.marginal_fraction;
        let verdict = range_verdict(m.value, Some(lo), Some(hi), band, band);
        let message = format!(
            "compression {} mm = {:.1} % of full travel {} mm, expected {:.0}-{:.0} %",
            f3(m.value),
            m.value / full * 100.0,
            f3(full),
            c.min_fraction * 100.0,
            c.max_fraction * 100.0
        );
        let action = (verdict != Verdict::Pass).then_some(Action::Adjust);
        reading_check(m, verdict, (Some(lo), Some(hi)), message, action)
    })
}

/// Receptacle seating depth within +/- its tolerance of the nominal depth.
pub(crate) fn seating_depth(
    ms: &[&Measurement],
    ctx: &PinContext,
    limits: &Limits,
) -> Result<Vec<Check>, Unchecked> {
    let s = &limits.seating_depth;
    let nominal = s.nominal_mm.or(ctx.seating_depth_mm);
    against_nominal(
        ms,
        Kind::SeatingDepth,
        "seating_depth",
        nominal,
        |m, nominal| {
            let (lo, hi) = (nominal - s.tolerance_mm, nominal + s.tolerance_mm);
            let verdict = range_verdict(m.value, Some(lo), Some(hi), s.marginal_mm, s.marginal_mm);
            let message = format!(
                "seating depth {} mm, expected {} +/- {} mm",
                f3(m.value),
                f3(nominal),
                f3(s.tolerance_mm)
            );
            let action = (verdict != Verdict::Pass).then_some(Action::Reseat);
            reading_check(m, verdict, (Some(lo), Some(hi)), message, action)
        },
    )
}

/// How far the tip returned short of its first height over a cycling run; one reading
/// has no baseline and is [`Unchecked`].
pub(crate) fn return_height(
    ms: &[&Measurement],
    limits: &Limits,
) -> Result<Option<Check>, Unchecked> {
    let rets = of_kind(ms, Kind::ReturnHeight);
    let Some((base, later)) = rets.split_first() else {
        return Ok(None);
    };
    let Some(lowest) = later.iter().min_by(|a, b| a.value.total_cmp(&b.value)) else {
        return Err(Unchecked {
            what: "return_height (one reading, no baseline)",
            readings: 1,
        });
    };
    let loss = (base.value - lowest.value).max(0.0);
    let r = &limits.return_height;
    let verdict = upper_verdict(loss, r.max_loss_mm, r.marginal_fraction);
    Ok(Some(Check {
        kind: Kind::ReturnHeight,
        verdict,
        value: loss,
        unit: "mm",
        line: lowest.line,
        min: None,
        max: Some(r.max_loss_mm),
        message: format!(
            "tip returned {} mm short of its first height {} mm{}; limit {} mm",
            f3(loss),
            f3(base.value),
            cycle_text(lowest),
            f3(r.max_loss_mm)
        ),
        action: match verdict {
            Verdict::Fail => Some(Action::Replace),
            Verdict::Marginal => Some(Action::Clean),
            Verdict::Pass => None,
        },
    }))
}

/// Tilt of each reading of the pin's axis within +/- the limit.
pub(crate) fn tilt(ms: &[&Measurement], limits: &Limits) -> Vec<Check> {
    let t = &limits.tilt;
    ms.iter()
        .filter(|m| m.kind == Kind::Tilt)
        .map(|m| {
            let verdict = upper_verdict(m.value.abs(), t.max_deg, t.marginal_fraction);
            let message = format!("tilt {} deg, limit {} deg", f3(m.value), f3(t.max_deg));
            let action = (verdict != Verdict::Pass).then_some(Action::Reseat);
            reading_check(
                m,
                verdict,
                (Some(-t.max_deg), Some(t.max_deg)),
                message,
                action,
            )
        })
        .collect()
}

/// The pin's latest tip height (highest cycle, then last line), mm.
pub(crate) fn latest_height(ms: &[&Measurement]) -> Option<f64> {
    ms.iter()
        .filter(|m| m.kind == Kind::Height)
        .max_by_key(|m| (m.cycle.unwrap_or(0), m.line))
        .map(|m| m.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kind: Kind, value: f64, cycle: Option<u64>, line: u64) -> Measurement {
        Measurement {
            line,
            pin: "P1".into(),
            kind,
            value,
            value_as_written: value,
            unit_as_written: String::new(),
            cycle,
            timestamp: None,
            lot: None,
            station: None,
        }
    }

    fn no_fixture() -> PinContext<'static> {
        PinContext::of(None, "P1")
    }

    #[test]
    fn resistance_uses_the_unknown_part_limit_and_checks_the_rise() {
        let limits = Limits::default();
        let rs = [
            m(Kind::ContactResistance, 10.0, Some(0), 2),
            m(Kind::ContactResistance, 45.0, Some(100), 3),
        ];
        let refs: Vec<&Measurement> = rs.iter().collect();
        let r = resistance(&refs, &no_fixture(), &limits).unwrap();
        assert_eq!(r.limit_mohm, 50.0);
        assert_eq!(r.series, [(0.0, 10.0), (100.0, 45.0)]);
        let verdicts: Vec<Verdict> = r.checks.iter().map(|c| c.verdict).collect();
        // 45 > 0.8 x 50: marginal; a rise of 35 > 10: fail.
        assert_eq!(verdicts, [Verdict::Pass, Verdict::Marginal, Verdict::Fail]);
        assert_eq!(r.checks[2].line, 3);
        assert!(resistance(&[], &no_fixture(), &limits).is_none());
    }

    #[test]
    fn a_check_without_a_nominal_is_unchecked_once_per_reading() {
        let limits = Limits::default();
        let fs = [
            m(Kind::SpringForce, 1.0, None, 2),
            m(Kind::SpringForce, 1.17, None, 3),
        ];
        let refs: Vec<&Measurement> = fs.iter().collect();
        assert_eq!(
            spring_force(&refs, &no_fixture(), &limits),
            Err(Unchecked {
                what: "spring_force",
                readings: 2
            })
        );
        let with_nominal = Limits {
            spring_force: super::super::ForceLimits {
                nominal_n: Some(1.0),
                ..Default::default()
            },
            ..Default::default()
        };
        let checks = spring_force(&refs, &no_fixture(), &with_nominal).unwrap();
        assert_eq!(checks.len(), 2);
        assert_eq!(
            checks[1].verdict,
            Verdict::Marginal,
            "1.17 N within 5 % of 1.2 N"
        );
        assert_eq!(checks[1].action, Some(Action::Adjust));
    }

    #[test]
    fn return_height_needs_a_baseline() {
        let limits = Limits::default();
        let one = [m(Kind::ReturnHeight, 5.0, Some(0), 2)];
        let refs: Vec<&Measurement> = one.iter().collect();
        assert!(return_height(&refs, &limits).is_err());
        let two = [
            m(Kind::ReturnHeight, 4.93, Some(100), 3),
            m(Kind::ReturnHeight, 5.0, Some(0), 2),
        ];
        let refs: Vec<&Measurement> = two.iter().collect();
        let c = return_height(&refs, &limits).unwrap().unwrap();
        assert!((c.value - 0.07).abs() < 1e-9);
        assert_eq!((c.verdict, c.line), (Verdict::Fail, 3));
    }

    #[test]
    fn tilt_judges_the_magnitude() {
        let limits = Limits::default();
        let ts = [m(Kind::Tilt, -0.9, None, 2), m(Kind::Tilt, 1.2, None, 3)];
        let refs: Vec<&Measurement> = ts.iter().collect();
        let v: Vec<Verdict> = tilt(&refs, &limits).iter().map(|c| c.verdict).collect();
        assert_eq!(v, [Verdict::Marginal, Verdict::Fail]);
    }
}
