//! The XML tokenizer of the IPC-2581 reader: start tags with their attributes and end
//! tags, read a buffer at a time (a file is never held whole), every tag and
//! attribute value a slice of the buffer (no copy, no allocation per element).
//!
//! It checks what the reader relies on: UTF-8 text, tag and attribute syntax, unique
//! attribute names, `<` not in attribute values, end tags matching their start tags,
//! and the file not ending inside a tag or an element. Text, comments, CDATA,
//! processing instructions and a DOCTYPE are skipped (the board model is in the
//! attributes); entities in attribute values are resolved by the reader when it reads
//! a value.

use crate::error::{BoardError, Result};
use std::io::Read;
use std::ops::Range;

/// Bytes read from the input at a time; a token longer than what is left of the
/// buffer grows it.
const CHUNK: usize = 1 << 20;

/// An attribute: its name and raw value (between the quotes) as ranges of the text.
#[derive(Debug, Clone)]
struct AttrSpan {
    key: Range<usize>,
    /// Where the name's local part (after a prefix) starts.
    local: usize,
    value: Range<usize>,
    /// The value has no entity and no tab or line break: it is what it says.
    plain: bool,
}

/// A start tag (`<name a="1">` or `<name a="1"/>`) in the buffer.
pub(super) struct Element<'b> {
    text: &'b str,
    name: Range<usize>,
    local: usize,
    attrs: &'b [AttrSpan],
}

impl<'b> Element<'b> {
    /// The qualified name (`x:Pad` or `Pad`).
    pub fn name(&self) -> &'b str {
        &self.text[self.name.clone()]
    }

    /// The name without its prefix.
    pub fn local_name(&self) -> &'b str {
        &self.text[self.local..self.name.end]
    }

    /// The attribute whose local name is `key` (not a namespace declaration
    /// `xmlns:key`): its raw value and whether that is plain (see [`Attr`]).
    pub fn local_attr(&self, key: &str) -> Option<(&'b str, bool)> {
        let b = self.text.as_bytes();
        let key = key.as_bytes();
        let a = self.attrs.iter().find(|a| {
            same(&b[a.local..a.key.end], key)
                && (a.local == a.key.start || !b[a.key.clone()].starts_with(b"xmlns"))
        })?;
        Some((&self.text[a.value.clone()], a.plain))
    }

    /// Every attribute in the order written.
    pub fn attributes(&self) -> impl Iterator<Item = Attr<'b>> + '_ {
        self.attrs.iter().map(|a| Attr {
            name: &self.text[a.key.clone()],
            local: &self.text[a.local..a.key.end],
            raw: &self.text[a.value.clone()],
            plain: a.plain,
        })
    }
}

/// An attribute of an [`Element`].
pub(super) struct Attr<'b> {
    /// The qualified name (`xmlns:x`, `x:id`, `id`).
    pub name: &'b str,
    /// The name without its prefix.
    pub local: &'b str,
    /// The value between the quotes, entities unresolved.
    pub raw: &'b str,
    /// `raw` has no entity, tab or line break: it is the value.
    pub plain: bool,
}

/// What the reader does with the tags, and how it reports a syntax error.
pub(super) trait Handler {
    /// A start tag at byte offset `at` (its `<`); `empty` for `<name/>`.
    fn start(&mut self, e: &Element<'_>, at: usize, empty: bool) -> Result<()>;
    /// The end of the element opened last (an end tag, or right after an empty one).
    fn end(&mut self) -> Result<()>;
    /// One syntax error at byte offset `at`.
    fn syntax(&self, at: usize, expected: String, found: String) -> BoardError;
    /// An input error.
    fn io(&self, e: std::io::Error) -> BoardError;
}

/// Why a token could not be read.
enum Stop {
    /// The token runs past the bytes read so far.
    Incomplete,
    /// A syntax error: offset in the buffer, expected, found.
    Bad(usize, String, String),
    /// The handler's own error.
    Handler(BoardError),
}

/// The tokenizer state that outlives one buffer: the open elements' names.
struct Tokenizer {
    /// Names of the open elements, concatenated, and where each starts.
    names: String,
    starts: Vec<usize>,
    attrs: Vec<AttrSpan>,
    /// The (length, last byte) classes of the attribute names of the tag being read.
    attr_classes: u64,
}

/// Reads the XML of `input` to the end, calling `h` for every tag. Returns the
/// number of bytes read.
pub(super) fn read(input: &mut dyn Read, h: &mut impl Handler) -> Result<usize> {
    read_chunked(input, h, CHUNK)
}

/// [`read`] with the first buffer `chunk` bytes long.
fn read_chunked(input: &mut dyn Read, h: &mut impl Handler, chunk: usize) -> Result<usize> {
    let mut buf = vec![0u8; chunk.max(1)];
    let mut len = 0;
    // Offset in the input of buf[0].
    let mut base = 0;
    let mut eof = false;
    let mut t = Tokenizer {
        names: String::new(),
        starts: Vec::new(),
        attrs: Vec::new(),
        attr_classes: 0,
    };
    loop {
        while !eof && len < buf.len() {
            match input.read(&mut buf[len..]) {
                Ok(0) => eof = true,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(h.io(e)),
            }
        }
        let text = match std::str::from_utf8(&buf[..len]) {
            Ok(s) => s,
            Err(e) if e.error_len().is_none() && !eof => {
                // A character cut by the end of the buffer: complete on the next read.
                std::str::from_utf8(&buf[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(e) => {
                return Err(h.syntax(
                    base + e.valid_up_to(),
                    "UTF-8 text".into(),
                    "an invalid byte".into(),
                ));
            }
        };
        let consumed = match t.tokens(text, base, eof, h)? {
            Some(at) => at,
            None => {
                if let Some(&open) = t.starts.last() {
                    let name = t.names[open..].to_string();
                    return Err(h.syntax(
                        base + len,
                        format!("the end tag </{name}> (the file ends early)"),
                        "the end of the file".into(),
                    ));
                }
                return Ok(base + len);
            }
        };
        buf.copy_within(consumed..len, 0);
        len -= consumed;
        base += consumed;
        if len == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
    }
}

/// Eight bytes at a time (SWAR): the word of `b` at `i`, if eight bytes are left.
#[inline]
fn word(b: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` equal to `c`. Only the lowest flag is sure (a
/// borrow may flag a byte after a match), which is the one the scans use.
#[inline]
fn bytes_equal(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The high bit of each byte of `w` below `n` (`n` <= 0x80); the lowest flag is sure.
#[inline]
fn bytes_below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS
}

/// The byte of the lowest flag of a mask from [`bytes_equal`] or [`bytes_below`].
#[inline]
fn first_flag(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// Where the next `<` is: text between tags is mostly a line break and indentation,
/// looked through a word at a time before `memchr` takes over.
fn find_lt(b: &[u8]) -> Option<usize> {
    const NEAR: usize = 32;
    let mut i = 0;
    while i < NEAR {
        let Some(w) = word(b, i) else {
            return b[i..].iter().position(|&c| c == b'<').map(|k| i + k);
        };
        let m = bytes_equal(w, b'<');
        if m != 0 {
            return Some(i + first_flag(m));
        }
        i += 8;
    }
    memchr::memchr(b'<', &b[NEAR..]).map(|k| k + NEAR)
}

/// Past the (XML) white space from `i`.
pub(super) fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_space(c)) {
        i += 1;
    }
    i
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether two short byte strings (names, values) are equal: word compares instead of
/// a call to `memcmp` for the lengths of element and attribute names.
#[inline]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or_default());
    let w4 = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().unwrap_or_default());
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        17..=32 => {
            w8(a, 0) == w8(b, 0)
                && w8(a, 8) == w8(b, 8)
                && w8(a, n - 16) == w8(b, n - 16)
                && w8(a, n - 8) == w8(b, n - 8)
        }
        _ => a == b,
    }
}

/// What a byte is in an attribute value: `VALUE_END` may close it (a quote), `VALUE_LT`
/// is an error, `VALUE_RESOLVE` needs the reader's entity and white-space handling.
const VALUE_END: u8 = 1;
const VALUE_LT: u8 = 2;
const VALUE_RESOLVE: u8 = 3;
const VALUE_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = VALUE_END;
    t[b'\'' as usize] = VALUE_END;
    t[b'<' as usize] = VALUE_LT;
    t[b'&' as usize] = VALUE_RESOLVE;
    t[b'\t' as usize] = VALUE_RESOLVE;
    t[b'\r' as usize] = VALUE_RESOLVE;
    t[b'\n' as usize] = VALUE_RESOLVE;
    t
};

/// What a byte is in a name: `NAME_START` may begin one (letters, `_`, `:` and the
/// bytes of non-ASCII characters), `NAME` only follow; `:` is `NAME_COLON` too.
const NAME_START: u8 = 2;
const NAME: u8 = 1;
const NAME_COLON: u8 = 4;
const NAME_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b == b':' {
            NAME_START | NAME_COLON
        } else if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            NAME_START
        } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
            NAME
        } else {
            0
        };
        c += 1;
    }
    t
};

/// What a byte is, for messages.
fn shown(b: &[u8], i: usize) -> String {
    match b.get(i) {
        None => "the end of the file".into(),
        Some(c) if c.is_ascii_graphic() => format!("`{}`", *c as char),
        Some(c) if is_space(*c) => "white space".into(),
        Some(c) => format!("byte 0x{c:02x}"),
    }
}

impl Tokenizer {
    /// Reads every complete token of `text` (`base`: its offset in the input). Returns
    /// where the first incomplete token starts (to be read again with more bytes), or
    /// `None` when the input ended (`eof`) and all of it was read.
    fn tokens(
        &mut self,
        text: &str,
        base: usize,
        eof: bool,
        h: &mut impl Handler,
    ) -> Result<Option<usize>> {
        let b = text.as_bytes();
        let mut pos = 0;
        loop {
            let Some(lt) = find_lt(&b[pos..]) else {
                // Text to the end: skipped.
                return Ok(if eof { None } else { Some(b.len()) });
            };
            let at = pos + lt;
            let step = match b.get(at + 1) {
                Some(b'/') => self.end_tag(text, at, h),
                Some(b'?') => skip_to(b, at + 2, b"?>"),
                Some(b'!') => skip_markup(b, at),
                Some(_) => self.start_tag(text, at, base, h),
                None => Err(Stop::Incomplete),
            };
            match step {
                Ok(next) => pos = next,
                Err(Stop::Incomplete) if !eof => return Ok(Some(at)),
                Err(Stop::Incomplete) => {
                    return Err(h.syntax(
                        base + at,
                        "well-formed XML: the end of this tag".into(),
                        "the end of the file".into(),
                    ));
                }
                Err(Stop::Bad(i, expected, found)) => {
                    return Err(h.syntax(base + i, expected, found));
                }
                Err(Stop::Handler(e)) => return Err(e),
            }
        }
    }

    /// `</name>` at `at`: checks it closes the element opened last.
    fn end_tag(
        &mut self,
        text: &str,
        at: usize,
        h: &mut impl Handler,
    ) -> std::result::Result<usize, Stop> {
        let b = text.as_bytes();
        let start = at + 2;
        // The name of the element open last, then a byte that cannot continue a name,
        // is that name (read and checked at its start tag); anything else is read as a
        // name for the message.
        let end = match self.starts.last() {
            Some(&open)
                if b.get(start + self.names.len() - open)
                    .is_some_and(|&c| NAME_BYTES[c as usize] == 0)
                    && same(
                        &b[start..start + self.names.len() - open],
                        &self.names.as_bytes()[open..],
                    ) =>
            {
                start + self.names.len() - open
            }
            _ => name_end(b, start)?.0,
        };
        let i = skip_spaces(b, end);
        match b.get(i) {
            None => return Err(Stop::Incomplete),
            Some(b'>') => {}
            Some(_) => {
                return Err(Stop::Bad(
                    i,
                    "well-formed XML: `>` ending the end tag".into(),
                    shown(b, i),
                ));
            }
        }
        let name = &text[start..end];
        let Some(open) = self.starts.last().copied() else {
            return Err(Stop::Bad(
                at,
                "well-formed XML: no end tag where no element is open".into(),
                format!("</{name}>"),
            ));
        };
        if !same(&self.names.as_bytes()[open..], name.as_bytes()) {
            return Err(Stop::Bad(
                at,
                format!("well-formed XML: the end tag </{}>", &self.names[open..]),
                format!("</{name}>"),
            ));
        }
        self.names.truncate(open);
        self.starts.pop();
        h.end().map_err(Stop::Handler)?;
        Ok(i + 1)
    }

    /// `<name attr="value" ...>` or `.../>` at `at`.
    fn start_tag(
        &mut self,
        text: &str,
        at: usize,
        base: usize,
        h: &mut impl Handler,
    ) -> std::result::Result<usize, Stop> {
        let b = text.as_bytes();
        let start = at + 1;
        let (end, local) = name_end(b, start)?;
        self.attrs.clear();
        self.attr_classes = 0;
        let mut i = end;
        let empty = loop {
            let spaced = b.get(i).is_some_and(|&c| is_space(c));
            i = skip_spaces(b, i);
            match b.get(i) {
                None => return Err(Stop::Incomplete),
                Some(b'>') => break false,
                Some(b'/') => match b.get(i + 1) {
                    None => return Err(Stop::Incomplete),
                    Some(b'>') => break true,
                    Some(_) => {
                        return Err(Stop::Bad(
                            i + 1,
                            "well-formed XML: `>` after `/`".into(),
                            shown(b, i + 1),
                        ));
                    }
                },
                Some(_) if !spaced => {
                    return Err(Stop::Bad(
                        i,
                        "well-formed XML: white space, `>` or `/>` after a name or value".into(),
                        shown(b, i),
                    ));
                }
                Some(_) => {}
            }
            i = self.attribute(b, i)?;
        };
        let close = if empty { i + 2 } else { i + 1 };
        let e = Element {
            text,
            name: start..end,
            local,
            attrs: &self.attrs,
        };
        h.start(&e, base + at, empty).map_err(Stop::Handler)?;
        if empty {
            h.end().map_err(Stop::Handler)?;
        } else {
            self.starts.push(self.names.len());
            self.names.push_str(&text[start..end]);
        }
        Ok(close)
    }

    /// One `name="value"` at `i`: recorded; returns where it ends.
    fn attribute(&mut self, b: &[u8], i: usize) -> std::result::Result<usize, Stop> {
        let (key_end, local) = name_end(b, i)?;
        let mut j = key_end;
        j = skip_spaces(b, j);
        match b.get(j) {
            None => return Err(Stop::Incomplete),
            Some(b'=') => j += 1,
            Some(_) => {
                return Err(Stop::Bad(
                    j,
                    format!(
                        "well-formed XML: `=` after the attribute name `{}`",
                        String::from_utf8_lossy(&b[i..key_end])
                    ),
                    shown(b, j),
                ));
            }
        }
        j = skip_spaces(b, j);
        let quote = match b.get(j) {
            None => return Err(Stop::Incomplete),
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => {
                return Err(Stop::Bad(
                    j,
                    "well-formed XML: a quoted attribute value".into(),
                    shown(b, j),
                ));
            }
        };
        let value_start = j + 1;
        // Values are short: one pass for the closing quote, a `<` (an error), and
        // whether the reader has entities or white space to resolve.
        let mut plain = true;
        let mut k = value_start;
        let end = 'value: loop {
            // Past the ordinary bytes a word at a time: a quote, `<`, `&` or a
            // control character (tab, line break) stops the word scan.
            while let Some(w) = word(b, k) {
                let closing = bytes_equal(w, quote);
                let other = bytes_equal(w, b'<') | bytes_equal(w, b'&') | bytes_below(w, b' ');
                if closing | other == 0 {
                    k += 8;
                    continue;
                }
                // The closing quote before any other stop (the lowest flags are sure):
                // the value ends there, with no byte-by-byte look.
                if closing != 0
                    && (other == 0
                        || closing & closing.wrapping_neg() < other & other.wrapping_neg())
                {
                    break 'value k + first_flag(closing);
                }
                k += first_flag(other);
                break;
            }
            let Some(&c) = b.get(k) else {
                return Err(Stop::Incomplete);
            };
            match VALUE_BYTES[c as usize] {
                0 => {}
                VALUE_END if c == quote => break k,
                VALUE_END => {}
                VALUE_LT => {
                    return Err(Stop::Bad(
                        k,
                        "well-formed XML: no `<` in an attribute value".into(),
                        "`<`".into(),
                    ));
                }
                _ => plain = false,
            }
            k += 1;
        };
        let value = value_start..end;
        let key = &b[i..key_end];
        // A bit per (length, last byte) class: most attributes of an element differ in
        // it, and only a name whose bit is already set is compared with the others.
        let class = 1u64 << ((key.len() * 8 + usize::from(b[key_end - 1])) % 64);
        let seen = self.attr_classes & class != 0;
        self.attr_classes |= class;
        if seen && self.attrs.iter().any(|a| same(&b[a.key.clone()], key)) {
            return Err(Stop::Bad(
                i,
                "well-formed XML: each attribute once per element".into(),
                format!("`{}` a second time", String::from_utf8_lossy(key)),
            ));
        }
        self.attrs.push(AttrSpan {
            key: i..key_end,
            local,
            value: value.clone(),
            plain,
        });
        Ok(value.end + 1)
    }
}

/// The end of the name starting at `i`, and where its local part (after the last
/// `:`) starts.
#[inline(always)]
fn name_end(b: &[u8], i: usize) -> std::result::Result<(usize, usize), Stop> {
    match b.get(i) {
        None => return Err(Stop::Incomplete),
        Some(&c) if NAME_BYTES[c as usize] & NAME_START != 0 => {}
        Some(_) => {
            return Err(Stop::Bad(i, "well-formed XML: a name".into(), shown(b, i)));
        }
    }
    let mut j = i + 1;
    let mut classes = NAME_BYTES[b[i] as usize];
    loop {
        let Some(&c) = b.get(j) else {
            return Err(Stop::Incomplete);
        };
        let class = NAME_BYTES[c as usize];
        if class == 0 {
            break;
        }
        classes |= class;
        j += 1;
    }
    // A prefix is rare: looked for only when the name has a `:`.
    let local = match classes & NAME_COLON {
        0 => i,
        _ => b[i..j]
            .iter()
            .rposition(|&c| c == b':')
            .map_or(i, |k| i + k + 1),
    };
    Ok((j, local))
}

/// Past the first `end` from `i`.
fn skip_to(b: &[u8], i: usize, end: &[u8]) -> std::result::Result<usize, Stop> {
    let from = i.min(b.len());
    memchr::memmem::find(&b[from..], end)
        .map(|k| from + k + end.len())
        .ok_or(Stop::Incomplete)
}

/// `<!--...-->`, `<![CDATA[...]]>` or `<!DOCTYPE ...>` (with an internal subset in
/// brackets) at `at`: skipped.
fn skip_markup(b: &[u8], at: usize) -> std::result::Result<usize, Stop> {
    let rest = &b[at..];
    for (open, close) in [(&b"<!--"[..], &b"-->"[..]), (b"<![CDATA[", b"]]>")] {
        if rest.starts_with(open) {
            return skip_to(b, at + open.len(), close);
        }
        if open.starts_with(rest) {
            return Err(Stop::Incomplete);
        }
    }
    if rest.starts_with(b"<!DOCTYPE") {
        let mut i = at + 9;
        loop {
            match b.get(i) {
                None => return Err(Stop::Incomplete),
                Some(b'>') => return Ok(i + 1),
                Some(b'[') => i = skip_to(b, i + 1, b"]")?,
                Some(&q @ (b'"' | b'\'')) => {
                    let k = memchr::memchr(q, &b[i + 1..]).ok_or(Stop::Incomplete)?;
                    i += k + 2;
                }
                Some(_) => i += 1,
            }
        }
    }
    if b"<!DOCTYPE".starts_with(rest) {
        return Err(Stop::Incomplete);
    }
    Err(Stop::Bad(
        at,
        "well-formed XML: a comment, CDATA or DOCTYPE after `<!`".into(),
        shown(b, at + 2),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the tags as text: `<name a=v ...>`, `/` for an end.
    #[derive(Default)]
    struct Log(Vec<String>);

    impl Handler for Log {
        fn start(&mut self, e: &Element<'_>, at: usize, empty: bool) -> Result<()> {
            let attrs: Vec<String> = e
                .attributes()
                .map(|a| format!("{}={}{}", a.name, a.raw, if a.plain { "" } else { "!" }))
                .collect();
            self.0.push(format!(
                "{at}<{} {}{}>",
                e.name(),
                attrs.join(" "),
                if empty { "/" } else { "" }
            ));
            Ok(())
        }
        fn end(&mut self) -> Result<()> {
            self.0.push("/".into());
            Ok(())
        }
        fn syntax(&self, at: usize, expected: String, found: String) -> BoardError {
            BoardError::Syntax {
                path: "t".into(),
                line: 0,
                column: 0,
                offset: at,
                len: 1,
                expected,
                found,
            }
        }
        fn io(&self, source: std::io::Error) -> BoardError {
            BoardError::Io {
                path: "t".into(),
                source,
            }
        }
    }

    fn run(text: &[u8], chunk: usize) -> std::result::Result<Vec<String>, String> {
        let mut log = Log::default();
        match read_chunked(&mut &text[..], &mut log, chunk) {
            Ok(n) => {
                assert_eq!(n, text.len());
                Ok(log.0)
            }
            Err(BoardError::Syntax {
                offset,
                expected,
                found,
                ..
            }) => Err(format!("{offset}: {expected} / {found}")),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Every buffer size gives the same tags and the same errors at the same offsets
    /// (tags, comments, CDATA and characters cut by the end of a buffer).
    #[test]
    fn tags_and_errors_do_not_depend_on_the_buffer() {
        let doc = "\u{feff}<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e \"x\">]>\n\
                   <r xmlns=\"urn:a\"><!-- a <comment> --><x:Pad a = 'v>1' b=\"&amp;\"/>\
                   <Zoë naïve=\"été\">text &lt; <![CDATA[ <not a tag> ]]></Zoë  >\
                   <Empty/><?pi stuff?></r>\n";
        let whole = run(doc.as_bytes(), CHUNK).unwrap();
        assert_eq!(
            whole,
            [
                "56<r xmlns=urn:a>",
                "93<x:Pad a=v>1 b=&amp;!/>",
                "/",
                "121<Zoë naïve=été>",
                "/",
                "186<Empty />",
                "/",
                "/"
            ]
        );
        for chunk in 1..40 {
            assert_eq!(run(doc.as_bytes(), chunk).unwrap(), whole, "chunk {chunk}");
        }
        let bad: [&[u8]; 12] = [
            b"<r><a></b></r>",
            b"<r><a x='1' x='2'/></r>",
            b"<r><a x='<'/></r>",
            b"<r><a x=1/></r>",
            b"<r><a x='1'y='2'/></r>",
            b"<r><a/ ></r>",
            b"<r></r></r>",
            b"<r><a x='1'",
            b"<r><a>",
            b"<r><!-- open",
            b"<r>< a/></r>",
            b"<r><a x='\xff'/></r>",
        ];
        for text in bad {
            let whole = run(text, CHUNK).unwrap_err();
            for chunk in 1..20 {
                assert_eq!(run(text, chunk).unwrap_err(), whole, "chunk {chunk}");
            }
        }
        assert_eq!(
            run(b"<r><a></b></r>", CHUNK).unwrap_err(),
            "6: well-formed XML: the end tag </a> / </b>"
        );
        assert_eq!(
            run(b"<r><a>", CHUNK).unwrap_err(),
            "6: the end tag </a> (the file ends early) / the end of the file"
        );
    }

    /// The word compare agrees with `==` on every length it has a case for, with
    /// the bytes differing at each place.
    #[test]
    fn same_is_equality() {
        let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for n in 0..40 {
            let a = &base[..n];
            assert!(same(a, a));
            assert!(!same(a, &base[..n + 1]));
            for k in 0..n {
                let mut b = a.to_vec();
                b[k] ^= 0x20;
                assert!(!same(a, &b), "length {n}, byte {k}");
            }
        }
    }

    /// An attribute value read a word at a time: every stop (`<`, `&`, a tab, a line
    /// break; the other quote, which is not one) at every place of values of every
    /// length around a word, checked against a byte-by-byte reading.
    #[test]
    fn attribute_values_read_by_words_as_by_bytes() {
        for len in 0..20 {
            for at in 0..len {
                for stop in [b'<', b'&', b'\t', b'\n', b'\''] {
                    let mut value = vec![b'x'; len];
                    value[at] = stop;
                    let mut doc = b"<r a=\"".to_vec();
                    doc.extend_from_slice(&value);
                    doc.extend_from_slice(b"\" b='1'/>");
                    let shown = String::from_utf8_lossy(&value).into_owned();
                    let expected = match stop {
                        b'<' => Err(format!(
                            "{}: well-formed XML: no `<` in an attribute value / `<`",
                            6 + at
                        )),
                        b'\'' => Ok(vec![format!("0<r a={shown} b=1/>"), "/".into()]),
                        _ => Ok(vec![format!("0<r a={shown}! b=1/>"), "/".into()]),
                    };
                    for chunk in [CHUNK, 1, 3, 7, 8, 9, 16] {
                        assert_eq!(run(&doc, chunk), expected, "{shown:?}, chunk {chunk}");
                    }
                }
            }
        }
    }
}
