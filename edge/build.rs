//! Bundles `sites/*.toml` into the Worker and refuses to build if one does not load.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sites");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no site files in {}", dir.display());

    let mut generated = String::from(
        "/// Every bundled site file, as `(file name, TOML text)`.\npub const SITE_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &paths {
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let site = ferry_shared::CompiledSite::from_toml(&text).unwrap_or_else(|e| {
            panic!(
                "\n\n{}: {e}\n(run `cargo run -p ferry-cli -- check {}` for details)\n",
                path.display(),
                path.display()
            )
        });
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert_eq!(
            format!("{}.toml", site.id),
            file,
            "site file {file} must be named after its [site] id `{}`",
            site.id
        );
        let _ = writeln!(
            generated,
            "    ({file:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    generated.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("site_files.rs");
    std::fs::write(out, generated).expect("write site_files.rs");
}
