//! Binary STL of a probe plate: the plate outline with its cut-outs and holes,
//! extruded to the plate thickness, as a closed, consistently oriented triangle mesh
//! (normals outward).
//!
//! Frame: X = page x, Y = -(page y) (the KiCad drill frame), Z from 0 (the plate face
//! away from the board) to the plate thickness, mm. Circles are polygons with their
//! corners on the circle, fine enough that no chord is farther from the arc than
//! [`OutputOptions::chord_tolerance_mm`].
//!
//! The caps are triangulated by ear clipping (`earcutr`); the walls join each ring's
//! edges between the caps. Before returning, the mesh is checked: every directed edge
//! must have exactly one twin running the other way (closed and consistently
//! oriented), and the cap triangles must cover the polygon's area.

use crate::geometry::{circle_ring, circle_segments, clean_ring, signed_area};
use crate::plate::Plate;
use crate::{OutputError, OutputOptions, Result};
use pogo_board::PointMm;
use std::collections::HashMap;

/// A triangle mesh: vertices and triangles (indices, counter-clockwise seen from outside).
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    pub vertices: Vec<[f64; 3]>,
    pub triangles: Vec<[u32; 3]>,
}

impl Mesh {
    /// Enclosed volume (divergence theorem), mm³; positive for outward normals.
    pub fn volume_mm3(&self) -> f64 {
        self.triangles
            .iter()
            .map(|t| {
                let [a, b, c] = t.map(|i| self.vertices[i as usize]);
                (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
                    + a[2] * (b[0] * c[1] - b[1] * c[0]))
                    / 6.0
            })
            .sum()
    }
}

/// The plate's polygon in the STL frame: outer ring counter-clockwise, holes clockwise.
fn plate_rings(plate: &Plate, opts: &OutputOptions) -> (Vec<PointMm>, Vec<Vec<PointMm>>) {
    let flip =
        |r: &[PointMm]| -> Vec<PointMm> { r.iter().map(|p| PointMm::new(p.x, -p.y)).collect() };
    let orient = |mut r: Vec<PointMm>, ccw: bool| {
        if (signed_area(&r) > 0.0) != ccw {
            r.reverse();
        }
        r
    };
    let outer = orient(clean_ring(&flip(&plate.outline)), true);
    let mut holes = Vec::new();
    for c in &plate.cutouts {
        holes.push(orient(clean_ring(&flip(&c.ring)), false));
    }
    for h in &plate.holes {
        let r = h.diameter_mm / 2.0;
        let n = circle_segments(r, opts.chord_tolerance_mm);
        holes.push(orient(circle_ring(h.x, -h.y, r, n), false));
    }
    (outer, holes)
}

/// Builds the plate's mesh.
pub fn mesh(plate: &Plate, opts: &OutputOptions) -> Result<Mesh> {
    let err = |message: String| OutputError::Plate {
        side: plate.side.as_str().to_string(),
        message,
    };
    let (outer, holes) = plate_rings(plate, opts);
    let mut rings = vec![outer];
    rings.extend(holes);
    let n: usize = rings.iter().map(Vec::len).sum();
    let (mx, my) = rings[0]
        .iter()
        .fold((f64::INFINITY, f64::INFINITY), |m, p| {
            (m.0.min(p.x), m.1.min(p.y))
        });
    let mut flat = Vec::with_capacity(2 * n);
    let mut hole_starts = Vec::with_capacity(rings.len() - 1);
    let mut starts = Vec::with_capacity(rings.len());
    for (i, ring) in rings.iter().enumerate() {
        let start = flat.len() / 2;
        starts.push(start);
        if i > 0 {
            hole_starts.push(start);
        }
        for p in ring {
            flat.push(p.x - mx);
            flat.push(p.y - my);
        }
    }
    let tri = earcutr::earcut(&flat, &hole_starts, 2)
        .map_err(|e| err(format!("cannot triangulate the plate outline: {e:?}")))?;
    let pt = |i: usize| (flat[2 * i], flat[2 * i + 1]);
    let tri_area = |a: usize, b: usize, c: usize| {
        let (pa, pb, pc) = (pt(a), pt(b), pt(c));
        ((pb.0 - pa.0) * (pc.1 - pa.1) - (pb.1 - pa.1) * (pc.0 - pa.0)) / 2.0
    };
    let mut caps: Vec<[usize; 3]> = tri.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
    let total: f64 = caps.iter().map(|t| tri_area(t[0], t[1], t[2])).sum();
    if total < 0.0 {
        for t in &mut caps {
            t.swap(1, 2);
        }
    }
    let covered = total.abs();
    let expected: f64 = rings.iter().map(|r| signed_area(r)).sum();
    if (covered - expected).abs() > 1e-6 * expected.abs().max(1.0) {
        return Err(err(format!(
            "triangulation covers {covered:.6} mm² of the plate's {expected:.6} mm² (overlapping holes or cut-outs?)"
        )));
    }

    let t = plate.thickness_mm;
    let mut vertices = Vec::with_capacity(2 * n);
    for z in [0.0, t] {
        for ring in &rings {
            for p in ring {
                vertices.push([p.x, p.y, z]);
            }
        }
    }
    let top = n as u32;
    let mut triangles = Vec::with_capacity(2 * caps.len() + 2 * n);
    for c in &caps {
        let [a, b, cc] = c.map(|i| i as u32);
        triangles.push([a + top, b + top, cc + top]); // top face, normal +Z
        triangles.push([a, cc, b]); // bottom face, normal -Z
    }
    for (ring, &start) in rings.iter().zip(&starts) {
        let len = ring.len();
        for k in 0..len {
            let a = (start + k) as u32;
            let b = (start + (k + 1) % len) as u32;
            triangles.push([a, b, b + top]);
            triangles.push([a, b + top, a + top]);
        }
    }
    let mesh = Mesh {
        vertices,
        triangles,
    };
    check_closed(&mesh).map_err(err)?;
    Ok(mesh)
}

/// Every directed edge must appear once, and its reverse once.
fn check_closed(mesh: &Mesh) -> std::result::Result<(), String> {
    let mut edges: HashMap<(u32, u32), u32> = HashMap::with_capacity(mesh.triangles.len() * 3);
    for t in &mesh.triangles {
        for k in 0..3 {
            *edges.entry((t[k], t[(k + 1) % 3])).or_default() += 1;
        }
    }
    // Walk the triangles (not the map) so the first fault reported is deterministic.
    for t in &mesh.triangles {
        for k in 0..3 {
            let (a, b) = (t[k], t[(k + 1) % 3]);
            let count = edges[&(a, b)];
            let reverse = edges.get(&(b, a)).copied().unwrap_or(0);
            if count != 1 || reverse != 1 {
                return Err(format!(
                    "the plate mesh is not closed at edge {a}-{b} (used {count} time(s), reverse {reverse} time(s))"
                ));
            }
        }
    }
    Ok(())
}

/// Binary STL bytes of the plate.
pub fn render(plate: &Plate, opts: &OutputOptions) -> Result<Vec<u8>> {
    let mesh = mesh(plate, opts)?;
    Ok(to_binary_stl(
        &mesh,
        &format!("pogo probe plate {} side, mm", plate.side.as_str()),
    ))
}

/// Binary STL of a mesh (80-byte header, little-endian f32).
pub fn to_binary_stl(mesh: &Mesh, header: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(84 + 50 * mesh.triangles.len());
    let mut head = [b' '; 80];
    let text = header.as_bytes();
    // An STL header must not start with "solid" (readers take it for ASCII).
    let text = if text.starts_with(b"solid") {
        &text[5..]
    } else {
        text
    };
    head[..text.len().min(80)].copy_from_slice(&text[..text.len().min(80)]);
    out.extend_from_slice(&head);
    out.extend_from_slice(&(mesh.triangles.len() as u32).to_le_bytes());
    for t in &mesh.triangles {
        let [a, b, c] = t.map(|i| mesh.vertices[i as usize]);
        let u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        let v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
        let nrm = [
            u[1] * v[2] - u[2] * v[1],
            u[2] * v[0] - u[0] * v[2],
            u[0] * v[1] - u[1] * v[0],
        ];
        let len = (nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2]).sqrt();
        let nrm = if len > 0.0 {
            nrm.map(|x| x / len)
        } else {
            [0.0; 3]
        };
        for x in nrm.iter().chain(&a).chain(&b).chain(&c) {
            out.extend_from_slice(&(*x as f32).to_le_bytes());
        }
        out.extend_from_slice(&0u16.to_le_bytes());
    }
    out
}
