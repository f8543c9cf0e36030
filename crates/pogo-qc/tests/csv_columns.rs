//! Every CSV pogo-qc reads: a missing required column is one error naming the file,
//! the column and the header line (its number and its text), with LF and CRLF line
//! endings and with comment lines before the header.

use pogo_qc::QcError;
use pogo_qc::measurements::{read_measurement_sheet, read_measurements};
use pogo_qc::{sampling, spc};

/// `lines` joined by `eol`, after two comment lines and a blank one: the header is
/// line 4.
fn file(lines: &[&str], eol: &str) -> String {
    let mut all = vec!["# exported by the station", "# second note", ""];
    all.extend_from_slice(lines);
    all.join(eol) + eol
}

/// The one error of a missing column: its line and message.
fn missing(result: Result<impl std::fmt::Debug, QcError>) -> (u64, String) {
    match result {
        Err(QcError::Csv {
            path,
            line,
            message,
        }) => {
            assert_eq!(path, "in.csv");
            (line, message)
        }
        other => panic!("expected one CSV error, got {other:?}"),
    }
}

#[test]
fn measurement_sheets_name_the_missing_column_and_the_header() {
    for eol in ["\n", "\r\n"] {
        let text = file(&["pin,kind,value", "P1,height,1"], eol);
        for result in [
            read_measurements("in.csv", &text).map(|_| ()),
            read_measurement_sheet("in.csv", &text).map(|_| ()),
        ] {
            let (line, message) = missing(result);
            assert_eq!(line, 4, "{eol:?}");
            assert_eq!(
                message,
                "missing column `unit` in the header `pin,kind,value`; expected pin, kind, \
                 value, unit [, cycle, timestamp, lot, station]"
            );
        }
    }
}

#[test]
fn lot_histories_name_the_missing_column_and_the_header() {
    for eol in ["\n", "\r\n"] {
        for (header, expected) in [
            (
                "lot,lot_size",
                "missing column `nonconforming` in the header `lot,lot_size`;",
            ),
            // Without lot sizes in the file or given, the same place is named.
            (
                "lot,defects",
                "no column `lot_size` in the header `lot,defects` and no --lot-size given",
            ),
        ] {
            let text = file(&[header, "1,0"], eol);
            let (line, message) = missing(sampling::read_history("in.csv", &text, None));
            assert_eq!(line, 4, "{eol:?}");
            assert!(message.starts_with(expected), "{message}");
        }
        let text = file(&["lot,defects", "1,0"], eol);
        // `defects` stands for `nonconforming`.
        assert_eq!(
            sampling::read_history("in.csv", &text, Some(500))
                .unwrap()
                .len(),
            1
        );
    }
}

#[test]
fn spc_columns_name_the_missing_column_and_the_header() {
    for eol in ["\n", "\r\n"] {
        let text = file(&["sample,diameter_mm", "1,2.5"], eol);
        let (line, message) = missing(spc::read_column("in.csv", &text, "force_n"));
        assert_eq!(line, 4, "{eol:?}");
        assert!(
            message.starts_with("missing column `force_n` in the header `sample,diameter_mm`;"),
            "{message}"
        );
        assert_eq!(
            spc::read_column("in.csv", &text, "DIAMETER_MM").unwrap(),
            [2.5]
        );
    }
}
