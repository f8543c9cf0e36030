//! [`evaluate`]: measurements in, an [`Evaluation`] out, in named phases over a small
//! state: group the readings by pin, judge each pin ([`pin_checks`]), judge the set
//! ([`set_checks`]), settle each pin's verdict and actions, then sum up.

use super::limits::{Limits, PinContext};
use super::pin_checks::{self, Unchecked};
use super::{
    Action, Evaluation, Measurement, MeasurementSheet, PinReport, SetCheck, Summary, Verdict,
    set_checks,
};
use pogo_fixture::Fixture;
use std::collections::BTreeMap;

/// Keyed by natural order, then the exact name (`P01` and `P1` stay two pins).
type PinKey = ((String, u64, String), String);

/// Each pin's readings, in natural pin order.
type ByPin<'m> = BTreeMap<PinKey, (String, Vec<&'m Measurement>)>;

/// What judging the pins one by one gives the later phases.
#[derive(Default)]
struct PinPhase {
    pins: Vec<PinReport>,
    /// Pins not in the fixture.
    notes: Vec<String>,
    /// Checks not made for want of a limit: what, and the pin once per reading.
    unchecked: BTreeMap<&'static str, Vec<String>>,
    resistance_series: BTreeMap<String, Vec<(f64, f64)>>,
    resistance_limits: BTreeMap<String, f64>,
    heights: BTreeMap<String, f64>,
}

/// Evaluates measurements against limits (and the fixture's parts, when given).
pub fn evaluate(
    measurements: &[Measurement],
    fixture: Option<&Fixture>,
    limits: &Limits,
) -> Evaluation {
    let by_pin = group_by_pin(measurements);
    let mut phase = PinPhase::default();
    for (pin, ms) in by_pin.values() {
        judge_pin(pin, ms, fixture, limits, &mut phase);
    }
    let mut set_checks = set_checks::heights(
        &phase.heights,
        &mut phase.pins,
        measurements,
        fixture,
        limits,
    );
    set_checks.extend(set_checks::return_spread(&phase.pins, measurements, limits));
    set_checks.extend(set_checks::resistance_change(
        &phase.resistance_series,
        measurements,
        limits,
    ));
    phase.pins.iter_mut().for_each(settle);
    let mut notes = phase.notes;
    for (what, pins) in &phase.unchecked {
        notes.push(format!(
            "{what} not checked on {} (no limit known: pass --fixture or set it in limits.toml)",
            pins.join(", ")
        ));
    }
    Evaluation {
        summary: summary(&phase.pins, &set_checks),
        not_measured: not_measured(fixture, &by_pin),
        pins: phase.pins,
        set_checks,
        notes,
        bad_rows: Vec::new(),
        resistance_series: phase.resistance_series,
        resistance_limits: phase.resistance_limits,
        heights: phase.heights,
    }
}

/// Judges the good rows of a sheet ([`evaluate`]) and carries its bad rows along, so
/// the report lists them beside the verdicts; a bad row is never judged.
pub fn evaluate_sheet(
    sheet: &MeasurementSheet,
    fixture: Option<&Fixture>,
    limits: &Limits,
) -> Evaluation {
    let mut e = evaluate(&sheet.measurements, fixture, limits);
    e.bad_rows = sheet.bad_rows.clone();
    e
}

fn group_by_pin(measurements: &[Measurement]) -> ByPin<'_> {
    let mut by_pin = ByPin::new();
    for m in measurements {
        by_pin
            .entry((pogo_text::natural_key(&m.pin), m.pin.clone()))
            .or_insert_with(|| (m.pin.clone(), Vec::new()))
            .1
            .push(m);
    }
    by_pin
}

/// Every check of one pin; its report (verdict still open) joins `phase.pins`.
fn judge_pin(
    pin: &str,
    ms: &[&Measurement],
    fixture: Option<&Fixture>,
    limits: &Limits,
    phase: &mut PinPhase,
) {
    let ctx = PinContext::of(fixture, pin);
    if fixture.is_some() && ctx.probe.is_none() {
        phase.notes.push(format!(
            "pin {pin} is not in the fixture: checked against default limits"
        ));
    }
    let mut checks = Vec::new();
    if let Some(r) = pin_checks::resistance(ms, &ctx, limits) {
        phase
            .resistance_limits
            .insert(pin.to_string(), r.limit_mohm);
        phase.resistance_series.insert(pin.to_string(), r.series);
        checks.extend(r.checks);
    }
    let mut unchecked = Vec::new();
    for result in [
        pin_checks::spring_force(ms, &ctx, limits),
        pin_checks::compression(ms, &ctx, limits),
        pin_checks::seating_depth(ms, &ctx, limits),
        pin_checks::return_height(ms, limits).map(Vec::from_iter),
    ] {
        match result {
            Ok(c) => checks.extend(c),
            Err(u) => unchecked.push(u),
        }
    }
    checks.extend(pin_checks::tilt(ms, limits));
    for Unchecked { what, readings } in unchecked {
        let names = phase.unchecked.entry(what).or_default();
        names.extend(std::iter::repeat_n(pin.to_string(), readings));
    }
    if let Some(h) = pin_checks::latest_height(ms) {
        phase.heights.insert(pin.to_string(), h);
    }
    let station = ms.iter().find_map(|m| m.station.as_deref());
    phase.pins.push(PinReport {
        pin: pin.to_string(),
        part: ctx.probe.map(|p| p.part.clone()),
        plate: ctx.plate(station),
        verdict: Verdict::Pass,
        reasons: Vec::new(),
        actions: Vec::new(),
        checks,
        readings: ms.len(),
    });
}

/// A pin's verdict is its worst check; its reasons the messages of the checks that did
/// not pass; its actions those of its checks, mildest first, each once.
fn settle(p: &mut PinReport) {
    p.verdict = p
        .checks
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::Pass);
    p.reasons = p
        .checks
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .map(|c| c.message.clone())
        .collect();
    let mut actions: Vec<Action> = p.checks.iter().filter_map(|c| c.action).collect();
    actions.sort();
    actions.dedup();
    p.actions = actions;
}

/// Pins of the fixture with no reading at all, in natural order.
fn not_measured(fixture: Option<&Fixture>, by_pin: &ByPin) -> Vec<String> {
    let Some(f) = fixture else {
        return Vec::new();
    };
    let mut v: Vec<String> = f
        .probes
        .iter()
        .filter(|p| !by_pin.contains_key(&(pogo_text::natural_key(&p.id), p.id.clone())))
        .map(|p| p.id.clone())
        .collect();
    v.sort_by_key(|s| pogo_text::natural_key(s));
    v
}

fn summary(pins: &[PinReport], set_checks: &[SetCheck]) -> Summary {
    let count = |v: Verdict| pins.iter().filter(|p| p.verdict == v).count();
    let worst = pins
        .iter()
        .map(|p| p.verdict)
        .chain(set_checks.iter().map(|s| s.verdict))
        .max()
        .unwrap_or(Verdict::Pass);
    Summary {
        pins: pins.len(),
        pass: count(Verdict::Pass),
        marginal: count(Verdict::Marginal),
        fail: count(Verdict::Fail),
        set_checks_failed: set_checks
            .iter()
            .filter(|s| s.verdict == Verdict::Fail)
            .count(),
        verdict: worst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measurements::{Check, Kind};

    fn check(verdict: Verdict, action: Option<Action>, message: &str) -> Check {
        Check {
            kind: Kind::Tilt,
            verdict,
            value: 0.0,
            unit: "deg",
            line: 2,
            min: None,
            max: None,
            message: message.into(),
            action,
        }
    }

    fn report(checks: Vec<Check>) -> PinReport {
        PinReport {
            pin: "P1".into(),
            part: None,
            plate: "all".into(),
            verdict: Verdict::Pass,
            reasons: Vec::new(),
            actions: Vec::new(),
            checks,
            readings: 1,
        }
    }

    #[test]
    fn settle_takes_the_worst_check_and_each_action_once() {
        let mut p = report(vec![
            check(Verdict::Marginal, Some(Action::Reseat), "a"),
            check(Verdict::Pass, None, "b"),
            check(Verdict::Fail, Some(Action::Replace), "c"),
            check(Verdict::Marginal, Some(Action::Reseat), "d"),
        ]);
        settle(&mut p);
        assert_eq!(p.verdict, Verdict::Fail);
        assert_eq!(p.reasons, ["a", "c", "d"]);
        assert_eq!(p.actions, [Action::Reseat, Action::Replace]);
    }

    #[test]
    fn summary_counts_pins_and_takes_the_worst_set_check() {
        let mut good = report(Vec::new());
        settle(&mut good);
        let s = summary(&[good], &[]);
        assert_eq!((s.pins, s.pass, s.verdict), (1, 1, Verdict::Pass));
        let set = SetCheck {
            check: crate::measurements::SetCheckKind::HeightSpread,
            plate: "top".into(),
            verdict: Verdict::Fail,
            value: 1.0,
            limit: 0.1,
            unit: "mm",
            message: String::new(),
            pins: Vec::new(),
            action: None,
        };
        let s = summary(&[], &[set]);
        assert_eq!((s.set_checks_failed, s.verdict), (1, Verdict::Fail));
    }

    #[test]
    fn pins_group_in_natural_order_and_keep_distinct_names() {
        let m = |pin: &str| Measurement {
            line: 2,
            pin: pin.into(),
            kind: Kind::Tilt,
            value: 0.0,
            value_as_written: 0.0,
            unit_as_written: "deg".into(),
            cycle: None,
            timestamp: None,
            lot: None,
            station: None,
        };
        let ms = [m("P10"), m("P2"), m("P01"), m("P1"), m("P2")];
        let by_pin = group_by_pin(&ms);
        let names: Vec<(&str, usize)> = by_pin
            .values()
            .map(|(p, v)| (p.as_str(), v.len()))
            .collect();
        assert_eq!(names, [("P01", 1), ("P1", 1), ("P2", 2), ("P10", 1)]);
    }
}
