//! Fuzz the lot history reader and the ISO 2859-1 switching rules over what it
//! reads: an error naming a line, or a report; never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_qc::QcError;
use pogo_qc::sampling::{
    Aql, InspectionLevel, Severity, SwitchingConditions, apply_switching_rules, read_history,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.matches('\n').count() as u64 + 1;
    for default in [None, Some(1), Some(500), Some(u64::MAX)] {
        match read_history("fuzz.csv", text, default) {
            Ok(lots) => {
                for aql in ["0.010", "1.0", "1000"] {
                    for level in [InspectionLevel::S1, InspectionLevel::II] {
                        for start in [Severity::Normal, Severity::Reduced, Severity::Tightened] {
                            let conditions = SwitchingConditions {
                                aql: Aql::parse(aql).unwrap(),
                                level,
                                start,
                                production_steady: true,
                                authority_approves_reduced: true,
                            };
                            if let Ok(r) = apply_switching_rules(&lots, conditions) {
                                assert_eq!(r.lots.len(), lots.len());
                            }
                        }
                    }
                }
            }
            Err(QcError::Csv { line, .. }) => assert!(line <= lines, "line {line}"),
            Err(QcError::Rows { errors, .. }) => {
                for e in &errors {
                    assert!(e.line >= 1 && e.line <= lines, "line {}", e.line);
                }
            }
            Err(e) => panic!("unexpected error kind: {e:?}"),
        }
    }
});
