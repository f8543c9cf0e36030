//! A SCPI session: connect and identify (`*IDN?`), send commands, query replies, and
//! drain the error queue (`SYST:ERR?` until it answers `0,"No error"`) so that any
//! instrument error is reported with the command that caused it.

use crate::resource::Resource;
use crate::transport::{Link, LinkError, LinkSettings};
use crate::{Result, StationError};
use std::time::Duration;

/// Most entries read from an error queue in one drain (SCPI queues hold about 20); an
/// instrument that never answers "no error" is a fault, not a reason to loop forever.
pub const MAX_ERROR_DRAIN: usize = 64;

/// What `*IDN?` answers: maker, model, serial number, firmware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Manufacturer.
    pub maker: String,
    /// Model (what profiles match).
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// Firmware version.
    pub firmware: String,
}

impl Identity {
    /// Parses the four comma-separated fields of an `*IDN?` reply.
    pub fn parse(reply: &str) -> Option<Identity> {
        let f: Vec<&str> = reply.split(',').map(str::trim).collect();
        match f.as_slice() {
            [maker, model, serial, firmware] if !maker.is_empty() && !model.is_empty() => {
                Some(Identity {
                    maker: maker.to_string(),
                    model: model.to_string(),
                    serial: serial.to_string(),
                    firmware: firmware.to_string(),
                })
            }
            _ => None,
        }
    }
}

/// One entry of an instrument's error queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentError {
    /// SCPI error code (0: no error).
    pub code: i32,
    /// The instrument's words.
    pub message: String,
}

/// Parses a `SYST:ERR?` reply such as `-113,"Undefined header"` or `+0,"No error"`.
pub fn parse_error_entry(reply: &str) -> Option<InstrumentError> {
    let (code, message) = reply.split_once(',')?;
    let code = code.trim().trim_start_matches('+').parse::<i32>().ok()?;
    Some(InstrumentError {
        code,
        message: message.trim().trim_matches('"').to_string(),
    })
}

/// An open, identified connection to one instrument.
pub struct Session {
    link: Link,
    resource: String,
    identity: Option<Identity>,
    error_query: Option<String>,
    /// Set by a timeout, a dropped connection or garbage: a late reply could otherwise
    /// be taken as the answer to the next query, so the session takes no more.
    broken: Option<String>,
}

impl Session {
    /// Opens the resource; with `identify` (normally `*IDN?`) asks the instrument who
    /// it is. `error_query` (normally `SYST:ERR?`) is what [`Session::drain_errors`]
    /// asks.
    pub fn open(
        resource: &Resource,
        settings: &LinkSettings,
        identify: Option<&str>,
        error_query: Option<&str>,
    ) -> Result<Session> {
        let shown = resource.to_string();
        let link = Link::open(resource, settings).map_err(|source| StationError::Connect {
            resource: shown.clone(),
            source,
        })?;
        let mut session = Session {
            link,
            resource: shown,
            identity: None,
            error_query: error_query.map(str::to_string),
            broken: None,
        };
        if let Some(q) = identify {
            let reply = session.query(q)?;
            let id = Identity::parse(&reply).ok_or_else(|| StationError::Garbage {
                resource: session.resource.clone(),
                command: q.to_string(),
                reply: crate::transport::shown_bytes(reply.as_bytes()),
                expected: "MAKER,MODEL,SERIAL,FIRMWARE",
            })?;
            session.identity = Some(id);
        }
        Ok(session)
    }

    /// The resource as given, for messages.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// What `*IDN?` answered on connect.
    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    /// Time spent waiting for replies since the session opened.
    pub fn waited(&self) -> Duration {
        self.link.waited()
    }

    fn link_error(&mut self, command: &str, e: LinkError) -> StationError {
        self.broken = Some(command.to_string());
        match e {
            LinkError::Timeout => StationError::Timeout {
                resource: self.resource.clone(),
                command: command.to_string(),
                timeout_ms: self.link.settings().timeout.as_millis() as u64,
            },
            LinkError::Closed(reason) => StationError::Dropped {
                resource: self.resource.clone(),
                command: command.to_string(),
                reason,
            },
            LinkError::Garbage(reply) => StationError::Garbage {
                resource: self.resource.clone(),
                command: command.to_string(),
                reply,
                expected: "a line of text",
            },
        }
    }

    /// Sends a command that has no reply. After a timeout, a dropped connection or
    /// garbage the session refuses every command (reconnect to go on).
    pub fn write(&mut self, command: &str) -> Result<()> {
        if let Some(at) = &self.broken {
            return Err(StationError::Dropped {
                resource: self.resource.clone(),
                command: command.to_string(),
                reason: format!("the session is out of step since the fault at `{at}`; reconnect"),
            });
        }
        self.link
            .send(command)
            .map_err(|e| self.link_error(command, e))
    }

    /// Sends a query and reads its one-line reply.
    pub fn query(&mut self, command: &str) -> Result<String> {
        self.write(command)?;
        match self.link.read_line() {
            Ok(s) => Ok(s.trim().to_string()),
            Err(e) => Err(self.link_error(command, e)),
        }
    }

    /// Sends a query whose reply is one number (a reading in the instrument's unit).
    pub fn query_number(&mut self, command: &str) -> Result<f64> {
        let reply = self.query(command)?;
        reply
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| StationError::Garbage {
                resource: self.resource.clone(),
                command: command.to_string(),
                reply: crate::transport::shown_bytes(reply.as_bytes()),
                expected: "a number",
            })
    }

    /// Reads the error queue until it is empty; the first error found is returned with
    /// `after`, the command that caused it.
    pub fn drain_errors(&mut self, after: &str) -> Result<()> {
        let Some(q) = self.error_query.clone() else {
            return Ok(());
        };
        let mut first: Option<InstrumentError> = None;
        for _ in 0..MAX_ERROR_DRAIN {
            let reply = self.query(&q)?;
            let entry = parse_error_entry(&reply).ok_or_else(|| StationError::Garbage {
                resource: self.resource.clone(),
                command: q.clone(),
                reply: crate::transport::shown_bytes(reply.as_bytes()),
                expected: "CODE,\"MESSAGE\"",
            })?;
            if entry.code == 0 {
                return match first {
                    None => Ok(()),
                    Some(e) => Err(StationError::Instrument {
                        resource: self.resource.clone(),
                        command: after.to_string(),
                        code: e.code,
                        message: e.message,
                    }),
                };
            }
            first.get_or_insert(entry);
        }
        Err(StationError::Garbage {
            resource: self.resource.clone(),
            command: q,
            reply: format!("{MAX_ERROR_DRAIN} errors and still not empty"),
            expected: "0,\"No error\" at the end of the queue",
        })
    }

    /// Sends each configuring command and drains the error queue after it, so an error
    /// names the command that caused it.
    pub fn configure(&mut self, commands: &[String]) -> Result<()> {
        for c in commands {
            self.write(c)?;
            self.drain_errors(c)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_idn_and_error_entries() {
        let id = Identity::parse(
            "Keysight Technologies,34465A,MY12345678,A.03.01-02.40-03.01-00.52-01-01",
        )
        .unwrap();
        assert_eq!(id.model, "34465A");
        assert!(Identity::parse("34465A").is_none());
        assert_eq!(
            parse_error_entry("-113,\"Undefined header\"").unwrap(),
            InstrumentError {
                code: -113,
                message: "Undefined header".into()
            }
        );
        assert_eq!(parse_error_entry("+0,\"No error\"").unwrap().code, 0);
        assert!(parse_error_entry("garbage").is_none());
    }
}
