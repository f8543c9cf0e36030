//! `pogo qc ...`: inspection plans, measurement verdicts, lot sampling, SPC and
//! vibration discontinuities. Arguments in, library call, output out.
//!
//! Exit codes: 0 ok (pins pass or are marginal, lot accepted, process in control,
//! no discontinuity); 1 checked and found wanting (a pin or set check fails, the
//! lot is rejected or inspection discontinued, an SPC rule is violated, a
//! discontinuity event is found); 2 bad input.

use crate::args::{DesignedFixture, TextOrJson};
use crate::progress;
use clap::{Args, Subcommand, ValueEnum};
use miette::IntoDiagnostic;
use pogo_fixture::Fixture;
use pogo_qc::discontinuity::{self, Encoding, TraceConfig};
use pogo_qc::measurements::{self, Limits};
use pogo_qc::render::{self, json};
use pogo_qc::sampling::{self, Aql, InspectionLevel, Severity, SwitchingConditions};
use pogo_qc::spc::{self, RuleSet, SpcOptions};
use pogo_qc::{inspection, report};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum QcCommand {
    /// Installation and verification checklist of a fixture, with each pin's expected values
    #[command(name = "inspection-plan")]
    InspectionPlan(InspectionPlanArgs),
    /// Verdict per pin (pass, marginal, fail) from a measurement CSV; exit 1 when a pin or set check fails
    Evaluate(EvaluateArgs),
    /// ISO 2859-1 / ANSI Z1.4 single sampling plan; exit 1 when the lot is rejected (with --nonconforming) or inspection is discontinued (with --history)
    Plan(PlanArgs),
    /// Control chart (X-bar/R, X-bar/S or I-MR), capability and run rules; exit 1 on a rule violation
    Spc(SpcArgs),
    /// Scan a contact-resistance trace for discontinuities (EIA-364-46); exit 1 when an event is found
    Discontinuity(DiscontinuityArgs),
}

/// Where a report goes: `--out FILE`, else standard output.
#[derive(Args)]
pub struct OutFile {
    /// Write to this file instead of standard output
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl OutFile {
    /// Writes the report there (a file atomically).
    fn emit(&self, text: &str) -> miette::Result<()> {
        emit(self.out.as_deref(), text)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    Md,
    Html,
    Csv,
    Json,
}

#[derive(Args)]
pub struct InspectionPlanArgs {
    #[command(flatten)]
    pub file: DesignedFixture,
    #[arg(long, value_enum, default_value = "md")]
    pub format: SheetFormat,
    /// Limits overriding the defaults (TOML, as for `evaluate`)
    #[arg(long)]
    pub limits: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutFile,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Html,
}

/// Exit status: 0 when every pin passes or is marginal and every set check
/// passes; 1 when a pin or a set check fails; 2 on bad input (a bad row, an unknown
/// or wrong unit: every bad row is listed with its line number).
#[derive(Args)]
pub struct EvaluateArgs {
    /// Measurements: columns pin, kind, value, unit [, cycle, timestamp, lot, station]
    pub measurements: PathBuf,
    /// fixture.json: each pin's part and receptacle give its limits
    #[arg(long)]
    pub fixture: Option<PathBuf>,
    /// Limits overriding the defaults (TOML)
    #[arg(long)]
    pub limits: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub out: OutFile,
}

/// Exit status: 0 for a plan (and an accepted lot); 1 when the lot is rejected
/// (--nonconforming) or, with --history, when the last lot was not accepted or
/// inspection is discontinued; 2 on bad input (an AQL not in the standard ...).
#[derive(Args)]
pub struct PlanArgs {
    /// Lot (batch) size; with --history, the size of lots without a lot_size column and of the next lot
    #[arg(long)]
    pub lot_size: Option<u64>,
    /// Acceptance quality limit: 0.010 ... 1000 (the 26 columns of the standard)
    #[arg(long)]
    pub aql: String,
    /// Inspection level: S1, S2, S3, S4, I, II, III
    #[arg(long, default_value = "II")]
    pub level: String,
    /// normal, tightened or reduced (with --history: the severity of the first lot)
    #[arg(long, default_value = "normal")]
    pub inspection: String,
    /// Nonconforming items found in the sample: judge the lot
    #[arg(long)]
    pub nonconforming: Option<u64>,
    /// Lot history CSV (lot, nonconforming [, lot_size, production_irregular]): apply the switching rules
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Production is at a steady rate (needed to switch to reduced inspection)
    #[arg(long)]
    pub production_steady: bool,
    /// The responsible authority approves reduced inspection
    #[arg(long)]
    pub approve_reduced: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Rules {
    WesternElectric,
    Nelson,
}

#[derive(Args)]
pub struct SpcArgs {
    /// CSV with a header row
    pub data: PathBuf,
    /// Column to chart
    #[arg(long)]
    pub column: String,
    /// Subgroup size: 1 = I-MR, 2-10 = X-bar/R, above 10 = X-bar/S (consecutive rows)
    #[arg(long, default_value_t = 1)]
    pub subgroup: usize,
    #[arg(long)]
    pub lsl: Option<f64>,
    #[arg(long)]
    pub usl: Option<f64>,
    #[arg(long, value_enum, default_value = "western-electric")]
    pub rules: Rules,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub out: OutFile,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceEncoding {
    F32le,
    I16le,
    Csv,
}

#[derive(Args)]
pub struct DiscontinuityArgs {
    /// Recorded resistance trace (interleaved channels)
    pub trace: PathBuf,
    /// Samples per second per channel
    #[arg(long)]
    pub sample_rate: f64,
    #[arg(long, value_enum)]
    pub encoding: TraceEncoding,
    #[arg(long, default_value_t = 1)]
    pub channels: usize,
    /// Ohms per count (i16le) or per unit (f32le, csv)
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// An event is resistance above this (EIA-364-46: typically 10 ohm)
    #[arg(long)]
    pub threshold_ohm: f64,
    /// ... lasting at least this long (typically 1 us)
    #[arg(long)]
    pub min_duration_us: f64,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

pub fn run(cmd: QcCommand) -> miette::Result<ExitCode> {
    match cmd {
        QcCommand::InspectionPlan(a) => run_inspection_plan(a),
        QcCommand::Evaluate(a) => run_evaluate(a),
        QcCommand::Plan(a) => run_plan(a),
        QcCommand::Spc(a) => run_spc(a),
        QcCommand::Discontinuity(a) => run_discontinuity(a),
    }
}

fn read_text(path: &Path) -> miette::Result<String> {
    let (_, text) =
        pogo_text::read_text_file(path, |shown, e| miette::miette!("cannot read {shown}: {e}"))?;
    Ok(text)
}

pub(crate) fn load_limits(path: Option<&Path>) -> miette::Result<Limits> {
    Limits::read(path).into_diagnostic()
}

/// Prints to stdout, or writes a file atomically.
fn emit(out: Option<&Path>, text: &str) -> miette::Result<()> {
    match out {
        Some(p) => pogo_fixture::write_atomic(p, text.as_bytes()).into_diagnostic(),
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(text.as_bytes()).into_diagnostic()?;
            o.flush().into_diagnostic()
        }
    }
}

/// 1 when checked and found wanting, else 0.
pub(crate) fn exit_for(wanting: bool) -> ExitCode {
    if wanting {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_inspection_plan(a: InspectionPlanArgs) -> miette::Result<ExitCode> {
    let fixture = Fixture::read(&a.file.fixture).into_diagnostic()?;
    let limits = load_limits(a.limits.as_deref())?;
    let plan = inspection::inspection_plan(&fixture, &limits);
    let text = match a.format {
        SheetFormat::Md => render::inspection_markdown(&plan),
        SheetFormat::Html => report::inspection_html(&plan),
        SheetFormat::Csv => render::inspection_csv(&plan),
        SheetFormat::Json => json(&plan),
    };
    a.out.emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn run_evaluate(a: EvaluateArgs) -> miette::Result<ExitCode> {
    let shown = a.measurements.display().to_string();
    let sheet = measurements::read_measurement_sheet(&shown, &read_text(&a.measurements)?)
        .into_diagnostic()?;
    let fixture = match &a.fixture {
        Some(p) => Some(Fixture::read(p).into_diagnostic()?),
        None => None,
    };
    let limits = load_limits(a.limits.as_deref())?;
    let e = measurements::evaluate_sheet(&sheet, fixture.as_ref(), &limits);
    let text = match a.format {
        ReportFormat::Text => render::evaluation_text(&e),
        ReportFormat::Json => json(&e),
        ReportFormat::Html => report::evaluation_html(&format!("Pin verification: {shown}"), &e),
    };
    a.out.emit(&text)?;
    if !e.bad_rows.is_empty() {
        // Every good row is judged above; the bad ones are bad input: exit 2.
        let bad = pogo_qc::QcError::Rows {
            path: shown,
            errors: e.bad_rows.clone(),
        };
        eprintln!("{bad}\n(these rows were not judged; every other row was)");
        return Ok(ExitCode::from(2));
    }
    Ok(exit_for(
        e.summary.fail > 0 || e.summary.set_checks_failed > 0,
    ))
}

fn run_plan(a: PlanArgs) -> miette::Result<ExitCode> {
    let aql = Aql::parse(&a.aql).into_diagnostic()?;
    let level = InspectionLevel::parse(&a.level).into_diagnostic()?;
    let severity = Severity::parse(&a.inspection).into_diagnostic()?;
    if let Some(h) = &a.history {
        if a.nonconforming.is_some() {
            return Err(miette::miette!(
                "--nonconforming and --history do not go together (put the lot in the history)"
            ));
        }
        let shown = h.display().to_string();
        let lots = sampling::read_history(&shown, &read_text(h)?, a.lot_size).into_diagnostic()?;
        let conditions = SwitchingConditions {
            aql,
            level,
            start: severity,
            production_steady: a.production_steady,
            authority_approves_reduced: a.approve_reduced,
        };
        let r = sampling::judge_history(&lots, conditions, a.lot_size).into_diagnostic()?;
        let text = match a.format {
            TextOrJson::Json => json(&r),
            TextOrJson::Text => render::history_text(&r),
        };
        emit(None, &text)?;
        return Ok(exit_for(r.wanting()));
    }
    let Some(lot_size) = a.lot_size else {
        return Err(miette::miette!(
            "--lot-size is required (or give --history with a lot_size column)"
        ));
    };
    let p = sampling::plan(lot_size, aql, level, severity)
        .into_diagnostic()?
        .judge(a.nonconforming);
    let text = match a.format {
        TextOrJson::Json => json(&p),
        TextOrJson::Text => render::plan_text(&p),
    };
    emit(None, &text)?;
    Ok(exit_for(p.rejected()))
}

fn run_spc(a: SpcArgs) -> miette::Result<ExitCode> {
    let shown = a.data.display().to_string();
    let values = spc::read_column(&shown, &read_text(&a.data)?, &a.column).into_diagnostic()?;
    let opts = SpcOptions {
        subgroup: a.subgroup,
        lsl: a.lsl,
        usl: a.usl,
        rules: match a.rules {
            Rules::WesternElectric => RuleSet::WesternElectric,
            Rules::Nelson => RuleSet::Nelson,
        },
    };
    let r = spc::analyze(&values, &opts).into_diagnostic()?;
    let text = match a.format {
        ReportFormat::Json => json(&r),
        ReportFormat::Html => report::spc_html(&format!("SPC: {} ({shown})", a.column), &r),
        ReportFormat::Text => render::spc_text(&r),
    };
    a.out.emit(&text)?;
    Ok(exit_for(
        !r.violations.is_empty() || !r.dispersion_violations.is_empty(),
    ))
}

fn run_discontinuity(a: DiscontinuityArgs) -> miette::Result<ExitCode> {
    let cfg = TraceConfig {
        encoding: match a.encoding {
            TraceEncoding::F32le => Encoding::F32Le,
            TraceEncoding::I16le => Encoding::I16Le,
            TraceEncoding::Csv => Encoding::Csv,
        },
        channels: a.channels,
        sample_rate_hz: a.sample_rate,
        scale_ohm_per_count: a.scale,
        threshold_ohm: a.threshold_ohm,
        min_duration_s: a.min_duration_us * 1e-6,
    };
    let shown = a.trace.display().to_string();
    let file =
        std::fs::File::open(&a.trace).map_err(|e| miette::miette!("cannot read {shown}: {e}"))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress::bar(len, "scanning trace");
    let r = discontinuity::scan_report(file, cfg, &shown, |n| bar.set_position(n));
    bar.finish_and_clear();
    let r = r.into_diagnostic()?;
    let text = match a.format {
        TextOrJson::Json => json(&r),
        TextOrJson::Text => render::discontinuity_text(&r),
    };
    emit(None, &text)?;
    Ok(exit_for(!r.events.is_empty()))
}
