//! Large boards read in parallel. The board items after the header (footprints, vias,
//! graphics, tracks, zones) are split into chunks at the starts of top-level items; each
//! chunk is read by its own reader over the header's tables (format version, layers,
//! nets), and the chunks are joined in file order.
//!
//! A boundary is found by its indentation (a line that opens an item at the indentation
//! of the first footprint), so it may be wrong (inside a string, or a file written
//! without line breaks). It is only trusted when the chunk before it, read from a trusted
//! start, ends exactly there. Anything else reads the rest of the board serially, from
//! where the chunks began: a boundary that is not one, a table after the first
//! footprint (`net`, `layers`, `setup`...), a net the header's table does not declare
//! (its number depends on file order), a syntax error (so the error is the serial
//! reader's). The board read in chunks is the board read serially, field for field.

use super::{Item, KNOWN_TOP_LEVEL, Reader};
use rayon::prelude::*;
use std::borrow::Cow;

/// Board items of at least this many bytes are read in chunks.
pub(super) const CHUNKED_FROM_BYTES: usize = 8 << 20;

/// Chunks per thread: several, so a thread that finishes early takes another.
const CHUNKS_PER_THREAD: usize = 16;

/// Whether a top-level item starts the board items that may be read in chunks (the
/// header's tables come before it).
pub(super) fn starts_items(head: &[u8]) -> bool {
    matches!(
        head,
        b"footprint"
            | b"module"
            | b"via"
            | b"segment"
            | b"arc"
            | b"zone"
            | b"gr_line"
            | b"gr_arc"
            | b"gr_circle"
            | b"gr_rect"
            | b"gr_poly"
            | b"gr_curve"
            | b"gr_text"
    )
}

/// Whether a chunk may read this top-level item: it adds to the board's lists and
/// changes no table that a later item reads.
fn chunk_item(head: &[u8]) -> bool {
    starts_items(head) || KNOWN_TOP_LEVEL.contains(&head)
}

/// How a chunk's reading ended.
enum End {
    /// At the next chunk's first item.
    AtBoundary,
    /// At the board's closing `)`.
    Closed,
}

/// What a chunk read: the board's items in file order, and where it stopped.
struct Items {
    footprints: Vec<crate::model::Footprint>,
    pads: Vec<crate::model::Pad>,
    vias: Vec<crate::model::Via>,
    via_tenting: Vec<(Option<bool>, Option<bool>)>,
    edges: Vec<super::Shape>,
    vias_without_drill: Vec<usize>,
    end: usize,
}

impl<'a> Reader<'a> {
    /// Reads the board's items from `start` (the `(` of the first item after the header,
    /// whose head the lexer has already passed) to the board's end in parallel chunks,
    /// and adds them to this reader. `false` (nothing changed) when the items are too
    /// few to split, or when the chunks cannot stand for the serial reading (the module
    /// docs): the caller then reads them serially.
    pub(super) fn read_chunks(&mut self, open: usize, start: usize) -> bool {
        let src = self.lx.src();
        if src.len().saturating_sub(start) < self.chunked_from_bytes {
            return false;
        }
        let chunks = rayon::current_num_threads().max(2) * CHUNKS_PER_THREAD;
        let Some(starts) = chunk_starts(src, start, chunks) else {
            return false;
        };
        if starts.len() < 2 {
            return false;
        }
        let header: &Reader<'a> = self;
        let last = starts.len() - 1;
        let items: Option<Vec<Items>> = (0..starts.len())
            .into_par_iter()
            .map(|k| {
                let (r, end) = header.read_chunk(open, starts[k], starts.get(k + 1).copied())?;
                let in_place = match end {
                    End::AtBoundary => k < last,
                    End::Closed => k == last,
                };
                // A chunk that declared a net (or numbered one) took its own copy of
                // the table: it would number the net in its own order, not the file's.
                (in_place && matches!(r.net_table, Cow::Borrowed(_))).then(|| r.into_items())
            })
            .collect();
        let Some(items) = items else {
            return false;
        };
        let end = items.last().map_or(start, |i| i.end);
        self.join(items);
        self.lx = super::Lexer::starting_at(self.lx.path(), src, end);
        true
    }

    /// A reader of the board's items from `at` on, over this reader's tables (the
    /// nets borrowed, the rest copied).
    fn fork<'b>(&'b self, at: usize) -> Reader<'b> {
        let mut r: Reader<'b> = Reader::new(self.lx.path(), self.lx.src());
        r.lx = super::Lexer::starting_at(self.lx.path(), self.lx.src(), at);
        r.version = self.version;
        r.copper = self.copper.clone();
        r.layer_alias = self.layer_alias.clone();
        r.net_table = Cow::Borrowed(&*self.net_table);
        r
    }

    /// Reads the items from `at` until the next chunk's start `stop` (or the board's
    /// end); `None` when the chunk cannot stand for the serial reading.
    fn read_chunk<'b>(
        &'b self,
        open: usize,
        at: usize,
        stop: Option<usize>,
    ) -> Option<(Reader<'b>, End)> {
        let mut r = self.fork(at);
        loop {
            match r.item(open).ok()? {
                Item::End => return stop.is_none().then_some((r, End::Closed)),
                Item::Atom(_) => return None,
                Item::List(head, o) => {
                    if let Some(stop) = stop
                        && o >= stop
                    {
                        return (o == stop).then_some((r, End::AtBoundary));
                    }
                    if !chunk_item(head) {
                        return None;
                    }
                    r.top_item(head, o).ok()?;
                }
            }
        }
    }

    /// The items this (chunk's) reader read.
    fn into_items(self) -> Items {
        Items {
            end: self.lx.pos(),
            footprints: self.footprints,
            pads: self.pads,
            vias: self.vias,
            via_tenting: self.via_tenting,
            edges: self.edges,
            vias_without_drill: self.vias_without_drill,
        }
    }

    /// Adds the chunks' items after this reader's, in order (their indices moved past
    /// the items before them).
    fn join(&mut self, chunks: Vec<Items>) {
        let count = |f: fn(&Items) -> usize| chunks.iter().map(f).sum::<usize>();
        self.footprints.reserve(count(|i| i.footprints.len()));
        self.pads.reserve(count(|i| i.pads.len()));
        self.vias.reserve(count(|i| i.vias.len()));
        self.via_tenting.reserve(count(|i| i.via_tenting.len()));
        self.edges.reserve(count(|i| i.edges.len()));
        for mut c in chunks {
            let footprints = self.footprints.len();
            let pads = self.pads.len();
            let vias = self.vias.len();
            for pad in &mut c.pads {
                pad.footprint = pad.footprint.map(|i| i + footprints);
            }
            for fp in &mut c.footprints {
                fp.pads = fp.pads.start + pads..fp.pads.end + pads;
            }
            self.vias_without_drill
                .extend(c.vias_without_drill.iter().map(|i| i + vias));
            self.footprints.append(&mut c.footprints);
            self.pads.append(&mut c.pads);
            self.vias.append(&mut c.vias);
            self.via_tenting.append(&mut c.via_tenting);
            self.edges.append(&mut c.edges);
        }
    }
}

/// The starts of up to `n` chunks of the items from `first` (the `(` of the first item
/// after the header) on: `first`, then the first line opening an item at `first`'s
/// indentation after each n-th of the rest. `None` when `first` is not at the start
/// of its line.
fn chunk_starts(src: &[u8], first: usize, n: usize) -> Option<Vec<usize>> {
    let line_start = memchr::memrchr(b'\n', &src[..first])? + 1;
    let indent = &src[line_start..first];
    if !indent.iter().all(|&c| c == b' ' || c == b'\t') {
        return None;
    }
    let mut pattern = Vec::with_capacity(indent.len() + 2);
    pattern.push(b'\n');
    pattern.extend_from_slice(indent);
    pattern.push(b'(');
    let finder = memchr::memmem::Finder::new(&pattern);
    let mut starts = vec![first];
    let rest = src.len() - first;
    for k in 1..n {
        let target = first + rest / n * k;
        let last = *starts.last().expect("starts has the first");
        let mut from = target.max(last + 1);
        while let Some(at) = finder.find(&src[from..]) {
            let open = from + at + pattern.len() - 1;
            let head_end = src[open + 1..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map_or(src.len(), |e| open + 1 + e);
            if chunk_item(&src[open + 1..head_end]) {
                starts.push(open);
                break;
            }
            from = open + 1;
        }
    }
    Some(starts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{BoardError, Result};
    use crate::model::Board;

    /// Reads `text` with its items read in chunks from `chunked_from_bytes` on; also
    /// whether they were.
    fn read(text: &str, chunked_from_bytes: usize) -> Result<(Board, bool)> {
        let mut r = Reader::new("t.kicad_pcb", text.as_bytes());
        r.chunked_from_bytes = chunked_from_bytes;
        let board = r.board()?;
        Ok((board, r.read_in_chunks))
    }

    /// The board read serially and in chunks; `chunked` says whether the chunks must
    /// stand (else the reader must have fallen back to reading serially).
    fn same_both_ways(text: &str, chunked: bool) -> Board {
        let (serial, was) = read(text, usize::MAX).unwrap();
        assert!(!was);
        let (parallel, was) = read(text, 1).unwrap();
        assert_eq!(was, chunked, "read in chunks");
        assert_eq!(parallel, serial);
        serial
    }

    const HEADER: &str = "(kicad_pcb (version 20211014) (generator pcbnew)\n  (general (thickness 1.6))\n  (paper \"A4\")\n  (layers (0 \"F.Cu\" signal) (31 \"B.Cu\" signal) (44 \"Edge.Cuts\" user))\n  (net 0 \"\")\n  (net 1 \"GND\")\n  (net 2 \"VCC\")\n";

    fn footprint(i: usize, net: usize, net_name: &str) -> String {
        format!(
            "  (footprint \"R\" (layer \"F.Cu\") (at {x} 10 90)\n    (property \"Reference\" \"R{i}\")\n    (fp_line (start -1 -1) (end 1 -1) (layer \"F.CrtYd\") (width 0.05))\n    (fp_line (start 1 -1) (end 1 1) (layer \"F.CrtYd\") (width 0.05))\n    (fp_line (start 1 1) (end -1 1) (layer \"F.CrtYd\") (width 0.05))\n    (fp_line (start -1 1) (end -1 -1) (layer \"F.CrtYd\") (width 0.05))\n    (pad \"1\" smd rect (at -0.5 0) (size 0.6 0.8) (layers \"F.Cu\" \"F.Mask\") (net {net} \"{net_name}\"))\n    (pad \"2\" thru_hole circle (at 0.5 0) (size 1 1) (drill 0.5) (layers *.Cu *.Mask) (net 1 \"GND\"))\n  )\n",
            x = 10 + i
        )
    }

    fn via(i: usize) -> String {
        format!(
            "  (via (at {} 20) (size 0.6) (drill 0.3) (layers \"F.Cu\" \"B.Cu\") (net 2))\n",
            i
        )
    }

    /// A board of many footprints, vias, tracks, edges and a zone.
    fn board(footprints: usize, extra: &str) -> String {
        let mut s = String::from(HEADER);
        for i in 0..footprints {
            s += &footprint(i, 2, "VCC");
            if i % 3 == 0 {
                s += &via(i);
                s += &format!(
                    "  (segment (start {i} 0) (end {i} 5) (width 0.2) (layer \"F.Cu\") (net 1))\n"
                );
            }
            if i == footprints / 2 {
                s += extra;
            }
        }
        for (a, b) in [
            ((0, 0), (100, 0)),
            ((100, 0), (100, 50)),
            ((100, 50), (0, 50)),
            ((0, 50), (0, 0)),
        ] {
            s += &format!(
                "  (gr_line (start {} {}) (end {} {}) (layer \"Edge.Cuts\") (width 0.1))\n",
                a.0, a.1, b.0, b.1
            );
        }
        s += "  (zone (net 1) (net_name \"GND\") (layer \"F.Cu\")\n    (polygon (pts (xy 0 0) (xy 10 0) (xy 10 10)))\n  )\n)\n";
        s
    }

    #[test]
    fn a_board_read_in_chunks_is_the_board_read_serially() {
        let text = board(200, "");
        let b = same_both_ways(&text, true);
        assert_eq!(b.footprints.len(), 200);
        assert_eq!(b.pads.len(), 400);
        assert_eq!(b.vias.len(), 67);
        // Each pad points at its own footprint, each footprint at its own pads.
        for (i, fp) in b.footprints.iter().enumerate() {
            assert_eq!(fp.reference, format!("R{i}"));
            for p in &b.pads[fp.pads.clone()] {
                assert_eq!(p.footprint, Some(i));
            }
        }
        assert!(b.outline.as_ref().is_some_and(|o| o.polygons.len() == 1));
    }

    #[test]
    fn boundaries_inside_strings_and_tables_after_the_items_read_as_serially() {
        // A text whose string holds a line that looks like a footprint's start.
        let text = board(
            200,
            "  (gr_text \"one\n  (footprint \\\"fake\\\" (layer F.Cu))\n  (via (at 1 2))\" (at 1 1) (layer \"F.SilkS\"))\n",
        );
        same_both_ways(&text, true);
        // A net declared after the footprints, then used: its number depends on the
        // file's order.
        let text = board(200, "  (net 3 \"LATE\")\n");
        same_both_ways(&text, false);
        // A pad's net that the table does not hold: declared on the fly, in file order.
        let text = board(200, &footprint(999, 7, "UNDECLARED"));
        let b = same_both_ways(&text, false);
        assert!(b.nets.iter().any(|n| n.name == "UNDECLARED"));
    }

    #[test]
    fn an_error_in_a_chunk_is_the_serial_error() {
        let text = board(200, "  (via (at 1 oops) (size 0.6))\n");
        let serial = read(&text, usize::MAX).unwrap_err();
        let parallel = read(&text, 1).unwrap_err();
        assert!(matches!(serial, BoardError::Syntax { .. }), "{serial}");
        assert_eq!(parallel.to_string(), serial.to_string());
        // A board cut short inside its items.
        let text = board(200, "");
        let cut = &text[..text.len() * 2 / 3];
        let serial = read(cut, usize::MAX).unwrap_err();
        let parallel = read(cut, 1).unwrap_err();
        assert_eq!(parallel.to_string(), serial.to_string());
    }

    #[test]
    fn a_board_on_one_line_reads_serially() {
        let text = board(50, "").replace('\n', " ");
        same_both_ways(&text, false);
    }
}
