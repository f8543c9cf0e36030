//! The streaming pass: XML events to the few records the board model needs, every
//! length converted to millimetres with the units in force (the `CadHeader`'s for
//! step data, each dictionary's own for its entries). Coordinates stay in the file's
//! frame (y up) here; `build` turns them into page coordinates.

use super::NAMESPACE;
use super::xml::{self, Element};
use crate::cam::{CamShape, FastMap, decimal, line_column};
use crate::error::{BoardError, Result};
use crate::model::{Chamfers, PointMm, SizeMm};
use std::borrow::Cow;
use std::collections::HashMap;

/// Whether `text` looks like an IPC-2581 document: an XML root `IPC-2581` (the
/// namespace is checked by the reader, which names a wrong one).
pub fn looks_like_ipc2581(text: &[u8]) -> bool {
    let head = &text[..text.len().min(4096)];
    memchr::memmem::find(head, b"<IPC-2581").is_some()
        || memchr::memmem::find(head, b":IPC-2581").is_some()
}

/// Plating of a hole or slot as the file states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plating {
    Plated,
    NonPlated,
    Via,
}

impl Plating {
    fn parse(s: &str) -> Option<Plating> {
        match s {
            "PLATED" => Some(Plating::Plated),
            "NONPLATED" => Some(Plating::NonPlated),
            "VIA" => Some(Plating::Via),
            _ => None,
        }
    }
}

/// A `Layer` of `CadData`.
#[derive(Debug, Clone)]
pub(super) struct LayerDef {
    pub name: String,
    pub function: String,
    pub side: String,
    /// Drill layers: the copper layers the holes run between.
    pub span: Option<(String, String)>,
}

/// A `Component`.
#[derive(Debug, Clone)]
pub(super) struct ComponentDef {
    pub refdes: String,
    pub package: String,
    pub part: String,
    pub layer: String,
    pub location: PointMm,
    pub rotation_deg: f64,
    pub mirror: bool,
    pub height_mm: Option<f64>,
}

/// A `Package`: its height, the first outline polygon (package frame, y up) and the
/// width of the line that outline is drawn with (`None` when the file gives none).
#[derive(Debug, Clone, Default)]
pub(super) struct PackageDef {
    pub height_mm: Option<f64>,
    pub outline: Vec<PointMm>,
    pub outline_line_mm: Option<f64>,
}

/// A `Pad` of a `LayerFeature` set.
#[derive(Debug, Clone)]
pub(super) struct PadFeature {
    pub layer: usize,
    pub net: Option<Name>,
    pub test_point: bool,
    pub location: PointMm,
    pub rotation_deg: f64,
    pub mirror: bool,
    pub shape: Option<CamShape>,
    pub padstack: Option<Name>,
    /// (component reference, pin name).
    pub pin: Option<(Name, Name)>,
}

/// A `Hole` of a `LayerFeature` set (a drill layer).
#[derive(Debug, Clone)]
pub(super) struct HoleFeature {
    pub layer: usize,
    pub net: Option<Name>,
    pub location: PointMm,
    pub diameter_mm: f64,
    pub plating: Plating,
}

/// A `SlotCavity`: its outline points, absolute (file frame).
#[derive(Debug, Clone)]
pub(super) struct SlotFeature {
    pub plating: Plating,
    pub outline: Vec<PointMm>,
}

/// A name (net, pad stack, component reference, pin) stored once in [`Names`].
pub(super) type Name = u32;

/// The names features refer to, each stored once: a pad feature holds four indices,
/// not four strings.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// Every name, one after the other, and where each ends.
    text: String,
    ends: Vec<usize>,
    /// Open addressing, linear probing: (the hash's high half, index + 1) per slot, 0
    /// for an empty one; a power of two long, at most half full. The names are compared
    /// in place (word compares, no call), which a map of `String`s did not.
    slots: Vec<(u32, u32)>,
    hasher: foldhash::fast::FixedState,
    /// The name interned last through each [`Recent`] kind: features in a row mostly
    /// repeat it (the vias of one net, the pads of one stack or component).
    recent: [Option<Name>; 3],
}

/// Which run of names [`Names::intern_recent`] remembers.
#[derive(Debug, Clone, Copy)]
pub(super) enum Recent {
    Net = 0,
    Padstack = 1,
    Component = 2,
}

impl Names {
    /// [`Names::intern`], first comparing `name` with the last one of its `kind`.
    pub fn intern_recent(&mut self, kind: Recent, name: &str) -> Name {
        if let Some(id) = self.recent[kind as usize]
            && xml::same(self.get(id).as_bytes(), name.as_bytes())
        {
            return id;
        }
        let id = self.intern(name);
        self.recent[kind as usize] = Some(id);
        id
    }

    /// The index of `name`, added when new.
    pub fn intern(&mut self, name: &str) -> Name {
        use std::hash::BuildHasher;
        if self.slots.len() < 2 * (self.ends.len() + 1) {
            self.grow();
        }
        let hash = self.hasher.hash_one(name);
        let tag = (hash >> 32) as u32;
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let (slot_tag, slot) = self.slots[i];
            if slot == 0 {
                break;
            }
            let id = slot - 1;
            if slot_tag == tag && xml::same(self.get(id).as_bytes(), name.as_bytes()) {
                return id;
            }
            i = (i + 1) & mask;
        }
        let id = self.ends.len() as Name;
        self.text.push_str(name);
        self.ends.push(self.text.len());
        self.slots[i] = (tag, id + 1);
        id
    }

    /// Twice the slots (at least 64), every name placed again.
    fn grow(&mut self) {
        use std::hash::BuildHasher;
        let len = (self.slots.len() * 2).max(64);
        let mut slots = vec![(0u32, 0u32); len];
        for id in 0..self.ends.len() as Name {
            let hash = self.hasher.hash_one(self.get(id));
            let mut i = hash as usize & (len - 1);
            while slots[i].1 != 0 {
                i = (i + 1) & (len - 1);
            }
            slots[i] = ((hash >> 32) as u32, id + 1);
        }
        self.slots = slots;
    }

    #[inline]
    pub fn get(&self, id: Name) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Everything the board is built from.
#[derive(Debug, Default)]
pub(super) struct Doc {
    pub names: Names,
    pub revision: String,
    pub units: String,
    /// The file names KiCad as the software that wrote it (`SoftwarePackage`).
    pub written_by_kicad: bool,
    pub layers: Vec<LayerDef>,
    pub thickness_mm: Option<f64>,
    /// Profile polygon(s) and cut-outs, file frame.
    pub profile: Vec<Vec<PointMm>>,
    pub profile_cutouts: Vec<Vec<PointMm>>,
    /// Pad stack name -> its hole (diameter, plating).
    pub padstack_holes: HashMap<Name, (f64, Plating)>,
    /// Pad stack name -> where its hole is from the pad's location (pad frame), when
    /// not at it: the pad's anchor (KiCad's pad position) is the hole.
    pub padstack_hole_offsets: HashMap<Name, PointMm>,
    /// Every `PadStackDef` name.
    pub padstacks: std::collections::HashSet<Name>,
    /// Pad stack name -> the layers its `PadstackPadDef`s name.
    pub padstack_layers: HashMap<Name, Vec<String>>,
    /// The widest line drawn on a `BOARD_OUTLINE` layer (the Edge.Cuts stroke that
    /// the profile's centre line leaves out), mm.
    pub outline_stroke_mm: f64,
    pub packages: HashMap<String, PackageDef>,
    pub components: Vec<ComponentDef>,
    pub pads: Vec<PadFeature>,
    pub holes: Vec<HoleFeature>,
    pub slots: Vec<SlotFeature>,
}

/// Element names the parser acts on; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    CadHeader,
    Dictionary,
    Entry,
    Layer,
    Step,
    Profile,
    Polygon,
    Cutout,
    PadStackDef,
    Package,
    Outline,
    Component,
    EntryLineDesc,
    LayerFeature,
    Set,
    Features,
    Pad,
    SlotCavity,
    Other,
}

fn tag_of(name: &[u8]) -> Tag {
    match name {
        b"IPC-2581" => Tag::Root,
        b"CadHeader" => Tag::CadHeader,
        b"DictionaryStandard" | b"DictionaryUser" | b"DictionaryLineDesc" => Tag::Dictionary,
        b"EntryStandard" | b"EntryUser" => Tag::Entry,
        b"Layer" => Tag::Layer,
        b"Step" => Tag::Step,
        b"Profile" => Tag::Profile,
        b"Polygon" => Tag::Polygon,
        b"Cutout" => Tag::Cutout,
        b"PadStackDef" => Tag::PadStackDef,
        b"Package" => Tag::Package,
        b"Outline" => Tag::Outline,
        b"Component" => Tag::Component,
        b"EntryLineDesc" => Tag::EntryLineDesc,
        b"LayerFeature" => Tag::LayerFeature,
        b"Set" => Tag::Set,
        b"Features" => Tag::Features,
        b"Pad" => Tag::Pad,
        b"SlotCavity" => Tag::SlotCavity,
        _ => Tag::Other,
    }
}

/// Millimetres per unit of an IPC-2581 `units` attribute.
fn unit_scale(units: &str) -> Option<f64> {
    match units {
        "MILLIMETER" => Some(1.0),
        "INCH" => Some(25.4),
        "MICRON" => Some(0.001),
        _ => None,
    }
}

/// Where a polygon being read will go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PolyTarget {
    ProfileOuter,
    ProfileCutout,
    EntryContour,
    PackageOutline,
    Slot,
}

/// Where the XML comes from, to find the line and column of an error: the text in
/// memory, or a file streamed from disk (read again only to report an error).
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Text(&'a [u8]),
    File(&'a std::path::Path),
}

impl Source<'_> {
    /// (offset, line, column) of the first non-space byte from `offset`.
    fn locate(self, offset: usize) -> (usize, usize, usize) {
        let read;
        let text = match self {
            Source::Text(t) => t,
            Source::File(path) => {
                read = std::fs::read(path).unwrap_or_default();
                &read[..]
            }
        };
        let at = xml::skip_spaces(text, offset);
        let (line, column) = line_column(text, at);
        (at, line, column)
    }
}

struct Parser<'a> {
    name: &'a str,
    source: Source<'a>,
    doc: Doc,
    stack: Vec<Tag>,
    /// Byte offset of the element being handled (for errors).
    at: usize,
    cad_scale: f64,
    dict_scale: f64,
    dict_is_user: bool,
    standard: FastMap<String, CamShape>,
    user: FastMap<String, CamShape>,
    entry: Option<(String, Option<CamShape>)>,
    /// The primitive a pad referred to last: (user dictionary, id, its shape); cleared
    /// when a dictionary entry is added.
    last_primitive: Option<(bool, String, CamShape)>,
    /// `EntryLineDesc` id -> line width (mm), and the entry being read.
    line_descs: HashMap<String, f64>,
    line_desc_entry: Option<String>,
    /// (user dictionary, entry id) -> the line width its shape is drawn with (mm).
    entry_strokes: HashMap<(bool, String), f64>,
    steps_seen: usize,
    layer_feature: Option<usize>,
    set_net: Option<Name>,
    set_test_point: bool,
    pad: Option<PadFeature>,
    component: Option<ComponentDef>,
    package: Option<(String, PackageDef)>,
    padstack: Option<Name>,
    slot: Option<SlotFeature>,
    poly: Option<(PolyTarget, Vec<PointMm>)>,
    seen_root: bool,
}

pub(super) fn parse(name: &str, text: &[u8]) -> Result<Doc> {
    if let Err(e) = std::str::from_utf8(text) {
        let (line, column) = line_column(text, e.valid_up_to());
        return Err(BoardError::Syntax {
            path: name.to_string(),
            line,
            column,
            offset: e.valid_up_to(),
            len: 1,
            expected: "UTF-8 text".into(),
            found: "an invalid byte".into(),
        });
    }
    parse_from(name, Source::Text(text), text)
}

/// Parses the XML that `input` yields, a buffer at a time (a file is never held
/// whole); `source` finds lines and columns for errors.
pub(super) fn parse_from(name: &str, source: Source<'_>, input: impl std::io::Read) -> Result<Doc> {
    let mut p = Parser {
        name,
        source,
        doc: Doc::default(),
        stack: Vec::new(),
        at: 0,
        cad_scale: 1.0,
        dict_scale: 1.0,
        dict_is_user: false,
        standard: FastMap::default(),
        user: FastMap::default(),
        entry: None,
        last_primitive: None,
        line_descs: HashMap::new(),
        line_desc_entry: None,
        entry_strokes: HashMap::new(),
        steps_seen: 0,
        layer_feature: None,
        set_net: None,
        set_test_point: false,
        pad: None,
        component: None,
        package: None,
        padstack: None,
        slot: None,
        poly: None,
        seen_root: false,
    };
    let mut input = input;
    let end = xml::read(&mut input, &mut p)?;
    if !p.seen_root {
        return Err(p.error(end, "an <IPC-2581> root element", "the end of the file"));
    }
    Ok(p.doc)
}

impl<'a> Parser<'a> {
    fn error(
        &self,
        offset: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> BoardError {
        let (offset, line, column) = self.source.locate(offset);
        BoardError::Syntax {
            path: self.name.to_string(),
            line,
            column,
            offset,
            len: 1,
            expected: expected.into(),
            found: found.into(),
        }
    }

    fn parent(&self) -> Tag {
        self.stack.last().copied().unwrap_or(Tag::Other)
    }

    fn inside(&self, tag: Tag) -> bool {
        self.stack.contains(&tag)
    }

    #[inline(always)]
    fn open(&mut self, e: &Element<'_>) -> Result<Tag> {
        let name = e.local_name().as_bytes();
        let tag = tag_of(name);
        if self.stack.is_empty() {
            if self.seen_root {
                return Err(self.error(
                    self.at,
                    "the end of the file after </IPC-2581>",
                    "another element",
                ));
            }
            self.seen_root = true;
            if tag != Tag::Root {
                return Err(self.error(
                    self.at,
                    "an <IPC-2581> root element",
                    format!("<{}>", e.name()),
                ));
            }
            let ns = self.attr(e, "xmlns")?.unwrap_or_default();
            let prefixed = self.namespace_of_prefix(e)?;
            let ns = prefixed.unwrap_or(ns);
            if ns != NAMESPACE {
                return Err(self.error(
                    self.at,
                    format!("the IPC-2581 namespace \"{NAMESPACE}\""),
                    if ns.is_empty() {
                        "no namespace".to_string()
                    } else {
                        format!("\"{ns}\"")
                    },
                ));
            }
            self.doc.revision = self.attr(e, "revision")?.unwrap_or_default();
            return Ok(tag);
        }
        if self.steps_seen > 1 && self.inside(Tag::Step) {
            return Ok(Tag::Other);
        }
        match tag {
            Tag::CadHeader => {
                let units = self.required(e, "units")?;
                self.cad_scale = self.scale(&units)?;
                self.doc.units = units;
            }
            Tag::Dictionary => {
                let units = self.attr(e, "units")?;
                self.dict_scale = match units {
                    Some(u) => self.scale(&u)?,
                    None => 1.0,
                };
                self.dict_is_user = name == b"DictionaryUser".as_slice();
            }
            Tag::Entry => self.entry = Some((self.required(e, "id")?, None)),
            Tag::EntryLineDesc => self.line_desc_entry = Some(self.required(e, "id")?),
            Tag::Layer => self.open_layer(e)?,
            Tag::Step => self.steps_seen += 1,
            Tag::Polygon | Tag::Cutout => self.open_polygon(tag),
            Tag::PadStackDef => {
                let name = self.required(e, "name")?;
                let id = self.doc.names.intern(&name);
                self.doc.padstacks.insert(id);
                self.padstack = Some(id);
            }
            Tag::Package if self.parent() == Tag::Step => {
                let height = self.number_opt(e, "height", self.cad_scale)?;
                let def = PackageDef {
                    height_mm: height,
                    ..PackageDef::default()
                };
                self.package = Some((self.required(e, "name")?, def));
            }
            Tag::Component if self.parent() == Tag::Step => self.open_component(e)?,
            Tag::LayerFeature => {
                let layer = self.required(e, "layerRef")?;
                let index = self
                    .doc
                    .layers
                    .iter()
                    .position(|l| l.name == layer)
                    .ok_or_else(|| {
                        self.error(
                            self.at,
                            "a layerRef naming a <Layer> of CadData",
                            format!("\"{layer}\""),
                        )
                    })?;
                self.layer_feature = Some(index);
            }
            Tag::Set if self.parent() == Tag::LayerFeature => {
                self.set_net = self
                    .value(e, "net")?
                    .filter(|n| !n.is_empty() && n != "No Net")
                    .map(|n| self.doc.names.intern_recent(Recent::Net, &n));
                self.set_test_point = self.value(e, "testPoint")?.as_deref() == Some("true");
            }
            Tag::Pad if self.parent() == Tag::Set => self.open_pad(e)?,
            Tag::SlotCavity if self.parent() == Tag::Set => {
                let plating = self.plating(e)?;
                self.slot = Some(SlotFeature {
                    plating,
                    outline: Vec::new(),
                });
            }
            Tag::Other => self.open_other(e, name)?,
            _ => {}
        }
        Ok(tag)
    }

    /// A prefixed root (`<x:IPC-2581 xmlns:x="...">`): the namespace bound to its prefix.
    fn namespace_of_prefix(&self, e: &Element<'_>) -> Result<Option<String>> {
        let Some((prefix, _)) = e.name().rsplit_once(':') else {
            return Ok(None);
        };
        for a in e.attributes() {
            if a.name.strip_prefix("xmlns:") == Some(prefix) {
                return Ok(Some(self.unescape(a.raw)?.into_owned()));
            }
        }
        Ok(Some(String::new()))
    }

    fn open_layer(&mut self, e: &Element<'_>) -> Result<()> {
        let layer = LayerDef {
            name: self.required(e, "name")?,
            function: self.attr(e, "layerFunction")?.unwrap_or_default(),
            side: self.attr(e, "side")?.unwrap_or_default(),
            span: None,
        };
        self.doc.layers.push(layer);
        Ok(())
    }

    fn open_component(&mut self, e: &Element<'_>) -> Result<()> {
        self.component = Some(ComponentDef {
            refdes: self.required(e, "refDes")?,
            package: self.attr(e, "packageRef")?.unwrap_or_default(),
            part: self.attr(e, "part")?.unwrap_or_default(),
            layer: self.required(e, "layerRef")?,
            location: PointMm::default(),
            rotation_deg: 0.0,
            mirror: false,
            height_mm: self.number_opt(e, "height", self.cad_scale)?,
        });
        Ok(())
    }

    fn open_pad(&mut self, e: &Element<'_>) -> Result<()> {
        let Some(layer) = self.layer_feature else {
            return Ok(());
        };
        self.pad = Some(PadFeature {
            layer,
            net: self.set_net,
            test_point: self.set_test_point,
            location: PointMm::default(),
            rotation_deg: 0.0,
            mirror: false,
            shape: None,
            padstack: self
                .value(e, "padstackDefRef")?
                .map(|ps| self.doc.names.intern_recent(Recent::Padstack, &ps)),
            pin: None,
        });
        Ok(())
    }

    fn open_polygon(&mut self, tag: Tag) {
        let parent = self.parent();
        let target = if self.inside(Tag::Profile) {
            if tag == Tag::Cutout || self.inside(Tag::Cutout) {
                Some(PolyTarget::ProfileCutout)
            } else {
                Some(PolyTarget::ProfileOuter)
            }
        } else if self.entry.is_some() && tag == Tag::Polygon {
            Some(PolyTarget::EntryContour)
        } else if parent == Tag::Outline
            && self.package.is_some()
            && self.stack.len() >= 2
            && self.stack[self.stack.len() - 2] == Tag::Package
        {
            Some(PolyTarget::PackageOutline)
        } else if self.slot.is_some() {
            Some(PolyTarget::Slot)
        } else {
            None
        };
        match (tag, target) {
            (Tag::Polygon, Some(t)) | (Tag::Cutout, Some(t @ PolyTarget::ProfileCutout)) => {
                self.poly = Some((t, Vec::new()));
            }
            _ => {}
        }
    }

    fn open_other(&mut self, e: &Element<'_>, name: &[u8]) -> Result<()> {
        let parent = self.parent();
        match name {
            b"Span" if parent == Tag::Layer => {
                let from = self.required(e, "fromLayer")?;
                let to = self.required(e, "toLayer")?;
                if let Some(l) = self.doc.layers.last_mut() {
                    l.span = Some((from, to));
                }
            }
            b"Stackup" if self.doc.thickness_mm.is_none() => {
                self.doc.thickness_mm = self.number_opt(e, "overallThickness", self.cad_scale)?;
            }
            b"PadstackHoleDef" => {
                if let Some(ps) = self.padstack {
                    let d = self.number(e, "diameter", self.cad_scale)?;
                    let plating = self.plating(e)?;
                    let x = self.number_opt(e, "x", self.cad_scale)?.unwrap_or(0.0);
                    let y = self.number_opt(e, "y", self.cad_scale)?.unwrap_or(0.0);
                    if x != 0.0 || y != 0.0 {
                        self.doc
                            .padstack_hole_offsets
                            .insert(ps, PointMm::new(x, y));
                    }
                    self.doc.padstack_holes.insert(ps, (d, plating));
                }
            }
            b"PadstackPadDef" => {
                if let Some(ps) = self.padstack {
                    let layer = self.required(e, "layerRef")?;
                    self.doc.padstack_layers.entry(ps).or_default().push(layer);
                }
            }
            b"LineDesc" | b"LineDescRef" => self.line_desc(e, name)?,
            b"Xform" => self.xform(e, parent)?,
            b"Location" => self.location(e, parent)?,
            b"PinRef" if parent == Tag::Pad => {
                let comp = self.value(e, "componentRef")?.unwrap_or_default();
                let pin = self.required_value(e, "pin")?;
                let comp = self.doc.names.intern_recent(Recent::Component, &comp);
                let pin = (comp, self.doc.names.intern(&pin));
                if let Some(p) = self.pad.as_mut() {
                    p.pin = Some(pin);
                }
            }
            b"StandardPrimitiveRef" | b"UserPrimitiveRef" if self.on_outline_layer() => {
                let key = (name == b"UserPrimitiveRef", self.required(e, "id")?);
                let width = self.entry_strokes.get(&key).copied().unwrap_or(0.0);
                self.doc.outline_stroke_mm = self.doc.outline_stroke_mm.max(width);
            }
            b"StandardPrimitiveRef" | b"UserPrimitiveRef" if parent == Tag::Pad => {
                let id = self.required_value(e, "id")?;
                let user = name == b"UserPrimitiveRef";
                // Pads in a row mostly refer to one primitive (the vias of a layer).
                if let Some((last_user, last_id, shape)) = &self.last_primitive
                    && *last_user == user
                    && xml::same(last_id.as_bytes(), id.as_bytes())
                {
                    let shape = shape.clone();
                    if let Some(p) = self.pad.as_mut() {
                        p.shape = Some(shape);
                    }
                    return Ok(());
                }
                let table = if user { &self.user } else { &self.standard };
                let shape = table.get(id.as_ref()).cloned().ok_or_else(|| {
                    let dict = if name == b"UserPrimitiveRef" {
                        "DictionaryUser"
                    } else {
                        "DictionaryStandard"
                    };
                    self.error(
                        self.at,
                        format!("an id defined in {dict}"),
                        format!("\"{id}\", which no entry defines"),
                    )
                })?;
                self.last_primitive = Some((user, id.into_owned(), shape.clone()));
                if let Some(p) = self.pad.as_mut() {
                    p.shape = Some(shape);
                }
            }
            b"Hole" if parent == Tag::Set => self.hole(e)?,
            b"SoftwarePackage" => {
                self.doc.written_by_kicad |= self.attr(e, "name")?.as_deref() == Some("KiCad");
            }
            b"PolyBegin" | b"PolyStepSegment" => self.poly_point(e)?,
            b"PolyStepCurve" => self.poly_curve(e)?,
            _ => self.primitive(e, name)?,
        }
        Ok(())
    }

    /// A line width: an `EntryLineDesc`'s, a package outline's, or one drawn on a
    /// `BOARD_OUTLINE` layer (inline or by reference), which widens the outline box.
    fn line_desc(&mut self, e: &Element<'_>, name: &[u8]) -> Result<()> {
        if self.parent() == Tag::EntryLineDesc {
            let width = self.number_opt(e, "lineWidth", self.dict_scale)?;
            if let (Some(id), Some(w)) = (self.line_desc_entry.clone(), width) {
                self.line_descs.insert(id, w);
            }
            return Ok(());
        }
        if let Some((id, _)) = &self.entry
            && name == b"LineDesc".as_slice()
        {
            let key = (self.dict_is_user, id.clone());
            if let Some(w) = self.number_opt(e, "lineWidth", self.dict_scale)? {
                self.entry_strokes.insert(key, w);
            }
            return Ok(());
        }
        let package_outline = self.parent() == Tag::Outline
            && self.stack.len() >= 2
            && self.stack[self.stack.len() - 2] == Tag::Package
            && self.package.is_some();
        if !package_outline && !self.on_outline_layer() {
            return Ok(());
        }
        let width = if name == b"LineDescRef".as_slice() {
            let id = self.required(e, "id")?;
            self.line_descs.get(&id).copied()
        } else {
            self.number_opt(e, "lineWidth", self.cad_scale)?
        };
        if package_outline {
            if let Some((_, def)) = self.package.as_mut()
                && def.outline_line_mm.is_none()
            {
                def.outline_line_mm = width;
            }
            return Ok(());
        }
        self.doc.outline_stroke_mm = self.doc.outline_stroke_mm.max(width.unwrap_or(0.0));
        Ok(())
    }

    fn on_outline_layer(&self) -> bool {
        self.layer_feature
            .is_some_and(|i| self.doc.layers[i].function == "BOARD_OUTLINE")
    }

    fn xform(&mut self, e: &Element<'_>, parent: Tag) -> Result<()> {
        let rotation = self.number_opt(e, "rotation", 1.0)?.unwrap_or(0.0);
        let mirror = self.attr(e, "mirror")?.as_deref() == Some("true");
        match parent {
            Tag::Pad => {
                if let Some(p) = self.pad.as_mut() {
                    (p.rotation_deg, p.mirror) = (rotation, mirror);
                }
            }
            Tag::Component => {
                if let Some(c) = self.component.as_mut() {
                    (c.rotation_deg, c.mirror) = (rotation, mirror);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn location(&mut self, e: &Element<'_>, parent: Tag) -> Result<()> {
        if !matches!(parent, Tag::Pad | Tag::Component) {
            return Ok(());
        }
        let p = PointMm::new(
            self.number(e, "x", self.cad_scale)?,
            self.number(e, "y", self.cad_scale)?,
        );
        match parent {
            Tag::Pad => {
                if let Some(pad) = self.pad.as_mut() {
                    pad.location = p;
                }
            }
            _ => {
                if let Some(c) = self.component.as_mut() {
                    c.location = p;
                }
            }
        }
        Ok(())
    }

    fn hole(&mut self, e: &Element<'_>) -> Result<()> {
        let Some(layer) = self.layer_feature else {
            return Ok(());
        };
        let hole = HoleFeature {
            layer,
            net: self.set_net,
            location: PointMm::new(
                self.number(e, "x", self.cad_scale)?,
                self.number(e, "y", self.cad_scale)?,
            ),
            diameter_mm: self.number(e, "diameter", self.cad_scale)?,
            plating: self.plating(e)?,
        };
        self.doc.holes.push(hole);
        Ok(())
    }

    /// The scale for coordinates of the polygon being read.
    fn poly_scale(&self) -> f64 {
        match self.poly {
            Some((PolyTarget::EntryContour, _)) => self.dict_scale,
            _ => self.cad_scale,
        }
    }

    fn poly_point(&mut self, e: &Element<'_>) -> Result<()> {
        if self.poly.is_none() {
            return Ok(());
        }
        let s = self.poly_scale();
        let p = PointMm::new(self.number(e, "x", s)?, self.number(e, "y", s)?);
        if let Some((_, pts)) = self.poly.as_mut() {
            pts.push(p);
        }
        Ok(())
    }

    /// An arc step: flattened to chords no farther than 1 um from the arc.
    fn poly_curve(&mut self, e: &Element<'_>) -> Result<()> {
        if self.poly.is_none() {
            return Ok(());
        }
        let s = self.poly_scale();
        let end = PointMm::new(self.number(e, "x", s)?, self.number(e, "y", s)?);
        let centre = PointMm::new(self.number(e, "centerX", s)?, self.number(e, "centerY", s)?);
        let clockwise = self.attr(e, "clockwise")?.as_deref() == Some("true");
        if let Some((_, pts)) = self.poly.as_mut() {
            let start = pts.last().copied().unwrap_or(end);
            crate::cam::arc_into(pts, start, end, centre, clockwise);
        }
        Ok(())
    }

    fn primitive(&mut self, e: &Element<'_>, name: &[u8]) -> Result<()> {
        let in_entry = self.entry.as_ref().is_some_and(|(_, s)| s.is_none());
        let in_pad =
            self.pad.as_ref().is_some_and(|p| p.shape.is_none()) && self.parent() == Tag::Pad;
        if !in_entry && !in_pad {
            return Ok(());
        }
        let scale = if in_entry {
            self.dict_scale
        } else {
            self.cad_scale
        };
        let Some(shape) = self.shape(e, name, scale)? else {
            return Ok(());
        };
        if in_entry {
            if let Some((_, s)) = self.entry.as_mut() {
                *s = Some(shape);
            }
        } else if let Some(p) = self.pad.as_mut() {
            p.shape = Some(shape);
        }
        Ok(())
    }

    fn size(&self, e: &Element<'_>, w: &str, h: &str, scale: f64) -> Result<SizeMm> {
        Ok(SizeMm {
            w: self.number(e, w, scale)?,
            h: self.number(e, h, scale)?,
        })
    }

    fn corners(&self, e: &Element<'_>) -> Result<Chamfers> {
        let flag = |n: &str| -> Result<Option<bool>> { Ok(self.attr(e, n)?.map(|v| v == "true")) };
        let (ur, ul, lr, ll) = (
            flag("upperRight")?,
            flag("upperLeft")?,
            flag("lowerRight")?,
            flag("lowerLeft")?,
        );
        if ur.is_none() && ul.is_none() && lr.is_none() && ll.is_none() {
            return Ok(Chamfers {
                top_left: true,
                top_right: true,
                bottom_left: true,
                bottom_right: true,
            });
        }
        Ok(Chamfers {
            top_left: ul.unwrap_or(false),
            top_right: ur.unwrap_or(false),
            bottom_left: ll.unwrap_or(false),
            bottom_right: lr.unwrap_or(false),
        })
    }

    /// A standard primitive element as a shape; `None` for elements that are not one
    /// (a `Contour` is finished when its polygon closes).
    fn shape(&self, e: &Element<'_>, name: &[u8], s: f64) -> Result<Option<CamShape>> {
        let square = |d: f64| SizeMm { w: d, h: d };
        Ok(Some(match name {
            b"Circle" => CamShape::Circle {
                diameter_mm: self.number(e, "diameter", s)?,
            },
            b"RectCenter" => CamShape::Rect {
                size: self.size(e, "width", "height", s)?,
            },
            b"RectRound" => CamShape::RoundRect {
                size: self.size(e, "width", "height", s)?,
                radius_mm: self.number(e, "radius", s)?,
                corners: self.corners(e)?,
            },
            b"RectCham" => CamShape::ChamferedRect {
                size: self.size(e, "width", "height", s)?,
                chamfer_mm: self.number(e, "chamfer", s)?,
                corners: self.corners(e)?,
            },
            b"RectCorner" => {
                let (x0, y0) = (
                    self.number(e, "lowerLeftX", s)?,
                    self.number(e, "lowerLeftY", s)?,
                );
                let (x1, y1) = (
                    self.number(e, "upperRightX", s)?,
                    self.number(e, "upperRightY", s)?,
                );
                CamShape::Rect {
                    size: SizeMm {
                        w: (x1 - x0).abs(),
                        h: (y1 - y0).abs(),
                    },
                }
            }
            b"Oval" => CamShape::Oval {
                size: self.size(e, "width", "height", s)?,
            },
            b"Diamond" | b"Ellipse" => CamShape::Other {
                size: self.size(e, "width", "height", s)?,
            },
            b"Triangle" => CamShape::Other {
                size: self.size(e, "base", "height", s)?,
            },
            b"Hexagon" | b"Octagon" => CamShape::Other {
                size: square(self.number(e, "length", s)?),
            },
            b"Donut" | b"Thermal" => CamShape::Other {
                size: square(self.number(e, "outerDiameter", s)?),
            },
            b"Butterfly" | b"Moire" => {
                let d = match self.number_opt(e, "diameter", s)? {
                    Some(d) => d,
                    None => self.number(e, "side", s)?,
                };
                CamShape::Other { size: square(d) }
            }
            _ => return Ok(None),
        }))
    }

    #[inline(always)]
    fn close(&mut self) -> Result<()> {
        let tag = self.stack.pop().unwrap_or(Tag::Other);
        match tag {
            Tag::Entry => {
                if let Some((id, shape)) = self.entry.take() {
                    // An entry drawn only with lines and arcs (a figure) has no area.
                    let shape = shape.unwrap_or(CamShape::Other {
                        size: SizeMm::default(),
                    });
                    let table = if self.dict_is_user {
                        &mut self.user
                    } else {
                        &mut self.standard
                    };
                    table.insert(id, shape);
                    // An id defined again is looked up again.
                    self.last_primitive = None;
                }
            }
            Tag::Polygon | Tag::Cutout => self.close_polygon(),
            Tag::PadStackDef => self.padstack = None,
            Tag::EntryLineDesc => self.line_desc_entry = None,
            Tag::Package => {
                if let Some((name, def)) = self.package.take() {
                    self.doc.packages.insert(name, def);
                }
            }
            Tag::Component => {
                if let Some(c) = self.component.take() {
                    self.doc.components.push(c);
                }
            }
            Tag::LayerFeature => self.layer_feature = None,
            Tag::Set => {
                self.set_net = None;
                self.set_test_point = false;
            }
            Tag::Pad => {
                if let Some(p) = self.pad.take() {
                    self.doc.pads.push(p);
                }
            }
            Tag::SlotCavity => {
                if let Some(s) = self.slot.take() {
                    self.doc.slots.push(s);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close_polygon(&mut self) {
        let Some((target, pts)) = self.poly.take() else {
            return;
        };
        match target {
            PolyTarget::ProfileOuter => self.doc.profile.push(pts),
            PolyTarget::ProfileCutout => self.doc.profile_cutouts.push(pts),
            PolyTarget::EntryContour => {
                if let Some((_, s @ None)) = self.entry.as_mut() {
                    let [x0, y0, x1, y1] = crate::geometry::bbox_of(pts.iter().copied());
                    if let Some(trapezoid) = crate::cam::trapezoid_of(&pts) {
                        *s = Some(trapezoid);
                    } else if x1 >= x0 {
                        *s = Some(CamShape::Other {
                            size: SizeMm {
                                w: x1 - x0,
                                h: y1 - y0,
                            },
                        });
                    }
                }
            }
            PolyTarget::PackageOutline => {
                if let Some((_, def)) = self.package.as_mut()
                    && def.outline.is_empty()
                {
                    def.outline = pts;
                }
            }
            PolyTarget::Slot => {
                if let Some(s) = self.slot.as_mut() {
                    s.outline.extend(pts);
                }
            }
        }
    }

    fn scale(&self, units: &str) -> Result<f64> {
        unit_scale(units).ok_or_else(|| {
            self.error(
                self.at,
                "units MILLIMETER, INCH or MICRON",
                format!("\"{units}\""),
            )
        })
    }

    fn plating(&self, e: &Element<'_>) -> Result<Plating> {
        let v = self.required(e, "platingStatus")?;
        Plating::parse(&v).ok_or_else(|| {
            self.error(
                self.at,
                "platingStatus PLATED, NONPLATED or VIA",
                format!("\"{v}\""),
            )
        })
    }

    /// An attribute's value with its entities resolved and its white space
    /// normalised (XML 1.0): borrowed from the text when there is nothing to do.
    fn unescape<'b>(&self, raw: &'b str) -> Result<Cow<'b, str>> {
        if !raw.contains(['&', '\t', '\r', '\n']) {
            return Ok(Cow::Borrowed(raw));
        }
        // Built field by field: `Attribute::from((key, value))` would escape the value.
        let a = quick_xml::events::attributes::Attribute {
            key: quick_xml::name::QName("a"),
            value: Cow::Borrowed(raw),
        };
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| Cow::Owned(v.into_owned()))
            .map_err(|err| {
                self.error(
                    self.at,
                    "an attribute value with valid escapes",
                    err.to_string(),
                )
            })
    }

    /// The value of attribute `key` (a local name, or a qualified one with its prefix).
    fn value<'b>(&self, e: &Element<'b>, key: &str) -> Result<Option<Cow<'b, str>>> {
        let qualified = key.contains(':') || key == "xmlns";
        if !qualified {
            return match e.local_attr(key) {
                None => Ok(None),
                Some((raw, true)) => Ok(Some(Cow::Borrowed(raw))),
                Some((raw, false)) => self.unescape(raw).map(Some),
            };
        }
        for a in e.attributes() {
            let matches = if qualified {
                a.name == key
            } else {
                a.local == key && !a.name.starts_with("xmlns")
            };
            if matches {
                if a.plain {
                    return Ok(Some(Cow::Borrowed(a.raw)));
                }
                return self.unescape(a.raw).map(Some);
            }
        }
        Ok(None)
    }

    fn attr(&self, e: &Element<'_>, key: &str) -> Result<Option<String>> {
        Ok(self.value(e, key)?.map(Cow::into_owned))
    }

    fn required(&self, e: &Element<'_>, key: &str) -> Result<String> {
        Ok(self.required_value(e, key)?.into_owned())
    }

    fn required_value<'b>(&self, e: &Element<'b>, key: &str) -> Result<Cow<'b, str>> {
        self.value(e, key)?.ok_or_else(|| {
            self.error(
                self.at,
                format!("attribute {key} on <{}>", e.local_name()),
                "none",
            )
        })
    }

    #[inline]
    fn number_opt(&self, e: &Element<'_>, key: &str, scale: f64) -> Result<Option<f64>> {
        // Most numbers are plain decimals: read straight from the text.
        if let Some((raw, true)) = e.local_attr(key)
            && let Some(n) = decimal(raw.as_bytes())
        {
            return Ok(Some(n * scale));
        }
        self.number_slow(e, key, scale)
    }

    /// [`Parser::number_opt`] for a value with entities, white space, an exponent or
    /// too many digits, and for errors.
    #[inline(never)]
    fn number_slow(&self, e: &Element<'_>, key: &str, scale: f64) -> Result<Option<f64>> {
        let Some(v) = self.value(e, key)? else {
            return Ok(None);
        };
        let parsed = match decimal(v.as_bytes()) {
            Some(n) => Ok(n),
            None => v.trim().parse::<f64>(),
        };
        match parsed {
            Ok(n) if n.is_finite() => Ok(Some(n * scale)),
            _ => Err(self.error(
                self.at,
                format!("a number for {key} on <{}>", e.local_name()),
                format!("\"{v}\""),
            )),
        }
    }

    fn number(&self, e: &Element<'_>, key: &str, scale: f64) -> Result<f64> {
        self.number_opt(e, key, scale)?.ok_or_else(|| {
            self.error(
                self.at,
                format!("attribute {key} on <{}>", e.local_name()),
                "none",
            )
        })
    }
}

impl xml::Handler for Parser<'_> {
    #[inline(always)]
    fn start(&mut self, e: &Element<'_>, at: usize, _empty: bool) -> Result<()> {
        self.at = at;
        let tag = self.open(e)?;
        self.stack.push(tag);
        Ok(())
    }

    #[inline(always)]
    fn end(&mut self) -> Result<()> {
        self.close()
    }

    fn syntax(&self, at: usize, expected: String, found: String) -> BoardError {
        self.error(at, expected, found)
    }

    fn io(&self, source: std::io::Error) -> BoardError {
        BoardError::Io {
            path: self.name.to_string(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names interned through the table (and through the runs it remembers) get the
    /// ids a plain map gives, across its growth.
    #[test]
    fn names_are_interned_once() {
        let mut names = Names::default();
        let mut reference: HashMap<String, Name> = HashMap::new();
        for i in 0..5000u32 {
            // Repeats, near-repeats and lengths from 0 to 40.
            let name = format!("N{}", (i * 7919) % 1733).repeat((i % 5) as usize);
            let kind = [Recent::Net, Recent::Padstack, Recent::Component][(i % 3) as usize];
            let id = if i % 2 == 0 {
                names.intern(&name)
            } else {
                names.intern_recent(kind, &name)
            };
            let next = reference.len() as Name;
            assert_eq!(
                id,
                *reference.entry(name.clone()).or_insert(next),
                "{name:?}"
            );
            assert_eq!(names.get(id), name);
        }
        assert_eq!(names.len(), reference.len());
    }

    /// A pad takes the shape its primitive has where the pad is read, also when the
    /// pad before it named the same id and a dictionary defined the id again between.
    #[test]
    fn primitive_refs_follow_a_redefined_entry() {
        let dictionary = |d: &str| {
            format!(
                "<DictionaryStandard units=\"MILLIMETER\"><EntryStandard id=\"C\">\
                 <Circle diameter=\"{d}\"/></EntryStandard></DictionaryStandard>"
            )
        };
        let pad = "<Pad><Location x=\"0\" y=\"0\"/><StandardPrimitiveRef id=\"C\"/></Pad>";
        let layer = |body: &str| {
            format!("<LayerFeature layerRef=\"F.Cu\"><Set>{body}</Set></LayerFeature>")
        };
        let doc = format!(
            "<IPC-2581 revision=\"C\" xmlns=\"{NAMESPACE}\"><Content>{}</Content>\
             <Ecad><CadHeader units=\"MILLIMETER\"/><CadData>\
             <Layer name=\"F.Cu\" layerFunction=\"CONDUCTOR\" side=\"TOP\"/><Step name=\"s\">\
             {}<Content>{}</Content>{}</Step></CadData></Ecad></IPC-2581>",
            dictionary("1"),
            layer(&pad.repeat(2)),
            dictionary("2"),
            layer(pad),
        );
        let doc = parse("t.xml", doc.as_bytes()).unwrap();
        let diameters: Vec<f64> = doc
            .pads
            .iter()
            .map(|p| match p.shape {
                Some(CamShape::Circle { diameter_mm }) => diameter_mm,
                ref other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(diameters, [1.0, 1.0, 2.0]);
    }
}
