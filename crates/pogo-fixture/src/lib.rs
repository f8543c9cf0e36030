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

mod check;
pub mod clamshell;
pub mod mechanics;
pub mod registration;
pub mod tolerance;
mod write;

pub use check::MAX_FIGURE;

pub use clamshell::*;
pub use mechanics::*;
pub use registration::*;
pub use tolerance::*;
pub use write::{write_atomic, write_atomic_with};

use pogo_board::{PolygonMm, Side};
use pogo_catalog::{ProbePart, Receptacle};
use serde::{Deserialize, Serialize};

/// Schema id written to `fixture.json`; bump the number on incompatible change.
pub const SCHEMA: &str = "pogo.fixture/1";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    #[error("cannot read {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a pogo fixture: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A figure out of range (a hand-edited file): names the field, e.g.
    /// `probes[3].target.w`.
    #[error("{path}:{line}:{column}: {message}")]
    Figure {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: schema `{found}` is not supported (expected `{SCHEMA}`)")]
    Schema { path: String, found: String },
    #[error("cannot write {path}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = FixtureError> = std::result::Result<T, E>;

/// The whole fixture, as in `fixture.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fixture {
    pub schema: String,
    /// `pogo X.Y.Z` that wrote the file.
    pub generator: String,
    pub board: BoardSummary,
    /// The effective design rules (defaults with `pogo.toml` applied).
    pub rules: DesignRules,
    pub probes: Vec<Probe>,
    /// Catalog parts and receptacles used by the probes (so the file stands alone).
    pub parts: Vec<ProbePart>,
    pub receptacles: Vec<Receptacle>,
    pub coverage: Coverage,
    pub unreachable: Vec<Unreachable>,
    pub violations: Vec<Violation>,
    // ---- mechanics (filled by pogo-mechanics) ----
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stackup: Option<Stackup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_height_mm: Option<f64>,
    #[serde(default)]
    pub tooling: Vec<ToolingPin>,
    /// Places to add tooling holes when the board has fewer than two usable ones.
    #[serde(default)]
    pub tooling_suggestions: Vec<ToolingSuggestion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<ForceSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Channels>,
    // ---- registration (decided by pogo-design, the nest drawn by pogo-mechanics) ----
    /// How the board is registered (tooling pins or a nest) and the edge rules of the
    /// kind of fixture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<Registration>,
    // ---- tolerance (filled by pogo-tolerance) ----
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
    pub thickness_mm: f64,
    /// The real outline, cut-outs included (empty when the source has none).
    pub outline: Vec<PolygonMm>,
    /// Parts as the fixture sees them (for keep-outs, stack-up and drawings).
    pub parts: Vec<PartOutline>,
    /// Drilled holes of the board that matter to the fixture (non-plated holes and
    /// mounting holes): candidates for tooling pins and plate clearances.
    pub holes: Vec<BoardHole>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartOutline {
    pub reference: String,
    pub side: Side,
    pub x: f64,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardHole {
    pub x: f64,
    pub y: f64,
    pub diameter_mm: f64,
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
    #[serde(default)]
    pub forbidden: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetRequirement {
    /// Net name or glob pattern (`*` and `?`); empty when `net_class` selects.
    pub net: String,
    /// KiCad net class the requirement applies to, when given by class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_class: Option<String>,
    pub probes: u32,
}

/// One spring probe of the fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// `P1`, `P2`, ... in a stable order.
    pub id: String,
    pub net: String,
    /// The board side the probe touches.
    pub side: Side,
    /// Probe centre, page coordinates (mm, y down).
    pub x: f64,
    pub y: f64,
    pub target: Target,
    /// Probe class (`P100` ...) and catalog part id.
    pub class: String,
    pub part: String,
    pub tip: pogo_catalog::TipStyle,
    /// True when the engineer locked or forced this probe in `pogo.toml`.
    #[serde(default)]
    pub locked: bool,
    // ---- mechanics ----
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_travel_fraction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_n: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receptacle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<u32>,
    // ---- tolerance ----
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_mean_offset_mm: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_cov_mm2: Option<[[f64; 2]; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_contact_radius_mm: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Pad,
    Via,
}

/// What a probe lands on, with the exposed copper it may touch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub kind: TargetKind,
    /// Footprint reference (empty for a via).
    #[serde(rename = "ref")]
    pub reference: String,
    /// Pad number, `null` for a via.
    pub number: Option<String>,
    /// Centre of the target (pad position or via centre), mm.
    pub x: f64,
    pub y: f64,
    /// KiCad pad shape name (`circle`, `rect`, `oval`, `roundrect`, ...; `circle` for a via).
    pub shape: String,
    /// Size before rotation, absolute rotation (deg), mm.
    pub w: f64,
    pub h: f64,
    pub rotation: f64,
    /// Corner radius for rounded rectangles, mm (0 otherwise).
    #[serde(default)]
    pub corner_radius_mm: f64,
    /// Plated hole diameter for vias and through-hole pads, mm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill_mm: Option<f64>,
    /// Why this is a candidate: `test_point`, `through_hole` (probed opposite its
    /// component, lead in the hole), `via`, `component_pad`, `forced`.
    #[serde(default)]
    pub origin: String,
    /// Radius of the largest circle centred on the probe that fits in `exposed`, mm.
    #[serde(default)]
    pub inscribed_radius_mm: f64,
    /// The exposed copper the tip may touch (copper where the mask is open on the
    /// probed side), absolute page coordinates: the polygon every independent check
    /// uses. A plated hole in it (via, through-hole pad) is not cut out: the design
    /// rules only allow a hole the tip bridges (drill <= 75% of the tip diameter) or
    /// one the tip is made for (cup/crown on a via, a tip for leads on a soldered
    /// through-hole pad, whose hole is filled by lead and solder).
    pub exposed: Vec<PolygonMm>,
}

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
    pub probes_by_class:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>,
}

/// A testable net that got no probe, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unreachable {
    pub net: String,
    /// Human-readable reason naming the rule and place, e.g.
    /// `every candidate blocked by outline_clearance at (101.20, 55.00)`.
    pub reason: String,
    /// Rule id when a rule blocked it (`no_candidate`, `outline_clearance`,
    /// `courtyard_clearance`, `spacing`, ...).
    pub rule: String,
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
    pub rule: String,
    pub message: String,
    pub probes: Vec<String>,
    pub x: f64,
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
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Read {
            path: shown.clone(),
            source,
        })?;
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

    pub fn part(&self, id: &str) -> Option<&ProbePart> {
        self.parts.iter().find(|p| p.id == id)
    }

    pub fn receptacle(&self, id: &str) -> Option<&Receptacle> {
        self.receptacles.iter().find(|r| r.id == id)
    }
}
