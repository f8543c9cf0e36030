//! Mesh-convergence study of the board strain estimate on real boards: designs the
//! probes (pogo-design defaults), then builds the mechanics with the plate model's
//! element size at h, h/2, h/4 (h = the default grid), and prints the reported strain.
//!
//! usage: cargo run --release -p pogo-mechanics --example strain_study -- BOARD... [--refine 1,2,4] [--supports] [--no-suggestions] [--one-finger-size]
//! (`--one-finger-size`: full-size push fingers only, no load sharing: the model before
//! `push_finger_min_diameter_mm` and `push_finger_max_load_n`)

#![allow(clippy::print_stdout)] // a study program reports on stdout

use pogo_catalog::Catalog;
use pogo_mechanics::{MechanicsConfig, build};

fn main() {
    let mut boards = Vec::new();
    let mut refine = vec![1usize, 2, 4];
    let mut list_supports = false;
    let mut suggest = true;
    let mut one_size = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--no-suggestions" {
            suggest = false;
        } else if a == "--one-finger-size" {
            one_size = true;
        } else if a == "--supports" {
            list_supports = true;
        } else if a == "--refine" {
            let list = args.next().expect("--refine 1,2,4");
            refine = list
                .split(',')
                .map(|f| f.parse().expect("refinement factors are integers"))
                .collect();
        } else {
            boards.push(a);
        }
    }
    let catalog = Catalog::builtin();
    println!(
        "board | refine | element mm | elements | strain ue | at (x, y) | nearest probe mm | nearest support mm (N) | deflection mm | supports | most N on one | suggested -> ue | s (cpu s)"
    );
    for path in &boards {
        let board = pogo_board::read_file(std::path::Path::new(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = std::path::Path::new(path)
            .parent()
            .and_then(|p| p.file_name())
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        let designed = pogo_design::design(&board, &catalog, &Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for &f in &refine {
            let mut cfg = MechanicsConfig::default();
            cfg.mechanics.strain_grid_cells *= f;
            cfg.mechanics.strain_min_element_mm /= f as f64;
            if !suggest {
                cfg.mechanics.max_suggested_supports = 0;
            }
            if one_size {
                cfg.mechanics.push_finger_min_diameter_mm = cfg.mechanics.push_finger_diameter_mm;
                cfg.mechanics.push_finger_max_load_n = 0.0;
            }
            let mut fx = designed.clone();
            let (t, cpu) = (std::time::Instant::now(), cpu_s());
            build(&mut fx, &cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_s() - cpu);
            let force = fx.force.as_ref().expect("force");
            let [px, py] = force.max_strain_at;
            let probe = fx
                .probes
                .iter()
                .map(|p| (p.x - px).hypot(p.y - py))
                .fold(f64::INFINITY, f64::min);
            let support = force
                .supports
                .iter()
                .map(|s| ((s.x - px).hypot(s.y - py), s.reaction_n))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap_or((f64::NAN, f64::NAN));
            println!(
                "{name} | {f} | {:.3} | {} | {:.0} | ({px:.1}, {py:.1}) | {probe:.1} | {:.1} ({:.1}) | {:.4} | {} | {:.1} | {} -> {} | {secs:.2} ({cpu:.2})",
                force.model.element_mm,
                force.model.elements,
                force.max_strain_ue,
                support.0,
                support.1,
                force.max_deflection_mm,
                force.supports.len(),
                force
                    .supports
                    .iter()
                    .map(|s| s.reaction_n)
                    .fold(0.0, f64::max),
                force.suggested_supports.len(),
                force
                    .strain_with_suggestions_ue
                    .map_or("-".into(), |e| format!("{e:.0}")),
            );
            if list_supports {
                for s in force.supports.iter().chain(&force.suggested_supports) {
                    println!(
                        "  {} {} {} ({:.1}, {:.1}) {:.1} N",
                        s.kind,
                        s.reason,
                        s.side.as_str(),
                        s.x,
                        s.y,
                        s.reaction_n
                    );
                }
            }
        }
    }
}

/// CPU time of this thread so far, s (Linux: the scheduler's on-CPU time; NaN elsewhere).
/// The mechanics run on one thread, so this is their CPU time however loaded the
/// machine is.
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}
