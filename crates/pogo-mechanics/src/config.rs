//! `[mechanics]` and `[interface]` tables of `pogo.toml`. Every field has a default.

use pogo_fixture::{FixtureEdge, PressProcess};
use serde::{Deserialize, Serialize};

/// Everything [`crate::build`] needs besides the fixture.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MechanicsConfig {
    /// `[mechanics]`.
    pub mechanics: MechanicsSettings,
    /// `[interface]`.
    pub interface: InterfaceConfig,
    /// `mechanism = "press_plates" | "clamshell"` (top level of `pogo.toml`).
    pub mechanism: pogo_fixture::Mechanism,
    /// `[clamshell]`: the hinged clamshell's settings.
    pub clamshell: crate::clamshell::ClamshellSettings,
}

/// The `[mechanics]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MechanicsSettings {
    /// How the fixture closes: `vacuum`, `pneumatic` or `mechanical` (recorded).
    pub process: PressProcess,
    /// Probe plate thickness, mm (3/8 in G10/FR-4 is common).
    pub probe_plate_thickness_mm: f64,
    /// Pressure plate (lid) thickness, mm.
    pub pressure_plate_thickness_mm: f64,
    /// Clearance kept between a part and the plate or lid facing it, mm.
    pub part_clearance_mm: f64,
    /// Height assumed for a part whose height the board does not give, mm.
    pub assumed_part_height_mm: f64,
    /// Fixed set height (plate top face to probed board face), mm; computed when unset.
    pub set_height_mm: Option<f64>,
    /// Compression target as a fraction of full travel; each part's recommended working
    /// travel when unset. Must lie within 60-80%.
    pub working_travel_fraction: Option<f64>,
    /// Press each part's receptacles to the depth that puts it at its target travel at
    /// the common set height (true), or use the catalog seating depth (false).
    pub level_receptacles: bool,
    /// Least press-fit length of a receptacle in the plate, mm (limits press depth).
    pub min_receptacle_engagement_mm: f64,
    /// Dual-level (staged) contact: probes on `stage1_nets` touch first, with
    /// longer-travel parts; the rest touch at the second stage.
    pub dual_level: bool,
    /// Net names or patterns (`*`, `?`) probed in the first stage.
    pub stage1_nets: Vec<String>,
    /// Gap between the second-stage tips and the board at the first stage, mm.
    pub stage_gap_mm: f64,
    /// Least compression of a first-stage probe at the first stage, mm.
    pub stage1_min_travel_mm: f64,
    /// Tooling pins: fit clearance (hole minus pin diameter), accepted hole sizes, and
    /// how many pins (2 or 3).
    pub tooling_pin_fit_mm: f64,
    /// Smallest hole accepted for a tooling pin, mm.
    pub tooling_min_hole_mm: f64,
    /// Largest hole accepted for a tooling pin, mm.
    pub tooling_max_hole_mm: f64,
    /// How many tooling pins (2 or 3).
    pub tooling_pins: usize,
    /// Hole size suggested when the board has no usable tooling hole, mm.
    pub suggested_tooling_hole_mm: f64,
    /// Board strain limit, microstrain.
    pub strain_limit_ue: f64,
    /// Board laminate: Young's modulus (GPa) and Poisson's ratio.
    pub board_youngs_modulus_gpa: f64,
    /// Board laminate's Poisson's ratio.
    pub board_poisson_ratio: f64,
    /// Plate model grid: cells along the longer side of the board (at most), and the
    /// smallest element, mm.
    pub strain_grid_cells: usize,
    /// Smallest plate element, mm.
    pub strain_min_element_mm: f64,
    /// Side of the square strain gauge the reported board strain is read with, mm: the
    /// strain is averaged over this square (as a small rosette bonded to the board reads
    /// it), which keeps the figure finite next to probes and push fingers.
    pub strain_gauge_mm: f64,
    /// Push finger tip diameter and clearance to parts, mm.
    pub push_finger_diameter_mm: f64,
    /// Clearance between a push finger's tip and parts, mm.
    pub push_finger_clearance_mm: f64,
    /// Smallest push finger tip, mm: where a `push_finger_diameter_mm` tip finds no room
    /// (between parts), fingers 1 mm smaller at a time down to this one are used.
    pub push_finger_min_diameter_mm: f64,
    /// Most force one push finger (or support post) should carry, N. Where the plate
    /// model gives one more, fingers are added on the free spots next to it to share
    /// its load. Default 10 N: by thin-plate theory (Timoshenko & Woinowsky-Krieger §19,
    /// a load over a 2 mm radius disk, 10 mm to the next support) 1.6 mm FR-4 reads
    /// about 500 µε under a 20 N finger, so 10 N leaves half the usual strain limit to
    /// the board's overall bending; it is also the load of about 7 probes at 1.5 N.
    pub push_finger_max_load_n: f64,
    /// One cluster push finger per this many probes.
    pub probes_per_push_finger: usize,
    /// Most supports suggested when the strain limit is exceeded.
    pub max_suggested_supports: usize,
    /// Push fingers may press on sturdy part bodies (connectors, sockets, shields) of
    /// known height, cut to the part's height, where the bare board has no room.
    pub part_body_fingers: bool,
    /// References (or patterns, `*` and `?`) of parts no finger may press, however
    /// sturdy their kind.
    pub fragile_parts: Vec<String>,
    /// Body heights above the board by reference, mm: they override the board file's
    /// (`[mechanics.part_heights_mm]`, `J3 = 8.5`).
    pub part_heights_mm: std::collections::BTreeMap<String, f64>,
    /// How the probe board's spring pins are soldered: `through_hole` (the catalog's
    /// through-hole pogo pins, else the probe's receptacle) or `smt` (the catalog's SMT
    /// pogo pins on their land pattern where the probe spacing allows, else as
    /// `through_hole`). Recorded in the stack-up.
    pub probe_board_pins: pogo_catalog::PinMounting,
    /// The nest plate (`[mechanics.nest]`), for boards registered by their outline.
    pub nest: NestSettings,
}

/// The `[mechanics.nest]` table: how the nest plate is drawn (its pocket clearance is
/// the registration's, `[design]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NestSettings {
    /// Width of the support ledge the board rests on, from the board edge inward, mm
    /// (2 mm: room for the board's edge clearance of parts, pogo's own choice).
    pub ledge_width_mm: f64,
    /// 45 degree lead-in chamfer round the pocket's top edge, mm (at most half the
    /// board thickness; FixturFab "Cradles": chamfered edges as a lead-in).
    pub lead_in_chamfer_mm: f64,
    /// Least nest plate thickness, mm (FixturFab "Cradles": about 10 mm); at least the
    /// board thickness + 3 mm whatever this says.
    pub thickness_mm: f64,
    /// Plate margin round the pocket and its reliefs, mm.
    pub margin_mm: f64,
    /// Finger notch radius, mm (at most a quarter of the board's shorter side, at least
    /// 1 mm).
    pub finger_notch_mm: f64,
    /// Clearance round a part's courtyard in a relief, mm.
    pub relief_clearance_mm: f64,
    /// Material kept between the through opening and the pocket wall, mm (so the ledge
    /// never ends in a knife edge).
    pub min_wall_gap_mm: f64,
}

impl Default for NestSettings {
    fn default() -> Self {
        Self {
            ledge_width_mm: 2.0,
            lead_in_chamfer_mm: 0.5,
            thickness_mm: 10.0,
            margin_mm: 10.0,
            finger_notch_mm: 8.0,
            relief_clearance_mm: 0.5,
            min_wall_gap_mm: 0.05,
        }
    }
}

impl Default for MechanicsSettings {
    fn default() -> Self {
        Self {
            process: PressProcess::Vacuum,
            probe_plate_thickness_mm: 9.53,
            pressure_plate_thickness_mm: 6.35,
            part_clearance_mm: 1.0,
            assumed_part_height_mm: 2.0,
            set_height_mm: None,
            working_travel_fraction: None,
            level_receptacles: true,
            min_receptacle_engagement_mm: 3.0,
            dual_level: false,
            stage1_nets: Vec::new(),
            stage_gap_mm: 1.0,
            stage1_min_travel_mm: 1.0,
            tooling_pin_fit_mm: 0.05,
            tooling_min_hole_mm: 1.5,
            tooling_max_hole_mm: 6.5,
            tooling_pins: 3,
            suggested_tooling_hole_mm: 3.0,
            strain_limit_ue: 500.0,
            board_youngs_modulus_gpa: 22.0,
            board_poisson_ratio: 0.15,
            strain_grid_cells: 72,
            strain_min_element_mm: 1.0,
            strain_gauge_mm: 3.0,
            push_finger_diameter_mm: 4.0,
            push_finger_clearance_mm: 0.5,
            push_finger_min_diameter_mm: 2.0,
            push_finger_max_load_n: 10.0,
            probes_per_push_finger: 12,
            max_suggested_supports: 24,
            part_body_fingers: true,
            fragile_parts: Vec::new(),
            part_heights_mm: std::collections::BTreeMap::new(),
            probe_board_pins: pogo_catalog::PinMounting::ThroughHole,
            nest: NestSettings::default(),
        }
    }
}

/// The `[interface]` table: the connectors the probe wires go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InterfaceConfig {
    /// Name of the interface (`header`: a numbered pin header).
    pub name: String,
    /// Total channels; 0 = one per probe.
    pub channels: u32,
    /// Pins per connector; 0 = one connector with every channel.
    pub connector_pins: u32,
    /// Connector names are this prefix and a number (`J1`, `J2`, ...).
    pub connector_prefix: String,
    /// Fixture edge the connectors sit on: `top`, `bottom`, `left`, `right` (as drawn,
    /// page y down).
    pub edge: FixtureEdge,
    /// Pin pitch, mm, and distance of the connector row from the board, mm (for wire
    /// length estimates).
    pub pitch_mm: f64,
    /// Distance of the connector row from the board, mm.
    pub offset_mm: f64,
    /// Connector groups: nets kept together on consecutive channels of one connector.
    pub groups: Vec<NetGroup>,
}

impl Default for InterfaceConfig {
    fn default() -> Self {
        Self {
            name: "header".into(),
            channels: 0,
            connector_pins: 0,
            connector_prefix: "J".into(),
            edge: FixtureEdge::Bottom,
            pitch_mm: 2.54,
            offset_mm: 15.0,
            groups: Vec::new(),
        }
    }
}

/// Nets kept together on consecutive channels of one connector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetGroup {
    /// The group's name.
    pub name: String,
    /// Net names or patterns (`*`, `?`).
    pub nets: Vec<String>,
}

pub use pogo_text::glob_match;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_from_empty_tables_and_overrides() {
        let c: MechanicsConfig = toml::from_str("").unwrap();
        assert_eq!(c, MechanicsConfig::default());
        let c: MechanicsConfig = toml::from_str(
            "[mechanics]\nprobe_plate_thickness_mm = 6.35\ndual_level = true\nstage1_nets = [\"GND\"]\n\
             [interface]\nconnector_pins = 40\n[[interface.groups]]\nname = \"USB\"\nnets = [\"USB_*\"]\n",
        )
        .unwrap();
        assert_eq!(c.mechanics.probe_plate_thickness_mm, 6.35);
        assert!(c.mechanics.dual_level);
        assert_eq!(c.interface.connector_pins, 40);
        assert_eq!(c.interface.groups[0].nets, vec!["USB_*".to_string()]);
        assert!(toml::from_str::<MechanicsConfig>("[mechanics]\nplate = 3\n").is_err());
        let c: MechanicsConfig =
            toml::from_str("[mechanics.nest]\nledge_width_mm = 3.5\n").unwrap();
        assert_eq!(c.mechanics.nest.ledge_width_mm, 3.5);
        assert_eq!(c.mechanics.nest.thickness_mm, 10.0);
        assert!(toml::from_str::<MechanicsConfig>("[mechanics.nest]\nledge = 3\n").is_err());
    }
}
