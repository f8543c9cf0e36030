//! `pogo_mechanics::build` on a synthetic board: stack-up, force, tooling, strain,
//! channels.

mod common;

use common::{fixture, grid_spec};
use pogo_board::Side;
use pogo_catalog::Catalog;
use pogo_fixture::SupportReason;
use pogo_mechanics::{MechanicsConfig, MechanicsError, MechanicsReport, build, build_with_catalog};
use std::collections::BTreeMap;

#[test]
fn every_probe_at_working_travel_and_force_is_the_sum_of_spring_forces() {
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &MechanicsConfig::default()).unwrap();
    let catalog = Catalog::builtin();
    let mut expected_total = 0.0;
    for p in &fx.probes {
        let part = catalog.part(&p.part).unwrap();
        let f = p.working_travel_fraction.unwrap();
        assert!((0.6..=0.8).contains(&f), "{} at {f}", p.id);
        // Levelled receptacles: every part at its recommended working travel exactly,
        // so its force is the catalog's spring force at working travel.
        assert!((f - part.working_travel_mm / part.full_travel_mm).abs() < 1e-9);
        assert!((p.force_n.unwrap() - part.spring_force_n).abs() < 1e-9);
        assert_eq!(p.receptacle.as_deref(), Some(part.receptacle.as_str()));
        expected_total += part.spring_force_n;
    }
    let force = fx.force.as_ref().unwrap();
    assert_eq!(force.total_n.len(), 1);
    assert!((force.total_n[Side::Bottom] - expected_total).abs() < 1e-9);
    let st = &fx.stackup.as_ref().unwrap().sides[0];
    // P100: 33 - 25.4 = 7.6 mm free; at 4.23 mm working travel the set height is 3.37 mm.
    assert!(
        (st.set_height_mm - (33.0 - 25.4 - 4.23)).abs() < 1e-9,
        "{}",
        st.set_height_mm
    );
    assert_eq!(fx.set_height_mm, Some(st.set_height_mm));
    // P75 (33 - 22 = 11 mm free) is pressed 3.4 mm deeper to level.
    let p75 = st.levels.iter().find(|l| l.part == "P75-SPEAR").unwrap();
    assert!((p75.seating_depth_mm - (11.0 - st.set_height_mm - 4.23)).abs() < 1e-9);
    assert!((p75.tip_height_mm - p75.compression_mm - st.set_height_mm).abs() < 1e-9);
    // C1 (12 mm, bottom) needs a pocket through the plate; the lid clears U1 (2 mm).
    assert_eq!(st.relief_pockets.len(), 1);
    assert!(st.relief_pockets[0].through);
    let lid = st.pressure_plate.as_ref().unwrap();
    assert_eq!(lid.push_finger_length_mm, 3.0); // J1 has no height: 2 mm assumed + 1 mm
}

#[test]
fn refuses_a_stackup_outside_60_to_80_percent_naming_the_probe() {
    let mut fx = fixture(&grid_spec());
    let before = fx.clone();
    let mut cfg = MechanicsConfig::default();
    cfg.mechanics.level_receptacles = false;
    cfg.mechanics.set_height_mm = Some(2.0);
    let err = build(&mut fx, &cfg).unwrap_err();
    // P2 is the first P100 probe: 7.6 - 2.0 = 5.6 mm of 6.35 = 88%.
    match &err {
        MechanicsError::TravelOutOfRange {
            probe, fraction, ..
        } => {
            assert_eq!(probe, "P1"); // P75: 11 - 2 = 9 mm > full travel
            assert!(*fraction > 0.8);
        }
        other => panic!("{other}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("probe P1") && msg.contains("60-80%"), "{msg}");
    assert_eq!(fx, before, "the fixture is unchanged on error");
    // Catalog seating depths alone cannot hold P100 and P75 at one set height.
    cfg.mechanics.set_height_mm = None;
    assert!(matches!(
        build(&mut fx, &cfg),
        Err(MechanicsError::TravelOutOfRange { .. })
    ));
    // A single part type works without levelling.
    let mut spec = grid_spec();
    for p in &mut spec.probes {
        p.3 = "P100-SPEAR";
    }
    let mut fx = fixture(&spec);
    build(&mut fx, &cfg).unwrap();
    assert!(
        fx.probes
            .iter()
            .all(|p| (p.working_travel_fraction.unwrap() - 4.23 / 6.35).abs() < 1e-6)
    );
    // An explicit target fraction.
    cfg.mechanics.working_travel_fraction = Some(0.75);
    let mut fx = fixture(&spec);
    build(&mut fx, &cfg).unwrap();
    assert!(
        fx.probes
            .iter()
            .all(|p| (p.working_travel_fraction.unwrap() - 0.75).abs() < 1e-6)
    );
    cfg.mechanics.working_travel_fraction = Some(0.9);
    assert!(matches!(
        build(&mut fixture(&spec), &cfg),
        Err(MechanicsError::Config { .. })
    ));
}

/// Whether one of the report's notes holds every one of `words`.
fn has_note(report: &MechanicsReport, words: &[&str]) -> bool {
    report
        .notes
        .iter()
        .any(|n| words.iter().all(|w| n.contains(w)))
}

/// Adds `id` to the catalog: the part `like`, `length_mm` long with 10 mm full and
/// 6.67 mm working travel (a long-travel part for the first stage of a dual-level
/// fixture).
fn add_long_travel_part(catalog: &mut Catalog, like: &str, id: &str, length_mm: f64) {
    let mut part = catalog.part(like).unwrap().clone();
    part.id = id.into();
    part.length_mm = length_mm;
    part.full_travel_mm = 10.0;
    part.working_travel_mm = 6.67;
    catalog.parts.push(part);
}

#[test]
fn dual_level_uses_long_travel_parts() {
    let mut cfg = MechanicsConfig::default();
    cfg.mechanics.dual_level = true;
    cfg.mechanics.stage1_nets = vec!["N1".into(), "N2".into()];
    // The built-in catalog has no long-travel P75 part (N1 is on a P75): a clear refusal.
    let err = build(&mut fixture(&grid_spec()), &cfg).unwrap_err();
    assert!(
        matches!(err, MechanicsError::NoLongTravelPart { .. }),
        "{err}"
    );
    let mut catalog = Catalog::builtin();
    add_long_travel_part(&mut catalog, "P100-SPEAR", "P100-LT", 40.0);
    add_long_travel_part(&mut catalog, "P75-SPEAR", "P75-LT", 36.0);
    let mut fx = fixture(&grid_spec());
    build_with_catalog(&mut fx, &cfg, &catalog).unwrap();
    let st = &fx.stackup.as_ref().unwrap().sides[0];
    let s1 = st.stage1_set_height_mm.unwrap();
    for p in &fx.probes {
        let staged = p.net == "N1" || p.net == "N2";
        assert_eq!(p.part.ends_with("-LT"), staged, "{}", p.id);
        assert!((0.6..=0.8).contains(&p.working_travel_fraction.unwrap()));
    }
    let long = st.levels.iter().find(|l| l.part == "P100-LT").unwrap();
    assert_eq!(long.stage, 1);
    // At the first stage the long probes touch (>= 1 mm) and the others are clear.
    assert!(long.stage1_compression_mm.unwrap() >= 1.0 - 1e-9);
    for l in st.levels.iter().filter(|l| l.stage == 2) {
        assert!(
            l.tip_height_mm < s1 - 0.99,
            "{} tip {} vs stage 1 at {s1}",
            l.part,
            l.tip_height_mm
        );
    }
    assert!(fx.parts.iter().any(|p| p.id == "P100-LT"));
}

#[test]
fn three_guide_pins_round_the_centre_of_mass() {
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &MechanicsConfig::default()).unwrap();
    let refs: Vec<&str> = fx.tooling.iter().map(|t| t.hole_ref.as_str()).collect();
    assert_eq!(refs, ["H1", "H3", "H2"]); // sorted by x, y
    assert!(
        fx.tooling
            .iter()
            .all(|t| (t.diameter_mm - 3.15).abs() < 1e-9)
    );
    assert!(fx.tooling_suggestions.is_empty());
}

#[test]
fn no_usable_hole_gives_suggestions() {
    let mut spec = grid_spec();
    spec.holes.retain(|h| h.3); // plated only
    let mut fx = fixture(&spec);
    let report = build(&mut fx, &MechanicsConfig::default()).unwrap();
    assert!(fx.tooling.is_empty());
    assert!(
        fx.tooling_suggestions.len() >= 2,
        "{:?}",
        fx.tooling_suggestions
    );
    assert!(
        has_note(&report, &["0 usable tooling holes", "plated"]),
        "{:?}",
        report.notes
    );
    for s in &fx.tooling_suggestions {
        for p in &fx.probes {
            assert!((p.x - s.x).hypot(p.y - s.y) >= 1.5 + 3.0 - 1e-9);
        }
        for part in &fx.board.parts {
            let b = pogo_mechanics::geom::part_box(part, 0.0);
            assert!(
                !(s.x > b[0] - 1.5 && s.x < b[2] + 1.5 && s.y > b[1] - 1.5 && s.y < b[3] + 1.5),
                "{s:?} on {}",
                part.reference
            );
        }
    }
    // A hole next to a probe is refused by the design rule's clearance.
    let mut spec = grid_spec();
    spec.holes = vec![
        (22.0, 22.0, 3.2, false, "H9"),
        (95.0, 5.0, 3.2, false, "H2"),
    ];
    let mut fx = fixture(&spec);
    let report = build(&mut fx, &MechanicsConfig::default()).unwrap();
    assert!(fx.tooling.is_empty());
    assert!(has_note(&report, &["H9", "probe P1"]), "{:?}", report.notes);
}

#[test]
fn push_fingers_balance_the_probe_forces_and_clear_parts() {
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &MechanicsConfig::default()).unwrap();
    let force = fx.force.as_ref().unwrap();
    assert!(force.max_strain_ue > 0.0);
    assert!(
        force
            .supports
            .iter()
            .any(|s| s.reason == SupportReason::Corner)
    );
    assert!(
        force
            .supports
            .iter()
            .any(|s| s.reason == SupportReason::Cluster)
    );
    // Equilibrium: the fingers on the top face take the whole upward probe force.
    let reactions: f64 = force.supports.iter().map(|s| s.reaction_n).sum();
    assert!(
        (reactions - force.total_n[Side::Bottom]).abs() < 1e-6 * force.total_n[Side::Bottom],
        "{reactions}"
    );
    for s in &force.supports {
        assert_eq!(s.side, pogo_board::Side::Top);
        for part in fx
            .board
            .parts
            .iter()
            .filter(|p| p.side == pogo_board::Side::Top)
        {
            // Its tip (4 mm, or a smaller fallback down to 2 mm) and 0.5 mm clearance.
            assert!((2.0..=4.0).contains(&s.tip_diameter_mm), "{s:?}");
            assert!(
                pogo_mechanics::geom::part_dist(part, s.x, s.y)
                    >= s.tip_diameter_mm / 2.0 + 0.5 - 1e-9,
                "{s:?} on {}",
                part.reference
            );
        }
    }
    assert_eq!(force.limit_ue, 500.0);
    assert_eq!(force.exceeded, force.max_strain_ue > 500.0);
}

#[test]
fn fingers_share_a_load_above_the_per_finger_limit() {
    // One cluster finger for all 40 probes: it carries far more than 10 N alone.
    let mut cfg = MechanicsConfig::default();
    cfg.mechanics.probes_per_push_finger = 1000;
    cfg.mechanics.max_suggested_supports = 0;
    cfg.mechanics.push_finger_max_load_n = 0.0; // off
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &cfg).unwrap();
    let most = |fx: &pogo_fixture::Fixture| {
        let f = fx.force.as_ref().unwrap();
        f.supports.iter().map(|s| s.reaction_n).fold(0.0, f64::max)
    };
    let alone = most(&fx);
    let strain_alone = fx.force.as_ref().unwrap().max_strain_ue;
    assert!(alone > 10.0, "{alone}");
    cfg.mechanics.push_finger_max_load_n = 10.0;
    let mut fx = fixture(&grid_spec());
    let report = build(&mut fx, &cfg).unwrap();
    let force = fx.force.as_ref().unwrap();
    // A finger still above the limit (no free spot left near it) is named in a note.
    let over = force.supports.iter().any(|s| s.reaction_n > 10.0);
    assert_eq!(
        has_note(&report, &["carry more than 10 N"]),
        over,
        "{:?}",
        report.notes
    );
    let shared = force
        .supports
        .iter()
        .filter(|s| s.reason == SupportReason::LoadShare)
        .count();
    assert!(shared > 0);
    let now = most(&fx);
    assert!(now < alone, "{now} vs {alone}");
    assert!(
        force.max_strain_ue < strain_alone,
        "{} vs {strain_alone}",
        force.max_strain_ue
    );
    // Still in equilibrium, every finger pressing.
    let reactions: f64 = force.supports.iter().map(|s| s.reaction_n).sum();
    assert!((reactions - force.total_n[Side::Bottom]).abs() < 1e-6 * force.total_n[Side::Bottom]);
    assert!(force.supports.iter().all(|s| s.reaction_n >= -1e-9));
}

#[test]
fn suggests_supports_when_the_strain_limit_is_exceeded() {
    let mut cfg = MechanicsConfig::default();
    cfg.mechanics.probes_per_push_finger = 1000; // one cluster finger only
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &cfg).unwrap();
    let base = fx.force.as_ref().unwrap().max_strain_ue;
    cfg.mechanics.strain_limit_ue = base * 0.6;
    let mut fx = fixture(&grid_spec());
    let report = build(&mut fx, &cfg).unwrap();
    let force = fx.force.as_ref().unwrap();
    assert!(force.exceeded);
    assert!(!force.suggested_supports.is_empty());
    let with = force.strain_with_suggestions_ue.unwrap();
    assert!(with < base, "{with} vs {base}");
    assert!(report.notes.iter().any(|n| n.contains("exceeds")));
}

#[test]
fn channels_follow_position_keep_nets_and_groups_together() {
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &MechanicsConfig::default()).unwrap();
    let ch = fx.channels.as_ref().unwrap();
    assert_eq!(ch.assignments.len(), fx.probes.len());
    let mut seen: Vec<u32> = fx.probes.iter().map(|p| p.channel.unwrap()).collect();
    seen.sort_unstable();
    assert_eq!(seen, (1..=40).collect::<Vec<_>>());
    // Probes of one net sit on consecutive channels.
    let mut by_net: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for a in &ch.assignments {
        by_net.entry(&a.net).or_default().push(a.channel);
    }
    for (net, chans) in &by_net {
        assert_eq!(
            chans.last().unwrap() - chans[0],
            chans.len() as u32 - 1,
            "{net}: {chans:?}"
        );
    }
    // Connector groups with 16-pin connectors: a group never straddles two.
    let mut cfg = MechanicsConfig::default();
    cfg.interface.connector_pins = 16;
    cfg.interface.channels = 48;
    cfg.interface.groups = vec![pogo_mechanics::NetGroup {
        name: "BUS".into(),
        nets: vec!["N1?".into(), "N5".into()],
    }];
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &cfg).unwrap();
    let ch = fx.channels.as_ref().unwrap();
    assert_eq!(ch.connectors.len(), 3);
    let bus: Vec<&pogo_fixture::ChannelAssignment> =
        ch.assignments.iter().filter(|a| a.group == "BUS").collect();
    assert_eq!(bus.len(), 2 * 11); // N10..N19 and N5, two probes each
    let conns: std::collections::BTreeSet<&str> =
        bus.iter().map(|a| a.connector.as_str()).collect();
    assert!(bus.len() > 16 || conns.len() == 1);
    let first = bus[0].channel;
    assert!(
        bus.iter()
            .enumerate()
            .all(|(k, a)| a.channel == first + k as u32)
    );
    // Too few channels is refused.
    cfg.interface.channels = 10;
    assert!(matches!(
        build(&mut fixture(&grid_spec()), &cfg),
        Err(MechanicsError::TooFewChannels { .. })
    ));
}

#[test]
fn ordered_channels_give_shorter_wires_than_id_order() {
    let mut fx = fixture(&grid_spec());
    build(&mut fx, &MechanicsConfig::default()).unwrap();
    let ch = fx.channels.as_ref().unwrap();
    // Wire lengths if channels followed probe ids instead, same pin positions (one
    // 40-pin row centred 15 mm below the board).
    let pitch = 2.54;
    let row_start = 50.0 - 40.0 * pitch / 2.0 + pitch / 2.0;
    let id_order: f64 = fx
        .probes
        .iter()
        .enumerate()
        .map(|(k, p)| (p.x - (row_start + k as f64 * pitch)).hypot(95.0 - p.y))
        .sum();
    assert!(
        ch.total_wire_mm < id_order,
        "{} vs {id_order}",
        ch.total_wire_mm
    );
}

#[test]
fn deterministic() {
    let mut a = fixture(&grid_spec());
    let mut b = fixture(&grid_spec());
    build(&mut a, &MechanicsConfig::default()).unwrap();
    build(&mut b, &MechanicsConfig::default()).unwrap();
    assert_eq!(a.to_json(), b.to_json());
    let back = pogo_fixture::Fixture::from_json("fixture.json", &a.to_json()).unwrap();
    assert_eq!(
        back.channels.as_ref().map(|c| c.assignments.len()),
        Some(40)
    );
    assert_eq!(back.stackup.as_ref().map(|s| s.sides.len()), Some(1));
}

#[test]
fn no_support_pulls_the_board() {
    // The example board: with both-way corner supports its top-right corner finger
    // pulled the board with 0.36 N. A finger can only push: it is left out and the plate
    // solved again until every support pushes.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
    let board = pogo_board::read_file(&path).unwrap();
    let mut fx = pogo_design::design(&board, &Catalog::builtin(), &Default::default()).unwrap();
    build(&mut fx, &MechanicsConfig::default()).unwrap();
    let force = fx.force.as_ref().unwrap();
    assert!(force.supports.len() >= 6, "{:?}", force.supports);
    for s in &force.supports {
        assert!(s.reaction_n >= -1e-9, "pulls: {s:?}");
    }
    // The corner that pulled is no longer built.
    assert!(
        !force
            .supports
            .iter()
            .any(|s| (s.x - 169.0).abs() < 1.0 && (s.y - 103.0).abs() < 1.0),
        "{:?}",
        force.supports
    );
    // Equilibrium with the supports left: fingers on the top face press down, those on
    // the bottom face press up, against the probes of each side.
    let on = |face: pogo_board::Side| -> f64 {
        force
            .supports
            .iter()
            .filter(|s| s.side == face)
            .map(|s| s.reaction_n)
            .sum()
    };
    let net_up = force.total_n[Side::Bottom] - force.total_n[Side::Top];
    let held = on(pogo_board::Side::Top) - on(pogo_board::Side::Bottom);
    assert!(
        (held - net_up).abs() < 1e-6 * force.total_n[Side::Bottom],
        "{held} vs {net_up}"
    );
}

/// Whether no support of the fixture presses a part's body.
fn no_finger_on_a_part(fx: &pogo_fixture::Fixture) -> bool {
    let force = fx.force.as_ref().expect("forces computed");
    force.supports.iter().all(|s| s.on_part.is_none())
}

#[test]
fn fingers_press_sturdy_part_bodies_of_known_height() {
    // A connector block over the whole probe field on the lid's face: the bare board has
    // no spot near the probes, the connector's body has.
    let mut spec = grid_spec();
    spec.parts = vec![("J9", "top", [12.0, 12.0, 88.0, 66.0], None)];
    let body = |fx: &mut pogo_fixture::Fixture| {
        fx.board.parts[0].body = pogo_fixture::PartBody::Connector;
    };
    let mut cfg = MechanicsConfig::default();
    cfg.mechanics.max_suggested_supports = 0;
    // Height unknown: no finger on the part; the strain names the part to measure.
    let mut fx = fixture(&spec);
    body(&mut fx);
    cfg.mechanics.strain_limit_ue = 1.0;
    build(&mut fx, &cfg).unwrap();
    assert!(no_finger_on_a_part(&fx));
    let bare = fx.force.clone().unwrap();
    let over = bare.over_limit.as_ref().unwrap();
    assert_eq!(over.parts_without_height, vec!["J9".to_string()]);
    assert!(!over.probes_to_move.is_empty());
    // Its height from pogo.toml: fingers cut to 7.5 mm press its body.
    cfg.mechanics.strain_limit_ue = 500.0;
    cfg.mechanics.part_heights_mm.insert("J9".into(), 7.5);
    let mut fx = fixture(&spec);
    body(&mut fx);
    build(&mut fx, &cfg).unwrap();
    let force = fx.force.as_ref().unwrap();
    let on: Vec<_> = force
        .supports
        .iter()
        .filter_map(|s| s.on_part.as_ref().map(|p| (s, p)))
        .collect();
    assert!(on.len() >= 2, "{:?}", force.supports);
    for (s, p) in &on {
        assert_eq!(p.reference, "J9");
        assert_eq!(p.height_mm, 7.5);
        assert_eq!(p.height_from, pogo_fixture::HeightSource::PogoToml);
        // The whole tip on the body, clearance kept to its edge.
        let r = s.tip_diameter_mm / 2.0 + 0.5;
        assert!(s.x >= 12.0 + r && s.x <= 88.0 - r && s.y >= 12.0 + r && s.y <= 66.0 - r);
        assert!(s.reaction_n >= -1e-9);
    }
    assert!(
        force.max_strain_ue < 0.8 * bare.max_strain_ue,
        "{} vs {}",
        force.max_strain_ue,
        bare.max_strain_ue
    );
    // The stack-up takes the height too.
    let lid = fx.stackup.as_ref().unwrap().sides[0]
        .pressure_plate
        .clone()
        .unwrap();
    assert_eq!(lid.tallest_part_height_mm, 7.5);
    // Marked fragile: never pressed.
    cfg.mechanics.fragile_parts = vec!["J*".into()];
    let mut fx = fixture(&spec);
    body(&mut fx);
    build(&mut fx, &cfg).unwrap();
    assert!(no_finger_on_a_part(&fx));
    // A passive never, whatever its height.
    cfg.mechanics.fragile_parts.clear();
    let mut fx = fixture(&spec);
    fx.board.parts[0].body = pogo_fixture::PartBody::Passive;
    build(&mut fx, &cfg).unwrap();
    assert!(no_finger_on_a_part(&fx));
    // A height for a part the board does not have is refused.
    cfg.mechanics.part_heights_mm.insert("J99".into(), 3.0);
    let err = build(&mut fixture(&spec), &cfg).unwrap_err();
    assert!(err.to_string().contains("J99"), "{err}");
}
