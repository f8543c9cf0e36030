//! Fuzz the ODB++ reader through its archive entry: the input is the text of one
//! features file (or components file, or matrix, by the first byte) placed in a
//! small job with the others valid, packed as a tar; any bytes give a board or one
//! error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

const MATRIX: &str = "STEP {\nCOL=1\nNAME=PCB\n}\nLAYER {\nROW=1\nCONTEXT=BOARD\nTYPE=COMPONENT\nNAME=COMP_+_TOP\n}\nLAYER {\nROW=2\nCONTEXT=BOARD\nTYPE=SIGNAL\nNAME=TOP\n}\nLAYER {\nROW=3\nCONTEXT=BOARD\nTYPE=SOLDER_MASK\nNAME=MASK\n}\nLAYER {\nROW=4\nCONTEXT=BOARD\nTYPE=DRILL\nNAME=DRILL\n}\n";
const FEATURES: &str = "UNITS=MM\n$0 r1000\n$1 rect2000x1000xr250\n$2 oval500x1000\n@0 .drill\nP 1 2 0 P 0 8 90 ;0=0\nP 3 4 1 P 0 9 45\nL 0 0 1 0 0 P 0\nS P 0\nOB 1 2 I\nOS 2 2\nOS 2 3\nOE\nSE\nP 1 2 2 P 0 0 ;0=1\n";
const COMPONENTS: &str = "UNITS=MM\nCMP 0 1 2 0 N R1 part ;0=1\nPRP Value '10k'\nTOP 0 1 2 0 N 0 0 1\n";
// Pin 0 linked to a pad, the surface and a hole of each layer (the subnet link).
const EDA: &str = "LYR top mask drill\nNET a\nSNT TOP T 0 0\nFID C 0 0\nFID C 0 3\nFID C 1 1\nFID H 2 4\nNET b\nSNT VIA\nFID H 2 0\n";
const PROFILE: &str = "UNITS=MM\nS P 0\nOB 0 0 I\nOS 10 0\nOC 10 10 10 5 Y\nOS 0 10\nOE\nSE\n";

fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (p, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, p, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let mut files: Vec<(&str, &[u8])> = vec![
        ("job/matrix/matrix", MATRIX.as_bytes()),
        ("job/misc/info", b"UNITS=MM\n"),
        ("job/steps/pcb/profile", PROFILE.as_bytes()),
        ("job/steps/pcb/eda/data", EDA.as_bytes()),
        ("job/steps/pcb/layers/top/features", FEATURES.as_bytes()),
        ("job/steps/pcb/layers/mask/features", FEATURES.as_bytes()),
        ("job/steps/pcb/layers/drill/features", FEATURES.as_bytes()),
        ("job/steps/pcb/layers/comp_+_top/components", COMPONENTS.as_bytes()),
    ];
    let slot = match which % 6 {
        0 => 0,
        1 => 2,
        2 => 3,
        3 => 4,
        4 => 6,
        _ => 7,
    };
    files[slot].1 = rest;
    let bytes = if which & 0x80 != 0 {
        // Whole archives too: the input as the archive itself.
        rest.to_vec()
    } else {
        tar(&files)
    };
    if let Ok(board) = pogo_board::read_bytes("fuzz.tar", &bytes) {
        for pad in &board.pads {
            assert!((0.0..360.0).contains(&pad.rotation_deg), "{}", pad.rotation_deg);
            if let Some(net) = pad.net {
                assert!((net.0 as usize) < board.nets.len());
            }
        }
    }
});
