//! The phases of [`crate::design`], in order, each a function over the shared [`Ctx`]
//! (what the board and the rules say) and, once probes are placed, the [`Layout`]:
//!
//! 1. [`nets::net_needs`]: which nets need probes and how many;
//! 2. candidates ([`crate::candidates::enumerate`]) and [`assess::Assessor`]: the
//!    single-probe rules on each, then [`assess::side_order`];
//! 3. [`layout::place_forced`], [`layout::place_locked`],
//!    [`layout::check_preplaced_spacing`]: what pogo.toml places, with the rules it
//!    breaks;
//! 4. [`layout::select_probes`]: the conflict graph and the selection, side by side;
//! 5. [`unreachable::report`]: why each net in need has too few probes;
//! 6. [`assemble::fixture`]: probe ids, parts, coverage, the [`pogo_fixture::Fixture`].

pub(crate) mod assemble;
pub(crate) mod assess;
pub(crate) mod layout;
pub(crate) mod nets;
pub(crate) mod unreachable;

#[cfg(test)]
pub(crate) mod test_board;

use crate::candidates::{Candidate, Exclusions};
use crate::config::DesignConfig;
use crate::rules::ClassRule;
use assess::{Assessed, Assessor};
pub(crate) use layout::Layout;
use nets::NetNeeds;
use pogo_board::{Board, Side};
use pogo_catalog::Catalog;
use pogo_fixture::DesignRules;

/// Rounds to 1 nm so `fixture.json` does not depend on float noise.
pub(crate) fn nm(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// What every phase after the assessment reads: the inputs, the effective rules, the
/// candidates with the rules' verdict on each, and the sides in order of preference.
pub(crate) struct Ctx<'a> {
    pub(crate) board: &'a Board,
    pub(crate) catalog: &'a Catalog,
    pub(crate) config: &'a DesignConfig,
    pub(crate) rules: &'a DesignRules,
    /// The allowed classes, largest first.
    pub(crate) classes: &'a [ClassRule],
    pub(crate) nets: NetNeeds,
    pub(crate) cands: Vec<Candidate>,
    pub(crate) exclusions: Exclusions,
    pub(crate) assessor: Assessor<'a>,
    /// One per candidate.
    pub(crate) assessed: Vec<Assessed>,
    pub(crate) sides: Vec<Side>,
}

impl Ctx<'_> {
    /// Whether probes may touch `side`.
    pub(crate) fn allowed(&self, side: Side) -> bool {
        self.sides.contains(&side)
    }

    /// The centre spacing of the class of `rank`, mm.
    pub(crate) fn spacing_mm(&self, rank: u8) -> f64 {
        self.classes[rank as usize].spacing_mm
    }
}
