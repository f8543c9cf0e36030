//! `pogo board info|pads`: what pogo reads from a board file.

use crate::args::{BoardFile, TextOrJson};
use clap::{Args, Subcommand, ValueEnum};
use miette::{Diagnostic, IntoDiagnostic, NamedSource, SourceSpan};
use pogo_board::{Board, BoardError, SourceFormat, view};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum BoardCommand {
    /// Format, version, counts of footprints/pads/vias/nets, outline box and thickness
    Info(InfoArgs),
    /// Every pad as KiCad reports it (ref, number, type, shape, x, y, w, h, rotation,
    /// drill, front, back, front_mask, back_mask, net)
    Pads(PadsArgs),
}

#[derive(Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub file: BoardFile,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Args)]
pub struct PadsArgs {
    #[command(flatten)]
    pub file: BoardFile,
    #[arg(long, value_enum, default_value_t = PadsFormat::Json)]
    pub format: PadsFormat,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PadsFormat {
    Json,
    Csv,
}

pub fn run(cmd: BoardCommand) -> miette::Result<ExitCode> {
    match cmd {
        BoardCommand::Info(a) => info(&a),
        BoardCommand::Pads(a) => pads(&a),
    }
}

/// A board syntax error shown with the offending line.
#[derive(Debug, Diagnostic)]
#[diagnostic(code(pogo::board::syntax))]
struct SyntaxDiagnostic {
    path: String,
    line: usize,
    column: usize,
    expected: String,
    found: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("expected {expected}")]
    span: SourceSpan,
}

/// Reads a board, turning a syntax error into a diagnostic that shows the line.
pub fn load(path: &Path) -> miette::Result<Board> {
    pogo_board::read_file(path).map_err(|e| diagnose(path, e))
}

fn diagnose(path: &Path, e: BoardError) -> miette::Report {
    if let BoardError::Syntax {
        path: p,
        line,
        column,
        offset,
        len,
        expected,
        found,
    } = &e
    {
        // Show only the lines around the error: the file may be 100 MB. An error in a
        // file inside an archive (ODB++) names that member: no snippet of the archive.
        if *p == path.display().to_string()
            && let Some((snippet, at)) = snippet_around(path, *offset)
        {
            let len = (*len).min(snippet.len() - at);
            let span = SourceSpan::new(at.into(), len);
            return miette::Report::new(SyntaxDiagnostic {
                path: p.clone(),
                line: *line,
                column: *column,
                expected: expected.clone(),
                found: found.clone(),
                src: NamedSource::new(p.clone(), snippet),
                span,
            });
        }
    }
    match Err::<(), _>(e).into_diagnostic() {
        Err(report) => report,
        Ok(()) => unreachable!("built from an error"),
    }
}

impl std::fmt::Display for SyntaxDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self {
            path,
            line,
            column,
            expected,
            found,
            ..
        } = self;
        write!(
            f,
            "{path}:{line}:{column}: expected {expected}, found {found}"
        )
    }
}

impl std::error::Error for SyntaxDiagnostic {}

/// Up to 3 lines before and after `offset` of the (decompressed) file, preceded by
/// as many empty lines as the file has before them (so miette numbers lines right),
/// and the offset of `offset` in that snippet.
fn snippet_around(path: &Path, offset: usize) -> Option<(String, usize)> {
    let bytes = std::fs::read(path).ok()?;
    let text = pogo_board::source::decompress("", &bytes)
        .ok()?
        .unwrap_or(bytes);
    let offset = offset.min(text.len());
    let mut start = offset;
    let mut lines = 0;
    while start > 0 {
        if text[start - 1] == b'\n' {
            lines += 1;
            if lines > 3 {
                break;
            }
        }
        start -= 1;
    }
    let mut end = offset;
    let mut lines = 0;
    while end < text.len() {
        if text[end] == b'\n' {
            lines += 1;
            if lines > 3 {
                break;
            }
        }
        end += 1;
    }
    let before_lines = text[..start].iter().filter(|&&c| c == b'\n').count();
    let mut s = "\n".repeat(before_lines);
    let head = String::from_utf8_lossy(&text[start..offset]);
    let at = s.len() + head.len();
    s.push_str(&head);
    s.push_str(&String::from_utf8_lossy(&text[offset..end]));
    Some((s, at))
}

fn fmt_mm(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_string()
}

fn info(a: &InfoArgs) -> miette::Result<ExitCode> {
    let board = load(&a.file.board)?;
    let (format, version, generator) = match &board.format {
        SourceFormat::KicadPcb {
            version,
            generator,
            generator_version,
        } => (
            "kicad_pcb",
            Some(*version),
            Some(format!(
                "{generator}{}",
                generator_version
                    .as_ref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            )),
        ),
        SourceFormat::Ipc356 { .. } => ("ipc-d-356", None, None),
        SourceFormat::Ipc2581 { revision, .. } => {
            ("ipc-2581", None, Some(format!("revision {revision}")))
        }
        SourceFormat::OdbPlusPlus { .. } => ("odb++", None, None),
    };
    let bbox = board
        .outline
        .as_ref()
        .filter(|o| !o.bbox.is_empty())
        .map(|o| o.bbox.as_array());
    let copper_layers = board
        .layers
        .iter()
        .filter(|l| l.name.ends_with(".Cu"))
        .count();
    let nets = board.nets.iter().filter(|n| !n.name.is_empty()).count();
    let mut out = std::io::stdout().lock();
    match a.format {
        TextOrJson::Json => {
            let v = serde_json::json!({
                "file": board.source_name,
                "format": format,
                "version": version,
                "generator": generator,
                "footprints": board.footprints_known.then_some(board.footprints.len()),
                "pads": board.pads.len(),
                "vias": board.vias.len(),
                "nets": nets,
                "copper_layers": (copper_layers > 0).then_some(copper_layers),
                "outline_bbox": bbox,
                "outline_polygons": board.outline.as_ref().map(|o| o.polygons.len()),
                "thickness": board.thickness_mm,
            });
            serde_json::to_writer_pretty(&mut out, &v).into_diagnostic()?;
            writeln!(out).into_diagnostic()?;
        }
        TextOrJson::Text => {
            let mut s = String::new();
            s += &format!("file:        {}\n", board.source_name);
            match version {
                Some(v) => {
                    s += &format!(
                        "format:      KiCad board, version {v} ({})\n",
                        kicad_release(v)
                    );
                    if let Some(g) = &generator {
                        s += &format!("generator:   {g}\n");
                    }
                }
                None => {
                    s += match &board.format {
                        SourceFormat::Ipc2581 { revision, units } => {
                            format!("format:      IPC-2581 revision {revision} ({units})\n")
                        }
                        SourceFormat::OdbPlusPlus { units } => {
                            format!("format:      ODB++ job ({units})\n")
                        }
                        _ => "format:      IPC-D-356 netlist\n".to_string(),
                    }
                    .as_str()
                }
            }
            if board.footprints_known {
                s += &format!("footprints:  {}\n", board.footprints.len());
            } else {
                s += "footprints:  (not in this format)\n";
            }
            s += &format!("pads:        {}\n", board.pads.len());
            s += &format!("vias:        {}\n", board.vias.len());
            s += &format!("nets:        {nets}\n");
            if copper_layers > 0 {
                s += &format!("copper:      {copper_layers} layers\n");
            }
            match (&board.outline, bbox) {
                (Some(o), Some(b)) => {
                    s += &format!(
                        "outline:     [{}, {}] to [{}, {}] mm ({} x {} mm), {} polygon(s)",
                        fmt_mm(b[0]),
                        fmt_mm(b[1]),
                        fmt_mm(b[2]),
                        fmt_mm(b[3]),
                        fmt_mm(b[2] - b[0]),
                        fmt_mm(b[3] - b[1]),
                        o.polygons.len()
                    );
                    if !o.open_chains.is_empty() {
                        s += &format!(", {} open piece(s)", o.open_chains.len());
                    }
                    s += "\n";
                }
                (Some(_), None) => s += "outline:     none (no Edge.Cuts graphics)\n",
                (None, _) => s += "outline:     (not in this format)\n",
            }
            match board.thickness_mm {
                Some(t) => s += &format!("thickness:   {} mm\n", fmt_mm(t)),
                None => s += "thickness:   (not in this format)\n",
            }
            out.write_all(s.as_bytes()).into_diagnostic()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The KiCad release that writes a given file format version.
fn kicad_release(v: u32) -> &'static str {
    match v {
        0..=20171130 => "KiCad 5",
        20171131..=20211014 => "KiCad 6",
        20211015..=20221018 => "KiCad 7",
        20221019..=20240108 => "KiCad 8",
        20240109..=20241229 => "KiCad 9",
        _ => "newer than KiCad 9",
    }
}

fn pads(a: &PadsArgs) -> miette::Result<ExitCode> {
    let board = load(&a.file.board)?;
    let rows = view::pad_rows(&board);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match a.format {
        PadsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows).into_diagnostic()?;
            writeln!(out).into_diagnostic()?;
        }
        PadsFormat::Csv => {
            writeln!(out, "{}", view::PadRow::CSV_HEADER).into_diagnostic()?;
            for r in &rows {
                writeln!(out, "{}", r.csv()).into_diagnostic()?;
            }
        }
    }
    out.flush().into_diagnostic()?;
    Ok(ExitCode::SUCCESS)
}
