//! ODB++ reader: a job as a directory, a `.tgz`/`.tar.gz` or `.tar`, or a `.zip`
//! (stored or deflated entries); any file may be compressed with Unix compress (`.Z`,
//! [`lzw`]). Read: `misc/info` units, `matrix/matrix` (rows, context, type), the
//! step's `profile`, the layers' `features` (P, L, A, S records with standard
//! symbols and orient codes 0-9), `eda/data` net names, and the component layers'
//! `components` (CMP, PRP, TOP records), `eda/data` package outlines (a courtyard, or
//! in KiCad's jobs the footprint's hull where its corners are not on the side's
//! courtyard layer). Pads are the copper pads under each component pin; drills come
//! from drill layers; y is negated into KiCad's page frame.

mod build;
pub mod lzw;
mod records;
mod zip;

use crate::error::{BoardError, Result};

/// The shape of a standard ODB++ symbol name (`r`, `s`, `rect...`, `oval`, ...),
/// sizes times `unit_mm` (0.001 for microns, 0.0254 for mils).
pub fn symbol_shape(name: &str, unit_mm: f64) -> crate::cam::CamShape {
    records::symbol(name, unit_mm)
}
use crate::model::Board;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Largest size a single job file may decompress to (a guard against bombs).
const FILE_LIMIT: usize = 1 << 30;

/// The files of one ODB++ job: path below the job root (lower case, `/`
/// separators, any `.Z` kept) -> bytes as stored.
pub struct Job {
    /// How the job is named in errors (the archive or directory).
    pub name: String,
    files: BTreeMap<String, Vec<u8>>,
}

impl Job {
    /// A job from (path, bytes) entries of an archive or directory; the root is the
    /// folder holding `matrix/matrix`.
    fn from_entries(name: &str, entries: Vec<(String, Vec<u8>)>) -> Result<Job> {
        let norm = |p: &str| {
            p.replace('\\', "/")
                .trim_start_matches("./")
                .to_ascii_lowercase()
        };
        let root = entries
            .iter()
            .map(|(p, _)| norm(p))
            .filter_map(|p| {
                let p = p.strip_suffix(".z").map(str::to_string).unwrap_or(p);
                p.strip_suffix("matrix/matrix").map(str::to_string)
            })
            .min_by_key(|r| r.len())
            .ok_or_else(|| BoardError::UnknownFormat {
                path: name.to_string(),
                reason: "an ODB++ job needs matrix/matrix; this archive has none".into(),
            })?;
        let files = entries
            .into_iter()
            .filter_map(|(p, b)| norm(&p).strip_prefix(&root).map(|rel| (rel.to_string(), b)))
            .collect();
        Ok(Job {
            name: name.to_string(),
            files,
        })
    }

    /// Whether the job has this file (plain or `.Z`).
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.files.contains_key(&format!("{path}.z"))
    }

    /// Paths of files below `dir/` (as stored, `.Z` included).
    pub fn list(&self, dir: &str) -> impl Iterator<Item = &str> {
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.as_str())
    }

    /// A file's text, decompressed when stored as `.Z`; `None` when absent. Borrowed
    /// from the job when stored plain and valid UTF-8 (no copy of the file); invalid
    /// bytes are replaced by U+FFFD.
    pub fn text(&self, path: &str) -> Result<Option<Cow<'_, str>>> {
        let (stored, bytes) = match self.files.get(path) {
            Some(b) => (path.to_string(), b),
            None => match self.files.get(&format!("{path}.z")) {
                Some(b) => (format!("{path}.Z"), b),
                None => return Ok(None),
            },
        };
        if lzw::is_compressed(bytes) {
            let plain = lzw::decompress(bytes, FILE_LIMIT).map_err(|e| BoardError::Decompress {
                path: format!("{}: {stored}", self.name),
                format: "compress (.Z)",
                source: std::io::Error::other(e),
            })?;
            let text = match String::from_utf8(plain) {
                Ok(text) => text,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            Ok(Some(Cow::Owned(text)))
        } else {
            // `from_utf8` checks ASCII a word at a time; the lossy walk is slower.
            Ok(Some(match std::str::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(bytes),
            }))
        }
    }
}

/// Whether `bytes` are a tar archive (ustar magic) or a zip archive.
pub fn looks_like_archive(bytes: &[u8]) -> bool {
    bytes.get(257..262) == Some(b"ustar") || bytes.starts_with(b"PK\x03\x04")
}

/// Reads an ODB++ job from an archive's bytes (tar, already un-gzipped, or zip).
pub fn read_archive(name: &str, bytes: &[u8]) -> Result<Board> {
    let entries = if bytes.starts_with(b"PK") {
        zip::entries(name, bytes, FILE_LIMIT)?
    } else {
        tar_entries(name, bytes)?
    };
    let job = Job::from_entries(name, entries)?;
    build::build(&job)
}

/// Reads an ODB++ job directory.
pub fn read_dir(path: &Path) -> Result<Board> {
    let name = path.display().to_string();
    let mut entries = Vec::new();
    let mut todo = vec![path.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let io = |source| BoardError::Io {
            path: dir.display().to_string(),
            source,
        };
        for e in std::fs::read_dir(&dir).map_err(io)? {
            let e = e.map_err(io)?;
            let p = e.path();
            let meta = std::fs::metadata(&p).map_err(|source| BoardError::Io {
                path: p.display().to_string(),
                source,
            })?;
            if meta.is_dir() {
                todo.push(p);
            } else if let Ok(rel) = p.strip_prefix(path) {
                let bytes = std::fs::read(&p).map_err(|source| BoardError::Io {
                    path: p.display().to_string(),
                    source,
                })?;
                entries.push((rel.to_string_lossy().into_owned(), bytes));
            }
        }
    }
    let job = Job::from_entries(&name, entries)?;
    build::build(&job)
}

fn tar_entries(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    let broken = |e: std::io::Error| BoardError::Decompress {
        path: name.to_string(),
        format: "tar",
        source: e,
    };
    let mut archive = tar::Archive::new(bytes);
    let mut out = Vec::new();
    for entry in archive.entries().map_err(broken)? {
        let mut entry = entry.map_err(broken)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(broken)?.to_string_lossy().into_owned();
        let size = entry.header().size().map_err(broken)?;
        if size as usize > FILE_LIMIT {
            return Err(broken(std::io::Error::other(format!(
                "{path}: entry of {size} bytes is too large"
            ))));
        }
        let mut buf = Vec::with_capacity(size as usize);
        entry.read_to_end(&mut buf).map_err(broken)?;
        if (buf.len() as u64) < size {
            return Err(broken(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("{path}: the archive ends inside this entry"),
            )));
        }
        out.push((path, buf));
    }
    Ok(out)
}
