//! The channel map: which switch channels reach each fixture channel.
//!
//! A CSV with the header `channel,route`, one row per fixture channel (`route` is what
//! goes inside the switch's channel list, e.g. `@1001,1021` for a 4-wire pair) and one
//! row `ref,ROUTE` for the common return of the shorting plate. Built-in switch
//! profiles give a default map for their card.

use crate::profile::DefaultMap;
use crate::{Result, StationError};
use pogo_fixture::Fixture;
use std::collections::BTreeMap;

/// Routes of the fixture channels and of the common return.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelMap {
    /// Route of the common return (shorting plate to the meter).
    pub reference: String,
    /// Route per fixture channel (1-based).
    pub routes: BTreeMap<u32, String>,
}

/// One probe of the fixture and the route that reaches it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRoute {
    /// Probe id of the fixture.
    pub probe: String,
    /// Fixture channel of the probe.
    pub channel: u32,
    /// The switch route (channel list) that reaches it.
    pub route: String,
}

impl ChannelMap {
    /// Reads a channel map file.
    pub fn read(path: &std::path::Path) -> Result<ChannelMap> {
        let (shown, text) =
            pogo_text::read_text_file(path, |path, source| StationError::File { path, source })?;
        Self::parse(&shown, &text)
    }

    /// Parses channel map text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<ChannelMap> {
        let err = |line: u64, message: String| StationError::ChannelMap {
            path: path.into(),
            line,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| err(1, e.to_string()))?.clone();
        let names: Vec<String> = headers.iter().map(|h| h.to_ascii_lowercase()).collect();
        if names != ["channel", "route"] {
            let header = headers.iter().collect::<Vec<_>>().join(",");
            let missing = ["channel", "route"]
                .into_iter()
                .find(|c| !names.iter().any(|n| n == c));
            let message = match missing {
                Some(column) => format!(
                    "missing column `{column}` in the header `{header}`; expected `channel,route`"
                ),
                None => format!("header is `{header}`, expected `channel,route`"),
            };
            return Err(err(1, message));
        }
        let mut reference = None;
        let mut routes = BTreeMap::new();
        let mut seen: BTreeMap<Vec<u32>, String> = BTreeMap::new();
        let mut lines = pogo_text::RecordLines::new(text, None);
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                err(line, e.to_string())
            })?;
            let line = record
                .position()
                .map_or(0, |p| lines.record_line_at(p.byte()));
            if record.iter().all(str::is_empty) {
                continue;
            }
            if record.len() < 2 {
                return Err(err(
                    line,
                    format!("{} field, expected channel,route", record.len()),
                ));
            }
            // A route's channel list has commas of its own: `1,@1001,1021` is channel 1
            // on route `@1001,1021`, quoted or not.
            let channel = &record[0];
            let joined = record.iter().skip(1).collect::<Vec<_>>().join(",");
            let route = joined.as_str();
            let channels = crate::channel_list::parse(route).map_err(|m| err(line, m))?;
            let mut key = channels.clone();
            key.sort_unstable();
            if let Some(other) = seen.insert(key, channel.to_string()) {
                return Err(err(
                    line,
                    format!(
                        "route `{route}` of channel {channel} is already the route of channel {other}"
                    ),
                ));
            }
            let route = route
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim()
                .to_string();
            if channel.eq_ignore_ascii_case("ref") {
                if reference.replace(route).is_some() {
                    return Err(err(line, "a second `ref` row".into()));
                }
                continue;
            }
            let n = channel
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    err(
                        line,
                        format!(
                            "`{channel}` is not a fixture channel (a whole number from 1, or `ref`)"
                        ),
                    )
                })?;
            if routes.insert(n, route).is_some() {
                return Err(err(line, format!("channel {n} is listed twice")));
            }
        }
        let reference = reference.ok_or_else(|| {
            err(
                0,
                "no `ref,ROUTE` row for the common return of the shorting plate".into(),
            )
        })?;
        Ok(ChannelMap { reference, routes })
    }

    /// The default map of a switch card.
    pub fn from_default(d: &DefaultMap) -> ChannelMap {
        let routes = (1..=d.channels)
            .map(|c| {
                let a = d.base + c;
                let route = match d.pair_offset {
                    Some(off) => format!("@{a},{}", a + off),
                    None => format!("@{a}"),
                };
                (c, route)
            })
            .collect();
        ChannelMap {
            reference: d.reference.clone(),
            routes,
        }
    }

    /// The route of every probe of the fixture, in the fixture's probe order. Every
    /// probe that has no channel, or whose channel the map misses, is listed in one
    /// error.
    pub fn route_probes(&self, fixture: &Fixture) -> Result<Vec<ProbeRoute>> {
        let assigned: BTreeMap<&str, u32> = fixture
            .channels
            .iter()
            .flat_map(|c| &c.assignments)
            .map(|a| (a.probe.as_str(), a.channel))
            .collect();
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for p in &fixture.probes {
            let Some(channel) = assigned.get(p.id.as_str()).copied().or(p.channel) else {
                problems.push(format!(
                    "{} has no interface channel in fixture.json (design with the mechanics step)",
                    p.id
                ));
                continue;
            };
            match self.routes.get(&channel) {
                Some(route) => out.push(ProbeRoute {
                    probe: p.id.clone(),
                    channel,
                    route: route.clone(),
                }),
                None => problems.push(format!(
                    "{} is on channel {channel}, which the channel map does not list",
                    p.id
                )),
            }
        }
        if out.is_empty() && problems.is_empty() {
            problems.push("the fixture has no probes".into());
        }
        if !problems.is_empty() {
            return Err(StationError::Unrouted { problems });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_the_reference() {
        // The route's own commas need no quotes.
        let m =
            ChannelMap::parse("m.csv", "channel,route\n1,@1001,1021\nref,@1020,1040\n").unwrap();
        assert_eq!(m.routes[&1], "@1001,1021");
        assert_eq!(m.reference, "@1020,1040");
        let m = ChannelMap::parse(
            "m.csv",
            "channel,route\n1,\"@1001,1021\"\n2,(@1002,1022)\nref,\"@1020,1040\"\n",
        )
        .unwrap();
        assert_eq!(m.routes[&2], "@1002,1022");
        assert_eq!(m.reference, "@1020,1040");
    }

    #[test]
    fn refuses_duplicates_and_a_missing_reference() {
        let dup = "channel,route\n1,@1001\n2,@1001\nref,@1020\n";
        assert!(matches!(
            ChannelMap::parse("m.csv", dup),
            Err(StationError::ChannelMap { line: 3, .. })
        ));
        let noref = "channel,route\n1,@1001\n";
        assert!(ChannelMap::parse("m.csv", noref).is_err());
        let bad = "channel,route\nx,@1001\nref,@1020\n";
        assert!(ChannelMap::parse("m.csv", bad).is_err());
        assert!(ChannelMap::parse("m.csv", "chan,route\n").is_err());
    }

    #[test]
    fn bad_rows_name_their_line_in_lf_and_crlf_files() {
        for eol in ["\n", "\r\n"] {
            let rows = [
                "channel,route",
                "1,@1001",
                "",
                "2,@1002",
                "x,@1003",
                "ref,@1020",
            ];
            let text = rows.join(eol) + eol;
            match ChannelMap::parse("m.csv", &text) {
                Err(StationError::ChannelMap { line, message, .. }) => {
                    assert_eq!(line, 5, "{eol:?}: {message}");
                    assert!(
                        message.contains("`x` is not a fixture channel"),
                        "{message}"
                    );
                }
                other => panic!("{eol:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_wrong_header_names_the_file_the_column_and_the_header() {
        for eol in ["\n", "\r\n"] {
            let text = ["chan,route", "1,@1001", "ref,@1020"].join(eol);
            let e = ChannelMap::parse("m.csv", &text).unwrap_err();
            assert!(
                matches!(e, StationError::ChannelMap { line: 1, .. }),
                "{e:?}"
            );
            let shown = e.to_string();
            assert!(
                shown.contains("m.csv")
                    && shown.contains("`channel`")
                    && shown.contains("`chan,route`"),
                "{shown}"
            );
        }
    }
}
