//! DXF (R12, ASCII, `$INSUNITS` = 4, millimetres) cutting drawing of a probe plate.
//!
//! Frame: X = page x, Y = -(page y), as KiCad's drill files and the plate's Excellon
//! file, so the drawing, the drill data and the board line up. Layers:
//! `PLATE_OUTLINE` (closed polyline), `CUTOUTS` (closed polylines), `PROBE_HOLES`,
//! `TOOLING_HOLES`, `MOUNTING_HOLES` (circles), and `POCKETS` (closed polylines of
//! blind relief pockets milled into the board-facing face, nominal size, depth in a
//! comment: not laser cut).
//!
//! With a kerf, every path is the laser's centre line: the outline moves outward by
//! kerf/2, cut-outs shrink inward by kerf/2 (mitred corners), hole radii shrink by
//! kerf/2, so the parts come out at nominal size.

use crate::geometry::offset_ring;
use crate::plate::{HoleKind, Plate};
use crate::{OutputOptions, num};
use pogo_fixture::Fixture;
use pogo_geom::PointMm;
use std::fmt::Write as _;

/// The layers written, with their AutoCAD colour numbers.
pub const LAYERS: [(&str, u8); 6] = [
    ("PLATE_OUTLINE", 7),
    ("CUTOUTS", 1),
    ("PROBE_HOLES", 5),
    ("TOOLING_HOLES", 3),
    ("MOUNTING_HOLES", 6),
    ("POCKETS", 4),
];

/// Layer of a hole.
pub fn hole_layer(kind: &HoleKind) -> &'static str {
    match kind {
        HoleKind::Probe { .. } => "PROBE_HOLES",
        HoleKind::Tooling => "TOOLING_HOLES",
        HoleKind::Mounting => "MOUNTING_HOLES",
    }
}

/// The plate's cutting paths after kerf compensation: outline, cut-outs, holes
/// (centre, radius, kind, label), plus notes on what could not be compensated.
pub struct CutPaths<'a> {
    /// The plate outline's path (grown by half the kerf).
    pub outline: Vec<PointMm>,
    /// The cut-outs' paths (shrunk by half the kerf).
    pub cutouts: Vec<Vec<PointMm>>,
    /// Holes: centre x, y, radius (less half the kerf), kind and label.
    pub holes: Vec<(f64, f64, f64, &'a HoleKind, &'a str)>,
    /// What could not be compensated.
    pub notes: Vec<String>,
}

/// Cutting paths of a plate with kerf compensation `kerf_mm` (0: nominal).
pub fn cut_paths(plate: &Plate, kerf_mm: f64) -> CutPaths<'_> {
    let half = kerf_mm / 2.0;
    let mut notes = Vec::new();
    let outline = offset_ring(&plate.outline, half).unwrap_or_else(|| plate.outline.clone());
    let cutouts = plate
        .cutouts
        .iter()
        .map(|c| match offset_ring(&c.ring, -half) {
            Some(r) => r,
            None => {
                notes.push(format!(
                    "{} is too small for the kerf: drawn at nominal size",
                    c.reason
                ));
                c.ring.clone()
            }
        })
        .collect();
    let holes = plate
        .holes
        .iter()
        .map(|h| {
            let mut r = h.diameter_mm / 2.0 - half;
            if r <= 0.0 {
                notes.push(format!(
                    "{} hole {} is smaller than the kerf: drawn at nominal size",
                    h.kind.name(),
                    h.label
                ));
                r = h.diameter_mm / 2.0;
            }
            (h.x, h.y, r, &h.kind, h.label.as_str())
        })
        .collect();
    CutPaths {
        outline,
        cutouts,
        holes,
        notes,
    }
}

/// Opens the HEADER section of an R12 DXF drawn in millimetres (`$INSUNITS` 4); the
/// caller adds any further variables and closes it.
pub(crate) fn begin_header_mm(s: &mut String) {
    pair(s, 0, "SECTION");
    pair(s, 2, "HEADER");
    pair(s, 9, "$ACADVER");
    pair(s, 1, "AC1009");
    pair(s, 9, "$INSUNITS");
    pair(s, 70, "4");
}

/// Closes the section being written and opens the next, `name` (`TABLES`, `ENTITIES`).
pub(crate) fn next_section(s: &mut String, name: &str) {
    pair(s, 0, "ENDSEC");
    pair(s, 0, "SECTION");
    pair(s, 2, name);
}

/// Closes the last section and the file.
pub(crate) fn end_file(s: &mut String) {
    pair(s, 0, "ENDSEC");
    pair(s, 0, "EOF");
}

pub(crate) fn pair(s: &mut String, code: u16, value: &str) {
    let _ = writeln!(s, "{code:>3}\n{value}");
}

/// The LAYER table: each layer's name and colour number, continuous lines.
pub(crate) fn layer_table(s: &mut String, layers: &[(&str, u8)]) {
    pair(s, 0, "TABLE");
    pair(s, 2, "LAYER");
    pair(s, 70, &layers.len().to_string());
    for (name, colour) in layers {
        pair(s, 0, "LAYER");
        pair(s, 2, name);
        pair(s, 70, "0");
        pair(s, 62, &colour.to_string());
        pair(s, 6, "CONTINUOUS");
    }
    pair(s, 0, "ENDTAB");
}

pub(crate) fn xy(s: &mut String, x: f64, y_page: f64) {
    pair(s, 10, &num(x, 5));
    pair(s, 20, &num(-y_page, 5));
    pair(s, 30, "0.0");
}

/// A circle on `layer` round page point (x, y) (written y up, as [`xy`]), radius
/// `r` mm.
pub(crate) fn circle(s: &mut String, layer: &str, x: f64, y_page: f64, r: f64) {
    pair(s, 0, "CIRCLE");
    pair(s, 8, layer);
    xy(s, x, y_page);
    pair(s, 40, &num(r, 5));
}

pub(crate) fn polyline(s: &mut String, layer: &str, ring: &[PointMm]) {
    pair(s, 0, "POLYLINE");
    pair(s, 8, layer);
    pair(s, 66, "1");
    pair(s, 10, "0.0");
    pair(s, 20, "0.0");
    pair(s, 30, "0.0");
    pair(s, 70, "1"); // closed
    for p in ring {
        pair(s, 0, "VERTEX");
        pair(s, 8, layer);
        xy(s, p.x, p.y);
    }
    pair(s, 0, "SEQEND");
    pair(s, 8, layer);
}

/// Renders the DXF drawing of one plate.
pub fn render(fixture: &Fixture, plate: &Plate, opts: &OutputOptions) -> String {
    let paths = cut_paths(plate, opts.kerf_mm);
    let mut s = String::new();
    pair(
        &mut s,
        999,
        &format!(
            "pogo probe plate, {} side, board {}",
            plate.side.as_str(),
            fixture.board.file
        ),
    );
    pair(
        &mut s,
        999,
        &format!(
            "mm; X = page x, Y = -(page y) (KiCad drill frame); thickness {} mm; kerf {} mm{}",
            num(plate.thickness_mm, 3),
            num(opts.kerf_mm, 4),
            if opts.kerf_mm > 0.0 {
                " compensated (paths are the beam centre line)"
            } else {
                " (nominal geometry)"
            }
        ),
    );
    for pocket in &plate.pockets {
        pair(
            &mut s,
            999,
            &format!(
                "POCKETS: {} milled {} mm deep",
                pocket.reason,
                num(pocket.depth_mm, 3)
            ),
        );
    }
    for note in plate.notes.iter().chain(&paths.notes) {
        pair(&mut s, 999, note);
    }
    // HEADER
    begin_header_mm(&mut s);
    pair(&mut s, 9, "$MEASUREMENT");
    pair(&mut s, 70, "1");
    let b = plate.bbox;
    let pad = opts.kerf_mm;
    pair(&mut s, 9, "$EXTMIN");
    xy(&mut s, b[0] - pad, b[3] + pad);
    pair(&mut s, 9, "$EXTMAX");
    xy(&mut s, b[2] + pad, b[1] - pad);
    next_section(&mut s, "TABLES");
    pair(&mut s, 0, "TABLE");
    pair(&mut s, 2, "LTYPE");
    pair(&mut s, 70, "1");
    pair(&mut s, 0, "LTYPE");
    pair(&mut s, 2, "CONTINUOUS");
    pair(&mut s, 70, "0");
    pair(&mut s, 3, "Solid line");
    pair(&mut s, 72, "65");
    pair(&mut s, 73, "0");
    pair(&mut s, 40, "0.0");
    pair(&mut s, 0, "ENDTAB");
    layer_table(&mut s, &LAYERS);
    next_section(&mut s, "BLOCKS");
    next_section(&mut s, "ENTITIES");
    polyline(&mut s, "PLATE_OUTLINE", &paths.outline);
    for ring in &paths.cutouts {
        polyline(&mut s, "CUTOUTS", ring);
    }
    for pocket in &plate.pockets {
        polyline(&mut s, "POCKETS", &pocket.ring);
    }
    for (x, y, r, kind, _) in &paths.holes {
        circle(&mut s, hole_layer(kind), *x, *y, *r);
    }
    end_file(&mut s);
    s
}
