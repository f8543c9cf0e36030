//! The connection: SQLite or PostgreSQL behind one pool, migrations on connect.

use crate::{Result, ServiceError};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Once, RwLock};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (one file, WAL).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// What the service keeps of a registered fixture's probes in memory (they never
/// change after registration).
#[derive(Debug, Clone)]
pub(crate) struct ProbeSpec {
    pub limit_mohm: f64,
}

/// The service's database: a pool, its engine, and caches of what never changes.
pub struct Database {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time: writes queue here instead of failing busy.
    write_lock: Option<tokio::sync::Mutex<()>>,
    pub(crate) probe_specs: RwLock<HashMap<String, Arc<HashMap<String, ProbeSpec>>>>,
    pub(crate) callers: RwLock<HashMap<String, crate::Caller>>,
}

/// The URL of the SQLite database in a data directory (`DIR/pogo.db`).
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("pogo.db").display())
}

impl Database {
    /// Connects to `url` (`sqlite://PATH?mode=rwc` or `postgres://...`) with at most
    /// `max_connections`, and applies the migrations of its engine.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Database> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(install_default_drivers);
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(ServiceError::BadDatabaseUrl {
                url: redact_url(url),
            });
        };
        let mut options = AnyPoolOptions::new().max_connections(max_connections.max(1));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
        } else {
            POSTGRES_MIGRATIONS.run(&pool).await?;
        }
        Ok(Database {
            pool,
            backend,
            write_lock: (backend == Backend::Sqlite).then(|| tokio::sync::Mutex::new(())),
            probe_specs: RwLock::new(HashMap::new()),
            callers: RwLock::new(HashMap::new()),
        })
    }

    /// The engine behind the pool.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (checkpoints SQLite's WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Waits for the right to write (SQLite only; PostgreSQL locks rows itself).
    pub(crate) async fn writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(m) => Some(m.lock().await),
            None => None,
        }
    }
}

/// A database URL without its password, for messages.
pub(crate) fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            super::redact_url("postgres://pogo:secret@db/pogo"),
            "postgres://pogo:***@db/pogo"
        );
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
