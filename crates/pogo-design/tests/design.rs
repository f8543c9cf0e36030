//! The design rules and the engineer's intent on small boards built in code.

use pogo_board::geometry::rect_ring;
use pogo_board::*;
use pogo_catalog::Catalog;
use pogo_design::DesignConfig;
use pogo_design::config::{LockedProbe, NetRule, SideChoice, SidesConfig};
use pogo_fixture::{Fixture, RuleId, TargetKind};

struct B(Board);

impl B {
    /// A 100 x 80 mm board at the page origin, optionally with a cut-out.
    fn new(cutout: Option<[f64; 4]>) -> B {
        let holes = cutout
            .map(|c| vec![rect_ring(c[0], c[1], c[2], c[3])])
            .unwrap_or_default();
        B(Board::blank(
            "test.kicad_pcb",
            PolygonMm {
                outer: rect_ring(0.0, 0.0, 100.0, 80.0),
                holes,
            },
            1.6,
        ))
    }

    fn net(&mut self, name: &str) -> NetId {
        if let Some(id) = self.0.net_id(name) {
            return id;
        }
        self.0.nets.push(Net {
            name: name.into(),
            class: None,
        });
        NetId(self.0.nets.len() as u32 - 1)
    }

    /// A footprint with pads (number, net, dx, dy, diameter or w/h, kind) and a
    /// courtyard box of half size `cy`.
    #[allow(clippy::too_many_arguments)]
    fn part(
        &mut self,
        reference: &str,
        lib: &str,
        side: Side,
        at: (f64, f64),
        cy: f64,
        height: Option<f64>,
        pads: &[(&str, &str, f64, f64, f64, PadKind)],
    ) -> usize {
        let start = self.0.pads.len();
        let fi = self.0.footprints.len();
        for (number, net, dx, dy, size, kind) in pads {
            let net = self.net(net);
            let thru = *kind == PadKind::ThruHole;
            let top = side == Side::Top;
            self.0.pads.push(Pad {
                footprint: Some(fi),
                reference: reference.into(),
                number: (*number).into(),
                kind: *kind,
                shape: PadShape::Circle,
                size_mm: SizeMm { w: *size, h: *size },
                position: PointMm::new(at.0 + dx, at.1 + dy),
                rotation_deg: 0.0,
                drill: thru.then(|| Drill {
                    oblong: false,
                    size_mm: SizeMm {
                        w: size / 2.0,
                        h: size / 2.0,
                    },
                    offset_mm: PointMm::default(),
                }),
                layers: vec![],
                front_copper: thru || top,
                back_copper: thru || !top,
                front_mask: thru || top,
                back_mask: thru || !top,
                front_paste: false,
                back_paste: false,
                mask_margin_mm: None,
                net: Some(net),
                test_point_property: false,
            });
        }
        self.0.footprints.push(Footprint {
            reference: reference.into(),
            value: String::new(),
            lib_id: lib.into(),
            side,
            position: PointMm::new(at.0, at.1),
            rotation_deg: 0.0,
            attributes: FootprintAttributes {
                smd: pads.iter().all(|p| p.5 == PadKind::Smd),
                through_hole: pads.iter().any(|p| p.5 == PadKind::ThruHole),
                ..Default::default()
            },
            properties: Default::default(),
            courtyard: vec![PolygonMm {
                outer: rect_ring(at.0 - cy, at.1 - cy, at.0 + cy, at.1 + cy),
                holes: vec![],
            }],
            courtyard_bbox: Some(BoxMm {
                left: at.0 - cy,
                top: at.1 - cy,
                right: at.0 + cy,
                bottom: at.1 + cy,
            }),
            fab: vec![],
            silk_bbox: None,
            body_height_mm: height,
            pads: start..self.0.pads.len(),
        });
        fi
    }

    fn tp(&mut self, reference: &str, net: &str, side: Side, x: f64, y: f64, dia: f64) {
        self.part(
            reference,
            "TestPoint:TestPoint_Pad_D1.5mm",
            side,
            (x, y),
            dia / 2.0 + 0.5,
            None,
            &[("1", net, 0.0, 0.0, dia, PadKind::Smd)],
        );
    }

    /// A resistor-like part whose two SMD pads carry `net` (so the net has two pads).
    fn load(&mut self, reference: &str, net: &str, x: f64, y: f64) {
        self.part(
            reference,
            "R:R_0603",
            Side::Top,
            (x, y),
            1.2,
            Some(0.5),
            &[
                ("1", net, -0.8, 0.0, 0.8, PadKind::Smd),
                ("2", net, 0.8, 0.0, 0.8, PadKind::Smd),
            ],
        );
    }

    fn design(&self, config: &DesignConfig) -> Fixture {
        pogo_design::design(&self.0, &Catalog::builtin(), config).unwrap()
    }
}

fn probes_of<'a>(f: &'a Fixture, net: &str) -> Vec<&'a pogo_fixture::Probe> {
    f.probes.iter().filter(|p| p.net == net).collect()
}

fn reason<'a>(f: &'a Fixture, net: &str) -> &'a pogo_fixture::Unreachable {
    f.unreachable
        .iter()
        .find(|u| u.net == net)
        .unwrap_or_else(|| panic!("{net} not in {:?}", f.unreachable))
}

#[test]
fn test_points_get_largest_class_and_single_pad_nets_need_none() {
    let mut b = B::new(None);
    b.load("R1", "A", 20.0, 20.0);
    b.tp("TP1", "A", Side::Top, 30.0, 30.0, 1.5);
    b.tp("TP2", "LONELY", Side::Top, 50.0, 30.0, 1.5);
    let f = b.design(&DesignConfig::default());
    assert_eq!(
        (
            f.coverage.nets_total,
            f.coverage.nets_testable,
            f.coverage.nets_probed
        ),
        (2, 1, 1)
    );
    let p = probes_of(&f, "A");
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].class.as_str(), p[0].x, p[0].y, p[0].side),
        ("P100", 30.0, 30.0, Side::Top)
    );
    assert_eq!(p[0].target.kind, TargetKind::Pad);
    assert_eq!(p[0].target.reference, "TP1");
    assert!(probes_of(&f, "LONELY").is_empty() && f.unreachable.is_empty());
}

#[test]
fn close_test_points_step_down_a_class_and_spacing_losers_are_named() {
    let mut b = B::new(None);
    for (i, net) in ["A", "B", "C"].iter().enumerate() {
        b.load(&format!("R{i}"), net, 20.0 + 10.0 * i as f64, 60.0);
        b.tp(
            &format!("TP{i}"),
            net,
            Side::Top,
            40.0 + 2.0 * i as f64,
            30.0,
            1.0,
        );
    }
    let f = b.design(&DesignConfig::default());
    assert_eq!(f.coverage.nets_probed, 3, "{:?}", f.unreachable);
    // 2.0 mm apart: P100 (2.54) cannot, P75 (1.91) can; the outer ones may stay P100
    // only when 4.0 mm from each other's neighbour - they are 2.0 from the middle one.
    for p in &f.probes {
        assert_ne!(p.class, "P100", "{p:?}");
    }
    // Only P100 allowed: the middle net loses to a spacing conflict, named.
    let config = DesignConfig {
        classes: vec!["P100".into()],
        ..Default::default()
    };
    let f = b.design(&config);
    assert_eq!(f.coverage.nets_probed, 2);
    let u = reason(&f, "B");
    assert_eq!(u.rule, RuleId::Spacing);
    assert!(
        u.conflict_net.is_some() && u.reason.contains("2.54 required"),
        "{u:?}"
    );
}

#[test]
fn outline_cutout_courtyard_and_tooling_rules_block_with_reasons() {
    let mut b = B::new(Some([60.0, 40.0, 70.0, 50.0]));
    b.load("R1", "EDGE", 20.0, 70.0);
    b.tp("TP1", "EDGE", Side::Top, 1.5, 30.0, 1.5);
    b.load("R2", "CUT", 30.0, 70.0);
    b.tp("TP2", "CUT", Side::Top, 71.5, 45.0, 1.5); // 1.5 mm right of the cut-out
    b.load("R3", "TALL", 40.0, 70.0);
    b.tp("TP3", "TALL", Side::Top, 20.0, 20.0, 1.5);
    // A 5 mm tall part whose courtyard edge is 2.0 mm from TP3.
    b.part(
        "C1",
        "C:CP_Radial",
        Side::Top,
        (20.0, 14.0),
        4.0,
        Some(5.0),
        &[],
    );
    b.load("R4", "TOOL", 50.0, 70.0);
    b.tp("TP4", "TOOL", Side::Top, 85.0, 20.0, 1.5);
    b.part(
        "H1",
        "MountingHole:MountingHole_3.2mm",
        Side::Top,
        (85.0, 16.5),
        0.1,
        None,
        &[("", "", 0.0, 0.0, 3.2, PadKind::NpThruHole)],
    );
    // Make H1's pad a real 3.2 mm hole.
    let h = b.0.pads.len() - 1;
    b.0.pads[h].net = None;
    b.0.pads[h].drill = Some(Drill {
        oblong: false,
        size_mm: SizeMm { w: 3.2, h: 3.2 },
        offset_mm: PointMm::default(),
    });
    // The 2 mm edge rule set explicitly: with one hole the default registration is a
    // nest, whose own edge rule (1.15 mm) would reach TP1.
    let mut config = DesignConfig::default();
    config.rules.outline_clearance_mm = Some(2.0);
    let f = b.design(&config);
    assert_eq!(reason(&f, "EDGE").rule, RuleId::OutlineClearance);
    let cut = reason(&f, "CUT");
    assert_eq!(cut.rule, RuleId::OutlineClearance, "{cut:?}");
    assert!(
        cut.reason.contains("1.50 mm from the board outline"),
        "{cut:?}"
    );
    let tall = reason(&f, "TALL");
    assert_eq!(tall.rule, RuleId::CourtyardClearance);
    assert!(
        tall.reason.contains("C1") && tall.reason.contains("2.50 required"),
        "{tall:?}"
    );
    let tool = reason(&f, "TOOL");
    assert_eq!(tool.rule, RuleId::ToolingHoleClearance, "{tool:?}");
    assert_eq!(f.board.holes.len(), 1);
    // A short part at the same place lets TP3 through (2.0 >= 1.0 mm).
    b.0.footprints
        .iter_mut()
        .find(|f| f.reference == "C1")
        .unwrap()
        .body_height_mm = Some(1.0);
    let f = b.design(&DesignConfig::default());
    assert_eq!(probes_of(&f, "TALL").len(), 1);
    // Overrides in pogo.toml change the rules.
    let mut config = DesignConfig::default();
    config.rules.outline_clearance_mm = Some(1.0);
    config.rules.tooling_hole_clearance_mm = Some(1.0);
    let f = b.design(&config);
    assert_eq!(f.rules.outline_clearance_mm, 1.0);
    for net in ["EDGE", "CUT", "TOOL"] {
        assert_eq!(probes_of(&f, net).len(), 1, "{net}: {:?}", f.unreachable);
    }
}

#[test]
fn one_side_preferred_and_through_hole_pads_probed_opposite() {
    let mut b = B::new(None);
    // Net A: test points on both sides; net B: only on top; net C: a through-hole part on top.
    b.load("R1", "A", 20.0, 60.0);
    b.tp("TP1", "A", Side::Top, 20.0, 20.0, 1.5);
    b.tp("TP2", "A", Side::Bottom, 40.0, 20.0, 1.5);
    b.load("R2", "B", 30.0, 60.0);
    b.tp("TP3", "B", Side::Top, 60.0, 20.0, 1.5);
    b.part(
        "J1",
        "Connector:PinHeader_1x02",
        Side::Top,
        (50.0, 45.0),
        3.0,
        Some(8.5),
        &[
            ("1", "C", 0.0, 0.0, 1.7, PadKind::ThruHole),
            ("2", "C", 0.0, 2.54, 1.7, PadKind::ThruHole),
        ],
    );
    b.load("R3", "D", 40.0, 60.0);
    b.tp("TP4", "D", Side::Bottom, 70.0, 20.0, 1.5);
    let bottom = DesignConfig {
        sides: SidesConfig::One(SideChoice::Bottom),
        ..Default::default()
    };
    let f = b.design(&bottom);
    assert!(f.probes.iter().all(|p| p.side == Side::Bottom));
    assert_eq!(probes_of(&f, "A")[0].target.reference, "TP2");
    let c = probes_of(&f, "C");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].target.reference, "J1");
    assert_eq!(reason(&f, "B").rule, RuleId::Side);
    // Both sides: the bottom reaches more nets (A, C, D) and is preferred; B alone goes top.
    let f = b.design(&DesignConfig::default());
    assert_eq!(f.rules.sides, vec![Side::Bottom, Side::Top]);
    assert_eq!(f.coverage.nets_probed, 4);
    let top: Vec<_> = f
        .probes
        .iter()
        .filter(|p| p.side == Side::Top)
        .map(|p| p.net.as_str())
        .collect();
    assert_eq!(top, ["B"]);
    assert_eq!(f.coverage.probes_by_class["P100"][Side::Bottom], 3);
}

#[test]
fn intent_no_probe_per_net_forced_forbidden_and_locked() {
    let mut b = B::new(None);
    b.load("R1", "GND", 20.0, 60.0);
    b.tp("TP1", "GND", Side::Top, 20.0, 20.0, 1.5);
    b.tp("TP2", "GND", Side::Top, 30.0, 20.0, 1.5);
    b.tp("TP3", "GND", Side::Top, 40.0, 20.0, 1.5);
    b.load("R2", "SKIP", 40.0, 60.0);
    b.tp("TP4", "SKIP", Side::Top, 50.0, 20.0, 1.5);
    b.load("R3", "SIG", 60.0, 60.0);
    b.tp("TP5", "SIG", Side::Top, 60.0, 30.0, 2.0);
    let config = DesignConfig {
        no_probe: vec!["SK*".into()],
        nets: vec![NetRule {
            net: Some("GND".into()),
            net_class: None,
            probes: 2,
        }],
        forbidden: vec!["TP1".into()],
        forced: vec!["R3.1".into()],
        locked: vec![
            LockedProbe {
                net: "SIG".into(),
                side: Side::Top,
                x: 60.4,
                y: 30.3,
                part: None,
            },
            LockedProbe {
                net: "GND".into(),
                side: Side::Top,
                x: 5.0,
                y: 5.0,
                part: None,
            },
        ],
        ..Default::default()
    };
    let f = b.design(&config);
    assert!(probes_of(&f, "SKIP").is_empty());
    assert_eq!(f.coverage.nets_testable, 2);
    let gnd: Vec<_> = probes_of(&f, "GND")
        .iter()
        .map(|p| p.target.reference.clone())
        .collect();
    assert_eq!(gnd, ["TP2", "TP3"], "two probes, never the forbidden TP1");
    let sig = probes_of(&f, "SIG");
    let locked = sig
        .iter()
        .find(|p| p.target.reference == "TP5")
        .expect("locked probe kept");
    assert_eq!((locked.x, locked.y, locked.locked), (60.4, 30.3, true));
    let forced = sig
        .iter()
        .find(|p| p.target.reference == "R3")
        .expect("forced pad probed");
    assert!(forced.locked);
    let lost: Vec<_> = f
        .violations
        .iter()
        .filter(|v| v.rule == RuleId::LockedProbeLost)
        .collect();
    assert_eq!(lost.len(), 1, "{:?}", f.violations);
    // The forced component pad is 0.8 mm: too small for P100/P75 but P50 fits.
    assert_eq!(forced.class, "P50");
    // The forced pad sits inside R3's own courtyard only: no courtyard violation.
    assert!(
        f.violations
            .iter()
            .all(|v| v.rule != RuleId::CourtyardClearance),
        "{:?}",
        f.violations
    );
}

#[test]
fn vias_need_a_tip_that_bridges_or_is_made_for_the_hole() {
    let mut b = B::new(None);
    for (i, (net, drill)) in [("SMALL", 0.6), ("BIG", 1.0)].iter().enumerate() {
        b.load(&format!("R{i}"), net, 20.0 + 20.0 * i as f64, 60.0);
        let id = b.net(net);
        b.0.vias.push(Via {
            position: PointMm::new(30.0 + 20.0 * i as f64, 30.0),
            diameter_mm: drill + 0.8,
            drill_mm: *drill,
            layers: ("F.Cu".into(), "B.Cu".into()),
            via_type: "through".into(),
            net: Some(id),
            front_mask_open: false,
            back_mask_open: true,
        });
    }
    let mut catalog = Catalog::builtin();
    catalog.parts.retain(|p| {
        !matches!(
            p.tip,
            pogo_catalog::TipStyle::Cup | pogo_catalog::TipStyle::Crown
        )
    });
    let f = pogo_design::design(&b.0, &catalog, &DesignConfig::default()).unwrap();
    let small = probes_of(&f, "SMALL");
    assert_eq!(small.len(), 1);
    assert_eq!(
        (small[0].side, small[0].target.kind),
        (Side::Bottom, TargetKind::Via)
    );
    assert_eq!(reason(&f, "BIG").rule, RuleId::ViaDrill);
    // With the built-in crown/cup tips made for holes, the big via is probed too.
    let f = b.design(&DesignConfig::default());
    let big = probes_of(&f, "BIG");
    assert_eq!(big.len(), 1);
    assert!(matches!(
        big[0].tip,
        pogo_catalog::TipStyle::Crown | pogo_catalog::TipStyle::Cup
    ));
}

#[test]
fn bad_intent_is_an_error() {
    let b = B::new(None);
    let config = DesignConfig {
        classes: vec!["P200".into()],
        ..Default::default()
    };
    let err = pogo_design::design(&b.0, &Catalog::builtin(), &config)
        .unwrap_err()
        .to_string();
    assert!(err.contains("P200") && err.contains("P100"), "{err}");
    let config = DesignConfig {
        sides: SidesConfig::List(vec![]),
        ..Default::default()
    };
    assert!(pogo_design::design(&b.0, &Catalog::builtin(), &config).is_err());
}

#[test]
fn part_bodies_on_the_example_board() {
    // Which bodies a push finger may press: the pin headers; never the passives.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
    let board = pogo_board::read_file(&path).unwrap();
    let summary = pogo_design::board_summary(&board);
    let body = |r: &str| {
        summary
            .parts
            .iter()
            .find(|p| p.reference == r)
            .unwrap_or_else(|| panic!("{r}"))
            .body
    };
    use pogo_fixture::PartBody;
    assert_eq!(body("J1"), PartBody::Connector);
    assert_eq!(body("J2"), PartBody::Connector);
    for r in ["R1", "C1", "C7", "D1"] {
        assert_eq!(body(r), PartBody::Passive, "{r}");
    }
    for r in ["U1", "Q1", "TP1", "H1"] {
        assert_eq!(body(r), PartBody::Other, "{r}");
    }
    let sturdy: Vec<&str> = summary
        .parts
        .iter()
        .filter(|p| p.body.is_sturdy())
        .map(|p| p.reference.as_str())
        .collect();
    assert_eq!(sturdy, ["J1", "J2"]);
}
