//! The plates' STL files rendered early (beside the board strain model) are used only
//! where the final fixture has the same plate and options; every file is the same as
//! when everything is rendered at the end.

mod common;

use common::*;
use pogo_output::{EarlyStls, OutputOptions, render_with_json, render_with_json_reusing};

fn stl_of<'a>(files: &'a [pogo_output::OutputFile], name: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} rendered"))
        .bytes
}

#[test]
fn early_stls_of_the_same_plates_give_the_same_files() {
    let fixture = small_fixture();
    let opts = OutputOptions::default();
    let at_end = render_with_json(&fixture, &opts).unwrap();
    let early = EarlyStls::render(&fixture, &opts);
    assert_eq!(early.len(), 2, "one STL per probed side");
    let reused = render_with_json_reusing(&fixture, &opts, early).unwrap();
    assert_eq!(reused, at_end);
}

#[test]
fn early_stls_of_other_plates_or_options_are_rendered_again() {
    let fixture = small_fixture();
    let opts = OutputOptions::default();
    let at_end = render_with_json(&fixture, &opts).unwrap();
    // A probe moved after the early rendering: that side's plate is another one.
    let mut moved = fixture.clone();
    let side = moved.probes[0].side.as_str().to_string();
    moved.probes[0].x += 1.0;
    let stale = render_with_json(&moved, &opts).unwrap();
    let name = format!("plate-{side}.stl");
    assert_ne!(stl_of(&stale, &name), stl_of(&at_end, &name));
    let reused = render_with_json_reusing(&fixture, &opts, EarlyStls::render(&moved, &opts));
    assert_eq!(reused.unwrap(), at_end);
    // Other options (finer circles): every plate is rendered again.
    let finer = OutputOptions {
        chord_tolerance_mm: opts.chord_tolerance_mm / 4.0,
        ..opts.clone()
    };
    let reused = render_with_json_reusing(&fixture, &opts, EarlyStls::render(&fixture, &finer));
    assert_eq!(reused.unwrap(), at_end);
}
