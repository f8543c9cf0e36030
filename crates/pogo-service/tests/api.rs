//! The API on both databases: registration, idempotent runs, counters, judgement,
//! maintenance, due list; and every endpoint's refusals (401, 403, 4xx) writing nothing.

mod common;

use common::{Engine, TestDb, TestServer, demo_fixture, run_json};
use reqwest::StatusCode;
use serde_json::Value;

const U1: &str = "6f1c2b9e-2f0a-4c43-9d7e-0a4b1f3e9c11";
const U2: &str = "6f1c2b9e-2f0a-4c43-9d7e-0a4b1f3e9c12";

struct Tokens {
    admin: String,
    station: String,
    other_station: String,
}

async fn setup(engine: Engine) -> Option<(TestDb, TestServer, Tokens, String)> {
    let tdb = TestDb::new(engine)?;
    let db = tdb.connect().await;
    let path = db
        .ensure_admin_token(tdb.dir.path())
        .await
        .unwrap()
        .expect("first start writes the admin token");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "admin-token must be private");
    assert!(
        db.ensure_admin_token(tdb.dir.path())
            .await
            .unwrap()
            .is_none()
    );
    let admin = std::fs::read_to_string(&path).unwrap().trim().to_string();
    assert!(admin.len() >= 32);
    let fixture = db.register_fixture(demo_fixture(), None).await.unwrap().id;
    let other = db
        .register_fixture(demo_fixture(), Some("other-fixture"))
        .await
        .unwrap()
        .id;
    let station = db
        .add_station("ict-1", std::slice::from_ref(&fixture))
        .await
        .unwrap();
    let other_station = db.add_station("ict-2", &[other]).await.unwrap();
    assert!(
        db.add_station("ict-1", &[]).await.is_err(),
        "names are unique"
    );
    assert!(
        matches!(
            db.add_station("ict-3", &["fx-never-registered".into()]).await,
            Err(pogo_service::ServiceError::UnknownFixture { id }) if id == "fx-never-registered"
        ),
        "a station may only be given registered fixtures"
    );
    let server = TestServer::start(db).await;
    Some((
        tdb,
        server,
        Tokens {
            admin,
            station,
            other_station,
        },
        fixture,
    ))
}

async fn counts(server: &TestServer) -> (u64, u64) {
    server.state.db.stored_counts().await.unwrap()
}

async fn post(
    c: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, Value) {
    let rq = c
        .post(url)
        .body(body)
        .header("content-type", "application/json");
    send(rq, token).await
}

async fn get(c: &reqwest::Client, url: &str, token: Option<&str>) -> (StatusCode, Value) {
    send(c.get(url), token).await
}

/// Sends the request (with the bearer `token`, when given): the status and the body as
/// JSON, or as a JSON string when it is not JSON.
async fn send(mut rq: reqwest::RequestBuilder, token: Option<&str>) -> (StatusCode, Value) {
    if let Some(t) = token {
        rq = rq.bearer_auth(t);
    }
    let r = rq.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn probe<'a>(fixture: &'a Value, id: &str) -> &'a Value {
    fixture["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
}

async fn scenario(engine: Engine) {
    let Some((_tdb, server, t, fx)) = setup(engine).await else {
        return;
    };
    let c = reqwest::Client::new();
    let runs = server.url("/api/v1/runs");

    // Registration: admin only; the same body answers the same id.
    let reg = server.url("/api/v1/fixtures");
    assert_eq!(
        post(&c, &reg, None, demo_fixture()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&c, &reg, Some("nope"), demo_fixture()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&c, &reg, Some(&t.station), demo_fixture()).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, v) = post(&c, &reg, Some(&t.admin), demo_fixture()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["id"], pogo_fixture::fixture_id(demo_fixture().as_bytes()));
    assert_eq!(v["id"], fx.as_str());
    let (s, v) = post(&c, &reg, Some(&t.admin), "{\"schema\":\"pogo.fixture/1\",").await;
    assert!(s.is_client_error(), "{s} {v}");
    assert!(v["error"].as_str().unwrap().contains("body:"), "{v}");
    let (s, _) = post(
        &c,
        &format!("{reg}?id=bad%20id"),
        Some(&t.admin),
        demo_fixture(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        &c,
        &format!("{reg}?id=other-fixture"),
        Some(&t.admin),
        demo_fixture().replace("\"P1\"", "\"P1x\""),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "an id is not taken over by another body"
    );
    assert_eq!(server.state.db.fixture_ids().await.unwrap().len(), 2);

    // A run: 201, then 200 on replay, 409 with another body under the same uuid.
    let body = run_json(U1, &fx, 3, &[("P1", 12.0), ("P2", 25.0), ("P1", 13.0)]);
    let (s, v) = post(&c, &runs, Some(&t.station), body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["stored"], "new");
    assert_eq!(
        v["failed_readings"], 1,
        "P2 at 25 mOhm is over P100-SPEAR's 20 mOhm: {v}"
    );
    let (s, v) = post(&c, &runs, Some(&t.station), body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stored"], "replay");
    assert_eq!(v["failed_readings"], 1);
    assert_eq!(counts(&server).await, (1, 3));
    let changed = run_json(U1, &fx, 4, &[("P1", 12.0)]);
    assert_eq!(
        post(&c, &runs, Some(&t.station), changed).await.0,
        StatusCode::CONFLICT
    );

    // Refusals write nothing.
    let body2 = run_json(U2, &fx, 2, &[("P1", 14.0)]);
    let refusals: Vec<(Option<&str>, String, StatusCode)> = vec![
        (None, body2.clone(), StatusCode::UNAUTHORIZED),
        (Some("wrong-token"), body2.clone(), StatusCode::UNAUTHORIZED),
        (Some(&t.admin), body2.clone(), StatusCode::FORBIDDEN),
        (Some(&t.other_station), body2.clone(), StatusCode::FORBIDDEN),
        (
            Some(&t.station),
            run_json(U2, &fx, 2, &[("P999", 14.0)]),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Some(&t.station),
            run_json(U2, "fx-000000000000", 2, &[("P1", 14.0)]),
            StatusCode::NOT_FOUND,
        ),
        (
            Some(&t.station),
            body2.replace("contact_resistance", "colour"),
            StatusCode::BAD_REQUEST,
        ),
        (
            Some(&t.station),
            body2.replace("\"mohm\"", "\"furlong\""),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Some(&t.station),
            body2.replace("08:00:40", "07:00:40"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Some(&t.station),
            body2[..body2.len() - 5].to_string(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (token, body, want) in refusals {
        let (s, v) = post(&c, &runs, token, body).await;
        assert_eq!(s, want, "{v}");
        assert!(v["error"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    }
    // Oversized: 413, or the connection closed by the server before the client has
    // sent the whole body (the answer comes early); either way nothing is stored.
    // Its own client: the server answers 413 and closes the connection before reading
    // the body, and a pooled connection it closed would fail the next request.
    let oversized = reqwest::Client::new()
        .post(&runs)
        .bearer_auth(&t.station)
        .body("x".repeat(17 * 1024 * 1024))
        .send()
        .await;
    if let Ok(r) = oversized {
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    assert_eq!(counts(&server).await, (1, 3), "refused runs wrote nothing");

    let (s, v) = post(&c, &runs, Some(&t.station), body2).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // The fixture: counters and per-probe figures.
    let fx_url = server.url(&format!("/api/v1/fixtures/{fx}"));
    assert_eq!(get(&c, &fx_url, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&c, &fx_url, Some("x")).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&c, &fx_url, Some(&t.other_station)).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, f) = get(&c, &fx_url, Some(&t.station)).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["actuations_total"], 5);
    let p1 = probe(&f, "P1");
    assert_eq!(p1["actuations_since_install"], 5);
    assert_eq!(p1["last_resistance_mohm"], 14.0);
    assert_eq!(p1["baseline_mohm"], 12.0);
    assert_eq!(p1["verdict"], "pass");
    assert_eq!(p1["net"].as_str().map(|s| !s.is_empty()), Some(true));
    assert!(p1["forecast_actuations"].as_u64().is_some());
    let p2 = probe(&f, "P2");
    assert_eq!(p2["verdict"], "fail");
    assert_eq!(probe(&f, "P3")["verdict"], "not_measured");
    let (s, _) = get(&c, &server.url("/api/v1/fixtures/nope"), Some(&t.admin)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Due list: P2 is to be replaced now.
    let due_url = server.url(&format!("/api/v1/fixtures/{fx}/due"));
    assert_eq!(get(&c, &due_url, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&c, &due_url, Some(&t.other_station)).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, d) = get(&c, &due_url, Some(&t.admin)).await;
    assert_eq!(s, StatusCode::OK);
    let first = &d["due"][0];
    assert_eq!(
        (first["probe"].as_str(), first["action"].as_str()),
        (Some("P2"), Some("replace")),
        "{d}"
    );

    // Maintenance: admin only; replace_probe starts P2's counters again.
    let m_url = server.url(&format!("/api/v1/fixtures/{fx}/maintenance"));
    let replace = r#"{"kind":"replace_probe","probe":"P2","note":"worn tip"}"#;
    let nope_url = server.url("/api/v1/fixtures/nope/maintenance");
    let refused: [(&str, Option<&str>, &str, StatusCode); 7] = [
        (&m_url, None, replace, StatusCode::UNAUTHORIZED),
        (&m_url, Some("x"), replace, StatusCode::UNAUTHORIZED),
        (&m_url, Some(&t.station), replace, StatusCode::FORBIDDEN),
        (
            &m_url,
            Some(&t.admin),
            r#"{"kind":"polish","probe":"P2"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            &m_url,
            Some(&t.admin),
            r#"{"kind":"replace_probe","probe":"P999"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &m_url,
            Some(&t.admin),
            r#"{"kind":"replace_probe"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (&nope_url, Some(&t.admin), replace, StatusCode::NOT_FOUND),
    ];
    for (url, token, body, want) in refused {
        assert_eq!(
            post(&c, url, token, body).await.0,
            want,
            "{url} {token:?} {body}"
        );
    }
    assert!(
        server
            .state
            .db
            .maintenance_log(None, 10)
            .await
            .unwrap()
            .is_empty(),
        "refusals wrote nothing"
    );
    let (s, e) = post(&c, &m_url, Some(&t.admin), replace).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["actuations_total"], 5);
    let (_, f) = get(&c, &fx_url, Some(&t.admin)).await;
    let p2 = probe(&f, "P2");
    assert_eq!(p2["actuations_since_install"], 0);
    assert_eq!(p2["verdict"], "not_measured");
    assert_eq!(p2["baseline_mohm"], Value::Null);
    assert_eq!(
        f["actuations_total"], 5,
        "the lifetime counter is never reset"
    );
    assert_eq!(probe(&f, "P1")["actuations_since_install"], 5);
    let (_, log) = get(&c, &m_url, Some(&t.admin)).await;
    assert_eq!(log["events"][0]["note"], "worn tip");

    // Stations list: admin only, never a token.
    let st_url = server.url("/api/v1/stations");
    assert_eq!(
        get(&c, &st_url, Some(&t.station)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(&c, &st_url, None).await.0, StatusCode::UNAUTHORIZED);
    let (s, st) = get(&c, &st_url, Some(&t.admin)).await;
    assert_eq!(s, StatusCode::OK);
    let text = st.to_string();
    assert!(text.contains("ict-1") && !text.contains(&t.station) && !text.contains(&t.admin));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_on_sqlite() {
    scenario(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_on_postgres() {
    scenario(Engine::Postgres).await;
}
