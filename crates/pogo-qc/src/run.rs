//! A station's run: what a test station sends to the fixture service after using a
//! fixture (lid closures, the DUT, and the readings it took per probe).
//!
//! This is the one shared format between `pogo station` (which measures and sends) and
//! `pogo serve` (which stores runs and keeps each fixture's counters). JSON, as posted to
//! `POST /api/v1/runs`:
//!
//! ```json
//! {
//!   "uuid": "6f1c2b9e-2f0a-4c43-9d7e-0a4b1f3e9c11",
//!   "fixture": "fx-3a9c0d1e22f4",
//!   "started_at": "2026-12-06T08:00:00Z",
//!   "finished_at": "2026-12-06T08:00:41Z",
//!   "actuations": 1,
//!   "dut_serial": "SN-000123",
//!   "result": "pass",
//!   "readings": [
//!     {"probe": "P1", "kind": "contact_resistance", "value": 23.4, "unit": "mohm"}
//!   ]
//! }
//! ```
//!
//! The station chooses `uuid`; posting the same run again stores nothing twice.
//! `fixture` is the service's fixture id (by default [`pogo_fixture::fixture_id`] of the
//! registered `fixture.json`). `kind` and `unit` are those of `pogo qc evaluate`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::measurements::Kind;
use crate::units::Unit;

/// Largest number of readings one run may carry.
pub const MAX_READINGS_PER_RUN: usize = 100_000;

/// One run of a test station on one fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// Chosen by the station; the key that makes a retried upload idempotent.
    pub uuid: Uuid,
    /// The service's id of the fixture used.
    pub fixture: String,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
    /// Lid closures (actuations of the fixture) during the run.
    pub actuations: u64,
    /// Serial number of the board under test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dut_serial: Option<String>,
    /// The test's outcome on the board under test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<RunResult>,
    /// Readings taken per probe.
    #[serde(default)]
    pub readings: Vec<Reading>,
}

/// The outcome of the test of the board under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunResult {
    /// The board passed its test.
    Pass,
    /// The board failed its test.
    Fail,
    /// The test could not be run to its end.
    Error,
}

/// One reading of one probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// Probe id of `fixture.json` (`P1`, ...).
    pub probe: String,
    /// What was read.
    pub kind: Kind,
    /// The value, in `unit`.
    pub value: f64,
    /// A unit `pogo qc evaluate` accepts for the kind (`mohm`, `ohm`, `N`, `gf`, `mm`, ...).
    pub unit: String,
}

/// Why a run is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// No fixture id.
    #[error("`fixture` is empty")]
    NoFixture,
    /// The run ends before it starts.
    #[error("`finished_at` ({finished}) is before `started_at` ({started})")]
    EndsBeforeStart {
        /// `started_at`, RFC 3339.
        started: String,
        /// `finished_at`, RFC 3339.
        finished: String,
    },
    /// More readings than [`MAX_READINGS_PER_RUN`].
    #[error("a run may carry at most {max} readings, this one has {0}", max = MAX_READINGS_PER_RUN)]
    TooManyReadings(usize),
    /// A reading without a probe id.
    #[error("readings[{index}]: `probe` is empty")]
    NoProbe {
        /// Index of the reading in the run.
        index: usize,
    },
    /// A reading whose value is NaN or infinite.
    #[error("readings[{index}] (probe {probe}): value {value} is not a finite number")]
    NotFinite {
        /// Index of the reading in the run.
        index: usize,
        /// Its probe.
        probe: String,
        /// Its value.
        value: f64,
    },
    /// A reading whose unit is not one of its kind's.
    #[error("readings[{index}] (probe {probe}): unknown unit `{unit}`, expected one of {expected}")]
    BadUnit {
        /// Index of the reading in the run.
        index: usize,
        /// Its probe.
        probe: String,
        /// The unit as given.
        unit: String,
        /// The units its kind accepts.
        expected: &'static str,
    },
}

impl Run {
    /// Checks what serde cannot: times in order, finite values, units that fit each
    /// reading's kind.
    pub fn validate(&self) -> Result<(), RunError> {
        if self.fixture.trim().is_empty() {
            return Err(RunError::NoFixture);
        }
        if self.finished_at < self.started_at {
            return Err(RunError::EndsBeforeStart {
                started: self.started_at.to_rfc3339(),
                finished: self.finished_at.to_rfc3339(),
            });
        }
        if self.readings.len() > MAX_READINGS_PER_RUN {
            return Err(RunError::TooManyReadings(self.readings.len()));
        }
        for (index, r) in self.readings.iter().enumerate() {
            r.canonical_value().map_err(|e| e.at(index))?;
        }
        Ok(())
    }
}

/// A reading error before its index in the run is known.
#[derive(Debug)]
pub struct ReadingError(RunError);

impl ReadingError {
    fn at(self, index: usize) -> RunError {
        match self.0 {
            RunError::NoProbe { .. } => RunError::NoProbe { index },
            RunError::NotFinite { probe, value, .. } => RunError::NotFinite {
                index,
                probe,
                value,
            },
            RunError::BadUnit {
                probe,
                unit,
                expected,
                ..
            } => RunError::BadUnit {
                index,
                probe,
                unit,
                expected,
            },
            other => other,
        }
    }
}

impl Reading {
    /// The value in the canonical unit of its kind (mOhm, N, mm, deg).
    pub fn canonical_value(&self) -> Result<f64, ReadingError> {
        if self.probe.trim().is_empty() {
            return Err(ReadingError(RunError::NoProbe { index: 0 }));
        }
        if !self.value.is_finite() {
            return Err(ReadingError(RunError::NotFinite {
                index: 0,
                probe: self.probe.clone(),
                value: self.value,
            }));
        }
        let quantity = self.kind.quantity();
        match Unit::parse(&self.unit) {
            Some(unit) if unit.quantity() == quantity => Ok(unit.to_canonical(self.value)),
            _ => Err(ReadingError(RunError::BadUnit {
                index: 0,
                probe: self.probe.clone(),
                unit: self.unit.clone(),
                expected: quantity.accepted_units(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(readings: &str) -> Result<Run, String> {
        let text = format!(
            r#"{{"uuid":"6f1c2b9e-2f0a-4c43-9d7e-0a4b1f3e9c11","fixture":"fx-1",
            "started_at":"2026-12-06T08:00:00Z","finished_at":"2026-12-06T08:00:41Z",
            "actuations":3,"readings":[{readings}]}}"#
        );
        serde_json::from_str::<Run>(&text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_the_documented_form_and_converts_units() {
        let r = run(r#"{"probe":"P1","kind":"contact_resistance","value":0.025,"unit":"ohm"}"#)
            .unwrap();
        r.validate().unwrap();
        assert_eq!(r.actuations, 3);
        let v = r.readings[0].canonical_value().unwrap();
        assert!((v - 25.0).abs() < 1e-9, "{v}");
    }

    #[test]
    fn refuses_unknown_kind_and_field() {
        assert!(run(r#"{"probe":"P1","kind":"colour","value":1,"unit":"mohm"}"#).is_err());
        assert!(run(r#"{"probe":"P1","kind":"tilt","value":1,"unit":"deg","x":1}"#).is_err());
    }

    #[test]
    fn refuses_a_unit_of_another_quantity() {
        let r = run(r#"{"probe":"P2","kind":"spring_force","value":1,"unit":"mohm"}"#).unwrap();
        assert!(matches!(
            r.validate(),
            Err(RunError::BadUnit { index: 0, .. })
        ));
    }

    #[test]
    fn refuses_time_running_backwards() {
        let mut r = run("").unwrap();
        std::mem::swap(&mut r.started_at, &mut r.finished_at);
        assert!(matches!(
            r.validate(),
            Err(RunError::EndsBeforeStart { .. })
        ));
    }
}
