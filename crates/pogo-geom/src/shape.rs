//! Shapes as rings: rectangles, L shapes, arcs, circles and rounded rectangles.

use crate::point::PlanePoint;
use std::f64::consts::{FRAC_PI_2, PI};

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

/// An L as a ring: the square from (0, 0) to (`side`, `side`) without its corner
/// beyond (`arm`, `arm`), so each arm is `arm` wide; (0, 0), (side, 0), (side, arm),
/// (arm, arm), (arm, side), (0, side). The simplest concave outline.
pub fn l_ring<P: PlanePoint>(side: f64, arm: f64) -> Vec<P> {
    vec![
        P::from_xy(0.0, 0.0),
        P::from_xy(side, 0.0),
        P::from_xy(side, arm),
        P::from_xy(arm, arm),
        P::from_xy(arm, side),
        P::from_xy(0.0, side),
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

/// A corner radius at or below this is a sharp corner, mm.
const SHARP_MM: f64 = 1e-9;
/// Neighbouring points closer than this are one, mm.
const SAME_MM: f64 = 1e-9;

/// The axis-aligned rectangle `left..right` x `top..bottom` with corners rounded to
/// `radius` (limited to half the smaller side), each corner arc cut into
/// `chords_per_corner` equal chords, as a ring.
///
/// The ring runs counter-clockwise in a y-up frame, corner by corner: (max x, max y)
/// from angle 0, (min x, max y) from 90 degrees, (min x, min y) from 180, (max x,
/// min y) from 270; it starts at the first corner's point at angle 0. A radius of 1e-9
/// mm or less gives the plain rectangle of [`rect_ring`] (the same turn, from (left,
/// top): the rings pad copper and plates have always had). Where the straight part between
/// two arcs has no length (an oval or a circle), the point they share is kept once, so
/// the ring never repeats a point.
pub fn rounded_rect_ring<P: PlanePoint>(
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    radius: f64,
    chords_per_corner: usize,
) -> Vec<P> {
    let r = radius
        .min((right - left) / 2.0)
        .min((bottom - top) / 2.0)
        .max(0.0);
    if r <= SHARP_MM {
        return rect_ring(left, top, right, bottom);
    }
    let corners = [
        (right - r, bottom - r, 0.0),
        (left + r, bottom - r, FRAC_PI_2),
        (left + r, top + r, PI),
        (right - r, top + r, 1.5 * PI),
    ];
    let mut ring: Vec<P> = Vec::with_capacity(4 * (chords_per_corner + 1));
    for (cx, cy, start) in corners {
        let arc = arc_points(P::from_xy(cx, cy), r, start, FRAC_PI_2, chords_per_corner);
        for q in arc {
            if ring.last().is_none_or(|&last| !same(last, q)) {
                ring.push(q);
            }
        }
    }
    if ring.len() > 1 && same(ring[0], ring[ring.len() - 1]) {
        ring.pop();
    }
    ring
}

fn same<P: PlanePoint>(a: P, b: P) -> bool {
    let ((ax, ay), (bx, by)) = (a.xy(), b.xy());
    (ax - bx).hypot(ay - by) < SAME_MM
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PointMm, signed_area};
    use std::f64::consts::TAU;

    fn p(x: f64, y: f64) -> PointMm {
        PointMm::new(x, y)
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

    #[test]
    fn rounded_rect_has_its_corners_and_area() {
        let (n, r) = (16, 1.0);
        let ring: Vec<PointMm> = rounded_rect_ring(-3.0, -2.0, 3.0, 2.0, r, n);
        assert_eq!(ring.len(), 4 * (n + 1));
        assert_eq!(ring[0], p(3.0, 1.0), "starts on the +x edge at angle 0");
        assert!((ring[n].x - 2.0).abs() < 1e-15 && ring[n].y == 2.0);
        // The four straight sides are kept (no two points repeat).
        assert!(ring.windows(2).all(|w| w[0].distance_mm(w[1]) > 1e-6));
        // The area of the chorded rectangle: the box less four corners, each the
        // corner square less the polygon of n chords inscribed in a quarter circle.
        let quarter = 0.5 * n as f64 * r * r * (FRAC_PI_2 / n as f64).sin();
        let expected = 6.0 * 4.0 - 4.0 * (r * r - quarter);
        assert!((signed_area(&ring) - expected).abs() < 1e-12);
        // Every point lies within the corner arcs' circles or on the straight sides.
        for q in &ring {
            let (cx, cy) = (q.x.clamp(-2.0, 2.0), q.y.clamp(-1.0, 1.0));
            assert!(((q.x - cx).hypot(q.y - cy) - r).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn rounded_rect_limits_and_sharp_corners() {
        let sharp: Vec<PointMm> = rounded_rect_ring(0.0, 0.0, 4.0, 2.0, 0.0, 8);
        assert_eq!(sharp, rect_ring::<PointMm>(0.0, 0.0, 4.0, 2.0));
        assert!(signed_area(&sharp) > 0.0, "the rounded rings' turn");
        // An oval: the radius is half the height; the zero-length straights are not
        // repeated points.
        let oval: Vec<PointMm> = rounded_rect_ring(0.0, 0.0, 4.0, 2.0, 5.0, 8);
        assert_eq!(oval.len(), 4 * 9 - 2);
        assert!(oval.windows(2).all(|w| w[0].distance_mm(w[1]) > 1e-6));
        assert!(oval[0].distance_mm(oval[oval.len() - 1]) > 1e-6);
        // A circle: every join shared, the closing one too.
        let circle: Vec<PointMm> = rounded_rect_ring(-1.0, -1.0, 1.0, 1.0, 1.0, 8);
        assert_eq!(circle.len(), 32);
        assert!(
            circle
                .iter()
                .all(|q| (q.distance_mm(p(0.0, 0.0)) - 1.0).abs() < 1e-15)
        );
    }
}
