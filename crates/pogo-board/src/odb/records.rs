//! The line-oriented files of an ODB++ job: structured text (`matrix`, `misc/info`,
//! `tools`), features files (symbols, attributes, P/L/A/S records), `eda/data` nets
//! and `components` (CMP/PRP/TOP). Every error names the job file, line and column.

use crate::cam::CamShape;
use crate::error::BoardError;
use crate::model::{Chamfers, PointMm, SizeMm};
use std::collections::HashMap;

/// Lengths of a file: coordinates in mm or inch, symbol sizes in microns or mils.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    Mm,
    Inch,
}

impl Units {
    pub fn parse(s: &str) -> Option<Units> {
        match s.trim().to_ascii_uppercase().as_str() {
            "MM" => Some(Units::Mm),
            "INCH" => Some(Units::Inch),
            _ => None,
        }
    }
    /// Millimetres per coordinate unit.
    pub fn coord_mm(self) -> f64 {
        match self {
            Units::Mm => 1.0,
            Units::Inch => 25.4,
        }
    }
    /// Millimetres per symbol size unit (micron or mil).
    pub fn symbol_mm(self) -> f64 {
        match self {
            Units::Mm => 0.001,
            Units::Inch => 0.0254,
        }
    }
}

/// A syntax error at 1-based `line` and `column` of an ODB++ file (ODB++ errors name a
/// word or a line, not a byte span).
fn syntax_error(
    file: &str,
    line: usize,
    column: usize,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> BoardError {
    BoardError::Syntax {
        path: file.to_string(),
        line,
        column,
        offset: 0,
        len: 1,
        expected: expected.into(),
        found: found.into(),
    }
}

/// An error about line `line` of an ODB++ file as a whole (a record missing or out of
/// order): at its column 1.
fn line_error(
    file: &str,
    line: usize,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> BoardError {
    syntax_error(file, line, 1, expected, found)
}

/// Where in which file: builds the errors.
pub struct Place<'a> {
    pub file: &'a str,
    pub line: usize,
    pub text: &'a str,
}

impl Place<'_> {
    /// An error at the `word`-th (0-based) whitespace-separated word of the line.
    pub fn error(
        &self,
        word: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> BoardError {
        let column = word_column(self.text, word);
        syntax_error(self.file, self.line, column, expected, found)
    }

    pub fn number(&self, words: &[&str], i: usize, what: &str) -> Result<f64, BoardError> {
        let w = words.get(i).copied();
        // Plain decimals by the exact fast path, the rest by `str::parse`.
        match w.map(|w| crate::cam::decimal(w.as_bytes()).map_or_else(|| w.parse::<f64>(), Ok)) {
            Some(Ok(v)) if v.is_finite() => Ok(v),
            _ => Err(self.error(
                i,
                format!("a number ({what})"),
                w.map_or("the end of the line".into(), |w| format!("`{w}`")),
            )),
        }
    }

    pub fn index(&self, words: &[&str], i: usize, what: &str) -> Result<usize, BoardError> {
        let w = words.get(i).copied();
        match w.map(str::parse::<usize>) {
            Some(Ok(v)) => Ok(v),
            _ => Err(self.error(
                i,
                format!("a whole number ({what})"),
                w.map_or("the end of the line".into(), |w| format!("`{w}`")),
            )),
        }
    }
}

/// The byte offset of a line's first `;` (where a record's attributes start).
fn semicolon(line: &str) -> Option<usize> {
    line.bytes().position(|c| c == b';')
}

/// Whether an ASCII byte is white space to `char::is_whitespace` (0x0B included,
/// which `u8::is_ascii_whitespace` leaves out).
fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The words of `body` into `words` (cleared first): the words of
/// `str::split_whitespace`, an ASCII line split byte by byte, into a vector kept from
/// line to line (no allocation per record).
pub(super) fn split_words<'a>(body: &'a str, words: &mut Vec<&'a str>) {
    words.clear();
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let start = i;
        while i < b.len() && !is_space(b[i]) {
            if !b[i].is_ascii() {
                // Other white space is Unicode's: the standard split.
                words.clear();
                words.extend(body.split_whitespace());
                return;
            }
            i += 1;
        }
        if i > start {
            words.push(&body[start..i]);
        }
    }
}

/// The lines of `text` as `str::lines` gives them (split at `\n`, a `\r` before it
/// dropped), found by a byte search instead of `lines`' `char` pattern.
pub(super) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        Some(match rest.bytes().position(|c| c == b'\n') {
            Some(k) => {
                let line = &rest[..k];
                rest = &rest[k + 1..];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => std::mem::take(&mut rest),
        })
    })
}

fn word_column(text: &str, word: usize) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            if n == word {
                return i + 1;
            }
            n += 1;
            in_word = true;
        }
    }
    text.len() + 1
}

/// `KEY=VALUE` lines and `NAME {` ... `}` blocks (matrix, misc/info, tools).
#[derive(Debug, Default)]
pub struct Structured {
    pub values: HashMap<String, String>,
    pub blocks: Vec<(String, HashMap<String, String>)>,
}

pub fn structured(file: &str, text: &str) -> Result<Structured, BoardError> {
    let mut out = Structured::default();
    let mut block: Option<(String, HashMap<String, String>, usize)> = None;
    for (i, raw) in lines(text).enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let place = Place {
            file,
            line: i + 1,
            text: raw,
        };
        if let Some(name) = line.strip_suffix('{') {
            if block.is_some() {
                return Err(place.error(0, "`}` closing the block before", "a nested block"));
            }
            block = Some((name.trim().to_ascii_uppercase(), HashMap::new(), i + 1));
        } else if line == "}" {
            let Some((name, values, _)) = block.take() else {
                return Err(place.error(0, "a KEY=VALUE line", "`}` with no open block"));
            };
            out.blocks.push((name, values));
        } else if let Some((k, v)) = line.split_once('=') {
            let target = match block.as_mut() {
                Some((_, values, _)) => values,
                None => &mut out.values,
            };
            target.insert(k.trim().to_ascii_uppercase(), v.trim().to_string());
        } else {
            return Err(place.error(0, "KEY=VALUE, `NAME {` or `}`", format!("`{line}`")));
        }
    }
    if let Some((name, _, line)) = block {
        return Err(line_error(
            file,
            line,
            format!("`}}` closing block {name} (the file ends early)"),
            "the end of the file",
        ));
    }
    Ok(out)
}

/// A pad record of a features file, in mm (file frame, y up).
#[derive(Debug, Clone)]
pub struct PadRec {
    pub at: PointMm,
    pub symbol: usize,
    /// Clockwise rotation as the file gives it, degrees.
    pub angle_deg: f64,
    pub mirror: bool,
    pub attrs: Vec<(usize, String)>,
    /// Its index among the file's features (what `eda/data` `FID` records name).
    pub feature: usize,
}

/// A line record (in a drill layer: a slot).
#[derive(Debug, Clone)]
pub struct LineRec {
    pub from: PointMm,
    pub to: PointMm,
    pub symbol: usize,
    pub attrs: Vec<(usize, String)>,
}

/// An arc record: its start and centre (file frame, mm; the end lies on the same
/// circle) and its symbol (the pen).
#[derive(Debug, Clone)]
pub struct ArcRec {
    pub start: PointMm,
    pub centre: PointMm,
    pub symbol: usize,
}

/// What a feature index of a features file (as `eda/data` `FID` records name it) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureRef {
    /// `pads[i]`.
    Pad(usize),
    /// `lines[i]`.
    Line(usize),
    /// `surfaces[i]`.
    Surface(usize),
    /// An arc, surface, text or barcode record.
    Other,
}

/// A features file.
#[derive(Debug, Default)]
pub struct Features {
    pub symbols: Vec<CamShape>,
    pub attr_names: HashMap<usize, String>,
    pub pads: Vec<PadRec>,
    pub lines: Vec<LineRec>,
    pub arcs: Vec<ArcRec>,
    /// Surface contours: (is a hole, points), file frame.
    pub contours: Vec<(bool, Vec<PointMm>)>,
    /// Every feature record in file order (what `FID` feature numbers index).
    pub kinds: Vec<FeatureRef>,
    /// Each surface record's contours (a range of `contours`).
    pub surfaces: Vec<std::ops::Range<usize>>,
}

impl Features {
    /// The value of attribute `name` in `attrs`, when set.
    pub fn attr<'a>(&self, attrs: &'a [(usize, String)], name: &str) -> Option<&'a str> {
        attrs
            .iter()
            .find(|(i, _)| {
                self.attr_names
                    .get(i)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.as_str())
    }
}

fn parse_attrs(
    place: &Place<'_>,
    rest: Option<&str>,
    word: usize,
) -> Result<Vec<(usize, String)>, BoardError> {
    let Some(rest) = rest else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for a in rest.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        let (k, v) = a.split_once('=').unwrap_or((a, ""));
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| place.error(word, "attributes as n=value after `;`", format!("`{a}`")))?;
        out.push((k, v.trim().to_string()));
    }
    Ok(out)
}

/// Orientation of an orient code (0-7 multiples of 90 degrees, 4-7 mirrored; 8 and 9
/// an explicit angle, 9 mirrored): (clockwise degrees, mirror).
fn orient(place: &Place<'_>, words: &[&str], i: usize) -> Result<(f64, bool), BoardError> {
    let code = place.index(words, i, "orient code 0-9")?;
    Ok(match code {
        0..=7 => ((code % 4) as f64 * 90.0, code >= 4),
        8 | 9 => (place.number(words, i + 1, "rotation angle")?, code == 9),
        _ => return Err(place.error(i, "an orient code 0-9", format!("`{code}`"))),
    })
}

pub fn features(file: &str, text: &str, default: Units) -> Result<Features, BoardError> {
    let mut out = Features::default();
    let mut units = default;
    let mut symbol_names: Vec<(usize, String, Option<Units>, usize)> = Vec::new();
    let mut contour: Option<(bool, Vec<PointMm>)> = None;
    let mut in_surface = false;
    let mut feature = 0;
    let mut words: Vec<&str> = Vec::new();
    for (i, raw) in lines(text).enumerate() {
        let place = Place {
            file,
            line: i + 1,
            text: raw,
        };
        let (body, attrs) = match semicolon(raw) {
            Some(k) => (&raw[..k], Some(&raw[k + 1..])),
            None => (raw, None),
        };
        split_words(body, &mut words);
        let Some(&head) = words.first() else {
            continue;
        };
        let record_index = feature;
        if matches!(head, "P" | "L" | "A" | "S" | "T" | "B") {
            feature += 1;
            out.kinds.push(match head {
                "P" => FeatureRef::Pad(out.pads.len()),
                "L" => FeatureRef::Line(out.lines.len()),
                "S" => FeatureRef::Surface(out.surfaces.len()),
                _ => FeatureRef::Other,
            });
        }
        let s = units.coord_mm();
        let pt = |a: usize| -> Result<PointMm, BoardError> {
            Ok(PointMm::new(
                place.number(&words, a, "x")? * s,
                place.number(&words, a + 1, "y")? * s,
            ))
        };
        match head {
            h if h.starts_with('#') => {}
            h if h.starts_with("UNITS=") => {
                units = Units::parse(&h[6..])
                    .ok_or_else(|| place.error(0, "UNITS=MM or UNITS=INCH", format!("`{h}`")))?;
            }
            "U" => {
                units = words
                    .get(1)
                    .and_then(|u| Units::parse(u))
                    .ok_or_else(|| place.error(1, "MM or INCH", "another unit"))?;
            }
            h if h.starts_with('$') => {
                let n: usize = h[1..]
                    .parse()
                    .map_err(|_| place.error(0, "$n symbol-name", format!("`{h}`")))?;
                let name = words
                    .get(1)
                    .ok_or_else(|| place.error(1, "a symbol name", "the end of the line"))?;
                let unit = match words.get(2) {
                    Some(&"I") => Some(Units::Inch),
                    Some(&"M") => Some(Units::Mm),
                    _ => None,
                };
                symbol_names.push((n, name.to_string(), unit, i + 1));
            }
            h if h.starts_with('@') => {
                let n: usize = h[1..]
                    .parse()
                    .map_err(|_| place.error(0, "@n attribute-name", format!("`{h}`")))?;
                out.attr_names
                    .insert(n, words.get(1).unwrap_or(&"").to_string());
            }
            h if h.starts_with('&')
                || h.starts_with("F") && h.len() == 1
                || h.starts_with("ID=") => {}
            "P" => {
                let at = pt(1)?;
                let symbol = place.index(&words, 3, "symbol number")?;
                check_polarity(&place, &words, 4)?;
                let (angle_deg, mirror) = orient(&place, &words, 6)?;
                let attrs = parse_attrs(&place, attrs, words.len())?;
                out.pads.push(PadRec {
                    at,
                    symbol,
                    angle_deg,
                    mirror,
                    attrs,
                    feature: record_index,
                });
            }
            "L" => {
                let (from, to) = (pt(1)?, pt(3)?);
                let symbol = place.index(&words, 5, "symbol number")?;
                check_polarity(&place, &words, 6)?;
                let attrs = parse_attrs(&place, attrs, words.len())?;
                out.lines.push(LineRec {
                    from,
                    to,
                    symbol,
                    attrs,
                });
            }
            "A" => {
                for k in 1..7 {
                    place.number(&words, k, "arc coordinate")?;
                }
                let symbol = place.index(&words, 7, "symbol number")?;
                check_polarity(&place, &words, 8)?;
                out.arcs.push(ArcRec {
                    start: pt(1)?,
                    centre: pt(5)?,
                    symbol,
                });
            }
            "S" => {
                check_polarity(&place, &words, 1)?;
                in_surface = true;
                out.surfaces.push(out.contours.len()..out.contours.len());
            }
            "OB" if in_surface => {
                let hole = words.get(3) == Some(&"H");
                contour = Some((hole, vec![pt(1)?]));
            }
            "OS" if in_surface => {
                let p = pt(1)?;
                match contour.as_mut() {
                    Some((_, pts)) => pts.push(p),
                    None => return Err(place.error(0, "OB starting a contour before OS", "OS")),
                }
            }
            "OC" if in_surface => {
                let (end, centre) = (pt(1)?, pt(3)?);
                let cw = matches!(words.get(5), Some(&"Y") | Some(&"y"));
                match contour.as_mut() {
                    Some((_, pts)) => {
                        let start = *pts.last().unwrap_or(&end);
                        crate::cam::arc_into(pts, start, end, centre, cw);
                    }
                    None => return Err(place.error(0, "OB starting a contour before OC", "OC")),
                }
            }
            "OE" if in_surface => {
                let c = contour
                    .take()
                    .ok_or_else(|| place.error(0, "OB before OE", "OE"))?;
                out.contours.push(c);
                if let Some(s) = out.surfaces.last_mut() {
                    s.end = out.contours.len();
                }
            }
            "SE" if in_surface => in_surface = false,
            "T" | "B" => {}
            other => {
                return Err(place.error(
                    0,
                    "a feature record (P, L, A, S, T, B), a symbol ($n) or attribute (@n, &n)",
                    format!("`{other}`"),
                ));
            }
        }
    }
    if in_surface {
        return Err(line_error(
            file,
            text.lines().count().max(1),
            "SE closing the surface (the file ends early)",
            "the end of the file",
        ));
    }
    symbol_names.sort_by_key(|s| s.0);
    for (n, name, unit, line) in symbol_names {
        if n != out.symbols.len() {
            return Err(line_error(
                file,
                line,
                format!("symbol number ${}", out.symbols.len()),
                format!("${n}"),
            ));
        }
        out.symbols
            .push(symbol(&name, unit.unwrap_or(units).symbol_mm()));
    }
    let count = out.symbols.len();
    let bad = out
        .pads
        .iter()
        .map(|p| p.symbol)
        .chain(out.lines.iter().map(|l| l.symbol))
        .chain(out.arcs.iter().map(|a| a.symbol))
        .find(|&s| s >= count);
    if let Some(s) = bad {
        return Err(line_error(
            file,
            1,
            format!("symbol numbers below {count} (the symbols the file defines)"),
            format!("a feature using symbol {s}"),
        ));
    }
    Ok(out)
}

fn check_polarity(place: &Place<'_>, words: &[&str], i: usize) -> Result<(), BoardError> {
    match words.get(i) {
        Some(&"P") | Some(&"N") => Ok(()),
        w => Err(place.error(
            i,
            "polarity P or N",
            w.map_or("the end of the line".into(), |w| format!("`{w}`")),
        )),
    }
}

/// A standard symbol name as a shape (sizes times `s` mm); a user symbol or one
/// pogo does not know is `Other` of size 0.
pub fn symbol(name: &str, s: f64) -> CamShape {
    let nums = |rest: &str| -> Vec<f64> {
        rest.split('x')
            .map(|p| {
                p.trim_start_matches(['r', 'c'])
                    .parse::<f64>()
                    .unwrap_or(f64::NAN)
            })
            .collect()
    };
    let size = |w: f64, h: f64| SizeMm { w: w * s, h: h * s };
    let ok =
        |v: &[f64], n: usize| v.len() >= n && v[..n].iter().all(|x| x.is_finite() && *x >= 0.0);
    // Width x height: the first two numbers, where both are sizes.
    let width_height = |rest: &str| {
        let v = nums(rest);
        ok(&v, 2).then(|| size(v[0], v[1]))
    };
    let lower = name.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("rect") {
        let parts: Vec<&str> = rest.split('x').collect();
        if let Some(size) = width_height(rest) {
            if let Some(p) = parts.get(2) {
                let amount = p
                    .get(1..)
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0)
                    * s;
                let corners = parts.get(3).map_or(
                    Chamfers {
                        top_left: true,
                        top_right: true,
                        bottom_left: true,
                        bottom_right: true,
                    },
                    |c| corners(c),
                );
                if p.starts_with('r') {
                    return CamShape::RoundRect {
                        size,
                        radius_mm: amount,
                        corners,
                    };
                }
                if p.starts_with('c') {
                    return CamShape::ChamferedRect {
                        size,
                        chamfer_mm: amount,
                        corners,
                    };
                }
            }
            return CamShape::Rect { size };
        }
    } else if let Some(rest) = lower.strip_prefix("oval") {
        if let Some(size) = width_height(rest) {
            return CamShape::Oval { size };
        }
    } else if let Some(rest) = lower
        .strip_prefix("donut_rc")
        .or_else(|| lower.strip_prefix("donut_o"))
    {
        // A rectangular or oval ring: outer width x height x line width.
        if let Some(size) = width_height(rest) {
            return CamShape::Other { size };
        }
    } else if let Some(rest) = lower.strip_prefix("donut_r") {
        let v = nums(rest);
        if ok(&v, 1) {
            return CamShape::Other {
                size: size(v[0], v[0]),
            };
        }
    } else if let Some(rest) = lower
        .strip_prefix("di")
        .or_else(|| lower.strip_prefix("oct"))
        .or_else(|| lower.strip_prefix("el"))
        .or_else(|| lower.strip_prefix("tri"))
        .or_else(|| lower.strip_prefix("hex_l"))
        .or_else(|| lower.strip_prefix("hex_s"))
    {
        if let Some(size) = width_height(rest) {
            return CamShape::Other { size };
        }
    } else if let Some(rest) = lower.strip_prefix('r') {
        if let Ok(d) = rest.parse::<f64>() {
            return CamShape::Circle { diameter_mm: d * s };
        }
    } else if let Some(rest) = lower.strip_prefix('s')
        && let Ok(d) = rest.parse::<f64>()
    {
        return CamShape::Rect { size: size(d, d) };
    }
    CamShape::Other {
        size: SizeMm::default(),
    }
}

/// ODB++ corner digits: 1 top right, 2 top left, 3 bottom left, 4 bottom right.
fn corners(digits: &str) -> Chamfers {
    Chamfers {
        top_right: digits.contains('1'),
        top_left: digits.contains('2'),
        bottom_left: digits.contains('3'),
        bottom_right: digits.contains('4'),
    }
}

/// A component and its pins (`CMP` and its `TOP` records).
#[derive(Debug, Clone)]
pub struct Cmp {
    /// Index of its package in `eda/data` (`PKG` order).
    pub package: usize,
    pub refdes: String,
    pub part: String,
    pub at: PointMm,
    pub angle_deg: f64,
    /// The file's mirror flag (the side is the component layer's, not this: Altium
    /// writes bottom parts unmirrored). Kept for callers that want it.
    #[allow(dead_code)]
    pub mirror: bool,
    pub properties: Vec<(String, String)>,
    pub pins: Vec<Toeprint>,
}

#[derive(Debug, Clone)]
pub struct Toeprint {
    pub name: String,
    pub at: PointMm,
    /// The pin's clockwise rotation (file frame), and whether it is mirrored.
    pub angle_deg: f64,
    pub mirror: bool,
    pub net: Option<usize>,
    /// Its subnet within the net (`eda/data` `SNT` order), which lists its features.
    pub subnet: Option<usize>,
}

pub fn components(file: &str, text: &str, default: Units) -> Result<Vec<Cmp>, BoardError> {
    let mut units = default;
    let mut out: Vec<Cmp> = Vec::new();
    // A quoted PRP value may run over several lines.
    let mut in_quote = false;
    let mut words: Vec<&str> = Vec::new();
    for (i, raw) in lines(text).enumerate() {
        if in_quote {
            in_quote = raw.matches('\'').count() % 2 == 0;
            if let Some(v) = out.last_mut().and_then(|c| c.properties.last_mut()) {
                v.1.push('\n');
                v.1.push_str(raw.trim_end_matches('\''));
            }
            continue;
        }
        let place = Place {
            file,
            line: i + 1,
            text: raw,
        };
        let body = semicolon(raw).map_or(raw, |k| &raw[..k]);
        split_words(body, &mut words);
        let Some(&head) = words.first() else {
            continue;
        };
        let s = units.coord_mm();
        match head {
            h if h.starts_with('#')
                || h.starts_with('@')
                || h.starts_with('&')
                || h.starts_with("ID=") => {}
            h if h.starts_with("UNITS=") => {
                units = Units::parse(&h[6..])
                    .ok_or_else(|| place.error(0, "UNITS=MM or UNITS=INCH", format!("`{h}`")))?;
            }
            "CMP" => {
                let at = PointMm::new(
                    place.number(&words, 2, "x")? * s,
                    place.number(&words, 3, "y")? * s,
                );
                let angle_deg = place.number(&words, 4, "rotation")?;
                let mirror = match words.get(5) {
                    Some(&"M") => true,
                    Some(&"N") => false,
                    w => {
                        return Err(place.error(
                            5,
                            "mirror flag M or N",
                            w.map_or("the end of the line".into(), |w| format!("`{w}`")),
                        ));
                    }
                };
                let refdes = words.get(6).ok_or_else(|| {
                    place.error(6, "a reference designator", "the end of the line")
                })?;
                let package = place.index(&words, 1, "package number")?;
                out.push(Cmp {
                    package,
                    refdes: refdes.to_string(),
                    part: words.get(7).unwrap_or(&"").to_string(),
                    at,
                    angle_deg,
                    mirror,
                    properties: Vec::new(),
                    pins: Vec::new(),
                });
            }
            "PRP" => {
                let name = words.get(1).unwrap_or(&"").to_string();
                let value = body
                    .splitn(3, char::is_whitespace)
                    .nth(2)
                    .unwrap_or("")
                    .trim();
                in_quote = value.matches('\'').count() % 2 == 1;
                let value = value.trim_matches('\'').to_string();
                if let Some(c) = out.last_mut() {
                    c.properties.push((name, value));
                }
            }
            "TOP" => {
                let at = PointMm::new(
                    place.number(&words, 2, "x")? * s,
                    place.number(&words, 3, "y")? * s,
                );
                let angle_deg = place.number(&words, 4, "rotation")?;
                let mirror = words.get(5) == Some(&"M");
                let net = place.number(&words, 6, "net number")?;
                let subnet = words.get(7).and_then(|w| w.parse::<usize>().ok());
                let name = words.get(8).map_or_else(
                    || words.get(1).unwrap_or(&"").to_string(),
                    |n| n.to_string(),
                );
                let Some(c) = out.last_mut() else {
                    return Err(place.error(0, "a CMP record before its TOP records", "TOP"));
                };
                c.pins.push(Toeprint {
                    name,
                    at,
                    angle_deg,
                    mirror,
                    net: (net >= 0.0).then_some(net as usize),
                    subnet,
                });
            }
            "BOM" | "TXT" | "CPN" | "PKG" | "VPL_PKG" | "VPL_CPN" | "CMP_ATTR" | "IMP" => {}
            other => {
                return Err(place.error(
                    0,
                    "a component record (CMP, PRP, TOP)",
                    format!("`{other}`"),
                ));
            }
        }
    }
    Ok(out)
}

/// The outline of each `PKG` of `eda/data`, in `PKG` order (package frame, file
/// units converted to mm): its first `CT`...`CE` contour or `RC`/`CR`/`SQ` record
/// before the first `PIN`; empty when the package gives none.
pub fn package_outlines(text: &str, default: Units) -> Vec<Vec<PointMm>> {
    let mut units = default;
    let mut out: Vec<Vec<PointMm>> = Vec::new();
    let mut in_pins = false;
    let mut contour: Option<Vec<PointMm>> = None;
    let mut words: Vec<&str> = Vec::new();
    for raw in lines(text) {
        split_words(semicolon(raw).map_or(raw, |k| &raw[..k]), &mut words);
        let Some(&head) = words.first() else {
            continue;
        };
        let s = units.coord_mm();
        let num = |i: usize| {
            words
                .get(i)
                .and_then(|w| w.parse::<f64>().ok())
                .map(|v| v * s)
        };
        match head {
            h if h.starts_with("UNITS=") => units = Units::parse(&h[6..]).unwrap_or(units),
            "PKG" => {
                out.push(Vec::new());
                in_pins = false;
                contour = None;
            }
            "PIN" => in_pins = true,
            _ if in_pins || out.last().is_none_or(|o| !o.is_empty()) => {}
            "OB" | "OS" => {
                if let (Some(x), Some(y)) = (num(1), num(2)) {
                    contour
                        .get_or_insert_with(Vec::new)
                        .push(PointMm::new(x, y));
                }
            }
            "OC" => {
                if let (Some(x), Some(y), Some(cx), Some(cy)) = (num(1), num(2), num(3), num(4)) {
                    let pts = contour.get_or_insert_with(Vec::new);
                    let end = PointMm::new(x, y);
                    let start = *pts.last().unwrap_or(&end);
                    let cw = matches!(words.get(5), Some(&"Y") | Some(&"y"));
                    crate::cam::arc_into(pts, start, end, PointMm::new(cx, cy), cw);
                }
            }
            "CE" => {
                if let (Some(c), Some(last)) = (contour.take(), out.last_mut()) {
                    *last = c;
                }
            }
            "RC" => {
                if let (Some(x), Some(y), Some(w), Some(h), Some(last)) =
                    (num(1), num(2), num(3), num(4), out.last_mut())
                {
                    *last = vec![
                        PointMm::new(x, y),
                        PointMm::new(x + w, y),
                        PointMm::new(x + w, y + h),
                        PointMm::new(x, y + h),
                    ];
                }
            }
            "SQ" => {
                if let (Some(x), Some(y), Some(h), Some(last)) =
                    (num(1), num(2), num(3), out.last_mut())
                {
                    *last = vec![
                        PointMm::new(x - h, y - h),
                        PointMm::new(x + h, y - h),
                        PointMm::new(x + h, y + h),
                        PointMm::new(x - h, y + h),
                    ];
                }
            }
            "CR" => {
                if let (Some(x), Some(y), Some(r), Some(last)) =
                    (num(1), num(2), num(3), out.last_mut())
                {
                    *last = crate::geometry::circle_ring(PointMm::new(x, y), r, 64);
                }
            }
            _ => {}
        }
    }
    out
}

/// A feature that `eda/data` ties to a subnet: (layer name from the `LYR` list, lower
/// case; feature number in that layer's features file).
pub type FeatureId = (String, usize);

/// The subnets of `eda/data` (`SNT` records and their `FID` features).
#[derive(Debug, Default)]
pub struct Subnets {
    /// (net index, subnet index within the net) -> its features (copper `C` and hole
    /// `H` alike). A toeprint names its subnet, so this is the file's own link from a
    /// component pin to its pads, mask and paste openings and drill on every layer.
    pub features: HashMap<(usize, usize), Vec<FeatureId>>,
    /// The hole of each `SNT VIA` subnet (its `FID H`) -> the index of its `NET` (as in
    /// [`net_names`]).
    pub via_nets: HashMap<FeatureId, usize>,
}

pub fn subnets(text: &str) -> Subnets {
    let mut layers: Vec<&str> = Vec::new();
    let mut net: Option<usize> = None;
    let mut subnet: Option<usize> = None;
    let mut in_via = false;
    let mut out = Subnets::default();
    let mut words: Vec<&str> = Vec::new();
    for line in lines(text) {
        split_words(semicolon(line).map_or(line, |k| &line[..k]), &mut words);
        match words.as_slice() {
            ["LYR", names @ ..] => layers = names.to_vec(),
            ["NET", ..] => {
                net = Some(net.map_or(0, |n| n + 1));
                subnet = None;
                in_via = false;
            }
            ["SNT", kind, ..] => {
                subnet = Some(subnet.map_or(0, |s| s + 1));
                in_via = *kind == "VIA";
            }
            ["FID", kind, layer, feature, ..] => {
                let name = layer.parse::<usize>().ok().and_then(|i| layers.get(i));
                let (Some(name), Ok(f), Some(n)) = (name, feature.parse::<usize>(), net) else {
                    continue;
                };
                let id = (name.to_ascii_lowercase(), f);
                if in_via && *kind == "H" {
                    out.via_nets.insert(id.clone(), n);
                }
                if let Some(s) = subnet {
                    out.features.entry((n, s)).or_default().push(id);
                }
            }
            _ => in_via = false,
        }
    }
    out
}

/// Net names of `eda/data`, in `NET` order.
pub fn net_names(text: &str) -> Vec<String> {
    lines(text)
        .filter_map(|l| l.strip_prefix("NET "))
        .map(|rest| rest.split(';').next().unwrap_or("").trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_those_of_split_whitespace() {
        let lines = [
            "",
            "   ",
            "P 1.5 -2.25 3 P 0 8 45.0",
            "\tL  1 2\x0b3 4\x0c5 P 0\r",
            " OB 1 2 I ",
            "CMP 0 1 2 0 N 'R 1' \u{a0}x\u{3000}y\u{85}z é",
            "PRP VALUE '10k\u{2009}ohm' ",
            "\x1c\x1f unit separators are words\x1e",
        ];
        let mut words = Vec::new();
        for line in lines {
            split_words(line, &mut words);
            let expected: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(words, expected, "{line:?}");
        }
    }

    #[test]
    fn lines_are_those_of_str_lines() {
        let texts = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "a\r\nb\rc\n\r\n\rd",
            "P 1 2\nL 3 4\r\n\n#\u{e9}\r\r\nend",
        ];
        for text in texts {
            let got: Vec<&str> = lines(text).collect();
            let expected: Vec<&str> = text.lines().collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn semicolon_is_the_first() {
        for line in ["P 1 2 3 P 0 0;1=2;3", "é;", ";", "L 1 2", ""] {
            assert_eq!(semicolon(line), line.find(';'), "{line:?}");
        }
        assert_eq!(semicolon("P 0 0;1=2;3"), Some(5));
    }
}
