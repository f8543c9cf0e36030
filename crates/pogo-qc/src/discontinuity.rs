//! Vibration discontinuity detection (EIA-364-46 style): a recorded contact
//! resistance trace is scanned for events where the resistance stays above a
//! threshold for at least a minimum time.
//!
//! The trace is read as a stream through one fixed-size buffer, so memory does not
//! grow with its length. Encodings: `f32le` and `i16le` binary (channels
//! interleaved: frame = one sample of every channel), or `csv` (one frame per line,
//! one column per channel, an optional header line). Samples are multiplied by
//! `scale_ohm_per_count` to give ohms.
//!
//! Rule: a sample is *above* when its resistance is greater than the threshold (a
//! NaN sample counts as above: an open contact). A run of `L` consecutive above
//! samples starting at sample `s` is an event when `L / sample_rate >= min_duration`;
//! it is reported with `start_s = s / sample_rate`, `duration_s = L / sample_rate`
//! and the largest resistance in the run. A run still going at the end of the trace
//! is reported as open-ended (its duration is a lower bound).

use crate::{QcError, Result};
use serde::Serialize;
use std::io::{BufRead, Read};

/// How samples are stored in a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Little-endian 32-bit floats.
    F32Le,
    /// Little-endian 16-bit integers (counts, scaled).
    I16Le,
    /// CSV text, one frame per line.
    Csv,
}

impl Encoding {
    /// The encoding named `s` (`f32le`, `i16le`, `csv`).
    pub fn parse(s: &str) -> Result<Encoding> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f32le" | "f32" => Ok(Encoding::F32Le),
            "i16le" | "i16" => Ok(Encoding::I16Le),
            "csv" => Ok(Encoding::Csv),
            _ => Err(QcError::Invalid(format!(
                "encoding `{s}` is not one of f32le, i16le, csv"
            ))),
        }
    }
    /// Bytes per sample (0 for CSV).
    pub fn sample_bytes(self) -> usize {
        match self {
            Encoding::F32Le => 4,
            Encoding::I16Le => 2,
            Encoding::Csv => 0,
        }
    }
}

/// How to read and judge a trace.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TraceConfig {
    /// How samples are stored.
    pub encoding: Encoding,
    /// Channels interleaved, one sample each per frame.
    pub channels: usize,
    /// Samples per second per channel.
    pub sample_rate_hz: f64,
    /// Ohms per count (i16le) or per unit (f32le, csv).
    pub scale_ohm_per_count: f64,
    /// An event is resistance above this, ohm.
    pub threshold_ohm: f64,
    /// ... lasting at least this long, s.
    pub min_duration_s: f64,
}

impl TraceConfig {
    fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(QcError::Invalid(m));
        if self.channels == 0 {
            return bad("channels must be at least 1".into());
        }
        if !(self.sample_rate_hz.is_finite() && self.sample_rate_hz > 0.0) {
            return bad(format!(
                "sample rate {} Hz must be a positive number",
                self.sample_rate_hz
            ));
        }
        if !(self.scale_ohm_per_count.is_finite() && self.scale_ohm_per_count > 0.0) {
            return bad(format!(
                "scale {} ohm per count must be a positive number",
                self.scale_ohm_per_count
            ));
        }
        if !self.threshold_ohm.is_finite() {
            return bad(format!(
                "threshold {} ohm must be a finite number",
                self.threshold_ohm
            ));
        }
        if !(self.min_duration_s.is_finite() && self.min_duration_s >= 0.0) {
            return bad(format!(
                "minimum duration {} s must be zero or more",
                self.min_duration_s
            ));
        }
        Ok(())
    }

    /// Smallest number of consecutive samples that makes an event:
    /// the least `L >= 1` with `L / sample_rate >= min_duration`.
    pub fn min_samples(&self) -> u64 {
        let x = self.min_duration_s * self.sample_rate_hz;
        // Tolerate the rounding of a product that should be a whole number.
        let n = (x - 1e-9 * x.max(1.0)).ceil();
        (n.max(1.0)) as u64
    }
}

/// One discontinuity event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Channel, numbered from 0.
    pub channel: usize,
    /// First sample of the event (frame index).
    pub start_sample: u64,
    /// Its time from the start of the trace, s.
    pub start_s: f64,
    /// Length, samples.
    pub duration_samples: u64,
    /// Length, s.
    pub duration_s: f64,
    /// Largest resistance during the event, ohm.
    pub peak_ohm: f64,
    /// The trace ended inside the event.
    pub open_ended: bool,
}

/// Totals of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelSummary {
    /// Channel, numbered from 0.
    pub channel: usize,
    /// Events found.
    pub events: u64,
    /// Total time inside events, s.
    pub time_in_events_s: f64,
    /// Largest resistance of the channel over the whole trace, ohm.
    pub max_ohm: f64,
}

/// A whole scan: its settings, totals and every event, ordered by start sample then
/// channel. What `pogo qc discontinuity --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanReport {
    /// Samples per channel (frames).
    pub samples: u64,
    /// Channels interleaved in the trace.
    pub channels: usize,
    /// Samples per second per channel.
    pub sample_rate_hz: f64,
    /// An event is resistance above this, ohm.
    pub threshold_ohm: f64,
    /// ... lasting at least this long, s.
    pub min_duration_s: f64,
    /// Consecutive samples above the threshold that make an event.
    pub min_event_samples: u64,
    /// Length of the trace, s.
    pub duration_s: f64,
    /// Every event.
    pub events: Vec<Event>,
    /// Events per channel.
    pub counts: Vec<u64>,
    /// Totals per channel.
    pub per_channel: Vec<ChannelSummary>,
}

/// Scans a trace ([`scan`]) and keeps every event, ordered by start sample then
/// channel, in a [`ScanReport`].
pub fn scan_report<R: Read>(
    reader: R,
    cfg: TraceConfig,
    path: &str,
    progress: impl FnMut(u64),
) -> Result<ScanReport> {
    let mut events = Vec::new();
    let summary = scan(reader, cfg, path, |e| events.push(e), progress)?;
    events.sort_by_key(|e: &Event| (e.start_sample, e.channel));
    Ok(ScanReport {
        samples: summary.samples,
        channels: cfg.channels,
        sample_rate_hz: cfg.sample_rate_hz,
        threshold_ohm: cfg.threshold_ohm,
        min_duration_s: cfg.min_duration_s,
        min_event_samples: summary.min_event_samples,
        duration_s: summary.duration_s,
        events,
        counts: summary.per_channel.iter().map(|c| c.events).collect(),
        per_channel: summary.per_channel,
    })
}

/// Totals of a scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanSummary {
    /// The settings of the scan.
    pub config: TraceConfig,
    /// Samples per channel (frames).
    pub samples: u64,
    /// Length of the trace, s.
    pub duration_s: f64,
    /// Consecutive samples above the threshold that make an event.
    pub min_event_samples: u64,
    /// Events found on every channel.
    pub events: u64,
    /// Totals per channel.
    pub per_channel: Vec<ChannelSummary>,
    /// Bytes read from the trace.
    pub bytes_read: u64,
}

struct State {
    cfg: TraceConfig,
    min_samples: u64,
    in_run: Vec<bool>,
    start: Vec<u64>,
    peak: Vec<f64>,
    counts: Vec<u64>,
    time_samples: Vec<u64>,
    max_ohm: Vec<f64>,
    frame: u64,
}

impl State {
    fn new(cfg: TraceConfig) -> State {
        let k = cfg.channels;
        State {
            cfg,
            min_samples: cfg.min_samples(),
            in_run: vec![false; k],
            start: vec![0; k],
            peak: vec![f64::NEG_INFINITY; k],
            counts: vec![0; k],
            time_samples: vec![0; k],
            max_ohm: vec![f64::NEG_INFINITY; k],
            frame: 0,
        }
    }

    fn event(&self, c: usize, end: u64, open: bool) -> Event {
        let fs = self.cfg.sample_rate_hz;
        let len = end - self.start[c];
        Event {
            channel: c,
            start_sample: self.start[c],
            start_s: self.start[c] as f64 / fs,
            duration_samples: len,
            duration_s: len as f64 / fs,
            peak_ohm: self.peak[c],
            open_ended: open,
        }
    }

    /// One sample of channel `c` at the current frame.
    #[inline]
    fn sample(&mut self, c: usize, above: bool, ohm: f64, sink: &mut impl FnMut(Event)) {
        if ohm > self.max_ohm[c] || ohm.is_nan() {
            self.max_ohm[c] = ohm;
        }
        if above {
            if !self.in_run[c] {
                self.in_run[c] = true;
                self.start[c] = self.frame;
                self.peak[c] = ohm;
            } else if ohm > self.peak[c] || ohm.is_nan() {
                self.peak[c] = ohm;
            }
        } else if self.in_run[c] {
            self.close(c, self.frame, false, sink);
        }
    }

    /// A block of `frames` frames with no sample at or above the threshold: runs in progress
    /// end at its first frame and each channel's maximum takes the block's (`maxes_ohm`, one
    /// per channel).
    fn quiet_block(
        &mut self,
        frames: usize,
        maxes_ohm: impl Iterator<Item = f64>,
        sink: &mut impl FnMut(Event),
    ) {
        for (c, m) in maxes_ohm.enumerate() {
            if self.in_run[c] {
                self.close(c, self.frame, false, sink);
            }
            if m > self.max_ohm[c] {
                self.max_ohm[c] = m;
            }
        }
        self.frame += frames as u64;
    }

    fn close(&mut self, c: usize, end: u64, open: bool, sink: &mut impl FnMut(Event)) {
        self.in_run[c] = false;
        let len = end - self.start[c];
        if len >= self.min_samples {
            self.counts[c] += 1;
            self.time_samples[c] += len;
            sink(self.event(c, end, open));
        }
    }

    fn finish(mut self, bytes_read: u64, sink: &mut impl FnMut(Event)) -> ScanSummary {
        for c in 0..self.cfg.channels {
            if self.in_run[c] {
                self.close(c, self.frame, true, sink);
            }
        }
        let fs = self.cfg.sample_rate_hz;
        ScanSummary {
            config: self.cfg,
            samples: self.frame,
            duration_s: self.frame as f64 / fs,
            min_event_samples: self.min_samples,
            events: self.counts.iter().sum(),
            per_channel: (0..self.cfg.channels)
                .map(|c| ChannelSummary {
                    channel: c,
                    events: self.counts[c],
                    time_in_events_s: self.time_samples[c] as f64 / fs,
                    max_ohm: if self.frame == 0 {
                        0.0
                    } else {
                        self.max_ohm[c]
                    },
                })
                .collect(),
            bytes_read,
        }
    }
}

/// Size of the read buffer (rounded down to whole frames).
pub const BUFFER_BYTES: usize = 1 << 20;
/// Frames checked at once on the fast path.
const BLOCK_FRAMES: usize = 1024;

/// The smallest raw f32 value whose resistance is above the threshold
/// (`f32::INFINITY` when no finite value is).
///
/// A bisection over the finite f32 values in order (32 steps whatever the scale: a
/// walk one ulp at a time from `threshold / scale` never ends when the product
/// underflows, as with a subnormal scale).
fn f32_threshold(threshold: f64, scale: f64) -> f32 {
    let above = |t: f32| f64::from(t) * scale > threshold;
    // Ordered key of an f32: the integers run in the same order as the values
    // (-0 just below +0); the map is its own inverse.
    let key = |t: f32| {
        let b = t.to_bits() as i32;
        i64::from(b ^ ((((b >> 31) as u32) >> 1) as i32))
    };
    let value = |k: i64| {
        let b = k as i32;
        f32::from_bits((b ^ ((((b >> 31) as u32) >> 1) as i32)) as u32)
    };
    if !above(f32::MAX) {
        return f32::INFINITY;
    }
    if above(f32::MIN) {
        return f32::MIN;
    }
    // Invariant: value(lo) is not above, value(hi) is (multiplying by a positive
    // scale keeps the order, so "above" is monotone in the raw value).
    let (mut lo, mut hi) = (key(f32::MIN), key(f32::MAX));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if above(value(mid)) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    value(hi)
}

/// The smallest raw i16 count whose resistance is above the threshold
/// (i32::MAX when none is).
fn i16_threshold(threshold: f64, scale: f64) -> i32 {
    (i16::MIN as i32..=i16::MAX as i32)
        .find(|&c| f64::from(c) * scale > threshold)
        .unwrap_or(i32::MAX)
}

/// Scans a trace. `sink` receives every event as it closes (so events of
/// different channels come in order of their end); `progress` gets the bytes read
/// so far after each buffer. `path` names the trace in errors.
pub fn scan<R: Read>(
    reader: R,
    cfg: TraceConfig,
    path: &str,
    mut sink: impl FnMut(Event),
    mut progress: impl FnMut(u64),
) -> Result<ScanSummary> {
    cfg.validate()?;
    match cfg.encoding {
        Encoding::F32Le | Encoding::I16Le => {
            scan_binary(reader, cfg, path, &mut sink, &mut progress)
        }
        Encoding::Csv => scan_csv(
            std::io::BufReader::with_capacity(1 << 16, reader),
            cfg,
            path,
            &mut sink,
            &mut progress,
        ),
    }
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8], path: &str) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(QcError::Read {
                    path: path.into(),
                    source,
                });
            }
        }
    }
    Ok(n)
}

fn scan_binary<R: Read>(
    mut reader: R,
    cfg: TraceConfig,
    path: &str,
    sink: &mut impl FnMut(Event),
    progress: &mut impl FnMut(u64),
) -> Result<ScanSummary> {
    let k = cfg.channels;
    let sb = cfg.encoding.sample_bytes();
    let frame_bytes = k * sb;
    let buf_len = (BUFFER_BYTES / frame_bytes).max(1) * frame_bytes;
    let mut buf = vec![0u8; buf_len];
    let mut st = State::new(cfg);
    let mut total: u64 = 0;
    let scale = cfg.scale_ohm_per_count;
    let t32 = f32_threshold(cfg.threshold_ohm, scale);
    let t16 = i16_threshold(cfg.threshold_ohm, scale);
    loop {
        let n = read_full(&mut reader, &mut buf, path)?;
        total += n as u64;
        let whole = n / frame_bytes * frame_bytes;
        let data = &buf[..whole];
        match cfg.encoding {
            Encoding::F32Le => process_f32(&mut st, data, t32, scale, sink),
            Encoding::I16Le => process_i16(&mut st, data, t16, scale, sink),
            Encoding::Csv => unreachable!(),
        }
        progress(total);
        if n < buf.len() {
            if n != whole {
                return Err(QcError::Truncated {
                    path: path.into(),
                    bytes: total,
                    frame_bytes,
                    channels: k,
                    sample_bytes: sb,
                    leftover: n - whole,
                });
            }
            break;
        }
    }
    Ok(st.finish(total, sink))
}

#[inline]
fn f32_at(data: &[u8], i: usize) -> f32 {
    f32::from_le_bytes([
        data[4 * i],
        data[4 * i + 1],
        data[4 * i + 2],
        data[4 * i + 3],
    ])
}

fn process_f32(st: &mut State, data: &[u8], t: f32, scale: f64, sink: &mut impl FnMut(Event)) {
    let k = st.cfg.channels;
    let frame_bytes = 4 * k;
    let mut maxes = vec![f32::NEG_INFINITY; k];
    for block in data.chunks(BLOCK_FRAMES * frame_bytes) {
        let frames = block.len() / frame_bytes;
        // Fast path: one pass for the per-channel maxima and any NaN; when no sample
        // of the block is above, runs in progress end at the block's first frame.
        let nan = block_max_f32(block, k, &mut maxes);
        if !nan && maxes.iter().all(|&m| m < t) {
            let maxes_ohm = maxes.iter().map(|&m| f64::from(m) * scale);
            st.quiet_block(frames, maxes_ohm, sink);
            continue;
        }
        for f in 0..frames {
            for c in 0..k {
                let v = f32_at(block, f * k + c);
                let above = v >= t || v.is_nan();
                st.sample(c, above, f64::from(v) * scale, sink);
            }
            st.frame += 1;
        }
    }
}

/// Per-channel maxima of a block of interleaved f32 samples; true when any is NaN.
fn block_max_f32(block: &[u8], k: usize, maxes: &mut [f32]) -> bool {
    maxes.iter_mut().for_each(|m| *m = f32::NEG_INFINITY);
    let mut nan = false;
    if 16 % k == 0 {
        // 16 lanes; lane j holds channel j % k (k divides 16), so the loop vectorises.
        let mut lanes = [f32::NEG_INFINITY; 16];
        let mut chunks = block.chunks_exact(64);
        for c in &mut chunks {
            for (j, lane) in lanes.iter_mut().enumerate() {
                let v = f32::from_le_bytes([c[4 * j], c[4 * j + 1], c[4 * j + 2], c[4 * j + 3]]);
                nan |= v.is_nan();
                *lane = if v > *lane { v } else { *lane };
            }
        }
        for (j, lane) in lanes.iter().enumerate() {
            let m = &mut maxes[j % k];
            *m = if *lane > *m { *lane } else { *m };
        }
        // The remainder is whole frames (block and chunk are multiples of 4 k bytes).
        for (i, b) in chunks.remainder().chunks_exact(4).enumerate() {
            let v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            nan |= v.is_nan();
            let m = &mut maxes[i % k];
            *m = if v > *m { v } else { *m };
        }
        return nan;
    }
    for frame in block.chunks_exact(4 * k) {
        for (c, m) in maxes.iter_mut().enumerate() {
            let v = f32::from_le_bytes([
                frame[4 * c],
                frame[4 * c + 1],
                frame[4 * c + 2],
                frame[4 * c + 3],
            ]);
            nan |= v.is_nan();
            *m = if v > *m { v } else { *m };
        }
    }
    nan
}

fn process_i16(st: &mut State, data: &[u8], t: i32, scale: f64, sink: &mut impl FnMut(Event)) {
    let k = st.cfg.channels;
    let frame_bytes = 2 * k;
    for block in data.chunks(BLOCK_FRAMES * frame_bytes) {
        let frames = block.len() / frame_bytes;
        let max_count = block
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .fold(i16::MIN, i16::max);
        if i32::from(max_count) < t {
            let mut maxes = vec![i16::MIN; k];
            for (i, b) in block.chunks_exact(2).enumerate() {
                let v = i16::from_le_bytes([b[0], b[1]]);
                if v > maxes[i % k] {
                    maxes[i % k] = v;
                }
            }
            let maxes_ohm = maxes.into_iter().map(|m| f64::from(m) * scale);
            st.quiet_block(frames, maxes_ohm, sink);
            continue;
        }
        for f in 0..frames {
            for c in 0..k {
                let i = 2 * (f * k + c);
                let v = i16::from_le_bytes([block[i], block[i + 1]]);
                st.sample(c, i32::from(v) >= t, f64::from(v) * scale, sink);
            }
            st.frame += 1;
        }
    }
}

fn scan_csv<R: BufRead>(
    mut reader: R,
    cfg: TraceConfig,
    path: &str,
    sink: &mut impl FnMut(Event),
    progress: &mut impl FnMut(u64),
) -> Result<ScanSummary> {
    let k = cfg.channels;
    let mut st = State::new(cfg);
    let mut line = String::new();
    let mut line_no: u64 = 0;
    let mut total: u64 = 0;
    let mut seen_data = false;
    let mut values = vec![0f64; k];
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => QcError::Csv {
                path: path.into(),
                line: line_no + 1,
                message: "not valid UTF-8 text".into(),
            },
            _ => QcError::Read {
                path: path.into(),
                source: e,
            },
        })?;
        if n == 0 {
            break;
        }
        total += n as u64;
        line_no += 1;
        let text = line
            .trim_end_matches(['\n', '\r'])
            .trim_start_matches('\u{feff}');
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let mut fields = 0usize;
        let mut bad: Option<String> = None;
        for (i, f) in text.split(',').enumerate() {
            fields += 1;
            if i >= k {
                continue;
            }
            let f = f.trim();
            match f.parse::<f64>() {
                Ok(v) => values[i] = v,
                Err(_) => {
                    if bad.is_none() {
                        bad = Some(f.to_string());
                    }
                }
            }
        }
        if let Some(b) = bad {
            if !seen_data {
                // A header line before any data.
                seen_data = true;
                if fields != k {
                    return Err(QcError::Csv {
                        path: path.into(),
                        line: line_no,
                        message: format!(
                            "header `{text}` has {fields} columns, expected {k} (one per channel)"
                        ),
                    });
                }
                continue;
            }
            return Err(QcError::Csv {
                path: path.into(),
                line: line_no,
                message: format!("`{b}` is not a number"),
            });
        }
        seen_data = true;
        if fields != k {
            return Err(QcError::Csv {
                path: path.into(),
                line: line_no,
                message: format!("{fields} values, expected {k} (one per channel)"),
            });
        }
        for (c, &v) in values.iter().enumerate() {
            let ohm = v * cfg.scale_ohm_per_count;
            st.sample(c, ohm > cfg.threshold_ohm || ohm.is_nan(), ohm, sink);
        }
        st.frame += 1;
        if line_no.is_multiple_of(65536) {
            progress(total);
        }
    }
    progress(total);
    Ok(st.finish(total, sink))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_exact() {
        for (thr, scale) in [
            (10.0, 1.0),
            (10.0, 0.001),
            (0.1, 0.3),
            (-1.0, 1.0),
            (1e30, 1e-10),
            (0.0, 5.41117235979e-312),
            (-1e-300, 1e-300),
            (1e300, 1e300),
        ] {
            let t = f32_threshold(thr, scale);
            if t.is_finite() {
                assert!(f64::from(t) * scale > thr);
                assert!(f64::from(t.next_down()) * scale <= thr);
            }
        }
        let t = i16_threshold(10.0, 0.01);
        assert_eq!(t, 1001);
        assert_eq!(i16_threshold(1e9, 1.0), i32::MAX);
    }

    #[test]
    fn min_samples_rounding() {
        let cfg = |fs: f64, d: f64| TraceConfig {
            encoding: Encoding::F32Le,
            channels: 1,
            sample_rate_hz: fs,
            scale_ohm_per_count: 1.0,
            threshold_ohm: 10.0,
            min_duration_s: d,
        };
        assert_eq!(cfg(1e6, 1e-6).min_samples(), 1);
        assert_eq!(cfg(1e6, 5e-6).min_samples(), 5);
        assert_eq!(cfg(3e6, 1e-6).min_samples(), 3);
        assert_eq!(cfg(1e6, 1.5e-6).min_samples(), 2);
        assert_eq!(cfg(1e6, 0.0).min_samples(), 1);
    }
}
