//! `pogo serve` killed with SIGKILL in the middle of 16 stations' uploads and started
//! again: every run that got a 2xx is there, the database opens clean, and the retries
//! of the unacknowledged runs are stored once (counters equal the sums of the runs).

mod serve_support;

use serve_support::{add_station, free_port, get_json, read_token_if_any, register_fixture, serve};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const CLIENTS: usize = 16;
const RUNS: usize = 480;

fn run_body(i: usize, fixture: &str) -> String {
    let readings: Vec<String> = (0..100)
        .map(|k| {
            format!(
                r#"{{"probe":"P{}","kind":"contact_resistance","value":{},"unit":"mohm"}}"#,
                1 + (i + k) % 19,
                10.0 + (k % 7) as f64
            )
        })
        .collect();
    format!(
        r#"{{"uuid":"{}","fixture":"{fixture}","started_at":"2026-12-01T08:00:00Z","finished_at":"2026-12-01T08:00:30Z","actuations":{},"readings":[{}]}}"#,
        uuid::Uuid::from_u64_pair(7, i as u64),
        1 + i % 3,
        readings.join(",")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_runs_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pogo-data");
    let port = free_port();
    let mut server = serve(&data, port);
    let base = format!("http://127.0.0.1:{port}");
    let admin = read_token_if_any(&data);
    assert_eq!(admin.len(), 64);

    let fixture_json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pogo-service/demo/pogo-demo-fixture.json"
    ))
    .unwrap();
    let c = reqwest::Client::new();
    let fixture = register_fixture(&c, &base, &admin, fixture_json).await;
    let station = add_station(&data, "line-1", &fixture);
    assert_eq!(station.len(), 64);

    // 16 clients post; the server is killed once 120 runs are acknowledged.
    let acked = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for k in 0..CLIENTS {
        let (c, base, station, fixture, acked) = (
            c.clone(),
            base.clone(),
            station.clone(),
            fixture.clone(),
            acked.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut result = Vec::new();
            for i in (k..RUNS).step_by(CLIENTS) {
                let r = c
                    .post(format!("{base}/api/v1/runs"))
                    .bearer_auth(&station)
                    .body(run_body(i, &fixture))
                    .send()
                    .await;
                let ok = matches!(&r, Ok(r) if r.status().is_success());
                if ok {
                    acked.fetch_add(1, Ordering::SeqCst);
                }
                result.push((i, ok));
            }
            result
        }));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while acked.load(Ordering::SeqCst) < 120 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let mut acknowledged = Vec::new();
    let mut unacknowledged = Vec::new();
    for t in tasks {
        for (i, ok) in t.await.unwrap() {
            if ok {
                acknowledged.push(i)
            } else {
                unacknowledged.push(i)
            }
        }
    }
    assert!(acknowledged.len() >= 120, "{}", acknowledged.len());
    assert!(
        !unacknowledged.is_empty(),
        "the kill came after the load ended"
    );

    // Start again: every acknowledged run is there (a replay answers 200), the
    // unacknowledged ones are stored once on retry.
    let mut server = serve(&data, port);
    let post_run = |i: usize| {
        let request = c
            .post(format!("{base}/api/v1/runs"))
            .bearer_auth(&station)
            .body(run_body(i, &fixture));
        async move { request.send().await.unwrap() }
    };
    for &i in &acknowledged {
        let r = post_run(i).await;
        assert_eq!(r.status(), 200, "acknowledged run {i} was lost");
    }
    for &i in &unacknowledged {
        for _ in 0..2 {
            let r = post_run(i).await;
            assert!(r.status() == 200 || r.status() == 201, "{}", r.status());
        }
    }
    let f: serde_json::Value =
        get_json(&c, &format!("{base}/api/v1/fixtures/{fixture}"), &admin).await;
    let expected: u64 = (0..RUNS).map(|i| 1 + (i % 3) as u64).sum();
    assert_eq!(f["actuations_total"], expected);
    server.kill().unwrap();
    server.wait().unwrap();

    let db = pogo_service::Database::connect(&pogo_service::sqlite_url(&data), 1)
        .await
        .unwrap();
    assert!(db.integrity_ok().await.unwrap(), "the database opens clean");
    assert_eq!(
        db.stored_counts().await.unwrap(),
        (RUNS as u64, RUNS as u64 * 100)
    );
    db.close().await;
}
