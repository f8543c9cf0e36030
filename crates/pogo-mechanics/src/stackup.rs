//! Stack-up and set height per probed side; compression, fraction and force per probe.
//!
//! Heights run along the probe axis from the probe plate's top face. A part of length
//! `L` in a receptacle of length `R` whose collar sits `d` below the plate face stands
//! `h = L - R - d` above it when free (the probe bottoms in its receptacle). At set
//! height `S` (plate face to probed board face, closed) it is compressed by `h - S`.
//!
//! With `level_receptacles` (the default) every part's receptacles are pressed to the
//! depth that brings it to its recommended working travel at one common set height: the
//! largest `S` at which no receptacle stands above its catalog seating depth. Without
//! it, the catalog seating depths stand and `S` is the value that keeps every part's
//! fraction of full travel closest to its target (minimax).

use crate::MechanicsError;
use crate::config::{MechanicsSettings, glob_match};
use pogo_catalog::{Catalog, ProbePart, Receptacle};
use pogo_fixture::{Fixture, PressurePlate, ProbeLevel, ReliefPocket, SideStackup, Stackup};
use pogo_geom::Side;
use std::collections::{BTreeMap, BTreeSet};

/// Lowest compression allowed, as a fraction of full travel.
pub const MIN_FRACTION: f64 = 0.60;
/// Highest compression allowed, as a fraction of full travel.
pub const MAX_FRACTION: f64 = 0.80;
const EPS: f64 = 1e-9;

/// Per probe (index into `fixture.probes`): compression (mm), fraction, force (N).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbeState {
    pub compression_mm: f64,
    pub fraction: f64,
    pub force_n: f64,
}

struct PartFigures {
    part: ProbePart,
    rec: Receptacle,
    /// Free tip height with the collar at the plate face.
    h0: f64,
    target_c: f64,
}

fn figures(
    fx: &Fixture,
    catalog: &Catalog,
    part_id: &str,
    s: &MechanicsSettings,
    probe: &str,
) -> Result<PartFigures, MechanicsError> {
    let part = fx
        .part(part_id)
        .or_else(|| catalog.part(part_id))
        .cloned()
        .ok_or_else(|| MechanicsError::UnknownPart {
            probe: probe.to_string(),
            part: part_id.to_string(),
        })?;
    let rec = fx
        .receptacle(&part.receptacle)
        .or_else(|| catalog.receptacle(&part.receptacle))
        .cloned()
        .ok_or_else(|| MechanicsError::UnknownReceptacle {
            part: part.id.clone(),
            receptacle: part.receptacle.clone(),
        })?;
    if part.full_travel_mm.is_nan()
        || part.full_travel_mm <= 0.0
        || part.length_mm.is_nan()
        || part.length_mm <= 0.0
    {
        return Err(MechanicsError::Config {
            field: format!("part {}", part.id),
            message: "full travel and length must be positive".into(),
        });
    }
    let fraction = s
        .working_travel_fraction
        .unwrap_or_else(|| part.working_travel_fraction());
    let target_c = fraction * part.full_travel_mm;
    Ok(PartFigures {
        h0: part.length_mm - rec.length_mm,
        target_c,
        part,
        rec,
    })
}

/// Computes the stack-up, swapping staged probes to long-travel parts where asked.
pub fn build(
    fx: &mut Fixture,
    s: &MechanicsSettings,
    catalog: &Catalog,
) -> Result<(Stackup, Vec<ProbeState>), MechanicsError> {
    validate(s)?;
    let mut states = vec![
        ProbeState {
            compression_mm: 0.0,
            fraction: 0.0,
            force_n: 0.0
        };
        fx.probes.len()
    ];
    let staged: Vec<bool> = fx
        .probes
        .iter()
        .map(|p| s.dual_level && s.stage1_nets.iter().any(|pat| glob_match(pat, &p.net)))
        .collect();
    if s.dual_level && !staged.iter().any(|&b| b) && !fx.probes.is_empty() {
        return Err(MechanicsError::Config {
            field: "mechanics.stage1_nets".into(),
            message: "dual-level contact is on but no probe is on a first-stage net".into(),
        });
    }
    let sides: BTreeSet<Side> = fx.probes.iter().map(|p| p.side).collect();
    let mut out = Vec::new();
    for &side in &sides {
        out.push(side_stackup(fx, s, catalog, side, &staged, &mut states)?);
    }
    // Overall heights once both sides are known.
    let both = out.len() == 2;
    let sums: Vec<f64> = out
        .iter()
        .map(|st| st.probe_plate_thickness_mm + st.set_height_mm)
        .collect();
    for (k, st) in out.iter_mut().enumerate() {
        st.total_height_mm = if both {
            sums[0] + sums[1] + st.board_thickness_mm
        } else {
            let lid = st
                .pressure_plate
                .as_ref()
                .map_or(0.0, |p| p.thickness_mm + p.push_finger_length_mm);
            sums[k] + st.board_thickness_mm + lid
        };
    }
    // Keep only the parts and receptacles the probes use.
    let used: BTreeSet<String> = fx.probes.iter().map(|p| p.part.clone()).collect();
    fx.parts.retain(|p| used.contains(&p.id));
    let used_rec: BTreeSet<String> = fx.parts.iter().map(|p| p.receptacle.clone()).collect();
    fx.receptacles.retain(|r| used_rec.contains(&r.id));
    Ok((
        Stackup {
            process: s.process,
            dual_level: s.dual_level,
            probe_board_pins: s.probe_board_pins,
            sides: out,
        },
        states,
    ))
}

fn validate(s: &MechanicsSettings) -> Result<(), MechanicsError> {
    let pos = |field: &str, v: f64| -> Result<(), MechanicsError> {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(MechanicsError::Config {
                field: format!("mechanics.{field}"),
                message: format!("expected a positive number, found {v}"),
            })
        }
    };
    pos("probe_plate_thickness_mm", s.probe_plate_thickness_mm)?;
    pos("pressure_plate_thickness_mm", s.pressure_plate_thickness_mm)?;
    pos("strain_limit_ue", s.strain_limit_ue)?;
    pos("board_youngs_modulus_gpa", s.board_youngs_modulus_gpa)?;
    pos("push_finger_diameter_mm", s.push_finger_diameter_mm)?;
    pos("strain_min_element_mm", s.strain_min_element_mm)?;
    if !(0.0..0.5).contains(&s.board_poisson_ratio) {
        return Err(MechanicsError::Config {
            field: "mechanics.board_poisson_ratio".into(),
            message: format!("expected 0 to 0.5, found {}", s.board_poisson_ratio),
        });
    }
    if let Some(f) = s.working_travel_fraction
        && !(MIN_FRACTION - EPS..=MAX_FRACTION + EPS).contains(&f)
    {
        return Err(MechanicsError::Config {
            field: "mechanics.working_travel_fraction".into(),
            message: format!("{f} is outside 0.60-0.80 of full travel"),
        });
    }
    if let Some(h) = s.set_height_mm
        && !(h.is_finite() && h > 0.0)
    {
        return Err(MechanicsError::Config {
            field: "mechanics.set_height_mm".into(),
            message: format!("expected a positive number, found {h}"),
        });
    }
    if s.strain_grid_cells < 4 {
        return Err(MechanicsError::Config {
            field: "mechanics.strain_grid_cells".into(),
            message: "expected at least 4".into(),
        });
    }
    if !(2..=3).contains(&s.tooling_pins) {
        return Err(MechanicsError::Config {
            field: "mechanics.tooling_pins".into(),
            message: format!("expected 2 or 3, found {}", s.tooling_pins),
        });
    }
    Ok(())
}

fn part_height(p: &pogo_fixture::PartOutline, s: &MechanicsSettings) -> f64 {
    p.height_mm
        .filter(|h| h.is_finite() && *h >= 0.0)
        .unwrap_or(s.assumed_part_height_mm)
}

fn tallest(fx: &Fixture, side: Side, s: &MechanicsSettings) -> (String, f64) {
    fx.board
        .parts
        .iter()
        .filter(|p| p.side == side)
        .map(|p| (p.reference.clone(), part_height(p, s)))
        .fold((String::new(), 0.0), |a, b| if b.1 > a.1 { b } else { a })
}

fn side_stackup(
    fx: &mut Fixture,
    s: &MechanicsSettings,
    catalog: &Catalog,
    side: Side,
    staged: &[bool],
    states: &mut [ProbeState],
) -> Result<SideStackup, MechanicsError> {
    let plate = s.probe_plate_thickness_mm;
    let d_max_of = |rec: &Receptacle| {
        if s.level_receptacles {
            (plate - s.min_receptacle_engagement_mm).max(rec.seating_depth_mm)
        } else {
            rec.seating_depth_mm
        }
    };
    // Second-stage (or only-stage) parts on this side.
    let mut normal: BTreeMap<String, PartFigures> = BTreeMap::new();
    for (i, p) in fx.probes.iter().enumerate() {
        if p.side == side && !staged[i] && !normal.contains_key(&p.part) {
            normal.insert(p.part.clone(), figures(fx, catalog, &p.part, s, &p.id)?);
        }
    }
    let staged_here: Vec<usize> = (0..fx.probes.len())
        .filter(|&i| fx.probes[i].side == side && staged[i])
        .collect();
    let first_probe = fx
        .probes
        .iter()
        .find(|p| p.side == side)
        .map(|p| p.id.clone())
        .unwrap_or_default();
    // The set height.
    let reference: Vec<&PartFigures> = if normal.is_empty() {
        Vec::new()
    } else {
        normal.values().collect()
    };
    let mut staged_figs: BTreeMap<String, PartFigures> = BTreeMap::new();
    if reference.is_empty() {
        // Only staged probes on this side: level on their own parts.
        for &i in &staged_here {
            let id = fx.probes[i].part.clone();
            if !staged_figs.contains_key(&id) {
                staged_figs.insert(id.clone(), figures(fx, catalog, &id, s, &fx.probes[i].id)?);
            }
        }
    }
    let basis: Vec<&PartFigures> = if reference.is_empty() {
        staged_figs.values().collect()
    } else {
        reference
    };
    let set_h = match s.set_height_mm {
        Some(h) => h,
        None if s.level_receptacles => basis
            .iter()
            .map(|f| f.h0 - f.rec.seating_depth_mm - f.target_c)
            .fold(f64::INFINITY, f64::min),
        None => minimax_set_height(&basis),
    };
    if set_h.is_nan() || set_h <= 0.0 || !set_h.is_finite() {
        return Err(MechanicsError::TooShort {
            side: side.as_str().into(),
            probe: first_probe,
            set_height_mm: set_h,
        });
    }
    let level = |f: &PartFigures| -> (f64, f64) {
        let d = (f.h0 - set_h - f.target_c).clamp(f.rec.seating_depth_mm, d_max_of(&f.rec));
        let d = if s.level_receptacles {
            d
        } else {
            f.rec.seating_depth_mm
        };
        (d, f.h0 - d - set_h)
    };
    let mut levels = Vec::new();
    let mut c2max: f64 = 0.0;
    let mut normal_c: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (id, f) in &normal {
        let (d, c) = level(f);
        c2max = c2max.max(c);
        normal_c.insert(id.clone(), (d, c));
    }
    let stage1_h =
        (s.dual_level && !staged_here.is_empty()).then_some(set_h + c2max + s.stage_gap_mm);
    // Staged probes: long-travel parts.
    let mut staged_c: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut staged_parts: BTreeMap<String, PartFigures> = BTreeMap::new();
    if let Some(s1) = stage1_h {
        let lift = s1 - set_h;
        for &i in &staged_here {
            let probe_id = fx.probes[i].id.clone();
            let current = figures(fx, catalog, &fx.probes[i].part, s, &probe_id)?;
            let chosen = choose_long_part(catalog, &current.part, s, lift, &probe_id)?;
            let figs = figures(fx, catalog, &chosen.id, s, &probe_id)?;
            if fx.part(&chosen.id).is_none() {
                fx.parts.push(chosen.clone());
            }
            if fx.receptacle(&figs.rec.id).is_none() {
                fx.receptacles.push(figs.rec.clone());
            }
            fx.probes[i].part = chosen.id.clone();
            fx.probes[i].tip = chosen.tip;
            let (d, c) = level(&figs);
            if c - lift < s.stage1_min_travel_mm - EPS {
                return Err(MechanicsError::Stage1 {
                    probe: probe_id,
                    part: chosen.id.clone(),
                    stage1_compression_mm: c - lift,
                    min_mm: s.stage1_min_travel_mm,
                });
            }
            staged_c.insert(chosen.id.clone(), (d, c));
            staged_parts.insert(chosen.id.clone(), figs);
        }
    }
    // Per probe states, and the 60-80% check.
    let mut counts: BTreeMap<(String, u8), usize> = BTreeMap::new();
    let mut offender: Option<MechanicsError> = None;
    for (i, p) in fx.probes.iter().enumerate() {
        if p.side != side {
            continue;
        }
        let (stage, figs, (_, c)) = if staged[i] {
            (1u8, &staged_parts[&p.part], staged_c[&p.part])
        } else {
            (
                if stage1_h.is_some() { 2 } else { 1 },
                &normal[&p.part],
                normal_c[&p.part],
            )
        };
        *counts.entry((p.part.clone(), stage)).or_default() += 1;
        let fraction = c / figs.part.full_travel_mm;
        states[i] = ProbeState {
            compression_mm: c,
            fraction,
            force_n: figs.part.force_at_travel_n(c),
        };
        if offender.is_none() && !(MIN_FRACTION - EPS..=MAX_FRACTION + EPS).contains(&fraction) {
            offender = Some(MechanicsError::TravelOutOfRange {
                probe: p.id.clone(),
                part: p.part.clone(),
                side: side.as_str().into(),
                fraction,
                compression_mm: c,
                full_travel_mm: figs.part.full_travel_mm,
                set_height_mm: set_h,
            });
        }
    }
    if let Some(e) = offender {
        return Err(e);
    }
    for ((part, stage), n) in &counts {
        let (figs, (d, c)) = if *stage == 1 && stage1_h.is_some() {
            (&staged_parts[part], staged_c[part])
        } else {
            (&normal[part], normal_c[part])
        };
        levels.push(ProbeLevel {
            part: part.clone(),
            receptacle: figs.rec.id.clone(),
            stage: *stage,
            probes: *n,
            seating_depth_mm: d,
            tip_height_mm: figs.h0 - d,
            compression_mm: c,
            working_travel_fraction: c / figs.part.full_travel_mm,
            full_travel_mm: figs.part.full_travel_mm,
            force_n: figs.part.force_at_travel_n(c),
            stage1_compression_mm: stage1_h.map(|s1| (c - (s1 - set_h)).max(0.0)),
        });
    }
    // Parts facing the plate, and relief pockets.
    let (tall_ref, tall_h) = tallest(fx, side, s);
    let mut relief_pockets = Vec::new();
    for p in fx.board.parts.iter().filter(|p| p.side == side) {
        let h = part_height(p, s);
        if h + s.part_clearance_mm > set_h + EPS {
            let depth = h + s.part_clearance_mm - set_h;
            let through = depth >= plate - EPS;
            relief_pockets.push(ReliefPocket {
                reference: p.reference.clone(),
                outline: vec![crate::geom::rect(crate::geom::part_box(
                    p,
                    s.part_clearance_mm,
                ))],
                depth_mm: if through { plate } else { depth },
                through,
            });
        }
    }
    let other = side.opposite();
    let pressure_plate = (!fx.probes.iter().any(|p| p.side == other)).then(|| {
        let (r, h) = tallest(fx, other, s);
        PressurePlate {
            thickness_mm: s.pressure_plate_thickness_mm,
            tallest_part: r,
            tallest_part_height_mm: h,
            push_finger_length_mm: h + s.part_clearance_mm,
        }
    });
    Ok(SideStackup {
        side,
        probe_plate_thickness_mm: plate,
        board_thickness_mm: fx.board.thickness_mm,
        set_height_mm: set_h,
        board_support_height_mm: set_h,
        stage1_set_height_mm: stage1_h,
        tallest_part: tall_ref,
        tallest_part_height_mm: tall_h,
        part_clearance_mm: s.part_clearance_mm,
        relief_pockets,
        pressure_plate,
        levels,
        total_height_mm: 0.0,
    })
}

/// The set height that keeps every part's fraction of full travel closest to its target
/// (catalog seating depths): minimises the largest deviation, a convex function of `S`.
fn minimax_set_height(parts: &[&PartFigures]) -> f64 {
    let dev = |sh: f64| {
        parts
            .iter()
            .map(|f| {
                ((f.h0 - f.rec.seating_depth_mm - sh - f.target_c) / f.part.full_travel_mm).abs()
            })
            .fold(0.0, f64::max)
    };
    let hi = parts
        .iter()
        .map(|f| f.h0 - f.rec.seating_depth_mm)
        .fold(f64::NEG_INFINITY, f64::max);
    let lo = parts
        .iter()
        .map(|f| f.h0 - f.rec.seating_depth_mm - f.part.full_travel_mm)
        .fold(f64::INFINITY, f64::min);
    let (mut a, mut b) = (lo, hi);
    for _ in 0..200 {
        let m1 = a + (b - a) / 3.0;
        let m2 = b - (b - a) / 3.0;
        if dev(m1) <= dev(m2) {
            b = m2;
        } else {
            a = m1;
        }
    }
    (a + b) / 2.0
}

/// The long-travel part for a staged probe: same class and kind, enough travel to stay
/// `lift + stage1_min_travel_mm` compressed at the first stage; same tip preferred,
/// then the least travel that works.
fn choose_long_part(
    catalog: &Catalog,
    current: &ProbePart,
    s: &MechanicsSettings,
    lift: f64,
    probe: &str,
) -> Result<ProbePart, MechanicsError> {
    let need = lift + s.stage1_min_travel_mm;
    let target = |p: &ProbePart| {
        s.working_travel_fraction
            .unwrap_or_else(|| p.working_travel_fraction())
            * p.full_travel_mm
    };
    let mut best: Option<&ProbePart> = None;
    for p in &catalog.parts {
        if p.class != current.class || p.kind != current.kind || target(p) + EPS < need {
            continue;
        }
        let key = |q: &ProbePart| (q.tip != current.tip, q.full_travel_mm, q.id.clone());
        if best.is_none_or(|b| key(p).partial_cmp(&key(b)) == Some(std::cmp::Ordering::Less)) {
            best = Some(p);
        }
    }
    best.cloned()
        .ok_or_else(|| MechanicsError::NoLongTravelPart {
            probe: probe.to_string(),
            class: current.class.clone(),
            needed_working_travel_mm: need,
        })
}
