//! The registration section of the report: tooling pins or a nest, why, and every edge
//! and registration rule of the kind of fixture with its value and why it applies.

use super::{Ctx, esc};
use pogo_text::{HtmlTable, TableCell};

use std::fmt::Write as _;

pub(super) fn section(ctx: &Ctx, out: &mut String) {
    let Some(r) = &ctx.f.registration else {
        return;
    };
    out.push_str("<section id=\"registration\"><h2>Registration and edge rules</h2>\n");
    let _ = writeln!(
        out,
        "<p><strong>{}</strong> ({} fixture): {}</p>",
        esc(match r.kind {
            pogo_fixture::RegistrationKind::Nest => "Nest",
            pogo_fixture::RegistrationKind::ToolingPins => "Tooling pins",
        }),
        esc(r.fixture_kind.as_str()),
        esc(&r.reason)
    );
    if let Some(n) = &r.nest {
        let _ = writeln!(
            out,
            "<p>Nest plate {:.1} mm thick on the {} probe plate: pocket = board outline offset by {:.2} mm, {:.2} mm deep, {:.2} mm lead-in chamfer, {:.1} mm ledge; {} probe clearance hole(s), {} relief(s), finger notch at ({:.1}, {:.1}) mm. Files: nest.dxf, nest.svg, nest.stl, nest.scad.</p>",
            n.thickness_mm,
            esc(n.side.as_str()),
            r.clearance_mm,
            n.pocket_depth_mm,
            n.lead_in_chamfer_mm,
            n.ledge_width_mm,
            n.probe_holes.len(),
            n.reliefs.len(),
            n.finger_notch[0],
            n.finger_notch[1]
        );
    }
    let mut table = HtmlTable::new(out, "", &[("Rule", ""), ("Value (mm)", "num"), ("Why", "")]);
    for rule in &r.rules {
        table.row(&[
            TableCell::text(rule.rule.as_str()).class("mono"),
            TableCell::text(format_args!("{:.2}", rule.value_mm)).class("num"),
            TableCell::text(&rule.why),
        ]);
    }
    table.end();
    out.push_str("</section>\n");
}
