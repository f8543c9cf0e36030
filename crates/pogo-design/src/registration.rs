//! Registration and the kind of fixture: how the board will be held where the probes
//! expect it (guide pins in its tooling holes, or a nest cut to its outline), and the
//! edge rule that follows from the kind of fixture and the registration.
//!
//! Figures and their sources are in `../shared/reference/fixture-practice.md`:
//! - every board-edge rule in the DFT guides (0.100-0.125 in) is there for the gasket
//!   of a vacuum fixture; a mechanically clamped board needs none of it;
//! - a nest pocket is the outline offset outward by 0.1 mm (routed edge) or 0.2 mm
//!   (V-scored), and a probe passing through the nest needs a clearance hole of the
//!   tip diameter + 1 mm (FixturFab, "Cradles").

use crate::DesignError;
use crate::config::DesignConfig;
use pogo_board::{Board, PadKind, PointMm};
use pogo_catalog::Catalog;
use pogo_fixture::{
    DesignRules, FixtureKind, KindRule, NEST_HOLE_MARGIN_MM, Registration, RegistrationKind,
    RegistrationRequest, RuleId,
};

/// Vacuum gasket edge rule: 0.125 in (IPC TechNet DFT figures, for the vacuum seal).
pub(crate) const VACUUM_EDGE_MM: f64 = 3.175;
/// Default fab tolerance of the board outline, plus/minus mm (pcbbaltic, rfessentials
/// precision routing).
pub(crate) const DEFAULT_OUTLINE_TOLERANCE_MM: f64 = 0.1;
/// Largest hole a tooling pin goes in, mm (the mechanics' default `tooling_max_hole_mm`).
pub(crate) const TOOLING_MAX_HOLE_MM: f64 = 6.5;

/// The registration decided before the probes are chosen, with the edge rule value it
/// implies (`None` when `pogo.toml` sets `outline_clearance_mm` itself).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RegistrationPlan {
    pub(crate) registration: Registration,
    pub(crate) outline_clearance_mm: f64,
}

/// Checks the registration settings and decides the registration.
pub(crate) fn plan(
    board: &Board,
    catalog: &Catalog,
    config: &DesignConfig,
    rules: &DesignRules,
) -> Result<RegistrationPlan, DesignError> {
    let clearance_mm = config
        .nest_clearance_mm
        .unwrap_or(config.outline_edge.default_clearance_mm());
    if !(clearance_mm.is_finite() && (0.0..=5.0).contains(&clearance_mm)) {
        return Err(DesignError::Config(format!(
            "design.nest_clearance_mm: {clearance_mm} is not a nest clearance (expected a length from 0 to 5 mm)"
        )));
    }
    let outline_tolerance_mm = config
        .outline_tolerance_mm
        .unwrap_or(DEFAULT_OUTLINE_TOLERANCE_MM);
    if !(outline_tolerance_mm.is_finite() && (0.0..=2.0).contains(&outline_tolerance_mm)) {
        return Err(DesignError::Config(format!(
            "design.outline_tolerance_mm: {outline_tolerance_mm} is not an outline tolerance (expected a length from 0 to 2 mm)"
        )));
    }
    let holes = usable_tooling_holes(board, rules);
    let (mut kind, mut reason) = choose_kind(config.registration, &holes, board);
    let closed = board
        .outline
        .as_ref()
        .is_some_and(|o| !o.polygons.is_empty());
    if config.registration == RegistrationRequest::Auto && kind == RegistrationKind::Nest && !closed
    {
        // A netlist without an outline: no nest can be cut; places for tooling holes
        // are suggested instead.
        kind = RegistrationKind::ToolingPins;
        reason = format!(
            "{reason}; but the board file gives no closed outline to cut a nest to, so tooling pins in holes to add"
        );
    }
    if kind == RegistrationKind::Nest && !closed {
        return Err(DesignError::NoOutline {
            file: board.source_name.clone(),
            why: reason,
        });
    }
    let tip_max_mm = largest_tip_mm(catalog, &rules.classes);
    let mut kind_rules = Vec::new();
    let edge = edge_rule(
        config.fixture_kind,
        kind,
        clearance_mm,
        outline_tolerance_mm,
        tip_max_mm,
    );
    let outline_clearance_mm = match config.rules.outline_clearance_mm {
        Some(v) => {
            kind_rules.push(KindRule {
                rule: RuleId::OutlineClearance,
                value_mm: v,
                why: format!(
                    "set by design.rules.outline_clearance_mm in pogo.toml (this kind alone would need {:.2} mm: {})",
                    edge.value_mm, edge.why
                ),
            });
            v
        }
        None => {
            let v = edge.value_mm;
            kind_rules.push(edge);
            v
        }
    };
    match kind {
        RegistrationKind::Nest => {
            kind_rules.push(KindRule {
                rule: RuleId::NestClearance,
                value_mm: clearance_mm,
                why: if config.nest_clearance_mm.is_some() {
                    "pocket = outline offset outward by design.nest_clearance_mm".into()
                } else {
                    format!(
                        "pocket = outline offset outward by the default for a {} edge (FixturFab: 0.1 mm routed, at least 0.2 mm V-scored)",
                        match config.outline_edge {
                            pogo_fixture::OutlineEdge::Routed => "routed",
                            pogo_fixture::OutlineEdge::VScored => "V-scored",
                        }
                    )
                },
            });
            kind_rules.push(KindRule {
                rule: RuleId::NestProbeHole,
                value_mm: tip_max_mm + NEST_HOLE_MARGIN_MM,
                why: "a probe passing through the nest gets a hole of its tip diameter + 1 mm (FixturFab), which must not cut the pocket wall; the largest tip allowed is shown".into(),
            });
        }
        RegistrationKind::ToolingPins => kind_rules.push(KindRule {
            rule: RuleId::ToolingHoleClearance,
            value_mm: rules.tooling_hole_clearance_mm,
            why: "probe centre to a tooling hole's edge: the guide pin and its hole keep the probe's tip and receptacle clear (FixturFab: guide pin to pad >= 2.54 mm + r)".into(),
        }),
    }
    kind_rules.push(KindRule {
        rule: RuleId::OutlineTolerance,
        value_mm: outline_tolerance_mm,
        why: "fab tolerance of the routed outline (pcbbaltic, rfessentials: +/-0.10 mm precision): the board's real edge may lie this far from the drawn one".into(),
    });
    Ok(RegistrationPlan {
        registration: Registration {
            kind,
            requested: config.registration,
            reason,
            fixture_kind: config.fixture_kind,
            outline_edge: config.outline_edge,
            clearance_mm,
            outline_tolerance_mm,
            pocket: Vec::new(),
            rules: kind_rules,
            nest: None,
        },
        outline_clearance_mm,
    })
}

/// The edge rule of a kind of fixture with a registration.
pub(crate) fn edge_rule(
    fixture_kind: FixtureKind,
    kind: RegistrationKind,
    clearance_mm: f64,
    outline_tolerance_mm: f64,
    tip_max_mm: f64,
) -> KindRule {
    let nest_wall = ((tip_max_mm + NEST_HOLE_MARGIN_MM) / 2.0 - clearance_mm).max(0.0);
    let own = outline_tolerance_mm + tip_max_mm / 2.0;
    match (fixture_kind, kind) {
        (FixtureKind::Vacuum, RegistrationKind::Nest) => KindRule {
            rule: RuleId::OutlineClearance,
            value_mm: VACUUM_EDGE_MM.max(nest_wall),
            why: format!(
                "vacuum fixture: the gasket seals round the board edge, 0.125 in (3.2 mm) kept free (IPC TechNet, TRI DFT figures: for the vacuum seal); the nest's probe holes ({nest_wall:.2} mm) fit inside it"
            ),
        },
        (FixtureKind::Vacuum, RegistrationKind::ToolingPins) => KindRule {
            rule: RuleId::OutlineClearance,
            value_mm: VACUUM_EDGE_MM.max(own),
            why: "vacuum fixture: the gasket seals round the board edge, 0.125 in (3.2 mm) kept free (IPC TechNet, TRI DFT figures: for the vacuum seal)".into(),
        },
        (k, RegistrationKind::Nest) => KindRule {
            rule: RuleId::OutlineClearance,
            value_mm: nest_wall,
            why: format!(
                "{} fixture in a nest: no gasket, so no vacuum edge rule; a probe's clearance hole (tip {tip_max_mm:.2} mm + 1 mm) must stay inside the pocket, whose wall is {clearance_mm:.2} mm outside the outline: centre at least {:.2} - {clearance_mm:.2} mm from the edge",
                k.as_str(),
                (tip_max_mm + NEST_HOLE_MARGIN_MM) / 2.0
            ),
        },
        (k, RegistrationKind::ToolingPins) => KindRule {
            rule: RuleId::OutlineClearance,
            value_mm: own,
            why: format!(
                "{} fixture on tooling pins: no gasket and no nest wall; the board's own outline tolerance (±{outline_tolerance_mm:.2} mm) plus the largest tip radius ({:.2} mm) keeps the whole tip on the board wherever the fab put the edge",
                k.as_str(),
                tip_max_mm / 2.0
            ),
        },
    }
}

/// The largest tip diameter of the catalog parts in the allowed classes, mm.
pub(crate) fn largest_tip_mm(catalog: &Catalog, classes: &[String]) -> f64 {
    catalog
        .parts
        .iter()
        .filter(|p| classes.is_empty() || classes.contains(&p.class))
        .map(|p| p.tip_diameter_mm)
        .filter(|d| d.is_finite() && *d > 0.0)
        .fold(0.0, f64::max)
}

/// Non-plated holes a tooling pin could go in (tooling pin sizes, inside the outline's
/// box), before the probes are placed: the probes keep `tooling_hole_clearance_mm` from
/// them, so the probes cannot take them later.
pub(crate) fn usable_tooling_holes(board: &Board, rules: &DesignRules) -> Vec<(PointMm, f64)> {
    let bbox = board.outline.as_ref().map(|o| o.bbox.as_array());
    let mut out: Vec<(PointMm, f64)> = board
        .pads
        .iter()
        .filter(|p| p.kind == PadKind::NpThruHole)
        .filter_map(|p| {
            let d = p.drill.as_ref()?;
            let dia = d.size_mm.w.min(d.size_mm.h);
            let inside = bbox.is_none_or(|[l, t, r, b]| {
                p.position.x > l && p.position.x < r && p.position.y > t && p.position.y < b
            });
            (inside
                && dia >= rules.tooling_hole_min_diameter_mm - 1e-9
                && dia <= TOOLING_MAX_HOLE_MM + 1e-9)
                .then_some((p.position, dia))
        })
        .collect();
    out.sort_by(|a, b| a.0.x.total_cmp(&b.0.x).then(a.0.y.total_cmp(&b.0.y)));
    out.dedup_by(|a, b| (a.0.x - b.0.x).hypot(a.0.y - b.0.y) < 1e-6);
    out
}

/// The farthest-apart pair of holes, mm.
fn farthest_mm(holes: &[(PointMm, f64)]) -> f64 {
    let mut best = 0.0f64;
    for (i, a) in holes.iter().enumerate() {
        for b in &holes[i + 1..] {
            best = best.max((a.0.x - b.0.x).hypot(a.0.y - b.0.y));
        }
    }
    best
}

fn choose_kind(
    request: RegistrationRequest,
    holes: &[(PointMm, f64)],
    board: &Board,
) -> (RegistrationKind, String) {
    let longer = board
        .outline
        .as_ref()
        .map(|o| {
            let [l, t, r, b] = o.bbox.as_array();
            (r - l).max(b - t)
        })
        .unwrap_or(0.0);
    let apart = farthest_mm(holes);
    // Two pins hold the board against rotation when they are well apart: a third of
    // the board's longer side (the guides put them in opposite corners).
    let stops_rotation = holes.len() >= 2 && apart >= longer / 3.0;
    let found = format!(
        "{} non-plated hole{} of tooling pin size ({:.1}-{:.1} mm){}",
        holes.len(),
        if holes.len() == 1 { "" } else { "s" },
        crate::rules::DEFAULT_TOOLING_HOLE_MIN_DIAMETER_MM,
        TOOLING_MAX_HOLE_MM,
        if holes.len() >= 2 {
            format!(", the farthest {apart:.1} mm apart on a board {longer:.1} mm long")
        } else {
            String::new()
        }
    );
    match request {
        RegistrationRequest::Nest => (
            RegistrationKind::Nest,
            format!("registration = \"nest\" in pogo.toml (the board has {found})"),
        ),
        RegistrationRequest::ToolingPins => (
            RegistrationKind::ToolingPins,
            format!("registration = \"tooling_pins\" in pogo.toml (the board has {found})"),
        ),
        RegistrationRequest::Auto if stops_rotation => (
            RegistrationKind::ToolingPins,
            format!(
                "auto: the board has {found}: at least two usable holes, far enough apart to stop rotation"
            ),
        ),
        RegistrationRequest::Auto => (
            RegistrationKind::Nest,
            format!(
                "auto: the board has {found}: not two usable holes placed to stop rotation, so a nest cut to the outline holds it"
            ),
        ),
    }
}
