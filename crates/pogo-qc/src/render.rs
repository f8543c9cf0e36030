//! The one home of text output: plain text, Markdown, CSV and JSON of every result of
//! this crate, as `pogo qc ...` prints them (HTML pages are in [`crate::report`]).
//! Libraries don't print: each function returns the text, the caller writes it.

use crate::discontinuity::ScanReport;
use crate::inspection::{CYCLING_RUN, InspectionPlan};
use crate::measurements::Evaluation;
use crate::sampling::{Arrow, HistoryReport, JudgedPlan, SamplingPlan};
use crate::spc::SpcResult;
use crate::{RowErrors, fmt_fixed};
use std::fmt::Write;

/// Pretty JSON of any result, with a final newline.
pub fn json<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("results serialise to JSON");
    s.push('\n');
    s
}

/// Text form of an evaluation (what `pogo qc evaluate` prints by default).
pub fn evaluation_text(e: &Evaluation) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} pins: {} pass, {} marginal, {} fail; overall {}",
        e.summary.pins,
        e.summary.pass,
        e.summary.marginal,
        e.summary.fail,
        e.summary.verdict.name().to_uppercase()
    );
    for p in &e.pins {
        let actions = if p.actions.is_empty() {
            String::new()
        } else {
            format!(
                "  -> {}",
                p.actions
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let _ = writeln!(s, "{:<8} {:<8}{}", p.pin, p.verdict.name(), actions);
        for r in &p.reasons {
            let _ = writeln!(s, "         - {r}");
        }
    }
    if !e.bad_rows.is_empty() {
        let _ = writeln!(s, "{} bad row(s), not judged:", e.bad_rows.len());
        let _ = writeln!(s, "{}", RowErrors(&e.bad_rows));
    }
    if !e.set_checks.is_empty() {
        let _ = writeln!(s, "set checks:");
        for c in &e.set_checks {
            let _ = writeln!(
                s,
                "  {:<18} {:<8} {:<8} {}",
                c.check.name(),
                c.plate,
                c.verdict.name(),
                c.message
            );
        }
    }
    if !e.not_measured.is_empty() {
        let _ = writeln!(s, "not measured: {}", e.not_measured.join(", "));
    }
    for n in &e.notes {
        let _ = writeln!(s, "note: {n}");
    }
    s
}

pub(crate) fn opt(v: Option<f64>, d: usize) -> String {
    v.map(|x| fmt_fixed(x, d)).unwrap_or_else(|| "-".into())
}

pub(crate) fn range(lo: Option<f64>, hi: Option<f64>, d: usize) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!("{}-{}", fmt_fixed(a, d), fmt_fixed(b, d)),
        _ => "-".into(),
    }
}

/// Markdown checklist.
pub fn inspection_markdown(plan: &InspectionPlan) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Inspection plan: {}\n", plan.board);
    let _ = writeln!(s, "{} probes.\n", plan.probes);
    for st in &plan.steps {
        let _ = writeln!(s, "## {}. {}\n", st.number, st.title);
        for i in &st.instructions {
            let _ = writeln!(s, "- [ ] {i}");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Expected values per pin\n");
    let _ = writeln!(
        s,
        "| Pin | Net | Side | Part | Receptacle | Seating depth mm | Set height mm | Free tip height mm | Compression mm | R max mOhm | Force N | Measured / OK |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for p in &plan.pins {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | |",
            p.pin,
            p.net.replace('|', "\\|"),
            p.side,
            p.part,
            p.receptacle.as_deref().unwrap_or("-"),
            opt(p.seating_depth_mm, 3),
            opt(p.set_height_mm, 3),
            opt(p.free_tip_height_mm, 3),
            range(p.compression_min_mm, p.compression_max_mm, 3),
            fmt_fixed(p.max_contact_resistance_mohm, 1),
            range(p.force_min_n, p.force_max_n, 3),
        );
    }
    if !plan.notes.is_empty() {
        s.push('\n');
        for n in &plan.notes {
            let _ = writeln!(s, "> Note: {n}");
        }
    }
    s
}

/// A fillable CSV sheet: one row per pin and measurement, with the expected range;
/// fill `value` (and keep `unit`) and feed it to `pogo qc evaluate`.
pub fn inspection_csv(plan: &InspectionPlan) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "step", "pin", "kind", "cycle", "min", "nominal", "max", "value", "unit",
    ]);
    let f = |v: Option<f64>| v.map(|x| fmt_fixed(x, 4)).unwrap_or_default();
    for p in &plan.pins {
        let mut row = |step: &str,
                       kind: &str,
                       cycle: &str,
                       min: Option<f64>,
                       nom: Option<f64>,
                       max: Option<f64>,
                       unit: &str| {
            let _ = w.write_record([
                step,
                &p.pin,
                kind,
                cycle,
                &f(min),
                &f(nom),
                &f(max),
                "",
                unit,
            ]);
        };
        let tol = p.seating_tolerance_mm;
        row(
            "2",
            "seating_depth",
            "",
            p.seating_depth_mm.map(|s| s - tol),
            p.seating_depth_mm,
            p.seating_depth_mm.map(|s| s + tol),
            "mm",
        );
        row(
            "3",
            "contact_resistance",
            "0",
            None,
            None,
            Some(p.max_contact_resistance_mohm),
            "mohm",
        );
        row(
            "4",
            "compression_height",
            "",
            p.compression_min_mm,
            p.working_travel_mm,
            p.compression_max_mm,
            "mm",
        );
        row("5", "return_height", "0", None, None, None, "mm");
        row(
            "5",
            "return_height",
            &CYCLING_RUN.to_string(),
            None,
            None,
            None,
            "mm",
        );
        row(
            "5",
            "contact_resistance",
            &CYCLING_RUN.to_string(),
            None,
            None,
            Some(p.max_contact_resistance_mohm),
            "mohm",
        );
        row("7", "height", "", None, p.free_tip_height_mm, None, "mm");
        row("7", "tilt", "", None, Some(0.0), None, "deg");
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Text of a sampling plan and, when judged, the lot's verdict (`pogo qc plan`).
pub fn plan_text(p: &JudgedPlan) -> String {
    let mut s = sampling_plan_text(&p.plan);
    if let (Some(d), Some(ok)) = (p.nonconforming, p.accepted) {
        let _ = writeln!(
            s,
            "{d} nonconforming: lot {}",
            if ok { "ACCEPTED" } else { "REJECTED" }
        );
    }
    s
}

fn sampling_plan_text(p: &SamplingPlan) -> String {
    let mut s = format!(
        "ISO 2859-1 single sampling, {} inspection, level {:?}, AQL {}\nlot size {} -> code letter {}\n",
        p.inspection.name(),
        p.level,
        p.aql,
        p.lot_size,
        p.code_letter
    );
    if let Some(arrow) = p.arrow {
        let _ = writeln!(
            s,
            "arrow {} followed: plan of code letter {} (sample size {})",
            match arrow {
                Arrow::Up => "up",
                Arrow::Down => "down",
            },
            p.plan_letter,
            p.table_sample_size
        );
    }
    if p.hundred_percent {
        let _ = writeln!(
            s,
            "100 % inspection: the sample ({}) is at least the lot",
            p.table_sample_size
        );
    }
    let _ = writeln!(
        s,
        "sample size {}, accept {}, reject {}",
        p.sample_size, p.accept, p.reject
    );
    s
}

/// Text of the switching rules over a lot history, lot by lot, and the next lot's
/// plan (`pogo qc plan --history`).
pub fn history_text(h: &HistoryReport) -> String {
    let r = &h.switching;
    let mut s = String::new();
    for l in &r.lots {
        let _ = writeln!(
            s,
            "lot {:<10} {:<9} n={:<5} Ac={:<3} Re={:<3} found {:<4} {:<12} score {}",
            l.lot,
            l.inspection.name(),
            l.plan.sample_size,
            l.plan.accept,
            l.plan.reject,
            l.nonconforming,
            if l.accepted {
                "accepted"
            } else {
                "NOT accepted"
            },
            l.switching_score
        );
        if let Some(t) = &l.transition {
            let to = t.to.map(|s| s.name()).unwrap_or("discontinued");
            let _ = writeln!(s, "    -> {} to {to}: {}", t.from.name(), t.reason);
        }
    }
    if r.discontinued {
        s.push_str("inspection DISCONTINUED: accept no lot until the supplier has improved quality; then resume on tightened inspection\n");
    } else {
        let _ = writeln!(s, "next lot: {} inspection", r.next_inspection.name());
    }
    if let Some(p) = &h.next_plan {
        s.push_str(&sampling_plan_text(p));
    }
    s
}

/// Text of a control chart: limits, sigmas, capability and every rule violation
/// (`pogo qc spc`).
pub fn spc_text(r: &SpcResult) -> String {
    let (loc, disp) = r.chart.title();
    let f = |v: Option<f64>| v.map(|x| fmt_fixed(x, 3)).unwrap_or_else(|| "-".into());
    let mut s = format!(
        "{loc}/{disp} chart: {} values in {} subgroups of {}\n{loc}: center {}  UCL {}  LCL {}\n{disp}: center {}  UCL {}  LCL {}\nsigma within {}  overall {}\nCp {}  Cpk {}  Pp {}  Ppk {}\n",
        r.values,
        r.subgroups,
        r.subgroup_size,
        fmt_fixed(r.center, 6),
        fmt_fixed(r.ucl, 6),
        fmt_fixed(r.lcl, 6),
        fmt_fixed(r.dispersion.center, 6),
        fmt_fixed(r.dispersion.ucl, 6),
        fmt_fixed(r.dispersion.lcl, 6),
        fmt_fixed(r.sigma_within, 6),
        fmt_fixed(r.sigma_overall, 6),
        f(r.cp),
        f(r.cpk),
        f(r.pp),
        f(r.ppk)
    );
    if r.violations.is_empty() && r.dispersion_violations.is_empty() {
        s.push_str("no rule violations\n");
    }
    for v in &r.violations {
        let _ = writeln!(
            s,
            "violation: {loc} point {} rule {}: {}",
            v.point, v.rule, v.description
        );
    }
    for v in &r.dispersion_violations {
        let _ = writeln!(s, "violation: {disp} point {}: {}", v.point, v.description);
    }
    s
}

/// Text of a discontinuity scan: settings, events per channel, then each event
/// (`pogo qc discontinuity`).
pub fn discontinuity_text(r: &ScanReport) -> String {
    // The minimum duration as the user gave it, in microseconds.
    let min_duration_us = (r.min_duration_s * 1e6 * 1e9).round() / 1e9;
    let mut s = format!(
        "{} samples x {} channel(s), {} s; threshold {} ohm for >= {} us ({} samples): {} event(s)\n",
        r.samples,
        r.channels,
        fmt_fixed(r.duration_s, 6),
        r.threshold_ohm,
        min_duration_us,
        r.min_event_samples,
        r.events.len()
    );
    for c in &r.per_channel {
        let _ = writeln!(s, "channel {}: {} event(s)", c.channel, c.events);
    }
    for e in &r.events {
        let _ = writeln!(
            s,
            "  channel {} at {} s for {} us, peak {} ohm{}",
            e.channel,
            fmt_fixed(e.start_s, 9),
            fmt_fixed(e.duration_s * 1e6, 3),
            fmt_fixed(e.peak_ohm, 3),
            if e.open_ended {
                " (open-ended: trace ends inside the event)"
            } else {
                ""
            }
        );
    }
    s
}
