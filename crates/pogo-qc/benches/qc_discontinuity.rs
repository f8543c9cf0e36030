//! Discontinuity scanning throughput: pogo-qc's streaming scan against a
//! straightforward numpy implementation of the same rule, on one f32 trace.
//!
//! `cargo bench -p pogo-qc --bench qc_discontinuity` writes a 1 GiB f32le trace (4
//! channels at 1 MHz, contact resistance ~25 mOhm with noise and planted open
//! events) to a temporary file, scans it with pogo-qc (best of 3) and with numpy (one
//! run, `benches/numpy_discontinuity.py`), checks both find the same events, prints
//! GB/s and the ratio, and deletes the file. `QC_BENCH_BYTES` sets another size.
//! Not part of `cargo test`.

#![allow(clippy::print_stdout)] // a benchmark program reports on stdout

use pogo_qc::discontinuity::{Encoding, TraceConfig, scan};
use std::io::Write;
use std::process::Command;
use std::time::Instant;

const CHANNELS: usize = 4;
const FS: f64 = 1.0e6;
const THRESHOLD: f64 = 10.0;
const MIN_S: f64 = 1.0e-6 * 5.0;

fn main() {
    let bytes: u64 = std::env::var("QC_BENCH_BYTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1 << 30);
    let frames = bytes / (4 * CHANNELS as u64);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("trace.f32");
    // Generate: noise below the threshold, an event of 1-20 samples every ~50k frames.
    {
        let f = std::fs::File::create(&path).expect("create trace");
        let mut w = std::io::BufWriter::with_capacity(1 << 22, f);
        let mut rng = pogo_testdata::Xorshift(0x9e3779b97f4a7c15);
        let mut next = |m: u64| rng.below(m);
        let mut open: [u64; CHANNELS] = [0; CHANNELS];
        let mut buf = Vec::with_capacity(1 << 22);
        for f in 0..frames {
            for (c, remaining) in open.iter_mut().enumerate() {
                if *remaining == 0 && next(50_000) == 0 {
                    *remaining = 1 + next(20);
                }
                let v: f32 = if *remaining > 0 {
                    *remaining -= 1;
                    1.0e3 + c as f32
                } else {
                    0.020 + 0.0001 * ((f as u32 ^ c as u32) & 63) as f32
                };
                buf.extend_from_slice(&v.to_le_bytes());
            }
            if buf.len() >= 1 << 22 {
                w.write_all(&buf).expect("write");
                buf.clear();
            }
        }
        w.write_all(&buf).expect("write");
        w.flush().expect("flush");
    }
    let size = std::fs::metadata(&path).expect("size").len();
    let cfg = TraceConfig {
        encoding: Encoding::F32Le,
        channels: CHANNELS,
        sample_rate_hz: FS,
        scale_ohm_per_count: 1.0,
        threshold_ohm: THRESHOLD,
        min_duration_s: MIN_S,
    };
    let mut best = f64::INFINITY;
    let mut counts = Vec::new();
    for _ in 0..3 {
        let file = std::fs::File::open(&path).expect("open");
        let t = Instant::now();
        let s = scan(file, cfg, "trace", |_| {}, |_| {}).expect("scan");
        best = best.min(t.elapsed().as_secs_f64());
        counts = s.per_channel.iter().map(|c| c.events).collect::<Vec<_>>();
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/numpy_discontinuity.py"
    );
    let out = pogo_testdata::stdout_of(Command::new("python3").args([
        script,
        path.to_str().expect("utf-8 path"),
        &CHANNELS.to_string(),
        &FS.to_string(),
        &THRESHOLD.to_string(),
        &MIN_S.to_string(),
    ]));
    let np: serde_json::Value = serde_json::from_str(&out).expect("json");
    let np_counts: Vec<u64> = np["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|v| v.as_u64().expect("count"))
        .collect();
    assert_eq!(
        counts, np_counts,
        "pogo-qc and numpy disagree on the events"
    );
    let np_s = np["seconds"].as_f64().expect("seconds");
    let gb = size as f64 / 1e9;
    println!(
        "trace: {size} bytes ({CHANNELS} channels x {frames} samples f32le), events per channel {counts:?}"
    );
    println!(
        "pogo-qc scan (1 thread, best of 3): {best:.3} s = {:.2} GB/s",
        gb / best
    );
    println!(
        "numpy reference (1 run):            {np_s:.3} s = {:.2} GB/s",
        gb / np_s
    );
    println!("ratio pogo-qc / numpy: {:.1}x", np_s / best);
}
