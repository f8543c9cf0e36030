//! Lid closures: a lid switch read from a serial device (FixturFab's reader answers
//! `read_switch` with `1` when the lid is closed) or an instrument's digital input
//! (a user profile with its query and its two answers). A closure is an open-to-closed
//! change that holds for a number of consecutive reads (debounce).

use crate::profile::{Job, Profile};
use crate::resource::Resource;
use crate::scpi::Session;
use crate::{Result, StationError};
use std::time::{Duration, Instant};

/// The lid's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LidState {
    /// The lid is open.
    Open,
    /// The lid is closed.
    Closed,
}

/// A connected lid switch.
pub struct LidSwitch {
    session: Session,
    query: String,
    closed: String,
    open: String,
}

impl LidSwitch {
    /// Opens the switch with a lid-switch profile.
    pub fn connect(resource: &Resource, profile: &Profile) -> Result<LidSwitch> {
        profile.require(Job::LidSwitch)?;
        let lid = profile.lid.clone().expect("checked");
        let session = profile.open_session(resource)?;
        Ok(LidSwitch {
            session,
            query: lid.query,
            closed: lid.closed,
            open: lid.open,
        })
    }

    /// Reads the state once; anything but the two answers is garbage.
    pub fn read(&mut self) -> Result<LidState> {
        let reply = self.session.query(&self.query)?;
        if reply == self.closed {
            Ok(LidState::Closed)
        } else if reply == self.open {
            Ok(LidState::Open)
        } else {
            Err(StationError::Garbage {
                resource: self.session.resource().to_string(),
                command: self.query.clone(),
                reply: crate::transport::shown_bytes(reply.as_bytes()),
                expected: "the profile's open or closed answer",
            })
        }
    }
}

/// Counts closures from a stream of raw reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureCounter {
    debounce_reads: u32,
    stable: Option<LidState>,
    candidate: Option<(LidState, u32)>,
    /// Open-to-closed changes seen.
    pub closures: u64,
}

impl ClosureCounter {
    /// A state counts once it has been read `debounce_reads` times in a row (at least 1).
    pub fn new(debounce_reads: u32) -> ClosureCounter {
        ClosureCounter {
            debounce_reads: debounce_reads.max(1),
            stable: None,
            candidate: None,
            closures: 0,
        }
    }

    /// Feeds one read; returns the new stable state when it changed. A lid found closed
    /// at the start is not a closure.
    pub fn feed(&mut self, s: LidState) -> Option<LidState> {
        let n = match self.candidate {
            Some((c, n)) if c == s => n + 1,
            _ => 1,
        };
        self.candidate = Some((s, n));
        if n < self.debounce_reads || self.stable == Some(s) {
            return None;
        }
        if self.stable == Some(LidState::Open) && s == LidState::Closed {
            self.closures += 1;
        }
        self.stable = Some(s);
        Some(s)
    }
}

/// When to stop counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountUntil {
    /// Stop after this many closures.
    pub closures: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
}

/// The run of a closure count for the fixture service: the closures counted between
/// `started_at` and `finished_at` as actuations, no readings.
pub fn closure_run(
    fixture_id: &str,
    started_at: chrono::DateTime<chrono::Utc>,
    finished_at: chrono::DateTime<chrono::Utc>,
    closures: u64,
) -> pogo_qc::run::Run {
    pogo_qc::run::Run {
        uuid: uuid::Uuid::new_v4(),
        fixture: fixture_id.to_string(),
        started_at,
        finished_at,
        actuations: closures,
        dut_serial: None,
        result: None,
        readings: Vec::new(),
    }
}

/// Polls the switch every `poll` and counts closures until `until`; `on_change` sees
/// each new stable state with the count so far.
pub fn count_closures(
    lid: &mut LidSwitch,
    poll: Duration,
    debounce_reads: u32,
    until: CountUntil,
    on_change: &mut dyn FnMut(LidState, u64),
) -> Result<u64> {
    if until.closures.is_none() && until.duration.is_none() {
        return Err(StationError::Run(
            "counting needs a number of closures or a duration to stop".into(),
        ));
    }
    let mut counter = ClosureCounter::new(debounce_reads);
    let t0 = Instant::now();
    loop {
        if until.closures.is_some_and(|n| counter.closures >= n)
            || until.duration.is_some_and(|d| t0.elapsed() >= d)
        {
            return Ok(counter.closures);
        }
        let next = Instant::now() + poll;
        if let Some(s) = counter.feed(lid.read()?) {
            on_change(s, counter.closures);
        }
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LidState::{Closed as C, Open as O};

    #[test]
    fn counts_debounced_open_to_closed_changes() {
        let mut c = ClosureCounter::new(2);
        // Starts closed (not a closure), bounces, then two real closures.
        for s in [C, C, O, C, O, O, C, O, C, C, O, O, C, C, C] {
            c.feed(s);
        }
        assert_eq!(c.closures, 2);
        let mut c = ClosureCounter::new(1);
        for s in [O, C, O, C, O, C] {
            c.feed(s);
        }
        assert_eq!(c.closures, 3);
    }
}
