//! Benchmark of the fixture service on SQLite (not a test; see BENCHMARKS.md):
//! 1. ingest over HTTP: 16 station clients post RUNS runs of 100 readings at once
//!    (one request in flight per client); runs/s, readings/s, p50/p99 latency;
//! 2. SQLite's own batched insert of the same run and reading rows in one process
//!    (one transaction, multi-row INSERTs through the same pool), readings/s;
//! 3. the fixture page and the due list (JSON and HTML) over HTTP with READINGS
//!    stored readings (bulk-filled), median and worst of 20 requests.
//!
//! `cargo run --release -p pogo-service --example service_bench -- [RUNS] [READINGS]`
//! (defaults 10000 and 10000000).

// A benchmark program reports on stdout.
#![allow(clippy::print_stdout)]

#[path = "../tests/common/mod.rs"]
// the tests' harness (it allows its own dead code): the benchmark uses its server and stations
mod common;

use pogo_qc::run::Run;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 16;

fn make_run(i: usize, fixture: &str, probes: &[String]) -> Run {
    let t =
        chrono::Utc::now() - chrono::Duration::days(30) + chrono::Duration::seconds(i as i64 * 60);
    common::load_run(1, i, fixture, probes, t, 1, 100)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let runs = args.first().copied().unwrap_or(10_000);
    let stored_readings = args.get(1).copied().unwrap_or(10_000_000);
    let dir = tempfile::tempdir().unwrap();

    // 1. HTTP ingest.
    let (db, fixture) = common::sqlite_with_demo_fixture(dir.path(), "http", 16).await;
    let (tokens, probes) = common::stations_and_probes(&db, &fixture, "s", CLIENTS).await;
    let bodies: Arc<Vec<String>> = Arc::new(
        (0..runs)
            .map(|i| serde_json::to_string(&make_run(i, &fixture, &probes)).unwrap())
            .collect(),
    );
    let server = common::TestServer::start(db).await;
    let base = server.base.clone();
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for (k, token) in tokens.into_iter().enumerate() {
        let (bodies, url) = (bodies.clone(), format!("{base}/api/v1/runs"));
        tasks.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let mut lat = Vec::new();
            for i in (k..bodies.len()).step_by(CLIENTS) {
                let t = Instant::now();
                let r = c
                    .post(&url)
                    .bearer_auth(&token)
                    .body(bodies[i].clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let http_s = t0.elapsed().as_secs_f64();
    server.stop().await;
    lat.sort();
    let http_rate = (runs * 100) as f64 / http_s;
    println!(
        "http ingest: {runs} runs x 100 readings from {CLIENTS} clients in {http_s:.2} s: {:.0} runs/s, {http_rate:.0} readings/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        runs as f64 / http_s,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );

    // 2. SQLite's own batched insert of the same rows, one process, one transaction.
    let (db, fixture) = common::sqlite_with_demo_fixture(dir.path(), "batch", 1).await;
    db.add_station("batch", &[]).await.unwrap();
    let all: Vec<Run> = (0..runs).map(|i| make_run(i, &fixture, &probes)).collect();
    let t0 = Instant::now();
    let n = db.bulk_insert_rows(&all).await.unwrap();
    let batch_s = t0.elapsed().as_secs_f64();
    let batch_rate = n as f64 / batch_s;
    println!(
        "sqlite batched insert: {n} readings of {runs} runs in {batch_s:.2} s: {batch_rate:.0} readings/s; http/batched = {:.2}",
        http_rate / batch_rate
    );

    // 3. Pages with many stored readings.
    let extra = stored_readings.saturating_sub(n as usize);
    let t0 = Instant::now();
    db.bulk_fill_readings(&fixture, extra as u64).await.unwrap();
    let (stored_runs, stored) = db.stored_counts().await.unwrap();
    println!(
        "filled to {stored} readings ({stored_runs} runs) in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let admin_dir = dir.path().join("batch");
    db.ensure_admin_token(&admin_dir).await.unwrap();
    let admin = std::fs::read_to_string(admin_dir.join("admin-token")).unwrap();
    let admin = admin.trim().to_string();
    let server = common::TestServer::start(db).await;
    let base = server.base.clone();
    let c = reqwest::Client::new();
    for (name, path, cookie) in [
        (
            "GET /api/v1/fixtures/{id}",
            format!("/api/v1/fixtures/{fixture}"),
            false,
        ),
        (
            "GET /api/v1/fixtures/{id}/due",
            format!("/api/v1/fixtures/{fixture}/due"),
            false,
        ),
        (
            "dashboard /fixtures/{id}",
            format!("/fixtures/{fixture}"),
            true,
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let mut rq = c.get(format!("{base}{path}"));
            rq = if cookie {
                rq.header("cookie", format!("pogo_token={admin}"))
            } else {
                rq.bearer_auth(&admin)
            };
            let r = rq.send().await.unwrap();
            assert_eq!(r.status(), 200);
            let _ = r.bytes().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{name} with {stored} readings stored: median {:.1} ms, max {:.1} ms (20 requests)",
            pct(&times, 0.5),
            pct(&times, 1.0)
        );
    }
    server.stop().await;
}
