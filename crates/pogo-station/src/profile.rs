//! Instrument profiles: the commands one model needs for one job. Built in
//! (`profiles.toml` in this crate: Keysight 34461A/34465A/34980A, Keithley DMM6500 and
//! 2700, Rigol M300, Mark-10, a lid switch reader) or read from a user TOML file of the
//! same form, for other models.
//!
//! Templates take `{ohm}` (range), `{nplc}` and `{route}` (a channel list body such as
//! `@1001,1021`); any other `{...}` is an error when the profile is read.

use crate::transport::LinkSettings;
use crate::{Result, StationError};
use serde::Deserialize;
use std::time::Duration;

const BUILT_IN: &str = include_str!("profiles.toml");

/// One instrument profile.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The name `--dmm-profile` and the others give.
    pub name: String,
    /// `*IDN?` must name one of these models (empty: any model is accepted).
    #[serde(default)]
    pub models: Vec<String>,
    /// The identify query sent on connect; empty for instruments without one.
    #[serde(default = "default_identify")]
    pub identify: String,
    /// The error-queue query; empty for instruments without one.
    #[serde(default = "default_error_query")]
    pub error_query: String,
    /// Appended to every command sent.
    #[serde(default = "default_terminator")]
    pub write_terminator: String,
    /// Serial ports: baud rate.
    #[serde(default = "default_baud")]
    pub baud: u32,
    /// Longest wait for one reply.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// How to measure resistance, for a meter.
    pub dmm: Option<DmmProfile>,
    /// How to route channels, for a switch unit (or a meter's own card).
    pub switch: Option<SwitchProfile>,
    /// How to read a force, for a force gauge.
    pub force: Option<ForceProfile>,
    /// How to read the lid state, for a lid switch.
    pub lid: Option<LidProfile>,
}

fn default_identify() -> String {
    "*IDN?".into()
}
fn default_error_query() -> String {
    "SYST:ERR?".into()
}
fn default_terminator() -> String {
    "\n".into()
}
fn default_baud() -> u32 {
    9600
}
fn default_timeout_ms() -> u64 {
    5000
}

/// A 4-wire resistance meter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DmmProfile {
    /// Sent first (function selection).
    pub configure: Vec<String>,
    /// Selects autorange.
    pub range_auto: String,
    /// With `{ohm}`.
    pub range_fixed: String,
    /// With `{nplc}`.
    pub nplc: String,
    /// Sent last (offset compensation, which `CONF` switches off).
    #[serde(default)]
    pub after: Vec<String>,
    /// Takes one reading, in ohm.
    pub measure: String,
}

/// A switch unit (multiplexer).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchProfile {
    /// Sent once on connect.
    #[serde(default)]
    pub configure: Vec<String>,
    /// With `{route}`.
    pub close: String,
    /// With `{route}` (or without, to open everything).
    pub open: String,
    /// With `{route}`: answers `1` or `0` per channel of the route.
    pub state: String,
    /// The channel map used when none is given.
    pub default_map: Option<DefaultMap>,
}

/// A card's default wiring: fixture channel `c` is switch channel `base + c`, paired
/// with `base + c + pair_offset` for 4-wire; the common return has its own route.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultMap {
    /// Switch channel of fixture channel 0.
    pub base: u32,
    /// Offset of the sense channel paired with each channel (4-wire), if any.
    pub pair_offset: Option<u32>,
    /// Fixture channels the card carries (1 ..= channels).
    pub channels: u32,
    /// Route of the common return.
    pub reference: String,
}

/// A force gauge answering one reading per query (`4.285 N`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForceProfile {
    /// The query that answers one reading.
    pub query: String,
}

/// A lid switch read by a query answering one of two words.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LidProfile {
    /// The query that answers the state.
    pub query: String,
    /// The answer when the lid is closed.
    pub closed: String,
    /// The answer when the lid is open.
    pub open: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    profile: Vec<Profile>,
}

/// What a profile is needed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Measuring resistance (a meter).
    Dmm,
    /// Routing channels (a switch unit).
    Switch,
    /// Reading forces (a force gauge).
    ForceGauge,
    /// Reading the lid state (a lid switch reader).
    LidSwitch,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::Dmm => "4-wire resistance meter",
            Job::Switch => "switch unit",
            Job::ForceGauge => "force gauge",
            Job::LidSwitch => "lid switch",
        }
    }
}

impl Profile {
    /// Every built-in profile.
    pub fn built_in() -> Vec<Profile> {
        parse_file("built-in profiles.toml", BUILT_IN).expect("built-in profiles parse")
    }

    /// Names of the built-in profiles.
    pub fn built_in_names() -> Vec<String> {
        Self::built_in().into_iter().map(|p| p.name).collect()
    }

    /// A built-in profile by name, or the (first) profile of a TOML file.
    pub fn load(name_or_file: &str) -> Result<Profile> {
        if let Some(p) = Self::built_in()
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(name_or_file.trim()))
        {
            return Ok(p);
        }
        let path = std::path::Path::new(name_or_file);
        if name_or_file.ends_with(".toml") || path.exists() {
            let text = std::fs::read_to_string(path).map_err(|source| StationError::File {
                path: name_or_file.into(),
                source,
            })?;
            let mut all = parse_file(name_or_file, &text)?;
            return Ok(all.remove(0));
        }
        Err(StationError::UnknownProfile {
            name: name_or_file.into(),
            known: Self::built_in_names().join(", "),
        })
    }

    /// Checks the profile can do `job`.
    pub fn require(&self, job: Job) -> Result<()> {
        let has = match job {
            Job::Dmm => self.dmm.is_some(),
            Job::Switch => self.switch.is_some(),
            Job::ForceGauge => self.force.is_some(),
            Job::LidSwitch => self.lid.is_some(),
        };
        if has {
            return Ok(());
        }
        let found = if self.dmm.is_some() {
            Job::Dmm
        } else if self.switch.is_some() {
            Job::Switch
        } else if self.force.is_some() {
            Job::ForceGauge
        } else {
            Job::LidSwitch
        };
        Err(StationError::WrongRole {
            profile: self.name.clone(),
            found: found.name(),
            expected: job.name(),
        })
    }

    /// The link settings of this profile.
    pub fn link_settings(&self) -> LinkSettings {
        LinkSettings {
            timeout: Duration::from_millis(self.timeout_ms),
            write_terminator: self.write_terminator.clone(),
            baud: self.baud,
        }
    }

    /// The identify query, when the instrument has one.
    pub fn identify_query(&self) -> Option<&str> {
        Some(self.identify.as_str()).filter(|s| !s.is_empty())
    }

    /// The error-queue query, when the instrument has one.
    pub fn error_queue_query(&self) -> Option<&str> {
        Some(self.error_query.as_str()).filter(|s| !s.is_empty())
    }

    /// Opens a session to `resource` with this profile's link settings, identify and
    /// error-queue queries.
    pub fn open_session(
        &self,
        resource: &crate::resource::Resource,
    ) -> Result<crate::scpi::Session> {
        crate::scpi::Session::open(
            resource,
            &self.link_settings(),
            self.identify_query(),
            self.error_queue_query(),
        )
    }

    /// True when `model` (from `*IDN?`) is one this profile is for. Keithley writes
    /// `MODEL DMM6500`: the word `MODEL` is not part of the model.
    pub fn accepts_model(&self, model: &str) -> bool {
        let m = model.trim();
        let bare = m
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("model "))
            .map_or(m, |_| m[6..].trim());
        self.models.is_empty()
            || self
                .models
                .iter()
                .any(|x| x.eq_ignore_ascii_case(m) || x.eq_ignore_ascii_case(bare))
    }
}

impl DmmProfile {
    /// The configuring commands for a range (`None`: auto) and an integration time.
    pub fn commands(&self, range_ohm: Option<f64>, nplc: f64) -> Vec<String> {
        let mut v = self.configure.clone();
        v.push(match range_ohm {
            None => self.range_auto.clone(),
            Some(r) => self.range_fixed.replace("{ohm}", &format!("{r}")),
        });
        v.push(self.nplc.replace("{nplc}", &format!("{nplc}")));
        v.extend(self.after.iter().cloned());
        v
    }
}

/// Parses a profile file (one or more `[[profile]]`), with line and column on errors.
pub fn parse_file(path: &str, text: &str) -> Result<Vec<Profile>> {
    let at = |span: Option<std::ops::Range<usize>>| {
        span.map(|s| {
            let before = &text[..s.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        })
        .unwrap_or((1, 1))
    };
    let file: ProfileFile = toml::from_str(text).map_err(|e| {
        let (line, column) = at(e.span());
        StationError::Profile {
            path: path.into(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    if file.profile.is_empty() {
        return Err(StationError::Profile {
            path: path.into(),
            line: 1,
            column: 1,
            message: "no [[profile]] in the file".into(),
        });
    }
    for p in &file.profile {
        check_templates(p).map_err(|message| StationError::Profile {
            path: path.into(),
            line: text
                .find(&format!("\"{}\"", p.name))
                .map_or(1, |i| text[..i].matches('\n').count() + 1),
            column: 1,
            message: format!("profile `{}`: {message}", p.name),
        })?;
    }
    Ok(file.profile)
}

fn check_templates(p: &Profile) -> std::result::Result<(), String> {
    let mut uses: Vec<(&str, &[&str])> = Vec::new();
    if let Some(d) = &p.dmm {
        uses.push((&d.range_fixed, &["ohm"]));
        uses.push((&d.nplc, &["nplc"]));
        uses.push((&d.measure, &[]));
        uses.push((&d.range_auto, &[]));
        for c in d.configure.iter().chain(&d.after) {
            uses.push((c, &[]));
        }
    }
    if let Some(s) = &p.switch {
        uses.push((&s.close, &["route"]));
        uses.push((&s.open, &["route"]));
        uses.push((&s.state, &["route"]));
        for c in &s.configure {
            uses.push((c, &[]));
        }
        if let Some(m) = &s.default_map {
            crate::channel_list::parse(&m.reference)?;
        }
    }
    if p.dmm.is_none() && p.switch.is_none() && p.force.is_none() && p.lid.is_none() {
        return Err("no [dmm], [switch], [force] or [lid] section".into());
    }
    for (template, allowed) in uses {
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            let Some(j) = rest[i..].find('}') else {
                return Err(format!("`{template}`: `{{` without `}}`"));
            };
            let name = &rest[i + 1..i + j];
            if !allowed.contains(&name) {
                return Err(format!(
                    "`{template}`: unknown placeholder {{{name}}} (allowed here: {})",
                    if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    }
                ));
            }
            rest = &rest[i + j + 1..];
        }
    }
    Ok(())
}

/// Fills `{route}` in a switch template.
pub fn with_route(template: &str, route: &str) -> String {
    template.replace("{route}", route)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_parse_and_load_by_name() {
        let names = Profile::built_in_names();
        for n in [
            "keysight-34465a",
            "keysight-34461a",
            "keithley-dmm6500",
            "keysight-34980a",
            "rigol-m300",
            "keithley-2700",
            "mark-10",
            "lid-switch",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} missing");
        }
        let p = Profile::load("Keysight-34465A").unwrap();
        let cmds = p.dmm.unwrap().commands(Some(100.0), 10.0);
        let conf = cmds.iter().position(|c| c == "CONF:FRES").unwrap();
        let ocom = cmds.iter().position(|c| c == "FRES:OCOM ON").unwrap();
        assert!(
            ocom > conf,
            "offset compensation must follow CONF: {cmds:?}"
        );
        assert!(cmds.contains(&"FRES:RANG 100".to_string()));
        assert!(cmds.contains(&"FRES:NPLC 10".to_string()));
        assert_eq!(Profile::load("mark-10").unwrap().write_terminator, "\r");
        let k = Profile::load("keithley-dmm6500").unwrap();
        assert!(k.accepts_model("MODEL DMM6500"));
        assert!(k.accepts_model("DAQ6510"));
        assert!(!k.accepts_model("34465A"));
    }

    #[test]
    fn unknown_profile_and_bad_files_are_clear_errors() {
        let e = Profile::load("hp-3458a").unwrap_err();
        assert!(e.to_string().contains("keysight-34465a"), "{e}");
        let e = parse_file("x.toml", "[[profile]]\nname = \"x\"\n[profile.dmm]\nconfigure=[]\nrange_auto=\"A\"\nrange_fixed=\"R {range}\"\nnplc=\"N {nplc}\"\nmeasure=\"READ?\"\n").unwrap_err();
        assert!(e.to_string().contains("{range}"), "{e}");
        let e = parse_file("x.toml", "[[profile]]\nname = \"x\"\nbogus = 1\n").unwrap_err();
        assert!(matches!(e, StationError::Profile { line: 3, .. }), "{e}");
        assert!(Profile::load("mark-10").unwrap().require(Job::Dmm).is_err());
    }
}
