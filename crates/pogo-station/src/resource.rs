//! VISA-style resource strings, parsed before anything is opened.
//!
//! | form                          | what                                         |
//! |-------------------------------|----------------------------------------------|
//! | `TCPIP0::HOST::5025::SOCKET`  | raw SCPI socket (LAN instruments, port 5025) |
//! | `/dev/usbtmc0`                | USBTMC device file (Linux `usbtmc` driver)   |
//! | `ASRL/dev/ttyUSB0::INSTR`     | serial port (baud rate from the profile)     |
//!
//! Board numbers after `TCPIP` and `ASRL` are accepted and ignored; keywords are
//! case-insensitive as in VISA.

use crate::{Result, StationError};
use std::fmt;

/// Where an instrument is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// Raw socket: newline-terminated SCPI over TCP.
    Socket {
        /// Host name or address.
        host: String,
        /// TCP port.
        port: u16,
    },
    /// A USBTMC character device.
    Usbtmc {
        /// The file as given.
        path: String,
    },
    /// A serial port device.
    Serial {
        /// The file as given.
        path: String,
    },
}

impl Resource {
    /// Parses a resource string; one clear error names what was expected.
    pub fn parse(text: &str) -> Result<Resource> {
        let s = text.trim();
        let bad = |reason: &str| StationError::BadResource {
            resource: text.to_string(),
            reason: reason.to_string(),
        };
        let upper = s.to_ascii_uppercase();
        if upper.starts_with("TCPIP") {
            let parts: Vec<&str> = s.split("::").collect();
            let board = &parts[0][5..];
            if !board.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad("the TCPIP board number must be digits"));
            }
            match parts.as_slice() {
                [_, host, port, kind] if kind.eq_ignore_ascii_case("SOCKET") => {
                    if host.is_empty() || host.contains(char::is_whitespace) {
                        return Err(bad("empty or blank host"));
                    }
                    let port =
                        port.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
                            bad(&format!("port `{port}` is not a number 1-65535"))
                        })?;
                    Ok(Resource::Socket {
                        host: host.to_string(),
                        port,
                    })
                }
                [_, _, kind] if kind.eq_ignore_ascii_case("INSTR") => Err(bad(
                    "VXI-11 (::INSTR) is not supported; use the raw socket ::5025::SOCKET",
                )),
                _ => Err(bad("a socket resource is TCPIP0::HOST::PORT::SOCKET")),
            }
        } else if upper.starts_with("ASRL") {
            let rest = s[4..].trim_start_matches(|c: char| c.is_ascii_digit());
            let Some(path) = rest
                .strip_suffix("::INSTR")
                .or_else(|| rest.strip_suffix("::instr"))
            else {
                return Err(bad("a serial resource ends with ::INSTR"));
            };
            if !path.starts_with('/') || path.len() < 2 {
                return Err(bad(
                    "a serial resource names a device path such as /dev/ttyUSB0",
                ));
            }
            Ok(Resource::Serial { path: path.into() })
        } else if s.starts_with("/dev/") && s.len() > 5 {
            let name = &s[5..];
            if name.starts_with("usbtmc") {
                Ok(Resource::Usbtmc { path: s.into() })
            } else if name.starts_with("tty") {
                Ok(Resource::Serial { path: s.into() })
            } else {
                Err(bad("a device path must be /dev/usbtmcN or /dev/ttyXXX"))
            }
        } else if s.is_empty() {
            Err(bad("empty"))
        } else {
            Err(bad("unknown form"))
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resource::Socket { host, port } => write!(f, "TCPIP0::{host}::{port}::SOCKET"),
            Resource::Usbtmc { path } => f.write_str(path),
            Resource::Serial { path } => write!(f, "ASRL{path}::INSTR"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_form() {
        assert_eq!(
            Resource::parse("TCPIP0::192.0.2.7::5025::SOCKET").unwrap(),
            Resource::Socket {
                host: "192.0.2.7".into(),
                port: 5025
            }
        );
        assert_eq!(
            Resource::parse("tcpip::localhost::5025::socket").unwrap(),
            Resource::Socket {
                host: "localhost".into(),
                port: 5025
            }
        );
        assert_eq!(
            Resource::parse("/dev/usbtmc0").unwrap(),
            Resource::Usbtmc {
                path: "/dev/usbtmc0".into()
            }
        );
        assert_eq!(
            Resource::parse("ASRL/dev/ttyUSB0::INSTR").unwrap(),
            Resource::Serial {
                path: "/dev/ttyUSB0".into()
            }
        );
        let r = Resource::parse("ASRL/dev/ttyACM1::INSTR").unwrap();
        assert_eq!(r.to_string(), "ASRL/dev/ttyACM1::INSTR");
    }

    #[test]
    fn refuses_what_does_not_parse() {
        for bad in [
            "",
            "TCPIP0::host::50x5::SOCKET",
            "TCPIP0::host::0::SOCKET",
            "TCPIP0::::5025::SOCKET",
            "TCPIP0::host::inst0::INSTR",
            "TCPIPx::host::5025::SOCKET",
            "ASRL/dev/ttyUSB0",
            "ASRLCOM3::INSTR",
            "/dev/sda",
            "GPIB0::22::INSTR",
        ] {
            let e = Resource::parse(bad).unwrap_err();
            assert!(matches!(e, StationError::BadResource { .. }), "{bad}: {e}");
        }
    }
}
