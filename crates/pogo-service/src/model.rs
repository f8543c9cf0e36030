//! What the service answers: the typed forms of the API's JSON.

use crate::wear::{ForecastReason, WearLine};
use serde::{Deserialize, Serialize};

/// The answer to a fixture registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    /// The fixture's id in the service.
    pub id: String,
    /// False when the same fixture.json was already registered under this id.
    pub created: bool,
}

/// Whether a posted run was stored now or had been stored before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stored {
    /// Stored by this request (HTTP 201).
    New,
    /// The same run was stored before; nothing was written (HTTP 200).
    Replay,
}

/// The answer to a posted run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReceipt {
    /// The run's uuid.
    pub uuid: String,
    /// The fixture it ran on.
    pub fixture: String,
    /// Stored now or before.
    pub stored: Stored,
    /// Lid closures of the run.
    pub actuations: u64,
    /// Readings the run carried.
    pub readings: u64,
    /// Contact resistance readings of this run judged marginal and failed.
    pub marginal_readings: u64,
    /// Contact resistance readings of this run judged failed.
    pub failed_readings: u64,
}

/// A probe's health, worst last; `NotMeasured` until its first contact resistance
/// reading since install or cleaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeVerdict {
    /// No contact resistance reading since install or cleaning.
    NotMeasured,
    /// The last reading passes.
    Pass,
    /// The last reading is marginal.
    Marginal,
    /// The last reading fails.
    Fail,
}

impl ProbeVerdict {
    /// The name used in JSON, in the database and as a CSS class.
    pub fn name(self) -> &'static str {
        match self {
            ProbeVerdict::NotMeasured => "not_measured",
            ProbeVerdict::Pass => "pass",
            ProbeVerdict::Marginal => "marginal",
            ProbeVerdict::Fail => "fail",
        }
    }

    pub(crate) fn parse(s: Option<&str>) -> ProbeVerdict {
        match s {
            Some("pass") => ProbeVerdict::Pass,
            Some("marginal") => ProbeVerdict::Marginal,
            Some("fail") => ProbeVerdict::Fail,
            _ => ProbeVerdict::NotMeasured,
        }
    }
}

impl From<pogo_qc::Verdict> for ProbeVerdict {
    fn from(v: pogo_qc::Verdict) -> Self {
        match v {
            pogo_qc::Verdict::Pass => ProbeVerdict::Pass,
            pogo_qc::Verdict::Marginal => ProbeVerdict::Marginal,
            pogo_qc::Verdict::Fail => ProbeVerdict::Fail,
        }
    }
}

/// One probe of a fixture in service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeStatus {
    /// Probe id of the fixture.
    pub id: String,
    /// Net it probes.
    pub net: String,
    /// `top` or `bottom`.
    pub side: String,
    /// Position on the board, mm (KiCad page coordinates).
    pub x_mm: f64,
    /// Position on the board, mm (KiCad page coordinates, y down).
    pub y_mm: f64,
    /// Catalog part of the probe.
    pub part: String,
    /// Actuations since this probe was installed (reset by `replace_probe`).
    pub actuations_since_install: u64,
    /// Actuations since the probe was last cleaned or installed.
    pub actuations_since_clean: u64,
    /// How many times this position's probe was installed (1 = the original).
    pub install_no: u64,
    /// The last contact resistance reading, mOhm.
    pub last_resistance_mohm: Option<f64>,
    /// First reading since install: the rise is measured from it.
    pub baseline_mohm: Option<f64>,
    /// The part's maximum contact resistance.
    pub limit_mohm: f64,
    /// The part's rated life, actuations.
    pub rated_life_actuations: u64,
    /// The verdict of the last reading.
    pub verdict: ProbeVerdict,
    /// Contact resistance readings since the fixture was registered, and how many failed.
    pub readings_total: u64,
    /// Of those, how many failed.
    pub failures_total: u64,
    /// Wear trend since install, when there are enough readings.
    pub wear: Option<WearLine>,
    /// Actuations since install at which the probe is due for replacement.
    pub forecast_actuations: u64,
    /// What sets the forecast (rated life, wear trend, ...).
    pub forecast_reason: ForecastReason,
    /// The day the forecast is reached at the fixture's usage rate (None without usage).
    pub forecast_date: Option<String>,
}

/// A fixture in service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixtureStatus {
    /// The fixture's id in the service.
    pub id: String,
    /// The board file the fixture was designed from.
    pub board_file: String,
    /// SHA-256 of that board file.
    pub sha256: String,
    /// When it was registered (RFC 3339).
    pub registered_at: String,
    /// Lifetime lid closures (never reset).
    pub actuations_total: u64,
    /// Runs stored.
    pub runs_total: u64,
    /// End of the first run (RFC 3339).
    pub first_run_at: Option<String>,
    /// End of the last run (RFC 3339).
    pub last_run_at: Option<String>,
    /// Lifetime actuations over the days from the first run to the last (at least one).
    pub actuations_per_day: Option<f64>,
    /// Every probe, in natural id order.
    pub probes: Vec<ProbeStatus>,
}

impl FixtureStatus {
    /// Count of probes with a verdict.
    pub fn count(&self, verdict: ProbeVerdict) -> usize {
        self.probes.iter().filter(|p| p.verdict == verdict).count()
    }
}

/// What a due item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueAction {
    /// Replace the probe.
    Replace,
    /// Clean the probe.
    Clean,
}

/// One entry of a fixture's due list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueItem {
    /// Probe id.
    pub probe: String,
    /// What to do.
    pub action: DueAction,
    /// Due now (true) or by `due_date` (false).
    pub overdue: bool,
    /// The due date.
    pub due_date: Option<String>,
    /// Why, in words.
    pub reason: String,
}

/// The kinds of maintenance the service knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceKind {
    /// One probe replaced: its counters since install start again.
    ReplaceProbe,
    /// One probe cleaned, or every probe when no probe is given.
    Clean,
    /// Every probe replaced.
    ReplaceAll,
}

impl MaintenanceKind {
    /// The name used in JSON and in the database.
    pub fn name(self) -> &'static str {
        match self {
            MaintenanceKind::ReplaceProbe => "replace_probe",
            MaintenanceKind::Clean => "clean",
            MaintenanceKind::ReplaceAll => "replace_all",
        }
    }
}

/// The body of `POST /api/v1/fixtures/{id}/maintenance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceRequest {
    /// What was done.
    pub kind: MaintenanceKind,
    /// The probe, for one probe's maintenance.
    #[serde(default)]
    pub probe: Option<String>,
    /// A note kept with the event.
    #[serde(default)]
    pub note: Option<String>,
}

/// One recorded maintenance event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaintenanceEvent {
    /// Event number.
    pub id: i64,
    /// The fixture.
    pub fixture: String,
    /// The probe, for one probe's maintenance.
    pub probe: Option<String>,
    /// What was done ([`MaintenanceKind::name`]).
    pub kind: String,
    /// The fixture's lifetime actuations when it was recorded.
    pub actuations_total: u64,
    /// The note given.
    pub note: String,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
}

/// A station as listed (never its token).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationInfo {
    /// Station number.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Fixtures it may use; empty when it may use every fixture.
    pub fixtures: Vec<String>,
    /// Runs it posted.
    pub runs_total: u64,
    /// End of its last run (RFC 3339).
    pub last_run_at: Option<String>,
}

/// Runs of one day on one fixture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayStats {
    /// `YYYY-MM-DD` (UTC) of the run's end.
    pub day: String,
    /// Runs that day.
    pub runs: u64,
    /// DUTs tested for the first time on the fixture that day, and how many passed.
    pub first_tests: u64,
    /// Of those, how many passed.
    pub first_passes: u64,
}

/// One point of a probe's wear history (sampled as readings arrive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The probe's actuations since install at the reading.
    pub actuations_since_install: u64,
    /// The reading, mOhm.
    pub resistance_mohm: f64,
}
