//! IPC-2581 (revisions B and C) reader: one pass over the XML as a stream of tags
//! (`xml.rs`, a tokenizer over a buffer of the file: tags and attribute values are
//! slices of it, nothing is allocated per element), keeping only what the board model
//! needs (`parse.rs`: names such as nets, pins and pad stacks stored once and referred
//! to by index), then the pads, vias, footprints and outline assembled in KiCad's page
//! frame (y negated, `build.rs`).
//!
//! What is read: units of the `CadHeader` and of each dictionary; the standard and
//! user primitive dictionaries; `Layer` functions and sides (and drill layer spans);
//! `Stackup@overallThickness`; the `Step`'s `Profile` (outline with cut-outs);
//! `PadStackDef` holes; `Package` pins, heights and outline (a courtyard, or in KiCad's
//! files the footprint's hull where drawn with a zero-width line); `Component` placement (`Xform`
//! rotation and mirror, `Location`); `LayerFeature` sets with `Pad`, `Hole` and
//! `SlotCavity`, their `net` and `testPoint`.

mod build;
mod parse;
mod xml;

use crate::error::Result;
use crate::model::Board;

pub use parse::looks_like_ipc2581;

/// The IPC-2581 namespace every revision uses.
pub const NAMESPACE: &str = "http://webstds.ipc.org/2581";

/// Reads an IPC-2581 document (UTF-8 XML text); `path_name` names it in errors.
pub fn read(path_name: &str, text: &[u8]) -> Result<Board> {
    let doc = parse::parse(path_name, text)?;
    build::build(path_name, doc)
}

/// Reads an IPC-2581 document from a plain (uncompressed) file, streamed through a
/// 1 MiB buffer rather than held whole: peak memory is what the board needs, not the
/// file.
pub fn read_file(path_name: &str, path: &std::path::Path) -> Result<Board> {
    let io = |source| crate::error::BoardError::Io {
        path: path_name.to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let doc = parse::parse_from(path_name, parse::Source::File(path), file)?;
    build::build(path_name, doc)
}
