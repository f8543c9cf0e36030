//! A design from an IPC-D-356A netlist (no footprints, no outline): its test points
//! are known by reference designator, and the design finds the ones the board file
//! design finds (KiCad's own export of the shared bms-c1 board).

use pogo_catalog::Catalog;
use pogo_design::DesignConfig;
use std::collections::BTreeSet;

/// The test point references (`TP*`) a design of `file` probes.
fn probed_test_points(file: &std::path::Path) -> BTreeSet<String> {
    let board = pogo_board::read_file(file).unwrap();
    let fixture =
        pogo_design::design(&board, &Catalog::builtin(), &DesignConfig::default()).unwrap();
    fixture
        .probes
        .iter()
        .map(|p| p.target.reference.clone())
        .filter(|r| r.starts_with("TP"))
        .collect()
}

#[test]
fn netlist_test_points_are_probed_as_from_the_board_file() {
    let Some(dir) = pogo_testdata::board_dir("bms-c1", "netlist_test_points") else {
        return;
    };
    let from_board = probed_test_points(&dir.join("bms-c1.kicad_pcb"));
    let from_netlist = probed_test_points(&dir.join("bms-c1.d356"));
    eprintln!(
        "board file: {} test points, netlist: {}",
        from_board.len(),
        from_netlist.len()
    );
    assert!(from_board.len() >= 25, "board file design: {from_board:?}");
    let missing: Vec<_> = from_board.difference(&from_netlist).collect();
    let extra: Vec<_> = from_netlist.difference(&from_board).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "netlist design: missing {missing:?}, extra {extra:?}"
    );
}

/// The netlist gives no outline, footprints or part heights: the fixture says which
/// checks were not made and how to supply what is missing; the board file's says none.
#[test]
fn netlist_design_lists_the_checks_it_could_not_make() {
    use pogo_fixture::UncheckedRule;
    let Some(dir) = pogo_testdata::board_dir("bms-c1", "netlist_unchecked") else {
        return;
    };
    let design = |name: &str| {
        let board = pogo_board::read_file(&dir.join(name)).unwrap();
        pogo_design::design(&board, &Catalog::builtin(), &DesignConfig::default()).unwrap()
    };
    let netlist = design("bms-c1.d356");
    let rules: Vec<UncheckedRule> = netlist.unchecked.iter().map(|u| u.rule).collect();
    // bms-c1's netlist names its two non-plated holes (J3), so tooling holes are known.
    assert_eq!(
        rules,
        [
            UncheckedRule::OutlineClearance,
            UncheckedRule::CourtyardClearance,
            UncheckedRule::TallPartClearance,
            UncheckedRule::TestPointParts,
        ]
    );
    assert!(netlist.unchecked.iter().all(|u| !u.supply.is_empty()));
    let json = netlist.to_json();
    assert!(json.contains("\"unchecked\"") && json.contains("389 BOARD_EDGE"));
    assert!(design("bms-c1.kicad_pcb").unchecked.is_empty());
}
