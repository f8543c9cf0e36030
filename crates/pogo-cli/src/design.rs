//! `pogo design BOARD --out DIR` and `pogo check BOARD`.
//!
//! The pipeline of `pogo design`, one step per line:
//! read board -> `pogo_config::pipeline::run_with` (probe layout, the file's sha256
//! beside it; mechanics, tolerance; the plates' STL files rendered beside the board
//! strain model) -> render
//! `fixture.json` and the other files (`pogo_output`) -> write them -> print the summary.

use crate::args::{BoardFile, TextOrJson};
use crate::config::{self, LoadedConfig};
use crate::progress;
use clap::Args;
use miette::IntoDiagnostic;
use pogo_board::Board;
use pogo_catalog::Catalog;
use pogo_config::pipeline::{self, Stage};
use pogo_fixture::Fixture;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a design starts from, as `pogo design`, `pogo check` and `pogo diff` take it.
#[derive(Args)]
pub struct BoardInputs {
    #[command(flatten)]
    pub file: BoardFile,
    /// Engineer's intent (default: pogo.toml beside the board, when present)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Extra probe catalog (TOML), added to the built-in one
    #[arg(long)]
    pub catalog: Option<PathBuf>,
}

#[derive(Args)]
pub struct DesignArgs {
    #[command(flatten)]
    pub inputs: BoardInputs,
    /// Output folder (created when missing)
    #[arg(long)]
    pub out: PathBuf,
    /// The fixture.json of an earlier revision of this board: keep every probe that can
    /// stay in its hole and choose the rest (fewest new holes)
    #[arg(long)]
    pub reuse: Option<PathBuf>,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: BoardInputs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

/// Everything a design starts from.
pub(crate) struct Inputs {
    pub(crate) board: Board,
    pub(crate) catalog: Catalog,
    pub(crate) config: LoadedConfig,
}

/// Reads the board, its settings and its catalog.
pub(crate) fn load_inputs(args: &BoardInputs) -> miette::Result<Inputs> {
    load_with_file(args).map(|(inputs, _)| inputs)
}

/// [`load_inputs`], and the board file's bytes, for [`sha256_hex`] to hash beside the
/// probe layout (which leaves the second core idle) rather than beside the parse
/// (which uses both).
fn load_with_file(args: &BoardInputs) -> miette::Result<(Inputs, pogo_board::source::FileBytes)> {
    let board = args.file.board.as_path();
    let config = config::load(board, args.config.as_deref())?;
    let mut cat = Catalog::builtin();
    let extra = args
        .catalog
        .clone()
        .or_else(|| config.config.catalog.as_ref().map(|p| config.resolve(p)));
    if let Some(path) = extra {
        let user = Catalog::read_file(&path).into_diagnostic()?;
        cat.merge(user, &path.display().to_string())
            .into_diagnostic()?;
    }
    let spinner = progress::spinner(&format!("reading {}", board.display()));
    let (board, file) = read_board(board)?;
    spinner.finish_and_clear();
    Ok((
        Inputs {
            board,
            catalog: cat,
            config,
        },
        file,
    ))
}

/// The sha256 of the file's bytes, hex; each piece of a mapped file is given back to
/// the kernel once hashed (the board is parsed by then).
fn sha256_hex(file: pogo_board::source::FileBytes) -> String {
    let mut hasher = Sha256::new();
    file.read_releasing(|piece| hasher.update(piece));
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the board from the file mapped (or read) once; its bytes come back for the
/// sha256.
fn read_board(path: &Path) -> miette::Result<(Board, pogo_board::source::FileBytes)> {
    let Ok(bytes) = pogo_board::source::FileBytes::open(path) else {
        return Err(crate::board::load(path)
            .err()
            .unwrap_or_else(|| miette::miette!("cannot read {}", path.display())));
    };
    match pogo_board::read_bytes(&path.display().to_string(), &bytes) {
        Ok(board) => Ok((board, bytes)),
        // Read again through the board command's loader for its diagnostic (source snippet).
        Err(e) => Err(crate::board::load(path)
            .err()
            .unwrap_or_else(|| miette::miette!("{e}"))),
    }
}

/// Takes the board through `pogo_config::pipeline` up to `upto` (from an earlier
/// revision's fixture when given), a spinner per stage, and records the sha256 of the
/// board file's bytes (`file`).
fn design_through(
    inputs: &Inputs,
    file: pogo_board::source::FileBytes,
    reuse: Option<&Fixture>,
    upto: Stage,
) -> miette::Result<pipeline::Designed> {
    design_beside(inputs, file, reuse, upto, |_| ()).map(|(designed, _)| designed)
}

/// [`design_through`], running `beside` on the registered fixture while the board strain
/// model solves (`pogo_config::pipeline::run_with`). The board file (`file`, its bytes)
/// is hashed on a second thread meanwhile: the probe layout, first, runs on one.
fn design_beside<R: Send>(
    inputs: &Inputs,
    file: pogo_board::source::FileBytes,
    reuse: Option<&Fixture>,
    upto: Stage,
    beside: impl FnOnce(&Fixture) -> R + Send,
) -> miette::Result<(pipeline::Designed, Option<R>)> {
    let start = reuse.map_or(pipeline::Start::Fresh, pipeline::Start::Reuse);
    let mut spinner: Option<indicatif::ProgressBar> = None;
    let mut progress = |stage: Stage| {
        if let Some(s) = spinner.take() {
            s.finish_and_clear();
        }
        spinner = Some(progress::spinner(match stage {
            Stage::Design => "choosing test points and probes",
            Stage::Mechanics => "stack-up, tooling pins, board strain, channels",
            Stage::Tolerance => "positional tolerance: hit probabilities, contact yield",
        }));
    };
    let config = &inputs.config;
    let (designed, sha256) = std::thread::scope(|scope| {
        let hash = scope.spawn(|| sha256_hex(file));
        let designed = pipeline::run_with(
            &inputs.board,
            &inputs.catalog,
            &config.config,
            start,
            upto,
            &mut progress,
            beside,
        );
        (designed, hash.join().expect("hashing does not panic"))
    });
    let designed = designed.map_err(|e| match &config.path {
        Some(p) => miette::miette!("{}: {e}", p.display()),
        None => miette::miette!("{e}"),
    });
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let (mut designed, besides) = designed?;
    designed.fixture.board.sha256 = sha256;
    Ok((designed, besides))
}

/// The mechanics lines of the summary.
fn write_mechanics(out: &mut impl Write, f: &Fixture, notes: &[String]) -> std::io::Result<()> {
    for side in f.stackup.iter().flat_map(|s| s.sides.iter()) {
        let travel: Vec<String> = side
            .levels
            .iter()
            .map(|l| format!("{} {:.0}%", l.part, l.working_travel_fraction * 100.0))
            .collect();
        writeln!(
            out,
            "stack-up   {}: set height {:.2} mm, {}",
            side.side.as_str(),
            side.set_height_mm,
            travel.join(", ")
        )?;
    }
    if let Some(force) = &f.force {
        let totals: Vec<String> = force
            .total_n
            .iter()
            .map(|(s, n)| format!("{n:.1} N {}", s.as_str()))
            .collect();
        writeln!(
            out,
            "force      {}; board strain {:.0} µε (limit {:.0}), {} supports",
            totals.join(", "),
            force.max_strain_ue,
            force.limit_ue,
            force.supports.len()
        )?;
    }
    writeln!(
        out,
        "tooling    {} guide pins, {} suggested holes",
        f.tooling.len(),
        f.tooling_suggestions.len()
    )?;
    if let Some(t) = &f.tolerance {
        let weakest = t.weakest_probes.first();
        writeln!(
            out,
            "tolerance  contact yield {:.4}; weakest probe {} hits {:.4}",
            t.contact_yield,
            weakest.map(|w| w.id.as_str()).unwrap_or("-"),
            weakest.map(|w| w.hit_probability).unwrap_or(1.0)
        )?;
    }
    for note in notes {
        writeln!(out, "note       {note}")?;
    }
    Ok(())
}

/// Makes large buffers (a panel's meshes, models and files) come from the kernel and go
/// back to it when freed. glibc's threshold for that otherwise grows with each large
/// buffer freed, and the memory the stages free stays with the process: on the
/// 120 MB panel, whose stages overlap on two threads, the peak grew by 10-20 MB.
/// Also keeps the small allocations of every thread in at most two arenas: glibc
/// otherwise gives each new thread (the parse's, the hash's, the two rayon workers)
/// its own, and what one frees the others cannot reuse (on the panel, one or two
/// arenas lower the peak by 8-10 MB, at no measurable cost in time).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn tune_the_allocator() {
    const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
    const M_ARENA_MAX: std::ffi::c_int = -8;
    unsafe extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    // SAFETY: mallopt only sets one of the allocator's parameters (a documented glibc
    // call with a valid parameter and value); it is made before the design starts any
    // thread.
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
        mallopt(M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_the_allocator() {}

pub fn run_design(args: DesignArgs) -> miette::Result<ExitCode> {
    tune_the_allocator();
    let reuse = args
        .reuse
        .as_deref()
        .map(Fixture::read)
        .transpose()
        .into_diagnostic()?;
    let (inputs, file) = load_with_file(&args.inputs)?;
    let opts = pogo_output::OutputOptions::default();
    // The probe plates are settled once the fixture is registered: their STL files (the
    // longest writer) render beside the board strain model.
    let (designed, early) = design_beside(&inputs, file, reuse.as_ref(), Stage::Tolerance, |f| {
        pogo_output::EarlyStls::render(f, &opts)
    })?;
    let fixture = designed.fixture;
    // The board model (tens of MB for a panel) is not needed for the files: freed
    // before they render, the largest memory of the run.
    drop(inputs);
    // Every file (fixture.json, drill, DXF, SVG, OpenSCAD, STL, wiring, BOM, report) is
    // rendered before the first is written: a failure leaves the directory untouched.
    let files = pogo_output::render_with_json_reusing(&fixture, &opts, early.unwrap_or_default())
        .into_diagnostic()?;
    let written = pogo_output::write_files(&files, &args.out).into_diagnostic()?;
    let json_path = &written[0];
    let mut out = std::io::stdout().lock();
    write_summary(&mut out, &fixture).map_err(stdout_error)?;
    write_mechanics(&mut out, &fixture, &designed.notes).map_err(stdout_error)?;
    writeln!(out, "wrote {}", json_path.display()).map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_check(args: CheckArgs) -> miette::Result<ExitCode> {
    let (inputs, file) = load_with_file(&args.inputs)?;
    let fixture = design_through(&inputs, file, None, Stage::Design)?.fixture;
    let pass = fixture.coverage.nets_probed == fixture.coverage.nets_testable
        && fixture.unreachable.is_empty()
        && fixture.violations.is_empty();
    let mut out = std::io::stdout().lock();
    match args.format {
        TextOrJson::Json => {
            let report = serde_json::json!({
                "board": { "file": fixture.board.file, "sha256": fixture.board.sha256 },
                "pass": pass,
                "coverage": fixture.coverage,
                "unreachable": fixture.unreachable,
                "violations": fixture.violations,
                "rules": fixture.rules,
                "registration": fixture.registration,
            });
            let mut text = serde_json::to_string_pretty(&report).into_diagnostic()?;
            text.push('\n');
            out.write_all(text.as_bytes()).map_err(stdout_error)?;
        }
        TextOrJson::Text => {
            write_summary(&mut out, &fixture).map_err(stdout_error)?;
            for u in &fixture.unreachable {
                writeln!(out, "unprobed  {}: [{}] {}", u.net, u.rule, u.reason)
                    .map_err(stdout_error)?;
            }
            for v in &fixture.violations {
                writeln!(
                    out,
                    "violation [{}] {} ({})",
                    v.rule,
                    v.message,
                    v.probes.join(", ")
                )
                .map_err(stdout_error)?;
            }
            writeln!(out, "{}", if pass { "PASS" } else { "FAIL" }).map_err(stdout_error)?;
        }
    }
    Ok(if pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// An error writing to stdout; a closed pipe (`pogo check ... | head`) is not a
/// failure (main maps it to success).
pub(crate) fn stdout_error(e: std::io::Error) -> miette::Report {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    miette::miette!("cannot write to stdout: {e}")
}

/// The short summary both commands print.
fn write_summary(out: &mut impl Write, f: &Fixture) -> std::io::Result<()> {
    let c = &f.coverage;
    writeln!(out, "board      {} ({})", f.board.file, f.board.format)?;
    writeln!(
        out,
        "nets       {} total, {} testable, {} probed, {} reachable (upper bound)",
        c.nets_total, c.nets_testable, c.nets_probed, c.nets_reachable
    )?;
    let sides: Vec<&str> = f.rules.sides.iter().map(|s| s.as_str()).collect();
    writeln!(
        out,
        "probes     {} on {}",
        f.probes.len(),
        sides.join(" + ")
    )?;
    for (class, by_side) in &c.probes_by_class {
        let parts: Vec<String> = by_side
            .iter()
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect();
        writeln!(out, "  {class:<8} {}", parts.join(", "))?;
    }
    writeln!(out, "unprobed   {} nets", f.unreachable.len())?;
    writeln!(out, "violations {}", f.violations.len())?;
    write_registration(out, f)
}

/// The registration, its reason and the edge rules of the kind of fixture.
fn write_registration(out: &mut impl Write, f: &Fixture) -> std::io::Result<()> {
    let Some(r) = &f.registration else {
        return Ok(());
    };
    writeln!(
        out,
        "registration {} ({} fixture): {}",
        r.kind.as_str(),
        r.fixture_kind.as_str(),
        r.reason
    )?;
    for rule in &r.rules {
        writeln!(
            out,
            "  rule {} = {:.2} mm: {}",
            rule.rule, rule.value_mm, rule.why
        )?;
    }
    Ok(())
}
