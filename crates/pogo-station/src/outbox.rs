//! Store and forward: every run goes to a queue on disk first, then to the fixture
//! service (`POST {URL}/api/v1/runs`, `Authorization: Bearer TOKEN`, the
//! [`pogo_qc::run::Run`] JSON). A run leaves the queue only when the service answered
//! 201 (stored) or 200 (already stored: a replay of the same uuid), so a run is never
//! lost; the service keys runs by uuid, so sending one again after a crash between
//! the answer and the removal never stores it twice.
//!
//! Layout: `DIR/pending/NNNNNNNNNNNNNNNNNNNN-UUID.json` (written atomically, sent in
//! the order queued) and `DIR/rejected/UUID.json` with `UUID.reason.txt` for a run
//! the service refused outright (4xx other than 401): kept for a person to look at,
//! never retried blindly and never deleted.

use crate::{Result, StationError};
use pogo_qc::run::Run;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The fixture service a station posts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Base URL (`http://host:8080`); `/api/v1/runs` is appended.
    pub url: String,
    /// Bearer token of the station.
    pub token: String,
    /// Longest wait for the service's answer.
    pub timeout: Duration,
}

impl Service {
    /// A service with a 10 s timeout per request.
    pub fn new(url: &str, token: &str) -> Service {
        Service {
            url: url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            timeout: Duration::from_secs(10),
        }
    }

    fn runs_url(&self) -> String {
        format!("{}/api/v1/runs", self.url)
    }
}

/// What the service said to one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostOutcome {
    /// 201: stored now.
    Stored,
    /// 200: the service had it already (a replay).
    AlreadyStored,
    /// 401: the token is refused.
    Unauthorized,
    /// Another 4xx: the run itself is refused.
    Refused {
        /// HTTP status.
        status: u16,
        /// Body of the answer.
        body: String,
    },
    /// No answer, or a 5xx: try again later.
    Unreachable(String),
}

/// Posts one run's JSON.
pub fn post(service: &Service, run_json: &str) -> PostOutcome {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(service.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .post(&service.runs_url())
        .header("Authorization", &format!("Bearer {}", service.token))
        .header("Content-Type", "application/json")
        .send(run_json);
    let mut response = match response {
        Ok(r) => r,
        Err(e) => return PostOutcome::Unreachable(e.to_string()),
    };
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .unwrap_or_default()
        .chars()
        .take(500)
        .collect::<String>();
    match status {
        201 => PostOutcome::Stored,
        200 => PostOutcome::AlreadyStored,
        401 => PostOutcome::Unauthorized,
        400..=499 => PostOutcome::Refused { status, body },
        _ => PostOutcome::Unreachable(format!("status {status}: {body}")),
    }
}

/// What one flush did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlushReport {
    /// Runs the service stored now (201).
    pub stored: Vec<uuid::Uuid>,
    /// Runs the service had already (200): sent before, answer lost.
    pub already_stored: Vec<uuid::Uuid>,
    /// Runs moved to `rejected/`, with the service's status and answer.
    pub rejected: Vec<(uuid::Uuid, u16, String)>,
    /// Runs still waiting in the queue.
    pub waiting: usize,
    /// Why the flush stopped early (the service cannot be reached).
    pub unreachable: Option<String>,
}

/// The queue on disk.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    /// Opens (and creates) the queue directory.
    pub fn open(dir: &Path) -> Result<Outbox> {
        for sub in ["pending", "rejected"] {
            let d = dir.join(sub);
            std::fs::create_dir_all(&d).map_err(|source| StationError::File {
                path: d.display().to_string(),
                source,
            })?;
        }
        Ok(Outbox { dir: dir.into() })
    }

    /// Puts a run in the queue (checked first: a run the service would refuse is an
    /// error here, not a file that waits forever).
    pub fn enqueue(&self, run: &Run) -> Result<PathBuf> {
        run.validate()
            .map_err(|e| StationError::Run(format!("run {}: {e}", run.uuid)))?;
        let nanos = chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .max(0);
        let path = self
            .dir
            .join("pending")
            .join(format!("{nanos:020}-{}.json", run.uuid));
        let json = serde_json::to_string_pretty(run).expect("a run serialises");
        pogo_fixture::write_atomic(&path, json.as_bytes())?;
        Ok(path)
    }

    /// Runs waiting, oldest first.
    pub fn pending(&self) -> Result<Vec<PathBuf>> {
        let d = self.dir.join("pending");
        let read = std::fs::read_dir(&d).map_err(|source| StationError::File {
            path: d.display().to_string(),
            source,
        })?;
        let mut v: Vec<PathBuf> = read
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        v.sort();
        Ok(v)
    }

    /// Sends every waiting run, oldest first, and stops at the first one the service
    /// cannot take now (unreachable: the rest wait for the next flush). A refused
    /// token is an error and leaves every run queued.
    pub fn flush(&self, service: &Service) -> Result<FlushReport> {
        let mut report = FlushReport::default();
        let pending = self.pending()?;
        for (i, path) in pending.iter().enumerate() {
            let (shown, text) = pogo_text::read_text_file(path, |path, source| {
                StationError::File { path, source }
            })?;
            let run: Run = match serde_json::from_str(&text) {
                Ok(r) => r,
                Err(e) => {
                    self.reject(path, &format!("{shown}: not a run: {e}"))?;
                    continue;
                }
            };
            match post(service, &text) {
                PostOutcome::Stored => {
                    remove(path)?;
                    report.stored.push(run.uuid);
                }
                PostOutcome::AlreadyStored => {
                    remove(path)?;
                    report.already_stored.push(run.uuid);
                }
                PostOutcome::Unauthorized => {
                    return Err(StationError::Unauthorized {
                        url: service.runs_url(),
                    });
                }
                PostOutcome::Refused { status, body } => {
                    self.reject(path, &format!("status {status}: {body}"))?;
                    report.rejected.push((run.uuid, status, body));
                }
                PostOutcome::Unreachable(why) => {
                    report.waiting = pending.len() - i;
                    report.unreachable = Some(why);
                    return Ok(report);
                }
            }
        }
        Ok(report)
    }

    fn reject(&self, path: &Path, reason: &str) -> Result<()> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = name.split_once('-').map_or(name.as_str(), |(_, rest)| rest);
        let target = self.dir.join("rejected").join(base);
        let why = target.with_extension("reason.txt");
        pogo_fixture::write_atomic(&why, reason.as_bytes())?;
        std::fs::rename(path, &target).map_err(|source| StationError::File {
            path: path.display().to_string(),
            source,
        })
    }
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StationError::File {
            path: path.display().to_string(),
            source,
        }),
    }
}
