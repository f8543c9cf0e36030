//! Reading a board file: decompression (gzip, xz) by magic bytes, then the reader
//! chosen by content (`(kicad_pcb`, IPC-D-356 records, an `<IPC-2581>` root, a tar or
//! zip archive holding an ODB++ job, or a job directory), not by file extension.

use crate::error::{BoardError, Result};
use crate::model::Board;
use std::io::Read;
use std::path::Path;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const XZ_MAGIC: &[u8] = &[0xfd, b'7', b'z', b'X', b'Z', 0x00];

/// Which reader a file needs, decided from its (decompressed) content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// A KiCad `.kicad_pcb` board.
    KicadPcb,
    /// An IPC-D-356(A) netlist.
    Ipc356,
    /// An IPC-2581 document.
    Ipc2581,
}

/// Reads a board file: KiCad `.kicad_pcb` or IPC-D-356(A), plain, gzip or xz.
pub fn read_file(path: &Path) -> Result<Board> {
    let name = path.display().to_string();
    if path.is_dir() {
        return crate::odb::read_dir(path);
    }
    if plain_ipc2581(path) {
        return crate::ipc2581::read_file(&name, path);
    }
    let bytes = FileBytes::open(path).map_err(|source| BoardError::Io {
        path: name.clone(),
        source,
    })?;
    read_bytes(&name, &bytes)
}

/// Whether the file is an uncompressed IPC-2581 document (by its first 4 KiB), which
/// is streamed rather than read whole.
fn plain_ipc2581(path: &Path) -> bool {
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    read.is_ok()
        && !head.starts_with(GZIP_MAGIC)
        && !head.starts_with(XZ_MAGIC)
        && crate::ipc2581::looks_like_ipc2581(&head)
}

/// The bytes of a whole file: memory-mapped when it is a large regular file (the
/// reader then parses the page cache in place: no copy into a buffer, no buffer to
/// fault in), read into memory otherwise. Compressed files are mapped too; only
/// their decompressed text is a buffer.
pub struct FileBytes(Bytes);

enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    /// Files from this size on are mapped; smaller ones are read.
    const MAP_FROM: u64 = 1 << 20;

    /// Opens `path` and maps or reads it whole.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && meta.len() >= Self::MAP_FROM {
            return Ok(Self(Bytes::Mapped(map(&file)?)));
        }
        let mut out = Vec::new();
        (&file).read_to_end(&mut out)?;
        Ok(Self(Bytes::Read(out)))
    }
}

impl FileBytes {
    /// Pieces of the file [`FileBytes::read_releasing`] passes on, bytes (a multiple
    /// of the page size).
    const PIECE: usize = 8 << 20;

    /// Passes the bytes to `read` in order, a piece at a time, and gives each mapped
    /// piece back to the kernel once read: the process's resident memory shrinks as it
    /// goes (the file stays in the page cache). What the sha256 of a board file that
    /// was already parsed reads, beside the next stage, without holding the whole
    /// file resident meanwhile.
    pub fn read_releasing(self, mut read: impl FnMut(&[u8])) {
        match &self.0 {
            Bytes::Mapped(m) => {
                let mut start = 0;
                while start < m.len() {
                    let len = Self::PIECE.min(m.len() - start);
                    read(&m[start..start + len]);
                    release(m, start, len);
                    start += len;
                }
            }
            Bytes::Read(v) => v.chunks(Self::PIECE).for_each(read),
        }
    }
}

/// Lets the kernel drop the pages of `len` bytes of `map` from `offset` (a multiple of
/// the page size) from this process's memory; a later read faults them in again from
/// the file. Failing to is harmless: the pages stay until the map is dropped.
#[allow(unsafe_code)]
fn release(map: &memmap2::Mmap, offset: usize, len: usize) {
    // SAFETY: the map is read-only and private, so it holds no change of its own that
    // dropping its pages could lose: they read back as the file's bytes.
    let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len) };
}

/// Maps `file` read-only with its pages populated up front (one call instead of a
/// page fault per 4 KiB while parsing).
#[allow(unsafe_code)]
fn map(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process. A file changed by
    // another process while it is being read gives a wrong board or a syntax error,
    // as a read racing the same writer would (truncation could stop the process with
    // SIGBUS; every mapping reader, e.g. ripgrep, takes that risk for speed).
    unsafe { memmap2::MmapOptions::new().populate().map(file) }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }
}

/// Reads a board from bytes (maybe compressed); `name` names it in errors.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Board> {
    let plain = decompress(name, bytes)?;
    let text: &[u8] = plain.as_deref().unwrap_or(bytes);
    if crate::odb::looks_like_archive(text) {
        return crate::odb::read_archive(name, text);
    }
    match detect(name, text)? {
        Detected::KicadPcb => crate::kicad::read_bytes(name, text),
        Detected::Ipc2581 => crate::ipc2581::read(name, text),
        Detected::Ipc356 => {
            let s = std::str::from_utf8(text).map_err(|e| BoardError::UnknownFormat {
                path: name.to_string(),
                reason: format!(
                    "an IPC-D-356 netlist must be ASCII text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            })?;
            crate::ipc356::read(name, s)
        }
    }
}

/// The decompressed bytes when `bytes` start with a gzip or xz header, else `None`.
pub fn decompress(name: &str, bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    let err = |format: &'static str| {
        move |source: std::io::Error| BoardError::Decompress {
            path: name.to_string(),
            format,
            source,
        }
    };
    if bytes.starts_with(GZIP_MAGIC) {
        let mut out = Vec::with_capacity(bytes.len() * 8);
        flate2::read::MultiGzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(err("gzip"))?;
        Ok(Some(out))
    } else if bytes.starts_with(XZ_MAGIC) {
        let mut out = Vec::with_capacity(bytes.len() * 8);
        xz2::read::XzDecoder::new_multi_decoder(bytes)
            .read_to_end(&mut out)
            .map_err(err("xz"))?;
        Ok(Some(out))
    } else {
        Ok(None)
    }
}

/// Decides the reader from content: a KiCad board starts with `(kicad_pcb`; an
/// IPC-D-356 netlist has parameter/test records.
pub fn detect(name: &str, text: &[u8]) -> Result<Detected> {
    let unknown = |reason: String| BoardError::UnknownFormat {
        path: name.to_string(),
        reason,
    };
    let mut t = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    while let Some((c, rest)) = t.split_first() {
        if c.is_ascii_whitespace() {
            t = rest;
        } else {
            break;
        }
    }
    if t.is_empty() {
        return Err(unknown("the file is empty".into()));
    }
    if t[0] == b'<' && crate::ipc2581::looks_like_ipc2581(t) {
        return Ok(Detected::Ipc2581);
    }
    if t[0] == b'(' {
        let mut head = &t[1..];
        while let Some((c, rest)) = head.split_first() {
            if c.is_ascii_whitespace() {
                head = rest;
            } else {
                break;
            }
        }
        if head.starts_with(b"kicad_pcb")
            && head
                .get(9)
                .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_')
        {
            return Ok(Detected::KicadPcb);
        }
        let word: String = head
            .iter()
            .take_while(|c| !c.is_ascii_whitespace() && **c != b'(' && **c != b')')
            .take(30)
            .map(|&c| if c.is_ascii_graphic() { c as char } else { '?' })
            .collect();
        let what = match word.as_str() {
            "kicad_sch" => "a KiCad schematic, not a board".to_string(),
            "footprint" | "module" => "a KiCad footprint (.kicad_mod), not a board".to_string(),
            "" => "an S-expression with no keyword".to_string(),
            w => format!("an S-expression starting with `({w}`, not `(kicad_pcb`"),
        };
        return Err(unknown(what));
    }
    let sample = &text[..text.len().min(64 * 1024)];
    let sample = match std::str::from_utf8(sample) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&sample[..e.valid_up_to()]).unwrap_or(""),
    };
    if crate::ipc356::looks_like_ipc356(sample) {
        return Ok(Detected::Ipc356);
    }
    if text
        .iter()
        .take(4096)
        .any(|&c| c == 0 || (c < 0x20 && !c.is_ascii_whitespace()))
    {
        return Err(unknown(
            "binary data, neither a KiCad board nor an IPC-D-356 netlist".into(),
        ));
    }
    Err(unknown(
        "neither a KiCad board (`(kicad_pcb ...`) nor an IPC-D-356 netlist (P/317/327/999 records)"
            .into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A board padded past the mapping threshold reads the same mapped as from memory,
    /// and so does a small (read, not mapped) one.
    #[test]
    fn mapped_and_read_files_give_the_bytes_and_the_board() {
        let board = "(kicad_pcb (version 20211014) (generator pcbnew)\n\
                     (gr_line (start 0 0) (end 10 0) (layer \"Edge.Cuts\") (width 0.1))\n";
        let padding = "  (gr_text \"x\" (at 1 2) (layer \"F.SilkS\"))\n";
        let big: String = std::iter::once(board)
            .chain(std::iter::repeat_n(
                padding,
                (FileBytes::MAP_FROM as usize) / padding.len() + 1,
            ))
            .chain(std::iter::once(")\n"))
            .collect();
        let small = format!("{board})\n");
        let dir = std::env::temp_dir().join(format!("pogo-board-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in [("big.kicad_pcb", &big), ("small.kicad_pcb", &small)] {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            let bytes = FileBytes::open(&path).unwrap();
            assert_eq!(
                matches!(bytes.0, Bytes::Mapped(_)),
                text.len() as u64 >= FileBytes::MAP_FROM,
                "{name}"
            );
            assert_eq!(&*bytes, text.as_bytes(), "{name}");
            let from_file = read_file(&path).unwrap();
            let from_memory = read_bytes(&path.display().to_string(), text.as_bytes()).unwrap();
            assert_eq!(from_file, from_memory, "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The pieces read while releasing are the file's bytes in order, mapped (over
    /// several pieces, the last a short one) or read.
    #[test]
    fn read_releasing_passes_every_byte_in_order() {
        let dir = std::env::temp_dir().join(format!("pogo-board-release-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big: Vec<u8> = (0..2 * FileBytes::PIECE + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        let small = b"(kicad_pcb)".to_vec();
        for (name, text) in [("big.bin", &big), ("small.bin", &small)] {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            let mut got = Vec::new();
            let mut pieces = 0;
            FileBytes::open(&path).unwrap().read_releasing(|piece| {
                got.extend_from_slice(piece);
                pieces += 1;
            });
            assert_eq!(&got, text, "{name}");
            assert_eq!(pieces, text.len().div_ceil(FileBytes::PIECE), "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
