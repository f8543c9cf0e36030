//! Fuzz the IPC-2581 reader: any bytes give a board or one error; a syntax error
//! points inside the text; never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_board::BoardError;

fuzz_target!(|data: &[u8]| {
    let _ = pogo_board::ipc2581::looks_like_ipc2581(data);
    match pogo_board::ipc2581::read("fuzz.xml", data) {
        Ok(board) => {
            for pad in &board.pads {
                assert!(pad.position.x.is_finite() && pad.position.y.is_finite());
                assert!((0.0..360.0).contains(&pad.rotation_deg), "{}", pad.rotation_deg);
                if let Some(net) = pad.net {
                    assert!((net.0 as usize) < board.nets.len());
                }
                if let Some(f) = pad.footprint {
                    assert!(f < board.footprints.len());
                }
            }
            for fp in &board.footprints {
                assert!(fp.pads.end <= board.pads.len());
            }
        }
        Err(BoardError::Syntax { line, column, offset, .. }) => {
            assert!(line >= 1 && column >= 1);
            assert!(offset <= data.len(), "offset {offset} past {}", data.len());
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
});
