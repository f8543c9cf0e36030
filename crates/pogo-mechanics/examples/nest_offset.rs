//! Times the nest pocket offset (and the whole nest drawing) of a board: the figure in
//! BENCHMARKS.md ("Nest offset").
//!
//! `cargo run --release -p pogo-mechanics --example nest_offset -- BOARD [CLEARANCE_MM]`

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: nest_offset BOARD [CLEARANCE_MM]");
        std::process::exit(2);
    };
    let clearance: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0.1);
    let board = match pogo_board::read_file(path.as_ref()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let outline = board.outline.map(|o| o.polygons).unwrap_or_default();
    let rings: usize = outline.iter().map(|p| 1 + p.holes.len()).sum();
    let corners: usize = outline
        .iter()
        .map(|p| p.outer.len() + p.holes.iter().map(Vec::len).sum::<usize>())
        .sum();
    let mut best = f64::INFINITY;
    let mut pocket = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        pocket = pogo_mechanics::offset::offset(&outline, clearance);
        best = best.min(t.elapsed().as_secs_f64());
    }
    eprintln!(
        "outline: {} polygons, {rings} rings, {corners} corners; pocket offset {clearance} mm: {} polygons, {:.1} mm2; best of 5: {:.1} ms",
        outline.len(),
        pocket.len(),
        pogo_mechanics::offset::area_mm2(&pocket),
        best * 1e3
    );
}
