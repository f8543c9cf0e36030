//! A small layer over the `csv` crate: header lookup by name, records with their
//! 1-based line numbers, trimmed fields.

use crate::{QcError, Result};
use pogo_text::RecordLines;

pub(crate) struct Table {
    pub headers: Vec<String>,
    /// 1-based line of the header row (after any leading blank and `#` lines).
    pub header_line: u64,
    /// The header row as the file has it (for errors).
    pub header_text: String,
    /// (line, fields)
    pub rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The index of the required column `name` (any case); else one error naming the
    /// file, the column, the header line (its number and text) and `expected`, the
    /// columns the file takes.
    pub fn require(&self, path: &str, name: &str, expected: &str) -> Result<usize> {
        self.column(name).ok_or_else(|| QcError::Csv {
            path: path.into(),
            line: self.header_line,
            message: format!(
                "missing column `{name}` in the header `{}`; expected {expected}",
                self.header_text
            ),
        })
    }
}

/// Reads a whole CSV text with a header row. Comment lines starting with `#` and
/// blank lines are skipped. A record with a different number of fields from the
/// header is an error naming its line.
pub(crate) fn read_table(path: &str, text: &str) -> Result<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = rdr.headers().map_err(|e| csv_err(path, text, &e))?;
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(QcError::Csv {
            path: path.into(),
            line: 1,
            message: "empty file: expected a header row".into(),
        });
    }
    let mut lines = RecordLines::new(text, Some(b'#'));
    let header_line = lines.record_line_at(header.position().map_or(0, |p| p.byte()));
    let header_text = lines.current_line().to_string();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_err(path, text, &e))?;
        let line = rec
            .position()
            .map(|p| lines.record_line_at(p.byte()))
            .unwrap_or(0);
        if rec.len() == 1 && rec.get(0).is_some_and(|f| f.is_empty()) {
            continue;
        }
        if rec.len() != headers.len() {
            return Err(QcError::Rows {
                path: path.into(),
                errors: vec![crate::RowError {
                    line,
                    column: None,
                    message: format!(
                        "{} fields, expected {} (as in the header)",
                        rec.len(),
                        headers.len()
                    ),
                }],
            });
        }
        rows.push((line, rec.iter().map(|f| f.to_string()).collect()));
    }
    Ok(Table {
        headers,
        header_line,
        header_text,
        rows,
    })
}

fn line_at(text: &str, offset: u64) -> u64 {
    RecordLines::new(text, None).line_at(offset)
}

fn csv_err(path: &str, text: &str, e: &csv::Error) -> QcError {
    let line = e.position().map(|p| line_at(text, p.byte())).unwrap_or(0);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    QcError::Csv {
        path: path.into(),
        line,
        message,
    }
}

/// Parses a finite number; `None` with a message otherwise.
pub(crate) fn parse_number(s: &str) -> std::result::Result<f64, String> {
    if s.is_empty() {
        return Err("missing value".into());
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("`{s}` is not a finite number")),
        Err(_) => Err(format!("`{s}` is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_lines_agree_for_crlf_and_lf() {
        let rows = ["a,b", "# note", "1,2", "", "3,4", "5,6"];
        for eol in ["\n", "\r\n"] {
            let text = rows.join(eol) + eol;
            let t = read_table("t.csv", &text).unwrap();
            let lines: Vec<u64> = t.rows.iter().map(|r| r.0).collect();
            assert_eq!(lines, [3, 5, 6], "{eol:?}");
        }
        // A record with too many fields names its own line in both.
        for eol in ["\n", "\r\n"] {
            let text = ["a,b", "1,2", "", "3,4,5"].join(eol);
            match read_table("t.csv", &text) {
                Err(QcError::Rows { errors, .. }) => assert_eq!(errors[0].line, 4, "{eol:?}"),
                Err(other) => panic!("{other}"),
                Ok(_) => panic!("accepted a row with three fields"),
            }
        }
    }
}
