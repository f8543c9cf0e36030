//! SVG drawing of a probe plate, in page millimetres (x right, y down, as KiCad shows
//! the board from its top), one user unit = 1 mm.
//!
//! Groups: `cut` (the cutting paths: plate outline with cut-outs, then the holes by
//! kind, kerf-compensated like the DXF), `pockets` (blind relief pockets, milled, not
//! cut), `board` (the board outline for reference,
//! dashed, not cut) and `labels` (probe, pin and hole names, not cut).

use crate::dxf::cut_paths;
use crate::plate::{HoleKind, Plate};
use crate::{OutputOptions, num};
use pogo_fixture::Fixture;
use pogo_geom::PointMm;
use std::fmt::Write as _;

pub(crate) use pogo_text::html_escape as esc;

pub(crate) fn ring_path(d: &mut String, ring: &[PointMm]) {
    for (i, p) in ring.iter().enumerate() {
        let _ = write!(
            d,
            "{}{},{} ",
            if i == 0 { "M" } else { "L" },
            num(p.x, 4),
            num(p.y, 4)
        );
    }
    d.push_str("Z ");
}

/// The XML declaration and the `<svg>` start tag of a drawing in millimetres whose
/// view box starts at (`x`, `y`) and is `w` x `h`.
pub(crate) fn svg_open(s: &mut String, x: f64, y: f64, w: f64, h: f64) {
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}mm" height="{}mm" viewBox="{} {} {} {}">"#,
        num(w, 3),
        num(h, 3),
        num(x, 3),
        num(y, 3),
        num(w, 3),
        num(h, 3)
    );
}

/// Renders the SVG drawing of one plate.
pub fn render(fixture: &Fixture, plate: &Plate, opts: &OutputOptions) -> String {
    let paths = cut_paths(plate, opts.kerf_mm);
    let pad = 2.0 + opts.kerf_mm;
    let [l, t, r, b] = plate.bbox;
    let (w, h) = (r - l + 2.0 * pad, b - t + 2.0 * pad);
    let mut s = String::new();
    svg_open(&mut s, l - pad, t - pad, w, h);
    let _ = writeln!(
        s,
        "<title>{}</title>",
        esc(&format!(
            "pogo probe plate, {} side, {}",
            plate.side.as_str(),
            fixture.board.file
        ))
    );
    let mut desc = format!(
        "page mm (x right, y down, board seen from its top); plate thickness {} mm; kerf {} mm{}",
        num(plate.thickness_mm, 3),
        num(opts.kerf_mm, 4),
        if opts.kerf_mm > 0.0 {
            " compensated: cut paths are the beam centre line"
        } else {
            ": nominal geometry"
        }
    );
    for note in plate.notes.iter().chain(&paths.notes) {
        desc.push_str("; ");
        desc.push_str(note);
    }
    let _ = writeln!(s, "<desc>{}</desc>", esc(&desc));
    s.push_str("<g id=\"cut\" fill=\"none\" stroke=\"#000\" stroke-width=\"0.1\">\n");
    let mut d = String::new();
    ring_path(&mut d, &paths.outline);
    for c in &paths.cutouts {
        ring_path(&mut d, c);
    }
    let _ = writeln!(
        s,
        "<path id=\"plate\" fill=\"#d9d2c3\" fill-rule=\"evenodd\" d=\"{}\"/>",
        d.trim_end()
    );
    for (group, kind_name, colour) in [
        ("probe-holes", "probe", "#1f5fbf"),
        ("tooling-holes", "tooling", "#1a8f3a"),
        ("mounting-holes", "mounting", "#8f1a7a"),
    ] {
        let _ = writeln!(s, "<g id=\"{group}\" fill=\"#fff\" stroke=\"{colour}\">");
        for (x, y, r, kind, label) in paths.holes.iter().filter(|h| h.3.name() == kind_name) {
            let extra = match kind {
                HoleKind::Probe { receptacle } => {
                    format!(" data-receptacle=\"{}\"", esc(receptacle))
                }
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "<circle id=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\"{extra}/>",
                esc(label),
                num(*x, 4),
                num(*y, 4),
                num(*r, 4)
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");
    s.push_str("<g id=\"pockets\" fill=\"#b8ad96\" stroke=\"#6b5d40\" stroke-width=\"0.1\">\n");
    for pocket in &plate.pockets {
        let mut d = String::new();
        ring_path(&mut d, &pocket.ring);
        let _ = writeln!(
            s,
            "<path d=\"{}\"><title>{}</title></path>",
            d.trim_end(),
            esc(&format!(
                "{}, {} mm deep",
                pocket.reason,
                num(pocket.depth_mm, 3)
            ))
        );
    }
    s.push_str("</g>\n");
    s.push_str(
        "<g id=\"board\" fill=\"none\" stroke=\"#b06000\" stroke-width=\"0.15\" stroke-dasharray=\"1 0.6\">\n",
    );
    for poly in &fixture.board.outline {
        let mut d = String::new();
        ring_path(&mut d, &poly.outer);
        for hole in &poly.holes {
            ring_path(&mut d, hole);
        }
        let _ = writeln!(s, "<path d=\"{}\"/>", d.trim_end());
    }
    s.push_str("</g>\n");
    s.push_str("<g id=\"labels\" font-family=\"sans-serif\" font-size=\"0.8\" fill=\"#333\" text-anchor=\"middle\">\n");
    for hole in &plate.holes {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            num(hole.x, 4),
            num(hole.y - hole.diameter_mm / 2.0 - 0.3, 4),
            esc(&hole.label)
        );
    }
    s.push_str("</g>\n</svg>\n");
    s
}
