//! Excellon drill files for the probe plates, in KiCad's own drill coordinates.
//!
//! KiCad writes its drill files (`NAME-PTH.drl`) with absolute page coordinates in mm
//! and the Y axis negated (page y runs down, Excellon Y up): a hole at page
//! (x, y) is written `X{x}Y{-y}`, three decimals with trailing zeros dropped (but one
//! kept after the point: `X105.0Y-65.0`), header `M48`, `FMAT,2`, `METRIC`, tools
//! `T1C0.300`. The plate files here use exactly that frame and number format, so a
//! plate registers to the board's own drill data: a probe at a KiCad PTH hole gets the
//! very coordinate KiCad wrote for that hole.
//!
//! The mirrored file is for a plate drilled from its other face: X is replaced by
//! `2 * c - X`, the mirror image about the vertical line `X = c` through the centre of
//! the board outline's bounding box (c in page mm); Y is unchanged.
//!
//! Tools are numbered by increasing diameter; holes of one diameter share a tool
//! whatever they are for (the header comments say which receptacles and pins use it).
//! Holes of a tool are ordered along a nearest-neighbour path from the origin.

use crate::plate::{HoleKind, Plate};
use pogo_fixture::Fixture;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Which face of the plate the drill looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// As KiCad's drill files: the board seen from its top.
    BoardTopView,
    /// Mirrored about the vertical line through the board's centre (drilled from the
    /// other face).
    Mirrored,
}

/// A number as KiCad's Excellon writer prints it (`%.3f`, trailing zeros dropped but
/// one digit kept after the point).
pub fn kicad_decimal(value: f64) -> String {
    let mut s = format!("{value:.3}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.push('0');
    }
    if s == "-0.0" {
        s = "0.0".to_string();
    }
    s
}

/// Drill diameter key in micrometres (tools are merged at 1 um).
fn diameter_key(d: f64) -> i64 {
    (d * 1000.0).round() as i64
}

/// Renders the Excellon file of one plate.
pub fn render(fixture: &Fixture, plate: &Plate, face: Face) -> String {
    // Only probe and tooling holes are drilled on the CNC; mounting holes are part of
    // the outline work (DXF) but drilled here too would double them, so they stay out.
    let mut tools: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, h) in plate.holes.iter().enumerate() {
        if matches!(h.kind, HoleKind::Probe { .. } | HoleKind::Tooling) {
            tools
                .entry(diameter_key(h.diameter_mm))
                .or_default()
                .push(i);
        }
    }
    let side = plate.side.as_str();
    let mut s = String::new();
    s.push_str("M48\n");
    let _ = writeln!(
        s,
        "; DRILL file {{{}}} probe plate for the {side} side",
        fixture.generator
    );
    s.push_str("; FORMAT={-:-/ absolute / metric / decimal}\n");
    let _ = writeln!(
        s,
        "; #@! TF.GenerationSoftware,pogo,pogo-output,{}",
        env!("CARGO_PKG_VERSION")
    );
    s.push_str("; #@! TF.FileFunction,NonPlated,1,2,NPTH\n");
    let _ = writeln!(
        s,
        "; board: {} (sha256 {})",
        fixture.board.file, fixture.board.sha256
    );
    let _ = writeln!(
        s,
        "; plate thickness: {} mm",
        crate::num(plate.thickness_mm, 3)
    );
    match face {
        Face::BoardTopView => {
            s.push_str("; coordinates: KiCad drill frame, X = page x, Y = -(page y), mm,\n");
            s.push_str(
                "; as the board's own NAME-PTH.drl (plate drilled facing the board's top view)\n",
            );
        }
        Face::Mirrored => {
            let c = kicad_decimal(plate.mirror_x);
            let _ = writeln!(
                s,
                "; MIRRORED about the vertical line X = {c} (centre of the board outline box):"
            );
            let _ = writeln!(s, "; X = 2 * {c} - (page x), Y = -(page y) unchanged, mm;");
            s.push_str("; for the plate drilled from its other face (seen from below the board)\n");
        }
    }
    s.push_str("FMAT,2\nMETRIC\n");
    for (n, (key, idx)) in tools.iter().enumerate() {
        let mut uses: BTreeMap<String, usize> = BTreeMap::new();
        for &i in idx {
            let what = match &plate.holes[i].kind {
                HoleKind::Probe { receptacle } => format!("receptacle {receptacle}"),
                HoleKind::Tooling => "tooling pin".to_string(),
                HoleKind::Mounting => "mounting".to_string(),
            };
            *uses.entry(what).or_default() += 1;
        }
        let list: Vec<String> = uses.iter().map(|(k, v)| format!("{k} x{v}")).collect();
        let _ = writeln!(s, "; T{}: {}", n + 1, list.join(", "));
        let _ = writeln!(s, "T{}C{:.3}", n + 1, *key as f64 / 1000.0);
    }
    s.push_str("%\nG90\nG05\n");
    for (n, idx) in tools.values().enumerate() {
        let _ = writeln!(s, "T{}", n + 1);
        for i in path_order(plate, idx, face) {
            let h = &plate.holes[i];
            let (x, y) = drill_xy(plate, h.x, h.y, face);
            let _ = writeln!(s, "X{}Y{}", kicad_decimal(x), kicad_decimal(y));
        }
    }
    s.push_str("M30\n");
    s
}

/// Excellon coordinates of a page point.
pub fn drill_xy(plate: &Plate, x: f64, y: f64, face: Face) -> (f64, f64) {
    match face {
        Face::BoardTopView => (x, -y),
        Face::Mirrored => (2.0 * plate.mirror_x - x, -y),
    }
}

/// Hole order along a greedy nearest-neighbour path from the origin (ties broken by
/// index, so the order is deterministic).
fn path_order(plate: &Plate, idx: &[usize], face: Face) -> Vec<usize> {
    let pts: Vec<(f64, f64)> = idx
        .iter()
        .map(|&i| drill_xy(plate, plate.holes[i].x, plate.holes[i].y, face))
        .collect();
    let mut left: Vec<usize> = (0..idx.len()).collect();
    let mut out = Vec::with_capacity(idx.len());
    let (mut cx, mut cy) = (0.0_f64, 0.0_f64);
    while !left.is_empty() {
        let (best_pos, _) = left
            .iter()
            .enumerate()
            .map(|(pos, &k)| (pos, (pts[k].0 - cx).powi(2) + (pts[k].1 - cy).powi(2)))
            .fold(
                (0, f64::INFINITY),
                |best, cur| if cur.1 < best.1 { cur } else { best },
            );
        let k = left.remove(best_pos);
        (cx, cy) = pts[k];
        out.push(idx[k]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_kicad_prints_them() {
        assert_eq!(kicad_decimal(105.0), "105.0");
        assert_eq!(kicad_decimal(-65.0), "-65.0");
        assert_eq!(kicad_decimal(189.865), "189.865");
        assert_eq!(kicad_decimal(-110.49), "-110.49");
        assert_eq!(kicad_decimal(-0.0), "0.0");
        assert_eq!(kicad_decimal(0.0004), "0.0");
        assert_eq!(kicad_decimal(12.3456), "12.346");
    }
}
