//! Plane geometry shared by every pogo crate: rings (closed polygons, the closing point
//! not repeated), polygons with holes, distances and arc flattening. Millimetres, any
//! frame (the helpers never assume y up or y down unless a doc says so).
//!
//! One implementation of each helper, written once with a fixed floating-point
//! operation order: callers (probe placement, tolerance integration, plate writers)
//! get the same bits whichever crate asks. The helpers are generic over
//! [`PlanePoint`], so a crate with its own point type (the tolerance model's) uses
//! them without converting.
//!
//! ```
//! use pogo_board::PointMm;
//! use pogo_board::geometry::{point_in_ring, rect_ring, ring_distance, signed_area};
//! let square: Vec<PointMm> = rect_ring(0.0, 0.0, 10.0, 10.0);
//! assert_eq!(signed_area(&square), 100.0);
//! let p = PointMm::new(2.0, 5.0);
//! assert!(point_in_ring(p, &square));
//! assert_eq!(ring_distance(p, &square), 2.0);
//! ```

use crate::model::{PointMm, PolygonMm};

/// A 2-D point the helpers can read and make.
pub trait PlanePoint: Copy {
    /// The coordinates (x, y).
    fn xy(self) -> (f64, f64);
    /// The point at (x, y).
    fn from_xy(x: f64, y: f64) -> Self;
}

impl PlanePoint for PointMm {
    #[inline]
    fn xy(self) -> (f64, f64) {
        (self.x, self.y)
    }
    #[inline]
    fn from_xy(x: f64, y: f64) -> Self {
        PointMm::new(x, y)
    }
}

/// Signed area of a ring (shoelace), mm². Positive when the ring runs
/// counter-clockwise in a y-up frame (clockwise as drawn on the page, y down);
/// 0 for fewer than three points.
#[inline]
pub fn signed_area<P: PlanePoint>(ring: &[P]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let mut twice = 0.0;
    for i in 0..n {
        let (ax, ay) = ring[i].xy();
        let (bx, by) = ring[(i + 1) % n].xy();
        twice += ax * by - bx * ay;
    }
    twice / 2.0
}

/// Even-odd point-in-ring test (a point on an edge may fall either way).
#[inline]
pub fn point_in_ring<P: PlanePoint>(p: P, ring: &[P]) -> bool {
    let (px, py) = p.xy();
    let n = ring.len();
    let mut inside = false;
    let mut j = n.wrapping_sub(1);
    for i in 0..n {
        let (ax, ay) = ring[i].xy();
        let (bx, by) = ring[j].xy();
        if (ay > py) != (by > py) && px < (bx - ax) * (py - ay) / (by - ay) + ax {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Distance from `p` to the segment `a`-`b` (to `a` when the segment is a point).
#[inline]
pub fn segment_distance<P: PlanePoint>(p: P, a: P, b: P) -> f64 {
    let (px, py) = p.xy();
    let (ax, ay) = a.xy();
    let (bx, by) = b.xy();
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (px - (ax + dx * t)).hypot(py - (ay + dy * t))
}

/// Smallest distance from `p` to the edges of a ring (infinite for an empty ring).
#[inline]
pub fn ring_distance<P: PlanePoint>(p: P, ring: &[P]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| segment_distance(p, ring[i], ring[(i + 1) % n]))
        .fold(f64::INFINITY, f64::min)
}

/// Whether `p` lies in the polygon: inside its outer ring and outside its holes
/// (even-odd, see [`point_in_ring`]).
pub fn polygon_contains(poly: &PolygonMm, p: PointMm) -> bool {
    point_in_ring(p, &poly.outer) && !poly.holes.iter().any(|h| point_in_ring(p, h))
}

/// Distance from `p` to the polygon's boundary: its outer ring and its holes.
pub fn polygon_edge_distance(poly: &PolygonMm, p: PointMm) -> f64 {
    poly.holes
        .iter()
        .map(|h| ring_distance(p, h))
        .fold(ring_distance(p, &poly.outer), f64::min)
}

/// Bounding box `[min x, min y, max x, max y]` of points; inverted (min infinite)
/// when there are none.
#[inline]
pub fn bbox_of<P: PlanePoint>(points: impl IntoIterator<Item = P>) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in points {
        let (x, y) = p.xy();
        b[0] = b[0].min(x);
        b[1] = b[1].min(y);
        b[2] = b[2].max(x);
        b[3] = b[3].max(y);
    }
    b
}

/// The axis-aligned rectangle as a ring: (left, top), (right, top), (right, bottom),
/// (left, bottom).
pub fn rect_ring<P: PlanePoint>(left: f64, top: f64, right: f64, bottom: f64) -> Vec<P> {
    vec![
        P::from_xy(left, top),
        P::from_xy(right, top),
        P::from_xy(right, bottom),
        P::from_xy(left, bottom),
    ]
}

/// Number of chords for an arc of `radius` sweeping `sweep_rad` (either sign) so that
/// no chord lies farther than `tolerance` from the arc: at least 2, at most
/// `max_chords`. A radius below the tolerance counts as the tolerance.
pub fn arc_chords(radius: f64, sweep_rad: f64, tolerance: f64, max_chords: usize) -> usize {
    // A chord spanning angle `step` strays r (1 - cos(step / 2)) from the arc.
    let step = 2.0
        * (1.0 - tolerance / radius.max(tolerance))
            .clamp(-1.0, 1.0)
            .acos();
    ((sweep_rad.abs() / step.max(1e-3)).ceil() as usize).clamp(2, max_chords)
}

/// The arc around `centre` of `radius` from angle `start_rad` through `sweep_rad`
/// (math angles in the points' own frame), cut into `chords` equal chords: `chords + 1`
/// points, both ends included.
pub fn arc_points<P: PlanePoint>(
    centre: P,
    radius: f64,
    start_rad: f64,
    sweep_rad: f64,
    chords: usize,
) -> impl Iterator<Item = P> {
    let (cx, cy) = centre.xy();
    (0..=chords).map(move |i| {
        let a = start_rad + sweep_rad * i as f64 / chords as f64;
        P::from_xy(cx + radius * a.cos(), cy + radius * a.sin())
    })
}

/// A circle as a ring of `segments` points, starting at angle 0 and running
/// counter-clockwise in a y-up frame.
pub fn circle_ring<P: PlanePoint>(centre: P, radius: f64, segments: usize) -> Vec<P> {
    arc_points(centre, radius, 0.0, std::f64::consts::TAU, segments)
        .take(segments)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{FRAC_PI_2, PI, TAU};

    fn p(x: f64, y: f64) -> PointMm {
        PointMm::new(x, y)
    }

    /// An L: the 10 x 10 square without its 5 x 5 corner at (5..10, 5..10).
    fn l_shape() -> Vec<PointMm> {
        vec![
            p(0.0, 0.0),
            p(10.0, 0.0),
            p(10.0, 5.0),
            p(5.0, 5.0),
            p(5.0, 10.0),
            p(0.0, 10.0),
        ]
    }

    #[test]
    fn signed_area_follows_orientation() {
        let mut l = l_shape();
        assert_eq!(signed_area(&l), 75.0);
        l.reverse();
        assert_eq!(signed_area(&l), -75.0);
        assert_eq!(signed_area(&l[..2]), 0.0);
        assert_eq!(signed_area::<PointMm>(&[]), 0.0);
    }

    #[test]
    fn point_in_ring_sees_the_notch() {
        let l = l_shape();
        assert!(point_in_ring(p(2.0, 2.0), &l));
        assert!(point_in_ring(p(7.0, 2.0), &l));
        assert!(!point_in_ring(p(7.0, 7.0), &l), "inside the cut corner");
        assert!(!point_in_ring(p(-1.0, 2.0), &l));
        assert!(!point_in_ring(p(2.0, 11.0), &l));
        assert!(!point_in_ring(p(1.0, 1.0), &[]));
        // Orientation does not matter.
        let mut r = l.clone();
        r.reverse();
        assert!(point_in_ring(p(7.0, 2.0), &r) && !point_in_ring(p(7.0, 7.0), &r));
    }

    #[test]
    fn segment_distance_projects_and_clamps() {
        let (a, b) = (p(0.0, 0.0), p(4.0, 0.0));
        assert_eq!(segment_distance(p(1.0, 3.0), a, b), 3.0);
        assert_eq!(segment_distance(p(7.0, 4.0), a, b), 5.0, "past the end");
        assert_eq!(
            segment_distance(p(-3.0, -4.0), a, b),
            5.0,
            "before the start"
        );
        assert_eq!(segment_distance(p(3.0, 4.0), a, a), 5.0, "a point segment");
        // A slanted segment: distance from the origin to the line x + y = 2.
        let d = segment_distance(p(0.0, 0.0), p(2.0, 0.0), p(0.0, 2.0));
        assert!((d - 2f64.sqrt()).abs() < 1e-15, "{d}");
    }

    #[test]
    fn ring_and_polygon_distances() {
        let l = l_shape();
        assert_eq!(ring_distance(p(2.0, 3.0), &l), 2.0);
        // In the notch, the nearer of its two edges; beside the corner (10, 5), the corner.
        assert_eq!(ring_distance(p(6.0, 8.0), &l), 1.0);
        assert!((ring_distance(p(11.0, 6.0), &l) - 2f64.sqrt()).abs() < 1e-15);
        assert_eq!(ring_distance::<PointMm>(p(0.0, 0.0), &[]), f64::INFINITY);

        let board = PolygonMm {
            outer: rect_ring(0.0, 0.0, 50.0, 50.0),
            holes: vec![rect_ring(20.0, 20.0, 30.0, 30.0)],
        };
        assert!(polygon_contains(&board, p(10.0, 10.0)));
        assert!(!polygon_contains(&board, p(25.0, 25.0)), "in the cut-out");
        assert!(!polygon_contains(&board, p(60.0, 25.0)));
        assert_eq!(
            polygon_edge_distance(&board, p(25.0, 31.5)),
            1.5,
            "hole edge"
        );
        assert_eq!(
            polygon_edge_distance(&board, p(10.0, 3.0)),
            3.0,
            "outer edge"
        );
        assert_eq!(polygon_edge_distance(&board, p(25.0, 25.0)), 5.0);
    }

    #[test]
    fn bbox_and_rect() {
        assert_eq!(bbox_of(l_shape()), [0.0, 0.0, 10.0, 10.0]);
        assert_eq!(
            bbox_of([p(3.0, -1.0), p(-2.0, 4.0)].iter().copied()),
            [-2.0, -1.0, 3.0, 4.0]
        );
        let empty = bbox_of(Vec::<PointMm>::new());
        assert!(empty[0] > empty[2] && empty[1] > empty[3]);
        let r: Vec<PointMm> = rect_ring(1.0, 2.0, 4.0, 6.0);
        assert_eq!(r, vec![p(1.0, 2.0), p(4.0, 2.0), p(4.0, 6.0), p(1.0, 6.0)]);
        assert_eq!(signed_area(&r), 12.0);
    }

    #[test]
    fn arc_chords_meet_the_tolerance() {
        for (r, sweep, tol) in [
            (0.3, FRAC_PI_2, 0.002),
            (5.0, TAU, 0.002),
            (1.5, -PI, 0.001),
            (0.25, FRAC_PI_2, 1e-6),
        ] {
            let n = arc_chords(r, sweep, tol, 100_000);
            let sagitta = r * (1.0 - (sweep.abs() / n as f64 / 2.0).cos());
            assert!(
                sagitta <= tol * (1.0 + 1e-9),
                "r {r}: {n} chords, {sagitta}"
            );
            // One chord fewer would not do (the count is the smallest).
            let coarser = r * (1.0 - (sweep.abs() / (n - 1) as f64 / 2.0).cos());
            assert!(n == 2 || coarser > tol, "r {r}: {n} chords not the fewest");
        }
        assert_eq!(arc_chords(0.001, FRAC_PI_2, 0.002, 128), 2, "at least two");
        assert_eq!(arc_chords(100.0, TAU, 1e-9, 128), 128, "at most the cap");
    }

    #[test]
    fn arc_points_and_circles_lie_on_the_circle() {
        let c = p(3.0, -2.0);
        let pts: Vec<PointMm> = arc_points(c, 2.0, FRAC_PI_2, -PI, 8).collect();
        assert_eq!(pts.len(), 9);
        assert!(pts.iter().all(|q| (q.distance_mm(c) - 2.0).abs() < 1e-12));
        assert!(pts[0].distance_mm(p(3.0, 0.0)) < 1e-12, "{:?}", pts[0]);
        assert!(pts[8].distance_mm(p(3.0, -4.0)) < 1e-12, "{:?}", pts[8]);
        assert!(
            pts[4].distance_mm(p(5.0, -2.0)) < 1e-12,
            "clockwise through 0"
        );

        let ring: Vec<PointMm> = circle_ring(c, 2.0, 24);
        assert_eq!(ring.len(), 24);
        assert_eq!(ring[0], p(5.0, -2.0));
        // A regular 24-gon: area n/2 r^2 sin(2 pi / n), counter-clockwise (y up).
        let expected = 12.0 * 4.0 * (TAU / 24.0).sin();
        assert!((signed_area(&ring) - expected).abs() < 1e-12);
    }
}
