//! Contact resistance of every probe through a shorting plate (or golden board).
//!
//! Wiring: the plate ties every probe to one common return; the meter measures 4-wire
//! from a probe's channel to that return, so each reading is the probe's contact path
//! plus the common return. The return itself is measured once at the start of the run
//! through its own route (`ref` in the channel map) and subtracted from every reading:
//! `contact = reading - reference`.
//!
//! Before every reading the switch is asked (`ROUT:CLOS?`) whether the probe's route
//! is closed, and after it whether it opened again, so that no reading is ever
//! assigned to the wrong probe. Each probe is judged as `pogo qc evaluate` judges it
//! ([`pogo_qc::measurements::evaluate`] with the fixture's parts and the limits), and
//! the CSV written is the one `pogo qc evaluate` reads.

use crate::channel_map::{ChannelMap, ProbeRoute};
use crate::profile::{DmmProfile, Job, Profile, SwitchProfile, with_route};
use crate::resource::Resource;
use crate::scpi::Session;
use crate::{Result, StationError};
use chrono::{DateTime, Utc};
use pogo_fixture::Fixture;
use pogo_qc::Verdict;
use pogo_qc::measurements::{self, Evaluation, Kind, Limits, Measurement};
use std::path::Path;
use std::time::{Duration, Instant};

/// A reading at or above this (ohm) is the meter's overload: an open circuit
/// (Keysight and Keithley meters answer +9.9E+37).
pub const OVERLOAD_OHM: f64 = 9.0e37;

/// Range and integration time of the meter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeterSettings {
    /// `None`: autorange.
    pub range_ohm: Option<f64>,
    /// Integration time in power-line cycles.
    pub nplc: f64,
}

impl Default for MeterSettings {
    fn default() -> Self {
        Self {
            range_ohm: Some(100.0),
            nplc: 1.0,
        }
    }
}

/// Where the switching commands go.
enum Switch {
    /// A separate switch unit.
    Unit(Box<Session>, SwitchProfile),
    /// The meter carries the switch card (Keithley 2700 style).
    InMeter(SwitchProfile),
}

/// A connected and configured meter and switch.
pub struct Bench {
    dmm: Session,
    dmm_profile: DmmProfile,
    switch: Switch,
}

/// What the run reports as it goes.
#[derive(Debug)]
pub enum Progress<'a> {
    /// The common return was measured.
    Reference(&'a ReferenceReading),
    /// One probe was measured and judged (`index` from 0 of `total`).
    Probe {
        /// Index from 0.
        index: usize,
        /// How many in all.
        total: usize,
        /// The reading.
        reading: &'a ProbeReading,
    },
}

/// The common return, measured once per run.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceReading {
    /// Route of the common return.
    pub route: String,
    /// Its resistance, ohm.
    pub ohm: f64,
}

/// One probe's reading and verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeReading {
    /// Probe id of the fixture.
    pub probe: String,
    /// Fixture channel.
    pub channel: u32,
    /// The route closed for the reading.
    pub route: String,
    /// What the meter read: contact path plus common return.
    pub raw_ohm: f64,
    /// `raw - reference` in mOhm (an open circuit keeps the overload in ohm: see `open`).
    pub contact_mohm: f64,
    /// The meter read its overload: the probe does not touch the plate.
    pub open: bool,
    /// When the reading was taken.
    pub at: DateTime<Utc>,
    /// The probe's verdict from this reading alone.
    pub verdict: Verdict,
    /// Why the probe is marginal or failed, as `pogo qc evaluate` says it.
    pub reasons: Vec<String>,
}

/// Time spent in a run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RunStats {
    /// Probes read.
    pub probes: usize,
    /// Wall time of the probe loop (after the reference).
    pub wall: Duration,
    /// Of which waiting for replies (the instruments' time and the wire's).
    pub waiting: Duration,
}

impl RunStats {
    /// Wall time per probe.
    pub fn per_probe(&self) -> Duration {
        self.wall / self.probes.max(1) as u32
    }
    /// The station's own time per probe (not waiting for an instrument).
    pub fn station_per_probe(&self) -> Duration {
        self.wall.saturating_sub(self.waiting) / self.probes.max(1) as u32
    }
}

/// A whole contact-resistance run.
#[derive(Debug, Clone)]
pub struct ContactRun {
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When the last probe was read.
    pub finished_at: DateTime<Utc>,
    /// The common return, subtracted from every reading.
    pub reference: ReferenceReading,
    /// Every probe's reading, in the order read.
    pub readings: Vec<ProbeReading>,
    /// The evaluation `pogo qc evaluate` makes of the CSV written from this run.
    pub evaluation: Evaluation,
    /// Where the time went.
    pub stats: RunStats,
}

impl Bench {
    /// Connects to the meter (and the switch, unless the meter carries it), checks each
    /// is the model its profile is for, and configures both, draining the error queue
    /// after every configuring command.
    pub fn connect(
        dmm: &Resource,
        dmm_profile: &Profile,
        switch: Option<(&Resource, &Profile)>,
        meter: MeterSettings,
    ) -> Result<Bench> {
        dmm_profile.require(Job::Dmm)?;
        if !(meter.nplc.is_finite() && meter.nplc > 0.0)
            || meter.range_ohm.is_some_and(|r| !(r.is_finite() && r > 0.0))
        {
            return Err(StationError::Run(
                "meter range and NPLC must be positive numbers".into(),
            ));
        }
        let switch_profile = match switch {
            Some((_, p)) => {
                p.require(Job::Switch)?;
                p.clone()
            }
            None => {
                if dmm_profile.switch.is_none() {
                    return Err(StationError::Run(format!(
                        "profile `{}` has no switch: give --switch and --switch-profile",
                        dmm_profile.name
                    )));
                }
                dmm_profile.clone()
            }
        };
        let sp = switch_profile.switch.clone().expect("checked above");
        let mut dmm_session = open_checked(dmm, dmm_profile)?;
        let same = switch.is_none_or(|(r, _)| r == dmm);
        let mut switch = if same {
            Switch::InMeter(sp)
        } else {
            let (r, p) = switch.expect("not same");
            Switch::Unit(Box::new(open_checked(r, p)?), sp)
        };
        let dmm_p = dmm_profile.dmm.clone().expect("checked above");
        match &mut switch {
            Switch::Unit(s, p) => s.configure(&p.configure)?,
            Switch::InMeter(p) => dmm_session.configure(&p.configure)?,
        }
        dmm_session.configure(&dmm_p.commands(meter.range_ohm, meter.nplc))?;
        Ok(Bench {
            dmm: dmm_session,
            dmm_profile: dmm_p,
            switch,
        })
    }

    /// The meter's identity and the switch's (`*IDN?` on connect).
    pub fn identities(&self) -> Vec<String> {
        let mut v = Vec::new();
        let show = |s: &Session| {
            s.identity()
                .map_or(format!("{}: (no *IDN?)", s.resource()), |i| {
                    format!("{}: {} {} s/n {}", s.resource(), i.maker, i.model, i.serial)
                })
        };
        v.push(show(&self.dmm));
        if let Switch::Unit(s, _) = &self.switch {
            v.push(show(s));
        }
        v
    }

    fn switch_session(&mut self) -> (&mut Session, &SwitchProfile) {
        match &mut self.switch {
            Switch::Unit(s, p) => (s, p),
            Switch::InMeter(p) => (&mut self.dmm, p),
        }
    }

    fn waited(&self) -> Duration {
        self.dmm.waited()
            + match &self.switch {
                Switch::Unit(s, _) => s.waited(),
                Switch::InMeter(_) => Duration::ZERO,
            }
    }

    /// Closes (`closed`) or opens a route and checks every channel of it reports so.
    fn set_route(&mut self, route: &str, what: &str, closed: bool) -> Result<()> {
        let (s, p) = self.switch_session();
        let cmd = with_route(if closed { &p.close } else { &p.open }, route);
        let state = with_route(&p.state, route);
        s.write(&cmd)?;
        expect_state(s, &state, &cmd, route, what, closed)
    }

    /// Measures 4-wire resistance through a route (closed, read, opened), in ohm. When
    /// the close or the reading fails, the route is opened again as far as the switch
    /// still listens, so no relay is left closed by a failed run.
    fn read_through(&mut self, route: &str, what: &str) -> Result<f64> {
        let q = self.dmm_profile.measure.clone();
        let read = match self.set_route(route, what, true) {
            Ok(()) => self.dmm.query_number(&q),
            Err(e) => Err(e),
        };
        match read {
            Ok(ohm) => {
                self.set_route(route, what, false)?;
                Ok(ohm)
            }
            Err(e) => {
                let (s, p) = self.switch_session();
                let _ = s.write(&with_route(&p.open, route));
                Err(e)
            }
        }
    }

    /// Drains both error queues (after the run's commands).
    fn check_errors(&mut self, after: &str) -> Result<()> {
        self.dmm.drain_errors(after)?;
        if let Switch::Unit(s, _) = &mut self.switch {
            s.drain_errors(after)?;
        }
        Ok(())
    }
}

fn open_checked(resource: &Resource, profile: &Profile) -> Result<Session> {
    let s = profile.open_session(resource)?;
    if let Some(id) = s.identity()
        && !profile.accepts_model(&id.model)
    {
        return Err(StationError::WrongInstrument {
            resource: resource.to_string(),
            idn: format!("{},{},{},{}", id.maker, id.model, id.serial, id.firmware),
            expected: profile.models.join(" or "),
            profile: profile.name.clone(),
        });
    }
    Ok(s)
}

/// Asks the switch for the state of every channel of `route`; all must be `want`.
fn expect_state(
    s: &mut Session,
    query: &str,
    command: &str,
    route: &str,
    what: &str,
    want: bool,
) -> Result<()> {
    let channels = crate::channel_list::parse(route).map_err(StationError::Run)?;
    let answer = s.query(query)?;
    let states: Option<Vec<bool>> = answer
        .split(',')
        .map(|t| match t.trim() {
            "1" | "+1" => Some(true),
            "0" | "+0" => Some(false),
            _ => None,
        })
        .collect();
    let Some(states) = states.filter(|v| v.len() == channels.len()) else {
        return Err(StationError::Garbage {
            resource: s.resource().to_string(),
            command: query.to_string(),
            reply: crate::transport::shown_bytes(answer.as_bytes()),
            expected: "one 1 or 0 per channel of the route",
        });
    };
    if states.iter().all(|b| *b == want) {
        return Ok(());
    }
    // The instrument may say why (a bad channel, a card missing).
    s.drain_errors(command)?;
    Err(StationError::Relay {
        resource: s.resource().to_string(),
        route: route.to_string(),
        what: what.to_string(),
        state: if want { "closed" } else { "open" },
        answer,
    })
}

/// Measures every routed probe: the common return first, then each probe in turn,
/// judged as it goes. `on_progress` sees the reference and every verdict.
pub fn measure(
    bench: &mut Bench,
    fixture: &Fixture,
    map: &ChannelMap,
    routes: &[ProbeRoute],
    limits: &Limits,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<ContactRun> {
    let started_at = Utc::now();
    let ohm = bench.read_through(&map.reference, "the common return (ref)")?;
    if ohm >= OVERLOAD_OHM {
        return Err(StationError::Run(format!(
            "the common return (route {}) reads open: is the shorting plate in place and the ref route wired?",
            map.reference
        )));
    }
    bench.check_errors("measuring the common return")?;
    let reference = ReferenceReading {
        route: map.reference.clone(),
        ohm,
    };
    on_progress(Progress::Reference(&reference));
    let waited_before = bench.waited();
    let t0 = Instant::now();
    let mut readings = Vec::with_capacity(routes.len());
    for (index, r) in routes.iter().enumerate() {
        let raw_ohm = bench.read_through(&r.route, &format!("probe {}", r.probe))?;
        let open = raw_ohm >= OVERLOAD_OHM;
        let contact_mohm = if open {
            raw_ohm
        } else {
            ((raw_ohm - reference.ohm) * 1000.0).max(0.0)
        };
        let mut reading = ProbeReading {
            probe: r.probe.clone(),
            channel: r.channel,
            route: r.route.clone(),
            raw_ohm,
            contact_mohm,
            open,
            at: Utc::now(),
            verdict: Verdict::Pass,
            reasons: Vec::new(),
        };
        let one = measurements::evaluate(&[to_measurement(&reading, 2)], Some(fixture), limits);
        if let Some(p) = one.pins.first() {
            reading.verdict = p.verdict;
            reading.reasons = p.reasons.clone();
        }
        on_progress(Progress::Probe {
            index,
            total: routes.len(),
            reading: &reading,
        });
        readings.push(reading);
    }
    let stats = RunStats {
        probes: routes.len(),
        wall: t0.elapsed(),
        waiting: bench.waited() - waited_before,
    };
    bench.check_errors("the run's switching and measuring commands")?;
    let ms: Vec<Measurement> = readings
        .iter()
        .enumerate()
        .map(|(i, r)| to_measurement(r, i as u64 + 2))
        .collect();
    let evaluation = measurements::evaluate(&ms, Some(fixture), limits);
    Ok(ContactRun {
        started_at,
        finished_at: Utc::now(),
        reference,
        readings,
        evaluation,
        stats,
    })
}

/// The measurement row of a reading (as `pogo qc evaluate` would read it back).
fn to_measurement(r: &ProbeReading, line: u64) -> Measurement {
    let (value, unit) = value_and_unit(r);
    Measurement {
        line,
        pin: r.probe.clone(),
        kind: Kind::ContactResistance,
        value: if r.open {
            r.raw_ohm * 1000.0
        } else {
            r.contact_mohm
        },
        value_as_written: value,
        unit_as_written: unit.into(),
        cycle: None,
        timestamp: Some(r.at.to_rfc3339()),
        lot: None,
        station: None,
    }
}

/// Value and unit as written in the CSV: mOhm, or the meter's overload in ohm for an
/// open probe.
fn value_and_unit(r: &ProbeReading) -> (f64, &'static str) {
    if r.open {
        (r.raw_ohm, "ohm")
    } else {
        (r.contact_mohm, "mohm")
    }
}

impl ContactRun {
    /// The CSV `pogo qc evaluate` reads: `pin,kind,value,unit,timestamp`, and for the
    /// record `channel,route,raw_ohm,reference_ohm,note` (ignored by the evaluation).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "pin",
            "kind",
            "value",
            "unit",
            "timestamp",
            "channel",
            "route",
            "raw_ohm",
            "reference_ohm",
            "note",
        ]);
        for r in &self.readings {
            let (value, unit) = value_and_unit(r);
            let note = if r.open {
                "open: meter overload".to_string()
            } else if r.raw_ohm < self.reference.ohm {
                format!(
                    "reading {:.3} mOhm below the common return: recorded as 0",
                    (self.reference.ohm - r.raw_ohm) * 1000.0
                )
            } else {
                String::new()
            };
            let _ = w.write_record([
                r.probe.clone(),
                Kind::ContactResistance.name().to_string(),
                format!("{value}"),
                unit.to_string(),
                r.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                r.channel.to_string(),
                r.route.clone(),
                format!("{}", r.raw_ohm),
                format!("{}", self.reference.ohm),
                note,
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// Writes the CSV atomically (never a partial file).
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        pogo_fixture::write_atomic(path, self.to_csv().as_bytes())?;
        Ok(())
    }

    /// The run as the fixture service takes it: one actuation, the readings in mOhm
    /// (an open probe as the meter's overload in ohm), `fail` when `pogo qc evaluate`
    /// would fail the set.
    pub fn to_run(&self, fixture_id: &str) -> pogo_qc::run::Run {
        let failed =
            self.evaluation.summary.fail > 0 || self.evaluation.summary.set_checks_failed > 0;
        pogo_qc::run::Run {
            uuid: uuid::Uuid::new_v4(),
            fixture: fixture_id.to_string(),
            started_at: self.started_at,
            finished_at: self.finished_at,
            actuations: 1,
            dut_serial: None,
            result: Some(if failed {
                pogo_qc::run::RunResult::Fail
            } else {
                pogo_qc::run::RunResult::Pass
            }),
            readings: self
                .readings
                .iter()
                .map(|r| {
                    let (value, unit) = value_and_unit(r);
                    pogo_qc::run::Reading {
                        probe: r.probe.clone(),
                        kind: Kind::ContactResistance,
                        value,
                        unit: unit.into(),
                    }
                })
                .collect(),
        }
    }
}
