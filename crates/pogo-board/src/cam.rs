//! What the two CAM readers (IPC-2581 and ODB++) share: the pad shapes their symbol
//! dictionaries describe, turning a located copper pad into the model's [`Pad`], and
//! finding line and column of a byte offset for errors.

use crate::model::{Chamfers, PadShape, PointMm, SizeMm};

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
            CamShape::Other { .. } => PadShape::Custom {
                anchor_is_circle: false,
                primitives: Vec::new(),
            },
        }
    }
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

/// Width and length of a slot given as its outline points: the length is the
/// largest distance between two points, the width twice the largest distance from
/// the line through them. Returns (length, width, centre).
pub fn slot_extent(points: &[PointMm]) -> Option<(f64, f64, PointMm)> {
    if points.len() < 2 {
        return None;
    }
    let (mut a, mut b, mut best) = (points[0], points[0], -1.0);
    for (i, p) in points.iter().enumerate() {
        for q in &points[i + 1..] {
            let d = p.distance_mm(*q);
            if d > best {
                (a, b, best) = (*p, *q, d);
            }
        }
    }
    if best <= 0.0 {
        return None;
    }
    let centre = PointMm::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
    let (ux, uy) = ((b.x - a.x) / best, (b.y - a.y) / best);
    let half_width = points
        .iter()
        .map(|p| ((p.x - centre.x) * uy - (p.y - centre.y) * ux).abs())
        .fold(0.0, f64::max);
    Some((best, 2.0 * half_width, centre))
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
