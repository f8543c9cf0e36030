//! The nest plate (`registration.nest` of the fixture): `nest.dxf`, `nest.svg`,
//! `nest.stl` and `nest.scad`, written like the probe plates.
//!
//! The plate is a prism with three features: the pocket cut (`cut`: pocket, finger
//! notch and overhang reliefs), milled to the board thickness with a 45 degree
//! lead-in chamfer round its top edge; the through opening (`opening`: inside the
//! support ledge, probe clearance holes, ledge reliefs); and the islands the board's
//! own cut-outs leave. Frames as the probe plate's: page coordinates in the drawings
//! (DXF with y flipped), STL in the drill frame (X = page x, Y = -page y), Z from the
//! plate's bottom face (on the probe plate) to its top face (where the board drops in).

use crate::dxf::{begin_header_mm, circle, end_file, layer_table, next_section, pair, polyline};
use crate::geometry::signed_area;
use crate::stl::{Mesh, push_wall, to_binary_stl, triangulate};
use crate::svg::{esc, ring_path, svg_open};
use crate::{OutputError, Result, num};
use pogo_fixture::{Fixture, Nest};
use pogo_geom::clean_ring;
use pogo_geom::point_in_ring;
use pogo_geom::{PointMm, PolygonMm};
use std::fmt::Write as _;

/// The fixture's nest, when it has one.
pub fn nest_of(fixture: &Fixture) -> Option<&Nest> {
    fixture.registration.as_ref()?.nest.as_ref()
}

fn err(message: String) -> OutputError {
    OutputError::Plate {
        side: "nest".into(),
        message,
    }
}

/// DXF drawing of the nest: layers `NEST_OUTLINE` (cut), `NEST_POCKET` (milled to the
/// pocket depth), `NEST_OPENING` (cut through), `NEST_PROBE_HOLES` (the clearance
/// holes, part of the opening; for reference) and `BOARD` (the outline, reference).
pub fn render_dxf(fixture: &Fixture, nest: &Nest) -> String {
    let mut s = String::new();
    pair(
        &mut s,
        999,
        &format!("pogo nest plate, board {}", fixture.board.file),
    );
    pair(
        &mut s,
        999,
        &format!(
            "mm; X = page x, Y = -(page y); thickness {} mm; NEST_POCKET milled {} mm deep with a {} mm lead-in chamfer; NEST_OPENING cut through",
            num(nest.thickness_mm, 3),
            num(nest.pocket_depth_mm, 3),
            num(nest.lead_in_chamfer_mm, 3)
        ),
    );
    begin_header_mm(&mut s);
    next_section(&mut s, "TABLES");
    layer_table(
        &mut s,
        &[
            ("NEST_OUTLINE", 7),
            ("NEST_POCKET", 5),
            ("NEST_OPENING", 1),
            ("NEST_PROBE_HOLES", 3),
            ("BOARD", 8),
        ],
    );
    next_section(&mut s, "ENTITIES");
    polyline(&mut s, "NEST_OUTLINE", &nest.plate_outline);
    for (layer, polys) in [
        ("NEST_POCKET", &nest.cut),
        ("NEST_OPENING", &nest.opening),
        ("BOARD", &fixture.board.outline),
    ] {
        for p in polys {
            for ring in std::iter::once(&p.outer).chain(&p.holes) {
                polyline(&mut s, layer, ring);
            }
        }
    }
    for h in &nest.probe_holes {
        circle(&mut s, "NEST_PROBE_HOLES", h.x, h.y, h.diameter_mm / 2.0);
    }
    for h in &nest.screw_holes {
        circle(&mut s, "NEST_OUTLINE", h.x, h.y, h.diameter_mm / 2.0);
    }
    end_file(&mut s);
    s
}

fn path_of(polys: &[PolygonMm]) -> String {
    let mut d = String::new();
    for p in polys {
        for ring in std::iter::once(&p.outer).chain(&p.holes) {
            ring_path(&mut d, ring);
        }
    }
    d
}

/// SVG drawing of the nest in page millimetres: groups `cut` (plate outline and the
/// through opening), `pocket` (milled to depth), `probe-holes`, `board` (reference).
pub fn render_svg(fixture: &Fixture, nest: &Nest) -> String {
    let b = pogo_geom::bbox_of(nest.plate_outline.iter().copied());
    let (w, h) = (b[2] - b[0] + 4.0, b[3] - b[1] + 4.0);
    let mut s = String::new();
    svg_open(&mut s, b[0] - 2.0, b[1] - 2.0, w, h);
    let _ = writeln!(
        s,
        "<title>{}</title>",
        esc(&format!(
            "pogo nest plate, {} mm thick, pocket {} mm deep, board {}",
            num(nest.thickness_mm, 3),
            num(nest.pocket_depth_mm, 3),
            fixture.board.file
        ))
    );
    let mut outline = String::new();
    ring_path(&mut outline, &nest.plate_outline);
    let _ = writeln!(
        s,
        r##"<g id="cut" fill="none" stroke="#000" stroke-width="0.1"><path d="{}"/><path d="{}"/></g>"##,
        outline.trim_end(),
        path_of(&nest.opening).trim_end()
    );
    let _ = writeln!(
        s,
        r##"<g id="pocket" fill="none" stroke="#00f" stroke-width="0.1"><path d="{}"/></g>"##,
        path_of(&nest.cut).trim_end()
    );
    let _ = writeln!(
        s,
        r##"<g id="probe-holes" fill="none" stroke="#0a0" stroke-width="0.05">"##
    );
    for h in &nest.probe_holes {
        svg_circle(&mut s, [h.x, h.y], h.diameter_mm, Some(h.probe.as_str()));
    }
    let _ = writeln!(s, "</g>");
    if !nest.screw_holes.is_empty() {
        let _ = writeln!(
            s,
            r##"<g id="screw-holes" fill="none" stroke="#000" stroke-width="0.1">"##
        );
        for h in &nest.screw_holes {
            svg_circle(&mut s, [h.x, h.y], h.diameter_mm, None);
        }
        let _ = writeln!(s, "</g>");
    }
    let _ = writeln!(
        s,
        r##"<g id="board" fill="none" stroke="#888" stroke-width="0.05" stroke-dasharray="0.5 0.5"><path d="{}"/></g>"##,
        path_of(&fixture.board.outline).trim_end()
    );
    let _ = writeln!(s, "</svg>");
    s
}

/// An SVG circle line: a hole of `diameter_mm` at `[x, y]`, with `title` as its tooltip.
fn svg_circle(s: &mut String, [x, y]: [f64; 2], diameter_mm: f64, title: Option<&str>) {
    let (cx, cy, r) = (num(x, 4), num(y, 4), num(diameter_mm / 2.0, 4));
    let _ = match title {
        Some(t) => writeln!(
            s,
            r#"<circle cx="{cx}" cy="{cy}" r="{r}"><title>{}</title></circle>"#,
            esc(t)
        ),
        None => writeln!(s, r#"<circle cx="{cx}" cy="{cy}" r="{r}"/>"#),
    };
}

fn scad_polygon(polys: &[PolygonMm]) -> String {
    let mut out = String::new();
    for p in polys {
        let rings: Vec<&Vec<PointMm>> = std::iter::once(&p.outer).chain(&p.holes).collect();
        let mut points = Vec::new();
        let mut paths = Vec::new();
        for ring in rings {
            let start = points.len();
            points.extend(
                ring.iter()
                    .map(|q| format!("[{},{}]", num(q.x, 5), num(-q.y, 5))),
            );
            paths.push(format!(
                "[{}]",
                (start..points.len())
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        let _ = writeln!(
            out,
            "    polygon(points=[{}], paths=[{}]);",
            points.join(","),
            paths.join(",")
        );
    }
    out
}

/// OpenSCAD model of the nest (drill frame, mm): the plate less the opening, the
/// pocket and a stepped lead-in chamfer.
pub fn render_scad(fixture: &Fixture, nest: &Nest) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// pogo nest plate for {} (mm; X = page x, Y = -page y)",
        fixture.board.file
    );
    let t = nest.thickness_mm;
    let d = nest.pocket_depth_mm;
    let ch = nest.lead_in_chamfer_mm;
    let _ = writeln!(s, "thickness = {};", num(t, 4));
    let _ = writeln!(s, "pocket_depth = {};", num(d, 4));
    let _ = writeln!(s, "chamfer = {};", num(ch, 4));
    let _ = writeln!(s, "module pocket() {{\n{}}}", scad_polygon(&nest.cut));
    let _ = writeln!(s, "module opening() {{\n{}}}", scad_polygon(&nest.opening));
    let plate = PolygonMm {
        outer: nest.plate_outline.clone(),
        holes: Vec::new(),
    };
    let _ = writeln!(
        s,
        "module plate() {{\n{}}}",
        scad_polygon(std::slice::from_ref(&plate))
    );
    let _ = writeln!(
        s,
        "difference() {{\n  linear_extrude(height=thickness) plate();\n  translate([0,0,-1]) linear_extrude(height=thickness+2) opening();\n  translate([0,0,thickness-pocket_depth]) linear_extrude(height=pocket_depth+1) pocket();\n  for (i = [1:4]) translate([0,0,thickness-chamfer*(5-i)/4]) linear_extrude(height=chamfer+1) offset(delta=chamfer*i/4) pocket();"
    );
    for h in &nest.screw_holes {
        let _ = writeln!(
            s,
            "  translate([{}, {}, -1]) cylinder(d={}, h=thickness+2, $fn=32);",
            num(h.x, 4),
            num(-h.y, 4),
            num(h.diameter_mm, 4)
        );
    }
    s.push_str("}\n");
    s
}

/// Rings in the STL frame, each with material on its left (outer boundaries of
/// material counter-clockwise, boundaries of voids clockwise).
struct Rings {
    /// Plate outline.
    plate: Vec<PointMm>,
    /// Cut exteriors (voids from the floor to the top face) and cut holes (islands).
    cut_void: Vec<Vec<PointMm>>,
    cut_island: Vec<Vec<PointMm>>,
    /// Opening exteriors (through voids) and holes (islands in the opening).
    open_void: Vec<Vec<PointMm>>,
    open_island: Vec<Vec<PointMm>>,
    /// Screw holes through the whole plate.
    screw: Vec<Vec<PointMm>>,
}

fn frame_ring(ring: &[PointMm], material_inside: bool) -> Option<Vec<PointMm>> {
    let mut r = clean_ring(
        &ring
            .iter()
            .map(|p| PointMm::new(p.x, -p.y))
            .collect::<Vec<_>>(),
    );
    if r.len() < 3 {
        return None;
    }
    if (signed_area(&r) > 0.0) != material_inside {
        r.reverse();
    }
    Some(r)
}

fn rings(nest: &Nest) -> Result<Rings> {
    let plate = frame_ring(&nest.plate_outline, true)
        .ok_or_else(|| err("the nest plate outline has fewer than 3 corners".into()))?;
    let split = |polys: &[PolygonMm]| {
        let voids: Vec<Vec<PointMm>> = polys
            .iter()
            .filter_map(|p| frame_ring(&p.outer, false))
            .collect();
        let islands: Vec<Vec<PointMm>> = polys
            .iter()
            .flat_map(|p| p.holes.iter())
            .filter_map(|h| frame_ring(h, true))
            .collect();
        (voids, islands)
    };
    let (cut_void, cut_island) = split(&nest.cut);
    let (open_void, open_island) = split(&nest.opening);
    let screw = nest
        .screw_holes
        .iter()
        .filter_map(|h| {
            let r = h.diameter_mm / 2.0;
            let ring = crate::geometry::circle_ring(
                h.x,
                h.y,
                r,
                crate::geometry::circle_segments(r, 0.01),
            );
            frame_ring(&ring, false)
        })
        .collect();
    Ok(Rings {
        plate,
        cut_void,
        cut_island,
        open_void,
        open_island,
        screw,
    })
}

/// Each ring moved `d` mm towards its material (a miter offset, corner count kept).
fn chamfer_ring(ring: &[PointMm], d: f64) -> Vec<PointMm> {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, p, b) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            let left = |u: PointMm, v: PointMm| {
                let (dx, dy) = (v.x - u.x, v.y - u.y);
                let l = dx.hypot(dy).max(1e-12);
                (-dy / l, dx / l)
            };
            let (n1, n2) = (left(a, p), left(p, b));
            let dot = n1.0 * n2.0 + n1.1 * n2.1;
            // Miter: (n1 + n2) / (1 + n1.n2), capped at twice the distance.
            let k = d / (1.0 + dot).max(0.5);
            PointMm::new(p.x + (n1.0 + n2.0) * k, p.y + (n1.1 + n2.1) * k)
        })
        .collect()
}

/// One horizontal face: pieces of (outer ring, hole rings) as vertex-id rings.
struct Face {
    z_up: bool,
    pieces: Vec<(usize, Vec<usize>)>,
}

/// The nest as a closed triangle mesh. `chamfer` false leaves the lead-in off (used
/// when the chamfered ring would fold on a tight outline).
pub fn mesh(nest: &Nest, chamfer: bool) -> Result<Mesh> {
    let r = rings(nest)?;
    let t = nest.thickness_mm;
    let f = t - nest.pocket_depth_mm;
    let ch = if chamfer {
        nest.lead_in_chamfer_mm.min(nest.pocket_depth_mm / 2.0)
    } else {
        0.0
    };
    if !(f > 0.0 && t.is_finite()) {
        return Err(err(format!(
            "the pocket ({} mm) is as deep as the nest plate ({} mm)",
            nest.pocket_depth_mm, t
        )));
    }
    // Every ring at each of its levels: (points, z) with its first vertex id.
    let mut ring_pts: Vec<Vec<PointMm>> = Vec::new();
    let mut ring_z: Vec<f64> = Vec::new();
    let mut add = |pts: &Vec<PointMm>, z: f64| {
        ring_pts.push(pts.clone());
        ring_z.push(z);
        ring_pts.len() - 1
    };
    let plate_lo = add(&r.plate, 0.0);
    let plate_hi = add(&r.plate, t);
    let mut walls: Vec<(usize, usize)> = vec![(plate_lo, plate_hi)];
    let mut bottom = Face {
        z_up: false,
        pieces: Vec::new(),
    };
    let mut floor = Face {
        z_up: true,
        pieces: Vec::new(),
    };
    let mut top = Face {
        z_up: true,
        pieces: Vec::new(),
    };
    let mut bottom_outers = vec![plate_lo];
    let mut bottom_holes = Vec::new();
    let mut floor_outers = Vec::new();
    let mut floor_holes = Vec::new();
    let mut top_outers = vec![plate_hi];
    let mut top_holes = Vec::new();
    for ring in &r.open_void {
        let (lo, hi) = (add(ring, 0.0), add(ring, f));
        walls.push((lo, hi));
        bottom_holes.push(lo);
        floor_holes.push(hi);
    }
    for ring in &r.open_island {
        let (lo, hi) = (add(ring, 0.0), add(ring, f));
        walls.push((lo, hi));
        bottom_outers.push(lo);
        floor_outers.push(hi);
    }
    for ring in &r.cut_void {
        let lo = add(ring, f);
        if ch > 0.0 {
            let mid = add(ring, t - ch);
            let hi = add(&chamfer_ring(ring, ch), t);
            walls.push((lo, mid));
            walls.push((mid, hi));
            top_holes.push(hi);
        } else {
            let hi = add(ring, t);
            walls.push((lo, hi));
            top_holes.push(hi);
        }
        floor_outers.push(lo);
    }
    for ring in &r.cut_island {
        let (lo, hi) = (add(ring, f), add(ring, t));
        walls.push((lo, hi));
        floor_holes.push(lo);
        top_outers.push(hi);
    }
    for ring in &r.screw {
        let (lo, hi) = (add(ring, 0.0), add(ring, t));
        walls.push((lo, hi));
        bottom_holes.push(lo);
        top_holes.push(hi);
    }
    let assign = |outers: &[usize], holes: &[usize], face: &mut Face| -> Result<()> {
        let mut pieces: Vec<(usize, Vec<usize>)> =
            outers.iter().map(|&o| (o, Vec::new())).collect();
        for &h in holes {
            let p = ring_pts[h][0];
            let best = pieces
                .iter_mut()
                .filter(|(o, _)| point_in_ring(p, &ring_pts[*o]))
                .min_by(|a, b| {
                    signed_area(&ring_pts[a.0])
                        .abs()
                        .total_cmp(&signed_area(&ring_pts[b.0]).abs())
                });
            match best {
                Some(piece) => piece.1.push(h),
                None => {
                    return Err(err(
                        "a nest opening or pocket ring lies outside the plate".into()
                    ));
                }
            }
        }
        face.pieces = pieces;
        Ok(())
    };
    assign(&bottom_outers, &bottom_holes, &mut bottom)?;
    assign(&floor_outers, &floor_holes, &mut floor)?;
    assign(&top_outers, &top_holes, &mut top)?;
    // Vertices.
    let mut first = Vec::with_capacity(ring_pts.len());
    let mut vertices: Vec<[f64; 3]> = Vec::new();
    for (pts, z) in ring_pts.iter().zip(&ring_z) {
        first.push(vertices.len());
        vertices.extend(pts.iter().map(|p| [p.x, p.y, *z]));
    }
    let mut triangles: Vec<[u32; 3]> = Vec::new();
    for face in [&bottom, &floor, &top] {
        for (outer, holes) in &face.pieces {
            // Triangulate with the outer counter-clockwise and the holes clockwise.
            let mut rings_in = Vec::new();
            let mut ids: Vec<usize> = Vec::new();
            for (k, &ring) in std::iter::once(outer).chain(holes).enumerate() {
                let mut pts = ring_pts[ring].clone();
                let mut idx: Vec<usize> = (0..pts.len()).map(|i| first[ring] + i).collect();
                if (signed_area(&pts) > 0.0) != (k == 0) {
                    pts.reverse();
                    idx.reverse();
                }
                rings_in.push(pts);
                ids.extend(idx);
            }
            for c in triangulate(&rings_in).map_err(err)? {
                let tri = c.map(|i| ids[i] as u32);
                triangles.push(if face.z_up {
                    tri
                } else {
                    [tri[0], tri[2], tri[1]]
                });
            }
        }
    }
    // Walls: edge a -> b from the lower ring to the upper; material on the left.
    for (lo, hi) in walls {
        push_wall(&mut triangles, first[lo], first[hi], ring_pts[lo].len());
    }
    Mesh::closed(vertices, triangles).map_err(err)
}

/// Binary STL of the nest; the lead-in chamfer is left off (and said in the header)
/// when its ring would not triangulate.
pub fn render_stl(nest: &Nest) -> Result<Vec<u8>> {
    match mesh(nest, true) {
        Ok(m) => Ok(to_binary_stl(&m, "pogo nest plate, mm")),
        Err(_) => {
            let m = mesh(nest, false)?;
            Ok(to_binary_stl(&m, "pogo nest plate, mm, no lead-in chamfer"))
        }
    }
}
