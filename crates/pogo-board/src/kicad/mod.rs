//! The KiCad `.kicad_pcb` reader, formats 20171130 (KiCad 5) to 2024xxxx (KiCad 9).
//!
//! One pass over the token stream of [`crate::sexpr::Lexer`]: lists the board model
//! needs are read field by field, everything else (tracks, zones, text, groups,
//! unknown future keywords) is skipped by bracket counting. Coordinates are converted
//! to KiCad's integer nanometres as KiCad does (`KiROUND(mm * 1e6)`), footprint
//! children are placed with KiCad's own rotation rounding, and only then turned into
//! millimetres for the model.

mod chunks;
mod geom;

use crate::error::{BoardError, Result};
use crate::model::*;
use crate::sexpr::{Kind, Lexer, Token, parse_number};
use geom::{Arc, BoxNm, Nm, Shape};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

pub use geom::{norm_180, norm_pos};

/// Reads a KiCad board from its text. `name` is used in errors and as
/// [`Board::source_name`].
pub fn read(name: &str, text: &str) -> Result<Board> {
    read_bytes(name, text.as_bytes())
}

/// Reads a KiCad board from bytes (UTF-8 is checked only where text is kept).
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Board> {
    let mut r = Reader::new(name, bytes);
    r.board()
}

/// The newest format KiCad 6 reads (KiCad 6.0); newer files follow KiCad 7-9's rules.
const KICAD6_VERSION: u32 = 20211014;

/// Board items KiCad's reader knows (KiCad 3 to 10) that pogo does not model: skipped,
/// with their numbers checked. KiCad refuses any other item ("Unknown token").
const KNOWN_TOP_LEVEL: &[&[u8]] = &[
    b"paper",
    b"page",
    b"title_block",
    b"property",
    b"variants",
    b"image",
    b"barcode",
    b"gr_text",
    b"gr_text_box",
    b"table",
    b"dimension",
    b"segment",
    b"arc",
    b"group",
    b"generated",
    b"zone",
    b"target",
    b"point",
    b"embedded_fonts",
    b"embedded_files",
];

/// KiCad's default pad hole, 30 mil, in nanometres.
const DEFAULT_DRILL_NM: i64 = 762_000;

/// One item inside a list.
enum Item<'a> {
    /// A sub-list, its head keyword and the offset of its `(`.
    List(&'a [u8], usize),
    Atom(Token),
    End,
}

struct PendingPad {
    pad: Pad,
    local: Nm,
    net_num: Option<i64>,
    net_name: Option<String>,
}

/// The board's nets: in order of declaration, by number and by name.
#[derive(Clone, Default)]
struct NetTable {
    nets: Vec<Net>,
    by_num: HashMap<i64, NetId>,
    by_name: HashMap<String, NetId>,
}

#[derive(Default)]
struct Setup {
    /// Default net class via drills from `(setup (via_drill) (uvia_drill))` (KiCad <= 5).
    via_drill_nm: Option<i64>,
    uvia_drill_nm: Option<i64>,
    via_tented_front: Option<bool>,
    via_tented_back: Option<bool>,
    vias_on_mask: Option<bool>,
    stackup_thickness_nm: i64,
    stackup_seen: bool,
}

struct Reader<'a> {
    lx: Lexer<'a>,
    version: u32,
    generator: String,
    generator_version: Option<String>,
    thickness_nm: Option<i64>,
    layers: Vec<Layer>,
    copper: Vec<String>,
    /// The nets (the header's table, then any declared on the fly): owned by the
    /// reader of the whole board, borrowed from it by the readers of its chunks.
    net_table: Cow<'a, NetTable>,
    footprints: Vec<Footprint>,
    pads: Vec<Pad>,
    vias: Vec<Via>,
    /// Vias' own tenting: (front, back), `None` = board default.
    via_tenting: Vec<(Option<bool>, Option<bool>)>,
    edges: Vec<Shape>,
    setup: Setup,
    /// Layer names the file uses for KiCad's fixed layers, where they differ from the
    /// canonical name: KiCad 4/5 copper layers named by the user (`(0 C1F signal)` is
    /// `F.Cu`), and the translated technical layer names of format 3 files.
    layer_alias: HashMap<String, String>,
    /// KiCad <= 5 `(net_class NAME ...)` blocks: name -> (via drill, micro-via drill).
    net_classes: HashMap<String, (Option<i64>, Option<i64>)>,
    /// Net name -> its net class, from the `(add_net ...)` of those blocks.
    net_class_of: HashMap<String, String>,
    /// Vias that give no `(drill)` (KiCad <= 5: the net class's drill): their indices.
    vias_without_drill: Vec<usize>,
    /// Board items of at least this many bytes are read in parallel chunks.
    chunked_from_bytes: usize,
    /// Whether they were.
    read_in_chunks: bool,
}

fn is_num_token(lx: &Lexer, t: Token) -> bool {
    t.kind == Kind::Symbol && parse_number(lx.bytes(t)).is_some()
}

impl<'a> Reader<'a> {
    fn new(name: &'a str, src: &'a [u8]) -> Self {
        Reader {
            lx: Lexer::new(name, src),
            version: 0,
            generator: String::new(),
            generator_version: None,
            thickness_nm: None,
            layers: Vec::new(),
            copper: Vec::new(),
            net_table: Cow::Owned(NetTable::default()),
            footprints: Vec::new(),
            pads: Vec::new(),
            vias: Vec::new(),
            via_tenting: Vec::new(),
            edges: Vec::new(),
            setup: Setup::default(),
            layer_alias: HashMap::new(),
            net_classes: HashMap::new(),
            net_class_of: HashMap::new(),
            vias_without_drill: Vec::new(),
            chunked_from_bytes: chunks::CHUNKED_FROM_BYTES,
            read_in_chunks: false,
        }
    }

    // ---- token helpers -------------------------------------------------------------

    fn err(&self, t: Token, expected: &str) -> BoardError {
        self.lx.error_token(t, expected)
    }

    /// The next item of the list opened at `open`.
    #[inline]
    fn item(&mut self, open: usize) -> Result<Item<'a>> {
        let t = self.lx.next_token()?;
        match t.kind {
            Kind::Open => {
                let h = self.lx.next_token()?;
                if h.kind != Kind::Symbol {
                    return Err(self.err(h, "a keyword after '('"));
                }
                Ok(Item::List(self.lx.bytes(h), t.start))
            }
            Kind::Close => Ok(Item::End),
            Kind::Symbol | Kind::Str => Ok(Item::Atom(t)),
            Kind::Eof => {
                let line_hint = self.lx.error_at(open, 1, "", "");
                let at = match &line_hint {
                    BoardError::Syntax { line, column, .. } => {
                        format!("line {line}, column {column}")
                    }
                    _ => String::new(),
                };
                Err(self.lx.error_at(
                    t.start,
                    0,
                    &format!("')' closing the list opened at {at}"),
                    "end of file",
                ))
            }
        }
    }

    /// Skips the rest of the list opened at `open`.
    fn skip(&mut self, open: usize) -> Result<()> {
        self.lx.skip_rest(open)
    }

    /// Skips whatever is left in the list opened at `open` (atoms and sub-lists).
    fn finish(&mut self, open: usize) -> Result<()> {
        self.skip(open)
    }

    fn number(&mut self, what: &str) -> Result<f64> {
        let t = self.lx.next_token()?;
        if t.kind == Kind::Symbol
            && let Some(v) = parse_number(self.lx.bytes(t))
        {
            return Ok(v);
        }
        Err(self.err(t, what))
    }

    /// The next token as an integer of type `T`, or an error expecting `what`.
    fn integer<T: std::str::FromStr>(&mut self, what: &str) -> Result<T> {
        let t = self.lx.next_token()?;
        (t.kind == Kind::Symbol)
            .then(|| {
                std::str::from_utf8(self.lx.bytes(t))
                    .ok()?
                    .parse::<T>()
                    .ok()
            })
            .flatten()
            .ok_or_else(|| self.err(t, what))
    }

    fn nm(&mut self, what: &str) -> Result<i64> {
        Ok(geom::mm_to_nm(self.number(what)?))
    }

    fn point(&mut self) -> Result<Nm> {
        let x = self.nm("an x coordinate (mm)")?;
        let y = self.nm("a y coordinate (mm)")?;
        Ok(Nm::new(x, y))
    }

    /// Reads `x y)` of a `(start x y)`-like list, tolerating extra trailing items.
    fn point_list(&mut self, open: usize) -> Result<Nm> {
        let p = self.point()?;
        self.finish(open)?;
        Ok(p)
    }

    /// Reads `x y [angle] ...)` of an `(at ...)`.
    fn at_list(&mut self, open: usize) -> Result<(Nm, f64)> {
        let p = self.point()?;
        let mut angle = 0.0;
        loop {
            match self.item(open)? {
                Item::End => break,
                Item::Atom(t) => {
                    if let Some(v) = (t.kind == Kind::Symbol)
                        .then(|| parse_number(self.lx.bytes(t)))
                        .flatten()
                    {
                        angle = v;
                    }
                }
                Item::List(_, o) => self.skip(o)?,
            }
        }
        Ok((p, angle))
    }

    fn text(&mut self, what: &str) -> Result<Cow<'a, str>> {
        let t = self.lx.next_token()?;
        match t.kind {
            Kind::Symbol | Kind::Str => self.lx.text(t),
            _ => Err(self.err(t, what)),
        }
    }

    /// The text of the next item of the list opened at `open` when it is an atom (`""`
    /// when the list ends or a list comes first), the rest of the list skipped.
    fn optional_text(&mut self, open: usize) -> Result<String> {
        match self.item(open)? {
            Item::Atom(t) => {
                let s = self.lx.text(t)?.into_owned();
                self.finish(open)?;
                Ok(s)
            }
            Item::End => Ok(String::new()),
            Item::List(_, l) => {
                self.skip(l)?;
                self.finish(open)?;
                Ok(String::new())
            }
        }
    }

    /// A single value list such as `(layer F.Cu)` or `(net 3 "x")`: every atom's text.
    fn atoms(&mut self, open: usize) -> Result<Vec<Cow<'a, str>>> {
        let mut out = Vec::new();
        loop {
            match self.item(open)? {
                Item::End => return Ok(out),
                Item::Atom(t) => out.push(self.lx.text(t)?),
                Item::List(_, o) => self.skip(o)?,
            }
        }
    }

    fn yes_no(&mut self, open: usize) -> Result<Option<bool>> {
        let a = self.atoms(open)?;
        Ok(match a.first().map(|s| s.as_ref()) {
            Some("yes") | Some("true") => Some(true),
            Some("no") | Some("false") => Some(false),
            None => Some(true),
            _ => None,
        })
    }

    /// A stroke width from `(width w)` or `(stroke (width w) ...)`.
    fn stroke_width(&mut self, head: &[u8], open: usize) -> Result<Option<i64>> {
        match head {
            b"width" => {
                let w = self.nm("a line width (mm)")?;
                self.finish(open)?;
                Ok(Some(w))
            }
            b"stroke" => {
                let mut w = None;
                loop {
                    match self.item(open)? {
                        Item::End => break,
                        Item::Atom(_) => {}
                        Item::List(b"width", o) => {
                            w = Some(self.nm("a line width (mm)")?);
                            self.finish(o)?;
                        }
                        Item::List(_, o) => self.skip(o)?,
                    }
                }
                Ok(w)
            }
            _ => Ok(None),
        }
    }

    // ---- the board -----------------------------------------------------------------

    fn board(&mut self) -> Result<Board> {
        let t = self.lx.next_token()?;
        if t.kind != Kind::Open {
            return Err(self.err(t, "'(kicad_pcb' at the start of a KiCad board"));
        }
        let h = self.lx.next_token()?;
        if h.kind != Kind::Symbol || self.lx.bytes(h) != b"kicad_pcb" {
            return Err(self.err(h, "'kicad_pcb' (a KiCad board file)"));
        }
        let open = t.start;
        let mut header = true;
        loop {
            match self.item(open)? {
                Item::End => break,
                Item::Atom(a) => return Err(self.err(a, "'(' starting a board item")),
                Item::List(head, o) => {
                    // After the header's tables, a large board's items are read in
                    // parallel chunks when they can be (else serially, below).
                    if header && chunks::starts_items(head) {
                        header = false;
                        if self.read_chunks(open, o) {
                            self.read_in_chunks = true;
                            break;
                        }
                    }
                    self.top_item(head, o)?
                }
            }
        }
        // KiCad reads the board's list and nothing after it: lists that follow the
        // closing ')' are not part of the board.
        if self.version == 0 {
            return Err(self
                .lx
                .error_at(open, 1, "a (version N) in the board", "none"));
        }
        Ok(self.finish_board())
    }

    fn top_item(&mut self, head: &'a [u8], o: usize) -> Result<()> {
        match head {
            b"version" => {
                self.version = self.integer("a format version number like 20241229")?;
                self.finish(o)
            }
            b"host" | b"generator" => {
                let a = self.atoms(o)?;
                if let Some(g) = a.first() {
                    self.generator = g.to_string();
                }
                if head == b"host"
                    && let Some(v) = a.get(1)
                {
                    self.generator_version = Some(v.to_string());
                }
                Ok(())
            }
            b"generator_version" => {
                let a = self.atoms(o)?;
                self.generator_version = a.first().map(|s| s.to_string());
                Ok(())
            }
            b"general" => loop {
                match self.item(o)? {
                    Item::End => return Ok(()),
                    Item::Atom(_) => {}
                    Item::List(b"thickness", t) => {
                        self.thickness_nm = Some(self.nm("a board thickness (mm)")?);
                        self.finish(t)?;
                    }
                    Item::List(_, t) => self.skip(t)?,
                }
            },
            b"layers" => self.layers_list(o),
            b"setup" => self.setup_list(o),
            b"net" => {
                let num: i64 = self.integer("a net number")?;
                let name = self.optional_text(o)?;
                let name = self.net_name_as_kicad(name);
                let id = self.net_named(&name);
                self.net_table.to_mut().by_num.insert(num, id);
                Ok(())
            }
            b"net_class" => self.net_class(o),
            b"footprint" | b"module" => self.footprint(o),
            b"via" => self.via(o),
            b"gr_line" | b"gr_arc" | b"gr_circle" | b"gr_rect" | b"gr_poly" | b"gr_curve" => {
                let (shape, layer) = self.graphic(head, o, &mut None)?;
                if layer.as_deref() == Some("Edge.Cuts")
                    && let Some(s) = shape
                {
                    self.edges.push(s);
                }
                Ok(())
            }
            _ if KNOWN_TOP_LEVEL.contains(&head) => self.skip(o),
            _ => Err(self.lx.error_at(
                self.lx.pos() - head.len(),
                head.len().max(1),
                "a board item KiCad knows (footprint, via, segment, zone, gr_line, ...)",
                &format!("unknown token `{}`", String::from_utf8_lossy(head)),
            )),
        }
    }

    /// KiCad converts net names of files older than 20210606 from the old overbar
    /// notation (`~RESET` or `~RESET~`) to the new one (`~{RESET}`).
    fn net_name_as_kicad(&self, name: String) -> String {
        if self.version < 20210606 && name.contains('~') {
            convert_overbar(&name)
        } else {
            name
        }
    }

    /// A via's or pad's `(layers "F.Cu" "F.Mask" ...)`: each layer's canonical name.
    fn layer_names(&mut self, open: usize) -> Result<Vec<String>> {
        Ok(self
            .atoms(open)?
            .iter()
            .map(|s| self.canonical_layer(s).to_string())
            .collect())
    }

    /// The canonical name of a layer as the file names it.
    fn canonical_layer<'s>(&'s self, name: &'s str) -> &'s str {
        if self.layer_alias.is_empty() {
            return name;
        }
        self.layer_alias.get(name).map_or(name, |s| s.as_str())
    }

    /// KiCad <= 5 `(net_class NAME "description" (via_drill D) (uvia_drill D) (add_net N)
    /// ...)`: the class's via drills, and the class of each net it lists.
    fn net_class(&mut self, o: usize) -> Result<()> {
        let name = self.text("a net class name")?.into_owned();
        let mut drills = (None, None);
        let mut members = Vec::new();
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(_) => {}
                Item::List(h @ (b"via_drill" | b"uvia_drill"), l) => {
                    let d = self.nm("a via drill (mm)")?;
                    self.finish(l)?;
                    if h == b"via_drill" {
                        drills.0 = Some(d);
                    } else {
                        drills.1 = Some(d);
                    }
                }
                Item::List(b"add_net", l) => {
                    if let Some(n) = self.atoms(l)?.first() {
                        members.push(self.net_name_as_kicad(n.to_string()));
                    }
                }
                Item::List(_, l) => self.skip(l)?,
            }
        }
        for net in members {
            if !net.is_empty() {
                self.net_class_of.insert(net, name.clone());
            }
        }
        self.net_classes.insert(name, drills);
        Ok(())
    }

    fn net_named(&mut self, name: &str) -> NetId {
        if let Some(id) = self.net_table.by_name.get(name) {
            return *id;
        }
        let table = self.net_table.to_mut();
        let id = NetId(table.nets.len() as u32);
        table.nets.push(Net {
            name: name.to_string(),
            class: None,
        });
        table.by_name.insert(name.to_string(), id);
        id
    }

    /// `(layers (0 "F.Cu" signal) ... (44 "Edge.Cuts" user))`. As KiCad does, the
    /// leading copper layers (signal, power, mixed, jumper) are F.Cu, In1.Cu, ...,
    /// B.Cu by their place in the list, whatever the file calls them (KiCad 4/5 files
    /// name them freely, e.g. `(0 Top signal)`); other layers go by name, with the
    /// translated names of format 3 files mapped to KiCad's.
    fn layers_list(&mut self, o: usize) -> Result<()> {
        let first = self.layers.len();
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(_) => {}
                Item::List(head, l) => {
                    let ordinal = std::str::from_utf8(head)
                        .ok()
                        .and_then(|s| s.parse::<i32>().ok());
                    let a = self.atoms(l)?;
                    let Some(ordinal) = ordinal else { continue };
                    let name = a.first().map(|s| s.to_string()).unwrap_or_default();
                    let kind = a.get(1).map(|s| s.to_string()).unwrap_or_default();
                    let user_name = a.get(2).filter(|s| *s != "hide").map(|s| s.to_string());
                    self.layers.push(Layer {
                        ordinal,
                        name,
                        kind,
                        user_name,
                    });
                }
            }
        }
        let layers = &mut self.layers[first..];
        let n_cu = layers
            .iter()
            .take_while(|l| matches!(l.kind.as_str(), "signal" | "power" | "mixed" | "jumper"))
            .count();
        for (i, layer) in layers.iter_mut().enumerate() {
            let canonical = if i < n_cu {
                if i + 1 == n_cu && n_cu > 1 {
                    "B.Cu".to_string()
                } else if i == 0 {
                    "F.Cu".to_string()
                } else if is_inner_copper_name(&layer.name) {
                    layer.name.clone()
                } else {
                    format!("In{i}.Cu")
                }
            } else {
                match old_layer_name(&layer.name) {
                    Some(c) => c.to_string(),
                    None => continue,
                }
            };
            if canonical != layer.name {
                let file_name = std::mem::replace(&mut layer.name, canonical.clone());
                if layer.user_name.is_none() {
                    layer.user_name = Some(file_name.clone());
                }
                self.layer_alias.insert(file_name, canonical);
            }
        }
        self.copper
            .extend(layers[..n_cu].iter().map(|l| l.name.clone()));
        Ok(())
    }

    fn setup_list(&mut self, o: usize) -> Result<()> {
        loop {
            match self.item(o)? {
                Item::End => return Ok(()),
                Item::Atom(_) => {}
                Item::List(b"stackup", s) => self.stackup(s)?,
                Item::List(h @ (b"via_drill" | b"uvia_drill"), v) => {
                    let d = self.nm("a via drill (mm)")?;
                    self.finish(v)?;
                    if h == b"via_drill" {
                        self.setup.via_drill_nm = Some(d);
                    } else {
                        self.setup.uvia_drill_nm = Some(d);
                    }
                }
                Item::List(b"tenting", t) => {
                    let a = self.atoms(t)?;
                    self.setup.via_tented_front = Some(a.iter().any(|s| s == "front"));
                    self.setup.via_tented_back = Some(a.iter().any(|s| s == "back"));
                }
                Item::List(b"pcbplotparams", p) => loop {
                    match self.item(p)? {
                        Item::End => break,
                        Item::Atom(_) => {}
                        Item::List(b"viasonmask", v) => self.setup.vias_on_mask = self.yes_no(v)?,
                        Item::List(_, v) => self.skip(v)?,
                    }
                },
                Item::List(_, s) => self.skip(s)?,
            }
        }
    }

    fn stackup(&mut self, o: usize) -> Result<()> {
        self.setup.stackup_seen = true;
        loop {
            match self.item(o)? {
                Item::End => return Ok(()),
                Item::Atom(_) => {}
                Item::List(b"layer", l) => loop {
                    match self.item(l)? {
                        Item::End => break,
                        Item::Atom(_) => {}
                        Item::List(b"thickness", t) => {
                            self.setup.stackup_thickness_nm += self.nm("a layer thickness (mm)")?;
                            self.finish(t)?;
                        }
                        Item::List(_, t) => self.skip(t)?,
                    }
                },
                Item::List(_, l) => self.skip(l)?,
            }
        }
    }

    // ---- graphics ------------------------------------------------------------------

    /// Reads a `gr_*` / `fp_*` graphic or a pad primitive (head already read). Returns
    /// the shape in file coordinates (footprint- or pad-local) and its layer; `(fill ...)`
    /// (`yes|solid|true` / `no|none|false`) goes to `fill`. KiCad 5/6 arcs use
    /// `(start CENTER) (end START) (angle A)`.
    fn graphic(
        &mut self,
        head: &[u8],
        o: usize,
        fill: &mut Option<bool>,
    ) -> Result<(Option<Shape>, Option<String>)> {
        let kind = &head[3..];
        let mut start = None;
        let mut mid = None;
        let mut end = None;
        let mut center = None;
        let mut angle = None;
        let mut width = 0i64;
        let mut layer = None;
        let mut pts: Vec<Nm> = Vec::new();
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(_) => {}
                Item::List(h, l) => match h {
                    b"start" => start = Some(self.point_list(l)?),
                    b"mid" => mid = Some(self.point_list(l)?),
                    b"end" => end = Some(self.point_list(l)?),
                    b"center" => center = Some(self.point_list(l)?),
                    b"angle" => {
                        angle = Some(self.number("an angle (degrees)")?);
                        self.finish(l)?;
                    }
                    b"layer" => {
                        let a = self.atoms(l)?;
                        layer = a.first().map(|s| self.canonical_layer(s).to_string());
                    }
                    b"width" | b"stroke" => {
                        if let Some(w) = self.stroke_width(h, l)? {
                            width = w;
                        }
                    }
                    b"fill" => {
                        let a = self.atoms(l)?;
                        *fill = match a.first().map(|s| s.as_ref()) {
                            Some("yes" | "solid" | "true") => Some(true),
                            Some("no" | "none" | "false") => Some(false),
                            _ => None,
                        };
                    }
                    b"pts" => pts = self.pts(l)?.0,
                    _ => self.skip(l)?,
                },
            }
        }
        let shape = match kind {
            b"line" => match (start, end) {
                (Some(a), Some(b)) => Some(Shape::Segment { a, b, width }),
                _ => None,
            },
            b"rect" => match (start, end) {
                (Some(a), Some(b)) => Some(Shape::Rect { a, b, width }),
                _ => None,
            },
            b"circle" => match (center, end) {
                (Some(c), Some(e)) => {
                    let r = ((e.x - c.x) as f64).hypot((e.y - c.y) as f64);
                    Some(Shape::Circle {
                        center: c,
                        radius: r,
                        width,
                    })
                }
                _ => None,
            },
            b"arc" => match (start, mid, end, angle) {
                (Some(s), Some(m), Some(e), _) => Some(Shape::Arc {
                    arc: Arc {
                        start: s,
                        mid: m,
                        end: e,
                    },
                    width,
                }),
                // KiCad 5: (start CENTER) (end ARC_START) (angle A).
                (Some(c), None, Some(s), Some(a)) => Some(Shape::Arc {
                    arc: Arc::from_center(c, s, a),
                    width,
                }),
                _ => None,
            },
            b"poly" if pts.len() >= 2 => Some(Shape::Poly { pts, width }),
            // KiCad's box of a Bezier curve holds its control points.
            b"curve" if pts.len() >= 2 => Some(Shape::Path {
                pts: bezier(&pts),
                hull: pts,
                width,
            }),
            _ => None,
        };
        Ok((shape, layer))
    }

    /// `(pts (xy x y) ... (arc (start) (mid) (end)))`: the points, arcs flattened.
    fn pts(&mut self, o: usize) -> Result<(Vec<Nm>, bool)> {
        let mut pts = Vec::new();
        let mut arcs = false;
        loop {
            match self.item(o)? {
                Item::End => return Ok((pts, arcs)),
                Item::Atom(t) => return Err(self.err(t, "(xy x y) or (arc ...)")),
                Item::List(b"xy", l) => pts.push(self.point_list(l)?),
                Item::List(b"arc", l) => {
                    arcs = true;
                    let (mut s, mut m, mut e) = (None, None, None);
                    loop {
                        match self.item(l)? {
                            Item::End => break,
                            Item::Atom(_) => {}
                            Item::List(b"start", p) => s = Some(self.point_list(p)?),
                            Item::List(b"mid", p) => m = Some(self.point_list(p)?),
                            Item::List(b"end", p) => e = Some(self.point_list(p)?),
                            Item::List(_, p) => self.skip(p)?,
                        }
                    }
                    if let (Some(s), Some(m), Some(e)) = (s, m, e) {
                        let flat = Arc {
                            start: s,
                            mid: m,
                            end: e,
                        }
                        .flatten(1000.0);
                        if pts.last() == Some(&s) {
                            pts.extend_from_slice(&flat[1..]);
                        } else {
                            pts.extend_from_slice(&flat);
                        }
                    }
                }
                Item::List(_, l) => self.skip(l)?,
            }
        }
    }

    // ---- vias ----------------------------------------------------------------------

    fn via(&mut self, o: usize) -> Result<()> {
        let mut pos = None;
        let mut size = 0;
        let mut drill = None;
        let mut layers: Vec<String> = Vec::new();
        let mut via_type = "through";
        let mut net = None;
        let mut tent = (None, None);
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(t) => match self.lx.bytes(t) {
                    b"blind" => via_type = "blind",
                    b"micro" => via_type = "micro",
                    _ => {}
                },
                Item::List(h, l) => match h {
                    b"at" => pos = Some(self.at_list(l)?.0),
                    b"size" => {
                        size = self.nm("a via diameter (mm)")?;
                        self.finish(l)?;
                    }
                    b"drill" => {
                        drill = Some(self.nm("a via drill (mm)")?);
                        self.finish(l)?;
                    }
                    b"layers" => layers = self.layer_names(l)?,
                    b"net" => net = self.net_ref(l)?,
                    b"tenting" => tent = self.via_tenting(l)?,
                    _ => self.skip(l)?,
                },
            }
        }
        let Some(pos) = pos else {
            return Err(self.lx.error_at(o, 4, "an (at x y) in this via", "none"));
        };
        let first = layers.first().cloned().unwrap_or_else(|| "F.Cu".into());
        let last = layers.get(1).cloned().unwrap_or_else(|| "B.Cu".into());
        let via_type = if via_type == "blind" && first != "F.Cu" && last != "B.Cu" {
            "buried"
        } else {
            via_type
        };
        if drill.is_none() {
            self.vias_without_drill.push(self.vias.len());
        }
        self.vias.push(Via {
            position: pos.mm(),
            diameter_mm: geom::nm_to_mm(size),
            drill_mm: geom::nm_to_mm(drill.unwrap_or(0)),
            layers: (first, last),
            via_type: via_type.to_string(),
            net,
            front_mask_open: false,
            back_mask_open: false,
        });
        self.via_tenting.push(tent);
        Ok(())
    }

    /// KiCad 9 via tenting: `(tenting front back)` or `(tenting (front yes) (back no))`.
    fn via_tenting(&mut self, o: usize) -> Result<(Option<bool>, Option<bool>)> {
        let mut out = (Some(false), Some(false));
        let mut listed = false;
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(t) => match self.lx.bytes(t) {
                    b"front" => out.0 = Some(true),
                    b"back" => out.1 = Some(true),
                    _ => {}
                },
                Item::List(b"front", l) => {
                    listed = true;
                    out.0 = self.yes_no(l)?;
                }
                Item::List(b"back", l) => {
                    listed = true;
                    out.1 = self.yes_no(l)?;
                }
                Item::List(_, l) => self.skip(l)?,
            }
        }
        let _ = listed;
        Ok(out)
    }

    /// `(net N ["name"])` or `(net "name")`: the net it names (`None` for net 0 / "").
    fn net_ref(&mut self, o: usize) -> Result<Option<NetId>> {
        let a = self.atoms(o)?;
        Ok(self.resolve_net(a.first().map(|s| s.as_ref()), a.get(1).map(|s| s.as_ref())))
    }

    fn resolve_net(&mut self, first: Option<&str>, second: Option<&str>) -> Option<NetId> {
        let first = first?;
        match first.parse::<i64>() {
            Ok(num) => self.net_by_number(num, second),
            // KiCad 10: nets by name only.
            Err(_) => (!first.is_empty()).then(|| self.net_named(first)),
        }
    }

    /// The net numbered `num` in the file's net table (declared on the fly, with
    /// `name`, when the table lacks it); `None` for the unnamed net.
    fn net_by_number(&mut self, num: i64, name: Option<&str>) -> Option<NetId> {
        let table = &self.net_table;
        let id = match table.by_num.get(&num) {
            // KiCad leaves a pad whose net name disagrees with the net table's name for
            // that number unconnected ("orphaned").
            Some(id) if name.is_some_and(|n| n != table.nets[id.0 as usize].name) => return None,
            Some(id) => *id,
            None => {
                let id = self.net_named(name.unwrap_or(""));
                self.net_table.to_mut().by_num.insert(num, id);
                id
            }
        };
        (!self.net_table.nets[id.0 as usize].name.is_empty()).then_some(id)
    }

    // ---- footprints ----------------------------------------------------------------

    fn footprint(&mut self, o: usize) -> Result<()> {
        let mut lib_id = String::new();
        let mut side = Side::Top;
        let mut pos = Nm::default();
        let mut angle = 0.0;
        let mut attributes = FootprintAttributes::default();
        let mut properties = BTreeMap::new();
        let mut pads: Vec<PendingPad> = Vec::new();
        let mut graphics: Vec<(Shape, String)> = Vec::new();
        let mut model_offset_z: Option<f64> = None;
        let mut first = true;
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(t) => {
                    if first && lib_id.is_empty() && t.kind != Kind::Close {
                        lib_id = self.lx.text(t)?.into_owned();
                    }
                }
                Item::List(h, l) => match h {
                    b"layer" => {
                        let a = self.atoms(l)?;
                        if a.first()
                            .is_some_and(|s| self.canonical_layer(s).starts_with("B."))
                        {
                            side = Side::Bottom;
                        }
                    }
                    b"at" => (pos, angle) = self.at_list(l)?,
                    b"property" => {
                        let k = self.text("a property name")?.into_owned();
                        let v = self.optional_text(l)?;
                        properties.insert(k, v);
                    }
                    b"fp_text" => {
                        let kind = self.text("a text kind (reference, value, user)")?;
                        let kind = match kind.as_ref() {
                            "reference" => Some("Reference"),
                            "value" => Some("Value"),
                            _ => None,
                        };
                        let value = match self.item(l)? {
                            Item::Atom(t) => Some(self.lx.text(t)?.into_owned()),
                            Item::End => {
                                if let Some(k) = kind {
                                    properties.entry(k.to_string()).or_insert_with(String::new);
                                }
                                first = false;
                                continue;
                            }
                            Item::List(_, x) => {
                                self.skip(x)?;
                                None
                            }
                        };
                        self.finish(l)?;
                        if let (Some(k), Some(v)) = (kind, value) {
                            properties.insert(k.to_string(), v);
                        }
                    }
                    b"attr" => {
                        for a in self.atoms(l)? {
                            match a.as_ref() {
                                "smd" => attributes.smd = true,
                                "through_hole" => attributes.through_hole = true,
                                "board_only" => attributes.board_only = true,
                                "exclude_from_pos_files" => {
                                    attributes.exclude_from_pos_files = true
                                }
                                "exclude_from_bom" => attributes.exclude_from_bom = true,
                                "dnp" => attributes.dnp = true,
                                "allow_missing_courtyard" => {
                                    attributes.allow_missing_courtyard = true
                                }
                                // KiCad 5: a part not placed by machine, not in the BOM.
                                "virtual" => {
                                    attributes.exclude_from_pos_files = true;
                                    attributes.exclude_from_bom = true;
                                }
                                _ => {}
                            }
                        }
                    }
                    b"pad" => pads.push(self.pad(l)?),
                    b"fp_line" | b"fp_arc" | b"fp_circle" | b"fp_rect" | b"fp_poly"
                    | b"fp_curve" => {
                        let (shape, layer) = self.graphic(h, l, &mut None)?;
                        if let (Some(s), Some(layer)) = (shape, layer)
                            && (layer == "Edge.Cuts"
                                || layer.ends_with(".CrtYd")
                                || layer.ends_with(".Fab")
                                || layer.ends_with(".SilkS"))
                        {
                            graphics.push((s, layer));
                        }
                    }
                    b"model" => model_offset_z = self.model(l)?.or(model_offset_z),
                    _ => self.skip(l)?,
                },
            }
            first = false;
        }
        if self.version < 20200826 && attributes == FootprintAttributes::default() {
            // KiCad 5 without (attr): a normal (through-hole) part.
            attributes.through_hole = true;
        }
        let fp_index = self.footprints.len();
        let reference = properties.get("Reference").cloned().unwrap_or_default();
        let value = properties.get("Value").cloned().unwrap_or_default();
        let pad_start = self.pads.len();
        for pp in pads {
            let PendingPad {
                mut pad,
                local,
                net_num,
                net_name,
            } = pp;
            pad.position = geom::rotate(local, angle).add(pos).mm();
            pad.footprint = Some(fp_index);
            pad.reference = reference.clone();
            pad.net = match net_num {
                Some(n) => self.net_by_number(n, net_name.as_deref()),
                None => net_name
                    .as_deref()
                    .and_then(|name| self.resolve_net(Some(name), None)),
            };
            self.pads.push(pad);
        }
        // Graphics: place them, then sort into courtyard, fab and board edge.
        let mut crt = BoxNm::default();
        let crt_layer = if side == Side::Top {
            "F.CrtYd"
        } else {
            "B.CrtYd"
        };
        let fab_layer = if side == Side::Top { "F.Fab" } else { "B.Fab" };
        let silk_layer = if side == Side::Top {
            "F.SilkS"
        } else {
            "B.SilkS"
        };
        let mut silk = BoxNm::default();
        let mut crt_shapes = Vec::new();
        let mut fab_shapes = Vec::new();
        for (s, layer) in graphics {
            let s = place_shape(s, pos, angle);
            if layer == "Edge.Cuts" {
                self.edges.push(s);
            } else if layer == crt_layer {
                crt.merge(&s.bbox());
                crt_shapes.push(s);
            } else if layer.ends_with(".CrtYd") {
                // KiCad's courtyard box takes both courtyard layers' graphics.
                crt.merge(&s.bbox());
            } else if layer == fab_layer {
                fab_shapes.push(s);
            } else if layer == silk_layer {
                silk.merge(&s.bbox());
            }
        }
        let courtyard = if crt_shapes.is_empty() {
            Vec::new()
        } else {
            geom::chain_outline(&crt_shapes, 10_000.0).0
        };
        let fab = if fab_shapes.is_empty() {
            Vec::new()
        } else {
            geom::chain_outline(&fab_shapes, 10_000.0).0
        };
        let body_height_mm = properties
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("height"))
            .and_then(|(_, v)| v.trim().trim_end_matches("mm").trim().parse::<f64>().ok())
            .or(model_offset_z.filter(|z| *z > 0.0));
        self.footprints.push(Footprint {
            reference,
            value,
            lib_id,
            side,
            position: pos.mm(),
            rotation_deg: norm_180(angle),
            attributes,
            properties,
            courtyard,
            courtyard_bbox: (!crt.is_empty()).then(|| crt.mm()),
            fab,
            silk_bbox: (!silk.is_empty()).then(|| silk.mm()),
            body_height_mm,
            pads: pad_start..self.pads.len(),
        });
        Ok(())
    }

    /// A 3D model: its z offset in mm, if any (KiCad 5 `(at (xyz))` is in inches).
    fn model(&mut self, o: usize) -> Result<Option<f64>> {
        let mut z = None;
        loop {
            match self.item(o)? {
                Item::End => return Ok(z),
                Item::Atom(_) => {}
                Item::List(h @ (b"offset" | b"at"), l) => {
                    let inches = h == b"at";
                    loop {
                        match self.item(l)? {
                            Item::End => break,
                            Item::Atom(_) => {}
                            Item::List(b"xyz", x) => {
                                let a = self.atoms(x)?;
                                if let Some(v) = a.get(2).and_then(|s| s.parse::<f64>().ok()) {
                                    z = Some(if inches { v * 25.4 } else { v });
                                }
                            }
                            Item::List(_, x) => self.skip(x)?,
                        }
                    }
                }
                Item::List(_, l) => self.skip(l)?,
            }
        }
    }

    /// Puts a pad on every copper layer of the board (F.Cu first, B.Cu last), keeping its
    /// other layers.
    fn all_copper(&self, pad: &mut Pad) {
        pad.front_copper = true;
        pad.back_copper = true;
        let copper: Vec<String> = if self.copper.is_empty() {
            vec!["F.Cu".into(), "B.Cu".into()]
        } else {
            self.copper.clone()
        };
        let others = pad.layers.iter().filter(|l| !l.ends_with(".Cu")).cloned();
        pad.layers = copper.into_iter().chain(others).collect();
    }

    fn layer_flags(&self, layers: &[String], pad: &mut Pad) {
        let mut expanded = Vec::with_capacity(layers.len());
        for l in layers {
            match l.as_str() {
                "*.Cu" => {
                    pad.front_copper = true;
                    pad.back_copper = true;
                    if self.copper.is_empty() {
                        expanded.push("F.Cu".into());
                        expanded.push("B.Cu".into());
                    } else {
                        expanded.extend(self.copper.iter().cloned());
                    }
                }
                "F&B.Cu" => {
                    pad.front_copper = true;
                    pad.back_copper = true;
                    expanded.push("F.Cu".into());
                    expanded.push("B.Cu".into());
                }
                s => {
                    let (f, b) = match s.split_once('.') {
                        Some(("*" | "F&B", rest)) => {
                            expanded.push(format!("F.{rest}"));
                            expanded.push(format!("B.{rest}"));
                            (true, true)
                        }
                        Some(("F", _)) => {
                            expanded.push(s.to_string());
                            (true, false)
                        }
                        Some(("B", _)) => {
                            expanded.push(s.to_string());
                            (false, true)
                        }
                        _ => {
                            expanded.push(s.to_string());
                            (false, false)
                        }
                    };
                    let rest = s.split_once('.').map(|x| x.1).unwrap_or("");
                    match rest {
                        "Cu" => {
                            pad.front_copper |= f;
                            pad.back_copper |= b;
                        }
                        "Mask" => {
                            pad.front_mask |= f;
                            pad.back_mask |= b;
                        }
                        "Paste" => {
                            pad.front_paste |= f;
                            pad.back_paste |= b;
                        }
                        _ => {}
                    }
                }
            }
        }
        pad.layers = expanded;
    }

    fn pad(&mut self, o: usize) -> Result<PendingPad> {
        let number = match self.item(o)? {
            Item::Atom(t) => self.lx.text(t)?.into_owned(),
            Item::End => {
                return Err(self
                    .lx
                    .error_at(o, 4, "a pad number, type and shape", "')'"));
            }
            Item::List(_, l) => return Err(self.lx.error_at(l, 1, "a pad number", "'('")),
        };
        let t = self.lx.next_token()?;
        let kind = match self.lx.bytes(t) {
            b"smd" => PadKind::Smd,
            b"thru_hole" => PadKind::ThruHole,
            b"np_thru_hole" => PadKind::NpThruHole,
            b"connect" => PadKind::Connect,
            _ => return Err(self.err(t, "a pad type (smd, thru_hole, np_thru_hole, connect)")),
        };
        let t = self.lx.next_token()?;
        let shape_name = match self.lx.bytes(t) {
            s @ (b"circle" | b"rect" | b"oval" | b"trapezoid" | b"roundrect" | b"custom") => s,
            _ => {
                return Err(self.err(
                    t,
                    "a pad shape (circle, rect, oval, trapezoid, roundrect, custom)",
                ));
            }
        };
        let mut local = None;
        let mut rotation = 0.0;
        let mut size = (0i64, 0i64);
        let mut drill: Option<Drill> = None;
        let mut layers: Vec<String> = Vec::new();
        let mut rratio = 0.25;
        let mut chamfer_ratio = 0.2;
        let mut chamfers = Chamfers::default();
        // KiCad makes a pad a chamfered rectangle, whatever its shape word, as soon as a
        // (chamfer_ratio R > 0) or a (chamfer ...) naming a corner comes.
        let mut chamfered = false;
        let mut delta = Nm::default();
        let mut anchor_is_circle = true;
        let mut primitives = Vec::new();
        let mut net_num = None;
        let mut net_name = None;
        let mut mask_margin = None;
        let mut testpoint = false;
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(_) => {}
                Item::List(h, l) => match h {
                    b"at" => {
                        let (p, a) = self.at_list(l)?;
                        local = Some(p);
                        rotation = a;
                    }
                    b"size" => {
                        size = (self.nm("a pad width (mm)")?, self.nm("a pad height (mm)")?);
                        self.finish(l)?;
                    }
                    b"drill" => drill = Some(self.drill(l)?),
                    b"layers" => layers = self.layer_names(l)?,
                    b"roundrect_rratio" => {
                        rratio = self.number("a round-rect ratio")?;
                        self.finish(l)?;
                    }
                    b"chamfer_ratio" => {
                        chamfer_ratio = self.number("a chamfer ratio")?;
                        self.finish(l)?;
                        chamfered |= chamfer_ratio > 0.0;
                    }
                    b"chamfer" => {
                        for a in self.atoms(l)? {
                            match a.as_ref() {
                                "top_left" => chamfers.top_left = true,
                                "top_right" => chamfers.top_right = true,
                                "bottom_left" => chamfers.bottom_left = true,
                                "bottom_right" => chamfers.bottom_right = true,
                                _ => {}
                            }
                        }
                        chamfered |= chamfers != Chamfers::default();
                    }
                    b"rect_delta" => delta = self.point_list(l)?,
                    b"net" => {
                        let a = self.atoms(l)?;
                        match a.first().map(|s| s.parse::<i64>()) {
                            Some(Ok(n)) => {
                                net_num = Some(n);
                                net_name = a.get(1).map(|s| self.net_name_as_kicad(s.to_string()));
                            }
                            Some(Err(_)) => net_name = a.first().map(|s| s.to_string()),
                            None => {}
                        }
                    }
                    b"solder_mask_margin" => {
                        let m = self.nm("a mask margin (mm)")?;
                        self.finish(l)?;
                        // Before format 20240202 a zero margin meant "inherit".
                        mask_margin =
                            (m != 0 || self.version > 20240201).then(|| geom::nm_to_mm(m));
                    }
                    b"property" => {
                        for a in self.atoms(l)? {
                            if a == "pad_prop_testpoint" {
                                testpoint = true;
                            }
                        }
                    }
                    b"options" => loop {
                        match self.item(l)? {
                            Item::End => break,
                            Item::Atom(_) => {}
                            Item::List(b"anchor", a) => {
                                let v = self.atoms(a)?;
                                anchor_is_circle = v.first().map(|s| s.as_ref()) != Some("rect");
                            }
                            Item::List(_, a) => self.skip(a)?,
                        }
                    },
                    b"primitives" => primitives = self.primitives(l)?,
                    _ => self.skip(l)?,
                },
            }
        }
        let Some(local) = local else {
            return Err(self.lx.error_at(o, 4, "an (at x y) in this pad", "none"));
        };
        let shape = match shape_name {
            _ if chamfered => PadShape::ChamferedRect {
                chamfer_ratio,
                chamfers,
                round_ratio: if shape_name == b"roundrect" {
                    rratio
                } else {
                    0.0
                },
            },
            b"circle" => PadShape::Circle,
            b"rect" => PadShape::Rect,
            b"oval" => PadShape::Oval,
            b"trapezoid" => PadShape::Trapezoid {
                delta_mm: delta.mm(),
            },
            b"roundrect" => PadShape::RoundRect { ratio: rratio },
            _ => PadShape::Custom {
                anchor_is_circle,
                primitives,
            },
        };
        // KiCad's rules for the hole: SMD and aperture pads never have one; a plated pad
        // without a (drill) has KiCad's default 30 mil hole (KiCad 6) or a 1 nm one (KiCad 7
        // on: "drill size cannot be 0"); an unplated one the 30 mil default.
        let default_drill = |nm: i64| Drill {
            oblong: false,
            size_mm: SizeMm {
                w: geom::nm_to_mm(nm),
                h: geom::nm_to_mm(nm),
            },
            offset_mm: PointMm::default(),
        };
        let drill = match kind {
            PadKind::Smd | PadKind::Connect => None,
            PadKind::ThruHole if drill.is_none() => {
                Some(default_drill(if self.version <= KICAD6_VERSION {
                    DEFAULT_DRILL_NM
                } else {
                    1
                }))
            }
            PadKind::NpThruHole if drill.is_none() => Some(default_drill(DEFAULT_DRILL_NM)),
            _ => drill,
        };
        let drill = drill.filter(|d| d.size_mm.w > 0.0 || d.size_mm.h > 0.0);
        // KiCad pins a pad of zero (or negative) size to 1 um x 1 um.
        if size.0 <= 0 || size.1 <= 0 {
            size = (1000, 1000);
        }
        let mut pad = Pad {
            footprint: None,
            reference: String::new(),
            number,
            kind,
            shape,
            size_mm: SizeMm {
                w: geom::nm_to_mm(size.0),
                h: geom::nm_to_mm(size.1),
            },
            position: PointMm::default(),
            rotation_deg: norm_pos(rotation),
            drill,
            layers: Vec::new(),
            front_copper: false,
            back_copper: false,
            front_mask: false,
            back_mask: false,
            front_paste: false,
            back_paste: false,
            mask_margin_mm: mask_margin,
            net: None,
            test_point_property: testpoint,
        };
        self.layer_flags(&layers, &mut pad);
        if kind == PadKind::ThruHole && self.version > KICAD6_VERSION {
            // KiCad 7 on puts a plated hole's pad on every copper layer, whatever it lists.
            self.all_copper(&mut pad);
        }
        // KiCad clears the number of pads that cannot have one: NPTH holes and
        // aperture pads with no copper (older files could number them).
        let has_copper =
            pad.front_copper || pad.back_copper || pad.layers.iter().any(|l| l.ends_with(".Cu"));
        if kind == PadKind::NpThruHole || !has_copper {
            pad.number.clear();
        }
        Ok(PendingPad {
            pad,
            local,
            net_num,
            net_name,
        })
    }

    /// `(drill [oval] D [D2] [(offset x y)])`.
    fn drill(&mut self, o: usize) -> Result<Drill> {
        let mut oblong = false;
        let mut dims: Vec<i64> = Vec::new();
        let mut offset = Nm::default();
        loop {
            match self.item(o)? {
                Item::End => break,
                Item::Atom(t) => {
                    if self.lx.bytes(t) == b"oval" {
                        oblong = true;
                    } else if is_num_token(&self.lx, t) {
                        let v = parse_number(self.lx.bytes(t)).unwrap_or(0.0);
                        dims.push(geom::mm_to_nm(v));
                    } else {
                        return Err(self.err(t, "a drill size (mm), 'oval' or (offset x y)"));
                    }
                }
                Item::List(b"offset", l) => offset = self.point_list(l)?,
                Item::List(_, l) => self.skip(l)?,
            }
        }
        let w = dims.first().copied().unwrap_or(0);
        let h = if oblong {
            dims.get(1).copied().unwrap_or(w)
        } else {
            w
        };
        Ok(Drill {
            oblong,
            size_mm: SizeMm {
                w: geom::nm_to_mm(w),
                h: geom::nm_to_mm(h),
            },
            offset_mm: offset.mm(),
        })
    }

    fn primitives(&mut self, o: usize) -> Result<Vec<PadPrimitive>> {
        let mut out = Vec::new();
        loop {
            match self.item(o)? {
                Item::End => return Ok(out),
                Item::Atom(_) => {}
                Item::List(h, l) => {
                    let mut fill = None;
                    let (shape, _) = {
                        // Reuse the graphic reader: primitives have the same fields.
                        let mut head = b"gr_".to_vec();
                        match h {
                            b"gr_poly" | b"gr_line" | b"gr_arc" | b"gr_circle" | b"gr_rect"
                            | b"gr_curve" => {
                                head.clear();
                                head.extend_from_slice(h);
                                self.graphic(&head, l, &mut fill)?
                            }
                            _ => {
                                self.skip(l)?;
                                (None, None)
                            }
                        }
                    };
                    let filled = fill.unwrap_or(h == b"gr_poly");
                    let mm = |p: Nm| p.mm();
                    let w = |w: i64| geom::nm_to_mm(w);
                    if let Some(s) = shape {
                        out.push(match s {
                            Shape::Segment { a, b, width } => PadPrimitive::Line {
                                start: mm(a),
                                end: mm(b),
                                width_mm: w(width),
                            },
                            Shape::Arc { arc, width } => PadPrimitive::Arc {
                                start: mm(arc.start),
                                mid: mm(arc.mid),
                                end: mm(arc.end),
                                width_mm: w(width),
                            },
                            Shape::Circle {
                                center,
                                radius,
                                width,
                            } => PadPrimitive::Circle {
                                center: mm(center),
                                radius_mm: radius / 1e6,
                                width_mm: w(width),
                                filled,
                            },
                            Shape::Rect { a, b, width } => PadPrimitive::Rect {
                                start: mm(a),
                                end: mm(b),
                                width_mm: w(width),
                                filled,
                            },
                            Shape::Poly { pts, width } | Shape::Path { pts, width, .. } => {
                                PadPrimitive::Polygon {
                                    points: pts.into_iter().map(mm).collect(),
                                    width_mm: w(width),
                                    filled,
                                }
                            }
                        });
                    }
                }
            }
        }
    }

    // ---- the result ----------------------------------------------------------------

    fn finish_board(&mut self) -> Board {
        // Vias: mask opened where not tented.
        let default_front_tented;
        let default_back_tented;
        if let (Some(f), Some(b)) = (self.setup.via_tented_front, self.setup.via_tented_back) {
            default_front_tented = f;
            default_back_tented = b;
        } else {
            // KiCad <= 8: vias are tented unless the plot settings put them on the mask.
            let open = self.setup.vias_on_mask.unwrap_or(false);
            default_front_tented = !open;
            default_back_tented = !open;
        }
        if !self.net_class_of.is_empty() {
            for net in &mut self.net_table.to_mut().nets {
                if let Some(c) = self.net_class_of.get(&net.name) {
                    net.class = Some(c.clone());
                }
            }
        }
        // KiCad <= 5 vias without a drill of their own take their net class's drill
        // (KiCad's defaults 0.4 mm / 0.1 mm when nothing says).
        let default_class = self.net_classes.get("Default").copied();
        for &i in &self.vias_without_drill {
            let via = &mut self.vias[i];
            let class = via
                .net
                .and_then(|n| self.net_table.nets[n.0 as usize].class.as_deref())
                .and_then(|c| self.net_classes.get(c).copied())
                .or(default_class);
            let drill = if via.via_type == "micro" {
                class
                    .map(|c| c.1)
                    .unwrap_or(self.setup.uvia_drill_nm)
                    .unwrap_or(100_000)
            } else {
                class
                    .map(|c| c.0)
                    .unwrap_or(self.setup.via_drill_nm)
                    .unwrap_or(400_000)
            };
            via.drill_mm = geom::nm_to_mm(drill);
        }
        for (via, (f, b)) in self.vias.iter_mut().zip(&self.via_tenting) {
            via.front_mask_open = !f.unwrap_or(default_front_tented);
            via.back_mask_open = !b.unwrap_or(default_back_tented);
        }
        let thickness = self.thickness_nm.or((self.setup.stackup_seen
            && self.setup.stackup_thickness_nm > 0)
            .then_some(self.setup.stackup_thickness_nm));
        let mut bbox = BoxNm::default();
        for e in &self.edges {
            bbox.merge(&e.bbox());
        }
        let (polygons, open_chains) = geom::chain_outline(&self.edges, 10_000.0);
        let outline = Outline {
            polygons,
            open_chains,
            bbox: bbox.mm(),
        };
        Board {
            source_name: self.lx.path().to_string(),
            format: SourceFormat::KicadPcb {
                version: self.version,
                generator: std::mem::take(&mut self.generator),
                generator_version: self.generator_version.take(),
            },
            thickness_mm: thickness.map(geom::nm_to_mm),
            outline: Some(outline),
            layers: std::mem::take(&mut self.layers),
            nets: std::mem::take(&mut self.net_table.to_mut().nets),
            footprints_known: true,
            footprints: std::mem::take(&mut self.footprints),
            pads: std::mem::take(&mut self.pads),
            vias: std::mem::take(&mut self.vias),
            access_records: Vec::new(),
        }
    }
}

/// Places a footprint-local shape on the board: rotate by the footprint angle, then
/// move to the footprint position (KiCad's rounding).
fn place_shape(s: Shape, pos: Nm, angle: f64) -> Shape {
    let t = |p: Nm| geom::rotate(p, angle).add(pos);
    match s {
        Shape::Segment { a, b, width } => Shape::Segment {
            a: t(a),
            b: t(b),
            width,
        },
        Shape::Arc { arc, width } => Shape::Arc {
            arc: Arc {
                start: t(arc.start),
                mid: t(arc.mid),
                end: t(arc.end),
            },
            width,
        },
        Shape::Circle {
            center,
            radius,
            width,
        } => Shape::Circle {
            center: t(center),
            radius,
            width,
        },
        Shape::Rect { a, b, width } => {
            if geom::norm_pos(angle) % 90.0 == 0.0 {
                Shape::Rect {
                    a: t(a),
                    b: t(b),
                    width,
                }
            } else {
                let pts = vec![t(a), t(Nm::new(b.x, a.y)), t(b), t(Nm::new(a.x, b.y))];
                Shape::Poly { pts, width }
            }
        }
        Shape::Poly { pts, width } => Shape::Poly {
            pts: pts.into_iter().map(t).collect(),
            width,
        },
        Shape::Path { pts, hull, width } => Shape::Path {
            pts: pts.into_iter().map(t).collect(),
            hull: hull.into_iter().map(t).collect(),
            width,
        },
    }
}

/// Flattens a cubic Bezier given as 4 control points (other counts: the points as is).
fn bezier(p: &[Nm]) -> Vec<Nm> {
    if p.len() != 4 {
        return p.to_vec();
    }
    let n = 32;
    (0..=n)
        .map(|i| {
            let t = i as f64 / n as f64;
            let u = 1.0 - t;
            let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
            let x: f64 = (0..4).map(|k| w[k] * p[k].x as f64).sum();
            let y: f64 = (0..4).map(|k| w[k] * p[k].y as f64).sum();
            Nm::new(x.round() as i64, y.round() as i64)
        })
        .collect()
}

/// KiCad's inner copper layer names, `In1.Cu` to `In30.Cu`.
fn is_inner_copper_name(name: &str) -> bool {
    name.strip_prefix("In")
        .and_then(|s| s.strip_suffix(".Cu"))
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (1..=30).contains(&n))
}

/// The translated technical layer names that format 3 files could carry (Italian,
/// Polish, French), as KiCad maps them.
fn old_layer_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "Adesivo.Retro" | "Kleju_Dolna" | "Dessous.Adhes" => "B.Adhes",
        "Adesivo.Fronte" | "Kleju_Gorna" | "Dessus.Adhes" => "F.Adhes",
        "Pasta.Retro" | "Pasty_Dolna" | "Dessous.Pate" => "B.Paste",
        "Pasta.Fronte" | "Pasty_Gorna" | "Dessus.Pate" => "F.Paste",
        "Serigrafia.Retro" | "Opisowa_Dolna" | "Dessous.SilkS" => "B.SilkS",
        "Serigrafia.Fronte" | "Opisowa_Gorna" | "Dessus.SilkS" => "F.SilkS",
        "Maschera.Retro" | "Maski_Dolna" | "Dessous.Masque" => "B.Mask",
        "Maschera.Fronte" | "Maski_Gorna" | "Dessus.Masque" => "F.Mask",
        "Grafica" | "Rysunkowa" | "Dessin.User" => "Dwgs.User",
        "Commenti" | "Komentarzy" => "Cmts.User",
        "Eco1" | "ECO1" => "Eco1.User",
        "Eco2" | "ECO2" => "Eco2.User",
        "Contorno.scheda" | "Krawedziowa" | "Contours.Ci" => "Edge.Cuts",
        _ => return None,
    })
}

/// KiCad's conversion of the old overbar notation (a `~` toggles the bar; a space, `}`
/// or `)` ends it; `~~` is a tilde) to the new one (`~{...}`).
fn convert_overbar(old: &str) -> String {
    if old == "~" {
        return old.to_string();
    }
    let chars: Vec<char> = old.chars().collect();
    let mut out = String::with_capacity(old.len() + 4);
    let mut in_bar = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '~' {
            match chars.get(i + 1) {
                Some('~') => {
                    if chars.get(i + 2) == Some(&'{') {
                        // KiCad writes "~~{}" here and goes on after the first '~'.
                        out.push_str("~~{}");
                        i += 1;
                        continue;
                    }
                    out.push('~');
                    i += 2;
                    continue;
                }
                // Already the new notation (or a '{' under a bar): left as it is.
                Some('{') => return old.to_string(),
                _ => {
                    out.push_str(if in_bar { "}" } else { "~{" });
                    in_bar = !in_bar;
                    i += 1;
                    continue;
                }
            }
        } else if matches!(c, ' ' | '}' | ')') && in_bar {
            out.push('}');
            in_bar = false;
        }
        out.push(c);
        i += 1;
    }
    if in_bar {
        out.push('}');
    }
    out
}
