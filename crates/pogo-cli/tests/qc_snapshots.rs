//! Snapshots of what `pogo qc ...` prints: text and JSON of every subcommand, and the
//! diagnostics of bad input (bad rows of a measurement CSV with their lines, a bad
//! limits.toml with line and column, a bad lot history, a truncated trace). The JSON
//! snapshots pin the output shapes pogo-qc defines, so a change of a field shows here.
//!
//! Paths are replaced by `[DATA]` (pogo-qc's test data) and `[TMP]` (the test's own
//! folder). Update with `INSTA_UPDATE=always cargo test -p pogo-cli --test qc_snapshots`
//! and review the diff; plain `cargo test` only compares.

mod support;

use std::path::Path;
use support::{pogo, qc_data, s, transcript};

/// Runs `pogo qc ARGS` and returns its transcript with the data and temp folders named.
fn qc(tmp: &Path, args: &[&str]) -> String {
    let args: Vec<&str> = ["qc"].iter().chain(args).copied().collect();
    let data = qc_data("fixture_small.json");
    let data = data.parent().unwrap();
    transcript(&pogo(&args), &[(tmp, "[TMP]"), (data, "[DATA]")])
}

/// `pogo qc` with the arguments of `words` (split at spaces) followed by `more`.
fn qc_words(tmp: &Path, words: &str, more: &[&str]) -> String {
    let args: Vec<&str> = words
        .split_whitespace()
        .chain(more.iter().copied())
        .collect();
    qc(tmp, &args)
}

fn write(tmp: &Path, name: &str, text: &str) -> String {
    let p = tmp.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const SHEET: &str = "pin,kind,value,unit,cycle\n\
P1,contact_resistance,12,mΩ,0\n\
P1,contact_resistance,14,mohm,50\n\
P1,contact_resistance,25,mohm,100\n\
P2,contact_resistance,0.018,Ω,0\n\
P3,contact_resistance,26,mohm,0\n\
P4,spring_force,1.4,N,\n\
P4,compression_height,2.9,mm,\n\
P10,seating_depth,0.7,mm,\n\
P10,tilt,0.9,deg,\n\
P1,height,5.01,mm,\n\
P2,height,5.09,mm,\n\
P3,height,5.03,mm,\n\
P1,return_height,5.00,mm,0\n\
P1,return_height,4.96,mm,100\n\
P2,return_height,5.08,mm,100\n\
P99,contact_resistance,3,mohm,\n";

#[test]
fn evaluate_text_json_and_bad_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let m = write(t, "m.csv", SHEET);
    let fx = qc_data("fixture_small.json");
    for format in ["text", "json"] {
        let with_fixture = qc(
            t,
            &["evaluate", &m, "--fixture", s(&fx), "--format", format],
        );
        insta::assert_snapshot!(format!("evaluate_fixture_{format}"), with_fixture);
        let alone = qc(t, &["evaluate", &m, "--format", format]);
        insta::assert_snapshot!(format!("evaluate_alone_{format}"), alone);
    }
    let bad = write(
        t,
        "bad.csv",
        "pin,kind,value,unit,cycle\r\nP1,contact_resistance,12,mohm,0\r\n,height,3,mm,\r\nP2,weight,3,kg,\r\nP2,height,x,mm,\r\nP2,height,3,,\r\nP2,height,3,furlong,\r\nP2,height,3,N,\r\nP2,height,-3,mm,\r\nP2,height,3,mm,-1\r\n",
    );
    for format in ["text", "json"] {
        let out = qc(t, &["evaluate", &bad, "--format", format]);
        insta::assert_snapshot!(format!("evaluate_bad_rows_{format}"), out);
    }
    let no_column = write(t, "nocol.csv", "pin,kind,value\nP1,height,3\n");
    insta::assert_snapshot!("evaluate_missing_column", qc(t, &["evaluate", &no_column]));
    let limits = write(
        t,
        "limits.toml",
        "[contact_resistance]\nmax_mohm = 20.0\n[height]\nmax_sprad_mm = 0.2\n",
    );
    insta::assert_snapshot!(
        "evaluate_bad_limits",
        qc(t, &["evaluate", &m, "--limits", &limits])
    );
}

#[test]
fn inspection_plan_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = qc_data("fixture_small.json");
    for format in ["md", "csv", "json", "html"] {
        let out = qc(tmp.path(), &["inspection-plan", s(&fx), "--format", format]);
        insta::assert_snapshot!(format!("inspection_plan_{format}"), out);
    }
}

#[test]
fn plan_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for format in ["text", "json"] {
        let one = qc_words(t, "plan --lot-size 2400 --aql 2.5 --format", &[format]);
        insta::assert_snapshot!(format!("plan_{format}"), one);
        let judged = qc_words(
            t,
            "plan --lot-size 2400 --aql 0.010 --level S1 --nonconforming 1 --format",
            &[format],
        );
        insta::assert_snapshot!(format!("plan_judged_{format}"), judged);
        // (name, lot history): the switching rules over each.
        let histories = [
            ("history", "lot,nonconforming\n1,0\n2,8\n3,0\n4,9\n5,0\n"),
            (
                "discontinued",
                "lot,nonconforming\n1,8\n2,8\n3,0\n4,9\n5,9\n6,9\n7,9\n8,9\n",
            ),
        ];
        for (name, lots) in histories {
            let h = write(t, &format!("{name}.csv"), lots);
            let args = [
                "plan",
                "--lot-size",
                "2400",
                "--aql",
                "2.5",
                "--history",
                &h,
            ];
            let out = qc(t, &[&args[..], &["--format", format]].concat());
            insta::assert_snapshot!(format!("plan_{name}_{format}"), out);
        }
    }
    let bad = write(t, "bad.csv", "lot,nonconforming\n1,zero\n2,-1\n");
    insta::assert_snapshot!(
        "plan_bad_history",
        qc_words(t, "plan --lot-size 2400 --aql 2.5 --history", &[&bad])
    );
    insta::assert_snapshot!(
        "plan_bad_aql",
        qc(t, &["plan", "--lot-size", "2400", "--aql", "3"])
    );
}

#[test]
fn spc_text_json_and_bad_column() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let d = qc_data("piston_rings.csv");
    for format in ["text", "json"] {
        let out = qc_words(
            t,
            "spc --column diameter_mm --subgroup 5 --lsl 73.95 --usl 74.05 --format",
            &[format, s(&d)],
        );
        insta::assert_snapshot!(format!("spc_xbar_r_{format}"), out);
    }
    let shifted = write(
        t,
        "shift.csv",
        &(String::from("v\n")
            + &(0..30)
                .map(|i| {
                    format!(
                        "{}\n",
                        if i < 20 {
                            10.0 + (i % 3) as f64 * 0.1
                        } else {
                            11.5
                        }
                    )
                })
                .collect::<String>()),
    );
    let out = qc(t, &["spc", &shifted, "--column", "v", "--rules", "nelson"]);
    insta::assert_snapshot!("spc_imr_violations_text", out);
    let bad = write(t, "bad.csv", "v\n1\n2\nthree\n4\n");
    insta::assert_snapshot!("spc_bad_value", qc(t, &["spc", &bad, "--column", "v"]));
    // A copy in the temporary folder: miette wraps the message at 80 columns by the real
    // path's length, so a path into the checkout would wrap differently in every clone.
    let copy = write(t, "piston_rings.csv", &std::fs::read_to_string(&d).unwrap());
    insta::assert_snapshot!("spc_no_column", qc(t, &["spc", &copy, "--column", "nope"]));
}

#[test]
fn discontinuity_text_json_and_truncated_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let bytes = support::two_channel_trace();
    let trace = t.join("t.f32");
    std::fs::write(&trace, &bytes).unwrap();
    let args = |format| support::discontinuity_args(&trace, format);
    for format in ["text", "json"] {
        insta::assert_snapshot!(format!("discontinuity_{format}"), qc(t, &args(format)));
    }
    std::fs::write(&trace, &bytes[..bytes.len() - 2]).unwrap();
    insta::assert_snapshot!("discontinuity_truncated", qc(t, &args("text")));
}
