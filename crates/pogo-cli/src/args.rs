//! Arguments that several commands take alike: one definition, one help text.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// The board file a command reads.
#[derive(Args)]
pub struct BoardFile {
    /// Board file: KiCad .kicad_pcb, IPC-2581 XML, ODB++ (job folder, .tgz or .zip)
    /// or IPC-D-356A netlist; plain, .gz or .xz
    pub board: PathBuf,
}

/// The fixture file a command reads.
#[derive(Args)]
pub struct DesignedFixture {
    /// fixture.json written by `pogo design`
    pub fixture: PathBuf,
}

/// `--format text|json` of the commands that print a text report or its JSON.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}
