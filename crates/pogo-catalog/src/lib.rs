//! pogo-catalog: probe classes (P100, P75, P50, P39), spring probe parts and their
//! receptacles, with the figures a fixture needs (travel, force, resistance, tip).
//!
//! The built-in catalog is `catalog.toml` compiled in; users add parts with their own
//! TOML file of the same form. Every figure says where it comes from (`source`) and
//! whether it is a typical value (`typical = true`).
//!
//! ```
//! let catalog = pogo_catalog::Catalog::builtin();
//! let part = catalog.part("P75-SPEAR").unwrap();
//! assert_eq!(part.class, "P75");
//! assert!(catalog.receptacle(&part.receptacle).is_some());
//! ```

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};

mod load;
pub use load::{CatalogError, FORMAT};

/// A probe class: centre spacing and the smallest pad it lands on reliably.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeClass {
    /// `P100`, `P75`, `P50`, `P39`.
    pub name: String,
    /// Minimum probe centre to probe centre spacing (mm): 2.54, 1.91, 1.27, 1.00.
    pub spacing_mm: f64,
    /// Smallest pad (diameter of the largest circle the exposed copper must admit), mm.
    pub min_pad_mm: f64,
}

/// Tip styles of spring probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TipStyle {
    /// A single point: flat pads and vias.
    Spear,
    /// Several points round a crown: leads and dirty surfaces.
    Crown,
    /// A serrated face: through-hole leads, oxidised pads.
    Serrated,
    /// A hollow cup over a lead or pin end.
    Cup,
    /// A flat face.
    Flat,
    /// A chisel edge.
    Chisel,
    /// A concave face centring on a round target.
    Concave,
    /// A rounded (radius) end.
    Radius,
    /// A star of edges.
    Star,
}

/// What a tip is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSuit {
    /// A flat SMT pad or test point.
    FlatPad,
    /// An untented via (the tip centres in the hole).
    ViaHole,
    /// A through-hole lead or its solder joint.
    ThroughHoleLead,
    /// A surface with flux or oxide the tip must pierce.
    DirtySurface,
}

/// Plain contact probe, or a switch probe for board-present sensing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    /// A plain contact probe.
    Contact,
    /// A switch probe whose contact closes when pressed.
    SwitchNormallyOpen,
    /// A switch probe whose contact opens when pressed.
    SwitchNormallyClosed,
}

/// One spring probe (pogo pin) part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbePart {
    /// Unique id used in designs and BOMs, e.g. `P75-B1` or a maker part number.
    pub id: String,
    /// Maker, or `generic` where no public part is named.
    pub maker: String,
    /// The maker's part number (the id again for a generic part).
    pub part_number: String,
    /// Class name (`P100` ...).
    pub class: String,
    /// Contact or switch probe.
    pub kind: ProbeKind,
    /// Tip style.
    pub tip: TipStyle,
    /// Diameter of the tip at its end, mm.
    pub tip_diameter_mm: f64,
    /// Radius of the circle the tip touches on a flat pad, mm (must lie inside the
    /// exposed copper for a good contact).
    pub tip_contact_radius_mm: f64,
    /// Targets the tip is made for.
    pub suits: Vec<TargetSuit>,
    /// Barrel outer diameter, mm.
    pub barrel_diameter_mm: f64,
    /// Barrel inner diameter and plunger outer diameter, mm (their difference is the
    /// pointing clearance `c` of the IDI pointing formula).
    pub barrel_inner_diameter_mm: f64,
    /// Plunger outer diameter, mm.
    pub plunger_diameter_mm: f64,
    /// Plunger length out of the barrel at full extension (`a`), and length retained
    /// in the barrel (`b`), mm.
    pub plunger_extended_mm: f64,
    /// Plunger length retained in the barrel at full extension (`b`), mm.
    pub plunger_retained_mm: f64,
    /// Overall probe length, mm.
    pub length_mm: f64,
    /// Full (maximum) plunger travel, mm.
    pub full_travel_mm: f64,
    /// Recommended working travel, mm (2/3 of full travel; must lie within 60-80%).
    pub working_travel_mm: f64,
    /// Spring force at preload (zero travel) and at working travel, N.
    pub preload_force_n: f64,
    /// Spring force at working travel, N.
    pub spring_force_n: f64,
    /// Maximum contact resistance, mOhm.
    pub max_contact_resistance_mohm: f64,
    /// Continuous current rating, A.
    pub current_rating_a: f64,
    /// Rated life, compression cycles.
    pub rated_life_cycles: u64,
    /// Id of the receptacle this probe fits.
    pub receptacle: String,
    /// Where the figures come from (datasheet, standard, "typical of P75 class").
    pub source: String,
    /// True where the figures are typical of the class rather than one maker's data.
    pub typical: bool,
}

impl ProbePart {
    /// Spring force (N) at a given travel, linear between preload and working force.
    pub fn force_at_travel_n(&self, travel_mm: f64) -> f64 {
        if self.working_travel_mm <= 0.0 {
            return self.spring_force_n;
        }
        let k = (self.spring_force_n - self.preload_force_n) / self.working_travel_mm;
        self.preload_force_n + k * travel_mm
    }
    /// Working travel as a fraction of full travel.
    pub fn working_travel_fraction(&self) -> f64 {
        self.working_travel_mm / self.full_travel_mm
    }
}

/// A receptacle (socket) pressed into the probe plate; the probe plugs into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receptacle {
    /// Unique id the probe parts name (`receptacle`).
    pub id: String,
    /// Maker, or `generic`.
    pub maker: String,
    /// The maker's part number.
    pub part_number: String,
    /// Class name (`P100` ...).
    pub class: String,
    /// Outer diameter, mm.
    pub outer_diameter_mm: f64,
    /// Drill for the press fit in the probe plate, mm.
    pub mounting_drill_mm: f64,
    /// Overall length, mm.
    pub length_mm: f64,
    /// Depth from the plate top face to the receptacle collar when seated, mm.
    pub seating_depth_mm: f64,
    /// Where the figures come from.
    pub source: String,
    /// True where the figures are typical of the class rather than one maker's data.
    pub typical: bool,
}

/// A whole catalog.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Catalog {
    /// Probe classes.
    #[serde(default)]
    pub classes: Vec<ProbeClass>,
    /// Spring probe parts.
    #[serde(default)]
    pub parts: Vec<ProbePart>,
    /// Receptacles the parts fit.
    #[serde(default)]
    pub receptacles: Vec<Receptacle>,
    /// Spring pins soldered into a probe board (through-hole or SMT pogo pins).
    #[serde(default)]
    pub soldered_pins: Vec<SolderedPin>,
}

/// How a soldered spring pin is fixed to the probe board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinMounting {
    /// A tail soldered in a plated hole.
    #[default]
    ThroughHole,
    /// Soldered on a surface pad (possibly with a locating peg in a hole).
    Smt,
}

impl PinMounting {
    /// The name in catalogs, `pogo.toml` and `fixture.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            PinMounting::ThroughHole => "through_hole",
            PinMounting::Smt => "smt",
        }
    }

    /// Whether this is the default, through-hole mounting (left out of `fixture.json`).
    pub fn is_through_hole(&self) -> bool {
        *self == PinMounting::ThroughHole
    }
}

/// How sure a figure is (the shared reference's marks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sureness {
    /// [M]: read on the maker's own page.
    Maker,
    /// [S]: quoted from a maker document by a third party: check before ordering.
    Quoted,
    /// [U]: seen in use, not confirmed.
    SeenInUse,
}

/// A spring pin (pogo pin) soldered into a probe board instead of a probe in a
/// receptacle. Figures the source does not give are absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolderedPin {
    /// Unique id used in designs and BOMs.
    pub id: String,
    /// Maker.
    pub maker: String,
    /// The maker's order code, as the BOM names it.
    pub order_code: String,
    /// Through-hole or SMT.
    pub mounting: PinMounting,
    /// Row pitch of strip pins, mm (absent for single pins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitch_mm: Option<f64>,
    /// Solder pad diameter, mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pad_diameter_mm: Option<f64>,
    /// Hole: the tail's (through-hole) or the locating peg's (SMT), mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hole_mm: Option<f64>,
    /// Stroke, mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke_mm: Option<f64>,
    /// Spring force, N, at `force_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_n: Option<f64>,
    /// Where in the stroke `force_n` holds, as the source says it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub force_at: String,
    /// Current rating, A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_rating_a: Option<f64>,
    /// Rated life, cycles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rated_life_cycles: Option<u64>,
    /// Where the figures come from.
    pub source: String,
    /// How sure the figures are.
    pub sureness: Sureness,
}

impl Catalog {
    /// A soldered pin by id.
    pub fn soldered_pin(&self, id: &str) -> Option<&SolderedPin> {
        self.soldered_pins.iter().find(|p| p.id == id)
    }

    /// A probe part by id.
    pub fn part(&self, id: &str) -> Option<&ProbePart> {
        self.parts.iter().find(|p| p.id == id)
    }
    /// A receptacle by id.
    pub fn receptacle(&self, id: &str) -> Option<&Receptacle> {
        self.receptacles.iter().find(|r| r.id == id)
    }
    /// A probe class by name (`P75`).
    pub fn class(&self, name: &str) -> Option<&ProbeClass> {
        self.classes.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_mounting_names_are_its_json_names() {
        for m in [PinMounting::ThroughHole, PinMounting::Smt] {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.as_str()));
        }
    }
}
