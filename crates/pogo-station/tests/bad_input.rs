//! Every parser of user input (resource strings, channel lists, channel maps, profile
//! files, gauge replies, SCPI error entries) on mutated inputs: one error or a value,
//! never a panic; and errors that name a line name one inside the text.

use pogo_station::StationError;
use pogo_station::channel_map::ChannelMap;
use pogo_station::{channel_list, force, profile, resource::Resource, scpi};

/// Deterministic mutations of a seed: byte flips, cuts, insertions of separators.
fn mutations(seed: &str, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    let mut rng = pogo_testdata::Xorshift(0x9e37_79b9_7f4a_7c15);
    let mut next = || rng.next_u64();
    let pieces = [
        "",
        ",",
        ":",
        "::",
        "@",
        "(",
        ")",
        "\"",
        "\n",
        "{",
        "}",
        "=",
        "[",
        "]",
        "-",
        "9e99",
        "\u{0}",
        "é",
        "ref",
        "[[profile]]",
        "\r",
    ];
    for _ in 0..n {
        let mut s: Vec<char> = seed.chars().collect();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() as usize) % (s.len() + 1);
            match next() % 3 {
                0 if !s.is_empty() => {
                    let end = (at + (next() as usize % 5)).min(s.len());
                    s.drain(at.min(end)..end);
                }
                1 => {
                    let p = pieces[(next() as usize) % pieces.len()];
                    for (k, c) in p.chars().enumerate() {
                        s.insert((at + k).min(s.len()), c);
                    }
                }
                _ => {
                    if at < s.len() {
                        s[at] = char::from(b' ' + (next() % 94) as u8);
                    }
                }
            }
        }
        out.push(s.into_iter().collect());
    }
    out
}

fn lines(text: &str) -> usize {
    text.matches('\n').count() + 1
}

#[test]
fn resource_strings_and_channel_lists_never_panic() {
    for seed in [
        "TCPIP0::192.0.2.1::5025::SOCKET",
        "ASRL/dev/ttyUSB0::INSTR",
        "/dev/usbtmc0",
    ] {
        for m in mutations(seed, 3000) {
            match Resource::parse(&m) {
                Ok(r) => assert!(!r.to_string().is_empty()),
                Err(e) => assert!(matches!(e, StationError::BadResource { .. }), "{e}"),
            }
        }
    }
    for m in mutations("(@1001:1003,1021)", 3000) {
        if let Ok(v) = channel_list::parse(&m) {
            assert!(!v.is_empty() && v.len() <= channel_list::MAX_CHANNELS);
        }
    }
}

#[test]
fn channel_maps_never_panic_and_errors_name_a_line_of_the_file() {
    let seed = "channel,route\n1,@1001,1021\n2,\"@1002,1022\"\nref,@1020,1040\n";
    for m in mutations(seed, 3000) {
        match ChannelMap::parse("m.csv", &m) {
            Ok(map) => assert!(!map.reference.is_empty()),
            Err(StationError::ChannelMap { line, .. }) => {
                assert!(line as usize <= lines(&m), "line {line} of {m:?}")
            }
            Err(e) => panic!("unexpected error kind {e:?}"),
        }
    }
}

#[test]
fn profile_files_never_panic_and_errors_name_a_line_of_the_file() {
    let seed = "[[profile]]\nname = \"x\"\nmodels = [\"34465A\"]\n[profile.dmm]\nconfigure = [\"CONF:FRES\"]\nrange_auto = \"FRES:RANG:AUTO ON\"\nrange_fixed = \"FRES:RANG {ohm}\"\nnplc = \"FRES:NPLC {nplc}\"\nmeasure = \"READ?\"\n";
    assert!(profile::parse_file("p.toml", seed).is_ok());
    for m in mutations(seed, 3000) {
        match profile::parse_file("p.toml", &m) {
            Ok(ps) => assert!(!ps.is_empty()),
            Err(StationError::Profile { line, column, .. }) => {
                assert!(
                    line >= 1 && line <= lines(&m) && column >= 1,
                    "{line}:{column} {m:?}"
                )
            }
            Err(e) => panic!("unexpected error kind {e:?}"),
        }
    }
}

#[test]
fn instrument_replies_never_panic() {
    for m in mutations("4.285 N", 3000) {
        if let Some(r) = force::parse_reading(&m) {
            assert!(r.newton.is_finite() && r.newton >= 0.0);
        }
    }
    for m in mutations("-113,\"Undefined header\"", 3000) {
        let _ = scpi::parse_error_entry(&m);
        let _ = scpi::Identity::parse(&m);
    }
}
