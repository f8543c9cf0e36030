//! Bad input never panics or hangs: it gives one error naming file, line, column and
//! what was expected.

use pogo_board::{BoardError, read_bytes};
use std::path::Path;

/// A real board's bytes: the example board of the repository (`examples/...`) or a shared
/// board (`FOLDER/FILE`, None when the shared data is absent).
fn board_bytes(rel: &str) -> Option<Vec<u8>> {
    let p = if rel.starts_with("examples/") {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(rel)
    } else {
        pogo_testdata::boards("every_prefix_of_a_real_board_is_an_error_not_a_panic")?.join(rel)
    };
    Some(std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

fn syntax(e: BoardError) -> (usize, usize, String, String) {
    match e {
        BoardError::Syntax {
            line,
            column,
            expected,
            found,
            path,
            offset,
            len,
        } => {
            assert_eq!(path, "t.kicad_pcb");
            assert!(len <= 1 << 20 && offset < 1 << 40);
            (line, column, expected, found)
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

const SMALL: &str = "(kicad_pcb (version 20241229) (generator \"pcbnew\")\n  (general (thickness 1.6))\n  (net 0 \"\")\n  (net 1 \"GND\")\n  (footprint \"TestPoint:TP\" (layer \"F.Cu\") (at 10 20 90)\n    (property \"Reference\" \"TP1\")\n    (pad \"1\" smd circle (at 1 0) (size 1 1) (layers \"F.Cu\" \"F.Mask\") (net 1 \"GND\")))\n)\n";

#[test]
fn small_board_reads() {
    let b = read_bytes("t.kicad_pcb", SMALL.as_bytes()).unwrap();
    assert_eq!(b.pads.len(), 1);
    let p = &b.pads[0];
    // (1, 0) turned by the footprint's 90 degrees (y down) is (0, -1).
    assert_eq!((p.position.x, p.position.y), (10.0, 19.0));
    assert_eq!(b.net_name(p.net), "GND");
    assert_eq!(b.thickness_mm, Some(1.6));
}

#[test]
fn pad_net_name_must_agree_with_the_net_table() {
    // KiCad leaves such a pad unconnected rather than trusting either side.
    let t = SMALL.replacen("(net 1 \"GND\")))", "(net 1 \"VCC\")))", 1);
    let b = read_bytes("t.kicad_pcb", t.as_bytes()).unwrap();
    assert_eq!(b.pads[0].net, None);
    // KiCad 10 style: a net by name only, no table.
    let t = SMALL.replacen("(net 1 \"GND\")))", "(net \"VCC\")))", 1);
    let b = read_bytes("t.kicad_pcb", t.as_bytes()).unwrap();
    assert_eq!(b.net_name(b.pads[0].net), "VCC");
}

#[test]
fn every_prefix_of_a_real_board_is_an_error_not_a_panic() {
    for rel in [
        "examples/pogo-demo/pogo-demo.kicad_pcb",
        "test_points-v9/test_points.kicad_pcb",
        "expansion-card-v5/Expansion_Card.kicad_pcb",
        "custom_pads_test/custom_pads_test.kicad_pcb",
    ] {
        let Some(bytes) = board_bytes(rel) else {
            continue;
        };
        let end = bytes.iter().rposition(|&c| c == b')').unwrap();
        // Many cut points: every byte of the first 2000, then a stride through the rest.
        let stride = (end / 3000).max(1);
        let cuts = (0..end.min(2000))
            .chain((2000..end).step_by(stride))
            .chain(end.saturating_sub(64)..end);
        let mut n = 0;
        for cut in cuts {
            let r = read_bytes("t.kicad_pcb", &bytes[..cut]);
            assert!(r.is_err(), "{rel}: prefix of {cut} bytes was accepted");
            n += 1;
        }
        assert!(n > 3000, "{n}");
        // The whole file reads.
        read_bytes("t.kicad_pcb", &bytes).unwrap();
    }
}

#[test]
fn truncated_file_says_which_list_is_unclosed() {
    let cut = SMALL.find("(layers").unwrap() + 3;
    let (line, column, expected, found) =
        syntax(read_bytes("t.kicad_pcb", &SMALL.as_bytes()[..cut]).unwrap_err());
    assert_eq!(found, "end of file");
    assert_eq!(line, 7);
    assert!(column > 1);
    assert!(expected.contains("')'"), "{expected}");
}

#[test]
fn unbalanced_parentheses() {
    // KiCad stops reading at the board's closing ')': what follows is not the board.
    let extra = format!("{SMALL})");
    assert_eq!(
        read_bytes("t.kicad_pcb", extra.as_bytes())
            .unwrap()
            .pads
            .len(),
        1
    );
    let missing = SMALL.replacen("(size 1 1)", "(size 1 1", 1);
    assert!(read_bytes("t.kicad_pcb", missing.as_bytes()).is_err());
}

#[test]
fn bad_numbers_name_the_token() {
    for (bad, what) in [
        ("(at 1 0)", "(at 1 zero)"),
        ("(size 1 1)", "(size 1 1e999)"),
        ("(at 1 0)", "(at nan 0)"),
    ] {
        let text = SMALL.replacen(bad, what, 1);
        let (line, column, expected, found) =
            syntax(read_bytes("t.kicad_pcb", text.as_bytes()).unwrap_err());
        assert_eq!(line, 7, "{what}");
        assert!(column > 10);
        assert!(
            expected.contains("mm") || expected.contains("number"),
            "{expected}"
        );
        assert!(found.starts_with('`'), "{found}");
    }
    let v = SMALL.replacen("(version 20241229)", "(version x1)", 1);
    let (line, column, expected, _) = syntax(read_bytes("t.kicad_pcb", v.as_bytes()).unwrap_err());
    assert_eq!((line, column), (1, 21));
    assert!(expected.contains("version"));
}

#[test]
fn bad_pad_type_and_shape() {
    let t = SMALL.replacen("smd circle", "smd hexagon", 1);
    let (_, _, expected, found) = syntax(read_bytes("t.kicad_pcb", t.as_bytes()).unwrap_err());
    assert!(expected.contains("pad shape"), "{expected}");
    assert_eq!(found, "`hexagon`");
    let t = SMALL.replacen("smd circle", "glued circle", 1);
    let (_, _, expected, _) = syntax(read_bytes("t.kicad_pcb", t.as_bytes()).unwrap_err());
    assert!(expected.contains("pad type"), "{expected}");
}

#[test]
fn nesting_100000_deep_is_an_error_not_a_stack_overflow() {
    let deep = format!("(kicad_pcb (version 20241229) {} ", "(x ".repeat(100_000));
    let r = read_bytes("t.kicad_pcb", deep.as_bytes());
    assert!(matches!(r, Err(BoardError::Syntax { .. })));
    // Balanced deep nesting inside a board item pogo does not model (a zone) is
    // skipped, whatever the depth.
    let ok = format!(
        "(kicad_pcb (version 20241229) (zone {}{}))",
        "(x ".repeat(100_000),
        ")".repeat(100_000)
    );
    let b = read_bytes("t.kicad_pcb", ok.as_bytes()).unwrap();
    assert!(b.pads.is_empty());
    // Deep nesting inside a pad (a known list) too.
    let pad = SMALL.replacen(
        "(net 1 \"GND\")))",
        &format!(
            "(net 1 \"GND\") {}{}))",
            "(q ".repeat(100_000),
            ")".repeat(100_000)
        ),
        1,
    );
    read_bytes("t.kicad_pcb", pad.as_bytes()).unwrap();
}

#[test]
fn garbage_empty_and_missing() {
    // Binary garbage, deterministic.
    let mut rng = pogo_testdata::Xorshift(0x9e37_79b9_7f4a_7c15);
    let garbage: Vec<u8> = (0..100_000).map(|_| (rng.next_u64() >> 24) as u8).collect();
    assert!(read_bytes("t.kicad_pcb", &garbage).is_err());
    // Garbage after a valid header.
    let mut g = b"(kicad_pcb (version 20241229) ".to_vec();
    g.extend_from_slice(&garbage);
    assert!(read_bytes("t.kicad_pcb", &g).is_err());
    assert!(matches!(
        read_bytes("t.kicad_pcb", b""),
        Err(BoardError::UnknownFormat { .. })
    ));
    assert!(matches!(
        read_bytes("t.kicad_pcb", b"  \n "),
        Err(BoardError::UnknownFormat { .. })
    ));
    assert!(matches!(
        read_bytes("t.kicad_pcb", b"(kicad_sch (version 1))"),
        Err(BoardError::UnknownFormat { .. })
    ));
    // A broken xz stream.
    let r = read_bytes("t.kicad_pcb.xz", b"\xfd7zXZ\x00garbage");
    assert!(matches!(r, Err(BoardError::Decompress { .. })), "{r:?}");
    let missing = pogo_board::read_file(Path::new("/nonexistent/dir/board.kicad_pcb"));
    match missing {
        Err(BoardError::Io { path, .. }) => assert!(path.contains("board.kicad_pcb")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unterminated_string_points_at_its_quote() {
    // The last string of the file loses its closing quote: it runs to end of file.
    let t = SMALL.replacen("(net 1 \"GND\")))", "(net 1 \"GND)))", 1);
    let line7 = t.lines().nth(6).unwrap();
    let col = line7.find("\"GND").unwrap() + 1;
    let (line, column, expected, found) =
        syntax(read_bytes("t.kicad_pcb", t.as_bytes()).unwrap_err());
    assert_eq!((line, column), (7, col));
    assert!(expected.contains('"'), "{expected}");
    assert_eq!(found, "end of file");
}

#[test]
fn gzip_and_xz_are_read_by_content() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(SMALL.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(read_bytes("board.bin", &gz).unwrap().pads.len(), 1);
    let mut xz = xz2::write::XzEncoder::new(Vec::new(), 1);
    xz.write_all(SMALL.as_bytes()).unwrap();
    let xz = xz.finish().unwrap();
    assert_eq!(read_bytes("board.weird", &xz).unwrap().pads.len(), 1);
}

/// KiCad reads the board's own list and stops there: a KiCad 9 file with more lists
/// after the board's closing parenthesis loads, and so it reads here.
#[test]
fn lists_after_the_boards_closing_parenthesis_are_not_read() {
    let t = format!("{SMALL}(embedded_files (file (name \"x\")))\n(kicad_pcb (version 1))\n");
    let b = read_bytes("t.kicad_pcb", t.as_bytes()).unwrap();
    assert_eq!(b.pads.len(), 1);
}

/// A malformed number in a list pogo does not model (a footprint property's or a text's
/// position) is refused as KiCad refuses it, at its line and column.
#[test]
fn a_malformed_number_in_a_skipped_list_is_refused_where_it_stands() {
    let t = SMALL.replacen(
        "(property \"Reference\" \"TP1\")",
        "(property \"Reference\" \"TP1\" (at 12..5 x90))",
        1,
    );
    let (line, column, expected, found) =
        syntax(read_bytes("t.kicad_pcb", t.as_bytes()).unwrap_err());
    let line6 = t.lines().nth(5).unwrap();
    assert_eq!((line, column), (6, line6.find("12..5").unwrap() + 1));
    assert!(expected.contains("number"), "{expected}");
    assert_eq!(found, "`12..5`");
    // Inside a board-level text, and the second number of a pair.
    let t = SMALL.replacen(
        "  (net 0 \"\")",
        "  (gr_text \"hi\" (at 1 x90) (layer \"F.SilkS\"))\n  (net 0 \"\")",
        1,
    );
    let (line, _, _, found) = syntax(read_bytes("t.kicad_pcb", t.as_bytes()).unwrap_err());
    assert_eq!((line, found.as_str()), (3, "`x90`"));
    // Keywords after the numbers KiCad reads stay fine.
    let t = SMALL.replacen(
        "(property \"Reference\" \"TP1\")",
        "(property \"Reference\" \"TP1\" (at 0 -2 90 unlocked))",
        1,
    );
    read_bytes("t.kicad_pcb", t.as_bytes()).unwrap();
}

/// KiCad refuses a board item it does not know ("Unknown token"), however deep the list
/// nests; reading it stays fast (no recursion).
#[test]
fn an_unknown_board_item_is_refused_even_200000_deep() {
    let deep = format!("{}{}", "(x ".repeat(200_000), ")".repeat(200_000));
    let t = SMALL.replacen(
        "  (net 0 \"\")",
        &format!("  (mystery {deep})\n  (net 0 \"\")"),
        1,
    );
    let start = std::time::Instant::now();
    let (line, column, _, found) = syntax(read_bytes("t.kicad_pcb", t.as_bytes()).unwrap_err());
    assert_eq!((line, column), (3, 4));
    assert!(found.contains("mystery"), "{found}");
    assert!(start.elapsed().as_secs() < 5);
    // A bare word among the board's items is refused too.
    let t = SMALL.replacen("  (net 0 \"\")", "  stray\n  (net 0 \"\")", 1);
    let (line, column, ..) = syntax(read_bytes("t.kicad_pcb", t.as_bytes()).unwrap_err());
    assert_eq!((line, column), (3, 3));
}
