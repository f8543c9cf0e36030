//! Snapshots of the diagnostics for a bad `pogo.toml` given to `pogo design` (file, line,
//! column and the offending line), and of a bad `fixture.json` given to `pogo export`.
//!
//! Paths are replaced by `[REPO]` (this checkout) and `[TMP]` (the test's folder).
//! Update with `INSTA_UPDATE=always cargo test -p pogo-cli --test config_snapshots`.

mod support;

use std::path::Path;
use support::{pogo, s, transcript};

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn bad_pogo_toml_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let demo = repo().join("examples/pogo-demo/pogo-demo.kicad_pcb");
    let cases = [
        (
            "unknown_key",
            "[design]\nclasses = [\"P100\"]\nclases = [\"P75\"]\n",
        ),
        ("wrong_type", "[design]\ncomponent_pads = \"yes\"\n"),
        ("bad_toml", "[design\nclasses = [\"P100\"]\n"),
        ("bad_side", "[design]\nsides = \"left\"\n"),
    ];
    for (name, text) in cases {
        let cfg = t.join(format!("{name}.toml"));
        std::fs::write(&cfg, text).unwrap();
        let out = pogo(&[
            "design",
            s(&demo),
            "--config",
            s(&cfg),
            "--out",
            s(&t.join("out")),
        ]);
        insta::assert_snapshot!(
            format!("pogo_toml_{name}"),
            transcript(&out, &[(t, "[TMP]"), (repo(), "[REPO]")])
        );
    }
}

#[test]
fn bad_fixture_json_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cases = [
        (
            "not_json",
            "{\"schema\": \"pogo.fixture/1\",\n \"probes\": [1, 2,,]\n}\n",
        ),
        ("other_schema", "{\"schema\": \"pogo.fixture/9\"}\n"),
    ];
    for (name, text) in cases {
        let f = t.join(format!("{name}.json"));
        std::fs::write(&f, text).unwrap();
        let out = pogo(&["export", s(&f), "--out", s(&t.join("out"))]);
        insta::assert_snapshot!(
            format!("fixture_json_{name}"),
            transcript(&out, &[(t, "[TMP]"), (repo(), "[REPO]")])
        );
    }
}
