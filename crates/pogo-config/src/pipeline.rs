//! The design pipeline with the settings of a `pogo.toml`: the probe layout
//! (`pogo-design`), then the mechanics (`pogo-mechanics`), then the positional
//! tolerance analysis (`pogo-tolerance`), as `pogo design` runs it before it writes
//! any file. Tests and Rust users take a board as far as they need with [`run`].

use crate::PogoConfig;
use pogo_board::Board;
use pogo_catalog::Catalog;
use pogo_fixture::Fixture;

/// How far [`run`] takes a design; each stage includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The probe layout only.
    Design,
    /// Stack-up, registration, force and strain, channels.
    Mechanics,
    /// Hit probabilities, contact yield and sensitivity.
    Tolerance,
}

/// The stage that failed, with its error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The design's intent is impossible.
    #[error(transparent)]
    Design(#[from] pogo_design::DesignError),
    /// The mechanics settings are wrong.
    #[error(transparent)]
    Mechanics(#[from] pogo_mechanics::MechanicsError),
    /// The tolerance settings or the fixture's figures are wrong.
    #[error(transparent)]
    Tolerance(#[from] pogo_tolerance::ToleranceError),
}

/// Designs `board` with `config` and takes the fixture up to `upto`.
pub fn run(
    board: &Board,
    catalog: &Catalog,
    config: &PogoConfig,
    upto: Stage,
) -> Result<Fixture, PipelineError> {
    let mut fixture = pogo_design::design(board, catalog, &config.design)?;
    if upto >= Stage::Mechanics {
        pogo_mechanics::build_with_catalog(&mut fixture, &config.mechanics_config(), catalog)?;
    }
    if upto >= Stage::Tolerance {
        pogo_tolerance::analyse(&mut fixture, &config.tolerance)?;
    }
    Ok(fixture)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_board() -> Board {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
        pogo_board::read_file(&path).expect("the example board reads")
    }

    #[test]
    fn each_stage_fills_its_sections() {
        let board = example_board();
        let catalog = Catalog::builtin();
        let config = PogoConfig::default();
        let design = run(&board, &catalog, &config, Stage::Design).unwrap();
        assert!(!design.probes.is_empty());
        assert!(design.stackup.is_none() && design.force.is_none());
        let mech = run(&board, &catalog, &config, Stage::Mechanics).unwrap();
        assert!(mech.stackup.is_some() && mech.force.is_some());
        assert!(mech.tolerance.is_none());
        assert_eq!(mech.probes.len(), design.probes.len());
        let tol = run(&board, &catalog, &config, Stage::Tolerance).unwrap();
        let summary = tol.tolerance.as_ref().expect("tolerance filled");
        assert!(summary.contact_yield > 0.0 && summary.contact_yield <= 1.0);
        assert!(tol.probes.iter().all(|p| p.hit_probability.is_some()));
    }

    #[test]
    fn a_stage_error_is_the_stage_error() {
        let board = example_board();
        let mut config = PogoConfig::default();
        config.design.classes = vec!["P200".into()];
        let err = run(&board, &Catalog::builtin(), &config, Stage::Tolerance).unwrap_err();
        assert!(matches!(err, PipelineError::Design(_)), "{err}");
        assert!(err.to_string().contains("P200"), "{err}");
    }
}
