//! Helpers of the report tests: self-containment, well-formedness (Python's
//! html.parser), and rendering in headless Chromium.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// No network or file references: no `src`/`href` except in-page anchors, no
/// `<link>`, no `<script src>`, no `url(` other than in-page `url(#id)`, no `@import`.
pub fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<link"), "no <link> elements");
    assert!(!lower.contains("@import"), "no CSS imports");
    assert!(!lower.contains("<img"), "no images");
    assert!(!lower.contains("<iframe") && !lower.contains("<object") && !lower.contains("<embed"));
    for attr in ["src=", "href=", "xlink:href=", "action="] {
        for (i, _) in lower.match_indices(attr) {
            let value = lower[i + attr.len()..].trim_start_matches(['"', '\'']);
            assert!(
                value.starts_with('#'),
                "external {attr} at byte {i}: {}",
                &html[i..(i + 80).min(html.len())]
            );
        }
    }
    for (i, _) in lower.match_indices("url(") {
        let value = lower[i + 4..].trim_start_matches(['"', '\'']);
        assert!(value.starts_with('#'), "external url( at byte {i}");
    }
    // The SVG namespace is an identifier, not a fetch; nothing else may name a URL.
    let without_ns = lower.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !without_ns.contains("http://") && !without_ns.contains("https://"),
        "no URLs"
    );
    assert!(!lower.contains("<script src") && lower.matches("<script").count() <= 1);
}

pub fn python_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Checks well-formedness with Python's own HTML parser: every element closed in order
/// (void elements excepted), ids unique, exactly one html/head/body.
pub fn check_html_with_python(path: &Path) {
    if !python_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is required in CI"
        );
        eprintln!("skipping html.parser check: python3 not found");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check-report-html.py");
    pogo_testdata::stdout_of(Command::new("python3").arg(&script).arg(path));
}

/// Renders `html_path` in headless Chromium and returns the screenshot's path, or
/// `None` (with a message) when Chromium is absent outside CI.
pub fn screenshot(html_path: &Path, png: &Path, height: u32) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/report-screenshot.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(html_path)
        .arg(png)
        .arg(height.to_string())
        .output()
        .expect("run bash");
    if out.status.code() == Some(3) {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is required in CI (scripts/ci-deps.d/report.sh installs it)"
        );
        eprintln!("skipping the Chromium rendering: chromium not found (apt-get install chromium)");
        return None;
    }
    assert!(
        out.status.success(),
        "screenshot failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(png.to_path_buf())
}

/// Decodes the PNG with Python (zlib) and returns (width, height, distinct colours,
/// share of non-white pixels).
pub fn png_stats(png: &Path) -> (u32, u32, usize, f64) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/png-stats.py");
    let text = pogo_testdata::stdout_of(Command::new("python3").arg(&script).arg(png));
    let v: Vec<&str> = text.split_whitespace().collect();
    (
        v[0].parse().unwrap(),
        v[1].parse().unwrap(),
        v[2].parse().unwrap(),
        v[3].parse().unwrap(),
    )
}
