//! pogo-output: the files a shop or a printer needs to build a fixture, written from a
//! [`Fixture`] (`fixture.json`) alone.
//!
//! For each probed side there is one probe plate ([`plate::Plate`]); for each plate:
//! - `plate-SIDE.drl` and `plate-SIDE-mirrored.drl`: Excellon drill files in KiCad's own
//!   drill coordinates (see [`excellon`]);
//! - `plate-SIDE.dxf` and `plate-SIDE.svg`: cutting drawings (outline, cut-outs, probe,
//!   guide pin and mounting holes; optional laser kerf compensation);
//! - `plate-SIDE.stl`: the plate as a watertight solid.
//!
//! and for the whole fixture `fixture.scad`, a parametric OpenSCAD model; with a nest
//! registration, `nest.dxf`, `nest.svg`, `nest.stl` and `nest.scad` ([`nest`]).
//!
//! [`write_all`] renders every file in memory first, so a bad fixture fails before
//! anything is written, then writes each file atomically (temporary file, then rename).
#![warn(missing_docs)]

pub mod bom;
pub mod dxf;
pub mod excellon;
pub mod frame;
mod geometry;
pub mod nest;
pub mod plate;
pub mod probe_board;
pub mod report;
pub mod scad;
pub mod stl;
pub mod svg;
pub mod wiring;

use pogo_fixture::Fixture;
use std::path::{Path, PathBuf};

pub use plate::{HoleKind, Plate, PlateHole, plates};

/// Why the outputs could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The fixture cannot be turned into a buildable plate (missing data, holes that
    /// overlap, holes outside the plate).
    #[error("{side} probe plate: {message}")]
    Plate {
        /// The plate's side.
        side: String,
        /// What is wrong.
        message: String,
    },
    /// A clamshell part that cannot be drawn (`frame-NAME`).
    #[error("{part}: {message}")]
    Part {
        /// The part's name.
        part: String,
        /// What is wrong.
        message: String,
    },
    /// An output option out of its range.
    #[error("option {name}: {message}")]
    Option {
        /// The option.
        name: &'static str,
        /// What is wrong with its value.
        message: String,
    },
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] pogo_fixture::FixtureError),
    /// The output directory could not be made.
    #[error("cannot create output directory {path}")]
    CreateDir {
        /// The directory.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A result of the writers.
pub type Result<T, E = OutputError> = std::result::Result<T, E>;

/// How the fabrication files are drawn. Figures the fixture itself fixes (probe
/// positions, receptacle drills, tooling pins, plate thickness from the stack-up)
/// come from the [`Fixture`]; these are the shop's choices.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    /// Laser kerf width, mm: DXF and SVG cutting paths are offset by half of it (plate
    /// outline outward, holes and cut-outs inward). 0 draws nominal geometry.
    pub kerf_mm: f64,
    /// Probe plate thickness, mm, used when the fixture's stack-up does not give one.
    pub plate_thickness_mm: f64,
    /// Plate margin around the board outline's bounding box, mm.
    pub plate_margin_mm: f64,
    /// Corner radius of the plate outline, mm.
    pub plate_corner_radius_mm: f64,
    /// Plate mounting holes (one near each corner, for spacers or support posts).
    pub mounting_hole_mm: f64,
    /// Distance from the plate edges to the mounting hole centres, mm.
    pub mounting_hole_inset_mm: f64,
    /// Largest distance between a drawn circle and its polygon (STL), mm.
    pub chord_tolerance_mm: f64,
}

impl Default for OutputOptions {
    fn default() -> Self {
        Self {
            kerf_mm: 0.0,
            plate_thickness_mm: 6.35,
            plate_margin_mm: 12.0,
            plate_corner_radius_mm: 3.0,
            mounting_hole_mm: 3.4,
            mounting_hole_inset_mm: 6.0,
            chord_tolerance_mm: 0.005,
        }
    }
}

impl OutputOptions {
    /// Checks that the options describe a plate that can be made.
    pub fn validate(&self) -> Result<()> {
        let finite_pos = |name: &'static str, v: f64, allow_zero: bool| -> Result<()> {
            if !v.is_finite() || v < 0.0 || (!allow_zero && v == 0.0) {
                return Err(OutputError::Option {
                    name,
                    message: format!(
                        "expected a {} number of mm, found {v}",
                        if allow_zero {
                            "non-negative"
                        } else {
                            "positive"
                        }
                    ),
                });
            }
            Ok(())
        };
        finite_pos("kerf_mm", self.kerf_mm, true)?;
        finite_pos("plate_thickness_mm", self.plate_thickness_mm, false)?;
        finite_pos("plate_margin_mm", self.plate_margin_mm, false)?;
        finite_pos("plate_corner_radius_mm", self.plate_corner_radius_mm, true)?;
        finite_pos("mounting_hole_mm", self.mounting_hole_mm, false)?;
        finite_pos("mounting_hole_inset_mm", self.mounting_hole_inset_mm, false)?;
        finite_pos("chord_tolerance_mm", self.chord_tolerance_mm, false)?;
        if self.kerf_mm >= 1.0 {
            return Err(OutputError::Option {
                name: "kerf_mm",
                message: format!(
                    "{} mm is not a laser kerf (expected less than 1 mm)",
                    self.kerf_mm
                ),
            });
        }
        if self.mounting_hole_inset_mm < self.mounting_hole_mm / 2.0 + 1.0 {
            return Err(OutputError::Option {
                name: "mounting_hole_inset_mm",
                message: format!(
                    "{} mm leaves less than 1 mm between a {} mm mounting hole and the plate edge",
                    self.mounting_hole_inset_mm, self.mounting_hole_mm
                ),
            });
        }
        Ok(())
    }
}

/// One rendered output file: its name inside the output directory and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// File name inside the output directory.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// The probe plates' STL files rendered ahead of the other files, from a fixture whose
/// plates are settled (`pogo design` renders them beside the board strain model, which
/// changes nothing a plate is made of). [`render_with_json_reusing`] takes each one
/// whose plate and options are the final fixture's, and renders any other again.
#[derive(Debug, Clone, Default)]
pub struct EarlyStls {
    opts: Option<OutputOptions>,
    plates: Vec<(Plate, Vec<u8>)>,
}

impl EarlyStls {
    /// Renders the STL of every plate of `fixture` (in parallel). A plate that cannot be
    /// rendered is left out: its error comes again when the files are rendered.
    pub fn render(fixture: &Fixture, opts: &OutputOptions) -> EarlyStls {
        use rayon::prelude::*;
        let plates = match opts.validate().and_then(|()| plates(fixture, opts)) {
            Ok(plates) => plates,
            Err(_) => return EarlyStls::default(),
        };
        EarlyStls {
            opts: Some(opts.clone()),
            plates: plates
                .into_par_iter()
                .filter_map(|plate| {
                    let bytes = stl::render(&plate, opts).ok()?;
                    Some((plate, bytes))
                })
                .collect(),
        }
    }

    /// How many plates were rendered.
    pub fn len(&self) -> usize {
        self.plates.len()
    }

    /// Whether no plate was rendered.
    pub fn is_empty(&self) -> bool {
        self.plates.is_empty()
    }

    /// The STL bytes of each of `plates` rendered here with `opts` (taken out), by index.
    fn take_for(self, plates: &[Plate], opts: &OutputOptions) -> Vec<Option<Vec<u8>>> {
        let mut out: Vec<Option<Vec<u8>>> = vec![None; plates.len()];
        if self.opts.as_ref() != Some(opts) {
            return out;
        }
        for (early, bytes) in self.plates {
            if let Some(i) = plates.iter().position(|p| *p == early)
                && out[i].is_none()
            {
                out[i] = Some(bytes);
            }
        }
        out
    }
}

/// Renders every fabrication file of the fixture in memory (nothing is written).
/// File names are relative to the output directory, in a stable order.
pub fn render_all(fixture: &Fixture, opts: &OutputOptions) -> Result<Vec<OutputFile>> {
    render_all_reusing(fixture, opts, EarlyStls::default())
}

/// [`render_all`], taking the plates' STL files from `early` where they are the same.
fn render_all_reusing(
    fixture: &Fixture,
    opts: &OutputOptions,
    early: EarlyStls,
) -> Result<Vec<OutputFile>> {
    use rayon::prelude::*;
    opts.validate()?;
    let plates = plates(fixture, opts)?;
    let early: Vec<std::sync::Mutex<Option<Vec<u8>>>> = early
        .take_for(&plates, opts)
        .into_iter()
        .map(std::sync::Mutex::new)
        .collect();
    // Each file is rendered on its own (in parallel); the list keeps a fixed order.
    type Render<'a> = Box<dyn Fn() -> Result<Vec<u8>> + Send + Sync + 'a>;
    let mut jobs: Vec<(String, Render)> = Vec::new();
    for (plate, early) in plates.iter().zip(&early) {
        let side = plate.side.as_str();
        jobs.push((
            format!("plate-{side}.drl"),
            Box::new(move || {
                Ok(excellon::render(fixture, plate, excellon::Face::BoardTopView).into_bytes())
            }),
        ));
        jobs.push((
            format!("plate-{side}-mirrored.drl"),
            Box::new(move || {
                Ok(excellon::render(fixture, plate, excellon::Face::Mirrored).into_bytes())
            }),
        ));
        jobs.push((
            format!("plate-{side}.dxf"),
            Box::new(move || Ok(dxf::render(fixture, plate, opts).into_bytes())),
        ));
        jobs.push((
            format!("plate-{side}.svg"),
            Box::new(move || Ok(svg::render(fixture, plate, opts).into_bytes())),
        ));
        jobs.push((
            format!("plate-{side}.stl"),
            Box::new(move || {
                let rendered = early.lock().ok().and_then(|mut e| e.take());
                rendered.map_or_else(|| stl::render(plate, opts), Ok)
            }),
        ));
    }
    if let Some(n) = nest::nest_of(fixture) {
        jobs.push((
            "nest.dxf".to_string(),
            Box::new(move || Ok(nest::render_dxf(fixture, n).into_bytes())),
        ));
        jobs.push((
            "nest.svg".to_string(),
            Box::new(move || Ok(nest::render_svg(fixture, n).into_bytes())),
        ));
        jobs.push((
            "nest.stl".to_string(),
            Box::new(move || nest::render_stl(n)),
        ));
        jobs.push((
            "nest.scad".to_string(),
            Box::new(move || Ok(nest::render_scad(fixture, n).into_bytes())),
        ));
    }
    let plates = &plates;
    jobs.push((
        "fixture.scad".to_string(),
        Box::new(move || Ok(scad::render(fixture, plates, opts).into_bytes())),
    ));
    jobs.push((
        "wiring.csv".to_string(),
        Box::new(move || Ok(wiring::render(fixture).into_bytes())),
    ));
    jobs.push((
        "bom.csv".to_string(),
        Box::new(move || Ok(bom::render(fixture).into_bytes())),
    ));
    jobs.push((
        "report.html".to_string(),
        Box::new(move || Ok(report::render_report(fixture).into_bytes())),
    ));
    if let Some(c) = &fixture.clamshell {
        clamshell_jobs(fixture, c, &mut jobs);
    }
    // The probe board (one long serial writer) renders beside the other files.
    let (files, probe_boards) = rayon::join(
        || {
            jobs.into_par_iter()
                .map(|(name, render)| {
                    Ok(OutputFile {
                        name,
                        bytes: render()?,
                    })
                })
                .collect::<Result<Vec<OutputFile>>>()
        },
        || probe_board::render(fixture, plates, opts),
    );
    let mut files = files?;
    for board in probe_boards {
        files.push(OutputFile {
            name: format!("{}.kicad_pcb", board.stem),
            bytes: board.pcb.into_bytes(),
        });
        files.push(OutputFile {
            name: format!("{}.kicad_pro", board.stem),
            bytes: board.pro.into_bytes(),
        });
    }
    Ok(files)
}

/// `fixture.json` followed by every file of [`render_all`], as `pogo design --out`
/// writes them; the JSON is serialised while the other files render.
pub fn render_with_json(fixture: &Fixture, opts: &OutputOptions) -> Result<Vec<OutputFile>> {
    render_with_json_reusing(fixture, opts, EarlyStls::default())
}

/// [`render_with_json`], taking the plates' STL files from `early` where their plates
/// are the same (see [`EarlyStls`]).
pub fn render_with_json_reusing(
    fixture: &Fixture,
    opts: &OutputOptions,
    early: EarlyStls,
) -> Result<Vec<OutputFile>> {
    let (json, files) = rayon::join(
        || fixture.to_json(),
        || render_all_reusing(fixture, opts, early),
    );
    let mut files = files?;
    files.insert(
        0,
        OutputFile {
            name: "fixture.json".to_string(),
            bytes: json.into_bytes(),
        },
    );
    Ok(files)
}

type Job<'a> = (String, Box<dyn Fn() -> Result<Vec<u8>> + Send + Sync + 'a>);

/// The clamshell's files ([`frame`]): per part a DXF (sheet parts), an STL and a
/// drawing; the OpenSCAD assembly, the hardware list and the two pictures.
fn clamshell_jobs<'a>(
    fixture: &'a Fixture,
    c: &'a pogo_fixture::Clamshell,
    jobs: &mut Vec<Job<'a>>,
) {
    for part in frame::drawn_parts(c) {
        if part.making == pogo_fixture::Making::Laser {
            jobs.push((
                format!("frame-{}.dxf", part.name),
                Box::new(move || Ok(frame::render_dxf(fixture, c, part).into_bytes())),
            ));
            jobs.push((
                format!("frame-{}.svg", part.name),
                Box::new(move || Ok(frame::render_drawing(c, part).into_bytes())),
            ));
        }
        jobs.push((
            format!("frame-{}.stl", part.name),
            Box::new(move || frame::render_stl(part)),
        ));
    }
    jobs.push((
        "clamshell.scad".to_string(),
        Box::new(move || Ok(frame::render_scad(fixture, c).into_bytes())),
    ));
    jobs.push((
        "hardware.csv".to_string(),
        Box::new(move || Ok(frame::render_hardware(c).into_bytes())),
    ));
    jobs.push((
        "assembly.svg".to_string(),
        Box::new(move || Ok(frame::render_view(fixture, c, false).into_bytes())),
    ));
    jobs.push((
        "exploded.svg".to_string(),
        Box::new(move || Ok(frame::render_view(fixture, c, true).into_bytes())),
    ));
    jobs.push((
        "open.svg".to_string(),
        Box::new(move || Ok(frame::view_svg(fixture, c, frame::View::Open, true).into_bytes())),
    ));
    jobs.push((
        "open-side.svg".to_string(),
        Box::new(move || Ok(frame::side_view_svg(fixture, c, true).into_bytes())),
    ));
}

/// Writes every fabrication file of the fixture into `out_dir` (created when missing)
/// and returns their paths. Every file is rendered before the first one is written, and
/// each is written atomically, so a bad fixture leaves the directory untouched.
pub fn write_all(fixture: &Fixture, out_dir: &Path, opts: &OutputOptions) -> Result<Vec<PathBuf>> {
    write_files(&render_all(fixture, opts)?, out_dir)
}

/// Writes rendered files into `out_dir` (created when missing), each atomically, and
/// returns their paths in the order given.
pub fn write_files(files: &[OutputFile], out_dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out_dir).map_err(|source| OutputError::CreateDir {
        path: out_dir.display().to_string(),
        source,
    })?;
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|file| {
            let path = out_dir.join(&file.name);
            pogo_fixture::write_atomic(&path, &file.bytes)?;
            Ok(path)
        })
        .collect()
}

/// Fixed-precision decimal with trailing zeros removed (`1.500` -> `1.5`, `2.000` ->
/// `2`), never `-0`.
pub(crate) fn num(value: f64, decimals: usize) -> String {
    let mut s = format!("{value:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}
