//! `pogo station ...` end to end against the instrument simulator: verdicts and the CSV
//! `pogo qc evaluate` reads, exit 2 with no output on bad input, store and forward with
//! the service down during a run and back later.

mod support;

use pogo_station::sim::{LineSim, ServiceStub, Simulator};
use std::path::Path;
use support::{pogo, station_fixture as fixture, stderr as err, stdout as out};

fn sim() -> Simulator {
    support::five_probe_sim()
}

fn measure_args<'a>(s: &'a [String; 4], extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "station",
        "measure",
        &s[0],
        "--dmm",
        &s[1],
        "--switch",
        &s[2],
        "--out",
        &s[3],
        "--timeout-ms",
        "500",
    ];
    v.extend_from_slice(extra);
    v
}

#[test]
fn measure_writes_what_qc_evaluate_reads_with_the_same_verdicts() {
    let s = sim();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("m.csv");
    let args = [
        fixture().display().to_string(),
        s.dmm_resource(),
        s.switch_resource(),
        csv.display().to_string(),
    ];
    let o = pogo(&measure_args(&args, &[]));
    // P3 (P75, 30 mOhm limit) at 27 mOhm is marginal; nothing fails.
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let text = out(&o);
    assert!(
        text.contains("common return (route @1020,1040): 30.000 mOhm"),
        "{text}"
    );
    assert!(text.contains("[3/5] P3"), "{text}");
    assert!(text.contains("27.000 mOhm  marginal"), "{text}");
    let o2 = pogo(&[
        "qc",
        "evaluate",
        &args[3],
        "--fixture",
        &args[0],
        "--format",
        "json",
    ]);
    assert_eq!(o2.status.code(), Some(0), "{}", err(&o2));
    let e: serde_json::Value = serde_json::from_slice(&o2.stdout).unwrap();
    let verdicts: Vec<(String, String)> = e["pins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["pin"].as_str().unwrap().to_string(),
                p["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("P1", "pass"),
            ("P2", "pass"),
            ("P3", "marginal"),
            ("P4", "pass"),
            ("P10", "pass")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let values: Vec<f64> = e["pins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["checks"][0]["value"].as_f64().unwrap())
        .collect();
    for (v, want) in values.iter().zip([5.0, 6.5, 27.0, 9.0, 12.25]) {
        assert!((v - want).abs() < 1e-4, "{values:?}");
    }
}

#[test]
fn bad_input_is_exit_2_and_writes_nothing() {
    let s = sim();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("m.csv");
    let map = dir.path().join("map.csv");
    std::fs::write(&map, "channel,route\n1,@1001,1021\nref,@1020,1040\n").unwrap();
    let args = [
        fixture().display().to_string(),
        s.dmm_resource(),
        s.switch_resource(),
        csv.display().to_string(),
    ];
    let map_s = map.display().to_string();
    for (extra, says) in [
        (
            vec!["--dmm-profile", "fluke-8846a"],
            "unknown instrument profile `fluke-8846a`",
        ),
        (
            vec!["--switch-profile", "mark-10"],
            "is a force gauge profile",
        ),
        (vec!["--channel-map", &map_s], "4 probe(s) cannot be routed"),
        (vec!["--range", "big"], "--range `big`"),
    ] {
        let o = pogo(&measure_args(&args, &extra));
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", err(&o));
        assert!(err(&o).contains(says), "{extra:?}: {}", err(&o));
        assert!(!csv.exists());
    }
    // No switch for a meter without a card.
    let o = pogo(&[
        "station", "measure", &args[0], "--dmm", &args[1], "--out", &args[3],
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("give --switch"), "{}", err(&o));
    // A resource string that does not parse, and a meter that does not answer.
    let mut bad = args.clone();
    bad[1] = "TCPIP0::127.0.0.1::port::SOCKET".into();
    let o = pogo(&measure_args(&bad, &[]));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("does not parse"), "{}", err(&o));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    bad[1] = format!(
        "TCPIP0::127.0.0.1::{}::SOCKET",
        closed.local_addr().unwrap().port()
    );
    drop(closed);
    let o = pogo(&measure_args(&bad, &[]));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("cannot connect"), "{}", err(&o));
    assert!(!csv.exists());
}

#[test]
fn runs_made_while_the_service_is_down_arrive_once_when_it_is_back() {
    let s = sim();
    let mut service = ServiceStub::start("tok").unwrap();
    let url = service.url();
    service.stop();
    let dir = tempfile::tempdir().unwrap();
    let queue = dir.path().join("queue").display().to_string();
    let args = [
        fixture().display().to_string(),
        s.dmm_resource(),
        s.switch_resource(),
        dir.path().join("m.csv").display().to_string(),
    ];
    let post = ["--post", &url, "--token", "tok", "--queue", &queue];
    let o = pogo(&measure_args(&args, &post));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("1 run(s) wait in"), "{}", out(&o));

    // Lid closures counted while the service is still down.
    let lid = LineSim::start(
        "read_switch",
        ["0", "0", "1", "1", "0", "0", "1", "1"]
            .map(String::from)
            .to_vec(),
    )
    .unwrap();
    let o = pogo(&[
        "station",
        "cycles",
        &args[0],
        "--lid",
        &lid.resource(),
        "--closures",
        "2",
        "--poll-ms",
        "1",
        "--post",
        &url,
        "--token",
        "tok",
        "--queue",
        &queue,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("2 lid closure(s)"), "{}", out(&o));
    assert!(out(&o).contains("2 run(s) wait in"), "{}", out(&o));

    // The service is back: the next run sends all three, each once.
    service.resume().unwrap();
    let o = pogo(&measure_args(&args, &post));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o).matches("stored by the service").count(),
        3,
        "{}",
        out(&o)
    );
    let runs = service.runs();
    assert_eq!(runs.len(), 3);
    let id = pogo_fixture::fixture_id(&std::fs::read(fixture()).unwrap());
    assert!(runs.values().all(|r| r.fixture == id));
    assert_eq!(runs.values().map(|r| r.actuations).sum::<u64>(), 1 + 2 + 1);
    assert_eq!(runs.values().filter(|r| r.readings.len() == 5).count(), 2);
    assert!(
        std::fs::read_dir(Path::new(&queue).join("pending"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn force_prompts_pin_by_pin_and_writes_spring_force() {
    use std::io::Write as _;
    let gauge = LineSim::start("?", vec!["1.480 N".into(), "0.700 N".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("force.csv");
    let mut child = support::pogo_command()
        .args([
            "station",
            "force",
            &fixture().display().to_string(),
            "--gauge",
            &gauge.resource(),
            "--pins",
            "P1,P2,P3,P4",
            "--out",
            &csv.display().to_string(),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read P1, skip P2, read P3, stop before P4.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"\ns\n\nq\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    // P3 (P75, 1.0 N nominal) at 0.7 N is below 0.8 N: exit 1.
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    assert_eq!(gauge.served(), 2);
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[0].starts_with("P1,spring_force,1.48,N,"), "{text}");
    assert!(rows[1].starts_with("P3,spring_force,0.7,N,"), "{text}");
    let o2 = pogo(&[
        "qc",
        "evaluate",
        &csv.display().to_string(),
        "--fixture",
        &fixture().display().to_string(),
    ]);
    assert_eq!(o2.status.code(), Some(1), "{}", out(&o2));
}
