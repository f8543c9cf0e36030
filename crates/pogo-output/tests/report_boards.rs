//! report.html on real boards: the example board and boards from
//! the shared data (pogo-testdata), designed with the library calls (probe layout, mechanics,
//! positional tolerance), then checked: self-contained, well formed (Python's
//! html.parser), every probe drawn in both views of its side, every unreachable net
//! listed, the coverage figures shown, the same page as `write_all` writes, and a
//! non-blank rendering in headless Chromium.
//!
//! Set `POGO_REPORT_KEEP=DIR` to keep the pages and screenshots for a look.

mod report_support;

use pogo_fixture::Fixture;
use pogo_output::report::render_report;
use pogo_text::html_escape as esc;
use report_support::*;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// [`check_board`] on `file` of the shared board `folder` (skipped, saying so, without
/// the shared data).
fn check_shared_board(folder: &str, file: &str) {
    if let Some(dir) = pogo_testdata::board_dir(folder, "report_boards") {
        check_board(folder, &dir.join(file), false);
    }
}

/// The whole `pogo design` pipeline through the libraries.
fn design(path: &Path) -> Fixture {
    let board = pogo_board::read_file(path).expect("board reads");
    let catalog = pogo_catalog::Catalog::builtin();
    let mut fixture = pogo_design::design(&board, &catalog, &pogo_design::DesignConfig::default())
        .expect("design succeeds");
    fixture.board.sha256 = "0123456789abcdef".repeat(4);
    pogo_mechanics::build(&mut fixture, &pogo_mechanics::MechanicsConfig::default())
        .expect("mechanics succeeds");
    if !fixture.probes.is_empty() {
        pogo_tolerance::analyse_with_model(&mut fixture, &pogo_fixture::ToleranceModel::default())
            .expect("tolerance analysis succeeds");
    }
    fixture
}

fn check_board(name: &str, path: &Path, shoot: bool) {
    let fixture = design(path);
    let html = render_report(&fixture);
    assert_self_contained(&html);
    // Both views of each probed side draw every probe of that side once.
    for p in &fixture.probes {
        let drawn = html
            .matches(&format!("<title>{} {} (", esc(&p.id), esc(&p.net)))
            .count();
        assert_eq!(drawn, 2, "{name}: probe {} drawn {drawn} times", p.id);
    }
    for side in ["top", "bottom"] {
        let has = fixture.probes.iter().any(|p| p.side.as_str() == side);
        assert_eq!(
            html.contains(&format!("aria-label=\"{side} side, probes by class\"")),
            has || fixture.probes.is_empty(),
            "{name}: view of the {side} side"
        );
    }
    for u in &fixture.unreachable {
        assert!(
            html.contains(&format!("<td class=\"mono\">{}</td>", esc(&u.net))),
            "{name}: unreachable {}",
            u.net
        );
    }
    let c = &fixture.coverage;
    assert!(
        html.contains(&format!(
            "{}<small> / {} testable</small>",
            c.nets_probed, c.nets_testable
        )),
        "{name}: coverage card"
    );
    if let Some(t) = &fixture.tolerance {
        assert!(
            html.contains("First-pass contact yield"),
            "{name}: yield shown"
        );
        for s in &t.sensitivity {
            assert!(
                html.contains(&esc(&s.contributor.as_str().replace('_', " "))),
                "{name}: sensitivity {}",
                s.contributor
            );
        }
    }
    // write_all writes the same page.
    let dir = tempfile::tempdir().unwrap();
    if let Ok(written) =
        pogo_output::write_all(&fixture, dir.path(), &pogo_output::OutputOptions::default())
    {
        let report = written
            .iter()
            .find(|p| p.ends_with("report.html"))
            .expect("write_all writes report.html");
        assert_eq!(
            std::fs::read_to_string(report).unwrap(),
            html,
            "{name}: write_all's report.html"
        );
    }
    let keep = std::env::var_os("POGO_REPORT_KEEP").map(PathBuf::from);
    let base = keep.clone().unwrap_or_else(|| dir.path().to_path_buf());
    std::fs::create_dir_all(&base).unwrap();
    let page = base.join(format!("report-{name}.html"));
    std::fs::write(&page, &html).unwrap();
    check_html_with_python(&page);
    if shoot || keep.is_some() {
        let png = base.join(format!("report-{name}.png"));
        if let Some(png) = screenshot(&page, &png, 2400) {
            let (w, h, colours, ink) = png_stats(&png);
            assert_eq!((w, h), (1400, 2400));
            assert!(colours > 100, "{name}: only {colours} colours: blank page?");
            assert!(
                ink > 0.2,
                "{name}: only {:.1} % of the page drawn",
                ink * 100.0
            );
        }
    }
}

#[test]
fn report_of_the_example_board() {
    let path = workspace().join("examples/pogo-demo/pogo-demo.kicad_pcb");
    check_board("pogo-demo", &path, true);
}

#[test]
fn report_of_bms_c1() {
    check_shared_board("bms-c1", "bms-c1.kicad_pcb");
}

#[test]
fn report_of_test_points_v9() {
    check_shared_board("test_points-v9", "test_points.kicad_pcb");
}

#[test]
fn report_of_a_board_without_probes() {
    // Framework's expansion card: four nets, none reachable; the report still shows
    // the board, the unreachable nets and the mechanics that apply.
    check_shared_board("expansion-card-v5", "Expansion_Card.kicad_pcb");
}

#[test]
fn report_of_a_wide_board() {
    check_shared_board("video", "video.kicad_pcb.xz");
}

/// The report judges board strain against the fixture's own limit (`strain_limit_ue`
/// of pogo.toml) and the mechanics' verdict, never a fixed 500 µε: with a limit of
/// 800 µε, a board at 600 µε is within it.
#[test]
fn report_judges_strain_against_the_fixtures_own_limit() {
    let path = workspace().join("examples/pogo-demo/pogo-demo.kicad_pcb");
    let board = pogo_board::read_file(&path).expect("board reads");
    let catalog = pogo_catalog::Catalog::builtin();
    let mut fixture = pogo_design::design(&board, &catalog, &Default::default()).unwrap();
    let mut cfg = pogo_mechanics::MechanicsConfig::default();
    cfg.mechanics.strain_limit_ue = 800.0;
    pogo_mechanics::build(&mut fixture, &cfg).unwrap();
    let force = fixture.force.as_mut().unwrap();
    assert_eq!(force.limit_ue, 800.0);
    force.max_strain_ue = 600.0;
    force.exceeded = force.max_strain_ue > force.limit_ue;
    let html = render_report(&fixture);
    assert!(
        html.contains("against a limit of 800 µε"),
        "limit not shown"
    );
    assert!(html.contains("within limit") && !html.contains("exceeds the limit"));
    // The same board over its limit.
    let force = fixture.force.as_mut().unwrap();
    force.max_strain_ue = 900.0;
    force.exceeded = true;
    let html = render_report(&fixture);
    assert!(html.contains("exceeds the limit"));
}
