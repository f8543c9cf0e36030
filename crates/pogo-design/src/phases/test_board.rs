//! Small boards built in code for the phases' unit tests.

use crate::config::DesignConfig;
use pogo_board::{Board, Net, NetId, Pad, PadKind, PadShape, PointMm, PolygonMm, SizeMm};
use pogo_catalog::Catalog;
use pogo_fixture::DesignRules;

/// A 100 x 80 mm board with a 1.5 mm round test point pad (top copper, mask open, no
/// footprint) per `(net, x, y)`.
pub(crate) fn board(pads: &[(&str, f64, f64)]) -> Board {
    let rect = |l: f64, t: f64, r: f64, b: f64| {
        vec![
            PointMm::new(l, t),
            PointMm::new(r, t),
            PointMm::new(r, b),
            PointMm::new(l, b),
        ]
    };
    let mut board = Board::blank(
        "test.kicad_pcb",
        PolygonMm {
            outer: rect(0.0, 0.0, 100.0, 80.0),
            holes: vec![],
        },
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
        board.pads.push(Pad {
            footprint: None,
            reference: format!("TP{}", i + 1),
            number: "1".into(),
            kind: PadKind::Smd,
            shape: PadShape::Circle,
            size_mm: SizeMm { w: 1.5, h: 1.5 },
            position: PointMm::new(x, y),
            rotation_deg: 0.0,
            drill: None,
            layers: vec!["F.Cu".into(), "F.Mask".into()],
            front_copper: true,
            back_copper: false,
            front_mask: true,
            back_mask: false,
            front_paste: false,
            back_paste: false,
            mask_margin_mm: None,
            net: Some(id),
            test_point_property: true,
        });
    }
    board
}

/// The effective rules of `config` with the built-in catalog.
pub(crate) fn rules(config: &DesignConfig) -> DesignRules {
    crate::rules::effective_rules(&Catalog::builtin(), config)
        .expect("valid config")
        .0
}
