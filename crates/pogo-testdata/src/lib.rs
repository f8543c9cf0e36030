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

use std::path::PathBuf;

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

#[cfg(test)]
mod tests {
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
}
