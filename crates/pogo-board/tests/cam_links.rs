//! How the CAM readers tie a component pin to its features, on small hand-written
//! files: ODB++ through the `eda/data` subnet of each toeprint (`FID` records), and
//! IPC-2581's KiCad-specific renamings and pad placement.

use pogo_board::{Board, PadKind, Side};
use std::path::Path;

/// Writes an ODB++ job directory (step `pcb`, mm) with the given layer features files,
/// top components file and `eda/data`; returns the board read from it.
fn odb_job(dir: &Path, layers: &[(&str, &str, &str)], comps: &str, eda: &str) -> Board {
    let mut matrix = String::from("STEP {\nCOL=1\nNAME=PCB\n}\n");
    matrix.push_str("LAYER {\nROW=1\nCONTEXT=BOARD\nTYPE=COMPONENT\nNAME=COMP_+_TOP\n}\n");
    for (i, (name, ty, features)) in layers.iter().enumerate() {
        matrix.push_str(&format!(
            "LAYER {{\nROW={}\nCONTEXT=BOARD\nTYPE={ty}\nNAME={}\n}}\n",
            i + 2,
            name.to_uppercase()
        ));
        let d = dir.join("steps/pcb/layers").join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("features"), features).unwrap();
    }
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("matrix/matrix", &matrix);
    write("misc/info", "UNITS=MM\n");
    write("steps/pcb/layers/comp_+_top/components", comps);
    write("steps/pcb/eda/data", eda);
    pogo_board::read_file(dir).unwrap()
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("pogo-cam-links-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An edge connector's two fingers at one place, one on each side: each pin gets the
/// copper its subnet names, not whatever lies at its place.
#[test]
fn odb_pins_take_the_features_their_subnet_names() {
    let dir = temp_dir("subnet");
    let top = "UNITS=MM\n$0 rect1000x2000\n$1 r500\nP 10 -5 0 P 0 0\nP 20 -5 1 P 0 0\n";
    let bot = "UNITS=MM\n$0 rect800x1500\nP 10 -5 0 P 0 0\n";
    let mask = "UNITS=MM\n$0 rect1100x2100\nP 10 -5 0 P 0 0\n";
    let comps = "UNITS=MM\nCMP 0 15 -5 0 N J1 conn\n\
                 TOP 0 10 -5 0 N 0 0 A1\nTOP 1 10 -5 0 N 1 0 B1\nTOP 2 20 -5 0 N 1 1 A2\n";
    let eda = "HDR test\nUNITS=MM\nLYR top bot fmask\n\
               NET SIG_A\nSNT TOP T 0 0\nFID C 0 0\nFID C 2 0\n\
               NET SIG_B\nSNT TOP T 0 1\nFID C 1 0\nSNT TOP T 0 2\nFID C 0 1\n\
               PKG conn 1 -1 -1 1 1\n";
    let board = odb_job(
        &dir,
        &[
            ("fmask", "SOLDER_MASK", mask),
            ("top", "SIGNAL", top),
            ("bot", "SIGNAL", bot),
        ],
        comps,
        eda,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let pad = |n: &str| board.pads.iter().find(|p| p.number == n).unwrap();
    let (a1, b1, a2) = (pad("A1"), pad("B1"), pad("A2"));
    assert!(a1.front_copper && !a1.back_copper && a1.front_mask);
    assert_eq!((a1.size_mm.w, a1.size_mm.h), (1.0, 2.0));
    assert!(!b1.front_copper && b1.back_copper && !b1.front_mask && !b1.back_mask);
    assert_eq!((b1.size_mm.w, b1.size_mm.h), (0.8, 1.5));
    assert!(a2.front_copper && !a2.front_mask);
    assert_eq!(a2.size_mm.w, 0.5);
    assert_eq!(board.net_name(b1.net), "SIG_B");
    assert!(board.pads.iter().all(|p| p.kind == PadKind::Smd));
    assert_eq!(board.footprints[0].side, Side::Top);
}

/// A pin whose subnet names no drill takes a non-plated hole at its place (such holes
/// carry no net, so `eda/data` does not list them), and an oval drill symbol is an
/// oblong hole.
#[test]
fn odb_non_plated_and_oblong_holes() {
    let dir = temp_dir("holes");
    let fmask = "UNITS=MM\n$0 r2200\nP 5 -5 0 P 0 0\n";
    let drill = "UNITS=MM\n$0 r2000\n$1 oval1000x2000\n@0 .drill\n\
                 P 5 -5 0 P 0 0 ;0=1\nP 9 -5 1 P 0 0 ;0=0\n";
    let top = "UNITS=MM\n$0 oval1800x2800\nP 9 -5 0 P 0 0\n";
    let comps = "UNITS=MM\nCMP 0 7 -5 0 N H1 hole\n\
                 TOP 0 5 -5 0 N 0 0 NPTH0\nTOP 1 9 -5 0 N 1 0 1\n";
    let eda = "HDR KiCad\nUNITS=MM\nLYR fmask drill top\n\
               NET $NONE$\nSNT TOP T 0 0\nFID C 0 0\n\
               NET SIG\nSNT TOP T 0 1\nFID C 2 0\nFID H 1 1\n\
               PKG hole 1 -1 -1 1 1\n";
    let board = odb_job(
        &dir,
        &[
            ("fmask", "SOLDER_MASK", fmask),
            ("top", "SIGNAL", top),
            ("drill", "DRILL", drill),
        ],
        comps,
        eda,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let np = &board.pads[0];
    assert_eq!(np.kind, PadKind::NpThruHole);
    assert_eq!(np.drill.as_ref().unwrap().size_mm.w, 2.0);
    // Without copper, the pad is the hole's size, not the mask opening's.
    assert_eq!(np.size_mm.w, 2.0);
    assert!(
        np.front_copper && np.back_copper,
        "KiCad puts NPTH pads on *.Cu"
    );
    let th = &board.pads[1];
    assert_eq!(th.kind, PadKind::ThruHole);
    let d = th.drill.as_ref().unwrap();
    assert!(d.oblong);
    assert_eq!((d.size_mm.w, d.size_mm.h), (1.0, 2.0));
}
