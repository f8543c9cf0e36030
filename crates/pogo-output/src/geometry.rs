//! Plane-geometry helpers of the writers (page frame, mm): ring offsetting, circles
//! and rounded rectangles as the plates draw them, ring contact. The general helpers
//! (area, point in ring, distances, ring cleaning, the shapes) are [`pogo_geom`]'s.

pub use pogo_geom::signed_area;
use pogo_geom::{PointMm, arc_chords, bbox_of, clean_ring, rounded_rect_ring, segment_distance};
use std::f64::consts::TAU;

/// Number of polygon sides for a circle of `radius` so that no chord is farther than
/// `tolerance` from the arc (at least 16, a multiple of 4).
pub fn circle_segments(radius: f64, tolerance: f64) -> usize {
    if radius <= tolerance || tolerance <= 0.0 {
        return 16;
    }
    arc_chords(radius, TAU, tolerance, 720).max(16).div_ceil(4) * 4
}

/// A circle as a ring of `segments` points on the circle, counter-clockwise in a y-up
/// frame, starting at angle 0.
pub fn circle_ring(cx: f64, cy: f64, radius: f64, segments: usize) -> Vec<PointMm> {
    pogo_geom::circle_ring(PointMm::new(cx, cy), radius, segments)
}

/// Axis-aligned rectangle with rounded corners as a ring (counter-clockwise, y up),
/// [`pogo_geom::rounded_rect_ring`] started at (left, top + radius): the plate
/// outlines have always started there. Each corner arc has `per_corner` chords;
/// `radius` 0 gives the plain rectangle from (left, top).
pub fn rounded_rect(
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    radius: f64,
    per_corner: usize,
) -> Vec<PointMm> {
    let mut ring = rounded_rect_ring(left, top, right, bottom, radius, per_corner);
    if ring.len() > 4 {
        // Rounded: the third corner, (min x, min y) from 180 degrees, starts half way
        // round. (A sharp rectangle already starts at (left, top).)
        let half = ring.len() / 2;
        ring.rotate_left(half);
    }
    ring
}

/// Whether two rings' edges cross or touch (closer than `gap`), by brute force over
/// edge pairs that pass a bounding-box test.
pub fn rings_touch(a: &[PointMm], b: &[PointMm], gap: f64) -> bool {
    let (ba, bb_) = (bbox_of(a.iter().copied()), bbox_of(b.iter().copied()));
    if ba[0] > bb_[2] + gap || bb_[0] > ba[2] + gap || ba[1] > bb_[3] + gap || bb_[1] > ba[3] + gap
    {
        return false;
    }
    let (na, nb) = (a.len(), b.len());
    for i in 0..na {
        let (p, q) = (a[i], a[(i + 1) % na]);
        for j in 0..nb {
            let (r, s) = (b[j], b[(j + 1) % nb]);
            if segments_cross(p, q, r, s)
                || segment_distance(p, r, s) < gap
                || segment_distance(r, p, q) < gap
            {
                return true;
            }
        }
    }
    false
}

fn segments_cross(p: PointMm, q: PointMm, r: PointMm, s: PointMm) -> bool {
    let d1 = orient(r, s, p);
    let d2 = orient(r, s, q);
    let d3 = orient(p, q, r);
    let d4 = orient(p, q, s);
    (d1 > 0.0) != (d2 > 0.0)
        && (d3 > 0.0) != (d4 > 0.0)
        && d1 != 0.0
        && d2 != 0.0
        && d3 != 0.0
        && d4 != 0.0
}

fn orient(a: PointMm, b: PointMm, c: PointMm) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// Offsets a closed ring by `distance` (positive: outward, away from the enclosed
/// area; negative: inward) with mitred corners, the miter limited to 4x the distance
/// (sharper corners are bevelled). `None` when the result collapses or turns over
/// (the ring is too small for the offset).
pub fn offset_ring(ring: &[PointMm], distance: f64) -> Option<Vec<PointMm>> {
    let ring = clean_ring(ring);
    let n = ring.len();
    if n < 3 {
        return None;
    }
    if distance == 0.0 {
        return Some(ring);
    }
    let area = signed_area(&ring);
    // Outward normal of edge (a -> b): for a counter-clockwise (y-up) ring, (dy, -dx).
    let orientation = if area > 0.0 { 1.0 } else { -1.0 };
    let normal = |a: PointMm, b: PointMm| {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt();
        (orientation * dy / len, -orientation * dx / len)
    };
    let mut out = Vec::with_capacity(n + 8);
    // First and last output point of each input vertex (bevels give two).
    let mut spans = Vec::with_capacity(n);
    for i in 0..n {
        let first = out.len();
        let prev = ring[(i + n - 1) % n];
        let p = ring[i];
        let next = ring[(i + 1) % n];
        let n1 = normal(prev, p);
        let n2 = normal(p, next);
        let (mx, my) = (n1.0 + n2.0, n1.1 + n2.1);
        let cos_half_sq = (mx * mx + my * my) / 4.0; // cos²(θ/2) of the turn between normals
        // Whether this corner turns away from the offset (the offset side is convex there).
        let turn = n1.0 * n2.1 - n1.1 * n2.0;
        let convex_for_offset = turn * orientation * distance.signum() > 0.0;
        if cos_half_sq < 1.0 / 16.0 && convex_for_offset {
            // Bevel: two points, each on one edge's offset line.
            out.push(PointMm::new(p.x + n1.0 * distance, p.y + n1.1 * distance));
            out.push(PointMm::new(p.x + n2.0 * distance, p.y + n2.1 * distance));
        } else {
            let scale = distance / (2.0 * cos_half_sq.max(1e-12));
            out.push(PointMm::new(p.x + mx * scale, p.y + my * scale));
        }
        spans.push((first, out.len() - 1));
    }
    // Every edge must keep its direction (a ring offset past its size turns over).
    for i in 0..n {
        let j = (i + 1) % n;
        let (a, b) = (out[spans[i].1], out[spans[j].0]);
        let (p, q) = (ring[i], ring[j]);
        if (b.x - a.x) * (q.x - p.x) + (b.y - a.y) * (q.y - p.y) <= 0.0 {
            return None;
        }
    }
    let new_area = signed_area(&out);
    let expected_sign = area.signum();
    if new_area.signum() != expected_sign || new_area.abs() < 1e-9 {
        return None;
    }
    // Growing must grow and shrinking must shrink.
    if (distance > 0.0) != (new_area.abs() > area.abs()) {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(s: f64) -> Vec<PointMm> {
        pogo_geom::rect_ring(0.0, 0.0, s, s)
    }

    #[test]
    fn offset_square_grows_and_shrinks() {
        let grown = offset_ring(&square(10.0), 0.5).unwrap();
        assert!((signed_area(&grown) - 121.0).abs() < 1e-9);
        let shrunk = offset_ring(&square(10.0), -0.5).unwrap();
        assert!((signed_area(&shrunk) - 81.0).abs() < 1e-9);
        // The same with the ring reversed.
        let mut rev = square(10.0);
        rev.reverse();
        assert!((signed_area(&offset_ring(&rev, 0.5).unwrap()).abs() - 121.0).abs() < 1e-9);
        assert!(offset_ring(&square(1.0), -0.6).is_none());
    }

    #[test]
    fn offset_l_shape_keeps_concave_corner() {
        // L shape: 10x10 square minus 5x5 corner; area 75. Offset +0.5 mitred:
        // perimeter 40 * 0.5 + 4 convex corners(+0.25 each) + ... exact by construction.
        let l = pogo_geom::l_ring(10.0, 5.0);
        let grown = offset_ring(&l, 0.5).unwrap();
        // Outer box 11x11 minus notch 5x5 (the notch corner moves by (-0.5,-0.5)... )
        // = 121 - 5*5 = 96.
        assert!(
            (signed_area(&grown) - 96.0).abs() < 1e-9,
            "{}",
            signed_area(&grown)
        );
    }

    #[test]
    fn rounded_rect_starts_at_the_left_of_the_top_left_corner() {
        let at = |p: PointMm, x: f64, y: f64| {
            assert!(
                p.distance_mm(PointMm::new(x, y)) < 1e-12,
                "{p:?} is not ({x}, {y})"
            );
        };
        let r = rounded_rect(0.0, 0.0, 20.0, 10.0, 2.0, 4);
        assert_eq!(r.len(), 20);
        at(r[0], 0.0, 2.0);
        at(r[4], 2.0, 0.0);
        at(r[5], 18.0, 0.0);
        // Counter-clockwise in a y-up frame.
        assert!(signed_area(&r) > 0.0);
        assert_eq!(
            rounded_rect(0.0, 0.0, 20.0, 10.0, 0.0, 4),
            pogo_geom::rect_ring(0.0, 0.0, 20.0, 10.0)
        );
        // An oval (ends of radius 5) still starts at (left, top + r).
        let oval = rounded_rect(0.0, 0.0, 20.0, 10.0, 5.0, 4);
        assert_eq!(oval.len(), 18);
        at(oval[0], 0.0, 5.0);
    }

    #[test]
    fn circle_segments_meet_tolerance() {
        for r in [0.3, 0.8, 1.5, 5.0] {
            let n = circle_segments(r, 0.002);
            let sagitta = r * (1.0 - (std::f64::consts::PI / n as f64).cos());
            assert!(
                sagitta <= 0.002 + 1e-12,
                "r {r}: {n} segments, sagitta {sagitta}"
            );
            assert_eq!(n % 4, 0);
        }
    }
}
