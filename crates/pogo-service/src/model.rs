//! What the service answers: the typed forms of the API's JSON.

use crate::wear::{ForecastReason, WearLine};
use serde::{Deserialize, Serialize};

/// The answer to a fixture registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
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
    pub uuid: String,
    pub fixture: String,
    pub stored: Stored,
    pub actuations: u64,
    pub readings: u64,
    /// Contact resistance readings of this run judged marginal and failed.
    pub marginal_readings: u64,
    pub failed_readings: u64,
}

/// A probe's health, worst last; `NotMeasured` until its first contact resistance
/// reading since install or cleaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeVerdict {
    NotMeasured,
    Pass,
    Marginal,
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
    pub id: String,
    pub net: String,
    /// `top` or `bottom`.
    pub side: String,
    pub x_mm: f64,
    pub y_mm: f64,
    pub part: String,
    /// Actuations since this probe was installed (reset by `replace_probe`).
    pub actuations_since_install: u64,
    /// Actuations since the probe was last cleaned or installed.
    pub actuations_since_clean: u64,
    /// How many times this position's probe was installed (1 = the original).
    pub install_no: u64,
    pub last_resistance_mohm: Option<f64>,
    /// First reading since install: the rise is measured from it.
    pub baseline_mohm: Option<f64>,
    /// The part's maximum contact resistance.
    pub limit_mohm: f64,
    pub rated_life_actuations: u64,
    pub verdict: ProbeVerdict,
    /// Contact resistance readings since the fixture was registered, and how many failed.
    pub readings_total: u64,
    pub failures_total: u64,
    /// Wear trend since install, when there are enough readings.
    pub wear: Option<WearLine>,
    /// Actuations since install at which the probe is due for replacement.
    pub forecast_actuations: u64,
    pub forecast_reason: ForecastReason,
    /// The day the forecast is reached at the fixture's usage rate (None without usage).
    pub forecast_date: Option<String>,
}

/// A fixture in service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixtureStatus {
    pub id: String,
    pub board_file: String,
    pub sha256: String,
    pub registered_at: String,
    /// Lifetime lid closures (never reset).
    pub actuations_total: u64,
    pub runs_total: u64,
    pub first_run_at: Option<String>,
    pub last_run_at: Option<String>,
    /// Lifetime actuations over the days from the first run to the last (at least one).
    pub actuations_per_day: Option<f64>,
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
    Replace,
    Clean,
}

/// One entry of a fixture's due list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueItem {
    pub probe: String,
    pub action: DueAction,
    /// Due now (true) or by `due_date` (false).
    pub overdue: bool,
    pub due_date: Option<String>,
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
    pub kind: MaintenanceKind,
    #[serde(default)]
    pub probe: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One recorded maintenance event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaintenanceEvent {
    pub id: i64,
    pub fixture: String,
    pub probe: Option<String>,
    pub kind: String,
    /// The fixture's lifetime actuations when it was recorded.
    pub actuations_total: u64,
    pub note: String,
    pub recorded_at: String,
}

/// A station as listed (never its token).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationInfo {
    pub id: i64,
    pub name: String,
    /// Fixtures it may use; empty when it may use every fixture.
    pub fixtures: Vec<String>,
    pub runs_total: u64,
    pub last_run_at: Option<String>,
}

/// Runs of one day on one fixture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayStats {
    /// `YYYY-MM-DD` (UTC) of the run's end.
    pub day: String,
    pub runs: u64,
    /// DUTs tested for the first time on the fixture that day, and how many passed.
    pub first_tests: u64,
    pub first_passes: u64,
}

/// One point of a probe's wear history (sampled as readings arrive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendPoint {
    pub actuations_since_install: u64,
    pub resistance_mohm: f64,
}
