//! `pogo serve [--database URL] [--listen ADDR] [--data DIR] [--demo]`: the fixture
//! service (API and dashboard); `pogo station add NAME [--fixtures ID,...]
//! [--data DIR | --database URL]`: a station and its token, shown once.

use clap::Args;
use miette::IntoDiagnostic;
use pogo_service::http::AppState;
use pogo_service::{Database, ServiceConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args)]
pub struct ServeArgs {
    /// Database URL: postgres://USER@HOST/DB or sqlite://PATH (default: DIR/pogo.db)
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Data directory: the SQLite database and the admin token
    #[arg(long, value_name = "DIR", default_value = "pogo-data")]
    pub data: PathBuf,
    /// Fill a new database with a simulated fixture life (a month of runs)
    #[arg(long)]
    pub demo: bool,
}

#[derive(Args)]
pub struct StationAddArgs {
    /// Station name, e.g. ict-line-2
    pub name: String,
    /// Fixture ids the station may use (default: every fixture)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub fixtures: Vec<String>,
    /// Data directory of the SQLite database
    #[arg(
        long,
        value_name = "DIR",
        default_value = "pogo-data",
        conflicts_with = "database"
    )]
    pub data: PathBuf,
    /// Database URL (instead of DIR/pogo.db)
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

fn runtime() -> miette::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .into_diagnostic()
}

async fn open(
    database: Option<&str>,
    data: &Path,
    max_connections: u32,
) -> miette::Result<Database> {
    let url = match database {
        Some(u) => u.to_string(),
        None => {
            std::fs::create_dir_all(data)
                .map_err(|e| miette::miette!("cannot create {}: {e}", data.display()))?;
            pogo_service::sqlite_url(data)
        }
    };
    Database::connect(&url, max_connections)
        .await
        .into_diagnostic()
}

pub fn run_serve(args: ServeArgs) -> miette::Result<ExitCode> {
    runtime()?.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> miette::Result<ExitCode> {
    let db = open(args.database.as_deref(), &args.data, 16).await?;
    let config = ServiceConfig::default();
    let mut out = std::io::stdout().lock();
    if let Some(path) = db.ensure_admin_token(&args.data).await.into_diagnostic()? {
        writeln!(out, "pogo serve: admin token written to {}", path.display()).into_diagnostic()?;
    }
    if args.demo {
        let life = pogo_service::demo::DemoLife::default();
        match pogo_service::demo::fill(&db, &config, life, chrono::Utc::now())
            .await
            .into_diagnostic()?
        {
            Some(d) => writeln!(
                out,
                "pogo serve: demo fixture {} with {} runs from station {}",
                d.fixture, d.runs, d.station
            ),
            None => writeln!(
                out,
                "pogo serve: --demo skipped: the database already has fixtures"
            ),
        }
        .into_diagnostic()?;
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| miette::miette!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().into_diagnostic()?;
    writeln!(out, "pogo serve: listening on http://{addr}/").into_diagnostic()?;
    drop(out);
    let state = Arc::new(AppState { db, config });
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    pogo_service::http::serve(listener, state.clone(), shutdown)
        .await
        .into_diagnostic()?;
    state.db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `pogo station add`: registers a station and prints its token once.
pub fn run_station_add(args: StationAddArgs) -> miette::Result<ExitCode> {
    runtime()?.block_on(async {
        let db = open(args.database.as_deref(), &args.data, 1).await?;
        let token = db
            .add_station(&args.name, &args.fixtures)
            .await
            .into_diagnostic()?;
        db.close().await;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{token}").into_diagnostic()?;
        Ok(ExitCode::SUCCESS)
    })
}
