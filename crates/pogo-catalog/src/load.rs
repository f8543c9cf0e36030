//! Loading, merging and checking catalogs.

use crate::{Catalog, ProbeClass, ProbePart, Receptacle, SolderedPin};
use serde::Deserialize;
use std::collections::BTreeSet;

/// Catalog file format version this build reads (`format = 1` at the top of the file).
pub const FORMAT: u32 = 1;

/// The built-in catalog text (`catalog.toml`, compiled in).
pub const BUILTIN_TOML: &str = include_str!("../catalog.toml");

/// Why a catalog could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The file could not be read.
    #[error("cannot read catalog {path}")]
    Read {
        /// The file as given.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The TOML does not parse or does not have the catalog's form.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file as given.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The file parses but a figure is not acceptable. `at` is the 1-based line and
    /// column of the field at fault (or of the entry's id) when the text is known
    /// ([`Catalog::from_toml`]); a check made on merge has no text at hand.
    #[error("{path}{}: {what} `{id}`: {message}", at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    Invalid {
        /// The file as given.
        path: String,
        /// Line and column of the field at fault, when known.
        at: Option<(usize, usize)>,
        /// What kind of entry (`part`, `receptacle`, ...).
        what: &'static str,
        /// The entry's id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    format: Option<u32>,
    #[serde(default)]
    classes: Vec<ProbeClass>,
    #[serde(default)]
    parts: Vec<ProbePart>,
    #[serde(default)]
    receptacles: Vec<Receptacle>,
    #[serde(default)]
    soldered_pins: Vec<crate::SolderedPin>,
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    pogo_text::line_column(text.as_bytes(), offset)
}

/// Where the entry `id` of kind `what` (class, part, receptacle) stands in catalog
/// text: the field the message starts with (`spacing_mm 0 must be > 0`), else the
/// entry's id; the last entry of that id (a duplicate is the second one).
fn locate(text: &str, what: &str, id: &str, message: &str) -> Option<(usize, usize)> {
    type Entry = std::collections::BTreeMap<String, toml::Spanned<toml::Value>>;
    #[derive(Deserialize)]
    struct Spans {
        #[serde(default)]
        classes: Vec<Entry>,
        #[serde(default)]
        parts: Vec<Entry>,
        #[serde(default)]
        receptacles: Vec<Entry>,
    }
    let spans: Spans = toml::from_str(text).ok()?;
    let (list, key) = match what {
        "class" => (&spans.classes, "name"),
        "part" => (&spans.parts, "id"),
        _ => (&spans.receptacles, "id"),
    };
    let entry = list
        .iter()
        .rev()
        .find(|e| e.get(key).and_then(|v| v.get_ref().as_str()) == Some(id))?;
    let field = message
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches('`');
    let span = entry.get(field).or_else(|| entry.get(key))?.span();
    Some(line_column(text, span.start))
}

impl Catalog {
    /// The built-in catalog (P100, P75, P50, P39 classes, their parts and receptacles).
    pub fn builtin() -> Catalog {
        Catalog::from_toml("built-in catalog.toml", BUILTIN_TOML)
            .expect("the built-in catalog is valid (checked by its tests)")
    }

    /// Parses and checks catalog TOML text; `path` names it in errors.
    pub fn from_toml(path: &str, text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or((1, 1));
            CatalogError::Syntax {
                path: path.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        if let Some(format) = file.format
            && format != FORMAT
        {
            return Err(CatalogError::Syntax {
                path: path.to_string(),
                line: 1,
                column: 1,
                message: format!("catalog format {format} is not supported (expected {FORMAT})"),
            });
        }
        let catalog = Catalog {
            classes: file.classes,
            parts: file.parts,
            receptacles: file.receptacles,
            soldered_pins: file.soldered_pins,
        };
        catalog.validate_parts(path, false).map_err(|e| match e {
            CatalogError::Invalid {
                path,
                at: None,
                what,
                id,
                message,
            } => CatalogError::Invalid {
                at: locate(text, what, &id, &message),
                path,
                what,
                id,
                message,
            },
            e => e,
        })?;
        Ok(catalog)
    }

    /// Reads a user catalog file. Its parts may name the built-in classes and
    /// receptacles; call [`Catalog::merge`] to add it to the built-in catalog.
    pub fn read_file(path: &std::path::Path) -> Result<Catalog, CatalogError> {
        let (shown, text) =
            pogo_text::read_text_file(path, |path, source| CatalogError::Read { path, source })?;
        Catalog::from_toml(&shown, &text)
    }

    /// Adds `user` to this catalog: entries with an id (or class name) already present
    /// replace it, new ones come first so that a user's parts are preferred over the
    /// built-in ones of the same class. The result is checked as a whole (every part's
    /// class and receptacle must exist); `path` names the user file in errors.
    pub fn merge(&mut self, user: Catalog, path: &str) -> Result<(), CatalogError> {
        fn merge_list<T: Clone>(base: &mut Vec<T>, user: Vec<T>, key: impl Fn(&T) -> &str) {
            let ids: BTreeSet<String> = user.iter().map(|x| key(x).to_string()).collect();
            base.retain(|x| !ids.contains(key(x)));
            let mut merged = user;
            merged.append(base);
            *base = merged;
        }
        merge_list(&mut self.classes, user.classes, |c| &c.name);
        merge_list(&mut self.parts, user.parts, |p| &p.id);
        merge_list(&mut self.receptacles, user.receptacles, |r| &r.id);
        merge_list(&mut self.soldered_pins, user.soldered_pins, |r| &r.id);
        // Classes stay largest spacing first whatever the merge order.
        self.classes
            .sort_by(|a, b| b.spacing_mm.total_cmp(&a.spacing_mm));
        self.validate(path)
    }

    /// Checks the whole catalog: every figure in range, every reference resolved.
    pub fn validate(&self, path: &str) -> Result<(), CatalogError> {
        self.validate_parts(path, true)
    }

    /// Checks the catalog; `whole`: every reference must resolve within it.
    fn validate_parts(&self, path: &str, whole: bool) -> Result<(), CatalogError> {
        // Each entry's id once per list, then its own checks (the first failure is the
        // error).
        let mut seen = BTreeSet::new();
        let mut entry = |what: &'static str, id: &str, fault: Result<(), String>| {
            let fault = if seen.insert((what, id.to_string())) {
                fault
            } else {
                Err("defined twice".into())
            };
            fault.map_err(|message| CatalogError::Invalid {
                path: path.to_string(),
                at: None,
                what,
                id: id.to_string(),
                message,
            })
        };
        for c in &self.classes {
            let figures = [("spacing_mm", c.spacing_mm), ("min_pad_mm", c.min_pad_mm)];
            entry("class", &c.name, positive(&figures))?;
        }
        for p in &self.soldered_pins {
            entry("soldered pin", &p.id, soldered_pin_fault(p))?;
        }
        for r in &self.receptacles {
            entry("receptacle", &r.id, self.receptacle_fault(r, whole))?;
        }
        for p in &self.parts {
            entry("part", &p.id, self.part_fault(p, whole))?;
        }
        if !whole {
            // A standalone file (the built-in one) must be complete too when it defines
            // classes; a user add-on may lean on the built-in classes (checked on merge).
            if !self.classes.is_empty() {
                return self.validate_parts(path, true);
            }
        }
        Ok(())
    }
}

impl Catalog {
    /// What is wrong with receptacle `r`, if anything; `whole`: its class must be in
    /// this catalog.
    fn receptacle_fault(&self, r: &Receptacle, whole: bool) -> Result<(), String> {
        positive(&[
            ("outer_diameter_mm", r.outer_diameter_mm),
            ("mounting_drill_mm", r.mounting_drill_mm),
            ("length_mm", r.length_mm),
        ])?;
        if r.source.trim().is_empty() {
            return Err("`source` must say where the figures come from".into());
        }
        if whole && self.class(&r.class).is_none() {
            return Err(format!("class `{}` is not in the catalog", r.class));
        }
        Ok(())
    }

    /// What is wrong with part `p`, if anything; `whole`: its class and receptacle must
    /// be in this catalog.
    fn part_fault(&self, p: &ProbePart, whole: bool) -> Result<(), String> {
        positive(&[
            ("tip_diameter_mm", p.tip_diameter_mm),
            ("barrel_diameter_mm", p.barrel_diameter_mm),
            ("length_mm", p.length_mm),
            ("full_travel_mm", p.full_travel_mm),
            ("working_travel_mm", p.working_travel_mm),
            ("spring_force_n", p.spring_force_n),
            ("max_contact_resistance_mohm", p.max_contact_resistance_mohm),
            ("current_rating_a", p.current_rating_a),
        ])?;
        if !(p.tip_contact_radius_mm >= 0.0
            && p.tip_contact_radius_mm <= p.tip_diameter_mm / 2.0 + 1e-9)
        {
            return Err(format!(
                "tip_contact_radius_mm {} must lie within 0 and half the tip diameter ({})",
                p.tip_contact_radius_mm,
                p.tip_diameter_mm / 2.0
            ));
        }
        let fraction = p.working_travel_fraction();
        if !(0.6 - 1e-9..=0.8 + 1e-9).contains(&fraction) {
            return Err(format!(
                "working_travel_mm {} is {:.1}% of full_travel_mm {}: it must lie within 60-80% (2/3 recommended)",
                p.working_travel_mm,
                fraction * 100.0,
                p.full_travel_mm
            ));
        }
        if p.preload_force_n < 0.0 || p.preload_force_n > p.spring_force_n {
            return Err(format!(
                "preload_force_n {} must lie within 0 and spring_force_n {}",
                p.preload_force_n, p.spring_force_n
            ));
        }
        if p.barrel_inner_diameter_mm < p.plunger_diameter_mm {
            return Err("barrel_inner_diameter_mm must be at least plunger_diameter_mm".into());
        }
        if p.source.trim().is_empty() {
            return Err("`source` must say where the figures come from".into());
        }
        if whole {
            if self.class(&p.class).is_none() {
                return Err(format!("class `{}` is not in the catalog", p.class));
            }
            match self.receptacle(&p.receptacle) {
                None => {
                    return Err(format!(
                        "receptacle `{}` is not in the catalog",
                        p.receptacle
                    ));
                }
                Some(r) if r.class != p.class => {
                    return Err(format!(
                        "receptacle `{}` is for class {}, not {}",
                        r.id, r.class, p.class
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// What is wrong with soldered pin `p`, if anything.
fn soldered_pin_fault(p: &SolderedPin) -> Result<(), String> {
    if p.source.trim().is_empty() || p.order_code.trim().is_empty() {
        return Err("needs an order_code and a source".into());
    }
    // The optional figures, where given.
    let given: Vec<(&str, f64)> = [
        ("pitch_mm", p.pitch_mm),
        ("pad_diameter_mm", p.pad_diameter_mm),
        ("hole_mm", p.hole_mm),
        ("stroke_mm", p.stroke_mm),
        ("force_n", p.force_n),
        ("current_rating_a", p.current_rating_a),
    ]
    .into_iter()
    .filter_map(|(name, v)| Some((name, v?)))
    .collect();
    positive(&given)
}

/// The first of `figures` that is not a finite number > 0, in words.
fn positive(figures: &[(&str, f64)]) -> Result<(), String> {
    match figures.iter().find(|(_, v)| !(*v > 0.0 && v.is_finite())) {
        Some((name, v)) => Err(format!("{name} {v} must be > 0")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error catalog `text` is refused with, in words; `path` names it.
    fn refusal(path: &str, text: &str) -> String {
        Catalog::from_toml(path, text).unwrap_err().to_string()
    }

    #[test]
    fn builtin_catalog_loads_and_is_complete() {
        let c = Catalog::builtin();
        let names: Vec<_> = c.classes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["P100", "P75", "P50", "P39"]);
        let spacing: Vec<_> = c.classes.iter().map(|c| c.spacing_mm).collect();
        assert_eq!(spacing, [2.54, 1.91, 1.27, 1.00]);
        let min_pad: Vec<_> = c.classes.iter().map(|c| c.min_pad_mm).collect();
        assert_eq!(min_pad, [0.9, 0.8, 0.6, 0.5]);
        for class in &c.classes {
            let parts: Vec<_> = c.parts.iter().filter(|p| p.class == class.name).collect();
            assert!(
                parts.len() >= 2,
                "class {} has {} parts",
                class.name,
                parts.len()
            );
        }
        for p in &c.parts {
            let f = p.working_travel_fraction();
            assert!((f - 2.0 / 3.0).abs() < 0.01, "{}: working travel {f}", p.id);
            assert!(
                p.typical || p.maker != "generic",
                "{}: generic parts are typical",
                p.id
            );
        }
        assert!(
            c.parts
                .iter()
                .any(|p| p.kind == crate::ProbeKind::SwitchNormallyOpen)
        );
        assert!(
            c.parts
                .iter()
                .any(|p| p.kind == crate::ProbeKind::SwitchNormallyClosed)
        );
        let tips: BTreeSet<_> = c.parts.iter().map(|p| p.tip).collect();
        assert!(tips.len() >= 6, "{tips:?}");
    }

    /// Every entry says where its figures come from: a typical entry says so, a
    /// non-typical one names a maker; every source key `[Sn]` an entry cites is defined
    /// in the file's provenance header, and every header source is cited.
    #[test]
    fn every_entry_names_its_source() {
        let c = Catalog::builtin();
        let header: String = BUILTIN_TOML
            .lines()
            .take_while(|l| l.starts_with('#') || l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let keys_in = |text: &str| -> BTreeSet<String> {
            let mut keys = BTreeSet::new();
            let mut rest = text;
            while let Some(i) = rest.find("[S") {
                let tail = &rest[i + 2..];
                let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
                if !digits.is_empty() && tail[digits.len()..].starts_with(']') {
                    keys.insert(format!("S{digits}"));
                }
                rest = tail;
            }
            keys
        };
        let defined: BTreeSet<String> = header
            .lines()
            .filter_map(|l| l.trim_start_matches('#').trim_start().strip_prefix("[S"))
            .filter_map(|t| t.split_once(']').map(|(n, _)| format!("S{n}")))
            .collect();
        assert!(defined.len() >= 4, "provenance header defines {defined:?}");
        let mut cited = BTreeSet::new();
        let entries = c
            .parts
            .iter()
            .map(|p| ("part", &p.id, &p.maker, &p.source, p.typical))
            .chain(
                c.receptacles
                    .iter()
                    .map(|r| ("receptacle", &r.id, &r.maker, &r.source, r.typical)),
            );
        for (what, id, maker, source, typical) in entries {
            assert!(!source.trim().is_empty(), "{what} {id}: no source");
            assert!(!maker.trim().is_empty(), "{what} {id}: no maker");
            if typical {
                assert!(
                    source.contains("typical"),
                    "{what} {id}: typical figures must say so in `source`: {source}"
                );
            } else {
                assert!(
                    maker != "generic" && (source.contains("http") || !keys_in(source).is_empty()),
                    "{what} {id}: a maker's figures need the maker and a cited document: {source}"
                );
            }
            let keys = keys_in(source);
            for k in &keys {
                assert!(defined.contains(k), "{what} {id} cites [{k}], not defined");
            }
            cited.extend(keys);
        }
        assert_eq!(cited, defined, "every header source is used by some entry");
        // No order code is claimed where none was confirmed.
        for p in c.parts.iter().filter(|p| p.maker != "generic" && p.typical) {
            assert!(
                p.part_number.contains("series") || p.part_number.contains("not confirmed"),
                "{}: {}",
                p.id,
                p.part_number
            );
        }
    }

    /// Dual-level fixtures need a long-travel part: the 100 mil one goes in the same
    /// receptacle as the standard probes and has the maker's 0.400 in stroke.
    #[test]
    fn builtin_has_a_long_travel_100_mil_part() {
        let c = Catalog::builtin();
        let standard = c.part("P100-SPEAR").unwrap();
        let long = c.part("P100-LONG").unwrap();
        assert_eq!(long.class, "P100");
        assert_eq!(long.kind, crate::ProbeKind::Contact);
        assert_eq!(long.receptacle, standard.receptacle);
        assert!((long.full_travel_mm - 0.400 * 25.4).abs() < 1e-9);
        assert!((standard.full_travel_mm - 0.250 * 25.4).abs() < 1e-9);
        // Same set height: both at their working travel with the tips level.
        let free_above = |p: &ProbePart| p.length_mm - p.working_travel_mm;
        assert!(
            (free_above(long) - free_above(standard)).abs() < 0.01,
            "{} vs {}",
            free_above(long),
            free_above(standard)
        );
        assert!(long.plunger_extended_mm >= long.full_travel_mm);
        // Design picks the first fit part of a class: the long part is never first.
        let first_p100 = c.parts.iter().position(|p| p.class == "P100").unwrap();
        assert_ne!(c.parts[first_p100].id, long.id);
    }

    #[test]
    fn empty_source_is_refused() {
        let mut done = false;
        let text: String = BUILTIN_TOML
            .lines()
            .map(|l| {
                if !done && l.starts_with("source = \"full travel") {
                    done = true;
                    "source = \"  \"".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(done);
        let err = refusal("cat.toml", &text);
        assert!(
            err.contains("P100-SPEAR") && err.contains("`source` must say"),
            "{err}"
        );
    }

    #[test]
    fn working_travel_outside_60_80_percent_is_refused() {
        let text = BUILTIN_TOML.replacen("working_travel_mm = 4.23", "working_travel_mm = 5.5", 1);
        let err = refusal("cat.toml", &text);
        assert!(
            err.contains("P100-SPEAR") && err.contains("60-80%") && err.contains("86.6%"),
            "{err}"
        );
        let text = BUILTIN_TOML.replacen("working_travel_mm = 4.23", "working_travel_mm = 3.5", 1);
        let err = refusal("cat.toml", &text);
        assert!(err.contains("55.1%"), "{err}");
        let text = BUILTIN_TOML.replacen("working_travel_mm = 4.23", "working_travel_mm = 4.8", 1);
        assert!(
            Catalog::from_toml("cat.toml", &text).is_ok(),
            "75.6% is within 60-80%"
        );
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let text = "format = 1\n[[parts]]\nid = \"X\"\nmaker = 3\n";
        let err = Catalog::from_toml("user.toml", text).unwrap_err();
        match &err {
            CatalogError::Syntax { line, column, .. } => {
                assert_eq!((*line, *column), (4, 9), "{err}");
            }
            other => panic!("{other:?}"),
        }
        let err = refusal("user.toml", "[[parts]\n");
        assert!(err.starts_with("user.toml:1:"), "{err}");
        let err = refusal("user.toml", "[[partz]]\nid = \"x\"\n");
        assert!(
            err.starts_with("user.toml:1:") && err.contains("partz"),
            "{err}"
        );
    }

    #[test]
    fn soldered_pins_of_the_reference_with_source_and_sureness() {
        let c = Catalog::builtin();
        let ids: Vec<&str> = c.soldered_pins.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 5, "{ids:?}");
        for maker in ["Mill-Max", "Harwin", "Preci-Dip"] {
            assert!(c.soldered_pins.iter().any(|p| p.maker == maker), "{maker}");
        }
        let harwin = c.soldered_pin("HARWIN-P70-2200045").unwrap();
        assert_eq!(harwin.order_code, "P70-2200045");
        assert_eq!(harwin.mounting, crate::PinMounting::Smt);
        assert_eq!(harwin.pad_diameter_mm, Some(2.2));
        assert_eq!(harwin.hole_mm, Some(1.2));
        assert_eq!(harwin.sureness, crate::Sureness::Quoted);
        let unsure = c.soldered_pin("MILLMAX-0906").unwrap();
        assert_eq!(unsure.sureness, crate::Sureness::SeenInUse);
        assert_eq!(unsure.hole_mm, None);
        // A pin without a source is refused.
        let text = "[[soldered_pins]]\nid = \"X\"\nmaker = \"m\"\norder_code = \"1\"\nmounting = \"smt\"\nsource = \"\"\nsureness = \"maker\"\n";
        let err = refusal("user.toml", text);
        assert!(err.contains("source"), "{err}");
    }

    #[test]
    fn user_catalog_merges_before_builtin_and_is_checked() {
        let mut c = Catalog::builtin();
        let spear = c.part("P75-SPEAR").unwrap().clone();
        let mut mine = spear.clone();
        mine.id = "MY-75".into();
        mine.spring_force_n = 2.0;
        let user = Catalog {
            parts: vec![mine.clone()],
            ..Default::default()
        };
        c.merge(user, "user.toml").unwrap();
        assert_eq!(c.parts[0].id, "MY-75");
        assert_eq!(c.part("P75-SPEAR"), Some(&spear));

        let mut orphan = mine;
        orphan.id = "ORPHAN".into();
        orphan.receptacle = "NOPE".into();
        let err = Catalog::builtin()
            .merge(
                Catalog {
                    parts: vec![orphan],
                    ..Default::default()
                },
                "user.toml",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("ORPHAN") && err.contains("NOPE"), "{err}");
    }
}
