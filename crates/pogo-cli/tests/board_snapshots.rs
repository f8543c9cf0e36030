//! Snapshots of `pogo board info` on the example board and of the located diagnostics
//! (file, line, column, the offending line) for broken KiCad and IPC-D-356 input.
//!
//! Paths are replaced by `[REPO]` (this checkout) and `[TMP]` (the test's folder).
//! Update with `INSTA_UPDATE=always cargo test -p pogo-cli --test board_snapshots`.

mod support;

use std::path::Path;
use support::{pogo, s, transcript};

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn board(tmp: &Path, args: &[&str]) -> String {
    let args: Vec<&str> = ["board"].iter().chain(args).copied().collect();
    transcript(&pogo(&args), &[(tmp, "[TMP]"), (repo(), "[REPO]")])
}

#[test]
fn info_of_the_example_board() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = repo().join("examples/pogo-demo/pogo-demo.kicad_pcb");
    insta::assert_snapshot!("info_demo_text", board(tmp.path(), &["info", s(&demo)]));
    insta::assert_snapshot!(
        "info_demo_json",
        board(tmp.path(), &["info", s(&demo), "--format", "json"])
    );
}

/// Each broken file is refused with exit 2 and one located message.
#[test]
fn broken_boards_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            "unclosed.kicad_pcb",
            "(kicad_pcb (version 20241229) (generator \"pcbnew\")\n  (general (thickness 1.6))\n  (footprint \"TP\" (layer \"F.Cu\") (at 10 10)\n",
        ),
        (
            "bad_number.kicad_pcb",
            "(kicad_pcb (version 20241229) (generator \"pcbnew\")\n  (general (thickness 1.6))\n  (footprint \"TP\" (layer \"F.Cu\") (at 1x0 10)\n    (pad \"1\" smd circle (at 0 0) (size 1 1) (layers \"F.Cu\"))))\n",
        ),
        (
            "stray_paren.kicad_pcb",
            "(kicad_pcb (version 20241229) (generator \"pcbnew\"))\n)\n",
        ),
        ("not_a_board.kicad_pcb", "hello, world\n"),
        ("empty.kicad_pcb", ""),
        (
            "bad_record.d356",
            "C  IPC-D-356A netlist\nP  UNITS CUST 0\n327GND        TP1   -1      A01X+010000Y+0100zz X0400Y0400R000S0\n999\n",
        ),
    ];
    for (name, text) in cases {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        insta::assert_snapshot!(name.to_string(), board(tmp.path(), &["info", s(&p)]));
    }
    insta::assert_snapshot!(
        "missing_file",
        board(tmp.path(), &["info", s(&tmp.path().join("nope.kicad_pcb"))])
    );
}
