//! Tooling (guide) pins: chosen among the board's non-plated holes.
//!
//! A hole is usable when it is non-plated, its size is a tooling pin size, it lies on
//! the board, every probe centre keeps `tooling_hole_clearance_mm` from its edge (the
//! design rule), and no part's courtyard on either face comes within
//! `push_finger_clearance_mm` of it (a connector's locating peg hole is taken by the
//! peg), except the hole's own mounting-hole footprint. Three pins are preferred: the
//! triangle of largest area that holds the board's centre of mass; else the two holes
//! farthest apart. With fewer than two usable holes, the fixture gets no pins and the
//! engineer gets places to add holes: free spots near the board's corners.

use crate::config::MechanicsSettings;
use crate::geom;
use pogo_fixture::{BoardHole, Fixture, ToolingPin, ToolingSuggestion};

pub struct ToolingChoice {
    pub pins: Vec<ToolingPin>,
    pub suggestions: Vec<ToolingSuggestion>,
    pub note: Option<String>,
}

fn own_mounting_footprint(
    fx: &Fixture,
    hole: &BoardHole,
    part: &pogo_fixture::PartOutline,
) -> bool {
    if hole.reference.is_empty() || part.reference != hole.reference {
        return false;
    }
    match geom::bbox(&part.courtyard) {
        Some([l, t, r, b]) => {
            (r - l) <= hole.diameter_mm + 4.0 && (b - t) <= hole.diameter_mm + 4.0
        }
        None => {
            fx.board
                .holes
                .iter()
                .filter(|h| h.reference == hole.reference)
                .count()
                == 1
        }
    }
}

/// Why a hole cannot take a tooling pin, or `None` when it can.
pub fn unusable_reason(
    fx: &Fixture,
    hole: &BoardHole,
    s: &MechanicsSettings,
    outline: &[pogo_geom::PolygonMm],
) -> Option<String> {
    if hole.plated {
        return Some("plated".into());
    }
    if hole.diameter_mm < s.tooling_min_hole_mm || hole.diameter_mm > s.tooling_max_hole_mm {
        return Some(format!(
            "{:.2} mm is outside the tooling pin sizes {:.2}-{:.2} mm",
            hole.diameter_mm, s.tooling_min_hole_mm, s.tooling_max_hole_mm
        ));
    }
    let r = hole.diameter_mm / 2.0;
    if !outline.is_empty() && !geom::on_board(outline, hole.x, hole.y, r) {
        return Some("not inside the board outline".into());
    }
    let clear = r + fx.rules.tooling_hole_clearance_mm;
    if let Some(p) = fx
        .probes
        .iter()
        .find(|p| (p.x - hole.x).hypot(p.y - hole.y) < clear)
    {
        return Some(format!("probe {} is closer than {:.2} mm", p.id, clear));
    }
    let reach = r + s.push_finger_clearance_mm;
    if let Some(p) = fx.board.parts.iter().find(|p| {
        !own_mounting_footprint(fx, hole, p) && geom::part_dist(p, hole.x, hole.y) < reach
    }) {
        return Some(format!("under part {}", p.reference));
    }
    None
}

fn area2(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (c.0 - a.0) * (b.1 - a.1)
}

/// True when `p` lies inside triangle abc with a margin (barycentric >= 2%).
fn holds(a: (f64, f64), b: (f64, f64), c: (f64, f64), p: (f64, f64)) -> bool {
    let t = area2(a, b, c);
    if t.abs() < 1e-12 {
        return false;
    }
    let l1 = area2(p, b, c) / t;
    let l2 = area2(a, p, c) / t;
    let l3 = area2(a, b, p) / t;
    l1 >= 0.02 && l2 >= 0.02 && l3 >= 0.02
}

/// Best 3 (or 2) of `pts` by the rules above; indices.
fn best_set(pts: &[(f64, f64)], com: (f64, f64), want: usize, span: f64) -> Vec<usize> {
    let n = pts.len();
    if want >= 3 && n >= 3 {
        let mut best: Option<(f64, [usize; 3])> = None;
        for i in 0..n {
            for j in i + 1..n {
                for k in j + 1..n {
                    let a = area2(pts[i], pts[j], pts[k]).abs() / 2.0;
                    // Not collinear: the triangle's least height is a tenth of the span.
                    let longest = [(i, j), (j, k), (i, k)]
                        .iter()
                        .map(|&(p, q)| (pts[p].0 - pts[q].0).hypot(pts[p].1 - pts[q].1))
                        .fold(0.0, f64::max);
                    if longest <= 0.0 || 2.0 * a / longest < 0.1 * span.min(longest) {
                        continue;
                    }
                    if !holds(pts[i], pts[j], pts[k], com) {
                        continue;
                    }
                    if best.is_none_or(|b| a > b.0 + 1e-9) {
                        best = Some((a, [i, j, k]));
                    }
                }
            }
        }
        if let Some((_, t)) = best {
            return t.to_vec();
        }
    }
    let mut best: Option<(f64, [usize; 2])> = None;
    for i in 0..n {
        for j in i + 1..n {
            let d = (pts[i].0 - pts[j].0).hypot(pts[i].1 - pts[j].1);
            if best.is_none_or(|b| d > b.0 + 1e-9) {
                best = Some((d, [i, j]));
            }
        }
    }
    best.map(|b| b.1.to_vec()).unwrap_or_default()
}

pub fn choose(fx: &Fixture, s: &MechanicsSettings) -> ToolingChoice {
    let outline = geom::outline(&fx.board);
    let com = geom::centroid(&outline).unwrap_or_else(|| {
        let [l, t, r, b] = fx.board.outline_bbox;
        ((l + r) / 2.0, (t + b) / 2.0)
    });
    let span = geom::bbox(&outline).map_or(1.0, |b| (b[2] - b[0]).hypot(b[3] - b[1]));
    let mut usable: Vec<&BoardHole> = fx
        .board
        .holes
        .iter()
        .filter(|h| unusable_reason(fx, h, s, &outline).is_none())
        .collect();
    usable.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    usable.dedup_by(|a, b| (a.x - b.x).hypot(a.y - b.y) < 1e-6);
    let pts: Vec<(f64, f64)> = usable.iter().map(|h| (h.x, h.y)).collect();
    if pts.len() >= 2 {
        // On boards with many holes the convex hull's corners bound the search.
        let pool: Vec<usize> = if pts.len() > 40 {
            pogo_geom::convex_hull(&pts)
        } else {
            (0..pts.len()).collect()
        };
        let sub: Vec<(f64, f64)> = pool.iter().map(|&i| pts[i]).collect();
        let mut chosen: Vec<usize> = best_set(&sub, com, s.tooling_pins, span)
            .into_iter()
            .map(|k| pool[k])
            .collect();
        chosen.sort_unstable();
        let pins: Vec<ToolingPin> = chosen
            .iter()
            .map(|&i| {
                let h = usable[i];
                ToolingPin {
                    x: h.x,
                    y: h.y,
                    diameter_mm: h.diameter_mm - s.tooling_pin_fit_mm,
                    hole_diameter_mm: h.diameter_mm,
                    hole_ref: h.reference.clone(),
                }
            })
            .collect();
        let note = (pins.len() == 2 && s.tooling_pins == 3).then(|| {
            format!(
                "two tooling pins only: no three usable holes hold the board's centre of mass ({:.2}, {:.2}) in their triangle",
                com.0, com.1
            )
        });
        return ToolingChoice {
            pins,
            suggestions: Vec::new(),
            note,
        };
    }
    // None usable: say why and suggest places.
    let reasons: Vec<String> = fx
        .board
        .holes
        .iter()
        .filter_map(|h| {
            unusable_reason(fx, h, s, &outline).map(|r| {
                format!(
                    "{} ({:.2}, {:.2}) Ø{:.2}: {r}",
                    if h.reference.is_empty() {
                        "hole"
                    } else {
                        &h.reference
                    },
                    h.x,
                    h.y,
                    h.diameter_mm
                )
            })
        })
        .take(8)
        .collect();
    let suggestions = suggest(fx, s, &outline, com, &usable);
    let mut note = format!(
        "the board has {} usable tooling hole{} (non-plated, {:.1}-{:.1} mm, clear of probes and parts); {} place{} suggested for {:.1} mm tooling holes",
        usable.len(),
        if usable.len() == 1 { "" } else { "s" },
        s.tooling_min_hole_mm,
        s.tooling_max_hole_mm,
        suggestions.len(),
        if suggestions.len() == 1 { "" } else { "s" },
        s.suggested_tooling_hole_mm
    );
    if !reasons.is_empty() {
        note.push_str("; holes not usable: ");
        note.push_str(&reasons.join("; "));
    }
    ToolingChoice {
        pins: Vec::new(),
        suggestions,
        note: Some(note),
    }
}

fn suggest(
    fx: &Fixture,
    s: &MechanicsSettings,
    outline: &[pogo_geom::PolygonMm],
    com: (f64, f64),
    usable: &[&BoardHole],
) -> Vec<ToolingSuggestion> {
    let Some([l, t, r, b]) = geom::bbox(outline) else {
        return Vec::new();
    };
    let rad = s.suggested_tooling_hole_mm / 2.0;
    let margin = rad + 1.0;
    let step = ((r - l).max(b - t) / 150.0).max(0.25);
    let free = |x: f64, y: f64| -> bool {
        geom::on_board(outline, x, y, margin)
            && fx
                .probes
                .iter()
                .all(|p| (p.x - x).hypot(p.y - y) >= rad + fx.rules.tooling_hole_clearance_mm)
            && fx.board.parts.iter().all(|p| {
                let bx = geom::part_box(p, 0.0);
                x < bx[0] - rad - 1.0
                    || x > bx[2] + rad + 1.0
                    || y < bx[1] - rad - 1.0
                    || y > bx[3] + rad + 1.0
                    || geom::part_dist(p, x, y) >= rad + s.push_finger_clearance_mm
            })
            && fx
                .board
                .holes
                .iter()
                .all(|h| (h.x - x).hypot(h.y - y) >= rad + h.diameter_mm / 2.0 + 1.0)
    };
    let corners = [(l, t), (r, t), (r, b), (l, b)];
    let mut spots: Vec<(f64, f64)> = Vec::new();
    for &(cx, cy) in &corners {
        // Nearest free grid spot to the corner: grid points by distance, first free.
        let nx = ((r - l) / step).ceil() as usize;
        let ny = ((b - t) / step).ceil() as usize;
        let mut grid: Vec<(f64, f64, f64)> = Vec::with_capacity((nx + 1) * (ny + 1));
        for j in 0..=ny {
            for i in 0..=nx {
                let (x, y) = (l + i as f64 * step, t + j as f64 * step);
                grid.push(((x - cx).hypot(y - cy), x, y));
            }
        }
        grid.sort_by(|a, b| a.0.total_cmp(&b.0));
        let best = grid.into_iter().find(|&(_, x, y)| free(x, y));
        if let Some((_, x, y)) = best {
            spots.push((x, y));
        }
    }
    // Existing usable holes count as pins already placed.
    let mut pts: Vec<(f64, f64)> = usable.iter().map(|h| (h.x, h.y)).collect();
    let fixed = pts.len();
    pts.extend(spots.iter().copied());
    let span = (r - l).hypot(b - t);
    let chosen = best_set(&pts, com, s.tooling_pins, span);
    let mut out: Vec<ToolingSuggestion> = chosen
        .into_iter()
        .filter(|&i| i >= fixed)
        .map(|i| ToolingSuggestion {
            x: pts[i].0,
            y: pts[i].1,
            diameter_mm: s.suggested_tooling_hole_mm,
            reason: "free spot near a board corner, clear of parts, probes and holes".into(),
        })
        .collect();
    out.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    out
}
