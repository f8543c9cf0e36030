//! Time to render and write every fabrication file (Excellon, DXF, SVG, STL,
//! OpenSCAD, and the wiring list, BOM and report that `write_all` also writes) for the
//! largest real board, the 4 x 4 panel `video-panel-4x4`, designed once by the library
//! (probe layout + mechanics) before timing.
//!
//! cargo bench -p pogo-output --bench write_all
//! (POGO_BENCH_BOARD=folder/file.kicad_pcb picks another board under shared/data/boards.)

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Instant;

fn fixture() -> pogo_fixture::Fixture {
    let rel = std::env::var("POGO_BENCH_BOARD")
        .unwrap_or_else(|_| "video-panel-4x4/video-panel-4x4.kicad_pcb.xz".to_string());
    let path = pogo_testdata::boards("write_all benchmark")
        .expect("the benchmark needs the shared boards (../shared or POGO_BOARDS)")
        .join(rel);
    let t = Instant::now();
    let board = pogo_board::read_file(&path).expect("board reads");
    let catalog = pogo_catalog::Catalog::builtin();
    let mut fixture = pogo_design::design(&board, &catalog, &pogo_design::DesignConfig::default())
        .expect("design succeeds");
    pogo_mechanics::build(&mut fixture, &pogo_mechanics::MechanicsConfig::default())
        .expect("mechanics succeeds");
    eprintln!(
        "{}: {} probes, {} guide pins; read + design + mechanics {:.2} s",
        path.display(),
        fixture.probes.len(),
        fixture.tooling.len(),
        t.elapsed().as_secs_f64()
    );
    fixture
}

fn bench(c: &mut Criterion) {
    let fixture = fixture();
    let opts = pogo_output::OutputOptions::default();
    let files = pogo_output::render_all(&fixture, &opts).expect("renders");
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    eprintln!("{} files, {:.1} MB", files.len(), bytes as f64 / 1e6);
    let mut g = c.benchmark_group("fabfiles");
    g.sample_size(10);
    g.bench_function("render_all", |b| {
        b.iter(|| pogo_output::render_all(&fixture, &opts).unwrap())
    });
    g.bench_function("plates", |b| {
        b.iter(|| pogo_output::plates(&fixture, &opts).unwrap())
    });
    let plates = pogo_output::plates(&fixture, &opts).unwrap();
    g.bench_function("stl", |b| {
        b.iter(|| {
            plates
                .iter()
                .map(|p| pogo_output::stl::render(p, &opts).unwrap().len())
                .sum::<usize>()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    g.bench_function("write_all", |b| {
        b.iter(|| pogo_output::write_all(&fixture, dir.path(), &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
