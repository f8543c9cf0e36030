//! The hinged clamshell's files (`mechanism = "clamshell"`), from `fixture.clamshell`
//! alone:
//! - `frame-NAME.dxf` for every laser-cut part (R12, mm, its own 2D frame; layers
//!   `PART_OUTLINE`, `CUTOUTS`, `HOLES`; paths compensated for the recorded kerf);
//! - `frame-NAME.stl` for every part pogo draws (printed fingers; the sheet parts too,
//!   for printing instead of cutting): the profile extruded, watertight;
//! - `frame-NAME.svg`: the dimensioned drawing of each sheet part;
//! - `clamshell.scad`: the closed assembly in OpenSCAD;
//! - `hardware.csv`: screws, nuts, standoffs, hinge pin, latch, pins, probes;
//! - `assembly.svg` and `exploded.svg`: pogo's own isometric projection of the parts;
//!   `open.svg`, the head swung open; `open-side.svg`, the open head seen from the side
//!   with its dimensions (hinge axis height, opening angle, hinge to the nearest and
//!   farthest probe, frame depth, height closed and open).
//!
//! The probe plates are the plate files' (`plate-SIDE.*`); they appear in the
//! assembly and the pictures but get no `frame-` file.

use crate::dxf::{begin_header_mm, circle, end_file, next_section, pair, polyline};
use crate::geometry::{circle_ring, circle_segments, offset_ring, signed_area};
use crate::stl::{Mesh, push_wall, to_binary_stl, triangulate};
use crate::{OutputError, Result, num};
use pogo_fixture::{Clamshell, Fixture, FramePart, FramePartRole, Making, Placement};
use pogo_geom::PointMm;
use pogo_geom::clean_ring;
use std::fmt::Write as _;

/// Chord tolerance of the drawn circles, mm.
const CHORD_MM: f64 = 0.01;

/// The parts that get their own files (not the probe plates and the nest, which
/// have theirs).
pub fn drawn_parts(c: &Clamshell) -> impl Iterator<Item = &FramePart> {
    c.parts
        .iter()
        .filter(|p| !matches!(p.making, Making::PlateFiles | Making::NestFiles))
}

/// Outer ring counter-clockwise and hole rings clockwise (cut-outs, round holes), the
/// part's local frame.
pub fn part_rings(part: &FramePart) -> (Vec<PointMm>, Vec<Vec<PointMm>>) {
    let orient = |mut r: Vec<PointMm>, ccw: bool| {
        if (signed_area(&r) > 0.0) != ccw {
            r.reverse();
        }
        r
    };
    let outer = orient(clean_ring(&part.outline), true);
    let mut holes: Vec<Vec<PointMm>> = part
        .cutouts
        .iter()
        .map(|c| orient(clean_ring(c), false))
        .collect();
    for h in &part.holes {
        let r = h.diameter_mm / 2.0;
        holes.push(orient(
            circle_ring(h.x, h.y, r, circle_segments(r, CHORD_MM)),
            false,
        ));
    }
    (outer, holes)
}

/// The part's profile extruded by its thickness (local frame, z from 0), closed and
/// outward oriented.
pub fn mesh(part: &FramePart) -> Result<Mesh> {
    let err = |message: String| OutputError::Part {
        part: format!("frame-{}", part.name),
        message,
    };
    let (outer, holes) = part_rings(part);
    let mut rings = vec![outer];
    rings.extend(holes);
    let n: usize = rings.iter().map(Vec::len).sum();
    let t = part.thickness_mm;
    let mut vertices = Vec::with_capacity(2 * n);
    for z in [0.0, t] {
        for ring in &rings {
            vertices.extend(ring.iter().map(|p| [p.x, p.y, z]));
        }
    }
    let mut triangles = Vec::new();
    for c in triangulate(&rings).map_err(err)? {
        triangles.push([c[0] as u32, c[2] as u32, c[1] as u32]);
        triangles.push(c.map(|i| (i + n) as u32));
    }
    let mut start = 0;
    for ring in &rings {
        push_wall(&mut triangles, start, start + n, ring.len());
        start += ring.len();
    }
    Mesh::closed(vertices, triangles).map_err(err)
}

/// Binary STL of a part in its own frame (as printed).
pub fn render_stl(part: &FramePart) -> Result<Vec<u8>> {
    Ok(to_binary_stl(
        &mesh(part)?,
        &format!("pogo clamshell part {}, mm", part.name),
    ))
}

/// DXF cutting drawing of a sheet part, kerf compensated.
pub fn render_dxf(fixture: &Fixture, c: &Clamshell, part: &FramePart) -> String {
    let half = c.kerf_mm / 2.0;
    // `polyline` writes page coordinates (y down): hand it y flipped so the file
    // keeps the part's own y-up frame.
    let flip =
        |r: &[PointMm]| -> Vec<PointMm> { r.iter().map(|p| PointMm::new(p.x, -p.y)).collect() };
    let mut s = String::new();
    pair(
        &mut s,
        999,
        &format!(
            "pogo clamshell part {}, board {}",
            part.name, fixture.board.file
        ),
    );
    pair(
        &mut s,
        999,
        &format!(
            "mm, the part's own frame; sheet {} mm; kerf {} mm compensated (paths are the beam centre line)",
            num(part.thickness_mm, 3),
            num(c.kerf_mm, 4)
        ),
    );
    begin_header_mm(&mut s);
    next_section(&mut s, "ENTITIES");
    let outline = offset_ring(&part.outline, half).unwrap_or_else(|| part.outline.clone());
    polyline(&mut s, "PART_OUTLINE", &flip(&outline));
    for cut in &part.cutouts {
        let ring = offset_ring(cut, -half).unwrap_or_else(|| cut.clone());
        polyline(&mut s, "CUTOUTS", &flip(&ring));
    }
    for h in &part.holes {
        let r = (h.diameter_mm / 2.0 - half).max(0.05);
        circle(&mut s, "HOLES", h.x, -h.y, r);
    }
    end_file(&mut s);
    s
}

/// `hardware.csv`: one line per item.
pub fn render_hardware(c: &Clamshell) -> String {
    let mut s = String::from("kind,size,description,quantity,used_for\n");
    let q = |t: &str| {
        if t.contains([',', '"', '\n']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t.to_string()
        }
    };
    for h in &c.hardware {
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            q(h.kind.as_str()),
            q(&h.size),
            q(&h.description),
            h.quantity,
            q(h.used_for.as_str())
        );
    }
    s
}

fn scad_ring(r: &[PointMm]) -> String {
    let pts: Vec<String> = r
        .iter()
        .map(|p| format!("[{}, {}]", num(p.x, 4), num(p.y, 4)))
        .collect();
    format!("[{}]", pts.join(", "))
}

fn scad_matrix(pl: &Placement) -> String {
    let n = pl.normal();
    let row = |k: usize| {
        format!(
            "[{}, {}, {}, {}]",
            num(pl.u[k], 6),
            num(pl.v[k], 6),
            num(n[k], 6),
            num(pl.origin[k], 4)
        )
    };
    format!("[{}, {}, {}, [0, 0, 0, 1]]", row(0), row(1), row(2))
}

fn scad_ident(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("part_{s}")
}

/// `clamshell.scad`: every part as an extruded profile at its closed position, and the
/// board; `open_deg` swings the head about the hinge axis.
pub fn render_scad(fixture: &Fixture, c: &Clamshell) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// pogo clamshell fixture for {}\n// written by {}; regenerate with `pogo export fixture.json --out DIR`.\n// Units mm. Frame: X = page x, Y = -(page y), Z up; board bottom face at Z = 0.\n",
        fixture.board.file.replace('\n', " "),
        fixture.generator
    );
    s.push_str("open_deg = 0; // head opening angle\nshow_board = true;\n\n");
    for part in &c.parts {
        let _ = writeln!(s, "module {}() {{", scad_ident(&part.name));
        let _ = writeln!(
            s,
            "  linear_extrude(height = {}) difference() {{",
            num(part.thickness_mm, 4)
        );
        let _ = writeln!(s, "    polygon({});", scad_ring(&part.outline));
        for cut in &part.cutouts {
            let _ = writeln!(s, "    polygon({});", scad_ring(cut));
        }
        for h in &part.holes {
            let _ = writeln!(
                s,
                "    translate([{}, {}]) circle(d = {}, $fn = 32);",
                num(h.x, 4),
                num(h.y, 4),
                num(h.diameter_mm, 4)
            );
        }
        s.push_str("  }\n}\n");
    }
    let h = &c.hinge;
    for (module, on_head) in [("frame", false), ("head", true)] {
        let _ = writeln!(s, "\nmodule {module}() {{");
        for part in c.parts.iter().filter(|p| p.on_head == on_head) {
            for pl in &part.placements {
                let _ = writeln!(
                    s,
                    "  multmatrix({}) {}();",
                    scad_matrix(pl),
                    scad_ident(&part.name)
                );
            }
        }
        s.push('}');
    }
    s.push_str("\n\n");
    let b = fixture.board.outline_bbox;
    let _ = writeln!(
        s,
        "frame();\ntranslate([0, {y}, {z}]) rotate([-open_deg, 0, 0]) translate([0, -{y}, -{z}]) head();",
        y = num(h.axis_y_mm, 4),
        z = num(h.axis_z_mm, 4)
    );
    let _ = writeln!(
        s,
        "if (show_board) color(\"green\") translate([{}, {}, 0]) cube([{}, {}, {}]);",
        num(b[0], 4),
        num(-b[3], 4),
        num(b[2] - b[0], 4),
        num(b[3] - b[1], 4),
        num(fixture.board.thickness_mm, 4)
    );
    s
}

// ------------------------------------------------------------------ pictures

/// A face to paint: projected ring (and the rings of its holes), depth, fill.
struct Face {
    ring: Vec<[f64; 2]>,
    holes: Vec<Vec<[f64; 2]>>,
    depth: f64,
    fill: &'static str,
    /// Drawn see-through (the closed head, so the plates and board show).
    glass: bool,
}

fn role_fill(role: FramePartRole) -> &'static str {
    match role {
        FramePartRole::Base => "#b9a27e",
        FramePartRole::SidePlate | FramePartRole::FrontPlate => "#d2bd97",
        FramePartRole::ProbePlate => "#8fb3d9",
        FramePartRole::PressurePlate => "#c9c9f0",
        FramePartRole::HeadTop | FramePartRole::HeadSide => "#e3cfa8",
        FramePartRole::PushFinger => "#e07b39",
        FramePartRole::Nest => "#9ccf9a",
        FramePartRole::ToolingPin => "#a7a9ad",
    }
}

/// Isometric view from front right above: screen right (1, 1, 0)/√2, up (-1, 1, 2)/√6,
/// towards the viewer (1, -1, 1)/√3.
fn project(p: [f64; 3]) -> ([f64; 2], f64) {
    let r = (p[0] + p[1]) / 2f64.sqrt();
    let u = (-p[0] + p[1] + 2.0 * p[2]) / 6f64.sqrt();
    let d = (p[0] - p[1] + p[2]) / 3f64.sqrt();
    ([r, -u], d)
}

/// Faces of an extruded outline placed at `pl` and moved by `shift`.
fn prism_faces(
    outline: &[PointMm],
    t: f64,
    pl: &Placement,
    shift: [f64; 3],
    fill: &'static str,
    out: &mut Vec<Face>,
) -> [f64; 6] {
    let at = |q: &PointMm, z: f64| {
        let w = pl.apply([q.x, q.y, z]);
        [w[0] + shift[0], w[1] + shift[1], w[2] + shift[2]]
    };
    let mut bbox = [f64::MAX, f64::MAX, f64::MAX, f64::MIN, f64::MIN, f64::MIN];
    for q in outline {
        for z in [0.0, t] {
            let w = at(q, z);
            for k in 0..3 {
                bbox[k] = bbox[k].min(w[k]);
                bbox[k + 3] = bbox[k + 3].max(w[k]);
            }
        }
    }
    let view = [1.0, -1.0, 1.0];
    let mut push = |pts: Vec<[f64; 3]>| {
        // Newell normal, culled when facing away.
        let mut nrm = [0.0; 3];
        for i in 0..pts.len() {
            let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
            nrm[0] += (a[1] - b[1]) * (a[2] + b[2]);
            nrm[1] += (a[2] - b[2]) * (a[0] + b[0]);
            nrm[2] += (a[0] - b[0]) * (a[1] + b[1]);
        }
        if nrm[0] * view[0] + nrm[1] * view[1] + nrm[2] * view[2] <= 1e-9 {
            return;
        }
        let proj: Vec<([f64; 2], f64)> = pts.iter().map(|&p| project(p)).collect();
        let depth = proj.iter().map(|p| p.1).sum::<f64>() / proj.len() as f64;
        out.push(Face {
            ring: proj.into_iter().map(|p| p.0).collect(),
            holes: Vec::new(),
            depth,
            fill,
            glass: false,
        });
    };
    let mut ring: Vec<PointMm> = clean_ring(outline);
    if signed_area(&ring) < 0.0 {
        ring.reverse();
    }
    // Caps: z = t facing +n, z = 0 facing -n.
    push(ring.iter().map(|q| at(q, t)).collect());
    push(ring.iter().rev().map(|q| at(q, 0.0)).collect());
    for k in 0..ring.len() {
        let (a, b) = (&ring[k], &ring[(k + 1) % ring.len()]);
        push(vec![at(a, 0.0), at(b, 0.0), at(b, t), at(a, t)]);
    }
    bbox
}

/// Whether box `a` lies behind box `b` as seen from the view direction (1, -1, 1):
/// separated from it along X (left of it), Y (behind it) or Z (below it).
fn behind(a: &[f64; 6], b: &[f64; 6]) -> bool {
    const EPS: f64 = 1e-6;
    a[3] <= b[0] + EPS || a[1] >= b[4] - EPS || a[5] <= b[2] + EPS
}

/// Orders the objects for the painter: an object is painted before every object it
/// lies behind (where their pictures overlap), ties and cycles by depth; each
/// object's faces by depth.
fn paint_order(faces: Vec<Face>, objs: &[(std::ops::Range<usize>, [f64; 6])]) -> Vec<Face> {
    let n = objs.len();
    let depth = |b: &[f64; 6]| {
        project([
            (b[0] + b[3]) / 2.0,
            (b[1] + b[4]) / 2.0,
            (b[2] + b[5]) / 2.0,
        ])
        .1
    };
    let screen = |b: &[f64; 6]| {
        let mut r = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for k in 0..8 {
            let p = [
                b[if k & 1 == 0 { 0 } else { 3 }],
                b[if k & 2 == 0 { 1 } else { 4 }],
                b[if k & 4 == 0 { 2 } else { 5 }],
            ];
            let (q, _) = project(p);
            r = [
                r[0].min(q[0]),
                r[1].min(q[1]),
                r[2].max(q[0]),
                r[3].max(q[1]),
            ];
        }
        r
    };
    let rects: Vec<[f64; 4]> = objs.iter().map(|o| screen(&o.1)).collect();
    let depths: Vec<f64> = objs.iter().map(|o| depth(&o.1)).collect();
    // before[j] lists the objects to paint before j.
    let mut indegree = vec![0usize; n];
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&rects[i], &rects[j]);
            if a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1] {
                continue;
            }
            let (ij, ji) = (
                behind(&objs[i].1, &objs[j].1),
                behind(&objs[j].1, &objs[i].1),
            );
            if ij && !ji {
                after[i].push(j);
                indegree[j] += 1;
            } else if ji && !ij {
                after[j].push(i);
                indegree[i] += 1;
            }
        }
    }
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for _ in 0..n {
        // The farthest object free to paint; on a cycle, the farthest of all left.
        let pick = (0..n)
            .filter(|&k| !done[k] && indegree[k] == 0)
            .min_by(|&a, &b| depths[a].total_cmp(&depths[b]))
            .or_else(|| {
                (0..n)
                    .filter(|&k| !done[k])
                    .min_by(|&a, &b| depths[a].total_cmp(&depths[b]))
            })
            .expect("objects left");
        done[pick] = true;
        order.push(pick);
        for &k in &after[pick] {
            indegree[k] = indegree[k].saturating_sub(1);
        }
    }
    let mut slots: Vec<Option<Face>> = faces.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for k in order {
        let mut group: Vec<Face> = objs[k].0.clone().filter_map(|i| slots[i].take()).collect();
        group.sort_by(|a, b| a.depth.total_cmp(&b.depth));
        out.extend(group);
    }
    out
}

/// How far a part moves in the exploded view.
fn explode(part: &FramePart, pl: &Placement, e: f64, centre_x: f64) -> [f64; 3] {
    let outward = if pl.origin[0] < centre_x { -1.0 } else { 1.0 };
    match part.role {
        FramePartRole::Base => [0.0, 0.0, -2.0 * e],
        FramePartRole::SidePlate => [0.6 * e * outward, 0.0, -e],
        FramePartRole::FrontPlate => [0.0, -0.6 * e, -e],
        FramePartRole::HeadTop => [0.0, 0.0, 1.6 * e],
        FramePartRole::HeadSide => [0.6 * e * outward, 0.0, 1.6 * e],
        _ if part.on_head => [0.0, 0.0, 0.8 * e],
        FramePartRole::Nest => [0.0, 0.0, -0.15 * e],
        FramePartRole::PushFinger => [0.0, 0.0, -0.3 * e],
        _ => [0.0, 0.0, -0.6 * e],
    }
}

/// Which picture of the clamshell to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum View {
    /// Closed, the head see-through.
    Assembled,
    /// Every part moved apart along its assembly direction.
    Exploded,
    /// The head swung open about the hinge (the swing check's angle).
    Open,
    /// The parts of the assembly steps up to this one (0-based), the head swung open
    /// so that what is under it shows, the board at the last.
    Step(usize),
}

impl View {
    fn title(self) -> String {
        match self {
            View::Assembled => "Assembled".into(),
            View::Exploded => "Exploded".into(),
            View::Open => "Open".into(),
            View::Step(k) => format!("Assembly step {}", k + 1),
        }
    }
}

/// The assembled (closed) or exploded view as SVG, with the board and its parts.
pub fn render_view(fixture: &Fixture, c: &Clamshell, exploded: bool) -> String {
    let view = if exploded {
        View::Exploded
    } else {
        View::Assembled
    };
    view_svg(fixture, c, view, true)
}

/// The parts a view shows: all but those of later assembly steps.
fn shown(c: &Clamshell, view: View, part: &FramePart) -> bool {
    match view {
        View::Step(k) => c
            .assembly_parts
            .iter()
            .take(k + 1)
            .any(|names| names.contains(&part.name)),
        _ => true,
    }
}

/// Whether a view shows the board (every view but the steps before the last).
fn shows_board(c: &Clamshell, view: View) -> bool {
    match view {
        View::Step(k) => k + 1 >= c.assembly.len(),
        _ => true,
    }
}

/// How far the head opens in the open view, degrees.
fn open_deg(c: &Clamshell) -> f64 {
    c.swing.as_ref().map_or(60.0, |s| s.open_deg)
}

/// The view; `sized` gives the SVG its size in mm (a file), else it fills its box (a
/// page).
pub fn view_svg(fixture: &Fixture, c: &Clamshell, view: View, sized: bool) -> String {
    let b = fixture.board.outline_bbox;
    let tb = fixture.board.thickness_mm;
    let e = ((b[2] - b[0]).max(b[3] - b[1]) / 3.0).max(40.0);
    let centre_x = (b[0] + b[2]) / 2.0;
    let mut faces = Vec::new();
    let mut objs: Vec<(std::ops::Range<usize>, [f64; 6])> = Vec::new();
    let mut record = |faces: &Vec<Face>, bbox: [f64; 6]| {
        let start = objs.last().map_or(0, |o| o.0.end);
        objs.push((start..faces.len(), bbox));
    };
    let h = &c.hinge;
    for part in c.parts.iter().filter(|q| shown(c, view, q)) {
        for pl in &part.placements {
            let shift = if view == View::Exploded {
                explode(part, pl, e, centre_x)
            } else {
                [0.0; 3]
            };
            let open = matches!(view, View::Open | View::Step(_));
            let pl = if open && part.on_head {
                &pl.swung(h.axis_y_mm, h.axis_z_mm, open_deg(c))
            } else {
                pl
            };
            let from = faces.len();
            let bbox = prism_faces(
                &part.outline,
                part.thickness_mm,
                pl,
                shift,
                role_fill(part.role),
                &mut faces,
            );
            if part.role == FramePartRole::Nest {
                pocket_holes(part, pl, shift, &mut faces[from..]);
            }
            if view == View::Assembled && part.on_head && part.role != FramePartRole::PushFinger {
                faces[from..].iter_mut().for_each(|f| f.glass = true);
            }
            record(&faces, bbox);
        }
    }
    if !shows_board(c, view) {
        return finish_view(fixture, view, faces, &objs, sized);
    }
    let board = pogo_geom::rect_ring::<PointMm>(b[0], -b[3], b[2], -b[1]);
    let bbox = prism_faces(
        &board,
        tb,
        &Placement::flat(0.0),
        [0.0; 3],
        "#3c8d40",
        &mut faces,
    );
    record(&faces, bbox);
    for (bb, z0, h) in fixture.board.parts.iter().filter_map(|p| body_box(p, tb)) {
        let ring = pogo_geom::rect_ring::<PointMm>(bb[0], -bb[3], bb[2], -bb[1]);
        let bbox = prism_faces(&ring, h, &Placement::flat(z0), [0.0; 3], "#555", &mut faces);
        record(&faces, bbox);
    }
    finish_view(fixture, view, faces, &objs, sized)
}

/// A board part of known height as the pictures draw it: its courtyard's box (page
/// coordinates), the model Z of its body's bottom on its side of a board `tb` thick, and
/// its height.
fn body_box(p: &pogo_fixture::PartOutline, tb: f64) -> Option<([f64; 4], f64, f64)> {
    let h = p.height_mm?;
    let bb = pogo_geom::bbox_of(
        p.courtyard
            .iter()
            .flat_map(|poly| poly.outer.iter().copied()),
    );
    if !bb.iter().all(|v| v.is_finite()) {
        return None;
    }
    Some(match p.side {
        pogo_geom::Side::Top => (bb, tb, h),
        pogo_geom::Side::Bottom => (bb, -h, h),
    })
}

/// Opens the nest's pocket in its top cap (the first face drawn, at local z =
/// thickness, facing the viewer): the board shows in it.
fn pocket_holes(part: &FramePart, pl: &Placement, shift: [f64; 3], faces: &mut [Face]) {
    let t = part.thickness_mm;
    let at = |q: &PointMm| {
        let w = pl.apply([q.x, q.y, t]);
        project([w[0] + shift[0], w[1] + shift[1], w[2] + shift[2]]).0
    };
    if let Some(cap) = faces.first_mut() {
        cap.holes = part
            .pockets
            .iter()
            .map(|pk| pk.ring.iter().map(at).collect())
            .collect();
    }
}

/// Paints the faces in order and writes the SVG.
fn finish_view(
    fixture: &Fixture,
    view: View,
    faces: Vec<Face>,
    objs: &[(std::ops::Range<usize>, [f64; 6])],
    sized: bool,
) -> String {
    let faces = paint_order(faces, objs);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for f in &faces {
        for p in &f.ring {
            x0 = x0.min(p[0]);
            y0 = y0.min(p[1]);
            x1 = x1.max(p[0]);
            y1 = y1.max(p[1]);
        }
    }
    let pad = 5.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{} {} {} {}\"{} class=\"clamshell-view\">",
        num(x0 - pad, 2),
        num(y0 - pad, 2),
        num(x1 - x0 + 2.0 * pad, 2),
        num(y1 - y0 + 2.0 * pad, 2),
        if sized {
            format!(
                " width=\"{}mm\" height=\"{}mm\"",
                num((x1 - x0 + 2.0 * pad) / 2.0, 1),
                num((y1 - y0 + 2.0 * pad) / 2.0, 1)
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        s,
        "<title>{} clamshell, {}</title>",
        view.title(),
        crate::svg::esc(&fixture.board.file)
    );
    for f in &faces {
        let pts = |r: &[[f64; 2]]| {
            r.iter()
                .map(|p| format!("{},{}", num(p[0], 2), num(p[1], 2)))
                .collect::<Vec<String>>()
                .join(" ")
        };
        let glass = if f.glass {
            " fill-opacity=\"0.35\""
        } else {
            ""
        };
        if f.holes.is_empty() {
            let _ = writeln!(
                s,
                "<polygon points=\"{}\" fill=\"{}\"{glass} stroke=\"#333\" stroke-width=\"0.25\" stroke-linejoin=\"round\"/>",
                pts(&f.ring),
                f.fill,
            );
        } else {
            let mut d = format!("M{}Z", pts(&f.ring));
            for h in &f.holes {
                let _ = write!(d, " M{}Z", pts(h));
            }
            let _ = writeln!(
                s,
                "<path d=\"{d}\" fill-rule=\"evenodd\" fill=\"{}\"{glass} stroke=\"#333\" stroke-width=\"0.25\" stroke-linejoin=\"round\"/>",
                f.fill,
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The convex hull of points, counter-clockwise (repeated points merged first).
fn convex_hull(mut pts: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    pogo_geom::convex_hull(&pts)
        .into_iter()
        .map(|i| pts[i])
        .collect()
}

/// A placed part seen from the left (model -X): screen x = model Y (front left, hinge
/// right), screen y = -Z. Parts standing in the YZ plane (side plates, head sides) show
/// their own outline; the others the outline of their shadow (convex hull).
fn side_shadow(part: &FramePart, pl: &Placement) -> Vec<[f64; 2]> {
    let at = |q: &PointMm, z: f64| {
        let w = pl.apply([q.x, q.y, z]);
        [w[1], -w[2]]
    };
    if pl.normal()[0].abs() > 0.999 {
        return part.outline.iter().map(|q| at(q, 0.0)).collect();
    }
    convex_hull(
        part.outline
            .iter()
            .flat_map(|q| [at(q, 0.0), at(q, part.thickness_mm)])
            .collect(),
    )
}

/// The open head seen from the side, dimensioned: the hinge axis height above the
/// base's underside, the opening angle, the hinge axis to the nearest and the farthest
/// probe, the frame's depth, its height closed and the height the open head needs
/// (SVG, mm; `sized` gives it its size in mm, else it fills its box).
pub fn side_view_svg(fixture: &Fixture, c: &Clamshell, sized: bool) -> String {
    let h = &c.hinge;
    let deg = open_deg(c);
    let (ax, ay) = (h.axis_y_mm, -h.axis_z_mm);
    // Shapes: (ring, fill, see-through), the side plates last and see-through so that
    // what stands between them shows.
    let mut shapes: Vec<(Vec<[f64; 2]>, &str, bool)> = Vec::new();
    let mut sides: Vec<(Vec<[f64; 2]>, &str, bool)> = Vec::new();
    let (mut base_z, mut top_closed, mut top_open) =
        (f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    let (mut y_front, mut y_back) = (f64::INFINITY, f64::NEG_INFINITY);
    for part in &c.parts {
        for pl in &part.placements {
            let closed = side_shadow(part, pl);
            let open_pl;
            let ring = if part.on_head {
                open_pl = pl.swung(h.axis_y_mm, h.axis_z_mm, deg);
                side_shadow(part, &open_pl)
            } else {
                closed.clone()
            };
            for q in &closed {
                top_closed = top_closed.max(-q[1]);
                y_front = y_front.min(q[0]);
                y_back = y_back.max(q[0]);
            }
            for q in &ring {
                top_open = top_open.max(-q[1]);
            }
            if part.role == FramePartRole::Base {
                base_z = closed.iter().map(|q| -q[1]).fold(base_z, f64::min);
            }
            let edge_on = matches!(
                part.role,
                FramePartRole::SidePlate | FramePartRole::HeadSide
            );
            let shape = (ring, role_fill(part.role), edge_on);
            if edge_on {
                sides.push(shape);
            } else {
                shapes.push(shape);
            }
        }
    }
    let b = fixture.board.outline_bbox;
    let tb = fixture.board.thickness_mm;
    let rect =
        |y0: f64, z0: f64, y1: f64, z1: f64| vec![[y0, -z0], [y1, -z0], [y1, -z1], [y0, -z1]];
    shapes.push((rect(-b[3], 0.0, -b[1], tb), "#3c8d40", false));
    for (bb, z0, h) in fixture.board.parts.iter().filter_map(|p| body_box(p, tb)) {
        shapes.push((rect(-bb[3], z0, -bb[1], z0 + h), "#555", false));
    }
    shapes.extend(sides);
    if !base_z.is_finite() {
        base_z = 0.0;
    }
    // Dimensions.
    let mut dims = String::new();
    let text = 4.0;
    let right = y_back + 12.0;
    dim_v(&mut dims, right, base_z, h.axis_z_mm, "hinge axis", text);
    dim_v(&mut dims, right + 16.0, base_z, top_closed, "closed", text);
    dim_v(
        &mut dims,
        right + 32.0,
        base_z,
        top_open,
        &format!("open {} deg", num(deg, 0)),
        text,
    );
    dim_h(
        &mut dims,
        y_front,
        y_back,
        -(base_z - 14.0),
        "frame depth",
        text,
    );
    // The probes nearest to and farthest from the hinge (every probe meets the board
    // at the hinge rule's angle or less), measured at the board's top face.
    let probes = h.sides.iter().flat_map(|s| s.probes.iter());
    let near = probes
        .clone()
        .min_by(|a, b| a.distance_mm.total_cmp(&b.distance_mm));
    let far = probes.max_by(|a, b| a.distance_mm.total_cmp(&b.distance_mm));
    let mut level = -(tb + 6.0);
    for (what, pa) in [("nearest probe", near), ("farthest probe", far)] {
        if let Some(pa) = pa {
            let y = h.axis_y_mm - pa.distance_mm;
            level -= 9.0;
            dim_h(
                &mut dims,
                y,
                h.axis_y_mm,
                level,
                &format!("{what} {}", pa.probe),
                text,
            );
            let _ = writeln!(
                dims,
                "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#06c\" stroke-width=\"0.2\" stroke-dasharray=\"1 1\"/>",
                num(y, 2),
                num(-tb, 2),
                num(level, 2)
            );
        }
    }
    // The opening angle: an arc at the axis from the closed head to the open one.
    let r = ((ax - y_front) * 0.45).max(20.0);
    let (sin, cos) = deg.to_radians().sin_cos();
    let _ = writeln!(
        dims,
        "<path d=\"M{},{} A{r},{r} 0 {} 1 {},{}\" fill=\"none\" stroke=\"#06c\" stroke-width=\"0.3\"/>",
        num(ax - r, 2),
        num(ay, 2),
        u8::from(deg > 180.0),
        num(ax - r * cos, 2),
        num(ay - r * sin, 2),
        r = num(r, 2)
    );
    let half = (deg / 2.0).to_radians();
    let _ = writeln!(
        dims,
        "<text x=\"{}\" y=\"{}\" font-size=\"{text}\" fill=\"#06c\" text-anchor=\"end\">{} deg</text>",
        num(ax - (r + 2.0) * half.cos(), 2),
        num(ay - (r + 2.0) * half.sin(), 2),
        num(deg, 0)
    );
    let _ = writeln!(
        dims,
        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"#06c\" stroke-width=\"0.4\"/>",
        num(ax, 2),
        num(ay, 2),
        num(h.hinge_pin_diameter_mm / 2.0, 2)
    );
    // The frame of the picture: every shape and the dimensions' extents.
    let (mut x0, mut y0, mut x1, mut y1) = (
        y_front - 6.0,
        -(top_open + 8.0),
        right + 40.0,
        -(base_z - 24.0),
    );
    for (ring, _, _) in &shapes {
        for q in ring {
            x0 = x0.min(q[0]);
            y0 = y0.min(q[1]);
            x1 = x1.max(q[0]);
            y1 = y1.max(q[1]);
        }
    }
    let mut s = String::new();
    let (w, hh) = (x1 - x0 + 10.0, y1 - y0 + 10.0);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{} {} {} {}\"{} class=\"clamshell-view\">",
        num(x0 - 5.0, 2),
        num(y0 - 5.0, 2),
        num(w, 2),
        num(hh, 2),
        if sized {
            format!(" width=\"{}mm\" height=\"{}mm\"", num(w, 1), num(hh, 1))
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        s,
        "<title>Open clamshell seen from the side, dimensioned (mm), {}</title>",
        crate::svg::esc(&fixture.board.file)
    );
    let _ = writeln!(
        s,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
        num(x0 - 5.0, 2),
        num(y0 - 5.0, 2),
        num(w, 2),
        num(hh, 2)
    );
    for (ring, fill, glass) in &shapes {
        let pts: Vec<String> = ring
            .iter()
            .map(|q| format!("{},{}", num(q[0], 2), num(q[1], 2)))
            .collect();
        let _ = writeln!(
            s,
            "<polygon points=\"{}\" fill=\"{fill}\"{} stroke=\"#333\" stroke-width=\"0.25\" stroke-linejoin=\"round\"/>",
            pts.join(" "),
            if *glass { " fill-opacity=\"0.3\"" } else { "" }
        );
    }
    s.push_str(&dims);
    s.push_str("</svg>\n");
    s
}

/// A horizontal dimension from x0 to x1 at height y (screen), its figure above.
fn dim_h(s: &mut String, x0: f64, x1: f64, y: f64, label: &str, text: f64) {
    dimension(s, [x0.min(x1), y], [x0.max(x1), y], label, text);
}

/// A vertical dimension at x from model height z0 to z1, its figure turned along it.
fn dim_v(s: &mut String, x: f64, z0: f64, z1: f64, label: &str, text: f64) {
    dimension(s, [x, -z0.min(z1)], [x, -z0.max(z1)], label, text);
}

/// A dimension line between two screen points with a tick across each end, and its
/// length and label written along it on the left of the direction from `p0` to `p1`.
fn dimension(s: &mut String, p0: [f64; 2], p1: [f64; 2], label: &str, text: f64) {
    let (dx, dy) = (p1[0] - p0[0], p1[1] - p0[1]);
    let len = dx.hypot(dy);
    let (ux, uy) = if len > 0.0 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    // Unit normal (to the right of the direction on screen).
    let (nx, ny) = (-uy, ux);
    let tick = |p: [f64; 2]| {
        format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            num(p[0] - 2.0 * nx, 2),
            num(p[1] - 2.0 * ny, 2),
            num(p[0] + 2.0 * nx, 2),
            num(p[1] + 2.0 * ny, 2)
        )
    };
    let _ = writeln!(
        s,
        "<g stroke=\"#06c\" stroke-width=\"0.3\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>{}{}</g><text transform=\"translate({},{}) rotate({})\" font-size=\"{text}\" fill=\"#06c\" text-anchor=\"middle\">{} mm ({})</text>",
        num(p0[0], 2),
        num(p0[1], 2),
        num(p1[0], 2),
        num(p1[1], 2),
        tick(p0),
        tick(p1),
        num((p0[0] + p1[0]) / 2.0 - 1.2 * nx, 2),
        num((p0[1] + p1[1]) / 2.0 - 1.2 * ny, 2),
        num(uy.atan2(ux).to_degrees(), 2),
        num(len, 1),
        crate::svg::esc(label),
    );
}

/// The dimensioned drawing of a sheet part (SVG, mm, y up as in its DXF): outline,
/// cut-outs and holes, overall dimensions from the lower-left datum, and every hole's
/// position and diameter in a table beside it.
pub fn render_drawing(c: &Clamshell, part: &FramePart) -> String {
    drawing_svg(c, part, true)
}

/// The drawing; `sized` draws it at 1:1 in mm (a file), else it fills its box.
pub fn drawing_svg(c: &Clamshell, part: &FramePart, sized: bool) -> String {
    let bb = pogo_geom::bbox_of(part.outline.iter().copied());
    let (w, h) = (bb[2] - bb[0], bb[3] - bb[1]);
    // Text grows with the part so that it reads at the size the page shows it.
    let k = (w.max(h) / 120.0).max(1.0);
    let table_w = 70.0 * k;
    let rows = part.holes.len() + part.cutouts.len();
    let m = 18.0 * k;
    let height = (h + 2.0 * m).max((20.0 + 4.5 * rows as f64) * k);
    // SVG y = top margin + (bb top - y).
    let tx = |x: f64| x - bb[0] + m;
    let ty = |y: f64| bb[3] - y + m;
    let mut s = String::new();
    let total_w = w + 2.0 * m + table_w;
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\"{} font-family=\"sans-serif\" font-size=\"{}\" class=\"drawing\">",
        num(total_w, 2),
        num(height, 2),
        if sized {
            format!(
                " width=\"{}mm\" height=\"{}mm\"",
                num(total_w, 1),
                num(height, 1)
            )
        } else {
            String::new()
        },
        num(3.0 * k, 2)
    );
    let _ = writeln!(
        s,
        "<title>frame-{}: {} mm sheet, kerf {} mm in the DXF</title>",
        crate::svg::esc(&part.name),
        num(part.thickness_mm, 2),
        num(c.kerf_mm, 3)
    );
    let ring = |r: &[PointMm]| {
        let pts: Vec<String> = r
            .iter()
            .map(|p| format!("{},{}", num(tx(p.x), 3), num(ty(p.y), 3)))
            .collect();
        pts.join(" ")
    };
    let _ = writeln!(
        s,
        "<polygon points=\"{}\" fill=\"#f4ecdc\" stroke=\"#000\" stroke-width=\"0.3\"/>",
        ring(&part.outline)
    );
    for cut in &part.cutouts {
        let _ = writeln!(
            s,
            "<polygon points=\"{}\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"0.3\"/>",
            ring(cut)
        );
    }
    for (i, hole) in part.holes.iter().enumerate() {
        let _ = writeln!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"0.3\"/><text x=\"{}\" y=\"{}\" font-size=\"{}\">H{}</text>",
            num(tx(hole.x), 3),
            num(ty(hole.y), 3),
            num(hole.diameter_mm / 2.0, 3),
            num(tx(hole.x) + hole.diameter_mm / 2.0 + 0.5, 3),
            num(ty(hole.y) - 0.5, 3),
            num(2.5 * k, 2),
            i + 1
        );
    }
    // Overall dimensions: width below, height at the left.
    let (yb, xl) = (ty(bb[1]) + 9.0 * k, tx(bb[0]) - 9.0 * k);
    let line = |s: &mut String, x1: f64, y1: f64, x2: f64, y2: f64| {
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#06c\" stroke-width=\"0.2\"/>",
            num(x1, 3),
            num(y1, 3),
            num(x2, 3),
            num(y2, 3)
        );
    };
    line(&mut s, tx(bb[0]), yb, tx(bb[2]), yb);
    line(&mut s, tx(bb[0]), yb - 3.0, tx(bb[0]), yb + 1.0);
    line(&mut s, tx(bb[2]), yb - 3.0, tx(bb[2]), yb + 1.0);
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#06c\">{} mm</text>",
        num((tx(bb[0]) + tx(bb[2])) / 2.0, 3),
        num(yb - 1.0, 3),
        num(w, 2)
    );
    line(&mut s, xl, ty(bb[1]), xl, ty(bb[3]));
    line(&mut s, xl - 1.0, ty(bb[1]), xl + 3.0, ty(bb[1]));
    line(&mut s, xl - 1.0, ty(bb[3]), xl + 3.0, ty(bb[3]));
    let (cx, cy) = (xl - 1.0, (ty(bb[1]) + ty(bb[3])) / 2.0);
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#06c\" transform=\"rotate(-90 {} {})\">{} mm</text>",
        num(cx, 3),
        num(cy, 3),
        num(cx, 3),
        num(cy, 3),
        num(h, 2)
    );
    // Hole and cut-out table, from the datum (lower-left corner of the outline box).
    let x_t = w + 2.0 * m;
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">frame-{} ({} mm)</text><text x=\"{}\" y=\"{}\">datum: lower left corner</text>",
        num(x_t, 2),
        num(6.0 * k, 2),
        crate::svg::esc(&part.name),
        num(part.thickness_mm, 2),
        num(x_t, 2),
        num(10.0 * k, 2)
    );
    let mut y = 15.0 * k;
    for (i, hole) in part.holes.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">H{} X {} Y {} D {}</text>",
            num(x_t, 2),
            num(y, 2),
            i + 1,
            num(hole.x - bb[0], 2),
            num(hole.y - bb[1], 2),
            num(hole.diameter_mm, 2)
        );
        y += 4.5 * k;
    }
    for (i, cut) in part.cutouts.iter().enumerate() {
        let cb = pogo_geom::bbox_of(cut.iter().copied());
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">S{} X {} Y {} {} x {}</text>",
            num(x_t, 2),
            num(y, 2),
            i + 1,
            num(cb[0] - bb[0], 2),
            num(cb[1] - bb[1], 2),
            num(cb[2] - cb[0], 2),
            num(cb[3] - cb[1], 2)
        );
        y += 4.5 * k;
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use pogo_fixture::FrameHole;

    fn plate() -> FramePart {
        FramePart {
            name: "t".into(),
            role: FramePartRole::Base,
            making: Making::Laser,
            thickness_mm: 6.0,
            outline: pogo_geom::rect_ring(0.0, 0.0, 100.0, 50.0),
            cutouts: vec![pogo_geom::rect_ring(10.0, 10.0, 20.0, 16.0)],
            holes: vec![FrameHole {
                x: 50.0,
                y: 25.0,
                diameter_mm: 3.4,
                purpose: pogo_fixture::HolePurpose::M3Screw,
            }],
            pockets: vec![],
            on_head: false,
            placements: vec![Placement::flat(0.0)],
        }
    }

    #[test]
    fn extruded_part_is_closed_with_the_right_volume() {
        let m = mesh(&plate()).unwrap();
        let want = (5000.0 - 60.0 - std::f64::consts::PI * 1.7 * 1.7) * 6.0;
        assert!(
            (m.volume_mm3() - want).abs() < 0.01 * want,
            "{}",
            m.volume_mm3()
        );
    }
}
