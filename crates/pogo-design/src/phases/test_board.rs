//! Small boards built in code for the phases' unit tests.

use crate::config::DesignConfig;
use crate::phases::Ctx;
use pogo_board::{Board, Net, NetId, Pad, PadKind, PadShape, PointMm, PolygonMm, SizeMm};
use pogo_catalog::Catalog;
use pogo_fixture::DesignRules;

/// A 100 x 80 mm board with a 1.5 mm round test point pad (top copper, mask open, no
/// footprint) per `(net, x, y)`.
pub(crate) fn board(pads: &[(&str, f64, f64)]) -> Board {
    let mut board = Board::blank(
        "test.kicad_pcb",
        PolygonMm::rect(0.0, 0.0, 100.0, 80.0),
        1.6,
    );
    for (i, &(net, x, y)) in pads.iter().enumerate() {
        let id = match board.net_id(net) {
            Some(id) => id,
            None => {
                board.nets.push(Net {
                    name: net.into(),
                    class: None,
                });
                NetId(board.nets.len() as u32 - 1)
            }
        };
        let reference = format!("TP{}", i + 1);
        let at = PointMm::new(x, y);
        board.pads.push(Pad {
            net: Some(id),
            test_point_property: true,
            ..smd_pad(&reference, PadShape::Circle, (1.5, 1.5), at, 0.0)
        });
    }
    board
}

/// A top-side SMD pad (F.Cu copper, F.Mask open) of `shape`, `(w, h)` mm, at `at`,
/// turned by `rotation_deg`: pad 1 of `reference`, on no net and no footprint.
pub(crate) fn smd_pad(
    reference: &str,
    shape: PadShape,
    (w, h): (f64, f64),
    at: PointMm,
    rotation_deg: f64,
) -> Pad {
    Pad {
        footprint: None,
        reference: reference.into(),
        number: "1".into(),
        kind: PadKind::Smd,
        shape,
        size_mm: SizeMm { w, h },
        position: at,
        rotation_deg,
        drill: None,
        layers: vec!["F.Cu".into(), "F.Mask".into()],
        front_copper: true,
        back_copper: false,
        front_mask: true,
        back_mask: false,
        front_paste: false,
        back_paste: false,
        mask_margin_mm: None,
        net: None,
        test_point_property: false,
    }
}

/// The effective rules of `config` with the built-in catalog.
pub(crate) fn rules(config: &DesignConfig) -> DesignRules {
    crate::rules::effective_rules(&Catalog::builtin(), config)
        .expect("valid config")
        .0
}

/// Runs `test` on the context of `board` assessed under `config` with the built-in
/// catalog (what every phase after the assessment reads).
pub(crate) fn with_ctx(board: &Board, config: &DesignConfig, test: impl FnOnce(&Ctx)) {
    let catalog = Catalog::builtin();
    let (rules, classes) = crate::rules::effective_rules(&catalog, config).expect("valid config");
    test(&crate::assess_board(
        board, &catalog, config, &rules, &classes,
    ))
}
