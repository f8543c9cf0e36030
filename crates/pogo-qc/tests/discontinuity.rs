//! Discontinuity events found exactly on synthetic traces with planted events.

use pogo_qc::QcError;
use pogo_qc::discontinuity::{BUFFER_BYTES, Encoding, Event, TraceConfig, scan};

const FS: f64 = 1.0e6; // 1 MHz
const THRESHOLD: f64 = 10.0;
const MIN_US: f64 = 5.0; // 5 samples at 1 MHz

fn cfg(encoding: Encoding, channels: usize) -> TraceConfig {
    TraceConfig {
        encoding,
        channels,
        sample_rate_hz: FS,
        scale_ohm_per_count: 1.0,
        threshold_ohm: THRESHOLD,
        min_duration_s: MIN_US * 1e-6,
    }
}

/// A trace of `frames` x `channels` at a contact resistance of 25 mOhm with noise
/// below the threshold; `plant` sets (channel, start, length, level).
fn trace(frames: usize, channels: usize, plant: &[(usize, usize, usize, f32)]) -> Vec<f32> {
    let mut v: Vec<f32> = (0..frames * channels)
        .map(|i| 0.025 + 0.001 * ((i * 7919) % 13) as f32)
        .collect();
    for &(c, start, len, level) in plant {
        for f in start..start + len {
            v[f * channels + c] = level + 0.01 * (f - start) as f32;
        }
    }
    v
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn run(bytes: &[u8], c: TraceConfig) -> (Vec<Event>, pogo_qc::discontinuity::ScanSummary) {
    let mut events = Vec::new();
    let s = scan(bytes, c, "trace", |e| events.push(e), |_| {}).unwrap();
    events.sort_by_key(|e| (e.start_sample, e.channel));
    (events, s)
}

/// An event as the tests compare them: (channel, start sample, samples, open-ended).
type Found = (usize, u64, u64, bool);

fn found(events: &[Event]) -> Vec<Found> {
    events
        .iter()
        .map(|e| (e.channel, e.start_sample, e.duration_samples, e.open_ended))
        .collect()
}

/// The rule written as plainly as possible, for comparison.
fn reference(v: &[f32], channels: usize, min_samples: usize) -> Vec<Found> {
    let frames = v.len() / channels;
    let mut out = Vec::new();
    for c in 0..channels {
        let mut f = 0;
        while f < frames {
            let x = v[f * channels + c];
            if f64::from(x) > THRESHOLD || x.is_nan() {
                let start = f;
                while f < frames
                    && (f64::from(v[f * channels + c]) > THRESHOLD || v[f * channels + c].is_nan())
                {
                    f += 1;
                }
                if f - start >= min_samples {
                    out.push((c, start as u64, (f - start) as u64, f == frames));
                }
            } else {
                f += 1;
            }
        }
    }
    out.sort_by_key(|e| (e.1, e.0));
    out
}

/// The error of scanning `bytes`, which must fail.
fn scan_err(bytes: &[u8], cfg: TraceConfig, path: &str) -> QcError {
    scan(bytes, cfg, path, |_| {}, |_| {}).unwrap_err()
}

#[test]
fn planted_events_are_found_exactly() {
    let channels = 3;
    // Frames per 1 MiB buffer (12-byte frames): events straddle that boundary too.
    let buf_frames = BUFFER_BYTES / (4 * channels);
    let frames = 2 * buf_frames + 500;
    let plant = [
        (0, 0, 7, 50.0),              // at the very start
        (0, 100, 5, 12.0),            // exactly the minimum duration
        (1, 200, 4, 1000.0),          // one sample shorter: not an event
        (2, 1020, 9, 20.0),           // across a 1024-frame block boundary
        (1, buf_frames - 3, 6, 30.0), // across the read buffer boundary
        (2, buf_frames - 2, 4, 30.0), // short one across the buffer boundary
        (0, frames - 5, 5, 11.0),     // exactly the minimum, at the end: open-ended
        (1, frames - 4, 4, 11.0),     // short at the end: not an event
        (2, frames - 1, 1, 99.0),     // one sample at the end: not an event
    ];
    let v = trace(frames, channels, &plant);
    let (events, s) = run(&f32_bytes(&v), cfg(Encoding::F32Le, channels));
    assert_eq!(s.samples, frames as u64);
    assert_eq!(s.min_event_samples, 5);
    let got = found(&events);
    assert_eq!(
        got,
        vec![
            (0, 0, 7, false),
            (0, 100, 5, false),
            (2, 1020, 9, false),
            (1, buf_frames as u64 - 3, 6, false),
            (0, frames as u64 - 5, 5, true),
        ]
    );
    assert_eq!(got, reference(&v, channels, 5));
    // Times and peaks.
    let e = &events[1];
    assert!((e.start_s - 100e-6).abs() < 1e-15 && (e.duration_s - 5e-6).abs() < 1e-15);
    assert!((e.peak_ohm - f64::from(12.04f32)).abs() < 1e-6);
    assert_eq!(
        s.per_channel.iter().map(|c| c.events).collect::<Vec<_>>(),
        vec![3, 1, 1]
    );
    assert_eq!(s.events, 5);
}

#[test]
fn threshold_is_strict_and_nan_is_open() {
    let mut v = trace(100, 1, &[]);
    for x in v.iter_mut().skip(10).take(8) {
        *x = THRESHOLD as f32; // at the threshold: not above
    }
    for x in v.iter_mut().skip(40).take(6) {
        *x = f32::NAN;
    }
    v[70..76].copy_from_slice(&[11.0, 11.0, 10.0, 11.0, 11.0, 11.0]); // broken run
    let (events, _) = run(&f32_bytes(&v), cfg(Encoding::F32Le, 1));
    let got: Vec<(u64, u64)> = events
        .iter()
        .map(|e| (e.start_sample, e.duration_samples))
        .collect();
    assert_eq!(got, vec![(40, 6)]);
}

#[test]
fn random_traces_match_the_plain_rule() {
    let mut s: u64 = 42;
    let mut rnd = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as usize
    };
    for channels in [1usize, 2, 5] {
        let frames = 300_000;
        let mut plant = Vec::new();
        for _ in 0..400 {
            let c = rnd() % channels;
            let start = rnd() % frames;
            let len = (1 + rnd() % 9).min(frames - start);
            plant.push((c, start, len, 10.5 + (rnd() % 100) as f32));
        }
        let v = trace(frames, channels, &plant);
        for min_us in [1.0, 4.0, 5.0, 8.0] {
            let mut c = cfg(Encoding::F32Le, channels);
            c.min_duration_s = min_us * 1e-6;
            let (events, _) = run(&f32_bytes(&v), c);
            let got = found(&events);
            assert_eq!(
                got,
                reference(&v, channels, min_us as usize),
                "channels {channels} min {min_us} us"
            );
        }
    }
}

#[test]
fn i16_and_csv_encodings_give_the_same_events() {
    let channels = 2;
    let frames = 5000;
    let plant = [
        (0, 10, 5, 12.0),
        (1, 10, 4, 12.0),
        (1, 3000, 20, 40.0),
        (0, frames - 6, 6, 15.0),
    ];
    let v = trace(frames, channels, &plant);
    let (f32_events, _) = run(&f32_bytes(&v), cfg(Encoding::F32Le, channels));
    // i16 at 1 mOhm per count.
    let counts: Vec<u8> = v
        .iter()
        .flat_map(|x| ((f64::from(*x) * 1000.0).round().min(32767.0) as i16).to_le_bytes())
        .collect();
    let mut c16 = cfg(Encoding::I16Le, channels);
    c16.scale_ohm_per_count = 0.001;
    let (i16_events, _) = run(&counts, c16);
    // CSV with a header.
    let mut text = String::from("ch0,ch1\n");
    for f in 0..frames {
        text.push_str(&format!("{},{}\n", v[2 * f], v[2 * f + 1]));
    }
    let (csv_events, s) = run(text.as_bytes(), cfg(Encoding::Csv, channels));
    assert_eq!(s.samples, frames as u64);
    assert_eq!(
        found(&f32_events),
        vec![
            (0, 10, 5, false),
            (1, 3000, 20, false),
            (0, frames as u64 - 6, 6, true)
        ]
    );
    assert_eq!(found(&i16_events), found(&f32_events));
    assert_eq!(found(&csv_events), found(&f32_events));
}

#[test]
fn truncated_trace_is_an_error() {
    let v = trace(100, 2, &[]);
    let mut bytes = f32_bytes(&v);
    bytes.truncate(bytes.len() - 3);
    let err = scan(&bytes[..], cfg(Encoding::F32Le, 2), "t.f32", |_| {}, |_| {}).unwrap_err();
    assert!(
        matches!(
            err,
            QcError::Truncated {
                leftover: 5,
                frame_bytes: 8,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("truncated"));
    let err = scan_err(&[1u8, 2, 3][..], cfg(Encoding::I16Le, 1), "t.i16");
    assert!(matches!(err, QcError::Truncated { leftover: 1, .. }));
}

#[test]
fn bad_csv_and_bad_config() {
    let err = scan_err(&b"a,b\n1,2\n3,x\n"[..], cfg(Encoding::Csv, 2), "t.csv");
    assert!(err.to_string().contains("t.csv:3"), "{err}");
    let err = scan_err(&b"1,2\n3\n"[..], cfg(Encoding::Csv, 2), "t.csv");
    assert!(err.to_string().contains("t.csv:2"), "{err}");
    // A header with a column too few names its line and text, CRLF or LF.
    for text in ["# rig 4\nch1\n1,2\n", "# rig 4\r\nch1\r\n1,2\r\n"] {
        let err = scan_err(text.as_bytes(), cfg(Encoding::Csv, 2), "t.csv");
        assert_eq!(
            err.to_string(),
            "t.csv:2: header `ch1` has 1 columns, expected 2 (one per channel)"
        );
    }
    // A bad value after CRLF lines names its own line.
    let err = scan_err(
        &b"a,b\r\n1,2\r\n\r\n3,x\r\n"[..],
        cfg(Encoding::Csv, 2),
        "t.csv",
    );
    assert!(err.to_string().starts_with("t.csv:4:"), "{err}");
    let mut c = cfg(Encoding::F32Le, 1);
    c.sample_rate_hz = 0.0;
    assert!(scan(&[0u8; 4][..], c, "t", |_| {}, |_| {}).is_err());
    let mut c = cfg(Encoding::F32Le, 0);
    c.channels = 0;
    assert!(scan(&[0u8; 4][..], c, "t", |_| {}, |_| {}).is_err());
}

#[test]
fn empty_trace() {
    let (events, s) = run(&[], cfg(Encoding::F32Le, 4));
    assert!(events.is_empty());
    assert_eq!(s.samples, 0);
}

/// Fuzz regression (qc_discontinuity): a subnormal scale made the f32 threshold
/// search walk one ulp at a time from 0 (the product underflows to 0 for ~10^9 steps),
/// hanging every binary scan, even an i16 one. Both encodings now finish and find the
/// samples above a zero threshold.
#[test]
fn subnormal_scale_does_not_hang() {
    let scale = 5.41117235979e-312;
    for encoding in [Encoding::I16Le, Encoding::F32Le] {
        let c = TraceConfig {
            encoding,
            channels: 1,
            sample_rate_hz: 1.0,
            scale_ohm_per_count: scale,
            threshold_ohm: 0.0,
            min_duration_s: 0.0,
        };
        let bytes: Vec<u8> = match encoding {
            Encoding::I16Le => [0i16, 1, 1, 0, -3]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect(),
            _ => f32_bytes(&[0.0, 1.0, 1.0, 0.0, -3.0]),
        };
        let (events, s) = run(&bytes, c);
        assert_eq!(s.samples, 5);
        assert_eq!(events.len(), 1, "{encoding:?}: {events:?}");
        assert_eq!((events[0].start_sample, events[0].duration_samples), (1, 2));
    }
}
