//! From the parsed records to the board model: pads gathered across copper, mask and
//! paste layers by component pin and place, drills from pad stacks, drill layers and
//! slots, vias from drill layer holes, in KiCad's page frame (y negated).

use super::parse::{Doc, LayerDef, Name, PadFeature, Plating};
use crate::cam::{CamShape, FastMap, position_key, slot_extent};
use crate::cam::{LayerRole, Nets};
use crate::error::Result;
use crate::model::*;
use std::collections::HashMap;

fn side_of(l: &LayerDef) -> Option<Side> {
    match l.side.as_str() {
        "TOP" => Some(Side::Top),
        "BOTTOM" => Some(Side::Bottom),
        _ => None,
    }
}

fn roles(layers: &[LayerDef]) -> Vec<LayerRole> {
    let copper = |f: &str| {
        matches!(
            f,
            "CONDUCTOR" | "SIGNAL" | "PLANE" | "MIXED" | "CONDFILM" | "CONDFOIL"
        )
    };
    let copper_idx: Vec<usize> = (0..layers.len())
        .filter(|&i| copper(&layers[i].function))
        .collect();
    layers
        .iter()
        .enumerate()
        .map(|(i, l)| match l.function.as_str() {
            f if copper(f) => match side_of(l) {
                Some(s) => LayerRole::Copper(Some(s)),
                None if l.side.is_empty() && copper_idx.first() == Some(&i) => {
                    LayerRole::Copper(Some(Side::Top))
                }
                None if l.side.is_empty() && copper_idx.last() == Some(&i) => {
                    LayerRole::Copper(Some(Side::Bottom))
                }
                None => LayerRole::Copper(None),
            },
            "SOLDERMASK" => side_of(l).map_or(LayerRole::Other, LayerRole::Mask),
            "SOLDERPASTE" => side_of(l).map_or(LayerRole::Other, LayerRole::Paste),
            "DRILL" => LayerRole::Drill,
            _ => LayerRole::Other,
        })
        .collect()
}

fn page(p: PointMm) -> PointMm {
    PointMm::new(p.x, -p.y)
}

/// A pad's identity across layers: component, pin, place (nm) and pad stack.
type PadKey = (Name, Name, (i64, i64), Option<Name>);

/// One pad of a component pin, gathered over the layers it appears on.
struct PadAcc<'d> {
    first: &'d PadFeature,
    shape: Option<&'d CamShape>,
    shape_from_top: bool,
    /// Indices of the layers it is found on.
    layers: Vec<usize>,
    on: crate::cam::Openings,
    net: Option<Name>,
    test_point: bool,
}

pub(super) fn build(path_name: &str, mut doc: Doc) -> Result<Board> {
    // Pads find their footprint by the file's own reference, unique even where KiCad
    // renamed a shared one (tinytapeout-demo's `STITCH1`, `STITCH1_1`, ...: 130
    // footprints, each with its own pad).
    let file_refs: Vec<String> = doc.components.iter().map(|c| c.refdes.clone()).collect();
    if doc.written_by_kicad {
        undo_kicad_renames(&mut doc);
    }
    let roles = roles(&doc.layers);
    let mut nets = Nets::default();
    let footprints = footprints(&doc, &roles);
    let ref_index: HashMap<&str, usize> = file_refs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.as_str(), i))
        .collect();
    let mut pads = pads(&doc, &roles, &ref_index, &footprints, &mut nets);
    pads.sort_by_key(|p| p.footprint.unwrap_or(usize::MAX));
    let mut footprints = footprints;
    let mut start = 0;
    for (i, fp) in footprints.iter_mut().enumerate() {
        let end = start
            + pads[start..]
                .iter()
                .take_while(|p| p.footprint == Some(i))
                .count();
        fp.pads = start..end;
        start = end;
    }
    let vias = vias(&doc, &roles, &mut nets);
    let layers = doc
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| roles[i].board_layer(i, &l.name))
        .collect();
    Ok(Board {
        source_name: path_name.to_string(),
        format: SourceFormat::Ipc2581 {
            revision: doc.revision.clone(),
            units: doc.units.clone(),
        },
        thickness_mm: doc.thickness_mm,
        outline: outline(&doc),
        layers,
        nets: nets.nets,
        footprints_known: true,
        footprints,
        pads,
        vias,
        access_records: Vec::new(),
    })
}

fn footprints(doc: &Doc, roles: &[LayerRole]) -> Vec<Footprint> {
    doc.components
        .iter()
        .map(|c| {
            let layer_side = doc
                .layers
                .iter()
                .position(|l| l.name == c.layer)
                .and_then(|i| match roles[i] {
                    LayerRole::Copper(s) => s,
                    _ => side_of(&doc.layers[i]),
                });
            let side = layer_side.unwrap_or(if c.mirror { Side::Bottom } else { Side::Top });
            let package = doc.packages.get(&c.package);
            // KiCad builds a bottom footprint's package by flipping it top to bottom, and
            // places it by turning it by the rotation, then flipping it back (y negated):
            // as IPC-2581's mirror (x negated) then a turn, that is 180 degrees less the
            // rotation (StickHub `JP1`, rotation 270: 270 degrees).
            let turn_deg = if c.mirror && doc.written_by_kicad {
                180.0 - c.rotation_deg
            } else {
                c.rotation_deg
            };
            let placed = package
                .filter(|p| p.outline.len() >= 3)
                .map(|p| place(&p.outline, c.location, turn_deg, c.mirror));
            // KiCad writes a footprint without a courtyard as the convex hull of its
            // drawings and pads, drawn with a zero-width line (a courtyard keeps its own
            // line width): the hull is no courtyard, only the extent of the drawings.
            let hull = doc.written_by_kicad && package.and_then(|p| p.outline_line_mm) == Some(0.0);
            let (courtyard, courtyard_bbox, silk_bbox) =
                crate::cam::courtyard_or_hull(placed, hull);
            Footprint {
                reference: c.refdes.clone(),
                value: c.part.clone(),
                lib_id: c.package.clone(),
                side,
                position: page(c.location),
                rotation_deg: footprint_rotation(c.rotation_deg, side),
                attributes: FootprintAttributes::default(),
                properties: Default::default(),
                courtyard,
                courtyard_bbox,
                fab: Vec::new(),
                silk_bbox,
                body_height_mm: c.height_mm.or_else(|| package.and_then(|p| p.height_mm)),
                pads: 0..0,
            }
        })
        .collect()
}

/// KiCad's footprint orientation from the file's rotation: the same angle on top; on
/// the bottom the file gives it as seen through the board (mirrored), so it turns
/// the other way.
fn footprint_rotation(rotation_deg: f64, side: Side) -> f64 {
    normalize_deg(match side {
        Side::Top => rotation_deg,
        Side::Bottom => 360.0 - rotation_deg,
    })
}

fn pad_rotation(rotation_deg: f64, mirror: bool) -> f64 {
    normalize_deg(if mirror {
        360.0 - rotation_deg
    } else {
        rotation_deg
    })
}

fn normalize_deg(a: f64) -> f64 {
    let r = a.rem_euclid(360.0);
    let r = (r * 1e9).round() / 1e9;
    if r >= 360.0 { 0.0 } else { r + 0.0 }
}

/// A package-frame polygon placed on the board: mirrored (x negated) on the bottom,
/// rotated counter-clockwise (file frame, y up), moved, then put in page frame.
fn place(points: &[PointMm], at: PointMm, rotation_deg: f64, mirror: bool) -> Ring {
    let (s, c) = rotation_deg.to_radians().sin_cos();
    points
        .iter()
        .map(|p| {
            let x = if mirror { -p.x } else { p.x };
            let (rx, ry) = (x * c - p.y * s, x * s + p.y * c);
            page(PointMm::new(at.x + rx, at.y + ry))
        })
        .collect()
}

fn pads(
    doc: &Doc,
    roles: &[LayerRole],
    refs: &HashMap<&str, usize>,
    footprints: &[Footprint],
    nets: &mut Nets,
) -> Vec<Pad> {
    let mut accs: Vec<PadAcc<'_>> = Vec::new();
    let mut index: FastMap<PadKey, usize> = FastMap::default();
    for f in &doc.pads {
        let Some((comp, pin)) = f.pin else {
            continue;
        };
        let role = roles[f.layer];
        if matches!(role, LayerRole::Other | LayerRole::Drill) {
            continue;
        }
        let key = (comp, pin, position_key(f.location), f.padstack);
        let i = *index.entry(key).or_insert_with(|| {
            accs.push(PadAcc {
                first: f,
                shape: None,
                shape_from_top: false,
                layers: Vec::new(),
                on: Default::default(),
                net: None,
                test_point: false,
            });
            accs.len() - 1
        });
        let acc = &mut accs[i];
        acc.layers.push(f.layer);
        acc.test_point |= f.test_point;
        match role {
            LayerRole::Copper(side) => {
                let top = side == Some(Side::Top);
                if acc.shape.is_none() || (top && !acc.shape_from_top) {
                    acc.shape = f.shape.as_ref();
                    acc.shape_from_top = top;
                    acc.first = f;
                }
                acc.on.front |= side == Some(Side::Top);
                acc.on.back |= side == Some(Side::Bottom);
                if acc.net.is_none() {
                    acc.net = f.net;
                }
            }
            LayerRole::Mask(Side::Top) => acc.on.front_mask = true,
            LayerRole::Mask(Side::Bottom) => acc.on.back_mask = true,
            LayerRole::Paste(Side::Top) => acc.on.front_paste = true,
            LayerRole::Paste(Side::Bottom) => acc.on.back_paste = true,
            LayerRole::Drill | LayerRole::Components(_) | LayerRole::Other => {}
        }
        if acc.shape.is_none() {
            acc.shape = f.shape.as_ref();
        }
    }
    let holes = hole_index(doc);
    let slots: Vec<(f64, f64, PointMm, Plating)> = doc
        .slots
        .iter()
        .filter_map(|s| slot_extent(&s.outline).map(|(l, w, c)| (l, w, c, s.plating)))
        .collect();
    accs.iter_mut()
        .for_each(|a| openings_from_padstack(doc, roles, a));
    if doc.written_by_kicad {
        kicad_stack_order(doc, &mut accs);
    }
    accs.iter()
        .flat_map(|a| {
            let f = a.first;
            let drill = drill_of(doc, f, &holes, &slots);
            let shape = a
                .shape
                .cloned()
                .unwrap_or(CamShape::Circle { diameter_mm: 0.0 });
            let (comp, pin) = f
                .pin
                .map(|(c, p)| (doc.names.get(c).to_string(), doc.names.get(p).to_string()))
                .unwrap_or_default();
            let footprint = refs.get(comp.as_str()).copied();
            let kind = match drill {
                Some((_, Plating::NonPlated)) => PadKind::NpThruHole,
                Some(_) => PadKind::ThruHole,
                // KiCad's `connect` type is not written (docs/cam-readers.md); a pad
                // without mask or paste is an ordinary SMD pad (503 on the shared boards).
                None => PadKind::Smd,
            };
            split_sides(Pad {
                footprint,
                reference: footprint.map_or(comp, |i| footprints[i].reference.clone()),
                number: pin,
                kind,
                shape: shape.pad_shape(),
                size_mm: shape.size(),
                position: page(anchor(doc, f)),
                rotation_deg: pad_rotation(f.rotation_deg, f.mirror),
                drill: drill.map(|(d, _)| d),
                layers: a
                    .layers
                    .iter()
                    .map(|&i| doc.layers[i].name.clone())
                    .collect(),
                front_copper: crate::cam::on_copper(kind, a.on.front),
                back_copper: crate::cam::on_copper(kind, a.on.back),
                front_mask: a.on.front_mask,
                back_mask: a.on.back_mask,
                front_paste: a.on.front_paste,
                back_paste: a.on.back_paste,
                mask_margin_mm: None,
                net: nets.id(a.net.map(|n| doc.names.get(n))),
                test_point_property: a.test_point,
            })
        })
        .collect()
}

/// Pads of one number at one place in KiCad's order. Each layer lists a footprint's
/// pads in KiCad's order, but a front-only and a back-only pad share no layer
/// (glasgow `U1` 57: a via, then the 6.1 mm back pad, then the 6.22 mm front pad). The
/// exporter names pad stacks `PADSTACK_<n>` as it first meets them, walking each
/// footprint's pads in order (`U1` 57: via `PADSTACK_7`, back `PADSTACK_8`, front
/// `PADSTACK_9`; bms-c1 `U3` 9: back 57, front 58): such a group is put in the order
/// of its stacks' numbers, at the place of its first pad. A stack first met in
/// another footprint may carry an earlier number; a group with a stack not so named
/// keeps the order of the layers.
fn kicad_stack_order(doc: &Doc, accs: &mut Vec<PadAcc<'_>>) {
    let stack_number = |a: &PadAcc<'_>| {
        a.first.padstack.and_then(|ps| {
            doc.names
                .get(ps)
                .strip_prefix("PADSTACK_")?
                .parse::<u32>()
                .ok()
        })
    };
    let group_of = |a: &PadAcc<'_>| (a.first.pin, position_key(a.first.location));
    let mut groups: FastMap<_, Vec<usize>> = FastMap::default();
    for (i, a) in accs.iter().enumerate() {
        groups.entry(group_of(a)).or_default().push(i);
    }
    let mut order = Vec::with_capacity(accs.len());
    let mut placed = vec![false; accs.len()];
    for i in 0..accs.len() {
        if placed[i] {
            continue;
        }
        let mut members = groups.get(&group_of(&accs[i])).cloned().unwrap_or_default();
        let numbers: Option<Vec<u32>> = members.iter().map(|&m| stack_number(&accs[m])).collect();
        match numbers {
            Some(n) if members.len() > 1 => {
                let mut keyed: Vec<(u32, usize)> = n.into_iter().zip(members).collect();
                keyed.sort();
                members = keyed.into_iter().map(|(_, m)| m).collect();
            }
            _ => members = vec![i],
        }
        for m in members {
            if !placed[m] {
                placed[m] = true;
                order.push(m);
            }
        }
    }
    let mut slots: Vec<Option<PadAcc<'_>>> = std::mem::take(accs).into_iter().map(Some).collect();
    *accs = order.into_iter().filter_map(|i| slots[i].take()).collect();
}

/// A pad without a hole has copper on one side only: one found on both outer layers
/// at the same place is two pads (bms-c1 `Q8` 3: custom pads on `F.Cu` and on `B.Cu`),
/// each with its side's mask and paste.
fn split_sides(pad: Pad) -> Vec<Pad> {
    if pad.drill.is_some() || !(pad.front_copper && pad.back_copper) {
        return vec![pad];
    }
    let front = Pad {
        back_copper: false,
        back_mask: false,
        back_paste: false,
        ..pad.clone()
    };
    let back = Pad {
        front_copper: false,
        front_mask: false,
        front_paste: false,
        ..pad
    };
    vec![front, back]
}

/// Mask and paste openings from the pad's stack when the stack names exactly the
/// copper layers the pad was found on: KiCad's export writes every pad of a
/// footprint on the mask and paste layers (bms-c1's `Q8` pin 3 thermal vias, copper
/// only in the board, appear on `F.Mask`), while its `PadStackDef` lists the pad's own
/// layers. A stack shared with pads of another side or kind (its copper layers
/// differ) says nothing about this pad, and the features stand.
fn openings_from_padstack(doc: &Doc, roles: &[LayerRole], a: &mut PadAcc<'_>) {
    let Some(stack) = a.first.padstack.and_then(|ps| doc.padstack_layers.get(&ps)) else {
        return;
    };
    let role_of = |name: &str| {
        doc.layers
            .iter()
            .position(|l| l.name == name)
            .map_or(LayerRole::Other, |i| roles[i])
    };
    let copper = |names: &mut dyn Iterator<Item = &String>| -> Vec<String> {
        let mut v: Vec<String> = names
            .filter(|n| matches!(role_of(n), LayerRole::Copper(_)))
            .cloned()
            .collect();
        v.sort();
        v.dedup();
        v
    };
    if copper(&mut a.layers.iter().map(|&i| &doc.layers[i].name)) != copper(&mut stack.iter()) {
        return;
    }
    let has = |role: LayerRole| stack.iter().any(|n| role_of(n) == role);
    a.on.front_mask = has(LayerRole::Mask(Side::Top));
    a.on.back_mask = has(LayerRole::Mask(Side::Bottom));
    a.on.front_paste = has(LayerRole::Paste(Side::Top));
    a.on.back_paste = has(LayerRole::Paste(Side::Bottom));
}

/// The pad's anchor (file frame), where KiCad puts the pad: its hole. The pad stack
/// gives the hole's offset `o` from the location. KiCad's export writes the location
/// as the pad's position plus `o` in the board's frame, not turned with the pad
/// (complex_hierarchy `Q3` 1: pad at y -123.825, rotation 180, offset (0, -0.4),
/// location y -124.225), so the anchor is the location less `o`; for other writers,
/// less `o` turned with the pad.
fn anchor(doc: &Doc, f: &PadFeature) -> PointMm {
    let Some(o) = f.padstack.and_then(|ps| doc.padstack_hole_offsets.get(&ps)) else {
        return f.location;
    };
    if doc.written_by_kicad {
        return PointMm::new(f.location.x - o.x, f.location.y - o.y);
    }
    let x = if f.mirror { -o.x } else { o.x };
    let (s, c) = f.rotation_deg.to_radians().sin_cos();
    PointMm::new(
        f.location.x - (x * c - o.y * s),
        f.location.y - (x * s + o.y * c),
    )
}

/// Undoes the renamings of KiCad's IPC-2581 export, which keeps reference
/// designators and pin names in one namespace: a pad without a number is written
/// `PAD<n>` or `NPTH<n>` (its index in the footprint), and a name already used (a pin `D1` and a
/// diode `D1`) gets `_1` appended, on the pin or on the component, whichever came
/// second.
fn undo_kicad_renames(doc: &mut Doc) {
    use std::collections::HashSet;
    let pins: HashSet<Name> = doc
        .pads
        .iter()
        .filter_map(|p| p.pin.map(|(_, n)| n))
        .collect();
    let pins: HashSet<&str> = pins.into_iter().map(|n| doc.names.get(n)).collect();
    let before: HashSet<String> = doc.components.iter().map(|c| c.refdes.clone()).collect();
    for c in &mut doc.components {
        if let Some(base) = c.refdes.strip_suffix("_1")
            && pins.contains(base)
            && !before.contains(base)
        {
            c.refdes = base.to_string();
        }
    }
    // A reference used by several footprints (`REF**`, `POLY`, `STITCH1`) is written
    // `REF`, `REF_1`, `REF_2`, ...
    let shared = crate::cam::kicad_shared_refs(doc.components.iter().map(|c| c.refdes.as_str()));
    for c in &mut doc.components {
        if let Some(base) = shared.get(&c.refdes) {
            c.refdes = base.clone();
        }
    }
    let refs: HashSet<&str> = doc.components.iter().map(|c| c.refdes.as_str()).collect();
    let names = &doc.names;
    // Every name once: what it becomes as a pin.
    let as_pin: Vec<Option<String>> = (0..names.len())
        .map(|id| {
            let name = names.get(id as Name);
            if crate::cam::kicad_unnumbered(name) {
                Some(String::new())
            } else {
                name.strip_suffix("_1")
                    .filter(|base| refs.contains(base))
                    .map(str::to_string)
            }
        })
        .collect();
    let pin_ids: Vec<Name> = (0..as_pin.len())
        .map(|id| {
            as_pin[id]
                .as_deref()
                .map_or(id as Name, |n| doc.names.intern(n))
        })
        .collect();
    // A pad keeps the file's component name (its footprint is found by it); the
    // footprint carries the name undone.
    for p in &mut doc.pads {
        if let Some((_, pin)) = p.pin.as_mut() {
            *pin = pin_ids[*pin as usize];
        }
    }
}

/// Plated and non-plated holes of drill layers by place.
fn hole_index(doc: &Doc) -> HashMap<(i64, i64), (f64, Plating)> {
    doc.holes
        .iter()
        .filter(|h| h.plating != Plating::Via)
        .map(|h| (position_key(h.location), (h.diameter_mm, h.plating)))
        .collect()
}

/// The pad's drill: its pad stack's hole, else a drill layer hole at its place, else a
/// slot centred on it.
fn drill_of(
    doc: &Doc,
    f: &PadFeature,
    holes: &HashMap<(i64, i64), (f64, Plating)>,
    slots: &[(f64, f64, PointMm, Plating)],
) -> Option<(Drill, Plating)> {
    let round = |d: f64, plating: Plating| {
        let size_mm = SizeMm { w: d, h: d };
        Some((
            Drill {
                oblong: false,
                size_mm,
                offset_mm: PointMm::default(),
            },
            plating,
        ))
    };
    if let Some(&(d, plating)) = f.padstack.and_then(|ps| doc.padstack_holes.get(&ps)) {
        return round(d, plating);
    }
    let stack_known = f.padstack.is_some_and(|ps| doc.padstacks.contains(&ps));
    if !stack_known && let Some(&(d, plating)) = holes.get(&position_key(f.location)) {
        return round(d, plating);
    }
    let slot = slots.iter().find(|s| s.2.distance_mm(f.location) < 0.002)?;
    let (len, width) = (slot.0, slot.1);
    // The slot's long side lies along the pad's own x or y depending on its rotation.
    let size_mm = SizeMm { w: len, h: width };
    Some((
        Drill {
            oblong: true,
            size_mm,
            offset_mm: PointMm::default(),
        },
        slot.3,
    ))
}

fn vias(doc: &Doc, roles: &[LayerRole], nets: &mut Nets) -> Vec<Via> {
    let mut copper: HashMap<(i64, i64), f64> = HashMap::new();
    let mut mask: HashMap<(i64, i64), (bool, bool)> = HashMap::new();
    for f in doc.pads.iter().filter(|f| f.pin.is_none()) {
        let key = position_key(f.location);
        match roles[f.layer] {
            LayerRole::Copper(_) => {
                let d = f.shape.as_ref().map_or(0.0, |s| s.size().w);
                copper.entry(key).or_insert(d);
            }
            LayerRole::Mask(side) => {
                let m = mask.entry(key).or_default();
                if side == Side::Top {
                    m.0 = true;
                } else {
                    m.1 = true;
                }
            }
            _ => {}
        }
    }
    let copper_names: Vec<&str> = doc
        .layers
        .iter()
        .zip(roles)
        .filter(|(_, r)| matches!(r, LayerRole::Copper(_)))
        .map(|(l, _)| l.name.as_str())
        .collect();
    doc.holes
        .iter()
        .filter(|h| h.plating == Plating::Via)
        .map(|h| {
            let key = position_key(h.location);
            let span = doc.layers[h.layer].span.clone().unwrap_or_else(|| {
                let first = copper_names
                    .first()
                    .copied()
                    .unwrap_or_default()
                    .to_string();
                let last = copper_names.last().copied().unwrap_or_default().to_string();
                (first, last)
            });
            let through = copper_names.first() == Some(&span.0.as_str())
                && copper_names.last() == Some(&span.1.as_str());
            let (front_mask_open, back_mask_open) = mask.get(&key).copied().unwrap_or_default();
            Via {
                position: page(h.location),
                diameter_mm: copper.get(&key).copied().unwrap_or(h.diameter_mm),
                drill_mm: h.diameter_mm,
                layers: span,
                via_type: if through {
                    "through".into()
                } else {
                    "blind".into()
                },
                net: nets.id(h.net.map(|n| doc.names.get(n))),
                front_mask_open,
                back_mask_open,
            }
        })
        .collect()
}

/// The outline from the profile (the stroke's centre line), its box grown by half the
/// outline layer's stroke as KiCad's Edge.Cuts box is.
fn outline(doc: &Doc) -> Option<Outline> {
    let mut outline = crate::cam::outline_from_profile(
        doc.profile.iter().map(Vec::as_slice),
        doc.profile_cutouts.iter().map(Vec::as_slice),
    )?;
    outline.bbox = outline.bbox.grown(doc.outline_stroke_mm / 2.0);
    Some(outline)
}
