//! The figures of a `fixture.json` checked where they are read: a hand-edited file
//! with a length of 1e300 mm or a negative pad width is refused with the file, line,
//! column and field, before any command computes with it.
//!
//! The rules go by the field's name (units are in the names): every length (`x`, `y`,
//! `w`, `h`, `at`, `outline_bbox`, `rotation` and any `*_mm`) and force (`*_n`) lies
//! within [`MAX_FIGURE`] (sums `total_*` aside); sizes (`w`, `h`, `*diameter_mm`, `*drill_mm`, `*radius_mm`,
//! `*thickness_mm`, `*travel_mm`) are zero or more.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// Largest magnitude of a length (mm), angle (degrees) or force (N) in a fixture:
/// 1 km, far beyond any board (KiCad's own limit is about 2.1 m). Sums over the
/// whole fixture (`total_*`, e.g. `total_wire_mm`) are not limited.
pub const MAX_FIGURE: f64 = 1.0e6;

/// Checks every figure of a fixture's JSON text. Err: (line, column, message) with
/// the field's path, e.g. `probes[3].target.w`.
pub(crate) fn check_figures(text: &str) -> Result<(), (usize, usize, String)> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Walk {
        path: String::new(),
        key: "",
        found: &found,
    };
    match seed.deserialize(&mut de) {
        Ok(()) => Ok(()),
        Err(e) => {
            let message = found.borrow_mut().take().unwrap_or_else(|| e.to_string());
            Err((e.line(), e.column(), message))
        }
    }
}

fn is_length(key: &str) -> bool {
    matches!(
        key,
        "x" | "y" | "w" | "h" | "at" | "outline_bbox" | "rotation"
    ) || ((key.ends_with("_mm") || key.ends_with("_n")) && !key.starts_with("total_"))
}

fn is_size(key: &str) -> bool {
    matches!(key, "w" | "h")
        || [
            "diameter_mm",
            "drill_mm",
            "radius_mm",
            "thickness_mm",
            "travel_mm",
        ]
        .iter()
        .any(|s| key.ends_with(s))
}

/// Walks any JSON value; `key` is the nearest object key above it.
struct Walk<'a> {
    path: String,
    key: &'a str,
    found: &'a RefCell<Option<String>>,
}

impl Walk<'_> {
    fn number<E: de::Error>(&self, v: f64) -> Result<(), E> {
        let problem = if is_length(self.key) && (v.is_nan() || v.abs() > MAX_FIGURE) {
            Some(format!("between -{MAX_FIGURE:e} and {MAX_FIGURE:e}"))
        } else if is_size(self.key) && v < 0.0 {
            Some("0 or more".to_string())
        } else {
            None
        };
        match problem {
            None => Ok(()),
            Some(expected) => {
                // 1e300 as written, not 301 digits.
                let shown = if v.abs() > MAX_FIGURE {
                    format!("{v:e}")
                } else {
                    format!("{v}")
                };
                let message = format!(
                    "`{}` = {shown} is out of range (expected {expected})",
                    self.path
                );
                *self.found.borrow_mut() = Some(message.clone());
                Err(E::custom(message))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.number(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.number(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.number(v)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let item = Walk {
                path: format!("{}[{i}]", self.path),
                key: self.key,
                found: self.found,
            };
            if seq.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            map.next_value_seed(Walk {
                path,
                key: &key,
                found: self.found,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field_line_and_column() {
        let text = "{\"probes\": [\n {\"x\": 1},\n {\"target\": {\"w\": 1e300}}\n]}";
        let (line, column, message) = check_figures(text).unwrap_err();
        assert_eq!(line, 3);
        assert!(column > 14 && column <= 25, "{column}");
        assert!(
            message.contains("`probes[1].target.w` = 1e300"),
            "{message}"
        );
        let (_, _, message) = check_figures("{\"drill_mm\": -0.5}").unwrap_err();
        assert!(message.contains("0 or more"), "{message}");
        assert!(check_figures("{\"seed\": 18446744073709551615, \"x\": -999999.5}").is_ok());
        assert!(check_figures("{\"total_wire_mm\": 2.5e6}").is_ok());
        assert!(check_figures("{\"force_n\": 2.5e6}").is_err());
    }
}
