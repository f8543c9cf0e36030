//! The region a probe tip centre may occupy for a hit: the pad's exposed copper
//! eroded by the tip contact radius ("the whole contact circle lies in the copper").
//!
//! A hole in the copper (a via's drill) is allowed inside the contact circle: the
//! circle itself (where the tip touches) must avoid it, as a crown tip on a via does.
//! The region is kept two ways: an exact membership test (used by the Monte Carlo and
//! to trim), and its oriented boundary pieces (segments and circular arcs, region on
//! the left) for the boundary integral.

use pogo_fixture::Target;
use pogo_geom::{
    PointMm, PolygonMm, arc_chords, bbox_of, circle_ring, clean_ring, point_in_ring, ring_distance,
    rounded_rect_ring, segment_distance, signed_area,
};
use std::f64::consts::FRAC_PI_2;

/// A point or vector, mm: the plane point type of every pogo crate.
pub type Pt = PointMm;

/// An oriented boundary piece; the region lies on its left (numeric x-y frame).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Piece {
    /// The straight piece from `a` to `b`.
    Segment {
        /// Start, mm.
        a: Pt,
        /// End, mm.
        b: Pt,
    },
    /// Arc of a circle from angle `start` through the signed `sweep` (radians).
    Arc {
        /// Centre, mm.
        c: Pt,
        /// Radius, mm.
        radius: f64,
        /// Angle of the start point, radians.
        start: f64,
        /// Signed angle swept (positive: counter-clockwise in the numeric frame).
        sweep: f64,
    },
}

impl Piece {
    /// The point at parameter t in [0, 1].
    pub(crate) fn point_at(&self, t: f64) -> Pt {
        match *self {
            Piece::Segment { a, b } => a + (b - a) * t,
            Piece::Arc {
                c,
                radius,
                start,
                sweep,
            } => {
                let (s, co) = (start + sweep * t).sin_cos();
                Pt::new(c.x + radius * co, c.y + radius * s)
            }
        }
    }
    /// The derivative of [`Piece::point_at`] at t.
    #[cfg(test)]
    pub(crate) fn velocity_at(&self, t: f64) -> Pt {
        match *self {
            Piece::Segment { a, b } => b - a,
            Piece::Arc { c, sweep, .. } => (self.point_at(t) - c).left() * sweep,
        }
    }
    /// Unit left normal at parameter t.
    fn left_at(&self, t: f64) -> Pt {
        match *self {
            Piece::Segment { a, b } => {
                let d = b - a;
                d.left() * (1.0 / d.norm())
            }
            Piece::Arc { start, sweep, .. } => {
                let (s, co) = (start + sweep * t).sin_cos();
                // Tangent direction is sign(sweep) * (-sin, cos); its left is -sign * radial.
                Pt::new(co, s) * (-sweep.signum())
            }
        }
    }
    fn length(&self) -> f64 {
        match *self {
            Piece::Segment { a, b } => (b - a).norm(),
            Piece::Arc { radius, sweep, .. } => radius * sweep.abs(),
        }
    }
    fn reversed(self) -> Piece {
        match self {
            Piece::Segment { a, b } => Piece::Segment { a: b, b: a },
            Piece::Arc {
                c,
                radius,
                start,
                sweep,
            } => Piece::Arc {
                c,
                radius,
                start: start + sweep,
                sweep: -sweep,
            },
        }
    }
    /// Distance from p to the piece.
    pub fn distance(&self, p: Pt) -> f64 {
        match *self {
            Piece::Segment { a, b } => segment_distance(p, a, b),
            Piece::Arc {
                c,
                radius,
                start,
                sweep,
            } => {
                let v = p - c;
                let ang = v.y.atan2(v.x);
                let (lo, hi) = if sweep >= 0.0 {
                    (start, start + sweep)
                } else {
                    (start + sweep, start)
                };
                let rel = (ang - lo).rem_euclid(std::f64::consts::TAU);
                if rel <= hi - lo {
                    (v.norm() - radius).abs()
                } else {
                    let e0 = self.point_at(0.0);
                    let e1 = self.point_at(1.0);
                    (p - e0).norm().min((p - e1).norm())
                }
            }
        }
    }
}

/// A hole in the exposed copper.
#[derive(Debug, Clone)]
enum Hole {
    /// A round hole (a drill), centre and radius.
    Circle(Pt, f64),
    /// Any other hole, clockwise ring.
    Ring(Vec<Pt>),
}

#[derive(Debug, Clone)]
struct Copper {
    /// Counter-clockwise outer ring (numeric frame).
    outer: Vec<Pt>,
    holes: Vec<Hole>,
}

#[derive(Debug, Clone)]
enum Test {
    /// Convex polygon: inside when left of every edge (a, unit left normal, offset).
    Convex(Vec<(Pt, Pt)>),
    General {
        copper: Vec<Copper>,
        radius: f64,
    },
    /// Rounded rectangle (exact): centre, unit x axis of its frame, inner half sizes
    /// (straight parts) and corner radius.
    RoundRect {
        c: Pt,
        ux: Pt,
        ihw: f64,
        ihh: f64,
        cr: f64,
    },
    Empty,
}

/// A rounded rectangle region: the points within `corner_radius_mm` of the rectangle
/// `|x| <= inner_half_w_mm`, `|y| <= inner_half_h_mm` of its own frame.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoundRectFrame {
    pub centre: Pt,
    /// Unit x axis of the frame (its y axis is `ux.left()`).
    pub ux: Pt,
    pub inner_half_w_mm: f64,
    pub inner_half_h_mm: f64,
    pub corner_radius_mm: f64,
}

/// The tip-centre region of one probe.
#[derive(Debug, Clone)]
pub struct Region {
    /// The boundary, oriented with the region on its left.
    pub pieces: Vec<Piece>,
    test: Test,
    /// Bounding box [min x, min y, max x, max y] (empty region: inverted).
    pub bbox: [f64; 4],
    /// A disc inside the region (centre, radius) for a quick accept.
    inner: (Pt, f64),
}

const EPS_SIDE: f64 = 1e-7;

impl Region {
    /// The empty region.
    pub fn empty() -> Region {
        Region {
            pieces: Vec::new(),
            test: Test::Empty,
            bbox: [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            inner: (Pt::default(), -1.0),
        }
    }

    /// Exact membership: may a tip centred at p touch copper with its whole circle?
    #[inline]
    pub fn contains(&self, p: Pt) -> bool {
        if p.x < self.bbox[0] || p.x > self.bbox[2] || p.y < self.bbox[1] || p.y > self.bbox[3] {
            return false;
        }
        let d = p - self.inner.0;
        if d.dot(d) < self.inner_r2() {
            return true;
        }
        self.contains_exact(p)
    }

    /// Squared radius of the quick-accept disc (negative when there is none).
    fn inner_r2(&self) -> f64 {
        let r = self.inner.1;
        if r > 0.0 { r * r } else { -1.0 }
    }

    /// The quick tests of [`Region::contains`], for callers that test many points at
    /// once: the bounding box, the quick-accept disc's centre and squared radius
    /// (negative when there is none). A point in the box and in the disc is inside;
    /// one in the box and outside the disc needs [`Region::contains_exact`].
    pub(crate) fn quick_tests(&self) -> ([f64; 4], Pt, f64) {
        (self.bbox, self.inner.0, self.inner_r2())
    }

    /// Exact membership without the quick tests.
    pub(crate) fn contains_exact(&self, p: Pt) -> bool {
        match &self.test {
            Test::Empty => false,
            Test::Convex(edges) => edges.iter().all(|&(a, n)| (p - a).dot(n) >= 0.0),
            Test::General { copper, radius } => copper.iter().any(|c| copper_admits(c, *radius, p)),
            Test::RoundRect {
                c,
                ux,
                ihw,
                ihh,
                cr,
            } => {
                let d = p - *c;
                let lx = (d.dot(*ux).abs() - ihw).max(0.0);
                let ly = (d.dot(ux.left()).abs() - ihh).max(0.0);
                lx * lx + ly * ly <= cr * cr
            }
        }
    }

    /// Signed distance from p to the region's boundary: positive inside.
    pub fn margin(&self, p: Pt) -> f64 {
        let d = self
            .pieces
            .iter()
            .map(|piece| piece.distance(p))
            .fold(f64::INFINITY, f64::min);
        if !d.is_finite() {
            return f64::NEG_INFINITY;
        }
        if self.contains_exact(p) { d } else { -d }
    }

    /// True when the region has no boundary (no place the tip centre may land).
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The frame of a rounded-rectangle region (circle, rect, roundrect and oval pads):
    /// centre, unit x axis, inner half sizes (the straight parts) and corner radius, mm.
    pub(crate) fn round_rect_frame(&self) -> Option<RoundRectFrame> {
        match self.test {
            Test::RoundRect {
                c,
                ux,
                ihw,
                ihh,
                cr,
            } => Some(RoundRectFrame {
                centre: c,
                ux,
                inner_half_w_mm: ihw,
                inner_half_h_mm: ihh,
                corner_radius_mm: cr,
            }),
            _ => None,
        }
    }

    /// Area of the region, mm^2 (Green's theorem over the pieces).
    pub fn area_mm2(&self) -> f64 {
        self.pieces
            .iter()
            .map(|p| match *p {
                Piece::Segment { a, b } => 0.5 * a.cross(b),
                Piece::Arc {
                    c,
                    radius,
                    start,
                    sweep,
                } => {
                    let a = self_point(c, radius, start);
                    let b = self_point(c, radius, start + sweep);
                    // 0.5 * integral of (x dy - y dx) along the arc.
                    0.5 * (radius * radius * sweep + c.cross(b - a))
                }
            })
            .sum()
    }

    /// Builds the region for a target and tip contact radius (mm).
    ///
    /// The target's `exposed` polygons are the copper when it has them; otherwise
    /// its shape figures (circle, rect, roundrect and oval exactly, with true arcs).
    pub fn for_target(target: &Target, contact_radius_mm: f64) -> Region {
        if target.exposed.iter().any(|p| p.outer.len() >= 3) {
            return Region::erode(&target.exposed, contact_radius_mm);
        }
        let (hw, hh) = (target.w / 2.0, target.h / 2.0);
        let cr = match target.shape.as_str() {
            "circle" => {
                let r = hw.max(hh);
                return Region::rounded_rect(
                    Pt::new(target.x, target.y),
                    r,
                    r,
                    r,
                    0.0,
                    contact_radius_mm,
                );
            }
            "rect" => 0.0,
            "roundrect" => target.corner_radius_mm.clamp(0.0, hw.min(hh)),
            "oval" => hw.min(hh),
            _ => return Region::erode(&[shape_polygon(target)], contact_radius_mm),
        };
        Region::rounded_rect(
            Pt::new(target.x, target.y),
            hw,
            hh,
            cr,
            target.rotation,
            contact_radius_mm,
        )
    }

    /// A rounded rectangle (half sizes, corner radius, KiCad rotation in degrees)
    /// eroded by `radius`: again a rounded rectangle, kept exact.
    pub fn rounded_rect(
        c: Pt,
        hw: f64,
        hh: f64,
        cr: f64,
        rotation_deg: f64,
        radius: f64,
    ) -> Region {
        let (hw, hh) = (hw - radius, hh - radius);
        let cr = (cr - radius).max(0.0);
        if hw <= 0.0 || hh <= 0.0 || !(hw.is_finite() && hh.is_finite()) {
            return Region::empty();
        }
        let (ihw, ihh) = (hw - cr, hh - cr);
        // KiCad rotation: local (x, y) -> (x cos + y sin, -x sin + y cos).
        let (sn, cs) = rotation_deg.to_radians().sin_cos();
        let ux = Pt::new(cs, -sn);
        let uy = Pt::new(sn, cs);
        let to_page = |x: f64, y: f64| c + ux * x + uy * y;
        let turn = (-sn).atan2(cs); // angle of the local x axis in the page frame
        let h = std::f64::consts::FRAC_PI_2;
        let mut pieces = Vec::new();
        let corners = [
            (ihw, ihh, 0.0),
            (-ihw, ihh, h),
            (-ihw, -ihh, 2.0 * h),
            (ihw, -ihh, 3.0 * h),
        ];
        // Counter-clockwise in the local frame: right side, top-right corner, top ...
        let sides = [
            ((hw, -ihh), (hw, ihh)),
            ((ihw, hh), (-ihw, hh)),
            ((-hw, ihh), (-hw, -ihh)),
            ((-ihw, -hh), (ihw, -hh)),
        ];
        for k in 0..4 {
            let (a, b) = sides[k];
            if (a.0 - b.0).abs() + (a.1 - b.1).abs() > 1e-12 {
                pieces.push(Piece::Segment {
                    a: to_page(a.0, a.1),
                    b: to_page(b.0, b.1),
                });
            }
            let (x, y, start) = corners[k];
            if cr > 0.0 {
                pieces.push(Piece::Arc {
                    c: to_page(x, y),
                    radius: cr,
                    start: start + turn,
                    sweep: h,
                });
            }
        }
        // The local frame is a proper rotation of the page's numeric frame, so the
        // local counter-clockwise order stays counter-clockwise.
        let ext = Pt::new(
            (ux.x * hw).abs() + (uy.x * hh).abs(),
            (ux.y * hw).abs() + (uy.y * hh).abs(),
        );
        Region {
            pieces,
            test: Test::RoundRect {
                c,
                ux,
                ihw,
                ihh,
                cr,
            },
            bbox: [
                c.x - ext.x - 1e-12,
                c.y - ext.y - 1e-12,
                c.x + ext.x + 1e-12,
                c.y + ext.y + 1e-12,
            ],
            inner: (c, hw.min(hh) * (1.0 - 1e-9)),
        }
    }

    /// Region of tip centres whose contact circle of `radius` lies in `polys`.
    pub fn erode(polys: &[PolygonMm], radius: f64) -> Region {
        let mut copper = Vec::new();
        for poly in polys {
            let mut outer = clean_ring(&poly.outer);
            if outer.len() < 3 {
                continue;
            }
            if signed_area(&outer) < 0.0 {
                outer.reverse();
            }
            let mut holes = Vec::new();
            for h in &poly.holes {
                let mut ring = clean_ring(h);
                if ring.len() < 3 {
                    continue;
                }
                if let Some((c, r)) = as_circle(&ring) {
                    holes.push(Hole::Circle(c, r));
                    continue;
                }
                if signed_area(&ring) > 0.0 {
                    ring.reverse();
                }
                holes.push(Hole::Ring(ring));
            }
            copper.push(Copper { outer, holes });
        }
        if copper.is_empty() {
            return Region::empty();
        }
        if copper.len() == 1 && copper[0].holes.is_empty() && is_convex(&copper[0].outer) {
            return convex_erode(&copper[0].outer, radius);
        }
        general_erode(copper, radius)
    }
}

fn self_point(c: Pt, r: f64, ang: f64) -> Pt {
    let (s, co) = ang.sin_cos();
    Pt::new(c.x + r * co, c.y + r * s)
}

fn is_convex(ring: &[Pt]) -> bool {
    let n = ring.len();
    (0..n).all(|i| {
        let a = ring[(i + 1) % n] - ring[i];
        let b = ring[(i + 2) % n] - ring[(i + 1) % n];
        a.cross(b) >= 0.0
    })
}

/// A ring whose vertices all lie on one circle (a flattened drill), as (centre, radius).
fn as_circle(ring: &[Pt]) -> Option<(Pt, f64)> {
    if ring.len() < 8 {
        return None;
    }
    let n = ring.len() as f64;
    let c = ring.iter().fold(Pt::default(), |acc, p| acc + *p) * (1.0 / n);
    let rs: Vec<f64> = ring.iter().map(|p| (*p - c).norm()).collect();
    let rmax = rs.iter().cloned().fold(0.0, f64::max);
    let rmin = rs.iter().cloned().fold(f64::INFINITY, f64::min);
    (rmax - rmin <= 1e-4 * rmax.max(1e-6)).then_some((c, rmax))
}

/// The ring-semantics test: contact circle of `r` around p lies in this copper.
fn copper_admits(c: &Copper, r: f64, p: Pt) -> bool {
    if !point_in_ring(p, &c.outer) || ring_distance(p, &c.outer) < r {
        return false;
    }
    c.holes.iter().all(|h| match h {
        Hole::Circle(o, hr) => {
            let d = (p - *o).norm();
            d + hr <= r || d - hr >= r
        }
        Hole::Ring(ring) => {
            let dmax = ring.iter().map(|v| (p - *v).norm()).fold(0.0, f64::max);
            dmax <= r || (!point_in_ring(p, ring) && ring_distance(p, ring) >= r)
        }
    })
}

/// Erosion of a convex CCW polygon: intersection of its edges' half-planes moved in.
fn convex_erode(ring: &[Pt], r: f64) -> Region {
    let n = ring.len();
    let mut poly: Vec<Pt> = ring.to_vec();
    let mut edges = Vec::with_capacity(n);
    for i in 0..n {
        let a = ring[i];
        let d = ring[(i + 1) % n] - a;
        let nrm = d.left() * (1.0 / d.norm());
        let base = a + nrm * r;
        edges.push((base, nrm));
        // Sutherland-Hodgman clip of `poly` by (p - base) . nrm >= 0.
        let m = poly.len();
        if m == 0 {
            break;
        }
        let mut out = Vec::with_capacity(m + 1);
        for j in 0..m {
            let p = poly[j];
            let q = poly[(j + 1) % m];
            let dp = (p - base).dot(nrm);
            let dq = (q - base).dot(nrm);
            if dp >= 0.0 {
                out.push(p);
            }
            if (dp >= 0.0) != (dq >= 0.0) {
                let t = dp / (dp - dq);
                out.push(p + (q - p) * t);
            }
        }
        poly = clean_ring(&out);
    }
    if poly.len() < 3 || signed_area(&poly) <= 1e-18 {
        return Region::empty();
    }
    let m = poly.len();
    let pieces = (0..m)
        .map(|i| Piece::Segment {
            a: poly[i],
            b: poly[(i + 1) % m],
        })
        .collect();
    // Inner disc: centroid and distance to the nearest edge.
    let c = poly.iter().fold(Pt::default(), |acc, p| acc + *p) * (1.0 / m as f64);
    let inner_r = edges
        .iter()
        .map(|&(a, nrm)| (c - a).dot(nrm))
        .fold(f64::INFINITY, f64::min);
    Region {
        pieces,
        bbox: bbox_of(poly.iter().copied()),
        test: Test::Convex(edges),
        inner: (c, inner_r.max(-1.0) * (1.0 - 1e-9)),
    }
}

/// A candidate boundary curve before trimming.
#[derive(Clone, Copy, Debug)]
enum Cand {
    Seg(Pt, Pt),
    Circle(Pt, f64),
}

/// General erosion: every curve on which membership can change (inward offsets of
/// the copper edges, circles of the contact radius round reflex corners and hole
/// vertices, circles round drills) is split at its crossings with the others; a
/// piece is kept, oriented, where the membership differs on its two sides.
fn general_erode(copper: Vec<Copper>, r: f64) -> Region {
    let mut cands = Vec::new();
    for c in &copper {
        ring_candidates(&c.outer, r, &mut cands);
        for h in &c.holes {
            match h {
                Hole::Circle(o, hr) => {
                    cands.push(Cand::Circle(*o, r + hr));
                    if r > *hr {
                        cands.push(Cand::Circle(*o, r - hr));
                    }
                }
                Hole::Ring(ring) => ring_candidates(ring, r, &mut cands),
            }
        }
    }
    let mut region = Region {
        pieces: Vec::new(),
        test: Test::General { copper, radius: r },
        bbox: [
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::INFINITY,
        ],
        inner: (Pt::default(), -1.0),
    };
    let boxes: Vec<[f64; 4]> = cands.iter().map(cand_bbox).collect();
    let mut pieces = Vec::new();
    for (i, cand) in cands.iter().enumerate() {
        let mut cuts: Vec<f64> = Vec::new();
        for (j, other) in cands.iter().enumerate() {
            if i == j || !overlap(&boxes[i], &boxes[j]) {
                continue;
            }
            crossings(cand, other, &mut cuts);
        }
        for piece in split(cand, cuts) {
            if piece.length() < 1e-9 {
                continue;
            }
            let m = piece.point_at(0.5);
            let n = piece.left_at(0.5);
            let left = region.contains_exact(m + n * EPS_SIDE);
            let right = region.contains_exact(m - n * EPS_SIDE);
            match (left, right) {
                (true, false) => pieces.push(piece),
                (false, true) => pieces.push(piece.reversed()),
                _ => {}
            }
        }
    }
    dedupe(&mut pieces);
    if pieces.is_empty() {
        return Region::empty();
    }
    let mut ends = Vec::new();
    for p in &pieces {
        for k in 0..=8 {
            ends.push(p.point_at(k as f64 / 8.0));
        }
    }
    let mut bb = bbox_of(ends);
    // Arcs bulge at most by their sagitta between the 9 sampled points.
    let slack = pieces
        .iter()
        .map(|p| match p {
            Piece::Arc { radius, .. } => radius * (1.0 - (std::f64::consts::PI / 8.0).cos()),
            Piece::Segment { .. } => 0.0,
        })
        .fold(0.0, f64::max)
        + 1e-9;
    bb[0] -= slack;
    bb[1] -= slack;
    bb[2] += slack;
    bb[3] += slack;
    region.bbox = bb;
    region.pieces = pieces;
    region
}

fn ring_candidates(ring: &[Pt], r: f64, out: &mut Vec<Cand>) {
    let n = ring.len();
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        let d = b - a;
        let nrm = d.left() * (1.0 / d.norm());
        out.push(Cand::Seg(a + nrm * r, b + nrm * r));
        if r <= 0.0 {
            continue;
        }
        // Reflex corner at b (copper on the left: a right turn).
        let e = ring[(i + 2) % n] - b;
        if d.cross(e) < 0.0 {
            out.push(Cand::Circle(b, r));
        }
    }
}

fn cand_bbox(c: &Cand) -> [f64; 4] {
    match *c {
        Cand::Seg(a, b) => [a.x.min(b.x), a.y.min(b.y), a.x.max(b.x), a.y.max(b.y)],
        Cand::Circle(o, r) => [o.x - r, o.y - r, o.x + r, o.y + r],
    }
}

fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    let e = 1e-9;
    a[0] <= b[2] + e && b[0] <= a[2] + e && a[1] <= b[3] + e && b[1] <= a[3] + e
}

/// Parameters on `c` (segment t in [0, 1], circle angle) where `other` crosses it.
fn crossings(c: &Cand, other: &Cand, cuts: &mut Vec<f64>) {
    match (*c, *other) {
        (Cand::Seg(a, b), Cand::Seg(p, q)) => {
            let d = b - a;
            let e = q - p;
            let den = d.cross(e);
            let len2 = d.dot(d);
            if den.abs() <= 1e-14 * len2.sqrt() * e.norm() {
                // Parallel: cut at the other's ends when collinear.
                if (p - a).cross(d).abs() <= 1e-12 * len2.sqrt() {
                    for x in [p, q] {
                        let t = (x - a).dot(d) / len2;
                        if t > 0.0 && t < 1.0 {
                            cuts.push(t);
                        }
                    }
                }
                return;
            }
            let t = (p - a).cross(e) / den;
            let u = (p - a).cross(d) / den;
            if (-1e-12..=1.0 + 1e-12).contains(&t) && (-1e-12..=1.0 + 1e-12).contains(&u) {
                cuts.push(t);
            }
        }
        (Cand::Seg(a, b), Cand::Circle(o, r)) => {
            let d = b - a;
            let f = a - o;
            let qa = d.dot(d);
            let qb = 2.0 * f.dot(d);
            let qc = f.dot(f) - r * r;
            let disc = qb * qb - 4.0 * qa * qc;
            if disc < -1e-12 * qb * qb {
                return;
            }
            let s = disc.max(0.0).sqrt();
            for t in [(-qb - s) / (2.0 * qa), (-qb + s) / (2.0 * qa)] {
                if (0.0..=1.0).contains(&t) {
                    cuts.push(t);
                }
            }
        }
        (Cand::Circle(o, r), Cand::Seg(a, b)) => {
            let mut ts = Vec::new();
            crossings(&Cand::Seg(a, b), &Cand::Circle(o, r), &mut ts);
            // Ends lying on the circle (tangent offsets meet corner circles there).
            for e in [a, b] {
                if ((e - o).norm() - r).abs() <= 1e-9 * r.max(1.0) {
                    cuts.push((e.y - o.y).atan2(e.x - o.x));
                }
            }
            for t in ts {
                let p = a + (b - a) * t;
                cuts.push((p.y - o.y).atan2(p.x - o.x));
            }
        }
        (Cand::Circle(o1, r1), Cand::Circle(o2, r2)) => {
            let d = o2 - o1;
            let dist = d.norm();
            if dist < 1e-12 || dist > r1 + r2 || dist < (r1 - r2).abs() {
                return;
            }
            let base = d.y.atan2(d.x);
            let cosa = ((r1 * r1 + dist * dist - r2 * r2) / (2.0 * r1 * dist)).clamp(-1.0, 1.0);
            let alpha = cosa.acos();
            cuts.push(base + alpha);
            cuts.push(base - alpha);
        }
    }
}

fn split(c: &Cand, mut cuts: Vec<f64>) -> Vec<Piece> {
    match *c {
        Cand::Seg(a, b) => {
            cuts.retain(|t| *t > 1e-12 && *t < 1.0 - 1e-12);
            cuts.push(0.0);
            cuts.push(1.0);
            cuts.sort_by(f64::total_cmp);
            cuts.dedup_by(|x, y| (*x - *y).abs() < 1e-12);
            cuts.windows(2)
                .map(|w| Piece::Segment {
                    a: a + (b - a) * w[0],
                    b: a + (b - a) * w[1],
                })
                .collect()
        }
        Cand::Circle(o, r) => {
            let tau = std::f64::consts::TAU;
            let mut angs: Vec<f64> = cuts.into_iter().map(|a| a.rem_euclid(tau)).collect();
            angs.sort_by(f64::total_cmp);
            angs.dedup_by(|x, y| (*x - *y).abs() < 1e-12);
            if angs.is_empty() {
                return vec![Piece::Arc {
                    c: o,
                    radius: r,
                    start: 0.0,
                    sweep: tau,
                }];
            }
            let n = angs.len();
            (0..n)
                .map(|i| {
                    let start = angs[i];
                    let end = if i + 1 < n {
                        angs[i + 1]
                    } else {
                        angs[0] + tau
                    };
                    Piece::Arc {
                        c: o,
                        radius: r,
                        start,
                        sweep: end - start,
                    }
                })
                .filter(|p| matches!(p, Piece::Arc { sweep, .. } if *sweep > 1e-12))
                .collect()
        }
    }
}

/// Removes pieces that repeat another (overlapping collinear offsets).
fn dedupe(pieces: &mut Vec<Piece>) {
    let mut kept: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces.drain(..) {
        let dup = kept.iter().any(|k| {
            (k.point_at(0.0) - p.point_at(0.0)).norm() < 1e-9
                && (k.point_at(1.0) - p.point_at(1.0)).norm() < 1e-9
                && (k.point_at(0.5) - p.point_at(0.5)).norm() < 1e-9
        });
        if !dup {
            kept.push(p);
        }
    }
    *pieces = kept;
}

/// Largest distance between a shape's true arc and its chords ([`shape_polygon`]), mm.
const SHAPE_CHORD_MM: f64 = 1e-6;

/// The pad outline from its shape figures (used when the target has no exposed
/// polygons), absolute, flattened to chords within 1 nm.
pub fn shape_polygon(t: &Target) -> PolygonMm {
    let hw = t.w / 2.0;
    let hh = t.h / 2.0;
    let rounded = |r: f64| {
        let n = arc_chords(r.min(hw).min(hh), FRAC_PI_2, SHAPE_CHORD_MM, 2000);
        rounded_rect_ring(-hw, -hh, hw, hh, r, n)
    };
    let local: Vec<Pt> = match t.shape.as_str() {
        "circle" => {
            let r = hw.max(hh);
            let n = 4 * arc_chords(r, FRAC_PI_2, SHAPE_CHORD_MM, 2000);
            circle_ring(Pt::default(), r, n)
        }
        "oval" => rounded(hw.min(hh)),
        "roundrect" => rounded(t.corner_radius_mm),
        _ => rounded(0.0),
    };
    let outer = clean_ring(&local)
        .into_iter()
        .map(|p| {
            let q = p.rotated_deg(t.rotation);
            Pt::new(t.x + q.x, t.y + q.y)
        })
        .collect();
    PolygonMm {
        outer,
        holes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pogo_geom::PointMm;

    fn square(h: f64) -> PolygonMm {
        PolygonMm {
            outer: pogo_geom::rect_ring(-h, -h, h, h),
            holes: vec![],
        }
    }

    #[test]
    fn convex_erosion_of_square() {
        let r = Region::erode(&[square(1.0)], 0.25);
        assert!((r.area_mm2() - 1.5 * 1.5).abs() < 1e-12);
        assert!(r.contains(Pt::new(0.74, 0.74)));
        assert!(!r.contains(Pt::new(0.76, 0.0)));
    }

    #[test]
    fn l_shape_erosion_has_round_inner_corner() {
        // L shape: 2x2 square minus its top-right 1x1 quadrant.
        let poly = PolygonMm {
            outer: pogo_geom::l_ring(2.0, 1.0),
            holes: vec![],
        };
        let r = 0.2;
        let region = Region::erode(&[poly], r);
        // Erosion area: two 1.6 x 0.6 arms overlapping in 0.6 x 0.6, plus the quarter
        // annulus at the reflex corner bounded by the arc.
        // Straight part: union of [0.2,1.8]x[0.2,0.8] and [0.2,0.8]x[0.2,1.8], minus the
        // square [0.8,1.0]x[0.8,1.0] outside the arc (points within r of (1,1) are out).
        let union = 1.6 * 0.6 * 2.0 - 0.36;
        let corner_square = 0.2 * 0.2; // [0.8,1.0]^2 region near reflex corner
        let quarter = std::f64::consts::PI * r * r / 4.0;
        let expected = union + corner_square - quarter;
        assert!(
            (region.area_mm2() - expected).abs() < 1e-9,
            "{} vs {expected}",
            region.area_mm2()
        );
        assert!(region.contains(Pt::new(0.5, 0.5)));
        assert!(!region.contains(Pt::new(0.95, 0.95)));
    }

    #[test]
    fn annulus_with_drill_inside_contact_circle() {
        // Via: copper disc radius 0.4, drill radius 0.15, tip contact radius 0.3.
        let n = 64;
        let ring = |r: f64| -> Vec<PointMm> {
            (0..n)
                .map(|k| {
                    let a = std::f64::consts::TAU * k as f64 / n as f64;
                    PointMm::new(r * a.cos(), r * a.sin())
                })
                .collect()
        };
        let poly = PolygonMm {
            outer: ring(0.4),
            holes: vec![ring(0.15)],
        };
        let region = Region::erode(&[poly], 0.3);
        // Centre within 0.15 (= 0.3 - 0.15) of the via centre and, from the outer, the
        // centre is within 0.1 of it (0.4 - 0.3, polygon inradius slightly less).
        assert!(region.contains(Pt::new(0.0, 0.0)));
        assert!(region.contains(Pt::new(0.09, 0.0)));
        assert!(!region.contains(Pt::new(0.11, 0.0)));
        let inr = 0.4 * (std::f64::consts::PI / n as f64).cos() - 0.3;
        let area = region.area_mm2();
        assert!(
            area > std::f64::consts::PI * (inr - 1e-3).powi(2)
                && area < std::f64::consts::PI * 0.1f64.powi(2)
        );
    }
}
