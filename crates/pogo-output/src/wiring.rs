//! `wiring.csv`: the wiring list, one row per probe, in interface channel order.
//!
//! Columns: `probe, net, side, x_mm, y_mm, part, receptacle, channel, connector, pin,
//! wire_length_mm` (RFC 4180 CSV, header row first; coordinates in KiCad page mm, y
//! down, 4 decimals). A probe without a channel (mechanics not run) has empty channel
//! columns and comes after the others, in probe id order.

use pogo_fixture::Fixture;
use std::collections::BTreeMap;

/// The columns of `wiring.csv`.
pub const HEADER: [&str; 11] = [
    "probe",
    "net",
    "side",
    "x_mm",
    "y_mm",
    "part",
    "receptacle",
    "channel",
    "connector",
    "pin",
    "wire_length_mm",
];

/// Natural order of probe ids (`P2` before `P10`).
pub(crate) fn id_key(id: &str) -> (String, u64, String) {
    let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (head, rest) = id.split_at(split);
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    (
        head.to_string(),
        digits.parse().unwrap_or(0),
        rest[digits.len()..].to_string(),
    )
}

/// The wiring list as CSV text.
pub fn render(fixture: &Fixture) -> String {
    let assignments: BTreeMap<&str, &pogo_fixture::ChannelAssignment> = fixture
        .channels
        .iter()
        .flat_map(|c| c.assignments.iter())
        .map(|a| (a.probe.as_str(), a))
        .collect();
    let mut rows: Vec<&pogo_fixture::Probe> = fixture.probes.iter().collect();
    rows.sort_by(|a, b| {
        let ca = assignments
            .get(a.id.as_str())
            .map_or(u32::MAX, |x| x.channel);
        let cb = assignments
            .get(b.id.as_str())
            .map_or(u32::MAX, |x| x.channel);
        ca.cmp(&cb).then_with(|| id_key(&a.id).cmp(&id_key(&b.id)))
    });
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("writing to memory");
    for p in rows {
        let a = assignments.get(p.id.as_str());
        let receptacle = p
            .receptacle
            .clone()
            .or_else(|| fixture.part(&p.part).map(|q| q.receptacle.clone()))
            .unwrap_or_default();
        let channel = a
            .map(|a| a.channel.to_string())
            .or_else(|| p.channel.map(|c| c.to_string()))
            .unwrap_or_default();
        w.write_record([
            p.id.as_str(),
            p.net.as_str(),
            p.side.as_str(),
            &format!("{:.4}", p.x),
            &format!("{:.4}", p.y),
            p.part.as_str(),
            receptacle.as_str(),
            channel.as_str(),
            a.map_or("", |a| a.connector.as_str()),
            &a.map(|a| a.pin.to_string()).unwrap_or_default(),
            &a.map(|a| format!("{:.1}", a.wire_length_mm))
                .unwrap_or_default(),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flush to memory"))
        .expect("csv of utf-8 fields is utf-8")
}
