//! The plane types: points, sizes, boxes, rings, polygons and sides.

use serde::{Deserialize, Serialize};

/// A 2-D point the helpers can read and make.
pub trait PlanePoint: Copy {
    /// The coordinates (x, y).
    fn xy(self) -> (f64, f64);
    /// The point at (x, y).
    fn from_xy(x: f64, y: f64) -> Self;
}

/// A point or vector in millimetres (the board model's: KiCad page frame, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PointMm {
    /// x, mm.
    pub x: f64,
    /// y, mm.
    pub y: f64,
}

impl PointMm {
    /// The point (x, y).
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
    /// Rotates this vector by `angle_deg` as KiCad does on the page (y down): a positive
    /// angle turns the x axis towards -y (counter-clockwise as seen on screen).
    pub fn rotated_deg(self, angle_deg: f64) -> Self {
        if angle_deg == 0.0 {
            return self;
        }
        let (s, c) = angle_deg.to_radians().sin_cos();
        Self {
            x: self.x * c + self.y * s,
            y: -self.x * s + self.y * c,
        }
    }
    /// Distance to `other` (by `hypot`, exact to the last bit).
    pub fn distance_mm(self, other: PointMm) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
    /// Dot product with `o`.
    #[inline]
    pub fn dot(self, o: PointMm) -> f64 {
        self.x * o.x + self.y * o.y
    }
    /// Cross product (z of the 3-D one) with `o`.
    #[inline]
    pub fn cross(self, o: PointMm) -> f64 {
        self.x * o.y - self.y * o.x
    }
    /// Length as a vector: a plain root of the sum of squares (lengths here are mm,
    /// with no overflow or underflow to guard against, and `hypot` is several times
    /// slower in the tolerance integrator's inner loops).
    #[inline]
    pub fn norm(self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }
    /// Left normal: the vector rotated +90 degrees in the numeric frame.
    #[inline]
    pub fn left(self) -> PointMm {
        PointMm::new(-self.y, self.x)
    }
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

/// A bare `(x, y)` pair.
impl PlanePoint for (f64, f64) {
    #[inline]
    fn xy(self) -> (f64, f64) {
        self
    }
    #[inline]
    fn from_xy(x: f64, y: f64) -> Self {
        (x, y)
    }
}

/// A bare `[x, y]` pair.
impl PlanePoint for [f64; 2] {
    #[inline]
    fn xy(self) -> (f64, f64) {
        (self[0], self[1])
    }
    #[inline]
    fn from_xy(x: f64, y: f64) -> Self {
        [x, y]
    }
}

impl std::ops::Add for PointMm {
    type Output = PointMm;
    #[inline]
    fn add(self, o: PointMm) -> PointMm {
        PointMm::new(self.x + o.x, self.y + o.y)
    }
}

impl std::ops::Sub for PointMm {
    type Output = PointMm;
    #[inline]
    fn sub(self, o: PointMm) -> PointMm {
        PointMm::new(self.x - o.x, self.y - o.y)
    }
}

impl std::ops::Mul<f64> for PointMm {
    type Output = PointMm;
    #[inline]
    fn mul(self, k: f64) -> PointMm {
        PointMm::new(self.x * k, self.y * k)
    }
}

/// A width x height in millimetres (a pad's size before rotation).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SizeMm {
    /// Width (along x before rotation), mm.
    pub w: f64,
    /// Height (along y before rotation), mm.
    pub h: f64,
}

/// Axis-aligned box [left, top, right, bottom] in page coordinates (mm, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxMm {
    /// Smallest x, mm.
    pub left: f64,
    /// Smallest y, mm.
    pub top: f64,
    /// Largest x, mm.
    pub right: f64,
    /// Largest y, mm.
    pub bottom: f64,
}

impl Default for BoxMm {
    fn default() -> Self {
        BoxMm::EMPTY
    }
}

impl BoxMm {
    /// The empty box (inverted, so that including a point gives that point's box).
    pub const EMPTY: BoxMm = BoxMm {
        left: f64::INFINITY,
        top: f64::INFINITY,
        right: f64::NEG_INFINITY,
        bottom: f64::NEG_INFINITY,
    };
    /// Whether the box holds no point.
    pub fn is_empty(&self) -> bool {
        self.left > self.right || self.top > self.bottom
    }
    /// Grows the box to hold `p`.
    pub fn include(&mut self, p: PointMm) {
        self.left = self.left.min(p.x);
        self.top = self.top.min(p.y);
        self.right = self.right.max(p.x);
        self.bottom = self.bottom.max(p.y);
    }
    /// `[left, top, right, bottom]`.
    pub fn as_array(&self) -> [f64; 4] {
        [self.left, self.top, self.right, self.bottom]
    }
    /// This box grown by `margin_mm` on every side (an empty box stays empty).
    pub fn grown(&self, margin_mm: f64) -> BoxMm {
        if self.is_empty() {
            return *self;
        }
        BoxMm {
            left: self.left - margin_mm,
            top: self.top - margin_mm,
            right: self.right + margin_mm,
            bottom: self.bottom + margin_mm,
        }
    }
    /// The box of the outer rings of `polygons` (empty when they have no point).
    pub fn of_outers(polygons: &[PolygonMm]) -> BoxMm {
        let mut b = BoxMm::EMPTY;
        for p in polygons.iter().flat_map(|p| p.outer.iter()) {
            b.include(*p);
        }
        b
    }
}

/// The side of the board a thing sits on or is probed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The top (front, KiCad `F.*`) side.
    Top,
    /// The bottom (back, KiCad `B.*`) side.
    Bottom,
}

impl Side {
    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Top => Side::Bottom,
            Side::Bottom => Side::Top,
        }
    }
    /// `"top"` or `"bottom"`, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Top => "top",
            Side::Bottom => "bottom",
        }
    }
}

/// A closed ring of points (first point not repeated).
pub type Ring = Vec<PointMm>;

/// A polygon with holes: `outer` and zero or more `holes`, all closed rings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PolygonMm {
    /// The outer boundary.
    pub outer: Ring,
    /// The cut-outs.
    pub holes: Vec<Ring>,
}

impl PolygonMm {
    /// The axis-aligned rectangle as a polygon without holes (its ring as
    /// [`crate::rect_ring`] makes it).
    pub fn rect(left: f64, top: f64, right: f64, bottom: f64) -> PolygonMm {
        PolygonMm {
            outer: crate::rect_ring(left, top, right, bottom),
            holes: Vec::new(),
        }
    }
}
