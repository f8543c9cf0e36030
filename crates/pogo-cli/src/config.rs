//! `pogo.toml`: read by `pogo_config` (the schema and its reading live there, so a Rust
//! user gets the settings the CLI uses); here its errors become diagnostics that show
//! the offending line.

use miette::{Diagnostic, NamedSource, SourceSpan};
use pogo_config::ConfigError;
pub use pogo_config::LoadedConfig;
use std::path::Path;

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{path}:{line}:{column}: {message}")]
struct ConfigDiagnostic {
    path: String,
    line: usize,
    column: usize,
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("here")]
    span: SourceSpan,
}

/// Reads `explicit`, or `pogo.toml` beside `board` when present, or the defaults.
pub fn load(board: &Path, explicit: Option<&Path>) -> miette::Result<LoadedConfig> {
    pogo_config::load(board, explicit).map_err(diagnostic)
}

/// Reads the `pogo.toml` at `path` (every table checked).
pub fn read(path: &Path) -> miette::Result<pogo_config::PogoConfig> {
    pogo_config::read(path).map_err(diagnostic)
}

/// A config error as a diagnostic: a parse error shows its line.
fn diagnostic(e: ConfigError) -> miette::Report {
    match e {
        ConfigError::Parse {
            path,
            line,
            column,
            message,
            span,
            text,
        } => miette::Report::new(ConfigDiagnostic {
            src: NamedSource::new(&path, text),
            path,
            line,
            column,
            message,
            span: (span.start, span.end.saturating_sub(span.start)).into(),
        }),
        ConfigError::Read { path, source } => {
            miette::miette!("cannot read config {path}: {source}")
        }
        other => miette::miette!("{other}"),
    }
}
