//! `pogo serve --demo`: a simulated fixture life, so a first look shows something real.
//!
//! The example board's fixture (`demo/pogo-demo-fixture.json`, designed by `pogo design`
//! from `examples/pogo-demo`) is registered and a station posts a month of runs. Each
//! probe's contact resistance starts at its own baseline and rises linearly with
//! actuations at its own rate, with Gaussian noise; a few probes wear fast (they end
//! marginal or failing) and one collects flux (spikes).

use crate::{Caller, Database, Result, RunReceipt, ServiceConfig};
use chrono::{DateTime, Duration, Utc};
use pogo_qc::measurements::Kind;
use pogo_qc::run::{Reading, Run, RunResult};
use rand::{Rng, SeedableRng};

/// The example board's fixture.json.
pub const DEMO_FIXTURE_JSON: &str = include_str!("../demo/pogo-demo-fixture.json");

/// Size of the simulated life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoLife {
    /// Days of use simulated.
    pub days: u32,
    /// Runs posted per day.
    pub runs_per_day: u32,
    /// Lid closures per posted run (a station posts once per batch of boards).
    pub actuations_per_run: u64,
    /// Seed of the simulated readings.
    pub seed: u64,
}

impl Default for DemoLife {
    fn default() -> Self {
        DemoLife {
            days: 30,
            runs_per_day: 48,
            actuations_per_run: 25,
            seed: 12,
        }
    }
}

/// What the demo made.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSummary {
    /// The registered fixture's id.
    pub fixture: String,
    /// The simulated station's name.
    pub station: String,
    /// Runs posted.
    pub runs: u64,
}

fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Fills `db` with the demo fixture, a station and `life`'s runs ending at `end`.
/// Does nothing (returns None) when the database already has fixtures.
pub async fn fill(
    db: &Database,
    config: &ServiceConfig,
    life: DemoLife,
    end: DateTime<Utc>,
) -> Result<Option<DemoSummary>> {
    if !db.fixture_ids().await?.is_empty() {
        return Ok(None);
    }
    let fixture = db.register_fixture(DEMO_FIXTURE_JSON, None).await?.id;
    let station_name = "demo-station";
    // The token is not kept: the demo station posts through the library.
    let _ = db
        .add_station(station_name, std::slice::from_ref(&fixture))
        .await?;
    let station = db
        .stations()
        .await?
        .into_iter()
        .find(|s| s.name == station_name)
        .map(|s| Caller::Station {
            id: s.id,
            name: s.name,
            all_fixtures: false,
        })
        .ok_or(crate::ServiceError::Unauthorized)?;
    let status = db.fixture_status(&fixture, config, end).await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(life.seed);
    // Per probe: baseline mOhm, wear mOhm per 1000 actuations, flux spikes.
    let wear: Vec<(String, f64, f64, bool)> = status
        .probes
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let base = 9.0 + 3.0 * rng.r#gen::<f64>();
            let rate = match i % 9 {
                3 => 0.30,
                7 => 0.15,
                _ => 0.01 + 0.02 * rng.r#gen::<f64>(),
            };
            (p.id.clone(), base, rate, i % 9 == 5)
        })
        .collect();
    let start = end - Duration::days(i64::from(life.days));
    let step = Duration::seconds(86_400 / i64::from(life.runs_per_day.max(1)));
    let per_day = u64::from(life.runs_per_day) * life.actuations_per_run;
    let mut actuations = 0u64;
    let mut cleaned_at = 0u64;
    let mut runs = 0u64;
    let mut dut = 0u64;
    for day in 0..life.days {
        for k in 0..life.runs_per_day {
            let started_at = start + Duration::days(i64::from(day)) + step * k as i32;
            actuations += life.actuations_per_run;
            let readings = wear
                .iter()
                .map(|(probe, base, rate, flux)| {
                    let mut v = base + rate * actuations as f64 / 1000.0 + 0.5 * normal(&mut rng);
                    if *flux && rng.gen_bool(0.05) {
                        v += 12.0 * rng.r#gen::<f64>();
                    }
                    Reading {
                        probe: probe.clone(),
                        kind: Kind::ContactResistance,
                        value: (v.max(1.0) * 1000.0).round() / 1000.0,
                        unit: "mohm".into(),
                    }
                })
                .collect();
            dut += 1;
            let run = Run {
                uuid: uuid::Uuid::from_u64_pair(life.seed, runs),
                fixture: fixture.clone(),
                started_at,
                finished_at: started_at + Duration::seconds(40),
                actuations: life.actuations_per_run,
                dut_serial: Some(format!("SN-{dut:06}")),
                result: Some(if rng.gen_bool(0.96) {
                    RunResult::Pass
                } else {
                    RunResult::Fail
                }),
                readings,
            };
            let _: RunReceipt = db.ingest_run(&station, &run, config).await?;
            runs += 1;
        }
        // The probes are cleaned at the end of the day after which the next day's runs
        // would take them past the service's cleaning interval, as a maintainer
        // following the due list does; never after the last runs: a cleaning clears
        // each probe's verdict until its next reading, and the life the dashboard
        // shows ends on readings.
        if day + 1 < life.days && actuations + per_day - cleaned_at > config.clean_every_actuations
        {
            cleaned_at = actuations;
            let clean = crate::MaintenanceRequest {
                kind: crate::MaintenanceKind::Clean,
                probe: None,
                note: Some("routine cleaning of every probe (demo)".into()),
            };
            db.record_maintenance(&fixture, &clean).await?;
        }
    }
    Ok(Some(DemoSummary {
        fixture,
        station: station_name.into(),
        runs,
    }))
}
