//! Small text helpers that every pogo crate shares, each with one home:
//!
//! - [`line_column`]: the 1-based line and column of a byte offset, the column counted
//!   in characters as editors show it (every located error of pogo uses it);
//! - [`natural_key`]: the sort key that puts probe `P2` before `P10`;
//! - [`html_escape`]: text for HTML or SVG element content and attribute values;
//! - [`HtmlTable`]: an HTML table written row by row, its cells escaped or made HTML
//!   (every table of the design report, the QC pages and the service dashboard);
//! - [`glob_match`]: `*` and `?` patterns for nets and pads in `pogo.toml`;
//! - [`read_text_file`]: a text file read whole, with the name its errors show;
//! - [`RecordLines`]: the line of each record a CSV reader gives a byte position
//!   (every CSV pogo reads).
//!
//! ```
//! assert_eq!(pogo_text::line_column(b"ab\ncd", 4), (2, 2));
//! let mut ids = vec!["P10", "P2"];
//! ids.sort_by_key(|s| pogo_text::natural_key(s));
//! assert_eq!(ids, ["P2", "P10"]);
//! ```
#![warn(missing_docs)]

/// 1-based line and column of byte `offset` in `text` (clamped to its end). Lines
/// are counted by `\n`, so CRLF and LF text agree; the column counts characters
/// (bytes that are not UTF-8 count one each).
pub fn line_column(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// Sort key for natural order of ids: the text before the first digit run, that
/// number, then the rest (`P2` < `P10` < `P10a`; `TP3` after every `P`).
pub fn natural_key(id: &str) -> (String, u64, String) {
    let digits_at = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (head, rest) = id.split_at(digits_at);
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let number = rest[..end].parse().unwrap_or(0);
    (head.to_string(), number, rest[end..].to_string())
}

/// Escapes text for HTML and SVG element content and attribute values (both quote
/// kinds); control characters other than tab and newline, which XML forbids, become
/// U+FFFD.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table written row by row into a `String`: a head of column titles and
/// classes, rows of [`TableCell`]s, one line per row, and [`HtmlTable::end`] to close it.
///
/// ```
/// use pogo_text::{HtmlTable, TableCell};
/// let mut out = String::new();
/// let mut table = HtmlTable::new(&mut out, "", &[("Probe", ""), ("Force (N)", "num")]);
/// table.row(&[TableCell::text("P<1>"), TableCell::text(1.5).class("num")]);
/// table.end();
/// assert_eq!(
///     out,
///     "<table><thead><tr><th>Probe</th><th class=\"num\">Force (N)</th></tr></thead><tbody>\n\
///      <tr><td>P&lt;1&gt;</td><td class=\"num\">1.5</td></tr>\n</tbody></table>\n"
/// );
/// ```
pub struct HtmlTable<'o> {
    out: &'o mut String,
    sections: bool,
}

/// One cell of an [`HtmlTable`] row: its content as HTML, its class and title (none
/// when empty).
pub struct TableCell<'a> {
    html: std::borrow::Cow<'a, str>,
    class: &'a str,
    title: String,
}

/// ` class="class"` after an opening tag's name; nothing when `class` is empty.
fn push_class(out: &mut String, class: &str) {
    if !class.is_empty() {
        out.push_str(" class=\"");
        out.push_str(class);
        out.push('"');
    }
}

impl<'a> TableCell<'a> {
    /// A cell showing `text` (escaped): words, numbers, ids.
    pub fn text(text: impl std::fmt::Display) -> Self {
        TableCell::html(html_escape(&text.to_string()))
    }

    /// A cell of HTML already made (a pill, a link, escaped parts put together).
    pub fn html(html: impl Into<std::borrow::Cow<'a, str>>) -> Self {
        TableCell {
            html: html.into(),
            class: "",
            title: String::new(),
        }
    }

    /// The cell with the class `class` (`num`, `mono`, a verdict); none when empty.
    pub fn class(self, class: &'a str) -> Self {
        TableCell { class, ..self }
    }

    /// The cell with a title (escaped), the text a browser shows on hover.
    pub fn title(self, text: &str) -> Self {
        TableCell {
            title: html_escape(text),
            ..self
        }
    }

    fn write(&self, tag: &str, out: &mut String) {
        out.push('<');
        out.push_str(tag);
        push_class(out, self.class);
        if !self.title.is_empty() {
            out.push_str(" title=\"");
            out.push_str(&self.title);
            out.push('"');
        }
        out.push('>');
        out.push_str(&self.html);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

impl<'o> HtmlTable<'o> {
    /// Opens a table of class `class` (none when empty) with a head row of `columns`,
    /// each a title (escaped) and the class of its head cell (none when empty), and a
    /// body: `<table><thead><tr><th>..</th></tr></thead><tbody>`. Without columns (a
    /// key/value table, see [`HtmlTable::key_row`]) there is no head.
    pub fn new(out: &'o mut String, class: &str, columns: &[(&str, &str)]) -> Self {
        out.push_str("<table");
        push_class(out, class);
        out.push('>');
        if !columns.is_empty() {
            out.push_str("<thead>");
            Self::head_row(out, columns);
            out.push_str("</thead>");
        }
        out.push_str("<tbody>\n");
        HtmlTable {
            out,
            sections: true,
        }
    }

    /// Opens a table whose head row and rows stand directly in it, without head and
    /// body sections: `<table><tr><th>..</th></tr>`.
    pub fn without_sections(out: &'o mut String, columns: &[(&str, &str)]) -> Self {
        out.push_str("<table>");
        Self::head_row(out, columns);
        out.push('\n');
        HtmlTable {
            out,
            sections: false,
        }
    }

    fn head_row(out: &mut String, columns: &[(&str, &str)]) {
        out.push_str("<tr>");
        for (title, class) in columns {
            TableCell::text(title).class(class).write("th", out);
        }
        out.push_str("</tr>");
    }

    /// Writes a row of `cells`.
    pub fn row(&mut self, cells: &[TableCell]) {
        self.row_of_class("", cells);
    }

    /// Writes a row of class `class` (none when empty).
    pub fn row_of_class(&mut self, class: &str, cells: &[TableCell]) {
        self.out.push_str("<tr");
        push_class(self.out, class);
        self.out.push('>');
        for cell in cells {
            cell.write("td", self.out);
        }
        self.out.push_str("</tr>\n");
    }

    /// Writes a row of a key/value table: `key` (escaped) as its head cell, then `value`.
    pub fn key_row(&mut self, key: &str, value: TableCell) {
        self.out.push_str("<tr>");
        TableCell::text(key).write("th", self.out);
        value.write("td", self.out);
        self.out.push_str("</tr>\n");
    }

    /// Closes the table.
    pub fn end(self) {
        if self.sections {
            self.out.push_str("</tbody>");
        }
        self.out.push_str("</table>\n");
    }
}

/// Whether `text` matches a glob `pattern`: `*` any run of characters, `?` one
/// character, anything else itself (case-sensitive, as KiCad net names are).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Reads the text file at `path` whole: the name errors show for it (the path as
/// displayed) and its text. A failure is `error(shown, io_error)`, so that each crate
/// reports it with its own error type.
pub fn read_text_file<E>(
    path: &std::path::Path,
    error: impl FnOnce(String, std::io::Error) -> E,
) -> Result<(String, String), E> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((shown, text)),
        Err(e) => Err(error(shown, e)),
    }
}

/// 1-based line numbers of the records of a CSV text, from the byte positions the
/// `csv` crate gives them. Lines are counted by `\n`, so CRLF and LF files agree (the
/// `csv` crate's own line count is off by one per CRLF line). Offsets asked in
/// increasing order cost one pass over the text in all.
pub struct RecordLines<'t> {
    text: &'t [u8],
    comment: Option<u8>,
    pos: usize,
    line: u64,
}

impl<'t> RecordLines<'t> {
    /// Lines of `text`, read with `comment` as the comment byte of the reader (`None`
    /// when it has none).
    pub fn new(text: &'t str, comment: Option<u8>) -> Self {
        RecordLines {
            text: text.as_bytes(),
            comment,
            pos: 0,
            line: 1,
        }
    }

    /// The line of byte `offset` (clamped to the end of the text).
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let end = usize::try_from(offset).map_or(self.text.len(), |o| o.min(self.text.len()));
        if end < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.text[self.pos..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.pos = end;
        self.line
    }

    /// The line of the record the reader places at `offset`: its position counts from
    /// the blank (and comment) lines it skipped before the record, so those are passed
    /// over here.
    pub fn record_line_at(&mut self, offset: u64) -> u64 {
        self.line_at(offset);
        loop {
            let rest = &self.text[self.pos..];
            let skip = if rest.starts_with(b"\n") {
                1
            } else if rest.starts_with(b"\r\n") {
                2
            } else if self.comment.is_some_and(|c| rest.first() == Some(&c)) {
                match rest.iter().position(|&b| b == b'\n') {
                    Some(n) => n + 1,
                    None => break,
                }
            } else {
                break;
            };
            self.pos += skip;
            self.line += 1;
        }
        self.line
    }

    /// The text of the line the last call ended on, without its line ending.
    pub fn current_line(&self) -> &'t str {
        let rest = &self.text[self.pos..];
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let line = &rest[..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        std::str::from_utf8(line).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_lines_and_characters() {
        assert_eq!(line_column(b"", 0), (1, 1));
        assert_eq!(line_column(b"abc", 2), (1, 3));
        assert_eq!(line_column(b"a\r\nb", 3), (2, 1));
        assert_eq!(line_column("é\nµx".as_bytes(), 6), (2, 3));
        assert_eq!(line_column(b"ab", 99), (1, 3));
        assert_eq!(line_column(b"\xff\xfe!", 2), (1, 3));
    }

    #[test]
    fn record_lines_skip_blank_and_comment_lines_in_crlf_and_lf() {
        for eol in ["\n", "\r\n"] {
            let text = ["a,b", "# note", "1,2", "", "3,4"].join(eol);
            let starts: Vec<u64> = text
                .match_indices(eol)
                .map(|(i, _)| (i + eol.len()) as u64)
                .collect();
            // The reader places record `1,2` at the comment line, `3,4` at the blank one.
            let mut lines = RecordLines::new(&text, Some(b'#'));
            assert_eq!(lines.record_line_at(0), 1);
            assert_eq!(lines.current_line(), "a,b");
            assert_eq!(lines.record_line_at(starts[0]), 3, "{eol:?}");
            assert_eq!(lines.current_line(), "1,2");
            assert_eq!(lines.record_line_at(starts[2]), 5, "{eol:?}");
            // Without a comment byte a `#` line is a record.
            let mut lines = RecordLines::new(&text, None);
            assert_eq!(lines.record_line_at(starts[0]), 2, "{eol:?}");
        }
    }

    #[test]
    fn natural_order_of_probe_ids() {
        let mut ids = vec!["P10", "P2", "TP1", "P1a", "P1", "X"];
        ids.sort_by_key(|s| natural_key(s));
        assert_eq!(ids, ["P1", "P1a", "P2", "P10", "TP1", "X"]);
        assert_eq!(natural_key("P99999999999999999999").1, 0);
    }

    #[test]
    fn escapes_markup_both_quotes_and_control_characters() {
        assert_eq!(
            html_escape("<a href=\"x\">R&D's</a>\u{1}\n"),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;\u{fffd}\n"
        );
    }

    /// Net and pad patterns as pogo.toml writes them (the one test of the globs that
    /// pogo-design and pogo-mechanics re-export).
    #[test]
    fn globs() {
        let matching = [
            ("GND*", "GND_A"),
            ("?V3", "3V3"),
            ("*", ""),
            ("a*b*c", "a-b-b-c"),
            ("VBUS*", "VBUS_IN"),
            ("/U?/VCC", "/U1/VCC"),
            ("*GND", "AGND"),
            ("USB_*", "USB_D+"),
            ("+3V?", "+3V3"),
        ];
        for (pattern, text) in matching {
            assert!(glob_match(pattern, text), "{pattern} ~ {text}");
        }
        let different = [
            ("gnd", "GND"),
            ("a*b", "a-c"),
            ("GND", "AGND"),
            ("+3V?", "+3V30"),
        ];
        for (pattern, text) in different {
            assert!(!glob_match(pattern, text), "{pattern} !~ {text}");
        }
    }

    #[test]
    fn a_text_file_is_read_with_its_name_and_a_failure_names_it() {
        let dir = std::env::temp_dir().join(format!("pogo-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.txt");
        std::fs::write(&path, "x = 1\n").unwrap();
        let (shown, text) = read_text_file(&path, |_, e| e).unwrap();
        assert_eq!(
            (shown, text.as_str()),
            (path.display().to_string(), "x = 1\n")
        );
        let missing = dir.join("missing.txt");
        let (shown, kind) = read_text_file(&missing, |shown, e| (shown, e.kind())).unwrap_err();
        assert_eq!(shown, missing.display().to_string());
        assert_eq!(kind, std::io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_table_escapes_cell_text_and_writes_classes_and_titles() {
        let mut out = String::new();
        let mut table = HtmlTable::new(&mut out, "narrow", &[("R&D", ""), ("x (mm)", "num")]);
        table.row(&[
            TableCell::text("<P1>").class("mono").title("a \"b\""),
            TableCell::text(2.5).class("num"),
        ]);
        table.row_of_class("fail", &[TableCell::html("<b>1</b>"), TableCell::text("")]);
        table.end();
        assert_eq!(
            out,
            "<table class=\"narrow\"><thead><tr><th>R&amp;D</th><th class=\"num\">x (mm)</th></tr></thead><tbody>\n\
             <tr><td class=\"mono\" title=\"a &quot;b&quot;\">&lt;P1&gt;</td><td class=\"num\">2.5</td></tr>\n\
             <tr class=\"fail\"><td><b>1</b></td><td></td></tr>\n\
             </tbody></table>\n"
        );
    }

    #[test]
    fn an_empty_table_and_a_key_value_table() {
        let mut out = String::new();
        HtmlTable::new(&mut out, "", &[]).end();
        assert_eq!(out, "<table><tbody>\n</tbody></table>\n");
        out.clear();
        let mut table = HtmlTable::new(&mut out, "", &[]);
        table.key_row("a<b", TableCell::text("1").class("num"));
        table.end();
        assert_eq!(
            out,
            "<table><tbody>\n<tr><th>a&lt;b</th><td class=\"num\">1</td></tr>\n</tbody></table>\n"
        );
        out.clear();
        let mut table = HtmlTable::without_sections(&mut out, &[("probe", ""), ("when", "")]);
        table.row(&[TableCell::text("P'1"), TableCell::html("<i>now</i>")]);
        table.end();
        assert_eq!(
            out,
            "<table><tr><th>probe</th><th>when</th></tr>\n<tr><td>P&#39;1</td><td><i>now</i></td></tr>\n</table>\n"
        );
    }
}
