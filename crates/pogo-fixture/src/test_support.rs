//! Typed fixtures for tests (the `testing` feature): a [`FixtureBuilder`] instead of
//! `fixture.json` written by hand, so a test states only what it is about and a
//! schema change is one compile error here rather than a parse failure in every test.
//!
//! ```
//! use pogo_geom::Side;
//! use pogo_catalog::Catalog;
//! use pogo_fixture::test_support::FixtureBuilder;
//!
//! let catalog = Catalog::builtin();
//! let fixture = FixtureBuilder::new([0.0, 0.0, 100.0, 80.0])
//!     .probe(&catalog, "P100-SPEAR", "GND", Side::Bottom, 20.0, 20.0)
//!     .hole(5.0, 5.0, 3.2, false, "H1")
//!     .build();
//! assert_eq!(fixture.probes[0].id, "P1");
//! assert_eq!(fixture.parts.len(), 1);
//! assert_eq!(fixture.receptacles.len(), 1);
//! ```

use crate::{
    BoardHole, BoardSummary, Coverage, DesignRules, Fixture, PartBody, PartOutline, Probe, SCHEMA,
    Target, TargetKind, TargetOrigin, TargetShape,
};
use pogo_catalog::{Catalog, ProbePart, Receptacle};
use pogo_geom::{PolygonMm, Side};

/// A rectangle `[left, top, right, bottom]` as a polygon without holes.
pub fn rect_polygon(b: [f64; 4]) -> PolygonMm {
    PolygonMm::rect(b[0], b[1], b[2], b[3])
}

/// Rules with round figures: bottom side, classes P100 and P75, 1 mm outline and
/// 0.5 mm courtyard clearance (1.5 mm for parts over 5 mm), 3 mm round tooling holes.
pub fn example_rules() -> DesignRules {
    DesignRules {
        sides: vec![Side::Bottom],
        classes: vec!["P100".into(), "P75".into()],
        outline_clearance_mm: 1.0,
        courtyard_clearance_mm: 0.5,
        tall_courtyard_clearance_mm: 1.5,
        tall_part_height_mm: 5.0,
        tooling_hole_clearance_mm: 3.0,
        via_drill_max_tip_fraction: 0.75,
        probe_component_pads: false,
        no_probe_nets: vec![],
        probes_per_net: vec![],
        tooling_hole_min_diameter_mm: 0.0,
        unknown_tht_part_is_tall: false,
        test_point_courtyards: false,
        probe_through_hole_pads: false,
        probe_vias: false,
        class_spacing_mm: Default::default(),
        class_min_pad_mm: Default::default(),
        forced: vec![],
        forbidden: vec![],
    }
}

/// A probe on a round 1.5 mm test point pad `TP<n>` centred on the probe, with no
/// exposed copper recorded (as a hand-made fixture has).
pub fn example_probe(n: usize, part: &ProbePart, net: &str, side: Side, x: f64, y: f64) -> Probe {
    let target = Target {
        kind: TargetKind::Pad,
        reference: format!("TP{n}"),
        number: Some("1".into()),
        x,
        y,
        shape: TargetShape::Circle,
        w: 1.5,
        h: 1.5,
        rotation: 0.0,
        corner_radius_mm: 0.0,
        drill_mm: None,
        origin: TargetOrigin::Unknown,
        inscribed_radius_mm: 0.0,
        exposed: vec![],
    };
    Probe::placed(
        format!("P{n}"),
        net.into(),
        side,
        (x, y),
        target,
        part,
        false,
    )
}

/// Builds a [`Fixture`] as `pogo design` would leave it (no mechanics, no tolerance):
/// a rectangular board, [`example_rules`], and the probes, holes and parts added.
#[derive(Debug, Clone)]
pub struct FixtureBuilder {
    fixture: Fixture,
}

impl FixtureBuilder {
    /// A 1.6 mm board whose outline is the rectangle `[left, top, right, bottom]`.
    pub fn new(outline: [f64; 4]) -> FixtureBuilder {
        FixtureBuilder {
            fixture: Fixture {
                schema: SCHEMA.to_string(),
                generator: "test".into(),
                board: BoardSummary {
                    file: "t.kicad_pcb".into(),
                    sha256: String::new(),
                    format: "test".into(),
                    outline_bbox: outline,
                    thickness_mm: 1.6,
                    outline: vec![rect_polygon(outline)],
                    parts: vec![],
                    holes: vec![],
                },
                rules: example_rules(),
                probes: vec![],
                parts: vec![],
                receptacles: vec![],
                coverage: Coverage::default(),
                unreachable: vec![],
                violations: vec![],
                stackup: None,
                set_height_mm: None,
                tooling: vec![],
                tooling_suggestions: vec![],
                force: None,
                channels: None,
                registration: None,
                tolerance: None,
                clamshell: None,
                unchecked: Vec::new(),
            },
        }
    }

    /// Changes the rules.
    pub fn rules(mut self, edit: impl FnOnce(&mut DesignRules)) -> FixtureBuilder {
        edit(&mut self.fixture.rules);
        self
    }

    /// Adds a probe of catalog part `part_id` (id `P<n>` in the order added, on a round
    /// test point pad); the part and its receptacle are added to the fixture once.
    /// Panics when the catalog has no such part.
    pub fn probe(
        self,
        catalog: &Catalog,
        part_id: &str,
        net: &str,
        side: Side,
        x: f64,
        y: f64,
    ) -> FixtureBuilder {
        let part = catalog
            .part(part_id)
            .unwrap_or_else(|| panic!("no part {part_id} in the catalog"));
        let receptacle = catalog.receptacle(&part.receptacle);
        self.probe_of(part, receptacle, net, side, x, y)
    }

    /// Adds a probe of `part` (and `receptacle`, when given), for parts that are not
    /// in a catalog.
    pub fn probe_of(
        mut self,
        part: &ProbePart,
        receptacle: Option<&Receptacle>,
        net: &str,
        side: Side,
        x: f64,
        y: f64,
    ) -> FixtureBuilder {
        let f = &mut self.fixture;
        let n = f.probes.len() + 1;
        f.probes.push(example_probe(n, part, net, side, x, y));
        if f.part(&part.id).is_none() {
            f.parts.push(part.clone());
            f.parts.sort_by(|a, b| a.id.cmp(&b.id));
        }
        if let Some(r) = receptacle
            && f.receptacle(&r.id).is_none()
        {
            f.receptacles.push(r.clone());
            f.receptacles.sort_by(|a, b| a.id.cmp(&b.id));
        }
        self
    }

    /// Adds a drilled board hole of `diameter_mm` at (x, y).
    pub fn hole(
        mut self,
        x: f64,
        y: f64,
        diameter_mm: f64,
        plated: bool,
        reference: &str,
    ) -> FixtureBuilder {
        self.fixture.board.holes.push(BoardHole {
            x,
            y,
            diameter_mm,
            plated,
            reference: reference.into(),
        });
        self
    }

    /// Adds a part whose courtyard is the box `[left, top, right, bottom]`.
    pub fn part(
        mut self,
        reference: &str,
        side: Side,
        courtyard: [f64; 4],
        height_mm: Option<f64>,
    ) -> FixtureBuilder {
        self.fixture.board.parts.push(PartOutline {
            reference: reference.into(),
            side,
            x: (courtyard[0] + courtyard[2]) / 2.0,
            y: (courtyard[1] + courtyard[3]) / 2.0,
            courtyard: vec![rect_polygon(courtyard)],
            height_mm,
            body: PartBody::Other,
        });
        self
    }

    /// The fixture.
    pub fn build(self) -> Fixture {
        self.fixture
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the builder makes is a valid `fixture.json`: written and read back, it is
    /// the same fixture, and its figures pass the reader's checks.
    #[test]
    fn built_fixtures_read_back() {
        let catalog = Catalog::builtin();
        let f = FixtureBuilder::new([0.0, 0.0, 100.0, 80.0])
            .probe(&catalog, "P100-SPEAR", "A", Side::Bottom, 20.0, 20.0)
            .probe(&catalog, "P75-SPEAR", "B", Side::Bottom, 30.0, 20.0)
            .probe(&catalog, "P100-SPEAR", "C", Side::Top, 40.0, 20.0)
            .hole(5.0, 5.0, 3.2, false, "H1")
            .part("U1", Side::Top, [30.0, 30.0, 60.0, 50.0], Some(2.0))
            .rules(|r| r.sides = vec![Side::Bottom, Side::Top])
            .build();
        let ids: Vec<&str> = f.probes.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["P1", "P2", "P3"]);
        assert_eq!(f.parts.len(), 2);
        assert_eq!(f.probes[1].class, "P75");
        assert_eq!(f.board.parts[0].x, 45.0);
        let back = Fixture::from_json("built", &f.to_json()).unwrap();
        assert_eq!(back, f);
    }
}
