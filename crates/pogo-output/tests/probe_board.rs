//! The probe board (`probe-board.kicad_pcb` / `.kicad_pro`): read back by pogo's own
//! KiCad reader on the example board and three shared boards (every probe one footprint
//! at its test point, mirrored for the top side, on its net, drilled for its soldered
//! pin or its receptacle; the interface header pins
//! on the nets wiring.csv gives them), and checked by KiCad 9's `kicad-cli pcb drc` when
//! it is installed (scripts/ci-deps.d/kicad9.sh): no error besides unconnected items.

use pogo_board::Side;
use pogo_catalog::PinMounting;
use pogo_config::pipeline::{Stage, run};
use pogo_fixture::Fixture;
use pogo_output::{OutputOptions, render_all};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn design(path: &Path) -> Fixture {
    let board = pogo_board::read_file(path).expect("board reads");
    let (catalog, config) = (pogo_catalog::Catalog::builtin(), Default::default());
    run(&board, &catalog, &config, Stage::Mechanics).expect("design and mechanics succeed")
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pogo-demo/pogo-demo.kicad_pcb")
}

/// Writes every output file into `dir`; returns the probe board files by name.
fn probe_boards(fx: &Fixture, dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let files = render_all(fx, &OutputOptions::default()).unwrap();
    pogo_output::write_files(&files, dir).unwrap();
    files
        .into_iter()
        .filter(|f| f.name.starts_with("probe-board"))
        .map(|f| (f.name, f.bytes))
        .collect()
}

/// Reads a probe board back with pogo's reader and checks every probe and header pin.
fn reads_back(fx: &Fixture, name: &str, bytes: &[u8], side: Side) {
    let board = pogo_board::read_bytes(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(board.outline.is_some(), "{name}: no outline");
    let plates = pogo_output::plates(fx, &OutputOptions::default()).unwrap();
    let plate = plates.iter().find(|p| p.side == side).unwrap();
    let probes: Vec<_> = fx.probes.iter().filter(|p| p.side == side).collect();
    for p in &probes {
        let fps: Vec<_> = board
            .footprints
            .iter()
            .filter(|f| f.reference == p.id)
            .collect();
        assert_eq!(fps.len(), 1, "{name}: probe {}", p.id);
        let pads = &board.pads[fps[0].pads.clone()];
        assert_eq!(pads.len(), 1, "{name}: {}", p.id);
        let pad = &pads[0];
        let x = match side {
            Side::Bottom => p.x,
            Side::Top => 2.0 * plate.mirror_x - p.x,
        };
        assert!(
            (pad.position.x - x).abs() < 1e-3 && (pad.position.y - p.y).abs() < 1e-3,
            "{name}: {} at {:?}, expected ({x}, {})",
            p.id,
            pad.position,
            p.y
        );
        assert_eq!(board.net_name(pad.net), p.net, "{name}: {}", p.id);
        let drill = pad.drill.as_ref().expect("plated hole").size_mm.w;
        // A Mill-Max 0858 pin (0.045 in hole) where its least pad (hole + 0.2 mm)
        // keeps 0.3 mm to a neighbour's, else the receptacle's drill.
        let nearest = probes
            .iter()
            .filter(|q| q.id != p.id)
            .map(|q| (q.x - p.x).hypot(q.y - p.y))
            .fold(f64::INFINITY, f64::min);
        let want = if nearest >= 1.143 + 0.2 + 0.3 {
            1.143
        } else {
            let rid = p.receptacle.clone().unwrap();
            fx.receptacle(&rid).unwrap().mounting_drill_mm
        };
        assert!(
            (drill - want).abs() < 1e-3,
            "{name}: {} drill {drill}",
            p.id
        );
        assert!(pad.size_mm.w > drill, "{name}: {} pad", p.id);
    }
    // The header pins carry the channels of wiring.csv for this side's probes.
    let channels = fx.channels.as_ref().unwrap();
    let mut carried = 0;
    for a in &channels.assignments {
        let Some(p) = probes.iter().find(|p| p.id == a.probe) else {
            continue;
        };
        let pin = board
            .pads
            .iter()
            .find(|q| q.reference == a.connector && q.number == a.pin.to_string())
            .unwrap_or_else(|| panic!("{name}: {} pin {}", a.connector, a.pin));
        assert_eq!(board.net_name(pin.net), p.net);
        carried += 1;
    }
    assert_eq!(carried, probes.len(), "{name}");
}

#[test]
fn example_board_probe_boards_read_back() {
    let fx = design(&example());
    assert!(fx.probes.iter().any(|p| p.side == Side::Top));
    let dir = tempfile::tempdir().unwrap();
    let boards = probe_boards(&fx, dir.path());
    let names: Vec<&str> = boards.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "probe-board-top.kicad_pcb",
            "probe-board-top.kicad_pro",
            "probe-board.kicad_pcb",
            "probe-board.kicad_pro"
        ]
    );
    reads_back(
        &fx,
        "probe-board.kicad_pcb",
        &boards["probe-board.kicad_pcb"],
        Side::Bottom,
    );
    reads_back(
        &fx,
        "probe-board-top.kicad_pcb",
        &boards["probe-board-top.kicad_pcb"],
        Side::Top,
    );
    let pro: serde_json::Value = serde_json::from_slice(&boards["probe-board.kicad_pro"]).unwrap();
    assert_eq!(pro["meta"]["filename"], "probe-board.kicad_pro");
    drc(dir.path(), "probe-board");
    drc(dir.path(), "probe-board-top");
}

#[test]
fn shared_boards_probe_boards_read_back_and_pass_drc() {
    for folder in ["bms-c1", "interf_u", "pic_programmer", "tinytapeout-demo"] {
        let Some(dir) = pogo_testdata::board_dir(folder, "probe board on shared boards") else {
            return;
        };
        let path = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.to_string_lossy();
                n.ends_with(".kicad_pcb") || n.ends_with(".kicad_pcb.xz")
            })
            .min()
            .unwrap();
        let fx = design(&path);
        let out = tempfile::tempdir().unwrap();
        let boards = probe_boards(&fx, out.path());
        let side = if fx.probes.iter().filter(|p| p.side == Side::Top).count()
            > fx.probes.iter().filter(|p| p.side == Side::Bottom).count()
        {
            Side::Top
        } else {
            Side::Bottom
        };
        reads_back(&fx, folder, &boards["probe-board.kicad_pcb"], side);
        drc(out.path(), "probe-board");
    }
}

/// KiCad 9's command line: `POGO_KICAD_CLI`, or the copy get-kicad9.sh unpacks in
/// /tmp/kicad9, when it runs.
fn kicad_cli() -> Option<std::process::Command> {
    let (bin, libs) = match std::env::var("POGO_KICAD_CLI") {
        Ok(b) => (PathBuf::from(b), None),
        Err(_) => (
            PathBuf::from("/tmp/kicad9/usr/bin/kicad-cli"),
            Some("/tmp/kicad9/usr/lib/x86_64-linux-gnu:/tmp/kicad9/usr/lib"),
        ),
    };
    let make = || {
        let mut c = std::process::Command::new(&bin);
        if let Some(l) = libs {
            c.env("LD_LIBRARY_PATH", l);
        }
        c
    };
    let ok = make()
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).starts_with('9'));
    ok.then(make)
}

/// Writes each probe board's `.kicad_pcb` and `.kicad_pro` into `dir`.
fn write_boards(dir: &Path, boards: &[pogo_output::probe_board::ProbeBoard]) {
    for board in boards {
        std::fs::write(dir.join(format!("{}.kicad_pcb", board.stem)), &board.pcb).unwrap();
        std::fs::write(dir.join(format!("{}.kicad_pro", board.stem)), &board.pro).unwrap();
    }
}

/// Whether KiCad 9 must be there: in CI (`CI`, or `POGO_REQUIRE_SHARED` as .ci/run sets
/// it, which also makes scripts/ci-deps.d/kicad9.sh fetch it) a missing kicad-cli fails
/// the DRC tests instead of skipping them.
fn kicad_required() -> bool {
    let set =
        |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    set("CI") || set("POGO_REQUIRE_SHARED")
}

/// KiCad 9's command line, or a skip message (a failure where it is required).
fn kicad_cli_or_skip(what: &str) -> Option<std::process::Command> {
    let cli = kicad_cli();
    if cli.is_none() {
        assert!(
            !kicad_required(),
            "{what}: KiCad 9's kicad-cli does not run and CI requires it (scripts/ci-deps.d/kicad9.sh)"
        );
        eprintln!("SKIPPED {what}: KiCad 9 not installed (scripts/ci-deps.d/kicad9.sh)");
    }
    cli
}

/// `kicad-cli pcb drc` on DIR/STEM.kicad_pcb: any error fails the test, and any warning
/// but silkscreen ones (unconnected items are expected: tracks are left to route);
/// skipped with a message when KiCad 9 is absent (outside CI).
fn drc(dir: &Path, stem: &str) {
    let Some(mut cli) = kicad_cli_or_skip(&format!("kicad-cli drc of {stem}")) else {
        return;
    };
    let report = dir.join(format!("{stem}-drc.json"));
    let out = cli
        .args(["pcb", "drc", "--format", "json", "--severity-all", "-o"])
        .arg(&report)
        .arg(dir.join(format!("{stem}.kicad_pcb")))
        .output()
        .unwrap();
    assert!(
        report.exists(),
        "kicad-cli drc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let all = v["violations"].as_array().unwrap();
    let errors: Vec<String> = all
        .iter()
        .filter(|x| x["severity"] == "error")
        .map(|x| format!("{}: {} {}", x["type"], x["description"], x["items"]))
        .collect();
    assert!(errors.is_empty(), "{stem}: {errors:#?}");
    // Warnings: only silkscreen labels touching copper (probe ids between pads at
    // 2.54 mm pitch) are expected.
    let other: Vec<&serde_json::Value> = all
        .iter()
        .filter(|x| x["type"] != "silk_over_copper" && x["type"] != "silk_overlap")
        .collect();
    assert!(other.is_empty(), "{stem}: {other:#?}");
    eprintln!(
        "{stem}: kicad-cli drc: 0 errors, {} silkscreen warnings, {} unconnected items",
        all.len(),
        v["unconnected_items"].as_array().map_or(0, Vec::len)
    );
}

/// Soldered pins by pitch: probes 2.54 mm apart get the catalog's through-hole pogo pin
/// with the longest stroke (Mill-Max 0858, named with its order code in bom.csv) and
/// pass KiCad's DRC; 50 mil probes 1.27 mm apart fit no pin, and their receptacles'
/// pads cannot keep the clearance: pogo lists every such pair (the BOM says so), and
/// KiCad's DRC finds its errors (pad clearance, courtyards) exactly there.
#[test]
fn soldered_pins_by_pitch_and_the_pairs_too_close_for_pads() {
    use pogo_fixture::test_support::FixtureBuilder;
    let catalog = pogo_catalog::Catalog::builtin();
    let th = PinMounting::ThroughHole;
    let pin = pogo_output::probe_board::choose_pin(&catalog, 2.54, th).expect("a pin at 2.54 mm");
    assert_eq!(pin.order_code, "0858-0-15-20-82-14-11-0");
    assert!(pogo_output::probe_board::choose_pin(&catalog, 1.27, th).is_none());
    let mut b = FixtureBuilder::new([0.0, 0.0, 60.0, 40.0]);
    // A row of 100 mil probes 2.54 mm apart, and one of 50 mil probes 1.27 mm apart.
    for (part, row, y, xs) in [
        ("P100-SPEAR", "A", 10.0, [10.0, 12.54, 15.08]),
        ("P50-SPEAR", "B", 30.0, [10.0, 11.27, 12.54]),
    ] {
        for (k, x) in xs.into_iter().enumerate() {
            b = b.probe(&catalog, part, &format!("{row}{k}"), Side::Bottom, x, y);
        }
    }
    let fx = b.build();
    let sites = pogo_output::probe_board::sites(&fx, Side::Bottom);
    let pinned: Vec<&str> = sites
        .iter()
        .filter(|s| s.pin.is_some())
        .map(|s| s.probe.as_str())
        .collect();
    assert_eq!(pinned, ["P1", "P2", "P3"]);
    let clashes = pogo_output::probe_board::clashes(&fx, Side::Bottom);
    let pairs: Vec<[&str; 2]> = clashes
        .iter()
        .map(|c| [c.probes[0].as_str(), c.probes[1].as_str()])
        .collect();
    assert_eq!(pairs, [["P4", "P5"], ["P5", "P6"]]);
    let bom = pogo_output::bom::render(&fx);
    assert!(bom.contains("0858-0-15-20-82-14-11-0"), "{bom}");
    assert!(bom.contains("2 probe pairs too close"), "{bom}");
    // KiCad's DRC on the board written: its clearance errors are the pairs listed.
    let opts = OutputOptions::default();
    let plates = pogo_output::plate::plates(&fx, &opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_boards(
        dir.path(),
        &pogo_output::probe_board::render(&fx, &plates, &opts),
    );
    let Some(mut cli) = kicad_cli_or_skip("kicad-cli drc") else {
        return;
    };
    let report = dir.path().join("drc.json");
    cli.args(["pcb", "drc", "--format", "json", "--severity-all", "-o"])
        .arg(&report)
        .arg(dir.path().join("probe-board.kicad_pcb"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let mut found: Vec<[String; 2]> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["severity"] == "error")
        .map(|x| {
            // Items read like `PTH pad 1 [N1] of P4` or `Footprint P4`.
            let mut refs: Vec<String> = x["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|i| {
                    let d = i["description"].as_str()?;
                    d.rsplit(' ').next().map(|r| r.trim().to_string())
                })
                .collect();
            refs.sort();
            refs.resize(2, String::new());
            [refs[0].clone(), refs[1].clone()]
        })
        .collect();
    found.sort();
    found.dedup();
    let want: Vec<[String; 2]> = pairs.iter().map(|p| p.map(str::to_string)).collect();
    assert_eq!(found, want, "{:#}", v["violations"]);
}

/// `[mechanics] probe_board_pins = "smt"`: probes 2.54 mm apart get the catalog's SMT
/// pogo pin (Harwin P70-2200045: its 2.2 mm land round a 1.2 mm peg hole, on F.Cu with
/// paste, the footprint an SMD one), read back by pogo's reader at the probe's place and
/// net; a probe 1.9 mm from its neighbour has no room for that land and keeps the
/// through-hole pin. The BOM names the SMT pin's order code; KiCad 9 loads the board
/// and its DRC finds no error.
#[test]
fn smt_pins_by_setting_on_their_land() {
    use pogo_fixture::test_support::FixtureBuilder;
    let catalog = pogo_catalog::Catalog::builtin();
    let smt = pogo_output::probe_board::choose_pin(&catalog, 2.54, PinMounting::Smt).unwrap();
    assert_eq!(smt.order_code, "P70-2200045");
    let th = pogo_output::probe_board::choose_pin(&catalog, 1.9, PinMounting::Smt).unwrap();
    assert_eq!(th.mounting, PinMounting::ThroughHole);
    let mut b = FixtureBuilder::new([0.0, 0.0, 60.0, 40.0]);
    for (k, (x, y)) in [
        (10.0, 10.0),
        (12.54, 10.0),
        (15.08, 10.0),
        (30.0, 20.0),
        (31.9, 20.0),
    ]
    .into_iter()
    .enumerate()
    {
        b = b.probe(&catalog, "P100-SPEAR", &format!("N{k}"), Side::Bottom, x, y);
    }
    let mut fx = b.build();
    // Without the setting every pin is a through-hole one.
    let sites = pogo_output::probe_board::sites(&fx, Side::Bottom);
    assert!(
        sites
            .iter()
            .all(|s| s.pin.as_ref().unwrap().mounting == PinMounting::ThroughHole)
    );
    fx.stackup = Some(pogo_fixture::Stackup {
        probe_board_pins: PinMounting::Smt,
        ..Default::default()
    });
    let sites = pogo_output::probe_board::sites(&fx, Side::Bottom);
    let kinds: Vec<(&str, PinMounting, f64, f64)> = sites
        .iter()
        .map(|s| {
            (
                s.probe.as_str(),
                s.pin.as_ref().unwrap().mounting,
                s.pad_mm,
                s.drill_mm,
            )
        })
        .collect();
    let smt_site = |p| (p, PinMounting::Smt, 2.2, 1.2);
    assert_eq!(kinds[..3], [smt_site("P1"), smt_site("P2"), smt_site("P3")]);
    assert_eq!(kinds[3].1, PinMounting::ThroughHole);
    assert_eq!(kinds[4].1, PinMounting::ThroughHole);
    assert!((kinds[3].3 - 1.143).abs() < 1e-9);
    let bom = pogo_output::bom::render(&fx);
    assert!(bom.contains("P70-2200045"), "{bom}");
    // Written and read back: the land where the probe is, on its net, with its peg hole.
    let opts = OutputOptions::default();
    let plates = pogo_output::plate::plates(&fx, &opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let boards = pogo_output::probe_board::render(&fx, &plates, &opts);
    let pcb = &boards[0].pcb;
    assert_eq!(pcb.matches("(footprint \"pogo:Spring_Pin_SMD\"").count(), 3);
    assert_eq!(pcb.matches("(attr smd)").count(), 3);
    assert_eq!(
        pcb.matches("(layers \"*.Cu\" \"F.Paste\" \"F.Mask\")")
            .count(),
        3
    );
    let board = pogo_board::read_bytes("probe-board.kicad_pcb", pcb.as_bytes()).unwrap();
    for p in &fx.probes {
        let fp = board
            .footprints
            .iter()
            .find(|f| f.reference == p.id)
            .unwrap();
        let pads = &board.pads[fp.pads.clone()];
        assert_eq!(pads.len(), 1, "{}", p.id);
        let pad = &pads[0];
        assert!((pad.position.x - p.x).abs() < 1e-3 && (pad.position.y - p.y).abs() < 1e-3);
        assert_eq!(board.net_name(pad.net), p.net);
        let site = sites.iter().find(|s| s.probe == p.id).unwrap();
        assert!((pad.size_mm.w - site.pad_mm).abs() < 1e-3, "{}", p.id);
        let drill = pad.drill.as_ref().expect("peg or tail hole").size_mm.w;
        assert!((drill - site.drill_mm).abs() < 1e-3, "{}", p.id);
    }
    write_boards(dir.path(), &boards);
    drc(dir.path(), "probe-board");
}
