//! Board revisions: what a fixture built for one revision of a board keeps, moves,
//! adds and removes on the next one, and a design of the new revision that reuses it.
//!
//! A probe **stays** (kept) when the new board still has its target (the same
//! footprint pad, `ref` and `number`, or a via of the same net) under the probe, within
//! [`RevisionOptions::position_tolerance_mm`] of where it was: its plate hole,
//! receptacle and wire stay. A probe **moves** when its pad is still there but
//! elsewhere (plug the old hole, drill a new one, move the receptacle). Probes the new
//! design needs on targets the old fixture did not probe are **added** (new holes),
//! old probes with no counterpart are **removed** (holes plugged).
//!
//! [`design_revision`] designs the new revision with every probe that can stay locked
//! in place (a locked probe that a design rule of the new revision blocks is released
//! and its net placed afresh), so the revision costs the fewest new holes; kept and
//! moved probes keep their old ids, added probes get ids after the old ones.
//! [`diff`] compares the old fixture with the new design.

use crate::config::LockedProbe;
use crate::{DesignConfig, DesignError, design};
use pogo_board::{Board, PointMm, Side};
use pogo_catalog::Catalog;
use pogo_fixture::{Fixture, Probe, TargetKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How far a target may have moved (mm) and still hold the same probe hole.
pub const DEFAULT_POSITION_TOLERANCE_MM: f64 = 0.05;

/// Settings of a revision comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RevisionOptions {
    /// A probe stays in its hole when its target is within this distance (mm) of where
    /// the old fixture has it.
    pub position_tolerance_mm: f64,
}

impl Default for RevisionOptions {
    fn default() -> Self {
        RevisionOptions {
            position_tolerance_mm: DEFAULT_POSITION_TOLERANCE_MM,
        }
    }
}

/// Why a revision could not be designed or compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevisionError {
    /// Not one probe of the old fixture finds its pad (same `ref`, `number` and net) or
    /// its via (same net, same place) on the new board.
    #[error(
        "the fixture for `{fixture_board}` has nothing in common with `{board}`: none of its {probes} probes finds its pad (same ref, pad number and net) or via (same net within {tolerance_mm} mm) on the new board; expected a fixture designed for an earlier revision of this board"
    )]
    NothingInCommon {
        /// The board the fixture was designed for.
        fixture_board: String,
        /// The new board.
        board: String,
        /// Probes of the old fixture.
        probes: usize,
        /// The position tolerance, mm.
        tolerance_mm: f64,
    },
    /// The tolerance is not a finite number of at least 0 mm.
    #[error("position tolerance {value} mm is out of range (expected a finite number >= 0)")]
    BadTolerance {
        /// The tolerance given, mm.
        value: f64,
    },
    /// The new design failed.
    #[error(transparent)]
    Design(#[from] DesignError),
}

/// The result of a revision design or comparison.
pub type Result<T, E = RevisionError> = std::result::Result<T, E>;

/// One probe in a revision comparison: its id, net and target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeChange {
    /// Probe id (on the revision it belongs to).
    pub id: String,
    /// Its net.
    pub net: String,
    /// The side it touches.
    pub side: Side,
    /// `pad` or `via`.
    pub kind: TargetKind,
    /// Footprint reference of the pad (empty for a via).
    #[serde(rename = "ref")]
    pub reference: String,
    /// Pad number (`null` for a via).
    pub number: Option<String>,
    /// Probe centre on the revision it belongs to (the old one for a removed probe).
    pub x: f64,
    /// Probe centre y, mm.
    pub y: f64,
    /// Where a moved probe was on the old revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<[f64; 2]>,
    /// The net the probe's hole served on the old revision, when the net changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_net: Option<String>,
}

/// A probe hole of the probe plate to plug or drill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlateHole {
    /// The probe the hole is for.
    pub probe: String,
    /// The probe plate side.
    pub side: Side,
    /// Hole centre, mm.
    pub x: f64,
    /// Hole centre y, mm.
    pub y: f64,
    /// Probe class and catalog part the hole is for.
    pub class: String,
    /// Catalog part id.
    pub part: String,
}

/// A receptacle pulled from one hole and pressed into another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceptacleMove {
    /// The probe.
    pub probe: String,
    /// The probe plate side.
    pub side: Side,
    /// Old hole centre, [x, y] mm.
    pub from: [f64; 2],
    /// New hole centre, [x, y] mm.
    pub to: [f64; 2],
    /// How far it moves, mm.
    pub distance_mm: f64,
}

/// The plate work a revision costs.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PlateRework {
    /// Holes no probe uses any more (removed probes, and moved probes' old holes).
    pub holes_to_plug: Vec<PlateHole>,
    /// New holes (added probes, and moved probes' new holes).
    pub holes_to_drill: Vec<PlateHole>,
    /// Receptacles of moved probes.
    pub receptacles_to_move: Vec<ReceptacleMove>,
}

/// What a wire does in a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireChange {
    /// A new probe: wire it to its net's interface channel.
    Connect,
    /// A removed probe: take its wire off.
    Disconnect,
    /// A kept probe whose pad is on another net now: move its wire to that net.
    ChangeNet,
    /// A moved probe: its wire follows the receptacle (re-dress, same net).
    Reroute,
}

/// One wiring change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rewire {
    /// The probe.
    pub probe: String,
    /// What to do.
    pub change: WireChange,
    /// The net the wire serves afterwards.
    pub net: String,
    /// The net it served before, when that changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_net: Option<String>,
}

impl Rewire {
    /// The wire of probe `p` to its net: `change`, from `previous_net` when the net
    /// changed.
    fn of(p: &Probe, change: WireChange, previous_net: Option<&str>) -> Rewire {
        Rewire {
            probe: p.id.clone(),
            change,
            net: p.net.clone(),
            previous_net: previous_net.map(str::to_string),
        }
    }
}

/// The difference between a fixture and a new revision of its board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionDiff {
    /// Board file the old fixture was designed for, and the new board's.
    pub fixture_board: String,
    /// The new board's file.
    pub board: String,
    /// How far a target may have moved and keep its hole, mm.
    pub position_tolerance_mm: f64,
    /// True when every probe stays and none is added.
    pub no_change: bool,
    /// Probes that stay in their holes.
    pub kept: Vec<ProbeChange>,
    /// Probes whose target moved: a new hole.
    pub moved: Vec<ProbeChange>,
    /// New probes.
    pub added: Vec<ProbeChange>,
    /// Probes no longer needed.
    pub removed: Vec<ProbeChange>,
    /// The plate work.
    pub plate: PlateRework,
    /// The wiring work.
    pub rewiring: Vec<Rewire>,
    /// Nets the old fixture probed or reported unreachable that the new design does not
    /// have (testable nets the new revision lost), and the reverse.
    pub nets_lost: Vec<String>,
    /// Testable nets the new revision gained.
    pub nets_gained: Vec<String>,
}

/// Where an old probe's target is on the new board.
#[derive(Debug, Clone)]
struct Found {
    pos: PointMm,
    net: String,
}

/// The old probe's target on the new board: the same footprint pad (`ref` and
/// `number`, the nearest when several pads share the number), or the nearest via of
/// the same net within the tolerance.
fn find_target(old: &Probe, board: &Board, tolerance_mm: f64) -> Option<Found> {
    let was = PointMm::new(old.target.x, old.target.y);
    let net_name = |n: Option<pogo_board::NetId>| {
        n.and_then(|n| board.nets.get(n.0 as usize))
            .map(|n| n.name.clone())
            .unwrap_or_default()
    };
    match old.target.kind {
        TargetKind::Pad => board
            .pads
            .iter()
            .filter(|p| {
                p.reference == old.target.reference
                    && Some(p.number.as_str()) == old.target.number.as_deref()
            })
            .min_by(|a, b| {
                a.position
                    .distance_mm(was)
                    .total_cmp(&b.position.distance_mm(was))
            })
            .map(|p| Found {
                pos: p.position,
                net: net_name(p.net),
            }),
        TargetKind::Via => board
            .vias
            .iter()
            .filter(|v| net_name(v.net) == old.net)
            .map(|v| (v, v.position.distance_mm(was)))
            .filter(|(_, d)| *d <= tolerance_mm)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(v, _)| Found {
                pos: v.position,
                net: old.net.clone(),
            }),
    }
}

/// The probes of `old` that can stay on `board`, as locked probes (on the new net when
/// the pad changed net). Fails when no probe of `old` finds its target at all.
pub fn reusable_probes(
    old: &Fixture,
    board: &Board,
    catalog: &Catalog,
    options: &RevisionOptions,
) -> Result<Vec<LockedProbe>> {
    let tol = options.position_tolerance_mm;
    if !tol.is_finite() || tol < 0.0 {
        return Err(RevisionError::BadTolerance { value: tol });
    }
    let mut in_common = false;
    let mut locks = Vec::new();
    for p in &old.probes {
        let Some(found) = find_target(p, board, tol) else {
            continue;
        };
        in_common |= found.net == p.net;
        let moved_by = found.pos.distance_mm(PointMm::new(p.target.x, p.target.y));
        if moved_by > tol || found.net.is_empty() {
            continue;
        }
        locks.push(LockedProbe {
            net: found.net,
            side: p.side,
            x: p.x,
            y: p.y,
            part: catalog.part(&p.part).map(|_| p.part.clone()),
        });
    }
    if !in_common && !old.probes.is_empty() {
        return Err(RevisionError::NothingInCommon {
            fixture_board: old.board.file.clone(),
            board: board.source_name.clone(),
            probes: old.probes.len(),
            tolerance_mm: tol,
        });
    }
    Ok(locks)
}

/// Designs `board`, a new revision of the board `old` was designed for, keeping every
/// probe of `old` that can stay (locked in place) and choosing the rest. Kept and moved
/// probes keep their old ids; added probes are numbered after the old ones.
pub fn design_revision(
    board: &Board,
    catalog: &Catalog,
    config: &DesignConfig,
    old: &Fixture,
    options: &RevisionOptions,
) -> Result<Fixture> {
    let mut locks = reusable_probes(old, board, catalog, options)?;
    let tol = options.position_tolerance_mm;
    let mut fixture = design_with_locks(board, catalog, config, &locks)?;
    // A kept probe a rule of the new revision blocks cannot stay: release it, design
    // again (once: released probes are placed by the selector, which breaks no rule).
    let blocked = blocked_locks(&fixture, &locks, tol);
    if !blocked.is_empty() {
        locks = locks
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !blocked.contains(i))
            .map(|(_, l)| l)
            .collect();
        fixture = design_with_locks(board, catalog, config, &locks)?;
    }
    renumber_like(&mut fixture, old, tol);
    Ok(fixture)
}

fn design_with_locks(
    board: &Board,
    catalog: &Catalog,
    config: &DesignConfig,
    locks: &[LockedProbe],
) -> Result<Fixture> {
    let mut config = config.clone();
    config.locked.extend(locks.iter().cloned());
    Ok(design(board, catalog, &config)?)
}

/// Indices of reuse locks named by a violation of `fixture` (by probe or by place).
fn blocked_locks(fixture: &Fixture, locks: &[LockedProbe], tol: f64) -> BTreeSet<usize> {
    let at = |l: &LockedProbe, x: f64, y: f64| (l.x - x).hypot(l.y - y) <= tol.max(1e-6);
    let mut out = BTreeSet::new();
    for v in &fixture.violations {
        for (i, l) in locks.iter().enumerate() {
            let named = fixture.probes.iter().any(|p| {
                p.locked && p.side == l.side && v.probes.contains(&p.id) && at(l, p.x, p.y)
            });
            if named || (v.probes.is_empty() && at(l, v.x, v.y)) {
                out.insert(i);
            }
        }
    }
    out
}

/// Pairs of (old probe, new probe) by hole (same side, same place within `tol`), then
/// by target (same side, same pad) for moved probes.
struct Pairing {
    /// For each new probe: the old probe index and whether it stayed in its hole.
    new_to_old: Vec<Option<(usize, bool)>>,
    old_used: Vec<bool>,
}

fn pair(old: &Fixture, new: &Fixture, tol: f64) -> Pairing {
    let mut old_used = vec![false; old.probes.len()];
    let mut new_to_old = vec![None; new.probes.len()];
    for (ni, n) in new.probes.iter().enumerate() {
        let hit = old.probes.iter().enumerate().find(|(oi, o)| {
            !old_used[*oi] && o.side == n.side && (o.x - n.x).hypot(o.y - n.y) <= tol.max(1e-6)
        });
        if let Some((oi, _)) = hit {
            old_used[oi] = true;
            new_to_old[ni] = Some((oi, true));
        }
    }
    for (ni, n) in new.probes.iter().enumerate() {
        if new_to_old[ni].is_some() || n.target.kind != TargetKind::Pad {
            continue;
        }
        let hit = old.probes.iter().enumerate().find(|(oi, o)| {
            !old_used[*oi]
                && o.side == n.side
                && o.target.kind == TargetKind::Pad
                && o.target.reference == n.target.reference
                && o.target.number == n.target.number
        });
        if let Some((oi, _)) = hit {
            old_used[oi] = true;
            new_to_old[ni] = Some((oi, false));
        }
    }
    Pairing {
        new_to_old,
        old_used,
    }
}

/// Gives kept and moved probes their old ids and added probes ids after the largest
/// old one (`P<n>`), in the new fixture's order; violations follow.
fn renumber_like(new: &mut Fixture, old: &Fixture, tol: f64) {
    let pairing = pair(old, new, tol);
    let mut next = old
        .probes
        .iter()
        .filter_map(|p| p.id.strip_prefix('P')?.parse::<usize>().ok())
        .max()
        .unwrap_or(0);
    let mut rename = BTreeMap::new();
    for (ni, n) in new.probes.iter_mut().enumerate() {
        let id = match pairing.new_to_old[ni] {
            Some((oi, _)) => old.probes[oi].id.clone(),
            None => {
                next += 1;
                format!("P{next}")
            }
        };
        rename.insert(n.id.clone(), id.clone());
        n.id = id;
    }
    for v in &mut new.violations {
        for id in &mut v.probes {
            if let Some(to) = rename.get(id) {
                *id = to.clone();
            }
        }
    }
}

fn change(p: &Probe) -> ProbeChange {
    ProbeChange {
        id: p.id.clone(),
        net: p.net.clone(),
        side: p.side,
        kind: p.target.kind,
        reference: p.target.reference.clone(),
        number: p.target.number.clone(),
        x: p.x,
        y: p.y,
        from: None,
        previous_net: None,
    }
}

fn hole(p: &Probe, x: f64, y: f64) -> PlateHole {
    PlateHole {
        probe: p.id.clone(),
        side: p.side,
        x,
        y,
        class: p.class.clone(),
        part: p.part.clone(),
    }
}

/// Testable nets a fixture knows of: probed or reported unreachable.
fn known_nets(f: &Fixture) -> BTreeSet<&str> {
    f.probes
        .iter()
        .map(|p| p.net.as_str())
        .chain(f.unreachable.iter().map(|u| u.net.as_str()))
        .collect()
}

/// Compares the old fixture with the design of the new revision (as
/// [`design_revision`] makes it): kept, moved, added and removed probes, the plate
/// rework, the rewiring and the nets lost and gained.
pub fn diff(old: &Fixture, new: &Fixture, options: &RevisionOptions) -> RevisionDiff {
    let tol = options.position_tolerance_mm;
    let pairing = pair(old, new, tol);
    let mut d = RevisionDiff {
        fixture_board: old.board.file.clone(),
        board: new.board.file.clone(),
        position_tolerance_mm: tol,
        no_change: false,
        kept: Vec::new(),
        moved: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        plate: PlateRework::default(),
        rewiring: Vec::new(),
        nets_lost: Vec::new(),
        nets_gained: Vec::new(),
    };
    for (ni, n) in new.probes.iter().enumerate() {
        let mut c = change(n);
        match pairing.new_to_old[ni] {
            Some((oi, true)) => {
                let o = &old.probes[oi];
                if o.net != n.net {
                    c.previous_net = Some(o.net.clone());
                    let rewire = Rewire::of(n, WireChange::ChangeNet, Some(&o.net));
                    d.rewiring.push(rewire);
                }
                d.kept.push(c);
            }
            Some((oi, false)) => {
                let o = &old.probes[oi];
                c.from = Some([o.x, o.y]);
                if o.net != n.net {
                    c.previous_net = Some(o.net.clone());
                }
                d.plate.holes_to_plug.push(hole(o, o.x, o.y));
                d.plate.holes_to_drill.push(hole(n, n.x, n.y));
                d.plate.receptacles_to_move.push(ReceptacleMove {
                    probe: n.id.clone(),
                    side: n.side,
                    from: [o.x, o.y],
                    to: [n.x, n.y],
                    distance_mm: (o.x - n.x).hypot(o.y - n.y),
                });
                let rewire = if o.net == n.net {
                    Rewire::of(n, WireChange::Reroute, None)
                } else {
                    Rewire::of(n, WireChange::ChangeNet, Some(&o.net))
                };
                d.rewiring.push(rewire);
                d.moved.push(c);
            }
            None => {
                d.plate.holes_to_drill.push(hole(n, n.x, n.y));
                d.rewiring.push(Rewire::of(n, WireChange::Connect, None));
                d.added.push(c);
            }
        }
    }
    for (oi, o) in old.probes.iter().enumerate() {
        if pairing.old_used[oi] {
            continue;
        }
        d.plate.holes_to_plug.push(hole(o, o.x, o.y));
        d.rewiring.push(Rewire::of(o, WireChange::Disconnect, None));
        d.removed.push(change(o));
    }
    let (was, now) = (known_nets(old), known_nets(new));
    d.nets_lost = was.difference(&now).map(|s| s.to_string()).collect();
    d.nets_gained = now.difference(&was).map(|s| s.to_string()).collect();
    d.no_change = d.moved.is_empty()
        && d.added.is_empty()
        && d.removed.is_empty()
        && d.rewiring.is_empty()
        && d.nets_lost.is_empty()
        && d.nets_gained.is_empty();
    d
}

/// Designs the new revision reusing `old` ([`design_revision`]) and compares them.
pub fn diff_board(
    old: &Fixture,
    board: &Board,
    catalog: &Catalog,
    config: &DesignConfig,
    options: &RevisionOptions,
) -> Result<(Fixture, RevisionDiff)> {
    let new = design_revision(board, catalog, config, old, options)?;
    let d = diff(old, &new, options);
    Ok((new, d))
}

impl RevisionDiff {
    /// The plain-text report `pogo diff` prints.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let target = |c: &ProbeChange| match c.kind {
            TargetKind::Pad => format!("{}.{}", c.reference, c.number.as_deref().unwrap_or("")),
            TargetKind::Via => "via".to_string(),
        };
        let _ = writeln!(
            s,
            "fixture for {}, new board {}",
            self.fixture_board, self.board
        );
        if self.no_change {
            let _ = writeln!(
                s,
                "no change: all {} probes stay in their holes",
                self.kept.len()
            );
            return s;
        }
        let _ = writeln!(
            s,
            "probes     {} kept, {} moved, {} added, {} removed",
            self.kept.len(),
            self.moved.len(),
            self.added.len(),
            self.removed.len()
        );
        // A probe as the lines name it: id, net, target and side.
        let probe =
            |c: &ProbeChange| format!("{} {} {} {}", c.id, c.net, target(c), c.side.as_str());
        for c in &self.moved {
            let [fx, fy] = c.from.unwrap_or([c.x, c.y]);
            let _ = writeln!(
                s,
                "moved      {}: ({fx:.3}, {fy:.3}) -> ({:.3}, {:.3})",
                probe(c),
                c.x,
                c.y
            );
        }
        for (word, list) in [("added", &self.added), ("removed", &self.removed)] {
            for c in list {
                let _ = writeln!(s, "{word:<10} {} at ({:.3}, {:.3})", probe(c), c.x, c.y);
            }
        }
        let p = &self.plate;
        let _ = writeln!(
            s,
            "plate      {} holes to plug, {} to drill, {} receptacles to move",
            p.holes_to_plug.len(),
            p.holes_to_drill.len(),
            p.receptacles_to_move.len()
        );
        for r in &self.rewiring {
            let change = match r.change {
                WireChange::Connect => "connect",
                WireChange::Disconnect => "disconnect",
                WireChange::ChangeNet => "change net",
                WireChange::Reroute => "reroute",
            };
            let from = r
                .previous_net
                .as_deref()
                .map(|n| format!(" (was {n})"))
                .unwrap_or_default();
            let _ = writeln!(s, "rewire     {} {change} {}{from}", r.probe, r.net);
        }
        if !self.nets_lost.is_empty() {
            let _ = writeln!(s, "nets lost  {}", self.nets_lost.join(", "));
        }
        if !self.nets_gained.is_empty() {
            let _ = writeln!(s, "nets gained {}", self.nets_gained.join(", "));
        }
        s
    }
}
