//! Timing of the tolerance analysis (see bench/tolerance.sh, which runs this and the
//! numpy reference bench/tolerance_mc_numpy.py in one go).
//!
//! usage: tolerance_bench FIXTURE.json|--synthetic N  MC_PROBES  SAMPLES  OUT.json
//!
//! Analyses the fixture (writing it, with its hit probabilities, covariances and the
//! summary, to OUT.json), times the analytic hit probabilities of every probe, then a
//! Monte Carlo of SAMPLES samples for each of the first MC_PROBES probes. Prints one
//! JSON object of timings on stdout.
#![allow(clippy::print_stdout)]

use pogo_fixture::Fixture;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: tolerance_bench FIXTURE.json|--synthetic N MC_PROBES SAMPLES OUT.json");
        std::process::exit(2);
    }
    let (mut fixture, source) = if args[1] == "--synthetic" {
        let n: usize = args[2].parse().expect("probe count");
        (synthetic(n), format!("synthetic fixture, {n} probes"))
    } else {
        (
            Fixture::read(args[1].as_ref()).expect("fixture"),
            args[1].clone(),
        )
    };
    let rest = if args[1] == "--synthetic" {
        &args[3..]
    } else {
        &args[2..]
    };
    let mc_probes: usize = rest[0].parse().expect("MC probe count");
    let samples: u64 = rest[1].parse().expect("samples");
    let out = &rest[2];
    let tm = fixture
        .tolerance
        .as_ref()
        .map(|t| t.model.clone())
        .unwrap_or_default();

    let t0 = Instant::now();
    let probs = pogo_tolerance::hit_probabilities(&fixture, &tm).expect("analysis");
    let analytic_s = t0.elapsed().as_secs_f64();

    // An analysed fixture (a previous OUT.json) skips the full analysis: for timing the
    // Monte Carlo alone (TOLERANCE_BENCH_MC_ONLY=1).
    let mc_only =
        std::env::var_os("TOLERANCE_BENCH_MC_ONLY").is_some() && fixture.tolerance.is_some();
    let t0 = Instant::now();
    let summary = if mc_only {
        fixture.tolerance.clone().expect("analysed")
    } else {
        pogo_tolerance::analyse_with_model(&mut fixture, &tm).expect("analysis")
    };
    let full_s = t0.elapsed().as_secs_f64();
    std::fs::write(out, fixture.to_json()).expect("write fixture");

    let chosen: Vec<usize> = (0..fixture.probes.len().min(mc_probes)).collect();
    let t0 = Instant::now();
    let hits = pogo_tolerance::monte_carlo_hits(&fixture, &tm, &chosen, samples, 7).expect("mc");
    let mc_s = t0.elapsed().as_secs_f64();
    if std::env::var_os("TOLERANCE_BENCH_SHOW").is_some() {
        for (&i, &h) in chosen.iter().zip(&hits) {
            let p = probs[i];
            let est = h as f64 / samples as f64;
            let (se, z) = pogo_tolerance::mc_z(p, est, samples);
            if z.abs() >= 4.0 {
                let pr = &fixture.probes[i];
                eprintln!(
                    "{} analytic {p} mc {est} se {se} target {:?} part {} at ({}, {}) cov {:?}",
                    pr.id, pr.target, pr.part, pr.x, pr.y, pr.tip_cov_mm2
                );
            }
        }
    }
    let worst_z = chosen
        .iter()
        .zip(&hits)
        .map(|(&i, &h)| {
            pogo_tolerance::mc_z(probs[i], h as f64 / samples as f64, samples)
                .1
                .abs()
        })
        .fold(0.0, f64::max);
    println!(
        "{}",
        serde_json::json!({
            "source": source,
            "probes": fixture.probes.len(),
            "threads": rayon::current_num_threads(),
            "analytic_all_probes_s": analytic_s,
            "full_analysis_s": full_s,
            "contact_yield": summary.contact_yield,
            "mc_probes": chosen.len(),
            "mc_samples_per_probe": samples,
            "mc_s": mc_s,
            "mc_worst_abs_z": worst_z,
        })
    );
}

#[path = "../benches/synthetic.rs"]
mod synthetic;
use synthetic::synthetic;
