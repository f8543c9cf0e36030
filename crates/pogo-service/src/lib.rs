//! pogo-service: where a fixture's life is kept.
//!
//! A registry of fixtures (each registered from its `fixture.json`), the test stations
//! that use them, the runs those stations post ([`pogo_qc::run::Run`]) and the
//! maintenance done on them. Counters are kept as instruments keep relay counters: a
//! fixture's lifetime actuations (never reset) and each probe's actuations since it was
//! installed (reset when the probe is replaced). Every reading of contact resistance is
//! judged with pogo-qc's limits as it arrives and the per-probe figures (last reading,
//! verdict, wear fit, failures) are updated in the same transaction, so no page ever
//! scans the readings.
//!
//! - [`Database`]: SQLite (default, WAL) or PostgreSQL through one schema, migrations
//!   applied on [`Database::connect`]; the typed operations of the service.
//! - [`http::router`]: the JSON API under `/api/v1` (see `docs/api.md`) and the
//!   server-rendered dashboard.
//! - [`wear`]: judgement, wear fit and forecast of one probe.
//! - [`demo`]: a simulated fixture life for `pogo serve --demo`.
//!
//! Libraries don't print: the CLI (`pogo serve`, `pogo station add`) prints.

#![warn(missing_docs)]

mod auth;
pub mod dashboard;
mod db;
pub mod demo;
pub mod http;
mod model;
mod store;
pub mod wear;

pub use auth::{Caller, new_token, token_sha256};
pub use db::{Backend, Database, sqlite_url};
pub use model::*;
pub use store::ServiceConfig;

/// Errors of the service. Each maps to one HTTP status ([`ServiceError::status`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// A database operation failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A database URL of neither form.
    #[error("`{url}` is not a database URL: expected sqlite://PATH or postgres://USER@HOST/DB")]
    BadDatabaseUrl {
        /// The URL.
        url: String,
    },
    /// A file could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file as given.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The body is not JSON of the expected shape.
    #[error("body:{line}:{column}: {message}")]
    BadJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A fixture.json that cannot be read.
    #[error(transparent)]
    BadFixture(#[from] pogo_fixture::FixtureError),
    /// A run that does not validate.
    #[error("run refused: {0}")]
    BadRun(#[from] pogo_qc::run::RunError),
    /// A fixture id of the wrong form.
    #[error("`{id}` is not a fixture id: expected 1-64 letters, digits, `-`, `_` or `.`")]
    BadFixtureId {
        /// The id.
        id: String,
    },
    /// A fixture id already used by another fixture.json.
    #[error("fixture id `{id}` is already registered for another fixture.json")]
    FixtureIdTaken {
        /// The id.
        id: String,
    },
    /// No fixture of this id.
    #[error("unknown fixture `{id}`")]
    UnknownFixture {
        /// The id.
        id: String,
    },
    /// A run's reading names a probe the fixture does not have.
    #[error("readings[{index}]: fixture `{fixture}` has no probe `{probe}`")]
    UnknownProbe {
        /// Index from 0.
        index: usize,
        /// The fixture id.
        fixture: String,
        /// The probe id.
        probe: String,
    },
    /// Maintenance names a probe the fixture does not have.
    #[error("fixture `{fixture}` has no probe `{probe}`")]
    UnknownMaintenanceProbe {
        /// The fixture id.
        fixture: String,
        /// The probe id.
        probe: String,
    },
    /// A one-probe maintenance without a probe.
    #[error("maintenance `{kind}` needs a `probe`")]
    MaintenanceNeedsProbe {
        /// The kind.
        kind: &'static str,
    },
    /// A run uuid stored before with another body.
    #[error("run {uuid} was already stored with a different body")]
    RunConflict {
        /// The run uuid.
        uuid: String,
    },
    /// A station name already taken.
    #[error("station `{name}` already exists")]
    StationExists {
        /// The name as given.
        name: String,
    },
    /// A station name of the wrong form.
    #[error("`{name}` is not a station name: expected 1-64 visible characters")]
    BadStationName {
        /// The name as given.
        name: String,
    },
    /// No token or an unknown one.
    #[error("missing or wrong token (send `Authorization: Bearer TOKEN`)")]
    Unauthorized,
    /// A known token not allowed this.
    #[error("forbidden: {reason}")]
    Forbidden {
        /// Why, in words.
        reason: String,
    },
    /// A count beyond what the database holds.
    #[error("a count is too large for the database (more than 2^63 - 1)")]
    CountOverflow,
}

impl ServiceError {
    /// The HTTP status of the error.
    pub fn status(&self) -> u16 {
        use ServiceError::*;
        match self {
            Database(_) | Migrate(_) | Write { .. } | BadDatabaseUrl { .. } => 500,
            BadJson { .. } | BadFixtureId { .. } | BadStationName { .. } => 400,
            BadFixture(_)
            | BadRun(_)
            | UnknownProbe { .. }
            | UnknownMaintenanceProbe { .. }
            | MaintenanceNeedsProbe { .. }
            | CountOverflow => 422,
            FixtureIdTaken { .. } | RunConflict { .. } | StationExists { .. } => 409,
            UnknownFixture { .. } => 404,
            Unauthorized => 401,
            Forbidden { .. } => 403,
        }
    }
}

/// Result of the service.
pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
