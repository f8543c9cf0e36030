//! The contact-resistance run against the simulated 34465A + 34980A wired to a fixture:
//! the CSV equals the planted values once the common return is subtracted, every reading
//! goes to its own probe, each fault is one clear error, and the CSV is the one
//! `pogo qc evaluate` reads with the same verdicts.

use pogo_fixture::Fixture;
use pogo_qc::Verdict;
use pogo_qc::measurements::{self, Limits};
use pogo_station::StationError;
use pogo_station::channel_map::ChannelMap;
use pogo_station::contact::{self, Bench, MeterSettings, Progress};
use pogo_station::profile::Profile;
use pogo_station::resource::Resource;
use pogo_station::sim::{Fault, Instrument, SimConfig, Simulator};
use std::collections::BTreeMap;
use std::time::Duration;

const REFERENCE_MOHM: f64 = 41.5;

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fixture_small.json");
    Fixture::read(std::path::Path::new(path)).unwrap()
}

/// P1..P4 and P10 on channels 1..5: P1 good, P2 worn (marginal: P100 limit 20 mOhm),
/// P3 good, P4 worn past the P75 limit (30 mOhm), P10 open.
fn planted() -> BTreeMap<u32, Option<f64>> {
    BTreeMap::from([
        (1, Some(8.25)),
        (2, Some(17.5)),
        (3, Some(11.0)),
        (4, Some(36.75)),
        (5, None),
    ])
}

fn sim() -> Simulator {
    Simulator::start(SimConfig {
        reference_mohm: REFERENCE_MOHM,
        contact_mohm: planted(),
        reading_time: Duration::ZERO,
    })
    .unwrap()
}

fn fast(mut p: Profile) -> Profile {
    p.timeout_ms = 300;
    p
}

fn bench(s: &Simulator) -> pogo_station::Result<Bench> {
    bench_with(s, "keysight-34465a", MeterSettings::default())
}

/// The simulator's meter (taken for `meter_profile`) and the 34980A switch, connected.
fn bench_with(
    s: &Simulator,
    meter_profile: &str,
    settings: MeterSettings,
) -> pogo_station::Result<Bench> {
    let dmm = Resource::parse(&s.dmm_resource()).unwrap();
    let sw = Resource::parse(&s.switch_resource()).unwrap();
    Bench::connect(
        &dmm,
        &fast(Profile::load(meter_profile).unwrap()),
        Some((&sw, &fast(Profile::load("keysight-34980a").unwrap()))),
        settings,
    )
}

fn default_map() -> ChannelMap {
    let p = Profile::load("keysight-34980a").unwrap();
    ChannelMap::from_default(p.switch.unwrap().default_map.as_ref().unwrap())
}

fn run(s: &Simulator) -> pogo_station::Result<contact::ContactRun> {
    let f = fixture();
    let map = default_map();
    let routes = map.route_probes(&f)?;
    let mut b = bench(s)?;
    contact::measure(&mut b, &f, &map, &routes, &Limits::default(), &mut |_| {})
}

#[test]
fn measured_csv_equals_the_planted_values_after_the_reference() {
    let s = sim();
    let f = fixture();
    let map = default_map();
    let routes = map.route_probes(&f).unwrap();
    let mut b = bench(&s).unwrap();
    let mut seen = Vec::new();
    let r = contact::measure(
        &mut b,
        &f,
        &map,
        &routes,
        &Limits::default(),
        &mut |p| match p {
            Progress::Reference(r) => seen.push(format!("ref {:.4}", r.ohm * 1000.0)),
            Progress::Probe { reading, .. } => {
                seen.push(format!("{} {}", reading.probe, reading.verdict.name()))
            }
        },
    )
    .unwrap();
    assert_eq!(
        seen,
        [
            "ref 41.5000",
            "P1 pass",
            "P2 marginal",
            "P3 pass",
            "P4 fail",
            "P10 fail"
        ]
    );
    assert!((r.reference.ohm * 1000.0 - REFERENCE_MOHM).abs() < 1e-6);
    // Offset compensation was switched on after CONF, as the profile says.
    assert!(s.offset_compensation());
    let cmds = s.commands(Instrument::Dmm);
    let conf = cmds.iter().position(|c| c == "CONF:FRES").unwrap();
    let ocom = cmds.iter().position(|c| c == "FRES:OCOM ON").unwrap();
    assert!(ocom > conf);
    // Nothing left closed.
    assert!(s.closed().is_empty(), "{:?}", s.closed());

    // The CSV, read back by pogo-qc's own reader, holds the planted contact values.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("measurements.csv");
    r.write_csv(&out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let ms = measurements::read_measurements("measurements.csv", &text).unwrap();
    let by_channel: BTreeMap<String, u32> = f
        .probes
        .iter()
        .map(|p| (p.id.clone(), p.channel.unwrap()))
        .collect();
    assert_eq!(ms.len(), 5);
    for m in &ms {
        match planted()[&by_channel[&m.pin]] {
            Some(mohm) => assert!(
                (m.value - mohm).abs() < 1e-4,
                "{}: {} vs {mohm}",
                m.pin,
                m.value
            ),
            None => assert!(m.value > 1e30, "{} should read open", m.pin),
        }
    }
    // `pogo qc evaluate` on that CSV gives the same verdicts as the run did.
    let e = measurements::evaluate(&ms, Some(&f), &Limits::default());
    let verdicts: Vec<(String, Verdict)> =
        e.pins.iter().map(|p| (p.pin.clone(), p.verdict)).collect();
    let live: Vec<(String, Verdict)> = r
        .readings
        .iter()
        .map(|x| (x.probe.clone(), x.verdict))
        .collect();
    let mut live_sorted = live.clone();
    live_sorted.sort_by_key(|(p, _)| measurements::natural_key(p));
    assert_eq!(verdicts, live_sorted);
    assert_eq!(e.summary, r.evaluation.summary);
}

#[test]
fn a_relay_that_does_not_close_is_caught_before_any_reading() {
    let s = sim();
    s.inject(Instrument::Switch, Fault::StuckOpen { channel: 1023 });
    let e = run(&s).unwrap_err();
    assert!(
        matches!(&e, StationError::Relay { route, state: "closed", what, .. } if route == "@1003,1023" && what == "probe P3"),
        "{e}"
    );
    // P3's route was never read: the meter took the reference, P1 and P2 only.
    let reads = s
        .commands(Instrument::Dmm)
        .iter()
        .filter(|c| c.as_str() == "READ?")
        .count();
    assert_eq!(reads, 3);
    // The half-closed route was opened again. The station sends the ROUT:OPEN and
    // returns; the simulator takes it on its own thread, so wait for it (bounded).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !s.closed().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(s.closed().is_empty(), "{:?}", s.closed());
}

#[test]
fn a_relay_closing_another_channel_never_gives_its_reading_to_the_wrong_probe() {
    let s = sim();
    // Closing P2's force channel closes P4's instead: the meter would read P4's path.
    s.inject(
        Instrument::Switch,
        Fault::ClosesInstead {
            asked: 1002,
            instead: 1004,
        },
    );
    let e = run(&s).unwrap_err();
    assert!(
        matches!(&e, StationError::Relay { what, answer, .. } if what == "probe P2" && answer == "0,1"),
        "{e}"
    );
}

#[test]
fn a_slow_reply_is_a_timeout_not_a_hang() {
    let s = sim();
    s.inject(
        Instrument::Dmm,
        Fault::SlowReply {
            header: "READ?".into(),
            delay: Duration::from_millis(1500),
        },
    );
    let t = std::time::Instant::now();
    let e = run(&s).unwrap_err();
    assert!(
        matches!(&e, StationError::Timeout { command, timeout_ms: 300, .. } if command == "READ?"),
        "{e}"
    );
    assert!(
        t.elapsed() < Duration::from_millis(1400),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn a_dropped_connection_mid_run_is_one_clear_error() {
    let s = sim();
    // Connect and configure take 1 + 2*5 commands; the drop comes during the probes.
    s.inject(Instrument::Switch, Fault::DropAfter { commands: 14 });
    let e = run(&s).unwrap_err();
    assert!(matches!(&e, StationError::Dropped { .. }), "{e}");
    assert!(e.to_string().contains("connection lost"), "{e}");
}

#[test]
fn garbage_in_a_reading_is_refused() {
    let s = sim();
    s.inject(
        Instrument::Dmm,
        Fault::Garbage {
            header: "READ?".into(),
        },
    );
    let e = run(&s).unwrap_err();
    assert!(
        matches!(&e, StationError::Garbage { command, .. } if command == "READ?"),
        "{e}"
    );
    assert!(e.to_string().contains("\\xff"), "{e}");
}

#[test]
fn an_instrument_error_names_the_command_that_caused_it() {
    let settings = MeterSettings {
        range_ohm: Some(5.0e12),
        nplc: 1.0,
    };
    let e = bench_with(&sim(), "keysight-34465a", settings)
        .err()
        .unwrap();
    assert!(
        matches!(&e, StationError::Instrument { command, code: -222, .. } if command == "FRES:RANG 5000000000000"),
        "{e}"
    );

    // An error the instrument raises during the run is caught at the end of it.
    let s = sim();
    s.inject(
        Instrument::Switch,
        Fault::ErrorAfter {
            header: "ROUT:OPEN".into(),
            code: -310,
            message: "System error; relay driver".into(),
        },
    );
    let e = run(&s).unwrap_err();
    assert!(
        matches!(&e, StationError::Instrument { code: -310, .. }),
        "{e}"
    );
}

#[test]
fn a_channel_map_that_misses_a_probe_names_it() {
    let f = fixture();
    let map = ChannelMap::parse(
        "map.csv",
        "channel,route\n1,\"@1001,1021\"\n2,\"@1002,1022\"\nref,\"@1020,1040\"\n",
    )
    .unwrap();
    let e = map.route_probes(&f).unwrap_err();
    let text = e.to_string();
    for p in [
        "P3 is on channel 3",
        "P4 is on channel 4",
        "P10 is on channel 5",
    ] {
        assert!(text.contains(p), "{text}");
    }
}

#[test]
fn a_meter_that_is_not_the_profile_model_is_refused() {
    let e = bench_with(&sim(), "keithley-dmm6500", MeterSettings::default())
        .err()
        .unwrap();
    assert!(matches!(e, StationError::WrongInstrument { .. }), "{e}");
}

#[test]
fn after_a_timeout_a_late_reply_is_never_taken_for_the_next_answer() {
    use pogo_station::scpi::Session;
    let s = sim();
    s.inject(
        Instrument::Dmm,
        Fault::SlowReply {
            header: "READ?".into(),
            delay: Duration::from_millis(400),
        },
    );
    let p = fast(Profile::load("keysight-34465a").unwrap());
    let mut dmm = Session::open(
        &Resource::parse(&s.dmm_resource()).unwrap(),
        &p.link_settings(),
        p.identify_query(),
        p.error_queue_query(),
    )
    .unwrap();
    assert!(matches!(
        dmm.query("READ?"),
        Err(StationError::Timeout { .. })
    ));
    std::thread::sleep(Duration::from_millis(300));
    // The late reading is in the socket now; the next query must not return it.
    let e = dmm.query("READ?").unwrap_err();
    assert!(e.to_string().contains("out of step"), "{e}");
}
