//! The dashboard in a real browser: headless Chromium (Debian's, driven by Selenium
//! through chromium-driver) signs in, reads the pages of a seeded database as a person
//! sees them, and records maintenance through the form. Screenshots are kept in
//! `target/tmp/pogo-service-dashboard/` to be looked at.

mod common;

use common::{Engine, TestDb, TestServer, fill_demo};
use pogo_service::ProbeVerdict;

fn browser_ready() -> bool {
    let ok = std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("/usr/bin/chromedriver").exists()
        && std::process::Command::new("/usr/bin/python3")
            .args(["-c", "import selenium"])
            .status()
            .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "chromium, chromium-driver or python3-selenium missing: scripts/ci-deps.d/service.sh installs them"
            );
        }
        eprintln!(
            "SKIPPED: chromium, chromium-driver or python3-selenium missing (bash scripts/ci-deps.d/service.sh)"
        );
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_sees_the_fixture_and_records_maintenance() {
    if !browser_ready() {
        return;
    }
    let tdb = TestDb::new(Engine::Sqlite).unwrap();
    let db = tdb.connect().await;
    let token_file = db
        .ensure_admin_token(tdb.dir.path())
        .await
        .unwrap()
        .unwrap();
    let (demo, status) = fill_demo(&db, 12, 20, 150).await;
    assert!(
        status.count(ProbeVerdict::Fail) >= 1,
        "the demo has failing probes"
    );
    let probes = status.probes.len();
    let server = TestServer::start(db).await;

    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pogo-service-dashboard");
    std::fs::create_dir_all(&out).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/dashboard.py");
    let args = [
        script.to_string(),
        server.base.clone(),
        token_file.display().to_string(),
        demo.fixture.clone(),
        out.display().to_string(),
    ];
    let output = tokio::process::Command::new("/usr/bin/python3")
        .args(&args)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "browser script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = |k: &str| seen[k].as_str().unwrap_or_default().to_string();

    assert_eq!(seen["redirected_to_login"], true, "pages need signing in");
    assert!(text("index_text").contains(&demo.fixture), "{seen}");
    let page = text("fixture_text");
    assert!(
        page.contains(&format!("Fixture {}", demo.fixture)),
        "{page}"
    );
    assert!(
        page.contains("P1") && page.contains("fail") && page.contains("pass"),
        "{page}"
    );
    assert!(page.contains("Contact failures by probe"), "{page}");
    assert_eq!(
        seen["map_dots"].as_u64(),
        Some(probes as u64),
        "one dot per probe"
    );
    assert!(seen["wear_charts"].as_u64().unwrap() >= 1);
    assert!(seen["svg_count"].as_u64().unwrap() >= 4);
    assert_eq!(
        seen["page_source_has_token"], false,
        "a token never appears in a page"
    );
    assert!(text("after_form_url").ends_with(&format!("/fixtures/{}", demo.fixture)));
    assert!(text("after_form_text").contains("cleaned in the browser test"));
    assert!(text("stations_text").contains("demo-station"));
    assert!(text("log_text").contains("cleaned in the browser test"));

    let log = server
        .state
        .db
        .maintenance_log(Some(&demo.fixture), 10)
        .await
        .unwrap();
    // Newest first: the form's event, then the demo's routine cleanings (each before
    // the probes pass the 10,000-actuation cleaning interval: 3,000 a day here).
    assert!(log.len() >= 2, "{log:?}");
    assert!(
        log[1..]
            .iter()
            .all(|e| e.kind == "clean" && e.probe.is_none() && e.note.contains("demo")),
        "{log:?}"
    );
    assert_eq!(
        (
            log[0].kind.as_str(),
            log[0].probe.as_deref(),
            log[0].note.as_str()
        ),
        ("clean", Some("P3"), "cleaned in the browser test")
    );
    for shot in ["index.png", "fixture.png", "after-maintenance.png"] {
        let len = std::fs::metadata(out.join(shot)).unwrap().len();
        assert!(len > 10_000, "{shot}: {len} bytes");
    }
    server.stop().await;
}
