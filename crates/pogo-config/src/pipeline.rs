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
    /// The earlier fixture cannot be reused for this board.
    #[error(transparent)]
    Revision(#[from] pogo_design::revision::RevisionError),
    /// The mechanics settings are wrong.
    #[error(transparent)]
    Mechanics(#[from] pogo_mechanics::MechanicsError),
    /// The tolerance settings or the fixture's figures are wrong.
    #[error(transparent)]
    Tolerance(#[from] pogo_tolerance::ToleranceError),
}

/// Where the probe layout of [`run_with`] starts.
#[derive(Debug, Clone, Copy, Default)]
pub enum Start<'a> {
    /// A new layout.
    #[default]
    Fresh,
    /// A new revision of the board of this earlier fixture: every probe that can stay
    /// in its hole is kept, the rest chosen (`pogo design --reuse`).
    Reuse(&'a Fixture),
}

/// A design taken through the pipeline: the fixture and the mechanics' findings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Designed {
    /// The fixture, filled up to the stage asked for.
    pub fixture: Fixture,
    /// The mechanics' notes, a line each (empty before [`Stage::Mechanics`]).
    pub notes: Vec<String>,
}

/// Designs `board` with `config` and takes the fixture up to `upto`.
pub fn run(
    board: &Board,
    catalog: &Catalog,
    config: &PogoConfig,
    upto: Stage,
) -> Result<Fixture, PipelineError> {
    run_with(
        board,
        catalog,
        config,
        Start::Fresh,
        upto,
        &mut |_| {},
        |_| (),
    )
    .map(|(d, _)| d.fixture)
}

/// [`run`] from `start`, calling `progress` with each stage as it begins (what
/// `pogo design` and `pogo check` show on a terminal), and running `beside` on the
/// fixture as the mechanics have registered it (stack-up, tooling pins or nest) while
/// the board strain model solves: work that reads only what is settled by then (`pogo
/// design` renders the probe plates' STL files there). Its result is `None` when the
/// pipeline stops before the mechanics.
pub fn run_with<R: Send>(
    board: &Board,
    catalog: &Catalog,
    config: &PogoConfig,
    start: Start<'_>,
    upto: Stage,
    progress: &mut dyn FnMut(Stage),
    beside: impl FnOnce(&Fixture) -> R + Send,
) -> Result<(Designed, Option<R>), PipelineError> {
    progress(Stage::Design);
    let mut fixture = match start {
        Start::Fresh => pogo_design::design(board, catalog, &config.design)?,
        Start::Reuse(old) => pogo_design::revision::design_revision(
            board,
            catalog,
            &config.design,
            old,
            &pogo_design::revision::RevisionOptions::default(),
        )?,
    };
    let mut notes = Vec::new();
    let mut besides = None;
    if upto >= Stage::Mechanics {
        progress(Stage::Mechanics);
        let mechanics = config.mechanics_config();
        let with_tolerance = upto >= Stage::Tolerance;
        // The tolerance analysis reads the probes and the registration, which the
        // mechanics settle before the board strain model, and nothing that model, the
        // channels or the clamshell write: it runs beside the model (the same figures
        // as after the whole mechanics, on the second core), and so does `beside`.
        // `beside` starts first: the analysis is made of many small parallel pieces,
        // which the strain model's core takes up once it is done, where `beside` (a
        // plate's STL file) may be one long piece that nothing could share.
        let (report, (out, tolerance)) =
            pogo_mechanics::build_alongside(&mut fixture, &mechanics, catalog, |registered| {
                rayon::join(
                    || beside(registered),
                    || {
                        with_tolerance
                            .then(|| pogo_tolerance::analysis(registered, &config.tolerance))
                    },
                )
            })?;
        notes = report.notes;
        besides = Some(out);
        if let Some(tolerance) = tolerance {
            progress(Stage::Tolerance);
            tolerance?.write_into(&mut fixture);
        }
    }
    Ok((Designed { fixture, notes }, besides))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example board, read once for every test.
    fn example_board() -> &'static Board {
        static BOARD: std::sync::OnceLock<Board> = std::sync::OnceLock::new();
        BOARD.get_or_init(|| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/pogo-demo/pogo-demo.kicad_pcb");
            pogo_board::read_file(&path).expect("the example board reads")
        })
    }

    /// [`run`] on the example board with the built-in catalog.
    fn run_example(config: &PogoConfig, upto: Stage) -> Result<Fixture, PipelineError> {
        run(example_board(), &Catalog::builtin(), config, upto)
    }

    #[test]
    fn each_stage_fills_its_sections() {
        let config = PogoConfig::default();
        let design = run_example(&config, Stage::Design).unwrap();
        assert!(!design.probes.is_empty());
        assert!(design.stackup.is_none() && design.force.is_none());
        let mech = run_example(&config, Stage::Mechanics).unwrap();
        assert!(mech.stackup.is_some() && mech.force.is_some());
        assert!(mech.tolerance.is_none());
        assert_eq!(mech.probes.len(), design.probes.len());
        let tol = run_example(&config, Stage::Tolerance).unwrap();
        let summary = tol.tolerance.as_ref().expect("tolerance filled");
        assert!(summary.contact_yield > 0.0 && summary.contact_yield <= 1.0);
        assert!(tol.probes.iter().all(|p| p.hit_probability.is_some()));
    }

    #[test]
    fn run_with_reuse_keeps_the_earlier_probes_and_tells_each_stage() {
        let config = PogoConfig::default();
        let first = run_example(&config, Stage::Design).unwrap();
        let mut stages = Vec::new();
        let again = run_with(
            example_board(),
            &Catalog::builtin(),
            &config,
            Start::Reuse(&first),
            Stage::Tolerance,
            &mut |s| stages.push(s),
            |_| (),
        )
        .unwrap()
        .0;
        assert_eq!(stages, [Stage::Design, Stage::Mechanics, Stage::Tolerance]);
        let at = |f: &Fixture| -> Vec<(String, u64, u64)> {
            let mut v: Vec<_> = f
                .probes
                .iter()
                .map(|p| (p.net.clone(), p.x.to_bits(), p.y.to_bits()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(at(&again.fixture), at(&first));
        assert!(again.fixture.tolerance.is_some());
    }

    /// The tolerance analysis run beside the strain model gives the fixture the
    /// analysis run after the whole mechanics gives: press plates on tooling pins, a
    /// nest, and the clamshell (whose nest is drawn after the strain model).
    #[test]
    fn tolerance_beside_the_strain_model_is_tolerance_after_the_mechanics() {
        let configs = [
            "",
            "[design]\nregistration = \"nest\"\n",
            "mechanism = \"clamshell\"\n",
            "mechanism = \"clamshell\"\n[design]\nregistration = \"nest\"\n",
        ];
        for text in configs {
            let config = crate::parse("pogo.toml", text).unwrap();
            let beside = run_example(&config, Stage::Tolerance).unwrap();
            let mut after = run_example(&config, Stage::Mechanics).unwrap();
            pogo_tolerance::analyse(&mut after, &config.tolerance).unwrap();
            assert!(beside.tolerance.is_some(), "{text}");
            assert_eq!(beside.to_json(), after.to_json(), "{text}");
        }
    }

    #[test]
    fn a_stage_error_is_the_stage_error() {
        let mut config = PogoConfig::default();
        config.design.classes = vec!["P200".into()];
        let err = run_example(&config, Stage::Tolerance).unwrap_err();
        assert!(matches!(err, PipelineError::Design(_)), "{err}");
        assert!(err.to_string().contains("P200"), "{err}");
    }
}
