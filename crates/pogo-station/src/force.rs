//! Spring force with a force gauge (Mark-10 Series 4/5: `?` + CR answers one reading
//! such as `4.285 N`), pin by pin as an operator (or a motorized stand) presses each
//! chosen probe to its working travel, judged as `pogo qc evaluate` judges
//! `spring_force`.

use crate::profile::{Job, Profile};
use crate::resource::Resource;
use crate::scpi::Session;
use crate::{Result, StationError};
use chrono::{DateTime, Utc};
use pogo_fixture::Fixture;
use pogo_qc::Verdict;
use pogo_qc::measurements::{self, Kind, Limits, Measurement};
use pogo_qc::units::STANDARD_GRAVITY;
use std::path::Path;

/// One gauge reading.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceReading {
    /// Magnitude in newton (gauges sign tension and compression differently).
    pub newton: f64,
    /// The reply as the gauge sent it.
    pub as_read: String,
}

/// Parses a gauge reply: a number and a unit (`N`, `kN`, `mN`, `gF`, `kgF`, `lbF`,
/// `ozF`, case-insensitive).
pub fn parse_reading(reply: &str) -> Option<ForceReading> {
    let mut parts = reply.split_whitespace();
    let value = parts
        .next()?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())?;
    let unit = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let per_unit_n = match unit.to_ascii_lowercase().as_str() {
        "n" => 1.0,
        "kn" => 1000.0,
        "mn" => 0.001,
        "gf" => STANDARD_GRAVITY / 1000.0,
        "kgf" => STANDARD_GRAVITY,
        "lbf" => 4.448_221_615_260_5,
        "ozf" => 0.278_013_850_953_781,
        _ => return None,
    };
    Some(ForceReading {
        newton: (value * per_unit_n).abs(),
        as_read: reply.trim().to_string(),
    })
}

/// A connected force gauge.
pub struct ForceGauge {
    session: Session,
    query: String,
}

impl ForceGauge {
    /// Opens the gauge with a force-gauge profile.
    pub fn connect(resource: &Resource, profile: &Profile) -> Result<ForceGauge> {
        profile.require(Job::ForceGauge)?;
        let query = profile.force.as_ref().expect("checked").query.clone();
        let session = profile.open_session(resource)?;
        Ok(ForceGauge { session, query })
    }

    /// Takes one reading.
    pub fn read(&mut self) -> Result<ForceReading> {
        let reply = self.session.query(&self.query)?;
        parse_reading(&reply).ok_or_else(|| StationError::Garbage {
            resource: self.session.resource().to_string(),
            command: self.query.clone(),
            reply: crate::transport::shown_bytes(reply.as_bytes()),
            expected: "a force such as `4.285 N`",
        })
    }
}

/// What the operator (or the stand) says before a pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The probe is at working travel: read it.
    Read,
    /// Leave this pin out.
    Skip,
    /// End the session (readings so far are kept).
    Stop,
}

/// One pin's spring force and verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceRow {
    /// Probe id of the fixture.
    pub pin: String,
    /// What the gauge read.
    pub reading: ForceReading,
    /// When it was read.
    pub at: DateTime<Utc>,
    /// The pin's verdict (`pogo qc evaluate`'s spring force check).
    pub verdict: Verdict,
    /// Why the pin is marginal or failed.
    pub reasons: Vec<String>,
}

/// The run of a force session for the fixture service: one spring-force reading (N)
/// per pin read, no actuation counted; `finished_at` is now, `started_at` the first
/// reading's time (now when none was read).
pub fn to_run(rows: &[ForceRow], fixture_id: &str, now: DateTime<Utc>) -> pogo_qc::run::Run {
    pogo_qc::run::Run {
        uuid: uuid::Uuid::new_v4(),
        fixture: fixture_id.to_string(),
        started_at: rows.first().map_or(now, |r| r.at),
        finished_at: now,
        actuations: 0,
        dut_serial: None,
        result: None,
        readings: rows
            .iter()
            .map(|r| pogo_qc::run::Reading {
                probe: r.pin.clone(),
                kind: Kind::SpringForce,
                value: r.reading.newton,
                unit: "N".into(),
            })
            .collect(),
    }
}

/// Reads each pin in turn: `ask` is called before each (the operator places the gauge,
/// or the stand moves), then the gauge is read and the pin judged; `on_row` sees each.
pub fn guided_readings(
    gauge: &mut ForceGauge,
    fixture: &Fixture,
    pins: &[String],
    limits: &Limits,
    ask: &mut dyn FnMut(&str) -> Step,
    on_row: &mut dyn FnMut(&ForceRow),
) -> Result<Vec<ForceRow>> {
    let unknown: Vec<String> = pins
        .iter()
        .filter(|p| !fixture.probes.iter().any(|q| &q.id == *p))
        .map(|p| format!("{p} is not a probe of the fixture"))
        .collect();
    if !unknown.is_empty() {
        return Err(StationError::Unrouted { problems: unknown });
    }
    let mut rows = Vec::new();
    for pin in pins {
        match ask(pin) {
            Step::Skip => continue,
            Step::Stop => break,
            Step::Read => {}
        }
        let reading = gauge.read()?;
        let at = Utc::now();
        let m = measurement(pin, &reading, at, 2);
        let e = measurements::evaluate(&[m], Some(fixture), limits);
        let (verdict, reasons) = e.pins.first().map_or((Verdict::Pass, Vec::new()), |p| {
            (p.verdict, p.reasons.clone())
        });
        let row = ForceRow {
            pin: pin.clone(),
            reading,
            at,
            verdict,
            reasons,
        };
        on_row(&row);
        rows.push(row);
    }
    Ok(rows)
}

fn measurement(pin: &str, r: &ForceReading, at: DateTime<Utc>, line: u64) -> Measurement {
    Measurement {
        line,
        pin: pin.to_string(),
        kind: Kind::SpringForce,
        value: r.newton,
        value_as_written: r.newton,
        unit_as_written: "N".to_string(),
        cycle: None,
        timestamp: Some(at.to_rfc3339()),
        lot: None,
        station: None,
    }
}

/// The CSV `pogo qc evaluate` reads (`spring_force` in N), with the gauge's own reply
/// kept in `as_read`.
pub fn to_csv(rows: &[ForceRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["pin", "kind", "value", "unit", "timestamp", "as_read"]);
    for r in rows {
        let _ = w.write_record([
            r.pin.clone(),
            Kind::SpringForce.name().into(),
            format!("{}", r.reading.newton),
            "N".into(),
            r.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            r.reading.as_read.clone(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Writes the CSV atomically.
pub fn write_csv(rows: &[ForceRow], path: &Path) -> Result<()> {
    pogo_fixture::write_atomic(path, to_csv(rows).as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_gauge_unit() {
        assert_eq!(parse_reading("4.285 N").unwrap().newton, 4.285);
        assert!((parse_reading("436.9 gF").unwrap().newton - 4.284_525).abs() < 1e-4);
        assert!((parse_reading("0.963 lbF").unwrap().newton - 4.283_637).abs() < 1e-5);
        assert_eq!(parse_reading("-1.5 N").unwrap().newton, 1.5);
        for bad in ["", "4.285", "N 4.285", "4.285 Nm", "4.285 N extra", "nan N"] {
            assert!(parse_reading(bad).is_none(), "{bad}");
        }
    }
}
