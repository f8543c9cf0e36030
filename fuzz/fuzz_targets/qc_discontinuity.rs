//! Fuzz the discontinuity trace reader (f32le, i16le, csv) through its public API,
//! [`scan`], with reads cut into small pieces. A binary trace is also written out as
//! CSV and scanned again: both must find the same events (the binary fast paths
//! against the plain per-sample rule). Never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_qc::QcError;
use pogo_qc::discontinuity::{Encoding, Event, ScanSummary, TraceConfig, scan};
use std::io::Read;

/// A reader that hands out at most `step` bytes per call.
struct Pieces<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

const SCALES: [f64; 6] = [1.0, 0.001, 0.3, 1e-10, 1e10, 0.01];
const RATES: [f64; 5] = [1.0, 1000.0, 1e6, 3e6, 0.5];
const DURATIONS: [f64; 7] = [0.0, 1e-6, 1.5e-6, 0.001, 0.01, 1.0, 5.0];

fn config(h: &[u8]) -> TraceConfig {
    let encoding = [Encoding::F32Le, Encoding::I16Le, Encoding::Csv][h[0] as usize % 3];
    let f = |i: usize| f64::from_le_bytes(h[i..i + 8].try_into().unwrap());
    if h[1] & 0x80 != 0 {
        // Raw figures: the configuration checks and threshold search see anything.
        TraceConfig {
            encoding,
            channels: h[1] as usize % 20,
            sample_rate_hz: f(8),
            scale_ohm_per_count: f(16),
            threshold_ohm: f(24),
            min_duration_s: f(32),
        }
    } else {
        TraceConfig {
            encoding,
            channels: 1 + h[1] as usize % 6,
            sample_rate_hz: RATES[h[2] as usize % RATES.len()],
            scale_ohm_per_count: SCALES[h[3] as usize % SCALES.len()],
            threshold_ohm: f64::from(i16::from_le_bytes([h[4], h[5]])) / 16.0,
            min_duration_s: DURATIONS[h[6] as usize % DURATIONS.len()],
        }
    }
}

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn same_event(a: &Event, b: &Event) -> bool {
    a.channel == b.channel
        && a.start_sample == b.start_sample
        && a.duration_samples == b.duration_samples
        && a.open_ended == b.open_ended
        && same(a.start_s, b.start_s)
        && same(a.duration_s, b.duration_s)
        && same(a.peak_ohm, b.peak_ohm)
}

fn run(data: &[u8], cfg: TraceConfig, step: usize) -> (Result<ScanSummary, QcError>, Vec<Event>) {
    let mut events = Vec::new();
    let mut last = 0;
    let r = scan(
        Pieces { data, step },
        cfg,
        "fuzz.trace",
        |e| events.push(e),
        |bytes| {
            assert!(bytes >= last && bytes <= data.len() as u64);
            last = bytes;
        },
    );
    (r, events)
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 40 {
        return;
    }
    let (head, data) = input.split_at(40);
    let cfg = config(head);
    let step = 1 + head[7] as usize;
    let (r, events) = run(data, cfg, step);
    let summary = match r {
        Ok(s) => s,
        Err(QcError::Invalid(_)) => return,
        Err(QcError::Truncated {
            leftover,
            frame_bytes,
            ..
        }) => {
            assert!(leftover > 0 && leftover < frame_bytes);
            assert_eq!(data.len() % frame_bytes, leftover);
            return;
        }
        Err(QcError::Csv { line, .. }) => {
            assert!(cfg.encoding == Encoding::Csv);
            assert!(line >= 1 && line <= data.split(|&b| b == b'\n').count() as u64);
            return;
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    };
    assert_eq!(summary.events, events.len() as u64);
    assert_eq!(summary.bytes_read, data.len() as u64);
    for e in &events {
        assert!(e.duration_samples >= summary.min_event_samples);
        assert!(e.start_sample + e.duration_samples <= summary.samples);
        assert!(e.channel < cfg.channels);
    }
    if cfg.encoding == Encoding::Csv {
        return;
    }
    // The same samples as CSV text, scanned by the per-sample CSV path.
    let k = cfg.channels;
    let mut csv = String::new();
    match cfg.encoding {
        Encoding::F32Le => {
            for frame in data.chunks_exact(4 * k) {
                let row: Vec<String> = frame
                    .chunks_exact(4)
                    .map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap())).to_string())
                    .collect();
                csv.push_str(&row.join(","));
                csv.push('\n');
            }
        }
        Encoding::I16Le => {
            for frame in data.chunks_exact(2 * k) {
                let row: Vec<String> = frame
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes(b.try_into().unwrap()).to_string())
                    .collect();
                csv.push_str(&row.join(","));
                csv.push('\n');
            }
        }
        Encoding::Csv => unreachable!(),
    }
    let csv_cfg = TraceConfig {
        encoding: Encoding::Csv,
        ..cfg
    };
    let (r2, events2) = run(csv.as_bytes(), csv_cfg, 4096);
    let s2 = r2.expect("the CSV copy of a binary trace reads");
    assert_eq!(summary.samples, s2.samples);
    assert_eq!(events.len(), events2.len(), "{events:?}\n{events2:?}");
    for (a, b) in events.iter().zip(&events2) {
        assert!(same_event(a, b), "binary {a:?}\ncsv {b:?}");
    }
    for (a, b) in summary.per_channel.iter().zip(&s2.per_channel) {
        assert_eq!(a.events, b.events);
        assert!(same(a.time_in_events_s, b.time_in_events_s));
        assert!(
            same(a.max_ohm, b.max_ohm),
            "max {} vs {}",
            a.max_ohm,
            b.max_ohm
        );
    }
});
