//! ISO 2859-1 (= ANSI/ASQ Z1.4 for normal and tightened inspection) single sampling
//! plans for inspection by attributes, and the switching rules between normal,
//! tightened and reduced inspection.
//!
//! The tables are transcribed as printed: Table I (sample size code letters by lot
//! size and inspection level) and Tables 2-A (normal), 2-B (tightened) and 2-C
//! (reduced) of single sampling, every cell either a plan `Ac/Re`, an arrow `v`
//! ("use the first sampling plan below the arrow") or `^` ("use the first plan
//! above"); when an arrow is followed the sample size changes with the plan. When the
//! sample size equals or exceeds the lot size, every item is inspected (100 %).
//!
//! Cross-checks (tests/sampling.rs): every resolved cell of the normal and tightened
//! tables against an independent transcription of ANSI/ASQ Z1.4 (all 16 code
//! letters x 26 AQLs); the printed reduced and tightened tables against an
//! independent extraction of ISO 2859-1 for AQL 0.010 to 6.5.
//!
//! Reduced inspection follows ISO 2859-1:1999 (Re = Ac + 1, with the acceptance
//! numbers 0, 1, 2, 3, 5, 6, 8, 10, 14, 21); ANSI/ASQ Z1.4 keeps the older reduced
//! plans with a gap between Ac and Re.

use crate::{QcError, Result};
use serde::Serialize;

/// The 26 AQLs of the standard, in percent nonconforming (up to 10) or
/// nonconformities per 100 items.
const AQL_LABELS: [&str; 26] = [
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0",
    "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650",
    "1000",
];

/// Code letters of Tables 2-A and 2-C (`S` exists only in Table 2-B).
const LETTERS: [char; 17] = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'S',
];

/// Sample sizes of normal and tightened inspection (S = 3150 only in tightened).
const SAMPLE_NORMAL: [u64; 17] = [
    2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000, 3150,
];
/// Sample sizes of reduced inspection.
const SAMPLE_REDUCED: [u64; 16] = [
    2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800,
];

/// Table I: (lot size upper bound, letters for S-1, S-2, S-3, S-4, I, II, III).
const TABLE_I: [(u64, &str); 15] = [
    (8, "AAAAAAB"),
    (15, "AAAAABC"),
    (25, "AABBBCD"),
    (50, "ABBCCDE"),
    (90, "BBCCCEF"),
    (150, "BBCDDFG"),
    (280, "BCDEEGH"),
    (500, "BCDEFHJ"),
    (1200, "CCEFGJK"),
    (3200, "CDEGHKL"),
    (10000, "CDFGJLM"),
    (35000, "CDFHKMN"),
    (150000, "DEGJLNP"),
    (500000, "DEGJMPQ"),
    (u64::MAX, "DEHKNQR"),
];

// Tables 2-A, 2-B, 2-C as printed: one row per code letter, one cell per AQL.
// `v` = use the first plan below the arrow, `^` = the first plan above, `-` = no cell.
const TABLE_NORMAL: &[&str] = &[
    // AQL: 0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 | 10 15 25 40 65 100 150 250 400 650 1000
    "A v v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31",
    "B v v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45",
    "C v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^",
    "D v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^",
    "E v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^ ^",
    "F v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^",
    "G v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^",
    "H v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^",
    "J v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "K v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "L v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "M v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "N v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "P v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "Q 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "R ^ ^ 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
];

const TABLE_TIGHTENED: &[&str] = &[
    // AQL: 0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 | 10 15 25 40 65 100 150 250 400 650 1000
    "A v v v v v v v v v v v v v v v v v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28",
    "B v v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42",
    "C v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42 ^",
    "D v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42 ^ ^",
    "E v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42 ^ ^ ^",
    "F v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^",
    "G v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^",
    "H v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^",
    "J v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "K v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "L v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "M v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "N v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "P v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "Q v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "R 0/1 ^ v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "S - - 1/2 - - - - - - - - - - - - - - - - - - - - - - -",
];

const TABLE_REDUCED: &[&str] = &[
    // AQL: 0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 | 10 15 25 40 65 100 150 250 400 650 1000
    "A v v v v v v v v v v v v v v 0/1 v v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15",
    "B v v v v v v v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22",
    "C v v v v v v v v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22 ^",
    "D v v v v v v v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22 ^ ^",
    "E v v v v v v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22 ^ ^ ^",
    "F v v v v v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^",
    "G v v v v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^",
    "H v v v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^",
    "J v v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "K v v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "L v v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "M v v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "N v v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "P v 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "Q 0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
    "R ^ ^ ^ 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^",
];

/// An acceptance quality limit of the standard (one of the 26 columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Aql(usize);

impl Aql {
    /// Parses `2.5`, `2.50`, `0.01`, `1000` ...; anything not a column of the
    /// standard is [`QcError::UnknownAql`].
    pub fn parse(s: &str) -> Result<Aql> {
        let t = s.trim().trim_end_matches('%');
        let unknown = || QcError::UnknownAql {
            value: s.trim().to_string(),
        };
        let v: f64 = t.parse().map_err(|_| unknown())?;
        if !v.is_finite() || v <= 0.0 {
            return Err(unknown());
        }
        AQL_LABELS
            .iter()
            .position(|l| {
                let x: f64 = l.parse().expect("table label");
                (x - v).abs() <= 1e-9 * x
            })
            .map(Aql)
            .ok_or_else(unknown)
    }
    /// Every AQL of the standard, tightest first.
    pub fn all() -> impl Iterator<Item = Aql> {
        (0..AQL_LABELS.len()).map(Aql)
    }
    /// The labels of every AQL, tightest first.
    pub fn all_labels() -> Vec<&'static str> {
        AQL_LABELS.to_vec()
    }
    /// The column label as printed (`0.010`, `2.5`, `1000`).
    pub fn label(self) -> &'static str {
        AQL_LABELS[self.0]
    }
    /// The AQL as a number (percent nonconforming, or per 100 items).
    pub fn value(self) -> f64 {
        AQL_LABELS[self.0].parse().expect("table label")
    }
    /// Column index, 0 (0.010) to 25 (1000).
    pub fn index(self) -> usize {
        self.0
    }
    /// The next smaller AQL ("one step tighter"), if any.
    pub fn tighter(self) -> Option<Aql> {
        self.0.checked_sub(1).map(Aql)
    }
}

impl std::fmt::Display for Aql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Aql {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// Inspection level: special S-1 to S-4, general I, II (the usual), III.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InspectionLevel {
    /// Special level S-1 (smallest samples).
    S1,
    /// Special level S-2.
    S2,
    /// Special level S-3.
    S3,
    /// Special level S-4.
    S4,
    /// General level I.
    I,
    /// General level II (the usual).
    II,
    /// General level III (largest samples).
    III,
}

impl InspectionLevel {
    /// The level named `s` (`S1`..`S4`, `S-1`, `I`, `II`, `III`).
    pub fn parse(s: &str) -> Result<InspectionLevel> {
        let t = s.trim().to_ascii_uppercase().replace('-', "");
        Ok(match t.as_str() {
            "S1" => Self::S1,
            "S2" => Self::S2,
            "S3" => Self::S3,
            "S4" => Self::S4,
            "I" | "1" | "G1" => Self::I,
            "II" | "2" | "G2" => Self::II,
            "III" | "3" | "G3" => Self::III,
            _ => {
                return Err(QcError::Invalid(format!(
                    "inspection level `{s}` is not one of S1, S2, S3, S4, I, II, III"
                )));
            }
        })
    }
    fn column(self) -> usize {
        self as usize
    }
}

/// Severity of inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Normal inspection (the start).
    Normal,
    /// Tightened inspection, after lots were not accepted.
    Tightened,
    /// Reduced inspection, after a good history with approval.
    Reduced,
}

impl Severity {
    /// The severity named `s` (`normal`, `tightened`, `reduced`).
    pub fn parse(s: &str) -> Result<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "normal" => Ok(Self::Normal),
            "tightened" | "tight" => Ok(Self::Tightened),
            "reduced" => Ok(Self::Reduced),
            _ => Err(QcError::Invalid(format!(
                "inspection `{s}` is not one of normal, tightened, reduced"
            ))),
        }
    }
    /// The name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Tightened => "tightened",
            Self::Reduced => "reduced",
        }
    }
    fn table(self) -> &'static [&'static str] {
        match self {
            Self::Normal => TABLE_NORMAL,
            Self::Tightened => TABLE_TIGHTENED,
            Self::Reduced => TABLE_REDUCED,
        }
    }
    fn sample_size(self, row: usize) -> u64 {
        match self {
            Self::Reduced => SAMPLE_REDUCED[row],
            _ => SAMPLE_NORMAL[row],
        }
    }
}

/// A printed cell of Tables 2-A/B/C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// A plan printed in the cell.
    Plan {
        /// Acceptance number.
        accept: u32,
        /// Rejection number.
        reject: u32,
    },
    /// Use the first plan below the arrow.
    Down,
    /// Use the first plan above the arrow.
    Up,
    /// No plan (an empty cell).
    None,
}

/// The printed cell for a code letter row and AQL column (as in the standard,
/// before any arrow is followed).
pub fn table_cell(severity: Severity, letter: char, aql: Aql) -> Option<Cell> {
    let row = LETTERS.iter().position(|&l| l == letter)?;
    let table = severity.table();
    table.get(row).map(|r| cell(r, aql.0))
}

fn cell(row: &str, column: usize) -> Cell {
    let tok = row
        .split_ascii_whitespace()
        .nth(column + 1)
        .expect("26 cells per row");
    match tok {
        "v" => Cell::Down,
        "^" => Cell::Up,
        "-" => Cell::None,
        _ => {
            let (a, r) = tok.split_once('/').expect("Ac/Re");
            Cell::Plan {
                accept: a.parse().expect("Ac"),
                reject: r.parse().expect("Re"),
            }
        }
    }
}

/// Table I: the sample size code letter for a lot size and inspection level.
pub fn code_letter(lot_size: u64, level: InspectionLevel) -> Result<char> {
    if lot_size == 0 {
        return Err(QcError::Invalid("lot size must be at least 1".into()));
    }
    let (_, letters) = TABLE_I
        .iter()
        .find(|(hi, _)| lot_size <= *hi)
        .expect("last range is open");
    Ok(letters.as_bytes()[level.column()] as char)
}

/// Direction of the arrow followed from the code letter's own cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arrow {
    /// Up the column to the first plan above.
    Up,
    /// Down the column to the first plan below.
    Down,
}

/// A single sampling plan for one lot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SamplingPlan {
    /// Items in the lot.
    pub lot_size: u64,
    /// Inspection level.
    pub level: InspectionLevel,
    /// Severity of inspection.
    pub inspection: Severity,
    /// Acceptance quality limit.
    pub aql: Aql,
    /// Code letter from Table I.
    pub code_letter: char,
    /// Row of the table whose plan is used (differs from `code_letter` when an arrow
    /// was followed).
    pub plan_letter: char,
    /// The arrow of the table followed, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrow: Option<Arrow>,
    /// Items to inspect: the table's sample size, or the whole lot under 100 %
    /// inspection.
    pub sample_size: u64,
    /// Sample size the table gives (before comparing with the lot size).
    pub table_sample_size: u64,
    /// Accept the lot with at most this many nonconforming items (nonconformities).
    pub accept: u32,
    /// Reject the lot with this many or more.
    pub reject: u32,
    /// True when the table's sample size is at least the lot size: inspect every item.
    pub hundred_percent: bool,
}

impl SamplingPlan {
    /// Lot decision for a count of nonconforming items in the sample.
    pub fn accepts(&self, nonconforming: u64) -> bool {
        nonconforming <= u64::from(self.accept)
    }

    /// The plan with the lot's verdict when the sample's nonconforming count is known.
    pub fn judge(self, nonconforming: Option<u64>) -> JudgedPlan {
        let accepted = nonconforming.map(|d| self.accepts(d));
        JudgedPlan {
            plan: self,
            nonconforming,
            accepted,
        }
    }
}

/// A plan and, given the sample's nonconforming count, the lot's verdict: what
/// `pogo qc plan --format json` prints (the plan's fields, then these two when known).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgedPlan {
    /// The plan.
    #[serde(flatten)]
    pub plan: SamplingPlan,
    /// Nonconforming items found in the sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonconforming: Option<u64>,
    /// Whether the lot is accepted (known with `nonconforming`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<bool>,
}

impl JudgedPlan {
    /// The lot was judged and rejected.
    pub fn rejected(&self) -> bool {
        self.accepted == Some(false)
    }
}

/// The single sampling plan for a lot (Tables I and 2-A/B/C, arrows followed).
pub fn plan(
    lot_size: u64,
    aql: Aql,
    level: InspectionLevel,
    inspection: Severity,
) -> Result<SamplingPlan> {
    let letter = code_letter(lot_size, level)?;
    plan_for_code_letter(lot_size, letter, aql, level, inspection)
}

/// The plan for a given code letter (Tables 2-A/B/C with the arrows followed);
/// `level` is recorded in the plan only.
pub fn plan_for_code_letter(
    lot_size: u64,
    letter: char,
    aql: Aql,
    level: InspectionLevel,
    inspection: Severity,
) -> Result<SamplingPlan> {
    let table = inspection.table();
    let start = LETTERS[..16]
        .iter()
        .position(|&l| l == letter)
        .ok_or_else(|| {
            QcError::Invalid(format!(
                "`{letter}` is not a sample size code letter (A-R, no I, O)"
            ))
        })?;
    // "Use the first sampling plan below (above) the arrow": scan the column in the
    // arrow's direction for the first cell that holds a plan.
    let no_plan = || {
        QcError::Invalid(format!(
            "no {} plan for code letter {letter} at AQL {aql}",
            inspection.name()
        ))
    };
    let (row, arrow, accept, reject) = match cell(table[start], aql.0) {
        Cell::Plan { accept, reject } => (start, None, accept, reject),
        Cell::Down => (start + 1..table.len())
            .find_map(|r| match cell(table[r], aql.0) {
                Cell::Plan { accept, reject } => Some((r, Some(Arrow::Down), accept, reject)),
                _ => None,
            })
            .ok_or_else(no_plan)?,
        Cell::Up => (0..start)
            .rev()
            .find_map(|r| match cell(table[r], aql.0) {
                Cell::Plan { accept, reject } => Some((r, Some(Arrow::Up), accept, reject)),
                _ => None,
            })
            .ok_or_else(no_plan)?,
        Cell::None => return Err(no_plan()),
    };
    let table_sample_size = inspection.sample_size(row);
    let hundred_percent = table_sample_size >= lot_size;
    Ok(SamplingPlan {
        lot_size,
        level,
        inspection,
        aql,
        code_letter: letter,
        plan_letter: LETTERS[row],
        arrow,
        sample_size: table_sample_size.min(lot_size),
        table_sample_size,
        accept,
        reject,
        hundred_percent,
    })
}

// ---------------------------------------------------------------------------
// Switching rules
// ---------------------------------------------------------------------------

/// One lot of a history, in submission order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LotRecord {
    /// Lot name or number as given.
    pub lot: String,
    /// Items in the lot.
    pub lot_size: u64,
    /// Nonconforming items (or nonconformities) found in the sample on original
    /// inspection.
    pub nonconforming: u64,
    /// Production became irregular or delayed after this lot (switches reduced back
    /// to normal).
    #[serde(default)]
    pub production_irregular: bool,
}

/// Conditions of the switching rules that are not in the lot results.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SwitchingConditions {
    /// Acceptance quality limit.
    pub aql: Aql,
    /// Inspection level.
    pub level: InspectionLevel,
    /// Severity of the first lot (normal unless the contract says otherwise).
    pub start: Severity,
    /// Production is at a steady rate (needed for normal -> reduced).
    pub production_steady: bool,
    /// The responsible authority approves reduced inspection (needed for normal -> reduced).
    pub authority_approves_reduced: bool,
}

/// A switch of severity after a lot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    /// Severity before the switch.
    pub from: Severity,
    /// `None` when inspection is discontinued.
    pub to: Option<Severity>,
    /// The rule that switched, in words.
    pub reason: String,
}

/// What happened to one lot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LotOutcome {
    /// Lot name or number as given.
    pub lot: String,
    /// Severity the lot was inspected at.
    pub inspection: Severity,
    /// The plan used.
    pub plan: SamplingPlan,
    /// Nonconforming items found in the sample.
    pub nonconforming: u64,
    /// Whether the lot was accepted.
    pub accepted: bool,
    /// Switching score after this lot (counted on normal inspection only).
    pub switching_score: u32,
    /// The switch after this lot, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
    /// True when this lot was inspected after inspection had been discontinued and
    /// resumed (on tightened inspection, after the supplier's corrective action).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

/// The switching history and the state for the next lot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchingReport {
    /// The conditions applied.
    pub conditions: SwitchingConditions,
    /// Every lot, in order.
    pub lots: Vec<LotOutcome>,
    /// Severity for the next lot.
    pub next_inspection: Severity,
    /// True when the acceptance procedure is discontinued: no lot is to be accepted
    /// until the supplier has improved the quality; resume on tightened inspection.
    pub discontinued: bool,
    /// Switching score after the last lot.
    pub switching_score: u32,
    /// Lots not accepted in the whole history.
    pub lots_not_accepted: usize,
}

/// The switching rules over a lot history and the plan of the next lot: what
/// `pogo qc plan --history --format json` prints (the report's fields, then
/// `next_plan`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryReport {
    /// The switching history.
    #[serde(flatten)]
    pub switching: SwitchingReport,
    /// The plan of the next lot, when its size is known.
    pub next_plan: Option<SamplingPlan>,
}

impl HistoryReport {
    /// Inspection is discontinued or the last lot was not accepted.
    pub fn wanting(&self) -> bool {
        self.switching.discontinued || self.switching.lots.last().is_some_and(|l| !l.accepted)
    }
}

/// Applies the switching rules ([`apply_switching_rules`]) and gives the plan of the next
/// lot: of `next_lot_size`, else of the size of the last lot in the history.
pub fn judge_history(
    history: &[LotRecord],
    conditions: SwitchingConditions,
    next_lot_size: Option<u64>,
) -> Result<HistoryReport> {
    let switching = apply_switching_rules(history, conditions)?;
    let next_size = next_lot_size.or_else(|| history.last().map(|l| l.lot_size));
    let next_plan = next_size
        .map(|n| {
            plan(
                n,
                conditions.aql,
                conditions.level,
                switching.next_inspection,
            )
        })
        .transpose()?;
    Ok(HistoryReport {
        switching,
        next_plan,
    })
}

/// Applies the ISO 2859-1:1999 switching rules (9.3) to a history of lots:
/// - normal -> tightened when 2 of 5 or fewer consecutive lots are not accepted;
/// - tightened -> normal when 5 consecutive lots are accepted;
/// - normal -> reduced when the switching score reaches 30, production is steady and
///   the responsible authority approves;
/// - reduced -> normal when a lot is not accepted or production is irregular;
/// - discontinue when 5 lots in all are not accepted while on tightened inspection.
///
/// The switching score starts at 0 on normal inspection; after each lot, when the
/// acceptance number is 2 or more, it gains 3 if the lot would have been accepted at
/// one AQL step tighter and is reset to 0 otherwise; with an acceptance number of 0
/// or 1, it gains 2 if the lot is accepted and is reset otherwise.
pub fn apply_switching_rules(
    history: &[LotRecord],
    conditions: SwitchingConditions,
) -> Result<SwitchingReport> {
    let mut state = conditions.start;
    let mut score: u32 = 0;
    let mut normal_window: Vec<bool> = Vec::new(); // accepted? for lots on normal since entering
    let mut tightened_accepted_run = 0usize;
    let mut tightened_not_accepted = 0usize;
    let mut discontinued = false;
    let mut lots = Vec::with_capacity(history.len());
    for rec in history {
        let resumed = discontinued;
        if discontinued {
            // Resumption after corrective action is on tightened inspection.
            discontinued = false;
            state = Severity::Tightened;
            tightened_accepted_run = 0;
            tightened_not_accepted = 0;
        }
        let p = plan(rec.lot_size, conditions.aql, conditions.level, state)?;
        let accepted = p.accepts(rec.nonconforming);
        let mut transition = None;
        match state {
            Severity::Normal => {
                // Switching score.
                if !accepted {
                    score = 0;
                } else if p.accept >= 2 {
                    let tighter_ok = match conditions.aql.tighter() {
                        Some(t) => {
                            let tp = plan_for_code_letter(
                                rec.lot_size,
                                p.plan_letter,
                                t,
                                conditions.level,
                                Severity::Normal,
                            )?;
                            rec.nonconforming <= u64::from(tp.accept)
                        }
                        None => false,
                    };
                    score = if tighter_ok { score + 3 } else { 0 };
                } else {
                    score += 2;
                }
                normal_window.push(accepted);
                let recent = &normal_window[normal_window.len().saturating_sub(5)..];
                let rejected_recent = recent.iter().filter(|a| !**a).count();
                if rejected_recent >= 2 {
                    transition = Some(Transition {
                        from: state,
                        to: Some(Severity::Tightened),
                        reason: format!(
                            "{rejected_recent} of the last {} consecutive lots on normal inspection not accepted",
                            recent.len()
                        ),
                    });
                    state = Severity::Tightened;
                    tightened_accepted_run = 0;
                    tightened_not_accepted = 0;
                    score = 0;
                } else if score >= 30
                    && conditions.production_steady
                    && conditions.authority_approves_reduced
                {
                    transition = Some(Transition {
                        from: state,
                        to: Some(Severity::Reduced),
                        reason: format!(
                            "switching score {score} >= 30, production steady, reduced inspection approved"
                        ),
                    });
                    state = Severity::Reduced;
                }
            }
            Severity::Tightened => {
                if accepted {
                    tightened_accepted_run += 1;
                } else {
                    tightened_accepted_run = 0;
                    tightened_not_accepted += 1;
                }
                if tightened_not_accepted >= 5 {
                    transition = Some(Transition {
                        from: state,
                        to: None,
                        reason: "5 lots not accepted on tightened inspection: discontinue acceptance until the \
                                 supplier has acted to improve quality"
                            .into(),
                    });
                    discontinued = true;
                } else if tightened_accepted_run >= 5 {
                    transition = Some(Transition {
                        from: state,
                        to: Some(Severity::Normal),
                        reason: "5 consecutive lots accepted on tightened inspection".into(),
                    });
                    state = Severity::Normal;
                    normal_window.clear();
                    score = 0;
                }
            }
            Severity::Reduced => {
                let why = if !accepted {
                    Some("a lot not accepted on reduced inspection")
                } else if rec.production_irregular {
                    Some("production irregular or delayed")
                } else {
                    None
                };
                if let Some(why) = why {
                    transition = Some(Transition {
                        from: state,
                        to: Some(Severity::Normal),
                        reason: why.into(),
                    });
                    state = Severity::Normal;
                    normal_window.clear();
                    score = 0;
                }
            }
        }
        lots.push(LotOutcome {
            lot: rec.lot.clone(),
            inspection: p.inspection,
            plan: p,
            nonconforming: rec.nonconforming,
            accepted,
            switching_score: score,
            transition,
            resumed,
        });
    }
    let lots_not_accepted = lots.iter().filter(|l| !l.accepted).count();
    Ok(SwitchingReport {
        conditions,
        lots,
        next_inspection: if discontinued {
            Severity::Tightened
        } else {
            state
        },
        discontinued,
        switching_score: score,
        lots_not_accepted,
    })
}

/// Reads a lot history CSV: columns `lot`, `nonconforming` (or `defects`), optional
/// `lot_size` (else `default_lot_size`), optional `production_irregular`
/// (true/false/yes/no/1/0).
pub fn read_history(
    path: &str,
    text: &str,
    default_lot_size: Option<u64>,
) -> Result<Vec<LotRecord>> {
    let table = crate::csvutil::read_table(path, text)?;
    let col_lot = table.column("lot");
    let col_nc = match table.column("defects") {
        Some(c) if table.column("nonconforming").is_none() => c,
        _ => table.require(
            path,
            "nonconforming",
            "lot, nonconforming (or defects), lot_size, production_irregular",
        )?,
    };
    let col_size = table.column("lot_size");
    let col_irr = table.column("production_irregular");
    if col_size.is_none() && default_lot_size.is_none() {
        return Err(QcError::Csv {
            path: path.into(),
            line: table.header_line,
            message: format!(
                "no column `lot_size` in the header `{}` and no --lot-size given",
                table.header_text
            ),
        });
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (line, f) in &table.rows {
        let err = |col: &str, message| crate::RowError::in_column(*line, col, message);
        let lot = col_lot
            .map(|c| f[c].clone())
            .unwrap_or_else(|| (out.len() + errors.len() + 1).to_string());
        let nc = match f[col_nc].parse::<u64>() {
            Ok(v) => v,
            Err(_) => {
                errors.push(err(
                    &table.headers[col_nc],
                    format!("`{}` is not a count of items", f[col_nc]),
                ));
                continue;
            }
        };
        let lot_size = match col_size {
            Some(c) if !f[c].is_empty() => match f[c].parse::<u64>() {
                Ok(v) if v >= 1 => v,
                _ => {
                    errors.push(err(
                        "lot_size",
                        format!("`{}` is not a lot size (a whole number >= 1)", f[c]),
                    ));
                    continue;
                }
            },
            _ => match default_lot_size {
                Some(v) => v,
                None => {
                    errors.push(err("lot_size", "missing lot size".into()));
                    continue;
                }
            },
        };
        let production_irregular = match col_irr.map(|c| f[c].to_ascii_lowercase()) {
            None => false,
            Some(s) => match s.as_str() {
                "" | "false" | "no" | "0" => false,
                "true" | "yes" | "1" => true,
                _ => {
                    errors.push(err(
                        "production_irregular",
                        format!("`{s}` is not true/false"),
                    ));
                    continue;
                }
            },
        };
        out.push(LotRecord {
            lot,
            lot_size,
            nonconforming: nc,
            production_irregular,
        });
    }
    QcError::unless_rows(path, errors, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_26_cells() {
        for t in [TABLE_NORMAL, TABLE_TIGHTENED, TABLE_REDUCED] {
            for r in t {
                assert_eq!(r.split_ascii_whitespace().count(), 27, "{r}");
            }
        }
    }

    #[test]
    fn every_cell_resolves() {
        for sev in [Severity::Normal, Severity::Tightened, Severity::Reduced] {
            for aql in Aql::all() {
                for &l in &LETTERS[..16] {
                    let p =
                        plan_for_code_letter(1_000_000, l, aql, InspectionLevel::II, sev).unwrap();
                    assert_eq!(p.reject, p.accept + 1, "{sev:?} {l} {aql}");
                }
            }
        }
    }

    #[test]
    fn aql_parse() {
        assert_eq!(Aql::parse("2.50").unwrap().label(), "2.5");
        assert_eq!(Aql::parse("0.01").unwrap().label(), "0.010");
        assert!(matches!(Aql::parse("3"), Err(QcError::UnknownAql { .. })));
        assert!(Aql::parse("x").is_err());
        assert_eq!(Aql::all().count(), 26);
    }
}
