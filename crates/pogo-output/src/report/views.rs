//! Inline SVG drawings of the report: board views per side and the stack-up section.

use super::{class_colour, classes, esc, fmt};
use pogo_fixture::{Fixture, Probe, SideStackup};
use pogo_geom::{PointMm, Side};
use std::fmt::Write as _;

/// Drawing width of a board view, px (viewBox units); twice that for wide boards,
/// which get a whole row.
pub(super) const VIEW_W: f64 = 640.0;
/// Largest drawing height of a board view, px.
const VIEW_H_MAX: f64 = 560.0;
const MARGIN: f64 = 16.0;
/// Room under the board for the scale bar.
const FOOT: f64 = 26.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Colouring {
    Class,
    HitProbability,
}

/// Legend entries shared by every class view (HTML).
pub(super) const LEGEND_COMMON: &str = "<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><circle cx=\"7\" cy=\"7\" r=\"5\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.4\"/><path d=\"M7 0V14M0 7H14\" stroke=\"#111\" stroke-width=\"0.8\"/></svg> tooling pin</span>\
<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><circle cx=\"7\" cy=\"7\" r=\"4.5\" fill=\"#fff\" stroke=\"#555\"/></svg> board hole</span>\
<span><svg width=\"18\" height=\"12\" viewBox=\"0 0 18 12\"><rect x=\"1\" y=\"1\" width=\"16\" height=\"10\" fill=\"#f7f7f4\" stroke=\"#7d8590\"/></svg> courtyard</span>\
<span><svg width=\"18\" height=\"12\" viewBox=\"0 0 18 12\"><rect x=\"1\" y=\"1\" width=\"16\" height=\"10\" fill=\"#d3d7de\" stroke=\"#5d6570\"/></svg> tall part</span>\
<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><circle cx=\"7\" cy=\"7\" r=\"5.5\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/></svg> violation</span>";

pub(super) const LEGEND_SUGGESTED_HOLE: &str = "<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><circle cx=\"7\" cy=\"7\" r=\"5\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.1\" stroke-dasharray=\"3 2\"/></svg> suggested tooling hole</span>";

pub(super) const LEGEND_SUPPORT: &str = "<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><rect x=\"2\" y=\"2\" width=\"10\" height=\"10\" fill=\"#6b4fa0\"/></svg> support / push finger</span>\
<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><rect x=\"2\" y=\"2\" width=\"10\" height=\"10\" fill=\"none\" stroke=\"#6b4fa0\" stroke-width=\"1.5\" stroke-dasharray=\"2 1.5\"/></svg> suggested support</span>\
<span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><path d=\"M1 12l6 -10.4l6 10.4z\" fill=\"#f5d04c\" stroke=\"#7a5313\"/></svg> largest strain</span>";

/// A support post or push finger read from the force section.
#[derive(Debug, Clone)]
pub(super) struct SupportMark {
    pub x: f64,
    pub y: f64,
    pub suggested: bool,
    pub label: String,
}

/// A suggested tooling hole read from `tooling_suggestions`.
#[derive(Debug, Clone)]
pub(super) struct SuggestedHole {
    pub x: f64,
    pub y: f64,
    pub diameter_mm: f64,
    pub reason: String,
}

/// Marks drawn over the board that come from the mechanics section.
#[derive(Debug, Clone, Default)]
pub(super) struct Marks {
    pub supports: Vec<SupportMark>,
    pub suggested_holes: Vec<SuggestedHole>,
    /// Where the largest board strain occurs.
    pub max_strain_at: Option<[f64; 2]>,
}

impl Marks {
    pub(super) fn of(f: &Fixture) -> Marks {
        let suggested_holes = f
            .tooling_suggestions
            .iter()
            .map(|t| SuggestedHole {
                x: t.x,
                y: t.y,
                diameter_mm: t.diameter_mm,
                reason: t.reason.clone(),
            })
            .collect();
        Marks {
            supports: supports(f),
            suggested_holes,
            max_strain_at: f.force.as_ref().map(|force| force.max_strain_at),
        }
    }
}

/// The supports and the suggested supports of the force section, labelled.
fn supports(f: &Fixture) -> Vec<SupportMark> {
    let Some(force) = &f.force else {
        return Vec::new();
    };
    let placed = force.supports.iter().map(|s| (s, false));
    let suggested = force.suggested_supports.iter().map(|s| (s, true));
    placed
        .chain(suggested)
        .map(|(s, suggested)| {
            let kind = s.kind.as_str().replace('_', " ");
            let mut label = format!("{kind} ({}) on the {} face", s.reason, s.side.as_str());
            if suggested {
                label.insert_str(0, "suggested ");
            }
            SupportMark {
                x: s.x,
                y: s.y,
                suggested,
                label,
            }
        })
        .collect()
}

/// Page mm to drawing px for one side.
struct Projection {
    left: f64,
    top: f64,
    right: f64,
    scale: f64,
    mirror: bool,
    width: f64,
    height: f64,
}

impl Projection {
    fn new(bbox: [f64; 4], mirror: bool, view_w: f64) -> Self {
        let w = (bbox[2] - bbox[0]).max(1e-3);
        let h = (bbox[3] - bbox[1]).max(1e-3);
        let scale = ((view_w - 2.0 * MARGIN) / w).min((VIEW_H_MAX - 2.0 * MARGIN - FOOT) / h);
        Projection {
            left: bbox[0],
            top: bbox[1],
            right: bbox[2],
            scale,
            mirror,
            width: view_w,
            height: h * scale + 2.0 * MARGIN + FOOT,
        }
    }

    fn x0(&self) -> f64 {
        (self.width - (self.right - self.left) * self.scale) / 2.0
    }

    fn pt(&self, x: f64, y: f64) -> (f64, f64) {
        let dx = if self.mirror {
            self.right - x
        } else {
            x - self.left
        };
        (
            self.x0() + dx * self.scale,
            MARGIN + (y - self.top) * self.scale,
        )
    }

    fn ring_path(&self, ring: &[PointMm], d: &mut String) {
        for (i, p) in ring.iter().enumerate() {
            let (x, y) = self.pt(p.x, p.y);
            let _ = write!(
                d,
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                fmt(x, 2),
                fmt(y, 2)
            );
        }
        if !ring.is_empty() {
            d.push('Z');
        }
    }
}

/// The area a view must show: the outline box grown to hold every probe and pin.
fn view_bbox(f: &Fixture) -> [f64; 4] {
    let b = f.board.outline_bbox;
    let mut bb = if b[2] > b[0] && b[3] > b[1] && b.iter().all(|v| v.is_finite()) {
        b
    } else {
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ]
    };
    let mut grow = |x: f64, y: f64| {
        if x.is_finite() && y.is_finite() {
            bb[0] = bb[0].min(x);
            bb[1] = bb[1].min(y);
            bb[2] = bb[2].max(x);
            bb[3] = bb[3].max(y);
        }
    };
    for p in &f.probes {
        grow(p.x, p.y);
    }
    for t in &f.tooling {
        grow(t.x, t.y);
    }
    if !(bb[2] > bb[0] && bb[3] > bb[1]) {
        if bb[0].is_finite() {
            bb = [bb[0] - 5.0, bb[1] - 5.0, bb[2] + 5.0, bb[3] + 5.0];
        } else {
            bb = [0.0, 0.0, 10.0, 10.0];
        }
    }
    bb
}

/// Colour of a hit probability on the red-yellow-green scale, on the miss probability's
/// decades: 0 -> red, 0.9 -> orange, 0.99 -> yellow, 0.999 -> light green, 0.9999+ -> green.
pub(super) fn probability_colour(p: f64) -> String {
    if !p.is_finite() {
        return "#b8bec7".to_string();
    }
    let t = probability_position(p);
    const STOPS: [(f64, [u8; 3]); 5] = [
        (0.0, [0xb2, 0x18, 0x2b]),
        (0.25, [0xef, 0x8a, 0x62]),
        (0.5, [0xf5, 0xd0, 0x4c]),
        (0.75, [0x91, 0xcf, 0x60]),
        (1.0, [0x1a, 0x98, 0x50]),
    ];
    let mut c = STOPS[4].1;
    for w in STOPS.windows(2) {
        let ((t0, c0), (t1, c1)) = (w[0], w[1]);
        if t <= t1 {
            let u = if t1 > t0 {
                ((t - t0) / (t1 - t0)).clamp(0.0, 1.0)
            } else {
                0.0
            };
            for i in 0..3 {
                c[i] = (c0[i] as f64 + (c1[i] as f64 - c0[i] as f64) * u).round() as u8;
            }
            break;
        }
    }
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Position 0..1 of a probability on the colour scale (four decades of miss probability).
fn probability_position(p: f64) -> f64 {
    let miss = (1.0 - p).clamp(1e-12, 1.0);
    (-miss.log10() / 4.0).clamp(0.0, 1.0)
}

/// The colour scale legend (HTML with a small inline SVG); gradient ids are per side.
pub(super) fn probability_legend(side: Side) -> String {
    let id = format!("hp-scale-{}", side.as_str());
    let mut s = String::new();
    let _ = write!(
        s,
        "<div class=\"legend\"><svg width=\"330\" height=\"30\" viewBox=\"0 0 330 30\" role=\"img\" aria-label=\"hit probability colour scale\"><defs><linearGradient id=\"{id}\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
    );
    for i in 0..=16 {
        let t = i as f64 / 16.0;
        let p = 1.0 - 10f64.powf(-4.0 * t);
        let _ = write!(
            s,
            "<stop offset=\"{}\" stop-color=\"{}\"/>",
            fmt(t, 4),
            probability_colour(p)
        );
    }
    let _ = write!(
        s,
        "</linearGradient></defs><rect x=\"10\" y=\"2\" width=\"300\" height=\"10\" fill=\"url(#{id})\" stroke=\"#999\" stroke-width=\"0.5\"/>"
    );
    for (i, label) in ["0", "90 %", "99 %", "99.9 %", "≥ 99.99 %"]
        .iter()
        .enumerate()
    {
        let x = 10.0 + 75.0 * i as f64;
        let anchor = match i {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let lx = if i == 4 { x + 18.0 } else { x };
        let _ = write!(
            s,
            "<path d=\"M{x} 12V16\" stroke=\"#666\"/><text x=\"{lx}\" y=\"26\" font-size=\"10\" text-anchor=\"{anchor}\" fill=\"#444\">{label}</text>"
        );
    }
    s.push_str("</svg><span><svg width=\"14\" height=\"14\" viewBox=\"0 0 14 14\"><circle cx=\"7\" cy=\"7\" r=\"4.5\" fill=\"none\" stroke=\"#8a929c\" stroke-width=\"1.5\"/></svg> not computed</span></div>\n");
    s
}

/// A nice scale bar length (1, 2 or 5 times a power of ten) near `target` mm.
fn nice_length(target: f64) -> f64 {
    let p = 10f64.powf(target.max(1e-6).log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if m * p <= target {
            return m * p;
        }
    }
    p
}

/// Probe symbol radius in px: the barrel, kept visible on large boards.
fn probe_radius_px(f: &Fixture, p: &Probe, scale: f64) -> f64 {
    let d = f
        .part(&p.part)
        .map(|pp| pp.barrel_diameter_mm)
        .filter(|d| *d > 0.0)
        .unwrap_or(1.0);
    (d / 2.0 * scale).clamp(2.4, 7.0)
}

/// The SVG of one side of the board.
pub(super) fn board_view(
    f: &Fixture,
    side: Side,
    colouring: Colouring,
    marks: &Marks,
    view_w: f64,
) -> String {
    let pr = Projection::new(view_bbox(f), side == Side::Bottom, view_w);
    let mut s = String::with_capacity(32 * 1024);
    let what = match colouring {
        Colouring::Class => "probes by class",
        Colouring::HitProbability => "probes by hit probability",
    };
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{} side, {}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">",
        fmt(pr.width, 1),
        fmt(pr.height, 1),
        side.as_str(),
        what
    );
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fbfcfd\"/>",
        fmt(pr.width, 1),
        fmt(pr.height, 1)
    );

    // Board outline with its cut-outs.
    if f.board.outline.is_empty() {
        let b = f.board.outline_bbox;
        let (x0, y0) = pr.pt(b[0], b[1]);
        let (x1, y1) = pr.pt(b[2], b[3]);
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#e3eddc\" stroke=\"#3d6b35\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"><title>board outline box (no outline in the source)</title></rect>",
            fmt(x0.min(x1), 2),
            fmt(y0.min(y1), 2),
            fmt((x1 - x0).abs(), 2),
            fmt((y1 - y0).abs(), 2)
        );
    } else {
        let mut d = String::new();
        for poly in &f.board.outline {
            pr.ring_path(&poly.outer, &mut d);
            for h in &poly.holes {
                pr.ring_path(h, &mut d);
            }
        }
        let _ = writeln!(
            s,
            "<path d=\"{d}\" fill=\"#e3eddc\" fill-rule=\"evenodd\" stroke=\"#3d6b35\" stroke-width=\"1.2\" stroke-linejoin=\"round\"/>"
        );
    }

    // Parts on this side: courtyards, tall ones darker, labels where they fit.
    let tall = f.rules.tall_part_height_mm;
    let mut labels = String::new();
    for part in f.board.parts.iter().filter(|p| p.side == side) {
        let is_tall = part.height_mm.is_some_and(|h| h > tall);
        let (fill, stroke) = if is_tall {
            ("#d3d7de", "#5d6570")
        } else {
            ("#f7f7f4", "#7d8590")
        };
        let title = match part.height_mm {
            Some(h) => format!("{} ({} mm tall)", esc(&part.reference), fmt(h, 2)),
            None => esc(&part.reference),
        };
        if part.courtyard.is_empty() {
            let (x, y) = pr.pt(part.x, part.y);
            let _ = writeln!(
                s,
                "<path d=\"M{} {}h4M{} {}v4\" stroke=\"{stroke}\" stroke-width=\"0.8\"><title>{title}</title></path>",
                fmt(x - 2.0, 2),
                fmt(y, 2),
                fmt(x, 2),
                fmt(y - 2.0, 2)
            );
            continue;
        }
        let mut d = String::new();
        let mut bb = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for poly in &part.courtyard {
            pr.ring_path(&poly.outer, &mut d);
            for h in &poly.holes {
                pr.ring_path(h, &mut d);
            }
            for p in &poly.outer {
                let (x, y) = pr.pt(p.x, p.y);
                bb = [bb[0].min(x), bb[1].min(y), bb[2].max(x), bb[3].max(y)];
            }
        }
        let _ = writeln!(
            s,
            "<path d=\"{d}\" fill=\"{fill}\" fill-opacity=\"0.85\" fill-rule=\"evenodd\" stroke=\"{stroke}\" stroke-width=\"0.6\"><title>{title}</title></path>"
        );
        let (bw, bh) = (bb[2] - bb[0], bb[3] - bb[1]);
        let n = part.reference.chars().count().max(1) as f64;
        let size = (bw / (n * 0.62)).min(bh * 0.55).min(11.0);
        if size >= 5.5 && bw.is_finite() {
            let _ = writeln!(
                labels,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" fill=\"#56606b\">{}</text>",
                fmt((bb[0] + bb[2]) / 2.0, 2),
                fmt((bb[1] + bb[3]) / 2.0, 2),
                fmt(size, 1),
                esc(&part.reference)
            );
        }
    }
    s.push_str(&labels);

    // Board holes.
    for h in &f.board.holes {
        let (x, y) = pr.pt(h.x, h.y);
        let r = (h.diameter_mm / 2.0 * pr.scale).max(1.5);
        let (fill, stroke) = if h.plated {
            ("#fff", "#b08d2a")
        } else {
            ("#fff", "#555")
        };
        let _ = writeln!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"0.9\"><title>{} hole Ø{} mm {}</title></circle>",
            fmt(x, 2),
            fmt(y, 2),
            fmt(r, 2),
            if h.plated { "plated" } else { "non-plated" },
            fmt(h.diameter_mm, 2),
            esc(&h.reference)
        );
    }

    // Tooling pins and suggested tooling holes.
    for (i, t) in f.tooling.iter().enumerate() {
        let (x, y) = pr.pt(t.x, t.y);
        let r = (t.diameter_mm / 2.0 * pr.scale).max(3.5);
        let _ = writeln!(
            s,
            "<g><title>tooling pin {} Ø{} mm at ({}, {})</title><circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"{r:.2}\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.4\"/><path d=\"M{:.2} {y:.2}H{:.2}M{x:.2} {:.2}V{:.2}\" stroke=\"#111\" stroke-width=\"0.8\"/><text x=\"{:.2}\" y=\"{:.2}\" font-size=\"10\" font-weight=\"bold\" fill=\"#111\">T{}</text></g>",
            i + 1,
            fmt(t.diameter_mm, 2),
            fmt(t.x, 2),
            fmt(t.y, 2),
            x - r - 3.0,
            x + r + 3.0,
            y - r - 3.0,
            y + r + 3.0,
            x + r + 2.0,
            y - r - 1.0,
            i + 1
        );
    }
    for t in &marks.suggested_holes {
        let (x, y) = pr.pt(t.x, t.y);
        let r = (t.diameter_mm / 2.0 * pr.scale).max(3.5);
        let _ = writeln!(
            s,
            "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"{r:.2}\" fill=\"none\" stroke=\"#111\" stroke-width=\"1.1\" stroke-dasharray=\"3 2\"><title>suggested tooling hole Ø{} mm: {}</title></circle>",
            fmt(t.diameter_mm, 2),
            esc(&t.reason)
        );
    }

    // Supports (both faces: posts under the probed face, push fingers on the other),
    // class view only, to keep the probability view clean.
    if colouring == Colouring::Class {
        for sp in &marks.supports {
            let (x, y) = pr.pt(sp.x, sp.y);
            let style = if sp.suggested {
                "fill=\"none\" stroke=\"#6b4fa0\" stroke-width=\"1.5\" stroke-dasharray=\"2 1.5\""
            } else {
                "fill=\"#6b4fa0\" fill-opacity=\"0.85\""
            };
            let _ = writeln!(
                s,
                "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"8\" height=\"8\" {style}><title>{} at ({}, {})</title></rect>",
                x - 4.0,
                y - 4.0,
                esc(&sp.label),
                fmt(sp.x, 2),
                fmt(sp.y, 2)
            );
        }
    }

    // Probes.
    let all_classes = classes(f);
    let mut probes: Vec<&Probe> = f.probes.iter().filter(|p| p.side == side).collect();
    if colouring == Colouring::HitProbability {
        // Weakest on top.
        probes.sort_by(|a, b| {
            b.hit_probability
                .unwrap_or(2.0)
                .total_cmp(&a.hit_probability.unwrap_or(2.0))
        });
    }
    for p in probes {
        let (x, y) = pr.pt(p.x, p.y);
        let r = probe_radius_px(f, p, pr.scale);
        let mut title = format!(
            "{} {} ({}, {}) {} {}",
            esc(&p.id),
            esc(&p.net),
            fmt(p.x, 2),
            fmt(p.y, 2),
            esc(&p.class),
            esc(&p.part)
        );
        if let Some(h) = p.hit_probability {
            title.push_str(&format!(": hit {}", super::fmt_prob(h)));
        }
        let paint = match colouring {
            Colouring::Class => format!(
                "fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.7\"",
                class_colour(&p.class, &all_classes)
            ),
            Colouring::HitProbability => match p.hit_probability {
                Some(h) => format!(
                    "fill=\"{}\" stroke=\"#333\" stroke-width=\"0.5\"",
                    probability_colour(h)
                ),
                None => "fill=\"none\" stroke=\"#8a929c\" stroke-width=\"1.2\"".to_string(),
            },
        };
        let _ = writeln!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {paint}><title>{title}</title></circle>",
            fmt(x, 2),
            fmt(y, 2),
            fmt(r, 2)
        );
    }

    // Where the largest board strain occurs.
    if colouring == Colouring::Class
        && let Some([sx, sy]) = marks.max_strain_at
        && !marks.supports.is_empty()
    {
        let (x, y) = pr.pt(sx, sy);
        let _ = writeln!(
            s,
            "<path d=\"M{:.2} {:.2}l6 -10.4l6 10.4z\" fill=\"#f5d04c\" stroke=\"#7a5313\" stroke-width=\"1\"><title>largest board strain at ({}, {})</title></path>",
            x - 6.0,
            y + 5.2,
            fmt(sx, 2),
            fmt(sy, 2)
        );
    }

    // Violations (on the side of their probes).
    if colouring == Colouring::Class {
        for v in &f.violations {
            let on_side = v
                .probes
                .iter()
                .any(|id| f.probes.iter().any(|p| &p.id == id && p.side == side));
            if !on_side && !v.probes.is_empty() {
                continue;
            }
            let (x, y) = pr.pt(v.x, v.y);
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"9\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"><title>{}: {}</title></circle>",
                fmt(x, 2),
                fmt(y, 2),
                esc(v.rule.as_str()),
                esc(&v.message)
            );
        }
    }

    // Scale bar and orientation note.
    let board_w_mm = pr.right - pr.left;
    let len_mm = nice_length(board_w_mm / 5.0);
    let len_px = len_mm * pr.scale;
    let y = pr.height - 12.0;
    let x = MARGIN;
    let _ = writeln!(
        s,
        "<path d=\"M{x:.2} {:.2}V{y:.2}H{:.2}V{:.2}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\"/><text x=\"{:.2}\" y=\"{:.2}\" font-size=\"10\" fill=\"#333\">{} mm</text>",
        y - 4.0,
        x + len_px,
        y - 4.0,
        x + len_px + 5.0,
        y + 3.5,
        fmt(len_mm, if len_mm < 1.0 { 1 } else { 0 })
    );
    let note = match side {
        Side::Top => "TOP · seen from above",
        Side::Bottom => "BOTTOM · seen from below (mirrored)",
    };
    let _ = writeln!(
        s,
        "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"10\" text-anchor=\"end\" fill=\"#333\" font-weight=\"bold\">{note}</text>",
        pr.width - MARGIN,
        y + 3.5
    );
    s.push_str("</svg>\n");
    s
}

/// Cross-section of one side's stack-up at the closed position, vertical scale true.
///
/// Drawn with the probe plate at the bottom and the board above it, whichever board
/// side is probed: heights are along the probe axis from the plate's top face.
/// Returns the SVG and the table of probe levels (HTML, empty when none).
pub(super) fn stackup_drawing(f: &Fixture, st: &SideStackup) -> (String, String) {
    let side_name = st.side.as_str();
    let plate = st.probe_plate_thickness_mm;
    let board_t = st.board_thickness_mm;
    let set_h = st.set_height_mm;
    let tallest = st.tallest_part_height_mm;
    let tallest_ref = st.tallest_part.as_str();
    let pp = st.pressure_plate.as_ref();
    let lid_t = pp.map(|p| p.thickness_mm).unwrap_or(0.0);
    let finger = pp.map(|p| p.push_finger_length_mm).unwrap_or(0.0);
    let top_part = pp.map(|p| p.tallest_part_height_mm).unwrap_or(0.0);
    let levels = &st.levels;

    // Vertical extent, mm, relative to the plate's top face (z up in the drawing).
    let z_min = -plate.max(
        levels
            .iter()
            .map(|l| l.seating_depth_mm)
            .fold(0.0, f64::max),
    );
    let z_board = set_h;
    let z_board_top = set_h + board_t;
    let z_lid = z_board_top + finger;
    let z_max = (if lid_t > 0.0 {
        z_lid + lid_t
    } else {
        z_board_top + 1.0
    })
    .max(levels.iter().map(|l| l.tip_height_mm).fold(0.0, f64::max));
    let span = (z_max - z_min).max(1.0);
    let (w, h) = (660.0, 340.0);
    let (top_px, bottom_px) = (24.0, h - 32.0);
    let k = (bottom_px - top_px) / span;
    let zy = |z: f64| bottom_px - (z - z_min) * k;
    let (lx0, lx1) = (172.0, 442.0);

    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{} side stack-up cross-section\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" style=\"max-width:{w}px\">",
        esc(side_name)
    );
    s.push_str("<defs><pattern id=\"hatch-");
    s.push_str(&esc(side_name));
    s.push_str("\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#e9dcc0\"/><path d=\"M0 0V6\" stroke=\"#c8b48a\" stroke-width=\"2\"/></pattern></defs>\n");
    let layer = |s: &mut String, z0: f64, z1: f64, fill: &str, label: &str| {
        let (y0, y1) = (zy(z1), zy(z0));
        let _ = writeln!(
            s,
            "<rect x=\"{lx0}\" y=\"{:.2}\" width=\"{}\" height=\"{:.2}\" fill=\"{fill}\" stroke=\"#555\" stroke-width=\"0.8\"/><text x=\"{}\" y=\"{:.2}\" font-size=\"11\" fill=\"#222\" dominant-baseline=\"central\">{}</text>",
            y0,
            lx1 - lx0,
            (y1 - y0).max(0.8),
            lx1 + 8.0,
            (y0 + y1) / 2.0,
            esc(label)
        );
    };
    // Probe plate.
    if plate > 0.0 {
        let fill = format!("url(#hatch-{})", esc(side_name));
        layer(
            &mut s,
            -plate,
            0.0,
            &fill,
            &format!("probe plate {} mm", fmt(plate, 2)),
        );
    }
    // Board (with the tallest part on the probed face hanging towards the plate).
    layer(
        &mut s,
        z_board,
        z_board_top,
        "#7fb069",
        &format!("board {} mm ({} face down)", fmt(board_t, 2), side_name),
    );
    if tallest > 0.0 {
        let (x0, x1) = (lx1 - 56.0, lx1 - 6.0);
        let _ = writeln!(
            s,
            "<rect x=\"{x0}\" y=\"{:.2}\" width=\"{}\" height=\"{:.2}\" fill=\"#d3d7de\" stroke=\"#5d6570\" stroke-width=\"0.8\"/><text x=\"{}\" y=\"{:.2}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
            zy(z_board),
            x1 - x0,
            tallest * k,
            (x0 + x1) / 2.0,
            zy(z_board - tallest) + 12.0,
            esc(&format!("{} {} mm", tallest_ref, fmt(tallest, 2)))
        );
    }
    // Lid and push fingers on the other face.
    if lid_t > 0.0 {
        layer(
            &mut s,
            z_lid,
            z_lid + lid_t,
            "#c9d6e8",
            &format!("pressure plate (lid) {} mm", fmt(lid_t, 2)),
        );
        for fx in [lx0 + 20.0, lx1 - 120.0] {
            let _ = writeln!(
                s,
                "<rect x=\"{fx}\" y=\"{:.2}\" width=\"8\" height=\"{:.2}\" fill=\"#9aa9c0\" stroke=\"#555\" stroke-width=\"0.6\"/>",
                zy(z_lid),
                finger * k
            );
        }
        if top_part > 0.0 {
            let (x0, x1) = (lx0 + 60.0, lx0 + 110.0);
            let _ = writeln!(
                s,
                "<rect x=\"{x0}\" y=\"{:.2}\" width=\"{}\" height=\"{:.2}\" fill=\"#d3d7de\" stroke=\"#5d6570\" stroke-width=\"0.8\"/>",
                zy(z_board_top + top_part),
                x1 - x0,
                top_part * k
            );
        }
    }
    // Without a lid, the other side's probe plate presses (double-sided fixture).
    if pp.is_none() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{:.2}\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#555\" font-style=\"italic\">no lid: the other side's probe plate presses this face</text>",
            (lx0 + lx1) / 2.0,
            zy(z_board_top) - 6.0
        );
    }
    // Support post at the left edge.
    if set_h > 0.0 {
        let _ = writeln!(
            s,
            "<rect x=\"{lx0}\" y=\"{:.2}\" width=\"10\" height=\"{:.2}\" fill=\"#6b4fa0\" fill-opacity=\"0.8\"/>",
            zy(z_board),
            set_h * k
        );
    }
    // One probe per level, tip on the board face.
    let all = classes(f);
    let n = levels.len().max(1) as f64;
    let mut level_rows = String::new();
    let mut last_probe: Option<(f64, f64, f64, f64, f64)> = None;
    for (i, l) in levels.iter().enumerate() {
        let cx = lx0 + 60.0 + (i as f64 + 0.5) * ((lx1 - 150.0 - lx0) / n).min(70.0);
        let part_id = l.part.as_str();
        let part = f.part(part_id);
        let class = part.map(|p| p.class.as_str()).unwrap_or("");
        let colour = class_colour(class, &all);
        let seat = l.seating_depth_mm;
        let tip_free = l.tip_height_mm;
        let comp = l.compression_mm;
        let frac = l.working_travel_fraction;
        let tip = tip_free - comp;
        let barrel_w = part.map(|p| p.barrel_diameter_mm).unwrap_or(1.0) * k;
        let barrel_w = barrel_w.clamp(5.0, 12.0);
        let rec_top = 0.0;
        let rec_bot = -seat.max(plate * 0.9);
        let plunger_len = part.map(|p| p.plunger_extended_mm).unwrap_or(comp * 2.0) - comp;
        let barrel_top = tip - plunger_len.max(0.5);
        // Receptacle in the plate.
        let _ = writeln!(
            s,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"#c6a15b\" stroke=\"#7a5f2e\" stroke-width=\"0.6\"/>",
            cx - barrel_w / 2.0 - 1.5,
            zy(rec_top),
            barrel_w + 3.0,
            (rec_top - rec_bot) * k
        );
        // Barrel from the receptacle to the plunger.
        let _ = writeln!(
            s,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{colour}\" stroke=\"#222\" stroke-width=\"0.5\"/>",
            cx - barrel_w / 2.0,
            zy(barrel_top),
            barrel_w,
            ((barrel_top - rec_bot) * k).max(1.0)
        );
        // Plunger.
        let _ = writeln!(
            s,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"#b9c0c8\" stroke=\"#222\" stroke-width=\"0.5\"/>",
            cx - barrel_w / 4.0,
            zy(tip),
            barrel_w / 2.0,
            ((tip - barrel_top) * k).max(1.0)
        );
        // Free tip height (dashed) and compression label.
        let _ = writeln!(
            s,
            "<path d=\"M{:.2} {:.2}H{:.2}\" stroke=\"{colour}\" stroke-width=\"1.2\" stroke-dasharray=\"3 2\"/><text x=\"{cx:.2}\" y=\"{:.2}\" font-size=\"10\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{colour}\">{}<tspan x=\"{cx:.2}\" dy=\"11\" font-weight=\"normal\" fill=\"#333\">{} %</tspan></text>",
            cx - 12.0,
            zy(tip_free),
            cx + 12.0,
            zy(z_min) + 12.0,
            esc(class),
            fmt(frac * 100.0, 0)
        );
        last_probe = Some((cx, barrel_w, tip, barrel_top, rec_bot));
        let stage = f64::from(l.stage);
        let ok = (0.6..=0.8).contains(&frac);
        let _ = writeln!(
            level_rows,
            "<tr><td style=\"white-space:nowrap\"><span class=\"swatch\" style=\"background:{colour}\"></span>{}</td><td class=\"mono\" style=\"white-space:nowrap\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} / {}</td><td class=\"num\"><span class=\"pill {}\">{} %</span></td><td class=\"num\">{}</td></tr>",
            esc(class),
            esc(part_id),
            fmt(stage, 0),
            fmt(l.probes as f64, 0),
            fmt(seat, 2),
            fmt(tip_free, 2),
            fmt(comp, 2),
            fmt(l.full_travel_mm, 2),
            if ok { "good" } else { "bad" },
            fmt(frac * 100.0, 1),
            fmt(l.force_n, 2),
        );
    }
    // Name the parts of the last probe drawn.
    if let Some((cx, bw, tip, barrel_top, rec_bot)) = last_probe {
        let x = cx + bw / 2.0 + 6.0;
        for (z, label) in [
            ((tip + barrel_top) / 2.0, "plunger"),
            (barrel_top / 2.0, "barrel"),
            (rec_bot / 2.0, "receptacle"),
        ] {
            if z.is_finite() {
                let _ = writeln!(
                    s,
                    "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"9.5\" fill=\"#333\" dominant-baseline=\"central\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">{label}</text>",
                    x,
                    zy(z)
                );
            }
        }
    }
    // Dimension arrows on the left.
    let dim = |s: &mut String, x: f64, z0: f64, z1: f64, label: &str| {
        let (y0, y1) = (zy(z0), zy(z1));
        let _ = writeln!(
            s,
            "<path d=\"M{x} {y0:.2}V{y1:.2}M{:.1} {y0:.2}H{:.1}M{:.1} {y1:.2}H{:.1}\" stroke=\"#1f5f99\" stroke-width=\"1\"/><path d=\"M{x} {y1:.2}l-3 6h6zM{x} {y0:.2}l-3 -6h6z\" fill=\"#1f5f99\"/><text x=\"{:.1}\" y=\"{:.2}\" font-size=\"10.5\" text-anchor=\"end\" fill=\"#1f5f99\" dominant-baseline=\"central\">{}</text>",
            x - 4.0,
            lx0,
            x - 4.0,
            lx0,
            x - 7.0,
            (y0 + y1) / 2.0,
            esc(label)
        );
    };
    if set_h > 0.0 {
        dim(
            &mut s,
            150.0,
            0.0,
            z_board,
            &format!("set height {} mm", fmt(set_h, 2)),
        );
    }
    if plate > 0.0 {
        dim(&mut s, 150.0, -plate, 0.0, &format!("{} mm", fmt(plate, 2)));
    }
    if lid_t > 0.0 && finger > 0.0 {
        dim(
            &mut s,
            150.0,
            z_board_top,
            z_lid,
            &format!("push finger {} mm", fmt(finger, 2)),
        );
    }
    {
        let total = st.total_height_mm;
        let x = 18.0;
        let (y0, y1) = (zy(-plate), zy(-plate + total));
        let _ = writeln!(
            s,
            "<path d=\"M{x} {y0:.2}V{y1:.2}\" stroke=\"#555\" stroke-width=\"0.8\"/><path d=\"M{x} {y1:.2}l-3 6h6zM{x} {y0:.2}l-3 -6h6z\" fill=\"#555\"/><text transform=\"translate({:.1} {:.2}) rotate(-90)\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">overall {} mm</text>",
            x - 6.0,
            (y0 + y1) / 2.0,
            fmt(total, 2)
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"12\" font-size=\"10\" fill=\"#666\">dashed: free tip height; probes shown compressed (closed)</text>",
        lx0
    );
    s.push_str("</svg>\n");
    let mut t = String::new();
    if !level_rows.is_empty() {
        t.push_str("<table><thead><tr><th>Class</th><th>Part</th><th class=\"num\">stage</th><th class=\"num\">probes</th><th class=\"num\" title=\"receptacle collar below the plate top face\">collar depth (mm)</th><th class=\"num\" title=\"free tip above the plate top face\">free tip (mm)</th><th class=\"num\">compression / full travel (mm)</th><th class=\"num\">share of full travel</th><th class=\"num\">force each (N)</th></tr></thead><tbody>\n");
        t.push_str(&level_rows);
        t.push_str("</tbody></table>\n");
    }
    (s, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_scale_ends() {
        assert_eq!(probability_colour(0.0), "#b2182b");
        assert_eq!(probability_colour(0.99999), "#1a9850");
        assert_eq!(probability_colour(f64::NAN), "#b8bec7");
        assert!((probability_position(0.99) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_length(23.0), 20.0);
        assert_eq!(nice_length(7.0), 5.0);
        assert_eq!(nice_length(1.0), 1.0);
    }

    #[test]
    fn bottom_view_is_mirrored() {
        let p = Projection::new([0.0, 0.0, 100.0, 50.0], true, VIEW_W);
        let (xl, _) = p.pt(0.0, 0.0);
        let (xr, _) = p.pt(100.0, 0.0);
        assert!(xl > xr);
        let q = Projection::new([0.0, 0.0, 100.0, 50.0], false, VIEW_W);
        assert!(q.pt(0.0, 0.0).0 < q.pt(100.0, 0.0).0);
    }
}
