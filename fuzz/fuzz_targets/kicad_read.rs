//! Fuzz the KiCad .kicad_pcb reader (and the content sniffing in front of it): any
//! bytes give a board or one error that points inside the input, never a panic, a
//! hang or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_board::BoardError;

fuzz_target!(|data: &[u8]| {
    // Straight into the KiCad reader, so the fuzzer need not find the header first.
    check(data, pogo_board::kicad::read_bytes("fuzz.kicad_pcb", data));
    // Through the front door: decompression and reader choice by content.
    if data.len() < 1 << 16 {
        let _ = pogo_board::read_bytes("fuzz.kicad_pcb", data);
    }
});

fn check(data: &[u8], r: Result<pogo_board::Board, BoardError>) {
    match r {
        Ok(board) => {
            for pad in &board.pads {
                assert!(pad.position.x.is_finite() && pad.position.y.is_finite());
                assert!(
                    (0.0..360.0).contains(&pad.rotation_deg),
                    "{}",
                    pad.rotation_deg
                );
                if let Some(net) = pad.net {
                    assert!((net.0 as usize) < board.nets.len());
                }
            }
            for fp in &board.footprints {
                assert!(fp.pads.end <= board.pads.len());
                assert!(fp.rotation_deg > -180.0 && fp.rotation_deg <= 180.0);
            }
        }
        Err(BoardError::Syntax {
            line,
            column,
            offset,
            len,
            ..
        }) => {
            assert!(line >= 1 && column >= 1);
            assert!(offset <= data.len(), "offset {offset} past {}", data.len());
            assert!(offset + len <= data.len());
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
}
