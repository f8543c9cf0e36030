//! pogo-qc: verification and quality of pogo-pin fixtures.
//!
//! What goes in and what comes out:
//! - [`inspection::InspectionPlan`]: a designed `fixture.json` ([`pogo_fixture::Fixture`])
//!   becomes the installation and verification checklist, step by step, with each
//!   pin's expected values (receptacle seating depth, set height, compression range,
//!   resistance limit, force range).
//! - [`measurements`]: a measurement CSV (pin, kind, value, unit, ...) with limits from
//!   the catalog part and an optional `limits.toml` becomes a verdict per pin (pass,
//!   marginal, fail) with reasons and the action to take (clean, reseat, adjust,
//!   replace), plus set-level checks (height spread, plate tilt, resistance change over
//!   a cycling run).
//! - [`sampling`]: ISO 2859-1 / ANSI/ASQ Z1.4 single sampling plans (Table I code
//!   letters, Tables II-A/B/C with the arrows followed) and the switching rules over a
//!   history of lots.
//! - [`spc`]: X-bar/R, X-bar/S and I-MR control charts with the standard constants,
//!   capability indices and Western Electric / Nelson run rules.
//! - [`discontinuity`]: a streaming scan of a recorded contact-resistance trace, in
//!   constant memory, for events above a threshold lasting at least a minimum time
//!   (EIA-364-46).
//! - [`run`]: the run a test station sends to the fixture service.
//! - [`render`] (text, Markdown, CSV, JSON) and [`report`] (HTML pages with inline SVG
//!   charts): every output of the results above, as `pogo qc ...` prints it.
//!
//! Libraries don't print: every function returns typed data, and the CLI writes what
//! [`render`] or [`report`] make of it, so a Rust user gets what the CLI prints.
//!
//! # Module order
//!
//! Dependencies point one way, from the leaves up (a module uses only those before it):
//!
//! 1. `units` (quantities and units) and the private `csvutil` (CSV with line numbers);
//! 2. [`measurements`] (readings, [`measurements::Limits`], verdicts), [`sampling`],
//!    [`spc`], [`discontinuity`], each on its own;
//! 3. [`inspection`] (over measurements' limits) and [`run`] (over measurements' kinds);
//! 4. [`render`] and [`report`]: formatting, over everything; nothing uses them.
//!
//! ```
//! use pogo_qc::sampling::{plan, Aql, InspectionLevel, Severity};
//! let p = plan(2400, Aql::parse("2.5").unwrap(), InspectionLevel::II, Severity::Normal).unwrap();
//! assert_eq!((p.code_letter, p.sample_size, p.accept, p.reject), ('K', 125, 7, 8));
//! ```

#![warn(missing_docs)]

pub mod discontinuity;
pub mod inspection;
pub mod measurements;
pub mod render;
pub mod report;
pub mod run;
pub mod sampling;
pub mod spc;
pub mod units;

mod csvutil;

pub use measurements::{Action, Verdict};

/// Errors of pogo-qc. Messages name the file, the line (and column where it
/// applies) and what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QcError {
    /// A file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file as given.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A structural problem of a CSV file (header, missing column, unreadable record).
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The file as given.
        path: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// One or more rows of a CSV file are wrong; every bad row is listed.
    #[error("{path}: {} bad row{}:\n{}", errors.len(), if errors.len() == 1 { "" } else { "s" }, RowErrors(errors))]
    Rows {
        /// The file as given.
        path: String,
        /// Every bad row.
        errors: Vec<RowError>,
    },
    /// A `limits.toml` that is not valid.
    #[error("{path}:{line}:{column}: {message}")]
    Limits {
        /// The file as given.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// An AQL that is not a column of the standard.
    #[error("AQL {value} is not in ISO 2859-1 (expected one of {})", sampling::Aql::all_labels().join(", "))]
    UnknownAql {
        /// The AQL as given.
        value: String,
    },
    /// An argument out of its range, in words.
    #[error("{0}")]
    Invalid(String),
    /// A binary trace whose length is not a whole number of frames.
    #[error(
        "{path}: truncated trace: {bytes} bytes is not a whole number of frames of {frame_bytes} bytes \
         ({channels} channel(s) x {sample_bytes} bytes); {leftover} byte(s) of a partial frame at the end"
    )]
    Truncated {
        /// The file as given.
        path: String,
        /// Its length, bytes.
        bytes: u64,
        /// Bytes per frame.
        frame_bytes: usize,
        /// Channels per frame.
        channels: usize,
        /// Bytes per sample.
        sample_bytes: usize,
        /// Bytes of the partial frame at the end.
        leftover: usize,
    },
    /// A `fixture.json` that cannot be read.
    #[error(transparent)]
    Fixture(#[from] pogo_fixture::FixtureError),
}

/// The result of pogo-qc's fallible functions.
pub type Result<T, E = QcError> = std::result::Result<T, E>;

/// One bad row of a CSV file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    /// 1-based line number in the file.
    pub line: u64,
    /// Column name, when one column is at fault.
    pub column: Option<String>,
    /// What is wrong with the row.
    pub message: String,
}

impl RowError {
    /// Row `line` is wrong in `column`: `message` says why.
    pub fn in_column(line: u64, column: &str, message: String) -> RowError {
        RowError {
            line,
            column: Some(column.into()),
            message,
        }
    }
}

/// Bad rows, one `  line N: column `c`: why` line each.
pub(crate) struct RowErrors<'a>(pub(crate) &'a [RowError]);

impl QcError {
    /// `value` when no row was bad, else [`QcError::Rows`] listing every bad row of `path`.
    pub fn unless_rows<T>(path: &str, errors: Vec<RowError>, value: T) -> Result<T> {
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(QcError::Rows {
                path: path.into(),
                errors,
            })
        }
    }
}

impl std::fmt::Display for RowErrors<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match &e.column {
                Some(c) => write!(f, "  line {}: column `{}`: {}", e.line, c, e.message)?,
                None => write!(f, "  line {}: {}", e.line, e.message)?,
            }
        }
        Ok(())
    }
}

/// Formats a float with a fixed number of decimals, without `-0.000`.
pub fn fmt_fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}
