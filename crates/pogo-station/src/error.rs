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
    BadResource {
        /// The instrument's resource string.
        resource: String,
        /// Why, in words.
        reason: String,
    },
    /// A profile name that is not built in (and not a file).
    #[error("unknown instrument profile `{name}` (built in: {known}; or give a .toml file)")]
    UnknownProfile {
        /// The name as given.
        name: String,
        /// The names known.
        known: String,
    },
    /// A user profile file that does not parse or is inconsistent.
    #[error("{path}:{line}:{column}: {message}")]
    Profile {
        /// The file as given.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A profile used for a job its instrument does not do.
    #[error("profile `{profile}` is a {found} profile, but {expected} is needed here")]
    WrongRole {
        /// The profile.
        profile: String,
        /// What was found.
        found: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// A bad row or header of a channel map CSV.
    #[error("{path}:{line}: {message}")]
    ChannelMap {
        /// The file as given.
        path: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// Probes that cannot be routed: no channel in fixture.json, or the channel is
    /// missing from the channel map.
    #[error("{} probe(s) cannot be routed: {}", problems.len(), problems.join("; "))]
    Unrouted {
        /// One line per probe.
        problems: Vec<String>,
    },
    /// Reading or writing a file.
    #[error("{path}: {source}")]
    File {
        /// The file as given.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The instrument cannot be reached.
    #[error("cannot connect to {resource}: {source}")]
    Connect {
        /// The instrument's resource string.
        resource: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// No complete reply within the timeout.
    #[error("{resource}: no reply to `{command}` within {timeout_ms} ms")]
    Timeout {
        /// The instrument's resource string.
        resource: String,
        /// The command sent.
        command: String,
        /// The timeout, ms.
        timeout_ms: u64,
    },
    /// The connection closed or failed mid-exchange.
    #[error("{resource}: connection lost at `{command}`: {reason}")]
    Dropped {
        /// The instrument's resource string.
        resource: String,
        /// The command sent.
        command: String,
        /// Why, in words.
        reason: String,
    },
    /// A reply that is not text of the expected form.
    #[error("{resource}: garbage in the reply to `{command}`: {reply} (expected {expected})")]
    Garbage {
        /// The instrument's resource string.
        resource: String,
        /// The command sent.
        command: String,
        /// What came back.
        reply: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The instrument's own error queue reported an error after a command.
    #[error("{resource}: instrument error {code},\"{message}\" after `{command}`")]
    Instrument {
        /// The instrument's resource string.
        resource: String,
        /// The command sent.
        command: String,
        /// The code.
        code: i32,
        /// What is wrong.
        message: String,
    },
    /// The instrument is not the model the profile expects.
    #[error("{resource}: *IDN? answered `{idn}`, which is not a {expected} (profile `{profile}`)")]
    WrongInstrument {
        /// The instrument's resource string.
        resource: String,
        /// The idn.
        idn: String,
        /// What was expected.
        expected: String,
        /// The profile.
        profile: String,
    },
    /// A relay did not do what it was told (checked with `ROUT:CLOS?` before every
    /// reading, so that no reading is assigned to the wrong probe).
    #[error(
        "{resource}: route {route} for {what} is not {state} after the command (ROUT:CLOS? answered `{answer}`)"
    )]
    Relay {
        /// The instrument's resource string.
        resource: String,
        /// The route.
        route: String,
        /// What it is.
        what: String,
        /// The state.
        state: &'static str,
        /// The answer.
        answer: String,
    },
    /// A run that does not fit (no probe to measure, the reference path open, ...).
    #[error("{0}")]
    Run(String),
    /// A fixture.json that cannot be read.
    #[error(transparent)]
    Fixture(#[from] pogo_fixture::FixtureError),
    /// A limits file or measurement error of pogo-qc.
    #[error(transparent)]
    Qc(#[from] pogo_qc::QcError),
    /// The service refused the token.
    #[error("{url}: the service refused the token (401); the run stays queued")]
    Unauthorized {
        /// The URL.
        url: String,
    },
    /// The service refused the run itself (not retried: moved to `rejected/`).
    #[error("{url}: the service refused run {uuid} with status {status}: {body}")]
    Refused {
        /// The URL.
        url: String,
        /// The run uuid.
        uuid: String,
        /// HTTP status.
        status: u16,
        /// Body of the answer.
        body: String,
    },
}
