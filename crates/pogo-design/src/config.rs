//! The engineer's intent for the probe layout: the `[design]` table of `pogo.toml`.
//!
//! ```toml
//! [design]
//! sides = "bottom"              # "top", "bottom", "both", or ["bottom", "top"] (preference order)
//! classes = ["P100", "P75"]     # classes allowed (default: every class of the catalog)
//! component_pads = false        # also probe SMD pads of components
//! no_probe = ["GND_CHASSIS", "*_NC"]
//! forced = ["TP3", "J1.2"]      # always probe these pads (REF or REF.PAD, globs allowed)
//! forbidden = ["TP9", "U1.*"]   # never probe these pads
//!
//! [design.rules]
//! outline_clearance_mm = 3.0
//! spacing_mm = { P50 = 1.4 }    # per class overrides
//!
//! [[design.nets]]
//! net = "GND"                   # or net_class = "Power"
//! probes = 2
//!
//! fixture_kind = "mechanical"   # or "vacuum", "programming_jig": decides the edge rules
//! registration = "auto"         # or "tooling_pins", "nest"
//! outline_edge = "routed"       # or "v_scored" (nest clearance 0.2 mm)
//! nest_clearance_mm = 0.15      # nest pocket clearance (default 0.1 routed, 0.2 v_scored)
//! outline_tolerance_mm = 0.1    # fab outline tolerance, plus/minus
//!
//! [[design.locked]]             # probe positions to keep on a revised board
//! net = "/VCC"
//! side = "bottom"
//! x = 120.5
//! y = 80.25
//! part = "P100-SPEAR"           # optional
//! ```

use pogo_board::Side;
use pogo_fixture::{FixtureKind, OutlineEdge, RegistrationRequest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `"top"`, `"bottom"` or `"both"`: the sides named by one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SideChoice {
    /// Only the top side.
    Top,
    /// Only the bottom side.
    Bottom,
    /// Both sides, the side reaching more nets first.
    Both,
}

/// Which sides the fixture may probe, in order of preference.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SidesConfig {
    /// `"top"`, `"bottom"` or `"both"` (both: the side reaching more nets first).
    One(SideChoice),
    /// An explicit preference order, e.g. `["bottom", "top"]`.
    List(Vec<Side>),
}

impl Default for SidesConfig {
    fn default() -> Self {
        SidesConfig::One(SideChoice::Both)
    }
}

impl<'de> Deserialize<'de> for SidesConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SidesConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"top\", \"bottom\", \"both\" or a list of sides")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SidesConfig, E> {
                match v {
                    "top" => Ok(SidesConfig::One(SideChoice::Top)),
                    "bottom" => Ok(SidesConfig::One(SideChoice::Bottom)),
                    "both" => Ok(SidesConfig::One(SideChoice::Both)),
                    other => Err(E::custom(format!(
                        "design.sides: `{other}` is not one of \"top\", \"bottom\", \"both\" or a list"
                    ))),
                }
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<SidesConfig, A::Error> {
                Vec::<Side>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(SidesConfig::List)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Overrides of the default design-for-test rules (every field optional).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverrides {
    /// Probe centre to board outline, mm (default 2).
    pub outline_clearance_mm: Option<f64>,
    /// Probe centre to another part's courtyard, mm (default 1).
    pub courtyard_clearance_mm: Option<f64>,
    /// The same for tall parts, mm (default 2.5).
    pub tall_courtyard_clearance_mm: Option<f64>,
    /// Parts taller than this are tall, mm (default 3).
    pub tall_part_height_mm: Option<f64>,
    /// Probe centre to tooling hole edge, mm (default 2.54).
    pub tooling_hole_clearance_mm: Option<f64>,
    /// Smallest hole counted as a tooling hole, mm (default 2).
    pub tooling_hole_min_diameter_mm: Option<f64>,
    /// Largest via drill a flat tip bridges, as a fraction of the tip diameter (default 0.75).
    pub via_drill_max_tip_fraction: Option<f64>,
    /// Count parts of unknown height with through-hole leads as tall.
    pub unknown_tht_part_is_tall: Option<bool>,
    /// Courtyards of test point footprints (which have no body) keep probes away too.
    pub test_point_courtyards: Option<bool>,
    /// Class spacing overrides, class name -> mm.
    #[serde(default)]
    pub spacing_mm: BTreeMap<String, f64>,
    /// Class minimum pad overrides, class name -> mm.
    #[serde(default)]
    pub min_pad_mm: BTreeMap<String, f64>,
}

/// Probes required on the nets a pattern (or KiCad net class) names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetRule {
    /// Net name or glob (`*`, `?`).
    pub net: Option<String>,
    /// KiCad net class name (where the board file gives net classes).
    pub net_class: Option<String>,
    /// Probes each such net needs.
    pub probes: u32,
}

/// A probe the engineer placed and wants kept where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedProbe {
    /// The probe's net.
    pub net: String,
    /// The side it touches.
    pub side: Side,
    /// Probe centre, mm.
    pub x: f64,
    /// Probe centre y, mm.
    pub y: f64,
    /// Catalog part id; the best fitting part when absent.
    pub part: Option<String>,
}

/// The `[design]` table of `pogo.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignConfig {
    /// Sides the fixture may probe (`both` by default).
    #[serde(default)]
    pub sides: SidesConfig,
    /// Probe classes allowed; empty means every class of the catalog.
    #[serde(default)]
    pub classes: Vec<String>,
    /// Probe SMD pads of components, not only test points (off by default).
    #[serde(default)]
    pub component_pads: bool,
    /// Probe through-hole pads from the side opposite their component (on by default).
    pub through_hole_pads: Option<bool>,
    /// Probe vias whose mask is open on the probed side (on by default).
    pub vias: Option<bool>,
    /// Nets never probed (names or globs).
    #[serde(default)]
    pub no_probe: Vec<String>,
    /// Pads always probed (`REF` or `REF.PAD`, globs), whatever the rules say.
    #[serde(default)]
    pub forced: Vec<String>,
    /// Pads never probed (`REF` or `REF.PAD`, globs).
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// Overrides of the default rules.
    #[serde(default)]
    pub rules: RuleOverrides,
    /// Per-net requirements; the first matching entry wins.
    #[serde(default)]
    pub nets: Vec<NetRule>,
    /// Probes to keep where they are (a revised board).
    #[serde(default)]
    pub locked: Vec<LockedProbe>,
    /// `mechanical` (default), `vacuum` or `programming_jig`: decides the edge rules.
    #[serde(default)]
    pub fixture_kind: FixtureKind,
    /// `auto` (default), `tooling_pins` or `nest`.
    #[serde(default)]
    pub registration: RegistrationRequest,
    /// `routed` (default) or `v_scored`: sets the default nest clearance.
    #[serde(default)]
    pub outline_edge: OutlineEdge,
    /// Nest pocket clearance round the outline, mm (default from `outline_edge`).
    pub nest_clearance_mm: Option<f64>,
    /// Fab tolerance of the board outline, plus/minus mm (default 0.1).
    pub outline_tolerance_mm: Option<f64>,
}

pub use pogo_text::glob_match;

/// Whether a pad `reference`.`number` matches a `REF` or `REF.PAD` pattern.
pub fn pad_matches(pattern: &str, reference: &str, number: &str) -> bool {
    match pattern.split_once('.') {
        Some((r, n)) => glob_match(r, reference) && glob_match(n, number),
        None => glob_match(pattern, reference),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The globs themselves are pogo-text's (tested there); this is the `REF.PAD` split.
    #[test]
    fn pad_patterns() {
        assert!(pad_matches("U1.*", "U1", "5"));
        assert!(!pad_matches("U1.*", "U10", "5"));
        assert!(pad_matches("TP*", "TP12", "1"));
    }

    #[test]
    fn parses_a_design_table() {
        let text = r#"
            sides = ["bottom", "top"]
            classes = ["P100", "P75"]
            no_probe = ["NC_*"]
            forced = ["TP3"]
            [rules]
            outline_clearance_mm = 3.0
            spacing_mm = { P75 = 2.0 }
            [[nets]]
            net = "GND"
            probes = 2
            [[locked]]
            net = "/VCC"
            side = "bottom"
            x = 1.5
            y = 2.0
        "#;
        let c: DesignConfig = toml::from_str(text).unwrap();
        assert_eq!(c.sides, SidesConfig::List(vec![Side::Bottom, Side::Top]));
        let one: DesignConfig = toml::from_str("sides = \"bottom\"").unwrap();
        assert_eq!(one.sides, SidesConfig::One(SideChoice::Bottom));
        let err = toml::from_str::<DesignConfig>("sides = \"left\"").unwrap_err();
        assert!(err.to_string().contains("`left` is not one of"), "{err}");
        assert_eq!(c.rules.outline_clearance_mm, Some(3.0));
        assert_eq!(c.rules.spacing_mm["P75"], 2.0);
        assert_eq!(c.nets[0].probes, 2);
        assert_eq!(c.locked[0].side, Side::Bottom);
        let err = toml::from_str::<DesignConfig>("[rules]\noutline_clearance = 3\n").unwrap_err();
        assert!(err.to_string().contains("outline_clearance"), "{err}");
    }
}
