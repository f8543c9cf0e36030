//! OpenSCAD model of the whole fixture: probe plate(s) with receptacle holes, guide
//! (tooling) pins, the board, support posts, push fingers, the pressure plate of a
//! one-sided fixture and the spacers between plates.
//!
//! Parametric: every figure a builder may change (plate thicknesses, set heights,
//! margin, hole clearance, receptacle drills, pin and post sizes) is a variable at the
//! top of the file, and the geometry below is computed from them; hole tables refer
//! to the receptacle drill variables by name.
//!
//! Frame: X = page x, Y = -(page y) (KiCad's drill frame), Z up, mm. The board's bottom
//! face lies at Z = 0, its top face at Z = board_thickness.

use crate::plate::{HoleKind, Plate, board_bbox};
use crate::{OutputOptions, num};
use pogo_fixture::Fixture;
use pogo_geom::{PointMm, Side};
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn ident(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) || s.is_empty() {
        s.insert(0, '_');
    }
    s
}

fn pt(p: &PointMm) -> String {
    format!("[{}, {}]", num(p.x, 4), num(-p.y, 4))
}

fn string_lit(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Renders the OpenSCAD model.
pub fn render(fixture: &Fixture, plates: &[Plate], opts: &OutputOptions) -> String {
    let mut s = String::new();
    let bb = board_bbox(fixture).unwrap_or([0.0, 0.0, 1.0, 1.0]);
    let _ = writeln!(
        s,
        "// pogo fixture model for {}",
        fixture.board.file.replace('\n', " ")
    );
    let _ = writeln!(
        s,
        "// written by {}; regenerate with `pogo export fixture.json --out DIR`.",
        fixture.generator
    );
    s.push_str("// Units mm. Frame: X = page x, Y = -(page y) (KiCad drill frame), Z up;\n");
    s.push_str("// board bottom face at Z = 0. Render: openscad -o fixture.stl fixture.scad\n\n");

    s.push_str("/* [What to show] */\n");
    s.push_str(
        "show_board = true;\nshow_plates = true;\nshow_pins = true;\nshow_supports = true;\n\n",
    );

    s.push_str("/* [Board] */\n");
    let _ = writeln!(
        s,
        "board_thickness = {};",
        num(fixture.board.thickness_mm.max(0.1), 4)
    );
    let _ = writeln!(
        s,
        "board_box = [{}, {}, {}, {}]; // [min X, min Y, max X, max Y] of the outline",
        num(bb[0], 4),
        num(-bb[3], 4),
        num(bb[2], 4),
        num(-bb[1], 4)
    );
    s.push('\n');

    s.push_str("/* [Plates] */\n");
    let stack_side = |side: Side| {
        fixture
            .stackup
            .as_ref()
            .and_then(|st| st.sides.iter().find(|x| x.side == side))
    };
    for plate in plates {
        let side = plate.side;
        let name = side.as_str();
        let thickness = plate.thickness_mm;
        let set_height = stack_side(side)
            .map(|x| x.set_height_mm)
            .or(fixture.set_height_mm)
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(10.0);
        let _ = writeln!(
            s,
            "plate_thickness_{name} = {}; // probe plate under the {name} face",
            num(thickness, 4)
        );
        let _ = writeln!(
            s,
            "set_height_{name} = {}; // probe plate face to the board's {name} face, fixture closed",
            num(set_height, 4)
        );
    }
    // The pressure plate (lid) of a one-sided fixture sits on the unprobed face.
    let lid = plates.first().filter(|_| plates.len() == 1).map(|p| {
        let pp = stack_side(p.side).and_then(|x| x.pressure_plate.as_ref());
        (
            p.side.opposite(),
            pp.map(|x| x.thickness_mm)
                .unwrap_or(opts.plate_thickness_mm),
            pp.map(|x| x.push_finger_length_mm).unwrap_or(10.0),
        )
    });
    if let Some((lid_side, t, finger)) = lid {
        let _ = writeln!(
            s,
            "lid_thickness = {}; // pressure plate on the {} face",
            num(t, 4),
            lid_side.as_str()
        );
        let _ = writeln!(
            s,
            "push_finger_length = {}; // board face to lid face",
            num(finger, 4)
        );
    }
    let _ = writeln!(
        s,
        "plate_margin = {}; // plate edge beyond the board outline box",
        num(opts.plate_margin_mm, 4)
    );
    let _ = writeln!(
        s,
        "plate_corner_radius = {};",
        num(opts.plate_corner_radius_mm, 4)
    );
    let _ = writeln!(s, "mounting_hole_d = {};", num(opts.mounting_hole_mm, 4));
    let _ = writeln!(
        s,
        "mounting_hole_inset = {}; // from the plate edges",
        num(opts.mounting_hole_inset_mm, 4)
    );
    s.push_str(
        "hole_clearance = 0; // added to every hole diameter (e.g. 0.1 for 3D printing)\n\n",
    );

    s.push_str("/* [Receptacle drills] */\n");
    let mut drills: BTreeMap<String, f64> = BTreeMap::new();
    for plate in plates {
        for h in &plate.holes {
            if let HoleKind::Probe { receptacle } = &h.kind {
                drills.insert(receptacle.clone(), h.diameter_mm);
            }
        }
    }
    for (rid, d) in &drills {
        let _ = writeln!(
            s,
            "drill_{} = {}; // receptacle {rid} mounting drill",
            ident(rid),
            num(*d, 4)
        );
    }
    s.push('\n');

    s.push_str("/* [Pins and supports] */\n");
    s.push_str("tooling_pin_length = 12; // above the plate face\n");
    s.push_str("support_post_d = 4;\npush_finger_d = 4;\nspacer_d = 8;\n$fn = 40;\n\n");

    s.push_str("/* [Hidden] */\n");
    s.push_str("// Tables: holes refer to the variables above.\n");
    for plate in plates {
        let name = plate.side.as_str();
        let _ = writeln!(s, "probe_holes_{name} = [ // [X, Y, drill], probe");
        for h in &plate.holes {
            if let HoleKind::Probe { receptacle } = &h.kind {
                let _ = writeln!(
                    s,
                    "  [{}, {}, drill_{}], // {}",
                    num(h.x, 4),
                    num(-h.y, 4),
                    ident(receptacle),
                    h.label.replace('\n', " ")
                );
            }
        }
        s.push_str("];\n");
        let _ = writeln!(s, "cutouts_{name} = [");
        for c in &plate.cutouts {
            let pts: Vec<String> = c.ring.iter().map(pt).collect();
            let _ = writeln!(
                s,
                "  [{}], // {}",
                pts.join(", "),
                c.reason.replace('\n', " ")
            );
        }
        s.push_str("];\n");
        let _ = writeln!(
            s,
            "pockets_{name} = [ // [depth, outline]: blind relief pockets in the board-facing face"
        );
        for p in &plate.pockets {
            let pts: Vec<String> = p.ring.iter().map(pt).collect();
            let _ = writeln!(
                s,
                "  [{}, [{}]], // {}",
                num(p.depth_mm, 4),
                pts.join(", "),
                p.reason.replace('\n', " ")
            );
        }
        s.push_str("];\n");
    }
    s.push_str("tooling_pins = [ // [X, Y, pin diameter]\n");
    for t in &fixture.tooling {
        let _ = writeln!(
            s,
            "  [{}, {}, {}],",
            num(t.x, 4),
            num(-t.y, 4),
            num(t.diameter_mm, 4)
        );
    }
    s.push_str("];\n");
    let supports = fixture
        .force
        .as_ref()
        .map(|f| f.supports.as_slice())
        .unwrap_or(&[]);
    for (var, kind) in [
        ("support_posts", "support_post"),
        ("push_fingers", "push_finger"),
    ] {
        let _ = writeln!(
            s,
            "{var} = [ // [X, Y, 1 = on the top face, 0 = bottom face, height of the part body it presses]"
        );
        for sp in supports.iter().filter(|sp| sp.kind.as_str() == kind) {
            let _ = writeln!(
                s,
                "  [{}, {}, {}, {}],",
                num(sp.x, 4),
                num(-sp.y, 4),
                if sp.side == Side::Top { 1 } else { 0 },
                num(sp.on_part.as_ref().map_or(0.0, |p| p.height_mm), 4)
            );
        }
        s.push_str("];\n");
    }
    // Board outline: points and paths (outer rings and cut-outs).
    let mut points: Vec<String> = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    let mut rings: Vec<&[PointMm]> = Vec::new();
    for poly in &fixture.board.outline {
        rings.push(&poly.outer);
        rings.extend(poly.holes.iter().map(Vec::as_slice));
    }
    let fallback = [
        PointMm::new(bb[0], bb[1]),
        PointMm::new(bb[2], bb[1]),
        PointMm::new(bb[2], bb[3]),
        PointMm::new(bb[0], bb[3]),
    ];
    if rings.is_empty() {
        rings.push(&fallback);
    }
    for ring in rings {
        let start = points.len();
        points.extend(ring.iter().map(pt));
        let idx: Vec<String> = (start..points.len()).map(|i| i.to_string()).collect();
        paths.push(format!("[{}]", idx.join(", ")));
    }
    let _ = writeln!(s, "board_points = [{}];", points.join(", "));
    let _ = writeln!(s, "board_paths = [{}];", paths.join(", "));
    let _ = writeln!(s, "board_name = \"{}\";\n", string_lit(&fixture.board.file));

    s.push_str(SCAD_BODY);
    s.push_str("\n// The assembly.\n");
    s.push_str("if (show_board) color(\"darkgreen\") board();\n");
    for plate in plates {
        let name = plate.side.as_str();
        let _ = writeln!(
            s,
            "if (show_plates) color(\"tan\") place_{name}() probe_plate(probe_holes_{name}, cutouts_{name}, pockets_{name}, plate_thickness_{name});"
        );
        // Guide pins stand in one plate: the bottom one when both sides are probed.
        if plates.len() == 1 || plate.side == Side::Bottom {
            let _ = writeln!(
                s,
                "if (show_pins) color(\"silver\") place_{name}() tooling(plate_thickness_{name}, set_height_{name});"
            );
        }
        let _ = writeln!(
            s,
            "if (show_supports) color(\"gray\") place_{name}() supports(support_posts, {}, plate_thickness_{name}, set_height_{name}, support_post_d);",
            if plate.side == Side::Top { 1 } else { 0 }
        );
    }
    if plates.len() == 2 {
        s.push_str("if (show_supports) color(\"gray\") spacers();\n");
    }
    if let Some((lid_side, _, _)) = lid {
        let name = lid_side.as_str();
        let _ = writeln!(
            s,
            "if (show_plates) color(\"tan\") place_lid_{name}() lid_plate();"
        );
        let _ = writeln!(
            s,
            "if (show_supports) color(\"gray\") place_lid_{name}() supports(push_fingers, {}, lid_thickness, push_finger_length, push_finger_d);",
            if lid_side == Side::Top { 1 } else { 0 }
        );
    }
    s
}

/// Modules shared by every model (they read the variables above).
const SCAD_BODY: &str = r#"// ---- geometry (computed from the variables above) ----
plate_box = [board_box[0] - plate_margin, board_box[1] - plate_margin,
             board_box[2] + plate_margin, board_box[3] + plate_margin];
mounting_holes = [
  [plate_box[0] + mounting_hole_inset, plate_box[1] + mounting_hole_inset],
  [plate_box[2] - mounting_hole_inset, plate_box[1] + mounting_hole_inset],
  [plate_box[2] - mounting_hole_inset, plate_box[3] - mounting_hole_inset],
  [plate_box[0] + mounting_hole_inset, plate_box[3] - mounting_hole_inset]];
eps = 0.01;

module plate_outline() {
  w = plate_box[2] - plate_box[0];
  h = plate_box[3] - plate_box[1];
  r = min(plate_corner_radius, w / 2 - eps, h / 2 - eps);
  translate([plate_box[0], plate_box[1]])
    if (r > 0) offset(r = r) translate([r, r]) square([w - 2 * r, h - 2 * r]);
    else square([w, h]);
}

// A plate in its own frame: Z = 0 is the face away from the board.
module plate_body(thickness, cutouts) {
  linear_extrude(height = thickness)
    difference() {
      plate_outline();
      for (c = cutouts) polygon(c);
    }
}

module mounting_hole_cuts(thickness) {
  for (m = mounting_holes)
    translate([m[0], m[1], -1]) cylinder(d = mounting_hole_d + hole_clearance, h = thickness + 2);
}

module probe_plate(holes, cutouts, pockets, thickness) {
  difference() {
    plate_body(thickness, cutouts);
    for (h = holes) translate([h[0], h[1], -1]) cylinder(d = h[2] + hole_clearance, h = thickness + 2);
    for (p = pockets) translate([0, 0, thickness - p[0]]) linear_extrude(height = p[0] + 1) polygon(p[1]);
    for (p = tooling_pins) translate([p[0], p[1], -1]) cylinder(d = p[2] + hole_clearance, h = thickness + 2);
    mounting_hole_cuts(thickness);
  }
}

module lid_plate() {
  difference() {
    plate_body(lid_thickness, []);
    for (p = tooling_pins) translate([p[0], p[1], -1]) cylinder(d = p[2] + 0.2 + hole_clearance, h = lid_thickness + 2);
    mounting_hole_cuts(lid_thickness);
  }
}

// Guide pins pressed into the plate, standing up through the board.
module tooling(thickness, set_height) {
  for (p = tooling_pins)
    translate([p[0], p[1], 0]) cylinder(d = p[2], h = thickness + set_height + tooling_pin_length);
}

// Posts (or push fingers) on the plate face, reaching the board face, or the top of
// the part body they press (shorter by its height, s[3]).
// on_top: 1 for the posts on the board's top face, 0 for the bottom face.
module supports(list, on_top, thickness, length, d) {
  for (s = list) if (s[2] == on_top)
    translate([s[0], s[1], thickness]) cylinder(d = d, h = length - s[3]);
}

module board() {
  linear_extrude(height = board_thickness) polygon(points = board_points, paths = board_paths);
}

// Plate frames: each maps its plate (Z = 0 away from the board) into the assembly.
module place_bottom() { translate([0, 0, -set_height_bottom - plate_thickness_bottom]) children(); }
module place_top() {
  translate([0, 0, board_thickness + set_height_top + plate_thickness_top]) mirror([0, 0, 1]) children();
}
module place_lid_top() {
  translate([0, 0, board_thickness + push_finger_length + lid_thickness]) mirror([0, 0, 1]) children();
}
module place_lid_bottom() { translate([0, 0, -push_finger_length - lid_thickness]) children(); }

// Spacers between the two probe plates, at the mounting holes.
module spacers() {
  z0 = -set_height_bottom;
  z1 = board_thickness + set_height_top;
  for (m = mounting_holes)
    translate([m[0], m[1], z0]) difference() {
      cylinder(d = spacer_d, h = z1 - z0);
      translate([0, 0, -1]) cylinder(d = mounting_hole_d, h = z1 - z0 + 2);
    }
}
"#;
