//! Mechanics section of `fixture.json`: stack-up, tooling, force, channels.
//! Owned by the fixture-build work (pogo-mechanics fills these).

use serde::{Deserialize, Serialize};

/// Stack-up of the fixture, per probed side.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Stackup {
    pub sides: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolingPin {
    pub x: f64,
    pub y: f64,
    pub diameter_mm: f64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ForceSummary {
    /// Total spring force at working travel per side, N (`{"top": 40.0}`).
    pub total_n: std::collections::BTreeMap<String, f64>,
    pub max_strain_ue: f64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Channels {
    pub interface: String,
}
