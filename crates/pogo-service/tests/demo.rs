//! The demo life (`pogo serve --demo`) as a person first sees it: it ends on readings,
//! so every probe has a verdict and the worn ones fail, and the probes were cleaned as
//! the service asks, whatever the number of days.

mod common;

use common::{Engine, TestDb, fill_demo};
use pogo_service::{ProbeVerdict, ServiceConfig};

#[tokio::test]
async fn the_demo_ends_with_every_probe_judged() {
    // Ten days of 3,600 actuations: a cleaning after the last runs would clear every
    // verdict, and one every tenth day would leave the probes 36,000 actuations
    // uncleaned.
    let tdb = TestDb::new(Engine::Sqlite).unwrap();
    let db = tdb.connect().await;
    let (_, status) = fill_demo(&db, 10, 4, 900).await;
    let config = ServiceConfig::default();
    let unjudged: Vec<&str> = status
        .probes
        .iter()
        .filter(|p| p.verdict == ProbeVerdict::NotMeasured)
        .map(|p| p.id.as_str())
        .collect();
    assert!(
        unjudged.is_empty(),
        "probes without a verdict: {unjudged:?}"
    );
    assert!(
        status.count(ProbeVerdict::Fail) >= 1,
        "the fast-wearing probes fail by the end"
    );
    // Cleaned as the service asks (every 10,000 actuations), never left overdue.
    for p in &status.probes {
        assert!(
            p.actuations_since_clean < config.clean_every_actuations
                && p.actuations_since_clean < status.actuations_total,
            "{}: {} actuations since cleaning of {}",
            p.id,
            p.actuations_since_clean,
            status.actuations_total
        );
    }
}
