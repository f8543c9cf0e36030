//! Phases 3 and 4: the probes pogo.toml places (forced pads, locked probes) with the
//! rules they break, then the selection of the rest side by side.

use super::Ctx;
use crate::geometry::{inscribed_radius, polygons_contain};
use crate::rules::Block;
use crate::select;
use pogo_board::{PointMm, Side};
use pogo_fixture::{RuleId, TargetOrigin};
use std::collections::BTreeMap;

/// A probe before ids are given.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    /// Index into the candidates.
    pub(crate) cand: usize,
    pub(crate) pos: PointMm,
    /// Index into the allowed classes.
    pub(crate) rank: u8,
    /// Index into `Catalog::parts`.
    pub(crate) part: usize,
    /// Forced or locked in pogo.toml.
    pub(crate) locked: bool,
}

/// A broken rule before the probes have ids: the indices of its probes in `placed`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PendingViolation {
    pub(crate) rule: RuleId,
    pub(crate) message: String,
    pub(crate) at: PointMm,
    pub(crate) probes: Vec<usize>,
}

/// The state the placing phases build: the probes so far and the rules they break.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    pub(crate) placed: Vec<Placed>,
    pub(crate) violations: Vec<PendingViolation>,
}

impl Layout {
    fn violate(&mut self, rule: RuleId, message: String, at: PointMm, probes: Vec<usize>) {
        self.violations.push(PendingViolation {
            rule,
            message,
            at,
            probes,
        });
    }

    /// Records each block as a violation of probe `pi`, its message after `label`.
    fn violate_all(&mut self, blocks: impl IntoIterator<Item = Block>, label: &str, pi: usize) {
        for b in blocks {
            self.violate(b.rule, format!("{label}: {}", b.message), b.at, vec![pi]);
        }
    }

    fn place(&mut self, cand: usize, pos: PointMm, rank: usize, part: usize) -> usize {
        self.placed.push(Placed {
            cand,
            pos,
            rank: rank as u8,
            part,
            locked: true,
        });
        self.placed.len() - 1
    }

    /// Whether a candidate already carries a probe.
    fn holds(&self, cand: usize) -> bool {
        self.placed.iter().any(|p| p.cand == cand)
    }
}

/// Places one probe per forced pad (on the candidate of the preferred side that passes
/// the rules, if any) and records every rule it breaks.
pub(crate) fn place_forced(ctx: &Ctx, layout: &mut Layout) {
    let mut forced_pads: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (ci, c) in ctx.cands.iter().enumerate() {
        if c.forced
            && let Some(p) = c.pad()
        {
            forced_pads.entry(p).or_default().push(ci);
        }
    }
    let side_rank = |s: Side| ctx.sides.iter().position(|x| *x == s).unwrap_or(usize::MAX);
    for cis in forced_pads.values() {
        let best = cis
            .iter()
            .copied()
            .min_by_key(|&ci| {
                (
                    ctx.assessed[ci].options.is_empty(),
                    side_rank(ctx.cands[ci].side),
                    ci,
                )
            })
            .expect("non-empty");
        let (c, a) = (&ctx.cands[best], &ctx.assessed[best]);
        // No class fits: the smallest class with any contact part.
        let Some((rank, part)) = a.first_fit().or_else(|| ctx.assessor.smallest_class_part())
        else {
            continue;
        };
        let pi = layout.place(best, c.pos, rank, part);
        let label = format!(
            "forced {}.{}",
            c.reference,
            c.number.clone().unwrap_or_default()
        );
        if !ctx.allowed(c.side) {
            layout.violate(
                RuleId::Side,
                format!(
                    "{label} is probed from the {} side, which pogo.toml does not allow",
                    c.side.as_str()
                ),
                c.pos,
                vec![pi],
            );
        }
        if c.origin == TargetOrigin::Forced && !c.exposed.is_empty() {
            let pad = &ctx.board.pads[c.pad().expect("pad")];
            let open = match c.side {
                Side::Top => pad.front_mask,
                Side::Bottom => pad.back_mask,
            };
            if !open {
                layout.violate(
                    RuleId::MaskClosed,
                    format!("{label}: pad covered by solder mask"),
                    c.pos,
                    vec![pi],
                );
            }
        }
        let blocks = a
            .place_blocks
            .iter()
            .cloned()
            .chain(a.classes[rank].clone().err());
        layout.violate_all(blocks, &label, pi);
    }
}

/// Places the locked probes of pogo.toml where they were, on the candidate of their net
/// that holds the place (the widest copper there); a lock whose place is no longer on
/// usable copper of its net is reported and its net placed afresh.
pub(crate) fn place_locked(ctx: &Ctx, layout: &mut Layout) {
    for l in &ctx.config.locked {
        let at = PointMm::new(l.x, l.y);
        let net = ctx.board.net_id(&l.net).map(|n| n.0 as usize);
        let host = net.and_then(|net| {
            ctx.cands
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.net == net && c.side == l.side && polygons_contain(&c.exposed, at)
                })
                .map(|(ci, c)| (ci, inscribed_radius(&c.exposed, at)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        });
        let Some((ci, radius)) = host else {
            layout.violate(
                RuleId::LockedProbeLost,
                format!(
                    "locked probe of net {} at ({:.3}, {:.3}) {} no longer lies on usable copper of that net; the net is placed afresh",
                    l.net,
                    l.x,
                    l.y,
                    l.side.as_str()
                ),
                at,
                vec![],
            );
            continue;
        };
        if layout.holds(ci) {
            continue;
        }
        let a = ctx.assessor.assess(&ctx.cands[ci], at, radius);
        let choice = match &l.part {
            Some(pid) => {
                let part = ctx
                    .catalog
                    .parts
                    .iter()
                    .position(|p| &p.id == pid)
                    .expect("checked in check_locked_parts");
                let rank = ctx
                    .classes
                    .iter()
                    .position(|c| c.name == ctx.catalog.parts[part].class)
                    .unwrap_or(ctx.classes.len() - 1);
                Some((rank, part))
            }
            None => a.first_fit().or_else(|| ctx.assessor.smallest_class_part()),
        };
        let Some((rank, part)) = choice else { continue };
        let pi = layout.place(ci, at, rank, part);
        let label = format!("locked probe of net {}", l.net);
        let blocks = a
            .place_blocks
            .iter()
            .cloned()
            .chain(a.classes.get(rank).and_then(|x| x.clone().err()));
        layout.violate_all(blocks, &label, pi);
    }
}

/// Records every pair of pre-placed probes on one side closer than their classes allow.
pub(crate) fn check_preplaced_spacing(ctx: &Ctx, layout: &mut Layout) {
    let mut found = Vec::new();
    for (i, a) in layout.placed.iter().enumerate() {
        for (j, b) in layout.placed.iter().enumerate().skip(i + 1) {
            let (ca, cb) = (&ctx.cands[a.cand], &ctx.cands[b.cand]);
            let (sa, sb) = (ctx.spacing_mm(a.rank), ctx.spacing_mm(b.rank));
            if ca.side == cb.side && select::conflicts(a.pos, sa, b.pos, sb) {
                found.push(PendingViolation {
                    rule: RuleId::Spacing,
                    message: format!(
                        "forced/locked probes on nets {} and {} are {:.2} mm apart ({:.2} required)",
                        ctx.board.nets[ca.net].name,
                        ctx.board.nets[cb.net].name,
                        a.pos.distance_mm(b.pos),
                        sa.max(sb)
                    ),
                    at: a.pos,
                    probes: vec![i, j],
                });
            }
        }
    }
    layout.violations.extend(found);
}

/// What each net still needs once the pre-placed probes count.
pub(crate) fn remaining_need(ctx: &Ctx, layout: &Layout) -> Vec<u32> {
    let mut need = ctx.nets.required.clone();
    for p in &layout.placed {
        let n = ctx.cands[p.cand].net;
        need[n] = need[n].saturating_sub(1);
    }
    need
}

/// Chooses the rest of the probes side by side in order of preference: the options
/// clear of the probes already on the side, their conflict graph, and the selection
/// (which breaks no rule). `need` is lowered as nets get probes.
pub(crate) fn select_probes(ctx: &Ctx, layout: &mut Layout, need: &mut [u32]) {
    for &side in &ctx.sides {
        let (opts, parts) = side_options(ctx, layout, side, need);
        let adj = select::conflict_graph(&opts);
        for k in select::select(&opts, &adj, need) {
            let o = &opts[k];
            layout.placed.push(Placed {
                cand: o.cand,
                pos: o.pos,
                rank: o.rank,
                part: parts[k],
                locked: false,
            });
        }
    }
}

/// The options on `side` for nets still in need, clear of the probes placed there,
/// with the catalog part of each.
fn side_options(
    ctx: &Ctx,
    layout: &Layout,
    side: Side,
    need: &[u32],
) -> (Vec<select::Opt>, Vec<usize>) {
    let fixed: Vec<&Placed> = layout
        .placed
        .iter()
        .filter(|p| ctx.cands[p.cand].side == side)
        .collect();
    let mut opts = Vec::new();
    let mut parts = Vec::new();
    for (ci, (c, a)) in ctx.cands.iter().zip(&ctx.assessed).enumerate() {
        if c.side != side || need[c.net] == 0 || layout.holds(ci) {
            continue;
        }
        for o in &a.options {
            let spacing = ctx.spacing_mm(o.rank);
            let blocked = fixed
                .iter()
                .any(|p| select::conflicts(c.pos, spacing, p.pos, ctx.spacing_mm(p.rank)));
            if !blocked {
                opts.push(select::Opt {
                    cand: ci,
                    net: c.net,
                    rank: o.rank,
                    pos: c.pos,
                    spacing_mm: spacing,
                });
                parts.push(o.part);
            }
        }
    }
    (opts, parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DesignConfig;
    use crate::phases::test_board;

    /// A forced pad under the mask is probed all the same, and the closed mask is a
    /// violation of that probe; a forced pad on the bottom of a top-only fixture breaks
    /// the side rule too.
    #[test]
    fn forced_pads_are_placed_with_the_rules_they_break() {
        let mut board = test_board::board(&[("A", 10.0, 10.0), ("A", 30.0, 10.0)]);
        board.pads[0].front_mask = false;
        let config = DesignConfig {
            forced: vec!["TP1".into()],
            sides: crate::config::SidesConfig::List(vec![Side::Bottom]),
            ..DesignConfig::default()
        };
        test_board::with_ctx(&board, &config, |ctx| {
            let mut layout = Layout::default();
            place_forced(ctx, &mut layout);
            assert_eq!(layout.placed.len(), 1);
            assert!(layout.placed[0].locked);
            assert_eq!(layout.placed[0].pos, PointMm::new(10.0, 10.0));
            let rules: Vec<RuleId> = layout.violations.iter().map(|v| v.rule).collect();
            assert_eq!(rules, [RuleId::Side, RuleId::MaskClosed]);
            assert!(layout.violations.iter().all(|v| v.probes == [0]));
            assert_eq!(remaining_need(ctx, &layout)[1], 0);
        });
    }

    /// Two locked probes closer than their classes allow are one spacing violation.
    #[test]
    fn locked_probes_too_close_are_a_spacing_violation() {
        let board = test_board::board(&[
            ("A", 10.0, 10.0),
            ("A", 30.0, 10.0),
            ("B", 11.0, 10.0),
            ("B", 30.0, 20.0),
        ]);
        let lock = |net: &str, x: f64| crate::config::LockedProbe {
            net: net.into(),
            side: Side::Top,
            x,
            y: 10.0,
            part: Some("P100-SPEAR".into()),
        };
        let config = DesignConfig {
            locked: vec![lock("A", 10.0), lock("B", 11.0), lock("B", 50.0)],
            ..DesignConfig::default()
        };
        test_board::with_ctx(&board, &config, |ctx| {
            let mut layout = Layout::default();
            place_locked(ctx, &mut layout);
            assert_eq!(layout.placed.len(), 2);
            let lost: Vec<&PendingViolation> = layout
                .violations
                .iter()
                .filter(|v| v.rule == RuleId::LockedProbeLost)
                .collect();
            assert_eq!(lost.len(), 1, "the lock at x = 50 lies on no copper");
            check_preplaced_spacing(ctx, &mut layout);
            let spacing: Vec<&PendingViolation> = layout
                .violations
                .iter()
                .filter(|v| v.rule == RuleId::Spacing)
                .collect();
            assert_eq!(spacing.len(), 1);
            assert_eq!(spacing[0].probes, [0, 1]);
            assert!(spacing[0].message.contains("1.00 mm apart (2.54 required)"));
        });
    }
}
