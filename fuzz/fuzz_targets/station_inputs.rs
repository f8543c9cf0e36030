//! Fuzz pogo-station's parsers of user input and instrument replies: the first byte
//! picks the parser (resource string, channel list, channel map CSV, profile TOML, gauge
//! reply, `SYST:ERR?` entry, `*IDN?` reply), the rest is its text. One value or one
//! error, never a panic or a hang; an error that names a line names one of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pogo_station::channel_map::ChannelMap;
use pogo_station::{StationError, channel_list, force, profile, resource::Resource, scpi};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let lines = text.matches('\n').count() + 1;
    match which % 7 {
        0 => match Resource::parse(text) {
            Ok(r) => assert_eq!(Resource::parse(&r.to_string()).ok(), Some(r)),
            Err(e) => assert!(matches!(e, StationError::BadResource { .. }), "{e}"),
        },
        1 => {
            if let Ok(v) = channel_list::parse(text) {
                assert!(!v.is_empty() && v.len() <= channel_list::MAX_CHANNELS);
            }
        }
        2 => match ChannelMap::parse("fuzz.csv", text) {
            Ok(m) => assert!(channel_list::parse(&m.reference).is_ok()),
            Err(StationError::ChannelMap { line, .. }) => {
                assert!(line as usize <= lines, "line {line} of {lines}")
            }
            Err(e) => panic!("unexpected error kind: {e:?}"),
        },
        3 => match profile::parse_file("fuzz.toml", text) {
            Ok(ps) => assert!(!ps.is_empty()),
            Err(StationError::Profile { line, column, .. }) => {
                assert!(line >= 1 && line <= lines && column >= 1, "{line}:{column}")
            }
            Err(e) => panic!("unexpected error kind: {e:?}"),
        },
        4 => {
            if let Some(r) = force::parse_reading(text) {
                assert!(r.newton.is_finite() && r.newton >= 0.0);
            }
        }
        5 => {
            let _ = scpi::parse_error_entry(text);
        }
        _ => {
            let _ = scpi::Identity::parse(text);
        }
    }
});
