//! Fuzz the IPC-D-356A reader: any text gives a board or one syntax error that points
//! inside the text, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_board::BoardError;
use pogo_board::ipc356;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ipc356::looks_like_ipc356(text);
    match ipc356::read("fuzz.d356", text) {
        Ok(board) => {
            for pad in &board.pads {
                assert!(pad.position.x.is_finite() && pad.position.y.is_finite());
                assert!(pad.size_mm.w >= 0.0 && pad.size_mm.h >= 0.0);
                assert!(
                    (0.0..360.0).contains(&pad.rotation_deg),
                    "{}",
                    pad.rotation_deg
                );
                if let Some(net) = pad.net {
                    assert!((net.0 as usize) < board.nets.len());
                }
            }
            for rec in &board.access_records {
                assert!(rec.line >= 1);
                if let Some(i) = rec.pad {
                    assert!(i < board.pads.len());
                }
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
            assert!(offset <= text.len(), "offset {offset} past {}", text.len());
            assert!(offset + len <= text.len() + 1);
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
});
