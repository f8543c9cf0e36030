//! The probe plates of a fixture, as the writers draw them.
//!
//! One plate per probed side. The plate is a rectangle round the board outline's
//! bounding box (grown by [`OutputOptions::plate_margin_mm`], rounded corners), with
//! - one press-fit hole per probe of that side, of its receptacle's mounting drill;
//! - one hole per guide (tooling) pin, of the pin diameter (pressed in);
//! - a mounting hole near each corner (spacers, support posts);
//! - cut-outs: the board's own cut-outs and the stack-up's through relief pockets for
//!   tall parts on the probed side, where they are clear of every hole.
//!
//! Coordinates stay in KiCad's page frame (mm, x right, y down); each writer maps
//! them to its own frame.

use crate::geometry::{rings_touch, rounded_rect};
use crate::{OutputError, OutputOptions, Result};
use pogo_fixture::Fixture;
use pogo_geom::clean_ring;
use pogo_geom::{PointMm, Side};
use pogo_geom::{bbox_of, point_in_ring, rect_ring, ring_distance, signed_area};

/// What a plate hole is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum HoleKind {
    /// A receptacle press-fit hole; the receptacle id.
    Probe {
        /// The receptacle's catalog id.
        receptacle: String,
    },
    /// A guide (tooling) pin.
    Tooling,
    /// A plate mounting hole.
    Mounting,
}

impl HoleKind {
    /// `probe`, `tooling` or `mounting`.
    pub fn name(&self) -> &'static str {
        match self {
            HoleKind::Probe { .. } => "probe",
            HoleKind::Tooling => "tooling",
            HoleKind::Mounting => "mounting",
        }
    }
}

/// A hole drilled through a plate.
#[derive(Debug, Clone, PartialEq)]
pub struct PlateHole {
    /// Centre x, page coordinates (mm).
    pub x: f64,
    /// Centre y, page coordinates (mm, y down).
    pub y: f64,
    /// Drill diameter.
    pub diameter_mm: f64,
    /// What it is for.
    pub kind: HoleKind,
    /// Probe id (`P12`), tooling pin (`T1`) or mounting hole (`M1`).
    pub label: String,
}

/// A cut-out through the plate.
#[derive(Debug, Clone, PartialEq)]
pub struct Cutout {
    /// Closed ring, page coordinates.
    pub ring: Vec<PointMm>,
    /// `board cut-out` or `relief pocket for U3`.
    pub reason: String,
}

/// A blind relief pocket milled into the plate's board-facing face.
#[derive(Debug, Clone, PartialEq)]
pub struct Pocket {
    /// Closed ring, page coordinates.
    pub ring: Vec<PointMm>,
    /// Depth below the board-facing face, mm (less than the plate thickness).
    pub depth_mm: f64,
    /// `relief pocket for U3`.
    pub reason: String,
}

/// One probe plate.
#[derive(Debug, Clone, PartialEq)]
pub struct Plate {
    /// The board side its probes touch.
    pub side: Side,
    /// Plate thickness.
    pub thickness_mm: f64,
    /// Plate outline (closed ring, page coordinates).
    pub outline: Vec<PointMm>,
    /// [left, top, right, bottom] of the plate outline.
    pub bbox: [f64; 4],
    /// Cut-outs through the plate (board cut-outs, reliefs for tall parts).
    pub cutouts: Vec<Cutout>,
    /// Blind relief pockets for tall parts on the probed side.
    pub pockets: Vec<Pocket>,
    /// Probe holes (in probe order), tooling holes, then mounting holes.
    pub holes: Vec<PlateHole>,
    /// The vertical line `x = mirror_x` (page) the mirrored drill file is mirrored about:
    /// the centre of the board outline's bounding box.
    pub mirror_x: f64,
    /// What was left out and why (written into the drawings' comments).
    pub notes: Vec<String>,
}

impl Plate {
    /// Area of the plate's material (outline minus cut-outs minus exact circle holes), mm².
    pub fn area_mm2(&self) -> f64 {
        signed_area(&self.outline).abs()
            - self
                .cutouts
                .iter()
                .map(|c| signed_area(&c.ring).abs())
                .sum::<f64>()
            - self
                .holes
                .iter()
                .map(|h| std::f64::consts::PI * h.diameter_mm * h.diameter_mm / 4.0)
                .sum::<f64>()
    }

    /// Volume of the plate's material, mm³ (blind pockets taken off).
    pub fn volume_mm3(&self) -> f64 {
        self.area_mm2() * self.thickness_mm
            - self
                .pockets
                .iter()
                .map(|p| signed_area(&p.ring).abs() * p.depth_mm)
                .sum::<f64>()
    }

    /// Holes of a kind, in order.
    pub fn holes_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a PlateHole> + 'a {
        self.holes.iter().filter(move |h| h.kind.name() == name)
    }
}

/// The probed sides in a stable order (top, then bottom), each with at least one probe.
pub fn probed_sides(fixture: &Fixture) -> Vec<Side> {
    [Side::Top, Side::Bottom]
        .into_iter()
        .filter(|s| fixture.probes.iter().any(|p| p.side == *s))
        .collect()
}

/// Receptacle id of a probe: the one mechanics chose, else its part's.
pub fn probe_receptacle<'a>(
    fixture: &'a Fixture,
    probe: &'a pogo_fixture::Probe,
) -> Option<&'a str> {
    probe
        .receptacle
        .as_deref()
        .or_else(|| fixture.part(&probe.part).map(|p| p.receptacle.as_str()))
}

/// Board outline bounding box [left, top, right, bottom]: the summary's box, else the
/// outline polygons', else the probes' and tooling pins' extent.
pub fn board_bbox(fixture: &Fixture) -> Option<[f64; 4]> {
    let b = fixture.board.outline_bbox;
    if b.iter().all(|v| v.is_finite()) && b[2] > b[0] && b[3] > b[1] {
        return Some(b);
    }
    let mut pts: Vec<PointMm> = fixture
        .board
        .outline
        .iter()
        .flat_map(|p| p.outer.iter().copied())
        .collect();
    if pts.is_empty() {
        pts.extend(fixture.probes.iter().map(|p| PointMm::new(p.x, p.y)));
        pts.extend(fixture.tooling.iter().map(|t| PointMm::new(t.x, t.y)));
    }
    let bb = pts.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |m, p| [m[0].min(p.x), m[1].min(p.y), m[2].max(p.x), m[3].max(p.y)],
    );
    (bb[0].is_finite() && bb[2] >= bb[0]).then_some(bb)
}

/// Builds the probe plates of the fixture, one per probed side.
pub fn plates(fixture: &Fixture, opts: &OutputOptions) -> Result<Vec<Plate>> {
    let sides = probed_sides(fixture);
    let mut out = Vec::with_capacity(sides.len());
    for side in sides {
        out.push(plate(fixture, side, opts)?);
    }
    Ok(out)
}

fn plate(fixture: &Fixture, side: Side, opts: &OutputOptions) -> Result<Plate> {
    let err = |message: String| OutputError::Plate {
        side: side.as_str().to_string(),
        message,
    };
    let bb = board_bbox(fixture)
        .ok_or_else(|| err("the fixture has no board outline and no probes".into()))?;
    let thickness_mm = fixture
        .stackup
        .as_ref()
        .and_then(|s| s.sides.iter().find(|s| s.side == side))
        .map(|s| s.probe_plate_thickness_mm)
        .filter(|t| t.is_finite() && *t > 0.0)
        .unwrap_or(opts.plate_thickness_mm);
    let m = opts.plate_margin_mm;
    let bbox = [bb[0] - m, bb[1] - m, bb[2] + m, bb[3] + m];
    let outline = rounded_rect(
        bbox[0],
        bbox[1],
        bbox[2],
        bbox[3],
        opts.plate_corner_radius_mm,
        12,
    );

    let mut holes = Vec::new();
    for probe in fixture.probes.iter().filter(|p| p.side == side) {
        let rid = probe_receptacle(fixture, probe).ok_or_else(|| {
            err(format!(
                "probe {}: part `{}` is not in the fixture's parts, so its receptacle is unknown",
                probe.id, probe.part
            ))
        })?;
        let rec = fixture.receptacle(rid).ok_or_else(|| {
            err(format!(
                "probe {}: receptacle `{rid}` is not in the fixture's receptacles",
                probe.id
            ))
        })?;
        if !(rec.mounting_drill_mm.is_finite() && rec.mounting_drill_mm > 0.0) {
            return Err(err(format!(
                "receptacle `{rid}` has mounting drill {} mm",
                rec.mounting_drill_mm
            )));
        }
        if !(probe.x.is_finite() && probe.y.is_finite()) {
            return Err(err(format!("probe {} has no finite position", probe.id)));
        }
        holes.push(PlateHole {
            x: probe.x,
            y: probe.y,
            diameter_mm: rec.mounting_drill_mm,
            kind: HoleKind::Probe {
                receptacle: rid.to_string(),
            },
            label: probe.id.clone(),
        });
    }
    for (i, pin) in fixture.tooling.iter().enumerate() {
        if !(pin.diameter_mm.is_finite()
            && pin.diameter_mm > 0.0
            && pin.x.is_finite()
            && pin.y.is_finite())
        {
            return Err(err(format!(
                "tooling pin T{} has diameter {} mm at ({}, {})",
                i + 1,
                pin.diameter_mm,
                pin.x,
                pin.y
            )));
        }
        holes.push(PlateHole {
            x: pin.x,
            y: pin.y,
            diameter_mm: pin.diameter_mm,
            kind: HoleKind::Tooling,
            label: format!("T{}", i + 1),
        });
    }
    let inset = opts.mounting_hole_inset_mm;
    let corners = [
        (bbox[0] + inset, bbox[1] + inset),
        (bbox[2] - inset, bbox[1] + inset),
        (bbox[2] - inset, bbox[3] - inset),
        (bbox[0] + inset, bbox[3] - inset),
    ];
    for (i, (x, y)) in corners.into_iter().enumerate() {
        holes.push(PlateHole {
            x,
            y,
            diameter_mm: opts.mounting_hole_mm,
            kind: HoleKind::Mounting,
            label: format!("M{}", i + 1),
        });
    }
    check_holes(&holes, &outline).map_err(err)?;

    // Cut-outs: board cut-outs, then through relief pockets of this side.
    let mut candidates: Vec<Cutout> = Vec::new();
    for poly in &fixture.board.outline {
        for ring in &poly.holes {
            candidates.push(Cutout {
                ring: ring.clone(),
                reason: "board cut-out".into(),
            });
        }
    }
    // Relief pockets: (ring, depth, reason); through ones become cut-outs. Pockets that
    // overlap are merged into their common bounding box (deepest depth wins).
    let mut pocket_candidates: Vec<(Vec<PointMm>, f64, String)> = Vec::new();
    if let Some(st) = fixture
        .stackup
        .as_ref()
        .and_then(|s| s.sides.iter().find(|s| s.side == side))
    {
        for pocket in &st.relief_pockets {
            let depth = if pocket.through {
                thickness_mm
            } else {
                pocket.depth_mm.min(thickness_mm)
            };
            if !(depth.is_finite() && depth > 0.0) {
                continue;
            }
            for poly in &pocket.outline {
                pocket_candidates.push((
                    poly.outer.clone(),
                    depth,
                    format!("relief pocket for {}", pocket.reference),
                ));
            }
        }
    }
    let mut blind: Vec<(Vec<PointMm>, f64, String)> = Vec::new();
    for (ring, depth, reason) in merge_pockets(pocket_candidates) {
        if depth >= thickness_mm - 1e-9 {
            candidates.push(Cutout { ring, reason });
        } else {
            blind.push((ring, depth, reason));
        }
    }
    let mut notes = Vec::new();
    let mut cutouts: Vec<Cutout> = Vec::new();
    for c in candidates {
        let ring = clean_ring(&c.ring);
        if ring.len() < 3 || signed_area(&ring).abs() < 1e-6 {
            continue;
        }
        let blocker = cutout_blocker(&ring, &outline, &holes, &cutouts);
        match blocker {
            None => cutouts.push(Cutout {
                ring,
                reason: c.reason,
            }),
            Some(why) => notes.push(format!(
                "{} left out of the plate: it would {why}",
                c.reason
            )),
        }
    }
    let mut pockets: Vec<Pocket> = Vec::new();
    for (ring, depth_mm, reason) in blind {
        let ring = clean_ring(&ring);
        if ring.len() < 3 || signed_area(&ring).abs() < 1e-6 {
            continue;
        }
        let taken: Vec<Cutout> = pockets
            .iter()
            .map(|p| Cutout {
                ring: p.ring.clone(),
                reason: p.reason.clone(),
            })
            .chain(cutouts.iter().cloned())
            .collect();
        match cutout_blocker(&ring, &outline, &holes, &taken) {
            None => pockets.push(Pocket {
                ring,
                depth_mm,
                reason,
            }),
            Some(why) => notes.push(format!("{reason} left out of the plate: it would {why}")),
        }
    }
    Ok(Plate {
        side,
        thickness_mm,
        outline,
        bbox,
        cutouts,
        pockets,
        holes,
        mirror_x: (bb[0] + bb[2]) / 2.0,
        notes,
    })
}

/// Minimum web of material kept between two holes, or a hole and an edge, mm.
const MIN_WEB_MM: f64 = 0.05;

/// A hole as the plate's errors name it: `probe hole P3 (1.70 mm at 10.000, 20.000)`.
fn hole_text(h: &PlateHole) -> String {
    format!(
        "{} hole {} ({:.2} mm at {:.3}, {:.3})",
        h.kind.name(),
        h.label,
        h.diameter_mm,
        h.x,
        h.y
    )
}

/// Every hole must lie inside the plate and clear of every other hole.
fn check_holes(holes: &[PlateHole], outline: &[PointMm]) -> std::result::Result<(), String> {
    for h in holes {
        let c = PointMm::new(h.x, h.y);
        let r = h.diameter_mm / 2.0;
        if !point_in_ring(c, outline) || ring_distance(c, outline) < r + MIN_WEB_MM {
            return Err(format!(
                "{} does not fit inside the plate outline",
                hole_text(h)
            ));
        }
    }
    // Sweep over x to find overlapping pairs without testing every pair.
    let mut order: Vec<usize> = (0..holes.len()).collect();
    order.sort_by(|&a, &b| holes[a].x.total_cmp(&holes[b].x));
    let max_r = holes
        .iter()
        .map(|h| h.diameter_mm / 2.0)
        .fold(0.0, f64::max);
    for (i, &a) in order.iter().enumerate() {
        let ha = &holes[a];
        for &b in &order[i + 1..] {
            let hb = &holes[b];
            if hb.x - ha.x > ha.diameter_mm / 2.0 + max_r + MIN_WEB_MM {
                break;
            }
            let d = ((ha.x - hb.x).powi(2) + (ha.y - hb.y).powi(2)).sqrt();
            if d < (ha.diameter_mm + hb.diameter_mm) / 2.0 + MIN_WEB_MM {
                return Err(format!(
                    "{} and {} overlap: centres {d:.3} mm apart",
                    hole_text(ha),
                    hole_text(hb)
                ));
            }
        }
    }
    Ok(())
}

/// Why a cut-out cannot be made, or `None` when it can.
fn cutout_blocker(
    ring: &[PointMm],
    outline: &[PointMm],
    holes: &[PlateHole],
    cutouts: &[Cutout],
) -> Option<String> {
    if ring.iter().any(|p| !point_in_ring(*p, outline)) || rings_touch(ring, outline, MIN_WEB_MM) {
        return Some("reach the plate edge".into());
    }
    for h in holes {
        let c = PointMm::new(h.x, h.y);
        if point_in_ring(c, ring) || ring_distance(c, ring) < h.diameter_mm / 2.0 + MIN_WEB_MM {
            return Some(format!("cut into {} hole {}", h.kind.name(), h.label));
        }
    }
    for other in cutouts {
        if rings_touch(ring, &other.ring, MIN_WEB_MM)
            || point_in_ring(ring[0], &other.ring)
            || point_in_ring(other.ring[0], ring)
        {
            return Some(format!("overlap the {}", other.reason));
        }
    }
    None
}

/// Merges overlapping pockets into the bounding box of both (deepest depth), until no
/// two overlap; order is kept (a merged pocket takes the place of the first).
fn merge_pockets(mut list: Vec<(Vec<PointMm>, f64, String)>) -> Vec<(Vec<PointMm>, f64, String)> {
    let bbox = |r: &[PointMm]| bbox_of(r.iter().copied());
    loop {
        let mut merged = false;
        'outer: for i in 0..list.len() {
            for j in i + 1..list.len() {
                let (a, b) = (&list[i].0, &list[j].0);
                if a.len() < 3 || b.len() < 3 {
                    continue;
                }
                if rings_touch(a, b, MIN_WEB_MM) || point_in_ring(a[0], b) || point_in_ring(b[0], a)
                {
                    let (ba, bb) = (bbox(a), bbox(b));
                    let u = [
                        ba[0].min(bb[0]),
                        ba[1].min(bb[1]),
                        ba[2].max(bb[2]),
                        ba[3].max(bb[3]),
                    ];
                    let ring = rect_ring(u[0], u[1], u[2], u[3]);
                    let depth = list[i].1.max(list[j].1);
                    let reason = format!(
                        "{} and {}",
                        list[i].2,
                        list[j].2.trim_start_matches("relief pocket for ")
                    );
                    list[i] = (ring, depth, reason);
                    list.remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            return list;
        }
    }
}
