//! Small plane geometry over the fixture's board summary (page mm, y down).

use pogo_fixture::{BoardSummary, PartOutline};
use pogo_geom::{PointMm, PolygonMm};
use pogo_geom::{bbox_of, point_in_ring, polygon_contains, polygon_edge_distance, ring_distance};

/// Whether (x, y) lies in the polygon (inside its outer ring, outside its holes).
pub fn in_polygon(p: &PolygonMm, x: f64, y: f64) -> bool {
    polygon_contains(p, PointMm::new(x, y))
}

/// Distance from (x, y) to the polygon's boundary (outer ring and holes).
pub fn boundary_dist(p: &PolygonMm, x: f64, y: f64) -> f64 {
    polygon_edge_distance(p, PointMm::new(x, y))
}

/// The board's outline polygons; the bounding box as a rectangle when the board has no
/// closed outline.
pub fn outline(board: &BoardSummary) -> Vec<PolygonMm> {
    if !board.outline.is_empty() {
        return board.outline.clone();
    }
    let [l, t, r, b] = board.outline_bbox;
    if !(l.is_finite() && t.is_finite() && r.is_finite() && b.is_finite()) || r <= l || b <= t {
        return Vec::new();
    }
    vec![PolygonMm::rect(l, t, r, b)]
}

/// True when (x, y) lies on the board with at least `margin` to every edge.
pub fn on_board(outline: &[PolygonMm], x: f64, y: f64, margin: f64) -> bool {
    outline
        .iter()
        .any(|p| in_polygon(p, x, y) && boundary_dist(p, x, y) >= margin)
}

/// How deep (x, y) lies in the board: the largest distance to the edges of an outline
/// polygon that holds it; -∞ off the board. [`on_board`] with `margin` is this `>=
/// margin`, for callers that ask with several margins at the same point.
pub fn board_clearance(outline: &[PolygonMm], x: f64, y: f64) -> f64 {
    outline
        .iter()
        .filter(|p| in_polygon(p, x, y))
        .map(|p| boundary_dist(p, x, y))
        .fold(f64::NEG_INFINITY, f64::max)
}

fn ring_area_centroid(ring: &[PointMm]) -> (f64, f64, f64) {
    let n = ring.len();
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (p, q) = (ring[i], ring[(i + 1) % n]);
        let cr = p.x * q.y - q.x * p.y;
        a += cr;
        cx += (p.x + q.x) * cr;
        cy += (p.y + q.y) * cr;
    }
    (a / 2.0, cx, cy)
}

/// Area-weighted centroid of the board (cut-outs removed): its centre of mass.
pub fn centroid(outline: &[PolygonMm]) -> Option<(f64, f64)> {
    let (mut area, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for p in outline {
        let (a, cx, cy) = ring_area_centroid(&p.outer);
        let s = a.signum();
        area += a.abs();
        sx += cx * s;
        sy += cy * s;
        for h in &p.holes {
            let (ha, hx, hy) = ring_area_centroid(h);
            let hs = ha.signum();
            area -= ha.abs();
            sx -= hx * hs;
            sy -= hy * hs;
        }
    }
    (area > 0.0).then(|| (sx / (6.0 * area), sy / (6.0 * area)))
}

/// Bounding box [l, t, r, b] of polygons.
pub fn bbox(polys: &[PolygonMm]) -> Option<[f64; 4]> {
    let b = bbox_of(polys.iter().flat_map(|p| p.outer.iter().copied()));
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

/// Radius assumed round a part that has no courtyard, mm.
pub const NO_COURTYARD_RADIUS_MM: f64 = 1.5;

/// Distance from (x, y) to a part's courtyard (0 inside); parts without a courtyard are
/// a disc of [`NO_COURTYARD_RADIUS_MM`] round their position.
pub fn part_dist(part: &PartOutline, x: f64, y: f64) -> f64 {
    if part.courtyard.is_empty() {
        return ((x - part.x).hypot(y - part.y) - NO_COURTYARD_RADIUS_MM).max(0.0);
    }
    part.courtyard
        .iter()
        .map(|c| {
            if in_polygon(c, x, y) {
                0.0
            } else {
                boundary_dist(c, x, y)
            }
        })
        .fold(f64::INFINITY, f64::min)
}

/// A part's courtyard box grown by `grow`.
pub fn part_box(part: &PartOutline, grow: f64) -> [f64; 4] {
    match bbox(&part.courtyard) {
        Some([l, t, r, b]) => [l - grow, t - grow, r + grow, b + grow],
        None => {
            let r = NO_COURTYARD_RADIUS_MM + grow;
            [part.x - r, part.y - r, part.x + r, part.y + r]
        }
    }
}

/// The box `[l, t, r, b]` as a polygon.
pub fn rect(b: [f64; 4]) -> PolygonMm {
    PolygonMm::rect(b[0], b[1], b[2], b[3])
}

/// The copper round a board hole that a push finger must not press: a plated hole's
/// pad or ring, a bare hole's edge.
#[derive(Debug, Clone, PartialEq)]
pub struct HoleKeepOut {
    /// Reference of the footprint the hole belongs to, or empty.
    pub reference: String,
    /// Hole centre, page mm.
    pub x: f64,
    /// Hole centre y, page mm.
    pub y: f64,
    /// Radius of the copper (or bare edge) round the centre, mm.
    pub radius_mm: f64,
}

/// The keep-outs of the board's holes of 1 mm and more: a plated hole's pad (taken as
/// twice the drill across, or the part's annular courtyard's inner edge, or the
/// farthest via of its ring, whichever is largest), a bare hole's edge.
pub fn hole_keepouts(board: &BoardSummary) -> Vec<HoleKeepOut> {
    let holes = &board.holes;
    holes
        .iter()
        .filter(|h| h.diameter_mm >= 1.0)
        .map(|h| {
            let mut r = if h.plated {
                h.diameter_mm
            } else {
                h.diameter_mm / 2.0
            };
            // Stitching vias of the same footprint round it (a via ring pad).
            for v in holes.iter().filter(|v| {
                !h.reference.is_empty() && v.reference == h.reference && !std::ptr::eq(*v, h)
            }) {
                let d = (v.x - h.x).hypot(v.y - h.y) + v.diameter_mm / 2.0;
                if d < 2.0 * h.diameter_mm {
                    r = r.max(d + 0.25);
                }
            }
            // A courtyard drawn as a ring round the hole: its inner edge bounds the pad.
            let centre = PointMm::new(h.x, h.y);
            for part in board.parts.iter().filter(|q| q.reference == h.reference) {
                for c in &part.courtyard {
                    for inner in &c.holes {
                        if point_in_ring(centre, inner) {
                            r = r.max(ring_distance(centre, inner));
                        }
                    }
                }
            }
            HoleKeepOut {
                reference: h.reference.clone(),
                x: h.x,
                y: h.y,
                radius_mm: r,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centroid_of_l_shape_and_holes() {
        // 10 x 10 square with a 5 x 5 hole in the top-right quadrant.
        let p = PolygonMm {
            outer: rect([0.0, 0.0, 10.0, 10.0]).outer,
            holes: vec![rect([5.0, 0.0, 10.0, 5.0]).outer],
        };
        let (cx, cy) = centroid(std::slice::from_ref(&p)).unwrap();
        // Three unit squares of 25 at (2.5,2.5), (2.5,7.5), (7.5,7.5).
        assert!((cx - 12.5 / 3.0).abs() < 1e-12 && (cy - 17.5 / 3.0).abs() < 1e-12);
        assert!(in_polygon(&p, 2.0, 2.0));
        assert!(!in_polygon(&p, 7.0, 2.0));
        assert!((boundary_dist(&p, 2.0, 2.0) - 2.0).abs() < 1e-12);
        assert!(on_board(std::slice::from_ref(&p), 2.5, 7.5, 2.4));
        assert!(!on_board(&[p], 4.0, 4.0, 1.5));
    }

    /// `board_clearance(..) >= margin` is `on_board(.., margin)` on two pieces (one with
    /// a cut-out), at points inside, outside, on edges and in the cut-out.
    #[test]
    fn board_clearance_answers_as_on_board() {
        let outline = [
            PolygonMm {
                outer: rect([0.0, 0.0, 10.0, 10.0]).outer,
                holes: vec![rect([5.0, 0.0, 10.0, 5.0]).outer],
            },
            rect([12.0, 0.0, 20.0, 4.0]),
        ];
        for i in 0..=44 {
            for j in 0..=24 {
                let (x, y) = (-1.0 + 0.5 * i as f64, -1.0 + 0.5 * j as f64);
                let clearance = board_clearance(&outline, x, y);
                for margin in [0.0, 0.25, 0.5, 1.0, 2.0, 2.5, 4.0] {
                    assert_eq!(
                        clearance >= margin,
                        on_board(&outline, x, y, margin),
                        "({x}, {y}) margin {margin}"
                    );
                }
            }
        }
        assert_eq!(board_clearance(&outline, 15.0, 8.0), f64::NEG_INFINITY);
        assert_eq!(board_clearance(&outline, 2.0, 3.0), 2.0);
    }
}
