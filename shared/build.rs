//! Lists the engine's concept vocabularies (`concepts/*.toml`) for `include_str!`, so adding a
//! concept is adding a file.

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=concepts");
    let mut names: Vec<String> = std::fs::read_dir("concepts")
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    name.strip_suffix(".toml").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from(
        "/// Every engine concept: (name, TOML text).\npub(crate) const ENGINE: &[(&str, &str)] = &[\n",
    );
    for name in &names {
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/concepts/{name}.toml\"))),"
        );
    }
    out.push_str("];\n");
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("concepts.rs");
    std::fs::write(dest, out).expect("write concepts.rs");
}
