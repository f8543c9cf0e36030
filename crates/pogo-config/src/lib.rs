//! pogo-config: `pogo.toml`, the engineer's intent for one board, and the pipeline it
//! drives.
//!
//! [`PogoConfig`] is the whole file: the `[design]` table
//! ([`pogo_design::DesignConfig`]), `[mechanics]` and `[interface]`
//! ([`pogo_mechanics`]), `mechanism` and `[clamshell]` (the hinged clamshell), `[tolerance]` ([`pogo_tolerance::ToleranceConfig`]) and an
//! extra `catalog`. [`load`] finds and reads it as `pogo design` does (beside the board
//! unless named); every error names the file, line and column. [`pipeline::run`] takes
//! a board through design, mechanics and tolerance with these settings;
//! [`pipeline::run_with`] (an earlier revision to reuse, a callback per stage) is what
//! `pogo design` and `pogo check` call before they write or print anything.
//!
//! ```toml
//! catalog = "my-probes.toml"    # extra catalog, relative to this file
//! mechanism = "press_plates"    # or "clamshell": the whole hinged fixture as parts
//! [design]                      # pogo_design::DesignConfig
//! sides = "bottom"
//! [mechanics]                   # fixture mechanics (stack-up, tooling, force)
//! [clamshell]                   # sheet thickness, kerf, hinge rule (clamshell only)
//! [interface]                   # test-system interface (channels)
//! [tolerance]                   # positional tolerance contributors
//! ```
//!
//! ```
//! let config = pogo_config::parse("pogo.toml", "[design]\nsides = \"bottom\"\n").unwrap();
//! assert!(config.catalog.is_none());
//! let err = pogo_config::parse("pogo.toml", "[design]\nsidez = 1\n").unwrap_err();
//! assert!(err.to_string().starts_with("pogo.toml:2:1: unknown field `sidez`"));
//! ```
#![warn(missing_docs)]

pub mod pipeline;

use pogo_design::DesignConfig;
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The whole `pogo.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PogoConfig {
    /// A user catalog added to the built-in one (relative to `pogo.toml`).
    pub catalog: Option<PathBuf>,
    /// `[design]`: the probe layout's intent.
    #[serde(default)]
    pub design: DesignConfig,
    /// `[mechanics]`: stack-up, tooling, force and strain settings.
    #[serde(default)]
    pub mechanics: pogo_mechanics::MechanicsSettings,
    /// `[interface]`: the connectors the probe wires go to.
    #[serde(default)]
    pub interface: pogo_mechanics::InterfaceConfig,
    /// `mechanism = "press_plates" | "clamshell"`: what closes the fixture.
    #[serde(default)]
    pub mechanism: pogo_fixture::Mechanism,
    /// `[clamshell]`: sheet thickness, kerf, hinge rule of the hinged clamshell.
    #[serde(default)]
    pub clamshell: pogo_mechanics::clamshell::ClamshellSettings,
    /// `[tolerance]`: positional tolerance contributors (docs/tolerance.md).
    #[serde(default)]
    pub tolerance: pogo_tolerance::ToleranceConfig,
}

impl PogoConfig {
    /// The settings `pogo_mechanics::build` takes: `[mechanics]`, `[interface]`, the
    /// mechanism and `[clamshell]`.
    pub fn mechanics_config(&self) -> pogo_mechanics::MechanicsConfig {
        pogo_mechanics::MechanicsConfig {
            mechanics: self.mechanics.clone(),
            interface: self.interface.clone(),
            mechanism: self.mechanism,
            clamshell: self.clamshell.clone(),
        }
    }
}

/// A loaded `pogo.toml` and where it came from.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    /// The settings (the defaults when there was no file).
    pub config: PogoConfig,
    /// The file read, `None` when there was none (defaults).
    pub path: Option<PathBuf>,
}

impl LoadedConfig {
    /// A path from the config, resolved against the config file's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.as_ref().and_then(|c| c.parent()) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// Why `pogo.toml` could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}")]
    Read {
        /// The file as named.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML or not the schema (unknown key, wrong type or value).
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file as named.
        path: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong, as the TOML reader says it.
        message: String,
        /// The byte range the error points at (empty when the reader gives none).
        span: Range<usize>,
        /// The file's text, for a diagnostic that shows the line.
        text: String,
    },
}

/// Reads `explicit`, or `pogo.toml` beside `board` when present, or the defaults.
pub fn load(board: &Path, explicit: Option<&Path>) -> Result<LoadedConfig, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let beside = board.parent().unwrap_or(Path::new(".")).join("pogo.toml");
            if !beside.is_file() {
                return Ok(LoadedConfig::default());
            }
            beside
        }
    };
    let config = read(&path)?;
    Ok(LoadedConfig {
        config,
        path: Some(path),
    })
}

/// Reads the `pogo.toml` at `path`.
pub fn read(path: &Path) -> Result<PogoConfig, ConfigError> {
    let (shown, text) =
        pogo_text::read_text_file(path, |path, source| ConfigError::Read { path, source })?;
    parse(&shown, &text)
}

/// Parses `pogo.toml` text; `shown` names the file in errors, which give the line and
/// the column (in characters) of the place.
pub fn parse(shown: &str, text: &str) -> Result<PogoConfig, ConfigError> {
    toml::from_str::<PogoConfig>(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (line, column) = pogo_text::line_column(text.as_bytes(), span.start);
        ConfigError::Parse {
            path: shown.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
            span,
            text: text.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pogo_design::config::{SideChoice, SidesConfig};

    #[test]
    fn design_table_and_room_for_others() {
        let c = parse(
            "pogo.toml",
            "catalog = \"x.toml\"\n[design]\nsides = \"bottom\"\n[mechanics]\nprobe_plate_thickness_mm = 6\n[tolerance]\n",
        )
        .unwrap();
        assert_eq!(c.catalog.as_deref(), Some(Path::new("x.toml")));
        assert_eq!(c.design.sides, SidesConfig::One(SideChoice::Bottom));
        assert_eq!(c.mechanics_config().mechanics.probe_plate_thickness_mm, 6.0);
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = parse(
            "pogo.toml",
            "[design]\nsides = \"bottom\"\nclases = [\"P100\"]\n",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("pogo.toml:3:1:") && text.contains("clases"),
            "{text}"
        );
        let ConfigError::Parse { span, .. } = err else {
            panic!("a parse error")
        };
        assert_eq!(span.start, "[design]\nsides = \"bottom\"\n".len());
    }

    /// The column counts characters, so a place after non-ASCII text on its line is
    /// where an editor shows it (as in catalog errors).
    #[test]
    fn column_counts_characters() {
        // `x` is the 13th character of its line (the 14th byte).
        let err = parse("pogo.toml", "[design]\nsides = \"é\" x\n").unwrap_err();
        assert!(err.to_string().starts_with("pogo.toml:2:13:"), "{err}");
    }

    /// Every table is checked, whichever command reads the file: a typo in
    /// `[tolerance]` is refused with its place like one in `[design]`.
    #[test]
    fn every_table_is_checked() {
        let err = parse("pogo.toml", "[tolerance]\n\npad_registraton_mm = 0.05\n").unwrap_err();
        assert!(
            err.to_string().starts_with("pogo.toml:3:1:")
                && err.to_string().contains("pad_registraton_mm"),
            "{err}"
        );
        let err = parse("pogo.toml", "[design]\nsides = \"left\"\n").unwrap_err();
        assert!(
            err.to_string().starts_with("pogo.toml:2:9:")
                && err.to_string().contains("`left` is not one of"),
            "{err}"
        );
    }

    #[test]
    fn load_finds_pogo_toml_beside_the_board() {
        let dir = tempfile::tempdir().unwrap();
        let board = dir.path().join("b.kicad_pcb");
        let none = load(&board, None).unwrap();
        assert!(none.path.is_none());
        std::fs::write(dir.path().join("pogo.toml"), "catalog = \"c.toml\"\n").unwrap();
        let found = load(&board, None).unwrap();
        assert_eq!(
            found.path.as_deref(),
            Some(dir.path().join("pogo.toml").as_path())
        );
        assert_eq!(
            found.resolve(Path::new("c.toml")),
            dir.path().join("c.toml")
        );
        let missing = load(&board, Some(&dir.path().join("nope.toml"))).unwrap_err();
        assert!(matches!(missing, ConfigError::Read { .. }), "{missing}");
    }
}
