//! The checks across the pins of one plate or a whole run: tip height spread (and each
//! pin's distance from its plate's median), the tilt of the plane through the tip
//! heights, the spread of the last return heights, and the resistance change over a
//! cycling run.

use super::pin_checks::{f3, upper_verdict};
use super::{Action, Check, Kind, Limits, Measurement, PinReport, SetCheck, SetCheckKind, Verdict};
use crate::fmt_fixed;
use pogo_fixture::Fixture;
use std::collections::BTreeMap;

/// Values per plate: (pin, value), pins in the order given.
type ByPlate = BTreeMap<String, Vec<(String, f64)>>;

/// Tip heights: per plate the spread and each pin's distance from the median (added to
/// that pin's checks), and with a fixture the tilt of the plane through them.
pub(crate) fn heights(
    heights: &BTreeMap<String, f64>,
    pins: &mut [PinReport],
    measurements: &[Measurement],
    fixture: Option<&Fixture>,
    limits: &Limits,
) -> Vec<SetCheck> {
    let plate_of: BTreeMap<&str, &str> = pins
        .iter()
        .map(|p| (p.pin.as_str(), p.plate.as_str()))
        .collect();
    let mut plates = ByPlate::new();
    for (pin, h) in heights {
        plates
            .entry(plate_of[pin.as_str()].to_string())
            .or_default()
            .push((pin.clone(), *h));
    }
    let mut out = Vec::new();
    for (plate, hs) in plates.iter().filter(|(_, hs)| hs.len() >= 2) {
        let (spread, deviations) = height_spread(plate, hs, measurements, limits);
        for (pin, check) in deviations {
            if let Some(p) = pins.iter_mut().find(|p| p.pin == pin) {
                p.checks.push(check);
            }
        }
        out.push(spread);
        out.extend(fixture.and_then(|f| plate_tilt(plate, hs, f, limits)));
    }
    out
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The spread of one plate's tip heights, and each pin's check against the median.
fn height_spread(
    plate: &str,
    hs: &[(String, f64)],
    measurements: &[Measurement],
    limits: &Limits,
) -> (SetCheck, Vec<(String, Check)>) {
    let hl = &limits.height;
    let mut sorted: Vec<f64> = hs.iter().map(|x| x.1).collect();
    sorted.sort_by(f64::total_cmp);
    let median = median(&sorted);
    let spread = sorted[sorted.len() - 1] - sorted[0];
    let verdict = upper_verdict(spread, hl.max_spread_mm, hl.marginal_fraction);
    let half = hl.max_spread_mm / 2.0;
    let mut outliers = Vec::new();
    let mut deviations = Vec::new();
    for (pin, h) in hs {
        let dev = h - median;
        let v = upper_verdict(dev.abs(), half, hl.marginal_fraction);
        if v != Verdict::Pass {
            outliers.push(pin.clone());
        }
        let line = measurements
            .iter()
            .filter(|m| &m.pin == pin && m.kind == Kind::Height)
            .map(|m| m.line)
            .max()
            .unwrap_or(0);
        deviations.push((
            pin.clone(),
            Check {
                kind: Kind::Height,
                verdict: v,
                value: *h,
                unit: "mm",
                line,
                min: Some(median - half),
                max: Some(median + half),
                message: format!(
                    "tip height {} mm is {} mm from the {plate} plate median {} mm; limit +/- {} mm",
                    f3(*h),
                    f3(dev),
                    f3(median),
                    f3(half)
                ),
                action: (v != Verdict::Pass).then_some(Action::Adjust),
            },
        ));
    }
    let check = SetCheck {
        check: SetCheckKind::HeightSpread,
        plate: plate.to_string(),
        verdict,
        value: spread,
        limit: hl.max_spread_mm,
        unit: "mm",
        message: format!(
            "tip heights of {} pins on the {plate} plate spread {} mm (limit {} mm)",
            hs.len(),
            f3(spread),
            f3(hl.max_spread_mm)
        ),
        pins: if verdict == Verdict::Pass {
            Vec::new()
        } else {
            outliers
        },
        action: (verdict != Verdict::Pass).then_some(Action::Adjust),
    };
    (check, deviations)
}

/// Plate tilt: the least-squares plane through (x, y, height) of the pins the fixture
/// places; `None` for fewer than 3 of them or collinear ones.
fn plate_tilt(
    plate: &str,
    hs: &[(String, f64)],
    fixture: &Fixture,
    limits: &Limits,
) -> Option<SetCheck> {
    let pts: Vec<(f64, f64, f64)> = hs
        .iter()
        .filter_map(|(pin, h)| {
            fixture
                .probes
                .iter()
                .find(|p| &p.id == pin)
                .map(|p| (p.x, p.y, *h))
        })
        .collect();
    let tilt_deg = plane_tilt_deg(&pts)?;
    let t = &limits.tilt;
    let verdict = upper_verdict(tilt_deg, t.plate_max_deg, t.marginal_fraction);
    Some(SetCheck {
        check: SetCheckKind::PlateTilt,
        plate: plate.to_string(),
        verdict,
        value: tilt_deg,
        limit: t.plate_max_deg,
        unit: "deg",
        message: format!(
            "plane through {} tip heights on the {plate} plate is tilted {} deg (limit {} deg)",
            pts.len(),
            fmt_fixed(tilt_deg, 4),
            f3(t.plate_max_deg)
        ),
        pins: Vec::new(),
        action: (verdict != Verdict::Pass).then_some(Action::Adjust),
    })
}

/// Return heights uneven across the pins of a plate (the last reading of each pin).
pub(crate) fn return_spread(
    pins: &[PinReport],
    measurements: &[Measurement],
    limits: &Limits,
) -> Vec<SetCheck> {
    let mut last_return = ByPlate::new();
    for p in pins {
        if let Some(m) = measurements
            .iter()
            .filter(|m| m.pin == p.pin && m.kind == Kind::ReturnHeight)
            .max_by_key(|m| (m.cycle.unwrap_or(0), m.line))
        {
            last_return
                .entry(p.plate.clone())
                .or_default()
                .push((p.pin.clone(), m.value));
        }
    }
    let max_spread = limits.height.max_spread_mm;
    let mut out = Vec::new();
    for (plate, rs) in last_return.iter().filter(|(_, rs)| rs.len() >= 2) {
        let lo = rs.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
        let hi = rs.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        let spread = hi - lo;
        let failed = spread > max_spread;
        out.push(SetCheck {
            check: SetCheckKind::ReturnSpread,
            plate: plate.clone(),
            verdict: if failed { Verdict::Fail } else { Verdict::Pass },
            value: spread,
            limit: max_spread,
            unit: "mm",
            message: format!(
                "last return heights of {} pins on the {plate} plate spread {} mm (limit {} mm)",
                rs.len(),
                f3(spread),
                f3(max_spread)
            ),
            pins: if failed {
                rs.iter()
                    .filter(|r| r.1 == lo || r.1 == hi)
                    .map(|r| r.0.clone())
                    .collect()
            } else {
                Vec::new()
            },
            action: failed.then_some(Action::Replace),
        });
    }
    out
}

/// Resistance change over a cycling run: first to last reading of every pin with two
/// or more readings and a cycle number; `None` without such a pin.
pub(crate) fn resistance_change(
    series: &BTreeMap<String, Vec<(f64, f64)>>,
    measurements: &[Measurement],
    limits: &Limits,
) -> Option<SetCheck> {
    let cycled: Vec<(&String, f64)> = series
        .iter()
        .filter(|(pin, s)| {
            s.len() >= 2
                && measurements
                    .iter()
                    .any(|m| &m.pin == *pin && m.cycle.is_some())
        })
        .map(|(pin, s)| (pin, s[s.len() - 1].1 - s[0].1))
        .collect();
    let worst = cycled.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let max_rise = limits.contact_resistance.max_rise_mohm;
    let mean = cycled.iter().map(|c| c.1).sum::<f64>() / cycled.len() as f64;
    let over: Vec<String> = cycled
        .iter()
        .filter(|c| c.1 > max_rise)
        .map(|c| c.0.clone())
        .collect();
    let failed = !over.is_empty();
    Some(SetCheck {
        check: SetCheckKind::ResistanceChange,
        plate: "all".into(),
        verdict: if failed { Verdict::Fail } else { Verdict::Pass },
        value: worst.1,
        limit: max_rise,
        unit: "mohm",
        message: format!(
            "over the cycling run, {} pin(s) changed {} mOhm on average (first to last reading); largest rise {} mOhm on {}",
            cycled.len(),
            f3(mean),
            f3(worst.1),
            worst.0
        ),
        pins: over,
        action: failed.then_some(Action::Replace),
    })
}

/// Tilt (deg) of the least-squares plane z = a x + b y + c through the points;
/// `None` for fewer than 3 points or collinear ones.
pub fn plane_tilt_deg(pts: &[(f64, f64, f64)]) -> Option<f64> {
    if pts.len() < 3 {
        return None;
    }
    let n = pts.len() as f64;
    let (mx, my, mz) = pts.iter().fold((0.0, 0.0, 0.0), |a, p| {
        (a.0 + p.0 / n, a.1 + p.1 / n, a.2 + p.2 / n)
    });
    let (mut sxx, mut sxy, mut syy, mut sxz, mut syz) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(x, y, z) in pts {
        let (dx, dy, dz) = (x - mx, y - my, z - mz);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
        sxz += dx * dz;
        syz += dy * dz;
    }
    let det = sxx * syy - sxy * sxy;
    let scale = (sxx + syy).max(1e-300);
    if det.abs() <= 1e-12 * scale * scale {
        return None;
    }
    let a = (sxz * syy - syz * sxy) / det;
    let b = (syz * sxx - sxz * sxy) / det;
    Some((a * a + b * b).sqrt().atan().to_degrees())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_tilt_of_known_plane() {
        // z = 0.001 x: tilt = atan(0.001)
        let pts = [
            (0.0, 0.0, 0.0),
            (100.0, 0.0, 0.1),
            (0.0, 50.0, 0.0),
            (100.0, 50.0, 0.1),
        ];
        let t = plane_tilt_deg(&pts).unwrap();
        assert!((t - 0.001f64.atan().to_degrees()).abs() < 1e-9);
        assert!(plane_tilt_deg(&[(0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (2.0, 2.0, 1.0)]).is_none());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[1.0, 2.0, 7.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 7.0]), 3.0);
    }

    #[test]
    fn resistance_change_needs_cycled_pins() {
        let limits = Limits::default();
        let series = BTreeMap::from([
            ("P1".to_string(), vec![(0.0, 10.0), (100.0, 25.0)]),
            ("P2".to_string(), vec![(0.0, 10.0), (100.0, 12.0)]),
        ]);
        assert!(
            resistance_change(&series, &[], &limits).is_none(),
            "no cycle numbers"
        );
        let cycled = Measurement {
            line: 2,
            pin: "P1".into(),
            kind: Kind::ContactResistance,
            value: 10.0,
            value_as_written: 10.0,
            unit_as_written: "mohm".into(),
            cycle: Some(0),
            timestamp: None,
            lot: None,
            station: None,
        };
        let c = resistance_change(&series, &[cycled], &limits).unwrap();
        assert_eq!((c.verdict, c.value), (Verdict::Fail, 15.0));
        assert_eq!(c.pins, ["P1"]);
    }
}
