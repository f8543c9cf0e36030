//! A zero-copy, streaming S-expression lexer for KiCad files.
//!
//! KiCad's own lexer (DSNLEXER) knows three kinds of token besides the parentheses:
//! bare symbols (ended by white space or a parenthesis, so `1.`, `*.Cu`, `F&B.Cu`,
//! uuids and hex layer masks are all symbols), and double-quoted strings with
//! backslash escapes. This lexer hands out tokens as byte spans into the input, so
//! reading a file allocates nothing per token, and skipping a list we do not model is
//! a tight byte loop (nesting depth is a counter, never recursion).

use crate::error::{BoardError, Result};
use std::borrow::Cow;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Open,
    Close,
    /// A bare symbol or number.
    Symbol,
    /// A double-quoted string; the span includes the quotes.
    Str,
    Eof,
}

/// A token: its kind and byte span `[start, end)` in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// Byte classes: 0 symbol byte, 1 white space, 2 `(`, 3 `)`, 4 `"`.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'\n' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[0x0b] = 1;
    t[0x0c] = 1;
    t[b'(' as usize] = 2;
    t[b')' as usize] = 3;
    t[b'"' as usize] = 4;
    t
};

/// The lexer: a position in a byte buffer.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    path: &'a str,
}

impl<'a> Lexer<'a> {
    pub fn new(path: &'a str, src: &'a [u8]) -> Self {
        Lexer { src, pos: 0, path }
    }

    /// A lexer over the whole of `src` that starts at byte `pos` (a chunk of a file read
    /// on its own; errors still give the file's own line and column).
    pub fn starting_at(path: &'a str, src: &'a [u8], pos: usize) -> Self {
        Lexer {
            src,
            pos: pos.min(src.len()),
            path,
        }
    }

    /// The whole input.
    pub fn src(&self) -> &'a [u8] {
        self.src
    }

    pub fn path(&self) -> &'a str {
        self.path
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The next token.
    #[inline]
    pub fn next_token(&mut self) -> Result<Token> {
        let src = self.src;
        let mut i = self.pos;
        while i < src.len() && CLASS[src[i] as usize] == 1 {
            i += 1;
        }
        if i >= src.len() {
            self.pos = i;
            return Ok(Token {
                kind: Kind::Eof,
                start: i,
                end: i,
            });
        }
        let start = i;
        let kind = match CLASS[src[i] as usize] {
            2 => {
                i += 1;
                Kind::Open
            }
            3 => {
                i += 1;
                Kind::Close
            }
            4 => {
                i = self.string_end(start)?;
                Kind::Str
            }
            _ => {
                i += 1;
                while i < src.len() && CLASS[src[i] as usize] == 0 {
                    i += 1;
                }
                Kind::Symbol
            }
        };
        self.pos = i;
        Ok(Token {
            kind,
            start,
            end: i,
        })
    }

    /// End (one past the closing quote) of the string whose opening quote is at `start`.
    fn string_end(&self, start: usize) -> Result<usize> {
        let src = self.src;
        let mut i = start + 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &src[i.min(src.len())..]) {
                None => {
                    return Err(self.error_at(
                        start,
                        1,
                        "a closing '\"' for this string",
                        "end of file",
                    ));
                }
                Some(k) => {
                    i += k;
                    if src[i] == b'"' {
                        return Ok(i + 1);
                    }
                    // A backslash escapes the next byte (whatever it is).
                    i += 2;
                    if i > src.len() {
                        return Err(self.error_at(
                            start,
                            1,
                            "a closing '\"' for this string",
                            "end of file",
                        ));
                    }
                }
            }
        }
    }

    /// Skips the rest of a list whose `(` has been consumed, through its matching `)`.
    /// Depth is a counter, so any nesting depth is fine. Lists KiCad reads as numbers
    /// (`at`, `xy`, `start`, `size`, `width`, ... see [`numeric_arity`]) are checked on the
    /// way, so a malformed number refuses the file wherever it stands, as KiCad refuses it.
    pub fn skip_rest(&mut self, open_at: usize) -> Result<()> {
        let src = self.src;
        let mut depth = 1usize;
        let mut i = self.pos;
        while i < src.len() {
            // Jump 8 bytes at a time over runs with no parenthesis or quote.
            i = next_structural(src, i);
            if i >= src.len() {
                break;
            }
            match src[i] {
                b'(' => {
                    depth += 1;
                    i = self.check_numeric_list(i + 1)?;
                }
                b')' => {
                    depth -= 1;
                    i += 1;
                    if depth == 0 {
                        self.pos = i;
                        return Ok(());
                    }
                }
                _ => i = self.string_end(i)?,
            }
        }
        self.pos = src.len();
        Err(self.error_at(open_at, 1, "a ')' closing this list", "end of file"))
    }

    /// At `i`, just after a `(` being skipped: when the list's head is one KiCad reads
    /// as numbers, checks its leading bare atoms are numbers. Returns where the skip goes
    /// on (after the head).
    #[inline]
    fn check_numeric_list(&self, mut i: usize) -> Result<usize> {
        let src = self.src;
        let head_start = i;
        while i < src.len() && CLASS[src[i] as usize] == 0 {
            i += 1;
        }
        let arity = numeric_arity(&src[head_start..i]);
        let after_head = i;
        for _ in 0..arity {
            while i < src.len() && CLASS[src[i] as usize] == 1 {
                i += 1;
            }
            let start = i;
            while i < src.len() && CLASS[src[i] as usize] == 0 {
                i += 1;
            }
            if start == i {
                break; // a sub-list, a string or the end: KiCad's parser says what it needs
            }
            if !is_number(&src[start..i]) {
                let head = String::from_utf8_lossy(&src[head_start..after_head]);
                let found = self.describe(Token {
                    kind: Kind::Symbol,
                    start,
                    end: i,
                });
                return Err(self.error_at(
                    start,
                    i - start,
                    &format!("a number in ({head} ...)"),
                    &found,
                ));
            }
        }
        Ok(after_head)
    }

    /// The raw bytes of a token.
    pub fn bytes(&self, t: Token) -> &'a [u8] {
        &self.src[t.start..t.end]
    }

    /// The text of a symbol or string token (quotes removed, escapes resolved). Bytes
    /// that are not UTF-8 (text written by old tools in an 8-bit code page) are read as
    /// Latin-1, as KiCad falls back to the locale's 8-bit conversion: the board still
    /// reads, and names stay distinct.
    pub fn text(&self, t: Token) -> Result<Cow<'a, str>> {
        match t.kind {
            Kind::Symbol => Ok(decode(self.bytes(t))),
            Kind::Str => {
                let inner = &self.src[t.start + 1..t.end - 1];
                let s = decode(inner);
                if memchr::memchr(b'\\', inner).is_none() {
                    Ok(s)
                } else {
                    Ok(Cow::Owned(unescape(&s)))
                }
            }
            _ => Err(self.error_token(t, "a name or a quoted string")),
        }
    }

    /// A short description of a token for error messages.
    pub fn describe(&self, t: Token) -> String {
        match t.kind {
            Kind::Open => "'('".into(),
            Kind::Close => "')'".into(),
            Kind::Eof => "end of file".into(),
            Kind::Symbol | Kind::Str => {
                let b = self.bytes(t);
                let cut = &b[..b.len().min(40)];
                let s = String::from_utf8_lossy(cut);
                let s: String = s
                    .chars()
                    .map(|c| if c.is_control() { '?' } else { c })
                    .collect();
                if b.len() > 40 {
                    format!("`{s}...`")
                } else {
                    format!("`{s}`")
                }
            }
        }
    }

    /// An error at a token: "expected X, found <token>".
    pub fn error_token(&self, t: Token, expected: &str) -> BoardError {
        let len = (t.end - t.start).max(1);
        let found = self.describe(t);
        self.error_at(t.start, len, expected, &found)
    }

    /// An error at byte `offset`.
    pub fn error_at(&self, offset: usize, len: usize, expected: &str, found: &str) -> BoardError {
        let offset = offset.min(self.src.len());
        let (line, column) = pogo_text::line_column(self.src, offset);
        let len = len.min(self.src.len() - offset);
        BoardError::Syntax {
            path: self.path.to_string(),
            line,
            column,
            offset,
            len,
            expected: expected.to_string(),
            found: found.to_string(),
        }
    }
}

/// Position of the first `(`, `)` or `"` at or after `i` (or `src.len()`), scanning a
/// word of 8 bytes at a time.
#[inline]
fn next_structural(src: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    #[inline]
    fn zero_byte(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HIGHS
    }
    while i + 8 <= src.len() {
        let w = u64::from_le_bytes(src[i..i + 8].try_into().expect("8 bytes"));
        let hit = zero_byte(w ^ (ONES * b'(' as u64))
            | zero_byte(w ^ (ONES * b')' as u64))
            | zero_byte(w ^ (ONES * b'"' as u64));
        if hit != 0 {
            // The lowest flagged byte is exact (borrows only run upwards).
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < src.len() && !matches!(src[i], b'(' | b')' | b'"') {
        i += 1;
    }
    i
}

/// How many leading atoms of a list with this head KiCad's parser reads as numbers
/// (0 for heads it does not read as numbers).
#[inline]
fn numeric_arity(head: &[u8]) -> usize {
    match head {
        b"at" | b"xy" | b"start" | b"end" | b"mid" | b"center" | b"size" => 2,
        b"xyz" => 3,
        b"width" | b"thickness" | b"angle" => 1,
        _ => 0,
    }
}

/// UTF-8 text as is; anything else byte by byte as Latin-1.
fn decode(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(b.iter().map(|&c| c as char).collect()),
    }
}

/// Resolves KiCad's string escapes: `\"`, `\\`, `\n`, `\r`, `\t`, and keeps any other
/// escaped character as itself.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Whether [`parse_number`] reads the bytes as a number, without computing it when
/// they are a plain decimal (`-12.5`, `1.`, `.5`: what KiCad writes), which is always
/// a finite number; anything else (exponents, odd forms) asks [`parse_number`].
#[inline]
fn is_number(b: &[u8]) -> bool {
    let body = match b {
        [b'+' | b'-', rest @ ..] => rest,
        _ => b,
    };
    let mut digits = false;
    let mut dots = 0;
    for &c in body {
        match c {
            b'0'..=b'9' => digits = true,
            b'.' => dots += 1,
            _ => return parse_number(b).is_some(),
        }
    }
    if digits && dots <= 1 && b.len() <= 64 {
        return true;
    }
    parse_number(b).is_some()
}

/// Parses a KiCad number (`1`, `-0.5`, `1.`, `.5`, `1e-3`); `None` when the bytes are
/// not one (no `inf`, `nan`, hex or empty string).
pub fn parse_number(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b.len() > 64 {
        return None;
    }
    let mut digits = false;
    for &c in b {
        match c {
            b'0'..=b'9' => digits = true,
            b'+' | b'-' | b'.' | b'e' | b'E' => {}
            _ => return None,
        }
    }
    if !digits {
        return None;
    }
    // Safe: all bytes are ASCII.
    let s = std::str::from_utf8(b).ok()?;
    let v: f64 = s.parse().ok()?;
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(Kind, String)> {
        let mut lx = Lexer::new("t", s.as_bytes());
        let mut out = vec![];
        loop {
            let t = lx.next_token().unwrap();
            if t.kind == Kind::Eof {
                break;
            }
            out.push((t.kind, String::from_utf8_lossy(lx.bytes(t)).into_owned()));
        }
        out
    }

    #[test]
    fn is_number_agrees_with_parse_number() {
        let cases = [
            "1",
            "-0.5",
            "1.",
            ".5",
            "+3",
            "-.5",
            "1e-3",
            "1E5",
            "",
            ".",
            "-",
            "+",
            "1.2.3",
            "--1",
            "1-",
            "inf",
            "nan",
            "0x10",
            "1e999",
            "12a",
            "..5",
            "-1e",
            "00012.5000",
        ];
        for c in cases {
            let b = c.as_bytes();
            assert_eq!(is_number(b), parse_number(b).is_some(), "{c:?}");
        }
        let long = "1".repeat(65);
        assert_eq!(
            is_number(long.as_bytes()),
            parse_number(long.as_bytes()).is_some()
        );
    }

    #[test]
    fn kicad_tokens_are_whole_symbols() {
        let toks = kinds("(layers *.Cu F&B.Cu) (at 1. -.5) (tstamp 5A0F774F) 0x00010fc_ffffffff");
        let texts: Vec<_> = toks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            texts,
            [
                "(",
                "layers",
                "*.Cu",
                "F&B.Cu",
                ")",
                "(",
                "at",
                "1.",
                "-.5",
                ")",
                "(",
                "tstamp",
                "5A0F774F",
                ")",
                "0x00010fc_ffffffff"
            ]
        );
        assert_eq!(parse_number(b"1."), Some(1.0));
        assert_eq!(parse_number(b"-.5"), Some(-0.5));
        assert_eq!(parse_number(b"1e-3"), Some(0.001));
        assert_eq!(parse_number(b"nan"), None);
        assert_eq!(parse_number(b"inf"), None);
        assert_eq!(parse_number(b"5A0F774F"), None);
        assert_eq!(parse_number(b"-"), None);
    }

    #[test]
    fn strings_with_escapes_and_parens() {
        let src = r#"(net 3 "a \"b\" (c) \\d")"#;
        let mut lx = Lexer::new("t", src.as_bytes());
        lx.next_token().unwrap();
        lx.next_token().unwrap();
        lx.next_token().unwrap();
        let s = lx.next_token().unwrap();
        assert_eq!(s.kind, Kind::Str);
        assert_eq!(lx.text(s).unwrap(), r#"a "b" (c) \d"#);
        assert_eq!(lx.next_token().unwrap().kind, Kind::Close);
    }

    #[test]
    fn skip_handles_deep_nesting_and_reports_unclosed_lists() {
        let deep = format!("({}{} x", "(".repeat(100_000), ")".repeat(100_000));
        let mut lx = Lexer::new("deep.kicad_pcb", deep.as_bytes());
        let open = lx.next_token().unwrap();
        let err = lx.skip_rest(open.start).unwrap_err();
        match err {
            BoardError::Syntax {
                line,
                column,
                expected,
                ..
            } => {
                assert_eq!((line, column), (1, 1));
                assert!(expected.contains("')'"), "{expected}");
            }
            other => panic!("{other:?}"),
        }
        let ok = format!("({}{})", "(".repeat(100_000), ")".repeat(100_000));
        let mut lx = Lexer::new("deep", ok.as_bytes());
        let open = lx.next_token().unwrap();
        lx.skip_rest(open.start).unwrap();
        assert_eq!(lx.next_token().unwrap().kind, Kind::Eof);
    }

    #[test]
    fn unterminated_string_names_its_line_and_column() {
        let mut lx = Lexer::new("f", b"(a\n  \"oops");
        lx.next_token().unwrap();
        lx.next_token().unwrap();
        match lx.next_token().unwrap_err() {
            BoardError::Syntax { line, column, .. } => assert_eq!((line, column), (2, 3)),
            other => panic!("{other:?}"),
        }
    }
}
