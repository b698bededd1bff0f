//! What the corpus tests share: the demo site and the held-out quarter of a corpus.

use ferry_shared::CompiledSite;

/// The demo site file, loaded.
pub fn demo_site() -> CompiledSite {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/sites/demo.toml");
    let source = std::fs::read_to_string(path).expect("read edge/sites/demo.toml");
    CompiledSite::from_toml(&source).unwrap_or_else(|e| panic!("demo.toml does not load: {e}"))
}

/// Is `text` in the held-out quarter? FNV-1a: a stable hash, so the quarter never changes with
/// the toolchain.
pub fn held_out(text: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.is_multiple_of(4)
}

/// One data line of a corpus file: its file, its 1-based line number and its text.
pub struct Line {
    pub path: String,
    pub number: usize,
    pub text: String,
}

/// The data lines of `<dir>/<lang>.tsv` for each of `langs` (header, blank and `#` lines
/// skipped); a missing file is an error when `every_language`, else skipped.
pub fn lines<'a>(
    dir: &str,
    langs: impl IntoIterator<Item = &'a str>,
    every_language: bool,
) -> Vec<(&'a str, Line)> {
    let mut out = Vec::new();
    for lang in langs {
        let path = format!("{dir}/{lang}.tsv");
        if !every_language && !std::path::Path::new(&path).exists() {
            continue;
        }
        let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for (n, text) in data.lines().enumerate().skip(1) {
            if text.trim().is_empty() || text.starts_with('#') {
                continue;
            }
            out.push((
                lang,
                Line {
                    path: path.clone(),
                    number: n + 1,
                    text: text.to_string(),
                },
            ));
        }
    }
    out
}
