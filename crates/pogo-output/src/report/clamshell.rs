//! The clamshell section of the report (`mechanism = "clamshell"`): the assembled and
//! exploded views, the hinge rule per side, the interference check of the closed
//! assembly, the hardware list, the numbered assembly steps and a dimensioned drawing
//! of each sheet part.

use super::{Ctx, esc};
use crate::frame;
use pogo_fixture::{HingeStatus, Making};
use pogo_text::{HtmlTable, TableCell};

use std::fmt::Write as _;

fn status(s: HingeStatus) -> &'static str {
    match s {
        HingeStatus::Met => "<span class=\"pill good\">met</span>",
        HingeStatus::Refused => "<span class=\"pill bad\">refused</span>",
    }
}

pub(super) fn section(ctx: &Ctx, out: &mut String) {
    let Some(c) = &ctx.f.clamshell else {
        return;
    };
    out.push_str("<section id=\"clamshell\"><h2>Clamshell fixture</h2>\n");
    let _ = writeln!(
        out,
        "<p>{} parts ({} mm sheet, DXF paths compensated for a {} mm kerf); files frame-*.dxf, frame-*.stl, frame-*.svg, clamshell.scad, hardware.csv.</p>",
        c.parts.len(),
        c.sheet_thickness_mm,
        c.kerf_mm
    );
    out.push_str("<div class=\"views\">");
    for (view, caption) in [
        (frame::View::Assembled, "Assembled, closed".to_string()),
        (frame::View::Exploded, "Exploded".to_string()),
        (
            frame::View::Open,
            format!(
                "Open ({} deg): the swing path",
                c.swing.as_ref().map_or(0.0, |s| s.open_deg)
            ),
        ),
    ] {
        let _ = write!(
            out,
            "<figure class=\"clamshell\">{}<figcaption>{caption}</figcaption></figure>",
            frame::view_svg(ctx.f, c, view, false)
        );
    }
    let _ = write!(
        out,
        "<figure class=\"clamshell\">{}<figcaption>Open, seen from the side: hinge axis height, opening angle, hinge to the nearest and farthest probe (mm)</figcaption></figure>",
        frame::side_view_svg(ctx.f, c, false)
    );
    out.push_str("</div>\n");
    // Hinge rule.
    let h = &c.hinge;
    let _ = writeln!(
        out,
        "<h3>Hinge</h3><p>Hinge rule (every probe within {} deg of vertical): {}. {}</p>",
        h.max_angle_deg,
        status(h.status),
        esc(&h.reason)
    );
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Side", ""),
            ("Rule", ""),
            ("Worst probe", ""),
            ("Angle (deg)", "num"),
            ("Probes", "num"),
        ],
    );
    for s in &h.sides {
        table.row(&[
            TableCell::text(s.side.as_str()),
            TableCell::html(status(s.status)),
            TableCell::text(&s.worst_probe).class("mono"),
            TableCell::text(format_args!("{:.3}", s.worst_angle_deg)).class("num"),
            TableCell::text(s.probes.len()).class("num"),
        ]);
    }
    table.end();
    // Interference.
    out.push_str("<h3>Interference of the closed assembly</h3>\n");
    if c.interference.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"ok-box\">None: {} board parts checked against every fixture part with {} mm clearance; no push finger on a pad or on a part that cannot take it.</p>",
            c.parts_checked, c.clearance_mm
        );
    } else {
        let mut table = HtmlTable::new(
            out,
            "",
            &[
                ("Rule", ""),
                ("Fixture part", ""),
                ("Board", ""),
                ("Finding", ""),
            ],
        );
        for i in &c.interference {
            table.row(&[
                TableCell::text(i.rule.as_str()).class("mono"),
                TableCell::text(&i.fixture_part),
                TableCell::text(&i.board_part).class("mono"),
                TableCell::text(&i.message),
            ]);
        }
        table.end();
    }
    // Swing path.
    if let Some(sw) = &c.swing {
        let _ = writeln!(
            out,
            "<h3>Swing path</h3><p>The head swung open about the hinge to {} deg in {} deg steps: head top and sides, upper plate and push fingers against every board part at its height and the frame.</p>",
            sw.open_deg, sw.step_deg
        );
        if sw.findings.is_empty() {
            out.push_str("<p class=\"ok-box\">Clear: nothing meets the head along its arc.</p>\n");
        } else {
            let mut table = HtmlTable::new(
                out,
                "",
                &[("Head part", ""), ("Meets", ""), ("Finding", "")],
            );
            for i in &sw.findings {
                table.row(&[
                    TableCell::text(&i.fixture_part),
                    TableCell::text(&i.board_part).class("mono"),
                    TableCell::text(&i.message),
                ]);
            }
            table.end();
        }
    }
    // Hardware.
    out.push_str("<h3>Hardware</h3>");
    let mut table = HtmlTable::new(
        out,
        "",
        &[
            ("Item", ""),
            ("Size", ""),
            ("Description", ""),
            ("Qty", "num"),
            ("For", ""),
        ],
    );
    for i in &c.hardware {
        table.row(&[
            TableCell::text(i.kind.as_str()),
            TableCell::text(&i.size).class("mono"),
            TableCell::text(&i.description),
            TableCell::text(i.quantity).class("num"),
            TableCell::text(i.used_for.as_str()),
        ]);
    }
    table.end();
    out.push_str("<h3>Assembly</h3><ol class=\"steps\">\n");
    for (k, step) in c.assembly.iter().enumerate() {
        let adds = c.assembly_parts.get(k).is_some_and(|p| !p.is_empty());
        if adds {
            let _ = writeln!(
                out,
                "<li>{}<figure class=\"step\" style=\"max-width: 420px\">{}</figure></li>",
                esc(step),
                frame::view_svg(ctx.f, c, frame::View::Step(k), false)
            );
        } else {
            let _ = writeln!(out, "<li>{}</li>", esc(step));
        }
    }
    out.push_str("</ol>\n<h3>Part drawings</h3>\n<div class=\"views\">");
    for part in c.parts.iter().filter(|p| p.making == Making::Laser) {
        let _ = writeln!(
            out,
            "<figure class=\"drawing\">{}<figcaption>frame-{}.dxf: {} mm sheet, {} cut</figcaption></figure>",
            frame::drawing_svg(c, part, false),
            esc(&part.name),
            part.thickness_mm,
            part.placements.len()
        );
    }
    out.push_str("</div>\n</section>\n");
}
