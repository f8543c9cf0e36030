//! Errors of the board readers: one error, naming file, line, column and what was
//! expected.

/// A failure to read a board.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BoardError {
    /// The file cannot be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is compressed but the stream is broken.
    #[error("{path}: cannot decompress ({format})")]
    Decompress {
        /// The file.
        path: String,
        /// `gzip` or `xz`.
        format: &'static str,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Neither a KiCad board nor an IPC-D-356 netlist.
    #[error("{path}: not a board file pogo reads: {reason}")]
    UnknownFormat {
        /// The file.
        path: String,
        /// What its content looks like instead.
        reason: String,
    },
    /// A syntax or content error at a place in the file. `offset` and `len` are a
    /// byte span in the (decompressed) text; `line` and `column` are 1-based.
    #[error("{path}:{line}:{column}: expected {expected}, found {found}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// Byte offset of what was found.
        offset: usize,
        /// Its length in bytes.
        len: usize,
        /// What the reader expected there.
        expected: String,
        /// What it found.
        found: String,
    },
}

/// A result of the board readers.
pub type Result<T, E = BoardError> = std::result::Result<T, E>;
