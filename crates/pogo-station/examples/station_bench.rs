//! Time per probe of a contact-resistance run against the simulator, and how much of it
//! is the station's own (not waiting for a reply). `bench/station.sh` runs it in release.
//!
//! Usage: `station_bench [RUNS] [READING_MS]`: RUNS runs of a 19-probe fixture (every
//! channel of the 34921A default map), the meter taking READING_MS per reading.

use pogo_fixture::Fixture;
use pogo_qc::measurements::Limits;
use pogo_station::channel_map::ChannelMap;
use pogo_station::contact::{self, Bench, MeterSettings};
use pogo_station::profile::Profile;
use pogo_station::resource::Resource;
use pogo_station::sim::{SimConfig, Simulator};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args.get(1).map_or(Ok(50), |s| s.parse())?;
    let reading_ms: f64 = args.get(2).map_or(Ok(0.0), |s| s.parse())?;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fixture_small.json");
    let mut fixture = Fixture::read(std::path::Path::new(path))?;
    // 19 probes on channels 1..=19, copies of the fixture's first probe.
    let template = fixture.probes[0].clone();
    fixture.channels = None;
    fixture.probes = (1..=19)
        .map(|c| {
            let mut p = template.clone();
            p.id = format!("P{c}");
            p.channel = Some(c);
            p
        })
        .collect();
    let sim = Simulator::start(SimConfig {
        reference_mohm: 40.0,
        contact_mohm: (1..=19)
            .map(|c| (c, Some(5.0 + f64::from(c))))
            .collect::<BTreeMap<_, _>>(),
        reading_time: Duration::from_secs_f64(reading_ms / 1000.0),
    })?;
    let sw_profile = Profile::load("keysight-34980a")?;
    let map = ChannelMap::from_default(
        sw_profile
            .switch
            .as_ref()
            .and_then(|s| s.default_map.as_ref())
            .ok_or("no default map")?,
    );
    let routes = map.route_probes(&fixture)?;
    let mut bench = Bench::connect(
        &Resource::parse(&sim.dmm_resource())?,
        &Profile::load("keysight-34465a")?,
        Some((&Resource::parse(&sim.switch_resource())?, &sw_profile)),
        MeterSettings::default(),
    )?;
    let limits = Limits::default();
    let (mut wall, mut waiting, mut probes) = (Duration::ZERO, Duration::ZERO, 0usize);
    let mut per_run = Vec::new();
    for _ in 0..runs {
        let r = contact::measure(&mut bench, &fixture, &map, &routes, &limits, &mut |_| {})?;
        wall += r.stats.wall;
        waiting += r.stats.waiting;
        probes += r.stats.probes;
        per_run.push(r.stats.per_probe().as_secs_f64() * 1e3);
    }
    per_run.sort_by(f64::total_cmp);
    let n = probes.max(1) as f64;
    let mut o = std::io::stdout().lock();
    writeln!(
        o,
        "runs {runs}, probes {probes}, meter reading time {reading_ms} ms\n\
         wall per probe: mean {:.3} ms (median run {:.3} ms)\n\
         waiting for replies per probe: {:.3} ms (3 queries: CLOS?, READ?, CLOS?; close and open are writes)\n\
         station's own time per probe: {:.3} ms\n\
         overhead beyond the meter's reading time: {:.3} ms per probe",
        wall.as_secs_f64() * 1e3 / n,
        per_run[per_run.len() / 2],
        waiting.as_secs_f64() * 1e3 / n,
        wall.saturating_sub(waiting).as_secs_f64() * 1e3 / n,
        wall.as_secs_f64() * 1e3 / n - reading_ms,
    )?;
    Ok(())
}
