//! Fuzz the user catalog loader: any text gives a catalog that merges into the
//! built-in one (or an error), or one error with a file:line:column inside the text;
//! never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_catalog::{Catalog, CatalogError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.matches('\n').count() + 1;
    match Catalog::from_toml("fuzz.toml", text) {
        Ok(user) => {
            for p in &user.parts {
                assert!(p.full_travel_mm.is_finite());
                let _ = p.force_at_travel_n(p.full_travel_mm * p.working_travel_fraction());
            }
            let mut all = Catalog::builtin();
            if all.merge(user, "fuzz.toml").is_ok() {
                for p in &all.parts {
                    assert!(
                        all.class(&p.class).is_some(),
                        "part {} class {}",
                        p.id,
                        p.class
                    );
                    assert!(all.receptacle(&p.receptacle).is_some());
                }
            }
        }
        Err(CatalogError::Syntax { line, column, .. }) => {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            assert!(column >= 1);
            let l = text.split('\n').nth(line - 1).unwrap_or("");
            assert!(column <= l.chars().count() + 1, "column {column} of `{l}`");
        }
        Err(CatalogError::Invalid { at, .. }) => {
            let (line, column) = at.expect("a bad figure names its line and column");
            assert!(line >= 1 && line <= lines && column >= 1, "{line}:{column}");
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
});
