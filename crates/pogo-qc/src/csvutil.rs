//! A small layer over the `csv` crate: header lookup by name, records with their
//! 1-based line numbers, trimmed fields.

use crate::{QcError, Result};

pub(crate) struct Table {
    pub headers: Vec<String>,
    /// (line, fields)
    pub rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
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
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_err(path, &e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(QcError::Csv {
            path: path.into(),
            line: 1,
            message: "empty file: expected a header row".into(),
        });
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_err(path, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
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
    Ok(Table { headers, rows })
}

fn csv_err(path: &str, e: &csv::Error) -> QcError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
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
