//! The errors of a station: each names the resource, file or command involved and what
//! was expected.

/// Result of pogo-station.
pub type Result<T, E = StationError> = std::result::Result<T, E>;

/// Everything that can go wrong at a station. Bad input (resource strings, profiles,
/// channel maps) comes before any instrument is touched; instrument faults name the
/// command that met them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StationError {
    /// A resource string that is none of the accepted forms.
    #[error(
        "resource `{resource}` does not parse: {reason} (expected TCPIP0::HOST::PORT::SOCKET, /dev/usbtmcN or ASRL/dev/ttyXXX::INSTR)"
    )]
    BadResource { resource: String, reason: String },
    /// A profile name that is not built in (and not a file).
    #[error("unknown instrument profile `{name}` (built in: {known}; or give a .toml file)")]
    UnknownProfile { name: String, known: String },
    /// A user profile file that does not parse or is inconsistent.
    #[error("{path}:{line}:{column}: {message}")]
    Profile {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A profile used for a job its instrument does not do.
    #[error("profile `{profile}` is a {found} profile, but {expected} is needed here")]
    WrongRole {
        profile: String,
        found: &'static str,
        expected: &'static str,
    },
    /// A bad row or header of a channel map CSV.
    #[error("{path}:{line}: {message}")]
    ChannelMap {
        path: String,
        line: u64,
        message: String,
    },
    /// Probes that cannot be routed: no channel in fixture.json, or the channel is
    /// missing from the channel map.
    #[error("{} probe(s) cannot be routed: {}", problems.len(), problems.join("; "))]
    Unrouted { problems: Vec<String> },
    /// Reading or writing a file.
    #[error("{path}: {source}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The instrument cannot be reached.
    #[error("cannot connect to {resource}: {source}")]
    Connect {
        resource: String,
        #[source]
        source: std::io::Error,
    },
    /// No complete reply within the timeout.
    #[error("{resource}: no reply to `{command}` within {timeout_ms} ms")]
    Timeout {
        resource: String,
        command: String,
        timeout_ms: u64,
    },
    /// The connection closed or failed mid-exchange.
    #[error("{resource}: connection lost at `{command}`: {reason}")]
    Dropped {
        resource: String,
        command: String,
        reason: String,
    },
    /// A reply that is not text of the expected form.
    #[error("{resource}: garbage in the reply to `{command}`: {reply} (expected {expected})")]
    Garbage {
        resource: String,
        command: String,
        reply: String,
        expected: &'static str,
    },
    /// The instrument's own error queue reported an error after a command.
    #[error("{resource}: instrument error {code},\"{message}\" after `{command}`")]
    Instrument {
        resource: String,
        command: String,
        code: i32,
        message: String,
    },
    /// The instrument is not the model the profile expects.
    #[error("{resource}: *IDN? answered `{idn}`, which is not a {expected} (profile `{profile}`)")]
    WrongInstrument {
        resource: String,
        idn: String,
        expected: String,
        profile: String,
    },
    /// A relay did not do what it was told (checked with `ROUT:CLOS?` before every
    /// reading, so that no reading is assigned to the wrong probe).
    #[error(
        "{resource}: route {route} for {what} is not {state} after the command (ROUT:CLOS? answered `{answer}`)"
    )]
    Relay {
        resource: String,
        route: String,
        what: String,
        state: &'static str,
        answer: String,
    },
    /// A run that does not fit (no probe to measure, the reference path open, ...).
    #[error("{0}")]
    Run(String),
    #[error(transparent)]
    Fixture(#[from] pogo_fixture::FixtureError),
    #[error(transparent)]
    Qc(#[from] pogo_qc::QcError),
    /// The service refused the token.
    #[error("{url}: the service refused the token (401); the run stays queued")]
    Unauthorized { url: String },
    /// The service refused the run itself (not retried: moved to `rejected/`).
    #[error("{url}: the service refused run {uuid} with status {status}: {body}")]
    Refused {
        url: String,
        uuid: String,
        status: u16,
        body: String,
    },
}
