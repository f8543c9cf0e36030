//! Criterion timing of the analytic hit probabilities (all probes of a 5,000-probe
//! synthetic fixture) and of one probe's Monte Carlo (10^6 samples). The ratio
//! against numpy is measured by bench/tolerance.sh.

use criterion::{Criterion, criterion_group, criterion_main};
use pogo_fixture::ToleranceModel;

#[path = "synthetic.rs"]
mod synthetic;

fn bench(c: &mut Criterion) {
    let fixture = synthetic::synthetic(5000);
    let tm = ToleranceModel::default();
    let mut g = c.benchmark_group("tolerance");
    g.sample_size(10);
    g.bench_function("analytic hit probabilities, 5000 probes", |b| {
        b.iter(|| pogo_tolerance::hit_probabilities(&fixture, &tm).unwrap())
    });
    g.bench_function("monte carlo, 1 probe x 10^6 samples", |b| {
        b.iter(|| pogo_tolerance::monte_carlo_hits(&fixture, &tm, &[0], 1_000_000, 7).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
