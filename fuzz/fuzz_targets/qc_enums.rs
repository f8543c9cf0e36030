//! Fuzz the small word parsers of pogo-qc (AQL, inspection level, severity, run
//! rules, trace encoding, unit, measurement kind) and a sampling plan built from
//! what they accept: a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_qc::discontinuity::Encoding;
use pogo_qc::measurements::Kind;
use pogo_qc::sampling::{Aql, InspectionLevel, Severity, code_letter, plan};
use pogo_qc::spc::RuleSet;
use pogo_qc::units::Unit;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let lot_size = u64::from_le_bytes(data[..8].try_into().unwrap());
    let Ok(text) = std::str::from_utf8(&data[8..]) else {
        return;
    };
    let aql = Aql::parse(text);
    if let Ok(a) = aql {
        // A parsed AQL prints as its table label and parses back to itself.
        assert_eq!(Aql::parse(a.label()).unwrap(), a);
        assert!(a.value() > 0.0);
    }
    let level = InspectionLevel::parse(text);
    let severity = Severity::parse(text);
    if let Ok(s) = severity {
        assert_eq!(Severity::parse(s.name()).unwrap(), s);
    }
    let _ = RuleSet::parse(text);
    let _ = Encoding::parse(text);
    if let Some(u) = Unit::parse(text) {
        let v = u.from_canonical(u.to_canonical(1.5));
        assert!((v - 1.5).abs() < 1e-9);
    }
    if let Some(k) = Kind::parse(text) {
        assert_eq!(Kind::parse(k.name()), Some(k));
    }
    let level = level.unwrap_or(InspectionLevel::II);
    let aql = aql.unwrap_or_else(|_| Aql::parse("1.0").unwrap());
    let _ = code_letter(lot_size, level);
    for s in [Severity::Normal, Severity::Tightened, Severity::Reduced] {
        if let Ok(p) = plan(lot_size, aql, level, s) {
            assert!(p.sample_size >= 1 && p.sample_size <= lot_size.max(1));
            assert!(p.accept < p.reject);
        }
    }
});
