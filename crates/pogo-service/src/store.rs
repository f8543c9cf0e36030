//! The service's operations on the database. Every statement binds its values as
//! parameters; no SQL text is ever built from input.

use crate::db::{Database, ProbeSpec};
use crate::wear::{WearFit, forecast, judge_resistance};
use crate::*;
use chrono::{DateTime, Utc};
use pogo_qc::measurements::{Kind, Limits};
use pogo_qc::run::Run;
use sqlx::Row;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Settings of the service's judgement.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    /// pogo-qc's limits (contact resistance: marginal band, rise over baseline).
    pub limits: Limits,
    /// A probe is due for cleaning after this many actuations since its last cleaning.
    pub clean_every_actuations: u64,
    /// A replacement forecast within this many days is listed as due.
    pub due_horizon_days: f64,
    /// Width of the actuation buckets in which one wear point per probe is kept.
    pub trend_bucket_actuations: u64,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            limits: Limits::default(),
            clean_every_actuations: 10_000,
            due_horizon_days: 14.0,
            trend_bucket_actuations: 500,
        }
    }
}

/// A time as the database keeps it: RFC 3339 UTC with milliseconds (sorts as text).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn to_i64(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| ServiceError::CountOverflow)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// True for an id a person can type in a URL.
fn is_fixture_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Writes the admin token file with mode 0600, atomically (temporary file, rename).
fn write_secret(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let err = |source| ServiceError::Write {
        path: path.display().to_string(),
        source,
    };
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

impl Database {
    // -----------------------------------------------------------------------
    // Tokens and stations
    // -----------------------------------------------------------------------

    /// On the first start, makes the admin token, writes it to `DIR/admin-token`
    /// (mode 0600) and stores its hash. Returns the file's path when it was written.
    pub async fn ensure_admin_token(&self, data_dir: &Path) -> Result<Option<PathBuf>> {
        let _w = self.writer().await;
        let existing: i64 = sqlx::query("SELECT COUNT(*) FROM tokens WHERE role = 'admin'")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if existing > 0 {
            return Ok(None);
        }
        std::fs::create_dir_all(data_dir).map_err(|source| ServiceError::Write {
            path: data_dir.display().to_string(),
            source,
        })?;
        let token = new_token();
        let path = data_dir.join("admin-token");
        write_secret(&path, &format!("{token}\n"))?;
        sqlx::query("INSERT INTO tokens (token_sha256, role, created_at) VALUES ($1, 'admin', $2)")
            .bind(token_sha256(&token))
            .bind(ts(Utc::now()))
            .execute(&self.pool)
            .await?;
        Ok(Some(path))
    }

    /// Adds a station allowed to use `fixtures` (every fixture when empty) and returns
    /// its token, the only time it is ever shown.
    pub async fn add_station(&self, name: &str, fixtures: &[String]) -> Result<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(ServiceError::BadStationName { name: name.into() });
        }
        let _w = self.writer().await;
        let mut tx = self.pool.begin().await?;
        for f in fixtures {
            require_fixture(&mut *tx, f).await?;
        }
        let taken = sqlx::query("SELECT 1 FROM stations WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(ServiceError::StationExists { name: name.into() });
        }
        let id: i64 = sqlx::query(
            "INSERT INTO stations (name, all_fixtures, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name)
        .bind(i64::from(fixtures.is_empty()))
        .bind(ts(Utc::now()))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for f in fixtures {
            sqlx::query(
                "INSERT INTO station_fixtures (station_id, fixture_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(f)
            .execute(&mut *tx)
            .await?;
        }
        let token = new_token();
        sqlx::query(
            "INSERT INTO tokens (token_sha256, role, station_id, created_at) VALUES ($1, 'station', $2, $3)",
        )
        .bind(token_sha256(&token))
        .bind(id)
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Who holds `token`; [`ServiceError::Unauthorized`] for an unknown token.
    pub async fn authenticate(&self, token: &str) -> Result<Caller> {
        let hash = token_sha256(token.trim());
        if let Some(c) = self.callers.read().ok().and_then(|m| m.get(&hash).cloned()) {
            return Ok(c);
        }
        let row = sqlx::query(
            "SELECT t.role, s.id, s.name, s.all_fixtures FROM tokens t \
             LEFT JOIN stations s ON s.id = t.station_id WHERE t.token_sha256 = $1",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(ServiceError::Unauthorized)?;
        let role: String = row.try_get(0)?;
        let caller = if role == "admin" {
            Caller::Admin
        } else {
            Caller::Station {
                id: row.try_get(1)?,
                name: row.try_get(2)?,
                all_fixtures: row.try_get::<i64, _>(3)? != 0,
            }
        };
        if let Ok(mut m) = self.callers.write() {
            m.insert(hash, caller.clone());
        }
        Ok(caller)
    }

    /// Refuses a station that may not use `fixture` (403); the admin may read all.
    pub async fn check_access(&self, caller: &Caller, fixture: &str) -> Result<()> {
        let Caller::Station {
            id,
            name,
            all_fixtures,
        } = caller
        else {
            return Ok(());
        };
        if *all_fixtures {
            return Ok(());
        }
        let allowed =
            sqlx::query("SELECT 1 FROM station_fixtures WHERE station_id = $1 AND fixture_id = $2")
                .bind(id)
                .bind(fixture)
                .fetch_optional(&self.pool)
                .await?;
        match allowed {
            Some(_) => Ok(()),
            None => Err(ServiceError::Forbidden {
                reason: format!("station `{name}` may not use fixture `{fixture}`"),
            }),
        }
    }

    /// Every station, with its fixtures and runs.
    pub async fn stations(&self) -> Result<Vec<StationInfo>> {
        let rows = sqlx::query(
            "SELECT s.id, s.name, COUNT(r.id), MAX(r.finished_at) FROM stations s \
             LEFT JOIN runs r ON r.station_id = s.id GROUP BY s.id, s.name ORDER BY s.name",
        )
        .fetch_all(&self.pool)
        .await?;
        let links =
            sqlx::query("SELECT station_id, fixture_id FROM station_fixtures ORDER BY fixture_id")
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::new();
        for r in rows {
            let id: i64 = r.try_get(0)?;
            let mut fixtures = Vec::new();
            for l in &links {
                if l.try_get::<i64, _>(0)? == id {
                    fixtures.push(l.try_get(1)?);
                }
            }
            out.push(StationInfo {
                id,
                name: r.try_get(1)?,
                fixtures,
                runs_total: to_u64(r.try_get(2)?),
                last_run_at: r.try_get(3)?,
            });
        }
        Ok(out)
    }

    // -----------------------------------------------------------------------
    // Fixtures
    // -----------------------------------------------------------------------

    /// Registers a fixture from its `fixture.json` text under `id`, or under
    /// [`pogo_fixture::fixture_id`] of the text. The same text again answers the same id.
    pub async fn register_fixture(&self, body: &str, id: Option<&str>) -> Result<Registered> {
        let fixture = pogo_fixture::Fixture::from_json("body", body)?;
        let id = match id {
            Some(id) if is_fixture_id(id) => id.to_string(),
            Some(id) => return Err(ServiceError::BadFixtureId { id: id.into() }),
            None => pogo_fixture::fixture_id(body.as_bytes()),
        };
        let sha = crate::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes()));
        let _w = self.writer().await;
        let mut tx = self.pool.begin().await?;
        let existing = sqlx::query("SELECT sha256 FROM fixtures WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            let stored: String = row.try_get(0)?;
            return if stored == sha {
                Ok(Registered { id, created: false })
            } else {
                Err(ServiceError::FixtureIdTaken { id })
            };
        }
        sqlx::query(
            "INSERT INTO fixtures (id, sha256, board_file, board_sha256, fixture_json, registered_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&sha)
        .bind(&fixture.board.file)
        .bind(&fixture.board.sha256)
        .bind(body)
        .bind(ts(Utc::now()))
        .execute(&mut *tx)
        .await?;
        let default_limit = self.config_limits_unknown_part();
        for p in &fixture.probes {
            let part = fixture.part(&p.part);
            sqlx::query(
                "INSERT INTO probes (fixture_id, probe_id, net, side, x_mm, y_mm, part, limit_mohm, \
                 rated_life_actuations) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(&p.id)
            .bind(&p.net)
            .bind(format!("{:?}", p.side).to_lowercase())
            .bind(p.x)
            .bind(p.y)
            .bind(&p.part)
            .bind(part.map_or(default_limit, |q| q.max_contact_resistance_mohm))
            .bind(to_i64(part.map_or(0, |q| q.rated_life_cycles))?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Registered { id, created: true })
    }

    fn config_limits_unknown_part(&self) -> f64 {
        Limits::default().contact_resistance.unknown_part_max_mohm
    }

    /// The registered `fixture.json` text of a fixture.
    pub async fn fixture_json(&self, id: &str) -> Result<String> {
        sqlx::query("SELECT fixture_json FROM fixtures WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| ServiceError::UnknownFixture { id: id.into() })?
            .try_get(0)
            .map_err(Into::into)
    }

    /// Ids of every fixture, in order.
    pub async fn fixture_ids(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT id FROM fixtures ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(Into::into))
            .collect()
    }

    async fn probe_specs(&self, fixture: &str) -> Result<Arc<HashMap<String, ProbeSpec>>> {
        if let Some(s) = self
            .probe_specs
            .read()
            .ok()
            .and_then(|m| m.get(fixture).cloned())
        {
            return Ok(s);
        }
        let rows = sqlx::query("SELECT probe_id, limit_mohm FROM probes WHERE fixture_id = $1")
            .bind(fixture)
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() {
            require_fixture(&self.pool, fixture).await?;
        }
        let mut specs = HashMap::new();
        for r in rows {
            specs.insert(
                r.try_get::<String, _>(0)?,
                ProbeSpec {
                    limit_mohm: r.try_get(1)?,
                },
            );
        }
        let specs = Arc::new(specs);
        if let Ok(mut m) = self.probe_specs.write() {
            m.insert(fixture.to_string(), specs.clone());
        }
        Ok(specs)
    }

    // -----------------------------------------------------------------------
    // Runs
    // -----------------------------------------------------------------------

    /// Stores a run posted by `caller` (a station allowed to use the run's fixture),
    /// judges its readings and updates the counters, all in one transaction. Posting
    /// the same run again stores nothing and answers [`Stored::Replay`]; another body
    /// under the same uuid is [`ServiceError::RunConflict`].
    pub async fn ingest_run(
        &self,
        caller: &Caller,
        run: &Run,
        config: &ServiceConfig,
    ) -> Result<RunReceipt> {
        let Caller::Station { id: station_id, .. } = caller else {
            return Err(ServiceError::Forbidden {
                reason: "runs are posted with a station's token".into(),
            });
        };
        run.validate()?;
        let specs = self.probe_specs(&run.fixture).await?;
        self.check_access(caller, &run.fixture).await?;
        let mut canonical = Vec::with_capacity(run.readings.len());
        for (index, r) in run.readings.iter().enumerate() {
            if !specs.contains_key(&r.probe) {
                return Err(ServiceError::UnknownProbe {
                    index,
                    fixture: run.fixture.clone(),
                    probe: r.probe.clone(),
                });
            }
            // validate() has checked every unit already.
            canonical.push(
                r.canonical_value()
                    .map_err(|_| ServiceError::UnknownProbe {
                        index,
                        fixture: run.fixture.clone(),
                        probe: r.probe.clone(),
                    })?,
            );
        }
        let body = serde_json::to_vec(run).map_err(|e| ServiceError::BadJson {
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        let body_sha = crate::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(&body));
        let uuid = run.uuid.to_string();
        let mut receipt = RunReceipt {
            uuid: uuid.clone(),
            fixture: run.fixture.clone(),
            stored: Stored::New,
            actuations: run.actuations,
            readings: run.readings.len() as u64,
            marginal_readings: 0,
            failed_readings: 0,
        };

        let _w = self.writer().await;
        let mut tx = self.pool.begin().await?;
        let sql = format!("{INSERT_RUN} ON CONFLICT (uuid) DO NOTHING RETURNING id");
        let inserted = run_row(&sql, run, *station_id, &body_sha)?
            .fetch_optional(&mut *tx)
            .await?;
        let Some(inserted) = inserted else {
            let stored: String = sqlx::query("SELECT body_sha256 FROM runs WHERE uuid = $1")
                .bind(&uuid)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            tx.rollback().await?;
            if stored != body_sha {
                return Err(ServiceError::RunConflict { uuid });
            }
            receipt.stored = Stored::Replay;
            self.count_verdicts(&uuid, &mut receipt).await?;
            return Ok(receipt);
        };
        let run_id: i64 = inserted.try_get(0)?;

        // The fixture row first: on PostgreSQL this orders concurrent runs of one
        // fixture, so the per-probe read-modify-write below sees a settled state.
        let finished = ts(run.finished_at);
        let started = ts(run.started_at);
        let total: i64 = sqlx::query(
            "UPDATE fixtures SET actuations_total = actuations_total + $1, runs_total = runs_total + 1, \
             first_run_at = CASE WHEN first_run_at IS NULL OR first_run_at > $2 THEN $2 ELSE first_run_at END, \
             last_run_at = CASE WHEN last_run_at IS NULL OR last_run_at < $3 THEN $3 ELSE last_run_at END \
             WHERE id = $4 RETURNING actuations_total",
        )
        .bind(to_i64(run.actuations)?)
        .bind(&started)
        .bind(&finished)
        .bind(&run.fixture)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;

        let mut states = HashMap::new();
        let rows = sqlx::query(
            "SELECT probe_id, install_no, installed_at_actuations, baseline_mohm, trend_bucket \
             FROM probes WHERE fixture_id = $1",
        )
        .bind(&run.fixture)
        .fetch_all(&mut *tx)
        .await?;
        for r in rows {
            states.insert(
                r.try_get::<String, _>(0)?,
                ProbeUpdate {
                    install_no: r.try_get(1)?,
                    since_install: (total - r.try_get::<i64, _>(2)?).max(0),
                    baseline_mohm: r.try_get(3)?,
                    first_baseline: None,
                    trend_bucket: r.try_get(4)?,
                    new_trend_point: None,
                    last: None,
                    fit: WearFit::default(),
                    readings: 0,
                    failures: 0,
                },
            );
        }

        let limits = &config.limits.contact_resistance;
        let mut rows_out = Vec::with_capacity(run.readings.len());
        for (r, value) in run.readings.iter().zip(&canonical) {
            let Some(state) = states.get_mut(&r.probe) else {
                continue;
            };
            let verdict = if r.kind == Kind::ContactResistance {
                let limit = specs.get(&r.probe).map_or(50.0, |s| s.limit_mohm);
                let baseline = state.baseline_mohm.or(state.first_baseline);
                let v = judge_resistance(*value, baseline, limit, limits);
                state.observe(*value, v, config.trend_bucket_actuations);
                match v {
                    pogo_qc::Verdict::Fail => receipt.failed_readings += 1,
                    pogo_qc::Verdict::Marginal => receipt.marginal_readings += 1,
                    pogo_qc::Verdict::Pass => {}
                }
                Some(v.name())
            } else {
                None
            };
            rows_out.push((r, *value, verdict, state.since_install));
        }
        for chunk in rows_out.chunks(100) {
            let sql = insert_readings_sql(chunk.len(), 8, "");
            let mut q = sqlx::query(&sql);
            for (r, value, verdict, since) in chunk {
                q = q
                    .bind(run_id)
                    .bind(r.probe.clone())
                    .bind(r.kind.name())
                    .bind(r.value)
                    .bind(r.unit.clone())
                    .bind(*value)
                    .bind(verdict.map(str::to_string))
                    .bind(*since);
            }
            q.execute(&mut *tx).await?;
        }
        let mut touched: Vec<(&String, &ProbeUpdate)> =
            states.iter().filter(|(_, s)| s.readings > 0).collect();
        touched.sort_by(|a, b| a.0.cmp(b.0));
        for (probe, s) in touched {
            let (last_value, last_verdict) = s.last.unwrap_or((0.0, pogo_qc::Verdict::Pass));
            sqlx::query(
                "UPDATE probes SET baseline_mohm = COALESCE(baseline_mohm, $1), \
                 last_resistance_mohm = $2, last_verdict = $3, fit_n = fit_n + $4, \
                 fit_sx = fit_sx + $5, fit_sy = fit_sy + $6, fit_sxx = fit_sxx + $7, \
                 fit_sxy = fit_sxy + $8, readings_total = readings_total + $9, \
                 failures_total = failures_total + $10, trend_bucket = $11 \
                 WHERE fixture_id = $12 AND probe_id = $13",
            )
            .bind(s.first_baseline)
            .bind(last_value)
            .bind(last_verdict.name())
            .bind(s.fit.n)
            .bind(s.fit.sum_x)
            .bind(s.fit.sum_y)
            .bind(s.fit.sum_xx)
            .bind(s.fit.sum_xy)
            .bind(s.readings)
            .bind(s.failures)
            .bind(s.trend_bucket)
            .bind(&run.fixture)
            .bind(probe)
            .execute(&mut *tx)
            .await?;
            if let Some((at, value)) = s.new_trend_point {
                sqlx::query(
                    "INSERT INTO probe_trend (fixture_id, probe_id, install_no, \
                     actuations_since_install, resistance_mohm) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&run.fixture)
                .bind(probe)
                .bind(s.install_no)
                .bind(at)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            }
        }

        let first_test = match &run.dut_serial {
            Some(serial) => sqlx::query(
                "INSERT INTO duts (fixture_id, serial) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
            )
            .bind(&run.fixture)
            .bind(serial)
            .fetch_optional(&mut *tx)
            .await?
            .is_some(),
            None => true,
        };
        let first_pass = first_test && run.result == Some(pogo_qc::run::RunResult::Pass);
        sqlx::query(
            "INSERT INTO fixture_days (fixture_id, day, runs, first_tests, first_passes) \
             VALUES ($1, $2, 1, $3, $4) ON CONFLICT (fixture_id, day) DO UPDATE SET \
             runs = fixture_days.runs + 1, first_tests = fixture_days.first_tests + $3, \
             first_passes = fixture_days.first_passes + $4",
        )
        .bind(&run.fixture)
        .bind(run.finished_at.format("%Y-%m-%d").to_string())
        .bind(i64::from(first_test))
        .bind(i64::from(first_pass))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(receipt)
    }

    async fn count_verdicts(&self, uuid: &str, receipt: &mut RunReceipt) -> Result<()> {
        let rows = sqlx::query(
            "SELECT g.verdict, COUNT(*) FROM readings g JOIN runs r ON r.id = g.run_id \
             WHERE r.uuid = $1 AND g.verdict IS NOT NULL GROUP BY g.verdict",
        )
        .bind(uuid)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let n = to_u64(r.try_get(1)?);
            match r.try_get::<String, _>(0)?.as_str() {
                "fail" => receipt.failed_readings = n,
                "marginal" => receipt.marginal_readings = n,
                _ => {}
            }
        }
        Ok(())
    }

    /// Number of stored runs and readings (for checks and benchmarks).
    pub async fn stored_counts(&self) -> Result<(u64, u64)> {
        let runs: i64 = sqlx::query("SELECT COUNT(*) FROM runs")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let readings: i64 = sqlx::query("SELECT COUNT(*) FROM readings")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok((to_u64(runs), to_u64(readings)))
    }

    /// Benchmark baseline: the run and reading rows of `runs` inserted the plain way, in
    /// one transaction with multi-row INSERTs of 1000 readings (no judgement, no
    /// counters), attributed to the first station. Returns the readings inserted.
    pub async fn bulk_insert_rows(&self, runs: &[Run]) -> Result<u64> {
        let _w = self.writer().await;
        let mut tx = self.pool.begin().await?;
        let station = first_station(&mut *tx).await?;
        let mut rows: Vec<(i64, &pogo_qc::run::Reading)> = Vec::new();
        let sql = format!("{INSERT_RUN} RETURNING id");
        for run in runs {
            let id: i64 = run_row(&sql, run, station, "")?
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            rows.extend(run.readings.iter().map(|r| (id, r)));
        }
        for chunk in rows.chunks(1000) {
            let sql = insert_readings_sql(chunk.len(), 6, ", NULL, 0");
            let mut q = sqlx::query(&sql);
            for (id, r) in chunk {
                q = q
                    .bind(*id)
                    .bind(r.probe.clone())
                    .bind(r.kind.name())
                    .bind(r.value)
                    .bind(r.unit.clone())
                    .bind(r.value);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    /// Benchmark support: `count` more synthetic contact resistance readings of the
    /// fixture's probes `P1`..`P19` under one new run, generated inside the database
    /// (history for page timings; the kept counters are not changed).
    pub async fn bulk_fill_readings(&self, fixture: &str, count: u64) -> Result<()> {
        let _w = self.writer().await;
        let mut tx = self.pool.begin().await?;
        let station = first_station(&mut *tx).await?;
        let now = ts(Utc::now());
        let run: i64 = sqlx::query(
            "INSERT INTO runs (uuid, fixture_id, station_id, started_at, finished_at, actuations, \
             readings, body_sha256, received_at) VALUES ($1, $2, $3, $4, $4, 0, $5, '', $4) RETURNING id",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(fixture)
        .bind(station)
        .bind(&now)
        .bind(to_i64(count)?)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        sqlx::query(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $1) \
             INSERT INTO readings (run_id, probe_id, kind, value, unit, canonical_value, verdict, \
             actuations_since_install) SELECT $2, 'P' || (x % 19 + 1), 'contact_resistance', \
             10.0 + (x % 50) / 10.0, 'mohm', 10.0 + (x % 50) / 10.0, 'pass', x / 19 FROM c",
        )
        .bind(to_i64(count)?)
        .bind(run)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// True when the database checks clean (SQLite's `PRAGMA integrity_check`;
    /// PostgreSQL checks itself on start).
    pub async fn integrity_ok(&self) -> Result<bool> {
        if self.backend() != crate::Backend::Sqlite {
            return Ok(true);
        }
        let answer: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(answer == "ok")
    }

    // -----------------------------------------------------------------------
    // Status, due list, history
    // -----------------------------------------------------------------------

    /// A fixture's counters and each probe's health and forecast, from the kept
    /// figures (no reading is scanned).
    pub async fn fixture_status(
        &self,
        id: &str,
        config: &ServiceConfig,
        now: DateTime<Utc>,
    ) -> Result<FixtureStatus> {
        let f = sqlx::query(
            "SELECT board_file, sha256, registered_at, actuations_total, runs_total, first_run_at, \
             last_run_at FROM fixtures WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| ServiceError::UnknownFixture { id: id.into() })?;
        let total = to_u64(f.try_get(3)?);
        let first_run_at: Option<String> = f.try_get(5)?;
        let last_run_at: Option<String> = f.try_get(6)?;
        let per_day = usage_per_day(total, first_run_at.as_deref(), last_run_at.as_deref());
        let rows = sqlx::query(
            "SELECT probe_id, net, side, x_mm, y_mm, part, limit_mohm, rated_life_actuations, \
             install_no, installed_at_actuations, cleaned_at_actuations, baseline_mohm, \
             last_resistance_mohm, last_verdict, fit_n, fit_sx, fit_sy, fit_sxx, fit_sxy, \
             readings_total, failures_total FROM probes WHERE fixture_id = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut probes = Vec::with_capacity(rows.len());
        for r in rows {
            let since_install = total.saturating_sub(to_u64(r.try_get(9)?));
            let limit_mohm: f64 = r.try_get(6)?;
            let rated = to_u64(r.try_get(7)?);
            let fit = WearFit {
                n: r.try_get(14)?,
                sum_x: r.try_get(15)?,
                sum_y: r.try_get(16)?,
                sum_xx: r.try_get(17)?,
                sum_xy: r.try_get(18)?,
            };
            let wear = fit.line();
            let fc = forecast(wear, limit_mohm, rated, since_install);
            let forecast_date = per_day.map(|rate| {
                let days = fc.actuations.saturating_sub(since_install) as f64 / rate;
                let secs = (days * 86_400.0).min(1e11) as i64;
                (now + chrono::Duration::seconds(secs))
                    .format("%Y-%m-%d")
                    .to_string()
            });
            probes.push(ProbeStatus {
                id: r.try_get(0)?,
                net: r.try_get(1)?,
                side: r.try_get(2)?,
                x_mm: r.try_get(3)?,
                y_mm: r.try_get(4)?,
                part: r.try_get(5)?,
                actuations_since_install: since_install,
                actuations_since_clean: total.saturating_sub(to_u64(r.try_get(10)?)),
                install_no: to_u64(r.try_get(8)?),
                baseline_mohm: r.try_get(11)?,
                last_resistance_mohm: r.try_get(12)?,
                limit_mohm,
                rated_life_actuations: rated,
                verdict: ProbeVerdict::parse(r.try_get::<Option<String>, _>(13)?.as_deref()),
                readings_total: to_u64(r.try_get(19)?),
                failures_total: to_u64(r.try_get(20)?),
                wear,
                forecast_actuations: fc.actuations,
                forecast_reason: fc.reason,
                forecast_date,
            });
        }
        probes.sort_by_key(|p| (pogo_qc::measurements::natural_key(&p.id), p.id.clone()));
        let _ = config;
        Ok(FixtureStatus {
            id: id.to_string(),
            board_file: f.try_get(0)?,
            sha256: f.try_get(1)?,
            registered_at: f.try_get(2)?,
            actuations_total: total,
            runs_total: to_u64(f.try_get(4)?),
            first_run_at,
            last_run_at,
            actuations_per_day: per_day,
            probes,
        })
    }

    /// What is due on a fixture: failing probes to replace, marginal or long-used ones
    /// to clean, probes past their rated life, and forecasts within the horizon.
    /// Most urgent first.
    pub async fn due_list(
        &self,
        id: &str,
        config: &ServiceConfig,
        now: DateTime<Utc>,
    ) -> Result<Vec<DueItem>> {
        let status = self.fixture_status(id, config, now).await?;
        Ok(due_items(&status, config))
    }

    /// Runs and first-pass yield per day, oldest first (at most `days` days).
    pub async fn days(&self, id: &str, days: u32) -> Result<Vec<DayStats>> {
        let rows = sqlx::query(
            "SELECT day, runs, first_tests, first_passes FROM fixture_days WHERE fixture_id = $1 \
             ORDER BY day DESC LIMIT $2",
        )
        .bind(id)
        .bind(i64::from(days))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(DayStats {
                day: r.try_get(0)?,
                runs: to_u64(r.try_get(1)?),
                first_tests: to_u64(r.try_get(2)?),
                first_passes: to_u64(r.try_get(3)?),
            });
        }
        out.reverse();
        Ok(out)
    }

    /// The kept wear points of a probe since its current install.
    pub async fn trend(&self, fixture: &str, probe: &str) -> Result<Vec<TrendPoint>> {
        let rows = sqlx::query(
            "SELECT t.actuations_since_install, t.resistance_mohm FROM probe_trend t \
             JOIN probes p ON p.fixture_id = t.fixture_id AND p.probe_id = t.probe_id \
             AND p.install_no = t.install_no WHERE t.fixture_id = $1 AND t.probe_id = $2 \
             ORDER BY t.actuations_since_install",
        )
        .bind(fixture)
        .bind(probe)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TrendPoint {
                    actuations_since_install: to_u64(r.try_get(0)?),
                    resistance_mohm: r.try_get(1)?,
                })
            })
            .collect()
    }

    // -----------------------------------------------------------------------
    // Maintenance
    // -----------------------------------------------------------------------

    /// Records maintenance and resets the counters it resets: `replace_probe` and
    /// `replace_all` start a probe's actuations since install, baseline and wear fit
    /// again; `clean` starts its actuations since cleaning again and clears its
    /// verdict until the next reading.
    pub async fn record_maintenance(
        &self,
        fixture: &str,
        request: &MaintenanceRequest,
    ) -> Result<MaintenanceEvent> {
        let specs = self.probe_specs(fixture).await?;
        if let Some(p) = &request.probe {
            if !specs.contains_key(p) {
                return Err(ServiceError::UnknownMaintenanceProbe {
                    fixture: fixture.into(),
                    probe: p.clone(),
                });
            }
        } else if request.kind == MaintenanceKind::ReplaceProbe {
            return Err(ServiceError::MaintenanceNeedsProbe {
                kind: request.kind.name(),
            });
        }
        let probe = match request.kind {
            MaintenanceKind::ReplaceAll => None,
            _ => request.probe.clone(),
        };
        let note = request.note.clone().unwrap_or_default();
        let note: String = note.chars().filter(|c| !c.is_control()).take(500).collect();
        let _w = self.writer().await;
        let mut tx = self.pool.begin().await?;
        let total: i64 = sqlx::query(
            "UPDATE fixtures SET actuations_total = actuations_total WHERE id = $1 RETURNING actuations_total",
        )
        .bind(fixture)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let reset = match request.kind {
            MaintenanceKind::Clean => {
                "UPDATE probes SET cleaned_at_actuations = $1, last_verdict = NULL \
                 WHERE fixture_id = $2 AND ($3 IS NULL OR probe_id = $3)"
            }
            MaintenanceKind::ReplaceProbe | MaintenanceKind::ReplaceAll => {
                "UPDATE probes SET install_no = install_no + 1, installed_at_actuations = $1, \
                 cleaned_at_actuations = $1, baseline_mohm = NULL, last_resistance_mohm = NULL, \
                 last_verdict = NULL, fit_n = 0, fit_sx = 0, fit_sy = 0, fit_sxx = 0, fit_sxy = 0, \
                 trend_bucket = -1 WHERE fixture_id = $2 AND ($3 IS NULL OR probe_id = $3)"
            }
        };
        sqlx::query(reset)
            .bind(total)
            .bind(fixture)
            .bind(probe.clone())
            .execute(&mut *tx)
            .await?;
        let recorded_at = ts(Utc::now());
        let event_id: i64 = sqlx::query(
            "INSERT INTO maintenance (fixture_id, probe_id, kind, actuations_total, note, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(fixture)
        .bind(probe.clone())
        .bind(request.kind.name())
        .bind(total)
        .bind(&note)
        .bind(&recorded_at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        tx.commit().await?;
        Ok(MaintenanceEvent {
            id: event_id,
            fixture: fixture.into(),
            probe,
            kind: request.kind.name().into(),
            actuations_total: to_u64(total),
            note,
            recorded_at,
        })
    }

    /// The maintenance log, newest first (every fixture when `fixture` is None).
    pub async fn maintenance_log(
        &self,
        fixture: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MaintenanceEvent>> {
        let rows = sqlx::query(
            "SELECT id, fixture_id, probe_id, kind, actuations_total, note, recorded_at \
             FROM maintenance WHERE ($1 IS NULL OR fixture_id = $1) ORDER BY id DESC LIMIT $2",
        )
        .bind(fixture.map(str::to_string))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MaintenanceEvent {
                    id: r.try_get(0)?,
                    fixture: r.try_get(1)?,
                    probe: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    actuations_total: to_u64(r.try_get(4)?),
                    note: r.try_get(5)?,
                    recorded_at: r.try_get(6)?,
                })
            })
            .collect()
    }
}

/// What one run changes on one probe, gathered before it is written.
struct ProbeUpdate {
    install_no: i64,
    since_install: i64,
    baseline_mohm: Option<f64>,
    /// This run's first reading, when the probe had no baseline yet.
    first_baseline: Option<f64>,
    trend_bucket: i64,
    new_trend_point: Option<(i64, f64)>,
    last: Option<(f64, pogo_qc::Verdict)>,
    fit: WearFit,
    readings: i64,
    failures: i64,
}

impl ProbeUpdate {
    fn observe(&mut self, value_mohm: f64, verdict: pogo_qc::Verdict, bucket_width: u64) {
        if self.baseline_mohm.is_none() && self.first_baseline.is_none() {
            self.first_baseline = Some(value_mohm);
        }
        self.fit.add(self.since_install as f64, value_mohm);
        self.readings += 1;
        if verdict == pogo_qc::Verdict::Fail {
            self.failures += 1;
        }
        self.last = Some((value_mohm, verdict));
        let bucket = self.since_install / i64::try_from(bucket_width.max(1)).unwrap_or(i64::MAX);
        if bucket > self.trend_bucket {
            self.trend_bucket = bucket;
            self.new_trend_point = Some((self.since_install, value_mohm));
        }
    }
}

/// Lifetime actuations per day between the first and the last run (at least a day).
fn usage_per_day(total: u64, first: Option<&str>, last: Option<&str>) -> Option<f64> {
    let parse = |s: &str| DateTime::parse_from_rfc3339(s).ok();
    let (first, last) = (parse(first?)?, parse(last?)?);
    let days = ((last - first).num_seconds() as f64 / 86_400.0).max(1.0);
    (total > 0).then(|| total as f64 / days)
}

/// The due list of a fixture's status.
pub fn due_items(status: &FixtureStatus, config: &ServiceConfig) -> Vec<DueItem> {
    let mut items = Vec::new();
    for p in &status.probes {
        let mut push = |action, overdue, due_date: Option<String>, reason: String| {
            items.push(DueItem {
                probe: p.id.clone(),
                action,
                overdue,
                due_date,
                reason,
            })
        };
        let last = p.last_resistance_mohm.unwrap_or(f64::NAN);
        match p.verdict {
            ProbeVerdict::Fail => push(
                DueAction::Replace,
                true,
                None,
                format!(
                    "contact resistance {last:.1} mOhm fails (limit {:.1} mOhm, or more than {:.1} mOhm over its baseline)",
                    p.limit_mohm, config.limits.contact_resistance.max_rise_mohm
                ),
            ),
            ProbeVerdict::Marginal => push(
                DueAction::Clean,
                true,
                None,
                format!(
                    "contact resistance {last:.1} mOhm is marginal (limit {:.1} mOhm)",
                    p.limit_mohm
                ),
            ),
            _ => {}
        }
        if p.rated_life_actuations > 0 && p.actuations_since_install >= p.rated_life_actuations {
            push(
                DueAction::Replace,
                true,
                None,
                format!(
                    "{} actuations since install reach the part's rated life of {}",
                    p.actuations_since_install, p.rated_life_actuations
                ),
            );
        } else if p.verdict != ProbeVerdict::Fail
            && let (Some(date), Some(rate)) = (&p.forecast_date, status.actuations_per_day)
        {
            let days = p
                .forecast_actuations
                .saturating_sub(p.actuations_since_install) as f64
                / rate;
            if days <= config.due_horizon_days {
                push(
                    DueAction::Replace,
                    false,
                    Some(date.clone()),
                    format!(
                        "forecast to reach its {} at {} actuations since install, in {:.1} days",
                        match p.forecast_reason {
                            crate::wear::ForecastReason::ResistanceLimit => "resistance limit",
                            crate::wear::ForecastReason::RatedLife => "rated life",
                        },
                        p.forecast_actuations,
                        days
                    ),
                );
            }
        }
        if p.verdict != ProbeVerdict::Marginal
            && p.actuations_since_clean >= config.clean_every_actuations
        {
            push(
                DueAction::Clean,
                true,
                None,
                format!(
                    "{} actuations since the last cleaning (clean every {})",
                    p.actuations_since_clean, config.clean_every_actuations
                ),
            );
        }
    }
    let key = |d: &DueItem| {
        (
            !d.overdue,
            d.action,
            d.due_date.clone(),
            pogo_qc::measurements::natural_key(&d.probe),
            d.probe.clone(),
        )
    };
    items.sort_by_key(key);
    items
}

/// The first station added: the benchmark helpers' rows are attributed to it.
async fn first_station<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>) -> Result<i64> {
    Ok(sqlx::query("SELECT id FROM stations ORDER BY id LIMIT 1")
        .fetch_one(db)
        .await?
        .try_get(0)?)
}

/// Refuses a fixture id the service does not know ([`ServiceError::UnknownFixture`]).
async fn require_fixture<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: &'e str,
) -> Result<()> {
    let found = sqlx::query("SELECT 1 FROM fixtures WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(ServiceError::UnknownFixture { id: id.into() }),
    }
}

/// The row of a run: `run_row` binds its values.
const INSERT_RUN: &str = "INSERT INTO runs (uuid, fixture_id, station_id, started_at, \
     finished_at, actuations, dut_serial, result, readings, body_sha256, received_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// `sql` (an [`INSERT_RUN`] with its tail) bound to `run`, posted by `station` with the
/// sha256 of its JSON body (empty for the benchmark's bulk rows), received now.
fn run_row<'q>(
    sql: &'q str,
    run: &'q Run,
    station: i64,
    body_sha: &'q str,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    Ok(sqlx::query(sql)
        .bind(run.uuid.to_string())
        .bind(&run.fixture)
        .bind(station)
        .bind(ts(run.started_at))
        .bind(ts(run.finished_at))
        .bind(to_i64(run.actuations)?)
        .bind(run.dut_serial.clone())
        .bind(run.result.map(|r| format!("{r:?}").to_lowercase()))
        .bind(to_i64(run.readings.len() as u64)?)
        .bind(body_sha)
        .bind(ts(Utc::now())))
}

/// `INSERT INTO readings ... VALUES` for `rows` rows, each of `bound` numbered parameters
/// (`$1`, `$2`, ...: both SQLite and PostgreSQL read them) followed by `literal_tail`
/// (literal SQL values for the remaining columns, e.g. `, NULL, 0`).
fn insert_readings_sql(rows: usize, bound: usize, literal_tail: &str) -> String {
    let mut sql = String::from(
        "INSERT INTO readings (run_id, probe_id, kind, value, unit, canonical_value, verdict, \
         actuations_since_install) VALUES ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        let params: Vec<String> = (1..=bound)
            .map(|i| format!("${}", row * bound + i))
            .collect();
        sql.push_str(&format!("({}{literal_tail})", params.join(", ")));
    }
    sql
}
