//! pogo-fixture: the fixture model, persisted as `fixture.json`.
//!
//! A [`Fixture`] is the single source of truth that `pogo design` writes and every
//! other command reads: the board summary it was designed for (outline, parts, holes),
//! the effective rules, the probes with their targets, coverage and unreachable nets,
//! and, once filled, the mechanics (stack-up, tooling, force, channels) and the
//! positional tolerance analysis. The schema is versioned by [`SCHEMA`] and documented
//! in `docs/fixture-schema.md`.
//!
//! Coordinates are KiCad page coordinates (mm, x right, y down), the same as
//! `pogo board pads`.

#![warn(missing_docs)]

/// `ALL`, `as_str` (the name in `fixture.json`) and `Display` for an enum of unit
/// variants whose serde names are these strings (a test checks that they agree).
macro_rules! json_names {
    ($ty:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// The name as written in `fixture.json`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),*
                }
            }

            /// The value of that name, if any.
            pub fn from_name(name: &str) -> Option<$ty> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

mod check;
/// The hinged clamshell (`mechanism = "clamshell"`): parts, hinge check, hardware,
/// interference check and assembly steps.
pub mod clamshell;
/// The mechanics sections (stack-up, tooling, force and strain, channels).
pub mod mechanics;
/// The registration section (tooling pins or a nest) and the nest plate.
pub mod registration;
mod rule;
mod side;
mod target;
/// Typed fixtures for tests ([`test_support::FixtureBuilder`]).
pub mod test_support;
/// The positional tolerance section.
pub mod tolerance;
mod unchecked;
mod write;

pub use check::MAX_FIGURE;

pub use clamshell::*;
pub use mechanics::*;
pub use registration::*;
pub use rule::RuleId;
pub use side::BySide;
pub use target::{Target, TargetKind, TargetOrigin, TargetShape};
pub use tolerance::*;
pub use unchecked::{Unchecked, UncheckedRule};
pub use write::{write_atomic, write_atomic_with};

use pogo_catalog::{ProbePart, Receptacle};
use pogo_geom::{PolygonMm, Side};
use serde::{Deserialize, Serialize};

/// Schema id written to `fixture.json`; bump the number on incompatible change.
pub const SCHEMA: &str = "pogo.fixture/1";

/// Why a `fixture.json` could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not JSON of the fixture schema.
    #[error("{path}:{line}:{column}: not a pogo fixture: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader says.
        message: String,
    },
    /// A figure out of range (a hand-edited file): names the field, e.g.
    /// `probes[3].target.w`.
    #[error("{path}:{line}:{column}: {message}")]
    Figure {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The field and what is wrong with its figure.
        message: String,
    },
    /// The file is of another schema (or another version of it).
    #[error("{path}: schema `{found}` is not supported (expected `{SCHEMA}`)")]
    Schema {
        /// The file.
        path: String,
        /// The schema it names (`(none)` when it names none).
        found: String,
    },
    /// The file could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

/// The result of reading or writing a fixture.
pub type Result<T, E = FixtureError> = std::result::Result<T, E>;

/// The whole fixture, as in `fixture.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fixture {
    /// The schema id, [`SCHEMA`].
    pub schema: String,
    /// `pogo X.Y.Z` that wrote the file.
    pub generator: String,
    /// The board the fixture was designed for.
    pub board: BoardSummary,
    /// The effective design rules (defaults with `pogo.toml` applied).
    pub rules: DesignRules,
    /// The probes, `P1`, `P2`, ... sorted by side, then y, then x.
    pub probes: Vec<Probe>,
    /// Catalog parts and receptacles used by the probes (so the file stands alone).
    pub parts: Vec<ProbePart>,
    /// The receptacles of those parts.
    pub receptacles: Vec<Receptacle>,
    /// Nets probed against nets testable and reachable.
    pub coverage: Coverage,
    /// Testable nets left without (enough) probes, with the reason.
    pub unreachable: Vec<Unreachable>,
    /// Rules broken by forced or locked probes (and nest probe holes).
    pub violations: Vec<Violation>,
    /// Checks the board file gave too little to make (a design from an IPC-D-356
    /// netlist: no outline, footprints or part heights), with how to supply them; empty
    /// when every check was made (always written, like every list of the schema).
    #[serde(default)]
    pub unchecked: Vec<Unchecked>,
    // ---- mechanics (filled by pogo-mechanics) ----
    /// The stack-up per probed side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stackup: Option<Stackup>,
    /// Set height of the first probed side, mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_height_mm: Option<f64>,
    /// The guide pins in the board's tooling holes (empty with a nest).
    #[serde(default)]
    pub tooling: Vec<ToolingPin>,
    /// Places to add tooling holes when the board has fewer than two usable ones.
    #[serde(default)]
    pub tooling_suggestions: Vec<ToolingSuggestion>,
    /// Spring forces, board strain and the supports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<ForceSummary>,
    /// Which probe goes to which interface connector pin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Channels>,
    // ---- registration (decided by pogo-design, the nest drawn by pogo-mechanics) ----
    /// How the board is registered (tooling pins or a nest) and the edge rules of the
    /// kind of fixture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<Registration>,
    // ---- tolerance (filled by pogo-tolerance) ----
    /// Hit probabilities, contact yield and sensitivity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<ToleranceSummary>,
    // ---- clamshell (`mechanism = "clamshell"`, built by pogo-mechanics) ----
    /// The hinged clamshell as parts, its hinge check, hardware, interference check and
    /// assembly steps; absent for `press_plates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clamshell: Option<Clamshell>,
}

/// What the fixture needs to know of the board, copied in so `fixture.json` stands
/// alone (`pogo export` and the report work from it without the board file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardSummary {
    /// Source file name as given.
    pub file: String,
    /// sha256 of the file's bytes as read (before decompression), lowercase hex.
    pub sha256: String,
    /// Format description, e.g. `kicad_pcb 20241229`.
    pub format: String,
    /// [left, top, right, bottom], mm.
    pub outline_bbox: [f64; 4],
    /// Board thickness, mm (1.6 when the file does not say).
    pub thickness_mm: f64,
    /// The real outline, cut-outs included (empty when the source has none).
    pub outline: Vec<PolygonMm>,
    /// Parts as the fixture sees them (for keep-outs, stack-up and drawings).
    pub parts: Vec<PartOutline>,
    /// Drilled holes of the board that matter to the fixture (non-plated holes and
    /// mounting holes): candidates for tooling pins and plate clearances.
    pub holes: Vec<BoardHole>,
}

/// A part of the board as the fixture sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartOutline {
    /// Reference designator (`U3`).
    pub reference: String,
    /// The side the part sits on.
    pub side: Side,
    /// Part position, mm.
    pub x: f64,
    /// Part position y, mm.
    pub y: f64,
    /// Courtyard polygons (absolute); empty when the part has none.
    pub courtyard: Vec<PolygonMm>,
    /// Body height above the board, mm, when known.
    pub height_mm: Option<f64>,
    /// What kind of body the part has: whether a push finger may press on it.
    #[serde(default, skip_serializing_if = "PartBody::is_unclassified")]
    pub body: PartBody,
}

/// The kind of body a part has, as far as a push finger is concerned: connectors,
/// sockets and shields are sturdy enough to press on (the finger cut to the part's
/// height); small passives never are; anything else is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartBody {
    /// A connector housing (pin headers, D-sub, card edge sockets, ...).
    Connector,
    /// A socket for another part (IC, memory module, PLCC, ZIF).
    Socket,
    /// A metal shield can.
    Shield,
    /// A small passive (resistor, capacitor, inductor, diode, ferrite bead).
    Passive,
    /// Anything else (ICs, crystals, LEDs, ...), or not classified.
    #[default]
    Other,
}

impl PartBody {
    /// Whether a push finger may press on a body of this kind.
    pub fn is_sturdy(self) -> bool {
        matches!(
            self,
            PartBody::Connector | PartBody::Socket | PartBody::Shield
        )
    }

    /// `Other`, the default (not written to fixture.json).
    pub fn is_unclassified(&self) -> bool {
        *self == PartBody::Other
    }
}

/// A drilled hole of the board (non-plated or a mounting hole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardHole {
    /// Hole centre, mm.
    pub x: f64,
    /// Hole centre y, mm.
    pub y: f64,
    /// Drill diameter (the smaller size of a slot), mm.
    pub diameter_mm: f64,
    /// Whether the hole is plated (a mounting hole).
    pub plated: bool,
    /// Reference of the footprint the hole belongs to (`MH1`), or empty.
    pub reference: String,
}

/// Design-for-test rules. Every figure is in mm unless named otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignRules {
    /// Sides probes may touch: `top`, `bottom` or both (in order of preference).
    pub sides: Vec<Side>,
    /// Probe classes allowed, largest first.
    pub classes: Vec<String>,
    /// Minimum probe centre to board outline (cut-outs included).
    pub outline_clearance_mm: f64,
    /// Minimum probe centre to another footprint's courtyard on the probed side.
    pub courtyard_clearance_mm: f64,
    /// The same for parts taller than `tall_part_height_mm`.
    pub tall_courtyard_clearance_mm: f64,
    /// Parts taller than this are tall, mm.
    pub tall_part_height_mm: f64,
    /// Minimum probe centre to tooling hole edge (added to the hole radius).
    pub tooling_hole_clearance_mm: f64,
    /// A via is probeable only if its drill is at most this fraction of the tip diameter
    /// (unless the tip is made for via holes).
    pub via_drill_max_tip_fraction: f64,
    /// Probe SMD pads of components (not only test points).
    pub probe_component_pads: bool,
    /// Nets never probed.
    pub no_probe_nets: Vec<String>,
    /// Probes required per net, by net name pattern (`GND`, `+3V3`, `VBUS*`): more
    /// than one for power or high-current nets.
    pub probes_per_net: Vec<NetRequirement>,
    /// Non-plated holes (and mounting holes) at least this large count as tooling
    /// holes: the clearance applies to all of them, since the tooling pins are chosen
    /// among them later.
    #[serde(default)]
    pub tooling_hole_min_diameter_mm: f64,
    /// Parts of unknown height with through-hole leads count as tall.
    #[serde(default)]
    pub unknown_tht_part_is_tall: bool,
    /// Courtyards of test point footprints (no body) keep probes away too.
    #[serde(default)]
    pub test_point_courtyards: bool,
    /// Probe through-hole pads from the side opposite their component.
    #[serde(default)]
    pub probe_through_hole_pads: bool,
    /// Probe vias whose solder mask is open on the probed side.
    #[serde(default)]
    pub probe_vias: bool,
    /// Probe centre spacing per class (the larger of two probes' classes applies).
    #[serde(default)]
    pub class_spacing_mm: std::collections::BTreeMap<String, f64>,
    /// Smallest pad per class: the diameter of the circle the exposed copper must admit.
    #[serde(default)]
    pub class_min_pad_mm: std::collections::BTreeMap<String, f64>,
    /// Pads always probed / never probed (`REF` or `REF.PAD`, globs).
    #[serde(default)]
    pub forced: Vec<String>,
    /// Pads never probed (`REF` or `REF.PAD`, globs).
    #[serde(default)]
    pub forbidden: Vec<String>,
}

/// How many probes the nets a pattern (or net class) names need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetRequirement {
    /// Net name or glob pattern (`*` and `?`); empty when `net_class` selects.
    pub net: String,
    /// KiCad net class the requirement applies to, when given by class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_class: Option<String>,
    /// Probes required on each such net.
    pub probes: u32,
}

/// One spring probe of the fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// `P1`, `P2`, ... in a stable order.
    pub id: String,
    /// The net the probe tests.
    pub net: String,
    /// The board side the probe touches.
    pub side: Side,
    /// Probe centre, page coordinates (mm, y down).
    pub x: f64,
    /// Probe centre y, mm.
    pub y: f64,
    /// The pad or via it lands on.
    pub target: Target,
    /// Probe class (`P100` ...) and catalog part id.
    pub class: String,
    /// Catalog part id.
    pub part: String,
    /// The part's tip style.
    pub tip: pogo_catalog::TipStyle,
    /// True when the engineer locked or forced this probe in `pogo.toml`.
    #[serde(default)]
    pub locked: bool,
    // ---- mechanics ----
    /// Compression at the closed fixture as a fraction of full travel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_travel_fraction: Option<f64>,
    /// Spring force at that compression, N.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_n: Option<f64>,
    /// Receptacle part id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receptacle: Option<String>,
    /// Interface channel, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<u32>,
    // ---- tolerance ----
    /// Probability that the tip lands fully on its pad.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_probability: Option<f64>,
    /// Mean tip offset from the nominal place, [x, y] mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_mean_offset_mm: Option<[f64; 2]>,
    /// Covariance of the tip position, mm².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_cov_mm2: Option<[[f64; 2]; 2]>,
    /// Radius of the tip's contact disk, mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_contact_radius_mm: Option<f64>,
}

impl Probe {
    /// A probe as the design places it: catalog part `part` at `(x, y)` on `target`;
    /// what later stages add (working travel, force, receptacle, channel, hit
    /// probability, tip offsets) is left empty.
    pub fn placed(
        id: String,
        net: String,
        side: Side,
        (x, y): (f64, f64),
        target: Target,
        part: &pogo_catalog::ProbePart,
        locked: bool,
    ) -> Probe {
        Probe {
            id,
            net,
            side,
            x,
            y,
            target,
            class: part.class.clone(),
            part: part.id.clone(),
            tip: part.tip,
            locked,
            working_travel_fraction: None,
            force_n: None,
            receptacle: None,
            channel: None,
            hit_probability: None,
            tip_mean_offset_mm: None,
            tip_cov_mm2: None,
            tip_contact_radius_mm: None,
        }
    }
}

/// How many nets the probes reach.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Coverage {
    /// Nets on the board with at least one pad or via.
    pub nets_total: usize,
    /// Nets that need a probe (two or more connections, not on the no-probe list).
    pub nets_testable: usize,
    /// Testable nets with at least one probe.
    pub nets_probed: usize,
    /// Upper bound: testable nets with at least one candidate that passes every
    /// single-probe rule (before spacing conflicts between probes).
    pub nets_reachable: usize,
    /// Probes per class and side, e.g. `{"P100": {"top": 12}}`.
    pub probes_by_class: std::collections::BTreeMap<String, BySide<usize>>,
}

/// A testable net that got no probe, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unreachable {
    /// The net.
    pub net: String,
    /// Human-readable reason naming the rule and place, e.g.
    /// `every candidate blocked by outline_clearance at (101.20, 55.00)`.
    pub reason: String,
    /// Rule id when a rule blocked it (`no_candidate`, `outline_clearance`,
    /// `courtyard_clearance`, `spacing`, ...).
    pub rule: RuleId,
    /// Where the reason applies (a candidate or the first pad), [x, y] mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<[f64; 2]>,
    /// The net that won a spacing conflict, when that is the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_net: Option<String>,
}

/// A rule broken by the design (forced or locked probes can break rules; the
/// selector itself never does).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    /// The rule broken.
    pub rule: RuleId,
    /// What is wrong, in words.
    pub message: String,
    /// The probes involved.
    pub probes: Vec<String>,
    /// Where, mm.
    pub x: f64,
    /// Where, y, mm.
    pub y: f64,
}

/// The fixture service's default id of a fixture: `fx-` and the first 12 hex digits of
/// the sha256 of its `fixture.json` bytes. A station computes it from the same file, so
/// station and service agree without asking each other.
pub fn fixture_id(fixture_json: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(fixture_json);
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("fx-{hex}")
}

impl Fixture {
    /// Reads and checks a `fixture.json`.
    pub fn read(path: &std::path::Path) -> Result<Fixture> {
        let (shown, text) =
            pogo_text::read_text_file(path, |path, source| FixtureError::Read { path, source })?;
        Self::from_json(&shown, &text)
    }

    /// Parses `fixture.json` text; `path` names it in errors.
    pub fn from_json(path: &str, text: &str) -> Result<Fixture> {
        #[derive(Deserialize)]
        struct Head {
            schema: Option<String>,
        }
        let to_err = |e: serde_json::Error| FixtureError::Parse {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let head: Head = serde_json::from_str(text).map_err(to_err)?;
        match head.schema.as_deref() {
            Some(SCHEMA) => {}
            other => {
                return Err(FixtureError::Schema {
                    path: path.to_string(),
                    found: other.unwrap_or("(none)").to_string(),
                });
            }
        }
        let fixture = serde_json::from_str(text).map_err(to_err)?;
        check::check_figures(text).map_err(|(line, column, message)| FixtureError::Figure {
            path: path.to_string(),
            line,
            column,
            message,
        })?;
        Ok(fixture)
    }

    /// Pretty JSON text of the fixture (deterministic: fields in schema order).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("fixture serialises");
        s.push('\n');
        s
    }

    /// The fixture's part of id `id`.
    pub fn part(&self, id: &str) -> Option<&ProbePart> {
        self.parts.iter().find(|p| p.id == id)
    }

    /// The fixture's receptacle of id `id`.
    pub fn receptacle(&self, id: &str) -> Option<&Receptacle> {
        self.receptacles.iter().find(|r| r.id == id)
    }

    /// The board's outline box `[left, top, right, bottom]`, mm; where the board gives
    /// none (not finite, or empty: a design from a netlist), the probes' box widened to
    /// take in (0, 0) and (1, 1).
    pub fn outline_box_or_probes(&self) -> [f64; 4] {
        let [l, t, r, b] = self.board.outline_bbox;
        if [l, t, r, b].iter().all(|v| v.is_finite()) && r > l && b > t {
            return [l, t, r, b];
        }
        let xs = self.probes.iter().map(|p| p.x);
        let ys = self.probes.iter().map(|p| p.y);
        [
            xs.clone().fold(f64::INFINITY, f64::min).min(0.0),
            ys.clone().fold(f64::INFINITY, f64::min).min(0.0),
            xs.fold(f64::NEG_INFINITY, f64::max).max(1.0),
            ys.fold(f64::NEG_INFINITY, f64::max).max(1.0),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_agree<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        all: &[T],
        name: impl Fn(&T) -> &'static str,
    ) {
        for v in all {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", name(v)));
            assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), v);
        }
    }

    /// A board without an outline box (a netlist design) is framed by its probes.
    #[test]
    fn outline_box_or_the_probes_box() {
        use test_support::FixtureBuilder;
        let catalog = pogo_catalog::Catalog::builtin();
        let with_probes = |outline| {
            FixtureBuilder::new(outline)
                .probe(&catalog, "P100-SPEAR", "A", Side::Bottom, 20.0, 30.0)
                .probe(&catalog, "P100-SPEAR", "B", Side::Bottom, 50.0, 10.0)
                .build()
        };
        let boxed = with_probes([0.0, 0.0, 80.0, 60.0]);
        assert_eq!(boxed.outline_box_or_probes(), [0.0, 0.0, 80.0, 60.0]);
        let none = with_probes([
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ]);
        assert_eq!(none.outline_box_or_probes(), [0.0, 0.0, 50.0, 30.0]);
        let empty = with_probes([5.0, 5.0, 5.0, 5.0]);
        assert_eq!(empty.outline_box_or_probes(), [0.0, 0.0, 50.0, 30.0]);
    }

    /// Each closed set's `as_str` is its JSON name, both ways.
    #[test]
    fn json_names_are_the_serde_names() {
        names_agree(RuleId::ALL, |v| v.as_str());
        names_agree(TargetShape::ALL, |v| v.as_str());
        names_agree(TargetOrigin::ALL, |v| v.as_str());
        names_agree(SupportKind::ALL, |v| v.as_str());
        names_agree(SupportReason::ALL, |v| v.as_str());
        names_agree(HeightSource::ALL, |v| v.as_str());
        names_agree(PressProcess::ALL, |v| v.as_str());
        names_agree(FixtureEdge::ALL, |v| v.as_str());
        names_agree(HolePurpose::ALL, |v| v.as_str());
        names_agree(HardwareKind::ALL, |v| v.as_str());
        names_agree(HardwareUse::ALL, |v| v.as_str());
        names_agree(InterferenceRule::ALL, |v| v.as_str());
        names_agree(UncheckedRule::ALL, |v| v.as_str());
        names_agree(PlateProcess::ALL, |v| v.as_str());
        names_agree(Contributor::ALL, |v| v.as_str());
        names_agree(Distribution::ALL, |v| v.as_str());
        for c in Contributor::ALL {
            assert_eq!(Contributor::from_name(c.as_str()), Some(*c));
        }
        assert_eq!(
            PlateProcess::from_name("print3d"),
            Some(PlateProcess::Print3d)
        );
        assert_eq!(PlateProcess::from_name("waterjet"), None);
        assert!(serde_json::from_str::<RuleId>("\"spacingg\"").is_err());
        assert!(serde_json::from_str::<TargetShape>("\"hexagon\"").is_err());
    }

    /// A frame pocket's reason keeps the words `fixture.json` has always had.
    #[test]
    fn pocket_reason_reads_and_writes_its_words() {
        for (r, json) in [
            (
                PocketReason::Relief("J4".into()),
                "\"relief pocket for J4\"",
            ),
            (PocketReason::NestPocket, "\"nest pocket\""),
        ] {
            assert_eq!(serde_json::to_string(&r).unwrap(), json);
            assert_eq!(serde_json::from_str::<PocketReason>(json).unwrap(), r);
        }
        assert!(serde_json::from_str::<PocketReason>("\"a pocket\"").is_err());
    }
}
