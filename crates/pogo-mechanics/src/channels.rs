//! Interface channels: which probe wire goes to which connector pin.
//!
//! The connectors sit in a row along one fixture edge (`[interface] edge`), pins in
//! channel order. Probes are taken in order of their position along that edge, so wires
//! run side by side without crossing: for pins on a line and a convex wire cost, the
//! order-preserving assignment is the shortest. Units kept together: every probe of a
//! configured connector group (`[[interface.groups]]`), and the probes of one net; each
//! unit is placed at its mean position and never split across connectors when it fits
//! in one (the rest of a connector is left spare instead). Deterministic: ties break on
//! the other coordinate, then the probe id.

use crate::MechanicsError;
use crate::config::{InterfaceConfig, glob_match};
use pogo_fixture::{ChannelAssignment, Channels, Fixture, FixtureEdge, InterfaceConnector};
use std::collections::BTreeMap;

pub use pogo_text::natural_key;

pub fn assign(fx: &Fixture, cfg: &InterfaceConfig) -> Result<Channels, MechanicsError> {
    let n = fx.probes.len() as u32;
    let total = if cfg.channels == 0 { n } else { cfg.channels };
    if total < n {
        return Err(MechanicsError::TooFewChannels {
            channels: total,
            probes: n as usize,
        });
    }
    let per = if cfg.connector_pins == 0 {
        total.max(1)
    } else {
        cfg.connector_pins
    };
    let along_x = matches!(cfg.edge, FixtureEdge::Top | FixtureEdge::Bottom);
    if cfg.pitch_mm.is_nan() || cfg.pitch_mm <= 0.0 {
        return Err(MechanicsError::Config {
            field: "interface.pitch_mm".into(),
            message: "expected a positive pitch".into(),
        });
    }
    let key = |x: f64, y: f64| if along_x { (x, y) } else { (y, x) };
    // Units: groups first, then one per net.
    let mut units: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, p) in fx.probes.iter().enumerate() {
        let group = cfg
            .groups
            .iter()
            .find(|g| g.nets.iter().any(|pat| glob_match(pat, &p.net)));
        let (unit_key, group_name) = match group {
            Some(g) => (format!("g:{}", g.name), g.name.clone()),
            None => (format!("n:{}", p.net), String::new()),
        };
        units
            .entry(unit_key)
            .or_insert_with(|| (group_name, Vec::new()))
            .1
            .push(i);
    }
    let mut ordered: Vec<((f64, f64), String, Vec<usize>)> = units
        .into_values()
        .map(|(group, mut members)| {
            let m = members.len() as f64;
            let (sx, sy) = members.iter().fold((0.0, 0.0), |a, &i| {
                (a.0 + fx.probes[i].x, a.1 + fx.probes[i].y)
            });
            members.sort_by(|&a, &b| {
                let (pa, pb) = (&fx.probes[a], &fx.probes[b]);
                let (ka, kb) = (key(pa.x, pa.y), key(pb.x, pb.y));
                ka.0.total_cmp(&kb.0)
                    .then(ka.1.total_cmp(&kb.1))
                    .then(natural_key(&pa.id).cmp(&natural_key(&pb.id)))
            });
            (key(sx / m, sy / m), group, members)
        })
        .collect();
    ordered.sort_by(|a, b| {
        a.0.0
            .total_cmp(&b.0.0)
            .then(a.0.1.total_cmp(&b.0.1))
            .then(natural_key(&fx.probes[a.2[0]].id).cmp(&natural_key(&fx.probes[b.2[0]].id)))
    });
    let connectors_n = total.div_ceil(per);
    let connectors: Vec<InterfaceConnector> = (0..connectors_n)
        .map(|c| InterfaceConnector {
            name: if connectors_n == 1 && cfg.connector_pins == 0 {
                cfg.connector_prefix.clone() + "1"
            } else {
                format!("{}{}", cfg.connector_prefix, c + 1)
            },
            first_channel: c * per + 1,
            pins: per.min(total - c * per),
        })
        .collect();
    // Fill channels; move a unit to the next connector when it would straddle a
    // boundary but fits in one, as long as the remaining capacity allows.
    let mut slot: Vec<(u32, usize, String)> = Vec::new(); // (channel, probe, group)
    let mut next: u32 = 1; // next free channel
    let mut remaining_probes = n;
    for (_, group, members) in &ordered {
        let len = members.len() as u32;
        let conn_end = next.div_ceil(per).max(1) * per; // last channel of the current connector
        let room = conn_end.saturating_sub(next) + 1;
        if len > room && len <= per {
            let jump = conn_end + 1;
            // Capacity left after the jump must still hold every remaining probe.
            if jump + remaining_probes - 1 <= total {
                next = jump;
            }
        }
        for &i in members {
            slot.push((next, i, group.clone()));
            next += 1;
        }
        remaining_probes -= len;
    }
    // Pin positions: connectors in a row along the edge, centred on the board.
    let [l, t, r, b] = fx.outline_box_or_probes();
    let gap = 2.0 * cfg.pitch_mm;
    let row_len = total as f64 * cfg.pitch_mm + (connectors_n.saturating_sub(1)) as f64 * gap;
    let (mid, line) = match cfg.edge {
        FixtureEdge::Bottom => ((l + r) / 2.0, b + cfg.offset_mm),
        FixtureEdge::Top => ((l + r) / 2.0, t - cfg.offset_mm),
        FixtureEdge::Left => ((t + b) / 2.0, l - cfg.offset_mm),
        FixtureEdge::Right => ((t + b) / 2.0, r + cfg.offset_mm),
    };
    let pin_at = |ch: u32| -> (f64, f64) {
        let c = (ch - 1) / per;
        let along = mid - row_len / 2.0
            + (ch - 1) as f64 * cfg.pitch_mm
            + c as f64 * gap
            + cfg.pitch_mm / 2.0;
        if along_x {
            (along, line)
        } else {
            (line, along)
        }
    };
    let mut assignments: Vec<ChannelAssignment> = slot
        .iter()
        .map(|(ch, i, group)| {
            let p = &fx.probes[*i];
            let c = (ch - 1) / per;
            let (px, py) = pin_at(*ch);
            ChannelAssignment {
                channel: *ch,
                connector: connectors[c as usize].name.clone(),
                pin: ch - connectors[c as usize].first_channel + 1,
                probe: p.id.clone(),
                net: p.net.clone(),
                group: group.clone(),
                wire_length_mm: (p.x - px).hypot(p.y - py),
            }
        })
        .collect();
    assignments.sort_by_key(|a| a.channel);
    let total_wire_mm = assignments.iter().map(|a| a.wire_length_mm).sum();
    Ok(Channels {
        interface: cfg.name.clone(),
        edge: cfg.edge,
        connectors,
        assignments,
        total_wire_mm,
    })
}
