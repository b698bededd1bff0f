//! Tidy test: `shared` stays pure. Its manifest may name only the crates listed here; anything
//! that does IO, reads a clock or binds to a platform (worker, web-sys, ...) belongs in `edge`,
//! `widget` or `cli`.

const ALLOWED: &[&str] = &[
    "serde",
    "serde_json",
    "regex",
    "toml",
    "whatlang",
    "unicode-normalization",
    "hmac",
    "sha2",
    "base64",
];
const PLATFORM: &[&str] = &[
    "worker",
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "wasm-bindgen-futures",
    "gloo",
    "getrandom",
    "tokio",
    "async-std",
    "reqwest",
    "chrono",
    "time",
    "rand",
    "uuid",
];

#[test]
fn shared_manifest_names_no_platform_or_io_crates() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("read shared/Cargo.toml");
    let doc: toml::Table = manifest.parse().expect("shared/Cargo.toml is TOML");
    let deps = doc
        .get("dependencies")
        .and_then(|d| d.as_table())
        .expect("[dependencies]");
    assert!(!deps.is_empty());
    for name in deps.keys() {
        assert!(
            !PLATFORM
                .iter()
                .any(|p| name == p || name.starts_with(&format!("{p}-"))),
            "shared depends on platform/IO crate `{name}`; move that code to edge, widget or cli"
        );
        assert!(
            ALLOWED.contains(&name.as_str()),
            "shared gained dependency `{name}`: if it is pure (no IO, no clock), add it to ALLOWED in {}",
            file!()
        );
    }
    for table in ["target", "build-dependencies"] {
        assert!(
            doc.get(table).is_none(),
            "shared/Cargo.toml must not have [{table}]"
        );
    }
}

#[test]
fn shared_sources_do_no_io_and_read_no_clock() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let banned = [
        "std::fs",
        "std::net",
        "std::env",
        "SystemTime",
        "Instant::now",
        "std::process",
        "std::io::stdin",
    ];
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read source");
        seen += 1;
        for b in banned {
            assert!(
                !text.contains(b),
                "{} uses `{b}`: shared does no IO and reads no clock",
                path.display()
            );
        }
    }
    assert!(seen >= 5, "expected the shared sources under {dir}");
}
