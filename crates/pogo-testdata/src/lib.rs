//! Test support: where the shared real-board data lives, and what to do when it is
//! not there.
//!
//! The real boards (KiCad's own view of them, their exports, files of other EDA tools)
//! live outside this repository in `shared/data/` beside the checkout. Tests find them
//! only through this crate:
//!
//! - `POGO_SHARED=DIR` names the `shared/` folder (holding `data/`, `tools/`);
//! - `POGO_BOARDS=DIR` names the boards folder alone (`shared/data/boards`);
//! - else `../shared` beside the workspace root.
//!
//! When the data is absent a test that needs it calls [`boards`] (or [`shared`]) and
//! gets `None`: it returns early after a line on stderr saying what was skipped and how
//! to run it. With `POGO_REQUIRE_SHARED=1` (set by `.ci/run`) a missing folder is a
//! failure instead, so CI never passes by skipping the real boards.
//!
//! ```no_run
//! let Some(boards) = pogo_testdata::boards("every shared board reads") else { return };
//! assert!(boards.join("video").is_dir());
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the folder holding the top `Cargo.toml`). Read at run time from
/// the test's own `CARGO_MANIFEST_DIR` (every crate sits at `crates/NAME`), so a test
/// binary built from another checkout into a shared target dir still looks beside its
/// own checkout; the path this crate was built at is the fallback.
pub fn workspace_root() -> PathBuf {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    crate_dir.join("../..")
}

/// Whether a missing shared folder fails the test (`POGO_REQUIRE_SHARED=1`, as CI sets).
pub fn shared_required() -> bool {
    std::env::var("POGO_REQUIRE_SHARED").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn shared_root() -> PathBuf {
    match std::env::var_os("POGO_SHARED") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("../shared"),
    }
}

fn boards_root() -> PathBuf {
    match std::env::var_os("POGO_BOARDS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => shared_root().join("data/boards"),
    }
}

fn found_or_skip(dir: PathBuf, what: &str, test: &str) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    let how =
        "clone the shared data beside the repository (../shared) or set POGO_SHARED / POGO_BOARDS";
    if shared_required() {
        panic!(
            "{test}: {what} not found at {} and POGO_REQUIRE_SHARED is set ({how})",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED {test}: {what} not found at {} ({how})",
        dir.display()
    );
    None
}

/// The shared real-board folder (`shared/data/boards`), or `None` after saying on stderr
/// that `test` was skipped. Panics instead when `POGO_REQUIRE_SHARED` is set.
pub fn boards(test: &str) -> Option<PathBuf> {
    found_or_skip(boards_root(), "the shared real boards", test)
}

/// One board's folder (`shared/data/boards/FOLDER`), or `None` as [`boards`].
pub fn board_dir(folder: &str, test: &str) -> Option<PathBuf> {
    let dir = boards(test)?;
    found_or_skip(
        dir.join(folder),
        &format!("the shared board `{folder}`"),
        test,
    )
}

/// A folder of `shared/` (for example `data/ipc2581-allegro`, `tools`), or `None` as
/// [`boards`].
pub fn shared(sub: &str, test: &str) -> Option<PathBuf> {
    found_or_skip(shared_root().join(sub), &format!("shared/{sub}"), test)
}

/// Every board folder under the shared boards, sorted by name (empty when skipped).
pub fn board_folders(test: &str) -> Vec<PathBuf> {
    let Some(root) = boards(test) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// KiCad's own view of a shared board: the `kicad-view.json` in its folder `dir`
/// (written by `scripts/kicad_view.py`). Panics when it is missing or not JSON.
pub fn kicad_view(dir: &Path) -> serde_json::Value {
    let path = dir.join("kicad-view.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The outline box `[left, top, right, bottom]` (mm) of a KiCad view.
pub fn view_outline_bbox(view: &serde_json::Value) -> [f64; 4] {
    serde_json::from_value(view["outline_bbox"].clone())
        .unwrap_or_else(|e| panic!("outline_bbox is not four numbers: {e}"))
}

/// Runs a helper program of a test (python3, initdb, the `pogo` binary, ...), which
/// must exit 0, and returns its stdout. Fails the test, naming the program with what
/// it printed, when it cannot start or exits otherwise.
pub fn stdout_of(command: &mut Command) -> String {
    let program = command.get_program().to_string_lossy().into_owned();
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{program} does not start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} {:?} failed ({}):\n{stdout}\n{}",
        command.get_args().collect::<Vec<_>>(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A small deterministic generator for tests that want varied input (xorshift64,
/// shifts 13, 7, 17): the same numbers on every machine. The seed must not be 0.
#[derive(Debug, Clone)]
pub struct Xorshift(pub u64);

impl Xorshift {
    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in [0, 1): the top 53 bits of the next number.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A whole number in `0..n` (0 when `n` is 0): the next number modulo `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An index into a list of `len` items (0 when `len` is 0).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn xorshift_follows_its_three_shifts() {
        // From 1: 1 ^ 1 << 13 = 8193, ^ 8193 >> 7 = 8257, ^ 8257 << 17 = 1082269761.
        let mut r = Xorshift(1);
        assert_eq!(r.next_u64(), 1_082_269_761);
        assert_eq!(r.next_u64(), 1_152_992_998_833_853_505);
        let u = Xorshift(0x9e37_79b9_7f4a_7c15).unit();
        assert!((0.0..1.0).contains(&u), "{u}");
        let mut r = Xorshift(1);
        assert_eq!(r.below(1000), 761);
        assert_eq!(Xorshift(1).index(0), 0);
        assert_eq!(Xorshift(1).below(0), 0);
    }

    use super::*;

    #[test]
    fn a_missing_folder_is_skipped_with_a_reason_unless_required() {
        let missing = std::env::temp_dir().join("pogo-testdata-no-such-folder");
        if shared_required() {
            let r = std::panic::catch_unwind(|| found_or_skip(missing.clone(), "x", "t"));
            assert!(r.is_err());
        } else {
            assert_eq!(found_or_skip(missing, "x", "t"), None);
        }
        let here = workspace_root();
        assert_eq!(found_or_skip(here.clone(), "x", "t"), Some(here));
    }

    #[test]
    fn a_helper_programs_stdout_or_a_failure_naming_it() {
        let mut ok = Command::new("sh");
        ok.args(["-c", "echo hello"]);
        assert_eq!(stdout_of(&mut ok), "hello\n");
        let failed = std::panic::catch_unwind(|| {
            stdout_of(Command::new("sh").args(["-c", "echo out; echo why >&2; exit 3"]))
        })
        .unwrap_err();
        let message = failed.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("sh") && message.contains("out") && message.contains("why"),
            "{message}"
        );
    }

    #[test]
    fn the_outline_box_of_a_view() {
        let view = serde_json::json!({"outline_bbox": [1.0, 2.0, 30.5, 40.0]});
        assert_eq!(view_outline_bbox(&view), [1.0, 2.0, 30.5, 40.0]);
    }
}
