//! The clamshell's closed stack-up on real boards registered by a nest (pogo-testdata):
//! the board's bottom face rests on the nest's ledge at the lower plate's set height,
//! the nest stands on the lower plate and is flush with the board's top face, the
//! upper plate hangs at its set height over the board, no two sheets of the stack
//! take the same room, the lower push fingers pass through the nest's opening and every
//! probe is compressed to its working travel (about 2/3 of full travel).

mod common;

use pogo_fixture::{
    FramePart, FramePartRole, HardwareKind, HolePurpose, InterferenceRule, Making, Mechanism,
    RegistrationKind,
};
use pogo_geom::{PointMm, Side, polygon_contains, polygon_edge_distance};

fn clamshell_of(name: &str, file: &str) -> Option<pogo_fixture::Fixture> {
    let dir = pogo_testdata::board_dir(name, "clamshell_stack")?;
    let board = pogo_board::read_file(&dir.join(file)).expect("board reads");
    let mut fx = pogo_design::design(
        &board,
        &pogo_catalog::Catalog::builtin(),
        &Default::default(),
    )
    .expect("designed");
    let cfg = pogo_mechanics::MechanicsConfig {
        mechanism: Mechanism::Clamshell,
        ..Default::default()
    };
    pogo_mechanics::build(&mut fx, &cfg).expect("mechanics with the clamshell");
    Some(fx)
}

/// Bottom and top face heights of a flat part's first copy (model Z).
fn z_range(p: &FramePart) -> (f64, f64) {
    let pl = &p.placements[0];
    let (a, b) = (
        pl.apply([0.0, 0.0, 0.0])[2],
        pl.apply([0.0, 0.0, p.thickness_mm])[2],
    );
    (a.min(b), a.max(b))
}

/// The model XY box of a flat part's copy.
fn xy_box(p: &FramePart, k: usize) -> [f64; 4] {
    let pl = &p.placements[k];
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for q in &p.outline {
        let w = pl.apply([q.x, q.y, 0.0]);
        b = [
            b[0].min(w[0]),
            b[1].min(w[1]),
            b[2].max(w[0]),
            b[3].max(w[1]),
        ];
    }
    b
}

fn check(name: &str, fx: &pogo_fixture::Fixture) {
    let reg = fx.registration.as_ref().expect("registration");
    assert_eq!(reg.kind, RegistrationKind::Nest, "{name}");
    let nest_reg = reg.nest.as_ref().expect("nest drawn");
    let c = fx.clamshell.as_ref().expect("clamshell");
    let tb = fx.board.thickness_mm;
    let st = fx.stackup.as_ref().unwrap();
    let set = |side: Side| st.sides.iter().find(|s| s.side == side).unwrap();
    let part = |role: FramePartRole, head: bool| {
        c.parts
            .iter()
            .find(|p| p.role == role && p.on_head == head)
            .unwrap_or_else(|| panic!("{name}: no {role:?}"))
    };
    let nest = part(FramePartRole::Nest, false);
    let lower = part(FramePartRole::ProbePlate, false);
    let upper = part(FramePartRole::ProbePlate, true);
    // The lower probe plate's face is the bottom set height under the board's bottom
    // face (Z = 0); the upper one's the top set height over its top face.
    assert!(
        (z_range(lower).1 + set(Side::Bottom).set_height_mm).abs() < 1e-9,
        "{name}"
    );
    assert!(
        (z_range(upper).0 - tb - set(Side::Top).set_height_mm).abs() < 1e-9,
        "{name}"
    );
    // The nest stands on the lower plate; its ledge (under the pocket) is the board's
    // bottom face, its top face flush with the board's top face.
    assert!((z_range(nest).0 - z_range(lower).1).abs() < 1e-9, "{name}");
    assert!(
        (z_range(nest).1 - nest_reg.pocket_depth_mm).abs() < 1e-9,
        "{name}"
    );
    assert!((z_range(nest).1 - tb).abs() < 0.05, "{name}");
    assert_eq!(nest_reg.side, Side::Bottom, "{name}");
    assert_eq!(nest_reg.screw_holes.len(), 4, "{name}");
    // No two sheets of the stack whose outlines overlap share a height.
    let sheets: Vec<&FramePart> = c
        .parts
        .iter()
        .filter(|p| p.role != FramePartRole::PushFinger)
        .filter(|p| p.placements[0].normal()[2].abs() > 0.999)
        .collect();
    for (i, a) in sheets.iter().enumerate() {
        for b in &sheets[i + 1..] {
            let (ba, bb) = (xy_box(a, 0), xy_box(b, 0));
            let xy = ba[0] < bb[2] && bb[0] < ba[2] && ba[1] < bb[3] && bb[1] < ba[3];
            let (za, zb) = (z_range(a), z_range(b));
            let z = za.0 < zb.1 - 1e-9 && zb.0 < za.1 - 1e-9;
            assert!(!(xy && z), "{name}: {} and {} overlap", a.name, b.name);
        }
    }
    // Every push finger on the lower plate passes through the nest's opening.
    for f in fx
        .force
        .iter()
        .flat_map(|f| f.supports.iter())
        .filter(|s| s.side == Side::Bottom)
    {
        let at = PointMm::new(f.x, f.y);
        let r = f.tip_diameter_mm / 2.0;
        let through = nest_reg
            .opening
            .iter()
            .any(|o| polygon_contains(o, at) && polygon_edge_distance(o, at) >= r - 1e-6);
        assert!(through, "{name}: finger at ({}, {}) on the ledge", f.x, f.y);
    }
    // Every probe at its working travel.
    for p in &fx.probes {
        let w = p.working_travel_fraction.unwrap();
        assert!((0.6..=0.8).contains(&w), "{name}: {} at {w}", p.id);
    }
    // The check itself finds no overlap and nothing of the board against the nest.
    for i in &c.interference {
        assert!(
            !matches!(
                i.rule,
                InterferenceRule::PartOverlap | InterferenceRule::FingerOnNest
            ) && i.fixture_part != "frame-nest",
            "{name}: {i:?}"
        );
    }
}

/// On the real boards the nest seats the board at the set height, and no finger stands
/// on a mounting-hole ring (bms-c1 had 4, glasgow-c2-v9 3): one design of each board
/// serves both checks.
#[test]
fn nest_seats_the_board_and_fingers_keep_off_rings_on_real_boards() {
    for (name, file) in [
        ("bms-c1", "bms-c1.kicad_pcb"),
        ("glasgow-c2-v9", "glasgow.kicad_pcb"),
    ] {
        let Some(fx) = clamshell_of(name, file) else {
            return;
        };
        check(name, &fx);
        assert_clear_of_rings(name, &fx);
    }
}

/// Every support's tip keeps a mounting hole's ring (or a bare hole's edge) and the
/// finger clearance: the distance from the hole's centre is at least the keep-out's
/// radius, the tip's and the clearance.
fn assert_clear_of_rings(name: &str, fx: &pogo_fixture::Fixture) {
    let s = pogo_mechanics::MechanicsSettings::default();
    let rings = pogo_mechanics::geom::hole_keepouts(&fx.board);
    let force = fx.force.as_ref().expect("force built");
    for sup in &force.supports {
        if sup.on_part.is_some() {
            continue; // pressing a part's body above the board
        }
        for z in &rings {
            let d = (sup.x - z.x).hypot(sup.y - z.y);
            assert!(
                d >= z.radius_mm + sup.tip_diameter_mm / 2.0 + s.push_finger_clearance_mm - 1e-9,
                "{name}: {sup:?} on the ring of {} ({:.2} mm round ({}, {})), {d:.2} mm from its centre",
                z.reference,
                z.radius_mm,
                z.x,
                z.y
            );
        }
    }
    if let Some(c) = &fx.clamshell {
        let on_ring: Vec<_> = c
            .interference
            .iter()
            .filter(|i| i.rule == InterferenceRule::FingerOnRing)
            .collect();
        assert!(on_ring.is_empty(), "{name}: {on_ring:#?}");
    }
}

/// A generated board with plated M3 mounting holes (3.2 mm drill, 6.4 mm pad) in its
/// corners, where the corner fingers would stand, and one among the probes: no push
/// finger or support post lands on a ring, and the clamshell finds none.
#[test]
fn fingers_keep_off_mounting_hole_rings() {
    let catalog = pogo_catalog::Catalog::builtin();
    let mut b = pogo_fixture::test_support::FixtureBuilder::new([0.0, 0.0, 100.0, 80.0]);
    for j in 0..4 {
        for i in 0..6 {
            let net = format!("N{}", j * 6 + i);
            let (x, y) = (30.0 + 8.0 * i as f64, 25.0 + 9.0 * j as f64);
            b = b.probe(&catalog, "P100-SPEAR", &net, Side::Bottom, x, y);
        }
    }
    for (k, (x, y)) in [
        (4.0, 4.0),
        (96.0, 4.0),
        (96.0, 76.0),
        (4.0, 76.0),
        (50.0, 38.5),
    ]
    .into_iter()
    .enumerate()
    {
        b = b.hole(x, y, 3.2, true, &format!("MH{}", k + 1));
    }
    let mut fx = b.build();
    let cfg = pogo_mechanics::MechanicsConfig {
        mechanism: Mechanism::Clamshell,
        ..Default::default()
    };
    pogo_mechanics::build(&mut fx, &cfg).expect("mechanics with the clamshell");
    assert!(!fx.force.as_ref().unwrap().supports.is_empty());
    assert_clear_of_rings("generated", &fx);
}

fn clamshell_config() -> pogo_mechanics::MechanicsConfig {
    pogo_mechanics::MechanicsConfig {
        mechanism: Mechanism::Clamshell,
        ..Default::default()
    }
}

/// The tooling pins of a board registered by them are clamshell parts: bought dowel
/// pins (one part per diameter, a copy at each pin) pressed through the lower plate
/// (which has a hole of the pin's diameter there), from its bottom face to the lead-in
/// above the board's top face while the board rests on the uncompressed probes, of a
/// standard length; listed in the hardware with that length and in an assembly step;
/// clear of the board's parts, and found when a part stands within the clearance.
#[test]
fn tooling_pins_are_clamshell_parts() {
    let mut fx = common::fixture(&common::grid_spec());
    pogo_mechanics::build(&mut fx, &clamshell_config()).expect("mechanics");
    assert!(fx.tooling.len() >= 2, "{:?}", fx.tooling);
    let c = fx.clamshell.as_ref().unwrap();
    let pins: Vec<&FramePart> = c
        .parts
        .iter()
        .filter(|p| p.role == FramePartRole::ToolingPin)
        .collect();
    assert!(!pins.is_empty());
    assert_eq!(
        pins.iter().map(|p| p.placements.len()).sum::<usize>(),
        fx.tooling.len()
    );
    let lower = c
        .parts
        .iter()
        .find(|p| p.role == FramePartRole::ProbePlate && !p.on_head)
        .unwrap();
    let (plate_bottom, plate_top) = z_range(lower);
    let tb = fx.board.thickness_mm;
    let travel = fx
        .stackup
        .as_ref()
        .unwrap()
        .sides
        .iter()
        .find(|s| s.side == Side::Bottom)
        .unwrap()
        .levels
        .iter()
        .map(|l| l.compression_mm)
        .fold(0.0, f64::max);
    for tp in &fx.tooling {
        let (part, pl) = pins
            .iter()
            .flat_map(|p| p.placements.iter().map(move |pl| (p, pl)))
            .find(|(_, pl)| {
                (pl.origin[0] - tp.x).abs() < 1e-9 && (pl.origin[1] + tp.y).abs() < 1e-9
            })
            .unwrap_or_else(|| panic!("no pin at {tp:?}"));
        assert_eq!(part.making, Making::Bought);
        assert!((pl.origin[2] - plate_bottom).abs() < 1e-9);
        let top = pl.origin[2] + part.thickness_mm;
        assert!(top >= tb + travel + pogo_mechanics::clamshell::TOOLING_PIN_LEAD_MM - 1e-9);
        assert!(top > tb && plate_top < 0.0, "{top}");
        // Its hole in the lower plate, of the pin's diameter.
        assert!(
            lower
                .holes
                .iter()
                .any(|h| h.purpose == HolePurpose::ToolingPin
                    && (h.x - tp.x).abs() < 1e-9
                    && (h.y + tp.y).abs() < 1e-9
                    && (h.diameter_mm - tp.diameter_mm).abs() < 1e-9)
        );
        // The hardware orders it at its standard length.
        let len = format!("x {}", part.thickness_mm);
        assert!(
            c.hardware
                .iter()
                .any(|h| h.kind == HardwareKind::ToolingPin && h.size.ends_with(&len)),
            "{:?}",
            c.hardware
        );
    }
    let ordered: u32 = c
        .hardware
        .iter()
        .filter(|h| h.kind == HardwareKind::ToolingPin)
        .map(|h| h.quantity)
        .sum();
    assert_eq!(ordered as usize, fx.tooling.len());
    assert!(
        c.assembly_parts
            .iter()
            .flatten()
            .any(|n| n == &pins[0].name)
    );
    assert!(c.interference.is_empty(), "{:#?}", c.interference);
    assert!(c.swing.as_ref().unwrap().findings.is_empty());
    // A part 0.5 mm from a pin (within the 1 mm clearance) is found.
    let tp = fx.tooling[0].clone();
    let r = tp.diameter_mm / 2.0 + 0.5;
    let courtyard = [tp.x + r, tp.y - 1.0, tp.x + r + 2.0, tp.y + 1.0];
    let mut near = fx.clone();
    near.board.parts.push(pogo_fixture::PartOutline {
        reference: "C99".into(),
        side: Side::Top,
        x: courtyard[0] + 1.0,
        y: tp.y,
        courtyard: vec![pogo_fixture::test_support::rect_polygon(courtyard)],
        height_mm: Some(1.0),
        body: pogo_fixture::PartBody::Other,
    });
    let cfg = clamshell_config();
    let c = pogo_mechanics::clamshell::build(&near, &cfg.clamshell, &cfg.mechanics).unwrap();
    assert!(
        c.interference
            .iter()
            .any(|i| i.board_part == "C99" && i.fixture_part.starts_with("frame-tooling-pin")),
        "{:#?}",
        c.interference
    );
}
