//! IPC-D-356 / IPC-D-356A bare-board test netlists (`.d356`, `.ipc`).
//!
//! In: the text of a netlist. Out: a [`Board`] whose pads and vias are the file's test
//! records, in KiCad page coordinates (mm, y down). A netlist has no footprints
//! ([`Board::footprints_known`] is `false`), no thickness, and an outline only when it
//! carries `389 BOARD_EDGE` records.
//!
//! What is read:
//! - `P` parameter records: `UNITS` (`CUST 0`/`CUST`: 0.0001 in and degrees,
//!   `CUST 1`/`SI`: 0.001 mm and degrees, `CUST 2`: 0.0001 in and radians; inch when
//!   absent), `NNAMEn <full name>` aliases for net names longer than the 14-column net
//!   field, `IMAGE` (only records of the primary image become pads).
//! - Test records `317` (through hole), `327` (surface mount), `367` (non-plated
//!   tooling hole), `337`/`347` (tooling), and their continuation records `017`, `027`,
//!   ...: a continuation record belongs to the net of the record before it; fields it
//!   leaves blank (net, reference, pin, location) repeat that record's, and when it
//!   names the same feature at the same place it adds access to that pad instead of
//!   making a second one.
//! - `389` outline records with their `089` continuations (`BOARD_EDGE` paths become
//!   the outline).
//! - `999` ends the file; it is required, so a cut-off file is an error.
//!
//! Other records (comments, conductors `378`, adjacency `379`, unknown codes) are
//! skipped. A field that breaks the fixed-column layout is a [`BoardError::Syntax`]
//! naming line, column and what the column should hold.
//!
//! Coordinate convention: IPC-D-356 locations are y-up, relative to the netlist origin.
//! KiCad writes them relative to the board's drill/place ("aux axis") origin; pass that
//! origin in [`ReadOptions::origin_mm`] to get positions on KiCad's page. The rotation
//! field is read as KiCad writes it (clockwise degrees), so a pad's `rotation_deg` is
//! KiCad's counter-clockwise orientation.

mod record;

use crate::error::{BoardError, Result};
use crate::geometry::{point_in_ring, signed_area};
use crate::model::{
    AccessRecord, Board, BoxMm, Drill, Layer, Net, NetId, Outline, Pad, PadKind, PadShape, PointMm,
    PolygonMm, Side, SizeMm, SourceFormat, Via,
};
use record::{Line, PathWord, TestFields};
use std::collections::HashMap;

/// How to place a netlist on the page.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ReadOptions {
    /// Page position (mm, y down) of the netlist's (0, 0). KiCad exports relative to the
    /// board's `aux_axis_origin`; (0, 0) when the board has none.
    pub origin_mm: PointMm,
    /// Copper layer count, when known. An access code equal to it is the bottom side.
    /// `None`: the highest access code in the file is taken as the bottom (KiCad writes
    /// the copper layer count for bottom-side pads, e.g. `A04` on a 4-layer board).
    pub copper_layers: Option<u32>,
}

/// Reads an IPC-D-356(A) netlist with the netlist origin at page (0, 0).
pub fn read(path_name: &str, text: &str) -> Result<Board> {
    read_with(path_name, text, &ReadOptions::default())
}

/// True when `text` looks like an IPC-D-356 netlist: among its first non-blank lines
/// are `P`arameter records with a known keyword or test records (`317`, `327`, ...),
/// and none of them looks like an S-expression.
pub fn looks_like_ipc356(text: &str) -> bool {
    const KEYWORDS: [&str; 10] = [
        "JOB", "CODE", "UNITS", "TITLE", "NUM", "REV", "VER", "IMAGE", "NNAME", "ARRAYDIM",
    ];
    let mut evidence = 0;
    for line in text
        .lines()
        .map(|l| l.trim_end())
        .filter(|l| !l.is_empty())
        .take(30)
    {
        let b = line.as_bytes();
        if b[0] == b'(' || b.contains(&0) {
            return false;
        }
        if b[0] == b'P' && b.len() > 3 && b[1] == b' ' {
            let word = line[1..]
                .trim_start()
                .split(' ')
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            if KEYWORDS.iter().any(|k| word.starts_with(k)) {
                evidence += 1;
            }
        } else if (b.len() >= 41 && matches!(&b[..3], b"317" | b"327" | b"367")) || line == "999" {
            evidence += 1;
        }
        if evidence >= 2 {
            return true;
        }
    }
    evidence >= 1 && text.len() < 200
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Units {
    /// 0.0001 inch.
    Inch,
    /// 0.001 mm.
    Mm,
}

impl Units {
    fn nm_per_unit(self) -> i64 {
        match self {
            Units::Inch => 2540,
            Units::Mm => 1000,
        }
    }
    fn mm(self, v: i64) -> f64 {
        (v * self.nm_per_unit()) as f64 / 1e6
    }
}

/// A test record after continuation and alias resolution, before sides are known.
#[derive(Debug, Clone)]
struct Feature {
    code: u16,
    line: usize,
    net: Option<NetId>,
    reference: String,
    pin: String,
    fields: TestFields,
    x: i64,
    y: i64,
}

/// Reads an IPC-D-356(A) netlist placed on the page as `options` say.
pub fn read_with(path_name: &str, text: &str, options: &ReadOptions) -> Result<Board> {
    let mut reader = Reader::new(path_name, *options);
    reader.run(text)?;
    Ok(reader.finish())
}

struct Reader<'p> {
    path: &'p str,
    options: ReadOptions,
    units: Units,
    units_name: String,
    radians: bool,
    in_primary_image: bool,
    aliases: HashMap<String, String>,
    nets: Vec<Net>,
    net_index: HashMap<String, NetId>,
    features: Vec<Feature>,
    /// Net of the last test record, for continuation records.
    last: Option<Feature>,
    /// Outline paths (page mm), and whether the current 389 record is a board edge.
    edge_paths: Vec<Vec<PointMm>>,
    outline_state: Option<OutlineState>,
}

struct OutlineState {
    board_edge: bool,
    size_seen: bool,
    pen_down: bool,
    x: i64,
    y: i64,
}

impl<'p> Reader<'p> {
    fn new(path: &'p str, options: ReadOptions) -> Self {
        Reader {
            path,
            options,
            units: Units::Inch,
            units_name: "inch (no UNITS record)".to_string(),
            radians: false,
            in_primary_image: true,
            aliases: HashMap::new(),
            nets: Vec::new(),
            net_index: HashMap::new(),
            features: Vec::new(),
            last: None,
            edge_paths: Vec::new(),
            outline_state: None,
        }
    }

    fn run(&mut self, text: &str) -> Result<()> {
        let lines = split_lines(text);
        // NNAME aliases may follow their first use in loosely written files: collect
        // them before reading records.
        for line in &lines {
            if line.bytes().first() == Some(&b'P')
                && let Some((key, value)) = parameter(line.text)
                && key.len() > 5
                && key
                    .get(..5)
                    .is_some_and(|k| k.eq_ignore_ascii_case("NNAME"))
            {
                self.aliases.insert(key.to_string(), value.to_string());
            }
        }
        for line in &lines {
            if let Some(i) = line.bytes().iter().position(|&c| c < 0x20 && c != b'\t') {
                return Err(line.error(
                    self.path,
                    i,
                    1,
                    "printable text (an 80-column IPC-D-356 record)",
                ));
            }
            let b = line.bytes();
            if b.iter().all(|&c| c == b' ' || c == b'\t') {
                continue;
            }
            match b[0] {
                b'C' | b'c' => continue,
                b'P' | b'p' => {
                    self.outline_state = None;
                    self.parameter(line)?;
                    continue;
                }
                _ => {}
            }
            if b.len() >= 3 && &b[..3] == b"999" {
                return Ok(());
            }
            let code = if b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit) {
                u16::from(b[0] - b'0') * 100 + u16::from(b[1] - b'0') * 10 + u16::from(b[2] - b'0')
            } else {
                // Not a record this reader knows: skipped.
                self.outline_state = None;
                continue;
            };
            match code {
                389 => self.outline(line, true)?,
                89 => self.outline(line, false)?,
                _ => {
                    self.outline_state = None;
                    let test = matches!(b[0], b'3' | b'0')
                        && matches!(b[1], b'1' | b'2' | b'3' | b'4' | b'6')
                        && b[2] == b'7';
                    if test {
                        self.test_record(line, code)?;
                    }
                }
            }
        }
        let end = text.len();
        let (number, col) = match lines.last() {
            Some(l) => (l.number, l.text.len()),
            None => (1, 0),
        };
        Err(BoardError::Syntax {
            path: self.path.to_string(),
            line: number,
            column: col + 1,
            offset: end,
            len: 0,
            expected: "the 999 end-of-file record".to_string(),
            found: "end of file".to_string(),
        })
    }

    fn parameter(&mut self, line: &Line<'_>) -> Result<()> {
        let Some((key, value)) = parameter(line.text) else {
            return Ok(());
        };
        let key_upper = key.to_ascii_uppercase();
        match key_upper.as_str() {
            "UNITS" => {
                let words: Vec<String> = value
                    .split_whitespace()
                    .map(|w| w.to_ascii_uppercase())
                    .collect();
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                let (units, radians, name) = match words.as_slice() {
                    ["CUST"] | ["CUST", "0"] => (Units::Inch, false, "inch (CUST 0)"),
                    ["CUST", "1"] => (Units::Mm, false, "mm (CUST 1)"),
                    ["CUST", "2"] => (Units::Inch, true, "inch, radians (CUST 2)"),
                    ["SI"] => (Units::Mm, false, "mm (SI)"),
                    ["ENGLISH"] => (Units::Inch, false, "inch (ENGLISH)"),
                    _ => {
                        let at = line.text.find(value).unwrap_or(line.text.len());
                        return Err(line.error(
                            self.path,
                            at,
                            value.len(),
                            "units CUST 0, CUST 1, CUST 2 or SI",
                        ));
                    }
                };
                self.units = units;
                self.radians = radians;
                self.units_name = name.to_string();
            }
            "IMAGE" => {
                self.in_primary_image = value.trim().eq_ignore_ascii_case("PRIMARY");
            }
            _ => {}
        }
        Ok(())
    }

    fn net_id(&mut self, raw: &str) -> Option<NetId> {
        if raw.is_empty() || raw.eq_ignore_ascii_case("N/C") {
            return None;
        }
        let name = self.aliases.get(raw).map(String::as_str).unwrap_or(raw);
        if let Some(&id) = self.net_index.get(name) {
            return Some(id);
        }
        let id = NetId(self.nets.len() as u32);
        self.nets.push(Net {
            name: name.to_string(),
            class: None,
        });
        self.net_index.insert(name.to_string(), id);
        Some(id)
    }

    fn test_record(&mut self, line: &Line<'_>, code: u16) -> Result<()> {
        let fields = record::parse_test_record(self.path, line)?;
        let previous = self.last.clone();
        if fields.continuation && previous.is_none() {
            return Err(line.error(
                self.path,
                0,
                3,
                "a 3xx test record before this continuation record",
            ));
        }
        let (net, reference, pin, x, y) = match (&previous, fields.continuation) {
            (Some(prev), true) => {
                let net = if fields.net.is_empty() {
                    prev.net
                } else {
                    self.net_id(&fields.net)
                };
                let reference = if fields.reference.is_empty() {
                    prev.reference.clone()
                } else {
                    fields.reference.clone()
                };
                let pin = if fields.reference.is_empty() && fields.pin.is_empty() {
                    prev.pin.clone()
                } else {
                    fields.pin.clone()
                };
                (
                    net,
                    reference,
                    pin,
                    fields.x.unwrap_or(prev.x),
                    fields.y.unwrap_or(prev.y),
                )
            }
            _ => {
                let net = self.net_id(&fields.net);
                // parse_test_record only leaves the location empty on continuations.
                (
                    net,
                    fields.reference.clone(),
                    fields.pin.clone(),
                    fields.x.unwrap_or(0),
                    fields.y.unwrap_or(0),
                )
            }
        };
        let feature = Feature {
            code,
            line: line.number,
            net,
            reference,
            pin,
            fields,
            x,
            y,
        };
        self.last = Some(feature.clone());
        if self.in_primary_image {
            self.features.push(feature);
        }
        Ok(())
    }

    fn outline(&mut self, line: &Line<'_>, start: bool) -> Result<()> {
        let words = if start {
            let kind = line.field(3, 17).to_ascii_uppercase();
            let board_edge = kind == "BOARD_EDGE";
            self.outline_state = Some(OutlineState {
                board_edge,
                size_seen: false,
                pen_down: false,
                x: 0,
                y: 0,
            });
            record::parse_path_words(self.path, line, 17.min(line.text.len()))?
        } else {
            if self.outline_state.is_none() {
                return Err(line.error(
                    self.path,
                    0,
                    3,
                    "a 389 outline record before this 089 continuation",
                ));
            }
            record::parse_path_words(self.path, line, 3)?
        };
        let units = self.units;
        let origin = self.options.origin_mm;
        let Some(state) = self.outline_state.as_mut() else {
            return Ok(());
        };
        for word in words {
            match word {
                PathWord::PenUp => state.pen_down = false,
                PathWord::Point { x, y } => {
                    if !state.size_seen {
                        // The first word is the line width (aperture), not a point.
                        state.size_seen = true;
                        continue;
                    }
                    state.x = x.unwrap_or(state.x);
                    state.y = y.unwrap_or(state.y);
                    if !state.board_edge {
                        continue;
                    }
                    let p =
                        PointMm::new(origin.x + units.mm(state.x), origin.y - units.mm(state.y));
                    if !state.pen_down {
                        self.edge_paths.push(Vec::new());
                        state.pen_down = true;
                    }
                    if let Some(path) = self.edge_paths.last_mut() {
                        path.push(p);
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Board {
        let units = self.units;
        let origin = self.options.origin_mm;
        let bottom_code = self
            .options
            .copper_layers
            .or_else(|| {
                self.features
                    .iter()
                    .filter_map(|f| f.fields.access)
                    .filter(|&a| a >= 2)
                    .max()
            })
            .unwrap_or(2);
        let layer_name = |code: u32| -> String {
            match code {
                1 => "F.Cu".to_string(),
                c if c == bottom_code => "B.Cu".to_string(),
                c => format!("In{}.Cu", c - 1),
            }
        };

        let mut pads: Vec<Pad> = Vec::new();
        let mut vias: Vec<Via> = Vec::new();
        let mut access_records = Vec::new();
        let mut inner_codes: Vec<u32> = Vec::new();
        // (reference, pin, x, y) -> pad index, for continuation records that add access.
        let mut pad_at: HashMap<(String, String, i64, i64), usize> = HashMap::new();

        for f in &self.features {
            let access = f.fields.access.unwrap_or(0);
            let (front, back) = match access {
                0 => (true, true),
                1 => (true, false),
                c if c == bottom_code => (false, true),
                c => {
                    if !inner_codes.contains(&c) {
                        inner_codes.push(c);
                    }
                    (false, false)
                }
            };
            // Soldermask code: bit 0 set = primary (top) side covered, bit 1 = secondary.
            let (front_mask, back_mask) = match f.fields.soldermask {
                Some(s) => (s & 1 == 0, s & 2 == 0),
                None => (front, back),
            };
            let side = match (front, back) {
                (true, false) => Some(Side::Top),
                (false, true) => Some(Side::Bottom),
                _ => None,
            };
            let position = PointMm::new(origin.x + units.mm(f.x), origin.y - units.mm(f.y));
            let hole_mm = f.fields.hole.map(|(d, plated)| (units.mm(d), plated));
            let size_x = units.mm(f.fields.size_x.unwrap_or(0));
            let size_y = units.mm(f.fields.size_y.unwrap_or(0));
            let rotation_file = f.fields.rotation.unwrap_or(0) as f64;
            let rotation_cw_deg = if self.radians {
                rotation_file.to_degrees()
            } else {
                rotation_file
            };
            let rotation_deg = normalize_deg(-rotation_cw_deg);
            let record_code = f.code;

            if f.reference.eq_ignore_ascii_case("VIA") {
                let (layers, via_type) = match access {
                    0 => (("F.Cu".to_string(), "B.Cu".to_string()), "through"),
                    c if c == 1 || c == bottom_code => ((layer_name(c), layer_name(c)), "blind"),
                    c => ((layer_name(c), layer_name(c)), "buried"),
                };
                vias.push(Via {
                    position,
                    diameter_mm: size_x,
                    drill_mm: hole_mm.map(|h| h.0).unwrap_or(0.0),
                    layers,
                    via_type: via_type.to_string(),
                    net: f.net,
                    front_mask_open: front_mask,
                    back_mask_open: back_mask,
                });
                access_records.push(AccessRecord {
                    code: record_code,
                    line: f.line,
                    access: side,
                    access_code: access,
                    pad: None,
                });
                continue;
            }

            let key = (f.reference.clone(), f.pin.clone(), f.x, f.y);
            if f.fields.continuation
                && let Some(&i) = pad_at.get(&key)
            {
                // The same feature again: more access to the pad already read.
                let pad = &mut pads[i];
                pad.front_copper |= front;
                pad.back_copper |= back;
                pad.front_mask |= front_mask;
                pad.back_mask |= back_mask;
                let inner = pad
                    .layers
                    .iter()
                    .find(|l| l.starts_with("In"))
                    .cloned()
                    .or_else(|| (!front && !back && access != 0).then(|| layer_name(access)));
                pad.layers = pad_layers(
                    pad.front_copper,
                    pad.back_copper,
                    pad.front_mask,
                    pad.back_mask,
                    inner,
                );
                access_records.push(AccessRecord {
                    code: record_code,
                    line: f.line,
                    access: side,
                    access_code: access,
                    pad: Some(i),
                });
                continue;
            }

            let kind = match (hole_mm, f.fields.feature) {
                (Some((_, true)), 3 | 4 | 6) => PadKind::NpThruHole,
                (Some((_, true)), _) => PadKind::ThruHole,
                (Some((_, false)), _) => PadKind::NpThruHole,
                (None, 1) => PadKind::ThruHole,
                (None, 2) => PadKind::Smd,
                (None, _) => PadKind::NpThruHole,
            };
            // IPC-D-356 rule: a round feature has height 0; anything else is a rectangle.
            let (shape, size_mm) = if size_y == 0.0 {
                (
                    PadShape::Circle,
                    SizeMm {
                        w: size_x,
                        h: size_x,
                    },
                )
            } else {
                (
                    PadShape::Rect,
                    SizeMm {
                        w: size_x,
                        h: size_y,
                    },
                )
            };
            let inner = (!front && !back && access != 0).then(|| layer_name(access));
            let drill = hole_mm.filter(|h| h.0 > 0.0).map(|(d, _)| Drill {
                oblong: false,
                size_mm: SizeMm { w: d, h: d },
                offset_mm: PointMm::default(),
            });
            let index = pads.len();
            pads.push(Pad {
                footprint: None,
                reference: f.reference.clone(),
                number: f.pin.clone(),
                kind,
                shape,
                size_mm,
                position,
                rotation_deg,
                drill,
                layers: pad_layers(front, back, front_mask, back_mask, inner),
                front_copper: front,
                back_copper: back,
                front_mask,
                back_mask,
                front_paste: false,
                back_paste: false,
                mask_margin_mm: None,
                net: f.net,
                test_point_property: false,
            });
            pad_at.entry(key).or_insert(index);
            access_records.push(AccessRecord {
                code: record_code,
                line: f.line,
                access: side,
                access_code: access,
                pad: Some(index),
            });
        }

        let mut layers = vec![Layer {
            ordinal: 0,
            name: "F.Cu".into(),
            kind: "signal".into(),
            user_name: None,
        }];
        // The bottom's access code is the copper layer count: the layers between are
        // inner layers, named as KiCad names them.
        inner_codes.extend(2..bottom_code);
        inner_codes.sort_unstable();
        inner_codes.dedup();
        for c in inner_codes.into_iter().filter(|&c| c != bottom_code) {
            layers.push(Layer {
                ordinal: c as i32 - 1,
                name: layer_name(c),
                kind: "signal".into(),
                user_name: None,
            });
        }
        layers.push(Layer {
            ordinal: 31,
            name: "B.Cu".into(),
            kind: "signal".into(),
            user_name: None,
        });

        Board {
            source_name: self.path.to_string(),
            format: SourceFormat::Ipc356 {
                units: self.units_name,
            },
            thickness_mm: None,
            outline: outline_from_paths(self.edge_paths),
            layers,
            nets: self.nets,
            footprints_known: false,
            footprints: Vec::new(),
            pads,
            vias,
            access_records,
        }
    }
}

/// Layer names of a netlist pad.
fn pad_layers(
    front: bool,
    back: bool,
    front_mask: bool,
    back_mask: bool,
    inner: Option<String>,
) -> Vec<String> {
    let mut v = Vec::new();
    if front {
        v.push("F.Cu".to_string());
    }
    if let Some(inner) = inner {
        v.push(inner);
    }
    if back {
        v.push("B.Cu".to_string());
    }
    if front_mask {
        v.push("F.Mask".to_string());
    }
    if back_mask {
        v.push("B.Mask".to_string());
    }
    v
}

fn normalize_deg(a: f64) -> f64 {
    let r = a.rem_euclid(360.0);
    if r == 0.0 || r == 360.0 { 0.0 } else { r }
}

/// `P  KEY value...`: the keyword and the rest of the line, trimmed.
fn parameter(text: &str) -> Option<(&str, &str)> {
    let rest = text.get(1..)?.trim_start();
    let (key, value) = match rest.find([' ', '\t']) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    (!key.is_empty()).then_some((key, value))
}

/// Splits text into lines (LF or CRLF), with 1-based numbers and byte offsets.
fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !(offset + raw.len() == text.len() && raw.is_empty()) {
            out.push(Line {
                text: line,
                number: i + 1,
                offset,
            });
        }
        offset += raw.len() + 1;
    }
    out
}

/// Closed BOARD_EDGE paths become polygons (a path inside another is its cut-out);
/// open ones are reported as open chains.
fn outline_from_paths(paths: Vec<Vec<PointMm>>) -> Option<Outline> {
    if paths.is_empty() {
        return None;
    }
    let mut bbox = BoxMm::EMPTY;
    let mut rings: Vec<Vec<PointMm>> = Vec::new();
    let mut open_chains = Vec::new();
    for path in paths {
        for &p in &path {
            bbox.include(p);
        }
        let closed = path.len() >= 4
            && path
                .first()
                .zip(path.last())
                .is_some_and(|(a, b)| a.distance_mm(*b) < 1e-6);
        if closed {
            let mut ring = path;
            ring.pop();
            rings.push(ring);
        } else if !path.is_empty() {
            open_chains.push(path);
        }
    }
    // Depth = number of other rings containing a ring's first point; even depth is a
    // board piece, odd depth a cut-out of the smallest ring around it.
    let depth: Vec<usize> = rings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            rings
                .iter()
                .enumerate()
                .filter(|&(j, o)| j != i && point_in_ring(r[0], o))
                .count()
        })
        .collect();
    let mut polygons: Vec<(usize, PolygonMm)> = Vec::new();
    for (i, ring) in rings.iter().enumerate() {
        if depth[i].is_multiple_of(2) {
            polygons.push((
                i,
                PolygonMm {
                    outer: ring.clone(),
                    holes: Vec::new(),
                },
            ));
        }
    }
    for (i, ring) in rings.iter().enumerate() {
        if !depth[i].is_multiple_of(2) {
            let parent = polygons
                .iter_mut()
                .filter(|(j, p)| depth[*j] + 1 == depth[i] && point_in_ring(ring[0], &p.outer))
                .min_by(|a, b| {
                    signed_area(&a.1.outer)
                        .abs()
                        .total_cmp(&signed_area(&b.1.outer).abs())
                });
            if let Some((_, p)) = parent {
                p.holes.push(ring.clone());
            }
        }
    }
    Some(Outline {
        polygons: polygons.into_iter().map(|(_, p)| p).collect(),
        open_chains,
        bbox,
    })
}
