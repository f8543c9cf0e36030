//! Geometry of targets and keep-outs: pad copper polygons, the largest circle a pad
//! admits, distances to the board outline and to courtyards (rstar-indexed).

use geo::{BooleanOps, BoundingRect, Contains, Coord, LineString, MultiPolygon, Polygon};
use pogo_board::geometry::{
    arc_chords, circle_ring, polygon_contains, polygon_edge_distance, rounded_rect_ring,
};
use pogo_board::{Board, Footprint, Pad, PadPrimitive, PadShape, PointMm, PolygonMm};
use rstar::{AABB, RTree, RTreeObject, primitives::GeomWithData, primitives::Line as RLine};

/// Largest distance between a true arc and its chords, mm.
const CHORD_TOLERANCE_MM: f64 = 0.002;

/// Chords for an arc: one when the arc is no larger than the chord tolerance.
fn arc_steps(radius: f64, sweep_rad: f64) -> usize {
    if radius <= CHORD_TOLERANCE_MM {
        return 1;
    }
    arc_chords(radius, sweep_rad, CHORD_TOLERANCE_MM, 128)
}

/// Appends an arc around `c` from `a0` to `a1` (radians, y down as math angles).
fn push_arc(out: &mut Vec<PointMm>, c: PointMm, r: f64, a0: f64, a1: f64) {
    let sweep = a1 - a0;
    out.extend(pogo_board::geometry::arc_points(
        c,
        r,
        a0,
        sweep,
        arc_steps(r, sweep),
    ));
}

/// A rectangle of `w` x `h` centred on the origin with corner radius `r` (0 for sharp).
fn rounded_rect(w: f64, h: f64, r: f64) -> Vec<PointMm> {
    let (hw, hh) = (w / 2.0, h / 2.0);
    let chords = arc_steps(r.min(hw).min(hh), std::f64::consts::FRAC_PI_2);
    rounded_rect_ring(-hw, -hh, hw, hh, r, chords)
}

fn circle(c: PointMm, r: f64) -> Vec<PointMm> {
    circle_ring(c, r, arc_steps(r, std::f64::consts::TAU))
}

/// A stroke of width `w` from `a` to `b` with round ends.
fn capsule(a: PointMm, b: PointMm, w: f64) -> Vec<PointMm> {
    let r = w / 2.0;
    let d = b - a;
    let len = d.x.hypot(d.y);
    if len < 1e-9 {
        return circle(a, r);
    }
    let ang = d.y.atan2(d.x);
    use std::f64::consts::{FRAC_PI_2, PI};
    let mut out = Vec::new();
    push_arc(&mut out, b, r, ang - FRAC_PI_2, ang + FRAC_PI_2);
    push_arc(&mut out, a, r, ang + FRAC_PI_2, ang + FRAC_PI_2 + PI);
    dedup(out)
}

fn dedup(mut pts: Vec<PointMm>) -> Vec<PointMm> {
    pts.dedup_by(|a, b| a.distance_mm(*b) < 1e-9);
    if pts.len() > 1 && pts[0].distance_mm(pts[pts.len() - 1]) < 1e-9 {
        pts.pop();
    }
    pts
}

fn chamfered(w: f64, h: f64, pad: &Pad) -> Vec<PointMm> {
    let PadShape::ChamferedRect {
        chamfer_ratio,
        chamfers,
        round_ratio,
    } = &pad.shape
    else {
        unreachable!()
    };
    let (hw, hh) = (w / 2.0, h / 2.0);
    let c = (chamfer_ratio * w.min(h)).clamp(0.0, w.min(h) / 2.0);
    // Corners clockwise on screen from top-left (y down); rounding of the remaining
    // corners is ignored (it only removes copper near corners: conservative for
    // admitting a circle is not needed there, the circle sits at the centre).
    let _ = round_ratio;
    let mut out = Vec::new();
    let corner =
        |out: &mut Vec<PointMm>, p: PointMm, cut: bool, before: PointMm, after: PointMm| {
            if cut && c > 0.0 {
                out.push(p + PointMm::new(before.x * c, before.y * c));
                out.push(p + PointMm::new(after.x * c, after.y * c));
            } else {
                out.push(p);
            }
        };
    corner(
        &mut out,
        PointMm::new(-hw, -hh),
        chamfers.top_left,
        PointMm::new(0.0, 1.0),
        PointMm::new(1.0, 0.0),
    );
    corner(
        &mut out,
        PointMm::new(hw, -hh),
        chamfers.top_right,
        PointMm::new(-1.0, 0.0),
        PointMm::new(0.0, 1.0),
    );
    corner(
        &mut out,
        PointMm::new(hw, hh),
        chamfers.bottom_right,
        PointMm::new(0.0, -1.0),
        PointMm::new(-1.0, 0.0),
    );
    corner(
        &mut out,
        PointMm::new(-hw, hh),
        chamfers.bottom_left,
        PointMm::new(1.0, 0.0),
        PointMm::new(0.0, -1.0),
    );
    dedup(out)
}

fn to_geo(ring: &[PointMm]) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = ring.iter().map(|p| Coord { x: p.x, y: p.y }).collect();
    if let Some(&first) = coords.first() {
        coords.push(first);
    }
    LineString::new(coords)
}

fn from_geo(poly: &Polygon<f64>) -> PolygonMm {
    let ring = |ls: &LineString<f64>| -> Vec<PointMm> {
        let mut v: Vec<PointMm> = ls.0.iter().map(|c| PointMm::new(c.x, c.y)).collect();
        if v.len() > 1 && v[0] == v[v.len() - 1] {
            v.pop();
        }
        v
    };
    PolygonMm {
        outer: ring(poly.exterior()),
        holes: poly.interiors().iter().map(ring).collect(),
    }
}

/// The pad's copper in its own frame (centred on the shape centre, before rotation),
/// shrunk by `inset_mm` (a negative solder mask margin), as one or more polygons.
fn local_copper(pad: &Pad, inset_mm: f64) -> Vec<PolygonMm> {
    let w = pad.size_mm.w - 2.0 * inset_mm;
    let h = pad.size_mm.h - 2.0 * inset_mm;
    if w <= 0.0 || h <= 0.0 {
        return Vec::new();
    }
    let simple = |outer: Vec<PointMm>| {
        vec![PolygonMm {
            outer,
            holes: Vec::new(),
        }]
    };
    match &pad.shape {
        PadShape::Circle => simple(circle(PointMm::default(), w.min(h) / 2.0)),
        PadShape::Rect => simple(rounded_rect(w, h, 0.0)),
        PadShape::Oval => simple(rounded_rect(w, h, w.min(h) / 2.0)),
        PadShape::RoundRect { ratio } => {
            let r = ratio * pad.size_mm.w.min(pad.size_mm.h) - inset_mm;
            simple(rounded_rect(w, h, r.max(0.0)))
        }
        PadShape::ChamferedRect { .. } => simple(chamfered(w, h, pad)),
        PadShape::Trapezoid { delta_mm } => {
            // KiCad: delta.x narrows the left/right edges (y extent), delta.y the
            // top/bottom edges (x extent).
            let (hw, hh) = (w / 2.0, h / 2.0);
            let (dx, dy) = (delta_mm.x / 2.0, delta_mm.y / 2.0);
            simple(vec![
                PointMm::new(-hw - dy, hh + dx),
                PointMm::new(hw + dy, hh - dx),
                PointMm::new(hw - dy, -hh + dx),
                PointMm::new(-hw + dy, -hh - dx),
            ])
        }
        PadShape::Custom {
            anchor_is_circle,
            primitives,
        } => {
            let mut parts: Vec<Polygon<f64>> = Vec::new();
            let anchor = if *anchor_is_circle {
                circle(PointMm::default(), w.min(h) / 2.0)
            } else {
                rounded_rect(w, h, 0.0)
            };
            parts.push(Polygon::new(to_geo(&anchor), vec![]));
            for prim in primitives {
                match prim {
                    PadPrimitive::Polygon {
                        points, width_mm, ..
                    } => {
                        if points.len() >= 3 {
                            parts.push(Polygon::new(to_geo(points), vec![]));
                        }
                        if *width_mm > 0.0 {
                            for i in 0..points.len() {
                                let (a, b) = (points[i], points[(i + 1) % points.len()]);
                                parts.push(Polygon::new(to_geo(&capsule(a, b, *width_mm)), vec![]));
                            }
                        }
                    }
                    PadPrimitive::Line {
                        start,
                        end,
                        width_mm,
                    } => {
                        parts.push(Polygon::new(
                            to_geo(&capsule(*start, *end, *width_mm)),
                            vec![],
                        ));
                    }
                    PadPrimitive::Arc {
                        start,
                        mid,
                        end,
                        width_mm,
                    } => {
                        for (a, b) in arc_points(*start, *mid, *end)
                            .windows(2)
                            .map(|w| (w[0], w[1]))
                        {
                            parts.push(Polygon::new(to_geo(&capsule(a, b, *width_mm)), vec![]));
                        }
                    }
                    PadPrimitive::Circle {
                        center,
                        radius_mm,
                        width_mm,
                        filled,
                    } => {
                        let outer = circle(*center, radius_mm + width_mm / 2.0);
                        let inner_r = radius_mm - width_mm / 2.0;
                        let holes = if *filled || inner_r <= 0.0 {
                            vec![]
                        } else {
                            vec![to_geo(&circle(*center, inner_r))]
                        };
                        parts.push(Polygon::new(to_geo(&outer), holes));
                    }
                    PadPrimitive::Rect {
                        start,
                        end,
                        width_mm,
                        filled,
                    } => {
                        let corners = [
                            *start,
                            PointMm::new(end.x, start.y),
                            *end,
                            PointMm::new(start.x, end.y),
                        ];
                        if *filled {
                            parts.push(Polygon::new(to_geo(&corners), vec![]));
                        }
                        if *width_mm > 0.0 {
                            for i in 0..4 {
                                let c = capsule(corners[i], corners[(i + 1) % 4], *width_mm);
                                parts.push(Polygon::new(to_geo(&c), vec![]));
                            }
                        }
                    }
                }
            }
            let mut acc = MultiPolygon::new(vec![parts[0].clone()]);
            for p in &parts[1..] {
                acc = acc.union(&MultiPolygon::new(vec![p.clone()]));
            }
            acc.0.iter().map(from_geo).collect()
        }
    }
}

/// Points along the circular arc through `s`, `m`, `e` (a straight line when collinear).
fn arc_points(s: PointMm, m: PointMm, e: PointMm) -> Vec<PointMm> {
    let d = 2.0 * (s.x * (m.y - e.y) + m.x * (e.y - s.y) + e.x * (s.y - m.y));
    if d.abs() < 1e-12 {
        return vec![s, e];
    }
    let sq = |p: PointMm| p.x * p.x + p.y * p.y;
    let c = PointMm::new(
        (sq(s) * (m.y - e.y) + sq(m) * (e.y - s.y) + sq(e) * (s.y - m.y)) / d,
        (sq(s) * (e.x - m.x) + sq(m) * (s.x - e.x) + sq(e) * (m.x - s.x)) / d,
    );
    let r = c.distance_mm(s);
    let ang = |p: PointMm| (p.y - c.y).atan2(p.x - c.x);
    let (a0, am, a1) = (ang(s), ang(m), ang(e));
    let tau = 2.0 * std::f64::consts::PI;
    let norm = |a: f64| a.rem_euclid(tau);
    // Sweep from a0 to a1 passing through am.
    let ccw = norm(am - a0) < norm(a1 - a0);
    let sweep = if ccw { norm(a1 - a0) } else { -norm(a0 - a1) };
    let mut out = Vec::new();
    push_arc(&mut out, c, r, a0, a0 + sweep);
    out
}

/// Absolute copper polygons of a pad (page frame), shrunk by `inset_mm`.
pub(crate) fn pad_copper(pad: &Pad, inset_mm: f64) -> Vec<PolygonMm> {
    let offset = pad.drill.as_ref().map(|d| d.offset_mm).unwrap_or_default();
    let place = |p: PointMm| pad.position + (p + offset).rotated_deg(pad.rotation_deg);
    local_copper(pad, inset_mm)
        .into_iter()
        .map(|poly| PolygonMm {
            outer: poly.outer.into_iter().map(place).collect(),
            holes: poly
                .holes
                .into_iter()
                .map(|h| h.into_iter().map(place).collect())
                .collect(),
        })
        .collect()
}

/// The centre of the pad's shape (its hole centre plus any drill offset), page frame.
pub(crate) fn pad_shape_centre(pad: &Pad) -> PointMm {
    let offset = pad.drill.as_ref().map(|d| d.offset_mm).unwrap_or_default();
    pad.position + offset.rotated_deg(pad.rotation_deg)
}

/// Absolute polygon of a via's copper land.
pub(crate) fn via_copper(centre: PointMm, diameter_mm: f64) -> PolygonMm {
    PolygonMm {
        outer: circle(centre, diameter_mm / 2.0),
        holes: Vec::new(),
    }
}

/// Signed clearance of `p` in a set of polygons: the distance to the nearest edge when
/// inside one of them (the radius of the largest circle centred on `p` that fits the
/// copper), negative (minus the distance) when outside all.
pub(crate) fn inscribed_radius(polys: &[PolygonMm], p: PointMm) -> f64 {
    let mut best = f64::NEG_INFINITY;
    for poly in polys {
        let inside = polygon_contains(poly, p);
        let d = polygon_edge_distance(poly, p);
        best = best.max(if inside { d } else { -d });
    }
    best
}

/// The point of `polys` farthest inside (pole of inaccessibility, found by a grid
/// search refined three times around the best point), with its radius. Starts from
/// `hint` (the shape centre), which wins ties.
pub(crate) fn best_probe_point(polys: &[PolygonMm], hint: PointMm, search: bool) -> (PointMm, f64) {
    let mut best = (hint, inscribed_radius(polys, hint));
    if !search {
        return best;
    }
    let bbox = pogo_board::BoxMm::of_outers(polys);
    if bbox.is_empty() {
        return best;
    }
    let (mut cx, mut cy) = (
        (bbox.left + bbox.right) / 2.0,
        (bbox.top + bbox.bottom) / 2.0,
    );
    let (mut hw, mut hh) = (
        (bbox.right - bbox.left) / 2.0,
        (bbox.bottom - bbox.top) / 2.0,
    );
    const N: usize = 12;
    for _ in 0..4 {
        for i in 0..=N {
            for j in 0..=N {
                let p = PointMm::new(
                    cx - hw + 2.0 * hw * i as f64 / N as f64,
                    cy - hh + 2.0 * hh * j as f64 / N as f64,
                );
                let r = inscribed_radius(polys, p);
                if r > best.1 + 1e-9 {
                    best = (p, r);
                }
            }
        }
        cx = best.0.x;
        cy = best.0.y;
        hw /= N as f64 / 2.0;
        hh /= N as f64 / 2.0;
    }
    best
}

/// Whether `p` lies inside (or on the edge of) any of `polys`.
pub(crate) fn polygons_contain(polys: &[PolygonMm], p: PointMm) -> bool {
    inscribed_radius(polys, p) >= -1e-9
}

type Segment = GeomWithData<RLine<[f64; 2]>, ()>;

/// The board outline (every piece, cut-outs included) indexed for distance queries.
pub(crate) struct OutlineIndex {
    segments: RTree<Segment>,
    polygons: Vec<(Polygon<f64>, geo::Rect<f64>)>,
}

impl OutlineIndex {
    pub(crate) fn new(polys: &[PolygonMm]) -> Self {
        let mut segs = Vec::new();
        let mut polygons = Vec::new();
        for poly in polys {
            for ring in std::iter::once(&poly.outer).chain(poly.holes.iter()) {
                for i in 0..ring.len() {
                    let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                    segs.push(GeomWithData::new(RLine::new([a.x, a.y], [b.x, b.y]), ()));
                }
            }
            let g = Polygon::new(
                to_geo(&poly.outer),
                poly.holes.iter().map(|h| to_geo(h)).collect(),
            );
            if let Some(r) = g.bounding_rect() {
                polygons.push((g, r));
            }
        }
        OutlineIndex {
            segments: RTree::bulk_load(segs),
            polygons,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.polygons.is_empty()
    }

    /// Distance from `p` to the nearest outline edge, and whether `p` lies on the board
    /// (inside a piece and outside its cut-outs).
    pub(crate) fn distance(&self, p: PointMm) -> (f64, bool) {
        use rstar::PointDistance;
        let d = self
            .segments
            .nearest_neighbor(&[p.x, p.y])
            .map(|s| s.geom().distance_2(&[p.x, p.y]).sqrt())
            .unwrap_or(f64::INFINITY);
        let c = Coord { x: p.x, y: p.y };
        let inside = self.polygons.iter().any(|(g, r)| {
            c.x >= r.min().x
                && c.x <= r.max().x
                && c.y >= r.min().y
                && c.y <= r.max().y
                && g.contains(&c)
        });
        (d, inside)
    }
}

/// One keep-out: a part's courtyard on one side.
pub(crate) struct KeepOut {
    pub(crate) footprint: usize,
    pub(crate) polygons: Vec<PolygonMm>,
    pub(crate) tall: bool,
    pub(crate) height_mm: Option<f64>,
}

struct KeepOutBox {
    index: usize,
    aabb: AABB<[f64; 2]>,
}

impl RTreeObject for KeepOutBox {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.aabb
    }
}

/// Courtyards of one side, indexed.
pub(crate) struct KeepOutIndex {
    pub(crate) items: Vec<KeepOut>,
    tree: RTree<KeepOutBox>,
}

impl KeepOutIndex {
    pub(crate) fn new(items: Vec<KeepOut>) -> Self {
        let boxes = items
            .iter()
            .enumerate()
            .filter_map(|(index, k)| {
                let b = pogo_board::BoxMm::of_outers(&k.polygons);
                (!b.is_empty()).then(|| KeepOutBox {
                    index,
                    aabb: AABB::from_corners([b.left, b.top], [b.right, b.bottom]),
                })
            })
            .collect();
        KeepOutIndex {
            items,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// Keep-outs whose box comes within `reach` of `p`.
    pub(crate) fn near(&self, p: PointMm, reach: f64) -> impl Iterator<Item = &KeepOut> {
        let env = AABB::from_corners([p.x - reach, p.y - reach], [p.x + reach, p.y + reach]);
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|b| b.index)
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(move |i| &self.items[i])
    }
}

/// The courtyard a footprint presents to the fixture: its courtyard polygons, else its
/// courtyard box, else its fabrication outline, else the box around its pads (grown by
/// IPC-7351B's nominal courtyard excess, 0.25 mm) and its own side's silkscreen (older
/// footprints, e.g. KiCad 5-6 library parts, often outline the body only in silk).
pub(crate) fn footprint_keepout(board: &Board, fp: &Footprint) -> Vec<PolygonMm> {
    if !fp.courtyard.is_empty() {
        return fp.courtyard.clone();
    }
    let boxed = |b: pogo_board::BoxMm| vec![PolygonMm::rect(b.left, b.top, b.right, b.bottom)];
    if let Some(b) = fp.courtyard_bbox
        && !b.is_empty()
    {
        return boxed(b);
    }
    if !fp.fab.is_empty() {
        return fp.fab.clone();
    }
    let mut b = pogo_board::BoxMm::EMPTY;
    for pad in &board.pads[fp.pads.clone()] {
        for poly in pad_copper(pad, 0.0) {
            for p in &poly.outer {
                b.include(*p);
            }
        }
    }
    if !b.is_empty() {
        b = b.grown(COURTYARD_EXCESS_MM);
    }
    if let Some(s) = fp.silk_bbox
        && !s.is_empty()
    {
        b.include(PointMm::new(s.left, s.top));
        b.include(PointMm::new(s.right, s.bottom));
    }
    if b.is_empty() { Vec::new() } else { boxed(b) }
}

/// Courtyard excess round a part's pads where the footprint draws no courtyard:
/// IPC-7351B's nominal density level (B), 0.25 mm.
const COURTYARD_EXCESS_MM: f64 = 0.25;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phases::test_board::smd_pad;

    /// Pad 1 of X1 at (10, 20).
    fn pad(shape: PadShape, w: f64, h: f64, rot: f64) -> Pad {
        smd_pad("X1", shape, (w, h), PointMm::new(10.0, 20.0), rot)
    }

    #[test]
    fn rect_pad_admits_circle_of_its_smaller_side() {
        let p = pad(PadShape::Rect, 2.0, 1.0, 90.0);
        let c = pad_copper(&p, 0.0);
        let r = inscribed_radius(&c, p.position);
        assert!((r - 0.5).abs() < 1e-9, "{r}");
        // Rotated 90 degrees: the long side runs along y.
        assert!(polygons_contain(&c, PointMm::new(10.0, 20.9)));
        assert!(!polygons_contain(&c, PointMm::new(10.9, 20.0)));
    }

    #[test]
    fn circle_and_shrink() {
        let p = pad(PadShape::Circle, 1.0, 1.0, 0.0);
        let r = inscribed_radius(&pad_copper(&p, 0.0), p.position);
        assert!((r - 0.5).abs() < 0.003, "{r}");
        let r = inscribed_radius(&pad_copper(&p, 0.1), p.position);
        assert!((r - 0.4).abs() < 0.003, "{r}");
    }

    #[test]
    fn custom_pad_union_and_pole() {
        // An L made of a small anchor and a long thick line: the best point lies on the line.
        let p = pad(
            PadShape::Custom {
                anchor_is_circle: true,
                primitives: vec![PadPrimitive::Line {
                    start: PointMm::new(0.0, 0.0),
                    end: PointMm::new(3.0, 0.0),
                    width_mm: 1.2,
                }],
            },
            0.4,
            0.4,
            0.0,
        );
        let c = pad_copper(&p, 0.0);
        assert_eq!(c.len(), 1);
        let (at, r) = best_probe_point(&c, p.position, true);
        assert!((r - 0.6).abs() < 0.01, "{r} at {at:?}");
        assert!(
            at.x >= 10.0 - 1e-9 && at.x <= 13.0 && (at.y - 20.0).abs() < 1e-6,
            "{at:?}"
        );
        // Beyond the small anchor, only the line's copper admits a circle this big.
        assert!(inscribed_radius(&c, PointMm::new(12.0, 20.0)) > 0.59);
        assert!(inscribed_radius(&c, PointMm::new(12.0, 20.7)) < 0.0);
    }

    #[test]
    fn outline_distance_sees_cutouts() {
        let board = PolygonMm {
            outer: pogo_board::geometry::rect_ring(0.0, 0.0, 50.0, 50.0),
            holes: vec![pogo_board::geometry::rect_ring(20.0, 20.0, 30.0, 30.0)],
        };
        let idx = OutlineIndex::new(&[board]);
        let (d, inside) = idx.distance(PointMm::new(25.0, 31.5));
        assert!(inside && (d - 1.5).abs() < 1e-9);
        let (_, inside) = idx.distance(PointMm::new(25.0, 25.0));
        assert!(!inside, "inside the cut-out is off the board");
        let (d, inside) = idx.distance(PointMm::new(10.0, 3.0));
        assert!(inside && (d - 3.0).abs() < 1e-9);
    }
}
