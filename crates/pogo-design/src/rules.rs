//! Design-for-test rules: the effective rule set (defaults with `pogo.toml` applied),
//! the single-probe checks at a place, and the choice of a catalog part for a target.

use crate::DesignError;
use crate::config::{DesignConfig, SideChoice, SidesConfig};
use crate::geometry::{KeepOut, KeepOutIndex, OutlineIndex, footprint_keepout};
use pogo_board::geometry::{polygon_contains, polygon_edge_distance};
use pogo_board::{Board, PadKind, PointMm, Side};
use pogo_catalog::{Catalog, ProbeKind, TargetSuit, TipStyle};
use pogo_fixture::{DesignRules, NetRequirement, RuleId};

/// One allowed probe class with its effective figures.
#[derive(Debug, Clone)]
pub(crate) struct ClassRule {
    pub(crate) name: String,
    pub(crate) spacing_mm: f64,
    pub(crate) min_pad_mm: f64,
}

/// Defaults of the rules the issue names.
pub(crate) const DEFAULT_OUTLINE_CLEARANCE_MM: f64 = 2.0;
pub(crate) const DEFAULT_COURTYARD_CLEARANCE_MM: f64 = 1.0;
pub(crate) const DEFAULT_TALL_COURTYARD_CLEARANCE_MM: f64 = 2.5;
pub(crate) const DEFAULT_TALL_PART_HEIGHT_MM: f64 = 3.0;
pub(crate) const DEFAULT_TOOLING_HOLE_CLEARANCE_MM: f64 = 2.54;
pub(crate) const DEFAULT_TOOLING_HOLE_MIN_DIAMETER_MM: f64 = 2.0;
pub(crate) const DEFAULT_VIA_DRILL_MAX_TIP_FRACTION: f64 = 0.75;

/// Effective rules and classes (largest first) from the catalog and the config.
pub(crate) fn effective_rules(
    catalog: &Catalog,
    config: &DesignConfig,
) -> Result<(DesignRules, Vec<ClassRule>), DesignError> {
    let o = &config.rules;
    let sides = match &config.sides {
        SidesConfig::One(SideChoice::Top) => vec![Side::Top],
        SidesConfig::One(SideChoice::Bottom) => vec![Side::Bottom],
        SidesConfig::One(SideChoice::Both) => vec![Side::Top, Side::Bottom],
        SidesConfig::List(l) => {
            let mut v = Vec::new();
            for s in l {
                if !v.contains(s) {
                    v.push(*s);
                }
            }
            if v.is_empty() {
                return Err(DesignError::Config(
                    "design.sides: the list is empty".into(),
                ));
            }
            v
        }
    };
    let mut classes: Vec<ClassRule> = Vec::new();
    for c in &catalog.classes {
        if !config.classes.is_empty() && !config.classes.contains(&c.name) {
            continue;
        }
        classes.push(ClassRule {
            name: c.name.clone(),
            spacing_mm: o.spacing_mm.get(&c.name).copied().unwrap_or(c.spacing_mm),
            min_pad_mm: o.min_pad_mm.get(&c.name).copied().unwrap_or(c.min_pad_mm),
        });
    }
    for name in config
        .classes
        .iter()
        .chain(o.spacing_mm.keys())
        .chain(o.min_pad_mm.keys())
    {
        if catalog.class(name).is_none() {
            let known: Vec<_> = catalog.classes.iter().map(|c| c.name.as_str()).collect();
            return Err(DesignError::Config(format!(
                "design: class `{name}` is not in the catalog (classes: {})",
                known.join(", ")
            )));
        }
    }
    if classes.is_empty() {
        return Err(DesignError::Config(
            "design.classes: no probe class is allowed".into(),
        ));
    }
    classes.sort_by(|a, b| {
        b.spacing_mm
            .total_cmp(&a.spacing_mm)
            .then(a.name.cmp(&b.name))
    });
    let rules = DesignRules {
        sides,
        classes: classes.iter().map(|c| c.name.clone()).collect(),
        outline_clearance_mm: o
            .outline_clearance_mm
            .unwrap_or(DEFAULT_OUTLINE_CLEARANCE_MM),
        courtyard_clearance_mm: o
            .courtyard_clearance_mm
            .unwrap_or(DEFAULT_COURTYARD_CLEARANCE_MM),
        tall_courtyard_clearance_mm: o
            .tall_courtyard_clearance_mm
            .unwrap_or(DEFAULT_TALL_COURTYARD_CLEARANCE_MM),
        tall_part_height_mm: o.tall_part_height_mm.unwrap_or(DEFAULT_TALL_PART_HEIGHT_MM),
        tooling_hole_clearance_mm: o
            .tooling_hole_clearance_mm
            .unwrap_or(DEFAULT_TOOLING_HOLE_CLEARANCE_MM),
        via_drill_max_tip_fraction: o
            .via_drill_max_tip_fraction
            .unwrap_or(DEFAULT_VIA_DRILL_MAX_TIP_FRACTION),
        probe_component_pads: config.component_pads,
        no_probe_nets: config.no_probe.clone(),
        probes_per_net: config
            .nets
            .iter()
            .map(|n| NetRequirement {
                net: n.net.clone().unwrap_or_default(),
                net_class: n.net_class.clone(),
                probes: n.probes,
            })
            .collect(),
        tooling_hole_min_diameter_mm: o
            .tooling_hole_min_diameter_mm
            .unwrap_or(DEFAULT_TOOLING_HOLE_MIN_DIAMETER_MM),
        unknown_tht_part_is_tall: o.unknown_tht_part_is_tall.unwrap_or(true),
        test_point_courtyards: o.test_point_courtyards.unwrap_or(false),
        probe_through_hole_pads: config.through_hole_pads.unwrap_or(true),
        probe_vias: config.vias.unwrap_or(true),
        class_spacing_mm: classes
            .iter()
            .map(|c| (c.name.clone(), c.spacing_mm))
            .collect(),
        class_min_pad_mm: classes
            .iter()
            .map(|c| (c.name.clone(), c.min_pad_mm))
            .collect(),
        forced: config.forced.clone(),
        forbidden: config.forbidden.clone(),
    };
    for (name, v) in [
        ("outline_clearance_mm", rules.outline_clearance_mm),
        ("courtyard_clearance_mm", rules.courtyard_clearance_mm),
        (
            "tall_courtyard_clearance_mm",
            rules.tall_courtyard_clearance_mm,
        ),
        ("tall_part_height_mm", rules.tall_part_height_mm),
        ("tooling_hole_clearance_mm", rules.tooling_hole_clearance_mm),
        (
            "tooling_hole_min_diameter_mm",
            rules.tooling_hole_min_diameter_mm,
        ),
    ] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(DesignError::Config(format!(
                "design.rules.{name}: {v} must be a length >= 0"
            )));
        }
    }
    if !(rules.via_drill_max_tip_fraction > 0.0 && rules.via_drill_max_tip_fraction <= 1.0) {
        return Err(DesignError::Config(format!(
            "design.rules.via_drill_max_tip_fraction: {} must lie in (0, 1]",
            rules.via_drill_max_tip_fraction
        )));
    }
    for c in &classes {
        if !(c.spacing_mm > 0.0 && c.min_pad_mm > 0.0) {
            return Err(DesignError::Config(format!(
                "design.rules: class {} spacing and min pad must be > 0",
                c.name
            )));
        }
    }
    for n in &config.nets {
        if n.net.is_none() == n.net_class.is_none() {
            return Err(DesignError::Config(
                "design.nets: each entry names exactly one of `net` or `net_class`".into(),
            ));
        }
    }
    Ok((rules, classes))
}

/// A rule that stops a probe at a place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub(crate) rule: RuleId,
    pub(crate) message: String,
    pub(crate) at: PointMm,
}

/// A tooling hole (non-plated hole or mounting hole large enough for a tooling pin).
#[derive(Debug, Clone)]
pub(crate) struct ToolingHole {
    pub(crate) centre: PointMm,
    pub(crate) diameter_mm: f64,
    pub(crate) reference: String,
}

/// Whether a footprint is a test point: reference `TP<digit>...`, a library name
/// containing `TestPoint`, or a pad with KiCad's test point property.
pub(crate) fn is_test_point(board: &Board, fp: &pogo_board::Footprint) -> bool {
    is_test_point_reference(&fp.reference)
        || fp.lib_id.to_ascii_lowercase().contains("testpoint")
        || board.pads[fp.pads.clone()]
            .iter()
            .any(|p| p.test_point_property)
}

/// A test point's reference designator: `TP` and a digit (`TP1`, `TP12a`).
pub(crate) fn is_test_point_reference(reference: &str) -> bool {
    let r = reference.as_bytes();
    r.len() > 2 && r.starts_with(b"TP") && r[2].is_ascii_digit()
}

/// The board's tooling holes under the rules.
pub(crate) fn tooling_holes(board: &Board, rules: &DesignRules) -> Vec<ToolingHole> {
    let mut out = Vec::new();
    for pad in &board.pads {
        let Some(drill) = &pad.drill else { continue };
        let d = drill.size_mm.w.min(drill.size_mm.h);
        let mounting = pad
            .footprint
            .and_then(|f| board.footprints.get(f))
            .is_some_and(|f| f.lib_id.to_ascii_lowercase().contains("mountinghole"));
        if (pad.kind == PadKind::NpThruHole || mounting)
            && d >= rules.tooling_hole_min_diameter_mm - 1e-9
        {
            out.push(ToolingHole {
                centre: pad.position,
                diameter_mm: d,
                reference: pad.reference.clone(),
            });
        }
    }
    out
}

/// Everything the single-probe checks need, built once per board.
pub(crate) struct PlaceChecker<'a> {
    pub(crate) board: &'a Board,
    pub(crate) rules: &'a DesignRules,
    pub(crate) outline: OutlineIndex,
    pub(crate) keepouts: [KeepOutIndex; 2],
    pub(crate) tooling: Vec<ToolingHole>,
}

fn side_index(s: Side) -> usize {
    match s {
        Side::Top => 0,
        Side::Bottom => 1,
    }
}

impl<'a> PlaceChecker<'a> {
    pub(crate) fn new(board: &'a Board, rules: &'a DesignRules) -> Self {
        let outline = OutlineIndex::new(
            board
                .outline
                .as_ref()
                .map(|o| o.polygons.as_slice())
                .unwrap_or(&[]),
        );
        let mut per_side: [Vec<KeepOut>; 2] = [Vec::new(), Vec::new()];
        for (i, fp) in board.footprints.iter().enumerate() {
            if !rules.test_point_courtyards && is_test_point(board, fp) {
                continue;
            }
            let polygons = footprint_keepout(board, fp);
            if polygons.is_empty() {
                continue;
            }
            let tall = match fp.body_height_mm {
                Some(h) => h > rules.tall_part_height_mm,
                None => rules.unknown_tht_part_is_tall && fp.attributes.through_hole,
            };
            per_side[side_index(fp.side)].push(KeepOut {
                footprint: i,
                polygons,
                tall,
                height_mm: fp.body_height_mm,
            });
        }
        let [top, bottom] = per_side;
        PlaceChecker {
            board,
            rules,
            outline,
            keepouts: [KeepOutIndex::new(top), KeepOutIndex::new(bottom)],
            tooling: tooling_holes(board, rules),
        }
    }

    /// Every class-independent rule a probe at `p` on `side` breaks (`own` is the
    /// target's footprint, whose courtyard does not count).
    pub(crate) fn check(&self, p: PointMm, side: Side, own: Option<usize>) -> Vec<Block> {
        let r = self.rules;
        let mut out = Vec::new();
        if !self.outline.is_empty() {
            let (d, inside) = self.outline.distance(p);
            if !inside {
                out.push(Block {
                    rule: RuleId::OutlineClearance,
                    message: "off the board outline".into(),
                    at: p,
                });
            } else if d < r.outline_clearance_mm - 1e-9 {
                out.push(Block {
                    rule: RuleId::OutlineClearance,
                    message: format!(
                        "{d:.2} mm from the board outline ({:.2} required; relax design.rules.outline_clearance_mm to {:.2} mm to reach it, or choose the fixture kind or registration that needs less)",
                        r.outline_clearance_mm,
                        (d * 100.0).floor() / 100.0
                    ),
                    at: p,
                });
            }
        }
        let reach = r.courtyard_clearance_mm.max(r.tall_courtyard_clearance_mm);
        for k in self.keepouts[side_index(side)].near(p, reach) {
            if Some(k.footprint) == own {
                continue;
            }
            let need = if k.tall {
                r.tall_courtyard_clearance_mm
            } else {
                r.courtyard_clearance_mm
            };
            let mut worst: Option<(f64, bool)> = None;
            for poly in &k.polygons {
                let (d, inside) = (polygon_edge_distance(poly, p), polygon_contains(poly, p));
                let bad = inside || d < need - 1e-9;
                if bad && worst.is_none_or(|(wd, wi)| (inside && !wi) || (inside == wi && d < wd)) {
                    worst = Some((d, inside));
                }
            }
            if let Some((d, inside)) = worst {
                let fp = &self.board.footprints[k.footprint];
                let tall = if k.tall {
                    match k.height_mm {
                        Some(h) => format!(", part {h:.1} mm tall"),
                        None => ", through-hole part of unknown height counted tall".into(),
                    }
                } else {
                    String::new()
                };
                let message = if inside {
                    format!("inside the courtyard of {}{tall}", fp.reference)
                } else {
                    format!(
                        "{d:.2} mm from the courtyard of {} ({need:.2} required{tall})",
                        fp.reference
                    )
                };
                out.push(Block {
                    rule: RuleId::CourtyardClearance,
                    message,
                    at: p,
                });
            }
        }
        for h in &self.tooling {
            let need = r.tooling_hole_clearance_mm + h.diameter_mm / 2.0;
            let d = p.distance_mm(h.centre);
            if d < need - 1e-9 {
                let name = if h.reference.is_empty() {
                    "a tooling hole".to_string()
                } else {
                    format!("tooling hole {}", h.reference)
                };
                out.push(Block {
                    rule: RuleId::ToolingHoleClearance,
                    message: format!(
                        "{d:.2} mm from the centre of {name} (diameter {:.2}; {need:.2} required)",
                        h.diameter_mm
                    ),
                    at: p,
                });
            }
        }
        out
    }
}

/// What a probe lands on, as far as the tip is concerned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TipTarget {
    /// A flat pad (SMD, test point pad).
    FlatPad,
    /// An open plated hole (via, unpopulated through-hole test point) of this drill.
    Hole { drill_mm: f64 },
    /// A soldered through-hole lead.
    Lead,
}

/// The first catalog part of `class` fit for the target (contact probes only), or
/// the rule that stops every part of the class.
pub(crate) fn choose_part(
    catalog: &Catalog,
    class: &str,
    target: TipTarget,
    rules: &DesignRules,
) -> Result<usize, (RuleId, String)> {
    let contact = |p: &&pogo_catalog::ProbePart| p.class == class && p.kind == ProbeKind::Contact;
    let parts: Vec<(usize, &pogo_catalog::ProbePart)> = catalog
        .parts
        .iter()
        .enumerate()
        .filter(|(_, p)| contact(p))
        .collect();
    if parts.is_empty() {
        return Err((
            RuleId::Tip,
            format!("no contact probe of class {class} in the catalog"),
        ));
    }
    match target {
        TipTarget::FlatPad => parts
            .iter()
            .find(|(_, p)| p.suits.contains(&TargetSuit::FlatPad))
            .map(|(i, _)| *i)
            .ok_or((RuleId::Tip, format!("no {class} tip suits a flat pad"))),
        TipTarget::Lead => parts
            .iter()
            .find(|(_, p)| p.suits.contains(&TargetSuit::ThroughHoleLead))
            .map(|(i, _)| *i)
            .ok_or((
                RuleId::Tip,
                format!("no {class} tip suits a through-hole lead"),
            )),
        TipTarget::Hole { drill_mm } => {
            let made_for = parts.iter().find(|(_, p)| {
                matches!(p.tip, TipStyle::Cup | TipStyle::Crown)
                    && p.suits.contains(&TargetSuit::ViaHole)
            });
            if let Some((i, _)) = made_for {
                return Ok(*i);
            }
            let bridging = parts.iter().find(|(_, p)| {
                p.suits.contains(&TargetSuit::FlatPad)
                    && drill_mm <= rules.via_drill_max_tip_fraction * p.tip_diameter_mm + 1e-9
            });
            if let Some((i, _)) = bridging {
                return Ok(*i);
            }
            let widest = parts
                .iter()
                .map(|(_, p)| p.tip_diameter_mm)
                .fold(0.0, f64::max);
            Err((
                RuleId::ViaDrill,
                format!(
                    "hole {drill_mm:.2} mm is more than {:.0}% of the widest {class} tip ({widest:.2} mm) and no {class} cup/crown tip is made for holes",
                    rules.via_drill_max_tip_fraction * 100.0
                ),
            ))
        }
    }
}
