//! Rings and polygons: area, membership, distances, bounding boxes and cleaning.

use crate::point::{PlanePoint, PointMm, PolygonMm};

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
    let (ex, ey) = segment_offset(p, a, b);
    ex.hypot(ey)
}

/// The offset from the point of segment `a`-`b` nearest to `p` to `p`: its length is
/// [`segment_distance`].
#[inline]
fn segment_offset<P: PlanePoint>(p: P, a: P, b: P) -> (f64, f64) {
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
    (px - (ax + dx * t), py - (ay + dy * t))
}

/// Relative band round the least squared distance within which [`ring_distance`]
/// measures edges by `hypot`: far wider than the rounding of a sum of two squares
/// (a few units in the last place, ~1e-16), so every edge outside it is longer than
/// the nearest by more than `hypot`'s own rounding.
const SQUARED_BAND: f64 = 1e-9;
/// Absolute slack of that band, mm²: squares of distances below ~1e-150 mm lose
/// their relative precision (subnormal numbers) and are all taken.
const SQUARED_SLACK_MM2: f64 = 1e-300;

/// Smallest distance from `p` to the edges of a ring (infinite for an empty ring).
///
/// The same value, to the last bit, as the least [`segment_distance`] of the edges,
/// with few roots: edges are compared by their squared distances, an edge nearer than
/// the nearest so far by more than the band replaces it, one within the band of it is
/// measured by `hypot` too, and only the nearest is measured at the end. Every edge
/// left out is longer than the nearest by far more than `hypot` rounds.
#[inline]
pub fn ring_distance<P: PlanePoint>(p: P, ring: &[P]) -> f64 {
    let n = ring.len();
    let mut least2 = f64::INFINITY;
    // The nearest edge's offset, and the least distance of those within its band.
    let mut nearest: Option<(f64, f64)> = None;
    let mut in_band = f64::INFINITY;
    for i in 0..n {
        let (ex, ey) = segment_offset(p, ring[i], ring[(i + 1) % n]);
        let d2 = ex * ex + ey * ey;
        if !d2.is_finite() {
            // Overflow or not a number: `hypot` decides, as it would have.
            in_band = in_band.min(ex.hypot(ey));
        } else if d2 * (1.0 + SQUARED_BAND) + SQUARED_SLACK_MM2 < least2 {
            // Nearer by more than the band: every edge before is out of its band.
            least2 = d2;
            nearest = Some((ex, ey));
            in_band = f64::INFINITY;
        } else if d2 <= least2 * (1.0 + SQUARED_BAND) + SQUARED_SLACK_MM2 {
            in_band = in_band.min(ex.hypot(ey));
            least2 = least2.min(d2);
        }
    }
    nearest.map_or(in_band, |(ex, ey)| in_band.min(ex.hypot(ey)))
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

/// The convex hull of points (Andrew's monotone chain): indices into `points`, from
/// the point of least x (then least y), counter-clockwise with y up. Points on a hull
/// edge are left out; repeated points are not merged (a caller that may have them
/// removes them first).
pub fn convex_hull<P: PlanePoint>(points: &[P]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (points[a].xy(), points[b].xy());
        a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
    let mut hull = half_hull(points, order.iter().copied());
    hull.extend(half_hull(points, order.iter().rev().copied()));
    hull
}

/// One half of [`convex_hull`]: the points taken in `order`, each dropping the points
/// before it that would make a right turn (or none), less its last point (the other
/// half's first).
fn half_hull<P: PlanePoint>(points: &[P], order: impl Iterator<Item = usize>) -> Vec<usize> {
    // Twice the signed area of the triangle o, a, b: positive for a left turn.
    let turn = |o: usize, a: usize, b: usize| {
        let (o, a, b) = (points[o].xy(), points[a].xy(), points[b].xy());
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut half: Vec<usize> = Vec::new();
    for i in order {
        while half.len() >= 2 && turn(half[half.len() - 2], half[half.len() - 1], i) <= 0.0 {
            half.pop();
        }
        half.push(i);
    }
    half.pop();
    half
}

/// Points closer than this to the point before them repeat it, mm (a millionth of
/// KiCad's 1 nm resolution: only floating-point noise or a true repeat).
const REPEAT_MM: f64 = 1e-9;
/// A point nearer than this to the line through its neighbours lies on it, mm.
const STRAIGHT_MM: f64 = 1e-9;

/// The ring without its repeated points (within 1e-9 mm of the point before them:
/// the first is kept; the closing point too) and without the points on the straight
/// line through their neighbours (nearer than 1e-9 mm to it: points where the ring
/// goes straight on, and spikes where it turns back on itself, which bound no area),
/// removed until none is left. Fewer than three points come back as they are.
///
/// The test is a distance, so fine arcs (chords of a micrometre or less) keep all
/// their points.
pub fn clean_ring<P: PlanePoint>(ring: &[P]) -> Vec<P> {
    clean_ring_by(ring, repeats, straight)
}

/// [`clean_ring`] with its two tests given: whether a point repeats the one before it,
/// and whether a point lies on the straight line through its neighbours.
#[inline]
fn clean_ring_by<P: PlanePoint>(
    ring: &[P],
    repeats: impl Fn(P, P) -> bool,
    straight: impl Fn(P, P, P) -> bool,
) -> Vec<P> {
    let mut pts: Vec<P> = Vec::with_capacity(ring.len());
    for &p in ring {
        if pts.last().is_none_or(|&q| !repeats(q, p)) {
            pts.push(p);
        }
    }
    while pts.len() > 1 && repeats(pts[0], pts[pts.len() - 1]) {
        pts.pop();
    }
    loop {
        let n = pts.len();
        if n < 3 {
            return pts;
        }
        let mut keep: Vec<P> = Vec::with_capacity(n);
        for i in 0..n {
            let prev = keep.last().copied().unwrap_or(pts[n - 1]);
            let next = match pts.get(i + 1) {
                Some(&q) => q,
                None => keep.first().copied().unwrap_or(pts[0]),
            };
            if !straight(prev, pts[i], next) {
                keep.push(pts[i]);
            }
        }
        if keep.len() == n {
            return keep;
        }
        pts = keep;
    }
}

/// Relative band round a squared threshold within which [`repeats`] and [`straight`]
/// decide by `hypot` itself: outside it the squares (a few units in the last place
/// off) give the same answer.
const DECIDE_BAND: f64 = 1e-6;

/// Whether `b` repeats `a` (see [`clean_ring`]): `hypot(b - a) <= REPEAT_MM`, decided
/// by the squared distance where that is clear by far.
#[inline]
fn repeats<P: PlanePoint>(a: P, b: P) -> bool {
    let ((ax, ay), (bx, by)) = (a.xy(), b.xy());
    let (dx, dy) = (bx - ax, by - ay);
    let d2 = dx * dx + dy * dy;
    let limit2 = REPEAT_MM * REPEAT_MM;
    if d2 < limit2 * (1.0 - DECIDE_BAND) {
        true
    } else if d2 > limit2 * (1.0 + DECIDE_BAND) {
        false
    } else {
        dx.hypot(dy) <= REPEAT_MM
    }
}

/// Whether `p` lies on the straight line through `prev` and `next` (see
/// [`clean_ring`]): `|cross| <= STRAIGHT_MM * hypot(next - prev)`, decided by the
/// squares where both are normal numbers and the answer is clear by far.
#[inline]
fn straight<P: PlanePoint>(prev: P, p: P, next: P) -> bool {
    let ((ax, ay), (bx, by), (cx, cy)) = (prev.xy(), p.xy(), next.xy());
    let cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    let (ex, ey) = (cx - ax, cy - ay);
    if cross == 0.0 && (ex * ex + ey * ey).is_finite() {
        return true;
    }
    let cross2 = cross * cross;
    let limit2 = STRAIGHT_MM * STRAIGHT_MM * (ex * ex + ey * ey);
    if cross2.is_normal() && limit2.is_normal() {
        if cross2 < limit2 * (1.0 - DECIDE_BAND) {
            return true;
        }
        if cross2 > limit2 * (1.0 + DECIDE_BAND) {
            return false;
        }
    }
    cross.abs() <= STRAIGHT_MM * ex.hypot(ey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{l_ring, rect_ring};
    use pogo_testdata::Xorshift;

    fn p(x: f64, y: f64) -> PointMm {
        PointMm::new(x, y)
    }

    /// An L: the 10 x 10 square without its 5 x 5 corner at (5..10, 5..10).
    fn l_shape() -> Vec<PointMm> {
        l_ring(10.0, 5.0)
    }

    #[test]
    fn convex_hull_leaves_out_the_notch_and_edge_points() {
        let mut pts = l_shape();
        pts.push(p(0.0, 5.0)); // on the left edge
        pts.push(p(2.0, 3.0)); // inside
        let hull = convex_hull(&pts);
        let corners: Vec<PointMm> = hull.iter().map(|&i| pts[i]).collect();
        // Counter-clockwise with y up, from the least x (then least y).
        assert_eq!(
            corners,
            [
                p(0.0, 0.0),
                p(10.0, 0.0),
                p(10.0, 5.0),
                p(5.0, 10.0),
                p(0.0, 10.0)
            ]
        );
        let pairs: Vec<(f64, f64)> = pts.iter().map(|q| (q.x, q.y)).collect();
        assert_eq!(convex_hull(&pairs), hull, "the same for (x, y) pairs");
        assert_eq!(convex_hull(&[p(1.0, 1.0)]), Vec::<usize>::new());
        assert_eq!(convex_hull(&[p(1.0, 1.0), p(0.0, 0.0)]), [1, 0]);
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
    fn clean_ring_drops_collinear_and_repeated_points() {
        let r = vec![
            p(0.0, 0.0),
            p(5.0, 0.0),
            p(10.0, 0.0),
            p(10.0, 10.0),
            p(10.0, 10.0 + 5e-10),
            p(0.0, 10.0),
            p(0.0, 0.0),
        ];
        assert_eq!(
            clean_ring(&r),
            vec![p(0.0, 0.0), p(10.0, 0.0), p(10.0, 10.0), p(0.0, 10.0)]
        );
        // Already clean: unchanged, same start.
        assert_eq!(clean_ring(&l_shape()), l_shape());
        assert_eq!(clean_ring(&[p(0.0, 0.0), p(1.0, 0.0)]).len(), 2);
    }

    #[test]
    fn clean_ring_drops_spikes() {
        // A square with an antenna out of its top edge and back.
        let r = vec![
            p(0.0, 0.0),
            p(4.0, 0.0),
            p(4.0, -3.0),
            p(4.0, 0.0),
            p(10.0, 0.0),
            p(10.0, 10.0),
            p(0.0, 10.0),
        ];
        let c = clean_ring(&r);
        assert_eq!(c.len(), 4, "{c:?}");
        assert_eq!(signed_area(&c), 100.0);
    }

    #[test]
    fn clean_ring_keeps_fine_arcs() {
        // A quarter circle of 1 um radius in 64 chords (each about 25 nm): every
        // point is a corner.
        let arc: Vec<PointMm> = crate::arc_points(p(5.0, 5.0), 1e-3, 0.0, 1.5, 64).collect();
        let mut ring = vec![p(5.0, 5.0)];
        ring.extend(arc);
        assert_eq!(clean_ring(&ring).len(), ring.len());
    }

    /// The distance as it was measured before the squared comparisons: `hypot` of
    /// every edge.
    fn ring_distance_by_hypot(q: PointMm, ring: &[PointMm]) -> f64 {
        let n = ring.len();
        (0..n)
            .map(|i| segment_distance(q, ring[i], ring[(i + 1) % n]))
            .fold(f64::INFINITY, f64::min)
    }

    /// [`clean_ring`] with the tests decided by `hypot` alone.
    fn clean_ring_by_hypot(ring: &[PointMm]) -> Vec<PointMm> {
        clean_ring_by(
            ring,
            |a: PointMm, b: PointMm| (b.x - a.x).hypot(b.y - a.y) <= REPEAT_MM,
            |a: PointMm, b: PointMm, c: PointMm| {
                let cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
                cross.abs() <= STRAIGHT_MM * (c.x - a.x).hypot(c.y - a.y)
            },
        )
    }

    #[test]
    fn ring_distance_is_the_least_hypot_to_the_last_bit() {
        let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
        let mut rings: Vec<(PointMm, Vec<PointMm>)> = Vec::new();
        for scale in [1e-12, 1e-3, 1.0, 250.0, 1e6] {
            for _ in 0..200 {
                let n = 3 + (rng.unit() * 40.0) as usize;
                let ring = (0..n)
                    .map(|_| p(rng.unit() * scale, rng.unit() * scale))
                    .collect();
                rings.push((p(rng.unit() * scale, rng.unit() * scale), ring));
            }
            // Ties: every edge of a circle's chords as near as the next.
            for k in [8, 64, 360] {
                let c = p(rng.unit() * scale, rng.unit() * scale);
                let ring = (0..k)
                    .map(|i| {
                        let t = std::f64::consts::TAU * i as f64 / k as f64;
                        p(c.x + scale * t.cos(), c.y + scale * t.sin())
                    })
                    .collect();
                rings.push((c, ring));
            }
        }
        // On an edge, on a vertex, a point ring, and rings with infinite or missing
        // coordinates.
        rings.push((p(5.0, 0.0), l_shape()));
        rings.push((p(10.0, 5.0), l_shape()));
        rings.push((p(1.0, 1.0), vec![p(2.0, 2.0); 4]));
        rings.push((
            p(1.0, 1.0),
            vec![p(0.0, 0.0), p(f64::INFINITY, 0.0), p(0.0, 3.0)],
        ));
        rings.push((
            p(1.0, 1.0),
            vec![p(0.0, 0.0), p(f64::NAN, 0.0), p(0.0, 3.0)],
        ));
        rings.push((
            p(1.0, 1.0),
            vec![p(1e200, 0.0), p(-1e200, 1e200), p(0.0, -1e200)],
        ));
        rings.push((p(0.0, 0.0), Vec::new()));
        for (q, ring) in &rings {
            let want = ring_distance_by_hypot(*q, ring);
            let got = ring_distance(*q, ring);
            assert_eq!(got.to_bits(), want.to_bits(), "{q:?} {ring:?}");
        }
    }

    #[test]
    fn clean_ring_decides_as_hypot_does_at_the_thresholds() {
        let mut rng = Xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            // Points a threshold's width (1e-9 mm) apart or off the line, give or take
            // a few units in the last place, at board coordinates.
            let n = 3 + (rng.unit() * 12.0) as usize;
            let (x0, y0) = (rng.unit() * 300.0, rng.unit() * 300.0);
            let mut ring = Vec::new();
            for i in 0..n {
                let step = if rng.unit() < 0.5 { 1e-9 } else { 1.0 };
                let wobble = 1e-9 * (1.0 + (rng.unit() - 0.5) * 1e-6);
                let (x, y) = if rng.unit() < 0.5 {
                    (x0 + step * i as f64, y0 + wobble * (i % 2) as f64)
                } else {
                    (x0 + step * i as f64, y0 + rng.unit() * 5.0)
                };
                ring.push(p(x, y));
            }
            if rng.unit() < 0.3 {
                ring.push(ring[0]);
            }
            assert_eq!(clean_ring(&ring), clean_ring_by_hypot(&ring), "{ring:?}");
        }
        for ring in [
            vec![p(0.0, 0.0), p(f64::NAN, 1.0), p(2.0, 0.0), p(1.0, 5.0)],
            vec![p(0.0, 0.0), p(1e-200, 0.0), p(2e-200, 1e-300), p(1.0, 5.0)],
            vec![p(0.0, 0.0), p(1e300, 0.0), p(2e300, 1.0), p(0.0, 5.0)],
        ] {
            let (a, b) = (clean_ring(&ring), clean_ring_by_hypot(&ring));
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
    }
}
