//! Small hand-written boards, each reproducing one construct that real boards carry
//! and that once read wrongly. The expected values are what KiCad 6.0.11's own reader
//! (`pcbnew.LoadBoard`, through `scripts/kicad_view.py`) reports for the same text.

use pogo_board::{Board, Side, read_bytes};

fn read(text: &str) -> Board {
    read_bytes("t.kicad_pcb", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn pad<'b>(b: &'b Board, reference: &str, number: &str) -> &'b pogo_board::Pad {
    b.pads
        .iter()
        .find(|p| p.reference == reference && p.number == number)
        .unwrap_or_else(|| panic!("no pad {reference}.{number}"))
}

/// KiCad 5: copper layers named by the user, a bottom footprint on the renamed bottom
/// layer, vias without a drill of their own (the net class gives it), old overbar nets.
const KICAD5_NAMED_LAYERS: &str = r#"(kicad_pcb (version 20171130) (host pcbnew 5.1.9)
  (general (thickness 1.2))
  (layers
    (0 Top signal)
    (1 Ground power)
    (2 Power power)
    (31 Bottom signal)
    (36 B.SilkS user)
    (37 F.SilkS user)
    (38 B.Mask user)
    (39 F.Mask user)
    (44 Edge.Cuts user)
  )
  (setup (via_size 0.6) (via_drill 0.3) (uvia_size 0.3) (uvia_drill 0.1))
  (net 0 "")
  (net 1 GND)
  (net 2 ~RESET)
  (net 3 "/~CS~ 2")
  (net 4 VCC)
  (net_class Default "This is the default net class."
    (clearance 0.2) (via_dia 0.8) (via_drill 0.35) (uvia_dia 0.3) (uvia_drill 0.12)
    (add_net "") (add_net GND) (add_net ~RESET) (add_net "/~CS~ 2"))
  (net_class Power ""
    (clearance 0.2) (via_dia 1.2) (via_drill 0.6) (uvia_dia 0.3) (uvia_drill 0.1)
    (add_net OLD_NET) (add_net VCC))
  (module Test:Top (layer Top) (tedit 0) (tstamp 0)
    (at 10 10)
    (fp_text reference J1 (at 0 0) (layer F.SilkS) (effects (font (size 1 1) (thickness 0.15))))
    (fp_text value J (at 0 0) (layer F.SilkS) (effects (font (size 1 1) (thickness 0.15))))
    (pad 1 smd rect (at -1 0) (size 1 1) (layers Top F.Mask) (net 2 ~RESET))
    (pad 2 thru_hole circle (at 1 0) (size 1.5 1.5) (drill 0.8) (layers *.Cu *.Mask) (net 3 "/~CS~ 2"))
  )
  (module Test:Bottom (layer Bottom) (tedit 0) (tstamp 0)
    (at 20 10 180)
    (fp_text reference J2 (at 0 0) (layer B.SilkS) (effects (font (size 1 1) (thickness 0.15)) (justify mirror)))
    (fp_text value J (at 0 0) (layer B.SilkS) (effects (font (size 1 1) (thickness 0.15)) (justify mirror)))
    (pad 1 smd rect (at -1 0 180) (size 1 2) (layers Bottom B.Mask) (net 1 GND))
  )
  (via (at 5 5) (size 0.8) (layers Top Bottom) (net 1))
  (via (at 6 5) (size 1.2) (layers Top Bottom) (net 4))
  (via (at 7 5) (size 0.8) (drill 0.25) (layers Top Bottom) (net 4))
  (via micro (at 8 5) (size 0.3) (layers Top Ground) (net 1))
  (gr_line (start 0 0) (end 30 0) (layer Edge.Cuts) (width 0.1))
  (gr_line (start 30 0) (end 30 20) (layer Edge.Cuts) (width 0.1))
  (gr_line (start 30 20) (end 0 20) (layer Edge.Cuts) (width 0.1))
  (gr_line (start 0 20) (end 0 0) (layer Edge.Cuts) (width 0.1))
)
"#;

#[test]
fn kicad5_user_named_copper_layers_are_kicads_copper_layers() {
    let b = read(KICAD5_NAMED_LAYERS);
    // KiCad: J1.1 front copper + mask, J1.2 both sides, J2 (on "Bottom") a bottom part.
    let p = pad(&b, "J1", "1");
    assert!(p.front_copper && !p.back_copper && p.front_mask && !p.back_mask);
    assert_eq!(p.layers, ["F.Cu", "F.Mask"]);
    let p = pad(&b, "J1", "2");
    assert!(p.front_copper && p.back_copper && p.front_mask && p.back_mask);
    assert_eq!(
        p.layers,
        ["F.Cu", "In1.Cu", "In2.Cu", "B.Cu", "F.Mask", "B.Mask"]
    );
    let p = pad(&b, "J2", "1");
    assert!(!p.front_copper && p.back_copper && !p.front_mask && p.back_mask);
    assert_eq!((p.position.x, p.position.y), (21.0, 10.0));
    let sides: Vec<Side> = b.footprints.iter().map(|f| f.side).collect();
    assert_eq!(sides, [Side::Top, Side::Bottom]);
    // The layer table says which canonical layer each user name is.
    let names: Vec<(&str, Option<&str>)> = b
        .layers
        .iter()
        .take(4)
        .map(|l| (l.name.as_str(), l.user_name.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("F.Cu", Some("Top")),
            ("In1.Cu", Some("Ground")),
            ("In2.Cu", Some("Power")),
            ("B.Cu", Some("Bottom"))
        ]
    );
    assert_eq!(b.vias[0].layers, ("F.Cu".to_string(), "B.Cu".to_string()));
    assert_eq!(b.vias[3].layers, ("F.Cu".to_string(), "In1.Cu".to_string()));
    assert_eq!(b.outline.as_ref().unwrap().polygons.len(), 1);
    assert_eq!(b.thickness_mm, Some(1.2));
}

#[test]
fn kicad5_via_without_drill_takes_its_net_class_drill() {
    let b = read(KICAD5_NAMED_LAYERS);
    let drills: Vec<(f64, &str)> = b
        .vias
        .iter()
        .map(|v| (v.drill_mm, b.net_name(v.net)))
        .collect();
    // KiCad: GND in Default (0.35), VCC in Power (0.6), an own drill wins (0.25), a
    // micro-via takes the class's micro-via drill (0.12).
    assert_eq!(
        drills,
        [(0.35, "GND"), (0.6, "VCC"), (0.25, "VCC"), (0.12, "GND")]
    );
    let vcc = b.net_id("VCC").unwrap();
    assert_eq!(b.nets[vcc.0 as usize].class.as_deref(), Some("Power"));
    // A class may list a net the board no longer has: that makes no net.
    assert_eq!(b.net_id("OLD_NET"), None);
    assert_eq!(b.nets.len(), 5);
    // Without net classes: the setup's default drill.
    let start = KICAD5_NAMED_LAYERS.find("  (net_class Default").unwrap();
    let end = KICAD5_NAMED_LAYERS.find("  (module Test:Top").unwrap();
    let text = format!(
        "{}{}",
        &KICAD5_NAMED_LAYERS[..start],
        &KICAD5_NAMED_LAYERS[end..]
    );
    let b = read(&text);
    let drills: Vec<f64> = b.vias.iter().map(|v| v.drill_mm).collect();
    assert_eq!(drills, [0.3, 0.3, 0.25, 0.1]);
}

#[test]
fn old_overbar_net_names_read_as_kicad_converts_them() {
    let b = read(KICAD5_NAMED_LAYERS);
    assert_eq!(b.net_name(pad(&b, "J1", "1").net), "~{RESET}");
    assert_eq!(b.net_name(pad(&b, "J1", "2").net), "/~{CS} 2");
    // Every rule of KiCad's conversion, on pad nets checked against the net table.
    let cases = [
        ("~RESET", "~{RESET}"),
        ("A~B~C", "A~{B}C"),
        ("~~x", "~x"),
        ("~~{x", "~~{x"),
        ("a~{b}", "a~{b}"),
        ("~A B", "~{A} B"),
        ("~A)B", "~{A})B"),
        ("x~", "x~{}"),
        ("~A}b", "~{A}}b"),
        ("é~ñ~z", "é~{ñ}z"),
        ("~~~a", "~~{a}"),
    ];
    let nets: String = cases
        .iter()
        .enumerate()
        .map(|(i, (n, _))| format!("  (net {} \"{n}\")\n", i + 1))
        .collect();
    let pads: String = cases
        .iter()
        .enumerate()
        .map(|(i, (n, _))| {
            format!(
                "    (pad {} smd rect (at {i} 0) (size 0.5 0.5) (layers F.Cu F.Mask) (net {} \"{n}\"))\n",
                i + 1,
                i + 1
            )
        })
        .collect();
    let board = |version: &str| {
        format!(
            "(kicad_pcb (version {version}) (host pcbnew 5.1.9)\n  (layers (0 F.Cu signal) (31 B.Cu signal) (39 F.Mask user))\n  (net 0 \"\")\n{nets}  (module T:T (layer F.Cu) (at 0 0)\n    (fp_text reference U1 (at 0 0) (layer F.SilkS))\n{pads}  )\n)\n"
        )
    };
    let b = read(&board("20171130"));
    for (i, (old, new)) in cases.iter().enumerate() {
        let p = pad(&b, "U1", &(i + 1).to_string());
        assert_eq!(b.net_name(p.net), *new, "net {old:?}");
    }
    // From 20210606 on, names are kept as written.
    let b = read(&board("20211014"));
    for (i, (old, _)) in cases.iter().enumerate() {
        let p = pad(&b, "U1", &(i + 1).to_string());
        assert_eq!(b.net_name(p.net), *old);
    }
}

#[test]
fn format3_translated_layer_names_and_copper_order() {
    // KiCad 3 files list the front copper as 15 and the back as 0; technical layers
    // could carry translated names (here Italian).
    let text = r#"(kicad_pcb (version 3) (host pcbnew "(2013-07-07 BZR 4022)-stable")
  (general (thickness 1.6))
  (layers
    (15 Fronte signal)
    (0 Retro signal)
    (20 Serigrafia.Retro user)
    (22 Maschera.Retro user)
    (23 Maschera.Fronte user)
    (28 Contorno.scheda user)
  )
  (net 0 "")
  (net 1 GND)
  (module T:T (layer Retro) (at 10 10 30)
    (fp_text reference U1 (at 0 0) (layer Serigrafia.Retro) (effects (font (size 1 1) (thickness 0.15))))
    (pad 1 smd rect (at 1 0 30) (size 0.5 0.8) (layers Retro Maschera.Retro) (net 1 GND))
  )
  (gr_circle (center 10 10) (end 20 10) (layer Contorno.scheda) (width 0.15))
)
"#;
    let b = read(text);
    // KiCad: U1 bottom, its pad on B.Cu with the B.Mask opened, at (10.866025, 9.5);
    // outline box [-0.075, -0.075, 20.075, 20.075] with the line width.
    assert_eq!(b.footprints[0].side, Side::Bottom);
    let p = pad(&b, "U1", "1");
    assert!(!p.front_copper && p.back_copper && !p.front_mask && p.back_mask);
    assert!((p.position.x - 10.866025).abs() < 1e-6 && (p.position.y - 9.5).abs() < 1e-6);
    let o = b.outline.as_ref().unwrap();
    assert_eq!(o.polygons.len(), 1);
    assert_eq!(o.bbox.as_array(), [-0.075, -0.075, 20.075, 20.075]);
}

/// Pads whose hole KiCad decides: a plated pad without a (drill), an unplated one
/// without, an SMD or aperture pad that names one, a plated pad listing one copper layer.
const PAD_HOLES: &str = r#"(kicad_pcb (version 20211014) (generator pcbnew)
  (general (thickness 1.6))
  (layers (0 "F.Cu" signal) (1 "In1.Cu" signal) (2 "In2.Cu" signal) (31 "B.Cu" signal) (38 "B.Mask" user) (39 "F.Mask" user) (44 "Edge.Cuts" user))
  (net 0 "")
  (footprint "T:T" (layer "F.Cu") (at 10 10)
    (fp_text reference "U1" (at 0 0) (layer "F.SilkS") (effects (font (size 1 1) (thickness 0.15))))
    (pad "1" thru_hole circle (at 0 0) (size 2 2) (drill 1) (layers "F.Cu" "F.Mask") (solder_mask_margin 0))
    (pad "2" thru_hole circle (at 3 0) (size 2 2) (layers "*.Cu" "*.Mask"))
    (pad "3" smd rect (at 6 0) (size 2 2) (drill 0.5) (layers "F.Cu" "F.Mask") (solder_mask_margin 0.05))
    (pad "4" np_thru_hole circle (at 9 0) (size 2 2) (layers "*.Cu" "*.Mask"))
    (pad "5" thru_hole oval (at 12 0) (size 2 3) (drill oval 1) (layers "*.Cu" "*.Mask"))
    (pad "6" thru_hole rect (at 15 0) (size 2 3) (drill 1) (layers "B.Cu" "In1.Cu"))
    (pad "7" connect rect (at 18 0) (size 2 3) (drill 1) (layers "F.Cu" "F.Mask"))
  )
)
"#;

#[test]
fn pad_holes_and_copper_as_kicad_decides_them() {
    let b = read(PAD_HOLES);
    let drill = |i: usize| b.pads[i].drill.as_ref().map(|d| (d.size_mm.w, d.size_mm.h));
    // KiCad 6.0.11: 1 mm; the 30 mil default; none; 30 mil; 1 x 1 (an oval drill with
    // one size); 1 mm; none.
    assert_eq!(drill(0), Some((1.0, 1.0)));
    assert_eq!(drill(1), Some((0.762, 0.762)));
    assert_eq!(drill(2), None);
    assert_eq!(drill(3), Some((0.762, 0.762)));
    assert_eq!(drill(4), Some((1.0, 1.0)));
    assert_eq!(drill(6), None);
    // KiCad 6 keeps a plated pad on the copper it lists.
    let copper = |b: &Board, i: usize| (b.pads[i].front_copper, b.pads[i].back_copper);
    assert_eq!(copper(&b, 0), (true, false));
    assert_eq!(copper(&b, 5), (false, true));
    // Before format 20240202 a zero mask margin means "inherit": no margin of its own.
    assert_eq!(b.pads[0].mask_margin_mm, None);
    assert_eq!(b.pads[2].mask_margin_mm, Some(0.05));

    // The same pads in a KiCad 9 file, read by KiCad 9's rules (its parser source,
    // `parsePAD`): a plated pad is on every copper layer, one without a (drill) has a
    // 1 nm hole, and a zero mask margin is a margin.
    let b = read(&PAD_HOLES.replace("(version 20211014)", "(version 20241229)"));
    assert_eq!(copper(&b, 0), (true, true));
    assert_eq!(
        b.pads[0].layers,
        ["F.Cu", "In1.Cu", "In2.Cu", "B.Cu", "F.Mask"]
    );
    assert_eq!(copper(&b, 5), (true, true));
    let d = b.pads[1].drill.as_ref().unwrap();
    assert_eq!((d.size_mm.w, d.size_mm.h), (0.000001, 0.000001));
    assert_eq!(b.pads[3].drill.as_ref().map(|d| d.size_mm.w), Some(0.762));
    assert_eq!(b.pads[0].mask_margin_mm, Some(0.0));
}

#[test]
fn courtyard_box_takes_both_courtyard_layers() {
    // KiCad 6.0.11 reports [8.376924, ...] for this top footprint: its F.CrtYd line and
    // its B.CrtYd line, turned by 30 degrees, each grown by half its width.
    let text = r#"(kicad_pcb (version 20211014) (generator pcbnew)
  (general (thickness 1.6))
  (layers (0 "F.Cu" signal) (31 "B.Cu" signal) (46 "B.CrtYd" user "B.Courtyard") (47 "F.CrtYd" user "F.Courtyard"))
  (net 0 "")
  (footprint "T:T" (layer "F.Cu") (at 10 10 30)
    (fp_text reference "U1" (at 0 0) (layer "F.SilkS") (effects (font (size 1 1) (thickness 0.15))))
    (fp_line (start -1 -1) (end 1 -1) (layer "F.CrtYd") (width 0.05))
    (fp_line (start -3 2) (end 3 2) (layer "B.CrtYd") (width 0.05))
    (pad "1" smd rect (at 0 0 30) (size 1 1) (layers "F.Cu" "F.Mask"))
  )
)
"#;
    let b = read(text);
    let c = b.footprints[0].courtyard_bbox.unwrap();
    let (s, co) = 30f64.to_radians().sin_cos();
    // Line ends turned as KiCad turns them (y down), plus half the 0.05 mm width.
    let ends = [(-1.0, -1.0), (1.0, -1.0), (-3.0, 2.0), (3.0, 2.0)]
        .map(|(x, y): (f64, f64)| (10.0 + x * co + y * s, 10.0 - x * s + y * co));
    let l = ends.iter().map(|e| e.0).fold(f64::INFINITY, f64::min) - 0.025;
    let r = ends.iter().map(|e| e.0).fold(f64::NEG_INFINITY, f64::max) + 0.025;
    let t = ends.iter().map(|e| e.1).fold(f64::INFINITY, f64::min) - 0.025;
    assert!(
        (c.left - 8.376924).abs() < 1e-6 && (c.left - l).abs() < 1e-6,
        "{c:?}"
    );
    assert!(
        (c.right - r).abs() < 1e-6 && (c.top - t).abs() < 1e-6,
        "{c:?}"
    );
    // The courtyard polygons stay those of the footprint's own side.
    assert!(b.footprints[0].courtyard.is_empty());
}

#[test]
fn text_that_is_not_utf8_reads_as_latin1() {
    // Old tools could write names in an 8-bit code page (here Latin-1 "µ", byte 0xB5).
    // KiCad loads such a board (its text falls back to the locale's conversion); so do
    // we, reading the bytes as Latin-1 so that names stay distinct.
    let mut text = Vec::new();
    text.extend_from_slice(b"(kicad_pcb (version 20171130) (host pcbnew 4.0.7)\n  (layers (0 F.Cu signal) (31 B.Cu signal) (39 F.Mask user))\n  (net 0 \"\")\n  (net 1 \"I\xb5A\")\n");
    text.extend_from_slice(b"  (module T:T (layer F.Cu) (at 0 0)\n    (fp_text reference U1 (at 0 0) (layer F.SilkS))\n    (fp_text value 10\xb5F (at 0 0) (layer F.SilkS))\n");
    text.extend_from_slice(b"    (pad 1 smd rect (at 0 0) (size 0.5 0.5) (layers F.Cu F.Mask) (net 1 \"I\xb5A\")))\n)\n");
    let b = read_bytes("t.kicad_pcb", &text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b.net_name(b.pads[0].net), "I\u{b5}A");
    assert_eq!(b.footprints[0].value, "10\u{b5}F");
}

#[test]
fn footprints_without_attributes_before_20200826_are_through_hole() {
    // KiCad: a footprint of a file older than 20200826 whose (attr) sets nothing is a
    // through-hole part; from 20200826 on, no attribute means none.
    let board = |version: &str, attr: &str| {
        format!(
            "(kicad_pcb (version {version}) (host pcbnew 5.99)\n  (layers (0 F.Cu signal) (31 B.Cu signal))\n  (net 0 \"\")\n  (module T:T (layer F.Cu) (at 0 0) {attr}\n    (fp_text reference U1 (at 0 0) (layer F.SilkS))\n    (pad 1 smd rect (at 0 0) (size 0.5 0.5) (layers F.Cu)))\n)\n"
        )
    };
    let attrs = |v: &str, a: &str| read(&board(v, a)).footprints[0].attributes;
    assert!(attrs("20200724", "").through_hole);
    assert!(attrs("20171130", "").through_hole);
    assert!(!attrs("20171130", "(attr smd)").through_hole);
    let virt = attrs("20171130", "(attr virtual)");
    assert!(!virt.through_hole && virt.exclude_from_bom && virt.exclude_from_pos_files);
    assert!(!attrs("20200829", "").through_hole);
}

#[test]
fn chamfered_and_zero_sized_pads_as_kicad_reads_them() {
    let text = r#"(kicad_pcb (version 20211014) (generator pcbnew)
  (layers (0 "F.Cu" signal) (31 "B.Cu" signal) (39 "F.Mask" user))
  (net 0 "")
  (footprint "T:T" (layer "F.Cu") (at 10 10)
    (fp_text reference "U1" (at 0 0) (layer "F.SilkS") (effects (font (size 1 1) (thickness 0.15))))
    (pad "1" smd rect (at 1 2) (size 0 1) (layers "F.Cu" "F.Mask"))
    (pad "2" smd circle (at 3 2) (size 1 1) (layers "F.Cu" "F.Mask") (chamfer_ratio 0.25) (chamfer top_left))
    (pad "3" smd rect (at 5 2) (size 1 1) (layers "F.Cu" "F.Mask") (chamfer_ratio 0) (chamfer bottom_left))
    (pad "4" smd roundrect (at 7 2) (size 1 1) (layers "F.Cu" "F.Mask") (chamfer_ratio 0.2) (chamfer_ratio 0))
    (pad "5" smd roundrect (at 9 2) (size 2 1) (layers "F.Cu" "F.Mask") (roundrect_rratio 0.2) (chamfer_ratio 0.3) (chamfer))
    (pad "6" smd roundrect (at 11 2) (size 2 1) (layers "F.Cu" "F.Mask") (roundrect_rratio 0.2) (chamfer_ratio 0) (chamfer))
  )
)
"#;
    let b = read(text);
    let shapes: Vec<&str> = b.pads.iter().map(|p| p.shape.kicad_name()).collect();
    // KiCad 6.0.11: a positive chamfer ratio or a named corner makes a chamfered
    // rectangle, whatever the shape word; neither leaves the shape as written.
    assert_eq!(
        shapes,
        [
            "rect",
            "chamfered_rect",
            "chamfered_rect",
            "chamfered_rect",
            "chamfered_rect",
            "roundrect"
        ]
    );
    // A zero-sized pad is pinned to 1 um x 1 um.
    assert_eq!((b.pads[0].size_mm.w, b.pads[0].size_mm.h), (0.001, 0.001));
    assert_eq!((b.pads[4].size_mm.w, b.pads[4].size_mm.h), (2.0, 1.0));
}

#[test]
fn bezier_curves_box_as_kicad_boxes_them() {
    // KiCad's bounding box of a Bezier curve holds its four control points (KiCad 6.0.11
    // reports [9.95, 1.95, 30.05, 40.05] for this outline, and the courtyard box
    // [18.06239, 27.398457, 21.93761, 32.601543]); the outline polygon follows the curve.
    let text = r#"(kicad_pcb (version 20211014) (generator pcbnew)
  (general (thickness 1.6))
  (layers (0 "F.Cu" signal) (31 "B.Cu" signal) (44 "Edge.Cuts" user) (46 "B.CrtYd" user "B.Courtyard") (47 "F.CrtYd" user "F.Courtyard"))
  (net 0 "")
  (gr_curve (pts (xy 10 10) (xy 13 2) (xy 27 31) (xy 30 10)) (layer "Edge.Cuts") (width 0.1))
  (gr_line (start 30 10) (end 30 40) (layer "Edge.Cuts") (width 0.1))
  (gr_line (start 30 40) (end 10 40) (layer "Edge.Cuts") (width 0.1))
  (gr_line (start 10 40) (end 10 10) (layer "Edge.Cuts") (width 0.1))
  (footprint "T:T" (layer "F.Cu") (at 20 30 17)
    (fp_text reference "U1" (at 0 0) (layer "F.SilkS") (effects (font (size 1 1) (thickness 0.15))))
    (fp_curve (pts (xy -2 0) (xy -1 -3) (xy 1 3) (xy 2 0)) (layer "F.CrtYd") (width 0.05))
    (pad "1" smd rect (at 0 0 17) (size 1 1) (layers "F.Cu" "F.Mask"))
  )
)
"#;
    let b = read(text);
    let o = b.outline.as_ref().unwrap();
    assert_eq!(o.bbox.as_array(), [9.95, 1.95, 30.05, 40.05]);
    assert_eq!(o.polygons.len(), 1);
    let top = o.polygons[0]
        .outer
        .iter()
        .map(|p| p.y)
        .fold(f64::INFINITY, f64::min);
    assert!(
        (8.0..9.0).contains(&top),
        "the curve itself reaches y = {top}"
    );
    let c = b.footprints[0].courtyard_bbox.unwrap().as_array();
    let k = [18.06239, 27.398457, 21.93761, 32.601543];
    assert!(c.iter().zip(k).all(|(a, b)| (a - b).abs() < 1e-6), "{c:?}");
}
