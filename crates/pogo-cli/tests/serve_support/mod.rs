//! Shared by the tests that run `pogo serve`: the binary, a free port, a started
//! server, its admin token.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub fn pogo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pogo"))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `pogo serve` and waits for its "listening" line.
pub fn serve(data: &Path, port: u16) -> Child {
    let mut child = pogo()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("pogo serve printed nothing").unwrap();
        let token = read_token_if_any(data);
        assert!(
            token.is_empty() || !line.contains(&token),
            "a token was printed"
        );
        if line.contains("listening on http://") {
            break;
        }
    }
    child
}

pub fn read_token_if_any(data: &Path) -> String {
    std::fs::read_to_string(data.join("admin-token"))
        .map(|t| t.trim().to_string())
        .unwrap_or_default()
}

/// Registers a fixture with the service at `base` as the admin; its id.
pub async fn register_fixture(
    client: &reqwest::Client,
    base: &str,
    admin: &str,
    fixture_json: impl Into<reqwest::Body>,
) -> String {
    let r = client
        .post(format!("{base}/api/v1/fixtures"))
        .bearer_auth(admin)
        .body(fixture_json)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let registered: serde_json::Value = r.json().await.unwrap();
    registered["id"].as_str().unwrap().to_string()
}

/// `pogo station add NAME --fixtures FIXTURE --data DATA`: the station's token.
pub fn add_station(data: &Path, name: &str, fixture: &str) -> String {
    let out = pogo_testdata::stdout_of(
        pogo()
            .args(["station", "add", name, "--fixtures", fixture, "--data"])
            .arg(data),
    );
    out.trim().to_string()
}

/// GET `url` with a bearer `token`, its body as JSON.
pub async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> serde_json::Value {
    let r = client.get(url).bearer_auth(token).send().await.unwrap();
    r.json().await.unwrap()
}
