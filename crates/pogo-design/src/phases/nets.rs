//! Phase 1: which nets need probes, and how many.

use crate::config::{DesignConfig, glob_match};
use pogo_board::{Board, PadKind, PointMm};
use pogo_fixture::DesignRules;

/// What the board's nets need, indexed like `Board::nets`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NetNeeds {
    /// Probes each net needs (0: not testable).
    pub(crate) required: Vec<u32>,
    /// Named nets with at least one pad or via.
    pub(crate) nets_total: usize,
    /// The nets that need a probe, in index order.
    pub(crate) testable: Vec<usize>,
    /// The first pad (else via) of each net: where a net without candidates is shown.
    pub(crate) first_place: Vec<Option<PointMm>>,
}

/// Counts each net's pads and applies `no_probe` and the `[[design.nets]]` rules: a
/// named net with two or more pads needs one probe unless a rule says otherwise.
pub(crate) fn net_needs(board: &Board, rules: &DesignRules, config: &DesignConfig) -> NetNeeds {
    let n_nets = board.nets.len();
    let mut pads_per_net = vec![0usize; n_nets];
    let mut on_board = vec![false; n_nets];
    let mut first_place: Vec<Option<PointMm>> = vec![None; n_nets];
    for pad in &board.pads {
        if let Some(n) = pad.net.map(|n| n.0 as usize).filter(|&n| n < n_nets)
            && pad.kind != PadKind::NpThruHole
        {
            pads_per_net[n] += 1;
            on_board[n] = true;
            first_place[n].get_or_insert(pad.position);
        }
    }
    for via in &board.vias {
        if let Some(n) = via.net.map(|n| n.0 as usize).filter(|&n| n < n_nets) {
            on_board[n] = true;
            first_place[n].get_or_insert(via.position);
        }
    }
    let required: Vec<u32> = (0..n_nets)
        .map(|n| {
            let net = &board.nets[n];
            if net.name.is_empty() || !on_board[n] || pads_per_net[n] < 2 {
                return 0;
            }
            if rules.no_probe_nets.iter().any(|p| glob_match(p, &net.name)) {
                return 0;
            }
            probes_asked(config, &net.name, net.class.as_deref())
        })
        .collect();
    let nets_total = (0..n_nets)
        .filter(|&n| on_board[n] && !board.nets[n].name.is_empty())
        .count();
    let testable: Vec<usize> = (0..n_nets).filter(|&n| required[n] > 0).collect();
    NetNeeds {
        required,
        nets_total,
        testable,
        first_place,
    }
}

/// Probes the first matching `[[design.nets]]` entry asks for a net, else 1.
fn probes_asked(config: &DesignConfig, name: &str, class: Option<&str>) -> u32 {
    config
        .nets
        .iter()
        .find(|r| match (&r.net, &r.net_class) {
            (Some(p), _) => glob_match(p, name),
            (None, Some(c)) => class == Some(c.as_str()),
            _ => false,
        })
        .map(|r| r.probes)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NetRule;
    use crate::phases::test_board;

    #[test]
    fn nets_with_two_pads_need_probes_as_pogo_toml_says() {
        // Nets: "" (0), A: 2 pads, B: 1 pad, GND: 3 pads, NC_1: 2 pads, V: 1 pad + via.
        let board = test_board::board(&[
            ("A", 10.0, 10.0),
            ("A", 20.0, 10.0),
            ("B", 30.0, 10.0),
            ("GND", 10.0, 20.0),
            ("GND", 20.0, 20.0),
            ("GND", 30.0, 20.0),
            ("NC_1", 10.0, 30.0),
            ("NC_1", 20.0, 30.0),
            ("V", 40.0, 40.0),
        ]);
        let config = DesignConfig {
            no_probe: vec!["NC_*".into()],
            nets: vec![NetRule {
                net: Some("G*".into()),
                net_class: None,
                probes: 2,
            }],
            ..DesignConfig::default()
        };
        let rules = test_board::rules(&config);
        let needs = net_needs(&board, &rules, &config);
        let by_name = |name: &str| {
            let n = board.net_id(name).unwrap().0 as usize;
            needs.required[n]
        };
        assert_eq!(
            [by_name("A"), by_name("B"), by_name("GND"), by_name("NC_1")],
            [1, 0, 2, 0]
        );
        assert_eq!(needs.nets_total, 5);
        assert_eq!(needs.testable.len(), 2);
        let a = board.net_id("A").unwrap().0 as usize;
        assert_eq!(needs.first_place[a], Some(PointMm::new(10.0, 10.0)));
        assert_eq!(needs.first_place[0], None);
    }
}
