//! Binary STL of a probe plate: the plate outline with its cut-outs and holes,
//! extruded to the plate thickness, as a closed, consistently oriented triangle mesh
//! (normals outward).
//!
//! Frame: X = page x, Y = -(page y) (the KiCad drill frame), Z from 0 (the plate face
//! away from the board) to the plate thickness, mm. Circles are polygons with their
//! corners on the circle, fine enough that no chord is farther from the arc than
//! [`OutputOptions::chord_tolerance_mm`].
//!
//! The caps are triangulated by a constrained Delaunay triangulation of the ring edges
//! (`spade`; ear clipping by `earcutr` when rings touch); the walls join each ring's
//! edges between the caps. Blind relief pockets are recessed into the board-facing
//! face (Z = thickness) with their own floor and walls. Before returning, the mesh is checked: every directed edge
//! must have exactly one twin running the other way (closed and consistently
//! oriented), and the cap triangles must cover the polygon's area.

use crate::geometry::{circle_ring, circle_segments, signed_area};
use crate::plate::Plate;
use crate::{OutputError, OutputOptions, Result};
use pogo_geom::PointMm;
use pogo_geom::clean_ring;

/// A triangle mesh: vertices and triangles (indices, counter-clockwise seen from outside).
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    /// Vertices (x, y, z), mm.
    pub vertices: Vec<[f64; 3]>,
    /// Triangles as vertex indices.
    pub triangles: Vec<[u32; 3]>,
}

impl Mesh {
    /// The mesh of these vertices and triangles, checked closed ([`check_closed`]).
    pub(crate) fn closed(
        vertices: Vec<[f64; 3]>,
        triangles: Vec<[u32; 3]>,
    ) -> std::result::Result<Mesh, String> {
        let mesh = Mesh {
            vertices,
            triangles,
        };
        check_closed(&mesh)?;
        Ok(mesh)
    }

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

/// Triangulates a polygon (first ring outer, counter-clockwise; the others holes,
/// clockwise) into counter-clockwise triangles indexing the rings' points in order,
/// and checks that the triangles cover the polygon's area.
pub(crate) fn triangulate(rings: &[Vec<PointMm>]) -> std::result::Result<Vec<[usize; 3]>, String> {
    let n: usize = rings.iter().map(Vec::len).sum();
    let (mx, my) = rings[0]
        .iter()
        .fold((f64::INFINITY, f64::INFINITY), |m, p| {
            (m.0.min(p.x), m.1.min(p.y))
        });
    let mut flat = Vec::with_capacity(2 * n);
    let mut hole_starts = Vec::with_capacity(rings.len().saturating_sub(1));
    for (i, ring) in rings.iter().enumerate() {
        if i > 0 {
            hole_starts.push(flat.len() / 2);
        }
        for p in ring {
            flat.push(p.x - mx);
            flat.push(p.y - my);
        }
    }
    // The Delaunay triangles use every ring point (no T-junctions to close); ear
    // clipping's may not.
    let (tri, ear_clipped) = match constrained_delaunay(rings, &flat) {
        Some(tri) => (tri, false),
        None => (
            earcutr::earcut(&flat, &hole_starts, 2)
                .map_err(|e| format!("cannot triangulate the plate outline: {e:?}"))?,
            true,
        ),
    };
    let pt = |i: usize| (flat[2 * i], flat[2 * i + 1]);
    let tri_area = |t: &[usize; 3]| {
        let (pa, pb, pc) = (pt(t[0]), pt(t[1]), pt(t[2]));
        ((pb.0 - pa.0) * (pc.1 - pa.1) - (pb.1 - pa.1) * (pc.0 - pa.0)) / 2.0
    };
    let mut tris: Vec<[usize; 3]> = tri.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
    let total: f64 = tris.iter().map(tri_area).sum();
    if total < 0.0 {
        for t in &mut tris {
            t.swap(1, 2);
        }
    }
    if ear_clipped {
        fix_t_junctions(&mut tris, rings, &flat);
    }
    let expected: f64 = rings.iter().map(|r| signed_area(r)).sum();
    if (total.abs() - expected).abs() > 1e-6 * expected.abs().max(1.0) {
        return Err(format!(
            "triangulation covers {:.6} mm² of the plate's {expected:.6} mm² (overlapping holes or cut-outs?)",
            total.abs()
        ));
    }
    Ok(tris)
}

/// Triangulates the polygon (flat x, y of every ring's points in order) by a
/// constrained Delaunay triangulation of the ring edges, keeping the triangles inside
/// (an odd number of ring edges crossed from outside): O(n log n), where ear clipping
/// with thousands of holes (a panel's plate) costs O(holes × points). Returns `None`
/// (the caller falls back to ear clipping) when the rings touch or cross each other
/// or share a point, since the triangles could then not index every ring point.
fn constrained_delaunay(rings: &[Vec<PointMm>], flat: &[f64]) -> Option<Vec<usize>> {
    use spade::{ConstrainedDelaunayTriangulation, Point2, Triangulation};
    let n = flat.len() / 2;
    let points: Vec<Point2<f64>> = (0..n)
        .map(|i| Point2::new(flat[2 * i], flat[2 * i + 1]))
        .collect();
    let mut edges = Vec::with_capacity(n);
    let mut start = 0;
    for r in rings {
        for k in 0..r.len() {
            edges.push([start + k, start + (k + 1) % r.len()]);
        }
        start += r.len();
    }
    let mut conflict = false;
    let cdt: ConstrainedDelaunayTriangulation<Point2<f64>> =
        ConstrainedDelaunayTriangulation::try_bulk_load_cdt(points, edges, |_| conflict = true)
            .ok()?;
    // A duplicate point is dropped (indices would shift); a conflict leaves an edge out.
    if conflict || cdt.num_vertices() != n || cdt.num_constraints() != n {
        return None;
    }
    // Parity flood fill from the outer face: crossing a ring edge toggles inside/outside.
    let mut inside: Vec<Option<bool>> = vec![None; cdt.num_all_faces()];
    let mut stack = Vec::new();
    for e in cdt.convex_hull() {
        for d in [e, e.rev()] {
            if let Some(face) = d.face().as_inner()
                && inside[face.fix().index()].is_none()
            {
                inside[face.fix().index()] = Some(d.is_constraint_edge());
                stack.push(face);
            }
        }
    }
    while let Some(face) = stack.pop() {
        let here = inside[face.fix().index()].unwrap_or(false);
        for e in face.adjacent_edges() {
            if let Some(next) = e.rev().face().as_inner() {
                let slot = &mut inside[next.fix().index()];
                if slot.is_none() {
                    *slot = Some(here ^ e.is_constraint_edge());
                    stack.push(next);
                }
            }
        }
    }
    let mut tri = Vec::with_capacity(3 * cdt.num_inner_faces());
    for face in cdt.inner_faces() {
        if inside[face.fix().index()] == Some(true) {
            tri.extend(face.vertices().map(|v| v.fix().index()));
        }
    }
    Some(tri)
}

/// Ear clipping drops points that end up on a straight line (a hole bridge running
/// along an edge, a point on a bridge): the triangle edge then spans a vertex that the
/// other side (a wall or the neighbouring triangles) still uses. Each such edge — an
/// edge whose reverse is missing and that is not a ring edge — is split at the
/// vertices lying on it, until none is left.
fn fix_t_junctions(tris: &mut Vec<[usize; 3]>, rings: &[Vec<PointMm>], flat: &[f64]) {
    use std::collections::HashSet;
    let n = flat.len() / 2;
    let pt = |i: usize| (flat[2 * i], flat[2 * i + 1]);
    // Ring edges (i -> next in its ring): their twin is a wall, not a cap triangle.
    let mut ring_next = vec![0usize; n];
    let mut start = 0;
    for r in rings {
        for k in 0..r.len() {
            ring_next[start + k] = start + (k + 1) % r.len();
        }
        start += r.len();
    }
    // Vertices sorted by x, to find those on a segment quickly.
    let mut by_x: Vec<usize> = (0..n).collect();
    by_x.sort_by(|&a, &b| pt(a).0.total_cmp(&pt(b).0).then(a.cmp(&b)));
    for _round in 0..64 {
        let edges: HashSet<(usize, usize)> = tris
            .iter()
            .flat_map(|t| (0..3).map(move |k| (t[k], t[(k + 1) % 3])))
            .collect();
        let mut splits: Vec<(usize, usize, usize)> = Vec::new(); // (triangle, edge k, vertex)
        for (ti, t) in tris.iter().enumerate() {
            for k in 0..3 {
                let (a, b) = (t[k], t[(k + 1) % 3]);
                if edges.contains(&(b, a)) || ring_next[a] == b {
                    continue;
                }
                let ((ax, ay), (bx, by)) = (pt(a), pt(b));
                let (lo, hi) = (ax.min(bx), ax.max(bx));
                let len2 = (bx - ax).powi(2) + (by - ay).powi(2);
                let first = by_x.partition_point(|&v| pt(v).0 < lo - 1e-9);
                let mut best: Option<(f64, usize)> = None;
                for &v in by_x[first..].iter().take_while(|&&v| pt(v).0 <= hi + 1e-9) {
                    if v == a || v == b || pt(v) == pt(a) || pt(v) == pt(b) {
                        continue;
                    }
                    let (vx, vy) = pt(v);
                    let cross = (bx - ax) * (vy - ay) - (by - ay) * (vx - ax);
                    let along = ((vx - ax) * (bx - ax) + (vy - ay) * (by - ay)) / len2;
                    if cross.abs() <= 1e-9 * len2.sqrt().max(1.0) && along > 0.0 && along < 1.0 {
                        // The vertex nearest to a: split there first.
                        if best.is_none_or(|(d, _)| along < d) {
                            best = Some((along, v));
                        }
                    }
                }
                if let Some((_, v)) = best {
                    splits.push((ti, k, v));
                    break;
                }
            }
        }
        if splits.is_empty() {
            return;
        }
        let mut seen = HashSet::new();
        for (ti, k, v) in splits {
            if !seen.insert(ti) {
                continue;
            }
            let t = tris[ti];
            let (a, b, c) = (t[k], t[(k + 1) % 3], t[(k + 2) % 3]);
            tris[ti] = [a, v, c];
            tris.push([v, b, c]);
        }
    }
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
    // Blind pockets: clockwise rings (holes in the board-facing face) with their depth.
    let pockets: Vec<(Vec<PointMm>, f64)> = plate
        .pockets
        .iter()
        .map(|p| {
            let mut r = clean_ring(
                &p.ring
                    .iter()
                    .map(|q| PointMm::new(q.x, -q.y))
                    .collect::<Vec<_>>(),
            );
            if signed_area(&r) > 0.0 {
                r.reverse();
            }
            (r, p.depth_mm)
        })
        .collect();
    let n: usize = rings.iter().map(Vec::len).sum();
    let m: usize = pockets.iter().map(|p| p.0.len()).sum();
    let t = plate.thickness_mm;
    // Vertices: rings at z = 0 [0, n), rings at z = t [n, 2n), pocket rings at z = t
    // [2n, 2n + m), pocket rings at their floor [2n + m, 2n + 2m).
    let mut vertices = Vec::with_capacity(2 * n + 2 * m);
    for z in [0.0, t] {
        for ring in &rings {
            vertices.extend(ring.iter().map(|p| [p.x, p.y, z]));
        }
    }
    for (ring, _) in &pockets {
        vertices.extend(ring.iter().map(|p| [p.x, p.y, t]));
    }
    for (ring, depth) in &pockets {
        vertices.extend(ring.iter().map(|p| [p.x, p.y, t - depth]));
    }
    let mut triangles: Vec<[u32; 3]> = Vec::with_capacity(4 * (n + m));
    // Bottom face (normal -Z): the polygon with its holes.
    let bottom = triangulate(&rings).map_err(err)?;
    for c in &bottom {
        triangles.push([c[0] as u32, c[2] as u32, c[1] as u32]);
    }
    // Top face (normal +Z): the polygon with its holes and the pocket openings; without
    // pockets the same rings, so the same triangles (triangulated once).
    let top = if pockets.is_empty() {
        bottom
    } else {
        let mut top_rings = rings.clone();
        top_rings.extend(pockets.iter().map(|p| p.0.clone()));
        triangulate(&top_rings).map_err(err)?
    };
    let top_index = |i: usize| {
        if i < n {
            (i + n) as u32
        } else {
            (2 * n + (i - n)) as u32
        }
    };
    for c in top {
        triangles.push(c.map(top_index));
    }
    // Pocket floors (normal +Z).
    let mut start = 2 * n + m;
    for (ring, _) in &pockets {
        let mut ccw = ring.clone();
        ccw.reverse();
        let len = ring.len();
        for c in triangulate(&[ccw]).map_err(err)? {
            // Index k of the reversed ring is index len-1-k of the ring.
            triangles.push(c.map(|k| (start + len - 1 - k) as u32));
        }
        start += len;
    }
    // Walls: each ring from its lower to its upper copy.
    let mut start = 0;
    for ring in &rings {
        push_wall(&mut triangles, start, start + n, ring.len());
        start += ring.len();
    }
    let mut start = 0;
    for (ring, _) in &pockets {
        push_wall(&mut triangles, 2 * n + m + start, 2 * n + start, ring.len());
        start += ring.len();
    }
    Mesh::closed(vertices, triangles).map_err(err)
}

/// The wall of a ring between its lower copy (`len` vertices from `lower`) and its upper
/// copy (from `upper`): two triangles an edge a -> b. The material lies to the left of
/// the edge, so the normal points right, out of the material.
pub(crate) fn push_wall(triangles: &mut Vec<[u32; 3]>, lower: usize, upper: usize, len: usize) {
    for k in 0..len {
        let a = (lower + k) as u32;
        let b = (lower + (k + 1) % len) as u32;
        let (au, bu) = ((upper + k) as u32, (upper + (k + 1) % len) as u32);
        triangles.push([a, b, bu]);
        triangles.push([a, bu, au]);
    }
}

/// Every directed edge must appear once, and its reverse once.
pub(crate) fn check_closed(mesh: &Mesh) -> std::result::Result<(), String> {
    if closed_by_buckets(mesh) {
        return Ok(());
    }
    closed_by_sorting(mesh)
}

/// Whether every directed edge of the mesh appears once and its reverse once, in
/// linear time: the edges bucketed by their first vertex (a counting sort), each
/// bucket's far ends unique, and each edge's reverse found in its far end's bucket.
/// (With no edge twice, every reverse present means the reversed edges are the
/// edges.) `false` also for what it does not handle (an index past the vertices);
/// [`closed_by_sorting`] then decides, and words the fault.
fn closed_by_buckets(mesh: &Mesh) -> bool {
    let nv = mesh.vertices.len();
    let ne = 3 * mesh.triangles.len();
    if u32::try_from(ne).is_err() {
        return false;
    }
    // start[a]..start[a + 1]: the far ends of the edges from vertex a.
    let mut start = vec![0u32; nv + 1];
    for t in &mesh.triangles {
        for &a in t {
            let Some(count) = start.get_mut(a as usize + 1) else {
                return false;
            };
            *count += 1;
        }
    }
    for a in 0..nv {
        start[a + 1] += start[a];
    }
    let mut next = start.clone();
    let mut ends = vec![0u32; ne];
    for t in &mesh.triangles {
        for k in 0..3 {
            let a = t[k] as usize;
            ends[next[a] as usize] = t[(k + 1) % 3];
            next[a] += 1;
        }
    }
    let bucket = |a: usize| start[a] as usize..start[a + 1] as usize;
    for a in 0..nv {
        let b = &mut ends[bucket(a)];
        b.sort_unstable();
        if b.windows(2).any(|w| w[0] == w[1]) {
            return false;
        }
    }
    (0..nv).all(|a| {
        ends[bucket(a)].iter().all(|&b| {
            (b as usize) < nv && ends[bucket(b as usize)].binary_search(&(a as u32)).is_ok()
        })
    })
}

/// [`check_closed`] by sorting the directed edges, with the first faulty edge's
/// message when the mesh is not closed.
fn closed_by_sorting(mesh: &Mesh) -> std::result::Result<(), String> {
    // Directed edges as sorted keys: a count is the length of a key's run.
    let key = |a: u32, b: u32| (u64::from(a) << 32) | u64::from(b);
    let mut edges: Vec<u64> = mesh
        .triangles
        .iter()
        .flat_map(|t| (0..3).map(move |k| key(t[k], t[(k + 1) % 3])))
        .collect();
    edges.sort_unstable();
    // A closed mesh in two sorts: no edge twice, and the reversed edges, sorted, are
    // the same list. Only a mesh that fails is searched edge by edge for its message.
    if edges.windows(2).all(|w| w[0] != w[1]) {
        let mut reversed: Vec<u64> = edges.iter().map(|e| e.rotate_left(32)).collect();
        reversed.sort_unstable();
        if reversed == edges {
            return Ok(());
        }
    }
    let count = |e: u64| edges.partition_point(|&x| x <= e) - edges.partition_point(|&x| x < e);
    // Walk the triangles (not the keys) so the first fault reported is deterministic.
    for t in &mesh.triangles {
        for k in 0..3 {
            let (a, b) = (t[k], t[(k + 1) % 3]);
            let used = count(key(a, b));
            let reverse = count(key(b, a));
            if used != 1 || reverse != 1 {
                return Err(format!(
                    "the plate mesh is not closed at edge {a}-{b} (used {used} time(s), reverse {reverse} time(s))"
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
    // Each triangle's 50 bytes written in place (no growth check per number).
    out.resize(84 + 50 * mesh.triangles.len(), 0);
    for (t, record) in mesh.triangles.iter().zip(out[84..].chunks_exact_mut(50)) {
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
        let numbers = nrm.iter().chain(&a).chain(&b).chain(&c);
        for (x, slot) in numbers.zip(record.chunks_exact_mut(4)) {
            slot.copy_from_slice(&(*x as f32).to_le_bytes());
        }
        // The last two bytes (attribute count) stay 0.
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plate::{Cutout, HoleKind, PlateHole};
    use pogo_geom::{Side, rect_ring};

    /// The Delaunay path (not the ear-clipping fallback) triangulates a plate with
    /// holes: every ring point used, the triangles cover exactly the area.
    #[test]
    fn delaunay_triangulates_a_plate_with_holes() {
        let outer = rect_ring(0.0, 0.0, 50.0, 30.0);
        let mut rings = vec![outer];
        for i in 0..4 {
            let mut hole = circle_ring(8.0 + 11.0 * i as f64, 15.0, 2.0, 24);
            if signed_area(&hole) > 0.0 {
                hole.reverse();
            }
            rings.push(hole);
        }
        let flat: Vec<f64> = rings.iter().flatten().flat_map(|p| [p.x, p.y]).collect();
        let tri = constrained_delaunay(&rings, &flat).expect("no touching rings");
        let n = flat.len() / 2;
        let used: std::collections::BTreeSet<usize> = tri.iter().copied().collect();
        assert_eq!(used.len(), n);
        let area: f64 = tri
            .chunks_exact(3)
            .map(|t| {
                let p = |i: usize| (flat[2 * i], flat[2 * i + 1]);
                let (a, b, c) = (p(t[0]), p(t[1]), p(t[2]));
                ((b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)) / 2.0
            })
            .sum();
        let expected: f64 = rings.iter().map(|r| signed_area(r)).sum();
        assert!(
            (area.abs() - expected).abs() < 1e-9 * expected,
            "{area} vs {expected}"
        );
        assert!(expected < 1500.0 - 4.0 * 12.0);
    }

    /// Axis-aligned cut-outs in rows and columns, with holes on the same lines: ear
    /// clipping's hole bridges run along edges and through vertices here.
    #[test]
    fn aligned_cut_outs_give_a_closed_mesh() {
        let mut cutouts = Vec::new();
        let mut holes = Vec::new();
        for i in 0..6 {
            for j in 0..4 {
                let (x, y) = (10.0 + 15.0 * i as f64, 10.0 + 15.0 * j as f64);
                cutouts.push(Cutout {
                    ring: rect_ring(x, y, x + 5.0, y + 5.0),
                    reason: "c".into(),
                });
                holes.push(PlateHole {
                    x: x + 10.0,
                    y: y + 2.5,
                    diameter_mm: 1.0,
                    kind: HoleKind::Tooling,
                    label: format!("T{i}{j}"),
                });
            }
        }
        let plate = Plate {
            side: Side::Bottom,
            thickness_mm: 5.0,
            outline: rect_ring(0.0, 0.0, 110.0, 80.0),
            bbox: [0.0, 0.0, 110.0, 80.0],
            cutouts,
            pockets: vec![],
            holes,
            mirror_x: 55.0,
            notes: vec![],
        };
        let m = mesh(&plate, &OutputOptions::default()).expect("closed mesh");
        let expected = (110.0 * 80.0 - 24.0 * 25.0) * 5.0;
        let holes_area: f64 = 24.0 * std::f64::consts::PI * 0.25 * 5.0;
        assert!((m.volume_mm3() - (expected - holes_area)).abs() < 0.01 * expected);
    }

    /// The linear check and the sorting one agree on closed meshes and on each way a
    /// mesh can be open: a missing, doubled or flipped triangle, an index past the
    /// vertices.
    #[test]
    fn closed_by_buckets_agrees_with_sorting() {
        let plate = Plate {
            side: Side::Bottom,
            thickness_mm: 5.0,
            outline: rect_ring(0.0, 0.0, 40.0, 30.0),
            bbox: [0.0, 0.0, 40.0, 30.0],
            cutouts: vec![],
            pockets: vec![],
            holes: (0..5)
                .map(|i| PlateHole {
                    x: 5.0 + 7.0 * i as f64,
                    y: 15.0,
                    diameter_mm: 2.0,
                    kind: HoleKind::Tooling,
                    label: format!("H{i}"),
                })
                .collect(),
            mirror_x: 20.0,
            notes: vec![],
        };
        let closed = mesh(&plate, &OutputOptions::default()).expect("closed mesh");
        let mut meshes = vec![closed.clone()];
        let mut missing = closed.clone();
        missing.triangles.remove(7);
        meshes.push(missing);
        let mut doubled = closed.clone();
        doubled.triangles.push(closed.triangles[3]);
        meshes.push(doubled);
        let mut flipped = closed.clone();
        flipped.triangles[5].swap(1, 2);
        meshes.push(flipped);
        let mut past = closed.clone();
        past.triangles[0][0] = closed.vertices.len() as u32 + 3;
        meshes.push(past);
        meshes.push(Mesh {
            vertices: vec![],
            triangles: vec![],
        });
        for (i, m) in meshes.iter().enumerate() {
            let sorted = closed_by_sorting(m);
            assert_eq!(closed_by_buckets(m), sorted.is_ok(), "mesh {i}: {sorted:?}");
            assert_eq!(check_closed(m), sorted, "mesh {i}");
        }
        assert!(closed_by_buckets(&meshes[0]));
    }

    /// The STL records: header, count, then per triangle the unit normal and the three
    /// corners as little-endian f32 and two zero bytes.
    #[test]
    fn binary_stl_records() {
        let m = Mesh {
            vertices: vec![
                [0.0, 0.0, 0.0],
                [2.0, 0.0, 0.0],
                [0.0, 3.0, 0.0],
                [0.0, 0.0, 1.0],
            ],
            triangles: vec![[0, 1, 2], [0, 3, 1]],
        };
        let bytes = to_binary_stl(&m, "solid test");
        assert_eq!(bytes.len(), 84 + 2 * 50);
        assert_eq!(&bytes[..6], b" test ");
        assert_eq!(u32::from_le_bytes(bytes[80..84].try_into().unwrap()), 2);
        let f = |at: usize| f32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let first: Vec<f32> = (0..12).map(|k| f(84 + 4 * k)).collect();
        assert_eq!(
            first,
            [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 3.0, 0.0]
        );
        let second: Vec<f32> = (0..12).map(|k| f(134 + 4 * k)).collect();
        assert_eq!(
            second,
            [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0]
        );
        assert_eq!(&bytes[132..134], &[0, 0]);
        assert_eq!(&bytes[182..184], &[0, 0]);
    }
}
