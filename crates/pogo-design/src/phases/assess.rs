//! Phase 2: the single-probe rules on every candidate, and the order of the sides.

use crate::candidates::Candidate;
use crate::config::{SideChoice, SidesConfig};
use crate::rules::{Block, ClassRule, PlaceChecker, choose_part};
use pogo_board::{PointMm, Side};
use pogo_catalog::Catalog;
use pogo_fixture::{DesignRules, RuleId};
use std::collections::BTreeSet;

/// One probe option of a candidate: a class that passes every single-probe rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CandOption {
    /// Index into the allowed classes (largest first).
    pub(crate) rank: u8,
    /// Index into `Catalog::parts`.
    pub(crate) part: usize,
}

/// What the single-probe rules say of one candidate.
#[derive(Debug, Clone)]
pub(crate) struct Assessed {
    /// The class-independent rules the place breaks.
    pub(crate) place_blocks: Vec<Block>,
    /// Per class rank: the part or the rule that stops the class.
    pub(crate) classes: Vec<Result<usize, Block>>,
    /// The classes that pass every rule (empty when the place is blocked).
    pub(crate) options: Vec<CandOption>,
}

impl Assessed {
    /// The first class (largest) with a fitting part.
    pub(crate) fn first_fit(&self) -> Option<(usize, usize)> {
        self.classes
            .iter()
            .enumerate()
            .find_map(|(r, x)| x.as_ref().ok().map(|p| (r, *p)))
    }
}

/// Applies the single-probe rules: the place checks and, per class, the minimum pad
/// and the choice of a part.
pub(crate) struct Assessor<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) rules: &'a DesignRules,
    pub(crate) classes: &'a [ClassRule],
    pub(crate) checker: PlaceChecker<'a>,
}

impl Assessor<'_> {
    /// The rules' verdict on a probe at `pos` on candidate `c`, where the exposed copper
    /// admits a circle of `radius`.
    pub(crate) fn assess(&self, c: &Candidate, pos: PointMm, radius: f64) -> Assessed {
        let place_blocks = self.checker.check(pos, c.side, c.footprint);
        let mut classes = Vec::new();
        let mut options = Vec::new();
        for (rank, class) in self.classes.iter().enumerate() {
            let r = self.class_fit(c, class, pos, radius);
            if let Ok(part) = r
                && place_blocks.is_empty()
            {
                options.push(CandOption {
                    rank: rank as u8,
                    part,
                });
            }
            classes.push(r);
        }
        Assessed {
            place_blocks,
            classes,
            options,
        }
    }

    /// The part of `class` for the candidate, or the rule that stops the class.
    fn class_fit(
        &self,
        c: &Candidate,
        class: &ClassRule,
        pos: PointMm,
        radius: f64,
    ) -> Result<usize, Block> {
        if 2.0 * radius < class.min_pad_mm - 1e-6 {
            return Err(Block {
                rule: RuleId::MinPad,
                message: format!(
                    "exposed copper admits a {:.2} mm circle, {} needs {:.2} mm",
                    (2.0 * radius).max(0.0),
                    class.name,
                    class.min_pad_mm
                ),
                at: pos,
            });
        }
        choose_part(self.catalog, &class.name, c.tip_target, self.rules).map_err(
            |(rule, message)| Block {
                rule,
                message,
                at: pos,
            },
        )
    }

    /// The last-resort part of a forced or locked probe no class fits: the smallest
    /// class's first catalog part.
    pub(crate) fn smallest_class_part(&self) -> Option<(usize, usize)> {
        let r = self.classes.len() - 1;
        self.catalog
            .parts
            .iter()
            .position(|p| p.class == self.classes[r].name)
            .map(|p| (r, p))
    }
}

/// The sides in order of preference: an explicit list as given, or for `both` the side
/// that reaches more testable nets first (top on a tie).
pub(crate) fn side_order(
    sides: &SidesConfig,
    rules: &DesignRules,
    cands: &[Candidate],
    assessed: &[Assessed],
    required: &[u32],
) -> Vec<Side> {
    if !matches!(sides, SidesConfig::One(SideChoice::Both)) {
        return rules.sides.clone();
    }
    let reach_on = |side: Side| -> usize {
        cands
            .iter()
            .zip(assessed)
            .filter(|(c, a)| c.side == side && !a.options.is_empty() && required[c.net] > 0)
            .map(|(c, _)| c.net)
            .collect::<BTreeSet<usize>>()
            .len()
    };
    if reach_on(Side::Bottom) > reach_on(Side::Top) {
        vec![Side::Bottom, Side::Top]
    } else {
        vec![Side::Top, Side::Bottom]
    }
}
