//! pogo-board: read a PCB design into one [`Board`] model.
//!
//! In: a KiCad `.kicad_pcb` (formats 5 to 9) or an IPC-D-356(A) netlist, plain or
//! gzip/xz-compressed, chosen by content. Out: a [`Board`] (footprints, pads, vias,
//! nets, outline, thickness), or a [`BoardError`] that names file, line, column and
//! what was expected.

mod error;
pub mod ipc356;
pub mod model;

pub use error::{BoardError, Result};
pub use model::*;
