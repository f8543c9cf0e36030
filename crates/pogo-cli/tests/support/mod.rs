//! Shared by the CLI tests: the `pogo` binary and what it printed, the test data
//! (the pogo-qc sheets, the shared real boards through pogo-testdata), and paths made
//! the same in any checkout for snapshots.
//!
//! Each test file takes what it needs (`mod support;`), so not every helper is used
//! by every file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `pogo` binary under test, not yet run.
pub fn pogo_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pogo"))
}

/// Runs `pogo` with these arguments and waits for it.
pub fn pogo(args: &[&str]) -> Output {
    pogo_command().args(args).output().expect("run pogo")
}

/// Runs `pogo`: exit code (-1 when killed by a signal), stdout and stderr as text.
pub fn pogo_text(args: &[&str]) -> (i32, String, String) {
    let o = pogo(args);
    (code(&o), stdout(&o), stderr(&o))
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output read as JSON; a panic with the text when it is not.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// A file `name` holding `contents` in a fresh temporary folder (removed when the
/// returned handle drops).
pub fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// A path as an argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A file of pogo-qc's test data (`crates/pogo-qc/tests/data`).
pub fn qc_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pogo-qc/tests/data")
        .join(name)
}

/// The small fixture of pogo-station's tests.
pub fn station_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../pogo-station/tests/data/fixture_small.json")
}

/// A shared board (`FOLDER/FILE`), or None (the test skips) without the shared data.
pub fn board(rel: &str) -> Option<PathBuf> {
    Some(pogo_testdata::boards(rel)?.join(rel))
}

/// Text with every given folder replaced by its placeholder (longest folder first), so a
/// snapshot reads the same in any checkout and temporary folder.
pub fn normalise(text: &str, folders: &[(&Path, &str)]) -> String {
    let mut folders: Vec<(String, &str)> = folders
        .iter()
        .flat_map(|(p, name)| {
            let shown = p.display().to_string();
            let canonical = p
                .canonicalize()
                .map(|c| c.display().to_string())
                .unwrap_or_else(|_| shown.clone());
            [(shown, *name), (canonical, *name)]
        })
        .collect();
    folders.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let mut out = text.to_string();
    for (p, name) in folders {
        out = out.replace(&p, name);
    }
    out
}

/// A run's exit code, stdout and stderr as one text for a snapshot, with the folders
/// replaced (see [`normalise`]).
pub fn transcript(o: &Output, folders: &[(&Path, &str)]) -> String {
    normalise(
        &format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            code(o),
            stdout(o),
            stderr(o)
        ),
        folders,
    )
}

/// A float32 trace of 2 channels, 1000 frames at 1 MHz: channel 1 open (1 MOhm) for
/// 3 us at 400 us, channel 0 at 50 ohm for the last 2 us (open-ended).
pub fn two_channel_trace() -> Vec<u8> {
    let mut v = vec![0.02f32; 2000];
    for f in 400..403 {
        v[2 * f + 1] = 1e6;
    }
    for f in 998..1000 {
        v[2 * f] = 50.0;
    }
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// `discontinuity TRACE ...` arguments for [`two_channel_trace`] (10 ohm for 1 us).
pub fn discontinuity_args<'a>(trace: &'a Path, format: &'a str) -> [&'a str; 14] {
    [
        "discontinuity",
        s(trace),
        "--sample-rate",
        "1000000",
        "--encoding",
        "f32le",
        "--channels",
        "2",
        "--threshold-ohm",
        "10",
        "--min-duration-us",
        "1",
        "--format",
        format,
    ]
}

/// Asserts the exit code (showing stdout and stderr when it differs) and returns
/// stdout.
#[track_caller]
pub fn expect_exit(o: &Output, expected: i32) -> String {
    assert_eq!(
        code(o),
        expected,
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

/// The pogo-station simulator wired to [`station_fixture`]'s five probes (the common
/// return 30 mOhm; probe 3 at 27 mOhm, the others well below their limits).
pub fn five_probe_sim() -> pogo_station::sim::Simulator {
    pogo_station::sim::Simulator::start(pogo_station::sim::SimConfig {
        reference_mohm: 30.0,
        contact_mohm: std::collections::BTreeMap::from([
            (1, Some(5.0)),
            (2, Some(6.5)),
            (3, Some(27.0)),
            (4, Some(9.0)),
            (5, Some(12.25)),
        ]),
        reading_time: std::time::Duration::ZERO,
    })
    .unwrap()
}
