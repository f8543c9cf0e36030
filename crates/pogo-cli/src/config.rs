//! `pogo.toml`: the engineer's intent for one board, found beside the board file
//! unless `--config` names one.
//!
//! ```toml
//! catalog = "my-probes.toml"    # extra catalog, relative to this file
//! [design]                      # pogo_design::DesignConfig
//! sides = "bottom"
//! mechanism = "press_plates"    # or "clamshell": the whole hinged fixture as parts
//! [mechanics]                   # fixture mechanics (stack-up, tooling, force)
//! [clamshell]                   # sheet thickness, kerf, hinge rule (clamshell only)
//! [interface]                   # test-system interface (channels)
//! [tolerance]                   # positional tolerance contributors
//! ```

use miette::{Diagnostic, NamedSource, SourceSpan};
use pogo_design::DesignConfig;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole `pogo.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PogoConfig {
    /// A user catalog added to the built-in one (relative to `pogo.toml`).
    pub catalog: Option<PathBuf>,
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

/// A loaded `pogo.toml` and where it came from.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
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

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{path}:{line}:{column}: {message}")]
struct ConfigDiagnostic {
    path: String,
    line: usize,
    column: usize,
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("here")]
    span: SourceSpan,
}

/// Reads `explicit`, or `pogo.toml` beside `board` when present, or the defaults.
pub fn load(board: &Path, explicit: Option<&Path>) -> miette::Result<LoadedConfig> {
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
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| miette::miette!("cannot read config {shown}: {e}"))?;
    let config = parse(&shown, &text)?;
    Ok(LoadedConfig {
        config,
        path: Some(path),
    })
}

/// Parses `pogo.toml` text; errors name the file, line and column.
pub fn parse(shown: &str, text: &str) -> miette::Result<PogoConfig> {
    toml::from_str::<PogoConfig>(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (line, column) = pogo_text::line_column(text.as_bytes(), span.start);
        miette::Report::new(ConfigDiagnostic {
            path: shown.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
            src: NamedSource::new(shown, text.to_string()),
            span: (span.start, span.end.saturating_sub(span.start)).into(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_table_and_room_for_others() {
        let c = parse(
            "pogo.toml",
            "catalog = \"x.toml\"\n[design]\nsides = \"bottom\"\n[mechanics]\nprobe_plate_thickness_mm = 6\n[tolerance]\n",
        )
        .unwrap();
        assert_eq!(c.catalog.as_deref(), Some(Path::new("x.toml")));
        assert_eq!(
            c.design.sides,
            pogo_design::config::SidesConfig::One("bottom".into())
        );
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
    }

    /// The column counts characters, so a place after non-ASCII text on its line is
    /// where an editor shows it (as in catalog errors).
    #[test]
    fn column_counts_characters() {
        // `x` is the 13th character of its line (the 14th byte).
        let err = parse("pogo.toml", "[design]\nsides = \"é\" x\n").unwrap_err();
        assert!(err.to_string().starts_with("pogo.toml:2:13:"), "{err}");
    }
}
