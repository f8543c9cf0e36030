//! Errors of the board readers: one error, naming file, line, column and what was
//! expected.

/// A failure to read a board.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BoardError {
    #[error("cannot read {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is compressed but the stream is broken.
    #[error("{path}: cannot decompress ({format})")]
    Decompress {
        path: String,
        format: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// Neither a KiCad board nor an IPC-D-356 netlist.
    #[error("{path}: not a board file pogo reads: {reason}")]
    UnknownFormat { path: String, reason: String },
    /// A syntax or content error at a place in the file. `offset` and `len` are a
    /// byte span in the (decompressed) text; `line` and `column` are 1-based.
    #[error("{path}:{line}:{column}: expected {expected}, found {found}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        offset: usize,
        len: usize,
        expected: String,
        found: String,
    },
}

pub type Result<T, E = BoardError> = std::result::Result<T, E>;
