//! Fuzz `pogo.toml` parsing: `pogo_config::parse` (what the CLI reads it with), then
//! the settings it holds resolved the way the commands resolve them. An error names
//! file:line:column inside the text; never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match pogo_config::parse("pogo.toml", text) {
        Ok(c) => {
            let _ = c.tolerance.resolve();
            let _ = pogo_design::config::glob_match("*", "x");
        }
        Err(report) => {
            let msg = report.to_string();
            let rest = msg
                .strip_prefix("pogo.toml:")
                .expect("error names the file");
            let mut it = rest.splitn(3, ':');
            let line: usize = it.next().unwrap().parse().expect("a line number");
            let column: usize = it.next().unwrap().parse().expect("a column number");
            let lines = text.matches('\n').count() + 1;
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            let l = text.split('\n').nth(line - 1).unwrap_or("");
            assert!(
                column >= 1 && column <= l.chars().count() + 1,
                "column {column} of `{l}`"
            );
            let _ = format!("{report:?}");
        }
    }
});
