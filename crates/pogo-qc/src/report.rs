//! Self-contained HTML pages with inline SVG charts (no scripts, no external files).

use crate::fmt_fixed;
use crate::inspection::InspectionPlan;
use crate::measurements::{Evaluation, Kind, Verdict};
use crate::render;
use crate::spc::SpcResult;
use std::fmt::Write;

pub use pogo_text::html_escape;
use pogo_text::{HtmlTable, TableCell};

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}\
th{background:#eee}.pass{color:#176f2c}.marginal{color:#a86400}.fail{color:#b00020;font-weight:bold}\
ul.check{list-style:none;padding-left:1em}.note{color:#555}svg{display:block;margin:1em 0}\
@media print{body{margin:0}}";

/// A whole page around a body.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        html_escape(title)
    )
}

/// A horizontal reference line of a chart.
pub struct RefLine<'a> {
    /// Where the line is, in the chart's unit.
    pub value: f64,
    /// Its label at the right end.
    pub label: &'a str,
    /// Dashed (a limit) rather than solid (a centre line).
    pub dashed: bool,
}

const W: f64 = 760.0;
const H: f64 = 260.0;
const ML: f64 = 70.0;
const MR: f64 = 110.0;
const MT: f64 = 30.0;
const MB: f64 = 35.0;

fn y_range(values: &[f64], refs: &[RefLine]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values
        .iter()
        .copied()
        .chain(refs.iter().map(|r| r.value))
        .filter(|v| v.is_finite())
    {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let pad = lo.abs().max(1.0) * 0.05;
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.08;
    (lo - pad, hi + pad)
}

/// Opens a chart: the `<svg>` element, its title, the plot frame and five y-axis labels
/// from `lo` to `hi` placed by `y` (followed by ` unit` when `unit` is not empty).
fn chart_frame(
    title: &str,
    lo: f64,
    hi: f64,
    y: &dyn Fn(f64) -> f64,
    decimals: usize,
    unit: &str,
) -> String {
    let pw = W - ML - MR;
    let ph = H - MT - MB;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        html_escape(title)
    );
    let _ = writeln!(
        s,
        "<text x=\"{ML}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        html_escape(title)
    );
    let _ = writeln!(
        s,
        "<rect x=\"{ML}\" y=\"{MT}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#999\"/>"
    );
    let suffix = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{}{suffix}</text>",
            ML - 4.0,
            y(v) + 3.0,
            fmt_fixed(v, decimals)
        );
    }
    s
}

/// A run chart: points joined by a line, reference lines, flagged points in red.
pub fn line_chart(
    title: &str,
    points: &[f64],
    refs: &[RefLine],
    flagged: &[usize],
    decimals: usize,
) -> String {
    let (lo, hi) = y_range(points, refs);
    let pw = W - ML - MR;
    let ph = H - MT - MB;
    let n = points.len().max(2);
    let x = |i: usize| ML + pw * i as f64 / (n - 1) as f64;
    let y = |v: f64| MT + ph * (1.0 - (v - lo) / (hi - lo));
    let mut s = chart_frame(title, lo, hi, &y, decimals, "");
    for r in refs {
        if !r.value.is_finite() {
            continue;
        }
        let dash = if r.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "<line x1=\"{ML}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#555\"{dash}/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{} {}</text>",
            ML + pw,
            ML + pw + 4.0,
            y(r.value) + 3.0,
            html_escape(r.label),
            fmt_fixed(r.value, decimals),
            yy = y(r.value)
        );
    }
    if !points.is_empty() {
        let path: Vec<String> = points
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.2\"/>",
            path.join(" ")
        );
        for (i, v) in points.iter().enumerate().filter(|(_, v)| v.is_finite()) {
            let bad = flagged.contains(&i);
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{}\" fill=\"{}\"><title>point {i}: {}</title></circle>",
                x(i),
                y(*v),
                if bad { 4 } else { 2.5 as i32 },
                if bad { "#b00020" } else { "#1f5fa8" },
                fmt_fixed(*v, decimals)
            );
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">point (from 0)</text>",
        ML + pw / 2.0,
        H - 8.0
    );
    s.push_str("</svg>\n");
    s
}

/// A bar chart of one value per label with an optional limit per bar.
pub fn bar_chart(
    title: &str,
    bars: &[(String, f64, Option<f64>, Verdict)],
    unit: &str,
    decimals: usize,
) -> String {
    let values: Vec<f64> = bars
        .iter()
        .map(|b| b.1)
        .chain(bars.iter().filter_map(|b| b.2))
        .chain([0.0])
        .collect();
    let (_, hi) = y_range(&values, &[]);
    let lo = 0.0f64.min(values.iter().copied().fold(f64::INFINITY, f64::min));
    let pw = W - ML - MR;
    let ph = H - MT - MB;
    let n = bars.len().max(1);
    let bw = pw / n as f64;
    let y = |v: f64| MT + ph * (1.0 - (v - lo) / (hi - lo).max(1e-12));
    let mut s = chart_frame(title, lo, hi, &y, decimals, unit);
    for (i, (label, v, limit, verdict)) in bars.iter().enumerate() {
        let x0 = ML + bw * i as f64 + bw * 0.15;
        let color = match verdict {
            Verdict::Pass => "#4c8c4a",
            Verdict::Marginal => "#d08a00",
            Verdict::Fail => "#b00020",
        };
        let top = y(v.max(lo));
        let _ = writeln!(
            s,
            "<rect x=\"{x0:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{}: {} {unit}</title></rect>",
            bw * 0.7,
            (y(lo.max(0.0)) - top).max(0.5),
            html_escape(label),
            fmt_fixed(*v, decimals)
        );
        if let Some(l) = limit {
            let _ = writeln!(
                s,
                "<line x1=\"{:.1}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#000\" stroke-width=\"2\"/>",
                x0 - bw * 0.1,
                x0 + bw * 0.8,
                yy = y(*l)
            );
        }
        if n <= 60 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                x0 + bw * 0.35,
                H - MB + 12.0,
                html_escape(label)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| fmt_fixed(x, 3)).unwrap_or_else(|| "-".into())
}

/// The SPC page: both charts and the numbers.
pub fn spc_html(title: &str, r: &SpcResult) -> String {
    let (loc, disp) = r.chart.title();
    let d = if r.center.abs() >= 100.0 { 2 } else { 4 };
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{}</h1>", html_escape(title));
    let _ = writeln!(
        b,
        "<p>{} values, {} subgroups of {} ({loc}/{disp} chart); run rules: {}.</p>",
        r.values,
        r.subgroups,
        r.subgroup_size,
        match r.rules {
            crate::spc::RuleSet::WesternElectric => "Western Electric",
            crate::spc::RuleSet::Nelson => "Nelson",
        }
    );
    let flagged: Vec<usize> = r.violations.iter().map(|v| v.point).collect();
    b.push_str(&line_chart(
        &format!("{loc} chart"),
        &r.points,
        &[
            RefLine {
                value: r.ucl,
                label: "UCL",
                dashed: true,
            },
            RefLine {
                value: r.center,
                label: "CL",
                dashed: false,
            },
            RefLine {
                value: r.lcl,
                label: "LCL",
                dashed: true,
            },
        ],
        &flagged,
        d,
    ));
    let dflag: Vec<usize> = r.dispersion_violations.iter().map(|v| v.point).collect();
    b.push_str(&line_chart(
        &format!("{disp} chart"),
        &r.dispersion_points,
        &[
            RefLine {
                value: r.dispersion.ucl,
                label: "UCL",
                dashed: true,
            },
            RefLine {
                value: r.dispersion.center,
                label: "CL",
                dashed: false,
            },
            RefLine {
                value: r.dispersion.lcl,
                label: "LCL",
                dashed: true,
            },
        ],
        &dflag,
        d,
    ));
    let mut table = HtmlTable::new(&mut b, "", &[]);
    for (k, v) in [
        ("center", fmt_fixed(r.center, 6)),
        ("UCL", fmt_fixed(r.ucl, 6)),
        ("LCL", fmt_fixed(r.lcl, 6)),
        (&format!("{disp} center"), fmt_fixed(r.dispersion.center, 6)),
        (&format!("{disp} UCL"), fmt_fixed(r.dispersion.ucl, 6)),
        (&format!("{disp} LCL"), fmt_fixed(r.dispersion.lcl, 6)),
        ("sigma within", fmt_fixed(r.sigma_within, 6)),
        ("sigma overall", fmt_fixed(r.sigma_overall, 6)),
        ("LSL", opt(r.lsl)),
        ("USL", opt(r.usl)),
        ("Cp", opt(r.cp)),
        ("Cpk", opt(r.cpk)),
        ("Pp", opt(r.pp)),
        ("Ppk", opt(r.ppk)),
    ] {
        table.key_row(k, TableCell::text(v));
    }
    table.end();
    if r.violations.is_empty() && r.dispersion_violations.is_empty() {
        let _ = writeln!(b, "<p class=\"pass\">No rule violations.</p>");
    } else {
        b.push_str("<h2>Violations</h2>");
        let mut table = HtmlTable::new(
            &mut b,
            "",
            &[("Chart", ""), ("Rule", ""), ("Point", ""), ("Pattern", "")],
        );
        for (chart, v) in r
            .violations
            .iter()
            .map(|v| (loc, v))
            .chain(r.dispersion_violations.iter().map(|v| (disp, v)))
        {
            table.row_of_class(
                "fail",
                &[
                    TableCell::text(chart),
                    TableCell::text(v.rule),
                    TableCell::text(v.point),
                    TableCell::text(v.description),
                ],
            );
        }
        table.end();
    }
    page(title, &b)
}

/// The evaluation page: verdicts, set checks and charts.
pub fn evaluation_html(title: &str, e: &Evaluation) -> String {
    let mut b = String::new();
    let s = &e.summary;
    let _ = writeln!(b, "<h1>{}</h1>", html_escape(title));
    let _ = writeln!(
        b,
        "<p class=\"{}\">Overall: {} &mdash; {} pins: {} pass, {} marginal, {} fail.</p>",
        s.verdict.name(),
        s.verdict.name().to_uppercase(),
        s.pins,
        s.pass,
        s.marginal,
        s.fail
    );
    if !e.bad_rows.is_empty() {
        let _ = writeln!(
            b,
            "<h2>Rows not judged</h2>\n<p class=\"fail\">{} row(s) of the sheet could not be read; they were not judged.</p>",
            e.bad_rows.len()
        );
        let mut table =
            HtmlTable::without_sections(&mut b, &[("line", ""), ("column", ""), ("why", "")]);
        for r in &e.bad_rows {
            table.row(&[
                TableCell::text(r.line),
                TableCell::text(r.column.as_deref().unwrap_or("")),
                TableCell::text(&r.message),
            ]);
        }
        table.end();
    }
    if !e.resistance_series.is_empty() {
        let bars: Vec<(String, f64, Option<f64>, Verdict)> = e
            .resistance_series
            .iter()
            .map(|(pin, series)| {
                let last = series.last().map(|p| p.1).unwrap_or(0.0);
                let verdict = e
                    .pins
                    .iter()
                    .find(|p| &p.pin == pin)
                    .map(|p| p.verdict)
                    .unwrap_or(Verdict::Pass);
                (
                    pin.clone(),
                    last,
                    e.resistance_limits.get(pin).copied(),
                    verdict,
                )
            })
            .collect();
        let mut bars = bars;
        bars.sort_by_key(|b| pogo_text::natural_key(&b.0));
        b.push_str(&bar_chart(
            "Contact resistance (last reading) and limit",
            &bars,
            "mOhm",
            1,
        ));
    }
    // Tip heights as deviations from their plate's median, with the +/- limits.
    let mut devs = Vec::new();
    let mut flagged = Vec::new();
    let mut half = None;
    let mut labels = Vec::new();
    for p in &e.pins {
        let height = p.checks.iter().find(|c| c.kind == Kind::Height);
        if let Some((c, lo, hi)) = height.and_then(|c| Some((c, c.min?, c.max?))) {
            if c.verdict != Verdict::Pass {
                flagged.push(devs.len());
            }
            devs.push(c.value - (lo + hi) / 2.0);
            half = Some((hi - lo) / 2.0);
            labels.push(p.pin.clone());
        }
    }
    if let Some(h) = half {
        b.push_str(&line_chart(
            &format!(
                "Tip height minus plate median, mm (points: {})",
                labels.join(", ")
            ),
            &devs,
            &[
                RefLine {
                    value: h,
                    label: "+limit",
                    dashed: true,
                },
                RefLine {
                    value: 0.0,
                    label: "median",
                    dashed: false,
                },
                RefLine {
                    value: -h,
                    label: "-limit",
                    dashed: true,
                },
            ],
            &flagged,
            3,
        ));
    }
    b.push_str("<h2>Pins</h2>");
    let mut table = HtmlTable::new(
        &mut b,
        "",
        &[
            ("Pin", ""),
            ("Part", ""),
            ("Plate", ""),
            ("Verdict", ""),
            ("Reasons", ""),
            ("Actions", ""),
        ],
    );
    for p in &e.pins {
        let reasons: Vec<String> = p.reasons.iter().map(|r| html_escape(r)).collect();
        let actions: Vec<&str> = p.actions.iter().map(|a| a.name()).collect();
        table.row(&[
            TableCell::text(&p.pin),
            TableCell::text(p.part.as_deref().unwrap_or("-")),
            TableCell::text(&p.plate),
            verdict_cell(p.verdict),
            TableCell::html(reasons.join("<br>")),
            TableCell::text(actions.join(", ")),
        ]);
    }
    table.end();
    if !e.set_checks.is_empty() {
        b.push_str("<h2>Set checks</h2>");
        let mut table = HtmlTable::new(
            &mut b,
            "",
            &[
                ("Check", ""),
                ("Plate", ""),
                ("Verdict", ""),
                ("Result", ""),
                ("Pins", ""),
            ],
        );
        for c in &e.set_checks {
            table.row(&[
                TableCell::text(c.check.name()),
                TableCell::text(&c.plate),
                verdict_cell(c.verdict),
                TableCell::text(&c.message),
                TableCell::text(c.pins.join(", ")),
            ]);
        }
        table.end();
    }
    if !e.not_measured.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"note\">Not measured: {}</p>",
            html_escape(&e.not_measured.join(", "))
        );
    }
    for n in &e.notes {
        let _ = writeln!(b, "<p class=\"note\">Note: {}</p>", html_escape(n));
    }
    page(title, &b)
}

/// A table cell of a verdict, its name in the class of that name (coloured by the page).
fn verdict_cell(verdict: Verdict) -> TableCell<'static> {
    TableCell::text(verdict.name()).class(verdict.name())
}

/// Printable HTML checklist (self-contained).
pub fn inspection_html(plan: &InspectionPlan) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<h1>Inspection plan: {}</h1>",
        html_escape(&plan.board)
    );
    let _ = writeln!(body, "<p>{} probes.</p>", plan.probes);
    for st in &plan.steps {
        let _ = writeln!(
            body,
            "<h2>{}. {}</h2><ul class=\"check\">",
            st.number,
            html_escape(&st.title)
        );
        for i in &st.instructions {
            let _ = writeln!(body, "<li>&#9744; {}</li>", html_escape(i));
        }
        let _ = writeln!(body, "</ul>");
    }
    let _ = writeln!(body, "<h2>Expected values per pin</h2><table><thead><tr>");
    for h in [
        "Pin",
        "Net",
        "Side",
        "Part",
        "Receptacle",
        "Seating depth mm",
        "Set height mm",
        "Free tip height mm",
        "Compression mm",
        "R max mOhm",
        "Force N",
        "Measured",
        "OK",
    ] {
        let _ = write!(body, "<th>{h}</th>");
    }
    let _ = writeln!(body, "</tr></thead><tbody>");
    for p in &plan.pins {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td></td><td>&#9744;</td></tr>",
            html_escape(&p.pin),
            html_escape(&p.net),
            p.side,
            html_escape(&p.part),
            html_escape(p.receptacle.as_deref().unwrap_or("-")),
            render::opt(p.seating_depth_mm, 3),
            render::opt(p.set_height_mm, 3),
            render::opt(p.free_tip_height_mm, 3),
            render::range(p.compression_min_mm, p.compression_max_mm, 3),
            fmt_fixed(p.max_contact_resistance_mohm, 1),
            render::range(p.force_min_n, p.force_max_n, 3),
        );
    }
    let _ = writeln!(body, "</tbody></table>");
    for n in &plan.notes {
        let _ = writeln!(body, "<p class=\"note\">Note: {}</p>", html_escape(n));
    }
    page(&format!("Inspection plan: {}", plan.board), &body)
}
