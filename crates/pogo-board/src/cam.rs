//! What the two CAM readers (IPC-2581 and ODB++) share: the pad shapes their symbol
//! dictionaries describe, turning a located copper pad into the model's [`Pad`], and
//! finding line and column of a byte offset for errors.

use crate::model::{BoxMm, Chamfers, Layer, PadShape, PointMm, PolygonMm, Side, SizeMm};

/// A hash map with a fast, fixed hash (foldhash) for the readers' many small keys
/// (names, places); iteration order is never relied on.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A pad or hole shape as a CAM file names it, sizes in millimetres, centred on the
/// pad's location, before the pad's rotation.
#[derive(Debug, Clone, PartialEq)]
pub enum CamShape {
    Circle {
        diameter_mm: f64,
    },
    Rect {
        size: SizeMm,
    },
    /// A rectangle with rounded corners (`radius_mm` on the corners that are rounded).
    RoundRect {
        size: SizeMm,
        radius_mm: f64,
        corners: Chamfers,
    },
    /// A rectangle with chamfered corners.
    ChamferedRect {
        size: SizeMm,
        chamfer_mm: f64,
        corners: Chamfers,
    },
    /// A stadium (obround): the shorter side is fully rounded.
    Oval {
        size: SizeMm,
    },
    /// A trapezoid as KiCad describes one: `size` between the middles of its sides,
    /// `delta_mm` KiCad's `rect_delta` (page frame, y down).
    Trapezoid {
        size: SizeMm,
        delta_mm: PointMm,
    },
    /// Any other outline (a contour, a diamond, an octagon, a user shape), as its
    /// bounding box.
    Other {
        size: SizeMm,
    },
}

impl CamShape {
    /// Width and height before rotation.
    pub fn size(&self) -> SizeMm {
        match self {
            CamShape::Circle { diameter_mm } => SizeMm {
                w: *diameter_mm,
                h: *diameter_mm,
            },
            CamShape::Rect { size }
            | CamShape::RoundRect { size, .. }
            | CamShape::ChamferedRect { size, .. }
            | CamShape::Oval { size }
            | CamShape::Trapezoid { size, .. }
            | CamShape::Other { size } => *size,
        }
    }

    /// The model's pad shape for this CAM shape.
    pub fn pad_shape(&self) -> PadShape {
        match self {
            CamShape::Circle { .. } => PadShape::Circle,
            CamShape::Rect { .. } => PadShape::Rect,
            CamShape::Oval { .. } => PadShape::Oval,
            CamShape::RoundRect {
                size,
                radius_mm,
                corners,
            } => {
                let all = corners.top_left
                    && corners.top_right
                    && corners.bottom_left
                    && corners.bottom_right;
                let min = size.w.min(size.h);
                if *radius_mm <= 0.0 || min <= 0.0 {
                    PadShape::Rect
                } else if all {
                    PadShape::RoundRect {
                        ratio: radius_mm / min,
                    }
                } else {
                    PadShape::ChamferedRect {
                        chamfer_ratio: 0.0,
                        chamfers: Chamfers::default(),
                        round_ratio: radius_mm / min,
                    }
                }
            }
            CamShape::ChamferedRect {
                size,
                chamfer_mm,
                corners,
            } => {
                let min = size.w.min(size.h);
                PadShape::ChamferedRect {
                    chamfer_ratio: if min > 0.0 { chamfer_mm / min } else { 0.0 },
                    chamfers: *corners,
                    round_ratio: 0.0,
                }
            }
            CamShape::Trapezoid { delta_mm, .. } => PadShape::Trapezoid {
                delta_mm: *delta_mm,
            },
            CamShape::Other { .. } => PadShape::Custom {
                anchor_is_circle: false,
                primitives: Vec::new(),
            },
        }
    }
}

/// A closed outline (file frame, y up, centred on the pad) that is a trapezoid as
/// KiCad draws one: four corners, two opposite sides parallel to an axis and
/// centred on it, the other two mirrored, not a rectangle. KiCad's IPC-2581 export
/// writes a trapezoid pad as such a `Contour` (custom_pads_test `U***` 3: bottom side
/// 2.5748 mm, top 0.5748 mm, height 2.286 mm: size 1.5748 x 2.286, `rect_delta`
/// (0, 1)).
pub(crate) fn trapezoid_of(outline: &[PointMm]) -> Option<CamShape> {
    const EPS: f64 = 1e-6;
    // The corners: repeated points (ODB++ repeats the start) and the closing one dropped.
    let mut pts: Vec<PointMm> = Vec::with_capacity(5);
    for &p in outline {
        if pts.len() > 4 {
            return None;
        }
        if pts.last().is_none_or(|q| q.distance_mm(p) >= EPS) {
            pts.push(p);
        }
    }
    if pts.len() == 5 && pts[0].distance_mm(pts[4]) < EPS {
        pts.pop();
    }
    let [a, b, c, d] = <[PointMm; 4]>::try_from(pts).ok()?;
    let near = |x: f64, y: f64| (x - y).abs() < EPS;
    // Sides a-b and c-d parallel to x (or b-c and d-a): the corners in order.
    let rotations = [[a, b, c, d], [b, c, d, a]];
    for [p, q, r, t] in rotations {
        for swap in [false, true] {
            // With `swap`, the roles of x and y are exchanged (sides parallel to y).
            let u = |pt: PointMm| if swap { (pt.y, pt.x) } else { (pt.x, pt.y) };
            let (p, q, r, t) = (u(p), u(q), u(r), u(t));
            // p-q at one height, r-t at the other, each centred on 0.
            if !(near(p.1, q.1) && near(r.1, t.1) && near(p.1, -r.1) && !near(p.1, 0.0)) {
                continue;
            }
            if !(near(p.0, -q.0) && near(r.0, -t.0)) {
                continue;
            }
            // Corners in order round the outline: r-t runs back the other way.
            if (q.0 - p.0).signum() == (t.0 - r.0).signum() {
                continue;
            }
            let (half_pq, half_rt) = ((q.0 - p.0).abs() / 2.0, (t.0 - r.0).abs() / 2.0);
            if near(half_pq, half_rt) {
                return None;
            }
            let across = (p.1 - r.1).abs();
            let along = half_pq + half_rt;
            // The side on the negative file side (y up) is KiCad's positive side (y down
            // for a trapezoid in y; for one in x the sign follows x, which is not
            // negated): its half-length is the half-size plus half the delta.
            let (neg, pos) = if p.1 < r.1 {
                (half_pq, half_rt)
            } else {
                (half_rt, half_pq)
            };
            return Some(if swap {
                // Sides parallel to y: KiCad's delta x makes the left side longer.
                CamShape::Trapezoid {
                    size: SizeMm {
                        w: across,
                        h: along,
                    },
                    delta_mm: PointMm::new(neg - pos, 0.0),
                }
            } else {
                CamShape::Trapezoid {
                    size: SizeMm {
                        w: along,
                        h: across,
                    },
                    delta_mm: PointMm::new(0.0, neg - pos),
                }
            });
        }
    }
    None
}

pub use pogo_text::line_column;

/// Appends the chords of a circular arc from `start` to `end` about `centre` (CAM frame,
/// y up, within 1 um of the arc), `end` included; `start` itself is not pushed.
pub fn arc_into(
    pts: &mut Vec<PointMm>,
    start: PointMm,
    end: PointMm,
    centre: PointMm,
    clockwise: bool,
) {
    let r = start.distance_mm(centre);
    let a0 = (start.y - centre.y).atan2(start.x - centre.x);
    let a1 = (end.y - centre.y).atan2(end.x - centre.x);
    let tau = std::f64::consts::TAU;
    let mut sweep = a1 - a0;
    if clockwise {
        while sweep >= 0.0 {
            sweep -= tau;
        }
    } else {
        while sweep <= 0.0 {
            sweep += tau;
        }
    }
    let chords = crate::geometry::arc_chords(r, sweep, 0.001, 720);
    for i in 1..chords {
        let a = a0 + sweep * i as f64 / chords as f64;
        pts.push(PointMm::new(centre.x + r * a.cos(), centre.y + r * a.sin()));
    }
    pts.push(end);
}

/// What a footprint's package outline (placed, page frame) is to the board model:
/// a courtyard (its polygon and box), or, when the outline is KiCad's hull of the
/// footprint's drawings and pads (docs/cam-readers.md), no courtyard and the hull's
/// box as the drawings' extent. Returns (courtyard, courtyard box, drawn extent);
/// the courtyard ring without repeated points.
pub fn courtyard_or_hull(
    outline: Option<Vec<PointMm>>,
    hull: bool,
) -> (Vec<PolygonMm>, Option<BoxMm>, Option<BoxMm>) {
    let Some(ring) = outline else {
        return (Vec::new(), None, None);
    };
    // Both formats close a contour by repeating its first point (IPC-2581's last
    // `PolyStepSegment`, ODB++'s `OB` then a first `OS` at the same place); a ring
    // of the model does not.
    let ring = crate::geometry::clean_ring(&ring);
    let mut extent = BoxMm::EMPTY;
    ring.iter().for_each(|p| extent.include(*p));
    if hull {
        return (Vec::new(), None, Some(extent));
    }
    let courtyard = vec![PolygonMm {
        outer: ring,
        holes: vec![],
    }];
    (courtyard, Some(extent), None)
}

/// The board outline from a CAM file's profile (y up): each outer ring becomes a
/// polygon in page coordinates (y negated, a repeated closing point dropped), and each
/// cut-out goes into the outer ring that holds its first point. None without an outer ring.
pub fn outline_from_profile<'r>(
    outers: impl IntoIterator<Item = &'r [PointMm]>,
    cutouts: impl IntoIterator<Item = &'r [PointMm]>,
) -> Option<crate::model::Outline> {
    use crate::model::{BoxMm, Outline, PolygonMm};
    let ring = |pts: &[PointMm]| -> Vec<PointMm> {
        let mut r: Vec<PointMm> = pts.iter().map(|p| PointMm::new(p.x, -p.y)).collect();
        if r.len() > 1 && r.first() == r.last() {
            r.pop();
        }
        r
    };
    let mut polygons: Vec<PolygonMm> = outers
        .into_iter()
        .map(|p| PolygonMm {
            outer: ring(p),
            holes: vec![],
        })
        .collect();
    if polygons.is_empty() {
        return None;
    }
    for cut in cutouts {
        let hole = ring(cut);
        let Some(first) = hole.first().copied() else {
            continue;
        };
        let owner = polygons
            .iter()
            .position(|poly| crate::geometry::point_in_ring(first, &poly.outer))
            .unwrap_or(0);
        polygons[owner].holes.push(hole);
    }
    let mut bbox = BoxMm::EMPTY;
    for poly in &polygons {
        poly.outer
            .iter()
            .chain(poly.holes.iter().flatten())
            .for_each(|p| bbox.include(*p));
    }
    Some(Outline {
        polygons,
        open_chains: Vec::new(),
        bbox,
    })
}

/// Key of a position at 1 nm, for matching pads, holes and mask openings that the
/// file gives at the same place.
pub fn position_key(p: PointMm) -> (i64, i64) {
    ((p.x * 1e6).round() as i64, (p.y * 1e6).round() as i64)
}

/// Length, width and centre of a slot given as its outline: a stadium flattened to
/// chords. Its straight sides are its longest edges and their ends are vertices, so
/// the width (across the sides) and the length (a side plus the width) are exact
/// whatever chords the arcs became (the extent along the slot, from the chords, falls
/// short by up to the chords' sagitta: 60 um on KiCad's exports). An outline that is
/// no stadium (a round hole) is measured by its extent along the farthest pair of
/// points. Returns (length, width, centre).
pub fn slot_extent(points: &[PointMm]) -> Option<(f64, f64, PointMm)> {
    let n = points.len();
    if n < 2 {
        return None;
    }
    let (a, b) = (0..n)
        .map(|i| (points[i], points[(i + 1) % n]))
        .max_by(|x, y| x.0.distance_mm(x.1).total_cmp(&y.0.distance_mm(y.1)))?;
    let side = a.distance_mm(b);
    let (p, q) = farthest_pair(points);
    if side <= 0.0 || p.distance_mm(q) <= 0.0 {
        return None;
    }
    let frame = SlotFrame::new(a, b);
    let (_, across) = frame.extent(points);
    let width = across.1 - across.0;
    let mid_across = (across.0 + across.1) / 2.0;
    let (lo, hi) = {
        let (p, q) = (frame.along(a), frame.along(b));
        (p.min(q), p.max(q))
    };
    // A stadium: every vertex lies half the width from the segment between its ends'
    // centres (within the file's 6 decimals).
    let stadium = points.iter().all(|p| {
        let t = frame.along(*p).clamp(lo, hi);
        let d = (frame.along(*p) - t).hypot(frame.across(*p) - mid_across);
        (d - width / 2.0).abs() <= 1e-5
    });
    if stadium {
        let centre = frame.point((lo + hi) / 2.0, mid_across);
        return Some((side + width, width, centre));
    }
    let frame = SlotFrame::new(p, q);
    let (along, across) = frame.extent(points);
    let centre = frame.point((along.0 + along.1) / 2.0, (across.0 + across.1) / 2.0);
    Some((along.1 - along.0, across.1 - across.0, centre))
}

/// Coordinates along and across a direction (a unit vector).
struct SlotFrame {
    ux: f64,
    uy: f64,
}

impl SlotFrame {
    fn new(a: PointMm, b: PointMm) -> SlotFrame {
        let d = a.distance_mm(b);
        SlotFrame {
            ux: (b.x - a.x) / d,
            uy: (b.y - a.y) / d,
        }
    }
    fn along(&self, p: PointMm) -> f64 {
        p.x * self.ux + p.y * self.uy
    }
    fn across(&self, p: PointMm) -> f64 {
        p.y * self.ux - p.x * self.uy
    }
    fn point(&self, along: f64, across: f64) -> PointMm {
        PointMm::new(
            along * self.ux - across * self.uy,
            along * self.uy + across * self.ux,
        )
    }
    /// (min, max) along and (min, max) across of the points.
    fn extent(&self, points: &[PointMm]) -> ((f64, f64), (f64, f64)) {
        let span = |f: &dyn Fn(PointMm) -> f64| {
            points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
                (lo.min(f(*p)), hi.max(f(*p)))
            })
        };
        (span(&|p| self.along(p)), span(&|p| self.across(p)))
    }
}

/// The two points farthest apart.
fn farthest_pair(points: &[PointMm]) -> (PointMm, PointMm) {
    let (mut a, mut b, mut best) = (points[0], points[0], -1.0);
    for (i, p) in points.iter().enumerate() {
        for q in &points[i + 1..] {
            let d = p.distance_mm(*q);
            if d > best {
                (a, b, best) = (*p, *q, d);
            }
        }
    }
    (a, b)
}

/// Undoes the renaming KiCad's exporters (IPC-2581 and ODB++) make of a reference
/// several footprints share (`REF**`, `STITCH1`): the first keeps it, the others are
/// written `REF_1`, `REF_2`, ... Returns written name -> reference for every `BASE_n`
/// whose `BASE` is also written, or that shares its `BASE` with another `BASE_m`.
pub(crate) fn kicad_shared_refs<'r>(
    refs: impl Iterator<Item = &'r str> + Clone,
) -> std::collections::HashMap<String, String> {
    use std::collections::{HashMap, HashSet};
    let split = |r: &'r str| -> Option<&'r str> {
        let (base, n) = r.rsplit_once('_')?;
        (!base.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(base)
    };
    let plain: HashSet<&str> = refs.clone().collect();
    let mut bases: HashMap<&str, usize> = HashMap::new();
    for base in refs.clone().filter_map(split) {
        *bases.entry(base).or_default() += 1;
    }
    refs.filter_map(|r| {
        let base = split(r)?;
        (plain.contains(base) || bases.get(base).is_some_and(|&n| n >= 2))
            .then(|| (r.to_string(), base.to_string()))
    })
    .collect()
}

/// Whether `pin` is the name KiCad's exporters give a pad without a number: `PAD<n>`,
/// or `NPTH<n>` for a non-plated hole (its index in the footprint).
pub(crate) fn kicad_unnumbered(pin: &str) -> bool {
    ["PAD", "NPTH"].iter().any(|p| {
        pin.strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// What a CAM layer (an IPC-2581 layer, an ODB++ matrix row) is to the board model.
/// Only ODB++ has component layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LayerRole {
    Copper(Option<Side>),
    Mask(Side),
    Paste(Side),
    Drill,
    Components(Side),
    Other,
}

impl LayerRole {
    /// The board model's layer `ordinal` of this role, as KiCad kinds name it: copper
    /// is `signal`, the rest `user`.
    pub(crate) fn board_layer(self, ordinal: usize, name: &str) -> Layer {
        Layer {
            ordinal: ordinal as i32,
            name: name.to_string(),
            kind: match self {
                LayerRole::Copper(_) => "signal".into(),
                _ => "user".into(),
            },
            user_name: None,
        }
    }
}

/// The outer layers a pad was found on, side by side: copper, mask and paste.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Openings {
    pub(crate) front: bool,
    pub(crate) back: bool,
    pub(crate) front_mask: bool,
    pub(crate) back_mask: bool,
    pub(crate) front_paste: bool,
    pub(crate) back_paste: bool,
}

/// Whether a pad is on a copper layer, given whether the file draws it there: a
/// non-plated hole is on both, as KiCad puts every such pad on `*.Cu` (every NPTH pad
/// of the shared boards) while its exports draw no copper where the pad is no bigger
/// than the hole.
pub(crate) fn on_copper(kind: crate::model::PadKind, drawn: bool) -> bool {
    drawn || kind == crate::model::PadKind::NpThruHole
}

/// Rounds a millimetre value to 1 nm, so exported decimals come back exactly.
pub fn round_nm(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The nets of a CAM file in the order they are first named: a name
/// gets the next id the first time it is seen.
#[derive(Default)]
pub(crate) struct Nets {
    /// Every net named so far (becomes `Board::nets`).
    pub(crate) nets: Vec<crate::model::Net>,
    index: std::collections::HashMap<String, crate::model::NetId>,
}

impl Nets {
    /// The id of net `name` (added if new); `None` for no name.
    pub(crate) fn id(&mut self, name: Option<&str>) -> Option<crate::model::NetId> {
        let name = name?;
        if let Some(id) = self.index.get(name) {
            return Some(*id);
        }
        let id = crate::model::NetId(self.nets.len() as u32);
        self.nets.push(crate::model::Net {
            name: name.to_string(),
            class: None,
        });
        self.index.insert(name.to_string(), id);
        Some(id)
    }
}

/// Powers of ten exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A plain decimal (`-12.345`: optional sign, digits with at most one point, no
/// exponent) whose digits fit 2^53 and whose fraction has at most 22 digits: the
/// integer of its digits divided by a power of ten, both exact, so the one rounding of
/// the division gives the same `f64` as `str::parse` (Clinger's fast path). `None` for
/// anything else, which `str::parse` then reads.
#[inline]
pub(crate) fn decimal(s: &[u8]) -> Option<f64> {
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut fraction_digits: Option<usize> = None;
    let mut any_digit = false;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                any_digit = true;
            }
            b'.' if fraction_digits.is_none() => fraction_digits = Some(digits.len() - i - 1),
            _ => return None,
        }
    }
    let fraction_digits = fraction_digits.unwrap_or(0);
    if !any_digit || mantissa > 1 << 53 || fraction_digits >= POW10.len() {
        return None;
    }
    let v = mantissa as f64 / POW10[fraction_digits];
    Some(if negative { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path reads every plain decimal to the same `f64` as `str::parse`, and
    /// leaves everything else to it.
    #[test]
    fn decimals_read_as_str_parse_does() {
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "+0",
            "1",
            "-1.5",
            "+2.25",
            ".5",
            "5.",
            "-.5",
            "0.1",
            "0.3",
            "1.0000",
            "00012.3400",
            "123456789012345678",
            "1234567890123456789",
            "9007199254740993",
            "9007199254740992",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "3.14159265358979323846",
            "4503599627370497.5",
            "1e5",
            "1E-3",
            ".",
            "-",
            "+",
            "",
            "1.2.3",
            "1-2",
            " 1",
            "1 ",
            "inf",
            "NaN",
            "0x10",
            "--1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every decimal of up to 19 digits with the point anywhere, from a simple
        // sequence of mantissas.
        let mut m: u64 = 1;
        for _ in 0..2000 {
            m = m
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let digits = (m >> 11).to_string();
            for point in [0, 1, digits.len() / 2, digits.len()] {
                let (a, b) = digits.split_at(point.min(digits.len()));
                cases.push(format!("{a}.{b}"));
                cases.push(format!("-{a}.{b}"));
            }
        }
        // What the fast path takes: a sign, then at most 19 bytes of digits with at
        // most one point, some digit, digits worth at most 2^53, at most 22 after the
        // point.
        let fast = |s: &str| {
            let body = s.strip_prefix(['-', '+']).unwrap_or(s);
            let digits: String = body.chars().filter(char::is_ascii_digit).collect();
            let fraction = body.split_once('.').map_or(0, |(_, f)| f.len());
            !digits.is_empty()
                && body.len() <= 19
                && body.chars().all(|c| c.is_ascii_digit() || c == '.')
                && body.matches('.').count() <= 1
                && digits.parse::<u128>().is_ok_and(|m| m <= 1 << 53)
                && fraction <= 22
        };
        for s in &cases {
            assert_eq!(decimal(s.as_bytes()).is_some(), fast(s), "{s:?}");
            if let Some(v) = decimal(s.as_bytes()) {
                let parsed: f64 = s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"));
                assert_eq!(v.to_bits(), parsed.to_bits(), "{s:?}");
            }
        }
    }

    /// KiCad's trapezoid contours (either axis, any starting corner) read back as
    /// the trapezoid; a rectangle, a bowtie or an off-centre outline does not.
    #[test]
    fn trapezoid_contours_are_recognised() {
        let p = PointMm::new;
        // custom_pads_test U*** 3 as the IPC-2581 export writes it.
        let y = [
            p(-1.2874, -1.143),
            p(1.2874, -1.143),
            p(0.2874, 1.143),
            p(-0.2874, 1.143),
        ];
        let t = trapezoid_of(&[y[0], y[1], y[2], y[3], y[0]]).unwrap();
        let CamShape::Trapezoid { size, delta_mm } = t else {
            panic!("{t:?}")
        };
        assert!((size.w - 1.5748).abs() < 1e-9 && (size.h - 2.286).abs() < 1e-9);
        assert!(delta_mm.x.abs() < 1e-9 && (delta_mm.y - 1.0).abs() < 1e-9);
        assert_eq!(trapezoid_of(&[y[1], y[2], y[3], y[0]]), Some(t.clone()));
        // ODB++ repeats the start point.
        assert_eq!(
            trapezoid_of(&[y[0], y[0], y[1], y[2], y[3], y[0]]),
            Some(t.clone())
        );
        // The left side longer: delta x positive.
        let x = [p(-1.0, -2.0), p(1.0, -1.0), p(1.0, 1.0), p(-1.0, 2.0)];
        let CamShape::Trapezoid { size, delta_mm } = trapezoid_of(&x).unwrap() else {
            panic!()
        };
        assert!((size.w - 2.0).abs() < 1e-9 && (size.h - 3.0).abs() < 1e-9);
        assert!((delta_mm.x - 1.0).abs() < 1e-9 && delta_mm.y.abs() < 1e-9);
        let rect = [p(-1.0, -1.0), p(1.0, -1.0), p(1.0, 1.0), p(-1.0, 1.0)];
        assert_eq!(trapezoid_of(&rect), None);
        let bowtie = [y[0], y[1], y[3], y[2]];
        assert_eq!(trapezoid_of(&bowtie), None);
        let moved: Vec<PointMm> = y.iter().map(|q| p(q.x, q.y + 0.5)).collect();
        assert_eq!(trapezoid_of(&moved), None);
        assert_eq!(trapezoid_of(&y[..3]), None);
    }

    /// A stadium of `len` x `width` along `angle`, centred on `c`, its ends flattened
    /// to `chords` chords each (as an exporter writes a slot).
    fn stadium(c: PointMm, len: f64, width: f64, angle: f64, chords: usize) -> Vec<PointMm> {
        let (s, co) = angle.sin_cos();
        let r = width / 2.0;
        let half = (len - width) / 2.0;
        let mut pts = Vec::new();
        for (end, a0) in [
            (half, -std::f64::consts::FRAC_PI_2),
            (-half, std::f64::consts::FRAC_PI_2),
        ] {
            for i in 0..=chords {
                let a = a0 + std::f64::consts::PI * i as f64 / chords as f64;
                let (x, y) = (end + r * a.cos(), r * a.sin());
                pts.push(PointMm::new(c.x + x * co - y * s, c.y + x * s + y * co));
            }
        }
        pts
    }

    #[test]
    fn slot_extent_is_exact_whatever_the_chords() {
        let c = PointMm::new(152.7, -113.9);
        for chords in [3, 8, 16] {
            let (len, width, centre) = slot_extent(&stadium(c, 2.03, 1.02, 0.94, chords)).unwrap();
            assert!((len - 2.03).abs() < 1e-9, "{chords} chords: length {len}");
            assert!(
                (width - 1.02).abs() < 1e-9,
                "{chords} chords: width {width}"
            );
            assert!(
                centre.distance_mm(c) < 1e-9,
                "{chords} chords: centre {centre:?}"
            );
        }
        // A round hole (no straight side) is measured by its extent.
        let ring = crate::geometry::circle_ring(c, 0.5, 64);
        let (len, width, centre) = slot_extent(&ring).unwrap();
        assert!((len - 1.0).abs() < 1e-3 && (width - 1.0).abs() < 1e-3);
        assert!(centre.distance_mm(c) < 1e-3);
    }

    #[test]
    fn kicad_renamings() {
        let refs = [
            "STITCH1",
            "STITCH1_1",
            "STITCH1_2",
            "POLY_1",
            "POLY_2",
            "R_1",
            "D9_1",
        ];
        let shared = kicad_shared_refs(refs.iter().copied());
        assert_eq!(shared.get("STITCH1_2").map(String::as_str), Some("STITCH1"));
        assert_eq!(shared.get("POLY_1").map(String::as_str), Some("POLY"));
        // A lone `R_1` with no `R` is a name of its own.
        assert!(!shared.contains_key("R_1") && !shared.contains_key("STITCH1"));
        assert!(kicad_unnumbered("PAD3") && kicad_unnumbered("NPTH0"));
        assert!(!kicad_unnumbered("PAD") && !kicad_unnumbered("NPTHx") && !kicad_unnumbered("A1"));
    }
}
