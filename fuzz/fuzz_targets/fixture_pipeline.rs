//! Fuzz what a hand-edited fixture.json does downstream: a fixture that reads is
//! rendered (`pogo_output::render_all`) and analysed (`pogo_tolerance`); huge,
//! negative or degenerate figures give an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_fixture::Fixture;

fuzz_target!(|data: &[u8]| {
    // Keep one run fast: a fixture of a few probes says as much as a big one.
    if data.len() > 64 * 1024 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(fixture) = Fixture::from_json("fixture.json", text) else {
        return;
    };
    if fixture.probes.len() > 200 {
        return;
    }
    if let Ok(files) = pogo_output::render_all(&fixture, &pogo_output::OutputOptions::default()) {
        assert!(!files.is_empty());
    }
    let mut f = fixture.clone();
    let model = match &fixture.tolerance {
        Some(t) => Ok(t.model.clone()),
        None => pogo_tolerance::ToleranceConfig::default().resolve_for(&fixture),
    };
    if let Ok(mut model) = model {
        // Few points: the analysis itself is checked elsewhere, here only its input.
        model.yield_points = model.yield_points.min(64);
        if let Ok(s) = pogo_tolerance::analyse_with_model(&mut f, &model) {
            for p in &f.probes {
                let h = p.hit_probability.unwrap();
                assert!((0.0..=1.0).contains(&h), "hit probability {h}");
            }
            let _ = s;
        }
    }
});
