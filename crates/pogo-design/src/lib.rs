//! pogo-design: the probe layout of a fixture, without I/O.
//!
//! [`design`] takes a [`Board`], a probe [`Catalog`] and the engineer's intent
//! ([`DesignConfig`], the `[design]` table of `pogo.toml`) and returns a [`Fixture`]
//! with the probes, the effective rules, coverage against its upper bound, every
//! testable net left without a probe (with the reason), and the rules broken by
//! forced or locked probes (the selector itself never breaks one).
//!
//! Pipeline (each phase a function in `phases/`): net needs -> candidates (test
//! points, through-hole pads from the side opposite their component, vias with open
//! mask, optionally component SMD pads) -> single-probe rules (usable copper admits the
//! class's minimum pad, via drill against tip, outline, courtyards, tooling holes) ->
//! forced and locked probes -> selection (conflict graph on an R-tree; greedy, local
//! improvement, exact branch and bound on small conflict components) -> unreachable
//! report -> assembly of the [`Fixture`].

#![warn(missing_docs)]

mod candidates;
pub mod config;
mod geometry;
mod phases;
mod registration;
pub mod revision;
mod rules;
mod select;
mod summary;

pub use config::DesignConfig;
pub use summary::{board_summary, part_body};

use geometry::inscribed_radius;
use phases::assemble::{self, Findings};
use phases::assess::{self, Assessor};
use phases::{Ctx, Layout, layout, nets, unreachable};
use pogo_board::Board;
use pogo_catalog::Catalog;
use pogo_fixture::{DesignRules, Fixture};
use rules::{ClassRule, PlaceChecker};

/// Why a design could not be made (bad intent; findings on the board are data).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DesignError {
    /// The `[design]` table asks for something impossible (the message names the key).
    #[error("{0}")]
    Config(String),
    /// A nest is cut to the board outline, and the board has none.
    #[error(
        "{file}: the board has no closed outline (Edge.Cuts), and a nest is cut to it ({why}); draw the outline, or set registration = \"tooling_pins\" in pogo.toml"
    )]
    NoOutline {
        /// The board file.
        file: String,
        /// Why a nest is used.
        why: String,
    },
}

/// The result of a design.
pub type Result<T, E = DesignError> = std::result::Result<T, E>;

/// Designs the probe layout of `board`.
pub fn design(board: &Board, catalog: &Catalog, config: &DesignConfig) -> Result<Fixture> {
    let (mut rules, classes) = rules::effective_rules(catalog, config)?;
    let plan = registration::plan(board, catalog, config, &rules)?;
    rules.outline_clearance_mm = plan.outline_clearance_mm;
    check_locked_parts(catalog, config)?;
    let ctx = assess_board(board, catalog, config, &rules, &classes);
    let mut layout = Layout::default();
    layout::place_forced(&ctx, &mut layout);
    layout::place_locked(&ctx, &mut layout);
    layout::check_preplaced_spacing(&ctx, &mut layout);
    let mut need = layout::remaining_need(&ctx, &layout);
    layout::select_probes(&ctx, &mut layout, &mut need);
    let (unreachable, nets_reachable) = unreachable::report(&ctx, &layout, &need);
    let findings = Findings {
        unreachable,
        nets_reachable,
    };
    Ok(assemble::fixture(&ctx, layout, findings, plan.registration))
}

/// Every `part` a `[[design.locked]]` entry names is in the catalog.
fn check_locked_parts(catalog: &Catalog, config: &DesignConfig) -> Result<()> {
    for l in &config.locked {
        if let Some(part) = &l.part
            && catalog.part(part).is_none()
        {
            return Err(DesignError::Config(format!(
                "design.locked: part `{part}` is not in the catalog"
            )));
        }
    }
    Ok(())
}

/// Phases 1 and 2: the nets' needs, the candidates and the single-probe rules' verdict
/// on each, and the order of the sides.
fn assess_board<'a>(
    board: &'a Board,
    catalog: &'a Catalog,
    config: &'a DesignConfig,
    rules: &'a DesignRules,
    classes: &'a [ClassRule],
) -> Ctx<'a> {
    let nets = nets::net_needs(board, rules, config);
    let (mut cands, exclusions) = candidates::enumerate(board, rules);
    for c in &mut cands {
        c.radius_mm = inscribed_radius(&c.exposed, c.pos);
    }
    let assessor = Assessor {
        catalog,
        rules,
        classes,
        checker: PlaceChecker::new(board, rules),
    };
    let assessed: Vec<_> = cands
        .iter()
        .map(|c| assessor.assess(c, c.pos, c.radius_mm))
        .collect();
    let sides = assess::side_order(&config.sides, rules, &cands, &assessed, &nets.required);
    Ctx {
        board,
        catalog,
        config,
        rules,
        classes,
        nets,
        cands,
        exclusions,
        assessor,
        assessed,
        sides,
    }
}
