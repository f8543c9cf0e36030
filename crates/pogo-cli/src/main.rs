//! `pogo`: a thin command line over the pogo libraries. It parses arguments, calls
//! the library, prints, and maps the outcome to an exit code: 0 ok, 1 checked and
//! found wanting (rules broken, lot rejected, ...), 2 bad input or failure.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod args;
mod board;
mod config;
mod design;
mod diff;
mod export;
mod progress;
mod qc;
mod serve;
mod station;
mod tolerance;

#[derive(Parser)]
#[command(
    name = "pogo",
    version,
    about = "Design, build and verify pogo-pin test fixtures"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a board (KiCad .kicad_pcb or IPC-D-356A) and show what pogo sees
    #[command(subcommand)]
    Board(board::BoardCommand),
    /// Design the fixture for a board: probes, mechanics, tolerance and every output file
    Design(design::DesignArgs),
    /// Compare a fixture with a new revision of its board: probes kept, moved, added, removed
    Diff(diff::DiffArgs),
    /// Design-for-test report alone; exit 0 when every testable net can be probed
    Check(design::CheckArgs),
    /// Regenerate every output file from a fixture.json
    Export(export::ExportArgs),
    /// Positional tolerance: hit probability of each probe and the fixture's contact yield
    Tolerance(tolerance::ToleranceArgs),
    /// Quality checks: inspection plans, measurement verdicts, lot sampling, SPC, vibration
    #[command(subcommand)]
    Qc(qc::QcCommand),
    /// Test station: measure a fixture with real instruments, count lid closures, send runs
    #[command(subcommand)]
    Station(station::StationCommand),
    /// The fixture service: registry, station uploads, probe wear, dashboard
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Board(cmd) => board::run(cmd),
        Command::Design(args) => design::run_design(args),
        Command::Check(args) => design::run_check(args),
        Command::Diff(args) => diff::run(args),
        Command::Export(args) => export::run(args),
        Command::Tolerance(args) => tolerance::run(args),
        Command::Qc(cmd) => qc::run(cmd),
        Command::Station(cmd) => station::run(cmd),
        Command::Serve(args) => serve::run_serve(args),
    };
    match result {
        Ok(code) => code,
        Err(report) => {
            if is_broken_pipe(&report) {
                return ExitCode::SUCCESS;
            }
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(report: &miette::Report) -> bool {
    report
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
