//! True polygon offsets (Minkowski sum and difference with a disc) of polygons with
//! holes, concave parts included: the polygon united with (or cut by) a capsule round
//! every edge, the union taken by `i_overlay` under the positive fill rule. Convex
//! corners come out round, concave ones sharp: the offset a milling cutter or
//! `shapely.buffer` makes.

use i_overlay::core::fill_rule::FillRule;
use i_overlay::float::simplify::SimplifyShape;
use pogo_geom::signed_area;
use pogo_geom::{PointMm, PolygonMm};

/// Largest distance between a drawn arc and its chords, mm.
pub const ARC_TOLERANCE_MM: f64 = 0.001;

/// Corners of a polygon standing for a circle of `radius_mm` (on the circle).
fn disc_segments(radius_mm: f64) -> usize {
    if radius_mm <= ARC_TOLERANCE_MM {
        return 8;
    }
    let step = 2.0 * (1.0 - ARC_TOLERANCE_MM / radius_mm).acos();
    ((std::f64::consts::TAU / step).ceil() as usize).clamp(8, 256)
}

/// A contour counting +1 (`positive`) or -1 under `i_overlay`'s fill rules, which
/// count clockwise contours (in x-right, y-up terms) as positive.
fn oriented(ring: impl Iterator<Item = [f64; 2]>, positive: bool) -> Vec<[f64; 2]> {
    let mut r: Vec<[f64; 2]> = ring.collect();
    let area: f64 = (0..r.len())
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum();
    if (area < 0.0) != positive {
        r.reverse();
    }
    r
}

/// A circle as a contour of `sign` orientation.
pub fn circle(x: f64, y: f64, radius_mm: f64, positive: bool) -> Vec<[f64; 2]> {
    let n = disc_segments(radius_mm);
    oriented(
        (0..n).map(|k| {
            let a = std::f64::consts::TAU * k as f64 / n as f64;
            [x + radius_mm * a.cos(), y + radius_mm * a.sin()]
        }),
        positive,
    )
}

/// The contours of polygons: outer rings positive, holes negative.
fn contours(polys: &[PolygonMm], positive: bool) -> Vec<Vec<[f64; 2]>> {
    let mut out = Vec::new();
    for p in polys {
        out.push(oriented(p.outer.iter().map(|q| [q.x, q.y]), positive));
        for h in &p.holes {
            out.push(oriented(h.iter().map(|q| [q.x, q.y]), !positive));
        }
    }
    out
}

/// Capsules (edge rectangles and corner discs) of radius `r` round every ring edge.
fn capsules(polys: &[PolygonMm], r: f64, positive: bool) -> Vec<Vec<[f64; 2]>> {
    let mut out = Vec::new();
    for p in polys {
        for ring in std::iter::once(&p.outer).chain(&p.holes) {
            let n = ring.len();
            for i in 0..n {
                let (a, b) = (ring[i], ring[(i + 1) % n]);
                out.push(circle(a.x, a.y, r, positive));
                let len = (b.x - a.x).hypot(b.y - a.y);
                if len < 1e-9 {
                    continue;
                }
                let (nx, ny) = (-(b.y - a.y) / len * r, (b.x - a.x) / len * r);
                out.push(oriented(
                    [
                        [a.x + nx, a.y + ny],
                        [b.x + nx, b.y + ny],
                        [b.x - nx, b.y - ny],
                        [a.x - nx, a.y - ny],
                    ]
                    .into_iter(),
                    positive,
                ));
            }
        }
    }
    out
}

/// Polygons from `i_overlay` shapes (first contour outer, the rest holes), outer rings
/// counter-clockwise in the page frame (positive signed area), holes clockwise.
fn polygons(shapes: Vec<Vec<Vec<[f64; 2]>>>) -> Vec<PolygonMm> {
    let ring = |c: &[[f64; 2]], positive: bool| -> Vec<PointMm> {
        let mut r: Vec<PointMm> = c.iter().map(|q| PointMm::new(q[0], q[1])).collect();
        if (signed_area(&r) > 0.0) != positive {
            r.reverse();
        }
        r
    };
    let mut out: Vec<PolygonMm> = shapes
        .iter()
        .filter(|s| !s.is_empty() && s[0].len() >= 3)
        .map(|s| PolygonMm {
            outer: ring(&s[0], true),
            holes: s[1..]
                .iter()
                .filter(|h| h.len() >= 3)
                .map(|h| ring(h, false))
                .collect(),
        })
        .collect();
    // A stable order: by the outer ring's lowest point.
    out.sort_by(|a, b| {
        let key = |p: &PolygonMm| {
            p.outer
                .iter()
                .map(|q| (q.y, q.x))
                .fold((f64::INFINITY, f64::INFINITY), |m, v| {
                    if v.0 < m.0 || (v.0 == m.0 && v.1 < m.1) {
                        v
                    } else {
                        m
                    }
                })
        };
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    out
}

/// The polygons grown (`distance_mm` > 0) or shrunk (< 0) by a true offset: every point
/// within `|distance_mm|` of the polygons added, or every point that close to their
/// boundary taken away. Holes shrink as the outer rings grow.
pub fn offset(polys: &[PolygonMm], distance_mm: f64) -> Vec<PolygonMm> {
    let grow = distance_mm >= 0.0;
    let mut all = contours(polys, true);
    if distance_mm.abs() > 0.0 {
        all.extend(capsules(polys, distance_mm.abs(), grow));
    }
    simplify(all)
}

/// The contours' area under the positive fill rule (nothing for no contours or a
/// figure that is not finite: `i_overlay` needs a finite bounding box).
fn simplify(mut all: Vec<Vec<[f64; 2]>>) -> Vec<PolygonMm> {
    all.retain(|c| c.len() >= 3);
    if all.is_empty() || !finite(&all) {
        return Vec::new();
    }
    polygons(all.simplify_shape(FillRule::Positive, 0.0))
}

fn finite(contours: &[Vec<[f64; 2]>]) -> bool {
    contours
        .iter()
        .flatten()
        .all(|p| p[0].is_finite() && p[1].is_finite())
}

/// The union of polygons and circles (x, y, radius).
pub fn union(polys: &[PolygonMm], circles: &[(f64, f64, f64)]) -> Vec<PolygonMm> {
    let mut all = contours(polys, true);
    all.extend(
        circles
            .iter()
            .filter(|c| c.2 > 0.0)
            .map(|&(x, y, r)| circle(x, y, r, true)),
    );
    simplify(all)
}

/// The part of `a` inside `b`.
pub fn intersection(a: &[PolygonMm], b: &[PolygonMm]) -> Vec<PolygonMm> {
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::float::single::SingleFloatOverlay;
    let (mut sa, mut sb) = (contours(a, true), contours(b, true));
    sa.retain(|c| c.len() >= 3);
    sb.retain(|c| c.len() >= 3);
    if sa.is_empty() || sb.is_empty() || !finite(&sa) || !finite(&sb) {
        return Vec::new();
    }
    polygons(sa.overlay(&sb, OverlayRule::Intersect, FillRule::Positive))
}

/// Area of polygons (holes taken off), mm².
pub fn area_mm2(polys: &[PolygonMm]) -> f64 {
    polys
        .iter()
        .map(|p| {
            signed_area(&p.outer).abs() - p.holes.iter().map(|h| signed_area(h).abs()).sum::<f64>()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pogo_geom::{l_ring, rect_ring};

    fn square_with_hole() -> Vec<PolygonMm> {
        vec![PolygonMm {
            outer: rect_ring(0.0, 0.0, 10.0, 10.0),
            holes: vec![rect_ring(4.0, 4.0, 6.0, 6.0)],
        }]
    }

    /// A 10 mm square with a 2 mm square hole grown by 1 mm: the outer square grows to
    /// 12 mm with quarter-disc corners, the hole shrinks to nothing; shrunk by 0.5 mm,
    /// the outer is 9 mm and the hole 3 mm.
    #[test]
    fn grows_and_shrinks_with_the_holes() {
        let grown = offset(&square_with_hole(), 1.0);
        let expect = 100.0 + 4.0 * 10.0 + std::f64::consts::PI;
        assert_eq!(grown.len(), 1);
        assert!(grown[0].holes.is_empty(), "{:?}", grown[0].holes);
        assert!(
            (area_mm2(&grown) - expect).abs() < 1e-2,
            "{}",
            area_mm2(&grown)
        );
        let shrunk = offset(&square_with_hole(), -0.5);
        // The hole grows with round corners: 3 x 3 less the corners' (1 - pi/4) r^2.
        let hole = 9.0 - 4.0 * 0.25 * (1.0 - std::f64::consts::PI / 4.0);
        let expect = 81.0 - hole;
        assert_eq!(shrunk.len(), 1);
        assert_eq!(shrunk[0].holes.len(), 1);
        assert!(
            (area_mm2(&shrunk) - expect).abs() < 1e-2,
            "{}",
            area_mm2(&shrunk)
        );
    }

    /// A concave L keeps its inner corner sharp (not a hull): the offset of the L by r
    /// has the L's area, perimeter x r, the five convex corners' quarter discs, less
    /// the r x r square the two edge strips share at the concave corner.
    #[test]
    fn concave_outline_is_not_a_hull() {
        let l = vec![PolygonMm {
            outer: l_ring(10.0, 4.0),
            holes: Vec::new(),
        }];
        let r = 0.5;
        let grown = offset(&l, r);
        let expect = 64.0 + 40.0 * r + r * r * (5.0 * std::f64::consts::PI / 4.0 - 1.0);
        assert!(
            (area_mm2(&grown) - expect).abs() < 1e-2,
            "{}",
            area_mm2(&grown)
        );
    }
}
