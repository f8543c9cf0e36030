//! Phase 5: why every testable net still in need has no (or too few) probes.

use super::Ctx;
use super::layout::Layout;
use crate::select;
use pogo_board::PointMm;
use pogo_fixture::{RuleId, TargetKind, Unreachable};
use std::collections::{BTreeMap, BTreeSet};

/// The unreachable nets (sorted by name) and the count of reachable testable nets
/// (the coverage's upper bound).
pub(crate) fn report(ctx: &Ctx, layout: &Layout, need: &[u32]) -> (Vec<Unreachable>, usize) {
    let n_nets = ctx.board.nets.len();
    let mut placed_per_net = vec![0u32; n_nets];
    for p in &layout.placed {
        placed_per_net[ctx.cands[p.cand].net] += 1;
    }
    let mut cands_of: Vec<Vec<usize>> = vec![Vec::new(); n_nets];
    for (ci, c) in ctx.cands.iter().enumerate() {
        cands_of[c.net].push(ci);
    }
    let mut unreachable = Vec::new();
    let mut nets_reachable = 0;
    for &n in &ctx.nets.testable {
        let reachable = cands_of[n]
            .iter()
            .any(|&ci| ctx.allowed(ctx.cands[ci].side) && !ctx.assessed[ci].options.is_empty())
            || placed_per_net[n] > 0;
        nets_reachable += reachable as usize;
        if need[n] == 0 {
            continue;
        }
        let (rule, reason, at, conflict_net) = why_unreachable(ctx, layout, n, &cands_of[n]);
        let prefix = if placed_per_net[n] > 0 {
            format!(
                "{} of {} required probes placed; ",
                placed_per_net[n], ctx.nets.required[n]
            )
        } else {
            String::new()
        };
        unreachable.push(Unreachable {
            net: ctx.board.nets[n].name.clone(),
            reason: format!("{prefix}{reason}"),
            rule,
            at: at.map(|p| [super::nm(p.x), super::nm(p.y)]),
            conflict_net,
        });
    }
    unreachable.sort_by(|a, b| a.net.cmp(&b.net));
    (unreachable, nets_reachable)
}

/// The rule, reason, place and winning net of one net in need.
type Why = (RuleId, String, Option<PointMm>, Option<String>);

fn why_unreachable(ctx: &Ctx, layout: &Layout, n: usize, cands: &[usize]) -> Why {
    let on_allowed: Vec<usize> = cands
        .iter()
        .copied()
        .filter(|&ci| ctx.allowed(ctx.cands[ci].side))
        .collect();
    if cands.is_empty() {
        no_candidate(ctx, n)
    } else if on_allowed.is_empty() {
        let sides: BTreeSet<&str> = cands
            .iter()
            .map(|&ci| ctx.cands[ci].side.as_str())
            .collect();
        let sides: Vec<&str> = sides.into_iter().collect();
        (
            RuleId::Side,
            format!(
                "accessible only from the {} side, which pogo.toml does not allow",
                sides.join(" and ")
            ),
            Some(ctx.cands[cands[0]].pos),
            None,
        )
    } else if !on_allowed
        .iter()
        .any(|&ci| !ctx.assessed[ci].options.is_empty())
    {
        all_blocked(ctx, &on_allowed)
    } else {
        lost_to_spacing(ctx, layout, n, &on_allowed)
    }
}

/// A net with no candidate at all: the exclusions counted, or no outer copper.
fn no_candidate(ctx: &Ctx, n: usize) -> Why {
    let why = ctx
        .exclusions
        .get(&n)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{v} {}", k.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|| "no pad or via on an outer layer".into());
    (
        RuleId::NoCandidate,
        format!("no accessible candidate: {why}"),
        ctx.nets.first_place[n],
        None,
    )
}

/// Every candidate on an allowed side blocked: the rule that blocks most, with an
/// example, and the counts of the others.
fn all_blocked(ctx: &Ctx, on_allowed: &[usize]) -> Why {
    let mut tally: BTreeMap<RuleId, (usize, String, PointMm)> = BTreeMap::new();
    for &ci in on_allowed {
        let a = &ctx.assessed[ci];
        let c = &ctx.cands[ci];
        let b = a.place_blocks.first().cloned().or_else(|| {
            // The most permissive class tells the real reason.
            a.classes.last().and_then(|r| r.clone().err())
        });
        if let Some(b) = b {
            let what = match c.kind() {
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
        .unwrap_or((RuleId::NoCandidate, (0, String::new(), PointMm::default())));
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
    (
        rule,
        format!(
            "every candidate blocked: {count} of {} by {rule}{more}; e.g. {example}",
            on_allowed.len()
        ),
        Some(place),
        None,
    )
}

/// Lost to spacing: names the probe that took the place of the best option.
fn lost_to_spacing(ctx: &Ctx, layout: &Layout, n: usize, on_allowed: &[usize]) -> Why {
    // rank, distance, cand, placed idx
    let mut best: Option<(u8, f64, usize, usize)> = None;
    for &ci in on_allowed {
        let c = &ctx.cands[ci];
        for o in &ctx.assessed[ci].options {
            let sp = ctx.spacing_mm(o.rank);
            for (pi, p) in layout.placed.iter().enumerate() {
                if ctx.cands[p.cand].side != c.side {
                    continue;
                }
                if p.cand == ci || select::conflicts(c.pos, sp, p.pos, ctx.spacing_mm(p.rank)) {
                    let key = (o.rank, -c.pos.distance_mm(p.pos), ci, pi);
                    if best.is_none_or(|b| (key.0, -key.1) < (b.0, -b.1)) {
                        best = Some(key);
                    }
                }
            }
        }
    }
    let Some((rank, negd, ci, pi)) = best else {
        return (
            RuleId::Spacing,
            "its candidates are needed by other probes of the same net".into(),
            ctx.nets.first_place[n],
            None,
        );
    };
    let p = &layout.placed[pi];
    let other = ctx.board.nets[ctx.cands[p.cand].net].name.clone();
    let need_mm = ctx.spacing_mm(rank).max(ctx.spacing_mm(p.rank));
    let at = ctx.cands[ci].pos;
    (
        RuleId::Spacing,
        format!(
            "lost to a spacing conflict with net {other}: its probe at ({:.2}, {:.2}) is {:.2} mm from this net's candidate at ({:.2}, {:.2}) ({need_mm:.2} required)",
            p.pos.x, p.pos.y, -negd, at.x, at.y
        ),
        Some(at),
        Some(other),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DesignConfig;
    use crate::phases::layout::{remaining_need, select_probes};
    use crate::phases::test_board;

    /// Two nets whose test points all lie within one P100 spacing: one gets the probe,
    /// the other is reported lost to it, with both places.
    #[test]
    fn a_net_lost_to_spacing_names_the_winner() {
        let board = test_board::board(&[
            ("A", 10.0, 10.0),
            ("A", 10.0, 11.0),
            ("B", 11.0, 10.0),
            ("B", 11.0, 11.0),
        ]);
        let config = DesignConfig {
            classes: vec!["P100".into()],
            ..DesignConfig::default()
        };
        test_board::with_ctx(&board, &config, |ctx| {
            let mut layout = Layout::default();
            let mut need = remaining_need(ctx, &layout);
            assert_eq!(need.iter().sum::<u32>(), 2);
            select_probes(ctx, &mut layout, &mut need);
            assert_eq!(layout.placed.len(), 1);
            let (unreachable, reachable) = report(ctx, &layout, &need);
            assert_eq!(
                reachable, 2,
                "both nets have candidates that pass every rule"
            );
            assert_eq!(unreachable.len(), 1);
            let u = &unreachable[0];
            let winner = ctx.board.nets[ctx.cands[layout.placed[0].cand].net]
                .name
                .clone();
            assert_eq!(u.rule, RuleId::Spacing);
            assert_eq!(u.conflict_net.as_deref(), Some(winner.as_str()));
            assert_ne!(u.net, winner);
            assert!(
                u.reason
                    .starts_with(&format!("lost to a spacing conflict with net {winner}"))
                    && u.reason.contains("(2.54 required)"),
                "{}",
                u.reason
            );
        });
    }

    /// A net whose pads are all excluded says how many of each and why.
    #[test]
    fn a_net_without_candidates_counts_the_exclusions() {
        let mut board = test_board::board(&[("A", 10.0, 10.0), ("A", 20.0, 10.0)]);
        for pad in &mut board.pads {
            pad.front_mask = false;
        }
        let config = DesignConfig::default();
        test_board::with_ctx(&board, &config, |ctx| {
            let layout = Layout::default();
            let need = remaining_need(ctx, &layout);
            let (unreachable, reachable) = report(ctx, &layout, &need);
            assert_eq!(reachable, 0);
            assert_eq!(unreachable[0].rule, RuleId::NoCandidate);
            assert_eq!(
                unreachable[0].reason,
                "no accessible candidate: 2 pads under solder mask"
            );
            assert_eq!(unreachable[0].at, Some([10.0, 10.0]));
        });
    }
}
