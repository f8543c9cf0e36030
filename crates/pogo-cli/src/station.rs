//! `pogo station measure|force|cycles`: a test station with real instruments. Arguments
//! in, library call (pogo-station), progress and verdicts out.
//!
//! Exit codes: 0 every pin passes or is marginal (or the count is done); 1 a pin fails;
//! 2 bad input (a resource string that does not parse, an unknown profile, a channel
//! map that misses a probe, ...) or an instrument fault (timeout, dropped connection,
//! garbage, an instrument error), checked before anything is written.

use crate::qc::{exit_for, load_limits};
use clap::{Args, Subcommand};
use miette::IntoDiagnostic;
use pogo_fixture::Fixture;
use pogo_qc::Verdict;
use pogo_qc::run::Run;
use pogo_station::channel_map::ChannelMap;
use pogo_station::contact::{self, Bench, MeterSettings, Progress};
use pogo_station::force::{self, ForceGauge, Step};
use pogo_station::lid::{self, CountUntil, LidState, LidSwitch};
use pogo_station::outbox::{Outbox, Service};
use pogo_station::profile::{Job, Profile};
use pogo_station::resource::Resource;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Subcommand)]
pub enum StationCommand {
    /// Contact resistance of every probe through a shorting plate, judged as `pogo qc evaluate` does; exit 1 when a pin fails
    Measure(Box<MeasureArgs>),
    /// Spring force of chosen pins with a force gauge (Mark-10), pin by pin; exit 1 when a pin fails
    Force(Box<ForceArgs>),
    /// Count lid closures with a lid switch
    Cycles(Box<CyclesArgs>),
    /// Add a test station to the fixture service and print its token (shown once)
    Add(crate::serve::StationAddArgs),
}

/// Sending runs to the fixture service (store and forward).
#[derive(Args)]
pub struct PostArgs {
    /// Fixture service base URL: the run is posted to URL/api/v1/runs
    #[arg(long, requires = "token")]
    pub post: Option<String>,
    /// Bearer token of the service
    #[arg(long, requires = "post")]
    pub token: Option<String>,
    /// Queue directory: runs wait here until the service has them
    #[arg(long, default_value = "pogo-outbox")]
    pub queue: PathBuf,
    /// Service's id of the fixture (default: fx- and 12 hex of the fixture.json's sha256)
    #[arg(long)]
    pub fixture_id: Option<String>,
    /// Serial number of the board under test, sent with the run
    #[arg(long)]
    pub dut_serial: Option<String>,
}

#[derive(Args)]
pub struct MeasureArgs {
    /// fixture.json (its channel assignment routes each probe)
    pub fixture: PathBuf,
    /// Meter resource: TCPIP0::HOST::5025::SOCKET, /dev/usbtmcN or ASRL/dev/ttyXXX::INSTR
    #[arg(long)]
    pub dmm: String,
    /// Switch resource (omit when the meter carries the switch card, as a Keithley 2700)
    #[arg(long)]
    pub switch: Option<String>,
    /// Meter profile: a built-in name or a .toml file
    #[arg(long, default_value = "keysight-34465a")]
    pub dmm_profile: String,
    /// Switch profile: a built-in name or a .toml file
    #[arg(long, default_value = "keysight-34980a")]
    pub switch_profile: String,
    /// Channel map CSV (channel,route and a ref row); default: the switch profile's card map
    #[arg(long)]
    pub channel_map: Option<PathBuf>,
    /// Measurement CSV to write (the one `pogo qc evaluate` reads)
    #[arg(long)]
    pub out: PathBuf,
    /// Limits overriding the defaults (TOML, as for `pogo qc evaluate`)
    #[arg(long)]
    pub limits: Option<PathBuf>,
    /// Meter range in ohm, or `auto`
    #[arg(long, default_value = "100")]
    pub range: String,
    /// Integration time in power-line cycles
    #[arg(long, default_value_t = 1.0)]
    pub nplc: f64,
    /// Longest wait for one instrument reply, ms (default: the profile's)
    #[arg(long)]
    pub timeout_ms: Option<u64>,
    #[command(flatten)]
    pub post: PostArgs,
}

#[derive(Args)]
pub struct ForceArgs {
    /// fixture.json (each pin's part gives its force limits)
    pub fixture: PathBuf,
    /// Gauge resource (ASRL/dev/ttyUSB0::INSTR, or a socket through a serial bridge)
    #[arg(long)]
    pub gauge: String,
    /// Gauge profile: a built-in name or a .toml file
    #[arg(long, default_value = "mark-10")]
    pub gauge_profile: String,
    /// Serial baud rate (default: the profile's)
    #[arg(long)]
    pub baud: Option<u32>,
    /// Pins to read, comma-separated (default: every probe)
    #[arg(long, value_delimiter = ',')]
    pub pins: Vec<String>,
    /// A motorized stand: no prompt, read each pin after --settle-ms
    #[arg(long)]
    pub no_prompt: bool,
    /// Wait before each reading without a prompt, ms
    #[arg(long, default_value_t = 0)]
    pub settle_ms: u64,
    /// Measurement CSV to write (spring_force in N)
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub limits: Option<PathBuf>,
    #[command(flatten)]
    pub post: PostArgs,
}

#[derive(Args)]
pub struct CyclesArgs {
    /// fixture.json of the fixture whose lid is counted
    pub fixture: PathBuf,
    /// Lid switch resource
    #[arg(long)]
    pub lid: String,
    /// Lid switch profile: a built-in name or a .toml file (e.g. an instrument's digital input)
    #[arg(long, default_value = "lid-switch")]
    pub lid_profile: String,
    /// Stop after this many closures
    #[arg(long)]
    pub closures: Option<u64>,
    /// Stop after this many seconds
    #[arg(long)]
    pub duration_s: Option<f64>,
    /// Poll period, ms
    #[arg(long, default_value_t = 20)]
    pub poll_ms: u64,
    /// Reads in a row that make a state (debounce)
    #[arg(long, default_value_t = 2)]
    pub debounce: u32,
    #[command(flatten)]
    pub post: PostArgs,
}

pub fn run(cmd: StationCommand) -> miette::Result<ExitCode> {
    match cmd {
        StationCommand::Measure(a) => run_measure(*a),
        StationCommand::Force(a) => run_force(*a),
        StationCommand::Cycles(a) => run_cycles(*a),
        StationCommand::Add(a) => crate::serve::run_station_add(a),
    }
}

fn say(line: &str) {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{line}");
    let _ = o.flush();
}

fn profile(name: &str, job: Job, timeout_ms: Option<u64>) -> miette::Result<Profile> {
    let mut p = Profile::load(name).into_diagnostic()?;
    p.require(job).into_diagnostic()?;
    if let Some(t) = timeout_ms {
        p.timeout_ms = t;
    }
    Ok(p)
}

fn resource(text: &str) -> miette::Result<Resource> {
    Resource::parse(text).into_diagnostic()
}

fn parse_range(s: &str) -> miette::Result<Option<f64>> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(Some(v)),
        _ => Err(miette::miette!(
            "--range `{s}`: expected a range in ohm (e.g. 100) or `auto`"
        )),
    }
}

/// The fixture and its service id (from the same bytes).
fn fixture_and_id(path: &Path, post: &PostArgs) -> miette::Result<(Fixture, String)> {
    let bytes =
        std::fs::read(path).map_err(|e| miette::miette!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| miette::miette!("{}: not UTF-8 text", path.display()))?;
    let fixture = Fixture::from_json(&path.display().to_string(), &text).into_diagnostic()?;
    let id = post
        .fixture_id
        .clone()
        .unwrap_or_else(|| pogo_fixture::fixture_id(&bytes));
    Ok((fixture, id))
}

/// Queues the run and sends everything waiting; an unreachable service only delays.
fn store_and_forward(post: &PostArgs, run: Option<Run>) -> miette::Result<()> {
    let (Some(url), Some(token)) = (&post.post, &post.token) else {
        return Ok(());
    };
    let outbox = Outbox::open(&post.queue).into_diagnostic()?;
    if let Some(mut run) = run {
        run.dut_serial = post.dut_serial.clone();
        outbox.enqueue(&run).into_diagnostic()?;
        say(&format!(
            "run {} queued in {}",
            run.uuid,
            post.queue.display()
        ));
    }
    let report = outbox.flush(&Service::new(url, token)).into_diagnostic()?;
    for u in &report.stored {
        say(&format!("sent run {u}: stored by the service"));
    }
    for u in &report.already_stored {
        say(&format!("sent run {u}: the service had it already"));
    }
    for (u, status, body) in &report.rejected {
        say(&format!(
            "run {u} refused by the service ({status}: {body}); kept in {}/rejected",
            post.queue.display()
        ));
    }
    if let Some(why) = &report.unreachable {
        say(&format!(
            "service not reachable ({why}): {} run(s) wait in {} and go with the next --post",
            report.waiting,
            post.queue.display()
        ));
    }
    Ok(())
}

fn run_measure(a: MeasureArgs) -> miette::Result<ExitCode> {
    // Every input is checked before an instrument is touched.
    let dmm = resource(&a.dmm)?;
    let switch = a.switch.as_deref().map(resource).transpose()?;
    let dmm_profile = profile(&a.dmm_profile, Job::Dmm, a.timeout_ms)?;
    let switch_profile = match &switch {
        Some(_) => Some(profile(&a.switch_profile, Job::Switch, a.timeout_ms)?),
        None if dmm_profile.switch.is_none() => {
            return Err(miette::miette!(
                "meter profile `{}` has no switch card: give --switch RESOURCE (and --switch-profile)",
                dmm_profile.name
            ));
        }
        None => None,
    };
    let meter = MeterSettings {
        range_ohm: parse_range(&a.range)?,
        nplc: a.nplc,
    };
    let limits = load_limits(a.limits.as_deref())?;
    let (fixture, fixture_id) = fixture_and_id(&a.fixture, &a.post)?;
    let map = match &a.channel_map {
        Some(p) => ChannelMap::read(p).into_diagnostic()?,
        None => {
            let card = switch_profile.as_ref().unwrap_or(&dmm_profile);
            let d = card
                .switch
                .as_ref()
                .and_then(|s| s.default_map.as_ref())
                .ok_or_else(|| {
                    miette::miette!(
                        "profile `{}` has no default channel map: give --channel-map",
                        card.name
                    )
                })?;
            ChannelMap::from_default(d)
        }
    };
    let routes = map.route_probes(&fixture).into_diagnostic()?;

    let mut bench = Bench::connect(
        &dmm,
        &dmm_profile,
        switch.as_ref().zip(switch_profile.as_ref()),
        meter,
    )
    .into_diagnostic()?;
    for id in bench.identities() {
        say(&format!("connected: {id}"));
    }
    let run = contact::measure(
        &mut bench,
        &fixture,
        &map,
        &routes,
        &limits,
        &mut |p| match p {
            Progress::Reference(r) => say(&format!(
                "common return (route {}): {:.3} mOhm, subtracted from every reading",
                r.route,
                r.ohm * 1000.0
            )),
            Progress::Probe {
                index,
                total,
                reading: r,
            } => {
                let value = if r.open {
                    "open".to_string()
                } else {
                    format!("{:.3} mOhm", r.contact_mohm)
                };
                say(&format!(
                    "[{}/{}] {:<6} ch {:<4} {:<14} {:<12} {}",
                    index + 1,
                    total,
                    r.probe,
                    r.channel,
                    r.route,
                    value,
                    verdict_and_reason(r.verdict, &r.reasons)
                ));
            }
        },
    )
    .into_diagnostic()?;
    run.write_csv(&a.out).into_diagnostic()?;
    let s = &run.evaluation.summary;
    say(&format!(
        "{} probes: {} pass, {} marginal, {} fail; overall {}; {} written ({:.2} ms per probe)",
        s.pins,
        s.pass,
        s.marginal,
        s.fail,
        s.verdict.name().to_uppercase(),
        a.out.display(),
        run.stats.per_probe().as_secs_f64() * 1000.0
    ));
    store_and_forward(&a.post, Some(run.to_run(&fixture_id)))?;
    Ok(exit_for(s.fail > 0 || s.set_checks_failed > 0))
}

/// A reading's verdict as a progress line ends: `pass`, or `fail: ` and its first reason.
fn verdict_and_reason(verdict: Verdict, reasons: &[String]) -> String {
    match reasons.first() {
        Some(reason) => format!("{}: {reason}", verdict.name()),
        None => verdict.name().to_string(),
    }
}

fn run_force(a: ForceArgs) -> miette::Result<ExitCode> {
    let r = resource(&a.gauge)?;
    let mut p = profile(&a.gauge_profile, Job::ForceGauge, None)?;
    if let Some(b) = a.baud {
        p.baud = b;
    }
    let limits = load_limits(a.limits.as_deref())?;
    let (fixture, fixture_id) = fixture_and_id(&a.fixture, &a.post)?;
    let pins: Vec<String> = if a.pins.is_empty() {
        fixture.probes.iter().map(|p| p.id.clone()).collect()
    } else {
        a.pins.iter().map(|p| p.trim().to_string()).collect()
    };
    let mut gauge = ForceGauge::connect(&r, &p).into_diagnostic()?;
    let stdin = std::io::stdin();
    let mut ask = |pin: &str| -> Step {
        if a.no_prompt {
            std::thread::sleep(Duration::from_millis(a.settle_ms));
            return Step::Read;
        }
        {
            let mut o = std::io::stdout().lock();
            let _ = write!(
                o,
                "{pin}: press the gauge on it to working travel, then Enter (s skip, q stop): "
            );
            let _ = o.flush();
        }
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => Step::Stop,
            Ok(_) => match line.trim() {
                "s" | "S" => Step::Skip,
                "q" | "Q" => Step::Stop,
                _ => Step::Read,
            },
        }
    };
    let rows = force::guided_readings(&mut gauge, &fixture, &pins, &limits, &mut ask, &mut |r| {
        say(&format!(
            "{:<6} {:.3} N ({})  {}",
            r.pin,
            r.reading.newton,
            r.reading.as_read,
            verdict_and_reason(r.verdict, &r.reasons)
        ))
    })
    .into_diagnostic()?;
    force::write_csv(&rows, &a.out).into_diagnostic()?;
    let failed = rows.iter().filter(|r| r.verdict == Verdict::Fail).count();
    say(&format!(
        "{} pin(s) read, {failed} fail; {} written",
        rows.len(),
        a.out.display()
    ));
    let run = force::to_run(&rows, &fixture_id, chrono::Utc::now());
    store_and_forward(&a.post, Some(run))?;
    Ok(exit_for(failed > 0))
}

fn run_cycles(a: CyclesArgs) -> miette::Result<ExitCode> {
    let r = resource(&a.lid)?;
    let p = profile(&a.lid_profile, Job::LidSwitch, None)?;
    let duration = match a.duration_s {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => return Err(miette::miette!("--duration-s {s}: expected seconds > 0")),
        None => None,
    };
    if a.closures.is_none() && duration.is_none() {
        return Err(miette::miette!(
            "give --closures N or --duration-s SECONDS to say when counting stops"
        ));
    }
    let (_, fixture_id) = fixture_and_id(&a.fixture, &a.post)?;
    let mut switch = LidSwitch::connect(&r, &p).into_diagnostic()?;
    let started_at = chrono::Utc::now();
    let n = lid::count_closures(
        &mut switch,
        Duration::from_millis(a.poll_ms.max(1)),
        a.debounce,
        CountUntil {
            closures: a.closures,
            duration,
        },
        &mut |s, n| {
            let word = match s {
                LidState::Closed => "closed",
                LidState::Open => "open",
            };
            say(&format!("lid {word} ({n} closure(s))"));
        },
    )
    .into_diagnostic()?;
    say(&format!("{n} lid closure(s)"));
    let run = lid::closure_run(&fixture_id, started_at, chrono::Utc::now(), n);
    store_and_forward(&a.post, Some(run))?;
    Ok(ExitCode::SUCCESS)
}
