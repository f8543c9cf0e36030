//! Plane geometry every pogo crate shares, each helper with one home: points and
//! sizes ([`PointMm`], [`SizeMm`]), boxes ([`BoxMm`]), rings and polygons with holes
//! ([`Ring`], [`PolygonMm`]), the board's [`Side`], and the helpers over them (ring
//! area, point in ring, segment/ring/polygon distances, bounding boxes, convex hull,
//! arc chords, circles, rounded rectangles and L shapes as rings, ring cleaning).
//!
//! Lengths are `f64` millimetres in any frame: the helpers never assume y up or y
//! down unless a doc says so (the board model uses KiCad page coordinates, y down).
//! A ring is a closed polygon whose closing point is not repeated.
//!
//! Each helper is written once with a fixed floating-point operation order, so
//! callers (probe placement, tolerance integration, plate writers) get the same bits
//! whichever crate asks. The helpers are generic over [`PlanePoint`].
//!
//! This crate has no dependency but serde: a library that only needs geometry does
//! not compile the board readers.
//!
//! ```
//! use pogo_geom::{PointMm, point_in_ring, rect_ring, ring_distance, signed_area};
//! let square: Vec<PointMm> = rect_ring(0.0, 0.0, 10.0, 10.0);
//! assert_eq!(signed_area(&square), 100.0);
//! let p = PointMm::new(2.0, 5.0);
//! assert!(point_in_ring(p, &square));
//! assert_eq!(ring_distance(p, &square), 2.0);
//! ```
#![warn(missing_docs)]

mod point;
mod ring;
mod shape;

pub use point::{BoxMm, PlanePoint, PointMm, PolygonMm, Ring, Side, SizeMm};
pub use ring::{
    bbox_of, clean_ring, convex_hull, point_in_ring, polygon_contains, polygon_edge_distance,
    ring_distance, segment_distance, signed_area,
};
pub use shape::{arc_chords, arc_points, circle_ring, l_ring, rect_ring, rounded_rect_ring};
