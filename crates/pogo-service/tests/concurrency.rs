//! 16 stations posting at once (bounded: one request in flight per station), some
//! runs posted twice: every acknowledged run is stored exactly once and the counters
//! equal the sums of the runs. `POGO_SERVICE_LOAD_RUNS` sets the number of runs
//! (default 640 here; the benchmark posts 10,000).

mod common;

use common::{Engine, TestDb, TestServer, demo_fixture, load_run, stations_and_probes};
use pogo_qc::run::Run;
use std::collections::HashMap;
use std::sync::Arc;

const CLIENTS: usize = 16;
const READINGS: usize = 100;

fn runs_wanted() -> usize {
    std::env::var("POGO_SERVICE_LOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(640)
}

/// Run `i` of the load: 100 readings cycling over the probes, 1-3 actuations.
fn make_run(i: usize, fixture: &str, probes: &[String]) -> Run {
    let t = chrono::DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
        + chrono::Duration::seconds(i as i64 * 30);
    load_run(
        0x706f_676f,
        i,
        fixture,
        probes,
        t,
        1 + (i % 3) as u64,
        READINGS,
    )
}

async fn load(engine: Engine) {
    let Some(tdb) = TestDb::new(engine) else {
        return;
    };
    let db = tdb.connect().await;
    let fixture = db.register_fixture(demo_fixture(), None).await.unwrap().id;
    let (tokens, probes) = stations_and_probes(&db, &fixture, "station-", CLIENTS).await;
    let server = TestServer::start(db).await;
    let n = runs_wanted();
    let runs: Arc<Vec<String>> = Arc::new(
        (0..n)
            .map(|i| serde_json::to_string(&make_run(i, &fixture, &probes)).unwrap())
            .collect(),
    );
    let url = server.url("/api/v1/runs");
    let mut tasks = Vec::new();
    for (k, token) in tokens.into_iter().enumerate() {
        let (runs, url) = (runs.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let mut statuses = Vec::new();
            for i in (k..runs.len()).step_by(CLIENTS) {
                // Every 10th run is posted twice, as a station retrying would.
                let times = if i % 10 == 0 { 2 } else { 1 };
                for _ in 0..times {
                    let r = c
                        .post(&url)
                        .bearer_auth(&token)
                        .header("content-type", "application/json")
                        .body(runs[i].clone())
                        .send()
                        .await
                        .unwrap();
                    statuses.push((i, r.status().as_u16()));
                }
            }
            statuses
        }));
    }
    let mut created = HashMap::new();
    let mut replays = 0;
    for t in tasks {
        for (i, s) in t.await.unwrap() {
            match s {
                201 => *created.entry(i).or_insert(0) += 1,
                200 => replays += 1,
                other => panic!("run {i}: HTTP {other}"),
            }
        }
    }
    assert_eq!(created.len(), n, "every run acknowledged as new once");
    assert!(created.values().all(|&c| c == 1));
    assert_eq!(replays, n.div_ceil(10));

    let db = &server.state.db;
    assert_eq!(
        db.stored_counts().await.unwrap(),
        (n as u64, (n * READINGS) as u64)
    );
    let status = db
        .fixture_status(&fixture, &Default::default(), chrono::Utc::now())
        .await
        .unwrap();
    let all: Vec<Run> = (0..n).map(|i| make_run(i, &fixture, &probes)).collect();
    assert_eq!(
        status.actuations_total,
        all.iter().map(|r| r.actuations).sum::<u64>()
    );
    assert_eq!(status.runs_total, n as u64);
    let mut per_probe: HashMap<&str, u64> = HashMap::new();
    for r in &all {
        for g in &r.readings {
            *per_probe.entry(g.probe.as_str()).or_default() += 1;
        }
    }
    for p in &status.probes {
        assert_eq!(p.readings_total, per_probe[p.id.as_str()], "probe {}", p.id);
        assert_eq!(p.actuations_since_install, status.actuations_total);
    }
    assert!(db.integrity_ok().await.unwrap());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_stations_on_sqlite() {
    load(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_stations_on_postgres() {
    load(Engine::Postgres).await;
}
