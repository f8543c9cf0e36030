//! `pogo qc ...` end to end: outputs, exit codes, bad input.

mod support;

use std::process::Output;
use support::{code, json, qc_data, s, stderr, stdout, temp_file};

/// `pogo qc ARGS`.
fn qc(args: &[&str]) -> Output {
    let args: Vec<&str> = ["qc"].iter().chain(args).copied().collect();
    support::pogo(&args)
}

/// `pogo qc plan` for a lot of 2400 at AQL 2.5, then `extra`.
fn plan_2400(extra: &[&str]) -> Output {
    let args: Vec<&str> = ["plan", "--lot-size", "2400", "--aql", "2.5"]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    qc(&args)
}

#[test]
fn plan_lot_2400_aql_2_5() {
    let o = plan_2400(&["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["code_letter"], "K");
    assert_eq!(j["sample_size"], 125);
    assert_eq!(j["accept"], 7);
    assert_eq!(j["reject"], 8);
    let o = plan_2400(&["--level", "S3", "--inspection", "tightened"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert!(
        text.contains("code letter E") && text.contains("sample size 32, accept 1, reject 2"),
        "{text}"
    );
}

#[test]
fn plan_judges_a_lot_and_rejects_bad_aqls() {
    let o = plan_2400(&["--nonconforming", "8"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("REJECTED"));
    assert_eq!(code(&plan_2400(&["--nonconforming", "7"])), 0);
    let o = qc(&["plan", "--lot-size", "2400", "--aql", "3"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("AQL 3 is not in ISO 2859-1"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    assert_eq!(code(&plan_2400(&["--level", "IV"])), 2);
}

#[test]
fn plan_with_history() {
    let (_dir, h) = temp_file("lots.csv", "lot,nonconforming\n1,0\n2,8\n3,0\n4,9\n5,0\n");
    let o = plan_2400(&["--history", s(&h), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["next_inspection"], "tightened");
    assert_eq!(j["lots"][4]["inspection"], "tightened");
    assert_eq!(j["next_plan"]["accept"], 5);
    std::fs::write(&h, "lot,nonconforming\n1,zero\n").unwrap();
    let o = plan_2400(&["--history", s(&h)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
}

#[test]
fn evaluate_verdicts_and_outputs() {
    let (dir, m) = temp_file(
        "m.csv",
        "pin,kind,value,unit,cycle\nP1,contact_resistance,12,mΩ,0\nP2,contact_resistance,0.018,Ω,0\nP3,contact_resistance,26,mohm,0\nP4,contact_resistance,12,mohm,0\n",
    );
    let fx = qc_data("fixture_small.json");
    let evaluate = |extra: &[&str]| {
        let args: Vec<&str> = ["evaluate", s(&m), "--fixture", s(&fx)]
            .iter()
            .chain(extra)
            .copied()
            .collect();
        qc(&args)
    };
    let o = evaluate(&["--format", "json"]);
    assert_eq!(code(&o), 0, "marginal pins do not fail: {}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["summary"]["verdict"], "marginal");
    assert_eq!(j["pins"][1]["pin"], "P2");
    assert_eq!(j["pins"][1]["verdict"], "marginal");
    assert_eq!(j["pins"][1]["actions"][0], "clean");
    // P2 above its catalog limit (20 mOhm) -> fail, exit 1.
    std::fs::write(&m, "pin,kind,value,unit\nP2,contact_resistance,21,mohm\n").unwrap();
    let o = evaluate(&["--format", "text"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("replace"));
    // HTML report with an inline SVG chart, written atomically.
    let html = dir.path().join("report.html");
    let o = evaluate(&["--format", "html", "--out", s(&html)]);
    assert_eq!(code(&o), 1);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("<svg") && !page.contains("<script")
    );
}

/// One bad row does not refuse the sheet: every good row is judged, each bad row is
/// reported with its line and why (in the output and on stderr), none is judged, and
/// the exit code says the input was bad.
#[test]
fn evaluate_judges_good_rows_and_reports_each_bad_row() {
    let (dir, m) = temp_file(
        "m.csv",
        "pin,kind,value,unit\nP1,contact_resistance,12,mohm\nP1,contact_resistance,12,N\nP2,height,3,\nP3,contact_resistance,80,mohm\n",
    );
    let out = dir.path().join("out.json");
    let o = qc(&["evaluate", s(&m), "--format", "json", "--out", s(&out)]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("line 3") && e.contains("line 4") && e.contains("missing unit"),
        "{e}"
    );
    assert!(!e.contains("panicked"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let field = |list: &str, key: &str| -> Vec<serde_json::Value> {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[key].clone())
            .collect()
    };
    // P1's good row and P3 are judged; P2 has only a bad row and is not.
    assert_eq!(field("pins", "pin"), ["P1", "P3"], "{v}");
    assert_eq!(field("bad_rows", "line"), [3, 4]);
    let p1 = &v["pins"][0];
    assert_eq!(p1["checks"].as_array().unwrap().len(), 1, "{p1}");
}

/// Line numbers are the same for CRLF and LF files (a bad unit on line 6 is line 6).
#[test]
fn evaluate_names_the_right_line_in_crlf_and_lf_files() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        "pin,kind,value,unit",
        "# a comment",
        "P1,contact_resistance,12,mohm",
        "",
        "P2,contact_resistance,14,mohm",
        "P3,contact_resistance,14,furlong",
    ];
    for eol in ["\n", "\r\n"] {
        let m = dir.path().join("m.csv");
        std::fs::write(&m, rows.join(eol) + eol).unwrap();
        let o = qc(&["evaluate", s(&m)]);
        assert_eq!(code(&o), 2);
        let e = stderr(&o);
        assert!(
            e.contains("line 6") && !e.contains("line 5"),
            "{eol:?}: {e}"
        );
    }
}

#[test]
fn spc_piston_rings() {
    let d = qc_data("piston_rings.csv");
    let spc = |extra: &[&str]| {
        let args: Vec<&str> = ["spc", s(&d), "--column", "diameter_mm", "--subgroup", "5"]
            .iter()
            .chain(extra)
            .copied()
            .collect();
        qc(&args)
    };
    let o = spc(&["--lsl", "73.95", "--usl", "74.05", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&o);
    let f = |k: &str| j[k].as_f64().unwrap();
    assert_eq!(
        format!("{:.3} {:.3} {:.3}", f("center"), f("ucl"), f("lcl")),
        "74.001 74.014 73.988"
    );
    assert_eq!(
        format!("{:.3}", j["dispersion"]["center"].as_f64().unwrap()),
        "0.023"
    );
    assert!(j["violations"].as_array().unwrap().is_empty());
    for k in ["sigma_within", "sigma_overall", "cp", "cpk", "pp", "ppk"] {
        assert!(j[k].is_number(), "{k}");
    }
    let page = stdout(&spc(&["--format", "html"]));
    assert!(page.matches("<svg").count() == 2, "X-bar and R charts");
    let o = qc(&["spc", s(&d), "--column", "nope"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn discontinuity_json_and_truncated_trace() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t.f32");
    let bytes = support::two_channel_trace();
    std::fs::write(&t, &bytes).unwrap();
    let args = support::discontinuity_args(&t, "json");
    let o = qc(&args);
    assert_eq!(code(&o), 1, "events found: {}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["samples"], 1000);
    let ev = j["events"].as_array().unwrap();
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0]["channel"], 1);
    assert!((ev[0]["start_s"].as_f64().unwrap() - 400e-6).abs() < 1e-12);
    assert!((ev[0]["duration_s"].as_f64().unwrap() - 3e-6).abs() < 1e-12);
    assert_eq!(ev[0]["peak_ohm"], 1e6);
    assert_eq!(ev[1]["channel"], 0);
    assert_eq!(ev[1]["open_ended"], true);
    assert_eq!(j["counts"], serde_json::json!([1, 1]));
    std::fs::write(&t, &bytes[..bytes.len() - 2]).unwrap();
    let o = qc(&args);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("truncated trace"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn inspection_plan_formats_and_round_trip() {
    let fx = qc_data("fixture_small.json");
    let plan = |format: &str| qc(&["inspection-plan", s(&fx), "--format", format]);
    let o = plan("md");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("# Inspection plan") && md.contains("| P10 |") && md.contains("3.810-5.080"),
        "{md}"
    );
    assert!(stdout(&plan("html")).contains("<table>"));
    // CSV sheet: fill two rows and evaluate it directly.
    let sheet = stdout(&plan("csv"));
    assert!(sheet.starts_with("step,pin,kind,cycle,min,nominal,max,value,unit"));
    let filled: String = sheet
        .lines()
        .map(|l| {
            if l.starts_with("3,P1,contact_resistance,0,") {
                l.replace(",,mohm", ",15,mohm")
            } else if l.starts_with("3,P2,contact_resistance,0,") {
                l.replace(",,mohm", ",35,mohm")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (_dir, f) = temp_file("sheet.csv", filled);
    let o = qc(&["evaluate", s(&f), "--fixture", s(&fx), "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["summary"]["pins"], 2);
    assert_eq!(j["pins"][1]["verdict"], "fail");
    let o = qc(&["inspection-plan", "/nonexistent/fixture.json"]);
    assert_eq!(code(&o), 2);
}
