//! Bad IPC-2581 and ODB++ input: one clear error naming the file, the line (and the
//! column for XML) and what was expected; never a panic or a hang.

use pogo_board::BoardError;
use pogo_board::odb::lzw;
use std::io::Read;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<IPC-2581 revision="C" xmlns="http://webstds.ipc.org/2581">
  <Content>
    <DictionaryStandard units="MILLIMETER">
      <EntryStandard id="CIRCLE_1"><Circle diameter="1.0"/></EntryStandard>
    </DictionaryStandard>
  </Content>
  <Ecad name="x">
    <CadHeader units="MILLIMETER"/>
    <CadData>
      <Layer name="F.Cu" layerFunction="CONDUCTOR" side="TOP"/>
      <Step name="s">
"#;

fn syntax(e: BoardError) -> (String, usize, usize, String, String) {
    match e {
        BoardError::Syntax {
            path,
            line,
            column,
            expected,
            found,
            ..
        } => (path, line, column, expected, found),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

fn pad(prim: &str) -> String {
    format!(
        "{HEAD}        <LayerFeature layerRef=\"F.Cu\"><Set net=\"N\">\n          <Pad><Location x=\"1\" y=\"2\"/><StandardPrimitiveRef id=\"{prim}\"/><PinRef componentRef=\"R1\" pin=\"1\"/></Pad>\n        </Set></LayerFeature>\n      </Step>\n    </CadData>\n  </Ecad>\n</IPC-2581>\n"
    )
}

#[test]
fn a_small_ipc2581_document_reads() {
    let b = pogo_board::read_bytes("ok.xml", pad("CIRCLE_1").as_bytes()).unwrap();
    assert_eq!(b.pads.len(), 1);
    let p = &b.pads[0];
    assert_eq!(
        (p.position.x, p.position.y),
        (1.0, -2.0),
        "y is negated into the page frame"
    );
    assert_eq!(p.size_mm.w, 1.0);
    assert_eq!(b.net_name(p.net), "N");
}

/// Entities and line breaks in attribute values are resolved (Allegro writes bus nets
/// as `L_BE*&lt;2&gt;`); a bad entity is one error at its element.
#[test]
fn entities_in_attribute_values_are_resolved() {
    let doc = pad("CIRCLE_1").replace("net=\"N\"", "net=\"L_BE*&lt;2&gt;&#x20;&amp;\nx\"");
    let b = pogo_board::read_bytes("ok.xml", doc.as_bytes()).unwrap();
    assert_eq!(
        b.nets[b.pads[0].net.unwrap().0 as usize].name,
        "L_BE*<2> & x"
    );
    let bad = pad("CIRCLE_1").replace("net=\"N\"", "net=\"a&bogus;\"");
    let (_, line, _, expected, _) =
        syntax(pogo_board::read_bytes("bad.xml", bad.as_bytes()).unwrap_err());
    assert_eq!(line, 13);
    assert!(expected.contains("valid escapes"), "{expected}");
}

#[test]
fn truncated_xml_names_the_end_of_the_file() {
    let doc = pad("CIRCLE_1");
    let cut = &doc[..doc.len() / 2 + 40];
    let (path, line, column, expected, _) =
        syntax(pogo_board::read_bytes("cut.xml", cut.as_bytes()).unwrap_err());
    assert_eq!(path, "cut.xml");
    assert_eq!(line, cut.lines().count(), "the last line");
    assert!(column >= 1);
    assert!(
        expected.contains("end tag") || expected.contains("well-formed"),
        "{expected}"
    );
}

/// A plain IPC-2581 file is streamed from disk, not read whole: it reads to the same
/// board as the bytes in memory, and its errors name the same line and column.
#[test]
fn a_streamed_file_reads_and_fails_as_the_bytes_do() {
    let dir = std::env::temp_dir().join(format!("pogo-cam-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("ok.xml");
    let doc = pad("CIRCLE_1");
    std::fs::write(&good, &doc).unwrap();
    let from_file = pogo_board::read_file(&good).unwrap();
    let from_bytes = pogo_board::read_bytes(&good.display().to_string(), doc.as_bytes()).unwrap();
    assert_eq!(from_file, from_bytes);
    for (name, text) in [
        ("cut.xml", doc[..doc.len() / 2 + 40].to_string()),
        ("undefined.xml", pad("NOT_DEFINED")),
        ("bad.xml", doc.replace("x=\"1\"", "x=\"one\"")),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &text).unwrap();
        let shown = path.display().to_string();
        let streamed = syntax(pogo_board::read_file(&path).unwrap_err());
        let in_memory = syntax(pogo_board::read_bytes(&shown, text.as_bytes()).unwrap_err());
        assert_eq!(streamed, in_memory, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn wrong_namespace_is_named() {
    let doc = pad("CIRCLE_1").replace("http://webstds.ipc.org/2581", "http://example.com/other");
    let (_, line, column, expected, found) =
        syntax(pogo_board::read_bytes("ns.xml", doc.as_bytes()).unwrap_err());
    assert_eq!((line, column), (2, 1));
    assert!(
        expected.contains("http://webstds.ipc.org/2581"),
        "{expected}"
    );
    assert!(found.contains("example.com"), "{found}");
}

#[test]
fn missing_dictionary_entry_is_named_where_it_is_used() {
    let doc = pad("NO_SUCH_ENTRY");
    let (_, line, column, expected, found) =
        syntax(pogo_board::read_bytes("dict.xml", doc.as_bytes()).unwrap_err());
    let want_line = doc
        .lines()
        .position(|l| l.contains("NO_SUCH_ENTRY"))
        .unwrap()
        + 1;
    assert_eq!(line, want_line);
    let col = doc
        .lines()
        .nth(want_line - 1)
        .unwrap()
        .find("<StandardPrimitiveRef")
        .unwrap()
        + 1;
    assert_eq!(column, col);
    assert!(expected.contains("DictionaryStandard"), "{expected}");
    assert!(found.contains("NO_SUCH_ENTRY"), "{found}");
}

#[test]
fn a_bad_number_is_named_with_its_attribute() {
    let doc = pad("CIRCLE_1").replace("x=\"1\"", "x=\"one\"");
    let (_, _, _, expected, found) =
        syntax(pogo_board::read_bytes("num.xml", doc.as_bytes()).unwrap_err());
    assert!(expected.contains("number for x"), "{expected}");
    assert!(found.contains("one"), "{found}");
}

/// The shared test_points ODB++ job as (path, bytes) entries, or None when the shared
/// data is absent.
fn test_points_job(test: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let dir = pogo_testdata::board_dir("test_points-v9", test)?;
    let gz = std::fs::read(dir.join("test_points-odb.tgz")).unwrap();
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut tar)
        .unwrap();
    let mut out = Vec::new();
    for e in tar::Archive::new(&tar[..]).entries().unwrap() {
        let mut e = e.unwrap();
        if e.header().entry_type().is_file() {
            let p = e.path().unwrap().to_string_lossy().into_owned();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            out.push((p, b));
        }
    }
    Some(out)
}

fn tar_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (p, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, p, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

/// The shared test_points ODB++ job with its F.Cu features file rewritten by `edit`:
/// the error reading it, or None when the shared data is absent.
fn error_with_front_features(test: &str, edit: impl FnOnce(&str) -> String) -> Option<BoardError> {
    let mut job = test_points_job(test)?;
    let (_, feats) = job
        .iter_mut()
        .find(|(p, _)| p.ends_with("layers/f.cu/features"))
        .unwrap();
    *feats = edit(std::str::from_utf8(feats).unwrap()).into_bytes();
    Some(pogo_board::read_bytes("job.tar", &tar_of(&job)).unwrap_err())
}

#[test]
fn odb_features_with_a_bad_record_names_file_line_and_column() {
    let mut line = 0;
    let Some(err) = error_with_front_features("odb_features_with_a_bad_record", |text| {
        line = text.lines().position(|l| l.starts_with("P ")).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines[line] = "P 132.0 oops 1 P 0 8 0.0".into();
        lines.join("\n")
    }) else {
        return;
    };
    let (path, l, column, expected, found) = syntax(err);
    assert!(path.ends_with("layers/f.cu/features"), "{path}");
    assert_eq!(l, line + 1);
    assert_eq!(column, 9, "the y word");
    assert!(expected.contains("number"), "{expected}");
    assert!(found.contains("oops"), "{found}");
}

#[test]
fn odb_orient_code_out_of_range_is_an_error() {
    let Some(err) = error_with_front_features("odb_orient_code", |text| {
        text.replacen(" P 0 8 0.0", " P 0 12 0.0", 1)
    }) else {
        return;
    };
    let (_, _, _, expected, found) = syntax(err);
    assert!(expected.contains("orient code"), "{expected}");
    assert!(found.contains("12"), "{found}");
}

#[test]
fn broken_archives_are_one_error() {
    let Some(job) = test_points_job("broken_archives") else {
        return;
    };
    let tar = tar_of(&job);
    // Cut inside an entry's data.
    let err = pogo_board::read_bytes("cut.tar", &tar[..tar.len() / 2]).unwrap_err();
    assert!(matches!(err, BoardError::Decompress { .. }), "{err:?}");
    // A gzip stream cut short.
    let dir = pogo_testdata::board_dir("test_points-v9", "broken_archives").unwrap();
    let gz = std::fs::read(dir.join("test_points-odb.tgz")).unwrap();
    let err = pogo_board::read_bytes("cut.tgz", &gz[..gz.len() / 2]).unwrap_err();
    assert!(matches!(err, BoardError::Decompress { .. }), "{err:?}");
    // A zip with its central directory cut off.
    let err = pogo_board::read_bytes("cut.zip", b"PK\x03\x04 not really a zip").unwrap_err();
    assert!(err.to_string().contains("zip"), "{err}");
}

#[test]
fn a_job_without_a_matrix_is_not_odb() {
    let tar = tar_of(&[("job/misc/info".to_string(), b"UNITS=MM\n".to_vec())]);
    let err = pogo_board::read_bytes("nomatrix.tar", &tar).unwrap_err();
    assert!(err.to_string().contains("matrix/matrix"), "{err}");
}

#[test]
fn lzw_decodes_what_compress_wrote() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let plain = std::fs::read(dir.join("odb-features.txt")).unwrap();
    let z = std::fs::read(dir.join("odb-features.Z")).unwrap();
    assert_eq!(lzw::decompress(&z, 1 << 20).unwrap(), plain);
}

#[test]
fn lzw_stream_that_ends_early_is_an_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let z = std::fs::read(dir.join("odb-features.Z")).unwrap();
    // 9-bit codes: a cut one byte after a code boundary leaves 8 bits, never padding.
    let mut caught = 0;
    for cut in 4..z.len() - 1 {
        match lzw::decompress(&z[..cut], 1 << 20) {
            Err(lzw::LzwError::Truncated { .. }) => caught += 1,
            Err(e) => panic!("cut at {cut}: {e}"),
            Ok(out) => assert!(out.len() < 10_000),
        }
    }
    assert!(caught > 0, "some cuts must be seen as a code cut short");
    assert_eq!(lzw::decompress(&z[..2], 100), Err(lzw::LzwError::NoHeader));
    assert_eq!(
        lzw::decompress(b"\x1f\x9d\x05", 100),
        Err(lzw::LzwError::BadWidth(5))
    );
    assert_eq!(lzw::decompress(b"plain", 100), Err(lzw::LzwError::BadMagic));
}

#[test]
fn lzw_matches_compress_on_long_inputs() {
    // Long inputs go through every code width and the block-mode clear code.
    if std::process::Command::new("compress")
        .arg("-V")
        .output()
        .is_err()
    {
        panic!("`compress` (Debian ncompress) is needed: run scripts/ci-deps.d/cam.sh");
    }
    let mut data = Vec::new();
    let mut rng = pogo_testdata::Xorshift(0x9e3779b97f4a7c15);
    for i in 0..400_000u32 {
        let x = rng.next_u64();
        if i % 3000 < 1500 {
            data.extend_from_slice(b"P 1.0 -2.0 3 P 0 8 0.0 ;0=0,1\n");
        } else {
            data.push(b'a' + (x % 26) as u8);
        }
    }
    let tmp = std::env::temp_dir().join(format!("pogo-lzw-{}", std::process::id()));
    std::fs::write(&tmp, &data).unwrap();
    let z = std::process::Command::new("compress")
        .arg("-c")
        .arg(&tmp)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&tmp);
    assert!(
        z.stdout.len() > 3,
        "compress wrote nothing: {}",
        String::from_utf8_lossy(&z.stderr)
    );
    assert_eq!(lzw::decompress(&z.stdout, 1 << 28).unwrap(), data);
    // The output limit holds.
    assert!(matches!(
        lzw::decompress(&z.stdout, 1000),
        Err(lzw::LzwError::TooLarge { .. })
    ));
}

#[test]
fn odb_job_with_compressed_features_reads_the_same() {
    let Some(job) = test_points_job("odb_job_with_compressed_features") else {
        return;
    };
    let plain = pogo_board::read_bytes("job.tar", &tar_of(&job)).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let z = std::fs::read(dir.join("odb-features.Z")).unwrap();
    let mut compressed: Vec<(String, Vec<u8>)> = job
        .into_iter()
        .filter(|(p, _)| !p.ends_with("layers/f.cu/features"))
        .collect();
    let feats = compressed
        .iter()
        .find(|(p, _)| p.ends_with("layers/f.cu/attrlist"))
        .unwrap()
        .0
        .replace("attrlist", "features.Z");
    compressed.push((feats, z));
    let b = pogo_board::read_bytes("jobz.tar", &tar_of(&compressed)).unwrap();
    // odb-features.Z is this board's own f.cu features file, compressed by `compress`.
    assert_eq!(
        pogo_board::view::pad_rows(&plain),
        pogo_board::view::pad_rows(&b)
    );
}

/// Fuzz regression (odb_read): a symbol name with a multi-byte character after
/// `rect<w>x<h>x` once sliced a string inside a character.
#[test]
fn odb_symbol_with_a_multibyte_character_does_not_panic() {
    let shape = pogo_board::odb::symbol_shape("rect1000x500x\u{fffd}\u{fffd}", 0.001);
    assert_eq!(shape.size().w, 1.0);
}
