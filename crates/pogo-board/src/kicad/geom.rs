//! Integer-nanometre geometry as KiCad computes it: rotation with KiCad's rounding,
//! arcs, bounding boxes, and chaining Edge.Cuts pieces into closed rings.

use crate::model::{BoxMm, PointMm, PolygonMm};
use std::collections::HashMap;

/// A point in KiCad internal units (nanometres), page frame (y down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Nm {
    pub x: i64,
    pub y: i64,
}

impl Nm {
    pub const fn new(x: i64, y: i64) -> Self {
        Nm { x, y }
    }
    pub fn mm(self) -> PointMm {
        PointMm::new(nm_to_mm(self.x), nm_to_mm(self.y))
    }
    pub fn add(self, o: Nm) -> Nm {
        Nm::new(self.x + o.x, self.y + o.y)
    }
}

/// Nanometres to millimetres (the nearest `f64` to the exact decimal value).
pub fn nm_to_mm(v: i64) -> f64 {
    v as f64 / 1e6
}

/// KiCad's `KiROUND(mm * 1e6)`, clamped to KiCad's coordinate range.
pub fn mm_to_nm(mm: f64) -> i64 {
    let v = mm * 1e6;
    v.clamp(-(i32::MAX as f64), i32::MAX as f64).round() as i64
}

/// Normalises degrees to [0, 360), as KiCad reports a pad orientation.
pub fn norm_pos(deg: f64) -> f64 {
    let mut a = deg % 360.0;
    if a < 0.0 {
        a += 360.0;
    }
    if a >= 360.0 { 0.0 } else { a }
}

/// Normalises degrees to (-180, 180], as KiCad reports a footprint orientation.
pub fn norm_180(deg: f64) -> f64 {
    let mut a = norm_pos(deg);
    if a > 180.0 {
        a -= 360.0;
    }
    a
}

/// KiCad's `RotatePoint`: turns `p` by `deg` (counter-clockwise on screen, y down),
/// exact for multiples of 90 degrees, otherwise rounded to the nearest nanometre.
pub fn rotate(p: Nm, deg: f64) -> Nm {
    let a = norm_pos(deg);
    if a == 0.0 {
        p
    } else if a == 90.0 {
        Nm::new(p.y, -p.x)
    } else if a == 180.0 {
        Nm::new(-p.x, -p.y)
    } else if a == 270.0 {
        Nm::new(-p.y, p.x)
    } else {
        let (s, c) = a.to_radians().sin_cos();
        let (x, y) = (p.x as f64, p.y as f64);
        Nm::new(
            (y * s + x * c).round() as i64,
            (y * c - x * s).round() as i64,
        )
    }
}

/// A circular arc through three points, in floating nanometres.
#[derive(Debug, Clone, Copy)]
pub struct Arc {
    pub start: Nm,
    pub mid: Nm,
    pub end: Nm,
}

impl Arc {
    /// KiCad 5 form: `center`, `start` and a sweep angle (degrees, clockwise on screen
    /// for positive values in the y-down frame, as KiCad draws it).
    pub fn from_center(center: Nm, start: Nm, angle_deg: f64) -> Arc {
        let rel = Nm::new(start.x - center.x, start.y - center.y);
        // KiCad 5 arcs turn by -angle in RotatePoint terms (clockwise in y-down maths).
        let end = rotate(rel, -angle_deg).add(center);
        let mid = rotate(rel, -angle_deg / 2.0).add(center);
        Arc { start, mid, end }
    }

    /// Centre and radius (floating nanometres); `None` when the points are collinear.
    pub fn center_radius(&self) -> Option<((f64, f64), f64)> {
        let (ax, ay) = (self.start.x as f64, self.start.y as f64);
        let (bx, by) = (self.mid.x as f64, self.mid.y as f64);
        let (cx, cy) = (self.end.x as f64, self.end.y as f64);
        let d = 2.0 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
        if d.abs() < 1e-9 {
            // Start == end: a full circle through mid (diameter start-mid).
            if self.start == self.end && self.start != self.mid {
                let c = ((ax + bx) / 2.0, (ay + by) / 2.0);
                return Some((c, ((ax - bx).hypot(ay - by)) / 2.0));
            }
            return None;
        }
        let a2 = ax * ax + ay * ay;
        let b2 = bx * bx + by * by;
        let c2 = cx * cx + cy * cy;
        let ux = (a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d;
        let uy = (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d;
        Some(((ux, uy), (ax - ux).hypot(ay - uy)))
    }

    /// Start angle and signed sweep (radians, maths convention on the raw coordinates).
    fn angles(&self, c: (f64, f64)) -> (f64, f64) {
        let ang = |p: Nm| (p.y as f64 - c.1).atan2(p.x as f64 - c.0);
        let (a0, am, a1) = (ang(self.start), ang(self.mid), ang(self.end));
        let tau = std::f64::consts::TAU;
        let ccw = |from: f64, to: f64| (to - from).rem_euclid(tau);
        let sweep_ccw = ccw(a0, a1);
        let sweep = if self.start == self.end {
            tau
        } else if ccw(a0, am) <= sweep_ccw {
            sweep_ccw
        } else {
            sweep_ccw - tau
        };
        (a0, sweep)
    }

    /// Points along the arc, start and end included, each chord within `tol_nm` of the
    /// true curve.
    pub fn flatten(&self, tol_nm: f64) -> Vec<Nm> {
        let Some((c, r)) = self.center_radius() else {
            return vec![self.start, self.end];
        };
        let (a0, sweep) = self.angles(c);
        let step = if r > tol_nm {
            2.0 * (1.0 - tol_nm / r).acos()
        } else {
            std::f64::consts::PI
        };
        let n = ((sweep.abs() / step).ceil() as usize).clamp(2, 4096);
        let mut pts = Vec::with_capacity(n + 1);
        pts.push(self.start);
        for i in 1..n {
            let a = a0 + sweep * i as f64 / n as f64;
            pts.push(Nm::new(
                (c.0 + r * a.cos()).round() as i64,
                (c.1 + r * a.sin()).round() as i64,
            ));
        }
        pts.push(self.end);
        pts
    }

    /// Bounding box of the curve (no stroke width), floating nanometres.
    pub fn bbox(&self, b: &mut BoxNm) {
        b.include(self.start);
        b.include(self.end);
        let Some((c, r)) = self.center_radius() else {
            b.include(self.mid);
            return;
        };
        let (a0, sweep) = self.angles(c);
        let (lo, hi) = if sweep >= 0.0 {
            (a0, a0 + sweep)
        } else {
            (a0 + sweep, a0)
        };
        let half_pi = std::f64::consts::FRAC_PI_2;
        let mut k = (lo / half_pi).ceil();
        while k * half_pi <= hi {
            let a = k * half_pi;
            b.include_f(c.0 + r * a.cos(), c.1 + r * a.sin());
            k += 1.0;
        }
    }
}

/// A bounding box in floating nanometres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxNm {
    pub l: f64,
    pub t: f64,
    pub r: f64,
    pub b: f64,
}

impl Default for BoxNm {
    fn default() -> Self {
        BoxNm {
            l: f64::INFINITY,
            t: f64::INFINITY,
            r: f64::NEG_INFINITY,
            b: f64::NEG_INFINITY,
        }
    }
}

impl BoxNm {
    pub fn is_empty(&self) -> bool {
        self.l > self.r
    }
    pub fn include(&mut self, p: Nm) {
        self.include_f(p.x as f64, p.y as f64);
    }
    pub fn include_f(&mut self, x: f64, y: f64) {
        self.l = self.l.min(x);
        self.t = self.t.min(y);
        self.r = self.r.max(x);
        self.b = self.b.max(y);
    }
    pub fn merge(&mut self, o: &BoxNm) {
        if !o.is_empty() {
            self.l = self.l.min(o.l);
            self.t = self.t.min(o.t);
            self.r = self.r.max(o.r);
            self.b = self.b.max(o.b);
        }
    }
    pub fn inflate(&mut self, d: f64) {
        if !self.is_empty() {
            self.l -= d;
            self.t -= d;
            self.r += d;
            self.b += d;
        }
    }
    pub fn mm(&self) -> BoxMm {
        if self.is_empty() {
            return BoxMm::EMPTY;
        }
        BoxMm {
            left: nm_to_mm(self.l.round() as i64),
            top: nm_to_mm(self.t.round() as i64),
            right: nm_to_mm(self.r.round() as i64),
            bottom: nm_to_mm(self.b.round() as i64),
        }
    }
}

/// One drawn Edge.Cuts or courtyard item, absolute coordinates (nm).
#[derive(Debug, Clone)]
pub enum Shape {
    Segment {
        a: Nm,
        b: Nm,
        width: i64,
    },
    Arc {
        arc: Arc,
        width: i64,
    },
    Circle {
        center: Nm,
        radius: f64,
        width: i64,
    },
    Rect {
        a: Nm,
        b: Nm,
        width: i64,
    },
    /// A closed polygon (the last point joins the first).
    Poly {
        pts: Vec<Nm>,
        width: i64,
    },
    /// An open polyline (e.g. a Bezier curve's flattening); `hull` are further points
    /// KiCad's bounding box takes (a Bezier's control points).
    Path {
        pts: Vec<Nm>,
        hull: Vec<Nm>,
        width: i64,
    },
}

impl Shape {
    /// KiCad's bounding box of the item: its geometry grown by half the stroke width.
    pub fn bbox(&self) -> BoxNm {
        let mut b = BoxNm::default();
        let width = match self {
            Shape::Segment { a, b: e, width } | Shape::Rect { a, b: e, width } => {
                b.include(*a);
                b.include(*e);
                *width
            }
            Shape::Arc { arc, width } => {
                arc.bbox(&mut b);
                *width
            }
            Shape::Circle {
                center,
                radius,
                width,
            } => {
                b.include_f(center.x as f64 - radius, center.y as f64 - radius);
                b.include_f(center.x as f64 + radius, center.y as f64 + radius);
                *width
            }
            Shape::Poly { pts, width } => {
                for p in pts {
                    b.include(*p);
                }
                *width
            }
            Shape::Path { pts, hull, width } => {
                for p in pts.iter().chain(hull) {
                    b.include(*p);
                }
                *width
            }
        };
        b.inflate(width as f64 / 2.0);
        b
    }

    /// The item as a closed ring, or as an open piece with two ends to chain.
    fn piece(&self, tol_nm: f64) -> Piece {
        match self {
            Shape::Segment { a, b, .. } => Piece::Open(vec![*a, *b]),
            Shape::Arc { arc, .. } => {
                let pts = arc.flatten(tol_nm);
                if arc.start == arc.end {
                    let mut pts = pts;
                    pts.pop();
                    Piece::Closed(pts)
                } else {
                    Piece::Open(pts)
                }
            }
            Shape::Path { pts, .. } => Piece::Open(pts.clone()),
            Shape::Circle { center, radius, .. } => {
                let r = *radius;
                let step = if r > tol_nm {
                    2.0 * (1.0 - tol_nm / r).acos()
                } else {
                    std::f64::consts::PI
                };
                let n = ((std::f64::consts::TAU / step).ceil() as usize).clamp(8, 4096);
                Piece::Closed(
                    (0..n)
                        .map(|i| {
                            let a = std::f64::consts::TAU * i as f64 / n as f64;
                            Nm::new(
                                (center.x as f64 + r * a.cos()).round() as i64,
                                (center.y as f64 + r * a.sin()).round() as i64,
                            )
                        })
                        .collect(),
                )
            }
            Shape::Rect { a, b, .. } => {
                Piece::Closed(vec![*a, Nm::new(b.x, a.y), *b, Nm::new(a.x, b.y)])
            }
            Shape::Poly { pts, .. } => Piece::Closed(pts.clone()),
        }
    }
}

enum Piece {
    Open(Vec<Nm>),
    Closed(Vec<Nm>),
}

fn dist2(a: Nm, b: Nm) -> f64 {
    let dx = (a.x - b.x) as f64;
    let dy = (a.y - b.y) as f64;
    dx * dx + dy * dy
}

/// Chains shapes into closed rings (ends joined within `join_nm`), then nests the rings
/// into polygons with holes (even nesting depth = outer boundary). Returns the polygons
/// and the chains that did not close.
pub fn chain_outline(shapes: &[Shape], join_nm: f64) -> (Vec<PolygonMm>, Vec<Vec<PointMm>>) {
    let tol = 1000.0; // 1 um chord tolerance for arcs and circles
    let mut rings: Vec<Vec<Nm>> = Vec::new();
    let mut open: Vec<Vec<Nm>> = Vec::new();
    for s in shapes {
        match s.piece(tol) {
            Piece::Closed(r) if r.len() >= 3 => rings.push(r),
            Piece::Closed(_) => {}
            // A zero-length segment joins nothing (KiCad ignores it too).
            Piece::Open(p) if p.iter().all(|q| *q == p[0]) => {}
            Piece::Open(p) => open.push(p),
        }
    }
    let j2 = join_nm * join_nm;
    // Piece ends in a grid of cells one join distance wide: a query looks at the 3 x 3
    // cells around a point, so chaining stays linear in the number of pieces.
    let cell = join_nm.max(1.0);
    let key = |p: Nm| {
        (
            (p.x as f64 / cell).floor() as i64,
            (p.y as f64 / cell).floor() as i64,
        )
    };
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (k, p) in open.iter().enumerate() {
        grid.entry(key(p[0])).or_default().push(k);
        let e = *p.last().expect("non-empty piece");
        if key(e) != key(p[0]) {
            grid.entry(key(e)).or_default().push(k);
        }
    }
    let mut used = vec![false; open.len()];
    let mut open_chains = Vec::new();
    for i in 0..open.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let mut chain = open[i].clone();
        loop {
            let head = chain[0];
            let tail = *chain.last().expect("non-empty chain");
            if chain.len() > 2 && dist2(head, tail) <= j2 {
                break;
            }
            // The nearest unused piece touching the tail (or else the head).
            let mut best: Option<(usize, bool, bool, f64)> = None; // (index, at tail, reversed, d2)
            for (at_tail, q) in [(true, tail), (false, head)] {
                let (cx, cy) = key(q);
                for gx in cx - 1..=cx + 1 {
                    for gy in cy - 1..=cy + 1 {
                        let Some(ks) = grid.get(&(gx, gy)) else {
                            continue;
                        };
                        for &k in ks {
                            if used[k] {
                                continue;
                            }
                            let p = &open[k];
                            let (ps, pe) = (p[0], *p.last().expect("non-empty piece"));
                            let cands = if at_tail {
                                [(false, dist2(q, ps)), (true, dist2(q, pe))]
                            } else {
                                [(true, dist2(q, ps)), (false, dist2(q, pe))]
                            };
                            for (rev, d) in cands {
                                // Prefer the tail: only take the head when the tail has nothing.
                                if d <= j2 && best.is_none_or(|b| b.1 == at_tail && d < b.3) {
                                    best = Some((k, at_tail, rev, d));
                                }
                            }
                        }
                    }
                }
                if best.is_some() {
                    break;
                }
            }
            let Some((k, at_tail, rev, _)) = best else {
                break;
            };
            used[k] = true;
            let mut p = open[k].clone();
            if rev {
                p.reverse();
            }
            if at_tail {
                chain.extend_from_slice(&p[1..]);
            } else {
                p.pop();
                p.extend_from_slice(&chain);
                chain = p;
            }
        }
        let (head, tail) = (chain[0], *chain.last().expect("non-empty chain"));
        if chain.len() > 2 && dist2(head, tail) <= j2 {
            chain.pop();
            if chain.len() >= 3 {
                rings.push(chain);
            }
        } else {
            open_chains.push(chain.iter().map(|p| p.mm()).collect());
        }
    }
    (nest(rings), open_chains)
}

fn ring_area2(r: &[Nm]) -> f64 {
    let mut a = 0.0;
    for i in 0..r.len() {
        let p = r[i];
        let q = r[(i + 1) % r.len()];
        a += p.x as f64 * q.y as f64 - q.x as f64 * p.y as f64;
    }
    a
}

fn point_in_ring(p: Nm, r: &[Nm]) -> bool {
    let (px, py) = (p.x as f64, p.y as f64);
    let mut inside = false;
    let mut j = r.len() - 1;
    for i in 0..r.len() {
        let (xi, yi) = (r[i].x as f64, r[i].y as f64);
        let (xj, yj) = (r[j].x as f64, r[j].y as f64);
        if (yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Nests rings: each ring's parent is the smallest ring containing it; rings at even
/// depth are outer boundaries, rings at odd depth their holes.
fn nest(rings: Vec<Vec<Nm>>) -> Vec<PolygonMm> {
    let n = rings.len();
    let areas: Vec<f64> = rings.iter().map(|r| ring_area2(r).abs()).collect();
    let boxes: Vec<BoxNm> = rings
        .iter()
        .map(|r| {
            let mut b = BoxNm::default();
            r.iter().for_each(|p| b.include(*p));
            b
        })
        .collect();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        for j in 0..n {
            if i == j || areas[j] <= areas[i] {
                continue;
            }
            let (bi, bj) = (&boxes[i], &boxes[j]);
            if bi.l < bj.l || bi.t < bj.t || bi.r > bj.r || bi.b > bj.b {
                continue;
            }
            // Use a vertex of ring i that is strictly inside j when any is.
            if rings[i]
                .iter()
                .take(8)
                .any(|p| point_in_ring(*p, &rings[j]))
                && parent[i].is_none_or(|p| areas[j] < areas[p])
            {
                parent[i] = Some(j);
            }
        }
    }
    let depth = |mut i: usize| {
        let mut d = 0;
        while let Some(p) = parent[i] {
            d += 1;
            i = p;
            if d > n {
                break;
            }
        }
        d
    };
    let mut polys: Vec<(usize, PolygonMm)> = Vec::new();
    let to_mm = |r: &Vec<Nm>| r.iter().map(|p| p.mm()).collect::<Vec<_>>();
    for (i, ring) in rings.iter().enumerate() {
        if depth(i) % 2 == 0 {
            polys.push((
                i,
                PolygonMm {
                    outer: to_mm(ring),
                    holes: vec![],
                },
            ));
        }
    }
    for i in 0..n {
        if depth(i) % 2 == 1
            && let Some(p) = parent[i]
            && let Some(poly) = polys.iter_mut().find(|(k, _)| *k == p)
        {
            poly.1.holes.push(to_mm(&rings[i]));
        }
    }
    polys.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_matches_kicad_quadrants() {
        let p = Nm::new(-450_000, 0);
        assert_eq!(rotate(p, -90.0), Nm::new(0, -450_000));
        assert_eq!(rotate(p, 90.0), Nm::new(0, 450_000));
        assert_eq!(rotate(p, 180.0), Nm::new(450_000, 0));
        let q = rotate(Nm::new(1_000_000, 0), 45.0);
        assert_eq!(q, Nm::new(707_107, -707_107));
        assert_eq!(norm_180(270.0), -90.0);
        assert_eq!(norm_180(-180.0), 180.0);
        assert_eq!(norm_pos(-90.0), 270.0);
    }

    #[test]
    fn arc_bbox_includes_crossed_quadrants() {
        // Quarter circle from (10,0) through 45 deg to (0,10), centre (0,0).
        let arc = Arc {
            start: Nm::new(10, 0),
            mid: Nm::new(7, 7),
            end: Nm::new(0, 10),
        };
        let mut b = BoxNm::default();
        arc.bbox(&mut b);
        assert_eq!((b.l, b.t, b.r, b.b), (0.0, 0.0, 10.0, 10.0));
        // Half circle over the top (y negative) from (10,0) to (-10,0).
        let arc = Arc {
            start: Nm::new(10, 0),
            mid: Nm::new(0, -10),
            end: Nm::new(-10, 0),
        };
        let mut b = BoxNm::default();
        arc.bbox(&mut b);
        assert_eq!((b.l, b.t, b.r, b.b), (-10.0, -10.0, 10.0, 0.0));
    }

    #[test]
    fn segments_chain_into_a_square_with_a_hole() {
        let sq = |o: i64, s: i64| {
            let p = [
                Nm::new(o, o),
                Nm::new(o + s, o),
                Nm::new(o + s, o + s),
                Nm::new(o, o + s),
            ];
            (0..4).map(move |i| Shape::Segment {
                a: p[i],
                b: p[(i + 1) % 4],
                width: 0,
            })
        };
        // Reverse one segment to check chaining either way round.
        let mut shapes: Vec<Shape> = sq(0, 100).collect();
        if let Shape::Segment { a, b, .. } = &mut shapes[2] {
            std::mem::swap(a, b);
        }
        shapes.extend(sq(10, 10));
        let (polys, open) = chain_outline(&shapes, 1.0);
        assert!(open.is_empty());
        assert_eq!(polys.len(), 1);
        assert_eq!(polys[0].outer.len(), 4);
        assert_eq!(polys[0].holes.len(), 1);
    }

    #[test]
    fn many_shuffled_segments_chain_into_one_ring() {
        // A 20 000-gon, its edges in a scrambled order, every third one reversed.
        let n = 20_000usize;
        let pt = |i: usize| {
            let a = std::f64::consts::TAU * (i % n) as f64 / n as f64;
            Nm::new(
                (1e8 * a.cos()).round() as i64,
                (1e8 * a.sin()).round() as i64,
            )
        };
        let mut shapes: Vec<Shape> = (0..n)
            .map(|k| {
                let i = (k * 7919) % n;
                let (a, b) = if k % 3 == 0 {
                    (pt(i + 1), pt(i))
                } else {
                    (pt(i), pt(i + 1))
                };
                Shape::Segment { a, b, width: 0 }
            })
            .collect();
        shapes.push(Shape::Circle {
            center: Nm::new(0, 0),
            radius: 1e6,
            width: 0,
        });
        let (polys, open) = chain_outline(&shapes, 10_000.0);
        assert!(open.is_empty());
        assert_eq!(polys.len(), 1);
        assert_eq!(polys[0].outer.len(), n);
        assert_eq!(polys[0].holes.len(), 1);
    }
}
