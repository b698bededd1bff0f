//! Tidy test: `shared` stays pure. Its manifest may name only the crates listed here; anything
//! that does IO, reads a clock or binds to a platform (worker, web-sys, ...) belongs in `edge`,
//! `widget` or `cli`.

const ALLOWED: &[&str] = &[
    "serde",
    "serde_json",
    // Names the field a JSON body gets wrong (`json::parse_json`).
    "serde_path_to_error",
    "regex",
    // Checking a rule's pattern at load without building its whole matcher (`site/load.rs`).
    "regex-automata",
    // The lexicons' term sets (`vocab::TermSet`).
    "aho-corasick",
    "toml",
    "whatlang",
    "unicode-normalization",
    "hmac",
    "sha2",
    "base64",
    // Date arithmetic only: `clock` stays off (see `chrono_reads_no_clock`).
    "chrono",
    "chrono-tz",
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
        // Sockets and name lookups; parsing an address (`std::net::IpAddr`) is pure and allowed.
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "ToSocketAddrs",
        "std::env",
        "SystemTime",
        "Instant::now",
        "std::process",
        "std::io::stdin",
        "Utc::now",
        "Local::now",
    ];
    // Every file, modules in folders (`site/`, `wire/`) too.
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut seen = 0;
    for path in files {
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

/// chrono is allowed for date arithmetic only. Its `clock` feature (and `now`, and the
/// wasm-bindgen / OS glue that `clock` pulls in) would let shared read the time, so the
/// dependency must turn default features off and name none of those. Checked on the entry
/// that takes effect: the workspace's when shared says `workspace = true`.
#[test]
fn chrono_reads_no_clock() {
    let read = |path: &str| -> toml::Table {
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read {path}: {e}"))
            .parse()
            .unwrap_or_else(|e| panic!("{path} is TOML: {e}"))
    };
    let shared = read(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    let root = read(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"));
    let banned = [
        "default",
        "clock",
        "now",
        "wasmbind",
        "wasm-bindgen",
        "js-sys",
        "iana-time-zone",
        "winapi",
        "windows-link",
    ];
    for name in ["chrono", "chrono-tz"] {
        let Some(entry) = shared.get("dependencies").and_then(|d| d.get(name)) else {
            continue;
        };
        let mut features: Vec<String> = Vec::new();
        let mut default_features = true;
        let mut entries = vec![entry.clone()];
        if entry.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
            let inherited = root
                .get("workspace")
                .and_then(|w| w.get("dependencies"))
                .and_then(|d| d.get(name))
                .unwrap_or_else(|| panic!("[workspace.dependencies] {name}"))
                .clone();
            entries.insert(0, inherited);
        }
        for (i, e) in entries.iter().enumerate() {
            // Only the defining entry (the workspace's, or shared's own) decides defaults.
            if i == 0 {
                default_features = e
                    .get("default-features")
                    .and_then(|d| d.as_bool())
                    .unwrap_or(true);
            }
            if let Some(list) = e.get("features").and_then(|f| f.as_array()) {
                features.extend(list.iter().filter_map(|f| f.as_str()).map(str::to_string));
            }
        }
        assert!(
            !default_features,
            "`{name}` must be declared with `default-features = false` (chrono's defaults include `clock`)"
        );
        for f in &features {
            assert!(
                !banned.contains(&f.as_str()),
                "`{name}` enables feature `{f}`: shared reads no clock and binds to no platform"
            );
        }
    }
    // The library must actually depend on chrono for this check to mean anything.
    assert!(
        shared
            .get("dependencies")
            .and_then(|d| d.get("chrono"))
            .is_some(),
        "shared/Cargo.toml has no chrono dependency: drop this check with it"
    );
}
