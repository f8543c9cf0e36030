//! The board facts a fixture carries so it stands alone: [`board_summary`], the
//! kind of body of each part ([`part_body`]), and the checks the board file gives too
//! little to make ([`unchecked`]).

use crate::phases::nm;
use pogo_board::{Board, PadKind, SourceFormat};
use pogo_fixture::{BoardHole, BoardSummary, PartBody, PartOutline, Unchecked, UncheckedRule};

/// The checks the board file gives too little to make: without a closed outline, the
/// edge clearance; without footprints (an IPC-D-356 netlist), the courtyard and tall
/// part clearances and which pads are test points, and the tooling holes when it
/// names no non-plated hole. Empty for a board file that carries all of them.
pub fn unchecked(board: &Board) -> Vec<Unchecked> {
    let closed_outline = board
        .outline
        .as_ref()
        .is_some_and(|o| !o.polygons.is_empty());
    let no_parts = !board.footprints_known;
    let no_holes = !board.pads.iter().any(|p| p.kind == PadKind::NpThruHole);
    [
        (!closed_outline, UncheckedRule::OutlineClearance),
        (no_parts, UncheckedRule::CourtyardClearance),
        (no_parts, UncheckedRule::TallPartClearance),
        (no_parts, UncheckedRule::TestPointParts),
        (no_parts && no_holes, UncheckedRule::ToolingHoles),
    ]
    .into_iter()
    .filter(|(missing, _)| *missing)
    .map(|(_, rule)| rule.into())
    .collect()
}

/// What kind of body a footprint has, from its library id, value and reference: small
/// passives (R, C, L, D, FB prefixes or `Resistor`/`Capacitor`/`Inductor`/`Diode`
/// libraries), sockets (`socket`, `simm`, `dimm`, `zif`, or a through-hole PLCC), shields
/// (`shield`), connectors (`connector`, `header`, `dsub`, `usb`, `rj45`, or a J/CN/P
/// reference); card-edge fingers, test points and anything else are `Other` (no finger
/// presses it).
pub fn part_body(board: &Board, f: &pogo_board::Footprint) -> PartBody {
    let lib = f.lib_id.to_ascii_lowercase();
    let value = f.value.to_ascii_lowercase();
    let prefix: String = f
        .reference
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    let has = |words: &[&str]| words.iter().any(|w| lib.contains(w) || value.contains(w));
    let through_hole = board.pads[f.pads.clone()]
        .iter()
        .any(|p| p.kind == PadKind::ThruHole);
    if has(&["edge", "buspci", "testpoint", "test_point"]) {
        // The board's own card-edge fingers or a test point: copper, not a body.
        PartBody::Other
    } else if has(&["resistor", "capacitor", "inductor", "diode", "ferrite"])
        || ["R", "C", "L", "D", "FB", "RN"].contains(&prefix.as_str())
    {
        PartBody::Passive
    } else if has(&["shield"]) {
        PartBody::Shield
    } else if has(&["socket", "simm", "sim72", "dimm", "zif"])
        || (lib.contains("plcc") && through_hole)
    {
        PartBody::Socket
    } else if has(&[
        "connector",
        "pinheader",
        "pin_header",
        "dsub",
        "usb",
        "rj45",
        "idc",
    ]) || ["J", "CN", "P"].contains(&prefix.as_str())
    {
        PartBody::Connector
    } else {
        PartBody::Other
    }
}

/// The board facts `fixture.json` carries so it stands alone. `sha256` is left empty:
/// the caller, who has the file's bytes, fills it.
pub fn board_summary(board: &Board) -> BoardSummary {
    let format = match &board.format {
        SourceFormat::KicadPcb { version, .. } => format!("kicad_pcb {version}"),
        SourceFormat::Ipc356 { units } => format!("ipc-d-356 {units}"),
        SourceFormat::Ipc2581 { revision, units } => format!("ipc-2581 {revision} {units}"),
        SourceFormat::OdbPlusPlus { units } => format!("odb++ {units}"),
    };
    let mut bbox = board.outline.as_ref().map(|o| o.bbox).unwrap_or_default();
    if bbox.is_empty() {
        for p in &board.pads {
            bbox.include(p.position);
        }
    }
    let bbox = if bbox.is_empty() {
        [0.0; 4]
    } else {
        bbox.as_array()
    };
    let parts = board
        .footprints
        .iter()
        .map(|f| PartOutline {
            reference: f.reference.clone(),
            side: f.side,
            x: nm(f.position.x),
            y: nm(f.position.y),
            courtyard: crate::geometry::footprint_keepout(board, f),
            height_mm: f.body_height_mm,
            body: part_body(board, f),
        })
        .collect();
    let mut holes = Vec::new();
    for pad in &board.pads {
        let Some(d) = &pad.drill else { continue };
        let mounting = pad
            .footprint
            .and_then(|f| board.footprints.get(f))
            .is_some_and(|f| f.lib_id.to_ascii_lowercase().contains("mountinghole"));
        if pad.kind == PadKind::NpThruHole || mounting {
            holes.push(BoardHole {
                x: nm(pad.position.x),
                y: nm(pad.position.y),
                diameter_mm: d.size_mm.w.min(d.size_mm.h),
                plated: pad.kind != PadKind::NpThruHole,
                reference: pad.reference.clone(),
            });
        }
    }
    BoardSummary {
        file: board.source_name.clone(),
        sha256: String::new(),
        format,
        outline_bbox: bbox,
        thickness_mm: board.thickness_mm.unwrap_or(1.6),
        outline: board
            .outline
            .as_ref()
            .map(|o| o.polygons.clone())
            .unwrap_or_default(),
        parts,
        holes,
    }
}
