//! Store and forward against the real service: `pogo serve` is down while a station
//! measures (the run waits on disk), comes back on the same port and data, and the
//! station's next run sends both. Every run arrives exactly once: the service's
//! lifetime actuations equal the runs made, and the queue is empty.

mod serve_support;
mod support;

use pogo_station::sim::Simulator;
use serve_support::{
    add_station, free_port, get_json, pogo, read_token_if_any, register_fixture, serve,
};
use std::path::Path;
use std::process::Output;
use support::station_fixture as fixture;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// One `pogo station measure` against the simulator, posting to `base`.
fn measure(sim: &Simulator, dir: &Path, base: &str, token: &str) -> Output {
    pogo()
        .args(["station", "measure"])
        .arg(fixture())
        .args([
            "--dmm",
            &sim.dmm_resource(),
            "--switch",
            &sim.switch_resource(),
        ])
        .arg("--out")
        .arg(dir.join("m.csv"))
        .args(["--timeout-ms", "500", "--post", base, "--token", token])
        .arg("--queue")
        .arg(dir.join("queue"))
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_made_while_the_real_service_is_down_arrive_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pogo-data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&data, port);
    let admin = read_token_if_any(&data);

    // Register the fixture and a station that may use it.
    let body = std::fs::read(fixture()).unwrap();
    let c = reqwest::Client::new();
    let id = register_fixture(&c, &base, &admin, body.clone()).await;
    assert_eq!(
        id,
        pogo_fixture::fixture_id(&body),
        "station and service agree"
    );
    let token = add_station(&data, "bench-1", &id);

    // The service goes down; the station measures anyway and keeps the run.
    server.kill().unwrap();
    server.wait().unwrap();
    let sim = support::five_probe_sim();
    let o = measure(&sim, dir.path(), &base, &token);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("1 run(s) wait in"), "{}", text(&o));

    // Back on the same port and data: the next run sends both, each once.
    let mut server = serve(&data, port);
    let o = measure(&sim, dir.path(), &base, &token);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        text(&o).matches("stored by the service").count(),
        2,
        "{}",
        text(&o)
    );
    let pending = dir.path().join("queue/pending");
    assert!(std::fs::read_dir(&pending).unwrap().next().is_none());

    let status: serde_json::Value =
        get_json(&c, &format!("{base}/api/v1/fixtures/{id}"), &admin).await;
    assert_eq!(status["actuations_total"], 2, "{status}");
    let p3 = status["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "P3")
        .unwrap_or_else(|| panic!("no P3 in {status}"));
    // The planted 27 mOhm contact, the reference path subtracted by the station.
    let r = p3["last_resistance_mohm"].as_f64().unwrap();
    assert!((r - 27.0).abs() < 1e-6, "{p3}");
    server.kill().unwrap();
    server.wait().unwrap();
}
