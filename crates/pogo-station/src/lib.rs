//! pogo-station: a test station measures a fixture with the instruments a fixture lab
//! already has, judges each pin as `pogo qc evaluate` does, and sends each run to the
//! fixture service.
//!
//! - [`resource`]: VISA-style resource strings (`TCPIP0::HOST::5025::SOCKET`,
//!   `/dev/usbtmc0`, `ASRL/dev/ttyUSB0::INSTR`).
//! - [`transport`] and [`scpi`]: line transports with timeouts and a SCPI session
//!   (`*IDN?` on connect, `SYST:ERR?` drained after each configuring command).
//! - [`profile`]: instrument profiles, built in (Keysight 34461A/34465A/34980A,
//!   Keithley DMM6500/2700, Rigol M300, Mark-10, lid switch reader) or from TOML.
//! - [`channel_map`]: the `channel,route` CSV that ties fixture channels to the switch.
//! - [`contact`]: the contact-resistance run through a shorting plate, with the common
//!   return measured once and subtracted.
//! - [`force`] and [`lid`]: Mark-10 force gauges and lid closure counting.
//! - [`outbox`]: the store-and-forward queue that posts [`pogo_qc::run::Run`]s.
//! - [`sim`]: a 34465A plus 34980A simulator on 127.0.0.1 wired to a fixture, with
//!   faults on demand (used by the tests and the benchmark).
//!
//! Libraries don't print: progress is reported through callbacks; the CLI prints.

#![warn(missing_docs)]

pub mod channel_list;
pub mod channel_map;
pub mod contact;
pub mod force;
pub mod lid;
pub mod outbox;
pub mod profile;
pub mod resource;
pub mod scpi;
pub mod sim;
pub mod transport;

mod error;

pub use error::{Result, StationError};
