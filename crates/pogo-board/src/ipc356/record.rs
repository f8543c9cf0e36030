//! One IPC-D-356A line split into its fixed-column fields.
//!
//! Columns (1-based, as the standard counts them) of a test record (317, 327, 367 and
//! their 0xx continuations):
//!
//! | cols  | field                                                   |
//! |-------|---------------------------------------------------------|
//! | 1-3   | operation code                                          |
//! | 4-17  | net name (or `NNAMEn` alias, or `N/C`)                  |
//! | 21-26 | reference designator (`VIA` for a via)                  |
//! | 27    | `-`                                                     |
//! | 28-31 | pin number                                              |
//! | 32    | `M` for a mid-net point                                 |
//! | 33-38 | `D` + 4-digit hole diameter + `P`lated / `U`nplated     |
//! | 39-41 | `A` + 2-digit access code (00 both, 01 primary, nn layer)|
//! | 42-49 | `X` + sign + 6-digit location                           |
//! | 50-57 | `Y` + sign + 6-digit location                           |
//! | 58-62 | `X` + 4-digit feature width                             |
//! | 63-67 | `Y` + 4-digit feature height (0 or blank: round)        |
//! | 68-71 | `R` + 3-digit rotation                                  |
//! | 73-74 | `S` + soldermask code (KiCad writes it at 72-73)        |

use crate::error::BoardError;

/// A line of the file: its text (without line end), 1-based number and byte offset.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    pub text: &'a str,
    pub number: usize,
    pub offset: usize,
}

impl<'a> Line<'a> {
    pub fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The byte at 0-based index `i`, or `None` past the end.
    pub fn at(&self, i: usize) -> Option<u8> {
        self.bytes().get(i).copied()
    }

    /// Text of byte range `[start, end)` clipped to the line, spaces trimmed; lossy
    /// when the range cuts a multi-byte character.
    pub fn field(&self, start: usize, end: usize) -> String {
        let b = self.bytes();
        let end = end.min(b.len());
        if start >= end {
            return String::new();
        }
        String::from_utf8_lossy(&b[start..end]).trim().to_string()
    }

    /// True when every byte of `[start, end)` that exists is a space.
    pub fn blank(&self, start: usize, end: usize) -> bool {
        let b = self.bytes();
        let end = end.min(b.len());
        start >= end || b[start..end].iter().all(|&c| c == b' ')
    }

    /// A syntax error at 0-based byte index `i` of this line.
    pub fn error(
        &self,
        path: &str,
        i: usize,
        len: usize,
        expected: impl Into<String>,
    ) -> BoardError {
        let found = match self.text.get(i..) {
            None | Some("") => "end of line".to_string(),
            Some(rest) => {
                let shown: String = rest.chars().take(len.max(1)).collect();
                format!("{shown:?}")
            }
        };
        let i = i.min(self.text.len());
        // Column counts characters, not bytes, so editors agree with it.
        let column = self.text.get(..i).map(|s| s.chars().count()).unwrap_or(i) + 1;
        BoardError::Syntax {
            path: path.to_string(),
            line: self.number,
            column,
            offset: self.offset + i,
            len: len.max(1).min(self.text.len().saturating_sub(i).max(1)),
            expected: expected.into(),
            found,
        }
    }

    /// Unsigned decimal in `[start, start+len)`: digits, optionally padded with spaces.
    /// `Ok(None)` when the field is entirely absent or blank.
    pub fn unsigned(
        &self,
        path: &str,
        start: usize,
        len: usize,
        what: &str,
    ) -> Result<Option<i64>, BoardError> {
        if self.blank(start, start + len) {
            return Ok(None);
        }
        let b = self.bytes();
        let end = (start + len).min(b.len());
        let mut value: i64 = 0;
        let mut seen = false;
        for (i, &c) in b.iter().enumerate().take(end).skip(start) {
            match c {
                b'0'..=b'9' => {
                    value = value * 10 + i64::from(c - b'0');
                    seen = true;
                }
                b' ' => {}
                _ => return Err(self.error(path, i, 1, format!("a digit in {what}"))),
            }
        }
        Ok(if seen { Some(value) } else { None })
    }

    /// Signed location: a sign (`+`, `-` or blank) at `start`, then `len - 1` digit columns.
    pub fn signed(
        &self,
        path: &str,
        start: usize,
        len: usize,
        what: &str,
    ) -> Result<i64, BoardError> {
        let negative = match self.at(start) {
            Some(b'-') => true,
            Some(b'+') | Some(b' ') => false,
            Some(b'0'..=b'9') => {
                // Some writers use all seven columns for digits.
                return self
                    .unsigned(path, start, len, what)?
                    .ok_or_else(|| self.error(path, start, len, format!("{what} digits")));
            }
            _ => return Err(self.error(path, start, 1, format!("a sign or digit for {what}"))),
        };
        let v = self
            .unsigned(path, start + 1, len - 1, what)?
            .ok_or_else(|| self.error(path, start + 1, len - 1, format!("{what} digits")))?;
        Ok(if negative { -v } else { v })
    }
}

/// The fields of one test record, still in file units.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TestFields {
    /// `true` for a `0xx` continuation record.
    pub continuation: bool,
    /// Second digit of the operation code: 1 through hole, 2 SMT, 3/4 tooling, 6 NPTH.
    pub feature: u8,
    pub net: String,
    pub reference: String,
    pub pin: String,
    pub midpoint: bool,
    /// Hole diameter (file units) and plated flag.
    pub hole: Option<(i64, bool)>,
    pub access: Option<u32>,
    pub x: Option<i64>,
    pub y: Option<i64>,
    pub size_x: Option<i64>,
    pub size_y: Option<i64>,
    pub rotation: Option<i64>,
    pub soldermask: Option<u8>,
}

/// Splits a test record. Location may be blank only in a continuation record (it then
/// repeats the previous record's).
pub(super) fn parse_test_record(path: &str, line: &Line<'_>) -> Result<TestFields, BoardError> {
    let b = line.bytes();
    let continuation = b[0] == b'0';
    let feature = b[1] - b'0';

    let net = line.field(3, 17);
    let reference = line.field(20, 26);
    match line.at(26) {
        None | Some(b'-') | Some(b' ') => {}
        Some(_) => {
            return Err(line.error(path, 26, 1, "'-' between reference and pin (column 27)"));
        }
    }
    let pin = line.field(27, 31);
    let midpoint = match line.at(31) {
        None | Some(b' ') => false,
        Some(b'M') | Some(b'm') => true,
        Some(_) => {
            return Err(line.error(path, 31, 1, "'M' (mid-net point) or blank at column 32"));
        }
    };

    // Hole: D dddd P|U at columns 33-38.
    let hole = match line.at(32) {
        Some(b'D') | Some(b'd') => {
            let d = line
                .unsigned(path, 33, 4, "the hole diameter")?
                .ok_or_else(|| line.error(path, 33, 4, "4-digit hole diameter after 'D'"))?;
            let plated = match line.at(37) {
                Some(b'P') | Some(b'p') | Some(b' ') | None => true,
                Some(b'U') | Some(b'u') => false,
                Some(_) => {
                    return Err(line.error(
                        path,
                        37,
                        1,
                        "'P' (plated) or 'U' (unplated) at column 38",
                    ));
                }
            };
            Some((d, plated))
        }
        None | Some(b' ') => {
            // Columns 34-38 may hold a bare plating flag (`P`/`U`) for SMT records.
            match line.at(37) {
                None | Some(b' ') | Some(b'P') | Some(b'p') | Some(b'U') | Some(b'u') => {}
                Some(_) => return Err(line.error(path, 37, 1, "'P', 'U' or blank at column 38")),
            }
            if !line.blank(33, 37) {
                let i = (33..37).find(|&i| line.at(i) != Some(b' ')).unwrap_or(33);
                return Err(line.error(path, i, 1, "'D' before the hole diameter (column 33)"));
            }
            None
        }
        Some(_) => {
            return Err(line.error(path, 32, 1, "'D' (hole diameter) or blank at column 33"));
        }
    };

    let access = match line.at(38) {
        Some(b'A') | Some(b'a') => Some(
            line.unsigned(path, 39, 2, "the access code")?
                .ok_or_else(|| line.error(path, 39, 2, "2-digit access code after 'A'"))?
                as u32,
        ),
        None | Some(b' ') if line.blank(38, 41) => None,
        _ => return Err(line.error(path, 38, 1, "'A' (access code) at column 39")),
    };

    let (x, y) = if line.blank(41, 57) && continuation {
        (None, None)
    } else {
        if line.at(41).map(|c| c.to_ascii_uppercase()) != Some(b'X') {
            return Err(line.error(path, 41, 1, "'X' (test location) at column 42"));
        }
        let x = line.signed(path, 42, 7, "the X location")?;
        if line.at(49).map(|c| c.to_ascii_uppercase()) != Some(b'Y') {
            return Err(line.error(path, 49, 1, "'Y' (test location) at column 50"));
        }
        let y = line.signed(path, 50, 7, "the Y location")?;
        (Some(x), Some(y))
    };

    let tagged =
        |tag: u8, start: usize, len: usize, what: &str| -> Result<Option<i64>, BoardError> {
            match line.at(start) {
                None | Some(b' ') if line.blank(start, start + 1 + len) => Ok(None),
                Some(c) if c.to_ascii_uppercase() == tag => line
                    .unsigned(path, start + 1, len, what)?
                    .map(Some)
                    .ok_or_else(|| line.error(path, start + 1, len, format!("{len}-digit {what}"))),
                _ => Err(line.error(
                    path,
                    start,
                    1,
                    format!(
                        "'{}' ({what}) or blank at column {}",
                        tag as char,
                        start + 1
                    ),
                )),
            }
        };
    let size_x = tagged(b'X', 57, 4, "feature width")?;
    let size_y = tagged(b'Y', 62, 4, "feature height")?;
    let rotation = tagged(b'R', 67, 3, "rotation")?;

    // Soldermask: the standard puts `S` at column 73; KiCad writes it at column 72.
    let s_at = match (line.at(71), line.at(72)) {
        (Some(b'S') | Some(b's'), _) => Some(71),
        (None | Some(b' '), Some(b'S') | Some(b's')) => Some(72),
        (None, _) | (Some(b' '), None) | (Some(b' '), Some(b' ')) => None,
        (Some(b' '), Some(_)) => {
            return Err(line.error(path, 72, 1, "'S' (soldermask) at column 73"));
        }
        (Some(_), _) => return Err(line.error(path, 71, 1, "'S' (soldermask) at column 73")),
    };
    let soldermask = match s_at {
        None => None,
        Some(i) => match line.at(i + 1) {
            Some(c @ b'0'..=b'3') => Some(c - b'0'),
            _ => return Err(line.error(path, i + 1, 1, "soldermask code 0, 1, 2 or 3 after 'S'")),
        },
    };

    Ok(TestFields {
        continuation,
        feature,
        net,
        reference,
        pin,
        midpoint,
        hole,
        access,
        x,
        y,
        size_x,
        size_y,
        rotation,
        soldermask,
    })
}

/// One coordinate word of an outline (389/089) or conductor (378/078) record:
/// `X[sign]digits` and/or `Y[sign]digits`, or `*` (pen up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum PathWord {
    Point { x: Option<i64>, y: Option<i64> },
    PenUp,
}

/// Splits the free-format coordinate words of an outline record, from byte `start`.
pub(super) fn parse_path_words(
    path: &str,
    line: &Line<'_>,
    start: usize,
) -> Result<Vec<PathWord>, BoardError> {
    let b = line.bytes();
    let mut out = Vec::new();
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'*' => {
                out.push(PathWord::PenUp);
                i += 1;
            }
            b'X' | b'x' | b'Y' | b'y' => {
                let mut x = None;
                let mut y = None;
                while i < b.len() && matches!(b[i], b'X' | b'x' | b'Y' | b'y') {
                    let is_x = matches!(b[i], b'X' | b'x');
                    let tag = i;
                    i += 1;
                    let negative = match b.get(i) {
                        Some(b'-') => {
                            i += 1;
                            true
                        }
                        Some(b'+') => {
                            i += 1;
                            false
                        }
                        _ => false,
                    };
                    let digits_start = i;
                    let mut v: i64 = 0;
                    while i < b.len() && b[i].is_ascii_digit() {
                        if i - digits_start >= 12 {
                            return Err(line.error(
                                path,
                                i,
                                1,
                                "at most 12 digits in a coordinate",
                            ));
                        }
                        v = v * 10 + i64::from(b[i] - b'0');
                        i += 1;
                    }
                    if i == digits_start {
                        return Err(line.error(path, i, 1, "digits after the coordinate letter"));
                    }
                    let v = if negative { -v } else { v };
                    let slot = if is_x { &mut x } else { &mut y };
                    if slot.is_some() {
                        return Err(line.error(
                            path,
                            tag,
                            1,
                            "one X and one Y per coordinate word",
                        ));
                    }
                    *slot = Some(v);
                }
                out.push(PathWord::Point { x, y });
            }
            _ => return Err(line.error(path, i, 1, "a coordinate word (X..., Y...) or '*'")),
        }
    }
    Ok(out)
}
