//! Figures kept per board side, written as a JSON object keyed by side
//! (`{"bottom": 40.0, "top": 12.0}`, a side without a figure left out).

use pogo_geom::Side;
use serde::{Deserialize, Serialize};

/// One optional value per board side. In JSON an object with a `bottom` and a `top`
/// key, each present only when that side has a value (the order of a map keyed by
/// side name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BySide<T> {
    /// The bottom side's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bottom: Option<T>,
    /// The top side's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<T>,
}

impl<T> BySide<T> {
    /// The value of `side`, when it has one.
    pub fn get(&self, side: Side) -> Option<&T> {
        match side {
            Side::Top => self.top.as_ref(),
            Side::Bottom => self.bottom.as_ref(),
        }
    }

    /// The value of `side`, inserted as `T::default()` when it has none.
    pub fn entry(&mut self, side: Side) -> &mut T
    where
        T: Default,
    {
        match side {
            Side::Top => self.top.get_or_insert_with(T::default),
            Side::Bottom => self.bottom.get_or_insert_with(T::default),
        }
    }

    /// The sides with a value and their values, bottom first (the JSON order).
    pub fn iter(&self) -> impl Iterator<Item = (Side, &T)> {
        [(Side::Bottom, &self.bottom), (Side::Top, &self.top)]
            .into_iter()
            .filter_map(|(s, v)| v.as_ref().map(|v| (s, v)))
    }

    /// How many sides have a value.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// True when no side has a value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> std::ops::Index<Side> for BySide<T> {
    type Output = T;

    /// The value of `side`; panics when it has none (as a map's index does).
    fn index(&self, side: Side) -> &T {
        self.get(side)
            .unwrap_or_else(|| panic!("no value for the {} side", side.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_a_map_keyed_by_side_name() {
        let mut v: BySide<f64> = BySide::default();
        assert_eq!(serde_json::to_string(&v).unwrap(), "{}");
        *v.entry(Side::Top) += 2.0;
        *v.entry(Side::Bottom) += 1.5;
        *v.entry(Side::Top) += 1.0;
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"bottom":1.5,"top":3.0}"#
        );
        assert_eq!(v[Side::Top], 3.0);
        assert_eq!(v.len(), 2);
        let sides: Vec<Side> = v.iter().map(|(s, _)| s).collect();
        assert_eq!(sides, [Side::Bottom, Side::Top]);
        let back: BySide<f64> = serde_json::from_str(r#"{"top": 4}"#).unwrap();
        assert_eq!(
            (back.get(Side::Top), back.get(Side::Bottom)),
            (Some(&4.0), None)
        );
        assert!(serde_json::from_str::<BySide<f64>>(r#"{"left": 1}"#).is_err());
    }
}
