//! The design checks a board file gave too little to make: an IPC-D-356 netlist has no
//! footprints, often no outline and no part heights, so a design from it cannot keep
//! probes off the board edge or the parts. `fixture.json` lists them with what is
//! missing and how to supply it, and the report prints them.

use serde::{Deserialize, Serialize};

/// A check the design could not make, for want of something the board file lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UncheckedRule {
    /// Probe clearance to the board edge (`outline_clearance`), and the nest cut to
    /// the outline: the file gives no closed outline.
    OutlineClearance,
    /// Probe clearance to other parts' courtyards (`courtyard_clearance`): the file
    /// gives no footprints.
    CourtyardClearance,
    /// The wider clearance to tall parts (`tall_courtyard_clearance_mm`): the file gives
    /// no part heights.
    TallPartClearance,
    /// Which pads are test points: without footprints they are told by reference
    /// designator (`TP*`) only, and a test point named otherwise is taken for a
    /// component pad.
    TestPointParts,
    /// Tooling holes (`tooling_hole_clearance`, registration on tooling pins): the file
    /// names no non-plated hole, and a netlist need not list them.
    ToolingHoles,
}

json_names!(UncheckedRule {
    OutlineClearance => "outline_clearance",
    CourtyardClearance => "courtyard_clearance",
    TallPartClearance => "tall_part_clearance",
    TestPointParts => "test_point_parts",
    ToolingHoles => "tooling_holes",
});

impl UncheckedRule {
    /// What the board file lacks, in a sentence.
    pub fn missing(self) -> &'static str {
        match self {
            UncheckedRule::OutlineClearance => {
                "no closed board outline: probes are not kept off the board edge and no nest can be cut to it"
            }
            UncheckedRule::CourtyardClearance => {
                "no footprints: probes are not kept off other parts' courtyards"
            }
            UncheckedRule::TallPartClearance => {
                "no part heights: tall parts get no wider clearance"
            }
            UncheckedRule::TestPointParts => {
                "no footprints: test points are told by reference designator (TP*) only"
            }
            UncheckedRule::ToolingHoles => {
                "no non-plated holes: the board's tooling holes are unknown"
            }
        }
    }

    /// How to supply what is missing.
    pub fn supply(self) -> &'static str {
        match self {
            UncheckedRule::OutlineClearance => {
                "design from the board file (.kicad_pcb, IPC-2581 or ODB++), or export the netlist with its outline (IPC-D-356A 389 BOARD_EDGE records)"
            }
            UncheckedRule::CourtyardClearance => {
                "design from the board file (.kicad_pcb, IPC-2581 or ODB++), which carries footprints and courtyards"
            }
            UncheckedRule::TestPointParts => {
                "design from the board file, or name test points with other references in [design] forced in pogo.toml"
            }
            UncheckedRule::TallPartClearance => {
                "design from the board file with part heights (IPC-2581 Package/Component height, KiCad Height properties or 3D models)"
            }
            UncheckedRule::ToolingHoles => {
                "export the netlist with its non-plated holes (IPC-D-356A 367 records), design from the board file, or, with an outline, set [design] registration = \"nest\" in pogo.toml"
            }
        }
    }
}

/// One entry of `fixture.json`'s `unchecked`: the check, what the board file lacks
/// and how to supply it (the texts of [`UncheckedRule::missing`] and
/// [`UncheckedRule::supply`], written out so the file reads on its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unchecked {
    /// The check not made.
    pub rule: UncheckedRule,
    /// What the board file lacks.
    pub missing: String,
    /// How to supply it.
    pub supply: String,
}

impl From<UncheckedRule> for Unchecked {
    fn from(rule: UncheckedRule) -> Unchecked {
        Unchecked {
            rule,
            missing: rule.missing().to_string(),
            supply: rule.supply().to_string(),
        }
    }
}
