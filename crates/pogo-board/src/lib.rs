//! pogo-board: read a PCB design into one [`Board`] model.
//!
//! In: a KiCad `.kicad_pcb` (formats 5 to 9) or an IPC-D-356(A) netlist, plain or
//! gzip/xz-compressed, chosen by content. Out: a [`Board`] (footprints, pads, vias,
//! nets, outline, thickness), or a [`BoardError`] that names file, line, column and
//! what was expected.
//!
//! ```no_run
//! let board = pogo_board::read_file(std::path::Path::new("board.kicad_pcb"))?;
//! println!("{} pads", board.pads.len());
//! # Ok::<(), pogo_board::BoardError>(())
//! ```
#![warn(missing_docs)]

// The CAM readers' modules are documented by their owners; their items are not yet.
#[allow(missing_docs)]
pub mod cam;
mod error;
#[allow(missing_docs)]
pub mod ipc2581;
pub mod ipc356;
pub mod kicad;
pub mod model;
#[allow(missing_docs)]
pub mod odb;
mod sexpr;
pub mod source;
pub mod view;

pub use error::{BoardError, Result};
pub use model::*;
/// The plane helpers, under their old path: they live in [`pogo_geom`].
pub use pogo_geom as geometry;
pub use source::{read_bytes, read_file};
