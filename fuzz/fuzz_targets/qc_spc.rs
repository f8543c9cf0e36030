//! Fuzz the SPC column reader and the chart analysis of what it reads: an error
//! naming a line, or a chart; never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_qc::QcError;
use pogo_qc::spc::{RuleSet, SpcOptions, analyze, read_column};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.matches('\n').count() as u64 + 1;
    // The column is the first header field, so the fuzzer can reach any name.
    let first = text
        .trim_start_matches('\u{feff}')
        .split(['\n', ','])
        .next()
        .unwrap_or("")
        .trim();
    for column in ["value", first] {
        match read_column("fuzz.csv", text, column) {
            Ok(values) => {
                assert!(values.iter().all(|v| v.is_finite()));
                for subgroup in [1, 2, 5] {
                    for rules in [RuleSet::WesternElectric, RuleSet::Nelson] {
                        let opts = SpcOptions {
                            subgroup,
                            lsl: values.first().copied(),
                            usl: values.last().copied(),
                            rules,
                        };
                        if let Ok(r) = analyze(&values, &opts) {
                            let _ = pogo_qc::report::spc_html("fuzz", &r);
                        }
                        let opts = SpcOptions {
                            lsl: None,
                            usl: None,
                            ..opts
                        };
                        if let Ok(r) = analyze(&values, &opts) {
                            for v in &r.violations {
                                assert!(v.point < r.points.len());
                            }
                            let _ = pogo_qc::report::spc_html("fuzz", &r);
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
