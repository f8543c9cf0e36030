//! report.html: content, escaping, self-containment, well-formedness (Python's
//! html.parser) and a headless Chromium rendering of made-up fixtures.
//!
//! Set `POGO_REPORT_KEEP=DIR` to keep the rendered pages and screenshots for a look.

use pogo_fixture::Fixture;
use pogo_output::report::{render_report, write_report};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

mod report_support;
use report_support::*;

/// A nasty net name: markup, ampersand and both quotes.
const NASTY_NET: &str = "<CLK&\"x\">'y'";

fn part_json(class: &str) -> (Value, Value) {
    let cat = pogo_catalog::Catalog::builtin();
    let part = cat
        .parts
        .iter()
        .find(|p| p.class == class && p.kind == pogo_catalog::ProbeKind::Contact)
        .expect("class in catalog");
    let rec = cat
        .receptacle(&part.receptacle)
        .expect("receptacle in catalog");
    (
        serde_json::to_value(part).unwrap(),
        serde_json::to_value(rec).unwrap(),
    )
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"outer": [{"x": x0, "y": y0}, {"x": x1, "y": y0}, {"x": x1, "y": y1}, {"x": x0, "y": y1}], "holes": []})
}

/// A bare fixture: board, rules and probes, no mechanics or tolerance.
fn bare_fixture() -> Value {
    let classes = ["P100", "P75", "P50"];
    let mut parts = Vec::new();
    let mut recs = Vec::new();
    for c in classes {
        let (p, r) = part_json(c);
        parts.push(p);
        if !recs.contains(&r) {
            recs.push(r);
        }
    }
    let mut probes = Vec::new();
    let mut n = 0;
    for (i, side) in ["bottom", "top"].iter().enumerate() {
        let count = if i == 0 { 36 } else { 7 };
        for k in 0..count {
            n += 1;
            let class = classes[k % 3];
            let part = &parts[k % 3];
            let x = 112.0 + (k % 9) as f64 * 7.5;
            let y = 62.0 + (k / 9) as f64 * 8.0 + if i == 1 { 3.0 } else { 0.0 };
            let net = if n == 5 {
                NASTY_NET.to_string()
            } else {
                format!("/sheet1/NET{n}")
            };
            probes.push(json!({
                "id": format!("P{n}"), "net": net, "side": side, "x": x, "y": y,
                "target": {"kind": if k % 4 == 0 { "via" } else { "pad" }, "ref": if k % 4 == 0 { "" } else { "TP1" },
                           "number": if k % 4 == 0 { Value::Null } else { json!("1") },
                           "x": x, "y": y, "shape": "circle", "w": 1.5, "h": 1.5, "rotation": 0.0,
                           "exposed": [rect(x - 0.7, y - 0.7, x + 0.7, y + 0.7)]},
                "class": class, "part": part["id"], "tip": part["tip"], "locked": n == 3
            }));
        }
    }
    json!({
        "schema": "pogo.fixture/1",
        "generator": "pogo 0.1.0",
        "board": {
            "file": "demo & <board>.kicad_pcb",
            "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "format": "kicad_pcb 20241229",
            "outline_bbox": [100.0, 50.0, 190.0, 110.0],
            "thickness_mm": 1.6,
            "outline": [{
                "outer": [{"x": 100.0, "y": 50.0}, {"x": 190.0, "y": 50.0}, {"x": 190.0, "y": 110.0}, {"x": 100.0, "y": 110.0}],
                "holes": [[{"x": 170.0, "y": 90.0}, {"x": 182.0, "y": 90.0}, {"x": 182.0, "y": 102.0}, {"x": 170.0, "y": 102.0}]]
            }],
            "parts": [
                {"reference": "U1", "side": "top", "x": 140.0, "y": 60.0, "courtyard": [rect(132.0, 55.0, 148.0, 64.0)], "height_mm": 1.2},
                {"reference": "J1", "side": "top", "x": 176.0, "y": 60.0, "courtyard": [rect(168.0, 53.0, 186.0, 70.0)], "height_mm": 9.5},
                {"reference": "C1", "side": "bottom", "x": 106.0, "y": 80.0, "courtyard": [rect(104.5, 79.2, 107.5, 80.8)], "height_mm": 0.9},
                {"reference": "U<2>", "side": "bottom", "x": 160.0, "y": 100.0, "courtyard": [rect(150.0, 95.0, 166.0, 106.0)], "height_mm": 2.0},
                {"reference": "R1", "side": "bottom", "x": 106.0, "y": 100.0, "courtyard": [], "height_mm": null}
            ],
            "holes": [
                {"x": 104.0, "y": 54.0, "diameter_mm": 3.2, "plated": false, "reference": "H1"},
                {"x": 186.0, "y": 106.0, "diameter_mm": 3.2, "plated": false, "reference": "H2"},
                {"x": 104.0, "y": 106.0, "diameter_mm": 3.2, "plated": true, "reference": "H3"}
            ]
        },
        "rules": {
            "sides": ["bottom", "top"], "classes": ["P100", "P75", "P50", "P39"],
            "outline_clearance_mm": 2.0, "courtyard_clearance_mm": 1.0, "tall_courtyard_clearance_mm": 2.5,
            "tall_part_height_mm": 3.0, "tooling_hole_clearance_mm": 2.54, "via_drill_max_tip_fraction": 0.75,
            "probe_component_pads": false, "no_probe_nets": ["GND<shield>"], "probes_per_net": [{"net": "+3V3", "probes": 2}]
        },
        "probes": probes,
        "parts": parts,
        "receptacles": recs,
        "coverage": {"nets_total": 60, "nets_testable": 46, "nets_probed": 43, "nets_reachable": 45,
                     "probes_by_class": {}},
        "unreachable": [
            {"net": "/N&<late>", "reason": "every candidate blocked by courtyard_clearance at (140.00, 60.00)", "rule": "courtyard_clearance", "at": [140.0, 60.0]},
            {"net": "/LOST", "reason": "lost to a spacing conflict with net /sheet1/NET3", "rule": "spacing", "at": [127.0, 62.0], "conflict_net": "/sheet1/NET3"},
            {"net": "/NOCAND", "reason": "no accessible candidate", "rule": "no_candidate"}
        ],
        "violations": [
            {"rule": "spacing", "message": "P3 and P4 are 1.80 mm apart (P100 needs 2.54 mm)", "probes": ["P3", "P4"], "x": 119.5, "y": 62.0}
        ]
    })
}

/// The same fixture with mechanics and tolerance filled in.
fn full_fixture() -> Value {
    let mut f = bare_fixture();
    let parts = f["parts"].as_array().unwrap().clone();
    let mut total: std::collections::BTreeMap<String, f64> = Default::default();
    let mut channel = 0u32;
    let mut assignments = Vec::new();
    for p in f["probes"].as_array_mut().unwrap() {
        let part = parts.iter().find(|x| x["id"] == p["part"]).unwrap();
        let force = part["spring_force_n"].as_f64().unwrap();
        *total
            .entry(p["side"].as_str().unwrap().to_string())
            .or_default() += force;
        let k: f64 = p["id"].as_str().unwrap()[1..].parse().unwrap();
        let hp = 1.0 - 10f64.powf(-(0.4 + (k * 0.37) % 4.8));
        channel += 1;
        p["working_travel_fraction"] = json!(0.667);
        p["force_n"] = json!(force);
        p["receptacle"] = part["receptacle"].clone();
        p["channel"] = json!(channel);
        p["hit_probability"] = json!(hp);
        p["tip_mean_offset_mm"] = json!([0.004 * (k % 3.0), -0.002]);
        p["tip_cov_mm2"] = json!([[0.0009, 0.0001], [0.0001, 0.0011]]);
        p["tip_contact_radius_mm"] = json!(0.05);
        assignments.push(json!({"channel": channel, "connector": "J100", "pin": channel, "probe": p["id"], "net": p["net"], "group": "", "wire_length_mm": 40.0 + k}));
    }
    let level = |part: &Value, probes: usize| {
        let full = part["full_travel_mm"].as_f64().unwrap();
        json!({"part": part["id"], "receptacle": part["receptacle"], "stage": 1, "probes": probes,
               "seating_depth_mm": 2.0, "tip_height_mm": 8.0 + full * 0.667, "compression_mm": full * 0.667,
               "working_travel_fraction": 0.667, "full_travel_mm": full, "force_n": part["spring_force_n"]})
    };
    let side = |name: &str| {
        json!({"side": name, "probe_plate_thickness_mm": 6.35, "board_thickness_mm": 1.6, "set_height_mm": 8.0,
               "board_support_height_mm": 8.0, "tallest_part": "U<2>", "tallest_part_height_mm": 2.0, "part_clearance_mm": 1.0,
               "relief_pockets": [{"reference": "J1", "outline": [rect(168.0, 53.0, 186.0, 70.0)], "depth_mm": 6.35, "through": true}],
               "pressure_plate": {"thickness_mm": 6.0, "tallest_part": "J1", "tallest_part_height_mm": 9.5, "push_finger_length_mm": 12.0},
               "levels": [level(&parts[0], 12), level(&parts[1], 12), level(&parts[2], 12)],
               "total_height_mm": 33.95})
    };
    f["stackup"] =
        json!({"process": "vacuum", "dual_level": false, "sides": [side("bottom"), side("top")]});
    f["set_height_mm"] = json!(8.0);
    f["tooling"] = json!([{"x": 104.0, "y": 54.0, "diameter_mm": 3.15, "hole_diameter_mm": 3.2, "hole_ref": "H1"},
                          {"x": 186.0, "y": 106.0, "diameter_mm": 3.15, "hole_diameter_mm": 3.2, "hole_ref": "H2"}]);
    f["force"] = json!({
        "total_n": total, "max_strain_ue": 212.0, "max_strain_at": [140.0, 80.0], "max_deflection_mm": 0.031,
        "limit_ue": 500.0, "exceeded": false,
        "supports": [{"x": 102.5, "y": 52.5, "side": "top", "kind": "push_finger", "reason": "corner", "reaction_n": 4.1},
                     {"x": 140.0, "y": 80.0, "side": "top", "kind": "push_finger", "reason": "cluster", "reaction_n": 12.0}],
        "suggested_supports": [],
        "model": {"method": "kirchhoff plate", "youngs_modulus_gpa": 22.0, "poisson_ratio": 0.15, "thickness_mm": 1.6, "element_mm": 2.0, "elements": 1350}
    });
    f["channels"] = json!({"interface": "header", "edge": "left", "connectors": [{"name": "J100", "first_channel": 1, "pins": 64}],
                           "assignments": assignments, "total_wire_mm": 2480.0});
    f["tolerance"] = json!({
        "contact_yield": 0.9712, "contact_yield_std_error": 0.0004, "contact_yield_method": "randomized QMC over board variables",
        "independent_product": 0.9650, "expected_misses": 0.031,
        "model": serde_json::to_value(pogo_fixture::ToleranceModel::default()).unwrap(),
        "datum": {"x": 145.0, "y": 80.0, "span_mm": 98.3, "source": "tooling pins T1, T2"},
        "sensitivity": [
            {"contributor": "pointing", "distribution": "normal", "tolerance": "±0.030 mm", "variance_share": 0.41, "max_offset_mm": 0.03, "yield_if_halved": 0.989, "yield_gain": 0.0178},
            {"contributor": "pad_registration", "distribution": "normal", "tolerance": "±0.075 mm", "variance_share": 0.33, "max_offset_mm": 0.075, "yield_if_halved": 0.982, "yield_gain": 0.0108},
            {"contributor": "thermal_expansion", "distribution": "systematic", "tolerance": "5 K", "variance_share": 0.0, "max_offset_mm": 0.004, "yield_if_halved": 0.9713, "yield_gain": 0.0001}
        ],
        "weakest_probes": [{"id": "P13", "net": "/sheet1/NET13", "hit_probability": 0.5, "margin_mm": 0.01, "worst_case_offset_mm": 0.21, "rss_offset_mm": 0.12, "dominant_contributor": "pad_registration"}],
        "worst_case": {"max_offset_mm": 0.21, "probe": "P13", "probes_failing": 4},
        "rss": {"max_offset_mm": 0.12, "probe": "P13", "probes_failing": 1}
    });
    f
}

fn fixture(v: Value) -> Fixture {
    Fixture::from_json("test.json", &v.to_string()).expect("sample fixture parses")
}

fn keep_dir() -> Option<PathBuf> {
    std::env::var_os("POGO_REPORT_KEEP").map(PathBuf::from)
}

#[test]
fn report_holds_every_section_and_escapes_text() {
    let f = fixture(full_fixture());
    let html = render_report(&f);
    for id in [
        "summary",
        "views",
        "coverage",
        "unreachable",
        "violations",
        "stackup",
        "force",
        "tolerance",
        "bom",
        "wiring",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id} missing"
        );
    }
    // Board name, sha256, counts.
    assert!(html.contains("demo &amp; &lt;board&gt;"));
    assert!(html.contains(&f.board.sha256));
    assert!(html.contains("43<small> / 46 testable</small>"));
    // The nasty net name only ever appears escaped.
    assert!(!html.contains(NASTY_NET));
    assert!(html.contains("&lt;CLK&amp;&quot;x&quot;&gt;&#39;y&#39;"));
    assert!(!html.contains("U<2>") && html.contains("U&lt;2&gt;"));
    // One view pair per probed side, the bottom one marked as seen from below.
    assert_eq!(
        html.matches("aria-label=\"bottom side, probes by class\"")
            .count(),
        1
    );
    assert_eq!(
        html.matches("aria-label=\"top side, probes by hit probability\"")
            .count(),
        1
    );
    assert!(html.contains("seen from below: mirrored"));
    // Every probe drawn twice (class view and probability view).
    for p in &f.probes {
        let drawn = html.matches(&format!("<title>{} ", p.id)).count();
        assert_eq!(drawn, 2, "probe {} drawn {drawn} times", p.id);
    }
    // Mechanics and tolerance figures.
    assert!(html.contains("97.1 %"), "contact yield shown");
    assert!(html.contains("212<small> µε</small>"));
    assert!(html.contains("set height 8.00 mm"));
    assert!(html.contains("pad registration"));
    assert!(!html.contains("class=\"missing\"") && !html.contains("class=\"card none\""));
    // BOM quantities add up to the probes.
    let total: usize = f.probes.len();
    let probe_rows: usize = html
        .split("</td><td>Probe</td>")
        .skip(1)
        .map(|row| {
            let qty = row.split("<td class=\"num\">").nth(1).unwrap();
            qty[..qty.find('<').unwrap()].parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(probe_rows, total);
    // Long lists fold.
    assert!(html.contains("<details><summary>Show all 43 probes</summary>"));
}

#[test]
fn report_without_mechanics_or_tolerance_says_not_computed() {
    let f = fixture(bare_fixture());
    let html = render_report(&f);
    for what in [
        "The stack-up not computed",
        "Force and strain not computed",
        "The positional tolerance analysis not computed",
    ] {
        assert!(html.contains(what), "{what}");
    }
    assert!(html.contains("Interface channels not assigned"));
    assert!(html.contains("Contact yield</div><div class=\"value\">not computed"));
}

/// A design from a netlist: the checks not made are listed with how to supply what
/// is missing, and "no rule is broken" is not claimed for them.
#[test]
fn report_lists_the_checks_not_made() {
    let mut f = fixture(bare_fixture());
    f.violations.clear();
    let html = render_report(&f);
    assert!(!html.contains("Not checked") && html.contains("every probe meets"));
    f.unchecked = vec![
        pogo_fixture::UncheckedRule::OutlineClearance.into(),
        pogo_fixture::UncheckedRule::CourtyardClearance.into(),
    ];
    let html = render_report(&f);
    assert!(html.contains("Not checked"), "no unchecked table");
    assert!(html.contains("outline_clearance") && html.contains("courtyard_clearance"));
    assert!(
        html.contains("389 BOARD_EDGE"),
        "no way to supply the outline"
    );
    assert!(!html.contains("every probe meets"));
}

#[test]
fn report_is_deterministic() {
    let f = fixture(full_fixture());
    let a = render_report(&f);
    let mut b = Vec::new();
    write_report(&f, &mut b).unwrap();
    assert_eq!(a.as_bytes(), &b[..]);
}

#[test]
fn report_has_no_external_references() {
    for v in [bare_fixture(), full_fixture()] {
        let html = render_report(&fixture(v));
        assert_self_contained(&html);
    }
}

#[test]
fn report_is_well_formed_html() {
    let dir = tempfile::tempdir().unwrap();
    for (name, v) in [("bare", bare_fixture()), ("full", full_fixture())] {
        let path = dir.path().join(format!("{name}.html"));
        std::fs::write(&path, render_report(&fixture(v))).unwrap();
        check_html_with_python(&path);
    }
}

#[test]
fn html_checker_rejects_broken_markup() {
    if !python_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.html");
    std::fs::write(
        &path,
        "<!DOCTYPE html><html><head><title>x</title></head><body><div><span></div></body></html>",
    )
    .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check-report-html.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a mis-nested <span> must be reported"
    );
}

#[test]
fn report_renders_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let base = keep_dir().unwrap_or_else(|| dir.path().to_path_buf());
    std::fs::create_dir_all(&base).unwrap();
    let html = base.join("report-full.html");
    std::fs::write(&html, render_report(&fixture(full_fixture()))).unwrap();
    let png = base.join("report-full.png");
    let Some(png) = screenshot(&html, &png, 3000) else {
        return;
    };
    let (w, h, colours, ink) = png_stats(&png);
    assert_eq!((w, h), (1400, 3000));
    // A blank or unstyled page has a handful of colours; the report has SVG views,
    // coloured probes and cards.
    assert!(colours > 200, "only {colours} colours: blank page?");
    assert!(ink > 0.15, "only {:.1} % of the page is drawn", ink * 100.0);
}
