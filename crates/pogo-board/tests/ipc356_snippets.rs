//! IPC-D-356A reader on hand-written netlists: units, NNAME aliases, continuation
//! records, outlines, sides and soldermask codes, and errors that name line and column.

use pogo_board::ipc356::{self, ReadOptions};
use pogo_board::{BoardError, PadKind, PointMm, Side};

/// Pads a record to the fixed columns: `fields` are (1-based column, text) pairs.
fn rec(fields: &[(usize, &str)]) -> String {
    let mut line = vec![b' '; 80];
    for &(col, text) in fields {
        line[col - 1..col - 1 + text.len()].copy_from_slice(text.as_bytes());
    }
    String::from_utf8(line).unwrap().trim_end().to_string()
}

const KICAD_INCH: &str = "\
P  CODE 00
P  UNITS CUST 0
P  arrayDim   N
317GND              VIA        MD0118PA00X+061909Y-040335X0197Y0000R000S3
327/C1-             R1    -1          A01X+044685Y+020669X0472Y1102R180S2
317N/C              H2    -1    D1260PA00X+030709Y+020079X1417Y0000R000S0
327GND              U1    -7          A02X+001000Y-002000X0300Y0600R090S1
367N/C              H1          D0591UA00X+059055Y-043012X1575Y0591R000S0
999
";

#[test]
fn kicad_style_inch_netlist() {
    let b = ipc356::read("k.d356", KICAD_INCH).unwrap();
    assert_eq!(b.pads.len(), 4);
    assert_eq!(b.vias.len(), 1);
    assert!(!b.footprints_known);
    assert!(b.outline.is_none());
    match &b.format {
        pogo_board::SourceFormat::Ipc356 { units } => assert!(units.contains("inch"), "{units}"),
        f => panic!("{f:?}"),
    }

    let via = &b.vias[0];
    assert!((via.position.x - 6.1909 * 25.4).abs() < 1e-9);
    assert!(
        (via.position.y - 4.0335 * 25.4).abs() < 1e-9,
        "y is negated: {:?}",
        via.position
    );
    assert!((via.diameter_mm - 0.0197 * 25.4).abs() < 1e-9);
    assert!((via.drill_mm - 0.0118 * 25.4).abs() < 1e-9);
    assert_eq!(b.net_name(via.net), "GND");
    assert!(
        !via.front_mask_open && !via.back_mask_open,
        "S3: both sides tented"
    );

    let r1 = &b.pads[0];
    assert_eq!((r1.reference.as_str(), r1.number.as_str()), ("R1", "1"));
    assert_eq!(r1.kind, PadKind::Smd);
    assert_eq!(r1.shape.kicad_name(), "rect");
    assert!((r1.size_mm.w - 1.19888).abs() < 1e-9 && (r1.size_mm.h - 2.79908).abs() < 1e-9);
    assert!((r1.position.x - 113.4999).abs() < 1e-4 && (r1.position.y + 52.4993).abs() < 1e-4);
    assert_eq!(r1.rotation_deg, 180.0);
    assert!(r1.front_copper && !r1.back_copper);
    assert!(
        r1.front_mask && !r1.back_mask,
        "S2: back covered, front open"
    );
    assert_eq!(b.net_name(r1.net), "/C1-");

    let h2 = &b.pads[1];
    assert_eq!(h2.kind, PadKind::ThruHole);
    assert_eq!(h2.shape.kicad_name(), "circle");
    assert_eq!(h2.net, None, "N/C is no net");
    assert!((h2.drill.as_ref().unwrap().size_mm.w - 3.2004).abs() < 1e-9);
    assert!(h2.front_copper && h2.back_copper && h2.front_mask && h2.back_mask);

    // A02 is the highest access code in the file: the bottom of a 2-layer board.
    let u1 = &b.pads[2];
    assert!(!u1.front_copper && u1.back_copper);
    assert!(!u1.front_mask && u1.back_mask, "S1: front covered");
    assert_eq!(u1.rotation_deg, 270.0, "R090 is KiCad's -90");

    let h1 = &b.pads[3];
    assert_eq!(h1.kind, PadKind::NpThruHole);
    assert_eq!(h1.shape.kicad_name(), "rect");

    let sides: Vec<Option<Side>> = b.access_records.iter().map(|a| a.access).collect();
    assert_eq!(
        sides,
        vec![None, Some(Side::Top), None, Some(Side::Bottom), None]
    );
    assert_eq!(
        b.access_records.iter().map(|a| a.line).collect::<Vec<_>>(),
        vec![4, 5, 6, 7, 8]
    );
    assert_eq!(b.access_records[0].pad, None, "vias have no pad");
    assert_eq!(b.nets.len(), 2);
    let names: Vec<&str> = b.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        ["F.Cu", "B.Cu"],
        "A02 is the highest access code: 2 layers"
    );
}

#[test]
fn origin_option_puts_positions_on_the_page() {
    let opts = ReadOptions {
        origin_mm: PointMm::new(80.0, 120.0),
        copper_layers: None,
    };
    let b = ipc356::read_with("k.d356", KICAD_INCH, &opts).unwrap();
    let r1 = &b.pads[0];
    // bms-c1's R1 pad 1 is at (193.5, 67.5) on KiCad's page.
    assert!(
        (r1.position.x - 193.5).abs() < 0.00127 && (r1.position.y - 67.5).abs() < 0.00127,
        "{:?}",
        r1.position
    );
}

#[test]
fn copper_layer_count_option_decides_the_bottom() {
    // With 4 copper layers, A02 is an inner layer, not the bottom.
    let b = ipc356::read_with(
        "k.d356",
        KICAD_INCH,
        &ReadOptions {
            copper_layers: Some(4),
            ..Default::default()
        },
    )
    .unwrap();
    let u1 = &b.pads[2];
    assert!(!u1.front_copper && !u1.back_copper);
    assert!(u1.layers.contains(&"In1.Cu".to_string()), "{:?}", u1.layers);
    assert_eq!(b.access_records[3].access_code, 2);
    let names: Vec<&str> = b.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["F.Cu", "In1.Cu", "In2.Cu", "B.Cu"]);
}

#[test]
fn metric_units_and_nname_aliases() {
    let text = [
        "C  a metric netlist with long net names".to_string(),
        "P  JOB demo".to_string(),
        "P  UNITS CUST 1".to_string(),
        "P  IMAGE PRIMARY".to_string(),
        "P  NNAME1     /Power Supply/VBUS_FILTERED".to_string(),
        rec(&[
            (1, "327NNAME1"),
            (21, "C12"),
            (27, "-"),
            (28, "2"),
            (39, "A01X+012345Y-006789X0800Y0000R000"),
            (73, "S2"),
        ]),
        rec(&[
            (1, "317NNAME1"),
            (21, "J1"),
            (27, "-"),
            (28, "3"),
            (33, "D1000PA00X 100000Y 050000X1700Y1700R090"),
            (73, "S0"),
        ]),
        "999".to_string(),
    ]
    .join("\n");
    let b = ipc356::read("m.ipc", &text).unwrap();
    assert_eq!(b.nets.len(), 1);
    assert_eq!(b.nets[0].name, "/Power Supply/VBUS_FILTERED");
    let c12 = &b.pads[0];
    assert_eq!((c12.position.x, c12.position.y), (12.345, 6.789));
    assert_eq!(c12.size_mm.w, 0.8);
    assert_eq!(c12.shape.kicad_name(), "circle");
    assert!(
        c12.front_mask && !c12.back_mask,
        "S2 in the standard's column 73"
    );
    let j1 = &b.pads[1];
    assert_eq!(
        (j1.position.x, j1.position.y),
        (100.0, -50.0),
        "blank sign is +"
    );
    assert_eq!(j1.drill.as_ref().unwrap().size_mm.w, 1.0);
    assert_eq!(j1.rotation_deg, 270.0);
    assert_eq!(b.net_name(j1.net), "/Power Supply/VBUS_FILTERED");
}

#[test]
fn si_units_and_inch_differ_by_the_unit() {
    let body = "317GND              J1    -1    D0400PA00X+010000Y+020000X0600Y0000R000S0\n999\n";
    let inch = ipc356::read("a", &format!("P  UNITS CUST 0\n{body}")).unwrap();
    let mm = ipc356::read("b", &format!("P  UNITS SI\n{body}")).unwrap();
    let none = ipc356::read("c", body).unwrap();
    assert_eq!(inch.pads[0].position.x, 25.4);
    assert_eq!(mm.pads[0].position.x, 10.0);
    assert_eq!(none.pads[0].position.x, 25.4, "inch without a UNITS record");
    let (line, column, expected, _) = syntax(&format!("P  UNITS FURLONGS\n{body}"));
    assert_eq!((line, column), (1, 10));
    assert!(expected.contains("CUST 0"), "{expected}");
}

#[test]
fn continuation_records_join_the_previous_net() {
    let text = [
        "P  UNITS CUST 1".to_string(),
        rec(&[
            (1, "317SIG_A"),
            (21, "J1"),
            (27, "-"),
            (28, "1"),
            (33, "D1000PA00X+001000Y-001000X1700Y0000R000"),
            (73, "S0"),
        ]),
        // Another point of the same net: blank net field.
        rec(&[
            (1, "027"),
            (21, "U3"),
            (27, "-"),
            (28, "14"),
            (39, "A01X+005000Y-001000X0500Y0900R000"),
            (73, "S2"),
        ]),
        // The same feature again, continuation with blank location: more access, no new pad.
        rec(&[
            (1, "027"),
            (21, "U3"),
            (27, "-"),
            (28, "14"),
            (39, "A02"),
            (73, "S1"),
        ]),
        rec(&[
            (1, "327SIG_B"),
            (21, "U3"),
            (27, "-"),
            (28, "15"),
            (39, "A01X+006000Y-001000X0500Y0900R000"),
            (73, "S2"),
        ]),
        "999".to_string(),
    ]
    .join("\n");
    let b = ipc356::read("c.ipc", &text).unwrap();
    assert_eq!(b.pads.len(), 3, "{:#?}", b.pads);
    assert_eq!(b.access_records.len(), 4);
    assert_eq!(
        b.access_records.iter().map(|a| a.code).collect::<Vec<_>>(),
        vec![317, 27, 27, 327]
    );
    assert_eq!(b.net_name(b.pads[1].net), "SIG_A");
    assert_eq!(b.net_name(b.pads[2].net), "SIG_B");
    let u3 = &b.pads[1];
    assert!(
        u3.front_copper && u3.back_copper,
        "the continuation added bottom access"
    );
    assert_eq!(b.access_records[2].pad, Some(1));
    assert_eq!(b.nets.len(), 2);
}

#[test]
fn continuation_without_a_record_before_is_an_error() {
    let text = rec(&[
        (1, "027"),
        (21, "U3"),
        (27, "-"),
        (28, "14"),
        (39, "A01X+005000Y-001000X0500"),
    ]) + "\n999\n";
    let e = ipc356::read("c.ipc", &text).unwrap_err();
    assert!(
        matches!(
            e,
            BoardError::Syntax {
                line: 1,
                column: 1,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn board_edge_outline_with_a_cutout() {
    let text = "\
P  UNITS CUST 1
389BOARD_EDGE       X0100 X000000Y000000 X050000 Y030000
089 X000000 Y000000 * X010000Y010000 X020000 Y020000
089 X010000 Y010000
389OTHER_FAB        X0100 X000000Y000000 X090000
999
";
    let b = ipc356::read("o.ipc", text).unwrap();
    let o = b.outline.expect("BOARD_EDGE gives an outline");
    assert_eq!(o.polygons.len(), 1, "{o:?}");
    assert_eq!(o.polygons[0].outer.len(), 4);
    assert_eq!(o.polygons[0].holes.len(), 1);
    assert_eq!(o.polygons[0].holes[0][2], PointMm::new(20.0, -20.0));
    assert!(o.open_chains.is_empty());
    assert_eq!(o.bbox.as_array(), [0.0, -30.0, 50.0, 0.0]);
}

#[test]
fn unknown_records_and_comments_are_skipped() {
    let text = "\
C  comment
P  VER IPC-D-356A
P  SOMETHING odd
378GND                L01 X0100 X001000Y001000 X002000
379GND  VCC
123whatever
317GND              J1    -1    D0400PA00X+010000Y+020000X0600Y0000R000S0
999
anything after the end is ignored (
";
    let b = ipc356::read("u.ipc", text).unwrap();
    assert_eq!(b.pads.len(), 1);
}

#[test]
fn crlf_line_ends() {
    let text = KICAD_INCH.replace('\n', "\r\n");
    let b = ipc356::read("k.d356", &text).unwrap();
    assert_eq!(b.pads.len(), 4);
}

fn syntax(text: &str) -> (usize, usize, String, String) {
    match ipc356::read("bad.d356", text) {
        Err(BoardError::Syntax {
            path,
            line,
            column,
            expected,
            found,
            offset,
            ..
        }) => {
            assert_eq!(path, "bad.d356");
            assert!(offset <= text.len());
            (line, column, expected, found)
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn bad_records_name_line_and_column() {
    // A letter in the X location.
    let (line, column, expected, found) = syntax(
        "P  UNITS CUST 0\n327GND              R1    -1          A01X+04Z685Y+020669X0472Y1102R180S2\n999\n",
    );
    assert_eq!((line, column), (2, 46));
    assert!(
        expected.contains("digit") && expected.contains("X location"),
        "{expected}"
    );
    assert!(found.contains('Z'), "{found}");

    // Missing Y tag.
    let (line, column, expected, _) =
        syntax("327GND              R1    -1          A01X+044685Q+020669X0472Y1102R180S2\n999\n");
    assert_eq!((line, column), (1, 50));
    assert!(expected.contains("'Y'"), "{expected}");

    // Bad plating flag.
    let (line, column, _, _) =
        syntax("317GND              J1    -1    D0400QA00X+010000Y+020000X0600Y0000R000S0\n999\n");
    assert_eq!((line, column), (1, 38));

    // Soldermask code out of range.
    let (line, column, expected, _) =
        syntax("317GND              J1    -1    D0400PA00X+010000Y+020000X0600Y0000R000S7\n999\n");
    assert_eq!((line, column), (1, 73));
    assert!(expected.contains("soldermask"), "{expected}");

    // Record cut short before its location.
    let (line, column, _, found) =
        syntax("C x\n317GND              J1    -1    D0400PA00X+0100\n999\n");
    assert_eq!(line, 2);
    assert!(column >= 44, "{column}");
    assert!(!found.is_empty());
}

#[test]
fn missing_end_record_is_an_error() {
    let (line, _, expected, found) = syntax(
        "P  UNITS CUST 0\n317GND              J1    -1    D0400PA00X+010000Y+020000X0600Y0000R000S0\n",
    );
    assert_eq!(line, 2);
    assert!(expected.contains("999"), "{expected}");
    assert_eq!(found, "end of file");
    let (line, ..) = syntax("");
    assert_eq!(line, 1);
}

#[test]
fn binary_garbage_is_an_error() {
    let (line, column, ..) = syntax("P  UNITS CUST 0\n\u{1}\u{2}garbage\n999\n");
    assert_eq!((line, column), (2, 1));
}

#[test]
fn every_prefix_of_a_netlist_is_an_error_or_a_board_never_a_panic() {
    let Some(dir) = pogo_testdata::board_dir(
        "expansion-card-v5",
        "every_prefix_of_a_netlist_is_an_error_or_a_board_never_a_panic",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("Expansion_Card.d356")).unwrap();
    let full = ipc356::read("e.d356", &text).unwrap();
    let mut errors = 0;
    for cut in (0..text.len()).step_by(7) {
        if let Err(e) = ipc356::read("e.d356", &text[..cut]) {
            assert!(matches!(e, BoardError::Syntax { .. }), "{e:?}");
            errors += 1;
        }
    }
    // Without the 999 record every cut is an error.
    assert_eq!(errors, text.len().div_ceil(7));
    assert_eq!(full.pads.len(), 41);
}

#[test]
fn sniffing_by_content() {
    assert!(ipc356::looks_like_ipc356(KICAD_INCH));
    assert!(!ipc356::looks_like_ipc356(
        "(kicad_pcb (version 20211014) (generator pcbnew)\n"
    ));
    assert!(!ipc356::looks_like_ipc356("hello\nworld\n"));
    assert!(!ipc356::looks_like_ipc356(""));
}

/// Inputs that once crashed the reader under `cargo fuzz run ipc356_read`.
#[test]
fn fuzz_regressions_read_without_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-regressions/ipc356");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = ipc356::read("fuzz.d356", text);
            seen += 1;
        }
    }
    assert!(seen >= 1);
}
