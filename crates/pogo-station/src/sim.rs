//! An instrument simulator on 127.0.0.1: a Keysight 34465A meter and a 34980A switch
//! (34921A card in slot 1, the [`crate::profile`] default map: fixture channel `c` on
//! switch channels `1000 + c` and `1020 + c`, the common return on `1020,1040`) wired
//! to a fixture on a shorting plate. Each fixture channel has a planted contact
//! resistance (or is open); the meter reads whatever path the closed relays make.
//!
//! Both instruments keep a SCPI error queue (`-113,"Undefined header"`,
//! `-222,"Data out of range"`, ...) and take faults on demand: a slow reply past the
//! station's timeout, a connection dropped mid-run, garbage bytes, an error after a
//! command, a relay that does not close or closes another channel.
//!
//! [`LineSim`] is a simpler scripted instrument (a Mark-10 gauge or a lid switch
//! reader behind a serial-to-LAN bridge) answering one query from a list of replies.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// The meter's overload reading (ohm), as a 34465A answers an open input.
pub const OVERLOAD: f64 = 9.9e37;

/// Which simulated instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Instrument {
    /// The simulated 34465A meter.
    Dmm,
    /// The simulated 34980A switch.
    Switch,
}

/// A fault, armed on one instrument until it fires (once).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The reply to the next command with this header (`READ?`) comes after `delay`.
    SlowReply {
        /// Command header it applies to.
        header: String,
        /// How long the reply waits.
        delay: Duration,
    },
    /// The connection is closed on receiving the n-th command from now (1 = the next).
    DropAfter {
        /// Commands from now.
        commands: usize,
    },
    /// The reply to the next command with this header is garbage bytes.
    Garbage {
        /// Command header it applies to.
        header: String,
    },
    /// After the next command with this header the error queue gets this entry.
    ErrorAfter {
        /// Command header it applies to.
        header: String,
        /// The code.
        code: i32,
        /// What is wrong.
        message: String,
    },
    /// Switch: this relay never closes (stays armed: every attempt fails).
    StuckOpen {
        /// Channel number.
        channel: u32,
    },
    /// Switch: closing `asked` closes `instead` (a miswired relay driver; stays armed).
    ClosesInstead {
        /// The channel asked for.
        asked: u32,
        /// The channel closed instead.
        instead: u32,
    },
}

/// What the simulated fixture looks like.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Resistance of the common return (plate to meter), mOhm.
    pub reference_mohm: f64,
    /// Contact resistance per fixture channel, mOhm; `None` for an open probe.
    pub contact_mohm: BTreeMap<u32, Option<f64>>,
    /// The meter's own time per reading (integration), spent before it answers.
    pub reading_time: Duration,
}

#[derive(Default)]
struct State {
    closed: BTreeSet<u32>,
    errors: BTreeMap<Instrument, VecDeque<(i32, String)>>,
    faults: Vec<(Instrument, Fault)>,
    log: Vec<(Instrument, String)>,
    ocom: bool,
    nplc: f64,
    configured: bool,
}

struct Shared {
    config: SimConfig,
    state: Mutex<State>,
    stop: AtomicBool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running simulator; stops when dropped.
pub struct Simulator {
    shared: Arc<Shared>,
    dmm: SocketAddr,
    switch: SocketAddr,
    threads: Vec<JoinHandle<()>>,
}

/// Switch channel of a fixture channel's force/sense pair on the 34921A default map.
pub fn switch_channels(fixture_channel: u32) -> (u32, u32) {
    (1000 + fixture_channel, 1020 + fixture_channel)
}

/// The route of the common return on the default map.
pub const REFERENCE_CHANNELS: (u32, u32) = (1020, 1040);

impl Simulator {
    /// Starts both instruments on free ports of 127.0.0.1.
    pub fn start(config: SimConfig) -> std::io::Result<Simulator> {
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State {
                nplc: 10.0,
                ..State::default()
            }),
            stop: AtomicBool::new(false),
        });
        let mut threads = Vec::new();
        let mut addrs = Vec::new();
        for inst in [Instrument::Dmm, Instrument::Switch] {
            let listener = TcpListener::bind("127.0.0.1:0")?;
            listener.set_nonblocking(true)?;
            addrs.push(listener.local_addr()?);
            let sh = Arc::clone(&shared);
            threads.push(std::thread::spawn(move || serve(listener, inst, sh)));
        }
        Ok(Simulator {
            shared,
            dmm: addrs[0],
            switch: addrs[1],
            threads,
        })
    }

    /// The meter's resource string.
    pub fn dmm_resource(&self) -> String {
        format!("TCPIP0::127.0.0.1::{}::SOCKET", self.dmm.port())
    }

    /// The switch's resource string.
    pub fn switch_resource(&self) -> String {
        format!("TCPIP0::127.0.0.1::{}::SOCKET", self.switch.port())
    }

    /// Arms a fault on one instrument.
    pub fn inject(&self, on: Instrument, fault: Fault) {
        self.shared.state().faults.push((on, fault));
    }

    /// Every command an instrument received, in order.
    pub fn commands(&self, of: Instrument) -> Vec<String> {
        self.shared
            .state()
            .log
            .iter()
            .filter(|(i, _)| *i == of)
            .map(|(_, c)| c.clone())
            .collect()
    }

    /// Whether the meter's offset compensation is on (it must be, after configuring).
    pub fn offset_compensation(&self) -> bool {
        self.shared.state().ocom
    }

    /// Relays closed now.
    pub fn closed(&self) -> BTreeSet<u32> {
        self.shared.state().closed.clone()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn serve(listener: TcpListener, inst: Instrument, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = session(stream, inst, &shared);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

fn session(stream: TcpStream, inst: Instrument, shared: &Shared) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_millis(20)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while !shared.stop.load(Ordering::SeqCst) {
        match reader.read_line(&mut line) {
            Ok(0) => return Ok(()),
            Ok(_) if line.ends_with('\n') => {}
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => return Err(e),
        }
        let command = line.trim().to_string();
        line.clear();
        if command.is_empty() {
            continue;
        }
        match respond(inst, shared, &command) {
            Outcome::Silent => {}
            Outcome::Reply(text, delay) => {
                if !delay.is_zero() {
                    std::thread::sleep(delay);
                }
                writer.write_all(text.as_bytes())?;
                writer.write_all(b"\n")?;
            }
            Outcome::Garbage => writer.write_all(b"\xff\xfe\x00\x13+2.3E-02\x07\n")?,
            Outcome::Drop => {
                let _ = writer.shutdown(std::net::Shutdown::Both);
                return Ok(());
            }
        }
    }
    Ok(())
}

enum Outcome {
    Silent,
    Reply(String, Duration),
    Garbage,
    Drop,
}

/// SCPI header in short form: `CONFigure:FRESistance` and `conf:fres` both give
/// `CONF:FRES`; a leading `SENS:` is dropped; a trailing `?` is kept.
pub fn short_header(header: &str) -> String {
    let h = header.trim().trim_start_matches(':').to_ascii_uppercase();
    let query = h.ends_with('?');
    let nodes: Vec<String> = h
        .trim_end_matches('?')
        .split(':')
        .map(|n| {
            let n = n.trim_end_matches(|c: char| c.is_ascii_digit() && !n.starts_with('*'));
            if n.len() > 4 && !n.starts_with('*') {
                let four = &n[..4];
                if four.ends_with(['A', 'E', 'I', 'O', 'U']) {
                    n[..3].to_string()
                } else {
                    four.to_string()
                }
            } else {
                n.to_string()
            }
        })
        .collect();
    let mut nodes: &[String] = &nodes;
    if nodes.first().is_some_and(|n| n == "SENS") && nodes.len() > 1 {
        nodes = &nodes[1..];
    }
    let mut s = nodes.join(":");
    if query {
        s.push('?');
    }
    s
}

fn take_fault(st: &mut State, inst: Instrument, header: &str) -> Option<Fault> {
    // Drop counts every command.
    for (i, f) in st.faults.iter_mut() {
        if *i == inst
            && let Fault::DropAfter { commands } = f
        {
            *commands = commands.saturating_sub(1);
        }
    }
    let pos = st.faults.iter().position(|(i, f)| {
        *i == inst
            && match f {
                Fault::DropAfter { commands } => *commands == 0,
                Fault::SlowReply { header: h, .. }
                | Fault::Garbage { header: h }
                | Fault::ErrorAfter { header: h, .. } => short_header(h) == header,
                _ => false,
            }
    })?;
    Some(st.faults.remove(pos).1)
}

fn respond(inst: Instrument, shared: &Shared, command: &str) -> Outcome {
    let (head, args) = match command.split_once(char::is_whitespace) {
        Some((h, a)) => (h, a.trim()),
        None => (command, ""),
    };
    let header = short_header(head);
    let mut st = shared.state();
    st.log.push((inst, command.to_string()));
    let fault = take_fault(&mut st, inst, &header);
    let mut delay = Duration::ZERO;
    match fault {
        Some(Fault::DropAfter { .. }) => return Outcome::Drop,
        Some(Fault::Garbage { .. }) => return Outcome::Garbage,
        Some(Fault::SlowReply { delay: d, .. }) => delay = d,
        Some(Fault::ErrorAfter { code, message, .. }) => {
            st.errors
                .entry(inst)
                .or_default()
                .push_back((code, message));
        }
        _ => {}
    }
    let reply = match (inst, header.as_str()) {
        (_, "*IDN?") => Some(
            match inst {
                Instrument::Dmm => "Keysight Technologies,34465A,MY59000001,A.03.01-02.40-sim",
                Instrument::Switch => "Agilent Technologies,34980A,MY50000001,2.51-2.43-sim",
            }
            .to_string(),
        ),
        (_, "*RST") | (_, "*CLS") => {
            if header == "*CLS" {
                st.errors.remove(&inst);
            } else {
                st.closed.clear();
            }
            None
        }
        (_, "SYST:ERR?") => {
            let e = st.errors.entry(inst).or_default().pop_front();
            Some(match e {
                Some((code, msg)) => format!("{code:+},\"{msg}\""),
                None => "+0,\"No error\"".to_string(),
            })
        }
        (Instrument::Dmm, h) => dmm_command(&mut st, h, args).map(|r| {
            if h == "READ?" || h == "MEAS:FRES?" {
                delay += shared.config.reading_time;
                reading(&shared.config, &st.closed)
            } else {
                r
            }
        }),
        (Instrument::Switch, h) => switch_command(&mut st, h, args),
    };
    match reply {
        Some(text) => Outcome::Reply(text, delay),
        None => Outcome::Silent,
    }
}

fn push_error(st: &mut State, inst: Instrument, code: i32, message: &str) {
    st.errors
        .entry(inst)
        .or_default()
        .push_back((code, message.to_string()));
}

/// Meter commands; `Some` for a query (the reading is filled in by the caller).
fn dmm_command(st: &mut State, header: &str, args: &str) -> Option<String> {
    let on_off = |a: &str| match a.to_ascii_uppercase().as_str() {
        "ON" | "1" => Some(true),
        "OFF" | "0" => Some(false),
        _ => None,
    };
    match header {
        "CONF:FRES" | "MEAS:FRES?" => {
            st.ocom = false;
            st.configured = true;
            if !args.is_empty() && !range_ok(args) {
                push_error(st, Instrument::Dmm, -222, "Data out of range");
            }
            (header == "MEAS:FRES?").then(String::new)
        }
        "FRES:OCOM" => {
            match on_off(args) {
                Some(v) => st.ocom = v,
                None => push_error(st, Instrument::Dmm, -224, "Illegal parameter value"),
            }
            None
        }
        "FRES:NPLC" => {
            match args.parse::<f64>() {
                Ok(v)
                    if [0.001, 0.002, 0.006, 0.02, 0.06, 0.2, 1.0, 10.0, 100.0]
                        .iter()
                        .any(|x| (x - v).abs() < 1e-9) =>
                {
                    st.nplc = v
                }
                _ => push_error(st, Instrument::Dmm, -222, "Data out of range"),
            }
            None
        }
        "FRES:RANG" => {
            if !range_ok(args) {
                push_error(st, Instrument::Dmm, -222, "Data out of range");
            }
            None
        }
        "FRES:RANG:AUTO" => {
            if on_off(args).is_none() {
                push_error(st, Instrument::Dmm, -224, "Illegal parameter value");
            }
            None
        }
        "TRIG:SOUR" => {
            if !matches!(
                args.to_ascii_uppercase().as_str(),
                "IMM" | "IMMEDIATE" | "BUS" | "EXT"
            ) {
                push_error(st, Instrument::Dmm, -224, "Illegal parameter value");
            }
            None
        }
        "READ?" => Some(String::new()),
        _ => {
            push_error(st, Instrument::Dmm, -113, "Undefined header");
            None
        }
    }
}

fn range_ok(args: &str) -> bool {
    let a = args.trim().to_ascii_uppercase();
    matches!(a.as_str(), "AUTO" | "DEF" | "MIN" | "MAX")
        || a.parse::<f64>().is_ok_and(|v| v > 0.0 && v <= 1.0e9)
}

/// Switch commands; `Some` for a query.
fn switch_command(st: &mut State, header: &str, args: &str) -> Option<String> {
    let channels = || crate::channel_list::parse(args);
    let valid = |c: &u32| (1001..=1040).contains(c);
    match header {
        "ROUT:CLOS" => {
            match channels() {
                Ok(list) if list.iter().all(valid) => {
                    for c in list {
                        let mut actual = Some(c);
                        for (i, f) in &st.faults {
                            match f {
                                Fault::StuckOpen { channel }
                                    if *i == Instrument::Switch && *channel == c =>
                                {
                                    actual = None
                                }
                                Fault::ClosesInstead { asked, instead }
                                    if *i == Instrument::Switch && *asked == c =>
                                {
                                    actual = Some(*instead)
                                }
                                _ => {}
                            }
                        }
                        if let Some(a) = actual {
                            st.closed.insert(a);
                        }
                    }
                }
                _ => push_error(st, Instrument::Switch, -222, "Data out of range"),
            }
            None
        }
        "ROUT:OPEN" => {
            match channels() {
                Ok(list) if list.iter().all(valid) => {
                    for c in list {
                        st.closed.remove(&c);
                    }
                    // A miswired driver opens what it closed.
                    let instead: Vec<(u32, u32)> = st
                        .faults
                        .iter()
                        .filter_map(|(_, f)| match f {
                            Fault::ClosesInstead { asked, instead } => Some((*asked, *instead)),
                            _ => None,
                        })
                        .collect();
                    for (asked, inst) in instead {
                        if crate::channel_list::parse(args).is_ok_and(|l| l.contains(&asked)) {
                            st.closed.remove(&inst);
                        }
                    }
                }
                _ => push_error(st, Instrument::Switch, -222, "Data out of range"),
            }
            None
        }
        "ROUT:OPEN:ALL" => {
            st.closed.clear();
            None
        }
        "ROUT:CLOS?" => match channels() {
            Ok(list) if list.iter().all(valid) => Some(
                list.iter()
                    .map(|c| if st.closed.contains(c) { "1" } else { "0" })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => {
                push_error(st, Instrument::Switch, -222, "Data out of range");
                None
            }
        },
        _ => {
            push_error(st, Instrument::Switch, -113, "Undefined header");
            None
        }
    }
}

/// What the meter reads through the closed relays: a probe's contact plus the common
/// return, the return alone, paths in parallel, or the overload when nothing is closed.
fn reading(config: &SimConfig, closed: &BTreeSet<u32>) -> String {
    let mut paths_mohm = Vec::new();
    let (ra, rb) = REFERENCE_CHANNELS;
    if closed.contains(&ra) && closed.contains(&rb) {
        paths_mohm.push(config.reference_mohm);
    }
    for (&c, contact) in &config.contact_mohm {
        let (a, b) = switch_channels(c);
        if let Some(r) = contact
            && closed.contains(&a)
            && closed.contains(&b)
        {
            paths_mohm.push(r + config.reference_mohm);
        }
    }
    let ohm = if paths_mohm.is_empty() {
        OVERLOAD
    } else {
        1.0 / paths_mohm.iter().map(|r| 1.0 / r).sum::<f64>() / 1000.0
    };
    scpi_number(ohm)
}

/// A number as a 34465A writes it: `+2.34560000E-02`.
pub fn scpi_number(v: f64) -> String {
    let s = format!("{:+.8E}", v);
    match s.split_once('E') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}E{sign}{digits:0>2}")
        }
        None => s,
    }
}

/// A scripted line instrument: answers `query` with the next of `replies` (the last
/// one repeats), anything else with nothing. Stands for a Mark-10 gauge or a lid switch
/// reader behind a serial-to-LAN bridge.
pub struct LineSim {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    served: Arc<Mutex<usize>>,
}

impl LineSim {
    /// Starts on a free port of 127.0.0.1. Commands may end in CR or LF.
    pub fn start(query: &str, replies: Vec<String>) -> std::io::Result<LineSim> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(Mutex::new(0usize));
        let (stop2, served2, query) = (Arc::clone(&stop), Arc::clone(&served), query.to_string());
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::SeqCst) {
                let Ok((mut s, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                };
                let _ = s.set_nonblocking(false);
                let _ = s.set_read_timeout(Some(Duration::from_millis(20)));
                let mut buf = Vec::new();
                let mut byte = [0u8; 256];
                while !stop2.load(Ordering::SeqCst) {
                    match std::io::Read::read(&mut s, &mut byte) {
                        Ok(0) => break,
                        Ok(n) => buf.extend_from_slice(&byte[..n]),
                        Err(_) => continue,
                    }
                    while let Some(end) = buf.iter().position(|b| *b == b'\r' || *b == b'\n') {
                        let cmd: Vec<u8> = buf.drain(..=end).collect();
                        let cmd = String::from_utf8_lossy(&cmd).trim().to_string();
                        if cmd == query {
                            let mut n = served2.lock().unwrap_or_else(|e| e.into_inner());
                            let r = replies
                                .get(*n)
                                .or(replies.last())
                                .cloned()
                                .unwrap_or_default();
                            *n += 1;
                            let _ = s.write_all(format!("{r}\r\n").as_bytes());
                        }
                    }
                }
            }
        });
        Ok(LineSim {
            addr,
            stop,
            thread: Some(thread),
            served,
        })
    }

    /// The resource string.
    pub fn resource(&self) -> String {
        format!("TCPIP0::127.0.0.1::{}::SOCKET", self.addr.port())
    }

    /// How many queries were answered.
    pub fn served(&self) -> usize {
        *self.served.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for LineSim {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A stand-in for the fixture service's `POST /api/v1/runs`, as documented: runs are
/// keyed by uuid (201 when stored, 200 when the uuid is known already), 401 on a
/// token other than the one given, 400 on a body that is not a valid run. It can be
/// stopped and started again on the same port, keeping what it stored.
pub struct ServiceStub {
    port: u16,
    token: String,
    runs: Arc<Mutex<BTreeMap<uuid::Uuid, pogo_qc::run::Run>>>,
    posts: Arc<Mutex<usize>>,
    running: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl ServiceStub {
    /// Starts on a free port of 127.0.0.1.
    pub fn start(token: &str) -> std::io::Result<ServiceStub> {
        let mut s = ServiceStub {
            port: 0,
            token: token.into(),
            runs: Arc::default(),
            posts: Arc::default(),
            running: None,
        };
        s.resume()?;
        Ok(s)
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops answering (connections are refused) and waits for the server to end.
    pub fn stop(&mut self) {
        if let Some((stop, t)) = self.running.take() {
            stop.store(true, Ordering::SeqCst);
            let _ = t.join();
        }
    }

    /// Starts again on the same port.
    pub fn resume(&mut self) -> std::io::Result<()> {
        self.stop();
        let listener = TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        self.port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let (stop2, runs, posts, token) = (
            Arc::clone(&stop),
            Arc::clone(&self.runs),
            Arc::clone(&self.posts),
            self.token.clone(),
        );
        let t = std::thread::spawn(move || {
            while !stop2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((s, _)) => {
                        let _ = answer_http(s, &token, &runs, &posts);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        self.running = Some((stop, t));
        Ok(())
    }

    /// Runs stored, by uuid.
    pub fn runs(&self) -> BTreeMap<uuid::Uuid, pogo_qc::run::Run> {
        self.runs.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Posts received (stored, replayed or refused).
    pub fn posts(&self) -> usize {
        *self.posts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for ServiceStub {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answer_http(
    stream: TcpStream,
    token: &str,
    runs: &Mutex<BTreeMap<uuid::Uuid, pogo_qc::run::Run>>,
    posts: &Mutex<usize>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    let mut auth = String::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = v.trim().parse().unwrap_or(0),
                "authorization" => auth = v.trim().to_string(),
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length.min(16 << 20)];
    std::io::Read::read_exact(&mut reader, &mut body)?;
    *posts.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    let (status, text) = if !request_line.starts_with("POST /api/v1/runs ") {
        (404, "Not Found")
    } else if auth != format!("Bearer {token}") {
        (401, "Unauthorized")
    } else {
        match serde_json::from_slice::<pogo_qc::run::Run>(&body) {
            Ok(run) if run.validate().is_ok() => {
                let mut map = runs.lock().unwrap_or_else(|e| e.into_inner());
                match map.entry(run.uuid) {
                    std::collections::btree_map::Entry::Occupied(_) => (200, "OK"),
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(run);
                        (201, "Created")
                    }
                }
            }
            _ => (400, "Bad Request"),
        }
    };
    let reply = format!("{{\"status\":{status}}}");
    write!(
        writer,
        "HTTP/1.1 {status} {text}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    )?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_numbers_as_an_instrument_writes_them() {
        assert_eq!(short_header("CONFigure:FRESistance"), "CONF:FRES");
        assert_eq!(short_header(":SENSe:FRESistance:OCOMpensated"), "FRES:OCOM");
        assert_eq!(short_header("syst:error?"), "SYST:ERR?");
        assert_eq!(short_header("ROUTe:CLOSe?"), "ROUT:CLOS?");
        assert_eq!(short_header("*idn?"), "*IDN?");
        assert_eq!(scpi_number(0.0234567), "+2.34567000E-02");
        assert_eq!(scpi_number(9.9e37), "+9.90000000E+37");
    }
}
