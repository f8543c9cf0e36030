//! pogo-design: the probe layout of a fixture, without I/O.
//!
//! [`design`] takes a [`Board`], a probe [`Catalog`] and the engineer's intent
//! ([`DesignConfig`], the `[design]` table of `pogo.toml`) and returns a [`Fixture`]
//! with the probes, the effective rules, coverage against its upper bound, every
//! testable net left without a probe (with the reason), and the rules broken by
//! forced or locked probes (the selector itself never breaks one).
//!
//! Pipeline: [`candidates`] (test points, through-hole pads from the side opposite
//! their component, vias with open mask, optionally component SMD pads) ->
//! [`rules`] (single-probe checks: usable copper admits the class's minimum pad, via
//! drill against tip, outline, courtyards, tooling holes) -> [`select`] (conflict
//! graph on an R-tree; greedy, local improvement, exact branch and bound on small
//! conflict components) -> report.

pub mod candidates;
pub mod config;
pub mod geometry;
pub mod registration;
pub mod revision;
pub mod rules;
pub mod select;

pub use config::DesignConfig;

use candidates::Candidate;
use config::{SidesConfig, glob_match};
use geometry::{inscribed_radius, polygons_contain};
use pogo_board::{Board, PadKind, PadShape, PointMm, Side, SourceFormat};
use pogo_catalog::Catalog;
use pogo_fixture::{
    BoardHole, BoardSummary, Coverage, Fixture, PartBody, PartOutline, Probe, SCHEMA, Target,
    TargetKind, Unreachable, Violation,
};
use rules::{Block, PlaceChecker, choose_part, id};
use std::collections::{BTreeMap, BTreeSet};

/// Why a design could not be made (bad intent; findings on the board are data).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DesignError {
    #[error("{0}")]
    Config(String),
    /// A nest is cut to the board outline, and the board has none.
    #[error(
        "{file}: the board has no closed outline (Edge.Cuts), and a nest is cut to it ({why}); draw the outline, or set registration = \"tooling_pins\" in pogo.toml"
    )]
    NoOutline { file: String, why: String },
}

pub type Result<T, E = DesignError> = std::result::Result<T, E>;

/// One probe option of a candidate: a class that passes every single-probe rule.
#[derive(Debug, Clone)]
struct CandOption {
    rank: u8,
    part: usize,
}

/// What the single-probe rules say of one candidate.
struct Assessed {
    place_blocks: Vec<Block>,
    /// Per class rank: the part or the rule that stops the class.
    classes: Vec<Result<usize, Block>>,
    options: Vec<CandOption>,
}

/// A probe before ids are given.
struct Placed {
    cand: usize,
    pos: PointMm,
    rank: u8,
    part: usize,
    locked: bool,
}

/// Rounds to 1 nm so `fixture.json` does not depend on float noise.
fn nm(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Designs the probe layout of `board`.
pub fn design(board: &Board, catalog: &Catalog, config: &DesignConfig) -> Result<Fixture> {
    let (mut rules, classes) = rules::effective_rules(catalog, config)?;
    let plan = registration::plan(board, catalog, config, &rules)?;
    rules.outline_clearance_mm = plan.outline_clearance_mm;
    for l in &config.locked {
        if let Some(part) = &l.part
            && catalog.part(part).is_none()
        {
            return Err(DesignError::Config(format!(
                "design.locked: part `{part}` is not in the catalog"
            )));
        }
    }

    // ---- nets: which need probes, how many
    let n_nets = board.nets.len();
    let mut pads_per_net = vec![0usize; n_nets];
    let mut on_board = vec![false; n_nets];
    let mut first_place: Vec<Option<PointMm>> = vec![None; n_nets];
    for pad in &board.pads {
        if let Some(n) = pad.net.map(|n| n.0 as usize).filter(|&n| n < n_nets)
            && pad.kind != PadKind::NpThruHole
        {
            pads_per_net[n] += 1;
            on_board[n] = true;
            first_place[n].get_or_insert(pad.position);
        }
    }
    for via in &board.vias {
        if let Some(n) = via.net.map(|n| n.0 as usize).filter(|&n| n < n_nets) {
            on_board[n] = true;
            first_place[n].get_or_insert(via.position);
        }
    }
    let required: Vec<u32> = (0..n_nets)
        .map(|n| {
            let net = &board.nets[n];
            if net.name.is_empty() || !on_board[n] || pads_per_net[n] < 2 {
                return 0;
            }
            if rules.no_probe_nets.iter().any(|p| glob_match(p, &net.name)) {
                return 0;
            }
            config
                .nets
                .iter()
                .find(|r| match (&r.net, &r.net_class) {
                    (Some(p), _) => glob_match(p, &net.name),
                    (None, Some(c)) => net.class.as_deref() == Some(c.as_str()),
                    _ => false,
                })
                .map(|r| r.probes)
                .unwrap_or(1)
        })
        .collect();
    let nets_total = (0..n_nets)
        .filter(|&n| on_board[n] && !board.nets[n].name.is_empty())
        .count();
    let testable: Vec<usize> = (0..n_nets).filter(|&n| required[n] > 0).collect();

    // ---- candidates and single-probe rules
    let (mut cands, exclusions) = candidates::enumerate(board, &rules);
    for c in &mut cands {
        c.radius_mm = inscribed_radius(&c.exposed, c.pos);
    }
    let checker = PlaceChecker::new(board, &rules);
    let assess = |c: &Candidate, pos: PointMm, radius: f64| -> Assessed {
        let place_blocks = checker.check(pos, c.side, c.footprint);
        let mut class_res = Vec::new();
        let mut options = Vec::new();
        for (rank, class) in classes.iter().enumerate() {
            let r = if 2.0 * radius < class.min_pad_mm - 1e-6 {
                Err(Block {
                    rule: id::MIN_PAD,
                    message: format!(
                        "exposed copper admits a {:.2} mm circle, {} needs {:.2} mm",
                        (2.0 * radius).max(0.0),
                        class.name,
                        class.min_pad_mm
                    ),
                    at: pos,
                })
            } else {
                choose_part(catalog, &class.name, c.tip_target, &rules).map_err(
                    |(rule, message)| Block {
                        rule,
                        message,
                        at: pos,
                    },
                )
            };
            if let Ok(part) = r
                && place_blocks.is_empty()
            {
                options.push(CandOption {
                    rank: rank as u8,
                    part,
                });
            }
            class_res.push(r);
        }
        Assessed {
            place_blocks,
            classes: class_res,
            options,
        }
    };
    let assessed: Vec<Assessed> = cands
        .iter()
        .map(|c| assess(c, c.pos, c.radius_mm))
        .collect();

    // ---- side order: an explicit list, or for "both" the side that reaches more nets
    let reach_on = |side: Side| -> BTreeSet<usize> {
        cands
            .iter()
            .zip(&assessed)
            .filter(|(c, a)| c.side == side && !a.options.is_empty() && required[c.net] > 0)
            .map(|(c, _)| c.net)
            .collect()
    };
    let sides: Vec<Side> = if matches!(&config.sides, SidesConfig::One(s) if s == "both") {
        let (top, bottom) = (reach_on(Side::Top).len(), reach_on(Side::Bottom).len());
        if bottom > top {
            vec![Side::Bottom, Side::Top]
        } else {
            vec![Side::Top, Side::Bottom]
        }
    } else {
        rules.sides.clone()
    };
    let allowed = |s: Side| sides.contains(&s);

    // ---- forced and locked probes
    let mut placed: Vec<Placed> = Vec::new();
    let mut violations: Vec<(Violation, Vec<usize>)> = Vec::new();
    let violation = |rule: &str, message: String, at: PointMm, probes: Vec<usize>| {
        (
            Violation {
                rule: rule.to_string(),
                message,
                probes: Vec::new(),
                x: nm(at.x),
                y: nm(at.y),
            },
            probes,
        )
    };
    let mut forced_pads: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (ci, c) in cands.iter().enumerate() {
        if c.forced
            && let Some(p) = c.pad
        {
            forced_pads.entry(p).or_default().push(ci);
        }
    }
    let side_rank = |s: Side| sides.iter().position(|x| *x == s).unwrap_or(usize::MAX);
    for cis in forced_pads.values() {
        let best = cis
            .iter()
            .copied()
            .min_by_key(|&ci| {
                (
                    assessed[ci].options.is_empty(),
                    side_rank(cands[ci].side),
                    ci,
                )
            })
            .expect("non-empty");
        let c = &cands[best];
        let a = &assessed[best];
        let (rank, part) = match a
            .classes
            .iter()
            .enumerate()
            .find_map(|(r, x)| x.as_ref().ok().map(|p| (r, *p)))
        {
            Some(x) => x,
            None => {
                // No class fits: the smallest class with any contact part.
                let r = classes.len() - 1;
                match catalog
                    .parts
                    .iter()
                    .position(|p| p.class == classes[r].name)
                {
                    Some(p) => (r, p),
                    None => continue,
                }
            }
        };
        let pi = placed.len();
        placed.push(Placed {
            cand: best,
            pos: c.pos,
            rank: rank as u8,
            part,
            locked: true,
        });
        let label = format!(
            "forced {}.{}",
            c.reference,
            c.number.clone().unwrap_or_default()
        );
        if !allowed(c.side) {
            violations.push(violation(
                id::SIDE,
                format!(
                    "{label} is probed from the {} side, which pogo.toml does not allow",
                    c.side.as_str()
                ),
                c.pos,
                vec![pi],
            ));
        }
        if c.origin == "forced" && !c.exposed.is_empty() {
            let pad = &board.pads[c.pad.expect("pad")];
            let open = match c.side {
                Side::Top => pad.front_mask,
                Side::Bottom => pad.back_mask,
            };
            if !open {
                violations.push(violation(
                    id::MASK,
                    format!("{label}: pad covered by solder mask"),
                    c.pos,
                    vec![pi],
                ));
            }
        }
        for b in a
            .place_blocks
            .iter()
            .cloned()
            .chain(a.classes[rank].clone().err())
        {
            violations.push(violation(
                b.rule,
                format!("{label}: {}", b.message),
                b.at,
                vec![pi],
            ));
        }
    }
    for l in &config.locked {
        let at = PointMm::new(l.x, l.y);
        let net = board.net_id(&l.net).map(|n| n.0 as usize);
        let host = net.and_then(|net| {
            cands
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.net == net && c.side == l.side && polygons_contain(&c.exposed, at)
                })
                .map(|(ci, c)| (ci, inscribed_radius(&c.exposed, at)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        });
        let Some((ci, radius)) = host else {
            violations.push(violation(
                id::LOCKED_LOST,
                format!(
                    "locked probe of net {} at ({:.3}, {:.3}) {} no longer lies on usable copper of that net; the net is placed afresh",
                    l.net,
                    l.x,
                    l.y,
                    l.side.as_str()
                ),
                at,
                vec![],
            ));
            continue;
        };
        if placed.iter().any(|p| p.cand == ci) {
            continue;
        }
        let a = assess(&cands[ci], at, radius);
        let choice = match &l.part {
            Some(pid) => {
                let part = catalog
                    .parts
                    .iter()
                    .position(|p| &p.id == pid)
                    .expect("checked above");
                let rank = classes
                    .iter()
                    .position(|c| c.name == catalog.parts[part].class)
                    .unwrap_or(classes.len() - 1);
                Some((rank, part))
            }
            None => a
                .classes
                .iter()
                .enumerate()
                .find_map(|(r, x)| x.as_ref().ok().map(|p| (r, *p)))
                .or_else(|| {
                    let r = classes.len() - 1;
                    catalog
                        .parts
                        .iter()
                        .position(|p| p.class == classes[r].name)
                        .map(|p| (r, p))
                }),
        };
        let Some((rank, part)) = choice else { continue };
        let pi = placed.len();
        placed.push(Placed {
            cand: ci,
            pos: at,
            rank: rank as u8,
            part,
            locked: true,
        });
        let label = format!("locked probe of net {}", l.net);
        for b in a
            .place_blocks
            .iter()
            .cloned()
            .chain(a.classes.get(rank).and_then(|x| x.clone().err()))
        {
            violations.push(violation(
                b.rule,
                format!("{label}: {}", b.message),
                b.at,
                vec![pi],
            ));
        }
    }
    // Spacing among the pre-placed probes.
    for i in 0..placed.len() {
        for j in i + 1..placed.len() {
            let (a, b) = (&placed[i], &placed[j]);
            let (ca, cb) = (&cands[a.cand], &cands[b.cand]);
            let (sa, sb) = (
                classes[a.rank as usize].spacing_mm,
                classes[b.rank as usize].spacing_mm,
            );
            if ca.side == cb.side && select::conflicts(a.pos, sa, b.pos, sb) {
                violations.push(violation(
                    id::SPACING,
                    format!(
                        "forced/locked probes on nets {} and {} are {:.2} mm apart ({:.2} required)",
                        board.nets[ca.net].name,
                        board.nets[cb.net].name,
                        a.pos.distance_mm(b.pos),
                        sa.max(sb)
                    ),
                    a.pos,
                    vec![i, j],
                ));
            }
        }
    }

    // ---- selection, side by side in order of preference
    let mut need: Vec<u32> = required.clone();
    for p in &placed {
        let n = cands[p.cand].net;
        need[n] = need[n].saturating_sub(1);
    }
    let preplaced = placed.len();
    for &side in &sides {
        let fixed: Vec<&Placed> = placed
            .iter()
            .filter(|p| cands[p.cand].side == side)
            .collect();
        let mut opts = Vec::new();
        let mut meta = Vec::new();
        for (ci, (c, a)) in cands.iter().zip(&assessed).enumerate() {
            if c.side != side || need[c.net] == 0 || placed.iter().any(|p| p.cand == ci) {
                continue;
            }
            for o in &a.options {
                let spacing = classes[o.rank as usize].spacing_mm;
                let blocked = fixed.iter().any(|p| {
                    select::conflicts(c.pos, spacing, p.pos, classes[p.rank as usize].spacing_mm)
                });
                if !blocked {
                    opts.push(select::Opt {
                        cand: ci,
                        net: c.net,
                        rank: o.rank,
                        pos: c.pos,
                        spacing_mm: spacing,
                    });
                    meta.push(o.part);
                }
            }
        }
        let adj = select::conflict_graph(&opts);
        for k in select::select(&opts, &adj, &mut need) {
            let o = &opts[k];
            placed.push(Placed {
                cand: o.cand,
                pos: o.pos,
                rank: o.rank,
                part: meta[k],
                locked: false,
            });
        }
    }
    debug_assert!(placed.len() >= preplaced);

    // ---- reasons for every testable net still in need
    let placed_per_net = {
        let mut v = vec![0u32; n_nets];
        for p in &placed {
            v[cands[p.cand].net] += 1;
        }
        v
    };
    let mut cands_of: Vec<Vec<usize>> = vec![Vec::new(); n_nets];
    for (ci, c) in cands.iter().enumerate() {
        cands_of[c.net].push(ci);
    }
    let mut unreachable = Vec::new();
    let mut nets_reachable = 0;
    for &n in &testable {
        let reachable = cands_of[n]
            .iter()
            .any(|&ci| allowed(cands[ci].side) && !assessed[ci].options.is_empty())
            || placed.iter().any(|p| cands[p.cand].net == n);
        nets_reachable += reachable as usize;
        if need[n] == 0 {
            continue;
        }
        let name = board.nets[n].name.clone();
        let prefix = if placed_per_net[n] > 0 {
            format!(
                "{} of {} required probes placed; ",
                placed_per_net[n], required[n]
            )
        } else {
            String::new()
        };
        let at = first_place[n];
        let entry = |rule: &str, reason: String, at: Option<PointMm>, conflict: Option<String>| {
            Unreachable {
                net: name.clone(),
                reason: format!("{prefix}{reason}"),
                rule: rule.to_string(),
                at: at.map(|p| [nm(p.x), nm(p.y)]),
                conflict_net: conflict,
            }
        };
        let on_allowed: Vec<usize> = cands_of[n]
            .iter()
            .copied()
            .filter(|&ci| allowed(cands[ci].side))
            .collect();
        if cands_of[n].is_empty() {
            let why = exclusions
                .get(&n)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "no pad or via on an outer layer".into());
            unreachable.push(entry(
                id::NO_CANDIDATE,
                format!("no accessible candidate: {why}"),
                at,
                None,
            ));
        } else if on_allowed.is_empty() {
            let sides: BTreeSet<&str> = cands_of[n]
                .iter()
                .map(|&ci| cands[ci].side.as_str())
                .collect();
            let sides: Vec<&str> = sides.into_iter().collect();
            unreachable.push(entry(
                id::SIDE,
                format!(
                    "accessible only from the {} side, which pogo.toml does not allow",
                    sides.join(" and ")
                ),
                Some(cands[cands_of[n][0]].pos),
                None,
            ));
        } else if !on_allowed
            .iter()
            .any(|&ci| !assessed[ci].options.is_empty())
        {
            let mut tally: BTreeMap<&str, (usize, String, PointMm)> = BTreeMap::new();
            for &ci in &on_allowed {
                let a = &assessed[ci];
                let c = &cands[ci];
                let b = a.place_blocks.first().cloned().or_else(|| {
                    // The most permissive class tells the real reason.
                    a.classes.last().and_then(|r| r.clone().err())
                });
                if let Some(b) = b {
                    let what = match c.kind {
                        TargetKind::Pad => format!(
                            "{} pad {}",
                            c.reference,
                            c.number.clone().unwrap_or_default()
                        ),
                        TargetKind::Via => "via".to_string(),
                    };
                    let e = tally.entry(b.rule).or_insert((
                        0,
                        format!("{what} at ({:.2}, {:.2}): {}", b.at.x, b.at.y, b.message),
                        b.at,
                    ));
                    e.0 += 1;
                }
            }
            let (rule, (count, example, place)) = tally
                .iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.0.cmp(a.0)))
                .map(|(r, v)| (*r, v.clone()))
                .unwrap_or((id::NO_CANDIDATE, (0, String::new(), PointMm::default())));
            let others: Vec<String> = tally
                .iter()
                .filter(|(r, _)| **r != rule)
                .map(|(r, v)| format!("{} by {r}", v.0))
                .collect();
            let more = if others.is_empty() {
                String::new()
            } else {
                format!(" (also {})", others.join(", "))
            };
            unreachable.push(entry(
                rule,
                format!(
                    "every candidate blocked: {count} of {} by {rule}{more}; e.g. {example}",
                    on_allowed.len()
                ),
                Some(place),
                None,
            ));
        } else {
            // Lost to spacing: name the probe that took the place of the best option.
            let mut best: Option<(u8, f64, usize, usize)> = None; // rank, distance, cand, placed idx
            for &ci in &on_allowed {
                for o in &assessed[ci].options {
                    let c = &cands[ci];
                    let sp = classes[o.rank as usize].spacing_mm;
                    for (pi, p) in placed.iter().enumerate() {
                        let pc = &cands[p.cand];
                        if pc.side != c.side {
                            continue;
                        }
                        let psp = classes[p.rank as usize].spacing_mm;
                        if p.cand == ci || select::conflicts(c.pos, sp, p.pos, psp) {
                            let key = (o.rank, -c.pos.distance_mm(p.pos), ci, pi);
                            if best.is_none_or(|b| (key.0, -key.1) < (b.0, -b.1)) {
                                best = Some(key);
                            }
                        }
                    }
                }
            }
            match best {
                Some((rank, negd, ci, pi)) => {
                    let p = &placed[pi];
                    let other = board.nets[cands[p.cand].net].name.clone();
                    let need_mm = classes[rank as usize]
                        .spacing_mm
                        .max(classes[p.rank as usize].spacing_mm);
                    unreachable.push(entry(
                        id::SPACING,
                        format!(
                            "lost to a spacing conflict with net {other}: its probe at ({:.2}, {:.2}) is {:.2} mm from this net's candidate at ({:.2}, {:.2}) ({need_mm:.2} required)",
                            p.pos.x,
                            p.pos.y,
                            -negd,
                            cands[ci].pos.x,
                            cands[ci].pos.y
                        ),
                        Some(cands[ci].pos),
                        Some(other),
                    ));
                }
                None => unreachable.push(entry(
                    id::SPACING,
                    "its candidates are needed by other probes of the same net".into(),
                    at,
                    None,
                )),
            }
        }
    }
    unreachable.sort_by(|a, b| a.net.cmp(&b.net));

    // ---- probes, sorted, with ids
    let mut order: Vec<usize> = (0..placed.len()).collect();
    order.sort_by(|a, b| {
        let (pa, pb) = (&placed[*a], &placed[*b]);
        let (ca, cb) = (&cands[pa.cand], &cands[pb.cand]);
        ca.side
            .cmp(&cb.side)
            .then(nm(pa.pos.y).total_cmp(&nm(pb.pos.y)))
            .then(nm(pa.pos.x).total_cmp(&nm(pb.pos.x)))
            .then(ca.net.cmp(&cb.net))
            .then(a.cmp(b))
    });
    let mut new_id = vec![0usize; placed.len()];
    for (k, &i) in order.iter().enumerate() {
        new_id[i] = k;
    }
    let mut probes = Vec::with_capacity(placed.len());
    let mut by_class: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut parts_used = BTreeSet::new();
    for (k, &i) in order.iter().enumerate() {
        let p = &placed[i];
        let c = &cands[p.cand];
        let part = &catalog.parts[p.part];
        parts_used.insert(p.part);
        *by_class
            .entry(part.class.clone())
            .or_default()
            .entry(c.side.as_str().to_string())
            .or_default() += 1;
        probes.push(Probe {
            id: format!("P{}", k + 1),
            net: board.nets[c.net].name.clone(),
            side: c.side,
            x: nm(p.pos.x),
            y: nm(p.pos.y),
            target: target_of(board, c, p.pos),
            class: part.class.clone(),
            part: part.id.clone(),
            tip: part.tip,
            locked: p.locked,
            working_travel_fraction: None,
            force_n: None,
            receptacle: None,
            channel: None,
            hit_probability: None,
            tip_mean_offset_mm: None,
            tip_cov_mm2: None,
            tip_contact_radius_mm: None,
        });
    }
    let mut parts: Vec<_> = parts_used
        .iter()
        .map(|&i| catalog.parts[i].clone())
        .collect();
    parts.sort_by(|a, b| a.id.cmp(&b.id));
    let rec_ids: BTreeSet<&str> = parts.iter().map(|p| p.receptacle.as_str()).collect();
    let receptacles = catalog
        .receptacles
        .iter()
        .filter(|r| rec_ids.contains(r.id.as_str()))
        .cloned()
        .collect();
    let violations = violations
        .into_iter()
        .map(|(mut v, idx)| {
            let mut ids: Vec<usize> = idx.iter().map(|&i| new_id[i]).collect();
            ids.sort_unstable();
            v.probes = ids.into_iter().map(|k| format!("P{}", k + 1)).collect();
            v
        })
        .collect();
    rules.sides = sides;
    let nets_probed = testable.iter().filter(|&&n| placed_per_net[n] > 0).count();
    Ok(Fixture {
        schema: SCHEMA.to_string(),
        generator: format!("pogo {}", env!("CARGO_PKG_VERSION")),
        board: board_summary(board),
        rules,
        probes,
        parts,
        receptacles,
        coverage: Coverage {
            nets_total,
            nets_testable: testable.len(),
            nets_probed,
            nets_reachable,
            probes_by_class: by_class,
        },
        unreachable,
        violations,
        stackup: None,
        set_height_mm: None,
        tooling: Vec::new(),
        tooling_suggestions: Vec::new(),
        force: None,
        channels: None,
        registration: Some(plan.registration),
        tolerance: None,
        clamshell: None,
    })
}

fn target_of(board: &Board, c: &Candidate, at: PointMm) -> Target {
    let round = |polys: &[pogo_board::PolygonMm]| -> Vec<pogo_board::PolygonMm> {
        let r = |ring: &Vec<PointMm>| {
            ring.iter()
                .map(|p| PointMm::new(nm(p.x), nm(p.y)))
                .collect()
        };
        polys
            .iter()
            .map(|p| pogo_board::PolygonMm {
                outer: r(&p.outer),
                holes: p.holes.iter().map(r).collect(),
            })
            .collect()
    };
    let (x, y, shape, w, h, rotation, corner) = match (c.pad, c.via) {
        (Some(pi), _) => {
            let pad = &board.pads[pi];
            let corner = match pad.shape {
                PadShape::RoundRect { ratio } => ratio * pad.size_mm.w.min(pad.size_mm.h),
                PadShape::Oval => pad.size_mm.w.min(pad.size_mm.h) / 2.0,
                _ => 0.0,
            };
            (
                pad.position.x,
                pad.position.y,
                pad.shape.kicad_name().to_string(),
                pad.size_mm.w,
                pad.size_mm.h,
                pad.rotation_deg,
                corner,
            )
        }
        (None, Some(vi)) => {
            let v = &board.vias[vi];
            (
                v.position.x,
                v.position.y,
                "circle".to_string(),
                v.diameter_mm,
                v.diameter_mm,
                0.0,
                0.0,
            )
        }
        _ => unreachable!("a candidate is a pad or a via"),
    };
    Target {
        kind: c.kind,
        reference: c.reference.clone(),
        number: c.number.clone(),
        x: nm(x),
        y: nm(y),
        shape,
        w,
        h,
        rotation,
        corner_radius_mm: nm(corner),
        drill_mm: c.drill_mm,
        origin: c.origin.to_string(),
        inscribed_radius_mm: nm(inscribed_radius(&c.exposed, at)),
        exposed: round(&c.exposed),
    }
}

/// What kind of body a footprint has, from its library id, value and reference: small
/// passives (R, C, L, D, FB prefixes or `Resistor`/`Capacitor`/`Inductor`/`Diode`
/// libraries), sockets (`socket`, `simm`, `dimm`, `zif`, or a through-hole PLCC), shields
/// (`shield`), connectors (`connector`, `header`, `dsub`, `usb`, `rj45`, or a J/CN/P
/// reference); card-edge fingers, test points and anything else are `Other` (no finger
/// presses it).
pub fn part_body(board: &Board, f: &pogo_board::Footprint) -> PartBody {
    let lib = f.lib_id.to_ascii_lowercase();
    let value = f.value.to_ascii_lowercase();
    let prefix: String = f
        .reference
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    let has = |words: &[&str]| words.iter().any(|w| lib.contains(w) || value.contains(w));
    let through_hole = board.pads[f.pads.clone()]
        .iter()
        .any(|p| p.kind == PadKind::ThruHole);
    if has(&["edge", "buspci", "testpoint", "test_point"]) {
        // The board's own card-edge fingers or a test point: copper, not a body.
        PartBody::Other
    } else if has(&["resistor", "capacitor", "inductor", "diode", "ferrite"])
        || ["R", "C", "L", "D", "FB", "RN"].contains(&prefix.as_str())
    {
        PartBody::Passive
    } else if has(&["shield"]) {
        PartBody::Shield
    } else if has(&["socket", "simm", "sim72", "dimm", "zif"])
        || (lib.contains("plcc") && through_hole)
    {
        PartBody::Socket
    } else if has(&[
        "connector",
        "pinheader",
        "pin_header",
        "dsub",
        "usb",
        "rj45",
        "idc",
    ]) || ["J", "CN", "P"].contains(&prefix.as_str())
    {
        PartBody::Connector
    } else {
        PartBody::Other
    }
}

/// The board facts `fixture.json` carries so it stands alone. `sha256` is left empty:
/// the caller, who has the file's bytes, fills it.
pub fn board_summary(board: &Board) -> BoardSummary {
    let format = match &board.format {
        SourceFormat::KicadPcb { version, .. } => format!("kicad_pcb {version}"),
        SourceFormat::Ipc356 { units } => format!("ipc-d-356 {units}"),
        SourceFormat::Ipc2581 { revision, units } => format!("ipc-2581 {revision} {units}"),
        SourceFormat::OdbPlusPlus { units } => format!("odb++ {units}"),
    };
    let mut bbox = board.outline.as_ref().map(|o| o.bbox).unwrap_or_default();
    if bbox.is_empty() {
        for p in &board.pads {
            bbox.include(p.position);
        }
    }
    let bbox = if bbox.is_empty() {
        [0.0; 4]
    } else {
        bbox.as_array()
    };
    let parts = board
        .footprints
        .iter()
        .map(|f| PartOutline {
            reference: f.reference.clone(),
            side: f.side,
            x: nm(f.position.x),
            y: nm(f.position.y),
            courtyard: geometry::footprint_keepout(board, f),
            height_mm: f.body_height_mm,
            body: part_body(board, f),
        })
        .collect();
    let mut holes = Vec::new();
    for pad in &board.pads {
        let Some(d) = &pad.drill else { continue };
        let mounting = pad
            .footprint
            .and_then(|f| board.footprints.get(f))
            .is_some_and(|f| f.lib_id.to_ascii_lowercase().contains("mountinghole"));
        if pad.kind == PadKind::NpThruHole || mounting {
            holes.push(BoardHole {
                x: nm(pad.position.x),
                y: nm(pad.position.y),
                diameter_mm: d.size_mm.w.min(d.size_mm.h),
                plated: pad.kind != PadKind::NpThruHole,
                reference: pad.reference.clone(),
            });
        }
    }
    BoardSummary {
        file: board.source_name.clone(),
        sha256: String::new(),
        format,
        outline_bbox: bbox,
        thickness_mm: board.thickness_mm.unwrap_or(1.6),
        outline: board
            .outline
            .as_ref()
            .map(|o| o.polygons.clone())
            .unwrap_or_default(),
        parts,
        holes,
    }
}
