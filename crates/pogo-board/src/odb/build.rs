//! From the job's files to the board model.

use super::Job;
use super::records::{self, FeatureRef, Features, Units};
use crate::cam::{CamShape, position_key};
use crate::cam::{LayerRole, Nets};
use crate::error::{BoardError, Result};
use crate::model::*;
use std::collections::HashMap;

struct Row {
    name: String,
    role: LayerRole,
}

fn page(p: PointMm) -> PointMm {
    PointMm::new(p.x, -p.y)
}

/// A package-frame ring placed on the board: mirrored (x negated) on the bottom, then
/// turned clockwise by `angle_deg` (file frame, y up), moved, and put in page frame.
fn place(points: &[PointMm], at: PointMm, angle_deg: f64, mirror: bool) -> Ring {
    let (s, c) = (-angle_deg).to_radians().sin_cos();
    points
        .iter()
        .map(|p| {
            let x = if mirror { -p.x } else { p.x };
            page(PointMm::new(at.x + x * c - p.y * s, at.y + x * s + p.y * c))
        })
        .collect()
}

fn normalize_deg(a: f64) -> f64 {
    let r = a.rem_euclid(360.0);
    let r = (r * 1e9).round() / 1e9;
    if r >= 360.0 { 0.0 } else { r + 0.0 }
}

pub(super) fn build(job: &Job) -> Result<Board> {
    let info = match job.text("misc/info")? {
        Some(t) => records::structured(&format!("{}: misc/info", job.name), &t)?,
        None => Default::default(),
    };
    let units_word = info
        .values
        .get("UNITS")
        .cloned()
        .unwrap_or_else(|| "INCH".into());
    let units = Units::parse(&units_word).unwrap_or(Units::Inch);
    let matrix_name = format!("{}: matrix/matrix", job.name);
    let matrix_text = job.text("matrix/matrix")?.unwrap_or_default();
    let matrix = records::structured(&matrix_name, &matrix_text)?;
    let step = matrix
        .blocks
        .iter()
        .find(|(n, _)| n == "STEP")
        .and_then(|(_, v)| v.get("NAME"))
        .map(|s| s.to_ascii_lowercase())
        .ok_or_else(|| BoardError::UnknownFormat {
            path: job.name.clone(),
            reason: "matrix/matrix names no STEP".into(),
        })?;
    let rows = rows(&matrix);
    let step_dir = format!("steps/{step}");
    let load = |row: &Row| -> Result<Option<Features>> {
        let path = format!("{step_dir}/layers/{}/features", row.name);
        match job.text(&path)? {
            Some(t) => Ok(Some(records::features(
                &format!("{}: {path}", job.name),
                &t,
                units,
            )?)),
            None => Ok(None),
        }
    };
    let mut layers: Vec<(LayerRole, Features)> = Vec::new();
    let mut layer_names: Vec<&str> = Vec::new();
    for row in rows
        .iter()
        .filter(|r| !matches!(r.role, LayerRole::Other | LayerRole::Components(_)))
    {
        if let Some(f) = load(row)? {
            layers.push((row.role, f));
            layer_names.push(&row.name);
        }
    }
    let (net_names, packages, subnets) = match job.text(&format!("{step_dir}/eda/data"))? {
        Some(t) => (
            records::net_names(&t),
            records::package_outlines(&t, units),
            records::subnets(&t),
        ),
        None => Default::default(),
    };
    let mut comps = Vec::new();
    for row in &rows {
        if let LayerRole::Components(side) = row.role {
            let path = format!("{step_dir}/layers/{}/components", row.name);
            if let Some(t) = job.text(&path)? {
                for c in records::components(&format!("{}: {path}", job.name), &t, units)? {
                    comps.push((side, c));
                }
            }
        }
    }
    // KiCad's ODB++ export names a pad without a number `PAD<n>` (`NPTH<n>` for a hole); the board gives none.
    let by_kicad = ["ODB_SOURCE", "SAVE_APP"]
        .iter()
        .any(|k| info.values.get(*k).is_some_and(|v| v.contains("KiCad")));
    let mut outline = match job.text(&format!("{step_dir}/profile"))? {
        Some(t) => {
            let f = records::features(&format!("{}: {step_dir}/profile", job.name), &t, units)?;
            outline(&f)
        }
        None => None,
    };
    // The profile is the Edge.Cuts stroke's centre line; KiCad's box holds the
    // strokes, which KiCad's export draws on its `edge.cuts` layer.
    if let Some(o) = outline.as_mut()
        && by_kicad
        && let Some(edge) = rows.iter().find(|r| r.name == "edge.cuts")
        && let Some(f) = load(edge)?
    {
        o.bbox = stroked_box(o.bbox, &f);
    }
    if by_kicad {
        let shared = crate::cam::kicad_shared_refs(comps.iter().map(|(_, c)| c.refdes.as_str()));
        for (_, c) in &mut comps {
            if let Some(base) = shared.get(&c.refdes) {
                c.refdes = base.clone();
            }
            for pin in &mut c.pins {
                if crate::cam::kicad_unnumbered(&pin.name) {
                    pin.name.clear();
                }
            }
        }
    }
    // KiCad's export writes a footprint without a courtyard as the convex hull of its
    // drawings and pads, and `eda/data` gives no line width to tell it by: an outline
    // is a drawn courtyard when every corner lies on the courtyard layer of its side.
    let mut courtyard_layers = [None, None];
    if by_kicad {
        for (slot, name) in courtyard_layers
            .iter_mut()
            .zip(["f.courtyard", "b.courtyard"])
        {
            if let Some(row) = rows.iter().find(|r| r.name == name) {
                *slot = load(row)?.map(|f| CourtyardMarks::new(&f));
            }
        }
    }
    let mut nets = Nets::default();
    let index = PadIndex::new(&layers);
    let mut footprints = Vec::new();
    let mut pads = Vec::new();
    for (side, c) in &comps {
        let start = pads.len();
        for pin in &c.pins {
            let net = pin
                .net
                .and_then(|n| net_names.get(n))
                .filter(|n| *n != "$NONE$");
            let linked = pin
                .net
                .zip(pin.subnet)
                .and_then(|key| subnets.features.get(&key))
                .map(|ids| resolve(ids, &layers, &layer_names));
            pads.push(Pad {
                footprint: Some(footprints.len()),
                reference: c.refdes.clone(),
                net: nets.id(net.map(String::as_str)),
                ..index.pad(&layers, linked, pin, *side)
            });
        }
        // The package outline (KiCad writes the courtyard there, or the hull of the
        // footprint's drawings where it has none) placed on the board.
        // KiCad writes a bottom footprint's package as it lies on the bottom, already
        // mirrored (StickHub `JP1`): only turned into place.
        let mirror = *side == Side::Bottom && !by_kicad;
        let placed = packages
            .get(c.package)
            .filter(|o| o.len() >= 3)
            .map(|o| place(o, c.at, c.angle_deg, mirror));
        let marks = courtyard_layers[usize::from(*side == Side::Bottom)].as_ref();
        let hull = placed
            .as_ref()
            .is_some_and(|ring| marks.is_some_and(|m| !m.hold(ring)));
        let (courtyard, courtyard_bbox, silk_bbox) = crate::cam::courtyard_or_hull(placed, hull);
        let value = c
            .properties
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("value"))
            .map(|(_, v)| v.clone());
        footprints.push(Footprint {
            reference: c.refdes.clone(),
            value: value.unwrap_or_default(),
            lib_id: c.part.clone(),
            side: *side,
            position: page(c.at),
            rotation_deg: normalize_deg(-c.angle_deg),
            attributes: FootprintAttributes::default(),
            properties: c.properties.iter().cloned().collect(),
            courtyard,
            courtyard_bbox,
            fab: Vec::new(),
            silk_bbox,
            body_height_mm: None,
            pads: start..pads.len(),
        });
    }
    let via_net = |layer: usize, feature: usize| {
        subnets
            .via_nets
            .get(&(layer_names[layer].to_string(), feature))
            .and_then(|&n| net_names.get(n))
            .filter(|n| *n != "$NONE$")
            .map(String::as_str)
    };
    let vias = index.vias(&layers, &via_net, &mut nets);
    let board_layers = rows
        .iter()
        .enumerate()
        .map(|(i, r)| r.role.board_layer(i, &r.name))
        .collect();
    Ok(Board {
        source_name: job.name.clone(),
        format: SourceFormat::OdbPlusPlus { units: units_word },
        thickness_mm: None,
        outline,
        layers: board_layers,
        nets: nets.nets,
        footprints_known: true,
        footprints,
        pads,
        vias,
        access_records: Vec::new(),
    })
}

/// Matrix rows in ROW order with their roles: the first signal row is the top copper,
/// the last the bottom; mask and paste rows above the first signal row are the top's.
fn rows(matrix: &records::Structured) -> Vec<Row> {
    let mut raw: Vec<(i64, String, String, String)> = matrix
        .blocks
        .iter()
        .filter(|(n, _)| n == "LAYER")
        .map(|(_, v)| {
            let row = v
                .get("ROW")
                .and_then(|r| r.parse().ok())
                .unwrap_or(i64::MAX);
            let get = |k: &str| v.get(k).cloned().unwrap_or_default();
            (
                row,
                get("NAME").to_ascii_lowercase(),
                get("TYPE").to_ascii_uppercase(),
                get("CONTEXT").to_ascii_uppercase(),
            )
        })
        .collect();
    raw.sort();
    let is_signal = |t: &str| matches!(t, "SIGNAL" | "POWER_GROUND" | "MIXED");
    let signal_rows: Vec<i64> = raw
        .iter()
        .filter(|r| r.3 == "BOARD" && is_signal(&r.2))
        .map(|r| r.0)
        .collect();
    let (first, last) = (
        signal_rows.first().copied().unwrap_or(0),
        signal_rows.last().copied().unwrap_or(0),
    );
    let side_of = |row: i64| {
        if row <= first {
            Side::Top
        } else {
            Side::Bottom
        }
    };
    raw.into_iter()
        .map(|(row, name, ty, ctx)| {
            let role = match ty.as_str() {
                "COMPONENT" => LayerRole::Components(if name.contains("bot") {
                    Side::Bottom
                } else {
                    side_of(row)
                }),
                _ if ctx != "BOARD" => LayerRole::Other,
                t if is_signal(t) => LayerRole::Copper(if row == first {
                    Some(Side::Top)
                } else if row == last {
                    Some(Side::Bottom)
                } else {
                    None
                }),
                "SOLDER_MASK" => LayerRole::Mask(side_of(row)),
                "SOLDER_PASTE" => LayerRole::Paste(side_of(row)),
                "DRILL" => LayerRole::Drill,
                _ => LayerRole::Other,
            };
            Row { name, role }
        })
        .collect()
}

/// The features `eda/data` links to a pin, as (index into `layers`, feature); those
/// on layers the job does not have, or past the end of their file, are left out.
fn resolve(
    ids: &[records::FeatureId],
    layers: &[(LayerRole, Features)],
    layer_names: &[&str],
) -> Vec<(usize, FeatureRef)> {
    ids.iter()
        .filter_map(|(name, feature)| {
            let li = layer_names.iter().position(|n| n == name)?;
            let kind = *layers[li].1.kinds.get(*feature)?;
            Some((li, kind))
        })
        .collect()
}

/// `.pad_usage` option 1: a via pad.
fn is_via_pad(f: &Features, attrs: &[(usize, String)]) -> bool {
    f.attr(attrs, ".pad_usage") == Some("1")
}

/// Hole plating from a drill feature's `.drill` attribute (0 plated, 1 non-plated,
/// 2 via), else from the layer's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HoleKind {
    Plated,
    NonPlated,
    Via,
}

fn hole_kind(f: &Features, attrs: &[(usize, String)]) -> HoleKind {
    match f.attr(attrs, ".drill") {
        Some("1") | Some("non_plated") => HoleKind::NonPlated,
        Some("2") | Some("via") => HoleKind::Via,
        _ => HoleKind::Plated,
    }
}

/// Pads of every layer by place: (layer index, pad record index).
struct PadIndex {
    by_place: HashMap<(i64, i64), Vec<(usize, usize)>>,
    slots: Vec<(usize, usize)>,
}

impl PadIndex {
    fn new(layers: &[(LayerRole, Features)]) -> PadIndex {
        let mut by_place: HashMap<(i64, i64), Vec<(usize, usize)>> = HashMap::new();
        let mut slots = Vec::new();
        for (li, (role, f)) in layers.iter().enumerate() {
            for (pi, p) in f.pads.iter().enumerate() {
                by_place
                    .entry(position_key(p.at))
                    .or_default()
                    .push((li, pi));
            }
            if *role == LayerRole::Drill {
                slots.extend((0..f.lines.len()).map(|i| (li, i)));
            }
        }
        PadIndex { by_place, slots }
    }

    /// The features of a pin found by place, when the job does not link them: every
    /// pad at the pin's place (a surface pad only on its component's side: an edge
    /// connector may have pads at the same place on both sides) and a slot centred there.
    fn features_at(
        &self,
        layers: &[(LayerRole, Features)],
        at: PointMm,
        side: Side,
    ) -> Vec<(usize, FeatureRef)> {
        let here = self
            .by_place
            .get(&position_key(at))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let slot = self.slot_at(layers, at);
        let drilled = slot.is_some()
            || here.iter().any(|&(li, pi)| {
                let (role, f) = &layers[li];
                *role == LayerRole::Drill && hole_kind(f, &f.pads[pi].attrs) != HoleKind::Via
            });
        let keep = |li: usize, pi: usize| {
            let (role, f) = &layers[li];
            let attrs = &f.pads[pi].attrs;
            match role {
                LayerRole::Copper(s) => !is_via_pad(f, attrs) && (drilled || *s == Some(side)),
                LayerRole::Mask(s) | LayerRole::Paste(s) => drilled || *s == side,
                LayerRole::Drill => hole_kind(f, attrs) != HoleKind::Via,
                _ => false,
            }
        };
        here.iter()
            .filter(|&&(li, pi)| keep(li, pi))
            .map(|&(li, pi)| (li, FeatureRef::Pad(pi)))
            .chain(slot)
            .collect()
    }

    fn pad(
        &self,
        layers: &[(LayerRole, Features)],
        linked: Option<Vec<(usize, FeatureRef)>>,
        pin: &records::Toeprint,
        side: Side,
    ) -> Pad {
        let features = linked
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| self.features_at(layers, pin.at, side));
        let mut parts = PinParts::default();
        for &(li, feature) in &features {
            parts.add(layers, li, feature, side, pin);
        }
        // A non-plated hole carries no net, so `eda/data` may not link it: one at the
        // pin's place is the pin's when the linked features hold no hole.
        let drill = parts.drill.or_else(|| {
            let np = self.features_at(layers, pin.at, side).into_iter().find(|&(li, f)| {
                let (role, feats) = &layers[li];
                *role == LayerRole::Drill
                    && matches!(f, FeatureRef::Pad(pi) if hole_kind(feats, &feats.pads[pi].attrs) == HoleKind::NonPlated)
            });
            np.and_then(|(li, f)| {
                let mut holes = PinParts::default();
                holes.add(layers, li, f, side, pin);
                holes.drill
            })
        });
        // The shape of copper or paste; else of the hole (a mask opening is larger
        // than the pad by its margin); else of the mask opening.
        let (shape, rotation, mirror) = match parts.shape {
            Some((rank, shape, angle, mirror)) if rank < 3 || drill.is_none() => {
                (shape, angle, mirror)
            }
            _ => (
                match &drill {
                    Some((d, _)) if d.oblong => CamShape::Oval { size: d.size_mm },
                    Some((d, _)) => CamShape::Circle {
                        diameter_mm: d.size_mm.w,
                    },
                    None => CamShape::Circle { diameter_mm: 0.0 },
                },
                0.0,
                false,
            ),
        };
        let kind = match &drill {
            Some((_, HoleKind::NonPlated)) => PadKind::NpThruHole,
            Some(_) => PadKind::ThruHole,
            None => PadKind::Smd,
        };
        Pad {
            footprint: None,
            reference: String::new(),
            number: pin.name.clone(),
            kind,
            shape: shape.pad_shape(),
            size_mm: shape.size(),
            position: page(pin.at),
            // Clockwise in the file; a mirrored (bottom) pad's angle is as seen from
            // the bottom, so KiCad's counter-clockwise angle is the same number.
            rotation_deg: normalize_deg(if mirror { rotation } else { -rotation }),
            drill: drill.map(|d| d.0),
            layers: Vec::new(),
            front_copper: crate::cam::on_copper(kind, parts.on.front),
            back_copper: crate::cam::on_copper(kind, parts.on.back),
            front_mask: parts.on.front_mask,
            back_mask: parts.on.back_mask,
            front_paste: parts.on.front_paste,
            back_paste: parts.on.back_paste,
            mask_margin_mm: None,
            net: None,
            test_point_property: false,
        }
    }

    /// A slot (a line in a drill layer) centred on `at`.
    fn slot_at(
        &self,
        layers: &[(LayerRole, Features)],
        at: PointMm,
    ) -> Option<(usize, FeatureRef)> {
        self.slots.iter().find_map(|&(li, i)| {
            let l = &layers[li].1.lines[i];
            let centre = PointMm::new((l.from.x + l.to.x) / 2.0, (l.from.y + l.to.y) / 2.0);
            (centre.distance_mm(at) <= 0.002).then_some((li, FeatureRef::Line(i)))
        })
    }

    /// Vias from the drill layers' via holes; `net_of(layer, feature)` names the net
    /// `eda/data` gives the hole.
    fn vias<'n>(
        &self,
        layers: &[(LayerRole, Features)],
        net_of: &dyn Fn(usize, usize) -> Option<&'n str>,
        nets: &mut Nets,
    ) -> Vec<Via> {
        let mut out = Vec::new();
        for (li, (role, f)) in layers.iter().enumerate() {
            if *role != LayerRole::Drill {
                continue;
            }
            for rec in f
                .pads
                .iter()
                .filter(|r| hole_kind(f, &r.attrs) == HoleKind::Via)
            {
                let here = self
                    .by_place
                    .get(&position_key(rec.at))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let drill = f.symbols[rec.symbol].size().w;
                let mut diameter = drill;
                let (mut fm, mut bm) = (false, false);
                for &(li, pi) in here {
                    let (r, lf) = &layers[li];
                    match r {
                        LayerRole::Copper(_) if is_via_pad(lf, &lf.pads[pi].attrs) => {
                            diameter = lf.symbols[lf.pads[pi].symbol].size().w;
                        }
                        LayerRole::Mask(Side::Top) => fm = true,
                        LayerRole::Mask(Side::Bottom) => bm = true,
                        _ => {}
                    }
                }
                out.push(Via {
                    position: page(rec.at),
                    diameter_mm: diameter,
                    drill_mm: drill,
                    layers: (String::new(), String::new()),
                    via_type: "through".into(),
                    net: nets.id(net_of(li, rec.feature)),
                    front_mask_open: fm,
                    back_mask_open: bm,
                });
            }
        }
        out
    }
}

/// What the features of one pin say, gathered over the layers.
#[derive(Default)]
struct PinParts {
    on: crate::cam::Openings,
    /// The pad's shape: (rank, shape, clockwise angle, mirror) of the best feature so
    /// far: copper on the component's side (0), other copper (1), paste (2), mask (3).
    shape: Option<(u8, CamShape, f64, bool)>,
    drill: Option<(Drill, HoleKind)>,
}

impl PinParts {
    fn add(
        &mut self,
        layers: &[(LayerRole, Features)],
        li: usize,
        feature: FeatureRef,
        side: Side,
        pin: &records::Toeprint,
    ) {
        let (role, f) = &layers[li];
        match (role, feature) {
            (LayerRole::Drill, FeatureRef::Pad(pi)) => {
                // A round hole, or an oblong one flashed as an `oval` symbol.
                let rec = &f.pads[pi];
                let size_mm = f.symbols[rec.symbol].size();
                self.drill = Some((
                    Drill {
                        oblong: size_mm.w != size_mm.h,
                        size_mm,
                        offset_mm: PointMm::default(),
                    },
                    hole_kind(f, &rec.attrs),
                ));
            }
            (LayerRole::Drill, FeatureRef::Line(i)) => {
                let l = &f.lines[i];
                let w = f.symbols[l.symbol].size().w;
                let size_mm = SizeMm {
                    w: l.from.distance_mm(l.to) + w,
                    h: w,
                };
                self.drill = Some((
                    Drill {
                        oblong: true,
                        size_mm,
                        offset_mm: PointMm::default(),
                    },
                    hole_kind(f, &l.attrs),
                ));
            }
            (_, FeatureRef::Pad(pi)) => {
                if let Some(rank) = self.on(*role, side) {
                    let rec = &f.pads[pi];
                    let shape = &f.symbols[rec.symbol];
                    self.offer(rank, shape, rec.angle_deg, rec.mirror);
                }
            }
            (_, FeatureRef::Surface(i)) => {
                // A custom pad is written as a surface: its outline's box.
                let Some(rank) = self.on(*role, side) else {
                    return;
                };
                let outer = f.contours[f.surfaces[i].clone()]
                    .iter()
                    .filter(|(hole, _)| !hole)
                    .flat_map(|(_, pts)| pts.iter().copied());
                // A trapezoid pad is a surface too (KiCad's export, custom_pads_test
                // `U***` 3), drawn turned by the pin's rotation: turned back about the
                // pin, it is recognised as the IPC-2581 reader recognises its contour.
                if !pin.mirror {
                    let (s, c) = pin.angle_deg.to_radians().sin_cos();
                    let pad_frame: Vec<PointMm> = outer
                        .clone()
                        .map(|p| {
                            let (x, y) = (p.x - pin.at.x, p.y - pin.at.y);
                            PointMm::new(x * c - y * s, x * s + y * c)
                        })
                        .collect();
                    if let Some(trapezoid) = crate::cam::trapezoid_of(&pad_frame) {
                        self.offer(rank, &trapezoid, pin.angle_deg, false);
                        return;
                    }
                }
                let [x0, y0, x1, y1] = crate::geometry::bbox_of(outer);
                if x1 >= x0 {
                    let size = SizeMm {
                        w: x1 - x0,
                        h: y1 - y0,
                    };
                    self.offer(rank, &CamShape::Other { size }, 0.0, false);
                }
            }
            _ => {}
        }
    }

    /// Notes a feature on `role`'s layer; returns its shape's rank, or `None` for a
    /// layer that says nothing about the pad.
    fn on(&mut self, role: LayerRole, side: Side) -> Option<u8> {
        Some(match role {
            LayerRole::Copper(s) => {
                self.on.front |= s == Some(Side::Top);
                self.on.back |= s == Some(Side::Bottom);
                if s == Some(side) { 0 } else { 1 }
            }
            LayerRole::Paste(s) => {
                self.on.front_paste |= s == Side::Top;
                self.on.back_paste |= s == Side::Bottom;
                2
            }
            LayerRole::Mask(s) => {
                self.on.front_mask |= s == Side::Top;
                self.on.back_mask |= s == Side::Bottom;
                3
            }
            _ => return None,
        })
    }

    fn offer(&mut self, rank: u8, shape: &CamShape, angle_deg: f64, mirror: bool) {
        if self.shape.as_ref().is_none_or(|best| rank < best.0) {
            self.shape = Some((rank, shape.clone(), angle_deg, mirror));
        }
    }
}

/// The outline box with the outline layer's strokes: the profile's box grown by half
/// the widest line, joined with the box of each flashed shape (a rectangle outline
/// written as one `donut_rc` pad), page frame.
fn stroked_box(profile: BoxMm, edge: &Features) -> BoxMm {
    let stroke = edge
        .lines
        .iter()
        .map(|l| edge.symbols[l.symbol].size().w)
        .fold(0.0, f64::max);
    let mut b = profile.grown(stroke / 2.0);
    for p in &edge.pads {
        let f = flashed_box(edge, p);
        b.include(PointMm::new(f.left, f.top));
        b.include(PointMm::new(f.right, f.bottom));
    }
    b
}

/// The box of a flashed shape (page frame): its symbol's size at the pad, a quarter
/// turn swapping width and height.
fn flashed_box(f: &Features, p: &records::PadRec) -> BoxMm {
    let size = f.symbols[p.symbol].size();
    let quarter_turned = (p.angle_deg / 90.0).round() as i64 % 2 != 0;
    let (w, h) = if quarter_turned {
        (size.h, size.w)
    } else {
        (size.w, size.h)
    };
    let c = page(p.at);
    let mut b = BoxMm::EMPTY;
    b.include(PointMm::new(c.x - w / 2.0, c.y - h / 2.0));
    b.include(PointMm::new(c.x + w / 2.0, c.y + h / 2.0));
    b
}

fn outline(f: &Features) -> Option<Outline> {
    crate::cam::outline_from_profile(
        f.contours
            .iter()
            .filter(|(hole, _)| !hole)
            .map(|(_, p)| p.as_slice()),
        f.contours
            .iter()
            .filter(|(hole, _)| *hole)
            .map(|(_, p)| p.as_slice()),
    )
}

/// The strokes of a courtyard layer (page frame), indexed by 1 mm cells, to tell a
/// drawn courtyard from KiCad's hull of a footprint's drawings.
struct CourtyardMarks {
    marks: Vec<Mark>,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

/// A courtyard stroke: a line (ends, half width), an arc's circle (centre, radius,
/// half width) or a flashed shape's box.
enum Mark {
    Line(PointMm, PointMm, f64),
    Circle(PointMm, f64, f64),
    Box(BoxMm),
}

/// How far a corner of the package outline may lie from the stroke's centre line
/// beyond its half width: the files' 6 decimals and KiCad's arc chords, 2 um.
const ON_STROKE_MM: f64 = 0.002;

const MARK_CELL_MM: f64 = 1.0;

fn cell_of(v: f64) -> i64 {
    (v / MARK_CELL_MM).floor() as i64
}

impl CourtyardMarks {
    fn new(f: &Features) -> CourtyardMarks {
        let mut marks = Vec::new();
        for l in &f.lines {
            let half = f.symbols[l.symbol].size().w / 2.0;
            marks.push(Mark::Line(page(l.from), page(l.to), half));
        }
        for a in &f.arcs {
            let half = f.symbols[a.symbol].size().w / 2.0;
            let radius = a.start.distance_mm(a.centre);
            marks.push(Mark::Circle(page(a.centre), radius, half));
        }
        for p in &f.pads {
            marks.push(Mark::Box(flashed_box(f, p)));
        }
        let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, m) in marks.iter().enumerate() {
            let b = m.reach();
            for x in cell_of(b.left)..=cell_of(b.right) {
                for y in cell_of(b.top)..=cell_of(b.bottom) {
                    cells.entry((x, y)).or_default().push(i);
                }
            }
        }
        CourtyardMarks { marks, cells }
    }

    /// Whether every corner of `ring` lies on a stroke.
    fn hold(&self, ring: &[PointMm]) -> bool {
        ring.iter().all(|p| {
            self.cells
                .get(&(cell_of(p.x), cell_of(p.y)))
                .is_some_and(|ids| ids.iter().any(|&i| self.marks[i].touches(*p)))
        })
    }
}

impl Mark {
    /// The box a corner on this stroke lies in.
    fn reach(&self) -> BoxMm {
        let mut b = BoxMm::EMPTY;
        let grow = match *self {
            Mark::Line(a, e, half) => {
                b.include(a);
                b.include(e);
                half
            }
            Mark::Circle(c, r, half) => {
                b.include(PointMm::new(c.x - r, c.y - r));
                b.include(PointMm::new(c.x + r, c.y + r));
                half
            }
            Mark::Box(bx) => {
                b = bx;
                0.0
            }
        };
        b.grown(grow + ON_STROKE_MM)
    }

    fn touches(&self, p: PointMm) -> bool {
        match *self {
            Mark::Line(a, e, half) => {
                crate::geometry::segment_distance(p, a, e) <= half + ON_STROKE_MM
            }
            Mark::Circle(c, r, half) => (p.distance_mm(c) - r).abs() <= half + ON_STROKE_MM,
            Mark::Box(_) => {
                let b = self.reach();
                p.x >= b.left && p.x <= b.right && p.y >= b.top && p.y <= b.bottom
            }
        }
    }
}
