//! The design rules by id, as named in violations, unreachable nets and the edge rules
//! of a kind of fixture.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A design rule's id, written in `fixture.json` as its snake_case name.
///
/// Ordered by that name (as the reports that group by rule list them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleId {
    /// Probe centre spacing by class (`spacing`).
    Spacing,
    /// Probe centre to the board outline (`outline_clearance`).
    OutlineClearance,
    /// Probe centre to another part's courtyard (`courtyard_clearance`).
    CourtyardClearance,
    /// Probe centre to a tooling hole's edge (`tooling_hole_clearance`).
    ToolingHoleClearance,
    /// The exposed copper admits the class's smallest pad (`min_pad`).
    MinPad,
    /// A via or hole the tip can bridge or is made for (`via_drill`).
    ViaDrill,
    /// A catalog tip that suits the target (`tip`).
    Tip,
    /// A net without any accessible pad or via (`no_candidate`).
    NoCandidate,
    /// The side pogo.toml allows (`side`).
    Side,
    /// A locked probe that no longer lies on usable copper (`locked_probe_lost`).
    LockedProbeLost,
    /// A forced pad under solder mask (`mask_closed`).
    MaskClosed,
    /// The nest pocket clearance round the outline (`nest_clearance`).
    NestClearance,
    /// A probe's clearance hole through the nest ledge (`nest_probe_hole`).
    NestProbeHole,
    /// The fab tolerance of the board outline (`outline_tolerance`).
    OutlineTolerance,
}

json_names!(RuleId {
    Spacing => "spacing",
    OutlineClearance => "outline_clearance",
    CourtyardClearance => "courtyard_clearance",
    ToolingHoleClearance => "tooling_hole_clearance",
    MinPad => "min_pad",
    ViaDrill => "via_drill",
    Tip => "tip",
    NoCandidate => "no_candidate",
    Side => "side",
    LockedProbeLost => "locked_probe_lost",
    MaskClosed => "mask_closed",
    NestClearance => "nest_clearance",
    NestProbeHole => "nest_probe_hole",
    OutlineTolerance => "outline_tolerance",
});

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_by_name() {
        let mut sorted = RuleId::ALL.to_vec();
        sorted.sort();
        let names: Vec<&str> = sorted.iter().map(|r| r.as_str()).collect();
        let mut by_name = names.clone();
        by_name.sort_unstable();
        assert_eq!(names, by_name);
        assert_eq!(format!("{:>8}", RuleId::Tip), "     tip");
    }
}
