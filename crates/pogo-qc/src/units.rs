//! Units of measurement values: parsing the unit column and converting to the
//! canonical unit of each quantity (mOhm, N, mm, deg).

use serde::Serialize;

/// The physical quantity a unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Canonical unit: milliohm.
    Resistance,
    /// Canonical unit: newton.
    Force,
    /// Canonical unit: millimetre.
    Length,
    /// Canonical unit: degree.
    Angle,
}

impl Quantity {
    /// The unit every value of this quantity is converted to.
    pub fn canonical_unit(self) -> &'static str {
        match self {
            Self::Resistance => "mohm",
            Self::Force => "N",
            Self::Length => "mm",
            Self::Angle => "deg",
        }
    }
    /// The quantity's name (`resistance`, `force`, `length`, `angle`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Resistance => "resistance",
            Self::Force => "force",
            Self::Length => "length",
            Self::Angle => "angle",
        }
    }
    /// The unit spellings accepted for this quantity.
    pub fn accepted_units(self) -> &'static str {
        match self {
            Self::Resistance => "mohm, mΩ, ohm, Ω",
            Self::Force => "N, gf",
            Self::Length => "mm, um, µm",
            Self::Angle => "deg, °",
        }
    }
}

/// A recognised unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// mohm, mΩ.
    MilliOhm,
    /// ohm, Ω.
    Ohm,
    /// N.
    Newton,
    /// gf (gram-force, 9.80665 mN).
    GramForce,
    /// mm.
    Millimetre,
    /// um, µm.
    Micrometre,
    /// deg, °.
    Degree,
}

/// Standard gravity, m/s^2 (1 gf = 9.80665 mN).
pub const STANDARD_GRAVITY: f64 = 9.806_65;

impl Unit {
    /// Parses a unit spelling. Case matters where it carries meaning (`N`, not `n`;
    /// `mohm`/`mΩ` vs `ohm`/`Ω`); `MOhm` is refused because it reads as megaohm.
    pub fn parse(s: &str) -> Option<Unit> {
        Some(match s.trim() {
            "mohm" | "mOhm" | "m\u{3a9}" | "m\u{2126}" | "milliohm" | "milliohms" => Unit::MilliOhm,
            "ohm" | "Ohm" | "ohms" | "\u{3a9}" | "\u{2126}" => Unit::Ohm,
            "N" => Unit::Newton,
            "gf" => Unit::GramForce,
            "mm" => Unit::Millimetre,
            "um" | "\u{b5}m" | "\u{3bc}m" => Unit::Micrometre,
            "deg" | "°" | "degree" | "degrees" => Unit::Degree,
            _ => return None,
        })
    }
    /// The quantity this unit measures.
    pub fn quantity(self) -> Quantity {
        match self {
            Unit::MilliOhm | Unit::Ohm => Quantity::Resistance,
            Unit::Newton | Unit::GramForce => Quantity::Force,
            Unit::Millimetre | Unit::Micrometre => Quantity::Length,
            Unit::Degree => Quantity::Angle,
        }
    }
    /// Converts a value in this unit to the quantity's canonical unit.
    pub fn to_canonical(self, v: f64) -> f64 {
        match self {
            Unit::MilliOhm | Unit::Newton | Unit::Millimetre | Unit::Degree => v,
            Unit::Ohm => v * 1000.0,
            Unit::GramForce => v * STANDARD_GRAVITY / 1000.0,
            Unit::Micrometre => v / 1000.0,
        }
    }
    /// Converts a canonical value back to this unit.
    pub fn from_canonical(self, v: f64) -> f64 {
        match self {
            Unit::MilliOhm | Unit::Newton | Unit::Millimetre | Unit::Degree => v,
            Unit::Ohm => v / 1000.0,
            Unit::GramForce => v * 1000.0 / STANDARD_GRAVITY,
            Unit::Micrometre => v * 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(Unit::parse("Ω").unwrap().to_canonical(0.025), 25.0);
        assert_eq!(Unit::parse("mΩ").unwrap(), Unit::MilliOhm);
        assert_eq!(Unit::parse("µm").unwrap().to_canonical(50.0), 0.05);
        assert_eq!(Unit::parse("μm").unwrap(), Unit::Micrometre);
        assert!((Unit::parse("gf").unwrap().to_canonical(100.0) - 0.980665).abs() < 1e-12);
        assert!(Unit::parse("MOhm").is_none());
        assert!(Unit::parse("n").is_none());
        assert!(Unit::parse("").is_none());
    }

    #[test]
    fn round_trip() {
        for u in [
            Unit::MilliOhm,
            Unit::Ohm,
            Unit::Newton,
            Unit::GramForce,
            Unit::Millimetre,
            Unit::Micrometre,
        ] {
            for v in [0.0, 1.5, 123.456, 1e-3] {
                let back = u.from_canonical(u.to_canonical(v));
                assert!((back - v).abs() <= 1e-12 * v.abs().max(1.0), "{u:?} {v}");
            }
        }
    }
}
