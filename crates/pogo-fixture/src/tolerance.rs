//! Positional tolerance section of `fixture.json`. Owned by the tolerance work
//! (pogo-tolerance fills these).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ToleranceSummary {
    pub contact_yield: f64,
    pub sensitivity: Vec<serde_json::Value>,
}
