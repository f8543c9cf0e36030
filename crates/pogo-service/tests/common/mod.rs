//! Test support: SQLite in a temporary directory, PostgreSQL started from Debian's
//! binaries in a temporary directory, and the service on a free loopback port.
#![allow(dead_code)]

use pogo_qc::measurements::Kind;
use pogo_qc::run::{Reading, Run, RunResult};
use pogo_service::demo::{DemoLife, DemoSummary};
use pogo_service::http::AppState;
use pogo_service::{Database, FixtureStatus, ServiceConfig};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// The engines the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A database for one test; PostgreSQL's server stops when it drops.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    postgres: Option<PgServer>,
}

struct PgServer {
    pg_ctl: PathBuf,
    data: PathBuf,
    as_postgres_user: bool,
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = pg_command(&self.pg_ctl, self.as_postgres_user)
            .args(["stop", "-m", "immediate", "-w", "-D"])
            .arg(&self.data)
            .output();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn pg_command(program: &Path, as_postgres_user: bool) -> Command {
    if as_postgres_user {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Debian's PostgreSQL binaries (`/usr/lib/postgresql/*/bin`), newest first.
fn pg_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl TestDb {
    /// A new database of `engine`, or None (with a message) when PostgreSQL is not
    /// installed on a developer machine. Under CI=true a missing PostgreSQL fails.
    pub fn new(engine: Engine) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temp dir");
        match engine {
            Engine::Sqlite => Some(TestDb {
                url: pogo_service::sqlite_url(dir.path()),
                dir,
                postgres: None,
            }),
            Engine::Postgres => Self::postgres(dir),
        }
    }

    fn postgres(dir: tempfile::TempDir) -> Option<TestDb> {
        let Some(bin) = pg_bin() else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("PostgreSQL is not installed: scripts/ci-deps.d/service.sh installs it");
            }
            eprintln!(
                "SKIPPED: PostgreSQL binaries not found under /usr/lib/postgresql (bash scripts/ci-deps.d/service.sh installs them)"
            );
            return None;
        };
        let root = is_root();
        let data = dir.path().join("pg");
        std::fs::create_dir(&data).expect("pg dir");
        if root {
            // initdb refuses to run as root: the cluster belongs to `postgres`.
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "chown of the PostgreSQL directory to postgres failed");
            let mut perms = std::fs::metadata(dir.path()).unwrap().permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
            std::fs::set_permissions(dir.path(), perms).unwrap();
        }
        pogo_testdata::stdout_of(
            pg_command(&bin.join("initdb"), root)
                .args(["-A", "trust", "-U", "pogo", "-E", "UTF8", "--no-sync", "-D"])
                .arg(&data),
        );
        let port = free_port();
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
            data.display()
        );
        let out = pg_command(&bin.join("pg_ctl"), root)
            .args(["start", "-w", "-t", "60", "-l"])
            .arg(data.join("log"))
            .args(["-o", &opts, "-D"])
            .arg(&data)
            .output()
            .expect("run pg_ctl");
        let server = PgServer {
            pg_ctl: bin.join("pg_ctl"),
            data: data.clone(),
            as_postgres_user: root,
        };
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(data.join("log")).unwrap_or_default()
        );
        Some(TestDb {
            url: format!("postgres://pogo@127.0.0.1:{port}/postgres"),
            dir,
            postgres: Some(server),
        })
    }

    pub async fn connect(&self) -> Database {
        Database::connect(&self.url, 16).await.expect("connect")
    }
}

/// The service on a free loopback port.
pub struct TestServer {
    pub base: String,
    pub state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start(db: Database) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(AppState {
            db,
            config: ServiceConfig::default(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(pogo_service::http::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        TestServer {
            base,
            state,
            stop: Some(tx),
            task: Some(tokio::spawn(async move {
                let _ = task.await;
            })),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

/// `count` stations registered to `fixture` (named `{prefix}{k}`), their tokens, and the
/// fixture's probe ids.
pub async fn stations_and_probes(
    db: &Database,
    fixture: &str,
    prefix: &str,
    count: usize,
) -> (Vec<String>, Vec<String>) {
    let mut tokens = Vec::new();
    for k in 0..count {
        let fixtures = [fixture.to_string()];
        tokens.push(
            db.add_station(&format!("{prefix}{k}"), &fixtures)
                .await
                .unwrap(),
        );
    }
    let probes = db
        .fixture_status(fixture, &ServiceConfig::default(), chrono::Utc::now())
        .await
        .unwrap()
        .probes
        .into_iter()
        .map(|p| p.id)
        .collect();
    (tokens, probes)
}

/// Load run `i` of `fixture`: `readings` contact resistances cycling over `probes`
/// (10.0-14.9 mOhm), `actuations` lid closures, started at `started_at`; its uuid is
/// `(uuid_high, i)`, so that each load has its own.
pub fn load_run(
    uuid_high: u64,
    i: usize,
    fixture: &str,
    probes: &[String],
    started_at: chrono::DateTime<chrono::Utc>,
    actuations: u64,
    readings: usize,
) -> Run {
    Run {
        uuid: uuid::Uuid::from_u64_pair(uuid_high, i as u64),
        fixture: fixture.into(),
        started_at,
        finished_at: started_at + chrono::Duration::seconds(20),
        actuations,
        dut_serial: Some(format!("SN-{i}")),
        result: Some(RunResult::Pass),
        readings: (0..readings)
            .map(|k| Reading {
                probe: probes[(i + k) % probes.len()].clone(),
                kind: Kind::ContactResistance,
                value: 10.0 + ((i * 7 + k * 13) % 50) as f64 / 10.0,
                unit: "mohm".into(),
            })
            .collect(),
    }
}

/// A fresh SQLite database in folder `name` of `dir`, with a pool of `connections`
/// and the demo fixture registered; its id.
pub async fn sqlite_with_demo_fixture(
    dir: &Path,
    name: &str,
    connections: u32,
) -> (Database, String) {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    let db = Database::connect(&pogo_service::sqlite_url(&dir.join(name)), connections)
        .await
        .unwrap();
    let fixture = db.register_fixture(demo_fixture(), None).await.unwrap().id;
    (db, fixture)
}

/// The example board's fixture.json that the demo ships.
pub fn demo_fixture() -> &'static str {
    pogo_service::demo::DEMO_FIXTURE_JSON
}

/// A run of `n` contact resistance readings over the fixture's probes.
pub fn run_json(uuid: &str, fixture: &str, actuations: u64, readings: &[(&str, f64)]) -> String {
    let readings: Vec<String> = readings
        .iter()
        .map(|(p, v)| {
            format!(r#"{{"probe":"{p}","kind":"contact_resistance","value":{v},"unit":"mohm"}}"#)
        })
        .collect();
    format!(
        r#"{{"uuid":"{uuid}","fixture":"{fixture}","started_at":"2026-12-01T08:00:00Z","finished_at":"2026-12-01T08:00:40Z","actuations":{actuations},"dut_serial":"SN-1","result":"pass","readings":[{}]}}"#,
        readings.join(",")
    )
}

/// Fills `db` with the demo life of `days` days of `runs_per_day` runs of
/// `actuations_per_run` lid closures (seed 12) ending now, under the default service
/// settings; the demo and its fixture's status at the end.
pub async fn fill_demo(
    db: &Database,
    days: u32,
    runs_per_day: u32,
    actuations_per_run: u64,
) -> (DemoSummary, FixtureStatus) {
    let life = DemoLife {
        days,
        runs_per_day,
        actuations_per_run,
        seed: 12,
    };
    let config = ServiceConfig::default();
    let now = chrono::Utc::now();
    let demo = pogo_service::demo::fill(db, &config, life, now)
        .await
        .unwrap()
        .expect("an empty database takes the demo");
    let status = db
        .fixture_status(&demo.fixture, &config, now)
        .await
        .unwrap();
    (demo, status)
}
