//! Store and forward against a stand-in for `POST /api/v1/runs`: the service is
//! stopped during a station's runs and started later; every run arrives exactly once,
//! a replay is answered 200 and stored nothing twice, a refused token keeps the runs.

use pogo_qc::run::{Reading, Run, RunResult};
use pogo_station::StationError;
use pogo_station::outbox::{Outbox, PostOutcome, Service, post};
use pogo_station::sim::ServiceStub;

fn a_run(n: u32) -> Run {
    let t = chrono::Utc::now();
    Run {
        uuid: uuid::Uuid::new_v4(),
        fixture: "fx-0123456789ab".into(),
        started_at: t,
        finished_at: t,
        actuations: 1,
        dut_serial: Some(format!("SN-{n:04}")),
        result: Some(RunResult::Pass),
        readings: vec![Reading {
            probe: "P1".into(),
            kind: pogo_qc::measurements::Kind::ContactResistance,
            value: 10.0 + f64::from(n),
            unit: "mohm".into(),
        }],
    }
}

#[test]
fn runs_queued_while_the_service_is_down_arrive_exactly_once() {
    let mut service = ServiceStub::start("s3cret").unwrap();
    let svc = Service::new(&service.url(), "s3cret");
    service.stop();
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();

    // Three runs while the service is down: each waits on disk.
    let runs: Vec<Run> = (0..3).map(a_run).collect();
    for r in &runs {
        outbox.enqueue(r).unwrap();
        let report = outbox.flush(&svc).unwrap();
        assert!(report.unreachable.is_some());
        assert!(report.stored.is_empty());
    }
    assert_eq!(outbox.pending().unwrap().len(), 3);

    // The service comes back: all three arrive, in order, once.
    service.resume().unwrap();
    let report = outbox.flush(&svc).unwrap();
    assert_eq!(
        report.stored,
        runs.iter().map(|r| r.uuid).collect::<Vec<_>>()
    );
    assert_eq!(report.waiting, 0);
    assert!(outbox.pending().unwrap().is_empty());
    let stored = service.runs();
    assert_eq!(stored.len(), 3);
    for r in &runs {
        assert_eq!(&stored[&r.uuid], r);
    }

    // A crash after the service stored a run but before it left the queue: the run is
    // sent again, answered 200, and still stored once.
    outbox.enqueue(&runs[1]).unwrap();
    let report = outbox.flush(&svc).unwrap();
    assert_eq!(report.already_stored, [runs[1].uuid]);
    assert_eq!(service.runs().len(), 3);
    // Nothing more to send.
    let before = service.posts();
    let report = outbox.flush(&svc).unwrap();
    assert_eq!(report, Default::default());
    assert_eq!(service.posts(), before);
}

#[test]
fn a_refused_token_keeps_every_run_queued() {
    let service = ServiceStub::start("right").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    outbox.enqueue(&a_run(7)).unwrap();
    let e = outbox
        .flush(&Service::new(&service.url(), "wrong"))
        .unwrap_err();
    assert!(matches!(e, StationError::Unauthorized { .. }), "{e}");
    assert_eq!(outbox.pending().unwrap().len(), 1);
    assert!(service.runs().is_empty());
    let report = outbox
        .flush(&Service::new(&service.url(), "right"))
        .unwrap();
    assert_eq!(report.stored.len(), 1);
}

#[test]
fn the_stub_answers_as_documented() {
    let service = ServiceStub::start("t").unwrap();
    let svc = Service::new(&service.url(), "t");
    let json = serde_json::to_string(&a_run(1)).unwrap();
    assert_eq!(post(&svc, &json), PostOutcome::Stored);
    assert_eq!(post(&svc, &json), PostOutcome::AlreadyStored);
    assert_eq!(
        post(&Service::new(&service.url(), "x"), &json),
        PostOutcome::Unauthorized
    );
    assert!(matches!(
        post(&svc, "{}"),
        PostOutcome::Refused { status: 400, .. }
    ));
}

#[test]
fn a_run_the_service_refuses_is_kept_aside_not_lost() {
    let service = ServiceStub::start("t").unwrap();
    let svc = Service::new(&service.url(), "t");
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    // A file in the queue that the service refuses (400): moved to rejected/, with why.
    let bad = dir
        .path()
        .join("pending")
        .join("00000000000000000001-bad.json");
    std::fs::write(&bad, r#"{"uuid":"6f1c2b9e-2f0a-4c43-9d7e-0a4b1f3e9c11","fixture":"","started_at":"2026-12-06T08:00:00Z","finished_at":"2026-12-06T08:00:41Z","actuations":1}"#).unwrap();
    outbox.enqueue(&a_run(2)).unwrap();
    let report = outbox.flush(&svc).unwrap();
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.stored.len(), 1);
    let rejected: Vec<String> = std::fs::read_dir(dir.path().join("rejected"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(rejected.iter().any(|n| n == "bad.json"), "{rejected:?}");
    assert!(
        rejected.iter().any(|n| n == "bad.reason.txt"),
        "{rejected:?}"
    );
}

#[test]
fn an_invalid_run_is_refused_before_it_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    let mut r = a_run(3);
    r.fixture.clear();
    assert!(outbox.enqueue(&r).is_err());
    assert!(outbox.pending().unwrap().is_empty());
}
