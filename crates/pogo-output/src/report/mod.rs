//! `report.html`: one self-contained, human-readable page about a fixture.
//!
//! Everything comes from the [`Fixture`] alone (so `pogo export` regenerates the same
//! page from `fixture.json`): a header naming the board and its sha256, summary cards,
//! a view of each probed side (probes coloured by class, and by hit probability), the
//! coverage table, unreachable nets with their reasons, rule violations, the stack-up
//! drawing, force and board strain, the tolerance analysis, the BOM and the wiring list.
//!
//! The page has inline CSS and inline SVG only: no fonts, images, styles or scripts
//! from anywhere else (one tiny inline script opens the collapsible lists before
//! printing). All text from the fixture is escaped. The output is deterministic: no
//! date, fixed float formatting, sorted tables.
//!
//! Sections the fixture does not hold yet (mechanics, tolerance) read "not computed".

mod clamshell;
mod fields;
mod registration;
mod views;

use fields::{ForceFigures, ToleranceFigures, kv_table, object_table};
use pogo_fixture::tolerance::{Sensitivity, ToleranceSummary, WeakProbe};
use pogo_fixture::{ChannelAssignment, Fixture, ForceSummary, Probe, SideStackup};
use pogo_geom::Side;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

const CSS: &str = include_str!("style.css");

/// Lists longer than this are folded into a closed `<details>` element.
const FOLD_ROWS: usize = 30;

/// Writes `report.html` for `fixture` to `w`.
pub fn write_report(fixture: &Fixture, w: &mut dyn io::Write) -> io::Result<()> {
    w.write_all(render_report(fixture).as_bytes())
}

/// The whole `report.html` text for `fixture`.
pub fn render_report(fixture: &Fixture) -> String {
    let ctx = Ctx::new(fixture);
    let mut out = String::with_capacity(64 * 1024 + fixture.probes.len() * 600);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>Fixture report: {}</title>",
        esc(&ctx.board_name)
    );
    let _ = writeln!(out, "<style>\n{CSS}</style>\n</head>\n<body>");
    header(&ctx, &mut out);
    out.push_str("<main>\n");
    toc(&ctx, &mut out);
    summary(&ctx, &mut out);
    side_views(&ctx, &mut out);
    coverage(&ctx, &mut out);
    unreachable(&ctx, &mut out);
    violations(&ctx, &mut out);
    registration::section(&ctx, &mut out);
    stackup(&ctx, &mut out);
    force(&ctx, &mut out);
    clamshell::section(&ctx, &mut out);
    tolerance(&ctx, &mut out);
    bom(&ctx, &mut out);
    wiring(&ctx, &mut out);
    let _ = writeln!(
        out,
        "<footer>Written by {} from fixture.json (schema {}). Coordinates are KiCad page \
         coordinates in mm (x right, y down) unless a caption says otherwise.</footer>",
        esc(&fixture.generator),
        esc(&fixture.schema)
    );
    out.push_str("</main>\n");
    // Open every collapsible list before printing, so paper shows all rows.
    out.push_str(
        "<script>addEventListener('beforeprint',function(){document.querySelectorAll('details')\
         .forEach(function(d){d.open=true;});});</script>\n",
    );
    out.push_str("</body>\n</html>\n");
    out
}

/// The fixture plus what every section needs to look up.
struct Ctx<'a> {
    f: &'a Fixture,
    board_name: String,
    /// Sides with at least one probe, top first; the rule sides when there are none.
    sides: Vec<Side>,
}

impl<'a> Ctx<'a> {
    fn new(f: &'a Fixture) -> Self {
        let mut sides: Vec<Side> = [Side::Top, Side::Bottom]
            .into_iter()
            .filter(|s| f.probes.iter().any(|p| p.side == *s))
            .collect();
        if sides.is_empty() {
            sides = [Side::Top, Side::Bottom]
                .into_iter()
                .filter(|s| f.rules.sides.contains(s))
                .collect();
        }
        if sides.is_empty() {
            sides.push(Side::Top);
        }
        Ctx {
            f,
            board_name: board_name(&f.board.file),
            sides,
        }
    }
}

/// `boards/video.kicad_pcb.xz` -> `video`.
fn board_name(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let mut name = base;
    for ext in [".gz", ".xz"] {
        name = name.strip_suffix(ext).unwrap_or(name);
    }
    for ext in [".kicad_pcb", ".d356", ".ipc", ".net"] {
        name = name.strip_suffix(ext).unwrap_or(name);
    }
    if name.is_empty() {
        base.to_string()
    } else {
        name.to_string()
    }
}

// ---------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------

pub(crate) use pogo_text::html_escape as esc;
use pogo_text::{HtmlTable, TableCell};

/// Fixed-point number without a negative zero.
pub(crate) fn fmt(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A probability as a percentage with enough digits to tell good fixtures apart.
pub(crate) fn fmt_prob(p: f64) -> String {
    if !p.is_finite() {
        "—".to_string()
    } else if p >= 1.0 {
        // The miss probability is below what a double can tell from one.
        "≈ 100 %".to_string()
    } else if p >= 0.999_99 {
        format!("1 − {:.1e}", 1.0 - p)
    } else if p >= 0.99 {
        format!("{} %", fmt(p * 100.0, 3))
    } else {
        format!("{} %", fmt(p * 100.0, 1))
    }
}

/// A number of a generic table, formatted by magnitude.
fn fmt_auto(x: f64) -> String {
    let a = x.abs();
    if x == x.trunc() && a < 1e9 {
        fmt(x, 0)
    } else if a >= 100.0 {
        fmt(x, 1)
    } else if a >= 0.01 {
        fmt(x, 3)
    } else if a == 0.0 {
        "0".to_string()
    } else {
        format!("{x:.3e}")
    }
}

/// `set_height_mm` -> `Set height (mm)`.
fn humanize(key: &str) -> String {
    let units: [(&str, &str); 14] = [
        ("_ppm_per_k", " (ppm/K)"),
        ("_gpa", " (GPa)"),
        ("_k", " (K)"),
        ("_ppm", " (ppm)"),
        ("_mm2", " (mm²)"),
        ("_mm", " (mm)"),
        ("_n", " (N)"),
        ("_ue", " (µε)"),
        ("_mohm", " (mΩ)"),
        ("_deg", " (°)"),
        ("_um", " (µm)"),
        ("_pct", " (%)"),
        ("_c", " (°C)"),
        ("_a", " (A)"),
    ];
    let (stem, unit) = units
        .iter()
        .find_map(|(suf, u)| key.strip_suffix(suf).map(|s| (s, *u)))
        .unwrap_or((key, ""));
    let parts: Vec<&str> = stem.split('_').collect();
    let mut out_words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        match (parts[i], parts.get(i + 1)) {
            ("delta", Some(&"t")) => {
                out_words.push("ΔT".to_string());
                i += 1;
            }
            ("cte", _) => out_words.push("CTE".to_string()),
            (w, _) => out_words.push(w.to_string()),
        }
        i += 1;
    }
    let mut words = out_words.join(" ");
    if let Some(first) = words.get(0..1) {
        let up = first.to_uppercase();
        words.replace_range(0..1, &up);
    }
    format!("{words}{unit}")
}

/// Heading of a nested object or list of a section.
fn sub_heading(section: &str, key: &str) -> String {
    match (section, key) {
        ("tolerance", "model") => "Contributor figures used".to_string(),
        ("tolerance", "datum") => "Datum of rotation, scale and thermal terms".to_string(),
        ("force", "model") => "Plate model of the board".to_string(),
        ("force", "supports") => "Supports and push fingers".to_string(),
        ("force", "suggested_supports") => "Suggested further supports".to_string(),
        ("force", "over_limit") => "What to change (strain over the limit)".to_string(),
        ("stackup", "pressure_plate") => "Pressure plate (lid)".to_string(),
        ("stackup", "relief_pockets") => "Relief pockets in the probe plate".to_string(),
        _ => humanize(key),
    }
}

/// Opens a `<details>` when `rows` exceeds the fold size; returns whether it did.
fn fold_open(rows: usize, what: &str, out: &mut String) -> bool {
    if rows > FOLD_ROWS {
        let _ = writeln!(
            out,
            "<details><summary>Show all {rows} {}</summary>",
            esc(what)
        );
        true
    } else {
        false
    }
}

fn fold_close(folded: bool, out: &mut String) {
    if folded {
        out.push_str("</details>\n");
    }
}

fn not_computed(what: &str, out: &mut String) {
    let _ = writeln!(
        out,
        "<p class=\"missing\">{} not computed for this fixture.</p>",
        esc(what)
    );
}

use pogo_text::natural_key;

pub(crate) fn class_colour(class: &str, all: &[String]) -> &'static str {
    match class {
        "P100" => "#1f77b4",
        "P75" => "#2ca02c",
        "P50" => "#ff7f0e",
        "P39" => "#9467bd",
        _ => {
            const MORE: [&str; 5] = ["#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
            let i = all.iter().position(|c| c == class).unwrap_or(0);
            MORE[i % MORE.len()]
        }
    }
}

/// Probe classes present, in catalog order (largest first), then any others.
fn classes(f: &Fixture) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for c in ["P100", "P75", "P50", "P39"] {
        if f.probes.iter().any(|p| p.class == c) {
            v.push(c.to_string());
        }
    }
    let mut rest: Vec<String> = f
        .probes
        .iter()
        .map(|p| p.class.clone())
        .filter(|c| !v.contains(c))
        .collect();
    rest.sort();
    rest.dedup();
    v.extend(rest);
    v
}

fn side_title(s: Side) -> &'static str {
    match s {
        Side::Top => "Top",
        Side::Bottom => "Bottom",
    }
}

// ---------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------

fn header(ctx: &Ctx, out: &mut String) {
    let b = &ctx.f.board;
    let w = b.outline_bbox[2] - b.outline_bbox[0];
    let h = b.outline_bbox[3] - b.outline_bbox[1];
    let _ = writeln!(
        out,
        "<header class=\"top\"><div class=\"wrap\"><h1>{}<small>pogo-pin test fixture report</small></h1>",
        esc(&ctx.board_name)
    );
    let _ = writeln!(
        out,
        "<dl><dt>Board file</dt><dd>{}</dd><dt>Format</dt><dd>{}</dd>\
         <dt>sha256</dt><dd>{}</dd><dt>Board size</dt><dd>{} × {} mm, {} mm thick</dd>\
         <dt>Generator</dt><dd>{}</dd><dt>Schema</dt><dd>{}</dd></dl></div></header>",
        esc(&b.file),
        esc(&b.format),
        esc(&b.sha256),
        fmt(w, 2),
        fmt(h, 2),
        fmt(b.thickness_mm, 2),
        esc(&ctx.f.generator),
        esc(&ctx.f.schema),
    );
}

fn toc(ctx: &Ctx, out: &mut String) {
    out.push_str("<nav class=\"toc\">");
    let clamshell = ctx.f.clamshell.is_some();
    for (id, name) in [
        ("summary", "Summary"),
        ("views", "Board views"),
        ("coverage", "Coverage"),
        ("unreachable", "Unreachable nets"),
        ("violations", "Violations"),
        ("stackup", "Stack-up"),
        ("force", "Force and strain"),
        ("clamshell", "Clamshell"),
        ("tolerance", "Positional tolerance"),
        ("bom", "BOM"),
        ("wiring", "Wiring"),
    ] {
        if id == "clamshell" && !clamshell {
            continue;
        }
        let _ = write!(out, "<a href=\"#{id}\">{name}</a>");
    }
    out.push_str("</nav>\n");
}

struct Card {
    label: &'static str,
    value: String,
    detail: String,
    tone: &'static str,
    bar: Option<f64>,
}

fn summary(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    let c = &f.coverage;
    let mut cards = Vec::new();
    let share = if c.nets_testable > 0 {
        c.nets_probed as f64 / c.nets_testable as f64
    } else {
        1.0
    };
    cards.push(Card {
        label: "Nets probed",
        value: format!(
            "{}<small> / {} testable</small>",
            c.nets_probed, c.nets_testable
        ),
        detail: format!(
            "{} % of testable nets; {} nets on the board",
            fmt(share * 100.0, 1),
            c.nets_total
        ),
        tone: if c.nets_probed >= c.nets_testable {
            "good"
        } else if c.nets_probed >= c.nets_reachable {
            "warn"
        } else {
            "bad"
        },
        bar: Some(share),
    });
    cards.push(Card {
        label: "Reachable nets",
        value: format!(
            "{}<small> / {} testable</small>",
            c.nets_reachable, c.nets_testable
        ),
        detail: "upper bound: nets with a candidate that passes every single-probe rule"
            .to_string(),
        tone: "",
        bar: None,
    });
    let mut by_side: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &f.probes {
        *by_side.entry(p.side.as_str()).or_default() += 1;
    }
    cards.push(Card {
        label: "Probes",
        value: f.probes.len().to_string(),
        detail: if by_side.is_empty() {
            "no probes placed".to_string()
        } else {
            by_side
                .iter()
                .map(|(s, n)| format!("{n} {s}"))
                .collect::<Vec<_>>()
                .join(" · ")
        },
        tone: "",
        bar: None,
    });
    let class_detail: Vec<String> = classes(f)
        .iter()
        .map(|cl| {
            let sides: Vec<String> = [Side::Top, Side::Bottom]
                .iter()
                .filter_map(|s| {
                    let n = f
                        .probes
                        .iter()
                        .filter(|p| &p.class == cl && p.side == *s)
                        .count();
                    (n > 0).then(|| format!("{n} {}", s.as_str()))
                })
                .collect();
            format!(
                "<span class=\"swatch\" style=\"background:{}\"></span>{}: {}",
                class_colour(cl, &classes(f)),
                esc(cl),
                sides.join(", ")
            )
        })
        .collect();
    cards.push(Card {
        label: "Probes per class",
        value: if class_detail.is_empty() {
            "none".to_string()
        } else {
            format!(
                "{}<small> class{}</small>",
                class_detail.len(),
                if class_detail.len() == 1 { "" } else { "es" }
            )
        },
        detail: class_detail.join("<br>"),
        tone: "",
        bar: None,
    });
    cards.push(Card {
        label: "Rule violations",
        value: f.violations.len().to_string(),
        detail: if !f.violations.is_empty() {
            "forced or locked probes break rules".to_string()
        } else if !f.unchecked.is_empty() {
            format!(
                "{} checks not made: the board file gives too little",
                f.unchecked.len()
            )
        } else {
            "every probe meets the design rules".to_string()
        },
        tone: if !f.violations.is_empty() {
            "bad"
        } else if !f.unchecked.is_empty() {
            "warn"
        } else {
            "good"
        },
        bar: None,
    });
    cards.push(Card {
        label: "Unreachable nets",
        value: f.unreachable.len().to_string(),
        detail: "testable nets without a probe".to_string(),
        tone: if f.unreachable.is_empty() {
            "good"
        } else {
            "warn"
        },
        bar: None,
    });
    match contact_yield(ctx) {
        Some(y) => cards.push(Card {
            label: "Contact yield",
            value: fmt_prob(y),
            detail: "all probes hit on one insertion".to_string(),
            tone: if y >= 0.99 {
                "good"
            } else if y >= 0.9 {
                "warn"
            } else {
                "bad"
            },
            bar: Some(y),
        }),
        None => cards.push(missing_card("Contact yield")),
    }
    match board_strain(ctx) {
        Some(s) => cards.push(Card {
            label: "Max board strain",
            value: format!("{}<small> µε</small>", fmt(s.max_ue, 0)),
            detail: format!("limit {} µε", fmt(s.limit_ue, 0)),
            tone: if s.exceeded { "bad" } else { "good" },
            bar: Some(s.fraction_of_limit()),
        }),
        None => cards.push(missing_card("Max board strain")),
    }
    let heights = set_heights(ctx);
    if heights.is_empty() {
        cards.push(missing_card("Set height"));
    } else {
        let first = heights[0].1;
        let all_same = heights.iter().all(|(_, h)| (h - first).abs() < 1e-9);
        cards.push(Card {
            label: "Set height",
            value: format!("{}<small> mm</small>", fmt(first, 2)),
            detail: if all_same {
                "probe plate to board at the closed position".to_string()
            } else {
                heights
                    .iter()
                    .map(|(s, h)| format!("{} {} mm", esc(s), fmt(*h, 2)))
                    .collect::<Vec<_>>()
                    .join(" · ")
            },
            tone: "",
            bar: None,
        });
    }
    let totals = force_totals(ctx);
    if totals.is_empty() {
        cards.push(missing_card("Probe force"));
    } else {
        let sum: f64 = totals.iter().map(|(_, n)| n).sum();
        cards.push(Card {
            label: "Probe force",
            value: format!("{}<small> N</small>", fmt(sum, 1)),
            detail: totals
                .iter()
                .map(|(s, n)| format!("{} {} N", s.as_str(), fmt(*n, 1)))
                .collect::<Vec<_>>()
                .join(" · "),
            tone: "",
            bar: None,
        });
    }
    let t = &f.tooling;
    cards.push(Card {
        label: "Tooling pins",
        value: t.len().to_string(),
        detail: if t.is_empty() {
            let n = f.tooling_suggestions.len();
            if n > 0 {
                format!(
                    "none usable on the board; {n} suggested hole{} (dashed in the views)",
                    if n == 1 { "" } else { "s" }
                )
            } else {
                "none chosen".to_string()
            }
        } else {
            let mut d: Vec<String> = t
                .iter()
                .map(|p| format!("Ø{}", fmt(p.diameter_mm, 2)))
                .collect();
            d.dedup();
            format!("{} mm", d.join(", "))
        },
        tone: if t.len() >= 2 { "good" } else { "warn" },
        bar: None,
    });

    out.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">\n");
    for c in cards {
        let _ = write!(
            out,
            "<div class=\"card {}\"><div class=\"label\">{}</div><div class=\"value\">{}</div>",
            c.tone, c.label, c.value
        );
        if let Some(b) = c.bar {
            let _ = write!(
                out,
                "<div class=\"bar\"><span style=\"width:{}%\"></span></div>",
                fmt(b.clamp(0.0, 1.0) * 100.0, 1)
            );
        }
        let _ = writeln!(out, "<div class=\"detail\">{}</div></div>", c.detail);
    }
    out.push_str("</div></section>\n");
}

fn missing_card(label: &'static str) -> Card {
    Card {
        label,
        value: "not computed".to_string(),
        detail: String::new(),
        tone: "none",
        bar: None,
    }
}

fn contact_yield(ctx: &Ctx) -> Option<f64> {
    ctx.f.tolerance.as_ref().map(|t| t.contact_yield)
}

/// The board strain the mechanics computed, and the fixture's own limit and verdict
/// (`strain_limit_ue` of pogo.toml), read from the typed fixture.
struct BoardStrain {
    max_ue: f64,
    limit_ue: f64,
    exceeded: bool,
}

impl BoardStrain {
    /// The strain as a fraction of the limit, 0 to 1, for the bars.
    fn fraction_of_limit(&self) -> f64 {
        if self.limit_ue > 0.0 {
            (self.max_ue / self.limit_ue).clamp(0.0, 1.0)
        } else {
            1.0
        }
    }
}

fn board_strain(ctx: &Ctx) -> Option<BoardStrain> {
    let force = ctx.f.force.as_ref()?;
    Some(BoardStrain {
        max_ue: force.max_strain_ue,
        limit_ue: force.limit_ue,
        exceeded: force.exceeded,
    })
}

/// Total force per side from the force section, bottom first.
fn force_totals(ctx: &Ctx) -> Vec<(Side, f64)> {
    let Some(force) = &ctx.f.force else {
        return Vec::new();
    };
    [Side::Bottom, Side::Top]
        .into_iter()
        .filter_map(|side| force.total_n.get(side).map(|n| (side, *n)))
        .collect()
}

/// The stack-up of each probed side, as the mechanics computed it.
fn stackup_sides<'c>(ctx: &'c Ctx) -> &'c [SideStackup] {
    ctx.f
        .stackup
        .as_ref()
        .map(|st| st.sides.as_slice())
        .unwrap_or_default()
}

/// Set height per side: from the stack-up sides, else the fixture's single figure.
fn set_heights(ctx: &Ctx) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = stackup_sides(ctx)
        .iter()
        .map(|s| (s.side.as_str().to_string(), s.set_height_mm))
        .collect();
    if v.is_empty()
        && let Some(h) = ctx.f.set_height_mm
    {
        v.push(("fixture".to_string(), h));
    }
    v
}

fn side_views(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    let all_classes = classes(f);
    out.push_str("<section id=\"views\"><h2>Board views</h2>\n");
    out.push_str(
        "<p class=\"note\">Left: probes coloured by class. Right: probes coloured by the probability \
         that the tip lands fully on the exposed copper of its pad (positional tolerance). \
         Hover a probe for its id and net.</p>\n",
    );
    let marks = views::Marks::of(ctx.f);
    // Wide boards get one view per row, so they are not drawn as a thin strip.
    let b = f.board.outline_bbox;
    let wide = (b[2] - b[0]) > 1.6 * (b[3] - b[1]);
    let view_w = if wide {
        2.0 * views::VIEW_W
    } else {
        views::VIEW_W
    };
    for &side in &ctx.sides {
        let n = f.probes.iter().filter(|p| p.side == side).count();
        let orientation = match side {
            Side::Top => "seen from above, as in KiCad's page view",
            Side::Bottom => "seen from below: mirrored left to right relative to KiCad's page view",
        };
        let _ = writeln!(
            out,
            "<h3>{} side — {} probe{}</h3>",
            side_title(side),
            n,
            if n == 1 { "" } else { "s" }
        );
        out.push_str(if wide {
            "<div class=\"views wide\">\n<figure>\n"
        } else {
            "<div class=\"views\">\n<figure>\n"
        });
        out.push_str(&views::board_view(
            f,
            side,
            views::Colouring::Class,
            &marks,
            view_w,
        ));
        out.push_str("<div class=\"legend\">");
        for cl in &all_classes {
            let cnt = f
                .probes
                .iter()
                .filter(|p| p.side == side && &p.class == cl)
                .count();
            if cnt > 0 {
                let _ = write!(
                    out,
                    "<span><span class=\"swatch\" style=\"background:{}\"></span>{} ({})</span>",
                    class_colour(cl, &all_classes),
                    esc(cl),
                    cnt
                );
            }
        }
        out.push_str(views::LEGEND_COMMON);
        if !marks.supports.is_empty() {
            out.push_str(views::LEGEND_SUPPORT);
        }
        if !marks.suggested_holes.is_empty() {
            out.push_str(views::LEGEND_SUGGESTED_HOLE);
        }
        out.push_str("</div>\n");
        let _ = writeln!(
            out,
            "<figcaption><b>{} side, {}.</b> Probes by class; board outline with cut-outs, part courtyards on this side, board holes and tooling pins.</figcaption>\n</figure>",
            side_title(side),
            orientation
        );
        out.push_str("<figure>\n");
        out.push_str(&views::board_view(
            f,
            side,
            views::Colouring::HitProbability,
            &marks,
            view_w,
        ));
        out.push_str(&views::probability_legend(side));
        let computed = f
            .probes
            .iter()
            .any(|p| p.side == side && p.hit_probability.is_some());
        let _ = writeln!(
            out,
            "<figcaption><b>{} side, {}.</b> Probes by hit probability{}.</figcaption>\n</figure>\n</div>",
            side_title(side),
            orientation,
            if computed {
                "; the weakest are drawn on top"
            } else {
                ": not computed (hollow circles)"
            }
        );
    }
    out.push_str("</section>\n");
}

fn coverage(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    let c = &f.coverage;
    let pc = |n: usize, d: usize| {
        if d == 0 {
            "—".to_string()
        } else {
            format!("{} %", fmt(n as f64 * 100.0 / d as f64, 1))
        }
    };
    out.push_str("<section id=\"coverage\"><h2>Coverage</h2><div class=\"two\"><div>\n");
    out.push_str("<table class=\"narrow\"><thead><tr><th>Nets</th><th class=\"num\">count</th><th class=\"num\">of testable</th></tr></thead><tbody>\n");
    let _ = writeln!(
        out,
        "<tr><td>On the board</td><td class=\"num\">{}</td><td class=\"num\"></td></tr>",
        c.nets_total
    );
    let _ = writeln!(
        out,
        "<tr><td>Testable (two or more connections, not on the no-probe list)</td><td class=\"num\">{}</td><td class=\"num\">100 %</td></tr>",
        c.nets_testable
    );
    let _ = writeln!(
        out,
        "<tr><td>Reachable (upper bound: a candidate passes every single-probe rule)</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        c.nets_reachable,
        pc(c.nets_reachable, c.nets_testable)
    );
    let _ = writeln!(
        out,
        "<tr><td><b>Probed</b></td><td class=\"num\"><b>{}</b></td><td class=\"num\"><b>{}</b></td></tr>",
        c.nets_probed,
        pc(c.nets_probed, c.nets_testable)
    );
    let _ = writeln!(
        out,
        "<tr><td>Not probed</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        c.nets_testable.saturating_sub(c.nets_probed),
        pc(
            c.nets_testable.saturating_sub(c.nets_probed),
            c.nets_testable
        )
    );
    out.push_str("</tbody></table>\n</div><div>\n");
    // Probes per class and side (from the coverage record, else counted).
    let mut matrix: BTreeMap<String, pogo_fixture::BySide<usize>> = c.probes_by_class.clone();
    if matrix.is_empty() {
        for p in &f.probes {
            *matrix.entry(p.class.clone()).or_default().entry(p.side) += 1;
        }
    }
    let all = classes(f);
    let mut order: Vec<&String> = matrix.keys().collect();
    order.sort_by_key(|k| {
        (
            all.iter().position(|c| c == *k).unwrap_or(usize::MAX),
            (*k).clone(),
        )
    });
    out.push_str("<table class=\"narrow\"><thead><tr><th>Probe class</th><th class=\"num\">top</th><th class=\"num\">bottom</th><th class=\"num\">total</th></tr></thead><tbody>\n");
    let (mut tt, mut tb) = (0, 0);
    for k in order {
        let m = &matrix[k];
        let t = m.get(Side::Top).copied().unwrap_or(0);
        let b = m.get(Side::Bottom).copied().unwrap_or(0);
        tt += t;
        tb += b;
        let _ = writeln!(
            out,
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td class=\"num\">{t}</td><td class=\"num\">{b}</td><td class=\"num\">{}</td></tr>",
            class_colour(k, &all),
            esc(k),
            t + b
        );
    }
    let _ = writeln!(
        out,
        "<tr><td><b>All</b></td><td class=\"num\"><b>{tt}</b></td><td class=\"num\"><b>{tb}</b></td><td class=\"num\"><b>{}</b></td></tr>",
        tt + tb
    );
    out.push_str("</tbody></table>\n");
    let mut targets: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &f.probes {
        let k = match p.target.kind {
            pogo_fixture::TargetKind::Via => "via",
            pogo_fixture::TargetKind::Pad => "pad",
        };
        *targets.entry(k).or_default() += 1;
    }
    if !targets.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"note\">Targets: {}.</p>",
            targets
                .iter()
                .map(|(k, n)| format!("{n} {k}{}", if *n == 1 { "" } else { "s" }))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out.push_str("</div></div>\n");
    rules_table(ctx, out);
    out.push_str("</section>\n");
}

fn rules_table(ctx: &Ctx, out: &mut String) {
    let r = &ctx.f.rules;
    out.push_str(
        "<details><summary>Design rules in effect</summary>\n<table class=\"narrow\"><tbody>\n",
    );
    let sides: Vec<&str> = r.sides.iter().map(|s| s.as_str()).collect();
    let rows: Vec<(&str, String)> = vec![
        ("Sides, in order of preference", esc(&sides.join(", "))),
        ("Probe classes allowed", esc(&r.classes.join(", "))),
        (
            "Probe centre to board outline (cut-outs included)",
            format!("{} mm", fmt(r.outline_clearance_mm, 2)),
        ),
        (
            "Probe centre to another part's courtyard",
            format!("{} mm", fmt(r.courtyard_clearance_mm, 2)),
        ),
        (
            "… to the courtyard of a tall part",
            format!(
                "{} mm (parts over {} mm)",
                fmt(r.tall_courtyard_clearance_mm, 2),
                fmt(r.tall_part_height_mm, 2)
            ),
        ),
        (
            "Probe centre to tooling hole edge",
            format!("{} mm + hole radius", fmt(r.tooling_hole_clearance_mm, 2)),
        ),
        (
            "Via drill at most",
            format!(
                "{} % of the tip diameter",
                fmt(r.via_drill_max_tip_fraction * 100.0, 0)
            ),
        ),
        (
            "Probe component SMD pads",
            if r.probe_component_pads { "yes" } else { "no" }.to_string(),
        ),
        (
            "No-probe nets",
            if r.no_probe_nets.is_empty() {
                "none".to_string()
            } else {
                esc(&r.no_probe_nets.join(", "))
            },
        ),
        (
            "Probes per net",
            if r.probes_per_net.is_empty() {
                "one per testable net".to_string()
            } else {
                r.probes_per_net
                    .iter()
                    .map(|n| format!("{}: {}", esc(&n.net), n.probes))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    }
    out.push_str("</tbody></table></details>\n");
}

fn at_text(at: Option<[f64; 2]>) -> String {
    at.map(|[x, y]| format!("({}, {})", fmt(x, 2), fmt(y, 2)))
        .unwrap_or_default()
}

fn unreachable(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    out.push_str("<section id=\"unreachable\"><h2>Unreachable nets</h2>\n");
    if f.unreachable.is_empty() {
        out.push_str("<p class=\"ok-box\">Every testable net has a probe.</p></section>\n");
        return;
    }
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &f.unreachable {
        *by_rule.entry(u.rule.as_str()).or_default() += 1;
    }
    out.push_str("<p class=\"note\">By reason: ");
    for (r, n) in &by_rule {
        let _ = write!(out, "<span class=\"pill warn\">{} × {}</span> ", n, esc(r));
    }
    out.push_str("</p>\n");
    let mut rows: Vec<&pogo_fixture::Unreachable> = f.unreachable.iter().collect();
    rows.sort_by(|a, b| {
        natural_key(&a.net)
            .cmp(&natural_key(&b.net))
            .then(a.net.cmp(&b.net))
    });
    let folded = fold_open(rows.len(), "unreachable nets", out);
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Net", ""),
            ("Rule", ""),
            ("Reason", ""),
            ("At (mm)", ""),
            ("Lost to net", ""),
        ],
    );
    for u in rows {
        table.row(&[
            TableCell::text(&u.net).class("mono"),
            pill("", u.rule.as_str()),
            TableCell::text(&u.reason),
            TableCell::text(at_text(u.at)).class("num"),
            TableCell::text(u.conflict_net.as_deref().unwrap_or("")).class("mono"),
        ]);
    }
    table.end();
    fold_close(folded, out);
    out.push_str("</section>\n");
}

fn violations(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    out.push_str("<section id=\"violations\"><h2>Rule violations</h2>\n");
    unchecked(ctx, out);
    if f.violations.is_empty() && !f.unchecked.is_empty() {
        out.push_str("<p>No rule is broken among the checks made.</p></section>\n");
        return;
    }
    if f.violations.is_empty() {
        out.push_str("<p class=\"ok-box\">No rule is broken: every probe meets the spacing, outline, courtyard and tooling clearances.</p></section>\n");
        return;
    }
    let folded = fold_open(f.violations.len(), "violations", out);
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Rule", ""),
            ("Message", ""),
            ("Probes", ""),
            ("At (mm)", "num"),
        ],
    );
    for v in &f.violations {
        table.row(&[
            pill("bad", v.rule.as_str()),
            TableCell::text(&v.message),
            TableCell::text(v.probes.join(", ")).class("mono"),
            TableCell::text(at_text(Some([v.x, v.y]))).class("num"),
        ]);
    }
    table.end();
    fold_close(folded, out);
    out.push_str("</section>\n");
}

/// The checks the board file gave too little to make, with how to supply what is
/// missing (a design from an IPC-D-356 netlist); nothing when every check was made.
fn unchecked(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    if f.unchecked.is_empty() {
        return;
    }
    out.push_str("<p>Not checked: the board file gives too little for these checks, so a probe may break them.</p>\n");
    let mut table = HtmlTable::new(
        out,
        "",
        &[("Check", ""), ("Missing", ""), ("How to supply it", "")],
    );
    for u in &f.unchecked {
        table.row(&[
            pill("warn", u.rule.as_str()),
            TableCell::text(&u.missing),
            TableCell::text(&u.supply),
        ]);
    }
    table.end();
}

/// A table cell holding `text` as a pill, of the kind `kind` (`bad`, `warn`; none when
/// empty).
fn pill(kind: &str, text: &str) -> TableCell<'static> {
    let space = if kind.is_empty() { "" } else { " " };
    TableCell::html(format!(
        "<span class=\"pill{space}{kind}\">{}</span>",
        esc(text)
    ))
}

fn stackup(ctx: &Ctx, out: &mut String) {
    out.push_str("<section id=\"stackup\"><h2>Stack-up</h2>\n");
    let sides = stackup_sides(ctx);
    if sides.is_empty() {
        if let Some(st) = &ctx.f.stackup {
            kv_table(st, &[], out);
        } else {
            not_computed("The stack-up", out);
        }
        out.push_str("</section>\n");
        return;
    }
    out.push_str(
        "<p class=\"note\">Cross-section at the closed position, drawn to scale vertically. Each probe \
         class is shown compressed to its working travel; the table under it gives its compression \
         as a share of full travel (allowed 60–80 %).</p>\n",
    );
    if let Some(st) = &ctx.f.stackup {
        let _ = writeln!(
            out,
            "<p>Press: <b>{}</b>; {}.</p>",
            st.process,
            if st.dual_level {
                "dual-level (staged) contact"
            } else {
                "single-stage contact"
            }
        );
    }
    for typed_side in sides {
        let (drawing, levels) = views::stackup_drawing(ctx.f, typed_side);
        let _ = writeln!(
            out,
            "<h3>{} side</h3><div class=\"two\"><div>",
            capitalise(typed_side.side.as_str())
        );
        out.push_str(&drawing);
        out.push_str("</div><div>\n");
        // The table lists every field of the side as written in fixture.json.
        kv_table(
            typed_side,
            &[
                "set_height_mm",
                "stage1_set_height_mm",
                "board_support_height_mm",
                "probe_plate_thickness_mm",
                "board_thickness_mm",
                "tallest_part",
                "tallest_part_height_mm",
                "part_clearance_mm",
                "total_height_mm",
            ],
            out,
        );
        if let Some(plate) = &typed_side.pressure_plate {
            let _ = writeln!(
                out,
                "<h3>{}</h3>",
                esc(&sub_heading("stackup", "pressure_plate"))
            );
            kv_table(
                plate,
                &[
                    "thickness_mm",
                    "push_finger_length_mm",
                    "tallest_part",
                    "tallest_part_height_mm",
                ],
                out,
            );
        }
        if !typed_side.relief_pockets.is_empty() {
            let _ = writeln!(
                out,
                "<h3>{}</h3>",
                esc(&sub_heading("stackup", "relief_pockets"))
            );
            object_table(&typed_side.relief_pockets, out);
        }
        out.push_str("</div></div>\n");
        out.push_str(&levels);
    }
    out.push_str("</section>\n");
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn force(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    out.push_str("<section id=\"force\"><h2>Force and board strain</h2>\n");
    let Some(force) = &f.force else {
        not_computed("Force and strain", out);
        out.push_str("</section>\n");
        return;
    };
    out.push_str("<div class=\"two\"><div>\n");
    let totals = force_totals(ctx);
    let mut table = HtmlTable::new(
        out,
        "narrow",
        &[
            ("Side", ""),
            ("probes", "num"),
            ("total force (N)", "num"),
            ("sum of probe forces (N)", "num"),
        ],
    );
    for (side, total) in &totals {
        let probes: Vec<&Probe> = f.probes.iter().filter(|p| p.side == *side).collect();
        let sum: Option<f64> = probes.iter().map(|p| p.force_n).sum();
        table.row(&[
            TableCell::text(side.as_str()),
            TableCell::text(probes.len()).class("num"),
            TableCell::text(fmt(*total, 2)).class("num"),
            TableCell::text(sum.map(|s| fmt(s, 2)).unwrap_or_else(|| "—".to_string())).class("num"),
        ]);
    }
    table.end();
    if let Some(strain) = board_strain(ctx) {
        let ok = !strain.exceeded;
        let _ = writeln!(
            out,
            "<p>Maximum board strain <b>{} µε</b> against a limit of {} µε: <span class=\"pill {}\">{}</span></p>",
            fmt(strain.max_ue, 0),
            fmt(strain.limit_ue, 0),
            if ok { "good" } else { "bad" },
            if ok {
                "within limit"
            } else {
                "exceeds the limit: add supports"
            }
        );
        let _ = writeln!(
            out,
            "<div class=\"bar\" style=\"max-width:360px;height:10px\"><span style=\"width:{}%;background:{}\"></span></div>",
            fmt(strain.fraction_of_limit() * 100.0, 1),
            if ok { "#1a7f37" } else { "#c0392b" }
        );
    }
    over_limit(force, out);
    out.push_str("</div><div>\n");
    kv_table(&ForceFigures(force), &[], out);
    let _ = writeln!(out, "<h3>{}</h3>", esc(&sub_heading("force", "model")));
    kv_table(&force.model, &[], out);
    if let Some(o) = &force.over_limit {
        let _ = writeln!(out, "<h3>{}</h3>", esc(&sub_heading("force", "over_limit")));
        kv_table(o, &[], out);
    }
    for (k, supports) in [
        ("suggested_supports", &force.suggested_supports),
        ("supports", &force.supports),
    ] {
        if supports.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h3>{}</h3>", esc(&sub_heading("force", k)));
        let folded = fold_open(supports.len(), &humanize(k).to_lowercase(), out);
        object_table(supports, out);
        fold_close(folded, out);
    }
    if views::Marks::of(ctx.f).supports.is_empty() {
        out.push_str("<p class=\"note\">No support posts or push fingers listed.</p>\n");
    } else {
        out.push_str(
            "<p class=\"note\">Supports are drawn as squares in the board views above.</p>\n",
        );
    }
    out.push_str("</div></div></section>\n");
}

/// When no support brings the strain under the limit: the probes to move and why, and
/// the sturdy parts a finger could press if their height were given (`force.over_limit`).
fn over_limit(force: &ForceSummary, out: &mut String) {
    let Some(o) = &force.over_limit else {
        return;
    };
    let escaped = |names: &[String]| -> Vec<String> { names.iter().map(|n| esc(n)).collect() };
    let probes = escaped(&o.probes_to_move);
    let near = o.nearest_support_mm;
    let at = if near < 3.0 {
        "The peak is under a push finger that carries these probes' load alone (no free spot next to it)".to_string()
    } else {
        format!("The peak lies {} mm from the nearest support", fmt(near, 1))
    };
    let _ = writeln!(
        out,
        "<p><b>No support pogo can place brings the strain under the limit.</b> {at}: move probe{} <b>{}</b> ({} N within {} mm of the peak) nearer a support or to the other side, or give them lighter springs.</p>",
        if probes.len() == 1 { "" } else { "s" },
        if probes.is_empty() {
            "(none nearby)".to_string()
        } else {
            probes.join(", ")
        },
        fmt(o.force_n, 1),
        fmt(o.radius_mm, 1),
    );
    let parts = escaped(&o.parts_without_height);
    if !parts.is_empty() {
        let _ = writeln!(
            out,
            "<p>Push fingers may press the bodies of connectors, sockets and shields of known height. The board does not give the height of <b>{}</b>: measure them and set <code>[mechanics.part_heights_mm]</code> in pogo.toml.</p>",
            parts.join(", ")
        );
    }
}

fn tolerance(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    out.push_str("<section id=\"tolerance\"><h2>Positional tolerance</h2>\n");
    let any_probe = f.probes.iter().any(|p| p.hit_probability.is_some());
    let tol = f.tolerance.as_ref();
    if tol.is_none() && !any_probe {
        not_computed("The positional tolerance analysis", out);
        out.push_str("</section>\n");
        return;
    }
    if let Some(y) = contact_yield(ctx) {
        let _ = writeln!(
            out,
            "<p>First-pass contact yield (all {} probes land fully on their pads on one insertion, \
             with the shared board shift and rotation): <b>{}</b></p>",
            f.probes.len(),
            fmt_prob(y)
        );
    }
    if let Some(t) = tol {
        kv_table(&ToleranceFigures(t), &[], out);
    }
    out.push_str("<h3>Weakest probes</h3>\n");
    weakest_probes(ctx, tol, out);
    out.push_str("<h3>Sensitivity: which tolerance to tighten</h3>\n");
    match tol.filter(|t| !t.sensitivity.is_empty()) {
        Some(t) => sensitivity_table(&t.sensitivity, out),
        None => not_computed("The sensitivity table", out),
    }
    if let Some(t) = tol {
        tolerance_stacks(t, out);
    }
    out.push_str("</section>\n");
}

/// The deterministic stacks, then the figures the analysis used (its Monte Carlo
/// check, the datum, the contributor figures).
fn tolerance_stacks(t: &ToleranceSummary, out: &mut String) {
    out.push_str("<h3>Deterministic stacks beside the probabilistic result</h3>\n");
    let mut table = HtmlTable::new(
        out,
        "narrow",
        &[
            ("Stack", ""),
            ("largest tip offset (mm)", "num"),
            ("at probe", ""),
            ("probes that would miss", "num"),
        ],
    );
    for (name, stack) in [
        ("Worst case (arithmetic)", &t.worst_case),
        ("RSS (3 σ)", &t.rss),
    ] {
        let [offset, probe, failing] = fields::stack_cells(stack);
        table.row(&[
            TableCell::text(name),
            TableCell::html(offset).class("num"),
            TableCell::html(probe).class("mono"),
            TableCell::html(failing).class("num"),
        ]);
    }
    table.end();
    out.push_str("<div class=\"two\">");
    let heading = |key: &str, out: &mut String| {
        let _ = writeln!(out, "<div><h3>{}</h3>", esc(&sub_heading("tolerance", key)));
    };
    if let Some(mc) = &t.contact_yield_mc {
        heading("contact_yield_mc", out);
        kv_table(mc, &[], out);
        out.push_str("</div>");
    }
    heading("datum", out);
    kv_table(&t.datum, &[], out);
    out.push_str("</div>");
    heading("model", out);
    kv_table(&t.model, &[], out);
    out.push_str("</div>");
    out.push_str("</div>\n");
}

fn weakest_probes(ctx: &Ctx, tol: Option<&ToleranceSummary>, out: &mut String) {
    let f = ctx.f;
    // The analysis's own list (with margins and dominant contributors) when present,
    // else the probes sorted by hit probability.
    let mut rows: Vec<(&Probe, Option<&WeakProbe>)> = tol
        .map(|t| t.weakest_probes.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|w| f.probes.iter().find(|p| p.id == w.id).map(|p| (p, Some(w))))
        .collect();
    if rows.is_empty() {
        let mut weak: Vec<&Probe> = f
            .probes
            .iter()
            .filter(|p| p.hit_probability.is_some())
            .collect();
        weak.sort_by(|a, b| {
            a.hit_probability
                .unwrap_or(1.0)
                .total_cmp(&b.hit_probability.unwrap_or(1.0))
                .then_with(|| natural_key(&a.id).cmp(&natural_key(&b.id)))
        });
        weak.truncate(10);
        rows = weak.into_iter().map(|p| (p, None)).collect();
    }
    if rows.is_empty() {
        not_computed("Per-probe hit probability", out);
        return;
    }
    // A figure the analysis could not give (not finite) shows as missing.
    let finite = |x: f64| Some(x).filter(|x| x.is_finite());
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Probe", ""),
            ("Net", ""),
            ("Side", ""),
            ("Target", ""),
            ("hit probability", "num"),
            ("margin (mm)", "num"),
            ("mean offset x, y (µm)", "num"),
            ("σ x, y (µm)", "num"),
            ("worst case / RSS (mm)", "num"),
            ("tip radius (mm)", "num"),
            ("dominant contributor", ""),
        ],
    );
    for (p, w) in rows {
        let hp = p
            .hit_probability
            .or_else(|| w.and_then(|w| finite(w.hit_probability)))
            .unwrap_or(f64::NAN);
        let off = p
            .tip_mean_offset_mm
            .map(|[dx, dy]| format!("{}, {}", fmt(dx * 1000.0, 0), fmt(dy * 1000.0, 0)))
            .unwrap_or_else(|| "—".to_string());
        let sd = p
            .tip_cov_mm2
            .map(|c| {
                format!(
                    "{}, {}",
                    fmt(c[0][0].max(0.0).sqrt() * 1000.0, 0),
                    fmt(c[1][1].max(0.0).sqrt() * 1000.0, 0)
                )
            })
            .unwrap_or_else(|| "—".to_string());
        let stack = match w.map(|w| (finite(w.worst_case_offset_mm), finite(w.rss_offset_mm))) {
            Some((Some(a), Some(b))) => format!("{} / {}", fmt(a, 3), fmt(b, 3)),
            _ => "—".to_string(),
        };
        let margin = w.and_then(|w| finite(w.margin_mm));
        table.row(&[
            TableCell::text(&p.id).class("mono"),
            TableCell::text(&p.net).class("mono"),
            TableCell::text(p.side.as_str()),
            TableCell::html(target_text(p)),
            TableCell::html(format!(
                "<span class=\"swatch\" style=\"background:{}\"></span>{}",
                views::probability_colour(hp),
                fmt_prob(hp)
            ))
            .class("num"),
            TableCell::text(margin.map(|m| fmt(m, 3)).unwrap_or_else(|| "—".to_string()))
                .class("num"),
            TableCell::text(off).class("num"),
            TableCell::text(sd).class("num"),
            TableCell::text(stack).class("num"),
            TableCell::text(
                p.tip_contact_radius_mm
                    .map(|r| fmt(r, 3))
                    .unwrap_or_else(|| "—".to_string()),
            )
            .class("num"),
            TableCell::text(
                w.map(|w| w.dominant_contributor.as_str().replace('_', " "))
                    .unwrap_or_default(),
            ),
        ]);
    }
    table.end();
}

/// The sensitivity rows, largest variance share first, with a bar per share.
fn sensitivity_table(rows: &[Sensitivity], out: &mut String) {
    // A share the analysis could not give counts as none.
    let share = |r: &Sensitivity| {
        Some(r.variance_share)
            .filter(|x| x.is_finite())
            .unwrap_or(0.0)
    };
    let mut rows: Vec<&Sensitivity> = rows.iter().collect();
    rows.sort_by(|a, b| share(b).total_cmp(&share(a)));
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Contributor", ""),
            ("Law", ""),
            ("Tolerance", ""),
            ("Share of variance", ""),
            ("largest tip offset (mm)", "num"),
            ("yield if halved", "num"),
            ("gain", "num"),
        ],
    );
    for r in rows {
        let share = share(r);
        let num = |x: f64, f: fn(f64) -> String| {
            Some(x)
                .filter(|x| x.is_finite())
                .map(f)
                .unwrap_or_else(|| "—".to_string())
        };
        table.row(&[
            TableCell::text(r.contributor.as_str().replace('_', " ")),
            TableCell::text(r.distribution.as_str()),
            TableCell::text(&r.tolerance).class("mono"),
            TableCell::html(format!(
                "<div style=\"display:flex;align-items:center;gap:6px\"><div class=\"bar\" style=\"width:120px;margin:0\"><span style=\"width:{}%;background:#1f5f99\"></span></div>{} %</div>",
                fmt(share.clamp(0.0, 1.0) * 100.0, 1),
                fmt(share * 100.0, 1),
            )),
            TableCell::text(num(r.max_offset_mm, |x| fmt(x, 4))).class("num"),
            TableCell::text(num(r.yield_if_halved, fmt_prob)).class("num"),
            TableCell::text(num(r.yield_gain, |x| {
                format!(
                    "{}{} pt",
                    if x >= 0.0 { "+" } else { "" },
                    fmt(x * 100.0, 3)
                )
            }))
            .class("num"),
        ]);
    }
    table.end();
}

fn target_text(p: &Probe) -> String {
    let t = &p.target;
    match t.kind {
        pogo_fixture::TargetKind::Via => format!("via {}", esc(t.shape.as_str())),
        pogo_fixture::TargetKind::Pad => format!(
            "{}{}{} <span class=\"muted\">{} {}×{}</span>",
            esc(&t.reference),
            if t.number.is_some() { "." } else { "" },
            esc(t.number.as_deref().unwrap_or("")),
            esc(t.shape.as_str()),
            fmt(t.w, 2),
            fmt(t.h, 2)
        ),
    }
}

/// The bill of materials: the rows of `bom.csv` (the same writer, so the report and
/// the file always agree), with long reference lists shortened.
fn bom(ctx: &Ctx, out: &mut String) {
    out.push_str("<section id=\"bom\"><h2>Bill of materials</h2>\n");
    let text = crate::bom::render(ctx.f);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(|r| r.ok()).collect();
    if rows.is_empty() {
        out.push_str("<p class=\"missing\">Nothing to buy: the fixture has no probes, pins or supports.</p></section>\n");
        return;
    }
    let cell = |r: &csv::StringRecord, name: &str| {
        col(name).and_then(|i| r.get(i)).unwrap_or("").to_string()
    };
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Item", "num"),
            ("Category", ""),
            ("Id", ""),
            ("Maker", ""),
            ("Part number", ""),
            ("Description", ""),
            ("Qty", "num"),
            ("References", ""),
        ],
    );
    for r in &rows {
        let refs = cell(r, "references");
        let shown = if refs.chars().count() > 90 {
            let cut: String = refs.chars().take(90).collect();
            let cut = cut
                .rfind(' ')
                .map_or(cut.as_str(), |i| &cut[..i])
                .to_string();
            format!(
                "{} <span class=\"muted\">… (hover for all)</span>",
                esc(&cut)
            )
        } else {
            esc(&refs)
        };
        table.row(&[
            TableCell::text(cell(r, "item")).class("num"),
            TableCell::text(capitalise(&cell(r, "category"))),
            TableCell::text(cell(r, "id")).class("mono"),
            TableCell::text(cell(r, "maker")),
            TableCell::text(cell(r, "part_number")).class("mono"),
            TableCell::text(cell(r, "description")),
            TableCell::text(cell(r, "quantity")).class("num"),
            TableCell::html(shown).class("mono").title(&refs),
        ]);
    }
    table.end();
    out.push_str("<p class=\"note\">The same rows as <span class=\"mono\">bom.csv</span>.</p>");
    probe_board_clashes(ctx, out);
    out.push_str("</section>\n");
}

/// The probe board's pads that cannot keep their clearance (KiCad's DRC would report
/// them): every pair, per side.
fn probe_board_clashes(ctx: &Ctx, out: &mut String) {
    for side in [Side::Bottom, Side::Top] {
        let clashes = crate::probe_board::clashes(ctx.f, side);
        if clashes.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<p style=\"border-left: 4px solid var(--bad); padding: 8px 12px\">The {} probe board ({}.kicad_pcb) has {} probe pair{} too close for their pads: KiCad's DRC reports a clearance error at each. Drill the probe plate for these probes, or move them apart.</p>",
            side.as_str(),
            esc(&crate::probe_board::file_stem(ctx.f, side)),
            clashes.len(),
            if clashes.len() == 1 { "" } else { "s" }
        );
        let folded = fold_open(clashes.len(), "probe pairs", out);
        let mut table = HtmlTable::new(
            out,
            "",
            &[
                ("Probes", ""),
                ("Apart (mm)", "num"),
                ("Pads need (mm)", "num"),
            ],
        );
        for c in &clashes {
            table.row(&[
                TableCell::text(format_args!("{} {}", c.probes[0], c.probes[1])).class("mono"),
                TableCell::text(format_args!("{:.2}", c.distance_mm)).class("num"),
                TableCell::text(format_args!("{:.2}", c.needed_mm)).class("num"),
            ]);
        }
        table.end();

        fold_close(folded, out);
    }
}

fn wiring(ctx: &Ctx, out: &mut String) {
    let f = ctx.f;
    out.push_str("<section id=\"wiring\"><h2>Wiring list</h2>\n");
    let assignment: BTreeMap<&str, &ChannelAssignment> = f
        .channels
        .iter()
        .flat_map(|c| &c.assignments)
        .map(|a| (a.probe.as_str(), a))
        .collect();
    if let Some(channels) = &f.channels {
        out.push_str("<div class=\"two\"><div>");
        kv_table(channels, &[], out);
        out.push_str("</div><div>");
        if !channels.connectors.is_empty() {
            object_table(&channels.connectors, out);
        }
        out.push_str("</div></div>\n");
    } else {
        out.push_str(
            "<p class=\"missing\">Interface channels not assigned for this fixture.</p>\n",
        );
    }
    if f.probes.is_empty() {
        out.push_str("<p class=\"note\">No probes.</p></section>\n");
        return;
    }
    let channel = |p: &Probe| -> Option<u64> {
        p.channel
            .or_else(|| assignment.get(p.id.as_str()).map(|a| a.channel))
            .map(u64::from)
    };
    let mut rows: Vec<&Probe> = f.probes.iter().collect();
    rows.sort_by(|a, b| {
        let (ca, cb) = (channel(a), channel(b));
        (ca.is_none(), ca, natural_key(&a.id)).cmp(&(cb.is_none(), cb, natural_key(&b.id)))
    });
    let folded = fold_open(rows.len(), "probes", out);
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Channel", "num"),
            ("Connector pin", ""),
            ("Probe", ""),
            ("Net", ""),
            ("Group", ""),
            ("Side", ""),
            ("x (mm)", "num"),
            ("y (mm)", "num"),
            ("Target", ""),
            ("Part", ""),
            ("Receptacle", ""),
            ("wire (mm)", "num"),
            ("travel", "num"),
            ("force (N)", "num"),
            ("hit prob.", "num"),
        ],
    );
    let or_dash = |x: Option<String>| x.unwrap_or_else(|| "—".to_string());
    for p in rows {
        let a = assignment.get(p.id.as_str());
        let pin = a.map(|a| format!("{}.{}", a.connector, fmt_auto(f64::from(a.pin))));
        let locked = if p.locked {
            " <span class=\"pill\">locked</span>"
        } else {
            ""
        };
        table.row(&[
            TableCell::text(or_dash(channel(p).map(|c| c.to_string()))).class("num"),
            TableCell::text(pin.unwrap_or_default()).class("mono"),
            TableCell::html(format!("{}{locked}", esc(&p.id))).class("mono"),
            TableCell::text(&p.net).class("mono"),
            TableCell::text(a.map(|a| a.group.as_str()).unwrap_or_default()),
            TableCell::text(p.side.as_str()),
            TableCell::text(fmt(p.x, 3)).class("num"),
            TableCell::text(fmt(p.y, 3)).class("num"),
            TableCell::html(target_text(p)),
            TableCell::text(&p.part).class("mono"),
            TableCell::text(p.receptacle.as_deref().unwrap_or("—")).class("mono"),
            TableCell::text(a.map(|a| fmt(a.wire_length_mm, 1)).unwrap_or_default()).class("num"),
            TableCell::text(or_dash(
                p.working_travel_fraction
                    .map(|t| format!("{} %", fmt(t * 100.0, 1))),
            ))
            .class("num"),
            TableCell::text(or_dash(p.force_n.map(|x| fmt(x, 2)))).class("num"),
            TableCell::text(or_dash(p.hit_probability.map(fmt_prob))).class("num"),
        ]);
    }
    table.end();
    fold_close(folded, out);
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn numbers_have_no_negative_zero() {
        assert_eq!(fmt(-0.0001, 2), "0.00");
        assert_eq!(fmt(-1.5, 1), "-1.5");
        assert_eq!(fmt(f64::NAN, 1), "—");
    }

    #[test]
    fn probabilities_keep_digits_near_one() {
        assert_eq!(fmt_prob(0.5), "50.0 %");
        assert_eq!(fmt_prob(0.99912), "99.912 %");
        assert_eq!(fmt_prob(0.9999999), "1 − 1.0e-7");
        assert_eq!(fmt_prob(1.0), "≈ 100 %");
    }

    #[test]
    fn keys_read_as_words_with_units() {
        assert_eq!(humanize("set_height_mm"), "Set height (mm)");
        assert_eq!(humanize("max_strain_ue"), "Max strain (µε)");
        assert_eq!(humanize("contributor"), "Contributor");
        assert_eq!(humanize("board_delta_t_k"), "Board ΔT (K)");
        assert_eq!(humanize("expected_misses"), "Expected misses");
        assert_eq!(humanize("plate_cte_ppm_per_k"), "Plate CTE (ppm/K)");
    }

    #[test]
    fn board_names_lose_extensions() {
        assert_eq!(board_name("../boards/video/video.kicad_pcb.xz"), "video");
        assert_eq!(board_name("a.d356"), "a");
    }

    #[test]
    fn natural_order_of_probe_ids() {
        let mut v = vec!["P10", "P2", "P1", "Q1"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(v, ["P1", "P2", "P10", "Q1"]);
    }
}
