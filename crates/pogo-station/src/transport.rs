//! Line transports: a raw TCP socket, a USBTMC device file or a serial port, each
//! sending a command with its terminator and reading one reply line within a deadline.
//!
//! A reply that does not come in time is a timeout, a closed stream is a dropped
//! connection, and bytes that are not printable text (or a reply longer than
//! [`MAX_REPLY_BYTES`] without its terminator) are garbage: each is one error, never a
//! hang and never a reply made up from what was there.

use crate::resource::Resource;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Longest reply accepted; a longer one without a terminator is garbage.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// How to talk to one instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSettings {
    /// Longest wait for a reply (and for a connection).
    pub timeout: Duration,
    /// Appended to every command (`"\n"` for SCPI, `"\r"` for a Mark-10).
    pub write_terminator: String,
    /// Serial ports only: baud rate (8 data bits, no parity, 1 stop bit).
    pub baud: u32,
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            write_terminator: "\n".into(),
            baud: 9600,
        }
    }
}

/// Why an exchange failed, before the session adds the resource and the command.
#[derive(Debug)]
pub enum LinkError {
    /// No reply within the deadline.
    Timeout,
    /// The connection was closed (why).
    Closed(String),
    /// A reply that is not text (what came).
    Garbage(String),
}

/// A byte stream that can read with a time limit.
trait Stream: Send {
    fn read_within(&mut self, buf: &mut [u8], timeout: Duration) -> std::io::Result<usize>;
    fn write_all_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()>;
}

impl Stream for TcpStream {
    fn read_within(&mut self, buf: &mut [u8], timeout: Duration) -> std::io::Result<usize> {
        self.set_read_timeout(Some(timeout.max(Duration::from_millis(1))))?;
        self.read(buf)
    }
    fn write_all_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all(bytes)
    }
}

/// The Linux `usbtmc` driver answers a read with one whole message, or fails after its
/// own timeout (5 s unless changed with `USBTMC_IOCTL_SET_TIMEOUT`).
impl Stream for std::fs::File {
    fn read_within(&mut self, buf: &mut [u8], _timeout: Duration) -> std::io::Result<usize> {
        self.read(buf)
    }
    fn write_all_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all(bytes)?;
        self.flush()
    }
}

impl Stream for Box<dyn serialport::SerialPort> {
    fn read_within(&mut self, buf: &mut [u8], timeout: Duration) -> std::io::Result<usize> {
        self.set_timeout(timeout.max(Duration::from_millis(1)))
            .map_err(std::io::Error::other)?;
        self.read(buf)
    }
    fn write_all_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all(bytes)?;
        self.flush()
    }
}

/// One open connection to an instrument, line by line.
pub struct Link {
    stream: Box<dyn Stream>,
    pending: Vec<u8>,
    settings: LinkSettings,
    /// Time spent waiting for replies (the instrument's time and the wire's).
    waited: Duration,
}

impl Link {
    /// Opens the resource.
    pub fn open(resource: &Resource, settings: &LinkSettings) -> std::io::Result<Link> {
        let stream: Box<dyn Stream> = match resource {
            Resource::Socket { host, port } => {
                let addrs: Vec<_> = (host.as_str(), *port).to_socket_addrs()?.collect();
                let mut last = std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("`{host}` resolves to no address"),
                );
                let mut found = None;
                for a in addrs {
                    match TcpStream::connect_timeout(&a, settings.timeout) {
                        Ok(s) => {
                            found = Some(s);
                            break;
                        }
                        Err(e) => last = e,
                    }
                }
                let s = found.ok_or(last)?;
                s.set_nodelay(true)?;
                s.set_write_timeout(Some(settings.timeout))?;
                Box::new(s)
            }
            Resource::Usbtmc { path } => Box::new(
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(path)?,
            ),
            Resource::Serial { path } => Box::new(
                serialport::new(path, settings.baud)
                    .timeout(settings.timeout)
                    .open()
                    .map_err(std::io::Error::other)?,
            ),
        };
        Ok(Link {
            stream,
            pending: Vec::new(),
            settings: settings.clone(),
            waited: Duration::ZERO,
        })
    }

    /// The settings the link was opened with.
    pub fn settings(&self) -> &LinkSettings {
        &self.settings
    }

    /// Time spent so far waiting for replies.
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// Sends one command with the write terminator.
    pub fn send(&mut self, command: &str) -> Result<(), LinkError> {
        let mut bytes = Vec::with_capacity(command.len() + 2);
        bytes.extend_from_slice(command.as_bytes());
        bytes.extend_from_slice(self.settings.write_terminator.as_bytes());
        self.stream
            .write_all_bytes(&bytes)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => LinkError::Timeout,
                _ => LinkError::Closed(e.to_string()),
            })
    }

    /// Reads one reply line (terminated by `\n` or `\r`; a `\r\n` pair counts once),
    /// without its terminator.
    pub fn read_line(&mut self) -> Result<String, LinkError> {
        let start = Instant::now();
        let deadline = start + self.settings.timeout;
        let result = self.read_line_until(deadline);
        self.waited += start.elapsed();
        result
    }

    fn read_line_until(&mut self, deadline: Instant) -> Result<String, LinkError> {
        loop {
            // A CR or LF left at the front belongs to the previous reply.
            let skip = self
                .pending
                .iter()
                .take_while(|b| **b == b'\r' || **b == b'\n')
                .count();
            self.pending.drain(..skip);
            if let Some(end) = self.pending.iter().position(|b| *b == b'\n' || *b == b'\r') {
                let line: Vec<u8> = self.pending.drain(..end).collect();
                return text_of(line);
            }
            if self.pending.len() > MAX_REPLY_BYTES {
                let shown = shown_bytes(&self.pending);
                self.pending.clear();
                return Err(LinkError::Garbage(format!(
                    "more than {MAX_REPLY_BYTES} bytes without a terminator: {shown}"
                )));
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(LinkError::Timeout);
            }
            let mut buf = [0u8; 4096];
            match self.stream.read_within(&mut buf, deadline - now) {
                Ok(0) => return Err(LinkError::Closed("closed by the instrument".into())),
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) => match e.kind() {
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                        if Instant::now() >= deadline {
                            return Err(LinkError::Timeout);
                        }
                    }
                    std::io::ErrorKind::Interrupted => {}
                    _ => return Err(LinkError::Closed(e.to_string())),
                },
            }
        }
    }
}

/// A reply's text: printable ASCII and UTF-8 only (tabs allowed).
fn text_of(line: Vec<u8>) -> Result<String, LinkError> {
    let shown = shown_bytes(&line);
    match String::from_utf8(line) {
        Ok(s) if !s.chars().any(|c| c.is_control() && c != '\t') => Ok(s),
        _ => Err(LinkError::Garbage(shown)),
    }
}

/// Up to 64 bytes of a reply, printable as they are and the rest escaped.
pub fn shown_bytes(bytes: &[u8]) -> String {
    let mut s: String = bytes
        .iter()
        .take(64)
        .flat_map(|b| std::ascii::escape_default(*b))
        .map(char::from)
        .collect();
    if bytes.len() > 64 {
        s.push_str(&format!("... ({} bytes)", bytes.len()));
    }
    format!("\"{s}\"")
}
