//! Reading a measurement CSV into good rows ([`Measurement`]) and bad rows
//! ([`RowError`]): every row is read on its own, so one bad row never hides the others.

use super::{Kind, Measurement, MeasurementSheet};
use crate::csvutil::{self, Table};
use crate::units::Unit;
use crate::{QcError, Result, RowError};

/// Reads a measurement CSV, strictly: any bad row makes the whole file an error that
/// lists every bad row with its line (see [`read_measurement_sheet`] to keep the good
/// rows).
pub fn read_measurements(path: &str, text: &str) -> Result<Vec<Measurement>> {
    let sheet = read_measurement_sheet(path, text)?;
    QcError::unless_rows(path, sheet.bad_rows, sheet.measurements)
}

/// Reads a measurement CSV, keeping every good row and reporting each bad row
/// (unknown kind, missing or non-numeric value, missing, unknown or wrong unit, bad
/// cycle) with its line number. Only a file that cannot be read as a table at all
/// (no header, a missing column, broken CSV) is an error.
pub fn read_measurement_sheet(path: &str, text: &str) -> Result<MeasurementSheet> {
    let table = csvutil::read_table(path, text)?;
    let columns = Columns::of(path, &table)?;
    let mut sheet = MeasurementSheet::default();
    for (line, fields) in &table.rows {
        // An inspection sheet's rows left blank were not measured.
        if columns.is_sheet && fields[columns.value].is_empty() {
            continue;
        }
        match columns.row(*line, fields) {
            Ok(m) => sheet.measurements.push(m),
            Err(e) => sheet.bad_rows.push(e),
        }
    }
    Ok(sheet)
}

/// Where each column of a measurement CSV is.
struct Columns {
    pin: usize,
    kind: usize,
    value: usize,
    unit: usize,
    cycle: Option<usize>,
    timestamp: Option<usize>,
    lot: Option<usize>,
    station: Option<usize>,
    /// An inspection sheet from `pogo qc inspection-plan --format csv` (it has a
    /// `step` column).
    is_sheet: bool,
}

impl Columns {
    fn of(path: &str, table: &Table) -> Result<Columns> {
        let need = |name: &str| {
            table.require(
                path,
                name,
                "pin, kind, value, unit [, cycle, timestamp, lot, station]",
            )
        };
        Ok(Columns {
            pin: need("pin")?,
            kind: need("kind")?,
            value: need("value")?,
            unit: need("unit")?,
            cycle: table.column("cycle"),
            timestamp: table.column("timestamp"),
            lot: table.column("lot"),
            station: table.column("station"),
            is_sheet: table.column("step").is_some(),
        })
    }

    /// One row as a measurement, or why it is bad.
    fn row(&self, line: u64, f: &[String]) -> std::result::Result<Measurement, RowError> {
        let err = |col: &str, message| RowError::in_column(line, col, message);
        let pin = f[self.pin].clone();
        if pin.is_empty() {
            return Err(err("pin", "missing pin name".into()));
        }
        let kind = Kind::parse(&f[self.kind]).ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            err(
                "kind",
                format!(
                    "unknown kind `{}` (expected one of {})",
                    f[self.kind],
                    names.join(", ")
                ),
            )
        })?;
        let value = csvutil::parse_number(&f[self.value]).map_err(|m| err("value", m))?;
        let unit_text = f[self.unit].clone();
        let unit = unit_of(kind, &unit_text).map_err(|m| err("unit", m))?;
        let canonical = unit.to_canonical(value);
        if canonical < 0.0 && !matches!(kind, Kind::Tilt | Kind::SeatingDepth) {
            return Err(err(
                "value",
                format!("{} cannot be negative ({value})", kind.name()),
            ));
        }
        let cycle = match self.cycle.map(|c| f[c].as_str()) {
            None | Some("") => None,
            Some(s) => Some(s.parse::<u64>().map_err(|_| {
                err(
                    "cycle",
                    format!("`{s}` is not a cycle number (a whole number >= 0)"),
                )
            })?),
        };
        let text_col = |c: Option<usize>| c.map(|c| f[c].clone()).filter(|s| !s.is_empty());
        Ok(Measurement {
            line,
            pin,
            kind,
            value: canonical,
            value_as_written: value,
            unit_as_written: unit_text,
            cycle,
            timestamp: text_col(self.timestamp),
            lot: text_col(self.lot),
            station: text_col(self.station),
        })
    }
}

/// The unit written for a kind, or why it does not fit.
fn unit_of(kind: Kind, unit_text: &str) -> std::result::Result<Unit, String> {
    let q = kind.quantity();
    match Unit::parse(unit_text) {
        None if unit_text.is_empty() => Err(format!(
            "missing unit for {} (expected {})",
            kind.name(),
            q.accepted_units()
        )),
        None => Err(format!(
            "unknown unit `{unit_text}` for {} (expected {})",
            kind.name(),
            q.accepted_units()
        )),
        Some(u) if u.quantity() != q => Err(format!(
            "unit `{unit_text}` is a {} unit, but {} is a {} (expected {})",
            u.quantity().name(),
            kind.name(),
            q.name(),
            q.accepted_units()
        )),
        Some(u) => Ok(u),
    }
}
