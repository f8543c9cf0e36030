//! How the CAM readers tie a component pin to its features, on small hand-written
//! files: ODB++ through the `eda/data` subnet of each toeprint (`FID` records), and
//! IPC-2581's KiCad-specific renamings and pad placement.

use pogo_board::{Board, PadKind, Side};

/// Writes an ODB++ job directory (step `pcb`, mm; a temporary directory named by `tag`)
/// with the given layer features files, top components file and `eda/data`; returns the
/// board read from it, the directory removed.
fn odb_job(tag: &str, layers: &[(&str, &str, &str)], comps: &str, eda: &str) -> Board {
    let dir = &temp_dir(tag);
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
    let board = pogo_board::read_file(dir).unwrap();
    let _ = std::fs::remove_dir_all(dir);
    board
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
        "subnet",
        &[
            ("fmask", "SOLDER_MASK", mask),
            ("top", "SIGNAL", top),
            ("bot", "SIGNAL", bot),
        ],
        comps,
        eda,
    );
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
        "holes",
        &[
            ("fmask", "SOLDER_MASK", fmask),
            ("top", "SIGNAL", top),
            ("drill", "DRILL", drill),
        ],
        comps,
        eda,
    );
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

/// A KiCad-written IPC-2581 document with two packages: `HULL` outlined with the
/// zero-width `LINE_1` (KiCad's hull of a footprint without courtyard) and `CRT` with
/// the 0.05 mm `LINE_2` (a courtyard), each off-centre (x 1..3, y -1..0.5).
fn kicad_packages_doc(components: &str) -> String {
    let outline = |name: &str, line: &str| {
        format!(
            r#"        <Package name="{name}" type="OTHER">
          <Outline><Polygon>
            <PolyBegin x="1" y="-1"/><PolyStepSegment x="3" y="-1"/>
            <PolyStepSegment x="3" y="0.5"/><PolyStepSegment x="1" y="0.5"/>
            <PolyStepSegment x="1" y="-1"/>
          </Polygon><LineDescRef id="{line}"/></Outline>
        </Package>
"#
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<IPC-2581 revision="C" xmlns="http://webstds.ipc.org/2581">
  <Content>
    <DictionaryLineDesc units="MILLIMETER">
      <EntryLineDesc id="LINE_1"><LineDesc lineWidth="0.0" lineEnd="ROUND"/></EntryLineDesc>
      <EntryLineDesc id="LINE_2"><LineDesc lineWidth="0.050" lineEnd="ROUND"/></EntryLineDesc>
    </DictionaryLineDesc>
  </Content>
  <HistoryRecord number="1"><FileRevision fileRevisionId="1">
    <SoftwarePackage name="KiCad" revision="9.0.8" vendor="KiCad EDA"/>
  </FileRevision></HistoryRecord>
  <Ecad name="x">
    <CadHeader units="MILLIMETER"/>
    <CadData>
      <Layer name="F.Cu" layerFunction="CONDUCTOR" side="TOP"/>
      <Layer name="B.Cu" layerFunction="CONDUCTOR" side="BOTTOM"/>
      <Step name="s">
{}{}{components}      </Step>
    </CadData>
  </Ecad>
</IPC-2581>
"#,
        outline("HULL", "LINE_1"),
        outline("CRT", "LINE_2"),
    )
}

fn component(refdes: &str, package: &str, layer: &str, xform: &str) -> String {
    format!(
        "        <Component refDes=\"{refdes}\" packageRef=\"{package}\" layerRef=\"{layer}\">{xform}<Location x=\"10\" y=\"-20\"/></Component>\n"
    )
}

#[test]
fn ipc2581_kicad_hull_is_no_courtyard() {
    let comps = component("U1", "HULL", "F.Cu", "") + &component("U2", "CRT", "F.Cu", "");
    let b = pogo_board::read_bytes("k.xml", kicad_packages_doc(&comps).as_bytes()).unwrap();
    let (hull, crt) = (&b.footprints[0], &b.footprints[1]);
    // The hull is the extent of the footprint's drawings, not a courtyard.
    assert!(hull.courtyard.is_empty() && hull.courtyard_bbox.is_none());
    assert_eq!(
        hull.silk_bbox.unwrap().as_array(),
        [11.0, 19.5, 13.0, 21.0],
        "page frame: y negated"
    );
    assert_eq!(crt.courtyard.len(), 1);
    // A ring of the model does not repeat its first point, as the file's contour does.
    assert_eq!(crt.courtyard[0].outer.len(), 4);
    assert_eq!(
        crt.courtyard_bbox.unwrap().as_array(),
        [11.0, 19.5, 13.0, 21.0]
    );
    assert!(crt.silk_bbox.is_none());
    // Another writer's zero-width outline stays a courtyard.
    let other = kicad_packages_doc(&comps).replace("name=\"KiCad\"", "name=\"Other\"");
    let b = pogo_board::read_bytes("o.xml", other.as_bytes()).unwrap();
    assert_eq!(b.footprints[0].courtyard.len(), 1);
}

/// KiCad flips a bottom footprint top to bottom to make its package and writes its
/// rotation as 360 less the orientation: the package is turned by the rotation, then
/// flipped back (y negated about the anchor). StickHub `JP1`: orientation 90,
/// `rotation="270.0" mirror="true"`; `C38`: orientation 180, off-centre courtyard.
#[test]
fn ipc2581_kicad_bottom_package_is_flipped_top_to_bottom() {
    // Package x 1..3, y -1..0.5 (y up), at (10, -20); want the page-frame box.
    for (rotation, orientation, want) in [
        // Turned 270 degrees: x -1..0.5, y -3..-1; flipped back: y 1..3.
        ("270.0", 90.0, [9.0, 17.0, 10.5, 19.0]),
        // Not turned; flipped back: y -0.5..1 (x mirroring would put it at x 7..9).
        ("0.0", 0.0, [11.0, 19.0, 13.0, 20.5]),
        // Half a turn: x -3..-1, y -0.5..1; flipped back: y -1..0.5.
        ("180.0", 180.0, [7.0, 19.5, 9.0, 21.0]),
    ] {
        let xform = format!("<Xform rotation=\"{rotation}\" mirror=\"true\"/>");
        let comps = component("U3", "CRT", "B.Cu", &xform);
        let b = pogo_board::read_bytes("k.xml", kicad_packages_doc(&comps).as_bytes()).unwrap();
        let fp = &b.footprints[0];
        assert_eq!(fp.side, Side::Bottom);
        assert_eq!(fp.rotation_deg, orientation);
        let got = fp.courtyard_bbox.unwrap().as_array();
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() < 1e-9,
                "rotation {rotation}: {got:?} vs {want:?}"
            );
        }
    }
}

/// KiCad's ODB++ job: a package outline is a courtyard only when its corners lie on the
/// side's courtyard layer (`U2`, drawn there), else KiCad's hull of the footprint (`U1`);
/// a bottom package is written already mirrored and is only turned into place (`U3`).
#[test]
fn odb_kicad_hull_is_no_courtyard() {
    let dir = temp_dir("hull");
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let mut matrix = String::from("STEP {\nCOL=1\nNAME=PCB\n}\n");
    for (row, (name, context, ty)) in [
        ("COMP_+_TOP", "BOARD", "COMPONENT"),
        ("TOP", "BOARD", "SIGNAL"),
        ("BOTTOM", "BOARD", "SIGNAL"),
        ("COMP_+_BOT", "BOARD", "COMPONENT"),
        ("F.COURTYARD", "MISC", "DOCUMENT"),
        ("B.COURTYARD", "MISC", "DOCUMENT"),
    ]
    .iter()
    .enumerate()
    {
        matrix.push_str(&format!(
            "LAYER {{\nROW={}\nCONTEXT={context}\nTYPE={ty}\nNAME={name}\n}}\n",
            row + 1
        ));
    }
    write("matrix/matrix", &matrix);
    write("misc/info", "UNITS=MM\nODB_SOURCE=KiCad EDA\n");
    let empty = "UNITS=MM\n$0 r100\n";
    write("steps/pcb/layers/top/features", empty);
    write("steps/pcb/layers/bottom/features", empty);
    // U2's courtyard, drawn at (20, -20): package x 1..3, y -1..0.5, on the 0.05 mm pen.
    write(
        "steps/pcb/layers/f.courtyard/features",
        "UNITS=MM\n$0 r50\n\
         L 21 -21 23 -21 0 P 0\nL 23 -21 23 -19.5 0 P 0\n\
         L 23 -19.5 21 -19.5 0 P 0\nL 21 -19.5 21 -21 0 P 0\n",
    );
    write(
        "steps/pcb/layers/b.courtyard/features",
        "UNITS=MM\n$0 r50\n",
    );
    write(
        "steps/pcb/layers/comp_+_top/components",
        "UNITS=MM\nCMP 0 10 -20 0 N U1 p\nCMP 0 20 -20 0 N U2 p\n",
    );
    write(
        "steps/pcb/layers/comp_+_bot/components",
        "UNITS=MM\nCMP 0 30 -20 90 M U3 p\n",
    );
    write(
        "steps/pcb/eda/data",
        "HDR KiCad\nUNITS=MM\nLYR top\nPKG p 1 1 -1 3 0.5\n\
         CT\nOB 1 -1 I\nOS 3 -1\nOS 3 0.5\nOS 1 0.5\nOS 1 -1\nOE\nCE\n",
    );
    let board = pogo_board::read_file(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let fp = |r: &str| board.footprints.iter().find(|f| f.reference == r).unwrap();
    let (u1, u2, u3) = (fp("U1"), fp("U2"), fp("U3"));
    assert!(
        u1.courtyard.is_empty(),
        "U1's outline is not on the courtyard layer"
    );
    assert_eq!(u1.silk_bbox.unwrap().as_array(), [11.0, 19.5, 13.0, 21.0]);
    assert_eq!(
        u2.courtyard_bbox.unwrap().as_array(),
        [21.0, 19.5, 23.0, 21.0]
    );
    assert_eq!(
        u2.courtyard[0].outer.len(),
        4,
        "OB, then OS back to it: one corner"
    );
    // U3: no courtyard on b.courtyard; turned 90 degrees clockwise, not mirrored:
    // x -1..0.5, y -3..-1 about (30, -20): page x 29..30.5, y 21..23.
    let got = u3.silk_bbox.unwrap().as_array();
    for (g, w) in got.iter().zip([29.0, 21.0, 30.5, 23.0]) {
        assert!((g - w).abs() < 1e-9, "{got:?}");
    }
}
