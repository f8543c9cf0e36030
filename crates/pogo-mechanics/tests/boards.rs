//! On every real board of the shared data (pogo-testdata): design the probes (pogo-design), build
//! the mechanics, and check that every probe's working travel lies within 60-80% of its
//! full travel, that the force totals equal the sum of the probes' forces, and that
//! wiring.csv and bom.csv agree with fixture.json (independent Python reader).

use pogo_catalog::Catalog;
use pogo_mechanics::{MechanicsConfig, build};
use std::path::PathBuf;
use std::process::Command;

fn boards() -> Vec<PathBuf> {
    let dirs = pogo_testdata::board_folders("every_board_travel_force_wiring_and_bom");
    if dirs.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|f| {
                let n = f.to_string_lossy();
                n.ends_with(".kicad_pcb") || n.ends_with(".kicad_pcb.xz")
            })
            .collect();
        files.sort();
        out.extend(files.into_iter().next());
    }
    out.sort();
    assert!(
        out.len() >= 20,
        "expected the 20 shared boards, found {}",
        out.len()
    );
    out
}

#[test]
fn every_board_travel_force_wiring_and_bom() {
    let catalog = Catalog::builtin();
    let cfg = MechanicsConfig::default();
    let boards = boards();
    if boards.is_empty() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    let mut strain: std::collections::BTreeMap<String, (f64, usize)> = Default::default();
    for path in boards {
        let name = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let t0 = std::time::Instant::now();
        let board = pogo_board::read_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut fx = pogo_design::design(&board, &catalog, &Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let t1 = std::time::Instant::now();
        build(&mut fx, &cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        let t2 = std::time::Instant::now();
        let force = fx.force.as_ref().unwrap();
        eprintln!(
            "{name}: {} probes, design {:.2} s, mechanics {:.2} s, force {:?} N, strain {:.0} ue (limit {}), {} supports, {} suggested -> {:?}, tooling {} pins / {} suggestions",
            fx.probes.len(),
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            force.total_n,
            force.max_strain_ue,
            force.limit_ue,
            force.supports.len(),
            force.suggested_supports.len(),
            force.strain_with_suggestions_ue.map(|e| e.round()),
            fx.tooling.len(),
            fx.tooling_suggestions.len()
        );
        strain.insert(name.clone(), (force.max_strain_ue, force.supports.len()));
        let mut sum: std::collections::BTreeMap<&str, f64> = Default::default();
        for p in &fx.probes {
            let f = p.working_travel_fraction.unwrap();
            assert!((0.6..=0.8).contains(&f), "{name} {}: {f}", p.id);
            let part = fx.part(&p.part).unwrap();
            // The force is the part's spring force at the probe's compression.
            let expected = part.force_at_travel_n(f * part.full_travel_mm);
            assert!(
                (p.force_n.unwrap() - expected).abs() < 1e-9,
                "{name} {}",
                p.id
            );
            *sum.entry(p.side.as_str()).or_default() += p.force_n.unwrap();
            assert!(p.channel.is_some() && p.receptacle.is_some());
        }
        let force = fx.force.as_ref().unwrap();
        assert_eq!(force.total_n.len(), sum.len(), "{name}");
        for (side, total) in force.total_n.iter() {
            assert!(
                (total - sum[side.as_str()]).abs() < 1e-9,
                "{name} {}: {total} vs {}",
                side.as_str(),
                sum[side.as_str()]
            );
        }
        if !fx.probes.is_empty() {
            // Every board is registered: guide pins in its holes, or a nest cut to
            // its outline (a board without an outline keeps suggested holes).
            let nest = fx
                .registration
                .as_ref()
                .is_some_and(|r| r.nest.is_some() && !r.pocket.is_empty());
            assert!(
                fx.tooling.len() >= 2
                    || nest
                    || (fx.board.outline.is_empty() && !fx.tooling_suggestions.is_empty()),
                "{name}: neither tooling pins nor a nest"
            );
        }
        let dir = tmp.path().join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        pogo_fixture::write_atomic(&dir.join("fixture.json"), fx.to_json().as_bytes()).unwrap();
        pogo_fixture::write_atomic(
            &dir.join("wiring.csv"),
            pogo_output::wiring::render(&fx).as_bytes(),
        )
        .unwrap();
        pogo_fixture::write_atomic(
            &dir.join("bom.csv"),
            pogo_output::bom::render(&fx).as_bytes(),
        )
        .unwrap();
        dirs.push(dir);
    }
    // The same design saved by different KiCad versions gives nearly the same fixture
    // (KiCad 6's video has no courtyards on its sockets, KiCad 9's has: the keep-outs
    // fall back to pads and silkscreen).
    for (a, b) in [
        ("video", "video-v9"),
        ("glasgow-c2-v6", "glasgow-c2-v9"),
        ("glasgow-c2-v8", "glasgow-c2-v9"),
    ] {
        let (sa, na) = strain[a];
        let (sb, nb) = strain[b];
        assert!(
            (sa - sb).abs() <= 0.1 * sb,
            "{a} {sa:.0} ue vs {b} {sb:.0} ue"
        );
        assert!(na.abs_diff(nb) * 5 <= nb, "{a} {na} supports vs {b} {nb}");
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/check_wiring_bom.py");
    let out = Command::new("python3")
        .arg(script)
        .args(&dirs)
        .output()
        .expect("python3 runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains(": ok ")).count(),
        dirs.len(),
        "{text}"
    );
}
