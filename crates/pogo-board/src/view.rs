//! KiCad's view of pads: the rows `pogo board pads` prints, with exactly the fields of
//! `pads[]` in a `kicad-view.json` (what KiCad's own `pcbnew` reports).

use crate::model::{Board, Pad};
use serde::Serialize;

/// One pad as KiCad reports it: absolute position (mm, page frame, y down), size
/// before rotation, absolute rotation (degrees), drill `[x, y]` or null.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PadRow {
    /// The footprint's reference (`ref`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The pad number.
    pub number: String,
    /// KiCad's pad type ([`crate::PadKind::as_str`]).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// KiCad's shape name ([`crate::PadShape::kicad_name`]).
    pub shape: &'static str,
    /// Position x, mm.
    pub x: f64,
    /// Position y, mm (y down).
    pub y: f64,
    /// Width before rotation, mm.
    pub w: f64,
    /// Height before rotation, mm.
    pub h: f64,
    /// Absolute rotation, degrees.
    pub rotation: f64,
    /// Drill size `[x, y]`, mm, or null.
    pub drill: Option<[f64; 2]>,
    /// Copper on the front.
    pub front: bool,
    /// Copper on the back.
    pub back: bool,
    /// Mask opened on the front.
    pub front_mask: bool,
    /// Mask opened on the back.
    pub back_mask: bool,
    /// Net name (`""` for none).
    pub net: String,
}

impl PadRow {
    /// The row of `pad` of `board`.
    pub fn new(board: &Board, pad: &Pad) -> PadRow {
        PadRow {
            reference: pad.reference.clone(),
            number: pad.number.clone(),
            kind: pad.kind.as_str(),
            shape: pad.shape.kicad_name(),
            x: pad.position.x,
            y: pad.position.y,
            w: pad.size_mm.w,
            h: pad.size_mm.h,
            rotation: pad.rotation_deg,
            drill: pad.drill.as_ref().map(|d| [d.size_mm.w, d.size_mm.h]),
            front: pad.front_copper,
            back: pad.back_copper,
            front_mask: pad.front_mask,
            back_mask: pad.back_mask,
            net: board.net_name(pad.net).to_string(),
        }
    }

    /// The CSV header matching [`PadRow::csv`].
    pub const CSV_HEADER: &'static str = "ref,number,type,shape,x,y,w,h,rotation,drill_x,drill_y,front,back,front_mask,back_mask,net";

    /// One CSV line (RFC 4180 quoting), no line end.
    pub fn csv(&self) -> String {
        let (dx, dy) = match self.drill {
            Some([x, y]) => (x.to_string(), y.to_string()),
            None => (String::new(), String::new()),
        };
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&self.reference),
            csv_field(&self.number),
            self.kind,
            self.shape,
            self.x,
            self.y,
            self.w,
            self.h,
            self.rotation,
            dx,
            dy,
            self.front,
            self.back,
            self.front_mask,
            self.back_mask,
            csv_field(&self.net)
        )
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Every pad of the board, in board order, as KiCad reports it.
pub fn pad_rows(board: &Board) -> Vec<PadRow> {
    board.pads.iter().map(|p| PadRow::new(board, p)).collect()
}
